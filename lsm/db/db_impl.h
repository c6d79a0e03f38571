/* lsm/db/db_impl.h: the database object shared by the lsm/db/db_*.c files.
 *
 * Data flow (docs/architecture.md has the long form):
 *   write:  writers queue -> leader builds a group -> WAL append (+ sync)
 *           -> memtable insert -> last_sequence published
 *   switch: full memtable -> immutable list (with its WAL) -> new WAL
 *   flush:  oldest immutable -> L0 SST -> MANIFEST edit -> old WALs deleted
 *   compact: picker -> merge of inputs -> compaction_iter -> SSTs -> edit
 *   read:   memtable, immutables (newest first), then the current version's
 *           files, under references taken with the mutex held briefly.
 *
 * Locks (docs/concurrency.md): db->mu.lock protects everything in `mu`;
 * never held across file I/O.  vset and version_list locks nest inside it. */
#ifndef LSM_DB_DB_IMPL_H
#define LSM_DB_DB_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "lsm/cache/block_cache.h"
#include "lsm/cache/table_cache.h"
#include "lsm/compaction/picker.h"
#include "lsm/db/options.h"
#include "lsm/db/superversion.h"
#include "lsm/util/statistics.h"
#include "lsm/db/write_batch.h"
#include "lsm/log/log_writer.h"
#include "lsm/memtable/memtable.h"
#include "lsm/util/logger.h"
#include "lsm/util/mutex.h"
#include "lsm/version/version_set.h"
#include "shale/db.h"

#define DB_MAX_IMM 32
#define DB_MAX_BG_THREADS 16

/* An immutable memtable waiting for flush, and the WAL that holds it. */
typedef struct imm_entry {
    memtable *mem;
    uint64_t log_number;     /* the WAL this memtable was written to */
} imm_entry;

/* One caller of write(): queued until a leader commits it. */
typedef struct db_writer {
    write_batch *batch;
    bool sync, disable_wal, done;
    int status;
    shale_err err;
    shale_cond cv;
    struct db_writer *next;
} db_writer;

struct shale_snapshot {
    uint64_t seq;
    struct shale_snapshot *prev, *next;   /* db->mu */
};

typedef struct db_cf db_cf;

/* A manual compaction in progress (shale_compact_range). */
typedef struct manual_compaction {
    db_cf *cfd;
    int input_level, output_level;
    bool has_begin, has_end;
    shale_buf begin, end, next_begin;    /* user keys */
    bool done, in_progress;
    int status;
    shale_err err;
} manual_compaction;

/* Per-level compaction statistics, for rocksdb.stats and levelstats. */
typedef struct level_stats {
    uint64_t micros, bytes_read_n, bytes_read_n1, bytes_written, files_in_n, files_in_n1,
        files_out, count, records_in, records_dropped;
} level_stats;

/* One column family's in-memory state.  Reference-counted: the database
 * holds one reference while the family is live, each shale_cf handle one;
 * the last release frees it (and lets the version set forget a dropped
 * family).  Readers do not reference it: a read view references the
 * memtables and the version it uses. */
struct db_cf {
    /* immutable after creation: no lock */
    uint32_t id;
    char *name;
    shale_options opts;            /* the family's options (a copy) */
    vset_cf *vcf;                  /* its versions, in db->vs */
    shale_db *db;
    int refs;                      /* db->mu.lock */

    /* protected by db->mu.lock, as the fields of db->mu */
    memtable *mem;
    uint64_t mem_log_number;       /* the WAL mem started in */
    imm_entry imm[DB_MAX_IMM];     /* oldest first */
    int n_imm;
    bool flushing;                 /* imm[0] is being flushed */
    bool dropped;
    compaction_picker picker;
    level_stats lstats[MAX_LEVELS];

    /* What readers take (superversion.h): swapped under mu by
     * db_sv_install_locked() wherever mem, imm or the version change;
     * loaded without any lock. */
    _Atomic(superversion *) sv;
    atomic_uint sv_pins;           /* readers between loading sv and referencing it */
};

/* A handle: what the API hands out. */
struct shale_cf {
    shale_db *db;
    db_cf *cfd;
};

struct shale_db {
    /* immutable after open: no lock */
    shale_options opts;            /* a copy; holds cache/statistics references */
    shale_env *env;
    char *name;
    shale_file *lock_file;
    block_cache *bcache;           /* referenced */
    table_cache *tcache;
    shale_statistics *stats;       /* NULL: none */
    logger *log;                   /* the info LOG; NULL-safe */
    vset *vs;
    char db_id[40], session_id[24];
    uint64_t open_micros;

