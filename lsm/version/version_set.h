/* lsm/version/version_set.h: the version set: the current version of each
 * column family, the DB-wide counters, and the MANIFEST that makes changes
 * to them durable (RocksDB 7.8.3 db/version_set.cc; rocksdb-format.md §5).
 *
 * Column families: "default" (id 0) always exists; others are added and
 * dropped by MANIFEST records as RocksDB writes them (an add record {cf id,
 * name, comparator, log number}, a drop record {cf id, drop}); every edit
 * names its family (edit->column_family).  A dropped family stays in the set
 * (its files live) until the caller releases it with vset_release_cf().
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
    char *name;                        /* immutable */
    version_cf_options opts;           /* immutable */
    bool dropped;                      /* mu */
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
 *   SHALE_INVALID_ARGUMENT  (also) families other than "default" in the MANIFEST
 *   SHALE_IO_ERROR, SHALE_NO_MEMORY */
int vset_recover(vset *vs, shale_err *err);

/* A family the caller opens, with the options its versions are built with. */
typedef struct vset_cf_desc {
    const char *name;
    version_cf_options opts;
} vset_cf_desc;

/* vset_recover_cfs(): vset_recover() for a database with families: descs
 * name the families the caller opens ("default" needs no entry).  Families
 * in the MANIFEST but not in descs: SHALE_INVALID_ARGUMENT "Column
 * families not opened: a, b" (RocksDB's text).  Families in descs that
 * the MANIFEST lacks are left for the caller (vset_find_cf() says NULL). */
int vset_recover_cfs(vset *vs, const vset_cf_desc *descs, size_t n, shale_err *err);

/* vset_list_cfs(): the live family names of the database in dir, in id
 * order ("default" first), from CURRENT's MANIFEST.  Free with
 * shale_env_free_names().  SHALE_NOT_FOUND without CURRENT. */
int vset_list_cfs(shale_env *env, const char *dir, char ***names, size_t *n, shale_err *err);

/* vset_create_cf(): adds family `name` (durable on return) with its log
 * number set to log_number (earlier WALs hold nothing of it).  REQUIRES: mu
 * held (dropped while writing).  SHALE_INVALID_ARGUMENT if a live family
 * has the name; the codes of vset_log_and_apply(). */
int vset_create_cf(vset *vs, const char *name, const version_cf_options *opts,
                   uint64_t log_number, shale_mutex *mu, vset_cf **out, shale_err *err)
    SHALE_REQUIRES(mu);
/* vset_drop_cf(): drops the family (durable on return).  It stays in the
 * set, dropped, until vset_release_cf().  REQUIRES: mu held. */
int vset_drop_cf(vset *vs, vset_cf *cf, shale_mutex *mu, shale_err *err) SHALE_REQUIRES(mu);
/* vset_release_cf(): forgets a dropped family: its files stop being live.
 * REQUIRES: mu held, no reference to its versions beyond the set's. */
void vset_release_cf(vset *vs, vset_cf *cf);
/* The live family with this id or name, or NULL.  REQUIRES: mu held (or no
 * concurrent create/drop). */
vset_cf *vset_find_cf(vset *vs, uint32_t id);
vset_cf *vset_find_cf_by_name(vset *vs, const char *name);
/* Every family in the set (dropped ones not yet released too), in id order:
 * vset_cf_at(vs, i) for i < vset_num_cfs(vs).  REQUIRES: mu held. */
size_t vset_num_cfs(const vset *vs);
vset_cf *vset_cf_at(vset *vs, size_t i);
/* The number of live families. */
size_t vset_num_live_cfs(const vset *vs);

/* vset_log_and_apply(): makes `edit` (for family edit->column_family) durable and
 * installs the version it yields.  Fills in PrevLogNumber (if unset),
 * NextFileNumber and LastSequence (the larger of the edit's and the set's);
 * a LogNumber in the edit becomes the column family's.  Concurrent callers
 * are served one at a time, in arrival order.
 * REQUIRES: mu held; drops it while writing and re-takes it before return:
 * re-read anything mu protects.
 *   SHALE_OK          the new version is current
 *   SHALE_CORRUPTION, SHALE_INVALID_ARGUMENT  the builder refused the edit
 *                     (nothing written), or the family does not exist
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

/* Scalars protected by mu.  vset_log_number: the default family's. */
uint64_t vset_log_number(const vset *vs);
/* The smallest log number of the live families. */
uint64_t vset_min_cf_log_number(const vset *vs);
uint64_t vset_prev_log_number(const vset *vs);
uint64_t vset_min_log_number_to_keep(const vset *vs);
/* The open MANIFEST's number (after recover: the one read). */
uint64_t vset_manifest_file_number(const vset *vs);
/* Bytes of the open MANIFEST up to the last installed edit (an edit being
 * written is not counted until installed); 0 if none open.  REQUIRES: mu
 * held. */
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
