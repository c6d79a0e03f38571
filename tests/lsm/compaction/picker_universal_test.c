/* tests/lsm/compaction/picker_universal_test.c: universal compaction picks
 * on hand-built versions.  Each expected pick is worked out by hand in the
 * comment above it from RocksDB 7.8.3's rules
 * (compaction_picker_universal.cc): sorted runs, the size-amplification,
 * size-ratio and sorted-run-count triggers in that order, the output level,
 * compression_size_percent, trivial moves and being_compacted.
 * Options unless a test says otherwise: trigger 4, size_ratio 1,
 * min_merge_width 2, max_merge_width UINT_MAX, max_size_amplification 200,
 * stop_style total size, num_levels 7. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lsm/compaction/picker.h"
#include "lsm/util/buf.h"
#include "lsm/util/ikey.h"
#include "lsm/version/version.h"
#include "lsm/version/version_edit.h"

static version_cf_options g_opts;
static compaction_picker g_picker;
static uint64_t g_seq;

static void setup(void)
{
    version_cf_options_default(&g_opts);
    g_opts.cstyle.style = COMPACTION_STYLE_UNIVERSAL;
    g_opts.target_file_size_base = 1000;
    g_seq = 1000;
}

static void teardown(void) { picker_deinit(&g_picker); }

TestSuite(universal, .init = setup, .fini = teardown);

/* Adds file `number` with user keys [lo, hi].  Files added later get
 * larger sequence numbers, so among L0 files the last added is newest. */
static void add(version_edit *ve, int level, uint64_t number, const char *lo, const char *hi,
                uint64_t size)
{
    shale_buf s = SHALE_BUF_INIT, l = SHALE_BUF_INIT;
    uint64_t lo_seq = g_seq++, hi_seq = g_seq++;
    shale_buf_append_str(&s, lo);
    shale_buf_put_fixed64(&s, ikey_pack(hi_seq, VT_VALUE));
    shale_buf_append_str(&l, hi);
    shale_buf_put_fixed64(&l, ikey_pack(lo_seq, VT_VALUE));
    ve_file_meta m;
    memset(&m, 0, sizeof m);
    m.level = level;
    m.number = number;
    m.size = size;
    m.smallest = shale_buf_slice(&s);
    m.largest = shale_buf_slice(&l);
    m.smallest_seqno = lo_seq;
    m.largest_seqno = hi_seq;
    cr_assert_eq(version_edit_add_file(ve, &m, NULL), SHALE_OK);
    shale_buf_deinit(&s);
    shale_buf_deinit(&l);
}

/* Builds the version and starts the picker with g_opts as they are now. */
static version *build(version_edit *ve)
{
    version_builder *b;
    version *v;
    shale_err err = {0};
    picker_deinit(&g_picker);          /* a test may build twice */
    picker_init(&g_picker, &g_opts);
    cr_assert_eq(version_builder_new(NULL, &g_opts, &b, NULL), SHALE_OK);
    cr_assert_eq(version_builder_apply(b, ve, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(version_builder_finish(b, &v, &err), SHALE_OK, "%s", err.msg);
    version_builder_free(b);
    version_edit_deinit(ve);
    return v;
}

/* The numbers of a list in its order, as "a b c". */
static void numbers(const file_list *l, char *out, size_t n)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < l->n && used < n; i++)
        used += (size_t)snprintf(out + used, n - used, i ? " %" PRIu64 : "%" PRIu64,
                                 l->files[i]->number);
}

static void expect_level(const compaction *c, int level, const char *want)
{
    char got[256];
    cr_assert(level >= c->start_level && level - c->start_level < c->n_input_levels);
    numbers(&c->inputs[level - c->start_level], got, sizeof got);
    cr_assert_str_eq(got, want, "level %d: got '%s', want '%s'", level, got, want);
}

static compaction *pick(version *v)
{
    compaction *c = NULL;
    cr_assert_eq(picker_pick(&g_picker, v, &c, NULL), SHALE_OK);
    return c;
}

