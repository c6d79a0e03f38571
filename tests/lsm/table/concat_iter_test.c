/* tests/lsm/table/concat_iter_test.c: the level iterator against a sorted
 * reference: random entries cut into consecutive files (some empty-ranged
 * cuts are avoided: every file holds at least one entry), random seeks,
 * steps and direction switches; only one file open at a time; open
 * failures reported. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/table/concat_iter.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"
#include "tests/support/vec_iter.h"

typedef struct level {
    slice *k, *v;           /* all entries, sorted */
    char *kb;
    size_t n;
    concat_file *files;
    size_t *start;          /* file i holds entries [start[i], start[i+1]) */
    size_t nfiles;
    int open_now, opens;    /* files currently open; opens so far */
    size_t fail_file;       /* opening this index fails (SIZE_MAX: never) */
} level;

typedef struct counted {
    iter base;
    iter *inner;
    level *lv;
} counted;

/* A wrapper that counts open files, so the test sees at most one. */
static bool w_valid(const iter *it) { return iter_valid(((const counted *)it)->inner); }
static void w_first(iter *it) { iter_first(((counted *)it)->inner); }
static void w_last(iter *it) { iter_last(((counted *)it)->inner); }
static void w_seek(iter *it, slice t) { iter_seek(((counted *)it)->inner, t); }
static void w_sfp(iter *it, slice t) { iter_seek_for_prev(((counted *)it)->inner, t); }
static void w_next(iter *it) { iter_next(((counted *)it)->inner); }
static void w_prev(iter *it) { iter_prev(((counted *)it)->inner); }
static slice w_key(const iter *it) { return iter_key(((const counted *)it)->inner); }
static slice w_value(const iter *it) { return iter_value(((const counted *)it)->inner); }
static int w_status(const iter *it, shale_err *e) { return iter_status(((const counted *)it)->inner, e); }
static void w_free(iter *it)
{
    counted *c = (counted *)it;
    c->lv->open_now--;
    iter_free(c->inner);
    free(c);
}
static const iter_ops counted_ops = {w_valid, w_first, w_last, w_seek, w_sfp, w_next,
                                     w_prev,  w_key,   w_value, w_status, w_free};

static iter *open_file(void *arg, size_t i, shale_err *err)
{
    level *lv = arg;
    if (i == lv->fail_file) {
        SHALE_ERR(err, SHALE_IO_ERROR, "cannot open file %zu", i);
        return NULL;
    }
    counted *c = calloc(1, sizeof *c);
    c->base.ops = &counted_ops;
    c->lv = lv;
    c->inner = vec_iter_new(lv->k + lv->start[i], lv->v + lv->start[i], lv->start[i + 1] - lv->start[i]);
    lv->open_now++;
    lv->opens++;
    cr_assert_leq(lv->open_now, 1, "more than one file open");
    return &c->base;
}

static int cmp_kv(const void *a, const void *b)
{
    return ikey_compare(((const slice *)a)[0], ((const slice *)b)[0]);
}

static void level_build(level *lv, const model *m, unsigned *seed)
{
    memset(lv, 0, sizeof *lv);
    lv->n = m->n;
    slice *kv = calloc(2 * m->n + 2, sizeof *kv);
    lv->kb = calloc(m->n + 1, MODEL_KEY_MAX + 8);
    for (size_t i = 0; i < m->n; i++) {
        kv[2 * i] = model_ikey(m, i, lv->kb + i * (MODEL_KEY_MAX + 8));
        kv[2 * i + 1] = slice_from_str(m->e[i].value);
    }
    qsort(kv, m->n, 2 * sizeof *kv, cmp_kv);
    lv->k = calloc(m->n + 1, sizeof *lv->k);
    lv->v = calloc(m->n + 1, sizeof *lv->v);
    for (size_t i = 0; i < m->n; i++) {
        lv->k[i] = kv[2 * i];
        lv->v[i] = kv[2 * i + 1];
    }
    free(kv);
    lv->start = calloc(m->n + 2, sizeof *lv->start);
    lv->files = calloc(m->n + 1, sizeof *lv->files);
    size_t i = 0;
    while (i < m->n) {
        size_t len = 1 + model_rand(seed) % 8;
        if (i + len > m->n)
            len = m->n - i;
        lv->start[lv->nfiles] = i;
        lv->files[lv->nfiles].smallest = lv->k[i];
        lv->files[lv->nfiles].largest = lv->k[i + len - 1];
        lv->nfiles++;
        i += len;
    }
    lv->start[lv->nfiles] = m->n;
    lv->fail_file = SIZE_MAX;
}

static void level_free(level *lv)
{
    free(lv->k);
    free(lv->v);
    free(lv->kb);
    free(lv->start);
    free(lv->files);
}

static slice random_target(const model *m, unsigned *seed, char *buf)
{
    int i = (int)(model_rand(seed) % (unsigned)(m->nkeys + 1));
    model_key(buf, i);
    size_t n = strlen(buf);
    uint64_t seq = model_rand(seed) % (m->max_seq + 2);
    enc_fixed64(buf + n, ikey_pack(seq, model_rand(seed) % 2 ? VT_VALUE : VT_FOR_SEEK));
    return slice_make(buf, n + 8);
}

