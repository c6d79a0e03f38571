/* lsm/db/db_bg.c: background work: the thread pool, memtable flush, the
 * background error, and deletion of obsolete files.
 *
 * max_background_jobs threads share one loop: flush first (one at a time,
 * oldest immutable memtable first, so WAL numbers advance in order), then a
 * manual compaction if one waits, then an automatic compaction picked by
 * score.  Each job runs without the mutex and installs its result with one
 * MANIFEST edit.
 *
 * Background errors (RocksDB's ErrorHandler, simplified): any I/O error in a
 * flush, compaction or MANIFEST write is kept in db->mu.bg_err; from then on
 * every write returns it and no background work starts.  Reopening the
 * database recovers from the WAL and the last good MANIFEST. */
#include "lsm/db/db_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/compaction/compaction_iter.h"
#include "lsm/db/merge.h"
#include "lsm/compaction/range_del.h"
#include "lsm/db/options_file.h"
#include "lsm/db/table_output.h"
#include "lsm/memtable/memtable_iter.h"
#include "lsm/util/err.h"
#include "lsm/version/filenames.h"

void db_set_bg_error_locked(shale_db *db, const shale_err *e)
{
    shale_mutex_assert_held(&db->mu.lock);
    if (db->mu.bg_err.code != SHALE_OK || e == NULL || e->code == SHALE_OK)
        return;
    db->mu.bg_err = *e;
    stats_add(db->stats, TICKER_ERROR_HANDLER_BG_ERROR_COUNT, 1);
    if (e->code == SHALE_IO_ERROR)
        stats_add(db->stats, TICKER_ERROR_HANDLER_BG_IO_ERROR_COUNT, 1);
    logger_log(db->log, SHALE_LOG_ERROR, "Background error: %s: %s", shale_code_name(e->code),
               e->msg);
    shale_cond_broadcast(&db->mu.bg_cv);
}

void db_pending_output_add_locked(shale_db *db, uint64_t number)
{
    if (db->mu.n_pending == db->mu.cap_pending) {
        size_t cap = db->mu.cap_pending == 0 ? 16 : 2 * db->mu.cap_pending;
        uint64_t *p = realloc(db->mu.pending_outputs, cap * sizeof *p);
        if (p == NULL)
            return;   /* the file is still protected by number >= next_file (see below) */
        db->mu.pending_outputs = p;
        db->mu.cap_pending = cap;
    }
    db->mu.pending_outputs[db->mu.n_pending++] = number;
}

void db_pending_output_remove_locked(shale_db *db, uint64_t number)
{
    for (size_t i = 0; i < db->mu.n_pending; i++)
        if (db->mu.pending_outputs[i] == number) {
            db->mu.pending_outputs[i] = db->mu.pending_outputs[--db->mu.n_pending];
            return;
        }
}

int db_snapshot_list_locked(shale_db *db, uint64_t **seqs, size_t *n, shale_err *err)
{
    *seqs = NULL;
    *n = 0;
    if (db->mu.num_snapshots == 0)
        return SHALE_OK;
    uint64_t *s = malloc((size_t)db->mu.num_snapshots * sizeof *s);
    if (s == NULL)
        return SHALE_NOMEM(err);
    size_t k = 0;
    for (shale_snapshot *p = db->mu.snapshots.next; p != &db->mu.snapshots; p = p->next)
        if (k == 0 || s[k - 1] != p->seq)   /* the list is ascending; drop repeats */
            s[k++] = p->seq;
    *seqs = s;
    *n = k;
    return SHALE_OK;
}

