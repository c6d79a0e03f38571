/* tests/support/fault_env.c: see fault_env.h for what is modelled.
 *
 * Bookkeeping, all under mu.lock:
 *   tracked files  one `tfile` per file written through the env: bytes
 *                  written and bytes synced.  Entries are never freed
 *                  before the env (open handles point at them); a removed
 *                  or replaced file's entry is marked gone.
 *   journal        directory operations not yet covered by a sync_dir(),
 *                  newest first, each with what undoing it needs.
 *   generation     bumped by power loss; handles of an older generation
 *                  are dead.
 * Power loss rewrites files through the target env only (truncate, or read
 * whole + rewrite), so any target env works. */
#include "tests/support/fault_env.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"

typedef struct tfile {
    char *path;
    uint64_t size;      /* bytes written */
    uint64_t synced;    /* bytes durable */
    uint64_t reserved;  /* allocated size on disk made durable by a sync */
    uint64_t reserving; /* allocated size on disk, synced or not */
    bool gone;          /* removed or replaced; kept for open handles */
    struct tfile *next;
} tfile;

enum jkind { J_CREATE, J_RENAME, J_REMOVE };

typedef struct jop {
    enum jkind kind;
    char *path;          /* created / removed / renamed-from name */
    char *to;            /* J_RENAME: new name */
    char *saved;         /* J_REMOVE: durable content; J_RENAME: replaced file's */
    size_t saved_len;
    bool has_saved;
    bool from_dir_synced, to_dir_synced;
    tfile *file;         /* J_REMOVE: the removed file; J_RENAME: the moved one */
    tfile *replaced;     /* J_RENAME: the file `to` held before, if tracked */
    struct jop *next;    /* older */
} jop;

typedef struct fault_rule {
    bool armed;
    bool persistent;
    uint64_t at;         /* fail when the op count reaches this */
    int sys_errno;
} fault_rule;

typedef struct fault_env {
    shale_env base;      /* first: a shale_env * is a fault_env * */
    shale_env *target;   /* immutable */
    struct {             /* protected by mu.lock */
        pthread_mutex_t lock;
        uint64_t counts[FAULT_OP_COUNT];
        fault_rule rules[FAULT_OP_COUNT];
        uint64_t injected;
        tfile *files;
        jop *journal;
        uint64_t generation;
        uint64_t rng;
    } mu;
} fault_env;

typedef struct fault_file {
    shale_file base;
    fault_env *env;
    shale_file *target;
    tfile *tf;           /* NULL for files opened for reading */
    uint64_t generation;
} fault_file;

static const char *const op_names[FAULT_OP_COUNT] = {
    "write", "sync", "rename", "open", "sync_dir", "remove", "read",
};

static fault_env *fe_of(shale_env *env) { return (fault_env *)env; }

static void lock(fault_env *fe) { pthread_mutex_lock(&fe->mu.lock); }
static void unlock(fault_env *fe) { pthread_mutex_unlock(&fe->mu.lock); }

static uint64_t next_random_locked(fault_env *fe)
{
    uint64_t z = (fe->mu.rng += 0x9e3779b97f4a7c15u);   /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Counts an operation and decides whether it fails (then fills *err). */
static int count_op_locked(fault_env *fe, fault_op op, const char *path, shale_err *err)
{
    uint64_t n = ++fe->mu.counts[op];
    fault_rule *r = &fe->mu.rules[op];
    if (!r->armed || n < r->at || (!r->persistent && n > r->at))
        return SHALE_OK;
    if (!r->persistent)
        r->armed = false;
    fe->mu.injected++;
    return SHALE_IOERR(err, r->sys_errno, "injected %s failure #%" PRIu64 " on %s", op_names[op],
                       n, path != NULL ? path : "?");
}

static tfile *find_locked(fault_env *fe, const char *path)
{
    for (tfile *t = fe->mu.files; t != NULL; t = t->next)
        if (!t->gone && strcmp(t->path, path) == 0)
            return t;
    return NULL;
}

static tfile *track_locked(fault_env *fe, const char *path)
{
    tfile *t = find_locked(fe, path);
    if (t != NULL)
        return t;
    t = calloc(1, sizeof *t);
    if (t == NULL || (t->path = strdup(path)) == NULL) {
        free(t);
        return NULL;
    }
    t->next = fe->mu.files;
    fe->mu.files = t;
    return t;
}

static bool set_path(tfile *t, const char *path)
{
    char *p = strdup(path);
    if (p == NULL)
        return false;
    free(t->path);
    t->path = p;
    return true;
}

/* The directory holding `path`, as a string: "d/x" -> "d", "x" -> ".". */
static void parent_dir(const char *path, char *out, size_t cap)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 0)
        snprintf(out, cap, ".");
    else
        snprintf(out, cap, "%.*s", (int)n, path);
}

