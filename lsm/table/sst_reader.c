/* lsm/table/sst_reader.c: opening a block-based table and fetching its
 * blocks; verification of a whole file.  The iterators and point lookups
 * are in sst_iter.c.
 *
 * Open reads, in this order: file size, footer (last 53 bytes), metaindex,
 * properties (may be absent), index block, filter (the first "fullfilter."
 * metaindex entry, used only when it is RocksDB's built-in name), and the
 * range-deletion block.  Data blocks are read on demand by sst_fetch_block().
 *
 * Compression: properties, metaindex and filter blocks are always stored
 * raw, and a nonzero type byte there is Corruption.  When the properties say
 * rocksdb.compression = NoCompression every block must be raw.  Otherwise
 * each block's type byte decides.  Format versions 0/1 prefix LZ4 blocks
 * with an 8-byte size instead of a varint32; that is decoded here since
 * compress.c handles only the current form. */
#include "lsm/table/sst_reader.h"

#include <inttypes.h>
#include <lz4.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/table/sst_reader_int.h"
#include "lsm/table/compress.h"
#include "lsm/util/coding.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

#define BYTEWISE_COMPARATOR "leveldb.BytewiseComparator"

void sst_reader_options_init(sst_reader_options *o)
{
    memset(o, 0, sizeof *o);
    o->verify_checksums = true;
    o->use_filter = true;
    o->cache = NULL;
    o->cache_index_and_filter_blocks = false;
}

/* --- block fetching ------------------------------------------------------ */

void sst_fetch_ctx_deinit(sst_fetch_ctx *c)
{
    if (c == NULL)
        return;
    shale_buf_deinit(&c->buf);
    shale_buf_deinit(&c->scratch);
    shale_buf_deinit(&c->ra);
}

/* Serves [off, off + n) from the readahead window, refilling it from off
 * when the block lies outside.  false: no readahead (or no memory). */
static bool read_ahead(const sst_reader *r, uint64_t off, size_t n, sst_fetch_ctx *ctx,
                       const char **out, int *rc, shale_err *err)
{
    if (ctx->ra_size == 0 || n > ctx->ra_size)
        return false;
    bool inside = off >= ctx->ra_off && off - ctx->ra_off <= ctx->ra.len &&
                  ctx->ra.len - (off - ctx->ra_off) >= n;
    if (!inside) {
        uint64_t avail = r->file_size - off;   /* read_raw checked off + n <= size */
        size_t want = avail < ctx->ra_size ? (size_t)avail : ctx->ra_size, got = 0;
        shale_buf_clear(&ctx->ra);
        if (!shale_buf_reserve(&ctx->ra, want))
            return false;
        *rc = shale_file_pread(r->file, off, want, ctx->ra.data, &got, err);
        ctx->ra.len = *rc == SHALE_OK ? got : 0;
        ctx->ra_off = off;
        if (*rc != SHALE_OK)
            return true;
        if (got < n) {
            *rc = SHALE_CORRUPT(err, "truncated block read from %s offset %" PRIu64
                                ": %zu of %zu bytes", r->path, off, got, n);
            return true;
        }
    }
    *out = ctx->ra.data + (off - ctx->ra_off);
    *rc = SHALE_OK;
    return true;
}

/* Reads the block and its trailer into ctx: the fixed region if it fits. */
static int read_raw(const sst_reader *r, block_handle h, sst_fetch_ctx *ctx, const char **out,
                    shale_err *err)
{
    uint64_t fs = r->file_size;
    if (h.size > fs || h.offset > fs - h.size || fs - h.size - h.offset < BLOCK_TRAILER_LEN ||
        h.size > SIZE_MAX - BLOCK_TRAILER_LEN)
        return SHALE_CORRUPT(err,
                             "block at offset %" PRIu64 " size %" PRIu64
                             " (+5 trailer) runs past the end of %s (%" PRIu64 " bytes)",
                             h.offset, h.size, r->path, fs);
    size_t n = (size_t)h.size + BLOCK_TRAILER_LEN, got = 0;
    int rc;
    if (read_ahead(r, h.offset, n, ctx, out, &rc, err))
        return rc;
    char *dst = ctx->raw_fixed;
    if (n > ctx->raw_cap) {
        shale_buf_clear(&ctx->buf);
        if (!shale_buf_reserve(&ctx->buf, n))
            return SHALE_NOMEM(err);
        dst = ctx->buf.data;
        ctx->buf.len = n;
    }
    rc = shale_file_pread(r->file, h.offset, n, dst, &got, err);
    if (rc != SHALE_OK)
        return rc;
    if (got != n)
        return SHALE_CORRUPT(err, "truncated block read from %s offset %" PRIu64 ": %zu of %zu bytes",
                             r->path, h.offset, got, n);
    *out = dst;
    return SHALE_OK;
}

