/* include/shale/checkpoint.h: checkpoints of a database, two kinds.
 *
 * 1. Native (RocksDB's Checkpoint::CreateCheckpoint): an openable copy of
 *    the database in a new directory on the same machine, SSTs hard-linked.
 *    shale and RocksDB both open the result.
 *
 * 2. Incremental, as Flink's RocksDB backend takes them, into a checkpoint
 *    storage laid out as Flink lays it:
 *        <root>/shared/<n>-<unique>.sst   each SST once, shared by checkpoints
 *        <root>/chk-<N>/_metadata         the list of every file of checkpoint N
 *        <root>/chk-<N>/<private files>   MANIFEST, CURRENT, OPTIONS, WALs
 *    Checkpoint N stores only the SSTs that no retained checkpoint holds.
 *    A checkpoint exists once its _metadata is durable; anything else under
 *    the root is a leftover that the next writable open removes.
 *    docs/checkpoints.md has the byte layout and the atomicity argument.
 *
 * Thread-safety: a shale_ckpt_store is shared by any number of threads; a
 * pending checkpoint (shale_ckpt_pending) belongs to one thread at a time.
 * One process writes to a storage root at a time (read-only opens may run
 * beside it).  Ownership: every _open/_new has a _close/_free that accepts
 * NULL; pointers passed in are borrowed unless a doc says otherwise. */
#ifndef SHALE_CHECKPOINT_H
#define SHALE_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/api.h"
#include "shale/db.h"
#include "shale/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- native checkpoints ------------------------------------------------------
 * shale_checkpoint_create(): writes an openable copy of `db` into `dir`,
 * which must not exist (SHALE_INVALID_ARGUMENT "Directory exists").  The
 * copy is built in "<dir>.tmp" and renamed into place, so `dir` appears
 * whole or not at all.  SSTs are hard-linked (copied when the link fails,
 * e.g. across file systems), the MANIFEST copied up to its valid size,
 * CURRENT written, OPTIONS copied, every file and the directory synced.
 * log_size_for_flush as RocksDB's: 0 flushes always; UINT64_MAX never
 * flushes; otherwise flushes when the live WALs hold at least that many
 * bytes.  Without a flush the live WALs are copied too.  File deletions are
 * disabled for the duration.  Thread-safe; writers may keep writing.
 * Codes: SHALE_INVALID_ARGUMENT, SHALE_IO_ERROR, SHALE_NO_MEMORY, and the
 * engine's codes from the flush. */
SHALE_API SHALE_MUST_CHECK int shale_checkpoint_create(shale_db *db, const char *dir,
                                                       uint64_t log_size_for_flush,
                                                       shale_err *err);

/* --- checkpoint storage --------------------------------------------------------
 * Where incremental checkpoints live, as a table of functions so that an
 * object store can be added beside the directory implementation.  Names are
 * relative to the storage's root and use '/' between at most two parts
 * ("shared/12-ab.sst", "chk-3/_metadata", "chk-3"); the empty name is the
 * root.  Every function returns a shale_code and fills *err. */
typedef struct shale_ckpt_storage shale_ckpt_storage;
typedef struct shale_ckpt_storage_ops {
    /* Copies the first `max_len` bytes (UINT64_MAX: all) of the local file
     * `src` into `name`, replacing it, and makes it durable.  *size and *crc
     * (CRC32C, unmasked) describe the bytes stored.  A source shorter than a
     * finite max_len: SHALE_CORRUPTION.  *cancel (NULL allowed) set by
     * another thread makes the copy stop with SHALE_INCOMPLETE (a flag read
     * between chunks: a stale false only delays the stop by one chunk). */
    int (*put_file)(shale_ckpt_storage *s, const char *src, uint64_t max_len, const char *name,
                    const volatile bool *cancel, uint64_t *size, uint32_t *crc, shale_err *err);
    /* Stores `len` bytes under `name`, replacing it, durably. */
    int (*put_data)(shale_ckpt_storage *s, const char *name, const void *data, size_t len,
                    shale_err *err);
    /* Reads up to n bytes at offset; *got < n only at the end.  Missing:
     * SHALE_NOT_FOUND. */
    int (*read)(shale_ckpt_storage *s, const char *name, uint64_t offset, size_t n, char *buf,
                size_t *got, shale_err *err);
    /* Size of `name`; missing: SHALE_NOT_FOUND. */
    int (*size)(shale_ckpt_storage *s, const char *name, uint64_t *size, shale_err *err);
    /* Names inside directory `dir` (malloc'd array of malloc'd strings; free
     * with shale_env_free_names()).  A missing dir lists as empty. */
    int (*list)(shale_ckpt_storage *s, const char *dir, char ***names, size_t *n,
                shale_err *err);
    /* Removes a file; a missing one is fine. */
    int (*remove)(shale_ckpt_storage *s, const char *name, shale_err *err);
    /* Atomically replaces `to` by `from`. */
    int (*rename)(shale_ckpt_storage *s, const char *from, const char *to, shale_err *err);
    /* Creates / removes an (empty) directory; existing / missing is fine. */
    int (*mkdir)(shale_ckpt_storage *s, const char *dir, shale_err *err);
    int (*rmdir)(shale_ckpt_storage *s, const char *dir, shale_err *err);
    /* Makes creates, renames and removes inside `dir` durable. */
    int (*sync_dir)(shale_ckpt_storage *s, const char *dir, shale_err *err);
    /* Human-readable location of `name` for messages, into buf[n]. */
    void (*describe)(shale_ckpt_storage *s, const char *name, char *buf, size_t n);
    void (*free)(shale_ckpt_storage *s);
} shale_ckpt_storage_ops;

