/* tests/lsm/table/merge_iter_test.c: the merging iterator against a sorted
 * reference array: random entries dealt across children, random seeks,
 * steps and direction switches; errors from a child; ownership. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/table/merge_iter.h"
#include "lsm/util/ikey.h"
#include "lsm/util/err.h"
#include "tests/support/vec_iter.h"

static int cmp_ikey(const void *a, const void *b)
{
    return ikey_compare(*(const slice *)a, *(const slice *)b);
}

/* The model's internal keys in order (the reference). */
typedef struct ref {
    slice *k;
    char *buf;
    size_t n;
} ref;

static void ref_build(ref *r, const model *m)
{
    r->n = m->n;
    r->k = calloc(m->n + 1, sizeof *r->k);
    r->buf = calloc(m->n + 1, MODEL_KEY_MAX + 8);
    for (size_t i = 0; i < m->n; i++)
        r->k[i] = model_ikey(m, i, r->buf + i * (MODEL_KEY_MAX + 8));
    qsort(r->k, r->n, sizeof *r->k, cmp_ikey);
}

static size_t ref_seek(const ref *r, slice t)
{
    size_t i = 0;
    while (i < r->n && ikey_compare(r->k[i], t) < 0)
        i++;
    return i;
}

static size_t ref_seek_for_prev(const ref *r, slice t)
{
    size_t i = r->n;
    while (i > 0 && ikey_compare(r->k[i - 1], t) > 0)
        i--;
    return i == 0 ? r->n : i - 1;
}

/* A random seek target: a user key of the space (or just past it) with a
 * random sequence number and type. */
static slice random_target(const model *m, unsigned *seed, char *buf)
{
    int i = (int)(model_rand(seed) % (unsigned)(m->nkeys + 2)) - 1;
    model_key(buf, i < 0 ? 0 : i);
    size_t n = strlen(buf);
    if (i < 0)
        n = 0;  /* the empty key: before everything */
    uint64_t seq = model_rand(seed) % (m->max_seq + 2);
    int type = (int)(model_rand(seed) % 2 ? VT_VALUE : VT_FOR_SEEK);
    enc_fixed64(buf + n, ikey_pack(seq, type));
    return slice_make(buf, n + 8);
}

static void check_pos(iter *it, const ref *r, size_t pos, unsigned seed, int step)
{
    cr_assert_eq(iter_valid(it), pos < r->n, "seed %u step %d: valid %d, expected pos %zu/%zu",
                 seed, step, iter_valid(it), pos, r->n);
    if (pos < r->n)
        cr_assert_eq(ikey_compare(iter_key(it), r->k[pos]), 0, "seed %u step %d pos %zu", seed,
                     step, pos);
}

static void run_case(unsigned seed)
{
    unsigned s = seed;
    model m = {0};
    model_gen g = {.nkeys = 2 + (int)(model_rand(&s) % 30), .nops = (int)(model_rand(&s) % 120),
                   .del_pct = 20, .merge_pct = 20};
    model_generate(&m, &g, &s);
    ref r;
    ref_build(&r, &m);
    size_t nchild = 1 + model_rand(&s) % 6;
    iter *kids[8];
    model_split(&m, kids, nchild, &s);
    iter *it = merge_iter_new(kids, nchild, NULL);
    cr_assert_not_null(it);
    size_t pos = r.n;
    char tb[MODEL_KEY_MAX + 8];
    for (int step = 0; step < 60; step++) {
        unsigned op = model_rand(&s) % 10;
        if (op == 0) {
            iter_first(it);
            pos = 0;
        } else if (op == 1) {
            iter_last(it);
            pos = r.n == 0 ? 0 : r.n - 1;
        } else if (op == 2) {
            slice t = random_target(&m, &s, tb);
            iter_seek(it, t);
            pos = ref_seek(&r, t);
        } else if (op == 3) {
            slice t = random_target(&m, &s, tb);
            iter_seek_for_prev(it, t);
            pos = ref_seek_for_prev(&r, t);
        } else if (pos < r.n && op < 7) {
            iter_next(it);
            pos++;
        } else if (pos < r.n) {
            iter_prev(it);
            pos = pos == 0 ? r.n : pos - 1;
        }
        check_pos(it, &r, pos, seed, step);
        if (pos < r.n) {
            /* The value travels with the key: the model's value is "v<seq>". */
            char want[32];
            snprintf(want, sizeof want, "v%llu",
                     (unsigned long long)(ikey_trailer(r.k[pos]) >> 8));
            cr_assert(slice_equal(iter_value(it), slice_from_str(want)), "seed %u step %d", seed, step);
        }
    }
    cr_assert_eq(iter_status(it, NULL), SHALE_OK);
    iter_free(it);
    free(r.k);
    free(r.buf);
    model_free(&m);
}

