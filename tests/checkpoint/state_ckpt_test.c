/* tests/checkpoint/state_ckpt_test.c: keyed-state checkpoints
 * (include/shale/state_checkpoint.h), checked against a model kept by the
 * test itself.
 *
 * A random workload drives every state kind (value and list and map with
 * TTL, plain value, list and map, reducing, aggregating), in the void and
 * a real namespace, plus timers in both domains, on a manual clock.  The
 * model records what each write leaves (bytes and write time), so what a
 * backend must return at any time follows from it alone.  Checkpoints are
 * taken in two phases with writes before, between and after; each restore
 * (and rescale) is compared in full with the model at the checkpoint: at
 * the checkpoint's time and 1 s later (TTL stamps kept), the entry count,
 * every key group an LSM family holds, and every timer (fired). */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/ckpt_store.h"
#include "lsm/util/coding.h"
#include "lsm/util/crc32c.h"
#include "shale/state_checkpoint.h"
#include "state/layout.h"
#include "state/lsm.h"
#include "tests/checkpoint/ckpt_util.h"
#include "tests/support/test_util.h"

#define NK 40          /* keys */
#define NNS 2          /* namespaces: void, "w1" */
#define MAXL 12        /* list elements kept by the model */
#define NUK 6          /* map user keys */
#define NT 10          /* timer slots */
#define TTL 2000
#define MP 16

static _Atomic int64_t g_now;
static char *g_tmp;
static int64_t clock_fn(void *ctx) { (void)ctx; return atomic_load(&g_now); }

static void setup(void) { g_tmp = test_tmpdir("state-ckpt"); cr_assert_not_null(g_tmp); }
static void teardown(void) { test_rmtree(g_tmp); free(g_tmp); }
TestSuite(state_ckpt, .init = setup, .fini = teardown);

/* --- states ------------------------------------------------------------------ */
enum { S_VAL, S_PLAIN, S_SUM, S_AGG, S_LST, S_PLIST, S_MAP, S_PMAP, NSTATES };
static const char *const g_names[NSTATES] = {"val", "plain", "sum", "agg",
                                             "lst", "plist", "map", "pmap"};
static const int g_kinds[NSTATES] = {SHALE_STATE_VALUE, SHALE_STATE_VALUE,
                                     SHALE_STATE_REDUCING, SHALE_STATE_AGGREGATING,
                                     SHALE_STATE_LIST, SHALE_STATE_LIST,
                                     SHALE_STATE_MAP, SHALE_STATE_MAP};
static bool has_ttl(int s) { return s == S_VAL || s == S_LST || s == S_MAP; }

static int put_u64(uint64_t v, char **out, size_t *len)
{
    *out = malloc(8);
    enc_fixed64(*out, v);
    *len = 8;
    return SHALE_OK;
}
static int reduce_sum(void *c, const char *a, size_t al, const char *b, size_t bl, char **o,
                      size_t *ol)
{
    (void)c, (void)al, (void)bl;
    return put_u64(dec_fixed64(a) + dec_fixed64(b), o, ol);
}
static int agg_create(void *c, char **acc, size_t *l) { (void)c; return put_u64(0, acc, l); }
static int agg_add(void *c, const char *acc, size_t al, const char *in, size_t il, char **o,
                   size_t *ol)
{
    (void)c, (void)al, (void)in, (void)il;
    return put_u64(dec_fixed64(acc) + 1, o, ol);
}
static int agg_result(void *c, const char *acc, size_t al, char **o, size_t *ol)
{
    (void)c, (void)al;
    return put_u64(dec_fixed64(acc), o, ol);
}

static shale_state_descriptor *g_desc[NSTATES];

static void make_descs(void)
{
    for (int s = 0; s < NSTATES; s++) {
        g_desc[s] = shale_state_descriptor_new(g_names[s], g_kinds[s]);
        if (has_ttl(s))
            shale_state_descriptor_set_ttl(g_desc[s], TTL, SHALE_TTL_ON_CREATE_AND_WRITE,
                                           SHALE_TTL_NEVER_RETURN_EXPIRED);
    }
    shale_state_descriptor_set_reduce(g_desc[S_SUM], reduce_sum, NULL);
    shale_state_descriptor_set_aggregate(g_desc[S_AGG], agg_create, agg_add, agg_result, NULL,
                                         NULL);
}

static void free_descs(void)
{
    for (int s = 0; s < NSTATES; s++)
        shale_state_descriptor_free(g_desc[s]);
}

/* A backend and its state handles. */
typedef struct be {
    shale_state_backend *b;
    shale_state *st[NSTATES];
    int32_t start, end;
} be;

static shale_state_options *opts(int kind, int32_t start, int32_t end, uint64_t budget)
{
    shale_state_options *o = shale_state_options_new();
    shale_state_options_set_backend(o, kind);
    shale_state_options_set_max_parallelism(o, MP);
    shale_state_options_set_key_group_range(o, start, end);
    shale_state_options_set_clock(o, clock_fn, NULL);
    shale_state_options_set_memory_budget(o, budget);
    return o;
}

static void bind(be *e, int32_t start, int32_t end)
{
    shale_err err = {0};
    e->start = start, e->end = end;
    for (int s = 0; s < NSTATES; s++)
        cr_assert_eq(shale_state_get(e->b, g_desc[s], &e->st[s], &err), SHALE_OK, "%s",
                     err.msg);
}

static be open_be(int kind, const char *dir, int32_t start, int32_t end)
{
    be e = {0};
    shale_err err = {0};
    shale_state_options *o = opts(kind, start, end, 0);
    cr_assert_eq(shale_state_backend_open(o, dir, &e.b, &err), SHALE_OK, "%s", err.msg);
    shale_state_options_free(o);
    bind(&e, start, end);
    return e;
}

/* --- the model ------------------------------------------------------------------- */
typedef struct mv { bool has; char v[24]; size_t len; int64_t ts; } mv;
typedef struct ml { size_t n; mv e[MAXL]; } ml;
typedef struct model {
    mv val[NSTATES][NK][NNS];          /* value-like states */
    ml lst[NSTATES][NK][NNS];
    mv map[NSTATES][NK][NNS][NUK];
    bool timer[2][NK][NNS][NT];
} model;

