/* state/state_ckpt_take.c: a keyed-state checkpoint in Flink's two phases.
 *
 *   start (synchronous, the backend's thread)
 *     encode chk-N/_state from the registered states
 *     LSM:  shale_ckpt_start(backend's database)      flush, file set pinned
 *     heap: copy-on-write snapshot + timer copy; shale_ckpt_start(anchor db)
 *   finish (asynchronous, any thread; the backend keeps processing)
 *     mkdir chk-N -> put chk-N/_state (durable)
 *     heap: snapshot -> <scratch>/heap-N.spool (synced) -> put chk-N/_heap_state
 *     shale_ckpt_finish(): uploads, syncs chk-N/, renames _metadata  == exists
 *     sweep: state files of checkpoints retention just removed
 *   failure anywhere: shale_ckpt_finish / _abort undo the store's part;
 *     the state files and chk-N/ are removed here.
 *
 * The state files are durable and inside chk-N/ before the store writes
 * _metadata, so a checkpoint that exists has them (a crash earlier leaves
 * a chk-N without _metadata, which the store's next writable open
 * removes, state files included).  The store needs a database to number
 * and complete a checkpoint, so a heap backend checkpoints an empty
 * "anchor" database in the scratch directory alongside its snapshot.
 * Retention removes only the files a checkpoint's _metadata lists, so the
 * state files of removed checkpoints are swept here afterwards. */
#include "state/state_ckpt.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/ckpt_io.h"
#include "checkpoint/ckpt_store.h"
#include "lsm/util/err.h"
#include "state/lsm.h"

struct shale_state_ckpt_pending {
    shale_ckpt_store *s;
    int kind;
    shale_ckpt_pending *p;
    uint64_t id;
    shale_buf meta;
    sck_heap_capture *cap;       /* heap */
    char *spool;                 /* heap: local file of the snapshot */
    uint64_t sync_micros;
};

/* --- ids pending in this process (the sweep must leave them alone) ---------- */
#define MAX_PENDING 64
static pthread_mutex_t pending_mu = PTHREAD_MUTEX_INITIALIZER;
static struct { const shale_ckpt_store *s; uint64_t id; } pending[MAX_PENDING];

static void pending_set(const shale_ckpt_store *s, uint64_t id, bool on)
{
    pthread_mutex_lock(&pending_mu);
    for (size_t i = 0; i < MAX_PENDING; i++) {
        if (on && pending[i].s == NULL) {
            pending[i].s = s;
            pending[i].id = id;
            break;
        }
        if (!on && pending[i].s == s && pending[i].id == id) {
            pending[i].s = NULL;
            break;
        }
    }
    pthread_mutex_unlock(&pending_mu);
}

static bool pending_has(const shale_ckpt_store *s, uint64_t id)
{
    bool has = false;
    pthread_mutex_lock(&pending_mu);
    for (size_t i = 0; i < MAX_PENDING && !has; i++)
        has = pending[i].s == s && pending[i].id == id;
    pthread_mutex_unlock(&pending_mu);
    return has;
}

/* --- cleanup -------------------------------------------------------------------- */
static void remove_state_files(shale_ckpt_storage *st, uint64_t id)
{
    char name[96];
    ckpt_chk_name(id, SCK_META_NAME, name, sizeof name);
    (void)st->ops->remove(st, name, NULL);
    ckpt_chk_name(id, SCK_HEAP_NAME, name, sizeof name);
    (void)st->ops->remove(st, name, NULL);
    ckpt_chk_name(id, NULL, name, sizeof name);
    (void)st->ops->rmdir(st, name, NULL);
}

void sck_sweep(shale_ckpt_store *s)
{
    shale_ckpt_storage *st = s->st;
    char **names = NULL, path[96];
    size_t n = 0;
    if (st->ops->list(st, "", &names, &n, NULL) != SHALE_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        uint64_t id, size;
        if (!ckpt_parse_chk_dir(names[i], &id) || pending_has(s, id))
            continue;
        ckpt_chk_name(id, CKPT_META_NAME, path, sizeof path);
        if (st->ops->size(st, path, &size, NULL) != SHALE_NOT_FOUND)
            continue;                     /* a checkpoint (or unreadable: leave it) */
        ckpt_chk_name(id, SCK_META_NAME, path, sizeof path);
        if (st->ops->size(st, path, &size, NULL) == SHALE_OK)
            remove_state_files(st, id);
    }
    shale_env_free_names(names, n);
}

static void pending_free(shale_state_ckpt_pending *q)
{
    if (q == NULL)
        return;
    pending_set(q->s, q->id, false);
    if (q->spool != NULL)
        (void)remove(q->spool);
    free(q->spool);
    sck_heap_capture_free(q->cap);
    shale_buf_deinit(&q->meta);
    free(q);
}

/* --- start -------------------------------------------------------------------------- */
/* Heap: the anchor database's checkpoint (a few KB) numbers and completes it. */
static int start_anchor(shale_state_ckpt_pending *q, const char *scratch, shale_err *err)
{
    shale_env *env = shale_env_default();
    char *dir = ckpt_path_join(scratch, "anchor");
    shale_options *o = shale_options_new();
    shale_db *db = NULL;
    int rc = dir == NULL || o == NULL ? SHALE_NOMEM(err) : env->ops->mkdir(env, scratch, err);
    if (rc == SHALE_OK) {
        shale_options_set_create_if_missing(o, true);
        shale_options_set_info_log_level(o, SHALE_LOG_WARN);
        rc = shale_db_open(o, dir, &db, err);
    }
    if (rc == SHALE_OK)
        rc = shale_ckpt_start(q->s, db, &q->p, err);
    if (db != NULL) {
        int r = shale_db_close(db, NULL);
        (void)r;                          /* the staged copy holds what finish needs */
    }
    shale_options_free(o);
    free(dir);
    return rc;
}

