/* lsm/memtable/point_index.c: see point_index.h.
 *
 * Node layout (a skiplist entry; the skiplist puts its tower before it):
 *
 *     [hash_next] [head] [newest] [varint32 user key length] [user key]
 *      ^ node      newest version  its trailer (writer only: spares the
 *                                  writer a visit to the head version)
 *
 * A version is [link] [entry ...], named by its entry address, so its link
 * (to the next older version) sits right before it.
 *
 * Memory ordering follows skiplist.c: the writer fills a node or version
 * completely (plain and relaxed stores), then publishes it with one RELEASE
 * store (into a bucket, a head or a link); readers load those with ACQUIRE.
 * Nothing is ever unlinked, so a reader walking a chain while a version is
 * spliced in sees the chain before or after the splice, both sorted.
 * A reader that looks a key up after reading its snapshot sequence finds
 * every version written before that sequence was published: the write
 * path publishes a sequence only after pix_add() returned. */
#include "lsm/memtable/point_index.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/memtable/entry.h"
#include "lsm/util/err.h"
#include "lsm/util/hash.h"

typedef _Atomic(char *) link;

static inline link *hash_next(const char *node) { return (link *)(uintptr_t)node; }
static inline link *head(const char *node) { return (link *)(uintptr_t)node + 1; }
static inline link *version_link(const char *v) { return (link *)(uintptr_t)v - 1; }
static inline uint64_t *newest(const char *node) { return (uint64_t *)(uintptr_t)node + 2; }

static inline slice node_key(const char *node)
{
    uint32_t n;
    const char *p = entry_varint32(node + PIX_NODE_HDR, &n);
    return slice_make(p, n);
}

static inline char *acquire(link *l) { return atomic_load_explicit(l, memory_order_acquire); }
static inline char *relaxed(link *l) { return atomic_load_explicit(l, memory_order_relaxed); }

static int node_cmp(const char *a, const char *b, const void *ctx)
{
    (void)ctx;
    return slice_compare(node_key(a), node_key(b));
}

int pix_init(point_index *p, arena *a, size_t expected_bytes)
{
    size_t want = expected_bytes / 128, n = 1024;
    while (n < want && n < ((size_t)1 << 24))
        n <<= 1;
    p->arena = a;
    p->mask = n - 1;
    p->last = NULL;
    arena_init(&p->nodes);
    p->buckets = calloc(n, sizeof *p->buckets);
    if (p->buckets == NULL)
        return SHALE_NO_MEMORY;
    int rc = skl_init(&p->keys, &p->nodes, node_cmp, NULL);
    if (rc != SHALE_OK)
        pix_deinit(p);
    return rc;
}

void pix_deinit(point_index *p)
{
    if (p == NULL)
        return;
    free(p->buckets);
    p->buckets = NULL;
    arena_deinit(&p->nodes);
}

size_t pix_memory_usage(const point_index *p)
{
    return arena_memory_usage(&p->nodes) + (p->mask + 1) * sizeof *p->buckets;
}

static inline link *bucket_of(const point_index *p, slice user_key)
{
    return &p->buckets[hash_xxh3_64(user_key.data, user_key.len) & p->mask];
}

static const char *bucket_find(link *b, slice user_key)
{
    const char *n = acquire(b);
    while (n != NULL && !slice_equal(node_key(n), user_key))
        n = acquire(hash_next(n));
    return n;
}

/* ---- writes ----------------------------------------------------------- */

/* A version of user_key, not yet linked; NULL: no memory. */
static char *new_version(point_index *p, slice user_key, uint64_t trailer, slice value)
{
    char *mem = arena_alloc_aligned(p->arena, sizeof(link) + entry_size(user_key.len, value.len));
    if (mem == NULL)
        return NULL;
    char *v = mem + sizeof(link);
    entry_encode(v, user_key, trailer, value);
    return v;
}

/* A new node for a key not yet present, published in the list, then in b
 * (nothing reads hash_next but a walk from a bucket, so it may be set after
 * the list insert, which gives a prefetch of b time to land). */
static int add_node(point_index *p, link *b, slice user_key, uint64_t trailer, slice value,
                    shale_err *err)
{
    char *v = new_version(p, user_key, trailer, value);
    size_t klen = (size_t)varint_length(user_key.len) + user_key.len;
    char *node = v == NULL ? NULL : skl_alloc(&p->keys, PIX_NODE_HDR + klen);
    if (node == NULL)
        return SHALE_NOMEM(err);
    char *k = enc_varint32(node + PIX_NODE_HDR, (uint32_t)user_key.len);
    if (user_key.len > 0)
        memcpy(k, user_key.data, user_key.len);
    atomic_init(version_link(v), NULL);
    atomic_init(head(node), v);
    atomic_init(hash_next(node), NULL);
    *newest(node) = trailer;
    if (!skl_insert(&p->keys, node))   /* the hash index said it was absent */
        return SHALE_ERR(err, SHALE_CORRUPTION, "memtable: key index out of step");
    atomic_store_explicit(hash_next(node), relaxed(b), memory_order_relaxed);
    atomic_store_explicit(b, node, memory_order_release);
    if (p->last == NULL || slice_compare(user_key, node_key(p->last)) > 0)
        p->last = node;
    return SHALE_OK;
}

