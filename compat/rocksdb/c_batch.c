/* compat/rocksdb/c_batch.c: rocksdb_writebatch_t over shale's write batch.
 *
 * RocksDB's batch calls return nothing; a record shale refuses (a key over
 * 4 GiB, no memory) is dropped, as RocksDB drops it with an ignored
 * Status.  Save points and rocksdb_writebatch_create_from() replay
 * RocksDB's wire format (rocksdb_writebatch_data()) into a fresh batch:
 *   8 bytes sequence, 4 bytes count, then records: a tag byte, a varint32
 *   family id for the *CF tags, and varint32-prefixed key (and value, or
 *   range end).  Only default-family records can be replayed. */
#include "compat/rocksdb/c_internal.h"

#include <stdlib.h>
#include <string.h>

enum {
    TAG_DELETION = 0x0, TAG_VALUE = 0x1, TAG_MERGE = 0x2, TAG_LOG_DATA = 0x3,
    TAG_CF_DELETION = 0x4, TAG_CF_VALUE = 0x5, TAG_CF_MERGE = 0x6, TAG_SINGLE_DELETION = 0x7,
    TAG_CF_SINGLE_DELETION = 0x8, TAG_NOOP = 0xD, TAG_CF_RANGE_DELETION = 0xE,
    TAG_RANGE_DELETION = 0xF,
};
#define BATCH_HEADER 12

/* compat: implemented */
rocksdb_writebatch_t *rocksdb_writebatch_create(void)
{
    rocksdb_writebatch_t *b = calloc(1, sizeof *b);
    if (b == NULL)
        return NULL;
    b->batch = shale_write_batch_new();
    if (b->batch == NULL) {
        free(b);
        return NULL;
    }
    return b;
}

/* compat: implemented */
void rocksdb_writebatch_destroy(rocksdb_writebatch_t *b)
{
    if (b == NULL)
        return;
    shale_write_batch_free(b->batch);
    free(b->saves);
    free(b);
}

/* compat: implemented */
void rocksdb_writebatch_clear(rocksdb_writebatch_t *b)
{
    shale_write_batch_clear(b->batch);
    b->nsaves = 0;
}

/* compat: implemented */
int rocksdb_writebatch_count(rocksdb_writebatch_t *b)
{
    return shale_write_batch_count(b->batch);
}

/* --- replaying the wire format ------------------------------------------------------ */
static bool get_varint32(const unsigned char **p, const unsigned char *end, uint32_t *v)
{
    uint32_t r = 0;
    for (int shift = 0; shift <= 28 && *p < end; shift += 7) {
        uint32_t byte = *(*p)++;
        r |= (byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) {
            *v = r;
            return true;
        }
    }
    return false;
}

static bool get_slice(const unsigned char **p, const unsigned char *end, const char **s,
                      size_t *n)
{
    uint32_t len;
    if (!get_varint32(p, end, &len) || (size_t)(end - *p) < len)
        return false;
    *s = (const char *)*p;
    *n = len;
    *p += len;
    return true;
}

/* One record of the wire format, its family tag folded into the plain one. */
typedef struct record {
    int tag;                       /* TAG_VALUE, TAG_DELETION, ... (never a CF tag) */
    const char *k, *v;
    size_t kn, vn;
} record;

static int plain_tag(int tag)
{
    switch (tag) {
    case TAG_CF_DELETION: return TAG_DELETION;
    case TAG_CF_VALUE: return TAG_VALUE;
    case TAG_CF_MERGE: return TAG_MERGE;
    case TAG_CF_SINGLE_DELETION: return TAG_SINGLE_DELETION;
    case TAG_CF_RANGE_DELETION: return TAG_RANGE_DELETION;
    default: return tag;
    }
}

/* Parses the record at *p; false on a malformed or foreign-family one. */
static bool parse_record(const unsigned char **p, const unsigned char *end, record *r)
{
    int tag = *(*p)++;
    uint32_t cf = 0;
    r->tag = plain_tag(tag);
    r->k = r->v = NULL;
    r->kn = r->vn = 0;
    if (tag != r->tag && (!get_varint32(p, end, &cf) || cf != 0))
        return false;
    if (r->tag == TAG_NOOP)
        return true;
    if (!get_slice(p, end, &r->k, &r->kn))
        return false;
    switch (r->tag) {
    case TAG_LOG_DATA: case TAG_DELETION: case TAG_SINGLE_DELETION:
        return true;
    case TAG_VALUE: case TAG_MERGE: case TAG_RANGE_DELETION:
        return get_slice(p, end, &r->v, &r->vn);
    default:
        return false;
    }
}

/* Calls visit for each record of rep[0..size) until it returns false or a
 * record cannot be parsed. */
