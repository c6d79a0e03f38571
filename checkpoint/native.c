/* checkpoint/native.c: RocksDB's Checkpoint::CreateCheckpoint for shale.
 *
 * The copy is an openable database: the live SSTs hard-linked (copied when
 * linking fails, e.g. EXDEV across file systems), the MANIFEST copied up to
 * the size the engine reports as valid (later edits are not ours to copy),
 * a CURRENT naming that MANIFEST, the OPTIONS file, and, when no flush ran,
 * the live WALs up to their sizes at listing time.  It is built in
 * "<dir>.tmp" and renamed to <dir> after every file and the directory are
 * synced, so <dir> is whole or absent.  File deletions stay disabled from
 * listing to the last copy, so no listed file disappears underneath us.
 *
 *   check dir -> mkdir tmp -> disable deletions -> [flush] list files
 *     -> link/copy each -> CURRENT -> sync tmp -> rename -> sync parent
 *     -> enable deletions   (any failure: enable deletions, remove tmp) */
#include "shale/checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/ckpt_io.h"
#include "lsm/util/err.h"

/* What the engine listed, owned here. */
typedef struct live_set {
    char **names;
    size_t n;
    uint64_t manifest_size;
    char **wals;
    uint64_t *wal_sizes;
    size_t n_wals;
    bool flushed;
} live_set;

static void live_set_deinit(live_set *ls)
{
    shale_cf_names_free(ls->names, ls->n);
    shale_cf_names_free(ls->wals, ls->n_wals);
    shale_free(ls->wal_sizes);
    memset(ls, 0, sizeof *ls);
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t ls = strlen(s), lf = strlen(suf);
    return ls >= lf && strcmp(s + ls - lf, suf) == 0;
}

static const char *base_name(const char *name)
{
    return name[0] == '/' ? name + 1 : name;
}

/* RocksDB's rule: 0 always flushes, UINT64_MAX never, otherwise flush
 * when the live WALs reach log_size_for_flush bytes. */
