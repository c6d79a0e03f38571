/* include/shale/merge.h: merge operators, in the shape of RocksDB's C API
 * (rocksdb_mergeoperator_create), so a database's read-modify-write
 * updates (counters, list appends) are written as operands and combined
 * later: by reads, iterators, flushes and compactions.
 *
 * A merge operator is a set of callbacks:
 *   full merge     (key, existing value or none, operands oldest first)
 *                  -> the value; called by reads, and by flush and
 *                  compaction when they reach the key's base value, its
 *                  deletion, or (at the bottommost level) its oldest entry;
 *   partial merge  (key, two or more operands oldest first) -> one operand;
 *                  optional, used by flush and compaction to shrink a run
 *                  of operands whose base is not in view;
 *   name           recorded in every SST's properties
 *                  (rocksdb.merge.operator) and in the OPTIONS file.
 *
 * The built-ins carry RocksDB's names and produce RocksDB's bytes, so files
 * written by either engine are resolved the same way by the other.  As in
 * RocksDB 7.8.3, opening a database whose SSTs name another operator than
 * the configured one is not checked: the configured operator is applied.
 *
 * Thread-safety: the callbacks are called from any thread (readers and the
 * background threads) concurrently, and must be thread-safe.
 * Ownership: a created operator belongs to the caller until handed to
 * shale_options_set_merge_operator(), which takes it over. */
#ifndef SHALE_MERGE_H
#define SHALE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/api.h"
#include "shale/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shale_merge_operator shale_merge_operator;
typedef struct shale_options shale_options;
typedef struct shale_db shale_db;
typedef struct shale_write_options shale_write_options;
typedef struct shale_write_batch shale_write_batch;

/* Full merge: combines `existing` (NULL when the key has no value: never
 * written, or deleted) with operands[0..n) (n >= 1), oldest first, each of
 * operand_lens[i] bytes.  Sets *success (nonzero: merged) and
 * *new_value_len, and returns the value: a malloc'd buffer, or one the
 * operator allocated its own way when it has a delete_value callback.
 * NULL is allowed for an empty result.  The result is released (free() or
 * delete_value) whatever *success says.  A failure makes the read, flush
 * or compaction fail with SHALE_CORRUPTION "Error: Could not perform
 * merge." (RocksDB's status). */
typedef char *(*shale_full_merge_fn)(void *state, const char *key, size_t key_len,
                                     const char *existing, size_t existing_len,
                                     const char *const *operands, const size_t *operand_lens,
                                     int n, unsigned char *success, size_t *new_value_len);
/* Partial merge: combines operands[0..n) (n >= 2), oldest first, into one
 * operand, returned as for full merge.  *success = 0 leaves the operands
 * as they are (not an error). */
typedef char *(*shale_partial_merge_fn)(void *state, const char *key, size_t key_len,
                                        const char *const *operands,
                                        const size_t *operand_lens, int n,
                                        unsigned char *success, size_t *new_value_len);

/* shale_merge_operator_create(): an operator over the caller's callbacks.
 * `state` is passed to every callback; destructor(state) (may be NULL) is
 * called once when the operator is released.  full_merge and name are
 * required; partial_merge and delete_value may be NULL (no partial merge;
 * results released with free()).  name(state) must return the same string
 * for the operator's life.  NULL on no memory or a missing callback.  The
 * caller owns the result until it is given to
 * shale_options_set_merge_operator(); otherwise release it with
 * shale_merge_operator_destroy(). */
SHALE_API shale_merge_operator *shale_merge_operator_create(
    void *state, void (*destructor)(void *state), shale_full_merge_fn full_merge,
    shale_partial_merge_fn partial_merge,
    void (*delete_value)(void *state, const char *value, size_t value_len),
    const char *(*name)(void *state));

/* shale_merge_operator_destroy(): releases an operator the caller still
 * owns (never one given to an options object).  NULL allowed. */
SHALE_API void shale_merge_operator_destroy(shale_merge_operator *op);

/* shale_merge_operator_name(): the operator's name (borrowed, lives as
 * long as the operator). */
SHALE_API const char *shale_merge_operator_name(const shale_merge_operator *op);

/* Built-ins, RocksDB's merge operators under RocksDB's names.  NULL on no
 * memory.
 *
 * uint64add ("UInt64AddOperator"): values and operands are 8-byte
 * little-endian unsigned integers; the result is their sum modulo 2^64.
 * An operand or existing value of another length counts as 0, as in
 * RocksDB (which logs it and goes on).  Partial merge sums operands. */
SHALE_API shale_merge_operator *shale_merge_operator_create_uint64add(void);
/* stringappend ("StringAppendOperator"): the existing value and the
 * operands joined by `delim` (RocksDB's default is ','); with no existing
 * value the first operand starts the result.  Partial merge joins
 * operands. */
SHALE_API shale_merge_operator *shale_merge_operator_create_stringappend(char delim);
/* Flink's list operator ("StringAppendTESTOperator", delimiter ','): the
 * full merge of stringappend, and no partial merge, as RocksDB's
 * StringAppendTESTOperator (operands stay apart until their base is
 * reached). */
SHALE_API shale_merge_operator *shale_merge_operator_create_stringappend_test(void);

/* shale_options_set_merge_operator(): the operator databases opened with
 * `o` use.  Takes ownership of `op`, as RocksDB's C API does: do not
 * destroy it afterwards; it lives while any options object or database
 * holds it (options copies and open databases keep it alive), and a
 * second set, or shale_options_free(), releases the previous one.  NULL
 * clears.  An operator belongs to one options object: create another for
 * a second one. */
SHALE_API void shale_options_set_merge_operator(shale_options *o, shale_merge_operator *op);

/* shale_options_set_max_successive_merges(): when > 0, a merge written
 * into the memtable that finds at least this many merge operands of its
 * key on top of the memtable first reads the key's value and stores the
 * merged result as a Put in the memtable instead (the WAL still holds the
 * operand).  RocksDB's default, 0, turns it off.  If the read finds no
 * value or fails, or the merge fails, the operand is stored as usual. */
SHALE_API void shale_options_set_max_successive_merges(shale_options *o, size_t v);

/* shale_merge(): writes a merge operand for key (atomic and durable as
 * shale_put).  Bytes are copied.  As RocksDB's DB::Merge:
 *   SHALE_NOT_SUPPORTED  the database has no merge operator
 *                        ("Provide a merge_operator when opening DB")
 * and the codes of shale_put(). */
SHALE_API SHALE_MUST_CHECK int shale_merge(shale_db *db, const shale_write_options *wo,
                                           const char *key, size_t klen, const char *val,
                                           size_t vlen, shale_err *err);

/* shale_write_batch_merge(): adds a merge operand record to the batch.
 * SHALE_INVALID_ARGUMENT for a key or operand over 4 GiB; SHALE_NO_MEMORY. */
SHALE_API int shale_write_batch_merge(shale_write_batch *b, const char *key, size_t klen,
                                      const char *val, size_t vlen, shale_err *err);

#ifdef __cplusplus
}
#endif
#endif
