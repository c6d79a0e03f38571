/* lsm/table/concat_iter.c: the level iterator (see concat_iter.h).
 *
 * Invariants:
 *   1. child != NULL iff file `cur` is open; at most one file is open.
 *   2. Valid iff the child is valid and err is clear.  When the child runs
 *      off an end the neighbouring files are opened until one has an entry
 *      or the level ends, so a valid child is never left at an end. */
#include "lsm/table/concat_iter.h"

#include <stdlib.h>

#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

typedef struct concat_iter {
    iter base;
    const concat_file *files;
    size_t n;
    concat_open_fn open;
    void *arg;
    iter *child;
    size_t cur;      /* meaningful while child != NULL */
    shale_err err;   /* open or child failure since the last seek */
} concat_iter;

static void close_child(concat_iter *c)
{
    iter_free(c->child);
    c->child = NULL;
}

/* Makes file i the open one (reusing it if it already is).  False on error. */
static bool open_file(concat_iter *c, size_t i)
{
    if (c->child != NULL && c->cur == i)
        return true;
    close_child(c);
    shale_err e = {0};
    c->child = c->open(c->arg, i, &e);
    if (c->child == NULL) {
        if (e.code == SHALE_OK)
            SHALE_ERR(&e, SHALE_NO_MEMORY, "opening file %zu of a level failed", i);
        c->err = e;
        return false;
    }
    c->cur = i;
    return true;
}

/* Whether the child is usable; records its error if it has one. */
static bool child_ok(concat_iter *c)
{
    if (c->child == NULL)
        return false;
    if (iter_valid(c->child))
        return true;
    if (iter_status(c->child, &c->err) != SHALE_OK) {
        close_child(c);
        return false;
    }
    shale_err_clear(&c->err);
    return false;
}

/* The child ran off its end: open following files until one has entries. */
static void skip_forward(concat_iter *c)
{
    while (c->child != NULL && !child_ok(c) && c->err.code == SHALE_OK) {
        size_t next = c->cur + 1;
        close_child(c);
        if (next >= c->n || !open_file(c, next))
            return;
        iter_first(c->child);
    }
}

static void skip_backward(concat_iter *c)
{
    while (c->child != NULL && !child_ok(c) && c->err.code == SHALE_OK) {
        size_t cur = c->cur;
        close_child(c);
        if (cur == 0 || !open_file(c, cur - 1))
            return;
        iter_last(c->child);
    }
}

/* First file whose largest key is >= target (n if none). */
static size_t find_file(const concat_iter *c, slice target)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ikey_compare(c->files[mid].largest, target) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool c_valid(const iter *it)
{
    const concat_iter *c = (const concat_iter *)it;
    return c->child != NULL && c->err.code == SHALE_OK && iter_valid(c->child);
}

static void c_first(iter *it)
{
    concat_iter *c = (concat_iter *)it;
    shale_err_clear(&c->err);
    if (c->n == 0 || !open_file(c, 0))
        return;
    iter_first(c->child);
    skip_forward(c);
}

static void c_last(iter *it)
{
    concat_iter *c = (concat_iter *)it;
    shale_err_clear(&c->err);
    if (c->n == 0 || !open_file(c, c->n - 1))
        return;
    iter_last(c->child);
    skip_backward(c);
}

static void c_seek(iter *it, slice target)
{
    concat_iter *c = (concat_iter *)it;
    shale_err_clear(&c->err);
    size_t i = find_file(c, target);
    if (i >= c->n) {
        close_child(c);
        return;
    }
    if (!open_file(c, i))
        return;
    iter_seek(c->child, target);
    skip_forward(c);
}

static void c_seek_for_prev(iter *it, slice target)
{
    concat_iter *c = (concat_iter *)it;
    shale_err_clear(&c->err);
    size_t i = find_file(c, target);
    /* Past every file, or before file i begins: the answer is in i - 1. */
    if (i >= c->n || ikey_compare(c->files[i].smallest, target) > 0) {
        if (i == 0) {
            close_child(c);
            return;
        }
        i--;
    }
    if (!open_file(c, i))
        return;
    iter_seek_for_prev(c->child, target);
    skip_backward(c);
}

static void c_next(iter *it)
{
    concat_iter *c = (concat_iter *)it;
    iter_next(c->child);
    skip_forward(c);
}

static void c_prev(iter *it)
{
    concat_iter *c = (concat_iter *)it;
    iter_prev(c->child);
    skip_backward(c);
}

static slice c_key(const iter *it) { return iter_key(((const concat_iter *)it)->child); }
static slice c_value(const iter *it) { return iter_value(((const concat_iter *)it)->child); }

static int c_status(const iter *it, shale_err *err)
{
    return shale_err_copy(err, &((const concat_iter *)it)->err);
}

static void c_free(iter *it)
{
    concat_iter *c = (concat_iter *)it;
    close_child(c);
    free(c);
}

static const iter_ops concat_ops = {
    .valid = c_valid, .first = c_first, .last = c_last, .seek = c_seek,
    .seek_for_prev = c_seek_for_prev, .next = c_next, .prev = c_prev, .key = c_key,
    .value = c_value, .status = c_status, .free = c_free,
};

iter *concat_iter_new(const concat_file *files, size_t n, concat_open_fn open, void *arg,
                      shale_err *err)
{
    concat_iter *c = calloc(1, sizeof *c);
    if (c == NULL) {
        SHALE_NOMEM(err);
        return NULL;
    }
    c->base.ops = &concat_ops;
    c->files = files;
    c->n = n;
    c->open = open;
    c->arg = arg;
    return &c->base;
}
