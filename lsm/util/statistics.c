/* lsm/util/statistics.c: RocksDB-named tickers and histograms, sharded per CPU.
 *
 * Layout: one shard per CPU (rounded up to a power of two, at most 64),
 * each on its own cache lines.  A shard holds every ticker as a relaxed
 * atomic and every histogram under the shard's lock.  A writer picks the
 * shard of the CPU it runs on; if it migrates between picking and writing,
 * nothing breaks: ticker adds are atomic and histogram adds take the lock,
 * so a shard is only a contention hint.  Readers sum tickers and merge
 * histograms over all shards, as RocksDB's per-core StatisticsImpl does,
 * so what they report is the same numbers RocksDB would print.
 *
 * Why locks for histograms and atomics for tickers: a ticker is one word, a
 * histogram add touches five words and a bucket that must stay consistent
 * with each other for percentiles; a lock nobody else wants (one per CPU)
 * costs about as much as the atomics would. */
#include "lsm/util/statistics.h"

#include <assert.h>
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsm/util/buf.h"
#include "lsm/util/err.h"
#include "lsm/util/mutex.h"

#define CACHE_LINE 64
#define MAX_SHARDS 64

struct stats_shard {
    /* Self-synchronized: relaxed atomics; sums are read without a lock. */
    _Alignas(CACHE_LINE) _Atomic uint64_t tickers[STATS_TICKER_COUNT];
    /* Histograms: protected by lock, on cache lines of their own. */
    _Alignas(CACHE_LINE) shale_mutex lock;
    histogram hist[STATS_HIST_COUNT];   /* guarded by lock (C has no member annotation) */
};

struct shale_statistics {
    atomic_uint refs;            /* the object goes when this reaches 0 */
    atomic_int level;            /* enum shale_stats_level; read relaxed */
    unsigned nshards;            /* immutable; a power of two */
    struct stats_shard *shards;  /* immutable pointer; shards synchronize themselves */
};

#define STATS_TICKER_NAME(id, name) name,
static const char *const ticker_names[STATS_TICKER_COUNT] = {STATS_TICKERS(STATS_TICKER_NAME)};
#undef STATS_TICKER_NAME

#define STATS_HIST_NAME(id, name) name,
static const char *const hist_names[STATS_HIST_COUNT] = {STATS_HISTOGRAMS(STATS_HIST_NAME)};
#undef STATS_HIST_NAME

/* --- names --------------------------------------------------------------- */

const char *stats_ticker_name(enum stats_ticker t)
{
    assert(t < STATS_TICKER_COUNT);
    return ticker_names[t];
}

const char *stats_hist_name(enum stats_hist h)
{
    assert(h < STATS_HIST_COUNT);
    return hist_names[h];
}

static int find_name(const char *const *names, int n, const char *name)
{
    if (name == NULL)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

int stats_ticker_by_name(const char *name)
{
    return find_name(ticker_names, STATS_TICKER_COUNT, name);
}

int stats_hist_by_name(const char *name)
{
    return find_name(hist_names, STATS_HIST_COUNT, name);
}

/* --- shards -------------------------------------------------------------- */

static unsigned shard_count(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_CONF);
    unsigned n = 1;
    while (n < MAX_SHARDS && (long)n < cpus)
        n <<= 1;
    return n;
}

/* A small number fixed per thread, for when the CPU number is unknown. */
static unsigned thread_slot(void)
{
    static atomic_uint next_slot;
    static _Thread_local unsigned slot;   /* 0: not yet assigned */
    if (slot == 0)
        slot = atomic_fetch_add_explicit(&next_slot, 1, memory_order_relaxed) + 1;
    return slot;
}

/* The shard of the CPU the caller runs on (a hint: the caller may move). */
static struct stats_shard *my_shard(const statistics *s)
{
    int cpu = sched_getcpu();
    unsigned idx = cpu >= 0 ? (unsigned)cpu : thread_slot();
    return &s->shards[idx & (s->nshards - 1)];
}

/* --- lifetime -------------------------------------------------------------- */

