/* bench/db_bench/maint.h: maintenance steps (flush, waitforcompaction and
 * the property printers stats, levelstats, sstables) and the benchmarks
 * that time the engine's building blocks (compact, crc32c, xxh3). */
#ifndef BENCH_DB_BENCH_MAINT_H
#define BENCH_DB_BENCH_MAINT_H

#include "bench/db_bench/bench.h"

int maint_flush(bench_ctx *ctx);
int maint_wait_for_compaction(bench_ctx *ctx);
int maint_stats(bench_ctx *ctx);
int maint_levelstats(bench_ctx *ctx);
int maint_sstables(bench_ctx *ctx);

void maint_compact(bench_thread *t);
void maint_crc32c(bench_thread *t);
void maint_xxh3(bench_thread *t);

#endif