static int verify_trailer(const sst_reader *r, block_handle h, const char *data, shale_err *err)
{
    if (r->footer.checksum == CHECKSUM_NONE)
        return SHALE_OK;
    uint8_t type = (uint8_t)data[h.size];
    uint32_t stored = dec_fixed32(data + h.size + 1);
    uint32_t computed = block_checksum(r->footer.checksum, data, (size_t)h.size, type);
    if (stored == computed)
        return SHALE_OK;
    return SHALE_CORRUPT(err,
                         "block checksum mismatch: stored = %" PRIu32 ", computed = %" PRIu32
                         ", type = %d  in %s offset %" PRIu64 " size %" PRIu64,
                         stored, computed, r->footer.checksum, r->path, h.offset, h.size);
}

/* LZ4 as format_version 0/1 stored it: fixed64 raw size, then one block. */
static int uncompress_lz4_v1(slice in, shale_buf *out, shale_err *err)
{
    if (in.len < 8)
        return SHALE_CORRUPT(err, "LZ4 block too short for its size prefix");
    uint64_t raw_len = dec_fixed64(in.data);
    slice_skip(&in, 8);
    if (raw_len > (uint64_t)in.len * 255 + 16 || raw_len > (uint64_t)LZ4_MAX_INPUT_SIZE ||
        in.len > (size_t)LZ4_MAX_INPUT_SIZE)
        return SHALE_CORRUPT(err, "LZ4 block claims %" PRIu64 " bytes from %zu", raw_len, in.len);
    shale_buf_clear(out);
    if (!shale_buf_reserve(out, raw_len == 0 ? 1 : (size_t)raw_len))
        return SHALE_NOMEM(err);
    int n = LZ4_decompress_safe(in.data, out->data, (int)in.len, (int)raw_len);
    if (n < 0 || (uint64_t)n != raw_len)
        return SHALE_CORRUPT(err, "LZ4 block does not decompress");
    out->len = (size_t)raw_len;
    return SHALE_OK;
}

/* Largest stated size uncompressed into a region of its own (ctx->own_hdr). */
#define OWNED_MAX (1u << 20)

/* Where an LZ4 block of raw_len bytes goes: a region of its own (see
 * sst_fetch_ctx.own_hdr), ctx's fixed region, or NULL (too big). */
static char *lz4_target(sst_fetch_ctx *ctx, uint32_t raw_len)
{
    if (ctx->own_hdr > 0 && raw_len <= OWNED_MAX) {
        ctx->owned = malloc(ctx->own_hdr + raw_len);
        if (ctx->owned != NULL)
            return ctx->owned + ctx->own_hdr;
    }
    return ctx->unc_cap > 0 && raw_len <= ctx->unc_cap ? ctx->unc_fixed : NULL;
}

/* LZ4 (format_version >= 2: varint32 size prefix) into ctx's own or fixed
 * region when the stated size fits; false to leave it to
 * uncompress_block(), which also judges malformed prefixes. */
static bool uncompress_lz4_fixed(slice raw, sst_fetch_ctx *ctx, slice *out, int *rc,
                                 shale_err *err)
{
    uint32_t raw_len;
    if (!get_varint32(&raw, &raw_len) || raw_len == 0 || raw.len > (size_t)LZ4_MAX_INPUT_SIZE)
        return false;
    char *dst = lz4_target(ctx, raw_len);
    if (dst == NULL)
        return false;
    int n = LZ4_decompress_safe(raw.data, dst, (int)raw.len, (int)raw_len);
    if (n < 0 || (uint32_t)n != raw_len)
        *rc = SHALE_CORRUPT(err, "LZ4 block does not decompress");
    else
        *rc = SHALE_OK;
    *out = slice_make(dst, raw_len);
    return true;
}

static int uncompress(const sst_reader *r, int type, slice raw, sst_fetch_ctx *ctx, slice *out,
                      shale_err *err)
{
    int rc;
    bool lz4 = type == COMPRESSION_LZ4 || type == COMPRESSION_LZ4HC;
    if (strcmp(compression_type_name(type), "Unknown") == 0) {
        rc = SHALE_CORRUPT(err, "unknown compression type %d", type);
    } else if (r->footer.format_version < 2 && lz4) {
        rc = uncompress_lz4_v1(raw, &ctx->scratch, err);
    } else if (r->footer.format_version < 2) {
        rc = SHALE_UNSUPPORTED(err, "%s compression with format_version %u",
                               compression_type_name(type), r->footer.format_version);
    } else if (lz4 && uncompress_lz4_fixed(raw, ctx, out, &rc, err)) {
        return rc;
    } else {
        rc = uncompress_block(type, raw, &ctx->scratch, err);
    }
    *out = shale_buf_slice(&ctx->scratch);
    return rc;
}

