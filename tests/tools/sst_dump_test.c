/* tests/tools/sst_dump_test.c: `sst-dump` against Debian's RocksDB 7.8.3
 * `sst_dump`, the oracle.  Both run on the same fixture files and their
 * outputs must agree line by line.  The one line we drop before comparing
 * is RocksDB's first, "options.env is 0x<pointer>": a process address,
 * different on every run of either tool (we print one of the same shape,
 * checked separately).
 *
 * Properties need no other exception: every value printed comes from the
 * file itself (the session id, host and times are random per file when it
 * is written, not when it is read), and "unique ID" is derived from them
 * the way RocksDB derives it, so it is compared like every other line.
 *
 * Also covered: verify/check succeed on good files, a flipped data byte
 * fails our verify with Corruption naming the file (RocksDB 7.8.3's own
 * verify misses it), truncated and empty files fail cleanly, Snappy is
 * refused as Not implemented, directories, raw dumps, bad flags. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/sst.h"
#include "shale/table.h"
#include "tests/support/test_util.h"

/* Every fixture SST (Snappy's when this build has libsnappy). */
static const char *const fixtures[] = {
    "sst_plain_crc32c.sst", "sst_lz4_xxh3.sst",  "sst_tiny_blocks.sst",
    "sst_tiny_blocks_delta.sst", "sst_hash_index.sst", "sst_ribbon.sst",
    "sst_del_merge.sst",    "sst_range_del.sst", "db/000012.sst",
    "db/000014.sst",
#ifdef SHALE_HAVE_SNAPPY
    "sst_snappy_defaults.sst",
#endif
};
#define NUM_FIXTURES (sizeof fixtures / sizeof fixtures[0])

typedef struct run_out {
    char *out;    /* stdout (and stderr when asked), malloc'd */
    int status;
} run_out;

/* Runs "<prog> <args>" with stderr sent per `stderr_to`. */
SHALE_PRINTF(3, 4)
static run_out run_prog(const char *prog, const char *stderr_to, const char *fmt, ...)
{
    char args[4096], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s %s", prog, args, stderr_to);
    run_out r = {NULL, -1};
    r.out = test_run(cmd, &r.status);
    cr_assert_not_null(r.out, "could not run: %s", cmd);
    return r;
}

static char *ours_path(void)
{
    char *p = build_path("sst-dump");
    cr_assert_not_null(p);
    return p;
}

/* Drops the leading "options.env is 0x..." line, if present. */
static const char *skip_env_line(const char *s)
{
    if (strncmp(s, "options.env is 0x", 17) != 0)
        return s;
    const char *nl = strchr(s, '\n');
    return nl == NULL ? s + strlen(s) : nl + 1;
}