static char g_keys[NK][8];
static int32_t kg_of(int k) { return shale_state_key_group(g_keys[k], strlen(g_keys[k]), MP); }
static shale_state_key skey(int k, int ns)
{
    shale_state_key x = shale_state_key_make(g_keys[k], strlen(g_keys[k]));
    if (ns == 1)
        x.ns = "w1", x.ns_len = 2;
    return x;
}
static int64_t timer_ts(int t) { return 5000 + 7 * t; }

static void init_keys(void)
{
    for (int k = 0; k < NK; k++)
        snprintf(g_keys[k], sizeof g_keys[k], "key%02d", k);
}

static bool visible(int s, const mv *v, int64_t now)
{
    return v->has && (!has_ttl(s) || v->ts + TTL > now);
}

static void set_mv(mv *m, const char *v, size_t len)
{
    m->has = true;
    memcpy(m->v, v, len);
    m->len = len;
    m->ts = atomic_load(&g_now);
}

/* --- the workload -------------------------------------------------------------- */
static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 17, *s ^= *s << 5;
    return *s;
}

static be *route(be *bes, int nbes, int k)
{
    for (int i = 0; i < nbes; i++)
        if (kg_of(k) >= bes[i].start && kg_of(k) <= bes[i].end)
            return &bes[i];
    cr_assert_fail("no backend owns key %d", k);
    return NULL;
}

static void op_value(be *e, model *m, int s, int k, int ns, uint32_t r)
{
    shale_err err = {0};
    shale_state_key key = skey(k, ns);
    mv *x = &m->val[s][k][ns];
    char v[24];
    if (s == S_SUM || s == S_AGG) {
        char in[8];
        enc_fixed64(in, r % 100);
        int rc = s == S_SUM ? shale_reducing_state_add(e->st[s], &key, in, 8, &err)
                            : shale_aggregating_state_add(e->st[s], &key, in, 8, &err);
        cr_assert_eq(rc, SHALE_OK, "%s", err.msg);
        uint64_t old = x->has ? dec_fixed64(x->v) : 0;
        enc_fixed64(v, s == S_SUM ? old + r % 100 : old + 1);
        set_mv(x, v, 8);
    } else if (r % 5 == 0) {
        cr_assert_eq(shale_state_clear(e->st[s], &key, &err), SHALE_OK);
        x->has = false;
    } else {
        int n = snprintf(v, sizeof v, "v%u", r);
        cr_assert_eq(shale_value_state_update(e->st[s], &key, v, (size_t)n, &err), SHALE_OK);
        set_mv(x, v, (size_t)n);
    }
}

static void op_list(be *e, model *m, int s, int k, int ns, uint32_t r)
{
    shale_err err = {0};
    shale_state_key key = skey(k, ns);
    char v[16];
    size_t n = (size_t)snprintf(v, sizeof v, "e%u", r % 100000);
    const char *vp = v;
    ml *l = &m->lst[s][k][ns];
    if (r % 9 == 0) {
        cr_assert_eq(shale_state_clear(e->st[s], &key, &err), SHALE_OK);
        l->n = 0;
    } else if (l->n < MAXL) {
        cr_assert_eq(shale_list_state_add(e->st[s], &key, v, n, &err), SHALE_OK, "%s", err.msg);
        set_mv(&l->e[l->n++], v, n);
    } else {
        cr_assert_eq(shale_list_state_update(e->st[s], &key, 1, &vp, &n, &err), SHALE_OK);
        l->n = 0;
        set_mv(&l->e[l->n++], v, n);
    }
}

static void op_map(be *e, model *m, int s, int k, int ns, uint32_t r)
{
    shale_err err = {0};
    shale_state_key key = skey(k, ns);
    char uk[8], v[16];
    int u = (int)(r % NUK);
    int ul = snprintf(uk, sizeof uk, "u%d", u);
    if (r % 11 == 0) {
        cr_assert_eq(shale_state_clear(e->st[s], &key, &err), SHALE_OK);
        for (int i = 0; i < NUK; i++)
            m->map[s][k][ns][i].has = false;
    } else if (r % 4 == 0) {
        cr_assert_eq(shale_map_state_remove(e->st[s], &key, uk, (size_t)ul, &err), SHALE_OK);
        m->map[s][k][ns][u].has = false;
    } else {
        int n = snprintf(v, sizeof v, "m%u", r % 1000000);
        cr_assert_eq(shale_map_state_put(e->st[s], &key, uk, (size_t)ul, v, (size_t)n, &err),
                     SHALE_OK, "%s", err.msg);
        set_mv(&m->map[s][k][ns][u], v, (size_t)n);
    }
}

static void op_timer(be *e, model *m, int k, int ns, uint32_t r)
{
    shale_err err = {0};
    shale_state_key key = skey(k, ns);
    int d = (int)(r % 2), t = (int)((r / 2) % NT);
    bool add = (r / 32) % 3 != 0;
    int rc = add ? shale_timer_register(e->b, d, &key, timer_ts(t), &err)
                 : shale_timer_delete(e->b, d, &key, timer_ts(t), &err);
    cr_assert_eq(rc, SHALE_OK, "%s", err.msg);
    m->timer[d][k][ns][t] = add;
}

static void workload(be *bes, int nbes, model *m, uint32_t seed, int ops)
{
    uint32_t s = seed * 2654435761u + 1;
    for (int i = 0; i < ops; i++) {
        uint32_t r = rnd(&s);
        int k = (int)(rnd(&s) % NK), ns = (int)(rnd(&s) % NNS), st = (int)(r % 9);
        be *e = route(bes, nbes, k);
        atomic_fetch_add(&g_now, (int64_t)(r % 13));
        if (st < S_LST)
            op_value(e, m, st, k, ns, rnd(&s));
        else if (st < S_MAP)
            op_list(e, m, st, k, ns, rnd(&s));
        else if (st < NSTATES)
            op_map(e, m, st, k, ns, rnd(&s));
        else
            op_timer(e, m, k, ns, rnd(&s));
    }
}

