/* tests/lsm/table/sst_props_test.c: decoded properties against what Debian's
 * RocksDB `sst_dump --show_properties` prints, the properties decoder's
 * rejection of bad blocks, and the index and range-deletion iterators. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/table/properties.h"
#include "lsm/table/sst_reader.h"
#include "lsm/util/buf.h"
#include "lsm/util/coding.h"
#include "lsm/util/ikey.h"
#include "tests/lsm/table/sst_fixture.h"

static sst_reader *open_path(const char *name)
{
    char *path = fixture_path(name);
    sst_reader *r = NULL;
    shale_err err = {0};
    cr_assert_eq(sst_reader_open(shale_env_default(), path, NULL, &r, &err), SHALE_OK, "%s",
                 err.msg);
    free(path);
    return r;
}

/* The text after "label" on its line of sst_dump's output. */
static const char *dump_field(const char *out, const char *label)
{
    const char *p = strstr(out, label);
    cr_assert_not_null(p, "sst_dump printed no '%s'", label);
    return p + strlen(label);
}

static uint64_t dump_u64(const char *out, const char *label)
{
    return strtoull(dump_field(out, label), NULL, 10);
}

static void assert_dump_str(const char *out, const char *label, const char *have)
{
    const char *v = dump_field(out, label);
    size_t n = strcspn(v, "\n");
    cr_assert_not_null(have, "%s missing", label);
    cr_assert(strlen(have) == n && strncmp(v, have, n) == 0, "%s: sst_dump '%.*s', ours '%s'",
              label, (int)n, v, have);
}

Test(sst_props, decoded_properties_match_rocksdb_sst_dump)
{
    for (size_t f = 0; f < FX_COUNT; f++) {
        char *path = fixture_path(fx_names[f]), cmd[1024];
        int status;
        snprintf(cmd, sizeof cmd, "sst_dump --show_properties --command=none --file=%s 2>&1",
                 path);
        char *out = test_run(cmd, &status);
        cr_assert(out != NULL && status == 0, "sst_dump failed on %s", path);
        sst_reader *r = open_path(fx_names[f]);
        cr_assert(sst_reader_has_properties(r));
        const sst_props *p = sst_reader_props(r);
        cr_assert_eq(p->num_data_blocks, dump_u64(out, "# data blocks: "), "%s", path);
        cr_assert_eq(p->num_entries, dump_u64(out, "# entries: "));
        cr_assert_eq(p->num_deletions, dump_u64(out, "# deletions: "));
        cr_assert_eq(p->num_merge_operands, dump_u64(out, "# merge operands: "));
        cr_assert_eq(p->num_range_deletions, dump_u64(out, "# range deletions: "));
        cr_assert_eq(p->raw_key_size, dump_u64(out, "raw key size: "));
        cr_assert_eq(p->raw_value_size, dump_u64(out, "raw value size: "));
        cr_assert_eq(p->data_size, dump_u64(out, "data block size: "));
        const char *ix = dump_field(out, "index block size (user-key? ");
        unsigned uk, dv;
        unsigned long long isz;
        cr_assert_eq(sscanf(ix, "%u, delta-value? %u): %llu", &uk, &dv, &isz), 3);
        cr_assert_eq(p->index_key_is_user_key, uk);
        cr_assert_eq(p->index_value_is_delta_encoded, dv);
        cr_assert_eq(p->index_size, isz);
        cr_assert_eq(p->filter_size, dump_u64(out, "filter block size: "));
        cr_assert_eq(p->num_filter_entries, dump_u64(out, "# entries for filter: "));
        assert_dump_str(out, "comparator name: ", p->comparator_name);
        assert_dump_str(out, "SST file compression algo: ", p->compression_name);
        assert_dump_str(out, "merge operator name: ", p->merge_operator_name);
        assert_dump_str(out, "DB session identity: ", p->db_session_id);
        cr_assert_gt(p->num_raw, 20, "every pair kept");
        for (size_t i = 1; i < p->num_raw; i++)
            cr_assert_lt(strcmp(p->raw[i - 1].name, p->raw[i].name), 0);
        if (strncmp(fx_names[f], "db/", 3) != 0) {   /* SstFileWriter files */
            cr_assert(p->has_external_version && p->external_sst_file_version == 2);
            cr_assert(p->has_global_seqno && p->external_sst_file_global_seqno == 0);
        } else {
            cr_assert(!p->has_external_version);
        }
        cr_assert(p->has_index_type && p->index_type == 0);
        sst_reader_unref(r);
        free(out);
        free(path);
    }
}

