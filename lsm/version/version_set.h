/* lsm/version/version_set.h: the version set: the current version of each
 * column family, the DB-wide counters, and the MANIFEST that makes changes
 * to them durable (RocksDB 7.8.3 db/version_set.cc; rocksdb-format.md §5).
 *
 * Only the default column family (id 0) exists for now; its state sits in a
 * vset_cf so more can be added without reshaping the set.
 *
 * MANIFEST life cycle:
 *
 *   create_new_db --> MANIFEST-000001 {Comparator, Log 0, Next 2, Last 0}
 *                     + CURRENT
 *   recover --------> reads CURRENT's MANIFEST; no MANIFEST is open after
 *   log_and_apply --> no MANIFEST open, MANIFEST suspect (an earlier write
 *                     failed) or current size > max_manifest_file_size:
 *                       new MANIFEST-N = {Comparator} {files, Log, Next,
 *                       [MinLog], Last} then the edit; sync; CURRENT -> N;
 *                     else: append the edit; sync
 *                     success: install the new version
 *                     failure: nothing installed, MANIFEST suspect
 *
 * So every open that writes starts a new MANIFEST (as RocksDB does): the
 * first log_and_apply after recover does it, and the old MANIFEST number
 * joins the obsolete list for the caller to delete.
 *
 * Locking: the caller's DB mutex (`mu`, passed in) protects everything
 * marked "mu"; log_and_apply drops it around file I/O.  next_file_number
 * and last_sequence are atomics readable without it. */
#ifndef LSM_VERSION_VERSION_SET_H
#define LSM_VERSION_VERSION_SET_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/util/mutex.h"
#include "lsm/version/version.h"
#include "lsm/version/version_edit.h"
#include "shale/env.h"
#include "shale/err.h"

#define VSET_COMPARATOR_NAME "leveldb.BytewiseComparator"
#define VSET_DEFAULT_MAX_MANIFEST_FILE_SIZE (UINT64_C(1) << 30)

typedef struct vset_options {
    uint64_t max_manifest_file_size;   /* 1 GiB (RocksDB's default) */
    version_cf_options cf;             /* the default column family's */
} vset_options;

void vset_options_default(vset_options *o);

/* One column family's state. */
typedef struct vset_cf {
    uint32_t id;                       /* immutable */
    version_cf_options opts;           /* immutable */
    version_list versions;             /* every live version, current first */
    version *current;                  /* mu; the set holds one reference */
    uint64_t log_number;               /* mu; WALs below hold nothing unflushed */
} vset_cf;

typedef struct vset vset;

/* vset_new(): an empty set for the DB in dir (env and dir borrowed/copied:
 * env must outlive the set; dir is copied).  Nothing is read until
 * vset_recover().  SHALE_OK, SHALE_INVALID_ARGUMENT (bad num_levels),
 * SHALE_NO_MEMORY. */
int vset_new(shale_env *env, const char *dir, const vset_options *opts, vset **out,
             shale_err *err);
/* vset_free(): closes the MANIFEST and drops the current versions.  NULL
 * allowed.  REQUIRES: no log_and_apply running; every other version
 * reference already dropped. */
void vset_free(vset *vs);

/* vset_create_new_db(): writes MANIFEST-000001 = one edit {Comparator
 * leveldb.BytewiseComparator, LogNumber 0, NextFileNumber 2, LastSequence
 * 0}, syncs it, and points CURRENT at it (synced, directory synced).  On
 * failure the MANIFEST is removed (best effort).
 *   SHALE_OK, SHALE_IO_ERROR, SHALE_NO_MEMORY. */
int vset_create_new_db(shale_env *env, const char *dir, shale_err *err);

/* vset_recover(): loads the state CURRENT's MANIFEST describes.  A torn
 * last record ends the MANIFEST cleanly; an atomic group cut short is
 * ignored.  REQUIRES: called once, before any other use.
 *   SHALE_OK
 *   SHALE_NOT_FOUND   no CURRENT (no DB here)
 *   SHALE_CORRUPTION  a damaged record or edit; "no log_file_number,
 *                     next_file_number, last_sequence entry in MANIFEST"
 *                     (listing the missing ones); a builder refusal
 *   SHALE_INVALID_ARGUMENT  another comparator; more levels than num_levels
 *   SHALE_NOT_SUPPORTED     records for other column families
 *   SHALE_IO_ERROR, SHALE_NO_MEMORY */
int vset_recover(vset *vs, shale_err *err);

/* vset_log_and_apply(): makes `edit` (default column family) durable and
 * installs the version it yields.  Fills in PrevLogNumber (if unset),
 * NextFileNumber and LastSequence (the larger of the edit's and the set's);
 * a LogNumber in the edit becomes the column family's.  Concurrent callers
 * are served one at a time, in arrival order.
 * REQUIRES: mu held; drops it while writing and re-takes it before return:
 * re-read anything mu protects.
 *   SHALE_OK          the new version is current
 *   SHALE_CORRUPTION, SHALE_INVALID_ARGUMENT  the builder refused the edit
 *                     (nothing written)
 *   SHALE_IO_ERROR    a write, sync or CURRENT update failed: nothing is
 *                     installed and the next call starts a new MANIFEST
 *   SHALE_NO_MEMORY */
int vset_log_and_apply(vset *vs, version_edit *edit, shale_mutex *mu, shale_err *err)
    SHALE_REQUIRES(mu);

/* The default column family.  Its fields are read as documented there. */
vset_cf *vset_default_cf(vset *vs);
/* Current version of the default CF, borrowed.  REQUIRES: mu held (take a
 * reference with version_ref() to use it after dropping mu). */
version *vset_current(vset *vs);

/* File numbers: one counter for SSTs, WALs and MANIFESTs.  Lock-free. */
uint64_t vset_new_file_number(vset *vs);
uint64_t vset_next_file_number(const vset *vs);
/* Makes sure the counter is past n. */
void vset_mark_file_number_used(vset *vs, uint64_t n);

/* last_sequence: the newest sequence visible to readers.  Read without the
 * mutex: a stale value is an older, still consistent snapshot, because the
 * writer publishes it (release) only after its entries are in the
 * memtable.  The write path stores it with vset_set_last_sequence(). */
uint64_t vset_last_sequence(const vset *vs);
void vset_set_last_sequence(vset *vs, uint64_t seq);

/* Scalars protected by mu. */
uint64_t vset_log_number(const vset *vs);
uint64_t vset_prev_log_number(const vset *vs);
uint64_t vset_min_log_number_to_keep(const vset *vs);
/* The open MANIFEST's number (after recover: the one read). */
uint64_t vset_manifest_file_number(const vset *vs);
/* Bytes in the open MANIFEST; 0 if none open. */
uint64_t vset_manifest_file_size(const vset *vs);

/* vset_live_files(): every table file number referenced by any live
 * version, sorted, without repeats.  *numbers: free with free() (NULL when
 * *count = 0).  REQUIRES: mu held, so no version is being installed.
 *   SHALE_OK, SHALE_NO_MEMORY. */
int vset_live_files(vset *vs, uint64_t **numbers, size_t *count, shale_err *err);

/* vset_take_obsolete_manifests(): hands over the numbers of MANIFESTs
 * replaced since the last call (free with free()); the caller deletes the
 * files.  REQUIRES: mu held.  SHALE_OK, SHALE_NO_MEMORY. */
int vset_take_obsolete_manifests(vset *vs, uint64_t **numbers, size_t *count, shale_err *err);

#endif
