/* state/lsm_backend.c: the LSM state backend (state/lsm.h): opening the
 * database with every column family it has, one family per state (made on
 * first registration, found again on reopen), the shared block cache and
 * write-buffer budget, metrics and the vtable.  Operations are in
 * state/lsm_value.c, lsm_map.c, lsm_list.c, timers in lsm_timers.c,
 * snapshots in lsm_snapshot.c and the TTL compaction filter in
 * lsm_filter.c. */
#include "state/lsm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lsm/util/err.h"
#include "state/layout.h"

#define LSM_DEFAULT_CACHE (8u << 20)
#define LSM_BUDGET_CHECK_EVERY 256u

/* --- options ------------------------------------------------------------------ */
/* The options every family (and the database) is opened with; a family's
 * own adds the list merge operator and a filter factory. */
static shale_options *base_options(lsm_backend *lb)
{
    shale_options *o = shale_options_new();
    if (o == NULL)
        return NULL;
    shale_options_set_create_if_missing(o, true);
    shale_options_set_create_missing_column_families(o, true);
    shale_options_set_block_cache(o, lb->cache);
    shale_options_set_statistics(o, lb->stats);
    shale_options_set_info_log_level(o, SHALE_LOG_WARN);
    if (lb->wb_budget > 0) {
        /* A family's memtable may take a quarter of the budget; the
         * backend flushes the largest when all of them exceed it. */
        uint64_t wbs = lb->wb_budget / 4;
        shale_options_set_write_buffer_size(o, wbs < (64u << 10) ? (64u << 10) : (size_t)wbs);
    }
    return o;
}

static shale_options *family_options(lsm_backend *lb, const state_config *c, bool timers,
                                     lsm_filter_cfg **fcfg)
{
    *fcfg = NULL;
    shale_options *o = base_options(lb);
    if (o == NULL || timers)
        return o;
    shale_merge_operator *op = shale_merge_operator_create_stringappend_test();
    shale_compaction_filter_factory *f = lsm_filter_factory_new(c, fcfg);
    if (op == NULL || f == NULL) {
        shale_merge_operator_destroy(op);
        shale_compaction_filter_factory_destroy(f);   /* frees *fcfg too */
        shale_options_free(o);
        *fcfg = NULL;
        return NULL;
    }
    shale_options_set_merge_operator(o, op);
    shale_options_set_compaction_filter_factory(o, f);
    return o;
}

static bool is_timer_family(const char *name)
{
    return strcmp(name, LSM_TIMER_CF_PROCESSING) == 0 || strcmp(name, LSM_TIMER_CF_EVENT) == 0;
}

/* --- families ------------------------------------------------------------------- */
static lsm_family *family_add(lsm_backend *lb, const char *name, shale_err *err)
{
    if (lb->nfams == lb->cap_fams) {
        size_t cap = lb->cap_fams ? 2 * lb->cap_fams : 8;
        lsm_family **f = realloc(lb->fams, cap * sizeof *f);
        if (f == NULL)
            return SHALE_NOMEM(err), NULL;
        lb->fams = f;
        lb->cap_fams = cap;
    }
    lsm_family *f = calloc(1, sizeof *f);
    if (f == NULL || (f->name = strdup(name)) == NULL) {
        free(f);
        return SHALE_NOMEM(err), NULL;
    }
    lb->fams[lb->nfams++] = f;
    return f;
}

static lsm_family *family_find(lsm_backend *lb, const char *name)
{
    for (size_t i = 0; i < lb->nfams; i++)
        if (strcmp(lb->fams[i]->name, name) == 0)
            return lb->fams[i];
    return NULL;
}

/* The family names to open: the database's own (none when new), plus
 * "default" and the timer families. */
