/* checkpoint/store_open.c: opening and closing a store, listing its
 * checkpoints.  Opening reads every chk-N/_metadata and rebuilds the
 * registry from them; a writable open then removes leftovers of crashes
 * (store.c explains which). */
#include "checkpoint/ckpt_store.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"

/* Removes chk-<id> and everything in it (a checkpoint that never completed
 * or was half deleted). */
static void remove_partial(shale_ckpt_storage *st, const char *dir)
{
    char **names = NULL;
    size_t n = 0;
    if (st->ops->list(st, dir, &names, &n, NULL) != SHALE_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        char name[2 * CKPT_NAME_MAX + 8];
        snprintf(name, sizeof name, "%s/%s", dir, names[i]);
        (void)st->ops->remove(st, name, NULL);
    }
    shale_env_free_names(names, n);
    (void)st->ops->rmdir(st, dir, NULL);
}

/* One chk-N entry of the root: a checkpoint, a leftover or damage. */
static int load_one(shale_ckpt_store *s, uint64_t id, bool *partial,
                    shale_err *err)
{
    ckpt_meta *m = NULL;
    shale_err e = {0};
    *partial = false;
    int rc = ckpt_load_meta(s->st, id, &m, &e);
    if (rc == SHALE_NOT_FOUND) {
        *partial = true;
        return SHALE_OK;
    }
    if (rc == SHALE_CORRUPTION) {
        s->damaged_seen = true;      /* kept, skipped; see store.c */
        return SHALE_OK;
    }
    if (rc != SHALE_OK)
        return shale_err_copy(err, &e);
    shale_mutex_lock(&s->mu.lock);
    for (size_t i = 0; rc == SHALE_OK && i < m->n_files; i++)
        if (m->files[i].kind == CKPT_SHARED)
            rc = ckpt_reg_ref_locked(s, m->identity, &m->files[i], err);
    if (rc == SHALE_OK)
        rc = ckpt_push_done_locked(s, m, err);
    else
        ckpt_meta_free(m);
    shale_mutex_unlock(&s->mu.lock);
    return rc;
}

static int load_all(shale_ckpt_store *s, shale_err *err)
{
    char **names = NULL;
    size_t n = 0;
    int rc = s->st->ops->list(s->st, "", &names, &n, err);
    for (size_t i = 0; rc == SHALE_OK && i < n; i++) {
        uint64_t id;
        bool partial;
        if (!ckpt_parse_chk_dir(names[i], &id))
            continue;
        if (id >= s->mu.next_id)
            s->mu.next_id = id + 1;
        rc = load_one(s, id, &partial, err);
        if (rc == SHALE_OK && partial && !s->read_only)
            remove_partial(s->st, names[i]);
    }
    shale_env_free_names(names, n);
    return rc;
}

/* Shared files no checkpoint lists: uploads of checkpoints that never
 * completed, or deletions a crash interrupted. */
static void remove_orphans(shale_ckpt_store *s)
{
    char **names = NULL;
    size_t n = 0;
    if (s->damaged_seen || s->st->ops->list(s->st, "shared", &names, &n, NULL) != SHALE_OK)
        return;
    size_t removed = 0;
    for (size_t i = 0; i < n; i++) {
        bool known = false;
        shale_mutex_lock(&s->mu.lock);
        for (size_t j = 0; j < s->mu.n_shared && !known; j++)
            known = strcmp(s->mu.shared[j].stored, names[i]) == 0;
        shale_mutex_unlock(&s->mu.lock);
        if (known)
            continue;
        char name[CKPT_NAME_MAX + 16];
        snprintf(name, sizeof name, "shared/%s", names[i]);
        removed += s->st->ops->remove(s->st, name, NULL) == SHALE_OK;
    }
    shale_env_free_names(names, n);
    if (removed > 0)
        (void)s->st->ops->sync_dir(s->st, "shared", NULL);
}

static int copy_options(shale_ckpt_store *s, const shale_ckpt_options *o, shale_err *err)
{
    s->opts.num_retained = o != NULL ? o->num_retained : 1;
    s->opts.retain_on_cancellation = o != NULL && o->retain_on_cancellation;
    s->opts.log_size_for_flush = o != NULL ? o->log_size_for_flush : 0;
    if (o != NULL && o->staging_dir != NULL && (s->opts.staging_dir = strdup(o->staging_dir)) == NULL)
        return SHALE_NOMEM(err);
    return SHALE_OK;
}

