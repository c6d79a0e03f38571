/* lsm/version/version.h: one immutable view of the LSM tree (which table
 * files sit at which level), the builder that turns a base version plus
 * VersionEdits into the next one, and the per-level queries and compaction
 * scores RocksDB 7.8.3 computes (db/version_set.cc, db/version_builder.cc),
 * with level_compaction_dynamic_level_bytes=false.
 *
 * Invariants of a finished version:
 *   1. L0 is ordered newest first: largest_seqno descending, then
 *      smallest_seqno descending, then file number descending.
 *   2. L1+ are ordered by smallest internal key (then number), and for two
 *      neighbours a.largest < b.smallest in internal-key order: files never
 *      overlap, though two may share a boundary user key.
 *   3. A file number appears at most once in a version.
 * The builder refuses an edit that would break 2 or 3, or that deletes a
 * file that is not there (SHALE_CORRUPTION, RocksDB's wording).
 *
 * Lifetimes: file_meta and version are reference-counted; the creator holds
 * the first reference.  A version shares its file_meta with its neighbours.
 * file_meta.being_compacted, version scores and the picker's state are
 * protected by the DB mutex (the lead's db->mu); the rest of a version never
 * changes after version_builder_finish(). */
#ifndef LSM_VERSION_VERSION_H
#define LSM_VERSION_VERSION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/compaction/compaction_style.h"
#include "lsm/util/buf.h"
#include "lsm/util/mutex.h"
#include "lsm/util/slice.h"
#include "lsm/version/version_edit.h"
#include "shale/err.h"

/* Most levels a column family may have (RocksDB's num_levels default is 7). */
#define VERSION_MAX_LEVELS 16

/* Options that shape levels and compaction (RocksDB's names and defaults;
 * version_cf_options_default()).  Copied by value where kept. */
typedef struct version_cf_options {
    int num_levels;                          /* 7 */
    int level0_file_num_compaction_trigger;  /* 4 */
    uint64_t max_bytes_for_level_base;       /* 256 MiB */
    double max_bytes_for_level_multiplier;   /* 10 */
    uint64_t target_file_size_base;          /* 64 MiB */
    int target_file_size_multiplier;         /* 1 */
    uint64_t max_compaction_bytes;           /* 0: 25 * target_file_size_base */
    uint64_t write_buffer_size;              /* 64 MiB; FIFO's intra-L0 size cap */
    compaction_style_options cstyle;         /* compaction_style_options_init() */
} version_cf_options;

void version_cf_options_default(version_cf_options *o);
/* max_compaction_bytes with 0 resolved (RocksDB's sanitizing). */
uint64_t version_max_compaction_bytes(const version_cf_options *o);

/* One table file.  Immutable after creation except being_compacted (DB
 * mutex).  Keys are owned copies. */
typedef struct file_meta {
    atomic_int refs;
    uint64_t number;
    uint32_t path_id;
    uint64_t file_size;
    uint64_t compensated_file_size;   /* file_size; TODO: deletion boost once
                                       * table stats are loaded */
    shale_buf smallest, largest;      /* internal keys */
    uint64_t smallest_seqno, largest_seqno;
    uint64_t num_entries, num_deletions;  /* 0 = unknown */
    uint64_t oldest_ancester_time, file_creation_time;  /* seconds; 0 = unknown */
    shale_buf checksum, checksum_func_name;  /* kept to rewrite the MANIFEST */
    bool marked_for_compaction;
    uint64_t oldest_blob_file_number;
    uint8_t temperature;
    bool being_compacted;             /* DB mutex */
} file_meta;

/* file_meta_new_from_edit(): a new file_meta (refs = 1) copying nf.
 *   SHALE_OK, SHALE_NO_MEMORY (*out = NULL). */
