/* lsm/db/db_write.c: the write path, RocksDB's (and LevelDB's) group commit.
 *
 * Writers queue under db->mu.  The writer at the head is the leader: it
 * makes room (memtable switch, stalls), merges the batches of the writers
 * behind it into one group, gives the group its sequence numbers, and drops
 * the mutex to append the group to the WAL (one append, one fsync if any
 * member asked for sync) and insert it into the memtable.  Only the leader
 * touches the memtable, so the skiplist sees one writer at a time while
 * readers go on without locks.  last_sequence is published after the
 * memtable insert, so a reader never sees a half-applied group.
 *
 * Invariants:
 *   1. A write is acknowledged only after its WAL record is written (and
 *      synced when asked) and it is in the memtable.
 *   2. After a WAL write or sync error, nothing more is acknowledged: the
 *      error becomes the background error and every later write returns it
 *      (a failed fsync is never retried as if it succeeded).
 *   3. Sequence numbers are consecutive across groups: a group of count n
 *      gets last+1 .. last+n. */
#include "lsm/db/db_impl.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/db/merge.h"
#include "lsm/util/err.h"
#include "lsm/version/filenames.h"

#define MAX_GROUP_BYTES (1u << 20)

typedef struct mem_inserter {
    shale_db *db;
    uint64_t recovery_log;   /* > 0: replaying this WAL at open */
    uint64_t keys, bytes;
} mem_inserter;

/* max_successive_merges (RocksDB's MemTableInserter::MergeCF): when the
 * memtable already holds that many operands on top of the key, the key is
 * read at seq - 1 (everything written before this operand, its own batch
 * included), merged with the operand, and the result stored as a Put.  A
 * read that finds nothing or fails, or a failed merge, stores the operand
 * as usual.  *done: the Put was stored (or failed with the code
 * returned). */
static int merge_as_put(mem_inserter *ins, db_cf *cfd, uint64_t seq, slice key, slice operand,
                        bool *done, shale_err *err)
{
    shale_db *db = ins->db;
    *done = false;
    mem_get_ctx ctx;
    mem_get_ctx_init(&ctx, NULL);
    if (mem_get(cfd->mem, key, seq - 1, &ctx, NULL) != SHALE_OK ||
        ctx.num_operands < cfd->opts.max_successive_merges)
        return SHALE_OK;
    shale_buf cur = SHALE_BUF_INIT, res = SHALE_BUF_INIT;
    int rc = SHALE_OK;
    if (db_get_at_seq(db, cfd, seq - 1, key, &cur, NULL) == SHALE_OK) {
        slice existing = shale_buf_slice(&cur);
        if (merge_full(cfd->opts.merge_operator, key, &existing, &operand, 1, &res, NULL) ==
            SHALE_OK) {
            *done = true;
            rc = mem_add(cfd->mem, seq, VT_VALUE, key, shale_buf_slice(&res), err);
        }
    }
    shale_buf_deinit(&cur);
    shale_buf_deinit(&res);
    return rc;
}

static int insert_record(void *arg, uint64_t seq, uint32_t cf, int type, slice key, slice value,
                         shale_err *err)
{
    mem_inserter *ins = arg;
    db_cf *cfd = cf == 0 ? ins->db->default_cf : db_cf_find(ins->db, cf);
    if (cfd == NULL) {
        if (ins->recovery_log > 0)
            return SHALE_OK;   /* a family dropped since: nothing to restore */
        return SHALE_INVALID(err, "Invalid column family specified in write batch");
    }
    if (ins->recovery_log > 0 && ins->recovery_log < cfd->vcf->log_number)
        return SHALE_OK;       /* already flushed: the family's log number is past this WAL */
    if (type != VT_VALUE && type != VT_DELETION && type != VT_SINGLE_DELETION &&
        type != VT_MERGE && type != VT_RANGE_DELETION)
        return SHALE_UNSUPPORTED(err, "write batch entry type 0x%02x", type);
    ins->keys++;
    ins->bytes += key.len + value.len;
    if (type == VT_MERGE && ins->recovery_log == 0 && cfd->opts.max_successive_merges > 0 &&
        cfd->opts.merge_operator != NULL && seq > 0) {
        bool done = false;
        int rc = merge_as_put(ins, cfd, seq, key, value, &done, err);
        if (done || rc != SHALE_OK)
            return rc;
    }
    return mem_add(cfd->mem, seq, type, key, value, err);
}

