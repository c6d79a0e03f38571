/* state/heap.h: the heap backend's data structures, shared by its files.
 *
 * Per state, one hash table per owned key group (Flink's
 * CopyOnWriteStateMap per key group).  A table maps (key, namespace) to an
 * entry holding a value, a list or a map (itself a hash table of user
 * keys).  Tables use open addressing with linear probing and
 * backward-shift deletion, and store each item's 64-bit hash beside its
 * pointer so probes rarely touch the item.
 *
 * Copy-on-write: entries are reference-counted.  The table holds one
 * reference; a snapshot or an iterator pins the entries it will read with
 * one more.  A writer that finds an entry with more than one reference
 * replaces it in the table with a private deep copy and drops its
 * reference to the old one, which the readers keep until they finish.  So
 *  1. an entry with refs > 1 is never modified (readers on other threads
 *     read it without locks);
 *  2. only the owning thread takes references (snapshots are created on
 *     it); any thread may drop them, so refs are atomic;
 *  3. the last reference frees the entry and returns its bytes to the
 *     state's and the backend's memory counters (atomic for the same
 *     reason).
 *
 * Memory accounting counts every allocation of entries, elements, map
 * items and slot arrays at its requested size plus a fixed allocator
 * overhead (HEAP_MALLOC_OVERHEAD), including versions pinned by
 * snapshots. */
#ifndef STATE_HEAP_H
#define STATE_HEAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state/backend.h"

#define HEAP_MALLOC_OVERHEAD 16   /* glibc's per-chunk header, rounded */

typedef struct heap_acct {
    _Atomic int64_t bytes;        /* this state's (or the timers') bytes */
    _Atomic int64_t *total;       /* the backend's */
} heap_acct;

void *heap_alloc(heap_acct *a, size_t n);
void heap_release(heap_acct *a, void *p, size_t n);

/* The key of every item: data[0..len), of which the first aux bytes are
 * the first part (the key, before the namespace). */
typedef struct hkey {
    const char *data;
    uint32_t len;
    uint32_t aux;
} hkey;

typedef struct hslot {
    uint64_t hash;
    void *item;                   /* starts with an hkey; NULL: empty */
} hslot;

typedef struct htab {
    hslot *slots;
    size_t cap;                   /* 0 or a power of two */
    size_t n;
} htab;

uint64_t htab_hash(const char *a, size_t alen, const char *b, size_t blen);
/* The slot holding key a|b (aux = alen), or NULL. */
hslot *htab_find(const htab *t, uint64_t h, const char *a, size_t alen, const char *b,
                 size_t blen);
/* Adds an item whose key is absent.  false on no memory (nothing changed). */
bool htab_insert(htab *t, heap_acct *acct, uint64_t h, void *item);
/* htab_insert(), returning the item's slot (NULL on no memory). */
hslot *htab_add(htab *t, heap_acct *acct, uint64_t h, void *item);
/* Empties slot s, shifting later probes back.  The item is the caller's. */
void htab_erase(htab *t, hslot *s);
void htab_deinit(htab *t, heap_acct *acct);

/* A list element and a map item. */
typedef struct helem {
    int64_t ts;                   /* write (or touch) time, ms */
    uint32_t len;
    char data[];
} helem;

typedef struct hmitem {
    hkey hk;                      /* the user key, in bytes[] */
    int64_t ts;
    uint32_t vlen;
    char bytes[];                 /* user key, then value */
} hmitem;

enum { HENTRY_VALUE = 0, HENTRY_LIST, HENTRY_MAP };

typedef struct hentry {
    hkey hk;                      /* key | namespace, in kbytes[]; aux = key length */
    _Atomic uint32_t refs;
    uint8_t kind;                 /* HENTRY_* */
    int64_t ts;                   /* value: last access */
    union {
        /* A value.  data points at the inline area (kbytes + hk.len, icap
         * bytes, allocated with the entry so a read touches one block) or,
         * when the value outgrew it, at a separate buffer of cap bytes. */
        struct { char *data; size_t len, cap; uint32_t icap; } v;
        struct { helem **e; size_t head, n, cap; uint64_t bytes; } l;
        htab m;
    } u;
    char kbytes[];
} hentry;

/* A list or map entry (kind HENTRY_LIST or HENTRY_MAP), empty. */
hentry *hentry_new(heap_acct *a, uint8_t kind, const state_key *k);
/* A value entry with room for a value of vlen bytes inline, empty. */
hentry *hentry_new_value(heap_acct *a, const state_key *k, size_t vlen);
/* Drops one reference; the last frees. */
void hentry_unref(heap_acct *a, hentry *e);
static inline void hentry_ref(hentry *e) { atomic_fetch_add(&e->refs, 1); }
/* The entry in slot s, made private (copied if shared).  NULL on no memory. */
hentry *hentry_writable(heap_acct *a, hslot *s);
/* Entries: value, list, map item bytes. */
bool hentry_set_value(heap_acct *a, hentry *e, const char *v, size_t n);
helem *helem_new(heap_acct *a, int64_t ts, const char *v, size_t n);
bool hentry_list_push(heap_acct *a, hentry *e, helem *x);
/* Drops the oldest element. */
void hentry_list_pop_front(heap_acct *a, hentry *e);
void hentry_list_clear(heap_acct *a, hentry *e);
hmitem *hmitem_new(heap_acct *a, int64_t ts, const char *uk, size_t uklen, const char *v,
                   size_t vlen);
