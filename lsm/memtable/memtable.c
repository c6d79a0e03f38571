/* lsm/memtable/memtable.c: see memtable.h.  RocksDB's MemTable over two
 * skiplists in one arena: point entries, and range tombstones apart so a
 * lookup that finds no tombstones pays one pointer load for them.
 *
 * Entries are encoded once, straight into their skiplist node (no malloc per
 * write), and compared in place: the comparator decodes only the two length
 * varints, memcmp()s the user keys and reads the trailers only on a tie.
 * Lookups and seeks encode their target the same way into a stack (or
 * iterator) buffer, falling back to the heap only for keys over ~100 bytes.
 *
 * Statistics are atomics written only by the single writer (plain load +
 * store, relaxed) and read relaxed by anyone: a reader that sees a count a
 * moment stale only makes a flush decision one write late. */
#include "lsm/memtable/memtable.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/memtable/entry.h"
#include "lsm/util/coding.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

struct memtable {
    atomic_int refs;
    arena arena;             /* every node and version */
    point_index points;      /* values, deletions, merges */
    skiplist range_dels;     /* VT_RANGE_DELETION: begin -> end */
    /* Written by the writer only, read by anyone (relaxed). */
    atomic_uint_fast64_t num_entries, num_deletes, num_range_deletes, data_size;
    atomic_uint_fast64_t first_seq, last_seq;
};

/* ---- entries ---------------------------------------------------------- */

/* Internal-key order of two range-tombstone entries (or lookup targets). */
static int entry_cmp(const char *a, const char *b, const void *ctx)
{
    (void)ctx;
    slice ka = entry_ikey(a), kb = entry_ikey(b);
    size_t ua = ka.len - IKEY_TRAILER_LEN, ub = kb.len - IKEY_TRAILER_LEN;
    int r = bytes_compare(ka.data, kb.data, ua < ub ? ua : ub);
    if (r != 0)
        return r;
    if (ua != ub)
        return ua < ub ? -1 : 1;
    uint64_t ta = dec_fixed64(ka.data + ua), tb = dec_fixed64(kb.data + ub);
    return ta > tb ? -1 : (ta < tb ? 1 : 0);   /* newest first */
}

/* Encodes pad bytes (left as they are) + varint32(len) + ikey, a seek
 * target, into small (cap bytes) or, if it does not fit, into *big.  NULL
 * when *big cannot grow. */
static const char *encode_target(char *small, size_t cap, shale_buf *big, size_t pad, slice ikey)
{
    size_t need = pad + VARINT32_MAX_LEN + ikey.len;
    char *p = small;
    if (need > cap) {
        shale_buf_clear(big);
        if (!shale_buf_reserve(big, need))
            return NULL;
        p = big->data;
    }
    char *q = enc_varint32(p + pad, (uint32_t)ikey.len);
    if (ikey.len > 0)
        memcpy(q, ikey.data, ikey.len);
    return p;
}

/* ---- lifetime --------------------------------------------------------- */

int mem_new_sized(memtable **out, size_t write_buffer_size, shale_err *err)
{
    *out = NULL;
    memtable *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SHALE_NOMEM(err);
    atomic_init(&m->refs, 1);
    arena_init(&m->arena);
    if (pix_init(&m->points, &m->arena, write_buffer_size) != SHALE_OK ||
        skl_init(&m->range_dels, &m->arena, entry_cmp, NULL) != SHALE_OK) {
        pix_deinit(&m->points);
        arena_deinit(&m->arena);
        free(m);
        return SHALE_NOMEM(err);
    }
    *out = m;
    return SHALE_OK;
}

int mem_new(memtable **out, shale_err *err) { return mem_new_sized(out, 0, err); }

void mem_ref(memtable *m) { atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed); }

void mem_unref(memtable *m)
{
    if (m == NULL)
        return;
    /* acq_rel: every other holder's use happens before the free. */
    if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) != 1)
        return;
    pix_deinit(&m->points);
    arena_deinit(&m->arena);
    free(m);
}

/* ---- writes ----------------------------------------------------------- */

static inline void bump(atomic_uint_fast64_t *c, uint64_t by)
{
    uint64_t v = atomic_load_explicit(c, memory_order_relaxed);
    atomic_store_explicit(c, v + by, memory_order_relaxed);
}

static int check_add(uint64_t seq, int type, slice key, slice value, shale_err *err)
{
    if (type != VT_VALUE && type != VT_DELETION && type != VT_SINGLE_DELETION &&
        type != VT_MERGE && type != VT_RANGE_DELETION)
        return SHALE_INVALID(err, "memtable: unsupported value type 0x%x", (unsigned)type);
    if (seq > MAX_SEQUENCE)
        return SHALE_INVALID(err, "memtable: sequence %llu too large", (unsigned long long)seq);
    if (key.len > UINT32_MAX - IKEY_TRAILER_LEN || value.len > UINT32_MAX)
        return SHALE_INVALID(err, "memtable: key or value over 4 GiB");
    return SHALE_OK;
}

