/* tests/lsm/compaction/picker_fifo_test.c: FIFO compaction picks on
 * hand-built versions.  Each expected pick is worked out by hand in the
 * comment above it from RocksDB 7.8.3's rules (compaction_picker_fifo.cc,
 * FindIntraL0Compaction, ComputeCompactionScore): size-limit and TTL
 * deletions from the oldest file, the TTL-then-size order, the intra-L0
 * merge of allow_compaction, the migration case with files in a level >= 1,
 * one L0 compaction at a time, and the score.  `now` is passed in, so the
 * ages are exact. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lsm/compaction/picker.h"
#include "lsm/util/buf.h"
#include "lsm/util/ikey.h"
#include "lsm/version/version.h"
#include "lsm/version/version_edit.h"

#define NOW UINT64_C(10000)

static version_cf_options g_opts;
static compaction_picker g_picker;
static uint64_t g_seq;

static void setup(void)
{
    version_cf_options_default(&g_opts);
    g_opts.num_levels = 1;
    g_opts.cstyle.style = COMPACTION_STYLE_FIFO;
    g_opts.cstyle.fifo.max_table_files_size = 250;
    g_seq = 1000;
}

static void teardown(void) { picker_deinit(&g_picker); }

TestSuite(fifo, .init = setup, .fini = teardown);

/* Adds file `number` with user keys [lo, hi]; ancester/creation are its
 * oldest_ancester_time and file_creation_time.  Later files are newer. */
static void add(version_edit *ve, int level, uint64_t number, const char *lo, const char *hi,
                uint64_t size, uint64_t ancester, uint64_t creation)
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
    m.oldest_ancester_time = ancester;
    m.file_creation_time = creation;
    cr_assert_eq(version_edit_add_file(ve, &m, NULL), SHALE_OK);
    shale_buf_deinit(&s);
    shale_buf_deinit(&l);
}

/* Four 100-byte L0 files #11 (oldest) .. #14 with ancester times t[0..3]. */
static void add_four(version_edit *ve, const uint64_t t[4])
{
    for (int i = 0; i < 4; i++)
        add(ve, 0, 11 + (uint64_t)i, "a", "z", 100, t[i], 0);
}

/* Builds the version, starts the picker with g_opts, scores it at NOW. */
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
    version_compute_scores_at(v, &g_opts, NOW);
    return v;
}

static void expect_inputs(const compaction *c, const char *want)
{
    char got[256];
    size_t used = 0;
    got[0] = 0;
    for (size_t i = 0; i < c->inputs[0].n; i++)
        used += (size_t)snprintf(got + used, sizeof got - used, i ? " %" PRIu64 : "%" PRIu64,
                                 c->inputs[0].files[i]->number);
    cr_assert_str_eq(got, want, "got '%s', want '%s'", got, want);
}

static compaction *pick(version *v)
{
    compaction *c = NULL;
    cr_assert_eq(picker_pick_at(&g_picker, v, NOW, &c, NULL), SHALE_OK);
    return c;
}

static void done(compaction *c, version *v)
{
    picker_release(&g_picker, c, v);
    version_unref(v);
}

static void expect_deletion(const compaction *c, int level, int reason)
{
    cr_assert(c->deletion_compaction);
    cr_assert_eq(c->start_level, level);
    cr_assert_eq(c->output_level, level);
    cr_assert_eq(c->n_input_levels, 1);
    cr_assert_eq(c->reason, reason);
    cr_assert(!c->trivial_move);
}

static const uint64_t NO_TIMES[4] = {0, 0, 0, 0};

Test(fifo, over_the_size_limit_drops_the_oldest_files_until_under_it)
{
    /* 400 bytes > 250 (score 400/250 = 1.6).  Oldest first: #11 leaves
     * 300 > 250, #12 leaves 200 <= 250: stop. */
    version_edit ve;
    version_edit_init(&ve);
    add_four(&ve, NO_TIMES);
    version *v = build(&ve);
    cr_assert_float_eq(v->compaction_score[0], 1.6, 1e-9);
    cr_assert(picker_needs_compaction(v));
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_deletion(c, 0, COMPACTION_REASON_FIFO_MAX_SIZE);
    expect_inputs(c, "11 12");
    cr_assert(!c->enable_compression);
    cr_assert(c->inputs[0].files[0]->being_compacted);
    version_edit edit;
    version_edit_init(&edit);
    cr_assert_eq(compaction_add_input_deletions(c, &edit, NULL), SHALE_OK);
    cr_assert_eq(edit.n_deleted, 2);
    cr_assert_eq(edit.n_files, 0);
    version_edit_deinit(&edit);
    done(c, v);
}

Test(fifo, a_size_exactly_at_the_limit_is_within_it)
{
    /* Max 200: #11 leaves 300 > 200, #12 leaves 200 <= 200: stop. */
    g_opts.cstyle.fifo.max_table_files_size = 200;
    version_edit ve;
    version_edit_init(&ve);
    add_four(&ve, NO_TIMES);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_inputs(c, "11 12");
    done(c, v);
}

