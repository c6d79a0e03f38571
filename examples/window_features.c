/* examples/window_features.c: sliding-window features in keyed MapState.
 *
 * A feature pipeline keeps, per user, the count and sum of event values in
 * sliding event-time windows (--window-ms long, every --slide-ms).  All of
 * a user's open windows live in one MapState: window start (8 bytes,
 * big-endian, so the LSM backend iterates them in time order) -> aggregate
 * (count, sum).  Each event folds into every window that contains it and
 * registers an event-time timer at the window's last millisecond (Flink's
 * window.maxTimestamp()); registering it again is a no-op.  Events come
 * slightly out of order (up to --jitter-ms); the watermark trails the
 * largest event time by that bound, so no event is late.  When the
 * watermark passes a window's end its timer fires: the callback emits the
 * feature (count, sum, mean) and removes the window from the map.
 *
 * Checks (any failure exits 1): every timer finds its window; timers fire
 * in time order; after the final watermark every window opened was
 * emitted exactly once, the emitted counts and sums equal what the program
 * folded in, no timer is left and every user's map is empty.
 *
 * Usage: example_window_features [--backend=heap|lsm] [--events=N]
 *          [--users=N] [--window-ms=N] [--slide-ms=N] [--jitter-ms=N]
 *          [--rate=N] [--seed=N]
 * Output ends with
 *   window_features summary: backend=B events=N features_emitted=F ... checks=ok
 * Exit: 0 checks passed; 1 a check or call failed; 2 the backend is not in
 * this build ("backend lsm is not supported by this build"). */
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shale/state.h"

#define EX_PROG "window_features"
#include "example_util.h"

#define KEY_LEN 7              /* "u" + 6 digits */
#define AGG_LEN 16             /* count, sum: 8 bytes each, little-endian */

typedef struct config {
    int backend;
    const char *backend_name;
    uint64_t events, users, seed, rate;
    int64_t window_ms, slide_ms, jitter_ms;
} config;

typedef struct window_run {
    const config *cfg;
    shale_state_backend *b;
    shale_state *windows;
    sim_clock clk;
    uint64_t rng;
    int64_t max_ts, watermark, last_fired;
    uint64_t opened, emitted, late;
    uint64_t folded_count, folded_sum, emitted_count, emitted_sum;
    double mean_sum;           /* sum of emitted means, for the report */
    uint64_t violations;
} window_run;

static int parse_args(int argc, char **argv, config *c)
{
    *c = (config){SHALE_STATE_BACKEND_HEAP, "heap", 100000, 200, 11, 1000, 10000, 2000, 500};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t v;
        if (parse_backend(a, &c->backend, &c->backend_name)) {
        } else if (parse_u64(a, "--events", &c->events) || parse_u64(a, "--users", &c->users) ||
                   parse_u64(a, "--seed", &c->seed) || parse_u64(a, "--rate", &c->rate)) {
        } else if (parse_u64(a, "--window-ms", &v)) {
            c->window_ms = (int64_t)v;
        } else if (parse_u64(a, "--slide-ms", &v)) {
            c->slide_ms = (int64_t)v;
        } else if (parse_u64(a, "--jitter-ms", &v)) {
            c->jitter_ms = (int64_t)v;
        } else {
            fprintf(stderr, "usage: %s [--backend=heap|lsm] [--events=N] [--users=N] "
                    "[--window-ms=N] [--slide-ms=N] [--jitter-ms=N] [--rate=N] [--seed=N]\n",
                    argv[0]);
            return 1;
        }
    }
    if (c->users == 0 || c->users > 999999 || c->slide_ms <= 0 || c->window_ms <= 0 ||
        c->window_ms % c->slide_ms != 0 || c->rate == 0 || c->seed == 0) {
        fprintf(stderr, "window_features: users 1..999999; window-ms a multiple of "
                "slide-ms; rate, seed > 0\n");
        return 1;
    }
    return 0;
}

static void user_key(uint64_t user, char out[KEY_LEN + 1])
{
    out[0] = 'u';
    for (int i = KEY_LEN - 1; i >= 1; i--, user /= 10)
        out[i] = (char)('0' + user % 10);
    out[KEY_LEN] = '\0';
}

static void put_be64(char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (char)(v >> (56 - 8 * i));
}

static void put_le64(char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (char)(v >> (8 * i));
}

static uint64_t get_le64(const char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | (uint8_t)p[i];
    return v;
}

