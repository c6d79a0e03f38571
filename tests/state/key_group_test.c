/* tests/state/key_group_test.c: key hashes and key groups.  The expected
 * numbers were computed with Java (OpenJDK): String.hashCode() of each key
 * and Flink's MathUtils.murmurHash(hash) % maxParallelism, run as a Java
 * program (/tmp KG.java during development; the Latin-1 string "\u00e9t\u00e9"
 * stands for the bytes e9 74 e9). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "shale/state.h"

typedef struct kg_case {
    const char *key;
    int32_t hash, kg128, kg4096, kg32768;
} kg_case;

static const kg_case cases[] = {
    {"", 0, 94, 2526, 31198},
    {"a", 97, 81, 3025, 19409},
    {"hello", 99162322, 35, 2723, 31395},
    {"user-42", -147182656, 20, 3732, 20116},
    {"Flink", 67968320, 127, 1663, 22143},
    {"\xe9t\xe9", 227742, 5, 3205, 23685},
};

Test(key_group, key_hash_is_javas_string_hash_code_of_the_bytes)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        cr_assert_eq(shale_state_key_hash(cases[i].key, strlen(cases[i].key)), cases[i].hash,
                     "key %zu", i);
}

Test(key_group, key_group_matches_flinks_assignment)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const kg_case *c = &cases[i];
        size_t n = strlen(c->key);
        cr_assert_eq(shale_state_key_group(c->key, n, 128), c->kg128, "key %zu", i);
        cr_assert_eq(shale_state_key_group(c->key, n, 4096), c->kg4096, "key %zu", i);
        cr_assert_eq(shale_state_key_group(c->key, n, 32768), c->kg32768, "key %zu", i);
        cr_assert_eq(shale_state_key_group_for_hash(c->hash, 128), c->kg128);
    }
}

Test(key_group, every_group_is_reached_and_none_beyond)
{
    int seen[128] = {0};
    char key[16];
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        int32_t kg = shale_state_key_group(key, (size_t)n, 128);
        cr_assert(kg >= 0 && kg < 128);
        seen[kg]++;
    }
    for (int g = 0; g < 128; g++)
        cr_assert_gt(seen[g], 60, "group %d got %d of 20000 keys", g, seen[g]);
}
