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
 * Universal (picker_universal.c) and FIFO (picker_fifo.c) compaction are
 * chosen by opts.cstyle.style; their rules are at picker_universal_pick()
 * and picker_fifo_pick() below.  The leveled rules above are unchanged.
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

/* Why a compaction was picked: RocksDB's CompactionReason numbers. */
enum compaction_reason {
    COMPACTION_REASON_UNKNOWN = 0,
    COMPACTION_REASON_LEVEL_L0_FILES_NUM = 1,
    COMPACTION_REASON_LEVEL_MAX_LEVEL_SIZE = 2,
    COMPACTION_REASON_UNIVERSAL_SIZE_AMPLIFICATION = 3,
    COMPACTION_REASON_UNIVERSAL_SIZE_RATIO = 4,
    COMPACTION_REASON_UNIVERSAL_SORTED_RUN_NUM = 5,
    COMPACTION_REASON_FIFO_MAX_SIZE = 6,
    COMPACTION_REASON_FIFO_REDUCE_NUM_FILES = 7,
    COMPACTION_REASON_FIFO_TTL = 8,
    COMPACTION_REASON_MANUAL = 9,
};

typedef struct compaction {
    version *input_version;            /* referenced; released by compaction_free */
    int start_level, output_level;
    /* inputs[i] holds the input files of level start_level + i, for
     * i < n_input_levels (= output_level - start_level + 1).  Leveled:
     * [0] start level, [1] output level (may be empty).  Universal may fill
     * every level from start to output (L0 files newest first); FIFO and
     * intra-L0 picks use [0] only (start == output). */
    file_list inputs[VERSION_MAX_LEVELS];
    int n_input_levels;
    file_list grandparents;            /* first level below output that overlaps */
    uint64_t max_output_file_size;     /* RocksDB's MaxFileSizeForLevel (universal L0: no cap) */
    uint64_t max_compaction_bytes;     /* split outputs at this much grandparent overlap */
    double score;                      /* the start level's score; -1 when manual */
    bool manual;
    bool bottommost;                   /* nothing below the output (or older in L0) meets the range */
    bool trivial_move;                 /* move every input to output_level; nothing to merge */
    /* FIFO: drop the inputs in one VersionEdit; nothing is read or written. */
    bool deletion_compaction;
    /* false: write the outputs without compression (universal's
     * compression_size_percent; FIFO deletions); true: the level's usual
     * compression. */
    bool enable_compression;
    int reason;                        /* enum compaction_reason */
    shale_buf smallest_user_key, largest_user_key;  /* range of all inputs */
} compaction;

/* The level of c->inputs[i]. */
static inline int compaction_input_level(const compaction *c, int i) { return c->start_level + i; }
/* Input files over all levels. */
size_t compaction_num_input_files(const compaction *c);

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
/* RocksDB's MaxFileSizeForLevel for o's style: leveled as above; universal
 * the same except level 0, which has no cap (UINT64_MAX). */
uint64_t picker_max_file_size(const version_cf_options *o, int level);
/* Whether some level's score reaches 1 (universal and FIFO: the level-0
 * score, as their NeedsCompaction; v's scores come from
 * version_compute_scores with the same options). */
bool picker_needs_compaction(const version *v);

/* picker_pick(): the next automatic compaction on v (the current version),
 * or *out = NULL when none is due or possible.  The result holds a
 * reference to v, its inputs are marked being_compacted, it is registered
 * as running, and v's scores are recomputed.  Release it with
 * picker_release().  SHALE_OK or SHALE_NO_MEMORY.
 * picker_pick() is picker_pick_at() with now = time(NULL); `now` (seconds
 * since the epoch) matters only to FIFO's ttl. */
int picker_pick(compaction_picker *p, version *v, compaction **out, shale_err *err);
int picker_pick_at(compaction_picker *p, version *v, uint64_t now, compaction **out,
                   shale_err *err);