static bool same_dir(const char *dir, const char *path)
{
    char a[4096], b[4096];
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    snprintf(a, sizeof a, "%.*s", (int)n, dir);
    parent_dir(path, b, sizeof b);
    return strcmp(a, b) == 0;
}

/* ---- whole-file helpers over the target env ---- */

static int read_whole(shale_env *t, const char *path, char **data, size_t *len, shale_err *err)
{
    shale_file *f = NULL;
    uint64_t size = 0;
    *data = NULL;
    *len = 0;
    int rc = t->ops->open_read(t, path, &f, err);
    if (rc == SHALE_OK)
        rc = shale_file_size(f, &size, err);
    if (rc == SHALE_OK && (*data = malloc(size + 1)) == NULL)
        rc = SHALE_NOMEM(err);
    if (rc == SHALE_OK)
        rc = shale_file_pread(f, 0, (size_t)size, *data, len, err);
    shale_file_close(f, NULL);
    if (rc != SHALE_OK) {
        free(*data);
        *data = NULL;
    }
    return rc;
}

static int write_whole(shale_env *t, const char *path, const char *data, size_t len,
                       shale_err *err)
{
    shale_file *f = NULL;
    int rc = t->ops->open_write(t, path, &f, err);
    if (rc == SHALE_OK && len > 0)
        rc = shale_file_append(f, data, len, err);
    if (rc == SHALE_OK)
        rc = shale_file_sync(f, err);
    int crc = shale_file_close(f, rc == SHALE_OK ? err : NULL);
    return rc != SHALE_OK ? rc : crc;
}

/* The durable content of an existing file, for undoing its removal or
 * replacement: the synced prefix if tracked, else all of it. */
static bool save_durable_locked(fault_env *fe, const char *path, jop *j)
{
    char *data;
    size_t len;
    if (read_whole(fe->target, path, &data, &len, NULL) != SHALE_OK)
        return false;
    tfile *t = find_locked(fe, path);
    if (t != NULL && t->synced < len)
        len = (size_t)t->synced;
    j->saved = data;
    j->saved_len = len;
    j->has_saved = true;
    return true;
}

static jop *journal_add_locked(fault_env *fe, enum jkind kind, const char *path, const char *to)
{
    jop *j = calloc(1, sizeof *j);
    if (j == NULL)
        return NULL;
    j->kind = kind;
    j->path = strdup(path);
    j->to = to != NULL ? strdup(to) : NULL;
    j->next = fe->mu.journal;
    fe->mu.journal = j;
    return j;
}

static void jop_free(jop *j)
{
    free(j->path);
    free(j->to);
    free(j->saved);
    free(j);
}

/* ---- files ---- */

static int ff_pread(shale_file *f, uint64_t off, size_t n, char *buf, size_t *got,
                    shale_err *err)
{
    fault_file *ff = (fault_file *)f;
    *got = 0;
    lock(ff->env);
    int rc = count_op_locked(ff->env, FAULT_OP_READ, f->name, err);
    unlock(ff->env);
    return rc != SHALE_OK ? rc : shale_file_pread(ff->target, off, n, buf, got, err);
}

static int dead_locked(fault_file *ff, shale_err *err)
{
    if (ff->generation == ff->env->mu.generation)
        return SHALE_OK;
    return SHALE_IOERR(err, EIO, "%s: handle died in a simulated power loss", ff->base.name);
}

