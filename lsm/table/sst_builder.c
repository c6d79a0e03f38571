/* lsm/table/sst_builder.c: the block-based table writer; layout and
 * contract in sst_builder.h, byte formats in rocksdb-format.md §6.
 *
 * Invariants:
 *   1. `offset` is the number of bytes produced so far: everything appended
 *      to the file plus everything still in `out`.  Handles are computed
 *      from it, so buffering never changes a byte of the file.
 *   2. A data block is cut as RocksDB's FlushBlockBySizePolicy does: when
 *      its estimate reaches block_size, or when the next entry would push it
 *      past block_size and it is already past the deviation limit.
 *   3. A flushed data block gets its index entry when the next key is known
 *      (to shorten the separator) or at finish.  Both index forms, user-key
 *      and internal-key, are built side by side until a boundary user key
 *      is seen twice; then only the internal-key one, which finish uses.
 *   4. Each index entry carries the full handle and the zigzag size delta
 *      against the previous entry's handle; the block builder stores the
 *      delta only when the key shares a prefix (format_version >= 4). */
#include "lsm/table/sst_builder.h"

#include <stdlib.h>
#include <unistd.h>

#include "lsm/table/block_builder.h"
#include "lsm/table/compress.h"
#include "lsm/table/filter.h"
#include "lsm/table/format.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

#define OUT_CHUNK (1u << 20)   /* append to the file in chunks of about 1 MiB */

/* What RocksDB 7.8.3 records for its default CompressionOptions. */
#define COMPRESSION_OPTIONS_STRING                                                      \
    "window_bits=-14; level=32767; strategy=0; max_dict_bytes=0; "                      \
    "zstd_max_train_bytes=0; enabled=0; max_dict_buffer_bytes=0; use_zstd_dict_trainer=1; "

struct sst_builder {
    /* immutable after new */
    shale_file *file;            /* borrowed */
    int format_version, checksum, compression, shortening;
    size_t block_size, deviation_limit;
    bool use_filter, whole_key_filtering, delta_index;
    /* output: invariant 1 */
    shale_buf out;
    uint64_t offset;
    /* blocks being built */
    block_builder data, index_user, index_internal, range_del;
    filter_builder filter;
    bool key_plus_seq;           /* invariant 3: the index needs internal keys */
    bool pending_index;          /* `pending` awaits its index entry */
    block_handle pending, last_index_handle;
    /* scratch, reused so adds do not allocate */
    shale_buf last_key, sep, handle_enc, delta_enc, cbuf, tmp;
    /* file bounds and statistics */
    shale_buf smallest, largest;
    uint64_t smallest_seqno, largest_seqno;
    uint64_t num_points;
    sst_props props;
    /* state */
    bool finished;
    int rc;                      /* sticky first error */
    shale_err err;
};

/* --- options ------------------------------------------------------------ */

void table_options_init(shale_table_options *o)
{
    o->block_size = 4096;
    o->block_restart_interval = 16;
    o->index_block_restart_interval = 1;
    o->format_version = SST_FORMAT_VERSION_DEFAULT;
    o->checksum = SHALE_CHECKSUM_CRC32C;
    o->bloom_bits_per_key = 10.0;
    o->whole_key_filtering = true;
    o->block_size_deviation = 10;
}

