/* compat/rocksdb/c_unsupported.c: the C API features shale does not
 * provide: the backup engine, cuckoo and plain tables, TTL, read-only and
 * secondary instances, user-defined timestamps, WAL iteration, the
 * performance context, memory usage reports, options files and strings,
 * file deletion by name or range, SetOptions, and (until
 * checkpoints.
 *
 * Every call is defined so programs link.  A call with an errptr stores
 * "Not implemented: <feature>"; constructors and opens return NULL;
 * getters return 0 or NULL and set length outputs to 0; destroys accept
 * anything.  None dereferences its arguments beyond those outputs. */
#include "compat/rocksdb/c_internal.h"

#include <stddef.h>

/* --- TTL databases ------------------------------------------------------------------- */
/* compat: not implemented: TTL databases */
rocksdb_t *rocksdb_open_with_ttl(
    const rocksdb_options_t *options, const char *name, int ttl, char **errptr)
{
    (void)options, (void)name, (void)ttl;
    compat_not_implemented(errptr, "TTL databases");
    return NULL;
}

/* compat: not implemented: TTL databases */
rocksdb_t *rocksdb_open_column_families_with_ttl(
    const rocksdb_options_t *options, const char *name, int num_column_families,
    const char *const *column_family_names, const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles, const int *ttls, char **errptr)
{
    (void)options, (void)name, (void)num_column_families, (void)column_family_names;
    (void)column_family_options, (void)column_family_handles, (void)ttls;
    compat_not_implemented(errptr, "TTL databases");
    return NULL;
}

/* compat: not implemented: TTL databases */
rocksdb_column_family_handle_t *rocksdb_create_column_family_with_ttl(
    rocksdb_t *db, const rocksdb_options_t *column_family_options, const char *column_family_name,
    int ttl, char **errptr)
{
    (void)db, (void)column_family_options, (void)column_family_name, (void)ttl;
    compat_not_implemented(errptr, "TTL databases");
    return NULL;
}


/* --- read-only and secondary instances ----------------------------------------------- */
/* compat: not implemented: read-only and secondary instances */
rocksdb_t *rocksdb_open_for_read_only(
    const rocksdb_options_t *options, const char *name, unsigned char error_if_wal_file_exists,
    char ** errptr)
{
    (void)options, (void)name, (void)error_if_wal_file_exists;
    compat_not_implemented(errptr, "read-only and secondary instances");
    return NULL;
}

/* compat: not implemented: read-only and secondary instances */
rocksdb_t *rocksdb_open_as_secondary(
    const rocksdb_options_t *options, const char *name, const char *secondary_path, char **errptr)
{
    (void)options, (void)name, (void)secondary_path;
    compat_not_implemented(errptr, "read-only and secondary instances");
    return NULL;
}

/* compat: not implemented: read-only and secondary instances */
rocksdb_t *rocksdb_open_for_read_only_column_families(
    const rocksdb_options_t *options, const char *name, int num_column_families,
    const char *const *column_family_names, const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles,
    unsigned char error_if_wal_file_exists, char **errptr)
{
    (void)options, (void)name, (void)num_column_families, (void)column_family_names;
    (void)column_family_options, (void)column_family_handles, (void)error_if_wal_file_exists;
    compat_not_implemented(errptr, "read-only and secondary instances");
    return NULL;
}

/* compat: not implemented: read-only and secondary instances */
rocksdb_t *rocksdb_open_as_secondary_column_families(
    const rocksdb_options_t *options, const char *name, const char *secondary_path,
    int num_column_families, const char *const *column_family_names,
    const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles, char **errptr)
{
    (void)options, (void)name, (void)secondary_path, (void)num_column_families;
    (void)column_family_names, (void)column_family_options, (void)column_family_handles;
    compat_not_implemented(errptr, "read-only and secondary instances");
    return NULL;
}

/* compat: not implemented: read-only and secondary instances */
void rocksdb_try_catch_up_with_primary(rocksdb_t *db, char **errptr)
{
    (void)db;
    compat_not_implemented(errptr, "read-only and secondary instances");
}