/* A properties block: entries with one restart, as a block builder would. */
static void props_block(shale_buf *b, const char *const *names, const char *const *vals, int n)
{
    for (int i = 0; i < n; i++) {
        shale_buf_put_varint32(b, 0);
        shale_buf_put_varint32(b, (uint32_t)strlen(names[i]));
        shale_buf_put_varint32(b, (uint32_t)strlen(vals[i]));
        shale_buf_append_str(b, names[i]);
        shale_buf_append_str(b, vals[i]);
    }
    shale_buf_put_fixed32(b, 0);
    shale_buf_put_fixed32(b, 1);
}

Test(sst_props, unsorted_or_duplicate_names_are_corruption)
{
    const char *names[] = {"rocksdb.num.entries", "rocksdb.comparator"};
    const char *vals[] = {"\x05", "x"};
    shale_buf b = SHALE_BUF_INIT;
    props_block(&b, names, vals, 2);
    sst_props p;
    sst_props_init(&p);
    shale_err err = {0};
    cr_assert_eq(sst_props_decode(shale_buf_slice(&b), &p, &err), SHALE_CORRUPTION);
    cr_assert_str_eq(err.msg, "properties unsorted");
    sst_props_deinit(&p);
    shale_buf_clear(&b);
    const char *dup[] = {"rocksdb.comparator", "rocksdb.comparator"};
    props_block(&b, dup, vals, 2);
    sst_props_init(&p);
    cr_assert_eq(sst_props_decode(shale_buf_slice(&b), &p, NULL), SHALE_CORRUPTION);
    sst_props_deinit(&p);
    shale_buf_deinit(&b);
}

Test(sst_props, sorted_block_decodes_counters_strings_and_unknown_names)
{
    const char *names[] = {"rocksdb.comparator", "rocksdb.num.entries", "zz.custom"};
    const char *vals[] = {"leveldb.BytewiseComparator", "\x85\x01", "hello"};
    shale_buf b = SHALE_BUF_INIT;
    props_block(&b, names, vals, 3);
    sst_props p;
    sst_props_init(&p);
    cr_assert_eq(sst_props_decode(shale_buf_slice(&b), &p, NULL), SHALE_OK);
    cr_assert_eq(p.num_entries, 133);
    cr_assert_str_eq(p.comparator_name, "leveldb.BytewiseComparator");
    cr_assert_eq(p.num_raw, 3);
    cr_assert_str_eq(p.raw[2].name, "zz.custom");
    cr_assert_eq(p.raw[2].value_len, 5);
    sst_props_deinit(&p);
    sst_props_deinit(NULL);
    shale_buf_deinit(&b);
}

Test(sst_props, truncated_varint_value_is_corruption)
{
    const char *names[] = {"rocksdb.num.entries"};
    const char *vals[] = {"\x85"};
    shale_buf b = SHALE_BUF_INIT;
    props_block(&b, names, vals, 1);
    sst_props p;
    sst_props_init(&p);
    cr_assert_eq(sst_props_decode(shale_buf_slice(&b), &p, NULL), SHALE_CORRUPTION);
    sst_props_deinit(&p);
    shale_buf_deinit(&b);
}

/* The index iterator presents full handles in every on-disk form: the data
 * blocks it names are contiguous from offset 0 and add up to data.size. */
