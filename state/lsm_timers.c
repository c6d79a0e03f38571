/* state/lsm_timers.c: timers of the LSM backend, persisted in Flink's
 * layout (RocksDBPriorityQueueSetFactory), one family per domain:
 *   key    kg | ts ^ 2^63, 8 bytes big-endian | key | ns   (state/layout.h)
 *   value  len(key), 4 bytes big-endian
 * Flink writes an empty value and tells key from namespace with its
 * serializers; shale's keys are raw bytes, so the value keeps the split.
 * The family is ordered by key group, then time.  Timers fire by time
 * first, so the backend keeps, per owned key group, the earliest
 * timestamp (Flink's per-key-group queue heads) in a tournament tree whose
 * root is the next timer's group (ties: the lower group); it is loaded by
 * one scan on open and kept up to date by add, delete and pop.  Ties
 * within a group and timestamp are resolved by key, then namespace bytes,
 * reading the few timers that share the timestamp. */
#include "state/lsm.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "state/layout.h"

typedef struct head {
    int64_t ts;
    bool has;
} head;

struct lsm_timer_heads {
    int32_t kg_start;
    size_t size;                  /* leaves, a power of two */
    head *node;                   /* 2 * size; node 1 is the root */
};

/* a comes first: it has a timer and b has none or a later one. */
static bool before(head a, head b) { return a.has && (!b.has || a.ts < b.ts); }

static void heads_set(lsm_timer_heads *h, int32_t kg, head v)
{
    size_t i = h->size + (size_t)(kg - h->kg_start);
    h->node[i] = v;
    for (i /= 2; i >= 1; i /= 2)
        h->node[i] = before(h->node[2 * i + 1], h->node[2 * i]) ? h->node[2 * i + 1]
                                                                : h->node[2 * i];
}

/* The group holding the earliest timer; false when there is none. */
static bool heads_min(const lsm_timer_heads *h, int32_t *kg, int64_t *ts)
{
    if (!h->node[1].has)
        return false;
    size_t i = 1;
    while (i < h->size)
        i = before(h->node[2 * i + 1], h->node[2 * i]) ? 2 * i + 1 : 2 * i;
    *kg = h->kg_start + (int32_t)(i - h->size);
    *ts = h->node[i].ts;
    return true;
}

static lsm_timer_heads *heads_new(int32_t start, int32_t end)
{
    lsm_timer_heads *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->kg_start = start;
    h->size = 1;
    while (h->size < (size_t)(end - start + 1))
        h->size *= 2;
    if ((h->node = calloc(2 * h->size, sizeof *h->node)) == NULL) {
        free(h);
        return NULL;
    }
    return h;
}

/* --- reading the family ------------------------------------------------------ */
static int decode(shale_state_backend *b, const char *k, size_t kl, const char *v, size_t vl,
                  state_timer *t, shale_err *err)
{
    if (vl != 4)
        return SHALE_CORRUPT(err, "timer value of %zu bytes, want 4", vl);
    const unsigned char *u = (const unsigned char *)v;
    size_t klen = ((size_t)u[0] << 24) | ((size_t)u[1] << 16) | ((size_t)u[2] << 8) | u[3];
    return state_layout_timer_key_decode(k, kl, b->cfg.max_parallelism, klen, t, err);
}

/* An iterator over [lo, hi) of the family (hi NULL: to the end). */
static shale_iter *range_iter(lsm_backend *lb, shale_cf *cf, const shale_buf *lo,
                              const shale_buf *hi, shale_read_options **ro)
{
    if ((*ro = shale_read_options_new()) == NULL)
        return NULL;
    if (hi != NULL)
        shale_read_options_set_iterate_upper_bound(*ro, hi->data, hi->len);
    shale_iter *it = shale_iter_new_cf(lb->db, *ro, cf);
    if (it != NULL)
        shale_iter_seek(it, lo->data, lo->len);
    return it;
}

/* Re-reads the earliest timer of group kg after a delete.  No timer of the
 * group is earlier than its head before the delete, so the scan starts at
 * that time: the tombstones of timers fired earlier are not walked again
 * (RocksDB's timer queues pay that walk on every poll). */
