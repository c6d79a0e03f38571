/* tests/lsm/version/version_test.c: versions and the version builder.
 * Random add/delete edits are checked against a plain model (which file is
 * at which level) plus the ordering invariants; refusals (missing delete,
 * duplicate add, L1+ overlap, too deep a level) against RocksDB's rules;
 * queries and compaction scores against hand-computed answers from the
 * formulas of RocksDB 7.8.3's version_set.cc. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/buf.h"
#include "lsm/util/coding.h"
#include "lsm/util/ikey.h"
#include "lsm/version/version.h"
#include "lsm/version/version_edit.h"

static void make_ikey(shale_buf *b, const char *ukey, uint64_t seq, int type)
{
    shale_buf_clear(b);
    shale_buf_append_str(b, ukey);
    shale_buf_put_fixed64(b, ikey_pack(seq, type));
}

/* Adds file `number` at `level` spanning user keys [lo, hi]. */
static void add_file(version_edit *ve, int level, uint64_t number, const char *lo, const char *hi,
                     uint64_t sseq, uint64_t lseq, uint64_t size)
{
    shale_buf s = SHALE_BUF_INIT, l = SHALE_BUF_INIT;
    make_ikey(&s, lo, lseq, VT_VALUE);
    make_ikey(&l, hi, sseq, VT_VALUE);
    ve_file_meta m;
    memset(&m, 0, sizeof m);
    m.level = level;
    m.number = number;
    m.size = size;
    m.smallest = shale_buf_slice(&s);
    m.largest = shale_buf_slice(&l);
    m.smallest_seqno = sseq;
    m.largest_seqno = lseq;
    cr_assert_eq(version_edit_add_file(ve, &m, NULL), SHALE_OK);
    shale_buf_deinit(&s);
    shale_buf_deinit(&l);
}

static version *build(const version *base, const version_cf_options *o, version_edit *ve, int *rc,
                      shale_err *err)
{
    version_builder *b;
    version *v = NULL;
    cr_assert_eq(version_builder_new(base, o, &b, NULL), SHALE_OK);
    *rc = version_builder_apply(b, ve, err);
    if (*rc == SHALE_OK)
        *rc = version_builder_finish(b, &v, err);
    version_builder_free(b);
    return v;
}

static version *build_ok(const version *base, const version_cf_options *o, version_edit *ve)
{
    shale_err err = {0};
    int rc;
    version *v = build(base, o, ve, &rc, &err);
    cr_assert_eq(rc, SHALE_OK, "%s", err.msg);
    return v;
}

#define MODEL_MAX 4000

/* Model: level of each file number, -1 when absent. */
static void check_against_model(const version *v, const int *model, uint64_t max_number)
{
    size_t count = 0;
    for (int level = 0; level < v->num_levels; level++) {
        for (size_t i = 0; i < v->n_files[level]; i++) {
            const file_meta *f = v->files[level][i];
            cr_assert_lt(f->number, max_number);
            cr_assert_eq(model[f->number], level, "file %" PRIu64, f->number);
            count++;
            if (i == 0)
                continue;
            const file_meta *p = v->files[level][i - 1];
            if (level == 0)
                cr_assert(p->largest_seqno > f->largest_seqno ||
                          (p->largest_seqno == f->largest_seqno && p->number > f->number));
            else
                cr_assert_lt(ikey_compare(file_meta_largest(p), file_meta_smallest(f)), 0);
        }
    }
    size_t expect = 0;
    for (uint64_t n = 0; n < max_number; n++)
        expect += model[n] >= 0;
    cr_assert_eq(count, expect);
}

Test(version_builder, random_edits_agree_with_a_model)
{
    static int model[MODEL_MAX];
    version_cf_options o;
    version_cf_options_default(&o);
    for (int i = 0; i < MODEL_MAX; i++)
        model[i] = -1;
    version *v;
    cr_assert_eq(version_new_empty(&o, &v, NULL), SHALE_OK);
    srand(7);
    uint64_t next = 1;
    for (int round = 0; round < 300; round++) {
        version_edit ve;
        version_edit_init(&ve);
        for (int k = rand() % 4; k > 0; k--) {  /* delete some live files */
            uint64_t n = 1 + (uint64_t)rand() % next;
            if (n < next && model[n] >= 0 && version_edit_delete_file(&ve, model[n], n, NULL) == 0)
                model[n] = -1;
        }
        for (int k = rand() % 4; k > 0 && next + 1 < MODEL_MAX; k--) {
            /* Every number owns the disjoint key span k<n>a..k<n>b. */
            char lo[32], hi[32];
            uint64_t n = next++;
            int level = rand() % o.num_levels;
            snprintf(lo, sizeof lo, "k%06" PRIu64 "a", n);
            snprintf(hi, sizeof hi, "k%06" PRIu64 "b", n);
            add_file(&ve, level, n, lo, hi, n * 10, n * 10 + 5, 100 + n);
            model[n] = level;
        }
        version *nv = build_ok(v, &o, &ve);
        version_edit_deinit(&ve);
        check_against_model(nv, model, next);
        version_unref(v);
        v = nv;
    }
    version_unref(v);
}

