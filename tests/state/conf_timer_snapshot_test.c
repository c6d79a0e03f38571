/* tests/state/conf_timer_snapshot_test.c: conformance: processing- and
 * event-time timers (order, dedupe, delete, keyed context in callbacks,
 * timers registered while firing), full snapshots in the Flink layout, and
 * per-state metrics. */
#include "tests/state/conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/buf.h"

typedef struct fired {
    shale_buf log;            /* "ts:key/ns:value;" per firing */
    shale_state *st;          /* a value state read in the callback */
    int64_t reregister_at;    /* when >= 0, the first callback registers this */
} fired;

static int on_timer(void *ctx, shale_state_backend *b, int domain, int64_t ts,
                    const shale_state_key *k)
{
    fired *f = ctx;
    char head[64];
    snprintf(head, sizeof head, "%s%lld:", domain == SHALE_TIMER_EVENT ? "e" : "p", (long long)ts);
    shale_buf_append_str(&f->log, head);
    shale_buf_append(&f->log, k->key, k->key_len);
    shale_buf_append_byte(&f->log, '/');
    shale_buf_append(&f->log, k->ns, k->ns_len);
    if (f->st != NULL) {
        char *v = NULL;
        size_t n = 0;
        /* The keyed context is the timer's: read through it. */
        if (shale_value_state_get(f->st, NULL, &v, &n, NULL) == SHALE_OK) {
            shale_buf_append_byte(&f->log, '=');
            shale_buf_append(&f->log, v, n);
            shale_free(v);
        }
    }
    shale_buf_append_byte(&f->log, ';');
    if (f->reregister_at >= 0) {
        int64_t at = f->reregister_at;
        f->reregister_at = -1;
        return shale_timer_register(b, domain, NULL, at, NULL);
    }
    return SHALE_OK;
}

static char *log_str(fired *f)
{
    shale_buf_append_byte(&f->log, 0);
    char *s = strdup(f->log.data);
    shale_buf_clear(&f->log);
    return s;
}

static void reg(conf_env *env, int domain, const char *key, const char *ns, int64_t ts)
{
    shale_state_key k = conf_key_ns(key, ns);
    shale_err err = {0};
    cr_assert_eq(shale_timer_register(env->b, domain, &k, ts, &err), SHALE_OK, "%s", err.msg);
}

static uint64_t advance(conf_env *env, int domain, int64_t t, fired *f)
{
    uint64_t n = 0;
    shale_err err = {0};
    cr_assert_eq(shale_timer_advance(env->b, domain, t, on_timer, f, &n, &err), SHALE_OK, "%s",
                 err.msg);
    return n;
}

CONF_TEST(conf_timer, timers_fire_in_timestamp_order_up_to_the_watermark)
{
    conf_env *env = conf_open(be, NULL);
    fired f = {SHALE_BUF_INIT, NULL, -1};
    reg(env, SHALE_TIMER_EVENT, "c", "", 30);
    reg(env, SHALE_TIMER_EVENT, "a", "w1", 10);
    reg(env, SHALE_TIMER_EVENT, "b", "", 20);
    reg(env, SHALE_TIMER_EVENT, "d", "", 40);
    cr_assert_eq(shale_timer_count(env->b, SHALE_TIMER_EVENT), 4);
    cr_assert_eq(advance(env, SHALE_TIMER_EVENT, 5, &f), 0);
    cr_assert_eq(advance(env, SHALE_TIMER_EVENT, 30, &f), 3);
    conf_expect(log_str(&f), "e10:a/w1;e20:b/;e30:c/;");
    cr_assert_eq(shale_timer_count(env->b, SHALE_TIMER_EVENT), 1);
    cr_assert_eq(advance(env, SHALE_TIMER_EVENT, 100, &f), 1);
    conf_expect(log_str(&f), "e40:d/;");
    shale_buf_deinit(&f.log);
    conf_close(env);
}

CONF_TEST(conf_timer, registering_twice_fires_once_and_delete_cancels)
{
    conf_env *env = conf_open(be, NULL);
    fired f = {SHALE_BUF_INIT, NULL, -1};
    reg(env, SHALE_TIMER_PROCESSING, "k", "", 10);
    reg(env, SHALE_TIMER_PROCESSING, "k", "", 10);
    reg(env, SHALE_TIMER_PROCESSING, "k", "ns", 10);   /* another namespace: another timer */
    reg(env, SHALE_TIMER_PROCESSING, "k", "", 11);
    cr_assert_eq(shale_timer_count(env->b, SHALE_TIMER_PROCESSING), 3);
    shale_state_key k = conf_key("k");
    cr_assert_eq(shale_timer_delete(env->b, SHALE_TIMER_PROCESSING, &k, 11, NULL), SHALE_OK);
    cr_assert_eq(shale_timer_delete(env->b, SHALE_TIMER_PROCESSING, &k, 99, NULL), SHALE_OK);
    cr_assert_eq(advance(env, SHALE_TIMER_PROCESSING, 1000, &f), 2);
    conf_expect(log_str(&f), "p10:k/;p10:k/ns;");
    shale_buf_deinit(&f.log);
    conf_close(env);
}