static void walk(const char *rep, size_t size, bool (*visit)(void *ctx, const record *r),
                 void *ctx)
{
    if (size < BATCH_HEADER)
        return;
    const unsigned char *p = (const unsigned char *)rep + BATCH_HEADER;
    const unsigned char *end = (const unsigned char *)rep + size;
    record r;
    while (p < end && parse_record(&p, end, &r) && visit(ctx, &r)) {
    }
}

static bool replay_one(void *ctx, const record *r)
{
    shale_write_batch *b = ctx;
    switch (r->tag) {
    case TAG_VALUE: return shale_write_batch_put(b, r->k, r->kn, r->v, r->vn, NULL) == SHALE_OK;
    case TAG_MERGE: return shale_write_batch_merge(b, r->k, r->kn, r->v, r->vn, NULL) == SHALE_OK;
    case TAG_DELETION: return shale_write_batch_delete(b, r->k, r->kn, NULL) == SHALE_OK;
    case TAG_SINGLE_DELETION:
        return shale_write_batch_single_delete(b, r->k, r->kn, NULL) == SHALE_OK;
    case TAG_RANGE_DELETION:
        return shale_write_batch_delete_range(b, r->k, r->kn, r->v, r->vn, NULL) == SHALE_OK;
    default:
        return true;   /* log data and no-ops carry nothing to replay */
    }
}

/* A new shale batch holding the records of rep[0..size). */
static shale_write_batch *replay(const char *rep, size_t size)
{
    shale_write_batch *b = shale_write_batch_new();
    if (b != NULL)
        walk(rep, size, replay_one, b);
    return b;
}

/* compat: partial: records of the default family only (others end the replay) */
rocksdb_writebatch_t *rocksdb_writebatch_create_from(const char *rep, size_t size)
{
    rocksdb_writebatch_t *b = calloc(1, sizeof *b);
    if (b == NULL)
        return NULL;
    b->batch = replay(rep, size);
    if (b->batch == NULL) {
        free(b);
        return NULL;
    }
    return b;
}

/* compat: implemented */
void rocksdb_writebatch_set_save_point(rocksdb_writebatch_t *b)
{
    if (b->nsaves == b->cap) {
        size_t cap = b->cap != 0 ? 2 * b->cap : 4;
        size_t *s = realloc(b->saves, cap * sizeof *s);
        if (s == NULL)
            return;
        b->saves = s;
        b->cap = cap;
    }
    size_t size;
    (void)shale_write_batch_data(b->batch, &size);
    b->saves[b->nsaves++] = size;
}

/* compat: implemented */
void rocksdb_writebatch_rollback_to_save_point(rocksdb_writebatch_t *b, char **errptr)
{
    if (b->nsaves == 0) {
        compat_set_errf(errptr, SHALE_NOT_FOUND, "%s", "");
        return;
    }
    size_t size;
    const char *data = shale_write_batch_data(b->batch, &size);
    shale_write_batch *r = replay(data, b->saves[b->nsaves - 1]);
    if (r == NULL) {
        compat_set_errf(errptr, SHALE_NO_MEMORY, "%s", "");
        return;
    }
    shale_write_batch_free(b->batch);
    b->batch = r;
    b->nsaves--;
}

/* compat: implemented */
void rocksdb_writebatch_pop_save_point(rocksdb_writebatch_t *b, char **errptr)
{
    if (b->nsaves == 0) {
        compat_set_errf(errptr, SHALE_NOT_FOUND, "%s", "");
        return;
    }
    b->nsaves--;
}

/* --- records --------------------------------------------------------------------- */
/* compat: implemented */
void rocksdb_writebatch_put(rocksdb_writebatch_t *b, const char *key, size_t klen,
                            const char *val, size_t vlen)
{
    (void)shale_write_batch_put(b->batch, key, klen, val, vlen, NULL);
}

/* compat: implemented */
void rocksdb_writebatch_put_cf(rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *cf,
                               const char *key, size_t klen, const char *val, size_t vlen)
{
    (void)shale_write_batch_put_cf(b->batch, compat_cf(cf), key, klen, val, vlen, NULL);
}

/* compat: not implemented: user timestamps (the record is dropped) */
void rocksdb_writebatch_put_cf_with_ts(rocksdb_writebatch_t *b,
                                       rocksdb_column_family_handle_t *cf, const char *key,
                                       size_t klen, const char *ts, size_t tslen,
                                       const char *val, size_t vlen)
{
    (void)b, (void)cf, (void)key, (void)klen, (void)ts, (void)tslen, (void)val, (void)vlen;
}

/* compat: implemented */
void rocksdb_writebatch_merge(rocksdb_writebatch_t *b, const char *key, size_t klen,
                              const char *val, size_t vlen)
{
    (void)shale_write_batch_merge(b->batch, key, klen, val, vlen, NULL);
}

