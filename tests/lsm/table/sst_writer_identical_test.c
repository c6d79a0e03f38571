/* tests/lsm/table/sst_writer_identical_test.c: for the same entries and
 * options, our writer must cut data blocks, build the filter and shorten
 * index separators exactly as RocksDB 7.8.3's SstFileWriter does: every
 * byte before the properties block (data, filter, index) equals the file
 * RocksDB wrote through the rocksdb-oracle program.  The properties differ
 * only in the random session id, so the sizes must match too.
 * Uncompressed files only: LZ4 output depends on the encoder entry point
 * (RocksDB streams with LZ4_compress_fast_continue; compress.c calls
 * LZ4_compress_default), and both are valid LZ4. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lsm/table/sst_writer_util.h"
#include "tests/support/test_util.h"

static char *g_dir;

static void setup(void)
{
    g_dir = test_tmpdir("sst-writer-identical");
    cr_assert_not_null(g_dir);
}

static void teardown(void)
{
    test_rmtree(g_dir);
    free(g_dir);
}

TestSuite(sst_writer_identical, .init = setup, .fini = teardown, .timeout = 60);

typedef struct cfg {
    int fv, block_size, restart, lz4, checksum, bloom, count, seed;
} cfg;

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    cr_assert(c >= 'a' && c <= 'f', "bad hex digit %c", c);
    return c - 'a' + 10;
}

/* (sscanf would rescan the whole remaining string on every call.) */
static void unhex_into(const char *s, size_t n, char *out)
{
    for (size_t i = 0; i < n / 2; i++)
        out[i] = (char)(nibble(s[2 * i]) * 16 + nibble(s[2 * i + 1]));
}

/* Parses "HEXKEY HEXVALUE" lines into puts. */
static void parse_pairs(const char *out, sw_set *s)
{
    char *buf = malloc(strlen(out) / 2 + 1);
    for (const char *p = out; *p != '\0';) {
        const char *sp = strchr(p, ' '), *nl = strchr(p, '\n');
        cr_assert(sp != NULL && nl != NULL && sp < nl, "bad oracle line");
        size_t kl = (size_t)(sp - p) / 2, vl = (size_t)(nl - sp - 1) / 2;
        unhex_into(p, 2 * kl, buf);
        unhex_into(sp + 1, 2 * vl, buf + kl);
        sw_set_add(s, buf, kl, buf + kl, vl, SW_PUT);
        p = nl + 1;
    }
    free(buf);
}

static void compare_with_rocksdb(const cfg *c, int n)
{
    char theirs[512], ours[512], args[1024];
    snprintf(theirs, sizeof theirs, "%s/rocks%d.sst", g_dir, n);
    snprintf(ours, sizeof ours, "%s/shale%d.sst", g_dir, n);
    snprintf(args, sizeof args,
             "write-sst '%s' --seed=%d --count=%d --checksum=%d --format-version=%d "
             "--block-size=%d --restart=%d --compression=%s --bloom=%d",
             theirs, c->seed, c->count, c->checksum, c->fv, c->block_size, c->restart,
             c->lz4 ? "lz4" : "none", c->bloom);
    int st;
    char *pairs = sw_oracle(args, &st);
    cr_assert_eq(st, 0, "oracle failed: %.300s", pairs);
    sw_set s = {0};
    parse_pairs(pairs, &s);
    free(pairs);

    shale_table_options *o = shale_table_options_new();
    shale_table_options_set_format_version(o, c->fv);
    shale_table_options_set_block_size(o, (size_t)c->block_size);
    shale_table_options_set_block_restart_interval(o, c->restart);
    shale_table_options_set_checksum(o, c->checksum);
    shale_table_options_set_bloom_bits_per_key(o, c->bloom);
    sw_write(ours, o, c->lz4 ? SHALE_LZ4_COMPRESSION : SHALE_NO_COMPRESSION, &s);
    shale_table_options_free(o);
    sw_set_free(&s);

    char *raw = sw_raw_dump(theirs);
    unsigned long long props_off, props_size;
    sw_raw_handle(raw, "Properties block handle", &props_off, &props_size);
    free(raw);
    size_t tl, ol;
    char *t = test_read_file(theirs, &tl), *u = test_read_file(ours, &ol);
    cr_assert(t != NULL && u != NULL);
    cr_assert_eq(ol, tl, "config %d: size %zu, RocksDB wrote %zu", n, ol, tl);
    size_t i = 0;
    while (i < props_off && t[i] == u[i])
        i++;
    cr_assert_eq(i, props_off, "config %d: first difference at byte %zu of %llu", n, i,
                 props_off);
    free(t);
    free(u);
}

Test(sst_writer_identical, blocks_before_the_properties_equal_rocksdbs)
{
    static const cfg cfgs[] = {
        {5, 4096, 16, 0, 1, 10, 3000, 1}, {5, 1024, 16, 0, 4, 10, 2000, 2},
        {5, 256, 1, 0, 4, 0, 800, 3},     {4, 4096, 16, 0, 1, 10, 2000, 4},
        {4, 512, 4, 0, 3, 10, 1000, 5},   {3, 4096, 16, 0, 2, 10, 1500, 6},
        {2, 2048, 16, 0, 1, 10, 1500, 7}, {2, 65536, 16, 0, 0, 5, 3000, 8},
        {5, 65536, 16, 0, 4, 20, 4000, 9},
    };
    for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++)
        compare_with_rocksdb(&cfgs[i], (int)i);
}
