/* tests/state/conf_value_test.c: conformance: ValueState, keys and
 * namespaces, both access styles, key-group ranges, descriptor checks. */
#include "tests/state/conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CONF_TEST(conf_value, get_of_a_never_written_key_is_not_found)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "v", SHALE_STATE_VALUE);
    shale_state_key k = conf_key("nobody");
    conf_expect_none(conf_value(st, &k));
    conf_close(env);
}

CONF_TEST(conf_value, update_then_get_returns_the_last_value)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "v", SHALE_STATE_VALUE);
    shale_state_key k = conf_key("alice");
    conf_put(st, &k, "one");
    conf_expect(conf_value(st, &k), "one");
    conf_put(st, &k, "a much longer second value");
    conf_expect(conf_value(st, &k), "a much longer second value");
    conf_put(st, &k, "3");
    conf_expect(conf_value(st, &k), "3");
    conf_close(env);
}

CONF_TEST(conf_value, empty_value_is_found_and_empty)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "v", SHALE_STATE_VALUE);
    shale_state_key k = conf_key("alice");
    conf_put(st, &k, "");
    conf_expect(conf_value(st, &k), "");
    conf_close(env);
}

CONF_TEST(conf_value, clear_removes_only_that_key)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "v", SHALE_STATE_VALUE);
    shale_state_key a = conf_key("a"), b = conf_key("b");
    conf_put(st, &a, "1");
    conf_put(st, &b, "2");
    cr_assert_eq(shale_state_clear(st, &a, NULL), SHALE_OK);
    conf_expect_none(conf_value(st, &a));
    conf_expect(conf_value(st, &b), "2");
    cr_assert_eq(shale_state_clear(st, &a, NULL), SHALE_OK, "clearing twice is fine");
    conf_close(env);
}

CONF_TEST(conf_value, states_with_different_names_are_independent)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *s1 = conf_simple(env, "first", SHALE_STATE_VALUE);
    shale_state *s2 = conf_simple(env, "second", SHALE_STATE_VALUE);
    shale_state *again = conf_simple(env, "first", SHALE_STATE_VALUE);
    cr_assert_eq(s1, again, "same name, same state");
    shale_state_key k = conf_key("k");
    conf_put(s1, &k, "x");
    conf_expect_none(conf_value(s2, &k));
    conf_expect(conf_value(again, &k), "x");
    conf_close(env);
}

CONF_TEST(conf_value, keys_that_concatenate_alike_stay_apart)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "v", SHALE_STATE_VALUE);
    shale_state_key k1 = conf_key_ns("ab", "c"), k2 = conf_key_ns("a", "bc");
    k2.key_group = k1.key_group = 3;     /* force one table */
    conf_put(st, &k1, "first");
    conf_put(st, &k2, "second");
    conf_expect(conf_value(st, &k1), "first");
    conf_expect(conf_value(st, &k2), "second");
    conf_close(env);
}

CONF_TEST(conf_value, namespaces_separate_values_of_one_key)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "v", SHALE_STATE_VALUE);
    shale_state_key plain = conf_key("k"), w1 = conf_key_ns("k", "window-1"),
                    w2 = conf_key_ns("k", "window-2");
    conf_put(st, &plain, "void");
    conf_put(st, &w1, "one");
    conf_put(st, &w2, "two");
    conf_expect(conf_value(st, &plain), "void");
    conf_expect(conf_value(st, &w1), "one");
    conf_expect(conf_value(st, &w2), "two");
    cr_assert_eq(shale_state_clear(st, &w1, NULL), SHALE_OK);
    conf_expect_none(conf_value(st, &w1));
    conf_expect(conf_value(st, &w2), "two");
    conf_close(env);
}

