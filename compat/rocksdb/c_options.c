/* compat/rocksdb/c_options.c: rocksdb_options_t, rocksdb_readoptions_t,
 * rocksdb_writeoptions_t, rocksdb_flushoptions_t and
 * rocksdb_compactoptions_t.
 *
 * RocksDB's options are plain data read when a database opens, so ours are
 * too: every value is kept (getters return what was set, defaults are
 * RocksDB's), and compat_options_to_shale() builds shale's options from
 * them at open.  Values shale has no setting for are kept for the getters
 * and change nothing; c_options_table.h marks which. */
#include "compat/rocksdb/c_internal.h"

#include <stdlib.h>
#include <string.h>

/* unsigned char options are booleans in RocksDB: a getter returns 0 or 1. */
#define COMPAT_NORM(gtype, v) \
    _Generic((gtype)0, unsigned char: (gtype)((v) != 0), default: (gtype)(v))

#define COMPAT_DEFINE_ACCESSORS(obj, name, stype, gtype, def, status) \
    void rocksdb_##obj##_set_##name(rocksdb_##obj##_t *o, stype v) \
    {                                                             \
        o->name = COMPAT_NORM(gtype, v);                          \
    }                                                             \
    gtype rocksdb_##obj##_get_##name(rocksdb_##obj##_t *o)        \
    {                                                             \
        return o->name;                                           \
    }
#define COMPAT_INIT_FIELD(name, stype, gtype, def, status) o->name = (gtype)(def);

#define DB_ACCESSORS(name, stype, gtype, def, status) \
    COMPAT_DEFINE_ACCESSORS(options, name, stype, gtype, def, status)
#define READ_ACCESSORS(name, stype, gtype, def, status) \
    COMPAT_DEFINE_ACCESSORS(readoptions, name, stype, gtype, def, status)
#define WRITE_ACCESSORS(name, stype, gtype, def, status) \
    COMPAT_DEFINE_ACCESSORS(writeoptions, name, stype, gtype, def, status)
#define COMPACT_ACCESSORS(name, stype, gtype, def, status) \
    COMPAT_DEFINE_ACCESSORS(compactoptions, name, stype, gtype, def, status)

/* compat: table COMPAT_DB_OPTIONS rocksdb_options */
COMPAT_DB_OPTIONS(DB_ACCESSORS)
/* compat: table COMPAT_READ_OPTIONS rocksdb_readoptions */
COMPAT_READ_OPTIONS(READ_ACCESSORS)
/* compat: table COMPAT_WRITE_OPTIONS rocksdb_writeoptions */
COMPAT_WRITE_OPTIONS(WRITE_ACCESSORS)
/* compat: table COMPAT_COMPACT_OPTIONS rocksdb_compactoptions */
COMPAT_COMPACT_OPTIONS(COMPACT_ACCESSORS)

/* --- rocksdb_options_t: life cycle ------------------------------------------ */
static void options_init(rocksdb_options_t *o)
{
    memset(o, 0, sizeof *o);
    COMPAT_DB_OPTIONS(COMPAT_INIT_FIELD)
#ifndef SHALE_HAVE_SNAPPY
    o->compression = rocksdb_no_compression;   /* RocksDB's default without Snappy too */
#endif
    compat_bbto_init(&o->table);
    o->style.size_ratio = 1;
    o->style.min_merge_width = 2;
    o->style.max_merge_width = -1;
    o->style.max_size_amplification_percent = 200;
    o->style.compression_size_percent = -1;
    o->style.stop_style = 1;
    o->style.fifo_max_table_files_size = UINT64_C(1) << 30;
}

/* compat: implemented */
rocksdb_options_t *rocksdb_options_create(void)
{
    rocksdb_options_t *o = malloc(sizeof *o);
    if (o != NULL)
        options_init(o);
    return o;
}

/* compat: implemented */
void rocksdb_options_destroy(rocksdb_options_t *o)
{
    if (o == NULL)
        return;
    compat_bbto_deinit(&o->table);
    compat_mergeoperator_unref(o->merge_operator);
    compat_cfilter_factory_unref(o->compaction_filter_factory);
    shale_statistics_release(o->stats);
    free(o);
}

