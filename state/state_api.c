/* state/state_api.c: the public keyed-state calls that are not per-state
 * operations: options, descriptors, opening a backend, registering states,
 * the keyed context (current key and namespace), key resolution, timers,
 * snapshots and metrics.  Everything backend-specific goes through the
 * vtable of state/backend.h; what is checked here is never checked again. */
#include "state/backend.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lsm/util/err.h"
#include "state/lsm.h"

/* --- backends known to this build ------------------------------------------ */
const state_backend_ops *state_backend_ops_for(int kind)
{
    switch (kind) {
    case SHALE_STATE_BACKEND_HEAP:
        return &state_heap_ops;
    case SHALE_STATE_BACKEND_LSM:
        return &state_lsm_ops;
    default:
        return NULL;
    }
}

/* --- options ------------------------------------------------------------------ */
static int64_t wall_clock_ms(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

shale_state_options *shale_state_options_new(void)
{
    shale_state_options *o = calloc(1, sizeof *o);
    if (o == NULL)
        return NULL;
    o->c.kind = SHALE_STATE_BACKEND_HEAP;
    o->c.max_parallelism = SHALE_STATE_DEFAULT_MAX_PARALLELISM;
    o->c.kg_start = 0;
    o->c.kg_end = SHALE_STATE_DEFAULT_MAX_PARALLELISM - 1;
    o->c.clock = wall_clock_ms;
    o->c.sample_interval = 100;
    return o;
}

void shale_state_options_free(shale_state_options *o) { free(o); }
void shale_state_options_set_backend(shale_state_options *o, int kind) { o->c.kind = kind; }

void shale_state_options_set_max_parallelism(shale_state_options *o, int32_t n)
{
    o->c.max_parallelism = n;
    o->c.kg_start = 0;
    o->c.kg_end = n - 1;
}

void shale_state_options_set_key_group_range(shale_state_options *o, int32_t start, int32_t end)
{
    o->c.kg_start = start;
    o->c.kg_end = end;
}

void shale_state_options_set_clock(shale_state_options *o, shale_state_clock_fn fn, void *ctx)
{
    o->c.clock = fn != NULL ? fn : wall_clock_ms;
    o->c.clock_ctx = fn != NULL ? ctx : NULL;
}

void shale_state_options_set_wal(shale_state_options *o, bool on) { o->c.wal = on; }
void shale_state_options_set_memory_budget(shale_state_options *o, uint64_t bytes)
{
    o->c.memory_budget = bytes;
}
void shale_state_options_set_latency_sample_interval(shale_state_options *o, uint32_t n)
{
    o->c.sample_interval = n;
}

/* --- descriptors ---------------------------------------------------------------- */
shale_state_descriptor *shale_state_descriptor_new(const char *name, int kind)
{
    if (name == NULL || name[0] == '\0' || kind < SHALE_STATE_VALUE ||
        kind > SHALE_STATE_AGGREGATING)
        return NULL;
    shale_state_descriptor *d = calloc(1, sizeof *d);
    if (d == NULL || (d->d.name = strdup(name)) == NULL) {
        free(d);
        return NULL;
    }
    d->d.kind = kind;
    d->d.cleanup_entries = 5;
    d->d.query_entries = 1000;
    return d;
}

void shale_state_descriptor_free(shale_state_descriptor *d)
{
    if (d == NULL)
        return;
    free(d->d.name);
    free(d);
}

void shale_state_descriptor_set_ttl(shale_state_descriptor *d, int64_t ttl_ms, int update,
                                    int visibility)
{
    d->d.ttl_ms = ttl_ms > 0 ? ttl_ms : 0;
    d->d.ttl_update = update;
    d->d.ttl_visibility = visibility;
}

void shale_state_descriptor_set_ttl_cleanup(shale_state_descriptor *d,
                                            uint32_t incremental_entries,
                                            uint32_t compaction_query_entries)
{
    d->d.cleanup_entries = incremental_entries;
    d->d.query_entries = compaction_query_entries;
}

void shale_state_descriptor_set_reduce(shale_state_descriptor *d, shale_reduce_fn fn, void *ctx)
{
    d->d.reduce = fn;
    d->d.cb_ctx = ctx;
}

void shale_state_descriptor_set_aggregate(shale_state_descriptor *d, shale_agg_create_fn create,
                                          shale_agg_add_fn add, shale_agg_result_fn result,
                                          shale_agg_merge_fn merge, void *ctx)
{
    d->d.agg_create = create;
    d->d.agg_add = add;
    d->d.agg_result = result;
    d->d.agg_merge = merge;
    d->d.cb_ctx = ctx;
}

void shale_state_descriptor_set_list_bound(shale_state_descriptor *d, uint64_t max_count,
                                           uint64_t max_bytes, int64_t max_age_ms)
{
    d->d.bound_count = max_count;
    d->d.bound_bytes = max_bytes;
    d->d.bound_age_ms = max_age_ms > 0 ? max_age_ms : 0;
}

/* --- open / close ---------------------------------------------------------------- */
static int check_config(const state_config *c, shale_err *err)
{
    if (c->max_parallelism < 1 || c->max_parallelism > SHALE_STATE_MAX_MAX_PARALLELISM)
        return SHALE_INVALID(err, "max parallelism %d outside 1..32768", (int)c->max_parallelism);
    if (c->kg_start < 0 || c->kg_start > c->kg_end || c->kg_end >= c->max_parallelism)
        return SHALE_INVALID(err, "key-group range [%d, %d] not within [0, %d)", (int)c->kg_start,
                             (int)c->kg_end, (int)c->max_parallelism);
    return SHALE_OK;
}

int shale_state_backend_open(const shale_state_options *o, const char *dir,
                             shale_state_backend **out, shale_err *err)
{
    *out = NULL;
    int rc = check_config(&o->c, err);
    if (rc != SHALE_OK)
        return rc;
    const state_backend_ops *ops = state_backend_ops_for(o->c.kind);
    if (ops == NULL)
        return SHALE_UNSUPPORTED(err, "state backend kind %d is not in this build", o->c.kind);
    shale_state_backend *b = calloc(1, sizeof *b);
    if (b == NULL)
        return SHALE_NOMEM(err);
    b->ops = ops;
    b->cfg = o->c;
    b->sample_left = o->c.sample_interval;
    shale_buf_init(&b->cur.key);
    shale_buf_init(&b->cur.ns);
    rc = ops->open(b, dir, err);
    if (rc != SHALE_OK) {
        free(b);
        return rc;
    }
    *out = b;
    return SHALE_OK;
}

void shale_state_backend_close(shale_state_backend *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->nstates; i++) {
        shale_state *st = b->states[i];
        b->ops->state_close(st);
        free(st->desc.name);
        free(st);
    }
    free(b->states);
    b->ops->close(b);
    shale_buf_deinit(&b->cur.key);
    shale_buf_deinit(&b->cur.ns);
    free(b);
}

