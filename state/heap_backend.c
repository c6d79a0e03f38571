/* state/heap_backend.c: the heap state backend: states as per-key-group
 * hash tables of copy-on-write entries (state/heap.h), value-like states,
 * clear, incremental TTL cleanup, metrics and the vtable.  Lists and maps
 * are in state/heap_collections.c, timers in state/heap_timers.c,
 * snapshots in state/heap_snapshot.c. */
#include "state/heap.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "state/ttl.h"

static heap_backend *HB(shale_state_backend *b) { return b->impl; }

/* --- open / close ------------------------------------------------------------- */
static int heap_open(shale_state_backend *b, const char *dir, shale_err *err)
{
    (void)dir;
    heap_backend *hb = calloc(1, sizeof *hb);
    if (hb == NULL)
        return SHALE_NOMEM(err);
    atomic_init(&hb->total, 0);
    shale_buf_init(&hb->peek);
    atomic_init(&hb->timer_acct.bytes, 0);
    hb->timer_acct.total = &hb->total;
    b->impl = hb;
    return SHALE_OK;
}

static void heap_close(shale_state_backend *b)
{
    heap_backend *hb = HB(b);
    heap_timers_deinit(&hb->timer_acct, &hb->timers[0]);
    heap_timers_deinit(&hb->timer_acct, &hb->timers[1]);
    shale_buf_deinit(&hb->peek);
    free(hb);
}

static int heap_state_open(shale_state_backend *b, shale_state *st, shale_err *err)
{
    heap_state *hs = calloc(1, sizeof *hs);
    if (hs == NULL)
        return SHALE_NOMEM(err);
    atomic_init(&hs->acct.bytes, 0);
    hs->acct.total = &HB(b)->total;
    hs->kg_start = b->cfg.kg_start;
    hs->ntables = (size_t)(b->cfg.kg_end - b->cfg.kg_start + 1);
    hs->tables = heap_alloc(&hs->acct, hs->ntables * sizeof *hs->tables);
    if (hs->tables == NULL) {
        free(hs);
        return SHALE_NOMEM(err);
    }
    memset(hs->tables, 0, hs->ntables * sizeof *hs->tables);
    st->impl = hs;
    return SHALE_OK;
}

static void heap_state_close(shale_state *st)
{
    heap_state *hs = st->impl;
    for (size_t i = 0; i < hs->ntables; i++) {
        htab *t = &hs->tables[i];
        for (size_t j = 0; j < t->cap; j++)
            hentry_unref(&hs->acct, t->slots[j].item);
        htab_deinit(t, &hs->acct);
    }
    heap_release(&hs->acct, hs->tables, hs->ntables * sizeof *hs->tables);
    free(hs);
}

/* --- locating entries --------------------------------------------------------- */
void heap_locate(heap_state *hs, const state_key *k, heap_loc *l)
{
    l->t = &hs->tables[k->kg - hs->kg_start];
    l->h = htab_hash(k->key, k->klen, k->ns, k->nslen);
    l->s = htab_find(l->t, l->h, k->key, k->klen, k->ns, k->nslen);
}

int heap_insert_entry(heap_state *hs, heap_loc *l, hentry *e, shale_err *err)
{
    if ((l->s = htab_add(l->t, &hs->acct, l->h, e)) == NULL) {
        hentry_unref(&hs->acct, e);
        return SHALE_NOMEM(err);
    }
    hs->entries++;
    return SHALE_OK;
}

void heap_remove_at(heap_state *hs, heap_loc *l)
{
    hentry *e = l->s->item;
    htab_erase(l->t, l->s);
    l->s = NULL;
    hs->entries--;
    hentry_unref(&hs->acct, e);
}

int heap_copy_out(const char *p, size_t n, char **out, size_t *len, shale_err *err)
{
    *out = NULL;
    *len = 0;
    if (n == 0)
        return SHALE_OK;
    if ((*out = malloc(n)) == NULL)
        return SHALE_NOMEM(err);
    memcpy(*out, p, n);
    *len = n;
    return SHALE_OK;
}

/* --- incremental TTL cleanup ---------------------------------------------------- */
size_t heap_purge_list(shale_state *st, hentry *e, int64_t now)
{
    heap_acct *a = &((heap_state *)st->impl)->acct;
    size_t kept = 0, n = e->u.l.n;
    helem **arr = e->u.l.e + e->u.l.head;
    for (size_t i = 0; i < n; i++) {
        helem *x = arr[i];
        if (heap_elem_dead(&st->desc, x->ts, now)) {
            e->u.l.bytes -= x->len;
            heap_release(a, x, sizeof *x + x->len);
        } else {
            arr[kept++] = x;
        }
    }
    e->u.l.n = kept;
    return n - kept;
}

