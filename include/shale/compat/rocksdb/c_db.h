/* include/shale/compat/rocksdb/c_db.h: part of rocksdb/c.h (RocksDB 7.8.3's C API
 * over shale): the database: opening, families, reads and writes, snapshots, iterators, WAL iteration, properties, checkpoints.
 * Included by rocksdb/c.h only, after its types and ROCKSDB_LIBRARY_API. */
#ifndef SHALE_COMPAT_ROCKSDB_C_DB_H
#define SHALE_COMPAT_ROCKSDB_C_DB_H
#ifndef SHALE_COMPAT_ROCKSDB_C_H
#error "include <rocksdb/c.h>, not this file"
#endif

/* ---- Opening and closing ---------------------------------------------------- */
/* A database handle, opened from a directory; every variant returns NULL
 * and sets *errptr on failure. */
extern ROCKSDB_LIBRARY_API rocksdb_t *rocksdb_open(
    const rocksdb_options_t *options, const char *name, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_t *rocksdb_open_with_ttl(
    const rocksdb_options_t *options, const char *name, int ttl, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_t *rocksdb_open_for_read_only(
    const rocksdb_options_t *options, const char *name,
    unsigned char error_if_wal_file_exists, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_t *rocksdb_open_as_secondary(
    const rocksdb_options_t *options, const char *name, const char *secondary_path,
    char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_t *rocksdb_open_and_trim_history(
    const rocksdb_options_t *options, const char *name, int num_column_families,
    const char *const *column_family_names,
    const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles, char *trim_ts,
    size_t trim_tslen, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_t *rocksdb_open_column_families(
    const rocksdb_options_t *options, const char *name, int num_column_families,
    const char *const *column_family_names,
    const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_t *rocksdb_open_column_families_with_ttl(
    const rocksdb_options_t *options, const char *name, int num_column_families,
    const char *const *column_family_names,
    const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles, const int *ttls,
    char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_t *rocksdb_open_for_read_only_column_families(
    const rocksdb_options_t *options, const char *name, int num_column_families,
    const char *const *column_family_names,
    const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles,
    unsigned char error_if_wal_file_exists, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_t *rocksdb_open_as_secondary_column_families(
    const rocksdb_options_t *options, const char *name, const char *secondary_path,
    int num_column_families, const char *const *column_family_names,
    const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_close(rocksdb_t *db);
extern ROCKSDB_LIBRARY_API void rocksdb_destroy_db(
    const rocksdb_options_t *options, const char *name, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_repair_db(
    const rocksdb_options_t *options, const char *name, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_try_catch_up_with_primary(
    rocksdb_t *db, char **errptr);

/* ---- Column families -------------------------------------------------------- */
/* Handles are the caller's; destroy each before rocksdb_close(). */
extern ROCKSDB_LIBRARY_API char **rocksdb_list_column_families(
    const rocksdb_options_t *options, const char *name, size_t *lencf, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_list_column_families_destroy(
    char **list, size_t len);
extern ROCKSDB_LIBRARY_API rocksdb_column_family_handle_t *rocksdb_create_column_family(
    rocksdb_t *db, const rocksdb_options_t *column_family_options,
    const char *column_family_name, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_column_family_handle_t *
rocksdb_create_column_family_with_ttl(
    rocksdb_t *db, const rocksdb_options_t *column_family_options,
    const char *column_family_name, int ttl, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_drop_column_family(
    rocksdb_t *db, rocksdb_column_family_handle_t *handle, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_column_family_handle_destroy(
    rocksdb_column_family_handle_t *);
extern ROCKSDB_LIBRARY_API uint32_t rocksdb_column_family_handle_get_id(
    rocksdb_column_family_handle_t *handle);
extern ROCKSDB_LIBRARY_API char *rocksdb_column_family_handle_get_name(
    rocksdb_column_family_handle_t *handle, size_t *name_len);
extern ROCKSDB_LIBRARY_API void rocksdb_options_set_create_missing_column_families(
    rocksdb_options_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_options_get_create_missing_column_families(
    rocksdb_options_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_writeoptions_set_ignore_missing_column_families(
    rocksdb_writeoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char
rocksdb_writeoptions_get_ignore_missing_column_families(
    rocksdb_writeoptions_t *);
extern ROCKSDB_LIBRARY_API const char *rocksdb_livefiles_column_family_name(
    const rocksdb_livefiles_t *, int index);

/* ---- Writes ----------------------------------------------------------------- */
/* Put, delete, merge and batch writes; *_with_ts variants need user timestamps. */
extern ROCKSDB_LIBRARY_API void rocksdb_put_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key, size_t keylen,
    const char *ts, size_t tslen, const char *val, size_t vallen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_put_cf_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    const char *ts, size_t tslen, const char *val, size_t vallen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_delete_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key, size_t keylen,
    const char *ts, size_t tslen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_delete_cf_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    const char *ts, size_t tslen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_singledelete(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key, size_t keylen,
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_singledelete_cf(
    rocksdb_t *db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_singledelete_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key, size_t keylen,
    const char *ts, size_t tslen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_singledelete_cf_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    const char *ts, size_t tslen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_put(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key, size_t keylen,
    const char *val, size_t vallen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_put_cf(
    rocksdb_t *db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    const char *val, size_t vallen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_delete(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key, size_t keylen,
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_delete_cf(
    rocksdb_t *db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_delete_range_cf(
    rocksdb_t *db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *start_key,
    size_t start_key_len, const char *end_key, size_t end_key_len, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_merge(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key, size_t keylen,
    const char *val, size_t vallen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_merge_cf(
    rocksdb_t *db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    const char *val, size_t vallen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_write(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, rocksdb_writebatch_t *batch,
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_write_writebatch_wi(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, rocksdb_writebatch_wi_t *wbwi,
    char **errptr);

/* ---- Reads ------------------------------------------------------------------ */
/* Values come back malloc'd (free with rocksdb_free()); a missing key is NULL
 * with no error. */
extern ROCKSDB_LIBRARY_API char *rocksdb_get(
    rocksdb_t *db, const rocksdb_readoptions_t *options, const char *key, size_t keylen,
    size_t *vallen, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_get_with_ts(
    rocksdb_t *db, const rocksdb_readoptions_t *options, const char *key, size_t keylen,
    size_t *vallen, char **ts, size_t *tslen, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_get_cf(
    rocksdb_t *db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    size_t *vallen, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_get_cf_with_ts(
    rocksdb_t *db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    size_t *vallen, char **ts, size_t *tslen, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_multi_get(
    rocksdb_t *db, const rocksdb_readoptions_t *options, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **errs);
extern ROCKSDB_LIBRARY_API void rocksdb_multi_get_with_ts(
    rocksdb_t *db, const rocksdb_readoptions_t *options, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **timestamp_list, size_t *timestamp_list_sizes,
    char **errs);
extern ROCKSDB_LIBRARY_API void rocksdb_multi_get_cf(
    rocksdb_t *db, const rocksdb_readoptions_t *options,
    const rocksdb_column_family_handle_t *const *column_families, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **errs);
extern ROCKSDB_LIBRARY_API void rocksdb_multi_get_cf_with_ts(
    rocksdb_t *db, const rocksdb_readoptions_t *options,
    const rocksdb_column_family_handle_t *const *column_families, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **timestamps_list, size_t *timestamps_list_sizes,
    char **errs);
extern ROCKSDB_LIBRARY_API void rocksdb_batched_multi_get_cf(
    rocksdb_t *db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes,
    rocksdb_pinnableslice_t **values, char **errs, const bool sorted_input);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_key_may_exist(
    rocksdb_t *db, const rocksdb_readoptions_t *options, const char *key, size_t key_len,
    char **value, size_t *val_len, const char *timestamp, size_t timestamp_len,
    unsigned char *value_found);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_key_may_exist_cf(
    rocksdb_t *db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t key_len,
    char **value, size_t *val_len, const char *timestamp, size_t timestamp_len,
    unsigned char *value_found);
extern ROCKSDB_LIBRARY_API rocksdb_pinnableslice_t *rocksdb_get_pinned(
    rocksdb_t *db, const rocksdb_readoptions_t *options, const char *key, size_t keylen,
    char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_pinnableslice_t *rocksdb_get_pinned_cf(
    rocksdb_t *db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_pinnableslice_destroy(rocksdb_pinnableslice_t *v);
extern ROCKSDB_LIBRARY_API const char *rocksdb_pinnableslice_value(
    const rocksdb_pinnableslice_t *t, size_t *vlen);

/* ---- Snapshots and iterators ------------------------------------------------ */
/* Iterators borrow the database; key and value live until the next move. */
extern ROCKSDB_LIBRARY_API rocksdb_iterator_t *rocksdb_create_iterator(
    rocksdb_t *db, const rocksdb_readoptions_t *options);
extern ROCKSDB_LIBRARY_API rocksdb_iterator_t *rocksdb_create_iterator_cf(
    rocksdb_t *db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family);
extern ROCKSDB_LIBRARY_API void rocksdb_create_iterators(
    rocksdb_t *db, rocksdb_readoptions_t *opts,
    rocksdb_column_family_handle_t **column_families, rocksdb_iterator_t **iterators,
    size_t size, char **errptr);
extern ROCKSDB_LIBRARY_API const rocksdb_snapshot_t *rocksdb_create_snapshot(
    rocksdb_t *db);
extern ROCKSDB_LIBRARY_API void rocksdb_release_snapshot(
    rocksdb_t *db, const rocksdb_snapshot_t *snapshot);
extern ROCKSDB_LIBRARY_API void rocksdb_iter_destroy(rocksdb_iterator_t *);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_iter_valid(const rocksdb_iterator_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_iter_seek_to_first(rocksdb_iterator_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_iter_seek_to_last(rocksdb_iterator_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_iter_seek(
    rocksdb_iterator_t *, const char *k, size_t klen);
extern ROCKSDB_LIBRARY_API void rocksdb_iter_seek_for_prev(
    rocksdb_iterator_t *, const char *k, size_t klen);
extern ROCKSDB_LIBRARY_API void rocksdb_iter_next(rocksdb_iterator_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_iter_prev(rocksdb_iterator_t *);
extern ROCKSDB_LIBRARY_API const char *rocksdb_iter_key(
    const rocksdb_iterator_t *, size_t *klen);
extern ROCKSDB_LIBRARY_API const char *rocksdb_iter_value(
    const rocksdb_iterator_t *, size_t *vlen);
extern ROCKSDB_LIBRARY_API const char *rocksdb_iter_timestamp(
    const rocksdb_iterator_t *, size_t *tslen);
extern ROCKSDB_LIBRARY_API void rocksdb_iter_get_error(
    const rocksdb_iterator_t *, char **errptr);

/* ---- WAL iteration ---------------------------------------------------------- */
/* Reading the write-ahead log from a sequence number. */
extern ROCKSDB_LIBRARY_API rocksdb_wal_iterator_t *rocksdb_get_updates_since(
    rocksdb_t *db, uint64_t seq_number, const rocksdb_wal_readoptions_t *options,
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_wal_iter_next(rocksdb_wal_iterator_t *iter);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_wal_iter_valid(
    const rocksdb_wal_iterator_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_wal_iter_status(
    const rocksdb_wal_iterator_t *iter, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_writebatch_t *rocksdb_wal_iter_get_batch(
    const rocksdb_wal_iterator_t *iter, uint64_t *seq);
extern ROCKSDB_LIBRARY_API uint64_t rocksdb_get_latest_sequence_number(rocksdb_t *db);
extern ROCKSDB_LIBRARY_API void rocksdb_wal_iter_destroy(
    const rocksdb_wal_iterator_t *iter);

/* ---- Properties, sizes and maintenance -------------------------------------- */
/* Properties are malloc'd strings; maintenance calls block until done. */
extern ROCKSDB_LIBRARY_API void rocksdb_increase_full_history_ts_low(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family, const char *ts_low,
    size_t ts_lowlen, char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_get_full_history_ts_low(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family, size_t *ts_lowlen,
    char **errptr);
extern ROCKSDB_LIBRARY_API char *rocksdb_property_value(
    rocksdb_t *db, const char *propname);
extern ROCKSDB_LIBRARY_API char *rocksdb_property_value_cf(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family, const char *propname);
extern ROCKSDB_LIBRARY_API void rocksdb_approximate_sizes(
    rocksdb_t *db, int num_ranges, const char *const *range_start_key,
    const size_t *range_start_key_len, const char *const *range_limit_key,
    const size_t *range_limit_key_len, uint64_t *sizes, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_approximate_sizes_cf(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family, int num_ranges,
    const char *const *range_start_key, const size_t *range_start_key_len,
    const char *const *range_limit_key, const size_t *range_limit_key_len,
    uint64_t *sizes, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_compact_range(
    rocksdb_t *db, const char *start_key, size_t start_key_len, const char *limit_key,
    size_t limit_key_len);
extern ROCKSDB_LIBRARY_API void rocksdb_compact_range_cf(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family, const char *start_key,
    size_t start_key_len, const char *limit_key, size_t limit_key_len);
extern ROCKSDB_LIBRARY_API void rocksdb_suggest_compact_range(
    rocksdb_t *db, const char *start_key, size_t start_key_len, const char *limit_key,
    size_t limit_key_len, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_suggest_compact_range_cf(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family, const char *start_key,
    size_t start_key_len, const char *limit_key, size_t limit_key_len, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_compact_range_opt(
    rocksdb_t *db, rocksdb_compactoptions_t *opt, const char *start_key,
    size_t start_key_len, const char *limit_key, size_t limit_key_len);
extern ROCKSDB_LIBRARY_API void rocksdb_compact_range_cf_opt(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family,
    rocksdb_compactoptions_t *opt, const char *start_key, size_t start_key_len,
    const char *limit_key, size_t limit_key_len);
extern ROCKSDB_LIBRARY_API void rocksdb_delete_file(rocksdb_t *db, const char *name);
extern ROCKSDB_LIBRARY_API const rocksdb_livefiles_t *rocksdb_livefiles(rocksdb_t *db);
extern ROCKSDB_LIBRARY_API void rocksdb_flush(
    rocksdb_t *db, const rocksdb_flushoptions_t *options, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_flush_cf(
    rocksdb_t *db, const rocksdb_flushoptions_t *options,
    rocksdb_column_family_handle_t *column_family, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_flush_wal(
    rocksdb_t *db, unsigned char sync, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_disable_file_deletions(
    rocksdb_t *db, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_enable_file_deletions(
    rocksdb_t *db, unsigned char force, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_set_options(
    rocksdb_t *db, int count, const char *const keys[], const char *const values[],
    char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_set_options_cf(
    rocksdb_t *db, rocksdb_column_family_handle_t *handle, int count,
    const char *const keys[], const char *const values[], char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_flushoptions_t *rocksdb_flushoptions_create(void);
extern ROCKSDB_LIBRARY_API void rocksdb_flushoptions_destroy(rocksdb_flushoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_flushoptions_set_wait(
    rocksdb_flushoptions_t *, unsigned char);
extern ROCKSDB_LIBRARY_API unsigned char rocksdb_flushoptions_get_wait(
    rocksdb_flushoptions_t *);
extern ROCKSDB_LIBRARY_API void rocksdb_delete_file_in_range(
    rocksdb_t *db, const char *start_key, size_t start_key_len, const char *limit_key,
    size_t limit_key_len, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_delete_file_in_range_cf(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family, const char *start_key,
    size_t start_key_len, const char *limit_key, size_t limit_key_len, char **errptr);
extern ROCKSDB_LIBRARY_API rocksdb_column_family_metadata_t *
rocksdb_get_column_family_metadata(
    rocksdb_t *db);
extern ROCKSDB_LIBRARY_API rocksdb_column_family_metadata_t *
rocksdb_get_column_family_metadata_cf(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family);
extern ROCKSDB_LIBRARY_API void rocksdb_cancel_all_background_work(
    rocksdb_t *db, unsigned char wait);
extern ROCKSDB_LIBRARY_API void rocksdb_disable_manual_compaction(rocksdb_t *db);
extern ROCKSDB_LIBRARY_API void rocksdb_enable_manual_compaction(rocksdb_t *db);

/* ---- Checkpoints ------------------------------------------------------------ */
/* A consistent copy of an open database in another directory. */
extern ROCKSDB_LIBRARY_API rocksdb_checkpoint_t *rocksdb_checkpoint_object_create(
    rocksdb_t *db, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_checkpoint_create(
    rocksdb_checkpoint_t *checkpoint, const char *checkpoint_dir,
    uint64_t log_size_for_flush, char **errptr);
extern ROCKSDB_LIBRARY_API void rocksdb_checkpoint_object_destroy(
    rocksdb_checkpoint_t *checkpoint);

#endif
