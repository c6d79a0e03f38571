/* lsm/table/compress.c: LZ4 block compression with RocksDB's size prefix.
 * The size bound on decode keeps a damaged prefix from causing a huge
 * allocation: LZ4 cannot expand data more than about 255 times. */
#include "lsm/table/compress.h"

#include <lz4.h>

#include "lsm/table/format.h"
#include "lsm/util/coding.h"
#include "lsm/util/err.h"

#define LZ4_MAX_RATIO 255

bool compress_supported(int type)
{
    return type == COMPRESSION_NONE || type == COMPRESSION_LZ4;
}

bool uncompress_supported(int type)
{
    return type == COMPRESSION_NONE || type == COMPRESSION_LZ4 || type == COMPRESSION_LZ4HC;
}

bool compress_block(int type, slice raw, shale_buf *out)
{
    shale_buf_clear(out);
    if (type != COMPRESSION_LZ4 || raw.len > (size_t)LZ4_MAX_INPUT_SIZE)
        return false;
    int bound = LZ4_compressBound((int)raw.len);
    shale_buf_put_varint32(out, (uint32_t)raw.len);
    if (!shale_buf_reserve(out, (size_t)bound))
        return false;
    int n = LZ4_compress_default(raw.data, out->data + out->len, (int)raw.len, bound);
    if (n <= 0)
        return false;
    out->len += (size_t)n;
    return out->len < raw.len - raw.len / 8;
}

int uncompress_block(int type, slice stored, shale_buf *out, shale_err *err)
{
    shale_buf_clear(out);
    if (type != COMPRESSION_LZ4 && type != COMPRESSION_LZ4HC) {
        if (type == COMPRESSION_NONE) {
            shale_buf_append_slice(out, stored);
            return shale_buf_ok(out) ? SHALE_OK : SHALE_NOMEM(err);
        }
        return SHALE_UNSUPPORTED(err, "%s compression is not supported by this build",
                                 compression_type_name(type));
    }
    uint32_t raw_len;
    slice in = stored;
    if (!get_varint32(&in, &raw_len))
        return SHALE_CORRUPT(err, "bad LZ4 size prefix");
    if ((uint64_t)raw_len > (uint64_t)in.len * LZ4_MAX_RATIO + 16 || raw_len > LZ4_MAX_INPUT_SIZE)
        return SHALE_CORRUPT(err, "LZ4 block claims %u bytes from %zu", raw_len, in.len);
    if (!shale_buf_reserve(out, raw_len == 0 ? 1 : raw_len))
        return SHALE_NOMEM(err);
    int n = LZ4_decompress_safe(in.data, out->data, (int)in.len, (int)raw_len);
    if (n < 0 || (uint32_t)n != raw_len)
        return SHALE_CORRUPT(err, "LZ4 block does not decompress");
    out->len = raw_len;
    return SHALE_OK;
}
