/* state/heap_entry.c: heap-backend entries (a value, a list or a map under
 * one key and namespace), their reference counts and copy-on-write copies.
 * See state/heap.h for the invariants: a shared entry is never modified, a
 * writer copies it first (hentry_writable), the last reference frees. */
#include "state/heap.h"

#include <stdlib.h>
#include <string.h>

#include "state/ttl.h"

/* Values up to this size live inside their entry; a larger one gets a
 * buffer of its own (the entry's inline area would be wasted on rewrites
 * of other sizes, and the copy dominates anyway). */
#define HENTRY_INLINE_MAX 4096u

static size_t entry_size(const hentry *e)
{
    return sizeof *e + e->hk.len + (e->kind == HENTRY_VALUE ? e->u.v.icap : 0);
}

static char *inline_area(hentry *e) { return e->kbytes + e->hk.len; }

static hentry *entry_alloc(heap_acct *a, uint8_t kind, const state_key *k, size_t extra)
{
    size_t n = k->klen + k->nslen;
    hentry *e = heap_alloc(a, sizeof *e + n + extra);
    if (e == NULL)
        return NULL;
    memset(e, 0, sizeof *e);
    memcpy(e->kbytes, k->key, k->klen);
    if (k->nslen > 0)
        memcpy(e->kbytes + k->klen, k->ns, k->nslen);
    e->hk = (hkey){e->kbytes, (uint32_t)n, (uint32_t)k->klen};
    atomic_init(&e->refs, 1);
    e->kind = kind;
    return e;
}

hentry *hentry_new(heap_acct *a, uint8_t kind, const state_key *k)
{
    return entry_alloc(a, kind, k, 0);
}

hentry *hentry_new_value(heap_acct *a, const state_key *k, size_t vlen)
{
    /* Rounded up to 8 so a value that grows by a few bytes stays inline. */
    size_t icap = vlen <= HENTRY_INLINE_MAX ? (vlen + 7) & ~(size_t)7 : 0;
    hentry *e = entry_alloc(a, HENTRY_VALUE, k, icap);
    if (e == NULL)
        return NULL;
    e->u.v.icap = (uint32_t)icap;
    e->u.v.data = inline_area(e);
    e->u.v.cap = icap;
    return e;
}

hmitem *hmitem_new(heap_acct *a, int64_t ts, const char *uk, size_t uklen, const char *v,
                   size_t vlen)
{
    hmitem *m = heap_alloc(a, sizeof *m + uklen + vlen);
    if (m == NULL)
        return NULL;
    if (uklen > 0)
        memcpy(m->bytes, uk, uklen);
    if (vlen > 0)
        memcpy(m->bytes + uklen, v, vlen);
    m->hk = (hkey){m->bytes, (uint32_t)uklen, (uint32_t)uklen};
    m->ts = ts;
    m->vlen = (uint32_t)vlen;
    return m;
}

void hmitem_free(heap_acct *a, hmitem *m)
{
    if (m != NULL)
        heap_release(a, m, sizeof *m + m->hk.len + m->vlen);
}

helem *helem_new(heap_acct *a, int64_t ts, const char *v, size_t n)
{
    helem *x = heap_alloc(a, sizeof *x + n);
    if (x == NULL)
        return NULL;
    x->ts = ts;
    x->len = (uint32_t)n;
    if (n > 0)
        memcpy(x->data, v, n);
    return x;
}

static void helem_free(heap_acct *a, helem *x) { heap_release(a, x, sizeof *x + x->len); }

void hentry_list_clear(heap_acct *a, hentry *e)
{
    for (size_t i = 0; i < e->u.l.n; i++)
        helem_free(a, hentry_list_at(e, i));
    heap_release(a, e->u.l.e, e->u.l.cap * sizeof *e->u.l.e);
    memset(&e->u.l, 0, sizeof e->u.l);
}

static void map_clear(heap_acct *a, hentry *e)
{
    for (size_t i = 0; i < e->u.m.cap; i++)
        hmitem_free(a, e->u.m.slots[i].item);
    htab_deinit(&e->u.m, a);
}

void hentry_unref(heap_acct *a, hentry *e)
{
    if (e == NULL || atomic_fetch_sub(&e->refs, 1) != 1)
        return;
    if (e->kind == HENTRY_LIST)
        hentry_list_clear(a, e);
    else if (e->kind == HENTRY_MAP)
        map_clear(a, e);
    else if (e->u.v.data != inline_area(e))
        heap_release(a, e->u.v.data, e->u.v.cap);
    heap_release(a, e, entry_size(e));
}

/* The inline area when the value fits it (a separate buffer, if any, is
 * given back), else a separate buffer of at least n bytes. */
