/* tests/lsm/table/filter_test.c: full-file Bloom filters against filters
 * RocksDB 7.8.3 wrote.
 *   - every key of every fixture SST with a Bloom filter matches it, and the
 *     released XXH3 (the wrong hash) matches only about the FP rate;
 *   - our FastLocalBloom of the fixture's 3000 keys equals its bytes;
 *   - our filters equal, byte for byte, filters that librocksdb (loaded
 *     with dlopen, driven through its C API's SstFileWriter) builds now, for
 *     FastLocalBloom and legacy Bloom at several densities;
 *   - false-positive rates; Ribbon and malformed trailers; no reads out of
 *     bounds on any trailer. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <rocksdb/c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lsm/table/filter.h"
#include "lsm/table/format.h"
#include "lsm/util/buf.h"
#include "lsm/util/coding.h"
#include "tests/support/test_util.h"

/* --- reading a filter block out of an SST, with a test-local parser ----- */

typedef struct sst_file {
    char *bytes;
    size_t len;
    slice filter;   /* the filter block, without its 5-byte trailer */
} sst_file;

/* A stored block: bounds and trailer checksum checked; must be type 0. */
static slice stored_block(const sst_file *f, int checksum_type, block_handle h)
{
    cr_assert(h.offset <= f->len && h.size + BLOCK_TRAILER_LEN <= f->len - h.offset,
              "block %llu+%llu outside the file", (unsigned long long)h.offset,
              (unsigned long long)h.size);
    const char *p = f->bytes + h.offset;
    uint8_t type = (uint8_t)p[h.size];
    cr_assert_eq(type, 0, "meta blocks are stored uncompressed");
    cr_assert_eq(block_checksum(checksum_type, p, h.size, type), dec_fixed32(p + h.size + 1),
                 "block trailer checksum");
    return slice_make(p, h.size);
}

/* Finds `name` in a metaindex block (generic block, restart interval 1). */
static bool metaindex_find(slice block, const char *name, block_handle *out)
{
    cr_assert_geq(block.len, 8);
    uint32_t num_restarts = dec_fixed32(block.data + block.len - 4) & 0x7fffffffu;
    cr_assert_leq((uint64_t)num_restarts * 4 + 4, block.len);
    const char *p = block.data, *limit = block.data + block.len - 4 - 4 * (size_t)num_restarts;
    char key[512];
    size_t key_len = 0;
    while (p < limit) {
        uint32_t shared, non_shared, vlen;
        p = dec_varint32(p, limit, &shared);
        cr_assert_not_null(p);
        p = dec_varint32(p, limit, &non_shared);
        cr_assert_not_null(p);
        p = dec_varint32(p, limit, &vlen);
        cr_assert_not_null(p);
        cr_assert(shared <= key_len && shared + non_shared <= sizeof key);
        cr_assert_leq((uint64_t)non_shared + vlen, (uint64_t)(limit - p));
        memcpy(key + shared, p, non_shared);
        key_len = shared + non_shared;
        p += non_shared;
        slice value = slice_make(p, vlen);
        p += vlen;
        if (key_len == strlen(name) && memcmp(key, name, key_len) == 0) {
            cr_assert(block_handle_decode(&value, out));
            return true;
        }
    }
    return false;
}

static sst_file open_sst_path(const char *path)
{
    sst_file f = {0};
    f.bytes = test_read_file(path, &f.len);
    cr_assert_not_null(f.bytes, "cannot read %s", path);
    size_t tail = f.len < SST_FOOTER_MAX_LEN ? f.len : SST_FOOTER_MAX_LEN;
    sst_footer footer;
    shale_err err = {0};
    cr_assert_eq(sst_footer_decode(slice_make(f.bytes + f.len - tail, tail), &footer, &err),
                 SHALE_OK, "%s: %s", path, err.msg);
    slice meta = stored_block(&f, footer.checksum, footer.metaindex);
    block_handle fh;
    cr_assert(metaindex_find(meta, META_BUILTIN_FULL_FILTER, &fh), "%s: no filter", path);
    f.filter = stored_block(&f, footer.checksum, fh);
    return f;
}

