/* lsm/cache/block_cache.c: the sharded LRU cache (contract in block_cache.h).
 *
 * An entry is one allocation: links, value, charge, hash and the key bytes.
 * Per shard, under its mutex:
 *   - the hash table (chained through next_hash, power-of-two buckets,
 *     doubled when it holds more entries than buckets) holds every entry
 *     with in_cache set;
 *   - the LRU list holds exactly the entries with in_cache && refs == 0,
 *     oldest first after the dummy head;
 *   - usage sums the charges of all entries not yet freed, lru_usage those
 *     on the LRU, so pinned usage = usage - lru_usage.
 * The 64-bit key hash picks the shard by its top bits and the bucket by its
 * low bits, and is computed before the lock is taken.  Entries to free are
 * chained (through next_hash) onto a local list and freed after unlocking,
 * so deleters never run under a shard lock. */
#include "lsm/cache/block_cache.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "lsm/util/hash.h"

#define MIN_SHARD_SIZE (512u * 1024u)
#define DEFAULT_MAX_SHARD_BITS 6
#define INITIAL_BUCKETS 16u

typedef struct lru_link {
    struct lru_link *prev, *next;
} lru_link;

struct bc_handle {
    lru_link link;          /* first: a link pointer is the entry's pointer */
    bc_handle *next_hash;   /* bucket chain, or the free list */
    void *value;
    bc_deleter deleter;
    size_t charge;
    uint64_t hash;
    uint32_t refs;          /* pins; under the shard lock */
    bool in_cache;          /* in the hash table */
    uint32_t key_len;
    char key[];
};

typedef struct shard {
    _Alignas(64) pthread_mutex_t lock;
    /* Everything below is protected by lock. */
    size_t capacity;
    bool strict;
    size_t usage, lru_usage;
    lru_link lru;           /* lru.next: oldest unpinned entry */
    bc_handle **buckets;
    uint32_t num_buckets;   /* power of two */
    uint32_t elems;
    uint64_t hits[BC_KIND_COUNT], misses[BC_KIND_COUNT], adds[BC_KIND_COUNT];
    uint64_t add_failures;
} shard;

struct block_cache {
    atomic_int refs;
    atomic_uint_fast64_t next_id;
    atomic_size_t capacity;   /* the total as set; shards hold their part */
    atomic_bool strict;
    int shard_bits;
    uint32_t num_shards;
    shard *shards;
};

/* --- setup ------------------------------------------------------------------ */

int bc_default_shard_bits(size_t capacity)
{
    int bits = 0;
    size_t n = capacity / MIN_SHARD_SIZE;
    while ((n >>= 1) != 0)
        if (++bits >= DEFAULT_MAX_SHARD_BITS)
            break;
    return bits;
}

static size_t shard_capacity(size_t total, uint32_t num_shards)
{
    return total / num_shards + (total % num_shards != 0 ? 1 : 0);
}

static bool shard_init(shard *s, size_t capacity, bool strict)
{
    memset(s, 0, sizeof *s);
    s->buckets = calloc(INITIAL_BUCKETS, sizeof *s->buckets);
    if (s->buckets == NULL || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s->buckets);
        return false;
    }
    s->num_buckets = INITIAL_BUCKETS;
    s->capacity = capacity;
    s->strict = strict;
    s->lru.next = s->lru.prev = &s->lru;
    return true;
}

static void free_entry(bc_handle *e)
{
    if (e->deleter != NULL)
        e->deleter(slice_make(e->key, e->key_len), e->value);
    free(e);
}

static void shard_deinit(shard *s)
{
    for (uint32_t i = 0; i < s->num_buckets; i++) {
        for (bc_handle *e = s->buckets[i], *next; e != NULL; e = next) {
            next = e->next_hash;
            assert(e->refs == 0);   /* REQUIRES: no pinned handle left */
            free_entry(e);
        }
    }
    free(s->buckets);
    pthread_mutex_destroy(&s->lock);
}

static void cache_free(block_cache *c, uint32_t shards_ready)
{
    for (uint32_t i = 0; i < shards_ready; i++)
        shard_deinit(&c->shards[i]);
    free(c->shards);
    free(c);
}