/* --- comparison ------------------------------------------------------------------ */
/* Checks one key's states at now; returns the snapshot records expected. */
static size_t check_key(be *e, const model *m, int k, int ns, int64_t now)
{
    shale_err err = {0};
    shale_state_key key = skey(k, ns);
    size_t records = 0;
    for (int s = 0; s < NSTATES; s++) {
        if (g_kinds[s] == SHALE_STATE_LIST) {
            shale_state_iter *it = NULL;
            cr_assert_eq(shale_list_state_get(e->st[s], &key, &it, &err), SHALE_OK, "%s",
                         err.msg);
            size_t n = 0, i = 0;
            for (; i < m->lst[s][k][ns].n; i++) {
                const mv *x = &m->lst[s][k][ns].e[i];
                if (!visible(s, x, now))
                    continue;
                size_t len;
                cr_assert(shale_state_iter_valid(it), "%s %s: list ends early", g_names[s],
                          g_keys[k]);
                const char *v = shale_state_iter_value(it, &len);
                cr_assert(len == x->len && memcmp(v, x->v, len) == 0, "%s %s ns%d elem %zu",
                          g_names[s], g_keys[k], ns, n);
                shale_state_iter_next(it);
                n++;
            }
            cr_assert(!shale_state_iter_valid(it), "%s %s: list too long", g_names[s],
                      g_keys[k]);
            shale_state_iter_free(it);
            records += n > 0;
        } else if (g_kinds[s] == SHALE_STATE_MAP) {
            shale_state_iter *it = NULL;
            cr_assert_eq(shale_map_state_iter(e->st[s], &key, &it, &err), SHALE_OK);
            size_t want = 0, got = 0;
            for (int u = 0; u < NUK; u++)
                want += visible(s, &m->map[s][k][ns][u], now);
            for (; shale_state_iter_valid(it); shale_state_iter_next(it), got++) {
                size_t ul, vl;
                const char *uk = shale_state_iter_key(it, &ul);
                const char *v = shale_state_iter_value(it, &vl);
                int u = atoi(uk + 1);
                cr_assert(u >= 0 && u < NUK);
                const mv *x = &m->map[s][k][ns][u];
                cr_assert(visible(s, x, now), "%s %s ns%d: extra user key u%d", g_names[s],
                          g_keys[k], ns, u);
                cr_assert(vl == x->len && memcmp(v, x->v, vl) == 0);
            }
            shale_state_iter_free(it);
            cr_assert_eq(got, want, "%s %s ns%d: %zu map entries, want %zu", g_names[s],
                         g_keys[k], ns, got, want);
            records += want;
        } else {
            char *v = NULL;
            size_t len = 0;
            int rc = s == S_SUM   ? shale_reducing_state_get(e->st[s], &key, &v, &len, &err)
                     : s == S_AGG ? shale_aggregating_state_get(e->st[s], &key, &v, &len, &err)
                                  : shale_value_state_get(e->st[s], &key, &v, &len, &err);
            const mv *x = &m->val[s][k][ns];
            bool vis = visible(s, x, now);
            cr_assert_eq(rc, vis ? SHALE_OK : SHALE_NOT_FOUND, "%s %s ns%d: rc %d (%s)",
                         g_names[s], g_keys[k], ns, rc, err.msg);
            if (vis)
                cr_assert(len == x->len && memcmp(v, x->v, len) == 0, "%s %s ns%d value",
                          g_names[s], g_keys[k], ns);
            shale_free(v);
            records += vis;
        }
    }
    return records;
}

static size_t count_snapshot(shale_state_backend *b)
{
    shale_err err = {0};
    shale_state_snapshot *snap = NULL;
    shale_state_snapshot_entry en;
    size_t n = 0;
    cr_assert_eq(shale_state_snapshot_new(b, &snap, &err), SHALE_OK);
    while (shale_state_snapshot_next(snap, &en, &err) == SHALE_OK)
        n++;
    shale_state_snapshot_free(snap);
    return n;
}

/* LSM: every key of every family (timers included) lies in the range. */
static void check_lsm_groups(be *e)
{
    if (lsm_backend_db(e->b) == NULL)
        return;
    lsm_backend *lb = lsm_of(e->b);
    size_t keys = 0;
    for (size_t f = 0; f < lb->nfams; f++) {
        shale_iter *it = shale_iter_new_cf(lb->db, lb->ro, lb->fams[f]->cf);
        for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it), keys++) {
            size_t kl;
            const char *kp = shale_iter_key(it, &kl);
            cr_assert(kl >= 1 && (int32_t)(uint8_t)kp[0] >= e->start &&
                          (int32_t)(uint8_t)kp[0] <= e->end,
                      "family %s holds key group %d outside [%d, %d]", lb->fams[f]->name,
                      kl ? (uint8_t)kp[0] : -1, e->start, e->end);
        }
        shale_iter_free(it);
    }
}

typedef struct fired { bool t[2][NK][NNS][NT]; int n; } fired;
static int on_timer(void *ctx, shale_state_backend *b, int d, int64_t ts,
                    const shale_state_key *k)
{
    (void)b;
    fired *f = ctx;
    int key = atoi(k->key + 3), ns = k->ns_len > 0, t = (int)((ts - 5000) / 7);
    cr_assert(key >= 0 && key < NK && t >= 0 && t < NT && !f->t[d][key][ns][t]);
    f->t[d][key][ns][t] = true;
    f->n++;
    return SHALE_OK;
}

/* Full comparison of e with m (the checkpoint's model taken at `at`). */
static void compare(be *e, const model *m, int64_t at)
{
    for (int64_t now = at; now <= at + 1000; now += 1000) {
        atomic_store(&g_now, now);
        size_t want = 0;
        for (int k = 0; k < NK; k++)
            for (int ns = 0; ns < NNS; ns++)
                if (kg_of(k) >= e->start && kg_of(k) <= e->end)
                    want += check_key(e, m, k, ns, now);
        cr_assert_eq(count_snapshot(e->b), want, "snapshot records at +%lld",
                     (long long)(now - at));
    }
    check_lsm_groups(e);
    fired f = {0};
    shale_err err = {0};
    for (int d = 0; d < 2; d++)
        cr_assert_eq(shale_timer_advance(e->b, d, INT64_MAX, on_timer, &f, NULL, &err),
                     SHALE_OK);
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < NK; k++)
            for (int ns = 0; ns < NNS; ns++)
                for (int t = 0; t < NT; t++) {
                    bool own = kg_of(k) >= e->start && kg_of(k) <= e->end;
                    cr_assert_eq(f.t[d][k][ns][t], own && m->timer[d][k][ns][t],
                                 "timer d%d %s ns%d slot %d", d, g_keys[k], ns, t);
                }
    atomic_store(&g_now, at);
}