struct shale_ckpt_storage {
    const shale_ckpt_storage_ops *ops;
};

/* shale_ckpt_storage_dir_open(): the storage in local (or mounted) directory
 * `root`, created if missing.  Free with shale_ckpt_storage_free(). */
SHALE_API SHALE_MUST_CHECK int shale_ckpt_storage_dir_open(const char *root,
                                                           shale_ckpt_storage **out,
                                                           shale_err *err);
SHALE_API void shale_ckpt_storage_free(shale_ckpt_storage *s);

/* --- options ------------------------------------------------------------------ */
typedef struct shale_ckpt_options shale_ckpt_options;
SHALE_API shale_ckpt_options *shale_ckpt_options_new(void);
SHALE_API void shale_ckpt_options_free(shale_ckpt_options *o);
/* Completed checkpoints kept (Flink's state.checkpoints.num-retained): 1. */
SHALE_API void shale_ckpt_options_set_num_retained(shale_ckpt_options *o, int n);
/* Keep the checkpoints when the store is closed as cancelled (Flink's
 * RETAIN_ON_CANCELLATION): false, they are deleted. */
SHALE_API void shale_ckpt_options_set_retain_on_cancellation(shale_ckpt_options *o, bool v);
/* Local staging directory for the synchronous phase; it must be on the
 * database's file system for hard links (copied otherwise).  Copied.
 * NULL (default): "<db directory>.ckpt-staging". */
SHALE_API void shale_ckpt_options_set_staging_dir(shale_ckpt_options *o, const char *dir);
/* As shale_checkpoint_create()'s log_size_for_flush: 0 (default) always
 * flushes, so a checkpoint holds SSTs only. */
SHALE_API void shale_ckpt_options_set_log_size_for_flush(shale_ckpt_options *o, uint64_t v);

/* --- the store -------------------------------------------------------------------
 * shale_ckpt_store_open(): the checkpoints in storage `st` (borrowed; it
 * must outlive the store).  Reads every chk-N/_metadata; a checkpoint whose
 * metadata is missing, partial or damaged does not exist.  Unless
 * read_only, removes those leftovers and every shared file no checkpoint
 * references (one writer per root).  o NULL: defaults. */
typedef struct shale_ckpt_store shale_ckpt_store;
SHALE_API SHALE_MUST_CHECK int shale_ckpt_store_open(shale_ckpt_storage *st,
                                                     const shale_ckpt_options *o, bool read_only,
                                                     shale_ckpt_store **out, shale_err *err);
/* shale_ckpt_store_close(): with cancelled and without
 * retain_on_cancellation, deletes every checkpoint first.  Pending
 * checkpoints must be finished or aborted.  NULL allowed. */
SHALE_API int shale_ckpt_store_close(shale_ckpt_store *s, bool cancelled, shale_err *err);

/* What one checkpoint took (Flink's checkpoint statistics). */
typedef struct shale_ckpt_metrics {
    uint64_t id;
    uint64_t full_size;      /* bytes of every file the checkpoint references */
    uint64_t stored_size;    /* bytes this checkpoint uploaded */
    uint32_t files_total;
    uint32_t files_stored;   /* uploaded by this checkpoint */
    uint32_t files_reused;   /* shared files already held by a retained checkpoint */
    uint32_t files_deleted;  /* removed by retention when it completed */
    uint64_t sync_micros;    /* synchronous phase */
    uint64_t async_micros;   /* asynchronous phase, completion included */
} shale_ckpt_metrics;

/* A completed checkpoint as listed. */
typedef struct shale_ckpt_info {
    uint64_t id;
    uint64_t timestamp_micros;  /* wall clock when its synchronous phase ran */
    uint64_t sequence;          /* the database's latest sequence then */
    uint64_t full_size;
    uint64_t private_size;      /* bytes under chk-N/ */
    uint32_t files;
    uint32_t shared_files;
} shale_ckpt_info;

/* Completed checkpoints, oldest first; free *infos with shale_free(). */
SHALE_API int shale_ckpt_store_list(shale_ckpt_store *s, shale_ckpt_info **infos, size_t *n,
                                    shale_err *err);