static void done(compaction *c, version *v)
{
    picker_release(&g_picker, c, v);
    version_unref(v);
}

Test(universal, fewer_runs_than_the_trigger_pick_nothing)
{
    /* 3 runs < trigger 4: score 3/4, no pick. */
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 0, 1, "a", "b", 100);
    add(&ve, 0, 2, "a", "b", 100);
    add(&ve, 6, 3, "a", "b", 100);
    version *v = build(&ve);
    cr_assert_float_eq(v->compaction_score[0], 0.75, 1e-9);
    cr_assert(!picker_needs_compaction(v));
    cr_assert_null(pick(v));
    version_unref(v);
}

Test(universal, score_counts_l0_files_and_non_empty_levels_as_runs)
{
    /* 2 L0 files + L3 + L6 = 4 runs: score 4/4 = 1; L0 holds two files, but
     * l0_delay_trigger_count counts the levels too. */
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, "a", "z", 1000);
    add(&ve, 3, 2, "a", "z", 500);
    add(&ve, 0, 3, "a", "b", 10);
    add(&ve, 0, 4, "a", "b", 10);
    version *v = build(&ve);
    cr_assert_float_eq(v->compaction_score[0], 1.0, 1e-9);
    cr_assert_eq(v->l0_delay_trigger_count, 4);
    cr_assert(picker_needs_compaction(v));
    cr_assert_eq(v->pending_compaction_bytes, 0);
    version_unref(v);
}

Test(universal, size_amplification_compacts_everything_into_the_last_level)
{
    /* Runs newest first: #4 100, #3 100, #2 100 (L0), L6 {#1} 100.
     * Size amp: newer runs 300, 300 * 100 >= 200 * 100 -> runs 0..3,
     * output the last level 6. */
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, "a", "z", 100);
    add(&ve, 0, 2, "a", "c", 100);
    add(&ve, 0, 3, "b", "d", 100);
    add(&ve, 0, 4, "c", "e", 100);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert_eq(c->reason, COMPACTION_REASON_UNIVERSAL_SIZE_AMPLIFICATION);
    cr_assert_eq(c->start_level, 0);
    cr_assert_eq(c->output_level, 6);
    cr_assert_eq(c->n_input_levels, 7);
    expect_level(c, 0, "4 3 2");
    expect_level(c, 6, "1");
    cr_assert_eq(compaction_num_input_files(c), 4);
    cr_assert(c->bottommost);
    cr_assert(c->enable_compression);
    cr_assert(!c->trivial_move);
    cr_assert(!c->deletion_compaction);
    cr_assert_eq(c->max_output_file_size, 1000);  /* target_file_size_base at L6 */
    for (int i = 0; i < c->n_input_levels; i++)
        for (size_t j = 0; j < c->inputs[i].n; j++)
            cr_assert(c->inputs[i].files[j]->being_compacted);
    done(c, v);
}

Test(universal, size_ratio_picks_similar_newest_runs_into_l0)
{
    /* Runs: #4 10, #3 10, #2 25 (L0), L6 {#1} 1000.  Size amp: 45 * 100 <
     * 200 * 1000, no.  Ratio 1%: 10 -> 10 <= 10.1 joins (20) -> 25 > 20.2
     * stops: 2 runs >= min width 2.  The next run #2 is an L0 file, so the
     * output is L0. */
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, "a", "z", 1000);
    add(&ve, 0, 2, "a", "b", 25);
    add(&ve, 0, 3, "a", "b", 10);
    add(&ve, 0, 4, "a", "b", 10);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert_eq(c->reason, COMPACTION_REASON_UNIVERSAL_SIZE_RATIO);
    cr_assert_eq(c->start_level, 0);
    cr_assert_eq(c->output_level, 0);
    cr_assert_eq(c->n_input_levels, 1);
    expect_level(c, 0, "4 3");
    cr_assert_eq(c->max_output_file_size, UINT64_MAX);  /* universal L0: no cap */
    cr_assert(!c->bottommost);   /* older #2 overlaps */
    cr_assert(c->enable_compression);
    done(c, v);
}

