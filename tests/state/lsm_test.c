/* tests/state/lsm_test.c: what only the LSM state backend promises, beyond
 * the conformance suite: durability across close and reopen (WAL on, and
 * WAL off with the flush on close), Flink's bytes in the column families
 * (read raw with a shale iterator, compared with bytes written out by hand
 * here), list appends that never read, TTL cleanup by the compaction
 * filter (expired bytes reclaimed, list elements dropped, the clock read
 * every N entries), timers persisted in order, properties and the shared
 * memory budget. */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/db.h"
#include "shale/state.h"
#include "lsm/util/buf.h"
#include "state/lsm.h"
#include "tests/support/test_util.h"

/* --- a backend over a directory, with a manual clock ----------------------- */
typedef struct env {
    char *dir;
    shale_state_backend *b;
    _Atomic int64_t now;          /* compactions read it from their thread */
    atomic_ulong clock_calls;
    bool wal;
    uint64_t budget;
} env;

static int64_t manual_clock(void *ctx)
{
    env *e = ctx;
    atomic_fetch_add(&e->clock_calls, 1);
    return atomic_load(&e->now);
}

static void env_open(env *e)
{
    shale_state_options *o = shale_state_options_new();
    cr_assert_not_null(o);
    shale_state_options_set_backend(o, SHALE_STATE_BACKEND_LSM);
    shale_state_options_set_clock(o, manual_clock, e);
    shale_state_options_set_wal(o, e->wal);
    shale_state_options_set_memory_budget(o, e->budget);
    shale_err err = {0};
    int rc = shale_state_backend_open(o, e->dir, &e->b, &err);
    shale_state_options_free(o);
    cr_assert_eq(rc, SHALE_OK, "open: %s", err.msg);
}

static env *env_new(bool wal)
{
    env *e = calloc(1, sizeof *e);
    cr_assert_not_null(e);
    e->dir = test_tmpdir("lsmstate");
    atomic_init(&e->now, 1000000);
    atomic_init(&e->clock_calls, 0);
    e->wal = wal;
    env_open(e);
    return e;
}

static void env_reopen(env *e)
{
    shale_state_backend_close(e->b);
    env_open(e);
}

static void env_free(env *e)
{
    shale_state_backend_close(e->b);
    test_rmtree(e->dir);
    free(e->dir);
    free(e);
}