int table_options_check(const shale_table_options *o, shale_err *err)
{
    if (o->block_size == 0 || o->block_size > (UINT32_C(1) << 31))
        return SHALE_INVALID(err, "block_size %zu out of range", o->block_size);
    if (o->block_restart_interval < 1)
        return SHALE_INVALID(err, "block_restart_interval must be >= 1");
    if (o->index_block_restart_interval < 1)
        return SHALE_INVALID(err, "index_block_restart_interval must be >= 1");
    if (o->format_version < SST_FORMAT_VERSION_MIN_WRITE ||
        o->format_version > SST_FORMAT_VERSION_MAX_WRITE)
        return SHALE_INVALID(err, "format_version %d not in %d..%d", o->format_version,
                             SST_FORMAT_VERSION_MIN_WRITE, SST_FORMAT_VERSION_MAX_WRITE);
    if (!checksum_type_valid(o->checksum))
        return SHALE_INVALID(err, "unknown checksum type %d", o->checksum);
    if (!(o->bloom_bits_per_key >= 0.0 && o->bloom_bits_per_key <= 1000.0))
        return SHALE_INVALID(err, "bloom_bits_per_key out of range");
    if (o->block_size_deviation < 0 || o->block_size_deviation > 100)
        return SHALE_INVALID(err, "block_size_deviation %d not in 0..100",
                             o->block_size_deviation);
    return SHALE_OK;
}

void sst_builder_options_init(sst_builder_options *o)
{
    memset(o, 0, sizeof *o);
    table_options_init(&o->table);
    o->compression = COMPRESSION_NONE;
    o->index_shortening = SST_SHORTEN_SEPARATORS;
    o->column_family_name = "default";
}

/* --- errors and output -------------------------------------------------- */

/* Records the first failure; b->err was filled by the failing call. */
static int fail(sst_builder *b, int rc)
{
    if (b->rc == SHALE_OK)
        b->rc = rc;
    return b->rc;
}

static int fail_nomem(sst_builder *b)
{
    if (b->rc == SHALE_OK)
        b->rc = SHALE_NOMEM(&b->err);
    return b->rc;
}

static int check_memory(sst_builder *b)
{
    bool ok = block_builder_ok(&b->data) && block_builder_ok(&b->index_user) &&
              block_builder_ok(&b->index_internal) && block_builder_ok(&b->range_del) &&
              shale_buf_ok(&b->out) && shale_buf_ok(&b->last_key) && shale_buf_ok(&b->sep) &&
              shale_buf_ok(&b->handle_enc) && shale_buf_ok(&b->delta_enc) &&
              shale_buf_ok(&b->smallest) && shale_buf_ok(&b->largest) && shale_buf_ok(&b->tmp);
    return ok ? b->rc : fail_nomem(b);
}

static void flush_out(sst_builder *b)
{
    if (b->rc != SHALE_OK || b->out.len == 0)
        return;
    int rc = shale_file_append(b->file, b->out.data, b->out.len, &b->err);
    b->out.len = 0;
    if (rc != SHALE_OK)
        fail(b, rc);
}

/* Produces n bytes at the current offset (invariant 1). */
static void emit(sst_builder *b, const char *data, size_t n)
{
    if (b->rc != SHALE_OK)
        return;
    b->offset += n;
    if (n >= OUT_CHUNK) {          /* large: skip the copy */
        flush_out(b);
        if (b->rc == SHALE_OK) {
            int rc = shale_file_append(b->file, data, n, &b->err);
            if (rc != SHALE_OK)
                fail(b, rc);
        }
        return;
    }
    shale_buf_append(&b->out, data, n);
    if (b->out.len >= OUT_CHUNK)
        flush_out(b);
}

/* Writes a block and its trailer; *h gets its handle.  Compresses it with
 * the table's codec when allowed and worth it (compress_block decides). */
static void write_block(sst_builder *b, slice raw, bool may_compress, block_handle *h)
{
    slice stored = raw;
    uint8_t type = COMPRESSION_NONE;
    if (may_compress && b->compression != COMPRESSION_NONE &&
        compress_block(b->compression, raw, &b->cbuf)) {
        stored = shale_buf_slice(&b->cbuf);
        type = (uint8_t)b->compression;
    }
    h->offset = b->offset;
    h->size = stored.len;
    char trailer[BLOCK_TRAILER_LEN];
    trailer[0] = (char)type;
    enc_fixed32(trailer + 1, block_checksum(b->checksum, stored.data, stored.len, type));
    emit(b, stored.data, stored.len);
    emit(b, trailer, sizeof trailer);
}

/* --- separators (RocksDB's kShortenSeparators with the bytewise order) ---- */