block_cache *bc_new(size_t capacity, int num_shard_bits, bool strict_capacity_limit)
{
    if (num_shard_bits == BC_DEFAULT_SHARD_BITS)
        num_shard_bits = bc_default_shard_bits(capacity);
    if (num_shard_bits < 0 || num_shard_bits > BC_MAX_SHARD_BITS)
        return NULL;
    block_cache *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->shard_bits = num_shard_bits;
    c->num_shards = 1u << num_shard_bits;
    c->shards = aligned_alloc(_Alignof(shard), c->num_shards * sizeof(shard));
    if (c->shards == NULL) {
        free(c);
        return NULL;
    }
    size_t per = shard_capacity(capacity, c->num_shards);
    for (uint32_t i = 0; i < c->num_shards; i++) {
        if (!shard_init(&c->shards[i], per, strict_capacity_limit)) {
            cache_free(c, i);
            return NULL;
        }
    }
    atomic_init(&c->refs, 1);
    atomic_init(&c->next_id, 1);
    atomic_init(&c->capacity, capacity);
    atomic_init(&c->strict, strict_capacity_limit);
    return c;
}

void bc_ref(block_cache *c) { atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed); }

void bc_unref(block_cache *c)
{
    if (c != NULL && atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) == 1)
        cache_free(c, c->num_shards);
}

/* --- per-shard structures (REQUIRES: s->lock held) ---------------------------- */

static inline shard *shard_for(block_cache *c, uint64_t hash)
{
    return &c->shards[c->shard_bits == 0 ? 0 : (uint32_t)(hash >> (64 - c->shard_bits))];
}

static inline int clamp_kind(int kind)
{
    return (unsigned)kind < BC_KIND_COUNT ? kind : BC_KIND_OTHER;
}

static void lru_remove_locked(shard *s, bc_handle *e)
{
    e->link.prev->next = e->link.next;
    e->link.next->prev = e->link.prev;
    e->link.next = e->link.prev = NULL;
    s->lru_usage -= e->charge;
}

static void lru_append_locked(shard *s, bc_handle *e)
{
    e->link.next = &s->lru;
    e->link.prev = s->lru.prev;
    s->lru.prev->next = &e->link;
    s->lru.prev = &e->link;
    s->lru_usage += e->charge;
}

/* The chain slot that holds (or would hold) key. */
static bc_handle **find_slot_locked(shard *s, slice key, uint64_t hash)
{
    bc_handle **p = &s->buckets[hash & (s->num_buckets - 1)];
    while (*p != NULL && ((*p)->hash != hash || (*p)->key_len != key.len ||
                          memcmp((*p)->key, key.data, key.len) != 0))
        p = &(*p)->next_hash;
    return p;
}

/* Doubles the bucket array; on no memory keeps the longer chains. */
static void grow_table_locked(shard *s)
{
    if (s->num_buckets >= (1u << 31))
        return;
    uint32_t n = s->num_buckets * 2;
    bc_handle **nb = calloc(n, sizeof *nb);
    if (nb == NULL)
        return;
    for (uint32_t i = 0; i < s->num_buckets; i++) {
        for (bc_handle *e = s->buckets[i], *next; e != NULL; e = next) {
            next = e->next_hash;
            bc_handle **slot = &nb[e->hash & (n - 1)];
            e->next_hash = *slot;
            *slot = e;
        }
    }
    free(s->buckets);
    s->buckets = nb;
    s->num_buckets = n;
}

static inline void push_free(bc_handle **list, bc_handle *e)
{
    e->next_hash = *list;
    *list = e;
}

/* Takes e (in the table) out of the cache; frees it now if unpinned. */
static void detach_locked(shard *s, bc_handle *e, bc_handle **to_free)
{
    e->in_cache = false;
    s->elems--;
    if (e->refs == 0) {
        lru_remove_locked(s, e);
        s->usage -= e->charge;
        push_free(to_free, e);
    }
}

static inline bool fits_locked(const shard *s, size_t charge)
{
    return s->usage <= s->capacity && charge <= s->capacity - s->usage;
}

