/* lsm/memtable/memtable.h: the in-memory write buffer, with RocksDB's
 * memtable semantics over internal keys (lsm/util/ikey.h).
 *
 * Every write is one entry in an arena, encoded as entry.h says, and
 * ordered by internal key (user key ascending, then newest first).  Point
 * entries live in a point index (point_index.h: a skiplist of user keys
 * with version chains, plus a hash index for lookups).  Range tombstones
 * (VT_RANGE_DELETION, [begin, end)) go to a SEPARATE skiplist, as in
 * RocksDB, with begin as the user key and end as the value;
 * a tombstone with sequence T hides entries with sequence < T whose user key
 * is in [begin, end).  Nothing is ever removed: a memtable only grows until
 * it is flushed and released.
 *
 * Lifetime: reference-counted.  mem_new() gives the creator the first
 * reference; mem_unref() of the last frees the memtable and every pointer
 * into it (values from mem_get, iterator keys), so hold a reference while
 * using them.
 *
 * Thread-safety: ONE writer at a time (mem_add; callers serialize it) and
 * any number of concurrent readers (mem_get, iterators, the statistics)
 * without locks.  mem_ref/mem_unref are atomic. */
#ifndef LSM_MEMTABLE_MEMTABLE_H
#define LSM_MEMTABLE_MEMTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/memtable/point_index.h"
#include "lsm/memtable/skiplist.h"
#include "lsm/util/buf.h"
#include "lsm/util/ikey.h"
#include "lsm/util/slice.h"
#include "shale/err.h"

typedef struct memtable memtable;

/* A new empty memtable holding one reference, its hash index sized for
 * about write_buffer_size bytes of entries (0: small; a wrong guess only
 * makes lookups slower).  SHALE_NO_MEMORY: *out NULL. */
int mem_new_sized(memtable **out, size_t write_buffer_size, shale_err *err);
/* mem_new_sized(out, 0, err). */
int mem_new(memtable **out, shale_err *err);
void mem_ref(memtable *m);
/* Drops a reference; the last one frees the memtable.  NULL-safe. */
void mem_unref(memtable *m);

/* Adds one write.  type is VT_VALUE, VT_DELETION, VT_SINGLE_DELETION,
 * VT_MERGE (value: the operand) or VT_RANGE_DELETION (user_key: begin,
 * value: end, exclusive).  Deletions ignore value (pass an empty slice).
 * Writer only.  Codes:
 *   SHALE_INVALID_ARGUMENT  another type, seq > MAX_SEQUENCE, a key or value
 *                           over 4 GiB, or this (key, seq, type) is already
 *                           present (RocksDB's "key+seq exists"); nothing added
 *   SHALE_NO_MEMORY         nothing added */
int mem_add(memtable *m, uint64_t seq, int type, slice user_key, slice value, shale_err *err);

enum mem_get_state {
    MEM_GET_NOT_PRESENT,       /* no visible entry here: look in older sources */
    MEM_GET_FOUND,             /* a value; apply any collected operands to it */
    MEM_GET_DELETED,           /* a deletion (point or range); operands, if any,
                                * merge onto no base value */
    MEM_GET_MERGE_IN_PROGRESS, /* only operands here: look for the base in older
                                * sources, keeping the context */
};

/* A point lookup's state, carried from the newest source to older ones
 * (memtable, immutable memtables, then tables).  Caller's storage. */
typedef struct mem_get_ctx {
    /* In and out: the largest sequence of a range tombstone covering the key
     * in the sources read so far (0: none).  Entries older than it are
     * treated as deleted. */
    uint64_t max_covering_tombstone_seq;
    /* In and out: merge operands found so far, newest first, each appended
     * to *operands as varint32 length + bytes (read with get_lp_slice()).
     * operands is the caller's buffer, or NULL to only count them. */
    shale_buf *operands;
    size_t num_operands;
    /* Out, set by every mem_get(). */
    int state;        /* enum mem_get_state */
    slice value;      /* MEM_GET_FOUND: the value, borrowed from the memtable */
    uint64_t seq;     /* FOUND, DELETED: the deciding entry's sequence (for a
                       * range deletion: the covered entry's) */
} mem_get_ctx;

