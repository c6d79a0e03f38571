/* checkpoint/take.c: taking an incremental checkpoint in Flink's two
 * phases.
 *
 *   start (synchronous, caller's thread)
 *     native checkpoint into <staging>/chk-N   (flush, hard links: the file
 *                                               set is pinned, deletions are
 *                                               re-enabled on return)
 *     list it; each SST the registry knows by (identity, number, size) is
 *     reused and referenced at once, so retention cannot drop it meanwhile
 *   finish (asynchronous, any thread; the application keeps writing)
 *     mkdir chk-N, sync root -> upload new SSTs to shared/, private files
 *     to chk-N/ -> sync shared/ and chk-N/ -> _metadata.inprogress (synced)
 *     -> rename to _metadata -> sync chk-N/        == the checkpoint exists
 *     -> register, retention -> remove staging
 *   failure or abort anywhere before the rename: unreference the reused
 *   files, delete what was uploaded and chk-N/, remove staging.  A crash
 *   leaves the same leftovers for the next writable open to remove. */
#include "shale/checkpoint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "checkpoint/ckpt_io.h"
#include "checkpoint/ckpt_store.h"
#include "lsm/util/err.h"

struct shale_ckpt_pending {
    shale_ckpt_store *s;
    uint64_t id;
    char *staging;            /* the native checkpoint: <staging>/chk-N */
    ckpt_meta *meta;          /* every file; sizes and CRCs of uploads filled by finish */
    bool *upload;             /* per file: this checkpoint stores it */
    volatile bool cancel;
    uint64_t sync_micros;
};

/* The database's IDENTITY, trimmed; its directory name when there is none. */
static char *read_identity(shale_db *db)
{
    const char *dir = shale_db_name(db);
    char *path = ckpt_path_join(dir, "IDENTITY"), buf[CKPT_IDENTITY_MAX + 1];
    size_t n = 0;
    FILE *f = path != NULL ? fopen(path, "rb") : NULL;
    if (f != NULL) {
        n = fread(buf, 1, CKPT_IDENTITY_MAX, f);
        fclose(f);
    }
    free(path);
    while (n > 0 && (unsigned char)buf[n - 1] <= ' ')
        n--;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
            buf[i] = '_';
    if (n == 0)
        n = (size_t)snprintf(buf, sizeof buf, "dir:%.240s", dir);
    buf[n] = '\0';
    return strdup(buf);
}

/* "<number>-<64 random bits>.sst": unique in shared/ without asking it. */
static void unique_name(uint64_t number, char *buf, size_t n)
{
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        r = ckpt_now_micros() ^ ((uint64_t)(uintptr_t)buf << 17);
    snprintf(buf, n, "%06" PRIu64 "-%016" PRIx64 ".sst", number, r);
}

/* One staged file into the plan: reused (referenced now) or to upload. */
static int plan_file(shale_ckpt_pending *p, const char *name, shale_err *err)
{
    shale_ckpt_store *s = p->s;
    ckpt_meta *m = p->meta;
    uint64_t number = 0, size = 0;
    if (!ckpt_local_name_ok(name, &number))
        return SHALE_OK;                      /* not a database file: not ours */
    char *path = ckpt_path_join(p->staging, name);
    shale_env *env = shale_env_default();
    int rc = path == NULL ? SHALE_NOMEM(err) : env->ops->file_size(env, path, &size, err);
    free(path);
    if (rc != SHALE_OK)
        return rc;
    p->upload[m->n_files] = true;
    if (number == 0)
        return ckpt_meta_add(m, CKPT_PRIVATE, name, name, 0, size, 0, err);
    shale_mutex_lock(&s->mu.lock);
    ckpt_shared *e = ckpt_reg_find_key_locked(s, m->identity, number, size);
    if (e != NULL) {
        rc = ckpt_meta_add(m, CKPT_SHARED, name, e->stored, number, size, e->crc, err);
        if (rc == SHALE_OK) {
            e->refs++;                        /* released by completion or abort */
            p->upload[m->n_files - 1] = false;
        }
        shale_mutex_unlock(&s->mu.lock);
        return rc;
    }
    shale_mutex_unlock(&s->mu.lock);
    char stored[64];
    unique_name(number, stored, sizeof stored);
    return ckpt_meta_add(m, CKPT_SHARED, name, stored, number, size, 0, err);
}

