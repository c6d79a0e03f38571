/* include/shale/cache.h: the block cache, as RocksDB's NewLRUCache gives it.
 *
 * A sharded LRU cache of table blocks that any number of databases (and
 * table readers) share.  Capacity is in bytes of block contents.  Blocks in
 * use stay in memory even past capacity, unless the cache was made with a
 * strict capacity limit: then a read that cannot fit its block in the
 * cache reads it without caching.
 *
 * Ownership: shale_cache_new_lru*() gives the caller one reference; each
 * database opened with the cache takes its own, so the caller may release
 * its reference as soon as the databases are open.
 * Thread-safety: every function is thread-safe. */
#ifndef SHALE_CACHE_H
#define SHALE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "shale/api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shale_cache shale_cache;

/* shale_cache_new_lru(): a cache of `capacity` bytes with RocksDB's default
 * sharding (one shard per 512 KiB, at most 64 shards) and no strict limit.
 * Returns NULL only when memory runs out.  Release with
 * shale_cache_release(). */
SHALE_API shale_cache *shale_cache_new_lru(size_t capacity);

/* shale_cache_new_lru_ex(): as shale_cache_new_lru() with 2^num_shard_bits
 * shards (num_shard_bits 0..19, or -1 for the default) and, when
 * strict_capacity_limit, inserts that cannot fit refused instead of going
 * over capacity.  Returns NULL when memory runs out or num_shard_bits is
 * out of range. */
SHALE_API shale_cache *shale_cache_new_lru_ex(size_t capacity, int num_shard_bits,
                                              bool strict_capacity_limit);

/* shale_cache_release(): drops the caller's reference; the cache goes when
 * the last database using it closes.  NULL is allowed. */
SHALE_API void shale_cache_release(shale_cache *c);

/* shale_cache_set_capacity(): sets the capacity in bytes; shrinking evicts
 * blocks not in use until usage fits (blocks in use go when released). */
SHALE_API void shale_cache_set_capacity(shale_cache *c, size_t capacity);

/* shale_cache_get_capacity(): the capacity last set, in bytes. */
SHALE_API size_t shale_cache_get_capacity(const shale_cache *c);

/* shale_cache_get_usage(): bytes of blocks held, in use or not. */
SHALE_API size_t shale_cache_get_usage(const shale_cache *c);

/* shale_cache_get_pinned_usage(): bytes of blocks currently in use (held by
 * an iterator or a read in progress). */
SHALE_API size_t shale_cache_get_pinned_usage(const shale_cache *c);

#ifdef __cplusplus
}
#endif
#endif
