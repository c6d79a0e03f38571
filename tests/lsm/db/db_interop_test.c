/* tests/lsm/db/db_interop_test.c: databases move between shale and Debian's
 * RocksDB 7.8.3 in both directions.
 *   - shale opens the fixture database RocksDB wrote (SSTs + WAL with a
 *     fragmented batch and range deletions) and reads exactly its expected
 *     keys; writes more; RocksDB's ldb then scans everything.
 *   - a database shale wrote (fills, overwrites, deletes, data only in the
 *     WAL) scans identically in ldb, passes `ldb checkconsistency`, is
 *     opened read-write by librocksdb (rocksdb-oracle put), and shale then
 *     sees RocksDB's writes too.
 *   - a database RocksDB's db_bench wrote opens in shale with every key. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/db.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

static char *tmp;

static void setup(void) { tmp = test_tmpdir("interop"); }

static void teardown(void)
{
    test_rmtree(tmp);
    free(tmp);
}

TestSuite(db_interop, .init = setup, .fini = teardown, .timeout = 300);

static void hex(const char *p, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[(unsigned char)p[i] >> 4];
        out[2 * i + 1] = d[(unsigned char)p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Every live key as "hexkey hexvalue\n" lines, through a shale iterator. */
static char *shale_dump(shale_db *db)
{
    size_t cap = 1 << 20, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    shale_iter *it = shale_iter_new(db, NULL);
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it)) {
        size_t kn, vn;
        const char *k = shale_iter_key(it, &kn), *v = shale_iter_value(it, &vn);
        if (len + 2 * (kn + vn) + 3 >= cap) {
            cap = 2 * cap + 2 * (kn + vn);
            out = realloc(out, cap);
        }
        hex(k, kn, out + len);
        len += 2 * kn;
        out[len++] = ' ';
        hex(v, vn, out + len);
        len += 2 * vn;
        out[len++] = '\n';
        out[len] = '\0';
    }
    shale_err err = {0};
    cr_assert_eq(shale_iter_status(it, &err), SHALE_OK, "%s", err.msg);
    shale_iter_free(it);
    return out;
}

/* RocksDB's view of dir: `ldb scan --hex` turned into the same lines. */
static char *rocksdb_dump(const char *dir)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "ldb --db='%s' scan --hex 2>&1 | awk '{print tolower(substr($1,3)) \" \" "
             "tolower(substr($3,3))}'",
             dir);
    int st = 0;
    char *out = test_run(cmd, &st);
    cr_assert_eq(st, 0, "ldb scan failed: %s", out);
    return out;
}

/* The expected.txt sidecar without its comment line. */
static char *expected_lines(const char *name)
{
    char *path = fixture_path(name);
    size_t n = 0;
    char *s = test_read_file(path, &n);
    cr_assert_not_null(s, "%s", path);
    free(path);
    char *body = strchr(s, '\n');
    char *out = strdup(body + 1);
    free(s);
    return out;
}

static void assert_same_text(const char *what, const char *a, const char *b)
{
    size_t line = 1;
    const char *pa = a, *pb = b;
    while (*pa != '\0' && *pa == *pb) {
        if (*pa == '\n')
            line++;
        pa++, pb++;
    }
    cr_assert(*pa == '\0' && *pb == '\0', "%s: first difference at line %zu: '%.60s' vs '%.60s'",
              what, line, pa, pb);
}

Test(db_interop, shale_reads_the_fixture_database_rocksdb_wrote_and_rocksdb_reads_it_back)
{
    char *fx = fixture_path("db");
    char db_dir[512], ro_dir[512];
    snprintf(db_dir, sizeof db_dir, "%s/fixture", tmp);
    tdb_copy_dir(fx, db_dir);
    free(fx);
    shale_options *o = shale_options_new();   /* not create_if_missing: it must exist */
    shale_db *db = tdb_open(db_dir, o);
    char *ours = shale_dump(db);
    char *want = expected_lines("db.expected.txt");
    assert_same_text("shale on the fixture db", ours, want);
    free(ours);
    /* more writes, some flushed, some only in the WAL */
    tdb_put(db, "key00000001", "changed-by-shale");
    tdb_del(db, "key00000002");
    shale_err err = {0};
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK, "%s", err.msg);
    tdb_put(db, "zz-wal-only", "in the wal");
    ours = shale_dump(db);
    tdb_close(db);
    snprintf(ro_dir, sizeof ro_dir, "%s/copy", tmp);
    tdb_copy_dir(db_dir, ro_dir);
    char *theirs = rocksdb_dump(ro_dir);
    assert_same_text("RocksDB after shale wrote", theirs, ours);
    free(theirs);
    free(ours);
    free(want);
    shale_options_free(o);
}

