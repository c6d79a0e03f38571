/* lsm/table/sst_reader_int.h: what sst_reader.c (open, blocks, get, verify)
 * and sst_iter.c (the iterators) share.  Not for other modules: use
 * sst_reader.h.
 *
 * sst_fetch_block() is the one place a block's bytes are obtained by
 * handle; the block cache will slot in there. */
#ifndef LSM_TABLE_SST_READER_INT_H
#define LSM_TABLE_SST_READER_INT_H

#include <stdatomic.h>

#include "lsm/table/block.h"
#include "lsm/table/filter.h"
#include "lsm/table/sst_reader.h"

struct sst_reader {
    atomic_int refs;
    /* Immutable after open: no lock. */
    shale_file *file;
    char *path;
    uint64_t file_size;
    sst_reader_options opts;
    sst_footer footer;
    sst_props props;
    bool has_props;
    bool no_compression;     /* rocksdb.compression = NoCompression: type byte must be 0 */
    bool index_user_keys;    /* separators are user keys */
    bool index_delta;        /* index values are delta-encoded */
    sst_meta_entry *meta;
    size_t num_meta;
    shale_buf index_buf;
    block index_block;
    shale_buf filter_buf;
    filter_reader filter;
    const char *filter_name; /* borrowed from meta[] */
    bool has_range_del;
    shale_buf range_del_buf;
    block range_del_block;
};

/* Fetches the block at h into *out (which it may point into buf or scratch,
 * both caller-owned and reused across calls): range check, checksum when
 * `verify`, and uncompression when `may_be_compressed`.  The result stays
 * valid until buf/scratch are reused or freed. */
int sst_fetch_block(sst_reader *r, block_handle h, bool verify, bool may_be_compressed,
                    shale_buf *buf, shale_buf *scratch, slice *out, shale_err *err);

/* The index iterator's comparator and the key to seek it with for an
 * internal-key target. */
static inline int sst_index_cmp(const sst_reader *r)
{
    return r->index_user_keys ? BLK_CMP_BYTEWISE : BLK_CMP_IKEY;
}
static inline slice sst_index_target(const sst_reader *r, slice ikey_target)
{
    return r->index_user_keys ? slice_make(ikey_target.data,
                                           ikey_target.len >= 8 ? ikey_target.len - 8 : 0)
                              : ikey_target;
}

#endif
