/* tests/tools/db_bench_test.c: shale's `db_bench` (the build-tree binary)
 * against Debian's RocksDB 7.8.3 `db_bench`, the oracle.
 *
 * Output parsers written for RocksDB must accept ours, so every format
 * check runs one regular expression over both tools' output.  Keys and
 * values must be the bytes RocksDB's db_bench stores: the expected keys are
 * derived here from RocksDB's rule (8 bytes big-endian, then '0' padding),
 * RocksDB's own database is read back with `ldb scan --hex`, and ours
 * through the public API. */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/db.h"
#include "shale/merge.h"
#include "tests/support/test_util.h"

/* The flags the specification (issue 4) lists, by RocksDB's names. */
static const char *const SPEC_FLAGS[] = {
    "benchmarks", "num", "reads", "writes", "deletes", "value_size", "key_size",
    "compression_ratio", "threads", "duration", "seed", "db", "use_existing_db", "cache_size",
    "bloom_bits", "block_size", "compression_type", "compaction_style", "write_buffer_size",
    "max_write_buffer_number", "min_write_buffer_number_to_merge", "target_file_size_base",
    "max_bytes_for_level_base", "level0_file_num_compaction_trigger",
    "level0_slowdown_writes_trigger", "level0_stop_writes_trigger", "max_background_jobs",
    "open_files", "sync", "disable_wal", "batch_size", "seek_nexts", "checksum_type",
    "format_version", "histogram", "statistics", "stats_interval_seconds",
    "report_interval_seconds", "report_file", "benchmark_write_rate_limit", "json",
};

/* The result line as RocksDB-output parsers read it. */
#define RESULT_RE "^%s +: +[0-9]+\\.[0-9]{3} micros/op [0-9]+ ops/sec [0-9]+\\.[0-9]{3} " \
                  "seconds [0-9]+ operations;"

typedef struct run_out {
    char *out;
    int status;
} run_out;

SHALE_PRINTF(3, 4)
static run_out run_prog(const char *prog, const char *redirect, const char *fmt, ...)
{
    char args[4096], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s %s", prog, args, redirect);
    run_out r = { NULL, -1 };
    r.out = test_run(cmd, &r.status);
    cr_assert_not_null(r.out, "could not run: %s", cmd);
    return r;
}

static char *g_ours, *g_dir;

static void setup(void)
{
    g_ours = build_path("db_bench");
    g_dir = test_tmpdir("dbbench");
    cr_assert_not_null(g_dir);
    cr_assert(test_have_program("db_bench"), "Debian's db_bench (the oracle) is not installed");
}

static void teardown(void)
{
    test_rmtree(g_dir);
    free(g_dir);
    free(g_ours);
}

TestSuite(db_bench, .init = setup, .fini = teardown, .timeout = 120);

/* Whether some line of text matches the extended regex re. */
static bool has_line(const char *text, const char *re)
{
    regex_t rx;
    cr_assert_eq(regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE | REG_NOSUB), 0, "bad regex %s", re);
    bool hit = regexec(&rx, text, 0, NULL, 0) == 0;
    regfree(&rx);
    return hit;
}

static bool has_result_line(const char *text, const char *bench)
{
    char re[512];
    snprintf(re, sizeof re, RESULT_RE, bench);
    return has_line(text, re);
}

/* Runs both tools with the same flags on fresh directories; stderr dropped. */
static void run_both(const char *flags, run_out *ours, run_out *theirs)
{
    *ours = run_prog(g_ours, "2>/dev/null", "--db=%s/ours %s", g_dir, flags);
    *theirs = run_prog("db_bench", "2>/dev/null", "--db=%s/rocks %s", g_dir, flags);
    cr_assert_eq(ours->status, 0, "shale db_bench %s failed:\n%s", flags, ours->out);
    cr_assert_eq(theirs->status, 0, "RocksDB db_bench %s failed:\n%s", flags, theirs->out);
}

static void free_both(run_out *a, run_out *b)
{
    free(a->out);
    free(b->out);
}

Test(db_bench, help_lists_every_flag_of_the_specification)
{
    run_out r = run_prog(g_ours, "2>&1", "--help");
    cr_assert_eq(r.status, 0);
    for (size_t i = 0; i < sizeof SPEC_FLAGS / sizeof SPEC_FLAGS[0]; i++) {
        char re[128];
        snprintf(re, sizeof re, "^ +-%s \\(", SPEC_FLAGS[i]);
        cr_expect(has_line(r.out, re), "--help does not list --%s", SPEC_FLAGS[i]);
    }
    free(r.out);
}

