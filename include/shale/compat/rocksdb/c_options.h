/* include/shale/compat/rocksdb/c_options.h: part of rocksdb/c.h (RocksDB 7.8.3's C API
 * over shale): database and column family options, rate limiter, performance context, compaction filters, comparators, filter policies, merge operators.
 * Included by rocksdb/c.h only, after its types and ROCKSDB_LIBRARY_API. */
#ifndef SHALE_COMPAT_ROCKSDB_C_OPTIONS_H
#define SHALE_COMPAT_ROCKSDB_C_OPTIONS_H
#ifndef SHALE_COMPAT_ROCKSDB_C_H
#error "include <rocksdb/c.h>, not this file"
#endif

/* ---- Database and column family options ------------------------------------- */
/* Plain data: copied when a database opens.  Setters take the value,
 * getters return what was set (or the default). */
enum {
    rocksdb_prepopulate_blob_disable = 0,
    rocksdb_prepopulate_blob_flush_only = 1,
};
enum {
    rocksdb_tolerate_corrupted_tail_records_recovery = 0,
    rocksdb_absolute_consistency_recovery = 1,
    rocksdb_point_in_time_recovery = 2,
    rocksdb_skip_any_corrupted_records_recovery = 3,
};
enum {
    rocksdb_no_compression = 0,
    rocksdb_snappy_compression = 1,
    rocksdb_zlib_compression = 2,
    rocksdb_bz2_compression = 3,
    rocksdb_lz4_compression = 4,
    rocksdb_lz4hc_compression = 5,
    rocksdb_xpress_compression = 6,
    rocksdb_zstd_compression = 7,
};
enum {
    rocksdb_level_compaction = 0,
    rocksdb_universal_compaction = 1,
    rocksdb_fifo_compaction = 2,
};
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_block_based_table_factory(
    rocksdb_options_t *opt, rocksdb_block_based_table_options_t *table_options);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_cuckoo_table_factory(
    rocksdb_options_t *opt, rocksdb_cuckoo_table_options_t *table_options);