Test(universal, size_ratio_output_goes_just_above_the_next_run)
{
    /* Runs: #4 10, #3 10 (L0), L3 {#2} 15, L6 {#1} 1000.  Size amp: 35 <
     * 2000, no.  Ratio: 10, +10 (20), +15 <= 20.2 (35), 1000 > 35.35 stops:
     * 3 runs; the next run is L6, so the output is L5.  Inputs span L0..L5
     * with L3 filled. */
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, "a", "z", 1000);
    add(&ve, 3, 2, "a", "z", 15);
    add(&ve, 0, 3, "a", "b", 10);
    add(&ve, 0, 4, "a", "b", 10);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert_eq(c->reason, COMPACTION_REASON_UNIVERSAL_SIZE_RATIO);
    cr_assert_eq(c->output_level, 5);
    cr_assert_eq(c->n_input_levels, 6);
    expect_level(c, 0, "4 3");
    expect_level(c, 3, "2");
    expect_level(c, 5, "");
    cr_assert(!c->bottommost);   /* L6 overlaps */
    done(c, v);
}

Test(universal, similar_size_stop_style_stops_at_a_larger_run)
{
    /* Runs: #4 10, #3 10, #2 15 (L0), L6 1000.  Similar size: 10 -> 10
     * (10 <= 10.1 and 10 <= 10.1) joins, then 15 > 10 * 1.01 stops: 2 runs,
     * output L0.  (Total size would take 15 too, 15 <= 20.2.) */
    g_opts.cstyle.universal.stop_style = 0;
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, "a", "z", 1000);
    add(&ve, 0, 2, "a", "b", 15);
    add(&ve, 0, 3, "a", "b", 10);
    add(&ve, 0, 4, "a", "b", 10);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert_eq(c->output_level, 0);
    expect_level(c, 0, "4 3");
    done(c, v);
}

Test(universal, sorted_run_count_merges_when_ratios_never_match)
{
    /* Five L0 runs, newest first 1, 10, 100, 1000, 10000.  Size amp: 1111 *
     * 100 < 200 * 10000, no.  Ratio: every next run is > 1.01x, no.  Idle
     * runs 5 > trigger 4: at most 5 - 4 + 1 = 2 runs with an unbounded
     * ratio: #5 and #4, output L0 (the next run is an L0 file). */
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 0, 1, "a", "b", 10000);
    add(&ve, 0, 2, "a", "b", 1000);
    add(&ve, 0, 3, "a", "b", 100);
    add(&ve, 0, 4, "a", "b", 10);
    add(&ve, 0, 5, "a", "b", 1);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert_eq(c->reason, COMPACTION_REASON_UNIVERSAL_SORTED_RUN_NUM);
    cr_assert_eq(c->output_level, 0);
    expect_level(c, 0, "5 4");
    done(c, v);
}

Test(universal, min_merge_width_above_the_ratio_run_picks_nothing)
{
    /* The size-ratio state above (10, 10, 25, L6 1000) with min width 3:
     * the ratio run has only 2; 4 idle runs do not exceed the trigger. */
    g_opts.cstyle.universal.min_merge_width = 3;
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, "a", "z", 1000);
    add(&ve, 0, 2, "a", "b", 25);
    add(&ve, 0, 3, "a", "b", 10);
    add(&ve, 0, 4, "a", "b", 10);
    version *v = build(&ve);
    cr_assert_null(pick(v));
    version_unref(v);
}

Test(universal, a_running_compaction_keeps_its_runs_out_of_the_next_pick)
{
    /* Size-ratio state: the first pick takes #4 #3.  With them busy: size
     * amp starts at #2 (25 * 100 < 200000), ratio from #2 finds 1 run, and
     * 2 idle runs do not exceed the trigger: nothing.  Released, the same
     * pick is made again. */
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, "a", "z", 1000);
    add(&ve, 0, 2, "a", "b", 25);
    add(&ve, 0, 3, "a", "b", 10);
    add(&ve, 0, 4, "a", "b", 10);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert_float_eq(v->compaction_score[0], 0.5, 1e-9);  /* 2 idle runs / 4 */
    cr_assert_null(pick(v));
    picker_release(&g_picker, c, v);
    cr_assert(!v->files[0][0]->being_compacted);
    c = pick(v);
    cr_assert_not_null(c);
    expect_level(c, 0, "4 3");
    done(c, v);
}

