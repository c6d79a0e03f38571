/* tests/lsm/db/db_filter_test.c: compaction filters run inside the
 * database's compactions: a shared TTL filter drops expired values with no
 * read-modify-write, a factory makes one filter per compaction and is told
 * whether it is manual and full, and flushes never filter (RocksDB). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/db.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

static char *tmp;
static char dir[1024];

static void setup(void)
{
    tmp = test_tmpdir("cfilter");
    snprintf(dir, sizeof dir, "%s/db", tmp);
}

static void teardown(void)
{
    test_rmtree(tmp);
    free(tmp);
}

TestSuite(db_filter, .init = setup, .fini = teardown, .timeout = 120);

static int64_t fake_now = 0;
static int64_t clock_fn(void *state)
{
    (void)state;
    return fake_now;
}

/* Flink's TTL layout: 8-byte big-endian milliseconds, then the value. */
static void put_ttl(shale_db *db, const char *k, int64_t ts, const char *v)
{
    char buf[128];
    for (int i = 0; i < 8; i++)
        buf[i] = (char)((uint64_t)ts >> (56 - 8 * i));
    size_t n = strlen(v);
    memcpy(buf + 8, v, n);
    shale_err err = {0};
    cr_assert_eq(shale_put(db, NULL, k, strlen(k), buf, 8 + n, &err), SHALE_OK, "%s", err.msg);
}

static int count_keys(shale_db *db)
{
    int n = 0;
    shale_iter *it = shale_iter_new(db, NULL);
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it))
        n++;
    shale_iter_free(it);
    return n;
}

Test(db_filter, ttl_filter_drops_expired_values_in_compaction_only)
{
    shale_compaction_filter *ttl = shale_compaction_filter_create_ttl(1000, clock_fn, NULL, 0);
    shale_options *o = tdb_options();
    shale_options_set_compaction_filter(o, ttl);
    shale_db *db = tdb_open(dir, o);
    char k[32];
    for (int i = 0; i < 200; i++) {
        snprintf(k, sizeof k, "k%04d", i);
        put_ttl(db, k, i < 150 ? 0 : 5000, "payload");
    }
    fake_now = 2000;   /* keys 0..149 expired (0 + 1000 <= 2000), 150.. live */
    shale_err err = {0};
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK);
    cr_assert_eq(count_keys(db), 200, "a flush does not filter");
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(count_keys(db), 50);
    tdb_expect(db, "k0149", NULL);
    char *v = tdb_get(db, "k0150");
    cr_assert_not_null(v);
    free(v);
    tdb_close(db);
    shale_options_free(o);
    shale_compaction_filter_destroy(ttl);
}

static int factory_calls, manual_seen, full_seen, destroyed;

static int drop_odd(void *state, int level, const char *key, size_t klen, int kind,
                    const char *value, size_t vlen, char **nv, size_t *nvl)
{
    (void)state, (void)level, (void)kind, (void)value, (void)vlen, (void)nv, (void)nvl;
    return (key[klen - 1] - '0') % 2 == 1 ? SHALE_FILTER_REMOVE : SHALE_FILTER_KEEP;
}

static const char *fname(void *s)
{
    (void)s;
    return "drop_odd";
}

static void filter_gone(void *s)
{
    (void)s;
    destroyed++;
}

static shale_compaction_filter *make_filter(void *state,
                                            const shale_compaction_filter_context *ctx)
{
    (void)state;
    factory_calls++;
    manual_seen += ctx->is_manual_compaction;
    full_seen += ctx->is_full_compaction;
    return shale_compaction_filter_create(NULL, filter_gone, drop_odd, fname);
}

Test(db_filter, a_factory_makes_one_filter_per_compaction_of_its_family)
{
    shale_db *db = tdb_open(dir, NULL);
    shale_options *o = tdb_options();
    shale_options_set_compaction_filter_factory(
        o, shale_compaction_filter_factory_create(NULL, NULL, make_filter, fname));
    shale_cf *cf = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_create_cf(db, o, "filtered", &cf, &err), SHALE_OK, "%s", err.msg);
    char k[32];
    for (int i = 0; i < 100; i++) {
        snprintf(k, sizeof k, "key%d", i);
        cr_assert_eq(shale_put_cf(db, NULL, cf, k, strlen(k), "v", 1, &err), SHALE_OK);
        tdb_put(db, k, "v");
    }
    cr_assert_eq(shale_compact_range_cf(db, cf, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(factory_calls, 1, "one compaction of the filtered family");
    cr_assert_eq(manual_seen, 1);
    cr_assert_eq(full_seen, 1);
    cr_assert_eq(destroyed, 1, "the per-compaction filter is destroyed after it");
    int n = 0;
    shale_iter *it = shale_iter_new_cf(db, NULL, cf);
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it))
        n++;
    shale_iter_free(it);
    cr_assert_eq(n, 50);
    cr_assert_eq(count_keys(db), 100, "the default family has no filter");
    shale_cf_handle_free(cf);
    tdb_close(db);
    shale_options_free(o);
}
