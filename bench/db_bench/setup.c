/* bench/db_bench/setup.c: see setup.h.  Option names map one to one onto
 * shale's setters, which carry RocksDB's names; bloom_bits < 0 means no
 * filter, as in RocksDB's db_bench. */
#include "bench/db_bench/setup.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/db_bench/flags.h"
#include "lsm/table/compress.h"
#include "shale/compaction_style.h"
#include "shale/merge.h"

static int compression_code(const char *name)
{
    if (strcmp(name, "none") == 0)
        return SHALE_NO_COMPRESSION;
    if (strcmp(name, "lz4") == 0)
        return SHALE_LZ4_COMPRESSION;
    if (strcmp(name, "snappy") == 0 && compress_supported(SHALE_SNAPPY_COMPRESSION))
        return SHALE_SNAPPY_COMPRESSION;
    if (strcmp(name, "zstd") == 0 && compress_supported(SHALE_ZSTD_COMPRESSION))
        return SHALE_ZSTD_COMPRESSION;
    return -1;
}

static const char *compression_label(int code)
{
    switch (code) {
    case SHALE_LZ4_COMPRESSION: return "LZ4";
    case SHALE_SNAPPY_COMPRESSION: return "Snappy";
    case SHALE_ZSTD_COMPRESSION: return "ZSTD";
    default: return "NoCompression";
    }
}

/* The compaction-style flags: the unsigned ones (uint64 and the
 * universal widths) may not be negative. */
static int validate_compaction_flags(void)
{
    const struct { const char *name; int64_t v; } flags[] = {
        {"universal_size_ratio", g_flags.universal_size_ratio},
        {"universal_min_merge_width", g_flags.universal_min_merge_width},
        {"universal_max_merge_width", g_flags.universal_max_merge_width},
        {"universal_max_size_amplification_percent",
         g_flags.universal_max_size_amplification_percent},
        {"fifo_compaction_max_table_files_size_mb", g_flags.fifo_compaction_max_table_files_size_mb},
        {"fifo_compaction_ttl", g_flags.fifo_compaction_ttl},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (flags[i].v < 0 || (i < 4 && flags[i].v > UINT32_MAX)) {
            fprintf(stderr, "ERROR: --%s=%" PRId64 " is out of range\n", flags[i].name,
                    flags[i].v);
            return -1;
        }
    }
    if (g_flags.fifo_compaction_max_table_files_size_mb > (int64_t)(UINT64_MAX >> 20)) {
        fprintf(stderr, "ERROR: --fifo_compaction_max_table_files_size_mb is out of range\n");
        return -1;
    }
    return 0;
}

int setup_validate_flags(void)
{
    if (compression_code(g_flags.compression_type) < 0) {
        fprintf(stderr, "ERROR: --compression_type=%s is not supported by shale (use none, "
                        "lz4, snappy or zstd)\n", g_flags.compression_type);
        return -1;
    }
    if (g_flags.compaction_style < 0 || g_flags.compaction_style > 2) {
        fprintf(stderr, "ERROR: unknown --compaction_style=%" PRId64 "\n",
                g_flags.compaction_style);
        return -1;
    }
    if (validate_compaction_flags() != 0)
        return -1;
    if (g_flags.compression_ratio > 1) {
        fprintf(stderr, "compression_ratio should be between 0 and 1\n");
        return -1;
    }
    if (g_flags.checksum_type < 0 || g_flags.checksum_type > 4) {
        fprintf(stderr, "ERROR: --checksum_type must be 0..4\n");
        return -1;
    }
    if (g_flags.num < 1 || g_flags.key_size < 1 || g_flags.value_size < 0 ||
        g_flags.threads < 1 || g_flags.batch_size < 1) {
        fprintf(stderr, "ERROR: --num, --key_size, --threads and --batch_size must be >= 1\n");
        return -1;
    }
    return 0;
}

static char *default_db_path(void)
{
    const char *base = getenv("TEST_TMPDIR");
    char dir[4096];
    if (base != NULL && *base != '\0')
        snprintf(dir, sizeof dir, "%s", base);
    else
        snprintf(dir, sizeof dir, "/tmp/shaletest-%d", (int)geteuid());
    mkdir(dir, 0755);
    size_t n = strlen(dir) + 16;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/dbbench", dir);
    return p;
}

static shale_table_options *table_options(void)
{
    shale_table_options *t = shale_table_options_new();
    if (t == NULL)
        return NULL;
    shale_table_options_set_block_size(t, (size_t)g_flags.block_size);
    shale_table_options_set_bloom_bits_per_key(t, g_flags.bloom_bits > 0 ? g_flags.bloom_bits : 0);
    shale_table_options_set_checksum(t, (int)g_flags.checksum_type);
    shale_table_options_set_format_version(t, (int)g_flags.format_version);
    return t;
}

/* As RocksDB's db_bench: universal options only when a flag differs from
 * its "unset" default, FIFO options always (a 0 MB limit included), ttl
 * from --fifo_compaction_ttl. */