/* --- user-defined timestamps --------------------------------------------------------- */
/* compat: not implemented: user-defined timestamps */
rocksdb_t *rocksdb_open_and_trim_history(
    const rocksdb_options_t *options, const char *name, int num_column_families,
    const char *const *column_family_names, const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles, char *trim_ts, size_t trim_tslen,
    char ** errptr)
{
    (void)options, (void)name, (void)num_column_families, (void)column_family_names;
    (void)column_family_options, (void)column_family_handles, (void)trim_ts, (void)trim_tslen;
    compat_not_implemented(errptr, "user-defined timestamps");
    return NULL;
}

/* compat: not implemented: user-defined timestamps */
void rocksdb_put_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key, size_t keylen,
    const char *ts, size_t tslen, const char *val, size_t vallen, char **errptr)
{
    (void)db, (void)options, (void)key, (void)keylen, (void)ts, (void)tslen, (void)val;
    (void)vallen;
    compat_not_implemented(errptr, "user-defined timestamps");
}

/* compat: not implemented: user-defined timestamps */
void rocksdb_put_cf_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen, const char *ts,
    size_t tslen, const char *val, size_t vallen, char **errptr)
{
    (void)db, (void)options, (void)column_family, (void)key, (void)keylen, (void)ts, (void)tslen;
    (void)val, (void)vallen;
    compat_not_implemented(errptr, "user-defined timestamps");
}

/* compat: not implemented: user-defined timestamps */
void rocksdb_delete_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key, size_t keylen,
    const char *ts, size_t tslen, char **errptr)
{
    (void)db, (void)options, (void)key, (void)keylen, (void)ts, (void)tslen;
    compat_not_implemented(errptr, "user-defined timestamps");
}

/* compat: not implemented: user-defined timestamps */
void rocksdb_delete_cf_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen, const char *ts,
    size_t tslen, char **errptr)
{
    (void)db, (void)options, (void)column_family, (void)key, (void)keylen, (void)ts, (void)tslen;
    compat_not_implemented(errptr, "user-defined timestamps");
}

/* compat: not implemented: user-defined timestamps */
void rocksdb_singledelete_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key, size_t keylen,
    const char *ts, size_t tslen, char **errptr)
{
    (void)db, (void)options, (void)key, (void)keylen, (void)ts, (void)tslen;
    compat_not_implemented(errptr, "user-defined timestamps");
}

/* compat: not implemented: user-defined timestamps */
void rocksdb_singledelete_cf_with_ts(
    rocksdb_t *db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen, const char *ts,
    size_t tslen, char **errptr)
{
    (void)db, (void)options, (void)column_family, (void)key, (void)keylen, (void)ts, (void)tslen;
    compat_not_implemented(errptr, "user-defined timestamps");
}

/* compat: not implemented: user-defined timestamps */
char *rocksdb_get_with_ts(
    rocksdb_t *db, const rocksdb_readoptions_t *options, const char *key, size_t keylen,
    size_t *vallen, char **ts, size_t *tslen, char **errptr)
{
    (void)db, (void)options, (void)key, (void)keylen, (void)ts;
    if (vallen != NULL)
        *vallen = 0;
    if (tslen != NULL)
        *tslen = 0;
    compat_not_implemented(errptr, "user-defined timestamps");
    return NULL;
}

/* compat: not implemented: user-defined timestamps */
char *rocksdb_get_cf_with_ts(
    rocksdb_t *db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen, size_t *vallen,
    char **ts, size_t *tslen, char **errptr)
{
    (void)db, (void)options, (void)column_family, (void)key, (void)keylen, (void)ts;
    if (vallen != NULL)
        *vallen = 0;
    if (tslen != NULL)
        *tslen = 0;
    compat_not_implemented(errptr, "user-defined timestamps");
    return NULL;
}

/* compat: not implemented: user-defined timestamps */
void rocksdb_multi_get_with_ts(
    rocksdb_t *db, const rocksdb_readoptions_t *options, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **timestamp_list, size_t *timestamp_list_sizes, char **errs)
{
    (void)db, (void)options, (void)num_keys, (void)keys_list, (void)keys_list_sizes;
    (void)values_list, (void)timestamp_list, (void)errs;
    if (values_list_sizes != NULL)
        *values_list_sizes = 0;
    if (timestamp_list_sizes != NULL)
        *timestamp_list_sizes = 0;
}

