/* lsm/util/xxph3.c: hash_xxph3_64(), the 64-bit hash RocksDB feeds to its
 * Bloom and Ribbon filters (rocksdb::Hash64 -> XXPH3_64bits, seed 0).
 *
 * Why not libxxhash: RocksDB froze a preview of XXH3 (xxHash 0.7.2, renamed
 * "XXPH3" in util/xxph3.h) before XXH3 was finalised, and its filters on
 * disk depend on those exact bits.  The released XXH3 (0.8) differs for
 * every input length, so a filter probed with it loses nearly every key
 * (rocksdb-format.md §7.3).  This file is our own scalar implementation of
 * that frozen algorithm for seed 0 and the default secret; it must never
 * change.  Block checksums keep using real XXH3 (hash.c).
 *
 * Shape of the algorithm, by input length:
 *   0          fold(secret[0..8) * PRIME64_2)   (RocksDB's change: not 0)
 *   1..3       three bytes and the length in one word, keyed, multiplied
 *   4..8       first and last 4 bytes as one word, keyed, mixed
 *   9..16      first and last 8 bytes, keyed, 128-bit multiply folded
 *   17..128    pairs of 16-byte lanes from both ends (mix16)
 *   129..240   eight mix16 rounds, avalanche, then the rest at offset 3
 *   > 240      8 x 64-bit accumulators over 64-byte stripes, scrambled
 *              after every 16 stripes, merged at secret offset 11
 * All reads are little-endian and unaligned-safe. */
#include "lsm/util/hash.h"

#include <stdint.h>

#include "lsm/util/coding.h"

#define P32_1 UINT32_C(0x9E3779B1)
#define P32_2 UINT32_C(0x85EBCA77)
#define P32_3 UINT32_C(0xC2B2AE3D)
#define P64_1 UINT64_C(0x9E3779B185EBCA87)
#define P64_2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define P64_3 UINT64_C(0x165667B19E3779F9)
#define P64_4 UINT64_C(0x85EBCA77C2B2AE63)
#define P64_5 UINT64_C(0x27D4EB2F165667C5)

#define SECRET_LEN 192        /* the default secret */
#define SECRET_SIZE_MIN 136   /* the smallest secret XXH3 0.7.2 allows */
#define STRIPE_LEN 64
#define SECRET_CONSUME_RATE 8 /* secret bytes advanced per stripe */
#define ACC_NB 8
#define MIDSIZE_MAX 240
#define MIDSIZE_START_OFFSET 3
#define MIDSIZE_LAST_OFFSET 17
#define LAST_STRIPE_SECRET_OFFSET 7
#define MERGE_SECRET_OFFSET 11

/* xxHash's default secret (kSecret): 192 pseudo-random bytes. */
static const unsigned char secret[SECRET_LEN] = {
    0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
    0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
    0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
    0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
    0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
    0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
    0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
    0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
    0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
    0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
    0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
    0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
};

static inline uint64_t rd64(const unsigned char *p) { return dec_fixed64((const char *)p); }
static inline uint32_t rd32(const unsigned char *p) { return dec_fixed32((const char *)p); }

/* The 128-bit product of a and b, its two halves xored together. */
static inline uint64_t mul128_fold64(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
    unsigned __int128 p = (unsigned __int128)a * b;
    return (uint64_t)p ^ (uint64_t)(p >> 64);
#else
    uint64_t lo_lo = (a & 0xffffffffu) * (b & 0xffffffffu);
    uint64_t hi_lo = (a >> 32) * (b & 0xffffffffu);
    uint64_t lo_hi = (a & 0xffffffffu) * (b >> 32);
    uint64_t hi_hi = (a >> 32) * (b >> 32);
    uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi;
    uint64_t upper = (hi_lo >> 32) + (cross >> 32) + hi_hi;
    uint64_t lower = (cross << 32) | (lo_lo & 0xffffffffu);
    return lower ^ upper;
#endif
}

static inline uint64_t avalanche(uint64_t h)
{
    h ^= h >> 37;
    h *= P64_3;
    h ^= h >> 32;
    return h;
}

static uint64_t hash_len_1to3(const unsigned char *in, size_t len)
{
    uint32_t c1 = in[0], c2 = in[len >> 1], c3 = in[len - 1];
    uint32_t combined = c1 | (c2 << 8) | (c3 << 16) | ((uint32_t)len << 24);
    uint64_t keyed = (uint64_t)combined ^ rd32(secret);
    return avalanche(keyed * P64_1);
}

static uint64_t hash_len_4to8(const unsigned char *in, size_t len)
{
    uint64_t lo = rd32(in), hi = rd32(in + len - 4);
    uint64_t keyed = (lo | (hi << 32)) ^ rd64(secret);
    uint64_t mix = len + ((keyed ^ (keyed >> 51)) * P32_1);
    return avalanche((mix ^ (mix >> 47)) * P64_2);
}

static uint64_t hash_len_9to16(const unsigned char *in, size_t len)
{
    uint64_t lo = rd64(in) ^ rd64(secret);
    uint64_t hi = rd64(in + len - 8) ^ rd64(secret + 8);
    return avalanche(len + (lo + hi) + mul128_fold64(lo, hi));
}