Test(db_bench, unknown_flag_is_an_error_worded_as_rocksdb_words_it)
{
    run_out ours = run_prog(g_ours, "2>&1", "--no_such_flag=3 --benchmarks=fillseq --num=1");
    run_out theirs = run_prog("db_bench", "2>&1", "--no_such_flag=3 --benchmarks=fillseq --num=1");
    const char *re = "ERROR: unknown command line flag 'no_such_flag'";
    cr_expect_neq(ours.status, 0);
    cr_expect_neq(theirs.status, 0);
    cr_expect(has_line(ours.out, re), "ours said:\n%s", ours.out);
    cr_expect(has_line(theirs.out, re), "RocksDB said:\n%s", theirs.out);
    free_both(&ours, &theirs);
}

Test(db_bench, every_flag_form_sets_the_flag)
{
    /* --name=value, --name value, -name=value: the op count follows --num. */
    const char *forms[] = { "--num=7", "--num 7", "-num=7" };
    for (size_t i = 0; i < 3; i++) {
        run_out r = run_prog(g_ours, "2>/dev/null", "--db=%s/f --benchmarks=fillseq %s", g_dir,
                             forms[i]);
        cr_expect(has_line(r.out, " 7 operations;"), "%s:\n%s", forms[i], r.out);
        free(r.out);
    }
    /* Booleans: --name, --name=true, --noname, --name=false. */
    const struct { const char *flags; bool on; } bools[] = {
        { "--histogram", true }, { "--histogram=true", true }, { "--histogram=1", true },
        { "--histogram --nohistogram", false }, { "--histogram=false", false }, { "", false },
    };
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        run_out r = run_prog(g_ours, "2>/dev/null", "--db=%s/f --benchmarks=fillseq --num=5 %s",
                             g_dir, bools[i].flags);
        cr_expect_eq(has_line(r.out, "^Percentiles: "), bools[i].on, "'%s'", bools[i].flags);
        free(r.out);
    }
    run_out bad = run_prog(g_ours, "2>&1", "--num=many");
    cr_expect_neq(bad.status, 0);
    cr_expect(has_line(bad.out, "num"), "%s", bad.out);
    free(bad.out);
}

Test(db_bench, unsupported_settings_fail_with_a_clear_message)
{
    run_out r = run_prog(g_ours, "2>&1", "--db=%s/u --compression_type=xpress --num=1", g_dir);
    cr_expect_neq(r.status, 0);
    cr_expect(has_line(r.out, "compression_type=xpress is not supported"), "%s", r.out);
    free(r.out);
    r = run_prog(g_ours, "2>&1", "--db=%s/u --compaction_style=3 --num=1", g_dir);
    cr_expect_neq(r.status, 0);
    cr_expect(has_line(r.out, "^ERROR: unknown --compaction_style=3"), "%s", r.out);
    free(r.out);
}

/* Key i as RocksDB's GenerateKeyFromInt makes it (no prefixes). */
static void expected_key(uint64_t v, int key_size, char *out)
{
    int n = key_size < 8 ? key_size : 8;
    for (int i = 0; i < n; i++)
        out[i] = (char)(v >> (8 * (n - 1 - i)));
    for (int i = n; i < key_size; i++)
        out[i] = '0';
}

static void hex(const char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02X", (unsigned char)p[i]);
    out[2 * n] = '\0';
}

/* Checks fillseq of `count` keys of key_size bytes: our database through
 * the API, RocksDB's through ldb, both against the rule. */
