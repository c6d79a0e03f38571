/* include/shale/statistics.h: engine statistics with RocksDB's names.
 *
 * A statistics object counts what databases do (tickers such as
 * "rocksdb.block.cache.miss", "rocksdb.bytes.written") and keeps
 * distributions (histograms such as "rocksdb.db.get.micros").  The names,
 * their order and the text of shale_statistics_to_string() are RocksDB
 * 7.8.3's, so tools that parse RocksDB's statistics dump parse ours.
 *
 * Ownership: shale_statistics_new() gives the caller one reference; each
 * database opened with the object takes its own, so the caller may release
 * its reference whenever it no longer reads the object.
 * Thread-safety: every function is thread-safe, and one object may be
 * shared by any number of databases. */
#ifndef SHALE_STATISTICS_H
#define SHALE_STATISTICS_H

#include <stdint.h>

#include "shale/api.h"
#include "shale/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shale_statistics shale_statistics;

/* A histogram's summary, RocksDB's HistogramData.  Percentiles interpolate
 * within RocksDB's buckets; p100 is the largest value recorded. */
typedef struct shale_histogram_data {
    double p50, p95, p99, p100;
    double average;
    double stddev;   /* population standard deviation */
    uint64_t count;  /* values recorded */
    uint64_t sum;    /* their sum (wraps modulo 2^64) */
    uint64_t min;    /* smallest value; 0 when count == 0 */
    uint64_t max;    /* largest value; 0 when count == 0 */
} shale_histogram_data;

/* shale_statistics_new(): a statistics object with every ticker and
 * histogram at zero, holding one reference for the caller.  Returns NULL
 * only when memory runs out.  Release with shale_statistics_release(). */
SHALE_API shale_statistics *shale_statistics_new(void);

/* shale_statistics_release(): drops the caller's reference; the object goes
 * when the last database using it closes.  NULL is allowed. */
SHALE_API void shale_statistics_release(shale_statistics *s);

/* What a statistics object records: RocksDB's StatsLevel, same values.
 * Tickers are counts; timers are histograms of durations (get, write,
 * seek, WAL sync), which cost two clock reads per call. */
enum shale_stats_level {
    SHALE_STATS_DISABLE_ALL = 0,
    SHALE_STATS_EXCEPT_TICKERS = 0,               /* nothing recorded */
    SHALE_STATS_EXCEPT_HISTOGRAM_OR_TIMERS = 1,   /* tickers only */
    SHALE_STATS_EXCEPT_TIMERS = 2,                /* tickers and size histograms */
    SHALE_STATS_EXCEPT_DETAILED_TIMERS = 3,       /* the default: everything shale records */
    SHALE_STATS_EXCEPT_TIME_FOR_MUTEX = 4,
    SHALE_STATS_ALL = 5,
};

/* shale_statistics_set_level(): sets what s records from now on (levels
 * out of range are clamped); it applies to every database using s.
 * shale_statistics_get_level(): the current level. */
SHALE_API void shale_statistics_set_level(shale_statistics *s, int level);
SHALE_API int shale_statistics_get_level(const shale_statistics *s);

/* shale_statistics_ticker(): the count of the ticker with RocksDB's name
 * `name` (e.g. "rocksdb.memtable.hit").  Returns 0 for an unknown name or
 * a NULL s.  `name` is borrowed for the call. */
SHALE_API uint64_t shale_statistics_ticker(const shale_statistics *s, const char *name);

/* shale_statistics_histogram(): fills *out with the summary of the
 * histogram with RocksDB's name `name` (e.g. "rocksdb.db.get.micros").
 *   SHALE_OK         *out filled (all zero if nothing was recorded).
 *   SHALE_NOT_FOUND  no histogram has that name; *out zeroed.
 * `name` is borrowed for the call; err may be NULL. */
SHALE_API SHALE_MUST_CHECK int shale_statistics_histogram(const shale_statistics *s,
                                                         const char *name,
                                                         shale_histogram_data *out,
                                                         shale_err *err);

/* shale_statistics_histogram_string(): RocksDB's text for one histogram
 * (the "Count: ... Average: ...  StdDev: ..." block with one line per
 * non-empty bucket, as db_bench --histogram prints it).  Returns a new
 * string (free with shale_free()), or NULL for an unknown name or when
 * memory runs out. */
SHALE_API char *shale_statistics_histogram_string(const shale_statistics *s,
                                                  const char *name);

/* shale_statistics_to_string(): RocksDB's statistics dump, the text
 * db_bench --statistics prints under "STATISTICS:": a line
 * "rocksdb.<ticker> COUNT : <n>" per ticker, then a line
 * "rocksdb.<histogram> P50 : <f> P95 : <f> P99 : <f> P100 : <f> COUNT : <n>
 * SUM : <n>" per histogram, in RocksDB's order.  Returns a new string (free
 * with shale_free()), or NULL when memory runs out. */
SHALE_API char *shale_statistics_to_string(const shale_statistics *s);

/* shale_statistics_reset(): sets every ticker and histogram back to zero.
 * Counts recorded by other threads during the call may survive it.  NULL
 * is allowed. */
SHALE_API void shale_statistics_reset(shale_statistics *s);

#ifdef __cplusplus
}
#endif
#endif