int db_apply_batch(shale_db *db, slice rep, uint64_t recovery_log, uint64_t *keys,
                   shale_err *err)
{
    mem_inserter ins = {db, recovery_log, 0, 0};
    wb_handler h = {.record = insert_record};
    int rc = wb_iterate(rep, &h, &ins, err);
    *keys = ins.keys;
    return rc;
}

static int check_record_cf(void *arg, uint64_t seq, uint32_t cf, int type, slice key,
                           slice value, shale_err *err)
{
    shale_db *db = arg;
    if (cf != 0 && db_cf_find(db, cf) == NULL)
        return SHALE_INVALID(err, "Invalid column family specified in write batch");
    return SHALE_OK;
}

/* Every record names a live family: checked before the WAL write, so a
 * refused batch leaves no trace.  Only databases that ever had a second
 * family pay for the pass.  REQUIRES: mu held. */
static int check_batch_cfs(shale_db *db, const write_batch *b, shale_err *err)
{
    if (atomic_load_explicit(&db->max_cf_id, memory_order_relaxed) == 0)
        return SHALE_OK;   /* handles exist only for families that were created */
    wb_handler h = {.record = check_record_cf};
    return wb_iterate(wb_data(b), &h, db, err);
}

static void record_stall_locked(shale_db *db, uint64_t micros) SHALE_REQUIRES(db->mu.lock)
{
    db->mu.stall_micros += micros;
    db->mu.stall_count++;
    stats_add(db->stats, TICKER_STALL_MICROS, micros);
    stats_record(db->stats, HIST_WRITE_STALL, micros);
}

/* A family whose memtable is full (at its write_buffer_size), or NULL. */
static db_cf *full_family_locked(shale_db *db) SHALE_REQUIRES(db->mu.lock)
{
    for (size_t i = 0; i < db->mu.n_cfs; i++) {
        db_cf *c = db->mu.cfs[i];
        if (mem_approximate_memory_usage(c->mem) >= c->opts.write_buffer_size)
            return c;
    }
    return NULL;
}

/* The largest L0 file count over the live families. */
static int max_l0_files_locked(shale_db *db, bool *auto_compactions) SHALE_REQUIRES(db->mu.lock)
{
    int l0 = 0;
    *auto_compactions = false;
    for (size_t i = 0; i < db->mu.n_cfs; i++) {
        db_cf *c = db->mu.cfs[i];
        if (c->opts.disable_auto_compactions)
            continue;
        *auto_compactions = true;
        int n = c->vcf->current->l0_delay_trigger_count;   /* universal: sorted runs */
        if (n > l0)
            l0 = n;
    }
    return l0;
}

/* Slows or stops writes as RocksDB does: a 1 ms delay per write while L0
 * of a family has level0_slowdown_writes_trigger files, a wait while it
 * has level0_stop_writes_trigger or too many memtables wait for flush.
 * Triggers are the default family's options (shale applies them to the
 * worst family).  REQUIRES: mu held; may drop it. */