/* Writes mem into L0 file `number`, adding it to edit.  Runs without mu. */
int db_build_level0(shale_db *db, db_cf *cfd, memtable *mem, uint64_t number,
                    const uint64_t *snaps, size_t n_snaps, version_edit *edit, uint64_t *bytes,
                    shale_err *err)
{
    iter *points = mem_new_iter(mem, false);
    iter *dels = mem_new_iter(mem, true);
    rd_agg *agg = rd_agg_new(MAX_SEQUENCE);
    compaction_iter *ci = NULL;
    table_output out = {0};
    int rc = SHALE_OK;
    bool added = false;
    *bytes = 0;
    if (points == NULL || dels == NULL || agg == NULL) {
        rc = SHALE_NOMEM(err);
        goto done;
    }
    if ((rc = rd_agg_add_iter(agg, dels, err)) != SHALE_OK)
        goto done;
    compaction_merge cm = {merge_full, merge_partial, cfd->opts.merge_operator};
    compaction_iter_options co = {.snapshots = snaps, .n_snapshots = n_snaps,
                                  .range_del = rd_agg_empty(agg) ? NULL : agg};
    const compaction_merge *merge = cm.arg != NULL ? &cm : NULL;
    if ((rc = compaction_iter_new_merge(points, &co, merge, &ci, err)) != SHALE_OK ||
        (rc = tout_open(db, cfd, 0, number, 0, true, &out, err)) != SHALE_OK)
        goto done;
    for (; compaction_iter_valid(ci) && rc == SHALE_OK; compaction_iter_next(ci))
        rc = tout_add(&out, compaction_iter_key(ci), compaction_iter_value(ci), err);
    if (rc == SHALE_OK)
        rc = compaction_iter_status(ci, err);
    if (rc == SHALE_OK && !rd_agg_empty(agg)) {
        rc = rd_agg_emit(agg, snaps, n_snaps, false, NULL, NULL, tout_emit_tombstone, &out, NULL,
                         err);
    }
    if (rc == SHALE_OK)
        rc = tout_finish(&out, edit, &added, bytes, err);
    if (rc == SHALE_OK && added)   /* the SST's name is durable before a MANIFEST names it */
        rc = db->env->ops->sync_dir(db->env, db->name, err);
done:
    if (rc != SHALE_OK && out.db != NULL)
        tout_abandon(&out);
    compaction_iter_free(ci);
    rd_agg_free(agg);
    iter_free(points);
    iter_free(dels);
    return rc;
}

/* Flushes cfd->imm[0].  REQUIRES: mu held, cfd->flushing set by the
 * caller.  Drops mu while writing. */
static void flush_locked(shale_db *db, db_cf *cfd) SHALE_REQUIRES(db->mu.lock)
{
    memtable *mem = cfd->imm[0].mem;
    uint64_t number = vset_new_file_number(db->vs);
    db_pending_output_add_locked(db, number);
    uint64_t *snaps = NULL;
    size_t n_snaps = 0;
    shale_err e = {0};
    int rc = db_snapshot_list_locked(db, &snaps, &n_snaps, &e);
    version_edit edit;
    version_edit_init(&edit);
    uint64_t bytes = 0, t0 = db->env->ops->now_micros(db->env);
    if (rc == SHALE_OK) {
        shale_mutex_unlock(&db->mu.lock);
        rc = db_build_level0(db, cfd, mem, number, snaps, n_snaps, &edit, &bytes, &e);
        shale_mutex_lock(&db->mu.lock);
    }
    if (rc == SHALE_OK && !cfd->dropped) {
        /* WALs older than the family's next memtable hold nothing of it
         * unflushed now; with several families, the WALs every family is
         * done with are recorded too (RocksDB's MinLogNumberToKeep). */
        edit.column_family = cfd->id;
        version_edit_set_log_number(&edit, db_cf_log_after_locked(db, cfd, 1));
        version_edit_set_prev_log_number(&edit, 0);
        if (db->mu.n_cfs > 1) {
            uint64_t keep = db->mu.log_number;
            for (size_t i = 0; i < db->mu.n_cfs; i++) {
                uint64_t l = db_cf_log_after_locked(db, db->mu.cfs[i], db->mu.cfs[i] == cfd);
                if (l < keep)
                    keep = l;
            }
            version_edit_set_min_log_number_to_keep(&edit, keep);
        }
        rc = vset_log_and_apply(db->vs, &edit, &db->mu.lock, &e);
    }
    db_pending_output_remove_locked(db, number);
    if (rc == SHALE_OK || cfd->dropped) {
        cfd->n_imm--;
        memmove(&cfd->imm[0], &cfd->imm[1], (size_t)cfd->n_imm * sizeof cfd->imm[0]);
        mem_unref(mem);
    }
    db_sv_install_locked(db, cfd);
    if (rc == SHALE_OK && !cfd->dropped) {
        level_stats *ls = &cfd->lstats[0];
        ls->bytes_written += bytes;
        ls->micros += db->env->ops->now_micros(db->env) - t0;
        ls->count++;
        ls->files_out += bytes > 0;
        stats_add(db->stats, TICKER_FLUSH_WRITE_BYTES, bytes);
        if (stats_timers_on(db->stats))
            stats_record(db->stats, HIST_FLUSH_TIME, db->env->ops->now_micros(db->env) - t0);
        logger_log(db->log, SHALE_LOG_INFO, "[%s] Level-0 flush table #%llu: %llu bytes OK",
                   cfd->name, (unsigned long long)number, (unsigned long long)bytes);
    } else if (rc != SHALE_OK && !cfd->dropped) {
        db_set_bg_error_locked(db, &e);
    }
    version_edit_deinit(&edit);
    free(snaps);
}