/* compat: partial: with statistics enabled the copy gets a statistics object of its own
 * (RocksDB's copy shares the original's) */
rocksdb_options_t *rocksdb_options_create_copy(rocksdb_options_t *src)
{
    rocksdb_options_t *o = malloc(sizeof *o);
    if (o == NULL)
        return NULL;
    *o = *src;
    compat_bbto_copy(&o->table, &src->table);
    if (o->merge_operator != NULL)
        compat_mergeoperator_ref(o->merge_operator);
    if (o->compaction_filter_factory != NULL)
        compat_cfilter_factory_ref(o->compaction_filter_factory);
    o->stats = NULL;
    if (src->stats != NULL)   /* TODO: share it once shale has shale_statistics_ref() */
        o->stats = shale_statistics_new();
    return o;
}

/* --- rocksdb_options_t: settings beyond the table ------------------------------ */
/* compat: implemented */
void rocksdb_options_set_compression_per_level(rocksdb_options_t *opt, const int *level_values,
                                               size_t num_levels)
{
    size_t max = sizeof opt->compression_per_level / sizeof opt->compression_per_level[0];
    opt->num_compression_per_level = num_levels < max ? num_levels : max;
    for (size_t i = 0; i < opt->num_compression_per_level; i++)
        opt->compression_per_level[i] = level_values[i];
}

/* compat: implemented */
void rocksdb_options_set_block_based_table_factory(rocksdb_options_t *opt,
                                                   rocksdb_block_based_table_options_t *t)
{
    if (t == NULL)
        return;
    rocksdb_block_based_table_options_t copy;
    compat_bbto_copy(&copy, t);
    compat_bbto_deinit(&opt->table);
    opt->table = copy;
}

/* compat: implemented */
void rocksdb_options_set_merge_operator(rocksdb_options_t *o, rocksdb_mergeoperator_t *m)
{
    compat_mergeoperator_unref(o->merge_operator);
    o->merge_operator = m;   /* the options take the caller's reference */
    o->uint64add = false;
}

/* compat: implemented */
void rocksdb_options_set_uint64add_merge_operator(rocksdb_options_t *o)
{
    compat_mergeoperator_unref(o->merge_operator);
    o->merge_operator = NULL;
    o->uint64add = true;
}

/* compat: implemented */
void rocksdb_options_set_compaction_filter(rocksdb_options_t *o, rocksdb_compactionfilter_t *f)
{
    o->compaction_filter = f;
}

/* compat: implemented */
void rocksdb_options_set_compaction_filter_factory(rocksdb_options_t *o,
                                                   rocksdb_compactionfilterfactory_t *f)
{
    compat_cfilter_factory_unref(o->compaction_filter_factory);
    o->compaction_filter_factory = f;
}

/* compat: implemented */
void rocksdb_options_enable_statistics(rocksdb_options_t *o)
{
    if (o->stats == NULL)
        o->stats = shale_statistics_new();
}

/* compat: implemented */
char *rocksdb_options_statistics_get_string(rocksdb_options_t *opt)
{
    if (opt->stats == NULL)
        return NULL;
    char *s = shale_statistics_to_string(opt->stats);
    char *copy = s != NULL ? compat_memdup(s, strlen(s)) : NULL;
    shale_free(s);
    return copy;
}

/* compat: implemented */
void rocksdb_options_increase_parallelism(rocksdb_options_t *opt, int total_threads)
{
    opt->max_background_jobs = total_threads;
}