int file_meta_new_from_edit(const ve_new_file *nf, file_meta **out, shale_err *err);
void file_meta_ref(file_meta *f);
/* NULL allowed; frees at zero. */
void file_meta_unref(file_meta *f);
static inline slice file_meta_smallest(const file_meta *f) { return shale_buf_slice(&f->smallest); }
static inline slice file_meta_largest(const file_meta *f) { return shale_buf_slice(&f->largest); }
/* The ve_file_meta that re-adds f at `level` (slices borrow f). */
void file_meta_to_edit(const file_meta *f, int level, ve_file_meta *out);

/* A growable list of borrowed file_meta pointers (query results). */
typedef struct file_list {
    file_meta **files;
    size_t n, cap;
} file_list;

#define FILE_LIST_INIT {NULL, 0, 0}
void file_list_deinit(file_list *l);
static inline void file_list_clear(file_list *l) { l->n = 0; }
/* SHALE_OK or SHALE_NO_MEMORY. */
int file_list_push(file_list *l, file_meta *f, shale_err *err);
int file_list_copy(file_list *dst, const file_list *src, shale_err *err);
uint64_t file_list_bytes(const file_list *l);

typedef struct version version;

/* The live versions of a column family, linked so obsolete-file deletion
 * can ask which files any of them still uses.  `mu` protects the links
 * only; it is a leaf lock (taken under the DB mutex, never the reverse). */
typedef struct version_list {
    shale_mutex mu;
    version *head;                    /* newest first */
} version_list;

void version_list_init(version_list *l);
/* REQUIRES: no version is linked any more. */
void version_list_deinit(version_list *l);

struct version {
    atomic_int refs;
    uint64_t number;                  /* "version#" in debug strings */
    version_list *list;               /* NULL until linked */
    version *prev, *next;             /* list->mu */
    int num_levels;
    file_meta **files[VERSION_MAX_LEVELS];
    size_t n_files[VERSION_MAX_LEVELS];
    /* Scores (DB mutex): compaction_score[i] for level compaction_level[i],
     * i < num_levels - 1, sorted by score descending. */
    double compaction_score[VERSION_MAX_LEVELS];
    int compaction_level[VERSION_MAX_LEVELS];
    uint64_t level_max_bytes[VERSION_MAX_LEVELS];
    uint64_t pending_compaction_bytes;  /* 0 unless leveled, as RocksDB */
    /* Set with the scores: the style they were computed for, and RocksDB's
     * l0_delay_trigger_count (L0 files, plus each non-empty level >= 1
     * under universal compaction), which the write stall compares with
     * level0_slowdown/stop_writes_trigger. */
    int compaction_style;
    int l0_delay_trigger_count;
};

/* version_new_empty(): a version with no files (refs = 1, unlinked).
 * SHALE_OK, SHALE_INVALID_ARGUMENT (num_levels out of 1..MAX),
 * SHALE_NO_MEMORY. */
int version_new_empty(const version_cf_options *opts, version **out, shale_err *err);
void version_ref(version *v);
/* NULL allowed.  At zero the version unlinks itself (taking list->mu) and
 * releases its files.  Callable with or without the DB mutex. */
void version_unref(version *v);
/* Links v at the head of l; the list does not hold a reference. */
void version_link(version *v, version_list *l);

static inline size_t version_num_files(const version *v, int level) { return v->n_files[level]; }
uint64_t version_level_bytes(const version *v, int level);
uint64_t version_total_bytes(const version *v);
/* The last level (>= 1) holding files, 0 if only L0 (or nothing). */
int version_last_nonempty_level(const version *v);

/* version_find_file(): for level >= 1, the index of the first file whose
 * largest key >= ikey (internal order); n_files[level] if none. */
size_t version_find_file(const version *v, int level, slice ikey);

/* version_overlapping_inputs(): clears *out and fills it with the files of
 * `level` whose user-key range meets [begin, end] (NULL = unbounded).  For
 * L0 the range grows with every file taken, until no more file overlaps
 * (RocksDB's expansion); L0 results keep L0's order.  SHALE_OK or
 * SHALE_NO_MEMORY. */
int version_overlapping_inputs(const version *v, int level, const slice *begin_user_key,
                               const slice *end_user_key, file_list *out, shale_err *err);