/* The next compaction of family cfd: a waiting manual one for it first.
 * REQUIRES: mu. */
static compaction *pick_cf_compaction_locked(shale_db *db, db_cf *cfd, bool *is_manual)
    SHALE_REQUIRES(db->mu.lock)
{
    *is_manual = false;
    version *v = cfd->vcf->current;
    compaction *c = NULL;
    manual_compaction *m = db->mu.manual;
    if (m != NULL && m->cfd == cfd && !m->done && !m->in_progress) {
        bool conflict = false;
        slice b = shale_buf_slice(&m->begin), e = shale_buf_slice(&m->end);
        shale_buf_clear(&m->next_begin);
        shale_err err = {0};
        int rc = picker_compact_range(&cfd->picker, v, m->input_level, m->output_level,
                                      m->has_begin ? &b : NULL, m->has_end ? &e : NULL, &c,
                                      &m->next_begin, &conflict, &err);
        if (rc != SHALE_OK) {
            m->status = rc;
            m->err = err;
            m->done = true;
            shale_cond_broadcast(&db->mu.bg_cv);
            return NULL;
        }
        if (c == NULL && !conflict) {  /* nothing to compact in this level range */
            m->done = true;
            shale_cond_broadcast(&db->mu.bg_cv);
            return NULL;
        }
        if (c != NULL) {
            m->in_progress = true;
            *is_manual = true;
            return c;
        }
    }
    if (cfd->opts.disable_auto_compactions || !picker_needs_compaction(v))
        return NULL;
    if (picker_pick(&cfd->picker, v, &c, NULL) != SHALE_OK)
        return NULL;
    return c;
}

/* The next compaction of any family (the manual one's family first). */
static compaction *pick_compaction_locked(shale_db *db, db_cf **cfd, bool *is_manual)
    SHALE_REQUIRES(db->mu.lock)
{
    manual_compaction *m = db->mu.manual;
    if (m != NULL && !m->done && !m->in_progress && !m->cfd->dropped) {
        compaction *c = pick_cf_compaction_locked(db, m->cfd, is_manual);
        if (c != NULL) {
            *cfd = m->cfd;
            return c;
        }
    }
    for (size_t i = 0; i < db->mu.n_cfs; i++) {
        compaction *c = pick_cf_compaction_locked(db, db->mu.cfs[i], is_manual);
        if (c != NULL) {
            *cfd = db->mu.cfs[i];
            return c;
        }
    }
    return NULL;
}

/* RocksDB's soft error: a compaction that ran out of space before its
 * MANIFEST edit (an edit that failed is made a background error by
 * db_run_compaction_locked itself) changed nothing durable; its outputs
 * are deleted as obsolete and the compaction is retried later, while
 * writes go on.  REQUIRES: mu held. */
