/* lsm/util/iter.c: the empty / error iterator (see iter.h). */
#include "lsm/util/iter.h"

#include <stdlib.h>

#include "lsm/util/err.h"

typedef struct empty_iter {
    iter base;
    shale_err err;
} empty_iter;

static bool e_valid(const iter *it) { return false; }
static void e_move(iter *it) {}
static void e_seek(iter *it, slice t) {}
static slice e_slice(const iter *it) { return slice_make(NULL, 0); }

static int e_status(const iter *it, shale_err *err)
{
    return shale_err_copy(err, &((const empty_iter *)it)->err);
}

static void e_free(iter *it) { free(it); }

static const iter_ops empty_ops = {
    .valid = e_valid, .first = e_move,  .last = e_move,   .seek = e_seek,
    .seek_for_prev = e_seek, .next = e_move, .prev = e_move, .key = e_slice,
    .value = e_slice, .status = e_status, .free = e_free,
};

iter *iter_new_empty(int code, const shale_err *err)
{
    empty_iter *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->base.ops = &empty_ops;
    if (err != NULL && code != SHALE_OK)
        e->err = *err;
    e->err.code = code;
    return &e->base;
}