static void fill_shale_db(const char *dir)
{
    shale_db *db = tdb_open(dir, NULL);
    char k[32], v[128];
    for (int i = 0; i < 4000; i++) {
        snprintf(k, sizeof k, "key%07d", (i * 7907) % 4000);
        snprintf(v, sizeof v, "first-%d-%060d", i, i);
        tdb_put(db, k, v);
    }
    for (int i = 0; i < 4000; i += 3) {
        snprintf(k, sizeof k, "key%07d", i);
        snprintf(v, sizeof v, "second-%d", i);
        tdb_put(db, k, v);
    }
    for (int i = 0; i < 4000; i += 7) {
        snprintf(k, sizeof k, "key%07d", i);
        tdb_del(db, k);
    }
    shale_err err = {0};
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
    for (int i = 0; i < 50; i++) {   /* these stay in the WAL only */
        snprintf(k, sizeof k, "wal%04d", i);
        tdb_put(db, k, "only-in-wal");
    }
    tdb_close(db);
}

Test(db_interop, rocksdb_reads_and_extends_a_database_shale_wrote)
{
    char dir[512], copy[512];
    snprintf(dir, sizeof dir, "%s/shale", tmp);
    fill_shale_db(dir);
    shale_db *db = tdb_open(dir, NULL);
    char *ours = shale_dump(db);
    tdb_close(db);
    snprintf(copy, sizeof copy, "%s/copy", tmp);
    tdb_copy_dir(dir, copy);
    char *theirs = rocksdb_dump(copy);
    assert_same_text("ldb scan of a shale db", theirs, ours);
    free(theirs);
    char cmd[2048];
    int st = 0;
    snprintf(cmd, sizeof cmd, "ldb --db='%s' checkconsistency 2>&1", dir);
    char *out = test_run(cmd, &st);
    cr_assert_eq(st, 0, "checkconsistency: %s", out);
    cr_assert_not_null(strstr(out, "OK"), "checkconsistency: %s", out);
    free(out);
    /* RocksDB opens it read-write and adds keys; shale then sees them. */
    char *oracle = build_path("tests/rocksdb-oracle");
    snprintf(cmd, sizeof cmd, "'%s' put '%s' 726f636b73 7772697465 2>&1", oracle, dir);
    out = test_run(cmd, &st);
    cr_assert_eq(st, 0, "oracle put: %s", out);
    free(out);
    free(oracle);
    db = tdb_open(dir, NULL);
    tdb_expect(db, "rocks", "write");
    tdb_expect(db, "wal0049", "only-in-wal");
    char *after = shale_dump(db);
    cr_assert_eq(strlen(after), strlen(ours) + strlen("726f636b73 7772697465\n"));
    tdb_close(db);
    free(after);
    free(ours);
}

Test(db_interop, shale_opens_a_database_written_by_rocksdb_db_bench)
{
    char dir[512], copy[512], cmd[2048];
    snprintf(dir, sizeof dir, "%s/dbbench", tmp);
    snprintf(cmd, sizeof cmd,
             "db_bench --benchmarks=fillrandom,overwrite --num=20000 --value_size=64 "
             "--compression_type=none --write_buffer_size=262144 --db='%s' >/dev/null 2>&1",
             dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    snprintf(copy, sizeof copy, "%s/copy", tmp);
    tdb_copy_dir(dir, copy);
    char *theirs = rocksdb_dump(copy);
    shale_options *o = shale_options_new();
    shale_db *db = tdb_open(dir, o);
    char *ours = shale_dump(db);
    assert_same_text("shale on a db_bench database", ours, theirs);
    tdb_put(db, "after", "shale");
    tdb_close(db);
    tdb_copy_dir(dir, copy);
    char *again = rocksdb_dump(copy);
    cr_assert_eq(strlen(again), strlen(theirs) + strlen("6166746572 7368616c65\n"));
    free(again);
    free(theirs);
    free(ours);
    shale_options_free(o);
}