static int ff_append(shale_file *f, const char *data, size_t n, shale_err *err)
{
    fault_file *ff = (fault_file *)f;
    lock(ff->env);
    int rc = count_op_locked(ff->env, FAULT_OP_WRITE, f->name, err);
    if (rc == SHALE_OK)
        rc = dead_locked(ff, err);
    if (rc == SHALE_OK)
        rc = shale_file_append(ff->target, data, n, err);
    if (rc == SHALE_OK && ff->tf != NULL)
        ff->tf->size += n;
    unlock(ff->env);
    return rc;
}

static int ff_sync(shale_file *f, shale_err *err)
{
    fault_file *ff = (fault_file *)f;
    lock(ff->env);
    int rc = count_op_locked(ff->env, FAULT_OP_SYNC, f->name, err);
    if (rc == SHALE_OK)
        rc = dead_locked(ff, err);
    if (rc == SHALE_OK)
        rc = shale_file_sync(ff->target, err);
    if (rc == SHALE_OK && ff->tf != NULL) {
        ff->tf->synced = ff->tf->size;
        ff->tf->reserved = ff->tf->reserving;
    }
    unlock(ff->env);
    return rc;
}

static int ff_size(shale_file *f, uint64_t *size, shale_err *err)
{
    return shale_file_size(((fault_file *)f)->target, size, err);
}

static int ff_close(shale_file *f, shale_err *err)
{
    fault_file *ff = (fault_file *)f;
    int rc = shale_file_close(ff->target, err);
    free((char *)f->name);
    free(ff);
    return rc;
}

/* Passed through; a target without allocate reserves nothing (a no-op,
 * as on a file system without fallocate). */
static int ff_allocate(shale_file *f, uint64_t off, uint64_t len, shale_err *err)
{
    fault_file *ff = (fault_file *)f;
    lock(ff->env);
    int rc = dead_locked(ff, err);
    if (rc == SHALE_OK && ff->target->ops->allocate != NULL) {
        rc = ff->target->ops->allocate(ff->target, off, len, err);
        if (rc == SHALE_OK && ff->tf != NULL && off + len > ff->tf->reserving)
            ff->tf->reserving = off + len;
    }
    unlock(ff->env);
    return rc;
}

static void cut_tracked(tfile *t, uint64_t size)
{
    t->size = size;
    if (t->synced > size)
        t->synced = size;
    if (t->reserved > size)
        t->reserved = size;
    if (t->reserving > size)
        t->reserving = size;
}

/* Through the target file, or its env by path when the file has none. */
static int ff_truncate(shale_file *f, uint64_t size, shale_err *err)
{
    fault_file *ff = (fault_file *)f;
    shale_env *te = ff->env->target;
    lock(ff->env);
    int rc = dead_locked(ff, err);
    if (rc == SHALE_OK)
        rc = ff->target->ops->truncate != NULL
                 ? ff->target->ops->truncate(ff->target, size, err)
                 : te->ops->truncate(te, f->name, size, err);
    if (rc == SHALE_OK && ff->tf != NULL)
        cut_tracked(ff->tf, size);
    unlock(ff->env);
    return rc;
}

static const shale_file_ops fault_file_ops = {
    .pread = ff_pread, .append = ff_append, .sync = ff_sync, .size = ff_size, .close = ff_close,
    .allocate = ff_allocate, .truncate = ff_truncate,
};

static int wrap_locked(fault_env *fe, shale_file *target, tfile *tf, const char *path,
                       shale_file **out, shale_err *err)
{
    fault_file *ff = calloc(1, sizeof *ff);
    char *name = strdup(path);
    if (ff == NULL || name == NULL) {
        free(ff);
        free(name);
        shale_file_close(target, NULL);
        return SHALE_NOMEM(err);
    }
    ff->base.ops = &fault_file_ops;
    ff->base.name = name;
    ff->env = fe;
    ff->target = target;
    ff->tf = tf;
    ff->generation = fe->mu.generation;
    *out = &ff->base;
    return SHALE_OK;
}

