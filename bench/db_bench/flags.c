/* bench/db_bench/flags.c: the flag table and the gflags-style parser.
 *
 * One table row per flag (name, type, where it lives, default text, help)
 * drives defaults, parsing and --help alike, so the three cannot disagree. */
#include "bench/db_bench/flags.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bench_flags g_flags;

enum flag_type { FT_BOOL, FT_INT, FT_DOUBLE, FT_STRING };

typedef struct flag_def {
    const char *name;
    enum flag_type type;
    size_t offset;        /* into bench_flags */
    const char *dflt;
    const char *help;
} flag_def;

#define F(name, type, dflt, help) { #name, type, offsetof(bench_flags, name), dflt, help }

static const flag_def FLAG_DEFS[] = {
    F(benchmarks, FT_STRING,
      "fillseq,fillsync,fillrandom,overwrite,readrandom,seekrandom,readseq,readreverse,"
      "compact,flush,waitforcompaction,readwhilewriting,readrandomwriterandom,updaterandom,"
      "fill100K,crc32c,xxh3",
      "Comma-separated list of operations to run in the specified order; name[X3-W1] "
      "repeats a benchmark 3 times after 1 warm-up run"),
    F(num, FT_INT, "1000000", "Number of key/values to place in database"),
    F(reads, FT_INT, "-1", "Number of read operations to do.  If negative, do --num reads."),
    F(writes, FT_INT, "-1", "Number of write operations to do.  If negative, do --num writes."),
    F(deletes, FT_INT, "-1", "Number of delete operations to do.  If negative, do --num deletions."),
    F(value_size, FT_INT, "100", "Size of each value"),
    F(key_size, FT_INT, "16", "size of each key"),
    F(compression_ratio, FT_DOUBLE, "0.5",
      "Arrange to generate values that shrink to this fraction of their original size after "
      "compression"),
    F(threads, FT_INT, "1", "Number of concurrent threads to run."),
    F(duration, FT_INT, "0",
      "Time in seconds for the random-ops tests to run.  When 0 then num & reads determine "
      "the test duration"),
    F(seed, FT_INT, "0", "Seed base for random number generators.  When 0 it is derived from "
      "the current time."),
    F(db, FT_STRING, "", "Use the db with the following name."),
    F(use_existing_db, FT_BOOL, "false", "If true, do not destroy the existing database."),
    F(cache_size, FT_INT, "8388608", "Number of bytes to use as a cache of uncompressed data"),
    F(bloom_bits, FT_INT, "-1", "Bloom filter bits per key.  Negative means use default (none).  "
      "Zero disables."),
    F(block_size, FT_INT, "4096", "Number of bytes in a block."),
    F(compression_type, FT_STRING, "none",
      "Algorithm to use to compress the database: none or lz4"),
    F(compaction_style, FT_INT, "0", "style of compaction: level-based, universal and fifo"),
    F(universal_size_ratio, FT_INT, "0", "Percentage flexibility while comparing file size "
      "(for universal compaction only)."),
    F(universal_min_merge_width, FT_INT, "0", "The minimum number of files in a single "
      "compaction run (for universal compaction only)."),
    F(universal_max_merge_width, FT_INT, "0", "The max number of files to compact in "
      "universal style compaction"),
    F(universal_max_size_amplification_percent, FT_INT, "0",
      "The max size amplification for universal style compaction"),
    F(universal_compression_size_percent, FT_INT, "-1", "The percentage of the database to "
      "compress for universal compaction. -1 means compress everything."),
    F(universal_allow_trivial_move, FT_BOOL, "false",
      "Allow trivial move in universal compaction."),
    F(fifo_compaction_max_table_files_size_mb, FT_INT, "0",
      "The limit of total table file sizes to trigger FIFO compaction"),
    F(fifo_compaction_allow_compaction, FT_BOOL, "true", "Allow compaction in FIFO compaction."),
    F(fifo_compaction_ttl, FT_INT, "0", "TTL for the SST Files in seconds."),
    F(write_buffer_size, FT_INT, "67108864", "Number of bytes to buffer in memtable before "
      "compacting"),
    F(max_write_buffer_number, FT_INT, "2", "The number of in-memory memtables."),
    F(merge_operator, FT_STRING, "", "The merge operator to use with the database: "
      "uint64add, stringappend or stringappendtest (RocksDB's names; use a fresh database "
      "when changing it)"),
    F(merge_keys, FT_INT, "-1", "Number of distinct keys to use for MergeRandom. If "
      "negative, there will be FLAGS_num keys."),
    F(min_write_buffer_number_to_merge, FT_INT, "1",
      "The minimum number of write buffers that will be merged together before writing to "
      "storage."),
    F(target_file_size_base, FT_INT, "67108864", "Target file size at level-1"),
    F(max_bytes_for_level_base, FT_INT, "268435456", "Max bytes for level-1"),
    F(max_bytes_for_level_multiplier, FT_DOUBLE, "10",
      "A multiplier to compute max bytes for level-N (N >= 2)"),
    F(level0_file_num_compaction_trigger, FT_INT, "4",
      "Number of files in level-0 when compactions start."),
    F(level0_slowdown_writes_trigger, FT_INT, "20",
      "Number of files in level-0 that will slow down writes."),
    F(level0_stop_writes_trigger, FT_INT, "36",
      "Number of files in level-0 that will trigger put stop."),
    F(max_background_jobs, FT_INT, "2", "The maximum number of concurrent background jobs."),
    F(open_files, FT_INT, "-1", "Maximum number of files to keep open at the same time"),
    F(sync, FT_BOOL, "false", "Sync all writes to disk"),
    F(disable_wal, FT_BOOL, "false", "If true, do not write WAL for write."),
    F(allow_fallocate, FT_BOOL, "true", "If true, preallocate WAL space ahead of the writes "
      "(shale only: RocksDB 7.8.3's db_bench has no such flag; its DBOptions does)"),
    F(disable_auto_compactions, FT_BOOL, "false", "Do not auto trigger compactions"),
    F(batch_size, FT_INT, "1", "Batch size"),
    F(seek_nexts, FT_INT, "0", "How many times to call Next() after Seek() in seekrandom"),
    F(readwritepercent, FT_INT, "90", "Ratio of reads to reads/writes (expressed as "
      "percentage) for the ReadRandomWriteRandom workload."),
    F(checksum_type, FT_INT, "4", "ChecksumType as an int (0 none, 1 crc32c, 2 xxhash, "
      "3 xxhash64, 4 xxh3)"),
    F(format_version, FT_INT, "5", "Format version of SST files."),
    F(histogram, FT_BOOL, "false", "Print histogram of operation timings"),
    F(statistics, FT_BOOL, "false", "Database statistics"),
    F(stats_level, FT_INT, "3", "stats level for statistics (RocksDB's StatsLevel: 1 tickers "
      "only, 2 no timers, 3 all but detailed timers)"),
    F(stats_interval, FT_INT, "0", "Stats are reported every N operations when this is "
      "greater than zero.  When 0 the interval grows over time."),
    F(stats_interval_seconds, FT_INT, "0", "Report stats every N seconds.  This overrides "
      "stats_interval when both are > 0."),
    F(report_interval_seconds, FT_INT, "0", "If greater than zero, it will write simple stats "
      "in CSV format to --report_file every N seconds"),
    F(report_file, FT_STRING, "report.csv", "Filename where some simple stats are reported to "
      "(if --report_interval_seconds is bigger than 0)"),
    F(benchmark_write_rate_limit, FT_INT, "0", "If non-zero, db_bench will rate-limit the "
      "writes going into the database.  This is the global rate in bytes/second."),
    F(json, FT_STRING, "", "If not empty, write one JSON object per benchmark to this file "
      "(ops/s, MB/s, p50, p99, p99.9, max, write amplification, stall time, CPU, peak RSS)"),
};

