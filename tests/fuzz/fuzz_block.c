/* tests/fuzz/fuzz_block.c: libFuzzer target for the block reader
 * (lsm/table/block.h).  The first input byte picks how the rest is read:
 *   bits 0-1: 0 data block (internal keys, plain values)
 *             1 index block, internal keys, full handles
 *             2 index block, user keys (bytewise), full handles
 *             3 metaindex/properties (bytewise, plain values)
 *   bit 2:    index forms only: delta-encoded handles (format_version 4+),
 *             so bits 0-2 cover all four index forms
 *   bit 3:    lend the iterator a small stack key buffer first
 * The rest is the block, trailer word included.  block_init() must accept or
 * refuse it without reading out of bounds; an accepted block is walked
 * forward and backward, and every key seen (plus a few derived ones) is
 * sought both ways.  Errors are expected; a crash, sanitizer report, hang,
 * or an iterator left valid by a seek that failed is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/table/block.h"
#include "lsm/util/buf.h"
#include "lsm/util/coding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 20000

/* Walks forward, collecting every 8th key (length-prefixed) for seeks. */
static void walk_forward(blk_iter *it, shale_buf *keys)
{
    int n = 0;
    for (blk_iter_first(it); blk_iter_valid(it) && n < MAX_STEPS; blk_iter_next(it), n++) {
        if (n % 8 == 0)
            shale_buf_put_lp_slice(keys, blk_iter_key(it));
        if (it->delta_values) {
            block_handle h;
            (void)blk_iter_handle(it, &h, NULL);
        }
        (void)blk_iter_value(it);
    }
}

/* Walks backward; entries are not compared with the forward walk: a
 * damaged restart array may legitimately make the two disagree. */
static void walk_backward(blk_iter *it)
{
    int n = 0;
    for (blk_iter_last(it); blk_iter_valid(it) && n < MAX_STEPS; blk_iter_prev(it), n++)
        (void)blk_iter_key(it);
}

/* Seeks to k, and to k with its last byte bumped and dropped. */
static void seek_around(blk_iter *it, slice k)
{
    char tmp[64];
    blk_iter_seek(it, k);
    blk_iter_seek_for_prev(it, k);
    if (k.len > 0 && k.len <= sizeof tmp) {
        memcpy(tmp, k.data, k.len);
        tmp[k.len - 1]++;
        blk_iter_seek(it, slice_make(tmp, k.len));
        blk_iter_seek_for_prev(it, slice_make(tmp, k.len - 1));
    }
    if (blk_iter_valid(it) && blk_iter_status(it, NULL) != SHALE_OK)
        abort();   /* an iterator is never valid after an error */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > UINT32_MAX)
        return 0;
    uint8_t ctl = data[0];
    int form = ctl & 3;
    bool index = form == 1 || form == 2;
    int cmp = form == 0 || form == 1 ? BLK_CMP_IKEY : BLK_CMP_BYTEWISE;
    bool delta = index && (ctl & 4) != 0;
    /* a private copy, so reads past the block land in ASan's redzone */
    char *copy = malloc(size - 1 > 0 ? size - 1 : 1);
    memcpy(copy, data + 1, size - 1);
    block b;
    if (block_init(&b, slice_make(copy, size - 1), NULL) != SHALE_OK) {
        free(copy);
        return 0;
    }
    blk_iter it;
    char kbuf[16];
    blk_iter_init(&it, &b, cmp, delta);
    if (ctl & 8)
        blk_iter_set_key_buf(&it, kbuf, sizeof kbuf);
    shale_buf keys = SHALE_BUF_INIT;
    walk_forward(&it, &keys);
    walk_backward(&it);
    slice in = shale_buf_slice(&keys), k;
    while (get_lp_slice(&in, &k))
        seek_around(&it, k);
    seek_around(&it, slice_make("", 0));
    blk_iter_deinit(&it);
    shale_buf_deinit(&keys);
    free(copy);
    return 0;
}