size_t heap_purge_map(shale_state *st, hentry *e, int64_t now)
{
    heap_acct *a = &((heap_state *)st->impl)->acct;
    size_t dropped = 0;
    for (size_t i = 0; i < e->u.m.cap;) {
        hslot *s = &e->u.m.slots[i];
        hmitem *m = s->item;
        if (m != NULL && heap_elem_dead(&st->desc, m->ts, now)) {
            htab_erase(&e->u.m, s);    /* a later item may shift into i: look again */
            hmitem_free(a, m);
            dropped++;
        } else {
            i++;
        }
    }
    return dropped;
}

static bool entry_has_dead(shale_state *st, const hentry *e, int64_t now)
{
    if (e->kind == HENTRY_VALUE)
        return state_ttl_expired(&st->desc, e->ts, now);
    if (e->kind == HENTRY_LIST) {
        for (size_t i = 0; i < e->u.l.n; i++)
            if (heap_elem_dead(&st->desc, hentry_list_at(e, i)->ts, now))
                return true;
        return false;
    }
    for (size_t i = 0; i < e->u.m.cap; i++) {
        const hmitem *m = e->u.m.slots[i].item;
        if (m != NULL && heap_elem_dead(&st->desc, m->ts, now))
            return true;
    }
    return false;
}

/* Cleans the entry in slot s; true when it was removed (s then holds
 * another entry or nothing). */
static bool purge_slot(shale_state *st, htab *t, hslot *s, int64_t now)
{
    heap_state *hs = st->impl;
    hentry *e = s->item;
    if (!entry_has_dead(st, e, now))
        return false;
    heap_loc l = {t, s->hash, s};
    if (e->kind != HENTRY_VALUE) {
        if ((e = hentry_writable(&hs->acct, s)) == NULL)
            return false;           /* best effort: try again later */
        if (e->kind == HENTRY_LIST ? (heap_purge_list(st, e, now), e->u.l.n > 0)
                                   : (heap_purge_map(st, e, now), e->u.m.n > 0))
            return false;
    }
    heap_remove_at(hs, &l);
    return true;
}

void heap_cleanup_step(shale_state *st, int64_t now)
{
    heap_state *hs = st->impl;
    uint32_t budget = st->desc.cleanup_entries;
    if (!state_ttl_on(&st->desc) || budget == 0 || hs->entries == 0)
        return;
    /* Bound the walk over empty slots and tables too. */
    for (size_t visits = (size_t)budget * 8 + 64; budget > 0 && visits > 0; visits--) {
        htab *t = &hs->tables[hs->cursor_table];
        if (hs->cursor_slot >= t->cap) {
            hs->cursor_table = (hs->cursor_table + 1) % hs->ntables;
            hs->cursor_slot = 0;
            continue;
        }
        hslot *s = &t->slots[hs->cursor_slot];
        if (s->item == NULL) {
            hs->cursor_slot++;
            continue;
        }
        budget--;
        if (!purge_slot(st, t, s, now))
            hs->cursor_slot++;
    }
}

/* --- value-like states ------------------------------------------------------------ */
/* The value of k after the TTL rules (state/ttl.h), borrowed: from the
 * entry, or, when the read removed an expired value it still returns,
 * from hb->peek.  Valid until the next call on the backend. */
static int value_find(shale_state *st, const state_key *k, int64_t now, unsigned flags,
                      const char **val, size_t *len, shale_err *err)
{
    heap_state *hs = st->impl;
    heap_cleanup_step(st, now);
    heap_loc l;
    heap_locate(hs, k, &l);
    if (l.s == NULL)
        return SHALE_NOT_FOUND;
    hentry *e = l.s->item;
    if (state_ttl_on(&st->desc)) {
        enum state_ttl_read r = state_ttl_on_read(&st->desc, e->ts, now, flags);
        if (r == STATE_TTL_EXPIRED_HIDE || r == STATE_TTL_EXPIRED_RETURN) {
            shale_buf *keep = &HB(st->b)->peek;
            shale_buf_clear(keep);
            if (r == STATE_TTL_EXPIRED_RETURN)
                shale_buf_append(keep, e->u.v.data, e->u.v.len);
            int rc = r == STATE_TTL_EXPIRED_HIDE ? SHALE_NOT_FOUND
                     : shale_buf_ok(keep)         ? SHALE_OK
                                                  : SHALE_NOMEM(err);
            *val = keep->data;
            *len = keep->len;
            heap_remove_at(hs, &l);
            return rc;
        }
        if (r == STATE_TTL_LIVE_TOUCH) {
            if ((e = hentry_writable(&hs->acct, l.s)) == NULL)
                return SHALE_NOMEM(err);
            e->ts = now;
        }
    }
    *val = e->u.v.data;
    *len = e->u.v.len;
    return SHALE_OK;
}