#define NUM_FLAGS (sizeof FLAG_DEFS / sizeof FLAG_DEFS[0])

static void *field(const flag_def *d) { return (char *)&g_flags + d->offset; }

static const flag_def *find_flag(const char *name, size_t len)
{
    for (size_t i = 0; i < NUM_FLAGS; i++)
        if (strlen(FLAG_DEFS[i].name) == len && strncmp(FLAG_DEFS[i].name, name, len) == 0)
            return &FLAG_DEFS[i];
    return NULL;
}

static bool parse_bool(const char *v, bool *out)
{
    if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") || !strcasecmp(v, "t") ||
        !strcasecmp(v, "y")) {
        *out = true;
        return true;
    }
    if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") ||
        !strcasecmp(v, "f") || !strcasecmp(v, "n")) {
        *out = false;
        return true;
    }
    return false;
}

/* Stores text v into the flag; false if v does not parse as its type. */
static bool set_flag(const flag_def *d, const char *v)
{
    char *end;
    errno = 0;
    switch (d->type) {
    case FT_BOOL:
        return parse_bool(v, field(d));
    case FT_INT: {
        long long x = strtoll(v, &end, 0);
        if (errno != 0 || end == v || *end != '\0')
            return false;
        *(int64_t *)field(d) = (int64_t)x;
        return true;
    }
    case FT_DOUBLE: {
        double x = strtod(v, &end);
        if (errno != 0 || end == v || *end != '\0')
            return false;
        *(double *)field(d) = x;
        return true;
    }
    case FT_STRING: {
        char *s = strdup(v);
        if (s == NULL)
            return false;
        free(*(char **)field(d));
        *(char **)field(d) = s;
        return true;
    }
    }
    return false;
}

