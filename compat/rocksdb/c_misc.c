/* compat/rocksdb/c_misc.c: the small option objects around a database:
 * comparators, prefix extractors, environments, database paths, rate
 * limiters, universal and FIFO compaction options, and the option setters
 * that take them.
 *
 * shale orders keys bytewise and has no prefix seek, rate limiter or
 * extra database paths; these objects exist so that programs configuring
 * them run, and their effect (or its absence) is listed per call. */
#include "compat/rocksdb/c_internal.h"

#include <stdlib.h>
#include <string.h>

/* --- comparators ---------------------------------------------------------------- */
/* compat: partial: created, but opening a database with it fails ("Not implemented: custom
 * comparators") */
rocksdb_comparator_t *rocksdb_comparator_create(
    void *state, void (*destructor)(void *),
    int (*compare)(void *, const char *a, size_t alen, const char *b, size_t blen),
    const char *(*name)(void *))
{
    (void)compare;
    rocksdb_comparator_t *c = malloc(sizeof *c);
    if (c != NULL) {
        c->state = state;
        c->destructor = destructor;
        c->name = name;
    }
    return c;
}

/* compat: partial: created, but opening a database with it fails ("Not implemented: custom
 * comparators") */
rocksdb_comparator_t *rocksdb_comparator_with_ts_create(
    void *state, void (*destructor)(void *),
    int (*compare)(void *, const char *a, size_t alen, const char *b, size_t blen),
    int (*compare_ts)(void *, const char *a_ts, size_t a_tslen, const char *b_ts,
                      size_t b_tslen),
    int (*compare_without_ts)(void *, const char *a, size_t alen, unsigned char a_has_ts,
                              const char *b, size_t blen, unsigned char b_has_ts),
    const char *(*name)(void *), size_t timestamp_size)
{
    (void)compare_ts, (void)compare_without_ts, (void)timestamp_size;
    return rocksdb_comparator_create(state, destructor, compare, name);
}

/* compat: implemented */
void rocksdb_comparator_destroy(rocksdb_comparator_t *c)
{
    if (c == NULL)
        return;
    if (c->destructor != NULL)
        c->destructor(c->state);
    free(c);
}

/* compat: partial: kept; opening a database with a custom comparator fails ("Not implemented:
 * custom comparators") */
void rocksdb_options_set_comparator(rocksdb_options_t *o, rocksdb_comparator_t *c)
{
    o->comparator = c;
}

/* --- prefix extractors ---------------------------------------------------------------- */
struct rocksdb_slicetransform_t {
    void *state;
    void (*destructor)(void *);
};

/* compat: partial: created; shale has no prefix seek, so it is never called */
rocksdb_slicetransform_t *rocksdb_slicetransform_create(
    void *state, void (*destructor)(void *),
    char *(*transform)(void *, const char *key, size_t length, size_t *dst_length),
    unsigned char (*in_domain)(void *, const char *key, size_t length),
    unsigned char (*in_range)(void *, const char *key, size_t length),
    const char *(*name)(void *))
{
    (void)transform, (void)in_domain, (void)in_range, (void)name;
    rocksdb_slicetransform_t *t = malloc(sizeof *t);
    if (t != NULL) {
        t->state = state;
        t->destructor = destructor;
    }
    return t;
}

/* compat: partial: created; shale has no prefix seek */
rocksdb_slicetransform_t *rocksdb_slicetransform_create_fixed_prefix(size_t n)
{
    (void)n;
    return rocksdb_slicetransform_create(NULL, NULL, NULL, NULL, NULL, NULL);
}

/* compat: partial: created; shale has no prefix seek */
rocksdb_slicetransform_t *rocksdb_slicetransform_create_noop(void)
{
    return rocksdb_slicetransform_create(NULL, NULL, NULL, NULL, NULL, NULL);
}

/* compat: implemented */
void rocksdb_slicetransform_destroy(rocksdb_slicetransform_t *t)
{
    if (t == NULL)
        return;
    if (t->destructor != NULL)
        t->destructor(t->state);
    free(t);
}

/* compat: partial: the options take it over and release it at once; reads use total order */
void rocksdb_options_set_prefix_extractor(rocksdb_options_t *o, rocksdb_slicetransform_t *t)
{
    (void)o;
    rocksdb_slicetransform_destroy(t);
}

/* --- environments ------------------------------------------------------------------ */
struct rocksdb_env_t {
    int threads[4];   /* bottom, low, high priority pools, and the default (low) one */
};