static void check_fillseq_bytes(int key_size, int count)
{
    char flags[256];
    snprintf(flags, sizeof flags,
             "--benchmarks=fillseq --num=%d --key_size=%d --value_size=100 "
             "--compression_type=none --seed=1", count, key_size);
    run_out ours, theirs;
    run_both(flags, &ours, &theirs);
    free_both(&ours, &theirs);

    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ldb --db=%s/rocks scan --hex 2>&1", g_dir);
    int status;
    char *scan = test_run(cmd, &status);
    cr_assert_eq(status, 0, "%s", scan);

    char path[1024];
    snprintf(path, sizeof path, "%s/ours", g_dir);
    shale_options *o = shale_options_new();
    shale_db *db = NULL;
    shale_err err = { 0 };
    cr_assert_eq(shale_db_open(o, path, &db, &err), SHALE_OK, "%s", err.msg);
    shale_iter *it = shale_iter_new(db, NULL);
    shale_iter_seek_to_first(it);
    char *line = scan;
    for (int i = 0; i < count; i++) {
        char want[64], khex[129], vhex[2 * 100 + 1], rline[512];
        expected_key((uint64_t)i, key_size, want);
        cr_assert(shale_iter_valid(it), "key %d missing", i);
        size_t kl, vl;
        const char *k = shale_iter_key(it, &kl);
        const char *v = shale_iter_value(it, &vl);
        cr_assert_eq(kl, (size_t)key_size);
        cr_assert_eq(memcmp(k, want, kl), 0, "key %d differs from RocksDB's rule", i);
        cr_assert_eq(vl, 100u);
        hex(k, kl, khex);
        hex(v, vl, vhex);
        snprintf(rline, sizeof rline, "0x%s : 0x%s\n", khex, vhex);
        cr_assert_eq(strncmp(line, rline, strlen(rline)), 0,
                     "entry %d: RocksDB stored\n%.*s\nshale stored\n%s", i,
                     (int)strcspn(line, "\n"), line, rline);
        line += strlen(rline);
        shale_iter_next(it);
    }
    cr_expect_not(shale_iter_valid(it));
    shale_iter_free(it);
    cr_assert_eq(shale_db_close(db, &err), SHALE_OK);
    shale_options_free(o);
    free(scan);
}

Test(db_bench, fillseq_stores_rocksdb_keys_and_values_byte_for_byte)
{
    check_fillseq_bytes(16, 300);
}

Test(db_bench, short_keys_keep_the_low_bytes_as_rocksdb_does)
{
    check_fillseq_bytes(4, 300);
}

Test(db_bench, every_benchmark_prints_a_result_line_rocksdb_parsers_accept)
{
    const char *list = "fillseq,fillrandom,overwrite,fillsync,fill100K,readseq,readreverse,"
                       "readrandom,readmissing,seekrandom,readwhilewriting,"
                       "readrandomwriterandom,updaterandom,deleteseq,deleterandom,compact";
    char flags[1024];
    snprintf(flags, sizeof flags, "--benchmarks=%s,flush,waitforcompaction,stats,levelstats,"
                                  "sstables --num=200 --compression_type=none", list);
    run_out ours, theirs;
    run_both(flags, &ours, &theirs);
    char *names = strdup(list);
    for (char *s = NULL, *b = strtok_r(names, ",", &s); b != NULL; b = strtok_r(NULL, ",", &s)) {
        cr_expect(has_result_line(ours.out, b), "no shale result line for %s:\n%s", b, ours.out);
        cr_expect(has_result_line(theirs.out, b), "no RocksDB result line for %s", b);
    }
    free(names);
    cr_expect(has_line(ours.out, "^\\*\\* Compaction Stats \\[default\\] \\*\\*$"), "%s", ours.out);
    cr_expect(has_line(theirs.out, "^\\*\\* Compaction Stats \\[default\\] \\*\\*$"));
    free_both(&ours, &theirs);
}

Test(db_bench, checksum_benchmarks_report_bytes_per_op, .timeout = 180)
{
    run_out ours, theirs;
    run_both("--benchmarks=crc32c,xxh3", &ours, &theirs);
    const char *res[] = {
        "^crc32c +: .* operations; +[0-9]+\\.[0-9] MB/s \\(4096 per op\\)$",
        "^xxh3 +: .* operations; +[0-9]+\\.[0-9] MB/s \\(4096 per op\\)$",
    };
    for (int i = 0; i < 2; i++) {
        cr_expect(has_line(ours.out, res[i]), "%s", ours.out);
        cr_expect(has_line(theirs.out, res[i]), "%s", theirs.out);
    }
    free_both(&ours, &theirs);
}

