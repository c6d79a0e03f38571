/* tests/lsm/db/db_basic_test.c: the database's basic contract: writes and
 * reads, persistence across reopen (WAL replay and SSTs), flush,
 * compaction, iterators in both directions with bounds, snapshots, batches,
 * properties, the LOCK file and option errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/db.h"
#include "shale/merge.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

static char *dir;

static void setup(void) { dir = test_tmpdir("db"); }

static void teardown(void)
{
    test_rmtree(dir);
    free(dir);
}

TestSuite(db_basic, .init = setup, .fini = teardown, .timeout = 120);

Test(db_basic, put_get_delete_and_overwrite)
{
    shale_db *db = tdb_open(dir, NULL);
    tdb_put(db, "a", "1");
    tdb_put(db, "b", "2");
    tdb_expect(db, "a", "1");
    tdb_put(db, "a", "3");
    tdb_expect(db, "a", "3");
    tdb_del(db, "b");
    tdb_expect(db, "b", NULL);
    tdb_expect(db, "zzz", NULL);
    tdb_close(db);
}

Test(db_basic, data_survives_reopen_from_the_wal_and_from_ssts)
{
    shale_db *db = tdb_open(dir, NULL);
    char k[32], v[64];
    for (int i = 0; i < 3000; i++) {   /* a few memtables' worth: some flushed */
        snprintf(k, sizeof k, "key%06d", i);
        snprintf(v, sizeof v, "value-%d-%0*d", i, 40, i);
        tdb_put(db, k, v);
    }
    tdb_del(db, "key000007");
    tdb_close(db);
    db = tdb_open(dir, NULL);
    for (int i = 0; i < 3000; i++) {
        snprintf(k, sizeof k, "key%06d", i);
        snprintf(v, sizeof v, "value-%d-%0*d", i, 40, i);
        tdb_expect(db, k, i == 7 ? NULL : v);
    }
    tdb_close(db);
}

Test(db_basic, flush_and_compaction_keep_every_key)
{
    shale_db *db = tdb_open(dir, NULL);
    char k[32], v[128];
    shale_err err = {0};
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 2000; i++) {
            snprintf(k, sizeof k, "k%05d", (i * 7919) % 2000);
            snprintf(v, sizeof v, "r%d-%d-%080d", round, i, 0);
            tdb_put(db, k, v);
        }
        cr_assert_eq(shale_flush(db, true, &err), SHALE_OK, "%s", err.msg);
    }
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
    uint64_t l0 = 99;
    cr_assert(shale_get_int_property(db, "rocksdb.num-files-at-level0", &l0));
    cr_assert_eq(l0, 0, "compact_range leaves no L0 files");
    for (int i = 0; i < 2000; i++) {
        int j = (int)((long)i * 7919 % 2000);
        snprintf(k, sizeof k, "k%05d", j);
        snprintf(v, sizeof v, "r3-%d-%080d", i, 0);
        tdb_expect(db, k, v);
    }
    tdb_close(db);
}

static void collect(shale_iter *it, bool forward, char *out, size_t cap)
{
    out[0] = '\0';
    for (; shale_iter_valid(it); forward ? shale_iter_next(it) : shale_iter_prev(it)) {
        size_t n;
        const char *k = shale_iter_key(it, &n);
        strncat(out, k, n < cap - strlen(out) - 2 ? n : 0);
        strcat(out, ",");
    }
}

Test(db_basic, iterators_see_a_consistent_view_in_both_directions_with_bounds)
{
    shale_db *db = tdb_open(dir, NULL);
    const char *keys[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 5; i++)
        tdb_put(db, keys[i], "x");
    shale_err err = {0};
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK);
    tdb_del(db, "c");
    tdb_put(db, "f", "y");
    shale_iter *it = shale_iter_new(db, NULL);
    tdb_put(db, "g", "later");   /* not seen by the open iterator */
    char buf[256];
    shale_iter_seek_to_first(it);
    collect(it, true, buf, sizeof buf);
    cr_assert_str_eq(buf, "a,b,d,e,f,");
    shale_iter_seek_to_last(it);
    collect(it, false, buf, sizeof buf);
    cr_assert_str_eq(buf, "f,e,d,b,a,");
    shale_iter_seek(it, "c", 1);
    cr_assert(shale_iter_valid(it));
    size_t n;
    cr_assert_eq(shale_iter_key(it, &n)[0], 'd');
    shale_iter_seek_for_prev(it, "c", 1);
    cr_assert_eq(shale_iter_key(it, &n)[0], 'b');
    cr_assert_eq(shale_iter_status(it, &err), SHALE_OK);
    shale_iter_free(it);
    shale_read_options *ro = shale_read_options_new();
    shale_read_options_set_iterate_lower_bound(ro, "b", 1);
    shale_read_options_set_iterate_upper_bound(ro, "f", 1);
    it = shale_iter_new(db, ro);
    shale_iter_seek_to_first(it);
    collect(it, true, buf, sizeof buf);
    cr_assert_str_eq(buf, "b,d,e,");
    shale_iter_seek_to_last(it);
    collect(it, false, buf, sizeof buf);
    cr_assert_str_eq(buf, "e,d,b,");
    shale_iter_free(it);
    shale_read_options_free(ro);
    tdb_close(db);
}

