/* lsm/table/sst_reader.h: reading block-based table files written by RocksDB
 * (format_version 0..5) or by shale.
 *
 * Opening reads the footer, metaindex, properties, index block, and, when
 * present, the filter and range-deletion blocks; data blocks are read on
 * demand.  Every length, offset and count from disk is bounds-checked; a
 * damaged file gives SHALE_CORRUPTION with the file name and offset in the
 * message, never a crash.  Codecs this build lacks give SHALE_NOT_SUPPORTED
 * naming the codec.
 *
 * Block cache (options.cache): data blocks are looked up in the cache
 * under (reader's cache id, block offset) before they are read, and on a
 * miss read, verified, uncompressed and inserted (uncompressed, charged at
 * their contents' length) unless the read says fill_cache = false.  With
 * cache_index_and_filter_blocks the index and filter blocks go through the
 * cache the same way (read into it at open, looked up on each use);
 * otherwise the reader holds them for its lifetime, uncharged.  Hits and
 * misses are counted in the cache by block kind.  A cache entry read is
 * pinned for as long as it is used: by an iterator until it moves to
 * another block, by a point lookup for its duration.
 *
 * Ownership: sst_reader is reference-counted (_ref/_unref; the opener holds
 * the first reference).  An sst_iter holds a reference on its reader; the
 * reader holds one on its cache.
 * Thread-safety: one reader serves many threads (iterators each belong to
 * one thread). */
#ifndef LSM_TABLE_SST_READER_H
#define LSM_TABLE_SST_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "lsm/cache/block_cache.h"
#include "lsm/table/format.h"
#include "lsm/table/properties.h"
#include "lsm/util/buf.h"
#include "lsm/util/statistics.h"
#include "lsm/util/slice.h"
#include "shale/env.h"
#include "shale/err.h"

typedef struct sst_reader sst_reader;
typedef struct sst_iter sst_iter;

typedef struct sst_reader_options {
    bool verify_checksums;  /* verify every block read (default true) */
    bool use_filter;        /* consult the Bloom filter in sst_reader_get (default true) */
    block_cache *cache;     /* NULL (default): no cache; else referenced while open */
    bool cache_index_and_filter_blocks;   /* RocksDB's option; default false */
    shale_statistics *stats;  /* block cache and Bloom filter tickers; NULL: none */
} sst_reader_options;

void sst_reader_options_init(sst_reader_options *o);

/* Opens `path` through env.  opts may be NULL (defaults).  On failure *out
 * is NULL and the message names the file. */
int sst_reader_open(shale_env *env, const char *path, const sst_reader_options *opts,
                    sst_reader **out, shale_err *err);
void sst_reader_ref(sst_reader *r);
void sst_reader_unref(sst_reader *r);   /* NULL-safe; frees at zero */

const char *sst_reader_path(const sst_reader *r);
uint64_t sst_reader_file_size(const sst_reader *r);
const sst_footer *sst_reader_footer(const sst_reader *r);
/* Decoded properties; an all-zero set when the file has none. */
const sst_props *sst_reader_props(const sst_reader *r);
bool sst_reader_has_properties(const sst_reader *r);
/* The filter's kind (enum filter_kind in filter.h), FILTER_ALWAYS_TRUE when
 * the file has no usable filter; the metaindex name of the filter block, or
 * NULL. */
int sst_reader_filter_kind(const sst_reader *r);
const char *sst_reader_filter_name(const sst_reader *r);
/* Whether the user key may be in the file per its filter (true if no filter). */
bool sst_reader_key_may_match(const sst_reader *r, slice user_key);

/* Point lookup: for each entry whose user key equals lookup's user key,
 * starting at the first internal key >= `lookup` (an internal key, usually
 * user_key + pack(snapshot_seq, VT_FOR_SEEK)), calls fn(arg, ikey, value)
 * in order until fn returns false or the user key changes.  The filter is
 * consulted first (if enabled).  SHALE_OK even when nothing matched. */