/* Evicts unpinned entries, oldest first, until `charge` more bytes fit. */
static void evict_locked(shard *s, size_t charge, bc_handle **to_free)
{
    while (!fits_locked(s, charge) && s->lru.next != &s->lru) {
        bc_handle *e = (bc_handle *)s->lru.next;
        bc_handle **slot = find_slot_locked(s, slice_make(e->key, e->key_len), e->hash);
        *slot = e->next_hash;
        detach_locked(s, e, to_free);
    }
}

static void free_list(bc_handle *list)
{
    while (list != NULL) {
        bc_handle *next = list->next_hash;
        free_entry(list);
        list = next;
    }
}

/* --- operations --------------------------------------------------------------- */

/* Puts e in the table, replacing any entry with its key. */
static void add_locked(shard *s, bc_handle *e, bool pinned, bc_handle **to_free)
{
    bc_handle **slot = find_slot_locked(s, slice_make(e->key, e->key_len), e->hash);
    bc_handle *old = *slot;
    if (old != NULL) {
        *slot = old->next_hash;
        detach_locked(s, old, to_free);
    }
    e->next_hash = *slot;
    *slot = e;
    e->in_cache = true;
    s->elems++;
    s->usage += e->charge;
    if (pinned)
        e->refs = 1;
    else
        lru_append_locked(s, e);
    if (s->elems > s->num_buckets)
        grow_table_locked(s);
}

static bc_handle *entry_new(slice key, void *value, size_t charge, bc_deleter deleter,
                            uint64_t hash)
{
    if (key.len > UINT32_MAX)
        return NULL;
    bc_handle *e = malloc(sizeof *e + key.len);
    if (e == NULL)
        return NULL;
    memset(e, 0, sizeof *e);
    e->value = value;
    e->deleter = deleter;
    e->charge = charge;
    e->hash = hash;
    e->key_len = (uint32_t)key.len;
    if (key.len > 0)
        memcpy(e->key, key.data, key.len);
    return e;
}

int bc_insert(block_cache *c, slice key, void *value, size_t charge, bc_deleter deleter, int kind,
              bc_handle **out, shale_err *err)
{
    if (out != NULL)
        *out = NULL;
    uint64_t hash = hash_xxh3_64(key.data, key.len);
    bc_handle *e = entry_new(key, value, charge, deleter, hash);
    if (e == NULL)
        return SHALE_NOMEM(err);
    shard *s = shard_for(c, hash);
    bc_handle *to_free = NULL;
    int rc = SHALE_OK;
    pthread_mutex_lock(&s->lock);
    evict_locked(s, charge, &to_free);
    if (!fits_locked(s, charge) && (s->strict || out == NULL)) {
        if (out == NULL) {
            push_free(&to_free, e);   /* as if inserted and evicted at once */
        } else {
            s->add_failures++;
            e->deleter = NULL;        /* the caller keeps value */
            push_free(&to_free, e);
            rc = SHALE_INCOMPLETE;
        }
    } else {
        add_locked(s, e, out != NULL, &to_free);
        s->adds[clamp_kind(kind)]++;
        if (out != NULL)
            *out = e;
    }
    pthread_mutex_unlock(&s->lock);
    free_list(to_free);
    if (rc == SHALE_INCOMPLETE)
        return SHALE_ERR(err, SHALE_INCOMPLETE, "Insert failed due to LRU cache being full.");
    return rc;
}

bc_handle *bc_lookup(block_cache *c, slice key, int kind)
{
    uint64_t hash = hash_xxh3_64(key.data, key.len);
    shard *s = shard_for(c, hash);
    kind = clamp_kind(kind);
    pthread_mutex_lock(&s->lock);
    bc_handle *e = *find_slot_locked(s, key, hash);
    if (e != NULL) {
        if (e->refs++ == 0)
            lru_remove_locked(s, e);
        s->hits[kind]++;
    } else {
        s->misses[kind]++;
    }
    pthread_mutex_unlock(&s->lock);
    return e;
}