Test(merge_iter, matches_sorted_reference_under_random_seeks_steps_and_direction_switches)
{
    for (unsigned seed = 1; seed <= 3000; seed++)
        run_case(seed);
}

Test(merge_iter, full_forward_and_backward_scans_yield_every_entry_in_order)
{
    unsigned s = 77;
    model m = {0};
    model_gen g = {.nkeys = 50, .nops = 2000, .del_pct = 10, .merge_pct = 10};
    model_generate(&m, &g, &s);
    ref r;
    ref_build(&r, &m);
    iter *kids[5];
    model_split(&m, kids, 5, &s);
    iter *it = merge_iter_new(kids, 5, NULL);
    size_t i = 0;
    for (iter_first(it); iter_valid(it); iter_next(it))
        cr_assert_eq(ikey_compare(iter_key(it), r.k[i++]), 0);
    cr_assert_eq(i, r.n);
    for (iter_last(it); iter_valid(it); iter_prev(it))
        cr_assert_eq(ikey_compare(iter_key(it), r.k[--i]), 0);
    cr_assert_eq(i, 0);
    iter_free(it);
    free(r.k);
    free(r.buf);
    model_free(&m);
}

static iter *one_entry_iter(const char *ukey, uint64_t seq)
{
    char b[32];
    size_t n = strlen(ukey);
    memcpy(b, ukey, n);
    enc_fixed64(b + n, ikey_pack(seq, VT_VALUE));
    slice k = slice_make(b, n + 8), v = slice_from_str("x");
    return vec_iter_new(&k, &v, 1);
}

Test(merge_iter, a_child_error_makes_it_invalid_and_is_reported_until_the_next_seek)
{
    iter *kids[3] = {one_entry_iter("a", 1), one_entry_iter("b", 2), one_entry_iter("c", 3)};
    iter *bad = kids[1];
    iter *it = merge_iter_new(kids, 3, NULL);
    iter_first(it);
    cr_assert(iter_valid(it));
    vec_iter_fail_on_next_move(bad, SHALE_IO_ERROR);
    iter_seek_for_prev(it, iter_key(it));  /* "a": moves every child */
    cr_assert_not(iter_valid(it));
    shale_err e = {0};
    cr_assert_eq(iter_status(it, &e), SHALE_IO_ERROR);
    cr_assert_str_eq(e.msg, "injected");
    iter_first(it);  /* the child recovers (its error was one-shot) */
    cr_assert(iter_valid(it));
    cr_assert_eq(iter_status(it, NULL), SHALE_OK);
    iter_free(it);
}

Test(merge_iter, zero_children_is_empty_and_one_child_is_returned_as_is)
{
    iter *it = merge_iter_new(NULL, 0, NULL);
    cr_assert_not_null(it);
    iter_first(it);
    cr_assert_not(iter_valid(it));
    iter_free(it);
    iter *only = one_entry_iter("a", 1);
    cr_assert_eq(merge_iter_new(&only, 1, NULL), only);
    iter_free(only);
}

Test(merge_iter, equal_keys_in_two_children_are_both_yielded_in_both_directions)
{
    iter *kids[3] = {one_entry_iter("a", 5), one_entry_iter("a", 5), one_entry_iter("b", 1)};
    iter *it = merge_iter_new(kids, 3, NULL);
    int n = 0;
    for (iter_first(it); iter_valid(it); iter_next(it))
        n++;
    cr_assert_eq(n, 3);
    iter_last(it);
    iter_prev(it);
    iter_prev(it);
    cr_assert(iter_valid(it));
    iter_next(it);  /* switch: the other "a", not "b" */
    cr_assert(iter_valid(it));
    cr_assert_eq(iter_key(it).data[0], 'a');
    iter_next(it);
    cr_assert_eq(iter_key(it).data[0], 'b');
    iter_free(it);
}