static void count_add(memtable *m, uint64_t seq, int type, size_t encoded_len)
{
    uint64_t n = atomic_load_explicit(&m->num_entries, memory_order_relaxed);
    if (n == 0 || seq < atomic_load_explicit(&m->first_seq, memory_order_relaxed))
        atomic_store_explicit(&m->first_seq, seq, memory_order_relaxed);
    if (seq > atomic_load_explicit(&m->last_seq, memory_order_relaxed))
        atomic_store_explicit(&m->last_seq, seq, memory_order_relaxed);
    bump(&m->num_entries, 1);
    bump(&m->data_size, encoded_len);
    if (type == VT_DELETION || type == VT_SINGLE_DELETION)
        bump(&m->num_deletes, 1);
    else if (type == VT_RANGE_DELETION)
        bump(&m->num_range_deletes, 1);
}

int mem_add(memtable *m, uint64_t seq, int type, slice user_key, slice value, shale_err *err)
{
    int rc = check_add(seq, type, user_key, value, err);
    if (rc != SHALE_OK)
        return rc;
    if (type == VT_DELETION || type == VT_SINGLE_DELETION)
        value = slice_make(NULL, 0);
    size_t n = entry_size(user_key.len, value.len);
    uint64_t trailer = ikey_pack(seq, type);
    if (type != VT_RANGE_DELETION) {
        rc = pix_add(&m->points, user_key, trailer, value, err);
    } else {
        char *e = skl_alloc(&m->range_dels, n);
        if (e == NULL)
            return SHALE_NOMEM(err);
        entry_encode(e, user_key, trailer, value);
        if (!skl_insert(&m->range_dels, e))
            rc = SHALE_INVALID(err, "memtable: key+seq exists (seq %llu)",
                               (unsigned long long)seq);
    }
    if (rc == SHALE_OK)
        count_add(m, seq, type, n);
    return rc;
}

/* ---- reads ------------------------------------------------------------ */

uint64_t mem_max_covering_tombstone_seq(memtable *m, slice user_key, uint64_t snapshot_seq)
{
    uint64_t best = 0;
    skl_iter it;
    skl_iter_init(&it, &m->range_dels);
    /* Sorted by begin: every tombstone that can cover the key comes before
     * the first with begin > key.  TODO: fragment the tombstones (RocksDB's
     * FragmentedRangeTombstoneList) if memtables come to hold many. */
    for (skl_iter_seek_to_first(&it); skl_iter_valid(&it); skl_iter_next(&it)) {
        const char *e = skl_iter_key(&it);
        if (slice_compare(entry_user_key(e), user_key) > 0)
            break;
        uint64_t seq = entry_trailer(e) >> 8;
        if (seq > snapshot_seq || seq <= best)
            continue;
        if (slice_compare(user_key, entry_value(skl_iter_key(&it))) < 0)
            best = seq;
    }
    return best;
}

void mem_get_ctx_init(mem_get_ctx *ctx, shale_buf *operands)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->operands = operands;
    ctx->state = MEM_GET_NOT_PRESENT;
}

/* Applies one entry of the looked-up key (newest first); true when it
 * decides the lookup.  *nomem is set if an operand could not be kept. */
static bool take_entry(mem_get_ctx *ctx, const char *e, bool *nomem)
{
    uint64_t tr = entry_trailer(e);
    uint64_t seq = tr >> 8;
    int type = (int)(tr & 0xff);
    if (seq < ctx->max_covering_tombstone_seq)
        type = VT_RANGE_DELETION;   /* hidden by a newer range tombstone */
    switch (type) {
    case VT_VALUE:
        ctx->state = MEM_GET_FOUND;
        ctx->value = entry_value(e);
        ctx->seq = seq;
        return true;
    case VT_MERGE:
        if (ctx->operands != NULL) {
            shale_buf_put_lp_slice(ctx->operands, entry_value(e));
            *nomem = !shale_buf_ok(ctx->operands);
        }
        ctx->num_operands++;
        return *nomem;
    default:   /* deletions; mem_add() admits no other type */
        ctx->state = MEM_GET_DELETED;
        ctx->seq = seq;
        return true;
    }
}

int mem_get(memtable *m, slice user_key, uint64_t snapshot_seq, mem_get_ctx *ctx, shale_err *err)
{
    ctx->value = slice_make(NULL, 0);
    ctx->seq = 0;
    if (!skl_empty(&m->range_dels)) {
        uint64_t t = mem_max_covering_tombstone_seq(m, user_key, snapshot_seq);
        if (t > ctx->max_covering_tombstone_seq)
            ctx->max_covering_tombstone_seq = t;
    }
    bool done = false, nomem = false;
    for (const char *v = pix_find(&m->points, user_key); v != NULL && !done;
         v = pix_version_next(v)) {
        if (entry_trailer(v) >> 8 <= snapshot_seq)
            done = take_entry(ctx, v, &nomem);
    }
    if (nomem)
        return SHALE_NOMEM(err);
    if (!done)
        ctx->state = ctx->num_operands > 0 ? MEM_GET_MERGE_IN_PROGRESS : MEM_GET_NOT_PRESENT;
    return SHALE_OK;
}