Test(sst_index_iter, handles_are_contiguous_and_cover_the_data_in_every_index_form)
{
    for (size_t f = 0; f < FX_COUNT; f++) {
        sst_reader *r = open_path(fx_names[f]);
        const sst_props *p = sst_reader_props(r);
        sst_iter *it = NULL;
        cr_assert_eq(sst_iter_new(r, SST_ITER_INDEX, NULL, &it, NULL), SHALE_OK);
        uint64_t next = 0, n = 0;
        for (sst_iter_first(it); sst_iter_valid(it); sst_iter_next(it), n++) {
            slice v = sst_iter_value(it);
            block_handle h;
            cr_assert(block_handle_decode(&v, &h) && v.len == 0);
            cr_assert_eq(h.offset, next, "%s: block %" PRIu64, fx_names[f], n);
            next = h.offset + h.size + 5;
        }
        cr_assert_eq(sst_iter_status(it, NULL), SHALE_OK);
        cr_assert_eq(n, p->num_data_blocks, "%s", fx_names[f]);
        cr_assert_eq(next, p->data_size, "%s", fx_names[f]);
        uint64_t back = 0;
        for (sst_iter_last(it); sst_iter_valid(it); sst_iter_prev(it))
            back++;
        cr_assert_eq(back, n);
        sst_iter_free(it);
        sst_reader_unref(r);
    }
}

static void check_range_del(const char *name, const char *begin, uint64_t seq, const char *end)
{
    sst_reader *r = open_path(name);
    sst_iter *it = NULL;
    cr_assert_eq(sst_iter_new(r, SST_ITER_RANGE_DEL, NULL, &it, NULL), SHALE_OK);
    sst_iter_first(it);
    cr_assert(sst_iter_valid(it));
    parsed_ikey pk = {{NULL, 0}, 0, 0};
    cr_assert(ikey_parse(sst_iter_key(it), &pk));
    cr_assert(slice_equal(pk.user_key, slice_from_str(begin)));
    cr_assert_eq(pk.seq, seq);
    cr_assert_eq(pk.type, VT_RANGE_DELETION);
    cr_assert(slice_equal(sst_iter_value(it), slice_from_str(end)));
    sst_iter_next(it);
    cr_assert(!sst_iter_valid(it));
    cr_assert_eq(sst_iter_status(it, NULL), SHALE_OK);
    sst_iter_free(it);
    sst_reader_unref(r);
}

Test(sst_range_del_iter, tombstones_are_read_as_written)
{
    check_range_del("sst_range_del.sst", "key00000750", 0, "key00001250");
    check_range_del("db/000014.sst", "key00002500", 3617, "key00002600");
}

Test(sst_range_del_iter, file_without_tombstones_gives_an_empty_iterator)
{
    sst_reader *r = open_path("sst_plain_crc32c.sst");
    sst_iter *it = NULL;
    cr_assert_eq(sst_iter_new(r, SST_ITER_RANGE_DEL, NULL, &it, NULL), SHALE_OK);
    sst_iter_first(it);
    cr_assert(!sst_iter_valid(it));
    sst_iter_last(it);
    cr_assert(!sst_iter_valid(it));
    sst_iter_free(it);
    sst_reader_unref(r);
}

Test(sst_reader, metaindex_lists_properties_and_filter_blocks)
{
    sst_reader *r = open_path("sst_plain_crc32c.sst");
    bool props = false, filter = false;
    for (size_t i = 0; i < sst_reader_num_meta(r); i++) {
        const sst_meta_entry *m = sst_reader_meta(r, i);
        props |= strcmp(m->name, "rocksdb.properties") == 0;
        filter |= strcmp(m->name, "fullfilter.rocksdb.BuiltinBloomFilter") == 0;
        if (strcmp(m->name, "fullfilter.rocksdb.BuiltinBloomFilter") == 0)
            cr_assert_eq(m->handle.size, sst_reader_props(r)->filter_size);
    }
    cr_assert(props && filter);
    cr_assert_null(sst_reader_meta(r, sst_reader_num_meta(r)));
    shale_buf b = SHALE_BUF_INIT;
    cr_assert_eq(sst_reader_read_block(r, sst_reader_footer(r)->index, true, &b, NULL), SHALE_OK);
    cr_assert_eq(b.len + 5, sst_reader_props(r)->index_size);
    shale_buf_deinit(&b);
    sst_reader_unref(r);
}