    struct {                       /* protected by mu.lock; never held across file I/O */
        shale_mutex lock;
        shale_cond bg_cv;          /* background work finished, or state changed */
        db_cf **cfs;               /* live families by id order; cfs[0] is "default".
                                    * Changed only by a write-exclusive holder, so the
                                    * write leader reads it without mu */
        size_t n_cfs, cap_cfs;
        uint64_t log_number;       /* the WAL being written */
        shale_file *logfile;
        log_writer *log;
        db_writer *writers_head, *writers_tail;
        write_batch group;         /* the leader's merged batch */
        shale_err bg_err;          /* sticky: the database is read-only once set */
        shale_snapshot snapshots;  /* circular list head */
        int num_snapshots;
        int bg_compactions_running, bg_flushes_running;
        bool shutting_down;
        manual_compaction *manual;
        uint64_t *pending_outputs; /* file numbers being written */
        size_t n_pending, cap_pending;
        uint64_t stall_micros, stall_count;
        uint64_t ingest_bytes, wal_bytes, wal_syncs, user_writes;
        bool write_stopped, write_delayed;
        bool unlogged_writes;      /* writes with disable_wal since open: flush at close */
    } mu;

    db_cf *default_cf;             /* mu.cfs[0], for the calls without a family */
    shale_cf default_handle;       /* what shale_db_default_cf() returns */
    atomic_uint max_cf_id;         /* largest family id ever created: 0 = only default */
    int disable_deletions;         /* mu.lock: shale_disable_file_deletions() count */

    atomic_bool closing;           /* set once at close; read without mu by long jobs */
    pthread_t bg_threads[DB_MAX_BG_THREADS];
    int n_bg_threads;
};

/* --- db_write.c ---------------------------------------------------------- */
/* Inserts a WriteBatch (its header holds the first sequence) into the
 * memtables of its families; *keys: records applied.  The caller is the
 * memtables' only writer.  recovery_log > 0: replaying that WAL at open
 * (records of a family whose log number is above it, or of an unknown
 * family, are skipped; no max_successive_merges). */
int db_apply_batch(shale_db *db, slice rep, uint64_t recovery_log, uint64_t *keys,
                   shale_err *err);
/* Waits to be the only writer (queued like a write), for work that must
 * not run beside the write leader: memtable switches by flush, close. */
void db_enter_write_exclusive_locked(shale_db *db, db_writer *w) SHALE_REQUIRES(db->mu.lock);
void db_exit_write_exclusive_locked(shale_db *db, db_writer *w) SHALE_REQUIRES(db->mu.lock);
int db_write_batch(shale_db *db, const shale_write_options *wo, write_batch *b, shale_err *err);
/* With allow_fallocate, makes a new WAL's writer extend the file ahead of
 * its appends (see log_writer_set_preallocation). */
void db_wal_preallocate(shale_db *db, log_writer *lw);
/* Switches cfd's memtable to its immutable list and starts a new WAL
 * (the other families keep their memtables and write to the new WAL).
 * REQUIRES: mu held, caller is the write leader or no writer runs.  Drops
 * and re-takes mu around the file creation. */
int db_switch_memtable_locked(shale_db *db, db_cf *cfd, shale_err *err)
    SHALE_REQUIRES(db->mu.lock);

/* --- db_bg.c --------------------------------------------------------------- */
/* Writes mem of family cfd into L0 file `number` and adds it to edit
 * (nothing when the output is empty).  Runs without mu. */
int db_build_level0(shale_db *db, db_cf *cfd, memtable *mem, uint64_t number,
                    const uint64_t *snaps, size_t n_snaps, version_edit *edit, uint64_t *bytes,
                    shale_err *err);
int db_start_bg_threads(shale_db *db, shale_err *err);
void db_stop_bg_threads(shale_db *db);
/* Wakes the background threads to look for work.  REQUIRES: mu held. */
void db_maybe_schedule_locked(shale_db *db) SHALE_REQUIRES(db->mu.lock);
/* Records a background failure: the database turns read-only. */
void db_set_bg_error_locked(shale_db *db, const shale_err *e) SHALE_REQUIRES(db->mu.lock);
/* Deletes files no version, memtable or pending output needs. */
void db_delete_obsolete_files(shale_db *db);
void db_pending_output_add_locked(shale_db *db, uint64_t number) SHALE_REQUIRES(db->mu.lock);
void db_pending_output_remove_locked(shale_db *db, uint64_t number) SHALE_REQUIRES(db->mu.lock);
/* Copies the live snapshot sequences (ascending).  REQUIRES: mu held. */
int db_snapshot_list_locked(shale_db *db, uint64_t **seqs, size_t *n, shale_err *err)
    SHALE_REQUIRES(db->mu.lock);

/* --- db_compact.c ----------------------------------------------------------- */
/* Runs one compaction job of family cfd picked with mu held; drops mu
 * while it works. */
int db_run_compaction_locked(shale_db *db, db_cf *cfd, compaction *c, bool manual,
                             shale_err *err) SHALE_REQUIRES(db->mu.lock);
