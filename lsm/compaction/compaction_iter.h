/* lsm/compaction/compaction_iter.h: what a flush or compaction keeps of
 * its input (RocksDB's CompactionIterator, without blobs, timestamps or
 * transactions' write-conflict snapshots).
 *
 * The input is one internal-key stream (a merge of the inputs).  Live
 * snapshots cut each user key's history into stripes: the stripe of a
 * version is the earliest snapshot >= its seq (or "after every snapshot").
 * A reader at any snapshot sees at most the newest version of each stripe,
 * so the iterator keeps, per user key and stripe:
 *   1. the newest entry; older ones are dropped as obsolete;
 *   2. except after a kept merge operand, where the following entries of
 *      the stripe are kept up to and including the first non-merge (the
 *      operands still need their base; see MERGE SEAM below);
 *   3. a Put, Merge or Delete covered by a range tombstone of the same
 *      stripe with a larger seq is dropped;
 *   4. a Delete in the earliest stripe is dropped at the bottommost level
 *      (nothing older is left below it to hide);
 *   5. a SingleDelete followed by another entry of its key in the same
 *      stripe is dropped together with that entry (if that entry is itself a
 *      SingleDelete, only the first is dropped); a SingleDelete with no
 *      such entry is kept, or dropped at the bottommost level in the
 *      earliest stripe.  This applies before rule 1: a SingleDelete below a
 *      newer entry of its stripe still looks ahead for its Put (as RocksDB),
 *      so an older Put in another stripe or file stays deleted.  After a
 *      kept merge operand a SingleDelete acts as a Delete.  Deliberate
 *      difference from RocksDB 7.8.3: after a dropped
 *      pair the next entry of the stripe is judged as if it opened the
 *      stripe, where RocksDB hides it by rule 1.  With Put@39 | snapshot 39
 *      | SD@41 Put@47 SD@48, RocksDB drops SD@48+Put@47 and then SD@41, so a
 *      reader at a later snapshot sees Put@39 again; here SD@41 is kept.
 *   6. with `zero_seqnums` at the bottommost level, kept entries of the
 *      earliest stripe other than merge operands (Puts, in practice: rules
 *      4 and 5 leave no deletions there) get seq 0, type unchanged, which
 *      compresses better and marks them as older than any snapshot.
 * Range tombstones themselves are written by the caller from the
 * aggregator (rd_agg_emit()), with the same snapshots and bottommost flag.
 *
 * Merge operands (RocksDB's MergeHelper::MergeUntil).  Without a merge
 * operator (compaction_iter_new) they pass through by rules 1-2.  With one
 * (compaction_iter_new_merge), a
 * kept operand that opens its stripe starts a merge run: the following
 * entries of the same key and stripe are read, operands covered by a range
 * tombstone dropped, up to
 *   a. a Put: full merge onto its value;
 *   b. a Delete or SingleDelete, or a Put covered by a range tombstone:
 *      full merge onto no value;
 *   c. the key's last entry (the next key or the end of input) at the
 *      bottommost level: full merge onto no value;
 *   d. otherwise (an older stripe, or not bottommost): a partial merge of
 *      the run when there are two or more operands and the operator has
 *      one, else every operand is kept as it was.
 * a-c output one Put, and d (merged) one operand, under the internal key
 * of the run's newest operand; the base of a and b is consumed (RocksDB
 * writes the Put, which hides it).  A failed full merge fails the
 * iterator with SHALE_CORRUPTION "Error: Could not perform merge.".
 *
 * COMPACTION FILTER (compaction_iter_set_filter; RocksDB 7.8.3's
 * CompactionIterator::InvokeFilterIfNeeded and MergeHelper::FilterMerge).
 * The filter is shown:
 *   F1. the first entry of each user key in the input (its newest version,
 *       whatever its stripe) when it is a Put: REMOVE turns it into a Delete
 *       with the same seq and an empty value, which rules 1, 3 and 4 then
 *       treat as any Delete (at the bottommost level in the earliest stripe
 *       it is dropped, and with it the key's older versions of the stripe);
 *       CHANGE_VALUE replaces its value.  Older versions of the key (kept
 *       for snapshots, or a merge's base) are never shown: RocksDB filters
 *       once per key.  Entries a range tombstone covers are shown too (the
 *       filter runs first), then dropped by rule 3.
 *   F2. each merge operand newer than the latest snapshot that opens or
 *       continues a merge run (with a merge operator) or a chain (rule 2,
 *       without one), before the run is merged: REMOVE drops the operand,
 *       CHANGE_VALUE replaces it.  Operands a snapshot can see (seq <= the
 *       newest snapshot) are kept unshown, as RocksDB's MergeUntil does.
 *       One deviation: an operand that opens its stripe and is covered by
 *       a range tombstone is dropped by rule 3 without being shown (RocksDB
 *       shows it, then drops it); inside a run the filter runs first.
 *   F3. when the operands seen so far of a run (or chain) are all removed,
 *       they hide nothing: the key's state is reset, so the next entry is
 *       judged as the first of its key (a Put is shown to the filter by F1,
 *       even one in an older stripe), as RocksDB does.
 * Without a merge operator RocksDB fails the compaction ("merge_operator is
 * not properly initialized."); here operands pass through by rule 2 and
 * are filtered by F2 and F3 all the same.  A decision other than KEEP,
 * REMOVE or CHANGE_VALUE fails the iterator with SHALE_CORRUPTION (RocksDB
 * has more decisions; shale's API has these three).
 *
 * Keys and values are valid until the next move or free. */
