/* lsm/memtable/point_index.h: the memtable's point entries (values,
 * deletions, merge operands), indexed two ways:
 *
 *  - a skiplist with ONE node per user key, in user-key order, each node
 *    holding that key's versions chained newest first (internal-key order),
 *    so a write of a key already present is a hash probe and a link, not a
 *    search of a list that holds every version;
 *  - a hash index from user key to its node, so a point lookup costs one
 *    probe instead of O(log n) comparisons that each miss the cache.
 *
 * Together they iterate exactly as RocksDB's skiplist memtable does (user
 * key ascending, then newest first); the hash index is RocksDB's
 * HashSkipList idea applied to whole keys, with no prefix extractor.
 *
 * Versions are entries in entry.h's encoding, each preceded by a link to
 * the next older version, in the memtable's arena.  Nodes hold only their
 * key and two links, in an arena of their own, so the nodes a search
 * visits are packed densely (a list of 400,000 keys fits in a last-level
 * CPU cache instead of being spread among the values).
 *
 * Thread-safety: as skiplist.h: ONE writer (pix_add; callers serialize it)
 * and any number of lock-free readers.  A reader sees every version whose
 * pix_add() returned before the read began.  Nothing is removed until the
 * arena is released. */
#ifndef LSM_MEMTABLE_POINT_INDEX_H
#define LSM_MEMTABLE_POINT_INDEX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/memtable/skiplist.h"
#include "lsm/util/arena.h"
#include "lsm/util/slice.h"
#include "shale/err.h"

/* Bytes before the encoded user key in a node and in a seek target (a
 * target is PIX_NODE_HDR bytes of any value, then varint32 user key
 * length and the user key). */
#define PIX_NODE_HDR (2 * sizeof(void *) + sizeof(uint64_t))

typedef struct point_index {
    skiplist keys;                /* one node per user key */
    arena nodes;                  /* owned: the nodes of keys */
    arena *arena;                 /* shared with the owner: versions */
    _Atomic(char *) *buckets;     /* owned: hash chains of nodes */
    size_t mask;                  /* buckets - 1 (a power of two minus one) */
    const char *last;             /* writer only: the node of the largest key */
} point_index;

/* An empty index for about expected_bytes of entries (0: small), keeping
 * versions in a. */
int pix_init(point_index *p, arena *a, size_t expected_bytes);
void pix_deinit(point_index *p);   /* frees the nodes and buckets; NULL-safe */
/* Bytes of the nodes and hash buckets (versions are counted by the
 * owner's arena).  Any thread. */
size_t pix_memory_usage(const point_index *p);

/* Adds version (trailer = (seq << 8) | type) of user_key.  Writer only.
 *   SHALE_INVALID_ARGUMENT  this (key, trailer) is present; nothing added
 *   SHALE_NO_MEMORY         nothing added */
int pix_add(point_index *p, slice user_key, uint64_t trailer, slice value, shale_err *err);

/* The newest version of user_key (an entry; read it with entry.h), or
 * NULL.  Any thread. */
const char *pix_find(const point_index *p, slice user_key);
/* The next older version of the same key, or NULL.  Any thread. */
const char *pix_version_next(const char *version);

/* A position: a node and one of its versions.  Caller's storage. */
typedef struct pix_iter {
    skl_iter node;
    const char *ver;   /* NULL: not valid */
} pix_iter;

void pix_iter_init(pix_iter *it, const point_index *p);   /* not valid */
void pix_iter_first(pix_iter *it);
void pix_iter_last(pix_iter *it);
/* REQUIRES: valid. */
void pix_iter_next(pix_iter *it);
void pix_iter_prev(pix_iter *it);
/* First entry >= / last entry <= (target's user key, trailer) in
 * internal-key order (target as described at PIX_NODE_HDR). */
void pix_iter_seek(pix_iter *it, const char *target, uint64_t trailer);
void pix_iter_seek_for_prev(pix_iter *it, const char *target, uint64_t trailer);

#endif