/* A version spliced into node's chain, which stays newest first. */
static int add_version(point_index *p, const char *node, slice user_key, uint64_t trailer,
                       slice value, shale_err *err)
{
    link *at = head(node);
    char *cur = relaxed(at);
    bool first = trailer > *newest(node);   /* the usual case: no walk */
    while (!first && cur != NULL && entry_trailer(cur) > trailer) {
        at = version_link(cur);
        cur = relaxed(at);
    }
    if (!first && cur != NULL && entry_trailer(cur) == trailer)
        return SHALE_INVALID(err, "memtable: key+seq exists (seq %llu)",
                             (unsigned long long)(trailer >> 8));
    char *v = new_version(p, user_key, trailer, value);
    if (v == NULL)
        return SHALE_NOMEM(err);
    atomic_init(version_link(v), cur);
    atomic_store_explicit(at, v, memory_order_release);
    if (first)
        *newest(node) = trailer;
    return SHALE_OK;
}

int pix_add(point_index *p, slice user_key, uint64_t trailer, slice value, shale_err *err)
{
    link *b = bucket_of(p, user_key);
    __builtin_prefetch(b);
    /* Past the largest key (sequential loads): absent without a probe. */
    bool beyond = p->last == NULL || slice_compare(user_key, node_key(p->last)) > 0;
    const char *node = beyond ? NULL : bucket_find(b, user_key);
    if (node == NULL)
        return add_node(p, b, user_key, trailer, value, err);
    return add_version(p, node, user_key, trailer, value, err);
}

/* ---- reads ------------------------------------------------------------ */

const char *pix_find(const point_index *p, slice user_key)
{
    const char *node = bucket_find(bucket_of(p, user_key), user_key);
    return node == NULL ? NULL : acquire(head(node));
}

const char *pix_version_next(const char *version) { return acquire(version_link(version)); }

/* ---- iterators -------------------------------------------------------- */

static const char *newest_of(const char *node) { return node == NULL ? NULL : acquire(head(node)); }

static const char *oldest_of(const char *node)
{
    if (node == NULL)
        return NULL;
    const char *v = acquire(head(node)), *n;
    while ((n = pix_version_next(v)) != NULL)
        v = n;
    return v;
}

void pix_iter_init(pix_iter *it, const point_index *p)
{
    skl_iter_init(&it->node, &p->keys);
    it->ver = NULL;
}

void pix_iter_first(pix_iter *it)
{
    skl_iter_seek_to_first(&it->node);
    it->ver = newest_of(it->node.node);
}

void pix_iter_last(pix_iter *it)
{
    skl_iter_seek_to_last(&it->node);
    it->ver = oldest_of(it->node.node);
}

void pix_iter_next(pix_iter *it)
{
    const char *n = pix_version_next(it->ver);
    if (n != NULL) {
        it->ver = n;
        return;
    }
    skl_iter_next(&it->node);
    it->ver = newest_of(it->node.node);
}

void pix_iter_prev(pix_iter *it)
{
    const char *v = acquire(head(it->node.node));
    if (v != it->ver) {
        const char *n;
        while ((n = pix_version_next(v)) != it->ver)
            v = n;
        it->ver = v;
        return;
    }
    skl_iter_prev(&it->node);
    it->ver = oldest_of(it->node.node);
}

static inline bool same_key(const char *node, const char *target)
{
    return slice_equal(node_key(node), node_key(target));
}

void pix_iter_seek(pix_iter *it, const char *target, uint64_t trailer)
{
    skl_iter_seek(&it->node, target);   /* first node whose key >= target's */
    const char *node = it->node.node;
    it->ver = newest_of(node);
    if (node == NULL || !same_key(node, target))
        return;
    while (it->ver != NULL && entry_trailer(it->ver) > trailer)   /* newer than target */
        it->ver = pix_version_next(it->ver);
    if (it->ver == NULL) {
        skl_iter_next(&it->node);
        it->ver = newest_of(it->node.node);
    }
}

void pix_iter_seek_for_prev(pix_iter *it, const char *target, uint64_t trailer)
{
    skl_iter_seek_for_prev(&it->node, target);   /* last node whose key <= target's */
    const char *node = it->node.node;
    if (node == NULL || !same_key(node, target)) {
        it->ver = oldest_of(node);
        return;
    }
    const char *best = NULL;
    for (const char *v = newest_of(node); v != NULL && entry_trailer(v) >= trailer;
         v = pix_version_next(v))
        best = v;   /* at or newer than target: sorts at or before it */
    if (best == NULL) {
        skl_iter_prev(&it->node);
        best = oldest_of(it->node.node);
    }
    it->ver = best;
}
