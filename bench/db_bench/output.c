/* bench/db_bench/output.c: see output.h.  Write amplification here is
 * bytes the engine wrote (WAL + flushes + compactions, from the statistics
 * tickers) over bytes the user wrote (rocksdb.bytes.written), during the
 * benchmark: the same definition for both tools in bench/compare. */
#include "bench/db_bench/output.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench/db_bench/flags.h"

void output_sample(const bench_ctx *ctx, run_sample *s)
{
    memset(s, 0, sizeof *s);
    const shale_statistics *st = ctx->statistics;
    s->user_bytes = shale_statistics_ticker(st, "rocksdb.bytes.written");
    s->wal_bytes = shale_statistics_ticker(st, "rocksdb.wal.bytes");
    s->flush_bytes = shale_statistics_ticker(st, "rocksdb.flush.write.bytes");
    s->compact_bytes = shale_statistics_ticker(st, "rocksdb.compact.write.bytes");
    s->stall_micros = shale_statistics_ticker(st, "rocksdb.stall.micros");
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        s->user_cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
        s->sys_cpu = (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    }
}

static char *g_json;          /* the objects so far, comma-separated */
static size_t g_json_len;

static void json_append(const char *text)
{
    size_t n = strlen(text);
    char *p = realloc(g_json, g_json_len + n + 1);
    if (p == NULL)
        return;
    memcpy(p + g_json_len, text, n + 1);
    g_json = p;
    g_json_len += n;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

void output_json_add(const bench_result *r, const run_sample *b, const run_sample *a)
{
    if (g_flags.json[0] == '\0')
        return;
    uint64_t user = a->user_bytes - b->user_bytes;
    uint64_t engine = (a->wal_bytes - b->wal_bytes) + (a->flush_bytes - b->flush_bytes) +
                      (a->compact_bytes - b->compact_bytes);
    double wamp = user > 0 ? (double)engine / (double)user : 0.0;
    char buf[1024];
    snprintf(buf, sizeof buf,
             "%s\n    {\"name\": \"%s\", \"ops\": %llu, \"seconds\": %.6f, "
             "\"micros_per_op\": %.3f, \"ops_per_sec\": %.1f, \"mb_per_sec\": %.3f, "
             "\"p50\": %.3f, \"p99\": %.3f, \"p99_9\": %.3f, \"max\": %.3f, "
             "\"write_amp\": %.4f, \"stall_micros\": %llu, \"user_cpu_seconds\": %.3f, "
             "\"sys_cpu_seconds\": %.3f, \"peak_rss_kb\": %ld}",
             g_json_len > 0 ? "," : "", r->name, (unsigned long long)r->ops, r->seconds,
             r->micros_per_op, r->ops_per_sec, r->mb_per_sec, r->p50, r->p99, r->p999,
             r->max_micros, wamp, (unsigned long long)(a->stall_micros - b->stall_micros),
             a->user_cpu - b->user_cpu, a->sys_cpu - b->sys_cpu, peak_rss_kb());
    json_append(buf);
}

int output_json_write(void)
{
    if (g_flags.json[0] == '\0')
        return 0;
    FILE *f = fopen(g_flags.json, "w");
    if (f == NULL) {
        perror(g_flags.json);
        return -1;
    }
    fprintf(f, "{\"tool\": \"shale-db_bench\", \"version\": \"%s\", \"num\": %lld, "
               "\"key_size\": %lld, \"value_size\": %lld, \"compression_type\": \"%s\", "
               "\"benchmarks\": [%s\n]}\n",
            shale_version(), (long long)g_flags.num, (long long)g_flags.key_size,
            (long long)g_flags.value_size, g_flags.compression_type,
            g_json != NULL ? g_json : "");
    int rc = fclose(f) == 0 ? 0 : -1;
    free(g_json);
    g_json = NULL;
    g_json_len = 0;
    return rc;
}

/* --- the interval reporter ------------------------------------------------ */

static atomic_uint_fast64_t g_ops;
static atomic_bool g_reporter_stop;
static bool g_reporter_on;
static pthread_t g_reporter;

void output_count_ops(uint64_t n)
{
    if (g_reporter_on)
        atomic_fetch_add_explicit(&g_ops, n, memory_order_relaxed);
}

static void *reporter_main(void *arg)
{
    FILE *f = arg;
    uint64_t start = bench_now_micros(), last_ops = 0;
    uint64_t period = (uint64_t)g_flags.report_interval_seconds * 1000000u, next = start + period;
    fprintf(f, "secs_elapsed,interval_qps\n");
    while (!atomic_load(&g_reporter_stop)) {
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        uint64_t now = bench_now_micros();
        if (now < next)
            continue;
        uint64_t ops = atomic_load(&g_ops);
        fprintf(f, "%llu,%llu\n", (unsigned long long)((now - start) / 1000000u),
                (unsigned long long)((ops - last_ops) /
                                     (uint64_t)g_flags.report_interval_seconds));
        fflush(f);
        last_ops = ops;
        next += period;
    }
    fclose(f);
    return NULL;
}

void output_reporter_start(void)
{
    if (g_flags.report_interval_seconds <= 0)
        return;
    FILE *f = fopen(g_flags.report_file, "w");
    if (f == NULL) {
        perror(g_flags.report_file);
        return;
    }
    g_reporter_on = true;
    if (pthread_create(&g_reporter, NULL, reporter_main, f) != 0) {
        g_reporter_on = false;
        fclose(f);
    }
}

void output_reporter_stop(void)
{
    if (!g_reporter_on)
        return;
    atomic_store(&g_reporter_stop, true);
    pthread_join(g_reporter, NULL);
    g_reporter_on = false;
}
