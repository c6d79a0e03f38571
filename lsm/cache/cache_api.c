/* lsm/cache/cache_api.c: the public block cache (include/shale/cache.h) over
 * block_cache.  The handle the user holds is a small wrapper owning one
 * reference on the block_cache; databases take their own references with
 * bc_ref(shale_cache_block_cache(c)), so the wrapper may go first. */
#include "lsm/cache/cache_api.h"

#include <stdlib.h>

#include "lsm/cache/block_cache.h"
#include "shale/cache.h"

struct shale_cache {
    block_cache *bc;   /* one reference, dropped by shale_cache_release() */
};

shale_cache *shale_cache_new_lru(size_t capacity)
{
    return shale_cache_new_lru_ex(capacity, BC_DEFAULT_SHARD_BITS, false);
}

shale_cache *shale_cache_new_lru_ex(size_t capacity, int num_shard_bits,
                                    bool strict_capacity_limit)
{
    shale_cache *c = malloc(sizeof *c);
    if (c == NULL)
        return NULL;
    c->bc = bc_new(capacity, num_shard_bits, strict_capacity_limit);
    if (c->bc == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

void shale_cache_release(shale_cache *c)
{
    if (c == NULL)
        return;
    bc_unref(c->bc);
    free(c);
}

void shale_cache_set_capacity(shale_cache *c, size_t capacity)
{
    bc_set_capacity(c->bc, capacity);
}

size_t shale_cache_get_capacity(const shale_cache *c) { return bc_get_capacity(c->bc); }
size_t shale_cache_get_usage(const shale_cache *c) { return bc_get_usage(c->bc); }
size_t shale_cache_get_pinned_usage(const shale_cache *c) { return bc_get_pinned_usage(c->bc); }

block_cache *shale_cache_block_cache(const shale_cache *c) { return c->bc; }