/* ---- statistics ------------------------------------------------------- */

size_t mem_approximate_memory_usage(const memtable *m)
{
    return arena_memory_usage(&m->arena) + pix_memory_usage(&m->points);
}

#define STAT(name, field) \
    uint64_t name(const memtable *m) \
    { \
        return atomic_load_explicit(&m->field, memory_order_relaxed); \
    }
STAT(mem_num_entries, num_entries)
STAT(mem_num_deletes, num_deletes)
STAT(mem_num_range_deletes, num_range_deletes)
STAT(mem_data_size, data_size)
STAT(mem_first_seq, first_seq)
STAT(mem_last_seq, last_seq)
#undef STAT

/* ---- iterators -------------------------------------------------------- */

static void iter_init(mem_iter *it, memtable *m, bool range_del)
{
    pix_iter_init(&it->pos, &m->points);
    if (range_del)
        skl_iter_init(&it->pos.node, &m->range_dels);
    it->range_del = range_del;
    it->rc = SHALE_OK;
    shale_buf_init(&it->big);
}

void mem_iter_init(mem_iter *it, memtable *m) { iter_init(it, m, false); }
void mem_iter_init_range_del(mem_iter *it, memtable *m) { iter_init(it, m, true); }

void mem_iter_deinit(mem_iter *it)
{
    if (it == NULL)
        return;
    shale_buf_deinit(&it->big);
    it->pos.ver = NULL;
}

slice mem_iter_key(const mem_iter *it) { return entry_ikey(it->pos.ver); }
slice mem_iter_value(const mem_iter *it) { return entry_value(it->pos.ver); }

/* A range-deletion iterator's entry is its skiplist position. */
static inline void rd_settle(mem_iter *it) { it->pos.ver = it->pos.node.node; }

void mem_iter_next(mem_iter *it)
{
    if (!it->range_del) {
        pix_iter_next(&it->pos);
        return;
    }
    skl_iter_next(&it->pos.node);
    rd_settle(it);
}

void mem_iter_prev(mem_iter *it)
{
    if (!it->range_del) {
        pix_iter_prev(&it->pos);
        return;
    }
    skl_iter_prev(&it->pos.node);
    rd_settle(it);
}

/* The target as the list compares it, or NULL (iterator invalid, rc set):
 * for range deletions an entry's key part, for points PIX_NODE_HDR bytes
 * and the user key (the trailer goes apart). */
static const char *seek_target(mem_iter *it, slice target)
{
    assert(target.len >= IKEY_TRAILER_LEN);
    it->rc = SHALE_OK;
    size_t pad = it->range_del ? 0 : PIX_NODE_HDR;
    if (!it->range_del)
        target.len -= IKEY_TRAILER_LEN;
    const char *t = encode_target(it->small, sizeof it->small, &it->big, pad, target);
    if (t == NULL) {
        it->rc = SHALE_NO_MEMORY;
        it->pos.ver = NULL;
    }
    return t;
}

void mem_iter_seek(mem_iter *it, slice target)
{
    const char *t = seek_target(it, target);
    if (t == NULL)
        return;
    if (!it->range_del) {
        pix_iter_seek(&it->pos, t, dec_fixed64(target.data + target.len - IKEY_TRAILER_LEN));
        return;
    }
    skl_iter_seek(&it->pos.node, t);
    rd_settle(it);
}

void mem_iter_seek_for_prev(mem_iter *it, slice target)
{
    const char *t = seek_target(it, target);
    if (t == NULL)
        return;
    if (!it->range_del) {
        pix_iter_seek_for_prev(&it->pos, t,
                               dec_fixed64(target.data + target.len - IKEY_TRAILER_LEN));
        return;
    }
    skl_iter_seek_for_prev(&it->pos.node, t);
    rd_settle(it);
}

void mem_iter_seek_to_first(mem_iter *it)
{
    it->rc = SHALE_OK;
    if (!it->range_del) {
        pix_iter_first(&it->pos);
        return;
    }
    skl_iter_seek_to_first(&it->pos.node);
    rd_settle(it);
}

void mem_iter_seek_to_last(mem_iter *it)
{
    it->rc = SHALE_OK;
    if (!it->range_del) {
        pix_iter_last(&it->pos);
        return;
    }
    skl_iter_seek_to_last(&it->pos.node);
    rd_settle(it);
}
