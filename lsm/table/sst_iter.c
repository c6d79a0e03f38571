/* lsm/table/sst_iter.c: iterators over a table and point lookups.
 *
 * The data iterator is two-level: a block iterator over the reader's index
 * block picks a data block, which is fetched into buffers the iterator owns
 * (reused from block to block, so steady-state iteration allocates nothing)
 * and walked by a second block iterator.  Empty data blocks are skipped in
 * either direction.  The range-deletion and index iterators are a single
 * block iterator over the reader's copy of that block.
 *
 * Positioning with an internal-key target on a user-key index seeks the
 * index with the target's user key: no user key spans two blocks in such a
 * file, so the first separator >= that user key names the right block. */
#include "lsm/table/sst_reader.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/table/sst_reader_int.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

struct sst_iter {
    sst_reader *r;
    int kind;                 /* enum sst_iter_kind */
    bool verify;
    blk_iter top;             /* index (DATA, INDEX) or range-del block (RANGE_DEL) */
    /* DATA only: the current data block. */
    blk_iter data;
    block cur;
    block_handle cur_handle;
    bool have_block;
    shale_buf buf, scratch;   /* the block's stored and uncompressed bytes */
    int status;
    shale_err err;
};

/* An empty block: no entries, one restart at 0. */
static const char empty_block_bytes[8] = {0, 0, 0, 0, 1, 0, 0, 0};

static void iter_setup(sst_iter *it, sst_reader *r, sst_iter_kind kind, bool verify)
{
    memset(it, 0, sizeof *it);
    it->r = r;
    it->kind = kind;
    it->verify = verify;
    block empty;
    (void)block_init(&empty, slice_make(empty_block_bytes, sizeof empty_block_bytes), NULL);
    if (kind == SST_ITER_RANGE_DEL)
        blk_iter_init(&it->top, r->has_range_del ? &r->range_del_block : &empty, BLK_CMP_IKEY,
                      false);
    else
        blk_iter_init(&it->top, &r->index_block, sst_index_cmp(r), r->index_delta);
    blk_iter_init(&it->data, &empty, BLK_CMP_IKEY, false);
    it->cur = empty;
}

static void iter_teardown(sst_iter *it)
{
    blk_iter_deinit(&it->top);
    blk_iter_deinit(&it->data);
    shale_buf_deinit(&it->buf);
    shale_buf_deinit(&it->scratch);
}

int sst_iter_new(sst_reader *r, sst_iter_kind kind, const sst_iter_options *opts, sst_iter **out,
                 shale_err *err)
{
    *out = NULL;
    if (kind != SST_ITER_DATA && kind != SST_ITER_RANGE_DEL && kind != SST_ITER_INDEX)
        return SHALE_INVALID(err, "unknown iterator kind %d", (int)kind);
    sst_iter *it = malloc(sizeof *it);
    if (it == NULL)
        return SHALE_NOMEM(err);
    iter_setup(it, r, kind, opts != NULL ? opts->verify_checksums : r->opts.verify_checksums);
    sst_reader_ref(r);
    *out = it;
    return SHALE_OK;
}

void sst_iter_free(sst_iter *it)
{
    if (it == NULL)
        return;
    iter_teardown(it);
    sst_reader_unref(it->r);
    free(it);
}

static void set_error(sst_iter *it, int rc)
{
    if (it->status == SHALE_OK)
        it->status = rc;
    it->data.valid = false;
    it->top.valid = false;
}

/* After an inner iterator became invalid: keeps its error, if any. */
static bool inner_failed(sst_iter *it, const blk_iter *b)
{
    if (b->status == SHALE_OK)
        return false;
    set_error(it, shale_err_copy(&it->err, &b->err));
    shale_err_prefix(&it->err, it->r->path);
    return true;
}

/* Points the data iterator at the block the index is on (unpositioned). */
static bool load_data_block(sst_iter *it)
{
    block_handle h;
    int rc = blk_iter_handle(&it->top, &h, &it->err);
    if (rc != SHALE_OK) {
        set_error(it, rc);
        return false;
    }
    if (it->have_block && h.offset == it->cur_handle.offset && h.size == it->cur_handle.size) {
        blk_iter_reset(&it->data, &it->cur);
        return true;
    }
    it->have_block = false;
    slice contents;
    rc = sst_fetch_block(it->r, h, it->verify, true, &it->buf, &it->scratch, &contents, &it->err);
    if (rc == SHALE_OK)
        rc = block_init(&it->cur, contents, &it->err);
    if (rc != SHALE_OK) {
        set_error(it, rc);
        return false;
    }
    it->cur_handle = h;
    it->have_block = true;
    blk_iter_reset(&it->data, &it->cur);
    return true;
}

static void skip_forward(sst_iter *it)
{
    while (!it->data.valid) {
        if (inner_failed(it, &it->data))
            return;
        blk_iter_next(&it->top);
        if (!it->top.valid) {
            inner_failed(it, &it->top);
            return;
        }
        if (!load_data_block(it))
            return;
        blk_iter_first(&it->data);
    }
}