/* Shortens *start (a user key) to a short key k with start <= k < limit;
 * leaves it alone when one is a prefix of the other or nothing shorter
 * fits. */
static void shorten_separator(shale_buf *start, slice limit)
{
    size_t n = start->len < limit.len ? start->len : limit.len, i = 0;
    unsigned char *s = (unsigned char *)start->data;
    const unsigned char *l = (const unsigned char *)limit.data;
    while (i < n && s[i] == l[i])
        i++;
    if (i >= n || s[i] >= l[i])
        return;
    if (i + 1 < limit.len || s[i] + 1 < l[i]) {
        s[i]++;
        shale_buf_truncate(start, i + 1);
        return;
    }
    /* Bumping s[i] would reach limit: keep it and bump a later byte. */
    for (i++; i < start->len; i++) {
        if (s[i] < 0xff) {
            s[i]++;
            shale_buf_truncate(start, i + 1);
            return;
        }
    }
}

/* Shortens *key to a short k >= key (bump the first byte that is not 0xff). */
static void short_successor(shale_buf *key)
{
    unsigned char *s = (unsigned char *)key->data;
    for (size_t i = 0; i < key->len; i++) {
        if (s[i] != 0xff) {
            s[i]++;
            shale_buf_truncate(key, i + 1);
            return;
        }
    }
}

/* b->sep = the index key for a block ending at last_ikey and followed by
 * next_ikey (NULL for the last block).  A shortened user key that grew
 * gets the trailer (max seq, VT_FOR_SEEK), sorting before every real entry
 * of that user key; otherwise the separator is last_ikey itself. */
static void make_separator(sst_builder *b, slice last_ikey, const slice *next_ikey)
{
    slice user = ikey_user_key(last_ikey);
    shale_buf *sep = &b->sep;
    sep->len = 0;
    shale_buf_append_slice(sep, user);
    if (next_ikey != NULL && b->shortening != SST_NO_SHORTENING)
        shorten_separator(sep, ikey_user_key(*next_ikey));
    else if (next_ikey == NULL && b->shortening == SST_SHORTEN_SEPARATORS_AND_SUCCESSOR)
        short_successor(sep);
    if (shale_buf_ok(sep) && sep->len <= user.len &&
        slice_compare(user, shale_buf_slice(sep)) < 0) {
        shale_buf_put_fixed64(sep, ikey_pack(MAX_SEQUENCE, VT_FOR_SEEK));
    } else {
        sep->len = 0;
        shale_buf_append_slice(sep, last_ikey);
    }
}

/* Invariants 3 and 4: one index entry for the pending data block. */
static void add_index_entry(sst_builder *b, slice last_ikey, const slice *next_ikey)
{
    make_separator(b, last_ikey, next_ikey);
    if (next_ikey != NULL &&
        slice_equal(ikey_user_key(last_ikey), ikey_user_key(*next_ikey)))
        b->key_plus_seq = true;
    b->handle_enc.len = 0;
    block_handle_encode(&b->handle_enc, b->pending);
    b->delta_enc.len = 0;
    shale_buf_put_varsigned64(&b->delta_enc,
                              (int64_t)b->pending.size - (int64_t)b->last_index_handle.size);
    slice sep = shale_buf_slice(&b->sep);
    slice full = shale_buf_slice(&b->handle_enc), delta = shale_buf_slice(&b->delta_enc);
    block_builder_add(&b->index_internal, sep, full, delta);
    if (!b->key_plus_seq)
        block_builder_add(&b->index_user, ikey_user_key(sep), full, delta);
    b->last_index_handle = b->pending;
    b->pending_index = false;
}

static void flush_data_block(sst_builder *b)
{
    if (block_builder_empty(&b->data) || check_memory(b) != SHALE_OK)
        return;
    write_block(b, block_builder_finish(&b->data), true, &b->pending);
    block_builder_reset(&b->data);
    b->pending_index = true;
    b->props.num_data_blocks++;
    b->props.data_size = b->offset;
}

