/* tests/lsm/table/sst_damage_test.c: a damaged table never crashes, hangs
 * or yields a wrong entry.  db/000014.sst (4874 bytes, LZ4 + XXH3, a filter
 * and a range-deletion block) is damaged one byte at a time and truncated at
 * every length; each copy is opened, scanned both ways and looked up, and
 * must give exactly the right entries or SHALE_CORRUPTION (NOT_SUPPORTED
 * only with a message naming a codec or a format version).  Meant to run
 * under ASan+UBSan too. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/table/sst_reader.h"
#include "lsm/util/coding.h"
#include "lsm/util/ikey.h"
#include "tests/lsm/table/sst_fixture.h"

typedef struct damage_ctx {
    fx_list want;
    char *orig;
    size_t len;
    char *dir, *path;
    int ok, corrupt, unsupported;
} damage_ctx;

static void ctx_init(damage_ctx *c)
{
    memset(c, 0, sizeof *c);
    fx_load("db/000014.sst", &c->want);
    char *src = fixture_path("db/000014.sst");
    c->orig = test_read_file(src, &c->len);
    cr_assert_not_null(c->orig);
    free(src);
    c->dir = test_tmpdir("sst_damage");
    c->path = malloc(strlen(c->dir) + 16);
    sprintf(c->path, "%s/d.sst", c->dir);
}

static void ctx_deinit(damage_ctx *c)
{
    test_rmtree(c->dir);
    free(c->dir);
    free(c->path);
    free(c->orig);
    fx_free(&c->want);
}

static bool acceptable_error(int rc, const shale_err *err)
{
    if (rc == SHALE_CORRUPTION)
        return true;
    if (rc != SHALE_NOT_SUPPORTED)
        return false;
    static const char *const names[] = {"Snappy", "Zlib", "BZip2", "LZ4", "Xpress", "ZSTD",
                                        "format_version"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strstr(err->msg, names[i]) != NULL)
            return true;
    return false;
}

static bool entry_is(const sst_iter *it, const fx_entry *e)
{
    return slice_equal(sst_iter_key(it), slice_make(e->ikey, e->ikey_len)) &&
           slice_equal(sst_iter_value(it), slice_make(e->val, e->val_len));
}

/* Scans forward and backward; returns SHALE_OK only if both are exact. */
static int scan_both_ways(damage_ctx *c, sst_reader *r, shale_err *err, const char *what)
{
    sst_iter *it = NULL;
    cr_assert_eq(sst_iter_new(r, SST_ITER_DATA, NULL, &it, NULL), SHALE_OK);
    size_t i = 0;
    for (sst_iter_first(it); sst_iter_valid(it); sst_iter_next(it), i++)
        cr_assert(i < c->want.n && entry_is(it, &c->want.e[i]), "%s: wrong entry %zu", what, i);
    int rc = sst_iter_status(it, err);
    if (rc == SHALE_OK) {
        cr_assert_eq(i, c->want.n, "%s: %zu entries without an error", what, i);
        for (sst_iter_last(it); sst_iter_valid(it); sst_iter_prev(it), i--)
            cr_assert(i > 0 && entry_is(it, &c->want.e[i - 1]), "%s: wrong entry backward", what);
        rc = sst_iter_status(it, err);
        cr_assert(rc != SHALE_OK || i == 0, "%s: backward scan short", what);
    }
    if (rc == SHALE_OK) {   /* a range-del scan must not crash; its content is checked below */
        sst_iter_free(it);
        cr_assert_eq(sst_iter_new(r, SST_ITER_RANGE_DEL, NULL, &it, NULL), SHALE_OK);
        size_t n = 0;
        for (sst_iter_first(it); sst_iter_valid(it); sst_iter_next(it))
            n++;
        rc = sst_iter_status(it, err);
        cr_assert(rc != SHALE_OK || n == 1, "%s: %zu tombstones", what, n);
    }
    sst_iter_free(it);
    return rc;
}

static void check_copy(damage_ctx *c, const char *bytes, size_t len, const char *what)
{
    cr_assert(test_write_file(c->path, bytes, len));
    sst_reader *r = NULL;
    shale_err err = {0};
    int rc = sst_reader_open(shale_env_default(), c->path, NULL, &r, &err);
    if (rc == SHALE_OK) {
        rc = scan_both_ways(c, r, &err, what);
        if (rc == SHALE_OK)
            rc = sst_reader_verify(r, &err);
        sst_reader_unref(r);
    } else {
        cr_assert_null(r);
    }
    if (rc == SHALE_OK)
        c->ok++;
    else if (rc == SHALE_CORRUPTION)
        c->corrupt++;
    else
        c->unsupported++;
    cr_assert(rc == SHALE_OK || acceptable_error(rc, &err), "%s: code %d: %s", what, rc, err.msg);
}

Test(sst_damage, every_single_byte_flip_gives_the_right_entries_or_an_error, .timeout = 120)
{
    damage_ctx c;
    ctx_init(&c);
    char *copy = malloc(c.len);
    memcpy(copy, c.orig, c.len);
    char what[64];
    for (size_t pos = 0; pos < c.len; pos++) {
        copy[pos] = (char)(c.orig[pos] ^ (1 << (pos % 8)));
        snprintf(what, sizeof what, "flip at %zu", pos);
        check_copy(&c, copy, c.len, what);
        copy[pos] = c.orig[pos];
    }
    cr_assert_gt(c.corrupt, (int)c.len * 9 / 10, "checksums catch most flips (%d of %zu)",
                 c.corrupt, c.len);
    free(copy);
    ctx_deinit(&c);
}

