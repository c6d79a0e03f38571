/* lsm/db/write_batch.c: building and decoding RocksDB WriteBatches; the byte
 * layout is in write_batch.h.  Builders reserve a record's full size before
 * writing it, so a record is either appended whole or not at all.  The
 * decoder never trusts a length: each field is taken with the bounded
 * get_* helpers of lsm/util/coding.h, and the header count is checked
 * against the records actually seen, as RocksDB does. */
#include "lsm/db/write_batch.h"

#include <string.h>

#include "lsm/util/coding.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

int wb_init(write_batch *b, shale_err *err)
{
    shale_buf_init(&b->rep);
    if (!shale_buf_reserve(&b->rep, WB_HEADER_LEN)) {
        shale_buf_deinit(&b->rep);
        return SHALE_NOMEM(err);
    }
    memset(b->rep.data, 0, WB_HEADER_LEN);
    b->rep.len = WB_HEADER_LEN;
    return SHALE_OK;
}

void wb_deinit(write_batch *b)
{
    if (b != NULL)
        shale_buf_deinit(&b->rep);
}

void wb_clear(write_batch *b)
{
    shale_buf_truncate(&b->rep, WB_HEADER_LEN);
    memset(b->rep.data, 0, WB_HEADER_LEN);
}

uint64_t wb_rep_sequence(slice rep) { return dec_fixed64(rep.data); }
uint32_t wb_rep_count(slice rep) { return dec_fixed32(rep.data + 8); }
uint32_t wb_count(const write_batch *b) { return wb_rep_count(wb_data(b)); }
uint64_t wb_sequence(const write_batch *b) { return wb_rep_sequence(wb_data(b)); }
void wb_set_sequence(write_batch *b, uint64_t seq) { enc_fixed64(b->rep.data, seq); }

static void set_count(write_batch *b, uint32_t n) { enc_fixed32(b->rep.data + 8, n); }

/* The record kinds the builders write: plain tag, CF tag, name for errors. */
typedef struct rec_kind {
    uint8_t tag, cf_tag;
    const char *name;
} rec_kind;

static const rec_kind k_put = {VT_VALUE, VT_CF_VALUE, "Put"};
static const rec_kind k_delete = {VT_DELETION, VT_CF_DELETION, "Delete"};
static const rec_kind k_single = {VT_SINGLE_DELETION, VT_CF_SINGLE_DELETION, "SingleDelete"};
static const rec_kind k_range = {VT_RANGE_DELETION, VT_CF_RANGE_DELETION, "DeleteRange"};
static const rec_kind k_merge = {VT_MERGE, VT_CF_MERGE, "Merge"};

static size_t lp_size(slice s) { return (size_t)varint_length(s.len) + s.len; }

/* Appends tag [cf] lp(a) [lp(b)] and counts it.  b == NULL: one field. */
static int add_record(write_batch *b, const rec_kind *k, uint32_t cf, slice a, const slice *v,
                      shale_err *err)
{
    uint32_t count = wb_count(b);
    if (a.len > UINT32_MAX || (v != NULL && v->len > UINT32_MAX))
        return SHALE_INVALID(err, "WriteBatch %s: key or value of 4 GiB or more", k->name);
    if (count == UINT32_MAX)
        return SHALE_INVALID(err, "WriteBatch %s: too many entries", k->name);
    size_t need = 1 + VARINT32_MAX_LEN + lp_size(a) + (v != NULL ? lp_size(*v) : 0);
    if (!shale_buf_reserve(&b->rep, need)) {
        b->rep.failed = false; /* reserve keeps the old bytes intact */
        return SHALE_NOMEM(err);
    }
    shale_buf_append_byte(&b->rep, cf == 0 ? k->tag : k->cf_tag);
    if (cf != 0)
        shale_buf_put_varint32(&b->rep, cf);
    shale_buf_put_lp_slice(&b->rep, a);
    if (v != NULL)
        shale_buf_put_lp_slice(&b->rep, *v);
    set_count(b, count + 1);
    return SHALE_OK;
}

int wb_put(write_batch *b, uint32_t cf, slice key, slice value, shale_err *err)
{
    return add_record(b, &k_put, cf, key, &value, err);
}