statistics *stats_new(void)
{
    statistics *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->nshards = shard_count();
    s->shards = aligned_alloc(CACHE_LINE, s->nshards * sizeof *s->shards);
    if (s->shards == NULL) {
        free(s);
        return NULL;
    }
    for (unsigned i = 0; i < s->nshards; i++) {
        struct stats_shard *sh = &s->shards[i];
        for (size_t t = 0; t < STATS_TICKER_COUNT; t++)
            atomic_init(&sh->tickers[t], 0);
        shale_mutex_init(&sh->lock);
        shale_mutex_lock(&sh->lock);   /* not shared yet; keeps the analysis simple */
        for (size_t h = 0; h < STATS_HIST_COUNT; h++)
            histogram_init(&sh->hist[h]);
        shale_mutex_unlock(&sh->lock);
    }
    atomic_init(&s->refs, 1);
    atomic_init(&s->level, SHALE_STATS_EXCEPT_DETAILED_TIMERS);
    return s;
}

void stats_ref(statistics *s)
{
    if (s != NULL)
        atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void stats_unref(statistics *s)
{
    if (s == NULL || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (unsigned i = 0; i < s->nshards; i++)
        shale_mutex_deinit(&s->shards[i].lock);
    free(s->shards);
    free(s);
}

/* --- recording ------------------------------------------------------------- */

static inline int level_of(const statistics *s)
{
    return atomic_load_explicit(&s->level, memory_order_relaxed);
}

bool stats_timers_on(const statistics *s)
{
    return s != NULL && level_of(s) > SHALE_STATS_EXCEPT_TIMERS;
}

void stats_add(statistics *s, enum stats_ticker t, uint64_t n)
{
    if (s == NULL || level_of(s) <= SHALE_STATS_EXCEPT_TICKERS)
        return;
    assert(t < STATS_TICKER_COUNT);
    atomic_fetch_add_explicit(&my_shard(s)->tickers[t], n, memory_order_relaxed);
}

void stats_record(statistics *s, enum stats_hist h, uint64_t value)
{
    if (s == NULL || level_of(s) <= SHALE_STATS_EXCEPT_HISTOGRAM_OR_TIMERS)
        return;
    assert(h < STATS_HIST_COUNT);
    struct stats_shard *sh = my_shard(s);
    shale_mutex_lock(&sh->lock);
    histogram_add(&sh->hist[h], value);
    shale_mutex_unlock(&sh->lock);
}

/* --- reading --------------------------------------------------------------- */

uint64_t stats_ticker(const statistics *s, enum stats_ticker t)
{
    if (s == NULL)
        return 0;
    assert(t < STATS_TICKER_COUNT);
    uint64_t sum = 0;
    /* Relaxed: a count is a snapshot of independent counters, and an add
     * racing with the read belongs to either side of it. */
    for (unsigned i = 0; i < s->nshards; i++)
        sum += atomic_load_explicit(&s->shards[i].tickers[t], memory_order_relaxed);
    return sum;
}

void stats_histogram_get(const statistics *s, enum stats_hist h, histogram *out)
{
    histogram_init(out);
    if (s == NULL)
        return;
    assert(h < STATS_HIST_COUNT);
    for (unsigned i = 0; i < s->nshards; i++) {
        struct stats_shard *sh = &s->shards[i];
        shale_mutex_lock(&sh->lock);
        histogram_merge(out, &sh->hist[h]);
        shale_mutex_unlock(&sh->lock);
    }
}

/* Every histogram merged over the shards into out[0..STATS_HIST_COUNT),
 * taking each shard's lock once. */
static void merge_all(const statistics *s, histogram *out)
{
    for (size_t h = 0; h < STATS_HIST_COUNT; h++)
        histogram_init(&out[h]);
    if (s == NULL)
        return;
    for (unsigned i = 0; i < s->nshards; i++) {
        struct stats_shard *sh = &s->shards[i];
        shale_mutex_lock(&sh->lock);
        for (size_t h = 0; h < STATS_HIST_COUNT; h++)
            histogram_merge(&out[h], &sh->hist[h]);
        shale_mutex_unlock(&sh->lock);
    }
}

static void fill_data(const histogram *m, shale_histogram_data *out)
{
    out->p50 = histogram_median(m);
    out->p95 = histogram_percentile(m, 95);
    out->p99 = histogram_percentile(m, 99);
    out->p100 = (double)histogram_max(m);
    out->average = histogram_average(m);
    out->stddev = histogram_stddev(m);
    out->count = histogram_count(m);
    out->sum = histogram_sum(m);
    out->min = histogram_min(m);
    out->max = histogram_max(m);
}

void stats_histogram_data(const statistics *s, enum stats_hist h,
                          shale_histogram_data *out)
{
    histogram m;
    stats_histogram_get(s, h, &m);
    fill_data(&m, out);
}

void stats_reset(statistics *s)
{
    if (s == NULL)
        return;
    for (unsigned i = 0; i < s->nshards; i++) {
        struct stats_shard *sh = &s->shards[i];
        for (size_t t = 0; t < STATS_TICKER_COUNT; t++)
            atomic_store_explicit(&sh->tickers[t], 0, memory_order_relaxed);
        shale_mutex_lock(&sh->lock);
        for (size_t h = 0; h < STATS_HIST_COUNT; h++)
            histogram_clear(&sh->hist[h]);
        shale_mutex_unlock(&sh->lock);
    }
}

/* --- the dump -------------------------------------------------------------- */

/* RocksDB formats each dump line into a 200-byte buffer: a ticker line that
 * does not fit is cut, a histogram line that does not fit is left out.  We
 * do the same so the text is the same even for absurd values. */
#define DUMP_LINE_MAX 200

static void append_ticker_line(shale_buf *out, const char *name, uint64_t count)
{
    char line[DUMP_LINE_MAX];
    int n = snprintf(line, sizeof line, "%s COUNT : %" PRIu64 "\n", name, count);
    if (n > 0)
        shale_buf_append(out, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void append_hist_line(shale_buf *out, const char *name, const histogram *m)
{
    char line[DUMP_LINE_MAX];
    shale_histogram_data d;
    fill_data(m, &d);
    int n = snprintf(line, sizeof line,
                     "%s P50 : %f P95 : %f P99 : %f P100 : %f COUNT : %" PRIu64
                     " SUM : %" PRIu64 "\n",
                     name, d.p50, d.p95, d.p99, d.p100, d.count, d.sum);
    if (n > 0 && (size_t)n < sizeof line)
        shale_buf_append(out, line, (size_t)n);
}

char *stats_to_string(const statistics *s)
{
    histogram *merged = malloc(STATS_HIST_COUNT * sizeof *merged);
    if (merged == NULL)
        return NULL;
    merge_all(s, merged);
    shale_buf out = SHALE_BUF_INIT;
    for (size_t t = 0; t < STATS_TICKER_COUNT; t++)
        append_ticker_line(&out, ticker_names[t], stats_ticker(s, (enum stats_ticker)t));
    for (size_t h = 0; h < STATS_HIST_COUNT; h++)
        append_hist_line(&out, hist_names[h], &merged[h]);
    free(merged);
    shale_buf_append_byte(&out, '\0');
    return shale_buf_detach(&out, NULL);
}

/* --- public API ------------------------------------------------------------ */

shale_statistics *shale_statistics_new(void)
{
    return stats_new();
}

void shale_statistics_release(shale_statistics *s)
{
    stats_unref(s);
}

void shale_statistics_set_level(shale_statistics *s, int level)
{
    if (level < SHALE_STATS_DISABLE_ALL)
        level = SHALE_STATS_DISABLE_ALL;
    if (level > SHALE_STATS_ALL)
        level = SHALE_STATS_ALL;
    atomic_store_explicit(&s->level, level, memory_order_relaxed);
}

int shale_statistics_get_level(const shale_statistics *s) { return level_of(s); }

uint64_t shale_statistics_ticker(const shale_statistics *s, const char *name)
{
    int t = stats_ticker_by_name(name);
    return t < 0 ? 0 : stats_ticker(s, (enum stats_ticker)t);
}

int shale_statistics_histogram(const shale_statistics *s, const char *name,
                               shale_histogram_data *out, shale_err *err)
{
    int h = stats_hist_by_name(name);
    if (h < 0) {
        memset(out, 0, sizeof *out);
        return SHALE_ERR(err, SHALE_NOT_FOUND, "no histogram named %s",
                         name == NULL ? "(null)" : name);
    }
    stats_histogram_data(s, (enum stats_hist)h, out);
    return SHALE_OK;
}

char *shale_statistics_histogram_string(const shale_statistics *s, const char *name)
{
    int h = stats_hist_by_name(name);
    if (h < 0)
        return NULL;
    histogram m;
    stats_histogram_get(s, (enum stats_hist)h, &m);
    return histogram_to_string(&m);
}

char *shale_statistics_to_string(const shale_statistics *s)
{
    return stats_to_string(s);
}

void shale_statistics_reset(shale_statistics *s)
{
    stats_reset(s);
}