enum { POOL_BOTTOM, POOL_LOW, POOL_HIGH };

/* compat: partial: thread counts are kept for the getters; shale sizes its own pool */
rocksdb_env_t *rocksdb_create_default_env(void)
{
    return calloc(1, sizeof(rocksdb_env_t));
}

/* compat: not implemented: in-memory environment (returns NULL) */
rocksdb_env_t *rocksdb_create_mem_env(void)
{
    return NULL;
}

/* compat: implemented */
void rocksdb_env_destroy(rocksdb_env_t *env)
{
    free(env);
}

/* compat: partial: kept for the getter; shale sizes its pool from max_background_jobs */
void rocksdb_env_set_background_threads(rocksdb_env_t *env, int n)
{
    if (env != NULL)   /* NULL from rocksdb_create_mem_env() */
        env->threads[POOL_LOW] = n;
}

/* compat: implemented */
int rocksdb_env_get_background_threads(rocksdb_env_t *env)
{
    return env != NULL ? env->threads[POOL_LOW] : 0;
}

/* compat: partial: kept for the getter; shale sizes its pool from max_background_jobs */
void rocksdb_env_set_high_priority_background_threads(rocksdb_env_t *env, int n)
{
    if (env != NULL)   /* NULL from rocksdb_create_mem_env() */
        env->threads[POOL_HIGH] = n;
}

/* compat: implemented */
int rocksdb_env_get_high_priority_background_threads(rocksdb_env_t *env)
{
    return env != NULL ? env->threads[POOL_HIGH] : 0;
}

/* compat: partial: kept for the getter; shale sizes its pool from max_background_jobs */
void rocksdb_env_set_low_priority_background_threads(rocksdb_env_t *env, int n)
{
    if (env != NULL)   /* NULL from rocksdb_create_mem_env() */
        env->threads[POOL_LOW] = n;
}

/* compat: implemented */
int rocksdb_env_get_low_priority_background_threads(rocksdb_env_t *env)
{
    return env != NULL ? env->threads[POOL_LOW] : 0;
}

/* compat: partial: kept for the getter; shale sizes its pool from max_background_jobs */
void rocksdb_env_set_bottom_priority_background_threads(rocksdb_env_t *env, int n)
{
    if (env != NULL)   /* NULL from rocksdb_create_mem_env() */
        env->threads[POOL_BOTTOM] = n;
}

/* compat: implemented */
int rocksdb_env_get_bottom_priority_background_threads(rocksdb_env_t *env)
{
    return env != NULL ? env->threads[POOL_BOTTOM] : 0;
}

/* compat: partial: a no-op (databases stop their own threads when closed) */
void rocksdb_env_join_all_threads(rocksdb_env_t *env)
{
    (void)env;
}

/* compat: partial: a no-op (no I/O priorities) */
void rocksdb_env_lower_thread_pool_io_priority(rocksdb_env_t *env)
{
    (void)env;
}

/* compat: partial: a no-op (no I/O priorities) */
void rocksdb_env_lower_high_priority_thread_pool_io_priority(rocksdb_env_t *env)
{
    (void)env;
}

/* compat: partial: a no-op (no CPU priorities) */
void rocksdb_env_lower_thread_pool_cpu_priority(rocksdb_env_t *env)
{
    (void)env;
}

/* compat: partial: a no-op (no CPU priorities) */
void rocksdb_env_lower_high_priority_thread_pool_cpu_priority(rocksdb_env_t *env)
{
    (void)env;
}

/* compat: partial: accepted; databases use the POSIX file system */
void rocksdb_options_set_env(rocksdb_options_t *o, rocksdb_env_t *env)
{
    (void)o, (void)env;
}

/* compat: implemented */
void rocksdb_create_dir_if_missing(rocksdb_env_t *env, const char *path, char **errptr)
{
    (void)env;
    shale_env *e = shale_env_default();
    shale_err err = {0};
    int rc = e->ops->mkdir(e, path, &err);
    (void)compat_check(errptr, rc, &err);
}

/* --- database paths and rate limiters ---------------------------------------------------- */
struct rocksdb_dbpath_t {
    char *path;
    uint64_t target_size;
};

/* compat: implemented */
rocksdb_dbpath_t *rocksdb_dbpath_create(const char *path, uint64_t target_size)
{
    rocksdb_dbpath_t *p = malloc(sizeof *p);
    if (p == NULL)
        return NULL;
    p->path = compat_memdup(path, strlen(path));
    p->target_size = target_size;
    return p;
}

