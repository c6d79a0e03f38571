/* lsm/util/histogram.h: RocksDB's latency/size histogram (HistogramImpl).
 *
 * Values fall into 109 fixed buckets whose upper limits are RocksDB's
 * bucket-mapper series 1, 2, 3, 4, 6, 10, 15, 22, ... (each about 1.5x the
 * last, cut to two or three leading digits) up to 1.3e19.  Bucket b holds
 * values in (limit[b-1], limit[b]]; bucket 0 holds [0, 1]; the last bucket
 * also holds everything above its limit.  Percentiles interpolate linearly
 * inside a bucket and are clamped to the observed min and max, exactly as
 * RocksDB computes them, and histogram_to_string() prints RocksDB's
 * HistogramImpl::ToString() text byte for byte, so db_bench-style output and
 * the parsers written for it work unchanged.
 *
 * Thread-safety: none.  A histogram is filled by one thread; to combine the
 * histograms of several threads, merge them (db_bench keeps one per thread;
 * lsm/util/statistics.c keeps one per shard under the shard's lock). */
#ifndef LSM_UTIL_HISTOGRAM_H
#define LSM_UTIL_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#define HISTOGRAM_NUM_BUCKETS 109

typedef struct histogram {
    uint64_t min;          /* smallest value added; the last bucket limit when empty */
    uint64_t max;          /* largest value added; 0 when empty */
    uint64_t num;          /* values added */
    uint64_t sum;          /* their sum, wrapping modulo 2^64 like RocksDB's */
    uint64_t sum_squares;  /* sum of value*value, wrapping likewise */
    uint64_t buckets[HISTOGRAM_NUM_BUCKETS];
} histogram;

/* Upper limit (inclusive) of bucket b.  REQUIRES: b < HISTOGRAM_NUM_BUCKETS. */
uint64_t histogram_bucket_limit(size_t b);
/* Index of the bucket that holds `value`. */
size_t histogram_bucket_index(uint64_t value);

/* Makes *h empty (same as histogram_clear). */
void histogram_init(histogram *h);
void histogram_clear(histogram *h);
void histogram_add(histogram *h, uint64_t value);
/* Adds every value of src to dst.  dst == src is allowed (doubles it). */
void histogram_merge(histogram *dst, const histogram *src);

static inline uint64_t histogram_count(const histogram *h) { return h->num; }
static inline uint64_t histogram_sum(const histogram *h) { return h->sum; }
/* Smallest and largest values added; both 0 when empty. */
static inline uint64_t histogram_min(const histogram *h) { return h->num == 0 ? 0 : h->min; }
static inline uint64_t histogram_max(const histogram *h) { return h->max; }

/* Mean; 0 when empty. */
double histogram_average(const histogram *h);
/* Population standard deviation from the sums; 0 when empty. */
double histogram_stddev(const histogram *h);
/* The p-th percentile (p in 0..100) by RocksDB's rule: find the first bucket
 * where the running count reaches num*p/100, interpolate linearly between
 * the bucket's limits by how far into its count the threshold falls, clamp
 * to [min, max].  0 when empty. */
double histogram_percentile(const histogram *h, double p);
static inline double histogram_median(const histogram *h) { return histogram_percentile(h, 50.0); }

/* RocksDB's HistogramImpl::ToString() text: the Count/Average/StdDev,
 * Min/Median/Max and Percentiles lines, a rule of 54 dashes, then one line
 * per non-empty bucket with count, percent, cumulative percent and one '#'
 * per 5%.  Returns a malloc'd NUL-terminated string (free with free() or
 * shale_free()), or NULL when memory runs out. */
char *histogram_to_string(const histogram *h);

#endif
