/* tests/lsm/cache/sst_cache_test.c: the table reader with a block cache, on
 * RocksDB 7.8.3 fixtures.  Expected entries come from the fixtures'
 * sidecars (sst_fixture.h); block counts and index/filter sizes from
 * Debian's sst_dump --show_properties, not from our reader. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/cache/block_cache.h"
#include "lsm/table/sst_reader.h"
#include "lsm/table/table_iter.h"
#include "tests/lsm/table/sst_fixture.h"

static sst_reader *open_with(const char *name, block_cache *c, bool meta)
{
    char *path = fixture_path(name);
    sst_reader_options o;
    sst_reader_options_init(&o);
    o.cache = c;
    o.cache_index_and_filter_blocks = meta;
    sst_reader *r = NULL;
    shale_err err = {0};
    cr_assert_eq(sst_reader_open(shale_env_default(), path, &o, &r, &err), SHALE_OK, "%s: %s",
                 path, err.msg);
    free(path);
    return r;
}

/* A number after `label` in sst_dump --show_properties output. */
static unsigned long long sst_dump_prop(const char *name, const char *label)
{
    char *path = fixture_path(name), cmd[1024];
    snprintf(cmd, sizeof cmd, "sst_dump --file=%s --show_properties 2>/dev/null", path);
    int status;
    char *out = test_run(cmd, &status);
    cr_assert(out != NULL && status == 0, "sst_dump failed");
    char *p = strstr(out, label);
    cr_assert_not_null(p, "no '%s' in sst_dump output", label);
    p = strchr(p + strlen(label), ':');
    unsigned long long v = strtoull(p + 1, NULL, 10);
    free(out);
    free(path);
    return v;
}

