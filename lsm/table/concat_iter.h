/* lsm/table/concat_iter.h: one iterator over a level of files: sorted,
 * non-overlapping, each known by its smallest and largest internal key
 * (RocksDB's LevelIterator).
 *
 * Only one file is open at a time: a seek binary-searches the file bounds
 * and opens just the file that can hold the target; moving off either end
 * of a file frees it and opens its neighbour (skipping files that turn out
 * empty).  A seek that lands in the file already open reuses it.
 *
 * Errors: an open that fails, or a child that reports an error, makes the
 * iterator invalid with that status until the next seek. */
#ifndef LSM_TABLE_CONCAT_ITER_H
#define LSM_TABLE_CONCAT_ITER_H

#include <stddef.h>

#include "lsm/util/iter.h"

/* A file's key range: both internal keys, inclusive. */
typedef struct concat_file {
    slice smallest, largest;
} concat_file;

/* Opens file `file_index` of the array.  Returns an iterator to be freed
 * with iter_free(), or NULL with the reason in *err. */
typedef iter *(*concat_open_fn)(void *arg, size_t file_index, shale_err *err);

/* files[0..n) are borrowed (keys included): they must outlive the iterator.
 * REQUIRES: files sorted by key and non-overlapping; open != NULL.
 * Free with iter_free().  NULL (SHALE_NO_MEMORY in *err) on no memory. */
iter *concat_iter_new(const concat_file *files, size_t n, concat_open_fn open, void *arg,
                      shale_err *err);

#endif
