/* tests/lsm/table/sst_builder_test.c: the internal table builder beyond
 * what the public writer reaches: index key forms per format version and
 * the internal-key fallback when a user key spans a block boundary (as
 * sst_dump reports them), file bounds with range tombstones (§5.3), and
 * the error contract: ordering, sticky I/O errors, bad options. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lsm/table/sst_builder.h"
#include "lsm/util/buf.h"
#include "lsm/util/ikey.h"
#include "lsm/util/err.h"
#include "tests/lsm/table/sst_writer_util.h"
#include "tests/support/test_util.h"

static char *g_dir;

static void setup(void)
{
    g_dir = test_tmpdir("sst-builder");
    cr_assert_not_null(g_dir);
}

static void teardown(void)
{
    test_rmtree(g_dir);
    free(g_dir);
}

TestSuite(sst_builder, .init = setup, .fini = teardown, .timeout = 60);

static void make_ikey(shale_buf *b, const char *user, uint64_t seq, int type)
{
    b->len = 0;
    shale_buf_append_str(b, user);
    shale_buf_put_fixed64(b, ikey_pack(seq, type));
}

typedef struct built {
    char path[512];
    sst_builder *b;
    shale_file *f;
} built;

static void start(built *t, const char *name, const sst_builder_options *o)
{
    snprintf(t->path, sizeof t->path, "%s/%s", g_dir, name);
    shale_err err = {0};
    cr_assert_eq(shale_env_open_write(shale_env_default(), t->path, &t->f, &err), SHALE_OK);
    cr_assert_eq(sst_builder_new(t->f, o, &t->b, &err), SHALE_OK, "%s", err.msg);
}

static void finish(built *t)
{
    shale_err err = {0};
    uint64_t size = 0;
    cr_assert_eq(sst_builder_finish(t->b, &size, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(size, sst_builder_file_size(t->b));
    cr_assert_eq(shale_file_close(t->f, &err), SHALE_OK);
    struct stat st;
    cr_assert_eq(stat(t->path, &st), 0);
    cr_assert_eq((uint64_t)st.st_size, size);
}

static void check_ok_and_count(const char *path, int entries)
{
    int st;
    char *out = sw_sst_dump("--command=verify", path, &st);
    cr_assert(st == 0 && strstr(out, "The file is ok"), "%s", out);
    free(out);
    out = sw_sst_dump("--command=check --verify_checksum", path, &st);
    cr_assert(st == 0 && !strstr(out, "orrupt"), "%s", out);
    free(out);
    out = sw_sst_dump("--command=scan --output_hex", path, &st);
    int n = 0;
    for (const char *p = out; (p = strstr(p, "\n'")) != NULL; p++)
        n++;
    cr_assert_eq(n, entries, "scan listed %d of %d", n, entries);
    free(out);
}

static char *index_form(const char *path)
{
    int st;
    char *out = sw_sst_dump("--show_properties --command=none", path, &st);
    const char *p = strstr(out, "index block size (");
    cr_assert_not_null(p, "%s", out);
    char *form = strndup(p + strlen("index block size "), 30);
    free(out);
    return form;
}

/* 400 versions of one user key, newest first, in 256-byte blocks, so the
 * same user key ends one block and starts the next. */
Test(sst_builder, user_key_spanning_blocks_switches_index_to_internal_keys)
{
    sst_builder_options o;
    sst_builder_options_init(&o);
    o.table.block_size = 256;
    built t;
    start(&t, "span.sst", &o);
    shale_buf k = SHALE_BUF_INIT;
    shale_err err = {0};
    for (uint64_t seq = 400; seq >= 1; seq--) {
        make_ikey(&k, "samekey", seq, VT_VALUE);
        cr_assert_eq(sst_builder_add(t.b, shale_buf_slice(&k), slice_from_str("value-0123456789"),
                                     &err), SHALE_OK);
    }
    finish(&t);
    char *form = index_form(t.path);
    cr_assert(strncmp(form, "(user-key? 0, delta-value? 1)", 29) == 0, "%s", form);
    free(form);
    check_ok_and_count(t.path, 400);
    sst_builder_free(t.b);
    shale_buf_deinit(&k);
}

