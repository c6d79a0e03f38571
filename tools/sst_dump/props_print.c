/* tools/sst_dump/props_print.c: the "Table Properties:" block of
 * `sst_dump --show_properties` and of the raw dump, line for line as
 * RocksDB 7.8.3 prints it (TableProperties::ToString in
 * table/table_properties.cc), so diffs against RocksDB's output are empty.
 *
 * Facts this follows:
 *  - numbers print as decimal (std::to_string); averages as "%f";
 *  - empty strings print "N/A", except DB identity / session / host, which
 *    print as stored (possibly empty);
 *  - column family ID 0x7fffffff (SstFileWriter files) or absent is "N/A";
 *  - "(estimated) table size" is data + index + filter size, as RocksDB sums
 *    it (it never looks at the file size);
 *  - "unique ID" is derived from db id, session id and original file number
 *    exactly as table/unique_id.cc does, so it matches for every file;
 *  - "Raw user collected properties" are the names RocksDB does not map to a
 *    field, plus rocksdb.deleted.keys and rocksdb.merge.operands (kept there
 *    for backward compatibility), in bytewise name order, value in hex. */
#include "tools/sst_dump/sst_dump.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "lsm/util/coding.h"

/* Property names RocksDB decodes into TableProperties fields; the others
 * are "user collected". */
static const char *const predefined_names[] = {
    "rocksdb.original.file.number", "rocksdb.data.size", "rocksdb.index.size",
    "rocksdb.index.partitions", "rocksdb.top-level.index.size", "rocksdb.index.key.is.user.key",
    "rocksdb.index.value.is.delta.encoded", "rocksdb.filter.size", "rocksdb.raw.key.size",
    "rocksdb.raw.value.size", "rocksdb.num.data.blocks", "rocksdb.num.entries",
    "rocksdb.num.filter_entries", "rocksdb.num.range-deletions", "rocksdb.format.version",
    "rocksdb.fixed.key.length", "rocksdb.column.family.id", "rocksdb.creation.time",
    "rocksdb.oldest.key.time", "rocksdb.file.creation.time",
    "rocksdb.sample_for_compression.slow.data.size",
    "rocksdb.sample_for_compression.fast.data.size", "rocksdb.creating.db.identity",
    "rocksdb.creating.session.identity", "rocksdb.creating.host.identity",
    "rocksdb.filter.policy", "rocksdb.column.family.name", "rocksdb.comparator",
    "rocksdb.merge.operator", "rocksdb.prefix.extractor.name", "rocksdb.property.collectors",
    "rocksdb.compression", "rocksdb.compression_options", "rocksdb.seqno.time.map",
};

static bool is_user_collected(const char *name)
{
    /* These two are fields too, but RocksDB also lists them as user ones. */
    if (strcmp(name, "rocksdb.deleted.keys") == 0 || strcmp(name, "rocksdb.merge.operands") == 0)
        return true;
    for (size_t i = 0; i < sizeof predefined_names / sizeof predefined_names[0]; i++)
        if (strcmp(name, predefined_names[i]) == 0)
            return false;
    return true;
}

/* --- unique ID (table/unique_id.cc semantics) ---------------------------- */

/* Base-36 digits, either case, as RocksDB's ParseBaseChars<36>. */
static bool parse_base36(const char *s, size_t n, uint64_t *v)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        *v *= 36;
        if (c >= '0' && c <= '9')
            *v += (uint64_t)(c - '0');
        else if (c >= 'A' && c <= 'Z')
            *v += (uint64_t)(c - 'A' + 10);
        else if (c >= 'a' && c <= 'z')
            *v += (uint64_t)(c - 'a' + 10);
        else
            return false;
    }
    return true;
}

/* A session id is 13..24 base-36 chars: the last 12 carry the low 62 bits. */
static bool decode_session_id(const char *sid, uint64_t *upper, uint64_t *lower)
{
    size_t len = strlen(sid);
    uint64_t a = 0, b = 0;
    if (len < 13 || len > 24 || !parse_base36(sid, len - 12, &a) ||
        !parse_base36(sid + len - 12, 12, &b))
        return false;
    *upper = a >> 2;
    *lower = (b & (UINT64_MAX >> 2)) | (a << 62);
    return true;
}

/* Full 64x64 -> 128 product, portable. */
static void mul_64x64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a_lo = (uint32_t)a, a_hi = a >> 32, b_lo = (uint32_t)b, b_hi = b >> 32;
    uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    *lo = (mid << 32) | (uint32_t)ll;
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static uint64_t avalanche(uint64_t h)
{
    h ^= h >> 37;
    h *= UINT64_C(0x165667919E3779F9);
    return h ^ (h >> 32);
}

