/* bench/db_bench/db_bench.c: main() of shale's db_bench, a drop-in for
 * RocksDB 7.8.3's: the same flags, benchmarks and output, so the same
 * command lines and parsers work on both (see docs/benchmarks.md).
 *
 * Flow: parse flags, print the preamble, open the database (destroyed
 * first unless --use_existing_db), then for each name in --benchmarks run
 * it in --threads threads and print its result line; "name[X3-W1]" runs it
 * once to warm up and three times measured, with averaged lines. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/db_bench/bench.h"
#include "bench/db_bench/flags.h"
#include "bench/db_bench/output.h"
#include "bench/db_bench/setup.h"

typedef struct bench_spec {
    char name[128];
    int repeats;   /* measured runs */
    int warmups;
    bool bracket;  /* a [..] suffix was given */
} bench_spec;

static uint64_t g_thread_seeds;   /* threads started so far: each gets its own seed */

/* Parses "name", "name[X3]", "name[W1]", "name[X3-W1]".  0, or -1. */
static int parse_spec(const char *text, bench_spec *sp)
{
    memset(sp, 0, sizeof *sp);
    sp->repeats = 1;
    const char *br = strchr(text, '[');
    size_t len = br != NULL ? (size_t)(br - text) : strlen(text);
    if (len == 0 || len >= sizeof sp->name)
        return -1;
    memcpy(sp->name, text, len);
    if (br == NULL)
        return 0;
    sp->bracket = true;
    const char *p = br + 1;
    while (*p != ']') {
        char kind = *p++;
        char *end;
        long v = strtol(p, &end, 10);
        if ((kind != 'X' && kind != 'W') || end == p || v < 0 || v > 64)
            return -1;
        if (kind == 'X')
            sp->repeats = v < 1 ? 1 : (int)v;
        else
            sp->warmups = (int)v;
        p = end;
        if (*p == '-')
            p++;
        else if (*p != ']')
            return -1;
    }
    return p[1] == '\0' ? 0 : -1;
}

static void reset_sizes(bench_ctx *ctx)
{
    ctx->num = g_flags.num;
    ctx->reads = g_flags.reads < 0 ? g_flags.num : g_flags.reads;
    ctx->writes = g_flags.writes < 0 ? g_flags.num : g_flags.writes;
    ctx->deletes = g_flags.deletes < 0 ? g_flags.num : g_flags.deletes;
    ctx->readwrites = (g_flags.writes < 0 && g_flags.reads < 0)
                          ? g_flags.num
                          : (g_flags.writes > g_flags.reads ? g_flags.writes : g_flags.reads);
    ctx->entries_per_batch = g_flags.batch_size;
    ctx->value_size = g_flags.value_size;
    ctx->key_size = (int)g_flags.key_size;
    shale_write_options_set_sync(ctx->wo, g_flags.sync);
    shale_write_options_set_disable_wal(ctx->wo, g_flags.disable_wal);
}

typedef struct worker {
    bench_thread t;
    const bench_def *def;
    pthread_barrier_t *go;
    pthread_t pt;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    pthread_barrier_wait(w->go);
    stats_start(&w->t.stats, w->t.tid, g_flags.histogram || g_flags.json[0] != '\0');
    w->def->method(&w->t);
    stats_stop(&w->t.stats);
    atomic_fetch_add(&w->t.ctx->num_done, 1);
    return NULL;
}

/* Runs def in its threads; *merged gets the merged stats. */
static void run_threads(bench_ctx *ctx, const bench_def *def, bench_stats *merged)
{
    int n = (int)g_flags.threads + def->extra_threads;
    worker *ws = calloc((size_t)n, sizeof *ws);
    pthread_barrier_t go;
    if (ws == NULL || pthread_barrier_init(&go, NULL, (unsigned)n) != 0)
        bench_die("threads", SHALE_NO_MEMORY, NULL);
    ctx->num_threads = n;
    atomic_store(&ctx->num_done, 0);
    for (int i = 0; i < n; i++) {
        ws[i] = (worker){ .t = { .tid = i, .ctx = ctx }, .def = def, .go = &go };
        bench_rand64_init(&ws[i].t.rand, ctx->seed_base + ++g_thread_seeds);
        if (pthread_create(&ws[i].pt, NULL, worker_main, &ws[i]) != 0)
            bench_die("threads", SHALE_NO_MEMORY, NULL);
    }
    memset(merged, 0, sizeof *merged);
    for (int i = 0; i < n; i++)
        pthread_join(ws[i].pt, NULL);
    for (int i = 0; i < n; i++) {
        if (stats_merge(merged, &ws[i].t.stats) != 0)
            bench_die("stats", SHALE_NO_MEMORY, NULL);
        stats_deinit(&ws[i].t.stats);
    }
    pthread_barrier_destroy(&go);
    free(ws);
}