static shale_state *state(env *e, const char *name, int kind, int64_t ttl)
{
    shale_state_descriptor *d = shale_state_descriptor_new(name, kind);
    cr_assert_not_null(d);
    if (ttl > 0)
        shale_state_descriptor_set_ttl(d, ttl, SHALE_TTL_ON_CREATE_AND_WRITE,
                                       SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state *st = NULL;
    shale_err err = {0};
    int rc = shale_state_get(e->b, d, &st, &err);
    shale_state_descriptor_free(d);
    cr_assert_eq(rc, SHALE_OK, "state %s: %s", name, err.msg);
    return st;
}

static shale_state_key key(const char *k) { return shale_state_key_make(k, strlen(k)); }

static void put(shale_state *st, const char *k, const char *v)
{
    shale_state_key sk = key(k);
    cr_assert_eq(shale_value_state_update(st, &sk, v, strlen(v), NULL), SHALE_OK);
}

static void add(shale_state *st, const char *k, const char *v)
{
    shale_state_key sk = key(k);
    cr_assert_eq(shale_list_state_add(st, &sk, v, strlen(v), NULL), SHALE_OK);
}

static void expect_value(shale_state *st, const char *k, const char *want)
{
    shale_state_key sk = key(k);
    char *v = NULL;
    size_t n = 0;
    int rc = shale_value_state_get(st, &sk, &v, &n, NULL);
    if (want == NULL) {
        cr_assert_eq(rc, SHALE_NOT_FOUND, "%s: want nothing", k);
        return;
    }
    cr_assert_eq(rc, SHALE_OK, "%s: code %d", k, rc);
    cr_assert(n == strlen(want) && memcmp(v, want, n) == 0, "%s: got %.*s", k, (int)n, v);
    shale_free(v);
}

/* The list's elements joined by '|'. */
static void expect_list(shale_state *st, const char *k, const char *want)
{
    shale_state_key sk = key(k);
    shale_state_iter *it = NULL;
    cr_assert_eq(shale_list_state_get(st, &sk, &it, NULL), SHALE_OK);
    shale_buf got = SHALE_BUF_INIT;
    for (; shale_state_iter_valid(it); shale_state_iter_next(it)) {
        size_t n;
        const char *v = shale_state_iter_value(it, &n);
        if (got.len > 0)
            shale_buf_append_byte(&got, '|');
        shale_buf_append(&got, v, n);
    }
    shale_state_iter_free(it);
    shale_buf_append_byte(&got, 0);
    cr_assert_str_eq(got.data, want);
    shale_buf_deinit(&got);
}

/* --- raw bytes, written out by hand ------------------------------------------ */
static void be64(shale_buf *b, int64_t v)
{
    for (int i = 0; i < 8; i++)
        shale_buf_append_byte(b, (uint8_t)((uint64_t)v >> (56 - 8 * i)));
}

static void be32(shale_buf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        shale_buf_append_byte(b, (uint8_t)(v >> (24 - 8 * i)));
}

/* The raw value of `k` in the family (merges resolved), or NULL. */
static char *raw_get(env *e, shale_cf *cf, const shale_buf *k, size_t *n)
{
    char *v = NULL;
    int rc = shale_get_cf(lsm_backend_db(e->b), NULL, cf, k->data, k->len, &v, n, NULL);
    cr_assert(rc == SHALE_OK || rc == SHALE_NOT_FOUND, "raw get: %d", rc);
    return v;
}

static void expect_raw(env *e, shale_cf *cf, const shale_buf *k, const shale_buf *want)
{
    size_t n = 0;
    char *v = raw_get(e, cf, k, &n);
    cr_assert_not_null(v, "key not stored");
    cr_assert_eq(n, want->len);
    cr_assert_eq(memcmp(v, want->data, n), 0, "stored bytes differ");
    shale_free(v);
}

/* Every key of the family, in order, as one key per call of fn. */
static size_t raw_count(env *e, shale_cf *cf)
{
    shale_iter *it = shale_iter_new_cf(lsm_backend_db(e->b), NULL, cf);
    size_t n = 0;
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it))
        n++;
    cr_assert_eq(shale_iter_status(it, NULL), SHALE_OK);
    shale_iter_free(it);
    return n;
}

static uint64_t prop(shale_state *st, const char *name)
{
    uint64_t v = 0;
    cr_assert(shale_state_property(st, name, &v), "%s", name);
    return v;
}

/* --- durability --------------------------------------------------------------- */
Test(lsm_state, data_survives_reopen_from_the_wal_when_it_is_on)
{
    env *e = env_new(true);
    shale_state *v = state(e, "v", SHALE_STATE_VALUE, 0);
    shale_state *l = state(e, "l", SHALE_STATE_LIST, 0);
    put(v, "k", "value");
    add(l, "k", "a");
    add(l, "k", "b");
    /* Nothing flushed: the WAL holds every write. */
    cr_assert_eq(prop(v, "rocksdb.num-files-at-level0"), 0);
    env_reopen(e);
    v = state(e, "v", SHALE_STATE_VALUE, 0);
    l = state(e, "l", SHALE_STATE_LIST, 0);
    expect_value(v, "k", "value");
    expect_list(l, "k", "a|b");
    env_free(e);
}

static uint64_t wal_bytes(env *e)
{
    char **names = NULL;
    uint64_t *sizes = NULL;
    size_t n = 0;
    cr_assert_eq(shale_get_live_wal_files(lsm_backend_db(e->b), &names, &sizes, &n, NULL),
                 SHALE_OK);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += sizes[i];
    shale_cf_names_free(names, n);
    shale_free(sizes);
    return total;
}

