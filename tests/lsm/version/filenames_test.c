/* tests/lsm/version/filenames_test.c: DB file names (rocksdb-format.md
 * §5.1) and CURRENT (§5.2).  The names RocksDB itself left in the fixture
 * directory must parse and format back identically; junk must be refused;
 * CURRENT must be written exactly as RocksDB writes it and read with its
 * two corruption checks. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/version/filenames.h"
#include "tests/support/test_util.h"

static void assert_name(enum file_kind kind, uint64_t number, const char *want)
{
    char buf[FILENAME_MAX_LEN];
    size_t n = filename_format(buf, sizeof buf, kind, number);
    cr_assert_eq(n, strlen(want), "%s", want);
    cr_assert_str_eq(buf, want);
}

Test(filenames, format_pads_numbers_to_six_digits)
{
    assert_name(FILE_TABLE, 123, "000123.sst");
    assert_name(FILE_WAL, 124, "000124.log");
    assert_name(FILE_MANIFEST, 5, "MANIFEST-000005");
    assert_name(FILE_CURRENT, 0, "CURRENT");
    assert_name(FILE_OPTIONS, 7, "OPTIONS-000007");
    assert_name(FILE_OPTIONS_TEMP, 7, "OPTIONS-000007.dbtmp");
    assert_name(FILE_TEMP, 5, "000005.dbtmp");
    assert_name(FILE_IDENTITY, 0, "IDENTITY");
    assert_name(FILE_LOCK, 0, "LOCK");
    assert_name(FILE_INFO_LOG, 0, "LOG");
    assert_name(FILE_INFO_LOG, 1700000000123456, "LOG.old.1700000000123456");
    assert_name(FILE_BLOB, 125, "000125.blob");
    assert_name(FILE_TABLE, 1234567, "1234567.sst");
    assert_name(FILE_MANIFEST, UINT64_MAX, "MANIFEST-18446744073709551615");
    char tiny[8];
    cr_assert_eq(filename_format(tiny, sizeof tiny, FILE_MANIFEST, 5), 0, "does not fit");
}

Test(filenames, path_joins_dir_and_name)
{
    char *p = filename_path("/db", FILE_TABLE, 12);
    cr_assert_str_eq(p, "/db/000012.sst");
    free(p);
    p = filename_path("/db/", FILE_CURRENT, 0);
    cr_assert_str_eq(p, "/db/CURRENT");
    free(p);
}

Test(filenames, every_name_in_the_fixture_db_parses_and_formats_back)
{
    char *dir = fixture_path("db");
    char **names = NULL;
    size_t count = 0;
    shale_env *env = shale_env_default();
    cr_assert_eq(env->ops->list_dir(env, dir, &names, &count, NULL), SHALE_OK);
    cr_assert_geq(count, 8);
    for (size_t i = 0; i < count; i++) {
        enum file_kind kind;
        uint64_t number;
        char back[FILENAME_MAX_LEN];
        cr_assert(filename_parse(names[i], &kind, &number), "%s", names[i]);
        cr_assert_gt(filename_format(back, sizeof back, kind, number), 0);
        cr_assert_str_eq(back, names[i]);
    }
    shale_env_free_names(names, count);
    free(dir);
}

Test(filenames, parse_round_trips_every_kind_and_edge_number)
{
    static const enum file_kind numbered[] = {FILE_TABLE, FILE_WAL, FILE_MANIFEST, FILE_OPTIONS,
                                              FILE_OPTIONS_TEMP, FILE_TEMP, FILE_BLOB};
    static const uint64_t numbers[] = {0, 1, 999999, 1000000, UINT64_MAX};
    for (size_t k = 0; k < sizeof numbered / sizeof numbered[0]; k++) {
        for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
            char name[FILENAME_MAX_LEN];
            enum file_kind kind;
            uint64_t number;
            cr_assert_gt(filename_format(name, sizeof name, numbered[k], numbers[i]), 0);
            cr_assert(filename_parse(name, &kind, &number), "%s", name);
            cr_assert_eq(kind, numbered[k], "%s", name);
            cr_assert_eq(number, numbers[i], "%s", name);
        }
    }
    enum file_kind kind;
    uint64_t number = 99;
    cr_assert(filename_parse("LOG.old.42", &kind, &number));
    cr_assert_eq(kind, FILE_INFO_LOG);
    cr_assert_eq(number, 42);
    cr_assert(filename_parse("LOG.old", &kind, &number));
    cr_assert_eq(number, 0);
    cr_assert(filename_parse("000077.ldb", &kind, &number), "LevelDB's table name");
    cr_assert_eq(kind, FILE_TABLE);
    cr_assert_eq(number, 77);
    cr_assert(filename_parse("5.log", &kind, &number), "short numbers parse too");
    cr_assert_eq(number, 5);
}

Test(filenames, junk_names_are_rejected_and_outputs_untouched)
{
    static const char *const junk[] = {
        "", "foo", "000123", "000123.", "000123.sstx", ".sst", "sst", "000123.sst.bak",
        "-1.sst", "+1.sst", " 1.sst", "12a.sst", "18446744073709551616.sst", "MANIFEST-",
        "MANIFEST-12a", "MANIFEST-000005\n", "MANIFEST000005", "manifest-000005", "CURRENTX",
        "CURRENT.bak", "IDENTITY2", "LOCK.old", "LOGX", "LOG.old.", "LOG.old.x", "LOG.old.1x",
        "LOG.new", "OPTIONS-", "OPTIONS-7x", "OPTIONS-000007.tmp", "000005.dbtmp.x",
        "archive", "MANIFEST-99999999999999999999",
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        enum file_kind kind = (enum file_kind)77;
        uint64_t number = 4242;
        cr_assert_not(filename_parse(junk[i], &kind, &number), "'%s' accepted", junk[i]);
        cr_assert_eq((int)kind, 77);
        cr_assert_eq(number, 4242);
    }
    enum file_kind kind;
    uint64_t number;
    cr_assert_not(filename_parse(NULL, &kind, &number));
}

/* ---- CURRENT ----------------------------------------------------------- */