static int names_to_open(const char *dir, lsm_backend *lb, shale_err *err)
{
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/CURRENT", dir);
    char **names = NULL;
    size_t n = 0;
    if (stat(path, &sb) == 0) {
        shale_options *o = shale_options_new();
        if (o == NULL)
            return SHALE_NOMEM(err);
        int rc = shale_db_list_cf(o, dir, &names, &n, err);
        shale_options_free(o);
        if (rc != SHALE_OK)
            return rc;
    }
    const char *must[] = {SHALE_DEFAULT_CF_NAME, LSM_TIMER_CF_PROCESSING, LSM_TIMER_CF_EVENT};
    int rc = SHALE_OK;
    for (size_t i = 0; i < n && rc == SHALE_OK; i++)
        if (family_add(lb, names[i], err) == NULL)
            rc = SHALE_NO_MEMORY;
    for (size_t i = 0; i < 3 && rc == SHALE_OK; i++)
        if (family_find(lb, must[i]) == NULL && family_add(lb, must[i], err) == NULL)
            rc = SHALE_NO_MEMORY;
    shale_cf_names_free(names, n);
    return rc;
}

static int open_db(shale_state_backend *b, const char *dir, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    int rc = names_to_open(dir, lb, err);
    size_t n = lb->nfams;
    const char **names = calloc(n, sizeof *names);
    shale_options **opts = calloc(n, sizeof *opts);
    shale_cf **handles = calloc(n, sizeof *handles);
    shale_options *dbo = base_options(lb);
    if (rc == SHALE_OK && (names == NULL || opts == NULL || handles == NULL || dbo == NULL))
        rc = SHALE_NOMEM(err);
    for (size_t i = 0; i < n && rc == SHALE_OK; i++) {
        names[i] = lb->fams[i]->name;
        opts[i] = family_options(lb, &b->cfg, is_timer_family(names[i]), &lb->fams[i]->fcfg);
        if (opts[i] == NULL)
            rc = SHALE_NOMEM(err);
    }
    if (rc == SHALE_OK)
        rc = shale_db_open_cf(dbo, dir, n, names, (const shale_options *const *)opts, handles,
                              &lb->db, err);
    for (size_t i = 0; i < n; i++) {
        if (rc == SHALE_OK)
            lb->fams[i]->cf = handles[i];
        shale_options_free(opts ? opts[i] : NULL);
    }
    shale_options_free(dbo);
    free(names);
    free(opts);
    free(handles);
    return rc;
}

/* --- open / close --------------------------------------------------------------- */
static int make_shared(lsm_backend *lb, const state_config *c, shale_err *err)
{
    uint64_t budget = c->memory_budget;
    /* Flink splits managed memory between the cache and write buffers;
     * half and half here. */
    lb->wb_budget = budget / 2;
    lb->cache = shale_cache_new_lru(budget > 0 ? (size_t)(budget - lb->wb_budget)
                                               : LSM_DEFAULT_CACHE);
    lb->stats = shale_statistics_new();
    lb->wo = shale_write_options_new();
    lb->ro = shale_read_options_new();
    lb->wb = shale_write_batch_new();
    if (lb->cache == NULL || lb->stats == NULL || lb->wo == NULL || lb->ro == NULL ||
        lb->wb == NULL)
        return SHALE_NOMEM(err);
    /* The state metrics read tickers and properties; access latencies are
     * sampled by the state layer, so the engine keeps no timers (two clock
     * reads per call): RocksDB's kExceptTimers. */
    shale_statistics_set_level(lb->stats, SHALE_STATS_EXCEPT_TIMERS);
    shale_write_options_set_disable_wal(lb->wo, !c->wal);
    return SHALE_OK;
}

static void lsm_close(shale_state_backend *b);

