/* lsm/db/db_compact.c: running one compaction picked by the picker.
 *
 * A trivial move only rewrites the MANIFEST: the file changes level.
 * Otherwise every input file becomes an iterator, they are merged, and the
 * compaction iterator decides what survives (newest version per snapshot
 * stripe; tombstones and covered entries dropped when nothing below needs
 * them).  Outputs are cut at max_output_file_size, never between two
 * versions of one user key, so output files of a level never share a user
 * key.  Range tombstones go to every output whose key range they meet,
 * clipped to it.  The edit (inputs deleted, outputs added) is applied only
 * after every output is synced. */
#include "lsm/db/db_impl.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/compaction/compaction_iter.h"
#include "lsm/db/merge.h"
#include "lsm/compaction/range_del.h"
#include "lsm/db/table_output.h"
#include "lsm/table/merge_iter.h"
#include "lsm/table/table_iter.h"
#include "lsm/util/err.h"

typedef struct job {
    shale_db *db;
    db_cf *cfd;
    compaction *c;
    bool manual, full;                 /* full: every file of the family is an input */
    const uint64_t *snaps;
    size_t n_snaps;
    version_edit *edit;
    rd_agg *agg;
    table_output out;
    bool open;
    shale_buf lo, cut, last_user_key;  /* output key range; last key added */
    bool sync_failed;                  /* an output's fsync failed: never a soft error */
    bool has_lo;
    uint64_t bytes_written, files_out;
    uint64_t numbers[256];             /* pending output numbers to release */
    size_t n_numbers;
} job;

static int open_output(job *j, shale_err *err)
{
    shale_db *db = j->db;
    if (j->n_numbers == sizeof j->numbers / sizeof j->numbers[0])
        return SHALE_ERR(err, SHALE_NOT_SUPPORTED, "compaction needs over 256 output files");
    shale_mutex_lock(&db->mu.lock);
    uint64_t number = vset_new_file_number(db->vs);
    db_pending_output_add_locked(db, number);
    shale_mutex_unlock(&db->mu.lock);
    j->numbers[j->n_numbers++] = number;
    int rc = tout_open(db, j->cfd, j->c->output_level, number, 0, j->c->enable_compression,
                       &j->out, err);
    j->open = rc == SHALE_OK;
    return rc;
}

/* Finishes the open output, first adding the tombstones of [lo, hi). */
static int close_output(job *j, const slice *hi, shale_err *err)
{
    int rc = SHALE_OK;
    if (j->agg != NULL) {
        slice lo = shale_buf_slice(&j->lo);
        rc = rd_agg_emit(j->agg, j->snaps, j->n_snaps, j->c->bottommost, j->has_lo ? &lo : NULL,
                         hi, tout_emit_tombstone, &j->out, NULL, err);
    }
    bool added = false;
    uint64_t bytes = 0;
    if (rc == SHALE_OK) {
        rc = tout_finish(&j->out, j->edit, &added, &bytes, err);
        j->sync_failed = j->sync_failed || j->out.sync_failed;
    } else {
        tout_abandon(&j->out);
    }
    j->open = false;
    j->bytes_written += bytes;
    j->files_out += added;
    if (hi != NULL) {
        shale_buf_clear(&j->lo);
        shale_buf_append_slice(&j->lo, *hi);
        j->has_lo = true;
    }
    return rc;
}

static int add_entry(job *j, slice ikey, slice value, shale_err *err)
{
    slice ukey = ikey_user_key(ikey);
    bool new_key = j->last_user_key.len != ukey.len ||
                   !slice_equal(shale_buf_slice(&j->last_user_key), ukey);
    int rc = SHALE_OK;
    if (j->open && new_key && tout_file_size(&j->out) >= j->c->max_output_file_size)
        rc = close_output(j, &ukey, err);
    if (rc == SHALE_OK && !j->open)
        rc = open_output(j, err);
    if (rc == SHALE_OK)
        rc = tout_add(&j->out, ikey, value, err);
    if (rc == SHALE_OK && new_key) {
        shale_buf_clear(&j->last_user_key);
        shale_buf_append_slice(&j->last_user_key, ukey);
    }
    return rc;
}

/* Adds every input file's data and tombstones.  Children are owned by the
 * returned merge iterator (NULL: error in *err). */
