/* lsm/util/slice.h: a borrowed byte range.  A slice never owns its bytes;
 * whoever made it states how long they live. */
#ifndef LSM_UTIL_SLICE_H
#define LSM_UTIL_SLICE_H

#include <stdbool.h>
#include <stddef.h>
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

/* Bytewise order, a proper prefix first (leveldb.BytewiseComparator). */
static inline int slice_compare(slice a, slice b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int r = n == 0 ? 0 : memcmp(a.data, b.data, n);
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