/* compat: partial: sets the memtable and level sizes RocksDB sets; LZ4 from level 2 */
void rocksdb_options_optimize_level_style_compaction(rocksdb_options_t *opt,
                                                     uint64_t memtable_memory_budget)
{
    opt->write_buffer_size = (size_t)(memtable_memory_budget / 4);
    opt->min_write_buffer_number_to_merge = 2;
    opt->max_write_buffer_number = 6;
    opt->level0_file_num_compaction_trigger = 2;
    opt->target_file_size_base = memtable_memory_budget / 8;
    opt->max_bytes_for_level_base = memtable_memory_budget;
    opt->compaction_style = rocksdb_level_compaction;
    int levels[64];
    int n = opt->num_levels > 0 && opt->num_levels <= 64 ? opt->num_levels : 7;
    for (int i = 0; i < n; i++)
        levels[i] = i < 2 ? rocksdb_no_compression : rocksdb_lz4_compression;
    rocksdb_options_set_compression_per_level(opt, levels, (size_t)n);
}

/* compat: implemented */
void rocksdb_options_optimize_universal_style_compaction(rocksdb_options_t *opt,
                                                         uint64_t memtable_memory_budget)
{
    opt->write_buffer_size = (size_t)(memtable_memory_budget / 4);
    opt->min_write_buffer_number_to_merge = 2;
    opt->max_write_buffer_number = 6;
    opt->compaction_style = rocksdb_universal_compaction;
}

/* compat: partial: a block cache of the given size and a 10-bit Bloom filter; no hash index */
void rocksdb_options_optimize_for_point_lookup(rocksdb_options_t *opt,
                                               uint64_t block_cache_size_mb)
{
    rocksdb_block_based_table_options_t *t = rocksdb_block_based_options_create();
    rocksdb_cache_t *c = rocksdb_cache_create_lru((size_t)(block_cache_size_mb << 20));
    if (t != NULL && c != NULL) {
        rocksdb_block_based_options_set_block_cache(t, c);
        rocksdb_block_based_options_set_filter_policy(t, rocksdb_filterpolicy_create_bloom(10));
        rocksdb_options_set_block_based_table_factory(opt, t);
    }
    rocksdb_cache_destroy(c);
    rocksdb_block_based_options_destroy(t);
    opt->memtable_prefix_bloom_size_ratio = 0.02;
}

/* compat: partial: the values RocksDB sets; shale ignores the ones it lacks */
void rocksdb_options_prepare_for_bulk_load(rocksdb_options_t *opt)
{
    opt->level0_file_num_compaction_trigger = 1 << 30;
    opt->level0_slowdown_writes_trigger = 1 << 30;
    opt->level0_stop_writes_trigger = 1 << 30;
    opt->soft_pending_compaction_bytes_limit = 0;
    opt->hard_pending_compaction_bytes_limit = 0;
    opt->disable_auto_compactions = 1;
    opt->max_compaction_bytes = UINT64_C(1) << 60;
    opt->num_levels = 2;
    opt->max_write_buffer_number = 6;
    opt->min_write_buffer_number_to_merge = 1;
    opt->max_background_flushes = 4;
    opt->max_background_compactions = 2;
    opt->target_file_size_base = 256u << 20;
}

/* compat: partial: stored and returned; shale reads without readahead */
void rocksdb_options_compaction_readahead_size(rocksdb_options_t *opt, size_t s)
{
    opt->compaction_readahead_size = s;
}

/* compat: implemented */
size_t rocksdb_options_get_compaction_readahead_size(rocksdb_options_t *opt)
{
    return opt->compaction_readahead_size;
}

/* compat: partial: stored; shale has no in-memory bloom for memtables */
void rocksdb_options_set_memtable_whole_key_filtering(rocksdb_options_t *opt, unsigned char v)
{
    opt->memtable_whole_key_filtering = v != 0;
}

/* compat: partial: stored; shale does not dump malloc statistics */
void rocksdb_options_set_dump_malloc_stats(rocksdb_options_t *opt, unsigned char v)
{
    opt->dump_malloc_stats = v != 0;
}