static void set_compaction_options(shale_options *o)
{
    shale_options_set_compaction_style(o, (int)g_flags.compaction_style);
    if (g_flags.universal_size_ratio != 0)
        shale_options_set_universal_size_ratio(o, (unsigned)g_flags.universal_size_ratio);
    if (g_flags.universal_min_merge_width != 0)
        shale_options_set_universal_min_merge_width(o, (unsigned)g_flags.universal_min_merge_width);
    if (g_flags.universal_max_merge_width != 0)
        shale_options_set_universal_max_merge_width(o, (unsigned)g_flags.universal_max_merge_width);
    if (g_flags.universal_max_size_amplification_percent != 0)
        shale_options_set_universal_max_size_amplification_percent(
            o, (unsigned)g_flags.universal_max_size_amplification_percent);
    if (g_flags.universal_compression_size_percent != -1)
        shale_options_set_universal_compression_size_percent(
            o, (int)g_flags.universal_compression_size_percent);
    shale_options_set_universal_allow_trivial_move(o, g_flags.universal_allow_trivial_move);
    shale_options_set_fifo_max_table_files_size(
        o, (uint64_t)g_flags.fifo_compaction_max_table_files_size_mb << 20);
    shale_options_set_fifo_allow_compaction(o, g_flags.fifo_compaction_allow_compaction);
    shale_options_set_ttl(o, (uint64_t)g_flags.fifo_compaction_ttl);
}

/* --merge_operator by RocksDB's name (MergeOperators::CreateFromStringId),
 * or NULL for none; an unknown or unsupported name ends the run as
 * RocksDB's db_bench does. */
static shale_merge_operator *merge_operator_from_flag(void)
{
    const char *n = g_flags.merge_operator;
    shale_merge_operator *op = NULL;
    if (n[0] == '\0')
        return NULL;
    if (strcmp(n, "uint64add") == 0)
        op = shale_merge_operator_create_uint64add();
    else if (strcmp(n, "stringappend") == 0)
        op = shale_merge_operator_create_stringappend(',');
    else if (strcmp(n, "stringappendtest") == 0)
        op = shale_merge_operator_create_stringappend_test();
    else {
        fprintf(stderr, "invalid merge operator: %s (shale has uint64add, stringappend and "
                        "stringappendtest)\n", n);
        exit(1);
    }
    if (op == NULL) {
        fprintf(stderr, "out of memory creating merge operator %s\n", n);
        exit(1);
    }
    return op;
}

static int build_options(bench_ctx *ctx)
{
    shale_options *o = shale_options_new();
    shale_table_options *t = table_options();
    if (o == NULL || t == NULL) {
        shale_options_free(o);
        shale_table_options_free(t);
        return -1;
    }
    shale_options_set_create_if_missing(o, true);
    shale_options_set_write_buffer_size(o, (size_t)g_flags.write_buffer_size);
    shale_options_set_max_write_buffer_number(o, (int)g_flags.max_write_buffer_number);
    shale_options_set_min_write_buffer_number_to_merge(o,
                                                       (int)g_flags.min_write_buffer_number_to_merge);
    shale_options_set_target_file_size_base(o, (uint64_t)g_flags.target_file_size_base);
    shale_options_set_max_bytes_for_level_base(o, (uint64_t)g_flags.max_bytes_for_level_base);
    shale_options_set_max_bytes_for_level_multiplier(o, g_flags.max_bytes_for_level_multiplier);
    shale_options_set_level0_file_num_compaction_trigger(
        o, (int)g_flags.level0_file_num_compaction_trigger);
    shale_options_set_level0_slowdown_writes_trigger(o, (int)g_flags.level0_slowdown_writes_trigger);
    shale_options_set_level0_stop_writes_trigger(o, (int)g_flags.level0_stop_writes_trigger);
    shale_options_set_max_background_jobs(o, (int)g_flags.max_background_jobs);
    shale_options_set_max_open_files(o, (int)g_flags.open_files);
    shale_options_set_disable_auto_compactions(o, g_flags.disable_auto_compactions);
    shale_options_set_compression(o, compression_code(g_flags.compression_type));
    set_compaction_options(o);
    shale_options_set_allow_fallocate(o, g_flags.allow_fallocate);
    shale_options_set_merge_operator(o, merge_operator_from_flag());
    shale_options_set_table_options(o, t);
    shale_table_options_free(t);
    if (ctx->cache != NULL)
        shale_options_set_block_cache(o, ctx->cache);
    if (ctx->statistics != NULL)
        shale_options_set_statistics(o, ctx->statistics);
    ctx->opts = o;
    return 0;
}

