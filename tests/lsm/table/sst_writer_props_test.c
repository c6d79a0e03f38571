/* tests/lsm/table/sst_writer_props_test.c: the properties block of our
 * files, as RocksDB 7.8.3's `sst_dump --show_properties` prints it, holds
 * the true numbers.  Expected counts come from the entries written; block
 * sizes come from RocksDB's own raw dump (footer, metaindex and index
 * handles), not from our writer. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lsm/table/sst_writer_util.h"
#include "tests/support/test_util.h"

static char *g_dir;

static void setup(void)
{
    g_dir = test_tmpdir("sst-writer-props");
    cr_assert_not_null(g_dir);
}

static void teardown(void)
{
    test_rmtree(g_dir);
    free(g_dir);
}

TestSuite(sst_writer_props, .init = setup, .fini = teardown, .timeout = 60);

typedef struct expect {
    long long entries, deletions, merges, range_dels, raw_key, raw_value, filter_entries;
} expect;

/* 600 point entries (puts, deletes, merges) and two range deletions. */
static void write_mixed(const char *path, int compression, expect *x)
{
    memset(x, 0, sizeof *x);
    shale_sst_writer *w;
    shale_err err = {0};
    cr_assert_eq(shale_sst_writer_open(path, NULL, compression, &w, &err), SHALE_OK, "%s",
                 err.msg);
    char key[16], val[64];
    memset(val, 'v', sizeof val);
    for (int i = 0; i < 600; i++) {
        snprintf(key, sizeof key, "key%05d", i);
        int rc, kind = i % 4;
        size_t vl = kind == 1 ? 0 : (kind == 2 ? 8 : (size_t)(i % 50));
        if (kind == 1)
            rc = shale_sst_writer_delete(w, key, 8, &err);
        else if (kind == 2)
            rc = shale_sst_writer_merge(w, key, 8, val, vl, &err);
        else
            rc = shale_sst_writer_put(w, key, 8, val, vl, &err);
        cr_assert_eq(rc, SHALE_OK, "%s", err.msg);
        x->deletions += kind == 1;
        x->merges += kind == 2;
        x->raw_key += 8 + 8;
        x->raw_value += (long long)vl;
    }
    cr_assert_eq(shale_sst_writer_delete_range(w, "key00010", 8, "key00020", 8, &err), SHALE_OK);
    cr_assert_eq(shale_sst_writer_delete_range(w, "zz", 2, "zzzz", 4, &err), SHALE_OK);
    x->range_dels = 2;
    x->deletions += 2;
    x->raw_key += (8 + 8) + (2 + 8);
    x->raw_value += 8 + 4;
    x->entries = 600 + 2;
    x->filter_entries = 600;
    cr_assert_eq(shale_sst_writer_finish(w, NULL, &err), SHALE_OK, "%s", err.msg);
    shale_sst_writer_free(w);
}

static void check_counts(const char *out, const expect *x)
{
    cr_assert_eq(sw_prop(out, "# entries"), x->entries, "%s", out);
    cr_assert_eq(sw_prop(out, "# deletions"), x->deletions);
    cr_assert_eq(sw_prop(out, "# merge operands"), x->merges);
    cr_assert_eq(sw_prop(out, "# range deletions"), x->range_dels);
    cr_assert_eq(sw_prop(out, "raw key size"), x->raw_key);
    cr_assert_eq(sw_prop(out, "raw value size"), x->raw_value);
    cr_assert_eq(sw_prop(out, "# entries for filter"), x->filter_entries);
}

static void check_sizes(const char *out, const char *raw)
{
    long long blocks = 0;
    const char *last = NULL;
    for (const char *p = raw; (p = strstr(p, "Data Block # ")) != NULL; p++) {
        blocks++;
        last = p;
    }
    cr_assert_gt(blocks, 1);
    cr_assert_eq(sw_prop(out, "# data blocks"), blocks);
    unsigned long long off, size;
    const char *at = strchr(last, '@');   /* "Data Block # N @ HANDLE" */
    cr_assert_not_null(at);
    sw_decode_handle_hex(at + 2, &off, &size);
    cr_assert_eq(sw_prop(out, "data block size"), (long long)(off + size + 5));
    sw_raw_handle(raw, "index handle", &off, &size);
    cr_assert_eq(sw_prop(out, "index block size (user-key? 1, delta-value? 1)"),
                 (long long)(size + 5));
    sw_raw_handle(raw, "Filter block handle", &off, &size);
    cr_assert_eq(sw_prop(out, "filter block size"), (long long)size);
}

static void check_identity(const char *out, const char *compression)
{
    static const char *const want[][2] = {
        {"filter policy name", "bloomfilter"},     {"prefix extractor name", "nullptr"},
        {"column family ID", "N/A"},               {"column family name", "N/A"},
        {"comparator name", "leveldb.BytewiseComparator"},
        {"merge operator name", "nullptr"},        {"property collectors names", "[]"},
        {"DB identity", "SST Writer"},             {"original file number", "1"},
        {"# rocksdb.external_sst_file.version", "0x02000000"},
        {"# rocksdb.external_sst_file.global_seqno", "0x0000000000000000"},
        {"# rocksdb.block.based.table.index.type", "0x00000000"},
        {"# rocksdb.block.based.table.whole.key.filtering", "0x31"},
        {"# rocksdb.block.based.table.prefix.filtering", "0x30"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char *v = sw_prop_str(out, want[i][0]);
        cr_assert(v != NULL && strcmp(v, want[i][1]) == 0, "%s: got %s, want %s", want[i][0],
                  v ? v : "(absent)", want[i][1]);
        free(v);
    }
    char *c = sw_prop_str(out, "SST file compression algo");
    cr_assert(c != NULL && strcmp(c, compression) == 0, "compression %s", c ? c : "(absent)");
    free(c);
    char *session = sw_prop_str(out, "DB session identity");
    cr_assert(session != NULL && strlen(session) == 20, "session id %s", session);
    free(session);
}

Test(sst_writer_props, sst_dump_shows_true_counts_and_sizes)
{
    char path[512];
    snprintf(path, sizeof path, "%s/props.sst", g_dir);
    expect x;
    write_mixed(path, SHALE_NO_COMPRESSION, &x);
    int st;
    char *out = sw_sst_dump("--show_properties --command=none", path, &st);
    cr_assert_eq(st, 0, "%s", out);
    check_counts(out, &x);
    check_identity(out, "NoCompression");
    char *raw = sw_raw_dump(path);
    check_sizes(out, raw);
    cr_assert_not_null(strstr(raw, "Range deletions:"));
    free(raw);
    free(out);
}

Test(sst_writer_props, lz4_file_names_its_compression_and_counts_stored_bytes)
{
    char path[512];
    snprintf(path, sizeof path, "%s/lz4.sst", g_dir);
    expect x;
    write_mixed(path, SHALE_LZ4_COMPRESSION, &x);
    int st;
    char *out = sw_sst_dump("--show_properties --command=none", path, &st);
    cr_assert_eq(st, 0, "%s", out);
    check_counts(out, &x);
    check_identity(out, "LZ4");
    /* data size counts the stored (compressed) blocks: it ends where the
     * filter block, the first block after the data, starts. */
    char *raw = sw_raw_dump(path);
    unsigned long long off, size;
    sw_raw_handle(raw, "Filter block handle", &off, &size);
    cr_assert_eq(sw_prop(out, "data block size"), (long long)off);
    free(raw);
    free(out);
}