/* Invariant 2. */
static bool block_full(const sst_builder *b, slice ikey, slice value)
{
    if (block_builder_empty(&b->data))
        return false;
    size_t cur = block_builder_estimated_size(&b->data);
    if (cur >= b->block_size)
        return true;
    if (b->deviation_limit == 0)
        return false;
    return block_builder_estimate_after(&b->data, ikey, value) > b->block_size &&
           cur > b->deviation_limit;
}

/* --- bounds ------------------------------------------------------------- */

static void set_key(shale_buf *dst, slice k)
{
    dst->len = 0;
    shale_buf_append_slice(dst, k);
}

static void widen_bounds(sst_builder *b, slice lo, slice hi, uint64_t seq)
{
    bool empty = b->smallest.len == 0;
    if (empty || ikey_compare(lo, shale_buf_slice(&b->smallest)) < 0)
        set_key(&b->smallest, lo);
    if (empty || ikey_compare(hi, shale_buf_slice(&b->largest)) > 0)
        set_key(&b->largest, hi);
    if (seq < b->smallest_seqno)
        b->smallest_seqno = seq;
    if (seq > b->largest_seqno)
        b->largest_seqno = seq;
}

/* --- adding ------------------------------------------------------------- */

static int check_writable(sst_builder *b, shale_err *err)
{
    if (b->rc != SHALE_OK)
        return shale_err_copy(err, &b->err);
    if (b->finished)
        return SHALE_INVALID(err, "table already finished");
    return SHALE_OK;
}

static void count_entry(sst_props *p, int type, slice ikey, slice value)
{
    p->num_entries++;
    p->raw_key_size += ikey.len;
    p->raw_value_size += value.len;
    if (type == VT_DELETION || type == VT_SINGLE_DELETION || type == VT_DELETION_WITH_TS)
        p->num_deletions++;
    else if (type == VT_MERGE)
        p->num_merge_operands++;
    else if (type == VT_RANGE_DELETION) {
        p->num_deletions++;
        p->num_range_deletions++;
    }
}

int sst_builder_add(sst_builder *b, slice ikey, slice value, shale_err *err)
{
    int rc = check_writable(b, err);
    if (rc != SHALE_OK)
        return rc;
    parsed_ikey pk;
    if (!ikey_parse(ikey, &pk) || !value_type_in_sst(pk.type) || pk.type == VT_RANGE_DELETION)
        return SHALE_INVALID(err, "not an internal key of a data-block entry");
    if (b->num_points > 0 && ikey_compare(ikey, shale_buf_slice(&b->last_key)) <= 0)
        return SHALE_INVALID(err, "keys must be added in strictly increasing order");

    if (block_full(b, ikey, value)) {
        flush_data_block(b);
        add_index_entry(b, shale_buf_slice(&b->last_key), &ikey);
    }
    block_builder_add(&b->data, ikey, value, slice_make(NULL, 0));
    set_key(&b->last_key, ikey);
    if (b->use_filter && b->whole_key_filtering)
        filter_builder_add(&b->filter, pk.user_key);
    count_entry(&b->props, pk.type, ikey, value);
    widen_bounds(b, ikey, ikey, pk.seq);
    b->num_points++;
    if (check_memory(b) != SHALE_OK)
        return shale_err_copy(err, &b->err);
    return SHALE_OK;
}

int sst_builder_add_range_del(sst_builder *b, slice start_ikey, slice end_user_key,
                              shale_err *err)
{
    int rc = check_writable(b, err);
    if (rc != SHALE_OK)
        return rc;
    parsed_ikey pk;
    if (!ikey_parse(start_ikey, &pk) || pk.type != VT_RANGE_DELETION)
        return SHALE_INVALID(err, "range tombstone start must be a range-deletion key");
    block_builder_add(&b->range_del, start_ikey, end_user_key, slice_make(NULL, 0));
    count_entry(&b->props, VT_RANGE_DELETION, start_ikey, end_user_key);
    /* §5.3: the end bound is (end, max seq, range deletion). */
    set_key(&b->tmp, end_user_key);
    shale_buf_put_fixed64(&b->tmp, ikey_pack(MAX_SEQUENCE, VT_RANGE_DELETION));
    if (shale_buf_ok(&b->tmp))
        widen_bounds(b, start_ikey, shale_buf_slice(&b->tmp), pk.seq);
    if (check_memory(b) != SHALE_OK)
        return shale_err_copy(err, &b->err);
    return SHALE_OK;
}

