/* bench/db_bench/setup.h: turning flags into an open database, and the
 * preamble db_bench prints before the first benchmark. */
#ifndef BENCH_DB_BENCH_SETUP_H
#define BENCH_DB_BENCH_SETUP_H

#include <stdio.h>

#include "bench/db_bench/bench.h"

/* Checks flag values the engine cannot take (compression other than none
 * and lz4, an unknown compaction_style, negative unsigned flags, ...).
 * 0, or -1 after printing why. */
int setup_validate_flags(void);
/* Fills ctx->db_path, seed_base, statistics, cache and options from flags.
 * 0, or -1 after printing why. */
int setup_ctx_init(bench_ctx *ctx);
void setup_ctx_deinit(bench_ctx *ctx);
/* Opens the database; with fresh, destroys it first.  Exits on failure. */
void setup_open(bench_ctx *ctx, bool fresh);
void setup_close(bench_ctx *ctx);
/* The preamble: "Keys: ...", "Values: ...", ... on out; the version, date
 * and CPU lines on stderr. */
void setup_print_header(FILE *out);

#endif
