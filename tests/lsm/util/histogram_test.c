/* tests/lsm/util/histogram_test.c: RocksDB's HistogramImpl semantics.
 *
 * The oracles: RocksDB's bucket rule, re-derived here independently (exact
 * integer powers of 1.5 for the small limits, a string-based leading-digit
 * cut); hand-worked percentiles, means and deviations; libm's sqrt (looked
 * up at run time, the library does not link libm); and Debian's db_bench
 * 7.8.3, whose --histogram text we rebuild from its own bucket counts and
 * compare byte for byte. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/histogram.h"
#include "tests/support/test_util.h"

/* --- the bucket rule, derived independently -------------------------------- */

/* RocksDB's cut: while v/10 > 10, v /= 10, then scale back.  Said with
 * digits: keep the first three digits if they read 100..109, else the
 * first two, and zero the rest (numbers under 110 stay as they are). */
static uint64_t cut_digits(uint64_t v)
{
    if (v < 110)
        return v;
    char d[32];
    int n = snprintf(d, sizeof d, "%" PRIu64, v);
    int keep = (d[0] == '1' && d[1] == '0') ? 3 : 2;
    for (int i = keep; i < n; i++)
        d[i] = '0';
    return strtoull(d, NULL, 10);
}

/* Limit k for k >= 2 from exact arithmetic: floor(2 * 1.5^(k-1)) =
 * floor(3^(k-1) / 2^(k-2)); exact while 3^(k-1) fits in 64 bits. */
static uint64_t exact_limit(int k)
{
    uint64_t num = 1;
    for (int i = 0; i < k - 1; i++)
        num *= 3;
    return cut_digits(num >> (k - 2));
}

Test(histogram, first_bucket_limits_follow_rocksdbs_rule)
{
    cr_assert_eq(histogram_bucket_limit(0), 1);
    cr_assert_eq(histogram_bucket_limit(1), 2);
    for (int k = 2; k <= 30; k++)
        cr_assert_eq(histogram_bucket_limit((size_t)k), exact_limit(k), "limit %d: %" PRIu64
                     " want %" PRIu64, k, histogram_bucket_limit((size_t)k), exact_limit(k));
    /* Spot values read off db_bench's own bucket lines. */
    static const uint64_t seen[] = {1, 2, 3, 4, 6, 10, 15, 22, 34, 51, 76, 110, 170, 250,
                                    380, 580, 870, 1300, 1900, 2900, 4400, 6600};
    for (size_t i = 0; i < sizeof seen / sizeof seen[0]; i++)
        cr_assert_eq(histogram_bucket_limit(i), seen[i]);
}

Test(histogram, all_bucket_limits_follow_the_double_series_up_to_uint64_max)
{
    /* RocksDB grows an unrounded double by 1.5 until it passes UINT64_MAX. */
    double v = 2;
    size_t k = 2;
    while ((v *= 1.5) <= 18446744073709551615.0) {
        cr_assert_lt(k, HISTOGRAM_NUM_BUCKETS, "series longer than the table");
        cr_assert_eq(histogram_bucket_limit(k), cut_digits((uint64_t)v), "limit %zu", k);
        k++;
    }
    cr_assert_eq(k, HISTOGRAM_NUM_BUCKETS);
    cr_assert_eq(histogram_bucket_limit(79), UINT64_C(108000000000000));   /* 3-digit cut */
    cr_assert_eq(histogram_bucket_limit(96), UINT64_C(107000000000000000));
    cr_assert_eq(histogram_bucket_limit(108), UINT64_C(13000000000000000000));
    for (size_t b = 1; b < HISTOGRAM_NUM_BUCKETS; b++)
        cr_assert_gt(histogram_bucket_limit(b), histogram_bucket_limit(b - 1));
}

Test(histogram, values_go_to_the_first_bucket_whose_limit_is_not_below_them)
{
    cr_assert_eq(histogram_bucket_index(0), 0);
    cr_assert_eq(histogram_bucket_index(1), 0);
    cr_assert_eq(histogram_bucket_index(2), 1);
    cr_assert_eq(histogram_bucket_index(5), 4);     /* (4, 6] */
    cr_assert_eq(histogram_bucket_index(6), 4);
    cr_assert_eq(histogram_bucket_index(7), 5);     /* (6, 10] */
    cr_assert_eq(histogram_bucket_index(111), 12);  /* (110, 170] */
    cr_assert_eq(histogram_bucket_index(UINT64_C(13000000000000000000) - 1), 108);
    cr_assert_eq(histogram_bucket_index(UINT64_MAX), 108);
}