Test(fifo, under_the_size_limit_picks_nothing)
{
    /* 2 files, 200 <= 250: score 0.8; no ttl, no allow_compaction. */
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 0, 1, "a", "z", 100, 0, 0);
    add(&ve, 0, 2, "a", "z", 100, 0, 0);
    version *v = build(&ve);
    cr_assert_float_eq(v->compaction_score[0], 0.8, 1e-9);
    cr_assert(!picker_needs_compaction(v));
    cr_assert_null(pick(v));
    version_unref(v);
}

Test(fifo, expired_files_go_first_when_that_brings_the_size_under_the_limit)
{
    /* ttl 1000 at now 10000: expired means age time < 9000.  Ancester
     * times #11 100, #12 8000 (expired), #13 9500 (not): TTL takes #11 #12
     * and stops at #13; the rest, 200, is <= max 1000.  Score: 400/1000 =
     * 0.4, raised to 2 expired files. */
    g_opts.cstyle.ttl = 1000;
    g_opts.cstyle.fifo.max_table_files_size = 1000;
    const uint64_t t[4] = {100, 8000, 9500, 9900};
    version_edit ve;
    version_edit_init(&ve);
    add_four(&ve, t);
    version *v = build(&ve);
    cr_assert_float_eq(v->compaction_score[0], 2.0, 1e-9);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_deletion(c, 0, COMPACTION_REASON_FIFO_TTL);
    expect_inputs(c, "11 12");
    done(c, v);
}

Test(fifo, ttl_pick_that_leaves_too_much_falls_back_to_the_size_rule)
{
    /* As above with max 150: TTL's #11 #12 leave 200 > 150, so the size
     * rule runs: 400 -> 300 -> 200 -> 100 <= 150: #11 #12 #13. */
    g_opts.cstyle.ttl = 1000;
    g_opts.cstyle.fifo.max_table_files_size = 150;
    const uint64_t t[4] = {100, 8000, 9500, 9900};
    version_edit ve;
    version_edit_init(&ve);
    add_four(&ve, t);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_deletion(c, 0, COMPACTION_REASON_FIFO_MAX_SIZE);
    expect_inputs(c, "11 12 13");
    done(c, v);
}

Test(fifo, creation_time_stands_in_for_an_unknown_ancester_time)
{
    /* #1: ancester 0, creation 5000 < 9000: expired.  #2: ancester 9800.
     * Max 1000: TTL takes #1. */
    g_opts.cstyle.ttl = 1000;
    g_opts.cstyle.fifo.max_table_files_size = 1000;
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 0, 1, "a", "z", 100, 0, 5000);
    add(&ve, 0, 2, "a", "z", 100, 9800, 0);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_deletion(c, 0, COMPACTION_REASON_FIFO_TTL);
    expect_inputs(c, "1");
    done(c, v);
}

Test(fifo, an_oldest_file_of_unknown_age_stops_the_ttl_rule)
{
    /* #1 has no times (never expires) and is the oldest; #2 is expired but
     * TTL stops at #1.  200 <= 1000: no size pick either.  The score still
     * counts the expired file: 1. */
    g_opts.cstyle.ttl = 1000;
    g_opts.cstyle.fifo.max_table_files_size = 1000;
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 0, 1, "a", "z", 100, 0, 0);
    add(&ve, 0, 2, "a", "z", 100, 10, 0);
    version *v = build(&ve);
    cr_assert_float_eq(v->compaction_score[0], 1.0, 1e-9);
    cr_assert_null(pick(v));
    version_unref(v);
}

Test(fifo, no_second_pick_while_an_l0_compaction_runs)
{
    /* Six files, 600 > 250: the first pick takes #11 #12 #13 #14 (600 ->
     * 200).  With it running, nothing else starts, although the size rule
     * still counts 600 bytes (RocksDB counts busy files too) and, with the
     * limit lowered to 50, even the idle 200 would be too many. */
    version_edit ve;
    version_edit_init(&ve);
    for (uint64_t i = 0; i < 6; i++)
        add(&ve, 0, 11 + i, "a", "z", 100, 0, 0);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_inputs(c, "11 12 13 14");
    g_picker.opts.cstyle.fifo.max_table_files_size = 50;
    cr_assert_null(pick(v));
    done(c, v);
}

static version *intra_l0_version(int small_files)
{
    /* Newest first: `small_files` files of 100, then #1 of 5000.  Limit
     * 1e6 (never reached), write_buffer_size 1000 -> at most 1100 bytes
     * per removed file, max_compaction_bytes 25 * 1000. */
    g_opts.cstyle.fifo.allow_compaction = true;
    g_opts.cstyle.fifo.max_table_files_size = 1000000;
    g_opts.write_buffer_size = 1000;
    g_opts.target_file_size_base = 1000;
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 0, 1, "a", "z", 5000, 0, 0);
    for (int i = 0; i < small_files; i++)
        add(&ve, 0, 2 + (uint64_t)i, "a", "z", 100, 0, 0);
    return build(&ve);
}