static void assert_same_lines(const char *what, const char *ours, const char *theirs)
{
    const char *a = skip_env_line(ours), *b = skip_env_line(theirs);
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

/* Runs both tools with the same arguments on stdout only; same lines and
 * the same exit status. */
SHALE_PRINTF(1, 2)
static void compare_with_rocksdb(const char *fmt, ...)
{
    char args[4096], what[4200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char *ours = ours_path();
    run_out o = run_prog(ours, "2>/dev/null", "%s", args);
    run_out t = run_prog("sst_dump", "2>/dev/null", "%s", args);
    snprintf(what, sizeof what, "sst-dump %s", args);
    cr_assert_gt(strlen(t.out), 0, "rocksdb printed nothing for %s", args);
    assert_same_lines(what, o.out, t.out);
    cr_assert_eq(o.status, t.status, "%s: exit %d, rocksdb %d", what, o.status, t.status);
    free(o.out);
    free(t.out);
    free(ours);
}

/* Like compare_with_rocksdb(), and stderr must match too. */
SHALE_PRINTF(1, 2)
static void compare_streams_with_rocksdb(const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    compare_with_rocksdb("%s", args);
    char *ours = ours_path();
    run_out o = run_prog(ours, "2>&1 >/dev/null", "%s", args);
    run_out t = run_prog("sst_dump", "2>&1 >/dev/null", "%s", args);
    cr_assert_gt(strlen(t.out), 0, "rocksdb wrote no error for %s", args);
    assert_same_lines(args, o.out, t.out);
    free(o.out);
    free(t.out);
    free(ours);
}

static void for_each_fixture(const char *extra)
{
    for (size_t i = 0; i < NUM_FIXTURES; i++) {
        char *f = fixture_path(fixtures[i]);
        compare_with_rocksdb("--file=%s %s", f, extra);
        free(f);
    }
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = test_read_file(from, &len);
    cr_assert_not_null(data, "cannot read %s", from);
    cr_assert(test_write_file(to, data, len), "cannot write %s", to);
    free(data);
}

static void suite_init(void)
{
    cr_assert(test_have_program("sst_dump"), "Debian's sst_dump (the oracle) is not installed");
}

TestSuite(sst_dump, .init = suite_init, .timeout = 120);

Test(sst_dump, scan_prints_rocksdb_lines_for_every_fixture)
{
    for_each_fixture("--command=scan");
}

Test(sst_dump, scan_output_hex_prints_rocksdb_lines_for_every_fixture)
{
    for_each_fixture("--command=scan --output_hex");
}

Test(sst_dump, scan_bounds_and_read_num_follow_rocksdb)
{
    static const char *const variants[] = {
        "--command=scan --from=key00000100 --to=key00000150",
        "--command=scan --from=key00000995",            /* to the end of small files */
        "--command=scan --to=key00000003 --output_hex",
        "--command=scan --read_num=7",
        "--command=scan --read_num=1 --from=key00000500",
        "--command=scan --read_num=0 --from=key00001990",   /* 0: no limit */
        "--command=scan --prefix=key0000123",
        ("--command=scan --input_key_hex --from=0x6B6579303030303030313030 "
         "--to=0x6B6579303030303030313130 --output_hex"),
        "--command=check --from=key00000010 --read_num=3",
    };
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++)
        for_each_fixture(variants[v]);
}

/* No line is excluded: see the file comment. */
Test(sst_dump, show_properties_prints_rocksdb_table_properties)
{
    for_each_fixture("--show_properties --command=none");
    for_each_fixture("--show_properties --command=scan --read_num=2");
}

Test(sst_dump, first_line_has_rocksdb_shape)
{
    char *ours = ours_path(), *f = fixture_path("sst_plain_crc32c.sst");
    run_out o = run_prog(ours, "2>&1", "--file=%s --command=none", f);
    unsigned long long ptr = 0;
    char rest[64] = "";
    cr_assert_eq(sscanf(o.out, "options.env is 0x%llx%63s", &ptr, rest), 2, "got: %s", o.out);
    cr_assert_neq(ptr, 0);
    cr_assert_str_eq(rest, "Process");
    free(o.out);
    free(f);
    free(ours);
}

Test(sst_dump, verify_and_checked_scan_succeed_on_every_fixture)
{
    char *ours = ours_path();
    for (size_t i = 0; i < NUM_FIXTURES; i++) {
        char *f = fixture_path(fixtures[i]);
        run_out v = run_prog(ours, "2>&1", "--file=%s --command=verify", f);
        cr_assert_eq(v.status, 0, "verify %s: %s", f, v.out);
        cr_assert_not_null(strstr(v.out, "\nThe file is ok\n"), "verify %s: %s", f, v.out);
        run_out c = run_prog(ours, "2>&1", "--file=%s --command=check --verify_checksum", f);
        cr_assert_eq(c.status, 0, "check %s: %s", f, c.out);
        cr_assert_null(strstr(c.out, "Corruption"), "check %s: %s", f, c.out);
        free(v.out);
        free(c.out);
        free(f);
    }
    free(ours);
}

#ifndef SHALE_HAVE_SNAPPY
Test(sst_dump, snappy_fixture_is_not_supported_and_named)
{
    char *ours = ours_path(), *f = fixture_path("sst_snappy_defaults.sst");
    run_out o = run_prog(ours, "2>&1", "--file=%s --command=scan", f);
    cr_assert_neq(o.status, 0, "%s", o.out);
    cr_assert_not_null(strstr(o.out, "Not implemented: "), "%s", o.out);
    cr_assert_not_null(strstr(o.out, "Snappy"), "%s", o.out);
    free(o.out);
    free(f);
    free(ours);
}
#endif

/* Offset 5000 lies in the data area: the file's properties say its data
 * blocks fill the first 138466 bytes (rocksdb.data.size, as RocksDB's own
 * sst_dump prints it). */
Test(sst_dump, flipped_data_byte_fails_verify_with_corruption_naming_file)
{
    char *ours = ours_path(), *src = fixture_path("sst_plain_crc32c.sst");
    char *dir = test_tmpdir("sstdump-flip"), path[4096];
    snprintf(path, sizeof path, "%s/flipped.sst", dir);
    size_t len;
    char *data = test_read_file(src, &len);
    cr_assert_not_null(data);
    cr_assert_gt(len, 5000);
    data[5000] ^= 0x20;
    cr_assert(test_write_file(path, data, len));

    run_out v = run_prog(ours, "2>&1", "--file=%s --command=verify", path);
    cr_assert_eq(v.status, 1, "%s", v.out);
    cr_assert_not_null(strstr(v.out, "is corrupted: Corruption: "), "%s", v.out);
    cr_assert_not_null(strstr(v.out, path), "%s", v.out);
    cr_assert_null(strstr(v.out, "The file is ok"), "%s", v.out);
    run_out c = run_prog(ours, "2>&1", "--file=%s --command=check --verify_checksum", path);
    cr_assert_eq(c.status, 1, "%s", c.out);
    cr_assert_not_null(strstr(c.out, "Corruption: "), "%s", c.out);
    /* raw skips the damaged block with RocksDB's words and goes on. */
    char dump[4200], theirs[4200];
    snprintf(dump, sizeof dump, "%s/flipped_dump.txt", dir);
    snprintf(theirs, sizeof theirs, "%s/rocksdb_dump.txt", dir);
    run_out t = run_prog("sst_dump", "2>&1", "--file=%s --command=raw", path);
    cr_assert_eq(rename(dump, theirs), 0);
    run_out r = run_prog(ours, "2>&1", "--file=%s --command=raw", path);
    cr_assert_eq(r.status, t.status);
    size_t la, lb;
    char *a = test_read_file(dump, &la), *b = test_read_file(theirs, &lb);
    cr_assert(a != NULL && b != NULL);
    cr_assert_not_null(strstr(a, "Error reading the block - Skipped"));
    assert_same_lines("raw dump of a damaged file", a, b);
    free(a);
    free(b);
    free(t.out);
    free(r.out);
    free(v.out);
    free(c.out);
    free(data);
    test_rmtree(dir);
    free(dir);
    free(src);
    free(ours);
}

Test(sst_dump, truncated_and_empty_files_fail_cleanly)
{
    char *ours = ours_path(), *src = fixture_path("sst_plain_crc32c.sst");
    char *dir = test_tmpdir("sstdump-trunc"), path[4096], empty[4096];
    snprintf(path, sizeof path, "%s/truncated.sst", dir);
    snprintf(empty, sizeof empty, "%s/empty.sst", dir);
    size_t len;
    char *data = test_read_file(src, &len);
    cr_assert_not_null(data);
    static const size_t cuts[] = {0, 30, 5000, 70000};   /* 0: an empty file */
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        cr_assert(test_write_file(path, data, cuts[i]));
        static const char *const cmds[] = {"verify", "scan", "check", "identify", "raw"};
        for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++) {
            run_out o = run_prog(ours, "2>&1", "--file=%s --command=%s", path, cmds[c]);
            cr_assert_eq(o.status, 1, "cut %zu %s: status %d: %s", cuts[i], cmds[c], o.status,
                         o.out);
            cr_assert_not_null(strstr(o.out, "is not a valid SST file"), "%s", o.out);
            cr_assert(cuts[i] == 0 || strstr(o.out, ": Corruption: ") != NULL, "%s", o.out);
            free(o.out);
        }
    }
    /* Empty and missing files: RocksDB's exact words (stdout and stderr
     * apart: the two tools buffer stdout differently) and status. */
    cr_assert(test_write_file(empty, "", 0));
    compare_streams_with_rocksdb("--file=%s --command=check", empty);
    compare_streams_with_rocksdb("--file=%s/missing.sst", dir);
    free(data);
    test_rmtree(dir);
    free(dir);
    free(src);
    free(ours);
}