#ifndef LSM_COMPACTION_COMPACTION_ITER_H
#define LSM_COMPACTION_COMPACTION_ITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/compaction/range_del.h"
#include "lsm/util/buf.h"
#include "lsm/util/iter.h"
#include "shale/compaction_filter.h"
#include "shale/err.h"

/* The merge operator's calls (lsm/db/merge.h provides them).  Operands are
 * passed oldest first; results are appended to *out. */
typedef struct compaction_merge {
    int (*full)(void *arg, slice user_key, const slice *existing, const slice *operands,
                size_t n, shale_buf *out, shale_err *err);
    /* *merged false: keep the operands (not an error). */
    int (*partial)(void *arg, slice user_key, const slice *operands, size_t n, shale_buf *out,
                   bool *merged, shale_err *err);
    void *arg;
} compaction_merge;

typedef struct compaction_iter_options {
    const uint64_t *snapshots;  /* live snapshots, strictly ascending; copied */
    size_t n_snapshots;
    bool bottommost;            /* no older data for these keys below the output */
    bool zero_seqnums;          /* rule 6 (only with bottommost) */
    rd_agg *range_del;          /* borrowed; NULL: no range tombstones */
} compaction_iter_options;

/* Entries counted by what happened to them; every input entry lands in
 * exactly one of output, dropped_obsolete, dropped_range_del,
 * dropped_tombstones, dropped_filter, merged. */
typedef struct compaction_iter_stats {
    uint64_t input;
    uint64_t output;
    uint64_t dropped_obsolete;    /* rules 1 and 5 (both entries of a pair) */
    uint64_t dropped_range_del;   /* rule 3 */
    uint64_t dropped_tombstones;  /* rule 4, and rule 5's unpaired bottom case */
    uint64_t single_del_pairs;    /* rule 5 pairs (already in dropped_obsolete) */
    uint64_t seq_zeroed;          /* rule 6 */
    uint64_t merged;              /* folded into a merge result (a run of k
                                     entries giving one output counts k - 1) */
    uint64_t full_merges, partial_merges;  /* operator calls that succeeded */
    uint64_t dropped_filter;      /* merge operands the filter removed (F2) */
    uint64_t filter_calls;        /* entries shown to the filter */
    uint64_t filter_removed;      /* Puts the filter turned into Deletes (F1; these
                                     then land in output or dropped_*) */
    uint64_t filter_changed;      /* values and operands it changed */
} compaction_iter_stats;

typedef struct compaction_iter compaction_iter;

/* Borrows `input` (it must outlive the compaction iterator) and positions
 * it at its first entry; *out is then at the first entry kept.  On failure
 * *out is NULL (SHALE_NO_MEMORY; SHALE_INVALID_ARGUMENT if the snapshots are
 * not ascending). */
int compaction_iter_new(iter *input, const compaction_iter_options *opts, compaction_iter **out,
                        shale_err *err);
/* As compaction_iter_new(), combining merge operands with `merge` (copied;
 * its arg must outlive the iterator).  A separate call rather than an
 * options field: callers fill compaction_iter_options positionally. */
int compaction_iter_new_merge(iter *input, const compaction_iter_options *opts,
                              const compaction_merge *merge, compaction_iter **out,
                              shale_err *err);
void compaction_iter_free(compaction_iter *c);  /* NULL-safe */

/* Applies `filter` (borrowed: it must outlive the iterator; NULL: none) as
 * described above; `level` is passed to every call (RocksDB passes the
 * compaction's start level, Compaction::level()).  Call right after
 * compaction_iter_new*() and before the first compaction_iter_next():
 * the iterator is already on its first output entry, so this re-reads the
 * input from its first entry (iter_first) with the statistics reset.  A
 * call that changes neither the filter nor the level does nothing. */
void compaction_iter_set_filter(compaction_iter *c, shale_compaction_filter *filter, int level);

bool compaction_iter_valid(const compaction_iter *c);
void compaction_iter_next(compaction_iter *c);          /* REQUIRES: valid */
slice compaction_iter_key(const compaction_iter *c);    /* REQUIRES: valid */
slice compaction_iter_value(const compaction_iter *c);  /* REQUIRES: valid */
/* SHALE_CORRUPTION for a key that does not parse, a failed full merge or
 * a filter's unknown decision,
 * SHALE_NOT_SUPPORTED for a merge onto a blob or wide-column entry, the
 * input's error, or SHALE_NO_MEMORY; the iterator is then invalid. */
int compaction_iter_status(const compaction_iter *c, shale_err *err);
const compaction_iter_stats *compaction_iter_get_stats(const compaction_iter *c);

#endif