static int refresh_head(shale_state_backend *b, lsm_timer_service *ts, int32_t kg,
                        shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    shale_buf lo = SHALE_BUF_INIT, hi = SHALE_BUF_INIT;
    shale_read_options *ro = NULL;
    state_layout_put_kg(&hi, b->cfg.max_parallelism, kg);
    const head *old = &ts->heads->node[ts->heads->size + (size_t)(kg - ts->heads->kg_start)];
    if (old->has) {
        state_timer probe = {old->ts, kg, NULL, 0, NULL, 0};
        state_layout_timer_key(&lo, b->cfg.max_parallelism, &probe);
    } else {
        shale_buf_append(&lo, hi.data, hi.len);
    }
    shale_buf group = hi;   /* hi becomes the end of the group's prefix */
    shale_buf_init(&hi);
    lsm_prefix_end(&hi, group.data, group.len);
    shale_buf_deinit(&group);
    shale_iter *it = shale_buf_ok(&lo) && shale_buf_ok(&hi)
                         ? range_iter(lb, ts->fam->cf, &lo, &hi, &ro) : NULL;
    int rc = it == NULL ? SHALE_NOMEM(err) : SHALE_OK;
    head h = {0, false};
    if (rc == SHALE_OK && shale_iter_valid(it)) {
        size_t kl, vl;
        const char *k = shale_iter_key(it, &kl), *v = shale_iter_value(it, &vl);
        state_timer t;
        if ((rc = decode(b, k, kl, v, vl, &t, err)) == SHALE_OK)
            h = (head){t.ts, true};
    }
    if (rc == SHALE_OK)
        rc = shale_iter_status(it, err);
    if (rc == SHALE_OK)
        heads_set(ts->heads, kg, h);
    shale_iter_free(it);
    shale_read_options_free(ro);
    shale_buf_deinit(&lo);
    shale_buf_deinit(&hi);
    return rc;
}