int32_t shale_state_backend_max_parallelism(const shale_state_backend *b)
{
    return b->cfg.max_parallelism;
}

int64_t state_now(const shale_state_backend *b) { return b->cfg.clock(b->cfg.clock_ctx); }
int64_t shale_state_backend_now(const shale_state_backend *b) { return state_now(b); }

uint64_t shale_state_backend_memory_usage(shale_state_backend *b)
{
    return b->ops->memory_usage(b);
}

/* --- the keyed context ------------------------------------------------------------ */
static int check_owned(const shale_state_backend *b, int32_t kg, shale_err *err)
{
    if (kg < b->cfg.kg_start || kg > b->cfg.kg_end)
        return SHALE_INVALID(err, "key group %d is not in this backend's range [%d, %d]", (int)kg,
                             (int)b->cfg.kg_start, (int)b->cfg.kg_end);
    return SHALE_OK;
}

static int group_of(const shale_state_backend *b, const char *key, size_t klen, int32_t given,
                    int32_t *kg, shale_err *err)
{
    if (key == NULL && klen > 0)
        return SHALE_INVALID(err, "NULL key of %zu bytes", klen);
    if (klen > UINT32_MAX)
        return SHALE_INVALID(err, "key of %zu bytes is over 4 GiB", klen);
    *kg = given == SHALE_KEY_GROUP_AUTO
              ? shale_state_key_group(key, klen, b->cfg.max_parallelism)
              : given;
    return check_owned(b, *kg, err);
}