/* --- restore ----------------------------------------------------------------------- */
static char *path(const char *what, int a, int b)
{
    char name[96];
    snprintf(name, sizeof name, "%s-%d-%d", what, a, b);
    return cu_join(g_tmp, name);
}

static be restore_be(const shale_state_ckpt_ref *refs, size_t n, int32_t start, int32_t end,
                     int kind, const char *dir)
{
    be e = {0};
    shale_err err = {0};
    shale_state_options *o = opts(kind, 0, MP - 1, 0);
    int rc = n == 1 && start < 0
                 ? shale_state_ckpt_restore(refs[0].store, refs[0].id, o, dir, g_desc,
                                            NSTATES, &e.b, &err)
                 : shale_state_ckpt_rescale(refs, n, start, end, o, dir, g_desc, NSTATES,
                                            &e.b, &err);
    shale_state_options_free(o);
    cr_assert_eq(rc, SHALE_OK, "restore: %s", err.msg);
    bind(&e, e.b->cfg.kg_start, e.b->cfg.kg_end);
    return e;
}

/* --- tests ---------------------------------------------------------------------------- */
static void restore_cycle(int src_kind, uint32_t seed)
{
    shale_err err = {0};
    shale_ckpt_storage *st = NULL;
    char *root = path("store", src_kind, (int)seed), *db = path("db", src_kind, (int)seed);
    char *scratch = path("scratch", src_kind, (int)seed);
    shale_ckpt_store *s = cu_store(&st, root, 2);
    model *m = calloc(1, sizeof *m), *at = malloc(sizeof *m);
    atomic_store(&g_now, 1000000);
    be src = open_be(src_kind, db, 0, MP - 1);
    workload(&src, 1, m, seed, 1500);
    shale_state_ckpt_pending *p = NULL;
    cr_assert_eq(shale_state_ckpt_start(s, src.b, scratch, &p, &err), SHALE_OK, "%s", err.msg);
    *at = *m;
    int64_t t_ckpt = atomic_load(&g_now);
    workload(&src, 1, m, seed + 100, 300);          /* between the phases */
    shale_state_ckpt_metrics mt;
    cr_assert_eq(shale_state_ckpt_finish(p, &mt, &err), SHALE_OK, "%s", err.msg);
    workload(&src, 1, m, seed + 200, 300);          /* after */
    cr_assert_eq(mt.backend_kind, src_kind);
    cr_assert_eq(src_kind == SHALE_STATE_BACKEND_HEAP, mt.heap_snapshot_bytes > 0);
    printf("state_ckpt: %s checkpoint %llu: full %llu B, stored %llu B, heap snapshot %llu B "
           "(%llu records, %llu timers), sync %llu us, async %llu us\n",
           src_kind ? "lsm" : "heap", (unsigned long long)mt.ckpt.id,
           (unsigned long long)mt.ckpt.full_size, (unsigned long long)mt.ckpt.stored_size,
           (unsigned long long)mt.heap_snapshot_bytes, (unsigned long long)mt.heap_entries,
           (unsigned long long)mt.heap_timers, (unsigned long long)mt.ckpt.sync_micros,
           (unsigned long long)mt.ckpt.async_micros);
    for (int kind = 0; kind < 2; kind++) {
        char *dir = path("restore", kind, (int)seed);
        shale_state_ckpt_ref ref = {s, mt.ckpt.id};
        atomic_store(&g_now, t_ckpt);
        be r = restore_be(&ref, 1, -1, -1, kind, dir);
        cr_assert_eq(r.start, 0);
        cr_assert_eq(r.end, MP - 1);
        compare(&r, at, t_ckpt);
        shale_state_backend_close(r.b);
        free(dir);
    }
    shale_state_backend_close(src.b);
    cr_assert_eq(shale_ckpt_store_close(s, false, &err), SHALE_OK);
    shale_ckpt_storage_free(st);
    free(m), free(at), free(root), free(db), free(scratch);
}

Test(state_ckpt, heap_checkpoint_restores_the_state_at_the_checkpoint_into_both_backends)
{
    init_keys();
    make_descs();
    for (uint32_t seed = 1; seed <= 3; seed++)
        restore_cycle(SHALE_STATE_BACKEND_HEAP, seed);
    free_descs();
}

Test(state_ckpt, lsm_checkpoint_restores_the_state_at_the_checkpoint_into_both_backends)
{
    init_keys();
    make_descs();
    for (uint32_t seed = 4; seed <= 6; seed++)
        restore_cycle(SHALE_STATE_BACKEND_LSM, seed);
    free_descs();
}

/* --- incremental size ----------------------------------------------------------------- */
#define FILL 20000

static void fill_value(shale_state *st, uint32_t seed, int i)
{
    shale_err err = {0};
    char k[16], v[100];
    uint32_t s = seed * 7919u + (uint32_t)i + 1;
    int kl = snprintf(k, sizeof k, "k%06d", i);
    for (size_t j = 0; j < sizeof v; j++)
        v[j] = (char)('a' + rnd(&s) % 26);
    shale_state_key key = shale_state_key_make(k, (size_t)kl);
    cr_assert_eq(shale_value_state_update(st, &key, v, sizeof v, &err), SHALE_OK);
}

