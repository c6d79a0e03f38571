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

#include "lsm/util/coding.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

struct memtable {
    atomic_int refs;
    arena arena;             /* every node of both lists */
    skiplist points;         /* values, deletions, merges */
    skiplist range_dels;     /* VT_RANGE_DELETION: begin -> end */
    /* Written by the writer only, read by anyone (relaxed). */
    atomic_uint_fast64_t num_entries, num_deletes, num_range_deletes, data_size;
    atomic_uint_fast64_t first_seq, last_seq;
};

/* ---- entries ---------------------------------------------------------- */

/* A varint32 we encoded ourselves: well-formed, so no limit to check. */
static inline const char *trusted_varint32(const char *p, uint32_t *v)
{
    uint32_t r = 0;
    for (unsigned shift = 0;; shift += 7) {
        uint32_t byte = (unsigned char)*p++;
        r |= (byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            break;
    }
    *v = r;
    return p;
}

static inline slice entry_ikey(const char *e)
{
    uint32_t n;
    const char *p = trusted_varint32(e, &n);
    return slice_make(p, n);
}

static inline slice entry_value(const char *e)
{
    slice k = entry_ikey(e);
    uint32_t n;
    const char *p = trusted_varint32(k.data + k.len, &n);
    return slice_make(p, n);
}

static inline uint64_t entry_trailer(slice ikey)
{
    return dec_fixed64(ikey.data + ikey.len - IKEY_TRAILER_LEN);
}

/* Internal-key order of two entries (or lookup targets). */
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

/* Encodes varint32(len) + head + tail, a lookup target, into small (cap
 * bytes) or, if it does not fit, into *big.  NULL when *big cannot grow. */
static const char *encode_target(char *small, size_t cap, shale_buf *big, slice head, slice tail)
{
    size_t len = head.len + tail.len;
    size_t need = VARINT32_MAX_LEN + len;
    char *p = small;
    if (need > cap) {
        shale_buf_clear(big);
        if (!shale_buf_reserve(big, need))
            return NULL;
        p = big->data;
    }
    char *q = enc_varint32(p, (uint32_t)len);
    if (head.len > 0)
        memcpy(q, head.data, head.len);
    if (tail.len > 0)
        memcpy(q + head.len, tail.data, tail.len);
    return p;
}

/* ---- lifetime --------------------------------------------------------- */

int mem_new(memtable **out, shale_err *err)
{
    *out = NULL;
    memtable *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SHALE_NOMEM(err);
    atomic_init(&m->refs, 1);
    arena_init(&m->arena);
    if (skl_init(&m->points, &m->arena, entry_cmp, NULL) != SHALE_OK ||
        skl_init(&m->range_dels, &m->arena, entry_cmp, NULL) != SHALE_OK) {
        arena_deinit(&m->arena);
        free(m);
        return SHALE_NOMEM(err);
    }
    *out = m;
    return SHALE_OK;
}

void mem_ref(memtable *m) { atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed); }

