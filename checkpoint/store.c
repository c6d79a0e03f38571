/* checkpoint/store.c: opening a checkpoint storage, the shared-file
 * registry, retention and cleanup (see ckpt_store.h).
 *
 * What exists is decided by the storage alone: chk-N is a checkpoint iff
 * chk-N/_metadata decodes and names id N.  Opening for writing removes the
 * rest: chk-N directories without _metadata (a crash before completion or
 * in the middle of a deletion) and shared files that no checkpoint lists.
 * A _metadata that exists but fails to decode is left alone, and then no
 * shared file is removed either: we cannot know what that checkpoint needs,
 * and deleting on a guess would turn damage into loss. */
#include "checkpoint/ckpt_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"

/* --- options ------------------------------------------------------------ */
shale_ckpt_options *shale_ckpt_options_new(void)
{
    shale_ckpt_options *o = calloc(1, sizeof *o);
    if (o != NULL)
        o->num_retained = 1;
    return o;
}

void shale_ckpt_options_free(shale_ckpt_options *o)
{
    if (o == NULL)
        return;
    free(o->staging_dir);
    free(o);
}

void shale_ckpt_options_set_num_retained(shale_ckpt_options *o, int n)
{
    o->num_retained = n < 1 ? 1 : n;
}

void shale_ckpt_options_set_retain_on_cancellation(shale_ckpt_options *o, bool v)
{
    o->retain_on_cancellation = v;
}

void shale_ckpt_options_set_staging_dir(shale_ckpt_options *o, const char *dir)
{
    free(o->staging_dir);
    o->staging_dir = dir != NULL ? strdup(dir) : NULL;
}

void shale_ckpt_options_set_log_size_for_flush(shale_ckpt_options *o, uint64_t v)
{
    o->log_size_for_flush = v;
}

/* --- reading storage ---------------------------------------------------------- */
void ckpt_chk_name(uint64_t id, const char *name, char *buf, size_t n)
{
    if (name == NULL)
        snprintf(buf, n, "chk-%" PRIu64, id);
    else
        snprintf(buf, n, "chk-%" PRIu64 "/%s", id, name);
}

int ckpt_storage_read_all(shale_ckpt_storage *st, const char *name, size_t max, char **data,
                          size_t *len, shale_err *err)
{
    *data = NULL;
    *len = 0;
    uint64_t size = 0;
    int rc = st->ops->size(st, name, &size, err);
    if (rc != SHALE_OK)
        return rc;
    if (size > max)
        return SHALE_CORRUPT(err, "%s: %" PRIu64 " bytes, more than %zu allowed", name, size, max);
    char *buf = malloc(size > 0 ? (size_t)size : 1);
    if (buf == NULL)
        return SHALE_NOMEM(err);
    size_t got = 0;
    rc = st->ops->read(st, name, 0, (size_t)size, buf, &got, err);
    if (rc == SHALE_OK && got != size)
        rc = SHALE_CORRUPT(err, "%s: short read, %zu of %" PRIu64 " bytes", name, got, size);
    if (rc != SHALE_OK) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = got;
    return SHALE_OK;
}

int ckpt_load_meta(shale_ckpt_storage *st, uint64_t id, ckpt_meta **out, shale_err *err)
{
    char name[64];
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    ckpt_chk_name(id, CKPT_META_NAME, name, sizeof name);
    int rc = ckpt_storage_read_all(st, name, CKPT_META_MAX_BYTES, &data, &len, err);
    if (rc == SHALE_NOT_FOUND)
        return SHALE_ERR(err, SHALE_NOT_FOUND, "checkpoint %" PRIu64 " not found", id);
    if (rc == SHALE_OK)
        rc = ckpt_meta_decode(data, len, name, out, err);
    free(data);
    if (rc == SHALE_OK && (*out)->id != id) {
        rc = SHALE_CORRUPT(err, "%s: names checkpoint %" PRIu64, name, (*out)->id);
        ckpt_meta_free(*out);
        *out = NULL;
    }
    return rc;
}

