/* lsm/table/block.c: the generic block reader and its iterator (see block.h
 * for the layout).
 *
 * Hot path: next() decodes one entry with the one-byte varint fast path,
 * bounds-checks it, and either points the key into the block (shared == 0)
 * or extends the reassembled key in kbuf, which only grows: no allocation
 * per entry once the buffer fits the longest key.  seek() binary-searches
 * the restart keys (stored whole, shared == 0) and then scans at most one
 * restart interval.  prev() rescans from the restart point before the
 * current entry, which also re-derives delta-encoded index handles from
 * the restart's full handle. */
#include "lsm/table/block.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/coding.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

int block_init(block *b, slice contents, shale_err *err)
{
    memset(b, 0, sizeof *b);
    if (contents.len < 4 || contents.len > UINT32_MAX)
        return SHALE_CORRUPT(err, "bad block size %zu", contents.len);
    uint32_t size = (uint32_t)contents.len;
    uint32_t word = dec_fixed32(contents.data + size - 4);
    uint32_t end = size - 4;
    uint32_t n = word;
    if (size <= BLOCK_HASH_INDEX_MAX_SIZE) {
        n = word & 0x7fffffffu;
        b->hash_index = (word >> 31) != 0;
    }
    if (b->hash_index) {
        if (end < 2)
            return SHALE_CORRUPT(err, "block of %u bytes too short for a hash index", size);
        uint32_t buckets = dec_fixed16(contents.data + end - 2);
        if ((uint64_t)buckets + 2 > end)
            return SHALE_CORRUPT(err, "block hash index of %u buckets exceeds the block", buckets);
        end -= 2 + buckets;
    }
    if (n == 0 || (uint64_t)n * 4 > end)
        return SHALE_CORRUPT(err, "block of %u bytes cannot hold %u restarts", size, n);
    b->data = contents.data;
    b->size = size;
    b->num_restarts = n;
    b->restarts_off = end - n * 4;
    const char *r = contents.data + b->restarts_off;
    if (dec_fixed32(r) != 0)
        return SHALE_CORRUPT(err, "block's first restart is %u, not 0", dec_fixed32(r));
    for (uint32_t i = 1, prev = 0; i < n; i++) {
        uint32_t off = dec_fixed32(r + 4 * (size_t)i);
        if (off <= prev || off >= b->restarts_off)
            return SHALE_CORRUPT(err, "block restart %u at offset %u out of order or range", i,
                                 off);
        prev = off;
    }
    return SHALE_OK;
}

int blk_compare(int cmp, slice a, slice b)
{
    return cmp == BLK_CMP_IKEY ? ikey_compare(a, b) : slice_compare(a, b);
}

void blk_iter_init(blk_iter *it, const block *b, int cmp, bool delta_values)
{
    memset(it, 0, sizeof *it);
    it->cmp = cmp;
    it->delta_values = delta_values;
    blk_iter_reset(it, b);
}

void blk_iter_set_key_buf(blk_iter *it, char *buf, uint32_t cap)
{
    it->kbuf = buf;
    it->kcap = cap;
    it->kbuf_owned = false;
}

void blk_iter_reset(blk_iter *it, const block *b)
{
    it->data = b->data;
    it->restarts_off = b->restarts_off;
    it->num_restarts = b->num_restarts;
    it->valid = false;
    it->key = NULL;
    it->key_len = 0;
    it->value = slice_make(NULL, 0);
    it->status = SHALE_OK;
}

void blk_iter_deinit(blk_iter *it)
{
    if (it == NULL)
        return;
    if (it->kbuf_owned)
        free(it->kbuf);
    it->kbuf = NULL;
    it->kcap = 0;
    it->kbuf_owned = false;
    it->valid = false;
}

static inline uint32_t restart_at(const blk_iter *it, uint32_t i)
{
    return dec_fixed32(it->data + it->restarts_off + 4 * (size_t)i);
}

static void fail(blk_iter *it, uint32_t off, const char *what)
{
    it->valid = false;
    if (it->status == SHALE_OK)
        it->status = SHALE_CORRUPT(&it->err, "bad block entry at offset %u: %s", off, what);
}