static void run_case(unsigned seed)
{
    unsigned s = seed;
    model m = {0};
    model_gen g = {.nkeys = 2 + (int)(model_rand(&s) % 30), .nops = (int)(model_rand(&s) % 100),
                   .del_pct = 20};
    model_generate(&m, &g, &s);
    level lv;
    level_build(&lv, &m, &s);
    iter *it = concat_iter_new(lv.files, lv.nfiles, open_file, &lv, NULL);
    size_t pos = lv.n;
    char tb[MODEL_KEY_MAX + 8];
    for (int step = 0; step < 50; step++) {
        unsigned op = model_rand(&s) % 10;
        if (op == 0) {
            iter_first(it);
            pos = 0;
        } else if (op == 1) {
            iter_last(it);
            pos = lv.n == 0 ? 0 : lv.n - 1;
        } else if (op == 2) {
            slice t = random_target(&m, &s, tb);
            iter_seek(it, t);
            for (pos = 0; pos < lv.n && ikey_compare(lv.k[pos], t) < 0; pos++) {}
        } else if (op == 3) {
            slice t = random_target(&m, &s, tb);
            iter_seek_for_prev(it, t);
            for (pos = lv.n; pos > 0 && ikey_compare(lv.k[pos - 1], t) > 0; pos--) {}
            pos = pos == 0 ? lv.n : pos - 1;
        } else if (pos < lv.n && op < 7) {
            iter_next(it);
            pos++;
        } else if (pos < lv.n) {
            iter_prev(it);
            pos = pos == 0 ? lv.n : pos - 1;
        }
        cr_assert_eq(iter_valid(it), pos < lv.n, "seed %u step %d", seed, step);
        if (pos < lv.n) {
            cr_assert_eq(ikey_compare(iter_key(it), lv.k[pos]), 0, "seed %u step %d", seed, step);
            cr_assert(slice_equal(iter_value(it), lv.v[pos]));
        }
    }
    cr_assert_eq(iter_status(it, NULL), SHALE_OK);
    iter_free(it);
    cr_assert_eq(lv.open_now, 0, "a file was left open");
    level_free(&lv);
    model_free(&m);
}

Test(concat_iter, matches_sorted_reference_under_random_seeks_steps_and_direction_switches)
{
    for (unsigned seed = 1; seed <= 3000; seed++)
        run_case(seed);
}

static void make_level(level *lv, model *m, int nops)
{
    unsigned s = 5;
    model_gen g = {.nkeys = 40, .nops = nops};
    model_generate(m, &g, &s);
    level_build(lv, m, &s);
}

Test(concat_iter, a_seek_opens_only_the_file_that_can_hold_the_target)
{
    model m = {0};
    level lv;
    make_level(&lv, &m, 400);
    cr_assert_gt(lv.nfiles, 10);
    iter *it = concat_iter_new(lv.files, lv.nfiles, open_file, &lv, NULL);
    size_t f = lv.nfiles / 2;
    iter_seek(it, lv.files[f].largest);
    cr_assert(iter_valid(it));
    cr_assert_eq(ikey_compare(iter_key(it), lv.files[f].largest), 0);
    cr_assert_eq(lv.opens, 1);
    iter_seek(it, lv.files[f].smallest);  /* same file: reused */
    cr_assert_eq(lv.opens, 1);
    iter_next(it);
    iter_seek_for_prev(it, lv.files[f + 1].smallest);
    cr_assert_eq(ikey_compare(iter_key(it), lv.files[f + 1].smallest), 0);
    iter_free(it);
    level_free(&lv);
    model_free(&m);
}

Test(concat_iter, an_open_failure_is_the_status_and_a_later_seek_elsewhere_recovers)
{
    model m = {0};
    level lv;
    make_level(&lv, &m, 200);
    lv.fail_file = 2;
    iter *it = concat_iter_new(lv.files, lv.nfiles, open_file, &lv, NULL);
    iter_seek(it, lv.files[1].largest);
    cr_assert(iter_valid(it));
    iter_next(it);  /* into file 2 */
    cr_assert_not(iter_valid(it));
    shale_err e = {0};
    cr_assert_eq(iter_status(it, &e), SHALE_IO_ERROR);
    cr_assert_str_eq(e.msg, "cannot open file 2");
    iter_seek(it, lv.files[3].smallest);
    cr_assert(iter_valid(it));
    cr_assert_eq(iter_status(it, NULL), SHALE_OK);
    iter_free(it);
    cr_assert_eq(lv.open_now, 0);
    level_free(&lv);
    model_free(&m);
}

Test(concat_iter, an_empty_level_is_never_valid)
{
    level lv = {.fail_file = SIZE_MAX};
    iter *it = concat_iter_new(NULL, 0, open_file, &lv, NULL);
    iter_first(it);
    cr_assert_not(iter_valid(it));
    iter_last(it);
    cr_assert_not(iter_valid(it));
    char b[9] = "a";
    enc_fixed64(b + 1, 0);
    iter_seek(it, slice_make(b, 9));
    cr_assert_not(iter_valid(it));
    cr_assert_eq(iter_status(it, NULL), SHALE_OK);
    iter_free(it);
}