/* --- arithmetic ------------------------------------------------------------ */

static histogram make(const uint64_t *v, size_t n)
{
    histogram h;
    histogram_init(&h);
    for (size_t i = 0; i < n; i++)
        histogram_add(&h, v[i]);
    return h;
}

Test(histogram, empty_histogram_reads_as_zero_and_prints_no_buckets)
{
    histogram h;
    histogram_init(&h);
    cr_assert_eq(histogram_count(&h), 0);
    cr_assert_eq(histogram_min(&h), 0);
    cr_assert_eq(histogram_max(&h), 0);
    cr_assert_eq(histogram_percentile(&h, 50), 0.0);
    cr_assert_eq(histogram_percentile(&h, 99.99), 0.0);
    cr_assert_eq(histogram_average(&h), 0.0);
    cr_assert_eq(histogram_stddev(&h), 0.0);
    char *s = histogram_to_string(&h);
    cr_assert_str_eq(s, "Count: 0 Average: 0.0000  StdDev: 0.00\n"
                        "Min: 0  Median: 0.0000  Max: 0\n"
                        "Percentiles: P50: 0.00 P75: 0.00 P99: 0.00 P99.9: 0.00 P99.99: 0.00\n"
                        "------------------------------------------------------\n");
    free(s);
}

/* Ten values worked by hand.  Buckets: [0,1]:2 (1,2]:1 (2,3]:1 (4,6]:1
 * (6,10]:3 (10,15]:1 (15,22]:1.  P50: threshold 5 is reached in (4,6],
 * which holds count 4..5, so 4 + 2*(5-4)/1 = 6.  P75: threshold 7.5 in
 * (6,10] (5..8): 6 + 4*2.5/3 = 9.333.  P99: 9.9 in (15,22] (9..10):
 * 15 + 7*0.9 = 21.3, clamped to the max 20.  Mean 68/10; variance
 * (778*10 - 68^2)/100 = 31.56, deviation 5.6178.  Marks: one per 5%,
 * truncating pct/5 + 0.5: 20% -> 4, 10% -> 2, 30% -> 6. */
static const uint64_t worked[] = {1, 1, 2, 3, 5, 7, 8, 9, 12, 20};

Test(histogram, percentiles_interpolate_within_a_bucket_as_rocksdb_does)
{
    histogram h = make(worked, 10);
    cr_assert_float_eq(histogram_percentile(&h, 50), 6.0, 1e-12);
    cr_assert_float_eq(histogram_median(&h), 6.0, 1e-12);
    cr_assert_float_eq(histogram_percentile(&h, 75), 6.0 + 4.0 * 2.5 / 3.0, 1e-12);
    cr_assert_float_eq(histogram_percentile(&h, 99), 20.0, 1e-12);
    cr_assert_float_eq(histogram_percentile(&h, 25), 1.5, 1e-12);   /* 1 + 1*(2.5-2)/1 */
    cr_assert_float_eq(histogram_percentile(&h, 10), 1.0, 1e-12);   /* 0.5, clamped to min */
    cr_assert_float_eq(histogram_average(&h), 6.8, 1e-12);
    cr_assert_float_eq(histogram_stddev(&h), 5.6178287620752, 1e-12);
    cr_assert_eq(histogram_sum(&h), 68);
    cr_assert_eq(histogram_min(&h), 1);
    cr_assert_eq(histogram_max(&h), 20);
}

Test(histogram, to_string_prints_rocksdbs_text)
{
    histogram h = make(worked, 10);
    char *s = histogram_to_string(&h);
    cr_assert_str_eq(s, "Count: 10 Average: 6.8000  StdDev: 5.62\n"
                        "Min: 1  Median: 6.0000  Max: 20\n"
                        "Percentiles: P50: 6.00 P75: 9.33 P99: 20.00 P99.9: 20.00 P99.99: 20.00\n"
                        "------------------------------------------------------\n"
                        "[       0,       1 ]        2  20.000%  20.000% ####\n"
                        "(       1,       2 ]        1  10.000%  30.000% ##\n"
                        "(       2,       3 ]        1  10.000%  40.000% ##\n"
                        "(       4,       6 ]        1  10.000%  50.000% ##\n"
                        "(       6,      10 ]        3  30.000%  80.000% ######\n"
                        "(      10,      15 ]        1  10.000%  90.000% ##\n"
                        "(      15,      22 ]        1  10.000% 100.000% ##\n");
    free(s);
}