/* Reads shared, non_shared and (unless delta values) value_len at p. */
static inline const char *decode_header(const blk_iter *it, const char *p, const char *limit,
                                        uint32_t *shared, uint32_t *non_shared, uint32_t *vlen)
{
    if (!it->delta_values && limit - p >= 3 &&
        (((unsigned char)p[0] | (unsigned char)p[1] | (unsigned char)p[2]) & 0x80) == 0) {
        *shared = (unsigned char)p[0];
        *non_shared = (unsigned char)p[1];
        *vlen = (unsigned char)p[2];
        return p + 3;
    }
    *vlen = 0;
    if ((p = dec_varint32(p, limit, shared)) == NULL ||
        (p = dec_varint32(p, limit, non_shared)) == NULL)
        return NULL;
    if (!it->delta_values && (p = dec_varint32(p, limit, vlen)) == NULL)
        return NULL;
    return p;
}

/* Delta-encoded index value at p: a full handle when shared == 0, else a
 * zigzag size delta from the previous handle.  Returns the end or NULL. */
static const char *decode_delta_value(blk_iter *it, const char *p, const char *limit,
                                      uint32_t shared)
{
    block_handle h;
    if (shared == 0) {
        if ((p = dec_varint64(p, limit, &h.offset)) == NULL ||
            (p = dec_varint64(p, limit, &h.size)) == NULL)
            return NULL;
    } else {
        uint64_t z;
        if ((p = dec_varint64(p, limit, &z)) == NULL)
            return NULL;
        int64_t d = zigzag_decode(z);
        block_handle prev = it->handle;
        if (prev.size > UINT64_MAX - BLOCK_TRAILER_LEN - prev.offset)
            return NULL;
        if ((d < 0 && (uint64_t)0 - (uint64_t)d > prev.size) ||
            (d > 0 && (uint64_t)d > UINT64_MAX - prev.size))
            return NULL;
        h.offset = prev.offset + prev.size + BLOCK_TRAILER_LEN;
        h.size = prev.size + (uint64_t)d;
    }
    it->handle = h;
    char *e = enc_varint64(it->hbuf, h.offset);
    e = enc_varint64(e, h.size);
    it->value = slice_make(it->hbuf, (size_t)(e - it->hbuf));
    return p;
}

static bool grow_key(blk_iter *it, size_t need)
{
    size_t cap = it->kcap < 64 ? 64 : it->kcap;
    while (cap < need)
        cap *= 2;
    bool in_buf = it->key == it->kbuf && it->kbuf != NULL;
    char *nb;
    if (it->kbuf_owned || it->kbuf == NULL) {
        nb = realloc(it->kbuf, cap);
    } else {   /* leave the lent buffer, keeping what it holds */
        nb = malloc(cap);
        if (nb != NULL)
            memcpy(nb, it->kbuf, it->kcap);
    }
    if (nb == NULL)
        return false;
    it->kbuf = nb;
    it->kbuf_owned = true;
    it->kcap = (uint32_t)cap;
    if (in_buf)
        it->key = nb;
    return true;
}

/* Decodes the entry at off (the previous key is it->key); sets valid. */
static void decode_entry(blk_iter *it, uint32_t off)
{
    const char *p = it->data + off, *limit = it->data + it->restarts_off;
    uint32_t shared, non_shared, vlen;
    if ((p = decode_header(it, p, limit, &shared, &non_shared, &vlen)) == NULL)
        return fail(it, off, "bad entry header");
    if (shared > it->key_len || non_shared > (size_t)(limit - p))
        return fail(it, off, "key runs past the previous key or the block");
    const char *delta = p;
    p += non_shared;
    if (it->delta_values) {
        if ((p = decode_delta_value(it, p, limit, shared)) == NULL)
            return fail(it, off, "bad delta-encoded block handle");
    } else {
        if (vlen > (size_t)(limit - p))
            return fail(it, off, "value runs past the block");
        it->value = slice_make(p, vlen);
        p += vlen;
    }
    if (shared == 0) {
        it->key = delta;
    } else {
        size_t need = (size_t)shared + non_shared;
        if (need > it->kcap && !grow_key(it, need)) {
            it->valid = false;
            it->status = SHALE_NOMEM(&it->err);
            return;
        }
        if (it->key != it->kbuf)
            memcpy(it->kbuf, it->key, shared);
        memcpy(it->kbuf + shared, delta, non_shared);
        it->key = it->kbuf;
    }
    it->key_len = shared + non_shared;
    it->cur = off;
    it->next_off = (uint32_t)(p - it->data);
    it->valid = true;
}