static int start_heap(shale_state_ckpt_pending *q, shale_state_backend *b, const char *scratch,
                      shale_err *err)
{
    if (scratch == NULL)
        return SHALE_INVALID(err, "a heap checkpoint needs a scratch directory");
    int rc = sck_heap_capture_new(b, &q->cap, err);
    if (rc == SHALE_OK)
        rc = start_anchor(q, scratch, err);
    if (rc != SHALE_OK)
        return rc;
    char name[64];
    snprintf(name, sizeof name, "heap-%" PRIu64 ".spool", shale_ckpt_pending_id(q->p));
    return (q->spool = ckpt_path_join(scratch, name)) != NULL ? SHALE_OK : SHALE_NOMEM(err);
}

int shale_state_ckpt_start(shale_ckpt_store *s, shale_state_backend *b, const char *scratch_dir,
                           shale_state_ckpt_pending **out, shale_err *err)
{
    *out = NULL;
    uint64_t t0 = ckpt_now_micros();
    shale_state_ckpt_pending *q = calloc(1, sizeof *q);
    if (q == NULL)
        return SHALE_NOMEM(err);
    q->s = s;
    q->kind = b->cfg.kind;
    shale_buf_init(&q->meta);
    sck_meta_encode(b, &q->meta);
    int rc = shale_buf_ok(&q->meta) ? SHALE_OK : SHALE_NOMEM(err);
    if (rc == SHALE_OK && q->kind == SHALE_STATE_BACKEND_LSM)
        rc = shale_ckpt_start(s, lsm_backend_db(b), &q->p, err);
    else if (rc == SHALE_OK)
        rc = start_heap(q, b, scratch_dir, err);
    if (rc != SHALE_OK) {
        shale_ckpt_abort(q->p);
        pending_free(q);
        return rc;
    }
    q->id = shale_ckpt_pending_id(q->p);
    pending_set(s, q->id, true);
    q->sync_micros = ckpt_now_micros() - t0;
    *out = q;
    return SHALE_OK;
}

/* --- finish ------------------------------------------------------------------------- */
static int put_state_files(shale_state_ckpt_pending *q, shale_state_ckpt_metrics *m,
                           shale_err *err)
{
    shale_ckpt_storage *st = q->s->st;
    char name[96];
    ckpt_chk_name(q->id, NULL, name, sizeof name);
    int rc = st->ops->mkdir(st, name, err);
    ckpt_chk_name(q->id, SCK_META_NAME, name, sizeof name);
    if (rc == SHALE_OK)
        rc = st->ops->put_data(st, name, q->meta.data, q->meta.len, err);
    m->state_meta_bytes = q->meta.len;
    if (rc != SHALE_OK || q->cap == NULL)
        return rc;
    rc = sck_heap_capture_write(q->cap, q->spool, &m->heap_entries, &m->heap_timers, err);
    sck_heap_capture_free(q->cap);        /* unpins the snapshot early */
    q->cap = NULL;
    uint32_t crc;
    ckpt_chk_name(q->id, SCK_HEAP_NAME, name, sizeof name);
    if (rc == SHALE_OK)
        rc = st->ops->put_file(st, q->spool, UINT64_MAX, name, NULL, &m->heap_snapshot_bytes,
                               &crc, err);
    return rc;
}

static void add_state_figures(shale_state_ckpt_metrics *m)
{
    uint64_t extra = m->state_meta_bytes + m->heap_snapshot_bytes;
    uint32_t files = 1 + (m->heap_snapshot_bytes > 0);
    m->ckpt.full_size += extra;
    m->ckpt.stored_size += extra;
    m->ckpt.files_total += files;
    m->ckpt.files_stored += files;
}

int shale_state_ckpt_finish(shale_state_ckpt_pending *q, shale_state_ckpt_metrics *out,
                            shale_err *err)
{
    shale_state_ckpt_metrics m = {.backend_kind = q->kind};
    uint64_t t0 = ckpt_now_micros();
    int rc = put_state_files(q, &m, err);
    if (rc != SHALE_OK) {
        shale_ckpt_abort(q->p);
    } else {
        rc = shale_ckpt_finish(q->p, &m.ckpt, err);
    }
    q->p = NULL;
    if (rc != SHALE_OK)
        remove_state_files(q->s->st, q->id);
    add_state_figures(&m);
    m.ckpt.id = q->id;
    m.ckpt.sync_micros = q->sync_micros;
    m.ckpt.async_micros = ckpt_now_micros() - t0;
    shale_ckpt_store *s = q->s;
    pending_free(q);
    if (rc == SHALE_OK)
        sck_sweep(s);
    if (out != NULL)
        *out = m;
    return rc;
}

void shale_state_ckpt_abort(shale_state_ckpt_pending *q)
{
    if (q == NULL)
        return;
    shale_ckpt_abort(q->p);
    remove_state_files(q->s->st, q->id);
    pending_free(q);
}

uint64_t shale_state_ckpt_pending_id(const shale_state_ckpt_pending *q) { return q->id; }

int shale_state_ckpt_take(shale_ckpt_store *s, shale_state_backend *b, const char *scratch_dir,
                          shale_state_ckpt_metrics *m, shale_err *err)
{
    shale_state_ckpt_pending *q = NULL;
    int rc = shale_state_ckpt_start(s, b, scratch_dir, &q, err);
    return rc == SHALE_OK ? shale_state_ckpt_finish(q, m, err) : rc;
}
