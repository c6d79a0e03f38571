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

/* A manual compaction in progress (shale_compact_range). */
typedef struct manual_compaction {
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
        memtable *mem;
        uint64_t mem_log_number;   /* WAL of mem */
        imm_entry imm[DB_MAX_IMM]; /* oldest first */
        int n_imm;
        bool flushing;             /* imm[0] is being flushed */
        shale_file *logfile;
        log_writer *log;
        db_writer *writers_head, *writers_tail;
        write_batch group;         /* the leader's merged batch */
        shale_err bg_err;          /* sticky: the database is read-only once set */
        shale_snapshot snapshots;  /* circular list head */
        int num_snapshots;
        int bg_compactions_running, bg_flushes_running;
        bool shutting_down;
        compaction_picker picker;
        manual_compaction *manual;
        uint64_t *pending_outputs; /* file numbers being written */
        size_t n_pending, cap_pending;
        uint64_t stall_micros, stall_count;
        level_stats lstats[MAX_LEVELS];
        uint64_t ingest_bytes, wal_bytes, wal_syncs, user_writes;
        bool write_stopped, write_delayed;
        bool unlogged_writes;      /* writes with disable_wal since open: flush at close */
    } mu;

    atomic_bool closing;           /* set once at close; read without mu by long jobs */
    pthread_t bg_threads[DB_MAX_BG_THREADS];
    int n_bg_threads;
};

/* --- db_write.c ---------------------------------------------------------- */
/* Inserts a WriteBatch (its header holds the first sequence) into mem;
 * *keys: records applied.  The caller is mem's only writer. */
int db_apply_batch(memtable *mem, slice rep, uint64_t *keys, shale_err *err);
/* Waits to be the only writer (queued like a write), for work that must
 * not run beside the write leader: memtable switches by flush, close. */
void db_enter_write_exclusive_locked(shale_db *db, db_writer *w) SHALE_REQUIRES(db->mu.lock);
void db_exit_write_exclusive_locked(shale_db *db, db_writer *w) SHALE_REQUIRES(db->mu.lock);
int db_write_batch(shale_db *db, const shale_write_options *wo, write_batch *b, shale_err *err);
/* Switches the memtable to the immutable list and starts a new WAL.
 * REQUIRES: mu held, caller is the write leader or no writer runs.  Drops
 * and re-takes mu around the file creation. */
int db_switch_memtable_locked(shale_db *db, shale_err *err) SHALE_REQUIRES(db->mu.lock);

/* --- db_bg.c --------------------------------------------------------------- */
/* Writes mem into L0 file `number` and adds it to edit (nothing when the
 * output is empty).  Runs without mu. */
int db_build_level0(shale_db *db, memtable *mem, uint64_t number, const uint64_t *snaps,
                    size_t n_snaps, version_edit *edit, uint64_t *bytes, shale_err *err);
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
/* Runs one compaction job picked with mu held; drops mu while it works. */
int db_run_compaction_locked(shale_db *db, compaction *c, shale_err *err)
    SHALE_REQUIRES(db->mu.lock);
/* Builds SST output for flush and compaction: every output file is synced
 * and closed before its number reaches an edit. */
typedef struct table_output table_output;

/* --- db_read.c -------------------------------------------------------------- */
/* The sources of a read, referenced together. */
typedef struct read_view {
    uint64_t seq;
    memtable *mem;
    memtable *imm[DB_MAX_IMM];   /* newest first */
    int n_imm;
    version *v;
} read_view;
void db_view_acquire(shale_db *db, const shale_read_options *ro, read_view *rv);
/* The value of user_key as a read at sequence `seq` sees it, merges
 * resolved, into *out (cleared first); for max_successive_merges.
 * SHALE_NOT_FOUND, or a read's codes. */
int db_get_at_seq(shale_db *db, uint64_t seq, slice user_key, shale_buf *out, shale_err *err);
void db_view_release(read_view *rv);

/* Microseconds for latency histograms: 0 without statistics, so reads and
 * writes pay for no clock call nobody reads. */
static inline uint64_t db_timer(const shale_db *db)
{
    return db->stats != NULL ? db->env->ops->now_micros(db->env) : 0;
}

/* --- db_props.c --------------------------------------------------------------- */
void db_stats_add(shale_db *db, enum stats_ticker t, uint64_t n);

/* --- helpers -------------------------------------------------------------------- */
/* "<dir>/<name>" into a malloc'd string; NULL on no memory. */
char *db_path(const shale_db *db, const char *name);
version_cf_options db_cf_options(const shale_options *o);

#endif
