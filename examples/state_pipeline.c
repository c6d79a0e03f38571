/* examples/state_pipeline.c: the README's demo pipeline.
 *
 * A synthetic stream of user events (--events, 2,000,000 by default) runs
 * through the three keyed-state patterns of the other examples at once,
 * on one backend (--backend; by default LSM, and when this build lacks it
 * the program prints a note and falls back to the heap backend, while an
 * explicit --backend=lsm then exits 2 with "backend lsm is not supported
 * by this build"):
 *   cache    the item's embedding (ValueState<float[32]>, TTL): get, and on
 *            a miss compute and update (examples/embedding_cache.c);
 *   context  the user's last turns (bounded ListState) and a summary
 *            (ValueState) refreshed by a processing-time timer
 *            (examples/conversation_context.c);
 *   windows  the user's sliding-window count and sum (MapState of window
 *            start -> aggregate) emitted and cleaned by event-time timers
 *            (examples/window_features.c).
 * The clock is simulated (--rate events a second) so TTL and timers move
 * with the stream.  Phases, each timed: ingest the stream; drain (the last
 * timers fire); TTL reclaim (the clock passes the TTL and a sweep reads
 * every cached item, so expired entries are hidden and dropped); snapshot
 * (a full snapshot read to the end).  Output: a table of about ten lines,
 * then one summary line:
 *   state_pipeline summary: backend=B events=N hit_ratio=R turns=T ... checks=ok
 * The checks: every cache get agrees with the program's record of its
 * writes, lists never exceed the bound, every window opened is emitted,
 * and after the TTL every cached item reads as absent.  Exit 0 if they
 * pass, 1 otherwise, 2 for an explicit backend this build lacks. */
#include <ftw.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shale/state.h"

#define EX_PROG "state_pipeline"
#include "example_util.h"

#define DIM 32
#define KEEP 8                  /* turns kept per user */
#define SUMMARY_MS 10000        /* summary refresh period */
#define WINDOW_MS 30000         /* sliding windows: 30 s every 10 s */
#define SLIDE_MS 10000
#define JITTER_MS 200           /* event-time disorder */
#define TTL_MS 60000            /* cache TTL */
#define KEY_LEN 8

typedef struct config {
    int backend;
    const char *backend_name;
    bool backend_given;         /* --backend: no fallback */
    uint64_t events, users, items, rate, seed;
} config;

typedef struct pipeline {
    config cfg;
    shale_state_backend *b;
    shale_state *cache, *turns, *summary, *windows;
    sim_clock clk;
    double *user_cdf, *item_cdf;
    int64_t *written_at;        /* per item: last cache write, -1 never */
    uint64_t rng;
    int64_t max_ts, watermark, next_summary;
    uint64_t hits, misses, expired_misses;
    uint64_t turns_added, summaries, max_list;
    uint64_t opened, emitted;
    uint64_t reclaimed_entries, reclaimed_bytes, snap_entries, snap_bytes;
    double phase_s[4];
    shale_state_metrics after_ingest[4];   /* cache, turns, summary, windows */
    uint64_t memory_after_ingest;
    uint64_t violations;
} pipeline;

enum { PH_INGEST, PH_DRAIN, PH_RECLAIM, PH_SNAPSHOT };

static double *zipf_cdf(uint64_t n, double s)
{
    double *cdf = malloc(n * sizeof *cdf);
    double sum = 0;
    for (uint64_t i = 0; cdf != NULL && i < n; i++)
        cdf[i] = (sum += 1.0 / pow((double)(i + 1), s));
    for (uint64_t i = 0; cdf != NULL && i < n; i++)
        cdf[i] /= sum;
    return cdf;
}