int sst_fetch_block(const sst_reader *r, block_handle h, bool verify, bool may_be_compressed,
                    sst_fetch_ctx *ctx, slice *out, shale_err *err)
{
    *out = slice_make(NULL, 0);
    const char *data = NULL;
    int rc = read_raw(r, h, ctx, &data, err);
    if (rc == SHALE_OK && verify)
        rc = verify_trailer(r, h, data, err);
    if (rc != SHALE_OK)
        return rc;
    slice raw = slice_make(data, (size_t)h.size);
    int type = (unsigned char)data[h.size];
    if (type == COMPRESSION_NONE) {
        *out = raw;
        return SHALE_OK;
    }
    if (!may_be_compressed || r->no_compression)
        return SHALE_CORRUPT(err, "block in %s offset %" PRIu64 " has compression type %d where %s",
                             r->path, h.offset, type,
                             r->no_compression ? "the file is uncompressed" : "it must be raw");
    rc = uncompress(r, type, raw, ctx, out, err);
    if (rc != SHALE_OK && err != NULL) {
        char where[64 + 32];
        snprintf(where, sizeof where, "block at offset %" PRIu64, h.offset);
        shale_err_prefix(err, where);
        shale_err_prefix(err, r->path);
    }
    return rc;
}

/* Fetches a block that the caller keeps: its bytes end up in *keep. */
static int load_block(sst_reader *r, block_handle h, bool may_be_compressed, shale_buf *keep,
                      slice *out, shale_err *err)
{
    sst_fetch_ctx ctx = {.buf = *keep};
    shale_buf_init(keep);
    int rc = sst_fetch_block(r, h, r->opts.verify_checksums, may_be_compressed, &ctx, out, err);
    if (rc == SHALE_OK && out->data != NULL && out->data == ctx.scratch.data) {
        shale_buf t = ctx.buf;
        ctx.buf = ctx.scratch;
        ctx.scratch = t;
    }
    *keep = ctx.buf;
    shale_buf_deinit(&ctx.scratch);
    return rc;
}

int sst_reader_read_block(sst_reader *r, block_handle h, bool may_be_compressed, shale_buf *out,
                          shale_err *err)
{
    slice s;
    shale_buf_clear(out);
    int rc = load_block(r, h, may_be_compressed, out, &s, err);
    if (rc != SHALE_OK) {
        shale_buf_clear(out);
        return rc;
    }
    shale_buf_truncate(out, s.len);   /* drop the trailer of a raw block */
    return SHALE_OK;
}

/* --- through the block cache ---------------------------------------------- */

/* What a cache entry holds: the parsed view over its own copy of the
 * uncompressed contents. */
typedef struct cached_block {
    sst_parsed p;
    size_t len;
    char data[];
} cached_block;

static void cached_block_delete(slice key, void *value) { free(value); }

/* Blocks up to this size are read straight into a new cache entry. */
#define DIRECT_MAX (1u << 20)

/* varint64(cache id) varint64(block offset) */
static slice cache_key(const sst_reader *r, uint64_t offset, char buf[2 * 10])
{
    char *e = enc_varint64(buf, r->cache_id);
    e = enc_varint64(e, offset);
    return slice_make(buf, (size_t)(e - buf));
}

static int parse_block(int kind, slice contents, sst_parsed *p, shale_err *err)
{
    if (kind == BC_KIND_FILTER) {
        filter_reader_init(&p->f, contents);
        return SHALE_OK;
    }
    return block_init(&p->b, contents, err);
}

/* A cache entry for a block of h.size bytes that a fetch may read straight
 * into (its trailer too), or NULL (no memory, or too big to guess). */
static cached_block *direct_entry(block_handle h)
{
    if (h.size > DIRECT_MAX)
        return NULL;
    return malloc(sizeof(cached_block) + (size_t)h.size + BLOCK_TRAILER_LEN);
}

/* Puts a parsed block in a new cache entry, pinned: cb itself if the fetch
 * read the block into it (contents in cb->data), else a copy.  NULL when
 * it was not cached (no memory, strict limit); cb is then still the
 * caller's. */
static bc_handle *insert_block(const sst_reader *r, slice key, int kind, slice contents,
                               const sst_parsed *p, cached_block *cb)
{
    bool direct = cb != NULL;
    if (!direct) {
        cb = malloc(sizeof *cb + contents.len);
        if (cb == NULL)
            return NULL;
        memcpy(cb->data, contents.data, contents.len);
    }
    cb->len = contents.len;
    cb->p = *p;   /* re-point the views at the entry's bytes */
    if (kind == BC_KIND_FILTER && p->f.data != NULL)
        cb->p.f.data = cb->data + (p->f.data - contents.data);
    else if (kind != BC_KIND_FILTER)
        cb->p.b.data = cb->data;
    bc_handle *h = NULL;
    if (bc_insert(r->cache, key, cb, contents.len, cached_block_delete, kind, &h, NULL) !=
        SHALE_OK) {
        if (!direct)
            free(cb);
        return NULL;
    }
    return h;
}

