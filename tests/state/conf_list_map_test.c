/* tests/state/conf_list_map_test.c: conformance: ListState (including
 * bounded lists and reading the last k) and MapState. */
#include "tests/state/conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- lists ------------------------------------------------------------------ */
CONF_TEST(conf_list, get_of_a_missing_list_is_an_empty_iterator)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "l", SHALE_STATE_LIST);
    shale_state_key k = conf_key("k");
    conf_expect(conf_list(st, &k), "");
    conf_close(env);
}

CONF_TEST(conf_list, add_appends_in_order)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "l", SHALE_STATE_LIST);
    shale_state_key k = conf_key("k");
    conf_add(st, &k, "a");
    conf_add(st, &k, "");
    conf_add(st, &k, "c,with,commas");
    conf_expect(conf_list(st, &k), "a||c,with,commas");
    conf_close(env);
}

CONF_TEST(conf_list, add_all_update_and_clear)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "l", SHALE_STATE_LIST);
    shale_state_key k = conf_key("k");
    const char *vals[] = {"x", "yy", "zzz"};
    size_t lens[] = {1, 2, 3};
    conf_add(st, &k, "first");
    cr_assert_eq(shale_list_state_add_all(st, &k, 3, vals, lens, NULL), SHALE_OK);
    conf_expect(conf_list(st, &k), "first|x|yy|zzz");
    cr_assert_eq(shale_list_state_update(st, &k, 2, vals + 1, lens + 1, NULL), SHALE_OK);
    conf_expect(conf_list(st, &k), "yy|zzz");
    cr_assert_eq(shale_list_state_update(st, &k, 0, NULL, NULL, NULL), SHALE_OK);
    conf_expect(conf_list(st, &k), "");
    conf_add(st, &k, "again");
    cr_assert_eq(shale_state_clear(st, &k, NULL), SHALE_OK);
    conf_expect(conf_list(st, &k), "");
    conf_close(env);
}

CONF_TEST(conf_list, iterator_keeps_the_list_it_was_created_on)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "l", SHALE_STATE_LIST);
    shale_state_key k = conf_key("k");
    conf_add(st, &k, "a");
    conf_add(st, &k, "b");
    shale_state_iter *it = NULL;
    cr_assert_eq(shale_list_state_get(st, &k, &it, NULL), SHALE_OK);
    conf_add(st, &k, "c");
    cr_assert_eq(shale_state_clear(st, &k, NULL), SHALE_OK);
    size_t n;
    cr_assert(shale_state_iter_valid(it));
    cr_assert_eq(strncmp(shale_state_iter_value(it, &n), "a", 1), 0);
    shale_state_iter_next(it);
    cr_assert(shale_state_iter_valid(it));
    cr_assert_eq(strncmp(shale_state_iter_value(it, &n), "b", 1), 0);
    shale_state_iter_next(it);
    cr_assert_not(shale_state_iter_valid(it));
    shale_state_iter_free(it);
    conf_close(env);
}

CONF_TEST(conf_list, long_lists_keep_every_element)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "l", SHALE_STATE_LIST);
    shale_state_key k = conf_key("k");
    char v[16];
    for (int i = 0; i < 10000; i++) {
        snprintf(v, sizeof v, "%d", i);
        conf_add(st, &k, v);
    }
    shale_state_iter *it = NULL;
    cr_assert_eq(shale_list_state_get(st, &k, &it, NULL), SHALE_OK);
    int i = 0;
    for (; shale_state_iter_valid(it); shale_state_iter_next(it), i++) {
        size_t n;
        const char *e = shale_state_iter_value(it, &n);
        snprintf(v, sizeof v, "%d", i);
        cr_assert(n == strlen(v) && memcmp(e, v, n) == 0, "element %d", i);
    }
    cr_assert_eq(i, 10000);
    shale_state_iter_free(it);
    conf_close(env);
}

CONF_TEST(conf_list, get_last_returns_the_newest_k_oldest_first)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "l", SHALE_STATE_LIST);
    shale_state_key k = conf_key("k");
    conf_add(st, &k, "1");
    conf_add(st, &k, "2");
    conf_add(st, &k, "3");
    conf_add(st, &k, "4");
    conf_expect(conf_list_last(st, &k, 2), "3|4");
    conf_expect(conf_list_last(st, &k, 0), "");
    conf_expect(conf_list_last(st, &k, 10), "1|2|3|4");
    conf_close(env);
}

