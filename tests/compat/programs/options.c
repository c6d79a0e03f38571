/* tests/compat/programs/options.c: option objects: RocksDB's defaults as
 * the getters report them, values read back after setting, copies, and a
 * database opened with non-default options. */
#include <inttypes.h>

#include "prog_util.h"

#define PRINT_I(obj, name) printf(#name " = %lld\n", (long long)rocksdb_##obj##_get_##name(o))
#define PRINT_U(obj, name) \
    printf(#name " = %llu\n", (unsigned long long)rocksdb_##obj##_get_##name(o))
#define PRINT_D(obj, name) printf(#name " = %.6g\n", (double)rocksdb_##obj##_get_##name(o))

static void print_db_options(rocksdb_options_t *o)
{
    PRINT_I(options, create_if_missing); PRINT_I(options, create_missing_column_families);
    PRINT_I(options, error_if_exists); PRINT_I(options, paranoid_checks);
    PRINT_I(options, info_log_level); PRINT_U(options, write_buffer_size);
    PRINT_U(options, db_write_buffer_size); PRINT_I(options, max_open_files);
    PRINT_I(options, max_file_opening_threads); PRINT_U(options, max_total_wal_size);
    PRINT_I(options, num_levels); PRINT_I(options, level0_file_num_compaction_trigger);
    PRINT_I(options, level0_slowdown_writes_trigger); PRINT_I(options, level0_stop_writes_trigger);
    PRINT_U(options, target_file_size_base); PRINT_I(options, target_file_size_multiplier);
    PRINT_U(options, max_bytes_for_level_base);
    PRINT_I(options, level_compaction_dynamic_level_bytes);
    PRINT_D(options, max_bytes_for_level_multiplier); PRINT_I(options, enable_blob_files);
    PRINT_U(options, blob_file_size); PRINT_D(options, blob_gc_age_cutoff);
    PRINT_I(options, max_write_buffer_number); PRINT_I(options, min_write_buffer_number_to_merge);
    PRINT_I(options, max_write_buffer_number_to_maintain); PRINT_U(options, max_subcompactions);
    PRINT_I(options, max_background_jobs); PRINT_I(options, max_background_compactions);
    PRINT_I(options, max_background_flushes); PRINT_U(options, keep_log_file_num);
    PRINT_U(options, soft_pending_compaction_bytes_limit);
    PRINT_U(options, hard_pending_compaction_bytes_limit); PRINT_U(options, max_manifest_file_size);
    PRINT_I(options, table_cache_numshardbits); PRINT_I(options, use_fsync);
    PRINT_U(options, manifest_preallocation_size); PRINT_I(options, allow_mmap_reads);
    PRINT_I(options, use_direct_reads); PRINT_I(options, is_fd_close_on_exec);
    PRINT_U(options, stats_dump_period_sec); PRINT_I(options, advise_random_on_open);
    PRINT_U(options, bytes_per_sync); PRINT_U(options, writable_file_max_buffer_size);
    PRINT_I(options, allow_concurrent_memtable_write);
    PRINT_U(options, max_sequential_skip_in_iterations);
    PRINT_I(options, disable_auto_compactions); PRINT_I(options, optimize_filters_for_hits);
    PRINT_U(options, delete_obsolete_files_period_micros); PRINT_U(options, max_compaction_bytes);
    PRINT_U(options, max_successive_merges); PRINT_U(options, inplace_update_num_locks);
    PRINT_I(options, wal_recovery_mode); PRINT_I(options, compression);
    PRINT_I(options, bottommost_compression); PRINT_I(options, compaction_style);
    PRINT_I(options, atomic_flush); PRINT_I(options, manual_wal_flush);
    PRINT_I(options, wal_compression); PRINT_U(options, compaction_readahead_size);
}

static void set_db_options(rocksdb_options_t *o)
{
    rocksdb_options_set_create_if_missing(o, 7);   /* booleans read back as 1 */
    rocksdb_options_set_paranoid_checks(o, 0);
    rocksdb_options_set_write_buffer_size(o, 1 << 20);
    rocksdb_options_set_max_open_files(o, 100);
    rocksdb_options_set_num_levels(o, 5);
    rocksdb_options_set_level0_file_num_compaction_trigger(o, 8);
    rocksdb_options_set_target_file_size_base(o, 4u << 20);
    rocksdb_options_set_max_bytes_for_level_multiplier(o, 8.5);
    rocksdb_options_set_max_write_buffer_number(o, 3);
    rocksdb_options_set_max_background_jobs(o, 4);
    rocksdb_options_set_disable_auto_compactions(o, 2);
    rocksdb_options_set_max_successive_merges(o, 5);
    rocksdb_options_set_wal_recovery_mode(o, rocksdb_absolute_consistency_recovery);
    rocksdb_options_set_compression(o, rocksdb_no_compression);
    rocksdb_options_set_compaction_style(o, rocksdb_level_compaction);
    rocksdb_options_set_blob_gc_age_cutoff(o, 0.5);
    rocksdb_options_set_keep_log_file_num(o, 3);
    rocksdb_options_compaction_readahead_size(o, 1 << 16);
}

static void print_read_write_options(void)
{
    rocksdb_readoptions_t *o = rocksdb_readoptions_create();
    PRINT_I(readoptions, verify_checksums); PRINT_I(readoptions, fill_cache);
    PRINT_I(readoptions, read_tier); PRINT_I(readoptions, tailing);
    PRINT_U(readoptions, readahead_size); PRINT_I(readoptions, total_order_seek);
    PRINT_U(readoptions, max_skippable_internal_keys); PRINT_U(readoptions, deadline);
    rocksdb_readoptions_set_fill_cache(o, 0);
    rocksdb_readoptions_set_readahead_size(o, 4096);
    PRINT_I(readoptions, fill_cache); PRINT_U(readoptions, readahead_size);
    rocksdb_readoptions_destroy(o);

    rocksdb_writeoptions_t *w = rocksdb_writeoptions_create();
    printf("sync = %d disableWAL = %d no_slowdown = %d\n", rocksdb_writeoptions_get_sync(w),
           rocksdb_writeoptions_get_disable_WAL(w), rocksdb_writeoptions_get_no_slowdown(w));
    rocksdb_writeoptions_set_sync(w, 1);
    rocksdb_writeoptions_disable_WAL(w, 1);
    printf("sync = %d disableWAL = %d\n", rocksdb_writeoptions_get_sync(w),
           rocksdb_writeoptions_get_disable_WAL(w));
    rocksdb_writeoptions_destroy(w);
}

static void print_misc_options(void)
{
    rocksdb_flushoptions_t *f = rocksdb_flushoptions_create();
    printf("flush wait = %d\n", rocksdb_flushoptions_get_wait(f));
    rocksdb_flushoptions_destroy(f);
    rocksdb_compactoptions_t *c = rocksdb_compactoptions_create();
    printf("compact exclusive = %d bottommost = %d change_level = %d target_level = %d\n",
           rocksdb_compactoptions_get_exclusive_manual_compaction(c),
           rocksdb_compactoptions_get_bottommost_level_compaction(c),
           rocksdb_compactoptions_get_change_level(c), rocksdb_compactoptions_get_target_level(c));
    rocksdb_compactoptions_destroy(c);
    rocksdb_universal_compaction_options_t *u = rocksdb_universal_compaction_options_create();
    printf("universal size_ratio = %d min_merge_width = %d max_merge_width = %d amp = %d "
           "compression_size_percent = %d stop_style = %d\n",
           rocksdb_universal_compaction_options_get_size_ratio(u),
           rocksdb_universal_compaction_options_get_min_merge_width(u),
           rocksdb_universal_compaction_options_get_max_merge_width(u),
           rocksdb_universal_compaction_options_get_max_size_amplification_percent(u),
           rocksdb_universal_compaction_options_get_compression_size_percent(u),
           rocksdb_universal_compaction_options_get_stop_style(u));
    rocksdb_universal_compaction_options_destroy(u);
    rocksdb_fifo_compaction_options_t *fi = rocksdb_fifo_compaction_options_create();
    printf("fifo max_table_files_size = %" PRIu64 "\n",
           rocksdb_fifo_compaction_options_get_max_table_files_size(fi));
    rocksdb_fifo_compaction_options_destroy(fi);
}

/* A database opened with small buffers, a Bloom filter and an LRU cache. */
static void open_configured(const char *dir)
{
    char path[4096];
    join_path(path, sizeof path, dir, "db");
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_write_buffer_size(o, 256 << 10);
    rocksdb_options_set_compression(o, rocksdb_no_compression);
    rocksdb_options_increase_parallelism(o, 2);
    rocksdb_block_based_table_options_t *t = rocksdb_block_based_options_create();
    rocksdb_cache_t *cache = rocksdb_cache_create_lru(1 << 20);
    rocksdb_block_based_options_set_block_size(t, 1024);
    rocksdb_block_based_options_set_filter_policy(t, rocksdb_filterpolicy_create_bloom_full(10));
    rocksdb_block_based_options_set_block_cache(t, cache);
    rocksdb_options_set_block_based_table_factory(o, t);
    rocksdb_block_based_options_destroy(t);
    printf("cache capacity = %zu\n", rocksdb_cache_get_capacity(cache));
    rocksdb_cache_set_capacity(cache, 2 << 20);
    printf("cache capacity after set = %zu\n", rocksdb_cache_get_capacity(cache));
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, path, &err);
    report("open with configured options", &err);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_put(db, wo, "k", 1, "v", 1, &err);
    report("put", &err);
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flush(db, fo, &err);
    report("flush", &err);
    print_get(db, ro, "k");
    print_get(db, ro, "absent");
    rocksdb_flushoptions_destroy(fo);
    rocksdb_readoptions_destroy(ro);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_cache_destroy(cache);
    rocksdb_options_destroy(o);
}

int main(int argc, char **argv)
{
    const char *dir = work_dir(argc, argv);
    rocksdb_options_t *o = rocksdb_options_create();
    printf("-- defaults\n");
    print_db_options(o);
    set_db_options(o);
    printf("-- after setting\n");
    print_db_options(o);
    rocksdb_options_t *copy = rocksdb_options_create_copy(o);
    rocksdb_options_destroy(o);
    printf("-- copy\n");
    o = copy;
    print_db_options(o);
    rocksdb_options_destroy(o);
    printf("-- read and write options\n");
    print_read_write_options();
    print_misc_options();
    open_configured(dir);
    return 0;
}