/* A block read into cb that the cache refused: moved into ctx's buffer so
 * the caller can go on with it, as with any uncached block. */
static int keep_uncached(int kind, slice contents, sst_fetch_ctx *ctx, sst_parsed *out,
                         shale_err *err)
{
    shale_buf_clear(&ctx->buf);
    shale_buf_append_slice(&ctx->buf, contents);
    if (!shale_buf_ok(&ctx->buf))
        return SHALE_NOMEM(err);
    return parse_block(kind, shale_buf_slice(&ctx->buf), out, err);
}

/* RocksDB's block cache tickers: the total and the per-kind ones. */
static void count_cache_lookup(shale_statistics *s, int kind, bool hit, size_t bytes)
{
    if (s == NULL)
        return;
    static const enum stats_ticker hits[] = {
        [BC_KIND_DATA] = TICKER_BLOCK_CACHE_DATA_HIT, [BC_KIND_INDEX] = TICKER_BLOCK_CACHE_INDEX_HIT,
        [BC_KIND_FILTER] = TICKER_BLOCK_CACHE_FILTER_HIT};
    static const enum stats_ticker misses[] = {
        [BC_KIND_DATA] = TICKER_BLOCK_CACHE_DATA_MISS,
        [BC_KIND_INDEX] = TICKER_BLOCK_CACHE_INDEX_MISS,
        [BC_KIND_FILTER] = TICKER_BLOCK_CACHE_FILTER_MISS};
    stats_add(s, hit ? TICKER_BLOCK_CACHE_HIT : TICKER_BLOCK_CACHE_MISS, 1);
    if (kind >= 0 && kind <= BC_KIND_FILTER)
        stats_add(s, hit ? hits[kind] : misses[kind], 1);
    if (hit)
        stats_add(s, TICKER_BLOCK_CACHE_BYTES_READ, bytes);
}

static void count_cache_add(shale_statistics *s, int kind, size_t bytes)
{
    if (s == NULL)
        return;
    stats_add(s, TICKER_BLOCK_CACHE_ADD, 1);
    stats_add(s, TICKER_BLOCK_CACHE_BYTES_WRITE, bytes);
    if (kind == BC_KIND_DATA) {
        stats_add(s, TICKER_BLOCK_CACHE_DATA_ADD, 1);
        stats_add(s, TICKER_BLOCK_CACHE_DATA_BYTES_INSERT, bytes);
    } else if (kind == BC_KIND_INDEX) {
        stats_add(s, TICKER_BLOCK_CACHE_INDEX_ADD, 1);
        stats_add(s, TICKER_BLOCK_CACHE_INDEX_BYTES_INSERT, bytes);
    } else if (kind == BC_KIND_FILTER) {
        stats_add(s, TICKER_BLOCK_CACHE_FILTER_ADD, 1);
        stats_add(s, TICKER_BLOCK_CACHE_FILTER_BYTES_INSERT, bytes);
    }
}

int sst_acquire_block(const sst_reader *r, block_handle h, int kind, bool verify, bool fill,
                      sst_fetch_ctx *ctx, sst_parsed *out, bc_handle **pin, shale_err *err)
{
    char kbuf[2 * 10];
    slice key = slice_make(NULL, 0);
    *pin = NULL;
    if (r->cache != NULL) {
        key = cache_key(r, h.offset, kbuf);
        bc_handle *ch = bc_lookup(r->cache, key, kind);
        count_cache_lookup(r->opts.stats, kind, ch != NULL, ch != NULL ? bc_charge(ch) : 0);
        if (ch != NULL) {
            *out = ((const cached_block *)bc_value(ch))->p;
            *pin = ch;
            return SHALE_OK;
        }
    }
    /* A block bound for the cache of a file known to be uncompressed is
     * read straight into its entry (no copy), unless readahead serves it. */
    bool cacheable = r->cache != NULL && fill;
    bool direct = cacheable && ctx->ra_size == 0;
    cached_block *cb = direct && r->no_compression ? direct_entry(h) : NULL;
    char *fixed = ctx->raw_fixed;
    size_t cap = ctx->raw_cap;
    if (cb != NULL) {
        ctx->raw_fixed = cb->data;
        ctx->raw_cap = (size_t)h.size + BLOCK_TRAILER_LEN;
    }
    if (direct && kind == BC_KIND_DATA)   /* an LZ4 block into an entry of its own */
        ctx->own_hdr = offsetof(cached_block, data);
    slice contents;
    int rc = sst_fetch_block(r, h, verify, kind != BC_KIND_FILTER, ctx, &contents, err);
    ctx->raw_fixed = fixed;
    ctx->raw_cap = cap;
    ctx->own_hdr = 0;
    if (ctx->owned != NULL) {   /* uncompressed into a region of its own */
        cb = (cached_block *)ctx->owned;
        ctx->owned = NULL;
    }
    if (rc == SHALE_OK)
        rc = parse_block(kind, contents, out, err);
    if (cb != NULL && (rc != SHALE_OK || contents.data != cb->data)) {
        free(cb);   /* not read into it (an error, or a compressed block) */
        cb = NULL;
    }
    if (rc != SHALE_OK || !cacheable)
        return rc;
    bc_handle *ch = insert_block(r, key, kind, contents, out, cb);
    if (ch == NULL) {
        rc = cb != NULL ? keep_uncached(kind, contents, ctx, out, err) : SHALE_OK;
        free(cb);
        return rc;
    }
    count_cache_add(r->opts.stats, kind, contents.len);
    *out = ((const cached_block *)bc_value(ch))->p;
    *pin = ch;
    return SHALE_OK;
}