typedef bool (*sst_get_fn)(void *arg, slice ikey, slice value);
int sst_reader_get(sst_reader *r, slice lookup, sst_get_fn fn, void *arg, shale_err *err);
typedef struct sst_iter_options sst_iter_options;
/* As sst_reader_get() with read options (NULL: the reader's defaults).
 * Allocates nothing on cache hits, nor, without a cache, for uncompressed
 * blocks of up to SST_GET_STACK_BLOCK bytes (read into a stack buffer). */
int sst_reader_get_opt(sst_reader *r, const sst_iter_options *o, slice lookup, sst_get_fn fn,
                       void *arg, shale_err *err);
#define SST_GET_STACK_BLOCK 8192

/* Reads every block the file references (index entries, data blocks, meta
 * blocks), verifying checksums and decoding each block's structure and
 * every entry of it, and checks that data keys are in internal-key order.
 * Catches what RocksDB 7.8.3's `sst_dump --command=verify` misses. */
int sst_reader_verify(sst_reader *r, shale_err *err);

/* Reads the block at h: verifies the trailer checksum (per options) and,
 * when `may_be_compressed`, uncompresses it.  out is cleared first. */
int sst_reader_read_block(sst_reader *r, block_handle h, bool may_be_compressed, shale_buf *out,
                          shale_err *err);

/* Metaindex entries in file order: name and handle.  Borrowed; valid while
 * the reader lives. */
typedef struct sst_meta_entry {
    const char *name;
    block_handle handle;
} sst_meta_entry;
size_t sst_reader_num_meta(const sst_reader *r);
const sst_meta_entry *sst_reader_meta(const sst_reader *r, size_t i);

/* --- iterators ----------------------------------------------------------
 * Data iterator: all entries (internal key, value) in internal-key order.
 * Range-deletion iterator: the range-del block's entries in file order,
 * key = start internal key (type 0x0F), value = end user key (exclusive).
 * Index iterator: key = separator as stored (user key or internal key per
 * the index properties), value = the encoded BlockHandle (varint64 offset,
 * varint64 size), whatever the on-disk delta encoding.
 *
 * key/value are valid until the next move or free.  After an error the
 * iterator is invalid and sst_iter_status() reports it. */
typedef enum sst_iter_kind { SST_ITER_DATA, SST_ITER_RANGE_DEL, SST_ITER_INDEX } sst_iter_kind;

struct sst_iter_options {
    bool verify_checksums;  /* checksums of blocks read from the file */
    bool fill_cache;        /* insert blocks read on a cache miss */
};
/* Defaults: the reader's verify_checksums, fill_cache true. */
void sst_iter_options_init(sst_iter_options *o, const sst_reader *r);

int sst_iter_new(sst_reader *r, sst_iter_kind kind, const sst_iter_options *opts, sst_iter **out,
                 shale_err *err);
void sst_iter_free(sst_iter *it);   /* NULL-safe; drops the reader reference */
bool sst_iter_valid(const sst_iter *it);
void sst_iter_first(sst_iter *it);
void sst_iter_last(sst_iter *it);
/* First entry with key >= target (an internal key; for the range-del and
 * index iterators too). */
void sst_iter_seek(sst_iter *it, slice target);
/* Last entry with key <= target. */
void sst_iter_seek_for_prev(sst_iter *it, slice target);
void sst_iter_next(sst_iter *it);   /* REQUIRES: valid */
void sst_iter_prev(sst_iter *it);   /* REQUIRES: valid */
slice sst_iter_key(const sst_iter *it);     /* REQUIRES: valid */
slice sst_iter_value(const sst_iter *it);   /* REQUIRES: valid */
/* The data block the iterator is in (data iterator only). */
block_handle sst_iter_block(const sst_iter *it);
/* SHALE_OK, or the first error met (copied to *err). */
int sst_iter_status(const sst_iter *it, shale_err *err);

#endif
