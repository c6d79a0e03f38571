/* state/state_ckpt_sink.c: writing checkpointed entries and timers into a
 * backend being restored.
 *
 * LSM targets take the bytes as they are: Flink's RocksDB layout is what
 * their families hold, so an entry is one put into the state's family
 * (a list arrives whole, already merged) and every timestamp is kept.
 *
 * Heap targets need the key split back into key, namespace and user key,
 * which the layout does not always allow (Flink relies on its key and
 * namespace serializers being self-delimiting):
 *   kg | key | 0x00 [| user key]                               void namespace
 *   kg | key | vlen(len key) | ns | vlen(len ns) [| user key]   a namespace
 * where vlen is Flink's writeVariableIntBytes (little-endian, as few bytes
 * as needed, at least one).  Every split that fits is counted: one is used,
 * none is corruption, and two or more are refused (SHALE_NOT_SUPPORTED)
 * rather than guessed.  The values are then written through the backend's
 * own operations with `now` set to each stored timestamp, which is what
 * the heap backend stamps, so TTL timestamps survive. */
#include "state/state_ckpt.h"

#include <string.h>

#include "lsm/util/err.h"
#include "state/layout.h"
#include "state/lsm.h"
#include "state/ttl.h"

/* --- splitting keys ------------------------------------------------------------- */
static size_t vlen_bytes(size_t v)
{
    size_t n = 1;
    while (v >>= 8)
        n++;
    return n;
}

/* Whether p[0..n) is vlen(v) exactly. */
static bool vlen_at(const char *p, size_t n, size_t v)
{
    size_t want = vlen_bytes(v);
    if (n < want)
        return false;
    for (size_t i = 0; i < want; i++, v >>= 8)
        if ((uint8_t)p[i] != (uint8_t)v)
            return false;
    return true;
}

typedef struct split {
    int found;
    state_key k;
    const char *uk;
    size_t uklen;
} split;

static void found(split *s, const char *key, size_t klen, const char *ns, size_t nslen,
                  const char *uk, size_t uklen)
{
    if (s->found++ == 0) {
        s->k = (state_key){0, key, klen, ns, nslen};
        s->uk = uk;
        s->uklen = uklen;
    }
}

static void void_splits(const char *p, size_t n, bool map, split *s)
{
    if (!map) {
        if (n >= 1 && p[n - 1] == STATE_VOID_NAMESPACE_BYTE)
            found(s, p, n - 1, NULL, 0, NULL, 0);
        return;
    }
    for (size_t i = 0; i < n && s->found < 2; i++)
        if (p[i] == STATE_VOID_NAMESPACE_BYTE)
            found(s, p, i, NULL, 0, p + i + 1, n - i - 1);
}

/* Namespace splits of r[0..rn) (after the key and its length). */
static void ns_splits(const char *key, size_t klen, const char *r, size_t rn, bool map,
                      split *s)
{
    for (size_t nslen = 1; nslen < rn && s->found < 2; nslen++) {
        size_t vb = vlen_bytes(nslen);
        if (nslen + vb > rn)
            break;
        if (!map && nslen + vb != rn)
            continue;
        if (vlen_at(r + nslen, rn - nslen, nslen))
            found(s, key, klen, r, nslen, r + nslen + vb, rn - nslen - vb);
    }
}

int sck_split_key(const char *p, size_t n, bool map, state_key *k, const char **uk,
                  size_t *uklen, shale_err *err)
{
    split s = {0};
    void_splits(p, n, map, &s);
    for (size_t klen = 0; klen < n && s.found < 2; klen++) {
        size_t vb = vlen_bytes(klen);
        if (klen + vb <= n && vlen_at(p + klen, n - klen, klen))
            ns_splits(p, klen, p + klen + vb, n - klen - vb, map, &s);
    }
    if (s.found == 0)
        return SHALE_CORRUPT(err, "stored key of %zu bytes fits no key layout", n);
    if (s.found > 1)
        return SHALE_UNSUPPORTED(err, "stored key of %zu bytes splits into key and namespace "
                                      "more than one way", n);
    *k = s.k;
    *uk = s.uk;
    *uklen = s.uklen;
    return SHALE_OK;
}

/* --- heap targets ------------------------------------------------------------------ */
static int heap_list(shale_state *st, const state_key *k, slice in, shale_err *err)
{
    const state_desc *d = &st->desc;
    bool ts_on = state_ttl_on(d) || d->bound_age_ms > 0;
    while (in.len > 0) {
        int64_t ts = 0;
        slice v;
        int rc = state_layout_list_next(&in, ts_on, &ts, &v, err);
        if (rc == SHALE_OK)
            rc = st->b->ops->list_add(st, k, ts, 1, &v.data, &v.len, err);
        if (rc != SHALE_OK)
            return rc;
    }
    return SHALE_OK;
}

static int heap_map(shale_state *st, const state_key *k, const char *uk, size_t uklen,
                    const sck_record *r, shale_err *err)
{
    bool is_null = false;
    int64_t ts = 0;
    slice v;
    int rc = state_layout_map_value_decode(r->value, r->vlen, state_ttl_on(&st->desc),
                                           &is_null, &ts, &v, err);
    if (rc != SHALE_OK)
        return rc;
    if (is_null)
        return SHALE_UNSUPPORTED(err, "state '%s': a null map value has no heap form",
                                 st->desc.name);
    return st->b->ops->map_put(st, k, ts, 1, &uk, &uklen, &v.data, &v.len, err);
}

static int heap_entry(shale_state *st, const sck_record *r, shale_err *err)
{
    int32_t mp = st->b->cfg.max_parallelism;
    size_t pre = (size_t)state_layout_kg_len(mp);
    bool map = st->desc.kind == SHALE_STATE_MAP;
    state_key k;
    const char *uk = NULL;
    size_t uklen = 0;
    int rc = sck_split_key(r->key + pre, r->klen - pre, map, &k, &uk, &uklen, err);
    if (rc != SHALE_OK)
        return rc;
    k.kg = r->kg;
    if (map)
        return heap_map(st, &k, uk, uklen, r, err);
    if (st->desc.kind == SHALE_STATE_LIST)
        return heap_list(st, &k, slice_make(r->value, r->vlen), err);
    int64_t ts = 0;
    slice v;
    rc = state_layout_value_decode(r->value, r->vlen, state_ttl_on(&st->desc), &ts, &v, err);
    return rc != SHALE_OK ? rc : st->b->ops->value_put(st, &k, ts, v.data, v.len, err);
}

/* --- both --------------------------------------------------------------------------- */
int sck_sink_entry(shale_state *st, const sck_record *r, shale_err *err)
{
    if (st->b->cfg.kind == SHALE_STATE_BACKEND_HEAP)
        return heap_entry(st, r, err);
    lsm_backend *lb = lsm_of(st->b);
    return shale_put_cf(lb->db, lb->wo, lsm_state_cf(st), r->key, r->klen, r->value, r->vlen,
                        err);
}

int sck_sink_timer(shale_state_backend *b, const sck_record *r, shale_err *err)
{
    return b->ops->timer_add(b, r->domain, &r->timer, err);
}