/* One measured (or warm-up) run: result line, --json object. */
static void run_once(bench_ctx *ctx, const bench_def *def, const char *name,
                     combined_stats *combined)
{
    reset_sizes(ctx);
    if (def->fresh_db)
        setup_open(ctx, true);
    if (def->prepare != NULL)
        def->prepare(ctx);
    run_sample before, after;
    output_sample(ctx, &before);
    bench_stats merged;
    run_threads(ctx, def, &merged);
    output_sample(ctx, &after);
    stats_report(&merged, name, g_flags.histogram, stdout);
    bench_result r;
    stats_result(&merged, name, &r);
    output_json_add(&r, &before, &after);
    if (combined != NULL)
        combined_add(combined, &merged);
    stats_deinit(&merged);
}

static void run_spec(bench_ctx *ctx, const bench_def *def, const bench_spec *sp)
{
    if (def->method == NULL) {
        reset_sizes(ctx);
        def->step(ctx);
        return;
    }
    fprintf(stdout, "DB path: [%s]\n", ctx->db_path);
    if (def->fresh_db && g_flags.use_existing_db) {
        fprintf(stdout, "%-12s : skipped (--use_existing_db is true)\n", sp->name);
        return;
    }
    if (sp->warmups > 0) {
        fprintf(stdout, "Warming up benchmark by running %d times\n", sp->warmups);
        for (int i = 0; i < sp->warmups; i++)
            run_once(ctx, def, sp->name, NULL);
    }
    if (!sp->bracket) {
        run_once(ctx, def, sp->name, NULL);
        return;
    }
    fprintf(stdout, "Running benchmark for %d times\n", sp->repeats);
    combined_stats combined = { 0 };
    for (int i = 0; i < sp->repeats; i++) {
        run_once(ctx, def, sp->name, &combined);
        combined_report(&combined, sp->name, stdout);
    }
    combined_report_final(&combined, sp->name, stdout);
}

static int run_all(bench_ctx *ctx)
{
    char *list = strdup(g_flags.benchmarks);
    if (list == NULL)
        return 1;
    int rc = 0;
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        bench_spec sp;
        if (parse_spec(tok, &sp) != 0) {
            fprintf(stderr, "unknown benchmark '%s'\n", tok);
            rc = 1;
            break;
        }
        if (strcmp(sp.name, "mergerandom") == 0 && g_flags.merge_operator[0] == '\0') {
            fprintf(stdout, "%-12s : skipped (--merge_operator is unknown)\n", sp.name);
            rc = 1;   /* RocksDB's db_bench exits here with status 1 */
            break;
        }
        const bench_def *def = bench_find(sp.name);
        if (def == NULL) {
            fprintf(stderr, "unknown benchmark '%s'\n", sp.name);
            rc = 1;
            break;
        }
        run_spec(ctx, def, &sp);
        fflush(stdout);
    }
    free(list);
    return rc;
}

static void print_statistics(const bench_ctx *ctx)
{
    if (!g_flags.statistics || ctx->statistics == NULL)
        return;
    char *text = shale_statistics_to_string(ctx->statistics);
    fprintf(stdout, "STATISTICS:\n%s\n", text != NULL ? text : "");
    shale_free(text);
}

int main(int argc, char **argv)
{
    char msg[512];
    int prc = flags_parse(argc, argv, msg, sizeof msg);
    if (prc == FLAGS_HELP) {
        flags_print_help(stdout);
        flags_free();
        return 0;
    }
    if (prc != FLAGS_OK) {
        fprintf(stderr, "%s\n", msg);
        flags_free();
        return 1;
    }
    bench_ctx ctx;
    if (setup_validate_flags() != 0 || setup_ctx_init(&ctx) != 0) {
        flags_free();
        return 1;
    }
    setup_print_header(stdout);
    setup_open(&ctx, !g_flags.use_existing_db);
    output_reporter_start();
    int rc = run_all(&ctx);
    output_reporter_stop();
    print_statistics(&ctx);
    if (output_json_write() != 0)
        rc = 1;
    setup_ctx_deinit(&ctx);
    flags_free();
    return rc;
}