/* Lists the staged checkpoint and decides, per file, reuse or upload. */
static int plan(shale_ckpt_pending *p, shale_err *err)
{
    char **names = NULL;
    size_t n = 0;
    shale_env *env = shale_env_default();
    int rc = env->ops->list_dir(env, p->staging, &names, &n, err);
    if (rc == SHALE_OK && (p->upload = calloc(n > 0 ? n : 1, sizeof *p->upload)) == NULL)
        rc = SHALE_NOMEM(err);
    for (size_t i = 0; rc == SHALE_OK && i < n; i++)
        rc = plan_file(p, names[i], err);
    shale_env_free_names(names, n);
    return rc;
}

/* <staging>/chk-<id>.  With wipe (no other checkpoint of this store in
 * flight), stale staging copies left by a crash go first: their hard links
 * would pin deleted SSTs' space for ever. */
static char *staging_path(shale_ckpt_store *s, shale_db *db, uint64_t id, bool wipe)
{
    char leaf[48];
    snprintf(leaf, sizeof leaf, "chk-%" PRIu64, id);
    char *base = s->opts.staging_dir != NULL ? strdup(s->opts.staging_dir)
                                             : ckpt_path_cat(shale_db_name(db), ".ckpt-staging");
    if (base == NULL)
        return NULL;
    shale_env *env = shale_env_default();
    if (wipe)
        (void)ckpt_rmtree(base, NULL);
    char *p = env->ops->mkdir(env, base, NULL) == SHALE_OK ? ckpt_path_join(base, leaf) : NULL;
    free(base);
    return p;
}

static shale_ckpt_pending *pending_new(shale_ckpt_store *s, shale_db *db)
{
    shale_ckpt_pending *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->s = s;
    shale_mutex_lock(&s->mu.lock);
    p->id = s->mu.next_id++;
    bool alone = s->mu.pending++ == 0;
    shale_mutex_unlock(&s->mu.lock);
    p->meta = calloc(1, sizeof *p->meta);
    if (p->meta != NULL) {
        p->meta->id = p->id;
        p->meta->timestamp_micros = shale_env_default()->ops->now_micros(shale_env_default());
        p->meta->sequence = shale_db_latest_sequence(db);
        p->meta->identity = read_identity(db);
    }
    p->staging = staging_path(s, db, p->id, alone);
    return p;
}

/* The synchronous phase.  REQUIRES: s->start_lock held (one at a time, so
 * wiping stale staging copies cannot race another start). */
