/* include/shale/state_checkpoint.h: checkpoints of a keyed-state backend
 * into a checkpoint store (include/shale/checkpoint.h), restore into a
 * fresh backend of either kind, and rescaling by key-group ranges, as
 * Flink's state backends do them.
 *
 *  - LSM backend: an incremental checkpoint of its database (only the SSTs
 *    no retained checkpoint holds are stored) plus chk-N/_state, the state
 *    metadata: backend kind, max parallelism, key-group range and every
 *    registered state (name, kind, TTL, list bound).
 *  - Heap backend: a full snapshot, copy-on-write, written in the
 *    asynchronous phase into chk-N/_heap_state (Flink's RocksDB key and
 *    value bytes plus the timers, under a CRC32C), beside chk-N/_state.
 *    The store needs a database to number and complete a checkpoint, so a
 *    heap checkpoint also holds the few kilobytes of an empty anchor
 *    database kept in the scratch directory.
 *
 * A checkpoint taken here exists when the store's chk-N/_metadata does:
 * the state files are durable before it is written.  docs/checkpoints.md
 * ("Keyed state") has the byte layouts and how restore and rescale work.
 *
 * Thread-safety: start runs on the backend's thread (the synchronous
 * phase); finish may run on any thread while the backend keeps processing
 * (the asynchronous phase).  Restore and rescale create their own
 * backend; the stores may be shared. */
#ifndef SHALE_STATE_CHECKPOINT_H
#define SHALE_STATE_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/api.h"
#include "shale/checkpoint.h"
#include "shale/err.h"
#include "shale/state.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What one keyed-state checkpoint took. */
typedef struct shale_state_ckpt_metrics {
    shale_ckpt_metrics ckpt;       /* the store's figures, the state files included in
                                      full_size, stored_size, files_* and async_micros;
                                      heap: sync_micros includes the snapshot */
    int backend_kind;              /* enum shale_state_backend_kind */
    uint64_t state_meta_bytes;     /* chk-N/_state */
    uint64_t heap_snapshot_bytes;  /* chk-N/_heap_state; 0 for LSM */
    uint64_t heap_entries;         /* records in it (values, lists, map entries) */
    uint64_t heap_timers;          /* timers in it */
} shale_state_ckpt_metrics;

/* --- taking a checkpoint --------------------------------------------------------
 * shale_state_ckpt_start(): the synchronous phase, on the backend's thread.
 * LSM: encodes the state metadata and runs shale_ckpt_start() on the
 * backend's database (flush, file set pinned).  Heap: takes a
 * copy-on-write snapshot of every state and copies the timers, then starts
 * a checkpoint of the anchor database in `scratch_dir` (created if missing;
 * REQUIRED for heap, ignored for LSM: NULL ok).  The backend may be used
 * again as soon as this returns.
 * shale_state_ckpt_finish(): the asynchronous phase, any thread: writes the
 * state files into chk-N/ (durably), then completes the checkpoint with
 * shale_ckpt_finish() (atomic; retention applies).  Frees p.  *m (NULL ok)
 * gets the metrics.  On failure chk-N is removed; earlier checkpoints are
 * untouched.  The backend must stay open until finish returns.
 * shale_state_ckpt_abort(): gives p up (NULL allowed).
 * Codes: SHALE_INVALID_ARGUMENT (heap without scratch_dir), and those of
 * shale_ckpt_start()/shale_ckpt_finish().  A heap start that fails while
 * copying the timers with SHALE_NO_MEMORY may have lost timers. */