static int lsm_open(shale_state_backend *b, const char *dir, shale_err *err)
{
    if (dir == NULL || dir[0] == '\0')
        return SHALE_INVALID(err, "the LSM state backend needs a directory");
    lsm_backend *lb = calloc(1, sizeof *lb);
    if (lb == NULL)
        return SHALE_NOMEM(err);
    shale_buf_init(&lb->kbuf);
    shale_buf_init(&lb->vbuf);
    b->impl = lb;
    int rc = make_shared(lb, &b->cfg, err);
    if (rc == SHALE_OK)
        rc = open_db(b, dir, err);
    if (rc == SHALE_OK)
        rc = lsm_timers_open(b, err);
    if (rc != SHALE_OK) {
        lsm_close(b);
        b->impl = NULL;
    }
    return rc;
}

static void lsm_close(shale_state_backend *b)
{
    lsm_backend *lb = lsm_of(b);
    if (lb == NULL)
        return;
    lsm_timers_close(lb);
    bool wal = b->cfg.wal;
    for (size_t i = 0; i < lb->nfams; i++) {
        lsm_family *f = lb->fams[i];
        /* WAL off: the memtables hold the only copy; RocksDB flushes them
         * on close too (has_unpersisted_data_). */
        if (lb->db != NULL && f->cf != NULL && !wal)
            (void)shale_flush_cf(lb->db, f->cf, true, NULL);
        shale_cf_handle_free(f->cf);   /* a no-op for the db's own default handle */
        free(f->name);
        free(f);
    }
    free(lb->fams);
    (void)shale_db_close(lb->db, NULL);
    shale_cache_release(lb->cache);
    shale_statistics_release(lb->stats);
    shale_write_options_free(lb->wo);
    shale_read_options_free(lb->ro);
    shale_write_batch_free(lb->wb);
    shale_buf_deinit(&lb->kbuf);
    shale_buf_deinit(&lb->vbuf);
    shale_free(lb->peek);
    free(lb);
}

static int lsm_state_open(shale_state_backend *b, shale_state *st, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    const char *name = st->desc.name;
    if (is_timer_family(name))
        return SHALE_INVALID(err, "state name '%s' is reserved for timers", name);
    lsm_family *f = family_find(lb, name);
    if (f != NULL && f->claimed)
        return SHALE_INVALID(err, "state '%s' is already open", name);
    if (f == NULL) {
        lsm_filter_cfg *fcfg = NULL;
        shale_options *o = family_options(lb, &b->cfg, false, &fcfg);
        if (o == NULL)
            return SHALE_NOMEM(err);
        shale_cf *cf = NULL;
        int rc = shale_create_cf(lb->db, o, name, &cf, err);
        shale_options_free(o);
        if (rc != SHALE_OK)
            return rc;
        if ((f = family_add(lb, name, err)) == NULL) {
            shale_cf_handle_free(cf);
            return SHALE_NO_MEMORY;
        }
        f->cf = cf;
        f->fcfg = fcfg;
    }
    lsm_filter_cfg_set(f->fcfg, &st->desc);
    f->claimed = true;
    st->impl = f;
    return SHALE_OK;
}

static void lsm_state_close(shale_state *st)
{
    /* The family stays open until the backend closes. */
    lsm_family *f = lsm_fam(st);
    if (f != NULL)
        f->claimed = false;
}

/* --- shared helpers ------------------------------------------------------------- */
int lsm_key(shale_state *st, const state_key *k, shale_err *err)
{
    lsm_backend *lb = lsm_of(st->b);
    shale_buf_clear(&lb->kbuf);
    state_layout_key(&lb->kbuf, st->b->cfg.max_parallelism, k);
    return shale_buf_ok(&lb->kbuf) ? SHALE_OK : SHALE_NOMEM(err);
}

void lsm_prefix_end(shale_buf *out, const char *p, size_t n)
{
    size_t start = out->len;
    shale_buf_append(out, p, n);
    while (out->len > start) {
        unsigned char *last = (unsigned char *)out->data + out->len - 1;
        if (*last != 0xff) {
            (*last)++;
            return;
        }
        shale_buf_truncate(out, out->len - 1);
    }
}

static uint64_t fam_prop(lsm_backend *lb, const lsm_family *f, const char *name)
{
    uint64_t v = 0;
    return shale_get_int_property_cf(lb->db, f->cf, name, &v) ? v : 0;
}

