/* state/heap_timers.c: the heap backend's timer services (Flink's
 * HeapPriorityQueueSet): per domain, a binary min-heap of timers ordered by
 * (timestamp, key group, key bytes, namespace bytes) and a hash index on
 * (timestamp, key, namespace) that makes registering idempotent and
 * deletion O(log n).  Each timer records its heap position so the index
 * leads straight to it. */
#include "state/heap.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"

/* The index key: ts (8 bytes) | key | namespace, aux = 8 + key length, so
 * (key, namespace) splits are told apart. */
struct htimer {
    hkey hk;
    int64_t ts;
    int32_t kg;
    uint32_t klen, nslen;
    size_t pos;                   /* index in the heap array */
    char bytes[];
};

static size_t timer_size(const htimer *t) { return sizeof *t + 8 + t->klen + t->nslen; }

static heap_timers *TS(shale_state_backend *b, int domain)
{
    return &((heap_backend *)b->impl)->timers[domain];
}

static heap_acct *TA(shale_state_backend *b) { return &((heap_backend *)b->impl)->timer_acct; }

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c != 0 ? c : (an > bn) - (an < bn);
}

static bool before(const htimer *x, const htimer *y)
{
    if (x->ts != y->ts)
        return x->ts < y->ts;
    if (x->kg != y->kg)
        return x->kg < y->kg;
    int c = bytes_cmp(x->bytes + 8, x->klen, y->bytes + 8, y->klen);
    if (c != 0)
        return c < 0;
    return bytes_cmp(x->bytes + 8 + x->klen, x->nslen, y->bytes + 8 + y->klen, y->nslen) < 0;
}

static void set_at(heap_timers *h, size_t i, htimer *t)
{
    h->a[i] = t;
    t->pos = i;
}

static void sift_up(heap_timers *h, size_t i)
{
    htimer *t = h->a[i];
    while (i > 0 && before(t, h->a[(i - 1) / 2])) {
        set_at(h, i, h->a[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    set_at(h, i, t);
}

static void sift_down(heap_timers *h, size_t i)
{
    htimer *t = h->a[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && before(h->a[c + 1], h->a[c]))
            c++;
        if (!before(h->a[c], t))
            break;
        set_at(h, i, h->a[c]);
        i = c;
    }
    set_at(h, i, t);
}

static void index_key(const state_timer *t, char ts8[8])
{
    for (int i = 0; i < 8; i++)
        ts8[i] = (char)((uint64_t)t->ts >> (56 - 8 * i));
}

/* Finds (ts, key, ns); the lookup key is built in buf. */
static hslot *find(heap_timers *h, const state_timer *t, shale_buf *buf, uint64_t *hash)
{
    char ts8[8];
    index_key(t, ts8);
    shale_buf_clear(buf);
    shale_buf_append(buf, ts8, 8);
    shale_buf_append(buf, t->key, t->klen);
    shale_buf_append(buf, t->ns, t->nslen);
    if (!shale_buf_ok(buf))
        return NULL;
    *hash = htab_hash(buf->data, 8 + t->klen, buf->data + 8 + t->klen, t->nslen);
    return htab_find(&h->index, *hash, buf->data, 8 + t->klen, buf->data + 8 + t->klen,
                     t->nslen);
}

static htimer *timer_new(heap_acct *a, const state_timer *t, const char *idx)
{
    size_t n = 8 + t->klen + t->nslen;
    htimer *x = heap_alloc(a, sizeof *x + n);
    if (x == NULL)
        return NULL;
    memcpy(x->bytes, idx, n);
    x->hk = (hkey){x->bytes, (uint32_t)n, (uint32_t)(8 + t->klen)};
    x->ts = t->ts;
    x->kg = t->kg;
    x->klen = (uint32_t)t->klen;
    x->nslen = (uint32_t)t->nslen;
    return x;
}

static bool reserve(heap_acct *a, heap_timers *h)
{
    if (h->n < h->cap)
        return true;
    size_t cap = h->cap ? 2 * h->cap : 16;
    htimer **arr = heap_alloc(a, cap * sizeof *arr);
    if (arr == NULL)
        return false;
    if (h->n > 0)
        memcpy(arr, h->a, h->n * sizeof *arr);
    heap_release(a, h->a, h->cap * sizeof *arr);
    h->a = arr;
    h->cap = cap;
    return true;
}

int heap_timer_add(shale_state_backend *b, int domain, const state_timer *t, shale_err *err)
{
    heap_timers *h = TS(b, domain);
    heap_acct *a = TA(b);
    shale_buf buf = SHALE_BUF_INIT;
    uint64_t hash = 0;
    int rc = SHALE_OK;
    hslot *s = find(h, t, &buf, &hash);
    if (!shale_buf_ok(&buf)) {
        rc = SHALE_NOMEM(err);
    } else if (s == NULL) {
        htimer *x = timer_new(a, t, buf.data);
        if (x == NULL || !reserve(a, h) || !htab_insert(&h->index, a, hash, x)) {
            if (x != NULL)
                heap_release(a, x, timer_size(x));
            rc = SHALE_NOMEM(err);
        } else {
            set_at(h, h->n++, x);
            sift_up(h, x->pos);
        }
    }
    shale_buf_deinit(&buf);
    return rc;
}

/* Takes x out of the heap and the index and frees it. */
static void remove_timer(heap_acct *a, heap_timers *h, hslot *s)
{
    htimer *x = s->item;
    htab_erase(&h->index, s);
    size_t i = x->pos;
    htimer *last = h->a[--h->n];
    if (i < h->n) {
        set_at(h, i, last);
        sift_down(h, i);
        sift_up(h, last->pos);
    }
    heap_release(a, x, timer_size(x));
}

int heap_timer_del(shale_state_backend *b, int domain, const state_timer *t, shale_err *err)
{
    heap_timers *h = TS(b, domain);
    shale_buf buf = SHALE_BUF_INIT;
    uint64_t hash;
    hslot *s = find(h, t, &buf, &hash);
    int rc = shale_buf_ok(&buf) ? SHALE_OK : SHALE_NOMEM(err);
    if (s != NULL)
        remove_timer(TA(b), h, s);
    shale_buf_deinit(&buf);
    return rc;
}

int heap_timer_pop(shale_state_backend *b, int domain, int64_t limit, state_timer *out,
                   shale_buf *buf, shale_err *err)
{
    heap_timers *h = TS(b, domain);
    if (h->n == 0 || h->a[0]->ts > limit)
        return SHALE_NOT_FOUND;
    htimer *x = h->a[0];
    shale_buf_clear(buf);
    shale_buf_append(buf, x->bytes + 8, x->klen + x->nslen);
    if (!shale_buf_ok(buf))
        return SHALE_NOMEM(err);
    *out = (state_timer){x->ts, x->kg, buf->data, x->klen, buf->data + x->klen, x->nslen};
    hslot *s = htab_find(&h->index, htab_hash(x->bytes, x->hk.aux, x->bytes + x->hk.aux, x->nslen),
                         x->bytes, x->hk.aux, x->bytes + x->hk.aux, x->nslen);
    remove_timer(TA(b), h, s);
    return SHALE_OK;
}

uint64_t heap_timer_count(shale_state_backend *b, int domain) { return TS(b, domain)->n; }

void heap_timers_deinit(heap_acct *a, heap_timers *h)
{
    for (size_t i = 0; i < h->n; i++)
        heap_release(a, h->a[i], timer_size(h->a[i]));
    heap_release(a, h->a, h->cap * sizeof *h->a);
    htab_deinit(&h->index, a);
    memset(h, 0, sizeof *h);
}
