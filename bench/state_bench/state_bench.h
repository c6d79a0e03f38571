/* bench/state_bench/state_bench.h: what the state_bench files share.
 *
 * state_bench measures the keyed-state API (include/shale/state.h) the way
 * db_bench measures the engine: one line per benchmark,
 *   name/backend : X micros/op Y ops/sec Z seconds N operations;
 * first ops/s per state kind and operation (state_bench_kinds.c), then
 * list append and full-list read at fixed list lengths, for ListState and
 * for the ValueState<List> read-modify-write trap (state_bench_lists.c).
 * It uses the public API only. */
#ifndef BENCH_STATE_BENCH_STATE_BENCH_H
#define BENCH_STATE_BENCH_STATE_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/state.h"

typedef struct sb_flags {
    uint64_t num;              /* keys for the per-kind benchmarks */
    uint64_t ops;              /* operations per per-kind benchmark */
    uint64_t list_ops;         /* appends per list length */
    size_t value_size;         /* value, map value bytes */
    size_t element_size;       /* list element bytes */
    uint64_t seed;
    uint64_t memory_budget_mb; /* LSM: shale_state_options_set_memory_budget; 0: defaults */
    const char *json;          /* --json=FILE, or NULL */
    int backends[2];           /* enum shale_state_backend_kind, in order */
    int nbackends;
    bool kinds, lists;         /* which groups run (--benchmarks=) */
} sb_flags;

typedef struct sb_result {
    char name[40];
    const char *backend;
    uint64_t ops;
    double seconds;
} sb_result;

/* One backend kind's run: the open backend plus every result so far. */
typedef struct sb_run {
    const sb_flags *f;
    int kind;
    const char *backend;       /* "heap" or "lsm" */
    shale_state_backend *b;
    char *dir;                 /* LSM: its temporary directory */
    uint64_t rng;
    sb_result *res;            /* shared across runs */
    size_t *nres, *cap;
} sb_run;

double sb_now(void);
uint64_t sb_rand(sb_run *r);
/* Item i's key: 8 bytes, big-endian. */
void sb_key(uint64_t i, char out[8]);
/* Fills buf with n bytes that vary with seed. */
void sb_fill(char *buf, size_t n, uint64_t seed);

/* Opens a fresh backend of r->kind (LSM: in a new temporary directory).
 *   SHALE_NOT_SUPPORTED when the build lacks it (message in *err). */
int sb_open(sb_run *r, shale_err *err);
/* Closes it and removes its directory.  Safe when not open. */
void sb_close(sb_run *r);
/* Registers a state of that name and kind, without TTL or callbacks. */
int sb_state(sb_run *r, const char *name, int kind, shale_state **st, shale_err *err);
/* Prints the db_bench-style line and records the result.  extra may be
 * NULL. */
void sb_report(sb_run *r, const char *name, uint64_t ops, double seconds, const char *extra);
/* The recorded micros/op of name on backend, or -1. */
double sb_micros(const sb_run *r, const char *name);

int sb_run_kinds(sb_run *r, shale_err *err);
int sb_run_lists(sb_run *r, shale_err *err);

#endif