bool sst_filter_may_match(const sst_reader *r, slice user_key, bool fill)
{
    sst_fetch_ctx ctx = {0};
    sst_parsed p;
    bc_handle *pin = NULL;
    bool may = true;
    if (sst_acquire_block(r, r->filter_handle, BC_KIND_FILTER, r->opts.verify_checksums, fill,
                          &ctx, &p, &pin, NULL) == SHALE_OK)
        may = filter_key_may_match(&p.f, user_key);
    bc_release(r->cache, pin);
    sst_fetch_ctx_deinit(&ctx);
    return may;
}

/* --- open ----------------------------------------------------------------- */

static int read_footer(sst_reader *r, shale_err *err)
{
    char tail[SST_FOOTER_MAX_LEN];
    size_t n = r->file_size < sizeof tail ? (size_t)r->file_size : sizeof tail, got = 0;
    int rc = shale_file_pread(r->file, r->file_size - n, n, tail, &got, err);
    if (rc != SHALE_OK)
        return rc;
    if (got != n)
        return SHALE_CORRUPT(err, "short read of the footer");
    return sst_footer_decode(slice_make(tail, n), &r->footer, err);
}

static int add_meta(sst_reader *r, slice name, block_handle h, size_t *cap, shale_err *err)
{
    if (r->num_meta == *cap) {
        size_t ncap = *cap == 0 ? 8 : *cap * 2;
        sst_meta_entry *m = realloc(r->meta, ncap * sizeof *m);
        if (m == NULL)
            return SHALE_NOMEM(err);
        r->meta = m;
        *cap = ncap;
    }
    char *s = malloc(name.len + 1);
    if (s == NULL)
        return SHALE_NOMEM(err);
    memcpy(s, name.data, name.len);
    s[name.len] = '\0';
    r->meta[r->num_meta].name = s;
    r->meta[r->num_meta].handle = h;
    r->num_meta++;
    return SHALE_OK;
}

static int read_metaindex(sst_reader *r, shale_err *err)
{
    shale_buf buf = SHALE_BUF_INIT;
    slice s;
    block b;
    int rc = load_block(r, r->footer.metaindex, false, &buf, &s, err);
    if (rc == SHALE_OK)
        rc = block_init(&b, s, err);
    if (rc != SHALE_OK) {
        shale_buf_deinit(&buf);
        return rc;
    }
    blk_iter it;
    size_t cap = 0;
    blk_iter_init(&it, &b, BLK_CMP_BYTEWISE, false);
    for (blk_iter_first(&it); rc == SHALE_OK && blk_iter_valid(&it); blk_iter_next(&it)) {
        block_handle h;
        if ((rc = blk_iter_handle(&it, &h, err)) == SHALE_OK)
            rc = add_meta(r, blk_iter_key(&it), h, &cap, err);
    }
    if (rc == SHALE_OK)
        rc = blk_iter_status(&it, err);
    blk_iter_deinit(&it);
    shale_buf_deinit(&buf);
    return rc;
}

static const sst_meta_entry *find_meta(const sst_reader *r, const char *name)
{
    for (size_t i = 0; i < r->num_meta; i++)
        if (strcmp(r->meta[i].name, name) == 0)
            return &r->meta[i];
    return NULL;
}

static int read_properties(sst_reader *r, shale_err *err)
{
    const sst_meta_entry *m = find_meta(r, META_PROPERTIES);
    if (m == NULL)
        m = find_meta(r, META_PROPERTIES_OLD);
    if (m == NULL)
        return SHALE_OK;
    shale_buf buf = SHALE_BUF_INIT;
    slice s;
    int rc = load_block(r, m->handle, false, &buf, &s, err);
    if (rc == SHALE_OK)
        rc = sst_props_decode(s, &r->props, err);
    shale_buf_deinit(&buf);
    if (rc != SHALE_OK)
        return rc;
    r->has_props = true;
    const sst_props *p = &r->props;
    if (p->has_index_type && p->index_type != 0)
        return SHALE_UNSUPPORTED(err, "index type %" PRIu32, p->index_type);
    if (p->comparator_name != NULL && strcmp(p->comparator_name, BYTEWISE_COMPARATOR) != 0)
        return SHALE_UNSUPPORTED(err, "comparator %s", p->comparator_name);
    r->no_compression = p->compression_name != NULL &&
                        strcmp(p->compression_name, "NoCompression") == 0;
    r->index_user_keys = p->index_key_is_user_key != 0;
    r->index_delta = p->index_value_is_delta_encoded != 0;
    return SHALE_OK;
}

