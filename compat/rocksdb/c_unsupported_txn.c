/* compat/rocksdb/c_unsupported_txn.c: the C API's transactions (pessimistic
 * and optimistic) and write batches with index, which shale does not
 * provide.
 *
 * Every call is defined so programs link.  A call with an errptr stores
 * "Not implemented: <feature>"; constructors return NULL, so the objects
 * can never exist and every other call on them is unreachable in a
 * correct program; getters return 0 or NULL and set length outputs to 0,
 * destroys accept anything.  None dereferences its arguments. */
#include "compat/rocksdb/c_internal.h"

#include <stddef.h>

/* --- transactions -------------------------------------------------------------------- */
/* compat: not implemented: transactions */
rocksdb_column_family_handle_t *rocksdb_transactiondb_create_column_family(
    rocksdb_transactiondb_t *txn_db, const rocksdb_options_t *column_family_options,
    const char *column_family_name, char **errptr)
{
    (void)txn_db, (void)column_family_options, (void)column_family_name;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_transactiondb_t *rocksdb_transactiondb_open_column_families(
    const rocksdb_options_t *options, const rocksdb_transactiondb_options_t *txn_db_options,
    const char *name, int num_column_families, const char *const *column_family_names,
    const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles, char **errptr)
{
    (void)options, (void)txn_db_options, (void)name, (void)num_column_families;
    (void)column_family_names, (void)column_family_options, (void)column_family_handles;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_transactiondb_t *rocksdb_transactiondb_open(
    const rocksdb_options_t *options, const rocksdb_transactiondb_options_t *txn_db_options,
    const char *name, char **errptr)
{
    (void)options, (void)txn_db_options, (void)name;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
const rocksdb_snapshot_t *rocksdb_transactiondb_create_snapshot(rocksdb_transactiondb_t *txn_db)
{
    (void)txn_db;
    return NULL;
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_release_snapshot(
    rocksdb_transactiondb_t *txn_db, const rocksdb_snapshot_t *snapshot)
{
    (void)txn_db, (void)snapshot;
}

/* compat: not implemented: transactions */
char *rocksdb_transactiondb_property_value(rocksdb_transactiondb_t *db, const char *propname)
{
    (void)db, (void)propname;
    return NULL;
}

/* compat: not implemented: transactions */
int rocksdb_transactiondb_property_int(
    rocksdb_transactiondb_t *db, const char *propname, uint64_t *out_val)
{
    (void)db, (void)propname, (void)out_val;
    return 0;
}

/* compat: not implemented: transactions */
rocksdb_transaction_t *rocksdb_transaction_begin(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *write_options,
    const rocksdb_transaction_options_t *txn_options, rocksdb_transaction_t *old_txn)
{
    (void)txn_db, (void)write_options, (void)txn_options, (void)old_txn;
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_transaction_t **rocksdb_transactiondb_get_prepared_transactions(
    rocksdb_transactiondb_t *txn_db, size_t *cnt)
{
    (void)txn_db;
    if (cnt != NULL)
        *cnt = 0;
    return NULL;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_set_name(
    rocksdb_transaction_t *txn, const char *name, size_t name_len, char **errptr)
{
    (void)txn, (void)name, (void)name_len;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
char *rocksdb_transaction_get_name(rocksdb_transaction_t *txn, size_t *name_len)
{
    (void)txn;
    if (name_len != NULL)
        *name_len = 0;
    return NULL;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_prepare(rocksdb_transaction_t *txn, char **errptr)
{
    (void)txn;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transaction_commit(rocksdb_transaction_t *txn, char **errptr)
{
    (void)txn;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transaction_rollback(rocksdb_transaction_t *txn, char **errptr)
{
    (void)txn;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transaction_set_savepoint(rocksdb_transaction_t *txn)
{
    (void)txn;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_rollback_to_savepoint(rocksdb_transaction_t *txn, char **errptr)
{
    (void)txn;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transaction_destroy(rocksdb_transaction_t *txn)
{
    (void)txn;
}

/* compat: not implemented: transactions */
rocksdb_writebatch_wi_t *rocksdb_transaction_get_writebatch_wi(rocksdb_transaction_t *txn)
{
    (void)txn;
    return NULL;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_rebuild_from_writebatch(
    rocksdb_transaction_t *txn, rocksdb_writebatch_t *writebatch, char **errptr)
{
    (void)txn, (void)writebatch;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transaction_rebuild_from_writebatch_wi(
    rocksdb_transaction_t *txn, rocksdb_writebatch_wi_t *wi, char **errptr)
{
    (void)txn, (void)wi;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transaction_set_commit_timestamp(
    rocksdb_transaction_t *txn, uint64_t commit_timestamp)
{
    (void)txn, (void)commit_timestamp;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_set_read_timestamp_for_validation(
    rocksdb_transaction_t *txn, uint64_t read_timestamp)
{
    (void)txn, (void)read_timestamp;
}

/* compat: not implemented: transactions */
const rocksdb_snapshot_t *rocksdb_transaction_get_snapshot(rocksdb_transaction_t *txn)
{
    (void)txn;
    return NULL;
}

/* compat: not implemented: transactions */
char *rocksdb_transaction_get(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options, const char *key,
    size_t klen, size_t *vlen, char **errptr)
{
    (void)txn, (void)options, (void)key, (void)klen;
    if (vlen != NULL)
        *vlen = 0;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_pinnableslice_t *rocksdb_transaction_get_pinned(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options, const char *key,
    size_t klen, char **errptr)
{
    (void)txn, (void)options, (void)key, (void)klen;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
char *rocksdb_transaction_get_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t klen, size_t *vlen,
    char ** errptr)
{
    (void)txn, (void)options, (void)column_family, (void)key, (void)klen;
    if (vlen != NULL)
        *vlen = 0;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_pinnableslice_t *rocksdb_transaction_get_pinned_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t klen, char **errptr)
{
    (void)txn, (void)options, (void)column_family, (void)key, (void)klen;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
char *rocksdb_transaction_get_for_update(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options, const char *key,
    size_t klen, size_t *vlen, unsigned char exclusive, char **errptr)
{
    (void)txn, (void)options, (void)key, (void)klen, (void)exclusive;
    if (vlen != NULL)
        *vlen = 0;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_pinnableslice_t *rocksdb_transaction_get_pinned_for_update(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options, const char *key,
    size_t klen, unsigned char exclusive, char **errptr)
{
    (void)txn, (void)options, (void)key, (void)klen, (void)exclusive;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
char *rocksdb_transaction_get_for_update_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t klen, size_t *vlen,
    unsigned char exclusive, char **errptr)
{
    (void)txn, (void)options, (void)column_family, (void)key, (void)klen, (void)exclusive;
    if (vlen != NULL)
        *vlen = 0;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_pinnableslice_t *rocksdb_transaction_get_pinned_for_update_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t klen,
    unsigned char exclusive, char **errptr)
{
    (void)txn, (void)options, (void)column_family, (void)key, (void)klen, (void)exclusive;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_multi_get(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **errs)
{
    (void)txn, (void)options, (void)num_keys, (void)keys_list, (void)keys_list_sizes;
    (void)values_list, (void)errs;
    if (values_list_sizes != NULL)
        *values_list_sizes = 0;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_multi_get_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    const rocksdb_column_family_handle_t *const *column_families, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **errs)
{
    (void)txn, (void)options, (void)column_families, (void)num_keys, (void)keys_list;
    (void)keys_list_sizes, (void)values_list, (void)errs;
    if (values_list_sizes != NULL)
        *values_list_sizes = 0;
}

/* compat: not implemented: transactions */
char *rocksdb_transactiondb_get(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options, const char *key,
    size_t klen, size_t *vlen, char **errptr)
{
    (void)txn_db, (void)options, (void)key, (void)klen;
    if (vlen != NULL)
        *vlen = 0;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_pinnableslice_t *rocksdb_transactiondb_get_pinned(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options, const char *key,
    size_t klen, char **errptr)
{
    (void)txn_db, (void)options, (void)key, (void)klen;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
char *rocksdb_transactiondb_get_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen, size_t *vallen,
    char ** errptr)
{
    (void)txn_db, (void)options, (void)column_family, (void)key, (void)keylen;
    if (vallen != NULL)
        *vallen = 0;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_pinnableslice_t *rocksdb_transactiondb_get_pinned_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen, char **errptr)
{
    (void)txn_db, (void)options, (void)column_family, (void)key, (void)keylen;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_multi_get(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **errs)
{
    (void)txn_db, (void)options, (void)num_keys, (void)keys_list, (void)keys_list_sizes;
    (void)values_list, (void)errs;
    if (values_list_sizes != NULL)
        *values_list_sizes = 0;
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_multi_get_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options,
    const rocksdb_column_family_handle_t *const *column_families, size_t num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, char **values_list,
    size_t *values_list_sizes, char **errs)
{
    (void)txn_db, (void)options, (void)column_families, (void)num_keys, (void)keys_list;
    (void)keys_list_sizes, (void)values_list, (void)errs;
    if (values_list_sizes != NULL)
        *values_list_sizes = 0;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_put(
    rocksdb_transaction_t *txn, const char *key, size_t klen, const char *val, size_t vlen,
    char ** errptr)
{
    (void)txn, (void)key, (void)klen, (void)val, (void)vlen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transaction_put_cf(
    rocksdb_transaction_t *txn, rocksdb_column_family_handle_t *column_family, const char *key,
    size_t klen, const char *val, size_t vlen, char **errptr)
{
    (void)txn, (void)column_family, (void)key, (void)klen, (void)val, (void)vlen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_put(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options, const char *key,
    size_t klen, const char *val, size_t vlen, char **errptr)
{
    (void)txn_db, (void)options, (void)key, (void)klen, (void)val, (void)vlen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_put_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen,
    const char *val, size_t vallen, char **errptr)
{
    (void)txn_db, (void)options, (void)column_family, (void)key, (void)keylen, (void)val;
    (void)vallen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_write(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options,
    rocksdb_writebatch_t *batch, char **errptr)
{
    (void)txn_db, (void)options, (void)batch;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transaction_merge(
    rocksdb_transaction_t *txn, const char *key, size_t klen, const char *val, size_t vlen,
    char ** errptr)
{
    (void)txn, (void)key, (void)klen, (void)val, (void)vlen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transaction_merge_cf(
    rocksdb_transaction_t *txn, rocksdb_column_family_handle_t *column_family, const char *key,
    size_t klen, const char *val, size_t vlen, char **errptr)
{
    (void)txn, (void)column_family, (void)key, (void)klen, (void)val, (void)vlen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_merge(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options, const char *key,
    size_t klen, const char *val, size_t vlen, char **errptr)
{
    (void)txn_db, (void)options, (void)key, (void)klen, (void)val, (void)vlen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_merge_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t klen, const char *val,
    size_t vlen, char **errptr)
{
    (void)txn_db, (void)options, (void)column_family, (void)key, (void)klen, (void)val, (void)vlen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transaction_delete(
    rocksdb_transaction_t *txn, const char *key, size_t klen, char **errptr)
{
    (void)txn, (void)key, (void)klen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transaction_delete_cf(
    rocksdb_transaction_t *txn, rocksdb_column_family_handle_t *column_family, const char *key,
    size_t klen, char **errptr)
{
    (void)txn, (void)column_family, (void)key, (void)klen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_delete(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options, const char *key,
    size_t klen, char **errptr)
{
    (void)txn_db, (void)options, (void)key, (void)klen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_delete_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_writeoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen, char **errptr)
{
    (void)txn_db, (void)options, (void)column_family, (void)key, (void)keylen;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
rocksdb_iterator_t *rocksdb_transaction_create_iterator(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options)
{
    (void)txn, (void)options;
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_iterator_t *rocksdb_transaction_create_iterator_cf(
    rocksdb_transaction_t *txn, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t * column_family)
{
    (void)txn, (void)options, (void)column_family;
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_iterator_t *rocksdb_transactiondb_create_iterator(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options)
{
    (void)txn_db, (void)options;
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_iterator_t *rocksdb_transactiondb_create_iterator_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t * column_family)
{
    (void)txn_db, (void)options, (void)column_family;
    return NULL;
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_close(rocksdb_transactiondb_t *txn_db)
{
    (void)txn_db;
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_flush(
    rocksdb_transactiondb_t *txn_db, const rocksdb_flushoptions_t *options, char **errptr)
{
    (void)txn_db, (void)options;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_flush_cf(
    rocksdb_transactiondb_t *txn_db, const rocksdb_flushoptions_t *options,
    rocksdb_column_family_handle_t *column_family, char **errptr)
{
    (void)txn_db, (void)options, (void)column_family;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_flush_wal(
    rocksdb_transactiondb_t *txn_db, unsigned char sync, char **errptr)
{
    (void)txn_db, (void)sync;
    compat_not_implemented(errptr, "transactions");
}

/* compat: not implemented: transactions */
rocksdb_checkpoint_t *rocksdb_transactiondb_checkpoint_object_create(
    rocksdb_transactiondb_t *txn_db, char **errptr)
{
    (void)txn_db;
    compat_not_implemented(errptr, "transactions");
    return NULL;
}

/* compat: not implemented: transactions */
rocksdb_transactiondb_options_t *rocksdb_transactiondb_options_create(void)
{
    return NULL;
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_options_destroy(rocksdb_transactiondb_options_t *opt)
{
    (void)opt;
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_options_set_max_num_locks(
    rocksdb_transactiondb_options_t *opt, int64_t max_num_locks)
{
    (void)opt, (void)max_num_locks;
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_options_set_num_stripes(
    rocksdb_transactiondb_options_t *opt, size_t num_stripes)
{
    (void)opt, (void)num_stripes;
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_options_set_transaction_lock_timeout(
    rocksdb_transactiondb_options_t *opt, int64_t txn_lock_timeout)
{
    (void)opt, (void)txn_lock_timeout;
}

/* compat: not implemented: transactions */
void rocksdb_transactiondb_options_set_default_lock_timeout(
    rocksdb_transactiondb_options_t *opt, int64_t default_lock_timeout)
{
    (void)opt, (void)default_lock_timeout;
}

/* compat: not implemented: transactions */
rocksdb_transaction_options_t *rocksdb_transaction_options_create(void)
{
    return NULL;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_options_destroy(rocksdb_transaction_options_t *opt)
{
    (void)opt;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_options_set_set_snapshot(
    rocksdb_transaction_options_t *opt, unsigned char v)
{
    (void)opt, (void)v;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_options_set_deadlock_detect(
    rocksdb_transaction_options_t *opt, unsigned char v)
{
    (void)opt, (void)v;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_options_set_lock_timeout(
    rocksdb_transaction_options_t *opt, int64_t lock_timeout)
{
    (void)opt, (void)lock_timeout;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_options_set_expiration(
    rocksdb_transaction_options_t *opt, int64_t expiration)
{
    (void)opt, (void)expiration;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_options_set_deadlock_detect_depth(
    rocksdb_transaction_options_t *opt, int64_t depth)
{
    (void)opt, (void)depth;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_options_set_max_write_batch_size(
    rocksdb_transaction_options_t *opt, size_t size)
{
    (void)opt, (void)size;
}

/* compat: not implemented: transactions */
void rocksdb_transaction_options_set_skip_prepare(
    rocksdb_transaction_options_t *opt, unsigned char v)
{
    (void)opt, (void)v;
}


/* --- optimistic transactions --------------------------------------------------------- */
/* compat: not implemented: optimistic transactions */
rocksdb_optimistictransactiondb_t *rocksdb_optimistictransactiondb_open_column_families(
    const rocksdb_options_t *options, const char *name, int num_column_families,
    const char *const *column_family_names, const rocksdb_options_t *const *column_family_options,
    rocksdb_column_family_handle_t **column_family_handles, char **errptr)
{
    (void)options, (void)name, (void)num_column_families, (void)column_family_names;
    (void)column_family_options, (void)column_family_handles;
    compat_not_implemented(errptr, "optimistic transactions");
    return NULL;
}

/* compat: not implemented: optimistic transactions */
rocksdb_optimistictransactiondb_t *rocksdb_optimistictransactiondb_open(
    const rocksdb_options_t *options, const char *name, char **errptr)
{
    (void)options, (void)name;
    compat_not_implemented(errptr, "optimistic transactions");
    return NULL;
}

/* compat: not implemented: optimistic transactions */
rocksdb_t *rocksdb_optimistictransactiondb_get_base_db(rocksdb_optimistictransactiondb_t *otxn_db)
{
    (void)otxn_db;
    return NULL;
}

/* compat: not implemented: optimistic transactions */
void rocksdb_optimistictransactiondb_close_base_db(rocksdb_t *base_db)
{
    (void)base_db;
}

/* compat: not implemented: optimistic transactions */
rocksdb_transaction_t *rocksdb_optimistictransaction_begin(
    rocksdb_optimistictransactiondb_t *otxn_db, const rocksdb_writeoptions_t *write_options,
    const rocksdb_optimistictransaction_options_t *otxn_options, rocksdb_transaction_t *old_txn)
{
    (void)otxn_db, (void)write_options, (void)otxn_options, (void)old_txn;
    return NULL;
}

/* compat: not implemented: optimistic transactions */
void rocksdb_optimistictransactiondb_write(
    rocksdb_optimistictransactiondb_t *otxn_db, const rocksdb_writeoptions_t *options,
    rocksdb_writebatch_t *batch, char **errptr)
{
    (void)otxn_db, (void)options, (void)batch;
    compat_not_implemented(errptr, "optimistic transactions");
}

/* compat: not implemented: optimistic transactions */
void rocksdb_optimistictransactiondb_close(rocksdb_optimistictransactiondb_t *otxn_db)
{
    (void)otxn_db;
}

/* compat: not implemented: optimistic transactions */
rocksdb_checkpoint_t *rocksdb_optimistictransactiondb_checkpoint_object_create(
    rocksdb_optimistictransactiondb_t *otxn_db, char **errptr)
{
    (void)otxn_db;
    compat_not_implemented(errptr, "optimistic transactions");
    return NULL;
}

/* compat: not implemented: optimistic transactions */
rocksdb_optimistictransaction_options_t *rocksdb_optimistictransaction_options_create(void)
{
    return NULL;
}

/* compat: not implemented: optimistic transactions */
void rocksdb_optimistictransaction_options_destroy(rocksdb_optimistictransaction_options_t *opt)
{
    (void)opt;
}

/* compat: not implemented: optimistic transactions */
void rocksdb_optimistictransaction_options_set_set_snapshot(
    rocksdb_optimistictransaction_options_t *opt, unsigned char v)
{
    (void)opt, (void)v;
}

/* compat: not implemented: optimistic transactions */
char *rocksdb_optimistictransactiondb_property_value(
    rocksdb_optimistictransactiondb_t *db, const char *propname)
{
    (void)db, (void)propname;
    return NULL;
}

/* compat: not implemented: optimistic transactions */
int rocksdb_optimistictransactiondb_property_int(
    rocksdb_optimistictransactiondb_t *db, const char *propname, uint64_t *out_val)
{
    (void)db, (void)propname, (void)out_val;
    return 0;
}


/* --- write batches with index -------------------------------------------------------- */
/* compat: not implemented: write batches with index */
void rocksdb_write_writebatch_wi(
    rocksdb_t *db, const rocksdb_writeoptions_t *options, rocksdb_writebatch_wi_t *wbwi,
    char ** errptr)
{
    (void)db, (void)options, (void)wbwi;
    compat_not_implemented(errptr, "write batches with index");
}

/* compat: not implemented: write batches with index */
rocksdb_writebatch_wi_t *rocksdb_writebatch_wi_create(
    size_t reserved_bytes, unsigned char overwrite_keys)
{
    (void)reserved_bytes, (void)overwrite_keys;
    return NULL;
}

/* compat: not implemented: write batches with index */
rocksdb_writebatch_wi_t *rocksdb_writebatch_wi_create_from(const char *rep, size_t size)
{
    (void)rep, (void)size;
    return NULL;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_destroy(rocksdb_writebatch_wi_t *p0)
{
    (void)p0;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_clear(rocksdb_writebatch_wi_t *p0)
{
    (void)p0;
}

/* compat: not implemented: write batches with index */
int rocksdb_writebatch_wi_count(rocksdb_writebatch_wi_t *b)
{
    (void)b;
    return 0;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_put(
    rocksdb_writebatch_wi_t *p0, const char *key, size_t klen, const char *val, size_t vlen)
{
    (void)p0, (void)key, (void)klen, (void)val, (void)vlen;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_put_cf(
    rocksdb_writebatch_wi_t *p0, rocksdb_column_family_handle_t *column_family, const char *key,
    size_t klen, const char *val, size_t vlen)
{
    (void)p0, (void)column_family, (void)key, (void)klen, (void)val, (void)vlen;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_putv(
    rocksdb_writebatch_wi_t *b, int num_keys, const char *const *keys_list,
    const size_t *keys_list_sizes, int num_values, const char *const *values_list,
    const size_t * values_list_sizes)
{
    (void)b, (void)num_keys, (void)keys_list, (void)keys_list_sizes, (void)num_values;
    (void)values_list, (void)values_list_sizes;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_putv_cf(
    rocksdb_writebatch_wi_t *b, rocksdb_column_family_handle_t *column_family, int num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, int num_values,
    const char *const *values_list, const size_t *values_list_sizes)
{
    (void)b, (void)column_family, (void)num_keys, (void)keys_list, (void)keys_list_sizes;
    (void)num_values, (void)values_list, (void)values_list_sizes;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_merge(
    rocksdb_writebatch_wi_t *p0, const char *key, size_t klen, const char *val, size_t vlen)
{
    (void)p0, (void)key, (void)klen, (void)val, (void)vlen;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_merge_cf(
    rocksdb_writebatch_wi_t *p0, rocksdb_column_family_handle_t *column_family, const char *key,
    size_t klen, const char *val, size_t vlen)
{
    (void)p0, (void)column_family, (void)key, (void)klen, (void)val, (void)vlen;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_mergev(
    rocksdb_writebatch_wi_t *b, int num_keys, const char *const *keys_list,
    const size_t *keys_list_sizes, int num_values, const char *const *values_list,
    const size_t * values_list_sizes)
{
    (void)b, (void)num_keys, (void)keys_list, (void)keys_list_sizes, (void)num_values;
    (void)values_list, (void)values_list_sizes;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_mergev_cf(
    rocksdb_writebatch_wi_t *b, rocksdb_column_family_handle_t *column_family, int num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes, int num_values,
    const char *const *values_list, const size_t *values_list_sizes)
{
    (void)b, (void)column_family, (void)num_keys, (void)keys_list, (void)keys_list_sizes;
    (void)num_values, (void)values_list, (void)values_list_sizes;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_delete(rocksdb_writebatch_wi_t *p0, const char *key, size_t klen)
{
    (void)p0, (void)key, (void)klen;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_singledelete(rocksdb_writebatch_wi_t *p0, const char *key, size_t klen)
{
    (void)p0, (void)key, (void)klen;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_delete_cf(
    rocksdb_writebatch_wi_t *p0, rocksdb_column_family_handle_t *column_family, const char *key,
    size_t klen)
{
    (void)p0, (void)column_family, (void)key, (void)klen;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_singledelete_cf(
    rocksdb_writebatch_wi_t *p0, rocksdb_column_family_handle_t *column_family, const char *key,
    size_t klen)
{
    (void)p0, (void)column_family, (void)key, (void)klen;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_deletev(
    rocksdb_writebatch_wi_t *b, int num_keys, const char *const *keys_list,
    const size_t * keys_list_sizes)
{
    (void)b, (void)num_keys, (void)keys_list, (void)keys_list_sizes;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_deletev_cf(
    rocksdb_writebatch_wi_t *b, rocksdb_column_family_handle_t *column_family, int num_keys,
    const char *const *keys_list, const size_t *keys_list_sizes)
{
    (void)b, (void)column_family, (void)num_keys, (void)keys_list, (void)keys_list_sizes;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_delete_range(
    rocksdb_writebatch_wi_t *b, const char *start_key, size_t start_key_len, const char *end_key,
    size_t end_key_len)
{
    (void)b, (void)start_key, (void)start_key_len, (void)end_key, (void)end_key_len;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_delete_range_cf(
    rocksdb_writebatch_wi_t *b, rocksdb_column_family_handle_t *column_family,
    const char *start_key, size_t start_key_len, const char *end_key, size_t end_key_len)
{
    (void)b, (void)column_family, (void)start_key, (void)start_key_len, (void)end_key;
    (void)end_key_len;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_delete_rangev(
    rocksdb_writebatch_wi_t *b, int num_keys, const char *const *start_keys_list,
    const size_t *start_keys_list_sizes, const char *const *end_keys_list,
    const size_t * end_keys_list_sizes)
{
    (void)b, (void)num_keys, (void)start_keys_list, (void)start_keys_list_sizes;
    (void)end_keys_list, (void)end_keys_list_sizes;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_delete_rangev_cf(
    rocksdb_writebatch_wi_t *b, rocksdb_column_family_handle_t *column_family, int num_keys,
    const char *const *start_keys_list, const size_t *start_keys_list_sizes,
    const char *const *end_keys_list, const size_t *end_keys_list_sizes)
{
    (void)b, (void)column_family, (void)num_keys, (void)start_keys_list;
    (void)start_keys_list_sizes, (void)end_keys_list, (void)end_keys_list_sizes;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_put_log_data(rocksdb_writebatch_wi_t *p0, const char *blob, size_t len)
{
    (void)p0, (void)blob, (void)len;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_iterate(
    rocksdb_writebatch_wi_t *b, void *state,
    void (*put)(void *, const char *k, size_t klen, const char *v, size_t vlen),
    void (*deleted)(void *, const char *k, size_t klen))
{
    (void)b, (void)state, (void)put, (void)deleted;
}

/* compat: not implemented: write batches with index */
const char *rocksdb_writebatch_wi_data(rocksdb_writebatch_wi_t *b, size_t *size)
{
    (void)b;
    if (size != NULL)
        *size = 0;
    return NULL;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_set_save_point(rocksdb_writebatch_wi_t *p0)
{
    (void)p0;
}

/* compat: not implemented: write batches with index */
void rocksdb_writebatch_wi_rollback_to_save_point(rocksdb_writebatch_wi_t *p0, char **errptr)
{
    (void)p0;
    compat_not_implemented(errptr, "write batches with index");
}

/* compat: not implemented: write batches with index */
char *rocksdb_writebatch_wi_get_from_batch(
    rocksdb_writebatch_wi_t *wbwi, const rocksdb_options_t *options, const char *key,
    size_t keylen, size_t *vallen, char **errptr)
{
    (void)wbwi, (void)options, (void)key, (void)keylen;
    if (vallen != NULL)
        *vallen = 0;
    compat_not_implemented(errptr, "write batches with index");
    return NULL;
}

/* compat: not implemented: write batches with index */
char *rocksdb_writebatch_wi_get_from_batch_cf(
    rocksdb_writebatch_wi_t *wbwi, const rocksdb_options_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen, size_t *vallen,
    char ** errptr)
{
    (void)wbwi, (void)options, (void)column_family, (void)key, (void)keylen;
    if (vallen != NULL)
        *vallen = 0;
    compat_not_implemented(errptr, "write batches with index");
    return NULL;
}

/* compat: not implemented: write batches with index */
char *rocksdb_writebatch_wi_get_from_batch_and_db(
    rocksdb_writebatch_wi_t *wbwi, rocksdb_t *db, const rocksdb_readoptions_t *options,
    const char *key, size_t keylen, size_t *vallen, char **errptr)
{
    (void)wbwi, (void)db, (void)options, (void)key, (void)keylen;
    if (vallen != NULL)
        *vallen = 0;
    compat_not_implemented(errptr, "write batches with index");
    return NULL;
}

/* compat: not implemented: write batches with index */
char *rocksdb_writebatch_wi_get_from_batch_and_db_cf(
    rocksdb_writebatch_wi_t *wbwi, rocksdb_t *db, const rocksdb_readoptions_t *options,
    rocksdb_column_family_handle_t *column_family, const char *key, size_t keylen, size_t *vallen,
    char ** errptr)
{
    (void)wbwi, (void)db, (void)options, (void)column_family, (void)key, (void)keylen;
    if (vallen != NULL)
        *vallen = 0;
    compat_not_implemented(errptr, "write batches with index");
    return NULL;
}

/* compat: not implemented: write batches with index */
rocksdb_iterator_t *rocksdb_writebatch_wi_create_iterator_with_base(
    rocksdb_writebatch_wi_t *wbwi, rocksdb_iterator_t *base_iterator)
{
    (void)wbwi, (void)base_iterator;
    return NULL;
}

/* compat: not implemented: write batches with index */
rocksdb_iterator_t *rocksdb_writebatch_wi_create_iterator_with_base_cf(
    rocksdb_writebatch_wi_t *wbwi, rocksdb_iterator_t *base_iterator,
    rocksdb_column_family_handle_t * cf)
{
    (void)wbwi, (void)base_iterator, (void)cf;
    return NULL;
}