Test(version_builder, l0_is_newest_first_by_largest_seqno_then_number)
{
    version_cf_options o;
    version_cf_options_default(&o);
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 0, 5, "a", "z", 10, 20, 1);
    add_file(&ve, 0, 6, "a", "z", 1, 30, 1);
    add_file(&ve, 0, 7, "a", "z", 10, 20, 1);
    add_file(&ve, 0, 8, "a", "z", 11, 20, 1);
    version *v = build_ok(NULL, &o, &ve);
    uint64_t want[] = {6, 8, 7, 5};
    cr_assert_eq(v->n_files[0], 4);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(v->files[0][i]->number, want[i]);
    version_unref(v);
    version_edit_deinit(&ve);
}

Test(version_builder, refuses_overlap_in_l1)
{
    version_cf_options o;
    version_cf_options_default(&o);
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 1, 5, "a", "m", 1, 2, 1);
    add_file(&ve, 1, 6, "k", "z", 3, 4, 1);
    shale_err err = {0};
    int rc;
    version *v = build(NULL, &o, &ve, &rc, &err);
    cr_assert_null(v);
    cr_assert_eq(rc, SHALE_CORRUPTION);
    cr_assert(strstr(err.msg, "overlap") != NULL, "%s", err.msg);
    version_edit_deinit(&ve);
}

Test(version_builder, shared_boundary_user_key_is_not_an_overlap)
{
    version_cf_options o;
    version_cf_options_default(&o);
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 1, 5, "a", "m", 5, 9, 1);   /* largest m@5 */
    add_file(&ve, 1, 6, "m", "z", 1, 4, 1);   /* smallest m@4: after m@5 */
    version *v = build_ok(NULL, &o, &ve);
    cr_assert_eq(v->n_files[1], 2);
    version_unref(v);
    version_edit_deinit(&ve);
}

Test(version_builder, refuses_deleting_a_missing_file_and_adding_twice)
{
    version_cf_options o;
    version_cf_options_default(&o);
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 1, 5, "a", "m", 1, 2, 1);
    version *v = build_ok(NULL, &o, &ve);
    shale_err err = {0};
    int rc;

    version_edit_clear(&ve);
    version_edit_delete_file(&ve, 2, 5, NULL);  /* right number, wrong level */
    cr_assert_null(build(v, &o, &ve, &rc, &err));
    cr_assert_eq(rc, SHALE_CORRUPTION);
    cr_assert_str_eq(err.msg, "Cannot delete table file #5 from level 2 since it is not in the LSM tree");

    version_edit_clear(&ve);
    add_file(&ve, 0, 5, "x", "y", 1, 2, 1);
    cr_assert_null(build(v, &o, &ve, &rc, &err));
    cr_assert_eq(rc, SHALE_CORRUPTION);
    cr_assert(strstr(err.msg, "already in the LSM tree on level 1") != NULL, "%s", err.msg);

    version_edit_clear(&ve);
    add_file(&ve, 7, 9, "x", "y", 1, 2, 1);
    cr_assert_null(build(v, &o, &ve, &rc, &err));
    cr_assert_eq(rc, SHALE_INVALID_ARGUMENT);

    /* Delete and re-add in one edit: a move. */
    version_edit_clear(&ve);
    version_edit_delete_file(&ve, 1, 5, NULL);
    add_file(&ve, 2, 5, "a", "m", 1, 2, 1);
    version *moved = build_ok(v, &o, &ve);
    cr_assert_eq(moved->n_files[1], 0);
    cr_assert_eq(moved->n_files[2], 1);
    version_unref(moved);
    version_unref(v);
    version_edit_deinit(&ve);
}

