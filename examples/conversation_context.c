/* examples/conversation_context.c: a chat assistant's per-user context in
 * keyed state.
 *
 * Each user's recent turns live in a bounded ListState: every turn is an
 * O(1) append, and the state itself keeps only the last --keep turns (the
 * list bound), so no read-modify-write trims it and it cannot grow without
 * limit.  A summary of the conversation lives in a ValueState, refreshed
 * by a processing-time timer: a turn registers a timer at the next
 * --summary-ms boundary (registering the same timer again is a no-op), and
 * when the clock passes it the callback reads the list and rewrites the
 * summary.  The style is Flink's keyed context: the current key is set once
 * per event and every call passes k == NULL; timer callbacks run with the
 * timer's key already current.
 *
 * Checks (any failure exits 1): every list read holds at most --keep turns,
 * exactly the user's last min(keep, total) turns in order; after the final
 * timers fire, every user's summary counts all of that user's turns.
 *
 * Usage: example_conversation_context [--backend=heap|lsm] [--events=N]
 *          [--users=N] [--keep=N] [--summary-ms=N] [--rate=N] [--seed=N]
 * Output ends with
 *   conversation_context summary: backend=B events=N turns_appended=T summaries=S
 *     max_list_len=L bound=K checks=ok
 * Exit: 0 checks passed; 1 a check or call failed; 2 the backend is not in
 * this build ("backend lsm is not supported by this build"). */
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shale/state.h"

#define EX_PROG "conversation_context"
#include "example_util.h"

#define KEY_LEN 7              /* "u" + 6 digits */

typedef struct config {
    int backend;
    const char *backend_name;
    uint64_t events, users, keep, seed, rate;
    int64_t summary_ms;
} config;

typedef struct chat_run {
    const config *cfg;
    shale_state_backend *b;
    shale_state *turns, *summary;
    sim_clock clk;
    uint64_t *total;           /* per user: turns appended */
    uint64_t rng;
    uint64_t appended, summaries, max_len, violations;
} chat_run;