Test(sst_dump, directory_argument_matches_rocksdb)
{
    char *db = fixture_path("db");
    compare_with_rocksdb("--file=%s --command=identify", db);
    compare_with_rocksdb("--file=%s --command=scan --read_num=150", db);
    compare_with_rocksdb("--file=%s --command=scan --read_num=2700 --output_hex", db);
    compare_with_rocksdb("--file=%s --show_properties --show_summary --command=check", db);
    compare_with_rocksdb("--file=%s --command=verify", db);
    free(db);
}

Test(sst_dump, directory_with_a_bad_member_lists_the_good_ones_and_fails)
{
    char *ours = ours_path(), *dir = test_tmpdir("sstdump-dir"), path[4096];
    for (size_t i = 0; i < 3; i++) {
        char *src = fixture_path(fixtures[i]);
        snprintf(path, sizeof path, "%s/%s", dir, fixtures[i]);
        copy_file(src, path);
        free(src);
    }
    snprintf(path, sizeof path, "%s/junk.sst", dir);
    cr_assert(test_write_file(path, "not an sst file at all, just some text bytes here....", 53));
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    cr_assert(test_write_file(path, "ignored", 7));
    /* Same walk order and listing as RocksDB's (readdir order). */
    run_out o = run_prog(ours, "2>/dev/null", "--file=%s --command=identify", dir);
    run_out t = run_prog("sst_dump", "2>/dev/null", "--file=%s --command=identify", dir);
    assert_same_lines("identify dir", o.out, t.out);
    cr_assert_not_null(strstr(o.out, "Number of valid SST files: 3\n"), "%s", o.out);
    cr_assert_eq(o.status, 1, "a bad member makes our exit status 1");
    free(o.out);
    free(t.out);
    test_rmtree(dir);
    free(dir);
    free(ours);
}

