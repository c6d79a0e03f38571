/* lsm/db/options_file.h: the OPTIONS-NNNNNN file RocksDB writes on every
 * read-write open, and the "Options.xxx: value" dump at the top of LOG.
 *
 * RocksDB's tools (ldb, sst_dump --db) load the newest OPTIONS file and
 * refuse a database whose file names an unknown option or holds a value
 * they cannot parse, so the file is written exactly as RocksDB 7.8.3
 * writes it: the same INI layout, sections, option names, value syntax
 * and order (rocksdb-format.md §5.2; the model is
 * fixtures/rocksdb-7.8.3/db/OPTIONS-000007).  Options shale has carry
 * shale's values; every other option carries RocksDB 7.8.3's default,
 * which is also how shale behaves for it (e.g. one column family,
 * leveled compaction, bytewise comparator, binary-search index).
 *
 * The block cache is not in the file (RocksDB does not serialize it). */
#ifndef LSM_DB_OPTIONS_FILE_H
#define LSM_DB_OPTIONS_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "lsm/db/options.h"
#include "lsm/util/buf.h"
#include "lsm/util/logger.h"
#include "shale/env.h"
#include "shale/err.h"

/* How many OPTIONS files RocksDB keeps (DBImpl::kNumOptionsFilesKept). */
#define OPTIONS_FILES_KEPT 2

/* options_file_encode(): appends the whole file text for `o` to out.
 * Returns SHALE_OK or SHALE_NO_MEMORY (out is then incomplete). */
int options_file_encode(const shale_options *o, shale_buf *out, shale_err *err);

/* With families: the DB options from o, then one [CFOptions "name"] and
 * [TableOptions/BlockBasedTable "name"] pair per family, as RocksDB writes
 * them (names[0] is "default"). */
int options_file_encode_cfs(const shale_options *o, const char *const *names,
                            const shale_options *const *cf_opts, size_t n, shale_buf *out,
                            shale_err *err);
int options_file_write_cfs(shale_env *env, const char *dbdir, uint64_t file_number,
                           const shale_options *o, const char *const *names,
                           const shale_options *const *cf_opts, size_t n, shale_err *err);

/* options_file_write(): writes <dbdir>/OPTIONS-<file_number, 6+ digits>:
 * the text goes to OPTIONS-NNNNNN.dbtmp, which is synced, renamed to the
 * final name, and the directory synced, so a crash leaves either no file
 * or a complete one.  On failure the temp file is removed (best effort).
 *   SHALE_OK, SHALE_IO_ERROR (env's errno kept), SHALE_NO_MEMORY. */
int options_file_write(shale_env *env, const char *dbdir, uint64_t file_number,
                       const shale_options *o, shale_err *err);

/* options_file_purge_old(): deletes every OPTIONS-<number> file in dbdir
 * except the `keep` with the highest numbers, and every leftover
 * OPTIONS-*.dbtmp (a write that crashed) older than the newest OPTIONS
 * file.  Other files are untouched.
 *   SHALE_OK, SHALE_IO_ERROR (listing or a removal failed; the removals
 *   before it are done), SHALE_NO_MEMORY. */
int options_file_purge_old(shale_env *env, const char *dbdir, size_t keep, shale_err *err);

/* options_log_dump(): writes the options to the LOG as RocksDB's
 * DBOptions::Dump and ColumnFamilyOptions::Dump do: the DB options as
 * header lines "                Options.name: value", the supported
 * compressions, then "Options for column family [default]:" and the CF
 * and table options.  lg NULL: nothing. */
void options_log_dump(logger *lg, const shale_options *o);

#endif
