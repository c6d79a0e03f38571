/* lsm/table/sst_iter.c: iterators over a table and point lookups.
 *
 * The data iterator is two-level: a block iterator over the index block
 * picks a data block, which is taken from the block cache (and pinned until
 * the iterator moves to another block or is freed) or fetched into buffers
 * the iterator owns (reused from block to block, so steady-state iteration
 * allocates nothing), and walked by a second block iterator.  Empty data
 * blocks are skipped in either direction.  The index block is the reader's,
 * or with cache_index_and_filter_blocks a cache entry pinned for the
 * iterator's life.  The range-deletion and index iterators are a single
 * block iterator over that block.
 *
 * Readahead (RocksDB's automatic readahead): after two data blocks read
 * back to back in file order, block reads that miss the cache read ahead
 * 8 KiB, doubling per further sequential block up to 256 KiB, so a scan
 * makes one read per window instead of one per block.  Any jump resets it.
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
    bool verify, fill;
    blk_iter top;             /* index (DATA, INDEX) or range-del block (RANGE_DEL) */
    /* The index block: the reader's, or (meta_cached) a cache entry pinned
     * for the iterator's life, or its bytes in ictx when not cached. */
    block index;
    bc_handle *index_pin;
    sst_fetch_ctx ictx;
    /* DATA only: the current data block, pinned in the cache (pin) or in
     * ctx's memory (reused from block to block). */
    blk_iter data;
    block cur;
    block_handle cur_handle;
    bool have_block;
    bc_handle *pin;
    sst_fetch_ctx ctx;
    uint64_t seq_next;        /* offset just past the last block loaded */
    int seq_run;              /* blocks loaded back to back in file order */
    int status;
    shale_err err;
};

/* An empty block: no entries, one restart at 0. */
static const char empty_block_bytes[8] = {0, 0, 0, 0, 1, 0, 0, 0};

static block empty_block(void)
{
    block b;
    (void)block_init(&b, slice_make(empty_block_bytes, sizeof empty_block_bytes), NULL);
    return b;
}

void sst_iter_options_init(sst_iter_options *o, const sst_reader *r)
{
    o->verify_checksums = r->opts.verify_checksums;
    o->fill_cache = true;
}

static int acquire_index(sst_iter *it, shale_err *err)
{
    sst_reader *r = it->r;
    if (!r->meta_cached) {
        it->index = r->index_block;
        return SHALE_OK;
    }
    sst_parsed p;
    int rc = sst_acquire_block(r, r->footer.index, BC_KIND_INDEX, it->verify, it->fill, &it->ictx,
                               &p, &it->index_pin, err);
    if (rc != SHALE_OK && err != NULL && strstr(err->msg, r->path) == NULL)
        shale_err_prefix(err, r->path);
    it->index = p.b;
    return rc;
}

/* Sets the iterator up; on failure it holds nothing (iter_teardown safe). */
static int iter_setup(sst_iter *it, sst_reader *r, sst_iter_kind kind, bool verify, bool fill,
                      shale_err *err)
{
    memset(it, 0, sizeof *it);
    it->r = r;
    it->kind = kind;
    it->verify = verify;
    it->fill = fill;
    block empty = empty_block();
    it->index = empty;
    int rc = kind == SST_ITER_RANGE_DEL ? SHALE_OK : acquire_index(it, err);
    if (rc != SHALE_OK) {
        it->index = empty;
        blk_iter_init(&it->top, &empty, BLK_CMP_IKEY, false);
        blk_iter_init(&it->data, &empty, BLK_CMP_IKEY, false);
        return rc;
    }
    if (kind == SST_ITER_RANGE_DEL)
        blk_iter_init(&it->top, r->has_range_del ? &r->range_del_block : &empty, BLK_CMP_IKEY,
                      false);
    else
        blk_iter_init(&it->top, &it->index, sst_index_cmp(r), r->index_delta);
    blk_iter_init(&it->data, &empty, BLK_CMP_IKEY, false);
    it->cur = empty;
    return SHALE_OK;
}

#define READAHEAD_MIN (8u << 10)
#define READAHEAD_MAX (256u << 10)

/* Grows the readahead on sequential block loads, drops it on a jump. */
static void track_sequential(sst_iter *it, block_handle h)
{
    if (h.offset == it->seq_next && it->seq_run > 0) {
        if (++it->seq_run >= 2 && it->ctx.ra_size < READAHEAD_MAX)
            it->ctx.ra_size = it->ctx.ra_size == 0 ? READAHEAD_MIN : 2 * it->ctx.ra_size;
    } else {
        it->seq_run = 1;
        it->ctx.ra_size = 0;
    }
    it->seq_next = h.offset + h.size + BLOCK_TRAILER_LEN;
}