static int heap_value_peek(shale_state *st, const state_key *k, int64_t now, unsigned flags,
                           const char **val, size_t *len, shale_err *err)
{
    *val = NULL;
    *len = 0;
    int rc = value_find(st, k, now, flags, val, len, err);
    if (rc != SHALE_OK || *len == 0) {
        *val = NULL;
        *len = 0;
    }
    return rc;
}

static int heap_value_get(shale_state *st, const state_key *k, int64_t now, unsigned flags,
                          char **val, size_t *len, shale_err *err)
{
    const char *v = NULL;
    size_t n = 0;
    int rc = value_find(st, k, now, flags, &v, &n, err);
    return rc != SHALE_OK ? rc : heap_copy_out(v, n, val, len, err);
}

static int heap_value_put(shale_state *st, const state_key *k, int64_t now, const char *val,
                          size_t len, shale_err *err)
{
    heap_state *hs = st->impl;
    heap_cleanup_step(st, now);
    heap_loc l;
    heap_locate(hs, k, &l);
    if (l.s != NULL) {
        hentry *e = hentry_writable(&hs->acct, l.s);
        if (e == NULL || !hentry_set_value(&hs->acct, e, val, len))
            return SHALE_NOMEM(err);
        e->ts = now;
        return SHALE_OK;
    }
    hentry *e = hentry_new_value(&hs->acct, k, len);
    if (e == NULL)
        return SHALE_NOMEM(err);
    if (!hentry_set_value(&hs->acct, e, val, len)) {
        hentry_unref(&hs->acct, e);
        return SHALE_NOMEM(err);
    }
    e->ts = now;
    return heap_insert_entry(hs, &l, e, err);
}

static int heap_clear(shale_state *st, const state_key *k, shale_err *err)
{
    (void)err;
    heap_loc l;
    heap_locate(st->impl, k, &l);
    if (l.s != NULL)
        heap_remove_at(st->impl, &l);
    return SHALE_OK;
}

/* --- metrics ------------------------------------------------------------------------ */
static uint64_t heap_memory_usage(shale_state_backend *b)
{
    int64_t v = atomic_load(&HB(b)->total);
    return v > 0 ? (uint64_t)v : 0;
}

static void heap_state_size(shale_state *st, uint64_t *entries, uint64_t *bytes)
{
    heap_state *hs = st->impl;
    int64_t v = atomic_load(&hs->acct.bytes);
    *entries = hs->entries;
    *bytes = v > 0 ? (uint64_t)v : 0;
}

/* Map states count user keys, as RocksDB counts a map state's rows. */
static uint64_t num_keys(shale_state *st)
{
    heap_state *hs = st->impl;
    if (st->desc.kind != SHALE_STATE_MAP)
        return hs->entries;
    uint64_t n = 0;
    for (size_t i = 0; i < hs->ntables; i++)
        for (size_t j = 0; j < hs->tables[i].cap; j++) {
            const hentry *e = hs->tables[i].slots[j].item;
            n += e != NULL ? e->u.m.n : 0;
        }
    return n;
}

static bool heap_property(shale_state *st, const char *name, uint64_t *v)
{
    uint64_t entries, bytes;
    heap_state_size(st, &entries, &bytes);
    if (strcmp(name, "rocksdb.estimate-num-keys") == 0) {
        *v = num_keys(st);
        return true;
    }
    if (strcmp(name, "rocksdb.estimate-live-data-size") == 0) {
        *v = bytes;
        return true;
    }
    return false;
}

const state_backend_ops state_heap_ops = {
    .name = "heap",
    .open = heap_open,
    .close = heap_close,
    .state_open = heap_state_open,
    .state_close = heap_state_close,
    .clear = heap_clear,
    .value_get = heap_value_get,
    .value_peek = heap_value_peek,
    .value_put = heap_value_put,
    .list_add = heap_list_add,
    .list_update = heap_list_update,
    .list_get = heap_list_get,
    .map_get = heap_map_get,
    .map_put = heap_map_put,
    .map_remove = heap_map_remove,
    .map_contains = heap_map_contains,
    .map_iter = heap_map_iter,
    .map_is_empty = heap_map_is_empty,
    .timer_add = heap_timer_add,
    .timer_del = heap_timer_del,
    .timer_pop = heap_timer_pop,
    .timer_count = heap_timer_count,
    .snapshot_new = heap_snapshot_new,
    .snapshot_next = heap_snapshot_next,
    .snapshot_free = heap_snapshot_free,
    .memory_usage = heap_memory_usage,
    .state_size = heap_state_size,
    .property = heap_property,
};