static int make_room_locked(shale_db *db, shale_err *err) SHALE_REQUIRES(db->mu.lock)
{
    bool allow_delay = true;
    for (;;) {
        if (db->mu.bg_err.code != SHALE_OK)
            return shale_err_copy(err, &db->mu.bg_err);
        if (db->mu.shutting_down)
            return SHALE_ERR(err, SHALE_SHUTDOWN, "database is closing");
        bool auto_c = false;
        int l0 = max_l0_files_locked(db, &auto_c);
        if (allow_delay && auto_c && l0 >= db->opts.level0_slowdown_writes_trigger) {
            uint64_t t0 = db->env->ops->now_micros(db->env);
            db->mu.write_delayed = true;
            shale_mutex_unlock(&db->mu.lock);
            db->env->ops->sleep_micros(db->env, 1000);
            shale_mutex_lock(&db->mu.lock);
            allow_delay = false;
            record_stall_locked(db, db->env->ops->now_micros(db->env) - t0);
            continue;
        }
        db->mu.write_delayed = false;
        db_cf *c = full_family_locked(db);
        if (c == NULL)
            return SHALE_OK;
        bool too_many_imm = c->n_imm >= c->opts.max_write_buffer_number - 1 ||
                            c->n_imm >= DB_MAX_IMM;
        bool l0_stop = auto_c && l0 >= db->opts.level0_stop_writes_trigger;
        if (too_many_imm || l0_stop) {
            uint64_t t0 = db->env->ops->now_micros(db->env);
            db->mu.write_stopped = true;
            db_maybe_schedule_locked(db);
            shale_cond_wait(&db->mu.bg_cv, &db->mu.lock);
            db->mu.write_stopped = false;
            record_stall_locked(db, db->env->ops->now_micros(db->env) - t0);
            continue;
        }
        int rc = db_switch_memtable_locked(db, c, err);
        if (rc != SHALE_OK)
            return rc;
    }
}

/* Chunks of 1.1 write buffers (RocksDB's WAL preallocation block), at
 * most 1 MiB: a sync then journals a new size once per chunk, not per
 * write, and a small write buffer does not leave a large zero tail. */
void db_wal_preallocate(shale_db *db, log_writer *lw)
{
    if (!db->opts.allow_fallocate)
        return;
    uint64_t wbs = db->opts.write_buffer_size;
    uint64_t chunk = wbs + wbs / 10;
    log_writer_set_preallocation(lw, chunk < (1u << 20) ? chunk : (1u << 20));
}

int db_switch_memtable_locked(shale_db *db, db_cf *cfd, shale_err *err)
{
    shale_mutex_assert_held(&db->mu.lock);
    memtable *fresh = NULL;
    shale_file *f = NULL;
    log_writer *lw = NULL;
    uint64_t number = vset_new_file_number(db->vs);
    db_pending_output_add_locked(db, number);
    shale_mutex_unlock(&db->mu.lock);
    char *path = filename_path(db->name, FILE_WAL, number);
    int rc = path == NULL ? SHALE_NOMEM(err) : shale_env_open_write(db->env, path, &f, err);
    if (rc == SHALE_OK)   /* the new WAL's name must survive a power loss */
        rc = db->env->ops->sync_dir(db->env, db->name, err);
    if (rc == SHALE_OK)
        rc = log_writer_open(f, number, false, 0, &lw, err);
    if (rc == SHALE_OK)
        db_wal_preallocate(db, lw);
    if (rc == SHALE_OK)
        rc = mem_new_sized(&fresh, cfd->opts.write_buffer_size, err);
    free(path);
    shale_mutex_lock(&db->mu.lock);
    db_pending_output_remove_locked(db, number);
    if (rc != SHALE_OK) {
        log_writer_close(lw, NULL);
        shale_file_close(f, NULL);
        return rc;
    }
    /* The old WAL is synced before the new one takes writes: a later sync
     * write syncs only the new WAL, and recovery must never find a synced
     * record after a lost one.  It stays until its memtable is flushed. */
    if (db->mu.log != NULL) {
        shale_err se = {0};
        shale_mutex_unlock(&db->mu.lock);
        rc = log_writer_sync(db->mu.log, &se);
        shale_mutex_lock(&db->mu.lock);
        if (rc != SHALE_OK) {
            db_set_bg_error_locked(db, &se);
            shale_err_copy(err, &se);
            log_writer_close(lw, NULL);
            shale_file_close(f, NULL);
            mem_unref(fresh);
            return rc;
        }
    }
    log_writer_close(db->mu.log, NULL);
    shale_file_close(db->mu.logfile, NULL);
    db->mu.log = lw;
    db->mu.logfile = f;
    db->mu.log_number = number;
    cfd->imm[cfd->n_imm].mem = cfd->mem;
    cfd->imm[cfd->n_imm].log_number = cfd->mem_log_number;
    cfd->n_imm++;
    cfd->mem = fresh;
    cfd->mem_log_number = number;
    db_sv_install_locked(db, cfd);
    db_maybe_schedule_locked(db);
    return SHALE_OK;
}

