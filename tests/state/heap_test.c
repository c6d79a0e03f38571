/* tests/state/heap_test.c: what only the heap backend promises: a
 * copy-on-write snapshot read on another thread while the owner goes on
 * writing, exact memory accounting (including versions pinned by
 * snapshots), and Flink's incremental TTL cleanup. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "shale/state.h"

static int64_t g_now = 1000;
static int64_t clock_fn(void *ctx)
{
    (void)ctx;
    return g_now;
}

static shale_state_backend *open_heap(void)
{
    shale_state_options *o = shale_state_options_new();
    shale_state_options_set_clock(o, clock_fn, NULL);
    shale_state_backend *b = NULL;
    cr_assert_eq(shale_state_backend_open(o, NULL, &b, NULL), SHALE_OK);
    shale_state_options_free(o);
    return b;
}

static shale_state *state(shale_state_backend *b, const char *name, int kind, int64_t ttl)
{
    shale_state_descriptor *d = shale_state_descriptor_new(name, kind);
    if (ttl > 0)
        shale_state_descriptor_set_ttl(d, ttl, SHALE_TTL_ON_CREATE_AND_WRITE,
                                       SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state *st = NULL;
    cr_assert_eq(shale_state_get(b, d, &st, NULL), SHALE_OK);
    shale_state_descriptor_free(d);
    return st;
}

static void put_n(shale_state *st, int n, char fill)
{
    char key[16], val[100];
    memset(val, fill, sizeof val);
    for (int i = 0; i < n; i++) {
        int kl = snprintf(key, sizeof key, "key%d", i);
        shale_state_key k = shale_state_key_make(key, (size_t)kl);
        cr_assert_eq(shale_value_state_update(st, &k, val, sizeof val, NULL), SHALE_OK);
    }
}

typedef struct reader {
    shale_state_snapshot *snap;
    int entries, wrong;
} reader;

static void *read_snapshot(void *arg)
{
    reader *r = arg;
    shale_state_snapshot_entry e;
    while (shale_state_snapshot_next(r->snap, &e, NULL) == SHALE_OK) {
        r->entries++;
        for (size_t i = 0; i < e.value_len; i++)
            if (e.value[i] != 'o') {
                r->wrong++;
                break;
            }
    }
    return NULL;
}

Test(heap, snapshot_read_on_another_thread_sees_old_values_while_writes_go_on)
{
    shale_state_backend *b = open_heap();
    shale_state *st = state(b, "v", SHALE_STATE_VALUE, 0);
    put_n(st, 5000, 'o');
    reader r = {NULL, 0, 0};
    cr_assert_eq(shale_state_snapshot_new(b, &r.snap, NULL), SHALE_OK);
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, read_snapshot, &r), 0);
    for (int round = 0; round < 5; round++)
        put_n(st, 5000, (char)('a' + round));     /* rewrites every pinned entry */
    char key[16];
    for (int i = 0; i < 5000; i += 2) {
        int kl = snprintf(key, sizeof key, "key%d", i);
        shale_state_key k = shale_state_key_make(key, (size_t)kl);
        cr_assert_eq(shale_state_clear(st, &k, NULL), SHALE_OK);
    }
    pthread_join(th, NULL);
    cr_assert_eq(r.entries, 5000);
    cr_assert_eq(r.wrong, 0);
    shale_state_snapshot_free(r.snap);
    shale_state_backend_close(b);
}

Test(heap, memory_accounting_counts_values_and_pinned_versions_exactly)
{
    shale_state_backend *b = open_heap();
    shale_state *st = state(b, "v", SHALE_STATE_VALUE, 0);
    uint64_t empty = shale_state_backend_memory_usage(b);
    put_n(st, 1000, 'o');
    uint64_t m1 = shale_state_backend_memory_usage(b);
    cr_assert_geq(m1 - empty, 1000 * 100, "payload alone is 100000 bytes: %lu",
                  (unsigned long)(m1 - empty));
    shale_state_metrics met;
    shale_state_metrics_get(st, &met);
    uint64_t live = 0;
    cr_assert(shale_state_property(st, "rocksdb.estimate-live-data-size", &live));
    cr_assert_eq(live, met.bytes);
    cr_assert_eq(met.entries, 1000);

    shale_state_snapshot *snap = NULL;
    cr_assert_eq(shale_state_snapshot_new(b, &snap, NULL), SHALE_OK);
    put_n(st, 1000, 'n');                /* every entry copied once */
    uint64_t m2 = shale_state_backend_memory_usage(b);
    cr_assert_geq(m2 - m1, 1000 * 100);
    put_n(st, 1000, 'x');                /* already private: no new copies */
    cr_assert_eq(shale_state_backend_memory_usage(b), m2);
    shale_state_snapshot_free(snap);
    cr_assert_eq(shale_state_backend_memory_usage(b), m1, "old versions returned");
    shale_state_backend_close(b);
}

Test(heap, clearing_returns_entry_memory_and_timers_are_counted)
{
    shale_state_backend *b = open_heap();
    shale_state *st = state(b, "l", SHALE_STATE_LIST, 0);
    shale_state_key k = shale_state_key_make("k", 1);
    cr_assert_eq(shale_list_state_add(st, &k, "x", 1, NULL), SHALE_OK);
    cr_assert_eq(shale_state_clear(st, &k, NULL), SHALE_OK);
    uint64_t base = shale_state_backend_memory_usage(b);   /* tables sized */
    char big[4096] = {0};
    for (int i = 0; i < 50; i++)
        cr_assert_eq(shale_list_state_add(st, &k, big, sizeof big, NULL), SHALE_OK);
    cr_assert_geq(shale_state_backend_memory_usage(b) - base, 50 * 4096);
    cr_assert_eq(shale_state_clear(st, &k, NULL), SHALE_OK);
    cr_assert_eq(shale_state_backend_memory_usage(b), base);
    cr_assert_eq(shale_timer_register(b, SHALE_TIMER_EVENT, &k, 5, NULL), SHALE_OK);
    cr_assert_gt(shale_state_backend_memory_usage(b), base);
    shale_state_backend_close(b);
}

Test(heap, incremental_cleanup_drops_expired_entries_no_one_reads)
{
    shale_state_backend *b = open_heap();
    shale_state *st = state(b, "v", SHALE_STATE_VALUE, 100);
    put_n(st, 200, 'o');
    g_now += 100;                       /* all 200 expired */
    shale_state_key live = shale_state_key_make("live", 4);
    cr_assert_eq(shale_value_state_update(st, &live, "x", 1, NULL), SHALE_OK);
    shale_state_metrics m;
    shale_state_metrics_get(st, &m);
    cr_assert_gt(m.entries, 150, "one access checks only a few entries: %lu",
                 (unsigned long)m.entries);
    for (int i = 0; i < 400; i++) {
        char *v = NULL;
        size_t n;
        cr_assert_eq(shale_value_state_get(st, &live, &v, &n, NULL), SHALE_OK);
        shale_free(v);
    }
    shale_state_metrics_get(st, &m);
    cr_assert_eq(m.entries, 1, "only the live key remains: %lu", (unsigned long)m.entries);
    shale_state_backend_close(b);
}
