/* lsm/log/log_writer.h: writes logical records (WriteBatches, VersionEdits)
 * into a log file in RocksDB's framing (lsm/log/log_format.h).
 *
 * A record longer than the room left in its 32 KiB block is cut into
 * FIRST, MIDDLE..., LAST fragments; a block tail shorter than a header is
 * zero-filled.  Each record's bytes (padding, headers, fragments) are
 * gathered in a buffer and appended with ONE shale_file_append(), so a
 * crash tears at most the record being written.
 *
 * Ownership: the writer borrows the file.  It never syncs it on its own
 * and never closes it: the caller closes the file after log_writer_close().
 * Thread-safety: none; one thread at a time per writer (as for the file).
 * Errors are sticky: after the first failure every call returns that same
 * code (details copied into *err) and writes nothing. */
#ifndef LSM_LOG_LOG_WRITER_H
#define LSM_LOG_LOG_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "shale/env.h"
#include "lsm/util/slice.h"

typedef struct log_writer log_writer;

/* log_writer_open(): a writer appending to f, which already holds
 * initial_offset bytes (0 for a new file; the file's size when reopening a
 * log to append to it: block positions are computed from it).
 * `recyclable` selects the 11-byte header carrying the low 32 bits of
 * log_number; RocksDB writes it only with recycle_log_file_num > 0.
 *   SHALE_OK          *out is the writer; release with log_writer_close().
 *   SHALE_NO_MEMORY   *out = NULL. */
int log_writer_open(shale_file *f, uint64_t log_number, bool recyclable, uint64_t initial_offset,
                    log_writer **out, shale_err *err);

/* log_writer_set_preallocation(): from now on, before an append that would
 * cross the space reserved so far, the file is extended with
 * shale_file_ops.allocate to the next multiple of `chunk` (rounded up to
 * whole 32 KiB blocks), so appends, and the syncs after them, land inside
 * the file's size.  Until the writer is closed the file on disk may end in
 * zeros, which readers take as padding and a clean end.  chunk 0, or a file
 * without allocate/truncate, means no preallocation (the default).  A
 * failed allocation only turns preallocation off. */
void log_writer_set_preallocation(log_writer *w, uint64_t chunk);

/* log_writer_add_record(): appends one logical record (any length, 0
 * allowed).  Nothing is durable until log_writer_sync().
 *   SHALE_OK; SHALE_IO_ERROR or SHALE_NO_MEMORY (then sticky). */
int log_writer_add_record(log_writer *w, slice payload, shale_err *err);

/* log_writer_sync(): makes every record added so far durable (file sync).
 *   SHALE_OK; SHALE_IO_ERROR (sticky). */
int log_writer_sync(log_writer *w, shale_err *err);

/* log_writer_file_size(): bytes in the file counting everything appended
 * through this writer (initial_offset + appended); a preallocated zero tail
 * is not counted.  Safe to call from another thread while the writer's
 * thread appends (the value may be a moment old). */
uint64_t log_writer_file_size(const log_writer *w);

/* log_writer_log_number(): the number given at open. */
uint64_t log_writer_log_number(const log_writer *w);

/* log_writer_status(): the sticky first failure (copied to *err), or
 * SHALE_OK. */
int log_writer_status(const log_writer *w, shale_err *err);

/* log_writer_close(): frees the writer (NULL allowed) and returns its sticky
 * status like log_writer_status(), else the error of cutting a preallocated
 * file back to the bytes written (shale_file_ops.truncate, done whenever
 * space was reserved past them).  Neither syncs nor closes the file. */
int log_writer_close(log_writer *w, shale_err *err);

#endif
