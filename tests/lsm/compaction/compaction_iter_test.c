/* tests/lsm/compaction/compaction_iter_test.c: the compaction iterator.
 * The real invariant, checked on thousands of random histories (puts,
 * deletes, merges, single deletes under their contract, range tombstones)
 * with random snapshots, bottommost or not, with or without zeroing:
 * reading the output (points plus the tombstones written by rd_agg_emit)
 * at every live snapshot and at the latest gives the same answer for
 * every key as reading the input.  Plus: output order, one entry per
 * stripe without merges, the statistics adding up, and the named rules. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/compaction/compaction_iter.h"
#include "lsm/table/merge_iter.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"
#include "tests/support/vec_iter.h"

static int add_tomb(void *arg, const rd_tombstone *t, shale_err *err)
{
    (void)err;
    char b[MODEL_KEY_MAX], e[MODEL_KEY_MAX];
    snprintf(b, sizeof b, "%.*s", (int)t->begin.len, t->begin.data);
    snprintf(e, sizeof e, "%.*s", (int)t->end.len, t->end.data);
    model_add_tomb(arg, b, e, t->seq);
    return SHALE_OK;
}

typedef struct run {
    uint64_t snaps[8];
    size_t ns;
    bool bottom, zero;
    compaction_iter_stats st;
} run;

/* Compacts m (dealt into a few sources, merged) into out. */
static void compact(const model *m, run *r, model *out, unsigned *s)
{
    iter *kids[4];
    size_t nk = 1 + model_rand(s) % 4;
    model_split(m, kids, nk, s);
    iter *in = merge_iter_new(kids, nk, NULL);
    rd_agg *rd = model_rd(m, MAX_SEQUENCE);
    compaction_iter_options o = {r->snaps, r->ns, r->bottom, r->zero, rd};
    compaction_iter *c;
    cr_assert_eq(compaction_iter_new(in, &o, &c, NULL), SHALE_OK);
    char prev[MODEL_KEY_MAX + 8];
    size_t prev_len = 0;
    for (; compaction_iter_valid(c); compaction_iter_next(c)) {
        slice k = compaction_iter_key(c);
        parsed_ikey pk = {0};
        cr_assert(ikey_parse(k, &pk));
        if (prev_len > 0)
            cr_assert_lt(ikey_compare(slice_make(prev, prev_len), k), 0, "output out of order");
        memcpy(prev, k.data, k.len);
        prev_len = k.len;
        char key[MODEL_KEY_MAX], val[MODEL_VAL_MAX];
        snprintf(key, sizeof key, "%.*s", (int)pk.user_key.len, pk.user_key.data);
        snprintf(val, sizeof val, "%.*s", (int)compaction_iter_value(c).len, compaction_iter_value(c).data);
        model_add(out, key, pk.seq, pk.type, val);
    }
    cr_assert_eq(compaction_iter_status(c, NULL), SHALE_OK);
    r->st = *compaction_iter_get_stats(c);
    cr_assert_eq(rd_agg_emit(rd, r->snaps, r->ns, r->bottom, NULL, NULL, add_tomb, out, NULL, NULL),
                 SHALE_OK);
    compaction_iter_free(c);
    iter_free(in);
    rd_agg_free(rd);
}

static size_t stripe(const run *r, uint64_t seq)
{
    size_t i = 0;
    while (i < r->ns && r->snaps[i] < seq)
        i++;
    return i;
}