/* Collects the writers behind the leader into db->mu.group (or uses the
 * leader's batch alone); returns the last writer of the group. */
static db_writer *build_group_locked(shale_db *db, db_writer *leader, write_batch **out,
                                     bool *sync, shale_err *err) SHALE_REQUIRES(db->mu.lock)
{
    db_writer *last = leader;
    *out = leader->batch;
    *sync = leader->sync;
    size_t size = wb_data_size(leader->batch);
    for (db_writer *w = leader->next; w != NULL; w = w->next) {
        if (w->batch == NULL || (w->sync && !leader->sync) || w->disable_wal != leader->disable_wal ||
            size + wb_data_size(w->batch) > MAX_GROUP_BYTES)
            break;
        if (*out == leader->batch) {
            wb_clear(&db->mu.group);
            if (wb_append(&db->mu.group, leader->batch, err) != SHALE_OK)
                return leader;
            *out = &db->mu.group;
        }
        if (wb_append(&db->mu.group, w->batch, err) != SHALE_OK)
            break;
        size += wb_data_size(w->batch);
        last = w;
    }
    return last;
}

/* WAL append (and sync), then the memtables.  Runs without mu. */
static int commit_group(shale_db *db, log_writer *lw, write_batch *group, bool sync,
                        bool disable_wal, bool *wal_failed, shale_err *err)
{
    *wal_failed = false;
    slice rep = wb_data(group);
    if (!disable_wal) {
        int rc = log_writer_add_record(lw, rep, err);
        if (rc == SHALE_OK && sync) {
            uint64_t t0 = db_timer(db);
            rc = log_writer_sync(lw, err);
            db_timer_record(db, HIST_WAL_FILE_SYNC_MICROS, t0);
            stats_add(db->stats, TICKER_WAL_FILE_SYNCED, 1);
        }
        if (rc != SHALE_OK) {
            *wal_failed = true;
            return rc;
        }
        stats_add(db->stats, TICKER_WAL_FILE_BYTES, rep.len);
    }
    uint64_t keys = 0;
    int rc = db_apply_batch(db, rep, 0, &keys, err);
    stats_add(db->stats, TICKER_NUMBER_KEYS_WRITTEN, keys);
    stats_add(db->stats, TICKER_BYTES_WRITTEN, rep.len);
    return rc;
}

static void finish_group_locked(shale_db *db, db_writer *leader, db_writer *last, int rc,
                                const shale_err *e) SHALE_REQUIRES(db->mu.lock)
{
    for (;;) {
        db_writer *w = db->mu.writers_head;
        db->mu.writers_head = w->next;
        if (db->mu.writers_head == NULL)
            db->mu.writers_tail = NULL;
        if (w != leader) {
            w->status = rc;
            if (e != NULL)
                w->err = *e;
            w->done = true;
            shale_cond_signal(&w->cv);
        }
        if (w == last)
            break;
    }
    if (db->mu.writers_head != NULL)
        shale_cond_signal(&db->mu.writers_head->cv);
}

