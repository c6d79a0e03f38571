/* lsm/table/format.h: on-disk constants and small structures of RocksDB's
 * block-based table (see docs/format.md and ../shared/docs/rocksdb-format.md
 * §6).  NEVER CHANGE these values: files on disk depend on them.
 *
 * File: data blocks, [filter], index, [range-del], properties, metaindex,
 * footer.  Every block is followed by a 5-byte trailer:
 *   offset 0, size 1: compression type of the stored bytes
 *   offset 1, size 4: fixed32 checksum over stored bytes || type byte
 * Footer (format_version 1..5), the last 53 bytes:
 *   offset 0,  size 1:   checksum type
 *   offset 1,  size <=40: metaindex handle, index handle (varints), zero pad
 *   offset 41, size 4:   fixed32 format_version
 *   offset 45, size 8:   fixed64 magic 0x88e241b785f4cff7
 * Legacy footer (format_version 0, LevelDB): 48 bytes, two handles padded to
 * 40 bytes, magic 0xdb4775248b80fb57, crc32c implied. */
#ifndef LSM_TABLE_FORMAT_H
#define LSM_TABLE_FORMAT_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include "lsm/util/buf.h"
#include "lsm/util/slice.h"
#include "shale/err.h"

#define SST_MAGIC UINT64_C(0x88e241b785f4cff7)
#define SST_LEGACY_MAGIC UINT64_C(0xdb4775248b80fb57)
#define SST_PLAIN_MAGIC UINT64_C(0x8242229663bf9564)
#define SST_LEGACY_PLAIN_MAGIC UINT64_C(0x4f3418eb7a8f13b8)
#define SST_CUCKOO_MAGIC UINT64_C(0x926789d0c5f17873)
#define SST_FOOTER_LEN 53
#define SST_LEGACY_FOOTER_LEN 48
#define SST_FOOTER_MIN_LEN SST_LEGACY_FOOTER_LEN
#define SST_FOOTER_MAX_LEN SST_FOOTER_LEN
#define BLOCK_TRAILER_LEN 5
#define BLOCK_HANDLE_MAX_LEN 20
#define XXH3_TYPE_MULTIPLIER 0x6b9083d9u

/* Formats this build writes and reads. */
#define SST_FORMAT_VERSION_DEFAULT 5
#define SST_FORMAT_VERSION_MIN_WRITE 2
#define SST_FORMAT_VERSION_MAX_WRITE 5
#define SST_FORMAT_VERSION_MAX_READ 5

static_assert(SST_FOOTER_LEN == 1 + 40 + 4 + 8, "footer layout");

enum checksum_type {
    CHECKSUM_NONE = 0,
    CHECKSUM_CRC32C = 1,
    CHECKSUM_XXHASH = 2,
    CHECKSUM_XXHASH64 = 3,
    CHECKSUM_XXH3 = 4,
};

enum compression_type {
    COMPRESSION_NONE = 0x00,
    COMPRESSION_SNAPPY = 0x01,
    COMPRESSION_ZLIB = 0x02,
    COMPRESSION_BZIP2 = 0x03,
    COMPRESSION_LZ4 = 0x04,
    COMPRESSION_LZ4HC = 0x05,
    COMPRESSION_XPRESS = 0x06,
    COMPRESSION_ZSTD = 0x07,
    COMPRESSION_ZSTD_NOT_FINAL = 0x40,
};

/* Metaindex names and property names that select behaviour. */
#define META_PROPERTIES "rocksdb.properties"
#define META_PROPERTIES_OLD "rocksdb.stats"
#define META_RANGE_DEL "rocksdb.range_del"
#define META_FULL_FILTER_PREFIX "fullfilter."
#define BUILTIN_FILTER_NAME "rocksdb.BuiltinBloomFilter"
#define META_BUILTIN_FULL_FILTER "fullfilter.rocksdb.BuiltinBloomFilter"

typedef struct block_handle {
    uint64_t offset;
    uint64_t size;   /* without the 5-byte trailer */
} block_handle;

typedef struct sst_footer {
    int checksum;          /* enum checksum_type */
    uint32_t format_version;
    block_handle metaindex;
    block_handle index;
    bool legacy;           /* the 48-byte LevelDB footer */
} sst_footer;

void block_handle_encode(shale_buf *b, block_handle h);
/* Consumes a handle from *in; false when truncated or malformed. */
bool block_handle_decode(slice *in, block_handle *h);

/* Appends the 53-byte footer (format_version >= 1). */
void sst_footer_encode(shale_buf *b, const sst_footer *f);
/* Decodes the footer from the last bytes of a file (`tail` holds the last
 * min(file size, 53) bytes).  SHALE_CORRUPTION on a bad magic, checksum type
 * or handle; SHALE_NOT_SUPPORTED for plain/cuckoo tables or a newer
 * format_version than this build reads. */
int sst_footer_decode(slice tail, sst_footer *f, shale_err *err);

/* The checksum stored in a block trailer: computed over data[0..n) followed
 * by the type byte, per checksum type (masked CRC32C; XXH3 with the type
 * folded in by multiplication; low 32 bits of XXH64; XXH32). */
uint32_t block_checksum(int checksum_type, const char *data, size_t n, uint8_t type_byte);
bool checksum_type_valid(int t);
/* RocksDB's names: "kNoChecksum", "kCRC32c", "kxxHash", "kxxHash64", "kXXH3". */
const char *checksum_type_name(int t);
/* RocksDB's property names: "NoCompression", "Snappy", "LZ4", ... */
const char *compression_type_name(int t);
/* Inverse of compression_type_name(); -1 if unknown. */
int compression_type_from_name(slice name);

#endif