static sst_file open_fixture(const char *name)
{
    char *path = fixture_path(name);
    sst_file f = open_sst_path(path);
    free(path);
    return f;
}

/* --- key lists ------------------------------------------------------------ */

typedef struct key_list {
    char (*keys)[64];
    size_t *lens;
    size_t n;
} key_list;

static void key_list_push(key_list *kl, const char *k, size_t len)
{
    cr_assert_lt(len, 64);
    if ((kl->n & (kl->n - 1)) == 0) {   /* grow at powers of two */
        size_t cap = kl->n == 0 ? 1 : kl->n * 2;
        kl->keys = realloc(kl->keys, cap * sizeof *kl->keys);
        kl->lens = realloc(kl->lens, cap * sizeof *kl->lens);
        cr_assert(kl->keys != NULL && kl->lens != NULL);
    }
    memcpy(kl->keys[kl->n], k, len);
    kl->lens[kl->n++] = len;
}

static void key_list_free(key_list *kl)
{
    free(kl->keys);
    free(kl->lens);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : (c >= 'a' && c <= 'f' ? c - 'a' + 10 :
                                             (c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1));
}

/* Decodes the hex run at p (ending at any non-hex char) into a key. */
static void push_hex_key(key_list *kl, const char *p)
{
    char k[64];
    size_t n = 0;
    while (hexval(p[0]) >= 0 && hexval(p[1]) >= 0) {
        cr_assert_lt(n, sizeof k);
        k[n++] = (char)(hexval(p[0]) * 16 + hexval(p[1]));
        p += 2;
    }
    key_list_push(kl, k, n);
}

/* First column of every non-comment line of a sidecar (expected/entries). */
static key_list sidecar_keys(const char *name)
{
    char *path = fixture_path(name);
    size_t len;
    char *text = test_read_file(path, &len);
    cr_assert_not_null(text, "cannot read %s", path);
    free(path);
    key_list kl = {0};
    for (char *line = text; line < text + len;) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        if (nl != NULL)
            *nl = '\0';
        if (line[0] != '#' && line[0] != '\0')
            push_hex_key(&kl, line);
        line = nl == NULL ? text + len : nl + 1;
    }
    free(text);
    cr_assert_gt(kl.n, 0);
    return kl;
}

/* Keys of an SST as RocksDB's own sst_dump lists them. */
static key_list sst_dump_keys(const char *fixture)
{
    char *path = fixture_path(fixture);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sst_dump --file='%s' --command=scan --output_hex 2>/dev/null", path);
    free(path);
    int status;
    char *out = test_run(cmd, &status);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "sst_dump failed");
    key_list kl = {0};
    for (char *line = out; (line = strchr(line, '\'')) != NULL;) {
        push_hex_key(&kl, line + 1);
        line = strchr(line + 1, '\n');
        if (line == NULL)
            break;
    }
    free(out);
    return kl;
}

/* --- an independent probe, straight from rocksdb-format.md §7.2 ---------- */

static bool spec_fast_bloom_probe(slice filter, uint64_t h)
{
    uint32_t len = (uint32_t)filter.len - 5;
    int probes = filter.data[len + 2] & 31;
    uint32_t line = (uint32_t)(((uint64_t)(uint32_t)h * (len >> 6)) >> 32) << 6;
    uint32_t h2 = (uint32_t)(h >> 32);
    for (int i = 0; i < probes; i++, h2 *= 0x9e3779b9u) {
        uint32_t bit = h2 >> 23;
        if (((unsigned char)filter.data[line + (bit >> 3)] & (1u << (bit & 7))) == 0)
            return false;
    }
    return true;
}