Test(lsm_state, without_wal_nothing_is_logged_and_a_clean_close_flushes)
{
    env *e = env_new(false);
    shale_state *v = state(e, "v", SHALE_STATE_VALUE, 0);
    shale_state *m = state(e, "m", SHALE_STATE_MAP, 0);
    put(v, "k", "value");
    shale_state_key k = key("k");
    cr_assert_eq(shale_map_state_put(m, &k, "u", 1, "x", 1, NULL), SHALE_OK);
    cr_assert_eq(wal_bytes(e), 0, "writes went to the WAL with it off");
    env_reopen(e);
    v = state(e, "v", SHALE_STATE_VALUE, 0);
    m = state(e, "m", SHALE_STATE_MAP, 0);
    expect_value(v, "k", "value");
    cr_assert_gt(prop(v, "rocksdb.total-sst-files-size"), 0, "close did not flush");
    char *got = NULL;
    size_t n = 0;
    cr_assert_eq(shale_map_state_get(m, &k, "u", 1, &got, &n, NULL), SHALE_OK);
    cr_assert(n == 1 && got[0] == 'x');
    shale_free(got);
    env_free(e);
}

Test(lsm_state, the_wal_is_written_when_asked_for)
{
    env *e = env_new(true);
    put(state(e, "v", SHALE_STATE_VALUE, 0), "k", "value");
    cr_assert_gt(wal_bytes(e), 0);
    env_free(e);
}

/* --- Flink's bytes ---------------------------------------------------------------- */
Test(lsm_state, values_maps_and_lists_are_stored_in_flinks_layout)
{
    env *e = env_new(false);
    int64_t t = atomic_load(&e->now);
    shale_state *v = state(e, "v", SHALE_STATE_VALUE, 5000);
    shale_state *m = state(e, "m", SHALE_STATE_MAP, 0);
    shale_state *l = state(e, "l", SHALE_STATE_LIST, 5000);
    put(v, "hello", "val");                          /* "hello": key group 35 of 128 */
    shale_state_key kn = shale_state_key_make("hello", 5);
    kn.ns = "w1";
    kn.ns_len = 2;
    cr_assert_eq(shale_map_state_put(m, &kn, "uk", 2, "mv", 2, NULL), SHALE_OK);
    add(l, "hello", "ab");
    add(l, "hello", "c");

    shale_buf k = SHALE_BUF_INIT, want = SHALE_BUF_INIT;
    shale_buf_append(&k, "\x23hello\x00", 7);        /* kg | key | void namespace */
    be64(&want, t);                                   /* TTL stamp, big-endian */
    shale_buf_append(&want, "val", 3);
    expect_raw(e, lsm_state_cf(v), &k, &want);

    shale_buf_clear(&k);
    shale_buf_clear(&want);
    /* kg | key | len(key) | ns | len(ns) | user key; value: null flag | bytes */
    shale_buf_append(&k, "\x23hello\x05w1\x02uk", 12);
    shale_buf_append(&want, "\x00mv", 3);
    expect_raw(e, lsm_state_cf(m), &k, &want);

    shale_buf_clear(&k);
    shale_buf_clear(&want);
    shale_buf_append(&k, "\x23hello\x00", 7);
    be64(&want, t);
    be32(&want, 2);
    shale_buf_append(&want, "ab,", 3);               /* Flink's list delimiter */
    be64(&want, t);
    be32(&want, 1);
    shale_buf_append(&want, "c", 1);
    expect_raw(e, lsm_state_cf(l), &k, &want);
    shale_buf_deinit(&k);
    shale_buf_deinit(&want);
    env_free(e);
}

