/* lsm/memtable/skiplist.h: an ordered set of variable-length entries in an
 * arena, the index of the memtable (RocksDB's InlineSkipList).
 *
 * Each node is one arena allocation: its tower of next pointers, then the
 * caller's encoded entry right after it, so a node costs no pointer to its
 * entry and a search touches one cache line more rarely.  Entries are
 * ordered by the comparator given at init, which receives two entry
 * pointers (it must know how to find each entry's length by itself).
 *
 * Inserting is two calls: skl_alloc() gives room for an entry, the caller
 * encodes the entry there, and skl_insert() links it in.
 *
 * Thread-safety: ONE writer at a time (skl_alloc, skl_insert; callers
 * serialize them) and any number of concurrent readers (skl_contains and
 * iterators) without locks.  A reader sees every entry whose skl_insert()
 * returned before the read began, and perhaps some inserted during it.
 * Nothing is ever removed; everything lives until the arena is released,
 * which REQUIRES that no reader or iterator is still running. */
#ifndef LSM_MEMTABLE_SKIPLIST_H
#define LSM_MEMTABLE_SKIPLIST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/util/arena.h"

#define SKL_MAX_HEIGHT 12
#define SKL_BRANCHING 4

/* <0, 0, >0 as entry a sorts before, with, after entry b.  ctx is the
 * pointer given to skl_init(). */
typedef int (*skl_cmp_fn)(const char *a, const char *b, const void *ctx);

typedef struct skiplist {
    /* Immutable after skl_init. */
    skl_cmp_fn cmp;
    const void *cmp_ctx;
    arena *arena;       /* shared with the owner; not released here */
    char *head;         /* sentinel entry (empty) with a full-height tower */
    /* Read by any thread. */
    atomic_int height;  /* levels in use, 1..SKL_MAX_HEIGHT */
    /* Writer-only. */
    uint64_t rnd;       /* xorshift64 state for node heights */
    const char *pending;      /* the entry skl_alloc() returned, not yet linked */
    int pending_height;       /* its tower height */
    char *splice[SKL_MAX_HEIGHT]; /* predecessors of the last insert, per level */
} skiplist;

/* Sets up an empty list whose nodes come from a.  SHALE_NO_MEMORY if the
 * arena cannot hold the head node.  Nothing to deinit: the arena owns all. */
int skl_init(skiplist *l, arena *a, skl_cmp_fn cmp, const void *cmp_ctx);

/* Room for an entry of n bytes (not yet in the list), aligned to
 * sizeof(void *); NULL when the arena is out of memory.  Writer only.
 * REQUIRES: n > 0; the returned buffer is passed to skl_insert() before the
 * next skl_alloc(). */
char *skl_alloc(skiplist *l, size_t n);

/* Links in the entry that skl_alloc() returned, now fully written.  Returns
 * false (and leaves the list unchanged; the node's memory is wasted in the
 * arena) if an equal entry is already present.  Writer only. */
bool skl_insert(skiplist *l, char *entry);

/* Whether an entry equal to `entry` is in the list.  Any thread. */
bool skl_contains(const skiplist *l, const char *entry);

/* Whether the list has no entries.  Any thread. */
bool skl_empty(const skiplist *l);

/* A position in the list: caller's storage, nothing to release.  Valid as
 * long as the list's arena. */
typedef struct skl_iter {
    const skiplist *list;
    const char *node;   /* current entry, or NULL when not valid */
} skl_iter;

void skl_iter_init(skl_iter *it, const skiplist *l);  /* starts not valid */
static inline bool skl_iter_valid(const skl_iter *it) { return it->node != NULL; }
/* The current entry.  REQUIRES: valid. */
static inline const char *skl_iter_key(const skl_iter *it) { return it->node; }
/* REQUIRES: valid.  next is O(1); prev searches again, O(log n). */
void skl_iter_next(skl_iter *it);
void skl_iter_prev(skl_iter *it);
/* First entry >= target / last entry <= target (target is an encoded entry
 * the comparator understands; it need not be in the list). */
void skl_iter_seek(skl_iter *it, const char *target);
void skl_iter_seek_for_prev(skl_iter *it, const char *target);
void skl_iter_seek_to_first(skl_iter *it);
void skl_iter_seek_to_last(skl_iter *it);

#endif