/* compat: implemented */
void rocksdb_writebatch_merge_cf(rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *cf,
                                 const char *key, size_t klen, const char *val, size_t vlen)
{
    (void)shale_write_batch_merge_cf(b->batch, compat_cf(cf), key, klen, val, vlen, NULL);
}

/* compat: implemented */
void rocksdb_writebatch_delete(rocksdb_writebatch_t *b, const char *key, size_t klen)
{
    (void)shale_write_batch_delete(b->batch, key, klen, NULL);
}

/* compat: implemented */
void rocksdb_writebatch_singledelete(rocksdb_writebatch_t *b, const char *key, size_t klen)
{
    (void)shale_write_batch_single_delete(b->batch, key, klen, NULL);
}

/* compat: implemented */
void rocksdb_writebatch_delete_cf(rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *cf,
                                  const char *key, size_t klen)
{
    (void)shale_write_batch_delete_cf(b->batch, compat_cf(cf), key, klen, NULL);
}

/* compat: not implemented: user timestamps (the record is dropped) */
void rocksdb_writebatch_delete_cf_with_ts(rocksdb_writebatch_t *b,
                                          rocksdb_column_family_handle_t *cf, const char *key,
                                          size_t klen, const char *ts, size_t tslen)
{
    (void)b, (void)cf, (void)key, (void)klen, (void)ts, (void)tslen;
}

/* compat: implemented */
void rocksdb_writebatch_singledelete_cf(rocksdb_writebatch_t *b,
                                        rocksdb_column_family_handle_t *cf, const char *key,
                                        size_t klen)
{
    (void)shale_write_batch_single_delete_cf(b->batch, compat_cf(cf), key, klen, NULL);
}

/* compat: not implemented: user timestamps (the record is dropped) */
void rocksdb_writebatch_singledelete_cf_with_ts(rocksdb_writebatch_t *b,
                                                rocksdb_column_family_handle_t *cf,
                                                const char *key, size_t klen, const char *ts,
                                                size_t tslen)
{
    (void)b, (void)cf, (void)key, (void)klen, (void)ts, (void)tslen;
}

/* compat: implemented */
void rocksdb_writebatch_delete_range(rocksdb_writebatch_t *b, const char *start_key,
                                     size_t start_key_len, const char *end_key,
                                     size_t end_key_len)
{
    (void)shale_write_batch_delete_range(b->batch, start_key, start_key_len, end_key,
                                         end_key_len, NULL);
}

/* compat: implemented */
void rocksdb_writebatch_delete_range_cf(rocksdb_writebatch_t *b,
                                        rocksdb_column_family_handle_t *cf,
                                        const char *start_key, size_t start_key_len,
                                        const char *end_key, size_t end_key_len)
{
    (void)shale_write_batch_delete_range_cf(b->batch, compat_cf(cf), start_key, start_key_len,
                                            end_key, end_key_len, NULL);
}

/* --- the "v" variants: each key (value) is the concatenation of the parts --------- */
/* parts[0..n) joined; malloc'd (free it), NULL on no memory. */
static char *join(int n, const char *const *parts, const size_t *sizes, size_t *len)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += sizes[i];
    char *s = malloc(total + 1);
    if (s == NULL)
        return NULL;
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        if (sizes[i] > 0)
            memcpy(s + off, parts[i], sizes[i]);
        off += sizes[i];
    }
    *len = total;
    return s;
}

enum { V_PUT, V_MERGE, V_DELETE, V_RANGE };

static void add_joined(rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *cf, int kind,
                       int nk, const char *const *ks, const size_t *ksz, int nv,
                       const char *const *vs, const size_t *vsz)
{
    size_t kn = 0, vn = 0;
    char *k = join(nk, ks, ksz, &kn);
    char *v = kind != V_DELETE ? join(nv, vs, vsz, &vn) : NULL;
    if (k != NULL && (kind == V_DELETE || v != NULL)) {
        shale_cf *c = compat_cf(cf);
        if (kind == V_PUT)
            (void)shale_write_batch_put_cf(b->batch, c, k, kn, v, vn, NULL);
        else if (kind == V_MERGE)
            (void)shale_write_batch_merge_cf(b->batch, c, k, kn, v, vn, NULL);
        else if (kind == V_DELETE)
            (void)shale_write_batch_delete_cf(b->batch, c, k, kn, NULL);
        else
            (void)shale_write_batch_delete_range_cf(b->batch, c, k, kn, v, vn, NULL);
    }
    free(k);
    free(v);
}

/* compat: implemented */
void rocksdb_writebatch_putv(rocksdb_writebatch_t *b, int num_keys,
                             const char *const *keys_list, const size_t *keys_list_sizes,
                             int num_values, const char *const *values_list,
                             const size_t *values_list_sizes)
{
    add_joined(b, NULL, V_PUT, num_keys, keys_list, keys_list_sizes, num_values, values_list,
               values_list_sizes);
}

