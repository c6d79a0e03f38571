/* lsm/memtable/memtable_iter.h: a memtable as an internal iterator
 * (lsm/util/iter.h), for merging with other sources.  The iterator holds a
 * reference on the memtable, so its keys stay valid until it is freed. */
#ifndef LSM_MEMTABLE_MEMTABLE_ITER_H
#define LSM_MEMTABLE_MEMTABLE_ITER_H

#include "lsm/memtable/memtable.h"
#include "lsm/util/iter.h"

/* Point entries, or (range_del) the range tombstones: key = begin internal
 * key, value = end user key.  NULL on no memory. */
iter *mem_new_iter(memtable *m, bool range_del);

#endif