/* picker_manual_levels(): the levels a CompactRange over [begin, end] user
 * keys (NULL = open) visits, as RocksDB's DBImpl::CompactRange: false when
 * no level overlaps; else *first..*last are the first and last levels with
 * overlapping files.  The caller runs, for each level L in first..last,
 * picker_compact_range(L, L + 1) until it reports no more (repeating while
 * *next_begin is set) - except L == last when last > 0, which RocksDB skips
 * (bottommost level, no compaction filter).
 * Universal and FIFO: *first = *last = 0 when any level overlaps, so the
 * caller makes one picker_compact_range(0, 1) call (see there). */
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
 * Universal with num_levels > 1: the levels and range are ignored; every
 * file of every level goes to the last level (RocksDB's kCompactAllLevels;
 * conflict when any compaction runs or any file is busy).  Universal with
 * one level: input_level -> L0 over the range, as leveled L0 -> L0.
 * FIFO: the automatic pick (RocksDB's FIFO CompactRange), never a conflict.
 * SHALE_OK or SHALE_NO_MEMORY. */
int picker_compact_range(compaction_picker *p, version *v, int input_level, int output_level,
                         const slice *begin, const slice *end, compaction **out,
                         shale_buf *next_begin, bool *conflict, shale_err *err);

/* picker_release(): the compaction ended (installed or failed): clears
 * being_compacted on its inputs, unregisters it, recomputes the scores of
 * `current` (NULL allowed) and frees c.  NULL c allowed. */
void picker_release(compaction_picker *p, compaction *c, version *current);

/* compaction_add_input_deletions(): adds a DeletedFile for every input (all
 * input levels) to edit.  SHALE_OK or SHALE_NO_MEMORY. */
int compaction_add_input_deletions(const compaction *c, version_edit *edit, shale_err *err);
/* compaction_add_trivial_moves(): for a trivial move, deletes every input
 * not already on output_level from its level and re-adds it unchanged at
 * output_level.  SHALE_OK, SHALE_NO_MEMORY. */
int compaction_add_trivial_moves(const compaction *c, version_edit *edit, shale_err *err);

/* Frees c without touching the picker (for results never registered).
 * NULL allowed. */
void compaction_free(compaction *c);

/* ---- the other styles (picker_universal.c, picker_fifo.c) --------------- */

/* picker_universal_pick(): RocksDB 7.8.3's universal pick
 * (compaction_picker_universal.cc).  Sorted runs, newest first: each L0
 * file, then each non-empty level >= 1 (busy if any file in it is).
 * Nothing when runs < level0_file_num_compaction_trigger.  Else the first
 * that succeeds of:
 *   1. size amplification: from the newest idle run up to the oldest run,
 *      when the runs before the oldest sum (compensated) to at least
 *      max_size_amplification_percent% of the oldest's size; refused when
 *      the oldest or any run in between is busy.  Output: the last level.
 *   2. size ratio: the first idle run that, with the runs after it while
 *      each next run's size <= the picked size * (100 + size_ratio)%
 *      (stop_style 1: picked total; 0: last picked run, which must also be
 *      <= next * (100 + size_ratio)%), gathers min_merge_width (>= 2) ..
 *      max_merge_width runs.
 *   3. sorted-run count: when idle runs exceed the trigger, rule 2 with an
 *      unbounded ratio and at most idle - trigger + 1 runs.
 * Output level of 2 and 3: the last level when the oldest run is taken,
 * L0 when the next run is an L0 file, else the level above the next run.
 * Refused when the input range meets a running compaction's output range
 * on an output level > 0.  Outputs are compressed unless (rule 2/3,
 * compression_size_percent >= 0) the runs older than the picked ones
 * already hold that percentage of all bytes.  allow_trivial_move: a
 * trivial move when output > start, L0 is disjoint, and no two inputs
 * overlap.  Not done: periodic/TTL, files marked for compaction, the
 * incremental mode, multiple paths, allow_ingest_behind. */
int picker_universal_pick(compaction_picker *p, version *v, compaction **out, shale_err *err);
/* Manual universal compaction of every file to the last level. */
int picker_universal_compact_all(compaction_picker *p, version *v, compaction **out,
                                 bool *conflict, shale_err *err);

/* picker_fifo_pick(): RocksDB 7.8.3's FIFO pick (compaction_picker_fifo.cc)
 * at time `now` (seconds since the epoch):
 *   1. ttl > 0: the oldest L0 files whose age is past ttl
 *      (version_file_expired), stopping at the first that is not, when
 *      deleting them brings L0 to <= max_table_files_size.
 *   2. total bytes > max_table_files_size: the oldest L0 files (or, when a
 *      level >= 1 holds files, the last such level's files from the
 *      smallest key) until the rest is <= the limit.
 *   3. under the limit with allow_compaction: an intra-L0 merge of the
 *      newest L0 files while bytes per removed file do not grow, under
 *      max_compaction_bytes, when >= level0_file_num_compaction_trigger
 *      files join and bytes per removed file < 1.1 * write_buffer_size;
 *      outputs cut at 16 MiB.
 * 1 and 2 are deletion compactions, and none starts while another L0
 * compaction runs (3 only needs its files idle).  Beyond RocksDB, a
 * deletion pick that would take a busy file is refused. */
int picker_fifo_pick(compaction_picker *p, version *v, uint64_t now, compaction **out,
                     shale_err *err);

/* Helpers for the styles' pickers. */
/* A new unregistered compaction on v (referenced) from start to output
 * level, enable_compression set; NULL when out of memory. */
compaction *picker_compaction_alloc(version *v, int start_level, int output_level);
/* Fills the key range and bottommost (RocksDB's IsBottommostLevel), marks
 * the inputs being_compacted, registers c and recomputes v's scores.  On
 * failure frees c.  SHALE_OK or SHALE_NO_MEMORY. */
int picker_compaction_register(compaction_picker *p, compaction *c, shale_err *err);
/* Whether c's input range meets the output range of a running compaction
 * into c->output_level (RocksDB's FilesRangeOverlapWithCompaction). */
bool picker_range_busy(const compaction_picker *p, const compaction *c);
/* Whether a compaction counted as an L0 compaction runs (RocksDB's
 * level0_compactions_in_progress_: start level 0, or any under universal). */
bool picker_l0_running(const compaction_picker *p);

#endif