/* Reads a block into the cache at open (RocksDB's prefetch of index and
 * filter), checking that it parses; gives back its parsed view's filter
 * kind for filters. */
static int prefetch_block(sst_reader *r, block_handle h, int kind, int *filter_kind,
                          shale_err *err)
{
    sst_fetch_ctx ctx = {0};
    sst_parsed p;
    bc_handle *pin = NULL;
    int rc = sst_acquire_block(r, h, kind, r->opts.verify_checksums, true, &ctx, &p, &pin, err);
    if (rc == SHALE_OK && filter_kind != NULL)
        *filter_kind = p.f.kind;
    bc_release(r->cache, pin);
    sst_fetch_ctx_deinit(&ctx);
    return rc;
}

static int read_index(sst_reader *r, shale_err *err)
{
    if (r->meta_cached)
        return prefetch_block(r, r->footer.index, BC_KIND_INDEX, NULL, err);
    slice s;
    int rc = load_block(r, r->footer.index, true, &r->index_buf, &s, err);
    if (rc == SHALE_OK)
        rc = block_init(&r->index_block, s, err);
    return rc;
}

static int read_filter(sst_reader *r, shale_err *err)
{
    memset(&r->filter, 0, sizeof r->filter);   /* FILTER_ALWAYS_TRUE */
    const sst_meta_entry *m = NULL;
    for (size_t i = 0; i < r->num_meta && m == NULL; i++)
        if (strncmp(r->meta[i].name, META_FULL_FILTER_PREFIX, strlen(META_FULL_FILTER_PREFIX)) == 0)
            m = &r->meta[i];
    if (m == NULL)
        return SHALE_OK;
    r->filter_name = m->name;
    if (strcmp(m->name, META_BUILTIN_FULL_FILTER) != 0 ||
        (r->props.whole_key_filtering != NULL && strcmp(r->props.whole_key_filtering, "0") == 0))
        return SHALE_OK;   /* RocksDB ignores other filters; prefix-only filters don't apply */
    r->filter_handle = m->handle;
    if (r->meta_cached)
        return prefetch_block(r, m->handle, BC_KIND_FILTER, &r->filter.kind, err);
    slice s;
    int rc = load_block(r, m->handle, false, &r->filter_buf, &s, err);
    if (rc == SHALE_OK)
        filter_reader_init(&r->filter, s);
    return rc;
}

static int read_range_del(sst_reader *r, shale_err *err)
{
    const sst_meta_entry *m = find_meta(r, META_RANGE_DEL);
    if (m == NULL)
        return SHALE_OK;
    slice s;
    int rc = load_block(r, m->handle, true, &r->range_del_buf, &s, err);
    if (rc == SHALE_OK)
        rc = block_init(&r->range_del_block, s, err);
    r->has_range_del = rc == SHALE_OK;
    return rc;
}

static void reader_free(sst_reader *r)
{
    if (r == NULL)
        return;
    if (r->meta_cached) {   /* nobody else can use them: give the room back */
        char kbuf[2 * 10];
        bc_erase(r->cache, cache_key(r, r->footer.index.offset, kbuf));
        if (r->filter.kind != FILTER_ALWAYS_TRUE)
            bc_erase(r->cache, cache_key(r, r->filter_handle.offset, kbuf));
    }
    bc_unref(r->cache);
    shale_file_close(r->file, NULL);
    for (size_t i = 0; i < r->num_meta; i++)
        free((char *)r->meta[i].name);
    free(r->meta);
    sst_props_deinit(&r->props);
    shale_buf_deinit(&r->index_buf);
    shale_buf_deinit(&r->filter_buf);
    shale_buf_deinit(&r->range_del_buf);
    free(r->path);
    free(r);
}

static int open_steps(sst_reader *r, shale_env *env, shale_err *err)
{
    int rc;
    if ((rc = shale_env_open_read(env, r->path, &r->file, err)) != SHALE_OK ||
        (rc = shale_file_size(r->file, &r->file_size, err)) != SHALE_OK ||
        (rc = read_footer(r, err)) != SHALE_OK || (rc = read_metaindex(r, err)) != SHALE_OK ||
        (rc = read_properties(r, err)) != SHALE_OK || (rc = read_index(r, err)) != SHALE_OK ||
        (rc = read_filter(r, err)) != SHALE_OK || (rc = read_range_del(r, err)) != SHALE_OK)
        return rc;
    return SHALE_OK;
}

