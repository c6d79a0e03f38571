/* tests/lsm/table/codec_test.c: Snappy and ZSTD blocks (compress.h) as
 * RocksDB 7.8.3 frames them, checked against independent oracles:
 *   - the codec libraries themselves (a Snappy block is raw Snappy; a ZSTD
 *     block is a varint32 size and one zstd frame of that content size);
 *   - files written by real RocksDB (the rocksdb-oracle program and the
 *     sst_snappy_defaults fixture) read back exactly by our reader;
 *   - our files checked, verified and scanned by Debian's sst_dump, and
 *     their blocks equal byte for byte to RocksDB's for the same entries;
 *   - damaged blocks give SHALE_CORRUPTION, never a crash or a huge
 *     allocation; codecs this build lacks give SHALE_NOT_SUPPORTED naming
 *     the codec. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SHALE_HAVE_SNAPPY
#include <snappy-c.h>
#endif
#ifdef SHALE_HAVE_ZSTD
#include <zstd.h>
#endif

#include "lsm/table/compress.h"
#include "lsm/table/format.h"
#include "lsm/table/properties.h"
#include "lsm/table/sst_reader.h"
#include "lsm/util/coding.h"
#include "lsm/util/ikey.h"
#include "tests/lsm/table/sst_fixture.h"
#include "tests/lsm/table/sst_writer_util.h"
#include "tests/support/test_util.h"

static char *g_dir;

static void setup(void)
{
    g_dir = test_tmpdir("codec");
    cr_assert_not_null(g_dir);
}

static void teardown(void)
{
    test_rmtree(g_dir);
    free(g_dir);
}

TestSuite(codec, .init = setup, .fini = teardown, .timeout = 120);

/* The codecs this build reads and writes besides LZ4. */
static const int g_codecs[] = {
#ifdef SHALE_HAVE_SNAPPY
    COMPRESSION_SNAPPY,
#endif
#ifdef SHALE_HAVE_ZSTD
    COMPRESSION_ZSTD,
#endif
    -1,
};
#define FOR_EACH_CODEC(c) for (const int *c = g_codecs; *c >= 0; c++)

static uint64_t rnd(uint64_t *s)   /* splitmix64 */
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* n bytes of text-like data: words from a small vocabulary. */
static char *make_text(uint64_t seed, size_t n)
{
    static const char *const words[] = {"alpha ", "beta ", "gamma ", "delta ", "shale ",
                                        "rocks ", "block ", "key ", "value "};
    char *p = malloc(n + 1);
    cr_assert_not_null(p);
    for (size_t i = 0; i < n;) {
        const char *w = words[rnd(&seed) % 9];
        for (size_t j = 0; w[j] != '\0' && i < n; j++)
            p[i++] = w[j];
    }
    return p;
}

static char *make_random(uint64_t seed, size_t n)
{
    char *p = malloc(n + 1);
    cr_assert_not_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (char)(rnd(&seed) & 0xff);
    return p;
}

