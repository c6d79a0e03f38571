/* tests/lsm/db/db_limits_test.c: the limits of issue 6.
 *   - A low open-files limit: 200+ SST files read through a table cache
 *     sized by max_open_files = 20 (RocksDB's minimum; the cache then holds
 *     20 - 10 tables).  Every key reads right, by get in random order and by
 *     a scan, and the process never holds more than 20 descriptors beyond
 *     what it held before the open: the cache evicts, it never fails.
 *   - The LOCK: a second shale_db_open of an open database fails with
 *     SHALE_BUSY or SHALE_IO_ERROR naming LOCK, in this process and from a
 *     separate one (this executable re-run with SHALE_LIMITS_OPEN set: a
 *     constructor tries the open there instead of starting Criterion);
 *     RocksDB's ldb is refused too.  After close the database opens again.
 *     A refused open in the holder's process must leave the lock held.
 *   - Sizes: a 64 MiB value and a 16 MiB key are written, flushed, reopened
 *     and read back byte for byte.  RocksDB's WriteBatch refuses a key or a
 *     value over 4 GiB - 1 (varint32 lengths) with InvalidArgument; so does
 *     shale's (lsm/db/write_batch.c), which is checked here with a 4 GiB + 1
 *     length over a lazily mapped, never-touched region.  There is no limit
 *     on a batch's total size in either engine (RocksDB's max_bytes option
 *     aside), and a batch of 2^32 entries is not built here. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shale/db.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

#define OPEN_ENV "SHALE_LIMITS_OPEN"

/* --- the second process -------------------------------------------------------- */

/* Runs before Criterion's main, only when re-run by the lock test: tries to
 * open the database; exit 0: refused naming LOCK; 2: opened; 1: other. */
__attribute__((constructor)) static void second_opener(void)
{
    const char *dir = getenv(OPEN_ENV);
    if (dir == NULL)
        return;
    shale_options *o = shale_options_new();
    shale_db *db = NULL;
    shale_err err = {0};
    int rc = shale_db_open(o, dir, &db, &err);
    printf("%s: %s\n", shale_code_name(rc), err.msg);
    fflush(stdout);
    if (rc == SHALE_OK)
        _exit(2);
    _exit((rc == SHALE_BUSY || rc == SHALE_IO_ERROR) && strstr(err.msg, "LOCK") != NULL ? 0 : 1);
}

/* --- helpers -------------------------------------------------------------------- */

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        n += de->d_name[0] != '.';
    closedir(d);
    return n - 1;   /* the listing's own descriptor */
}

static void key_of(int i, char *buf, size_t n) { snprintf(buf, n, "key%07d", i); }

static size_t value_of(int i, char *buf, size_t n)
{
    int len = snprintf(buf, n, "value-%d-", i);
    while ((size_t)len < 190 && (size_t)len + 1 < n) {
        buf[len] = (char)('a' + (i + len) % 26);
        len++;
    }
    buf[len] = '\0';
    return (size_t)len;
}

/* --- many files, few descriptors ---------------------------------------------- */

#define NKEYS 8400

static void build_many_files(const char *dir)
{
    shale_options *o = tdb_options();
    shale_options_set_disable_auto_compactions(o, true);
    shale_options_set_target_file_size_base(o, 4096);
    shale_options_set_write_buffer_size(o, 4u << 20);
    shale_db *db = tdb_open(dir, o);
    char k[32], v[256];
    shale_err err = {0};
    for (int i = 0; i < NKEYS; i++) {
        key_of(i, k, sizeof k);
        size_t vn = value_of(i, v, sizeof v);
        cr_assert_eq(shale_put(db, NULL, k, strlen(k), v, vn, &err), SHALE_OK, "%s", err.msg);
    }
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
    shale_live_file *files = NULL;
    size_t n = 0;
    cr_assert_eq(shale_live_files(db, &files, &n, &err), SHALE_OK, "%s", err.msg);
    shale_live_files_free(files, n);
    cr_assert_geq(n, 200, "only %zu SST files", n);
    tdb_close(db);
    shale_options_free(o);
}

/* Reads every key by get in a shuffled order; returns the most descriptors
 * seen. */
