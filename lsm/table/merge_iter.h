/* lsm/table/merge_iter.h: one sorted view over several internal iterators
 * (memtables, level-0 files, levels), as RocksDB's MergingIterator.
 *
 * Forward moves keep the valid children in a min-heap on internal key,
 * backward moves in a max-heap.  Changing direction repositions every
 * child other than the current one: on next() after a backward move each
 * is sought to the first key > the current key, on prev() after a forward
 * move to the last key < the current key.  Equal internal keys in two
 * children are yielded once each, the child with the lower index first.
 *
 * Errors: the first child error seen makes the merge invalid and is what
 * status() reports (later errors are ignored).  No allocation after
 * creation: every step is a heap sift. */
#ifndef LSM_TABLE_MERGE_ITER_H
#define LSM_TABLE_MERGE_ITER_H

#include <stddef.h>

#include "lsm/util/iter.h"

/* Takes ownership of children[0..n) (the array itself stays the caller's);
 * they are freed with the merge iterator, or at once if creation fails.
 * n == 0 gives an empty iterator; n == 1 returns children[0] itself.
 * Free with iter_free().  NULL (and SHALE_NO_MEMORY in *err) on no memory.
 * REQUIRES: every children[i] != NULL. */
iter *merge_iter_new(iter **children, size_t n, shale_err *err);

#endif
