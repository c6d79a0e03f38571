/* lsm/db/options.c: the public options objects (include/shale/db.h):
 * RocksDB's defaults, setters, copy and validation. */
#include "lsm/db/options.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/cache/cache_api.h"
#include "lsm/util/statistics.h"
#include "lsm/table/compress.h"
#include "lsm/table/format.h"
#include "lsm/util/err.h"

void options_init(shale_options *o)
{
    memset(o, 0, sizeof *o);
    o->paranoid_checks = true;
    o->allow_fallocate = true;
    o->env = shale_env_default();
    o->write_buffer_size = 64u << 20;
    o->max_write_buffer_number = 2;
    o->min_write_buffer_number_to_merge = 1;
    o->level0_file_num_compaction_trigger = 4;
    o->level0_slowdown_writes_trigger = 20;
    o->level0_stop_writes_trigger = 36;
    o->max_bytes_for_level_base = 256u << 20;
    o->max_bytes_for_level_multiplier = 10;
    o->target_file_size_base = 64u << 20;
    o->target_file_size_multiplier = 1;
    o->num_levels = 7;
    o->max_background_jobs = 2;
    o->max_open_files = -1;
    o->compression = COMPRESSION_NONE;
    table_options_init(&o->table);
    o->wal_recovery_mode = SHALE_WAL_POINT_IN_TIME_RECOVERY;
    o->info_log_level = SHALE_LOG_INFO;
    o->max_manifest_file_size = UINT64_C(1) << 30;
    o->delayed_write_rate = 16u << 20;
    compaction_style_options_init(&o->cstyle);
}

void options_copy(shale_options *dst, const shale_options *src)
{
    *dst = *src;
    if (dst->bcache != NULL)
        bc_ref(dst->bcache);
    if (dst->stats != NULL)
        stats_ref(dst->stats);
    if (dst->merge_operator != NULL)
        merge_op_ref(dst->merge_operator);
    if (dst->compaction_filter_factory != NULL)
        cfilter_factory_ref(dst->compaction_filter_factory);
}

void options_deinit(shale_options *o)
{
    if (o == NULL)
        return;
    bc_unref(o->bcache);
    stats_unref(o->stats);
    merge_op_unref(o->merge_operator);
    cfilter_factory_unref(o->compaction_filter_factory);
    o->compaction_filter_factory = NULL;
    o->bcache = NULL;
    o->stats = NULL;
    o->merge_operator = NULL;
}

int options_check(const shale_options *o, shale_err *err)
{
    if (o->write_buffer_size < 64 * 1024)
        return SHALE_INVALID(err, "write_buffer_size must be at least 64 KiB");
    if (o->max_write_buffer_number < 2)
        return SHALE_INVALID(err, "max_write_buffer_number must be at least 2");
    if (o->cstyle.style < 0 || o->cstyle.style > 2)
        return SHALE_INVALID(err, "compaction_style must be 0 (level), 1 (universal) or 2 (FIFO)");
    if (o->cstyle.universal.stop_style < 0 || o->cstyle.universal.stop_style > 1)
        return SHALE_INVALID(err, "universal stop_style must be 0 or 1");
    if (o->cstyle.universal.min_merge_width < 2)
        return SHALE_INVALID(err, "universal min_merge_width must be at least 2");
    if (o->num_levels < 1 || o->num_levels > MAX_LEVELS)
        return SHALE_INVALID(err, "num_levels must be 1..%d", MAX_LEVELS);
    if (o->level0_file_num_compaction_trigger < 1)
        return SHALE_INVALID(err, "level0_file_num_compaction_trigger must be positive");
    if (o->max_background_jobs < 1)
        return SHALE_INVALID(err, "max_background_jobs must be positive");
    if (o->max_bytes_for_level_multiplier <= 0 || o->target_file_size_multiplier < 1)
        return SHALE_INVALID(err, "level size multipliers must be positive");
    if (o->wal_recovery_mode < 0 || o->wal_recovery_mode > 3)
        return SHALE_INVALID(err, "unknown wal_recovery_mode %d", o->wal_recovery_mode);
    for (int level = 0; level < o->num_levels; level++) {
        int c = options_compression_for_level(o, level);
        if (!compress_supported(c))
            return SHALE_ERR(err, SHALE_NOT_SUPPORTED, "%s compression is not supported by "
                             "this build", compression_type_name(c));
    }
    return table_options_check(&o->table, err);
}

int options_compression_for_level(const shale_options *o, int level)
{
    if (o->num_compression_per_level == 0)
        return o->compression;
    size_t i = (size_t)level < o->num_compression_per_level ? (size_t)level
                                                            : o->num_compression_per_level - 1;
    return o->compression_per_level[i];
}

shale_options *shale_options_new(void)
{
    shale_options *o = malloc(sizeof *o);
    if (o != NULL)
        options_init(o);
    return o;
}

void shale_options_free(shale_options *o)
{
    options_deinit(o);
    free(o);
}

#define SETTER(name, type)                                      \
    void shale_options_set_##name(shale_options *o, type v) { o->name = v; }