/* --- registry ---------------------------------------------------------------- */
ckpt_shared *ckpt_reg_find_key_locked(shale_ckpt_store *s, const char *identity,
                                      uint64_t number, uint64_t size)
{
    shale_mutex_assert_held(&s->mu.lock);
    for (size_t i = 0; i < s->mu.n_shared; i++) {
        ckpt_shared *e = &s->mu.shared[i];
        if (e->number == number && e->size == size && strcmp(e->identity, identity) == 0)
            return e;
    }
    return NULL;
}

static ckpt_shared *find_stored_locked(shale_ckpt_store *s, const char *stored)
{
    for (size_t i = 0; i < s->mu.n_shared; i++)
        if (strcmp(s->mu.shared[i].stored, stored) == 0)
            return &s->mu.shared[i];
    return NULL;
}

int ckpt_reg_ref_locked(shale_ckpt_store *s, const char *identity, const ckpt_file *f,
                        shale_err *err)
{
    shale_mutex_assert_held(&s->mu.lock);
    ckpt_shared *e = find_stored_locked(s, f->stored);
    if (e != NULL) {
        e->refs++;
        return SHALE_OK;
    }
    if (s->mu.n_shared == s->mu.cap_shared) {
        size_t cap = s->mu.cap_shared == 0 ? 64 : s->mu.cap_shared * 2;
        ckpt_shared *v = realloc(s->mu.shared, cap * sizeof *v);
        if (v == NULL)
            return SHALE_NOMEM(err);
        s->mu.shared = v;
        s->mu.cap_shared = cap;
    }
    e = &s->mu.shared[s->mu.n_shared];
    e->stored = strdup(f->stored);
    e->identity = strdup(identity);
    if (e->stored == NULL || e->identity == NULL) {
        free(e->stored);
        free(e->identity);
        return SHALE_NOMEM(err);
    }
    e->number = f->number;
    e->size = f->size;
    e->crc = f->crc;
    e->refs = 1;
    s->mu.n_shared++;
    return SHALE_OK;
}

bool ckpt_reg_unref_locked(shale_ckpt_store *s, const char *stored)
{
    shale_mutex_assert_held(&s->mu.lock);
    ckpt_shared *e = find_stored_locked(s, stored);
    if (e == NULL || --e->refs > 0)
        return false;
    free(e->stored);
    free(e->identity);
    *e = s->mu.shared[--s->mu.n_shared];
    return true;
}

/* --- completion and retention ------------------------------------------------ */
int ckpt_push_done_locked(shale_ckpt_store *s, ckpt_meta *m, shale_err *err)
{
    shale_mutex_assert_held(&s->mu.lock);
    if (s->mu.n_done == s->mu.cap_done) {
        size_t cap = s->mu.cap_done == 0 ? 8 : s->mu.cap_done * 2;
        ckpt_meta **v = realloc(s->mu.done, cap * sizeof *v);
        if (v == NULL) {
            ckpt_meta_free(m);
            return SHALE_NOMEM(err);
        }
        s->mu.done = v;
        s->mu.cap_done = cap;
    }
    size_t i = s->mu.n_done;
    while (i > 0 && s->mu.done[i - 1]->id > m->id) {   /* keep ascending ids */
        s->mu.done[i] = s->mu.done[i - 1];
        i--;
    }
    s->mu.done[i] = m;
    s->mu.n_done++;
    return SHALE_OK;
}

static int push_name(char ***v, size_t *n, const char *name, shale_err *err)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (nv == NULL)
        return SHALE_NOMEM(err);
    *v = nv;
    if ((nv[*n] = strdup(name)) == NULL)
        return SHALE_NOMEM(err);
    (*n)++;
    return SHALE_OK;
}

/* Takes the oldest checkpoints beyond `keep` out of mu.done and unrefs
 * their shared files.  On no memory a victim may stay listed: it is then
 * only kept longer, never lost. */
