/* tests/checkpoint/native_test.c: shale_checkpoint_create(), RocksDB's
 * Checkpoint.  The oracle is the source database itself (full content
 * comparison through shale) and Debian's RocksDB 7.8.3 `ldb`, which must
 * find the copy consistent and scan the same keys and values. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsm/util/buf.h"
#include "tests/checkpoint/ckpt_util.h"
#include "tests/support/test_util.h"

static char *g_tmp;

static void setup(void)
{
    g_tmp = test_tmpdir("ckpt-native");
    cr_assert_not_null(g_tmp);
}

static void teardown(void)
{
    test_rmtree(g_tmp);
    free(g_tmp);
}

TestSuite(native, .init = setup, .fini = teardown);

/* A database of several SSTs plus some unflushed writes. */
static shale_db *make_db(const char *dir)
{
    shale_db *db = cu_open(dir, 64 << 10, true);
    cu_fill(db, 1, 3000, 80);
    cu_random_writes(db, 2, 2000, 4000, 60);
    return db;
}

static bool any_file_with_suffix(const char *dir, const char *suffix, char *found, size_t n)
{
    char *listing = cu_tree(dir);
    bool hit = false;
    for (char *line = strtok(listing, "\n"); line != NULL && !hit; line = strtok(NULL, "\n")) {
        char *sp = strchr(line, ' ');
        if (sp != NULL)
            *sp = '\0';
        size_t l = strlen(line), ls = strlen(suffix);
        if (l > ls && strcmp(line + l - ls, suffix) == 0) {
            hit = true;
            snprintf(found, n, "%s", line + 2);   /* skip "./" */
        }
    }
    free(listing);
    return hit;
}

Test(native, flushed_checkpoint_has_identical_content_and_hard_linked_ssts)
{
    char *src = cu_join(g_tmp, "db"), *dst = cu_join(g_tmp, "ck");
    shale_db *db = make_db(src);
    kv_dump before = cu_dump(db);
    shale_err err = {0};
    cr_assert_eq(shale_checkpoint_create(db, dst, 0, &err), SHALE_OK, "%s", err.msg);
    char sst[256];
    cr_assert(any_file_with_suffix(dst, ".sst", sst, sizeof sst));
    char *a = cu_join(src, sst), *b = cu_join(dst, sst);
    struct stat sa, sb;
    if (stat(a, &sa) == 0) {   /* the source may have compacted it away since */
        cr_assert_eq(stat(b, &sb), 0);
        cr_assert_eq(sa.st_ino, sb.st_ino, "%s is not a hard link", sst);
    }
    char *tmp = cu_join(g_tmp, "ck.tmp");
    cr_assert_eq(cu_count_entries(tmp), -1, "the temporary directory was left behind");
    cu_close(db);
    kv_dump after = cu_dump_dir(dst);
    cr_assert_gt(before.count, 1000);
    cr_assert_eq(after.count, before.count);
    cr_assert_str_eq(after.text, before.text);
    cu_dump_free(&before);
    cu_dump_free(&after);
    free(a), free(b), free(tmp), free(src), free(dst);
}

Test(native, unflushed_checkpoint_copies_the_wal_and_keeps_every_write)
{
    char *src = cu_join(g_tmp, "db"), *dst = cu_join(g_tmp, "ck");
    shale_db *db = cu_open(src, 0, true);
    cu_random_writes(db, 7, 500, 300, 40);     /* all in the memtable and WAL */
    kv_dump before = cu_dump(db);
    shale_err err = {0};
    cr_assert_eq(shale_checkpoint_create(db, dst, UINT64_MAX, &err), SHALE_OK, "%s", err.msg);
    char wal[256];
    cr_assert(any_file_with_suffix(dst, ".log", wal, sizeof wal), "no WAL copied");
    cu_close(db);
    kv_dump after = cu_dump_dir(dst);
    cr_assert_gt(before.count, 100);
    cr_assert_str_eq(after.text, before.text);
    cu_dump_free(&before);
    cu_dump_free(&after);
    free(src), free(dst);
}