/* The event-time timer at a window's last millisecond: emit and clean. */
static int on_window_end(void *ctx, shale_state_backend *b, int domain, int64_t ts,
                         const shale_state_key *k)
{
    (void)b, (void)domain;
    window_run *r = ctx;
    if (ts < r->last_fired)
        VIOLATION(r, "timer %" PRId64 " fired after %" PRId64, ts, r->last_fired);
    r->last_fired = ts;
    char ws[8], *val = NULL;
    size_t len = 0;
    put_be64(ws, (uint64_t)(ts + 1 - r->cfg->window_ms));
    shale_err err = {0};
    int rc = shale_map_state_get(r->windows, NULL, ws, sizeof ws, &val, &len, &err);
    if (rc == SHALE_NOT_FOUND || (rc == SHALE_OK && len != AGG_LEN)) {
        VIOLATION(r, "%.*s: window ending %" PRId64 " missing or malformed", (int)k->key_len,
                  k->key, ts);
    } else if (rc == SHALE_OK) {
        uint64_t count = get_le64(val), sum = get_le64(val + 8);
        r->emitted++;
        r->emitted_count += count;
        r->emitted_sum += sum;
        r->mean_sum += count ? (double)sum / (double)count : 0;
    }
    shale_free(val);
    if (rc != SHALE_OK && rc != SHALE_NOT_FOUND)
        return rc;
    return shale_map_state_remove(r->windows, NULL, ws, sizeof ws, &err);
}

/* Folds one value into the window starting at ws of the current user. */
static int fold(window_run *r, int64_t ws, uint64_t value, shale_err *err)
{
    char uk[8], agg[AGG_LEN], *val = NULL;
    size_t len = 0;
    put_be64(uk, (uint64_t)ws);
    int rc = shale_map_state_get(r->windows, NULL, uk, sizeof uk, &val, &len, err);
    uint64_t count = 0, sum = 0;
    if (rc == SHALE_OK && len == AGG_LEN) {
        count = get_le64(val);
        sum = get_le64(val + 8);
    } else if (rc == SHALE_NOT_FOUND) {
        r->opened++;
        rc = shale_timer_register(r->b, SHALE_TIMER_EVENT, NULL, ws + r->cfg->window_ms - 1,
                                  err);
    } else if (rc == SHALE_OK) {
        VIOLATION(r, "aggregate of %zu bytes", len);
    }
    shale_free(val);
    if (rc != SHALE_OK)
        return rc;
    put_le64(agg, count + 1);
    put_le64(agg + 8, sum + value);
    r->folded_count++;
    r->folded_sum += value;
    return shale_map_state_put(r->windows, NULL, uk, sizeof uk, agg, sizeof agg, err);
}

/* One event: fold into every window holding ts, then move the watermark. */
static int on_event(window_run *r, uint64_t user, int64_t ts, uint64_t value, shale_err *err)
{
    const config *c = r->cfg;
    char key[KEY_LEN + 1];
    user_key(user, key);
    int rc = shale_state_backend_set_current_key(r->b, key, KEY_LEN, SHALE_KEY_GROUP_AUTO,
                                                 err);
    int64_t last = ts - ts % c->slide_ms;
    for (int64_t ws = last - c->window_ms + c->slide_ms; rc == SHALE_OK && ws <= last;
         ws += c->slide_ms) {
        if (ws + c->window_ms - 1 <= r->watermark)
            r->late++;   /* its timer already fired: would never be emitted */
        else
            rc = fold(r, ws, value, err);
    }
    if (rc != SHALE_OK)
        return rc;
    if (ts > r->max_ts)
        r->max_ts = ts;
    int64_t wm = r->max_ts - c->jitter_ms - 1;   /* bounded out-of-orderness */
    if (wm <= r->watermark)
        return SHALE_OK;
    r->watermark = wm;
    return shale_timer_advance(r->b, SHALE_TIMER_EVENT, wm, on_window_end, r, NULL, err);
}

static int run_stream(window_run *r, shale_err *err)
{
    const config *c = r->cfg;
    int64_t start = r->clk.now;
    for (uint64_t i = 0; i < c->events; i++) {
        r->clk.now = start + (int64_t)(i * 1000 / c->rate);
        uint64_t x = rng_next(&r->rng);
        int64_t jitter = c->jitter_ms ? (int64_t)(x % (uint64_t)(c->jitter_ms + 1)) : 0;
        uint64_t user = (x >> 20) % ((x >> 60) < 12 ? (c->users + 3) / 4 : c->users);
        int rc = on_event(r, user, r->clk.now - jitter, (x >> 32) % 100, err);
        if (rc != SHALE_OK)
            return rc;
    }
    return SHALE_OK;
}