/* ---- env operations ---- */

static int fe_open_read(shale_env *env, const char *path, shale_file **out, shale_err *err)
{
    fault_env *fe = fe_of(env);
    shale_file *t = NULL;
    *out = NULL;
    lock(fe);
    int rc = count_op_locked(fe, FAULT_OP_OPEN, path, err);
    if (rc == SHALE_OK)
        rc = fe->target->ops->open_read(fe->target, path, &t, err);
    if (rc == SHALE_OK)
        rc = wrap_locked(fe, t, NULL, path, out, err);
    unlock(fe);
    return rc;
}

/* open_write (truncate) or open_append: tracks the file and journals its
 * creation when it did not exist. */
static int open_writable(shale_env *env, const char *path, bool append, shale_file **out,
                         shale_err *err)
{
    fault_env *fe = fe_of(env);
    shale_env *te = fe->target;
    shale_file *t = NULL;
    uint64_t size = 0;
    *out = NULL;
    lock(fe);
    int rc = count_op_locked(fe, FAULT_OP_OPEN, path, err);
    bool existed = rc == SHALE_OK && te->ops->file_size(te, path, &size, NULL) == SHALE_OK;
    if (rc == SHALE_OK)
        rc = append ? te->ops->open_append(te, path, &t, err)
                    : te->ops->open_write(te, path, &t, err);
    if (rc == SHALE_OK) {
        bool known = find_locked(fe, path) != NULL;
        tfile *tf = track_locked(fe, path);
        if (tf == NULL || (!existed && journal_add_locked(fe, J_CREATE, path, NULL) == NULL)) {
            shale_file_close(t, NULL);
            rc = SHALE_NOMEM(err);
        } else {
            tf->size = append && existed ? size : 0;
            if (!append || !known)
                tf->synced = tf->size;   /* new, truncated, or pre-existing data */
            if (tf->synced > tf->size)
                tf->synced = tf->size;
            rc = wrap_locked(fe, t, tf, path, out, err);
        }
    }
    unlock(fe);
    return rc;
}

static int fe_open_write(shale_env *env, const char *path, shale_file **out, shale_err *err)
{
    return open_writable(env, path, false, out, err);
}

static int fe_open_append(shale_env *env, const char *path, shale_file **out, shale_err *err)
{
    return open_writable(env, path, true, out, err);
}

static int fe_remove(shale_env *env, const char *path, shale_err *err)
{
    fault_env *fe = fe_of(env);
    jop tmp = {0};
    lock(fe);
    int rc = count_op_locked(fe, FAULT_OP_REMOVE, path, err);
    if (rc == SHALE_OK) {
        bool saved = save_durable_locked(fe, path, &tmp);
        rc = fe->target->ops->remove(fe->target, path, err);
        jop *j = rc == SHALE_OK && saved ? journal_add_locked(fe, J_REMOVE, path, NULL) : NULL;
        if (j != NULL) {
            j->saved = tmp.saved;
            j->saved_len = tmp.saved_len;
            j->has_saved = true;
            tmp.saved = NULL;
            j->file = find_locked(fe, path);
        }
        tfile *tf = rc == SHALE_OK ? find_locked(fe, path) : NULL;
        if (tf != NULL)
            tf->gone = true;
    }
    free(tmp.saved);
    unlock(fe);
    return rc;
}

static int fe_rename(shale_env *env, const char *from, const char *to, shale_err *err)
{
    fault_env *fe = fe_of(env);
    jop tmp = {0};
    lock(fe);
    int rc = count_op_locked(fe, FAULT_OP_RENAME, to, err);
    if (rc == SHALE_OK) {
        save_durable_locked(fe, to, &tmp);   /* absent `to`: nothing to restore */
        rc = fe->target->ops->rename(fe->target, from, to, err);
    }
    jop *j = rc == SHALE_OK ? journal_add_locked(fe, J_RENAME, from, to) : NULL;
    if (j != NULL) {
        j->saved = tmp.saved;
        j->saved_len = tmp.saved_len;
        j->has_saved = tmp.has_saved;
        tmp.saved = NULL;
        j->replaced = find_locked(fe, to);
        j->file = find_locked(fe, from);
        if (j->replaced != NULL)
            j->replaced->gone = true;
        if (j->file != NULL && !set_path(j->file, to))
            j->file = NULL;
    }
    free(tmp.saved);
    unlock(fe);
    return rc;
}

