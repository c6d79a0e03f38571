/* bench/db_bench/benchmarks.c: the workloads that write and read keys, with
 * RocksDB 7.8.3 db_bench's semantics: which keys each one touches, how many
 * operations it does (num, reads, writes, deletes, duration), what bytes it
 * counts for MB/s and the message it appends ("(N of M found)", ...).
 * Maintenance steps and the checksum benchmarks are in maint.c. */
#include "bench/db_bench/bench.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/db_bench/flags.h"
#include "bench/db_bench/maint.h"
#include "shale/merge.h"

/* Stops a loop after max_ops operations or, with max_seconds, after that
 * many seconds (checked every 1000 operations, as RocksDB does). */
typedef struct duration {
    uint64_t max_seconds, start;
    int64_t max_ops, ops;
} duration;

static void duration_init(duration *d, int64_t max_seconds, int64_t max_ops)
{
    d->max_seconds = max_seconds > 0 ? (uint64_t)max_seconds : 0;
    d->max_ops = max_ops;
    d->ops = 0;
    d->start = bench_now_micros();
}

static bool duration_done(duration *d, int64_t inc)
{
    if (inc <= 0)
        inc = 1;
    d->ops += inc;
    if (d->max_seconds == 0)
        return d->ops > d->max_ops;
    if (d->ops / 1000 == (d->ops - inc) / 1000)
        return false;
    return (bench_now_micros() - d->start) / 1000000u >= d->max_seconds;
}

void bench_die(const char *what, int rc, const shale_err *err)
{
    char buf[256];
    shale_err e = err != NULL ? *err : (shale_err){ .code = rc };
    if (e.code == SHALE_OK)
        e.code = rc;
    fprintf(stderr, "%s error: %s\n", what, shale_err_format(&e, buf, sizeof buf));
    exit(1);
}

void bench_rate_limit(bench_ctx *ctx, uint64_t bytes)
{
    if (g_flags.benchmark_write_rate_limit <= 0)
        return;
    pthread_mutex_lock(&ctx->rate_mu);
    uint64_t now = bench_now_micros();
    if (ctx->rate_start_micros == 0)
        ctx->rate_start_micros = now;
    ctx->rate_bytes += bytes;
    uint64_t due = ctx->rate_start_micros +
                   ctx->rate_bytes * 1000000u / (uint64_t)g_flags.benchmark_write_rate_limit;
    pthread_mutex_unlock(&ctx->rate_mu);
    if (due > now) {
        struct timespec ts = { (time_t)((due - now) / 1000000u),
                               (long)((due - now) % 1000000u) * 1000 };
        nanosleep(&ts, NULL);
    }
}

static uint64_t random_key(bench_thread *t)
{
    return bench_rand64_next(&t->rand) % (uint64_t)g_flags.num;
}

static int init_values(value_gen *g, bench_ctx *ctx)
{
    size_t want = (size_t)(ctx->value_size > g_flags.value_size ? ctx->value_size
                                                                 : g_flags.value_size);
    if (value_gen_init(g, want, g_flags.compression_ratio) != 0) {
        fprintf(stderr, "out of memory building values\n");
        exit(1);
    }
    return 0;
}

/* What every writing benchmark starts with: the value generator and a key
 * buffer (free it; `what` names the step in an out-of-memory exit). */
static char *writer_start(bench_ctx *ctx, value_gen *gen, const char *what)
{
    init_values(gen, ctx);
    char *key = malloc((size_t)ctx->key_size + 1);
    if (key == NULL)
        bench_die(what, SHALE_NO_MEMORY, NULL);
    return key;
}

static void put_one(bench_ctx *ctx, const char *key, const char *val)
{
    shale_err err = { 0 };
    int rc = shale_put(ctx->db, ctx->wo, key, (size_t)ctx->key_size, val,
                       (size_t)ctx->value_size, &err);
    if (rc != SHALE_OK)
        bench_die("put", rc, &err);
}

/* --- writes ------------------------------------------------------------- */

