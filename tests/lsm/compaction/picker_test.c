/* tests/lsm/compaction/picker_test.c: leveled compaction picks on
 * hand-built versions.  Expected picks are worked out by hand from RocksDB
 * 7.8.3's rules (compaction_picker_level.cc, kMinOverlappingRatio): the L0
 * trigger, the overlapping-ratio file order, clean-cut expansion, trivial
 * moves, manual ranges, and the being_compacted bookkeeping. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/compaction/picker.h"
#include "lsm/util/buf.h"
#include "lsm/util/ikey.h"
#include "lsm/version/version.h"
#include "lsm/version/version_edit.h"

static version_cf_options g_opts;
static compaction_picker g_picker;

static void setup(void)
{
    version_cf_options_default(&g_opts);
    g_opts.max_bytes_for_level_base = 10000;
    g_opts.target_file_size_base = 1000;
    picker_init(&g_picker, &g_opts);
}

static void teardown(void) { picker_deinit(&g_picker); }

TestSuite(picker, .init = setup, .fini = teardown);

/* [lo@lseq .. hi@sseq] */
static void add(version_edit *ve, int level, uint64_t number, const char *lo, uint64_t lo_seq,
                const char *hi, uint64_t hi_seq, uint64_t size)
{
    shale_buf s = SHALE_BUF_INIT, l = SHALE_BUF_INIT;
    shale_buf_append_str(&s, lo);
    shale_buf_put_fixed64(&s, ikey_pack(lo_seq, VT_VALUE));
    shale_buf_append_str(&l, hi);
    shale_buf_put_fixed64(&l, ikey_pack(hi_seq, VT_VALUE));
    ve_file_meta m;
    memset(&m, 0, sizeof m);
    m.level = level;
    m.number = number;
    m.size = size;
    m.smallest = shale_buf_slice(&s);
    m.largest = shale_buf_slice(&l);
    m.smallest_seqno = lo_seq < hi_seq ? lo_seq : hi_seq;
    m.largest_seqno = lo_seq < hi_seq ? hi_seq : lo_seq;
    cr_assert_eq(version_edit_add_file(ve, &m, NULL), SHALE_OK);
    shale_buf_deinit(&s);
    shale_buf_deinit(&l);
}

static version *build(version_edit *ve)
{
    version_builder *b;
    version *v;
    shale_err err = {0};
    cr_assert_eq(version_builder_new(NULL, &g_opts, &b, NULL), SHALE_OK);
    cr_assert_eq(version_builder_apply(b, ve, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(version_builder_finish(b, &v, &err), SHALE_OK, "%s", err.msg);
    version_builder_free(b);
    version_edit_deinit(ve);
    return v;
}

/* Numbers of a list, sorted, as "a b c". */
static void numbers(const file_list *l, char *out, size_t n)
{
    uint64_t tmp[64];
    size_t k = l->n < 64 ? l->n : 64, used = 0;
    for (size_t i = 0; i < k; i++)
        tmp[i] = l->files[i]->number;
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && tmp[j - 1] > tmp[j]; j--) {
            uint64_t t = tmp[j];
            tmp[j] = tmp[j - 1];
            tmp[j - 1] = t;
        }
    out[0] = 0;
    for (size_t i = 0; i < k; i++)
        used += (size_t)snprintf(out + used, n - used, i ? " %" PRIu64 : "%" PRIu64, tmp[i]);
}

static void expect_inputs(const compaction *c, const char *start, const char *output)
{
    char got[256];
    numbers(&c->inputs[0], got, sizeof got);
    cr_assert_str_eq(got, start);
    numbers(&c->inputs[1], got, sizeof got);
    cr_assert_str_eq(got, output);
}

static compaction *pick(version *v)
{
    compaction *c = NULL;
    cr_assert_eq(picker_pick(&g_picker, v, &c, NULL), SHALE_OK);
    return c;
}

Test(picker, four_l0_files_pick_l0_to_l1_with_overlapping_l1_files)
{
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 0, 10, "c", 10, "e", 11, 100);  /* oldest: overlaps L1 #21 */
    add(&ve, 0, 11, "d", 12, "g", 13, 100);
    add(&ve, 0, 12, "a", 14, "b", 15, 100);
    add(&ve, 0, 13, "f", 16, "h", 17, 100);
    add(&ve, 1, 20, "a", 1, "a", 1, 100);
    add(&ve, 1, 21, "c", 2, "d", 2, 100);
    add(&ve, 1, 22, "x", 3, "z", 3, 100);
    version *v = build(&ve);
    cr_assert(picker_needs_compaction(v));
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert_eq(c->start_level, 0);
    cr_assert_eq(c->output_level, 1);
    /* Every L0 file joins (a..b via the range a..h), and the L1 files in
     * a..h: 20 and 21, not 22. */
    expect_inputs(c, "10 11 12 13", "20 21");
    cr_assert(!c->trivial_move);
    cr_assert(c->bottommost);
    cr_assert_eq(c->max_output_file_size, 1000);
    cr_assert_eq(c->max_compaction_bytes, 25000);
    cr_assert(v->files[0][0]->being_compacted);
    /* L0 is busy now: its score drops and no second L0 pick happens. */
    cr_assert(!picker_needs_compaction(v));
    cr_assert_null(pick(v));
    picker_release(&g_picker, c, v);
    for (size_t i = 0; i < v->n_files[0]; i++)
        cr_assert(!v->files[0][i]->being_compacted);
    cr_assert(picker_needs_compaction(v));
    version_unref(v);
}

