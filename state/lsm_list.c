/* state/lsm_list.c: ListState on the LSM backend.
 *
 * A list is one key whose value is its elements joined by ',' (Flink's
 * list merge operator, StringAppendTESTOperator), each element
 * [ts 8 BE] len 4 BE bytes (state/layout.h).  add and add_all write one
 * merge operand holding the new elements: O(1), the list is never read.
 * get reads the merged value and walks it; what the read finds dead
 * (expired, too old, or past a count or byte bound) is written back
 * without it, and with OnReadAndWrite the live rest is restamped, as
 * Flink's TTL list state does on access.  Bounds are therefore enforced on
 * update, on every read and by the compaction filter (state/lsm_filter.c),
 * never by reading on add. */
#include "state/lsm.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "state/layout.h"
#include "state/ttl.h"

/* --- elements ------------------------------------------------------------------- */
int lsm_list_parse(slice in, bool ts, lsm_elem **out, size_t *n, shale_err *err)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while (in.len > 0) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            lsm_elem *e = realloc(*out, cap * sizeof *e);
            if (e == NULL)
                return SHALE_NOMEM(err);
            *out = e;
        }
        lsm_elem *e = &(*out)[*n];
        const char *start = in.data;
        int rc = state_layout_list_next(&in, ts, &e->ts, &e->v, err);
        if (rc != SHALE_OK)
            return rc;
        e->raw = slice_make(start, (size_t)(e->v.data + e->v.len - start));
        (*n)++;
    }
    return SHALE_OK;
}

bool lsm_elem_dead(const state_desc *d, int64_t ts, int64_t now)
{
    return state_ttl_expired(d, ts, now) || state_list_elem_too_old(d, ts, now);
}

size_t lsm_list_bound_start(const state_desc *d, const lsm_elem *e, size_t n, int64_t now)
{
    if (d->bound_count == 0 && d->bound_bytes == 0 && d->bound_age_ms == 0)
        return 0;
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += e[i].v.len;
    size_t i = 0;
    while (i < n && ((d->bound_count && n - i > d->bound_count) ||
                     (d->bound_bytes && bytes > d->bound_bytes) ||
                     state_list_elem_too_old(d, e[i].ts, now)))
        bytes -= e[i++].v.len;
    return i;
}

/* --- writes ----------------------------------------------------------------------- */
static int encode_elems(shale_state *st, int64_t now, size_t n, const char *const *vals,
                        const size_t *lens, shale_buf *out, shale_err *err)
{
    bool ts = lsm_elem_ts(&st->desc);
    shale_buf_clear(out);
    for (size_t i = 0; i < n; i++) {
        if (lens[i] > UINT32_MAX)
            return SHALE_INVALID(err, "list element of %zu bytes is over 4 GiB", lens[i]);
        state_layout_list_elem(out, 0, ts, now, vals[i], lens[i]);
    }
    return shale_buf_ok(out) ? SHALE_OK : SHALE_NOMEM(err);
}

int lsm_list_add(shale_state *st, const state_key *k, int64_t now, size_t n,
                 const char *const *vals, const size_t *lens, shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    int rc = lsm_key(st, k, err);
    if (rc == SHALE_OK)
        rc = encode_elems(st, now, n, vals, lens, &lb->vbuf, err);
    if (rc == SHALE_OK)
        rc = shale_merge_cf(lb->db, lb->wo, lsm_fam(st)->cf, lb->kbuf.data, lb->kbuf.len,
                            lb->vbuf.data, lb->vbuf.len, err);
    lsm_after_write(lb);
    return rc;
}

/* Where a bounded list of n new elements (all stamped now) starts. */
static size_t update_start(const state_desc *d, size_t n, const size_t *lens)
{
    if (d->bound_count == 0 && d->bound_bytes == 0)
        return 0;
    uint64_t bytes = 0;
    size_t keep = 0;
    while (keep < n && (d->bound_count == 0 || keep < d->bound_count) &&
           (d->bound_bytes == 0 || bytes + lens[n - 1 - keep] <= d->bound_bytes))
        bytes += lens[n - 1 - keep++];
    return n - keep;
}

/* Replaces the stored list with the encoded bytes (empty: deletes it). */
static int store(lsm_backend *lb, shale_cf *cf, const shale_buf *key, const shale_buf *val,
                 shale_err *err)
{
    int rc = val->len == 0
                 ? shale_delete_cf(lb->db, lb->wo, cf, key->data, key->len, err)
                 : shale_put_cf(lb->db, lb->wo, cf, key->data, key->len, val->data, val->len,
                                err);
    lsm_after_write(lb);
    return rc;
}

int lsm_list_update(shale_state *st, const state_key *k, int64_t now, size_t n,
                    const char *const *vals, const size_t *lens, shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    size_t start = update_start(&st->desc, n, lens);
    int rc = lsm_key(st, k, err);
    if (rc == SHALE_OK)
        rc = encode_elems(st, now, n - start, n > 0 ? vals + start : vals,
                          n > 0 ? lens + start : lens, &lb->vbuf, err);   /* NULL when empty */
    return rc != SHALE_OK ? rc : store(lb, lsm_fam(st)->cf, &lb->kbuf, &lb->vbuf, err);
}