static char *path_in_dir(const char *name)
{
    size_t n = strlen(g_dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", g_dir, name);
    return p;
}

/* --- single blocks -------------------------------------------------------- */

#ifdef SHALE_HAVE_SNAPPY
Test(codec, snappy_block_is_raw_snappy_and_round_trips)
{
    char *raw = make_text(1, 6000);
    shale_buf out = SHALE_BUF_INIT, back = SHALE_BUF_INIT;
    cr_assert(compress_block(COMPRESSION_SNAPPY, slice_make(raw, 6000), &out));
    cr_assert_lt(out.len, 6000 - 6000 / 8);
    size_t n = 0;   /* the library reads it with no prefix of ours */
    cr_assert_eq(snappy_uncompressed_length(out.data, out.len, &n), SNAPPY_OK);
    cr_assert_eq(n, 6000);
    char *lib = malloc(n);
    cr_assert_eq(snappy_uncompress(out.data, out.len, lib, &n), SNAPPY_OK);
    cr_assert_eq(memcmp(lib, raw, 6000), 0);
    cr_assert_eq(uncompress_block(COMPRESSION_SNAPPY, shale_buf_slice(&out), &back, NULL),
                 SHALE_OK);
    cr_assert(back.len == 6000 && memcmp(back.data, raw, 6000) == 0);
    free(lib);
    free(raw);
    shale_buf_deinit(&out);
    shale_buf_deinit(&back);
}
#endif

#ifdef SHALE_HAVE_ZSTD
Test(codec, zstd_block_is_a_size_prefix_and_one_frame)
{
    char *raw = make_text(2, 9000);
    shale_buf out = SHALE_BUF_INIT, back = SHALE_BUF_INIT;
    cr_assert(compress_block(COMPRESSION_ZSTD, slice_make(raw, 9000), &out));
    slice in = shale_buf_slice(&out);
    uint32_t prefix;
    cr_assert(get_varint32(&in, &prefix));
    cr_assert_eq(prefix, 9000);
    cr_assert_eq(ZSTD_getFrameContentSize(in.data, in.len), 9000ull);
    cr_assert_eq(ZSTD_findFrameCompressedSize(in.data, in.len), in.len, "exactly one frame");
    char *lib = malloc(9000);
    cr_assert_eq(ZSTD_decompress(lib, 9000, in.data, in.len), 9000u);
    cr_assert_eq(memcmp(lib, raw, 9000), 0);
    cr_assert_eq(uncompress_block(COMPRESSION_ZSTD, shale_buf_slice(&out), &back, NULL), SHALE_OK);
    cr_assert(back.len == 9000 && memcmp(back.data, raw, 9000) == 0);
    /* ZSTDNotFinal (0x40) blocks carry the same bytes. */
    cr_assert_eq(uncompress_block(COMPRESSION_ZSTD_NOT_FINAL, shale_buf_slice(&out), &back, NULL),
                 SHALE_OK);
    cr_assert(back.len == 9000 && memcmp(back.data, raw, 9000) == 0);
    free(lib);
    free(raw);
    shale_buf_deinit(&out);
    shale_buf_deinit(&back);
}

Test(codec, zstd_size_prefix_disagreeing_with_the_frame_is_corruption)
{
    char *raw = make_text(3, 4000);
    shale_buf out = SHALE_BUF_INIT, bad = SHALE_BUF_INIT, back = SHALE_BUF_INIT;
    cr_assert(compress_block(COMPRESSION_ZSTD, slice_make(raw, 4000), &out));
    slice in = shale_buf_slice(&out);
    uint32_t prefix;
    cr_assert(get_varint32(&in, &prefix));
    static const uint32_t claims[] = {3999, 4001, 0, 0xffffffffu};
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++) {
        shale_buf_clear(&bad);
        shale_buf_put_varint32(&bad, claims[i]);
        shale_buf_append_slice(&bad, in);
        shale_err err = {0};
        cr_assert_eq(uncompress_block(COMPRESSION_ZSTD, shale_buf_slice(&bad), &back, &err),
                     SHALE_CORRUPTION, "claim %u", claims[i]);
        cr_assert_not_null(strstr(err.msg, "ZSTD"), "%s", err.msg);
    }
    free(raw);
    shale_buf_deinit(&out);
    shale_buf_deinit(&bad);
    shale_buf_deinit(&back);
}
#endif

Test(codec, incompressible_blocks_are_stored_raw)
{
    char *raw = make_random(4, 4096);
    shale_buf out = SHALE_BUF_INIT;
    FOR_EACH_CODEC(c) {
        cr_assert_not(compress_block(*c, slice_make(raw, 4096), &out), "%s",
                      compression_type_name(*c));
        cr_assert_not(compress_block(*c, slice_make(raw, 0), &out), "empty block");
    }
    free(raw);
    shale_buf_deinit(&out);
}

/* Every truncation of a valid block fails with SHALE_CORRUPTION; every
 * single-byte flip either fails so or decodes (never crashes). */
Test(codec, damaged_blocks_are_corruption_not_crashes)
{
    char *raw = make_text(5, 3000);
    shale_buf out = SHALE_BUF_INIT, back = SHALE_BUF_INIT, dmg = SHALE_BUF_INIT;
    FOR_EACH_CODEC(c) {
        cr_assert(compress_block(*c, slice_make(raw, 3000), &out));
        for (size_t n = 0; n < out.len; n++) {
            int rc = uncompress_block(*c, slice_make(out.data, n), &back, NULL);
            cr_assert_eq(rc, SHALE_CORRUPTION, "%s cut to %zu of %zu", compression_type_name(*c),
                         n, out.len);
        }
        for (size_t i = 0; i < out.len; i++) {
            shale_buf_clear(&dmg);
            shale_buf_append(&dmg, out.data, out.len);
            dmg.data[i] ^= (char)(1u << (i % 8));
            int rc = uncompress_block(*c, shale_buf_slice(&dmg), &back, NULL);
            cr_assert(rc == SHALE_OK || rc == SHALE_CORRUPTION, "%s flip %zu: %d",
                      compression_type_name(*c), i, rc);
        }
    }
    free(raw);
    shale_buf_deinit(&out);
    shale_buf_deinit(&back);
    shale_buf_deinit(&dmg);
}

