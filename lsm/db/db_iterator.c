/* lsm/db/db_iterator.c: the public iterator.  It pins a read view (memtable,
 * immutables, version) for its whole life and reads a merge of all their
 * sources through db_iter, which applies the snapshot, deletions, range
 * tombstones, bounds and the merge operator.  L0 files are one source each;
 * every deeper level is one concatenating source that opens its files
 * lazily. */
#include "lsm/db/db_impl.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/compaction/range_del.h"
#include "lsm/db/db_iter.h"
#include "lsm/db/merge.h"
#include "lsm/memtable/memtable_iter.h"
#include "lsm/table/concat_iter.h"
#include "lsm/table/merge_iter.h"
#include "lsm/table/table_iter.h"
#include "lsm/util/err.h"

typedef struct level_src {
    shale_db *db;
    superversion *sv;
    int level;
    concat_file *files;
    sst_iter_options o;
    bool have_opts;
} level_src;

struct shale_iter {
    shale_db *db;
    read_view rv;
    db_iter *it;
    level_src *levels;   /* one per level >= 1 */
    int n_levels;
    shale_err err;       /* a failure while building */
    int code;
};

static iter *open_level_file(void *arg, size_t i, shale_err *err)
{
    level_src *ls = arg;
    sst_reader *r = NULL;
    bool owned = false;
    if (sv_table(ls->db, ls->sv, ls->level, i, &r, &owned, err) != SHALE_OK)
        return NULL;
    sst_iter_options o = ls->o;
    if (!ls->have_opts)
        sst_iter_options_init(&o, r);
    iter *it = sst_reader_new_data_iter(r, &o, err);
    if (owned)
        sst_reader_unref(r);
    return it;
}

/* Adds the data iterator (if want_data) and the tombstones of file i of
 * `level`. */
static int add_file(shale_db *db, superversion *sv, int level, size_t i,
                    const sst_iter_options *o, bool want_data, iter **kids, size_t *k, rd_agg *agg,
                    shale_err *err)
{
    sst_reader *r = NULL;
    bool owned = false;
    int rc = sv_table(db, sv, level, i, &r, &owned, err);
    if (rc != SHALE_OK)
        return rc;
    if (sst_reader_props(r)->num_range_deletions > 0) {
        iter *rd = sst_reader_new_range_del_iter(r, o, err);
        rc = rd == NULL ? SHALE_NOMEM(err) : rd_agg_add_iter(agg, rd, err);
        iter_free(rd);
    }
    if (rc == SHALE_OK && want_data) {
        kids[*k] = sst_reader_new_data_iter(r, o, err);
        if (kids[*k] == NULL)
            rc = err != NULL && err->code != SHALE_OK ? err->code : SHALE_NOMEM(err);
        else
            (*k)++;
    }
    if (owned)
        sst_reader_unref(r);
    return rc;
}

static int add_memtable(memtable *m, iter **kids, size_t *k, rd_agg *agg, shale_err *err)
{
    iter *rd = mem_new_iter(m, true);
    kids[*k] = mem_new_iter(m, false);
    int rc = rd == NULL || kids[*k] == NULL ? SHALE_NOMEM(err) : rd_agg_add_iter(agg, rd, err);
    if (kids[*k] != NULL)
        (*k)++;
    iter_free(rd);
    return rc;
}

static int build_sources(shale_iter *si, const shale_read_options *ro, rd_agg *agg, iter ***out,
                         size_t *n_out, shale_err *err)
{
    shale_db *db = si->db;
    superversion *sv = si->rv.sv;
    version *v = sv->v;
    size_t cap = 1 + (size_t)sv->n_imm + version_num_files(v, 0) + (size_t)v->num_levels;
    iter **kids = calloc(cap, sizeof *kids);
    if (kids == NULL)
        return SHALE_NOMEM(err);
    size_t k = 0;
    int rc = add_memtable(sv->mem, kids, &k, agg, err);
    for (int i = 0; i < sv->n_imm && rc == SHALE_OK; i++)
        rc = add_memtable(sv->imm[i], kids, &k, agg, err);
    sst_iter_options o = {.verify_checksums = ro == NULL || ro->verify_checksums,
                          .fill_cache = ro == NULL || ro->fill_cache};
    for (size_t i = 0; i < version_num_files(v, 0) && rc == SHALE_OK; i++)
        rc = add_file(db, sv, 0, i, &o, true, kids, &k, agg, err);
    si->n_levels = v->num_levels;
    si->levels = calloc((size_t)v->num_levels, sizeof *si->levels);
    if (si->levels == NULL && rc == SHALE_OK)
        rc = SHALE_NOMEM(err);
    for (int level = 1; level < v->num_levels && rc == SHALE_OK; level++) {
        size_t n = version_num_files(v, level);
        if (n == 0)
            continue;
        level_src *ls = &si->levels[level];
        *ls = (level_src){db, sv, level, calloc(n, sizeof(concat_file)), o, true};
        if (ls->files == NULL) {
            rc = SHALE_NOMEM(err);
            break;
        }
        for (size_t i = 0; i < n && rc == SHALE_OK; i++) {
            ls->files[i].smallest = file_meta_smallest(v->files[level][i]);
            ls->files[i].largest = file_meta_largest(v->files[level][i]);
            rc = add_file(db, sv, level, i, &o, false, kids, &k, agg, err);
        }
        if (rc == SHALE_OK && (kids[k] = concat_iter_new(ls->files, n, open_level_file, ls,
                                                         err)) == NULL)
            rc = SHALE_NOMEM(err);
        else if (rc == SHALE_OK)
            k++;
    }
    *out = kids;
    *n_out = k;
    return rc;
}