int db_write_batch(shale_db *db, const shale_write_options *wo, write_batch *b, shale_err *err)
{
    shale_write_options defaults;
    if (wo == NULL) {
        write_options_init(&defaults);
        wo = &defaults;
    }
    uint64_t t0 = db_timer(db);
    db_writer w = {.batch = b, .sync = wo->sync, .disable_wal = wo->disable_wal};
    shale_mutex_lock(&db->mu.lock);
    int crc = check_batch_cfs(db, b, err);   /* under mu: the family list is stable */
    if (crc != SHALE_OK) {
        shale_mutex_unlock(&db->mu.lock);
        return crc;
    }
    shale_cond_init(&w.cv);
    if (db->mu.writers_tail != NULL)
        db->mu.writers_tail->next = &w;
    else
        db->mu.writers_head = &w;
    db->mu.writers_tail = &w;
    while (!w.done && db->mu.writers_head != &w)
        shale_cond_wait(&w.cv, &db->mu.lock);
    if (w.done) {
        shale_mutex_unlock(&db->mu.lock);
        shale_cond_deinit(&w.cv);
        stats_add(db->stats, TICKER_WRITE_DONE_BY_OTHER, 1);
        return shale_err_copy(err, &w.err) == SHALE_OK ? w.status : w.status;
    }
    shale_err e = {0};
    int rc = make_room_locked(db, &e);
    db_writer *last = &w;
    if (rc == SHALE_OK && wb_count(b) > 0) {
        write_batch *group = NULL;
        bool sync = false;
        last = build_group_locked(db, &w, &group, &sync, &e);
        uint64_t seq = vset_last_sequence(db->vs) + 1;
        wb_set_sequence(group, seq);
        uint32_t count = wb_count(group);
        log_writer *lw = db->mu.log;
        bool wal_failed = false;
        shale_mutex_unlock(&db->mu.lock);
        rc = commit_group(db, lw, group, sync, wo->disable_wal, &wal_failed, &e);
        shale_mutex_lock(&db->mu.lock);
        if (wal_failed)
            db_set_bg_error_locked(db, &e);
        if (rc == SHALE_OK) {
            vset_set_last_sequence(db->vs, seq + count - 1);
            if (wo->disable_wal)
                db->mu.unlogged_writes = true;
            db->mu.user_writes++;
            db->mu.ingest_bytes += wb_data_size(group);
            if (!wo->disable_wal) {
                db->mu.wal_bytes += wb_data_size(group);
                db->mu.wal_syncs += sync;
            }
        }
        if (group == &db->mu.group)
            wb_clear(&db->mu.group);
    }
    finish_group_locked(db, &w, last, rc, rc == SHALE_OK ? NULL : &e);
    shale_mutex_unlock(&db->mu.lock);
    shale_cond_deinit(&w.cv);
    stats_add(db->stats, TICKER_WRITE_DONE_BY_SELF, 1);
    if (!wo->disable_wal)
        stats_add(db->stats, TICKER_WRITE_WITH_WAL, 1);
    db_timer_record(db, HIST_DB_WRITE, t0);
    return rc == SHALE_OK ? SHALE_OK : shale_err_copy(err, &e);
}

void db_enter_write_exclusive_locked(shale_db *db, db_writer *w)
{
    shale_mutex_assert_held(&db->mu.lock);
    memset(w, 0, sizeof *w);
    shale_cond_init(&w->cv);
    if (db->mu.writers_tail != NULL)
        db->mu.writers_tail->next = w;
    else
        db->mu.writers_head = w;
    db->mu.writers_tail = w;
    while (db->mu.writers_head != w)
        shale_cond_wait(&w->cv, &db->mu.lock);
}

void db_exit_write_exclusive_locked(shale_db *db, db_writer *w)
{
    shale_mutex_assert_held(&db->mu.lock);
    finish_group_locked(db, w, w, SHALE_OK, NULL);
    shale_cond_deinit(&w->cv);
}

/* --- public batch and write API ------------------------------------------ */

static uint32_t cf_id(shale_cf *cf) { return cf != NULL ? cf->cfd->id : 0; }

struct shale_write_batch {
    write_batch wb;
};

shale_write_batch *shale_write_batch_new(void)
{
    shale_write_batch *b = malloc(sizeof *b);
    if (b != NULL && wb_init(&b->wb, NULL) != SHALE_OK) {
        free(b);
        b = NULL;
    }
    return b;
}