Test(universal, size_amplification_skips_a_busy_newest_run)
{
    /* Runs: #4 100 (busy), #3 100, #2 100, L6 100.  Size amp starts at the
     * first idle run #3: newer 200, 200 * 100 >= 200 * 100 -> #3 #2 and L6
     * to L6; #4 stays out. */
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, "a", "z", 100);
    add(&ve, 0, 2, "a", "b", 100);
    add(&ve, 0, 3, "a", "b", 100);
    add(&ve, 0, 4, "a", "b", 100);
    version *v = build(&ve);
    v->files[0][0]->being_compacted = true;
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert_eq(c->reason, COMPACTION_REASON_UNIVERSAL_SIZE_AMPLIFICATION);
    expect_level(c, 0, "3 2");
    expect_level(c, 6, "1");
    picker_release(&g_picker, c, v);
    v->files[0][0]->being_compacted = false;
    version_unref(v);
}

Test(universal, a_busy_oldest_run_blocks_size_amplification)
{
    /* Same sizes with the L6 file busy: size amp refuses; ratio: 100 ->
     * 100 (200) -> 100 (300), L6 busy stops: runs #4 #3 #2, and the next
     * run is L6, so output L5. */
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, "x", "z", 100);
    add(&ve, 0, 2, "a", "b", 100);
    add(&ve, 0, 3, "a", "b", 100);
    add(&ve, 0, 4, "a", "b", 100);
    version *v = build(&ve);
    v->files[6][0]->being_compacted = true;
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert_eq(c->reason, COMPACTION_REASON_UNIVERSAL_SIZE_RATIO);
    cr_assert_eq(c->output_level, 5);
    expect_level(c, 0, "4 3 2");
    cr_assert(c->bottommost);   /* L6 holds x..z only */
    picker_release(&g_picker, c, v);
    v->files[6][0]->being_compacted = false;
    version_unref(v);
}

static compaction *pick_with_compression_percent(int percent, version **vout)
{
    /* Runs: #4 10, #3 10, #2 25 (L0), L6 100: size amp 45 * 100 < 20000;
     * ratio picks #4 #3 (25 > 20.2), so runs from index 2 on are older. */
    g_opts.cstyle.universal.compression_size_percent = percent;
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, "a", "z", 100);
    add(&ve, 0, 2, "a", "b", 25);
    add(&ve, 0, 3, "a", "b", 10);
    add(&ve, 0, 4, "a", "b", 10);
    *vout = build(&ve);
    compaction *c = pick(*vout);
    cr_assert_not_null(c);
    expect_level(c, 0, "4 3");
    return c;
}

Test(universal, output_is_uncompressed_when_older_runs_hold_the_percentage)
{
    /* Total 145.  From the oldest: L6 100, 100 * 100 >= 145 * 50 -> the
     * older runs already hold 50%: no compression. */
    version *v;
    compaction *c = pick_with_compression_percent(50, &v);
    cr_assert(!c->enable_compression);
    done(c, v);
}

Test(universal, output_is_compressed_while_older_runs_hold_less)
{
    /* 90%: 100 * 100 < 145 * 90 = 13050, then 125 * 100 = 12500 < 13050;
     * the older runs (#2, L6) never reach it: compress. */
    version *v;
    compaction *c = pick_with_compression_percent(90, &v);
    cr_assert(c->enable_compression);
    done(c, v);
}

