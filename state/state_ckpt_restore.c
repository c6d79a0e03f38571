/* state/state_ckpt_restore.c: restoring keyed-state checkpoints into a new
 * backend, and rescaling (Flink's key-group redistribution).
 *
 *   load and validate every source's chk-N/_state (and _heap_state) first:
 *     damage is SHALE_CORRUPTION before anything is created
 *   union of the registered states (one kind and TTL per name), matched
 *     with the caller's descriptors (callbacks)
 *   LSM target:
 *     base = the LSM checkpoint whose range overlaps the new one most
 *     shale_ckpt_restore(base) -> <dir>.restoring       (files verified)
 *     open there, register the states, clip: per family, range deletions
 *       of [ "", kg(start) ) and [ kg(end+1), 0xff ) -- the key-group prefix
 *       makes each group one contiguous key range
 *     the other checkpoints: their entries in the range, put as they are
 *     close (flush) -> rename to <dir> -> sync parent -> open for the caller
 *   heap target:
 *     every checkpoint's entries in the range, written through the
 *     backend's operations with their stored timestamps
 * An LSM checkpoint read entry by entry (not the base, or into a heap) is
 * restored into a temporary directory, opened as a backend and scanned
 * family by family (values as stored, lists merged), timers included.
 * On failure every directory made here is removed: `dir` never exists. */
#include "state/state_ckpt.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/ckpt_io.h"
#include "checkpoint/ckpt_store.h"
#include "lsm/util/err.h"
#include "state/layout.h"
#include "state/lsm.h"

#define HEAP_FILE_MAX ((size_t)1 << 40)

typedef struct source {
    shale_state_ckpt_ref ref;
    sck_meta meta;
    char *heap;                   /* heap: the whole snapshot file */
    size_t heap_len;
} source;

typedef struct job {
    source *src;
    size_t n;
    int32_t start, end, mp;
    shale_state_options opts;     /* the target's, range and parallelism set */
    const state_desc **states;    /* the union, borrowed from the sources */
    size_t nstates;
    shale_state_descriptor *const *descs;
    size_t ndescs;
    const char *dir;
} job;

/* --- loading ------------------------------------------------------------------ */
static int check_exists(shale_ckpt_store *s, uint64_t id, shale_err *err)
{
    shale_ckpt_info *infos = NULL;
    size_t n = 0;
    int rc = shale_ckpt_store_list(s, &infos, &n, err);
    bool found = false;
    for (size_t i = 0; rc == SHALE_OK && i < n; i++)
        found |= infos[i].id == id;
    shale_free(infos);
    if (rc == SHALE_OK && !found)
        rc = SHALE_ERR(err, SHALE_NOT_FOUND, "checkpoint %" PRIu64 " not found", id);
    return rc;
}

static int load_source(source *sc, shale_err *err)
{
    shale_ckpt_store *s = sc->ref.store;
    int rc = check_exists(s, sc->ref.id, err);
    if (rc == SHALE_OK)
        rc = sck_meta_load(s, sc->ref.id, &sc->meta, err);
    if (rc != SHALE_OK || sc->meta.kind != SHALE_STATE_BACKEND_HEAP)
        return rc;
    char what[96];
    ckpt_chk_name(sc->ref.id, SCK_HEAP_NAME, what, sizeof what);
    rc = sck_read_file(s, sc->ref.id, SCK_HEAP_NAME, HEAP_FILE_MAX, &sc->heap, &sc->heap_len,
                       err);
    if (rc == SHALE_OK)
        rc = sck_heap_check(sc->heap, sc->heap_len, sc->meta.max_parallelism,
                            sc->meta.nstates, what, err);
    return rc;
}

static const state_desc *union_find(const job *j, const char *name)
{
    for (size_t i = 0; i < j->nstates; i++)
        if (strcmp(j->states[i]->name, name) == 0)
            return j->states[i];
    return NULL;
}

