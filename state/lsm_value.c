/* state/lsm_value.c: ValueState (and the value-like Reducing and
 * Aggregating states, folded in state/state_ops.c) and clear on the LSM
 * backend.
 *
 * A value is one key, kg | key | ns, whose value is [ts 8 BE] bytes
 * (Flink's TtlSerializer puts the stamp first).  A read applies Flink's TTL
 * rules (state/ttl.h): an expired value is deleted by the read that finds
 * it; with OnReadAndWrite a live one is written back restamped.  clear
 * deletes the key, or, for a map, every user key under kg | key | ns with
 * one range deletion. */
#include "state/lsm.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "state/layout.h"
#include "state/ttl.h"

int lsm_clear(shale_state *st, const state_key *k, shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    shale_cf *cf = lsm_fam(st)->cf;
    int rc = lsm_key(st, k, err);
    if (rc != SHALE_OK)
        return rc;
    if (st->desc.kind != SHALE_STATE_MAP) {
        rc = shale_delete_cf(lb->db, lb->wo, cf, lb->kbuf.data, lb->kbuf.len, err);
    } else {
        shale_buf_clear(&lb->vbuf);
        lsm_prefix_end(&lb->vbuf, lb->kbuf.data, lb->kbuf.len);
        rc = !shale_buf_ok(&lb->vbuf)
                 ? SHALE_NOMEM(err)
                 : shale_delete_range_cf(lb->db, lb->wo, cf, lb->kbuf.data, lb->kbuf.len,
                                         lb->vbuf.data, lb->vbuf.len, err);
    }
    lsm_after_write(lb);
    return rc;
}

/* Moves the user bytes of raw[0..n) (after `skip` bytes) to its front:
 * *val and *len become the caller's value (NULL for empty). */
static void hand_out(char *raw, size_t n, size_t skip, char **val, size_t *len)
{
    if (n <= skip) {
        free(raw);
        *val = NULL;
        *len = 0;
        return;
    }
    memmove(raw, raw + skip, n - skip);
    *val = raw;
    *len = n - skip;
}

int lsm_ttl_read(shale_state *st, int64_t now, unsigned flags, char *raw, size_t n, size_t off,
                 shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    shale_cf *cf = lsm_fam(st)->cf;
    if (n < off + STATE_TTL_TS_LEN)
        return SHALE_CORRUPT(err, "TTL entry of %zu bytes has no timestamp", n);
    enum state_ttl_read r = state_ttl_on_read(&st->desc, state_layout_get_ts(raw + off), now,
                                              flags);
    int rc = SHALE_OK;
    if (r == STATE_TTL_LIVE_TOUCH) {
        shale_buf_clear(&lb->vbuf);
        state_layout_put_ts(&lb->vbuf, now);
        memcpy(raw + off, lb->vbuf.data, STATE_TTL_TS_LEN);
        rc = shale_put_cf(lb->db, lb->wo, cf, lb->kbuf.data, lb->kbuf.len, raw, n, err);
    } else if (r == STATE_TTL_EXPIRED_HIDE || r == STATE_TTL_EXPIRED_RETURN) {
        rc = shale_delete_cf(lb->db, lb->wo, cf, lb->kbuf.data, lb->kbuf.len, err);
    }
    if (r != STATE_TTL_LIVE)
        lsm_after_write(lb);
    if (rc != SHALE_OK)
        return rc;
    return state_ttl_returns(r) ? SHALE_OK : SHALE_NOT_FOUND;
}

/* The stored bytes of k after the TTL rules in *raw (shale_free), and
 * the length of their stamp. */
static int value_read(shale_state *st, const state_key *k, int64_t now, unsigned flags,
                      char **raw, size_t *n, size_t *skip, shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    *raw = NULL;
    *n = 0;
    *skip = state_ttl_on(&st->desc) ? STATE_TTL_TS_LEN : 0;
    int rc = lsm_key(st, k, err);
    if (rc == SHALE_OK)
        rc = shale_get_cf(lb->db, lb->ro, lsm_fam(st)->cf, lb->kbuf.data, lb->kbuf.len, raw, n,
                          err);
    if (rc == SHALE_OK && *skip > 0)
        rc = lsm_ttl_read(st, now, flags, *raw, *n, 0, err);
    if (rc != SHALE_OK) {
        shale_free(*raw);
        *raw = NULL;
        *n = 0;
    }
    return rc;
}

int lsm_value_get(shale_state *st, const state_key *k, int64_t now, unsigned flags, char **val,
                  size_t *len, shale_err *err)
{
    char *raw;
    size_t n, skip;
    *val = NULL;
    *len = 0;
    int rc = value_read(st, k, now, flags, &raw, &n, &skip, err);
    if (rc == SHALE_OK)
        hand_out(raw, n, skip, val, len);
    return rc;
}

/* The engine has no pinned get: the value it mallocs is kept until the
 * next peek (or close) and lent out past its stamp, without a copy. */
