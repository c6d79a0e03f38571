/* include/shale/sst.h: writing SST files outside a database, for bulk
 * loading: shale's counterpart of RocksDB's SstFileWriter.  The files are
 * RocksDB block-based tables that RocksDB 7.8.3 ingests
 * (DB::IngestExternalFile) and its tools read.
 *
 * As with RocksDB's SstFileWriter, every entry is stored with sequence
 * number 0 and the file carries the external-file properties
 * (rocksdb.external_sst_file.version = 2, global_seqno = 0); the ingesting
 * database assigns the sequence number.
 *
 * Usage: open, add entries with strictly increasing keys (bytewise order),
 * finish, free.  Range deletions may come in any order relative to the
 * point entries.
 *
 * Thread-safety: a writer belongs to one thread at a time. */
#ifndef SHALE_SST_H
#define SHALE_SST_H

#include <stddef.h>
#include <stdint.h>

#include "shale/api.h"
#include "shale/err.h"
#include "shale/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shale_sst_writer shale_sst_writer;

/* shale_sst_writer_open(): creates (or truncates) the file at `path`
 * through shale_env_default() and returns a writer for it in *out.
 * `topts` may be NULL for the defaults (it is copied; the caller keeps
 * ownership).  `compression` is an enum shale_compression_type applied to
 * data and index blocks; a block is stored compressed only if that saves
 * at least 1/8.
 *   SHALE_OK                *out is the writer; free with shale_sst_writer_free().
 *   SHALE_INVALID_ARGUMENT  an option is out of range (the message names it).
 *   SHALE_NOT_SUPPORTED     this build cannot write `compression`.
 *   SHALE_IO_ERROR, SHALE_NO_MEMORY
 * On failure *out is NULL. */
SHALE_API SHALE_MUST_CHECK int shale_sst_writer_open(const char *path,
                                                     const shale_table_options *topts,
                                                     int compression, shale_sst_writer **out,
                                                     shale_err *err);

/* shale_sst_writer_put(): adds key -> value.  The key must be greater than
 * every key added before (put, delete or merge), else
 * SHALE_INVALID_ARGUMENT and the writer is unchanged.  Bytes are copied.
 * I/O errors are sticky: once a call failed with SHALE_IO_ERROR or
 * SHALE_NO_MEMORY, every later call returns that error. */
SHALE_API SHALE_MUST_CHECK int shale_sst_writer_put(shale_sst_writer *w, const char *key,
                                                    size_t key_len, const char *value,
                                                    size_t value_len, shale_err *err);

/* shale_sst_writer_delete(): adds a deletion of key (hides older values in
 * the database it is ingested into).  Ordering and errors as for put. */
SHALE_API SHALE_MUST_CHECK int shale_sst_writer_delete(shale_sst_writer *w, const char *key,
                                                       size_t key_len, shale_err *err);

/* shale_sst_writer_merge(): adds a merge operand for key, combined by the
 * ingesting database's merge operator.  Ordering and errors as for put. */
SHALE_API SHALE_MUST_CHECK int shale_sst_writer_merge(shale_sst_writer *w, const char *key,
                                                      size_t key_len, const char *operand,
                                                      size_t operand_len, shale_err *err);

/* shale_sst_writer_delete_range(): adds a deletion of every key in
 * [begin, end).  May be called in any order relative to other entries.
 * begin > end is SHALE_INVALID_ARGUMENT; begin == end adds nothing. */
SHALE_API SHALE_MUST_CHECK int shale_sst_writer_delete_range(shale_sst_writer *w,
                                                             const char *begin, size_t begin_len,
                                                             const char *end, size_t end_len,
                                                             shale_err *err);

/* shale_sst_writer_finish(): writes the filter, index, properties,
 * metaindex and footer, syncs and closes the file.  *file_size (if not
 * NULL) receives the final size.  After it, only free is allowed.
 *   SHALE_INVALID_ARGUMENT  no entries were added (RocksDB refuses such
 *                           files) or the writer was already finished.
 *   SHALE_IO_ERROR, SHALE_NO_MEMORY, or an earlier sticky error.
 * On failure the file is incomplete; free removes it. */
SHALE_API SHALE_MUST_CHECK int shale_sst_writer_finish(shale_sst_writer *w, uint64_t *file_size,
                                                       shale_err *err);

/* shale_sst_writer_file_size(): bytes written so far (data blocks flushed
 * plus buffered output), or the final size after finish.  Thread-safety:
 * as the writer. */
SHALE_API uint64_t shale_sst_writer_file_size(const shale_sst_writer *w);

/* shale_sst_writer_free(): releases w.  A writer not successfully finished
 * is abandoned and its file removed.  NULL is allowed. */
SHALE_API void shale_sst_writer_free(shale_sst_writer *w);

#ifdef __cplusplus
}
#endif
#endif
