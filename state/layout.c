/* state/layout.c: the Flink RocksDB byte layout of keyed state (see
 * state/layout.h for the tables and docs/state.md for why each byte is
 * where it is).  Encoders append to a shale_buf (whose sticky failure the
 * caller checks once); decoders bound-check every length against the bytes
 * they were given and report SHALE_CORRUPTION, never read past them. */
#include "state/layout.h"

#include <string.h>

#include "lsm/util/err.h"

int state_layout_kg_len(int32_t max_parallelism)
{
    return max_parallelism > 128 ? 2 : 1;
}

void state_layout_put_kg(shale_buf *out, int32_t max_parallelism, int32_t kg)
{
    if (state_layout_kg_len(max_parallelism) == 2)
        shale_buf_append_byte(out, (uint8_t)((uint32_t)kg >> 8));
    shale_buf_append_byte(out, (uint8_t)kg);
}

int state_layout_get_kg(const char *p, size_t n, int32_t max_parallelism, int32_t *kg,
                        shale_err *err)
{
    const unsigned char *u = (const unsigned char *)p;
    int len = state_layout_kg_len(max_parallelism);
    if (n < (size_t)len)
        return SHALE_CORRUPT(err, "state key of %zu bytes has no key-group prefix", n);
    int32_t v = len == 2 ? (int32_t)((u[0] << 8) | u[1]) : (int32_t)u[0];
    if (v >= max_parallelism)
        return SHALE_CORRUPT(err, "key group %d outside max parallelism %d", (int)v,
                             (int)max_parallelism);
    *kg = v;
    return SHALE_OK;
}

void state_layout_put_varint_bytes(shale_buf *out, uint32_t v)
{
    do {
        shale_buf_append_byte(out, (uint8_t)v);
        v >>= 8;
    } while (v != 0);
}

void state_layout_key(shale_buf *out, int32_t max_parallelism, const state_key *k)
{
    state_layout_put_kg(out, max_parallelism, k->kg);
    shale_buf_append(out, k->key, k->klen);
    if (k->nslen == 0) {
        shale_buf_append_byte(out, STATE_VOID_NAMESPACE_BYTE);
        return;
    }
    state_layout_put_varint_bytes(out, (uint32_t)k->klen);
    shale_buf_append(out, k->ns, k->nslen);
    state_layout_put_varint_bytes(out, (uint32_t)k->nslen);
}

void state_layout_map_key(shale_buf *out, int32_t max_parallelism, const state_key *k,
                          const char *uk, size_t uklen)
{
    state_layout_key(out, max_parallelism, k);
    shale_buf_append(out, uk, uklen);
}

void state_layout_put_ts(shale_buf *out, int64_t ts)
{
    char b[8];
    uint64_t v = (uint64_t)ts;
    for (int i = 0; i < 8; i++)
        b[i] = (char)(v >> (56 - 8 * i));
    shale_buf_append(out, b, 8);
}

int64_t state_layout_get_ts(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | u[i];
    return (int64_t)v;
}

void state_layout_value(shale_buf *out, bool ttl, int64_t ts, const char *v, size_t n)
{
    if (ttl)
        state_layout_put_ts(out, ts);
    shale_buf_append(out, v, n);
}

int state_layout_value_decode(const char *p, size_t n, bool ttl, int64_t *ts, slice *v,
                              shale_err *err)
{
    *ts = 0;
    if (ttl) {
        if (n < STATE_TTL_TS_LEN)
            return SHALE_CORRUPT(err, "TTL value of %zu bytes has no timestamp", n);
        *ts = state_layout_get_ts(p);
        p += STATE_TTL_TS_LEN;
        n -= STATE_TTL_TS_LEN;
    }
    *v = slice_make(p, n);
    return SHALE_OK;
}

void state_layout_map_value(shale_buf *out, bool ttl, int64_t ts, const char *v, size_t n)
{
    shale_buf_append_byte(out, STATE_MAP_VALUE_PRESENT);
    state_layout_value(out, ttl, ts, v, n);
}

int state_layout_map_value_decode(const char *p, size_t n, bool ttl, bool *is_null,
                                  int64_t *ts, slice *v, shale_err *err)
{
    *is_null = false;
    *ts = 0;
    *v = slice_make(NULL, 0);
    if (n < 1)
        return SHALE_CORRUPT(err, "empty map value has no null flag");
    if (p[0] == STATE_MAP_VALUE_NULL) {
        *is_null = true;
        return SHALE_OK;
    }
    if (p[0] != STATE_MAP_VALUE_PRESENT)
        return SHALE_CORRUPT(err, "map value null flag is %u", (unsigned char)p[0]);
    return state_layout_value_decode(p + 1, n - 1, ttl, ts, v, err);
}

void state_layout_list_elem(shale_buf *out, size_t list_start, bool ttl, int64_t ts,
                            const char *v, size_t n)
{
    if (out->len > list_start)
        shale_buf_append_byte(out, STATE_LIST_DELIM);
    if (ttl)
        state_layout_put_ts(out, ts);
    char len[4];
    for (int i = 0; i < 4; i++)
        len[i] = (char)((uint32_t)n >> (24 - 8 * i));
    shale_buf_append(out, len, 4);
    shale_buf_append(out, v, n);
}

int state_layout_list_next(slice *in, bool ttl, int64_t *ts, slice *v, shale_err *err)
{
    size_t hdr = (ttl ? STATE_TTL_TS_LEN : 0) + 4;
    if (in->len < hdr)
        return SHALE_CORRUPT(err, "list element header truncated (%zu bytes left)", in->len);
    const unsigned char *u = (const unsigned char *)in->data;
    *ts = ttl ? state_layout_get_ts(in->data) : 0;
    u += hdr - 4;
    size_t n = ((size_t)u[0] << 24) | ((size_t)u[1] << 16) | ((size_t)u[2] << 8) | u[3];
    if (n > in->len - hdr)
        return SHALE_CORRUPT(err, "list element of %zu bytes, %zu left", n, in->len - hdr);
    *v = slice_make(in->data + hdr, n);
    size_t used = hdr + n;
    if (used < in->len) {
        if (in->data[used] != STATE_LIST_DELIM)
            return SHALE_CORRUPT(err, "list elements not separated by ','");
        if (used + 1 == in->len)
            return SHALE_CORRUPT(err, "list ends with ','");
        used++;
    }
    slice_skip(in, used);
    return SHALE_OK;
}

void state_layout_timer_key(shale_buf *out, int32_t max_parallelism, const state_timer *t)
{
    state_layout_put_kg(out, max_parallelism, t->kg);
    state_layout_put_ts(out, (int64_t)((uint64_t)t->ts ^ (UINT64_C(1) << 63)));
    shale_buf_append(out, t->key, t->klen);
    shale_buf_append(out, t->ns, t->nslen);
}

int state_layout_timer_key_decode(const char *p, size_t n, int32_t max_parallelism,
                                  size_t key_len, state_timer *t, shale_err *err)
{
    int rc = state_layout_get_kg(p, n, max_parallelism, &t->kg, err);
    if (rc != SHALE_OK)
        return rc;
    size_t off = (size_t)state_layout_kg_len(max_parallelism);
    if (n - off < 8 || n - off - 8 < key_len)
        return SHALE_CORRUPT(err, "timer key of %zu bytes too short", n);
    t->ts = (int64_t)((uint64_t)state_layout_get_ts(p + off) ^ (UINT64_C(1) << 63));
    off += 8;
    t->key = p + off;
    t->klen = key_len;
    t->ns = p + off + key_len;
    t->nslen = n - off - key_len;
    return SHALE_OK;
}