static int retain_locked(shale_ckpt_store *s, size_t keep, ckpt_meta ***victims, size_t *n_victims,
                         char ***dead, size_t *n_dead, shale_err *err)
{
    while (s->mu.n_done > keep) {
        ckpt_meta **nv = realloc(*victims, (*n_victims + 1) * sizeof *nv);
        if (nv == NULL)
            return SHALE_NOMEM(err);
        *victims = nv;
        ckpt_meta *m = s->mu.done[0];
        memmove(s->mu.done, s->mu.done + 1, (s->mu.n_done - 1) * sizeof *s->mu.done);
        s->mu.n_done--;
        nv[(*n_victims)++] = m;
        for (size_t i = 0; i < m->n_files; i++) {
            if (m->files[i].kind != CKPT_SHARED ||
                !ckpt_reg_unref_locked(s, m->files[i].stored))
                continue;
            char name[CKPT_NAME_MAX + 16];
            snprintf(name, sizeof name, "shared/%s", m->files[i].stored);
            if (push_name(dead, n_dead, name, err) != SHALE_OK)
                return SHALE_NO_MEMORY;   /* the file stays: cleaned at the next open */
        }
    }
    return SHALE_OK;
}

/* Removes one checkpoint: _metadata first, so that from the first step on
 * it no longer exists; what follows is cleanup a crash may interrupt. */
static uint32_t delete_checkpoint(shale_ckpt_storage *st, const ckpt_meta *m)
{
    char name[CKPT_NAME_MAX + 32];
    uint32_t removed = 0;
    ckpt_chk_name(m->id, CKPT_META_NAME, name, sizeof name);
    if (st->ops->remove(st, name, NULL) != SHALE_OK)
        return 0;
    ckpt_chk_name(m->id, NULL, name, sizeof name);
    (void)st->ops->sync_dir(st, name, NULL);
    removed++;
    for (size_t i = 0; i < m->n_files; i++) {
        if (m->files[i].kind != CKPT_PRIVATE)
            continue;
        ckpt_chk_name(m->id, m->files[i].stored, name, sizeof name);
        removed += st->ops->remove(st, name, NULL) == SHALE_OK;
    }
    /* Files the layers above add beside the database's (the keyed-state
     * metadata and heap snapshots) go with the checkpoint too. */
    char **rest = NULL;
    size_t n_rest = 0;
    ckpt_chk_name(m->id, NULL, name, sizeof name);
    if (st->ops->list(st, name, &rest, &n_rest, NULL) == SHALE_OK) {
        for (size_t i = 0; i < n_rest; i++) {
            ckpt_chk_name(m->id, rest[i], name, sizeof name);
            removed += st->ops->remove(st, name, NULL) == SHALE_OK;
        }
        shale_env_free_names(rest, n_rest);
    }
    ckpt_chk_name(m->id, NULL, name, sizeof name);
    (void)st->ops->rmdir(st, name, NULL);
    return removed;
}

static uint32_t delete_all(shale_ckpt_store *s, ckpt_meta **victims, size_t n_victims,
                           char **dead, size_t n_dead)
{
    shale_ckpt_storage *st = s->st;
    uint32_t removed = 0;
    for (size_t i = 0; i < n_victims; i++) {
        removed += delete_checkpoint(st, victims[i]);
        ckpt_meta_free(victims[i]);
    }
    if (n_victims > 0)
        (void)st->ops->sync_dir(st, "", NULL);
    for (size_t i = 0; i < n_dead; i++) {
        removed += st->ops->remove(st, dead[i], NULL) == SHALE_OK;
        free(dead[i]);
    }
    if (n_dead > 0)
        (void)st->ops->sync_dir(st, "shared", NULL);
    free(victims);
    free(dead);
    return removed;
}

uint32_t ckpt_apply_retention(shale_ckpt_store *s, size_t keep)
{
    ckpt_meta **victims = NULL;
    char **dead = NULL;
    size_t nv = 0, nd = 0;
    shale_mutex_lock(&s->mu.lock);
    (void)retain_locked(s, keep, &victims, &nv, &dead, &nd, NULL);
    shale_mutex_unlock(&s->mu.lock);
    return delete_all(s, victims, nv, dead, nd);
}
