/* lsm/util/histogram.c: RocksDB's histogram buckets, percentiles and text.
 *
 * The bucket limits are RocksDB's generated series, written out here so no
 * start-up code or lock is needed: start with 1 and 2; then repeatedly
 * multiply a double by 1.5 (the unrounded double, not the cut value), stop
 * once it exceeds UINT64_MAX, and for each step take the integer part, and
 * while it divided by 10 is still above 10 divide it by 10, then scale it
 * back up.  So 115.3 becomes 110, 1054 becomes 1050 (105/10 is not above 10),
 * and 2*1.5^106 becomes 1.3e19.  tests/lsm/util/histogram_test.c derives
 * the series again from that rule and checks it against db_bench's output.
 *
 * Every double expression below follows the order of operations of
 * RocksDB's HistogramStat, so percentiles, means and deviations agree to the
 * last printed digit. */
#include "lsm/util/histogram.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lsm/util/buf.h"
#include "shale/api.h"

#define U UINT64_C
static const uint64_t bucket_limits[HISTOGRAM_NUM_BUCKETS] = {
    U(1), U(2), U(3), U(4), U(6), U(10), U(15), U(22), U(34), U(51), U(76), U(110),
    U(170), U(250), U(380), U(580), U(870), U(1300), U(1900), U(2900), U(4400),
    U(6600), U(9900), U(14000), U(22000), U(33000), U(50000), U(75000), U(110000),
    U(170000), U(250000), U(380000), U(570000), U(860000), U(1200000), U(1900000),
    U(2900000), U(4300000), U(6500000), U(9800000), U(14000000), U(22000000),
    U(33000000), U(49000000), U(74000000), U(110000000), U(160000000),
    U(250000000), U(370000000), U(560000000), U(850000000), U(1200000000),
    U(1900000000), U(2800000000), U(4300000000), U(6400000000), U(9600000000),
    U(14000000000), U(21000000000), U(32000000000), U(49000000000),
    U(73000000000), U(110000000000), U(160000000000), U(240000000000),
    U(370000000000), U(550000000000), U(830000000000), U(1200000000000),
    U(1800000000000), U(2800000000000), U(4200000000000), U(6300000000000),
    U(9500000000000), U(14000000000000), U(21000000000000), U(32000000000000),
    U(48000000000000), U(72000000000000), U(108000000000000), U(160000000000000),
    U(240000000000000), U(360000000000000), U(550000000000000),
    U(820000000000000), U(1200000000000000), U(1800000000000000),
    U(2700000000000000), U(4100000000000000), U(6200000000000000),
    U(9400000000000000), U(14000000000000000), U(21000000000000000),
    U(31000000000000000), U(47000000000000000), U(71000000000000000),
    U(107000000000000000), U(160000000000000000), U(240000000000000000),
    U(360000000000000000), U(540000000000000000), U(810000000000000000),
    U(1200000000000000000), U(1800000000000000000), U(2700000000000000000),
    U(4100000000000000000), U(6100000000000000000), U(9200000000000000000),
    U(13000000000000000000),
};
#undef U

#define LAST_LIMIT (bucket_limits[HISTOGRAM_NUM_BUCKETS - 1])

uint64_t histogram_bucket_limit(size_t b)
{
    return bucket_limits[b];
}

/* The first bucket whose limit is >= value; values at or past the last
 * limit go to the last bucket. */
size_t histogram_bucket_index(uint64_t value)
{
    if (value >= LAST_LIMIT)
        return HISTOGRAM_NUM_BUCKETS - 1;
    size_t lo = 0, hi = HISTOGRAM_NUM_BUCKETS - 1;   /* answer in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (bucket_limits[mid] < value)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void histogram_clear(histogram *h)
{
    memset(h, 0, sizeof *h);
    h->min = LAST_LIMIT;   /* RocksDB's empty min: any real value is smaller */
}

void histogram_init(histogram *h)
{
    histogram_clear(h);
}

void histogram_add(histogram *h, uint64_t value)
{
    h->buckets[histogram_bucket_index(value)]++;
    if (value < h->min)
        h->min = value;
    if (value > h->max)
        h->max = value;
    h->num++;
    h->sum += value;
    h->sum_squares += value * value;   /* wraps, as RocksDB's does */
}

void histogram_merge(histogram *dst, const histogram *src)
{
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    dst->num += src->num;
    dst->sum += src->sum;
    dst->sum_squares += src->sum_squares;
    for (size_t b = 0; b < HISTOGRAM_NUM_BUCKETS; b++)
        dst->buckets[b] += src->buckets[b];
}

double histogram_average(const histogram *h)
{
    if (h->num == 0)
        return 0;
    return (double)h->sum / (double)h->num;
}

