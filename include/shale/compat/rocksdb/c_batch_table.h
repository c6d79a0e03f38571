/* include/shale/compat/rocksdb/c_batch_table.h: part of rocksdb/c.h (RocksDB 7.8.3's C API
 * over shale): the backup engine, write batches (plain and indexed), options files, block-based and cuckoo table options.
 * Included by rocksdb/c.h only, after its types and ROCKSDB_LIBRARY_API. */
#ifndef SHALE_COMPAT_ROCKSDB_C_BATCH_TABLE_H
#define SHALE_COMPAT_ROCKSDB_C_BATCH_TABLE_H
#ifndef SHALE_COMPAT_ROCKSDB_C_H
#error "include <rocksdb/c.h>, not this file"
#endif

/* ---- Backup engine ---------------------------------------------------------- */
/* Backups in a separate directory. */
extern ROCKSDB_LIBRARY_API rocksdb_backup_engine_t *rocksdb_backup_engine_open(
    const rocksdb_options_t *options, const char *path, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_backup_engine_t *rocksdb_backup_engine_open_opts(
    const rocksdb_backup_engine_options_t *options, rocksdb_env_t *env, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_create_new_backup(
    rocksdb_backup_engine_t *be, rocksdb_t *db, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_create_new_backup_flush(
    rocksdb_backup_engine_t *be, rocksdb_t *db, unsigned char flush_before_backup,
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_purge_old_backups(
    rocksdb_backup_engine_t *be, uint32_t num_backups_to_keep, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_restore_options_t *rocksdb_restore_options_create(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_restore_options_destroy(
    rocksdb_restore_options_t *opt);
extern ROCKSDB_LIBRARY_API void rocksdb_restore_options_set_keep_log_files(
    rocksdb_restore_options_t *opt, int v);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_verify_backup(
    rocksdb_backup_engine_t *be, uint32_t backup_id, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_restore_db_from_latest_backup(
    rocksdb_backup_engine_t *be, const char *db_dir, const char *wal_dir,
    const rocksdb_restore_options_t *restore_options, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_restore_db_from_backup(
    rocksdb_backup_engine_t *be, const char *db_dir, const char *wal_dir,
    const rocksdb_restore_options_t *restore_options, const uint32_t backup_id,
    char **errptr);
extern ROCKSDB_LIBRARY_API const rocksdb_backup_engine_info_t *
rocksdb_backup_engine_get_backup_info(
    rocksdb_backup_engine_t *be);
extern ROCKSDB_LIBRARY_API int rocksdb_backup_engine_info_count(
    const rocksdb_backup_engine_info_t *info);
extern ROCKSDB_LIBRARY_API int64_t rocksdb_backup_engine_info_timestamp(
    const rocksdb_backup_engine_info_t *info, int index);
extern ROCKSDB_LIBRARY_API uint32_t rocksdb_backup_engine_info_backup_id(
    const rocksdb_backup_engine_info_t *info, int index);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_backup_engine_info_size(
    const rocksdb_backup_engine_info_t *info, int index);
extern ROCKSDB_LIBRARY_API uint32_t rocksdb_backup_engine_info_number_files(
    const rocksdb_backup_engine_info_t *info, int index);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_info_destroy(
    const rocksdb_backup_engine_info_t *info);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_close(rocksdb_backup_engine_t *be);
extern ROCKSDB_LIBRARY_API rocksdb_backup_engine_options_t *
rocksdb_backup_engine_options_create(
    const char *backup_dir);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_options_set_backup_dir(
    rocksdb_backup_engine_options_t *options, const char *backup_dir);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_options_set_env(
    rocksdb_backup_engine_options_t *options, rocksdb_env_t *env);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_options_set_share_table_files(
    rocksdb_backup_engine_options_t *options, unsigned char val);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_backup_engine_options_get_share_table_files(
    rocksdb_backup_engine_options_t *options);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_options_set_sync(
    rocksdb_backup_engine_options_t *options, unsigned char val);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_backup_engine_options_get_sync(
    rocksdb_backup_engine_options_t *options);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_options_set_destroy_old_data(
    rocksdb_backup_engine_options_t *options, unsigned char val);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_backup_engine_options_get_destroy_old_data(
    rocksdb_backup_engine_options_t *options);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_options_set_backup_log_files(
    rocksdb_backup_engine_options_t *options, unsigned char val);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_backup_engine_options_get_backup_log_files(
    rocksdb_backup_engine_options_t *options);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_options_set_backup_rate_limit(
    rocksdb_backup_engine_options_t *options, uint64_t limit);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_backup_engine_options_get_backup_rate_limit(
    rocksdb_backup_engine_options_t *options);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_options_set_restore_rate_limit(
    rocksdb_backup_engine_options_t *options, uint64_t limit);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_backup_engine_options_get_restore_rate_limit(
    rocksdb_backup_engine_options_t *options);
extern ROCKSDB_LIBRARY_API void
rocksdb_backup_engine_options_set_max_background_operations(
    rocksdb_backup_engine_options_t *options, int val);
extern ROCKSDB_LIBRARY_API int
rocksdb_backup_engine_options_get_max_background_operations(
    rocksdb_backup_engine_options_t *options);
extern ROCKSDB_LIBRARY_API void
rocksdb_backup_engine_options_set_callback_trigger_interval_size(
    rocksdb_backup_engine_options_t *options, uint64_t size);
extern ROCKSDB_LIBRARY_API uint64_t
rocksdb_backup_engine_options_get_callback_trigger_interval_size(
    rocksdb_backup_engine_options_t *options);
extern ROCKSDB_LIBRARY_API void
rocksdb_backup_engine_options_set_max_valid_backups_to_open(
    rocksdb_backup_engine_options_t *options, int val);
extern ROCKSDB_LIBRARY_API int
rocksdb_backup_engine_options_get_max_valid_backups_to_open(
    rocksdb_backup_engine_options_t *options);
extern ROCKSDB_LIBRARY_API void
rocksdb_backup_engine_options_set_share_files_with_checksum_naming(
    rocksdb_backup_engine_options_t *options, int val);
extern ROCKSDB_LIBRARY_API int
rocksdb_backup_engine_options_get_share_files_with_checksum_naming(
    rocksdb_backup_engine_options_t *options);
extern ROCKSDB_LIBRARY_API void rocksdb_backup_engine_options_destroy(
    rocksdb_backup_engine_options_t *);

/* ---- Write batches ---------------------------------------------------------- */
/* A batch applies atomically with rocksdb_write(); rocksdb_writebatch_data()
 * is RocksDB's wire format. */
extern ROCKSDB_LIBRARY_API rocksdb_writebatch_t *rocksdb_writebatch_create(void);
extern ROCKSDB_LIBRARY_API rocksdb_writebatch_t *rocksdb_writebatch_create_from(
    const char *rep, size_t size);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_destroy(rocksdb_writebatch_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_clear(rocksdb_writebatch_t *);
extern ROCKSDB_LIBRARY_API int rocksdb_writebatch_count(rocksdb_writebatch_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_put(
    rocksdb_writebatch_t *, const char *key, size_t klen, const char *val, size_t vlen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_put_cf(
    rocksdb_writebatch_t *, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen, const char *val, size_t vlen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_put_cf_with_ts(
    rocksdb_writebatch_t *, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen, const char *ts, size_t tslen, const char *val,
    size_t vlen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_putv(
    rocksdb_writebatch_t *b, int num_keys, const char *const *keys_list,
    const size_t *keys_list_sizes, int num_values, const char *const *values_list,
    const size_t *values_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_putv_cf(
    rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *column_family, int num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, int num_values,
    const char *const *values_list, const size_t *values_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_merge(
    rocksdb_writebatch_t *, const char *key, size_t klen, const char *val, size_t vlen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_merge_cf(
    rocksdb_writebatch_t *, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen, const char *val, size_t vlen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_mergev(
    rocksdb_writebatch_t *b, int num_keys, const char *const *keys_list,
    const size_t *keys_list_sizes, int num_values, const char *const *values_list,
    const size_t *values_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_mergev_cf(
    rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *column_family, int num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, int num_values,
    const char *const *values_list, const size_t *values_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_delete(
    rocksdb_writebatch_t *, const char *key, size_t klen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_singledelete(
    rocksdb_writebatch_t *b, const char *key, size_t klen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_delete_cf(
    rocksdb_writebatch_t *, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_delete_cf_with_ts(
    rocksdb_writebatch_t *, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen, const char *ts, size_t tslen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_singledelete_cf(
    rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_singledelete_cf_with_ts(
    rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen, const char *ts, size_t tslen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_deletev(
    rocksdb_writebatch_t *b, int num_keys, const char *const *keys_list,
    const size_t *keys_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_deletev_cf(
    rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *column_family, int num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_delete_range(
    rocksdb_writebatch_t *b, const char *start_key, size_t start_key_len,
    const char *end_key, size_t end_key_len);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_delete_range_cf(
    rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *column_family,
    const char *start_key, size_t start_key_len, const char *end_key, size_t end_key_len);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_delete_rangev(
    rocksdb_writebatch_t *b, int num_keys, const char *const *start_keys_list,
    const size_t *start_keys_list_sizes, const char *const *end_keys_list,
    const size_t *end_keys_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_delete_rangev_cf(
    rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *column_family, int num_keys,
    const char *const *start_keys_list, const size_t *start_keys_list_sizes,
    const char *const *end_keys_list, const size_t *end_keys_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_put_log_data(
    rocksdb_writebatch_t *, const char *blob, size_t len);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_iterate(
    rocksdb_writebatch_t *, void *state,
    void (*put)(void *, const char *k, size_t klen, const char *v, size_t vlen),
    void (*deleted)(void *, const char *k, size_t klen));
extern ROCKSDB_LIBRARY_API const char *rocksdb_writebatch_data(
    rocksdb_writebatch_t *, size_t *size);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_set_save_point(rocksdb_writebatch_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_rollback_to_save_point(
    rocksdb_writebatch_t *, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_pop_save_point(
    rocksdb_writebatch_t *, char **errptr);

/* ---- Write batches with index ----------------------------------------------- */
/* A batch that can be read before it is written. */
extern ROCKSDB_LIBRARY_API rocksdb_writebatch_wi_t *rocksdb_writebatch_wi_create(
    size_t reserved_bytes, unsigned char overwrite_keys);
extern ROCKSDB_LIBRARY_API rocksdb_writebatch_wi_t *rocksdb_writebatch_wi_create_from(
    const char *rep, size_t size);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_destroy(rocksdb_writebatch_wi_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_clear(rocksdb_writebatch_wi_t *);
extern ROCKSDB_LIBRARY_API int rocksdb_writebatch_wi_count(rocksdb_writebatch_wi_t *b);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_put(
    rocksdb_writebatch_wi_t *, const char *key, size_t klen, const char *val,
    size_t vlen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_put_cf(
    rocksdb_writebatch_wi_t *, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen, const char *val, size_t vlen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_putv(
    rocksdb_writebatch_wi_t *b, int num_keys, const char *const *keys_list,
    const size_t *keys_list_sizes, int num_values, const char *const *values_list,
    const size_t *values_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_putv_cf(
    rocksdb_writebatch_wi_t *b, rocksdb_column_family_handle_t *column_family,
    int num_keys, const char *const *keys_list, const size_t *keys_list_sizes,
    int num_values, const char *const *values_list, const size_t *values_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_merge(
    rocksdb_writebatch_wi_t *, const char *key, size_t klen, const char *val,
    size_t vlen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_merge_cf(
    rocksdb_writebatch_wi_t *, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen, const char *val, size_t vlen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_mergev(
    rocksdb_writebatch_wi_t *b, int num_keys, const char *const *keys_list,
    const size_t *keys_list_sizes, int num_values, const char *const *values_list,
    const size_t *values_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_mergev_cf(
    rocksdb_writebatch_wi_t *b, rocksdb_column_family_handle_t *column_family,
    int num_keys, const char *const *keys_list, const size_t *keys_list_sizes,
    int num_values, const char *const *values_list, const size_t *values_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_delete(
    rocksdb_writebatch_wi_t *, const char *key, size_t klen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_singledelete(
    rocksdb_writebatch_wi_t *, const char *key, size_t klen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_delete_cf(
    rocksdb_writebatch_wi_t *, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_singledelete_cf(
    rocksdb_writebatch_wi_t *, rocksdb_column_family_handle_t *column_family,
    const char *key, size_t klen);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_deletev(
    rocksdb_writebatch_wi_t *b, int num_keys, const char *const *keys_list,
    const size_t *keys_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_deletev_cf(
    rocksdb_writebatch_wi_t *b, rocksdb_column_family_handle_t *column_family,
    int num_keys, const char *const *keys_list, const size_t *keys_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_delete_range(
    rocksdb_writebatch_wi_t *b, const char *start_key, size_t start_key_len,
    const char *end_key, size_t end_key_len);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_delete_range_cf(
    rocksdb_writebatch_wi_t *b, rocksdb_column_family_handle_t *column_family,
    const char *start_key, size_t start_key_len, const char *end_key, size_t end_key_len);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_delete_rangev(
    rocksdb_writebatch_wi_t *b, int num_keys, const char *const *start_keys_list,
    const size_t *start_keys_list_sizes, const char *const *end_keys_list,
    const size_t *end_keys_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_delete_rangev_cf(
    rocksdb_writebatch_wi_t *b, rocksdb_column_family_handle_t *column_family,
    int num_keys, const char *const *start_keys_list,
    const size_t *start_keys_list_sizes, const char *const *end_keys_list,
    const size_t *end_keys_list_sizes);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_put_log_data(
    rocksdb_writebatch_wi_t *, const char *blob, size_t len);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_iterate(
    rocksdb_writebatch_wi_t *b, void *state,
    void (*put)(void *, const char *k, size_t klen, const char *v, size_t vlen),
    void (*deleted)(void *, const char *k, size_t klen));
extern ROCKSDB_LIBRARY_API const char *rocksdb_writebatch_wi_data(
    rocksdb_writebatch_wi_t *b, size_t *size);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_set_save_point(
    rocksdb_writebatch_wi_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_writebatch_wi_rollback_to_save_point(
    rocksdb_writebatch_wi_t *, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_writebatch_wi_get_from_batch(
    rocksdb_writebatch_wi_t *wbwi, const rocksdb_options_t *options, const char *key,
    size_t keylen, size_t *vallen, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_writebatch_wi_get_from_batch_cf(
    rocksdb_writebatch_wi_t *wbwi, const rocksdb_options_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    size_t *vallen, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_writebatch_wi_get_from_batch_and_db(
    rocksdb_writebatch_wi_t *wbwi, rocksdb_t *db, const rocksdb_readoptions_t *options,
    const char *key, size_t keylen, size_t *vallen, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_writebatch_wi_get_from_batch_and_db_cf(
    rocksdb_writebatch_wi_t *wbwi, rocksdb_t *db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    size_t *vallen, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_iterator_t *
rocksdb_writebatch_wi_create_iterator_with_base(
    rocksdb_writebatch_wi_t *wbwi, rocksdb_iterator_t *base_iterator);
extern ROCKSDB_LIBRARY_API rocksdb_iterator_t *
rocksdb_writebatch_wi_create_iterator_with_base_cf(
    rocksdb_writebatch_wi_t *wbwi, rocksdb_iterator_t *base_iterator,
    rocksdb_column_family_handle_t *cf);

/* ---- Options files ---------------------------------------------------------- */
/* Loading the options a database was last opened with. */
extern ROCKSDB_LIBRARY_API void rocksdb_load_latest_options(
    const char *db_path, rocksdb_env_t *env, bool ignore_unknown_options,
    rocksdb_cache_t *cache, rocksdb_options_t **db_options, size_t *num_column_families,
    char ***column_family_names, rocksdb_options_t ***column_family_options,
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_load_latest_options_destroy(
    rocksdb_options_t *db_options, char **list_column_family_names,
    rocksdb_options_t **list_column_family_options, size_t len);
extern ROCKSDB_LIBRARY_API void rocksdb_get_options_from_string(
    const rocksdb_options_t *base_options, const char *opts_str,
    rocksdb_options_t *new_options, char **errptr);

/* ---- Block-based table options ---------------------------------------------- */
/* Block size, filter policy, block cache and index layout of SST files. */
enum {
    rocksdb_block_based_table_index_type_binary_search = 0,
    rocksdb_block_based_table_index_type_hash_search = 1,
    rocksdb_block_based_table_index_type_two_level_index_search = 2,
};
enum {
    rocksdb_block_based_table_data_block_index_type_binary_search = 0,
    rocksdb_block_based_table_data_block_index_type_binary_search_and_hash = 1,
};
extern ROCKSDB_LIBRARY_API rocksdb_block_based_table_options_t *
rocksdb_block_based_options_create(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_destroy(
    rocksdb_block_based_table_options_t *options);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_checksum(
    rocksdb_block_based_table_options_t *, char);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_block_size(
    rocksdb_block_based_table_options_t *options, size_t block_size);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_block_size_deviation(
    rocksdb_block_based_table_options_t *options, int block_size_deviation);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_block_restart_interval(
    rocksdb_block_based_table_options_t *options, int block_restart_interval);
extern ROCKSDB_LIBRARY_API void
rocksdb_block_based_options_set_index_block_restart_interval(
    rocksdb_block_based_table_options_t *options, int index_block_restart_interval);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_metadata_block_size(
    rocksdb_block_based_table_options_t *options, uint64_t metadata_block_size);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_partition_filters(
    rocksdb_block_based_table_options_t *options, unsigned char partition_filters);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_use_delta_encoding(
    rocksdb_block_based_table_options_t *options, unsigned char use_delta_encoding);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_filter_policy(
    rocksdb_block_based_table_options_t *options, rocksdb_filterpolicy_t *filter_policy);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_no_block_cache(
    rocksdb_block_based_table_options_t *options, unsigned char no_block_cache);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_block_cache(
    rocksdb_block_based_table_options_t *options, rocksdb_cache_t *block_cache);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_block_cache_compressed(
    rocksdb_block_based_table_options_t *options,
    rocksdb_cache_t *block_cache_compressed);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_whole_key_filtering(
    rocksdb_block_based_table_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_format_version(
    rocksdb_block_based_table_options_t *, int);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_index_type(
    rocksdb_block_based_table_options_t *, int);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_data_block_index_type(
    rocksdb_block_based_table_options_t *, int);
extern ROCKSDB_LIBRARY_API void rocksdb_block_based_options_set_data_block_hash_ratio(
    rocksdb_block_based_table_options_t *options, double v);
extern ROCKSDB_LIBRARY_API void
rocksdb_block_based_options_set_cache_index_and_filter_blocks(
    rocksdb_block_based_table_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API void
rocksdb_block_based_options_set_cache_index_and_filter_blocks_with_high_priority(
    rocksdb_block_based_table_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API void
rocksdb_block_based_options_set_pin_l0_filter_and_index_blocks_in_cache(
    rocksdb_block_based_table_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API void
rocksdb_block_based_options_set_pin_top_level_index_and_filter(
    rocksdb_block_based_table_options_t *, unsigned char);

/* ---- Cuckoo table options --------------------------------------------------- */
/* The cuckoo-hash table format. */
extern ROCKSDB_LIBRARY_API rocksdb_cuckoo_table_options_t *rocksdb_cuckoo_options_create(
    void);
extern ROCKSDB_LIBRARY_API void rocksdb_cuckoo_options_destroy(
    rocksdb_cuckoo_table_options_t *options);
extern ROCKSDB_LIBRARY_API void rocksdb_cuckoo_options_set_hash_ratio(
    rocksdb_cuckoo_table_options_t *options, double v);
extern ROCKSDB_LIBRARY_API void rocksdb_cuckoo_options_set_max_search_depth(
    rocksdb_cuckoo_table_options_t *options, uint32_t v);
extern ROCKSDB_LIBRARY_API void rocksdb_cuckoo_options_set_cuckoo_block_size(
    rocksdb_cuckoo_table_options_t *options, uint32_t v);
extern ROCKSDB_LIBRARY_API void rocksdb_cuckoo_options_set_identity_as_first_hash(
    rocksdb_cuckoo_table_options_t *options, unsigned char v);
extern ROCKSDB_LIBRARY_API void rocksdb_cuckoo_options_set_use_module_hash(
    rocksdb_cuckoo_table_options_t *options, unsigned char v);

#endif