/* --- creation ----------------------------------------------------------- */

static bool set_identity(sst_props *p, const sst_builder_options *o)
{
    char host[256];
    const char *host_id = o->db_host_id;
    if (host_id == NULL) {
        if (gethostname(host, sizeof host) != 0)
            host[0] = '\0';
        host[sizeof host - 1] = '\0';
        host_id = host;
    }
    bool ok = sst_props_set_str(&p->db_host_id, host_id);
    if (o->db_id != NULL)
        ok = ok && sst_props_set_str(&p->db_id, o->db_id);
    if (o->db_session_id != NULL)
        ok = ok && sst_props_set_str(&p->db_session_id, o->db_session_id);
    if (o->column_family_name != NULL)
        ok = ok && sst_props_set_str(&p->column_family_name, o->column_family_name);
    return ok;
}

static bool init_props(sst_props *p, const sst_builder_options *o, bool use_filter)
{
    const shale_table_options *t = &o->table;
    p->column_family_id = o->column_family_id;
    p->has_column_family_id = true;
    p->creation_time = o->creation_time;
    p->oldest_key_time = o->oldest_key_time;
    p->file_creation_time = o->file_creation_time;
    p->has_file_creation_time = o->file_creation_time > 0;
    p->original_file_number = o->original_file_number;
    p->has_original_file_number = o->original_file_number > 0;
    p->index_type = 0;           /* binary search */
    p->has_index_type = true;
    p->has_index_key_is_user_key = p->has_index_value_is_delta_encoded = true;
    if (o->external_file) {
        p->external_sst_file_version = 2;
        p->external_sst_file_global_seqno = 0;
        p->has_external_version = p->has_global_seqno = true;
    }
    const char *merge = o->merge_operator_name != NULL ? o->merge_operator_name : "nullptr";
    return set_identity(p, o) &&
           sst_props_set_str(&p->comparator_name, "leveldb.BytewiseComparator") &&
           sst_props_set_str(&p->merge_operator_name, merge) &&
           sst_props_set_str(&p->prefix_extractor_name, "nullptr") &&
           sst_props_set_str(&p->property_collectors_names, "[]") &&
           sst_props_set_str(&p->compression_name, compression_type_name(o->compression)) &&
           sst_props_set_str(&p->compression_options, COMPRESSION_OPTIONS_STRING) &&
           sst_props_set_str(&p->whole_key_filtering, t->whole_key_filtering ? "1" : "0") &&
           sst_props_set_str(&p->prefix_filtering, "0") &&
           (!use_filter || sst_props_set_str(&p->filter_policy_name, "bloomfilter"));
}

static void init_blocks(sst_builder *b, const shale_table_options *t)
{
    block_builder_init(&b->data, t->block_restart_interval, false);
    block_builder_init(&b->index_user, t->index_block_restart_interval, b->delta_index);
    block_builder_init(&b->index_internal, t->index_block_restart_interval, b->delta_index);
    block_builder_init(&b->range_del, 1, false);
    filter_builder_init(&b->filter, t->bloom_bits_per_key, t->format_version);
    shale_buf *bufs[] = {&b->out, &b->last_key, &b->sep, &b->handle_enc, &b->delta_enc,
                         &b->cbuf, &b->tmp, &b->smallest, &b->largest};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        shale_buf_init(bufs[i]);
    sst_props_init(&b->props);
}

