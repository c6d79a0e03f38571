/* tests/lsm/table/sst_reader_test.c: the table reader on files written by
 * RocksDB 7.8.3: full scans, iterator positioning, point lookups with the
 * filter, properties against Debian's sst_dump, and the index/range-del
 * iterators.  Expected contents come from the fixtures' sidecars or from
 * sst_dump (sst_fixture.h), never from our reader. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/table/filter.h"
#include "lsm/table/sst_reader.h"
#include "lsm/util/coding.h"
#include "lsm/util/ikey.h"
#include "tests/lsm/table/sst_fixture.h"

static sst_reader *open_fixture(const char *name)
{
    char *path = fixture_path(name);
    sst_reader *r = NULL;
    shale_err err = {0};
    int rc = sst_reader_open(shale_env_default(), path, NULL, &r, &err);
    cr_assert_eq(rc, SHALE_OK, "open %s: %s", path, err.msg);
    free(path);
    return r;
}

static sst_iter *new_iter(sst_reader *r, sst_iter_kind kind)
{
    sst_iter *it = NULL;
    cr_assert_eq(sst_iter_new(r, kind, NULL, &it, NULL), SHALE_OK);
    return it;
}

static void assert_at(const sst_iter *it, const fx_entry *e, const char *what, size_t i)
{
    cr_assert(sst_iter_valid(it), "%s: invalid at entry %zu", what, i);
    slice k = sst_iter_key(it), v = sst_iter_value(it);
    cr_assert(slice_equal(k, slice_make(e->ikey, e->ikey_len)), "%s: key differs at entry %zu",
              what, i);
    cr_assert(slice_equal(v, slice_make(e->val, e->val_len)), "%s: value differs at entry %zu",
              what, i);
}

static void assert_ok(const sst_iter *it, const char *what)
{
    shale_err err = {0};
    cr_assert_eq(sst_iter_status(it, &err), SHALE_OK, "%s: %s", what, err.msg);
}

Test(sst_reader, forward_scan_of_every_fixture_gives_exactly_the_expected_entries)
{
    for (size_t f = 0; f < FX_COUNT; f++) {
        fx_list want;
        fx_load(fx_names[f], &want);
        sst_reader *r = open_fixture(fx_names[f]);
        sst_iter *it = new_iter(r, SST_ITER_DATA);
        size_t i = 0;
        for (sst_iter_first(it); sst_iter_valid(it); sst_iter_next(it), i++) {
            cr_assert_lt(i, want.n, "%s: more entries than expected", fx_names[f]);
            assert_at(it, &want.e[i], fx_names[f], i);
        }
        assert_ok(it, fx_names[f]);
        cr_assert_eq(i, want.n, "%s: %zu entries, expected %zu", fx_names[f], i, want.n);
        shale_err err = {0};
        cr_assert_eq(sst_reader_verify(r, &err), SHALE_OK, "%s verify: %s", fx_names[f], err.msg);
        sst_iter_free(it);
        sst_reader_unref(r);
        fx_free(&want);
    }
}

#ifndef SHALE_HAVE_SNAPPY   /* with libsnappy, codec_test.c reads this fixture exactly */
Test(sst_reader, snappy_file_is_not_supported_and_names_the_codec)
{
    char *path = fixture_path("sst_snappy_defaults.sst");
    sst_reader *r = (sst_reader *)1;
    shale_err err = {0};
    cr_assert_eq(sst_reader_open(shale_env_default(), path, NULL, &r, &err), SHALE_NOT_SUPPORTED);
    cr_assert_null(r);
    cr_assert_not_null(strstr(err.msg, "Snappy"), "message: %s", err.msg);
    cr_assert_not_null(strstr(err.msg, "sst_snappy_defaults.sst"), "message: %s", err.msg);
    free(path);
}
#endif

Test(sst_reader, last_then_prev_gives_the_reverse_order)
{
    for (size_t f = 0; f < FX_COUNT; f++) {
        fx_list want;
        fx_load(fx_names[f], &want);
        sst_reader *r = open_fixture(fx_names[f]);
        sst_iter *it = new_iter(r, SST_ITER_DATA);
        size_t n = 0;
        for (sst_iter_last(it); sst_iter_valid(it); sst_iter_prev(it), n++) {
            cr_assert_lt(n, want.n);
            assert_at(it, &want.e[want.n - 1 - n], fx_names[f], want.n - 1 - n);
        }
        assert_ok(it, fx_names[f]);
        cr_assert_eq(n, want.n);
        sst_iter_free(it);
        sst_reader_unref(r);
        fx_free(&want);
    }
}

/* An internal key just after every version of e's user key and before the
 * next user key: user key + "\0" at the newest sequence. */
static slice key_after(const fx_entry *e, char *buf)
{
    size_t uk = e->ikey_len - 8;
    memcpy(buf, e->ikey, uk);
    buf[uk] = '\0';
    enc_fixed64(buf + uk + 1, ikey_pack(MAX_SEQUENCE, VT_FOR_SEEK));
    return slice_make(buf, uk + 9);
}

