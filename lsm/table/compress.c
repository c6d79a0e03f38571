/* lsm/table/compress.c: LZ4, Snappy and ZSTD block codecs in RocksDB's
 * framing (compress.h; rocksdb-format.md §6.4).
 *
 * Every decoder bounds the uncompressed size it is told against what the
 * codec can possibly produce from the stored bytes before allocating, so a
 * damaged size cannot cause a huge allocation:
 *   LZ4     about 255x (one literal-length byte per 255 output bytes)
 *   Snappy  under 22x (a 3-byte copy emits at most 64 bytes); we allow 32x
 *   ZSTD    32768x (a 4-byte RLE block emits up to 128 KiB); and when the
 *           frame header states its content size, exactly that size
 * The encoders call the libraries the way RocksDB 7.8.3 does (LZ4's default
 * acceleration, snappy::RawCompress, ZSTD level 3 with no dictionary), so
 * RocksDB reads what we write and the blocks compress the same. */
#include "lsm/table/compress.h"

#include <lz4.h>
#include <stdint.h>

#ifdef SHALE_HAVE_SNAPPY
#include <snappy-c.h>
#endif
#ifdef SHALE_HAVE_ZSTD
#include <zstd.h>
#endif

#include "lsm/table/format.h"
#include "lsm/util/coding.h"
#include "lsm/util/err.h"

#define LZ4_MAX_RATIO 255
#define SNAPPY_MAX_RATIO 32
#define ZSTD_MAX_RATIO 32768
/* RocksDB's ZSTD level for CompressionOptions::kDefaultCompressionLevel:
 * zstd's own default (ZSTD_CLEVEL_DEFAULT). */
#define ZSTD_ROCKSDB_LEVEL 3

bool compress_supported(int type)
{
    switch (type) {
    case COMPRESSION_NONE:
    case COMPRESSION_LZ4:
        return true;
#ifdef SHALE_HAVE_SNAPPY
    case COMPRESSION_SNAPPY:
        return true;
#endif
#ifdef SHALE_HAVE_ZSTD
    case COMPRESSION_ZSTD:
        return true;
#endif
    default:
        return false;
    }
}

bool uncompress_supported(int type)
{
    switch (type) {
    case COMPRESSION_LZ4HC:
        return true;
#ifdef SHALE_HAVE_ZSTD
    case COMPRESSION_ZSTD_NOT_FINAL:
        return true;
#endif
    default:
        return compress_supported(type);
    }
}

/* --- encoders: append the stored form to out; false on failure --------- */

static bool lz4_encode(slice raw, shale_buf *out)
{
    if (raw.len > (size_t)LZ4_MAX_INPUT_SIZE)
        return false;
    int bound = LZ4_compressBound((int)raw.len);
    shale_buf_put_varint32(out, (uint32_t)raw.len);
    if (!shale_buf_reserve(out, (size_t)bound))
        return false;
    int n = LZ4_compress_default(raw.data, out->data + out->len, (int)raw.len, bound);
    if (n <= 0)
        return false;
    out->len += (size_t)n;
    return true;
}

#ifdef SHALE_HAVE_SNAPPY
static bool snappy_encode(slice raw, shale_buf *out)
{
    size_t cap = snappy_max_compressed_length(raw.len);
    if (!shale_buf_reserve(out, cap))
        return false;
    size_t n = cap;
    if (snappy_compress(raw.data, raw.len, out->data + out->len, &n) != SNAPPY_OK)
        return false;
    out->len += n;
    return true;
}
#endif

#ifdef SHALE_HAVE_ZSTD
static bool zstd_encode(slice raw, shale_buf *out)
{
    if ((uint64_t)raw.len > UINT32_MAX)
        return false;
    size_t cap = ZSTD_compressBound(raw.len);
    shale_buf_put_varint32(out, (uint32_t)raw.len);
    if (!shale_buf_reserve(out, cap))
        return false;
    /* TODO: reuse a context per builder; one per block costs an allocation. */
    size_t n = ZSTD_compress(out->data + out->len, cap, raw.data, raw.len, ZSTD_ROCKSDB_LEVEL);
    if (ZSTD_isError(n) || n == 0)
        return false;
    out->len += n;
    return true;
}
#endif

bool compress_block(int type, slice raw, shale_buf *out)
{
    shale_buf_clear(out);
    bool ok;
    switch (type) {
    case COMPRESSION_LZ4: ok = lz4_encode(raw, out); break;
#ifdef SHALE_HAVE_SNAPPY
    case COMPRESSION_SNAPPY: ok = snappy_encode(raw, out); break;
#endif
#ifdef SHALE_HAVE_ZSTD
    case COMPRESSION_ZSTD: ok = zstd_encode(raw, out); break;
#endif
    default: ok = false; break;
    }
    return ok && shale_buf_ok(out) && out->len < raw.len - raw.len / 8;
}

/* --- decoders: out is cleared; each bounds the claimed size first ------- */

