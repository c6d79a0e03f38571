/* tests/lsm/compaction/range_del_test.c: the range-tombstone aggregator
 * against brute force over the tombstones as added: coverage queries,
 * snapshot filtering, and the fragments written for a compaction output
 * (per stripe, bottommost, truncated to the file's range). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/compaction/range_del.h"
#include "lsm/util/err.h"
#include "tests/support/vec_iter.h"

/* The largest seq in (above, max] of a model tombstone covering key. */
static uint64_t brute(const model_tomb *t, size_t n, const char *key, uint64_t above, uint64_t max)
{
    uint64_t best = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i].seq > above && t[i].seq <= max && t[i].seq > best &&
            strcmp(t[i].begin, key) <= 0 && strcmp(key, t[i].end) < 0)
            best = t[i].seq;
    return best;
}

/* Probe keys: every key of the space and one just after each. */
static void probe_key(char *out, int i)
{
    model_key(out, i / 2);
    if (i % 2)
        strcat(out, "x");
}

Test(range_del, coverage_queries_match_brute_force_at_random_snapshots)
{
    for (unsigned seed = 1; seed <= 1500; seed++) {
        unsigned s = seed;
        model m = {0};
        model_gen g = {.nkeys = 3 + (int)(model_rand(&s) % 25), .nops = (int)(model_rand(&s) % 40),
                       .tomb_pct = 100};
        model_generate(&m, &g, &s);
        uint64_t read = model_rand(&s) % (m.max_seq + 2);
        rd_agg *a = model_rd(&m, read);
        for (int i = 0; i < 2 * (g.nkeys + 5); i++) {
            char k[MODEL_KEY_MAX + 2];
            probe_key(k, i);
            slice ks = slice_from_str(k);
            cr_assert_eq(rd_max_covering_seq(a, ks), brute(m.t, m.nt, k, 0, read), "seed %u key %s", seed, k);
            uint64_t x = model_rand(&s) % (m.max_seq + 2), hi = model_rand(&s) % (m.max_seq + 2);
            cr_assert_eq(rd_covers(a, ks, x, hi), brute(m.t, m.nt, k, x, hi < read ? hi : read) != 0,
                         "seed %u key %s above %llu max %llu", seed, k, (unsigned long long)x,
                         (unsigned long long)hi);
            parsed_ikey pk = {ks, x, 1};
            cr_assert_eq(rd_should_delete(a, &pk), brute(m.t, m.nt, k, x, read) != 0);
        }
        /* Adding more after queries rebuilds the fragments. */
        rd_agg_add(a, slice_from_str("k000"), slice_from_str("k999"), 1, NULL);
        if (read >= 1)
            cr_assert_geq(rd_max_covering_seq(a, slice_from_str("k500")), 1);
        rd_agg_free(a);
        model_free(&m);
    }
}

typedef struct out {
    model_tomb t[4096];
    size_t n;
} out;

static int collect(void *arg, const rd_tombstone *t, shale_err *err)
{
    (void)err;
    out *o = arg;
    cr_assert_lt(o->n, 4096);
    model_tomb *d = &o->t[o->n++];
    snprintf(d->begin, sizeof d->begin, "%.*s", (int)t->begin.len, t->begin.data);
    snprintf(d->end, sizeof d->end, "%.*s", (int)t->end.len, t->end.data);
    d->seq = t->seq;
    return SHALE_OK;
}

/* Readers at every snapshot (and the latest) see the same deletions of
 * (key, seq) through the written fragments as through the input, for keys
 * in [lo, hi) and, at the bottommost level, seqs above the earliest
 * snapshot. */