static void free_levels(shale_iter *si)
{
    for (int i = 0; si->levels != NULL && i < si->n_levels; i++)
        free(si->levels[i].files);
    free(si->levels);
    si->levels = NULL;
}

shale_iter *shale_iter_new(shale_db *db, const shale_read_options *ro)
{
    return shale_iter_new_cf(db, ro, NULL);
}

shale_iter *shale_iter_new_cf(shale_db *db, const shale_read_options *ro, shale_cf *cf)
{
    shale_iter *si = calloc(1, sizeof *si);
    if (si == NULL)
        return NULL;
    si->db = db;
    db_cf *cfd = db_cf_of(db, cf);
    const shale_merge_operator *mop = cfd->opts.merge_operator;
    db_view_acquire(db, cfd, ro, &si->rv);
    rd_agg *agg = rd_agg_new(si->rv.seq);
    iter **kids = NULL;
    size_t n = 0;
    int rc = agg == NULL ? SHALE_NOMEM(&si->err)
                         : build_sources(si, ro, agg, &kids, &n, &si->err);
    iter *merged = NULL;
    if (rc == SHALE_OK) {
        merged = merge_iter_new(kids, n, &si->err);
        n = 0;   /* the merge iterator owns the children now, even on failure */
        if (merged == NULL)
            rc = SHALE_NOMEM(&si->err);
    }
    for (size_t i = 0; i < n; i++)
        iter_free(kids[i]);
    free(kids);
    if (rc == SHALE_OK) {
        slice lo = slice_make(ro != NULL ? ro->lower : NULL, ro != NULL ? ro->lower_len : 0);
        slice hi = slice_make(ro != NULL ? ro->upper : NULL, ro != NULL ? ro->upper_len : 0);
        db_iter_options o = {.seq = si->rv.seq,
                             .lower_bound = ro != NULL && ro->lower != NULL ? &lo : NULL,
                             .upper_bound = ro != NULL && ro->upper != NULL ? &hi : NULL,
                             .range_del = rd_agg_empty(agg) ? NULL : agg,
                             .merge = mop != NULL ? merge_full : NULL,
                             .merge_arg = (void *)mop};
        if (o.range_del == NULL)   /* no tombstones: spare every entry the lookup */
            rd_agg_free(agg);
        agg = NULL;   /* owned by db_iter from here, even on failure */
        rc = db_iter_new(merged, &o, &si->it, &si->err);
    } else {
        rd_agg_free(agg);
    }
    si->code = rc;
    stats_add(db->stats, TICKER_NO_ITERATOR_CREATED, 1);
    return si;
}

void shale_iter_free(shale_iter *si)
{
    if (si == NULL)
        return;
    const db_iter_stats *st = si->it != NULL ? db_iter_get_stats(si->it) : NULL;
    if (st != NULL) {
        stats_add(si->db->stats, TICKER_NUMBER_DB_NEXT, st->next);
        stats_add(si->db->stats, TICKER_NUMBER_DB_PREV, st->prev);
        stats_add(si->db->stats, TICKER_NUMBER_DB_SEEK, st->seek);
        stats_add(si->db->stats, TICKER_NUMBER_ITER_SKIP, st->skipped);
    }
    db_iter_free(si->it);
    free_levels(si);
    db_view_release(&si->rv);
    stats_add(si->db->stats, TICKER_NO_ITERATOR_DELETED, 1);
    free(si);
}

bool shale_iter_valid(const shale_iter *si) { return si->it != NULL && db_iter_valid(si->it); }

void shale_iter_seek_to_first(shale_iter *si)
{
    if (si->it != NULL)
        db_iter_first(si->it);
}

void shale_iter_seek_to_last(shale_iter *si)
{
    if (si->it != NULL)
        db_iter_last(si->it);
}

void shale_iter_seek(shale_iter *si, const char *key, size_t klen)
{
    if (si->it == NULL)
        return;
    uint64_t t0 = db_timer(si->db);
    db_iter_seek(si->it, slice_make(key, klen));
    db_timer_record(si->db, HIST_DB_SEEK, t0);
    if (db_iter_valid(si->it))
        stats_add(si->db->stats, TICKER_NUMBER_DB_SEEK_FOUND, 1);
}

void shale_iter_seek_for_prev(shale_iter *si, const char *key, size_t klen)
{
    if (si->it != NULL)
        db_iter_seek_for_prev(si->it, slice_make(key, klen));
}

void shale_iter_next(shale_iter *si) { db_iter_next(si->it); }

void shale_iter_prev(shale_iter *si) { db_iter_prev(si->it); }

const char *shale_iter_key(const shale_iter *si, size_t *klen)
{
    slice k = db_iter_key(si->it);
    *klen = k.len;
    return k.data;
}

const char *shale_iter_value(const shale_iter *si, size_t *vlen)
{
    slice v = db_iter_value(si->it);
    *vlen = v.len;
    return v.data;
}

int shale_iter_status(const shale_iter *si, shale_err *err)
{
    if (si->code != SHALE_OK)
        return shale_err_copy(err, &si->err);
    return db_iter_status(si->it, err);
}