static void check_fixture_filter(const char *sst, const key_list *kl)
{
    sst_file f = open_fixture(sst);
    filter_reader r;
    filter_reader_init(&r, f.filter);
    cr_assert_eq(r.kind, FILTER_FAST_LOCAL_BLOOM, "%s: %s", sst, filter_kind_name(r.kind));
    cr_assert_eq(r.num_probes, 6);
    cr_assert_eq(r.len, f.filter.len - 5);
    size_t wrong_hash_hits = 0;
    for (size_t i = 0; i < kl->n; i++) {
        slice k = slice_make(kl->keys[i], kl->lens[i]);
        cr_assert(filter_key_may_match(&r, k), "%s: key %zu (%.*s) rejected", sst, i,
                  (int)k.len, k.data);
        wrong_hash_hits += spec_fast_bloom_probe(f.filter, XXH3_64bits(k.data, k.len));
    }
    /* With the released XXH3 only false positives (~1%) remain. */
    cr_assert_lt(wrong_hash_hits, kl->n / 20, "%s: %zu of %zu keys match with XXH3", sst,
                 wrong_hash_hits, kl->n);
    free(f.bytes);
}

Test(filter_fixtures, every_key_of_sst_plain_crc32c_matches)
{
    key_list kl = sidecar_keys("sst_plain_crc32c.expected.txt");
    cr_assert_eq(kl.n, 3000);
    check_fixture_filter("sst_plain_crc32c.sst", &kl);
    key_list_free(&kl);
}

Test(filter_fixtures, every_key_of_sst_lz4_xxh3_matches)
{
    key_list kl = sidecar_keys("sst_lz4_xxh3.expected.txt");
    cr_assert_eq(kl.n, 2000);
    check_fixture_filter("sst_lz4_xxh3.sst", &kl);
    key_list_free(&kl);
}

Test(filter_fixtures, every_key_of_sst_del_merge_matches_including_deleted_ones)
{
    key_list live = sidecar_keys("sst_del_merge.expected.txt");
    cr_assert_eq(live.n, 1333);
    check_fixture_filter("sst_del_merge.sst", &live);
    key_list all = sidecar_keys("sst_del_merge.entries.txt");
    cr_assert_eq(all.n, 2000);
    check_fixture_filter("sst_del_merge.sst", &all);
    key_list_free(&live);
    key_list_free(&all);
}

Test(filter_fixtures, every_key_of_db_000012_matches)
{
    /* The DB sidecar describes the whole DB (WAL included), so the file's
     * own keys come from RocksDB's sst_dump. */
    key_list kl = sst_dump_keys("db/000012.sst");
    cr_assert_eq(kl.n, 2699);
    check_fixture_filter("db/000012.sst", &kl);
    key_list_free(&kl);
}

Test(filter_fixtures, ribbon_filter_is_always_true)
{
    sst_file f = open_fixture("sst_ribbon.sst");
    cr_assert_eq((unsigned char)f.filter.data[f.filter.len - 5], 0xfe);
    filter_reader r;
    filter_reader_init(&r, f.filter);
    cr_assert_eq(r.kind, FILTER_ALWAYS_TRUE);
    cr_assert(filter_key_may_match(&r, slice_from_str("key00000001")));
    cr_assert(filter_key_may_match(&r, slice_from_str("certainly absent")));
    free(f.bytes);
}

/* --- building ------------------------------------------------------------- */

static void build(filter_builder *b, const key_list *kl, shale_buf *out)
{
    for (size_t i = 0; i < kl->n; i++)
        filter_builder_add(b, slice_make(kl->keys[i], kl->lens[i]));
    cr_assert_eq(filter_builder_num_entries(b), kl->n);
    cr_assert(filter_builder_finish(b, out));
}

/* prefix followed by i in `width` zero-padded digits, for i in [from, to) */
static key_list numbered_keys(const char *prefix, int width, int from, int to)
{
    key_list kl = {0};
    char k[64];
    for (int i = from; i < to; i++) {
        int n = snprintf(k, sizeof k, "%s%0*d", prefix, width, i);
        key_list_push(&kl, k, (size_t)n);
    }
    return kl;
}

