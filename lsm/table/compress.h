/* lsm/table/compress.h: block compression as RocksDB stores it
 * (format_version >= 2): LZ4 and LZ4HC blocks are a varint32 of the
 * uncompressed size followed by one LZ4 block (not a frame).  Other codecs
 * are refused with SHALE_NOT_SUPPORTED naming the codec. */
#ifndef LSM_TABLE_COMPRESS_H
#define LSM_TABLE_COMPRESS_H

#include <stdbool.h>

#include "lsm/util/buf.h"
#include "lsm/util/slice.h"
#include "shale/err.h"

/* Whether this build can write / read blocks of this type. */
bool compress_supported(int type);
bool uncompress_supported(int type);

/* Compresses raw into out (cleared first) with `type`.  Returns true when the
 * result should be stored: RocksDB keeps a compressed block only if it saves
 * at least 1/8 of the raw size.  False means "store raw" (also on any codec
 * failure or no memory, which only costs space). */
bool compress_block(int type, slice raw, shale_buf *out);

/* Uncompresses a stored block of `type` into out (cleared first).
 * SHALE_CORRUPTION when the bytes do not decode or claim an impossible size
 * (more than 255x the stored size, LZ4's limit), SHALE_NOT_SUPPORTED for
 * codecs this build lacks, SHALE_NO_MEMORY. */
int uncompress_block(int type, slice stored, shale_buf *out, shale_err *err);

#endif