/* compat: implemented */
void rocksdb_dbpath_destroy(rocksdb_dbpath_t *p)
{
    if (p == NULL)
        return;
    free(p->path);
    free(p);
}

/* compat: partial: accepted and ignored (every file lives in the database directory) */
void rocksdb_options_set_db_paths(rocksdb_options_t *o, const rocksdb_dbpath_t **path_values,
                                  size_t num_paths)
{
    (void)o, (void)path_values, (void)num_paths;
}

struct rocksdb_ratelimiter_t {
    int64_t rate_bytes_per_sec;
};

/* compat: partial: created; shale does not limit I/O rates */
rocksdb_ratelimiter_t *rocksdb_ratelimiter_create(int64_t rate_bytes_per_sec,
                                                  int64_t refill_period_us, int32_t fairness)
{
    (void)refill_period_us, (void)fairness;
    rocksdb_ratelimiter_t *r = malloc(sizeof *r);
    if (r != NULL)
        r->rate_bytes_per_sec = rate_bytes_per_sec;
    return r;
}

/* compat: implemented */
void rocksdb_ratelimiter_destroy(rocksdb_ratelimiter_t *r)
{
    free(r);
}

/* compat: partial: accepted and ignored (no rate limiting) */
void rocksdb_options_set_ratelimiter(rocksdb_options_t *opt, rocksdb_ratelimiter_t *limiter)
{
    (void)opt, (void)limiter;
}

/* --- universal and FIFO compaction options --------------------------------------------- */
struct rocksdb_universal_compaction_options_t {
    int size_ratio, min_merge_width, max_merge_width, max_size_amplification_percent;
    int compression_size_percent, stop_style;
};

struct rocksdb_fifo_compaction_options_t {
    uint64_t max_table_files_size;
};

/* compat: implemented */
rocksdb_universal_compaction_options_t *rocksdb_universal_compaction_options_create(void)
{
    rocksdb_universal_compaction_options_t *u = malloc(sizeof *u);
    if (u != NULL)
        *u = (rocksdb_universal_compaction_options_t){1, 2, -1, 200, -1, 1};
    return u;
}

/* compat: implemented */
void rocksdb_universal_compaction_options_destroy(rocksdb_universal_compaction_options_t *u)
{
    free(u);
}

#define UNIVERSAL_ACCESSORS(field)                                                          \
    void rocksdb_universal_compaction_options_set_##field(                                  \
        rocksdb_universal_compaction_options_t *u, int v)                                   \
    {                                                                                       \
        u->field = v;                                                                       \
    }                                                                                       \
    int rocksdb_universal_compaction_options_get_##field(                                   \
        rocksdb_universal_compaction_options_t *u)                                          \
    {                                                                                       \
        return u->field;                                                                    \
    }
/* compat: accessors rocksdb_universal_compaction_options size_ratio min_merge_width
 * max_merge_width max_size_amplification_percent compression_size_percent stop_style */
UNIVERSAL_ACCESSORS(size_ratio)
UNIVERSAL_ACCESSORS(min_merge_width)
UNIVERSAL_ACCESSORS(max_merge_width)
UNIVERSAL_ACCESSORS(max_size_amplification_percent)
UNIVERSAL_ACCESSORS(compression_size_percent)
UNIVERSAL_ACCESSORS(stop_style)

/* compat: implemented */
rocksdb_fifo_compaction_options_t *rocksdb_fifo_compaction_options_create(void)
{
    rocksdb_fifo_compaction_options_t *f = malloc(sizeof *f);
    if (f != NULL)
        f->max_table_files_size = UINT64_C(1) << 30;
    return f;
}

/* compat: implemented */
void rocksdb_fifo_compaction_options_set_max_table_files_size(
    rocksdb_fifo_compaction_options_t *fifo_opts, uint64_t size)
{
    fifo_opts->max_table_files_size = size;
}

/* compat: implemented */
uint64_t rocksdb_fifo_compaction_options_get_max_table_files_size(
    rocksdb_fifo_compaction_options_t *fifo_opts)
{
    return fifo_opts->max_table_files_size;
}

/* compat: implemented */
void rocksdb_fifo_compaction_options_destroy(rocksdb_fifo_compaction_options_t *fifo_opts)
{
    free(fifo_opts);
}