/* Drops journal entries that a sync of `dir` made durable. */
static void commit_dir_locked(fault_env *fe, const char *dir)
{
    jop **pp = &fe->mu.journal;
    while (*pp != NULL) {
        jop *j = *pp;
        bool durable;
        if (j->kind == J_RENAME) {
            j->from_dir_synced |= same_dir(dir, j->path);
            j->to_dir_synced |= same_dir(dir, j->to);
            durable = j->from_dir_synced && j->to_dir_synced;
        } else {
            durable = same_dir(dir, j->path);
        }
        if (durable) {
            *pp = j->next;
            jop_free(j);
        } else {
            pp = &j->next;
        }
    }
}

static int fe_sync_dir(shale_env *env, const char *path, shale_err *err)
{
    fault_env *fe = fe_of(env);
    lock(fe);
    int rc = count_op_locked(fe, FAULT_OP_SYNC_DIR, path, err);
    if (rc == SHALE_OK)
        rc = fe->target->ops->sync_dir(fe->target, path, err);
    if (rc == SHALE_OK)
        commit_dir_locked(fe, path);
    unlock(fe);
    return rc;
}

static int fe_link(shale_env *env, const char *from, const char *to, shale_err *err)
{
    fault_env *fe = fe_of(env);
    lock(fe);
    int rc = fe->target->ops->link(fe->target, from, to, err);
    if (rc == SHALE_OK && journal_add_locked(fe, J_CREATE, to, NULL) == NULL)
        rc = SHALE_NOMEM(err);
    unlock(fe);
    return rc;
}

static int fe_truncate(shale_env *env, const char *path, uint64_t size, shale_err *err)
{
    fault_env *fe = fe_of(env);
    lock(fe);
    int rc = fe->target->ops->truncate(fe->target, path, size, err);
    tfile *tf = rc == SHALE_OK ? find_locked(fe, path) : NULL;
    if (tf != NULL)
        cut_tracked(tf, size);
    unlock(fe);
    return rc;
}

/* Pass-throughs: no bookkeeping needed. */
static int fe_mkdir(shale_env *env, const char *path, shale_err *err)
{
    shale_env *t = fe_of(env)->target;
    return t->ops->mkdir(t, path, err);
}

static int fe_rmdir(shale_env *env, const char *path, shale_err *err)
{
    shale_env *t = fe_of(env)->target;
    return t->ops->rmdir(t, path, err);
}

static int fe_list_dir(shale_env *env, const char *path, char ***names, size_t *count,
                       shale_err *err)
{
    shale_env *t = fe_of(env)->target;
    return t->ops->list_dir(t, path, names, count, err);
}

static int fe_file_size(shale_env *env, const char *path, uint64_t *size, shale_err *err)
{
    shale_env *t = fe_of(env)->target;
    return t->ops->file_size(t, path, size, err);
}

static int fe_lock_file(shale_env *env, const char *path, shale_file **lk, shale_err *err)
{
    shale_env *t = fe_of(env)->target;
    return t->ops->lock_file(t, path, lk, err);
}

static uint64_t fe_now_micros(shale_env *env)
{
    shale_env *t = fe_of(env)->target;
    return t->ops->now_micros(t);
}

static uint64_t fe_now_nanos(shale_env *env)
{
    shale_env *t = fe_of(env)->target;
    return t->ops->now_nanos(t);
}

static void fe_sleep_micros(shale_env *env, uint64_t micros)
{
    shale_env *t = fe_of(env)->target;
    t->ops->sleep_micros(t, micros);
}