/* fv2: internal keys, full handles; fv3: user keys; fv4, fv5: deltas. */
Test(sst_builder, index_form_follows_format_version)
{
    static const char *const want[] = {"(user-key? 0, delta-value? 0)",
                                       "(user-key? 1, delta-value? 0)",
                                       "(user-key? 1, delta-value? 1)",
                                       "(user-key? 1, delta-value? 1)"};
    shale_buf k = SHALE_BUF_INIT;
    shale_err err = {0};
    for (int fv = 2; fv <= 5; fv++) {
        sst_builder_options o;
        sst_builder_options_init(&o);
        o.table.format_version = fv;
        o.table.block_size = 512;
        o.table.index_block_restart_interval = 4;
        built t;
        char name[32];
        snprintf(name, sizeof name, "fv%d.sst", fv);
        start(&t, name, &o);
        for (int i = 0; i < 1000; i++) {
            char user[32];
            snprintf(user, sizeof user, "key%06d", i);
            make_ikey(&k, user, 5000 - (uint64_t)i, i % 5 == 0 ? VT_DELETION : VT_VALUE);
            cr_assert_eq(sst_builder_add(t.b, shale_buf_slice(&k), slice_from_str(user), &err),
                         SHALE_OK);
        }
        finish(&t);
        char *form = index_form(t.path);
        cr_assert(strncmp(form, want[fv - 2], 29) == 0, "fv%d: %s", fv, form);
        free(form);
        check_ok_and_count(t.path, 1000);
        sst_builder_free(t.b);
    }
    shale_buf_deinit(&k);
}

static void assert_ikey(slice got, const char *user, uint64_t seq, int type)
{
    parsed_ikey p;
    cr_assert(ikey_parse(got, &p));
    cr_assert(slice_equal(p.user_key, slice_from_str(user)), "user key %.*s, want %s",
              (int)p.user_key.len, p.user_key.data, user);
    cr_assert_eq(p.seq, seq);
    cr_assert_eq(p.type, type);
}

Test(sst_builder, range_tombstones_widen_file_bounds)
{
    sst_builder_options o;
    sst_builder_options_init(&o);
    built t;
    start(&t, "bounds.sst", &o);
    shale_buf k = SHALE_BUF_INIT;
    shale_err err = {0};
    make_ikey(&k, "b", 10, VT_VALUE);
    cr_assert_eq(sst_builder_add(t.b, shale_buf_slice(&k), slice_from_str("v"), &err), SHALE_OK);
    assert_ikey(sst_builder_smallest(t.b), "b", 10, VT_VALUE);
    assert_ikey(sst_builder_largest(t.b), "b", 10, VT_VALUE);
    make_ikey(&k, "d", 11, VT_MERGE);
    cr_assert_eq(sst_builder_add(t.b, shale_buf_slice(&k), slice_from_str("m"), &err), SHALE_OK);
    make_ikey(&k, "a", 50, VT_RANGE_DELETION);     /* starts before the first point */
    cr_assert_eq(sst_builder_add_range_del(t.b, shale_buf_slice(&k), slice_from_str("c"), &err),
                 SHALE_OK);
    make_ikey(&k, "x", 60, VT_RANGE_DELETION);     /* ends after the last point */
    cr_assert_eq(sst_builder_add_range_del(t.b, shale_buf_slice(&k), slice_from_str("z"), &err),
                 SHALE_OK);
    assert_ikey(sst_builder_smallest(t.b), "a", 50, VT_RANGE_DELETION);
    assert_ikey(sst_builder_largest(t.b), "z", MAX_SEQUENCE, VT_RANGE_DELETION);
    cr_assert_eq(sst_builder_smallest_seqno(t.b), 10);
    cr_assert_eq(sst_builder_largest_seqno(t.b), 60);
    cr_assert_eq(sst_builder_num_entries(t.b), 4);
    cr_assert_eq(sst_builder_num_range_dels(t.b), 2);
    finish(&t);
    check_ok_and_count(t.path, 2);
    sst_builder_free(t.b);
    shale_buf_deinit(&k);
}