static uint64_t zipf_pick(const double *cdf, uint64_t n, uint64_t *rng)
{
    double u = (double)(rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
    uint64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void put_be64(char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (char)(v >> (56 - 8 * i));
}

static uint64_t get_be64(const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | (uint8_t)p[i];
    return v;
}

/* --- arguments and backend -------------------------------------------------- */

static int parse_args(int argc, char **argv, config *c)
{
    *c = (config){SHALE_STATE_BACKEND_LSM, "lsm", false, 2000000, 20000, 100000, 10000, 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (parse_backend(a, &c->backend, &c->backend_name)) {
            c->backend_given = true;
        } else if (!parse_u64(a, "--events", &c->events) && !parse_u64(a, "--users", &c->users) &&
                   !parse_u64(a, "--items", &c->items) && !parse_u64(a, "--rate", &c->rate) &&
                   !parse_u64(a, "--seed", &c->seed)) {
            fprintf(stderr, "usage: %s [--backend=heap|lsm] [--events=N] [--users=N] "
                    "[--items=N] [--rate=N] [--seed=N]\n", argv[0]);
            return 1;
        }
    }
    if (c->users == 0 || c->items == 0 || c->rate == 0 || c->seed == 0) {
        fprintf(stderr, "state_pipeline: users, items, rate and seed must be > 0\n");
        return 1;
    }
    return 0;
}

static int open_kind(pipeline *p, int kind, const char *dir, shale_err *err)
{
    shale_state_options *o = shale_state_options_new();
    if (o == NULL)
        return SHALE_NO_MEMORY;
    shale_state_options_set_backend(o, kind);
    shale_state_options_set_clock(o, sim_clock_now, &p->clk);
    int rc = shale_state_backend_open(o, dir, &p->b, err);
    shale_state_options_free(o);
    return rc;
}

/* Opens the chosen backend.  LSM missing from the build: exit 2 when asked
 * for by --backend=lsm, else (the default) a note and the heap backend. */
static int open_backend(pipeline *p, char **dir)
{
    *dir = NULL;
    shale_err err = {0};
    int rc = SHALE_OK;
    if (p->cfg.backend == SHALE_STATE_BACKEND_LSM) {
        const char *tmp = getenv("TMPDIR");
        char tmpl[512];
        snprintf(tmpl, sizeof tmpl, "%s/shale-pipeline-XXXXXX", tmp ? tmp : "/tmp");
        if (mkdtemp(tmpl) == NULL || (*dir = strdup(tmpl)) == NULL) {
            perror("state_pipeline: mkdtemp");
            return 1;
        }
        rc = open_kind(p, SHALE_STATE_BACKEND_LSM, *dir, &err);
        if (rc != SHALE_NOT_SUPPORTED)
            return rc == SHALE_OK ? 0 : fail("open lsm backend", &err);
        char msg[256];
        if (p->cfg.backend_given) {
            fprintf(stderr, "state_pipeline: backend lsm is not supported by this build: %s\n",
                    shale_err_format(&err, msg, sizeof msg));
            return 2;
        }
        printf("note: backend lsm is not supported by this build: %s; using heap\n",
               shale_err_format(&err, msg, sizeof msg));
        p->cfg.backend = SHALE_STATE_BACKEND_HEAP;
        p->cfg.backend_name = "heap";
    }
    rc = open_kind(p, SHALE_STATE_BACKEND_HEAP, NULL, &err);
    return rc == SHALE_OK ? 0 : fail("open heap backend", &err);
}

static int register_state(pipeline *p, const char *name, int kind, shale_state **st,
                          shale_err *err)
{
    shale_state_descriptor *d = shale_state_descriptor_new(name, kind);
    if (d == NULL)
        return SHALE_NO_MEMORY;
    if (strcmp(name, "cache") == 0)
        shale_state_descriptor_set_ttl(d, TTL_MS, SHALE_TTL_ON_CREATE_AND_WRITE,
                                       SHALE_TTL_NEVER_RETURN_EXPIRED);
    if (kind == SHALE_STATE_LIST)
        shale_state_descriptor_set_list_bound(d, KEEP, 0, 0);
    int rc = shale_state_get(p->b, d, st, err);
    shale_state_descriptor_free(d);
    return rc;
}

static int setup(pipeline *p)
{
    const config *c = &p->cfg;
    p->clk.now = 1700000000000;
    p->rng = c->seed;
    p->max_ts = p->watermark = INT64_MIN;
    p->next_summary = p->clk.now + SUMMARY_MS;
    p->user_cdf = zipf_cdf(c->users, 0.8);
    p->item_cdf = zipf_cdf(c->items, 0.99);
    p->written_at = malloc(c->items * sizeof *p->written_at);
    if (p->user_cdf == NULL || p->item_cdf == NULL || p->written_at == NULL)
        return 1;
    for (uint64_t i = 0; i < c->items; i++)
        p->written_at[i] = -1;
    shale_err err = {0};
    int rc;
    if ((rc = register_state(p, "cache", SHALE_STATE_VALUE, &p->cache, &err)) != SHALE_OK ||
        (rc = register_state(p, "turns", SHALE_STATE_LIST, &p->turns, &err)) != SHALE_OK ||
        (rc = register_state(p, "summary", SHALE_STATE_VALUE, &p->summary, &err)) != SHALE_OK ||
        (rc = register_state(p, "windows", SHALE_STATE_MAP, &p->windows, &err)) != SHALE_OK)
        return fail("register states", &err);
    return 0;
}

/* --- the three patterns ------------------------------------------------------- */

static void embedding(uint64_t item, int64_t at, float *v)
{
    for (uint32_t i = 0; i < DIM; i++)
        v[i] = (float)(at % 1009) + (float)((item * 2654435761u + i) % 4096) / 4096.0f;
}

static int cache_request(pipeline *p, uint64_t item, shale_err *err)
{
    char kb[KEY_LEN], *val = NULL;
    size_t len = 0;
    put_be64(kb, item);
    shale_state_key k = shale_state_key_make(kb, sizeof kb);
    int rc = shale_value_state_get(p->cache, &k, &val, &len, err);
    int64_t w = p->written_at[item];
    bool want_hit = w >= 0 && p->clk.now < w + TTL_MS;
    float v[DIM];
    if ((rc == SHALE_OK || rc == SHALE_NOT_FOUND) && (rc == SHALE_OK) != want_hit)
        VIOLATION(p, "item %" PRIu64 ": cache %s, want %s", item, rc ? "miss" : "hit",
                  want_hit ? "hit" : "miss");
    if (rc == SHALE_OK) {
        embedding(item, w, v);
        if (len != sizeof v || memcmp(val, v, len) != 0)
            VIOLATION(p, "item %" PRIu64 ": wrong vector", item);
        p->hits++;
    }
    shale_free(val);
    if (rc != SHALE_NOT_FOUND)
        return rc;
    p->misses++;
    p->expired_misses += w >= 0;
    p->written_at[item] = p->clk.now;
    embedding(item, p->clk.now, v);
    return shale_value_state_update(p->cache, &k, (const char *)v, sizeof v, err);
}

static int add_turn(pipeline *p, uint64_t seq, shale_err *err)
{
    char turn[64];
    int n = snprintf(turn, sizeof turn, "turn %" PRIu64 " at %" PRId64, seq, p->clk.now);
    int rc = shale_list_state_add(p->turns, NULL, turn, (size_t)n, err);
    if (rc != SHALE_OK)
        return rc;
    p->turns_added++;
    int64_t due = (p->clk.now / SUMMARY_MS + 1) * SUMMARY_MS;
    return shale_timer_register(p->b, SHALE_TIMER_PROCESSING, NULL, due, err);
}

static int on_summary(void *ctx, shale_state_backend *b, int domain, int64_t ts,
                      const shale_state_key *k)
{
    (void)b, (void)domain, (void)k;
    pipeline *p = ctx;
    shale_err err = {0};
    shale_state_iter *it = NULL;
    int rc = shale_list_state_get(p->turns, NULL, &it, &err);
    if (rc != SHALE_OK)
        return rc;
    uint64_t n = 0, chars = 0;
    for (; shale_state_iter_valid(it); shale_state_iter_next(it), n++) {
        size_t len;
        (void)shale_state_iter_value(it, &len);
        chars += len;
    }
    rc = shale_state_iter_status(it, &err);
    shale_state_iter_free(it);
    if (n > KEEP)
        VIOLATION(p, "a list holds %" PRIu64 " turns, bound %d", n, KEEP);
    p->max_list = n > p->max_list ? n : p->max_list;
    char s[96];
    int len = snprintf(s, sizeof s, "kept=%" PRIu64 " chars=%" PRIu64 " at=%" PRId64, n, chars,
                       ts);
    p->summaries++;
    return rc != SHALE_OK ? rc : shale_value_state_update(p->summary, NULL, s, (size_t)len, &err);
}

static int fold_window(pipeline *p, int64_t ws, uint64_t value, shale_err *err)
{
    char uk[8], agg[16], *val = NULL;
    size_t len = 0;
    put_be64(uk, (uint64_t)ws);
    int rc = shale_map_state_get(p->windows, NULL, uk, sizeof uk, &val, &len, err);
    uint64_t count = 0, sum = 0;
    if (rc == SHALE_OK && len == sizeof agg) {
        count = get_be64(val);
        sum = get_be64(val + 8);
    } else if (rc == SHALE_NOT_FOUND) {
        p->opened++;
        rc = shale_timer_register(p->b, SHALE_TIMER_EVENT, NULL, ws + WINDOW_MS - 1, err);
    }
    shale_free(val);
    if (rc != SHALE_OK)
        return rc;
    put_be64(agg, count + 1);
    put_be64(agg + 8, sum + value);
    return shale_map_state_put(p->windows, NULL, uk, sizeof uk, agg, sizeof agg, err);
}

static int on_window_end(void *ctx, shale_state_backend *b, int domain, int64_t ts,
                         const shale_state_key *k)
{
    (void)b, (void)domain, (void)k;
    pipeline *p = ctx;
    char uk[8];
    put_be64(uk, (uint64_t)(ts + 1 - WINDOW_MS));
    shale_err err = {0};
    bool found = false;
    int rc = shale_map_state_contains(p->windows, NULL, uk, sizeof uk, &found, &err);
    if (rc != SHALE_OK)
        return rc;
    if (!found)
        VIOLATION(p, "window ending %" PRId64 " is missing", ts);
    p->emitted += found;
    return shale_map_state_remove(p->windows, NULL, uk, sizeof uk, &err);
}

/* One user event through the three patterns, then the timers. */
static int on_event(pipeline *p, uint64_t seq, shale_err *err)
{
    uint64_t user = zipf_pick(p->user_cdf, p->cfg.users, &p->rng);
    uint64_t item = zipf_pick(p->item_cdf, p->cfg.items, &p->rng);
    uint64_t x = rng_next(&p->rng);
    int64_t ts = p->clk.now - (int64_t)(x % (JITTER_MS + 1));
    char key[KEY_LEN];
    put_be64(key, user);
    int rc = cache_request(p, item, err);
    if (rc == SHALE_OK)
        rc = shale_state_backend_set_current_key(p->b, key, sizeof key, SHALE_KEY_GROUP_AUTO,
                                                 err);
    if (rc == SHALE_OK)
        rc = add_turn(p, seq, err);
    int64_t last = ts - ts % SLIDE_MS;
    for (int64_t ws = last - WINDOW_MS + SLIDE_MS; rc == SHALE_OK && ws <= last; ws += SLIDE_MS)
        rc = fold_window(p, ws, (x >> 32) % 100, err);
    if (rc != SHALE_OK)
        return rc;
    p->max_ts = ts > p->max_ts ? ts : p->max_ts;
    if (p->clk.now >= p->next_summary) {
        p->next_summary = (p->clk.now / SUMMARY_MS + 1) * SUMMARY_MS;
        rc = shale_timer_advance(p->b, SHALE_TIMER_PROCESSING, p->clk.now, on_summary, p, NULL,
                                 err);
    }
    int64_t wm = p->max_ts - JITTER_MS - 1;
    if (rc != SHALE_OK || wm < p->watermark + SLIDE_MS / 10)
        return rc;
    p->watermark = wm;
    return shale_timer_advance(p->b, SHALE_TIMER_EVENT, wm, on_window_end, p, NULL, err);
}

/* --- phases ------------------------------------------------------------------ */

static int phase_ingest(pipeline *p, shale_err *err)
{
    int64_t start = p->clk.now;
    for (uint64_t i = 0; i < p->cfg.events; i++) {
        p->clk.now = start + (int64_t)(i * 1000 / p->cfg.rate);
        int rc = on_event(p, i, err);
        if (rc != SHALE_OK)
            return rc;
    }
    return SHALE_OK;
}

static int phase_drain(pipeline *p, shale_err *err)
{
    p->clk.now += SUMMARY_MS;
    int rc = shale_timer_advance(p->b, SHALE_TIMER_PROCESSING, p->clk.now, on_summary, p, NULL,
                                 err);
    if (rc == SHALE_OK)
        rc = shale_timer_advance(p->b, SHALE_TIMER_EVENT, INT64_MAX, on_window_end, p, NULL,
                                 err);
    if (rc == SHALE_OK && p->emitted != p->opened)
        VIOLATION(p, "%" PRIu64 " windows emitted, %" PRIu64 " opened", p->emitted, p->opened);
    return rc;
}

/* The clock passes the TTL; a sweep reads every item once: each read must
 * miss, and reads that meet expired entries drop them. */
static int phase_reclaim(pipeline *p, shale_err *err)
{
    shale_state_metrics before, after;
    shale_state_metrics_get(p->cache, &before);
    p->clk.now += TTL_MS;
    for (uint64_t item = 0; item < p->cfg.items; item++) {
        char kb[KEY_LEN], *val = NULL;
        size_t len = 0;
        put_be64(kb, item);
        shale_state_key k = shale_state_key_make(kb, sizeof kb);
        int rc = shale_value_state_get(p->cache, &k, &val, &len, err);
        shale_free(val);
        if (rc == SHALE_OK)
            VIOLATION(p, "item %" PRIu64 " read after its TTL", item);
        else if (rc != SHALE_NOT_FOUND)
            return rc;
    }
    shale_state_metrics_get(p->cache, &after);
    p->reclaimed_entries = before.entries > after.entries ? before.entries - after.entries : 0;
    p->reclaimed_bytes = before.bytes > after.bytes ? before.bytes - after.bytes : 0;
    return SHALE_OK;
}

static int phase_snapshot(pipeline *p, shale_err *err)
{
    shale_state_snapshot *snap = NULL;
    int rc = shale_state_snapshot_new(p->b, &snap, err);
    shale_state_snapshot_entry e;
    while (rc == SHALE_OK && (rc = shale_state_snapshot_next(snap, &e, err)) == SHALE_OK) {
        p->snap_entries++;
        p->snap_bytes += e.key_len + e.value_len;
    }
    shale_state_snapshot_free(snap);
    return rc == SHALE_NOT_FOUND ? SHALE_OK : rc;
}

static int run_phases(pipeline *p, shale_err *err)
{
    static int (*const phases[])(pipeline *, shale_err *) = {phase_ingest, phase_drain,
                                                             phase_reclaim, phase_snapshot};
    for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++) {
        double t0 = now_s();
        int rc = phases[i](p, err);
        p->phase_s[i] = now_s() - t0;
        if (rc != SHALE_OK)
            return rc;
        if (i == PH_INGEST) {
            shale_state *sts[4] = {p->cache, p->turns, p->summary, p->windows};
            for (int s = 0; s < 4; s++)
                shale_state_metrics_get(sts[s], &p->after_ingest[s]);
            p->memory_after_ingest = shale_state_backend_memory_usage(p->b);
        }
    }
    return SHALE_OK;
}

static void report(const pipeline *p)
{
    const shale_state_metrics *m = p->after_ingest;
    const config *c = &p->cfg;
    double total = p->phase_s[0] + p->phase_s[1] + p->phase_s[2] + p->phase_s[3];
    double ratio = c->events ? (double)p->hits / (double)c->events : 0;
    printf("state_pipeline: %" PRIu64 " events, %" PRIu64 " users, %" PRIu64 " items, "
           "backend %s\n", c->events, c->users, c->items, c->backend_name);
    printf("  throughput   %.0f events/s (ingest), %.3f s in all\n",
           p->phase_s[0] > 0 ? c->events / p->phase_s[0] : 0, total);
    printf("  phases       ingest %.3f s, drain %.3f s, ttl reclaim %.3f s, snapshot %.3f s\n",
           p->phase_s[0], p->phase_s[1], p->phase_s[2], p->phase_s[3]);
    printf("  cache        hit ratio %.3f (%" PRIu64 " misses, %" PRIu64 " after TTL expiry)\n",
           ratio, p->misses, p->expired_misses);
    printf("  context      %" PRIu64 " turns, %" PRIu64 " summaries, longest list %" PRIu64
           " (bound %d)\n", p->turns_added, p->summaries, p->max_list, KEEP);
    printf("  windows      %" PRIu64 " opened, %" PRIu64 " features emitted\n", p->opened,
           p->emitted);
    printf("  state size   cache %" PRIu64 " B, turns %" PRIu64 " B, summary %" PRIu64
           " B, windows %" PRIu64 " B after ingest; backend %" PRIu64 " B\n",
           m[0].bytes, m[1].bytes, m[2].bytes, m[3].bytes, p->memory_after_ingest);
    printf("  ttl reclaim  %" PRIu64 " entries, %" PRIu64 " bytes dropped by TTL\n",
           p->reclaimed_entries, p->reclaimed_bytes);
    printf("  snapshot     %" PRIu64 " entries, %" PRIu64 " bytes\n", p->snap_entries,
           p->snap_bytes);
    printf("state_pipeline summary: backend=%s events=%" PRIu64 " events_per_sec=%.0f"
           " hit_ratio=%.4f turns=%" PRIu64 " summaries=%" PRIu64 " features=%" PRIu64
           " ttl_reclaimed_entries=%" PRIu64 " checks=%s\n", c->backend_name, c->events,
           p->phase_s[0] > 0 ? c->events / p->phase_s[0] : 0, ratio, p->turns_added,
           p->summaries, p->emitted, p->reclaimed_entries, p->violations ? "FAILED" : "ok");
}

int main(int argc, char **argv)
{
    pipeline p = {0};
    if (parse_args(argc, argv, &p.cfg) != 0)
        return 1;
    char *dir = NULL;
    int code = open_backend(&p, &dir);
    if (code == 0)
        code = setup(&p);
    if (code == 0) {
        shale_err err = {0};
        if (run_phases(&p, &err) != SHALE_OK)
            code = fail("pipeline", &err);
        else
            report(&p);
        if (p.violations != 0)
            code = 1;
    }
    shale_state_backend_close(p.b);
    ex_remove_dir(dir);
    free(p.user_cdf);
    free(p.item_cdf);
    free(p.written_at);
    return code;
}