int sst_reader_open(shale_env *env, const char *path, const sst_reader_options *opts,
                    sst_reader **out, shale_err *err)
{
    *out = NULL;
    sst_reader *r = calloc(1, sizeof *r);
    if (r == NULL || (r->path = strdup(path)) == NULL) {
        free(r);
        return SHALE_NOMEM(err);
    }
    atomic_init(&r->refs, 1);
    sst_props_init(&r->props);
    if (opts != NULL)
        r->opts = *opts;
    else
        sst_reader_options_init(&r->opts);
    if ((r->cache = r->opts.cache) != NULL) {
        bc_ref(r->cache);
        r->cache_id = bc_new_id(r->cache);
        r->meta_cached = r->opts.cache_index_and_filter_blocks;
    }
    int rc = open_steps(r, env, err);
    if (rc != SHALE_OK) {
        if (err != NULL && strstr(err->msg, path) == NULL)
            shale_err_prefix(err, path);
        reader_free(r);
        return rc;
    }
    *out = r;
    return SHALE_OK;
}

void sst_reader_ref(sst_reader *r) { atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed); }

void sst_reader_unref(sst_reader *r)
{
    if (r != NULL && atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1)
        reader_free(r);
}

/* --- accessors ------------------------------------------------------------ */

const char *sst_reader_path(const sst_reader *r) { return r->path; }
uint64_t sst_reader_file_size(const sst_reader *r) { return r->file_size; }
const sst_footer *sst_reader_footer(const sst_reader *r) { return &r->footer; }
const sst_props *sst_reader_props(const sst_reader *r) { return &r->props; }
bool sst_reader_has_properties(const sst_reader *r) { return r->has_props; }
int sst_reader_filter_kind(const sst_reader *r) { return r->filter.kind; }
const char *sst_reader_filter_name(const sst_reader *r) { return r->filter_name; }
size_t sst_reader_num_meta(const sst_reader *r) { return r->num_meta; }

const sst_meta_entry *sst_reader_meta(const sst_reader *r, size_t i)
{
    return i < r->num_meta ? &r->meta[i] : NULL;
}

bool sst_reader_key_may_match(const sst_reader *r, slice user_key)
{
    if (r->filter.kind == FILTER_ALWAYS_TRUE)
        return true;
    if (r->meta_cached)
        return sst_filter_may_match(r, user_key, true);
    return filter_key_may_match(&r->filter, user_key);
}

/* --- verify ----------------------------------------------------------------- */

typedef struct verify_state {
    sst_reader *r;
    sst_fetch_ctx ctx;
    shale_buf prev_key, prev_sep;
    uint64_t entries, blocks;
    bool have_prev;
} verify_state;

/* Every entry of one data block: a well-formed internal key of a data type,
 * in strictly increasing order across the file, and <= the separator. */
static int verify_data_block(verify_state *vs, const block *b, slice sep, shale_err *err)
{
    sst_reader *r = vs->r;
    blk_iter it;
    int rc = SHALE_OK;
    blk_iter_init(&it, b, BLK_CMP_IKEY, false);
    for (blk_iter_first(&it); rc == SHALE_OK && blk_iter_valid(&it); blk_iter_next(&it)) {
        slice k = blk_iter_key(&it);
        parsed_ikey pk;
        if (!ikey_parse(k, &pk) || !value_type_in_sst(pk.type) || pk.type == VT_RANGE_DELETION)
            rc = SHALE_CORRUPT(err, "bad internal key in data block at offset %u", it.cur);
        else if (vs->have_prev && ikey_compare(shale_buf_slice(&vs->prev_key), k) >= 0)
            rc = SHALE_CORRUPT(err, "data keys out of order at block offset %u", it.cur);
        else if ((r->index_user_keys ? slice_compare(pk.user_key, sep) : ikey_compare(k, sep)) > 0)
            rc = SHALE_CORRUPT(err, "data key past its index separator at block offset %u",
                               it.cur);
        shale_buf_clear(&vs->prev_key);
        shale_buf_append_slice(&vs->prev_key, k);
        vs->have_prev = true;
        vs->entries++;
    }
    if (rc == SHALE_OK)
        rc = blk_iter_status(&it, err);
    if (rc == SHALE_OK && !shale_buf_ok(&vs->prev_key))
        rc = SHALE_NOMEM(err);
    blk_iter_deinit(&it);
    return rc;
}

