/* tests/lsm/db/db_style_test.c: universal and FIFO compaction in a running
 * database.  Universal keeps the number of sorted runs near its trigger and
 * loses nothing; FIFO keeps the total size under max_table_files_size by
 * deleting the oldest files, so the newest writes stay readable. */
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
    tmp = test_tmpdir("style");
    snprintf(dir, sizeof dir, "%s/db", tmp);
}

static void teardown(void)
{
    test_rmtree(tmp);
    free(tmp);
}

TestSuite(db_style, .init = setup, .fini = teardown, .timeout = 300);

static uint64_t int_prop(shale_db *db, const char *name)
{
    uint64_t v = 0;
    cr_assert(shale_get_int_property(db, name, &v), "%s", name);
    return v;
}

/* Sorted runs: each L0 file, and each non-empty level below. */
static uint64_t sorted_runs(shale_db *db)
{
    uint64_t runs = int_prop(db, "rocksdb.num-files-at-level0");
    for (int l = 1; l < 7; l++) {
        char name[64];
        snprintf(name, sizeof name, "rocksdb.num-files-at-level%d", l);
        runs += int_prop(db, name) > 0;
    }
    return runs;
}

Test(db_style, universal_keeps_sorted_runs_bounded_and_loses_nothing)
{
    shale_options *o = tdb_options();
    shale_options_set_compaction_style(o, SHALE_COMPACTION_STYLE_UNIVERSAL);
    shale_db *db = tdb_open(dir, o);
    char k[32], v[100];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 6000; i++) {
            snprintf(k, sizeof k, "key%06d", (i * 7919) % 6000);
            snprintf(v, sizeof v, "r%d-%d-%070d", round, i, i);
            tdb_put(db, k, v);
        }
    shale_err err = {0};
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK);
    cr_assert_eq(shale_wait_for_compact(db, &err), SHALE_OK, "%s", err.msg);
    uint64_t runs = sorted_runs(db);
    cr_assert_leq(runs, 4, "universal leaves %llu sorted runs (trigger 4)",
                  (unsigned long long)runs);
    for (int i = 0; i < 6000; i += 97) {
        snprintf(k, sizeof k, "key%06d", (i * 7919) % 6000);
        snprintf(v, sizeof v, "r2-%d-%070d", i, i);
        tdb_expect(db, k, v);
    }
    tdb_close(db);
    db = tdb_open(dir, o);   /* the OPTIONS file names the style; reopen works */
    snprintf(k, sizeof k, "key%06d", 0);
    snprintf(v, sizeof v, "r2-%d-%070d", 0, 0);
    tdb_expect(db, k, v);
    tdb_close(db);
    shale_options_free(o);
}

Test(db_style, fifo_drops_the_oldest_files_beyond_its_size_limit)
{
    shale_options *o = tdb_options();
    shale_options_set_compaction_style(o, SHALE_COMPACTION_STYLE_FIFO);
    shale_options_set_fifo_max_table_files_size(o, 512 * 1024);
    shale_db *db = tdb_open(dir, o);
    char k[32], v[200];
    memset(v, 'x', sizeof v - 1);
    v[sizeof v - 1] = '\0';
    for (int i = 0; i < 20000; i++) {   /* about 4 MB: 8 times the limit */
        snprintf(k, sizeof k, "key%06d", i);
        tdb_put(db, k, v);
    }
    shale_err err = {0};
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK);
    cr_assert_eq(shale_wait_for_compact(db, &err), SHALE_OK, "%s", err.msg);
    uint64_t size = int_prop(db, "rocksdb.total-sst-files-size");
    cr_assert_leq(size, 512 * 1024, "FIFO keeps %llu bytes", (unsigned long long)size);
    cr_assert_gt(size, 0);
    tdb_expect(db, "key000000", NULL);   /* the oldest data is gone */
    tdb_expect(db, "key019999", v);      /* the newest stays */
    tdb_close(db);
    shale_options_free(o);
}