/* compat: implemented */
void rocksdb_options_set_universal_compaction_options(
    rocksdb_options_t *opt, rocksdb_universal_compaction_options_t *uco)
{
    opt->style.size_ratio = rocksdb_universal_compaction_options_get_size_ratio(uco);
    opt->style.min_merge_width = rocksdb_universal_compaction_options_get_min_merge_width(uco);
    opt->style.max_merge_width = rocksdb_universal_compaction_options_get_max_merge_width(uco);
    opt->style.max_size_amplification_percent =
        rocksdb_universal_compaction_options_get_max_size_amplification_percent(uco);
    opt->style.compression_size_percent =
        rocksdb_universal_compaction_options_get_compression_size_percent(uco);
    opt->style.stop_style = rocksdb_universal_compaction_options_get_stop_style(uco);
}

/* compat: implemented */
void rocksdb_options_set_fifo_compaction_options(rocksdb_options_t *opt,
                                                 rocksdb_fifo_compaction_options_t *fifo)
{
    opt->style.fifo_max_table_files_size =
        rocksdb_fifo_compaction_options_get_max_table_files_size(fifo);
}

/* --- building shale's options at open ---------------------------------------- */
static void apply_db_options(const rocksdb_options_t *r, shale_options *o)
{
    shale_options_set_create_if_missing(o, r->create_if_missing);
    shale_options_set_error_if_exists(o, r->error_if_exists);
    shale_options_set_paranoid_checks(o, r->paranoid_checks);
    shale_options_set_create_missing_column_families(o, r->create_missing_column_families);
    shale_options_set_info_log_level(o, r->info_log_level);
    shale_options_set_write_buffer_size(o, r->write_buffer_size);
    shale_options_set_max_open_files(o, r->max_open_files);
    shale_options_set_num_levels(o, r->num_levels);
    shale_options_set_level0_file_num_compaction_trigger(o, r->level0_file_num_compaction_trigger);
    shale_options_set_level0_slowdown_writes_trigger(o, r->level0_slowdown_writes_trigger);
    shale_options_set_level0_stop_writes_trigger(o, r->level0_stop_writes_trigger);
    shale_options_set_target_file_size_base(o, r->target_file_size_base);
    shale_options_set_target_file_size_multiplier(o, r->target_file_size_multiplier);
    shale_options_set_max_bytes_for_level_base(o, r->max_bytes_for_level_base);
    shale_options_set_max_bytes_for_level_multiplier(o, r->max_bytes_for_level_multiplier);
    /* RocksDB raises max_write_buffer_number below 2 to 2 when it opens. */
    shale_options_set_max_write_buffer_number(o, r->max_write_buffer_number < 2
                                                     ? 2 : r->max_write_buffer_number);
    shale_options_set_min_write_buffer_number_to_merge(o, r->min_write_buffer_number_to_merge);
    shale_options_set_max_background_jobs(o, r->max_background_jobs);
    shale_options_set_disable_auto_compactions(o, r->disable_auto_compactions);
    shale_options_set_max_successive_merges(o, r->max_successive_merges);
    shale_options_set_wal_recovery_mode(o, r->wal_recovery_mode);
    shale_options_set_compression(o, r->compression);
    if (r->num_compression_per_level > 0)
        shale_options_set_compression_per_level(o, r->compression_per_level,
                                                r->num_compression_per_level);
    if (r->stats != NULL)
        shale_options_set_statistics(o, r->stats);
}

/* The compaction style and its options (include/shale/compaction_style.h).
 * RocksDB's C API has no setter for ttl, FIFO's allow_compaction or
 * universal's allow_trivial_move: shale's defaults are RocksDB's (an unset
 * ttl is 0 under FIFO; under the other styles RocksDB's 30 days would
 * start TTL compactions shale does not run). */
static void apply_style(const rocksdb_options_t *r, shale_options *o)
{
    shale_options_set_compaction_style(o, r->compaction_style);
    shale_options_set_universal_size_ratio(o, (unsigned)r->style.size_ratio);
    shale_options_set_universal_min_merge_width(o, (unsigned)r->style.min_merge_width);
    shale_options_set_universal_max_merge_width(o, (unsigned)r->style.max_merge_width);
    shale_options_set_universal_max_size_amplification_percent(
        o, (unsigned)r->style.max_size_amplification_percent);
    shale_options_set_universal_compression_size_percent(o, r->style.compression_size_percent);
    shale_options_set_universal_stop_style(o, r->style.stop_style);
    shale_options_set_fifo_max_table_files_size(o, r->style.fifo_max_table_files_size);
}