CONF_TEST(conf_value, current_key_style_and_explicit_style_see_the_same_state)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "v", SHALE_STATE_VALUE);
    cr_assert_eq(shale_state_backend_set_current_key(env->b, "bob", 3, SHALE_KEY_GROUP_AUTO,
                                                     NULL), SHALE_OK);
    conf_put(st, NULL, "via context");
    shale_state_key k = conf_key("bob");
    conf_expect(conf_value(st, &k), "via context");
    cr_assert_eq(shale_state_backend_set_current_namespace(env->b, "ns", 2, NULL), SHALE_OK);
    conf_expect_none(conf_value(st, NULL));
    shale_state_key kn = conf_key_ns("bob", "ns");
    conf_put(st, &kn, "explicit");
    conf_expect(conf_value(st, NULL), "explicit");
    shale_state_key cur;
    cr_assert_eq(shale_state_backend_current_key(env->b, &cur), SHALE_OK);
    cr_assert_eq(cur.key_len, 3);
    cr_assert_eq(memcmp(cur.key, "bob", 3), 0);
    cr_assert_eq(cur.key_group, shale_state_key_group("bob", 3, 128));
    conf_close(env);
}

CONF_TEST(conf_value, no_current_key_is_an_invalid_argument)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "v", SHALE_STATE_VALUE);
    char *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    cr_assert_eq(shale_value_state_get(st, NULL, &v, &n, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_value_state_update(st, NULL, "x", 1, NULL), SHALE_INVALID_ARGUMENT);
    shale_state_key cur;
    cr_assert_eq(shale_state_backend_current_key(env->b, &cur), SHALE_NOT_FOUND);
    conf_close(env);
}

CONF_TEST(conf_value, keys_outside_the_owned_key_groups_are_rejected)
{
    conf_opts o = {.max_parallelism = 128, .kg_start = 32, .kg_end = 63, .range = true};
    conf_env *env = conf_open(be, &o);
    shale_state *st = conf_simple(env, "v", SHALE_STATE_VALUE);
    /* "hello" is in group 35 and "a" in group 81 (Java: see key_group_test.c). */
    shale_state_key in = conf_key("hello"), out = conf_key("a");
    conf_put(st, &in, "mine");
    conf_expect(conf_value(st, &in), "mine");
    shale_err err = {0};
    cr_assert_eq(shale_value_state_update(st, &out, "x", 1, &err), SHALE_INVALID_ARGUMENT);
    cr_assert(strstr(err.msg, "81") != NULL, "message names the group: %s", err.msg);
    cr_assert_eq(shale_state_backend_set_current_key(env->b, "a", 1, SHALE_KEY_GROUP_AUTO, NULL),
                 SHALE_INVALID_ARGUMENT);
    shale_state_key given = conf_key("a");
    given.key_group = 40;           /* the caller's own group assignment wins */
    conf_put(st, &given, "by group");
    conf_expect(conf_value(st, &given), "by group");
    given.key_group = 64;
    cr_assert_eq(shale_value_state_update(st, &given, "x", 1, NULL), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_timer_register(env->b, SHALE_TIMER_EVENT, &out, 5, NULL),
                 SHALE_INVALID_ARGUMENT);
    conf_close(env);
}

CONF_TEST(conf_value, bad_parallelism_or_range_fails_to_open)
{
    shale_state_options *o = shale_state_options_new();
    shale_state_options_set_backend(o, be->kind);
    shale_state_backend *b = NULL;
    shale_state_options_set_max_parallelism(o, 0);
    cr_assert_eq(shale_state_backend_open(o, NULL, &b, NULL), SHALE_INVALID_ARGUMENT);
    shale_state_options_set_max_parallelism(o, 32769);
    cr_assert_eq(shale_state_backend_open(o, NULL, &b, NULL), SHALE_INVALID_ARGUMENT);
    shale_state_options_set_max_parallelism(o, 256);
    shale_state_options_set_key_group_range(o, 10, 256);
    cr_assert_eq(shale_state_backend_open(o, NULL, &b, NULL), SHALE_INVALID_ARGUMENT);
    shale_state_options_set_key_group_range(o, 11, 10);
    cr_assert_eq(shale_state_backend_open(o, NULL, &b, NULL), SHALE_INVALID_ARGUMENT);
    cr_assert_null(b);
    shale_state_options_free(o);
}