Test(sst_dump, raw_dump_file_equals_rocksdb_dump)
{
    char *ours = ours_path(), *dir = test_tmpdir("sstdump-raw");
    char path[4096], dump[4096], theirs_dump[4096];
    snprintf(path, sizeof path, "%s/t.sst", dir);
    snprintf(dump, sizeof dump, "%s/t_dump.txt", dir);
    snprintf(theirs_dump, sizeof theirs_dump, "%s/rocksdb_dump.txt", dir);
    for (size_t i = 0; i < NUM_FIXTURES; i++) {
        char *src = fixture_path(fixtures[i]);
        copy_file(src, path);
        run_out t = run_prog("sst_dump", "2>&1", "--file=%s --command=raw", path);
        cr_assert_eq(t.status, 0, "%s", t.out);
        cr_assert_eq(rename(dump, theirs_dump), 0);
        run_out o = run_prog(ours, "2>&1", "--file=%s --command=raw", path);
        cr_assert_eq(o.status, 0, "%s", o.out);
        assert_same_lines(fixtures[i], o.out, t.out);
        size_t la, lb;
        char *a = test_read_file(dump, &la), *b = test_read_file(theirs_dump, &lb);
        cr_assert_not_null(a);
        cr_assert_not_null(b);
        cr_assert_gt(lb, 1000);
        assert_same_lines(fixtures[i], a, b);
        cr_assert_eq(la, lb, "%s: dump sizes %zu vs %zu", fixtures[i], la, lb);
        free(a);
        free(b);
        free(o.out);
        free(t.out);
        free(src);
    }
    test_rmtree(dir);
    free(dir);
    free(ours);
}

