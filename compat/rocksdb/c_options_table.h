/* compat/rocksdb/c_options_table.h: the plain-valued options of RocksDB's
 * C API, one row each: X(name, setter type, getter type, RocksDB 7.8.3's
 * default, status).  c_options.c turns every row into a struct field, a
 * setter rocksdb_<object>_set_<name>() and a getter rocksdb_<object>_get_<name>();
 * build_tools/compat_table.py reads the status column:
 *   COMPAT_USED    passed to shale when a database opens (implemented)
 *   COMPAT_STORED  kept and returned by the getter; shale has no such
 *                  setting, so it has no effect (partial)
 * The defaults were read from Debian's librocksdb 7.8.3 getters. */
#ifndef COMPAT_ROCKSDB_C_OPTIONS_TABLE_H
#define COMPAT_ROCKSDB_C_OPTIONS_TABLE_H

#include <stdint.h>

/* rocksdb_options_t */
#define COMPAT_DB_OPTIONS(X) \
    X(allow_ingest_behind, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(create_if_missing, unsigned char, unsigned char, 0, COMPAT_USED) \
    X(create_missing_column_families, unsigned char, unsigned char, 0, COMPAT_USED) \
    X(error_if_exists, unsigned char, unsigned char, 0, COMPAT_USED) \
    X(paranoid_checks, unsigned char, unsigned char, 1, COMPAT_USED) \
    X(info_log_level, int, int, 0, COMPAT_USED) \
    X(write_buffer_size, size_t, size_t, 67108864, COMPAT_USED) \
    X(db_write_buffer_size, size_t, size_t, 0, COMPAT_STORED) \
    X(max_open_files, int, int, -1, COMPAT_USED) \
    X(max_file_opening_threads, int, int, 16, COMPAT_STORED) \
    X(max_total_wal_size, uint64_t, uint64_t, 0, COMPAT_STORED) \
    X(compression_options_zstd_max_train_bytes, int, int, 0, COMPAT_STORED) \
    X(compression_options_use_zstd_dict_trainer, unsigned char, unsigned char, 1, COMPAT_STORED) \
    X(compression_options_parallel_threads, int, int, 1, COMPAT_STORED) \
    X(compression_options_max_dict_buffer_bytes, uint64_t, uint64_t, 0, COMPAT_STORED) \
    X(num_levels, int, int, 7, COMPAT_USED) \
    X(level0_file_num_compaction_trigger, int, int, 4, COMPAT_USED) \
    X(level0_slowdown_writes_trigger, int, int, 20, COMPAT_USED) \
    X(level0_stop_writes_trigger, int, int, 36, COMPAT_USED) \
    X(target_file_size_base, uint64_t, uint64_t, 67108864, COMPAT_USED) \
    X(target_file_size_multiplier, int, int, 1, COMPAT_USED) \
    X(max_bytes_for_level_base, uint64_t, uint64_t, 268435456, COMPAT_USED) \
    X(level_compaction_dynamic_level_bytes, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(max_bytes_for_level_multiplier, double, double, 10.0, COMPAT_USED) \
    X(skip_stats_update_on_db_open, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(skip_checking_sst_file_sizes_on_db_open, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(enable_blob_files, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(min_blob_size, uint64_t, uint64_t, 0, COMPAT_STORED) \
    X(blob_file_size, uint64_t, uint64_t, 268435456, COMPAT_STORED) \
    X(blob_compression_type, int, int, 0, COMPAT_STORED) \
    X(enable_blob_gc, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(blob_gc_age_cutoff, double, double, 0.25, COMPAT_STORED) \
    X(blob_gc_force_threshold, double, double, 1.0, COMPAT_STORED) \
    X(blob_compaction_readahead_size, uint64_t, uint64_t, 0, COMPAT_STORED) \
    X(blob_file_starting_level, int, int, 0, COMPAT_STORED) \
    X(prepopulate_blob_cache, int, int, 0, COMPAT_STORED) \
    X(max_write_buffer_number, int, int, 2, COMPAT_USED) \
    X(min_write_buffer_number_to_merge, int, int, 1, COMPAT_USED) \
    X(max_write_buffer_number_to_maintain, int, int, 0, COMPAT_STORED) \
    X(max_write_buffer_size_to_maintain, int64_t, int64_t, 0, COMPAT_STORED) \
    X(enable_pipelined_write, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(unordered_write, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(max_subcompactions, uint32_t, uint32_t, 1, COMPAT_STORED) \
    X(max_background_jobs, int, int, 2, COMPAT_USED) \
    X(max_background_compactions, int, int, -1, COMPAT_STORED) \
    X(max_background_flushes, int, int, -1, COMPAT_STORED) \
    X(max_log_file_size, size_t, size_t, 0, COMPAT_STORED) \
    X(log_file_time_to_roll, size_t, size_t, 0, COMPAT_STORED) \
    X(keep_log_file_num, size_t, size_t, 1000, COMPAT_STORED) \
    X(recycle_log_file_num, size_t, size_t, 0, COMPAT_STORED) \
    X(soft_pending_compaction_bytes_limit, size_t, size_t, UINT64_C(68719476736), COMPAT_STORED) \
    X(hard_pending_compaction_bytes_limit, size_t, size_t, UINT64_C(274877906944), COMPAT_STORED) \
    X(max_manifest_file_size, size_t, size_t, 1073741824, COMPAT_STORED) \
    X(table_cache_numshardbits, int, int, 6, COMPAT_STORED) \
    X(arena_block_size, size_t, size_t, 0, COMPAT_STORED) \
    X(use_fsync, int, int, 0, COMPAT_STORED) \
    X(WAL_ttl_seconds, uint64_t, uint64_t, 0, COMPAT_STORED) \
    X(WAL_size_limit_MB, uint64_t, uint64_t, 0, COMPAT_STORED) \
    X(manifest_preallocation_size, size_t, size_t, 4194304, COMPAT_STORED) \
    X(allow_mmap_reads, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(allow_mmap_writes, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(use_direct_reads, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(use_direct_io_for_flush_and_compaction, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(is_fd_close_on_exec, unsigned char, unsigned char, 1, COMPAT_STORED) \
    X(stats_dump_period_sec, unsigned int, unsigned int, 600, COMPAT_STORED) \
    X(stats_persist_period_sec, unsigned int, unsigned int, 600, COMPAT_STORED) \
    X(advise_random_on_open, unsigned char, unsigned char, 1, COMPAT_STORED) \
    X(access_hint_on_compaction_start, int, int, 1, COMPAT_STORED) \
    X(use_adaptive_mutex, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(bytes_per_sync, uint64_t, uint64_t, 0, COMPAT_STORED) \
    X(wal_bytes_per_sync, uint64_t, uint64_t, 0, COMPAT_STORED) \
    X(writable_file_max_buffer_size, uint64_t, uint64_t, 1048576, COMPAT_STORED) \
    X(allow_concurrent_memtable_write, unsigned char, unsigned char, 1, COMPAT_STORED) \
    X(enable_write_thread_adaptive_yield, unsigned char, unsigned char, 1, COMPAT_STORED) \
    X(max_sequential_skip_in_iterations, uint64_t, uint64_t, 8, COMPAT_STORED) \
    X(disable_auto_compactions, int, unsigned char, 0, COMPAT_USED) \
    X(optimize_filters_for_hits, int, unsigned char, 0, COMPAT_STORED) \
    X(delete_obsolete_files_period_micros, uint64_t, uint64_t, UINT64_C(21600000000), COMPAT_STORED) \
    X(memtable_prefix_bloom_size_ratio, double, double, 0.0, COMPAT_STORED) \
    X(max_compaction_bytes, uint64_t, uint64_t, 0, COMPAT_STORED) \
    X(memtable_huge_page_size, size_t, size_t, 0, COMPAT_STORED) \
    X(max_successive_merges, size_t, size_t, 0, COMPAT_USED) \
    X(bloom_locality, uint32_t, uint32_t, 0, COMPAT_STORED) \
    X(inplace_update_support, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(inplace_update_num_locks, size_t, size_t, 10000, COMPAT_STORED) \
    X(report_bg_io_stats, int, unsigned char, 0, COMPAT_STORED) \
    X(avoid_unnecessary_blocking_io, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(experimental_mempurge_threshold, double, double, 0.0, COMPAT_STORED) \
    X(wal_recovery_mode, int, int, 2, COMPAT_USED) \
    X(compression, int, int, 1, COMPAT_USED) \
    X(bottommost_compression, int, int, 255, COMPAT_STORED) \
    X(compaction_style, int, int, 0, COMPAT_USED) \
    X(atomic_flush, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(manual_wal_flush, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(wal_compression, int, int, 0, COMPAT_STORED)

/* rocksdb_readoptions_t (snapshot and bounds are set by hand) */
#define COMPAT_READ_OPTIONS(X) \
    X(verify_checksums, unsigned char, unsigned char, 1, COMPAT_USED) \
    X(fill_cache, unsigned char, unsigned char, 1, COMPAT_USED) \
    X(read_tier, int, int, 0, COMPAT_STORED) \
    X(tailing, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(readahead_size, size_t, size_t, 0, COMPAT_STORED) \
    X(prefix_same_as_start, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(pin_data, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(total_order_seek, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(max_skippable_internal_keys, uint64_t, uint64_t, 0, COMPAT_STORED) \
    X(background_purge_on_iterator_cleanup, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(ignore_range_deletions, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(deadline, uint64_t, uint64_t, 0, COMPAT_STORED) \
    X(io_timeout, uint64_t, uint64_t, 0, COMPAT_STORED)

/* rocksdb_writeoptions_t (disable_WAL has an irregular setter name) */
#define COMPAT_WRITE_OPTIONS(X) \
    X(sync, unsigned char, unsigned char, 0, COMPAT_USED) \
    X(ignore_missing_column_families, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(no_slowdown, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(low_pri, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(memtable_insert_hint_per_batch, unsigned char, unsigned char, 0, COMPAT_STORED)

/* rocksdb_compactoptions_t */
#define COMPAT_COMPACT_OPTIONS(X) \
    X(exclusive_manual_compaction, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(bottommost_level_compaction, unsigned char, unsigned char, 1, COMPAT_STORED) \
    X(change_level, unsigned char, unsigned char, 0, COMPAT_STORED) \
    X(target_level, int, int, -1, COMPAT_STORED)

#endif