static void do_write(bench_thread *t, bool sequential)
{
    bench_ctx *ctx = t->ctx;
    value_gen gen;
    init_values(&gen, ctx);
    char *key = malloc((size_t)ctx->key_size + 1);
    shale_write_batch *batch = shale_write_batch_new();
    if (key == NULL || batch == NULL)
        bench_die("put", SHALE_NO_MEMORY, NULL);
    int64_t num_ops = ctx->writes == 0 ? ctx->num : ctx->writes, next = 0;
    duration d;
    duration_init(&d, sequential ? 0 : g_flags.duration, num_ops);
    uint64_t bytes = 0;
    shale_err err = { 0 };
    while (!duration_done(&d, ctx->entries_per_batch)) {
        uint64_t step = 0;
        shale_write_batch_clear(batch);
        for (int64_t j = 0; j < ctx->entries_per_batch; j++) {
            uint64_t k = sequential ? (uint64_t)next++
                                    : bench_rand64_next(&t->rand) % (uint64_t)ctx->num;
            bench_key_from_int(k, ctx->key_size, key);
            const char *val = value_gen_next(&gen, (size_t)ctx->value_size);
            step += (uint64_t)(ctx->value_size + ctx->key_size);
            if (ctx->entries_per_batch == 1) {
                put_one(ctx, key, val);
            } else if (shale_write_batch_put(batch, key, (size_t)ctx->key_size, val,
                                             (size_t)ctx->value_size, &err) != SHALE_OK) {
                bench_die("put", err.code, &err);
            }
        }
        int rc = ctx->entries_per_batch == 1 ? SHALE_OK : shale_write(ctx->db, ctx->wo, batch, &err);
        if (rc != SHALE_OK)
            bench_die("put", rc, &err);
        bytes += step;
        stats_finished_ops(&t->stats, ctx->entries_per_batch, OP_WRITE);
        bench_rate_limit(ctx, step);
    }
    stats_add_bytes(&t->stats, bytes);
    if (ctx->num != g_flags.num) {
        char msg[64];
        snprintf(msg, sizeof msg, "(%" PRId64 " ops)", ctx->num);
        stats_add_message(&t->stats, msg);
    }
    shale_write_batch_free(batch);
    free(key);
    value_gen_deinit(&gen);
}

static void write_seq(bench_thread *t) { do_write(t, true); }
static void write_random(bench_thread *t) { do_write(t, false); }

static void do_delete(bench_thread *t, bool seq)
{
    bench_ctx *ctx = t->ctx;
    char *key = malloc((size_t)ctx->key_size + 1);
    shale_write_batch *batch = shale_write_batch_new();
    if (key == NULL || batch == NULL)
        bench_die("delete", SHALE_NO_MEMORY, NULL);
    duration d;
    duration_init(&d, seq ? 0 : g_flags.duration, ctx->deletes);
    int64_t i = 0;
    shale_err err = { 0 };
    while (!duration_done(&d, ctx->entries_per_batch)) {
        shale_write_batch_clear(batch);
        for (int64_t j = 0; j < ctx->entries_per_batch; j++) {
            uint64_t k = seq ? (uint64_t)(i + j) : random_key(t);
            bench_key_from_int(k, ctx->key_size, key);
            if (shale_write_batch_delete(batch, key, (size_t)ctx->key_size, &err) != SHALE_OK)
                bench_die("delete", err.code, &err);
        }
        int rc = shale_write(ctx->db, ctx->wo, batch, &err);
        if (rc != SHALE_OK)
            bench_die("delete", rc, &err);
        stats_finished_ops(&t->stats, ctx->entries_per_batch, OP_DELETE);
        i += ctx->entries_per_batch;
    }
    shale_write_batch_free(batch);
    free(key);
}

static void delete_seq(bench_thread *t) { do_delete(t, true); }
static void delete_random(bench_thread *t) { do_delete(t, false); }

/* --- reads -------------------------------------------------------------- */

/* Gets key k; true if found.  Adds key and value size to *bytes if found. */
/* Each thread's pinnable for gets (RocksDB's db_bench reads into a
 * PinnableSlice too): reset after every read, freed by pin_done() when the
 * thread's loop ends, so no pin outlives a benchmark. */
static _Thread_local shale_pinnable *tl_pin;

