/* compat/rocksdb/c_db.c: opening and closing, column families, writes,
 * reads and snapshots: rocksdb_t over shale_db.
 *
 * Results are malloc'd (rocksdb_free()); a missing key is a NULL value
 * with no error, as RocksDB's C API reports it.  Column-family calls map
 * to shale's *_cf calls with the handle's shale family (a NULL handle
 * pointer means the default family, as shale reads it). */
#include "compat/rocksdb/c_internal.h"

#include <stdlib.h>
#include <string.h>

/* --- handles --------------------------------------------------------------------- */
static rocksdb_column_family_handle_t *cf_wrap(shale_cf *cf, const char *name)
{
    rocksdb_column_family_handle_t *h = malloc(sizeof *h);
    char *copy = compat_memdup(name, strlen(name));
    if (h == NULL || copy == NULL) {
        free(h);
        free(copy);
        shale_cf_handle_free(cf);
        return NULL;
    }
    h->cf = cf;
    h->name = copy;
    h->id = cf != NULL ? shale_cf_id(cf) : 0;
    return h;
}

static rocksdb_t *db_wrap(shale_db *sdb, char **errptr)
{
    rocksdb_t *db = malloc(sizeof *db);
    if (db == NULL) {
        (void)shale_db_close(sdb, NULL);
        compat_set_errf(errptr, SHALE_NO_MEMORY, "%s", "");
        return NULL;
    }
    db->db = sdb;
    return db;
}

/* --- open and close -------------------------------------------------------------------- */
/* RocksDB reports a LOCK held by another opener as an IO error. */
static int open_code(int rc)
{
    return rc == SHALE_BUSY ? SHALE_IO_ERROR : rc;
}

/* compat: implemented */
rocksdb_t *rocksdb_open(const rocksdb_options_t *options, const char *name, char **errptr)
{
    shale_err err = {0};
    shale_options *o = NULL;
    shale_db *sdb = NULL;
    int rc = compat_options_to_shale(options, &o, &err);
    if (rc == SHALE_OK)
        rc = shale_db_open(o, name, &sdb, &err);
    shale_options_free(o);
    if (!compat_check(errptr, open_code(rc), &err))
        return NULL;
    return db_wrap(sdb, errptr);
}

/* Frees n shale option sets. */
static void free_opts(shale_options **opts, int n)
{
    for (int i = 0; i < n; i++)
        shale_options_free(opts[i]);
    free(opts);
}

static int open_cf(const rocksdb_options_t *options, const char *name, int n,
                   const char *const *names, const rocksdb_options_t *const *cf_options,
                   shale_cf **cfs, shale_db **sdb, shale_err *err)
{
    shale_options *db_opts = NULL;
    shale_options **opts = calloc(n > 0 ? (size_t)n : 1, sizeof *opts);
    int rc = opts == NULL ? SHALE_NO_MEMORY : compat_options_to_shale(options, &db_opts, err);
    for (int i = 0; rc == SHALE_OK && i < n; i++)
        rc = compat_options_to_shale(cf_options[i], &opts[i], err);
    if (rc == SHALE_OK)
        rc = shale_db_open_cf(db_opts, name, (size_t)n, names,
                              (const shale_options *const *)opts, cfs, sdb, err);
    shale_options_free(db_opts);
    if (opts != NULL)
        free_opts(opts, n);
    return rc;
}

