/* compat/rocksdb/c_internal.h: what the files of the RocksDB C API layer
 * share: the structs behind rocksdb/c.h's opaque handles, the error
 * conversion to RocksDB's Status text, and small helpers.
 *
 * Every handle wraps shale's public objects (include/shale/ headers); nothing
 * here reaches into the engine's internals, so the layer is a user of the
 * public API like any other program.
 *
 * Status markers: each definition in compat/rocksdb/ sources is preceded by a
 * comment `compat: implemented`, `compat: partial: <what differs>` or
 * `compat: not implemented` (with the comment delimiters), and the option
 * tables carry the same words as their last column; build_tools/
 * compat_table.py turns them into docs/compat.md. */
#ifndef COMPAT_ROCKSDB_C_INTERNAL_H
#define COMPAT_ROCKSDB_C_INTERNAL_H

#include "rocksdb/c.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/cache.h"
#include "shale/compaction_filter.h"
#include "shale/db.h"
#include "shale/err.h"
#include "shale/merge.h"
#include "shale/sst.h"
#include "shale/statistics.h"
#include "shale/table.h"

/* --- errors ---------------------------------------------------------------- */
/* RocksDB's Status prefix for a shale code ("NotFound: ", "IO error: ", ...). */
const char *compat_status_prefix(int code);
/* Stores "<prefix><err->msg>" in *errptr as RocksDB's C API does: the old
 * message freed, a new malloc'd one stored.  errptr NULL: nothing. */
