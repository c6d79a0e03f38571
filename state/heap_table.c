/* state/heap_table.c: the heap backend's hash tables and memory counters.
 *
 * Open addressing, linear probing, power-of-two capacity, at most 3/4
 * full; erase shifts later members of the probe run back (no tombstones),
 * so a lookup stops at the first empty slot.  Items are found by their
 * stored 64-bit hash first, then by their hkey (see state/heap.h). */
#include "state/heap.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/hash.h"

void *heap_alloc(heap_acct *a, size_t n)
{
    void *p = malloc(n);
    if (p != NULL) {
        int64_t sz = (int64_t)(n + HEAP_MALLOC_OVERHEAD);
        atomic_fetch_add(&a->bytes, sz);
        atomic_fetch_add(a->total, sz);
    }
    return p;
}

void heap_release(heap_acct *a, void *p, size_t n)
{
    if (p == NULL)
        return;
    int64_t sz = (int64_t)(n + HEAP_MALLOC_OVERHEAD);
    atomic_fetch_sub(&a->bytes, sz);
    atomic_fetch_sub(a->total, sz);
    free(p);
}

uint64_t htab_hash(const char *a, size_t alen, const char *b, size_t blen)
{
    uint64_t h = hash_xxh3_64(a, alen);
    if (blen > 0)
        h ^= hash_xxh64(b, blen, alen + 1) * 0x9e3779b97f4a7c15ull;
    return h;
}

static bool item_is(const void *item, const char *a, size_t alen, const char *b, size_t blen)
{
    const hkey *k = item;
    return k->aux == alen && k->len == alen + blen && memcmp(k->data, a, alen) == 0 &&
           (blen == 0 || memcmp(k->data + alen, b, blen) == 0);
}

hslot *htab_find(const htab *t, uint64_t h, const char *a, size_t alen, const char *b,
                 size_t blen)
{
    if (t->cap == 0)
        return NULL;
    size_t mask = t->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        hslot *s = &t->slots[i];
        if (s->item == NULL)
            return NULL;
        if (s->hash == h && item_is(s->item, a, alen, b, blen))
            return s;
    }
}

static hslot *place(hslot *slots, size_t cap, uint64_t h, void *item)
{
    size_t mask = cap - 1;
    size_t i = h & mask;
    while (slots[i].item != NULL)
        i = (i + 1) & mask;
    slots[i].hash = h;
    slots[i].item = item;
    return &slots[i];
}

static bool grow(htab *t, heap_acct *acct)
{
    size_t cap = t->cap ? 2 * t->cap : 8;
    hslot *s = heap_alloc(acct, cap * sizeof *s);
    if (s == NULL)
        return false;
    memset(s, 0, cap * sizeof *s);
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].item != NULL)
            place(s, cap, t->slots[i].hash, t->slots[i].item);
    heap_release(acct, t->slots, t->cap * sizeof *t->slots);
    t->slots = s;
    t->cap = cap;
    return true;
}

hslot *htab_add(htab *t, heap_acct *acct, uint64_t h, void *item)
{
    if ((t->n + 1) * 4 > t->cap * 3 && !grow(t, acct))
        return NULL;
    t->n++;
    return place(t->slots, t->cap, h, item);
}

bool htab_insert(htab *t, heap_acct *acct, uint64_t h, void *item)
{
    return htab_add(t, acct, h, item) != NULL;
}

void htab_erase(htab *t, hslot *s)
{
    size_t mask = t->cap - 1;
    size_t hole = (size_t)(s - t->slots);
    s->item = NULL;
    t->n--;
    for (size_t i = (hole + 1) & mask; t->slots[i].item != NULL; i = (i + 1) & mask) {
        size_t home = t->slots[i].hash & mask;
        /* Move i into the hole unless its home lies cyclically in (hole, i]. */
        bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (stays)
            continue;
        t->slots[hole] = t->slots[i];
        t->slots[i].item = NULL;
        hole = i;
    }
}

void htab_deinit(htab *t, heap_acct *acct)
{
    heap_release(acct, t->slots, t->cap * sizeof *t->slots);
    t->slots = NULL;
    t->cap = t->n = 0;
}