Test(filter_build, fast_bloom_of_3000_keys_equals_the_fixture_byte_for_byte)
{
    key_list kl = numbered_keys("key", 8, 0, 3000);
    key_list fixture_keys = sidecar_keys("sst_plain_crc32c.expected.txt");
    for (size_t i = 0; i < kl.n; i++)   /* the same keys, in the same order */
        cr_assert(slice_equal(slice_make(kl.keys[i], kl.lens[i]),
                              slice_make(fixture_keys.keys[i], fixture_keys.lens[i])));
    filter_builder b;
    filter_builder_init(&b, 10.0, 5);
    shale_buf out = SHALE_BUF_INIT;
    build(&b, &kl, &out);
    cr_assert_eq(out.len, 3776 + 5);
    cr_assert_eq(memcmp(out.data + 3776, "\xff\x00\x06\x00\x00", 5), 0);
    sst_file f = open_fixture("sst_plain_crc32c.sst");
    cr_assert_eq(f.filter.len, out.len);
    cr_assert_eq(memcmp(f.filter.data, out.data, out.len), 0, "filter bits differ");
    free(f.bytes);
    shale_buf_deinit(&out);
    filter_builder_deinit(&b);
    key_list_free(&kl);
    key_list_free(&fixture_keys);
}

static size_t count_false_positives(slice filter, int from, int to)
{
    filter_reader r;
    filter_reader_init(&r, filter);
    size_t hits = 0;
    char k[32];
    for (int i = from; i < to; i++) {
        int n = snprintf(k, sizeof k, "absent%08d", i);
        hits += filter_key_may_match(&r, slice_make(k, (size_t)n));
    }
    return hits;
}

Test(filter_build, fast_bloom_at_10_bits_per_key_has_under_2_percent_false_positives)
{
    key_list kl = numbered_keys("key", 8, 0, 10000);
    filter_builder b;
    filter_builder_init(&b, 10.0, 5);
    shale_buf out = SHALE_BUF_INIT;
    build(&b, &kl, &out);
    filter_reader r;
    filter_reader_init(&r, shale_buf_slice(&out));
    for (size_t i = 0; i < kl.n; i++)
        cr_assert(filter_key_may_match(&r, slice_make(kl.keys[i], kl.lens[i])));
    size_t fp = count_false_positives(shale_buf_slice(&out), 0, 100000);
    cr_log_info("FastLocalBloom 10 bits/key: %zu false positives in 100000", fp);
    cr_assert_lt(fp, 2000);
    cr_assert_gt(fp, 100);   /* a filter that rejects everything is wrong too */
    shale_buf_deinit(&out);
    filter_builder_deinit(&b);
    key_list_free(&kl);
}

Test(filter_build, legacy_bloom_of_1000_keys_has_21_lines_and_6_probes)
{
    key_list kl = numbered_keys("key", 8, 0, 1000);
    filter_builder b;
    filter_builder_init(&b, 10.0, 4);
    shale_buf out = SHALE_BUF_INIT;
    build(&b, &kl, &out);
    cr_assert_eq(out.len, 1349);
    cr_assert_eq(out.data[1344], 6);
    cr_assert_eq(dec_fixed32(out.data + 1345), 21);
    filter_reader r;
    filter_reader_init(&r, shale_buf_slice(&out));
    cr_assert_eq(r.kind, FILTER_LEGACY_BLOOM);
    cr_assert_eq(r.num_lines, 21);
    cr_assert_eq(r.line_bytes, 64);
    for (size_t i = 0; i < kl.n; i++)
        cr_assert(filter_key_may_match(&r, slice_make(kl.keys[i], kl.lens[i])));
    size_t fp = count_false_positives(shale_buf_slice(&out), 0, 100000);
    cr_log_info("legacy Bloom 10 bits/key: %zu false positives in 100000", fp);
    cr_assert_lt(fp, 2500);
    cr_assert_gt(fp, 100);
    shale_buf_deinit(&out);
    filter_builder_deinit(&b);
    key_list_free(&kl);
}

