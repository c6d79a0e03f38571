/* lsm/util/ikey.h: internal keys, as RocksDB stores them everywhere
 * (memtable, SST data and index blocks, MANIFEST file bounds).
 *   offset 0,   size n: the user key
 *   offset n,   size 8: fixed64 trailer = (sequence << 8) | value type
 * Order: user key ascending (bytewise), then trailer DESCENDING, so the
 * newest version of a key comes first.  Type codes are on-disk constants:
 * never change them (db/dbformat.h in RocksDB). */
#ifndef LSM_UTIL_IKEY_H
#define LSM_UTIL_IKEY_H

#include <stdbool.h>
#include <stdint.h>

#include "lsm/util/coding.h"
#include "lsm/util/slice.h"

enum value_type {
    VT_DELETION = 0x00,
    VT_VALUE = 0x01,
    VT_MERGE = 0x02,
    VT_LOG_DATA = 0x03,        /* WAL only */
    VT_CF_DELETION = 0x04,     /* WAL only */
    VT_CF_VALUE = 0x05,        /* WAL only */
    VT_CF_MERGE = 0x06,        /* WAL only */
    VT_SINGLE_DELETION = 0x07,
    VT_CF_SINGLE_DELETION = 0x08,
    VT_NOOP = 0x0D,
    VT_CF_RANGE_DELETION = 0x0E,
    VT_RANGE_DELETION = 0x0F,  /* SSTs: only in the range-deletion block */
    VT_CF_BLOB_INDEX = 0x10,
    VT_BLOB_INDEX = 0x11,
    VT_DELETION_WITH_TS = 0x14,
    VT_WIDE_COLUMN_ENTITY = 0x16,
    VT_CF_WIDE_COLUMN_ENTITY = 0x17,
};

/* The largest type: seeking to (key, seq, VT_FOR_SEEK) finds the newest entry
 * of key with sequence <= seq. */
#define VT_FOR_SEEK VT_WIDE_COLUMN_ENTITY
#define MAX_SEQUENCE ((UINT64_C(1) << 56) - 1)
#define IKEY_TRAILER_LEN 8

static inline uint64_t ikey_pack(uint64_t seq, int type) { return (seq << 8) | (uint64_t)type; }

/* Whether a type may appear in an SST data block. */
static inline bool value_type_in_sst(int t)
{
    return t == VT_DELETION || t == VT_VALUE || t == VT_MERGE || t == VT_SINGLE_DELETION ||
           t == VT_BLOB_INDEX || t == VT_DELETION_WITH_TS || t == VT_WIDE_COLUMN_ENTITY ||
           t == VT_RANGE_DELETION;
}

typedef struct parsed_ikey {
    slice user_key;  /* borrows the encoded key */
    uint64_t seq;
    int type;
} parsed_ikey;

/* Splits an encoded internal key; false if shorter than the trailer. The
 * type is not checked here (callers decide which types they accept). */
static inline bool ikey_parse(slice ikey, parsed_ikey *out)
{
    if (ikey.len < IKEY_TRAILER_LEN)
        return false;
    uint64_t tr = dec_fixed64(ikey.data + ikey.len - IKEY_TRAILER_LEN);
    out->user_key = slice_make(ikey.data, ikey.len - IKEY_TRAILER_LEN);
    out->seq = tr >> 8;
    out->type = (int)(tr & 0xff);
    return true;
}

static inline slice ikey_user_key(slice ikey)
{
    return slice_make(ikey.data, ikey.len >= 8 ? ikey.len - 8 : 0);
}

static inline uint64_t ikey_trailer(slice ikey)
{
    return ikey.len >= 8 ? dec_fixed64(ikey.data + ikey.len - 8) : 0;
}

/* Internal-key order with the bytewise user comparator.  Keys shorter than
 * the trailer compare as user keys with trailer 0 (never valid on disk;
 * readers reject them first). */
static inline int ikey_compare(slice a, slice b)
{
    int r = slice_compare(ikey_user_key(a), ikey_user_key(b));
    if (r != 0)
        return r;
    uint64_t ta = ikey_trailer(a), tb = ikey_trailer(b);
    return ta > tb ? -1 : (ta < tb ? 1 : 0);
}

#endif
