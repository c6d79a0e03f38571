/* tests/lsm/table/sst_writer_ingest_test.c: files from shale_sst_writer
 * ingested into a real RocksDB 7.8.3 database (through the rocksdb-oracle
 * program) must read back with RocksDB's semantics: every key found with
 * its value, absent keys rejected by our Bloom filter (the
 * rocksdb.bloom.filter.useful ticker moves), merges combined with older
 * values, deletes and range deletions hiding keys written before. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/buf.h"
#include "tests/lsm/table/sst_writer_util.h"
#include "tests/support/test_util.h"

static char *g_dir;

static void setup(void)
{
    g_dir = test_tmpdir("sst-writer-ingest");
    cr_assert_not_null(g_dir);
}

static void teardown(void)
{
    test_rmtree(g_dir);
    free(g_dir);
}

TestSuite(sst_writer_ingest, .init = setup, .fini = teardown, .timeout = 120);

static char *path_in_dir(const char *name)
{
    size_t n = strlen(g_dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", g_dir, name);
    return p;
}

static void append_quoted_hex(shale_buf *cmd, const void *p, size_t n)
{
    char *h = sw_hex(p, n, false);
    shale_buf_append_str(cmd, " '");
    shale_buf_append_str(cmd, h);
    shale_buf_append_str(cmd, "'");
    free(h);
}

/* Runs the oracle and asserts it succeeded; returns its stdout. */
static char *oracle_ok(shale_buf *args)
{
    shale_buf_append_byte(args, 0);
    int st;
    char *out = sw_oracle(args->data, &st);
    cr_assert_eq(st, 0, "rocksdb-oracle %.200s failed: %s", args->data, out);
    return out;
}

static void ingest(const char *db, const char *file)
{
    shale_buf a = SHALE_BUF_INIT;
    shale_buf_append_str(&a, "ingest '");
    shale_buf_append_str(&a, db);
    shale_buf_append_str(&a, "' '");
    shale_buf_append_str(&a, file);
    shale_buf_append_str(&a, "'");
    free(oracle_ok(&a));
    shale_buf_deinit(&a);
}

/* The line of `out` for key (hex) as "HEXKEY VALUE"; asserts presence. */
static void assert_get_line(const char *out, const void *key, size_t key_len, const char *want)
{
    char *kh = sw_hex(key, key_len, false);
    size_t n = strlen(kh) + strlen(want) + 3;
    char *line = malloc(n);
    snprintf(line, n, "%s %s\n", kh, want);
    bool found = false;
    for (const char *p = out; !found && (p = strstr(p, line)) != NULL; p++)
        found = p == out || p[-1] == '\n';
    cr_assert(found, "get %s: want %.80s", kh, want);
    free(line);
    free(kh);
}

static long long bloom_useful(const char *out)
{
    const char *p = strstr(out, "rocksdb.bloom.filter.useful ");
    cr_assert_not_null(p, "no ticker in: %.200s", out);
    return atoll(p + strlen("rocksdb.bloom.filter.useful "));
}

/* Ingests `s` written with `fv` and checks gets of all present keys and of
 * as many absent ones. */
