/* state/lsm_map.c: MapState iteration on the LSM backend: a prefix scan.
 *
 * Every entry of one map shares the prefix kg | key | ns, followed by the
 * user key; its value is flag | [ts] | bytes.  An iterator is a shale
 * iterator bounded to [prefix, prefix end), so it sees the map as it was
 * when created (shale iterators are consistent views) and yields user keys
 * in byte order.  With TTL, creating it also cleans up as the heap backend
 * does on access: a second scan deletes expired entries and, with
 * OnReadAndWrite, restamps the live ones, in one batch written after the
 * returned iterator was created (so ReturnExpiredIfNotCleanedUp shows the
 * expired entries this once). */
#include "state/lsm.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "state/layout.h"
#include "state/ttl.h"

typedef struct map_iter {
    shale_state_iter base;
    shale_read_options *ro;       /* holds the bounds */
    shale_iter *it;
    const state_desc *d;
    int64_t now;
    size_t plen;                  /* prefix bytes before the user key */
    slice v;                      /* the current entry's value */
    shale_err err;                /* a decoding failure ends iteration */
} map_iter;

/* Decodes the entry under the shale iterator; *live: visible at it->now;
 * *ts: its stamp, -1 for Flink's null value (no stamp). */
static int decode(map_iter *it, bool *live, int64_t *ts)
{
    size_t n;
    const char *p = shale_iter_value(it->it, &n);
    bool ttl = state_ttl_on(it->d), null_value;
    int rc = state_layout_map_value_decode(p, n, ttl, &null_value, ts, &it->v, &it->err);
    if (rc != SHALE_OK)
        return rc;
    *live = null_value || !state_ttl_expired(it->d, *ts, it->now);
    if (null_value)
        *ts = -1;
    return SHALE_OK;
}

static void skip_hidden(map_iter *it)
{
    bool ret_expired = it->d->ttl_visibility == SHALE_TTL_RETURN_EXPIRED_IF_NOT_CLEANED_UP;
    for (; it->err.code == SHALE_OK && shale_iter_valid(it->it); shale_iter_next(it->it)) {
        bool live;
        int64_t ts;
        if (decode(it, &live, &ts) == SHALE_OK && (live || ret_expired))
            return;
    }
}

static bool mi_valid(const shale_state_iter *b)
{
    const map_iter *it = (const map_iter *)b;
    return it->err.code == SHALE_OK && shale_iter_valid(it->it);
}

static void mi_next(shale_state_iter *b)
{
    map_iter *it = (map_iter *)b;
    shale_iter_next(it->it);
    skip_hidden(it);
}

static const char *mi_key(const shale_state_iter *b, size_t *len)
{
    const map_iter *it = (const map_iter *)b;
    size_t n;
    const char *k = shale_iter_key(it->it, &n);
    *len = n - it->plen;
    return k + it->plen;
}

static const char *mi_value(const shale_state_iter *b, size_t *len)
{
    const map_iter *it = (const map_iter *)b;
    *len = it->v.len;
    return it->v.data;
}

static int mi_status(const shale_state_iter *b, shale_err *err)
{
    const map_iter *it = (const map_iter *)b;
    if (it->err.code != SHALE_OK) {
        if (err != NULL)
            *err = it->err;
        return it->err.code;
    }
    return shale_iter_status(it->it, err);
}

static void mi_free(shale_state_iter *b)
{
    map_iter *it = (map_iter *)b;
    if (it == NULL)
        return;
    shale_iter_free(it->it);
    shale_read_options_free(it->ro);
    free(it);
}

static const state_iter_ops map_iter_ops = {mi_valid, mi_next, mi_key, mi_value, mi_status,
                                            mi_free};

/* A raw iterator over the map's entries (prefix in lb->kbuf). */
static map_iter *open_iter(shale_state *st, int64_t now, shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    map_iter *it = calloc(1, sizeof *it);
    shale_buf end = SHALE_BUF_INIT;
    if (it == NULL || (it->ro = shale_read_options_new()) == NULL)
        goto nomem;
    lsm_prefix_end(&end, lb->kbuf.data, lb->kbuf.len);
    if (!shale_buf_ok(&end))
        goto nomem;
    shale_read_options_set_iterate_lower_bound(it->ro, lb->kbuf.data, lb->kbuf.len);
    shale_read_options_set_iterate_upper_bound(it->ro, end.data, end.len);
    shale_buf_deinit(&end);
    if ((it->it = shale_iter_new_cf(lb->db, it->ro, lsm_fam(st)->cf)) == NULL)
        goto nomem;
    it->base.ops = &map_iter_ops;
    it->d = &st->desc;
    it->now = now;
    it->plen = lb->kbuf.len;
    shale_iter_seek(it->it, lb->kbuf.data, lb->kbuf.len);
    return it;
nomem:
    shale_buf_deinit(&end);
    mi_free(it ? &it->base : NULL);
    SHALE_NOMEM(err);
    return NULL;
}

/* Deletes expired entries and (OnReadAndWrite) restamps live ones. */
static int cleanup(shale_state *st, int64_t now, shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    bool touch = st->desc.ttl_update == SHALE_TTL_ON_READ_AND_WRITE;
    map_iter *it = open_iter(st, now, err);
    shale_write_batch *wb = shale_write_batch_new();
    shale_buf v = SHALE_BUF_INIT;
    int rc = it == NULL ? SHALE_NO_MEMORY : wb == NULL ? SHALE_NOMEM(err) : SHALE_OK;
    for (; rc == SHALE_OK && shale_iter_valid(it->it); shale_iter_next(it->it)) {
        bool live;
        int64_t ts;
        size_t kl;
        const char *key = shale_iter_key(it->it, &kl);
        if ((rc = decode(it, &live, &ts)) != SHALE_OK) {
            if (err != NULL)
                *err = it->err;
            break;
        }
        if (!live)
            rc = shale_write_batch_delete_cf(wb, lsm_fam(st)->cf, key, kl, err);
        else if (touch && ts != now && ts != -1) {
            shale_buf_clear(&v);
            state_layout_map_value(&v, true, now, it->v.data, it->v.len);
            rc = shale_write_batch_put_cf(wb, lsm_fam(st)->cf, key, kl, v.data, v.len, err);
        }
    }
    if (rc == SHALE_OK && it != NULL)
        rc = shale_iter_status(it->it, err);
    if (rc == SHALE_OK && shale_write_batch_count(wb) > 0) {
        rc = shale_write(lb->db, lb->wo, wb, err);
        lsm_after_write(lb);
    }
    shale_buf_deinit(&v);
    shale_write_batch_free(wb);
    mi_free(it ? &it->base : NULL);
    return rc;
}

int lsm_map_iter(shale_state *st, const state_key *k, int64_t now, shale_state_iter **out,
                 shale_err *err)
{
    int rc = lsm_key(st, k, err);
    if (rc != SHALE_OK)
        return rc;
    map_iter *it = open_iter(st, now, err);
    if (it == NULL)
        return SHALE_NO_MEMORY;
    skip_hidden(it);
    if (state_ttl_on(&st->desc) && (rc = cleanup(st, now, err)) != SHALE_OK) {
        mi_free(&it->base);
        return rc;
    }
    *out = &it->base;
    return SHALE_OK;
}

int lsm_map_is_empty(shale_state *st, const state_key *k, int64_t now, bool *empty,
                     shale_err *err)
{
    shale_state_iter *it = NULL;
    int rc = lsm_map_iter(st, k, now, &it, err);
    if (rc != SHALE_OK)
        return rc;
    *empty = !mi_valid(it);
    rc = mi_status(it, err);
    mi_free(it);
    return rc;
}