Test(picker, oldest_l0_files_disjoint_from_l1_move_trivially)
{
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 0, 10, "a", 10, "b", 11, 100);  /* oldest */
    add(&ve, 0, 11, "c", 12, "d", 13, 100);
    add(&ve, 0, 12, "m", 14, "p", 15, 100);  /* overlaps L1 */
    add(&ve, 0, 13, "q", 16, "r", 17, 100);
    add(&ve, 1, 20, "n", 1, "o", 1, 100);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_inputs(c, "10 11", "");
    cr_assert(c->trivial_move);
    cr_assert_lt(ikey_compare(file_meta_smallest(c->inputs[0].files[0]),
                              file_meta_smallest(c->inputs[0].files[1])), 0);
    picker_release(&g_picker, c, v);
    version_unref(v);
}

Test(picker, oversized_l1_picks_the_file_with_the_smallest_overlap_ratio)
{
    version_edit ve;
    version_edit_init(&ve);
    /* L1 = 12000 bytes > 10000.  Overlap ratios (bytes in L2 * 1024 / own):
     * #20: 8000*1024/4000 = 2048, #21: 1000*1024/4000 = 256,
     * #22: 6000*1024/4000 = 1536.  #21 wins. */
    add(&ve, 1, 20, "a", 1, "c", 1, 4000);
    add(&ve, 1, 21, "d", 1, "f", 1, 4000);
    add(&ve, 1, 22, "g", 1, "i", 1, 4000);
    add(&ve, 2, 30, "a", 0, "b", 0, 8000);
    add(&ve, 2, 31, "e", 0, "e", 0, 1000);
    add(&ve, 2, 32, "h", 0, "h", 0, 6000);
    add(&ve, 3, 40, "e", 0, "z", 0, 10);
    version *v = build(&ve);
    cr_assert_eq(v->compaction_level[0], 1);
    cr_assert_float_eq(v->compaction_score[0], 1.2, 1e-9);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert_eq(c->start_level, 1);
    cr_assert_eq(c->output_level, 2);
    expect_inputs(c, "21", "31");
    cr_assert(!c->trivial_move);
    cr_assert(!c->bottommost);             /* #40 in L3 meets d..f */
    char got[64];
    numbers(&c->grandparents, got, sizeof got);
    cr_assert_str_eq(got, "40");
    cr_assert_float_eq(c->score, 1.2, 1e-9);
    picker_release(&g_picker, c, v);
    version_unref(v);
}