Test(sst_builder, out_of_order_key_is_rejected_and_builder_stays_usable)
{
    sst_builder_options o;
    sst_builder_options_init(&o);
    built t;
    start(&t, "order.sst", &o);
    shale_buf k = SHALE_BUF_INIT;
    shale_err err = {0};
    make_ikey(&k, "m", 5, VT_VALUE);
    cr_assert_eq(sst_builder_add(t.b, shale_buf_slice(&k), slice_from_str("1"), &err), SHALE_OK);
    make_ikey(&k, "a", 5, VT_VALUE);
    cr_assert_eq(sst_builder_add(t.b, shale_buf_slice(&k), slice_from_str("2"), &err),
                 SHALE_INVALID_ARGUMENT);
    make_ikey(&k, "m", 6, VT_VALUE);   /* newer version sorts before: out of order */
    cr_assert_eq(sst_builder_add(t.b, shale_buf_slice(&k), slice_from_str("3"), &err),
                 SHALE_INVALID_ARGUMENT);
    make_ikey(&k, "m", 5, VT_VALUE);   /* equal */
    cr_assert_eq(sst_builder_add(t.b, shale_buf_slice(&k), slice_from_str("4"), &err),
                 SHALE_INVALID_ARGUMENT);
    make_ikey(&k, "m", 4, VT_RANGE_DELETION);   /* tombstones are not point entries */
    cr_assert_eq(sst_builder_add(t.b, shale_buf_slice(&k), slice_from_str("5"), &err),
                 SHALE_INVALID_ARGUMENT);
    cr_assert_eq(sst_builder_add(t.b, slice_from_str("short"), slice_from_str("6"), &err),
                 SHALE_INVALID_ARGUMENT);
    make_ikey(&k, "m", 4, VT_VALUE);
    cr_assert_eq(sst_builder_add(t.b, shale_buf_slice(&k), slice_from_str("7"), &err), SHALE_OK);
    finish(&t);
    check_ok_and_count(t.path, 2);
    sst_builder_free(t.b);
    shale_buf_deinit(&k);
}

/* A file whose appends fail with EIO after `budget` bytes. */
typedef struct failing_file {
    shale_file base;
    size_t budget;
    int appends;
} failing_file;

static int ff_append(shale_file *f, const char *d, size_t n, shale_err *err)
{
    failing_file *ff = (failing_file *)f;
    (void)d;
    ff->appends++;
    if (n > ff->budget)
        return SHALE_IOERR(err, EIO, "append to %s", f->name);
    ff->budget -= n;
    return SHALE_OK;
}

static const shale_file_ops failing_ops = {.append = ff_append};

Test(sst_builder, io_error_is_sticky)
{
    failing_file ff = {.base = {.ops = &failing_ops, .name = "failing"}, .budget = 100000};
    sst_builder_options o;
    sst_builder_options_init(&o);
    sst_builder *b;
    shale_err err = {0};
    cr_assert_eq(sst_builder_new(&ff.base, &o, &b, &err), SHALE_OK);
    shale_buf k = SHALE_BUF_INIT;
    char val[1000];
    memset(val, 'x', sizeof val);
    int rc = SHALE_OK, i;
    for (i = 0; i < 5000 && rc == SHALE_OK; i++) {
        char user[32];
        snprintf(user, sizeof user, "key%06d", i);
        make_ikey(&k, user, 1, VT_VALUE);
        rc = sst_builder_add(b, shale_buf_slice(&k), slice_make(val, sizeof val), &err);
    }
    cr_assert_eq(rc, SHALE_IO_ERROR, "adding 5 MB to a 100 kB file must fail");
    cr_assert_eq(err.sys_errno, EIO);
    int appends = ff.appends;
    make_ikey(&k, "zzz", 1, VT_VALUE);
    shale_err err2 = {0};
    cr_assert_eq(sst_builder_add(b, shale_buf_slice(&k), slice_from_str("v"), &err2),
                 SHALE_IO_ERROR);
    cr_assert_eq(sst_builder_finish(b, NULL, &err2), SHALE_IO_ERROR);
    cr_assert_eq(sst_builder_status(b, NULL), SHALE_IO_ERROR);
    cr_assert_eq(ff.appends, appends, "nothing is written after the first failure");
    sst_builder_free(b);
    shale_buf_deinit(&k);
}