static const shale_env_ops fault_env_ops = {
    .open_read = fe_open_read,   .open_write = fe_open_write, .open_append = fe_open_append,
    .remove = fe_remove,         .rename = fe_rename,         .mkdir = fe_mkdir,
    .rmdir = fe_rmdir,           .sync_dir = fe_sync_dir,     .list_dir = fe_list_dir,
    .file_size = fe_file_size,   .truncate = fe_truncate,     .lock_file = fe_lock_file,
    .link = fe_link,             .now_micros = fe_now_micros, .now_nanos = fe_now_nanos,
    .sleep_micros = fe_sleep_micros,
};

/* ---- power loss ---- */

static int garble_locked(fault_env *fe, tfile *t, shale_err *err)
{
    char *data;
    size_t len;
    int rc = read_whole(fe->target, t->path, &data, &len, err);
    if (rc != SHALE_OK)
        return rc;
    size_t end = t->size < len ? (size_t)t->size : len;
    for (size_t i = (size_t)t->synced; i < end; i++)
        data[i] = (char)next_random_locked(fe);
    rc = write_whole(fe->target, t->path, data, len, err);
    free(data);
    return rc;
}

/* Loses the unsynced bytes of one file, as `mode` says. */
static int lose_data_locked(fault_env *fe, tfile *t, fault_power_loss_mode mode, shale_err *err)
{
    shale_env *te = fe->target;
    uint64_t keep = t->synced;
    if (mode == FAULT_GARBLE_UNSYNCED)
        return garble_locked(fe, t, err);
    if (mode == FAULT_KEEP_RANDOM_PREFIX)
        keep += next_random_locked(fe) % (t->size - t->synced + 1);
    int rc = te->ops->truncate(te, t->path, keep, err);
    if (rc == SHALE_OK && t->reserved > keep)   /* the durable reservation: zeros */
        rc = te->ops->truncate(te, t->path, t->reserved, err);
    return rc;
}

static int undo_locked(fault_env *fe, jop *j, shale_err *err)
{
    shale_env *te = fe->target;
    int rc = SHALE_OK;
    switch (j->kind) {
    case J_CREATE: {
        tfile *t = find_locked(fe, j->path);
        if (t != NULL)
            t->gone = true;
        rc = te->ops->remove(te, j->path, err);
        return rc == SHALE_NOT_FOUND ? SHALE_OK : rc;
    }
    case J_RENAME:
        rc = te->ops->rename(te, j->to, j->path, err);
        if (j->file != NULL && !set_path(j->file, j->path))
            j->file->gone = true;
        if (rc == SHALE_OK && j->has_saved)
            rc = write_whole(te, j->to, j->saved, j->saved_len, err);
        if (j->replaced != NULL)
            j->replaced->gone = false;
        return rc;
    case J_REMOVE:
        if (j->file != NULL)
            j->file->gone = false;
        return write_whole(te, j->path, j->saved, j->saved_len, err);
    }
    return rc;
}

/* After the crash every surviving file is durable as it stands. */
static void reset_after_loss_locked(fault_env *fe)
{
    shale_env *te = fe->target;
    for (tfile *t = fe->mu.files; t != NULL; t = t->next) {
        uint64_t size;
        if (t->gone)
            continue;
        if (te->ops->file_size(te, t->path, &size, NULL) != SHALE_OK)
            t->gone = true;
        else
            t->size = t->synced = size;
        t->reserved = t->reserving = 0;
    }
    fe->mu.generation++;
}

int fault_env_simulate_power_loss(shale_env *env, fault_power_loss_mode mode, shale_err *err)
{
    fault_env *fe = fe_of(env);
    int first = SHALE_OK;
    lock(fe);
    for (tfile *t = fe->mu.files; t != NULL; t = t->next) {
        if (t->gone || t->size <= t->synced)
            continue;
        int rc = lose_data_locked(fe, t, mode, first == SHALE_OK ? err : NULL);
        if (first == SHALE_OK && rc != SHALE_OK && rc != SHALE_NOT_FOUND)
            first = rc;
    }
    while (fe->mu.journal != NULL) {
        jop *j = fe->mu.journal;
        fe->mu.journal = j->next;
        int rc = undo_locked(fe, j, first == SHALE_OK ? err : NULL);
        if (first == SHALE_OK && rc != SHALE_OK)
            first = rc;
        jop_free(j);
    }
    reset_after_loss_locked(fe);
    unlock(fe);
    return first;
}