static void skip_backward(sst_iter *it)
{
    while (!it->data.valid) {
        if (inner_failed(it, &it->data))
            return;
        blk_iter_prev(&it->top);
        if (!it->top.valid) {
            inner_failed(it, &it->top);
            return;
        }
        if (!load_data_block(it))
            return;
        blk_iter_last(&it->data);
    }
}

/* Common start of every positioning call: clears the state and reports
 * whether the index found a block (else the iterator is invalid). */
static bool top_positioned(sst_iter *it)
{
    if (it->top.valid)
        return true;
    inner_failed(it, &it->top);
    return false;
}

static void reset_position(sst_iter *it)
{
    it->status = SHALE_OK;
    it->data.valid = false;
}

bool sst_iter_valid(const sst_iter *it)
{
    if (it->status != SHALE_OK)
        return false;
    return it->kind == SST_ITER_DATA ? it->data.valid : it->top.valid;
}

void sst_iter_first(sst_iter *it)
{
    reset_position(it);
    blk_iter_first(&it->top);
    if (it->kind != SST_ITER_DATA) {
        inner_failed(it, &it->top);
        return;
    }
    if (top_positioned(it) && load_data_block(it)) {
        blk_iter_first(&it->data);
        skip_forward(it);
    }
}

void sst_iter_last(sst_iter *it)
{
    reset_position(it);
    blk_iter_last(&it->top);
    if (it->kind != SST_ITER_DATA) {
        inner_failed(it, &it->top);
        return;
    }
    if (top_positioned(it) && load_data_block(it)) {
        blk_iter_last(&it->data);
        skip_backward(it);
    }
}

void sst_iter_seek(sst_iter *it, slice target)
{
    reset_position(it);
    if (it->kind == SST_ITER_RANGE_DEL) {
        blk_iter_seek(&it->top, target);
        inner_failed(it, &it->top);
        return;
    }
    blk_iter_seek(&it->top, sst_index_target(it->r, target));
    if (it->kind == SST_ITER_INDEX) {
        inner_failed(it, &it->top);
        return;
    }
    if (top_positioned(it) && load_data_block(it)) {
        blk_iter_seek(&it->data, target);
        skip_forward(it);
    }
}

void sst_iter_seek_for_prev(sst_iter *it, slice target)
{
    if (it->kind != SST_ITER_DATA) {
        reset_position(it);
        blk_iter_seek_for_prev(&it->top, it->kind == SST_ITER_INDEX
                                             ? sst_index_target(it->r, target) : target);
        inner_failed(it, &it->top);
        return;
    }
    sst_iter_seek(it, target);
    if (sst_iter_valid(it)) {
        if (ikey_compare(blk_iter_key(&it->data), target) > 0)
            sst_iter_prev(it);
    } else if (it->status == SHALE_OK) {
        sst_iter_last(it);
    }
}

void sst_iter_next(sst_iter *it)
{
    if (!sst_iter_valid(it))
        return;
    if (it->kind != SST_ITER_DATA) {
        blk_iter_next(&it->top);
        inner_failed(it, &it->top);
        return;
    }
    blk_iter_next(&it->data);
    skip_forward(it);
}

void sst_iter_prev(sst_iter *it)
{
    if (!sst_iter_valid(it))
        return;
    if (it->kind != SST_ITER_DATA) {
        blk_iter_prev(&it->top);
        inner_failed(it, &it->top);
        return;
    }
    blk_iter_prev(&it->data);
    skip_backward(it);
}

slice sst_iter_key(const sst_iter *it)
{
    return blk_iter_key(it->kind == SST_ITER_DATA ? &it->data : &it->top);
}

slice sst_iter_value(const sst_iter *it)
{
    return blk_iter_value(it->kind == SST_ITER_DATA ? &it->data : &it->top);
}

block_handle sst_iter_block(const sst_iter *it) { return it->cur_handle; }

int sst_iter_status(const sst_iter *it, shale_err *err)
{
    if (it->status != SHALE_OK)
        return shale_err_copy(err, &it->err);
    return SHALE_OK;
}

/* --- point lookup ----------------------------------------------------------- */

/* TODO: the iterator's buffers are allocated per lookup until the block
 * cache lends blocks instead. */
int sst_reader_get(sst_reader *r, slice lookup, sst_get_fn fn, void *arg, shale_err *err)
{
    slice ukey = ikey_user_key(lookup);
    if (r->opts.use_filter && !sst_reader_key_may_match(r, ukey))
        return SHALE_OK;
    sst_iter it;
    iter_setup(&it, r, SST_ITER_DATA, r->opts.verify_checksums);
    int rc = SHALE_OK;
    for (sst_iter_seek(&it, lookup); sst_iter_valid(&it); sst_iter_next(&it)) {
        slice k = sst_iter_key(&it);
        if (k.len < IKEY_TRAILER_LEN) {
            rc = SHALE_CORRUPT(err, "%zu-byte internal key in %s block at offset %llu", k.len,
                               r->path, (unsigned long long)it.cur_handle.offset);
            break;
        }
        if (!slice_equal(ikey_user_key(k), ukey) || !fn(arg, k, sst_iter_value(&it)))
            break;
    }
    if (rc == SHALE_OK)
        rc = sst_iter_status(&it, err);
    iter_teardown(&it);
    return rc;
}