static int apply_callbacks(const rocksdb_options_t *r, shale_options *o, shale_err *err)
{
    shale_merge_operator *m = NULL;
    if (r->uint64add)
        m = shale_merge_operator_create_uint64add();
    else if (r->merge_operator != NULL)
        m = compat_mergeoperator_to_shale(r->merge_operator);
    if ((r->uint64add || r->merge_operator != NULL) && m == NULL)
        return SHALE_NO_MEMORY;
    shale_options_set_merge_operator(o, m);
    if (r->compaction_filter != NULL)
        shale_options_set_compaction_filter(o, r->compaction_filter->shale);
    if (r->compaction_filter_factory != NULL) {
        shale_compaction_filter_factory *f =
            compat_cfilter_factory_to_shale(r->compaction_filter_factory);
        if (f == NULL)
            return SHALE_NO_MEMORY;
        shale_options_set_compaction_filter_factory(o, f);
    }
    return SHALE_OK;
}

static int apply_table(const rocksdb_options_t *r, shale_options *o)
{
    shale_table_options *t = compat_bbto_to_shale(&r->table);
    if (t == NULL)
        return SHALE_NO_MEMORY;
    shale_options_set_table_options(o, t);
    shale_table_options_free(t);
    if (r->table.cache != NULL && !r->table.no_block_cache)
        shale_options_set_block_cache(o, r->table.cache->cache);
    shale_options_set_cache_index_and_filter_blocks(o, r->table.cache_index_and_filter_blocks);
    return SHALE_OK;
}

int compat_options_to_shale(const rocksdb_options_t *r, shale_options **out, shale_err *err)
{
    rocksdb_options_t *defaults = NULL;
    *out = NULL;
    if (r == NULL)
        r = defaults = rocksdb_options_create();
    if (r != NULL && r->comparator != NULL)
        return compat_err_fill(err, SHALE_NOT_SUPPORTED, "custom comparators");
    shale_options *o = shale_options_new();
    int rc = r == NULL || o == NULL ? SHALE_NO_MEMORY : SHALE_OK;
    if (rc == SHALE_OK) {
        apply_db_options(r, o);
        apply_style(r, o);
        rc = apply_callbacks(r, o, err);
    }
    if (rc == SHALE_OK)
        rc = apply_table(r, o);
    rocksdb_options_destroy(defaults);
    if (rc != SHALE_OK) {
        shale_options_free(o);
        return rc;
    }
    *out = o;
    return SHALE_OK;
}

/* --- read options ------------------------------------------------------------ */
/* compat: implemented */
rocksdb_readoptions_t *rocksdb_readoptions_create(void)
{
    rocksdb_readoptions_t *o = calloc(1, sizeof *o);
    if (o == NULL)
        return NULL;
    o->ro = shale_read_options_new();
    if (o->ro == NULL) {
        free(o);
        return NULL;
    }
    COMPAT_READ_OPTIONS(COMPAT_INIT_FIELD)
    return o;
}

/* compat: implemented */
void rocksdb_readoptions_destroy(rocksdb_readoptions_t *o)
{
    if (o == NULL)
        return;
    shale_read_options_free(o->ro);
    free(o);
}

shale_read_options *compat_ro(const rocksdb_readoptions_t *r)
{
    if (r == NULL)
        return NULL;
    shale_read_options_set_verify_checksums(r->ro, r->verify_checksums);
    shale_read_options_set_fill_cache(r->ro, r->fill_cache);
    return r->ro;
}

/* compat: implemented */
void rocksdb_readoptions_set_snapshot(rocksdb_readoptions_t *o, const rocksdb_snapshot_t *s)
{
    o->snapshot = s;
    shale_read_options_set_snapshot(o->ro, s != NULL ? s->snap : NULL);
}