static void pin_done(void)
{
    shale_pinnable_free(tl_pin);
    tl_pin = NULL;
}

static bool get_key(bench_ctx *ctx, const char *key, uint64_t *bytes)
{
    if (tl_pin == NULL && (tl_pin = shale_pinnable_new()) == NULL)
        bench_die("get", SHALE_NO_MEMORY, NULL);
    shale_err err = { 0 };
    int rc = shale_get_pinned(ctx->db, ctx->ro, key, (size_t)ctx->key_size, tl_pin, &err);
    if (rc == SHALE_NOT_FOUND)
        return false;
    if (rc != SHALE_OK)
        bench_die("get", rc, &err);
    size_t vlen = 0;
    (void)shale_pinnable_value(tl_pin, &vlen);
    *bytes += (uint64_t)ctx->key_size + vlen;
    shale_pinnable_reset(tl_pin);
    return true;
}

/* A loop of random-key lookups (gets or seeks), with RocksDB's
 * "(found of read found)" message. */
static void random_lookups(bench_thread *t, bool (*once)(bench_ctx *, const char *, uint64_t *),
                           int op, const char *what)
{
    bench_ctx *ctx = t->ctx;
    char *key = malloc((size_t)ctx->key_size + 1);
    if (key == NULL)
        bench_die(what, SHALE_NO_MEMORY, NULL);
    uint64_t read = 0, found = 0, bytes = 0;
    duration d;
    duration_init(&d, g_flags.duration, ctx->reads);
    while (!duration_done(&d, 1)) {
        bench_key_from_int(random_key(t), ctx->key_size, key);
        read++;
        if (once(ctx, key, &bytes))
            found++;
        stats_finished_ops(&t->stats, 1, op);
    }
    char msg[100];
    snprintf(msg, sizeof msg, "(%" PRIu64 " of %" PRIu64 " found)\n", found, read);
    stats_add_bytes(&t->stats, bytes);
    stats_add_message(&t->stats, msg);
    free(key);
    pin_done();
}

static void read_random(bench_thread *t) { random_lookups(t, get_key, OP_READ, "get"); }

static void read_sequential(bench_thread *t, bool reverse)
{
    bench_ctx *ctx = t->ctx;
    shale_iter *it = shale_iter_new(ctx->db, ctx->ro);
    if (it == NULL)
        bench_die("iterator", SHALE_NO_MEMORY, NULL);
    uint64_t bytes = 0;
    int64_t i = 0;
    if (reverse)
        shale_iter_seek_to_last(it);
    else
        shale_iter_seek_to_first(it);
    while (shale_iter_valid(it) && i < ctx->reads) {
        size_t kl, vl;
        (void)shale_iter_key(it, &kl);
        (void)shale_iter_value(it, &vl);
        bytes += kl + vl;
        stats_finished_ops(&t->stats, 1, OP_READ);
        ++i;
        if (reverse)
            shale_iter_prev(it);
        else
            shale_iter_next(it);
    }
    shale_err err = { 0 };
    int rc = shale_iter_status(it, &err);
    if (rc != SHALE_OK)
        bench_die("iterator", rc, &err);
    shale_iter_free(it);
    stats_add_bytes(&t->stats, bytes);
}

static void read_seq(bench_thread *t) { read_sequential(t, false); }
static void read_reverse(bench_thread *t) { read_sequential(t, true); }

/* One seek and --seek_nexts steps; true if the seek landed on key. */
static bool seek_once(bench_ctx *ctx, const char *key, uint64_t *bytes)
{
    shale_iter *it = shale_iter_new(ctx->db, ctx->ro);
    if (it == NULL)
        bench_die("iterator", SHALE_NO_MEMORY, NULL);
    shale_iter_seek(it, key, (size_t)ctx->key_size);
    bool found = false;
    if (shale_iter_valid(it)) {
        size_t kl;
        const char *k = shale_iter_key(it, &kl);
        found = kl == (size_t)ctx->key_size && memcmp(k, key, kl) == 0;
    }
    for (int64_t j = 0; j < g_flags.seek_nexts && shale_iter_valid(it); ++j) {
        size_t kl, vl;
        (void)shale_iter_key(it, &kl);
        (void)shale_iter_value(it, &vl);
        *bytes += kl + vl;
        shale_iter_next(it);
    }
    shale_err err = { 0 };
    int rc = shale_iter_status(it, &err);
    if (rc != SHALE_OK)
        bench_die("iterator", rc, &err);
    shale_iter_free(it);
    return found;
}

