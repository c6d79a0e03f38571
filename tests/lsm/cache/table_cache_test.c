/* tests/lsm/cache/table_cache_test.c: the table cache over copies of the
 * RocksDB fixtures named as table files (000001.sst ...).  Each copy's
 * expected size is the fixture's size on disk and its expected first key
 * comes from the fixture's sidecar. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/cache/table_cache.h"
#include "tests/lsm/table/sst_fixture.h"

#define NFILES 20

static const char *const sources[] = {"sst_plain_crc32c.sst", "sst_lz4_xxh3.sst",
                                      "sst_tiny_blocks.sst", "sst_hash_index.sst"};
#define NSOURCES (sizeof sources / sizeof sources[0])

typedef struct tc_fixture {
    char *dir;
    size_t size[NFILES + 1];
    fx_list want[NSOURCES];
} tc_fixture;

static tc_fixture g;

static void copy_file(const char *from, const char *to, size_t *size)
{
    size_t len;
    char *data = test_read_file(from, &len);
    cr_assert_not_null(data, "read %s", from);
    cr_assert(test_write_file(to, data, len));
    *size = len;
    free(data);
}

static void table_path(uint64_t n, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%06llu.sst", g.dir, (unsigned long long)n);
}

static void setup(void)
{
    g.dir = test_tmpdir("table_cache");
    for (size_t s = 0; s < NSOURCES; s++)
        fx_load(sources[s], &g.want[s]);
    for (uint64_t n = 1; n <= NFILES; n++) {
        char *src = fixture_path(sources[n % NSOURCES]), dst[1024];
        table_path(n, dst, sizeof dst);
        copy_file(src, dst, &g.size[n]);
        free(src);
    }
}

static void teardown(void)
{
    test_rmtree(g.dir);
    free(g.dir);
    for (size_t s = 0; s < NSOURCES; s++)
        fx_free(&g.want[s]);
}

TestSuite(table_cache, .init = setup, .fini = teardown);

/* The reader is file n's: right size and its first entry. */
static void assert_is_file(sst_reader *r, uint64_t n)
{
    cr_assert_eq(sst_reader_file_size(r), g.size[n]);
    const fx_entry *e = &g.want[n % NSOURCES].e[0];
    sst_iter *it = NULL;
    cr_assert_eq(sst_iter_new(r, SST_ITER_DATA, NULL, &it, NULL), SHALE_OK);
    sst_iter_first(it);
    cr_assert(sst_iter_valid(it));
    cr_assert(slice_equal(sst_iter_value(it), slice_make(e->val, e->val_len)), "file %llu",
              (unsigned long long)n);
    sst_iter_free(it);
}

static table_cache *new_tc(int capacity)
{
    table_cache *tc = NULL;
    shale_err err = {0};
    cr_assert_eq(tc_new(shale_env_default(), g.dir, NULL, capacity, &tc, &err), SHALE_OK, "%s",
                 err.msg);
    return tc;
}

Test(table_cache, limit_of_three_serves_twenty_files_in_any_order)
{
    table_cache *tc = new_tc(3);
    sst_reader *held[5] = {0};
    srand(5);
    for (int i = 0; i < 300; i++) {
        uint64_t n = 1 + (uint64_t)(rand() % NFILES);
        sst_reader *r = NULL;
        shale_err err = {0};
        cr_assert_eq(tc_get(tc, n, g.size[n], &r, &err), SHALE_OK, "%s", err.msg);
        assert_is_file(r, n);
        cr_assert_leq(tc_open_count(tc), 3);
        if (i < 5)
            held[i] = r;   /* kept past their eviction */
        else
            sst_reader_unref(r);
    }
    tc_free(tc);
    for (int i = 0; i < 5; i++) {
        cr_assert_not_null(held[i]);
        sst_iter *it = NULL;
        cr_assert_eq(sst_iter_new(held[i], SST_ITER_DATA, NULL, &it, NULL), SHALE_OK);
        sst_iter_first(it);
        cr_assert(sst_iter_valid(it), "a held reader outlives the cache");
        sst_iter_free(it);
        sst_reader_unref(held[i]);
    }
}

Test(table_cache, a_hit_returns_the_same_open_reader)
{
    table_cache *tc = new_tc(TC_UNLIMITED);
    sst_reader *a = NULL, *b = NULL;
    cr_assert_eq(tc_get(tc, 4, g.size[4], &a, NULL), SHALE_OK);
    cr_assert_eq(tc_get(tc, 4, g.size[4], &b, NULL), SHALE_OK);
    cr_assert_eq(a, b);
    for (uint64_t n = 1; n <= NFILES; n++) {
        sst_reader *r = NULL;
        cr_assert_eq(tc_get(tc, n, g.size[n], &r, NULL), SHALE_OK);
        sst_reader_unref(r);
    }
    cr_assert_eq(tc_open_count(tc), NFILES, "unlimited: every reader stays open");
    sst_reader_unref(a);
    sst_reader_unref(b);
    tc_free(tc);
}