Test(picker, clean_cut_pulls_in_files_sharing_a_boundary_user_key)
{
    version_edit ve;
    version_edit_init(&ve);
    /* #20 ends at k@5, #21 starts at k@4: the same user key k. */
    add(&ve, 1, 20, "a", 9, "k", 5, 6000);
    add(&ve, 1, 21, "k", 4, "p", 3, 6000);
    add(&ve, 1, 22, "x", 1, "y", 1, 6000);
    add(&ve, 2, 30, "x", 0, "y", 0, 60000);  /* makes #22 the worst choice */
    add(&ve, 2, 31, "b", 0, "b", 0, 100);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_inputs(c, "20 21", "31");
    picker_release(&g_picker, c, v);
    version_unref(v);
}

Test(picker, l1_file_without_overlap_below_is_a_trivial_move)
{
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 1, 20, "a", 1, "b", 1, 6000);  /* ratio 0 */
    add(&ve, 1, 21, "c", 1, "d", 1, 6000);
    add(&ve, 2, 30, "c", 0, "d", 0, 100);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_inputs(c, "20", "");  /* #21 would bring #30: not extended */
    cr_assert(c->trivial_move);
    cr_assert(c->bottommost);
    picker_release(&g_picker, c, v);
    version_unref(v);
}

Test(picker, start_level_grows_when_the_output_set_does_not)
{
    version_edit ve;
    version_edit_init(&ve);
    /* Ratios: #20 4000*1024/5000 = 819, #21 1000*1024/5000 = 204, #22
     * 10000*1024/5000 = 2048: #21 is picked; L2 gives #31 (c..f), and no
     * other L1 file lies in c..f, so the start level stays {#21}. */
    add(&ve, 1, 20, "a", 1, "b", 1, 5000);
    add(&ve, 1, 21, "d", 1, "e", 1, 5000);
    add(&ve, 1, 22, "g", 1, "h", 1, 5000);
    add(&ve, 2, 30, "a", 0, "a", 0, 4000);
    add(&ve, 2, 31, "c", 0, "f", 0, 1000);
    add(&ve, 2, 32, "g", 0, "h", 0, 10000);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_inputs(c, "21", "31");
    picker_release(&g_picker, c, v);

    /* With #31 spanning c..i, #22 (g..h) lies inside the range and adding
     * it leaves the L2 set {#31} unchanged: the start level grows. */
    version_unref(v);
    version_edit_init(&ve);
    add(&ve, 1, 20, "a", 1, "b", 1, 5000);
    add(&ve, 1, 21, "d", 1, "e", 1, 5000);
    add(&ve, 1, 22, "g", 1, "h", 1, 5000);
    add(&ve, 2, 30, "a", 0, "a", 0, 40000);
    add(&ve, 2, 31, "c", 0, "i", 0, 1000);
    v = build(&ve);
    c = pick(v);
    cr_assert_not_null(c);
    expect_inputs(c, "21 22", "31");
    picker_release(&g_picker, c, v);
    version_unref(v);
}