Test(db_bench, readrandom_after_fillseq_finds_every_key)
{
    run_out ours, theirs;
    run_both("--benchmarks=fillseq,readrandom,seekrandom --num=2000 --seed=7", &ours, &theirs);
    const char *re = "^readrandom +: .* operations; .*MB/s \\(2000 of 2000 found\\)$";
    cr_expect(has_line(ours.out, re), "%s", ours.out);
    cr_expect(has_line(theirs.out, re), "%s", theirs.out);
    re = "^seekrandom +: .* operations; \\(2000 of 2000 found\\)$";
    cr_expect(has_line(ours.out, re), "%s", ours.out);
    cr_expect(has_line(theirs.out, re), "%s", theirs.out);
    free_both(&ours, &theirs);
}

Test(db_bench, readmissing_finds_nothing)
{
    run_out ours, theirs;
    run_both("--benchmarks=fillseq,readmissing --num=500", &ours, &theirs);
    const char *re = "^readmissing +: .* operations; \\(0 of 500 found\\)$";
    cr_expect(has_line(ours.out, re), "%s", ours.out);
    cr_expect(has_line(theirs.out, re), "%s", theirs.out);
    free_both(&ours, &theirs);
}

Test(db_bench, histogram_prints_the_percentiles_line)
{
    run_out ours, theirs;
    run_both("--benchmarks=fillseq,readrandom --num=500 --histogram", &ours, &theirs);
    const char *re = "^Percentiles: P50: [0-9.]+ P75: [0-9.]+ P99: [0-9.]+ P99\\.9: [0-9.]+ "
                     "P99\\.99: [0-9.]+$";
    cr_expect(has_line(ours.out, re), "%s", ours.out);
    cr_expect(has_line(theirs.out, re));
    cr_expect(has_line(ours.out, "^Microseconds per write:$"));
    cr_expect(has_line(ours.out, "^Microseconds per read:$"));
    cr_expect(has_line(ours.out, "^Count: 500 Average: [0-9.]+  StdDev: [0-9.]+$"), "%s", ours.out);
    free_both(&ours, &theirs);
}

Test(db_bench, statistics_prints_the_statistics_block)
{
    run_out ours, theirs;
    run_both("--benchmarks=fillseq,readrandom --num=500 --statistics", &ours, &theirs);
    const char *res[] = {
        "^STATISTICS:$",
        "^rocksdb\\.block\\.cache\\.miss COUNT : [0-9]+$",
        "^rocksdb\\.bytes\\.written COUNT : [0-9]+$",
        ("^rocksdb\\.db\\.get\\.micros P50 : [0-9.]+ P95 : [0-9.]+ P99 : [0-9.]+ P100 : [0-9.]+ "
         "COUNT : 500 SUM : [0-9]+$"),
    };
    for (size_t i = 0; i < sizeof res / sizeof res[0]; i++) {
        cr_expect(has_line(ours.out, res[i]), "shale lacks %s", res[i]);
        cr_expect(has_line(theirs.out, res[i]), "RocksDB lacks %s", res[i]);
    }
    free_both(&ours, &theirs);
}

Test(db_bench, repeat_syntax_prints_average_and_median_lines)
{
    run_out ours, theirs;
    run_both("--benchmarks=fillseq[X3-W1] --num=300", &ours, &theirs);
    const char *res[] = {
        "^Warming up benchmark by running 1 times$",
        "^Running benchmark for 3 times$",
        ("^fillseq \\[AVG 2 runs\\] : [0-9]+ \\(\xC2\xB1 [0-9]+\\) ops/sec; +[0-9.]+ \\(\xC2\xB1 "
         "[0-9.]+\\) MB/sec$"),
        "^fillseq \\[AVG    3 runs\\] : [0-9]+ \\(\xC2\xB1 [0-9]+\\) ops/sec;",
        "^fillseq \\[MEDIAN 3 runs\\] : [0-9]+ ops/sec; +[0-9.]+ MB/sec$",
    };
    for (size_t i = 0; i < sizeof res / sizeof res[0]; i++) {
        cr_expect(has_line(ours.out, res[i]), "shale lacks %s:\n%s", res[i], ours.out);
        cr_expect(has_line(theirs.out, res[i]), "RocksDB lacks %s", res[i]);
    }
    free_both(&ours, &theirs);
}

Test(db_bench, threads_merge_their_operations)
{
    run_out r = run_prog(g_ours, "2>/dev/null",
                         "--db=%s/t --benchmarks=fillrandom,readrandom --num=400 --threads=3",
                         g_dir);
    cr_assert_eq(r.status, 0, "%s", r.out);
    cr_expect(has_line(r.out, "^fillrandom +: .* 1200 operations;"), "%s", r.out);
    cr_expect(has_line(r.out, "^readrandom +: .* 1200 operations;.*\\([0-9]+ of 400 found\\)"), "%s", r.out);
    free(r.out);
}