void flags_free(void)
{
    for (size_t i = 0; i < NUM_FLAGS; i++) {
        if (FLAG_DEFS[i].type == FT_STRING) {
            free(*(char **)field(&FLAG_DEFS[i]));
            *(char **)field(&FLAG_DEFS[i]) = NULL;
        }
    }
}

static void set_defaults(void)
{
    flags_free();
    memset(&g_flags, 0, sizeof g_flags);
    for (size_t i = 0; i < NUM_FLAGS; i++)
        (void)set_flag(&FLAG_DEFS[i], FLAG_DEFS[i].dflt);
}

static int bad_value(char *msg, size_t n, const flag_def *d, const char *v)
{
    snprintf(msg, n, "ERROR: failed validation of new value '%s' for flag '%s'", v, d->name);
    return FLAGS_ERROR;
}

/* Applies one "--..." argument; may consume argv[*i + 1] as its value. */
static int parse_one(int argc, char **argv, int *i, char *msg, size_t n)
{
    const char *arg = argv[*i] + 1;
    if (*arg == '-')
        arg++;
    const char *eq = strchr(arg, '=');
    size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
    if ((len == 4 && strncmp(arg, "help", 4) == 0) || (len == 1 && arg[0] == 'h'))
        return FLAGS_HELP;
    const flag_def *d = find_flag(arg, len);
    if (d == NULL && eq == NULL && len > 2 && strncmp(arg, "no", 2) == 0) {
        const flag_def *b = find_flag(arg + 2, len - 2);
        if (b != NULL && b->type == FT_BOOL) {
            *(bool *)field(b) = false;
            return FLAGS_OK;
        }
    }
    if (d == NULL) {
        snprintf(msg, n, "ERROR: unknown command line flag '%.*s'", (int)len, arg);
        return FLAGS_ERROR;
    }
    const char *v = eq != NULL ? eq + 1 : NULL;
    if (v == NULL && d->type == FT_BOOL)
        v = "true";
    if (v == NULL) {
        if (*i + 1 >= argc) {
            snprintf(msg, n, "ERROR: flag '%s' is missing its argument", d->name);
            return FLAGS_ERROR;
        }
        v = argv[++*i];
    }
    return set_flag(d, v) ? FLAGS_OK : bad_value(msg, n, d, v);
}

int flags_parse(int argc, char **argv, char *msg, size_t n)
{
    set_defaults();
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-' || argv[i][1] == '\0') {
            snprintf(msg, n, "ERROR: unexpected argument '%s' (flags start with --)", argv[i]);
            return FLAGS_ERROR;
        }
        if (strcmp(argv[i], "--") == 0)
            break;
        int rc = parse_one(argc, argv, &i, msg, n);
        if (rc != FLAGS_OK)
            return rc;
    }
    return FLAGS_OK;
}

static const char *type_name(enum flag_type t)
{
    switch (t) {
    case FT_BOOL: return "bool";
    case FT_INT: return "int64";
    case FT_DOUBLE: return "double";
    case FT_STRING: return "string";
    }
    return "?";
}

void flags_print_help(FILE *out)
{
    fprintf(out, "db_bench (shale): RocksDB's db_bench for the shale storage engine.\n"
                 "Usage: db_bench [--flag=value ...]\n\n  Flags:\n");
    for (size_t i = 0; i < NUM_FLAGS; i++) {
        const flag_def *d = &FLAG_DEFS[i];
        const char *q = d->type == FT_STRING ? "\"" : "";
        fprintf(out, "    -%s (%s) type: %s default: %s%s%s\n", d->name, d->help,
                type_name(d->type), q, d->dflt, q);
    }
}
