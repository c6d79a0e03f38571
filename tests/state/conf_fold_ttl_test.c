/* tests/state/conf_fold_ttl_test.c: conformance: ReducingState and
 * AggregatingState with C callbacks, and TTL (update types, visibility,
 * values, list elements and map entries) on the injected clock. */
#include "tests/state/conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decimal strings: reduce = sum. */
static long num(const char *p, size_t n)
{
    char b[32];
    snprintf(b, sizeof b, "%.*s", (int)n, p);
    return strtol(b, NULL, 10);
}

static int out_num(long v, char **out, size_t *len)
{
    char b[32];
    int n = snprintf(b, sizeof b, "%ld", v);
    *out = malloc((size_t)n);
    memcpy(*out, b, (size_t)n);
    *len = (size_t)n;
    return SHALE_OK;
}

static int sum_reduce(void *ctx, const char *a, size_t al, const char *b, size_t bl, char **out,
                      size_t *ol)
{
    (*(int *)ctx)++;
    return out_num(num(a, al) + num(b, bl), out, ol);
}

/* Average: accumulator "sum/count". */
static int avg_create(void *ctx, char **acc, size_t *len)
{
    (void)ctx;
    *acc = strdup("0/0");
    *len = 3;
    return SHALE_OK;
}

static void parse_acc(const char *a, size_t n, long *sum, long *count)
{
    char b[64];
    snprintf(b, sizeof b, "%.*s", (int)n, a);
    cr_assert_eq(sscanf(b, "%ld/%ld", sum, count), 2, "accumulator '%s'", b);
}

static int avg_add(void *ctx, const char *acc, size_t al, const char *in, size_t il, char **out,
                   size_t *ol)
{
    (void)ctx;
    long s, c;
    parse_acc(acc, al, &s, &c);
    char b[64];
    int n = snprintf(b, sizeof b, "%ld/%ld", s + num(in, il), c + 1);
    *out = malloc((size_t)n);
    memcpy(*out, b, (size_t)n);
    *ol = (size_t)n;
    return SHALE_OK;
}

static int avg_result(void *ctx, const char *acc, size_t al, char **out, size_t *ol)
{
    (void)ctx;
    long s, c;
    parse_acc(acc, al, &s, &c);
    return out_num(c ? s / c : 0, out, ol);
}

static int failing_reduce(void *ctx, const char *a, size_t al, const char *b, size_t bl,
                          char **out, size_t *ol)
{
    (void)ctx, (void)a, (void)al, (void)b, (void)bl, (void)out, (void)ol;
    return SHALE_CORRUPTION;
}

static void reduce_add(shale_state *st, const shale_state_key *k, const char *v)
{
    shale_err err = {0};
    cr_assert_eq(shale_reducing_state_add(st, k, v, strlen(v), &err), SHALE_OK, "%s", err.msg);
}

CONF_TEST(conf_fold, reducing_state_folds_with_the_callback)
{
    conf_env *env = conf_open(be, NULL);
    int calls = 0;
    shale_state_descriptor *d = shale_state_descriptor_new("sum", SHALE_STATE_REDUCING);
    shale_state_descriptor_set_reduce(d, sum_reduce, &calls);
    shale_state *st = conf_state(env, d);
    shale_state_key k = conf_key("k"), k2 = conf_key_ns("k", "w");
    conf_expect_none(conf_reduced(st, &k));
    reduce_add(st, &k, "5");
    cr_assert_eq(calls, 0, "the first value is stored as is");
    reduce_add(st, &k, "10");
    reduce_add(st, &k, "-3");
    reduce_add(st, &k2, "100");
    cr_assert_eq(calls, 2);
    conf_expect(conf_reduced(st, &k), "12");
    conf_expect(conf_reduced(st, &k2), "100");
    cr_assert_eq(shale_state_clear(st, &k, NULL), SHALE_OK);
    conf_expect_none(conf_reduced(st, &k));
    conf_close(env);
}

