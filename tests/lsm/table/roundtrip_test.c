/* tests/lsm/table/roundtrip_test.c: shale's writer and shale's reader agree,
 * and shale's reader agrees with RocksDB's writer.
 *   1. A matrix of writer options (format versions, block sizes, restart
 *      intervals, compression, every checksum type) over awkward entry sets
 *      (empty/long/binary keys, empty and 1 MiB values): our reader returns
 *      exactly what was written, forwards, backwards, by seek and by get.
 *   2. Files written at test time by real RocksDB (rocksdb-oracle write-sst:
 *      random keys and values, every checksum type, format versions 2-5,
 *      none and LZ4): our reader returns exactly the entries RocksDB
 *      reported writing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/table/sst_reader.h"
#include "lsm/util/buf.h"
#include "lsm/util/ikey.h"
#include "shale/table.h"
#include "tests/lsm/table/sst_writer_util.h"
#include "tests/support/test_util.h"

static sst_reader *open_reader(const char *path)
{
    sst_reader *r = NULL;
    shale_err err = {0};
    cr_assert_eq(sst_reader_open(shale_env_default(), path, NULL, &r, &err), SHALE_OK,
                 "open %s: %s", path, err.msg);
    return r;
}

static void make_ikey(shale_buf *b, const sw_entry *e)
{
    shale_buf_clear(b);
    shale_buf_append(b, e->key, e->key_len);
    shale_buf_put_fixed64(b, ikey_pack(0, e->type));
}

static void assert_entry(const sst_iter *it, const sw_entry *e, shale_buf *ik, size_t i)
{
    cr_assert(sst_iter_valid(it), "entry %zu missing", i);
    make_ikey(ik, e);
    cr_assert(slice_equal(sst_iter_key(it), shale_buf_slice(ik)), "key %zu differs", i);
    cr_assert(slice_equal(sst_iter_value(it), slice_make(e->value, e->value_len)),
              "value %zu differs", i);
}

typedef struct get_result {
    int hits;
    slice value;
    shale_buf copy;
} get_result;

static bool on_get(void *arg, slice ikey, slice value)
{
    get_result *g = arg;
    g->hits++;
    shale_buf_clear(&g->copy);
    shale_buf_append_slice(&g->copy, value);
    return false;
}

/* Every way of reading the file gives exactly the set. */
static void assert_reads_back(const char *path, const sw_set *s)
{
    sst_reader *r = open_reader(path);
    shale_err err = {0};
    cr_assert_eq(sst_reader_verify(r, &err), SHALE_OK, "verify %s: %s", path, err.msg);
    sst_iter *it = NULL;
    cr_assert_eq(sst_iter_new(r, SST_ITER_DATA, NULL, &it, &err), SHALE_OK);
    shale_buf ik = SHALE_BUF_INIT;
    size_t i = 0;
    for (sst_iter_first(it); sst_iter_valid(it); sst_iter_next(it), i++) {
        cr_assert_lt(i, s->n, "more entries than written");
        assert_entry(it, &s->e[i], &ik, i);
    }
    cr_assert_eq(i, s->n);
    i = s->n;
    for (sst_iter_last(it); sst_iter_valid(it); sst_iter_prev(it)) {
        i--;
        assert_entry(it, &s->e[i], &ik, i);
    }
    cr_assert_eq(i, 0, "backward scan stopped early");
    get_result g = {0, {0}, SHALE_BUF_INIT};
    for (size_t j = 0; j < s->n; j += 1 + s->n / 200) {
        make_ikey(&ik, &s->e[j]);
        sst_iter_seek(it, shale_buf_slice(&ik));
        assert_entry(it, &s->e[j], &ik, j);
        shale_buf_clear(&ik);
        shale_buf_append(&ik, s->e[j].key, s->e[j].key_len);
        shale_buf_put_fixed64(&ik, ikey_pack(MAX_SEQUENCE, VT_FOR_SEEK));
        g.hits = 0;
        cr_assert_eq(sst_reader_get(r, shale_buf_slice(&ik), on_get, &g, &err), SHALE_OK);
        cr_assert_eq(g.hits, 1, "get of entry %zu", j);
        cr_assert(slice_equal(shale_buf_slice(&g.copy),
                              slice_make(s->e[j].value, s->e[j].value_len)));
    }
    cr_assert_eq(sst_iter_status(it, &err), SHALE_OK, "%s", err.msg);
    shale_buf_deinit(&g.copy);
    shale_buf_deinit(&ik);
    sst_iter_free(it);
    sst_reader_unref(r);
}