static int get_all_shuffled(shale_db *db)
{
    static int order[NKEYS];
    for (int i = 0; i < NKEYS; i++)
        order[i] = i;
    srand(7);
    for (int i = NKEYS - 1; i > 0; i--) {
        int j = rand() % (i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int most = 0;
    for (int n = 0; n < NKEYS; n++) {
        char k[32], want[256], *v = NULL;
        size_t vn = 0, wn = value_of(order[n], want, sizeof want);
        shale_err err = {0};
        key_of(order[n], k, sizeof k);
        int rc = shale_get(db, NULL, k, strlen(k), &v, &vn, &err);
        cr_assert_eq(rc, SHALE_OK, "get %s: %s: %s", k, shale_code_name(rc), err.msg);
        cr_assert(vn == wn && memcmp(v, want, wn) == 0, "get %s: wrong value", k);
        shale_free(v);
        if (n % 25 == 0) {
            int fds = count_fds();
            most = fds > most ? fds : most;
        }
    }
    return most;
}

/* Scans everything while two more iterators hold other positions. */
static int scan_all(shale_db *db)
{
    shale_iter *it = shale_iter_new(db, NULL), *mid = shale_iter_new(db, NULL),
               *end = shale_iter_new(db, NULL);
    shale_iter_seek(mid, "key0004000", 10);
    shale_iter_seek_to_last(end);
    cr_assert(shale_iter_valid(mid) && shale_iter_valid(end));
    int n = 0, most = 0;
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it), n++) {
        char k[32], want[256];
        size_t kn, vn, wn = value_of(n, want, sizeof want);
        key_of(n, k, sizeof k);
        const char *gk = shale_iter_key(it, &kn), *gv = shale_iter_value(it, &vn);
        cr_assert(kn == strlen(k) && memcmp(gk, k, kn) == 0, "scan: key %d out of place", n);
        cr_assert(vn == wn && memcmp(gv, want, wn) == 0, "scan: %s wrong value", k);
        if (n % 50 == 0) {
            shale_iter_next(mid);
            shale_iter_prev(end);
            int fds = count_fds();
            most = fds > most ? fds : most;
        }
    }
    shale_err err = {0};
    cr_assert_eq(shale_iter_status(it, &err), SHALE_OK, "scan: %s", err.msg);
    cr_assert_eq(n, NKEYS);
    cr_assert(shale_iter_valid(mid) && shale_iter_valid(end));
    shale_iter_free(it);
    shale_iter_free(mid);
    shale_iter_free(end);
    return most;
}

Test(db_limits, two_hundred_tables_read_through_twenty_open_files, .timeout = 120)
{
    char *dir = test_tmpdir("limits-files");
    build_many_files(dir);
    int before = count_fds();
    shale_options *o = tdb_options();
    shale_options_set_max_open_files(o, 20);
    shale_db *db = tdb_open(dir, o);
    int most_get = get_all_shuffled(db);
    int most_scan = scan_all(db);
    cr_log_info("descriptors: %d before open, at most %d during gets, %d during scans", before,
                most_get, most_scan);
    cr_assert_leq(most_get - before, 20, "%d descriptors held during gets", most_get - before);
    cr_assert_leq(most_scan - before, 20, "%d descriptors held during scans", most_scan - before);
    tdb_close(db);
    shale_options_free(o);
    test_rmtree(dir);
    free(dir);
}

/* --- the LOCK -------------------------------------------------------------------- */

static char *self_exe(void)
{
    char *p = malloc(PATH_MAX);
    ssize_t n = readlink("/proc/self/exe", p, PATH_MAX - 1);
    cr_assert_gt(n, 0);
    p[n] = '\0';
    return p;
}

/* Whether another process (this executable, re-run) is refused the open;
 * its output is logged on failure. */
static void expect_refused_elsewhere(const char *dir, int want_status, const char *when)
{
    char *exe = self_exe(), cmd[3 * PATH_MAX];
    snprintf(cmd, sizeof cmd, "%s='%s' '%s' 2>&1", OPEN_ENV, dir, exe);
    int status = -1;
    char *out = test_run(cmd, &status);
    cr_assert_eq(status, want_status, "%s: second process %s (exit %d): %s", when,
                 status == 2 ? "opened the database" : "failed", status, out ? out : "");
    free(out);
    free(exe);
}

/* RocksDB's ldb writing a key: refused while shale holds the LOCK, done
 * after close.  (ldb's read commands open read-only and take no lock.) */
static void expect_ldb_put(const char *dir, bool refused)
{
    if (!test_have_program("ldb"))
        return;
    char cmd[PATH_MAX + 64];
    int status = -1;
    snprintf(cmd, sizeof cmd, "ldb --db='%s' put lk lv 2>&1", dir);
    char *out = test_run(cmd, &status);
    if (refused)
        cr_assert(status != 0 && out != NULL && strstr(out, "LOCK") != NULL,
                  "ldb wrote to a database shale holds (exit %d): %s", status, out ? out : "");
    else
        cr_assert_eq(status, 0, "ldb put after close (exit %d): %s", status, out ? out : "");
    free(out);
}

Test(db_limits, a_second_process_is_refused_naming_the_lock, .timeout = 60)
{
    char *dir = test_tmpdir("limits-lock");
    shale_db *db = tdb_open(dir, NULL);
    tdb_put(db, "k", "v");
    expect_refused_elsewhere(dir, 0, "while open");
    expect_ldb_put(dir, true);              /* RocksDB is refused as well */
    tdb_close(db);
    expect_refused_elsewhere(dir, 2, "after close");   /* released: it opens */
    expect_ldb_put(dir, false);
    db = tdb_open(dir, NULL);
    tdb_expect(db, "k", "v");
    if (test_have_program("ldb"))
        tdb_expect(db, "lk", "lv");
    tdb_close(db);
    test_rmtree(dir);
    free(dir);
}

