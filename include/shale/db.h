/* include/shale/db.h: the database, as RocksDB's DB::Open gives it, in C.
 *
 * A database is a directory in RocksDB's layout (CURRENT, MANIFEST-*,
 * *.log, *.sst, OPTIONS-*, IDENTITY, LOCK, LOG) that RocksDB 7.8.3 opens too.
 * Options carry RocksDB's names and defaults.
 *
 * Thread-safety: a shale_db is shared by any number of threads.  Iterators
 * and write batches belong to one thread at a time.  Options objects are
 * plain data: copy-on-open, not shared afterwards.
 * Ownership: every _new/_create has a _free/_release; every release accepts
 * NULL.  Buffers returned as "free with shale_free()" are the caller's. */
#ifndef SHALE_DB_H
#define SHALE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/api.h"
#include "shale/env.h"
#include "shale/err.h"
#include "shale/cache.h"
#include "shale/statistics.h"
#include "shale/table.h"
#include "shale/merge.h"   /* merge operators, shale_merge() */
#include "shale/compaction_filter.h"
#include "shale/compaction_style.h"
#include "shale/ingest.h"      /* shale_ingest_external_files() */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shale_db shale_db;
typedef struct shale_options shale_options;
typedef struct shale_read_options shale_read_options;
typedef struct shale_write_options shale_write_options;
typedef struct shale_write_batch shale_write_batch;
typedef struct shale_iter shale_iter;
typedef struct shale_snapshot shale_snapshot;

/* --- options ------------------------------------------------------------ */
/* WAL recovery modes, RocksDB's names and numbers. */
enum shale_wal_recovery_mode {
    SHALE_WAL_TOLERATE_CORRUPTED_TAIL_RECORDS = 0,
    SHALE_WAL_ABSOLUTE_CONSISTENCY = 1,
    SHALE_WAL_POINT_IN_TIME_RECOVERY = 2,   /* default */
    SHALE_WAL_SKIP_ANY_CORRUPTED_RECORDS = 3,
};

enum shale_info_log_level {
    SHALE_LOG_DEBUG = 0, SHALE_LOG_INFO, SHALE_LOG_WARN, SHALE_LOG_ERROR, SHALE_LOG_FATAL,
    SHALE_LOG_HEADER,
};

SHALE_API shale_options *shale_options_new(void);
SHALE_API void shale_options_free(shale_options *o);
SHALE_API void shale_options_set_create_if_missing(shale_options *o, bool v);   /* false */
SHALE_API void shale_options_set_error_if_exists(shale_options *o, bool v);     /* false */
SHALE_API void shale_options_set_paranoid_checks(shale_options *o, bool v);     /* true */
/* true: WAL files are extended ahead of the appends in chunks (fallocate),
 * so synced writes need not journal a new file size; cut back on close. */
SHALE_API void shale_options_set_allow_fallocate(shale_options *o, bool v);     /* true */
SHALE_API void shale_options_set_env(shale_options *o, shale_env *env);         /* POSIX; borrowed */
SHALE_API void shale_options_set_write_buffer_size(shale_options *o, size_t v); /* 64 MiB */
SHALE_API void shale_options_set_max_write_buffer_number(shale_options *o, int v);          /* 2 */
SHALE_API void shale_options_set_min_write_buffer_number_to_merge(shale_options *o, int v); /* 1 */
SHALE_API void shale_options_set_level0_file_num_compaction_trigger(shale_options *o, int v); /* 4 */
SHALE_API void shale_options_set_level0_slowdown_writes_trigger(shale_options *o, int v);  /* 20 */
SHALE_API void shale_options_set_level0_stop_writes_trigger(shale_options *o, int v);      /* 36 */
SHALE_API void shale_options_set_max_bytes_for_level_base(shale_options *o, uint64_t v);  /* 256 MiB */
SHALE_API void shale_options_set_max_bytes_for_level_multiplier(shale_options *o, double v); /* 10 */
SHALE_API void shale_options_set_target_file_size_base(shale_options *o, uint64_t v);     /* 64 MiB */
SHALE_API void shale_options_set_target_file_size_multiplier(shale_options *o, int v);    /* 1 */
SHALE_API void shale_options_set_num_levels(shale_options *o, int v);                     /* 7 */
SHALE_API void shale_options_set_max_background_jobs(shale_options *o, int v);            /* 2 */
SHALE_API void shale_options_set_max_open_files(shale_options *o, int v);                 /* -1 */
SHALE_API void shale_options_set_disable_auto_compactions(shale_options *o, bool v);      /* false */
/* Compression of every level (SHALE_NO_COMPRESSION by default in shale;
 * RocksDB's default is Snappy, available when shale is built with
 * libsnappy). */
