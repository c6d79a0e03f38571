/* lsm/table/sst_reader_int.h: what sst_reader.c (open, blocks, get, verify)
 * and sst_iter.c (the iterators) share.  Not for other modules: use
 * sst_reader.h.
 *
 * Blocks are obtained by handle in two ways:
 *   - sst_fetch_block(): straight from the file into caller-owned memory
 *     (verification, and the blocks the reader holds);
 *   - sst_acquire_block(): through the block cache when the reader has one
 *     (data blocks always; index and filter blocks when
 *     cache_index_and_filter_blocks), else like sst_fetch_block(). */
#ifndef LSM_TABLE_SST_READER_INT_H
#define LSM_TABLE_SST_READER_INT_H

#include <stdatomic.h>

#include "lsm/cache/block_cache.h"
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
    /* The block cache (opts.cache, one reference held), or NULL. */
    block_cache *cache;
    uint64_t cache_id;       /* this reader's key prefix in the cache */
    bool meta_cached;        /* index and filter live in the cache, not below */
    shale_buf index_buf;     /* !meta_cached: the index block */
    block index_block;
    shale_buf filter_buf;    /* !meta_cached: the filter block */
    filter_reader filter;    /* meta_cached: only .kind is set */
    block_handle filter_handle;
    const char *filter_name; /* borrowed from meta[] */
    bool has_range_del;
    shale_buf range_del_buf;
    block range_del_block;
};

/* Caller-owned memory for fetching blocks: the fixed regions (e.g. on the
 * stack; NULL/0 for none) are used when the block fits, else the growable
 * buffers, which are reused across fetches.  Zero-initialise; deinit. */
typedef struct sst_fetch_ctx {
    shale_buf buf, scratch;      /* stored bytes; uncompressed bytes */
    char *raw_fixed;
    size_t raw_cap;              /* holds blocks of raw_cap - 5 bytes (trailer) */
    char *unc_fixed;
    size_t unc_cap;
    /* When own_hdr > 0, an LZ4 block is uncompressed into a malloc'd
     * region of own_hdr + its size bytes, returned in *owned (contents at
     * owned + own_hdr), which the caller then owns: a block bound for the
     * cache is uncompressed straight into its entry. */
    size_t own_hdr;
    char *owned;
    /* Readahead (sequential scans): when ra_size > 0 a block read outside
     * the window [ra_off, ra_off + ra.len) reads ra_size bytes from the
     * block on into ra, and blocks inside the window are served from it
     * without a read. */
    size_t ra_size;
    uint64_t ra_off;
    shale_buf ra;
} sst_fetch_ctx;

void sst_fetch_ctx_deinit(sst_fetch_ctx *c);   /* NULL-safe; frees the buffers only */

/* Fetches the block at h: range check, checksum when `verify`, and
 * uncompression when `may_be_compressed`.  *out points into ctx's memory
 * and stays valid until ctx is reused or freed. */
int sst_fetch_block(const sst_reader *r, block_handle h, bool verify, bool may_be_compressed,
                    sst_fetch_ctx *ctx, slice *out, shale_err *err);

/* A block ready to use: b for data and index blocks, f for filters. */
typedef struct sst_parsed {
    block b;
    filter_reader f;
} sst_parsed;

/* Gives the block at h of `kind` (BC_KIND_DATA, _INDEX or _FILTER) parsed.
 * From the cache when there (*pin set: release with bc_release(r->cache,
 * *pin) when done); else read through ctx and, when `fill`, inserted and
 * pinned.  *pin == NULL means the bytes are in ctx.  On failure *pin is
 * NULL. */
int sst_acquire_block(const sst_reader *r, block_handle h, int kind, bool verify, bool fill,
                      sst_fetch_ctx *ctx, sst_parsed *out, bc_handle **pin, shale_err *err);

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

/* Filter check with a cached filter block (meta_cached): a read failure
 * counts as "may match", as in RocksDB. */
bool sst_filter_may_match(const sst_reader *r, slice user_key, bool fill);

#endif
