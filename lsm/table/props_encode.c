/* lsm/table/props_encode.c: sst_props_encode(), the writer half of the
 * properties block (properties.h; rocksdb-format.md §6.9).
 *
 * Every property becomes one (name, value) entry of a generic block with a
 * single restart point, names strictly increasing bytewise.  Values are
 * varint64 counters, raw strings, and three fixed-width exceptions:
 *   rocksdb.block.based.table.index.type      fixed32
 *   rocksdb.external_sst_file.version         fixed32
 *   rocksdb.external_sst_file.global_seqno    fixed64
 * Which properties appear follows what RocksDB 7.8.3 writes: counters
 * always, the has_* ones when flagged, a few only when non-zero, strings
 * only when set.  Values are collected into one buffer first (offsets, not
 * pointers, since it grows), then sorted by name and fed to the block
 * builder. */
#include "lsm/table/properties.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/table/block_builder.h"
#include "lsm/util/err.h"

#define MAX_PROPS 64

typedef struct prop_entry {
    const char *name;
    size_t off, len;   /* value bytes in the collector's buffer */
} prop_entry;

typedef struct collector {
    prop_entry e[MAX_PROPS];
    size_t n;
    shale_buf vals;
} collector;

static void begin(collector *c, const char *name)
{
    if (c->n < MAX_PROPS) {
        c->e[c->n].name = name;
        c->e[c->n].off = c->vals.len;
    }
}

static void end(collector *c)
{
    if (c->n < MAX_PROPS) {
        c->e[c->n].len = c->vals.len - c->e[c->n].off;
        c->n++;
    }
}

static void add_u64(collector *c, const char *name, uint64_t v)
{
    begin(c, name);
    shale_buf_put_varint64(&c->vals, v);
    end(c);
}

static void add_fixed32(collector *c, const char *name, uint32_t v)
{
    begin(c, name);
    shale_buf_put_fixed32(&c->vals, v);
    end(c);
}

static void add_fixed64(collector *c, const char *name, uint64_t v)
{
    begin(c, name);
    shale_buf_put_fixed64(&c->vals, v);
    end(c);
}

static void add_str(collector *c, const char *name, const char *s)
{
    if (s == NULL)
        return;
    begin(c, name);
    shale_buf_append_str(&c->vals, s);
    end(c);
}

static void add_counters(collector *c, const sst_props *p)
{
    add_u64(c, "rocksdb.data.size", p->data_size);
    add_u64(c, "rocksdb.index.size", p->index_size);
    add_u64(c, "rocksdb.filter.size", p->filter_size);
    add_u64(c, "rocksdb.raw.key.size", p->raw_key_size);
    add_u64(c, "rocksdb.raw.value.size", p->raw_value_size);
    add_u64(c, "rocksdb.num.data.blocks", p->num_data_blocks);
    add_u64(c, "rocksdb.num.entries", p->num_entries);
    add_u64(c, "rocksdb.num.filter_entries", p->num_filter_entries);
    add_u64(c, "rocksdb.deleted.keys", p->num_deletions);
    add_u64(c, "rocksdb.merge.operands", p->num_merge_operands);
    add_u64(c, "rocksdb.num.range-deletions", p->num_range_deletions);
    add_u64(c, "rocksdb.format.version", p->format_version);
    add_u64(c, "rocksdb.fixed.key.length", p->fixed_key_len);
    add_u64(c, "rocksdb.creation.time", p->creation_time);
    add_u64(c, "rocksdb.oldest.key.time", p->oldest_key_time);
}

static void add_optional_numbers(collector *c, const sst_props *p)
{
    if (p->index_partitions != 0) {
        add_u64(c, "rocksdb.index.partitions", p->index_partitions);
        add_u64(c, "rocksdb.top-level.index.size", p->top_level_index_size);
    }
    if (p->has_index_key_is_user_key)
        add_u64(c, "rocksdb.index.key.is.user.key", p->index_key_is_user_key);
    if (p->has_index_value_is_delta_encoded)
        add_u64(c, "rocksdb.index.value.is.delta.encoded", p->index_value_is_delta_encoded);
    if (p->has_column_family_id)
        add_u64(c, "rocksdb.column.family.id", p->column_family_id);
    if (p->has_file_creation_time)
        add_u64(c, "rocksdb.file.creation.time", p->file_creation_time);
    if (p->has_original_file_number)
        add_u64(c, "rocksdb.original.file.number", p->original_file_number);
    if (p->slow_compression_estimated_data_size != 0)
        add_u64(c, "rocksdb.sample_for_compression.slow.data.size",
                p->slow_compression_estimated_data_size);
    if (p->fast_compression_estimated_data_size != 0)
        add_u64(c, "rocksdb.sample_for_compression.fast.data.size",
                p->fast_compression_estimated_data_size);
    if (p->has_index_type)
        add_fixed32(c, "rocksdb.block.based.table.index.type", p->index_type);
    if (p->has_external_version)
        add_fixed32(c, "rocksdb.external_sst_file.version", p->external_sst_file_version);
    if (p->has_global_seqno)
        add_fixed64(c, "rocksdb.external_sst_file.global_seqno",
                    p->external_sst_file_global_seqno);
}

static void add_strings(collector *c, const sst_props *p)
{
    add_str(c, "rocksdb.creating.db.identity", p->db_id);
    add_str(c, "rocksdb.creating.session.identity", p->db_session_id);
    add_str(c, "rocksdb.creating.host.identity", p->db_host_id);
    add_str(c, "rocksdb.column.family.name", p->column_family_name);
    add_str(c, "rocksdb.filter.policy", p->filter_policy_name);
    add_str(c, "rocksdb.comparator", p->comparator_name);
    add_str(c, "rocksdb.merge.operator", p->merge_operator_name);
    add_str(c, "rocksdb.prefix.extractor.name", p->prefix_extractor_name);
    add_str(c, "rocksdb.property.collectors", p->property_collectors_names);
    add_str(c, "rocksdb.compression", p->compression_name);
    add_str(c, "rocksdb.compression_options", p->compression_options);
    add_str(c, "rocksdb.seqno.time.map", p->seqno_to_time_mapping);
    add_str(c, "rocksdb.block.based.table.whole.key.filtering", p->whole_key_filtering);
    add_str(c, "rocksdb.block.based.table.prefix.filtering", p->prefix_filtering);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const prop_entry *)a)->name, ((const prop_entry *)b)->name);
}

int sst_props_encode(const sst_props *p, shale_buf *out, shale_err *err)
{
    collector c;
    c.n = 0;
    shale_buf_init(&c.vals);
    add_counters(&c, p);
    add_optional_numbers(&c, p);
    add_strings(&c, p);
    qsort(c.e, c.n, sizeof c.e[0], by_name);

    block_builder bb;
    block_builder_init(&bb, BLOCK_RESTART_NEVER, false);
    for (size_t i = 0; i < c.n; i++) {
        slice v = c.e[i].len == 0 ? slice_make("", 0)
                                  : slice_make(c.vals.data + c.e[i].off, c.e[i].len);
        block_builder_add(&bb, slice_from_str(c.e[i].name), v, slice_make(NULL, 0));
    }
    slice block = block_builder_finish(&bb);
    int rc = SHALE_OK;
    if (!shale_buf_ok(&c.vals) || !block_builder_ok(&bb))
        rc = SHALE_NOMEM(err);
    else
        shale_buf_append_slice(out, block);
    if (rc == SHALE_OK && !shale_buf_ok(out))
        rc = SHALE_NOMEM(err);
    block_builder_deinit(&bb);
    shale_buf_deinit(&c.vals);
    return rc;
}
