/* examples/embedding_cache.c: an embedding cache in keyed ValueState.
 *
 * A model server caches the embedding of each item it has computed: a
 * ValueState<float[dim]> keyed by item id, with a TTL so stale vectors age
 * out.  A synthetic request stream picks items from a Zipf-like
 * distribution (a few hot items, a long tail); each request reads the
 * state and, on a miss, "computes" the vector and writes it back.  The
 * state's clock is injected and advances with the stream (--rate requests
 * per simulated second), so entries written more than --ttl-ms ago expire
 * and the hit ratio shows it.
 *
 * The program checks itself: it keeps, per item, the time it last wrote
 * the vector, so it knows whether each get must hit (written, and less than
 * the TTL ago; OnCreateAndWrite, NeverReturnExpired) and which vector must
 * come back.  Any disagreement fails the run.
 *
 * Usage: example_embedding_cache [--backend=heap|lsm] [--events=N]
 *          [--items=N] [--dim=N] [--ttl-ms=N] [--rate=N] [--zipf=S] [--seed=N]
 * Output: a few lines, the last one
 *   embedding_cache summary: backend=B events=N hits=H misses=M hit_ratio=R ... checks=ok
 * Exit: 0 checks passed; 1 a check or a call failed; 2 the backend is not
 * in this build (printed as "backend lsm is not supported by this build"). */
#include <ftw.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shale/state.h"

#define EX_PROG "embedding_cache"
#include "example_util.h"


typedef struct config {
    int backend;
    const char *backend_name;
    uint64_t events, items, seed;
    uint32_t dim;
    int64_t ttl_ms;
    uint64_t rate;             /* requests per simulated second */
    double zipf_s;
} config;

typedef struct cache_run {
    const config *cfg;
    shale_state_backend *b;
    shale_state *vec;
    sim_clock clk;
    double *cdf;               /* Zipf CDF over items */
    int64_t *written_at;       /* per item: last write time, -1 never */
    float *buf;                /* scratch vector */
    uint64_t rng;
    uint64_t hits, cold_misses, expired_misses, mismatches;
} cache_run;

