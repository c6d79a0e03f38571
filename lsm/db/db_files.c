/* lsm/db/db_files.c: what a copy of the database needs, as RocksDB's
 * DisableFileDeletions / GetLiveFiles / GetSortedWalFiles give it to
 * checkpoints and backups.
 *
 * While deletions are disabled, db_delete_obsolete_files() deletes nothing,
 * so every file named by a listing taken meanwhile stays on disk until it
 * is copied; files written afterwards are new names, never rewrites. */
#include "lsm/db/db_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "lsm/version/filenames.h"

int shale_disable_file_deletions(shale_db *db, shale_err *err)
{
    shale_mutex_lock(&db->mu.lock);
    db->disable_deletions++;
    shale_mutex_unlock(&db->mu.lock);
    logger_log(db->log, SHALE_LOG_INFO, "File Deletions Disabled");
    (void)err;
    return SHALE_OK;
}

int shale_enable_file_deletions(shale_db *db, bool force, shale_err *err)
{
    shale_mutex_lock(&db->mu.lock);
    if (force)
        db->disable_deletions = 0;
    else if (db->disable_deletions > 0)
        db->disable_deletions--;
    bool enabled = db->disable_deletions == 0;
    shale_mutex_unlock(&db->mu.lock);
    if (enabled) {
        logger_log(db->log, SHALE_LOG_INFO, "File Deletions Enabled");
        db_delete_obsolete_files(db);
    }
    (void)err;
    return SHALE_OK;
}

/* A growing list of malloc'd names. */
typedef struct name_list {
    char **v;
    size_t n, cap;
} name_list;

static int push_name(name_list *l, const char *name, shale_err *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **p = realloc(l->v, cap * sizeof *p);
        if (p == NULL)
            return SHALE_NOMEM(err);
        l->v = p;
        l->cap = cap;
    }
    if ((l->v[l->n] = strdup(name)) == NULL)
        return SHALE_NOMEM(err);
    l->n++;
    return SHALE_OK;
}

/* The newest OPTIONS-N in the directory (0: none). */
static uint64_t newest_options_file(shale_db *db)
{
    char **names = NULL;
    size_t n = 0;
    uint64_t best = 0;
    if (db->env->ops->list_dir(db->env, db->name, &names, &n, NULL) != SHALE_OK)
        return 0;
    for (size_t i = 0; i < n; i++) {
        enum file_kind kind;
        uint64_t number;
        if (filename_parse(names[i], &kind, &number) && kind == FILE_OPTIONS && number > best)
            best = number;
    }
    shale_env_free_names(names, n);
    return best;
}

int shale_get_live_files(shale_db *db, bool flush, char ***names, size_t *n,
                         uint64_t *manifest_size, shale_err *err)
{
    *names = NULL;
    *n = 0;
    int rc = flush ? db_flush_all(db, err) : SHALE_OK;
    if (rc != SHALE_OK)
        return rc;
    uint64_t *live = NULL;
    size_t n_live = 0;
    name_list l = {0};
    shale_mutex_lock(&db->mu.lock);
    rc = vset_live_files(db->vs, &live, &n_live, err);
    uint64_t manifest = vset_manifest_file_number(db->vs);
    *manifest_size = vset_manifest_file_size(db->vs);
    shale_mutex_unlock(&db->mu.lock);
    char buf[64];
    for (size_t i = 0; i < n_live && rc == SHALE_OK; i++) {
        snprintf(buf, sizeof buf, "/%06llu.sst", (unsigned long long)live[i]);
        rc = push_name(&l, buf, err);
    }
    if (rc == SHALE_OK)
        rc = push_name(&l, "/CURRENT", err);
    snprintf(buf, sizeof buf, "/MANIFEST-%06llu", (unsigned long long)manifest);
    if (rc == SHALE_OK)
        rc = push_name(&l, buf, err);
    uint64_t opt = newest_options_file(db);
    snprintf(buf, sizeof buf, "/OPTIONS-%06llu", (unsigned long long)opt);
    if (rc == SHALE_OK && opt != 0)
        rc = push_name(&l, buf, err);
    free(live);
    if (rc != SHALE_OK) {
        shale_env_free_names(l.v, l.n);
        return rc;
    }
    *names = l.v;
    *n = l.n;
    return SHALE_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int shale_get_live_wal_files(shale_db *db, char ***names, uint64_t **sizes, size_t *n,
                             shale_err *err)
{
    *names = NULL;
    *sizes = NULL;
    *n = 0;
    char **all = NULL;
    size_t count = 0;
    /* The WAL being written may end in preallocated zeros: its size is
     * the bytes written, not the file's size on disk. */
    shale_mutex_lock(&db->mu.lock);
    uint64_t keep = db_min_log_to_keep_locked(db);
    uint64_t cur = db->mu.log != NULL ? db->mu.log_number : 0;
    uint64_t cur_size = db->mu.log != NULL ? log_writer_file_size(db->mu.log) : 0;
    shale_mutex_unlock(&db->mu.lock);
    int rc = db->env->ops->list_dir(db->env, db->name, &all, &count, err);
    if (rc != SHALE_OK)
        return rc;
    uint64_t *nums = malloc((count + 1) * sizeof *nums);
    size_t k = 0;
    for (size_t i = 0; nums != NULL && i < count; i++) {
        enum file_kind kind;
        uint64_t number;
        if (filename_parse(all[i], &kind, &number) && kind == FILE_WAL && number >= keep)
            nums[k++] = number;
    }
    shale_env_free_names(all, count);
    if (nums == NULL)
        return SHALE_NOMEM(err);
    qsort(nums, k, sizeof *nums, cmp_u64);
    name_list l = {0};
    uint64_t *sz = calloc(k + 1, sizeof *sz);
    rc = sz == NULL ? SHALE_NOMEM(err) : SHALE_OK;
    for (size_t i = 0; i < k && rc == SHALE_OK; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "/%06llu.log", (unsigned long long)nums[i]);
        rc = push_name(&l, buf, err);
        char *path = filename_path(db->name, FILE_WAL, nums[i]);
        if (rc == SHALE_OK && path != NULL && nums[i] == cur)
            sz[i] = cur_size;
        else if (rc == SHALE_OK && path != NULL)
            (void)db->env->ops->file_size(db->env, path, &sz[i], NULL);
        free(path);
    }
    free(nums);
    if (rc != SHALE_OK) {
        shale_env_free_names(l.v, l.n);
        free(sz);
        return rc;
    }
    *names = l.v;
    *sizes = sz;
    *n = l.n;
    return SHALE_OK;
}

const char *shale_db_name(const shale_db *db) { return db->name; }

uint64_t shale_db_latest_sequence(shale_db *db) { return vset_last_sequence(db->vs); }