/* Returns how many rounds stored under 5% of the state. */
static int incremental_rounds(uint64_t budget, const char *label, int rounds)
{
    shale_err err = {0};
    shale_ckpt_storage *stg = NULL;
    char *root = path("inc-store", (int)budget, 0), *db = path("inc-db", (int)budget, 0);
    shale_ckpt_store *s = cu_store(&stg, root, 1);
    shale_state_options *o = opts(SHALE_STATE_BACKEND_LSM, 0, MP - 1, budget);
    shale_state_backend *b = NULL;
    shale_state *st = NULL;
    cr_assert_eq(shale_state_backend_open(o, db, &b, &err), SHALE_OK, "%s", err.msg);
    shale_state_descriptor *d = shale_state_descriptor_new("v", SHALE_STATE_VALUE);
    cr_assert_eq(shale_state_get(b, d, &st, &err), SHALE_OK);
    for (int i = 0; i < FILL; i++)
        fill_value(st, 1, i);
    cr_assert_eq(shale_wait_for_compact(lsm_backend_db(b), &err), SHALE_OK);
    shale_state_ckpt_metrics m;
    cr_assert_eq(shale_state_ckpt_take(s, b, NULL, &m, &err), SHALE_OK, "%s", err.msg);
    int under = 0;
    uint32_t r = 12345;
    for (int round = 1; round <= rounds; round++) {
        for (int i = 0; i < FILL / 100; i++)
            fill_value(st, 100 + (uint32_t)round, (int)(rnd(&r) % FILL));
        cr_assert_eq(shale_state_ckpt_take(s, b, NULL, &m, &err), SHALE_OK, "%s", err.msg);
        uint64_t l1 = 0;
        (void)shale_state_property(st, "rocksdb.num-files-at-level1", &l1);
        double pct = 100.0 * (double)m.ckpt.stored_size / (double)m.ckpt.full_size;
        printf("state_ckpt: incremental, %s, round %d (1%% of %d keys changed): stored %llu of "
               "%llu B = %.2f%% (%u of %u files reused, L1 files %llu)\n",
               label, round, FILL, (unsigned long long)m.ckpt.stored_size,
               (unsigned long long)m.ckpt.full_size, pct, m.ckpt.files_reused,
               m.ckpt.files_total, (unsigned long long)l1);
        under += pct < 5.0;
    }
    shale_state_descriptor_free(d);
    shale_state_options_free(o);
    shale_state_backend_close(b);
    cr_assert_eq(shale_ckpt_store_close(s, false, &err), SHALE_OK);
    shale_ckpt_storage_free(stg);
    free(root), free(db);
    return under;
}

Test(state_ckpt, one_percent_change_makes_an_lsm_checkpoint_store_under_five_percent)
{
    /* No budget: 64 MiB memtables; every checkpoint flushes one small L0
     * file per family, and two rounds keep L0 (3 files) below the
     * compaction trigger (4), so no compaction runs: the backend has no
     * switch to turn it off. */
    cr_assert_eq(incremental_rounds(0, "compaction idle", 2), 2);
    /* A 1 MiB budget: the fill flushes many memtables and background
     * compaction moves them to L1 before the first checkpoint.  Each round
     * adds one L0 file; when L0 reaches the trigger (4) compaction rewrites
     * L0 and L1 into a new L1 file, and the next checkpoint uploads it
     * whole, as Flink's would.  That needs 4 flushes, so at most 2 of 5
     * rounds can follow a compaction. */
    cr_assert_geq(incremental_rounds(1u << 20, "background compaction", 5), 3);
}

Test(state_ckpt, heap_snapshot_holds_every_entry_once)
{
    shale_err err = {0};
    shale_ckpt_storage *stg = NULL;
    char *root = path("heap-store", 0, 0), *scratch = path("heap-scratch", 0, 0);
    shale_ckpt_store *s = cu_store(&stg, root, 1);
    shale_state_options *o = opts(SHALE_STATE_BACKEND_HEAP, 0, MP - 1, 0);
    shale_state_backend *b = NULL;
    shale_state *st = NULL;
    cr_assert_eq(shale_state_backend_open(o, NULL, &b, &err), SHALE_OK);
    shale_state_descriptor *d = shale_state_descriptor_new("v", SHALE_STATE_VALUE);
    cr_assert_eq(shale_state_get(b, d, &st, &err), SHALE_OK);
    for (int i = 0; i < FILL; i++)
        fill_value(st, 1, i);
    shale_state_ckpt_metrics m;
    cr_assert_eq(shale_state_ckpt_take(s, b, scratch, &m, &err), SHALE_OK, "%s", err.msg);
    /* Per entry: type 1 + state 4 + key length 4 + key (1 + 7 + 1) + value
     * length 4 + value 100; plus a 16-byte header, a 17-byte end record
     * and a 4-byte CRC. */
    cr_assert_eq(m.heap_entries, FILL);
    cr_assert_eq(m.heap_snapshot_bytes, (uint64_t)FILL * (1 + 4 + 4 + 9 + 4 + 100) + 16 + 17 + 4);
    printf("state_ckpt: heap checkpoint of %d 100-byte values: snapshot %llu B, checkpoint "
           "%llu B in %u files, sync %llu us, async %llu us\n",
           FILL, (unsigned long long)m.heap_snapshot_bytes,
           (unsigned long long)m.ckpt.full_size, m.ckpt.files_total,
           (unsigned long long)m.ckpt.sync_micros, (unsigned long long)m.ckpt.async_micros);
    shale_state_descriptor_free(d);
    shale_state_options_free(o);
    shale_state_backend_close(b);
    cr_assert_eq(shale_ckpt_store_close(s, false, &err), SHALE_OK);
    shale_ckpt_storage_free(stg);
    free(root), free(scratch);
}

/* --- rescaling ------------------------------------------------------------------------- */
static void rescale_up(int src_kind, int dst_kind, uint32_t seed)
{
    shale_err err = {0};
    shale_ckpt_storage *stg = NULL;
    char *root = path("up-store", src_kind, dst_kind), *db = path("up-db", src_kind, dst_kind);
    char *scratch = path("up-scratch", src_kind, dst_kind);
    shale_ckpt_store *s = cu_store(&stg, root, 1);
    model *m = calloc(1, sizeof *m), *at = malloc(sizeof *m);
    atomic_store(&g_now, 2000000);
    be src = open_be(src_kind, db, 0, MP - 1);
    workload(&src, 1, m, seed, 1500);
    shale_state_ckpt_metrics mt;
    cr_assert_eq(shale_state_ckpt_take(s, src.b, scratch, &mt, &err), SHALE_OK, "%s", err.msg);
    *at = *m;
    int64_t t = atomic_load(&g_now);
    workload(&src, 1, m, seed + 1, 300);
    const int32_t lo[2] = {0, MP / 2}, hi[2] = {MP / 2 - 1, MP - 1};
    for (int half = 0; half < 2; half++) {
        char *dir = path("up-target", dst_kind * 10 + src_kind, half);
        shale_state_ckpt_ref ref = {s, mt.ckpt.id};
        atomic_store(&g_now, t);
        be r = restore_be(&ref, 1, lo[half], hi[half], dst_kind, dir);
        cr_assert_eq(r.start, lo[half]);
        compare(&r, at, t);
        shale_state_backend_close(r.b);
        free(dir);
    }
    shale_state_backend_close(src.b);
    cr_assert_eq(shale_ckpt_store_close(s, false, &err), SHALE_OK);
    shale_ckpt_storage_free(stg);
    free(m), free(at), free(root), free(db), free(scratch);
}