Test(lsm_state, timers_are_stored_with_key_group_then_sign_flipped_time)
{
    env *e = env_new(false);
    shale_state_key k = key("hello");                 /* group 35 */
    cr_assert_eq(shale_timer_register(e->b, SHALE_TIMER_EVENT, &k, -2, NULL), SHALE_OK);
    shale_cf *cf = NULL;
    lsm_backend *lb = lsm_of(e->b);
    cf = lb->timers[SHALE_TIMER_EVENT].fam->cf;
    cr_assert_str_eq(shale_cf_name(cf), "_timer_state/event_user-timers");
    shale_iter *it = shale_iter_new_cf(lb->db, NULL, cf);
    shale_iter_seek_to_first(it);
    cr_assert(shale_iter_valid(it));
    size_t n;
    const char *raw = shale_iter_key(it, &n);
    /* -2 ^ 2^63 = 0x7ffffffffffffffe */
    const char want[] = "\x23\x7f\xff\xff\xff\xff\xff\xff\xfe" "hello";
    cr_assert_eq(n, sizeof want - 1);
    cr_assert_eq(memcmp(raw, want, n), 0);
    shale_iter_free(it);
    env_free(e);
}

/* --- list appends ------------------------------------------------------------------ */
static uint64_t reads(env *e)
{
    shale_statistics *s = lsm_backend_statistics(e->b);
    return shale_statistics_ticker(s, "rocksdb.number.keys.read") +
           shale_statistics_ticker(s, "rocksdb.block.cache.hit") +
           shale_statistics_ticker(s, "rocksdb.block.cache.miss") +
           shale_statistics_ticker(s, "rocksdb.number.db.seek");
}

Test(lsm_state, list_add_reads_nothing_however_long_the_list)
{
    env *e = env_new(false);
    shale_state *l = state(e, "l", SHALE_STATE_LIST, 0);
    char v[16];
    for (int i = 0; i < 5000; i++) {
        snprintf(v, sizeof v, "%d", i);
        add(l, "k", v);
    }
    cr_assert_eq(shale_flush_cf(lsm_backend_db(e->b), lsm_state_cf(l), true, NULL), SHALE_OK);
    uint64_t before = reads(e);
    uint64_t entries = prop(l, "rocksdb.num-entries-active-mem-table");
    for (int i = 5000; i < 10000; i++) {
        snprintf(v, sizeof v, "%d", i);
        add(l, "k", v);
    }
    cr_assert_eq(reads(e), before, "an add read the list");
    /* Each add is one merge operand, left alone until read. */
    cr_assert_eq(prop(l, "rocksdb.num-entries-active-mem-table") - entries, 5000);
    shale_state_key k = key("k");
    shale_state_iter *it = NULL;
    cr_assert_eq(shale_list_state_get_last(l, &k, 1, &it, NULL), SHALE_OK);
    size_t n;
    cr_assert(shale_state_iter_valid(it));
    cr_assert_eq(memcmp(shale_state_iter_value(it, &n), "9999", 4), 0);
    shale_state_iter_free(it);
    cr_assert_gt(reads(e), before);
    env_free(e);
}

/* --- TTL in compaction --------------------------------------------------------------- */
static void compact(env *e, shale_state *st)
{
    shale_db *db = lsm_backend_db(e->b);
    cr_assert_eq(shale_flush_cf(db, lsm_state_cf(st), true, NULL), SHALE_OK);
    cr_assert_eq(shale_compact_range_cf(db, lsm_state_cf(st), NULL, 0, NULL, 0, NULL), SHALE_OK);
}

/* The 200-byte value fill() writes. */
static const char *xs(void)
{
    static char v[201];
    memset(v, 'x', 200);
    return v;
}

static void fill(shale_state *st, const char *prefix, int n)
{
    char k[32];
    for (int i = 0; i < n; i++) {
        snprintf(k, sizeof k, "%s%05d", prefix, i);
        put(st, k, xs());
    }
}