SHALE_API void shale_options_set_compression(shale_options *o, int compression);
/* Per-level compression: levels[0..n) (like compression_per_level). */
SHALE_API void shale_options_set_compression_per_level(shale_options *o, const int *levels,
                                                        size_t n);
/* Block-based table options (copied). */
SHALE_API void shale_options_set_table_options(shale_options *o, const shale_table_options *t);
/* Block cache (a reference is taken); NULL: an 8 MiB cache of the db's own. */
SHALE_API void shale_options_set_block_cache(shale_options *o, shale_cache *c);
SHALE_API void shale_options_set_cache_index_and_filter_blocks(shale_options *o, bool v); /* false */
SHALE_API void shale_options_set_wal_recovery_mode(shale_options *o, int mode);
/* Statistics object to fill (a reference is taken); NULL: none. */
SHALE_API void shale_options_set_statistics(shale_options *o, shale_statistics *s);
SHALE_API void shale_options_set_info_log_level(shale_options *o, int level);  /* INFO */

SHALE_API shale_read_options *shale_read_options_new(void);
SHALE_API void shale_read_options_free(shale_read_options *o);
SHALE_API void shale_read_options_set_snapshot(shale_read_options *o, const shale_snapshot *s);
SHALE_API void shale_read_options_set_verify_checksums(shale_read_options *o, bool v); /* true */
SHALE_API void shale_read_options_set_fill_cache(shale_read_options *o, bool v);       /* true */
/* Bounds are copied.  lower inclusive, upper exclusive; NULL clears. */
SHALE_API void shale_read_options_set_iterate_lower_bound(shale_read_options *o, const char *k,
                                                          size_t n);
SHALE_API void shale_read_options_set_iterate_upper_bound(shale_read_options *o, const char *k,
                                                          size_t n);

SHALE_API shale_write_options *shale_write_options_new(void);
SHALE_API void shale_write_options_free(shale_write_options *o);
SHALE_API void shale_write_options_set_sync(shale_write_options *o, bool v);        /* false */
SHALE_API void shale_write_options_set_disable_wal(shale_write_options *o, bool v); /* false */

/* --- open / close ----------------------------------------------------------
 * shale_db_open(): opens (or creates, with create_if_missing) the database
 * in directory `name`.  Takes the LOCK file: a second opener, in this or
 * another process, gets SHALE_IO_ERROR ("lock hold by current process").
 * Replays WALs per the recovery mode.  On failure *db = NULL.
 * Codes: SHALE_INVALID_ARGUMENT (missing with !create_if_missing, exists
 * with error_if_exists, bad options), SHALE_CORRUPTION, SHALE_IO_ERROR,
 * SHALE_NOT_SUPPORTED, SHALE_NO_MEMORY. */
SHALE_API SHALE_MUST_CHECK int shale_db_open(const shale_options *o, const char *name,
                                             shale_db **db, shale_err *err);
/* shale_db_close(): waits for background work, closes files and the
 * handle.  Unflushed writes stay in the WAL (as RocksDB does).  Snapshots
 * and iterators must be released first.  NULL allowed. */
SHALE_API int shale_db_close(shale_db *db, shale_err *err);
/* shale_db_destroy(): deletes the database's files and directory.  The
 * database must not be open. */
SHALE_API int shale_db_destroy(const shale_options *o, const char *name, shale_err *err);

/* --- writes ------------------------------------------------------------
 * Each write is atomic and durable per the write options: with sync it
 * returns only after the WAL is synced; without, it survives a process
 * crash (WAL on).  After a background error every write fails with it. */