static void seek_random(bench_thread *t) { random_lookups(t, seek_once, OP_SEEK, "seek"); }

/* readwhilewriting's writer: random puts until every reader is done; its
 * stats stay out of the merged result. */
static void bg_writer(bench_thread *t)
{
    bench_ctx *ctx = t->ctx;
    value_gen gen;
    char *key = writer_start(ctx, &gen, "put");
    t->stats.exclude_from_merge = true;
    uint64_t bytes = 0;
    while (atomic_load(&ctx->num_done) + 1 < ctx->num_threads) {
        bench_key_from_int(random_key(t), ctx->key_size, key);
        put_one(ctx, key, value_gen_next(&gen, (size_t)ctx->value_size));
        bytes += (uint64_t)(ctx->key_size + ctx->value_size);
        stats_finished_ops(&t->stats, 1, OP_WRITE);
        bench_rate_limit(ctx, (uint64_t)(ctx->key_size + ctx->value_size));
    }
    stats_add_bytes(&t->stats, bytes);
    free(key);
    value_gen_deinit(&gen);
}

static void read_while_writing(bench_thread *t)
{
    if (t->tid > 0)
        read_random(t);
    else
        bg_writer(t);
}

static void read_random_write_random(bench_thread *t)
{
    bench_ctx *ctx = t->ctx;
    value_gen gen;
    char *key = writer_start(ctx, &gen, "put");
    uint64_t reads = 0, writes = 0, found = 0, bytes = 0;
    int64_t get_weight = 0, put_weight = 0;
    duration d;
    duration_init(&d, g_flags.duration, ctx->readwrites);
    while (!duration_done(&d, 1)) {
        bench_key_from_int(random_key(t), ctx->key_size, key);
        if (get_weight == 0 && put_weight == 0) {
            get_weight = g_flags.readwritepercent;
            put_weight = 100 - get_weight;
        }
        if (get_weight > 0) {
            found += get_key(ctx, key, &bytes);
            get_weight--;
            reads++;
            stats_finished_ops(&t->stats, 1, OP_READ);
        } else if (put_weight > 0) {
            put_one(ctx, key, value_gen_next(&gen, (size_t)ctx->value_size));
            put_weight--;
            writes++;
            stats_finished_ops(&t->stats, 1, OP_WRITE);
        }
    }
    char msg[160];
    snprintf(msg, sizeof msg,
             "( reads:%" PRIu64 " writes:%" PRIu64 " total:%" PRId64 " found:%" PRIu64 ")", reads,
             writes, ctx->readwrites, found);
    stats_add_message(&t->stats, msg);
    free(key);
    value_gen_deinit(&gen);
    pin_done();
}

static void update_random(bench_thread *t)
{
    bench_ctx *ctx = t->ctx;
    value_gen gen;
    char *key = writer_start(ctx, &gen, "put");
    uint64_t found = 0, bytes = 0;
    duration d;
    duration_init(&d, g_flags.duration, ctx->readwrites);
    while (!duration_done(&d, 1)) {
        bench_key_from_int(random_key(t), ctx->key_size, key);
        found += get_key(ctx, key, &bytes);
        put_one(ctx, key, value_gen_next(&gen, (size_t)ctx->value_size));
        bytes += (uint64_t)(ctx->key_size + ctx->value_size);
        stats_finished_ops(&t->stats, 1, OP_UPDATE);
    }
    char msg[100];
    snprintf(msg, sizeof msg, "( updates:%" PRId64 " found:%" PRIu64 ")", ctx->readwrites,
             found);
    stats_add_bytes(&t->stats, bytes);
    stats_add_message(&t->stats, msg);
    free(key);
    value_gen_deinit(&gen);
    pin_done();
}

