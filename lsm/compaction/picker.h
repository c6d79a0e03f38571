/* lsm/compaction/picker.h: which files to compact next, for leveled
 * compaction as RocksDB 7.8.3 picks them (db/compaction/
 * compaction_picker{,_level}.cc) with compaction_pri = kMinOverlappingRatio
 * and level_compaction_dynamic_level_bytes = false.
 *
 * Automatic picks (picker_pick):
 *   1. Levels in score order (version_compute_scores); the first with
 *      score >= 1 whose pick succeeds wins.  A blocked L0 pick also skips
 *      L1 as a start level, so L0->L1 does not starve.
 *   2. L0 start: first try a trivial move of the oldest L0 files that
 *      overlap nothing in L1 (only when L1 has files); otherwise the file
 *      order below, then all L0 files overlapping the chosen range (the
 *      transitive closure) join.  One L0 compaction at a time.
 *   3. Ln start: files by overlapping ratio (bytes overlapping in n+1 *
 *      1024 / own compensated size, smallest first), skipping files being
 *      compacted; the file is expanded to a clean cut (neighbours sharing a
 *      boundary user key join).  With no overlap in n+1, up to 4 adjacent
 *      files that still overlap nothing join (a multi-file trivial move).
 *   4. Output level: the overlapping files, expanded to a clean cut; then
 *      the start level grows if that does not grow the output set and stays
 *      under max_compaction_bytes (RocksDB's SetupOtherInputs).
 *   5. Refused when any input is being compacted or the output range meets
 *      a running compaction's output range on the same level.
 * Not done (RocksDB does them): intra-L0 compaction, files marked for
 * compaction, TTL/periodic picks, the TTL boost of the file order, the
 * next-compaction-index cursor.
 *
 * Locking: every function here REQUIRES the DB mutex (being_compacted,
 * version scores and the running list live under it). */
#ifndef LSM_COMPACTION_PICKER_H
#define LSM_COMPACTION_PICKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/util/buf.h"
#include "lsm/version/version.h"
#include "lsm/version/version_edit.h"
#include "shale/err.h"

typedef struct compaction {
    version *input_version;            /* referenced; released by compaction_free */
    int start_level, output_level;
    file_list inputs[2];               /* [0] start level, [1] output level (may be empty) */
    file_list grandparents;            /* first level below output that overlaps */
    uint64_t max_output_file_size;     /* target_file_size_base * mult^(level-1) */
    uint64_t max_compaction_bytes;     /* split outputs at this much grandparent overlap */
    double score;                      /* the start level's score; -1 when manual */
    bool manual;
    bool bottommost;                   /* nothing below the output level meets the range */
    bool trivial_move;                 /* move the start files; nothing to merge */
    shale_buf smallest_user_key, largest_user_key;  /* range of all inputs */
} compaction;

typedef struct compaction_picker {
    version_cf_options opts;           /* immutable */
    compaction **running;              /* DB mutex */
    size_t n_running, cap_running;
} compaction_picker;

void picker_init(compaction_picker *p, const version_cf_options *opts);
/* REQUIRES: no compaction still registered. */
void picker_deinit(compaction_picker *p);

/* The output file size target of `level` (RocksDB's MaxFileSizeForLevel). */
uint64_t picker_target_file_size(const version_cf_options *o, int level);
/* Whether some level's score reaches 1. */
bool picker_needs_compaction(const version *v);

/* picker_pick(): the next automatic compaction on v (the current version),
 * or *out = NULL when none is due or possible.  The result holds a
 * reference to v, its inputs are marked being_compacted, it is registered
 * as running, and v's scores are recomputed.  Release it with
 * picker_release().  SHALE_OK or SHALE_NO_MEMORY. */
int picker_pick(compaction_picker *p, version *v, compaction **out, shale_err *err);

/* picker_manual_levels(): the levels a CompactRange over [begin, end] user
 * keys (NULL = open) visits, as RocksDB's DBImpl::CompactRange: false when
 * no level overlaps; else *first..*last are the first and last levels with
 * overlapping files.  The caller runs, for each level L in first..last,
 * picker_compact_range(L, L + 1) until it reports no more (repeating while
 * *next_begin is set) - except L == last when last > 0, which RocksDB skips
 * (bottommost level, no compaction filter). */
bool picker_manual_levels(const version *v, const slice *begin, const slice *end, int *first,
                          int *last);

/* picker_compact_range(): one manual compaction of input_level ->
 * output_level over user keys [begin, end] (NULL = open).
 *   *out = NULL, *conflict = false: nothing in range.
 *   *out = NULL, *conflict = true: inputs busy; retry after running ones end.
 *   *out set: like picker_pick().  For input_level > 0 the inputs stop once
 *   max_compaction_bytes is reached; then *next_begin holds the internal
 *   key where the next round starts (use its user key as begin), else it is
 *   left empty.
 * SHALE_OK or SHALE_NO_MEMORY. */
int picker_compact_range(compaction_picker *p, version *v, int input_level, int output_level,
                         const slice *begin, const slice *end, compaction **out,
                         shale_buf *next_begin, bool *conflict, shale_err *err);

/* picker_release(): the compaction ended (installed or failed): clears
 * being_compacted on its inputs, unregisters it, recomputes the scores of
 * `current` (NULL allowed) and frees c.  NULL c allowed. */
void picker_release(compaction_picker *p, compaction *c, version *current);

/* compaction_add_input_deletions(): adds a DeletedFile for every input to
 * edit.  SHALE_OK or SHALE_NO_MEMORY. */
int compaction_add_input_deletions(const compaction *c, version_edit *edit, shale_err *err);

/* Frees c without touching the picker (for results never registered).
 * NULL allowed. */
void compaction_free(compaction *c);

#endif