Test(native, log_size_threshold_decides_the_flush)
{
    char *src = cu_join(g_tmp, "db"), *big = cu_join(g_tmp, "big"), *small = cu_join(g_tmp, "small");
    shale_db *db = cu_open(src, 0, true);
    cu_random_writes(db, 9, 300, 300, 40);     /* about 20 KB of WAL */
    kv_dump before = cu_dump(db);
    shale_err err = {0};
    char name[256];
    cr_assert_eq(shale_checkpoint_create(db, big, 1 << 30, &err), SHALE_OK, "%s", err.msg);
    cr_assert(any_file_with_suffix(big, ".log", name, sizeof name), "threshold not reached: WAL");
    cr_assert_eq(shale_checkpoint_create(db, small, 1, &err), SHALE_OK, "%s", err.msg);
    cr_assert_not(any_file_with_suffix(small, ".log", name, sizeof name), "flushed: no WAL");
    cr_assert(any_file_with_suffix(small, ".sst", name, sizeof name), "flushed: an SST");
    cu_close(db);
    kv_dump a = cu_dump_dir(big), b = cu_dump_dir(small);
    cr_assert_str_eq(a.text, before.text);
    cr_assert_str_eq(b.text, before.text);
    cu_dump_free(&a), cu_dump_free(&b), cu_dump_free(&before);
    free(src), free(big), free(small);
}