Test(sst_damage, every_truncation_is_corruption, .timeout = 120)
{
    damage_ctx c;
    ctx_init(&c);
    char what[64];
    for (size_t len = 0; len < c.len; len++) {
        snprintf(what, sizeof what, "truncated to %zu", len);
        check_copy(&c, c.orig, len, what);
    }
    cr_assert_eq(c.corrupt, (int)c.len, "every shortened file is corrupt");
    check_copy(&c, c.orig, c.len, "intact");
    cr_assert_eq(c.ok, 1);
    ctx_deinit(&c);
}

/* Without checksums the damaged bytes reach every decoder: whatever they
 * decode to, the reader must stay in bounds and stop (ASan/UBSan check the
 * "in bounds"); the results themselves cannot be trusted. */
static int wander(sst_reader *r, const damage_ctx *c)
{
    sst_iter *it = NULL;
    cr_assert_eq(sst_iter_new(r, SST_ITER_DATA, NULL, &it, NULL), SHALE_OK);
    size_t n = 0;
    for (sst_iter_first(it); sst_iter_valid(it) && n < 100000; sst_iter_next(it))
        n++;
    for (sst_iter_last(it); sst_iter_valid(it) && n < 200000; sst_iter_prev(it))
        n++;
    cr_assert_lt(n, 200000, "iteration ends");
    for (size_t i = 0; i < c->want.n; i += 7) {
        slice k = slice_make(c->want.e[i].ikey, c->want.e[i].ikey_len);
        sst_iter_seek(it, k);
        sst_iter_seek_for_prev(it, k);
        if (sst_iter_valid(it))
            sst_iter_prev(it);
    }
    int rc = sst_iter_status(it, NULL);
    sst_iter_free(it);
    for (int kind = SST_ITER_RANGE_DEL; kind <= SST_ITER_INDEX; kind++) {
        cr_assert_eq(sst_iter_new(r, (sst_iter_kind)kind, NULL, &it, NULL), SHALE_OK);
        for (sst_iter_first(it); sst_iter_valid(it); sst_iter_next(it))
            (void)sst_iter_value(it);
        sst_iter_free(it);
    }
    (void)sst_reader_verify(r, NULL);
    return rc;
}

Test(sst_damage, unchecked_flips_never_crash_or_hang, .timeout = 120)
{
    damage_ctx c;
    ctx_init(&c);
    char *copy = malloc(c.len);
    memcpy(copy, c.orig, c.len);
    sst_reader_options o;
    sst_reader_options_init(&o);
    o.verify_checksums = false;
    int opened = 0;
    for (size_t pos = 0; pos < c.len; pos++) {
        copy[pos] = (char)(c.orig[pos] ^ (0x80 >> (pos % 8)));
        cr_assert(test_write_file(c.path, copy, c.len));
        sst_reader *r = NULL;
        shale_err err = {0};
        int rc = sst_reader_open(shale_env_default(), c.path, &o, &r, &err);
        if (rc == SHALE_OK) {
            opened++;
            rc = wander(r, &c);
            sst_reader_unref(r);
        }
        cr_assert(rc == SHALE_OK || rc == SHALE_CORRUPTION || rc == SHALE_NOT_SUPPORTED,
                  "flip at %zu: code %d", pos, rc);
        copy[pos] = c.orig[pos];
    }
    cr_assert_gt(opened, (int)c.len / 2, "most damaged copies still open unchecked");
    free(copy);
    ctx_deinit(&c);
}

/* The same on a delta-encoded index (zigzag size deltas, 19 restarts for
 * 300 entries): every byte of the index block flipped, unchecked. */
Test(sst_damage, unchecked_flips_in_a_delta_encoded_index_never_crash, .timeout = 120)
{
    damage_ctx c;
    ctx_init(&c);
    char *src = fixture_path("sst_tiny_blocks_delta.sst");
    size_t len;
    char *orig = test_read_file(src, &len);
    cr_assert_not_null(orig);
    sst_reader_options o;
    sst_reader_options_init(&o);
    o.verify_checksums = false;
    sst_reader *r = NULL;
    cr_assert_eq(sst_reader_open(shale_env_default(), src, &o, &r, NULL), SHALE_OK);
    block_handle ix = sst_reader_footer(r)->index;
    cr_assert(sst_reader_props(r)->index_value_is_delta_encoded);
    sst_reader_unref(r);
    for (uint64_t pos = ix.offset; pos < ix.offset + ix.size; pos++) {
        orig[pos] ^= (char)(1 << (pos % 8));
        cr_assert(test_write_file(c.path, orig, len));
        int rc = sst_reader_open(shale_env_default(), c.path, &o, &r, NULL);
        if (rc == SHALE_OK) {
            rc = wander(r, &c);
            sst_reader_unref(r);
        }
        cr_assert(rc == SHALE_OK || rc == SHALE_CORRUPTION, "flip at %llu: code %d",
                  (unsigned long long)pos, rc);
        orig[pos] ^= (char)(1 << (pos % 8));
    }
    free(orig);
    free(src);
    ctx_deinit(&c);
}