Test(lsm_state, full_compaction_reclaims_expired_values)
{
    env *e = env_new(false);
    shale_state *gone = state(e, "expiring", SHALE_STATE_VALUE, 1000);
    shale_state *kept = state(e, "kept", SHALE_STATE_VALUE, 1000);
    fill(gone, "g", 2000);
    atomic_fetch_add(&e->now, 600);
    fill(kept, "k", 2000);
    compact(e, gone);
    compact(e, kept);
    uint64_t gone_before = prop(gone, "rocksdb.total-sst-files-size");
    uint64_t kept_before = prop(kept, "rocksdb.total-sst-files-size");
    cr_assert_gt(gone_before, 2000 * 200);
    atomic_fetch_add(&e->now, 500);                  /* past the first TTL, not the second */
    compact(e, gone);
    compact(e, kept);
    uint64_t gone_after = prop(gone, "rocksdb.total-sst-files-size");
    uint64_t kept_after = prop(kept, "rocksdb.total-sst-files-size");
    double reclaimed = 1.0 - (double)gone_after / (double)gone_before;
    cr_log_info("expired: %llu -> %llu bytes (%.1f%% reclaimed); live: %llu -> %llu",
                (unsigned long long)gone_before, (unsigned long long)gone_after,
                100.0 * reclaimed, (unsigned long long)kept_before,
                (unsigned long long)kept_after);
    cr_assert_geq(reclaimed, 0.95, "only %.1f%% of expired bytes reclaimed", 100 * reclaimed);
    cr_assert_geq(kept_after, kept_before * 95 / 100, "live values were dropped");
    cr_assert_eq(raw_count(e, lsm_state_cf(kept)), 2000);
    cr_assert_eq(raw_count(e, lsm_state_cf(gone)), 0);
    expect_value(kept, "k01999", xs());
    env_free(e);
}

/* The raw list stored under the void-namespace key k, as its element
 * strings joined by '|', or NULL when the key is gone. */
static char *raw_list_ts(env *e, shale_state *st, const char *k, size_t ts)
{
    shale_buf key = SHALE_BUF_INIT;
    shale_buf_append_byte(&key, (uint8_t)shale_state_key_group(k, strlen(k), 128));
    shale_buf_append(&key, k, strlen(k));
    shale_buf_append_byte(&key, 0);
    size_t n = 0;
    char *v = raw_get(e, lsm_state_cf(st), &key, &n);
    shale_buf_deinit(&key);
    if (v == NULL)
        return NULL;
    shale_buf out = SHALE_BUF_INIT;
    for (size_t off = 0; off < n;) {           /* [ts 8] len 4 bytes [,] */
        cr_assert_leq(off + ts + 4, n);
        const unsigned char *u = (const unsigned char *)v + off + ts;
        size_t len = ((size_t)u[0] << 24) | ((size_t)u[1] << 16) | ((size_t)u[2] << 8) | u[3];
        cr_assert_leq(off + ts + 4 + len, n);
        if (out.len > 0)
            shale_buf_append_byte(&out, '|');
        shale_buf_append(&out, v + off + ts + 4, len);
        off += ts + 4 + len;
        if (off < n) {
            cr_assert_eq(v[off], ',');
            off++;
        }
    }
    shale_free(v);
    shale_buf_append_byte(&out, 0);
    return out.data;
}

static char *raw_list(env *e, shale_state *st, const char *k) { return raw_list_ts(e, st, k, 8); }

Test(lsm_state, compaction_drops_expired_list_elements_and_keeps_live_ones)
{
    env *e = env_new(false);
    shale_state *l = state(e, "l", SHALE_STATE_LIST, 1000);
    add(l, "mixed", "old1");
    add(l, "mixed", "old2");
    add(l, "dead", "x");
    cr_assert_eq(shale_flush_cf(lsm_backend_db(e->b), lsm_state_cf(l), true, NULL), SHALE_OK);
    atomic_fetch_add(&e->now, 600);
    add(l, "mixed", "new1");                   /* an operand over the flushed base */
    add(l, "mixed", "new2");
    atomic_fetch_add(&e->now, 500);            /* old* and x expired, new* live */
    char *before = raw_list(e, l, "mixed");
    cr_assert_str_eq(before, "old1|old2|new1|new2");
    free(before);
    compact(e, l);
    char *after = raw_list(e, l, "mixed");
    cr_assert_str_eq(after, "new1|new2");
    free(after);
    cr_assert_null(raw_list(e, l, "dead"), "a list with no live element stayed");
    expect_list(l, "mixed", "new1|new2");
    env_free(e);
}