#ifdef SHALE_HAVE_SNAPPY
Test(codec, snappy_claiming_more_than_it_can_hold_is_corruption)
{
    /* A Snappy length header of 2^31 followed by 4 bytes. */
    static const char bad[] = {'\x80', '\x80', '\x80', '\x80', '\x08', 0, 'a', 'b', 'c'};
    shale_buf back = SHALE_BUF_INIT;
    shale_err err = {0};
    cr_assert_eq(uncompress_block(COMPRESSION_SNAPPY, slice_make(bad, sizeof bad), &back, &err),
                 SHALE_CORRUPTION);
    cr_assert_not_null(strstr(err.msg, "Snappy"), "%s", err.msg);
    shale_buf_deinit(&back);
}
#endif

Test(codec, codecs_this_build_lacks_are_not_supported_and_named)
{
    static const struct {
        int type;
        const char *name;
    } cases[] = {
        {COMPRESSION_ZLIB, "Zlib"},
        {COMPRESSION_BZIP2, "BZip2"},
        {COMPRESSION_XPRESS, "Xpress"},
#ifndef SHALE_HAVE_SNAPPY
        {COMPRESSION_SNAPPY, "Snappy"},
#endif
#ifndef SHALE_HAVE_ZSTD
        {COMPRESSION_ZSTD, "ZSTD"},
#endif
    };
    shale_buf out = SHALE_BUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shale_err err = {0};
        cr_assert_eq(uncompress_block(cases[i].type, slice_make("xyz", 3), &out, &err),
                     SHALE_NOT_SUPPORTED, "%s", cases[i].name);
        cr_assert_not_null(strstr(err.msg, cases[i].name), "%s", err.msg);
        cr_assert_not(compress_supported(cases[i].type));
        cr_assert_not(uncompress_supported(cases[i].type));
    }
    FOR_EACH_CODEC(c) {
        cr_assert(compress_supported(*c));
        cr_assert(uncompress_supported(*c));
    }
    shale_buf_deinit(&out);
}

/* --- whole files ------------------------------------------------------------ */

/* 600 puts with keys "key%06d" and text values: compressible. */
static void compressible_set(sw_set *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 600; i++) {
        char key[16];
        int kl = snprintf(key, sizeof key, "key%06d", i);
        size_t vl = (size_t)(i * 7 % 251);
        char *v = make_text((uint64_t)i, vl);
        sw_set_add(s, key, (size_t)kl, v, vl, SW_PUT);
        free(v);
    }
}

static sst_reader *open_sst(const char *path)
{
    sst_reader *r = NULL;
    shale_err err = {0};
    cr_assert_eq(sst_reader_open(shale_env_default(), path, NULL, &r, &err), SHALE_OK, "%s: %s",
                 path, err.msg);
    return r;
}

/* Asserts the reader lists exactly keys[i] -> vals[i] (all PUT at seq 0),
 * and returns how many of its data blocks are stored with `type`. */
static size_t assert_reads(const char *path, char **keys, size_t *kl, char **vals, size_t *vl,
                           size_t n, int type)
{
    sst_reader *r = open_sst(path);
    sst_iter *it = NULL;
    cr_assert_eq(sst_iter_new(r, SST_ITER_DATA, NULL, &it, NULL), SHALE_OK);
    size_t file_len, i = 0, typed = 0;
    char *file = test_read_file(path, &file_len);
    cr_assert_not_null(file);
    uint64_t last_block = UINT64_MAX;
    for (sst_iter_first(it); sst_iter_valid(it); sst_iter_next(it), i++) {
        cr_assert_lt(i, n, "%s: more entries than written", path);
        slice k = sst_iter_key(it), v = sst_iter_value(it);
        cr_assert(k.len == kl[i] + 8 && memcmp(k.data, keys[i], kl[i]) == 0, "%s: key %zu", path, i);
        cr_assert_eq(dec_fixed64(k.data + kl[i]), ikey_pack(0, VT_VALUE), "%s: entry %zu", path, i);
        cr_assert(v.len == vl[i] && memcmp(v.data, vals[i], vl[i]) == 0, "%s: value %zu", path, i);
        block_handle h = sst_iter_block(it);
        if (h.offset != last_block && h.offset + h.size < file_len)
            typed += (unsigned char)file[h.offset + h.size] == type;
        last_block = h.offset;
    }
    cr_assert_eq(sst_iter_status(it, NULL), SHALE_OK);
    cr_assert_eq(i, n, "%s: %zu of %zu entries", path, i, n);
    cr_assert_eq(sst_reader_verify(r, NULL), SHALE_OK);
    cr_assert_str_eq(sst_reader_props(r)->compression_name, compression_type_name(type));
    sst_iter_free(it);
    sst_reader_unref(r);
    free(file);
    return typed;
}

