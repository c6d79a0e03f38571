/* tests/lsm/db/db_cf_test.c: column families.  Each family is its own
 * keyspace with its own memtables, levels and options; a batch spans them
 * atomically; one WAL serves all and recovery restores every family's
 * unflushed writes even after other families flushed and old WALs were
 * deleted; the MANIFEST and OPTIONS files carry them as RocksDB writes them,
 * so RocksDB's ldb lists and scans shale's families, and shale opens the
 * families RocksDB created. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shale/db.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

static char *tmp;
static char dir[1024];

static void setup(void)
{
    tmp = test_tmpdir("cf");
    snprintf(dir, sizeof dir, "%s/db", tmp);
}

static void teardown(void)
{
    test_rmtree(tmp);
    free(tmp);
}

TestSuite(db_cf, .init = setup, .fini = teardown, .timeout = 300);

static bool test_file_exists(const char *path) { return access(path, F_OK) == 0; }

static void put_cf(shale_db *db, shale_cf *cf, const char *k, const char *v)
{
    shale_err err = {0};
    cr_assert_eq(shale_put_cf(db, NULL, cf, k, strlen(k), v, strlen(v), &err), SHALE_OK,
                 "put %s: %s", k, err.msg);
}

/* The value of k in cf as a string, or NULL when absent. */
static char *get_cf(shale_db *db, shale_cf *cf, const char *k)
{
    char *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    int rc = shale_get_cf(db, NULL, cf, k, strlen(k), &v, &n, &err);
    cr_assert(rc == SHALE_OK || rc == SHALE_NOT_FOUND, "get %s: %s", k, err.msg);
    if (rc == SHALE_NOT_FOUND)
        return NULL;
    char *s = malloc(n + 1);
    memcpy(s, v, n);
    s[n] = '\0';
    shale_free(v);
    return s;
}

static void expect_cf(shale_db *db, shale_cf *cf, const char *k, const char *want)
{
    char *got = get_cf(db, cf, k);
    if (want == NULL)
        cr_assert_null(got, "%s: expected absent, got '%s'", k, got);
    else {
        cr_assert_not_null(got, "%s: expected '%s', got nothing", k, want);
        cr_assert_str_eq(got, want, "%s", k);
    }
    free(got);
}

/* Opens dir with the families names[0..n) ("default" first). */
static shale_db *open_cfs(const char *const *names, size_t n, shale_cf **h, bool create)
{
    shale_options *o = tdb_options();
    shale_options_set_create_missing_column_families(o, create);
    shale_db *db = NULL;
    shale_err err = {0};
    int rc = shale_db_open_cf(o, dir, n, names, NULL, h, &db, &err);
    cr_assert_eq(rc, SHALE_OK, "open_cf: %s: %s", shale_code_name(rc), err.msg);
    shale_options_free(o);
    return db;
}

static void close_cfs(shale_db *db, shale_cf **h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        shale_cf_handle_free(h[i]);
    tdb_close(db);
}

