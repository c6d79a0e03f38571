/* lsm/db/options.h: the option structs behind the public opaque handles of
 * include/shale/db.h, with RocksDB's names and defaults.  The database copies
 * the options at open; nothing here is shared afterwards. */
#ifndef LSM_DB_OPTIONS_H
#define LSM_DB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/cache/block_cache.h"
#include "lsm/compaction/compaction_filter.h"
#include "lsm/compaction/compaction_style.h"
#include "lsm/db/merge.h"
#include "lsm/table/sst_builder.h"
#include "shale/db.h"

#define MAX_LEVELS 64

struct shale_options {
    bool create_if_missing, error_if_exists, paranoid_checks;
    shale_env *env;                         /* borrowed */
    size_t write_buffer_size;
    int max_write_buffer_number;
    int min_write_buffer_number_to_merge;
    int level0_file_num_compaction_trigger;
    int level0_slowdown_writes_trigger;
    int level0_stop_writes_trigger;
    uint64_t max_bytes_for_level_base;
    double max_bytes_for_level_multiplier;
    uint64_t target_file_size_base;
    int target_file_size_multiplier;
    int num_levels;
    int max_background_jobs;
    int max_open_files;
    bool disable_auto_compactions;
    int compression;                        /* every level unless per-level set */
    int compression_per_level[MAX_LEVELS];
    size_t num_compression_per_level;       /* 0: use `compression` */
    shale_table_options table;
    block_cache *bcache;                    /* referenced; NULL: the db makes one */
    bool cache_index_and_filter_blocks;
    int wal_recovery_mode;
    shale_statistics *stats;                /* referenced; NULL: none */
    int info_log_level;
    uint64_t max_manifest_file_size;
    uint64_t delayed_write_rate;            /* bytes/s while slowed down */
    shale_merge_operator *merge_operator;   /* referenced; NULL: none */
    size_t max_successive_merges;           /* 0: off */
    shale_compaction_filter *compaction_filter;           /* borrowed; NULL: none */
    shale_compaction_filter_factory *compaction_filter_factory;  /* referenced */
    bool create_missing_column_families;
    bool allow_fallocate;                   /* preallocate WAL space (true) */
    compaction_style_options cstyle;        /* compaction_style, universal, fifo, ttl */
};

struct shale_read_options {
    const shale_snapshot *snapshot;
    bool verify_checksums, fill_cache;
    char *lower, *upper;                    /* owned copies; NULL: unbounded */
    size_t lower_len, upper_len;
};

struct shale_write_options {
    bool sync, disable_wal;
};

void options_init(shale_options *o);
/* Copies src into dst, taking new references on the cache, statistics and
 * merge operator. */
void options_copy(shale_options *dst, const shale_options *src);
/* Drops the references a copy holds. */
void options_deinit(shale_options *o);
/* SHALE_INVALID_ARGUMENT naming the first option out of range. */
int options_check(const shale_options *o, shale_err *err);
/* The compression of a level (per-level list, else the default). */
int options_compression_for_level(const shale_options *o, int level);
void read_options_init(shale_read_options *o);
void write_options_init(shale_write_options *o);

#endif