static uint64_t hash_len_0to16(const unsigned char *in, size_t len)
{
    if (len > 8)
        return hash_len_9to16(in, len);
    if (len >= 4)
        return hash_len_4to8(in, len);
    if (len > 0)
        return hash_len_1to3(in, len);
    /* RocksDB's change to the preview: not 0 for the empty string. */
    return mul128_fold64(rd64(secret), P64_2);
}

/* 16 input bytes against 16 secret bytes (seed 0: the secret unchanged). */
static inline uint64_t mix16(const unsigned char *in, const unsigned char *sec)
{
    return mul128_fold64(rd64(in) ^ rd64(sec), rd64(in + 8) ^ rd64(sec + 8));
}

/* Lanes taken in pairs from the front and the back, so every byte counts
 * even though they overlap for lengths that are not multiples of 32. */
static uint64_t hash_len_17to128(const unsigned char *in, size_t len)
{
    uint64_t acc = len * P64_1;
    if (len > 32) {
        if (len > 64) {
            if (len > 96) {
                acc += mix16(in + 48, secret + 96);
                acc += mix16(in + len - 64, secret + 112);
            }
            acc += mix16(in + 32, secret + 64);
            acc += mix16(in + len - 48, secret + 80);
        }
        acc += mix16(in + 16, secret + 32);
        acc += mix16(in + len - 32, secret + 48);
    }
    acc += mix16(in, secret);
    acc += mix16(in + len - 16, secret + 16);
    return avalanche(acc);
}

static uint64_t hash_len_129to240(const unsigned char *in, size_t len)
{
    uint64_t acc = len * P64_1;
    size_t rounds = len / 16;
    for (size_t i = 0; i < 8; i++)
        acc += mix16(in + 16 * i, secret + 16 * i);
    acc = avalanche(acc);
    for (size_t i = 8; i < rounds; i++)
        acc += mix16(in + 16 * i, secret + 16 * (i - 8) + MIDSIZE_START_OFFSET);
    acc += mix16(in + len - 16, secret + SECRET_SIZE_MIN - MIDSIZE_LAST_OFFSET);
    return avalanche(acc);
}

/* --- long inputs: the accumulator loop ---------------------------------- */

/* One 64-byte stripe into the eight accumulators (the 64-bit-wide variant:
 * each lane adds its own input word, not its neighbour's). */
static void accumulate_stripe(uint64_t acc[ACC_NB], const unsigned char *in,
                              const unsigned char *sec)
{
    for (int i = 0; i < ACC_NB; i++) {
        uint64_t v = rd64(in + 8 * i);
        uint64_t k = v ^ rd64(sec + 8 * i);
        acc[i] += v;
        acc[i] += (k & 0xffffffffu) * (k >> 32);
    }
}

static void scramble(uint64_t acc[ACC_NB], const unsigned char *sec)
{
    for (int i = 0; i < ACC_NB; i++) {
        uint64_t a = acc[i];
        a ^= a >> 47;
        a ^= rd64(sec + 8 * i);
        acc[i] = a * P32_1;
    }
}

static void accumulate(uint64_t acc[ACC_NB], const unsigned char *in, size_t stripes)
{
    for (size_t n = 0; n < stripes; n++)
        accumulate_stripe(acc, in + n * STRIPE_LEN, secret + n * SECRET_CONSUME_RATE);
}

static uint64_t merge_accs(const uint64_t acc[ACC_NB], const unsigned char *sec, uint64_t start)
{
    uint64_t r = start;
    for (int i = 0; i < ACC_NB; i += 2)
        r += mul128_fold64(acc[i] ^ rd64(sec + 8 * i), acc[i + 1] ^ rd64(sec + 8 * i + 8));
    return avalanche(r);
}

static uint64_t hash_long(const unsigned char *in, size_t len)
{
    uint64_t acc[ACC_NB] = {P32_3, P64_1, P64_2, P64_3, P64_4, P32_2, P64_5, P32_1};
    const size_t stripes_per_block = (SECRET_LEN - STRIPE_LEN) / SECRET_CONSUME_RATE;  /* 16 */
    const size_t block_len = STRIPE_LEN * stripes_per_block;                          /* 1024 */
    size_t blocks = len / block_len;
    for (size_t b = 0; b < blocks; b++) {
        accumulate(acc, in + b * block_len, stripes_per_block);
        scramble(acc, secret + SECRET_LEN - STRIPE_LEN);
    }
    size_t rest = len - blocks * block_len;
    accumulate(acc, in + blocks * block_len, rest / STRIPE_LEN);
    if (len % STRIPE_LEN != 0)   /* the last, partial stripe, re-read whole */
        accumulate_stripe(acc, in + len - STRIPE_LEN,
                          secret + SECRET_LEN - STRIPE_LEN - LAST_STRIPE_SECRET_OFFSET);
    return merge_accs(acc, secret + MERGE_SECRET_OFFSET, (uint64_t)len * P64_1);
}

uint64_t hash_xxph3_64(const void *data, size_t n)
{
    const unsigned char *in = data;
    if (n <= 16)
        return hash_len_0to16(in, n);
    if (n <= 128)
        return hash_len_17to128(in, n);
    if (n <= MIDSIZE_MAX)
        return hash_len_129to240(in, n);
    return hash_long(in, n);
}