int setup_ctx_init(bench_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    pthread_mutex_init(&ctx->rate_mu, NULL);
    ctx->db_path = g_flags.db[0] != '\0' ? strdup(g_flags.db) : default_db_path();
    if (ctx->db_path == NULL)
        return -1;
    if (g_flags.seed == 0) {
        g_flags.seed = (int64_t)((uint64_t)time(NULL) * 1000000u + bench_now_micros() % 1000000u);
        fprintf(stdout, "Set seed to %" PRId64 " because --seed was 0\n", g_flags.seed);
    }
    ctx->seed_base = (uint64_t)g_flags.seed;
    if (g_flags.statistics || g_flags.json[0] != '\0') {
        ctx->statistics = shale_statistics_new();
        if (ctx->statistics == NULL)
            return -1;
        shale_statistics_set_level(ctx->statistics, (int)g_flags.stats_level);
    }
    if (g_flags.cache_size > 0) {
        ctx->cache = shale_cache_new_lru((size_t)g_flags.cache_size);
        if (ctx->cache == NULL)
            return -1;
    }
    ctx->wo = shale_write_options_new();
    ctx->ro = shale_read_options_new();
    if (ctx->wo == NULL || ctx->ro == NULL || build_options(ctx) != 0)
        return -1;
    return 0;
}

void setup_ctx_deinit(bench_ctx *ctx)
{
    setup_close(ctx);
    shale_options_free(ctx->opts);
    shale_write_options_free(ctx->wo);
    shale_read_options_free(ctx->ro);
    shale_cache_release(ctx->cache);
    shale_statistics_release(ctx->statistics);
    free((char *)ctx->db_path);
    pthread_mutex_destroy(&ctx->rate_mu);
    memset(ctx, 0, sizeof *ctx);
}

void setup_open(bench_ctx *ctx, bool fresh)
{
    shale_err err = { 0 };
    setup_close(ctx);
    if (fresh) {
        int rc = shale_db_destroy(ctx->opts, ctx->db_path, &err);
        if (rc != SHALE_OK && rc != SHALE_NOT_FOUND && rc != SHALE_INVALID_ARGUMENT)
            bench_die("destroy", rc, &err);
    }
    int rc = shale_db_open(ctx->opts, ctx->db_path, &ctx->db, &err);
    if (rc != SHALE_OK)
        bench_die("open", rc, &err);
}

void setup_close(bench_ctx *ctx)
{
    if (ctx->db == NULL)
        return;
    shale_err err = { 0 };
    int rc = shale_db_close(ctx->db, &err);
    ctx->db = NULL;
    if (rc != SHALE_OK)
        bench_die("close", rc, &err);
}

static void print_environment(void)
{
    time_t now = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", localtime(&now));
    fprintf(stderr, "shale:      version %s (db_bench of RocksDB 7.8.3)\n", shale_version());
    fprintf(stderr, "Date:       %s\n", date);
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[512], model[256] = "", cache[128] = "";
    int ncpu = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        char *val = colon + 2 <= line + strlen(line) ? colon + 2 : colon + 1;
        val[strcspn(val, "\n")] = '\0';
        if (strncmp(line, "model name", 10) == 0) {
            ncpu++;
            snprintf(model, sizeof model, "%s", val);
        } else if (strncmp(line, "cache size", 10) == 0) {
            snprintf(cache, sizeof cache, "%s", val);
        }
    }
    fclose(f);
    fprintf(stderr, "CPU:        %d * %s\n", ncpu, model);
    fprintf(stderr, "CPUCache:   %s\n", cache);
}

void setup_print_header(FILE *out)
{
    int64_t ks = g_flags.key_size, vs = g_flags.value_size, n = g_flags.num;
    double ratio = g_flags.compression_ratio;
    print_environment();
    fprintf(out, "Keys:       %" PRId64 " bytes each (+ 0 bytes user-defined timestamp)\n", ks);
    fprintf(out, "Values:     %" PRId64 " bytes each (%d bytes after compression)\n", vs,
            (int)(vs * ratio + 0.5));
    fprintf(out, "Entries:    %" PRId64 "\n", n);
    fprintf(out, "Prefix:    0 bytes\n");
    fprintf(out, "Keys per prefix:    0\n");
    fprintf(out, "RawSize:    %.1f MB (estimated)\n", (double)((ks + vs) * n) / 1048576.0);
    fprintf(out, "FileSize:   %.1f MB (estimated)\n",
            ((double)ks + (double)vs * ratio) * (double)n / 1048576.0);
    fprintf(out, "Write rate: %" PRId64 " bytes/second\n", g_flags.benchmark_write_rate_limit);
    fprintf(out, "Read rate: 0 ops/second\n");
    fprintf(out, "Compression: %s\n",
            compression_label(compression_code(g_flags.compression_type)));
    fprintf(out, "Compression sampling rate: 0\n");
    fprintf(out, "Memtablerep: SkipListFactory\n");
    fprintf(out, "Perf Level: 1\n");
#ifndef NDEBUG
    fprintf(out, "WARNING: Assertions are enabled; benchmarks unnecessarily slow\n");
#endif
    fprintf(out, "------------------------------------------------\n");
    fflush(out);
}