/* Integer square root of a 128-bit value, and whether it was inexact. */
static uint64_t isqrt128(unsigned __int128 v, bool *inexact)
{
    unsigned __int128 root = 0, bit = (unsigned __int128)1 << 126;
    while (bit > v)
        bit >>= 2;
    while (bit != 0) {
        if (v >= root + bit) {
            v -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    *inexact = v != 0;
    return (uint64_t)root;
}

/* The correctly rounded square root of a finite x >= 0, as IEEE sqrt gives
 * it, computed with integers because the library does not link libm.
 * x = m * 2^e with m normalized to 53 bits and e made even; the root of
 * m * 2^64 has 58-60 bits, and folding the remainder into its lowest bit
 * lets the one int-to-double conversion round exactly as sqrt would. */
static double exact_sqrt(double x)
{
    if (!(x > 0.0))
        return 0.0;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    if (e == 0x7ff)                      /* infinity stays infinity */
        return x;
    if (e == 0) {                        /* subnormal: normalize */
        e = 1;
        while (!(m & (UINT64_C(1) << 52))) {
            m <<= 1;
            e--;
        }
    } else {
        m |= UINT64_C(1) << 52;
    }
    e -= 1075;                           /* x = m * 2^e */
    if (e & 1) {
        m <<= 1;
        e--;
    }
    bool inexact;
    uint64_t r = isqrt128((unsigned __int128)m << 64, &inexact);
    double scale;                        /* 2^(e/2 - 32), a normal double */
    uint64_t scale_bits = (uint64_t)(e / 2 - 32 + 1023) << 52;
    memcpy(&scale, &scale_bits, sizeof scale);
    return (double)(r | (inexact ? 1 : 0)) * scale;
}

double histogram_stddev(const histogram *h)
{
    double n = (double)h->num, sum = (double)h->sum, sq = (double)h->sum_squares;
    if (n == 0.0)
        return 0.0;
    double variance = (sq * n - sum * sum) / (n * n);
    return exact_sqrt(variance > 0.0 ? variance : 0.0);
}

/* Linear position of `threshold` inside bucket b, whose running count goes
 * from left_sum to right_sum, mapped onto the bucket's value range. */
static double interpolate(size_t b, double threshold, uint64_t left_sum, uint64_t right_sum)
{
    uint64_t left_point = b == 0 ? 0 : bucket_limits[b - 1];
    uint64_t right_point = bucket_limits[b];
    double pos = 0;
    uint64_t diff = right_sum - left_sum;
    if (diff != 0)
        pos = (threshold - (double)left_sum) / (double)diff;
    return (double)left_point + (double)(right_point - left_point) * pos;
}

double histogram_percentile(const histogram *h, double p)
{
    double threshold = (double)h->num * (p / 100.0);
    uint64_t cumulative = 0;
    for (size_t b = 0; b < HISTOGRAM_NUM_BUCKETS; b++) {
        uint64_t in_bucket = h->buckets[b];
        cumulative += in_bucket;
        if ((double)cumulative >= threshold) {
            double r = interpolate(b, threshold, cumulative - in_bucket, cumulative);
            if (r < (double)h->min)
                r = (double)h->min;
            if (r > (double)h->max)
                r = (double)h->max;
            return r;
        }
    }
    return (double)h->max;
}

/* --- text -------------------------------------------------------------- */

static void append_summary(shale_buf *out, const histogram *h)
{
    shale_buf_printf(out, "Count: %" PRIu64 " Average: %.4f  StdDev: %.2f\n", h->num,
               histogram_average(h), histogram_stddev(h));
    shale_buf_printf(out, "Min: %" PRIu64 "  Median: %.4f  Max: %" PRIu64 "\n", histogram_min(h),
               histogram_median(h), histogram_max(h));
    shale_buf_printf(out, "Percentiles: P50: %.2f P75: %.2f P99: %.2f P99.9: %.2f P99.99: %.2f\n",
               histogram_percentile(h, 50), histogram_percentile(h, 75),
               histogram_percentile(h, 99), histogram_percentile(h, 99.9),
               histogram_percentile(h, 99.99));
    shale_buf_append_str(out, "------------------------------------------------------\n");
}

/* One line per non-empty bucket: "[ left, right ] count pct% cum% ###",
 * '[' for the first bucket (it includes 0), '(' for the rest. */
static void append_buckets(shale_buf *out, const histogram *h)
{
    const double mult = 100.0 / (double)h->num;
    uint64_t cumulative = 0;
    for (size_t b = 0; b < HISTOGRAM_NUM_BUCKETS; b++) {
        uint64_t n = h->buckets[b];
        if (n == 0)
            continue;
        cumulative += n;
        shale_buf_printf(out, "%c %7" PRIu64 ", %7" PRIu64 " ] %8" PRIu64 " %7.3f%% %7.3f%% ",
                   b == 0 ? '[' : '(', b == 0 ? 0 : bucket_limits[b - 1], bucket_limits[b], n,
                   mult * (double)n, mult * (double)cumulative);
        size_t marks = (size_t)(mult * (double)n / 5 + 0.5);   /* 20 marks for 100% */
        for (size_t i = 0; i < marks; i++)
            shale_buf_append_byte(out, '#');
        shale_buf_append_byte(out, '\n');
    }
}

char *histogram_to_string(const histogram *h)
{
    shale_buf out = SHALE_BUF_INIT;
    append_summary(&out, h);
    if (h->num != 0)
        append_buckets(&out, h);
    shale_buf_append_byte(&out, '\0');
    return shale_buf_detach(&out, NULL);   /* NULL if an append failed */
}
