/* lsm/db/db_open.c: open (with recovery), close, destroy, and the calls
 * that wait for background work (flush, compact_range, wait_for_compact).
 *
 * Open, as RocksDB 7.8.3 does it:
 *
 *   lock LOCK -> CURRENT? --no--> create MANIFEST-000001 + CURRENT
 *                   | yes
 *                   v
 *   replay MANIFEST (vset_recover) -> replay WALs >= log_number into a
 *   memtable (flushing to L0 whenever it fills) -> flush what remains to L0
 *   -> create a new WAL -> one MANIFEST edit {files, log_number = new WAL,
 *   last_sequence}, written to a NEW MANIFEST (every writable open starts
 *   one) -> IDENTITY, OPTIONS-N -> delete obsolete files -> start threads.
 *
 * A crash anywhere in this sequence leaves the old MANIFEST (CURRENT is
 * switched last) and the old WALs (deleted only after the edit is durable),
 * so the next open replays the same data again: recovery is idempotent. */
#include "lsm/db/db_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsm/cache/cache_api.h"
#include "lsm/db/options_file.h"
#include "lsm/log/log_reader.h"
#include "lsm/util/err.h"
#include "lsm/util/hash.h"
#include "lsm/version/filenames.h"

char *db_path(const shale_db *db, const char *name)
{
    size_t n = strlen(db->name) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", db->name, name);
    return p;
}

version_cf_options db_cf_options(const shale_options *o)
{
    version_cf_options v;
    version_cf_options_default(&v);
    v.num_levels = o->num_levels;
    v.level0_file_num_compaction_trigger = o->level0_file_num_compaction_trigger;
    v.max_bytes_for_level_base = o->max_bytes_for_level_base;
    v.max_bytes_for_level_multiplier = o->max_bytes_for_level_multiplier;
    v.target_file_size_base = o->target_file_size_base;
    v.target_file_size_multiplier = o->target_file_size_multiplier;
    v.cstyle = o->cstyle;
    v.write_buffer_size = o->write_buffer_size;
    return v;
}

/* A random id: 20 characters from [0-9A-Z] (session) or a UUID (db). */
static uint64_t random64(shale_env *env, uint64_t salt)
{
    uint64_t seed[3] = {env->ops->now_nanos(env), env->ops->now_micros(env),
                        salt ^ (uint64_t)getpid()};
    return hash_xxh64(seed, sizeof seed, salt);
}

static void make_session_id(shale_db *db)
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    uint64_t a = random64(db->env, 1), b = random64(db->env, 2);
    for (int i = 0; i < 20; i++) {
        uint64_t *src = i < 10 ? &a : &b;
        db->session_id[i] = digits[*src % 36];
        *src /= 36;
    }
    db->session_id[20] = '\0';
}

static void make_uuid(shale_db *db, char out[40])
{
    uint64_t a = random64(db->env, 3), b = random64(db->env, 4);
    snprintf(out, 40, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
             (unsigned)((b >> 48) & 0x3fff) | 0x8000, (unsigned long long)(b & 0xffffffffffffULL));
}

/* Reads IDENTITY, writing a new one when it is missing or empty. */
static int load_identity(shale_db *db, shale_err *err)
{
    char *path = db_path(db, "IDENTITY");
    if (path == NULL)
        return SHALE_NOMEM(err);
    shale_file *f = NULL;
    size_t got = 0;
    int rc = shale_env_open_read(db->env, path, &f, NULL);
    if (rc == SHALE_OK) {
        rc = shale_file_pread(f, 0, 36, db->db_id, &got, err);
        shale_file_close(f, NULL);
        db->db_id[got] = '\0';
    }
    if (rc == SHALE_OK && got >= 1) {
        free(path);
        return SHALE_OK;
    }
    make_uuid(db, db->db_id);
    char *tmp = db_path(db, "000000.dbtmp");
    rc = tmp == NULL ? SHALE_NOMEM(err) : shale_env_open_write(db->env, tmp, &f, err);
    if (rc == SHALE_OK) {
        rc = shale_file_append(f, db->db_id, strlen(db->db_id), err);
        if (rc == SHALE_OK)
            rc = shale_file_sync(f, err);
        int crc = shale_file_close(f, err);
        if (rc == SHALE_OK)
            rc = crc;
    }
    if (rc == SHALE_OK)
        rc = db->env->ops->rename(db->env, tmp, path, err);
    free(tmp);
    free(path);
    return rc;
}

/* --- WAL replay ----------------------------------------------------------------- */

