/* state/state_ops.c: the per-state operations of include/shale/state.h.
 *
 * Each call resolves the key, checks the kind, reads the clock only when
 * the state needs it (TTL or a list age bound: a clock call per access is a
 * measurable cost at 10M ops/s), times one access in sample_interval, and
 * calls the backend.  Reducing and aggregating states are folds over the
 * backend's value_get/value_put, done here once for every backend. */
#include "state/backend.h"

#include <stdlib.h>
#include <time.h>

#include "lsm/util/err.h"
#include "state/ttl.h"

typedef struct op_ctx {
    shale_state *st;
    state_key k;
    int64_t now;
    uint64_t t0;          /* monotonic ns when sampled, else 0 */
} op_ctx;

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int op_begin(op_ctx *c, shale_state *st, const shale_state_key *k, int kind,
                    shale_err *err)
{
    if (st->desc.kind != kind)
        return SHALE_INVALID(err, "state '%s' is not of the kind this call needs", st->desc.name);
    int rc = state_resolve_key(st->b, k, &c->k, err);
    if (rc != SHALE_OK)
        return rc;
    c->st = st;
    c->now = state_needs_clock(&st->desc) ? state_now(st->b) : 0;
    st->accesses++;
    c->t0 = 0;
    /* A countdown, not a modulo: no division on every access. */
    if (st->b->cfg.sample_interval != 0 && --st->b->sample_left == 0) {
        st->b->sample_left = st->b->cfg.sample_interval;
        c->t0 = mono_ns();
    }
    return SHALE_OK;
}

static int op_end(op_ctx *c, int rc)
{
    if (c->t0 != 0) {
        histogram_add(&c->st->latency, mono_ns() - c->t0);
        c->st->sampled++;
    }
    return rc;
}

#define OPS(c) ((c).st->b->ops)

static bool bad_bytes(const void *p, size_t n) { return p == NULL && n > 0; }

static int check_array(size_t n, const char *const *vals, const size_t *lens, shale_err *err)
{
    if (n > 0 && (vals == NULL || lens == NULL))
        return SHALE_INVALID(err, "NULL arrays for %zu elements", n);
    for (size_t i = 0; i < n; i++)
        if (bad_bytes(vals[i], lens[i]))
            return SHALE_INVALID(err, "element %zu is NULL with length %zu", i, lens[i]);
    return SHALE_OK;
}

int shale_state_clear(shale_state *st, const shale_state_key *k, shale_err *err)
{
    op_ctx c;
    int rc = op_begin(&c, st, k, st->desc.kind, err);
    if (rc != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->clear(st, &c.k, err));
}

/* --- value -------------------------------------------------------------------- */
int shale_value_state_get(shale_state *st, const shale_state_key *k, char **val, size_t *len,
                          shale_err *err)
{
    *val = NULL;
    *len = 0;
    op_ctx c;
    int rc = op_begin(&c, st, k, SHALE_STATE_VALUE, err);
    if (rc != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->value_get(st, &c.k, c.now, 0, val, len, err));
}

int shale_value_state_get_borrowed(shale_state *st, const shale_state_key *k,
                                   const char **val, size_t *len, shale_err *err)
{
    *val = NULL;
    *len = 0;
    op_ctx c;
    int rc = op_begin(&c, st, k, SHALE_STATE_VALUE, err);
    if (rc != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->value_peek(st, &c.k, c.now, 0, val, len, err));
}

int shale_value_state_update(shale_state *st, const shale_state_key *k, const char *val,
                             size_t len, shale_err *err)
{
    if (bad_bytes(val, len))
        return SHALE_INVALID(err, "NULL value of %zu bytes", len);
    op_ctx c;
    int rc = op_begin(&c, st, k, SHALE_STATE_VALUE, err);
    if (rc != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->value_put(st, &c.k, c.now, val, len, err));
}

/* --- list --------------------------------------------------------------------- */
int shale_list_state_add(shale_state *st, const shale_state_key *k, const char *val, size_t len,
                         shale_err *err)
{
    return shale_list_state_add_all(st, k, 1, &val, &len, err);
}

int shale_list_state_add_all(shale_state *st, const shale_state_key *k, size_t n,
                             const char *const *vals, const size_t *lens, shale_err *err)
{
    int rc = check_array(n, vals, lens, err);
    op_ctx c;
    if (rc != SHALE_OK || (rc = op_begin(&c, st, k, SHALE_STATE_LIST, err)) != SHALE_OK)
        return rc;
    if (n == 0)
        return op_end(&c, SHALE_OK);
    return op_end(&c, OPS(c)->list_add(st, &c.k, c.now, n, vals, lens, err));
}