/* Internal-key-bounded forms used by the picker.  Bounds compare as RocksDB's
 * sstableKeyCompare: by user key, except that a range-tombstone sentinel
 * largest key (seq 2^56-1, type 0x0F) sorts before the same user key.
 * within: only a clean run of files inside [begin, end] (level >= 1).
 * *first (NULL allowed): index of the first file taken, -1 if none.
 * *next_smallest (NULL allowed): the smallest key of the file after the
 * run (level >= 1), or an empty slice; borrows from v. */
int version_overlapping_ikey(const version *v, int level, const slice *begin, const slice *end,
                             bool within, file_list *out, int *first, slice *next_smallest,
                             shale_err *err);
/* Returns <0, 0, >0 as described above. */
int version_sstable_key_compare(slice a, slice b);

/* version_compute_scores(): (re)computes compaction_score/level and
 * pending_compaction_bytes from the files and their being_compacted flags.
 * By opts->cstyle.style, as RocksDB's ComputeCompactionScore:
 *   leveled    a score per level 0..num_levels-2, sorted descending.
 *   universal  only compaction_score[0] (level 0) counts: sorted runs not
 *              being compacted (each L0 file, each non-empty level whose
 *              first file is not being compacted) / level0 trigger.
 *   FIFO       only compaction_score[0]: L0 bytes not being compacted /
 *              fifo.max_table_files_size; with allow_compaction at least
 *              L0 files / trigger; with ttl > 0 at least the number of L0
 *              files whose oldest_ancester_time (else file_creation_time)
 *              is known and older than now - ttl.
 * Other entries are 0, so the picker looks at compaction_score[0] only.
 * version_compute_scores() reads the wall clock (time()) for `now`.
 * REQUIRES: DB mutex held if the version is shared. */
void version_compute_scores(version *v, const version_cf_options *opts);
void version_compute_scores_at(version *v, const version_cf_options *opts, uint64_t now);
/* Whether f's age is past ttl at `now` (seconds): its oldest_ancester_time,
 * or file_creation_time when that is unknown, is known and < now - ttl.
 * False when ttl == 0 or now <= ttl. */
bool version_file_expired(const file_meta *f, uint64_t ttl, uint64_t now);
/* MaxBytesForLevel(level) for level >= 1. */
uint64_t version_max_bytes_for_level(const version *v, int level);

/* version_debug_string(): appends the per-level listing `ldb manifest_dump`
 * prints ("--- level N --- version# V ---\n" then one " number:size[sseq ..
 * lseq]['key' seq:S, type:T .. 'key' seq:S, type:T]" line per file); hex
 * prints user keys in upper-case hex.  SHALE_OK or SHALE_NO_MEMORY. */
int version_debug_string(const version *v, bool hex, shale_buf *out, shale_err *err);

/* The version builder: base + edits -> next version. */
typedef struct version_builder version_builder;

/* version_builder_new(): starts from base (borrowed for the builder's life;
 * NULL = empty).  SHALE_OK, SHALE_NO_MEMORY. */
int version_builder_new(const version *base, const version_cf_options *opts,
                        version_builder **out, shale_err *err);
/* version_builder_apply(): deletions first, then additions, as RocksDB.
 *   SHALE_CORRUPTION  "Cannot delete table file #N from level L since it is
 *                     not in the LSM tree", "Cannot add table file #N to
 *                     level L since it is already in the LSM tree on level M"
 *   SHALE_INVALID_ARGUMENT  a level >= num_levels
 *   SHALE_NO_MEMORY
 * On failure the builder is unusable except for _free. */
int version_builder_apply(version_builder *b, const version_edit *ve, shale_err *err);
/* version_builder_finish(): sorts, checks invariant 2 ("files of level L
 * overlap: #A and #B", SHALE_CORRUPTION), computes scores and returns a new
 * version (refs = 1, unlinked).  The builder can take more edits after. */
int version_builder_finish(version_builder *b, version **out, shale_err *err);
void version_builder_free(version_builder *b);

#endif