SHALE_API SHALE_MUST_CHECK int shale_put(shale_db *db, const shale_write_options *wo,
                                         const char *key, size_t klen, const char *val,
                                         size_t vlen, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_delete(shale_db *db, const shale_write_options *wo,
                                            const char *key, size_t klen, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_single_delete(shale_db *db, const shale_write_options *wo,
                                                   const char *key, size_t klen, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_write(shale_db *db, const shale_write_options *wo,
                                           shale_write_batch *batch, shale_err *err);

/* --- write batches: one thread at a time ---------------------------------- */
SHALE_API shale_write_batch *shale_write_batch_new(void);
SHALE_API void shale_write_batch_free(shale_write_batch *b);
SHALE_API int shale_write_batch_put(shale_write_batch *b, const char *key, size_t klen,
                                    const char *val, size_t vlen, shale_err *err);
SHALE_API int shale_write_batch_delete(shale_write_batch *b, const char *key, size_t klen,
                                       shale_err *err);
SHALE_API int shale_write_batch_single_delete(shale_write_batch *b, const char *key, size_t klen,
                                              shale_err *err);
/* Deletes [begin, end) (RocksDB's DeleteRange). */
SHALE_API int shale_write_batch_delete_range(shale_write_batch *b, const char *begin,
                                             size_t blen, const char *end, size_t elen,
                                             shale_err *err);
SHALE_API void shale_write_batch_clear(shale_write_batch *b);
SHALE_API int shale_write_batch_count(const shale_write_batch *b);
/* Calls put(state, key, val) / del(state, key) for each record in order;
 * single deletes call del too; range deletions call neither (RocksDB's C
 * API does the same). */
SHALE_API int shale_write_batch_iterate(
    const shale_write_batch *b, void *state,
    void (*put)(void *state, const char *k, size_t klen, const char *v, size_t vlen),
    void (*del)(void *state, const char *k, size_t klen), shale_err *err);
/* The batch in RocksDB's WriteBatch wire format (borrowed, until the next
 * change of the batch). */
SHALE_API const char *shale_write_batch_data(const shale_write_batch *b, size_t *size);

/* --- reads ---------------------------------------------------------------
 * shale_get(): reads `key` at ro's snapshot (latest if none); ro may be
 * NULL.  Thread-safe.
 *   SHALE_OK         *val is a new buffer of *vlen bytes; free with shale_free().
 *   SHALE_NOT_FOUND  *val = NULL, *vlen = 0.
 *   SHALE_CORRUPTION, SHALE_IO_ERROR  *val = NULL; details in *err. */
SHALE_API SHALE_MUST_CHECK int shale_get(shale_db *db, const shale_read_options *ro,
                                         const char *key, size_t klen, char **val,
                                         size_t *vlen, shale_err *err);
/* shale_get_pinned(): shale_get() without a copy where it can (RocksDB's
 * Get into a PinnableSlice).  A value found in a memtable is lent from the
 * memtable, which stays alive while it is pinned; a value from an SST or a
 * merge is copied into `out`'s buffer (reused from call to call).  The
 * value (shale_pinnable_value) is valid until the next get into `out`,
 * shale_pinnable_reset() or shale_pinnable_free().  A pin keeps its
 * memtable's memory after a flush: release pins promptly, and every pin
 * before shale_db_close().  `out` is one thread's at a time.
 *   SHALE_OK         the value is in out.
 *   SHALE_NOT_FOUND  out holds nothing.
 *   SHALE_CORRUPTION, SHALE_IO_ERROR  out holds nothing; details in *err. */
typedef struct shale_pinnable shale_pinnable;
typedef struct shale_cf shale_cf;   /* column families: below */
/* A new, empty pinnable; NULL only when memory runs out. */
SHALE_API shale_pinnable *shale_pinnable_new(void);
/* Releases the pin and the value; out stays usable.  NULL-safe. */
SHALE_API void shale_pinnable_reset(shale_pinnable *p);
/* Reset, then frees p.  NULL-safe. */
SHALE_API void shale_pinnable_free(shale_pinnable *p);
/* The value of the last successful get (len 0 and "" when none). */
SHALE_API const char *shale_pinnable_value(const shale_pinnable *p, size_t *len);
/* Whether the value is lent from a memtable (true) or copied (false). */
SHALE_API bool shale_pinnable_is_pinned(const shale_pinnable *p);
SHALE_API SHALE_MUST_CHECK int shale_get_pinned(shale_db *db, const shale_read_options *ro,
                                                const char *key, size_t klen,
                                                shale_pinnable *out, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_get_pinned_cf(shale_db *db, const shale_read_options *ro,
                                                   shale_cf *cf, const char *key, size_t klen,
                                                   shale_pinnable *out, shale_err *err);

/* shale_multi_get(): n lookups at one consistent snapshot.  vals[i] and
 * vlens[i] as shale_get; codes[i] each key's code; returns SHALE_OK unless
 * the call itself failed. */
SHALE_API int shale_multi_get(shale_db *db, const shale_read_options *ro, size_t n,
                              const char *const *keys, const size_t *klens, char **vals,
                              size_t *vlens, int *codes, shale_err *err);

/* --- snapshots -------------------------------------------------------------
 * A snapshot pins the sequence number at creation; release every one. */
SHALE_API const shale_snapshot *shale_snapshot_create(shale_db *db);
SHALE_API void shale_snapshot_release(shale_db *db, const shale_snapshot *s);
SHALE_API uint64_t shale_snapshot_sequence(const shale_snapshot *s);

/* --- iterators -------------------------------------------------------------
 * An iterator sees a consistent view (ro's snapshot, or the latest at
 * creation).  Key and value are valid until the next move.  One thread. */
SHALE_API shale_iter *shale_iter_new(shale_db *db, const shale_read_options *ro);
SHALE_API void shale_iter_free(shale_iter *it);
SHALE_API bool shale_iter_valid(const shale_iter *it);
SHALE_API void shale_iter_seek_to_first(shale_iter *it);
SHALE_API void shale_iter_seek_to_last(shale_iter *it);
SHALE_API void shale_iter_seek(shale_iter *it, const char *key, size_t klen);
SHALE_API void shale_iter_seek_for_prev(shale_iter *it, const char *key, size_t klen);
SHALE_API void shale_iter_next(shale_iter *it);
SHALE_API void shale_iter_prev(shale_iter *it);
SHALE_API const char *shale_iter_key(const shale_iter *it, size_t *klen);
SHALE_API const char *shale_iter_value(const shale_iter *it, size_t *vlen);
/* SHALE_OK, or the error that ended iteration (copied to *err). */
SHALE_API int shale_iter_status(const shale_iter *it, shale_err *err);

/* --- maintenance ---------------------------------------------------------- */
/* Flushes the memtable to an L0 file; with wait, returns when done. */
SHALE_API int shale_flush(shale_db *db, bool wait, shale_err *err);
/* Compacts [begin, end) (NULL = open end) through every level, as RocksDB's
 * CompactRange; returns when done. */
SHALE_API int shale_compact_range(shale_db *db, const char *begin, size_t blen, const char *end,
                                  size_t elen, shale_err *err);
/* Waits until no flush or compaction is pending or running. */
SHALE_API int shale_wait_for_compact(shale_db *db, shale_err *err);

/* --- properties -------------------------------------------------------------
 * RocksDB's property names ("rocksdb.stats", "rocksdb.num-files-at-level0",
 * ...).  shale_get_property: a malloc'd string (free with shale_free()) or
 * NULL if unknown.  shale_get_int_property: true and *v for integer
 * properties, false if unknown. */
SHALE_API char *shale_get_property(shale_db *db, const char *name);
SHALE_API bool shale_get_int_property(shale_db *db, const char *name, uint64_t *v);

/* --- live files ------------------------------------------------------------ */
typedef struct shale_live_file {
    char *name;                 /* "/000012.sst", as RocksDB reports it */
    int level;
    uint64_t size;
    char *smallest_key;         /* user keys */
    size_t smallest_key_len;
    char *largest_key;
    size_t largest_key_len;
    uint64_t smallest_seqno, largest_seqno;
    uint64_t num_entries, num_deletions;
    char *column_family_name;
} shale_live_file;
/* Metadata of every live SST file; free with shale_live_files_free(). */
SHALE_API int shale_live_files(shale_db *db, shale_live_file **files, size_t *n, shale_err *err);
SHALE_API void shale_live_files_free(shale_live_file *files, size_t n);

/* --- column families --------------------------------------------------------
 * A column family is a keyspace of its own inside one database: its own
 * memtables, levels, options (merge operator, compaction filter, levels,
 * compression) and properties, sharing the WAL, the sequence numbers and the
 * MANIFEST with the others, as RocksDB's.  "default" (id 0) always exists.
 * Handles are the caller's: release each with shale_cf_handle_free() before
 * shale_db_close() (the default family's handle from shale_db_default_cf()
 * is the database's own and is never freed).  A batch spans families
 * atomically. */
typedef struct shale_cf shale_cf;
#define SHALE_DEFAULT_CF_NAME "default"

SHALE_API void shale_options_set_create_missing_column_families(shale_options *o, bool v);
/* shale_db_open_cf(): opens with the families names[0..n), each with its
 * options (cf_opts[i]; NULL: db_opts), handles[i] set on success.  As
 * RocksDB: every family in the database must be listed
 * (SHALE_INVALID_ARGUMENT "Column families not opened: X"), "default"
 * included; a listed family the database lacks is created with
 * create_missing_column_families, else SHALE_INVALID_ARGUMENT "Column
 * family not found: X". */
SHALE_API SHALE_MUST_CHECK int shale_db_open_cf(const shale_options *db_opts, const char *name,
                                                size_t n, const char *const *names,
                                                const shale_options *const *cf_opts,
                                                shale_cf **handles, shale_db **db,
                                                shale_err *err);
/* shale_db_list_cf(): the names of the families of the database in
 * directory `name`, from its MANIFEST (id order).  Free with
 * shale_cf_names_free(). */
SHALE_API int shale_db_list_cf(const shale_options *o, const char *name, char ***names,
                               size_t *n, shale_err *err);
SHALE_API void shale_cf_names_free(char **names, size_t n);
/* shale_create_cf(): a new family (durable in the MANIFEST on return).
 * SHALE_INVALID_ARGUMENT if the name exists ("Column family already
 * exists"). */
SHALE_API SHALE_MUST_CHECK int shale_create_cf(shale_db *db, const shale_options *o,
                                               const char *name, shale_cf **handle,
                                               shale_err *err);
/* shale_drop_cf(): drops the family (durable on return); its files are
 * deleted once no handle, iterator or snapshot read needs them.  The
 * default family cannot be dropped (SHALE_INVALID_ARGUMENT).  The handle
 * stays valid until freed; writes through it fail. */
SHALE_API SHALE_MUST_CHECK int shale_drop_cf(shale_db *db, shale_cf *cf, shale_err *err);
SHALE_API void shale_cf_handle_free(shale_cf *cf);
/* The default family's handle: the database's own (do not free). */
SHALE_API shale_cf *shale_db_default_cf(shale_db *db);
SHALE_API const char *shale_cf_name(const shale_cf *cf);
SHALE_API uint32_t shale_cf_id(const shale_cf *cf);

/* The calls above with a family.  cf NULL means the default family. */
SHALE_API SHALE_MUST_CHECK int shale_put_cf(shale_db *db, const shale_write_options *wo,
                                            shale_cf *cf, const char *key, size_t klen,
                                            const char *val, size_t vlen, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_delete_cf(shale_db *db, const shale_write_options *wo,
                                               shale_cf *cf, const char *key, size_t klen,
                                               shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_single_delete_cf(shale_db *db,
                                                      const shale_write_options *wo,
                                                      shale_cf *cf, const char *key,
                                                      size_t klen, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_delete_range_cf(shale_db *db,
                                                     const shale_write_options *wo,
                                                     shale_cf *cf, const char *begin,
                                                     size_t blen, const char *end,
                                                     size_t elen, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_merge_cf(shale_db *db, const shale_write_options *wo,
                                              shale_cf *cf, const char *key, size_t klen,
                                              const char *val, size_t vlen, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_get_cf(shale_db *db, const shale_read_options *ro,
                                            shale_cf *cf, const char *key, size_t klen,
                                            char **val, size_t *vlen, shale_err *err);
/* cfs[i]: the family of keys[i] (NULL entries: default). */
SHALE_API int shale_multi_get_cf(shale_db *db, const shale_read_options *ro,
                                 shale_cf *const *cfs, size_t n, const char *const *keys,
                                 const size_t *klens, char **vals, size_t *vlens, int *codes,
                                 shale_err *err);
SHALE_API shale_iter *shale_iter_new_cf(shale_db *db, const shale_read_options *ro,
                                        shale_cf *cf);
SHALE_API int shale_flush_cf(shale_db *db, shale_cf *cf, bool wait, shale_err *err);
SHALE_API int shale_compact_range_cf(shale_db *db, shale_cf *cf, const char *begin,
                                     size_t blen, const char *end, size_t elen,
                                     shale_err *err);
SHALE_API char *shale_get_property_cf(shale_db *db, shale_cf *cf, const char *name);
SHALE_API bool shale_get_int_property_cf(shale_db *db, shale_cf *cf, const char *name,
                                         uint64_t *v);
SHALE_API int shale_write_batch_put_cf(shale_write_batch *b, shale_cf *cf, const char *key,
                                       size_t klen, const char *val, size_t vlen,
                                       shale_err *err);
SHALE_API int shale_write_batch_delete_cf(shale_write_batch *b, shale_cf *cf, const char *key,
                                          size_t klen, shale_err *err);
SHALE_API int shale_write_batch_single_delete_cf(shale_write_batch *b, shale_cf *cf,
                                                 const char *key, size_t klen,
                                                 shale_err *err);
SHALE_API int shale_write_batch_delete_range_cf(shale_write_batch *b, shale_cf *cf,
                                                const char *begin, size_t blen,
                                                const char *end, size_t elen, shale_err *err);
SHALE_API int shale_write_batch_merge_cf(shale_write_batch *b, shale_cf *cf, const char *key,
                                         size_t klen, const char *val, size_t vlen,
                                         shale_err *err);
/* Live files of one family (shale_live_files() gives every family's). */
SHALE_API int shale_live_files_cf(shale_db *db, shale_cf *cf, shale_live_file **files,
                                  size_t *n, shale_err *err);

/* --- file deletions (checkpoints and backups) ---------------------------------
 * While disabled (a counter: each disable needs an enable), no obsolete
 * file is deleted, so a listed file stays on disk until copied.
 * shale_enable_file_deletions() with force re-enables at once. */
SHALE_API int shale_disable_file_deletions(shale_db *db, shale_err *err);
SHALE_API int shale_enable_file_deletions(shale_db *db, bool force, shale_err *err);
/* shale_get_live_files(): the files a copy of the database needs, as
 * RocksDB's GetLiveFiles: "/CURRENT", "/MANIFEST-N", "/OPTIONS-N" and every
 * live "/N.sst" (names relative to the db directory), and the MANIFEST's
 * valid size (copy only that many bytes).  With flush, the memtables are
 * flushed first.  Free with shale_cf_names_free().  Call with deletions
 * disabled. */
SHALE_API int shale_get_live_files(shale_db *db, bool flush, char ***names, size_t *n,
                                   uint64_t *manifest_size, shale_err *err);
/* The WAL files still live ("/N.log"), oldest first, for checkpoints
 * taken without flush, and their sizes.  Free the names with
 * shale_cf_names_free() and the sizes with shale_free(). */
SHALE_API int shale_get_live_wal_files(shale_db *db, char ***names, uint64_t **sizes,
                                       size_t *n, shale_err *err);
/* The database's directory (borrowed) and latest sequence number. */
SHALE_API const char *shale_db_name(const shale_db *db);
SHALE_API uint64_t shale_db_latest_sequence(shale_db *db);

#ifdef __cplusplus
}
#endif
#endif