Test(histogram, uniform_values_put_the_median_at_the_middle)
{
    histogram h;
    histogram_init(&h);
    const uint64_t n = 1000;
    for (uint64_t v = 1; v <= n; v++)
        histogram_add(&h, v);
    /* Within one bucket's width of n/2: 500 is in (380, 580]. */
    double p50 = histogram_median(&h);
    cr_assert_leq(p50 > 500 ? p50 - 500 : 500 - p50, 200.0);
    /* Exactly: 380 values below the bucket, 200 in it, 120 to go. */
    cr_assert_float_eq(p50, 380.0 + 200.0 * 120.0 / 200.0, 1e-9);
    cr_assert_float_eq(histogram_average(&h), 500.5, 1e-12);
    /* Population deviation of 1..n is sqrt((n^2 - 1) / 12). */
    cr_assert_float_eq(histogram_stddev(&h), 288.6749902572095, 1e-9);
    cr_assert_eq(histogram_sum(&h), n * (n + 1) / 2);
}

Test(histogram, merge_equals_adding_every_value_to_one_histogram)
{
    histogram a, b, all;
    histogram_init(&a);
    histogram_init(&b);
    histogram_init(&all);
    uint64_t x = 12345;
    for (int i = 0; i < 5000; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        uint64_t v = (x >> 33) % 100000;
        histogram_add(i % 3 ? &a : &b, v);
        histogram_add(&all, v);
    }
    histogram_merge(&a, &b);
    cr_assert_eq(memcmp(&a, &all, sizeof a), 0);
    histogram empty;
    histogram_init(&empty);
    histogram_merge(&a, &empty);
    cr_assert_eq(memcmp(&a, &all, sizeof a), 0);
    histogram_clear(&a);
    cr_assert_eq(memcmp(&a, &empty, sizeof a), 0);
}

Test(histogram, stddev_is_the_correctly_rounded_square_root)
{
    void *libm = dlopen("libm.so.6", RTLD_NOW);
    cr_assert_not_null(libm, "libm: %s", dlerror());
    double (*sqrt_fn)(double);
    *(void **)&sqrt_fn = dlsym(libm, "sqrt");
    cr_assert_not_null(sqrt_fn);
    uint64_t x = 99;
    for (int round = 0; round < 2000; round++) {
        histogram h;
        histogram_init(&h);
        for (int i = 0; i < 1 + round % 17; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            histogram_add(&h, x >> (round % 60 + 4));
        }
        double n = (double)h.num, s = (double)h.sum, q = (double)h.sum_squares;
        double var = (q * n - s * s) / (n * n);
        double want = sqrt_fn(var > 0 ? var : 0);
        double got = histogram_stddev(&h);
        cr_assert(memcmp(&got, &want, sizeof got) == 0, "round %d: %a vs %a", round, got, want);
    }
    dlclose(libm);
}

/* --- db_bench as the oracle ------------------------------------------------- */

typedef struct parsed_hist {
    uint64_t count, min, max;
    size_t nb;
    uint64_t left[HISTOGRAM_NUM_BUCKETS], right[HISTOGRAM_NUM_BUCKETS], n[HISTOGRAM_NUM_BUCKETS];
    char *text;   /* the whole block, "Count: ..." to the last bucket line */
} parsed_hist;

/* Runs db_bench on a tiny workload and returns its stdout. */
static char *run_db_bench(const char *benchmarks)
{
    cr_assert(test_have_program("db_bench"), "db_bench (Debian's rocksdb-tools) is needed");
    char *dir = test_tmpdir("hist");
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "db_bench --benchmarks=%s --num=3000 --histogram --db=%s/db 2>/dev/null",
             benchmarks, dir);
    int status = -1;
    char *out = test_run(cmd, &status);
    test_rmtree(dir);
    free(dir);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "db_bench failed:\n%s", out);
    return out;
}

/* Parses the histogram block starting at *pos ("Count: ..."), up to the
 * blank line after it; advances *pos past it. */
static void parse_block(const char **pos, parsed_hist *p)
{
    const char *s = *pos;
    memset(p, 0, sizeof *p);
    cr_assert_eq(sscanf(s, "Count: %" SCNu64, &p->count), 1);
    const char *m = strstr(s, "\nMin: ");
    cr_assert_not_null(m);
    double median;
    cr_assert_eq(sscanf(m, "\nMin: %" SCNu64 "  Median: %lf  Max: %" SCNu64, &p->min, &median,
                        &p->max), 3);
    const char *end = strstr(s, "\n\n");
    cr_assert_not_null(end);
    const char *line = strstr(s, "---\n");
    cr_assert(line != NULL && line < end);
    line = strchr(line, '\n') + 1;
    while (line < end + 1) {
        char open;
        size_t b = p->nb;
        cr_assert_lt(b, HISTOGRAM_NUM_BUCKETS);
        cr_assert_eq(sscanf(line, "%c %" SCNu64 ", %" SCNu64 " ] %" SCNu64, &open, &p->left[b],
                            &p->right[b], &p->n[b]), 4, "bucket line: %.60s", line);
        p->nb++;
        line = strchr(line, '\n') + 1;
    }
    p->text = strndup(s, (size_t)(end + 1 - s));
    *pos = end + 2;
}

