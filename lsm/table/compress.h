/* lsm/table/compress.h: block compression as RocksDB 7.8.3 stores it
 * (format_version >= 2; rocksdb-format.md §6.4):
 *   LZ4, LZ4HC    varint32 uncompressed size, then one LZ4 block (not a frame)
 *   Snappy        raw Snappy (it carries its own length), no prefix
 *   ZSTD          varint32 uncompressed size, then one zstd frame
 *                 (ZSTDNotFinal, 0x40, is read the same way)
 * Snappy and ZSTD are present only when the build found libsnappy /
 * libzstd (SHALE_HAVE_SNAPPY, SHALE_HAVE_ZSTD); without them, and for the
 * other codecs, blocks are refused with SHALE_NOT_SUPPORTED naming the
 * codec. */
#ifndef LSM_TABLE_COMPRESS_H
#define LSM_TABLE_COMPRESS_H

#include <stdbool.h>

#include "lsm/util/buf.h"
#include "lsm/util/slice.h"
#include "shale/err.h"

/* Whether this build can write / read blocks of this type. */
bool compress_supported(int type);
bool uncompress_supported(int type);

/* Compresses raw into out (cleared first) with `type`, at the codec's
 * default level (ZSTD: 3, what RocksDB uses for its default level).
 * Returns true when the result should be stored: RocksDB keeps a compressed
 * block only if it saves at least 1/8 of the raw size.  False means "store
 * raw" (also on any codec failure or no memory, which only costs space). */
bool compress_block(int type, slice raw, shale_buf *out);

/* Uncompresses a stored block of `type` into out (cleared first).
 *   SHALE_CORRUPTION     the bytes do not decode, or claim a size the codec
 *                        cannot reach from the stored bytes (LZ4: 255x,
 *                        Snappy: 32x, ZSTD: 32768x or the frame's own size)
 *   SHALE_NOT_SUPPORTED  a codec this build lacks; the message names it
 *   SHALE_NO_MEMORY */
int uncompress_block(int type, slice stored, shale_buf *out, shale_err *err);

#endif
