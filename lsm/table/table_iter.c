/* lsm/table/table_iter.c: the iter interface over sst_iter (see
 * table_iter.h).  Each call forwards; the wrapper adds one indirect call
 * per step and nothing else. */
#include "lsm/table/table_iter.h"

#include <stdlib.h>

#include "lsm/util/err.h"

typedef struct table_iter {
    iter base;
    sst_iter *it;
} table_iter;

static inline sst_iter *inner(const iter *i) { return ((const table_iter *)i)->it; }

static bool t_valid(const iter *i) { return sst_iter_valid(inner(i)); }
static void t_first(iter *i) { sst_iter_first(inner(i)); }
static void t_last(iter *i) { sst_iter_last(inner(i)); }
static void t_seek(iter *i, slice t) { sst_iter_seek(inner(i), t); }
static void t_seek_for_prev(iter *i, slice t) { sst_iter_seek_for_prev(inner(i), t); }
static void t_next(iter *i) { sst_iter_next(inner(i)); }
static void t_prev(iter *i) { sst_iter_prev(inner(i)); }
static slice t_key(const iter *i) { return sst_iter_key(inner(i)); }
static slice t_value(const iter *i) { return sst_iter_value(inner(i)); }
static int t_status(const iter *i, shale_err *err) { return sst_iter_status(inner(i), err); }

static void t_free(iter *i)
{
    sst_iter_free(inner(i));
    free(i);
}

static const iter_ops table_iter_ops = {
    .valid = t_valid, .first = t_first, .last = t_last, .seek = t_seek,
    .seek_for_prev = t_seek_for_prev, .next = t_next, .prev = t_prev, .key = t_key,
    .value = t_value, .status = t_status, .free = t_free,
};

static iter *wrap(sst_reader *r, sst_iter_kind kind, const sst_iter_options *o, shale_err *err)
{
    table_iter *t = malloc(sizeof *t);
    if (t == NULL) {
        SHALE_NOMEM(err);
        return NULL;
    }
    if (sst_iter_new(r, kind, o, &t->it, err) != SHALE_OK) {
        free(t);
        return NULL;
    }
    t->base.ops = &table_iter_ops;
    return &t->base;
}

iter *sst_reader_new_data_iter(sst_reader *r, const sst_iter_options *o, shale_err *err)
{
    return wrap(r, SST_ITER_DATA, o, err);
}

iter *sst_reader_new_range_del_iter(sst_reader *r, const sst_iter_options *o, shale_err *err)
{
    return wrap(r, SST_ITER_RANGE_DEL, o, err);
}