static void check_case(unsigned seed)
{
    unsigned s = seed;
    model m = {0}, out = {0};
    bool merges = model_rand(&s) % 2;
    model_gen g = {.nkeys = 2 + (int)(model_rand(&s) % 20), .nops = (int)(model_rand(&s) % 150),
                   .tomb_pct = (int)(model_rand(&s) % 15), .del_pct = 20,
                   .merge_pct = merges ? 25 : 0, .single_deletes = model_rand(&s) % 2};
    model_generate(&m, &g, &s);
    run r = {.bottom = model_rand(&s) % 2};
    r.zero = r.bottom && model_rand(&s) % 2;
    for (uint64_t q = 1; q <= m.max_seq && r.ns < 6; q++)
        if (model_rand(&s) % 20 == 0)
            r.snaps[r.ns++] = q;
    out.nkeys = m.nkeys;
    compact(&m, &r, &out, &s);

    const compaction_iter_stats *st = &r.st;
    cr_assert_eq(st->input, m.n, "seed %u", seed);
    cr_assert_eq(st->output, out.n, "seed %u", seed);
    cr_assert_eq(st->input, st->output + st->dropped_obsolete + st->dropped_range_del +
                                st->dropped_tombstones, "seed %u: drops do not add up", seed);
    for (size_t i = 0; i < out.n; i++) {
        const model_entry *e = &out.e[i];
        if (r.bottom && (r.ns == 0 || e->seq <= r.snaps[0]))
            cr_assert(e->type != VT_DELETION && e->type != VT_SINGLE_DELETION,
                      "seed %u: bottom tombstone %s@%llu kept", seed, e->key, (unsigned long long)e->seq);
        if (r.zero && e->type == VT_VALUE)
            cr_assert(e->seq == 0 || (r.ns > 0 && e->seq > r.snaps[0]), "seed %u: not zeroed", seed);
        /* Without merges a stripe keeps at most one entry of a key, besides
         * SingleDeletes kept for a Put in an older stripe (rule 5). */
        if (!merges && i > 0 && strcmp(out.e[i - 1].key, e->key) == 0 &&
            e->type != VT_SINGLE_DELETION)
            cr_assert_neq(stripe(&r, out.e[i - 1].seq), stripe(&r, e->seq), "seed %u: %s twice in a stripe",
                          seed, e->key);
    }
    uint64_t reads[8];
    memcpy(reads, r.snaps, r.ns * sizeof *reads);
    reads[r.ns] = MAX_SEQUENCE;
    for (size_t ri = 0; ri <= r.ns; ri++) {
        for (int k = 0; k < g.nkeys; k++) {
            char key[MODEL_KEY_MAX], a[512], b[512];
            model_key(key, k);
            int fa = model_read(&m, key, reads[ri], a, sizeof a);
            int fb = model_read(&out, key, reads[ri], b, sizeof b);
            cr_assert_eq(fa, fb, "seed %u key %s read %llu: found %d vs %d (%s / %s)", seed, key,
                         (unsigned long long)reads[ri], fa, fb, fa ? a : "-", fb ? b : "-");
            if (fa)
                cr_assert_str_eq(a, b, "seed %u key %s read %llu", seed, key, (unsigned long long)reads[ri]);
        }
    }
    model_free(&m);
    model_free(&out);
}

Test(compaction_iter, reading_the_output_at_every_snapshot_matches_reading_the_input)
{
    for (unsigned seed = 1; seed <= 4000; seed++)
        check_case(seed);
}

/* --- the named rules, on small hand-made histories ----------------------- */

typedef struct hist {
    model m;
    model out;
    run r;
} hist;

static void compact_hist(hist *h)
{
    unsigned s = 1;
    h->out.nkeys = h->m.nkeys;
    compact(&h->m, &h->r, &h->out, &s);
}

Test(compaction_iter, older_versions_in_the_same_stripe_are_dropped_and_a_snapshot_keeps_its_own)
{
    hist h = {.r = {.snaps = {2}, .ns = 1}};
    model_add(&h.m, "a", 1, VT_VALUE, "v1");
    model_add(&h.m, "a", 2, VT_VALUE, "v2");
    model_add(&h.m, "a", 3, VT_VALUE, "v3");
    model_add(&h.m, "a", 4, VT_VALUE, "v4");
    compact_hist(&h);
    cr_assert_eq(h.out.n, 2);
    cr_assert_eq(h.out.e[0].seq, 4);
    cr_assert_eq(h.out.e[1].seq, 2);
    cr_assert_eq(h.r.st.dropped_obsolete, 2);
    model_free(&h.m);
    model_free(&h.out);
}

Test(compaction_iter, single_delete_meeting_its_put_in_one_stripe_drops_both)
{
    hist h = {0};
    model_add(&h.m, "a", 5, VT_SINGLE_DELETION, "");
    model_add(&h.m, "a", 3, VT_VALUE, "v");
    model_add(&h.m, "b", 2, VT_VALUE, "w");
    compact_hist(&h);
    cr_assert_eq(h.out.n, 1);
    cr_assert_str_eq(h.out.e[0].key, "b");
    cr_assert_eq(h.r.st.single_del_pairs, 1);
    model_free(&h.m);
    model_free(&h.out);
}

