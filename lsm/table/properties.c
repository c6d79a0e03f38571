/* lsm/table/properties.c: decoding the properties block (rocksdb-format.md
 * §6.9) into sst_props.  Encoding lives in props_encode.c.
 *
 * The block is a generic block whose keys are property names, strictly
 * increasing.  One table maps each known name to its field and encoding
 * (varint64, fixed32, fixed64 or string); every pair, known or not, is also
 * kept in the raw list for tools.  A value that does not decode exactly is
 * Corruption: on a damaged file a wrong index or compression setting would
 * otherwise misread everything after it. */
#include "lsm/table/properties.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/table/block.h"
#include "lsm/util/coding.h"
#include "lsm/util/err.h"

enum prop_enc { ENC_U64, ENC_FIXED32, ENC_FIXED64, ENC_STR };

#define NO_FLAG ((size_t)-1)

struct prop_def {
    const char *name;
    int enc;          /* enum prop_enc */
    size_t field;     /* offsetof into sst_props */
    size_t has;       /* offsetof of the bool has_* flag, or NO_FLAG */
};

#define U64(n, f) {n, ENC_U64, offsetof(sst_props, f), NO_FLAG}
#define U64F(n, f, h) {n, ENC_U64, offsetof(sst_props, f), offsetof(sst_props, h)}
#define STR(n, f) {n, ENC_STR, offsetof(sst_props, f), NO_FLAG}

static const struct prop_def prop_defs[] = {
    {"rocksdb.block.based.table.index.type", ENC_FIXED32, offsetof(sst_props, index_type),
     offsetof(sst_props, has_index_type)},
    STR("rocksdb.block.based.table.prefix.filtering", prefix_filtering),
    STR("rocksdb.block.based.table.whole.key.filtering", whole_key_filtering),
    U64F("rocksdb.column.family.id", column_family_id, has_column_family_id),
    STR("rocksdb.column.family.name", column_family_name),
    STR("rocksdb.comparator", comparator_name),
    STR("rocksdb.compression", compression_name),
    STR("rocksdb.compression_options", compression_options),
    STR("rocksdb.creating.db.identity", db_id),
    STR("rocksdb.creating.host.identity", db_host_id),
    STR("rocksdb.creating.session.identity", db_session_id),
    U64("rocksdb.creation.time", creation_time),
    U64("rocksdb.data.size", data_size),
    U64("rocksdb.deleted.keys", num_deletions),
    {"rocksdb.external_sst_file.global_seqno", ENC_FIXED64,
     offsetof(sst_props, external_sst_file_global_seqno), offsetof(sst_props, has_global_seqno)},
    {"rocksdb.external_sst_file.version", ENC_FIXED32,
     offsetof(sst_props, external_sst_file_version), offsetof(sst_props, has_external_version)},
    U64F("rocksdb.file.creation.time", file_creation_time, has_file_creation_time),
    STR("rocksdb.filter.policy", filter_policy_name),
    U64("rocksdb.filter.size", filter_size),
    U64("rocksdb.fixed.key.length", fixed_key_len),
    U64("rocksdb.format.version", format_version),
    U64("rocksdb.index.key.is.user.key", index_key_is_user_key),
    U64("rocksdb.index.partitions", index_partitions),
    U64("rocksdb.index.size", index_size),
    U64("rocksdb.index.value.is.delta.encoded", index_value_is_delta_encoded),
    U64("rocksdb.merge.operands", num_merge_operands),
    STR("rocksdb.merge.operator", merge_operator_name),
    U64("rocksdb.num.data.blocks", num_data_blocks),
    U64("rocksdb.num.entries", num_entries),
    U64("rocksdb.num.filter_entries", num_filter_entries),
    U64("rocksdb.num.range-deletions", num_range_deletions),
    U64("rocksdb.oldest.key.time", oldest_key_time),
    U64F("rocksdb.original.file.number", original_file_number, has_original_file_number),
    STR("rocksdb.prefix.extractor.name", prefix_extractor_name),
    STR("rocksdb.property.collectors", property_collectors_names),
    U64("rocksdb.raw.key.size", raw_key_size),
    U64("rocksdb.raw.value.size", raw_value_size),
    U64("rocksdb.sample_for_compression.fast.data.size", fast_compression_estimated_data_size),
    U64("rocksdb.sample_for_compression.slow.data.size", slow_compression_estimated_data_size),
    STR("rocksdb.seqno.time.map", seqno_to_time_mapping),
    U64("rocksdb.top-level.index.size", top_level_index_size),
};

void sst_props_init(sst_props *p) { memset(p, 0, sizeof *p); }