void hmitem_free(heap_acct *a, hmitem *m);
static inline size_t hentry_list_len(const hentry *e) { return e->u.l.n; }
static inline helem *hentry_list_at(const hentry *e, size_t i)
{
    return e->u.l.e[e->u.l.head + i];
}

/* The per-state data (shale_state.impl). */
typedef struct heap_state {
    htab *tables;                 /* one per owned key group */
    size_t ntables;
    int32_t kg_start;
    heap_acct acct;
    uint64_t entries;             /* entries in the tables */
    size_t cursor_table, cursor_slot;  /* incremental TTL cleanup */
} heap_state;

/* Timers: a binary min-heap of timers and a hash index for dedupe and
 * delete, per domain. */
typedef struct htimer htimer;
typedef struct heap_timers {
    htimer **a;
    size_t n, cap;
    htab index;
} heap_timers;

typedef struct heap_backend {
    _Atomic int64_t total;        /* bytes of every state and timer */
    shale_buf peek;               /* value_peek's copy of a value it removed */
    heap_acct timer_acct;
    heap_timers timers[2];
} heap_backend;

int heap_timer_add(shale_state_backend *b, int domain, const state_timer *t, shale_err *err);
int heap_timer_del(shale_state_backend *b, int domain, const state_timer *t, shale_err *err);
int heap_timer_pop(shale_state_backend *b, int domain, int64_t limit, state_timer *out,
                   shale_buf *buf, shale_err *err);
uint64_t heap_timer_count(shale_state_backend *b, int domain);
void heap_timers_deinit(heap_acct *a, heap_timers *t);

int heap_snapshot_new(shale_state_backend *b, int64_t now, state_snap **out, shale_err *err);
int heap_snapshot_next(state_snap *s, shale_state_snapshot_entry *e, shale_err *err);
void heap_snapshot_free(state_snap *s);

/* Where a key's entry is (state/heap_backend.c). */
typedef struct heap_loc {
    htab *t;
    uint64_t h;
    hslot *s;                     /* NULL: absent */
} heap_loc;
void heap_locate(heap_state *hs, const state_key *k, heap_loc *l);
/* Inserts a new entry at an absent key (l from heap_locate); on no memory
 * frees e.  l->s is set to its slot. */
int heap_insert_entry(heap_state *hs, heap_loc *l, hentry *e, shale_err *err);
void heap_remove_at(heap_state *hs, heap_loc *l);
/* Flink's incremental TTL cleanup: checks the next cleanup_entries
 * entries of the state and drops what expired (TTL states only). */
void heap_cleanup_step(shale_state *st, int64_t now);
/* Drops dead list elements or map items of a private entry; returns how
 * many. */
size_t heap_purge_list(shale_state *st, hentry *e, int64_t now);
size_t heap_purge_map(shale_state *st, hentry *e, int64_t now);
/* Copies n bytes into a malloc'd *out (NULL for 0). */
int heap_copy_out(const char *p, size_t n, char **out, size_t *len, shale_err *err);

/* Lists and maps (state/heap_collections.c). */
int heap_list_add(shale_state *st, const state_key *k, int64_t now, size_t n,
                  const char *const *vals, const size_t *lens, shale_err *err);
int heap_list_update(shale_state *st, const state_key *k, int64_t now, size_t n,
                     const char *const *vals, const size_t *lens, shale_err *err);
int heap_list_get(shale_state *st, const state_key *k, int64_t now, size_t last,
                  shale_state_iter **it, shale_err *err);
int heap_map_get(shale_state *st, const state_key *k, int64_t now, const char *uk, size_t uklen,
                 char **val, size_t *len, shale_err *err);
int heap_map_put(shale_state *st, const state_key *k, int64_t now, size_t n,
                 const char *const *uks, const size_t *uklens, const char *const *vals,
                 const size_t *lens, shale_err *err);
int heap_map_remove(shale_state *st, const state_key *k, const char *uk, size_t uklen,
                    shale_err *err);
int heap_map_contains(shale_state *st, const state_key *k, int64_t now, const char *uk,
                      size_t uklen, bool *found, shale_err *err);
int heap_map_iter(shale_state *st, const state_key *k, int64_t now, shale_state_iter **it,
                  shale_err *err);
int heap_map_is_empty(shale_state *st, const state_key *k, int64_t now, bool *empty,
                      shale_err *err);

/* Whether a list element or map item is dead for readers at now (TTL
 * expiry or the list's age bound). */
bool heap_elem_dead(const state_desc *d, int64_t ts, int64_t now);

#endif