void bc_release(block_cache *c, bc_handle *e)
{
    if (e == NULL)
        return;
    shard *s = shard_for(c, e->hash);
    bc_handle *to_free = NULL;
    pthread_mutex_lock(&s->lock);
    assert(e->refs > 0);
    if (--e->refs == 0) {
        if (!e->in_cache) {
            s->usage -= e->charge;
            push_free(&to_free, e);
        } else {
            lru_append_locked(s, e);
            if (s->usage > s->capacity) {   /* over capacity: free it now */
                bc_handle **slot = find_slot_locked(s, slice_make(e->key, e->key_len), e->hash);
                *slot = e->next_hash;
                detach_locked(s, e, &to_free);
            }
        }
    }
    pthread_mutex_unlock(&s->lock);
    free_list(to_free);
}

void bc_erase(block_cache *c, slice key)
{
    uint64_t hash = hash_xxh3_64(key.data, key.len);
    shard *s = shard_for(c, hash);
    bc_handle *to_free = NULL;
    pthread_mutex_lock(&s->lock);
    bc_handle **slot = find_slot_locked(s, key, hash);
    bc_handle *e = *slot;
    if (e != NULL) {
        *slot = e->next_hash;
        detach_locked(s, e, &to_free);
    }
    pthread_mutex_unlock(&s->lock);
    free_list(to_free);
}

void *bc_value(const bc_handle *h) { return h->value; }
size_t bc_charge(const bc_handle *h) { return h->charge; }

uint64_t bc_new_id(block_cache *c)
{
    return atomic_fetch_add_explicit(&c->next_id, 1, memory_order_relaxed);
}

/* --- capacity and statistics ------------------------------------------------------ */

void bc_set_capacity(block_cache *c, size_t capacity)
{
    size_t per = shard_capacity(capacity, c->num_shards);
    atomic_store(&c->capacity, capacity);
    for (uint32_t i = 0; i < c->num_shards; i++) {
        shard *s = &c->shards[i];
        bc_handle *to_free = NULL;
        pthread_mutex_lock(&s->lock);
        s->capacity = per;
        evict_locked(s, 0, &to_free);
        pthread_mutex_unlock(&s->lock);
        free_list(to_free);
    }
}

void bc_set_strict_capacity_limit(block_cache *c, bool strict)
{
    atomic_store(&c->strict, strict);
    for (uint32_t i = 0; i < c->num_shards; i++) {
        pthread_mutex_lock(&c->shards[i].lock);
        c->shards[i].strict = strict;
        pthread_mutex_unlock(&c->shards[i].lock);
    }
}

size_t bc_get_capacity(const block_cache *c) { return atomic_load(&c->capacity); }
bool bc_get_strict_capacity_limit(const block_cache *c) { return atomic_load(&c->strict); }
int bc_get_num_shard_bits(const block_cache *c) { return c->shard_bits; }

/* Sums one field over the shards, each read under its lock. */
static size_t sum_shards(block_cache *c, size_t (*field)(const shard *))
{
    size_t total = 0;
    for (uint32_t i = 0; i < c->num_shards; i++) {
        pthread_mutex_lock(&c->shards[i].lock);
        total += field(&c->shards[i]);
        pthread_mutex_unlock(&c->shards[i].lock);
    }
    return total;
}

static size_t usage_of(const shard *s) { return s->usage; }
static size_t pinned_of(const shard *s) { return s->usage - s->lru_usage; }
static size_t elems_of(const shard *s) { return s->elems; }

size_t bc_get_usage(block_cache *c) { return sum_shards(c, usage_of); }
size_t bc_get_pinned_usage(block_cache *c) { return sum_shards(c, pinned_of); }
size_t bc_get_entry_count(block_cache *c) { return sum_shards(c, elems_of); }

void bc_get_stats(block_cache *c, bc_stats *out)
{
    memset(out, 0, sizeof *out);
    for (uint32_t i = 0; i < c->num_shards; i++) {
        shard *s = &c->shards[i];
        pthread_mutex_lock(&s->lock);
        for (int k = 0; k < BC_KIND_COUNT; k++) {
            out->hits[k] += s->hits[k];
            out->misses[k] += s->misses[k];
            out->adds[k] += s->adds[k];
        }
        out->add_failures += s->add_failures;
        pthread_mutex_unlock(&s->lock);
    }
}
