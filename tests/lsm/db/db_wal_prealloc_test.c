/* tests/lsm/db/db_wal_prealloc_test.c: WAL preallocation (allow_fallocate).
 *
 * With allow_fallocate the WAL is extended with zeros ahead of its appends
 * (lsm/log/log_writer.c), so a crash leaves a WAL ending in zeros.  Checked
 * here against the file system (stat) and Debian's RocksDB 7.8.3 (`ldb
 * dump_wal` and `ldb scan` must read such a WAL to a clean end):
 *   - a child writing with sync=true and exiting without closing leaves a
 *     zero tail, and every acknowledged write is there on reopen, for shale
 *     and for RocksDB;
 *   - a WAL closed normally (memtable switch, DB close) has exactly the
 *     size of its records, and the live-WAL list reports that size while
 *     it is still being written;
 *   - with allow_fallocate=false the WAL on disk is never larger than the
 *     bytes written. */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shale/db.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

#define N_KEYS 400
#define WBUF (4u << 20)       /* one WAL, no flush; chunk min(1 MiB, 1.1 WBUF) */
#define CHUNK (1u << 20)

static void key_of(int i, char *buf, size_t n) { snprintf(buf, n, "key%06d", i); }

static void value_of(int i, char *buf, size_t n)
{
    snprintf(buf, n, "value-%06d-%0*d", i, 40 + i % 50, i);
}

static shale_options *opts(bool allow_fallocate)
{
    shale_options *o = tdb_options();
    shale_options_set_write_buffer_size(o, WBUF);
    shale_options_set_allow_fallocate(o, allow_fallocate);
    return o;
}

static void put_synced(shale_db *db, int from, int to)
{
    shale_write_options *wo = shale_write_options_new();
    shale_write_options_set_sync(wo, true);
    for (int i = from; i < to; i++) {
        char k[32], v[128];
        key_of(i, k, sizeof k);
        value_of(i, v, sizeof v);
        shale_err err = {0};
        int rc = shale_put(db, wo, k, strlen(k), v, strlen(v), &err);
        cr_assert_eq(rc, SHALE_OK, "put %d: %s", i, err.msg);
    }
    shale_write_options_free(wo);
}

static uint64_t stat_size(const char *dir, const char *name)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    cr_assert_eq(stat(p, &st), 0, "stat %s: %s", p, strerror(errno));
    return (uint64_t)st.st_size;
}

/* The newest WAL the live list names (its "/N.log" name without the slash)
 * and the size the database reports for it. */
static void live_wal(shale_db *db, char *name, size_t cap, uint64_t *size)
{
    char **names = NULL;
    uint64_t *sizes = NULL;
    size_t n = 0;
    shale_err err = {0};
    cr_assert_eq(shale_get_live_wal_files(db, &names, &sizes, &n, &err), SHALE_OK, "%s",
                 err.msg);
    cr_assert_gt(n, 0);
    snprintf(name, cap, "%s", names[n - 1] + 1);
    *size = sizes[n - 1];
    shale_cf_names_free(names, n);
    shale_free(sizes);
}

/* The highest-numbered *.log file in dir. */
static void newest_log(const char *dir, char *name, size_t cap)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep '\\.log$' | sort | tail -1", dir);
    int status = -1;
    char *out = test_run(cmd, &status);
    cr_assert(out != NULL && status == 0 && out[0] != '\0', "no WAL in %s", dir);
    out[strcspn(out, "\n")] = '\0';
    snprintf(name, cap, "%s", out);
    free(out);
}

static size_t count_lines_with(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* The child: N_KEYS synced puts, then exit without closing anything. */
static void crash_child(const char *dir)
{
    shale_options *o = opts(true);
    shale_db *db = NULL;
    shale_err err = {0};
    if (shale_db_open(o, dir, &db, &err) != SHALE_OK)
        _exit(2);
    shale_write_options *wo = shale_write_options_new();
    shale_write_options_set_sync(wo, true);
    for (int i = 0; i < N_KEYS; i++) {
        char k[32], v[128];
        key_of(i, k, sizeof k);
        value_of(i, v, sizeof v);
        if (shale_put(db, wo, k, strlen(k), v, strlen(v), &err) != SHALE_OK)
            _exit(3);
    }
    _exit(0);   /* a crash: no close, the WAL keeps its preallocated tail */
}

static void run_crash_child(const char *dir)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
    if (pid == 0)
        crash_child(dir);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
}

/* `ldb dump_wal` reads the zero-tailed WAL without error: one line per
 * put, each key once. */
static void expect_ldb_dump_wal(const char *dir, const char *wal)
{
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "ldb dump_wal --walfile='%s/%s' --header 2>&1", dir, wal);
    int status = -1;
    char *out = test_run(cmd, &status);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "ldb dump_wal failed: %.500s", out);
    cr_assert_null(strstr(out, "orrupt"), "%.500s", out);
    cr_assert_eq(count_lines_with(out, "PUT(0)"), N_KEYS, "%.300s", out);
    for (int i = 0; i < N_KEYS; i += 37) {
        char k[32], hex[80] = "0x";
        key_of(i, k, sizeof k);
        for (size_t j = 0; k[j] != '\0'; j++)
            snprintf(hex + 2 + 2 * j, 3, "%02X", (unsigned char)k[j]);
        cr_assert_not_null(strstr(out, hex), "key %s not dumped", k);
    }
    free(out);
}

