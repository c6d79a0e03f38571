/* lsm/cache/block_cache.h: a sharded LRU cache, RocksDB's LRUCache in C.
 *
 * Entries are (key bytes -> opaque value) with a charge in bytes and a
 * deleter.  The cache is split into 2^num_shard_bits shards by key hash;
 * each shard has one mutex, a chained hash table and an LRU list of the
 * entries nobody holds.  Lookups and inserts hand out pinned handles:
 *
 *   1. A pinned entry (handle not yet released) is never freed: eviction
 *      takes only unpinned entries, oldest release first.
 *   2. usage = the sum of the charges of every entry not yet freed: those
 *      in the table, plus any erased or replaced while still pinned (they
 *      still hold their memory).  pinned usage = the part of it pinned.
 *   3. An insert first evicts unpinned entries until it fits.  If it still
 *      does not fit: with strict_capacity_limit it fails (SHALE_INCOMPLETE,
 *      RocksDB's "Insert failed due to LRU cache being full"); without,
 *      the cache goes over capacity until pins are released.  An insert
 *      that asks for no handle and does not fit is dropped at once (its
 *      deleter runs) and reports SHALE_OK, as RocksDB does.
 *   4. Releasing the last pin of an entry while the shard is over capacity
 *      frees it at once instead of keeping it in the LRU.
 *
 * Deleters run outside the shard lock.  Hit/miss/add counters per block
 * kind are kept per shard under its lock (no shared cache line) and summed
 * by bc_get_stats().
 *
 * Ownership: the cache is reference-counted (bc_ref/bc_unref; the creator
 * holds the first reference), so several databases share one.  Every
 * handle must be released before the last reference goes.
 * Thread-safety: every function may be called from any thread. */
#ifndef LSM_CACHE_BLOCK_CACHE_H
#define LSM_CACHE_BLOCK_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/util/slice.h"
#include "shale/err.h"

typedef struct block_cache block_cache;
typedef struct bc_handle bc_handle;

/* Frees a value once its entry leaves the cache and is unpinned.  `key`
 * is the entry's key (valid during the call only). */
typedef void (*bc_deleter)(slice key, void *value);

/* What the counters are kept for (RocksDB's BLOCK_CACHE_{DATA,INDEX,FILTER}_*
 * tickers); BC_KIND_OTHER for everything else. */
enum bc_kind { BC_KIND_DATA = 0, BC_KIND_INDEX, BC_KIND_FILTER, BC_KIND_OTHER, BC_KIND_COUNT };

#define BC_MAX_SHARD_BITS 19
#define BC_DEFAULT_SHARD_BITS (-1)

typedef struct bc_stats {
    uint64_t hits[BC_KIND_COUNT];
    uint64_t misses[BC_KIND_COUNT];
    uint64_t adds[BC_KIND_COUNT];
    uint64_t add_failures;   /* strict limit refused an insert */
} bc_stats;

/* RocksDB's default shard count: one shard per 512 KiB of capacity,
 * rounded down to a power of two, at most 2^6. */
int bc_default_shard_bits(size_t capacity);

/* Creates a cache.  num_shard_bits: 0..BC_MAX_SHARD_BITS, or
 * BC_DEFAULT_SHARD_BITS for bc_default_shard_bits(capacity).  NULL when
 * memory runs out or num_shard_bits is out of range. */
block_cache *bc_new(size_t capacity, int num_shard_bits, bool strict_capacity_limit);
void bc_ref(block_cache *c);
/* NULL-safe.  At zero frees every entry (deleters run).
 * REQUIRES: no handle still pinned when the last reference goes. */
void bc_unref(block_cache *c);

/* Inserts key -> value with `charge` bytes, replacing any entry with that
 * key (the old one is freed once unpinned).  out may be NULL.
 *   SHALE_OK          the cache owns value; *out (if asked) is pinned.
 *   SHALE_INCOMPLETE  strict limit and no room (out != NULL only); the
 *                     caller keeps value; *out = NULL.
 *   SHALE_NO_MEMORY   the caller keeps value; *out = NULL. */
int bc_insert(block_cache *c, slice key, void *value, size_t charge, bc_deleter deleter, int kind,
              bc_handle **out, shale_err *err);
/* The pinned entry for key, or NULL.  Counts a hit or a miss for `kind`.
 * Never allocates. */
bc_handle *bc_lookup(block_cache *c, slice key, int kind);
/* Unpins a handle from bc_insert/bc_lookup.  NULL-safe. */
void bc_release(block_cache *c, bc_handle *h);
/* Removes key's entry (freed now if unpinned, else at its last release). */
void bc_erase(block_cache *c, slice key);

void *bc_value(const bc_handle *h);
size_t bc_charge(const bc_handle *h);

/* A new id, unique within this cache, for a client's key prefixes (> 0). */
uint64_t bc_new_id(block_cache *c);

/* Sets the capacity (split evenly over the shards, rounded up), evicting
 * unpinned entries down to it. */
void bc_set_capacity(block_cache *c, size_t capacity);
void bc_set_strict_capacity_limit(block_cache *c, bool strict);
size_t bc_get_capacity(const block_cache *c);
bool bc_get_strict_capacity_limit(const block_cache *c);
int bc_get_num_shard_bits(const block_cache *c);
size_t bc_get_usage(block_cache *c);
size_t bc_get_pinned_usage(block_cache *c);
/* Entries in the table (pinned or not). */
size_t bc_get_entry_count(block_cache *c);
void bc_get_stats(block_cache *c, bc_stats *out);

#endif
