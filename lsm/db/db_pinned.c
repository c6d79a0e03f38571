/* lsm/db/db_pinned.c: reads that lend the value instead of copying it
 * (RocksDB's Get into a PinnableSlice).
 *
 * A value found in a memtable is lent straight from the memtable: the
 * pinnable keeps the read view (a superversion reference, so the memtable
 * cannot be freed) until the next get into it, a reset or its free.  A
 * value from an SST file or from a merge is copied once into the
 * pinnable's own buffer, which is reused from get to get, and no view is
 * kept.  Holding a pin keeps that memtable's memory alive after a flush,
 * as a pinned block does in RocksDB; release pins before closing the
 * database. */
#include "lsm/db/db_impl.h"

#include <stdlib.h>

#include "lsm/util/err.h"

struct shale_pinnable {
    read_view rv;       /* held while pinned */
    bool pinned;
    shale_buf buf;      /* copied values; reused */
    slice value;        /* into the memtable (pinned) or buf */
};

shale_pinnable *shale_pinnable_new(void)
{
    shale_pinnable *p = calloc(1, sizeof *p);
    if (p != NULL)
        shale_buf_init(&p->buf);
    return p;
}

void shale_pinnable_reset(shale_pinnable *p)
{
    if (p == NULL)
        return;
    if (p->pinned)
        db_view_release(&p->rv);
    p->pinned = false;
    p->value = slice_make(NULL, 0);
    shale_buf_clear(&p->buf);
}

void shale_pinnable_free(shale_pinnable *p)
{
    if (p == NULL)
        return;
    shale_pinnable_reset(p);
    shale_buf_deinit(&p->buf);
    free(p);
}

const char *shale_pinnable_value(const shale_pinnable *p, size_t *len)
{
    *len = p->value.len;
    return p->value.len > 0 ? p->value.data : "";
}

bool shale_pinnable_is_pinned(const shale_pinnable *p) { return p->pinned; }

int shale_get_pinned_cf(shale_db *db, const shale_read_options *ro, shale_cf *cf,
                        const char *key, size_t klen, shale_pinnable *out, shale_err *err)
{
    uint64_t t0 = db_timer(db);
    shale_pinnable_reset(out);
    db_view_acquire(db, db_cf_of(db, cf), ro, &out->rv);
    slice lent;
    int rc = db_get_in_view(db, ro, &out->rv, slice_make(key, klen), &out->buf, &lent, err);
    if (rc == SHALE_OK && lent.data != NULL) {
        out->pinned = true;   /* the view keeps the memtable alive */
        out->value = lent;
    } else {
        db_view_release(&out->rv);
        if (rc == SHALE_OK)
            out->value = shale_buf_slice(&out->buf);
        else
            shale_buf_clear(&out->buf);
    }
    if (rc == SHALE_OK)
        stats_add(db->stats, TICKER_BYTES_READ, out->value.len);
    stats_add(db->stats, TICKER_NUMBER_KEYS_READ, 1);
    db_timer_record(db, HIST_DB_GET, t0);
    return rc;
}

int shale_get_pinned(shale_db *db, const shale_read_options *ro, const char *key, size_t klen,
                     shale_pinnable *out, shale_err *err)
{
    return shale_get_pinned_cf(db, ro, NULL, key, klen, out, err);
}
