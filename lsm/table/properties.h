/* lsm/table/properties.h: the SST properties block ("rocksdb.properties").
 * A generic block with one restart point; keys are property names, strictly
 * increasing bytewise.  Values are varint64 ("u64"), raw strings, or fixed
 * ints for the few listed below.  Names and encodings are RocksDB's
 * (table/table_properties.cc) and never change.  See docs/format.md. */
#ifndef LSM_TABLE_PROPERTIES_H
#define LSM_TABLE_PROPERTIES_H

#include <stdbool.h>
#include <stdint.h>

#include "lsm/util/buf.h"
#include "lsm/util/slice.h"
#include "shale/err.h"

#define PROP_UNKNOWN_CF_ID 0x7fffffffu  /* rocksdb.column.family.id of SstFileWriter files */

/* Owns every string in it (malloc'd, NUL-terminated; NULL = absent).
 * Release with sst_props_deinit(). */
typedef struct sst_props {
    /* varint64 properties */
    uint64_t num_data_blocks;
    uint64_t num_entries;
    uint64_t num_filter_entries;
    uint64_t num_deletions;          /* rocksdb.deleted.keys: point deletes + range tombstones */
    uint64_t num_merge_operands;
    uint64_t num_range_deletions;
    uint64_t raw_key_size;
    uint64_t raw_value_size;
    uint64_t data_size;              /* data blocks including trailers */
    uint64_t index_size;             /* index block + 5 */
    uint64_t index_partitions;
    uint64_t top_level_index_size;
    uint64_t index_key_is_user_key;
    uint64_t index_value_is_delta_encoded;
    uint64_t filter_size;
    uint64_t format_version;         /* rocksdb.format.version: 0 for block-based */
    uint64_t fixed_key_len;
    uint64_t column_family_id;
    uint64_t creation_time;
    uint64_t oldest_key_time;
    uint64_t file_creation_time;
    uint64_t slow_compression_estimated_data_size;
    uint64_t fast_compression_estimated_data_size;
    uint64_t original_file_number;
    /* fixed-width properties */
    uint32_t index_type;             /* rocksdb.block.based.table.index.type, fixed32 */
    uint32_t external_sst_file_version;   /* fixed32; 0 = absent */
    uint64_t external_sst_file_global_seqno; /* fixed64 */
    /* which optional properties were present when decoded (or are to be written) */
    bool has_index_type, has_external_version, has_global_seqno;
    bool has_index_key_is_user_key, has_index_value_is_delta_encoded;
    bool has_column_family_id, has_file_creation_time, has_original_file_number;
    /* strings */
    char *db_id;                     /* rocksdb.creating.db.identity */
    char *db_session_id;             /* rocksdb.creating.session.identity */
    char *db_host_id;                /* rocksdb.creating.host.identity */
    char *column_family_name;
    char *filter_policy_name;
    char *comparator_name;
    char *merge_operator_name;
    char *prefix_extractor_name;
    char *property_collectors_names;
    char *compression_name;
    char *compression_options;
    char *seqno_to_time_mapping;
    char *whole_key_filtering;       /* "0"/"1" */
    char *prefix_filtering;          /* "0"/"1" */
    /* every (name, value) pair as stored, in file order, for tools and for
     * properties this struct has no field for.  Decoder-filled only. */
    struct sst_prop_raw {
        char *name;
        char *value;
        size_t value_len;
    } *raw;
    size_t num_raw;
} sst_props;

void sst_props_init(sst_props *p);
void sst_props_deinit(sst_props *p);   /* NULL-safe */
/* Sets a string field (copies s; NULL clears).  False on no memory. */
bool sst_props_set_str(char **field, const char *s);

/* Encodes the properties as block entries (name, value) in sorted order into
 * the generic block format with one restart point.  Strings that are NULL
 * are omitted; the has_* flags decide the optional numeric ones. */
int sst_props_encode(const sst_props *p, shale_buf *out, shale_err *err);

/* Decodes a properties block (already checksum-verified, uncompressed).
 * Unsorted or duplicate names, bad varints or entries that run past the
 * block are SHALE_CORRUPTION.  On error *p is left initialised (deinit it). */
int sst_props_decode(slice block, sst_props *p, shale_err *err);

#endif
