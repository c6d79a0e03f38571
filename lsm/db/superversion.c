/* lsm/db/superversion.c: building, installing and taking superversions
 * (protocol in superversion.h and docs/concurrency.md).
 *
 * Why not the mutex: every read used to lock db->mu to reference the
 * memtables and the version, so readers queued behind the write leader and
 * each other.  Now a read does four atomic operations on the family and
 * the bundle; the mutex is taken only by the installer, which already
 * holds it where the memtables or the version change. */
#include "lsm/db/superversion.h"

#include <sched.h>
#include <stdlib.h>

#include "lsm/db/db_impl.h"
#include "lsm/util/err.h"

_Static_assert(DB_MAX_IMM <= SV_MAX_IMM, "a superversion holds every immutable memtable");

/* The reader slots, one per file of v: only with an unlimited table
 * cache, so slots never keep more files open than max_open_files allows. */
static bool make_slots(shale_db *db, superversion *sv)
{
    version *v = sv->v;
    size_t total = 0;
    for (int l = 0; l < VERSION_MAX_LEVELS; l++) {
        sv->level_off[l] = total;
        if (l < v->num_levels)
            total += version_num_files(v, l);
    }
    sv->level_off[VERSION_MAX_LEVELS] = total;
    if (db->opts.max_open_files != -1 || total == 0)
        return true;
    sv->readers = calloc(total, sizeof *sv->readers);
    return sv->readers != NULL;
}

/* A new bundle of cfd's current state, one reference (the family's). */
static superversion *sv_new_locked(shale_db *db, db_cf *cfd)
{
    if (cfd->mem == NULL)   /* mid-recovery */
        return NULL;
    superversion *sv = calloc(1, sizeof *sv);
    if (sv == NULL)
        return NULL;
    sv->v = cfd->vcf->current;
    if (!make_slots(db, sv)) {
        free(sv);
        return NULL;
    }
    atomic_init(&sv->refs, 1);
    sv->mem = cfd->mem;
    mem_ref(sv->mem);
    sv->n_imm = cfd->n_imm;
    for (int i = 0; i < sv->n_imm; i++) {
        sv->imm[i] = cfd->imm[sv->n_imm - 1 - i].mem;
        mem_ref(sv->imm[i]);
    }
    version_ref(sv->v);
    return sv;
}

static void sv_free(superversion *sv)
{
    if (sv->readers != NULL) {
        size_t n = sv->level_off[VERSION_MAX_LEVELS];
        for (size_t i = 0; i < n; i++)
            sst_reader_unref(atomic_load_explicit(&sv->readers[i], memory_order_acquire));
        free(sv->readers);
    }
    mem_unref(sv->mem);
    for (int i = 0; i < sv->n_imm; i++)
        mem_unref(sv->imm[i]);
    version_unref(sv->v);
    free(sv);
}

void sv_unref(superversion *sv)
{
    if (sv != NULL && atomic_fetch_sub_explicit(&sv->refs, 1, memory_order_acq_rel) == 1)
        sv_free(sv);
}

superversion *sv_acquire(db_cf *cfd)
{
    atomic_fetch_add_explicit(&cfd->sv_pins, 1, memory_order_seq_cst);
    superversion *sv = atomic_load_explicit(&cfd->sv, memory_order_seq_cst);
    if (sv != NULL)
        atomic_fetch_add_explicit(&sv->refs, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(&cfd->sv_pins, 1, memory_order_release);
    return sv;
}

/* Swaps in next and releases the old bundle once no reader can be about
 * to reference it. */
static void swap_in(db_cf *cfd, superversion *next)
{
    superversion *old = atomic_exchange_explicit(&cfd->sv, next, memory_order_seq_cst);
    for (unsigned spins = 0; atomic_load_explicit(&cfd->sv_pins, memory_order_seq_cst) != 0;
         spins++)
        if (spins > 64)
            sched_yield();
    sv_unref(old);
}

void db_sv_install_locked(shale_db *db, db_cf *cfd)
{
    swap_in(cfd, sv_new_locked(db, cfd));
}

void db_sv_clear_locked(db_cf *cfd) { swap_in(cfd, NULL); }

int sv_table(shale_db *db, superversion *sv, int level, size_t i, sst_reader **out, bool *owned,
             shale_err *err)
{
    file_meta *f = sv->v->files[level][i];
    *owned = sv->readers == NULL;
    if (*owned)
        return tc_get(db->tcache, f->number, f->file_size, out, err);
    _Atomic(sst_reader *) *slot = &sv->readers[sv->level_off[level] + i];
    sst_reader *r = atomic_load_explicit(slot, memory_order_acquire);
    if (r != NULL) {
        *out = r;
        return SHALE_OK;
    }
    int rc = tc_get(db->tcache, f->number, f->file_size, &r, err);
    if (rc != SHALE_OK)
        return rc;
    sst_reader *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(slot, &expected, r, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        sst_reader_unref(r);   /* another reader filled it first */
        r = expected;
    }
    *out = r;
    return SHALE_OK;
}

void db_sv_install_all_locked(shale_db *db)
{
    for (size_t i = 0; i < db->mu.n_cfs; i++)
        db_sv_install_locked(db, db->mu.cfs[i]);
}
