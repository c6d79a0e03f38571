/* tests/lsm/db/options_file_test.c: the OPTIONS-NNNNNN file and the LOG
 * options dump.
 *
 * Oracles: (1) the OPTIONS file RocksDB 7.8.3 wrote for the fixture DB,
 * compared line by line with ours for the same options; (2) Debian's ldb,
 * which loads the newest OPTIONS file with --try_load_options and fails
 * on any name or value it cannot parse, run on a copy of the fixture DB
 * whose OPTIONS file is ours; (3) the OPTIONS file and LOG db_bench 7.8.3
 * writes, for compression_per_level and the LOG's "Options.x:" labels. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/db/options.h"
#include "lsm/db/options_file.h"
#include "lsm/table/format.h"
#include "lsm/util/buf.h"
#include "lsm/util/logger.h"
#include "tests/support/fault_env.h"
#include "tests/support/test_util.h"

#define FIXTURE_KEYS 3106

static char *encode(const shale_options *o)
{
    shale_buf b = SHALE_BUF_INIT;
    cr_assert_eq(options_file_encode(o, &b, NULL), SHALE_OK);
    shale_buf_append_byte(&b, '\0');
    cr_assert(shale_buf_ok(&b));
    return shale_buf_detach(&b, NULL);
}

/* The options the fixture DB was created with (fixtures README). */
static void fixture_options(shale_options *o)
{
    options_init(o);
    o->create_if_missing = true;
    o->compression = COMPRESSION_LZ4;
    o->disable_auto_compactions = true;
    o->table.checksum = SHALE_CHECKSUM_XXH3;
    o->table.bloom_bits_per_key = 10;
    o->info_log_level = SHALE_LOG_DEBUG;   /* Debian's build defaults to DEBUG_LEVEL */
}

/* Every option shale has, away from its default. */
static void changed_options(shale_options *o)
{
    static const int per_level[] = {COMPRESSION_NONE, COMPRESSION_NONE, COMPRESSION_LZ4,
                                    COMPRESSION_LZ4, COMPRESSION_LZ4};
    options_init(o);
    o->create_if_missing = true;
    o->error_if_exists = true;
    o->paranoid_checks = false;
    o->allow_fallocate = false;
    o->max_open_files = 321;
    o->max_background_jobs = 5;
    o->wal_recovery_mode = SHALE_WAL_TOLERATE_CORRUPTED_TAIL_RECORDS;
    o->info_log_level = SHALE_LOG_WARN;
    o->max_manifest_file_size = 12345678;
    o->delayed_write_rate = 7654321;
    o->write_buffer_size = 3 << 20;
    o->max_write_buffer_number = 4;
    o->min_write_buffer_number_to_merge = 2;
    o->level0_file_num_compaction_trigger = 6;
    o->level0_slowdown_writes_trigger = 25;
    o->level0_stop_writes_trigger = 40;
    o->max_bytes_for_level_base = 100 << 20;
    o->max_bytes_for_level_multiplier = 8.5;
    o->target_file_size_base = 5 << 20;
    o->target_file_size_multiplier = 2;
    o->num_levels = 5;
    o->compression = COMPRESSION_LZ4;
    memcpy(o->compression_per_level, per_level, sizeof per_level);
    o->num_compression_per_level = 5;
    o->disable_auto_compactions = true;
    o->cache_index_and_filter_blocks = true;
    o->table.block_size = 8192;
    o->table.block_restart_interval = 8;
    o->table.index_block_restart_interval = 4;
    o->table.format_version = 4;
    o->table.checksum = SHALE_CHECKSUM_XXHASH64;
    o->table.bloom_bits_per_key = 7.5;
    o->table.whole_key_filtering = false;
    o->table.block_size_deviation = 20;
}

/* ---- a small INI reader: the value of `name` in `section` ---------- */

static char *ini_get(const char *text, const char *section, const char *name)
{
    char want[128];
    snprintf(want, sizeof want, "[%s]", section);
    bool in = false;
    size_t nlen = strlen(name);
    for (const char *p = text; p != NULL && *p != '\0';) {
        const char *end = strchr(p, '\n');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (p[0] == '[')
            in = len == strlen(want) && memcmp(p, want, len) == 0;
        else if (in && len > nlen + 3 && memcmp(p, "  ", 2) == 0 &&
                 memcmp(p + 2, name, nlen) == 0 && p[2 + nlen] == '=')
            return strndup(p + 3 + nlen, len - 3 - nlen);
        p = end != NULL ? end + 1 : NULL;
    }
    return NULL;
}