static bool soft_compaction_error_locked(shale_db *db, int rc, const shale_err *e)
    SHALE_REQUIRES(db->mu.lock)
{
    if (rc != SHALE_IO_ERROR || e->sys_errno != ENOSPC || db->mu.bg_err.code != SHALE_OK)
        return false;
    stats_add(db->stats, TICKER_ERROR_HANDLER_BG_RETRYABLE_IO_ERROR_COUNT, 1);
    logger_log(db->log, SHALE_LOG_WARN, "Compaction out of space (soft error, retried): %s",
               e->msg);
    return true;
}

/* Ends one round of a manual compaction: done unless it stopped early. */
static void manual_round_done_locked(shale_db *db, int rc, const shale_err *e)
    SHALE_REQUIRES(db->mu.lock)
{
    manual_compaction *m = db->mu.manual;
    m->in_progress = false;
    if (rc != SHALE_OK && rc != SHALE_SHUTDOWN && !soft_compaction_error_locked(db, rc, e))
        db_set_bg_error_locked(db, e);   /* as an automatic one: read-only */
    if (rc != SHALE_OK) {
        m->status = rc;
        m->err = *e;
        m->done = true;
    } else if (m->next_begin.len > 0) {
        shale_buf_clear(&m->begin);
        shale_buf_append_slice(&m->begin, shale_buf_slice(&m->next_begin));
        m->has_begin = true;
    } else {
        m->done = true;
    }
}

/* A family with an immutable memtable waiting and no flush running. */
static db_cf *flush_wanted_locked(shale_db *db) SHALE_REQUIRES(db->mu.lock)
{
    for (size_t i = 0; i < db->mu.n_cfs; i++)
        if (db->mu.cfs[i]->n_imm > 0 && !db->mu.cfs[i]->flushing)
            return db->mu.cfs[i];
    return NULL;
}

static void *bg_main(void *arg)
{
    shale_db *db = arg;
    shale_mutex_lock(&db->mu.lock);
    while (!db->mu.shutting_down) {
        if (db->mu.bg_err.code != SHALE_OK) {
            shale_cond_wait(&db->mu.bg_cv, &db->mu.lock);
            continue;
        }
        db_cf *fl = flush_wanted_locked(db);
        if (fl != NULL) {
            fl->refs++;
            fl->flushing = true;
            db->mu.bg_flushes_running++;
            flush_locked(db, fl);
            db->mu.bg_flushes_running--;
            fl->flushing = false;
            db_cf_unref_locked(db, fl);
            shale_cond_broadcast(&db->mu.bg_cv);
            shale_mutex_unlock(&db->mu.lock);
            db_delete_obsolete_files(db);
            shale_mutex_lock(&db->mu.lock);
            continue;
        }
        bool manual = false;
        db_cf *cfd = NULL;
        compaction *c = pick_compaction_locked(db, &cfd, &manual);
        if (c == NULL) {
            shale_cond_wait(&db->mu.bg_cv, &db->mu.lock);
            continue;
        }
        shale_err e = {0};
        cfd->refs++;
        db->mu.bg_compactions_running++;
        int rc = db_run_compaction_locked(db, cfd, c, manual, &e);
        db->mu.bg_compactions_running--;
        db_cf_unref_locked(db, cfd);
        if (manual)
            manual_round_done_locked(db, rc, &e);
        else if (rc != SHALE_OK && rc != SHALE_SHUTDOWN) {
            if (soft_compaction_error_locked(db, rc, &e))   /* back off before a retry */
                (void)shale_cond_timedwait(&db->mu.bg_cv, &db->mu.lock, 1000000);
            else
                db_set_bg_error_locked(db, &e);
        }
        shale_cond_broadcast(&db->mu.bg_cv);
        shale_mutex_unlock(&db->mu.lock);
        db_delete_obsolete_files(db);
        shale_mutex_lock(&db->mu.lock);
    }
    shale_mutex_unlock(&db->mu.lock);
    return NULL;
}

void db_maybe_schedule_locked(shale_db *db)
{
    shale_mutex_assert_held(&db->mu.lock);
    shale_cond_broadcast(&db->mu.bg_cv);
}

