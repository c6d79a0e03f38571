/* state/heap_snapshot.c: full snapshots of the heap backend (Flink's
 * CopyOnWriteStateMapSnapshot).
 *
 * Taking one pins every entry of every state (one reference each; an
 * O(entries) pointer copy on the owning thread), after which processing
 * goes on: a write to a pinned entry copies it first (state/heap.h), so the
 * snapshot keeps reading the version it pinned, on any thread.  Iteration
 * renders each entry in Flink's RocksDB layout (state/layout.h), one
 * record per value, per list and per map user key, leaving out what is
 * expired at the snapshot's time (Flink's cleanupFullSnapshot). */
#include "state/heap.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "state/layout.h"
#include "state/ttl.h"

typedef struct pin {
    shale_state *st;
    int32_t kg;
    hentry *e;
} pin;

struct state_snap {
    int32_t max_parallelism;
    int64_t now;
    pin *pins;
    size_t n;
    size_t cur;                   /* the pin being rendered */
    size_t sub;                   /* map: the next slot of the pinned map */
    shale_buf key, val;
};

static heap_acct *acct_of(const pin *p) { return &((heap_state *)p->st->impl)->acct; }

static size_t count_entries(shale_state_backend *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->nstates; i++)
        n += ((heap_state *)b->states[i]->impl)->entries;
    return n;
}

int heap_snapshot_new(shale_state_backend *b, int64_t now, state_snap **out, shale_err *err)
{
    state_snap *s = calloc(1, sizeof *s);
    size_t total = count_entries(b);
    if (s == NULL || (total > 0 && (s->pins = malloc(total * sizeof *s->pins)) == NULL)) {
        free(s);
        return SHALE_NOMEM(err);
    }
    s->max_parallelism = b->cfg.max_parallelism;
    s->now = now;
    shale_buf_init(&s->key);
    shale_buf_init(&s->val);
    for (size_t i = 0; i < b->nstates; i++) {
        heap_state *hs = b->states[i]->impl;
        for (size_t t = 0; t < hs->ntables; t++)
            for (size_t j = 0; j < hs->tables[t].cap; j++) {
                hentry *e = hs->tables[t].slots[j].item;
                if (e == NULL)
                    continue;
                hentry_ref(e);
                s->pins[s->n++] = (pin){b->states[i], hs->kg_start + (int32_t)t, e};
            }
    }
    *out = s;
    return SHALE_OK;
}

void heap_snapshot_free(state_snap *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        hentry_unref(acct_of(&s->pins[i]), s->pins[i].e);
    free(s->pins);
    shale_buf_deinit(&s->key);
    shale_buf_deinit(&s->val);
    free(s);
}

static state_key key_of(const pin *p)
{
    const hkey *k = &p->e->hk;
    return (state_key){p->kg, k->data, k->aux, k->data + k->aux, k->len - k->aux};
}

/* Renders the list's live elements; false when none is live. */
static bool render_list(state_snap *s, const pin *p)
{
    const state_desc *d = &p->st->desc;
    bool ttl = state_ttl_on(d) || d->bound_age_ms > 0;
    for (size_t i = 0; i < hentry_list_len(p->e); i++) {
        const helem *x = hentry_list_at(p->e, i);
        if (!heap_elem_dead(d, x->ts, s->now))
            state_layout_list_elem(&s->val, 0, ttl, x->ts, x->data, x->len);
    }
    return s->val.len > 0;
}

/* Renders the next live map item from s->sub on; false when none is left. */
static bool render_map_item(state_snap *s, const pin *p, const state_key *k)
{
    const state_desc *d = &p->st->desc;
    const htab *m = &p->e->u.m;
    for (; s->sub < m->cap; s->sub++) {
        const hmitem *it = m->slots[s->sub].item;
        if (it == NULL || state_ttl_expired(d, it->ts, s->now))
            continue;
        state_layout_map_key(&s->key, s->max_parallelism, k, it->bytes, it->hk.len);
        state_layout_map_value(&s->val, state_ttl_on(d), it->ts, it->bytes + it->hk.len,
                               it->vlen);
        s->sub++;
        return true;
    }
    return false;
}

/* Renders the record at s->cur into key/val; false to move on. */
static bool render(state_snap *s)
{
    const pin *p = &s->pins[s->cur];
    const state_desc *d = &p->st->desc;
    state_key k = key_of(p);
    shale_buf_clear(&s->key);
    shale_buf_clear(&s->val);
    if (p->e->kind == HENTRY_MAP) {
        if (render_map_item(s, p, &k))
            return true;
        s->cur++;
        s->sub = 0;
        return false;
    }
    s->cur++;
    if (p->e->kind == HENTRY_LIST && !render_list(s, p))
        return false;
    if (p->e->kind == HENTRY_VALUE) {
        if (state_ttl_expired(d, p->e->ts, s->now))
            return false;
        state_layout_value(&s->val, state_ttl_on(d), p->e->ts, p->e->u.v.data, p->e->u.v.len);
    }
    state_layout_key(&s->key, s->max_parallelism, &k);
    return true;
}

int heap_snapshot_next(state_snap *s, shale_state_snapshot_entry *e, shale_err *err)
{
    while (s->cur < s->n) {
        const pin *p = &s->pins[s->cur];
        if (!render(s))
            continue;
        if (!shale_buf_ok(&s->key) || !shale_buf_ok(&s->val))
            return SHALE_NOMEM(err);
        *e = (shale_state_snapshot_entry){p->st->desc.name, p->kg,   s->key.data,
                                          s->key.len,       s->val.data, s->val.len};
        return SHALE_OK;
    }
    return SHALE_NOT_FOUND;
}