int shale_state_backend_set_current_key(shale_state_backend *b, const char *key, size_t key_len,
                                        int32_t key_group, shale_err *err)
{
    int32_t kg = 0;
    int rc = group_of(b, key, key_len, key_group, &kg, err);
    if (rc != SHALE_OK)
        return rc;
    shale_buf_clear(&b->cur.key);
    shale_buf_append(&b->cur.key, key, key_len);
    if (!shale_buf_ok(&b->cur.key)) {
        b->cur.set = false;
        return SHALE_NOMEM(err);
    }
    b->cur.kg = kg;
    b->cur.set = true;
    return SHALE_OK;
}

int shale_state_backend_set_current_namespace(shale_state_backend *b, const char *ns,
                                              size_t ns_len, shale_err *err)
{
    if (ns == NULL && ns_len > 0)
        return SHALE_INVALID(err, "NULL namespace of %zu bytes", ns_len);
    shale_buf_clear(&b->cur.ns);
    shale_buf_append(&b->cur.ns, ns, ns_len);
    return shale_buf_ok(&b->cur.ns) ? SHALE_OK : SHALE_NOMEM(err);
}

int shale_state_backend_current_key(const shale_state_backend *b, shale_state_key *out)
{
    if (!b->cur.set)
        return SHALE_NOT_FOUND;
    out->key = b->cur.key.data;
    out->key_len = b->cur.key.len;
    out->ns = b->cur.ns.data;
    out->ns_len = b->cur.ns.len;
    out->key_group = b->cur.kg;
    return SHALE_OK;
}

int state_resolve_key(shale_state_backend *b, const shale_state_key *k, state_key *out,
                      shale_err *err)
{
    if (k == NULL) {
        if (!b->cur.set)
            return SHALE_INVALID(err, "no current key set and no key given");
        *out = (state_key){b->cur.kg, b->cur.key.data, b->cur.key.len, b->cur.ns.data,
                           b->cur.ns.len};
        return SHALE_OK;
    }
    if (k->ns == NULL && k->ns_len > 0)
        return SHALE_INVALID(err, "NULL namespace of %zu bytes", k->ns_len);
    int rc = group_of(b, k->key, k->key_len, k->key_group, &out->kg, err);
    if (rc != SHALE_OK)
        return rc;
    out->key = k->key;
    out->klen = k->key_len;
    out->ns = k->ns;
    out->nslen = k->ns_len;
    return SHALE_OK;
}

/* --- states ------------------------------------------------------------------------ */
static int check_descriptor(const state_desc *d, shale_err *err)
{
    if (d->kind == SHALE_STATE_REDUCING && d->reduce == NULL)
        return SHALE_INVALID(err, "reducing state '%s' has no reduce callback", d->name);
    if (d->kind == SHALE_STATE_AGGREGATING &&
        (d->agg_create == NULL || d->agg_add == NULL || d->agg_result == NULL))
        return SHALE_INVALID(err, "aggregating state '%s' lacks create, add or result", d->name);
    if (d->kind != SHALE_STATE_LIST && (d->bound_count || d->bound_bytes || d->bound_age_ms))
        return SHALE_INVALID(err, "state '%s' is not a list and cannot be bounded", d->name);
    return SHALE_OK;
}

