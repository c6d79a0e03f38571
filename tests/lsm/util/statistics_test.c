/* tests/lsm/util/statistics_test.c: tickers and histograms with RocksDB's
 * names, order and dump format.
 *
 * The oracle for names, order and line format is Debian's db_bench 7.8.3:
 * its `--statistics` dump is compared with ours line by line (names equal,
 * in the same order; every line parses with RocksDB's format and prints
 * back to the same bytes).  Counts and percentiles are checked against
 * values worked out by hand. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/statistics.h"
#include "tests/support/test_util.h"

static statistics *new_stats(void)
{
    statistics *s = stats_new();
    cr_assert_not_null(s);
    return s;
}

/* The n-th line of text (0-based) as a malloc'd string, or NULL. */
static char *nth_line(const char *text, size_t n)
{
    for (; n > 0 && text != NULL; n--) {
        text = strchr(text, '\n');
        if (text != NULL)
            text++;
    }
    if (text == NULL || *text == '\0')
        return NULL;
    const char *end = strchr(text, '\n');
    return strndup(text, end == NULL ? strlen(text) : (size_t)(end - text));
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text != '\0'; text++)
        n += *text == '\n';
    return n;
}

/* --- the tables ------------------------------------------------------------ */

Test(statistics, every_name_is_unique_and_rocksdb_prefixed)
{
    const char *all[STATS_TICKER_COUNT + STATS_HIST_COUNT];
    size_t n = 0;
    for (int t = 0; t < STATS_TICKER_COUNT; t++)
        all[n++] = stats_ticker_name((enum stats_ticker)t);
    for (int h = 0; h < STATS_HIST_COUNT; h++)
        all[n++] = stats_hist_name((enum stats_hist)h);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(strncmp(all[i], "rocksdb.", 8), 0, "%s", all[i]);
        for (size_t j = i + 1; j < n; j++)
            cr_assert_str_neq(all[i], all[j]);
    }
}

Test(statistics, names_map_back_to_their_entries)
{
    for (int t = 0; t < STATS_TICKER_COUNT; t++)
        cr_assert_eq(stats_ticker_by_name(stats_ticker_name((enum stats_ticker)t)), t);
    for (int h = 0; h < STATS_HIST_COUNT; h++)
        cr_assert_eq(stats_hist_by_name(stats_hist_name((enum stats_hist)h)), h);
    cr_assert_eq(stats_ticker_by_name("rocksdb.no.such.ticker"), -1);
    cr_assert_eq(stats_ticker_by_name("rocksdb.db.get.micros"), -1);   /* a histogram */
    cr_assert_eq(stats_hist_by_name("rocksdb.block.cache.miss"), -1);  /* a ticker */
    cr_assert_eq(stats_ticker_by_name(NULL), -1);
    /* A few the engine relies on, at RocksDB's enum positions. */
    cr_assert_str_eq(stats_ticker_name(TICKER_BLOCK_CACHE_MISS), "rocksdb.block.cache.miss");
    cr_assert_eq(TICKER_BLOCK_CACHE_MISS, 0);
    cr_assert_str_eq(stats_ticker_name(TICKER_GET_HIT_L2_AND_UP), "rocksdb.l2andup.hit");
    cr_assert_str_eq(stats_hist_name(HIST_DB_GET), "rocksdb.db.get.micros");
    cr_assert_eq(HIST_DB_GET, 0);
    cr_assert_str_eq(stats_hist_name(HIST_FLUSH_TIME), "rocksdb.db.flush.micros");
}

Test(statistics, dump_lists_every_name_once_in_table_order)
{
    statistics *s = new_stats();
    char *dump = stats_to_string(s);
    cr_assert_not_null(dump);
    cr_assert_eq(count_lines(dump), (size_t)STATS_TICKER_COUNT + STATS_HIST_COUNT);
    char want[256];
    for (int t = 0; t < STATS_TICKER_COUNT; t++) {
        char *line = nth_line(dump, (size_t)t);
        snprintf(want, sizeof want, "%s COUNT : 0", stats_ticker_name((enum stats_ticker)t));
        cr_assert_str_eq(line, want);
        free(line);
    }
    for (int h = 0; h < STATS_HIST_COUNT; h++) {
        char *line = nth_line(dump, (size_t)(STATS_TICKER_COUNT + h));
        snprintf(want, sizeof want,
                 "%s P50 : 0.000000 P95 : 0.000000 P99 : 0.000000 P100 : 0.000000 "
                 "COUNT : 0 SUM : 0", stats_hist_name((enum stats_hist)h));
        cr_assert_str_eq(line, want);
        free(line);
    }
    free(dump);
    stats_unref(s);
}

/* --- against db_bench --------------------------------------------------------- */