static void expect(const char *text, const char *section, const char *name, const char *value)
{
    char *got = ini_get(text, section, name);
    cr_assert_not_null(got, "[%s] %s missing", section, name);
    cr_expect_str_eq(got, value, "[%s] %s", section, name);
    free(got);
}

/* ---- ldb over a copy of the fixture DB with our OPTIONS file --------- */

static char *fixture_copy_with(const shale_options *o, uint64_t number)
{
    char *dir = test_tmpdir("optfile");
    char *src = fixture_path("db");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -r %s/. %s && chmod -R u+w %s && rm %s/OPTIONS-000007", src,
             dir, dir, dir);
    int status;
    free(test_run(cmd, &status));
    cr_assert_eq(status, 0, "%s", cmd);
    shale_err err = {0};
    cr_assert_eq(options_file_write(shale_env_default(), dir, number, o, &err), SHALE_OK, "%s",
                 err.msg);
    free(src);
    return dir;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; s != NULL && *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

static void expect_ldb_scan(const char *dir, size_t keys)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ldb --db=%s --try_load_options scan 2>&1", dir);
    int status;
    char *out = test_run(cmd, &status);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "ldb scan failed: %.300s", out);
    cr_expect_eq(count_lines(out), keys, "ldb scan printed %zu lines", count_lines(out));
    free(out);
}

static int ldb_status(const char *dir, const char *command, char **out)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ldb --db=%s --try_load_options %s 2>&1", dir, command);
    int status;
    *out = test_run(cmd, &status);
    cr_assert_not_null(*out);
    return status;
}

/* ---- tests ------------------------------------------------------------- */

Test(options_file, equals_rocksdb_fixture_file_for_the_same_options)
{
    shale_options o;
    fixture_options(&o);
    char *ours = encode(&o);
    char *path = fixture_path("db/OPTIONS-000007");
    char *theirs = test_read_file(path, &(size_t){0});
    cr_assert_not_null(theirs);
    /* What the generator set that shale has no setting for, and the
     * filter policy, which RocksDB's C API wraps under the bare name. */
    static const char *const differ[] = {"avoid_flush_during_shutdown=", "keep_log_file_num=",
                                         "filter_policy="};
    size_t lines = 0;
    const char *a = ours, *b = theirs;
    while (*a != '\0' && *b != '\0') {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        bool known = false;
        for (size_t i = 0; i < 3; i++)
            known |= lb > 2 && strncmp(b + 2, differ[i], strlen(differ[i])) == 0;
        if (!known)
            cr_assert(la == lb && memcmp(a, b, la) == 0, "line %zu: ours '%.*s' RocksDB '%.*s'",
                      lines + 1, (int)la, a, (int)lb, b);
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
        lines++;
    }
    cr_assert(*a == '\0' && *b == '\0', "line counts differ after %zu lines", lines);
    cr_assert_gt(lines, 180);
    expect(ours, "TableOptions/BlockBasedTable \"default\"", "filter_policy",
           "bloomfilter:10:false");
    free(ours);
    free(theirs);
    free(path);
}

Test(options_file, ldb_loads_our_file_and_scans_the_fixture_db)
{
    shale_options o;
    fixture_options(&o);
    char *dir = fixture_copy_with(&o, 20);
    expect_ldb_scan(dir, FIXTURE_KEYS);
    char *out;
    cr_assert_eq(ldb_status(dir, "get_property rocksdb.estimate-num-keys", &out), 0, "%s", out);
    cr_expect(strstr(out, "rocksdb.estimate-num-keys:") != NULL, "%s", out);
    free(out);
    test_rmtree(dir);
    free(dir);
}

Test(options_file, ldb_rejects_a_broken_copy_so_the_file_is_really_parsed)
{
    shale_options o;
    fixture_options(&o);
    char *dir = fixture_copy_with(&o, 20);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "sed -i 's/^  max_open_files=-1$/  max_open_files=x1/' %s/OPTIONS-000020", dir);
    int status;
    free(test_run(cmd, &status));
    cr_assert_eq(status, 0);
    char *out;
    cr_expect_neq(ldb_status(dir, "scan", &out), 0, "ldb accepted a bad value: %.200s", out);
    cr_expect(strstr(out, "max_open_files") != NULL, "%.300s", out);
    free(out);
    test_rmtree(dir);
    free(dir);
}

