/* bench/db_bench/output.h: machine-readable output.
 *  - --json=FILE: {"benchmarks": [ one object per benchmark run ]} with
 *    ops/s, MB/s, latency percentiles (micros), write amplification, stall
 *    time, user and system CPU seconds and peak RSS;
 *  - --report_interval_seconds=N: RocksDB's CSV "secs_elapsed,interval_qps"
 *    rows in --report_file, from a reporter thread. */
#ifndef BENCH_DB_BENCH_OUTPUT_H
#define BENCH_DB_BENCH_OUTPUT_H

#include <stdint.h>

#include "bench/db_bench/bench.h"

/* Engine and process counters sampled around one benchmark run. */
typedef struct run_sample {
    uint64_t user_bytes, wal_bytes, flush_bytes, compact_bytes, stall_micros;
    double user_cpu, sys_cpu;
} run_sample;

void output_sample(const bench_ctx *ctx, run_sample *s);
/* Adds one benchmark's object (figures from r, counters from after - before). */
void output_json_add(const bench_result *r, const run_sample *before, const run_sample *after);
/* Writes every object added to --json; 0, or -1 after printing why. */
int output_json_write(void);

/* Counts finished operations for the reporter (cheap when it is off). */
void output_count_ops(uint64_t n);
void output_reporter_start(void);
void output_reporter_stop(void);

#endif