CONF_TEST(conf_fold, a_failing_callback_fails_the_add_and_keeps_the_value)
{
    conf_env *env = conf_open(be, NULL);
    shale_state_descriptor *d = shale_state_descriptor_new("bad", SHALE_STATE_REDUCING);
    shale_state_descriptor_set_reduce(d, failing_reduce, NULL);
    shale_state *st = conf_state(env, d);
    shale_state_key k = conf_key("k");
    reduce_add(st, &k, "1");
    shale_err err = {0};
    cr_assert_eq(shale_reducing_state_add(st, &k, "2", 1, &err), SHALE_CORRUPTION);
    conf_expect(conf_reduced(st, &k), "1");
    conf_close(env);
}

CONF_TEST(conf_fold, aggregating_state_keeps_an_accumulator_and_returns_its_result)
{
    conf_env *env = conf_open(be, NULL);
    shale_state_descriptor *d = shale_state_descriptor_new("avg", SHALE_STATE_AGGREGATING);
    shale_state_descriptor_set_aggregate(d, avg_create, avg_add, avg_result, NULL, NULL);
    shale_state *st = conf_state(env, d);
    shale_state_key k = conf_key("k");
    conf_expect_none(conf_aggregated(st, &k));
    const char *ins[] = {"10", "20", "60"};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(shale_aggregating_state_add(st, &k, ins[i], strlen(ins[i]), NULL), SHALE_OK);
    conf_expect(conf_aggregated(st, &k), "30");
    cr_assert_eq(shale_state_clear(st, &k, NULL), SHALE_OK);
    conf_expect_none(conf_aggregated(st, &k));
    conf_close(env);
}

/* --- TTL ---------------------------------------------------------------------- */
static shale_state *ttl_state(conf_env *env, const char *name, int kind, int64_t ttl, int update,
                              int vis)
{
    shale_state_descriptor *d = shale_state_descriptor_new(name, kind);
    shale_state_descriptor_set_ttl(d, ttl, update, vis);
    /* Incremental cleanup (heap) would drop expired data before a read
     * sees it; these tests are about what reads do. */
    shale_state_descriptor_set_ttl_cleanup(d, 0, 1000);
    return conf_state(env, d);
}

CONF_TEST(conf_ttl, value_expires_exactly_ttl_after_its_write)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = ttl_state(env, "v", SHALE_STATE_VALUE, 100, SHALE_TTL_ON_CREATE_AND_WRITE,
                                SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state_key k = conf_key("k");
    conf_put(st, &k, "x");
    env->now += 99;
    conf_expect(conf_value(st, &k), "x");
    env->now += 1;
    conf_expect_none(conf_value(st, &k));
    env->now -= 50;                 /* gone for good: not resurrected by an earlier clock */
    conf_expect_none(conf_value(st, &k));
    conf_close(env);
}

CONF_TEST(conf_ttl, on_create_and_write_reads_do_not_extend_life)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = ttl_state(env, "v", SHALE_STATE_VALUE, 100, SHALE_TTL_ON_CREATE_AND_WRITE,
                                SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state_key k = conf_key("k");
    conf_put(st, &k, "x");
    env->now += 60;
    conf_expect(conf_value(st, &k), "x");
    env->now += 60;
    conf_expect_none(conf_value(st, &k));
    conf_put(st, &k, "y");           /* a write restarts the clock */
    env->now += 99;
    conf_expect(conf_value(st, &k), "y");
    conf_close(env);
}

CONF_TEST(conf_ttl, on_read_and_write_reads_extend_life)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = ttl_state(env, "v", SHALE_STATE_VALUE, 100, SHALE_TTL_ON_READ_AND_WRITE,
                                SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state_key k = conf_key("k");
    conf_put(st, &k, "x");
    for (int i = 0; i < 5; i++) {
        env->now += 60;
        conf_expect(conf_value(st, &k), "x");
    }
    env->now += 100;
    conf_expect_none(conf_value(st, &k));
    conf_close(env);
}