Test(compaction_iter, single_delete_with_its_put_behind_a_snapshot_is_kept_unless_bottommost)
{
    hist h = {.r = {.snaps = {4}, .ns = 1}};
    model_add(&h.m, "a", 5, VT_SINGLE_DELETION, "");
    model_add(&h.m, "a", 3, VT_VALUE, "v");
    compact_hist(&h);
    cr_assert_eq(h.out.n, 2);
    cr_assert_eq(h.out.e[0].type, VT_SINGLE_DELETION);
    model_free(&h.out);
    hist b = {.r = {.bottom = true}};
    model_add(&b.m, "a", 5, VT_SINGLE_DELETION, "");
    model_add(&b.m, "b", 3, VT_VALUE, "v");
    compact_hist(&b);
    cr_assert_eq(b.out.n, 1);
    cr_assert_eq(b.r.st.dropped_tombstones, 1);
    model_free(&h.m);
    model_free(&b.m);
    model_free(&b.out);
}

Test(compaction_iter, bottommost_drops_earliest_stripe_deletes_and_zeroes_put_seqnums)
{
    hist h = {.r = {.snaps = {3}, .ns = 1, .bottom = true, .zero = true}};
    model_add(&h.m, "a", 2, VT_DELETION, "");
    model_add(&h.m, "a", 1, VT_VALUE, "old");
    model_add(&h.m, "b", 5, VT_DELETION, "");
    model_add(&h.m, "b", 3, VT_VALUE, "bv");
    model_add(&h.m, "c", 6, VT_VALUE, "cv");
    compact_hist(&h);
    cr_assert_eq(h.out.n, 3);
    cr_assert_str_eq(h.out.e[0].key, "b");
    cr_assert_eq(h.out.e[0].type, VT_DELETION);  /* above the snapshot: kept */
    cr_assert_eq(h.out.e[1].seq, 0);             /* b@3: zeroed, type kept */
    cr_assert_eq(h.out.e[1].type, VT_VALUE);
    cr_assert_eq(h.out.e[2].seq, 6);             /* c@6: newer than the snapshot */
    cr_assert_eq(h.r.st.dropped_tombstones, 1);
    cr_assert_eq(h.r.st.seq_zeroed, 1);
    model_free(&h.m);
    model_free(&h.out);
}

Test(compaction_iter, a_put_under_a_range_tombstone_of_its_stripe_is_dropped)
{
    hist h = {.r = {.snaps = {4}, .ns = 1}};
    model_add(&h.m, "b", 3, VT_VALUE, "under-snapshot");
    model_add(&h.m, "c", 6, VT_VALUE, "covered");
    model_add_tomb(&h.m, "a", "d", 8);
    compact_hist(&h);
    cr_assert_eq(h.out.n, 1);
    cr_assert_str_eq(h.out.e[0].key, "b");
    cr_assert_eq(h.r.st.dropped_range_del, 1);
    model_free(&h.m);
    model_free(&h.out);
}

Test(compaction_iter, merge_operands_pass_through_with_their_base)
{
    hist h = {0};
    model_add(&h.m, "a", 4, VT_MERGE, "m4");
    model_add(&h.m, "a", 3, VT_MERGE, "m3");
    model_add(&h.m, "a", 2, VT_VALUE, "base");
    model_add(&h.m, "a", 1, VT_VALUE, "old");
    compact_hist(&h);
    cr_assert_eq(h.out.n, 3);
    cr_assert_eq(h.out.e[2].seq, 2);
    cr_assert_eq(h.r.st.dropped_obsolete, 1);
    model_free(&h.m);
    model_free(&h.out);
}

Test(compaction_iter, an_unparseable_key_is_corruption_and_snapshots_must_ascend)
{
    slice k = slice_from_str("abc"), v = slice_from_str("");
    iter *in = vec_iter_new(&k, &v, 1);
    compaction_iter_options o = {0};
    compaction_iter *c;
    cr_assert_eq(compaction_iter_new(in, &o, &c, NULL), SHALE_OK);
    cr_assert_not(compaction_iter_valid(c));
    cr_assert_eq(compaction_iter_status(c, NULL), SHALE_CORRUPTION);
    compaction_iter_free(c);
    uint64_t snaps[2] = {5, 5};
    o.snapshots = snaps;
    o.n_snapshots = 2;
    cr_assert_eq(compaction_iter_new(in, &o, &c, NULL), SHALE_INVALID_ARGUMENT);
    cr_assert_null(c);
    iter_free(in);
}
