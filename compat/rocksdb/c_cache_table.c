/* compat/rocksdb/c_cache_table.c: block caches, filter policies and
 * block-based table options.
 *
 * RocksDB shares caches and filter policies between table options and
 * databases through shared_ptr; the wrappers here count references the
 * same way, so destroying a handle after handing it on is safe, as it is
 * with RocksDB. */
#include "compat/rocksdb/c_internal.h"

#include <stdlib.h>
#include <string.h>

/* --- caches ------------------------------------------------------------------ */
struct rocksdb_lru_cache_options_t {
    size_t capacity;
    int num_shard_bits;
};

static rocksdb_cache_t *cache_wrap(shale_cache *c)
{
    if (c == NULL)
        return NULL;
    rocksdb_cache_t *w = malloc(sizeof *w);
    if (w == NULL) {
        shale_cache_release(c);
        return NULL;
    }
    atomic_init(&w->refs, 1);
    w->cache = c;
    return w;
}

void compat_cache_ref(rocksdb_cache_t *c)
{
    atomic_fetch_add(&c->refs, 1);
}

void compat_cache_unref(rocksdb_cache_t *c)
{
    if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    shale_cache_release(c->cache);
    free(c);
}

/* compat: implemented */
rocksdb_cache_t *rocksdb_cache_create_lru(size_t capacity)
{
    return cache_wrap(shale_cache_new_lru(capacity));
}

/* compat: implemented */
rocksdb_cache_t *rocksdb_cache_create_lru_with_strict_capacity_limit(size_t capacity)
{
    return cache_wrap(shale_cache_new_lru_ex(capacity, -1, true));
}

/* compat: partial: the memory allocator is ignored */
rocksdb_cache_t *rocksdb_cache_create_lru_opts(rocksdb_lru_cache_options_t *o)
{
    return cache_wrap(shale_cache_new_lru_ex(o->capacity, o->num_shard_bits, false));
}

/* compat: implemented */
void rocksdb_cache_destroy(rocksdb_cache_t *cache)
{
    compat_cache_unref(cache);
}

/* compat: partial: no effect; shale frees cached blocks at exit */
void rocksdb_cache_disown_data(rocksdb_cache_t *cache)
{
    (void)cache;
}

/* compat: implemented */
void rocksdb_cache_set_capacity(rocksdb_cache_t *cache, size_t capacity)
{
    shale_cache_set_capacity(cache->cache, capacity);
}

/* compat: implemented */
size_t rocksdb_cache_get_capacity(rocksdb_cache_t *cache)
{
    return shale_cache_get_capacity(cache->cache);
}

/* compat: implemented */
size_t rocksdb_cache_get_usage(rocksdb_cache_t *cache)
{
    return shale_cache_get_usage(cache->cache);
}

/* compat: implemented */
size_t rocksdb_cache_get_pinned_usage(rocksdb_cache_t *cache)
{
    return shale_cache_get_pinned_usage(cache->cache);
}

/* compat: implemented */
rocksdb_lru_cache_options_t *rocksdb_lru_cache_options_create(void)
{
    rocksdb_lru_cache_options_t *o = malloc(sizeof *o);
    if (o != NULL) {
        o->capacity = 0;
        o->num_shard_bits = -1;
    }
    return o;
}

/* compat: implemented */
void rocksdb_lru_cache_options_destroy(rocksdb_lru_cache_options_t *o)
{
    free(o);
}

/* compat: implemented */
void rocksdb_lru_cache_options_set_capacity(rocksdb_lru_cache_options_t *o, size_t capacity)
{
    o->capacity = capacity;
}

/* compat: implemented */
void rocksdb_lru_cache_options_set_num_shard_bits(rocksdb_lru_cache_options_t *o, int bits)
{
    o->num_shard_bits = bits;
}

/* compat: partial: accepted and ignored (shale allocates with malloc) */
void rocksdb_lru_cache_options_set_memory_allocator(rocksdb_lru_cache_options_t *o,
                                                    rocksdb_memory_allocator_t *a)
{
    (void)o;
    (void)a;
}

/* compat: not implemented: jemalloc allocators (returns NULL) */
rocksdb_memory_allocator_t *rocksdb_jemalloc_nodump_allocator_create(char **errptr)
{
    compat_not_implemented(errptr, "JemallocNodumpAllocator");
    return NULL;
}

/* compat: not implemented: no allocator is ever created (NULL-safe no-op) */
void rocksdb_memory_allocator_destroy(rocksdb_memory_allocator_t *a)
{
    (void)a;
}