Test(table_cache, size_mismatch_is_corruption_with_rocksdb_message)
{
    table_cache *tc = new_tc(10);
    sst_reader *r = (sst_reader *)1;
    shale_err err = {0};
    cr_assert_eq(tc_get(tc, 7, g.size[7] + 3, &r, &err), SHALE_CORRUPTION);
    cr_assert_null(r);
    char path[1024], want[1400];
    table_path(7, path, sizeof path);
    snprintf(want, sizeof want,
             "Sst file size mismatch: %s. Size recorded in manifest %zu, actual size %zu", path,
             g.size[7] + 3, g.size[7]);
    cr_assert_str_eq(err.msg, want);
    cr_assert_eq(tc_open_count(tc), 0, "a bad table is not cached");
    cr_assert_eq(tc_get(tc, 7, g.size[7], &r, &err), SHALE_OK);
    sst_reader_unref(r);
    /* a version names every file it asks for: a missing one is damage */
    cr_assert_eq(tc_get(tc, 99, 1000, &r, &err), SHALE_CORRUPTION);
    cr_assert_null(r);
    cr_assert_not_null(strstr(err.msg, "000099.sst"), "%s", err.msg);
    tc_free(tc);
}

Test(table_cache, evicted_file_is_reopened_from_disk)
{
    table_cache *tc = new_tc(10);
    sst_reader *r = NULL;
    cr_assert_eq(tc_get(tc, 1, g.size[1], &r, NULL), SHALE_OK);
    sst_reader_unref(r);
    /* Replace 000001.sst by file 2's contents (another fixture). */
    char *src = fixture_path(sources[2 % NSOURCES]), dst[1024];
    size_t size;
    table_path(1, dst, sizeof dst);
    copy_file(src, dst, &size);
    free(src);
    /* A hit serves the open reader (as RocksDB: sizes are checked on open). */
    cr_assert_eq(tc_get(tc, 1, size, &r, NULL), SHALE_OK);
    cr_assert_eq(sst_reader_file_size(r), g.size[1], "still the old reader");
    sst_reader_unref(r);
    tc_evict(tc, 1);
    cr_assert_eq(tc_open_count(tc), 0);
    cr_assert_eq(tc_get(tc, 1, size, &r, NULL), SHALE_OK);
    g.size[1] = size;
    const fx_entry *e = &g.want[2 % NSOURCES].e[0];
    sst_iter *it = NULL;
    cr_assert_eq(sst_iter_new(r, SST_ITER_DATA, NULL, &it, NULL), SHALE_OK);
    sst_iter_first(it);
    cr_assert(slice_equal(sst_iter_value(it), slice_make(e->val, e->val_len)));
    sst_iter_free(it);
    sst_reader_unref(r);
    tc_free(tc);
}

Test(table_cache, capacity_follows_rocksdb_max_open_files)
{
    cr_assert_eq(tc_capacity_for_max_open_files(-1), TC_UNLIMITED);
    cr_assert_eq(tc_capacity_for_max_open_files(5000), 4990);
    cr_assert_eq(tc_capacity_for_max_open_files(10), 10);   /* raised to 20 first */
    table_cache *tc = NULL;
    cr_assert_eq(tc_new(shale_env_default(), g.dir, NULL, 0, &tc, NULL), SHALE_INVALID_ARGUMENT);
    cr_assert_null(tc);
    tc_free(NULL);
}

static table_cache *g_tc;

static void *getter(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    for (int i = 0; i < 200; i++) {
        uint64_t n = 1 + rand_r(&seed) % NFILES;
        sst_reader *r = NULL;
        if (tc_get(g_tc, n, g.size[n], &r, NULL) != SHALE_OK ||
            sst_reader_file_size(r) != g.size[n])
            return (void *)1;
        sst_reader_unref(r);
        if (i % 50 == 0)
            tc_evict(g_tc, n);
    }
    return NULL;
}

Test(table_cache, two_threads_share_a_small_table_cache)
{
    g_tc = new_tc(3);
    pthread_t t[2];
    void *res[2];
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, getter, (void *)(uintptr_t)(i + 1)), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], &res[i]);
    cr_assert(res[0] == NULL && res[1] == NULL);
    cr_assert_leq(tc_open_count(g_tc), 3);
    tc_free(g_tc);
}
