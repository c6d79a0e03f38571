/* bench/db_bench/bench.h: what the benchmarks share: the open database,
 * the per-benchmark sizes (RocksDB's num_, reads_, writes_, ...), the
 * per-thread state, and the table of benchmarks.
 *
 * Threads: run_benchmark() starts `threads` workers (plus the extra writer
 * of readwhilewriting), lets them start together, and merges their stats.
 * A worker owns its bench_thread; bench_ctx is read-only while they run,
 * except the rate limiter (its own mutex) and the shared counters
 * (atomics). */
#ifndef BENCH_DB_BENCH_BENCH_H
#define BENCH_DB_BENCH_BENCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench/db_bench/keygen.h"
#include "bench/db_bench/report.h"
#include "shale/db.h"

typedef struct bench_ctx {
    shale_db *db;                 /* NULL for benchmarks that need none */
    shale_options *opts;
    shale_write_options *wo;
    shale_read_options *ro;
    shale_statistics *statistics; /* with --statistics or --json; else NULL */
    shale_cache *cache;
    const char *db_path;
    uint64_t seed_base;
    /* RocksDB's per-benchmark sizes, reset before each benchmark. */
    int64_t num, reads, writes, deletes, readwrites, entries_per_batch;
    int64_t value_size;
    int key_size;
    /* Shared while threads run. */
    atomic_int num_done;          /* workers finished */
    int num_threads;              /* workers in this run */
    pthread_mutex_t rate_mu;      /* guards the two fields below */
    uint64_t rate_start_micros, rate_bytes;
} bench_ctx;

typedef struct bench_thread {
    int tid;
    bench_ctx *ctx;
    bench_rand64 rand;
    bench_stats stats;
} bench_thread;

typedef void (*bench_method)(bench_thread *t);

typedef struct bench_def {
    const char *name;
    bench_method method;   /* NULL: a maintenance step run once, no result line */
    bool fresh_db;         /* needs an empty database */
    int extra_threads;     /* readwhilewriting's writer */
    /* Adjusts ctx before running (fillsync, fill100K, readmissing); may be NULL. */
    void (*prepare)(bench_ctx *ctx);
    /* For method == NULL: runs the step; returns 0 or exits on failure. */
    int (*step)(bench_ctx *ctx);
} bench_def;

/* The benchmark called `name`, or NULL. */
const bench_def *bench_find(const char *name);

/* Exits the process after printing "<what> error: <shale error>" (RocksDB's
 * db_bench stops on the first failed operation too). */
void bench_die(const char *what, int rc, const shale_err *err);

/* Sleeps as needed to keep all writers under --benchmark_write_rate_limit. */
void bench_rate_limit(bench_ctx *ctx, uint64_t bytes);

#endif
