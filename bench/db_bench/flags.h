/* bench/db_bench/flags.h: db_bench's command-line flags, gflags style.
 *
 * Names, meanings and defaults are RocksDB 7.8.3 db_bench's, so a command
 * line written for RocksDB runs unchanged.  Accepted forms: --name=value,
 * --name value (non-boolean flags), --name and --noname (booleans), with one
 * or two leading dashes.  An unknown flag is an error naming it.
 * One exception to RocksDB's defaults: compression_type is "none", because
 * RocksDB's default (snappy) is not built into shale. */
#ifndef BENCH_DB_BENCH_FLAGS_H
#define BENCH_DB_BENCH_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct bench_flags {
    char *benchmarks;
    int64_t num, reads, writes, deletes;
    int64_t value_size, key_size;
    double compression_ratio;
    int64_t threads, duration, seed;
    char *db;
    bool use_existing_db;
    int64_t cache_size, bloom_bits, block_size;
    char *compression_type;
    int64_t compaction_style;
    int64_t universal_size_ratio, universal_min_merge_width, universal_max_merge_width;
    int64_t universal_max_size_amplification_percent, universal_compression_size_percent;
    bool universal_allow_trivial_move;
    int64_t fifo_compaction_max_table_files_size_mb, fifo_compaction_ttl;
    bool fifo_compaction_allow_compaction;
    char *merge_operator;
    int64_t merge_keys;
    int64_t write_buffer_size, max_write_buffer_number, min_write_buffer_number_to_merge;
    int64_t target_file_size_base, max_bytes_for_level_base;
    double max_bytes_for_level_multiplier;
    int64_t level0_file_num_compaction_trigger, level0_slowdown_writes_trigger;
    int64_t level0_stop_writes_trigger, max_background_jobs, open_files;
    bool sync, disable_wal, disable_auto_compactions, allow_fallocate;
    int64_t batch_size, seek_nexts, readwritepercent;
    int64_t checksum_type, format_version;
    bool histogram, statistics;
    int64_t stats_level, stats_interval, stats_interval_seconds, report_interval_seconds;
    char *report_file;
    int64_t benchmark_write_rate_limit;
    char *json;
} bench_flags;

/* The flags of this process; set by flags_parse(). */
extern bench_flags g_flags;

enum flags_result { FLAGS_OK = 0, FLAGS_ERROR = 1, FLAGS_HELP = 2 };

/* flags_parse(): resets g_flags to the defaults, then applies argv[1..argc).
 * FLAGS_OK: parsed.  FLAGS_HELP: --help was given (nothing printed).
 * FLAGS_ERROR: msg (size n) holds RocksDB-style text such as
 * "ERROR: unknown command line flag 'x'". */
int flags_parse(int argc, char **argv, char *msg, size_t n);

/* flags_print_help(): every flag with its type, default and meaning. */
void flags_print_help(FILE *out);

/* flags_free(): releases the strings held by g_flags. */
void flags_free(void);

#endif