typedef struct replay {
    shale_db *db;
    version_edit *edits;  /* one per db->mu.cfs entry */
    uint64_t max_seq;
    bool stop;            /* point-in-time recovery met corruption: replay no more */
} replay;

/* Writes family i's memtable to L0 (added to its edit) and starts a new
 * one. */
static int flush_recovered(replay *rp, size_t i, shale_err *err)
{
    shale_db *db = rp->db;
    db_cf *c = db->mu.cfs[i];
    if (mem_num_entries(c->mem) == 0)
        return SHALE_OK;
    uint64_t bytes = 0;
    int rc = db_build_level0(db, c, c->mem, vset_new_file_number(db->vs), NULL, 0,
                             &rp->edits[i], &bytes, err);
    mem_unref(c->mem);
    c->mem = NULL;
    if (rc == SHALE_OK)
        rc = mem_new_sized(&c->mem, c->opts.write_buffer_size, err);
    c->lstats[0].bytes_written += bytes;
    return rc;
}

static int flush_full_recovered(replay *rp, shale_err *err)
{
    int rc = SHALE_OK;
    for (size_t i = 0; i < rp->db->mu.n_cfs && rc == SHALE_OK; i++) {
        db_cf *c = rp->db->mu.cfs[i];
        if (mem_approximate_memory_usage(c->mem) > c->opts.write_buffer_size)
            rc = flush_recovered(rp, i, err);
    }
    return rc;
}