void shale_write_batch_free(shale_write_batch *b)
{
    if (b == NULL)
        return;
    wb_deinit(&b->wb);
    free(b);
}

int shale_write_batch_put_cf(shale_write_batch *b, shale_cf *cf, const char *key, size_t klen,
                             const char *val, size_t vlen, shale_err *err)
{
    return wb_put(&b->wb, cf_id(cf), slice_make(key, klen), slice_make(val, vlen), err);
}

int shale_write_batch_delete_cf(shale_write_batch *b, shale_cf *cf, const char *key, size_t klen,
                                shale_err *err)
{
    return wb_delete(&b->wb, cf_id(cf), slice_make(key, klen), err);
}

int shale_write_batch_single_delete_cf(shale_write_batch *b, shale_cf *cf, const char *key,
                                       size_t klen, shale_err *err)
{
    return wb_single_delete(&b->wb, cf_id(cf), slice_make(key, klen), err);
}

int shale_write_batch_delete_range_cf(shale_write_batch *b, shale_cf *cf, const char *begin,
                                      size_t blen, const char *end, size_t elen, shale_err *err)
{
    return wb_delete_range(&b->wb, cf_id(cf), slice_make(begin, blen), slice_make(end, elen),
                           err);
}

int shale_write_batch_merge_cf(shale_write_batch *b, shale_cf *cf, const char *key, size_t klen,
                               const char *val, size_t vlen, shale_err *err)
{
    return wb_merge(&b->wb, cf_id(cf), slice_make(key, klen), slice_make(val, vlen), err);
}

int shale_write_batch_put(shale_write_batch *b, const char *key, size_t klen, const char *val,
                          size_t vlen, shale_err *err)
{
    return shale_write_batch_put_cf(b, NULL, key, klen, val, vlen, err);
}

int shale_write_batch_delete(shale_write_batch *b, const char *key, size_t klen, shale_err *err)
{
    return shale_write_batch_delete_cf(b, NULL, key, klen, err);
}

int shale_write_batch_single_delete(shale_write_batch *b, const char *key, size_t klen,
                                    shale_err *err)
{
    return shale_write_batch_single_delete_cf(b, NULL, key, klen, err);
}

int shale_write_batch_delete_range(shale_write_batch *b, const char *begin, size_t blen,
                                   const char *end, size_t elen, shale_err *err)
{
    return shale_write_batch_delete_range_cf(b, NULL, begin, blen, end, elen, err);
}

int shale_write_batch_merge(shale_write_batch *b, const char *key, size_t klen, const char *val,
                            size_t vlen, shale_err *err)
{
    return shale_write_batch_merge_cf(b, NULL, key, klen, val, vlen, err);
}

void shale_write_batch_clear(shale_write_batch *b) { wb_clear(&b->wb); }

int shale_write_batch_count(const shale_write_batch *b) { return (int)wb_count(&b->wb); }

const char *shale_write_batch_data(const shale_write_batch *b, size_t *size)
{
    slice s = wb_data(&b->wb);
    *size = s.len;
    return s.data;
}

typedef struct iterate_ctx {
    void *state;
    void (*put)(void *, const char *, size_t, const char *, size_t);
    void (*del)(void *, const char *, size_t);
} iterate_ctx;

static int iterate_record(void *arg, uint64_t seq, uint32_t cf, int type, slice key, slice value,
                          shale_err *err)
{
    iterate_ctx *c = arg;
    if (type == VT_VALUE && c->put != NULL)
        c->put(c->state, key.data, key.len, value.data, value.len);
    else if ((type == VT_DELETION || type == VT_SINGLE_DELETION) && c->del != NULL)
        c->del(c->state, key.data, key.len);
    return SHALE_OK;
}

int shale_write_batch_iterate(const shale_write_batch *b, void *state,
                              void (*put)(void *, const char *, size_t, const char *, size_t),
                              void (*del)(void *, const char *, size_t), shale_err *err)
{
    iterate_ctx c = {state, put, del};
    wb_handler h = {.record = iterate_record};
    return wb_iterate(wb_data(&b->wb), &h, &c, err);
}

