/* lsm/table/sst_builder.h: writes one block-based table (RocksDB format,
 * rocksdb-format.md §6) from internal keys added in increasing order.  Used
 * by the public SST writer (sst_file_writer.c) and by flush and compaction.
 *
 * File order (§6.1): data blocks, [filter], index, [range-del], properties,
 * metaindex, footer.  Index: binary search, one entry per data block, keyed
 * by a shortened separator; user-key separators for format_version >= 3
 * unless two adjacent blocks share a boundary user key (then the whole index
 * uses internal keys and the properties say so); delta-encoded handles for
 * format_version >= 4.  Data and index blocks may be compressed; filter,
 * properties, metaindex and range-del blocks never are.
 *
 * Ownership: the builder borrows `file` (the caller opens, syncs and closes
 * it) and copies every string of the options.  Output is buffered and
 * appended in large chunks.  Errors are sticky: after the first failure
 * every call returns it and writes nothing more.
 * Thread-safety: one thread at a time. */
#ifndef LSM_TABLE_SST_BUILDER_H
#define LSM_TABLE_SST_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/table/properties.h"
#include "lsm/util/slice.h"
#include "shale/env.h"
#include "shale/err.h"
#include "shale/table.h"

/* How index separators are shortened (RocksDB's IndexShorteningMode). */
enum sst_index_shortening {
    SST_NO_SHORTENING = 0,                 /* each block's last key */
    SST_SHORTEN_SEPARATORS = 1,            /* RocksDB's default: last block unshortened */
    SST_SHORTEN_SEPARATORS_AND_SUCCESSOR = 2,  /* last block: a short successor */
};

/* The public options object (include/shale/table.h), defined here so the
 * engine can read it. */
struct shale_table_options {
    size_t block_size;
    int block_restart_interval;
    int index_block_restart_interval;
    int format_version;
    int checksum;                  /* enum shale_checksum_type */
    double bloom_bits_per_key;
    bool whole_key_filtering;
    int block_size_deviation;
};

void table_options_init(shale_table_options *o);
/* SHALE_INVALID_ARGUMENT naming the first field out of range. */
int table_options_check(const shale_table_options *o, shale_err *err);

typedef struct sst_builder_options {
    shale_table_options table;
    int compression;               /* enum compression_type */
    int index_shortening;          /* enum sst_index_shortening */
    /* Identity and properties.  Strings are copied; NULL = omitted. */
    const char *db_id;             /* rocksdb.creating.db.identity */
    const char *db_session_id;
    const char *db_host_id;        /* NULL: the host name */
    uint64_t column_family_id;
    const char *column_family_name;
    const char *merge_operator_name;   /* NULL: "nullptr" */
    uint64_t creation_time;        /* oldest ancestor time, seconds */
    uint64_t oldest_key_time;
    uint64_t file_creation_time;   /* written only when > 0 */
    uint64_t original_file_number; /* written only when > 0 */
    bool external_file;            /* external_sst_file.version 2, global_seqno 0 */
} sst_builder_options;

/* Table options at their defaults, no compression, RocksDB's default
 * shortening, column family 0 "default", everything else empty. */
void sst_builder_options_init(sst_builder_options *o);

typedef struct sst_builder sst_builder;

/* Starts a table at offset 0 of `file` (borrowed; must stay open until
 * finish or abandon).  SHALE_INVALID_ARGUMENT for options out of range,
 * SHALE_NOT_SUPPORTED for a compression this build cannot write,
 * SHALE_NO_MEMORY.  On failure *out is NULL. */
int sst_builder_new(shale_file *file, const sst_builder_options *opts, sst_builder **out,
                    shale_err *err);
void sst_builder_free(sst_builder *b);   /* NULL-safe */

/* Adds a point entry.  REQUIRES nothing of the caller beyond the contract
 * checked here: ikey is a valid internal key of a data-block type, strictly
 * greater than the previous one in internal-key order; otherwise
 * SHALE_INVALID_ARGUMENT and nothing changes (not sticky). */
int sst_builder_add(sst_builder *b, slice ikey, slice value, shale_err *err);

/* Adds a range tombstone [user_key(start_ikey), end_user_key) with the
 * sequence number of start_ikey, whose type must be VT_RANGE_DELETION.
 * Tombstones go to their own block in the order added. */
int sst_builder_add_range_del(sst_builder *b, slice start_ikey, slice end_user_key,
                              shale_err *err);

/* Writes the rest of the table and flushes every buffered byte to the file
 * (no sync).  *file_size (if not NULL) gets the table's size. */
int sst_builder_finish(sst_builder *b, uint64_t *file_size, shale_err *err);

/* Stops building: buffered output is dropped; later calls fail.  The
 * caller removes the file. */
void sst_builder_abandon(sst_builder *b);

/* The first error met (copied into *err), or SHALE_OK. */
int sst_builder_status(const sst_builder *b, shale_err *err);

/* Entries so far: point entries plus range tombstones. */
uint64_t sst_builder_num_entries(const sst_builder *b);
uint64_t sst_builder_num_range_dels(const sst_builder *b);
/* Bytes produced so far (written + buffered); the final size after finish. */
uint64_t sst_builder_file_size(const sst_builder *b);
/* File bounds as internal keys, including range tombstones (§5.3): a
 * tombstone's start with its own sequence, its end as (end, 2^56-1, 0x0F).
 * Empty slices while the table is empty.  Valid until the next add or free. */
slice sst_builder_smallest(const sst_builder *b);
slice sst_builder_largest(const sst_builder *b);
uint64_t sst_builder_smallest_seqno(const sst_builder *b);
uint64_t sst_builder_largest_seqno(const sst_builder *b);
/* The properties as written (complete after finish). */
const sst_props *sst_builder_props(const sst_builder *b);

#endif
