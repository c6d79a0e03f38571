/* checkpoint/ckpt_store.h: the store of incremental checkpoints, shared by
 * store.c (open, registry, retention), take.c (the two phases), restore.c
 * and coordinator.c.
 *
 * The registry (Flink's SharedStateRegistry) counts, for every file under
 * shared/, the completed checkpoints that list it plus the pending ones
 * that chose to reuse it.  A file is deleted only when its count drops to
 * zero, and a count only drops when a checkpoint leaves retention or a
 * pending one is given up, so no retained or in-flight checkpoint ever
 * loses a file (invariant 1).  Invariant 2: mu.done holds exactly the
 * checkpoints whose _metadata was durable in storage, ascending by id. */
#ifndef CHECKPOINT_CKPT_STORE_H
#define CHECKPOINT_CKPT_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "checkpoint/ckpt_meta.h"
#include "lsm/util/mutex.h"
#include "shale/checkpoint.h"

struct shale_ckpt_options {
    int num_retained;
    bool retain_on_cancellation;
    char *staging_dir;          /* NULL: "<db>.ckpt-staging" */
    uint64_t log_size_for_flush;
};

/* One file under shared/. */
typedef struct ckpt_shared {
    char *stored;               /* name under shared/ */
    char *identity;             /* key: database identity, SST number, size */
    uint64_t number, size;
    uint32_t crc;
    uint32_t refs;
} ckpt_shared;

struct shale_ckpt_store {
    /* Immutable after open. */
    shale_ckpt_storage *st;     /* borrowed */
    struct shale_ckpt_options opts;
    bool read_only;
    bool damaged_seen;          /* a _metadata failed to decode: keep shared/ as is */
    shale_mutex start_lock;     /* serializes synchronous phases; held across their
                                   I/O, taken before mu.lock, never inside it */
    struct {                    /* protected by mu.lock; no storage I/O under it */
        shale_mutex lock;
        ckpt_meta **done;       /* invariant 2 */
        size_t n_done, cap_done;
        ckpt_shared *shared;
        size_t n_shared, cap_shared;
        uint64_t next_id;
        int pending;            /* started, not yet finished or aborted */
    } mu;
};

/* Reads a whole storage file (at most max bytes); *data malloc'd. */
int ckpt_storage_read_all(shale_ckpt_storage *st, const char *name, size_t max, char **data,
                          size_t *len, shale_err *err);
/* Reads and validates chk-<id>/_metadata.  SHALE_NOT_FOUND if absent. */
int ckpt_load_meta(shale_ckpt_storage *st, uint64_t id, ckpt_meta **out, shale_err *err);

/* Registry.  REQUIRES: s->mu.lock held. */
ckpt_shared *ckpt_reg_find_key_locked(shale_ckpt_store *s, const char *identity,
                                      uint64_t number, uint64_t size);
/* Adds one reference to `stored`, creating the entry from f if new. */
int ckpt_reg_ref_locked(shale_ckpt_store *s, const char *identity, const ckpt_file *f,
                        shale_err *err);
/* Drops one reference; true when none is left (the entry is gone and the
 * caller deletes the file, outside the lock). */
bool ckpt_reg_unref_locked(shale_ckpt_store *s, const char *stored);

/* Adds a completed checkpoint to mu.done (takes m, frees it on failure).
 * REQUIRES: s->mu.lock held. */
int ckpt_push_done_locked(shale_ckpt_store *s, ckpt_meta *m, shale_err *err);
/* Retention: checkpoints beyond the newest `keep` leave mu.done and their
 * shared references are dropped (under the lock); then, outside it, each
 * is deleted (_metadata first, then private files, then its directory) and
 * so is every shared file left without references.  Returns the number of
 * files removed.  REQUIRES: s->mu.lock not held. */
uint32_t ckpt_apply_retention(shale_ckpt_store *s, size_t keep);

/* shale_ckpt_finish() in two steps, for the coordinator, which must be
 * able to cancel p until it is freed: the first does everything but free
 * p (on failure it has already undone the checkpoint); the second frees. */
int ckpt_finish_keep(shale_ckpt_pending *p, shale_ckpt_metrics *m, shale_err *err);
void ckpt_pending_free(shale_ckpt_pending *p);

/* "chk-<id>" and "chk-<id>/<name>" into buf. */
void ckpt_chk_name(uint64_t id, const char *name, char *buf, size_t n);

#endif