static int parse_args(int argc, char **argv, config *c)
{
    *c = (config){SHALE_STATE_BACKEND_HEAP, "heap", 100000, 500, 8, 7, 1000, 5000};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t v;
        if (parse_backend(a, &c->backend, &c->backend_name)) {
        } else if (parse_u64(a, "--events", &c->events) || parse_u64(a, "--users", &c->users) ||
                   parse_u64(a, "--keep", &c->keep) || parse_u64(a, "--seed", &c->seed) ||
                   parse_u64(a, "--rate", &c->rate)) {
        } else if (parse_u64(a, "--summary-ms", &v)) {
            c->summary_ms = (int64_t)v;
        } else {
            fprintf(stderr, "usage: %s [--backend=heap|lsm] [--events=N] [--users=N] "
                    "[--keep=N] [--summary-ms=N] [--rate=N] [--seed=N]\n", argv[0]);
            return 1;
        }
    }
    if (c->users == 0 || c->users > 999999 || c->keep == 0 || c->summary_ms <= 0 ||
        c->rate == 0 || c->seed == 0) {
        fprintf(stderr, "conversation_context: users 1..999999; keep, summary-ms, rate, "
                "seed > 0\n");
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

static uint64_t user_of_key(const char *key, size_t len)
{
    uint64_t u = 0;
    for (size_t i = 1; i < len; i++)
        u = u * 10 + (uint64_t)(key[i] - '0');
    return u;
}

/* A turn: "seq=<n> user=<u> " then filler, 24..63 bytes. */
static size_t make_turn(uint64_t user, uint64_t seq, char *out, size_t cap)
{
    int n = snprintf(out, cap, "seq=%" PRIu64 " user=%" PRIu64 " ", seq, user);
    size_t len = (size_t)n + seq % 40;
    if (len > cap)
        len = cap;
    for (size_t i = (size_t)n; i < len; i++)
        out[i] = (char)('a' + (i + seq) % 26);
    return len;
}

/* Reads the current user's list and checks it is exactly the last
 * min(keep, total) turns, oldest first.  *chars gets their byte count. */
static int check_list(chat_run *r, uint64_t user, uint64_t *kept, uint64_t *chars,
                      shale_err *err)
{
    shale_state_iter *it = NULL;
    int rc = shale_list_state_get(r->turns, NULL, &it, err);
    if (rc != SHALE_OK)
        return rc;
    uint64_t total = r->total[user], n = 0;
    uint64_t want = total < r->cfg->keep ? total : r->cfg->keep;
    *chars = 0;
    for (; shale_state_iter_valid(it); shale_state_iter_next(it), n++) {
        size_t len;
        const char *v = shale_state_iter_value(it, &len);
        char want_buf[80];
        size_t want_len = make_turn(user, total - want + n, want_buf, sizeof want_buf);
        if (n >= want || len != want_len || memcmp(v, want_buf, len) != 0)
            VIOLATION(r, "user %" PRIu64 ": element %" PRIu64 " of %" PRIu64
                      " is not the expected turn", user, n, want);
        *chars += len;
    }
    rc = shale_state_iter_status(it, err);
    shale_state_iter_free(it);
    if (n > r->max_len)
        r->max_len = n;
    if (n > r->cfg->keep)
        VIOLATION(r, "user %" PRIu64 ": list holds %" PRIu64 " turns, bound %" PRIu64, user, n,
                  r->cfg->keep);
    else if (n != want)
        VIOLATION(r, "user %" PRIu64 ": list holds %" PRIu64 " turns, want %" PRIu64, user, n,
                  want);
    *kept = n;
    return rc;
}

/* The processing-time timer: rebuild the current user's summary. */
static int on_summary_timer(void *ctx, shale_state_backend *b, int domain, int64_t ts,
                            const shale_state_key *k)
{
    (void)b, (void)domain;
    chat_run *r = ctx;
    uint64_t user = user_of_key(k->key, k->key_len), kept, chars;
    shale_err err = {0};
    int rc = check_list(r, user, &kept, &chars, &err);
    if (rc != SHALE_OK)
        return rc;
    char s[160];
    int n = snprintf(s, sizeof s, "turns=%" PRIu64 " kept=%" PRIu64 " chars=%" PRIu64
                     " at=%" PRId64, r->total[user], kept, chars, ts);
    r->summaries++;
    return shale_value_state_update(r->summary, NULL, s, (size_t)n, &err);
}

/* One event: append a turn for a user and make sure a summary is due. */
static int append_turn(chat_run *r, uint64_t user, shale_err *err)
{
    char key[KEY_LEN + 1], turn[80];
    user_key(user, key);
    int rc = shale_state_backend_set_current_key(r->b, key, KEY_LEN, SHALE_KEY_GROUP_AUTO,
                                                 err);
    if (rc != SHALE_OK)
        return rc;
    size_t len = make_turn(user, r->total[user], turn, sizeof turn);
    if ((rc = shale_list_state_add(r->turns, NULL, turn, len, err)) != SHALE_OK)
        return rc;
    r->total[user]++;
    r->appended++;
    int64_t due = (r->clk.now / r->cfg->summary_ms + 1) * r->cfg->summary_ms;
    return shale_timer_register(r->b, SHALE_TIMER_PROCESSING, NULL, due, err);
}

static int run_stream(chat_run *r, shale_err *err)
{
    const config *c = r->cfg;
    int64_t start = r->clk.now;
    for (uint64_t i = 0; i < c->events; i++) {
        r->clk.now = start + (int64_t)(i * 1000 / c->rate);
        /* Skewed: a quarter of the users send three quarters of the turns. */
        uint64_t x = rng_next(&r->rng);
        uint64_t span = (x & 3) != 0 ? (c->users + 3) / 4 : c->users;
        int rc = shale_timer_advance(r->b, SHALE_TIMER_PROCESSING, r->clk.now,
                                     on_summary_timer, r, NULL, err);
        if (rc == SHALE_OK)
            rc = append_turn(r, (x >> 8) % span, err);
        if (rc != SHALE_OK)
            return rc;
    }
    /* Let the clock pass the last boundary so every pending summary fires. */
    r->clk.now += c->summary_ms;
    return shale_timer_advance(r->b, SHALE_TIMER_PROCESSING, r->clk.now, on_summary_timer, r,
                               NULL, err);
}

/* After the last timers: every user's summary counts all their turns. */
static int check_summaries(chat_run *r, shale_err *err)
{
    for (uint64_t u = 0; u < r->cfg->users; u++) {
        if (r->total[u] == 0)
            continue;
        char key[KEY_LEN + 1];
        user_key(u, key);
        shale_state_key k = shale_state_key_make(key, KEY_LEN);
        char *val = NULL;
        size_t len = 0;
        int rc = shale_value_state_get(r->summary, &k, &val, &len, err);
        if (rc != SHALE_OK && rc != SHALE_NOT_FOUND)
            return rc;
        uint64_t turns = UINT64_MAX;
        if (rc == SHALE_OK && len > 6 && memcmp(val, "turns=", 6) == 0)
            turns = strtoull(val + 6, NULL, 10);
        if (turns != r->total[u])
            VIOLATION(r, "user %" PRIu64 ": summary counts %" PRIu64 " turns, want %" PRIu64, u,
                      turns, r->total[u]);
        shale_free(val);
    }
    return SHALE_OK;
}

static int setup(chat_run *r, const config *c)
{
    r->cfg = c;
    r->clk.now = 1700000000000;
    r->rng = c->seed;
    if ((r->total = calloc(c->users, sizeof *r->total)) == NULL)
        return 1;
    shale_state_descriptor *lt = shale_state_descriptor_new("turns", SHALE_STATE_LIST);
    shale_state_descriptor *sd = shale_state_descriptor_new("summary", SHALE_STATE_VALUE);
    int rc = SHALE_NO_MEMORY;
    shale_err err = {0};
    if (lt != NULL && sd != NULL) {
        shale_state_descriptor_set_list_bound(lt, c->keep, 0, 0);
        if ((rc = shale_state_get(r->b, lt, &r->turns, &err)) == SHALE_OK)
            rc = shale_state_get(r->b, sd, &r->summary, &err);
    }
    shale_state_descriptor_free(lt);
    shale_state_descriptor_free(sd);
    return rc == SHALE_OK ? 0 : fail("register states", &err);
}

static void report(const chat_run *r, double secs)
{
    const config *c = r->cfg;
    shale_state_metrics lm, sm;
    shale_state_metrics_get(r->turns, &lm);
    shale_state_metrics_get(r->summary, &sm);
    printf("turns         %" PRIu64 " appended for %" PRIu64 " users, %.0f events/s "
           "(%.3f s)\n", r->appended, c->users, secs > 0 ? c->events / secs : 0, secs);
    printf("summaries     %" PRIu64 " made by processing-time timers every %" PRId64 " ms\n",
           r->summaries, c->summary_ms);
    printf("list bound    %" PRIu64 " turns; longest list read %" PRIu64 " (%s)\n", c->keep,
           r->max_len, r->max_len <= c->keep ? "held" : "VIOLATED");
    printf("state         turns %" PRIu64 " entries %" PRIu64 " bytes; summary %" PRIu64
           " entries %" PRIu64 " bytes\n", lm.entries, lm.bytes, sm.entries, sm.bytes);
    printf("conversation_context summary: backend=%s events=%" PRIu64 " turns_appended=%" PRIu64
           " summaries=%" PRIu64 " max_list_len=%" PRIu64 " bound=%" PRIu64 " checks=%s\n",
           c->backend_name, c->events, r->appended, r->summaries, r->max_len, c->keep,
           r->violations == 0 ? "ok" : "FAILED");
}

int main(int argc, char **argv)
{
    config c;
    if (parse_args(argc, argv, &c) != 0)
        return 1;
    chat_run r = {0};
    char *dir = NULL;
    int code = ex_open_backend(c.backend, c.backend_name, &r.clk, &r.b, &dir);
    if (code == 0)
        code = setup(&r, &c);
    if (code == 0) {
        shale_err err = {0};
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (run_stream(&r, &err) != SHALE_OK || check_summaries(&r, &err) != SHALE_OK) {
            code = fail("stream", &err);
        } else {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            report(&r, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        }
        if (r.violations != 0)
            code = 1;
    }
    shale_state_backend_close(r.b);
    ex_remove_dir(dir);
    free(r.total);
    return code;
}