int lsm_value_peek(shale_state *st, const state_key *k, int64_t now, unsigned flags,
                   const char **val, size_t *len, shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    char *raw;
    size_t n, skip;
    *val = NULL;
    *len = 0;
    shale_free(lb->peek);
    lb->peek = NULL;
    int rc = value_read(st, k, now, flags, &raw, &n, &skip, err);
    if (rc != SHALE_OK)
        return rc;
    lb->peek = raw;
    if (n > skip) {
        *val = raw + skip;
        *len = n - skip;
    }
    return SHALE_OK;
}

int lsm_value_put(shale_state *st, const state_key *k, int64_t now, const char *val, size_t len,
                  shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    int rc = lsm_key(st, k, err);
    if (rc != SHALE_OK)
        return rc;
    shale_buf_clear(&lb->vbuf);
    state_layout_value(&lb->vbuf, state_ttl_on(&st->desc), now, val, len);
    if (!shale_buf_ok(&lb->vbuf))
        return SHALE_NOMEM(err);
    rc = shale_put_cf(lb->db, lb->wo, lsm_fam(st)->cf, lb->kbuf.data, lb->kbuf.len,
                      lb->vbuf.data, lb->vbuf.len, err);
    lsm_after_write(lb);
    return rc;
}

/* --- map point operations ----------------------------------------------------- */
static int map_key(shale_state *st, const state_key *k, const char *uk, size_t uklen,
                   shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    shale_buf_clear(&lb->kbuf);
    state_layout_map_key(&lb->kbuf, st->b->cfg.max_parallelism, k, uk, uklen);
    return shale_buf_ok(&lb->kbuf) ? SHALE_OK : SHALE_NOMEM(err);
}

int lsm_map_get(shale_state *st, const state_key *k, int64_t now, const char *uk, size_t uklen,
                char **val, size_t *len, shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    bool ttl = state_ttl_on(&st->desc);
    char *raw = NULL;
    size_t n = 0;
    *val = NULL;
    *len = 0;
    int rc = map_key(st, k, uk, uklen, err);
    if (rc == SHALE_OK)
        rc = shale_get_cf(lb->db, lb->ro, lsm_fam(st)->cf, lb->kbuf.data, lb->kbuf.len, &raw,
                          &n, err);
    if (rc == SHALE_OK && n < 1)
        rc = SHALE_CORRUPT(err, "map value without its null flag");
    bool null_value = rc == SHALE_OK && raw[0] == STATE_MAP_VALUE_NULL;
    if (rc == SHALE_OK && ttl && !null_value)
        rc = lsm_ttl_read(st, now, 0, raw, n, 1, err);
    if (rc != SHALE_OK) {
        shale_free(raw);
        return rc;
    }
    /* Flink's null map value (the flag alone) reads as an empty value. */
    hand_out(raw, null_value ? 0 : n, 1 + (ttl ? STATE_TTL_TS_LEN : 0), val, len);
    return SHALE_OK;
}

int lsm_map_contains(shale_state *st, const state_key *k, int64_t now, const char *uk,
                     size_t uklen, bool *found, shale_err *err)
{
    char *v = NULL;
    size_t n = 0;
    int rc = lsm_map_get(st, k, now, uk, uklen, &v, &n, err);
    free(v);
    *found = rc == SHALE_OK;
    return rc == SHALE_NOT_FOUND ? SHALE_OK : rc;
}

/* One entry: a plain put; more: the backend's reusable batch, so put_all
 * is atomic and neither allocates a batch per call. */
int lsm_map_put(shale_state *st, const state_key *k, int64_t now, size_t n,
                const char *const *uks, const size_t *uklens, const char *const *vals,
                const size_t *lens, shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    shale_cf *cf = lsm_fam(st)->cf;
    shale_write_batch_clear(lb->wb);
    int rc = SHALE_OK;
    for (size_t i = 0; i < n && rc == SHALE_OK; i++) {
        rc = map_key(st, k, uks[i], uklens[i], err);
        shale_buf_clear(&lb->vbuf);
        state_layout_map_value(&lb->vbuf, state_ttl_on(&st->desc), now, vals[i], lens[i]);
        if (rc == SHALE_OK && !shale_buf_ok(&lb->vbuf))
            rc = SHALE_NOMEM(err);
        if (rc == SHALE_OK && n == 1)
            rc = shale_put_cf(lb->db, lb->wo, cf, lb->kbuf.data, lb->kbuf.len, lb->vbuf.data,
                              lb->vbuf.len, err);
        else if (rc == SHALE_OK)
            rc = shale_write_batch_put_cf(lb->wb, cf, lb->kbuf.data, lb->kbuf.len,
                                          lb->vbuf.data, lb->vbuf.len, err);
    }
    if (rc == SHALE_OK && n > 1)
        rc = shale_write(lb->db, lb->wo, lb->wb, err);
    shale_write_batch_clear(lb->wb);
    lsm_after_write(lb);
    return rc;
}

int lsm_map_remove(shale_state *st, const state_key *k, const char *uk, size_t uklen,
                   shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    int rc = map_key(st, k, uk, uklen, err);
    if (rc == SHALE_OK)
        rc = shale_delete_cf(lb->db, lb->wo, lsm_fam(st)->cf, lb->kbuf.data, lb->kbuf.len, err);
    lsm_after_write(lb);
    return rc;
}
