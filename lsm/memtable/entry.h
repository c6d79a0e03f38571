/* lsm/memtable/entry.h: the encoding of one memtable entry, shared by the
 * point index and the range-tombstone list:
 *     varint32 ikey_len | ikey (user key + fixed64((seq << 8) | type))
 *     | varint32 value_len | value
 * Entries are written by the memtable itself, so decoding trusts them (no
 * bounds to check: they never come from disk). */
#ifndef LSM_MEMTABLE_ENTRY_H
#define LSM_MEMTABLE_ENTRY_H

#include <stdint.h>
#include <string.h>

#include "lsm/util/coding.h"
#include "lsm/util/ikey.h"
#include "lsm/util/slice.h"

/* A varint32 we encoded ourselves: well-formed, so no limit to check. */
static inline const char *entry_varint32(const char *p, uint32_t *v)
{
    uint32_t r = 0;
    for (unsigned shift = 0;; shift += 7) {
        uint32_t byte = (unsigned char)*p++;
        r |= (byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            break;
    }
    *v = r;
    return p;
}

static inline slice entry_ikey(const char *e)
{
    uint32_t n;
    const char *p = entry_varint32(e, &n);
    return slice_make(p, n);
}

static inline slice entry_user_key(const char *e)
{
    slice k = entry_ikey(e);
    return slice_make(k.data, k.len - IKEY_TRAILER_LEN);
}

static inline slice entry_value(const char *e)
{
    slice k = entry_ikey(e);
    uint32_t n;
    const char *p = entry_varint32(k.data + k.len, &n);
    return slice_make(p, n);
}

/* (seq << 8) | type of an entry. */
static inline uint64_t entry_trailer(const char *e)
{
    slice k = entry_ikey(e);
    return dec_fixed64(k.data + k.len - IKEY_TRAILER_LEN);
}

/* Bytes entry_encode() writes.  REQUIRES: lengths checked by the caller
 * (user key + trailer and value each under 4 GiB). */
static inline size_t entry_size(size_t user_key_len, size_t value_len)
{
    size_t klen = user_key_len + IKEY_TRAILER_LEN;
    return (size_t)varint_length(klen) + klen + (size_t)varint_length(value_len) + value_len;
}

static inline void entry_encode(char *e, slice user_key, uint64_t trailer, slice value)
{
    char *p = enc_varint32(e, (uint32_t)(user_key.len + IKEY_TRAILER_LEN));
    if (user_key.len > 0)
        memcpy(p, user_key.data, user_key.len);
    p += user_key.len;
    enc_fixed64(p, trailer);
    p = enc_varint32(p + IKEY_TRAILER_LEN, (uint32_t)value.len);
    if (value.len > 0)
        memcpy(p, value.data, value.len);
}

#endif