static iter *open_inputs(job *j, shale_err *err)
{
    shale_db *db = j->db;
    compaction *c = j->c;
    size_t n = compaction_num_input_files(c);
    iter **kids = calloc(n == 0 ? 1 : n, sizeof *kids);
    if (kids == NULL) {
        SHALE_NOMEM(err);
        return NULL;
    }
    int rc = SHALE_OK;
    size_t k = 0;
    for (int w = 0; w < c->n_input_levels && rc == SHALE_OK; w++)
        for (size_t i = 0; i < c->inputs[w].n && rc == SHALE_OK; i++) {
            file_meta *f = c->inputs[w].files[i];
            sst_reader *r = NULL;
            rc = tc_get(db->tcache, f->number, f->file_size, &r, err);
            if (rc != SHALE_OK)
                break;
            sst_iter_options o;
            sst_iter_options_init(&o, r);
            o.fill_cache = false;
            if (sst_reader_props(r)->num_range_deletions > 0) {
                iter *rd = sst_reader_new_range_del_iter(r, &o, err);
                if (j->agg == NULL && rd != NULL && (j->agg = rd_agg_new(MAX_SEQUENCE)) == NULL)
                    rc = SHALE_NOMEM(err);
                if (rc == SHALE_OK)
                    rc = rd == NULL ? err->code : rd_agg_add_iter(j->agg, rd, err);
                iter_free(rd);
            }
            if (rc == SHALE_OK && (kids[k] = sst_reader_new_data_iter(r, &o, err)) == NULL)
                rc = err->code;
            else if (rc == SHALE_OK)
                k++;
            sst_reader_unref(r);
        }
    if (rc != SHALE_OK) {
        for (size_t i = 0; i < k; i++)
            iter_free(kids[i]);
        free(kids);
        return NULL;
    }
    iter *m = merge_iter_new(kids, k, err);
    free(kids);
    return m;
}

/* Every file of the family is an input (RocksDB's is_full_compaction).
 * REQUIRES: mu held. */
static bool is_full_compaction(shale_db *db, const job *j) SHALE_REQUIRES(db->mu.lock)
{
    const version *v = j->cfd->vcf->current;
    size_t total = 0;
    for (int l = 0; l < v->num_levels; l++)
        total += v->n_files[l];
    return total == compaction_num_input_files(j->c);
}

static int run_merge(job *j, compaction_iter_stats *cst, shale_err *err)
{
    iter *in = open_inputs(j, err);
    if (in == NULL)
        return err->code != SHALE_OK ? err->code : SHALE_NOMEM(err);
    compaction_merge cm = {merge_full, merge_partial, j->cfd->opts.merge_operator};
    compaction_iter_options co = {.snapshots = j->snaps, .n_snapshots = j->n_snaps,
                                  .bottommost = j->c->bottommost,
                                  .zero_seqnums = j->c->bottommost, .range_del = j->agg};
    compaction_iter *ci = NULL;
    int rc = compaction_iter_new_merge(in, &co, cm.arg != NULL ? &cm : NULL, &ci, err);
    bool owned = false;
    shale_compaction_filter *filter = NULL;
    if (rc == SHALE_OK) {
        shale_compaction_filter_context ctx = {
            .is_full_compaction = j->full,
            .is_manual_compaction = j->manual, .column_family_id = j->cfd->id};
        filter = cfilter_for_compaction(j->cfd->opts.compaction_filter,
                                        j->cfd->opts.compaction_filter_factory, &ctx, &owned);
        if (filter != NULL)   /* RocksDB passes the compaction's start level */
            compaction_iter_set_filter(ci, filter, j->c->start_level);
    }
    for (; rc == SHALE_OK && compaction_iter_valid(ci); compaction_iter_next(ci)) {
        if (atomic_load_explicit(&j->db->closing, memory_order_relaxed))
            rc = SHALE_ERR(err, SHALE_SHUTDOWN, "database is closing");
        else
            rc = add_entry(j, compaction_iter_key(ci), compaction_iter_value(ci), err);
    }
    if (rc == SHALE_OK)
        rc = compaction_iter_status(ci, err);
    if (rc == SHALE_OK && !j->open && j->agg != NULL && !rd_agg_empty(j->agg))
        rc = open_output(j, err);   /* tombstones only */
    if (rc == SHALE_OK && j->open)
        rc = close_output(j, NULL, err);
    if (j->open)
        tout_abandon(&j->out);
    if (ci != NULL)
        *cst = *compaction_iter_get_stats(ci);
    compaction_iter_free(ci);
    if (owned)
        shale_compaction_filter_destroy(filter);
    iter_free(in);
    return rc;
}

static void record_stats_locked(shale_db *db, const compaction *c, const job *j,
                                const compaction_iter_stats *cst, uint64_t micros)
    SHALE_REQUIRES(db->mu.lock)
{
    level_stats *ls = &j->cfd->lstats[c->output_level];
    uint64_t in0 = file_list_bytes(&c->inputs[0]), in1 = 0;
    size_t files1 = 0;
    for (int w = 1; w < c->n_input_levels; w++) {
        in1 += file_list_bytes(&c->inputs[w]);
        files1 += c->inputs[w].n;
    }
    ls->micros += micros;
    ls->bytes_read_n += in0;
    ls->bytes_read_n1 += in1;
    ls->bytes_written += j->bytes_written;
    ls->files_in_n += c->inputs[0].n;
    ls->files_in_n1 += files1;
    ls->files_out += j->files_out;
    ls->count++;
    ls->records_in += cst->input;
    ls->records_dropped += cst->input - cst->output;
    stats_add(db->stats, TICKER_COMPACT_READ_BYTES, in0 + in1);
    stats_add(db->stats, TICKER_COMPACT_WRITE_BYTES, j->bytes_written);
    stats_add(db->stats, TICKER_COMPACTION_KEY_DROP_OBSOLETE,
              cst->dropped_obsolete + cst->dropped_tombstones);
    stats_add(db->stats, TICKER_COMPACTION_KEY_DROP_RANGE_DEL, cst->dropped_range_del);
    if (stats_timers_on(db->stats))
        stats_record(db->stats, HIST_COMPACTION_TIME, micros);
}

