/* lsm/cache/cache_api.h: what the engine needs from the public cache handle:
 * the block_cache behind it.  Take your own reference (bc_ref) to keep it
 * past shale_cache_release(). */
#ifndef LSM_CACHE_CACHE_API_H
#define LSM_CACHE_CACHE_API_H

#include "lsm/cache/block_cache.h"
#include "shale/cache.h"

/* Borrowed: valid while c is. */
block_cache *shale_cache_block_cache(const shale_cache *c);

#endif