CONF_TEST(conf_value, wrong_kind_and_conflicting_descriptors_are_rejected)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *lst = conf_simple(env, "l", SHALE_STATE_LIST);
    shale_state_key k = conf_key("k");
    cr_assert_eq(shale_value_state_update(lst, &k, "x", 1, NULL), SHALE_INVALID_ARGUMENT);
    shale_state_descriptor *d = shale_state_descriptor_new("l", SHALE_STATE_VALUE);
    shale_state *st = NULL;
    cr_assert_eq(shale_state_get(env->b, d, &st, NULL), SHALE_INVALID_ARGUMENT);
    shale_state_descriptor_free(d);
    d = shale_state_descriptor_new("r", SHALE_STATE_REDUCING);     /* no reduce callback */
    cr_assert_eq(shale_state_get(env->b, d, &st, NULL), SHALE_INVALID_ARGUMENT);
    shale_state_descriptor_free(d);
    d = shale_state_descriptor_new("v", SHALE_STATE_VALUE);
    shale_state_descriptor_set_list_bound(d, 3, 0, 0);
    cr_assert_eq(shale_state_get(env->b, d, &st, NULL), SHALE_INVALID_ARGUMENT);
    shale_state_descriptor_free(d);
    cr_assert_null(shale_state_descriptor_new("", SHALE_STATE_VALUE));
    cr_assert_null(shale_state_descriptor_new("x", 42));
    conf_close(env);
}

CONF_TEST(conf_value, many_keys_across_all_groups_keep_their_values)
{
    conf_opts o = {.max_parallelism = 4096};
    conf_env *env = conf_open(be, &o);
    shale_state *st = conf_simple(env, "v", SHALE_STATE_VALUE);
    char key[32], val[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "user-%d", i);
        snprintf(val, sizeof val, "v%d", i * 7);
        shale_state_key k = conf_key(key);
        conf_put(st, &k, val);
    }
    for (int i = 0; i < 5000; i += 3) {
        snprintf(key, sizeof key, "user-%d", i);
        shale_state_key k = conf_key(key);
        cr_assert_eq(shale_state_clear(st, &k, NULL), SHALE_OK);
    }
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "user-%d", i);
        snprintf(val, sizeof val, "v%d", i * 7);
        shale_state_key k = conf_key(key);
        if (i % 3 == 0)
            conf_expect_none(conf_value(st, &k));
        else
            conf_expect(conf_value(st, &k), val);
    }
    conf_close(env);
}

/* The borrowed get returns what the copying get returns: found values
 * (empty ones too), absent and expired keys as SHALE_NOT_FOUND with NULL,
 * and OnReadAndWrite refreshes the time to live as a copying read does. */
CONF_TEST(conf_value, borrowed_get_answers_as_the_copying_get)
{
    conf_env *env = conf_open(be, NULL);
    shale_state_descriptor *d = shale_state_descriptor_new("v", SHALE_STATE_VALUE);
    shale_state_descriptor_set_ttl(d, 100, SHALE_TTL_ON_READ_AND_WRITE,
                                   SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state_descriptor_set_ttl_cleanup(d, 0, 1000);
    shale_state *st = conf_state(env, d);
    shale_state_key a = conf_key("alice"), b = conf_key("bob"), e = conf_key("empty");
    conf_put(st, &a, "first value");
    conf_put(st, &e, "");
    const char *v = (const char *)1;
    size_t n = 99;
    shale_err err = {0};
    cr_assert_eq(shale_value_state_get_borrowed(st, &a, &v, &n, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(n, strlen("first value"));
    cr_assert(memcmp(v, "first value", n) == 0);
    cr_assert_eq(shale_value_state_get_borrowed(st, &e, &v, &n, &err), SHALE_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(shale_value_state_get_borrowed(st, &b, &v, &n, &err), SHALE_NOT_FOUND);
    cr_assert_null(v);
    cr_assert_eq(n, 0);
    for (int i = 0; i < 3; i++) {   /* each read refreshes: alive 3 x 80 ms later */
        env->now += 80;
        cr_assert_eq(shale_value_state_get_borrowed(st, &a, &v, &n, &err), SHALE_OK,
                     "round %d", i);
    }
    conf_put(st, &a, "a different, longer second value");
    cr_assert_eq(shale_value_state_get_borrowed(st, &a, &v, &n, &err), SHALE_OK);
    cr_assert_eq(n, strlen("a different, longer second value"));
    cr_assert(memcmp(v, "a different, longer second value", n) == 0);
    env->now += 100;
    cr_assert_eq(shale_value_state_get_borrowed(st, &a, &v, &n, &err), SHALE_NOT_FOUND);
    cr_assert_null(v);
    conf_expect_none(conf_value(st, &a));
    conf_close(env);
}
