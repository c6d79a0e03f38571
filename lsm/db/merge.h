/* lsm/db/merge.h: the merge operator object behind include/shale/merge.h,
 * and the calls the read path, iterators, flush and compaction make on it.
 *
 * An operator is reference-counted: the options object that was given it
 * holds the first reference, every copy of those options (each open
 * database has one) another; the last unref calls the user's destructor.
 * The callbacks run on any thread. */
#ifndef LSM_DB_MERGE_H
#define LSM_DB_MERGE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/util/buf.h"
#include "lsm/util/slice.h"
#include "shale/err.h"
#include "shale/merge.h"

struct shale_merge_operator {
    atomic_int refs;
    void *state;
    void (*destructor)(void *state);
    shale_full_merge_fn full;
    shale_partial_merge_fn partial;   /* NULL: none */
    void (*delete_value)(void *state, const char *value, size_t len);  /* NULL: free() */
    const char *(*name)(void *state);
};

void merge_op_ref(shale_merge_operator *op);
void merge_op_unref(shale_merge_operator *op);   /* NULL-safe */

/* The text of RocksDB's merge failure status, and of a merge operand met
 * without an operator. */
#define MERGE_FAILED_MSG "Error: Could not perform merge."
#define MERGE_NO_OPERATOR_MSG "merge_operator is not properly initialized."

/* Full merge: `arg` is the operator (shale_merge_operator *); existing
 * NULL: no base value; operands[0..n) oldest first, n >= 1.  Appends the
 * result to *out.  The shape of db_merge_fn (lsm/db/db_iter.h) and of the
 * compaction iterator's full merge.  Codes:
 *   SHALE_CORRUPTION  the operator failed ("Error: Could not perform merge.")
 *   SHALE_NO_MEMORY */
int merge_full(void *arg, slice user_key, const slice *existing, const slice *operands, size_t n,
               shale_buf *out, shale_err *err);
/* Partial merge of operands[0..n) (oldest first, n >= 2) into *out
 * (appended).  *merged false: no partial merge, or the operator declined;
 * the operands stay.  SHALE_NO_MEMORY only. */
int merge_partial(void *arg, slice user_key, const slice *operands, size_t n, shale_buf *out,
                  bool *merged, shale_err *err);

/* The merge-until-base read of a key, newest source first, used by point
 * reads (lsm/db/db_read.c): operands are kept as mem_get() collects them
 * (varint32 length + bytes, newest first).  Resolves them with `existing`
 * (NULL: none) into *out (cleared first).  op NULL: SHALE_INVALID_ARGUMENT
 * "merge_operator is not properly initialized.". */
int merge_resolve_collected(const shale_merge_operator *op, slice user_key,
                            const slice *existing, slice collected, size_t n, shale_buf *out,
                            shale_err *err);


#endif
