/* tests/tools/ldb_test.c: `ldb` (shale-ldb) against Debian's RocksDB 7.8.3
 * `ldb`, the oracle.  Every comparison runs both tools with the same
 * arguments and requires the same stdout, the same stderr and the same exit
 * status.
 *
 * Commands that open a database change it in both engines (the WAL is
 * replayed into a new table file and a new MANIFEST is written), so each
 * tool gets its own fresh copy of the fixture database; the read-only
 * fixture itself is only read (dump_wal, manifest_dump --path).
 *
 * Not compared: get_property (shale opens read-write, so level counts
 * differ after the WAL replay), --help (our text names our commands). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/api.h"
#include "tests/support/test_util.h"

typedef struct run_res {
    char *out;     /* stdout, malloc'd */
    char *err;     /* stderr, malloc'd */
    int status;
} run_res;

static char *g_tmp;

static void setup(void)
{
    cr_assert(test_have_program("ldb"), "Debian's RocksDB ldb is needed as the oracle");
    g_tmp = test_tmpdir("ldb");
    cr_assert_not_null(g_tmp);
}

static void teardown(void)
{
    if (g_tmp != NULL)
        test_rmtree(g_tmp);
    free(g_tmp);
    g_tmp = NULL;
}

TestSuite(ldb, .init = setup, .fini = teardown);

static void run_res_free(run_res *r)
{
    free(r->out);
    free(r->err);
}

/* Runs "<prog> <args>", capturing stdout, stderr and the exit status. */
SHALE_PRINTF(2, 3)
static run_res run_tool(const char *prog, const char *fmt, ...)
{
    char args[4096], cmd[16384], errf[4200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(errf, sizeof errf, "%s/stderr.txt", g_tmp);
    snprintf(cmd, sizeof cmd, "%s %s 2>%s", prog, args, errf);
    run_res r = {NULL, NULL, -1};
    r.out = test_run(cmd, &r.status);
    cr_assert_not_null(r.out, "could not run: %s", cmd);
    size_t n;
    r.err = test_read_file(errf, &n);
    cr_assert_not_null(r.err);
    return r;
}

static char *ours(void)
{
    static char *p;
    if (p == NULL)
        p = build_path("ldb");
    cr_assert_not_null(p);
    return p;
}

static void assert_same_lines(const char *what, const char *a, const char *b)
{
    size_t line = 1;
    while (*a != '\0' || *b != '\0') {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la) != 0)
            cr_assert_fail("%s: line %zu differs\n  ours:    %.*s\n  rocksdb: %.*s", what, line,
                           (int)la, a, (int)lb, b);
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
        line++;
    }
}

static void assert_same(const char *what, const run_res *s, const run_res *r)
{
    assert_same_lines(what, s->out, r->out);
    assert_same_lines(what, s->err, r->err);
    cr_assert_str_eq(s->out, r->out, "%s: stdout differs", what);
    cr_assert_str_eq(s->err, r->err, "%s: stderr differs", what);
    cr_assert_eq(s->status, r->status, "%s: exit status %d, RocksDB's %d", what, s->status,
                 r->status);
}

/* Runs both tools with the same arguments (no database) and compares. */
static void compare_plain(const char *args)
{
    run_res s = run_tool(ours(), "%s", args), r = run_tool("ldb", "%s", args);
    assert_same(args, &s, &r);
    run_res_free(&s);
    run_res_free(&r);
}

/* A fresh writable copy of `src` named dir/name; returns its path. */
static char *copy_db(const char *src, const char *name)
{
    char *dst = malloc(strlen(g_tmp) + strlen(name) + 2);
    cr_assert_not_null(dst);
    sprintf(dst, "%s/%s", g_tmp, name);
    char cmd[8192];
    int st;
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s' && chmod -R u+w '%s'", dst, src,
             dst, dst);
    free(test_run(cmd, &st));
    cr_assert_eq(st, 0, "copy failed: %s", cmd);
    return dst;
}