Test(lsm_state, compaction_trims_a_bounded_list_that_was_never_read)
{
    env *e = env_new(false);
    shale_state_descriptor *d = shale_state_descriptor_new("turns", SHALE_STATE_LIST);
    shale_state_descriptor_set_list_bound(d, 3, 0, 0);
    shale_state *l = NULL;
    cr_assert_eq(shale_state_get(e->b, d, &l, NULL), SHALE_OK);
    shale_state_descriptor_free(d);
    const char *turns[] = {"t1", "t2", "t3", "t4", "t5", "t6"};
    for (int i = 0; i < 4; i++)
        add(l, "chat", turns[i]);
    cr_assert_eq(shale_flush_cf(lsm_backend_db(e->b), lsm_state_cf(l), true, NULL), SHALE_OK);
    add(l, "chat", turns[4]);
    add(l, "chat", turns[5]);
    char *raw = raw_list_ts(e, l, "chat", 0);     /* adds never read: all six stored */
    cr_assert_str_eq(raw, "t1|t2|t3|t4|t5|t6");
    free(raw);
    /* The first compaction merges the operands into one value (the filter
     * sees operands one by one, as RocksDB's MergeHelper shows them); the
     * next one sees the whole list and trims it. */
    compact(e, l);
    compact(e, l);
    raw = raw_list_ts(e, l, "chat", 0);
    cr_assert_str_eq(raw, "t4|t5|t6");
    free(raw);
    expect_list(l, "chat", "t4|t5|t6");
    env_free(e);
}

Test(lsm_state, compaction_drops_expired_map_entries)
{
    env *e = env_new(false);
    shale_state *m = state(e, "m", SHALE_STATE_MAP, 1000);
    shale_state_key k = key("k");
    cr_assert_eq(shale_map_state_put(m, &k, "old", 3, "1", 1, NULL), SHALE_OK);
    atomic_fetch_add(&e->now, 600);
    cr_assert_eq(shale_map_state_put(m, &k, "new", 3, "2", 1, NULL), SHALE_OK);
    atomic_fetch_add(&e->now, 500);
    cr_assert_eq(raw_count(e, lsm_state_cf(m)), 2);
    compact(e, m);
    cr_assert_eq(raw_count(e, lsm_state_cf(m)), 1);
    bool found = false;
    cr_assert_eq(shale_map_state_contains(m, &k, "new", 3, &found, NULL), SHALE_OK);
    cr_assert(found);
    env_free(e);
}

static uint64_t clock_reads_in_compaction(uint32_t query_entries)
{
    env *e = env_new(false);
    shale_state_descriptor *d = shale_state_descriptor_new("v", SHALE_STATE_VALUE);
    shale_state_descriptor_set_ttl(d, 1000, SHALE_TTL_ON_CREATE_AND_WRITE,
                                   SHALE_TTL_NEVER_RETURN_EXPIRED);
    shale_state_descriptor_set_ttl_cleanup(d, 0, query_entries);
    shale_state *st = NULL;
    cr_assert_eq(shale_state_get(e->b, d, &st, NULL), SHALE_OK);
    shale_state_descriptor_free(d);
    fill(st, "k", 3000);
    cr_assert_eq(shale_flush_cf(lsm_backend_db(e->b), lsm_state_cf(st), true, NULL), SHALE_OK);
    uint64_t before = atomic_load(&e->clock_calls);
    cr_assert_eq(shale_compact_range_cf(lsm_backend_db(e->b), lsm_state_cf(st), NULL, 0, NULL,
                                        0, NULL), SHALE_OK);
    uint64_t calls = atomic_load(&e->clock_calls) - before;
    env_free(e);
    return calls;
}