static void ingest_and_get(const sw_set *s, int fv, const char *tag)
{
    char name[64];
    snprintf(name, sizeof name, "%s.sst", tag);
    char *file = path_in_dir(name), *db = path_in_dir(tag);
    shale_table_options *o = shale_table_options_new();
    shale_table_options_set_format_version(o, fv);
    shale_table_options_set_bloom_bits_per_key(o, 10);
    shale_table_options_set_block_size(o, 512);   /* many blocks: separators matter */
    sw_write(file, o, SHALE_LZ4_COMPRESSION, s);
    shale_table_options_free(o);
    ingest(db, file);

    shale_buf a = SHALE_BUF_INIT;
    shale_buf_append_str(&a, "get --stats '");
    shale_buf_append_str(&a, db);
    shale_buf_append_str(&a, "'");
    for (size_t i = 0; i < s->n; i++)
        append_quoted_hex(&a, s->e[i].key, s->e[i].key_len);
    size_t absent = 0;
    for (size_t i = 0; i < s->n; i++) {   /* key + "#absent" is never in the set */
        char k[64];
        size_t kl = s->e[i].key_len < 40 ? s->e[i].key_len : 40;
        memcpy(k, s->e[i].key, kl);
        memcpy(k + kl, "#absent", 7);
        append_quoted_hex(&a, k, kl + 7);
        absent++;
    }
    char *out = oracle_ok(&a);
    for (size_t i = 0; i < s->n; i++) {
        char *vh = sw_hex(s->e[i].value, s->e[i].value_len, false);
        assert_get_line(out, s->e[i].key, s->e[i].key_len, vh);
        free(vh);
    }
    size_t nf = 0;
    for (const char *p = out; (p = strstr(p, " NOT_FOUND\n")) != NULL; p++)
        nf++;
    cr_assert_eq(nf, absent, "%zu of %zu absent keys NOT_FOUND", nf, absent);
    long long useful = bloom_useful(out);
    cr_assert_gt(useful, (long long)absent / 2, "filter rejected only %lld of %zu absent keys",
                 useful, absent);
    free(out);
    shale_buf_deinit(&a);
    free(file);
    free(db);
}

Test(sst_writer_ingest, ingested_file_answers_every_get_and_its_filter_is_used)
{
    sw_set s = {0};
    sw_set_random(&s, 4242, 500, false);
    ingest_and_get(&s, 5, "fv5");
    sw_set_free(&s);
}

Test(sst_writer_ingest, legacy_bloom_filter_of_format_version_4_is_used)
{
    sw_set s = {0};
    sw_set_random(&s, 4343, 300, false);
    ingest_and_get(&s, 4, "fv4");
    sw_set_free(&s);
}

static void le64(char out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (char)(v >> (8 * i));
}

/* DB before: k1=5 (uint64), k2, k3, k5, k6, k9.  The ingested file: merge
 * k1 += 3, delete k2, put k4, delete range [k5, k7), put k8. */
Test(sst_writer_ingest, merges_deletes_and_range_deletions_apply_to_older_keys)
{
    char *db = path_in_dir("sem"), *file = path_in_dir("sem.sst");
    char five[8], three[8], eight[8];
    le64(five, 5);
    le64(three, 3);
    le64(eight, 8);
    shale_buf a = SHALE_BUF_INIT;
    shale_buf_append_str(&a, "put '");
    shale_buf_append_str(&a, db);
    shale_buf_append_str(&a, "'");
    append_quoted_hex(&a, "k1", 2);
    append_quoted_hex(&a, five, 8);
    static const char *const old[] = {"k2", "k3", "k5", "k6", "k9"};
    for (int i = 0; i < 5; i++) {
        append_quoted_hex(&a, old[i], 2);
        append_quoted_hex(&a, "old", 3);
    }
    free(oracle_ok(&a));

    shale_sst_writer *w;
    shale_err err = {0};
    cr_assert_eq(shale_sst_writer_open(file, NULL, SHALE_NO_COMPRESSION, &w, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_merge(w, "k1", 2, three, 8, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_delete(w, "k2", 2, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_put(w, "k4", 2, "new", 3, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_put(w, "k8", 2, "new", 3, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_delete_range(w, "k5", 2, "k7", 2, &err), SHALE_OK, "%s",
                 err.msg);
    cr_assert_eq(shale_sst_writer_finish(w, NULL, &err), SHALE_OK, "%s", err.msg);
    shale_sst_writer_free(w);
    ingest(db, file);

    a.len = 0;
    shale_buf_append_str(&a, "scan '");
    shale_buf_append_str(&a, db);
    shale_buf_append_str(&a, "'");
    char *out = oracle_ok(&a);
    char *e8 = sw_hex(eight, 8, false), *hold = sw_hex("old", 3, false);
    char *hnew = sw_hex("new", 3, false);
    char want[512];
    snprintf(want, sizeof want, "6b31 %s\n6b33 %s\n6b34 %s\n6b38 %s\n6b39 %s\n", e8, hold, hnew,
             hnew, hold);
    cr_assert_str_eq(out, want);
    free(out);
    free(e8);
    free(hold);
    free(hnew);
    shale_buf_deinit(&a);
    free(db);
    free(file);
}
