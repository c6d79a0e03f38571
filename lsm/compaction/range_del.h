/* lsm/compaction/range_del.h: range tombstones, collected from memtables
 * and files and asked "is this key deleted?" (RocksDB's RangeDelAggregator
 * with FragmentedRangeTombstoneList).
 *
 * A tombstone deletes every user key in [begin, end) written with a smaller
 * sequence number than its own.  Tombstones overlap freely as added; the
 * aggregator cuts them into fragments: sorted, non-overlapping user-key
 * ranges, each with the descending list of the sequence numbers of the
 * tombstones over it.  A lookup is then a binary search over fragments and
 * a scan of one short list.  Keeping every sequence number (not only the
 * largest) lets a compaction honour snapshots: a reader at snapshot s sees
 * only the tombstones with seq <= s.
 *
 * Fragments are rebuilt lazily at the first query after an add.  If memory
 * runs out while rebuilding, queries fall back to scanning the tombstones
 * as added (slower, same answers), so queries never fail.
 *
 * Not thread-safe: one thread at a time, queries included (they may
 * rebuild the fragments). */
#ifndef LSM_COMPACTION_RANGE_DEL_H
#define LSM_COMPACTION_RANGE_DEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/util/ikey.h"
#include "lsm/util/iter.h"
#include "shale/err.h"

typedef struct rd_agg rd_agg;

/* A tombstone or a fragment of one.  Keys are borrowed from the aggregator
 * (valid until it is freed). */
typedef struct rd_tombstone {
    slice begin, end;  /* user keys; the range is [begin, end) */
    uint64_t seq;
} rd_tombstone;

/* An aggregator for a reader at snapshot read_seq: tombstones with a larger
 * seq are ignored when added.  Compactions pass MAX_SEQUENCE.  Free with
 * rd_agg_free().  NULL on no memory. */
rd_agg *rd_agg_new(uint64_t read_seq);
void rd_agg_free(rd_agg *a);  /* NULL-safe */

/* Copies one tombstone in.  An empty range (begin >= end) is ignored. */
int rd_agg_add(rd_agg *a, slice begin, slice end, uint64_t seq, shale_err *err);

/* Adds every entry of a range-deletion iterator (memtable or SST range-del
 * block): key = internal key (begin, seq, VT_RANGE_DELETION), value = end.
 * Borrows `it` and leaves it at its end.  SHALE_CORRUPTION if a key does not
 * parse or has another type; the iterator's own error is passed up. */
int rd_agg_add_iter(rd_agg *a, iter *it, shale_err *err);

/* Whether no tombstone was kept. */
bool rd_agg_empty(const rd_agg *a);
/* How many tombstones were kept (as added, before fragmenting). */
size_t rd_agg_count(const rd_agg *a);

/* Whether some kept tombstone with above < seq <= max_seq covers user_key.
 * The compaction iterator asks with above = the key's seq and max_seq = the
 * top of the key's snapshot stripe. */
bool rd_covers(rd_agg *a, slice user_key, uint64_t above, uint64_t max_seq);

/* Whether k is deleted for the aggregator's reader: a kept tombstone
 * (seq <= read_seq) covers k's user key with seq > k->seq. */
bool rd_should_delete(rd_agg *a, const parsed_ikey *k);

/* The largest seq of a kept tombstone covering user_key; 0 if none. */
uint64_t rd_max_covering_seq(rd_agg *a, slice user_key);

/* --- compaction output ------------------------------------------------- */

typedef struct rd_output_stats {
    uint64_t written;          /* fragments passed to the callback */
    uint64_t dropped_hidden;   /* a newer tombstone over the same fragment in
                                  the same snapshot stripe makes it redundant */
    uint64_t dropped_obsolete; /* bottommost and in the earliest stripe */
} rd_output_stats;

/* Called once per tombstone fragment to write; a non-OK return stops the
 * walk and is returned by rd_agg_emit(). */
typedef int (*rd_emit_fn)(void *arg, const rd_tombstone *t, shale_err *err);

/* Walks the fragments that an output file with user-key range [*lo, *hi)
 * must hold (lo/hi NULL: unbounded on that side), truncated to that range,
 * in internal-key order (begin ascending, then seq descending).
 * snapshots[0..n) are the live snapshots, ascending.  Within one fragment
 * and one snapshot stripe only the newest tombstone is written; with
 * `bottommost`, tombstones in the earliest stripe (seq <= snapshots[0], or
 * all when n == 0) are dropped, as no older data remains below for them to
 * delete.  stats may be NULL; counts are added to it. */
int rd_agg_emit(rd_agg *a, const uint64_t *snapshots, size_t n, bool bottommost, const slice *lo,
                const slice *hi, rd_emit_fn fn, void *arg, rd_output_stats *stats,
                shale_err *err);

#endif
