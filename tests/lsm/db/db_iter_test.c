/* tests/lsm/db/db_iter_test.c: the user iterator against brute force: for
 * random histories (several versions per key, deletes, single deletes,
 * merges, range tombstones) dealt across merged sources, at random
 * snapshots and bounds, random seeks, steps and direction switches must
 * give exactly the keys a reader sees (newest visible entry, not deleted,
 * merges combined) within the bounds.  Plus the merge-operator error,
 * the statistics and the reseek path. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/db/db_iter.h"
#include "lsm/table/merge_iter.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"
#include "tests/support/vec_iter.h"

typedef struct view {
    char key[64][MODEL_KEY_MAX];
    char val[64][512];
    size_t n;
} view;

/* What a reader at snap sees in [lo, hi) (NULL: unbounded). */
static void reference(const model *m, uint64_t snap, const char *lo, const char *hi, view *v)
{
    v->n = 0;
    for (int k = 0; k < m->nkeys && k < 64; k++) {
        char key[MODEL_KEY_MAX];
        model_key(key, k);
        if ((lo && strcmp(key, lo) < 0) || (hi && strcmp(key, hi) >= 0))
            continue;
        if (model_read(m, key, snap, v->val[v->n], sizeof v->val[0])) {
            strcpy(v->key[v->n], key);
            v->n++;
        }
    }
}

static db_iter *open_iter(const model *m, uint64_t snap, const slice *lo, const slice *hi,
                          bool merge, uint32_t max_skip, unsigned *s)
{
    iter *kids[4];
    size_t nk = 1 + model_rand(s) % 4;
    model_split(m, kids, nk, s);
    db_iter_options o = {.seq = snap, .lower_bound = lo, .upper_bound = hi,
                         .range_del = model_rd(m, snap), .merge = merge ? test_merge_concat : NULL,
                         .max_sequential_skip = max_skip};
    db_iter *d;
    cr_assert_eq(db_iter_new(merge_iter_new(kids, nk, NULL), &o, &d, NULL), SHALE_OK);
    return d;
}

/* A target among the keys, between them ("k005x"), before or after all. */
static void random_target(const model *m, unsigned *s, char *out)
{
    int i = (int)(model_rand(s) % (unsigned)(m->nkeys + 2)) - 1;
    if (i < 0) {
        out[0] = 0;
        return;
    }
    model_key(out, i);
    if (model_rand(s) % 3 == 0)
        strcat(out, "x");
}

static void check(db_iter *d, const view *v, size_t pos, unsigned seed, int step)
{
    cr_assert_eq(db_iter_status(d, NULL), SHALE_OK, "seed %u step %d", seed, step);
    cr_assert_eq(db_iter_valid(d), pos < v->n, "seed %u step %d: valid %d, want pos %zu of %zu",
                 seed, step, db_iter_valid(d), pos, v->n);
    if (pos >= v->n)
        return;
    cr_assert(slice_equal(db_iter_key(d), slice_from_str(v->key[pos])), "seed %u step %d: key %.*s want %s",
              seed, step, (int)db_iter_key(d).len, db_iter_key(d).data, v->key[pos]);
    cr_assert(slice_equal(db_iter_value(d), slice_from_str(v->val[pos])),
              "seed %u step %d key %s: value %.*s want %s", seed, step, v->key[pos],
              (int)db_iter_value(d).len, db_iter_value(d).data, v->val[pos]);
}

static size_t ref_seek(const view *v, const char *t)
{
    size_t i = 0;
    while (i < v->n && strcmp(v->key[i], t) < 0)
        i++;
    return i;
}

static size_t ref_seek_for_prev(const view *v, const char *t)
{
    size_t i = v->n;
    while (i > 0 && strcmp(v->key[i - 1], t) > 0)
        i--;
    return i == 0 ? v->n : i - 1;
}

static void run_case(unsigned seed)
{
    unsigned s = seed;
    model m = {0};
    model_gen g = {.nkeys = 1 + (int)(model_rand(&s) % 25), .nops = (int)(model_rand(&s) % 150),
                   .tomb_pct = (int)(model_rand(&s) % 12), .del_pct = 20, .merge_pct = 20,
                   .single_deletes = true};
    model_generate(&m, &g, &s);
    uint64_t snap = model_rand(&s) % 4 == 0 ? MAX_SEQUENCE : model_rand(&s) % (m.max_seq + 2);
    char lo[MODEL_KEY_MAX + 2], hi[MODEL_KEY_MAX + 2];
    random_target(&m, &s, lo);
    random_target(&m, &s, hi);
    bool has_lo = model_rand(&s) % 3 == 0, has_hi = model_rand(&s) % 3 == 0;
    slice los = slice_from_str(lo), his = slice_from_str(hi);
    view *v = malloc(sizeof *v);
    reference(&m, snap, has_lo ? lo : NULL, has_hi ? hi : NULL, v);
    db_iter *d = open_iter(&m, snap, has_lo ? &los : NULL, has_hi ? &his : NULL, true,
                           1 + model_rand(&s) % 6, &s);
    size_t pos = v->n;
    for (int step = 0; step < 40; step++) {
        unsigned op = model_rand(&s) % 10;
        char t[MODEL_KEY_MAX + 2];
        if (op == 0) {
            db_iter_first(d);
            pos = 0;
        } else if (op == 1) {
            db_iter_last(d);
            pos = v->n == 0 ? 0 : v->n - 1;
        } else if (op == 2) {
            random_target(&m, &s, t);
            db_iter_seek(d, slice_from_str(t));
            pos = ref_seek(v, t);
        } else if (op == 3) {
            random_target(&m, &s, t);
            db_iter_seek_for_prev(d, slice_from_str(t));
            pos = ref_seek_for_prev(v, t);
        } else if (pos < v->n && op < 7) {
            db_iter_next(d);
            pos++;
        } else if (pos < v->n) {
            db_iter_prev(d);
            pos = pos == 0 ? v->n : pos - 1;
        }
        check(d, v, pos, seed, step);
    }
    db_iter_free(d);
    free(v);
    model_free(&m);
}