static int check_options(const sst_builder_options *o, shale_err *err)
{
    int rc = table_options_check(&o->table, err);
    if (rc != SHALE_OK)
        return rc;
    if (o->compression != COMPRESSION_NONE && !compress_supported(o->compression))
        return SHALE_UNSUPPORTED(err, "cannot write %s blocks",
                                 compression_type_name(o->compression));
    if (o->index_shortening < SST_NO_SHORTENING ||
        o->index_shortening > SST_SHORTEN_SEPARATORS_AND_SUCCESSOR)
        return SHALE_INVALID(err, "unknown index shortening mode %d", o->index_shortening);
    return SHALE_OK;
}

int sst_builder_new(shale_file *file, const sst_builder_options *opts, sst_builder **out,
                    shale_err *err)
{
    *out = NULL;
    int rc = check_options(opts, err);
    if (rc != SHALE_OK)
        return rc;
    sst_builder *b = calloc(1, sizeof *b);
    if (b == NULL)
        return SHALE_NOMEM(err);
    const shale_table_options *t = &opts->table;
    b->file = file;
    b->format_version = t->format_version;
    b->checksum = t->checksum;
    b->compression = opts->compression;
    b->shortening = opts->index_shortening;
    b->block_size = t->block_size;
    b->deviation_limit = (t->block_size * (size_t)(100 - t->block_size_deviation) + 99) / 100;
    b->use_filter = t->bloom_bits_per_key > 0;
    b->whole_key_filtering = t->whole_key_filtering;
    b->delta_index = t->format_version >= 4;
    b->key_plus_seq = t->format_version <= 2;
    b->smallest_seqno = MAX_SEQUENCE;
    init_blocks(b, t);
    if (!init_props(&b->props, opts, b->use_filter)) {
        sst_builder_free(b);
        return SHALE_NOMEM(err);
    }
    *out = b;
    return SHALE_OK;
}

void sst_builder_free(sst_builder *b)
{
    if (b == NULL)
        return;
    block_builder_deinit(&b->data);
    block_builder_deinit(&b->index_user);
    block_builder_deinit(&b->index_internal);
    block_builder_deinit(&b->range_del);
    filter_builder_deinit(&b->filter);
    shale_buf *bufs[] = {&b->out, &b->last_key, &b->sep, &b->handle_enc, &b->delta_enc,
                         &b->cbuf, &b->tmp, &b->smallest, &b->largest};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        shale_buf_deinit(bufs[i]);
    sst_props_deinit(&b->props);
    free(b);
}

/* --- finishing ---------------------------------------------------------- */

static void write_filter(sst_builder *b, block_handle *h, bool *have)
{
    *have = false;
    if (!b->use_filter || b->rc != SHALE_OK)
        return;
    b->props.num_filter_entries = filter_builder_num_entries(&b->filter);
    b->tmp.len = 0;
    if (filter_builder_finish(&b->filter, &b->tmp) && shale_buf_ok(&b->tmp)) {
        write_block(b, shale_buf_slice(&b->tmp), false, h);
        b->props.filter_size = h->size;
        *have = true;
    } else if (b->filter.failed || !shale_buf_ok(&b->tmp)) {
        fail_nomem(b);
    }
}

static void write_index(sst_builder *b, block_handle *h)
{
    block_builder *ib = b->key_plus_seq ? &b->index_internal : &b->index_user;
    slice raw = block_builder_finish(ib);
    if (check_memory(b) != SHALE_OK)
        return;
    b->props.index_size = raw.len + BLOCK_TRAILER_LEN;
    b->props.index_key_is_user_key = b->key_plus_seq ? 0 : 1;
    b->props.index_value_is_delta_encoded = b->delta_index ? 1 : 0;
    write_block(b, raw, true, h);   /* RocksDB's enable_index_compression */
}

static void add_meta(block_builder *meta, shale_buf *scratch, const char *name, block_handle h)
{
    scratch->len = 0;
    block_handle_encode(scratch, h);
    block_builder_add(meta, slice_from_str(name), shale_buf_slice(scratch), slice_make(NULL, 0));
}