static version *three_level_version(const version_cf_options *o)
{
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 0, 10, "a", "c", 100, 110, 1000);
    add_file(&ve, 0, 11, "b", "f", 120, 130, 1000);
    add_file(&ve, 0, 12, "e", "h", 140, 150, 1000);
    add_file(&ve, 0, 13, "x", "z", 160, 170, 1000);
    add_file(&ve, 1, 20, "a", "b", 1, 2, 100);
    add_file(&ve, 1, 21, "c", "d", 3, 4, 200);
    add_file(&ve, 1, 22, "e", "f", 5, 6, 300);
    version *v = build_ok(NULL, o, &ve);
    version_edit_deinit(&ve);
    return v;
}

static void expect_numbers(const file_list *l, const uint64_t *want, size_t n)
{
    cr_assert_eq(l->n, n, "got %zu files", l->n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(l->files[i]->number, want[i], "file %zu: %" PRIu64, i, l->files[i]->number);
}

Test(version_query, l0_overlap_expands_transitively)
{
    version_cf_options o;
    version_cf_options_default(&o);
    version *v = three_level_version(&o);
    file_list l = FILE_LIST_INIT;
    slice a = slice_from_str("a");
    /* [a,a] meets 10 (a..c) -> range a..c meets 11 (b..f) -> a..f meets 12. */
    cr_assert_eq(version_overlapping_inputs(v, 0, &a, &a, &l, NULL), SHALE_OK);
    uint64_t want[] = {12, 11, 10};  /* L0 order: newest first */
    expect_numbers(&l, want, 3);
    slice y = slice_from_str("y");
    cr_assert_eq(version_overlapping_inputs(v, 0, &y, NULL, &l, NULL), SHALE_OK);
    uint64_t want2[] = {13};
    expect_numbers(&l, want2, 1);
    file_list_deinit(&l);
    version_unref(v);
}

Test(version_query, l1_binary_search_and_find_file)
{
    version_cf_options o;
    version_cf_options_default(&o);
    version *v = three_level_version(&o);
    file_list l = FILE_LIST_INIT;
    slice b = slice_from_str("b"), c = slice_from_str("c"), bb = slice_from_str("bb");
    cr_assert_eq(version_overlapping_inputs(v, 1, &b, &c, &l, NULL), SHALE_OK);
    uint64_t want[] = {20, 21};
    expect_numbers(&l, want, 2);
    cr_assert_eq(version_overlapping_inputs(v, 1, &bb, &bb, &l, NULL), SHALE_OK);
    cr_assert_eq(l.n, 0);
    cr_assert_eq(version_overlapping_inputs(v, 1, NULL, &c, &l, NULL), SHALE_OK);
    expect_numbers(&l, want, 2);
    cr_assert_eq(version_overlapping_inputs(v, 1, NULL, NULL, &l, NULL), SHALE_OK);
    cr_assert_eq(l.n, 3);

    shale_buf k = SHALE_BUF_INIT;
    make_ikey(&k, "d", 100, VT_VALUE);
    cr_assert_eq(version_find_file(v, 1, shale_buf_slice(&k)), 1);
    make_ikey(&k, "d", 0, VT_VALUE);  /* after d@4 */
    cr_assert_eq(version_find_file(v, 1, shale_buf_slice(&k)), 2);
    make_ikey(&k, "zz", 1, VT_VALUE);
    cr_assert_eq(version_find_file(v, 1, shale_buf_slice(&k)), 3);
    shale_buf_deinit(&k);
    cr_assert_eq(version_level_bytes(v, 1), 600);
    cr_assert_eq(version_total_bytes(v), 4600);
    cr_assert_eq(version_num_files(v, 0), 4);
    file_list_deinit(&l);
    version_unref(v);
}

Test(version_scores, follow_rocksdb_formulas)
{
    version_cf_options o;
    version_cf_options_default(&o);
    o.max_bytes_for_level_base = 1000;
    o.max_bytes_for_level_multiplier = 10;
    o.level0_file_num_compaction_trigger = 4;
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 0, 1, "a", "b", 1, 2, 300);
    add_file(&ve, 0, 2, "a", "b", 3, 4, 300);   /* L0: 2/4 = 0.5 by count, 0.6 by size */
    add_file(&ve, 1, 3, "a", "b", 0, 0, 1500);  /* L1: 1500/1000 = 1.5 */
    add_file(&ve, 2, 4, "a", "b", 0, 0, 5000);  /* L2: 5000/10000 = 0.5 */
    add_file(&ve, 3, 5, "a", "b", 0, 0, 200000); /* L3: 200000/100000 = 2 */
    version *v = build_ok(NULL, &o, &ve);
    cr_assert_eq(version_max_bytes_for_level(v, 1), 1000);
    cr_assert_eq(version_max_bytes_for_level(v, 3), 100000);
    cr_assert_eq(v->compaction_level[0], 3);
    cr_assert_float_eq(v->compaction_score[0], 2.0, 1e-9);
    cr_assert_eq(v->compaction_level[1], 1);
    cr_assert_float_eq(v->compaction_score[1], 1.5, 1e-9);
    cr_assert_eq(v->compaction_level[2], 0);
    cr_assert_float_eq(v->compaction_score[2], 0.6, 1e-9);
    cr_assert_eq(v->compaction_level[3], 2);  /* tie with L4..L5 at 0: lower level first */
    /* Pending bytes: L0 not triggered (2 < 4, 600 < 1000).  L1: 1500 > 1000,
     * 500 move on with fan-out 5000/1500 + 1.  L2: 5000 + 500 = 5500 <
     * 10000.  L3: 200000 > 100000; L4 is empty, so nothing is added. */
    cr_assert_eq(v->pending_compaction_bytes, (uint64_t)(500.0 * (5000.0 / 1500.0 + 1)));
    /* Files being compacted do not count. */
    v->files[3][0]->being_compacted = true;
    v->files[0][0]->being_compacted = true;
    version_compute_scores(v, &o);
    cr_assert_eq(v->compaction_level[0], 1);
    for (int i = 0; i < v->num_levels - 1; i++)
        if (v->compaction_level[i] == 0)
            cr_assert_float_eq(v->compaction_score[i], 0.3, 1e-9);
    version_unref(v);
    version_edit_deinit(&ve);
}