Test(filter_build, every_key_matches_at_every_density_in_both_formats)
{
    key_list kl = numbered_keys("k", 1, 0, 700);
    static const double bits[] = {0.5, 1, 2.5, 4, 6.6, 9, 12.3, 16, 20, 24, 30, 45, 60, 150};
    for (int fv = 4; fv <= 5; fv++) {
        for (size_t j = 0; j < sizeof bits / sizeof bits[0]; j++) {
            filter_builder b;
            filter_builder_init(&b, bits[j], fv);
            shale_buf out = SHALE_BUF_INIT;
            build(&b, &kl, &out);
            filter_reader r;
            filter_reader_init(&r, shale_buf_slice(&out));
            cr_assert_eq(r.kind, fv == 5 ? FILTER_FAST_LOCAL_BLOOM : FILTER_LEGACY_BLOOM);
            for (size_t i = 0; i < kl.n; i++)
                cr_assert(filter_key_may_match(&r, slice_make(kl.keys[i], kl.lens[i])),
                          "fv %d bits %g key %zu", fv, bits[j], i);
            shale_buf_deinit(&out);
            filter_builder_deinit(&b);
        }
    }
    key_list_free(&kl);
}

Test(filter_build, adjacent_duplicate_keys_are_added_once)
{
    filter_builder b;
    filter_builder_init(&b, 10.0, 5);
    filter_builder_add(&b, slice_from_str("a"));
    filter_builder_add(&b, slice_from_str("a"));
    filter_builder_add(&b, slice_from_str("b"));
    filter_builder_add(&b, slice_from_str("a"));   /* not adjacent: counted again */
    cr_assert_eq(filter_builder_num_entries(&b), 3);
    shale_buf out = SHALE_BUF_INIT;
    cr_assert(filter_builder_finish(&b, &out));
    cr_assert_eq(out.len, 64 + 5);   /* ceil(3 * 10 / 8) = 4 bytes, one line */
    cr_assert_eq(filter_builder_num_entries(&b), 0);   /* finish resets */
    filter_builder_deinit(&b);
    filter_builder_deinit(NULL);
    shale_buf_deinit(&out);
}

Test(filter_build, no_keys_or_no_bits_means_no_filter)
{
    shale_buf out = SHALE_BUF_INIT;
    shale_buf_append_str(&out, "prefix");
    filter_builder b;
    filter_builder_init(&b, 10.0, 5);
    cr_assert_not(filter_builder_finish(&b, &out));
    filter_builder_deinit(&b);
    filter_builder_init(&b, 0.4, 5);   /* RocksDB: under 0.5 bits/key is "no filter" */
    filter_builder_add(&b, slice_from_str("x"));
    cr_assert_not(filter_builder_finish(&b, &out));
    filter_builder_deinit(&b);
    cr_assert_eq(out.len, 6);   /* nothing appended */
    shale_buf_deinit(&out);
}

Test(filter_build, builder_is_reusable_and_appends_after_existing_bytes)
{
    key_list kl = numbered_keys("key", 8, 0, 300);
    filter_builder b;
    filter_builder_init(&b, 10.0, 5);
    shale_buf first = SHALE_BUF_INIT, second = SHALE_BUF_INIT;
    build(&b, &kl, &first);
    shale_buf_append_str(&second, "xyz");
    build(&b, &kl, &second);
    cr_assert_eq(second.len, first.len + 3);
    cr_assert_eq(memcmp(second.data + 3, first.data, first.len), 0);
    shale_buf_deinit(&first);
    shale_buf_deinit(&second);
    filter_builder_deinit(&b);
    key_list_free(&kl);
}

/* --- against filters librocksdb builds now -------------------------------- */

#define ROCKSDB_FN(name) __typeof__(name) *name##_fn = (__typeof__(name) *)rocksdb_sym(lib, #name)