static void check_emit(unsigned seed)
{
    unsigned s = seed;
    model m = {0};
    model_gen g = {.nkeys = 3 + (int)(model_rand(&s) % 20), .nops = (int)(model_rand(&s) % 40),
                   .tomb_pct = 100};
    model_generate(&m, &g, &s);
    uint64_t snaps[6];
    size_t ns = 0;
    for (uint64_t q = 1; q <= m.max_seq && ns < 5; q++)
        if (model_rand(&s) % 6 == 0)
            snaps[ns++] = q;
    bool bottom = model_rand(&s) % 2;
    char lo[MODEL_KEY_MAX], hi[MODEL_KEY_MAX];
    model_key(lo, (int)(model_rand(&s) % (unsigned)g.nkeys));
    model_key(hi, (int)(model_rand(&s) % (unsigned)(g.nkeys + 4)));
    bool bounded = model_rand(&s) % 2;
    slice los = slice_from_str(lo), his = slice_from_str(hi);
    rd_agg *a = model_rd(&m, MAX_SEQUENCE);
    static out o;
    o.n = 0;
    rd_output_stats st = {0};
    cr_assert_eq(rd_agg_emit(a, snaps, ns, bottom, bounded ? &los : NULL, bounded ? &his : NULL,
                             collect, &o, &st, NULL), SHALE_OK);
    cr_assert_eq(st.written, o.n);
    for (size_t i = 0; i < o.n; i++) {
        cr_assert_lt(strcmp(o.t[i].begin, o.t[i].end), 0);
        if (bounded)
            cr_assert(strcmp(o.t[i].begin, lo) >= 0 && strcmp(o.t[i].end, hi) <= 0);
        if (bottom)
            cr_assert(ns > 0 && o.t[i].seq > snaps[0], "seed %u: earliest-stripe tombstone kept", seed);
        if (i > 0) {
            int c = strcmp(o.t[i - 1].begin, o.t[i].begin);
            cr_assert(c < 0 || (c == 0 && o.t[i - 1].seq > o.t[i].seq), "seed %u: order", seed);
            if (c < 0)
                cr_assert_leq(strcmp(o.t[i - 1].end, o.t[i].begin), 0, "seed %u: overlap", seed);
        }
    }
    uint64_t reads[7];
    memcpy(reads, snaps, ns * sizeof *snaps);
    reads[ns] = MAX_SEQUENCE;
    for (size_t r = 0; r <= ns; r++) {
        for (int i = 0; i < 2 * (g.nkeys + 5); i++) {
            char k[MODEL_KEY_MAX + 2];
            probe_key(k, i);
            if (bounded && (strcmp(k, lo) < 0 || strcmp(k, hi) >= 0))
                continue;
            for (uint64_t x = bottom ? (ns ? snaps[0] + 1 : MAX_SEQUENCE) : 0; x <= m.max_seq; x++)
                cr_assert_eq(brute(m.t, m.nt, k, x, reads[r]) != 0, brute(o.t, o.n, k, x, reads[r]) != 0,
                             "seed %u key %s seq %llu read %llu", seed, k, (unsigned long long)x,
                             (unsigned long long)reads[r]);
        }
    }
    rd_agg_free(a);
    model_free(&m);
}

Test(range_del, written_fragments_delete_the_same_keys_at_every_snapshot)
{
    for (unsigned seed = 1; seed <= 1500; seed++)
        check_emit(seed);
}

Test(range_del, one_stripe_keeps_only_the_newest_tombstone_and_bottommost_drops_the_earliest)
{
    rd_agg *a = rd_agg_new(MAX_SEQUENCE);
    cr_assert_eq(rd_agg_add(a, slice_from_str("a"), slice_from_str("c"), 10, NULL), SHALE_OK);
    cr_assert_eq(rd_agg_add(a, slice_from_str("a"), slice_from_str("c"), 8, NULL), SHALE_OK);
    cr_assert_eq(rd_agg_add(a, slice_from_str("b"), slice_from_str("d"), 3, NULL), SHALE_OK);
    cr_assert_eq(rd_agg_add(a, slice_from_str("z"), slice_from_str("a"), 9, NULL), SHALE_OK); /* empty */
    cr_assert_eq(rd_agg_count(a), 3);
    static out o;
    o.n = 0;
    uint64_t snap = 5;
    rd_output_stats st = {0};
    cr_assert_eq(rd_agg_emit(a, &snap, 1, false, NULL, NULL, collect, &o, &st, NULL), SHALE_OK);
    /* [a,b):10  [b,c):10,3  [c,d):3  (8 hidden twice by 10 in stripe >5) */
    cr_assert_eq(o.n, 4);
    cr_assert_str_eq(o.t[0].begin, "a");
    cr_assert_eq(o.t[0].seq, 10);
    cr_assert_str_eq(o.t[2].begin, "b");
    cr_assert_eq(o.t[2].seq, 3);
    cr_assert_eq(st.dropped_hidden, 2);
    o.n = 0;
    st = (rd_output_stats){0};
    cr_assert_eq(rd_agg_emit(a, &snap, 1, true, NULL, NULL, collect, &o, &st, NULL), SHALE_OK);
    cr_assert_eq(o.n, 2);
    cr_assert_eq(st.dropped_obsolete, 2);
    rd_agg_free(a);
}

Test(range_del, add_iter_reads_range_deletion_entries_and_rejects_other_types)
{
    char k1[9] = "a", k2[9] = "b";
    enc_fixed64(k1 + 1, ikey_pack(7, VT_RANGE_DELETION));
    enc_fixed64(k2 + 1, ikey_pack(4, VT_VALUE));
    slice keys[2] = {slice_make(k1, 9), slice_make(k2, 9)};
    slice vals[2] = {slice_from_str("m"), slice_from_str("c")};
    iter *good = vec_iter_new(keys, vals, 1);
    rd_agg *a = rd_agg_new(MAX_SEQUENCE);
    cr_assert_eq(rd_agg_add_iter(a, good, NULL), SHALE_OK);
    cr_assert_eq(rd_max_covering_seq(a, slice_from_str("f")), 7);
    cr_assert_eq(rd_max_covering_seq(a, slice_from_str("m")), 0);
    iter *bad = vec_iter_new(keys, vals, 2);
    shale_err e = {0};
    cr_assert_eq(rd_agg_add_iter(a, bad, &e), SHALE_CORRUPTION);
    iter_free(good);
    iter_free(bad);
    rd_agg_free(a);
}