/* compat: implemented */
rocksdb_t *rocksdb_open_column_families(const rocksdb_options_t *options, const char *name,
                                        int num_column_families,
                                        const char *const *column_family_names,
                                        const rocksdb_options_t *const *column_family_options,
                                        rocksdb_column_family_handle_t **column_family_handles,
                                        char **errptr)
{
    shale_err err = {0};
    shale_db *sdb = NULL;
    int n = num_column_families;
    shale_cf **cfs = calloc(n > 0 ? (size_t)n : 1, sizeof *cfs);
    int rc = cfs == NULL ? SHALE_NO_MEMORY
                         : open_cf(options, name, n, column_family_names,
                                   column_family_options, cfs, &sdb, &err);
    if (!compat_check(errptr, open_code(rc), &err)) {
        free(cfs);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        column_family_handles[i] = cf_wrap(cfs[i], column_family_names[i]);
    free(cfs);
    return db_wrap(sdb, errptr);
}

/* compat: implemented */
void rocksdb_close(rocksdb_t *db)
{
    if (db == NULL)
        return;
    (void)shale_db_close(db->db, NULL);
    free(db);
}

/* compat: implemented */
void rocksdb_destroy_db(const rocksdb_options_t *options, const char *name, char **errptr)
{
    shale_err err = {0};
    shale_options *o = NULL;
    int rc = compat_options_to_shale(options, &o, &err);
    if (rc == SHALE_OK)
        rc = shale_db_destroy(o, name, &err);
    shale_options_free(o);
    (void)compat_check(errptr, rc, &err);
}

/* --- column families ---------------------------------------------------------------- */
/* compat: implemented */
char **rocksdb_list_column_families(const rocksdb_options_t *options, const char *name,
                                    size_t *lencf, char **errptr)
{
    shale_err err = {0};
    shale_options *o = NULL;
    char **names = NULL;
    size_t n = 0;
    int rc = compat_options_to_shale(options, &o, &err);
    if (rc == SHALE_OK)
        rc = shale_db_list_cf(o, name, &names, &n, &err);
    shale_options_free(o);
    *lencf = 0;
    if (!compat_check(errptr, rc, &err))
        return NULL;
    char **out = malloc((n > 0 ? n : 1) * sizeof *out);
    for (size_t i = 0; out != NULL && i < n; i++)
        out[i] = compat_memdup(names[i], strlen(names[i]));
    shale_cf_names_free(names, n);
    *lencf = out != NULL ? n : 0;
    return out;
}

/* compat: implemented */
void rocksdb_list_column_families_destroy(char **list, size_t len)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < len; i++)
        free(list[i]);
    free(list);
}

/* compat: partial: NULL on failure, where RocksDB returns a handle that must not be used */
rocksdb_column_family_handle_t *rocksdb_create_column_family(
    rocksdb_t *db, const rocksdb_options_t *column_family_options,
    const char *column_family_name, char **errptr)
{
    shale_err err = {0};
    shale_options *o = NULL;
    shale_cf *cf = NULL;
    int rc = compat_options_to_shale(column_family_options, &o, &err);
    if (rc == SHALE_OK)
        rc = shale_create_cf(db->db, o, column_family_name, &cf, &err);
    shale_options_free(o);
    if (!compat_check(errptr, rc, &err))
        return NULL;
    return cf_wrap(cf, column_family_name);
}