/* compat: not implemented: user-defined timestamps */
void rocksdb_multi_get_cf_with_ts(
    rocksdb_t *db, const rocksdb_readoptions_t *options,
    const rocksdb_column_family_handle_t *const *column_families, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **timestamps_list, size_t *timestamps_list_sizes, char **errs)
{
    (void)db, (void)options, (void)column_families, (void)num_keys, (void)keys_list;
    (void)keys_list_sizes, (void)values_list, (void)timestamps_list, (void)errs;
    if (values_list_sizes != NULL)
        *values_list_sizes = 0;
    if (timestamps_list_sizes != NULL)
        *timestamps_list_sizes = 0;
}

/* compat: not implemented: user-defined timestamps */
void rocksdb_increase_full_history_ts_low(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family, const char *ts_low,
    size_t ts_lowlen, char **errptr)
{
    (void)db, (void)column_family, (void)ts_low, (void)ts_lowlen;
    compat_not_implemented(errptr, "user-defined timestamps");
}

/* compat: not implemented: user-defined timestamps */
char *rocksdb_get_full_history_ts_low(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family, size_t *ts_lowlen, char **errptr)
{
    (void)db, (void)column_family;
    if (ts_lowlen != NULL)
        *ts_lowlen = 0;
    compat_not_implemented(errptr, "user-defined timestamps");
    return NULL;
}


/* --- RepairDB ------------------------------------------------------------------------ */
/* compat: not implemented: RepairDB */
void rocksdb_repair_db(const rocksdb_options_t *options, const char *name, char **errptr)
{
    (void)options, (void)name;
    compat_not_implemented(errptr, "RepairDB");
}


/* --- WAL iteration (GetUpdatesSince) ------------------------------------------------- */
/* compat: not implemented: WAL iteration (GetUpdatesSince) */
rocksdb_wal_iterator_t *rocksdb_get_updates_since(
    rocksdb_t *db, uint64_t seq_number, const rocksdb_wal_readoptions_t *options, char **errptr)
{
    (void)db, (void)seq_number, (void)options;
    compat_not_implemented(errptr, "WAL iteration (GetUpdatesSince)");
    return NULL;
}

/* compat: not implemented: WAL iteration (GetUpdatesSince) */
void rocksdb_wal_iter_next(rocksdb_wal_iterator_t *iter)
{
    (void)iter;
}

/* compat: not implemented: WAL iteration (GetUpdatesSince) */
unsigned char rocksdb_wal_iter_valid(const rocksdb_wal_iterator_t *p0)
{
    (void)p0;
    return 0;
}

/* compat: not implemented: WAL iteration (GetUpdatesSince) */
void rocksdb_wal_iter_status(const rocksdb_wal_iterator_t *iter, char **errptr)
{
    (void)iter;
    compat_not_implemented(errptr, "WAL iteration (GetUpdatesSince)");
}

/* compat: not implemented: WAL iteration (GetUpdatesSince) */
rocksdb_writebatch_t *rocksdb_wal_iter_get_batch(const rocksdb_wal_iterator_t *iter, uint64_t *seq)
{
    (void)iter, (void)seq;
    return NULL;
}

/* compat: not implemented: WAL iteration (GetUpdatesSince) */
void rocksdb_wal_iter_destroy(const rocksdb_wal_iterator_t *iter)
{
    (void)iter;
}


/* --- DeleteFile ---------------------------------------------------------------------- */
/* compat: not implemented: DeleteFile */
void rocksdb_delete_file(rocksdb_t *db, const char *name)
{
    (void)db, (void)name;
}


/* --- SetOptions (options are fixed at open) ------------------------------------------ */
/* compat: not implemented: SetOptions (options are fixed at open) */
void rocksdb_set_options(
    rocksdb_t *db, int count, const char *const keys[], const char *const values[], char **errptr)
{
    (void)db, (void)count, (void)keys, (void)values;
    compat_not_implemented(errptr, "SetOptions (options are fixed at open)");
}