static const shale_state_descriptor *desc_find(const job *j, const char *name)
{
    for (size_t i = 0; i < j->ndescs; i++)
        if (j->descs[i] != NULL && strcmp(j->descs[i]->d.name, name) == 0)
            return j->descs[i];
    return NULL;
}

static int union_add(job *j, const state_desc *d, shale_err *err)
{
    const state_desc *u = union_find(j, d->name);
    if (u != NULL)
        return u->kind == d->kind && u->ttl_ms == d->ttl_ms
                   ? SHALE_OK
                   : SHALE_INVALID(err, "state '%s' differs in kind or TTL between checkpoints",
                                   d->name);
    j->states[j->nstates++] = d;
    const shale_state_descriptor *x = desc_find(j, d->name);
    if (x != NULL && (x->d.kind != d->kind || x->d.ttl_ms != d->ttl_ms))
        return SHALE_INVALID(err, "descriptor of state '%s' differs from the checkpoint in "
                                  "kind or TTL", d->name);
    if (x == NULL && (d->kind == SHALE_STATE_REDUCING || d->kind == SHALE_STATE_AGGREGATING))
        return SHALE_INVALID(err, "state '%s' needs its descriptor (callbacks) to be restored",
                             d->name);
    return SHALE_OK;
}

static int build_union(job *j, shale_err *err)
{
    size_t total = 0;
    for (size_t i = 0; i < j->n; i++)
        total += j->src[i].meta.nstates;
    if (total > 0 && (j->states = malloc(total * sizeof *j->states)) == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (size_t i = 0; i < j->n && rc == SHALE_OK; i++) {
        const sck_meta *m = &j->src[i].meta;
        if (m->max_parallelism != j->mp)
            return SHALE_INVALID(err, "checkpoints differ in max parallelism (%d, %d)",
                                 (int)m->max_parallelism, (int)j->mp);
        for (size_t k = 0; k < m->nstates && rc == SHALE_OK; k++)
            rc = union_add(j, &m->states[k], err);
    }
    return rc;
}

/* --- backends ------------------------------------------------------------------- */
static int open_target(const job *j, int kind, int32_t start, int32_t end, const char *dir,
                       shale_state_backend **b, shale_err *err)
{
    shale_state_options o = j->opts;
    o.c.kind = kind;
    o.c.kg_start = start;
    o.c.kg_end = end;
    return shale_state_backend_open(&o, dir, b, err);
}

static int register_states(const job *j, shale_state_backend *b, shale_err *err)
{
    for (size_t i = 0; i < j->nstates; i++) {
        const shale_state_descriptor *x = desc_find(j, j->states[i]->name);
        shale_state_descriptor tmp = {*j->states[i]};
        shale_state *st;
        int rc = shale_state_get(b, x != NULL ? x : &tmp, &st, err);
        if (rc != SHALE_OK)
            return rc;
    }
    return SHALE_OK;
}

static shale_state *state_named(shale_state_backend *b, const char *name)
{
    for (size_t i = 0; i < b->nstates; i++)
        if (strcmp(b->states[i]->desc.name, name) == 0)
            return b->states[i];
    return NULL;
}

/* --- feeding records ------------------------------------------------------------- */
typedef struct feed {
    const job *j;
    const sck_meta *m;            /* the source's states */
    shale_state_backend *target;
} feed;

static int feed_one(void *ctx, const sck_record *r, shale_err *err)
{
    const feed *f = ctx;
    if (r->kg < f->j->start || r->kg > f->j->end)
        return SHALE_OK;
    if (r->is_timer)
        return sck_sink_timer(f->target, r, err);
    shale_state *st = state_named(f->target, f->m->states[r->state].name);
    return st != NULL ? sck_sink_entry(st, r, err)
                      : SHALE_INVALID(err, "state '%s' is not registered",
                                      f->m->states[r->state].name);
}

/* A timer family's entry: the key in Flink's timer layout, the value the
 * key's length (4 bytes big-endian), which splits key from namespace. */
static int timer_record(int32_t mp, sck_record *r, shale_err *err)
{
    if (r->vlen != 4)
        return SHALE_CORRUPT(err, "timer value of %zu bytes, not 4", r->vlen);
    const uint8_t *v = (const uint8_t *)r->value;
    size_t klen = ((size_t)v[0] << 24) | ((size_t)v[1] << 16) | ((size_t)v[2] << 8) | v[3];
    int rc = state_layout_timer_key_decode(r->key, r->klen, mp, klen, &r->timer, err);
    r->kg = r->timer.kg;
    return rc;
}

/* Feeds every entry of one family (domain >= 0: a timer family). */
static int scan_family(shale_state_backend *b, shale_cf *cf, size_t state, int domain,
                       const feed *f, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    int32_t mp = b->cfg.max_parallelism;
    shale_iter *it = shale_iter_new_cf(lb->db, lb->ro, cf);
    if (it == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (shale_iter_seek_to_first(it); rc == SHALE_OK && shale_iter_valid(it);
         shale_iter_next(it)) {
        sck_record r = {.state = state, .is_timer = domain >= 0, .domain = domain};
        r.key = shale_iter_key(it, &r.klen);
        r.value = shale_iter_value(it, &r.vlen);
        rc = r.is_timer ? timer_record(mp, &r, err)
                        : state_layout_get_kg(r.key, r.klen, mp, &r.kg, err);
        if (rc == SHALE_OK)
            rc = feed_one((void *)f, &r, err);
    }
    if (rc == SHALE_OK)
        rc = shale_iter_status(it, err);
    shale_iter_free(it);
    return rc;
}

static int scan_lsm(const job *j, const source *sc, const char *tmp, const feed *f,
                    shale_err *err)
{
    shale_state_backend *b = NULL;
    int rc = shale_ckpt_restore(sc->ref.store, sc->ref.id, tmp, err);
    if (rc == SHALE_OK)
        rc = open_target(j, SHALE_STATE_BACKEND_LSM, sc->meta.kg_start, sc->meta.kg_end, tmp,
                         &b, err);
    if (rc == SHALE_OK)
        rc = register_states(j, b, err);
    for (size_t i = 0; rc == SHALE_OK && i < sc->meta.nstates; i++) {
        shale_state *st = state_named(b, sc->meta.states[i].name);
        rc = scan_family(b, lsm_state_cf(st), i, -1, f, err);
    }
    for (int d = SHALE_TIMER_PROCESSING; rc == SHALE_OK && d <= SHALE_TIMER_EVENT; d++)
        rc = scan_family(b, lsm_of(b)->timers[d].fam->cf, 0, d, f, err);
    shale_state_backend_close(b);
    (void)ckpt_rmtree(tmp, NULL);
    return rc;
}

static int feed_source(const job *j, const source *sc, shale_state_backend *target,
                       const char *tmp, shale_err *err)
{
    feed f = {j, &sc->meta, target};
    if (sc->meta.kind == SHALE_STATE_BACKEND_HEAP)
        return sck_heap_each(sc->heap, sc->heap_len, j->mp, feed_one, &f, err);
    return scan_lsm(j, sc, tmp, &f, err);
}

/* --- LSM target -------------------------------------------------------------------- */
static int32_t overlap(const sck_meta *m, int32_t start, int32_t end)
{
    int32_t lo = m->kg_start > start ? m->kg_start : start;
    int32_t hi = m->kg_end < end ? m->kg_end : end;
    return hi >= lo ? hi - lo + 1 : 0;
}

static size_t pick_base(const job *j)
{
    size_t best = SIZE_MAX;
    int32_t most = 0;
    for (size_t i = 0; i < j->n; i++) {
        int32_t o = overlap(&j->src[i].meta, j->start, j->end);
        if (j->src[i].meta.kind == SHALE_STATE_BACKEND_LSM && o > most) {
            most = o;
            best = i;
        }
    }
    return best;
}

/* Deletes every key group outside [start, end] from every family. */
static int clip(shale_state_backend *b, int32_t start, int32_t end, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    int32_t mp = b->cfg.max_parallelism;
    shale_buf lo, hi;
    shale_buf_init(&lo);
    shale_buf_init(&hi);
    state_layout_put_kg(&lo, mp, start);
    if (end + 1 < mp)
        state_layout_put_kg(&hi, mp, end + 1);
    int rc = shale_buf_ok(&lo) && shale_buf_ok(&hi) ? SHALE_OK : SHALE_NOMEM(err);
    for (size_t i = 0; rc == SHALE_OK && i < lb->nfams; i++) {
        shale_cf *cf = lb->fams[i]->cf;
        if (start > 0)
            rc = shale_delete_range_cf(lb->db, lb->wo, cf, "", 0, lo.data, lo.len, err);
        if (rc == SHALE_OK && end + 1 < mp)   /* prefixes start below 0x80: 0xff ends all */
            rc = shale_delete_range_cf(lb->db, lb->wo, cf, hi.data, hi.len, "\xff", 1, err);
    }
    shale_buf_deinit(&lo);
    shale_buf_deinit(&hi);
    return rc;
}

static int fill_lsm(const job *j, const char *tmp, const char *src_tmp, shale_err *err)
{
    size_t base = pick_base(j);
    shale_state_backend *b = NULL;
    int rc = SHALE_OK;
    if (base != SIZE_MAX)
        rc = shale_ckpt_restore(j->src[base].ref.store, j->src[base].ref.id, tmp, err);
    if (rc == SHALE_OK)
        rc = open_target(j, SHALE_STATE_BACKEND_LSM, j->start, j->end, tmp, &b, err);
    if (rc == SHALE_OK)
        rc = register_states(j, b, err);
    if (rc == SHALE_OK && base != SIZE_MAX)
        rc = clip(b, j->start, j->end, err);
    for (size_t i = 0; rc == SHALE_OK && i < j->n; i++)
        if (i != base && overlap(&j->src[i].meta, j->start, j->end) > 0)
            rc = feed_source(j, &j->src[i], b, src_tmp, err);
    shale_state_backend_close(b);          /* flushes: WAL-less writes become SSTs */
    return rc;
}

static int build_lsm(const job *j, shale_state_backend **out, shale_err *err)
{
    char *tmp = ckpt_path_cat(j->dir, ".restoring");
    char *src_tmp = ckpt_path_cat(j->dir, ".source");
    shale_env *env = shale_env_default();
    int rc = tmp == NULL || src_tmp == NULL ? SHALE_NOMEM(err) : SHALE_OK;
    if (rc == SHALE_OK) {
        (void)ckpt_rmtree(tmp, NULL);
        (void)ckpt_rmtree(src_tmp, NULL);
        rc = fill_lsm(j, tmp, src_tmp, err);
    }
    if (rc == SHALE_OK && (rc = env->ops->rename(env, tmp, j->dir, err)) == SHALE_OK)
        rc = ckpt_sync_parent(env, j->dir, err);
    if (rc == SHALE_OK)
        rc = open_target(j, SHALE_STATE_BACKEND_LSM, j->start, j->end, j->dir, out, err);
    if (rc == SHALE_OK && (rc = register_states(j, *out, err)) != SHALE_OK) {
        shale_state_backend_close(*out);
        *out = NULL;
    }
    if (rc != SHALE_OK && tmp != NULL) {
        (void)ckpt_rmtree(tmp, NULL);
        (void)ckpt_rmtree(j->dir, NULL);
    }
    if (src_tmp != NULL)
        (void)ckpt_rmtree(src_tmp, NULL);
    free(tmp);
    free(src_tmp);
    return rc;
}

/* --- heap target -------------------------------------------------------------------- */
static int build_heap(const job *j, shale_state_backend **out, shale_err *err)
{
    shale_state_backend *b = NULL;
    int rc = open_target(j, SHALE_STATE_BACKEND_HEAP, j->start, j->end, NULL, &b, err);
    if (rc == SHALE_OK)
        rc = register_states(j, b, err);
    for (size_t i = 0; rc == SHALE_OK && i < j->n; i++)
        if (overlap(&j->src[i].meta, j->start, j->end) > 0)
            rc = feed_source(j, &j->src[i], b, j->dir, err);
    (void)ckpt_rmtree(j->dir, NULL);
    if (rc != SHALE_OK) {
        shale_state_backend_close(b);
        return rc;
    }
    *out = b;
    return SHALE_OK;
}

/* --- entry points -------------------------------------------------------------------- */
static int check_args(const job *j, shale_err *err)
{
    if (j->dir == NULL || ckpt_path_exists(j->dir))
        return SHALE_INVALID(err, "restore target %s is missing or exists",
                             j->dir != NULL ? j->dir : "(null)");
    if (j->start < 0 || j->start > j->end || j->end >= j->mp)
        return SHALE_INVALID(err, "key-group range [%d, %d] not within [0, %d)", (int)j->start,
                             (int)j->end, (int)j->mp);
    return SHALE_OK;
}

static int run(job *j, shale_state_backend **out, shale_err *err)
{
    int rc = SHALE_OK;
    for (size_t i = 0; i < j->n && rc == SHALE_OK; i++)
        rc = load_source(&j->src[i], err);
    if (rc != SHALE_OK)
        return rc;
    j->mp = j->src[0].meta.max_parallelism;
    j->opts.c.max_parallelism = j->mp;
    if ((rc = check_args(j, err)) != SHALE_OK || (rc = build_union(j, err)) != SHALE_OK)
        return rc;
    return j->opts.c.kind == SHALE_STATE_BACKEND_LSM ? build_lsm(j, out, err)
                                                      : build_heap(j, out, err);
}

int shale_state_ckpt_rescale(const shale_state_ckpt_ref *refs, size_t n, int32_t kg_start,
                             int32_t kg_end, const shale_state_options *o, const char *dir,
                             shale_state_descriptor *const *descs, size_t ndescs,
                             shale_state_backend **out, shale_err *err)
{
    *out = NULL;
    if (n == 0 || refs == NULL || o == NULL)
        return SHALE_INVALID(err, "rescale needs checkpoints and options");
    job j = {.n = n, .start = kg_start, .end = kg_end, .opts = *o, .descs = descs,
             .ndescs = ndescs, .dir = dir};
    if ((j.src = calloc(n, sizeof *j.src)) == NULL)
        return SHALE_NOMEM(err);
    for (size_t i = 0; i < n; i++)
        j.src[i].ref = refs[i];
    int rc = run(&j, out, err);
    for (size_t i = 0; i < n; i++) {
        sck_meta_deinit(&j.src[i].meta);
        free(j.src[i].heap);
    }
    free(j.src);
    free(j.states);
    return rc;
}

int shale_state_ckpt_range(shale_ckpt_store *s, uint64_t id, int *kind,
                           int32_t *max_parallelism, int32_t *kg_start, int32_t *kg_end,
                           shale_err *err)
{
    sck_meta m = {0};
    int rc = check_exists(s, id, err);
    if (rc == SHALE_OK)
        rc = sck_meta_load(s, id, &m, err);
    if (rc != SHALE_OK)
        return rc;
    *kind = m.kind;
    *max_parallelism = m.max_parallelism;
    *kg_start = m.kg_start;
    *kg_end = m.kg_end;
    sck_meta_deinit(&m);
    return SHALE_OK;
}

int shale_state_ckpt_restore(shale_ckpt_store *s, uint64_t id, const shale_state_options *o,
                             const char *dir, shale_state_descriptor *const *descs,
                             size_t ndescs, shale_state_backend **out, shale_err *err)
{
    int kind;
    int32_t mp, start, end;
    *out = NULL;
    int rc = shale_state_ckpt_range(s, id, &kind, &mp, &start, &end, err);
    if (rc != SHALE_OK)
        return rc;
    shale_state_ckpt_ref ref = {s, id};
    return shale_state_ckpt_rescale(&ref, 1, start, end, o, dir, descs, ndescs, out, err);
}