void mem_unref(memtable *m)
{
    if (m == NULL)
        return;
    /* acq_rel: every other holder's use happens before the free. */
    if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) != 1)
        return;
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
    bool deletion = type == VT_DELETION || type == VT_SINGLE_DELETION;
    size_t vlen = deletion ? 0 : value.len;
    uint32_t klen = (uint32_t)(user_key.len + IKEY_TRAILER_LEN);
    size_t n = (size_t)varint_length(klen) + klen + (size_t)varint_length(vlen) + vlen;
    skiplist *l = type == VT_RANGE_DELETION ? &m->range_dels : &m->points;
    char *e = skl_alloc(l, n);
    if (e == NULL)
        return SHALE_NOMEM(err);
    char *p = enc_varint32(e, klen);
    if (user_key.len > 0)
        memcpy(p, user_key.data, user_key.len);
    p += user_key.len;
    enc_fixed64(p, ikey_pack(seq, type));
    p = enc_varint32(p + IKEY_TRAILER_LEN, (uint32_t)vlen);
    if (vlen > 0)
        memcpy(p, value.data, vlen);
    if (!skl_insert(l, e))
        return SHALE_INVALID(err, "memtable: key+seq exists (seq %llu)", (unsigned long long)seq);
    count_add(m, seq, type, n);
    return SHALE_OK;
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
        slice ik = entry_ikey(skl_iter_key(&it));
        if (slice_compare(ikey_user_key(ik), user_key) > 0)
            break;
        uint64_t seq = entry_trailer(ik) >> 8;
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
    uint64_t tr = entry_trailer(entry_ikey(e));
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
    char small[256], trailer[IKEY_TRAILER_LEN];
    shale_buf big = SHALE_BUF_INIT;
    enc_fixed64(trailer, ikey_pack(snapshot_seq, VT_FOR_SEEK));
    const char *target = encode_target(small, sizeof small, &big, user_key,
                                       slice_make(trailer, sizeof trailer));
    if (target == NULL)
        return SHALE_NOMEM(err);
    skl_iter it;
    skl_iter_init(&it, &m->points);
    bool done = false, nomem = false;
    for (skl_iter_seek(&it, target); skl_iter_valid(&it); skl_iter_next(&it)) {
        const char *e = skl_iter_key(&it);
        if (!slice_equal(ikey_user_key(entry_ikey(e)), user_key))
            break;
        done = take_entry(ctx, e, &nomem);
        if (done)
            break;
    }
    shale_buf_deinit(&big);
    if (nomem)
        return SHALE_NOMEM(err);
    if (!done)
        ctx->state = ctx->num_operands > 0 ? MEM_GET_MERGE_IN_PROGRESS : MEM_GET_NOT_PRESENT;
    return SHALE_OK;
}

/* ---- statistics ------------------------------------------------------- */

size_t mem_approximate_memory_usage(const memtable *m) { return arena_memory_usage(&m->arena); }

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

static void iter_init(mem_iter *it, const skiplist *l)
{
    skl_iter_init(&it->pos, l);
    it->rc = SHALE_OK;
    shale_buf_init(&it->big);
}

void mem_iter_init(mem_iter *it, memtable *m) { iter_init(it, &m->points); }
void mem_iter_init_range_del(mem_iter *it, memtable *m) { iter_init(it, &m->range_dels); }

void mem_iter_deinit(mem_iter *it)
{
    if (it == NULL)
        return;
    shale_buf_deinit(&it->big);
    it->pos.node = NULL;
}

slice mem_iter_key(const mem_iter *it) { return entry_ikey(skl_iter_key(&it->pos)); }
slice mem_iter_value(const mem_iter *it) { return entry_value(skl_iter_key(&it->pos)); }
void mem_iter_next(mem_iter *it) { skl_iter_next(&it->pos); }
void mem_iter_prev(mem_iter *it) { skl_iter_prev(&it->pos); }

/* The target as an entry, or NULL (iterator invalid, rc set). */
static const char *seek_target(mem_iter *it, slice target)
{
    assert(target.len >= IKEY_TRAILER_LEN);
    it->rc = SHALE_OK;
    const char *t = encode_target(it->small, sizeof it->small, &it->big, target,
                                  slice_make(NULL, 0));
    if (t == NULL) {
        it->rc = SHALE_NO_MEMORY;
        it->pos.node = NULL;
    }
    return t;
}

void mem_iter_seek(mem_iter *it, slice target)
{
    const char *t = seek_target(it, target);
    if (t != NULL)
        skl_iter_seek(&it->pos, t);
}

void mem_iter_seek_for_prev(mem_iter *it, slice target)
{
    const char *t = seek_target(it, target);
    if (t != NULL)
        skl_iter_seek_for_prev(&it->pos, t);
}

void mem_iter_seek_to_first(mem_iter *it)
{
    it->rc = SHALE_OK;
    skl_iter_seek_to_first(&it->pos);
}

void mem_iter_seek_to_last(mem_iter *it)
{
    it->rc = SHALE_OK;
    skl_iter_seek_to_last(&it->pos);
}