/* End of input: the final watermark fires every window. */
static int finish(window_run *r, shale_err *err)
{
    r->watermark = INT64_MAX;
    return shale_timer_advance(r->b, SHALE_TIMER_EVENT, INT64_MAX, on_window_end, r, NULL,
                               err);
}

static int check_end(window_run *r, shale_err *err)
{
    if (r->late != 0)
        VIOLATION(r, "%" PRIu64 " late window updates", r->late);
    if (r->emitted != r->opened)
        VIOLATION(r, "%" PRIu64 " windows emitted, %" PRIu64 " opened", r->emitted, r->opened);
    if (r->emitted_count != r->folded_count || r->emitted_sum != r->folded_sum)
        VIOLATION(r, "emitted count/sum %" PRIu64 "/%" PRIu64 ", folded %" PRIu64 "/%" PRIu64,
                  r->emitted_count, r->emitted_sum, r->folded_count, r->folded_sum);
    if (shale_timer_count(r->b, SHALE_TIMER_EVENT) != 0)
        VIOLATION(r, "%" PRIu64 " timers left", shale_timer_count(r->b, SHALE_TIMER_EVENT));
    for (uint64_t u = 0; u < r->cfg->users; u++) {
        char key[KEY_LEN + 1];
        user_key(u, key);
        shale_state_key k = shale_state_key_make(key, KEY_LEN);
        bool empty = false;
        int rc = shale_map_state_is_empty(r->windows, &k, &empty, err);
        if (rc != SHALE_OK)
            return rc;
        if (!empty)
            VIOLATION(r, "user %" PRIu64 " still holds windows", u);
    }
    return SHALE_OK;
}

static int setup(window_run *r, const config *c)
{
    r->cfg = c;
    r->clk.now = 1700000000000;
    r->rng = c->seed;
    r->watermark = r->last_fired = r->max_ts = INT64_MIN;
    shale_state_descriptor *d = shale_state_descriptor_new("windows", SHALE_STATE_MAP);
    if (d == NULL)
        return 1;
    shale_err err = {0};
    int rc = shale_state_get(r->b, d, &r->windows, &err);
    shale_state_descriptor_free(d);
    return rc == SHALE_OK ? 0 : fail("register state", &err);
}

static void report(const window_run *r, double secs, const shale_state_metrics *peak)
{
    const config *c = r->cfg;
    printf("events        %" PRIu64 " for %" PRIu64 " users, %.0f events/s (%.3f s)\n",
           c->events, c->users, secs > 0 ? c->events / secs : 0, secs);
    printf("windows       %" PRId64 " ms every %" PRId64 " ms; %" PRIu64 " opened, %" PRIu64
           " features emitted (mean of means %.2f)\n", c->window_ms, c->slide_ms, r->opened,
           r->emitted, r->emitted ? r->mean_sum / (double)r->emitted : 0);
    printf("state         before the final watermark: %" PRIu64 " entries, %" PRIu64
           " bytes\n", peak->entries, peak->bytes);
    printf("window_features summary: backend=%s events=%" PRIu64 " windows_opened=%" PRIu64
           " features_emitted=%" PRIu64 " folded=%" PRIu64 " checks=%s\n", c->backend_name,
           c->events, r->opened, r->emitted, r->folded_count,
           r->violations == 0 ? "ok" : "FAILED");
}

int main(int argc, char **argv)
{
    config c;
    if (parse_args(argc, argv, &c) != 0)
        return 1;
    window_run r = {0};
    char *dir = NULL;
    int code = ex_open_backend(c.backend, c.backend_name, &r.clk, &r.b, &dir);
    if (code == 0)
        code = setup(&r, &c);
    if (code == 0) {
        shale_err err = {0};
        shale_state_metrics peak;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc = run_stream(&r, &err);
        shale_state_metrics_get(r.windows, &peak);
        if (rc != SHALE_OK || finish(&r, &err) != SHALE_OK || check_end(&r, &err) != SHALE_OK) {
            code = fail("stream", &err);
        } else {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            report(&r, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                   &peak);
        }
        if (r.violations != 0)
            code = 1;
    }
    shale_state_backend_close(r.b);
    ex_remove_dir(dir);
    return code;
}