Test(db_bench, json_holds_one_object_per_benchmark_with_every_field)
{
    char json[1024], cmd[2048];
    snprintf(json, sizeof json, "%s/out.json", g_dir);
    run_out r = run_prog(g_ours, "2>/dev/null",
                         "--db=%s/j --benchmarks=fillrandom,readrandom --num=300 --json=%s",
                         g_dir, json);
    cr_assert_eq(r.status, 0, "%s", r.out);
    free(r.out);
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import json,sys\n"
             "d = json.load(open(sys.argv[1]))\n"
             "b = d[\"benchmarks\"]\n"
             "assert [x[\"name\"] for x in b] == [\"fillrandom\", \"readrandom\"], b\n"
             "keys = (\"ops_per_sec\", \"mb_per_sec\", \"p50\", \"p99\", \"p99_9\", \"max\", "
             "\"write_amp\", \"stall_micros\", \"user_cpu_seconds\", \"sys_cpu_seconds\", "
             "\"peak_rss_kb\")\n"
             "for x in b:\n"
             "    for k in keys: assert isinstance(x[k], (int, float)), k\n"
             "    assert x[\"ops\"] == 300 and x[\"ops_per_sec\"] > 0 and x[\"max\"] >= x[\"p50\"]\n"
             "assert b[0][\"write_amp\"] > 0\n"
             "print(\"ok\")' %s 2>&1", json);
    int status;
    char *out = test_run(cmd, &status);
    cr_expect_eq(status, 0, "%s", out);
    free(out);
}

Test(db_bench, mergerandom_merges_into_merge_keys_keys_with_the_named_operator)
{
    run_out ours, theirs;
    run_both("--benchmarks=mergerandom --merge_operator=stringappend --merge_keys=1 --num=50 "
             "--value_size=4 --key_size=16", &ours, &theirs);
    const char *re = "^mergerandom +: .* operations; .*MB/s \\( updates:50\\)$";
    cr_expect(has_line(ours.out, re), "%s", ours.out);
    cr_expect(has_line(theirs.out, re), "%s", theirs.out);
    free_both(&ours, &theirs);
    /* One key got all 50 four-byte values, joined by ','. */
    char path[1024];
    snprintf(path, sizeof path, "%s/ours", g_dir);
    shale_options *o = shale_options_new();
    shale_options_set_merge_operator(o, shale_merge_operator_create_stringappend(','));
    shale_db *db = NULL;
    shale_err err = { 0 };
    cr_assert_eq(shale_db_open(o, path, &db, &err), SHALE_OK, "%s", err.msg);
    char key[16];
    expected_key(0, 16, key);
    char *v = NULL;
    size_t vl = 0;
    cr_assert_eq(shale_get(db, NULL, key, sizeof key, &v, &vl, &err), SHALE_OK, "%s", err.msg);
    cr_expect_eq(vl, 50 * 4 + 49, "%zu bytes", vl);
    shale_free(v);
    cr_assert_eq(shale_db_close(db, &err), SHALE_OK);
    shale_options_free(o);
}

Test(db_bench, mergerandom_without_a_merge_operator_is_skipped_and_fails_as_rocksdb_does)
{
    run_out r = run_prog(g_ours, "2>/dev/null", "--db=%s/m --benchmarks=mergerandom --num=10",
                         g_dir);
    run_out t = run_prog("db_bench", "2>/dev/null", "--db=%s/mr --benchmarks=mergerandom --num=10",
                         g_dir);
    const char *re = "^mergerandom +: skipped \\(--merge_operator is unknown\\)$";
    cr_expect(has_line(r.out, re), "%s", r.out);
    cr_expect(has_line(t.out, re), "%s", t.out);
    cr_expect_neq(r.status, 0);
    cr_expect_eq(r.status != 0, t.status != 0);
    free_both(&r, &t);
    r = run_prog(g_ours, "2>&1", "--db=%s/m2 --benchmarks=mergerandom --merge_operator=nope "
                 "--num=10", g_dir);
    cr_expect_neq(r.status, 0);
    cr_expect(has_line(r.out, "^invalid merge operator: nope"), "%s", r.out);
    free(r.out);
}