CONF_TEST(conf_timer, domains_are_separate)
{
    conf_env *env = conf_open(be, NULL);
    fired f = {SHALE_BUF_INIT, NULL, -1};
    reg(env, SHALE_TIMER_PROCESSING, "p", "", 5);
    reg(env, SHALE_TIMER_EVENT, "e", "", 5);
    cr_assert_eq(advance(env, SHALE_TIMER_EVENT, 10, &f), 1);
    conf_expect(log_str(&f), "e5:e/;");
    cr_assert_eq(shale_timer_count(env->b, SHALE_TIMER_PROCESSING), 1);
    cr_assert_eq(shale_timer_register(env->b, 7, NULL, 1, NULL), SHALE_INVALID_ARGUMENT);
    shale_buf_deinit(&f.log);
    conf_close(env);
}

CONF_TEST(conf_timer, callbacks_run_in_the_timers_keyed_context_which_is_restored)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "v", SHALE_STATE_VALUE);
    shale_state_key a = conf_key("a"), bw = conf_key_ns("b", "w");
    conf_put(st, &a, "A");
    conf_put(st, &bw, "B");
    cr_assert_eq(shale_state_backend_set_current_key(env->b, "outer", 5, SHALE_KEY_GROUP_AUTO,
                                                     NULL), SHALE_OK);
    fired f = {SHALE_BUF_INIT, st, -1};
    reg(env, SHALE_TIMER_EVENT, "a", "", 1);
    reg(env, SHALE_TIMER_EVENT, "b", "w", 2);
    cr_assert_eq(advance(env, SHALE_TIMER_EVENT, 2, &f), 2);
    conf_expect(log_str(&f), "e1:a/=A;e2:b/w=B;");
    shale_state_key cur;
    cr_assert_eq(shale_state_backend_current_key(env->b, &cur), SHALE_OK);
    cr_assert(cur.key_len == 5 && memcmp(cur.key, "outer", 5) == 0);
    cr_assert_eq(cur.ns_len, 0);
    shale_buf_deinit(&f.log);
    conf_close(env);
}

CONF_TEST(conf_timer, a_timer_registered_while_firing_fires_in_the_same_advance)
{
    conf_env *env = conf_open(be, NULL);
    fired f = {SHALE_BUF_INIT, NULL, 15};
    reg(env, SHALE_TIMER_EVENT, "a", "", 10);
    reg(env, SHALE_TIMER_EVENT, "z", "", 20);
    cr_assert_eq(advance(env, SHALE_TIMER_EVENT, 20, &f), 3);
    conf_expect(log_str(&f), "e10:a/;e15:a/;e20:z/;");
    shale_buf_deinit(&f.log);
    conf_close(env);
}

CONF_TEST(conf_timer, equal_timestamps_fire_by_key_group_then_key)
{
    conf_env *env = conf_open(be, NULL);
    fired f = {SHALE_BUF_INIT, NULL, -1};
    /* Groups (Java-derived, key_group_test.c): "Flink" 127, "hello" 35, "a" 81. */
    reg(env, SHALE_TIMER_EVENT, "Flink", "", 7);
    reg(env, SHALE_TIMER_EVENT, "hello", "", 7);
    reg(env, SHALE_TIMER_EVENT, "a", "", 7);
    advance(env, SHALE_TIMER_EVENT, 7, &f);
    conf_expect(log_str(&f), "e7:hello/;e7:a/;e7:Flink/;");
    shale_buf_deinit(&f.log);
    conf_close(env);
}