/* Runs `args` on two fresh copies of src, one per tool, and compares. */
static void compare_on_copies(const char *src, const char *args)
{
    char *a = copy_db(src, "ours"), *b = copy_db(src, "theirs");
    run_res s = run_tool(ours(), "--db=%s %s", a, args);
    run_res r = run_tool("ldb", "--db=%s %s", b, args);
    /* The path is part of some lines: compare with the paths swapped in. */
    char *exp = malloc(strlen(r.out) * 2 + strlen(a) + 1), *p = exp;
    cr_assert_not_null(exp);
    for (const char *q = r.out; *q != '\0';) {
        if (strncmp(q, b, strlen(b)) == 0) {
            p += sprintf(p, "%s", a);
            q += strlen(b);
        } else {
            *p++ = *q++;
        }
    }
    *p = '\0';
    free(r.out);
    r.out = exp;
    assert_same(args, &s, &r);
    run_res_free(&s);
    run_res_free(&r);
    free(a);
    free(b);
}

static char *fixture_db(void)
{
    char *p = fixture_path("db");
    cr_assert_not_null(p);
    return p;
}

/* --- no database opened ------------------------------------------------------ */

Test(ldb, dump_wal_with_header_and_values_matches_rocksdb)
{
    char *wal = fixture_path("db/000013.log"), args[4096];
    snprintf(args, sizeof args, "dump_wal --walfile=%s --header --print_value", wal);
    run_res s = run_tool(ours(), "%s", args);
    cr_assert_eq(s.status, 0);
    cr_assert(strncmp(s.out, "Sequence,Count,ByteSize,Physical Offset,Key(s) : value \n", 56) == 0);
    run_res_free(&s);
    compare_plain(args);
    snprintf(args, sizeof args, "dump_wal --walfile=%s", wal);
    compare_plain(args);
    free(wal);
}

Test(ldb, dump_wal_errors_match_rocksdb)
{
    compare_plain("dump_wal --walfile=/nonexistent/000001.log");
    compare_plain("dump_wal --header");
}

Test(ldb, manifest_dump_path_matches_rocksdb)
{
    char *m = fixture_path("db/MANIFEST-000005"), args[4096];
    snprintf(args, sizeof args, "manifest_dump --path=%s", m);
    compare_plain(args);
    snprintf(args, sizeof args, "manifest_dump --path=%s --verbose --hex", m);
    compare_plain(args);
    compare_plain("manifest_dump --path=/nonexistent/MANIFEST-000001");
    free(m);
}

Test(ldb, manifest_dump_with_db_finds_the_manifest_like_rocksdb)
{
    char *src = fixture_db();
    compare_on_copies(src, "manifest_dump --verbose");
    free(src);
}

Test(ldb, list_column_families_matches_rocksdb)
{
    char *src = fixture_db();
    compare_on_copies(src, "list_column_families");
    compare_plain("--db=/nonexistent/db list_column_families");
    free(src);
}

Test(ldb, checkconsistency_matches_rocksdb_on_good_and_damaged_copies)
{
    char *src = fixture_db();
    compare_on_copies(src, "checkconsistency");
    compare_plain("--db=/nonexistent/db checkconsistency");

    char *bad = copy_db(src, "damaged"), cmd[8192], args[4200];
    int st;
    snprintf(cmd, sizeof cmd, "printf xx >> '%s/000014.sst'", bad);   /* size mismatch */
    free(test_run(cmd, &st));
    snprintf(args, sizeof args, "--db=%s checkconsistency", bad);
    compare_plain(args);
    snprintf(cmd, sizeof cmd, "rm '%s/000014.sst'", bad);              /* missing file */
    free(test_run(cmd, &st));
    compare_plain(args);
    free(bad);
    free(src);
}

Test(ldb, bad_command_lines_fail_like_rocksdb)
{
    compare_plain("--db=/nonexistent/db checkconsistency --bogus");
    compare_plain("--db=/nonexistent/db checkconsistency --zz=1 --aa=2");
    compare_plain("checkconsistency x");
    compare_plain("--db=/nonexistent/db get");
    compare_plain("--db=/nonexistent/db get k");
    compare_plain("--db=/nonexistent/db put k v");
    compare_plain("--db=/nonexistent/db --hex get nothex");  /* both abort */
}

/* --- through the database -------------------------------------------------------- */