static int start_locked(shale_ckpt_store *s, shale_db *db, shale_ckpt_pending **out,
                        shale_err *err)
{
    shale_ckpt_pending *p = pending_new(s, db);
    if (p == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    if (p->meta == NULL || p->meta->identity == NULL || p->staging == NULL)
        rc = SHALE_NOMEM(err);
    if (rc == SHALE_OK)
        rc = ckpt_rmtree(p->staging, err);    /* a stale one from a crash */
    if (rc == SHALE_OK)
        rc = shale_checkpoint_create(db, p->staging, s->opts.log_size_for_flush, err);
    if (rc == SHALE_OK)
        rc = plan(p, err);
    if (rc != SHALE_OK) {
        shale_ckpt_abort(p);
        return rc;
    }
    *out = p;
    return SHALE_OK;
}

int shale_ckpt_start(shale_ckpt_store *s, shale_db *db, shale_ckpt_pending **out,
                     shale_err *err)
{
    *out = NULL;
    if (s->read_only)
        return SHALE_UNSUPPORTED(err, "checkpoint store opened read-only");
    uint64_t t0 = ckpt_now_micros();
    shale_mutex_lock(&s->start_lock);
    int rc = start_locked(s, db, out, err);
    shale_mutex_unlock(&s->start_lock);
    if (rc == SHALE_OK)
        (*out)->sync_micros = ckpt_now_micros() - t0;
    return rc;
}

/* Storage name of file i: shared/<stored> or chk-N/<stored>. */
static void stored_path(const shale_ckpt_pending *p, const ckpt_file *f, char *buf, size_t n)
{
    if (f->kind == CKPT_SHARED)
        snprintf(buf, n, "shared/%s", f->stored);
    else
        ckpt_chk_name(p->id, f->stored, buf, n);
}

static int upload_one(shale_ckpt_pending *p, ckpt_file *f, uint64_t *stored, shale_err *err)
{
    shale_ckpt_storage *st = p->s->st;
    char name[CKPT_NAME_MAX + 32];
    stored_path(p, f, name, sizeof name);
    char *src = ckpt_path_join(p->staging, f->local);
    if (src == NULL)
        return SHALE_NOMEM(err);
    uint64_t size = 0;
    int rc = st->ops->put_file(st, src, f->size, name, &p->cancel, &size, &f->crc, err);
    free(src);
    *stored += size;
    return rc;
}

static int upload_all(shale_ckpt_pending *p, shale_ckpt_metrics *m, shale_err *err)
{
    shale_ckpt_storage *st = p->s->st;
    char dir[48];
    ckpt_chk_name(p->id, NULL, dir, sizeof dir);
    int rc;
    if ((rc = st->ops->mkdir(st, dir, err)) != SHALE_OK ||
        (rc = st->ops->sync_dir(st, "", err)) != SHALE_OK)
        return rc;
    for (size_t i = 0; i < p->meta->n_files; i++) {
        ckpt_file *f = &p->meta->files[i];
        m->full_size += f->size;
        if (!p->upload[i]) {
            m->files_reused++;
            continue;
        }
        if (p->cancel)
            return SHALE_ERR(err, SHALE_INCOMPLETE, "checkpoint %" PRIu64 " cancelled", p->id);
        if ((rc = upload_one(p, f, &m->stored_size, err)) != SHALE_OK)
            return rc;
        m->files_stored++;
    }
    if ((rc = st->ops->sync_dir(st, "shared", err)) != SHALE_OK)
        return rc;
    return st->ops->sync_dir(st, dir, err);
}

/* Writes _metadata under a temporary name and renames it: the moment of
 * completion is the rename, made durable by the directory sync. */
static int write_metadata(shale_ckpt_pending *p, shale_err *err)
{
    shale_ckpt_storage *st = p->s->st;
    char tmp[64], final[64], dir[48];
    shale_buf b = SHALE_BUF_INIT;
    ckpt_chk_name(p->id, CKPT_META_TMP_NAME, tmp, sizeof tmp);
    ckpt_chk_name(p->id, CKPT_META_NAME, final, sizeof final);
    ckpt_chk_name(p->id, NULL, dir, sizeof dir);
    ckpt_meta_encode(p->meta, &b);
    int rc = shale_buf_ok(&b) ? SHALE_OK : SHALE_NOMEM(err);
    if (rc == SHALE_OK)
        rc = st->ops->put_data(st, tmp, b.data, b.len, err);
    if (rc == SHALE_OK && p->cancel)
        rc = SHALE_ERR(err, SHALE_INCOMPLETE, "checkpoint %" PRIu64 " cancelled", p->id);
    if (rc == SHALE_OK)
        rc = st->ops->rename(st, tmp, final, err);
    if (rc == SHALE_OK)
        rc = st->ops->sync_dir(st, dir, err);
    shale_buf_deinit(&b);
    return rc;
}

/* After completion: the new shared files enter the registry (the reused
 * ones were referenced by start), the checkpoint enters the list. */
static int register_done(shale_ckpt_pending *p, shale_err *err)
{
    shale_ckpt_store *s = p->s;
    int rc = SHALE_OK;
    shale_mutex_lock(&s->mu.lock);
    for (size_t i = 0; rc == SHALE_OK && i < p->meta->n_files; i++)
        if (p->meta->files[i].kind == CKPT_SHARED && p->upload[i])
            rc = ckpt_reg_ref_locked(s, p->meta->identity, &p->meta->files[i], err);
    if (rc == SHALE_OK) {
        rc = ckpt_push_done_locked(s, p->meta, err);
        p->meta = NULL;
    }
    shale_mutex_unlock(&s->mu.lock);
    return rc;
}

void ckpt_pending_free(shale_ckpt_pending *p)
{
    if (p->staging != NULL)
        (void)ckpt_rmtree(p->staging, NULL);
    shale_mutex_lock(&p->s->mu.lock);
    p->s->mu.pending--;
    shale_mutex_unlock(&p->s->mu.lock);
    ckpt_meta_free(p->meta);
    free(p->staging);
    free(p->upload);
    free(p);
}

/* Undoes an incomplete checkpoint: references, uploads, chk-N/. */
static void undo(shale_ckpt_pending *p)
{
    shale_ckpt_store *s = p->s;
    shale_ckpt_storage *st = s->st;
    char name[CKPT_NAME_MAX + 32];
    for (size_t i = 0; p->meta != NULL && i < p->meta->n_files; i++) {
        ckpt_file *f = &p->meta->files[i];
        bool drop = p->upload[i];
        if (f->kind == CKPT_SHARED && !p->upload[i]) {
            shale_mutex_lock(&s->mu.lock);
            drop = ckpt_reg_unref_locked(s, f->stored);
            shale_mutex_unlock(&s->mu.lock);
        }
        if (drop) {
            stored_path(p, f, name, sizeof name);
            (void)st->ops->remove(st, name, NULL);
        }
    }
    ckpt_chk_name(p->id, CKPT_META_TMP_NAME, name, sizeof name);
    (void)st->ops->remove(st, name, NULL);
    ckpt_chk_name(p->id, NULL, name, sizeof name);
    (void)st->ops->rmdir(st, name, NULL);
}

int ckpt_finish_keep(shale_ckpt_pending *p, shale_ckpt_metrics *out, shale_err *err)
{
    shale_ckpt_metrics m = { .id = p->id, .sync_micros = p->sync_micros };
    shale_ckpt_store *s = p->s;
    uint64_t t0 = ckpt_now_micros();
    int rc = upload_all(p, &m, err);
    if (rc == SHALE_OK)
        rc = write_metadata(p, err);
    if (rc != SHALE_OK) {
        undo(p);
        return rc;
    }
    m.files_total = (uint32_t)p->meta->n_files;
    /* Durable from here on; a failure to register only delays its use. */
    rc = register_done(p, err);
    if (rc == SHALE_OK)
        m.files_deleted = ckpt_apply_retention(s, (size_t)s->opts.num_retained);
    m.async_micros = ckpt_now_micros() - t0;
    if (out != NULL)
        *out = m;
    return rc;
}

int shale_ckpt_finish(shale_ckpt_pending *p, shale_ckpt_metrics *m, shale_err *err)
{
    int rc = ckpt_finish_keep(p, m, err);
    ckpt_pending_free(p);
    return rc;
}

void shale_ckpt_abort(shale_ckpt_pending *p)
{
    if (p == NULL)
        return;
    undo(p);
    ckpt_pending_free(p);
}

void shale_ckpt_cancel(shale_ckpt_pending *p)
{
    p->cancel = true;
}

uint64_t shale_ckpt_pending_id(const shale_ckpt_pending *p)
{
    return p->id;
}

int shale_ckpt_take(shale_ckpt_store *s, shale_db *db, shale_ckpt_metrics *m, shale_err *err)
{
    shale_ckpt_pending *p = NULL;
    int rc = shale_ckpt_start(s, db, &p, err);
    return rc == SHALE_OK ? shale_ckpt_finish(p, m, err) : rc;
}