Test(fifo, allow_compaction_merges_the_newest_small_files_in_l0)
{
    /* Files 100 x4 then 5000.  Bytes / removed files: 200/1, 300/2 = 150,
     * 400/3 = 133, then 5400/4 = 1350 > 133 stops: 4 files >= trigger 4,
     * 133 < 1100: merge #5 #4 #3 #2 into L0, outputs cut at 16 MiB.  Score:
     * 5 files / trigger 4 = 1.25 beats 5400 / 1e6. */
    version *v = intra_l0_version(4);
    cr_assert_float_eq(v->compaction_score[0], 1.25, 1e-9);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    cr_assert(!c->deletion_compaction);
    cr_assert_eq(c->reason, COMPACTION_REASON_FIFO_REDUCE_NUM_FILES);
    cr_assert_eq(c->start_level, 0);
    cr_assert_eq(c->output_level, 0);
    cr_assert_eq(c->max_output_file_size, UINT64_C(16) << 20);
    cr_assert(c->enable_compression);
    cr_assert(!c->bottommost);   /* #1, older, overlaps */
    expect_inputs(c, "5 4 3 2");
    done(c, v);
}

Test(fifo, allow_compaction_keeps_going_while_bytes_per_removed_file_stay_equal)
{
    /* Newest first 100, 100, 200, 200, then 5000.  Bytes / removed files:
     * 200/1 = 200, 400/2 = 200, 600/3 = 200 (not more: go on), 5600/4 =
     * 1400 > 200 stops: 4 files, 200 < 1100. */
    g_opts.cstyle.fifo.allow_compaction = true;
    g_opts.cstyle.fifo.max_table_files_size = 1000000;
    g_opts.write_buffer_size = 1000;
    g_opts.target_file_size_base = 1000;
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 0, 1, "a", "z", 5000, 0, 0);
    add(&ve, 0, 2, "a", "z", 200, 0, 0);
    add(&ve, 0, 3, "a", "z", 200, 0, 0);
    add(&ve, 0, 4, "a", "z", 100, 0, 0);
    add(&ve, 0, 5, "a", "z", 100, 0, 0);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_inputs(c, "5 4 3 2");
    done(c, v);
}

Test(fifo, allow_compaction_refuses_files_larger_than_the_memtable_bound)
{
    /* 100 x4 then 5000 as before, but write_buffer_size 100: the bound is
     * 110 bytes per removed file and the span averages 133. */
    version *v = intra_l0_version(4);
    picker_deinit(&g_picker);
    g_opts.write_buffer_size = 100;
    picker_init(&g_picker, &g_opts);
    cr_assert_null(pick(v));
    version_unref(v);
}

Test(fifo, allow_compaction_needs_trigger_many_small_files)
{
    /* 100 x3 then 5000: the span stops at 3 files < trigger 4. */
    version *v = intra_l0_version(3);
    cr_assert_null(pick(v));
    version_unref(v);
}

Test(fifo, allow_compaction_skips_when_the_newest_file_is_busy)
{
    version *v = intra_l0_version(4);
    v->files[0][0]->being_compacted = true;
    cr_assert_null(pick(v));
    v->files[0][0]->being_compacted = false;
    version_unref(v);
}

Test(fifo, files_left_in_a_lower_level_go_from_the_smallest_key)
{
    /* A database that used leveled compaction: L0 #1 100, L3 #2 a..b, #3
     * c..d, #4 e..f (100 each).  400 > 250 and the last non-empty level is
     * L3: drop from its smallest key, #2 (300) then #3 (200 <= 250). */
    g_opts.num_levels = 7;
    version_edit ve;
    version_edit_init(&ve);
    add(&ve, 3, 2, "a", "b", 100, 0, 0);
    add(&ve, 3, 3, "c", "d", 100, 0, 0);
    add(&ve, 3, 4, "e", "f", 100, 0, 0);
    add(&ve, 0, 1, "a", "z", 100, 0, 0);
    version *v = build(&ve);
    compaction *c = pick(v);
    cr_assert_not_null(c);
    expect_deletion(c, 3, COMPACTION_REASON_FIFO_MAX_SIZE);
    expect_inputs(c, "2 3");
    version_edit edit;
    version_edit_init(&edit);
    cr_assert_eq(compaction_add_input_deletions(c, &edit, NULL), SHALE_OK);
    cr_assert_eq(edit.n_deleted, 2);
    cr_assert_eq(edit.deleted[0].level, 3);
    version_edit_deinit(&edit);
    done(c, v);
}

Test(fifo, manual_compaction_is_the_automatic_pick)
{
    version_edit ve;
    version_edit_init(&ve);
    add_four(&ve, NO_TIMES);
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
    expect_inputs(c, "11 12");
    shale_buf_deinit(&next);
    done(c, v);
}