/* compat: implemented */
void rocksdb_readoptions_set_iterate_upper_bound(rocksdb_readoptions_t *o, const char *key,
                                                 size_t keylen)
{
    shale_read_options_set_iterate_upper_bound(o->ro, key, keylen);
}

/* compat: implemented */
void rocksdb_readoptions_set_iterate_lower_bound(rocksdb_readoptions_t *o, const char *key,
                                                 size_t keylen)
{
    shale_read_options_set_iterate_lower_bound(o->ro, key, keylen);
}

/* compat: partial: accepted; RocksDB 7.8.3 ignores it too (managed iterators are gone) */
void rocksdb_readoptions_set_managed(rocksdb_readoptions_t *o, unsigned char v)
{
    (void)o;
    (void)v;
}

/* compat: not implemented: user timestamps (ignored; reads see every key) */
void rocksdb_readoptions_set_timestamp(rocksdb_readoptions_t *o, const char *ts, size_t tslen)
{
    (void)o;
    (void)ts;
    (void)tslen;
}

/* compat: not implemented: user timestamps (ignored) */
void rocksdb_readoptions_set_iter_start_ts(rocksdb_readoptions_t *o, const char *ts,
                                           size_t tslen)
{
    (void)o;
    (void)ts;
    (void)tslen;
}

/* --- write options ------------------------------------------------------------ */
/* compat: implemented */
rocksdb_writeoptions_t *rocksdb_writeoptions_create(void)
{
    rocksdb_writeoptions_t *o = calloc(1, sizeof *o);
    if (o == NULL)
        return NULL;
    o->wo = shale_write_options_new();
    if (o->wo == NULL) {
        free(o);
        return NULL;
    }
    COMPAT_WRITE_OPTIONS(COMPAT_INIT_FIELD)
    return o;
}

/* compat: implemented */
void rocksdb_writeoptions_destroy(rocksdb_writeoptions_t *o)
{
    if (o == NULL)
        return;
    shale_write_options_free(o->wo);
    free(o);
}

shale_write_options *compat_wo(const rocksdb_writeoptions_t *w)
{
    if (w == NULL)
        return NULL;
    shale_write_options_set_sync(w->wo, w->sync);
    shale_write_options_set_disable_wal(w->wo, w->disable_wal);
    return w->wo;
}

/* compat: implemented */
void rocksdb_writeoptions_disable_WAL(rocksdb_writeoptions_t *opt, int disable)
{
    opt->disable_wal = disable != 0;
}

/* compat: implemented */
unsigned char rocksdb_writeoptions_get_disable_WAL(rocksdb_writeoptions_t *opt)
{
    return opt->disable_wal;
}

/* --- flush and compact options ------------------------------------------------- */
/* compat: implemented */
rocksdb_flushoptions_t *rocksdb_flushoptions_create(void)
{
    rocksdb_flushoptions_t *o = malloc(sizeof *o);
    if (o != NULL)
        o->wait = 1;
    return o;
}

/* compat: implemented */
void rocksdb_flushoptions_destroy(rocksdb_flushoptions_t *o)
{
    free(o);
}

/* compat: implemented */
void rocksdb_flushoptions_set_wait(rocksdb_flushoptions_t *o, unsigned char v)
{
    o->wait = v != 0;
}

/* compat: implemented */
unsigned char rocksdb_flushoptions_get_wait(rocksdb_flushoptions_t *o)
{
    return o->wait;
}

/* compat: implemented */
rocksdb_compactoptions_t *rocksdb_compactoptions_create(void)
{
    rocksdb_compactoptions_t *o = malloc(sizeof *o);
    if (o != NULL) {
        COMPAT_COMPACT_OPTIONS(COMPAT_INIT_FIELD)
    }
    return o;
}

/* compat: implemented */
void rocksdb_compactoptions_destroy(rocksdb_compactoptions_t *o)
{
    free(o);
}

/* compat: not implemented: user timestamps (ignored) */
void rocksdb_compactoptions_set_full_history_ts_low(rocksdb_compactoptions_t *o, char *ts,
                                                    size_t tslen)
{
    (void)o;
    (void)ts;
    (void)tslen;
}