CONF_TEST(conf_list, count_bound_keeps_the_newest_elements)
{
    conf_env *env = conf_open(be, NULL);
    shale_state_descriptor *d = shale_state_descriptor_new("turns", SHALE_STATE_LIST);
    shale_state_descriptor_set_list_bound(d, 3, 0, 0);
    shale_state *st = conf_state(env, d);
    shale_state_key k = conf_key("chat");
    const char *turns[] = {"t1", "t2", "t3", "t4", "t5"};
    for (int i = 0; i < 5; i++)
        conf_add(st, &k, turns[i]);
    conf_expect(conf_list(st, &k), "t3|t4|t5");
    size_t lens[] = {2, 2, 2, 2, 2};
    cr_assert_eq(shale_list_state_update(st, &k, 5, turns, lens, NULL), SHALE_OK);
    conf_expect(conf_list(st, &k), "t3|t4|t5");
    conf_close(env);
}

CONF_TEST(conf_list, byte_bound_drops_oldest_until_the_rest_fits)
{
    conf_env *env = conf_open(be, NULL);
    shale_state_descriptor *d = shale_state_descriptor_new("l", SHALE_STATE_LIST);
    shale_state_descriptor_set_list_bound(d, 0, 10, 0);
    shale_state *st = conf_state(env, d);
    shale_state_key k = conf_key("k");
    conf_add(st, &k, "aaaa");      /* 4 */
    conf_add(st, &k, "bbbb");      /* 8 */
    conf_add(st, &k, "cc");        /* 10: fits exactly */
    conf_expect(conf_list(st, &k), "aaaa|bbbb|cc");
    conf_add(st, &k, "d");         /* 11: drop aaaa -> 7 */
    conf_expect(conf_list(st, &k), "bbbb|cc|d");
    conf_add(st, &k, "this one is too long");   /* alone over the cap */
    conf_expect(conf_list(st, &k), "");
    conf_close(env);
}

CONF_TEST(conf_list, age_bound_hides_and_drops_old_elements)
{
    conf_env *env = conf_open(be, NULL);
    shale_state_descriptor *d = shale_state_descriptor_new("l", SHALE_STATE_LIST);
    shale_state_descriptor_set_list_bound(d, 0, 0, 100);
    shale_state *st = conf_state(env, d);
    shale_state_key k = conf_key("k");
    conf_add(st, &k, "old");
    env->now += 60;
    conf_add(st, &k, "mid");
    env->now += 40;                /* "old" is 100 ms old: gone */
    conf_expect(conf_list(st, &k), "mid");
    conf_add(st, &k, "new");
    env->now += 99;
    conf_expect(conf_list(st, &k), "new");
    conf_close(env);
}

/* --- maps ------------------------------------------------------------------- */
CONF_TEST(conf_map, put_get_overwrite_and_remove)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "m", SHALE_STATE_MAP);
    shale_state_key k = conf_key("k");
    conf_expect_none(conf_map_get(st, &k, "x"));
    conf_map_put(st, &k, "x", "1");
    conf_map_put(st, &k, "y", "2");
    conf_expect(conf_map_get(st, &k, "x"), "1");
    conf_map_put(st, &k, "x", "one");
    conf_expect(conf_map_get(st, &k, "x"), "one");
    cr_assert_eq(shale_map_state_remove(st, &k, "x", 1, NULL), SHALE_OK);
    conf_expect_none(conf_map_get(st, &k, "x"));
    conf_expect(conf_map_get(st, &k, "y"), "2");
    cr_assert_eq(shale_map_state_remove(st, &k, "absent", 6, NULL), SHALE_OK);
    conf_close(env);
}