void compat_set_err(char **errptr, int code, const shale_err *err);
/* Stores "<prefix><formatted text>" for `code`. */
void compat_set_errf(char **errptr, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "Not implemented: <what>" (RocksDB's NotSupported text). */
void compat_not_implemented(char **errptr, const char *what);
/* Converts a shale call's result: sets *errptr unless rc is SHALE_OK;
 * returns rc == SHALE_OK. */
bool compat_check(char **errptr, int rc, const shale_err *err);

/* Fills *err (NULL allowed) with code and msg; returns code. */
int compat_err_fill(shale_err *err, int code, const char *msg);

/* A malloc'd copy of n bytes plus a NUL; NULL when out of memory. */
char *compat_memdup(const char *p, size_t n);

/* --- reference-counted shared objects (RocksDB's shared_ptr members) ------- */
struct rocksdb_cache_t {
    atomic_int refs;
    shale_cache *cache;            /* one shale reference, released with the last ref */
};
void compat_cache_ref(rocksdb_cache_t *c);
void compat_cache_unref(rocksdb_cache_t *c);

struct rocksdb_mergeoperator_t {
    atomic_int refs;
    void *state;
    void (*destructor)(void *);
    char *(*full_merge)(void *, const char *, size_t, const char *, size_t, const char *const *,
                        const size_t *, int, unsigned char *, size_t *);
    char *(*partial_merge)(void *, const char *, size_t, const char *const *, const size_t *,
                           int, unsigned char *, size_t *);
    void (*delete_value)(void *, const char *, size_t);
    const char *(*name)(void *);
};
void compat_mergeoperator_ref(rocksdb_mergeoperator_t *m);
void compat_mergeoperator_unref(rocksdb_mergeoperator_t *m);
/* A shale operator over m's callbacks (takes a reference on m); NULL on
 * no memory. */
shale_merge_operator *compat_mergeoperator_to_shale(rocksdb_mergeoperator_t *m);

struct rocksdb_compactionfilter_t {
    void *state;
    void (*destructor)(void *);
    unsigned char (*filter)(void *, int, const char *, size_t, const char *, size_t, char **,
                            size_t *, unsigned char *);
    const char *(*name)(void *);
    shale_compaction_filter *shale;  /* owns this struct: its destructor frees it */
};

struct rocksdb_compactionfilterfactory_t {
    atomic_int refs;
    void *state;
    void (*destructor)(void *);
    rocksdb_compactionfilter_t *(*create)(void *, rocksdb_compactionfiltercontext_t *);
    const char *(*name)(void *);
};
void compat_cfilter_factory_ref(rocksdb_compactionfilterfactory_t *f);
void compat_cfilter_factory_unref(rocksdb_compactionfilterfactory_t *f);
shale_compaction_filter_factory *compat_cfilter_factory_to_shale(
    rocksdb_compactionfilterfactory_t *f);

struct rocksdb_compactionfiltercontext_t {
    unsigned char is_full_compaction, is_manual_compaction;
};

/* A custom comparator: kept so that opening with one fails plainly. */
struct rocksdb_comparator_t {
    void *state;
    void (*destructor)(void *);
    const char *(*name)(void *);
};

/* --- table options ------------------------------------------------------------ */
enum compat_filter_kind { COMPAT_FILTER_BLOOM, COMPAT_FILTER_RIBBON };

struct rocksdb_filterpolicy_t {
    atomic_int refs;               /* table options share it, as RocksDB's shared_ptr */
    double bits_per_key;
    int kind;                      /* enum compat_filter_kind */
};
void compat_filterpolicy_unref(rocksdb_filterpolicy_t *p);

/* RocksDB's BlockBasedTableOptions as set through the C API (defaults
 * RocksDB 7.8.3's: no filter, XXH3 checksums, format_version 5). */
struct rocksdb_block_based_table_options_t {
    size_t block_size;
    int block_size_deviation, block_restart_interval, index_block_restart_interval;
    int format_version;
    char checksum;
    unsigned char whole_key_filtering, no_block_cache, cache_index_and_filter_blocks;
    rocksdb_filterpolicy_t *filter;   /* referenced; NULL: no filter */
    rocksdb_cache_t *cache;           /* referenced; NULL: the database's own */
};
void compat_bbto_init(rocksdb_block_based_table_options_t *t);
/* Copies src into dst (taking references). */
void compat_bbto_copy(rocksdb_block_based_table_options_t *dst,
                      const rocksdb_block_based_table_options_t *src);
/* The shale table options equivalent to t; NULL on no memory. */
shale_table_options *compat_bbto_to_shale(const rocksdb_block_based_table_options_t *t);
void compat_bbto_deinit(rocksdb_block_based_table_options_t *t);

/* --- options --------------------------------------------------------------- */
/* Option tables: X(name, setter type, getter type, RocksDB default, status). */
#include "compat/rocksdb/c_options_table.h"

struct rocksdb_options_t {
#define COMPAT_OPT_FIELD(name, stype, gtype, def, status) gtype name;
    COMPAT_DB_OPTIONS(COMPAT_OPT_FIELD)
#undef COMPAT_OPT_FIELD
    int compression_per_level[64];
    size_t num_compression_per_level;         /* 0: `compression` everywhere */
    rocksdb_block_based_table_options_t table;
    rocksdb_mergeoperator_t *merge_operator;  /* referenced */
    bool uint64add;                           /* rocksdb_options_set_uint64add_merge_operator */
    rocksdb_compactionfilter_t *compaction_filter;                /* borrowed */
    rocksdb_compactionfilterfactory_t *compaction_filter_factory; /* referenced */
    shale_statistics *stats;                  /* referenced; NULL: off */
    rocksdb_comparator_t *comparator;         /* borrowed; NULL: bytewise */
    size_t compaction_readahead_size;
    unsigned char memtable_whole_key_filtering, dump_malloc_stats;
    struct {                                  /* universal and FIFO settings, passed on at open */
        int size_ratio, min_merge_width, max_merge_width;
        int max_size_amplification_percent, compression_size_percent, stop_style;
        uint64_t fifo_max_table_files_size;
    } style;
};
/* The shale options equivalent to o (NULL o: RocksDB's defaults); free
 * with shale_options_free(). */
int compat_options_to_shale(const rocksdb_options_t *o, shale_options **out, shale_err *err);

struct rocksdb_readoptions_t {
    shale_read_options *ro;
    const rocksdb_snapshot_t *snapshot;
#define COMPAT_OPT_FIELD(name, stype, gtype, def, status) gtype name;
    COMPAT_READ_OPTIONS(COMPAT_OPT_FIELD)
#undef COMPAT_OPT_FIELD
};

/* r's shale read options with the plain fields applied; NULL r: NULL
 * (shale's defaults, which are RocksDB's). */
shale_read_options *compat_ro(const rocksdb_readoptions_t *r);

struct rocksdb_writeoptions_t {
    shale_write_options *wo;
    unsigned char disable_wal;
#define COMPAT_OPT_FIELD(name, stype, gtype, def, status) gtype name;
    COMPAT_WRITE_OPTIONS(COMPAT_OPT_FIELD)
#undef COMPAT_OPT_FIELD
};

shale_write_options *compat_wo(const rocksdb_writeoptions_t *w);

struct rocksdb_flushoptions_t {
    unsigned char wait;
};

struct rocksdb_compactoptions_t {
#define COMPAT_OPT_FIELD(name, stype, gtype, def, status) gtype name;
    COMPAT_COMPACT_OPTIONS(COMPAT_OPT_FIELD)
#undef COMPAT_OPT_FIELD
};

/* --- databases ------------------------------------------------------------- */
struct rocksdb_column_family_handle_t {
    shale_cf *cf;                  /* the caller's shale handle (shale_cf_handle_free) */
    char *name;
    uint32_t id;
};

struct rocksdb_t {
    shale_db *db;
};

struct rocksdb_snapshot_t {
    const shale_snapshot *snap;
};

/* The shale family of a handle (NULL for the default family). */
static inline shale_cf *compat_cf(const rocksdb_column_family_handle_t *h)
{
    return h != NULL ? h->cf : NULL;
}

struct rocksdb_writebatch_t {
    shale_write_batch *batch;
    size_t *saves;                 /* save points: sizes of the wire format */
    size_t nsaves, cap;
};

struct rocksdb_iterator_t {
    shale_iter *it;
};

#endif
