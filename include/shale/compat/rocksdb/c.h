/* include/shale/compat/rocksdb/c.h: RocksDB 7.8.3's C API, served by shale.
 *
 * Programs written against RocksDB's <rocksdb/c.h> build against shale by
 * adding -I<prefix>/include/shale/compat and linking -lshale-rocksdb
 * (pkg-config shale-rocksdb) instead of -lrocksdb.  Every function, enum and
 * constant of 7.8.3's header is declared here with the same signature; the
 * layout and the comments are shale's.  Which calls do what RocksDB does,
 * which differ and which return "Not implemented: ..." is listed in
 * docs/compat.md (generated from the sources).
 *
 * Conventions (RocksDB's):
 *   - handles are opaque, with create/destroy pairs;
 *   - a fallible call takes `char **errptr` last: on failure an old message
 *     in *errptr is freed and a new malloc'd one stored ("NotFound: ...",
 *     "Corruption: ...", "Invalid argument: ...", "IO error: ...",
 *     "Not implemented: ..."); success leaves *errptr alone;
 *   - booleans are unsigned char (0 false, anything else true);
 *   - malloc'd results are released with rocksdb_free();
 *   - callbacks come as (state, destructor, function..., name).
 * Pointer arguments must not be NULL unless a call says otherwise.
 *
 * The shale section at the end adds the emulated API level and shale's own
 * version. */
#ifndef SHALE_COMPAT_ROCKSDB_C_H
#define SHALE_COMPAT_ROCKSDB_C_H

/* Export marker.  RocksDB leaves it empty outside Windows DLL builds;
 * shale also marks the symbols visible so the library can be built with
 * hidden visibility by default. */
#ifdef _WIN32
#ifdef ROCKSDB_DLL
#ifdef ROCKSDB_LIBRARY_EXPORTS
#define ROCKSDB_LIBRARY_API __declspec(dllexport)
#else
#define ROCKSDB_LIBRARY_API __declspec(dllimport)
#endif
#else
#define ROCKSDB_LIBRARY_API
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define ROCKSDB_LIBRARY_API __attribute__((visibility("default")))
#else
#define ROCKSDB_LIBRARY_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