/* The newest completed checkpoint's id; SHALE_NOT_FOUND if there is none. */
SHALE_API int shale_ckpt_store_latest(shale_ckpt_store *s, uint64_t *id, shale_err *err);

/* --- taking a checkpoint -------------------------------------------------------
 * shale_ckpt_start(): the synchronous phase: flush (per options), pin the
 * file set in a native checkpoint under the staging directory (hard links,
 * so the database may delete its files afterwards), and choose which SSTs
 * to upload.  Short; the application may write meanwhile but the call
 * blocks on the flush.  *out is the pending checkpoint.
 * shale_ckpt_finish(): the asynchronous phase: uploads the new SSTs and the
 * private files, writes the metadata, completes the checkpoint atomically,
 * applies retention, removes the staging copy, frees p.  *m (NULL allowed)
 * gets the metrics.  On failure the partial checkpoint is removed and the
 * earlier ones are untouched.
 * shale_ckpt_abort(): gives p up (NULL allowed); shale_ckpt_cancel() asks a
 * running finish on another thread to stop (SHALE_INCOMPLETE).
 * Codes: SHALE_NOT_SUPPORTED on a store opened read-only; SHALE_INCOMPLETE
 * when cancelled; SHALE_IO_ERROR, SHALE_NO_MEMORY, SHALE_CORRUPTION and the
 * engine's codes otherwise. */
typedef struct shale_ckpt_pending shale_ckpt_pending;
SHALE_API SHALE_MUST_CHECK int shale_ckpt_start(shale_ckpt_store *s, shale_db *db,
                                                shale_ckpt_pending **out, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_ckpt_finish(shale_ckpt_pending *p, shale_ckpt_metrics *m,
                                                 shale_err *err);
SHALE_API void shale_ckpt_abort(shale_ckpt_pending *p);
SHALE_API void shale_ckpt_cancel(shale_ckpt_pending *p);
SHALE_API uint64_t shale_ckpt_pending_id(const shale_ckpt_pending *p);
/* Both phases in one call. */
SHALE_API SHALE_MUST_CHECK int shale_ckpt_take(shale_ckpt_store *s, shale_db *db,
                                               shale_ckpt_metrics *m, shale_err *err);

/* --- verify and restore -------------------------------------------------------
 * shale_ckpt_verify(): reads every file of checkpoint `id` and checks its
 * size and CRC32C.  SHALE_NOT_FOUND: no such completed checkpoint;
 * SHALE_CORRUPTION naming the file: missing, short, long or damaged.
 * shale_ckpt_restore(): writes checkpoint `id` as a database into `dir`,
 * which must not exist, verifying every file; built in "<dir>.restoring"
 * (a stale one is removed first) and renamed into place, so on failure
 * `dir` does not exist.  The result opens with shale_db_open() (it gets a
 * new IDENTITY, as RocksDB's checkpoints do). */
SHALE_API SHALE_MUST_CHECK int shale_ckpt_verify(shale_ckpt_store *s, uint64_t id,
                                                 shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_ckpt_restore(shale_ckpt_store *s, uint64_t id,
                                                  const char *dir, shale_err *err);

/* --- the coordinator -----------------------------------------------------------
 * A thread that takes checkpoints of `db` into the store, with Flink's
 * execution.checkpointing.* settings.  Each checkpoint's asynchronous
 * phase runs on a thread of its own; one that outlives the timeout is
 * cancelled and counts as failed. */
typedef struct shale_ckpt_coordinator_options {
    uint64_t interval_ms;          /* execution.checkpointing.interval; required (> 0) */
    uint64_t timeout_ms;           /* execution.checkpointing.timeout: 600000 (10 min) */
    uint64_t min_pause_ms;         /* ...min-pause: 0; from one's end to the next start */
    int max_concurrent;            /* ...max-concurrent-checkpoints: 1 */
    /* Called on the checkpoint's thread after each success / failure. */
    void (*on_complete)(void *arg, const shale_ckpt_metrics *m);
    void (*on_failure)(void *arg, uint64_t id, const shale_err *err);
    void *arg;
} shale_ckpt_coordinator_options;
/* Fills *o with Flink's defaults (interval 0: must be set). */
SHALE_API void shale_ckpt_coordinator_options_init(shale_ckpt_coordinator_options *o);

typedef struct shale_ckpt_coordinator shale_ckpt_coordinator;
SHALE_API SHALE_MUST_CHECK int shale_ckpt_coordinator_start(
    shale_ckpt_store *s, shale_db *db, const shale_ckpt_coordinator_options *o,
    shale_ckpt_coordinator **out, shale_err *err);
/* Stops triggering, waits for running checkpoints, frees c.  Completed and
 * failed counts in *completed / *failed (NULL allowed).  NULL allowed. */
SHALE_API void shale_ckpt_coordinator_stop(shale_ckpt_coordinator *c, uint64_t *completed,
                                           uint64_t *failed);

#ifdef __cplusplus
}
#endif
#endif