int wb_delete(write_batch *b, uint32_t cf, slice key, shale_err *err)
{
    return add_record(b, &k_delete, cf, key, NULL, err);
}

int wb_single_delete(write_batch *b, uint32_t cf, slice key, shale_err *err)
{
    return add_record(b, &k_single, cf, key, NULL, err);
}

int wb_delete_range(write_batch *b, uint32_t cf, slice begin, slice end, shale_err *err)
{
    return add_record(b, &k_range, cf, begin, &end, err);
}

int wb_merge(write_batch *b, uint32_t cf, slice key, slice operand, shale_err *err)
{
    return add_record(b, &k_merge, cf, key, &operand, err);
}

int wb_put_log_data(write_batch *b, slice blob, shale_err *err)
{
    if (blob.len > UINT32_MAX)
        return SHALE_INVALID(err, "WriteBatch LogData of 4 GiB or more");
    if (!shale_buf_reserve(&b->rep, 1 + lp_size(blob))) {
        b->rep.failed = false;
        return SHALE_NOMEM(err);
    }
    shale_buf_append_byte(&b->rep, VT_LOG_DATA);
    shale_buf_put_lp_slice(&b->rep, blob);
    return SHALE_OK;
}

int wb_append(write_batch *dst, const write_batch *src, shale_err *err)
{
    uint64_t count = (uint64_t)wb_count(dst) + wb_count(src);
    size_t n = src->rep.len - WB_HEADER_LEN;
    if (count > UINT32_MAX)
        return SHALE_INVALID(err, "WriteBatch append: too many entries");
    if (!shale_buf_reserve(&dst->rep, n)) {
        dst->rep.failed = false;
        return SHALE_NOMEM(err);
    }
    shale_buf_append(&dst->rep, src->rep.data + WB_HEADER_LEN, n);
    set_count(dst, (uint32_t)count);
    return SHALE_OK;
}

int wb_set_contents(write_batch *b, slice rep, shale_err *err)
{
    if (rep.len < WB_HEADER_LEN)
        return SHALE_CORRUPT(err, "malformed WriteBatch (too small)");
    if (!shale_buf_reserve(&b->rep, rep.len > b->rep.len ? rep.len - b->rep.len : 0)) {
        b->rep.failed = false;
        return SHALE_NOMEM(err);
    }
    memcpy(b->rep.data, rep.data, rep.len);
    b->rep.len = rep.len;
    return SHALE_OK;
}

/* ---- decoding ---------------------------------------------------------- */

/* One decoded record. */
typedef struct wb_rec {
    int tag;        /* as stored */
    int type;       /* plain type for counted records, else the tag */
    uint32_t cf;
    slice key, value, xid;
    int counted;
} wb_rec;

/* Plain type of a counted tag (CF variants folded), or -1; *has_cf and
 * *two say whether a CF id and a second lp field follow. */
static int counted_type(int tag, int *has_cf, int *two)
{
    static const struct { uint8_t tag, type, cf, two; } table[] = {
        {VT_VALUE, VT_VALUE, 0, 1},
        {VT_CF_VALUE, VT_VALUE, 1, 1},
        {VT_DELETION, VT_DELETION, 0, 0},
        {VT_CF_DELETION, VT_DELETION, 1, 0},
        {VT_SINGLE_DELETION, VT_SINGLE_DELETION, 0, 0},
        {VT_CF_SINGLE_DELETION, VT_SINGLE_DELETION, 1, 0},
        {VT_RANGE_DELETION, VT_RANGE_DELETION, 0, 1},
        {VT_CF_RANGE_DELETION, VT_RANGE_DELETION, 1, 1},
        {VT_MERGE, VT_MERGE, 0, 1},
        {VT_CF_MERGE, VT_MERGE, 1, 1},
        {VT_BLOB_INDEX, VT_BLOB_INDEX, 0, 1},
        {VT_CF_BLOB_INDEX, VT_BLOB_INDEX, 1, 1},
        {VT_WIDE_COLUMN_ENTITY, VT_WIDE_COLUMN_ENTITY, 0, 1},
        {VT_CF_WIDE_COLUMN_ENTITY, VT_WIDE_COLUMN_ENTITY, 1, 1},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].tag == tag) {
            *has_cf = table[i].cf;
            *two = table[i].two;
            return table[i].type;
        }
    }
    return -1;
}