Test(roundtrip, shale_reads_back_every_writer_configuration)
{
    static const int fvs[] = {2, 3, 4, 5};
    static const size_t block_sizes[] = {256, 4096, 65536};
    static const int restarts[] = {1, 16};
    static const int comps[] = {SHALE_NO_COMPRESSION, SHALE_LZ4_COMPRESSION};
    char *dir = test_tmpdir("roundtrip");
    char path[512];
    int n = 0;
    for (size_t f = 0; f < 4; f++)
        for (size_t b = 0; b < 3; b++)
            for (size_t r = 0; r < 2; r++)
                for (size_t c = 0; c < 2; c++, n++) {
                    int checksum = n % 5;   /* every checksum type, spread over the matrix */
                    sw_set s = {0};
                    sw_set_random(&s, (uint64_t)n + 1, 300 + (size_t)n * 13, n % 12 == 0);
                    shale_table_options *t = shale_table_options_new();
                    shale_table_options_set_format_version(t, fvs[f]);
                    shale_table_options_set_block_size(t, block_sizes[b]);
                    shale_table_options_set_block_restart_interval(t, restarts[r]);
                    shale_table_options_set_checksum(t, checksum);
                    shale_table_options_set_bloom_bits_per_key(t, n % 3 == 0 ? 0 : 10);
                    snprintf(path, sizeof path, "%s/m%03d.sst", dir, n);
                    sw_write(path, t, comps[c], &s);
                    assert_reads_back(path, &s);
                    shale_table_options_free(t);
                    sw_set_free(&s);
                }
    test_rmtree(dir);
    free(dir);
}

/* Parses the oracle's "HEXKEY HEXVALUE" lines into a set of puts. */
static void parse_oracle_lines(const char *out, sw_set *s)
{
    const char *p = out;
    while (*p != '\0') {
        const char *sp = strchr(p, ' ');
        const char *nl = strchr(p, '\n');
        cr_assert(sp != NULL && nl != NULL && sp < nl, "bad oracle line");
        size_t klen = (size_t)(sp - p) / 2, vlen = (size_t)(nl - sp - 1) / 2;
        char *k = malloc(klen + 1), *v = malloc(vlen + 1);
        for (size_t i = 0; i < klen; i++)
            sscanf(p + 2 * i, "%2hhx", (unsigned char *)&k[i]);
        for (size_t i = 0; i < vlen; i++)
            sscanf(sp + 1 + 2 * i, "%2hhx", (unsigned char *)&v[i]);
        sw_set_add(s, k, klen, v, vlen, SW_PUT);
        free(k);
        free(v);
        p = nl + 1;
    }
}

Test(roundtrip, shale_reads_what_rocksdb_wrote_with_every_checksum_and_format_version)
{
    char *dir = test_tmpdir("rocks-written");
    char path[512], args[1024];
    int n = 0;
    for (int fv = 2; fv <= 5; fv++)
        for (int checksum = 0; checksum <= 4; checksum++, n++) {
            const char *comp = n % 2 == 0 ? "none" : "lz4";
            int block = n % 3 == 0 ? 256 : 4096;
            snprintf(path, sizeof path, "%s/r%02d.sst", dir, n);
            snprintf(args, sizeof args,
                     "write-sst '%s' --seed=%d --count=%d --checksum=%d --format-version=%d "
                     "--block-size=%d --restart=%d --compression=%s --bloom=10",
                     path, n + 7, 500 + n * 50, checksum, fv, block, 1 + n % 16, comp);
            int status = 0;
            char *out = sw_oracle(args, &status);
            cr_assert_eq(status, 0, "oracle %s failed: %s", args, out);
            sw_set s = {0};
            parse_oracle_lines(out, &s);
            cr_assert_gt(s.n, 0);
            assert_reads_back(path, &s);
            sw_set_free(&s);
            free(out);
        }
    test_rmtree(dir);
    free(dir);
}