int shale_list_state_update(shale_state *st, const shale_state_key *k, size_t n,
                            const char *const *vals, const size_t *lens, shale_err *err)
{
    int rc = check_array(n, vals, lens, err);
    op_ctx c;
    if (rc != SHALE_OK || (rc = op_begin(&c, st, k, SHALE_STATE_LIST, err)) != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->list_update(st, &c.k, c.now, n, vals, lens, err));
}

int shale_list_state_get_last(shale_state *st, const shale_state_key *k, size_t last,
                              shale_state_iter **it, shale_err *err)
{
    *it = NULL;
    op_ctx c;
    int rc = op_begin(&c, st, k, SHALE_STATE_LIST, err);
    if (rc != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->list_get(st, &c.k, c.now, last, it, err));
}

int shale_list_state_get(shale_state *st, const shale_state_key *k, shale_state_iter **it,
                         shale_err *err)
{
    return shale_list_state_get_last(st, k, SIZE_MAX, it, err);
}

/* --- map ---------------------------------------------------------------------- */
int shale_map_state_get(shale_state *st, const shale_state_key *k, const char *uk, size_t uklen,
                        char **val, size_t *len, shale_err *err)
{
    *val = NULL;
    *len = 0;
    op_ctx c;
    if (bad_bytes(uk, uklen))
        return SHALE_INVALID(err, "NULL user key of %zu bytes", uklen);
    int rc = op_begin(&c, st, k, SHALE_STATE_MAP, err);
    if (rc != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->map_get(st, &c.k, c.now, uk, uklen, val, len, err));
}

int shale_map_state_put(shale_state *st, const shale_state_key *k, const char *uk, size_t uklen,
                        const char *val, size_t len, shale_err *err)
{
    return shale_map_state_put_all(st, k, 1, &uk, &uklen, &val, &len, err);
}

int shale_map_state_put_all(shale_state *st, const shale_state_key *k, size_t n,
                            const char *const *uks, const size_t *uklens,
                            const char *const *vals, const size_t *lens, shale_err *err)
{
    int rc = check_array(n, uks, uklens, err);
    if (rc == SHALE_OK)
        rc = check_array(n, vals, lens, err);
    op_ctx c;
    if (rc != SHALE_OK || (rc = op_begin(&c, st, k, SHALE_STATE_MAP, err)) != SHALE_OK)
        return rc;
    if (n == 0)
        return op_end(&c, SHALE_OK);
    return op_end(&c, OPS(c)->map_put(st, &c.k, c.now, n, uks, uklens, vals, lens, err));
}

int shale_map_state_remove(shale_state *st, const shale_state_key *k, const char *uk,
                           size_t uklen, shale_err *err)
{
    op_ctx c;
    if (bad_bytes(uk, uklen))
        return SHALE_INVALID(err, "NULL user key of %zu bytes", uklen);
    int rc = op_begin(&c, st, k, SHALE_STATE_MAP, err);
    if (rc != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->map_remove(st, &c.k, uk, uklen, err));
}

int shale_map_state_contains(shale_state *st, const shale_state_key *k, const char *uk,
                             size_t uklen, bool *found, shale_err *err)
{
    *found = false;
    op_ctx c;
    if (bad_bytes(uk, uklen))
        return SHALE_INVALID(err, "NULL user key of %zu bytes", uklen);
    int rc = op_begin(&c, st, k, SHALE_STATE_MAP, err);
    if (rc != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->map_contains(st, &c.k, c.now, uk, uklen, found, err));
}

int shale_map_state_iter(shale_state *st, const shale_state_key *k, shale_state_iter **it,
                         shale_err *err)
{
    *it = NULL;
    op_ctx c;
    int rc = op_begin(&c, st, k, SHALE_STATE_MAP, err);
    if (rc != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->map_iter(st, &c.k, c.now, it, err));
}

int shale_map_state_is_empty(shale_state *st, const shale_state_key *k, bool *empty,
                             shale_err *err)
{
    *empty = true;
    op_ctx c;
    int rc = op_begin(&c, st, k, SHALE_STATE_MAP, err);
    if (rc != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->map_is_empty(st, &c.k, c.now, empty, err));
}

/* --- reducing and aggregating: folds over value_get / value_put --------------- */
static int cb_result(int rc, shale_state *st, shale_err *err)
{
    if (rc == SHALE_OK)
        return SHALE_OK;
    if (err != NULL && err->code == rc)
        return rc;            /* the callback filled *err itself */
    return SHALE_ERR(err, rc, "callback of state '%s' failed", st->desc.name);
}