/* Counts the timers of owned groups and finds each group's first. */
static int load(shale_state_backend *b, lsm_timer_service *ts, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    shale_iter *it = shale_iter_new_cf(lb->db, lb->ro, ts->fam->cf);
    if (it == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (shale_iter_seek_to_first(it); rc == SHALE_OK && shale_iter_valid(it);
         shale_iter_next(it)) {
        size_t kl, vl;
        const char *k = shale_iter_key(it, &kl), *v = shale_iter_value(it, &vl);
        state_timer t;
        if ((rc = decode(b, k, kl, v, vl, &t, err)) != SHALE_OK)
            break;
        if (t.kg < b->cfg.kg_start || t.kg > b->cfg.kg_end)
            continue;   /* another instance's group (Flink restores only its own) */
        ts->count++;
        if (!ts->heads->node[ts->heads->size + (size_t)(t.kg - b->cfg.kg_start)].has)
            heads_set(ts->heads, t.kg, (head){t.ts, true});
    }
    if (rc == SHALE_OK)
        rc = shale_iter_status(it, err);
    shale_iter_free(it);
    return rc;
}

int lsm_timers_open(shale_state_backend *b, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    const char *names[2] = {LSM_TIMER_CF_PROCESSING, LSM_TIMER_CF_EVENT};
    for (int d = 0; d < 2; d++) {
        lsm_timer_service *ts = &lb->timers[d];
        for (size_t i = 0; i < lb->nfams; i++)
            if (strcmp(lb->fams[i]->name, names[d]) == 0)
                ts->fam = lb->fams[i];
        if (ts->fam == NULL || ts->fam->cf == NULL)
            return SHALE_INVALID(err, "timer family %s not open", names[d]);
        if ((ts->heads = heads_new(b->cfg.kg_start, b->cfg.kg_end)) == NULL)
            return SHALE_NOMEM(err);
        int rc = load(b, ts, err);
        if (rc != SHALE_OK)
            return rc;
    }
    return SHALE_OK;
}

void lsm_timers_close(lsm_backend *lb)
{
    for (int d = 0; d < 2; d++) {
        lsm_timer_heads *h = lb->timers[d].heads;
        if (h != NULL)
            free(h->node);
        free(h);
        lb->timers[d].heads = NULL;
    }
}

/* --- add, delete, pop --------------------------------------------------------- */
/* The timer's key in lb->kbuf, its value in lb->vbuf. */
static int encode(shale_state_backend *b, const state_timer *t, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    shale_buf_clear(&lb->kbuf);
    shale_buf_clear(&lb->vbuf);
    state_layout_timer_key(&lb->kbuf, b->cfg.max_parallelism, t);
    char len[4];
    for (int i = 0; i < 4; i++)
        len[i] = (char)((uint32_t)t->klen >> (24 - 8 * i));
    shale_buf_append(&lb->vbuf, len, 4);
    return shale_buf_ok(&lb->kbuf) && shale_buf_ok(&lb->vbuf) ? SHALE_OK : SHALE_NOMEM(err);
}

/* SHALE_OK when the timer in lb->kbuf is stored, SHALE_NOT_FOUND if not. */
static int stored(lsm_backend *lb, shale_cf *cf, shale_err *err)
{
    char *v = NULL;
    size_t n = 0;
    int rc = shale_get_cf(lb->db, lb->ro, cf, lb->kbuf.data, lb->kbuf.len, &v, &n, err);
    shale_free(v);
    return rc;
}

int lsm_timer_add(shale_state_backend *b, int domain, const state_timer *t, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    lsm_timer_service *ts = &lb->timers[domain];
    int rc = encode(b, t, err);
    if (rc == SHALE_OK)
        rc = stored(lb, ts->fam->cf, err);
    if (rc != SHALE_NOT_FOUND)
        return rc;   /* SHALE_OK: registered already */
    rc = shale_put_cf(lb->db, lb->wo, ts->fam->cf, lb->kbuf.data, lb->kbuf.len, lb->vbuf.data,
                      lb->vbuf.len, err);
    lsm_after_write(lb);
    if (rc != SHALE_OK)
        return rc;
    ts->count++;
    head *h = &ts->heads->node[ts->heads->size + (size_t)(t->kg - ts->heads->kg_start)];
    if (!h->has || t->ts < h->ts)
        heads_set(ts->heads, t->kg, (head){t->ts, true});
    return SHALE_OK;
}

int lsm_timer_del(shale_state_backend *b, int domain, const state_timer *t, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    lsm_timer_service *ts = &lb->timers[domain];
    int rc = encode(b, t, err);
    if (rc == SHALE_OK)
        rc = stored(lb, ts->fam->cf, err);
    if (rc != SHALE_OK)
        return rc == SHALE_NOT_FOUND ? SHALE_OK : rc;
    rc = shale_delete_cf(lb->db, lb->wo, ts->fam->cf, lb->kbuf.data, lb->kbuf.len, err);
    lsm_after_write(lb);
    if (rc != SHALE_OK)
        return rc;
    ts->count--;
    return refresh_head(b, ts, t->kg, err);
}

static int cmp_timer(const state_timer *a, const state_timer *b)
{
    int c = slice_compare(slice_make(a->key, a->klen), slice_make(b->key, b->klen));
    return c != 0 ? c : slice_compare(slice_make(a->ns, a->nslen), slice_make(b->ns, b->nslen));
}

/* Copies into buf the stored key of the first (key, ns) among group kg's
 * timers at time `when`, and its key length into *klen. */
static int pick(shale_state_backend *b, lsm_timer_service *ts, int32_t kg, int64_t when,
                shale_buf *buf, size_t *klen, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    state_timer probe = {when, kg, NULL, 0, NULL, 0}, best = {0}, t;
    shale_buf lo = SHALE_BUF_INIT;
    shale_read_options *ro = NULL;
    state_layout_timer_key(&lo, b->cfg.max_parallelism, &probe);
    shale_iter *it = shale_buf_ok(&lo) ? range_iter(lb, ts->fam->cf, &lo, NULL, &ro) : NULL;
    int rc = it == NULL ? SHALE_NOMEM(err) : SHALE_OK;
    bool found = false;
    for (; rc == SHALE_OK && shale_iter_valid(it); shale_iter_next(it)) {
        size_t kl, vl;
        const char *k = shale_iter_key(it, &kl), *v = shale_iter_value(it, &vl);
        if ((rc = decode(b, k, kl, v, vl, &t, err)) != SHALE_OK || t.kg != kg || t.ts != when)
            break;
        if (!found || cmp_timer(&t, &best) < 0) {
            shale_buf_clear(buf);
            shale_buf_append(buf, k, kl);
            best = t;   /* its pointers are only compared until the next move */
            best.key = buf->data + (t.key - k);
            best.ns = buf->data + (t.ns - k);
            *klen = t.klen;
            found = true;
        }
    }
    if (rc == SHALE_OK)
        rc = shale_iter_status(it, err);
    if (rc == SHALE_OK && !shale_buf_ok(buf))
        rc = SHALE_NOMEM(err);
    if (rc == SHALE_OK && !found)
        rc = SHALE_CORRUPT(err, "timer head of key group %d not found", (int)kg);
    shale_iter_free(it);
    shale_read_options_free(ro);
    shale_buf_deinit(&lo);
    return rc;
}

int lsm_timer_pop(shale_state_backend *b, int domain, int64_t limit, state_timer *out,
                  shale_buf *buf, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    lsm_timer_service *ts = &lb->timers[domain];
    int32_t kg;
    int64_t when;
    if (!heads_min(ts->heads, &kg, &when) || when > limit)
        return SHALE_NOT_FOUND;
    size_t klen = 0;
    int rc = pick(b, ts, kg, when, buf, &klen, err);
    if (rc == SHALE_OK)
        rc = shale_delete_cf(lb->db, lb->wo, ts->fam->cf, buf->data, buf->len, err);
    if (rc != SHALE_OK)
        return rc;
    lsm_after_write(lb);
    ts->count--;
    if ((rc = refresh_head(b, ts, kg, err)) != SHALE_OK)
        return rc;
    return state_layout_timer_key_decode(buf->data, buf->len, b->cfg.max_parallelism, klen, out,
                                         err);
}

uint64_t lsm_timer_count(shale_state_backend *b, int domain)
{
    return lsm_of(b)->timers[domain].count;
}
