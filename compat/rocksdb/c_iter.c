/* compat/rocksdb/c_iter.c: rocksdb_iterator_t over shale's iterators.
 *
 * The iterator sees the read options' snapshot (or the latest state at
 * creation) and honours their bounds; key and value are valid until the
 * next move, as with RocksDB. */
#include "compat/rocksdb/c_internal.h"

#include <stdlib.h>

static rocksdb_iterator_t *iter_wrap(shale_iter *it)
{
    if (it == NULL)
        return NULL;
    rocksdb_iterator_t *w = malloc(sizeof *w);
    if (w == NULL) {
        shale_iter_free(it);
        return NULL;
    }
    w->it = it;
    return w;
}

/* compat: implemented */
rocksdb_iterator_t *rocksdb_create_iterator(rocksdb_t *db, const rocksdb_readoptions_t *options)
{
    return iter_wrap(shale_iter_new(db->db, compat_ro(options)));
}

/* compat: implemented */
rocksdb_iterator_t *rocksdb_create_iterator_cf(rocksdb_t *db,
                                               const rocksdb_readoptions_t *options,
                                               rocksdb_column_family_handle_t *column_family)
{
    return iter_wrap(shale_iter_new_cf(db->db, compat_ro(options), compat_cf(column_family)));
}

/* compat: partial: each iterator has its own view (RocksDB gives them one consistent view
 * unless the read options carry a snapshot) */
void rocksdb_create_iterators(rocksdb_t *db, rocksdb_readoptions_t *opts,
                              rocksdb_column_family_handle_t **column_families,
                              rocksdb_iterator_t **iterators, size_t size, char **errptr)
{
    for (size_t i = 0; i < size; i++) {
        iterators[i] = rocksdb_create_iterator_cf(db, opts, column_families[i]);
        if (iterators[i] == NULL) {
            for (size_t j = 0; j < i; j++) {
                rocksdb_iter_destroy(iterators[j]);
                iterators[j] = NULL;
            }
            compat_set_errf(errptr, SHALE_NO_MEMORY, "%s", "");
            return;
        }
    }
}

/* compat: implemented */
void rocksdb_iter_destroy(rocksdb_iterator_t *iter)
{
    if (iter == NULL)
        return;
    shale_iter_free(iter->it);
    free(iter);
}

/* compat: implemented */
unsigned char rocksdb_iter_valid(const rocksdb_iterator_t *iter)
{
    return shale_iter_valid(iter->it);
}

/* compat: implemented */
void rocksdb_iter_seek_to_first(rocksdb_iterator_t *iter)
{
    shale_iter_seek_to_first(iter->it);
}

/* compat: implemented */
void rocksdb_iter_seek_to_last(rocksdb_iterator_t *iter)
{
    shale_iter_seek_to_last(iter->it);
}

/* compat: implemented */
void rocksdb_iter_seek(rocksdb_iterator_t *iter, const char *k, size_t klen)
{
    shale_iter_seek(iter->it, k, klen);
}

/* compat: implemented */
void rocksdb_iter_seek_for_prev(rocksdb_iterator_t *iter, const char *k, size_t klen)
{
    shale_iter_seek_for_prev(iter->it, k, klen);
}

/* compat: implemented */
void rocksdb_iter_next(rocksdb_iterator_t *iter)
{
    shale_iter_next(iter->it);
}

/* compat: implemented */
void rocksdb_iter_prev(rocksdb_iterator_t *iter)
{
    shale_iter_prev(iter->it);
}

/* compat: implemented */
const char *rocksdb_iter_key(const rocksdb_iterator_t *iter, size_t *klen)
{
    return shale_iter_key(iter->it, klen);
}

/* compat: implemented */
const char *rocksdb_iter_value(const rocksdb_iterator_t *iter, size_t *vlen)
{
    return shale_iter_value(iter->it, vlen);
}

/* compat: partial: no user timestamps: always the empty timestamp */
const char *rocksdb_iter_timestamp(const rocksdb_iterator_t *iter, size_t *tslen)
{
    (void)iter;
    *tslen = 0;
    return "";
}

/* compat: implemented */
void rocksdb_iter_get_error(const rocksdb_iterator_t *iter, char **errptr)
{
    shale_err err = {0};
    int rc = shale_iter_status(iter->it, &err);
    (void)compat_check(errptr, rc, &err);
}
