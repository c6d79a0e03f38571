/* tests/lsm/memtable/skiplist_test.c: the arena skiplist on its own, with
 * 8-byte big-endian integer entries (so memcmp order is numeric order):
 * empty lists, duplicates, the sequential-insert splice, variable-length
 * entries, and a randomized model test against a bitmap of present keys
 * (inserts, contains, seeks both ways, full walks both ways). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/memtable/skiplist.h"
#include "shale/err.h"

static int u64_cmp(const char *a, const char *b, const void *ctx)
{
    (void)ctx;
    return memcmp(a, b, 8);
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
        v = (v << 8) | (unsigned char)p[i];
    return v;
}

static bool insert_u64(skiplist *l, uint64_t v)
{
    char *e = skl_alloc(l, 8);
    cr_assert_not_null(e);
    put_be64(e, v);
    return skl_insert(l, e);
}

static bool contains_u64(const skiplist *l, uint64_t v)
{
    char k[8];
    put_be64(k, v);
    return skl_contains(l, k);
}

typedef struct fixture {
    arena a;
    skiplist l;
} fixture;

static void setup_list(fixture *f)
{
    arena_init(&f->a);
    cr_assert_eq(skl_init(&f->l, &f->a, u64_cmp, NULL), SHALE_OK);
}

Test(skiplist, empty_list_has_no_positions)
{
    fixture f;
    setup_list(&f);
    skl_iter it;
    skl_iter_init(&it, &f.l);
    cr_assert(skl_empty(&f.l));
    cr_assert_not(skl_iter_valid(&it));
    skl_iter_seek_to_first(&it);
    cr_assert_not(skl_iter_valid(&it));
    skl_iter_seek_to_last(&it);
    cr_assert_not(skl_iter_valid(&it));
    char k[8];
    put_be64(k, 7);
    skl_iter_seek(&it, k);
    cr_assert_not(skl_iter_valid(&it));
    skl_iter_seek_for_prev(&it, k);
    cr_assert_not(skl_iter_valid(&it));
    cr_assert_not(skl_contains(&f.l, k));
    arena_deinit(&f.a);
}

Test(skiplist, insert_of_an_equal_entry_is_refused)
{
    fixture f;
    setup_list(&f);
    cr_assert(insert_u64(&f.l, 10));
    cr_assert(insert_u64(&f.l, 20));
    cr_assert_not(insert_u64(&f.l, 10));   /* via the splice miss, full search */
    cr_assert_not(insert_u64(&f.l, 20));
    cr_assert(insert_u64(&f.l, 15));
    cr_assert_not(insert_u64(&f.l, 15));   /* equal to the splice's own node */
    skl_iter it;
    skl_iter_init(&it, &f.l);
    uint64_t want[] = {10, 15, 20};
    size_t n = 0;
    for (skl_iter_seek_to_first(&it); skl_iter_valid(&it); skl_iter_next(&it), n++)
        cr_assert_eq(get_be64(skl_iter_key(&it)), want[n]);
    cr_assert_eq(n, 3);
    arena_deinit(&f.a);
}

/* Ascending inserts take the splice fast path; descending ones never do;
 * both must produce the same list, walkable both ways. */
static void check_dense_list(const skiplist *l, uint64_t n)
{
    skl_iter it;
    skl_iter_init(&it, l);
    uint64_t i = 0;
    for (skl_iter_seek_to_first(&it); skl_iter_valid(&it); skl_iter_next(&it), i++)
        cr_assert_eq(get_be64(skl_iter_key(&it)), i * 2);
    cr_assert_eq(i, n);
    for (skl_iter_seek_to_last(&it); skl_iter_valid(&it); skl_iter_prev(&it))
        cr_assert_eq(get_be64(skl_iter_key(&it)), --i * 2);
    cr_assert_eq(i, 0);
    for (uint64_t k = 0; k < 2 * n; k++)
        cr_assert_eq(contains_u64(l, k), k % 2 == 0, "k=%llu", (unsigned long long)k);
}

