/* lsm/compaction/compaction_filter_ttl.c: the built-in time-to-live
 * compaction filter for values in Flink's TTL layout (an 8-byte big-endian
 * millisecond timestamp of the last access or write, then the user value),
 * so that expired state disappears in compaction without a
 * read-modify-write.
 *
 * Expiry follows Flink's FlinkCompactionFilter: an entry is expired when
 * timestamp + ttl <= now, with ttl clamped so that the sum cannot pass
 * INT64_MAX.  "now" is read from the clock on the first call and then again
 * once query_time_after_num_entries calls have used it (every call counts,
 * short values included), which keeps clock reads off the per-entry path.
 *
 * Thread-safety: one filter may be shared by concurrent compactions, so the
 * call counter and the cached "now" live in the filter instance under a
 * mutex; the clock callback is called with that mutex held (it need not be
 * thread-safe itself, and must not call back into the filter). */
#include "lsm/compaction/compaction_filter.h"

#include <stdlib.h>
#include <time.h>

#include "lsm/util/mutex.h"

#define TTL_TS_LEN 8

typedef struct ttl_filter {
    int64_t ttl_ms;
    int64_t (*now_ms)(void *clock_state);
    void *clock_state;
    size_t every;       /* re-read "now" after this many calls; 0 acts as 1 */
    shale_mutex mu;
    size_t used;        /* calls since "now" was read (SIZE_MAX: never read) */
    int64_t now;
} ttl_filter;

static int64_t wall_clock_ms(void *unused)
{
    (void)unused;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The "now" for one call: re-read when the cached one is stale. */
static int64_t current_time(ttl_filter *t)
{
    shale_mutex_lock(&t->mu);
    if (t->used >= t->every) {
        t->now = t->now_ms(t->clock_state);
        t->used = 0;
    }
    t->used++;
    int64_t now = t->now;
    shale_mutex_unlock(&t->mu);
    return now;
}

static int64_t decode_be64(const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < TTL_TS_LEN; i++)
        v = v << 8 | (unsigned char)p[i];
    return (int64_t)v;
}

/* timestamp + ttl <= now, the ttl clamped so the sum stays <= INT64_MAX. */
static bool expired(int64_t ts, int64_t ttl, int64_t now)
{
    if (ts > 0 && ttl > INT64_MAX - ts)
        ttl = INT64_MAX - ts;
    return ts + ttl <= now;
}

static int ttl_filter_fn(void *state, int level, const char *key, size_t key_len, int kind,
                         const char *value, size_t value_len, char **new_value,
                         size_t *new_value_len)
{
    (void)level, (void)key, (void)key_len, (void)kind, (void)new_value, (void)new_value_len;
    ttl_filter *t = state;
    int64_t now = current_time(t);
    if (value_len < TTL_TS_LEN)
        return SHALE_FILTER_KEEP;
    return expired(decode_be64(value), t->ttl_ms, now) ? SHALE_FILTER_REMOVE : SHALE_FILTER_KEEP;
}

static const char *ttl_filter_name(void *state)
{
    (void)state;
    return "shale.TtlCompactionFilter";
}

static void ttl_filter_free(void *state)
{
    ttl_filter *t = state;
    if (t == NULL)
        return;
    shale_mutex_deinit(&t->mu);
    free(t);
}

shale_compaction_filter *shale_compaction_filter_create_ttl(int64_t ttl_ms,
                                                            int64_t (*now_ms)(void *clock_state),
                                                            void *clock_state,
                                                            size_t query_time_after_num_entries)
{
    if (ttl_ms < 0)
        return NULL;
    ttl_filter *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ttl_ms = ttl_ms;
    t->now_ms = now_ms != NULL ? now_ms : wall_clock_ms;
    t->clock_state = clock_state;
    t->every = query_time_after_num_entries > 0 ? query_time_after_num_entries : 1;
    t->used = SIZE_MAX;
    shale_mutex_init(&t->mu);
    shale_compaction_filter *f =
        shale_compaction_filter_create(t, ttl_filter_free, ttl_filter_fn, ttl_filter_name);
    if (f == NULL)
        ttl_filter_free(t);
    return f;
}