Test(options_file, every_changed_option_is_written_and_ldb_parses_it)
{
    shale_options o;
    changed_options(&o);
    char *t = encode(&o);
    const char *db = "DBOptions", *cf = "CFOptions \"default\"";
    const char *tb = "TableOptions/BlockBasedTable \"default\"";
    expect(t, "Version", "rocksdb_version", "7.8.3");
    expect(t, db, "create_if_missing", "true");
    expect(t, db, "error_if_exists", "true");
    expect(t, db, "paranoid_checks", "false");
    expect(t, db, "allow_fallocate", "false");
    expect(t, db, "max_open_files", "321");
    expect(t, db, "max_background_jobs", "5");
    expect(t, db, "wal_recovery_mode", "kTolerateCorruptedTailRecords");
    expect(t, db, "info_log_level", "WARN_LEVEL");
    expect(t, db, "max_manifest_file_size", "12345678");
    expect(t, db, "delayed_write_rate", "7654321");
    expect(t, cf, "write_buffer_size", "3145728");
    expect(t, cf, "max_write_buffer_number", "4");
    expect(t, cf, "min_write_buffer_number_to_merge", "2");
    expect(t, cf, "level0_file_num_compaction_trigger", "6");
    expect(t, cf, "level0_slowdown_writes_trigger", "25");
    expect(t, cf, "level0_stop_writes_trigger", "40");
    expect(t, cf, "max_bytes_for_level_base", "104857600");
    expect(t, cf, "max_bytes_for_level_multiplier", "8.500000");
    expect(t, cf, "target_file_size_base", "5242880");
    expect(t, cf, "target_file_size_multiplier", "2");
    expect(t, cf, "num_levels", "5");
    expect(t, cf, "compression", "kLZ4Compression");
    expect(t, cf, "compression_per_level",
           "kNoCompression:kNoCompression:kLZ4Compression:kLZ4Compression:kLZ4Compression");
    expect(t, cf, "disable_auto_compactions", "true");
    expect(t, cf, "comparator", "leveldb.BytewiseComparator");
    expect(t, cf, "merge_operator", "nullptr");
    expect(t, cf, "compaction_style", "kCompactionStyleLevel");
    expect(t, tb, "block_size", "8192");
    expect(t, tb, "block_restart_interval", "8");
    expect(t, tb, "index_block_restart_interval", "4");
    expect(t, tb, "format_version", "4");
    expect(t, tb, "checksum", "kxxHash64");
    expect(t, tb, "filter_policy", "bloomfilter:7.5:false");
    expect(t, tb, "whole_key_filtering", "false");
    expect(t, tb, "cache_index_and_filter_blocks", "true");
    expect(t, tb, "block_size_deviation", "20");
    free(t);
    o.error_if_exists = false;   /* ldb opens an existing DB */
    char *dir = fixture_copy_with(&o, 20);
    expect_ldb_scan(dir, FIXTURE_KEYS);
    test_rmtree(dir);
    free(dir);
}

Test(options_file, enum_spellings_are_the_ones_rocksdb_parses)
{
    shale_options o;
    fixture_options(&o);
    static const struct { int checksum; const char *name; } sums[] = {
        {SHALE_CHECKSUM_NONE, "kNoChecksum"}, {SHALE_CHECKSUM_CRC32C, "kCRC32c"},
        {SHALE_CHECKSUM_XXHASH, "kxxHash"}, {SHALE_CHECKSUM_XXH3, "kXXH3"}};
    static const char *const modes[] = {"kTolerateCorruptedTailRecords", "kAbsoluteConsistency",
                                        "kPointInTimeRecovery", "kSkipAnyCorruptedRecords"};
    for (size_t i = 0; i < 4; i++) {
        o.table.checksum = sums[i].checksum;
        o.wal_recovery_mode = (int)i;
        o.info_log_level = (int)i;
        o.table.bloom_bits_per_key = i == 0 ? 0 : 10;
        o.compression = i % 2 == 0 ? COMPRESSION_NONE : COMPRESSION_LZ4;
        char *t = encode(&o);
        expect(t, "TableOptions/BlockBasedTable \"default\"", "checksum", sums[i].name);
        expect(t, "DBOptions", "wal_recovery_mode", modes[i]);
        expect(t, "DBOptions", "info_log_level", logger_level_name((int)i));
        free(t);
        char *dir = fixture_copy_with(&o, 30 + i);
        expect_ldb_scan(dir, FIXTURE_KEYS);
        test_rmtree(dir);
        free(dir);
    }
    o.table.bloom_bits_per_key = 0;
    char *t = encode(&o);
    expect(t, "TableOptions/BlockBasedTable \"default\"", "filter_policy", "nullptr");
    free(t);
}