/* compat: not implemented: SetOptions (options are fixed at open) */
void rocksdb_set_options_cf(
    rocksdb_t *db, rocksdb_column_family_handle_t *handle, int count, const char *const keys[],
    const char *const values[], char **errptr)
{
    (void)db, (void)handle, (void)count, (void)keys, (void)values;
    compat_not_implemented(errptr, "SetOptions (options are fixed at open)");
}


/* --- DeleteFilesInRange -------------------------------------------------------------- */
/* compat: not implemented: DeleteFilesInRange */
void rocksdb_delete_file_in_range(
    rocksdb_t *db, const char *start_key, size_t start_key_len, const char *limit_key,
    size_t limit_key_len, char **errptr)
{
    (void)db, (void)start_key, (void)start_key_len, (void)limit_key, (void)limit_key_len;
    compat_not_implemented(errptr, "DeleteFilesInRange");
}

/* compat: not implemented: DeleteFilesInRange */
void rocksdb_delete_file_in_range_cf(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family, const char *start_key,
    size_t start_key_len, const char *limit_key, size_t limit_key_len, char **errptr)
{
    (void)db, (void)column_family, (void)start_key, (void)start_key_len, (void)limit_key;
    (void)limit_key_len;
    compat_not_implemented(errptr, "DeleteFilesInRange");
}





/* --- the backup engine --------------------------------------------------------------- */
/* compat: not implemented: the backup engine */
rocksdb_backup_engine_t *rocksdb_backup_engine_open(
    const rocksdb_options_t *options, const char *path, char **errptr)
{
    (void)options, (void)path;
    compat_not_implemented(errptr, "the backup engine");
    return NULL;
}

