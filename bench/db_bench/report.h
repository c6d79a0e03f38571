/* bench/db_bench/report.h: per-thread measurements and their reports in
 * RocksDB 7.8.3 db_bench's formats:
 *   - "... finished N ops" progress on stderr, at RocksDB's growing steps
 *     (100, 200, ... 1000, 1500, ... 5000, 6000, ...), printed only after
 *     those operations returned;
 *   - the result line "name : X micros/op Y ops/sec Z seconds N operations;
 *     M MB/s (message)";
 *   - "Microseconds per <op>:" and the histogram with --histogram;
 *   - the [AVG n runs] / [MEDIAN n runs] lines of repeated benchmarks.
 * A bench_stats belongs to one thread; the runner merges them after. */
#ifndef BENCH_DB_BENCH_REPORT_H
#define BENCH_DB_BENCH_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lsm/util/histogram.h"

/* RocksDB's OperationType, in the order the histograms are printed. */
enum bench_op {
    OP_READ, OP_WRITE, OP_DELETE, OP_SEEK, OP_MERGE, OP_UPDATE, OP_CRC, OP_HASH, OP_OTHERS,
    OP_COUNT
};

typedef struct bench_stats {
    int id;
    bool timed;                /* keep per-op latencies (--histogram or --json) */
    bool exclude_from_merge;   /* readwhilewriting's writer */
    uint64_t start, finish;    /* micros */
    double seconds;            /* summed over merged threads */
    uint64_t done, bytes;
    uint64_t next_report, last_op_finish, last_report_finish, last_report_done;
    histogram *hist[OP_COUNT]; /* NULL until that op type is seen */
    char message[256];
} bench_stats;

uint64_t bench_now_micros(void);

void stats_start(bench_stats *s, int id, bool timed);
void stats_stop(bench_stats *s);
void stats_deinit(bench_stats *s);
/* Records n operations of type op that finished just now. */
void stats_finished_ops(bench_stats *s, int64_t n, enum bench_op op);
static inline void stats_add_bytes(bench_stats *s, uint64_t n) { s->bytes += n; }
/* Appends msg, separated by a space. */
void stats_add_message(bench_stats *s, const char *msg);
/* Adds src into dst (unless src is excluded).  Returns -1 on no memory. */
int stats_merge(bench_stats *dst, const bench_stats *src);

/* A benchmark's figures, as printed and as written to --json. */
typedef struct bench_result {
    const char *name;
    uint64_t ops;
    double seconds, micros_per_op, ops_per_sec, mb_per_sec;
    double p50, p99, p999, max_micros;
    bool have_latency;
} bench_result;

void stats_result(const bench_stats *s, const char *name, bench_result *r);
/* Prints the result line (and histograms when show_hist). */
void stats_report(const bench_stats *s, const char *name, bool show_hist, FILE *out);

/* Throughputs of repeated runs of one benchmark. */
typedef struct combined_stats {
    double ops[64], mbs[64];
    int n, n_mbs;
} combined_stats;

void combined_add(combined_stats *c, const bench_stats *s);
void combined_report(const combined_stats *c, const char *name, FILE *out);
void combined_report_final(const combined_stats *c, const char *name, FILE *out);

#endif