/* Lets go of the current data block (its pin, if cached). */
static void drop_block(sst_iter *it)
{
    bc_release(it->r->cache, it->pin);
    it->pin = NULL;
    it->have_block = false;
    it->cur = empty_block();
    blk_iter_reset(&it->data, &it->cur);
}

static void iter_teardown(sst_iter *it)
{
    drop_block(it);
    bc_release(it->r->cache, it->index_pin);
    it->index_pin = NULL;
    blk_iter_deinit(&it->top);
    blk_iter_deinit(&it->data);
    sst_fetch_ctx_deinit(&it->ctx);
    sst_fetch_ctx_deinit(&it->ictx);
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
    bool verify = opts != NULL ? opts->verify_checksums : r->opts.verify_checksums;
    bool fill = opts != NULL ? opts->fill_cache : true;
    int rc = iter_setup(it, r, kind, verify, fill, err);
    if (rc != SHALE_OK) {
        iter_teardown(it);
        free(it);
        return rc;
    }
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
    drop_block(it);
    track_sequential(it, h);
    sst_parsed p;
    rc = sst_acquire_block(it->r, h, BC_KIND_DATA, it->verify, it->fill, &it->ctx, &p, &it->pin,
                           &it->err);
    if (rc != SHALE_OK) {
        set_error(it, rc);
        return false;
    }
    it->cur = p.b;
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

static int get_walk(sst_iter *it, slice lookup, slice ukey, sst_get_fn fn, void *arg,
                    shale_err *err)
{
    for (sst_iter_seek(it, lookup); sst_iter_valid(it); sst_iter_next(it)) {
        slice k = sst_iter_key(it);
        if (k.len < IKEY_TRAILER_LEN)
            return SHALE_CORRUPT(err, "%zu-byte internal key in %s block at offset %llu", k.len,
                                 it->r->path, (unsigned long long)it->cur_handle.offset);
        if (!slice_equal(ikey_user_key(k), ukey) || !fn(arg, k, sst_iter_value(it)))
            break;
    }
    return sst_iter_status(it, err);
}

#define GET_KEY_BUF 256

/* The iterator lives on the stack and reads uncompressed (and LZ4) blocks
 * that fit into stack buffers; with a cache, hits read nothing at all. */
int sst_reader_get_opt(sst_reader *r, const sst_iter_options *o, slice lookup, sst_get_fn fn,
                       void *arg, shale_err *err)
{
    bool verify = o != NULL ? o->verify_checksums : r->opts.verify_checksums;
    bool fill = o != NULL ? o->fill_cache : true;
    slice ukey = ikey_user_key(lookup);
    if (r->opts.use_filter && r->filter.kind != FILTER_ALWAYS_TRUE) {
        bool may = r->meta_cached ? sst_filter_may_match(r, ukey, fill)
                                  : filter_key_may_match(&r->filter, ukey);
        stats_add(r->opts.stats, may ? TICKER_BLOOM_FILTER_FULL_POSITIVE
                                     : TICKER_BLOOM_FILTER_USEFUL, 1);
        if (!may)
            return SHALE_OK;
    }
    char raw[SST_GET_STACK_BLOCK + BLOCK_TRAILER_LEN], unc[SST_GET_STACK_BLOCK];
    char ktop[GET_KEY_BUF], kdata[GET_KEY_BUF];
    sst_iter it;
    int rc = iter_setup(&it, r, SST_ITER_DATA, verify, fill, err);
    if (rc == SHALE_OK) {
        it.ctx = (sst_fetch_ctx){.raw_fixed = raw, .raw_cap = sizeof raw,
                                 .unc_fixed = unc, .unc_cap = sizeof unc};
        blk_iter_set_key_buf(&it.top, ktop, sizeof ktop);
        blk_iter_set_key_buf(&it.data, kdata, sizeof kdata);
        rc = get_walk(&it, lookup, ukey, fn, arg, err);
    }
    iter_teardown(&it);
    return rc;
}

int sst_reader_get(sst_reader *r, slice lookup, sst_get_fn fn, void *arg, shale_err *err)
{
    return sst_reader_get_opt(r, NULL, lookup, fn, arg, err);
}