static int decide_flush(shale_db *db, uint64_t log_size_for_flush, bool *flush, shale_err *err)
{
    *flush = log_size_for_flush == 0;
    if (log_size_for_flush == 0 || log_size_for_flush == UINT64_MAX)
        return SHALE_OK;
    char **names = NULL;
    uint64_t *sizes = NULL, total = 0;
    size_t n = 0;
    int rc = shale_get_live_wal_files(db, &names, &sizes, &n, err);
    if (rc != SHALE_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        total += sizes[i];
    shale_cf_names_free(names, n);
    shale_free(sizes);
    *flush = total >= log_size_for_flush;
    return SHALE_OK;
}

static int list_live(shale_db *db, uint64_t log_size_for_flush, live_set *ls, shale_err *err)
{
    int rc = decide_flush(db, log_size_for_flush, &ls->flushed, err);
    if (rc == SHALE_OK)
        rc = shale_get_live_files(db, ls->flushed, &ls->names, &ls->n, &ls->manifest_size, err);
    if (rc == SHALE_OK && !ls->flushed)
        rc = shale_get_live_wal_files(db, &ls->wals, &ls->wal_sizes, &ls->n_wals, err);
    return rc;
}

/* Hard link, or a full copy where the file system refuses the link. */
static int link_or_copy(shale_env *env, const char *src, const char *dst, shale_err *err)
{
    shale_err lerr = {0};
    int rc = env->ops->link(env, src, dst, &lerr);
    if (rc == SHALE_NOT_SUPPORTED)   /* EXDEV, EPERM, EMLINK: copy instead */
        return ckpt_copy_file(env, src, dst, UINT64_MAX, NULL, NULL, NULL, err);
    if (rc != SHALE_OK)
        shale_err_copy(err, &lerr);
    return rc;
}

/* One listed file into tmp; remembers the MANIFEST's name for CURRENT. */
static int place_file(shale_env *env, const char *dbdir, const char *tmp, const char *name,
                      uint64_t manifest_size, const char **manifest, shale_err *err)
{
    const char *b = base_name(name);
    if (strcmp(b, "CURRENT") == 0)
        return SHALE_OK;                      /* written afresh, naming our MANIFEST */
    char *src = ckpt_path_join(dbdir, b), *dst = ckpt_path_join(tmp, b);
    int rc;
    if (src == NULL || dst == NULL)
        rc = SHALE_NOMEM(err);
    else if (has_suffix(b, ".sst"))
        rc = link_or_copy(env, src, dst, err);
    else if (strncmp(b, "MANIFEST-", 9) == 0) {
        *manifest = b;
        rc = ckpt_copy_file(env, src, dst, manifest_size, NULL, NULL, NULL, err);
    } else
        rc = ckpt_copy_file(env, src, dst, UINT64_MAX, NULL, NULL, NULL, err);
    free(src);
    free(dst);
    return rc;
}

static int write_current(shale_env *env, const char *tmp, const char *manifest, shale_err *err)
{
    if (manifest == NULL)
        return SHALE_ERR(err, SHALE_CORRUPTION, "the engine listed no MANIFEST");
    char line[300];
    int len = snprintf(line, sizeof line, "%s\n", manifest);
    if (len < 0 || (size_t)len >= sizeof line)
        return SHALE_CORRUPT(err, "MANIFEST name too long: %s", manifest);
    char *path = ckpt_path_join(tmp, "CURRENT");
    int rc = path == NULL ? SHALE_NOMEM(err) : ckpt_write_file(env, path, line, (size_t)len, err);
    free(path);
    return rc;
}

static int fill_tmp(shale_db *db, const char *tmp, const live_set *ls, shale_err *err)
{
    shale_env *env = shale_env_default();
    const char *dbdir = shale_db_name(db), *manifest = NULL;
    int rc = SHALE_OK;
    for (size_t i = 0; rc == SHALE_OK && i < ls->n; i++)
        rc = place_file(env, dbdir, tmp, ls->names[i], ls->manifest_size, &manifest, err);
    for (size_t i = 0; rc == SHALE_OK && i < ls->n_wals; i++) {
        const char *b = base_name(ls->wals[i]);
        char *src = ckpt_path_join(dbdir, b), *dst = ckpt_path_join(tmp, b);
        rc = src == NULL || dst == NULL
                 ? SHALE_NOMEM(err)
                 : ckpt_copy_file(env, src, dst, ls->wal_sizes[i], NULL, NULL, NULL, err);
        free(src);
        free(dst);
    }
    if (rc == SHALE_OK)
        rc = write_current(env, tmp, manifest, err);
    if (rc == SHALE_OK)
        rc = env->ops->sync_dir(env, tmp, err);
    return rc;
}

/* With deletions disabled: list, fill tmp, rename into place. */
static int create_locked_files(shale_db *db, const char *dir, const char *tmp,
                               uint64_t log_size_for_flush, shale_err *err)
{
    shale_env *env = shale_env_default();
    live_set ls = {0};
    int rc = list_live(db, log_size_for_flush, &ls, err);
    if (rc == SHALE_OK)
        rc = fill_tmp(db, tmp, &ls, err);
    if (rc == SHALE_OK)
        rc = env->ops->rename(env, tmp, dir, err);
    if (rc == SHALE_OK)
        rc = ckpt_sync_parent(env, dir, err);
    live_set_deinit(&ls);
    return rc;
}

int shale_checkpoint_create(shale_db *db, const char *dir, uint64_t log_size_for_flush,
                            shale_err *err)
{
    if (db == NULL || dir == NULL || dir[0] == '\0')
        return SHALE_INVALID(err, "checkpoint needs a database and a directory");
    if (ckpt_path_exists(dir))
        return SHALE_INVALID(err, "Directory exists: %s", dir);
    shale_env *env = shale_env_default();
    char *tmp = ckpt_path_cat(dir, ".tmp");
    if (tmp == NULL)
        return SHALE_NOMEM(err);
    int rc = ckpt_rmtree(tmp, err);           /* a stale one from a crash */
    if (rc == SHALE_OK)
        rc = env->ops->mkdir(env, tmp, err);
    if (rc == SHALE_OK)
        rc = shale_disable_file_deletions(db, err);
    if (rc == SHALE_OK) {
        rc = create_locked_files(db, dir, tmp, log_size_for_flush, err);
        int rc2 = shale_enable_file_deletions(db, false, rc == SHALE_OK ? err : NULL);
        if (rc == SHALE_OK)
            rc = rc2;
    }
    if (rc != SHALE_OK)
        (void)ckpt_rmtree(tmp, NULL);
    free(tmp);
    return rc;
}
