/* include/shale/table.h: options of the block-based table format, the
 * on-disk layout of RocksDB's SST files.  Names and meanings are RocksDB's
 * BlockBasedTableOptions, so a configuration carries over one to one.
 *
 * The options object is opaque: create it with shale_table_options_new(),
 * change fields with the setters, free it with shale_table_options_free().
 * Setters do not validate: values are checked where the options are used
 * (e.g. shale_sst_writer_open() returns SHALE_INVALID_ARGUMENT naming the
 * bad field).
 *
 * Defaults equal RocksDB 7.8.3's, with one exception: the checksum is
 * CRC32C, which every RocksDB since 6.x reads, where RocksDB 7.8.3 itself
 * defaults to XXH3 (readable only by RocksDB >= 6.27).  Set
 * SHALE_CHECKSUM_XXH3 to match 7.8.3 exactly.
 *
 * Thread-safety: an options object may be read by many threads at once
 * (e.g. passed to several writers) but must not be changed meanwhile. */
#ifndef SHALE_TABLE_H
#define SHALE_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "shale/api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Block checksum types; the numbers are RocksDB's ChecksumType and are
 * stored in every file's footer. */
enum shale_checksum_type {
    SHALE_CHECKSUM_NONE = 0,
    SHALE_CHECKSUM_CRC32C = 1,
    SHALE_CHECKSUM_XXHASH = 2,
    SHALE_CHECKSUM_XXHASH64 = 3,
    SHALE_CHECKSUM_XXH3 = 4,
};

/* Block compression types; the numbers are RocksDB's CompressionType and
 * are stored in every block trailer.  shale reads and writes NO_COMPRESSION
 * and LZ4, and Snappy and ZSTD when built with libsnappy / libzstd (others
 * give SHALE_NOT_SUPPORTED naming the codec). */
enum shale_compression_type {
    SHALE_NO_COMPRESSION = 0x00,
    SHALE_SNAPPY_COMPRESSION = 0x01,
    SHALE_ZLIB_COMPRESSION = 0x02,
    SHALE_BZIP2_COMPRESSION = 0x03,
    SHALE_LZ4_COMPRESSION = 0x04,
    SHALE_LZ4HC_COMPRESSION = 0x05,
    SHALE_XPRESS_COMPRESSION = 0x06,
    SHALE_ZSTD_COMPRESSION = 0x07,
};

typedef struct shale_table_options shale_table_options;

/* shale_table_options_new(): a new options object with the defaults:
 * block_size 4096, block_restart_interval 16, index_block_restart_interval
 * 1, format_version 5, checksum CRC32C, bloom_bits_per_key 10,
 * whole_key_filtering true, block_size_deviation 10.
 * Returns NULL when out of memory.  Free with shale_table_options_free(). */
SHALE_API shale_table_options *shale_table_options_new(void);

/* shale_table_options_free(): releases o.  NULL is allowed. */
SHALE_API void shale_table_options_free(shale_table_options *o);

/* shale_table_options_set_block_size(): target size in bytes of an
 * uncompressed data block (default 4096).  A block is closed once it
 * reaches this size; one entry larger than it gets a block of its own.
 * Must be > 0. */
SHALE_API void shale_table_options_set_block_size(shale_table_options *o, size_t block_size);

/* shale_table_options_set_block_restart_interval(): data-block entries
 * between restart points, where a key is stored whole (default 16).  Must
 * be >= 1. */
SHALE_API void shale_table_options_set_block_restart_interval(shale_table_options *o,
                                                              int interval);

/* shale_table_options_set_index_block_restart_interval(): the same for the
 * index block (default 1).  Must be >= 1. */
SHALE_API void shale_table_options_set_index_block_restart_interval(shale_table_options *o,
                                                                    int interval);

/* shale_table_options_set_format_version(): the block-based table
 * format_version written, 2..5 (default 5).  3 adds user-key index
 * separators, 4 delta-encoded index values, 5 the FastLocalBloom filter
 * (earlier versions get the legacy Bloom filter). */
SHALE_API void shale_table_options_set_format_version(shale_table_options *o, int version);

/* shale_table_options_set_checksum(): an enum shale_checksum_type (default
 * SHALE_CHECKSUM_CRC32C; see the header comment). */
SHALE_API void shale_table_options_set_checksum(shale_table_options *o, int checksum);

/* shale_table_options_set_bloom_bits_per_key(): bits per key of the
 * whole-file Bloom filter (default 10, about 1% false positives); 0 writes
 * no filter.  Must be >= 0. */
SHALE_API void shale_table_options_set_bloom_bits_per_key(shale_table_options *o,
                                                          double bits_per_key);

/* shale_table_options_set_whole_key_filtering(): whether whole user keys
 * go into the filter (default true).  Without a prefix extractor, false
 * means the filter holds nothing and none is written. */
SHALE_API void shale_table_options_set_whole_key_filtering(shale_table_options *o, bool on);

/* shale_table_options_set_block_size_deviation(): a block is closed early,
 * when the next entry would push it past block_size, if it is already more
 * than (100 - deviation)% full (default 10; 0 turns this off).  0..100. */
SHALE_API void shale_table_options_set_block_size_deviation(shale_table_options *o,
                                                            int deviation);

#ifdef __cplusplus
}
#endif
#endif
