/* state/lsm_filter.c: TTL cleanup in compaction for the LSM state backend
 * (Flink's FlinkCompactionFilter, without the callbacks into Java).
 *
 * Every state family gets a filter factory when it is opened; the factory
 * makes one filter per compaction (so a filter belongs to one thread) and
 * none while the family's state has not been registered yet, or has
 * neither TTL nor a list bound.  Decisions, on values and merge operands:
 *   value, reducing, aggregating  [ts 8 BE] bytes: removed when expired
 *   map entry                     flag [ts] bytes: the stamp at offset 1
 *   list (value or operand)       elements [ts] len bytes joined by ',':
 *                                 walked in place; expired or too-old
 *                                 elements, and those past a count or byte
 *                                 bound (from the front), are dropped:
 *                                 CHANGE_VALUE with the survivors, REMOVE
 *                                 when none survive, KEEP when all do.
 * Trimming each operand and the base value on its own is safe: the kept
 * part of the merged list is always a suffix of each piece's own kept part.
 * Bytes that do not parse are kept (a filter never destroys what it cannot
 * read).  "Now" comes from the backend's clock, read on the first entry
 * and then every query_entries entries (Flink's queryTimeAfterNumEntries). */
#include "state/lsm.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "state/layout.h"
#include "state/ttl.h"

struct lsm_filter_cfg {
    atomic_bool ready;            /* d is set (release) */
    state_desc d;                 /* name and callbacks cleared */
    shale_state_clock_fn clock;
    void *clock_ctx;
};

typedef struct filter_state {
    const lsm_filter_cfg *cfg;
    uint64_t calls;
    int64_t now;
} filter_state;

static const char *filter_name(void *state)
{
    (void)state;
    return "shale.StateTtlCompactionFilter";
}

static int64_t current_time(filter_state *fs)
{
    uint32_t every = fs->cfg->d.query_entries;
    if (fs->calls == 0 || every <= 1 || fs->calls % every == 0)
        fs->now = fs->cfg->clock(fs->cfg->clock_ctx);
    fs->calls++;
    return fs->now;
}

/* The survivors joined in *nv; the decision. */
static int filter_list(const state_desc *d, const char *v, size_t n, int64_t now, char **nv,
                       size_t *nvlen)
{
    lsm_elem *e = NULL;
    size_t ne = 0;
    if (lsm_list_parse(slice_make(v, n), lsm_elem_ts(d), &e, &ne, NULL) != SHALE_OK) {
        free(e);
        return SHALE_FILTER_KEEP;
    }
    shale_buf out = SHALE_BUF_INIT;
    size_t kept = 0;
    for (size_t i = lsm_list_bound_start(d, e, ne, now); i < ne; i++) {
        if (lsm_elem_dead(d, e[i].ts, now))
            continue;
        if (kept++ > 0)
            shale_buf_append_byte(&out, STATE_LIST_DELIM);
        shale_buf_append_slice(&out, e[i].raw);
    }
    free(e);
    int decision = SHALE_FILTER_CHANGE_VALUE;
    if (kept == ne || !shale_buf_ok(&out))
        decision = SHALE_FILTER_KEEP;
    else if (kept == 0)
        decision = SHALE_FILTER_REMOVE;
    if (decision == SHALE_FILTER_CHANGE_VALUE)
        *nv = shale_buf_detach(&out, nvlen);
    shale_buf_deinit(&out);
    return decision;
}

static int filter_entry(void *state, int level, const char *key, size_t key_len, int kind,
                        const char *value, size_t value_len, char **new_value,
                        size_t *new_value_len)
{
    (void)level, (void)key, (void)key_len, (void)kind;
    filter_state *fs = state;
    const state_desc *d = &fs->cfg->d;
    int64_t now = current_time(fs);
    if (d->kind == SHALE_STATE_LIST)
        return filter_list(d, value, value_len, now, new_value, new_value_len);
    size_t off = d->kind == SHALE_STATE_MAP ? 1 : 0;
    if (!state_ttl_on(d) || value_len < off + STATE_TTL_TS_LEN)
        return SHALE_FILTER_KEEP;
    if (off == 1 && value[0] != STATE_MAP_VALUE_PRESENT)
        return SHALE_FILTER_KEEP;
    return state_ttl_expired(d, state_layout_get_ts(value + off), now) ? SHALE_FILTER_REMOVE
                                                                       : SHALE_FILTER_KEEP;
}

static bool needs_filter(const state_desc *d)
{
    return d->ttl_ms > 0 ||
           (d->kind == SHALE_STATE_LIST && (d->bound_count || d->bound_bytes || d->bound_age_ms));
}

static shale_compaction_filter *create_filter(void *state,
                                              const shale_compaction_filter_context *ctx)
{
    (void)ctx;
    lsm_filter_cfg *cfg = state;
    if (!atomic_load_explicit(&cfg->ready, memory_order_acquire) || !needs_filter(&cfg->d))
        return NULL;
    filter_state *fs = calloc(1, sizeof *fs);
    if (fs == NULL)
        return NULL;   /* no filter this time: the data stays until the next compaction */
    fs->cfg = cfg;
    shale_compaction_filter *f = shale_compaction_filter_create(fs, free, filter_entry,
                                                                filter_name);
    if (f == NULL)
        free(fs);
    return f;
}

shale_compaction_filter_factory *lsm_filter_factory_new(const state_config *c,
                                                        lsm_filter_cfg **out)
{
    *out = NULL;
    lsm_filter_cfg *cfg = calloc(1, sizeof *cfg);
    if (cfg == NULL)
        return NULL;
    atomic_init(&cfg->ready, false);
    cfg->clock = c->clock;
    cfg->clock_ctx = c->clock_ctx;
    shale_compaction_filter_factory *f =
        shale_compaction_filter_factory_create(cfg, free, create_filter, filter_name);
    if (f == NULL) {
        free(cfg);
        return NULL;
    }
    *out = cfg;
    return f;
}

void lsm_filter_cfg_set(lsm_filter_cfg *cfg, const state_desc *d)
{
    if (cfg == NULL || atomic_load_explicit(&cfg->ready, memory_order_acquire))
        return;   /* set once per open database: compactions may be reading it */
    cfg->d = *d;
    cfg->d.name = NULL;
    cfg->d.reduce = NULL;
    cfg->d.agg_create = NULL;
    cfg->d.agg_add = NULL;
    cfg->d.agg_result = NULL;
    cfg->d.agg_merge = NULL;
    cfg->d.cb_ctx = NULL;
    atomic_store_explicit(&cfg->ready, true, memory_order_release);
}
