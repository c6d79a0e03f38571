/* lsm/memtable/memtable_iter.c: the iter adaptor over mem_iter. */
#include "lsm/memtable/memtable_iter.h"

#include <stdlib.h>

#include "lsm/util/err.h"

typedef struct mem_iter_adapter {
    iter base;
    memtable *mem;    /* referenced */
    mem_iter it;
} mem_iter_adapter;

#define MI(x) ((mem_iter_adapter *)(x))
#define CMI(x) ((const mem_iter_adapter *)(x))

static bool mi_valid(const iter *it) { return mem_iter_valid(&CMI(it)->it); }
static void mi_first(iter *it) { mem_iter_seek_to_first(&MI(it)->it); }
static void mi_last(iter *it) { mem_iter_seek_to_last(&MI(it)->it); }
static void mi_seek(iter *it, slice t) { mem_iter_seek(&MI(it)->it, t); }
static void mi_seek_for_prev(iter *it, slice t) { mem_iter_seek_for_prev(&MI(it)->it, t); }
static void mi_next(iter *it) { mem_iter_next(&MI(it)->it); }
static void mi_prev(iter *it) { mem_iter_prev(&MI(it)->it); }
static slice mi_key(const iter *it) { return mem_iter_key(&CMI(it)->it); }
static slice mi_value(const iter *it) { return mem_iter_value(&CMI(it)->it); }

static int mi_status(const iter *it, shale_err *err)
{
    int rc = mem_iter_status(&CMI(it)->it);
    return rc == SHALE_OK ? SHALE_OK : SHALE_ERR(err, rc, "memtable iterator: out of memory");
}

static void mi_free(iter *it)
{
    mem_iter_deinit(&MI(it)->it);
    mem_unref(MI(it)->mem);
    free(it);
}

static const iter_ops mem_iter_ops = {
    .valid = mi_valid, .first = mi_first, .last = mi_last, .seek = mi_seek,
    .seek_for_prev = mi_seek_for_prev, .next = mi_next, .prev = mi_prev, .key = mi_key,
    .value = mi_value, .status = mi_status, .free = mi_free,
};

iter *mem_new_iter(memtable *m, bool range_del)
{
    mem_iter_adapter *a = malloc(sizeof *a);
    if (a == NULL)
        return NULL;
    a->base.ops = &mem_iter_ops;
    mem_ref(m);
    a->mem = m;
    if (range_del)
        mem_iter_init_range_del(&a->it, m);
    else
        mem_iter_init(&a->it, m);
    return &a->base;
}
