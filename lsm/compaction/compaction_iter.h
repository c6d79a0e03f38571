/* lsm/compaction/compaction_iter.h: what a flush or compaction keeps of
 * its input (RocksDB's CompactionIterator, without compaction filters,
 * blobs, timestamps or transactions' write-conflict snapshots).
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
 *      earliest stripe.  After a kept merge operand a SingleDelete acts as
 *      a Delete.  Deliberate difference from RocksDB 7.8.3: after a dropped
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
 * MERGE SEAM (issue 5): merge operands pass through unchanged.  With a
 * merge operator, the operands of a stripe (and their base) are to be
 * collapsed into one entry at the point marked so in compaction_iter.c.
 *
 * Keys and values are valid until the next move or free. */
#ifndef LSM_COMPACTION_COMPACTION_ITER_H
#define LSM_COMPACTION_COMPACTION_ITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/compaction/range_del.h"
#include "lsm/util/iter.h"
#include "shale/err.h"

typedef struct compaction_iter_options {
    const uint64_t *snapshots;  /* live snapshots, strictly ascending; copied */
    size_t n_snapshots;
    bool bottommost;            /* no older data for these keys below the output */
    bool zero_seqnums;          /* rule 6 (only with bottommost) */
    rd_agg *range_del;          /* borrowed; NULL: no range tombstones */
} compaction_iter_options;

/* Entries counted by what happened to them; every input entry lands in
 * exactly one of output, dropped_obsolete, dropped_range_del,
 * dropped_tombstones. */
typedef struct compaction_iter_stats {
    uint64_t input;
    uint64_t output;
    uint64_t dropped_obsolete;    /* rules 1 and 5 (both entries of a pair) */
    uint64_t dropped_range_del;   /* rule 3 */
    uint64_t dropped_tombstones;  /* rule 4, and rule 5's unpaired bottom case */
    uint64_t single_del_pairs;    /* rule 5 pairs (already in dropped_obsolete) */
    uint64_t seq_zeroed;          /* rule 6 */
} compaction_iter_stats;

typedef struct compaction_iter compaction_iter;

/* Borrows `input` (it must outlive the compaction iterator) and positions
 * it at its first entry; *out is then at the first entry kept.  On failure
 * *out is NULL (SHALE_NO_MEMORY; SHALE_INVALID_ARGUMENT if the snapshots are
 * not ascending). */
int compaction_iter_new(iter *input, const compaction_iter_options *opts, compaction_iter **out,
                        shale_err *err);
void compaction_iter_free(compaction_iter *c);  /* NULL-safe */

bool compaction_iter_valid(const compaction_iter *c);
void compaction_iter_next(compaction_iter *c);          /* REQUIRES: valid */
slice compaction_iter_key(const compaction_iter *c);    /* REQUIRES: valid */
slice compaction_iter_value(const compaction_iter *c);  /* REQUIRES: valid */
/* SHALE_CORRUPTION for a key that does not parse, the input's error, or
 * SHALE_NO_MEMORY; the iterator is then invalid. */
int compaction_iter_status(const compaction_iter *c, shale_err *err);
const compaction_iter_stats *compaction_iter_get_stats(const compaction_iter *c);

#endif
