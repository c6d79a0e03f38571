/* lsm/db/db_iter.h: the user's iterator (RocksDB's DBIter): turns the
 * internal-key stream of a read view (memtables and files merged) into
 * user keys with their newest value visible at a snapshot.
 *
 * For each user key the entries with seq <= the snapshot decide, newest
 * first: a Put gives the value; a Delete or SingleDelete, or any entry
 * covered by a visible range tombstone with a larger seq, hides the key;
 * Merge operands are collected until one of those (the base, or none) and
 * combined by the merge callback.  Without a callback a merge operand
 * makes the iterator fail with SHALE_INVALID_ARGUMENT "merge_operator is
 * not properly initialized." (RocksDB's text).
 *
 * Bounds: lower (inclusive) and upper (exclusive) user keys are honoured by
 * every move: seeks below the lower bound start at it, first()/last() start
 * at the bounds, and no key outside them is ever yielded.
 *
 * Keys and values are valid until the next move or free.  One thread at a
 * time. */
#ifndef LSM_DB_DB_ITER_H
#define LSM_DB_DB_ITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/compaction/range_del.h"
#include "lsm/util/buf.h"
#include "lsm/util/iter.h"
#include "shale/err.h"

/* The merge seam (issue 5): combines `existing` (NULL: the key had no
 * value) with operands[0..n) oldest to newest, appending the result to
 * *out (empty on entry).  All inputs are borrowed for the call.  A non-OK
 * return makes the iterator fail with that status. */
typedef int (*db_merge_fn)(void *arg, slice user_key, const slice *existing,
                           const slice *operands, size_t n, shale_buf *out, shale_err *err);

typedef struct db_iter_options {
    uint64_t seq;                /* the snapshot: larger seqs are invisible */
    const slice *lower_bound;    /* inclusive; NULL: none; copied */
    const slice *upper_bound;    /* exclusive; NULL: none; copied */
    rd_agg *range_del;           /* tombstones of the view; NULL: none; owned */
    db_merge_fn merge;           /* NULL: merge operands are an error */
    void *merge_arg;
    uint32_t max_sequential_skip;  /* reseek after this many skipped entries
                                      of one key; 0: 8 (RocksDB's default) */
} db_iter_options;

/* Counts since creation (RocksDB's NUMBER_DB_NEXT/PREV/SEEK, and
 * internal entries stepped over). */
typedef struct db_iter_stats {
    uint64_t next, prev, seek;  /* user calls (first/last count as seeks) */
    uint64_t skipped;           /* internal entries passed over */
    uint64_t reseeks;           /* skips cut short by a seek */
} db_iter_stats;

typedef struct db_iter db_iter;

/* Takes ownership of `internal` and opts->range_del, also on failure.
 * The iterator starts invalid: position it with a seek.  *out is NULL on
 * failure (SHALE_NO_MEMORY). */
int db_iter_new(iter *internal, const db_iter_options *opts, db_iter **out, shale_err *err);
void db_iter_free(db_iter *d);  /* NULL-safe */

bool db_iter_valid(const db_iter *d);
void db_iter_first(db_iter *d);
void db_iter_last(db_iter *d);
void db_iter_seek(db_iter *d, slice user_key);           /* first key >= user_key */
void db_iter_seek_for_prev(db_iter *d, slice user_key);  /* last key <= user_key */
void db_iter_next(db_iter *d);                           /* REQUIRES: valid */
void db_iter_prev(db_iter *d);                           /* REQUIRES: valid */
slice db_iter_key(const db_iter *d);                     /* REQUIRES: valid */
slice db_iter_value(const db_iter *d);                   /* REQUIRES: valid */
/* The internal iterator's error, SHALE_CORRUPTION for an unparseable key,
 * SHALE_NOT_SUPPORTED for blob or wide-column entries, the merge errors
 * above, or SHALE_NO_MEMORY.  Seeks clear it. */
int db_iter_status(const db_iter *d, shale_err *err);
const db_iter_stats *db_iter_get_stats(const db_iter *d);

#endif