Test(options_file, compression_per_level_sits_where_db_bench_writes_it)
{
    char *dir = test_tmpdir("optbench");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "db_bench --benchmarks=fillseq --num=10 --db=%s/db --num_levels=4 "
             "--min_level_to_compress=2 --compression_type=lz4 >/dev/null 2>&1 && "
             "cat %s/db/OPTIONS-*", dir, dir);
    int status;
    char *theirs = test_run(cmd, &status);
    cr_assert(theirs != NULL && status == 0, "db_bench failed");
    shale_options o;
    options_init(&o);
    static const int levels[] = {COMPRESSION_NONE, COMPRESSION_NONE, COMPRESSION_LZ4,
                                 COMPRESSION_LZ4};
    memcpy(o.compression_per_level, levels, sizeof levels);
    o.num_compression_per_level = 4;
    o.num_levels = 4;
    char *ours = encode(&o);
    const char *keys[] = {"\n  max_bytes_for_level_multiplier=", "\n  compression_per_level=",
                          "\n  max_bytes_for_level_multiplier_additional="};
    for (size_t i = 0; i < 3; i++) {
        const char *a = strstr(ours, keys[i]), *b = strstr(theirs, keys[i]);
        cr_assert(a != NULL && b != NULL, "%s", keys[i]);
        if (i == 0)
            continue;
        const char *pa = strstr(ours, keys[i - 1]), *pb = strstr(theirs, keys[i - 1]);
        cr_expect_eq(strchr(pa + 1, '\n'), a, "ours: %s not after %s", keys[i], keys[i - 1]);
        cr_expect_eq(strchr(pb + 1, '\n'), b, "db_bench: order changed");
    }
    char *va = ini_get(ours, "CFOptions \"default\"", "compression_per_level");
    char *vb = ini_get(theirs, "CFOptions \"default\"", "compression_per_level");
    cr_expect_str_eq(va, vb);
    free(va);
    free(vb);
    free(ours);
    free(theirs);
    test_rmtree(dir);
    free(dir);
}

static bool has_file(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    uint64_t size;
    return shale_env_default()->ops->file_size(shale_env_default(), path, &size, NULL) == SHALE_OK;
}

Test(options_file, write_renames_the_temp_file_into_place)
{
    char *dir = test_tmpdir("optwrite");
    shale_options o;
    options_init(&o);
    cr_assert_eq(options_file_write(shale_env_default(), dir, 1234567, &o, NULL), SHALE_OK);
    cr_expect(has_file(dir, "OPTIONS-1234567"));
    cr_expect(!has_file(dir, "OPTIONS-1234567.dbtmp"));
    cr_assert_eq(options_file_write(shale_env_default(), dir, 9, &o, NULL), SHALE_OK);
    cr_expect(has_file(dir, "OPTIONS-000009"));
    test_rmtree(dir);
    free(dir);
}

Test(options_file, failed_rename_reports_io_error_and_leaves_no_temp_file)
{
    char *dir = test_tmpdir("optfault");
    shale_env *env = fault_env_new(shale_env_default());
    fault_env_fail_nth(env, FAULT_OP_RENAME, 1, EIO, false);
    shale_options o;
    options_init(&o);
    shale_err err = {0};
    cr_assert_eq(options_file_write(env, dir, 5, &o, &err), SHALE_IO_ERROR);
    cr_expect_eq(err.sys_errno, EIO);
    cr_expect(!has_file(dir, "OPTIONS-000005"));
    cr_expect(!has_file(dir, "OPTIONS-000005.dbtmp"));
    fault_env_fail_nth(env, FAULT_OP_SYNC, 1, EIO, false);
    cr_assert_eq(options_file_write(env, dir, 6, &o, &err), SHALE_IO_ERROR);
    cr_expect(!has_file(dir, "OPTIONS-000006"));
    cr_expect(!has_file(dir, "OPTIONS-000006.dbtmp"));
    fault_env_free(env);
    test_rmtree(dir);
    free(dir);
}