SETTER(create_if_missing, bool)
SETTER(error_if_exists, bool)
SETTER(paranoid_checks, bool)
SETTER(allow_fallocate, bool)
SETTER(env, shale_env *)
SETTER(write_buffer_size, size_t)
SETTER(max_write_buffer_number, int)
SETTER(min_write_buffer_number_to_merge, int)
SETTER(level0_file_num_compaction_trigger, int)
SETTER(level0_slowdown_writes_trigger, int)
SETTER(level0_stop_writes_trigger, int)
SETTER(max_bytes_for_level_base, uint64_t)
SETTER(max_bytes_for_level_multiplier, double)
SETTER(target_file_size_base, uint64_t)
SETTER(target_file_size_multiplier, int)
SETTER(num_levels, int)
SETTER(max_background_jobs, int)
SETTER(max_open_files, int)
SETTER(disable_auto_compactions, bool)
SETTER(compression, int)
SETTER(cache_index_and_filter_blocks, bool)
SETTER(wal_recovery_mode, int)
SETTER(info_log_level, int)
#undef SETTER

void shale_options_set_compression_per_level(shale_options *o, const int *levels, size_t n)
{
    if (n > MAX_LEVELS)
        n = MAX_LEVELS;
    if (n > 0)
        memcpy(o->compression_per_level, levels, n * sizeof *levels);
    o->num_compression_per_level = n;
}

void shale_options_set_table_options(shale_options *o, const shale_table_options *t)
{
    o->table = *t;
}

void shale_options_set_block_cache(shale_options *o, shale_cache *c)
{
    block_cache *bc = c != NULL ? shale_cache_block_cache(c) : NULL;
    if (bc != NULL)
        bc_ref(bc);
    bc_unref(o->bcache);
    o->bcache = bc;
}

void shale_options_set_statistics(shale_options *o, shale_statistics *s)
{
    if (s != NULL)
        stats_ref(s);
    stats_unref(o->stats);
    o->stats = s;
}

/* Takes over the caller's reference (RocksDB's C API takes ownership). */
void shale_options_set_merge_operator(shale_options *o, shale_merge_operator *op)
{
    if (op == o->merge_operator)
        return;
    merge_op_unref(o->merge_operator);
    o->merge_operator = op;
}

void shale_options_set_max_successive_merges(shale_options *o, size_t v)
{
    o->max_successive_merges = v;
}

void shale_options_set_compaction_filter(shale_options *o, shale_compaction_filter *filter)
{
    o->compaction_filter = filter;
}

/* Takes over the caller's reference, as for merge operators. */
void shale_options_set_compaction_filter_factory(shale_options *o,
                                                 shale_compaction_filter_factory *factory)
{
    if (factory == o->compaction_filter_factory)
        return;
    cfilter_factory_unref(o->compaction_filter_factory);
    o->compaction_filter_factory = factory;
}

void shale_options_set_create_missing_column_families(shale_options *o, bool v)
{
    o->create_missing_column_families = v;
}

void read_options_init(shale_read_options *o)
{
    memset(o, 0, sizeof *o);
    o->verify_checksums = true;
    o->fill_cache = true;
}

void write_options_init(shale_write_options *o) { memset(o, 0, sizeof *o); }

shale_read_options *shale_read_options_new(void)
{
    shale_read_options *o = malloc(sizeof *o);
    if (o != NULL)
        read_options_init(o);
    return o;
}

void shale_read_options_free(shale_read_options *o)
{
    if (o == NULL)
        return;
    free(o->lower);
    free(o->upper);
    free(o);
}

void shale_read_options_set_snapshot(shale_read_options *o, const shale_snapshot *s)
{
    o->snapshot = s;
}

void shale_read_options_set_verify_checksums(shale_read_options *o, bool v)
{
    o->verify_checksums = v;
}

void shale_read_options_set_fill_cache(shale_read_options *o, bool v) { o->fill_cache = v; }

/* Replaces *dst with a copy of k (NULL clears).  On no memory the bound is
 * cleared: the caller sees an unbounded iterator, never a wrong bound. */
static void set_bound(char **dst, size_t *dst_len, const char *k, size_t n)
{
    free(*dst);
    *dst = NULL;
    *dst_len = 0;
    if (k == NULL)
        return;
    *dst = malloc(n == 0 ? 1 : n);
    if (*dst != NULL) {
        memcpy(*dst, k, n);
        *dst_len = n;
    }
}

void shale_read_options_set_iterate_lower_bound(shale_read_options *o, const char *k, size_t n)
{
    set_bound(&o->lower, &o->lower_len, k, n);
}

void shale_read_options_set_iterate_upper_bound(shale_read_options *o, const char *k, size_t n)
{
    set_bound(&o->upper, &o->upper_len, k, n);
}

shale_write_options *shale_write_options_new(void)
{
    shale_write_options *o = malloc(sizeof *o);
    if (o != NULL)
        write_options_init(o);
    return o;
}

void shale_write_options_free(shale_write_options *o) { free(o); }

void shale_write_options_set_sync(shale_write_options *o, bool v) { o->sync = v; }

void shale_write_options_set_disable_wal(shale_write_options *o, bool v) { o->disable_wal = v; }