CONF_TEST(conf_ttl, return_expired_if_not_cleaned_up_returns_it_once)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = ttl_state(env, "v", SHALE_STATE_VALUE, 100, SHALE_TTL_ON_CREATE_AND_WRITE,
                                SHALE_TTL_RETURN_EXPIRED_IF_NOT_CLEANED_UP);
    shale_state_key k = conf_key("k");
    conf_put(st, &k, "stale");
    env->now += 500;
    conf_expect(conf_value(st, &k), "stale");
    conf_expect_none(conf_value(st, &k));
    conf_close(env);
}

CONF_TEST(conf_ttl, list_elements_expire_one_by_one)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = ttl_state(env, "l", SHALE_STATE_LIST, 100, SHALE_TTL_ON_CREATE_AND_WRITE,
                                SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state_key k = conf_key("k");
    conf_add(st, &k, "a");
    env->now += 50;
    conf_add(st, &k, "b");
    env->now += 50;
    conf_expect(conf_list(st, &k), "b");
    conf_expect(conf_list_last(st, &k, 1), "b");
    env->now += 50;
    conf_expect(conf_list(st, &k), "");
    conf_close(env);
}

CONF_TEST(conf_ttl, list_with_return_expired_shows_expired_elements_once)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = ttl_state(env, "l", SHALE_STATE_LIST, 100, SHALE_TTL_ON_CREATE_AND_WRITE,
                                SHALE_TTL_RETURN_EXPIRED_IF_NOT_CLEANED_UP);
    shale_state_key k = conf_key("k");
    conf_add(st, &k, "a");
    env->now += 50;
    conf_add(st, &k, "b");
    env->now += 60;
    conf_expect(conf_list(st, &k), "a|b");
    conf_expect(conf_list(st, &k), "b");
    conf_close(env);
}

CONF_TEST(conf_ttl, map_entries_expire_individually)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = ttl_state(env, "m", SHALE_STATE_MAP, 100, SHALE_TTL_ON_CREATE_AND_WRITE,
                                SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state_key k = conf_key("k");
    conf_map_put(st, &k, "old", "1");
    env->now += 70;
    conf_map_put(st, &k, "new", "2");
    env->now += 30;
    conf_expect_none(conf_map_get(st, &k, "old"));
    conf_expect(conf_map(st, &k), "new=2");
    bool found = true;
    cr_assert_eq(shale_map_state_contains(st, &k, "old", 3, &found, NULL), SHALE_OK);
    cr_assert_not(found);
    env->now += 70;
    bool empty = false;
    cr_assert_eq(shale_map_state_is_empty(st, &k, &empty, NULL), SHALE_OK);
    cr_assert(empty);
    conf_close(env);
}

CONF_TEST(conf_ttl, map_reads_with_on_read_and_write_extend_each_entry)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = ttl_state(env, "m", SHALE_STATE_MAP, 100, SHALE_TTL_ON_READ_AND_WRITE,
                                SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state_key k = conf_key("k");
    conf_map_put(st, &k, "read", "1");
    conf_map_put(st, &k, "unread", "2");
    env->now += 80;
    conf_expect(conf_map_get(st, &k, "read"), "1");
    env->now += 80;
    conf_expect(conf_map(st, &k), "read=1");
    conf_close(env);
}

CONF_TEST(conf_ttl, reducing_restarts_from_an_expired_value)
{
    conf_env *env = conf_open(be, NULL);
    int calls = 0;
    shale_state_descriptor *d = shale_state_descriptor_new("sum", SHALE_STATE_REDUCING);
    shale_state_descriptor_set_reduce(d, sum_reduce, &calls);
    shale_state_descriptor_set_ttl(d, 100, SHALE_TTL_ON_CREATE_AND_WRITE,
                                   SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state *st = conf_state(env, d);
    shale_state_key k = conf_key("k");
    reduce_add(st, &k, "5");
    env->now += 50;
    reduce_add(st, &k, "5");          /* restamps: lives until +150 */
    env->now += 99;
    conf_expect(conf_reduced(st, &k), "10");
    env->now += 1;
    reduce_add(st, &k, "7");
    conf_expect(conf_reduced(st, &k), "7");
    conf_close(env);
}
