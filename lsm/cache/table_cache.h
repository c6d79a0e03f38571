/* lsm/cache/table_cache.h: open table readers by file number, as RocksDB's
 * TableCache keeps them.
 *
 * Maps a file number to an open sst_reader for `<dir>/<NNNNNN>.sst` (six
 * digits at least, zero-padded), opening it on a miss.  At most `capacity`
 * readers stay open in the cache, least recently used closed first;
 * readers a caller still holds stay open until released (each caller gets
 * its own reference), so a low limit makes the cache slower, never
 * failing.  The DB sizes it from max_open_files with
 * tc_capacity_for_max_open_files().
 *
 * Thread-safety: every call is thread-safe.  One mutex (the single shard of
 * the LRU cache underneath) guards the map, and is never held across a
 * file open or close: two threads missing the same file both open it and
 * the later insert replaces the earlier one. */
#ifndef LSM_CACHE_TABLE_CACHE_H
#define LSM_CACHE_TABLE_CACHE_H

#include <stdint.h>

#include "lsm/table/sst_reader.h"
#include "shale/env.h"
#include "shale/err.h"

typedef struct table_cache table_cache;

#define TC_UNLIMITED (-1)

/* RocksDB's table cache size for DBOptions::max_open_files: unlimited for
 * -1, else max_open_files (raised to 20, RocksDB's floor) minus the 10
 * files RocksDB keeps for other uses. */
int tc_capacity_for_max_open_files(int max_open_files);

/* Creates a table cache for tables in `dir` opened through env with
 * ropts (NULL: defaults; copied, and its block cache referenced by each
 * reader).  capacity: readers kept open (>= 1), or TC_UNLIMITED.  env must
 * outlive the cache.  On failure *out is NULL. */
int tc_new(shale_env *env, const char *dir, const sst_reader_options *ropts, int capacity,
           table_cache **out, shale_err *err);
/* Closes every cached reader (readers still referenced elsewhere stay
 * open until released).  NULL-safe. */
void tc_free(table_cache *tc);

/* A reader for file_number: release with sst_reader_unref().  On a miss
 * the file is opened and its size must equal file_size (the size the
 * MANIFEST recorded), else SHALE_CORRUPTION "Sst file size mismatch: PATH.
 * Size recorded in manifest N, actual size M".  Open errors pass through
 * (SHALE_NOT_FOUND for a missing file, SHALE_IO_ERROR, SHALE_CORRUPTION,
 * ...).  On failure *out is NULL.  A hit returns the open reader without
 * re-checking the size, as RocksDB does, and allocates nothing. */
int tc_get(table_cache *tc, uint64_t file_number, uint64_t file_size, sst_reader **out,
           shale_err *err);

/* Drops file_number's reader (the file is being deleted). */
void tc_evict(table_cache *tc, uint64_t file_number);

/* Readers currently held by the cache. */
size_t tc_open_count(table_cache *tc);

#endif