Test(picker, manual_range_runs_level_by_level)
{
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 0, 10, "b", 20, "c", 21, 100);
    add(&ve, 1, 20, "a", 1, "b", 1, 100);
    add(&ve, 1, 21, "d", 1, "e", 1, 100);
    add(&ve, 1, 22, "x", 1, "y", 1, 100);
    add(&ve, 2, 30, "d", 0, "d", 0, 100);
    add(&ve, 2, 31, "q", 0, "r", 0, 100);
    version *v = build(&ve);
    slice b = slice_from_str("b"), e = slice_from_str("e");
    int first, last;
    cr_assert(picker_manual_levels(v, &b, &e, &first, &last));
    cr_assert_eq(first, 0);
    cr_assert_eq(last, 2);
    slice q = slice_from_str("zz");
    cr_assert(!picker_manual_levels(v, &q, NULL, &first, &last));

    compaction *c = NULL;
    shale_buf next = SHALE_BUF_INIT;
    bool conflict;
    cr_assert_eq(picker_compact_range(&g_picker, v, 1, 2, &b, &e, &c, &next, &conflict, NULL),
                 SHALE_OK);
    cr_assert_not_null(c);
    cr_assert(c->manual);
    cr_assert_float_eq(c->score, -1, 1e-9);
    expect_inputs(c, "20 21", "30");
    cr_assert_eq(next.len, 0);
    /* The same range again conflicts while the first runs. */
    compaction *c2 = NULL;
    cr_assert_eq(picker_compact_range(&g_picker, v, 1, 2, &b, &e, &c2, &next, &conflict, NULL),
                 SHALE_OK);
    cr_assert_null(c2);
    cr_assert(conflict);
    picker_release(&g_picker, c, v);

    /* L0 -> L1 over b..e: #10, with L1 files meeting b..c. */
    cr_assert_eq(picker_compact_range(&g_picker, v, 0, 1, &b, &e, &c, &next, &conflict, NULL),
                 SHALE_OK);
    cr_assert_not_null(c);
    expect_inputs(c, "10", "20");
    picker_release(&g_picker, c, v);
    /* Nothing in range: no compaction, no conflict. */
    cr_assert_eq(picker_compact_range(&g_picker, v, 1, 2, &q, NULL, &c, &next, &conflict, NULL),
                 SHALE_OK);
    cr_assert_null(c);
    cr_assert(!conflict);
    shale_buf_deinit(&next);
    version_unref(v);
}

Test(picker, manual_range_stops_at_max_compaction_bytes)
{
    g_picker.opts.max_compaction_bytes = 2500;
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 1, 20, "a", 1, "b", 1, 1000);
    add(&ve, 1, 21, "c", 1, "d", 1, 1000);
    add(&ve, 1, 22, "e", 1, "f", 1, 1000);
    add(&ve, 1, 23, "g", 1, "h", 1, 1000);
    version *v = build(&ve);
    compaction *c = NULL;
    shale_buf next = SHALE_BUF_INIT;
    bool conflict;
    cr_assert_eq(picker_compact_range(&g_picker, v, 1, 2, NULL, NULL, &c, &next, &conflict, NULL),
                 SHALE_OK);
    cr_assert_not_null(c);
    /* 1000, 2000, 3000 >= 2500 at the third file: three files, then e..f's
     * successor g starts the next round. */
    expect_inputs(c, "20 21 22", "");
    cr_assert_gt(next.len, 8);
    cr_assert(slice_equal(ikey_user_key(shale_buf_slice(&next)), slice_from_str("g")));
    picker_release(&g_picker, c, v);
    shale_buf_deinit(&next);
    version_unref(v);
}

Test(picker, target_file_size_grows_with_the_multiplier)
{
    version_cf_options o;
    version_cf_options_default(&o);
    o.target_file_size_base = 1000;
    o.target_file_size_multiplier = 2;
    cr_assert_eq(picker_target_file_size(&o, 0), 1000);
    cr_assert_eq(picker_target_file_size(&o, 1), 1000);
    cr_assert_eq(picker_target_file_size(&o, 3), 4000);
    cr_assert_eq(version_max_compaction_bytes(&o), 25000);
}

Test(picker, input_deletions_name_every_input)
{
    version_edit ve;
    version_edit_init(&ve);
    for (int i = 0; i < 4; i++)
        add(&ve, 0, (uint64_t)(10 + i), "a", (uint64_t)(10 + 2 * i), "b",
            (uint64_t)(11 + 2 * i), 100);
    add(&ve, 1, 20, "a", 1, "c", 1, 100);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    version_edit out;
    version_edit_init(&out);
    cr_assert_eq(compaction_add_input_deletions(c, &out, NULL), SHALE_OK);
    cr_assert_eq(out.n_deleted, 5);
    cr_assert_eq(out.deleted[0].level, 0);
    cr_assert_eq(out.deleted[4].level, 1);
    cr_assert_eq(out.deleted[4].number, 20);
    version_edit_deinit(&out);
    picker_release(&g_picker, c, v);
    version_unref(v);
}