/* compat: not implemented: the backup engine */
rocksdb_backup_engine_t *rocksdb_backup_engine_open_opts(
    const rocksdb_backup_engine_options_t *options, rocksdb_env_t *env, char **errptr)
{
    (void)options, (void)env;
    compat_not_implemented(errptr, "the backup engine");
    return NULL;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_create_new_backup(
    rocksdb_backup_engine_t *be, rocksdb_t *db, char **errptr)
{
    (void)be, (void)db;
    compat_not_implemented(errptr, "the backup engine");
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_create_new_backup_flush(
    rocksdb_backup_engine_t *be, rocksdb_t *db, unsigned char flush_before_backup, char **errptr)
{
    (void)be, (void)db, (void)flush_before_backup;
    compat_not_implemented(errptr, "the backup engine");
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_purge_old_backups(
    rocksdb_backup_engine_t *be, uint32_t num_backups_to_keep, char **errptr)
{
    (void)be, (void)num_backups_to_keep;
    compat_not_implemented(errptr, "the backup engine");
}

/* compat: not implemented: the backup engine */
rocksdb_restore_options_t *rocksdb_restore_options_create(void)
{
    return NULL;
}

/* compat: not implemented: the backup engine */
void rocksdb_restore_options_destroy(rocksdb_restore_options_t *opt)
{
    (void)opt;
}

/* compat: not implemented: the backup engine */
void rocksdb_restore_options_set_keep_log_files(rocksdb_restore_options_t *opt, int v)
{
    (void)opt, (void)v;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_verify_backup(
    rocksdb_backup_engine_t *be, uint32_t backup_id, char **errptr)
{
    (void)be, (void)backup_id;
    compat_not_implemented(errptr, "the backup engine");
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_restore_db_from_latest_backup(
    rocksdb_backup_engine_t *be, const char *db_dir, const char *wal_dir,
    const rocksdb_restore_options_t *restore_options, char **errptr)
{
    (void)be, (void)db_dir, (void)wal_dir, (void)restore_options;
    compat_not_implemented(errptr, "the backup engine");
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_restore_db_from_backup(
    rocksdb_backup_engine_t *be, const char *db_dir, const char *wal_dir,
    const rocksdb_restore_options_t *restore_options, const uint32_t backup_id, char **errptr)
{
    (void)be, (void)db_dir, (void)wal_dir, (void)restore_options, (void)backup_id;
    compat_not_implemented(errptr, "the backup engine");
}

/* compat: not implemented: the backup engine */
const rocksdb_backup_engine_info_t *rocksdb_backup_engine_get_backup_info(
    rocksdb_backup_engine_t * be)
{
    (void)be;
    return NULL;
}

/* compat: not implemented: the backup engine */
int rocksdb_backup_engine_info_count(const rocksdb_backup_engine_info_t *info)
{
    (void)info;
    return 0;
}

/* compat: not implemented: the backup engine */
int64_t rocksdb_backup_engine_info_timestamp(const rocksdb_backup_engine_info_t *info, int index)
{
    (void)info, (void)index;
    return 0;
}

/* compat: not implemented: the backup engine */
uint32_t rocksdb_backup_engine_info_backup_id(const rocksdb_backup_engine_info_t *info, int index)
{
    (void)info, (void)index;
    return 0;
}

/* compat: not implemented: the backup engine */
uint64_t rocksdb_backup_engine_info_size(const rocksdb_backup_engine_info_t *info, int index)
{
    (void)info, (void)index;
    return 0;
}

/* compat: not implemented: the backup engine */
uint32_t rocksdb_backup_engine_info_number_files(
    const rocksdb_backup_engine_info_t *info, int index)
{
    (void)info, (void)index;
    return 0;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_info_destroy(const rocksdb_backup_engine_info_t *info)
{
    (void)info;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_close(rocksdb_backup_engine_t *be)
{
    (void)be;
}

/* compat: not implemented: the backup engine */
rocksdb_backup_engine_options_t *rocksdb_backup_engine_options_create(const char *backup_dir)
{
    (void)backup_dir;
    return NULL;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_backup_dir(
    rocksdb_backup_engine_options_t *options, const char *backup_dir)
{
    (void)options, (void)backup_dir;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_env(
    rocksdb_backup_engine_options_t *options, rocksdb_env_t *env)
{
    (void)options, (void)env;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_share_table_files(
    rocksdb_backup_engine_options_t *options, unsigned char val)
{
    (void)options, (void)val;
}

/* compat: not implemented: the backup engine */
unsigned char rocksdb_backup_engine_options_get_share_table_files(
    rocksdb_backup_engine_options_t * options)
{
    (void)options;
    return 0;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_sync(
    rocksdb_backup_engine_options_t *options, unsigned char val)
{
    (void)options, (void)val;
}

/* compat: not implemented: the backup engine */
unsigned char rocksdb_backup_engine_options_get_sync(rocksdb_backup_engine_options_t *options)
{
    (void)options;
    return 0;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_destroy_old_data(
    rocksdb_backup_engine_options_t *options, unsigned char val)
{
    (void)options, (void)val;
}

/* compat: not implemented: the backup engine */
unsigned char rocksdb_backup_engine_options_get_destroy_old_data(
    rocksdb_backup_engine_options_t * options)
{
    (void)options;
    return 0;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_backup_log_files(
    rocksdb_backup_engine_options_t *options, unsigned char val)
{
    (void)options, (void)val;
}

/* compat: not implemented: the backup engine */
unsigned char rocksdb_backup_engine_options_get_backup_log_files(
    rocksdb_backup_engine_options_t * options)
{
    (void)options;
    return 0;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_backup_rate_limit(
    rocksdb_backup_engine_options_t *options, uint64_t limit)
{
    (void)options, (void)limit;
}

/* compat: not implemented: the backup engine */
uint64_t rocksdb_backup_engine_options_get_backup_rate_limit(
    rocksdb_backup_engine_options_t * options)
{
    (void)options;
    return 0;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_restore_rate_limit(
    rocksdb_backup_engine_options_t *options, uint64_t limit)
{
    (void)options, (void)limit;
}

/* compat: not implemented: the backup engine */
uint64_t rocksdb_backup_engine_options_get_restore_rate_limit(
    rocksdb_backup_engine_options_t * options)
{
    (void)options;
    return 0;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_max_background_operations(
    rocksdb_backup_engine_options_t *options, int val)
{
    (void)options, (void)val;
}

/* compat: not implemented: the backup engine */
int rocksdb_backup_engine_options_get_max_background_operations(
    rocksdb_backup_engine_options_t * options)
{
    (void)options;
    return 0;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_callback_trigger_interval_size(
    rocksdb_backup_engine_options_t *options, uint64_t size)
{
    (void)options, (void)size;
}

/* compat: not implemented: the backup engine */
uint64_t rocksdb_backup_engine_options_get_callback_trigger_interval_size(
    rocksdb_backup_engine_options_t * options)
{
    (void)options;
    return 0;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_max_valid_backups_to_open(
    rocksdb_backup_engine_options_t *options, int val)
{
    (void)options, (void)val;
}

/* compat: not implemented: the backup engine */
int rocksdb_backup_engine_options_get_max_valid_backups_to_open(
    rocksdb_backup_engine_options_t * options)
{
    (void)options;
    return 0;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_set_share_files_with_checksum_naming(
    rocksdb_backup_engine_options_t *options, int val)
{
    (void)options, (void)val;
}

/* compat: not implemented: the backup engine */
int rocksdb_backup_engine_options_get_share_files_with_checksum_naming(
    rocksdb_backup_engine_options_t * options)
{
    (void)options;
    return 0;
}

/* compat: not implemented: the backup engine */
void rocksdb_backup_engine_options_destroy(rocksdb_backup_engine_options_t *p0)
{
    (void)p0;
}


/* --- options files and strings ------------------------------------------------------- */
/* compat: not implemented: options files and strings */
void rocksdb_load_latest_options(
    const char *db_path, rocksdb_env_t *env, bool ignore_unknown_options, rocksdb_cache_t *cache,
    rocksdb_options_t **db_options, size_t *num_column_families, char ***column_family_names,
    rocksdb_options_t ***column_family_options, char **errptr)
{
    (void)db_path, (void)env, (void)ignore_unknown_options, (void)cache, (void)db_options;
    (void)column_family_names, (void)column_family_options;
    if (num_column_families != NULL)
        *num_column_families = 0;
    compat_not_implemented(errptr, "options files and strings");
}

/* compat: not implemented: options files and strings */
void rocksdb_load_latest_options_destroy(
    rocksdb_options_t *db_options, char **list_column_family_names,
    rocksdb_options_t **list_column_family_options, size_t len)
{
    (void)db_options, (void)list_column_family_names, (void)list_column_family_options, (void)len;
}

/* compat: not implemented: options files and strings */
void rocksdb_get_options_from_string(
    const rocksdb_options_t *base_options, const char *opts_str, rocksdb_options_t *new_options,
    char ** errptr)
{
    (void)base_options, (void)opts_str, (void)new_options;
    compat_not_implemented(errptr, "options files and strings");
}


/* --- cuckoo tables ------------------------------------------------------------------- */
/* compat: not implemented: cuckoo tables */
rocksdb_cuckoo_table_options_t *rocksdb_cuckoo_options_create(void)
{
    return NULL;
}

/* compat: not implemented: cuckoo tables */
void rocksdb_cuckoo_options_destroy(rocksdb_cuckoo_table_options_t *options)
{
    (void)options;
}

/* compat: not implemented: cuckoo tables */
void rocksdb_cuckoo_options_set_hash_ratio(rocksdb_cuckoo_table_options_t *options, double v)
{
    (void)options, (void)v;
}

/* compat: not implemented: cuckoo tables */
void rocksdb_cuckoo_options_set_max_search_depth(
    rocksdb_cuckoo_table_options_t *options, uint32_t v)
{
    (void)options, (void)v;
}

/* compat: not implemented: cuckoo tables */
void rocksdb_cuckoo_options_set_cuckoo_block_size(
    rocksdb_cuckoo_table_options_t *options, uint32_t v)
{
    (void)options, (void)v;
}

/* compat: not implemented: cuckoo tables */
void rocksdb_cuckoo_options_set_identity_as_first_hash(
    rocksdb_cuckoo_table_options_t *options, unsigned char v)
{
    (void)options, (void)v;
}

/* compat: not implemented: cuckoo tables */
void rocksdb_cuckoo_options_set_use_module_hash(
    rocksdb_cuckoo_table_options_t *options, unsigned char v)
{
    (void)options, (void)v;
}

/* compat: not implemented: cuckoo tables */
void rocksdb_options_set_cuckoo_table_factory(
    rocksdb_options_t *opt, rocksdb_cuckoo_table_options_t *table_options)
{
    (void)opt, (void)table_options;
}


/* --- plain tables (block-based tables are written) ----------------------------------- */
/* compat: not implemented: plain tables (block-based tables are written) */
void rocksdb_options_set_plain_table_factory(
    rocksdb_options_t *p0, uint32_t p1, int p2, double p3, size_t p4)
{
    (void)p0, (void)p1, (void)p2, (void)p3, (void)p4;
}


/* --- the performance context --------------------------------------------------------- */
/* compat: not implemented: the performance context */
rocksdb_perfcontext_t *rocksdb_perfcontext_create(void)
{
    return NULL;
}

/* compat: not implemented: the performance context */
void rocksdb_perfcontext_reset(rocksdb_perfcontext_t *context)
{
    (void)context;
}

/* compat: not implemented: the performance context */
char *rocksdb_perfcontext_report(
    rocksdb_perfcontext_t *context, unsigned char exclude_zero_counters)
{
    (void)context, (void)exclude_zero_counters;
    return NULL;
}

/* compat: not implemented: the performance context */
uint64_t rocksdb_perfcontext_metric(rocksdb_perfcontext_t *context, int metric)
{
    (void)context, (void)metric;
    return 0;
}

/* compat: not implemented: the performance context */
void rocksdb_perfcontext_destroy(rocksdb_perfcontext_t *context)
{
    (void)context;
}


/* --- memory usage reports ------------------------------------------------------------ */
/* compat: not implemented: memory usage reports */
rocksdb_memory_consumers_t *rocksdb_memory_consumers_create(void)
{
    return NULL;
}

/* compat: not implemented: memory usage reports */
void rocksdb_memory_consumers_add_db(rocksdb_memory_consumers_t *consumers, rocksdb_t *db)
{
    (void)consumers, (void)db;
}

/* compat: not implemented: memory usage reports */
void rocksdb_memory_consumers_add_cache(
    rocksdb_memory_consumers_t *consumers, rocksdb_cache_t *cache)
{
    (void)consumers, (void)cache;
}

/* compat: not implemented: memory usage reports */
void rocksdb_memory_consumers_destroy(rocksdb_memory_consumers_t *consumers)
{
    (void)consumers;
}

/* compat: not implemented: memory usage reports */
rocksdb_memory_usage_t *rocksdb_approximate_memory_usage_create(
    rocksdb_memory_consumers_t *consumers, char **errptr)
{
    (void)consumers;
    compat_not_implemented(errptr, "memory usage reports");
    return NULL;
}

/* compat: not implemented: memory usage reports */
void rocksdb_approximate_memory_usage_destroy(rocksdb_memory_usage_t *usage)
{
    (void)usage;
}

/* compat: not implemented: memory usage reports */
uint64_t rocksdb_approximate_memory_usage_get_mem_table_total(rocksdb_memory_usage_t *memory_usage)
{
    (void)memory_usage;
    return 0;
}

/* compat: not implemented: memory usage reports */
uint64_t rocksdb_approximate_memory_usage_get_mem_table_unflushed(
    rocksdb_memory_usage_t * memory_usage)
{
    (void)memory_usage;
    return 0;
}

/* compat: not implemented: memory usage reports */
uint64_t rocksdb_approximate_memory_usage_get_mem_table_readers_total(
    rocksdb_memory_usage_t * memory_usage)
{
    (void)memory_usage;
    return 0;
}

/* compat: not implemented: memory usage reports */
uint64_t rocksdb_approximate_memory_usage_get_cache_total(rocksdb_memory_usage_t *memory_usage)
{
    (void)memory_usage;
    return 0;
}