/* RocksDB's BijectiveHash2x64 with seed 0 (XXH3's 9-to-16-byte 128-bit
 * path applied to the two words). */
static void bijective_hash(uint64_t in_hi, uint64_t in_lo, uint64_t *out_hi, uint64_t *out_lo)
{
    const uint64_t flip_lo = UINT64_C(0x59973f0033362349);
    const uint64_t flip_hi = UINT64_C(0xc202797692d63d58);
    uint64_t hi, lo;
    mul_64x64(in_lo ^ in_hi ^ flip_lo, UINT64_C(0x9E3779B185EBCA87), &hi, &lo);
    lo += UINT64_C(0x3c0000000000000);
    in_hi ^= flip_hi;
    hi += in_hi + (uint64_t)(uint32_t)in_hi * UINT64_C(0x85EBCA76);
    lo ^= __builtin_bswap64(hi);
    uint64_t hi2, lo2;
    mul_64x64(lo, UINT64_C(0xC2B2AE3D27D4EB4F), &hi2, &lo2);
    hi2 += hi * UINT64_C(0xC2B2AE3D27D4EB4F);
    *out_lo = avalanche(lo2);
    *out_hi = avalanche(hi2);
}

bool sstd_unique_id(const sst_props *p, char buf[34])
{
    const char *db_id = p->db_id, *sid = p->db_session_id;
    uint64_t s_upper, s_lower;
    if (db_id == NULL || db_id[0] == '\0' || p->original_file_number == 0 || sid == NULL ||
        sid[0] == '\0' || !decode_session_id(sid, &s_upper, &s_lower))
        return false;
    XXH128_hash_t h = XXH3_128bits_withSeed(db_id, strlen(db_id), s_upper);
    uint64_t internal0 = s_lower, internal1 = h.high64 ^ p->original_file_number;
    /* Internal -> external form: offsets that map all-zero to itself. */
    uint64_t ext_hi, ext_lo;
    bijective_hash(internal1 + UINT64_C(17391078804906429400),
                   internal0 + UINT64_C(6417269962128484497), &ext_hi, &ext_lo);
    char bytes[16];
    enc_fixed64(bytes, ext_lo);
    enc_fixed64(bytes + 8, ext_hi);
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 8)
            buf[o++] = '-';
        buf[o++] = hex[(unsigned char)bytes[i] >> 4];
        buf[o++] = hex[(unsigned char)bytes[i] & 0xf];
    }
    buf[o] = '\0';
    return true;
}

/* --- ToString ------------------------------------------------------------ */

typedef struct prop_out {
    shale_buf *b;
    const char *prop_delim, *kv_delim;
} prop_out;

static void put_str(prop_out *o, const char *name, const char *value)
{
    shale_buf_append_str(o->b, name);
    shale_buf_append_str(o->b, o->kv_delim);
    shale_buf_append_str(o->b, value);
    shale_buf_append_str(o->b, o->prop_delim);
}

static void put_u64(prop_out *o, const char *name, uint64_t v)
{
    char num[24];
    snprintf(num, sizeof num, "%" PRIu64, v);
    put_str(o, name, num);
}

static void put_double(prop_out *o, const char *name, double v)
{
    char num[64];
    snprintf(num, sizeof num, "%f", v);
    put_str(o, name, num);
}

/* A string property: "N/A" when absent or empty. */
static void put_name(prop_out *o, const char *name, const char *v)
{
    put_str(o, name, v == NULL || v[0] == '\0' ? "N/A" : v);
}

/* rocksdb.seqno.time.map: varint count, then delta-encoded (seqno, time)
 * varint pairs; shown as "seq->time," per pair, "N/A" if malformed. */
static void put_seqno_time(prop_out *o, const sst_props *p)
{
    shale_buf s = SHALE_BUF_INIT;
    const char *raw = p->seqno_to_time_mapping;
    slice in = slice_make(raw, raw == NULL ? 0 : strlen(raw));
    /* The string field stops at a NUL; the raw list has the true length. */
    for (size_t i = 0; i < p->num_raw; i++)
        if (strcmp(p->raw[i].name, "rocksdb.seqno.time.map") == 0)
            in = slice_make(p->raw[i].value, p->raw[i].value_len);
    uint64_t count = 0, seq = 0, time = 0;
    bool ok = in.len == 0 || get_varint64(&in, &count);
    for (uint64_t i = 0; ok && i < count; i++) {
        uint64_t ds, dt;
        ok = get_varint64(&in, &ds) && get_varint64(&in, &dt);
        if (ok) {
            seq += ds;
            time += dt;
            char pair[48];
            snprintf(pair, sizeof pair, "%" PRIu64 "->%" PRIu64 ",", seq, time);
            shale_buf_append_str(&s, pair);
        }
    }
    shale_buf_append_byte(&s, 0);
    put_str(o, "Sequence number to time mapping", ok && shale_buf_ok(&s) ? s.data : "N/A");
    shale_buf_deinit(&s);
}