/* The new stored bytes after folding `in` into `old` (absent unless
 * have_old; borrowed from the backend).  *out is NULL when the bytes to
 * store are `in` itself (a reduce's first value: no copy). */
static int fold(shale_state *st, const char *old, size_t old_len, bool have_old, const char *in,
                size_t len, char **out, size_t *out_len, shale_err *err)
{
    const state_desc *d = &st->desc;
    *out = NULL;
    *out_len = 0;
    if (d->kind == SHALE_STATE_REDUCING)
        return have_old ? cb_result(d->reduce(d->cb_ctx, old, old_len, in, len, out, out_len),
                                    st, err)
                        : SHALE_OK;
    char *fresh = NULL;
    size_t fresh_len = 0;
    if (!have_old) {
        int rc = cb_result(d->agg_create(d->cb_ctx, &fresh, &fresh_len), st, err);
        if (rc != SHALE_OK)
            return rc;
        old = fresh;
        old_len = fresh_len;
    }
    int rc = cb_result(d->agg_add(d->cb_ctx, old, old_len, in, len, out, out_len), st, err);
    free(fresh);
    return rc;
}

/* Reads the old bytes borrowed (value_peek: no copy), folds, writes. */
static int fold_add(shale_state *st, const shale_state_key *k, int kind, const char *in,
                    size_t len, shale_err *err)
{
    if (bad_bytes(in, len))
        return SHALE_INVALID(err, "NULL input of %zu bytes", len);
    op_ctx c;
    int rc = op_begin(&c, st, k, kind, err);
    if (rc != SHALE_OK)
        return rc;
    const char *old = NULL;
    char *next = NULL;
    size_t old_len = 0, next_len = 0;
    rc = OPS(c)->value_peek(st, &c.k, c.now, STATE_READ_NO_TOUCH, &old, &old_len, err);
    bool have_old = rc == SHALE_OK;
    if (rc == SHALE_OK || rc == SHALE_NOT_FOUND)
        rc = fold(st, old, old_len, have_old, in, len, &next, &next_len, err);
    bool as_is = kind == SHALE_STATE_REDUCING && !have_old;
    if (rc == SHALE_OK)
        rc = OPS(c)->value_put(st, &c.k, c.now, as_is ? in : next, as_is ? len : next_len, err);
    free(next);
    return op_end(&c, rc);
}

int shale_reducing_state_add(shale_state *st, const shale_state_key *k, const char *val,
                             size_t len, shale_err *err)
{
    return fold_add(st, k, SHALE_STATE_REDUCING, val, len, err);
}

int shale_aggregating_state_add(shale_state *st, const shale_state_key *k, const char *in,
                                size_t len, shale_err *err)
{
    return fold_add(st, k, SHALE_STATE_AGGREGATING, in, len, err);
}

int shale_reducing_state_get(shale_state *st, const shale_state_key *k, char **val, size_t *len,
                             shale_err *err)
{
    *val = NULL;
    *len = 0;
    op_ctx c;
    int rc = op_begin(&c, st, k, SHALE_STATE_REDUCING, err);
    if (rc != SHALE_OK)
        return rc;
    return op_end(&c, OPS(c)->value_get(st, &c.k, c.now, 0, val, len, err));
}

int shale_aggregating_state_get(shale_state *st, const shale_state_key *k, char **out,
                                size_t *len, shale_err *err)
{
    *out = NULL;
    *len = 0;
    op_ctx c;
    int rc = op_begin(&c, st, k, SHALE_STATE_AGGREGATING, err);
    if (rc != SHALE_OK)
        return rc;
    const char *acc = NULL;
    size_t acc_len = 0;
    rc = OPS(c)->value_peek(st, &c.k, c.now, 0, &acc, &acc_len, err);
    if (rc == SHALE_OK)
        rc = cb_result(st->desc.agg_result(st->desc.cb_ctx, acc, acc_len, out, len), st, err);
    return op_end(&c, rc);
}

/* --- iterators ------------------------------------------------------------------ */
bool shale_state_iter_valid(const shale_state_iter *it) { return it->ops->valid(it); }
void shale_state_iter_next(shale_state_iter *it) { it->ops->next(it); }

const char *shale_state_iter_key(const shale_state_iter *it, size_t *len)
{
    return it->ops->key(it, len);
}

const char *shale_state_iter_value(const shale_state_iter *it, size_t *len)
{
    return it->ops->value(it, len);
}

int shale_state_iter_status(const shale_state_iter *it, shale_err *err)
{
    return it->ops->status(it, err);
}

void shale_state_iter_free(shale_state_iter *it)
{
    if (it != NULL)
        it->ops->free(it);
}