Test(ldb, scan_and_dump_of_the_fixture_db_match_rocksdb)
{
    char *src = fixture_db();
    compare_on_copies(src, "scan");
    compare_on_copies(src, "scan --hex");
    compare_on_copies(src, "scan --from=key00001000 --to=key00001010 --value_hex");
    compare_on_copies(src, "dump");
    compare_on_copies(src, "dump --key_hex --max_keys=7");
    compare_on_copies(src, "dump --count_only");
    free(src);
}

Test(ldb, scan_of_the_fixture_db_is_its_expected_contents)
{
    char *src = fixture_db(), *db = copy_db(src, "expected");
    run_res s = run_tool(ours(), "--db=%s scan --hex", db);
    cr_assert_eq(s.status, 0);
    char *exp_path = fixture_path("db.expected.txt");
    size_t n;
    char *exp = test_read_file(exp_path, &n);
    cr_assert_not_null(exp);
    /* expected: "hexkey hexvalue" lower-case; ours: "0xHEX : 0xHEX" */
    size_t lines = 0;
    const char *e = strchr(exp, '\n') + 1, *o = s.out;
    while (*e != '\0') {
        char key[512], val[2048], okey[512], oval[2048];
        cr_assert_eq(sscanf(e, "%511s %2047s", key, val), 2);
        cr_assert_eq(sscanf(o, "0x%511s : 0x%2047s", okey, oval), 2, "line %zu", lines + 1);
        cr_assert_eq(strcasecmp(key, okey), 0, "key of line %zu", lines + 1);
        cr_assert_eq(strcasecmp(val, oval), 0, "value of line %zu", lines + 1);
        e = strchr(e, '\n') + 1;
        o = strchr(o, '\n') + 1;
        lines++;
    }
    cr_assert_eq(*o, '\0');
    cr_assert_eq(lines, 3106);
    run_res_free(&s);
    free(exp);
    free(exp_path);
    free(db);
    free(src);
}

Test(ldb, get_matches_rocksdb_for_present_absent_and_hex_keys)
{
    char *src = fixture_db();
    compare_on_copies(src, "get key00004002");
    compare_on_copies(src, "get key00004001");           /* deleted in the WAL */
    compare_on_copies(src, "--hex get 0x6B65793030303030303031");
    free(src);
}

Test(ldb, put_get_delete_round_trip)
{
    char db[4096];
    snprintf(db, sizeof db, "%s/new", g_tmp);
    run_res r = run_tool(ours(), "--db=%s put k1 v1 --create_if_missing", db);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "OK\n");
    run_res_free(&r);
    r = run_tool(ours(), "--db=%s --hex put 0x00FF 0x0102", db);
    cr_assert_str_eq(r.out, "OK\n");
    run_res_free(&r);
    r = run_tool(ours(), "--db=%s get k1", db);
    cr_assert_str_eq(r.out, "v1\n");
    run_res_free(&r);
    r = run_tool(ours(), "--db=%s delete k1", db);
    cr_assert_str_eq(r.out, "OK\n");
    run_res_free(&r);
    r = run_tool(ours(), "--db=%s get k1", db);
    cr_assert_eq(r.status, 1, "exit status %d", r.status);
    cr_assert_str_eq(r.err, "Failed: Get failed: NotFound: \n");
    run_res_free(&r);
    r = run_tool(ours(), "--db=%s --value_hex get k1x", db);
    cr_assert_str_eq(r.out, "");
    run_res_free(&r);
    /* RocksDB reads what shale wrote, and both tools scan it alike. */
    compare_on_copies(db, "scan --hex");
    compare_on_copies(db, "dump");
    compare_on_copies(db, "checkconsistency");
}

Test(ldb, compact_succeeds_silently_and_keeps_the_data)
{
    char *src = fixture_db(), *db = copy_db(src, "compacted");
    run_res r = run_tool(ours(), "--db=%s compact", db);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, "");
    run_res_free(&r);
    compare_on_copies(db, "scan --hex");
    compare_on_copies(db, "checkconsistency");
    free(db);
    free(src);
}

Test(ldb, get_property_prints_name_and_value)
{
    char *src = fixture_db(), *db = copy_db(src, "props");
    run_res r = run_tool(ours(), "--db=%s get_property rocksdb.num-files-at-level1", db);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "rocksdb.num-files-at-level1: 1\n");
    run_res_free(&r);
    compare_on_copies(src, "get_property rocksdb.no-such-property");
    free(db);
    free(src);
}