/* `ldb scan` of a copy of the crashed database shows every key. */
static void expect_ldb_scan(const char *dir)
{
    char copy[4200], cmd[8600];
    snprintf(copy, sizeof copy, "%s-ldb", dir);
    tdb_copy_dir(dir, copy);
    snprintf(cmd, sizeof cmd, "ldb --db='%s' scan 2>&1", copy);
    int status = -1;
    char *out = test_run(cmd, &status);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "ldb scan failed: %.500s", out);
    cr_assert_eq(count_lines_with(out, "\n"), N_KEYS, "%.300s", out);
    for (int i = 0; i < N_KEYS; i++) {
        char k[32], v[128], line[200];
        key_of(i, k, sizeof k);
        value_of(i, v, sizeof v);
        snprintf(line, sizeof line, "%s : %s\n", k, v);
        cr_assert_not_null(strstr(out, line), "ldb scan lacks %s", k);
    }
    free(out);
    test_rmtree(copy);
}

/* Every step-th key of [from, to) reads back with its value. */
static void expect_keys(shale_db *db, int from, int to, int step)
{
    for (int i = from; i < to; i += step) {
        char k[32], v[128];
        key_of(i, k, sizeof k);
        value_of(i, v, sizeof v);
        tdb_expect(db, k, v);
    }
}

Test(db_wal_prealloc, synced_writes_survive_a_crash_that_leaves_a_zero_tail, .timeout = 120)
{
    cr_assert(test_have_program("ldb"), "Debian's ldb is the oracle here");
    char *dir = test_tmpdir("walprealloc");
    run_crash_child(dir);
    char wal[256];
    newest_log(dir, wal, sizeof wal);
    uint64_t size = stat_size(dir, wal);
    cr_assert(size > 0 && size % CHUNK == 0, "crashed WAL %s is %" PRIu64 " bytes", wal, size);
    expect_ldb_dump_wal(dir, wal);
    expect_ldb_scan(dir);
    shale_options *o = opts(true);
    for (int round = 0; round < 2; round++) {   /* reopen twice: recovery's WAL too */
        shale_db *db = tdb_open(dir, o);
        expect_keys(db, 0, N_KEYS, 1);
        tdb_close(db);
    }
    shale_options_free(o);
    test_rmtree(dir);
    free(dir);
}

Test(db_wal_prealloc, closed_wals_have_exactly_their_written_size)
{
    char *dir = test_tmpdir("walclose");
    shale_options *o = opts(true);
    shale_db *db = tdb_open(dir, o);
    shale_err err = {0};
    cr_assert_eq(shale_disable_file_deletions(db, &err), SHALE_OK);   /* keep the old WAL */
    put_synced(db, 0, 100);
    char first[256], second[256];
    uint64_t first_size = 0, second_size = 0;
    live_wal(db, first, sizeof first, &first_size);
    uint64_t on_disk = stat_size(dir, first);
    cr_assert(first_size > 0 && on_disk == CHUNK,
              "live WAL: %" PRIu64 " written, %" PRIu64 " on disk", first_size, on_disk);
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK, "%s", err.msg);   /* switches the WAL */
    cr_assert_eq(stat_size(dir, first), first_size, "a switched-out WAL is cut back");
    put_synced(db, 100, 150);
    live_wal(db, second, sizeof second, &second_size);
    cr_assert_str_neq(first, second);
    cr_assert_eq(stat_size(dir, second), CHUNK);
    tdb_close(db);
    cr_assert_eq(stat_size(dir, second), second_size, "close cuts the live WAL back");
    cr_assert_eq(stat_size(dir, first), first_size);
    db = tdb_open(dir, o);
    expect_keys(db, 0, 150, 7);
    tdb_close(db);
    shale_options_free(o);
    test_rmtree(dir);
    free(dir);
}

Test(db_wal_prealloc, without_allow_fallocate_the_wal_never_outgrows_its_records)
{
    char *dir = test_tmpdir("walnoalloc");
    shale_options *o = opts(false);
    shale_db *db = tdb_open(dir, o);
    char wal[256];
    uint64_t written = 0;
    for (int step = 1; step <= 3; step++) {
        put_synced(db, (step - 1) * 50, step * 50);
        live_wal(db, wal, sizeof wal, &written);
        cr_assert_gt(written, 0);
        cr_assert_eq(stat_size(dir, wal), written, "step %d", step);
    }
    tdb_close(db);
    cr_assert_eq(stat_size(dir, wal), written);
    shale_options_free(o);
    test_rmtree(dir);
    free(dir);
}