/* compat: implemented */
void rocksdb_drop_column_family(rocksdb_t *db, rocksdb_column_family_handle_t *handle,
                                char **errptr)
{
    shale_err err = {0};
    int rc = shale_drop_cf(db->db, compat_cf(handle), &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_column_family_handle_destroy(rocksdb_column_family_handle_t *h)
{
    if (h == NULL)
        return;
    shale_cf_handle_free(h->cf);
    free(h->name);
    free(h);
}

/* compat: implemented */
uint32_t rocksdb_column_family_handle_get_id(rocksdb_column_family_handle_t *handle)
{
    return handle->id;
}

/* compat: implemented */
char *rocksdb_column_family_handle_get_name(rocksdb_column_family_handle_t *handle,
                                            size_t *name_len)
{
    *name_len = strlen(handle->name);
    return compat_memdup(handle->name, *name_len);
}

/* --- writes ----------------------------------------------------------------------- */
/* compat: implemented */
void rocksdb_put(rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key,
                 size_t keylen, const char *val, size_t vallen, char **errptr)
{
    shale_err err = {0};
    int rc = shale_put(db->db, compat_wo(options), key, keylen, val, vallen, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_put_cf(rocksdb_t *db, const rocksdb_writeoptions_t *options,
                    rocksdb_column_family_handle_t *column_family, const char *key,
                    size_t keylen, const char *val, size_t vallen, char **errptr)
{
    shale_err err = {0};
    int rc = shale_put_cf(db->db, compat_wo(options), compat_cf(column_family), key, keylen,
                          val, vallen, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_delete(rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key,
                    size_t keylen, char **errptr)
{
    shale_err err = {0};
    int rc = shale_delete(db->db, compat_wo(options), key, keylen, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_delete_cf(rocksdb_t *db, const rocksdb_writeoptions_t *options,
                       rocksdb_column_family_handle_t *column_family, const char *key,
                       size_t keylen, char **errptr)
{
    shale_err err = {0};
    int rc = shale_delete_cf(db->db, compat_wo(options), compat_cf(column_family), key, keylen,
                             &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_singledelete(rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key,
                          size_t keylen, char **errptr)
{
    shale_err err = {0};
    int rc = shale_single_delete(db->db, compat_wo(options), key, keylen, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_singledelete_cf(rocksdb_t *db, const rocksdb_writeoptions_t *options,
                             rocksdb_column_family_handle_t *column_family, const char *key,
                             size_t keylen, char **errptr)
{
    shale_err err = {0};
    int rc = shale_single_delete_cf(db->db, compat_wo(options), compat_cf(column_family), key,
                                    keylen, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_delete_range_cf(rocksdb_t *db, const rocksdb_writeoptions_t *options,
                             rocksdb_column_family_handle_t *column_family,
                             const char *start_key, size_t start_key_len, const char *end_key,
                             size_t end_key_len, char **errptr)
{
    shale_err err = {0};
    int rc = shale_delete_range_cf(db->db, compat_wo(options), compat_cf(column_family),
                                   start_key, start_key_len, end_key, end_key_len, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_merge(rocksdb_t *db, const rocksdb_writeoptions_t *options, const char *key,
                   size_t keylen, const char *val, size_t vallen, char **errptr)
{
    shale_err err = {0};
    int rc = shale_merge(db->db, compat_wo(options), key, keylen, val, vallen, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_merge_cf(rocksdb_t *db, const rocksdb_writeoptions_t *options,
                      rocksdb_column_family_handle_t *column_family, const char *key,
                      size_t keylen, const char *val, size_t vallen, char **errptr)
{
    shale_err err = {0};
    int rc = shale_merge_cf(db->db, compat_wo(options), compat_cf(column_family), key, keylen,
                            val, vallen, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_write(rocksdb_t *db, const rocksdb_writeoptions_t *options,
                   rocksdb_writebatch_t *batch, char **errptr)
{
    shale_err err = {0};
    int rc = shale_write(db->db, compat_wo(options), batch->batch, &err);
    (void)compat_check(errptr, rc, &err);
}

/* --- reads ------------------------------------------------------------------------ */
/* A shale value (free with shale_free()) as a malloc'd one. */
static char *to_malloc(char *v, size_t n)
{
    char *out = compat_memdup(v != NULL ? v : "", n);
    shale_free(v);
    return out;
}

static char *get_common(rocksdb_t *db, const rocksdb_readoptions_t *options,
                        rocksdb_column_family_handle_t *cf, const char *key, size_t keylen,
                        size_t *vallen, char **errptr)
{
    shale_err err = {0};
    char *v = NULL;
    size_t n = 0;
    int rc = shale_get_cf(db->db, compat_ro(options), compat_cf(cf), key, keylen, &v, &n, &err);
    *vallen = 0;
    if (rc == SHALE_NOT_FOUND || !compat_check(errptr, rc, &err))
        return NULL;
    *vallen = n;
    return to_malloc(v, n);
}

/* compat: implemented */
char *rocksdb_get(rocksdb_t *db, const rocksdb_readoptions_t *options, const char *key,
                  size_t keylen, size_t *vallen, char **errptr)
{
    return get_common(db, options, NULL, key, keylen, vallen, errptr);
}

/* compat: implemented */
char *rocksdb_get_cf(rocksdb_t *db, const rocksdb_readoptions_t *options,
                     rocksdb_column_family_handle_t *column_family, const char *key,
                     size_t keylen, size_t *vallen, char **errptr)
{
    return get_common(db, options, column_family, key, keylen, vallen, errptr);
}

/* Fills values/errs from a multi-get's per-key codes. */
static void multi_get_results(size_t n, char **vals, size_t *lens, const int *codes,
                              char **values_list, size_t *values_list_sizes, char **errs)
{
    for (size_t i = 0; i < n; i++) {
        values_list[i] = NULL;
        values_list_sizes[i] = 0;
        errs[i] = NULL;
        if (codes[i] == SHALE_OK) {
            values_list[i] = to_malloc(vals[i], lens[i]);
            values_list_sizes[i] = lens[i];
            continue;
        }
        shale_free(vals[i]);
        if (codes[i] != SHALE_NOT_FOUND)
            compat_set_errf(&errs[i], codes[i], "%s", "");
    }
}

static void multi_get_common(rocksdb_t *db, const rocksdb_readoptions_t *options,
                             const rocksdb_column_family_handle_t *const *cfs, size_t n,
                             const char *const *keys, const size_t *klens, char **values_list,
                             size_t *values_list_sizes, char **errs)
{
    shale_err err = {0};
    char **vals = calloc(n + 1, sizeof *vals);
    size_t *lens = calloc(n + 1, sizeof *lens);
    int *codes = calloc(n + 1, sizeof *codes);
    shale_cf **scfs = calloc(n + 1, sizeof *scfs);
    int rc = vals && lens && codes && scfs ? SHALE_OK : SHALE_NO_MEMORY;
    for (size_t i = 0; rc == SHALE_OK && cfs != NULL && i < n; i++)
        scfs[i] = compat_cf(cfs[i]);
    if (rc == SHALE_OK)
        rc = shale_multi_get_cf(db->db, compat_ro(options), scfs, n, keys, klens, vals, lens,
                                codes, &err);
    for (size_t i = 0; rc != SHALE_OK && codes != NULL && i < n; i++)
        codes[i] = rc;
    if (codes != NULL && vals != NULL && lens != NULL)
        multi_get_results(n, vals, lens, codes, values_list, values_list_sizes, errs);
    free(vals);
    free(lens);
    free(codes);
    free(scfs);
}

/* compat: implemented */
void rocksdb_multi_get(rocksdb_t *db, const rocksdb_readoptions_t *options, size_t num_keys,
                       const char *const *keys_list, const size_t *keys_list_sizes,
                       char **values_list, size_t *values_list_sizes, char **errs)
{
    multi_get_common(db, options, NULL, num_keys, keys_list, keys_list_sizes, values_list,
                     values_list_sizes, errs);
}

/* compat: implemented */
void rocksdb_multi_get_cf(rocksdb_t *db, const rocksdb_readoptions_t *options,
                          const rocksdb_column_family_handle_t *const *column_families,
                          size_t num_keys, const char *const *keys_list,
                          const size_t *keys_list_sizes, char **values_list,
                          size_t *values_list_sizes, char **errs)
{
    multi_get_common(db, options, column_families, num_keys, keys_list, keys_list_sizes,
                     values_list, values_list_sizes, errs);
}

/* --- pinnable slices ------------------------------------------------------------------- */
struct rocksdb_pinnableslice_t {
    char *value;
    size_t len;
};

static rocksdb_pinnableslice_t *pinned_get(rocksdb_t *db, const rocksdb_readoptions_t *options,
                                           rocksdb_column_family_handle_t *cf, const char *key,
                                           size_t keylen, char **errptr)
{
    size_t n = 0;
    char *v = get_common(db, options, cf, key, keylen, &n, errptr);
    if (v == NULL)
        return NULL;
    rocksdb_pinnableslice_t *s = malloc(sizeof *s);
    if (s == NULL) {
        free(v);
        return NULL;
    }
    s->value = v;
    s->len = n;
    return s;
}

/* compat: implemented */
rocksdb_pinnableslice_t *rocksdb_get_pinned(rocksdb_t *db, const rocksdb_readoptions_t *options,
                                            const char *key, size_t keylen, char **errptr)
{
    return pinned_get(db, options, NULL, key, keylen, errptr);
}

/* compat: implemented */
rocksdb_pinnableslice_t *rocksdb_get_pinned_cf(rocksdb_t *db,
                                               const rocksdb_readoptions_t *options,
                                               rocksdb_column_family_handle_t *column_family,
                                               const char *key, size_t keylen, char **errptr)
{
    return pinned_get(db, options, column_family, key, keylen, errptr);
}

/* compat: implemented */
void rocksdb_pinnableslice_destroy(rocksdb_pinnableslice_t *v)
{
    if (v == NULL)
        return;
    free(v->value);
    free(v);
}

/* compat: implemented */
const char *rocksdb_pinnableslice_value(const rocksdb_pinnableslice_t *t, size_t *vlen)
{
    if (t == NULL) {
        *vlen = 0;
        return NULL;
    }
    *vlen = t->len;
    return t->value;
}

/* compat: implemented */
void rocksdb_batched_multi_get_cf(rocksdb_t *db, const rocksdb_readoptions_t *options,
                                  rocksdb_column_family_handle_t *column_family,
                                  size_t num_keys, const char *const *keys_list,
                                  const size_t *keys_list_sizes,
                                  rocksdb_pinnableslice_t **values, char **errs,
                                  const bool sorted_input)
{
    (void)sorted_input;
    for (size_t i = 0; i < num_keys; i++) {
        errs[i] = NULL;
        values[i] = pinned_get(db, options, column_family, keys_list[i], keys_list_sizes[i],
                               &errs[i]);
    }
}

/* compat: partial: always reads the value (RocksDB answers from memory only) */
unsigned char rocksdb_key_may_exist_cf(rocksdb_t *db, const rocksdb_readoptions_t *options,
                                       rocksdb_column_family_handle_t *column_family,
                                       const char *key, size_t key_len, char **value,
                                       size_t *val_len, const char *timestamp,
                                       size_t timestamp_len, unsigned char *value_found)
{
    (void)timestamp, (void)timestamp_len;
    char *err = NULL;
    size_t n = 0;
    char *v = get_common(db, options, column_family, key, key_len, &n, &err);
    bool found = v != NULL;
    if (value != NULL && found && value_found != NULL) {
        *value = v;
        *val_len = n;
        v = NULL;
    }
    if (value_found != NULL)
        *value_found = found;
    free(v);
    bool may_exist = found || err != NULL;   /* an error cannot rule the key out */
    free(err);
    return may_exist;
}

/* compat: partial: always reads the value (RocksDB answers from memory only) */
unsigned char rocksdb_key_may_exist(rocksdb_t *db, const rocksdb_readoptions_t *options,
                                    const char *key, size_t key_len, char **value,
                                    size_t *val_len, const char *timestamp, size_t timestamp_len,
                                    unsigned char *value_found)
{
    return rocksdb_key_may_exist_cf(db, options, NULL, key, key_len, value, val_len, timestamp,
                                    timestamp_len, value_found);
}

/* --- snapshots ----------------------------------------------------------------------- */
/* compat: implemented */
const rocksdb_snapshot_t *rocksdb_create_snapshot(rocksdb_t *db)
{
    rocksdb_snapshot_t *s = malloc(sizeof *s);
    if (s == NULL)
        return NULL;
    s->snap = shale_snapshot_create(db->db);
    if (s->snap == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

/* compat: implemented */
void rocksdb_release_snapshot(rocksdb_t *db, const rocksdb_snapshot_t *snapshot)
{
    if (snapshot == NULL)
        return;
    shale_snapshot_release(db->db, snapshot->snap);
    free((rocksdb_snapshot_t *)snapshot);
}

/* compat: implemented */
uint64_t rocksdb_get_latest_sequence_number(rocksdb_t *db)
{
    return shale_db_latest_sequence(db->db);
}