/* A histogram with db_bench's bucket counts, min and max: the first bucket
 * gets the min once, the last bucket holds only the max, the others their
 * right limit.  Percentiles depend on nothing else. */
static histogram rebuild(const parsed_hist *p)
{
    histogram h;
    histogram_init(&h);
    for (size_t i = 0; i < p->nb; i++) {
        uint64_t left = p->n[i];
        if (i == 0) {
            histogram_add(&h, p->min);
            left--;
        }
        for (; left > 0; left--)
            histogram_add(&h, i + 1 == p->nb ? p->max : p->right[i]);
    }
    return h;
}

/* Everything after the first line ("Count: n Average: ..."), whose mean
 * and deviation need the exact values db_bench saw. */
static const char *after_first_line(const char *s)
{
    return strchr(s, '\n') + 1;
}

static void check_block(const parsed_hist *p)
{
    /* db_bench's boundaries are consecutive limits of our table. */
    for (size_t i = 0; i < p->nb; i++) {
        size_t b = histogram_bucket_index(p->right[i]);
        cr_assert_eq(histogram_bucket_limit(b), p->right[i], "right limit %" PRIu64, p->right[i]);
        cr_assert_eq(b == 0 ? 0 : histogram_bucket_limit(b - 1), p->left[i]);
    }
    histogram h = rebuild(p);
    cr_assert_eq(histogram_count(&h), p->count);
    char *ours = histogram_to_string(&h);
    char want_head[64];
    snprintf(want_head, sizeof want_head, "Count: %" PRIu64 " Average: ", p->count);
    cr_assert_eq(strncmp(ours, want_head, strlen(want_head)), 0, "%s", ours);
    cr_assert_str_eq(after_first_line(ours), after_first_line(p->text));
    free(ours);
}

Test(histogram, to_string_equals_db_bench_text_for_the_same_buckets)
{
    char *out = run_db_bench("fillrandom,readrandom");
    const char *pos = out;
    int blocks = 0;
    while ((pos = strstr(pos, "\nCount: ")) != NULL) {
        pos++;
        parsed_hist p;
        parse_block(&pos, &p);
        check_block(&p);
        free(p.text);
        blocks++;
    }
    cr_assert_eq(blocks, 2, "one histogram per benchmark:\n%s", out);
    free(out);
}

Test(histogram, to_string_lines_have_db_bench_shape)
{
    /* The shape of each line, checked on our text and db_bench's alike:
     * fixed prefixes and separators, and bucket columns at fixed offsets. */
    char *out = run_db_bench("fillseq");
    const char *theirs = strstr(out, "\nCount: ");
    cr_assert_not_null(theirs);
    histogram h = make(worked, 10);
    histogram_add(&h, 1234567);   /* widest value that fits the columns */
    char *ours = histogram_to_string(&h);
    const char *texts[2] = {theirs + 1, ours};
    for (int t = 0; t < 2; t++) {
        const char *s = texts[t];
        cr_assert_eq(strncmp(s, "Count: ", 7), 0);
        s = strchr(s, '\n') + 1;
        cr_assert_eq(strncmp(s, "Min: ", 5), 0);
        cr_assert_not_null(strstr(s, "  Median: "));
        s = strchr(s, '\n') + 1;
        cr_assert_eq(strncmp(s, "Percentiles: P50: ", 18), 0);
        s = strchr(s, '\n') + 1;
        cr_assert_eq(strncmp(s, "------------------------------------------------------\n", 55), 0);
        s += 55;
        for (; *s == '[' || *s == '('; s = strchr(s, '\n') + 1) {
            cr_assert(s[1] == ' ' && s[9] == ',' && s[10] == ' ' && s[18] == ' ' && s[19] == ']',
                      "bucket columns: %.50s", s);
            cr_assert(s[29] == ' ' && s[37] == '%' && s[46] == '%' && s[47] == ' ',
                      "count and percent columns: %.50s", s);
        }
    }
    free(ours);
    free(out);
}