int shale_write(shale_db *db, const shale_write_options *wo, shale_write_batch *batch,
                shale_err *err)
{
    return db_write_batch(db, wo, &batch->wb, err);
}

/* A one-record batch: the common put/delete calls. */
static int write_one(shale_db *db, const shale_write_options *wo, uint32_t cf, int type,
                     slice key, slice val, shale_err *err)
{
    write_batch b;
    int rc = wb_init(&b, err);
    if (rc != SHALE_OK)
        return rc;
    if (type == VT_VALUE)
        rc = wb_put(&b, cf, key, val, err);
    else if (type == VT_MERGE)
        rc = wb_merge(&b, cf, key, val, err);
    else if (type == VT_DELETION)
        rc = wb_delete(&b, cf, key, err);
    else if (type == VT_RANGE_DELETION)
        rc = wb_delete_range(&b, cf, key, val, err);
    else
        rc = wb_single_delete(&b, cf, key, err);
    if (rc == SHALE_OK)
        rc = db_write_batch(db, wo, &b, err);
    wb_deinit(&b);
    return rc;
}

int shale_put_cf(shale_db *db, const shale_write_options *wo, shale_cf *cf, const char *key,
                 size_t klen, const char *val, size_t vlen, shale_err *err)
{
    return write_one(db, wo, cf_id(cf), VT_VALUE, slice_make(key, klen), slice_make(val, vlen),
                     err);
}

int shale_delete_cf(shale_db *db, const shale_write_options *wo, shale_cf *cf, const char *key,
                    size_t klen, shale_err *err)
{
    return write_one(db, wo, cf_id(cf), VT_DELETION, slice_make(key, klen), slice_make(NULL, 0),
                     err);
}

int shale_single_delete_cf(shale_db *db, const shale_write_options *wo, shale_cf *cf,
                           const char *key, size_t klen, shale_err *err)
{
    return write_one(db, wo, cf_id(cf), VT_SINGLE_DELETION, slice_make(key, klen),
                     slice_make(NULL, 0), err);
}

int shale_delete_range_cf(shale_db *db, const shale_write_options *wo, shale_cf *cf,
                          const char *begin, size_t blen, const char *end, size_t elen,
                          shale_err *err)
{
    return write_one(db, wo, cf_id(cf), VT_RANGE_DELETION, slice_make(begin, blen),
                     slice_make(end, elen), err);
}

int shale_merge_cf(shale_db *db, const shale_write_options *wo, shale_cf *cf, const char *key,
                   size_t klen, const char *val, size_t vlen, shale_err *err)
{
    if (db_cf_of(db, cf)->opts.merge_operator == NULL)   /* RocksDB's DB::Merge text */
        return SHALE_UNSUPPORTED(err, "Provide a merge_operator when opening DB");
    return write_one(db, wo, cf_id(cf), VT_MERGE, slice_make(key, klen), slice_make(val, vlen),
                     err);
}

int shale_put(shale_db *db, const shale_write_options *wo, const char *key, size_t klen,
              const char *val, size_t vlen, shale_err *err)
{
    return shale_put_cf(db, wo, NULL, key, klen, val, vlen, err);
}

int shale_delete(shale_db *db, const shale_write_options *wo, const char *key, size_t klen,
                 shale_err *err)
{
    return shale_delete_cf(db, wo, NULL, key, klen, err);
}

int shale_single_delete(shale_db *db, const shale_write_options *wo, const char *key, size_t klen,
                        shale_err *err)
{
    return shale_single_delete_cf(db, wo, NULL, key, klen, err);
}

int shale_merge(shale_db *db, const shale_write_options *wo, const char *key, size_t klen,
                const char *val, size_t vlen, shale_err *err)
{
    return shale_merge_cf(db, wo, NULL, key, klen, val, vlen, err);
}