/* Replays one WAL.  Corruption handling follows wal_recovery_mode. */
static int replay_wal(replay *rp, uint64_t number, shale_err *err)
{
    shale_db *db = rp->db;
    char *path = filename_path(db->name, FILE_WAL, number);
    shale_file *f = NULL;
    log_reader *r = NULL;
    int rc = path == NULL ? SHALE_NOMEM(err) : shale_env_open_read(db->env, path, &f, err);
    log_reader_options lo = {.mode = (log_recovery_mode)db->opts.wal_recovery_mode};
    if (rc == SHALE_OK)
        rc = log_reader_open(f, number, &lo, &r, err);
    slice rec;
    while (rc == SHALE_OK && (rc = log_reader_read_record(r, &rec, err)) == SHALE_OK) {
        if (rec.len < 12) {
            rc = SHALE_CORRUPT(err, "%s: log record too small", path);
            break;
        }
        uint64_t seq = wb_rep_sequence(rec), keys = 0;
        uint32_t count = wb_rep_count(rec);
        if ((rc = db_apply_batch(db, rec, number, &keys, err)) != SHALE_OK)
            break;
        if (count > 0 && seq + count - 1 > rp->max_seq)
            rp->max_seq = seq + count - 1;
        rc = flush_full_recovered(rp, err);
    }
    if (rc == SHALE_NOT_FOUND) {
        rc = SHALE_OK;
        uint64_t at = 0;
        if (log_reader_stopped_at_corruption(r, &at)) {
            logger_log(db->log, SHALE_LOG_WARN, "%s: corruption at offset %llu; replay stops",
                       path, (unsigned long long)at);
            rp->stop = true;
        }
    }
    if (rc == SHALE_CORRUPTION && db->opts.wal_recovery_mode == SHALE_WAL_POINT_IN_TIME_RECOVERY) {
        rp->stop = true;   /* keep what came before, replay nothing later */
        rc = SHALE_OK;
    }
    log_reader_close(r);
    shale_file_close(f, NULL);
    free(path);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The WAL numbers to replay (>= the smallest log number of the families
 * and >= MinLogNumberToKeep), ascending. */
static int list_wals(shale_db *db, uint64_t **out, size_t *n, shale_err *err)
{
    char **names = NULL;
    size_t count = 0;
    *out = NULL;
    *n = 0;
    int rc = db->env->ops->list_dir(db->env, db->name, &names, &count, err);
    if (rc != SHALE_OK)
        return rc;
    uint64_t *v = malloc((count + 1) * sizeof *v);
    if (v == NULL) {
        shale_env_free_names(names, count);
        return SHALE_NOMEM(err);
    }
    uint64_t min_log = vset_min_cf_log_number(db->vs);
    if (vset_min_log_number_to_keep(db->vs) > min_log)
        min_log = vset_min_log_number_to_keep(db->vs);
    for (size_t i = 0; i < count; i++) {
        enum file_kind kind;
        uint64_t number;
        if (filename_parse(names[i], &kind, &number) && kind == FILE_WAL) {
            vset_mark_file_number_used(db->vs, number);
            if (number >= min_log || number == vset_prev_log_number(db->vs))
                v[(*n)++] = number;
        }
    }
    shale_env_free_names(names, count);
    qsort(v, *n, sizeof *v, cmp_u64);
    *out = v;
    return SHALE_OK;
}

/* Opens a new WAL as the one being written. */
static int open_new_wal(shale_db *db, shale_err *err)
{
    uint64_t number = vset_new_file_number(db->vs);
    char *path = filename_path(db->name, FILE_WAL, number);
    int rc = path == NULL ? SHALE_NOMEM(err)
                          : shale_env_open_write(db->env, path, &db->mu.logfile, err);
    free(path);
    if (rc == SHALE_OK)
        rc = db->env->ops->sync_dir(db->env, db->name, err);
    if (rc == SHALE_OK)
        rc = log_writer_open(db->mu.logfile, number, false, 0, &db->mu.log, err);
    if (rc == SHALE_OK)
        db_wal_preallocate(db, db->mu.log);
    db->mu.log_number = number;
    return rc;
}

/* One edit per family: the files flushed during replay and the new WAL as
 * its log number (WALs before it hold nothing unflushed now). */
static int apply_recovery_edits(shale_db *db, replay *rp, shale_err *err)
{
    int rc = SHALE_OK;
    shale_mutex_lock(&db->mu.lock);
    for (size_t i = 0; i < db->mu.n_cfs && rc == SHALE_OK; i++) {
        db_cf *c = db->mu.cfs[i];
        c->mem_log_number = db->mu.log_number;
        rp->edits[i].column_family = c->id;
        version_edit_set_log_number(&rp->edits[i], db->mu.log_number);
        version_edit_set_prev_log_number(&rp->edits[i], 0);
        rc = vset_log_and_apply(db->vs, &rp->edits[i], &db->mu.lock, err);
    }
    shale_mutex_unlock(&db->mu.lock);
    return rc;
}

/* Replays the WALs into the families' memtables, flushes them to L0, and
 * makes the result durable with a new WAL and MANIFEST edits.  REQUIRES:
 * vset recovered, families set up, no threads yet. */
static int recover_wals(shale_db *db, shale_err *err)
{
    size_t n_cfs = db->mu.n_cfs;
    replay rp = {.db = db, .edits = calloc(n_cfs, sizeof(version_edit))};
    uint64_t *wals = NULL;
    size_t n = 0;
    int rc = rp.edits == NULL ? SHALE_NOMEM(err) : SHALE_OK;
    for (size_t i = 0; rp.edits != NULL && i < n_cfs; i++)
        version_edit_init(&rp.edits[i]);
    if (rc == SHALE_OK)
        rc = list_wals(db, &wals, &n, err);
    for (size_t i = 0; i < n && rc == SHALE_OK && !rp.stop; i++)
        rc = replay_wal(&rp, wals[i], err);
    for (size_t i = 0; i < n_cfs && rc == SHALE_OK; i++)
        rc = flush_recovered(&rp, i, err);
    if (rc == SHALE_OK)
        rc = open_new_wal(db, err);
    if (rc == SHALE_OK) {
        if (rp.max_seq > vset_last_sequence(db->vs))
            vset_set_last_sequence(db->vs, rp.max_seq);
        rc = apply_recovery_edits(db, &rp, err);
    }
    free(wals);
    for (size_t i = 0; rp.edits != NULL && i < n_cfs; i++)
        version_edit_deinit(&rp.edits[i]);
    free(rp.edits);
    return rc;
}

/* --- open ------------------------------------------------------------------------- */

static int check_existence(shale_db *db, shale_err *err)
{
    uint64_t manifest = 0;
    shale_err e = {0};
    int rc = read_current_file(db->env, db->name, &manifest, &e);
    if (rc == SHALE_NOT_FOUND) {
        if (!db->opts.create_if_missing)
            return SHALE_INVALID(err, "%s: does not exist (create_if_missing is false)",
                                 db->name);
        return vset_create_new_db(db->env, db->name, err);
    }
    if (rc != SHALE_OK)
        return shale_err_copy(err, &e);
    if (db->opts.error_if_exists)
        return SHALE_INVALID(err, "%s: exists (error_if_exists is true)", db->name);
    return SHALE_OK;
}

/* Every SST the MANIFEST names exists with its recorded size (RocksDB
 * checks this at open too); otherwise Corruption naming the file. */
static int check_cf_files(shale_db *db, version *v, shale_err *err)
{
    for (int level = 0; level < v->num_levels; level++)
        for (size_t i = 0; i < version_num_files(v, level); i++) {
            file_meta *f = v->files[level][i];
            char *path = filename_path(db->name, FILE_TABLE, f->number);
            uint64_t size = 0;
            int rc = path == NULL ? SHALE_NOMEM(err)
                                  : db->env->ops->file_size(db->env, path, &size, NULL);
            if (rc == SHALE_NOT_FOUND)
                rc = SHALE_CORRUPT(err, "missing table file %s named by the MANIFEST", path);
            else if (rc == SHALE_OK && size != f->file_size)
                rc = SHALE_CORRUPT(err, "Sst file size mismatch: %s. Size recorded in manifest "
                                   "%llu, actual size %llu", path,
                                   (unsigned long long)f->file_size, (unsigned long long)size);
            else if (rc != SHALE_OK && rc != SHALE_NO_MEMORY)
                rc = SHALE_IOERR(err, 0, "cannot stat %s", path);
            free(path);
            if (rc != SHALE_OK)
                return rc;
        }
    return SHALE_OK;
}

static int check_live_files(shale_db *db, shale_err *err)
{
    int rc = SHALE_OK;
    for (size_t i = 0; i < vset_num_cfs(db->vs) && rc == SHALE_OK; i++)
        rc = check_cf_files(db, vset_cf_at(db->vs, i)->current, err);
    return rc;
}

/* The families an open asks for. */
typedef struct open_req {
    size_t n;
    const char *const *names;
    const shale_options *const *opts;   /* entries may be NULL: the DB options */
} open_req;

static const shale_options *req_options(const shale_db *db, const open_req *req,
                                        const char *name)
{
    for (size_t i = 0; i < req->n; i++)
        if (strcmp(req->names[i], name) == 0)
            return req->opts != NULL && req->opts[i] != NULL ? req->opts[i] : &db->opts;
    return &db->opts;
}

/* Recovers the MANIFEST with the requested families and sets up each
 * live family's in-memory state. */
static int recover_families(shale_db *db, const open_req *req, shale_err *err)
{
    vset_cf_desc *descs = calloc(req->n + 1, sizeof *descs);
    if (descs == NULL)
        return SHALE_NOMEM(err);
    size_t k = 0;
    for (size_t i = 0; i < req->n; i++)
        if (strcmp(req->names[i], SHALE_DEFAULT_CF_NAME) != 0) {
            descs[k].name = req->names[i];
            descs[k++].opts = db_cf_options(req_options(db, req, req->names[i]));
        }
    int rc = vset_recover_cfs(db->vs, descs, k, err);
    free(descs);
    shale_mutex_lock(&db->mu.lock);
    for (size_t i = 0; i < vset_num_cfs(db->vs) && rc == SHALE_OK; i++) {
        vset_cf *vcf = vset_cf_at(db->vs, i);
        db_cf *c = NULL;
        rc = db_cf_new(db, vcf, req_options(db, req, vcf->name), 0, &c, err);
        if (rc == SHALE_OK && db->mu.n_cfs == db->mu.cap_cfs) {
            size_t cap = db->mu.cap_cfs ? 2 * db->mu.cap_cfs : 4;
            db_cf **p = realloc(db->mu.cfs, cap * sizeof *p);
            if (p == NULL) {
                db_cf_unref_locked(db, c);
                rc = SHALE_NOMEM(err);
                break;
            }
            db->mu.cfs = p;
            db->mu.cap_cfs = cap;
        }
        if (rc == SHALE_OK) {
            db->mu.cfs[db->mu.n_cfs++] = c;
            if (c->id > atomic_load(&db->max_cf_id))
                atomic_store(&db->max_cf_id, c->id);
        }
    }
    if (rc == SHALE_OK) {
        db->default_cf = db->mu.cfs[0];
        db->default_handle.db = db;
        db->default_handle.cfd = db->default_cf;
    }
    shale_mutex_unlock(&db->mu.lock);
    return rc;
}

/* As RocksDB checks its comparator, shale checks the merge operator: an
 * SST holding merge operands names the operator that wrote them
 * (rocksdb.merge.operator); opening its family with another operator
 * fails, so operands are never resolved by the wrong code.  (Opening with
 * none is allowed, as in RocksDB: reading such a key then fails.) */
static int check_cf_merge_operator(shale_db *db, db_cf *c, shale_err *err)
{
    const shale_merge_operator *op = c->opts.merge_operator;
    const char *want = op != NULL ? shale_merge_operator_name(op) : NULL;
    version *v = c->vcf->current;
    int rc = SHALE_OK;
    for (int level = 0; want != NULL && level < v->num_levels && rc == SHALE_OK; level++)
        for (size_t i = 0; i < version_num_files(v, level) && rc == SHALE_OK; i++) {
            file_meta *f = v->files[level][i];
            sst_reader *r = NULL;
            if ((rc = tc_get(db->tcache, f->number, f->file_size, &r, err)) != SHALE_OK)
                break;
            const sst_props *p = sst_reader_props(r);
            const char *name = p->merge_operator_name;
            if (p->num_merge_operands > 0 && name != NULL && strcmp(name, "nullptr") != 0 &&
                strcmp(name, want) != 0)
                rc = SHALE_INVALID(err,
                                   "merge operator mismatch in column family %s: %06llu.sst "
                                   "holds operands of %s, the options give %s",
                                   c->name, (unsigned long long)f->number, name, want);
            sst_reader_unref(r);
        }
    return rc;
}

static int check_merge_operators(shale_db *db, shale_err *err)
{
    int rc = SHALE_OK;
    for (size_t i = 0; i < db->mu.n_cfs && rc == SHALE_OK; i++)
        rc = check_cf_merge_operator(db, db->mu.cfs[i], err);
    return rc;
}

/* Families asked for that the MANIFEST lacks: created with
 * create_missing_column_families, else RocksDB's error. */
static int create_missing(shale_db *db, const open_req *req, shale_err *err)
{
    int rc = SHALE_OK;
    shale_mutex_lock(&db->mu.lock);
    for (size_t i = 0; i < req->n && rc == SHALE_OK; i++) {
        if (vset_find_cf_by_name(db->vs, req->names[i]) != NULL)
            continue;
        db_cf *c = NULL;
        if (!db->opts.create_missing_column_families)
            rc = SHALE_INVALID(err, "Column family not found: %s", req->names[i]);
        else
            rc = db_create_cf_locked(db, req_options(db, req, req->names[i]), req->names[i],
                                     &c, err);
    }
    shale_mutex_unlock(&db->mu.lock);
    return rc;
}

static int make_caches(shale_db *db, shale_err *err)
{
    if (db->opts.bcache != NULL) {
        db->bcache = db->opts.bcache;
        bc_ref(db->bcache);
    } else if ((db->bcache = bc_new(8u << 20, -1, false)) == NULL) {
        return SHALE_NOMEM(err);
    }
    sst_reader_options ro;
    sst_reader_options_init(&ro);
    ro.cache = db->bcache;
    ro.cache_index_and_filter_blocks = db->opts.cache_index_and_filter_blocks;
    ro.stats = db->stats;
    return tc_new(db->env, db->name, &ro, tc_capacity_for_max_open_files(db->opts.max_open_files),
                  &db->tcache, err);
}

static int open_steps(shale_db *db, const open_req *req, shale_err *err)
{
    int rc = options_check(&db->opts, err);
    if (rc != SHALE_OK)
        return rc;
    /* As RocksDB: the directory is created even without create_if_missing;
     * the check for CURRENT below decides. */
    if ((rc = db->env->ops->mkdir(db->env, db->name, err)) != SHALE_OK)
        return rc;
    char *lock = db_path(db, "LOCK");
    rc = lock == NULL ? SHALE_NOMEM(err) : db->env->ops->lock_file(db->env, lock, &db->lock_file, err);
    free(lock);
    if (rc != SHALE_OK)
        return rc;
    logger_open(db->env, db->name, db->opts.info_log_level, &db->log, NULL);
    logger_header(db->log, "RocksDB version: 7.8.3 (shale %s)", shale_version());
    options_log_dump(db->log, &db->opts);
    make_session_id(db);
    vset_options vo;
    vset_options_default(&vo);
    vo.max_manifest_file_size = db->opts.max_manifest_file_size;
    vo.cf = db_cf_options(req_options(db, req, SHALE_DEFAULT_CF_NAME));
    if ((rc = check_existence(db, err)) != SHALE_OK ||
        (rc = load_identity(db, err)) != SHALE_OK || (rc = make_caches(db, err)) != SHALE_OK ||
        (rc = vset_new(db->env, db->name, &vo, &db->vs, err)) != SHALE_OK ||
        (rc = recover_families(db, req, err)) != SHALE_OK ||
        (rc = check_live_files(db, err)) != SHALE_OK ||
        (rc = check_merge_operators(db, err)) != SHALE_OK || (rc = recover_wals(db, err)) != SHALE_OK ||
        (rc = create_missing(db, req, err)) != SHALE_OK)
        return rc;
    db_sv_install_all_locked(db);   /* recovery replaced memtables and versions */
    if ((rc = db_write_options_file(db, err)) != SHALE_OK)
        return rc;
    logger_log(db->log, SHALE_LOG_INFO, "DB ID: %s", db->db_id);
    db_delete_obsolete_files(db);
    if ((rc = db_start_bg_threads(db, err)) != SHALE_OK)
        return rc;
    shale_mutex_lock(&db->mu.lock);
    db_maybe_schedule_locked(db);
    shale_mutex_unlock(&db->mu.lock);
    return SHALE_OK;
}

static void db_free(shale_db *db)
{
    if (db == NULL)
        return;
    log_writer_close(db->mu.log, NULL);
    shale_file_close(db->mu.logfile, NULL);
    shale_mutex_lock(&db->mu.lock);
    for (size_t i = 0; i < db->mu.n_cfs; i++) {
        db->mu.cfs[i]->refs = 1;   /* handles must be freed before close */
        db_cf_unref_locked(db, db->mu.cfs[i]);
    }
    shale_mutex_unlock(&db->mu.lock);
    free(db->mu.cfs);
    vset_free(db->vs);
    tc_free(db->tcache);
    bc_unref(db->bcache);
    wb_deinit(&db->mu.group);
    logger_close(db->log);
    shale_file_close(db->lock_file, NULL);
    stats_unref(db->stats);
    options_deinit(&db->opts);
    free(db->mu.pending_outputs);
    shale_cond_deinit(&db->mu.bg_cv);
    shale_mutex_deinit(&db->mu.lock);
    free(db->name);
    free(db);
}

static int open_db(const shale_options *o, const char *name, const open_req *req,
                   shale_db **out, shale_err *err)
{
    *out = NULL;
    if (o == NULL || name == NULL || name[0] == '\0')
        return SHALE_INVALID(err, "options and a database name are required");
    shale_db *db = calloc(1, sizeof *db);
    if (db == NULL)
        return SHALE_NOMEM(err);
    options_copy(&db->opts, o);
    db->env = db->opts.env;
    db->stats = db->opts.stats;
    if (db->stats != NULL)
        stats_ref(db->stats);
    db->name = strdup(name);
    db->open_micros = db->env->ops->now_micros(db->env);
    shale_mutex_init(&db->mu.lock);
    shale_cond_init(&db->mu.bg_cv);
    db->mu.snapshots.next = db->mu.snapshots.prev = &db->mu.snapshots;
    int rc = db->name == NULL ? SHALE_NOMEM(err) : wb_init(&db->mu.group, err);
    if (rc == SHALE_OK)
        rc = open_steps(db, req, err);
    if (rc != SHALE_OK) {
        db_stop_bg_threads(db);
        db_free(db);
        return rc;
    }
    *out = db;
    return SHALE_OK;
}

int shale_db_open(const shale_options *o, const char *name, shale_db **out, shale_err *err)
{
    const char *def = SHALE_DEFAULT_CF_NAME;
    open_req req = {1, &def, NULL};
    return open_db(o, name, &req, out, err);
}

/* Handles for the families an open asked for. */
static int make_handles(shale_db *db, const open_req *req, shale_cf **handles, shale_err *err)
{
    int rc = SHALE_OK;
    shale_mutex_lock(&db->mu.lock);
    for (size_t i = 0; i < req->n; i++)
        handles[i] = NULL;
    for (size_t i = 0; i < req->n && rc == SHALE_OK; i++) {
        vset_cf *vcf = vset_find_cf_by_name(db->vs, req->names[i]);
        db_cf *c = vcf != NULL ? db_cf_find(db, vcf->id) : NULL;
        if (c == db->default_cf) {
            handles[i] = &db->default_handle;
        } else if (c == NULL || (handles[i] = malloc(sizeof *handles[i])) == NULL) {
            rc = SHALE_NOMEM(err);
        } else {
            handles[i]->db = db;
            handles[i]->cfd = c;
            c->refs++;
        }
    }
    shale_mutex_unlock(&db->mu.lock);
    for (size_t i = 0; rc != SHALE_OK && i < req->n; i++) {
        shale_cf_handle_free(handles[i]);
        handles[i] = NULL;
    }
    return rc;
}

int shale_db_open_cf(const shale_options *db_opts, const char *name, size_t n,
                     const char *const *names, const shale_options *const *cf_opts,
                     shale_cf **handles, shale_db **out, shale_err *err)
{
    *out = NULL;
    bool has_default = false;
    for (size_t i = 0; i < n; i++) {
        if (names[i] == NULL || names[i][0] == '\0')
            return SHALE_INVALID(err, "a column family name is empty");
        has_default |= strcmp(names[i], SHALE_DEFAULT_CF_NAME) == 0;
    }
    if (!has_default)   /* RocksDB's DB::Open text */
        return SHALE_INVALID(err, "Default column family not specified");
    open_req req = {n, names, cf_opts};
    int rc = open_db(db_opts, name, &req, out, err);
    if (rc == SHALE_OK && (rc = make_handles(*out, &req, handles, err)) != SHALE_OK) {
        (void)shale_db_close(*out, NULL);
        *out = NULL;
    }
    return rc;
}

/* Flushes what is in memory; with wait, returns once it is on disk. */
int db_flush_cf(shale_db *db, db_cf *cfd, bool wait, shale_err *err)
{
    shale_mutex_lock(&db->mu.lock);
    db_writer w;
    db_enter_write_exclusive_locked(db, &w);
    int rc = SHALE_OK;
    if (mem_num_entries(cfd->mem) > 0 && !cfd->dropped)
        rc = db_switch_memtable_locked(db, cfd, err);
    db_exit_write_exclusive_locked(db, &w);
    while (rc == SHALE_OK && wait && cfd->n_imm > 0 && db->mu.bg_err.code == SHALE_OK &&
           !db->mu.shutting_down && !cfd->dropped)
        shale_cond_wait(&db->mu.bg_cv, &db->mu.lock);
    if (rc == SHALE_OK && db->mu.bg_err.code != SHALE_OK)
        rc = shale_err_copy(err, &db->mu.bg_err);
    shale_mutex_unlock(&db->mu.lock);
    return rc;
}

int shale_flush_cf(shale_db *db, shale_cf *cf, bool wait, shale_err *err)
{
    return db_flush_cf(db, db_cf_of(db, cf), wait, err);
}

int shale_flush(shale_db *db, bool wait, shale_err *err)
{
    return db_flush_cf(db, db->default_cf, wait, err);
}

/* Flushes every family (close with unlogged writes, checkpoints). */
static int flush_all(shale_db *db, shale_err *err)
{
    shale_mutex_lock(&db->mu.lock);
    size_t n = db->mu.n_cfs;
    db_cf **held = malloc((n ? n : 1) * sizeof *held);
    for (size_t i = 0; held != NULL && i < n; i++) {
        held[i] = db->mu.cfs[i];
        held[i]->refs++;
    }
    shale_mutex_unlock(&db->mu.lock);
    if (held == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (size_t i = 0; i < n && rc == SHALE_OK; i++)
        rc = db_flush_cf(db, held[i], true, err);
    shale_mutex_lock(&db->mu.lock);
    for (size_t i = 0; i < n; i++)
        db_cf_unref_locked(db, held[i]);
    shale_mutex_unlock(&db->mu.lock);
    free(held);
    return rc;
}

int db_flush_all(shale_db *db, shale_err *err) { return flush_all(db, err); }

static int run_manual_locked(shale_db *db, db_cf *cfd, int input, int output, const slice *b,
                             const slice *e, shale_err *err) SHALE_REQUIRES(db->mu.lock)
{
    manual_compaction m;
    memset(&m, 0, sizeof m);
    m.cfd = cfd;
    m.input_level = input;
    m.output_level = output;
    if ((m.has_begin = b != NULL))
        shale_buf_append_slice(&m.begin, *b);
    if ((m.has_end = e != NULL))
        shale_buf_append_slice(&m.end, *e);
    while (db->mu.manual != NULL)
        shale_cond_wait(&db->mu.bg_cv, &db->mu.lock);
    db->mu.manual = &m;
    db_maybe_schedule_locked(db);
    while (!m.done && db->mu.bg_err.code == SHALE_OK && !db->mu.shutting_down)
        shale_cond_wait(&db->mu.bg_cv, &db->mu.lock);
    db->mu.manual = NULL;
    shale_cond_broadcast(&db->mu.bg_cv);
    int rc = m.done ? m.status : SHALE_OK;
    if (rc != SHALE_OK)
        shale_err_copy(err, &m.err);
    else if (db->mu.bg_err.code != SHALE_OK)
        rc = shale_err_copy(err, &db->mu.bg_err);
    else if (db->mu.shutting_down)
        rc = SHALE_ERR(err, SHALE_SHUTDOWN, "database is closing");
    shale_buf_deinit(&m.begin);
    shale_buf_deinit(&m.end);
    shale_buf_deinit(&m.next_begin);
    return rc;
}

int shale_compact_range_cf(shale_db *db, shale_cf *cf, const char *begin, size_t blen,
                           const char *end, size_t elen, shale_err *err)
{
    db_cf *cfd = db_cf_of(db, cf);
    int rc = db_flush_cf(db, cfd, true, err);
    if (rc != SHALE_OK)
        return rc;
    slice b = slice_make(begin, blen), e = slice_make(end, elen);
    const slice *bp = begin != NULL ? &b : NULL, *ep = end != NULL ? &e : NULL;
    shale_mutex_lock(&db->mu.lock);
    int first = 0, last = 0;
    if (!cfd->dropped && picker_manual_levels(cfd->vcf->current, bp, ep, &first, &last)) {
        /* The bottommost level is rewritten only when a compaction filter
         * must see it (RocksDB's default, kIfHaveCompactionFilter). */
        bool filtered = cfd->opts.compaction_filter != NULL ||
                        cfd->opts.compaction_filter_factory != NULL;
        for (int level = first; level <= last && rc == SHALE_OK; level++) {
            if (level == last && last > 0) {
                if (filtered)
                    rc = run_manual_locked(db, cfd, level, level, bp, ep, err);
                break;
            }
            if (level + 1 >= cfd->opts.num_levels)
                break;
            rc = run_manual_locked(db, cfd, level, level + 1, bp, ep, err);
        }
    }
    shale_mutex_unlock(&db->mu.lock);
    return rc;
}

int shale_compact_range(shale_db *db, const char *begin, size_t blen, const char *end,
                        size_t elen, shale_err *err)
{
    return shale_compact_range_cf(db, NULL, begin, blen, end, elen, err);
}

int shale_wait_for_compact(shale_db *db, shale_err *err)
{
    shale_mutex_lock(&db->mu.lock);
    int idle_rounds = 0;
    while (db->mu.bg_err.code == SHALE_OK && idle_rounds < 2) {
        bool busy = db->mu.bg_compactions_running > 0 || db->mu.bg_flushes_running > 0;
        bool wanted = false;
        for (size_t i = 0; i < db->mu.n_cfs; i++) {
            db_cf *c = db->mu.cfs[i];
            busy |= c->n_imm > 0;
            wanted |= !c->opts.disable_auto_compactions &&
                      picker_needs_compaction(c->vcf->current);
        }
        if (!busy && !wanted)
            break;
        if (!shale_cond_timedwait(&db->mu.bg_cv, &db->mu.lock, 200000) && !busy)
            idle_rounds++;   /* wanted but nothing can run: do not wait forever */
        else
            idle_rounds = 0;
    }
    int rc = shale_err_copy(err, &db->mu.bg_err);
    shale_mutex_unlock(&db->mu.lock);
    return rc;
}

int shale_db_close(shale_db *db, shale_err *err)
{
    if (db == NULL)
        return SHALE_OK;
    int rc = SHALE_OK;
    shale_mutex_lock(&db->mu.lock);
    bool unlogged = db->mu.unlogged_writes && db->mu.bg_err.code == SHALE_OK;
    shale_mutex_unlock(&db->mu.lock);
    if (unlogged)   /* data written with the WAL off lives only in memory */
        rc = flush_all(db, err);
    db_stop_bg_threads(db);
    if (db->mu.log != NULL) {
        int src = log_writer_sync(db->mu.log, rc == SHALE_OK ? err : NULL);
        if (rc == SHALE_OK)
            rc = src;
    }
    logger_log(db->log, SHALE_LOG_INFO, "Shutdown complete");
    db_free(db);
    return rc;
}

int shale_db_destroy(const shale_options *o, const char *name, shale_err *err)
{
    shale_env *env = o != NULL && o->env != NULL ? o->env : shale_env_default();
    char **names = NULL;
    size_t n = 0;
    int rc = env->ops->list_dir(env, name, &names, &n, err);
    if (rc == SHALE_NOT_FOUND)
        return SHALE_OK;
    if (rc != SHALE_OK)
        return rc;
    for (size_t i = 0; i < n && rc == SHALE_OK; i++) {
        enum file_kind kind;
        uint64_t number;
        if (!filename_parse(names[i], &kind, &number))
            continue;
        size_t len = strlen(name) + strlen(names[i]) + 2;
        char *path = malloc(len);
        if (path == NULL) {
            rc = SHALE_NOMEM(err);
            break;
        }
        snprintf(path, len, "%s/%s", name, names[i]);
        rc = env->ops->remove(env, path, err);
        free(path);
    }
    shale_env_free_names(names, n);
    if (rc == SHALE_OK)
        (void)env->ops->rmdir(env, name, NULL);   /* fails harmlessly if others remain */
    return rc;
}
