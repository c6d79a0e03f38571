/* lsm/table/table_iter.h: a table's data and range-deletion iterators as
 * the internal iterator interface (lsm/util/iter.h), so merging,
 * compaction and the user iterator take SST files like any other source.
 *
 * The adaptor holds a reference on the reader (through its sst_iter) and,
 * when the reader has a block cache, pins the current data block in it
 * until the iterator moves to another block or is freed. */
#ifndef LSM_TABLE_TABLE_ITER_H
#define LSM_TABLE_TABLE_ITER_H

#include "lsm/table/sst_reader.h"
#include "lsm/util/iter.h"

/* All entries (internal key, value) in internal-key order.  o may be NULL
 * (the reader's verify_checksums, fill_cache true).  NULL on failure, with
 * *err set (SHALE_NO_MEMORY, or an I/O or corruption error reading a
 * cached index block); nothing is left half-built.  Free with iter_free(). */
iter *sst_reader_new_data_iter(sst_reader *r, const sst_iter_options *o, shale_err *err);

/* The range tombstones: key = start internal key (type 0x0F), value = end
 * user key (exclusive), in file order.  An iterator over nothing when the
 * table has none.  NULL on failure as above. */
iter *sst_reader_new_range_del_iter(sst_reader *r, const sst_iter_options *o, shale_err *err);

#endif
