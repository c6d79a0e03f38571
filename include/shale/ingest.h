/* include/shale/ingest.h: ingesting SST files written by an SST file writer
 * (shale_sst_writer_*, or RocksDB's SstFileWriter) into a column family,
 * as RocksDB 7.8.3's DB::IngestExternalFile.
 *
 * What happens, as RocksDB decides it (db/external_sst_file_ingestion_job.cc):
 *   1. Each file is opened and checked: the external-file properties
 *      (version 2 with a global sequence number, or version 1), every key
 *      with sequence number 0, keys strictly increasing, at least one entry.
 *      Files may overlap each other; they then all go to L0.
 *   2. Writes stop for the call.  If a file's key range meets the family's
 *      memtables, the memtable is flushed first (allow_blocking_flush) or
 *      the call fails.
 *   3. A file whose range meets no data of the family (and with no
 *      snapshot open, or snapshot_consistency off) keeps sequence number 0
 *      and goes to the deepest level it fits in; otherwise it gets the next
 *      sequence number (newer than everything in the database) and goes to
 *      the deepest level above the first one holding data in its range (L0
 *      at worst).  Universal compaction follows RocksDB's own rules.
 *   4. shale's table readers apply no "global sequence number" override,
 *      so each file is rewritten into the database directory with every
 *      key carrying its assigned sequence number (RocksDB links or copies
 *      the file and records the number beside it).  All files of the call
 *      are installed by one MANIFEST edit: all or none.
 * The external files are never modified.  With move_files they are
 *   deleted after a successful ingestion (RocksDB hard-links them instead
 *   of copying; here the rewrite is always a copy).
 *
 * Options objects are plain data: not thread-safe; the call copies what it
 * needs. */
#ifndef SHALE_INGEST_H
#define SHALE_INGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "shale/api.h"
#include "shale/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* shale/db.h includes this header before it defines these (C11 allows the
 * repeated typedefs). */
typedef struct shale_db shale_db;
typedef struct shale_cf shale_cf;

typedef struct shale_ingest_options shale_ingest_options;

/* shale_ingest_options_new(): RocksDB 7.8.3's IngestExternalFileOptions
 * defaults (each setter below names its default).  Free with
 * shale_ingest_options_free().  NULL when out of memory. */
SHALE_API shale_ingest_options *shale_ingest_options_new(void);
/* NULL allowed. */
SHALE_API void shale_ingest_options_free(shale_ingest_options *o);

/* Delete the external files after a successful ingestion: false. */
SHALE_API void shale_ingest_options_set_move_files(shale_ingest_options *o, bool v);
/* Accepted for RocksDB's sake; a rewrite never fails to "move": true. */
SHALE_API void shale_ingest_options_set_failed_move_fall_back_to_copy(shale_ingest_options *o,
                                                                      bool v);
/* With a snapshot open, give every file a new sequence number so the
 * snapshot does not see it: true. */
SHALE_API void shale_ingest_options_set_snapshot_consistency(shale_ingest_options *o, bool v);
/* Allow assigning a sequence number above 0; false makes an ingestion that
 * needs one fail (SHALE_INVALID_ARGUMENT): true. */
SHALE_API void shale_ingest_options_set_allow_global_seqno(shale_ingest_options *o, bool v);
/* Allow flushing a memtable that overlaps a file; false makes such an
 * ingestion fail (SHALE_INVALID_ARGUMENT "External file requires flush"):
 * true. */
SHALE_API void shale_ingest_options_set_allow_blocking_flush(shale_ingest_options *o, bool v);
/* Ingest below all data (needs a database opened with allow_ingest_behind,
 * which shale does not have: the call then fails with
 * SHALE_INVALID_ARGUMENT, as RocksDB's does on such a database): false. */
SHALE_API void shale_ingest_options_set_ingest_behind(shale_ingest_options *o, bool v);
/* Write the sequence number into the external file: true (RocksDB
 * 7.8.3's default).  No effect: the rewritten file carries the number in
 * its keys, and the external file is left as it was. */
SHALE_API void shale_ingest_options_set_write_global_seqno(shale_ingest_options *o, bool v);
/* Read and check every block of each file before ingesting it: false.
 * (The rewrite verifies the checksum of every block it reads anyway.) */
SHALE_API void shale_ingest_options_set_verify_checksums_before_ingest(shale_ingest_options *o,
                                                                       bool v);

SHALE_API bool shale_ingest_options_get_move_files(const shale_ingest_options *o);
SHALE_API bool shale_ingest_options_get_snapshot_consistency(const shale_ingest_options *o);
SHALE_API bool shale_ingest_options_get_allow_global_seqno(const shale_ingest_options *o);
SHALE_API bool shale_ingest_options_get_allow_blocking_flush(const shale_ingest_options *o);
SHALE_API bool shale_ingest_options_get_ingest_behind(const shale_ingest_options *o);
SHALE_API bool shale_ingest_options_get_write_global_seqno(const shale_ingest_options *o);
SHALE_API bool shale_ingest_options_get_verify_checksums_before_ingest(
    const shale_ingest_options *o);

/* shale_ingest_external_files(): ingests paths[0..n) into family cf (NULL:
 * the default family) with options o (NULL: the defaults), atomically.
 * Thread-safe; writes to the database wait while it runs.  Paths are
 * borrowed.
 *   SHALE_OK                every file is in the database.
 *   SHALE_INVALID_ARGUMENT  n == 0 ("The list of files is empty"); a file
 *                           with no entries ("File contain no entries"); a
 *                           file written for another family; an overlapping
 *                           memtable without allow_blocking_flush; a
 *                           sequence number needed without
 *                           allow_global_seqno; ingest_behind; a dropped
 *                           family.  RocksDB's texts.
 *   SHALE_NOT_SUPPORTED     a key type shale cannot store (wide columns).
 *   SHALE_CORRUPTION        a damaged file, or one not written by an SST
 *                           file writer (no external-file version, a key
 *                           with a sequence number, keys out of order);
 *                           the message names the file.
 *   SHALE_IO_ERROR          a file is missing or unreadable (named), or
 *                           writing the database failed.
 *   SHALE_NO_MEMORY, SHALE_SHUTDOWN
 * On failure nothing was installed and the database reads as before. */
SHALE_API SHALE_MUST_CHECK int shale_ingest_external_files(shale_db *db, shale_cf *cf,
                                                           const char *const *paths, size_t n,
                                                           const shale_ingest_options *o,
                                                           shale_err *err);

#ifdef __cplusplus
}
#endif
#endif