/* --- filter policies ------------------------------------------------------------ */
static rocksdb_filterpolicy_t *filter_new(double bits, int kind)
{
    rocksdb_filterpolicy_t *p = malloc(sizeof *p);
    if (p != NULL) {
        atomic_init(&p->refs, 1);
        p->bits_per_key = bits;
        p->kind = kind;
    }
    return p;
}

void compat_filterpolicy_unref(rocksdb_filterpolicy_t *p)
{
    if (p != NULL && atomic_fetch_sub(&p->refs, 1) == 1)
        free(p);
}

/* compat: implemented */
void rocksdb_filterpolicy_destroy(rocksdb_filterpolicy_t *p)
{
    compat_filterpolicy_unref(p);
}

/* compat: partial: the full-filter Bloom (format_version 5's) instead of the deprecated block-based
 * one */
rocksdb_filterpolicy_t *rocksdb_filterpolicy_create_bloom(double bits_per_key)
{
    return filter_new(bits_per_key, COMPAT_FILTER_BLOOM);
}

/* compat: implemented */
rocksdb_filterpolicy_t *rocksdb_filterpolicy_create_bloom_full(double bits_per_key)
{
    return filter_new(bits_per_key, COMPAT_FILTER_BLOOM);
}

/* compat: partial: a Bloom filter of the same bits per key (shale has no Ribbon filter) */
rocksdb_filterpolicy_t *rocksdb_filterpolicy_create_ribbon(double bloom_equivalent_bits_per_key)
{
    return filter_new(bloom_equivalent_bits_per_key, COMPAT_FILTER_RIBBON);
}

/* compat: partial: a Bloom filter on every level (shale has no Ribbon filter) */
rocksdb_filterpolicy_t *rocksdb_filterpolicy_create_ribbon_hybrid(
    double bloom_equivalent_bits_per_key, int bloom_before_level)
{
    (void)bloom_before_level;
    return filter_new(bloom_equivalent_bits_per_key, COMPAT_FILTER_RIBBON);
}

/* --- block-based table options --------------------------------------------------- */
void compat_bbto_init(rocksdb_block_based_table_options_t *t)
{
    memset(t, 0, sizeof *t);
    t->block_size = 4096;
    t->block_size_deviation = 10;
    t->block_restart_interval = 16;
    t->index_block_restart_interval = 1;
    t->format_version = 5;
    t->checksum = SHALE_CHECKSUM_XXH3;   /* RocksDB 7.8.3's default */
    t->whole_key_filtering = 1;
}

void compat_bbto_copy(rocksdb_block_based_table_options_t *dst,
                      const rocksdb_block_based_table_options_t *src)
{
    *dst = *src;
    if (dst->filter != NULL)
        atomic_fetch_add(&dst->filter->refs, 1);
    if (dst->cache != NULL)
        compat_cache_ref(dst->cache);
}

void compat_bbto_deinit(rocksdb_block_based_table_options_t *t)
{
    compat_filterpolicy_unref(t->filter);
    compat_cache_unref(t->cache);
    t->filter = NULL;
    t->cache = NULL;
}

shale_table_options *compat_bbto_to_shale(const rocksdb_block_based_table_options_t *t)
{
    shale_table_options *s = shale_table_options_new();
    if (s == NULL)
        return NULL;
    shale_table_options_set_block_size(s, t->block_size);
    shale_table_options_set_block_size_deviation(s, t->block_size_deviation);
    shale_table_options_set_block_restart_interval(s, t->block_restart_interval);
    shale_table_options_set_index_block_restart_interval(s, t->index_block_restart_interval);
    shale_table_options_set_format_version(s, t->format_version);
    shale_table_options_set_checksum(s, t->checksum);
    shale_table_options_set_whole_key_filtering(s, t->whole_key_filtering != 0);
    shale_table_options_set_bloom_bits_per_key(s, t->filter != NULL ? t->filter->bits_per_key : 0);
    return s;
}

/* compat: implemented */
rocksdb_block_based_table_options_t *rocksdb_block_based_options_create(void)
{
    rocksdb_block_based_table_options_t *t = malloc(sizeof *t);
    if (t != NULL)
        compat_bbto_init(t);
    return t;
}

/* compat: implemented */
void rocksdb_block_based_options_destroy(rocksdb_block_based_table_options_t *t)
{
    if (t == NULL)
        return;
    compat_bbto_deinit(t);
    free(t);
}

/* compat: implemented */
void rocksdb_block_based_options_set_checksum(rocksdb_block_based_table_options_t *t, char v)
{
    t->checksum = v;
}

/* compat: implemented */
void rocksdb_block_based_options_set_block_size(rocksdb_block_based_table_options_t *t,
                                                size_t block_size)
{
    t->block_size = block_size;
}

