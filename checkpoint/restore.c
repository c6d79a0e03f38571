/* checkpoint/restore.c: verifying a checkpoint and restoring it into a new
 * database directory.
 *
 * Everything read from storage is untrusted.  The metadata was validated
 * on decode (ckpt_meta.c: every name is one plain file name, every local
 * name a database file name, no duplicates), so a file can only be written
 * as "<target>.restoring/<local name>".  Each file is streamed from the
 * storage, its size and CRC32C compared with the metadata, and written and
 * synced; only when all match is the directory renamed to the target.  On
 * any failure the temporary directory is removed and the target was never
 * created. */
#include "shale/checkpoint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/ckpt_io.h"
#include "checkpoint/ckpt_store.h"
#include "lsm/util/crc32c.h"
#include "lsm/util/err.h"

static void file_name(uint64_t id, const ckpt_file *f, char *buf, size_t n)
{
    if (f->kind == CKPT_SHARED)
        snprintf(buf, n, "shared/%s", f->stored);
    else
        ckpt_chk_name(id, f->stored, buf, n);
}

/* Streams one file out of storage into out (NULL: only checks it). */
static int stream_file(shale_ckpt_storage *st, const char *name, const ckpt_file *f,
                       shale_file *out, uint64_t id, shale_err *err)
{
    char *buf = malloc(CKPT_COPY_CHUNK);
    if (buf == NULL)
        return SHALE_NOMEM(err);
    uint64_t off = 0;
    uint32_t crc = 0;
    int rc = SHALE_OK;
    for (;;) {
        size_t got = 0;
        shale_err e = {0};
        rc = st->ops->read(st, name, off, CKPT_COPY_CHUNK, buf, &got, &e);
        if (rc == SHALE_NOT_FOUND) {
            rc = SHALE_CORRUPT(err, "checkpoint %" PRIu64 ": %s (%s) is missing", id, name,
                               f->local);
            break;
        }
        if (rc != SHALE_OK) {
            rc = shale_err_copy(err, &e);
            break;
        }
        if (got == 0 || off + got > f->size)
            break;
        crc = crc32c_extend(crc, buf, got);
        off += got;
        if (out != NULL && (rc = shale_file_append(out, buf, got, err)) != SHALE_OK)
            break;
    }
    free(buf);
    if (rc != SHALE_OK)
        return rc;
    if (off != f->size || crc != f->crc) {
        uint64_t size = 0;
        (void)st->ops->size(st, name, &size, NULL);
        return SHALE_CORRUPT(err,
                             "checkpoint %" PRIu64 ": %s (%s): %s (%" PRIu64 " bytes, "
                             "expected %" PRIu64 ")", id, name, f->local,
                             size != f->size ? "size mismatch" : "checksum mismatch", size,
                             f->size);
    }
    return SHALE_OK;
}

/* The metadata of a completed checkpoint, read afresh from storage. */
static int load(shale_ckpt_store *s, uint64_t id, ckpt_meta **m, shale_err *err)
{
    int rc = ckpt_load_meta(s->st, id, m, err);
    if (rc != SHALE_OK)
        return rc;
    for (size_t i = 0; i < (*m)->n_files; i++)
        if (strcmp((*m)->files[i].local, "CURRENT") == 0)
            return SHALE_OK;
    ckpt_meta_free(*m);
    *m = NULL;
    return SHALE_CORRUPT(err, "checkpoint %" PRIu64 ": no CURRENT file listed", id);
}

int shale_ckpt_verify(shale_ckpt_store *s, uint64_t id, shale_err *err)
{
    ckpt_meta *m = NULL;
    int rc = load(s, id, &m, err);
    for (size_t i = 0; rc == SHALE_OK && i < m->n_files; i++) {
        char name[CKPT_NAME_MAX + 32];
        file_name(id, &m->files[i], name, sizeof name);
        rc = stream_file(s->st, name, &m->files[i], NULL, id, err);
    }
    ckpt_meta_free(m);
    return rc;
}

static int restore_file(shale_ckpt_store *s, uint64_t id, const ckpt_file *f, const char *tmp,
                        shale_err *err)
{
    shale_env *env = shale_env_default();
    char name[CKPT_NAME_MAX + 32];
    file_name(id, f, name, sizeof name);
    char *path = ckpt_path_join(tmp, f->local);
    if (path == NULL)
        return SHALE_NOMEM(err);
    shale_file *out = NULL;
    int rc = env->ops->open_write(env, path, &out, err);
    if (rc == SHALE_OK)
        rc = stream_file(s->st, name, f, out, id, err);
    if (rc == SHALE_OK)
        rc = shale_file_sync(out, err);
    int rc2 = shale_file_close(out, rc == SHALE_OK ? err : NULL);
    free(path);
    return rc == SHALE_OK ? rc2 : rc;
}

static int restore_into(shale_ckpt_store *s, const ckpt_meta *m, const char *tmp,
                        const char *dir, shale_err *err)
{
    shale_env *env = shale_env_default();
    int rc = env->ops->mkdir(env, tmp, err);
    for (size_t i = 0; rc == SHALE_OK && i < m->n_files; i++)
        rc = restore_file(s, m->id, &m->files[i], tmp, err);
    if (rc == SHALE_OK)
        rc = env->ops->sync_dir(env, tmp, err);
    if (rc == SHALE_OK && ckpt_path_exists(dir))
        rc = SHALE_INVALID(err, "Directory exists: %s", dir);
    if (rc == SHALE_OK)
        rc = env->ops->rename(env, tmp, dir, err);
    if (rc == SHALE_OK)
        rc = ckpt_sync_parent(env, dir, err);
    return rc;
}

int shale_ckpt_restore(shale_ckpt_store *s, uint64_t id, const char *dir, shale_err *err)
{
    if (dir == NULL || dir[0] == '\0')
        return SHALE_INVALID(err, "restore needs a target directory");
    if (ckpt_path_exists(dir))
        return SHALE_INVALID(err, "Directory exists: %s", dir);
    ckpt_meta *m = NULL;
    int rc = load(s, id, &m, err);
    if (rc != SHALE_OK)
        return rc;
    char *tmp = ckpt_path_cat(dir, ".restoring");
    if (tmp == NULL)
        rc = SHALE_NOMEM(err);
    if (rc == SHALE_OK)
        rc = ckpt_rmtree(tmp, err);           /* a stale one from a crash */
    if (rc == SHALE_OK)
        rc = restore_into(s, m, tmp, dir, err);
    if (rc != SHALE_OK && tmp != NULL)
        (void)ckpt_rmtree(tmp, NULL);
    free(tmp);
    ckpt_meta_free(m);
    return rc;
}