typedef struct shale_state_ckpt_pending shale_state_ckpt_pending;
SHALE_API SHALE_MUST_CHECK int shale_state_ckpt_start(shale_ckpt_store *s,
                                                      shale_state_backend *b,
                                                      const char *scratch_dir,
                                                      shale_state_ckpt_pending **out,
                                                      shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_state_ckpt_finish(shale_state_ckpt_pending *p,
                                                       shale_state_ckpt_metrics *m,
                                                       shale_err *err);
SHALE_API void shale_state_ckpt_abort(shale_state_ckpt_pending *p);
SHALE_API uint64_t shale_state_ckpt_pending_id(const shale_state_ckpt_pending *p);
/* Both phases in one call. */
SHALE_API SHALE_MUST_CHECK int shale_state_ckpt_take(shale_ckpt_store *s,
                                                     shale_state_backend *b,
                                                     const char *scratch_dir,
                                                     shale_state_ckpt_metrics *m,
                                                     shale_err *err);

/* --- restore and rescale ----------------------------------------------------------
 * A checkpoint to read: a store (borrowed) and a completed checkpoint id. */
typedef struct shale_state_ckpt_ref {
    shale_ckpt_store *store;
    uint64_t id;
} shale_state_ckpt_ref;

/* shale_state_ckpt_rescale(): a new backend owning key groups
 * [kg_start, kg_end] with exactly the entries and timers of those groups
 * in the n checkpoints (n >= 1; each normally covers a range of its own;
 * all must share one max parallelism).  The backend kind, clock, WAL and
 * memory budget come from `o`; its max parallelism and range are replaced
 * by the checkpoints' and [kg_start, kg_end].  Every state the checkpoints
 * registered is registered again (TTL and list bound from the metadata);
 * descs[0..ndescs) (borrowed, NULL ok) give states their callbacks and
 * must match the metadata's kind and TTL; a REDUCING or AGGREGATING state
 * needs one.  TTL timestamps are kept as stored.
 * `dir`: must not exist.  LSM: the backend's directory, built in
 * "<dir>.restoring" and renamed into place, so it appears whole or not at
 * all.  Heap: scratch for reading LSM checkpoints, removed before return.
 * LSM into LSM restores the base checkpoint's files (the one whose range
 * overlaps most), deletes the groups outside the range with range
 * deletions and writes the others' entries into it; every other case
 * writes entries one by one.  Restoring LSM bytes into a heap backend
 * splits each stored key into key, namespace and user key; a key that
 * splits more than one way (a void-namespace map whose key or user key
 * holds a 0x00 byte, say) is SHALE_NOT_SUPPORTED (docs/checkpoints.md).
 * On success *out is the open backend (close with
 * shale_state_backend_close()).
 * Codes: SHALE_INVALID_ARGUMENT (bad range, differing max parallelism or
 * states, missing or mismatched descriptors, dir exists); SHALE_NOT_FOUND
 * (no such checkpoint); SHALE_CORRUPTION (damaged or hostile metadata,
 * state metadata or heap snapshot: nothing was created); SHALE_NO_MEMORY,
 * SHALE_IO_ERROR and the engine's codes.  On failure *out is NULL and
 * `dir` does not exist. */
SHALE_API SHALE_MUST_CHECK int shale_state_ckpt_rescale(
    const shale_state_ckpt_ref *refs, size_t n, int32_t kg_start, int32_t kg_end,
    const shale_state_options *o, const char *dir, shale_state_descriptor *const *descs,
    size_t ndescs, shale_state_backend **out, shale_err *err);

/* shale_state_ckpt_restore(): checkpoint `id` of `s` with its own key-group
 * range, as shale_state_ckpt_rescale() with one reference. */
SHALE_API SHALE_MUST_CHECK int shale_state_ckpt_restore(shale_ckpt_store *s, uint64_t id,
                                                        const shale_state_options *o,
                                                        const char *dir,
                                                        shale_state_descriptor *const *descs,
                                                        size_t ndescs,
                                                        shale_state_backend **out,
                                                        shale_err *err);

/* shale_state_ckpt_range(): the backend kind, max parallelism and key-group
 * range checkpoint `id` recorded (validated as a restore validates). */
SHALE_API SHALE_MUST_CHECK int shale_state_ckpt_range(shale_ckpt_store *s, uint64_t id,
                                                      int *kind, int32_t *max_parallelism,
                                                      int32_t *kg_start, int32_t *kg_end,
                                                      shale_err *err);

#ifdef __cplusplus
}
#endif
#endif