static shale_state *find_state(shale_state_backend *b, const char *name)
{
    for (size_t i = 0; i < b->nstates; i++)
        if (strcmp(b->states[i]->desc.name, name) == 0)
            return b->states[i];
    return NULL;
}

static int add_state(shale_state_backend *b, const state_desc *d, shale_state **out,
                     shale_err *err)
{
    if (b->nstates == b->cap_states) {
        size_t cap = b->cap_states ? 2 * b->cap_states : 8;
        shale_state **s = realloc(b->states, cap * sizeof *s);
        if (s == NULL)
            return SHALE_NOMEM(err);
        b->states = s;
        b->cap_states = cap;
    }
    shale_state *st = calloc(1, sizeof *st);
    if (st == NULL || (st->desc = *d, st->desc.name = strdup(d->name)) == NULL) {
        free(st);
        return SHALE_NOMEM(err);
    }
    st->b = b;
    st->id = (uint32_t)b->nstates;
    histogram_init(&st->latency);
    int rc = b->ops->state_open(b, st, err);
    if (rc != SHALE_OK) {
        free(st->desc.name);
        free(st);
        return rc;
    }
    b->states[b->nstates++] = st;
    *out = st;
    return SHALE_OK;
}

int shale_state_get(shale_state_backend *b, const shale_state_descriptor *d, shale_state **out,
                    shale_err *err)
{
    *out = NULL;
    int rc = check_descriptor(&d->d, err);
    if (rc != SHALE_OK)
        return rc;
    shale_state *st = find_state(b, d->d.name);
    if (st == NULL)
        return add_state(b, &d->d, out, err);
    if (st->desc.kind != d->d.kind || st->desc.ttl_ms != d->d.ttl_ms)
        return SHALE_INVALID(err, "state '%s' exists with another kind or TTL", d->d.name);
    *out = st;
    return SHALE_OK;
}

const char *shale_state_name(const shale_state *st) { return st->desc.name; }
int shale_state_kind(const shale_state *st) { return st->desc.kind; }

/* --- metrics ---------------------------------------------------------------------- */
void shale_state_metrics_get(shale_state *st, shale_state_metrics *out)
{
    memset(out, 0, sizeof *out);
    st->b->ops->state_size(st, &out->entries, &out->bytes);
    out->accesses = st->accesses;
    out->sampled = st->sampled;
    out->latency_p50_ns = histogram_percentile(&st->latency, 50.0);
    out->latency_p95_ns = histogram_percentile(&st->latency, 95.0);
    out->latency_p99_ns = histogram_percentile(&st->latency, 99.0);
    out->latency_max_ns = histogram_max(&st->latency);
}

char *shale_state_latency_string(shale_state *st) { return histogram_to_string(&st->latency); }

bool shale_state_property(shale_state *st, const char *name, uint64_t *v)
{
    return name != NULL && st->b->ops->property(st, name, v);
}

/* --- snapshots -------------------------------------------------------------------- */
struct shale_state_snapshot {
    const state_backend_ops *ops;
    state_snap *impl;
};

int shale_state_snapshot_new(shale_state_backend *b, shale_state_snapshot **out, shale_err *err)
{
    *out = NULL;
    shale_state_snapshot *s = calloc(1, sizeof *s);
    if (s == NULL)
        return SHALE_NOMEM(err);
    s->ops = b->ops;
    int rc = b->ops->snapshot_new(b, state_now(b), &s->impl, err);
    if (rc != SHALE_OK) {
        free(s);
        return rc;
    }
    *out = s;
    return SHALE_OK;
}

void shale_state_snapshot_free(shale_state_snapshot *s)
{
    if (s == NULL)
        return;
    s->ops->snapshot_free(s->impl);
    free(s);
}

int shale_state_snapshot_next(shale_state_snapshot *s, shale_state_snapshot_entry *e,
                              shale_err *err)
{
    return s->ops->snapshot_next(s->impl, e, err);
}