static void check_seeks(const char *name)
{
    fx_list want;
    fx_load(name, &want);
    sst_reader *r = open_fixture(name);
    sst_iter *it = new_iter(r, SST_ITER_DATA);
    char buf[256];
    for (size_t i = 0; i < want.n; i++) {
        const fx_entry *e = &want.e[i];
        slice k = slice_make(e->ikey, e->ikey_len);
        sst_iter_seek(it, k);
        assert_at(it, e, "seek exact", i);
        sst_iter_seek_for_prev(it, k);
        assert_at(it, e, "seek_for_prev exact", i);
        if (i > 0) {
            sst_iter_prev(it);
            assert_at(it, &want.e[i - 1], "prev after seek", i - 1);
            sst_iter_next(it);
            assert_at(it, e, "next after prev", i);
        }
        slice between = key_after(e, buf);
        sst_iter_seek(it, between);
        if (i + 1 < want.n)
            assert_at(it, &want.e[i + 1], "seek between", i + 1);
        else
            cr_assert(!sst_iter_valid(it), "seek past the last key is invalid");
        sst_iter_seek_for_prev(it, between);
        assert_at(it, e, "seek_for_prev between", i);
    }
    char end[16];
    memset(end, 0xff, 8);
    enc_fixed64(end + 8, ikey_pack(0, 0));
    sst_iter_seek(it, slice_make(end, 16));
    cr_assert(!sst_iter_valid(it), "%s: seek past the end", name);
    sst_iter_seek_for_prev(it, slice_make(end, 16));
    assert_at(it, &want.e[want.n - 1], "seek_for_prev past the end", want.n - 1);
    char start[8];
    enc_fixed64(start, ikey_pack(MAX_SEQUENCE, VT_FOR_SEEK));
    sst_iter_seek_for_prev(it, slice_make(start, 8));
    cr_assert(!sst_iter_valid(it), "%s: seek_for_prev before the start", name);
    sst_iter_seek(it, slice_make(start, 8));
    assert_at(it, &want.e[0], "seek before the start", 0);
    assert_ok(it, name);
    sst_iter_free(it);
    sst_reader_unref(r);
    fx_free(&want);
}

Test(sst_reader, seek_and_seek_for_prev_find_every_key_and_every_gap)
{
    for (size_t f = 0; f < FX_COUNT; f++)
        check_seeks(fx_names[f]);
}

typedef struct get_result {
    int calls;
    char ikey[64];
    size_t ikey_len;
    char val[512];
    size_t val_len;
} get_result;

static bool get_first(void *arg, slice ikey, slice value)
{
    get_result *g = arg;
    g->calls++;
    if (ikey.len <= sizeof g->ikey && value.len <= sizeof g->val) {
        memcpy(g->ikey, ikey.data, ikey.len);
        g->ikey_len = ikey.len;
        memcpy(g->val, value.data, value.len);
        g->val_len = value.len;
    }
    return false;
}

static bool has_bloom(const char *name)
{
    return strcmp(name, "sst_plain_crc32c.sst") == 0 || strcmp(name, "sst_lz4_xxh3.sst") == 0 ||
           strcmp(name, "sst_del_merge.sst") == 0 || strcmp(name, "sst_range_del.sst") == 0 ||
           strncmp(name, "db/", 3) == 0;
}

static void check_gets(const char *name)
{
    fx_list want;
    fx_load(name, &want);
    sst_reader *r = open_fixture(name);
    char buf[256];
    for (size_t i = 0; i < want.n; i++) {
        const fx_entry *e = &want.e[i];
        size_t uk = e->ikey_len - 8;
        memcpy(buf, e->ikey, uk);
        enc_fixed64(buf + uk, ikey_pack(MAX_SEQUENCE, VT_FOR_SEEK));
        get_result g = {0};
        shale_err err = {0};
        cr_assert_eq(sst_reader_get(r, slice_make(buf, uk + 8), get_first, &g, &err), SHALE_OK,
                     "%s", err.msg);
        cr_assert_eq(g.calls, 1, "%s: get of entry %zu", name, i);
        cr_assert(slice_equal(slice_make(g.ikey, g.ikey_len), slice_make(e->ikey, e->ikey_len)));
        cr_assert(slice_equal(slice_make(g.val, g.val_len), slice_make(e->val, e->val_len)));
    }
    int absent = 0, rejected = 0;
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(buf, sizeof buf, "nokey%08d", i * 7);
        enc_fixed64(buf + n, ikey_pack(MAX_SEQUENCE, VT_FOR_SEEK));
        get_result g = {0};
        cr_assert_eq(sst_reader_get(r, slice_make(buf, (size_t)n + 8), get_first, &g, NULL),
                     SHALE_OK);
        cr_assert_eq(g.calls, 0, "%s: absent key %s found", name, buf);
        absent++;
        rejected += !sst_reader_key_may_match(r, slice_make(buf, (size_t)n));
    }
    if (has_bloom(name)) {
        cr_assert_neq(sst_reader_filter_kind(r), FILTER_ALWAYS_TRUE, "%s has a Bloom filter", name);
        cr_assert_gt(rejected * 10, absent * 9, "%s: filter rejected %d of %d", name, rejected,
                     absent);
    } else {
        cr_assert_eq(rejected, 0, "%s: no usable filter rejects nothing", name);
    }
    sst_reader_unref(r);
    fx_free(&want);
}

Test(sst_reader, get_finds_every_key_and_the_filter_skips_most_absent_ones)
{
    for (size_t f = 0; f < FX_COUNT; f++)
        check_gets(fx_names[f]);
}

Test(sst_reader, ribbon_filter_is_ignored_and_get_still_finds_keys)
{
    sst_reader *r = open_fixture("sst_ribbon.sst");
    cr_assert_eq(sst_reader_filter_kind(r), FILTER_ALWAYS_TRUE);
    cr_assert_str_eq(sst_reader_filter_name(r), "fullfilter.rocksdb.BuiltinBloomFilter");
    sst_reader_unref(r);
}