void sst_props_deinit(sst_props *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < sizeof prop_defs / sizeof prop_defs[0]; i++)
        if (prop_defs[i].enc == ENC_STR)
            free(*(char **)((char *)p + prop_defs[i].field));
    for (size_t i = 0; i < p->num_raw; i++) {
        free(p->raw[i].name);
        free(p->raw[i].value);
    }
    free(p->raw);
    memset(p, 0, sizeof *p);
}

static char *dup_bytes(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d == NULL)
        return NULL;
    if (n > 0)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

bool sst_props_set_str(char **field, const char *s)
{
    char *d = NULL;
    if (s != NULL && (d = dup_bytes(s, strlen(s))) == NULL)
        return false;
    free(*field);
    *field = d;
    return true;
}

static const struct prop_def *find_def(slice name)
{
    size_t lo = 0, hi = sizeof prop_defs / sizeof prop_defs[0];
    while (lo < hi) {   /* prop_defs is sorted by name */
        size_t mid = (lo + hi) / 2;
        int c = slice_compare(slice_from_str(prop_defs[mid].name), name);
        if (c == 0)
            return &prop_defs[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int set_known(sst_props *p, const struct prop_def *d, slice v, shale_err *err)
{
    char *base = (char *)p;
    uint64_t u = 0;
    switch (d->enc) {
    case ENC_U64: {
        slice in = v;
        if (!get_varint64(&in, &u) || in.len != 0)
            return SHALE_CORRUPT(err, "bad varint value for property %s", d->name);
        memcpy(base + d->field, &u, sizeof u);
        break;
    }
    case ENC_FIXED32: {
        if (v.len != 4)
            return SHALE_CORRUPT(err, "property %s has %zu bytes, not 4", d->name, v.len);
        uint32_t x = dec_fixed32(v.data);
        memcpy(base + d->field, &x, sizeof x);
        break;
    }
    case ENC_FIXED64:
        if (v.len != 8)
            return SHALE_CORRUPT(err, "property %s has %zu bytes, not 8", d->name, v.len);
        u = dec_fixed64(v.data);
        memcpy(base + d->field, &u, sizeof u);
        break;
    default: {
        char *s = dup_bytes(v.data, v.len);
        if (s == NULL)
            return SHALE_NOMEM(err);
        char **f = (char **)(base + d->field);
        free(*f);
        *f = s;
    }
    }
    if (d->has != NO_FLAG)
        *(bool *)(base + d->has) = true;
    return SHALE_OK;
}

static int add_raw(sst_props *p, slice name, slice v, size_t *cap, shale_err *err)
{
    if (p->num_raw == *cap) {
        size_t ncap = *cap == 0 ? 48 : *cap * 2;
        struct sst_prop_raw *nr = realloc(p->raw, ncap * sizeof *nr);
        if (nr == NULL)
            return SHALE_NOMEM(err);
        p->raw = nr;
        *cap = ncap;
    }
    struct sst_prop_raw *r = &p->raw[p->num_raw];
    r->name = dup_bytes(name.data, name.len);
    r->value = dup_bytes(v.data, v.len);
    r->value_len = v.len;
    if (r->name == NULL || r->value == NULL) {
        free(r->name);
        free(r->value);
        return SHALE_NOMEM(err);
    }
    p->num_raw++;
    return SHALE_OK;
}

int sst_props_decode(slice contents, sst_props *p, shale_err *err)
{
    block b;
    int rc = block_init(&b, contents, err);
    if (rc != SHALE_OK)
        return rc;
    blk_iter it;
    blk_iter_init(&it, &b, BLK_CMP_BYTEWISE, false);
    size_t cap = 0;
    for (blk_iter_first(&it); rc == SHALE_OK && blk_iter_valid(&it); blk_iter_next(&it)) {
        slice name = blk_iter_key(&it), v = blk_iter_value(&it);
        if (p->num_raw > 0 &&
            slice_compare(slice_from_str(p->raw[p->num_raw - 1].name), name) >= 0) {
            rc = SHALE_CORRUPT(err, "properties unsorted");
            break;
        }
        if (memchr(name.data, '\0', name.len) != NULL) {
            rc = SHALE_CORRUPT(err, "property name holds a NUL byte");
            break;
        }
        const struct prop_def *d = find_def(name);
        if (d != NULL && (rc = set_known(p, d, v, err)) != SHALE_OK)
            break;
        rc = add_raw(p, name, v, &cap, err);
    }
    if (rc == SHALE_OK)
        rc = blk_iter_status(&it, err);
    blk_iter_deinit(&it);
    return rc;
}