/* db_bench's STATISTICS: section (without the header line), malloc'd. */
static char *db_bench_dump(void)
{
    cr_assert(test_have_program("db_bench"), "db_bench (Debian's rocksdb-tools) is needed");
    char *dir = test_tmpdir("stats");
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "db_bench --benchmarks=fillrandom,readrandom --num=2000 --statistics "
             "--db=%s/db 2>/dev/null", dir);
    int status = -1;
    char *out = test_run(cmd, &status);
    test_rmtree(dir);
    free(dir);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "db_bench failed:\n%s", out);
    const char *sec = strstr(out, "\nSTATISTICS:\n");
    cr_assert_not_null(sec, "no STATISTICS: section:\n%s", out);
    char *dump = strdup(sec + strlen("\nSTATISTICS:\n"));
    free(out);
    return dump;
}

/* The name at the start of a dump line (up to " COUNT : " or " P50 : "). */
static char *line_name(const char *line)
{
    const char *sp = strchr(line, ' ');
    cr_assert_not_null(sp, "%s", line);
    return strndup(line, (size_t)(sp - line));
}

/* Parses a line in RocksDB's ticker or histogram format and prints it back
 * with the same format; true if that gives the same bytes. */
static bool reprints_identically(const char *line, bool histogram_line)
{
    char name[128], back[256];
    if (!histogram_line) {
        uint64_t n;
        if (sscanf(line, "%127s COUNT : %" SCNu64, name, &n) != 2)
            return false;
        snprintf(back, sizeof back, "%s COUNT : %" PRIu64, name, n);
    } else {
        double p50, p95, p99, p100;
        uint64_t count, sum;
        if (sscanf(line, "%127s P50 : %lf P95 : %lf P99 : %lf P100 : %lf COUNT : %" SCNu64
                         " SUM : %" SCNu64, name, &p50, &p95, &p99, &p100, &count, &sum) != 7)
            return false;
        snprintf(back, sizeof back,
                 "%s P50 : %f P95 : %f P99 : %f P100 : %f COUNT : %" PRIu64 " SUM : %" PRIu64,
                 name, p50, p95, p99, p100, count, sum);
    }
    return strcmp(back, line) == 0;
}

Test(statistics, dump_names_and_order_equal_db_bench)
{
    char *theirs = db_bench_dump();
    statistics *s = new_stats();
    stats_add(s, TICKER_MEMTABLE_HIT, 7);
    stats_record(s, HIST_DB_GET, 3);
    char *ours = stats_to_string(s);
    size_t n = STATS_TICKER_COUNT + STATS_HIST_COUNT;
    for (size_t i = 0; i < n; i++) {
        char *a = nth_line(ours, i), *b = nth_line(theirs, i);
        cr_assert_not_null(b, "db_bench's dump ends at line %zu", i);
        char *na = line_name(a), *nb = line_name(b);
        cr_assert_str_eq(na, nb, "line %zu", i);
        bool hist = i >= STATS_TICKER_COUNT;
        cr_assert(reprints_identically(a, hist), "ours, line %zu: %s", i, a);
        cr_assert(reprints_identically(b, hist), "db_bench, line %zu: %s", i, b);
        free(na), free(nb), free(a), free(b);
    }
    /* After the last histogram db_bench prints only the blank line. */
    char *rest = nth_line(theirs, n);
    cr_assert(rest == NULL || rest[0] == '\0', "db_bench has more: %s", rest);
    free(rest);
    cr_assert_null(nth_line(ours, n));
    free(ours);
    free(theirs);
    stats_unref(s);
}

/* --- counting -------------------------------------------------------------- */

Test(statistics, histogram_lines_carry_rocksdbs_percentiles)
{
    statistics *s = new_stats();
    for (uint64_t v = 1; v <= 1000; v++)
        stats_record(s, HIST_DB_GET, v);
    /* P50: 380 values below (380, 580], threshold 500 -> 380 + 200*120/200.
     * P95: threshold 950 in (870, 1300] -> 1134.6, clamped to the max. */
    shale_histogram_data d;
    stats_histogram_data(s, HIST_DB_GET, &d);
    cr_assert_float_eq(d.p50, 500.0, 1e-9);
    cr_assert_float_eq(d.p95, 1000.0, 1e-9);
    cr_assert_float_eq(d.p99, 1000.0, 1e-9);
    cr_assert_float_eq(d.p100, 1000.0, 1e-9);
    cr_assert_float_eq(d.average, 500.5, 1e-9);
    cr_assert_float_eq(d.stddev, 288.6749902572095, 1e-9);
    cr_assert_eq(d.count, 1000);
    cr_assert_eq(d.sum, 500500);
    cr_assert_eq(d.min, 1);
    cr_assert_eq(d.max, 1000);
    char *dump = stats_to_string(s);
    char *line = nth_line(dump, STATS_TICKER_COUNT);
    cr_assert_str_eq(line, "rocksdb.db.get.micros P50 : 500.000000 P95 : 1000.000000 "
                           "P99 : 1000.000000 P100 : 1000.000000 COUNT : 1000 SUM : 500500");
    free(line);
    free(dump);
    stats_unref(s);
}