Test(skiplist, ascending_and_descending_inserts_build_the_same_order)
{
    enum { N = 20000 };
    fixture up, down;
    setup_list(&up);
    setup_list(&down);
    for (uint64_t i = 0; i < N; i++) {
        cr_assert(insert_u64(&up.l, i * 2));
        cr_assert(insert_u64(&down.l, (N - 1 - i) * 2));
    }
    check_dense_list(&up.l, N);
    check_dense_list(&down.l, N);
    /* A fill between existing keys after a sequential run. */
    cr_assert(insert_u64(&up.l, 3));
    cr_assert(contains_u64(&up.l, 3));
    cr_assert_not(insert_u64(&up.l, 2 * (N - 1)));
    arena_deinit(&up.a);
    arena_deinit(&down.a);
}

/* Variable-length entries: varint-free here, a 1-byte length then bytes,
 * ordered bytewise with a proper prefix first. */
static int lp_cmp(const char *a, const char *b, const void *ctx)
{
    (void)ctx;
    size_t la = (unsigned char)a[0], lb = (unsigned char)b[0];
    int r = memcmp(a + 1, b + 1, la < lb ? la : lb);
    return r != 0 ? r : (la < lb ? -1 : (la > lb ? 1 : 0));
}

Test(skiplist, variable_length_entries_sit_inline_after_the_tower)
{
    arena a;
    skiplist l;
    arena_init(&a);
    cr_assert_eq(skl_init(&l, &a, lp_cmp, NULL), SHALE_OK);
    const char *words[] = {"pear", "a", "apple", "app", "zebra", "", "apricot", "ap"};
    const char *sorted[] = {"", "a", "ap", "app", "apple", "apricot", "pear", "zebra"};
    for (size_t i = 0; i < 8; i++) {
        size_t n = strlen(words[i]);
        char *e = skl_alloc(&l, n + 1);
        cr_assert_not_null(e);
        cr_assert_eq((uintptr_t)e % sizeof(void *), 0);
        e[0] = (char)n;
        memcpy(e + 1, words[i], n);
        cr_assert(skl_insert(&l, e));
    }
    skl_iter it;
    skl_iter_init(&it, &l);
    size_t i = 0;
    for (skl_iter_seek_to_first(&it); skl_iter_valid(&it); skl_iter_next(&it), i++) {
        const char *e = skl_iter_key(&it);
        cr_assert_eq((size_t)(unsigned char)e[0], strlen(sorted[i]));
        cr_assert_eq(memcmp(e + 1, sorted[i], strlen(sorted[i])), 0);
    }
    cr_assert_eq(i, 8);
    char t[4] = {3, 'a', 'p', 'q'};   /* "apq": between "apple" and "apricot" */
    skl_iter_seek(&it, t);
    cr_assert_eq(memcmp(skl_iter_key(&it) + 1, "apricot", 7), 0);
    skl_iter_seek_for_prev(&it, t);
    cr_assert_eq(memcmp(skl_iter_key(&it) + 1, "apple", 5), 0);
    arena_deinit(&a);
}

/* A comparator that counts its calls, to check the costs the structure
 * promises: O(log n) searches and O(1) sequential inserts. */
static unsigned long g_compares;

static int counting_cmp(const char *a, const char *b, const void *ctx)
{
    g_compares++;
    return u64_cmp(a, b, ctx);
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    return x ^ (x >> 27);
}

Test(skiplist, searches_take_logarithmic_comparisons)
{
    enum { N = 100000, LOOKUPS = 2000 };
    arena a;
    skiplist l;
    arena_init(&a);
    cr_assert_eq(skl_init(&l, &a, counting_cmp, NULL), SHALE_OK);
    for (uint64_t i = 0; i < N; i++)
        cr_assert(insert_u64(&l, mix(i) >> 1));
    g_compares = 0;
    for (uint64_t i = 0; i < LOOKUPS; i++)
        cr_assert(contains_u64(&l, mix(i * 37 % N) >> 1));
    /* About (branching) * log_4(N) = 4 * 8.3; a list whose upper levels
     * were broken would need thousands. */
    double per_lookup = (double)g_compares / LOOKUPS;
    cr_assert_lt(per_lookup, 60.0, "%.1f comparisons per lookup", per_lookup);
    arena_deinit(&a);
}