bool hentry_set_value(heap_acct *a, hentry *e, const char *v, size_t n)
{
    char *inl = inline_area(e);
    bool outside = e->u.v.data != inl;
    if (n <= e->u.v.icap) {
        if (outside) {
            heap_release(a, e->u.v.data, e->u.v.cap);
            e->u.v.data = inl;
            e->u.v.cap = e->u.v.icap;
        }
    } else if (!outside || n > e->u.v.cap) {
        char *d = heap_alloc(a, n);
        if (d == NULL)
            return false;
        if (outside)
            heap_release(a, e->u.v.data, e->u.v.cap);
        e->u.v.data = d;
        e->u.v.cap = n;
    }
    if (n > 0)
        memcpy(e->u.v.data, v, n);
    e->u.v.len = n;
    return true;
}

/* Moves the live elements to the front when the dead prefix is large. */
static void list_compact(hentry *e)
{
    memmove(e->u.l.e, e->u.l.e + e->u.l.head, e->u.l.n * sizeof *e->u.l.e);
    e->u.l.head = 0;
}

bool hentry_list_push(heap_acct *a, hentry *e, helem *x)
{
    if (e->u.l.head + e->u.l.n == e->u.l.cap) {
        if (e->u.l.head > 0 && e->u.l.head >= e->u.l.n) {
            list_compact(e);
        } else {
            size_t cap = e->u.l.cap ? 2 * e->u.l.cap : 4;
            helem **arr = heap_alloc(a, cap * sizeof *arr);
            if (arr == NULL)
                return false;
            if (e->u.l.n > 0)
                memcpy(arr, e->u.l.e + e->u.l.head, e->u.l.n * sizeof *arr);
            heap_release(a, e->u.l.e, e->u.l.cap * sizeof *arr);
            e->u.l.e = arr;
            e->u.l.cap = cap;
            e->u.l.head = 0;
        }
    }
    e->u.l.e[e->u.l.head + e->u.l.n++] = x;
    e->u.l.bytes += x->len;
    return true;
}

void hentry_list_pop_front(heap_acct *a, hentry *e)
{
    helem *x = hentry_list_at(e, 0);
    e->u.l.bytes -= x->len;
    helem_free(a, x);
    e->u.l.head++;
    e->u.l.n--;
    if (e->u.l.n == 0)
        e->u.l.head = 0;
}

/* --- copy-on-write ---------------------------------------------------------- */
static bool copy_list(heap_acct *a, hentry *dst, const hentry *src)
{
    for (size_t i = 0; i < src->u.l.n; i++) {
        const helem *x = hentry_list_at(src, i);
        helem *y = helem_new(a, x->ts, x->data, x->len);
        if (y == NULL || !hentry_list_push(a, dst, y)) {
            if (y != NULL)
                helem_free(a, y);
            return false;
        }
    }
    return true;
}

static bool copy_map(heap_acct *a, hentry *dst, const hentry *src)
{
    for (size_t i = 0; i < src->u.m.cap; i++) {
        const hslot *s = &src->u.m.slots[i];
        const hmitem *m = s->item;
        if (m == NULL)
            continue;
        hmitem *c = hmitem_new(a, m->ts, m->bytes, m->hk.len, m->bytes + m->hk.len, m->vlen);
        if (c == NULL || !htab_insert(&dst->u.m, a, s->hash, c)) {
            hmitem_free(a, c);
            return false;
        }
    }
    return true;
}

static hentry *clone(heap_acct *a, const hentry *e)
{
    state_key k = {0, e->hk.data, e->hk.aux, e->hk.data + e->hk.aux, e->hk.len - e->hk.aux};
    hentry *c = e->kind == HENTRY_VALUE ? hentry_new_value(a, &k, e->u.v.len)
                                        : hentry_new(a, e->kind, &k);
    if (c == NULL)
        return NULL;
    c->ts = e->ts;
    bool ok = e->kind == HENTRY_VALUE  ? hentry_set_value(a, c, e->u.v.data, e->u.v.len)
              : e->kind == HENTRY_LIST ? copy_list(a, c, e)
                                       : copy_map(a, c, e);
    if (!ok) {
        hentry_unref(a, c);
        return NULL;
    }
    return c;
}

hentry *hentry_writable(heap_acct *a, hslot *s)
{
    hentry *e = s->item;
    if (atomic_load(&e->refs) == 1)
        return e;
    hentry *c = clone(a, e);
    if (c == NULL)
        return NULL;
    s->item = c;
    hentry_unref(a, e);
    return c;
}

bool heap_elem_dead(const state_desc *d, int64_t ts, int64_t now)
{
    return state_ttl_expired(d, ts, now) || state_list_elem_too_old(d, ts, now);
}