Test(statistics, ticker_lines_show_the_counts)
{
    statistics *s = new_stats();
    stats_add(s, TICKER_BLOCK_CACHE_HIT, 5);
    stats_add(s, TICKER_BLOCK_CACHE_HIT, 6);
    stats_add(s, TICKER_ASYNC_READ_ERROR_COUNT, 1);
    cr_assert_eq(stats_ticker(s, TICKER_BLOCK_CACHE_HIT), 11);
    cr_assert_eq(stats_ticker(s, TICKER_BLOCK_CACHE_MISS), 0);
    char *dump = stats_to_string(s);
    char *l1 = nth_line(dump, TICKER_BLOCK_CACHE_HIT);
    char *last = nth_line(dump, STATS_TICKER_COUNT - 1);
    cr_assert_str_eq(l1, "rocksdb.block.cache.hit COUNT : 11");
    cr_assert_str_eq(last, "rocksdb.async.read.error.count COUNT : 1");
    free(l1), free(last), free(dump);
    stats_unref(s);
}

#define THREADS 4
#define ADDS 200000

static void *add_many(void *arg)
{
    statistics *s = arg;
    for (uint64_t i = 0; i < ADDS; i++) {
        stats_add(s, TICKER_NUMBER_KEYS_WRITTEN, 1);
        stats_add(s, TICKER_BYTES_WRITTEN, i);
        if (i % 16 == 0)
            stats_record(s, HIST_BYTES_PER_WRITE, i % 1000);
    }
    return NULL;
}

Test(statistics, concurrent_adds_from_four_threads_sum_exactly)
{
    statistics *s = new_stats();
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, add_many, s), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    cr_assert_eq(stats_ticker(s, TICKER_NUMBER_KEYS_WRITTEN), (uint64_t)THREADS * ADDS);
    cr_assert_eq(stats_ticker(s, TICKER_BYTES_WRITTEN),
                 (uint64_t)THREADS * ((uint64_t)ADDS * (ADDS - 1) / 2));
    shale_histogram_data d;
    stats_histogram_data(s, HIST_BYTES_PER_WRITE, &d);
    uint64_t per_thread = 0, sum = 0;
    for (uint64_t i = 0; i < ADDS; i += 16)
        per_thread++, sum += i % 1000;
    cr_assert_eq(d.count, THREADS * per_thread);
    cr_assert_eq(d.sum, THREADS * sum);
    cr_assert_eq(d.min, 0);
    cr_assert_eq(d.max, 992);   /* 16k mod 1000 runs over the multiples of 8 */
    stats_unref(s);
}

Test(statistics, reset_zeroes_tickers_and_histograms)
{
    statistics *s = new_stats();
    stats_add(s, TICKER_WAL_FILE_BYTES, 100);
    stats_record(s, HIST_WAL_FILE_SYNC_MICROS, 42);
    stats_reset(s);
    cr_assert_eq(stats_ticker(s, TICKER_WAL_FILE_BYTES), 0);
    histogram h;
    stats_histogram_get(s, HIST_WAL_FILE_SYNC_MICROS, &h);
    cr_assert_eq(histogram_count(&h), 0);
    stats_record(s, HIST_WAL_FILE_SYNC_MICROS, 7);   /* usable after a reset */
    stats_histogram_get(s, HIST_WAL_FILE_SYNC_MICROS, &h);
    cr_assert_eq(histogram_count(&h), 1);
    cr_assert_eq(histogram_min(&h), 7);
    stats_unref(s);
}

static uint64_t hist_count(statistics *s, enum stats_hist h)
{
    histogram d;
    stats_histogram_get(s, h, &d);
    return histogram_count(&d);
}

