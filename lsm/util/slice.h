/* lsm/util/slice.h: a borrowed byte range.  A slice never owns its bytes;
 * whoever made it states how long they live. */
#ifndef LSM_UTIL_SLICE_H
#define LSM_UTIL_SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct slice {
    const char *data;
    size_t len;
} slice;

static inline slice slice_make(const void *data, size_t len)
{
    slice s = {(const char *)data, len};
    return s;
}

static inline slice slice_from_str(const char *s) { return slice_make(s, strlen(s)); }

/* Bytewise order of n bytes, 8 at a time as big-endian words: keys are
 * compared on every step of every search, and short keys are the common
 * case, so this avoids a memcmp call for them. */
static inline int bytes_compare(const char *a, const char *b, size_t n)
{
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            x = __builtin_bswap64(x);
            y = __builtin_bswap64(y);
#endif
            return x < y ? -1 : 1;
        }
    }
    return n == 0 ? 0 : memcmp(a, b, n);
}

/* Bytewise order, a proper prefix first (leveldb.BytewiseComparator). */
static inline int slice_compare(slice a, slice b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int r = bytes_compare(a.data, b.data, n);
    if (r != 0)
        return r;
    return a.len < b.len ? -1 : (a.len > b.len ? 1 : 0);
}

static inline bool slice_equal(slice a, slice b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static inline bool slice_starts_with(slice s, slice prefix)
{
    return s.len >= prefix.len && (prefix.len == 0 || memcmp(s.data, prefix.data, prefix.len) == 0);
}

static inline void slice_skip(slice *s, size_t n)
{
    if (n == 0)
        return;   /* keeps a NULL empty slice NULL (NULL + 0 is undefined in C) */
    s->data += n;
    s->len -= n;
}

#endif