Test(version_scores, l0_trigger_counts_files)
{
    version_cf_options o;
    version_cf_options_default(&o);
    version_edit ve;
    version_edit_init(&ve);
    for (int i = 1; i <= 4; i++)
        add_file(&ve, 0, (uint64_t)i, "a", "b", (uint64_t)i, (uint64_t)i, 10);
    version *v = build_ok(NULL, &o, &ve);
    cr_assert_eq(v->compaction_level[0], 0);
    cr_assert_float_eq(v->compaction_score[0], 1.0, 1e-9);
    cr_assert_eq(v->pending_compaction_bytes, 40);  /* L0 triggered, L1 empty */
    version_unref(v);
    version_edit_deinit(&ve);
}

Test(version_debug, lists_levels_like_manifest_dump)
{
    version_cf_options o;
    version_cf_options_default(&o);
    o.num_levels = 2;
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 1, 12, "k1", "k2", 0, 0, 95779);
    version *v = build_ok(NULL, &o, &ve);
    v->number = 3;
    shale_buf out = SHALE_BUF_INIT;
    cr_assert_eq(version_debug_string(v, false, &out, NULL), SHALE_OK);
    shale_buf_append_byte(&out, 0);
    cr_assert_str_eq(out.data, "--- level 0 --- version# 3 ---\n"
                               "--- level 1 --- version# 3 ---\n"
                               " 12:95779[0 .. 0]['k1' seq:0, type:1 .. 'k2' seq:0, type:1]\n");
    shale_buf_clear(&out);
    cr_assert_eq(version_debug_string(v, true, &out, NULL), SHALE_OK);
    shale_buf_append_byte(&out, 0);
    cr_assert(strstr(out.data, "['6B31' seq:0, type:1 .. '6B32' seq:0, type:1]") != NULL, "%s",
              out.data);
    shale_buf_deinit(&out);
    version_unref(v);
    version_edit_deinit(&ve);
}

Test(version_list, live_versions_unlink_when_released)
{
    version_cf_options o;
    version_cf_options_default(&o);
    version_list l;
    version_list_init(&l);
    version *a, *b;
    cr_assert_eq(version_new_empty(&o, &a, NULL), SHALE_OK);
    cr_assert_eq(version_new_empty(&o, &b, NULL), SHALE_OK);
    version_link(a, &l);
    version_link(b, &l);
    cr_assert_eq(l.head, b);
    version_ref(a);
    version_unref(a);
    cr_assert_eq(l.head->next, a);
    version_unref(a);
    cr_assert_eq(l.head, b);
    cr_assert_null(b->next);
    version_unref(b);
    cr_assert_null(l.head);
    version_list_deinit(&l);
}