/* compat: implemented */
void rocksdb_block_based_options_set_block_size_deviation(rocksdb_block_based_table_options_t *t,
                                                          int v)
{
    t->block_size_deviation = v;
}

/* compat: implemented */
void rocksdb_block_based_options_set_block_restart_interval(
    rocksdb_block_based_table_options_t *t, int v)
{
    t->block_restart_interval = v;
}

/* compat: implemented */
void rocksdb_block_based_options_set_index_block_restart_interval(
    rocksdb_block_based_table_options_t *t, int v)
{
    t->index_block_restart_interval = v;
}

/* compat: implemented */
void rocksdb_block_based_options_set_filter_policy(rocksdb_block_based_table_options_t *t,
                                                   rocksdb_filterpolicy_t *filter_policy)
{
    compat_filterpolicy_unref(t->filter);
    t->filter = filter_policy;   /* the table options take the caller's reference */
}

/* compat: partial: shale always uses a cache (its own 8 MiB one when none is set) */
void rocksdb_block_based_options_set_no_block_cache(rocksdb_block_based_table_options_t *t,
                                                    unsigned char v)
{
    t->no_block_cache = v != 0;
}

/* compat: implemented */
void rocksdb_block_based_options_set_block_cache(rocksdb_block_based_table_options_t *t,
                                                 rocksdb_cache_t *block_cache)
{
    if (block_cache != NULL)
        compat_cache_ref(block_cache);
    compat_cache_unref(t->cache);
    t->cache = block_cache;
}

/* compat: implemented */
void rocksdb_block_based_options_set_whole_key_filtering(rocksdb_block_based_table_options_t *t,
                                                         unsigned char v)
{
    t->whole_key_filtering = v != 0;
}

/* compat: implemented */
void rocksdb_block_based_options_set_format_version(rocksdb_block_based_table_options_t *t,
                                                    int v)
{
    t->format_version = v;
}

/* compat: implemented */
void rocksdb_block_based_options_set_cache_index_and_filter_blocks(
    rocksdb_block_based_table_options_t *t, unsigned char v)
{
    t->cache_index_and_filter_blocks = v != 0;
}

/* compat: partial: accepted and ignored (no compressed block cache in shale) */
void rocksdb_block_based_options_set_block_cache_compressed(
    rocksdb_block_based_table_options_t *t, rocksdb_cache_t *c)
{
    (void)t;
    (void)c;
}

/* compat: partial: accepted and ignored (no partitioned index or filters in shale) */
void rocksdb_block_based_options_set_metadata_block_size(rocksdb_block_based_table_options_t *t,
                                                         uint64_t v)
{
    (void)t;
    (void)v;
}

/* compat: partial: accepted and ignored (no partitioned filters in shale) */
void rocksdb_block_based_options_set_partition_filters(rocksdb_block_based_table_options_t *t,
                                                       unsigned char v)
{
    (void)t;
    (void)v;
}

/* compat: partial: accepted and ignored (keys are always delta-encoded) */
void rocksdb_block_based_options_set_use_delta_encoding(rocksdb_block_based_table_options_t *t,
                                                        unsigned char v)
{
    (void)t;
    (void)v;
}

/* compat: partial: accepted and ignored (binary-search index only) */
void rocksdb_block_based_options_set_index_type(rocksdb_block_based_table_options_t *t, int v)
{
    (void)t;
    (void)v;
}

/* compat: partial: accepted and ignored (binary-search data blocks only) */
void rocksdb_block_based_options_set_data_block_index_type(
    rocksdb_block_based_table_options_t *t, int v)
{
    (void)t;
    (void)v;
}

/* compat: partial: accepted and ignored (no data-block hash index) */
void rocksdb_block_based_options_set_data_block_hash_ratio(
    rocksdb_block_based_table_options_t *t, double v)
{
    (void)t;
    (void)v;
}

/* compat: partial: accepted and ignored (one cache priority) */
void rocksdb_block_based_options_set_cache_index_and_filter_blocks_with_high_priority(
    rocksdb_block_based_table_options_t *t, unsigned char v)
{
    (void)t;
    (void)v;
}

/* compat: partial: accepted and ignored (no pinning) */
void rocksdb_block_based_options_set_pin_l0_filter_and_index_blocks_in_cache(
    rocksdb_block_based_table_options_t *t, unsigned char v)
{
    (void)t;
    (void)v;
}

/* compat: partial: accepted and ignored (no pinning) */
void rocksdb_block_based_options_set_pin_top_level_index_and_filter(
    rocksdb_block_based_table_options_t *t, unsigned char v)
{
    (void)t;
    (void)v;
}