Test(sst_dump, bad_flags_exit_non_zero_with_a_reason)
{
    char *ours = ours_path(), *f = fixture_path("sst_plain_crc32c.sst");
    static const struct {
        const char *args, *expect;
    } cases[] = {
        {"--bogus", "Unrecognized argument '--bogus'"},
        {"--read_num=abc", "Unrecognized argument '--read_num=abc'"},
        {"--read_num=-1", "Unrecognized argument '--read_num=-1'"},
        {"--command=bogus", "unknown command 'bogus'"},
        {"--command=recompress", "Not implemented: "},
        {"--env_uri=posix://", "Not implemented: "},
        {"--input_key_hex --from=key1", "Must start with 0x"},
        {"--input_key_hex --from=0x6B6", "Invalid argument: "},
        {"--prefix=a --from=b", "Cannot specify --prefix and --from"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_out o = run_prog(ours, "2>&1", "--file=%s %s", f, cases[i].args);
        cr_assert_eq(o.status, 1, "%s: status %d", cases[i].args, o.status);
        cr_assert_not_null(strstr(o.out, cases[i].expect), "%s: %s", cases[i].args, o.out);
        cr_assert_null(strstr(o.out, "Process "), "%s: went on: %s", cases[i].args, o.out);
        free(o.out);
    }
    run_out o = run_prog(ours, "2>&1", "--command=scan");
    cr_assert_eq(o.status, 1);
    cr_assert_not_null(strstr(o.out, "file or directory must be specified."), "%s", o.out);
    cr_assert_not_null(strstr(o.out, "--read_num="), "usage follows: %s", o.out);
    free(o.out);
    free(f);
    free(ours);
}

Test(sst_dump, help_lists_the_flags_and_exits_zero)
{
    char *ours = ours_path();
    run_out o = run_prog(ours, "2>&1", "--help");
    cr_assert_eq(o.status, 0);
    static const char *const flags[] = {"--file=", "--command=", "--from=", "--to=",
                                        "--input_key_hex", "--read_num=", "--output_hex",
                                        "--verify_checksum", "--show_properties"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        cr_assert_not_null(strstr(o.out, flags[i]), "%s missing from help", flags[i]);
    free(o.out);
    free(ours);
}

/* Writes `n` pseudo-random binary entries (puts, deletes, merges) with
 * shale's SST writer in the given configuration. */
static void write_shale_sst(const char *path, int fv, int checksum, int compression, int n)
{
    shale_table_options *t = shale_table_options_new();
    shale_table_options_set_format_version(t, fv);
    shale_table_options_set_checksum(t, checksum);
    shale_table_options_set_block_size(t, fv % 2 ? 512 : 4096);
    shale_sst_writer *w = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_sst_writer_open(path, t, compression, &w, &err), SHALE_OK, "%s", err.msg);
    uint64_t x = 88172645463325252u + (uint64_t)n;
    char key[24], val[64];
    for (int i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int klen = snprintf(key, sizeof key, "k%06d", i);
        key[klen++] = (char)(x & 0xff);           /* a binary tail byte */
        size_t vlen = (size_t)(x >> 8) % sizeof val;
        for (size_t j = 0; j < vlen; j++)
            val[j] = (char)((x >> (j % 56)) & 0xff);
        int rc = i % 7 == 3   ? shale_sst_writer_delete(w, key, (size_t)klen, &err)
                 : i % 7 == 5 ? shale_sst_writer_merge(w, key, (size_t)klen, val, vlen, &err)
                              : shale_sst_writer_put(w, key, (size_t)klen, val, vlen, &err);
        cr_assert_eq(rc, SHALE_OK, "%s", err.msg);
    }
    cr_assert_eq(shale_sst_writer_finish(w, NULL, &err), SHALE_OK, "%s", err.msg);
    shale_sst_writer_free(w);
    shale_table_options_free(t);
}

Test(sst_dump, both_tools_print_the_same_for_files_shale_wrote)
{
    char *dir = test_tmpdir("sstd-shale");
    char path[512];
    int n = 0;
    for (int fv = 2; fv <= 5; fv++)
        for (int checksum = 0; checksum <= 4; checksum += 1 + (fv % 2), n++) {
            snprintf(path, sizeof path, "%s/s%02d.sst", dir, n);
            write_shale_sst(path, fv, checksum, n % 2 ? SHALE_LZ4_COMPRESSION : SHALE_NO_COMPRESSION,
                            400 + 37 * n);
            compare_with_rocksdb("--file=%s --command=scan", path);
            compare_with_rocksdb("--file=%s --command=scan --output_hex", path);
            compare_with_rocksdb("--file=%s --command=verify", path);
            compare_with_rocksdb("--file=%s --show_properties --command=none", path);
        }
    test_rmtree(dir);
    free(dir);
}

Test(sst_dump, both_tools_print_the_same_for_files_rocksdb_wrote)
{
    char *dir = test_tmpdir("sstd-rocks");
    char *oracle = build_path("tests/rocksdb-oracle");
    char path[512], cmd[2048];
    int n = 0;
    for (int fv = 2; fv <= 5; fv++)
        for (int checksum = 0; checksum <= 4; checksum++, n++) {
            snprintf(path, sizeof path, "%s/r%02d.sst", dir, n);
            snprintf(cmd, sizeof cmd,
                     "'%s' write-sst '%s' --seed=%d --count=%d --checksum=%d --format-version=%d "
                     "--compression=%s --block-size=%d >/dev/null",
                     oracle, path, n, 300 + 20 * n, checksum, fv, n % 2 ? "lz4" : "none",
                     n % 3 ? 4096 : 300);
            cr_assert_eq(system(cmd), 0, "%s", cmd);
            compare_with_rocksdb("--file=%s --command=scan", path);
            compare_with_rocksdb("--file=%s --command=scan --output_hex", path);
            compare_with_rocksdb("--file=%s --show_properties --command=none", path);
        }
    free(oracle);
    test_rmtree(dir);
    free(dir);
}
