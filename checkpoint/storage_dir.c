/* checkpoint/storage_dir.c: the checkpoint storage in a directory (a local
 * disk or any mounted shared file system), through the default shale_env.
 * Names map to "<root>/<name>".  Every put syncs the file; directory
 * entries become durable with sync_dir, which the store calls before it
 * counts on them (docs/checkpoints.md, "Atomicity"). */
#include "shale/checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/ckpt_io.h"
#include "lsm/util/err.h"

typedef struct dir_storage {
    shale_ckpt_storage base;
    shale_env *env;
    char *root;
} dir_storage;

static char *full_path(dir_storage *d, const char *name)
{
    return name[0] == '\0' ? strdup(d->root) : ckpt_path_join(d->root, name);
}

static int ds_put_file(shale_ckpt_storage *s, const char *src, uint64_t max_len,
                       const char *name, const volatile bool *cancel, uint64_t *size,
                       uint32_t *crc, shale_err *err)
{
    dir_storage *d = (dir_storage *)s;
    char *p = full_path(d, name);
    if (p == NULL)
        return SHALE_NOMEM(err);
    int rc = ckpt_copy_file(d->env, src, p, max_len, cancel, size, crc, err);
    free(p);
    return rc;
}

static int ds_put_data(shale_ckpt_storage *s, const char *name, const void *data, size_t len,
                       shale_err *err)
{
    dir_storage *d = (dir_storage *)s;
    char *p = full_path(d, name);
    if (p == NULL)
        return SHALE_NOMEM(err);
    int rc = ckpt_write_file(d->env, p, data, len, err);
    free(p);
    return rc;
}

static int ds_read(shale_ckpt_storage *s, const char *name, uint64_t offset, size_t n,
                   char *buf, size_t *got, shale_err *err)
{
    dir_storage *d = (dir_storage *)s;
    shale_file *f = NULL;
    char *p = full_path(d, name);
    if (p == NULL)
        return SHALE_NOMEM(err);
    int rc = d->env->ops->open_read(d->env, p, &f, err);
    if (rc == SHALE_OK)
        rc = shale_file_pread(f, offset, n, buf, got, err);
    shale_file_close(f, NULL);
    free(p);
    return rc;
}

static int ds_size(shale_ckpt_storage *s, const char *name, uint64_t *size, shale_err *err)
{
    dir_storage *d = (dir_storage *)s;
    char *p = full_path(d, name);
    if (p == NULL)
        return SHALE_NOMEM(err);
    int rc = d->env->ops->file_size(d->env, p, size, err);
    free(p);
    return rc;
}

static int ds_list(shale_ckpt_storage *s, const char *dir, char ***names, size_t *n,
                   shale_err *err)
{
    dir_storage *d = (dir_storage *)s;
    *names = NULL;
    *n = 0;
    char *p = full_path(d, dir);
    if (p == NULL)
        return SHALE_NOMEM(err);
    shale_err e = {0};
    int rc = d->env->ops->list_dir(d->env, p, names, n, &e);
    free(p);
    if (rc == SHALE_NOT_FOUND)
        return SHALE_OK;
    return rc == SHALE_OK ? SHALE_OK : shale_err_copy(err, &e);
}

static int ds_remove(shale_ckpt_storage *s, const char *name, shale_err *err)
{
    dir_storage *d = (dir_storage *)s;
    char *p = full_path(d, name);
    if (p == NULL)
        return SHALE_NOMEM(err);
    shale_err e = {0};
    int rc = d->env->ops->remove(d->env, p, &e);
    free(p);
    if (rc == SHALE_NOT_FOUND)
        return SHALE_OK;
    return rc == SHALE_OK ? SHALE_OK : shale_err_copy(err, &e);
}

static int ds_rename(shale_ckpt_storage *s, const char *from, const char *to, shale_err *err)
{
    dir_storage *d = (dir_storage *)s;
    char *a = full_path(d, from), *b = full_path(d, to);
    int rc = a == NULL || b == NULL ? SHALE_NOMEM(err) : d->env->ops->rename(d->env, a, b, err);
    free(a);
    free(b);
    return rc;
}

static int ds_mkdir(shale_ckpt_storage *s, const char *dir, shale_err *err)
{
    dir_storage *d = (dir_storage *)s;
    char *p = full_path(d, dir);
    int rc = p == NULL ? SHALE_NOMEM(err) : d->env->ops->mkdir(d->env, p, err);
    free(p);
    return rc;
}

static int ds_rmdir(shale_ckpt_storage *s, const char *dir, shale_err *err)
{
    dir_storage *d = (dir_storage *)s;
    char *p = full_path(d, dir);
    if (p == NULL)
        return SHALE_NOMEM(err);
    shale_err e = {0};
    int rc = d->env->ops->rmdir(d->env, p, &e);
    free(p);
    if (rc == SHALE_NOT_FOUND)
        return SHALE_OK;
    return rc == SHALE_OK ? SHALE_OK : shale_err_copy(err, &e);
}

static int ds_sync_dir(shale_ckpt_storage *s, const char *dir, shale_err *err)
{
    dir_storage *d = (dir_storage *)s;
    char *p = full_path(d, dir);
    int rc = p == NULL ? SHALE_NOMEM(err) : d->env->ops->sync_dir(d->env, p, err);
    free(p);
    return rc;
}

static void ds_describe(shale_ckpt_storage *s, const char *name, char *buf, size_t n)
{
    dir_storage *d = (dir_storage *)s;
    snprintf(buf, n, "%s/%s", d->root, name);
}

static void ds_free(shale_ckpt_storage *s)
{
    dir_storage *d = (dir_storage *)s;
    free(d->root);
    free(d);
}

static const shale_ckpt_storage_ops DIR_OPS = {
    ds_put_file, ds_put_data, ds_read, ds_size, ds_list, ds_remove,
    ds_rename,   ds_mkdir,    ds_rmdir, ds_sync_dir, ds_describe, ds_free,
};

int shale_ckpt_storage_dir_open(const char *root, shale_ckpt_storage **out, shale_err *err)
{
    *out = NULL;
    if (root == NULL || root[0] == '\0')
        return SHALE_INVALID(err, "checkpoint storage needs a root directory");
    dir_storage *d = calloc(1, sizeof *d);
    if (d == NULL || (d->root = strdup(root)) == NULL) {
        free(d);
        return SHALE_NOMEM(err);
    }
    size_t n = strlen(d->root);
    while (n > 1 && d->root[n - 1] == '/')
        d->root[--n] = '\0';
    d->base.ops = &DIR_OPS;
    d->env = shale_env_default();
    int rc = d->env->ops->mkdir(d->env, d->root, err);
    if (rc != SHALE_OK) {
        ds_free(&d->base);
        return rc;
    }
    *out = &d->base;
    return SHALE_OK;
}

void shale_ckpt_storage_free(shale_ckpt_storage *s)
{
    if (s != NULL)
        s->ops->free(s);
}