/* Makes room for raw_len bytes in out (at least 1, so data is non-NULL). */
static int reserve_raw(shale_buf *out, size_t raw_len, shale_err *err)
{
    return shale_buf_reserve(out, raw_len == 0 ? 1 : raw_len) ? SHALE_OK : SHALE_NOMEM(err);
}

static int lz4_decode(slice in, shale_buf *out, shale_err *err)
{
    uint32_t raw_len;
    if (!get_varint32(&in, &raw_len))
        return SHALE_CORRUPT(err, "bad LZ4 size prefix");
    if ((uint64_t)raw_len > (uint64_t)in.len * LZ4_MAX_RATIO + 16 ||
        raw_len > LZ4_MAX_INPUT_SIZE || in.len > (size_t)LZ4_MAX_INPUT_SIZE)
        return SHALE_CORRUPT(err, "LZ4 block claims %u bytes from %zu", raw_len, in.len);
    int rc = reserve_raw(out, raw_len, err);
    if (rc != SHALE_OK)
        return rc;
    int n = LZ4_decompress_safe(in.data, out->data, (int)in.len, (int)raw_len);
    if (n < 0 || (uint32_t)n != raw_len)
        return SHALE_CORRUPT(err, "LZ4 block does not decompress");
    out->len = raw_len;
    return SHALE_OK;
}

#ifdef SHALE_HAVE_SNAPPY
static int snappy_decode(slice in, shale_buf *out, shale_err *err)
{
    size_t raw_len;
    if (snappy_uncompressed_length(in.data, in.len, &raw_len) != SNAPPY_OK)
        return SHALE_CORRUPT(err, "bad Snappy length header");
    if ((uint64_t)raw_len > (uint64_t)in.len * SNAPPY_MAX_RATIO || raw_len > UINT32_MAX)
        return SHALE_CORRUPT(err, "Snappy block claims %zu bytes from %zu", raw_len, in.len);
    int rc = reserve_raw(out, raw_len, err);
    if (rc != SHALE_OK)
        return rc;
    size_t n = raw_len;
    if (snappy_uncompress(in.data, in.len, out->data, &n) != SNAPPY_OK || n != raw_len)
        return SHALE_CORRUPT(err, "Snappy block does not decompress");
    out->len = raw_len;
    return SHALE_OK;
}
#endif

#ifdef SHALE_HAVE_ZSTD
/* The prefix and the frame header must agree, and the size must be one
 * the stored bytes can produce. */
static int zstd_check_size(slice in, uint32_t raw_len, shale_err *err)
{
    unsigned long long framed = ZSTD_getFrameContentSize(in.data, in.len);
    if (framed == ZSTD_CONTENTSIZE_ERROR)
        return SHALE_CORRUPT(err, "ZSTD block has no valid frame header");
    if (framed != ZSTD_CONTENTSIZE_UNKNOWN && framed != raw_len)
        return SHALE_CORRUPT(err, "ZSTD block claims %u bytes but its frame holds %llu", raw_len,
                             framed);
    if ((uint64_t)raw_len > (uint64_t)in.len * ZSTD_MAX_RATIO)
        return SHALE_CORRUPT(err, "ZSTD block claims %u bytes from %zu", raw_len, in.len);
    return SHALE_OK;
}

static int zstd_decode(slice in, shale_buf *out, shale_err *err)
{
    uint32_t raw_len;
    if (!get_varint32(&in, &raw_len))
        return SHALE_CORRUPT(err, "bad ZSTD size prefix");
    int rc = zstd_check_size(in, raw_len, err);
    if (rc == SHALE_OK)
        rc = reserve_raw(out, raw_len, err);
    if (rc != SHALE_OK)
        return rc;
    size_t n = ZSTD_decompress(out->data, raw_len, in.data, in.len);
    if (ZSTD_isError(n) || n != raw_len)
        return SHALE_CORRUPT(err, "ZSTD block does not decompress%s%s",
                             ZSTD_isError(n) ? ": " : "",
                             ZSTD_isError(n) ? ZSTD_getErrorName(n) : "");
    out->len = raw_len;
    return SHALE_OK;
}
#endif

int uncompress_block(int type, slice stored, shale_buf *out, shale_err *err)
{
    shale_buf_clear(out);
    switch (type) {
    case COMPRESSION_NONE:
        shale_buf_append_slice(out, stored);
        return shale_buf_ok(out) ? SHALE_OK : SHALE_NOMEM(err);
    case COMPRESSION_LZ4:
    case COMPRESSION_LZ4HC:
        return lz4_decode(stored, out, err);
#ifdef SHALE_HAVE_SNAPPY
    case COMPRESSION_SNAPPY:
        return snappy_decode(stored, out, err);
#endif
#ifdef SHALE_HAVE_ZSTD
    case COMPRESSION_ZSTD:
    case COMPRESSION_ZSTD_NOT_FINAL:
        return zstd_decode(stored, out, err);
#endif
    default:
        return SHALE_UNSUPPORTED(err, "%s compression is not supported by this build",
                                 compression_type_name(type));
    }
}