/* compat: implemented */
void rocksdb_writebatch_putv_cf(rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *cf,
                                int num_keys, const char *const *keys_list,
                                const size_t *keys_list_sizes, int num_values,
                                const char *const *values_list,
                                const size_t *values_list_sizes)
{
    add_joined(b, cf, V_PUT, num_keys, keys_list, keys_list_sizes, num_values, values_list,
               values_list_sizes);
}

/* compat: implemented */
void rocksdb_writebatch_mergev(rocksdb_writebatch_t *b, int num_keys,
                               const char *const *keys_list, const size_t *keys_list_sizes,
                               int num_values, const char *const *values_list,
                               const size_t *values_list_sizes)
{
    add_joined(b, NULL, V_MERGE, num_keys, keys_list, keys_list_sizes, num_values,
               values_list, values_list_sizes);
}

/* compat: implemented */
void rocksdb_writebatch_mergev_cf(rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *cf,
                                  int num_keys, const char *const *keys_list,
                                  const size_t *keys_list_sizes, int num_values,
                                  const char *const *values_list,
                                  const size_t *values_list_sizes)
{
    add_joined(b, cf, V_MERGE, num_keys, keys_list, keys_list_sizes, num_values, values_list,
               values_list_sizes);
}

/* compat: implemented */
void rocksdb_writebatch_deletev(rocksdb_writebatch_t *b, int num_keys,
                                const char *const *keys_list, const size_t *keys_list_sizes)
{
    add_joined(b, NULL, V_DELETE, num_keys, keys_list, keys_list_sizes, 0, NULL, NULL);
}

/* compat: implemented */
void rocksdb_writebatch_deletev_cf(rocksdb_writebatch_t *b, rocksdb_column_family_handle_t *cf,
                                   int num_keys, const char *const *keys_list,
                                   const size_t *keys_list_sizes)
{
    add_joined(b, cf, V_DELETE, num_keys, keys_list, keys_list_sizes, 0, NULL, NULL);
}

/* compat: implemented */
void rocksdb_writebatch_delete_rangev(rocksdb_writebatch_t *b, int num_keys,
                                      const char *const *start_keys_list,
                                      const size_t *start_keys_list_sizes,
                                      const char *const *end_keys_list,
                                      const size_t *end_keys_list_sizes)
{
    add_joined(b, NULL, V_RANGE, num_keys, start_keys_list, start_keys_list_sizes, num_keys,
               end_keys_list, end_keys_list_sizes);
}

/* compat: implemented */
void rocksdb_writebatch_delete_rangev_cf(rocksdb_writebatch_t *b,
                                         rocksdb_column_family_handle_t *cf, int num_keys,
                                         const char *const *start_keys_list,
                                         const size_t *start_keys_list_sizes,
                                         const char *const *end_keys_list,
                                         const size_t *end_keys_list_sizes)
{
    add_joined(b, cf, V_RANGE, num_keys, start_keys_list, start_keys_list_sizes, num_keys,
               end_keys_list, end_keys_list_sizes);
}

/* compat: partial: accepted and dropped (shale's batches carry no log data) */
void rocksdb_writebatch_put_log_data(rocksdb_writebatch_t *b, const char *blob, size_t len)
{
    (void)b, (void)blob, (void)len;
}

typedef struct iterate_ctx {
    void *state;
    void (*put)(void *, const char *, size_t, const char *, size_t);
    void (*deleted)(void *, const char *, size_t);
} iterate_ctx;

/* RocksDB's C handler: puts and deletions are reported, single deletions
 * and merges skipped, and a range deletion ends the walk (its handler
 * reports "DeleteRangeCF not implemented"). */
static bool iterate_one(void *ctx, const record *r)
{
    iterate_ctx *c = ctx;
    if (r->tag == TAG_VALUE)
        c->put(c->state, r->k, r->kn, r->v, r->vn);
    else if (r->tag == TAG_DELETION)
        c->deleted(c->state, r->k, r->kn);
    return r->tag != TAG_RANGE_DELETION;
}

/* compat: implemented */
void rocksdb_writebatch_iterate(rocksdb_writebatch_t *b, void *state,
                                void (*put)(void *, const char *k, size_t klen, const char *v,
                                            size_t vlen),
                                void (*deleted)(void *, const char *k, size_t klen))
{
    iterate_ctx c = {state, put, deleted};
    size_t size;
    const char *data = shale_write_batch_data(b->batch, &size);
    walk(data, size, iterate_one, &c);
}

/* compat: implemented */
const char *rocksdb_writebatch_data(rocksdb_writebatch_t *b, size_t *size)
{
    return shale_write_batch_data(b->batch, size);
}
