/* tests/lsm/table/sst_writer_matrix_test.c: files from shale_sst_writer
 * across format versions, block sizes, restart intervals, compression and
 * checksum types must pass RocksDB 7.8.3's own sst_dump (verify, check
 * --verify_checksum) and scan back exactly the entries written.  sst_dump
 * is the independent oracle: nothing here reads the files with our code. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/lsm/table/sst_writer_util.h"
#include "tests/support/test_util.h"

static char *g_dir;

static void setup(void)
{
    g_dir = test_tmpdir("sst-writer-matrix");
    cr_assert_not_null(g_dir);
}

static void teardown(void)
{
    test_rmtree(g_dir);
    free(g_dir);
}

TestSuite(sst_writer_matrix, .init = setup, .fini = teardown, .timeout = 120);

typedef struct combo {
    int format_version;
    size_t block_size;
    int restart;
    int compression;
    int checksum;
    int index_restart;
} combo;

static shale_table_options *options_for(const combo *c)
{
    shale_table_options *o = shale_table_options_new();
    cr_assert_not_null(o);
    shale_table_options_set_format_version(o, c->format_version);
    shale_table_options_set_block_size(o, c->block_size);
    shale_table_options_set_block_restart_interval(o, c->restart);
    shale_table_options_set_index_block_restart_interval(o, c->index_restart);
    shale_table_options_set_checksum(o, c->checksum);
    return o;
}

static void write_and_check(const combo *c, const sw_set *s, int n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/m%03d.sst", g_dir, n);
    shale_table_options *o = options_for(c);
    uint64_t size = sw_write(path, o, c->compression, s);
    shale_table_options_free(o);
    cr_assert_gt(size, 53u);
    sw_assert_rocksdb_reads(path, s);
}

/* Every format version x block size x restart x compression x
 * {crc32c, xxh3}; the 1 MiB value rides along on a sample of them. */
static void run_matrix(int format_version)
{
    static const size_t sizes[] = {256, 4096, 65536};
    static const int restarts[] = {1, 16};
    static const int comps[] = {SHALE_NO_COMPRESSION, SHALE_LZ4_COMPRESSION};
    static const int sums[] = {SHALE_CHECKSUM_CRC32C, SHALE_CHECKSUM_XXH3};
    sw_set small = {0}, big = {0};
    sw_set_random(&small, 1000 + (uint64_t)format_version, 300, false);
    sw_set_random(&big, 2000 + (uint64_t)format_version, 200, true);
    int n = 0;
    for (int si = 0; si < 3; si++)
        for (int ri = 0; ri < 2; ri++)
            for (int ci = 0; ci < 2; ci++)
                for (int ki = 0; ki < 2; ki++) {
                    combo c = {format_version, sizes[si], restarts[ri], comps[ci], sums[ki], 1};
                    bool with_big = (n % 6) == format_version % 6;
                    write_and_check(&c, with_big ? &big : &small, n++);
                }
    sw_set_free(&small);
    sw_set_free(&big);
}

Test(sst_writer_matrix, format_version_2_files_pass_sst_dump) { run_matrix(2); }
Test(sst_writer_matrix, format_version_3_files_pass_sst_dump) { run_matrix(3); }
Test(sst_writer_matrix, format_version_4_files_pass_sst_dump) { run_matrix(4); }
Test(sst_writer_matrix, format_version_5_files_pass_sst_dump) { run_matrix(5); }

Test(sst_writer_matrix, other_checksum_types_pass_sst_dump)
{
    static const int sums[] = {SHALE_CHECKSUM_XXHASH, SHALE_CHECKSUM_XXHASH64,
                               SHALE_CHECKSUM_NONE};
    sw_set s = {0};
    sw_set_random(&s, 77, 400, false);
    for (int i = 0; i < 3; i++) {
        combo c = {5 - i, 1024, 16, i == 1 ? SHALE_LZ4_COMPRESSION : SHALE_NO_COMPRESSION,
                   sums[i], 1};
        write_and_check(&c, &s, i);
    }
    sw_set_free(&s);
}

Test(sst_writer_matrix, delta_index_with_restart_interval_16_passes_sst_dump)
{
    /* Index entries between restarts share key prefixes, so their handles
     * are stored as size deltas (format_version >= 4). */
    sw_set s = {0};
    char key[32];
    for (int i = 0; i < 3000; i++) {
        int kl = snprintf(key, sizeof key, "key%08d", i);
        sw_set_add(&s, key, (size_t)kl, key, (size_t)kl, SW_PUT);
    }
    for (int fv = 3; fv <= 5; fv++) {
        combo c = {fv, 256, 4, SHALE_NO_COMPRESSION, SHALE_CHECKSUM_XXH3, 16};
        write_and_check(&c, &s, fv);
    }
    sw_set_free(&s);
}

Test(sst_writer_matrix, deletes_and_merges_scan_with_their_types)
{
    sw_set s = {0};
    char key[32], val[8] = {0};
    for (int i = 0; i < 999; i++) {
        int kl = snprintf(key, sizeof key, "key%08d", i);
        val[0] = (char)i;
        int type = i % 3 == 0 ? SW_DELETE : (i % 3 == 1 ? SW_MERGE : SW_PUT);
        sw_set_add(&s, key, (size_t)kl, val, type == SW_DELETE ? 0 : sizeof val, type);
    }
    combo c = {5, 4096, 16, SHALE_LZ4_COMPRESSION, SHALE_CHECKSUM_CRC32C, 1};
    write_and_check(&c, &s, 0);
    sw_set_free(&s);
}
