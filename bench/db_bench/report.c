/* bench/db_bench/report.c: see report.h.  Formats follow RocksDB 7.8.3
 * db_bench's Stats and CombinedStats byte for byte, so scripts that parse
 * RocksDB's output parse ours. */
#include "bench/db_bench/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/db_bench/flags.h"
#include "bench/db_bench/output.h"

static const char *const OP_NAMES[OP_COUNT] = {
    "read", "write", "delete", "seek", "merge", "update", "crc", "hash", "op",
};

uint64_t bench_now_micros(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void stats_start(bench_stats *s, int id, bool timed)
{
    memset(s, 0, sizeof *s);
    s->id = id;
    s->timed = timed;
    s->next_report = g_flags.stats_interval > 0 ? (uint64_t)g_flags.stats_interval : 100;
    s->start = bench_now_micros();
    s->finish = s->start;
    s->last_op_finish = s->start;
    s->last_report_finish = s->start;
}

void stats_stop(bench_stats *s)
{
    s->finish = bench_now_micros();
    s->seconds = (double)(s->finish - s->start) * 1e-6;
}

void stats_deinit(bench_stats *s)
{
    for (int i = 0; i < OP_COUNT; i++) {
        free(s->hist[i]);
        s->hist[i] = NULL;
    }
}

static void record_latency(bench_stats *s, enum bench_op op)
{
    uint64_t now = bench_now_micros();
    uint64_t micros = now - s->last_op_finish;
    if (s->hist[op] == NULL) {
        s->hist[op] = malloc(sizeof(histogram));
        if (s->hist[op] == NULL)
            return;
        histogram_init(s->hist[op]);
    }
    histogram_add(s->hist[op], micros);
    if (micros > 20000 && g_flags.stats_interval == 0 && g_flags.histogram) {
        fprintf(stderr, "long op: %llu micros%30s\r", (unsigned long long)micros, "");
        fflush(stderr);
    }
    s->last_op_finish = now;
}

/* RocksDB's automatic progress steps: finer at first, coarser later. */
static uint64_t next_step(uint64_t r)
{
    if (r < 1000) return r + 100;
    if (r < 5000) return r + 500;
    if (r < 10000) return r + 1000;
    if (r < 50000) return r + 5000;
    if (r < 100000) return r + 10000;
    if (r < 500000) return r + 50000;
    return r + 100000;
}

static void interval_report(bench_stats *s)
{
    uint64_t now = bench_now_micros();
    uint64_t since = now - s->last_report_finish;
    s->next_report += (uint64_t)g_flags.stats_interval;
    if (since == 0 || (g_flags.stats_interval_seconds > 0 &&
                       since < (uint64_t)g_flags.stats_interval_seconds * 1000000u))
        return;
    time_t t = time(NULL);
    char ts[64];
    strftime(ts, sizeof ts, "%Y/%m/%d-%H:%M:%S", localtime(&t));
    fprintf(stderr,
            "%s ... thread %d: (%llu,%llu) ops and (%.1f,%.1f) ops/second in (%.6f,%.6f) "
            "seconds\n",
            ts, s->id, (unsigned long long)(s->done - s->last_report_done),
            (unsigned long long)s->done, (double)(s->done - s->last_report_done) / (since / 1e6),
            (double)s->done / ((now - s->start) / 1e6), since / 1e6, (now - s->start) / 1e6);
    s->last_report_finish = now;
    s->last_report_done = s->done;
}

void stats_finished_ops(bench_stats *s, int64_t n, enum bench_op op)
{
    if (s->timed)
        record_latency(s, op);
    s->done += (uint64_t)n;
    output_count_ops((uint64_t)n);
    if (s->done < s->next_report)
        return;
    if (g_flags.stats_interval == 0) {
        s->next_report = next_step(s->next_report);
        fprintf(stderr, "... finished %llu ops%30s\r", (unsigned long long)s->done, "");
    } else {
        interval_report(s);
    }
    fflush(stderr);
}

void stats_add_message(bench_stats *s, const char *msg)
{
    size_t len = strlen(s->message);
    if (msg == NULL || *msg == '\0')
        return;
    snprintf(s->message + len, sizeof s->message - len, "%s%s", len > 0 ? " " : "", msg);
}

int stats_merge(bench_stats *dst, const bench_stats *src)
{
    if (src->exclude_from_merge)
        return 0;
    for (int i = 0; i < OP_COUNT; i++) {
        if (src->hist[i] == NULL)
            continue;
        if (dst->hist[i] == NULL) {
            dst->hist[i] = malloc(sizeof(histogram));
            if (dst->hist[i] == NULL)
                return -1;
            histogram_init(dst->hist[i]);
        }
        histogram_merge(dst->hist[i], src->hist[i]);
    }
    bool first = dst->done == 0 && dst->seconds == 0;
    dst->done += src->done;
    dst->bytes += src->bytes;
    dst->seconds += src->seconds;
    if (first || src->start < dst->start)
        dst->start = src->start;
    if (first || src->finish > dst->finish)
        dst->finish = src->finish;
    if (dst->message[0] == '\0')
        snprintf(dst->message, sizeof dst->message, "%s", src->message);
    return 0;
}

/* The merged latency histogram across op types (for --json). */
static void all_latencies(const bench_stats *s, histogram *h)
{
    histogram_init(h);
    for (int i = 0; i < OP_COUNT; i++)
        if (s->hist[i] != NULL)
            histogram_merge(h, s->hist[i]);
}

void stats_result(const bench_stats *s, const char *name, bench_result *r)
{
    memset(r, 0, sizeof *r);
    uint64_t done = s->done < 1 ? 1 : s->done;
    double elapsed = (double)(s->finish - s->start) * 1e-6;
    if (elapsed <= 0)
        elapsed = 1e-6;
    r->name = name;
    r->ops = done;
    r->seconds = elapsed;
    r->micros_per_op = s->seconds * 1e6 / (double)done;
    r->ops_per_sec = (double)done / elapsed;
    r->mb_per_sec = ((double)s->bytes / 1048576.0) / elapsed;
    histogram h;
    all_latencies(s, &h);
    r->have_latency = h.num > 0;
    if (r->have_latency) {
        r->p50 = histogram_percentile(&h, 50.0);
        r->p99 = histogram_percentile(&h, 99.0);
        r->p999 = histogram_percentile(&h, 99.9);
        r->max_micros = (double)histogram_max(&h);
    }
}

void stats_report(const bench_stats *s, const char *name, bool show_hist, FILE *out)
{
    bench_result r;
    stats_result(s, name, &r);
    char extra[400] = "";
    if (s->bytes > 0)
        snprintf(extra, sizeof extra, "%6.1f MB/s", r.mb_per_sec);
    if (s->message[0] != '\0') {
        size_t len = strlen(extra);
        snprintf(extra + len, sizeof extra - len, "%s%s", len > 0 ? " " : "", s->message);
    }
    fprintf(out, "%-12s : %11.3f micros/op %ld ops/sec %.3f seconds %llu operations;%s%s\n",
            name, r.micros_per_op, (long)r.ops_per_sec, r.seconds, (unsigned long long)r.ops,
            extra[0] != '\0' ? " " : "", extra);
    for (int i = 0; show_hist && i < OP_COUNT; i++) {
        if (s->hist[i] == NULL)
            continue;
        char *text = histogram_to_string(s->hist[i]);
        fprintf(out, "Microseconds per %s:\n%s\n", OP_NAMES[i], text != NULL ? text : "");
        free(text);
    }
    fflush(out);
}

void combined_add(combined_stats *c, const bench_stats *s)
{
    if (c->n >= (int)(sizeof c->ops / sizeof c->ops[0]))
        return;
    uint64_t done = s->done < 1 ? 1 : s->done;
    double elapsed = (double)(s->finish - s->start) * 1e-6;
    if (elapsed <= 0)
        elapsed = 1e-6;
    c->ops[c->n++] = (double)done / elapsed;
    if (s->bytes > 0)
        c->mbs[c->n_mbs++] = ((double)s->bytes / 1048576.0) / elapsed;
}

static double avg(const double *v, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += v[i];
    return sum / n;
}

/* Half-width of the 95% confidence interval: 1.959964 standard errors,
 * with the sample (n - 1) standard deviation, as RocksDB computes it. */
static double confidence95(const double *v, int n)
{
    double a = avg(v, n), sq = 0;
    for (int i = 0; i < n; i++)
        sq += (v[i] - a) * (v[i] - a);
    return 1.959964 * sqrt(sq / (n - 1)) / sqrt((double)n);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
    double tmp[64];
    memcpy(tmp, v, sizeof(double) * (size_t)n);
    qsort(tmp, (size_t)n, sizeof(double), cmp_double);
    return n % 2 == 1 ? tmp[n / 2] : (tmp[n / 2] + tmp[n / 2 - 1]) / 2;
}

static void print_avg(const combined_stats *c, const char *name, const char *tag, FILE *out)
{
    fprintf(out, "%s [%s %d runs] : %d (\xC2\xB1 %d) ops/sec", name, tag, c->n,
            (int)avg(c->ops, c->n), (int)confidence95(c->ops, c->n));
    if (c->n_mbs == c->n)
        fprintf(out, "; %6.1f (\xC2\xB1 %.1f) MB/sec", avg(c->mbs, c->n),
                confidence95(c->mbs, c->n));
    fputc('\n', out);
}

void combined_report(const combined_stats *c, const char *name, FILE *out)
{
    if (c->n < 2)
        return;
    print_avg(c, name, "AVG", out);
}

void combined_report_final(const combined_stats *c, const char *name, FILE *out)
{
    if (c->n < 2)
        return;
    print_avg(c, name, "AVG   ", out);
    fprintf(out, "%s [MEDIAN %d runs] : %d ops/sec", name, c->n, (int)median(c->ops, c->n));
    if (c->n_mbs == c->n)
        fprintf(out, "; %6.1f MB/sec", median(c->mbs, c->n));
    fputc('\n', out);
}