/* Properties, metaindex (names in bytewise order) and footer. */
static void write_tail(sst_builder *b, const block_handle *filter, const block_handle *range_del,
                       block_handle index)
{
    block_handle props_h, meta_h;
    b->tmp.len = 0;
    int rc = sst_props_encode(&b->props, &b->tmp, &b->err);
    if (rc != SHALE_OK) {
        fail(b, rc);
        return;
    }
    write_block(b, shale_buf_slice(&b->tmp), false, &props_h);

    block_builder meta;
    block_builder_init(&meta, 1, false);
    if (filter != NULL)
        add_meta(&meta, &b->handle_enc, META_BUILTIN_FULL_FILTER, *filter);
    add_meta(&meta, &b->handle_enc, META_PROPERTIES, props_h);
    if (range_del != NULL)
        add_meta(&meta, &b->handle_enc, META_RANGE_DEL, *range_del);
    slice raw = block_builder_finish(&meta);
    if (!block_builder_ok(&meta) || !shale_buf_ok(&b->handle_enc))
        fail_nomem(b);
    write_block(b, raw, false, &meta_h);
    block_builder_deinit(&meta);

    sst_footer f = {.checksum = b->checksum, .format_version = (uint32_t)b->format_version,
                    .metaindex = meta_h, .index = index, .legacy = false};
    b->tmp.len = 0;
    sst_footer_encode(&b->tmp, &f);
    if (check_memory(b) == SHALE_OK)
        emit(b, b->tmp.data, b->tmp.len);
}

int sst_builder_finish(sst_builder *b, uint64_t *file_size, shale_err *err)
{
    int rc = check_writable(b, err);
    if (rc != SHALE_OK)
        return rc;
    b->finished = true;
    flush_data_block(b);
    if (b->pending_index && b->rc == SHALE_OK)
        add_index_entry(b, shale_buf_slice(&b->last_key), NULL);

    block_handle filter_h, index_h, range_h;
    bool have_filter;
    write_filter(b, &filter_h, &have_filter);
    write_index(b, &index_h);
    bool have_range = !block_builder_empty(&b->range_del);
    if (have_range && b->rc == SHALE_OK)
        write_block(b, block_builder_finish(&b->range_del), false, &range_h);
    if (b->rc == SHALE_OK)
        write_tail(b, have_filter ? &filter_h : NULL, have_range ? &range_h : NULL, index_h);
    flush_out(b);
    if (b->rc != SHALE_OK)
        return shale_err_copy(err, &b->err);
    if (file_size != NULL)
        *file_size = b->offset;
    return SHALE_OK;
}

void sst_builder_abandon(sst_builder *b)
{
    b->out.len = 0;
    if (b->rc == SHALE_OK)
        fail(b, SHALE_INVALID(&b->err, "table building abandoned"));
}

/* --- accessors ---------------------------------------------------------- */

int sst_builder_status(const sst_builder *b, shale_err *err)
{
    return b->rc == SHALE_OK ? SHALE_OK : shale_err_copy(err, &b->err);
}

uint64_t sst_builder_num_entries(const sst_builder *b) { return b->props.num_entries; }
uint64_t sst_builder_num_range_dels(const sst_builder *b) { return b->props.num_range_deletions; }
uint64_t sst_builder_file_size(const sst_builder *b) { return b->offset; }
slice sst_builder_smallest(const sst_builder *b) { return shale_buf_slice(&b->smallest); }
slice sst_builder_largest(const sst_builder *b) { return shale_buf_slice(&b->largest); }
const sst_props *sst_builder_props(const sst_builder *b) { return &b->props; }

uint64_t sst_builder_smallest_seqno(const sst_builder *b)
{
    return b->props.num_entries == 0 ? 0 : b->smallest_seqno;
}

uint64_t sst_builder_largest_seqno(const sst_builder *b) { return b->largest_seqno; }
