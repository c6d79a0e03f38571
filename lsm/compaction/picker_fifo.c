/* lsm/compaction/picker_fifo.c: FIFO compaction picking, with the rules of
 * RocksDB 7.8.3's FIFOCompactionPicker (see picker.h at picker_fifo_pick).
 *
 * FIFO keeps data in L0 and drops whole files, oldest first, when they
 * expire (ttl) or when the column family outgrows max_table_files_size.
 * Those are deletion compactions: the inputs leave the version in one
 * edit and nothing is read.  Optionally, small newest L0 files are merged
 * among themselves (intra-L0) to keep the file count down.  A level >= 1
 * holds files only in a database that used another style before; the size
 * rule then empties the last such level first. */
#include "lsm/compaction/picker.h"

#include <stdlib.h>

#include "lsm/util/err.h"

/* The intra-L0 output file size limit RocksDB hard-codes for FIFO. */
#define FIFO_INTRA_L0_FILE_SIZE (UINT64_C(16) << 20)

static bool any_busy(const file_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->files[i]->being_compacted)
            return true;
    return false;
}

/* Registers c as a deletion compaction, or frees it when a picked file is
 * busy (a guard RocksDB leaves to its L0-in-progress check). */
static int finish_deletion(compaction_picker *p, compaction *c, int reason, compaction **out,
                           shale_err *err)
{
    if (c->inputs[0].n == 0 || any_busy(&c->inputs[0])) {
        compaction_free(c);
        return SHALE_OK;
    }
    c->deletion_compaction = true;
    c->enable_compression = false;       /* kNoCompression; nothing is written */
    c->max_output_file_size = 0;
    c->max_compaction_bytes = 0;
    c->reason = reason;
    int rc = picker_compaction_register(p, c, err);
    if (rc == SHALE_OK)
        *out = c;
    return rc;
}

/* PickTTLCompaction: expired files from the oldest, if dropping them brings
 * L0 within the size limit (otherwise the size rule takes over). */
static int pick_ttl(compaction_picker *p, version *v, uint64_t now, compaction **out,
                    shale_err *err)
{
    uint64_t ttl = p->opts.cstyle.ttl, total = version_level_bytes(v, 0);
    if (picker_l0_running(p))
        return SHALE_OK;
    compaction *c = picker_compaction_alloc(v, 0, 0);
    if (c == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (size_t i = v->n_files[0]; i-- > 0 && rc == SHALE_OK;) {
        file_meta *f = v->files[0][i];
        if (!version_file_expired(f, ttl, now))
            break;
        total -= f->file_size;
        rc = file_list_push(&c->inputs[0], f, err);
    }
    if (rc != SHALE_OK || total > p->opts.cstyle.fifo.max_table_files_size) {
        compaction_free(c);
        return rc;
    }
    return finish_deletion(p, c, COMPACTION_REASON_FIFO_TTL, out, err);
}

/* FindIntraL0Compaction with no memtable seqno bound: the newest files,
 * while the bytes per removed file do not grow and the total stays under
 * max_compaction_bytes.  Returns how many files join, 0 when too few or
 * the bytes per removed file reach max_per_file. */
static size_t intra_l0_span(const version *v, size_t min_files, uint64_t max_per_file,
                            uint64_t max_bytes)
{
    file_meta *const *fs = v->files[0];
    size_t n = v->n_files[0], limit;
    if (n == 0 || fs[0]->being_compacted)
        return 0;
    uint64_t bytes = fs[0]->file_size, per_file = UINT64_MAX;
    for (limit = 1; limit < n; limit++) {
        bytes += fs[limit]->file_size;
        uint64_t next = bytes / limit;
        if (fs[limit]->being_compacted || next > per_file || bytes > max_bytes)
            break;
        per_file = next;
    }
    return limit >= min_files && per_file < max_per_file ? limit : 0;
}

/* The allow_compaction branch of PickSizeCompaction. */
static int pick_intra_l0(compaction_picker *p, version *v, compaction **out, shale_err *err)
{
    const version_cf_options *o = &p->opts;
    size_t min_files = o->level0_file_num_compaction_trigger > 0
                           ? (size_t)o->level0_file_num_compaction_trigger : 1;
    double cap = (double)o->write_buffer_size * 1.1;  /* MultiplyCheckOverflow(wbs, 1.1) */
    uint64_t max_per_file = cap >= 18446744073709551615.0 ? o->write_buffer_size : (uint64_t)cap;
    size_t n = intra_l0_span(v, min_files, max_per_file, version_max_compaction_bytes(o));
    if (n == 0)
        return SHALE_OK;
    compaction *c = picker_compaction_alloc(v, 0, 0);
    if (c == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (size_t i = 0; i < n && rc == SHALE_OK; i++)
        rc = file_list_push(&c->inputs[0], v->files[0][i], err);
    if (rc != SHALE_OK) {
        compaction_free(c);
        return rc;
    }
    c->max_output_file_size = FIFO_INTRA_L0_FILE_SIZE;
    c->max_compaction_bytes = 0;
    c->reason = COMPACTION_REASON_FIFO_REDUCE_NUM_FILES;
    if ((rc = picker_compaction_register(p, c, err)) == SHALE_OK)
        *out = c;
    return rc;
}

/* PickSizeCompaction: over the limit, drop files from the oldest (L0) or
 * from the smallest key (a level >= 1) until the rest fits. */
static int pick_size(compaction_picker *p, version *v, compaction **out, shale_err *err)
{
    uint64_t max = p->opts.cstyle.fifo.max_table_files_size, total = 0;
    int last = 0;
    for (int level = 0; level < v->num_levels; level++) {
        uint64_t bytes = version_level_bytes(v, level);
        total += bytes;
        if (bytes > 0)
            last = level;
    }
    if (last == 0 && total <= max)
        return p->opts.cstyle.fifo.allow_compaction ? pick_intra_l0(p, v, out, err) : SHALE_OK;
    if (picker_l0_running(p))
        return SHALE_OK;
    compaction *c = picker_compaction_alloc(v, last, last);
    if (c == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    size_t n = v->n_files[last];
    for (size_t k = 0; k < n && rc == SHALE_OK; k++) {
        file_meta *f = v->files[last][last == 0 ? n - 1 - k : k];
        total -= f->file_size;
        rc = file_list_push(&c->inputs[0], f, err);
        if (total <= max)
            break;
    }
    if (rc != SHALE_OK) {
        compaction_free(c);
        return rc;
    }
    return finish_deletion(p, c, COMPACTION_REASON_FIFO_MAX_SIZE, out, err);
}

int picker_fifo_pick(compaction_picker *p, version *v, uint64_t now, compaction **out,
                     shale_err *err)
{
    int rc = SHALE_OK;
    *out = NULL;
    if (p->opts.cstyle.ttl > 0)
        rc = pick_ttl(p, v, now, out, err);
    if (rc == SHALE_OK && *out == NULL)
        rc = pick_size(p, v, out, err);
    return rc;
}