/* --- snapshots ---------------------------------------------------------------- */
CONF_TEST(conf_snapshot, entries_come_in_the_flink_layout)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *v = conf_simple(env, "v", SHALE_STATE_VALUE);
    shale_state *m = conf_simple(env, "m", SHALE_STATE_MAP);
    shale_state_key k = conf_key("hello");       /* group 35 of 128 */
    conf_put(v, &k, "val");
    conf_map_put(m, &k, "u", "x");
    shale_state_snapshot *s = NULL;
    cr_assert_eq(shale_state_snapshot_new(env->b, &s, NULL), SHALE_OK);
    shale_state_snapshot_entry e;
    cr_assert_eq(shale_state_snapshot_next(s, &e, NULL), SHALE_OK);
    cr_assert_str_eq(e.state_name, "v");
    cr_assert_eq(e.key_group, 35);
    cr_assert_eq(e.key_len, 7);
    cr_assert_eq(memcmp(e.key, "\x23hello\x00", 7), 0);
    cr_assert(e.value_len == 3 && memcmp(e.value, "val", 3) == 0);
    cr_assert_eq(shale_state_snapshot_next(s, &e, NULL), SHALE_OK);
    cr_assert_str_eq(e.state_name, "m");
    cr_assert(e.key_len == 8 && memcmp(e.key, "\x23hello\x00u", 8) == 0);
    cr_assert(e.value_len == 2 && memcmp(e.value, "\x00x", 2) == 0);
    cr_assert_eq(shale_state_snapshot_next(s, &e, NULL), SHALE_NOT_FOUND);
    shale_state_snapshot_free(s);
    conf_close(env);
}

CONF_TEST(conf_snapshot, a_list_is_one_record_of_length_prefixed_comma_joined_elements)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *l = conf_simple(env, "l", SHALE_STATE_LIST);
    shale_state_key k = conf_key_ns("hello", "w1");      /* group 35; a real namespace */
    conf_add(l, &k, "ab");
    conf_add(l, &k, "c");
    shale_state_snapshot *s = NULL;
    cr_assert_eq(shale_state_snapshot_new(env->b, &s, NULL), SHALE_OK);
    shale_state_snapshot_entry e;
    cr_assert_eq(shale_state_snapshot_next(s, &e, NULL), SHALE_OK);
    cr_assert_str_eq(e.state_name, "l");
    /* 0x23 "hello" len 5, "w1" len 2 */
    cr_assert(e.key_len == 10 && memcmp(e.key, "\x23hello\x05w1\x02", 10) == 0);
    cr_assert(e.value_len == 12 && memcmp(e.value, "\0\0\0\x02" "ab,\0\0\0\x01" "c", 12) == 0);
    cr_assert_eq(shale_state_snapshot_next(s, &e, NULL), SHALE_NOT_FOUND);
    shale_state_snapshot_free(s);
    conf_close(env);
}

static size_t count_snapshot(shale_state_snapshot *s, const char *want_value)
{
    size_t n = 0;
    shale_state_snapshot_entry e;
    int rc;
    while ((rc = shale_state_snapshot_next(s, &e, NULL)) == SHALE_OK) {
        if (want_value != NULL)
            cr_assert(e.value_len == strlen(want_value) &&
                      memcmp(e.value, want_value, e.value_len) == 0,
                      "snapshot value changed under it");
        n++;
    }
    cr_assert_eq(rc, SHALE_NOT_FOUND);
    return n;
}

CONF_TEST(conf_snapshot, a_snapshot_sees_the_state_at_its_creation)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *v = conf_simple(env, "v", SHALE_STATE_VALUE);
    char key[16];
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i);
        shale_state_key k = conf_key(key);
        conf_put(v, &k, "before");
    }
    shale_state_snapshot *s = NULL;
    cr_assert_eq(shale_state_snapshot_new(env->b, &s, NULL), SHALE_OK);
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i);
        shale_state_key k = conf_key(key);
        if (i % 2)
            conf_put(v, &k, "after!");
        else
            cr_assert_eq(shale_state_clear(v, &k, NULL), SHALE_OK);
        snprintf(key, sizeof key, "new%d", i);
        shale_state_key nk = conf_key(key);
        conf_put(v, &nk, "after!");
    }
    cr_assert_eq(count_snapshot(s, "before"), 100);
    shale_state_snapshot_free(s);
    cr_assert_eq(shale_state_snapshot_new(env->b, &s, NULL), SHALE_OK);
    cr_assert_eq(count_snapshot(s, "after!"), 150);
    shale_state_snapshot_free(s);
    conf_close(env);
}