static size_t assert_reads_set(const char *path, const sw_set *s, int type)
{
    char **k = calloc(s->n, sizeof *k), **v = calloc(s->n, sizeof *v);
    size_t *kl = calloc(s->n, sizeof *kl), *vl = calloc(s->n, sizeof *vl);
    for (size_t i = 0; i < s->n; i++) {
        k[i] = s->e[i].key, kl[i] = s->e[i].key_len;
        v[i] = s->e[i].value, vl[i] = s->e[i].value_len;
    }
    size_t typed = assert_reads(path, k, kl, v, vl, s->n, type);
    free(k), free(v), free(kl), free(vl);
    return typed;
}

Test(codec, our_snappy_and_zstd_files_read_back_exactly_and_compressed)
{
    sw_set s;
    compressible_set(&s);
    FOR_EACH_CODEC(c) {
        char name[32];
        snprintf(name, sizeof name, "ours-%d.sst", *c);
        char *path = path_in_dir(name);
        uint64_t size = sw_write(path, NULL, *c, &s);
        size_t typed = assert_reads_set(path, &s, *c);
        cr_assert_gt(typed, 5, "%s: only %zu compressed data blocks", name, typed);
        cr_assert_lt(size, 60000, "%s: %llu bytes", name, (unsigned long long)size);
        free(path);
    }
    sw_set_free(&s);
}

Test(codec, rocksdb_tools_check_and_verify_our_snappy_and_zstd_files)
{
    sw_set s;
    compressible_set(&s);
    FOR_EACH_CODEC(c) {
        char name[32];
        snprintf(name, sizeof name, "tools-%d.sst", *c);
        char *path = path_in_dir(name);
        sw_write(path, NULL, *c, &s);
        sw_assert_rocksdb_reads(path, &s);   /* verify, check --verify_checksum, scan */
        int st;
        char *out = sw_sst_dump("--show_properties --command=none", path, &st);
        char *algo = sw_prop_str(out, "SST file compression algo");
        cr_assert_not_null(algo, "%s", out);
        cr_assert_str_eq(algo, compression_type_name(*c));
        free(algo);
        free(out);
        free(path);
    }
    sw_set_free(&s);
}

/* Parses the oracle's "HEXKEY HEXVALUE" lines. */
static size_t parse_pairs(char *text, char ***k, size_t **kl, char ***v, size_t **vl)
{
    size_t n = 0, cap = 0;
    *k = NULL, *v = NULL, *kl = NULL, *vl = NULL;
    for (char *p = text; *p != '\0';) {
        char *eol = strchr(p, '\n'), *sp = strchr(p, ' ');
        cr_assert(eol != NULL && sp != NULL && sp < eol, "bad oracle line");
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            *k = realloc(*k, cap * sizeof **k), *v = realloc(*v, cap * sizeof **v);
            *kl = realloc(*kl, cap * sizeof **kl), *vl = realloc(*vl, cap * sizeof **vl);
        }
        (*k)[n] = fx_unhex(p, (size_t)(sp - p), &(*kl)[n]);
        (*v)[n] = fx_unhex(sp + 1, (size_t)(eol - sp - 1), &(*vl)[n]);
        n++;
        p = eol + 1;
    }
    return n;
}