static void *rocksdb_sym(void *lib, const char *name)
{
    void *f = dlsym(lib, name);
    cr_assert_not_null(f, "librocksdb lacks %s", name);
    return f;
}

/* Has RocksDB's SstFileWriter write kl (sorted) with a full Bloom filter. */
static void rocksdb_write_sst(const char *path, const key_list *kl, double bits, int fv)
{
    void *lib = dlopen("librocksdb.so.7.8", RTLD_NOW | RTLD_LOCAL);
    cr_assert_not_null(lib, "librocksdb: %s", dlerror());
    ROCKSDB_FN(rocksdb_options_create);
    ROCKSDB_FN(rocksdb_options_destroy);
    ROCKSDB_FN(rocksdb_options_set_compression);
    ROCKSDB_FN(rocksdb_options_set_block_based_table_factory);
    ROCKSDB_FN(rocksdb_block_based_options_create);
    ROCKSDB_FN(rocksdb_block_based_options_destroy);
    ROCKSDB_FN(rocksdb_block_based_options_set_format_version);
    ROCKSDB_FN(rocksdb_block_based_options_set_filter_policy);
    ROCKSDB_FN(rocksdb_filterpolicy_create_bloom_full);
    ROCKSDB_FN(rocksdb_envoptions_create);
    ROCKSDB_FN(rocksdb_envoptions_destroy);
    ROCKSDB_FN(rocksdb_sstfilewriter_create);
    ROCKSDB_FN(rocksdb_sstfilewriter_open);
    ROCKSDB_FN(rocksdb_sstfilewriter_put);
    ROCKSDB_FN(rocksdb_sstfilewriter_finish);
    ROCKSDB_FN(rocksdb_sstfilewriter_destroy);

    rocksdb_options_t *opts = rocksdb_options_create_fn();
    rocksdb_options_set_compression_fn(opts, 0);
    rocksdb_block_based_table_options_t *t = rocksdb_block_based_options_create_fn();
    rocksdb_block_based_options_set_format_version_fn(t, fv);
    rocksdb_block_based_options_set_filter_policy_fn(t,
                                                     rocksdb_filterpolicy_create_bloom_full_fn(bits));
    rocksdb_options_set_block_based_table_factory_fn(opts, t);
    rocksdb_envoptions_t *env = rocksdb_envoptions_create_fn();
    rocksdb_sstfilewriter_t *w = rocksdb_sstfilewriter_create_fn(env, opts);
    char *err = NULL;
    rocksdb_sstfilewriter_open_fn(w, path, &err);
    cr_assert_null(err, "open: %s", err);
    for (size_t i = 0; i < kl->n; i++) {
        rocksdb_sstfilewriter_put_fn(w, kl->keys[i], kl->lens[i], "v", 1, &err);
        cr_assert_null(err, "put: %s", err);
    }
    rocksdb_sstfilewriter_finish_fn(w, &err);
    cr_assert_null(err, "finish: %s", err);
    rocksdb_sstfilewriter_destroy_fn(w);
    rocksdb_envoptions_destroy_fn(env);
    rocksdb_block_based_options_destroy_fn(t);
    rocksdb_options_destroy_fn(opts);
}