int shale_ckpt_store_open(shale_ckpt_storage *st, const shale_ckpt_options *o, bool read_only,
                          shale_ckpt_store **out, shale_err *err)
{
    *out = NULL;
    if (st == NULL)
        return SHALE_INVALID(err, "checkpoint store needs a storage");
    shale_ckpt_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return SHALE_NOMEM(err);
    s->st = st;
    s->read_only = read_only;
    s->mu.next_id = 1;
    shale_mutex_init(&s->mu.lock);
    shale_mutex_init(&s->start_lock);
    int rc = copy_options(s, o, err);
    if (rc == SHALE_OK && !read_only)
        rc = st->ops->mkdir(st, "shared", err);
    if (rc == SHALE_OK)
        rc = load_all(s, err);
    if (rc == SHALE_OK && !read_only)
        remove_orphans(s);
    if (rc != SHALE_OK) {
        (void)shale_ckpt_store_close(s, false, NULL);
        return rc;
    }
    *out = s;
    return SHALE_OK;
}

static void free_store(shale_ckpt_store *s)
{
    for (size_t i = 0; i < s->mu.n_done; i++)
        ckpt_meta_free(s->mu.done[i]);
    for (size_t i = 0; i < s->mu.n_shared; i++) {
        free(s->mu.shared[i].stored);
        free(s->mu.shared[i].identity);
    }
    free(s->mu.done);
    free(s->mu.shared);
    free(s->opts.staging_dir);
    shale_mutex_deinit(&s->mu.lock);
    shale_mutex_deinit(&s->start_lock);
    free(s);
}

int shale_ckpt_store_close(shale_ckpt_store *s, bool cancelled, shale_err *err)
{
    if (s == NULL)
        return SHALE_OK;
    shale_mutex_lock(&s->mu.lock);
    int pending = s->mu.pending;
    shale_mutex_unlock(&s->mu.lock);
    assert(pending == 0);         /* REQUIRES: no pending checkpoint */
    (void)pending;
    if (cancelled && !s->opts.retain_on_cancellation && !s->read_only)
        (void)ckpt_apply_retention(s, 0);   /* Flink's DELETE_ON_CANCELLATION */
    free_store(s);
    return SHALE_OK;
}

int shale_ckpt_store_list(shale_ckpt_store *s, shale_ckpt_info **infos, size_t *n,
                          shale_err *err)
{
    *infos = NULL;
    *n = 0;
    shale_mutex_lock(&s->mu.lock);
    shale_ckpt_info *v = calloc(s->mu.n_done > 0 ? s->mu.n_done : 1, sizeof *v);
    if (v == NULL) {
        shale_mutex_unlock(&s->mu.lock);
        return SHALE_NOMEM(err);
    }
    for (size_t i = 0; i < s->mu.n_done; i++) {
        const ckpt_meta *m = s->mu.done[i];
        v[i].id = m->id;
        v[i].timestamp_micros = m->timestamp_micros;
        v[i].sequence = m->sequence;
        v[i].full_size = ckpt_meta_full_size(m);
        v[i].private_size = ckpt_meta_private_size(m);
        v[i].files = (uint32_t)m->n_files;
        for (size_t j = 0; j < m->n_files; j++)
            v[i].shared_files += m->files[j].kind == CKPT_SHARED;
    }
    *n = s->mu.n_done;
    shale_mutex_unlock(&s->mu.lock);
    *infos = v;
    return SHALE_OK;
}

int shale_ckpt_store_latest(shale_ckpt_store *s, uint64_t *id, shale_err *err)
{
    shale_mutex_lock(&s->mu.lock);
    int rc = SHALE_OK;
    if (s->mu.n_done == 0)
        rc = SHALE_ERR(err, SHALE_NOT_FOUND, "no completed checkpoint");
    else
        *id = s->mu.done[s->mu.n_done - 1]->id;
    shale_mutex_unlock(&s->mu.lock);
    return rc;
}
