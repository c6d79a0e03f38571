/* checkpoint/ckpt_io.c: local file helpers for checkpoints (see ckpt_io.h).
 * Copies stream in CKPT_COPY_CHUNK pieces and checksum what they write, so
 * a checkpoint reads each source byte once. */
#include "checkpoint/ckpt_io.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lsm/util/crc32c.h"
#include "lsm/util/err.h"

char *ckpt_path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (p == NULL)
        return NULL;
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    return p;
}

char *ckpt_path_cat(const char *a, const char *suffix)
{
    size_t la = strlen(a), ls = strlen(suffix);
    char *p = malloc(la + ls + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, a, la);
    memcpy(p + la, suffix, ls + 1);
    return p;
}

/* Streams src[0, max_len) into the open dst, extending *crc. */
static int copy_stream(shale_file *in, shale_file *out, const char *src, uint64_t max_len,
                       const volatile bool *cancel, uint64_t *done, uint32_t *crc,
                       shale_err *err)
{
    char *buf = malloc(CKPT_COPY_CHUNK);
    if (buf == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    while (*done < max_len) {
        if (cancel != NULL && *cancel) {
            rc = SHALE_ERR(err, SHALE_INCOMPLETE, "checkpoint cancelled while copying %s", src);
            break;
        }
        uint64_t left = max_len - *done;
        size_t want = left < CKPT_COPY_CHUNK ? (size_t)left : CKPT_COPY_CHUNK, got = 0;
        if ((rc = shale_file_pread(in, *done, want, buf, &got, err)) != SHALE_OK)
            break;
        if (got == 0) {
            if (max_len != UINT64_MAX)
                rc = SHALE_CORRUPT(err, "%s: %llu bytes, expected %llu", src,
                                   (unsigned long long)*done, (unsigned long long)max_len);
            break;
        }
        if ((rc = shale_file_append(out, buf, got, err)) != SHALE_OK)
            break;
        *crc = crc32c_extend(*crc, buf, got);
        *done += got;
    }
    free(buf);
    return rc;
}

int ckpt_copy_file(shale_env *env, const char *src, const char *dst, uint64_t max_len,
                   const volatile bool *cancel, uint64_t *size, uint32_t *crc, shale_err *err)
{
    shale_file *in = NULL, *out = NULL;
    uint64_t done = 0;
    uint32_t c = 0;
    int rc;
    if ((rc = env->ops->open_read(env, src, &in, err)) != SHALE_OK ||
        (rc = env->ops->open_write(env, dst, &out, err)) != SHALE_OK ||
        (rc = copy_stream(in, out, src, max_len, cancel, &done, &c, err)) != SHALE_OK)
        goto out;
    rc = shale_file_sync(out, err);
out:
    shale_file_close(in, NULL);
    int crc2 = shale_file_close(out, rc == SHALE_OK ? err : NULL);
    if (rc == SHALE_OK)
        rc = crc2;
    if (size != NULL)
        *size = done;
    if (crc != NULL)
        *crc = c;
    return rc;
}

int ckpt_write_file(shale_env *env, const char *path, const void *data, size_t len,
                    shale_err *err)
{
    shale_file *f = NULL;
    int rc;
    if ((rc = env->ops->open_write(env, path, &f, err)) != SHALE_OK ||
        (rc = shale_file_append(f, data, len, err)) != SHALE_OK)
        goto out;
    rc = shale_file_sync(f, err);
out:;
    int rc2 = shale_file_close(f, rc == SHALE_OK ? err : NULL);
    return rc == SHALE_OK ? rc2 : rc;
}

int ckpt_sync_parent(shale_env *env, const char *path, shale_err *err)
{
    char *dir = strdup(path);
    if (dir == NULL)
        return SHALE_NOMEM(err);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        strcpy(dir, ".");
    else if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    int rc = env->ops->sync_dir(env, dir, err);
    free(dir);
    return rc;
}

static int rm_entry(const char *path, shale_err *err);

/* Removes what a directory holds, then the directory. */
static int rm_dir_contents(const char *path, shale_err *err)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return errno == ENOENT ? SHALE_OK : SHALE_IOERR(err, errno, "While opendir %s", path);
    int rc = SHALE_OK;
    struct dirent *e;
    while (rc == SHALE_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = ckpt_path_join(path, e->d_name);
        rc = child == NULL ? SHALE_NOMEM(err) : rm_entry(child, err);
        free(child);
    }
    closedir(d);
    if (rc == SHALE_OK && rmdir(path) != 0 && errno != ENOENT)
        rc = SHALE_IOERR(err, errno, "While rmdir %s", path);
    return rc;
}

static int rm_entry(const char *path, shale_err *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? SHALE_OK : SHALE_IOERR(err, errno, "While lstat %s", path);
    if (S_ISDIR(st.st_mode))
        return rm_dir_contents(path, err);
    if (unlink(path) != 0 && errno != ENOENT)
        return SHALE_IOERR(err, errno, "While unlink %s", path);
    return SHALE_OK;
}

int ckpt_rmtree(const char *path, shale_err *err)
{
    return rm_entry(path, err);
}

bool ckpt_path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

uint64_t ckpt_now_micros(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