Test(sst_writer_errors, out_of_order_and_duplicate_keys_are_invalid_arguments)
{
    char *dir = test_tmpdir("sst-writer-errors");
    char path[512];
    snprintf(path, sizeof path, "%s/w.sst", dir);
    shale_sst_writer *w;
    shale_err err = {0};
    cr_assert_eq(shale_sst_writer_open(path, NULL, SHALE_NO_COMPRESSION, &w, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_put(w, "b", 1, "1", 1, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_put(w, "a", 1, "2", 1, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_sst_writer_delete(w, "b", 1, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_sst_writer_merge(w, "b", 1, "x", 1, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_sst_writer_delete_range(w, "q", 1, "p", 1, &err),
                 SHALE_INVALID_ARGUMENT);
    cr_assert_eq(shale_sst_writer_put(w, "c", 1, "3", 1, &err), SHALE_OK);
    uint64_t size;
    cr_assert_eq(shale_sst_writer_finish(w, &size, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_put(w, "d", 1, "4", 1, &err), SHALE_INVALID_ARGUMENT);
    shale_sst_writer_free(w);
    sw_set s = {0};
    sw_set_add(&s, "b", 1, "1", 1, SW_PUT);
    sw_set_add(&s, "c", 1, "3", 1, SW_PUT);
    sw_assert_rocksdb_reads(path, &s);
    sw_set_free(&s);
    test_rmtree(dir);
    free(dir);
}

Test(sst_writer_errors, missing_directory_is_an_io_error)
{
    shale_sst_writer *w = (shale_sst_writer *)&w;
    shale_err err = {0};
    int rc = shale_sst_writer_open("/nonexistent-shale-dir/x/w.sst", NULL, SHALE_NO_COMPRESSION,
                                   &w, &err);
    cr_assert_eq(rc, SHALE_IO_ERROR);
    cr_assert_eq(err.sys_errno, ENOENT);
    cr_assert_null(w);
}

Test(sst_writer_errors, bad_options_empty_files_and_abandoned_files)
{
    char *dir = test_tmpdir("sst-writer-errors");
    char path[512];
    snprintf(path, sizeof path, "%s/w.sst", dir);
    shale_sst_writer *w;
    shale_err err = {0};
    shale_table_options *o = shale_table_options_new();
    shale_table_options_set_format_version(o, 6);
    cr_assert_eq(shale_sst_writer_open(path, o, 0, &w, &err), SHALE_INVALID_ARGUMENT);
    shale_table_options_set_format_version(o, 5);
    shale_table_options_set_checksum(o, 9);
    cr_assert_eq(shale_sst_writer_open(path, o, 0, &w, &err), SHALE_INVALID_ARGUMENT);
    shale_table_options_free(o);
    cr_assert_eq(shale_sst_writer_open(path, NULL, SHALE_ZLIB_COMPRESSION, &w, &err),
                 SHALE_NOT_SUPPORTED);

    cr_assert_eq(shale_sst_writer_open(path, NULL, 0, &w, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_delete_range(w, "a", 1, "a", 1, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_finish(w, NULL, &err), SHALE_INVALID_ARGUMENT,
                 "a file with no entries is refused, as RocksDB does");
    shale_sst_writer_free(w);
    struct stat st;
    cr_assert_neq(stat(path, &st), 0, "an unfinished file is removed");

    cr_assert_eq(shale_sst_writer_open(path, NULL, 0, &w, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_put(w, "a", 1, "1", 1, &err), SHALE_OK);
    cr_assert_eq(stat(path, &st), 0);
    shale_sst_writer_free(w);   /* abandoned */
    cr_assert_neq(stat(path, &st), 0, "an abandoned file is removed");
    test_rmtree(dir);
    free(dir);
}