/* The in-process refusal must not release the holder's lock: POSIX drops
 * every fcntl lock a process holds on a file when it closes any descriptor
 * of that file, so the refused opener must not open LOCK at all. */
Test(db_limits, a_refused_second_open_in_process_keeps_the_lock, .timeout = 60)
{
    char *dir = test_tmpdir("limits-lock2");
    shale_db *db = tdb_open(dir, NULL);
    shale_options *o = shale_options_new();
    shale_db *db2 = NULL;
    shale_err err = {0};
    int rc = shale_db_open(o, dir, &db2, &err);
    cr_assert(rc == SHALE_BUSY || rc == SHALE_IO_ERROR, "second open: %s", shale_code_name(rc));
    cr_assert_null(db2);
    cr_assert(strstr(err.msg, "LOCK") != NULL, "message does not name LOCK: %s", err.msg);
    expect_refused_elsewhere(dir, 0, "after a refused open in the holder's process");
    tdb_close(db);
    shale_options_free(o);
    test_rmtree(dir);
    free(dir);
}

/* --- sizes ------------------------------------------------------------------------ */

static char *pattern(size_t n, unsigned seed)
{
    char *p = malloc(n);
    cr_assert_not_null(p);
    uint32_t x = seed | 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (char)x;
    }
    return p;
}

static void expect_big(shale_db *db, const char *k, size_t kn, const char *v, size_t vn,
                       const char *when)
{
    char *got = NULL;
    size_t gn = 0;
    shale_err err = {0};
    int rc = shale_get(db, NULL, k, kn, &got, &gn, &err);
    cr_assert_eq(rc, SHALE_OK, "%s: %s: %s", when, shale_code_name(rc), err.msg);
    cr_assert(gn == vn && memcmp(got, v, vn) == 0, "%s: %zu bytes read back wrong", when, gn);
    shale_free(got);
}

Test(db_limits, a_64_mib_value_and_a_16_mib_key_read_back, .timeout = 120)
{
    char *dir = test_tmpdir("limits-big");
    const size_t vn = 64u << 20, kn = 16u << 20;
    char *v = pattern(vn, 1), *k = pattern(kn, 2);
    shale_db *db = tdb_open(dir, NULL);
    shale_err err = {0};
    cr_assert_eq(shale_put(db, NULL, "big-value", 9, v, vn, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(shale_put(db, NULL, k, kn, "big-key", 7, &err), SHALE_OK, "%s", err.msg);
    expect_big(db, "big-value", 9, v, vn, "value from the memtable");
    expect_big(db, k, kn, "big-key", 7, "key from the memtable");
    tdb_close(db);
    db = tdb_open(dir, NULL);   /* replayed from the WAL */
    expect_big(db, "big-value", 9, v, vn, "value from the WAL");
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK, "%s", err.msg);
    tdb_close(db);
    db = tdb_open(dir, NULL);
    expect_big(db, "big-value", 9, v, vn, "value from an SST");
    expect_big(db, k, kn, "big-key", 7, "key from an SST");
    tdb_close(db);
    free(v);
    free(k);
    test_rmtree(dir);
    free(dir);
}

Test(db_limits, keys_and_values_over_4_gib_minus_1_are_invalid_arguments)
{
    const size_t over = (size_t)UINT32_MAX + 1;
    /* reserved, never touched: no memory is used unless something reads it */
    char *huge = mmap(NULL, over, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    cr_assert_neq(huge, MAP_FAILED);
    shale_write_batch *b = shale_write_batch_new();
    shale_err err = {0};
    cr_assert_eq(shale_write_batch_put(b, huge, over, "v", 1, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_write_batch_put(b, "k", 1, huge, over, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_write_batch_delete(b, huge, over, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_write_batch_delete_range(b, "a", 1, huge, over, &err),
                 SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_write_batch_count(b), 0, "a refused record was added");
    shale_write_batch_free(b);
    char *dir = test_tmpdir("limits-4g");
    shale_db *db = tdb_open(dir, NULL);
    cr_assert_eq(shale_put(db, NULL, "k", 1, huge, over, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_put(db, NULL, huge, over, "v", 1, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_delete(db, NULL, huge, over, &err), SHALE_INVALID_ARGUMENT);
    char *got = NULL;
    size_t gn = 0;
    cr_assert_eq(shale_get(db, NULL, "k", 1, &got, &gn, &err), SHALE_NOT_FOUND);
    tdb_close(db);
    munmap(huge, over);
    test_rmtree(dir);
    free(dir);
}
