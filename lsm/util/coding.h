/* lsm/util/coding.h: RocksDB's primitive encodings.
 *   fixed16/32/64   little-endian, 2/4/8 bytes
 *   varint32/64     7 bits a byte, low group first, 0x80 = more follows;
 *                   at most 5 / 10 bytes
 *   varsigned64     zigzag, then varint64
 *   lp slice        varint32 length, then the bytes
 * Decoders take explicit limits and fail (NULL / false) on truncated or
 * over-long input; they never read past the limit. */
#ifndef LSM_UTIL_CODING_H
#define LSM_UTIL_CODING_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lsm/util/slice.h"

#define VARINT32_MAX_LEN 5
#define VARINT64_MAX_LEN 10

static inline void enc_fixed16(char *p, uint16_t v)
{
    p[0] = (char)(v & 0xff);
    p[1] = (char)(v >> 8);
}

static inline void enc_fixed32(char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (char)((v >> (8 * i)) & 0xff);
}

static inline void enc_fixed64(char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (char)((v >> (8 * i)) & 0xff);
}

static inline uint16_t dec_fixed16(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint16_t)(u[0] | (u[1] << 8));
}

static inline uint32_t dec_fixed32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

static inline uint64_t dec_fixed64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* Writes v at p (room for VARINT64_MAX_LEN bytes); returns the end. */
static inline char *enc_varint64(char *p, uint64_t v)
{
    unsigned char *u = (unsigned char *)p;
    while (v >= 0x80) {
        *u++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *u++ = (unsigned char)v;
    return (char *)u;
}

static inline char *enc_varint32(char *p, uint32_t v) { return enc_varint64(p, v); }

static inline int varint_length(uint64_t v)
{
    int n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline uint64_t zigzag_encode(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t zigzag_decode(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Decodes a varint64 from [p, limit); returns the byte after it, or NULL
 * when truncated or longer than 10 bytes. */
static inline const char *dec_varint64(const char *p, const char *limit, uint64_t *v)
{
    uint64_t result = 0;
    for (unsigned shift = 0; shift <= 63 && p < limit; shift += 7) {
        uint64_t byte = (unsigned char)*p++;
        result |= (byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) {
            *v = result;
            return p;
        }
    }
    return NULL;
}

/* Decodes a varint32 (at most 5 bytes, value < 2^32) from [p, limit). */
static inline const char *dec_varint32(const char *p, const char *limit, uint32_t *v)
{
    if (p < limit && ((unsigned char)*p & 0x80) == 0) { /* fast path: one byte */
        *v = (unsigned char)*p;
        return p + 1;
    }
    uint32_t result = 0;
    for (unsigned shift = 0; shift <= 28 && p < limit; shift += 7) {
        uint32_t byte = (unsigned char)*p++;
        if (shift == 28 && (byte & 0xf0) != 0)
            return NULL; /* value over 32 bits, or a sixth byte */
        result |= (byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) {
            *v = result;
            return p;
        }
    }
    return NULL;
}

/* Slice-consuming forms: on success advance *in and return true. */
static inline bool get_varint32(slice *in, uint32_t *v)
{
    if (in->len == 0)
        return false;
    const char *p = dec_varint32(in->data, in->data + in->len, v);
    if (p == NULL)
        return false;
    slice_skip(in, (size_t)(p - in->data));
    return true;
}

static inline bool get_varint64(slice *in, uint64_t *v)
{
    if (in->len == 0)
        return false;
    const char *p = dec_varint64(in->data, in->data + in->len, v);
    if (p == NULL)
        return false;
    slice_skip(in, (size_t)(p - in->data));
    return true;
}

static inline bool get_fixed32(slice *in, uint32_t *v)
{
    if (in->len < 4)
        return false;
    *v = dec_fixed32(in->data);
    slice_skip(in, 4);
    return true;
}

static inline bool get_fixed64(slice *in, uint64_t *v)
{
    if (in->len < 8)
        return false;
    *v = dec_fixed64(in->data);
    slice_skip(in, 8);
    return true;
}

/* Length-prefixed slice: *out borrows from *in. */
static inline bool get_lp_slice(slice *in, slice *out)
{
    uint32_t n;
    slice save = *in;
    if (!get_varint32(in, &n) || n > in->len) {
        *in = save;
        return false;
    }
    *out = slice_make(in->data, n);
    slice_skip(in, n);
    return true;
}

#endif
