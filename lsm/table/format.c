/* lsm/table/format.c: block handles, the footer and block checksums.  The
 * byte layouts are documented in format.h. */
#include "lsm/table/format.h"

#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* stack-allocated XXH32/XXH64 states */
#include <xxhash.h>

#include "lsm/util/coding.h"
#include "lsm/util/crc32c.h"
#include "lsm/util/err.h"
#include "lsm/util/hash.h"

void block_handle_encode(shale_buf *b, block_handle h)
{
    shale_buf_put_varint64(b, h.offset);
    shale_buf_put_varint64(b, h.size);
}

bool block_handle_decode(slice *in, block_handle *h)
{
    slice save = *in;
    if (get_varint64(in, &h->offset) && get_varint64(in, &h->size))
        return true;
    *in = save;
    return false;
}

void sst_footer_encode(shale_buf *b, const sst_footer *f)
{
    size_t start = b->len;
    shale_buf_append_byte(b, (uint8_t)f->checksum);
    block_handle_encode(b, f->metaindex);
    block_handle_encode(b, f->index);
    while (b->len - start < 41 && shale_buf_ok(b))
        shale_buf_append_byte(b, 0);
    shale_buf_put_fixed32(b, f->format_version);
    shale_buf_put_fixed64(b, SST_MAGIC);
}

static int decode_handles(slice s, sst_footer *f, shale_err *err)
{
    if (!block_handle_decode(&s, &f->metaindex) || !block_handle_decode(&s, &f->index))
        return SHALE_CORRUPT(err, "bad block handle in footer");
    return SHALE_OK;
}

static int footer_decode(slice tail, sst_footer *f, shale_err *err)
{
    memset(f, 0, sizeof *f);
    if (tail.len < SST_FOOTER_MIN_LEN)
        return SHALE_CORRUPT(err, "file is too short (%zu bytes) to be an SST file", tail.len);
    uint64_t magic = dec_fixed64(tail.data + tail.len - 8);
    if (magic == SST_LEGACY_MAGIC) {
        f->legacy = true;
        f->checksum = CHECKSUM_CRC32C;
        f->format_version = 0;
        return decode_handles(slice_make(tail.data + tail.len - SST_LEGACY_FOOTER_LEN, 40), f, err);
    }
    if (magic == SST_PLAIN_MAGIC || magic == SST_LEGACY_PLAIN_MAGIC)
        return SHALE_UNSUPPORTED(err, "plain table files are not supported");
    if (magic == SST_CUCKOO_MAGIC)
        return SHALE_UNSUPPORTED(err, "cuckoo table files are not supported");
    if (magic != SST_MAGIC)
        return SHALE_CORRUPT(err, "bad table magic number 0x%016llx", (unsigned long long)magic);
    if (tail.len < SST_FOOTER_LEN)
        return SHALE_CORRUPT(err, "file is too short (%zu bytes) to be an SST file", tail.len);
    const char *p = tail.data + tail.len - SST_FOOTER_LEN;
    f->checksum = (unsigned char)p[0];
    f->format_version = dec_fixed32(p + 41);
    if (f->format_version > SST_FORMAT_VERSION_MAX_READ)
        return SHALE_UNSUPPORTED(err, "SST format_version %u is newer than this build reads (%d)",
                                 f->format_version, SST_FORMAT_VERSION_MAX_READ);
    if (!checksum_type_valid(f->checksum))
        return SHALE_CORRUPT(err, "unknown checksum type %d in footer", f->checksum);
    return decode_handles(slice_make(p + 1, 40), f, err);
}

int sst_footer_decode(slice tail, sst_footer *f, shale_err *err)
{
    int rc = footer_decode(tail, f, err);
#ifdef SHALE_FUZZING
    /* Fuzz-only build: every table reads as if its footer declared no
     * checksum, so block trailers are not verified and mutated inputs reach
     * the block parsers.  A normal build never defines SHALE_FUZZING. */
    if (rc == SHALE_OK)
        f->checksum = CHECKSUM_NONE;
#endif
    return rc;
}

uint32_t block_checksum(int checksum_type, const char *data, size_t n, uint8_t type_byte)
{
    switch (checksum_type) {
    case CHECKSUM_CRC32C: {
        uint32_t crc = crc32c_extend(crc32c_value(data, n), &type_byte, 1);
        return crc32c_mask(crc);
    }
    case CHECKSUM_XXHASH: {
        /* XXH32 over the block and the type byte, as one stream. */
        XXH32_state_t st;
        XXH32_reset(&st, 0);
        XXH32_update(&st, data, n);
        XXH32_update(&st, &type_byte, 1);
        return XXH32_digest(&st);
    }
    case CHECKSUM_XXHASH64: {
        XXH64_state_t st;
        XXH64_reset(&st, 0);
        XXH64_update(&st, data, n);
        XXH64_update(&st, &type_byte, 1);
        return (uint32_t)XXH64_digest(&st);
    }
    case CHECKSUM_XXH3:
        return (uint32_t)hash_xxh3_64(data, n) ^ ((uint32_t)type_byte * XXH3_TYPE_MULTIPLIER);
    default:
        return 0;
    }
}

bool checksum_type_valid(int t) { return t >= CHECKSUM_NONE && t <= CHECKSUM_XXH3; }

const char *checksum_type_name(int t)
{
    static const char *const names[] = {"kNoChecksum", "kCRC32c", "kxxHash", "kxxHash64",
                                        "kXXH3"};
    return checksum_type_valid(t) ? names[t] : "unknown";
}

static const struct {
    int type;
    const char *name;
} compression_names[] = {
    {COMPRESSION_NONE, "NoCompression"}, {COMPRESSION_SNAPPY, "Snappy"},
    {COMPRESSION_ZLIB, "Zlib"},          {COMPRESSION_BZIP2, "BZip2"},
    {COMPRESSION_LZ4, "LZ4"},            {COMPRESSION_LZ4HC, "LZ4HC"},
    {COMPRESSION_XPRESS, "Xpress"},      {COMPRESSION_ZSTD, "ZSTD"},
    {COMPRESSION_ZSTD_NOT_FINAL, "ZSTDNotFinal"},
};

const char *compression_type_name(int t)
{
    for (size_t i = 0; i < sizeof compression_names / sizeof compression_names[0]; i++)
        if (compression_names[i].type == t)
            return compression_names[i].name;
    return "Unknown";
}

int compression_type_from_name(slice name)
{
    for (size_t i = 0; i < sizeof compression_names / sizeof compression_names[0]; i++)
        if (slice_equal(name, slice_from_str(compression_names[i].name)))
            return compression_names[i].type;
    return -1;
}
