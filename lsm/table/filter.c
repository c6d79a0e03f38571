/* lsm/table/filter.c: building and probing RocksDB's full-file filters
 * (rocksdb-format.md §7).
 *
 * FastLocalBloom (format_version >= 5), a body of `len` bytes (a multiple of
 * 64) and a 5-byte trailer:
 *   offset len+0, size 1: 0xFF, "a newer Bloom"
 *   offset len+1, size 1: 0x00, sub-implementation FastLocalBloom
 *   offset len+2, size 1: num_probes (low 5 bits); top 3 bits 0 = 64-byte lines
 *   offset len+3, size 2: zero
 * A key's 64-bit XXPH3 hash picks one 64-byte line with its low half
 * (FastRange32) and num_probes bits in it from its high half: one cache
 * miss per probe set.
 *
 * Legacy Bloom (format_version < 5), num_lines (odd) lines of 64 bytes:
 *   offset len+0, size 1: num_probes (1..127 on read)
 *   offset len+1, size 4: fixed32 num_lines
 * A key's hash32 (seed 0xbc9f1d34) picks line h % num_lines; its bits are
 * h, h+delta, ... (delta = rotr(h, 17)) modulo the line's bit count.
 *
 * Both builders store one hash per distinct key and set the bits in
 * finish(): bits are ORed, so order does not matter and the bytes equal
 * RocksDB's for the same keys and settings.  The reader never trusts the
 * trailer: any layout it cannot bound-check becomes "always may match",
 * which costs a read but never loses a key. */
#include "lsm/table/filter.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/coding.h"
#include "lsm/util/hash.h"

#define FILTER_TRAILER_LEN 5
#define LEGACY_BLOOM_SEED 0xbc9f1d34u
#define LEGACY_LINE_BYTES 64u
#define FAST_BLOOM_MARKER (-1)
#define FAST_BLOOM_SUB_IMPL 0
#define FAST_BLOOM_MAX_LEN UINT64_C(0xffffffc0)  /* bits must be indexable by u32 */
#define LEGACY_MAX_BITS UINT64_C(0xffff0000)
#define GOLDEN32 0x9e3779b9u

/* --- sizing, as RocksDB's BloomLikeFilterPolicy does it ------------------ */

/* bits_per_key clamped like RocksDB: < 0.5 means no filter, at most 100. */
static int millibits_per_key(double bits_per_key)
{
    if (!(bits_per_key >= 0.5))   /* also NaN */
        return 0;
    if (bits_per_key < 1.0)
        bits_per_key = 1.0;
    else if (bits_per_key > 100.0)
        bits_per_key = 100.0;
    return (int)(bits_per_key * 1000.0 + 0.500001);
}

/* Probe count RocksDB picks for FastLocalBloom: the measured best for a
 * cache-local Bloom filter at each density (util/bloom_impl.h). */