/* Applies a compaction's edit; a family dropped meanwhile takes none (its
 * outputs are deleted as obsolete) and that is no error.  A failure is a
 * background error: the MANIFEST may hold the edit, so never soft. */
static int apply_edit_locked(shale_db *db, db_cf *cfd, version_edit *edit, shale_err *err)
    SHALE_REQUIRES(db->mu.lock)
{
    if (cfd->dropped)
        return SHALE_OK;
    edit->column_family = cfd->id;
    int rc = vset_log_and_apply(db->vs, edit, &db->mu.lock, err);
    db_sv_install_locked(db, cfd);
    if (rc != SHALE_OK && !cfd->dropped)
        db_set_bg_error_locked(db, err);
    return cfd->dropped ? SHALE_OK : rc;
}

static int trivial_move_locked(shale_db *db, db_cf *cfd, compaction *c, shale_err *err)
    SHALE_REQUIRES(db->mu.lock)
{
    version_edit edit;
    version_edit_init(&edit);
    int rc = compaction_add_trivial_moves(c, &edit, err);
    if (rc == SHALE_OK)
        rc = apply_edit_locked(db, cfd, &edit, err);
    version_edit_deinit(&edit);
    return rc;
}

/* FIFO's deletion-only compaction: the inputs leave in one edit; nothing
 * is read or written. */
static int deletion_compaction_locked(shale_db *db, db_cf *cfd, compaction *c, shale_err *err)
    SHALE_REQUIRES(db->mu.lock)
{
    version_edit edit;
    version_edit_init(&edit);
    int rc = compaction_add_input_deletions(c, &edit, err);
    if (rc == SHALE_OK)
        rc = apply_edit_locked(db, cfd, &edit, err);
    if (rc == SHALE_OK) {
        logger_log(db->log, SHALE_LOG_INFO, "[%s] FIFO compaction: deleted %zu files",
                   cfd->name, compaction_num_input_files(c));
        cfd->lstats[c->output_level].count++;
    }
    version_edit_deinit(&edit);
    return rc;
}

int db_run_compaction_locked(shale_db *db, db_cf *cfd, compaction *c, bool manual,
                             shale_err *err)
{
    shale_mutex_assert_held(&db->mu.lock);
    bool filtered = cfd->opts.compaction_filter != NULL ||
                    cfd->opts.compaction_filter_factory != NULL;
    if (c->deletion_compaction || (c->trivial_move && !(manual && filtered))) {
        /* (a manual compaction with a filter must run the filter) */
        int rc = c->deletion_compaction ? deletion_compaction_locked(db, cfd, c, err)
                                        : trivial_move_locked(db, cfd, c, err);
        picker_release(&cfd->picker, c, cfd->vcf->current);
        return rc;
    }
    uint64_t t0 = db->env->ops->now_micros(db->env);
    version_edit edit;
    version_edit_init(&edit);
    job j;
    memset(&j, 0, sizeof j);
    j.db = db;
    j.cfd = cfd;
    j.manual = manual;
    j.c = c;
    j.full = is_full_compaction(db, &j);
    j.edit = &edit;
    uint64_t *snaps = NULL;
    compaction_iter_stats cst = {0};
    int rc = db_snapshot_list_locked(db, &snaps, &j.n_snaps, err);
    j.snaps = snaps;
    if (rc == SHALE_OK) {
        shale_mutex_unlock(&db->mu.lock);
        rc = run_merge(&j, &cst, err);
        shale_mutex_lock(&db->mu.lock);
    }
    if (rc == SHALE_OK && j.files_out > 0) {   /* output names durable before the edit */
        shale_mutex_unlock(&db->mu.lock);
        rc = db->env->ops->sync_dir(db->env, db->name, err);
        shale_mutex_lock(&db->mu.lock);
        j.sync_failed = rc != SHALE_OK;
    }
    if (rc == SHALE_OK)
        rc = compaction_add_input_deletions(c, &edit, err);
    if (rc != SHALE_OK && j.sync_failed)
        db_set_bg_error_locked(db, err);   /* a failed fsync is never retried as if it worked */
    if (rc == SHALE_OK)
        rc = apply_edit_locked(db, cfd, &edit, err);
    for (size_t i = 0; i < j.n_numbers; i++)
        db_pending_output_remove_locked(db, j.numbers[i]);
    if (rc == SHALE_OK)
        record_stats_locked(db, c, &j, &cst, db->env->ops->now_micros(db->env) - t0);
    picker_release(&cfd->picker, c, cfd->vcf->current);
    rd_agg_free(j.agg);
    shale_buf_deinit(&j.lo);
    shale_buf_deinit(&j.cut);
    shale_buf_deinit(&j.last_user_key);
    version_edit_deinit(&edit);
    free(snaps);
    return rc;
}
