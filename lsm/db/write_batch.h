/* lsm/db/write_batch.h: RocksDB's WriteBatch, the payload of one WAL record
 * (db/write_batch.cc; rocksdb-format.md §3).
 *
 *   offset 0,  size 8: fixed64 sequence of the first counted record
 *   offset 8,  size 4: fixed32 count of counted records
 *   offset 12, ...   : records, each  tag:u8 [cf:varint32] fields
 *
 *   tag                                    fields                 counted
 *   0x01 Put / 0x05 CF Put                 lp key, lp value       yes
 *   0x00 Delete / 0x04 CF Delete           lp key                 yes
 *   0x07 SingleDelete / 0x08 CF            lp key                 yes
 *   0x0F DeleteRange / 0x0E CF             lp begin, lp end       yes
 *   0x02 Merge / 0x06 CF Merge             lp key, lp operand     yes
 *   0x11 BlobIndex / 0x10 CF BlobIndex     lp key, lp blob index  yes
 *   0x16 PutEntity / 0x17 CF PutEntity     lp key, lp columns     yes
 *   0x03 LogData                           lp blob                no
 *   0x0D Noop, 0x09/0x12/0x13 BeginPrepare nothing                no
 *   0x0A EndPrepare, 0x0B Commit,
 *   0x0C Rollback                          lp xid                 no
 *   0x15 CommitWithTimestamp               lp timestamp, lp xid   no
 *
 * Column family 0 always uses the plain tag; any other id uses the CF tag.
 * The i-th counted record (0-based) has sequence number `sequence + i`. */
#ifndef LSM_DB_WRITE_BATCH_H
#define LSM_DB_WRITE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "lsm/util/buf.h"
#include "lsm/util/slice.h"
#include "shale/err.h"

#define WB_HEADER_LEN 12

/* WriteBatch tags that are not value types stored anywhere else (the rest
 * are VT_* in lsm/util/ikey.h).  On-disk constants: never change them. */
enum wb_tag {
    WB_TAG_BEGIN_PREPARE = 0x09,
    WB_TAG_END_PREPARE = 0x0A,
    WB_TAG_COMMIT = 0x0B,
    WB_TAG_ROLLBACK = 0x0C,
    WB_TAG_BEGIN_PERSISTED_PREPARE = 0x12,
    WB_TAG_BEGIN_UNPREPARE = 0x13,
    WB_TAG_COMMIT_WITH_TS = 0x15,
};

/* A batch under construction.  rep always holds at least the 12-byte
 * header; its bytes are exactly what goes into the WAL.  Not thread-safe. */
typedef struct write_batch {
    shale_buf rep;
} write_batch;

/* wb_init(): an empty batch (sequence 0, count 0).  SHALE_NO_MEMORY leaves
 * *b safe to pass to wb_deinit(). */
int wb_init(write_batch *b, shale_err *err);
/* wb_deinit(): frees the bytes.  NULL-safe. */
void wb_deinit(write_batch *b);
/* wb_clear(): back to an empty batch with sequence 0; keeps the memory. */
void wb_clear(write_batch *b);

/* Builders.  Each appends one record, for column family `cf` (0 = default),
 * and bumps the count (except put_log_data).  A failed call leaves the batch
 * as it was.
 *   SHALE_OK, SHALE_NO_MEMORY,
 *   SHALE_INVALID_ARGUMENT  a key or value of 4 GiB or more, or the count
 *                           would pass UINT32_MAX */
int wb_put(write_batch *b, uint32_t cf, slice key, slice value, shale_err *err);
int wb_delete(write_batch *b, uint32_t cf, slice key, shale_err *err);
int wb_single_delete(write_batch *b, uint32_t cf, slice key, shale_err *err);
/* Deletes [begin, end): end is exclusive. */
int wb_delete_range(write_batch *b, uint32_t cf, slice begin, slice end, shale_err *err);
int wb_merge(write_batch *b, uint32_t cf, slice key, slice operand, shale_err *err);
/* A blob carried in the WAL but applied nowhere (no sequence number). */
int wb_put_log_data(write_batch *b, slice blob, shale_err *err);

/* wb_append(): appends src's records to dst and adds its count; dst keeps
 * its own sequence.  Same codes as the builders. */
int wb_append(write_batch *dst, const write_batch *src, shale_err *err);

/* wb_set_contents(): replaces b's bytes with a batch read from a WAL record.
 *   SHALE_CORRUPTION  shorter than the header ("malformed WriteBatch (too
 *                     small)"); records are checked later by wb_iterate()
 *   SHALE_NO_MEMORY */
int wb_set_contents(write_batch *b, slice rep, shale_err *err);

/* The encoded batch; borrows b until its next change. */
static inline slice wb_data(const write_batch *b) { return shale_buf_slice(&b->rep); }
static inline size_t wb_data_size(const write_batch *b) { return b->rep.len; }
uint32_t wb_count(const write_batch *b);
uint64_t wb_sequence(const write_batch *b);
void wb_set_sequence(write_batch *b, uint64_t seq);

/* Header fields of an encoded batch.  REQUIRES: rep.len >= WB_HEADER_LEN. */
uint64_t wb_rep_sequence(slice rep);
uint32_t wb_rep_count(slice rep);

/* Callbacks for wb_iterate().  key/value/blob/xid/ts borrow `rep` and last
 * as long as it does.  A callback returning non-OK stops the walk and
 * wb_iterate() returns that code (its *err is the callback's to fill). */
typedef struct wb_handler {
    /* Every counted record, in order.  type is the plain (non-CF) value
     * type: VT_VALUE, VT_DELETION, VT_SINGLE_DELETION, VT_RANGE_DELETION
     * (key = begin, value = end), VT_MERGE, VT_BLOB_INDEX or
     * VT_WIDE_COLUMN_ENTITY; value is empty for deletions.  seq is
     * header sequence + index among counted records.  Required. */
    int (*record)(void *arg, uint64_t seq, uint32_t cf, int type, slice key, slice value,
                  shale_err *err);
    /* LogData blobs; NULL skips them. */
    int (*log_data)(void *arg, slice blob, shale_err *err);
    /* Noop and transaction markers (tag is VT_NOOP or a WB_TAG_*; xid and ts
     * are empty when the tag has none); NULL skips them. */
    int (*marker)(void *arg, int tag, slice xid, slice ts, shale_err *err);
} wb_handler;

/* wb_iterate(): decodes every record of the encoded batch `rep` and calls
 * h back.  Every length is bounds-checked; nothing is read past rep.
 *   SHALE_OK
 *   SHALE_CORRUPTION  "malformed WriteBatch (too small)", "bad WriteBatch
 *                     Put" (and the like for each record kind), "unknown
 *                     WriteBatch tag", "WriteBatch has wrong count" (the
 *                     header count differs from the counted records)
 *   any code a callback returns */
int wb_iterate(slice rep, const wb_handler *h, void *arg, shale_err *err);

#endif