static void seek_to_restart(blk_iter *it, uint32_t i)
{
    it->key = NULL;
    it->key_len = 0;
    it->restart_idx = i;
    uint32_t off = restart_at(it, i);
    if (off >= it->restarts_off) {   /* only the empty block's restart 0 */
        it->valid = false;
        return;
    }
    decode_entry(it, off);
}

void blk_iter_first(blk_iter *it)
{
    it->status = SHALE_OK;
    seek_to_restart(it, 0);
}

void blk_iter_next(blk_iter *it)
{
    if (!it->valid)
        return;
    uint32_t off = it->next_off;
    if (off >= it->restarts_off) {
        it->valid = false;
        return;
    }
    decode_entry(it, off);
    while (it->restart_idx + 1 < it->num_restarts && restart_at(it, it->restart_idx + 1) <= off)
        it->restart_idx++;
}

void blk_iter_last(blk_iter *it)
{
    it->status = SHALE_OK;
    seek_to_restart(it, it->num_restarts - 1);
    while (it->valid && it->next_off < it->restarts_off)
        blk_iter_next(it);
}

void blk_iter_prev(blk_iter *it)
{
    if (!it->valid)
        return;
    uint32_t target = it->cur;
    uint32_t ri = it->restart_idx;
    while (restart_at(it, ri) >= target) {
        if (ri == 0) {
            it->valid = false;   /* was at the first entry */
            return;
        }
        ri--;
    }
    seek_to_restart(it, ri);
    while (it->valid && it->next_off < target)
        blk_iter_next(it);
    if (it->valid && it->next_off != target)
        fail(it, target, "entries do not line up with the restart points");
}

/* The whole key stored at restart i (its entry must have shared == 0). */
static bool restart_key(blk_iter *it, uint32_t i, slice *key)
{
    uint32_t off = restart_at(it, i);
    const char *p = it->data + off, *limit = it->data + it->restarts_off;
    uint32_t shared, non_shared, vlen;
    if ((p = decode_header(it, p, limit, &shared, &non_shared, &vlen)) == NULL || shared != 0 ||
        non_shared > (size_t)(limit - p)) {
        fail(it, off, "bad restart entry");
        return false;
    }
    *key = slice_make(p, non_shared);
    return true;
}

void blk_iter_seek(blk_iter *it, slice target)
{
    it->status = SHALE_OK;
    uint32_t lo = 0, hi = it->num_restarts - 1;
    while (lo < hi) {   /* last restart whose key is < target, or 0 */
        uint32_t mid = lo + (hi - lo + 1) / 2;
        slice k;
        if (!restart_key(it, mid, &k))
            return;
        if (blk_compare(it->cmp, k, target) < 0)
            lo = mid;
        else
            hi = mid - 1;
    }
    seek_to_restart(it, lo);
    while (it->valid && blk_compare(it->cmp, blk_iter_key(it), target) < 0)
        blk_iter_next(it);
}

void blk_iter_seek_for_prev(blk_iter *it, slice target)
{
    blk_iter_seek(it, target);
    if (!it->valid) {
        if (it->status == SHALE_OK)
            blk_iter_last(it);
        return;
    }
    if (blk_compare(it->cmp, blk_iter_key(it), target) > 0)
        blk_iter_prev(it);
}

int blk_iter_handle(const blk_iter *it, block_handle *h, shale_err *err)
{
    if (it->delta_values) {
        *h = it->handle;
        return SHALE_OK;
    }
    slice v = it->value;
    if (!block_handle_decode(&v, h))
        return SHALE_CORRUPT(err, "bad block handle in index entry at offset %u", it->cur);
    return SHALE_OK;
}

int blk_iter_status(const blk_iter *it, shale_err *err)
{
    if (it->status != SHALE_OK)
        return shale_err_copy(err, &it->err);
    return SHALE_OK;
}