/* Zeroes the context for a new lookup; operands: as in the struct. */
void mem_get_ctx_init(mem_get_ctx *ctx, shale_buf *operands);

/* Looks up the newest entry of user_key with sequence <= snapshot_seq,
 * honouring this memtable's range tombstones visible at the snapshot, and
 * sets ctx->state (and value, seq).  Merge operands are collected until a
 * value or a deletion is met under them.  A key covered by a tombstone here
 * but with no point entry here is MEM_GET_NOT_PRESENT with
 * ctx->max_covering_tombstone_seq raised: pass the same ctx to the older
 * sources, which then treat entries below it as deleted (RocksDB's way).
 * REQUIRES: ctx set by mem_get_ctx_init() for this key.  Any thread.  Codes:
 *   SHALE_NO_MEMORY  a long key's lookup buffer or the operand buffer could
 *                    not grow; ctx->state is not meaningful */
int mem_get(memtable *m, slice user_key, uint64_t snapshot_seq, mem_get_ctx *ctx, shale_err *err);

/* The largest sequence <= snapshot_seq of a range tombstone in m covering
 * user_key, or 0 if none.  Any thread.  Costs a walk over the tombstones
 * whose begin <= user_key. */
uint64_t mem_max_covering_tombstone_seq(memtable *m, slice user_key, uint64_t snapshot_seq);

/* Statistics, readable from any thread without a lock; a value may be a
 * moment stale while a write is in progress. */
size_t mem_approximate_memory_usage(const memtable *m);  /* arena + hash index bytes */
uint64_t mem_num_entries(const memtable *m);   /* every mem_add, range deletions too */
uint64_t mem_num_deletes(const memtable *m);   /* VT_DELETION + VT_SINGLE_DELETION */
uint64_t mem_num_range_deletes(const memtable *m);
uint64_t mem_data_size(const memtable *m);     /* encoded entry bytes */
/* Smallest and largest sequence added; 0 while empty. */
uint64_t mem_first_seq(const memtable *m);
uint64_t mem_last_seq(const memtable *m);

/* An iterator over the point entries (key: internal key, value: value) or,
 * from mem_iter_init_range_del(), over the range tombstones (key: internal
 * key of begin with type VT_RANGE_DELETION, value: end), in internal-key
 * order.  Caller's storage; release with mem_iter_deinit().  Keys and
 * values stay valid while the caller holds its memtable reference.
 * REQUIRES: the caller holds a reference on m for the iterator's life. */
typedef struct mem_iter {
    pix_iter pos;        /* points: node and version; range deletions: the
                          * skiplist position in pos.node, its entry in pos.ver */
    bool range_del;
    int rc;              /* SHALE_OK, or SHALE_NO_MEMORY after a failed seek */
    shale_buf big;       /* seek targets too long for `small` */
    char small[160];
} mem_iter;

void mem_iter_init(mem_iter *it, memtable *m);
void mem_iter_init_range_del(mem_iter *it, memtable *m);
void mem_iter_deinit(mem_iter *it);   /* NULL-safe */
static inline bool mem_iter_valid(const mem_iter *it) { return it->pos.ver != NULL; }
/* REQUIRES: valid. */
slice mem_iter_key(const mem_iter *it);
slice mem_iter_value(const mem_iter *it);
void mem_iter_next(mem_iter *it);
void mem_iter_prev(mem_iter *it);
/* First entry >= / last entry <= the internal key target.
 * REQUIRES: target.len >= 8 (a user key and a trailer). */
void mem_iter_seek(mem_iter *it, slice target);
void mem_iter_seek_for_prev(mem_iter *it, slice target);
void mem_iter_seek_to_first(mem_iter *it);
void mem_iter_seek_to_last(mem_iter *it);
/* SHALE_OK, or SHALE_NO_MEMORY if a seek could not encode its target (the
 * iterator is then not valid).  The next successful seek clears it. */
static inline int mem_iter_status(const mem_iter *it) { return it->rc; }

#endif