static int fast_bloom_num_probes(int millibits)
{
    static const struct { int max_millibits, probes; } table[] = {
        {2080, 1},  {3580, 2},  {5100, 3},   {6640, 4},   {8300, 5},   {10070, 6},
        {11720, 7}, {14001, 8}, {16050, 9},  {18300, 10}, {22001, 11}, {25501, 12},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (millibits <= table[i].max_millibits)
            return table[i].probes;
    if (millibits > 50000)
        return 24;
    return (millibits - 1) / 2000 - 1;
}

static int legacy_num_probes(int whole_bits_per_key)
{
    int p = (int)(whole_bits_per_key * 0.69);   /* ~ln 2, rounded down */
    return p < 1 ? 1 : (p > 30 ? 30 : p);
}

/* --- building ----------------------------------------------------------- */

void filter_builder_init(filter_builder *b, double bits_per_key, int format_version)
{
    memset(b, 0, sizeof *b);
    b->bits_per_key = bits_per_key;
    b->format_version = format_version;
}

void filter_builder_deinit(filter_builder *b)
{
    if (b == NULL)
        return;
    free(b->hashes);
    memset(b, 0, sizeof *b);
}

static bool is_fast_bloom(const filter_builder *b) { return b->format_version >= 5; }

static uint64_t key_hash(const filter_builder *b, slice key)
{
    if (is_fast_bloom(b))
        return hash_xxph3_64(key.data, key.len);
    return hash32(key.data, key.len, LEGACY_BLOOM_SEED);
}

static bool grow(filter_builder *b)
{
    size_t cap = b->cap == 0 ? 256 : b->cap * 2;
    if (cap > SIZE_MAX / sizeof *b->hashes)
        return false;
    uint64_t *h = realloc(b->hashes, cap * sizeof *h);
    if (h == NULL)
        return false;
    b->hashes = h;
    b->cap = cap;
    return true;
}

void filter_builder_add(filter_builder *b, slice user_key)
{
    if (b->failed)
        return;
    uint64_t h = key_hash(b, user_key);
    if (b->num_hashes > 0 && h == b->last_hash)
        return;   /* the same key again (or an adjacent collision): same bits */
    if (b->num_hashes == b->cap && !grow(b)) {
        b->failed = true;
        return;
    }
    b->hashes[b->num_hashes++] = h;
    b->last_hash = h;
}

size_t filter_builder_num_entries(const filter_builder *b) { return b->num_hashes; }

static void fast_bloom_add(char *data, uint32_t len, int num_probes, uint64_t h)
{
    uint32_t h1 = (uint32_t)h, h2 = (uint32_t)(h >> 32);
    char *line = data + ((uint32_t)(((uint64_t)h1 * (len >> 6)) >> 32) << 6);
    for (int i = 0; i < num_probes; i++, h2 *= GOLDEN32) {
        uint32_t bit = h2 >> 23;   /* top 9 bits: 0..511 within the line */
        line[bit >> 3] |= (char)(1u << (bit & 7));
    }
}

/* Reserves the whole block in out, zeroed; NULL when memory ran out. */
static char *reserve_zeroed(shale_buf *out, size_t n)
{
    if (!shale_buf_reserve(out, n))
        return NULL;
    char *p = out->data + out->len;
    memset(p, 0, n);
    out->len += n;
    return p;
}

static bool finish_fast_bloom(const filter_builder *b, int millibits, shale_buf *out)
{
    uint64_t raw = ((uint64_t)b->num_hashes * (uint64_t)millibits + 7999) / 8000;
    if (raw > FAST_BLOOM_MAX_LEN)
        raw = FAST_BLOOM_MAX_LEN;
    uint32_t len = (uint32_t)((raw + 63) & ~UINT64_C(63));
    int num_probes = fast_bloom_num_probes(millibits);
    char *p = reserve_zeroed(out, (size_t)len + FILTER_TRAILER_LEN);
    if (p == NULL)
        return false;
    for (size_t i = 0; i < b->num_hashes; i++)
        fast_bloom_add(p, len, num_probes, b->hashes[i]);
    p[len] = (char)0xff;
    p[len + 1] = FAST_BLOOM_SUB_IMPL;
    p[len + 2] = (char)num_probes;   /* top 3 bits 0: 64-byte lines */
    return true;
}

static void legacy_add(char *data, uint32_t num_lines, int num_probes, uint32_t h)
{
    char *line = data + (size_t)(h % num_lines) * LEGACY_LINE_BYTES;
    uint32_t delta = (h >> 17) | (h << 15);
    for (int i = 0; i < num_probes; i++, h += delta) {
        uint32_t bit = h & (LEGACY_LINE_BYTES * 8 - 1);
        line[bit >> 3] |= (char)(1u << (bit & 7));
    }
}

static bool finish_legacy(const filter_builder *b, int millibits, shale_buf *out)
{
    int whole_bits = (millibits + 500) / 1000;
    uint64_t bits = (uint64_t)b->num_hashes * (uint64_t)whole_bits;
    if (bits > LEGACY_MAX_BITS)
        bits = LEGACY_MAX_BITS;
    uint32_t num_lines = (uint32_t)((bits + LEGACY_LINE_BYTES * 8 - 1) / (LEGACY_LINE_BYTES * 8));
    if (num_lines % 2 == 0)
        num_lines++;   /* odd, so more hash bits decide the line */
    size_t len = (size_t)num_lines * LEGACY_LINE_BYTES;
    int num_probes = legacy_num_probes(whole_bits);
    char *p = reserve_zeroed(out, len + FILTER_TRAILER_LEN);
    if (p == NULL)
        return false;
    for (size_t i = 0; i < b->num_hashes; i++)
        legacy_add(p, num_lines, num_probes, (uint32_t)b->hashes[i]);
    p[len] = (char)num_probes;
    enc_fixed32(p + len + 1, num_lines);
    return true;
}

static void builder_reset(filter_builder *b)
{
    b->num_hashes = 0;
    b->last_hash = 0;
    b->failed = false;
}

bool filter_builder_finish(filter_builder *b, shale_buf *out)
{
    int millibits = millibits_per_key(b->bits_per_key);
    bool ok = false;
    if (!b->failed && b->num_hashes > 0 && millibits > 0)
        ok = is_fast_bloom(b) ? finish_fast_bloom(b, millibits, out)
                              : finish_legacy(b, millibits, out);
    builder_reset(b);
    return ok;
}

/* --- reading ------------------------------------------------------------ */

/* Trailer 0xFF: FastLocalBloom if sub-implementation 0, 64-byte lines,
 * probes 1..30, reserved bytes zero and at least one whole line. */
static void init_fast_bloom(filter_reader *r, const unsigned char *t, uint32_t len)
{
    int log2_line = ((t[2] >> 5) & 7) + 6;
    int num_probes = t[2] & 31;
    if (num_probes < 1 || num_probes > 30 || t[3] != 0 || t[4] != 0)
        return;
    if (t[1] != FAST_BLOOM_SUB_IMPL || log2_line != 6 || len < 64)
        return;   /* len < 64 would put the only "line" past the end */
    r->kind = FILTER_FAST_LOCAL_BLOOM;
    r->len = len;
    r->num_probes = num_probes;
}

/* Trailer byte 1..127: legacy Bloom.  The line size is whatever the writer
 * used (len / num_lines) and must be a power of two. */
static void init_legacy(filter_reader *r, const unsigned char *t, uint32_t len)
{
    uint32_t num_lines = dec_fixed32((const char *)t + 1);
    if (num_lines == 0 || len % num_lines != 0)
        return;
    uint32_t line_bytes = len / num_lines;
    if ((line_bytes & (line_bytes - 1)) != 0)
        return;
    r->kind = FILTER_LEGACY_BLOOM;
    r->len = len;
    r->num_probes = t[0];
    r->num_lines = num_lines;
    r->line_bytes = line_bytes;
}

void filter_reader_init(filter_reader *r, slice block)
{
    memset(r, 0, sizeof *r);
    r->kind = FILTER_ALWAYS_TRUE;
    if (block.len <= FILTER_TRAILER_LEN) {
        r->kind = FILTER_ALWAYS_FALSE;
        return;
    }
    if (block.len - FILTER_TRAILER_LEN > UINT32_MAX)
        return;   /* no RocksDB filter is this big */
    uint32_t len = (uint32_t)(block.len - FILTER_TRAILER_LEN);
    const unsigned char *t = (const unsigned char *)block.data + len;
    r->data = block.data;
    int8_t marker = (int8_t)t[0];
    if (marker == FAST_BLOOM_MARKER)
        init_fast_bloom(r, t, len);
    else if (marker > 0)
        init_legacy(r, t, len);
    /* 0: "always true" by design; -2: Ribbon (not implemented); other
     * negatives: reserved.  All stay FILTER_ALWAYS_TRUE. */
}

static bool fast_bloom_may_match(const filter_reader *r, uint64_t h)
{
    uint32_t h1 = (uint32_t)h, h2 = (uint32_t)(h >> 32);
    const unsigned char *line = (const unsigned char *)r->data +
                                ((uint32_t)(((uint64_t)h1 * (r->len >> 6)) >> 32) << 6);
    for (int i = 0; i < r->num_probes; i++, h2 *= GOLDEN32) {
        uint32_t bit = h2 >> 23;
        if ((line[bit >> 3] & (1u << (bit & 7))) == 0)
            return false;
    }
    return true;
}

static bool legacy_may_match(const filter_reader *r, uint32_t h)
{
    const unsigned char *line = (const unsigned char *)r->data + (size_t)(h % r->num_lines) *
                                                                     r->line_bytes;
    /* line_bytes * 8 may exceed 2^32: a 64-bit mask keeps the shift
     * defined, and bit < line_bytes * 8 keeps the read inside the line. */
    uint64_t mask = (uint64_t)r->line_bytes * 8 - 1;
    uint32_t delta = (h >> 17) | (h << 15);
    for (int i = 0; i < r->num_probes; i++, h += delta) {
        uint64_t bit = h & mask;
        if ((line[bit >> 3] & (1u << (bit & 7))) == 0)
            return false;
    }
    return true;
}

bool filter_key_may_match(const filter_reader *r, slice user_key)
{
    switch (r->kind) {
    case FILTER_ALWAYS_FALSE:
        return false;
    case FILTER_FAST_LOCAL_BLOOM:
        return fast_bloom_may_match(r, hash_xxph3_64(user_key.data, user_key.len));
    case FILTER_LEGACY_BLOOM:
        return legacy_may_match(r, hash32(user_key.data, user_key.len, LEGACY_BLOOM_SEED));
    default:
        return true;
    }
}

const char *filter_kind_name(int kind)
{
    switch (kind) {
    case FILTER_ALWAYS_FALSE:
        return "Empty";
    case FILTER_FAST_LOCAL_BLOOM:
        return "FastLocalBloom";
    case FILTER_LEGACY_BLOOM:
        return "LegacyBloom";
    default:
        return "Ribbon/unknown";
    }
}