Test(skiplist, sequential_inserts_use_the_splice)
{
    enum { N = 50000 };
    arena a;
    skiplist l;
    arena_init(&a);
    cr_assert_eq(skl_init(&l, &a, counting_cmp, NULL), SHALE_OK);
    g_compares = 0;
    for (uint64_t i = 0; i < N; i++)
        cr_assert(insert_u64(&l, i));
    cr_assert_leq(g_compares, 2 * (unsigned long)N, "%lu comparisons", g_compares);
    cr_assert(contains_u64(&l, N / 2));
    arena_deinit(&a);
}

/* ---- randomized model ------------------------------------------------- */

enum { KEYSPACE = 1 << 17 };

typedef struct model {
    unsigned char present[KEYSPACE];
    size_t count;
} model;

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Smallest present key >= k, or KEYSPACE. */
static uint64_t model_ge(const model *m, uint64_t k)
{
    while (k < KEYSPACE && !m->present[k])
        k++;
    return k;
}

/* Largest present key <= k, or UINT64_MAX. */
static uint64_t model_le(const model *m, uint64_t k)
{
    for (uint64_t i = k + 1; i-- > 0;)
        if (m->present[i])
            return i;
    return UINT64_MAX;
}

static void check_seeks(const skiplist *l, const model *m, uint64_t k)
{
    char t[8];
    put_be64(t, k);
    skl_iter it;
    skl_iter_init(&it, l);
    skl_iter_seek(&it, t);
    uint64_t ge = model_ge(m, k);
    cr_assert_eq(skl_iter_valid(&it), ge != KEYSPACE);
    if (ge != KEYSPACE)
        cr_assert_eq(get_be64(skl_iter_key(&it)), ge);
    skl_iter_seek_for_prev(&it, t);
    uint64_t le = model_le(m, k);
    cr_assert_eq(skl_iter_valid(&it), le != UINT64_MAX);
    if (le == UINT64_MAX)
        return;
    cr_assert_eq(get_be64(skl_iter_key(&it)), le);
    skl_iter_prev(&it);   /* one step back must land on the model's predecessor */
    uint64_t before = le == 0 ? UINT64_MAX : model_le(m, le - 1);
    cr_assert_eq(skl_iter_valid(&it), before != UINT64_MAX);
    if (before != UINT64_MAX)
        cr_assert_eq(get_be64(skl_iter_key(&it)), before);
}

static void check_full_walks(const skiplist *l, const model *m)
{
    skl_iter it;
    skl_iter_init(&it, l);
    uint64_t k = 0;
    size_t n = 0;
    for (skl_iter_seek_to_first(&it); skl_iter_valid(&it); skl_iter_next(&it), n++, k++) {
        k = model_ge(m, k);
        cr_assert_eq(get_be64(skl_iter_key(&it)), k);
    }
    cr_assert_eq(n, m->count);
    k = KEYSPACE;
    for (skl_iter_seek_to_last(&it); skl_iter_valid(&it); skl_iter_prev(&it), n--) {
        k = model_le(m, k - 1);
        cr_assert_eq(get_be64(skl_iter_key(&it)), k);
    }
    cr_assert_eq(n, 0);
}

static void run_model(uint64_t seed)
{
    static model m;
    memset(&m, 0, sizeof m);
    fixture f;
    setup_list(&f);
    uint64_t s = seed, run = 0;
    for (int op = 0; op < 100000; op++) {
        uint64_t r = xorshift(&s);
        uint64_t k = (r >> 20) % KEYSPACE;
        switch (r % 8) {
        case 0: case 1: case 2:   /* insert a random key */
        case 3:                   /* or continue an ascending run (splice path) */
            if (r % 8 == 3)
                k = run = (run + 1 + r % 3) % KEYSPACE;
            cr_assert_eq(insert_u64(&f.l, k), !m.present[k], "seed %llu op %d",
                         (unsigned long long)seed, op);
            m.count += !m.present[k];
            m.present[k] = 1;
            break;
        case 4: case 5:
            cr_assert_eq(contains_u64(&f.l, k), m.present[k] != 0);
            break;
        default:
            check_seeks(&f.l, &m, k);
        }
        if (op % 20000 == 19999)
            check_full_walks(&f.l, &m);
    }
    check_full_walks(&f.l, &m);
    arena_deinit(&f.a);
}

Test(skiplist, random_operations_match_a_bitmap_model)
{
    uint64_t seeds[] = {1, 0x9e3779b97f4a7c15ULL, 424242};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        run_model(seeds[i]);
}
