/* lsm/table/block_builder.h: builds one generic block of a block-based table
 * (rocksdb-format.md §6.2): data, index, metaindex, properties and
 * range-deletion blocks all share it.
 *
 *   entry*  restart[num_restarts]:fixed32  footer_word:fixed32
 *   entry := shared:varint32 non_shared:varint32 [value_len:varint32]
 *            key_delta[non_shared] value
 *
 * Keys are prefix-compressed against the previous key; every
 * `restart_interval` entries a restart point stores the key whole.  The
 * footer word is the restart count (bit 31, the hash index, is never set).
 *
 * Delta-value mode (index blocks with format_version >= 4, §6.6): there is no
 * value_len; an entry with shared == 0 carries its full value (a block
 * handle) and any other entry carries the caller's delta value instead (the
 * zigzag size delta).  The choice follows `shared`, exactly as RocksDB's
 * reader expects.
 *
 * Ownership: the builder owns its buffers (_init/_deinit).  After
 * block_builder_reset() the capacity is kept, so a table builder reusing one
 * block builder allocates nothing per entry in the steady state.
 * Allocation failures are sticky: block_builder_ok() turns false. */
#ifndef LSM_TABLE_BLOCK_BUILDER_H
#define LSM_TABLE_BLOCK_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/util/buf.h"
#include "lsm/util/slice.h"

/* "Never restart again": the properties block has a single restart point. */
#define BLOCK_RESTART_NEVER INT32_MAX

typedef struct block_builder {
    shale_buf buf;          /* entries so far; the finished block after finish */
    shale_buf restarts;     /* restart offsets, already encoded as fixed32 */
    shale_buf last_key;     /* the previous key, for prefix sharing */
    int restart_interval;   /* >= 1 */
    bool delta_values;      /* index mode: no value_len, delta when shared != 0 */
    int counter;            /* entries since the last restart */
    size_t num_entries;
    bool finished;
} block_builder;

/* REQUIRES: restart_interval >= 1. */
void block_builder_init(block_builder *b, int restart_interval, bool delta_values);
void block_builder_deinit(block_builder *b);   /* NULL-safe */
/* Empties the builder for the next block, keeping its memory. */
void block_builder_reset(block_builder *b);

/* Appends an entry.  In delta-value mode `delta_value` replaces `value`
 * whenever the key shares a prefix with the previous key; otherwise it is
 * ignored (pass an empty slice).
 * REQUIRES: not finished; keys added in the block's order (not checked). */
void block_builder_add(block_builder *b, slice key, slice value, slice delta_value);

/* Appends the restart array and footer word; returns the block bytes,
 * valid until the next reset or deinit.  REQUIRES: not finished. */
slice block_builder_finish(block_builder *b);

/* Bytes the block would have if finished now. */
size_t block_builder_estimated_size(const block_builder *b);
/* RocksDB's (deliberately rough) estimate of the size after adding key and
 * value: the whole key is counted, delta values as half the value. */
size_t block_builder_estimate_after(const block_builder *b, slice key, slice value);

static inline bool block_builder_empty(const block_builder *b) { return b->num_entries == 0; }
static inline size_t block_builder_num_entries(const block_builder *b) { return b->num_entries; }
/* false once an allocation failed (the block is then incomplete). */
static inline bool block_builder_ok(const block_builder *b)
{
    return shale_buf_ok(&b->buf) && shale_buf_ok(&b->restarts) && shale_buf_ok(&b->last_key);
}
/* The previous key added (empty before the first). */
static inline slice block_builder_last_key(const block_builder *b)
{
    return shale_buf_slice(&b->last_key);
}

#endif