static char *write_current(const char *dir, const char *bytes, size_t n)
{
    char *path = filename_path(dir, FILE_CURRENT, 0);
    cr_assert(test_write_file(path, bytes, n));
    return path;
}

Test(filenames, set_current_writes_what_rocksdb_writes)
{
    char *dir = test_tmpdir("fn-current");
    shale_env *env = shale_env_default();
    shale_err err = {0};
    cr_assert_eq(set_current_file(env, dir, 5, &err), SHALE_OK, "%s", err.msg);
    char *mine = filename_path(dir, FILE_CURRENT, 0);
    char *theirs = fixture_path("db/CURRENT");
    size_t n_mine = 0, n_theirs = 0;
    char *a = test_read_file(mine, &n_mine);
    char *b = test_read_file(theirs, &n_theirs);
    cr_assert_eq(n_mine, n_theirs);
    cr_assert_eq(memcmp(a, b, n_mine), 0, "byte-identical to RocksDB's CURRENT");
    /* The temp file was renamed away: CURRENT is the only entry. */
    char **names = NULL;
    size_t count = 0;
    cr_assert_eq(env->ops->list_dir(env, dir, &names, &count, NULL), SHALE_OK);
    cr_assert_eq(count, 1);
    cr_assert_str_eq(names[0], "CURRENT");
    shale_env_free_names(names, count);
    /* Replacing it, then reading it back. */
    uint64_t number = 0;
    cr_assert_eq(set_current_file(env, dir, 1234567, &err), SHALE_OK);
    cr_assert_eq(read_current_file(env, dir, &number, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(number, 1234567);
    free(a);
    free(b);
    free(mine);
    free(theirs);
    test_rmtree(dir);
    free(dir);
}

Test(filenames, read_current_of_the_fixture_names_manifest_5)
{
    char *dir = fixture_path("db");
    uint64_t number = 0;
    shale_err err = {0};
    cr_assert_eq(read_current_file(shale_env_default(), dir, &number, &err), SHALE_OK, "%s",
                 err.msg);
    cr_assert_eq(number, 5);
    free(dir);
}

Test(filenames, current_without_newline_or_with_a_bad_name_is_corruption)
{
    char *dir = test_tmpdir("fn-bad-current");
    shale_env *env = shale_env_default();
    shale_err err = {0};
    uint64_t number = 77;
    cr_assert_eq(read_current_file(env, dir, &number, &err), SHALE_NOT_FOUND);
    static const struct {
        const char *bytes;
        size_t n;
        const char *msg;
    } cases[] = {
        {"MANIFEST-000005", 15, "CURRENT file does not end with newline"},
        {"", 0, "CURRENT file does not end with newline"},
        {"MANIFEST-000005\n\n", 17, "CURRENT file corrupted"},
        {"000005.sst\n", 11, "CURRENT file corrupted"},
        {"MANIFEST-\n", 10, "CURRENT file corrupted"},
        {"MANIFEST-00\0" "05\n", 15, "CURRENT file corrupted"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = write_current(dir, cases[i].bytes, cases[i].n);
        cr_assert_eq(read_current_file(env, dir, &number, &err), SHALE_CORRUPTION, "case %zu",
                     i);
        cr_assert(strstr(err.msg, cases[i].msg) != NULL, "case %zu: %s", i, err.msg);
        cr_assert_eq(number, 77, "untouched on failure");
        free(path);
    }
    test_rmtree(dir);
    free(dir);
}