Test(db_cf, families_are_separate_keyspaces_and_survive_reopen)
{
    shale_db *db = tdb_open(dir, NULL);
    shale_options *o = tdb_options();
    shale_cf *a = NULL, *b = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_create_cf(db, o, "a", &a, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(shale_create_cf(db, o, "b", &b, &err), SHALE_OK, "%s", err.msg);
    shale_cf *again = NULL;
    cr_assert_eq(shale_create_cf(db, o, "a", &again, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_null(again);
    cr_assert_str_eq(shale_cf_name(a), "a");
    cr_assert_eq(shale_cf_id(b), 2);
    tdb_put(db, "k", "default");
    put_cf(db, a, "k", "in-a");
    put_cf(db, b, "other", "in-b");
    expect_cf(db, a, "k", "in-a");
    expect_cf(db, b, "k", NULL);
    tdb_expect(db, "k", "default");
    shale_cf_handle_free(a);
    shale_cf_handle_free(b);
    tdb_close(db);

    /* every family must be named at open, as RocksDB requires */
    shale_options_set_create_if_missing(o, false);
    cr_assert_eq(shale_db_open(o, dir, &db, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_str_eq(err.msg, "Column families not opened: a, b");
    char **names = NULL;
    size_t n = 0;
    cr_assert_eq(shale_db_list_cf(o, dir, &names, &n, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(names[0], "default");
    cr_assert_str_eq(names[1], "a");
    cr_assert_str_eq(names[2], "b");
    shale_cf_names_free(names, n);

    const char *want[] = {"default", "a", "b", "c"};
    shale_cf *h[4];
    shale_db *db2 = NULL;
    cr_assert_eq(shale_db_open_cf(o, dir, 4, want, NULL, h, &db2, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_str_eq(err.msg, "Column family not found: c");
    db = open_cfs(want, 4, h, true);
    cr_assert_eq(h[0], shale_db_default_cf(db));
    expect_cf(db, h[1], "k", "in-a");
    expect_cf(db, h[2], "other", "in-b");
    expect_cf(db, h[3], "k", NULL);
    tdb_expect(db, "k", "default");
    close_cfs(db, h, 4);
    shale_options_free(o);
}

Test(db_cf, a_batch_spans_families_and_each_has_its_own_iterator_and_properties)
{
    const char *names[] = {"default", "x", "y"};
    shale_cf *h[3];
    shale_db *db = open_cfs(names, 3, h, true);
    shale_write_batch *b = shale_write_batch_new();
    shale_err err = {0};
    char k[32];
    for (int i = 0; i < 100; i++) {
        snprintf(k, sizeof k, "key%03d", i);
        cr_assert_eq(shale_write_batch_put_cf(b, h[1], k, strlen(k), "x", 1, &err), SHALE_OK);
        if (i % 2 == 0)
            cr_assert_eq(shale_write_batch_put_cf(b, h[2], k, strlen(k), "y", 1, &err), SHALE_OK);
    }
    cr_assert_eq(shale_write_batch_delete_range_cf(b, h[1], "key050", 6, "key060", 6, &err),
                 SHALE_OK);
    cr_assert_eq(shale_write(db, NULL, b, &err), SHALE_OK, "%s", err.msg);
    shale_write_batch_free(b);
    cr_assert_eq(shale_flush_cf(db, h[2], true, &err), SHALE_OK, "%s", err.msg);
    uint64_t files = 0;
    cr_assert(shale_get_int_property_cf(db, h[2], "rocksdb.num-files-at-level0", &files));
    cr_assert_eq(files, 1);
    cr_assert(shale_get_int_property_cf(db, h[1], "rocksdb.num-files-at-level0", &files));
    cr_assert_eq(files, 0, "flushing y leaves x in its memtable");
    uint64_t keys = 0;
    cr_assert(shale_get_int_property_cf(db, h[1], "rocksdb.num-entries-active-mem-table", &keys));
    cr_assert_eq(keys, 101);
    char *stats = shale_get_property_cf(db, h[2], "rocksdb.stats");
    cr_assert_not_null(strstr(stats, "Compaction Stats [y]"), "%s", stats);
    cr_assert_not_null(strstr(stats, "\n  Sum "), "%s", stats);   /* rows RocksDB's scripts parse */
    cr_assert_not_null(strstr(stats, "\n  Int "), "%s", stats);
    shale_free(stats);
    int counts[3] = {0, 0, 0};
    for (int c = 0; c < 3; c++) {
        shale_iter *it = shale_iter_new_cf(db, NULL, h[c]);
        for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it))
            counts[c]++;
        cr_assert_eq(shale_iter_status(it, &err), SHALE_OK);
        shale_iter_free(it);
    }
    cr_assert_eq(counts[0], 0);
    cr_assert_eq(counts[1], 90);
    cr_assert_eq(counts[2], 50);
    shale_live_file *lf = NULL;
    size_t n = 0;
    cr_assert_eq(shale_live_files(db, &lf, &n, &err), SHALE_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(lf[0].column_family_name, "y");
    shale_live_files_free(lf, n);
    /* multi_get across families at one snapshot */
    const char *mk[] = {"key002", "key002", "key055"};
    size_t ml[] = {6, 6, 6};
    shale_cf *mc[] = {h[1], h[2], h[1]};
    char *vals[3];
    size_t vl[3];
    int codes[3];
    cr_assert_eq(shale_multi_get_cf(db, NULL, mc, 3, mk, ml, vals, vl, codes, &err), SHALE_OK);
    cr_assert_eq(codes[0], SHALE_OK);
    cr_assert_eq(codes[1], SHALE_OK);
    cr_assert_eq(codes[2], SHALE_NOT_FOUND);
    cr_assert_eq(vals[0][0], 'x');
    cr_assert_eq(vals[1][0], 'y');
    shale_free(vals[0]);
    shale_free(vals[1]);
    close_cfs(db, h, 3);
}

Test(db_cf, dropped_family_disappears_and_its_files_go)
{
    const char *names[] = {"default", "gone"};
    shale_cf *h[2];
    shale_db *db = open_cfs(names, 2, h, true);
    char k[32];
    for (int i = 0; i < 2000; i++) {
        snprintf(k, sizeof k, "key%05d", i);
        put_cf(db, h[1], k, "some value that fills files quickly............");
    }
    shale_err err = {0};
    cr_assert_eq(shale_flush_cf(db, h[1], true, &err), SHALE_OK);
    shale_live_file *lf = NULL;
    size_t n = 0;
    cr_assert_eq(shale_live_files_cf(db, h[1], &lf, &n, &err), SHALE_OK);
    cr_assert_gt(n, 0);
    char path[1200];
    snprintf(path, sizeof path, "%s%s", dir, lf[0].name);
    shale_live_files_free(lf, n);
    cr_assert_eq(test_file_exists(path), true, "%s", path);
    cr_assert_eq(shale_drop_cf(db, shale_db_default_cf(db), &err), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_drop_cf(db, h[1], &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(shale_put_cf(db, NULL, h[1], "k", 1, "v", 1, &err), SHALE_INVALID_ARGUMENT,
                 "writes to a dropped family fail");
    expect_cf(db, h[1], "key00001", "some value that fills files quickly............");
    shale_cf_handle_free(h[1]);   /* the last reference: files become obsolete */
    cr_assert_eq(test_file_exists(path), false, "%s outlived its dropped family", path);
    tdb_put(db, "x", "y");
    tdb_close(db);
    char **list = NULL;
    cr_assert_eq(shale_db_list_cf(NULL, dir, &list, &n, &err), SHALE_OK);
    cr_assert_eq(n, 1);
    shale_cf_names_free(list, n);
    db = tdb_open(dir, NULL);
    tdb_expect(db, "x", "y");
    tdb_close(db);
}

/* A family written rarely keeps its data in an old WAL while another fills
 * and flushes many memtables: that WAL must outlive the others' flushes, and
 * recovery must restore exactly the unflushed writes of each family. */
Test(db_cf, recovery_restores_each_familys_unflushed_writes)
{
    const char *names[] = {"default", "busy", "quiet"};
    shale_cf *h[3];
    shale_db *db = open_cfs(names, 3, h, true);
    put_cf(db, h[2], "early", "quiet-before");
    char k[32], v[200];
    memset(v, 'v', sizeof v - 1);
    v[sizeof v - 1] = '\0';
    for (int i = 0; i < 3000; i++) {   /* about 10 memtable switches of "busy" */
        snprintf(k, sizeof k, "busy%05d", i);
        put_cf(db, h[1], k, v);
    }
    put_cf(db, h[2], "late", "quiet-after");
    shale_err err = {0};
    cr_assert_eq(shale_wait_for_compact(db, &err), SHALE_OK, "%s", err.msg);
    for (size_t i = 0; i < 3; i++)
        shale_cf_handle_free(h[i]);
    shale_db_close(db, NULL);   /* memtables of quiet and busy not flushed: WAL only */
    db = open_cfs(names, 3, h, false);
    expect_cf(db, h[2], "early", "quiet-before");
    expect_cf(db, h[2], "late", "quiet-after");
    for (int i = 0; i < 3000; i += 111) {
        snprintf(k, sizeof k, "busy%05d", i);
        expect_cf(db, h[1], k, v);
    }
    expect_cf(db, h[1], "early", NULL);
    close_cfs(db, h, 3);
}

/* A merge operator per family. */
Test(db_cf, each_family_has_its_own_merge_operator)
{
    shale_db *db = tdb_open(dir, NULL);
    shale_options *o = tdb_options();
    shale_options_set_merge_operator(o, shale_merge_operator_create_stringappend_test());
    shale_cf *list = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_create_cf(db, o, "list", &list, &err), SHALE_OK);
    cr_assert_eq(shale_merge(db, NULL, "k", 1, "a", 1, &err), SHALE_NOT_SUPPORTED);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(shale_merge_cf(db, NULL, list, "k", 1, &"abc"[i], 1, &err), SHALE_OK);
    expect_cf(db, list, "k", "a,b,c");
    shale_cf_handle_free(list);
    tdb_close(db);
    shale_options_free(o);
}

/* ---- interop with RocksDB 7.8.3 -------------------------------------------- */

static char *run_ok(const char *cmd)
{
    int st = 0;
    char *out = test_run(cmd, &st);
    cr_assert_eq(st, 0, "%s: %s", cmd, out);
    return out;
}

Test(db_cf, rocksdb_lists_and_scans_the_families_shale_wrote)
{
    const char *names[] = {"default", "users", "events"};
    shale_cf *h[3];
    shale_db *db = open_cfs(names, 3, h, true);
    tdb_put(db, "d1", "dv");
    put_cf(db, h[1], "alice", "1");
    put_cf(db, h[1], "bob", "2");
    put_cf(db, h[2], "e1", "flushed");
    shale_err err = {0};
    cr_assert_eq(shale_flush_cf(db, h[2], true, &err), SHALE_OK);
    put_cf(db, h[2], "e2", "in-wal");
    close_cfs(db, h, 3);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "ldb --db='%s' list_column_families 2>&1", dir);
    char *out = run_ok(cmd);
    cr_assert_not_null(strstr(out, "{default, users, events}"), "%s", out);
    free(out);
    char copy[600];
    snprintf(copy, sizeof copy, "%s/copy", tmp);
    tdb_copy_dir(dir, copy);
    snprintf(cmd, sizeof cmd, "ldb --db='%s' --column_family=events scan 2>&1", copy);
    out = run_ok(cmd);
    cr_assert_str_eq(out, "e1 : flushed\ne2 : in-wal\n");
    free(out);
    snprintf(cmd, sizeof cmd, "ldb --db='%s' --column_family=users scan 2>&1", copy);
    out = run_ok(cmd);
    cr_assert_str_eq(out, "alice : 1\nbob : 2\n");
    free(out);
    snprintf(cmd, sizeof cmd, "ldb --db='%s' checkconsistency 2>&1", copy);
    out = run_ok(cmd);
    cr_assert_not_null(strstr(out, "OK"), "%s", out);
    free(out);
    /* RocksDB writes into a family; shale reads it back */
    snprintf(cmd, sizeof cmd, "ldb --db='%s' --column_family=users put carol 3 2>&1", copy);
    free(run_ok(cmd));
    memcpy(dir, copy, strlen(copy) + 1);
    db = open_cfs(names, 3, h, false);
    expect_cf(db, h[1], "carol", "3");
    expect_cf(db, h[2], "e2", "in-wal");
    close_cfs(db, h, 3);
}

Test(db_cf, shale_opens_the_families_rocksdb_created)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "ldb --db='%s' --create_if_missing put base 0 >/dev/null 2>&1 && "
             "ldb --db='%s' create_column_family cf1 >/dev/null 2>&1 && "
             "ldb --db='%s' create_column_family cf2 >/dev/null 2>&1 && "
             "ldb --db='%s' --column_family=cf1 put a 1 >/dev/null 2>&1 && "
             "ldb --db='%s' --column_family=cf1 put b 2 >/dev/null 2>&1 && "
             "ldb --db='%s' --column_family=cf1 put c 3 >/dev/null 2>&1 && "
             "ldb --db='%s' --column_family=cf1 deleterange b c >/dev/null 2>&1 && "
             "ldb --db='%s' --column_family=cf2 put z 26 >/dev/null 2>&1 && "
             "ldb --db='%s' drop_column_family cf2 >/dev/null 2>&1 && "
             "ldb --db='%s' create_column_family cf3 >/dev/null 2>&1 && "
             "ldb --db='%s' --column_family=cf3 put q 17 >/dev/null 2>&1",
             dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    char **names = NULL;
    size_t n = 0;
    shale_err err = {0};
    cr_assert_eq(shale_db_list_cf(NULL, dir, &names, &n, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(names[1], "cf1");
    cr_assert_str_eq(names[2], "cf3");
    shale_cf_names_free(names, n);
    const char *want[] = {"default", "cf1", "cf3"};
    shale_cf *h[3];
    shale_db *db = open_cfs(want, 3, h, false);
    cr_assert_eq(shale_cf_id(h[2]), 3, "ids continue after the dropped cf2");
    tdb_expect(db, "base", "0");
    expect_cf(db, h[1], "a", "1");
    expect_cf(db, h[1], "b", NULL);
    expect_cf(db, h[1], "c", "3");
    expect_cf(db, h[2], "q", "17");
    put_cf(db, h[2], "r", "18");
    close_cfs(db, h, 3);
    snprintf(cmd, sizeof cmd, "ldb --db='%s' --column_family=cf3 scan 2>&1", dir);
    char *out = run_ok(cmd);
    cr_assert_str_eq(out, "q : 17\nr : 18\n");
    free(out);
}