Test(statistics, levels_follow_rocksdbs_stats_level)
{
    statistics *s = new_stats();
    cr_assert_eq(shale_statistics_get_level(s), SHALE_STATS_EXCEPT_DETAILED_TIMERS);
    cr_assert(stats_timers_on(s));
    static const struct {
        int level;
        bool ticker, hist, timers;
    } cases[] = {
        {SHALE_STATS_DISABLE_ALL, false, false, false},
        {SHALE_STATS_EXCEPT_HISTOGRAM_OR_TIMERS, true, false, false},
        {SHALE_STATS_EXCEPT_TIMERS, true, true, false},
        {SHALE_STATS_EXCEPT_DETAILED_TIMERS, true, true, true},
        {SHALE_STATS_ALL, true, true, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        stats_reset(s);
        shale_statistics_set_level(s, cases[i].level);
        cr_assert_eq(shale_statistics_get_level(s), cases[i].level);
        stats_add(s, TICKER_BLOCK_CACHE_MISS, 3);
        stats_record(s, HIST_BYTES_PER_READ, 10);
        cr_assert_eq(stats_ticker(s, TICKER_BLOCK_CACHE_MISS), cases[i].ticker ? 3 : 0,
                     "level %d", cases[i].level);
        cr_assert_eq(hist_count(s, HIST_BYTES_PER_READ), cases[i].hist ? 1 : 0, "level %d",
                     cases[i].level);
        cr_assert_eq(stats_timers_on(s), cases[i].timers, "level %d", cases[i].level);
    }
    shale_statistics_set_level(s, 99);   /* clamped */
    cr_assert_eq(shale_statistics_get_level(s), SHALE_STATS_ALL);
    shale_statistics_set_level(s, -4);
    cr_assert_eq(shale_statistics_get_level(s), SHALE_STATS_DISABLE_ALL);
    cr_assert_not(stats_timers_on(NULL));
    stats_unref(s);
}

Test(statistics, null_statistics_records_nothing_and_reads_zero)
{
    stats_add(NULL, TICKER_BLOCK_CACHE_MISS, 1);
    stats_record(NULL, HIST_DB_GET, 1);
    stats_reset(NULL);
    stats_ref(NULL);
    stats_unref(NULL);
    cr_assert_eq(stats_ticker(NULL, TICKER_BLOCK_CACHE_MISS), 0);
    shale_histogram_data d;
    memset(&d, 0xff, sizeof d);
    stats_histogram_data(NULL, HIST_DB_GET, &d);
    cr_assert_eq(d.count, 0);
    cr_assert_eq(d.p50, 0.0);
    cr_assert_eq(d.max, 0);
}

Test(statistics, references_keep_the_object_alive)
{
    statistics *s = new_stats();
    stats_ref(s);
    stats_unref(s);                          /* one reference left */
    stats_add(s, TICKER_NO_FILE_OPENS, 3);   /* ASan would flag a use after free */
    cr_assert_eq(stats_ticker(s, TICKER_NO_FILE_OPENS), 3);
    stats_unref(s);
}

/* --- public API ---------------------------------------------------------------- */

Test(statistics, public_calls_look_up_rocksdb_names)
{
    shale_statistics *s = shale_statistics_new();
    cr_assert_not_null(s);
    statistics *in = s;   /* the engine records into the public handle */
    stats_add(in, TICKER_MEMTABLE_MISS, 9);
    stats_record(in, HIST_DB_WRITE, 4);
    stats_record(in, HIST_DB_WRITE, 8);
    cr_assert_eq(shale_statistics_ticker(s, "rocksdb.memtable.miss"), 9);
    cr_assert_eq(shale_statistics_ticker(s, "rocksdb.memtable.hit"), 0);
    cr_assert_eq(shale_statistics_ticker(s, "memtable.miss"), 0);   /* unknown */

    shale_histogram_data d;
    shale_err err = {0};
    cr_assert_eq(shale_statistics_histogram(s, "rocksdb.db.write.micros", &d, &err), SHALE_OK);
    cr_assert_eq(d.count, 2);
    cr_assert_eq(d.sum, 12);
    cr_assert_eq(d.max, 8);
    cr_assert_float_eq(d.p100, 8.0, 1e-12);
    cr_assert_eq(shale_statistics_histogram(s, "rocksdb.nope", &d, &err), SHALE_NOT_FOUND);
    cr_assert_eq(d.count, 0);
    cr_assert_eq(err.code, SHALE_NOT_FOUND);

    char *one = shale_statistics_histogram_string(s, "rocksdb.db.write.micros");
    cr_assert_not_null(one);
    cr_assert_eq(strncmp(one, "Count: 2 Average: 6.0000  StdDev: 2.00\n", 39), 0, "%s", one);
    shale_free(one);
    cr_assert_null(shale_statistics_histogram_string(s, "rocksdb.nope"));

    char *pub = shale_statistics_to_string(s), *internal = stats_to_string(in);
    cr_assert_str_eq(pub, internal);
    shale_free(pub);
    free(internal);
    shale_statistics_reset(s);
    cr_assert_eq(shale_statistics_ticker(s, "rocksdb.memtable.miss"), 0);
    shale_statistics_release(s);
    shale_statistics_release(NULL);
}