static double rng_unit(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

static double *zipf_cdf(uint64_t n, double s)
{
    double *cdf = malloc(n * sizeof *cdf);
    if (cdf == NULL)
        return NULL;
    double sum = 0;
    for (uint64_t i = 0; i < n; i++)
        cdf[i] = (sum += 1.0 / pow((double)(i + 1), s));
    for (uint64_t i = 0; i < n; i++)
        cdf[i] /= sum;
    return cdf;
}

static uint64_t zipf_pick(const double *cdf, uint64_t n, double u)
{
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

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int parse_args(int argc, char **argv, config *c)
{
    *c = (config){SHALE_STATE_BACKEND_HEAP, "heap", 200000, 20000, 42, 64, 30000, 1000, 0.99};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t v;
        if (parse_backend(a, &c->backend, &c->backend_name)) {
        } else if (parse_u64(a, "--events", &c->events) || parse_u64(a, "--items", &c->items) ||
                   parse_u64(a, "--seed", &c->seed) || parse_u64(a, "--rate", &c->rate)) {
        } else if (parse_u64(a, "--dim", &v)) {
            c->dim = (uint32_t)v;
        } else if (parse_u64(a, "--ttl-ms", &v)) {
            c->ttl_ms = (int64_t)v;
        } else if (strncmp(a, "--zipf=", 7) == 0) {
            c->zipf_s = strtod(a + 7, NULL);
        } else {
            fprintf(stderr, "usage: %s [--backend=heap|lsm] [--events=N] [--items=N] "
                    "[--dim=N] [--ttl-ms=N] [--rate=N] [--zipf=S] [--seed=N]\n", argv[0]);
            return 1;
        }
    }
    if (c->items == 0 || c->dim == 0 || c->ttl_ms <= 0 || c->rate == 0 || c->seed == 0) {
        fprintf(stderr, "embedding_cache: items, dim, ttl-ms, rate and seed must be > 0\n");
        return 1;
    }
    return 0;
}

/* The "model": a deterministic vector for (item, write time), so a hit can
 * be checked against the write the program knows it made. */
static void compute_embedding(uint64_t item, int64_t written_at, float *v, uint32_t dim)
{
    float base = (float)(written_at % 100003) * 1e-3f;
    for (uint32_t i = 0; i < dim; i++)
        v[i] = base + (float)((item * 2654435761u + i * 40503u) % 65536) / 65536.0f;
}

static void item_key(uint64_t item, char out[8])
{
    for (int i = 0; i < 8; i++)
        out[i] = (char)(item >> (56 - 8 * i));
}

/* Checks a get's outcome against the program's own record. */
static void check_outcome(cache_run *r, uint64_t item, int rc, const char *val, size_t len)
{
    int64_t w = r->written_at[item];
    bool want_hit = w >= 0 && r->clk.now < w + r->cfg->ttl_ms;
    if ((rc == SHALE_OK) != want_hit) {
        if (r->mismatches++ < 5)
            fprintf(stderr, "embedding_cache: item %" PRIu64 " at %" PRId64 ": %s, want %s\n",
                    item, r->clk.now, rc == SHALE_OK ? "hit" : "miss", want_hit ? "hit" : "miss");
        return;
    }
    if (rc != SHALE_OK)
        return;
    compute_embedding(item, w, r->buf, r->cfg->dim);
    if (len != r->cfg->dim * sizeof(float) || memcmp(val, r->buf, len) != 0)
        if (r->mismatches++ < 5)
            fprintf(stderr, "embedding_cache: item %" PRIu64 ": wrong vector\n", item);
}

/* One request: get; on a miss compute and update. */
static int request(cache_run *r, uint64_t item, shale_err *err)
{
    char kb[8];
    item_key(item, kb);
    shale_state_key k = shale_state_key_make(kb, sizeof kb);
    char *val = NULL;
    size_t len = 0;
    int rc = shale_value_state_get(r->vec, &k, &val, &len, err);
    if (rc != SHALE_OK && rc != SHALE_NOT_FOUND)
        return rc;
    check_outcome(r, item, rc, val, len);
    shale_free(val);
    if (rc == SHALE_OK) {
        r->hits++;
        return SHALE_OK;
    }
    if (r->written_at[item] < 0)
        r->cold_misses++;
    else
        r->expired_misses++;
    r->written_at[item] = r->clk.now;
    compute_embedding(item, r->clk.now, r->buf, r->cfg->dim);
    return shale_value_state_update(r->vec, &k, (const char *)r->buf,
                                    r->cfg->dim * sizeof(float), err);
}

static int run_stream(cache_run *r, shale_err *err)
{
    const config *c = r->cfg;
    int64_t start = r->clk.now;
    for (uint64_t i = 0; i < c->events; i++) {
        r->clk.now = start + (int64_t)(i * 1000 / c->rate);
        uint64_t item = zipf_pick(r->cdf, c->items, rng_unit(&r->rng));
        int rc = request(r, item, err);
        if (rc != SHALE_OK)
            return rc;
    }
    return SHALE_OK;
}

static int setup(cache_run *r, const config *c)
{
    r->cfg = c;
    r->clk.now = 1700000000000;
    r->rng = c->seed;
    r->cdf = zipf_cdf(c->items, c->zipf_s);
    r->written_at = malloc(c->items * sizeof *r->written_at);
    r->buf = malloc(c->dim * sizeof(float));
    if (r->cdf == NULL || r->written_at == NULL || r->buf == NULL)
        return 1;
    for (uint64_t i = 0; i < c->items; i++)
        r->written_at[i] = -1;
    shale_state_descriptor *d = shale_state_descriptor_new("embedding", SHALE_STATE_VALUE);
    if (d == NULL)
        return 1;
    shale_state_descriptor_set_ttl(d, c->ttl_ms, SHALE_TTL_ON_CREATE_AND_WRITE,
                                   SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_err err = {0};
    int rc = shale_state_get(r->b, d, &r->vec, &err);
    shale_state_descriptor_free(d);
    return rc == SHALE_OK ? 0 : fail("register state", &err);
}

static void report(const cache_run *r, double secs)
{
    const config *c = r->cfg;
    shale_state_metrics m;
    shale_state_metrics_get(r->vec, &m);
    uint64_t misses = r->cold_misses + r->expired_misses;
    double ratio = c->events ? (double)r->hits / (double)c->events : 0;
    double no_ttl = c->events ? (double)(r->hits + r->expired_misses) / (double)c->events : 0;
    printf("requests      %" PRIu64 " over %.1f simulated s (TTL %.1f s, %" PRIu64 " items, "
           "dim %u)\n", c->events, (double)c->events / (double)c->rate,
           (double)c->ttl_ms / 1000, c->items, c->dim);
    printf("hit ratio     %.3f  (%.3f if nothing expired; %" PRIu64 " misses from expiry, "
           "%" PRIu64 " cold)\n", ratio, no_ttl, r->expired_misses, r->cold_misses);
    printf("throughput    %.0f requests/s (%.3f s)\n", secs > 0 ? c->events / secs : 0, secs);
    printf("state         %" PRIu64 " entries, %" PRIu64 " bytes; backend memory %" PRIu64
           " bytes\n", m.entries, m.bytes, shale_state_backend_memory_usage(r->b));
    printf("embedding_cache summary: backend=%s events=%" PRIu64 " hits=%" PRIu64
           " misses=%" PRIu64 " expired_misses=%" PRIu64 " hit_ratio=%.4f ops_per_sec=%.0f"
           " state_entries=%" PRIu64 " state_bytes=%" PRIu64 " checks=%s\n",
           c->backend_name, c->events, r->hits, misses, r->expired_misses, ratio,
           secs > 0 ? c->events / secs : 0, m.entries, m.bytes,
           r->mismatches == 0 ? "ok" : "FAILED");
}

int main(int argc, char **argv)
{
    config c;
    if (parse_args(argc, argv, &c) != 0)
        return 1;
    cache_run r = {0};
    char *dir = NULL;
    int code = ex_open_backend(c.backend, c.backend_name, &r.clk, &r.b, &dir);
    if (code == 0)
        code = setup(&r, &c);
    if (code == 0) {
        shale_err err = {0};
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (run_stream(&r, &err) != SHALE_OK)
            code = fail("request", &err);
        else
            report(&r, seconds_since(&t0));
        if (r.mismatches != 0)
            code = 1;
    }
    shale_state_backend_close(r.b);
    ex_remove_dir(dir);
    free(r.cdf);
    free(r.written_at);
    free(r.buf);
    return code;
}