Test(lsm_state, the_filter_reads_the_clock_once_per_query_entries)
{
    uint64_t every_1000 = clock_reads_in_compaction(1000);
    uint64_t every_1 = clock_reads_in_compaction(1);
    cr_assert_gt(every_1000, 0);
    cr_assert_leq(every_1000, 3000 / 1000 + 2, "%llu reads", (unsigned long long)every_1000);
    cr_assert_geq(every_1, 3000);
}

/* --- timers ---------------------------------------------------------------------- */
typedef struct fired {
    shale_buf log;
} fired;

static int on_timer(void *ctx, shale_state_backend *b, int domain, int64_t ts,
                    const shale_state_key *k)
{
    (void)b, (void)domain;
    fired *f = ctx;
    char head[32];
    snprintf(head, sizeof head, "%lld:", (long long)ts);
    shale_buf_append_str(&f->log, head);
    shale_buf_append(&f->log, k->key, k->key_len);
    shale_buf_append_byte(&f->log, '/');
    shale_buf_append(&f->log, k->ns, k->ns_len);
    shale_buf_append_byte(&f->log, ';');
    return SHALE_OK;
}

static void reg(env *e, const char *k, const char *ns, int64_t ts)
{
    shale_state_key sk = key(k);
    sk.ns = ns;
    sk.ns_len = strlen(ns);
    cr_assert_eq(shale_timer_register(e->b, SHALE_TIMER_PROCESSING, &sk, ts, NULL), SHALE_OK);
}

Test(lsm_state, timers_persist_across_reopen_and_fire_in_order)
{
    env *e = env_new(false);
    reg(e, "Flink", "", 30);                  /* groups: Flink 127, hello 35, a 81 */
    reg(e, "hello", "w", 10);
    reg(e, "a", "", 20);
    reg(e, "hello", "", 30);
    reg(e, "a", "", -5);
    reg(e, "ab", "", 20);
    env_reopen(e);
    cr_assert_eq(shale_timer_count(e->b, SHALE_TIMER_PROCESSING), 6);
    fired f = {SHALE_BUF_INIT};
    uint64_t n = 0;
    cr_assert_eq(shale_timer_advance(e->b, SHALE_TIMER_PROCESSING, 25, on_timer, &f, &n, NULL),
                 SHALE_OK);
    cr_assert_eq(n, 4);
    env_reopen(e);
    cr_assert_eq(shale_timer_count(e->b, SHALE_TIMER_PROCESSING), 2);
    cr_assert_eq(shale_timer_advance(e->b, SHALE_TIMER_PROCESSING, 100, on_timer, &f, &n, NULL),
                 SHALE_OK);
    shale_buf_append_byte(&f.log, 0);
    int32_t kg_a = shale_state_key_group("a", 1, 128), kg_ab = shale_state_key_group("ab", 2, 128);
    const char *at20 = kg_a <= kg_ab ? "20:a/;20:ab/;" : "20:ab/;20:a/;";
    char want[256];
    snprintf(want, sizeof want, "-5:a/;10:hello/w;%s30:hello/;30:Flink/;", at20);
    cr_assert_str_eq(f.log.data, want);
    cr_assert_eq(shale_timer_count(e->b, SHALE_TIMER_PROCESSING), 0);
    shale_buf_deinit(&f.log);
    env_free(e);
}