extern ROCKSDB_LIBRARY_API rocksdb_options_t *rocksdb_options_create(void);
extern ROCKSDB_LIBRARY_API void rocksdb_options_destroy(rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API rocksdb_options_t *rocksdb_options_create_copy(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_increase_parallelism(
    rocksdb_options_t *opt, int total_threads);
extern ROCKSDB_LIBRARY_API void rocksdb_options_optimize_for_point_lookup(
    rocksdb_options_t *opt, uint64_t block_cache_size_mb);
extern ROCKSDB_LIBRARY_API void rocksdb_options_optimize_level_style_compaction(
    rocksdb_options_t *opt, uint64_t memtable_memory_budget);
extern ROCKSDB_LIBRARY_API void rocksdb_options_optimize_universal_style_compaction(
    rocksdb_options_t *opt, uint64_t memtable_memory_budget);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_allow_ingest_behind(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_allow_ingest_behind(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_compaction_filter(
    rocksdb_options_t *, rocksdb_compactionfilter_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_compaction_filter_factory(
    rocksdb_options_t *, rocksdb_compactionfilterfactory_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_compaction_readahead_size(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_compaction_readahead_size(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_comparator(
    rocksdb_options_t *, rocksdb_comparator_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_merge_operator(
    rocksdb_options_t *, rocksdb_mergeoperator_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_uint64add_merge_operator(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_compression_per_level(
    rocksdb_options_t *opt, const int *level_values, size_t num_levels);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_create_if_missing(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_create_if_missing(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_error_if_exists(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_error_if_exists(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_paranoid_checks(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_paranoid_checks(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_db_paths(
    rocksdb_options_t *, const rocksdb_dbpath_t **path_values, size_t num_paths);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_env(
    rocksdb_options_t *, rocksdb_env_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_info_log(
    rocksdb_options_t *, rocksdb_logger_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_info_log_level(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_info_log_level(rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_write_buffer_size(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_write_buffer_size(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_db_write_buffer_size(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_db_write_buffer_size(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_open_files(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_max_open_files(rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_file_opening_threads(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_max_file_opening_threads(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_total_wal_size(
    rocksdb_options_t *opt, uint64_t n);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_max_total_wal_size(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_compression_options(
    rocksdb_options_t *, int, int, int, int);
extern ROCKSDB_LIBRARY_API void
rocksdb_options_set_compression_options_zstd_max_train_bytes(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int
rocksdb_options_get_compression_options_zstd_max_train_bytes(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void
rocksdb_options_set_compression_options_use_zstd_dict_trainer(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_options_get_compression_options_use_zstd_dict_trainer(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_compression_options_parallel_threads(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_compression_options_parallel_threads(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void
rocksdb_options_set_compression_options_max_dict_buffer_bytes(
    rocksdb_options_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t
rocksdb_options_get_compression_options_max_dict_buffer_bytes(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_bottommost_compression_options(
    rocksdb_options_t *, int, int, int, int, unsigned char);
extern ROCKSDB_LIBRARY_API void
rocksdb_options_set_bottommost_compression_options_zstd_max_train_bytes(
    rocksdb_options_t *, int, unsigned char);
extern ROCKSDB_LIBRARY_API void
rocksdb_options_set_bottommost_compression_options_use_zstd_dict_trainer(
    rocksdb_options_t *, unsigned char, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_options_get_bottommost_compression_options_use_zstd_dict_trainer(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void
rocksdb_options_set_bottommost_compression_options_max_dict_buffer_bytes(
    rocksdb_options_t *, uint64_t, unsigned char);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_prefix_extractor(
    rocksdb_options_t *, rocksdb_slicetransform_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_num_levels(rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_num_levels(rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_level0_file_num_compaction_trigger(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_level0_file_num_compaction_trigger(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_level0_slowdown_writes_trigger(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_level0_slowdown_writes_trigger(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_level0_stop_writes_trigger(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_level0_stop_writes_trigger(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_target_file_size_base(
    rocksdb_options_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_target_file_size_base(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_target_file_size_multiplier(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_target_file_size_multiplier(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_bytes_for_level_base(
    rocksdb_options_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_max_bytes_for_level_base(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_level_compaction_dynamic_level_bytes(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_options_get_level_compaction_dynamic_level_bytes(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_bytes_for_level_multiplier(
    rocksdb_options_t *, double);
extern ROCKSDB_LIBRARY_API double rocksdb_options_get_max_bytes_for_level_multiplier(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void
rocksdb_options_set_max_bytes_for_level_multiplier_additional(
    rocksdb_options_t *, int *level_values, size_t num_levels);
extern ROCKSDB_LIBRARY_API void rocksdb_options_enable_statistics(rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_skip_stats_update_on_db_open(
    rocksdb_options_t *opt, unsigned char val);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_skip_stats_update_on_db_open(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void
rocksdb_options_set_skip_checking_sst_file_sizes_on_db_open(
    rocksdb_options_t *opt, unsigned char val);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_options_get_skip_checking_sst_file_sizes_on_db_open(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_enable_blob_files(
    rocksdb_options_t *opt, unsigned char val);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_enable_blob_files(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_min_blob_size(
    rocksdb_options_t *opt, uint64_t val);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_min_blob_size(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_blob_file_size(
    rocksdb_options_t *opt, uint64_t val);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_blob_file_size(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_blob_compression_type(
    rocksdb_options_t *opt, int val);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_blob_compression_type(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_enable_blob_gc(
    rocksdb_options_t *opt, unsigned char val);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_enable_blob_gc(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_blob_gc_age_cutoff(
    rocksdb_options_t *opt, double val);
extern ROCKSDB_LIBRARY_API double rocksdb_options_get_blob_gc_age_cutoff(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_blob_gc_force_threshold(
    rocksdb_options_t *opt, double val);
extern ROCKSDB_LIBRARY_API double rocksdb_options_get_blob_gc_force_threshold(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_blob_compaction_readahead_size(
    rocksdb_options_t *opt, uint64_t val);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_blob_compaction_readahead_size(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_blob_file_starting_level(
    rocksdb_options_t *opt, int val);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_blob_file_starting_level(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_blob_cache(
    rocksdb_options_t *opt, rocksdb_cache_t *blob_cache);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_prepopulate_blob_cache(
    rocksdb_options_t *opt, int val);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_prepopulate_blob_cache(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API char *rocksdb_options_statistics_get_string(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_write_buffer_number(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_max_write_buffer_number(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_min_write_buffer_number_to_merge(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_min_write_buffer_number_to_merge(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_write_buffer_number_to_maintain(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_max_write_buffer_number_to_maintain(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_write_buffer_size_to_maintain(
    rocksdb_options_t *, int64_t);
extern ROCKSDB_LIBRARY_API int64_t rocksdb_options_get_max_write_buffer_size_to_maintain(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_enable_pipelined_write(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_enable_pipelined_write(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_unordered_write(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_unordered_write(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_subcompactions(
    rocksdb_options_t *, uint32_t);
extern ROCKSDB_LIBRARY_API uint32_t rocksdb_options_get_max_subcompactions(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_background_jobs(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_max_background_jobs(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_background_compactions(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_max_background_compactions(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_background_flushes(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_max_background_flushes(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_log_file_size(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_max_log_file_size(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_log_file_time_to_roll(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_log_file_time_to_roll(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_keep_log_file_num(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_keep_log_file_num(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_recycle_log_file_num(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_recycle_log_file_num(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_soft_pending_compaction_bytes_limit(
    rocksdb_options_t *opt, size_t v);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_soft_pending_compaction_bytes_limit(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_hard_pending_compaction_bytes_limit(
    rocksdb_options_t *opt, size_t v);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_hard_pending_compaction_bytes_limit(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_manifest_file_size(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_max_manifest_file_size(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_table_cache_numshardbits(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_table_cache_numshardbits(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_arena_block_size(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_arena_block_size(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_use_fsync(rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_use_fsync(rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_db_log_dir(
    rocksdb_options_t *, const char *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_wal_dir(
    rocksdb_options_t *, const char *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_WAL_ttl_seconds(
    rocksdb_options_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_WAL_ttl_seconds(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_WAL_size_limit_MB(
    rocksdb_options_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_WAL_size_limit_MB(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_manifest_preallocation_size(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_manifest_preallocation_size(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_allow_mmap_reads(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_allow_mmap_reads(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_allow_mmap_writes(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_allow_mmap_writes(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_use_direct_reads(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_use_direct_reads(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void
rocksdb_options_set_use_direct_io_for_flush_and_compaction(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_options_get_use_direct_io_for_flush_and_compaction(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_is_fd_close_on_exec(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_is_fd_close_on_exec(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_stats_dump_period_sec(
    rocksdb_options_t *, unsigned int);
extern ROCKSDB_LIBRARY_API unsigned int rocksdb_options_get_stats_dump_period_sec(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_stats_persist_period_sec(
    rocksdb_options_t *, unsigned int);
extern ROCKSDB_LIBRARY_API unsigned int rocksdb_options_get_stats_persist_period_sec(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_advise_random_on_open(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_advise_random_on_open(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_access_hint_on_compaction_start(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_access_hint_on_compaction_start(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_use_adaptive_mutex(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_use_adaptive_mutex(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_bytes_per_sync(
    rocksdb_options_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_bytes_per_sync(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_wal_bytes_per_sync(
    rocksdb_options_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_wal_bytes_per_sync(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_writable_file_max_buffer_size(
    rocksdb_options_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_writable_file_max_buffer_size(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_allow_concurrent_memtable_write(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_options_get_allow_concurrent_memtable_write(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_enable_write_thread_adaptive_yield(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_options_get_enable_write_thread_adaptive_yield(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_sequential_skip_in_iterations(
    rocksdb_options_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_max_sequential_skip_in_iterations(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_disable_auto_compactions(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_disable_auto_compactions(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_optimize_filters_for_hits(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_optimize_filters_for_hits(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_delete_obsolete_files_period_micros(
    rocksdb_options_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t
rocksdb_options_get_delete_obsolete_files_period_micros(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_prepare_for_bulk_load(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_memtable_vector_rep(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_memtable_prefix_bloom_size_ratio(
    rocksdb_options_t *, double);
extern ROCKSDB_LIBRARY_API double rocksdb_options_get_memtable_prefix_bloom_size_ratio(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_compaction_bytes(
    rocksdb_options_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_options_get_max_compaction_bytes(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_hash_skip_list_rep(
    rocksdb_options_t *, size_t, int32_t, int32_t);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_hash_link_list_rep(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_plain_table_factory(
    rocksdb_options_t *, uint32_t, int, double, size_t);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_min_level_to_compress(
    rocksdb_options_t *opt, int level);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_memtable_huge_page_size(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_memtable_huge_page_size(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_max_successive_merges(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_max_successive_merges(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_bloom_locality(
    rocksdb_options_t *, uint32_t);
extern ROCKSDB_LIBRARY_API uint32_t rocksdb_options_get_bloom_locality(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_inplace_update_support(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_inplace_update_support(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_inplace_update_num_locks(
    rocksdb_options_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_options_get_inplace_update_num_locks(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_report_bg_io_stats(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_report_bg_io_stats(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_avoid_unnecessary_blocking_io(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_options_get_avoid_unnecessary_blocking_io(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_experimental_mempurge_threshold(
    rocksdb_options_t *, double);
extern ROCKSDB_LIBRARY_API double rocksdb_options_get_experimental_mempurge_threshold(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_wal_recovery_mode(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_wal_recovery_mode(rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_compression(rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_compression(rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_bottommost_compression(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_bottommost_compression(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_compaction_style(
    rocksdb_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_compaction_style(rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_universal_compaction_options(
    rocksdb_options_t *, rocksdb_universal_compaction_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_fifo_compaction_options(
    rocksdb_options_t *opt, rocksdb_fifo_compaction_options_t *fifo);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_ratelimiter(
    rocksdb_options_t *opt, rocksdb_ratelimiter_t *limiter);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_atomic_flush(
    rocksdb_options_t *opt, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_atomic_flush(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_row_cache(
    rocksdb_options_t *opt, rocksdb_cache_t *cache);
extern ROCKSDB_LIBRARY_API void rocksdb_options_add_compact_on_deletion_collector_factory(
    rocksdb_options_t *, size_t window_size, size_t num_dels_trigger);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_manual_wal_flush(
    rocksdb_options_t *opt, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_options_get_manual_wal_flush(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_wal_compression(
    rocksdb_options_t *opt, int);
extern ROCKSDB_LIBRARY_API int rocksdb_options_get_wal_compression(
    rocksdb_options_t *opt);
extern ROCKSDB_LIBRARY_API rocksdb_dbpath_t *rocksdb_dbpath_create(
    const char *path, uint64_t target_size);
extern ROCKSDB_LIBRARY_API void rocksdb_dbpath_destroy(rocksdb_dbpath_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_dump_malloc_stats(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_memtable_whole_key_filtering(
    rocksdb_options_t *, unsigned char);

/* ---- Rate limiter ----------------------------------------------------------- */
extern ROCKSDB_LIBRARY_API rocksdb_ratelimiter_t *rocksdb_ratelimiter_create(
    int64_t rate_bytes_per_sec, int64_t refill_period_us, int32_t fairness);
extern ROCKSDB_LIBRARY_API void rocksdb_ratelimiter_destroy(rocksdb_ratelimiter_t *);

/* ---- Performance context ---------------------------------------------------- */
/* Per-thread counters of the last operations. */
enum {
    rocksdb_uninitialized = 0,
    rocksdb_disable = 1,
    rocksdb_enable_count = 2,
    rocksdb_enable_time_except_for_mutex = 3,
    rocksdb_enable_time = 4,
    rocksdb_out_of_bounds = 5,
};
enum {
    rocksdb_user_key_comparison_count = 0,
    rocksdb_block_cache_hit_count = 1,
    rocksdb_block_read_count = 2,
    rocksdb_block_read_byte = 3,
    rocksdb_block_read_time = 4,
    rocksdb_block_checksum_time = 5,
    rocksdb_block_decompress_time = 6,
    rocksdb_get_read_bytes = 7,
    rocksdb_multiget_read_bytes = 8,
    rocksdb_iter_read_bytes = 9,
    rocksdb_internal_key_skipped_count = 10,
    rocksdb_internal_delete_skipped_count = 11,
    rocksdb_internal_recent_skipped_count = 12,
    rocksdb_internal_merge_count = 13,
    rocksdb_get_snapshot_time = 14,
    rocksdb_get_from_memtable_time = 15,
    rocksdb_get_from_memtable_count = 16,
    rocksdb_get_post_process_time = 17,
    rocksdb_get_from_output_files_time = 18,
    rocksdb_seek_on_memtable_time = 19,
    rocksdb_seek_on_memtable_count = 20,
    rocksdb_next_on_memtable_count = 21,
    rocksdb_prev_on_memtable_count = 22,
    rocksdb_seek_child_seek_time = 23,
    rocksdb_seek_child_seek_count = 24,
    rocksdb_seek_min_heap_time = 25,
    rocksdb_seek_max_heap_time = 26,
    rocksdb_seek_internal_seek_time = 27,
    rocksdb_find_next_user_entry_time = 28,
    rocksdb_write_wal_time = 29,
    rocksdb_write_memtable_time = 30,
    rocksdb_write_delay_time = 31,
    rocksdb_write_pre_and_post_process_time = 32,
    rocksdb_db_mutex_lock_nanos = 33,
    rocksdb_db_condition_wait_nanos = 34,
    rocksdb_merge_operator_time_nanos = 35,
    rocksdb_read_index_block_nanos = 36,
    rocksdb_read_filter_block_nanos = 37,
    rocksdb_new_table_block_iter_nanos = 38,
    rocksdb_new_table_iterator_nanos = 39,
    rocksdb_block_seek_nanos = 40,
    rocksdb_find_table_nanos = 41,
    rocksdb_bloom_memtable_hit_count = 42,
    rocksdb_bloom_memtable_miss_count = 43,
    rocksdb_bloom_sst_hit_count = 44,
    rocksdb_bloom_sst_miss_count = 45,
    rocksdb_key_lock_wait_time = 46,
    rocksdb_key_lock_wait_count = 47,
    rocksdb_env_new_sequential_file_nanos = 48,
    rocksdb_env_new_random_access_file_nanos = 49,
    rocksdb_env_new_writable_file_nanos = 50,
    rocksdb_env_reuse_writable_file_nanos = 51,
    rocksdb_env_new_random_rw_file_nanos = 52,
    rocksdb_env_new_directory_nanos = 53,
    rocksdb_env_file_exists_nanos = 54,
    rocksdb_env_get_children_nanos = 55,
    rocksdb_env_get_children_file_attributes_nanos = 56,
    rocksdb_env_delete_file_nanos = 57,
    rocksdb_env_create_dir_nanos = 58,
    rocksdb_env_create_dir_if_missing_nanos = 59,
    rocksdb_env_delete_dir_nanos = 60,
    rocksdb_env_get_file_size_nanos = 61,
    rocksdb_env_get_file_modification_time_nanos = 62,
    rocksdb_env_rename_file_nanos = 63,
    rocksdb_env_link_file_nanos = 64,
    rocksdb_env_lock_file_nanos = 65,
    rocksdb_env_unlock_file_nanos = 66,
    rocksdb_env_new_logger_nanos = 67,
    rocksdb_number_async_seek = 68,
    rocksdb_blob_cache_hit_count = 69,
    rocksdb_blob_read_count = 70,
    rocksdb_blob_read_byte = 71,
    rocksdb_blob_read_time = 72,
    rocksdb_blob_checksum_time = 73,
    rocksdb_blob_decompress_time = 74,
    rocksdb_internal_range_del_reseek_count = 75,
    rocksdb_total_metric_count = 78,
};
extern ROCKSDB_LIBRARY_API void rocksdb_set_perf_level(int);
extern ROCKSDB_LIBRARY_API rocksdb_perfcontext_t *rocksdb_perfcontext_create(void);
extern ROCKSDB_LIBRARY_API void rocksdb_perfcontext_reset(rocksdb_perfcontext_t *context);
extern ROCKSDB_LIBRARY_API char *rocksdb_perfcontext_report(
    rocksdb_perfcontext_t *context, unsigned char exclude_zero_counters);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_perfcontext_metric(
    rocksdb_perfcontext_t *context, int metric);
extern ROCKSDB_LIBRARY_API void rocksdb_perfcontext_destroy(
    rocksdb_perfcontext_t *context);

/* ---- Compaction filters ----------------------------------------------------- */
/* Callbacks as (state, destructor, function, name). */
extern ROCKSDB_LIBRARY_API rocksdb_compactionfilter_t *rocksdb_compactionfilter_create(
    void *state, void (*destructor)(void *),
    unsigned char (*filter)(
        void *, int level, const char *key, size_t key_length,
        const char *existing_value, size_t value_length, char **new_value,
        size_t *new_value_length, unsigned char *value_changed),
    const char *(*name)(void *));
extern ROCKSDB_LIBRARY_API void rocksdb_compactionfilter_set_ignore_snapshots(
    rocksdb_compactionfilter_t *, unsigned char);
extern ROCKSDB_LIBRARY_API void rocksdb_compactionfilter_destroy(
    rocksdb_compactionfilter_t *);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_compactionfiltercontext_is_full_compaction(
    rocksdb_compactionfiltercontext_t *context);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_compactionfiltercontext_is_manual_compaction(
    rocksdb_compactionfiltercontext_t *context);
extern ROCKSDB_LIBRARY_API rocksdb_compactionfilterfactory_t *
rocksdb_compactionfilterfactory_create(
    void *state, void (*destructor)(void *),
    rocksdb_compactionfilter_t *(*create_compaction_filter)(
        void *, rocksdb_compactionfiltercontext_t *context),
    const char *(*name)(void *));
extern ROCKSDB_LIBRARY_API void rocksdb_compactionfilterfactory_destroy(
    rocksdb_compactionfilterfactory_t *);

/* ---- Comparators ------------------------------------------------------------ */
/* Custom key orders. */
extern ROCKSDB_LIBRARY_API rocksdb_comparator_t *rocksdb_comparator_create(
    void *state, void (*destructor)(void *),
    int (*compare)(void *, const char *a, size_t alen, const char *b, size_t blen),
    const char *(*name)(void *));
extern ROCKSDB_LIBRARY_API void rocksdb_comparator_destroy(rocksdb_comparator_t *);
extern ROCKSDB_LIBRARY_API rocksdb_comparator_t *rocksdb_comparator_with_ts_create(
    void *state, void (*destructor)(void *),
    int (*compare)(void *, const char *a, size_t alen, const char *b, size_t blen),
    int (*compare_ts)(
        void *, const char *a_ts, size_t a_tslen, const char *b_ts, size_t b_tslen),
    int (*compare_without_ts)(
        void *, const char *a, size_t alen, unsigned char a_has_ts, const char *b,
        size_t blen, unsigned char b_has_ts),
    const char *(*name)(void *), size_t timestamp_size);

/* ---- Filter policies -------------------------------------------------------- */
/* Bloom and Ribbon filters for block-based tables. */
extern ROCKSDB_LIBRARY_API void rocksdb_filterpolicy_destroy(rocksdb_filterpolicy_t *);
extern ROCKSDB_LIBRARY_API rocksdb_filterpolicy_t *rocksdb_filterpolicy_create_bloom(
    double bits_per_key);
extern ROCKSDB_LIBRARY_API rocksdb_filterpolicy_t *rocksdb_filterpolicy_create_bloom_full(
    double bits_per_key);
extern ROCKSDB_LIBRARY_API rocksdb_filterpolicy_t *rocksdb_filterpolicy_create_ribbon(
    double bloom_equivalent_bits_per_key);
extern ROCKSDB_LIBRARY_API rocksdb_filterpolicy_t *
rocksdb_filterpolicy_create_ribbon_hybrid(
    double bloom_equivalent_bits_per_key, int bloom_before_level);

/* ---- Merge operators -------------------------------------------------------- */
/* Callbacks as (state, destructor, full merge, partial merge, delete
 * value, name). */
extern ROCKSDB_LIBRARY_API rocksdb_mergeoperator_t *rocksdb_mergeoperator_create(
    void *state, void (*destructor)(void *),
    char *(*full_merge)(
        void *, const char *key, size_t key_length, const char *existing_value,
        size_t existing_value_length, const char *const *operands_list,
        const size_t *operands_list_length, int num_operands, unsigned char *success,
        size_t *new_value_length),
    char *(*partial_merge)(
        void *, const char *key, size_t key_length, const char *const *operands_list,
        const size_t *operands_list_length, int num_operands, unsigned char *success,
        size_t *new_value_length),
    void (*delete_value)(void *, const char *value, size_t value_length),
    const char *(*name)(void *));
extern ROCKSDB_LIBRARY_API void rocksdb_mergeoperator_destroy(rocksdb_mergeoperator_t *);

#endif
