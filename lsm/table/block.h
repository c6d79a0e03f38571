/* lsm/table/block.h: reading RocksDB's generic block format (rocksdb-format.md
 * §6.2), used by data, index, metaindex, properties and range-del blocks.
 *
 *   entry*  restart[num_restarts]:fixed32  [bucket[n]:u8 n:fixed16]  word:fixed32
 *   entry := shared:varint32 non_shared:varint32 [value_len:varint32]
 *            key_delta[non_shared] value
 *   word   := num_restarts, bit 31 = data-block hash index (blocks <= 64 KiB
 *             only; a larger block uses the whole word as the count)
 *
 * block_init() validates the trailer and the restart array once, so the
 * iterator trusts restart offsets.  Entries are checked as they are decoded:
 * a malformed entry makes the iterator invalid with SHALE_CORRUPTION.
 * The hash-index part is bounds-checked and otherwise ignored (binary search
 * over restart points serves every lookup).
 *
 * Delta-encoded index blocks (§6.6) have no value_len; an entry with
 * shared == 0 carries a full handle, any other a zigzag size delta from the
 * previous entry's handle.  The iterator then presents the value as the
 * re-encoded handle (varint64 offset, varint64 size), and blk_iter_handle()
 * gives it decoded. */
#ifndef LSM_TABLE_BLOCK_H
#define LSM_TABLE_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "lsm/table/format.h"
#include "lsm/util/slice.h"
#include "shale/err.h"

#define BLOCK_HASH_INDEX_MAX_SIZE 65536u

/* A validated view of block bytes; borrows them (they must outlive it and
 * every iterator over it).  Plain data: no deinit. */
typedef struct block {
    const char *data;
    uint32_t size;          /* whole block, trailer word included */
    uint32_t restarts_off;  /* where the restart array starts = end of entries */
    uint32_t num_restarts;  /* >= 1 */
    bool hash_index;        /* bit 31 was set (and honoured) */
} block;

/* Validates contents as a block: room for the word, the restart array and
 * any hash-index tail; restart[0] == 0; restart offsets strictly increasing
 * and inside the entry area.  SHALE_CORRUPTION otherwise. */
int block_init(block *b, slice contents, shale_err *err);

enum blk_cmp {
    BLK_CMP_BYTEWISE = 0,  /* metaindex, properties, user-key index */
    BLK_CMP_IKEY,          /* data, range-del, internal-key index */
};

/* An iterator over one block.  Owns its key buffer (_init/_deinit); the key
 * and value last until the next move, deinit, or until the block's bytes go.
 * Moves on an invalid iterator are no-ops except first/last/seek*. */
typedef struct blk_iter {
    const char *data;
    uint32_t restarts_off, num_restarts;
    int cmp;                  /* enum blk_cmp */
    bool delta_values;        /* index block with delta-encoded handles */
    bool valid;
    uint32_t cur;             /* offset of the current entry */
    uint32_t next_off;        /* offset just past it */
    uint32_t restart_idx;     /* restart interval holding cur */
    const char *key;          /* into the block (shared == 0) or into kbuf */
    uint32_t key_len;
    char *kbuf;               /* reassembled keys; grows, never shrinks */
    uint32_t kcap;
    bool kbuf_owned;          /* kbuf is ours (malloc'd), not the caller's */
    slice value;
    block_handle handle;      /* delta_values: the current decoded handle */
    char hbuf[BLOCK_HANDLE_MAX_LEN];
    int status;               /* first error; iterator invalid after it */
    shale_err err;
} blk_iter;

/* REQUIRES: b initialised by block_init().  Starts invalid. */
void blk_iter_init(blk_iter *it, const block *b, int cmp, bool delta_values);
/* Lends the iterator a key buffer (e.g. on the caller's stack) to use
 * before it allocates its own: keys that fit never touch the heap.
 * REQUIRES: right after blk_iter_init(); buf outlives the iterator. */
void blk_iter_set_key_buf(blk_iter *it, char *buf, uint32_t cap);
/* Re-targets an initialised iterator at another block, keeping its buffer. */
void blk_iter_reset(blk_iter *it, const block *b);
void blk_iter_deinit(blk_iter *it);   /* NULL-safe */

void blk_iter_first(blk_iter *it);
void blk_iter_last(blk_iter *it);
/* First entry with key >= target in the block's comparator. */
void blk_iter_seek(blk_iter *it, slice target);
/* Last entry with key <= target. */
void blk_iter_seek_for_prev(blk_iter *it, slice target);
void blk_iter_next(blk_iter *it);   /* REQUIRES: valid */
void blk_iter_prev(blk_iter *it);   /* REQUIRES: valid */

static inline bool blk_iter_valid(const blk_iter *it) { return it->valid; }
static inline slice blk_iter_key(const blk_iter *it) { return slice_make(it->key, it->key_len); }
static inline slice blk_iter_value(const blk_iter *it) { return it->value; }
/* The current entry's value decoded as a block handle (any index form).
 * SHALE_CORRUPTION if it does not decode. */
int blk_iter_handle(const blk_iter *it, block_handle *h, shale_err *err);
/* SHALE_OK, or the first error (copied to *err). */
int blk_iter_status(const blk_iter *it, shale_err *err);
/* Compares two keys in the iterator's order. */
int blk_compare(int cmp, slice a, slice b);

#endif