/* --- reads ------------------------------------------------------------------------ */
typedef struct list_iter {
    shale_state_iter base;
    char *val;                    /* the merged value read (shale_free) */
    slice *vis;                   /* the elements returned, oldest first */
    size_t n, pos;
} list_iter;

static bool it_valid(const shale_state_iter *b)
{
    const list_iter *it = (const list_iter *)b;
    return it->pos < it->n;
}

static void it_next(shale_state_iter *b) { ((list_iter *)b)->pos++; }

static const char *it_key(const shale_state_iter *b, size_t *len)
{
    (void)b;
    *len = 0;
    return NULL;
}

static const char *it_value(const shale_state_iter *b, size_t *len)
{
    const list_iter *it = (const list_iter *)b;
    *len = it->vis[it->pos].len;
    return it->vis[it->pos].data;
}

static int it_status(const shale_state_iter *b, shale_err *err)
{
    (void)b, (void)err;
    return SHALE_OK;
}

static void it_free(shale_state_iter *b)
{
    list_iter *it = (list_iter *)b;
    if (it == NULL)
        return;
    shale_free(it->val);
    free(it->vis);
    free(it);
}

static const state_iter_ops list_iter_ops = {it_valid, it_next, it_key, it_value, it_status,
                                             it_free};

/* What a read does with elements e[start..n): *it gets the visible ones
 * (the last `last`), lb->vbuf the ones storage keeps; true when storage
 * must change. */
static bool sort_elems(shale_state *st, int64_t now, const lsm_elem *e, size_t n, size_t start,
                       size_t last, list_iter *it)
{
    const state_desc *d = &st->desc;
    lsm_backend *lb = lsm_of(st->b);
    bool touch = state_ttl_on(d) && d->ttl_update == SHALE_TTL_ON_READ_AND_WRITE;
    bool ret_expired = d->ttl_visibility == SHALE_TTL_RETURN_EXPIRED_IF_NOT_CLEANED_UP;
    bool changed = start > 0;
    size_t kept = 0;
    shale_buf_clear(&lb->vbuf);
    for (size_t i = start; i < n; i++) {
        bool old = state_list_elem_too_old(d, e[i].ts, now);
        bool expired = state_ttl_expired(d, e[i].ts, now);
        if (!old && (!expired || ret_expired))
            it->vis[it->n++] = e[i].v;
        if (old || expired) {
            changed = true;
            continue;
        }
        if (touch)
            state_layout_list_elem(&lb->vbuf, 0, true, now, e[i].v.data, e[i].v.len);
        else {
            if (kept > 0)
                shale_buf_append_byte(&lb->vbuf, STATE_LIST_DELIM);
            shale_buf_append_slice(&lb->vbuf, e[i].raw);
        }
        kept++;
    }
    if (it->n > last) {
        memmove(it->vis, it->vis + (it->n - last), last * sizeof *it->vis);
        it->n = last;
    }
    return changed || (touch && kept > 0);
}

/* Parses it->val, fills the iterator and writes back what changed. */
static int read_list(shale_state *st, int64_t now, size_t vlen, size_t last, list_iter *it,
                     shale_err *err)
{
    lsm_elem *e = NULL;
    size_t n = 0;
    int rc = lsm_list_parse(slice_make(it->val, vlen), lsm_elem_ts(&st->desc), &e, &n, err);
    if (rc == SHALE_OK && n > 0 && (it->vis = malloc(n * sizeof *it->vis)) == NULL)
        rc = SHALE_NOMEM(err);
    if (rc != SHALE_OK) {
        free(e);
        return rc;
    }
    lsm_backend *lb = lsm_of(st->b);
    size_t start = lsm_list_bound_start(&st->desc, e, n, now);
    bool changed = sort_elems(st, now, e, n, start, last, it);
    free(e);
    if (!changed)
        return SHALE_OK;
    if (!shale_buf_ok(&lb->vbuf))
        return SHALE_NOMEM(err);
    return store(lb, lsm_fam(st)->cf, &lb->kbuf, &lb->vbuf, err);
}

int lsm_list_get(shale_state *st, const state_key *k, int64_t now, size_t last,
                 shale_state_iter **out, shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    list_iter *it = calloc(1, sizeof *it);
    if (it == NULL)
        return SHALE_NOMEM(err);
    it->base.ops = &list_iter_ops;
    size_t vlen = 0;
    int rc = lsm_key(st, k, err);
    if (rc == SHALE_OK)
        rc = shale_get_cf(lb->db, lb->ro, lsm_fam(st)->cf, lb->kbuf.data, lb->kbuf.len,
                          &it->val, &vlen, err);
    if (rc == SHALE_OK)
        rc = read_list(st, now, vlen, last, it, err);
    else if (rc == SHALE_NOT_FOUND)
        rc = SHALE_OK;
    if (rc != SHALE_OK) {
        it_free(&it->base);
        return rc;
    }
    *out = &it->base;
    return SHALE_OK;
}