Test(db_basic, snapshots_pin_old_values_through_flush_and_compaction)
{
    shale_db *db = tdb_open(dir, NULL);
    tdb_put(db, "k", "old");
    const shale_snapshot *s = shale_snapshot_create(db);
    tdb_put(db, "k", "new");
    tdb_del(db, "gone");
    shale_err err = {0};
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK);
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK);
    shale_read_options *ro = shale_read_options_new();
    shale_read_options_set_snapshot(ro, s);
    char *v = NULL;
    size_t n = 0;
    cr_assert_eq(shale_get(db, ro, "k", 1, &v, &n, &err), SHALE_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(memcmp(v, "old", 3), 0);
    shale_free(v);
    tdb_expect(db, "k", "new");
    uint64_t snaps = 0;
    cr_assert(shale_get_int_property(db, "rocksdb.num-snapshots", &snaps));
    cr_assert_eq(snaps, 1);
    shale_read_options_free(ro);
    shale_snapshot_release(db, s);
    tdb_close(db);
}

Test(db_basic, batches_are_atomic_and_range_deletes_hide_keys)
{
    shale_db *db = tdb_open(dir, NULL);
    for (char c = 'a'; c <= 'h'; c++) {
        char k[2] = {c, 0};
        tdb_put(db, k, "v");
    }
    shale_err err = {0};
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK);
    shale_write_batch *b = shale_write_batch_new();
    cr_assert_eq(shale_write_batch_put(b, "x", 1, "1", 1, &err), SHALE_OK);
    cr_assert_eq(shale_write_batch_delete(b, "a", 1, &err), SHALE_OK);
    cr_assert_eq(shale_write_batch_delete_range(b, "c", 1, "f", 1, &err), SHALE_OK);
    cr_assert_eq(shale_write_batch_count(b), 3);
    cr_assert_eq(shale_write(db, NULL, b, &err), SHALE_OK, "%s", err.msg);
    shale_write_batch_free(b);
    tdb_expect(db, "a", NULL);
    tdb_expect(db, "b", "v");
    tdb_expect(db, "c", NULL);
    tdb_expect(db, "e", NULL);
    tdb_expect(db, "f", "v");
    tdb_expect(db, "x", "1");
    tdb_close(db);
    db = tdb_open(dir, NULL);   /* the tombstone survives WAL replay and flush */
    tdb_expect(db, "d", NULL);
    tdb_expect(db, "f", "v");
    shale_iter *it = shale_iter_new(db, NULL);
    char buf[128];
    shale_iter_seek_to_first(it);
    collect(it, true, buf, sizeof buf);
    cr_assert_str_eq(buf, "b,f,g,h,x,");
    shale_iter_free(it);
    tdb_close(db);
}

Test(db_basic, second_open_of_a_locked_database_fails)
{
    shale_db *db = tdb_open(dir, NULL);
    shale_options *o = tdb_options();
    shale_db *db2 = NULL;
    shale_err err = {0};
    int rc = shale_db_open(o, dir, &db2, &err);
    cr_assert_neq(rc, SHALE_OK);
    cr_assert_null(db2);
    cr_assert_not_null(strstr(err.msg, "LOCK"), "%s", err.msg);
    shale_options_free(o);
    tdb_close(db);
}

