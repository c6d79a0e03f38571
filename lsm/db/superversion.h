/* lsm/db/superversion.h: a column family's read state as one
 * reference-counted bundle (RocksDB's SuperVersion): the memtable, the
 * immutable memtables and the current version, swapped as a whole under
 * db->mu whenever any of them changes, and taken by readers without any
 * lock.
 *
 * Protocol (docs/concurrency.md, "superversion"):
 *   reader:    pins++ ; sv = load(cfd->sv) ; sv->refs++ ; pins--
 *   installer: old = exchange(cfd->sv, new) ; wait until pins == 0 ;
 *              unref(old)                       (db->mu held)
 * All four operations on pins and cfd->sv are sequentially consistent, so
 * an installer that sees pins == 0 after its exchange knows that every
 * reader that loaded `old` has already taken its reference: the old bundle
 * is freed by whoever drops the last reference, never under a reader that
 * is between its load and its increment.  The installer waits only for
 * that window (a few instructions), never for a read.
 *
 * With an unlimited table cache (max_open_files = -1) a superversion also
 * keeps the table readers of its version's files once a read has opened
 * them (one slot per file, filled by compare-and-swap), so point reads and
 * iterators skip the table cache's lookup and lock. */
#ifndef LSM_DB_SUPERVERSION_H
#define LSM_DB_SUPERVERSION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "lsm/memtable/memtable.h"
#include "lsm/table/sst_reader.h"
#include "lsm/version/version.h"
#include "shale/err.h"

#define SV_MAX_IMM 32

typedef struct superversion {
    atomic_int refs;
    memtable *mem;
    int n_imm;
    memtable *imm[SV_MAX_IMM];            /* newest first */
    version *v;
    /* Table readers of v's files, NULL until first used; slot of file i of
     * level l: readers[level_off[l] + i].  NULL array: not kept. */
    _Atomic(sst_reader *) *readers;
    size_t level_off[VERSION_MAX_LEVELS + 1];
} superversion;

typedef struct db_cf db_cf;
typedef struct shale_db shale_db;

/* Builds a superversion from cfd's mem, immutables and current version
 * and makes it the one readers take; the previous one is released.
 * REQUIRES: db->mu held, or no other thread uses the database yet.  On no
 * memory the family has no superversion and reads fall back to taking
 * their references under db->mu (db_view_acquire). */
void db_sv_install_locked(shale_db *db, db_cf *cfd);
/* The same for every live family (after recovery at open). */
void db_sv_install_all_locked(shale_db *db);
/* Lets go of cfd's superversion (the family is being freed).
 * REQUIRES: db->mu held or single-threaded. */
void db_sv_clear_locked(db_cf *cfd);

/* The current superversion of cfd with a reference, or NULL (see above).
 * Lock-free. */
superversion *sv_acquire(db_cf *cfd);
/* NULL-safe.  The last reference frees it: memtable, version and reader
 * references are dropped (the version's unref takes its list lock). */
void sv_unref(superversion *sv);

/* The reader of file f (file i of `level` in sv->v), borrowed: valid while
 * the caller holds sv.  *owned: the caller got its own reference (no slot
 * kept) and must sst_reader_unref() it.  The table cache's codes. */
int sv_table(shale_db *db, superversion *sv, int level, size_t i, sst_reader **out, bool *owned,
             shale_err *err);

#endif
