/* tests/compat/compat_api_test.c: the conventions of shale's RocksDB C API
 * that the RocksDB-vs-shale comparison cannot show: what unsupported calls
 * answer, the errptr protocol, the version queries, and shale-side
 * refusals (custom comparators). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rocksdb/c.h>

#include "shale/api.h"
#include "tests/support/test_util.h"

static bool starts_with(const char *s, const char *prefix)
{
    return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

static char *heap_string(const char *s)
{
    char *p = malloc(strlen(s) + 1);
    strcpy(p, s);
    return p;
}

Test(compat_api, reports_the_emulated_c_api_level_and_shale_version)
{
    cr_assert_str_eq(shale_rocksdb_c_api_version(), "7.8.3");
    cr_assert_str_eq(SHALE_ROCKSDB_C_API_VERSION, "7.8.3");
    cr_assert_str_eq(shale_version(), SHALE_VERSION_STRING);
}

Test(compat_api, unsupported_call_with_errptr_replaces_old_message_with_not_implemented)
{
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_transactiondb_options_t *to = rocksdb_transactiondb_options_create();
    char *err = heap_string("an older message");
    rocksdb_transactiondb_t *t = rocksdb_transactiondb_open(o, to, "/nonexistent", &err);
    cr_assert_null(t);
    cr_assert(starts_with(err, "Not implemented: "), "got %s", err);
    rocksdb_free(err);
    err = NULL;
    rocksdb_backup_engine_t *be = rocksdb_backup_engine_open(o, "/nonexistent", &err);
    cr_assert_null(be);
    cr_assert(starts_with(err, "Not implemented: "), "got %s", err);
    rocksdb_free(err);
    rocksdb_transactiondb_options_destroy(to);
    rocksdb_options_destroy(o);
}

Test(compat_api, unsupported_calls_without_errptr_return_neutral_values)
{
    cr_assert_null(rocksdb_perfcontext_create());
    cr_assert_eq(rocksdb_perfcontext_metric(NULL, rocksdb_block_read_count), 0);
    cr_assert_null(rocksdb_writebatch_wi_create(0, 1));
    cr_assert_eq(rocksdb_writebatch_wi_count(NULL), 0);
    size_t len = 99;
    cr_assert_null(rocksdb_writebatch_wi_data(NULL, &len));
    cr_assert_eq(len, 0);
    rocksdb_writebatch_wi_destroy(NULL);
    rocksdb_backup_engine_info_destroy(NULL);
    cr_assert_null(rocksdb_create_mem_env());
}

/* A checkpoint taken through the C API opens as a database with the same
 * content, and an existing target is refused. */
Test(compat_api, checkpoint_creates_an_openable_copy)
{
    char *dir = test_tmpdir("compat-ckpt");
    char path[4096], copy[4200];
    snprintf(path, sizeof path, "%s/db", dir);
    snprintf(copy, sizeof copy, "%s/ckpt", dir);
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, path, &err);
    cr_assert_null(err, "%s", err);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_put(db, wo, "k", 1, "v", 1, &err);
    cr_assert_null(err, "%s", err);
    rocksdb_checkpoint_t *c = rocksdb_checkpoint_object_create(db, &err);
    cr_assert_null(err, "%s", err);
    rocksdb_checkpoint_create(c, copy, 0, &err);
    cr_assert_null(err, "%s", err);
    rocksdb_checkpoint_create(c, copy, 0, &err);
    cr_assert_not_null(err, "a second checkpoint into the same directory is refused");
    rocksdb_free(err);
    err = NULL;
    rocksdb_checkpoint_object_destroy(c);
    rocksdb_close(db);
    db = rocksdb_open(o, copy, &err);
    cr_assert_null(err, "%s", err);
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    size_t vlen = 0;
    char *v = rocksdb_get(db, ro, "k", 1, &vlen, &err);
    cr_assert_null(err, "%s", err);
    cr_assert_eq(vlen, 1);
    cr_assert_eq(v[0], 'v');
    rocksdb_free(v);
    rocksdb_readoptions_destroy(ro);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    test_rmtree(dir);
    free(dir);
}

static int compare(void *state, const char *a, size_t alen, const char *b, size_t blen)
{
    (void)state;
    return memcmp(a, b, alen < blen ? alen : blen);
}

static const char *cmp_name(void *state)
{
    (void)state;
    return "reverse";
}

Test(compat_api, opening_with_a_custom_comparator_fails_plainly)
{
    char *dir = test_tmpdir("compat-cmp");
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_comparator_t *c = rocksdb_comparator_create(NULL, NULL, compare, cmp_name);
    rocksdb_options_set_comparator(o, c);
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, dir, &err);
    cr_assert_null(db);
    cr_assert_str_eq(err, "Not implemented: custom comparators");
    rocksdb_free(err);
    rocksdb_comparator_destroy(c);
    rocksdb_options_destroy(o);
    test_rmtree(dir);
    free(dir);
}

Test(compat_api, success_leaves_errptr_alone_and_failure_frees_the_old_message)
{
    char *dir = test_tmpdir("compat-err");
    char path[4096];
    snprintf(path, sizeof path, "%s/db", dir);
    rocksdb_options_t *o = rocksdb_options_create();
    char *err = heap_string("old");
    cr_assert_null(rocksdb_open(o, path, &err));   /* missing, no create_if_missing */
    cr_assert(starts_with(err, "Invalid argument: "), "got %s", err);
    rocksdb_options_set_create_if_missing(o, 1);
    char *kept = err;
    rocksdb_t *db = rocksdb_open(o, path, &err);
    cr_assert_not_null(db);
    cr_assert_eq(err, kept);
    rocksdb_free(err);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    test_rmtree(dir);
    free(dir);
}

Test(compat_api, statistics_count_the_writes_of_a_database)
{
    char *dir = test_tmpdir("compat-stats");
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_enable_statistics(o);
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, dir, &err);
    cr_assert_null(err, "%s", err);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    for (int i = 0; i < 3; i++)
        rocksdb_put(db, wo, "k", 1, "v", 1, &err);
    char *s = rocksdb_options_statistics_get_string(o);
    cr_assert_not_null(s);
    cr_assert(strstr(s, "rocksdb.number.keys.written COUNT : 3") != NULL, "%s", s);
    rocksdb_free(s);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    test_rmtree(dir);
    free(dir);
}