CONF_TEST(conf_map, contains_and_is_empty_follow_puts_and_removes)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "m", SHALE_STATE_MAP);
    shale_state_key k = conf_key("k");
    bool found = true, empty = false;
    cr_assert_eq(shale_map_state_is_empty(st, &k, &empty, NULL), SHALE_OK);
    cr_assert(empty);
    conf_map_put(st, &k, "x", "");
    cr_assert_eq(shale_map_state_contains(st, &k, "x", 1, &found, NULL), SHALE_OK);
    cr_assert(found, "an empty value is still contained");
    cr_assert_eq(shale_map_state_contains(st, &k, "y", 1, &found, NULL), SHALE_OK);
    cr_assert_not(found);
    cr_assert_eq(shale_map_state_is_empty(st, &k, &empty, NULL), SHALE_OK);
    cr_assert_not(empty);
    cr_assert_eq(shale_map_state_remove(st, &k, "x", 1, NULL), SHALE_OK);
    cr_assert_eq(shale_map_state_is_empty(st, &k, &empty, NULL), SHALE_OK);
    cr_assert(empty);
    conf_close(env);
}

CONF_TEST(conf_map, iteration_yields_every_entry_once)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "m", SHALE_STATE_MAP);
    shale_state_key k = conf_key("k"), other = conf_key("other");
    shale_state_key k_ns = conf_key_ns("k", "w");
    const char *uks[] = {"b", "a", "c"};
    const char *vs[] = {"2", "1", "3"};
    size_t ul[] = {1, 1, 1}, vl[] = {1, 1, 1};
    cr_assert_eq(shale_map_state_put_all(st, &k, 3, uks, ul, vs, vl, NULL), SHALE_OK);
    conf_map_put(st, &other, "a", "other");
    conf_map_put(st, &k_ns, "a", "windowed");
    conf_expect(conf_map(st, &k), "a=1;b=2;c=3");
    conf_expect(conf_map(st, &k_ns), "a=windowed");
    cr_assert_eq(shale_state_clear(st, &k, NULL), SHALE_OK);
    conf_expect(conf_map(st, &k), "");
    conf_expect(conf_map(st, &other), "a=other");
    conf_expect(conf_map(st, &k_ns), "a=windowed");
    conf_close(env);
}

CONF_TEST(conf_map, many_user_keys_round_trip)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "m", SHALE_STATE_MAP);
    shale_state_key k = conf_key("k");
    char uk[16], v[16];
    for (int i = 0; i < 2000; i++) {
        snprintf(uk, sizeof uk, "u%d", i);
        snprintf(v, sizeof v, "%d", i * i);
        conf_map_put(st, &k, uk, v);
    }
    for (int i = 0; i < 2000; i += 2) {
        snprintf(uk, sizeof uk, "u%d", i);
        cr_assert_eq(shale_map_state_remove(st, &k, uk, strlen(uk), NULL), SHALE_OK);
    }
    size_t count = 0;
    shale_state_iter *it = NULL;
    cr_assert_eq(shale_map_state_iter(st, &k, &it, NULL), SHALE_OK);
    for (; shale_state_iter_valid(it); shale_state_iter_next(it))
        count++;
    shale_state_iter_free(it);
    cr_assert_eq(count, 1000);
    for (int i = 1; i < 2000; i += 2) {
        snprintf(uk, sizeof uk, "u%d", i);
        snprintf(v, sizeof v, "%d", i * i);
        conf_expect(conf_map_get(st, &k, uk), v);
    }
    conf_close(env);
}

CONF_TEST(conf_map, iterator_keeps_the_map_it_was_created_on)
{
    conf_env *env = conf_open(be, NULL);
    shale_state *st = conf_simple(env, "m", SHALE_STATE_MAP);
    shale_state_key k = conf_key("k");
    conf_map_put(st, &k, "a", "1");
    conf_map_put(st, &k, "b", "2");
    shale_state_iter *it = NULL;
    cr_assert_eq(shale_map_state_iter(st, &k, &it, NULL), SHALE_OK);
    conf_map_put(st, &k, "a", "changed");
    conf_map_put(st, &k, "c", "3");
    cr_assert_eq(shale_map_state_remove(st, &k, "b", 1, NULL), SHALE_OK);
    int seen = 0;
    for (; shale_state_iter_valid(it); shale_state_iter_next(it), seen++) {
        size_t kl, vl;
        const char *uk = shale_state_iter_key(it, &kl);
        const char *v = shale_state_iter_value(it, &vl);
        cr_assert_eq(kl, 1);
        cr_assert(vl == 1 && v[0] == (uk[0] == 'a' ? '1' : '2'), "entry %c", uk[0]);
    }
    cr_assert_eq(seen, 2);
    shale_state_iter_free(it);
    conf_expect(conf_map(st, &k), "a=changed;c=3");
    conf_close(env);
}
