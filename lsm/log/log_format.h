/* lsm/log/log_format.h: on-disk constants of the log format shared by the
 * WAL (*.log) and the MANIFEST (rocksdb-format.md §4).  These values are
 * RocksDB 7.8.3's and are NEVER to change: files written by either engine
 * must stay readable by the other.
 *
 * A log file is a sequence of LOG_BLOCK_SIZE-byte blocks (the last may be
 * partial).  A block holds physical records; none crosses a block edge, and
 * a block tail too short for a header is zero-filled.
 *
 * Legacy physical record (LOG_HEADER_SIZE = 7 bytes of header):
 *   offset 0, size 4: masked crc32c, fixed32 LE, over bytes 6 .. end
 *   offset 4, size 2: payload length, fixed16 LE (at most 32768 - 7)
 *   offset 6, size 1: record type (LOG_FULL .. LOG_LAST)
 *   offset 7, size n: payload
 * Recyclable physical record (LOG_RECYCLABLE_HEADER_SIZE = 11 bytes):
 *   offset 0, size 4: masked crc32c over bytes 6 .. end
 *   offset 4, size 2: payload length
 *   offset 6, size 1: record type (LOG_RECYCLABLE_FULL .. LOG_RECYCLABLE_LAST)
 *   offset 7, size 4: low 32 bits of the log file's number, fixed32 LE
 *   offset 11, size n: payload
 * So the CRC covers the type byte, then (recyclable only) the log number,
 * then the payload.  A logical record is one FULL, or FIRST, MIDDLE*, LAST. */
#ifndef LSM_LOG_LOG_FORMAT_H
#define LSM_LOG_LOG_FORMAT_H

#include <assert.h>

enum log_record_type {
    LOG_ZERO = 0,               /* preallocated or never-written space */
    LOG_FULL = 1,
    LOG_FIRST = 2,
    LOG_MIDDLE = 3,
    LOG_LAST = 4,
    LOG_RECYCLABLE_FULL = 5,    /* as 1..4, with the log number in the header */
    LOG_RECYCLABLE_FIRST = 6,
    LOG_RECYCLABLE_MIDDLE = 7,
    LOG_RECYCLABLE_LAST = 8,
    LOG_SET_COMPRESSION = 9,    /* wal_compression marker; not supported here */
};
#define LOG_MAX_RECORD_TYPE LOG_SET_COMPRESSION

#define LOG_BLOCK_SIZE 32768
#define LOG_CRC_SIZE 4
#define LOG_LENGTH_SIZE 2
#define LOG_TYPE_SIZE 1
#define LOG_NUMBER_SIZE 4
#define LOG_HEADER_SIZE (LOG_CRC_SIZE + LOG_LENGTH_SIZE + LOG_TYPE_SIZE)
#define LOG_RECYCLABLE_HEADER_SIZE (LOG_HEADER_SIZE + LOG_NUMBER_SIZE)
/* Offsets inside a header. */
#define LOG_HDR_CRC_OFF 0
#define LOG_HDR_LEN_OFF 4
#define LOG_HDR_TYPE_OFF 6
#define LOG_HDR_NUMBER_OFF 7

static_assert(LOG_BLOCK_SIZE == 32768, "log block size is fixed by RocksDB");
static_assert(LOG_HEADER_SIZE == 7, "legacy log header is 7 bytes");
static_assert(LOG_RECYCLABLE_HEADER_SIZE == 11, "recyclable log header is 11 bytes");
static_assert(LOG_BLOCK_SIZE - LOG_HEADER_SIZE <= 0xffff, "a fragment length fits fixed16");
static_assert(LOG_SET_COMPRESSION == 9 && LOG_RECYCLABLE_LAST == 8, "record types are fixed");

#endif