Test(db_basic, missing_database_without_create_if_missing_is_invalid_argument)
{
    shale_options *o = shale_options_new();
    char path[512];
    snprintf(path, sizeof path, "%s/none", dir);
    shale_db *db = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_db_open(o, path, &db, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_not_null(strstr(err.msg, "does not exist"), "%s", err.msg);
    shale_options_set_create_if_missing(o, true);
    cr_assert_eq(shale_db_open(o, path, &db, &err), SHALE_OK, "%s", err.msg);
    tdb_close(db);
    shale_options_set_error_if_exists(o, true);
    cr_assert_eq(shale_db_open(o, path, &db, &err), SHALE_INVALID_ARGUMENT);
    shale_options_free(o);
}

Test(db_basic, properties_answer_with_rocksdb_names)
{
    shale_db *db = tdb_open(dir, NULL);
    for (int i = 0; i < 100; i++) {
        char k[16];
        snprintf(k, sizeof k, "p%03d", i);
        tdb_put(db, k, "v");
    }
    uint64_t v = 0;
    cr_assert(shale_get_int_property(db, "rocksdb.estimate-num-keys", &v));
    cr_assert_eq(v, 100);
    cr_assert(shale_get_int_property(db, "rocksdb.cur-size-active-mem-table", &v));
    cr_assert_gt(v, 0);
    cr_assert_not(shale_get_int_property(db, "rocksdb.no-such-property", &v));
    char *s = shale_get_property(db, "rocksdb.stats");
    cr_assert_not_null(s);
    cr_assert_not_null(strstr(s, "** Compaction Stats [default] **"));
    shale_free(s);
    s = shale_get_property(db, "rocksdb.levelstats");
    cr_assert_not_null(strstr(s, "Level Files Size(MB)"));
    shale_free(s);
    tdb_close(db);
}

static uint64_t get_micros_count(const shale_statistics *s)
{
    shale_histogram_data d;
    cr_assert_eq(shale_statistics_histogram(s, "rocksdb.db.get.micros", &d, NULL), SHALE_OK);
    return d.count;
}

Test(db_basic, statistics_level_except_timers_keeps_tickers_and_drops_get_timings)
{
    shale_statistics *s = shale_statistics_new();
    shale_options *o = tdb_options();
    shale_options_set_statistics(o, s);
    shale_db *db = tdb_open(dir, o);
    tdb_put(db, "k", "v");
    shale_statistics_set_level(s, SHALE_STATS_EXCEPT_TIMERS);
    for (int i = 0; i < 10; i++)
        tdb_expect(db, "k", "v");
    cr_assert_eq(shale_statistics_ticker(s, "rocksdb.number.keys.read"), 10);
    cr_assert_eq(get_micros_count(s), 0, "no timings at kExceptTimers");
    shale_statistics_set_level(s, SHALE_STATS_EXCEPT_DETAILED_TIMERS);
    for (int i = 0; i < 5; i++)
        tdb_expect(db, "k", "v");
    cr_assert_eq(shale_statistics_ticker(s, "rocksdb.number.keys.read"), 15);
    cr_assert_eq(get_micros_count(s), 5, "timed again at the default level");
    tdb_close(db);
    shale_options_free(o);
    shale_statistics_release(s);
}

static void expect_pinned(shale_db *db, shale_pinnable *p, const char *k, const char *want,
                          bool pinned)
{
    shale_err err = {0};
    cr_assert_eq(shale_get_pinned(db, NULL, k, strlen(k), p, &err), SHALE_OK, "%s: %s", k,
                 err.msg);
    size_t n;
    const char *v = shale_pinnable_value(p, &n);
    cr_assert(n == strlen(want) && memcmp(v, want, n) == 0, "%s: %.*s", k, (int)n, v);
    cr_assert_eq(shale_pinnable_is_pinned(p), pinned, "%s", k);
}

Test(db_basic, pinned_gets_lend_memtable_values_that_outlive_a_flush)
{
    shale_options *o = tdb_options();
    shale_options_set_merge_operator(o, shale_merge_operator_create_stringappend(','));
    shale_db *db = tdb_open(dir, o);
    shale_err err = {0};
    tdb_put(db, "k", "v1");
    cr_assert_eq(shale_merge(db, NULL, "m", 1, "a", 1, &err), SHALE_OK);
    cr_assert_eq(shale_merge(db, NULL, "m", 1, "b", 1, &err), SHALE_OK);
    shale_pinnable *p = shale_pinnable_new(), *q = shale_pinnable_new();
    cr_assert(p != NULL && q != NULL);
    expect_pinned(db, p, "k", "v1", true);        /* lent from the memtable */
    expect_pinned(db, q, "m", "a,b", false);      /* a merge result: copied */
    tdb_put(db, "k", "v2");
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK, "%s", err.msg);
    size_t n;
    const char *v = shale_pinnable_value(p, &n);   /* the flushed memtable is still pinned */
    cr_assert(n == 2 && memcmp(v, "v1", 2) == 0);
    expect_pinned(db, p, "k", "v2", false);       /* from the SST: copied; old pin released */
    tdb_put(db, "k", "v3");
    expect_pinned(db, p, "k", "v3", true);
    cr_assert_eq(shale_get_pinned(db, NULL, "absent", 6, p, &err), SHALE_NOT_FOUND);
    v = shale_pinnable_value(p, &n);
    cr_assert(n == 0 && !shale_pinnable_is_pinned(p));
    expect_pinned(db, p, "k", "v3", true);
    shale_pinnable_reset(p);
    cr_assert_not(shale_pinnable_is_pinned(p));
    shale_pinnable_free(p);
    shale_pinnable_free(q);
    shale_pinnable_free(NULL);
    tdb_close(db);
    shale_options_free(o);
}