Test(universal, one_level_keeps_everything_in_l0)
{
    /* num_levels 1, four L0 runs of 100: size amp 300 * 100 >= 200 * 100
     * -> all four, output num_levels - 1 = 0. */
    g_opts.num_levels = 1;
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 0, 1, "a", "b", 100);
    add(&ve, 0, 2, "a", "b", 100);
    add(&ve, 0, 3, "a", "b", 100);
    add(&ve, 0, 4, "a", "b", 100);
    version *v = build(&ve);
    cr_assert(picker_needs_compaction(v));
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert_eq(c->output_level, 0);
    expect_level(c, 0, "4 3 2 1");
    cr_assert(c->bottommost);
    done(c, v);
}

static compaction *pick_disjoint(bool allow, const char *l6_lo, version **vout)
{
    /* Size amp over L0 a..b, c..d, e..f and L6 {l6_lo..z}, all 100. */
    g_opts.cstyle.universal.allow_trivial_move = allow;
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, l6_lo, "z", 100);
    add(&ve, 0, 2, "a", "b", 100);
    add(&ve, 0, 3, "c", "d", 100);
    add(&ve, 0, 4, "e", "f", 100);
    *vout = build(&ve);
    compaction *c = pick(*vout);
    cr_assert_not_null(c);
    cr_assert_eq(c->output_level, 6);
    return c;
}

Test(universal, trivial_move_when_allowed_and_no_inputs_overlap)
{
    version *v;
    compaction *c = pick_disjoint(true, "x", &v);
    cr_assert(c->trivial_move);
    done(c, v);
}

Test(universal, no_trivial_move_when_not_allowed_or_inputs_overlap)
{
    version *v;
    compaction *c = pick_disjoint(false, "x", &v);
    cr_assert(!c->trivial_move);
    done(c, v);
    c = pick_disjoint(true, "e", &v);   /* L6 e..z meets e..f */
    cr_assert(!c->trivial_move);
    done(c, v);
}

Test(universal, manual_compaction_takes_every_file_to_the_last_level)
{
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 6, 1, "a", "z", 1000);
    add(&ve, 2, 2, "a", "c", 10);
    add(&ve, 0, 3, "a", "b", 10);
    version *v = build(&ve);
    int first, last;
    bool conflict = true;
    shale_buf next = SHALE_BUF_INIT;
    cr_assert(picker_manual_levels(v, NULL, NULL, &first, &last));
    cr_assert_eq(first, 0);
    cr_assert_eq(last, 0);
    compaction *c = NULL;
    cr_assert_eq(picker_compact_range(&g_picker, v, 0, 1, NULL, NULL, &c, &next, &conflict, NULL),
                 SHALE_OK);
    cr_assert_not_null(c);
    cr_assert(!conflict);
    cr_assert_eq(next.len, 0);
    cr_assert(c->manual);
    cr_assert_eq(c->reason, COMPACTION_REASON_MANUAL);
    cr_assert_eq(c->output_level, 6);
    expect_level(c, 0, "3");
    expect_level(c, 2, "2");
    expect_level(c, 6, "1");
    /* A second one conflicts while the first runs. */
    compaction *c2 = NULL;
    cr_assert_eq(picker_compact_range(&g_picker, v, 0, 1, NULL, NULL, &c2, &next, &conflict, NULL),
                 SHALE_OK);
    cr_assert_null(c2);
    cr_assert(conflict);
    shale_buf_deinit(&next);
    done(c, v);
}

Test(universal, trivial_move_edit_moves_inputs_of_other_levels_to_the_output_level)
{
    version *v;
    compaction *c = pick_disjoint(true, "x", &v);
    version_edit ve;
    version_edit_init(&ve);
    cr_assert_eq(compaction_add_trivial_moves(c, &ve, NULL), SHALE_OK);
    cr_assert_eq(ve.n_deleted, 3);   /* the L0 files; #1 is on L6 already */
    cr_assert_eq(ve.n_files, 3);
    for (size_t i = 0; i < ve.n_files; i++)
        cr_assert_eq(ve.files[i].level, 6);
    version_edit_deinit(&ve);
    done(c, v);
}