static void rescale_down(int src_kind, int dst_kind, uint32_t seed)
{
    shale_err err = {0};
    shale_ckpt_storage *stg[2] = {NULL, NULL};
    shale_ckpt_store *s[2];
    be src[2];
    shale_state_ckpt_ref refs[2];
    model *m = calloc(1, sizeof *m), *at = malloc(sizeof *m);
    atomic_store(&g_now, 3000000);
    char *roots[2], *dbs[2], *scratch[2];
    for (int i = 0; i < 2; i++) {
        roots[i] = path("down-store", src_kind * 10 + dst_kind, i);
        dbs[i] = path("down-db", src_kind * 10 + dst_kind, i);
        scratch[i] = path("down-scratch", src_kind * 10 + dst_kind, i);
        s[i] = cu_store(&stg[i], roots[i], 1);
        src[i] = open_be(src_kind, dbs[i], i * MP / 2, (i + 1) * MP / 2 - 1);
    }
    workload(src, 2, m, seed, 2000);
    for (int i = 0; i < 2; i++) {
        shale_state_ckpt_metrics mt;
        cr_assert_eq(shale_state_ckpt_take(s[i], src[i].b, scratch[i], &mt, &err), SHALE_OK);
        refs[i] = (shale_state_ckpt_ref){s[i], mt.ckpt.id};
    }
    *at = *m;
    int64_t t = atomic_load(&g_now);
    workload(src, 2, m, seed + 1, 300);
    char *dir = path("down-target", src_kind, dst_kind);
    be r = restore_be(refs, 2, 0, MP - 1, dst_kind, dir);
    compare(&r, at, t);
    shale_state_backend_close(r.b);
    for (int i = 0; i < 2; i++) {
        shale_state_backend_close(src[i].b);
        cr_assert_eq(shale_ckpt_store_close(s[i], false, &err), SHALE_OK);
        shale_ckpt_storage_free(stg[i]);
        free(roots[i]), free(dbs[i]), free(scratch[i]);
    }
    free(m), free(at), free(dir);
}

Test(state_ckpt, rescale_splits_one_range_into_two_for_every_backend_pair)
{
    init_keys();
    make_descs();
    for (int sk = 0; sk < 2; sk++)
        for (int dk = 0; dk < 2; dk++)
            rescale_up(sk, dk, 7 + (uint32_t)(sk * 2 + dk));
    free_descs();
}

Test(state_ckpt, rescale_merges_two_ranges_into_one_for_every_backend_pair)
{
    init_keys();
    make_descs();
    for (int sk = 0; sk < 2; sk++)
        for (int dk = 0; dk < 2; dk++)
            rescale_down(sk, dk, 17 + (uint32_t)(sk * 2 + dk));
    free_descs();
}

/* --- hostile and damaged state files ---------------------------------------------------- */
/* chk-N/_state written from the layout in docs/checkpoints.md. */
typedef struct hstate {
    const char *name;
    size_t name_len;
    uint8_t kind;
    int64_t ttl, age;
    uint64_t bound;
} hstate;

static size_t enc_meta(char *out, uint32_t version, uint8_t bkind, int32_t mp, int32_t s,
                       int32_t e, uint32_t count, const hstate *st, size_t n)
{
    char *p = out;
    memcpy(p, "SHALESTM", 8), p += 8;
    enc_fixed32(p, version), p += 4;
    *p++ = (char)bkind;
    enc_fixed32(p, (uint32_t)mp), p += 4;
    enc_fixed32(p, (uint32_t)s), p += 4;
    enc_fixed32(p, (uint32_t)e), p += 4;
    enc_fixed32(p, count), p += 4;
    for (size_t i = 0; i < n; i++) {
        enc_fixed16(p, (uint16_t)st[i].name_len), p += 2;
        memcpy(p, st[i].name, st[i].name_len), p += st[i].name_len;
        *p++ = (char)st[i].kind;
        enc_fixed64(p, (uint64_t)st[i].ttl), p += 8;
        *p++ = 0, *p++ = 0;
        enc_fixed32(p, 5), p += 4;
        enc_fixed32(p, 1000), p += 4;
        enc_fixed64(p, st[i].bound), p += 8;
        enc_fixed64(p, 0), p += 8;
        enc_fixed64(p, (uint64_t)st[i].age), p += 8;
    }
    enc_fixed32(p, crc32c_mask(crc32c_value(out, (size_t)(p - out))));
    return (size_t)(p - out) + 4;
}

typedef struct hostile {
    shale_ckpt_store *s;
    uint64_t id;
    char *file;                  /* the store's copy of the file under attack */
    char *orig;
    size_t orig_len;
    char *tree;                  /* everything under g_tmp before */
} hostile;

/* Installs bytes as the file (NULL: removes it), restores into both kinds: Corruption, and
 * nothing under the test directory changes. */
static void expect_corrupt(hostile *h, const char *bytes, size_t len, const char *what)
{
    if (bytes == NULL)
        cr_assert_eq(remove(h->file), 0);           /* the file goes missing */
    else
        cr_assert(test_write_file(h->file, bytes, len));
    for (int kind = 0; kind < 2; kind++) {
        shale_err err = {0};
        shale_state_backend *b = NULL;
        char *dir = path("hostile-target", kind, 0);
        shale_state_options *o = opts(kind, 0, MP - 1, 0);
        int rc = shale_state_ckpt_restore(h->s, h->id, o, dir, g_desc, NSTATES, &b, &err);
        shale_state_options_free(o);
        cr_assert_eq(rc, SHALE_CORRUPTION, "%s (kind %d): rc %d %s", what, kind, rc, err.msg);
        cr_assert_null(b);
        free(dir);
    }
    cr_assert(test_write_file(h->file, h->orig, h->orig_len));
    char *now = cu_tree(g_tmp);
    cr_assert_str_eq(now, h->tree, "%s: the file system changed", what);
    free(now);
}

