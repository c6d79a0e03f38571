/* include/shale/compat/rocksdb/c_misc.h: part of rocksdb/c.h (RocksDB 7.8.3's C API
 * over shale): read/write/compact/flush options, caches, environments, the SST file writer and ingestion, slice transforms, universal and FIFO options, live files and metadata, transactions, memory usage.
 * Included by rocksdb/c.h only, after its types and ROCKSDB_LIBRARY_API. */
#ifndef SHALE_COMPAT_ROCKSDB_C_MISC_H
#define SHALE_COMPAT_ROCKSDB_C_MISC_H
#ifndef SHALE_COMPAT_ROCKSDB_C_H
#error "include <rocksdb/c.h>, not this file"
#endif

/* ---- Read, write, compact and flush options --------------------------------- */
extern ROCKSDB_LIBRARY_API rocksdb_readoptions_t *rocksdb_readoptions_create(void);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_destroy(rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_verify_checksums(
    rocksdb_readoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_readoptions_get_verify_checksums(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_fill_cache(
    rocksdb_readoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_readoptions_get_fill_cache(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_snapshot(
    rocksdb_readoptions_t *, const rocksdb_snapshot_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_iterate_upper_bound(
    rocksdb_readoptions_t *, const char *key, size_t keylen);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_iterate_lower_bound(
    rocksdb_readoptions_t *, const char *key, size_t keylen);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_read_tier(
    rocksdb_readoptions_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_readoptions_get_read_tier(rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_tailing(
    rocksdb_readoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_readoptions_get_tailing(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_managed(
    rocksdb_readoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_readahead_size(
    rocksdb_readoptions_t *, size_t);
extern ROCKSDB_LIBRARY_API size_t rocksdb_readoptions_get_readahead_size(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_prefix_same_as_start(
    rocksdb_readoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_readoptions_get_prefix_same_as_start(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_pin_data(
    rocksdb_readoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_readoptions_get_pin_data(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_total_order_seek(
    rocksdb_readoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_readoptions_get_total_order_seek(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_max_skippable_internal_keys(
    rocksdb_readoptions_t *, uint64_t);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_readoptions_get_max_skippable_internal_keys(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void
rocksdb_readoptions_set_background_purge_on_iterator_cleanup(
    rocksdb_readoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_readoptions_get_background_purge_on_iterator_cleanup(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_ignore_range_deletions(
    rocksdb_readoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_readoptions_get_ignore_range_deletions(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_deadline(
    rocksdb_readoptions_t *, uint64_t microseconds);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_readoptions_get_deadline(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_io_timeout(
    rocksdb_readoptions_t *, uint64_t microseconds);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_readoptions_get_io_timeout(
    rocksdb_readoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_timestamp(
    rocksdb_readoptions_t *, const char *ts, size_t tslen);
extern ROCKSDB_LIBRARY_API void rocksdb_readoptions_set_iter_start_ts(
    rocksdb_readoptions_t *, const char *ts, size_t tslen);
extern ROCKSDB_LIBRARY_API rocksdb_writeoptions_t *rocksdb_writeoptions_create(void);
extern ROCKSDB_LIBRARY_API void rocksdb_writeoptions_destroy(rocksdb_writeoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_writeoptions_set_sync(
    rocksdb_writeoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_writeoptions_get_sync(
    rocksdb_writeoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_writeoptions_disable_WAL(
    rocksdb_writeoptions_t *opt, int disable);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_writeoptions_get_disable_WAL(
    rocksdb_writeoptions_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_writeoptions_set_no_slowdown(
    rocksdb_writeoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_writeoptions_get_no_slowdown(
    rocksdb_writeoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_writeoptions_set_low_pri(
    rocksdb_writeoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_writeoptions_get_low_pri(
    rocksdb_writeoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_writeoptions_set_memtable_insert_hint_per_batch(
    rocksdb_writeoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_writeoptions_get_memtable_insert_hint_per_batch(
    rocksdb_writeoptions_t *);
extern ROCKSDB_LIBRARY_API rocksdb_compactoptions_t *rocksdb_compactoptions_create(void);
extern ROCKSDB_LIBRARY_API void rocksdb_compactoptions_destroy(
    rocksdb_compactoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_compactoptions_set_exclusive_manual_compaction(
    rocksdb_compactoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_compactoptions_get_exclusive_manual_compaction(
    rocksdb_compactoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_compactoptions_set_bottommost_level_compaction(
    rocksdb_compactoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_compactoptions_get_bottommost_level_compaction(
    rocksdb_compactoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_compactoptions_set_change_level(
    rocksdb_compactoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_compactoptions_get_change_level(
    rocksdb_compactoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_compactoptions_set_target_level(
    rocksdb_compactoptions_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_compactoptions_get_target_level(
    rocksdb_compactoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_compactoptions_set_full_history_ts_low(
    rocksdb_compactoptions_t *, char *ts, size_t tslen);

/* ---- Caches and allocators -------------------------------------------------- */
/* Block caches are shared by reference; destroying the handle releases it. */
extern ROCKSDB_LIBRARY_API rocksdb_memory_allocator_t *
rocksdb_jemalloc_nodump_allocator_create(
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_memory_allocator_destroy(
    rocksdb_memory_allocator_t *);
extern ROCKSDB_LIBRARY_API rocksdb_lru_cache_options_t *rocksdb_lru_cache_options_create(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_lru_cache_options_destroy(
    rocksdb_lru_cache_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_lru_cache_options_set_capacity(
    rocksdb_lru_cache_options_t *, size_t);
extern ROCKSDB_LIBRARY_API void rocksdb_lru_cache_options_set_num_shard_bits(
    rocksdb_lru_cache_options_t *, int);
extern ROCKSDB_LIBRARY_API void rocksdb_lru_cache_options_set_memory_allocator(
    rocksdb_lru_cache_options_t *, rocksdb_memory_allocator_t *);
extern ROCKSDB_LIBRARY_API rocksdb_cache_t *rocksdb_cache_create_lru(size_t capacity);
extern ROCKSDB_LIBRARY_API rocksdb_cache_t *
rocksdb_cache_create_lru_with_strict_capacity_limit(
    size_t capacity);
extern ROCKSDB_LIBRARY_API rocksdb_cache_t *rocksdb_cache_create_lru_opts(
    rocksdb_lru_cache_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_cache_destroy(rocksdb_cache_t *cache);
extern ROCKSDB_LIBRARY_API void rocksdb_cache_disown_data(rocksdb_cache_t *cache);
extern ROCKSDB_LIBRARY_API void rocksdb_cache_set_capacity(
    rocksdb_cache_t *cache, size_t capacity);
extern ROCKSDB_LIBRARY_API size_t rocksdb_cache_get_capacity(rocksdb_cache_t *cache);
extern ROCKSDB_LIBRARY_API size_t rocksdb_cache_get_usage(rocksdb_cache_t *cache);
extern ROCKSDB_LIBRARY_API size_t rocksdb_cache_get_pinned_usage(rocksdb_cache_t *cache);

/* ---- Environments ----------------------------------------------------------- */
/* Thread pools and file system of a database. */
extern ROCKSDB_LIBRARY_API rocksdb_env_t *rocksdb_create_default_env(void);
extern ROCKSDB_LIBRARY_API rocksdb_env_t *rocksdb_create_mem_env(void);
extern ROCKSDB_LIBRARY_API void rocksdb_env_set_background_threads(
    rocksdb_env_t *env, int n);
extern ROCKSDB_LIBRARY_API int rocksdb_env_get_background_threads(rocksdb_env_t *env);
extern ROCKSDB_LIBRARY_API void rocksdb_env_set_high_priority_background_threads(
    rocksdb_env_t *env, int n);
extern ROCKSDB_LIBRARY_API int rocksdb_env_get_high_priority_background_threads(
    rocksdb_env_t *env);
extern ROCKSDB_LIBRARY_API void rocksdb_env_set_low_priority_background_threads(
    rocksdb_env_t *env, int n);
extern ROCKSDB_LIBRARY_API int rocksdb_env_get_low_priority_background_threads(
    rocksdb_env_t *env);
extern ROCKSDB_LIBRARY_API void rocksdb_env_set_bottom_priority_background_threads(
    rocksdb_env_t *env, int n);
extern ROCKSDB_LIBRARY_API int rocksdb_env_get_bottom_priority_background_threads(
    rocksdb_env_t *env);
extern ROCKSDB_LIBRARY_API void rocksdb_env_join_all_threads(rocksdb_env_t *env);
extern ROCKSDB_LIBRARY_API void rocksdb_env_lower_thread_pool_io_priority(
    rocksdb_env_t *env);
extern ROCKSDB_LIBRARY_API void rocksdb_env_lower_high_priority_thread_pool_io_priority(
    rocksdb_env_t *env);
extern ROCKSDB_LIBRARY_API void rocksdb_env_lower_thread_pool_cpu_priority(
    rocksdb_env_t *env);
extern ROCKSDB_LIBRARY_API void rocksdb_env_lower_high_priority_thread_pool_cpu_priority(
    rocksdb_env_t *env);
extern ROCKSDB_LIBRARY_API void rocksdb_env_destroy(rocksdb_env_t *);
extern ROCKSDB_LIBRARY_API rocksdb_envoptions_t *rocksdb_envoptions_create(void);
extern ROCKSDB_LIBRARY_API void rocksdb_envoptions_destroy(rocksdb_envoptions_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_create_dir_if_missing(
    rocksdb_env_t *env, const char *path, char **errptr);

/* ---- SST file writer and ingestion ------------------------------------------ */
/* Writing sorted files outside a database and adding them to one. */
extern ROCKSDB_LIBRARY_API rocksdb_sstfilewriter_t *rocksdb_sstfilewriter_create(
    const rocksdb_envoptions_t *env, const rocksdb_options_t *io_options);
extern ROCKSDB_LIBRARY_API rocksdb_sstfilewriter_t *
rocksdb_sstfilewriter_create_with_comparator(
    const rocksdb_envoptions_t *env, const rocksdb_options_t *io_options,
    const rocksdb_comparator_t *comparator);
extern ROCKSDB_LIBRARY_API void rocksdb_sstfilewriter_open(
    rocksdb_sstfilewriter_t *writer, const char *name, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_sstfilewriter_add(
    rocksdb_sstfilewriter_t *writer, const char *key, size_t keylen, const char *val,
    size_t vallen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_sstfilewriter_put(
    rocksdb_sstfilewriter_t *writer, const char *key, size_t keylen, const char *val,
    size_t vallen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_sstfilewriter_put_with_ts(
    rocksdb_sstfilewriter_t *writer, const char *key, size_t keylen, const char *ts,
    size_t tslen, const char *val, size_t vallen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_sstfilewriter_merge(
    rocksdb_sstfilewriter_t *writer, const char *key, size_t keylen, const char *val,
    size_t vallen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_sstfilewriter_delete(
    rocksdb_sstfilewriter_t *writer, const char *key, size_t keylen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_sstfilewriter_delete_with_ts(
    rocksdb_sstfilewriter_t *writer, const char *key, size_t keylen, const char *ts,
    size_t tslen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_sstfilewriter_delete_range(
    rocksdb_sstfilewriter_t *writer, const char *begin_key, size_t begin_keylen,
    const char *end_key, size_t end_keylen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_sstfilewriter_finish(
    rocksdb_sstfilewriter_t *writer, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_sstfilewriter_file_size(
    rocksdb_sstfilewriter_t *writer, uint64_t *file_size);
extern ROCKSDB_LIBRARY_API void rocksdb_sstfilewriter_destroy(
    rocksdb_sstfilewriter_t *writer);
extern ROCKSDB_LIBRARY_API rocksdb_ingestexternalfileoptions_t *
rocksdb_ingestexternalfileoptions_create(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_ingestexternalfileoptions_set_move_files(
    rocksdb_ingestexternalfileoptions_t *opt, unsigned char move_files);
extern ROCKSDB_LIBRARY_API void
rocksdb_ingestexternalfileoptions_set_snapshot_consistency(
    rocksdb_ingestexternalfileoptions_t *opt, unsigned char snapshot_consistency);
extern ROCKSDB_LIBRARY_API void rocksdb_ingestexternalfileoptions_set_allow_global_seqno(
    rocksdb_ingestexternalfileoptions_t *opt, unsigned char allow_global_seqno);
extern ROCKSDB_LIBRARY_API void
rocksdb_ingestexternalfileoptions_set_allow_blocking_flush(
    rocksdb_ingestexternalfileoptions_t *opt, unsigned char allow_blocking_flush);
extern ROCKSDB_LIBRARY_API void rocksdb_ingestexternalfileoptions_set_ingest_behind(
    rocksdb_ingestexternalfileoptions_t *opt, unsigned char ingest_behind);
extern ROCKSDB_LIBRARY_API void rocksdb_ingestexternalfileoptions_destroy(
    rocksdb_ingestexternalfileoptions_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_ingest_external_file(
    rocksdb_t *db, const char *const *file_list, const size_t list_len,
    const rocksdb_ingestexternalfileoptions_t *opt, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_ingest_external_file_cf(
    rocksdb_t *db, rocksdb_column_family_handle_t *handle, const char *const *file_list,
    const size_t list_len, const rocksdb_ingestexternalfileoptions_t *opt, char **errptr);

/* ---- Slice transforms ------------------------------------------------------- */
/* Prefix extractors. */
extern ROCKSDB_LIBRARY_API rocksdb_slicetransform_t *rocksdb_slicetransform_create(
    void *state, void (*destructor)(void *),
    char *(*transform)(void *, const char *key, size_t length, size_t *dst_length),
    unsigned char (*in_domain)(void *, const char *key, size_t length),
    unsigned char (*in_range)(void *, const char *key, size_t length),
    const char *(*name)(void *));
extern ROCKSDB_LIBRARY_API rocksdb_slicetransform_t *
rocksdb_slicetransform_create_fixed_prefix(
    size_t);
extern ROCKSDB_LIBRARY_API rocksdb_slicetransform_t *rocksdb_slicetransform_create_noop(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_slicetransform_destroy(
    rocksdb_slicetransform_t *);

/* ---- Universal and FIFO compaction options ---------------------------------- */
enum {
    rocksdb_similar_size_compaction_stop_style = 0,
    rocksdb_total_size_compaction_stop_style = 1,
};
extern ROCKSDB_LIBRARY_API rocksdb_universal_compaction_options_t *
rocksdb_universal_compaction_options_create(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_universal_compaction_options_set_size_ratio(
    rocksdb_universal_compaction_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_universal_compaction_options_get_size_ratio(
    rocksdb_universal_compaction_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_universal_compaction_options_set_min_merge_width(
    rocksdb_universal_compaction_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_universal_compaction_options_get_min_merge_width(
    rocksdb_universal_compaction_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_universal_compaction_options_set_max_merge_width(
    rocksdb_universal_compaction_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_universal_compaction_options_get_max_merge_width(
    rocksdb_universal_compaction_options_t *);
extern ROCKSDB_LIBRARY_API void
rocksdb_universal_compaction_options_set_max_size_amplification_percent(
    rocksdb_universal_compaction_options_t *, int);
extern ROCKSDB_LIBRARY_API int
rocksdb_universal_compaction_options_get_max_size_amplification_percent(
    rocksdb_universal_compaction_options_t *);
extern ROCKSDB_LIBRARY_API void
rocksdb_universal_compaction_options_set_compression_size_percent(
    rocksdb_universal_compaction_options_t *, int);
extern ROCKSDB_LIBRARY_API int
rocksdb_universal_compaction_options_get_compression_size_percent(
    rocksdb_universal_compaction_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_universal_compaction_options_set_stop_style(
    rocksdb_universal_compaction_options_t *, int);
extern ROCKSDB_LIBRARY_API int rocksdb_universal_compaction_options_get_stop_style(
    rocksdb_universal_compaction_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_universal_compaction_options_destroy(
    rocksdb_universal_compaction_options_t *);
extern ROCKSDB_LIBRARY_API rocksdb_fifo_compaction_options_t *
rocksdb_fifo_compaction_options_create(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_fifo_compaction_options_set_max_table_files_size(
    rocksdb_fifo_compaction_options_t *fifo_opts, uint64_t size);
extern ROCKSDB_LIBRARY_API uint64_t
rocksdb_fifo_compaction_options_get_max_table_files_size(
    rocksdb_fifo_compaction_options_t *fifo_opts);
extern ROCKSDB_LIBRARY_API void rocksdb_fifo_compaction_options_destroy(
    rocksdb_fifo_compaction_options_t *fifo_opts);

/* ---- Live files and metadata ------------------------------------------------ */
/* Per-file, per-level and per-family descriptions of the SST files. */
extern ROCKSDB_LIBRARY_API int rocksdb_livefiles_count(const rocksdb_livefiles_t *);
extern ROCKSDB_LIBRARY_API const char *rocksdb_livefiles_name(
    const rocksdb_livefiles_t *, int index);
extern ROCKSDB_LIBRARY_API int rocksdb_livefiles_level(
    const rocksdb_livefiles_t *, int index);
extern ROCKSDB_LIBRARY_API size_t rocksdb_livefiles_size(
    const rocksdb_livefiles_t *, int index);
extern ROCKSDB_LIBRARY_API const char *rocksdb_livefiles_smallestkey(
    const rocksdb_livefiles_t *, int index, size_t *size);
extern ROCKSDB_LIBRARY_API const char *rocksdb_livefiles_largestkey(
    const rocksdb_livefiles_t *, int index, size_t *size);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_livefiles_entries(
    const rocksdb_livefiles_t *, int index);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_livefiles_deletions(
    const rocksdb_livefiles_t *, int index);
extern ROCKSDB_LIBRARY_API void rocksdb_livefiles_destroy(const rocksdb_livefiles_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_column_family_metadata_destroy(
    rocksdb_column_family_metadata_t *cf_meta);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_column_family_metadata_get_size(
    rocksdb_column_family_metadata_t *cf_meta);
extern ROCKSDB_LIBRARY_API size_t rocksdb_column_family_metadata_get_file_count(
    rocksdb_column_family_metadata_t *cf_meta);
extern ROCKSDB_LIBRARY_API char *rocksdb_column_family_metadata_get_name(
    rocksdb_column_family_metadata_t *cf_meta);
extern ROCKSDB_LIBRARY_API size_t rocksdb_column_family_metadata_get_level_count(
    rocksdb_column_family_metadata_t *cf_meta);
extern ROCKSDB_LIBRARY_API rocksdb_level_metadata_t *
rocksdb_column_family_metadata_get_level_metadata(
    rocksdb_column_family_metadata_t *cf_meta, size_t i);
extern ROCKSDB_LIBRARY_API void rocksdb_level_metadata_destroy(
    rocksdb_level_metadata_t *level_meta);
extern ROCKSDB_LIBRARY_API int rocksdb_level_metadata_get_level(
    rocksdb_level_metadata_t *level_meta);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_level_metadata_get_size(
    rocksdb_level_metadata_t *level_meta);
extern ROCKSDB_LIBRARY_API size_t rocksdb_level_metadata_get_file_count(
    rocksdb_level_metadata_t *level_meta);
extern ROCKSDB_LIBRARY_API rocksdb_sst_file_metadata_t *
rocksdb_level_metadata_get_sst_file_metadata(
    rocksdb_level_metadata_t *level_meta, size_t i);
extern ROCKSDB_LIBRARY_API void rocksdb_sst_file_metadata_destroy(
    rocksdb_sst_file_metadata_t *file_meta);
extern ROCKSDB_LIBRARY_API char *rocksdb_sst_file_metadata_get_relative_filename(
    rocksdb_sst_file_metadata_t *file_meta);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_sst_file_metadata_get_size(
    rocksdb_sst_file_metadata_t *file_meta);
extern ROCKSDB_LIBRARY_API char *rocksdb_sst_file_metadata_get_smallestkey(
    rocksdb_sst_file_metadata_t *file_meta, size_t *len);
extern ROCKSDB_LIBRARY_API char *rocksdb_sst_file_metadata_get_largestkey(
    rocksdb_sst_file_metadata_t *file_meta, size_t *len);

/* ---- Transactions ----------------------------------------------------------- */
/* Pessimistic (transaction db) and optimistic transactions. */
extern ROCKSDB_LIBRARY_API rocksdb_column_family_handle_t *
rocksdb_transactiondb_create_column_family(
    rocksdb_transactiondb_t *txn_db, const rocksdb_options_t *column_family_options,
    const char *column_family_name, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_transactiondb_t *rocksdb_transactiondb_open(
    const rocksdb_options_t *options,
    const rocksdb_transactiondb_options_t *txn_db_options, const char *name,
    char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_transactiondb_t *
rocksdb_transactiondb_open_column_families(
    const rocksdb_options_t *options,
    const rocksdb_transactiondb_options_t *txn_db_options, const char *name,
    int num_column_families, const char *const *column_family_names,
    const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles, char **errptr);
extern ROCKSDB_LIBRARY_API const rocksdb_snapshot_t *
rocksdb_transactiondb_create_snapshot(
    rocksdb_transactiondb_t *txn_db);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_release_snapshot(
    rocksdb_transactiondb_t *txn_db, const rocksdb_snapshot_t *snapshot);
extern ROCKSDB_LIBRARY_API char *rocksdb_transactiondb_property_value(
    rocksdb_transactiondb_t *db, const char *propname);
extern ROCKSDB_LIBRARY_API int rocksdb_transactiondb_property_int(
    rocksdb_transactiondb_t *db, const char *propname, uint64_t *out_val);
extern ROCKSDB_LIBRARY_API rocksdb_transaction_t *rocksdb_transaction_begin(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *write_options,
    const rocksdb_transaction_options_t *txn_options, rocksdb_transaction_t *old_txn);
extern ROCKSDB_LIBRARY_API rocksdb_transaction_t **
rocksdb_transactiondb_get_prepared_transactions(
    rocksdb_transactiondb_t *txn_db, size_t *cnt);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_set_name(
    rocksdb_transaction_t *txn, const char *name, size_t name_len, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_transaction_get_name(
    rocksdb_transaction_t *txn, size_t *name_len);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_prepare(
    rocksdb_transaction_t *txn, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_commit(
    rocksdb_transaction_t *txn, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_rollback(
    rocksdb_transaction_t *txn, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_set_savepoint(
    rocksdb_transaction_t *txn);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_rollback_to_savepoint(
    rocksdb_transaction_t *txn, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_destroy(rocksdb_transaction_t *txn);
extern ROCKSDB_LIBRARY_API rocksdb_writebatch_wi_t *rocksdb_transaction_get_writebatch_wi(
    rocksdb_transaction_t *txn);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_rebuild_from_writebatch(
    rocksdb_transaction_t *txn, rocksdb_writebatch_t *writebatch, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_rebuild_from_writebatch_wi(
    rocksdb_transaction_t *txn, rocksdb_writebatch_wi_t *wi, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_set_commit_timestamp(
    rocksdb_transaction_t *txn, uint64_t commit_timestamp);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_set_read_timestamp_for_validation(
    rocksdb_transaction_t *txn, uint64_t read_timestamp);
extern ROCKSDB_LIBRARY_API const rocksdb_snapshot_t *rocksdb_transaction_get_snapshot(
    rocksdb_transaction_t *txn);
extern ROCKSDB_LIBRARY_API char *rocksdb_transaction_get(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options, const char *key,
    size_t klen, size_t *vlen, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_pinnableslice_t *rocksdb_transaction_get_pinned(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options, const char *key,
    size_t klen, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_transaction_get_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t klen,
    size_t *vlen, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_pinnableslice_t *rocksdb_transaction_get_pinned_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t klen,
    char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_transaction_get_for_update(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options, const char *key,
    size_t klen, size_t *vlen, unsigned char exclusive, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_pinnableslice_t *
rocksdb_transaction_get_pinned_for_update(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options, const char *key,
    size_t klen, unsigned char exclusive, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_transaction_get_for_update_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t klen,
    size_t *vlen, unsigned char exclusive, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_pinnableslice_t *
rocksdb_transaction_get_pinned_for_update_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t klen,
    unsigned char exclusive, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_multi_get(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **errs);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_multi_get_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    const rocksdb_column_family_handle_t *const *column_families, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **errs);
extern ROCKSDB_LIBRARY_API char *rocksdb_transactiondb_get(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options,
    const char *key, size_t klen, size_t *vlen, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_pinnableslice_t *rocksdb_transactiondb_get_pinned(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options,
    const char *key, size_t klen, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_transactiondb_get_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    size_t *vallen, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_pinnableslice_t *rocksdb_transactiondb_get_pinned_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_multi_get(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options,
    size_t num_keys, const char *const *keys_list, const size_t *keys_list_sizes,
    char **values_list, size_t *values_list_sizes, char **errs);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_multi_get_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options,
    const rocksdb_column_family_handle_t *const *column_families, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **errs);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_put(
    rocksdb_transaction_t *txn, const char *key, size_t klen, const char *val,
    size_t vlen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_put_cf(
    rocksdb_transaction_t *txn, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen, const char *val, size_t vlen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_put(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options,
    const char *key, size_t klen, const char *val, size_t vlen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_put_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    const char *val, size_t vallen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_write(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options,
    rocksdb_writebatch_t *batch, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_merge(
    rocksdb_transaction_t *txn, const char *key, size_t klen, const char *val,
    size_t vlen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_merge_cf(
    rocksdb_transaction_t *txn, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen, const char *val, size_t vlen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_merge(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options,
    const char *key, size_t klen, const char *val, size_t vlen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_merge_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t klen,
    const char *val, size_t vlen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_delete(
    rocksdb_transaction_t *txn, const char *key, size_t klen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_delete_cf(
    rocksdb_transaction_t *txn, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_delete(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options,
    const char *key, size_t klen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_delete_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_iterator_t *rocksdb_transaction_create_iterator(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options);
extern ROCKSDB_LIBRARY_API rocksdb_iterator_t *rocksdb_transaction_create_iterator_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family);
extern ROCKSDB_LIBRARY_API rocksdb_iterator_t *rocksdb_transactiondb_create_iterator(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options);
extern ROCKSDB_LIBRARY_API rocksdb_iterator_t *rocksdb_transactiondb_create_iterator_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_close(
    rocksdb_transactiondb_t *txn_db);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_flush(
    rocksdb_transactiondb_t *txn_db, const rocksdb_flushoptions_t *options,
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_flush_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_flushoptions_t *options,
    rocksdb_column_family_handle_t *column_family, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_flush_wal(
    rocksdb_transactiondb_t *txn_db, unsigned char sync, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_checkpoint_t *
rocksdb_transactiondb_checkpoint_object_create(
    rocksdb_transactiondb_t *txn_db, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_optimistictransactiondb_t *
rocksdb_optimistictransactiondb_open(
    const rocksdb_options_t *options, const char *name, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_optimistictransactiondb_t *
rocksdb_optimistictransactiondb_open_column_families(
    const rocksdb_options_t *options, const char *name, int num_column_families,
    const char *const *column_family_names,
    const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_t *rocksdb_optimistictransactiondb_get_base_db(
    rocksdb_optimistictransactiondb_t *otxn_db);
extern ROCKSDB_LIBRARY_API void rocksdb_optimistictransactiondb_close_base_db(
    rocksdb_t *base_db);
extern ROCKSDB_LIBRARY_API rocksdb_transaction_t *rocksdb_optimistictransaction_begin(
    rocksdb_optimistictransactiondb_t *otxn_db,
    const rocksdb_writeoptions_t *write_options,
    const rocksdb_optimistictransaction_options_t *otxn_options,
    rocksdb_transaction_t *old_txn);
extern ROCKSDB_LIBRARY_API void rocksdb_optimistictransactiondb_write(
    rocksdb_optimistictransactiondb_t *otxn_db, const rocksdb_writeoptions_t *options,
    rocksdb_writebatch_t *batch, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_optimistictransactiondb_close(
    rocksdb_optimistictransactiondb_t *otxn_db);
extern ROCKSDB_LIBRARY_API rocksdb_checkpoint_t *
rocksdb_optimistictransactiondb_checkpoint_object_create(
    rocksdb_optimistictransactiondb_t *otxn_db, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_transactiondb_options_t *
rocksdb_transactiondb_options_create(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_options_destroy(
    rocksdb_transactiondb_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_options_set_max_num_locks(
    rocksdb_transactiondb_options_t *opt, int64_t max_num_locks);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_options_set_num_stripes(
    rocksdb_transactiondb_options_t *opt, size_t num_stripes);
extern ROCKSDB_LIBRARY_API void
rocksdb_transactiondb_options_set_transaction_lock_timeout(
    rocksdb_transactiondb_options_t *opt, int64_t txn_lock_timeout);
extern ROCKSDB_LIBRARY_API void rocksdb_transactiondb_options_set_default_lock_timeout(
    rocksdb_transactiondb_options_t *opt, int64_t default_lock_timeout);
extern ROCKSDB_LIBRARY_API rocksdb_transaction_options_t *
rocksdb_transaction_options_create(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_options_destroy(
    rocksdb_transaction_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_options_set_set_snapshot(
    rocksdb_transaction_options_t *opt, unsigned char v);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_options_set_deadlock_detect(
    rocksdb_transaction_options_t *opt, unsigned char v);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_options_set_lock_timeout(
    rocksdb_transaction_options_t *opt, int64_t lock_timeout);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_options_set_expiration(
    rocksdb_transaction_options_t *opt, int64_t expiration);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_options_set_deadlock_detect_depth(
    rocksdb_transaction_options_t *opt, int64_t depth);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_options_set_max_write_batch_size(
    rocksdb_transaction_options_t *opt, size_t size);
extern ROCKSDB_LIBRARY_API void rocksdb_transaction_options_set_skip_prepare(
    rocksdb_transaction_options_t *opt, unsigned char v);
extern ROCKSDB_LIBRARY_API rocksdb_optimistictransaction_options_t *
rocksdb_optimistictransaction_options_create(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_optimistictransaction_options_destroy(
    rocksdb_optimistictransaction_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_optimistictransaction_options_set_set_snapshot(
    rocksdb_optimistictransaction_options_t *opt, unsigned char v);
extern ROCKSDB_LIBRARY_API char *rocksdb_optimistictransactiondb_property_value(
    rocksdb_optimistictransactiondb_t *db, const char *propname);
extern ROCKSDB_LIBRARY_API int rocksdb_optimistictransactiondb_property_int(
    rocksdb_optimistictransactiondb_t *db, const char *propname, uint64_t *out_val);

/* ---- Memory ----------------------------------------------------------------- */
/* rocksdb_free() releases every malloc'd result; memory usage reports. */
extern ROCKSDB_LIBRARY_API void rocksdb_free(void *ptr);
extern ROCKSDB_LIBRARY_API rocksdb_memory_consumers_t *rocksdb_memory_consumers_create(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_memory_consumers_add_db(
    rocksdb_memory_consumers_t *consumers, rocksdb_t *db);
extern ROCKSDB_LIBRARY_API void rocksdb_memory_consumers_add_cache(
    rocksdb_memory_consumers_t *consumers, rocksdb_cache_t *cache);
extern ROCKSDB_LIBRARY_API void rocksdb_memory_consumers_destroy(
    rocksdb_memory_consumers_t *consumers);
extern ROCKSDB_LIBRARY_API rocksdb_memory_usage_t *
rocksdb_approximate_memory_usage_create(
    rocksdb_memory_consumers_t *consumers, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_approximate_memory_usage_destroy(
    rocksdb_memory_usage_t *usage);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_approximate_memory_usage_get_mem_table_total(
    rocksdb_memory_usage_t *memory_usage);
extern ROCKSDB_LIBRARY_API uint64_t
rocksdb_approximate_memory_usage_get_mem_table_unflushed(
    rocksdb_memory_usage_t *memory_usage);
extern ROCKSDB_LIBRARY_API uint64_t
rocksdb_approximate_memory_usage_get_mem_table_readers_total(
    rocksdb_memory_usage_t *memory_usage);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_approximate_memory_usage_get_cache_total(
    rocksdb_memory_usage_t *memory_usage);

#endif