/* --- families, properties, memory ---------------------------------------------------- */
Test(lsm_state, each_state_is_a_column_family_found_again_on_reopen)
{
    env *e = env_new(false);
    put(state(e, "first", SHALE_STATE_VALUE, 0), "k", "1");
    put(state(e, "second", SHALE_STATE_VALUE, 0), "k", "2");
    shale_state_backend_close(e->b);
    e->b = NULL;
    char **names = NULL;
    size_t n = 0;
    cr_assert_eq(shale_db_list_cf(NULL, e->dir, &names, &n, NULL), SHALE_OK);
    bool first = false, second = false;
    for (size_t i = 0; i < n; i++) {
        first |= strcmp(names[i], "first") == 0;
        second |= strcmp(names[i], "second") == 0;
    }
    shale_cf_names_free(names, n);
    cr_assert(first && second);
    env_open(e);
    expect_value(state(e, "second", SHALE_STATE_VALUE, 0), "k", "2");
    expect_value(state(e, "first", SHALE_STATE_VALUE, 0), "k", "1");
    shale_state_descriptor *d = shale_state_descriptor_new(LSM_TIMER_CF_EVENT, SHALE_STATE_VALUE);
    shale_state *st = NULL;
    cr_assert_eq(shale_state_get(e->b, d, &st, NULL), SHALE_INVALID_ARGUMENT);
    shale_state_descriptor_free(d);
    env_free(e);
}

Test(lsm_state, properties_and_memory_come_from_the_engine)
{
    env *e = env_new(false);
    shale_state *v = state(e, "v", SHALE_STATE_VALUE, 0);
    fill(v, "k", 100);
    cr_assert_eq(prop(v, "rocksdb.estimate-num-keys"), 100);
    cr_assert_gt(prop(v, "rocksdb.cur-size-all-mem-tables"), 100 * 200);
    cr_assert_eq(prop(v, "rocksdb.estimate-live-data-size"), 0);
    (void)prop(v, "rocksdb.estimate-pending-compaction-bytes");
    cr_assert_geq(shale_state_backend_memory_usage(e->b),
                  prop(v, "rocksdb.cur-size-all-mem-tables"));
    compact(e, v);
    cr_assert_gt(prop(v, "rocksdb.estimate-live-data-size"), 100 * 200);
    expect_value(v, "k00007", xs());
    cr_assert_gt(prop(v, "rocksdb.block-cache-usage"), 0);
    cr_assert_geq(shale_state_backend_memory_usage(e->b), prop(v, "rocksdb.block-cache-usage"));
    env_free(e);
}

Test(lsm_state, the_memory_budget_caps_the_shared_cache_and_the_memtables)
{
    env *e = calloc(1, sizeof *e);
    e->dir = test_tmpdir("lsmstate");
    atomic_init(&e->now, 1000000);
    e->budget = 2u << 20;                      /* 1 MiB cache, 1 MiB of memtables */
    env_open(e);
    shale_state *st[8];
    char name[16], prefix[16];
    for (int i = 0; i < 8; i++) {
        snprintf(name, sizeof name, "s%d", i);
        st[i] = state(e, name, SHALE_STATE_VALUE, 0);
        cr_assert_eq(prop(st[i], "rocksdb.block-cache-capacity"), 1u << 20, "one cache for all");
    }
    /* ~200 KB per state: under each family's own buffer (256 KiB), 1.6 MB
     * in all: only the backend-wide budget flushes. */
    for (int i = 0; i < 8; i++) {
        snprintf(prefix, sizeof prefix, "p%d-", i);
        fill(st[i], prefix, 850);
    }
    cr_assert_eq(shale_wait_for_compact(lsm_backend_db(e->b), NULL), SHALE_OK);
    uint64_t mem = 0;
    for (int i = 0; i < 8; i++)
        mem += prop(st[i], "rocksdb.cur-size-all-mem-tables");
    cr_log_info("memtables: %llu bytes", (unsigned long long)mem);
    cr_assert_leq(mem, (1u << 20) + (256u << 10), "memtables hold %llu bytes",
                  (unsigned long long)mem);
    expect_value(st[0], "p0-00000", xs());
    expect_value(st[7], "p7-00849", xs());
    env_free(e);
}