/* --- options accepted and ignored ---------------------------------------------------- */
/* compat: partial: accepted and ignored (shale writes its own LOG file) */
void rocksdb_options_set_info_log(rocksdb_options_t *p0, rocksdb_logger_t *p1)
{
    (void)p0, (void)p1;
}

/* compat: partial: accepted and ignored (no dictionary or level settings) */
void rocksdb_options_set_compression_options(rocksdb_options_t *p0, int p1, int p2, int p3, int p4)
{
    (void)p0, (void)p1, (void)p2, (void)p3, (void)p4;
}

/* compat: partial: accepted and ignored (no dictionary or level settings) */
void rocksdb_options_set_bottommost_compression_options(
    rocksdb_options_t *p0, int p1, int p2, int p3, int p4, unsigned char p5)
{
    (void)p0, (void)p1, (void)p2, (void)p3, (void)p4, (void)p5;
}

/* compat: partial: accepted and ignored */
void rocksdb_options_set_bottommost_compression_options_zstd_max_train_bytes(
    rocksdb_options_t *p0, int p1, unsigned char p2)
{
    (void)p0, (void)p1, (void)p2;
}

/* compat: partial: accepted and ignored */
void rocksdb_options_set_bottommost_compression_options_use_zstd_dict_trainer(
    rocksdb_options_t *p0, unsigned char p1, unsigned char p2)
{
    (void)p0, (void)p1, (void)p2;
}

/* compat: partial: always 1, RocksDB's default (the setter is ignored) */
unsigned char rocksdb_options_get_bottommost_compression_options_use_zstd_dict_trainer(
    rocksdb_options_t * opt)
{
    (void)opt;
    return 1;
}

/* compat: partial: accepted and ignored */
void rocksdb_options_set_bottommost_compression_options_max_dict_buffer_bytes(
    rocksdb_options_t *p0, uint64_t p1, unsigned char p2)
{
    (void)p0, (void)p1, (void)p2;
}

/* compat: partial: accepted and ignored */
void rocksdb_options_set_max_bytes_for_level_multiplier_additional(
    rocksdb_options_t *p0, int *level_values, size_t num_levels)
{
    (void)p0, (void)level_values, (void)num_levels;
}

/* compat: partial: accepted and ignored (no blob files) */
void rocksdb_options_set_blob_cache(rocksdb_options_t *opt, rocksdb_cache_t *blob_cache)
{
    (void)opt, (void)blob_cache;
}

/* compat: partial: accepted and ignored (LOG stays in the database directory) */
void rocksdb_options_set_db_log_dir(rocksdb_options_t *p0, const char *p1)
{
    (void)p0, (void)p1;
}

/* compat: partial: accepted and ignored (WALs stay in the database directory) */
void rocksdb_options_set_wal_dir(rocksdb_options_t *p0, const char *p1)
{
    (void)p0, (void)p1;
}

/* compat: partial: accepted and ignored (skiplist memtables only) */
void rocksdb_options_set_memtable_vector_rep(rocksdb_options_t *p0)
{
    (void)p0;
}

/* compat: partial: accepted and ignored (skiplist memtables only) */
void rocksdb_options_set_hash_skip_list_rep(
    rocksdb_options_t *p0, size_t p1, int32_t p2, int32_t p3)
{
    (void)p0, (void)p1, (void)p2, (void)p3;
}

/* compat: partial: accepted and ignored (skiplist memtables only) */
void rocksdb_options_set_hash_link_list_rep(rocksdb_options_t *p0, size_t p1)
{
    (void)p0, (void)p1;
}

/* compat: partial: accepted and ignored (use rocksdb_options_set_compression_per_level) */
void rocksdb_options_set_min_level_to_compress(rocksdb_options_t *opt, int level)
{
    (void)opt, (void)level;
}

/* compat: partial: accepted and ignored (no row cache) */
void rocksdb_options_set_row_cache(rocksdb_options_t *opt, rocksdb_cache_t *cache)
{
    (void)opt, (void)cache;
}

/* compat: partial: accepted and ignored (no table property collectors) */
void rocksdb_options_add_compact_on_deletion_collector_factory(
    rocksdb_options_t *p0, size_t window_size, size_t num_dels_trigger)
{
    (void)p0, (void)window_size, (void)num_dels_trigger;
}

/* compat: partial: accepted and ignored (no performance context) */
void rocksdb_set_perf_level(int p0)
{
    (void)p0;
}

