/* lsm/log/log_reader.h: reads logical records (WriteBatches, VersionEdits)
 * back from a log file in RocksDB's framing (lsm/log/log_format.h), with
 * RocksDB's WAL recovery modes deciding what damage means.
 *
 * What the reader sees, and what it answers in each mode
 * (T = tolerate-tail, A = absolute, P = point-in-time, S = skip-any):
 *
 *   damage                                   T       A       P       S
 *   torn tail: partial header or payload,    end     CORR    end     end
 *     or FIRST.. without LAST, at file end
 *   recyclable record of another log number  end     end*    end     end
 *   bad checksum / bad length mid-file,      CORR    CORR    CORR    skip
 *     unknown type, fragment out of order
 *   zero header (type 0, length 0)           rest of its block is skipped
 *                                            silently (preallocated space),
 *                                            so a zero-filled tail is an end
 *   (* CORR in A when it cuts a fragmented record, like any torn tail)
 *
 * "end" = SHALE_NOT_FOUND, a clean end; the ignored tail is counted in
 * log_reader_stats.tail_dropped_bytes.  "CORR" = SHALE_CORRUPTION naming
 * the file and the offset; the reader stops there for good (sticky), and
 * log_reader_stopped_at_corruption() tells where: in P the caller keeps the
 * records read so far and replays no later log, in T and A it fails the open.
 * "skip" = the damaged bytes (the rest of the block for a bad checksum) are
 * dropped and counted, and reading goes on.  In T, a bad checksum in a
 * recycled log (first record recyclable) is an end, as in RocksDB.
 * These follow RocksDB 7.8.3's log::Reader plus the way its recovery
 * treats the reports; the one deviation is that a stale recyclable record
 * ends the log in S too (RocksDB would loop on it).
 *
 * The file is borrowed (the caller closes it after log_reader_close()) and
 * read with shale_file_pread() in 32 KiB blocks; a short read marks the end.
 * Thread-safety: none; one thread at a time per reader. */
#ifndef LSM_LOG_LOG_READER_H
#define LSM_LOG_LOG_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "shale/env.h"
#include "lsm/util/slice.h"

/* RocksDB's WALRecoveryMode, same values. */
typedef enum log_recovery_mode {
    LOG_RECOVERY_TOLERATE_CORRUPTED_TAIL_RECORDS = 0, /* kTolerateCorruptedTailRecords */
    LOG_RECOVERY_ABSOLUTE_CONSISTENCY = 1,            /* kAbsoluteConsistency */
    LOG_RECOVERY_POINT_IN_TIME = 2,                   /* kPointInTimeRecovery (default) */
    LOG_RECOVERY_SKIP_ANY_CORRUPTED_RECORDS = 3,      /* kSkipAnyCorruptedRecords */
} log_recovery_mode;

typedef struct log_reader_options {
    log_recovery_mode mode;
    bool skip_checksums;   /* true: do not verify CRCs (RocksDB's checksum=false) */
} log_reader_options;

#define LOG_READER_OPTIONS_DEFAULT {LOG_RECOVERY_POINT_IN_TIME, false}

typedef struct log_reader_stats {
    uint64_t records;             /* logical records returned */
    uint64_t skipped_corruptions; /* damaged spots skipped (mode S only) */
    uint64_t dropped_bytes;       /* bytes dropped with them */
    uint64_t tail_dropped_bytes;  /* bytes of a torn tail ignored at the end */
} log_reader_stats;

typedef struct log_reader log_reader;

/* log_reader_open(): a reader of f from offset 0.  log_number is the file's
 * number: recyclable records carrying another (low 32 bits) are stale.
 * opts NULL means LOG_READER_OPTIONS_DEFAULT; *opts is copied.
 *   SHALE_OK               *out: release with log_reader_close().
 *   SHALE_INVALID_ARGUMENT unknown mode; SHALE_NO_MEMORY.  *out = NULL. */
int log_reader_open(shale_file *f, uint64_t log_number, const log_reader_options *opts,
                    log_reader **out, shale_err *err);

/* log_reader_read_record(): the next logical record.
 *   SHALE_OK          *record holds it; valid until the next call or close.
 *   SHALE_NOT_FOUND   clean end of the log (again on every later call).
 *   SHALE_CORRUPTION  see the table above; *err names file and offset.
 *   SHALE_IO_ERROR    a read failed.  SHALE_NOT_SUPPORTED: a WAL written
 *                     with wal_compression.  SHALE_NO_MEMORY.
 * Failures are sticky.  On any code but SHALE_OK, *record is empty. */
int log_reader_read_record(log_reader *r, slice *record, shale_err *err);

/* Offset of the first physical record of the last record returned (what
 * `ldb dump_wal` prints as "Physical Offset"); 0 before any. */
uint64_t log_reader_last_record_offset(const log_reader *r);

/* Offset just past the last physical record consumed: where a writer may
 * resume appending after a clean end. */
uint64_t log_reader_end_offset(const log_reader *r);

/* Whether reading stopped at a corruption; if so and offset != NULL,
 * *offset is where the damaged record (or fragment run) starts. */
bool log_reader_stopped_at_corruption(const log_reader *r, uint64_t *offset);

void log_reader_get_stats(const log_reader *r, log_reader_stats *out);

/* log_reader_close(): frees the reader (NULL allowed); the file stays open. */
void log_reader_close(log_reader *r);

#endif