/* Forward scan through the iter interface, checked entry by entry. */
static void scan_matches(sst_reader *r, const fx_list *want, const sst_iter_options *o)
{
    shale_err err = {0};
    iter *it = sst_reader_new_data_iter(r, o, &err);
    cr_assert_not_null(it, "%s", err.msg);
    size_t i = 0;
    for (iter_first(it); iter_valid(it); iter_next(it), i++) {
        cr_assert_lt(i, want->n);
        cr_assert(slice_equal(iter_key(it), slice_make(want->e[i].ikey, want->e[i].ikey_len)),
                  "key %zu", i);
        cr_assert(slice_equal(iter_value(it), slice_make(want->e[i].val, want->e[i].val_len)),
                  "value %zu", i);
    }
    cr_assert_eq(iter_status(it, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(i, want->n);
    iter_free(it);
}

static void scan_backward_matches(sst_reader *r, const fx_list *want)
{
    iter *it = sst_reader_new_data_iter(r, NULL, NULL);
    cr_assert_not_null(it);
    size_t i = want->n;
    for (iter_last(it); iter_valid(it); iter_prev(it)) {
        cr_assert_gt(i, 0);
        i--;
        cr_assert(slice_equal(iter_key(it), slice_make(want->e[i].ikey, want->e[i].ikey_len)));
    }
    cr_assert_eq(iter_status(it, NULL), SHALE_OK);
    cr_assert_eq(i, 0);
    iter_free(it);
}

Test(sst_cache, second_scan_hits_the_cache_once_per_data_block)
{
    const char *name = "sst_plain_crc32c.sst";
    unsigned long long blocks = sst_dump_prop(name, "# data blocks");
    block_cache *c = bc_new(64u << 20, BC_DEFAULT_SHARD_BITS, false);
    sst_reader *r = open_with(name, c, false);
    fx_list want;
    fx_load(name, &want);
    bc_stats st;
    scan_matches(r, &want, NULL);
    bc_get_stats(c, &st);
    cr_assert_eq(st.hits[BC_KIND_DATA], 0);
    cr_assert_eq(st.misses[BC_KIND_DATA], blocks);
    cr_assert_eq(st.adds[BC_KIND_DATA], blocks);
    cr_assert_eq(bc_get_entry_count(c), blocks);
    scan_matches(r, &want, NULL);
    bc_get_stats(c, &st);
    cr_assert_eq(st.hits[BC_KIND_DATA], blocks);
    cr_assert_eq(st.misses[BC_KIND_DATA], blocks);
    cr_assert_eq(bc_get_pinned_usage(c), 0, "iterators released their blocks");
    cr_assert_eq(st.hits[BC_KIND_INDEX] + st.misses[BC_KIND_INDEX], 0,
                 "the reader holds its index");
    fx_free(&want);
    sst_reader_unref(r);
    bc_unref(c);
}

Test(sst_cache, every_fixture_reads_the_same_with_and_without_the_cache)
{
    /* 16 KiB: constant eviction; strict: inserts refused while pinned. */
    block_cache *caches[] = {bc_new(16 << 10, 0, false), bc_new(64u << 20, 2, false),
                             bc_new(6 << 10, 0, true)};
    for (size_t f = 0; f < FX_COUNT; f++) {
        fx_list want;
        fx_load(fx_names[f], &want);
        sst_reader *plain = open_with(fx_names[f], NULL, false);
        scan_matches(plain, &want, NULL);
        sst_reader_unref(plain);
        for (size_t k = 0; k < 3; k++) {
            for (int meta = 0; meta < 2; meta++) {
                sst_reader *r = open_with(fx_names[f], caches[k], meta);
                scan_matches(r, &want, NULL);
                scan_matches(r, &want, NULL);
                scan_backward_matches(r, &want);
                shale_err err = {0};
                cr_assert_eq(sst_reader_verify(r, &err), SHALE_OK, "%s", err.msg);
                sst_reader_unref(r);
                cr_assert_eq(bc_get_pinned_usage(caches[k]), 0);
            }
        }
        fx_free(&want);
    }
    for (size_t k = 0; k < 3; k++) {
        cr_assert_leq(bc_get_usage(caches[k]), bc_get_capacity(caches[k]));
        bc_unref(caches[k]);
    }
}

static void free_value(slice key, void *value)
{
    (void)key;
    free(value);
}

typedef struct found {
    const fx_entry *want;
    int matches;
} found;

static bool on_entry(void *arg, slice ikey, slice value)
{
    found *f = arg;
    if (slice_equal(ikey, slice_make(f->want->ikey, f->want->ikey_len)) &&
        slice_equal(value, slice_make(f->want->val, f->want->val_len)))
        f->matches++;
    return false;
}

static void get_all(sst_reader *r, const fx_list *want, const sst_iter_options *o)
{
    for (size_t i = 0; i < want->n; i++) {
        found f = {&want->e[i], 0};
        shale_err err = {0};
        cr_assert_eq(sst_reader_get_opt(r, o, slice_make(want->e[i].ikey, want->e[i].ikey_len),
                                        on_entry, &f, &err),
                     SHALE_OK, "%s", err.msg);
        cr_assert_eq(f.matches, 1, "entry %zu", i);
    }
}

Test(sst_cache, point_lookups_with_cached_index_and_filter_find_every_key)
{
    const char *name = "sst_lz4_xxh3.sst";
    block_cache *c = bc_new(64u << 20, 1, false);
    sst_reader *r = open_with(name, c, true);
    fx_list want;
    fx_load(name, &want);
    get_all(r, &want, NULL);
    bc_stats st;
    bc_get_stats(c, &st);
    cr_assert_eq(st.hits[BC_KIND_FILTER], want.n, "one filter lookup per get");
    cr_assert_eq(st.hits[BC_KIND_INDEX], want.n, "one index lookup per get");
    unsigned long long blocks = sst_dump_prop(name, "# data blocks");
    cr_assert_eq(st.misses[BC_KIND_DATA], blocks);
    cr_assert_eq(st.hits[BC_KIND_DATA], want.n - blocks);
    /* A key that is absent: the filter answers (all keys are key%08d). */
    char absent[8 + 11];
    memcpy(absent, "zzzzzzzzzzz", 11);
    enc_fixed64(absent + 11, ikey_pack(0, VT_VALUE));
    found f = {&want.e[0], 0};
    cr_assert_eq(sst_reader_get(r, slice_make(absent, sizeof absent), on_entry, &f, NULL),
                 SHALE_OK);
    cr_assert_eq(f.matches, 0);
    fx_free(&want);
    sst_reader_unref(r);
    bc_unref(c);
}

Test(sst_cache, point_lookups_find_every_key_through_evicting_and_refusing_caches)
{
    /* Blocks of uncompressed files are read straight into their cache
     * entry; when a strict cache refuses the entry the lookup must still
     * see the block. */
    block_cache *caches[] = {bc_new(16 << 10, 0, false), bc_new(6 << 10, 0, true)};
    for (size_t f = 0; f < FX_COUNT; f++) {
        fx_list want;
        fx_load(fx_names[f], &want);
        for (size_t k = 0; k < 2; k++) {
            sst_reader *r = open_with(fx_names[f], caches[k], false);
            bc_handle *hog = NULL;   /* pins the strict cache full: every insert refused */
            if (k == 1)
                cr_assert_eq(bc_insert(caches[k], slice_from_str("hog"), malloc(1), 6 << 10,
                                       free_value, BC_KIND_OTHER, &hog, NULL), SHALE_OK);
            get_all(r, &want, NULL);
            bc_release(caches[k], hog);
            sst_reader_unref(r);
            cr_assert_eq(bc_get_pinned_usage(caches[k]), 0);
        }
        fx_free(&want);
    }
    for (size_t k = 0; k < 2; k++)
        bc_unref(caches[k]);
}

Test(sst_cache, fill_cache_false_reads_through_and_inserts_nothing)
{
    const char *name = "sst_tiny_blocks.sst";
    block_cache *c = bc_new(64u << 20, 0, false);
    sst_reader *r = open_with(name, c, false);
    fx_list want;
    fx_load(name, &want);
    sst_iter_options o;
    sst_iter_options_init(&o, r);
    o.fill_cache = false;
    scan_matches(r, &want, &o);
    get_all(r, &want, &o);
    cr_assert_eq(bc_get_usage(c), 0);
    cr_assert_eq(bc_get_entry_count(c), 0);
    bc_stats st;
    bc_get_stats(c, &st);
    cr_assert_eq(st.adds[BC_KIND_DATA], 0);
    cr_assert_gt(st.misses[BC_KIND_DATA], 0, "the cache was still consulted");
    fx_free(&want);
    sst_reader_unref(r);
    bc_unref(c);
}

Test(sst_cache, cache_index_and_filter_blocks_charges_them_and_returns_them_on_close)
{
    const char *name = "sst_plain_crc32c.sst";   /* uncompressed: sizes are exact */
    unsigned long long index_size = sst_dump_prop(name, "index block size");
    unsigned long long filter_size = sst_dump_prop(name, "filter block size");
    block_cache *c = bc_new(64u << 20, 0, false);
    sst_reader *plain = open_with(name, c, false);
    cr_assert_eq(bc_get_usage(c), 0, "held by the reader: not charged");
    sst_reader *r = open_with(name, c, true);
    /* RocksDB's index size property counts the 5-byte block trailer. */
    cr_assert_eq(bc_get_usage(c), (index_size - 5) + filter_size);
    cr_assert_eq(bc_get_entry_count(c), 2);
    sst_reader_unref(r);
    cr_assert_eq(bc_get_usage(c), 0, "closing erases the reader's index and filter");
    sst_reader_unref(plain);
    bc_unref(c);
}

Test(sst_cache, two_readers_share_one_cache_without_mixing_blocks)
{
    block_cache *c = bc_new(64u << 20, 4, false);
    sst_reader *a = open_with("sst_tiny_blocks.sst", c, true);
    sst_reader *b = open_with("sst_tiny_blocks_delta.sst", c, true);
    sst_reader *a2 = open_with("sst_tiny_blocks.sst", c, false);   /* same file, own id */
    fx_list wa, wb;
    fx_load("sst_tiny_blocks.sst", &wa);
    fx_load("sst_tiny_blocks_delta.sst", &wb);
    scan_matches(a, &wa, NULL);
    scan_matches(b, &wb, NULL);
    scan_matches(a2, &wa, NULL);
    size_t usage = bc_get_usage(c);
    sst_reader_unref(a);   /* the others keep working */
    scan_matches(b, &wb, NULL);
    scan_matches(a2, &wa, NULL);
    cr_assert_lt(bc_get_usage(c), usage, "a's index and filter went with it");
    fx_free(&wa);
    fx_free(&wb);
    sst_reader_unref(b);
    sst_reader_unref(a2);
    bc_unref(c);
}

Test(sst_cache, range_del_iterator_comes_through_the_iter_interface)
{
    const char *name = "sst_range_del.sst";
    block_cache *c = bc_new(1 << 20, 0, false);
    sst_reader *r = open_with(name, c, true);
    unsigned long long dels = sst_dump_prop(name, "# range deletions");
    iter *it = sst_reader_new_range_del_iter(r, NULL, NULL);
    cr_assert_not_null(it);
    unsigned long long n = 0;
    for (iter_first(it); iter_valid(it); iter_next(it), n++) {
        parsed_ikey pk;
        cr_assert(ikey_parse(iter_key(it), &pk));
        cr_assert_eq(pk.type, VT_RANGE_DELETION);
    }
    cr_assert_eq(n, dels);
    iter_free(it);
    sst_reader_unref(r);
    bc_unref(c);
}

typedef struct scanner {
    sst_reader *r;
    const fx_list *want;
} scanner;

static void *scan_thread(void *arg)
{
    scanner *s = arg;
    for (int i = 0; i < 3; i++) {
        iter *it = sst_reader_new_data_iter(s->r, NULL, NULL);
        size_t n = 0;
        for (iter_first(it); iter_valid(it); iter_next(it), n++)
            if (!slice_equal(iter_value(it), slice_make(s->want->e[n].val, s->want->e[n].val_len)))
                break;
        iter_free(it);
        if (n != s->want->n)
            return (void *)1;
    }
    return NULL;
}

Test(sst_cache, two_threads_scan_one_reader_through_a_small_cache)
{
    block_cache *c = bc_new(8 << 10, 1, false);
    sst_reader *r = open_with("sst_tiny_blocks.sst", c, true);
    fx_list want;
    fx_load("sst_tiny_blocks.sst", &want);
    scanner s = {r, &want};
    pthread_t t[2];
    void *res[2];
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, scan_thread, &s), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], &res[i]);
    cr_assert(res[0] == NULL && res[1] == NULL, "a thread saw wrong data");
    cr_assert_eq(bc_get_pinned_usage(c), 0);
    fx_free(&want);
    sst_reader_unref(r);
    bc_unref(c);
}