/* Builds SST output for flush and compaction: every output file is synced
 * and closed before its number reaches an edit. */
typedef struct table_output table_output;

/* --- db_read.c -------------------------------------------------------------- */
/* The sources of a read, referenced together. */
typedef struct read_view {
    db_cf *cfd;                  /* not referenced: valid while its handle is */
    uint64_t seq;
    superversion *sv;            /* referenced; or &own (taken under mu) */
    superversion own;            /* only when the family had no superversion */
} read_view;
void db_view_acquire(shale_db *db, db_cf *cfd, const shale_read_options *ro, read_view *rv);
/* The value of user_key as a read at sequence `seq` sees it, merges
 * resolved, into *out (cleared first); for max_successive_merges.
 * SHALE_NOT_FOUND, or a read's codes. */
int db_get_at_seq(shale_db *db, db_cf *cfd, uint64_t seq, slice user_key, shale_buf *out,
                  shale_err *err);
void db_view_release(read_view *rv);
/* One lookup in a view: SHALE_OK with the value in out, or NOT_FOUND.
 * Merge operands are collected newest first (memtables, then files) until
 * a value, a deletion or the end, then resolved oldest first.  borrow not
 * NULL: a plain value found in a memtable is lent in *borrow (valid while
 * rv is held) instead of copied into out; borrow->data stays NULL
 * otherwise. */
int db_get_in_view(shale_db *db, const shale_read_options *ro, read_view *rv, slice key,
                   shale_buf *out, slice *borrow, shale_err *err);

/* Microseconds for latency histograms: 0 without statistics, so reads and
 * writes pay for no clock call nobody reads. */
/* A start time for a timed histogram, or 0 when timers are off (no
 * statistics, or a statistics level at or below kExceptTimers). */
static inline uint64_t db_timer(const shale_db *db)
{
    return stats_timers_on(db->stats) ? db->env->ops->now_micros(db->env) : 0;
}

/* Records the micros since t0 (from db_timer) in h; nothing when t0 is 0. */
static inline void db_timer_record(shale_db *db, enum stats_hist h, uint64_t t0)
{
    if (t0 != 0)
        stats_record(db->stats, h, db->env->ops->now_micros(db->env) - t0);
}

/* --- db_props.c --------------------------------------------------------------- */
void db_stats_add(shale_db *db, enum stats_ticker t, uint64_t n);

/* --- db_cf.c ------------------------------------------------------------------ */
/* A family's in-memory state for vcf (refs = 1, an empty memtable started
 * in WAL log_number).  SHALE_OK, SHALE_NO_MEMORY. */
int db_cf_new(shale_db *db, vset_cf *vcf, const shale_options *o, uint64_t log_number,
              db_cf **out, shale_err *err);
/* Drops a reference; the last frees the family (and, when dropped, makes
 * the version set forget it).  REQUIRES: mu held. */
void db_cf_unref_locked(shale_db *db, db_cf *cfd) SHALE_REQUIRES(db->mu.lock);
/* The live family with this id, or NULL.  REQUIRES: mu held, or the write
 * leader (families change only under write exclusivity). */
db_cf *db_cf_find(shale_db *db, uint32_t id);
/* The family of a handle: the default one for NULL. */
static inline db_cf *db_cf_of(shale_db *db, shale_cf *cf)
{
    return cf != NULL ? cf->cfd : db->default_cf;
}
/* The oldest WAL still holding unflushed data of any live family (WALs
 * below it may be deleted).  REQUIRES: mu held. */
uint64_t db_min_log_to_keep_locked(shale_db *db) SHALE_REQUIRES(db->mu.lock);
/* The WAL a family's unflushed data starts in, if its imm[0..skip) were
 * flushed.  REQUIRES: mu held. */
uint64_t db_cf_log_after_locked(shale_db *db, db_cf *cfd, int skip) SHALE_REQUIRES(db->mu.lock);
/* Creates family `name` (MANIFEST edit, in-memory state, live list).
 * REQUIRES: mu held, write exclusivity (or no threads yet). */
int db_create_cf_locked(shale_db *db, const shale_options *o, const char *name, db_cf **out,
                        shale_err *err) SHALE_REQUIRES(db->mu.lock);
/* Rewrites OPTIONS-N for the live families.  REQUIRES: mu NOT held. */
int db_write_options_file(shale_db *db, shale_err *err);

/* --- helpers -------------------------------------------------------------------- */
/* "<dir>/<name>" into a malloc'd string; NULL on no memory. */
char *db_path(const shale_db *db, const char *name);
version_cf_options db_cf_options(const shale_options *o);
/* Flushes family cfd's memtable; with wait, returns when it is on disk. */
int db_flush_cf(shale_db *db, db_cf *cfd, bool wait, shale_err *err);
/* Flushes every live family and waits. */
int db_flush_all(shale_db *db, shale_err *err);

#endif