static void compare_with_rocksdb(int nkeys, double bits, int fv)
{
    key_list kl = numbered_keys("user", 7, 0, nkeys);
    char *dir = test_tmpdir("filter");
    cr_assert_not_null(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/t.sst", dir);
    rocksdb_write_sst(path, &kl, bits, fv);
    sst_file f = open_sst_path(path);

    filter_builder b;
    filter_builder_init(&b, bits, fv);
    shale_buf out = SHALE_BUF_INIT;
    build(&b, &kl, &out);
    cr_assert_eq(out.len, f.filter.len, "fv %d, %g bits, %d keys: length %zu vs RocksDB %zu",
                 fv, bits, nkeys, out.len, f.filter.len);
    cr_assert_eq(memcmp(out.data, f.filter.data, out.len), 0,
                 "fv %d, %g bits, %d keys: bytes differ", fv, bits, nkeys);

    free(f.bytes);
    shale_buf_deinit(&out);
    filter_builder_deinit(&b);
    key_list_free(&kl);
    test_rmtree(dir);
    free(dir);
}

Test(filter_rocksdb, fast_bloom_equals_rocksdb_at_several_densities)
{
    compare_with_rocksdb(500, 3.0, 5);
    compare_with_rocksdb(1234, 15.5, 5);
    compare_with_rocksdb(777, 23.7, 5);
    compare_with_rocksdb(300, 40.0, 5);
    compare_with_rocksdb(1, 10.0, 5);
}

Test(filter_rocksdb, legacy_bloom_equals_rocksdb_format_version_4)
{
    compare_with_rocksdb(1000, 10.0, 4);
    compare_with_rocksdb(333, 7.4, 4);
    compare_with_rocksdb(2000, 20.0, 4);
    compare_with_rocksdb(1, 2.0, 4);
}

/* --- reading malformed filters -------------------------------------------- */

/* The block in its own exact-size allocation, so a sanitizer build catches
 * any read past its end. */
static int kind_of(const char *bytes, size_t len, bool *matched_any)
{
    char *copy = malloc(len == 0 ? 1 : len);
    cr_assert_not_null(copy);
    memcpy(copy, bytes, len);
    filter_reader r;
    filter_reader_init(&r, slice_make(copy, len));
    char k[16];
    *matched_any = false;
    for (int i = 0; i < 200; i++) {
        int n = snprintf(k, sizeof k, "k%d", i);
        *matched_any |= filter_key_may_match(&r, slice_make(k, (size_t)n));
    }
    int kind = r.kind;
    free(copy);
    return kind;
}

static int kind_with_trailer(size_t body, const char trailer[5])
{
    char buf[4096 + 5];
    cr_assert_leq(body, 4096);
    memset(buf, 0, body);
    memcpy(buf + body, trailer, 5);
    bool any;
    int kind = kind_of(buf, body + 5, &any);
    if (kind == FILTER_ALWAYS_TRUE)
        cr_assert(any);
    return kind;
}

Test(filter_read, five_bytes_or_fewer_never_match)
{
    static const char ones[5] = {-1, -1, -1, -1, -1};
    for (size_t len = 0; len <= 5; len++) {
        bool any;
        cr_assert_eq(kind_of(ones, len, &any), FILTER_ALWAYS_FALSE);
        cr_assert_not(any);
    }
}

Test(filter_read, unknown_or_malformed_trailers_always_match)
{
    cr_assert_eq(kind_with_trailer(64, "\x00\x00\x00\x00\x00"), FILTER_ALWAYS_TRUE);
    cr_assert_eq(kind_with_trailer(64, "\xfe\xec\x08\x00\x00"), FILTER_ALWAYS_TRUE);  /* Ribbon */
    cr_assert_eq(kind_with_trailer(64, "\xfd\x00\x06\x00\x00"), FILTER_ALWAYS_TRUE);  /* reserved */
    cr_assert_eq(kind_with_trailer(64, "\x80\x00\x06\x00\x00"), FILTER_ALWAYS_TRUE);
    /* FastLocalBloom: bad sub-implementation, probes, line size, reserved */
    cr_assert_eq(kind_with_trailer(64, "\xff\x01\x06\x00\x00"), FILTER_ALWAYS_TRUE);
    cr_assert_eq(kind_with_trailer(64, "\xff\x00\x00\x00\x00"), FILTER_ALWAYS_TRUE);
    cr_assert_eq(kind_with_trailer(64, "\xff\x00\x1f\x00\x00"), FILTER_ALWAYS_TRUE);
    cr_assert_eq(kind_with_trailer(64, "\xff\x00\x26\x00\x00"), FILTER_ALWAYS_TRUE);
    cr_assert_eq(kind_with_trailer(64, "\xff\x00\x06\x01\x00"), FILTER_ALWAYS_TRUE);
    cr_assert_eq(kind_with_trailer(64, "\xff\x00\x06\x00\x01"), FILTER_ALWAYS_TRUE);
    cr_assert_eq(kind_with_trailer(63, "\xff\x00\x06\x00\x00"), FILTER_ALWAYS_TRUE);  /* < a line */
    cr_assert_eq(kind_with_trailer(64, "\xff\x00\x1e\x00\x00"), FILTER_FAST_LOCAL_BLOOM);
    cr_assert_eq(kind_with_trailer(100, "\xff\x00\x01\x00\x00"), FILTER_FAST_LOCAL_BLOOM);
    /* Legacy: zero lines, lines not dividing len, non-power-of-two lines */
    cr_assert_eq(kind_with_trailer(64, "\x06\x00\x00\x00\x00"), FILTER_ALWAYS_TRUE);
    cr_assert_eq(kind_with_trailer(64, "\x06\x03\x00\x00\x00"), FILTER_ALWAYS_TRUE);
    cr_assert_eq(kind_with_trailer(96, "\x06\x01\x00\x00\x00"), FILTER_ALWAYS_TRUE);
    cr_assert_eq(kind_with_trailer(64, "\x06\x80\x00\x00\x00"), FILTER_ALWAYS_TRUE);
    cr_assert_eq(kind_with_trailer(64, "\x06\xff\xff\xff\xff"), FILTER_ALWAYS_TRUE);
    /* Legacy with other line sizes (whatever the writer's platform used) */
    cr_assert_eq(kind_with_trailer(128, "\x06\x01\x00\x00\x00"), FILTER_LEGACY_BLOOM);
    cr_assert_eq(kind_with_trailer(8, "\x7f\x08\x00\x00\x00"), FILTER_LEGACY_BLOOM);
    cr_assert_eq(kind_with_trailer(4096, "\x03\x01\x00\x00\x00"), FILTER_LEGACY_BLOOM);
}

Test(filter_read, zeroed_bloom_bodies_match_nothing)
{
    bool any;
    char buf[64 * 3 + 5] = {0};
    memcpy(buf + 192, "\xff\x00\x06\x00\x00", 5);
    cr_assert_eq(kind_of(buf, sizeof buf, &any), FILTER_FAST_LOCAL_BLOOM);
    cr_assert_not(any);
    memcpy(buf + 192, "\x06\x03\x00\x00\x00", 5);
    cr_assert_eq(kind_of(buf, sizeof buf, &any), FILTER_LEGACY_BLOOM);
    cr_assert_not(any);
}

Test(filter_read, random_blocks_never_read_out_of_bounds)
{
    /* Every length to 300 with random bytes and, half the time, a trailer
     * made to look plausible; a sanitizer build flags any stray read. */
    uint32_t x = 99;
    char buf[300];
    for (size_t len = 0; len <= 300; len++) {
        for (int round = 0; round < 20; round++) {
            for (size_t i = 0; i < len; i++) {
                x = x * 1664525u + 1013904223u;
                buf[i] = (char)(x >> 24);
            }
            if (len >= 5 && (round & 1)) {
                buf[len - 5] = (round & 2) ? (char)0xff : (char)(1 + (x >> 8) % 127);
                if (round & 2)
                    buf[len - 4] = buf[len - 2] = buf[len - 1] = 0;
            }
            bool any;
            int kind = kind_of(buf, len, &any);
            cr_assert(kind >= FILTER_ALWAYS_TRUE && kind <= FILTER_LEGACY_BLOOM);
        }
    }
    cr_assert_str_eq(filter_kind_name(FILTER_FAST_LOCAL_BLOOM), "FastLocalBloom");
    cr_assert_str_eq(filter_kind_name(FILTER_LEGACY_BLOOM), "LegacyBloom");
}