Test(db_iter, matches_brute_force_reads_at_random_snapshots_bounds_and_moves)
{
    for (unsigned seed = 1; seed <= 4000; seed++)
        run_case(seed);
}

Test(db_iter, a_merge_operand_without_a_merge_operator_is_invalid_argument)
{
    model m = {.nkeys = 3};
    model_add(&m, "k000", 1, VT_VALUE, "a");
    model_add(&m, "k001", 2, VT_MERGE, "b");
    unsigned s = 3;
    db_iter *d = open_iter(&m, MAX_SEQUENCE, NULL, NULL, false, 0, &s);
    db_iter_first(d);
    cr_assert(db_iter_valid(d));
    db_iter_next(d);
    cr_assert_not(db_iter_valid(d));
    shale_err e = {0};
    cr_assert_eq(db_iter_status(d, &e), SHALE_INVALID_ARGUMENT);
    cr_assert_str_eq(e.msg, "merge_operator is not properly initialized.");
    db_iter_last(d);  /* backward meets it too */
    cr_assert_not(db_iter_valid(d));
    cr_assert_eq(db_iter_status(d, NULL), SHALE_INVALID_ARGUMENT);
    db_iter_seek(d, slice_from_str("k000"));  /* a seek clears the status */
    cr_assert(db_iter_valid(d));
    db_iter_free(d);
    model_free(&m);
}

Test(db_iter, many_hidden_versions_are_passed_with_a_reseek_and_counted)
{
    model m = {.nkeys = 3};
    model_add(&m, "k000", 1, VT_VALUE, "a");
    for (uint64_t q = 2; q < 200; q++)
        model_add(&m, "k001", q, VT_VALUE, "b");
    model_add(&m, "k002", 200, VT_VALUE, "c");
    unsigned s = 9;
    db_iter *d = open_iter(&m, 150, NULL, NULL, false, 0, &s);
    db_iter_first(d);
    db_iter_next(d);
    cr_assert(slice_equal(db_iter_key(d), slice_from_str("k001")));
    cr_assert(db_iter_valid(d));
    db_iter_next(d);
    cr_assert_not(db_iter_valid(d));  /* k002@200 is after the snapshot */
    const db_iter_stats *st = db_iter_get_stats(d);
    cr_assert_eq(st->seek, 1);
    cr_assert_eq(st->next, 2);
    cr_assert_geq(st->reseeks, 2);   /* past the 49 newer ones, then the 148 older */
    cr_assert_lt(st->skipped, 60);
    db_iter_prev(d);
    cr_assert_eq(st->prev, 1);
    db_iter_free(d);
    model_free(&m);
}

Test(db_iter, bounds_limit_first_last_and_seeks_outside_them)
{
    model m = {.nkeys = 5};
    for (int k = 0; k < 5; k++) {
        char key[MODEL_KEY_MAX];
        model_key(key, k);
        model_add(&m, key, (uint64_t)k + 1, VT_VALUE, key);
    }
    slice lo = slice_from_str("k001"), hi = slice_from_str("k003");
    unsigned s = 4;
    db_iter *d = open_iter(&m, MAX_SEQUENCE, &lo, &hi, false, 0, &s);
    db_iter_first(d);
    cr_assert(slice_equal(db_iter_key(d), lo));
    db_iter_last(d);
    cr_assert(slice_equal(db_iter_key(d), slice_from_str("k002")));
    db_iter_next(d);
    cr_assert_not(db_iter_valid(d));
    db_iter_seek(d, slice_from_str("a"));   /* before the lower bound: starts at it */
    cr_assert(slice_equal(db_iter_key(d), lo));
    db_iter_prev(d);
    cr_assert_not(db_iter_valid(d));
    db_iter_seek_for_prev(d, slice_from_str("z"));
    cr_assert(slice_equal(db_iter_key(d), slice_from_str("k002")));
    db_iter_seek(d, slice_from_str("k003"));
    cr_assert_not(db_iter_valid(d));
    db_iter_free(d);
    model_free(&m);
}