static void put_sizes(prop_out *o, const sst_props *p)
{
    double n = (double)p->num_entries;
    put_u64(o, "# data blocks", p->num_data_blocks);
    put_u64(o, "# entries", p->num_entries);
    put_u64(o, "# deletions", p->num_deletions);
    put_u64(o, "# merge operands", p->num_merge_operands);
    put_u64(o, "# range deletions", p->num_range_deletions);
    put_u64(o, "raw key size", p->raw_key_size);
    put_double(o, "raw average key size", p->num_entries != 0 ? (double)p->raw_key_size / n : 0.0);
    put_u64(o, "raw value size", p->raw_value_size);
    put_double(o, "raw average value size",
               p->num_entries != 0 ? (double)p->raw_value_size / n : 0.0);
    put_u64(o, "data block size", p->data_size);
    char label[80];
    snprintf(label, sizeof label, "index block size (user-key? %d, delta-value? %d)",
             (int)p->index_key_is_user_key, (int)p->index_value_is_delta_encoded);
    put_u64(o, label, p->index_size);
    if (p->index_partitions != 0) {
        put_u64(o, "# index partitions", p->index_partitions);
        put_u64(o, "top-level index size", p->top_level_index_size);
    }
    put_u64(o, "filter block size", p->filter_size);
    put_u64(o, "# entries for filter", p->num_filter_entries);
    put_u64(o, "(estimated) table size", p->data_size + p->index_size + p->filter_size);
}

static void put_names(prop_out *o, const sst_props *p)
{
    put_name(o, "filter policy name", p->filter_policy_name);
    put_name(o, "prefix extractor name", p->prefix_extractor_name);
    if (!p->has_column_family_id || p->column_family_id == PROP_UNKNOWN_CF_ID)
        put_str(o, "column family ID", "N/A");
    else
        put_u64(o, "column family ID", p->column_family_id);
    put_name(o, "column family name", p->column_family_name);
    put_name(o, "comparator name", p->comparator_name);
    put_name(o, "merge operator name", p->merge_operator_name);
    put_name(o, "property collectors names", p->property_collectors_names);
    put_name(o, "SST file compression algo", p->compression_name);
    put_name(o, "SST file compression options", p->compression_options);
}

static void put_identity(prop_out *o, const sst_props *p)
{
    put_u64(o, "creation time", p->creation_time);
    put_u64(o, "time stamp of earliest key", p->oldest_key_time);
    put_u64(o, "file creation time", p->file_creation_time);
    put_u64(o, "slow compression estimated data size", p->slow_compression_estimated_data_size);
    put_u64(o, "fast compression estimated data size", p->fast_compression_estimated_data_size);
    put_str(o, "DB identity", p->db_id != NULL ? p->db_id : "");
    put_str(o, "DB session identity", p->db_session_id != NULL ? p->db_session_id : "");
    put_str(o, "DB host id", p->db_host_id != NULL ? p->db_host_id : "");
    put_u64(o, "original file number", p->original_file_number);
    char uid[34];
    put_str(o, "unique ID", sstd_unique_id(p, uid) ? uid : "N/A");
}

void sstd_props_to_string(shale_buf *out, const sst_props *p, const char *prop_delim,
                          const char *kv_delim)
{
    prop_out o = {out, prop_delim, kv_delim};
    put_sizes(&o, p);
    put_names(&o, p);
    put_identity(&o, p);
    put_seqno_time(&o, p);
}

void sstd_print_properties(FILE *out, const sst_props *p)
{
    shale_buf b = SHALE_BUF_INIT;
    shale_buf_append_str(&b, "Table Properties:\n------------------------------\n  ");
    sstd_props_to_string(&b, p, "\n  ", ": ");
    shale_buf_append_str(&b, "Raw user collected properties\n------------------------------\n");
    for (size_t i = 0; i < p->num_raw; i++) {
        if (!is_user_collected(p->raw[i].name))
            continue;
        shale_buf_append_str(&b, "  # ");
        shale_buf_append_str(&b, p->raw[i].name);
        shale_buf_append_str(&b, ": 0x");
        sstd_append_hex(&b, slice_make(p->raw[i].value, p->raw[i].value_len));
        shale_buf_append_byte(&b, '\n');
    }
    if (shale_buf_ok(&b))
        fwrite(b.data, 1, b.len, out);
    else
        fputs("Out of memory: while printing table properties\n", stderr);
    shale_buf_deinit(&b);
}