/* Walks the index (index: the reader's block or one read afresh). */
static int verify_data_with(verify_state *vs, const block *index, shale_err *err)
{
    sst_reader *r = vs->r;
    blk_iter ix;
    int rc = SHALE_OK;
    blk_iter_init(&ix, index, sst_index_cmp(r), r->index_delta);
    for (blk_iter_first(&ix); rc == SHALE_OK && blk_iter_valid(&ix); blk_iter_next(&ix)) {
        block_handle h;
        slice contents;
        block b;
        if ((rc = blk_iter_handle(&ix, &h, err)) != SHALE_OK ||
            (rc = sst_fetch_block(r, h, true, true, &vs->ctx, &contents, err)) !=
                SHALE_OK ||
            (rc = block_init(&b, contents, err)) != SHALE_OK)
            break;
        slice sep = blk_iter_key(&ix);
        if (vs->blocks > 0 && blk_compare(sst_index_cmp(r), shale_buf_slice(&vs->prev_sep), sep) >= 0)
            rc = SHALE_CORRUPT(err, "index separators out of order at offset %u", ix.cur);
        shale_buf_clear(&vs->prev_sep);
        shale_buf_append_slice(&vs->prev_sep, sep);
        if (rc == SHALE_OK)
            rc = verify_data_block(vs, &b, sep, err);
        vs->blocks++;
    }
    if (rc == SHALE_OK)
        rc = blk_iter_status(&ix, err);
    blk_iter_deinit(&ix);
    return rc;
}

static int verify_data(verify_state *vs, shale_err *err)
{
    sst_reader *r = vs->r;
    if (!r->meta_cached)
        return verify_data_with(vs, &r->index_block, err);
    sst_fetch_ctx ctx = {0};   /* verification reads the file, not the cache */
    slice s;
    block index;
    int rc = sst_fetch_block(r, r->footer.index, true, true, &ctx, &s, err);
    if (rc == SHALE_OK)
        rc = block_init(&index, s, err);
    if (rc == SHALE_OK)
        rc = verify_data_with(vs, &index, err);
    sst_fetch_ctx_deinit(&ctx);
    return rc;
}

static int verify_meta_blocks(verify_state *vs, uint64_t *range_dels, shale_err *err)
{
    sst_reader *r = vs->r;
    int rc = SHALE_OK;
    for (size_t i = 0; rc == SHALE_OK && i < r->num_meta; i++) {
        const char *n = r->meta[i].name;
        bool raw = strcmp(n, META_PROPERTIES) == 0 || strcmp(n, META_PROPERTIES_OLD) == 0 ||
                   strstr(n, "filter.") != NULL;
        slice s;
        rc = sst_fetch_block(r, r->meta[i].handle, true, !raw, &vs->ctx, &s, err);
    }
    if (rc != SHALE_OK || !r->has_range_del)
        return rc;
    blk_iter it;
    blk_iter_init(&it, &r->range_del_block, BLK_CMP_IKEY, false);
    for (blk_iter_first(&it); rc == SHALE_OK && blk_iter_valid(&it); blk_iter_next(&it)) {
        parsed_ikey pk;
        if (!ikey_parse(blk_iter_key(&it), &pk) || pk.type != VT_RANGE_DELETION)
            rc = SHALE_CORRUPT(err, "bad range tombstone key at offset %u", it.cur);
        (*range_dels)++;
    }
    if (rc == SHALE_OK)
        rc = blk_iter_status(&it, err);
    blk_iter_deinit(&it);
    return rc;
}

static int verify_counts(const verify_state *vs, uint64_t range_dels, shale_err *err)
{
    const sst_props *p = &vs->r->props;
    if (!vs->r->has_props)
        return SHALE_OK;
    if (p->num_data_blocks != vs->blocks)
        return SHALE_CORRUPT(err, "%llu data blocks, properties say %llu",
                             (unsigned long long)vs->blocks, (unsigned long long)p->num_data_blocks);
    if (p->num_entries != vs->entries + range_dels || p->num_range_deletions != range_dels)
        return SHALE_CORRUPT(err, "%llu entries and %llu range deletions, properties say %llu, %llu",
                             (unsigned long long)vs->entries, (unsigned long long)range_dels,
                             (unsigned long long)p->num_entries,
                             (unsigned long long)p->num_range_deletions);
    return SHALE_OK;
}

int sst_reader_verify(sst_reader *r, shale_err *err)
{
    verify_state vs = {.r = r};
    uint64_t range_dels = 0;
    int rc;
    if ((rc = verify_meta_blocks(&vs, &range_dels, err)) == SHALE_OK &&
        (rc = verify_data(&vs, err)) == SHALE_OK)
        rc = verify_counts(&vs, range_dels, err);
    if (rc != SHALE_OK && err != NULL && strstr(err->msg, r->path) == NULL)
        shale_err_prefix(err, r->path);
    sst_fetch_ctx_deinit(&vs.ctx);
    shale_buf_deinit(&vs.prev_key);
    shale_buf_deinit(&vs.prev_sep);
    return rc;
}