Test(options_file, purge_keeps_the_newest_two_and_drops_stale_temp_files)
{
    char *dir = test_tmpdir("optpurge");
    shale_options o;
    options_init(&o);
    static const uint64_t nums[] = {3, 12, 7, 10};
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(options_file_write(shale_env_default(), dir, nums[i], &o, NULL), SHALE_OK);
    static const char *const others[] = {"OPTIONS-000005.dbtmp", "OPTIONS-000099.dbtmp",
                                         "MANIFEST-000002", "OPTIONS-junk", "OPTIONS-000004.bak"};
    for (size_t i = 0; i < 5; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, others[i]);
        cr_assert(test_write_file(path, "x", 1));
    }
    cr_assert_eq(options_file_purge_old(shale_env_default(), dir, OPTIONS_FILES_KEPT, NULL),
                 SHALE_OK);
    cr_expect(has_file(dir, "OPTIONS-000012"));
    cr_expect(has_file(dir, "OPTIONS-000010"));
    cr_expect(!has_file(dir, "OPTIONS-000007"));
    cr_expect(!has_file(dir, "OPTIONS-000003"));
    cr_expect(!has_file(dir, "OPTIONS-000005.dbtmp"), "a crashed write older than the newest");
    cr_expect(has_file(dir, "OPTIONS-000099.dbtmp"), "newer than the newest: may be in flight");
    cr_expect(has_file(dir, "MANIFEST-000002"));
    cr_expect(has_file(dir, "OPTIONS-junk"));
    cr_expect(has_file(dir, "OPTIONS-000004.bak"));
    cr_assert_eq(options_file_purge_old(shale_env_default(), dir, 1, NULL), SHALE_OK);
    cr_expect(has_file(dir, "OPTIONS-000012"));
    cr_expect(!has_file(dir, "OPTIONS-000010"));
    test_rmtree(dir);
    free(dir);
}

/* The "Options.x" labels of a LOG, with their padding: the text between
 * "<timestamp> <thread> " and ": ", one per line, joined by '\n'. */
static char *option_labels(const char *log)
{
    shale_buf b = SHALE_BUF_INIT;
    for (const char *p = log; p != NULL && *p != '\0';) {
        const char *end = strchr(p, '\n');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        const char *tid_end = len > 27 ? memchr(p + 27, ' ', len - 27) : NULL;
        const char *colon = tid_end != NULL ? strstr(tid_end, ": ") : NULL;
        if (colon != NULL && colon < p + len) {
            const char *label = tid_end + 1;
            const char *opt = strstr(label, "Options.");
            if (opt != NULL && opt < colon && strncmp(opt, "Options.compression[", 20) != 0) {
                shale_buf_append(&b, label, (size_t)(colon - label));
                shale_buf_append_byte(&b, '\n');
            }
        }
        p = end != NULL ? end + 1 : NULL;
    }
    shale_buf_append_byte(&b, '\0');
    return shale_buf_detach(&b, NULL);
}

Test(options_file, log_dump_has_rocksdb_labels_in_rocksdb_order)
{
    char *dir = test_tmpdir("optlog");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "db_bench --benchmarks=fillseq --num=10 --db=%s/rdb >/dev/null 2>&1"
             " && cat %s/rdb/LOG", dir, dir);
    int status;
    char *theirs = test_run(cmd, &status);
    cr_assert(theirs != NULL && status == 0, "db_bench failed");
    char sdir[512];
    snprintf(sdir, sizeof sdir, "%s/sdb", dir);
    logger *lg;
    cr_assert_eq(logger_open(shale_env_default(), sdir, SHALE_LOG_INFO, &lg, NULL), SHALE_OK);
    shale_options o;
    options_init(&o);
    o.max_open_files = 4242;
    options_log_dump(lg, &o);
    logger_close(lg);
    snprintf(sdir, sizeof sdir, "%s/sdb/LOG", dir);
    char *ours = test_read_file(sdir, &(size_t){0});
    cr_assert_not_null(ours);
    char *la = option_labels(ours), *lb = option_labels(theirs);
    cr_expect_gt(strlen(lb), 1000);
    cr_expect_str_eq(la, lb);
    cr_expect(strstr(ours, "                         Options.max_open_files: 4242\n") != NULL);
    cr_expect(strstr(ours, "Options for column family [default]:") != NULL);
    cr_expect(strstr(ours, "  block_size: 4096\n") != NULL);
    free(la);
    free(lb);
    free(ours);
    free(theirs);
    test_rmtree(dir);
    free(dir);
}