static void sweep_damage(hostile *h, size_t step, const char *what)
{
    char *buf = malloc(h->orig_len);
    for (size_t i = 0; i < h->orig_len; i += step) {
        memcpy(buf, h->orig, h->orig_len);
        buf[i] ^= (char)(1u << (i % 8));
        expect_corrupt(h, buf, h->orig_len, what);
    }
    for (size_t n = 0; n < h->orig_len; n += step)
        expect_corrupt(h, h->orig, n, what);
    free(buf);
}

static void attack(hostile *h, shale_ckpt_store *s, uint64_t id, const char *root,
                   const char *name)
{
    char rel[64];
    snprintf(rel, sizeof rel, "chk-%llu/%s", (unsigned long long)id, name);
    h->s = s, h->id = id;
    h->file = cu_join(root, rel);
    h->orig = test_read_file(h->file, &h->orig_len);
    cr_assert_not_null(h->orig);
    h->tree = cu_tree(g_tmp);
}

static void release(hostile *h)
{
    free(h->file), free(h->orig), free(h->tree);
}

static void crafted_metas(hostile *h)
{
    static char buf[4096];
    const hstate ok = {"val", 3, SHALE_STATE_VALUE, TTL, 0, 0};
    const hstate cases[][2] = {
        {{"a\0b", 3, 0, 0, 0, 0}, ok},                  /* NUL in a name */
        {{"", 0, 0, 0, 0, 0}, ok},                      /* empty name */
        {ok, ok},                                       /* duplicate */
        {{"x", 1, 9, 0, 0, 0}, ok},                     /* unknown kind */
        {{"x", 1, 0, -5, 0, 0}, ok},                    /* negative TTL */
        {{"x", 1, SHALE_STATE_VALUE, 0, 0, 3}, ok},     /* bounded non-list */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_corrupt(h, buf, enc_meta(buf, 1, 1, MP, 0, MP - 1, 2, cases[i], 2), "crafted");
    struct { uint32_t ver; uint8_t bk; int32_t mp, s, e; uint32_t count; } hdr[] = {
        {2, 1, MP, 0, MP - 1, 1},          {1, 7, MP, 0, MP - 1, 1},
        {1, 1, 0, 0, 0, 1},                {1, 1, 40000, 0, MP - 1, 1},
        {1, 1, MP, 5, 4, 1},               {1, 1, MP, 0, MP, 1},
        {1, 1, MP, -1, MP - 1, 1},         {1, 1, MP, 0, MP - 1, 0xffffffffu},
        {1, 1, MP, 0, MP - 1, 2},          {1, 1, MP, 0, MP - 1, 0 /* bytes left over */},
    };
    for (size_t i = 0; i < sizeof hdr / sizeof hdr[0]; i++)
        expect_corrupt(h, buf,
                       enc_meta(buf, hdr[i].ver, hdr[i].bk, hdr[i].mp, hdr[i].s, hdr[i].e,
                                hdr[i].count, &ok, 1),
                       "crafted header");
    /* A name longer than the rest of the file. */
    size_t n = enc_meta(buf, 1, 1, MP, 0, MP - 1, 1, &ok, 1);
    enc_fixed16(buf + 29, 60000);
    enc_fixed32(buf + n - 4, crc32c_mask(crc32c_value(buf, n - 4)));
    expect_corrupt(h, buf, n, "long name");
}

static size_t enc_heap(char *out, uint32_t state, const char *key, size_t klen, uint64_t count)
{
    char *p = out;
    memcpy(p, "SHALEHSS", 8), p += 8;
    enc_fixed32(p, 1), p += 4;
    enc_fixed32(p, MP), p += 4;
    *p++ = 1;
    enc_fixed32(p, state), p += 4;
    enc_fixed32(p, (uint32_t)klen), p += 4;
    memcpy(p, key, klen), p += klen;
    enc_fixed32(p, 2), p += 4;
    memcpy(p, "hi", 2), p += 2;
    *p++ = 0;
    enc_fixed64(p, count), p += 8;
    enc_fixed64(p, 0), p += 8;
    enc_fixed32(p, crc32c_mask(crc32c_value(out, (size_t)(p - out))));
    return (size_t)(p - out) + 4;
}

Test(state_ckpt, damaged_or_hostile_state_files_are_corruption_and_touch_nothing)
{
    init_keys();
    make_descs();
    shale_err err = {0};
    shale_ckpt_storage *stg[2];
    shale_ckpt_store *s[2];
    char *roots[2], *scratch = path("h-scratch", 0, 0);
    uint64_t ids[2];
    atomic_store(&g_now, 4000000);
    for (int kind = 0; kind < 2; kind++) {
        model *m = calloc(1, sizeof *m);
        char *db = path("h-db", kind, 0);
        roots[kind] = path("h-store", kind, 0);
        s[kind] = cu_store(&stg[kind], roots[kind], 1);
        be src = open_be(kind, db, 0, MP - 1);
        workload(&src, 1, m, 99, 200);
        shale_state_ckpt_metrics mt;
        cr_assert_eq(shale_state_ckpt_take(s[kind], src.b, scratch, &mt, &err), SHALE_OK);
        ids[kind] = mt.ckpt.id;
        shale_state_backend_close(src.b);
        free(m), free(db);
    }
    hostile h;
    attack(&h, s[1], ids[1], roots[1], "_state");
    sweep_damage(&h, 1, "LSM _state");
    crafted_metas(&h);
    expect_corrupt(&h, NULL, 0, "missing _state");
    release(&h);

    attack(&h, s[0], ids[0], roots[0], "_heap_state");
    sweep_damage(&h, 7, "_heap_state");
    static char buf[256];
    char key[2] = {(char)kg_of(0), 'k'};
    expect_corrupt(&h, buf, enc_heap(buf, 99, key, 2, 1), "state index out of range");
    expect_corrupt(&h, buf, enc_heap(buf, 0, key, 2, 2), "wrong count");
    char far[2] = {(char)MP, 'k'};
    expect_corrupt(&h, buf, enc_heap(buf, 0, far, 2, 1), "key group past max parallelism");
    release(&h);

    /* Undamaged, both still restore. */
    for (int kind = 0; kind < 2; kind++) {
        char *dir = path("h-ok", kind, 0);
        shale_state_ckpt_ref ref = {s[kind], ids[kind]};
        be r = restore_be(&ref, 1, -1, -1, 1 - kind, dir);
        shale_state_backend_close(r.b);
        free(dir);
        cr_assert_eq(shale_ckpt_store_close(s[kind], false, &err), SHALE_OK);
        shale_ckpt_storage_free(stg[kind]);
        free(roots[kind]);
    }
    free(scratch);
    free_descs();
}

/* --- lifecycle ----------------------------------------------------------------------------- */
Test(state_ckpt, retention_and_abort_leave_only_retained_checkpoints_in_storage)
{
    init_keys();
    make_descs();
    shale_err err = {0};
    shale_ckpt_storage *stg = NULL;
    char *root = path("ret-store", 0, 0), *scratch = path("ret-scratch", 0, 0);
    shale_ckpt_store *s = cu_store(&stg, root, 1);
    model *m = calloc(1, sizeof *m);
    for (int kind = 0; kind < 2; kind++) {
        char *db = path("ret-db", kind, 0);
        be src = open_be(kind, db, 0, MP - 1);
        for (int i = 0; i < 3; i++) {
            workload(&src, 1, m, 50 + (uint32_t)i, 100);
            cr_assert_eq(shale_state_ckpt_take(s, src.b, scratch, NULL, &err), SHALE_OK);
        }
        char *before = cu_tree(root);
        shale_state_ckpt_pending *p = NULL;
        cr_assert_eq(shale_state_ckpt_start(s, src.b, scratch, &p, &err), SHALE_OK);
        shale_state_ckpt_abort(p);
        char *after = cu_tree(root);
        cr_assert_str_eq(after, before, "abort left something behind");
        free(before), free(after);
        shale_state_backend_close(src.b);
        free(db);
    }
    /* Eight ids used (two aborted), one retained: only its directory is
     * left, with the LSM database's private files and _state. */
    uint64_t latest = 0;
    cr_assert_eq(shale_ckpt_store_latest(s, &latest, &err), SHALE_OK);
    cr_assert_eq(latest, 7);
    cr_assert_eq(cu_count_entries(root), 2, "root holds shared/ and chk-7/ only");
    char *chk = cu_join(root, "chk-7"), *meta = cu_join(chk, "_state");
    cr_assert_eq(cu_count_entries(chk), 5, "chk-7: _metadata, CURRENT, MANIFEST, OPTIONS, _state");
    size_t len = 0;
    char *bytes = test_read_file(meta, &len);
    cr_assert(bytes != NULL && len > 8 && memcmp(bytes, "SHALESTM", 8) == 0);
    free(bytes), free(meta), free(chk);
    cr_assert_eq(shale_ckpt_store_close(s, false, &err), SHALE_OK);
    shale_ckpt_storage_free(stg);
    free(m), free(root), free(scratch);
    free_descs();
}

Test(state_ckpt, restore_refuses_missing_callbacks_mismatched_descriptors_and_an_existing_dir)
{
    init_keys();
    make_descs();
    shale_err err = {0};
    shale_ckpt_storage *stg = NULL;
    char *root = path("arg-store", 0, 0), *db = path("arg-db", 0, 0);
    char *dir = path("arg-target", 0, 0);
    shale_ckpt_store *s = cu_store(&stg, root, 1);
    model *m = calloc(1, sizeof *m);
    be src = open_be(SHALE_STATE_BACKEND_LSM, db, 0, MP - 1);
    workload(&src, 1, m, 3, 100);
    shale_state_ckpt_metrics mt;
    cr_assert_eq(shale_state_ckpt_take(s, src.b, NULL, &mt, &err), SHALE_OK);
    shale_state_options *o = opts(SHALE_STATE_BACKEND_LSM, 0, MP - 1, 0);
    shale_state_backend *b = NULL;
    /* No descriptor for the reducing and aggregating states. */
    cr_assert_eq(shale_state_ckpt_restore(s, mt.ckpt.id, o, dir, g_desc, 2, &b, &err),
                 SHALE_INVALID_ARGUMENT);
    cr_assert_eq(cu_count_entries(dir), -1);
    /* A descriptor whose TTL differs from the checkpoint's. */
    shale_state_descriptor *d[NSTATES];
    memcpy(d, g_desc, sizeof d);
    d[S_PLAIN] = shale_state_descriptor_new("plain", SHALE_STATE_VALUE);
    shale_state_descriptor_set_ttl(d[S_PLAIN], 10, 0, 0);
    cr_assert_eq(shale_state_ckpt_restore(s, mt.ckpt.id, o, dir, d, NSTATES, &b, &err),
                 SHALE_INVALID_ARGUMENT);
    shale_state_descriptor_free(d[S_PLAIN]);
    /* A range outside max parallelism; an unknown checkpoint; an existing dir. */
    shale_state_ckpt_ref ref = {s, mt.ckpt.id};
    cr_assert_eq(shale_state_ckpt_rescale(&ref, 1, 0, MP, o, dir, g_desc, NSTATES, &b, &err),
                 SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_state_ckpt_restore(s, 99, o, dir, g_desc, NSTATES, &b, &err),
                 SHALE_NOT_FOUND);
    cr_assert_eq(cu_count_entries(dir), -1);
    cr_assert(test_write_file(root, "", 0) == false);   /* root is a directory */
    cr_assert_eq(shale_state_ckpt_restore(s, mt.ckpt.id, o, root, g_desc, NSTATES, &b, &err),
                 SHALE_INVALID_ARGUMENT);
    cr_assert_null(b);
    shale_state_options_free(o);
    shale_state_backend_close(src.b);
    cr_assert_eq(shale_ckpt_store_close(s, false, &err), SHALE_OK);
    shale_ckpt_storage_free(stg);
    free(m), free(root), free(db), free(dir);
    free_descs();
}