Test(native, existing_directory_is_refused_and_stale_tmp_is_replaced)
{
    char *src = cu_join(g_tmp, "db"), *dst = cu_join(g_tmp, "ck"), *tmp = cu_join(g_tmp, "ck.tmp");
    shale_db *db = cu_open(src, 0, true);
    cu_fill(db, 3, 100, 10);
    cr_assert_eq(mkdir(dst, 0755), 0);
    shale_err err = {0};
    cr_assert_eq(shale_checkpoint_create(db, dst, 0, &err), SHALE_INVALID_ARGUMENT);
    cr_assert(strstr(err.msg, "exists") != NULL, "%s", err.msg);
    cr_assert_eq(cu_count_entries(dst), 0, "the existing directory was written into");
    cr_assert_eq(rmdir(dst), 0);
    cr_assert_eq(mkdir(tmp, 0755), 0);          /* a crash's leftover */
    char *junk = cu_join(tmp, "junk");
    cr_assert(test_write_file(junk, "x", 1));
    cr_assert_eq(shale_checkpoint_create(db, dst, 0, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(cu_count_entries(tmp), -1);
    char *j2 = cu_join(dst, "junk");
    cr_assert_eq(cu_count_entries(j2), -1, "leftover copied");
    cu_close(db);
    kv_dump d = cu_dump_dir(dst);
    cr_assert_eq(d.count, 100);
    cu_dump_free(&d);
    free(src), free(dst), free(tmp), free(junk), free(j2);
}

Test(native, checkpoint_on_another_file_system_copies_the_ssts)
{
    struct stat a, b;
    cr_assert_eq(stat(g_tmp, &a), 0);
    if (stat("/dev/shm", &b) != 0 || a.st_dev == b.st_dev) {
        cr_log_warn("no second file system (/dev/shm) to test EXDEV; linking tested elsewhere");
        return;
    }
    char *src = cu_join(g_tmp, "db"), dst[128];
    snprintf(dst, sizeof dst, "/dev/shm/shale-ckpt-xfs-%d", (int)getpid());
    test_rmtree(dst);
    shale_db *db = make_db(src);
    kv_dump before = cu_dump(db);
    shale_err err = {0};
    cr_assert_eq(shale_checkpoint_create(db, dst, 0, &err), SHALE_OK, "%s", err.msg);
    cu_close(db);
    kv_dump after = cu_dump_dir(dst);
    cr_assert_str_eq(after.text, before.text);
    cu_dump_free(&before), cu_dump_free(&after);
    test_rmtree(dst);
    free(src);
}

/* ldb --hex scan prints "0xKEY : 0xVALUE" in upper-case hex. */
static char *expected_ldb_scan(const kv_dump *d)
{
    shale_buf b = SHALE_BUF_INIT;
    const char *p = d->text;
    while (*p != '\0') {
        const char *eq = strchr(p, '='), *nl = strchr(p, '\n');
        shale_buf_append_str(&b, "0x");
        for (const char *q = p; q < eq; q++)
            shale_buf_append_byte(&b, (uint8_t)(*q >= 'a' ? *q - 32 : *q));
        shale_buf_append_str(&b, " : 0x");
        for (const char *q = eq + 1; q < nl; q++)
            shale_buf_append_byte(&b, (uint8_t)(*q >= 'a' ? *q - 32 : *q));
        shale_buf_append_byte(&b, '\n');
        p = nl + 1;
    }
    shale_buf_append_byte(&b, '\0');
    size_t len;
    return shale_buf_detach(&b, &len);
}

Test(native, rocksdb_ldb_finds_the_checkpoint_consistent_and_scans_the_same_data)
{
    cr_assert(test_have_program("ldb"), "Debian's RocksDB ldb is the oracle");
    char *src = cu_join(g_tmp, "db"), *dst = cu_join(g_tmp, "ck");
    shale_db *db = make_db(src);
    kv_dump before = cu_dump(db);
    shale_err err = {0};
    cr_assert_eq(shale_checkpoint_create(db, dst, 0, &err), SHALE_OK, "%s", err.msg);
    cu_close(db);
    char cmd[1024];
    int status = -1;
    snprintf(cmd, sizeof cmd, "ldb --db='%s' checkconsistency 2>&1", dst);
    char *out = test_run(cmd, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_str_eq(out, "OK\n");
    free(out);
    snprintf(cmd, sizeof cmd, "ldb --db='%s' --hex scan 2>&1", dst);
    out = test_run(cmd, &status);
    cr_assert_eq(status, 0, "%s", out);
    char *want = expected_ldb_scan(&before);
    cr_assert(strcmp(out, want) == 0, "ldb scan differs (%zu vs %zu bytes)", strlen(out),
              strlen(want));
    free(out), free(want);
    cu_dump_free(&before);
    free(src), free(dst);
}

/* Opens dir with families "default" and "cf1" (created if missing). */
static shale_db *open_two_families(const char *dir, shale_cf **h)
{
    shale_options *o = shale_options_new();
    shale_options_set_create_if_missing(o, true);
    shale_options_set_create_missing_column_families(o, true);
    const char *names[2] = { SHALE_DEFAULT_CF_NAME, "cf1" };
    shale_db *db = NULL;
    shale_err err = {0};
    int rc = shale_db_open_cf(o, dir, 2, names, NULL, h, &db, &err);
    shale_options_free(o);
    cr_assert_eq(rc, SHALE_OK, "%s", err.msg);
    return db;
}

static void close_two_families(shale_db *db, shale_cf **h)
{
    for (int i = 0; i < 2; i++)
        if (h[i] != shale_db_default_cf(db))
            shale_cf_handle_free(h[i]);
    cu_close(db);
}

static char *get_cf(shale_db *db, shale_cf *cf, const char *k)
{
    char *v = NULL;
    size_t vl = 0;
    int rc = shale_get_cf(db, NULL, cf, k, strlen(k), &v, &vl, NULL);
    if (rc != SHALE_OK)
        return NULL;
    char *s = strndup(v, vl);
    shale_free(v);
    return s;
}

Test(native, checkpoint_covers_every_column_family)
{
    char *src = cu_join(g_tmp, "db"), *dst = cu_join(g_tmp, "ck");
    shale_cf *h[2];
    shale_db *db = open_two_families(src, h);
    shale_err err = {0};
    cr_assert_eq(shale_put_cf(db, NULL, h[0], "k", 1, "in-default", 10, &err), SHALE_OK);
    cr_assert_eq(shale_put_cf(db, NULL, h[1], "k", 1, "in-cf1", 6, &err), SHALE_OK);
    cr_assert_eq(shale_flush_cf(db, h[1], true, &err), SHALE_OK);
    cr_assert_eq(shale_put_cf(db, NULL, h[1], "m", 1, "unflushed", 9, &err), SHALE_OK);
    cr_assert_eq(shale_checkpoint_create(db, dst, 0, &err), SHALE_OK, "%s", err.msg);
    close_two_families(db, h);
    db = open_two_families(dst, h);
    char *a = get_cf(db, h[0], "k"), *b = get_cf(db, h[1], "k"), *c = get_cf(db, h[1], "m");
    cr_assert_str_eq(a, "in-default");
    cr_assert_str_eq(b, "in-cf1");
    cr_assert_str_eq(c, "unflushed");
    free(a), free(b), free(c);
    close_two_families(db, h);
    free(src), free(dst);
}