Test(codec, rocksdb_written_snappy_and_zstd_files_read_exactly)
{
    FOR_EACH_CODEC(c) {
        const char *codec = *c == COMPRESSION_SNAPPY ? "snappy" : "zstd";
        char name[32], args[512];
        snprintf(name, sizeof name, "rocksdb-%s.sst", codec);
        char *path = path_in_dir(name);
        snprintf(args, sizeof args, "write-sst '%s' --seed=%d --count=800 --compression=%s "
                 "--compressible --checksum=4", path, 17 + *c, codec);
        int st;
        char *out = sw_oracle(args, &st);
        cr_assert_eq(st, 0, "oracle: %s", out);
        char **k, **v;
        size_t *kl, *vl, n = parse_pairs(out, &k, &kl, &v, &vl);
        cr_assert_gt(n, 700);
        size_t typed = assert_reads(path, k, kl, v, vl, n, *c);
        cr_assert_gt(typed, 5, "%s: only %zu %s data blocks", name, typed, codec);
        for (size_t i = 0; i < n; i++)
            free(k[i]), free(v[i]);
        free(k), free(v), free(kl), free(vl), free(out), free(path);
    }
}

#ifdef SHALE_HAVE_SNAPPY
Test(codec, snappy_defaults_fixture_reads_exactly)
{
    fx_list want;
    fx_load("sst_snappy_defaults.sst", &want);
    char *path = fixture_path("sst_snappy_defaults.sst");
    char **k = calloc(want.n, sizeof *k), **v = calloc(want.n, sizeof *v);
    size_t *kl = calloc(want.n, sizeof *kl), *vl = calloc(want.n, sizeof *vl);
    for (size_t i = 0; i < want.n; i++) {
        k[i] = want.e[i].ikey, kl[i] = want.e[i].ikey_len - 8;
        v[i] = want.e[i].val, vl[i] = want.e[i].val_len;
    }
    size_t typed = assert_reads(path, k, kl, v, vl, want.n, COMPRESSION_SNAPPY);
    cr_assert_eq(typed, 13, "the README says 13 Snappy data blocks; saw %zu", typed);
    free(k), free(v), free(kl), free(vl), free(path);
    fx_free(&want);
}
#endif

#if defined(SHALE_HAVE_SNAPPY) || defined(SHALE_HAVE_ZSTD)
/* Same entries and options as a file real RocksDB wrote: every byte before
 * the properties block (the compressed data blocks, the index) must be
 * equal, so our blocks are exactly what RocksDB's encoder produces. */
static void assert_same_blocks_as_rocksdb(int codec, const char *name, int seed)
{
    char *theirs = path_in_dir("same-rocks.sst"), *ours = path_in_dir("same-ours.sst");
    char args[1024];
    snprintf(args, sizeof args, "write-sst '%s' --seed=%d --count=1500 --compression=%s "
             "--compressible --checksum=1", theirs, seed, name);
    int st;
    char *out = sw_oracle(args, &st);
    cr_assert_eq(st, 0, "oracle: %.300s", out);
    char **k, **v;
    size_t *kl, *vl, n = parse_pairs(out, &k, &kl, &v, &vl);
    sw_set s = {0};
    for (size_t i = 0; i < n; i++) {
        sw_set_add(&s, k[i], kl[i], v[i], vl[i], SW_PUT);
        free(k[i]), free(v[i]);
    }
    free(k), free(v), free(kl), free(vl), free(out);
    shale_table_options *o = shale_table_options_new();
    shale_table_options_set_checksum(o, SHALE_CHECKSUM_CRC32C);
    shale_table_options_set_bloom_bits_per_key(o, 0);
    sw_write(ours, o, codec, &s);
    shale_table_options_free(o);
    sw_set_free(&s);
    char *raw = sw_raw_dump(theirs);
    unsigned long long props_off, props_size;
    sw_raw_handle(raw, "Properties block handle", &props_off, &props_size);
    free(raw);
    size_t tl, ol, i = 0;
    char *t = test_read_file(theirs, &tl), *u = test_read_file(ours, &ol);
    cr_assert(t != NULL && u != NULL);
    cr_assert_eq(ol, tl, "%s: %zu bytes, RocksDB wrote %zu", name, ol, tl);
    while (i < props_off && t[i] == u[i])
        i++;
    cr_assert_eq(i, props_off, "%s: first difference at byte %zu of %llu", name, i, props_off);
    free(t), free(u), free(theirs), free(ours);
}
#endif

#ifdef SHALE_HAVE_SNAPPY
Test(codec, snappy_blocks_equal_rocksdbs_byte_for_byte)
{
    assert_same_blocks_as_rocksdb(COMPRESSION_SNAPPY, "snappy", 41);
}
#endif

#ifdef SHALE_HAVE_ZSTD
Test(codec, zstd_blocks_equal_rocksdbs_byte_for_byte)
{
    assert_same_blocks_as_rocksdb(COMPRESSION_ZSTD, "zstd", 42);
}
#endif