int fault_env_drop_unsynced_tail(shale_env *env, const char *path, uint64_t nbytes,
                                 shale_err *err)
{
    fault_env *fe = fe_of(env);
    lock(fe);
    tfile *t = find_locked(fe, path);
    int rc;
    if (t == NULL) {
        rc = SHALE_ERR(err, SHALE_NOT_FOUND, "%s is not tracked by the fault env", path);
    } else {
        uint64_t unsynced = t->size - t->synced;
        uint64_t keep = t->size - (nbytes < unsynced ? nbytes : unsynced);
        rc = fe->target->ops->truncate(fe->target, path, keep, err);
        if (rc == SHALE_OK)
            t->size = keep;
    }
    unlock(fe);
    return rc;
}

/* ---- setup and queries ---- */

shale_env *fault_env_new(shale_env *target)
{
    fault_env *fe = calloc(1, sizeof *fe);
    if (fe == NULL)
        return NULL;
    fe->base.ops = &fault_env_ops;
    fe->target = target;
    fe->mu.rng = 0x5ca1ab1e;
    pthread_mutex_init(&fe->mu.lock, NULL);
    return &fe->base;
}

void fault_env_free(shale_env *env)
{
    if (env == NULL)
        return;
    fault_env *fe = fe_of(env);
    while (fe->mu.journal != NULL) {
        jop *j = fe->mu.journal;
        fe->mu.journal = j->next;
        jop_free(j);
    }
    while (fe->mu.files != NULL) {
        tfile *t = fe->mu.files;
        fe->mu.files = t->next;
        free(t->path);
        free(t);
    }
    pthread_mutex_destroy(&fe->mu.lock);
    free(fe);
}

void fault_env_fail_nth(shale_env *env, fault_op op, uint64_t n, int sys_errno, bool persistent)
{
    fault_env *fe = fe_of(env);
    lock(fe);
    fault_rule *r = &fe->mu.rules[op];
    r->armed = true;
    r->persistent = persistent;
    r->at = fe->mu.counts[op] + (n == 0 ? 1 : n);
    r->sys_errno = sys_errno;
    unlock(fe);
}

void fault_env_clear_faults(shale_env *env)
{
    fault_env *fe = fe_of(env);
    lock(fe);
    memset(fe->mu.rules, 0, sizeof fe->mu.rules);
    unlock(fe);
}

uint64_t fault_env_op_count(shale_env *env, fault_op op)
{
    fault_env *fe = fe_of(env);
    lock(fe);
    uint64_t n = fe->mu.counts[op];
    unlock(fe);
    return n;
}

uint64_t fault_env_injected_failures(shale_env *env)
{
    fault_env *fe = fe_of(env);
    lock(fe);
    uint64_t n = fe->mu.injected;
    unlock(fe);
    return n;
}

int fault_env_file_state(shale_env *env, const char *path, uint64_t *size, uint64_t *synced)
{
    fault_env *fe = fe_of(env);
    lock(fe);
    tfile *t = find_locked(fe, path);
    if (t != NULL) {
        *size = t->size;
        *synced = t->synced;
    }
    unlock(fe);
    return t != NULL ? SHALE_OK : SHALE_NOT_FOUND;
}

size_t fault_env_pending_dir_ops(shale_env *env)
{
    fault_env *fe = fe_of(env);
    size_t n = 0;
    lock(fe);
    for (jop *j = fe->mu.journal; j != NULL; j = j->next)
        n++;
    unlock(fe);
    return n;
}

void fault_env_set_seed(shale_env *env, uint64_t seed)
{
    fault_env *fe = fe_of(env);
    lock(fe);
    fe->mu.rng = seed;
    unlock(fe);
}