static const char *kind_name(int type)
{
    switch (type) {
    case VT_VALUE: return "Put";
    case VT_DELETION:
    case VT_SINGLE_DELETION: return "Delete";
    case VT_RANGE_DELETION: return "DeleteRange";
    case VT_MERGE: return "Merge";
    case VT_BLOB_INDEX: return "BlobIndex";
    default: return "PutEntity";
    }
}

static int read_counted(slice *in, wb_rec *r, shale_err *err)
{
    int has_cf = 0, two = 0;
    r->type = counted_type(r->tag, &has_cf, &two);
    r->counted = 1;
    if ((has_cf && !get_varint32(in, &r->cf)) || !get_lp_slice(in, &r->key) ||
        (two && !get_lp_slice(in, &r->value)))
        return SHALE_CORRUPT(err, "bad WriteBatch %s", kind_name(r->type));
    return SHALE_OK;
}

/* Uncounted records: LogData, Noop and the transaction markers. */
static int read_uncounted(slice *in, wb_rec *r, shale_err *err)
{
    r->type = r->tag;
    switch (r->tag) {
    case VT_LOG_DATA:
        if (!get_lp_slice(in, &r->value))
            return SHALE_CORRUPT(err, "bad WriteBatch Blob");
        return SHALE_OK;
    case VT_NOOP:
    case WB_TAG_BEGIN_PREPARE:
    case WB_TAG_BEGIN_PERSISTED_PREPARE:
    case WB_TAG_BEGIN_UNPREPARE:
        return SHALE_OK;
    case WB_TAG_COMMIT_WITH_TS:
        if (!get_lp_slice(in, &r->key))
            return SHALE_CORRUPT(err, "bad commit timestamp");
        /* the xid follows the timestamp */
        /* fall through */
    case WB_TAG_END_PREPARE:
    case WB_TAG_COMMIT:
    case WB_TAG_ROLLBACK:
        if (!get_lp_slice(in, &r->xid))
            return SHALE_CORRUPT(err, "bad WriteBatch XID (tag 0x%02x)", (unsigned)r->tag);
        return SHALE_OK;
    default:
        return SHALE_CORRUPT(err, "unknown WriteBatch tag 0x%02x", (unsigned)r->tag);
    }
}

static int read_record(slice *in, wb_rec *r, shale_err *err)
{
    memset(r, 0, sizeof *r);
    r->tag = (unsigned char)in->data[0];
    slice_skip(in, 1);
    int has_cf, two;
    if (counted_type(r->tag, &has_cf, &two) >= 0)
        return read_counted(in, r, err);
    return read_uncounted(in, r, err);
}

static int dispatch(const wb_handler *h, void *arg, const wb_rec *r, uint64_t seq,
                    shale_err *err)
{
    if (r->counted)
        return h->record(arg, seq, r->cf, r->type, r->key, r->value, err);
    if (r->tag == VT_LOG_DATA)
        return h->log_data != NULL ? h->log_data(arg, r->value, err) : SHALE_OK;
    return h->marker != NULL ? h->marker(arg, r->tag, r->xid, r->key, err) : SHALE_OK;
}

int wb_iterate(slice rep, const wb_handler *h, void *arg, shale_err *err)
{
    if (rep.len < WB_HEADER_LEN)
        return SHALE_CORRUPT(err, "malformed WriteBatch (too small)");
    uint64_t seq = wb_rep_sequence(rep);
    uint32_t want = wb_rep_count(rep);
    uint64_t found = 0;
    slice in = slice_make(rep.data + WB_HEADER_LEN, rep.len - WB_HEADER_LEN);
    while (in.len > 0) {
        wb_rec r;
        int rc = read_record(&in, &r, err);
        if (rc == SHALE_OK)
            rc = dispatch(h, arg, &r, seq + found, err);
        if (rc != SHALE_OK)
            return rc;
        found += (uint64_t)r.counted;
    }
    if (found != want)
        return SHALE_CORRUPT(err, "WriteBatch has wrong count: header %u, records %llu", want,
                             (unsigned long long)found);
    return SHALE_OK;
}