int db_start_bg_threads(shale_db *db, shale_err *err)
{
    int n = db->opts.max_background_jobs;
    if (n > DB_MAX_BG_THREADS)
        n = DB_MAX_BG_THREADS;
    for (int i = 0; i < n; i++) {
        if (pthread_create(&db->bg_threads[i], NULL, bg_main, db) != 0) {
            db_stop_bg_threads(db);
            return SHALE_IOERR(err, 0, "cannot start a background thread");
        }
        db->n_bg_threads++;
    }
    return SHALE_OK;
}

void db_stop_bg_threads(shale_db *db)
{
    atomic_store(&db->closing, true);
    shale_mutex_lock(&db->mu.lock);
    db->mu.shutting_down = true;
    shale_cond_broadcast(&db->mu.bg_cv);
    shale_mutex_unlock(&db->mu.lock);
    for (int i = 0; i < db->n_bg_threads; i++)
        pthread_join(db->bg_threads[i], NULL);
    db->n_bg_threads = 0;
}

/* --- obsolete files ---------------------------------------------------------- */

static bool contains(const uint64_t *v, size_t n, uint64_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

/* What may be deleted, decided under mu: everything at or above
 * next_file is new and kept whatever the other lists say. */
typedef struct keep_set {
    uint64_t *live;
    size_t n_live;
    uint64_t *pending;
    size_t n_pending;
    uint64_t log_number, manifest, next_file;
} keep_set;

static bool keep_file(const keep_set *k, enum file_kind kind, uint64_t number)
{
    if (number >= k->next_file)
        return true;
    switch (kind) {
    case FILE_TABLE:
        return contains(k->live, k->n_live, number) || contains(k->pending, k->n_pending, number);
    case FILE_WAL:
        return number >= k->log_number || contains(k->pending, k->n_pending, number);
    case FILE_MANIFEST:
        return number >= k->manifest;
    case FILE_TEMP:
        return contains(k->pending, k->n_pending, number);
    default:
        return true;
    }
}

void db_delete_obsolete_files(shale_db *db)
{
    keep_set k = {0};
    shale_mutex_lock(&db->mu.lock);
    if (db->mu.bg_err.code != SHALE_OK || db->disable_deletions > 0) {
        /* After a failed write the MANIFEST on disk may hold more than the
         * version in memory (a written edit whose sync failed): delete
         * nothing until reopen settles which files are live.  And nothing
         * while a checkpoint copies files. */
        shale_mutex_unlock(&db->mu.lock);
        return;
    }
    k.next_file = vset_next_file_number(db->vs);
    int rc = vset_live_files(db->vs, &k.live, &k.n_live, NULL);
    k.log_number = db_min_log_to_keep_locked(db);
    k.manifest = vset_manifest_file_number(db->vs);
    k.pending = malloc((db->mu.n_pending + 1) * sizeof *k.pending);
    if (k.pending != NULL && db->mu.n_pending > 0) {
        memcpy(k.pending, db->mu.pending_outputs, db->mu.n_pending * sizeof *k.pending);
    }
    k.n_pending = k.pending != NULL ? db->mu.n_pending : 0;
    shale_mutex_unlock(&db->mu.lock);
    char **names = NULL;
    size_t n = 0;
    if (rc != SHALE_OK || k.pending == NULL ||
        db->env->ops->list_dir(db->env, db->name, &names, &n, NULL) != SHALE_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        enum file_kind kind;
        uint64_t number;
        if (!filename_parse(names[i], &kind, &number) || keep_file(&k, kind, number))
            continue;
        char *path = db_path(db, names[i]);
        if (path == NULL)
            continue;
        if (kind == FILE_TABLE)
            tc_evict(db->tcache, number);
        if (db->env->ops->remove(db->env, path, NULL) == SHALE_OK)
            logger_log(db->log, SHALE_LOG_INFO, "Deleted obsolete file %s", names[i]);
        free(path);
    }
    options_file_purge_old(db->env, db->name, 2, NULL);
out:
    shale_env_free_names(names, n);
    free(k.live);
    free(k.pending);
}