/* Flink's WriteBufferManager, in the small: when all memtables together
 * pass the budget, the largest active one is flushed (in the background). */
void lsm_after_write(lsm_backend *lb)
{
    if (lb->wb_budget == 0 || ++lb->writes_since_check < LSM_BUDGET_CHECK_EVERY)
        return;
    lb->writes_since_check = 0;
    uint64_t total = 0, biggest = 0;
    lsm_family *pick = NULL;
    for (size_t i = 0; i < lb->nfams; i++) {
        total += fam_prop(lb, lb->fams[i], "rocksdb.cur-size-all-mem-tables");
        uint64_t active = fam_prop(lb, lb->fams[i], "rocksdb.cur-size-active-mem-table");
        if (active > biggest) {
            biggest = active;
            pick = lb->fams[i];
        }
    }
    if (total > lb->wb_budget && pick != NULL)
        (void)shale_flush_cf(lb->db, pick->cf, false, NULL);
}

/* --- metrics -------------------------------------------------------------------- */
static uint64_t lsm_memory_usage(shale_state_backend *b)
{
    lsm_backend *lb = lsm_of(b);
    uint64_t n = 0;
    for (size_t i = 0; i < lb->nfams; i++)
        n += fam_prop(lb, lb->fams[i], "rocksdb.cur-size-all-mem-tables") +
             fam_prop(lb, lb->fams[i], "rocksdb.estimate-table-readers-mem");
    return n + shale_cache_get_usage(lb->cache);
}

static void lsm_state_size(shale_state *st, uint64_t *entries, uint64_t *bytes)
{
    lsm_backend *lb = lsm_of(st->b);
    lsm_family *f = lsm_fam(st);
    *entries = fam_prop(lb, f, "rocksdb.estimate-num-keys");
    *bytes = fam_prop(lb, f, "rocksdb.estimate-live-data-size") +
             fam_prop(lb, f, "rocksdb.cur-size-all-mem-tables");
}

static bool lsm_property(shale_state *st, const char *name, uint64_t *v)
{
    lsm_backend *lb = lsm_of(st->b);
    return shale_get_int_property_cf(lb->db, lsm_fam(st)->cf, name, v);
}

shale_db *lsm_backend_db(shale_state_backend *b)
{
    return b->ops == &state_lsm_ops ? lsm_of(b)->db : NULL;
}

shale_cf *lsm_state_cf(shale_state *st)
{
    return st->b->ops == &state_lsm_ops ? lsm_fam(st)->cf : NULL;
}

shale_statistics *lsm_backend_statistics(shale_state_backend *b)
{
    return b->ops == &state_lsm_ops ? lsm_of(b)->stats : NULL;
}

const state_backend_ops state_lsm_ops = {
    .name = "lsm",
    .open = lsm_open,
    .close = lsm_close,
    .state_open = lsm_state_open,
    .state_close = lsm_state_close,
    .clear = lsm_clear,
    .value_get = lsm_value_get,
    .value_peek = lsm_value_peek,
    .value_put = lsm_value_put,
    .list_add = lsm_list_add,
    .list_update = lsm_list_update,
    .list_get = lsm_list_get,
    .map_get = lsm_map_get,
    .map_put = lsm_map_put,
    .map_remove = lsm_map_remove,
    .map_contains = lsm_map_contains,
    .map_iter = lsm_map_iter,
    .map_is_empty = lsm_map_is_empty,
    .timer_add = lsm_timer_add,
    .timer_del = lsm_timer_del,
    .timer_pop = lsm_timer_pop,
    .timer_count = lsm_timer_count,
    .snapshot_new = lsm_snapshot_new,
    .snapshot_next = lsm_snapshot_next,
    .snapshot_free = lsm_snapshot_free,
    .memory_usage = lsm_memory_usage,
    .state_size = lsm_state_size,
    .property = lsm_property,
};