/* Opaque handles. */
typedef struct rocksdb_t rocksdb_t;
typedef struct rocksdb_backup_engine_t rocksdb_backup_engine_t;
typedef struct rocksdb_backup_engine_info_t rocksdb_backup_engine_info_t;
typedef struct rocksdb_backup_engine_options_t rocksdb_backup_engine_options_t;
typedef struct rocksdb_restore_options_t rocksdb_restore_options_t;
typedef struct rocksdb_memory_allocator_t rocksdb_memory_allocator_t;
typedef struct rocksdb_lru_cache_options_t rocksdb_lru_cache_options_t;
typedef struct rocksdb_cache_t rocksdb_cache_t;
typedef struct rocksdb_compactionfilter_t rocksdb_compactionfilter_t;
typedef struct rocksdb_compactionfiltercontext_t rocksdb_compactionfiltercontext_t;
typedef struct rocksdb_compactionfilterfactory_t rocksdb_compactionfilterfactory_t;
typedef struct rocksdb_comparator_t rocksdb_comparator_t;
typedef struct rocksdb_dbpath_t rocksdb_dbpath_t;
typedef struct rocksdb_env_t rocksdb_env_t;
typedef struct rocksdb_fifo_compaction_options_t rocksdb_fifo_compaction_options_t;
typedef struct rocksdb_filelock_t rocksdb_filelock_t;
typedef struct rocksdb_filterpolicy_t rocksdb_filterpolicy_t;
typedef struct rocksdb_flushoptions_t rocksdb_flushoptions_t;
typedef struct rocksdb_iterator_t rocksdb_iterator_t;
typedef struct rocksdb_logger_t rocksdb_logger_t;
typedef struct rocksdb_mergeoperator_t rocksdb_mergeoperator_t;
typedef struct rocksdb_options_t rocksdb_options_t;
typedef struct rocksdb_compactoptions_t rocksdb_compactoptions_t;
typedef struct rocksdb_block_based_table_options_t rocksdb_block_based_table_options_t;
typedef struct rocksdb_cuckoo_table_options_t rocksdb_cuckoo_table_options_t;
typedef struct rocksdb_randomfile_t rocksdb_randomfile_t;
typedef struct rocksdb_readoptions_t rocksdb_readoptions_t;
typedef struct rocksdb_seqfile_t rocksdb_seqfile_t;
typedef struct rocksdb_slicetransform_t rocksdb_slicetransform_t;
typedef struct rocksdb_snapshot_t rocksdb_snapshot_t;
typedef struct rocksdb_writablefile_t rocksdb_writablefile_t;
typedef struct rocksdb_writebatch_t rocksdb_writebatch_t;
typedef struct rocksdb_writebatch_wi_t rocksdb_writebatch_wi_t;
typedef struct rocksdb_writeoptions_t rocksdb_writeoptions_t;
typedef struct rocksdb_universal_compaction_options_t rocksdb_universal_compaction_options_t;
typedef struct rocksdb_livefiles_t rocksdb_livefiles_t;
typedef struct rocksdb_column_family_handle_t rocksdb_column_family_handle_t;
typedef struct rocksdb_column_family_metadata_t rocksdb_column_family_metadata_t;
typedef struct rocksdb_level_metadata_t rocksdb_level_metadata_t;
typedef struct rocksdb_sst_file_metadata_t rocksdb_sst_file_metadata_t;
typedef struct rocksdb_envoptions_t rocksdb_envoptions_t;
typedef struct rocksdb_ingestexternalfileoptions_t rocksdb_ingestexternalfileoptions_t;
typedef struct rocksdb_sstfilewriter_t rocksdb_sstfilewriter_t;
typedef struct rocksdb_ratelimiter_t rocksdb_ratelimiter_t;
typedef struct rocksdb_perfcontext_t rocksdb_perfcontext_t;
typedef struct rocksdb_pinnableslice_t rocksdb_pinnableslice_t;
typedef struct rocksdb_transactiondb_options_t rocksdb_transactiondb_options_t;
typedef struct rocksdb_transactiondb_t rocksdb_transactiondb_t;
typedef struct rocksdb_transaction_options_t rocksdb_transaction_options_t;
typedef struct rocksdb_optimistictransactiondb_t rocksdb_optimistictransactiondb_t;
typedef struct rocksdb_optimistictransaction_options_t rocksdb_optimistictransaction_options_t;
typedef struct rocksdb_transaction_t rocksdb_transaction_t;
typedef struct rocksdb_checkpoint_t rocksdb_checkpoint_t;
typedef struct rocksdb_wal_iterator_t rocksdb_wal_iterator_t;
typedef struct rocksdb_wal_readoptions_t rocksdb_wal_readoptions_t;
typedef struct rocksdb_memory_consumers_t rocksdb_memory_consumers_t;
typedef struct rocksdb_memory_usage_t rocksdb_memory_usage_t;

/* The declarations, by concept (each file is one part of this header). */
#include "c_db.h"
#include "c_batch_table.h"
#include "c_options.h"
#include "c_misc.h"

/* ---- shale: not part of RocksDB's API ---------------------------------------- */
/* The RocksDB C API level this header and library emulate: "7.8.3".  A
 * static string. */
#define SHALE_ROCKSDB_C_API_VERSION "7.8.3"
extern ROCKSDB_LIBRARY_API const char* shale_rocksdb_c_api_version(void);
/* shale's own version, "MAJOR.MINOR.PATCH" (also in shale/api.h).  A static
 * string. */
extern ROCKSDB_LIBRARY_API const char* shale_version(void);

#ifdef __cplusplus
} /* end extern "C" */
#endif

#endif /* SHALE_COMPAT_ROCKSDB_C_H */
