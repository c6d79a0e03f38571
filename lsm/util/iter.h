/* lsm/util/iter.h: the internal iterator interface.  Every source of
 * (internal key, value) pairs (memtable, SST file, a level of files, a
 * merge of sources) is an `iter` so that merging, compaction and the user
 * iterator combine them without knowing their kind.
 *
 * Contract, shared by every implementation:
 *   - keys are internal keys, in internal-key order (lsm/util/ikey.h);
 *   - key()/value() are valid until the next move or free;
 *   - after an error the iterator is invalid and status() returns the code
 *     (copying details to *err);
 *   - free() releases everything the iterator holds (NULL-safe through
 *     iter_free()).
 * One thread at a time. */
#ifndef LSM_UTIL_ITER_H
#define LSM_UTIL_ITER_H

#include <stdbool.h>
#include <stddef.h>

#include "lsm/util/slice.h"
#include "shale/err.h"

typedef struct iter iter;

typedef struct iter_ops {
    bool (*valid)(const iter *it);
    void (*first)(iter *it);
    void (*last)(iter *it);
    void (*seek)(iter *it, slice target);           /* first key >= target */
    void (*seek_for_prev)(iter *it, slice target);  /* last key <= target */
    void (*next)(iter *it);                         /* REQUIRES: valid */
    void (*prev)(iter *it);                         /* REQUIRES: valid */
    slice (*key)(const iter *it);                   /* REQUIRES: valid */
    slice (*value)(const iter *it);                 /* REQUIRES: valid */
    int (*status)(const iter *it, shale_err *err);
    void (*free)(iter *it);
} iter_ops;

struct iter {
    const iter_ops *ops;
};

static inline bool iter_valid(const iter *it) { return it->ops->valid(it); }
static inline void iter_first(iter *it) { it->ops->first(it); }
static inline void iter_last(iter *it) { it->ops->last(it); }
static inline void iter_seek(iter *it, slice t) { it->ops->seek(it, t); }
static inline void iter_seek_for_prev(iter *it, slice t) { it->ops->seek_for_prev(it, t); }
static inline void iter_next(iter *it) { it->ops->next(it); }
static inline void iter_prev(iter *it) { it->ops->prev(it); }
static inline slice iter_key(const iter *it) { return it->ops->key(it); }
static inline slice iter_value(const iter *it) { return it->ops->value(it); }
static inline int iter_status(const iter *it, shale_err *err) { return it->ops->status(it, err); }
static inline void iter_free(iter *it)
{
    if (it != NULL)
        it->ops->free(it);
}

/* An iterator over nothing, or one that only reports `code` (an error
 * while building a tree of iterators).  Free with iter_free(). NULL on no
 * memory. */
iter *iter_new_empty(int code, const shale_err *err);

#endif