/* RocksDB's MergeRandom: a merge of a fresh value into a random key out of
 * --merge_keys (or --num) keys. */
static void merge_random(bench_thread *t)
{
    bench_ctx *ctx = t->ctx;
    value_gen gen;
    char *key = writer_start(ctx, &gen, "merge");
    uint64_t keys = g_flags.merge_keys < 0 ? (uint64_t)g_flags.num : (uint64_t)g_flags.merge_keys;
    uint64_t bytes = 0;
    duration d;
    duration_init(&d, g_flags.duration, ctx->readwrites);
    while (!duration_done(&d, 1)) {
        bench_key_from_int(keys > 0 ? bench_rand64_next(&t->rand) % keys : 0, ctx->key_size, key);
        shale_err err = {0};
        int rc = shale_merge(ctx->db, ctx->wo, key, (size_t)ctx->key_size,
                             value_gen_next(&gen, (size_t)ctx->value_size),
                             (size_t)ctx->value_size, &err);
        if (rc != SHALE_OK)
            bench_die("merge", rc, &err);
        bytes += (uint64_t)(ctx->key_size + ctx->value_size);
        stats_finished_ops(&t->stats, 1, OP_MERGE);
    }
    char msg[100];
    snprintf(msg, sizeof msg, "( updates:%" PRId64 ")", ctx->readwrites);
    stats_add_bytes(&t->stats, bytes);
    stats_add_message(&t->stats, msg);
    free(key);
    value_gen_deinit(&gen);
}

/* --- per-benchmark adjustments -------------------------------------------- */

static void prep_fillsync(bench_ctx *ctx)
{
    ctx->num /= 1000;
    if (ctx->num < 1)
        ctx->num = 1;
    ctx->entries_per_batch = 1;
    shale_write_options_set_sync(ctx->wo, true);
}

static void prep_fill100k(bench_ctx *ctx)
{
    ctx->num /= 1000;
    if (ctx->num < 1)
        ctx->num = 1;
    ctx->value_size = 100 * 1000;
}

static void prep_readmissing(bench_ctx *ctx) { ctx->key_size++; }

static const bench_def BENCHMARKS[] = {
    { "fillseq", write_seq, true, 0, NULL, NULL },
    { "fillrandom", write_random, true, 0, NULL, NULL },
    { "overwrite", write_random, false, 0, NULL, NULL },
    { "fillsync", write_random, true, 0, prep_fillsync, NULL },
    { "fill100K", write_seq, true, 0, prep_fill100k, NULL },
    { "readseq", read_seq, false, 0, NULL, NULL },
    { "readreverse", read_reverse, false, 0, NULL, NULL },
    { "readrandom", read_random, false, 0, NULL, NULL },
    { "readmissing", read_random, false, 0, prep_readmissing, NULL },
    { "seekrandom", seek_random, false, 0, NULL, NULL },
    { "readwhilewriting", read_while_writing, false, 1, NULL, NULL },
    { "readrandomwriterandom", read_random_write_random, false, 0, NULL, NULL },
    { "updaterandom", update_random, false, 0, NULL, NULL },
    { "mergerandom", merge_random, false, 0, NULL, NULL },
    { "deleteseq", delete_seq, false, 0, NULL, NULL },
    { "deleterandom", delete_random, false, 0, NULL, NULL },
    { "compact", maint_compact, false, 0, NULL, NULL },
    { "crc32c", maint_crc32c, false, 0, NULL, NULL },
    { "xxh3", maint_xxh3, false, 0, NULL, NULL },
    { "flush", NULL, false, 0, NULL, maint_flush },
    { "waitforcompaction", NULL, false, 0, NULL, maint_wait_for_compaction },
    { "stats", NULL, false, 0, NULL, maint_stats },
    { "levelstats", NULL, false, 0, NULL, maint_levelstats },
    { "sstables", NULL, false, 0, NULL, maint_sstables },
};

const bench_def *bench_find(const char *name)
{
    for (size_t i = 0; i < sizeof BENCHMARKS / sizeof BENCHMARKS[0]; i++)
        if (strcmp(BENCHMARKS[i].name, name) == 0)
            return &BENCHMARKS[i];
    return NULL;
}