CONF_TEST(conf_snapshot, expired_entries_are_left_out)
{
    conf_env *env = conf_open(be, NULL);
    shale_state_descriptor *d = shale_state_descriptor_new("v", SHALE_STATE_VALUE);
    shale_state_descriptor_set_ttl(d, 100, SHALE_TTL_ON_CREATE_AND_WRITE,
                                   SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state *v = conf_state(env, d);
    shale_state_key a = conf_key("a"), b = conf_key("b");
    conf_put(v, &a, "x");
    env->now += 50;
    conf_put(v, &b, "y");
    env->now += 50;
    shale_state_snapshot *s = NULL;
    cr_assert_eq(shale_state_snapshot_new(env->b, &s, NULL), SHALE_OK);
    shale_state_snapshot_entry e;
    cr_assert_eq(shale_state_snapshot_next(s, &e, NULL), SHALE_OK);
    /* 8-byte big-endian stamp of b's write, then the value. */
    int64_t ts = env->now - 50;
    cr_assert_eq(e.value_len, 9);
    for (int i = 0; i < 8; i++)
        cr_assert_eq((unsigned char)e.value[i], (unsigned char)(ts >> (56 - 8 * i)));
    cr_assert_eq(e.value[8], 'y');
    cr_assert_eq(shale_state_snapshot_next(s, &e, NULL), SHALE_NOT_FOUND);
    shale_state_snapshot_free(s);
    conf_close(env);
}

/* --- metrics ------------------------------------------------------------------ */
CONF_TEST(conf_metrics, accesses_are_counted_and_sampled)
{
    conf_opts o = {.sample_interval = 1};
    conf_env *env = conf_open(be, &o);
    shale_state *v = conf_simple(env, "v", SHALE_STATE_VALUE);
    shale_state_key a = conf_key("a"), b = conf_key("b");
    conf_put(v, &a, "1");
    conf_put(v, &b, "2");
    conf_expect(conf_value(v, &a), "1");
    shale_state_metrics m;
    shale_state_metrics_get(v, &m);
    cr_assert_eq(m.accesses, 3);
    cr_assert_eq(m.sampled, 3);
    cr_assert_geq(m.latency_max_ns, (uint64_t)m.latency_p50_ns);
    cr_assert_eq(m.entries, 2);
    cr_assert_gt(m.bytes, 0);
    uint64_t keys = 0;
    cr_assert(shale_state_property(v, "rocksdb.estimate-num-keys", &keys));
    cr_assert_eq(keys, 2);
    cr_assert_not(shale_state_property(v, "rocksdb.no-such-property", &keys));
    char *text = shale_state_latency_string(v);
    cr_assert_not_null(text);
    cr_assert(strstr(text, "Count: 3") != NULL, "%s", text);
    shale_free(text);
    conf_close(env);
}

CONF_TEST(conf_timer, random_registers_and_deletes_fire_exactly_the_live_timers_in_order)
{
    /* 300 timers with distinct times over 40 keys (many key groups);
     * about a third deleted, heads among them, between advances: each
     * advance must fire exactly the live timers up to it, in time order. */
    enum { N = 300 };
    conf_env *env = conf_open(be, NULL);
    fired f = {SHALE_BUF_INIT, NULL, -1};
    static int64_t ts[N];
    static char key[N][8];
    static bool live[N];
    uint64_t rnd = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < N; i++) {
        ts[i] = 1000 + 7 * (int64_t)((i * 113) % N);   /* a permutation: distinct times */
        snprintf(key[i], sizeof key[i], "k%d", i % 40);
        reg(env, SHALE_TIMER_EVENT, key[i], "", ts[i]);
        live[i] = true;
    }
    shale_buf want = SHALE_BUF_INIT;
    for (int64_t w = 1000; w <= 1000 + 7 * N; w += 150) {
        for (int i = 0; i < N; i++) {
            rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
            if (live[i] && (rnd >> 33) % 9 == 0) {   /* delete about 1 in 9 per round */
                shale_state_key k = conf_key(key[i]);
                cr_assert_eq(shale_timer_delete(env->b, SHALE_TIMER_EVENT, &k, ts[i], NULL),
                             SHALE_OK);
                live[i] = false;
            }
        }
        shale_buf_clear(&want);
        uint64_t expect = 0;
        for (int64_t t = w - 150 + 1; t <= w; t++)
            for (int i = 0; i < N; i++)
                if (live[i] && ts[i] == t) {
                    char e[48];
                    snprintf(e, sizeof e, "e%lld:%.7s/;", (long long)t, key[i]);
                    shale_buf_append_str(&want, e);
                    live[i] = false;
                    expect++;
                }
        cr_assert_eq(advance(env, SHALE_TIMER_EVENT, w, &f), expect, "watermark %lld",
                     (long long)w);
        shale_buf_append_byte(&want, 0);
        char *got = log_str(&f);
        cr_assert_str_eq(got, want.data, "watermark %lld", (long long)w);
        free(got);
    }
    shale_buf_deinit(&want);
    shale_buf_deinit(&f.log);
    conf_close(env);
}
