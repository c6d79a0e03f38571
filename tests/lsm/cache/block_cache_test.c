/* tests/lsm/cache/block_cache_test.c: the sharded LRU cache on its own:
 * LRU order, pinning, exact usage accounting against a model over random
 * operation sequences, the strict capacity limit, shrinking, statistics,
 * the public shale_cache handle, and two threads at once.
 *
 * The model (single shard) is the contract of block_cache.h written as the
 * simplest possible code: arrays, linear scans, an insertion counter for
 * LRU age.  The cache's deleter calls are what the model is checked
 * against: an entry is freed exactly when the model says. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/cache/block_cache.h"
#include "lsm/cache/cache_api.h"
#include "shale/cache.h"

#define MAX_VALUES 4096

static atomic_int g_deleted[MAX_VALUES];   /* deleter calls per value id */
static int g_next_value;

static void count_delete(slice key, void *value)
{
    (void)key;
    atomic_fetch_add(&g_deleted[(intptr_t)value], 1);
}

static void *new_value(void)
{
    cr_assert_lt(g_next_value, MAX_VALUES);
    return (void *)(intptr_t)g_next_value++;
}

static slice key_of(int k, char buf[16])
{
    int n = snprintf(buf, 16, "key%d", k);
    return slice_make(buf, (size_t)n);
}

static void *insert_unpinned(block_cache *c, int k, size_t charge)
{
    char kb[16];
    void *v = new_value();
    cr_assert_eq(bc_insert(c, key_of(k, kb), v, charge, count_delete, BC_KIND_OTHER, NULL, NULL),
                 SHALE_OK);
    return v;
}

static bc_handle *insert_pinned(block_cache *c, int k, size_t charge, void **v)
{
    char kb[16];
    bc_handle *h = NULL;
    *v = new_value();
    cr_assert_eq(bc_insert(c, key_of(k, kb), *v, charge, count_delete, BC_KIND_OTHER, &h, NULL),
                 SHALE_OK);
    cr_assert_not_null(h);
    return h;
}

static bool present(block_cache *c, int k)
{
    char kb[16];
    bc_handle *h = bc_lookup(c, key_of(k, kb), BC_KIND_OTHER);
    bc_release(c, h);
    return h != NULL;
}

Test(block_cache, least_recently_used_entry_is_evicted_first)
{
    block_cache *c = bc_new(3, 0, false);
    cr_assert_not_null(c);
    insert_unpinned(c, 1, 1);
    insert_unpinned(c, 2, 1);
    insert_unpinned(c, 3, 1);
    cr_assert(present(c, 1));   /* 1 becomes the most recent: order 2, 3, 1 */
    insert_unpinned(c, 4, 1);   /* evicts 2 */
    cr_assert_not(present(c, 2));
    cr_assert(present(c, 3) && present(c, 1) && present(c, 4));
    insert_unpinned(c, 5, 1);   /* order was 3, 1, 4: evicts 3 */
    cr_assert_not(present(c, 3));
    cr_assert(present(c, 1) && present(c, 4) && present(c, 5));
    cr_assert_eq(bc_get_usage(c), 3);
    bc_unref(c);
}

Test(block_cache, pinned_entries_are_never_evicted_and_count_as_pinned_usage)
{
    block_cache *c = bc_new(10, 0, false);
    void *va, *vb;
    bc_handle *ha = insert_pinned(c, 1, 4, &va);
    bc_handle *hb = insert_pinned(c, 2, 4, &vb);
    void *vc = insert_unpinned(c, 3, 2);
    cr_assert_eq(bc_get_pinned_usage(c), 8);
    void *vd = insert_unpinned(c, 4, 2);   /* needs room: only entry 3 may go */
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)vc]), 1);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)vd]), 0);
    cr_assert(present(c, 1) && present(c, 2) && present(c, 4));
    /* Over capacity with only pinned entries: a non-strict pinned insert
     * goes over; the unpinned one makes way. */
    void *ve;
    bc_handle *he = insert_pinned(c, 5, 6, &ve);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)vd]), 1);
    cr_assert_eq(bc_get_usage(c), 14);
    cr_assert_eq(bc_get_pinned_usage(c), 14);
    cr_assert_eq(bc_value(he), ve);
    /* Releasing while over capacity frees the entry at once. */
    bc_release(c, he);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)ve]), 1);
    cr_assert_eq(bc_get_usage(c), 8);
    bc_release(c, ha);
    bc_release(c, hb);
    cr_assert_eq(bc_get_pinned_usage(c), 0);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)va]), 0);
    bc_unref(c);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)va]), 1);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)vb]), 1);
}

Test(block_cache, erase_and_replace_of_a_pinned_entry_free_it_at_its_last_release)
{
    block_cache *c = bc_new(100, 0, false);
    char kb[16];
    void *v1;
    bc_handle *h1 = insert_pinned(c, 7, 10, &v1);
    void *v2 = insert_unpinned(c, 7, 20);   /* replaces while pinned */
    cr_assert_eq(bc_get_usage(c), 30);       /* the old one still holds memory */
    cr_assert_eq(bc_get_entry_count(c), 1);
    bc_handle *h = bc_lookup(c, key_of(7, kb), BC_KIND_OTHER);
    cr_assert_eq(bc_value(h), v2);
    bc_release(c, h);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)v1]), 0);
    bc_release(c, h1);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)v1]), 1);
    cr_assert_eq(bc_get_usage(c), 20);
    h = bc_lookup(c, key_of(7, kb), BC_KIND_OTHER);
    bc_erase(c, key_of(7, kb));
    cr_assert_null(bc_lookup(c, key_of(7, kb), BC_KIND_OTHER));
    cr_assert_eq(bc_get_usage(c), 20);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)v2]), 0);
    bc_release(c, h);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)v2]), 1);
    cr_assert_eq(bc_get_usage(c), 0);
    bc_unref(c);
}

Test(block_cache, strict_limit_refuses_an_insert_that_cannot_fit)
{
    block_cache *c = bc_new(10, 0, true);
    char kb[16];
    void *va;
    bc_handle *ha = insert_pinned(c, 1, 6, &va);
    bc_handle *h = (bc_handle *)1;
    void *vb = new_value();
    shale_err err = {0};
    cr_assert_eq(bc_insert(c, key_of(2, kb), vb, 6, count_delete, BC_KIND_DATA, &h, &err),
                 SHALE_INCOMPLETE);
    cr_assert_null(h);
    cr_assert_str_eq(err.msg, "Insert failed due to LRU cache being full.");
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)vb]), 0, "the caller keeps a refused value");
    cr_assert_eq(bc_get_usage(c), 6);
    /* Without a handle, an insert that cannot fit is dropped (deleted) and OK. */
    void *vc = new_value();
    cr_assert_eq(bc_insert(c, key_of(3, kb), vc, 6, count_delete, BC_KIND_DATA, NULL, NULL),
                 SHALE_OK);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)vc]), 1);
    cr_assert_not(present(c, 3));
    bc_stats st;
    bc_get_stats(c, &st);
    cr_assert_eq(st.add_failures, 1);
    /* Once the pin goes, the unpinned entry makes room. */
    bc_release(c, ha);
    cr_assert_eq(bc_insert(c, key_of(2, kb), vb, 6, count_delete, BC_KIND_DATA, &h, NULL),
                 SHALE_OK);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)va]), 1);
    cr_assert_eq(bc_get_usage(c), 6);
    bc_release(c, h);
    bc_unref(c);
}

Test(block_cache, shrinking_capacity_evicts_unpinned_entries_oldest_first)
{
    block_cache *c = bc_new(100, 0, false);
    void *v[10];
    bc_handle *pins[2];
    pins[0] = insert_pinned(c, 0, 10, &v[0]);
    pins[1] = insert_pinned(c, 1, 10, &v[1]);
    for (int k = 2; k < 10; k++)
        v[k] = insert_unpinned(c, k, 10);
    cr_assert(present(c, 3));   /* 3 is now the most recent */
    bc_set_capacity(c, 30);
    cr_assert_eq(bc_get_capacity(c), 30);
    cr_assert_eq(bc_get_usage(c), 30);
    for (int k = 2; k < 10; k++)
        cr_assert_eq(atomic_load(&g_deleted[(intptr_t)v[k]]), k == 3 ? 0 : 1, "entry %d", k);
    bc_set_capacity(c, 0);
    cr_assert_eq(bc_get_usage(c), 20, "pinned entries stay");
    bc_release(c, pins[0]);   /* over capacity: freed on release */
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)v[0]]), 1);
    bc_set_capacity(c, 100);
    bc_release(c, pins[1]);
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)v[1]]), 0);
    cr_assert_eq(bc_get_usage(c), 10);
    bc_unref(c);
}

Test(block_cache, counters_are_kept_per_block_kind)
{
    block_cache *c = bc_new(1000, 2, false);
    char kb[16];
    bc_handle *h = NULL;
    cr_assert_eq(bc_insert(c, key_of(1, kb), new_value(), 1, count_delete, BC_KIND_INDEX, &h,
                           NULL), SHALE_OK);
    bc_release(c, h);
    bc_release(c, bc_lookup(c, key_of(1, kb), BC_KIND_INDEX));
    bc_release(c, bc_lookup(c, key_of(1, kb), BC_KIND_DATA));
    bc_release(c, bc_lookup(c, key_of(2, kb), BC_KIND_FILTER));
    bc_release(c, bc_lookup(c, key_of(2, kb), BC_KIND_FILTER));
    bc_stats st;
    bc_get_stats(c, &st);
    cr_assert_eq(st.adds[BC_KIND_INDEX], 1);
    cr_assert_eq(st.hits[BC_KIND_INDEX], 1);
    cr_assert_eq(st.hits[BC_KIND_DATA], 1);
    cr_assert_eq(st.misses[BC_KIND_FILTER], 2);
    cr_assert_eq(st.misses[BC_KIND_DATA] + st.misses[BC_KIND_INDEX] + st.hits[BC_KIND_FILTER], 0);
    bc_unref(c);
}

Test(block_cache, ids_are_unique_and_shard_bits_follow_rocksdb)
{
    block_cache *c = bc_new(1 << 20, BC_DEFAULT_SHARD_BITS, false);
    uint64_t a = bc_new_id(c), b = bc_new_id(c);
    cr_assert(a != 0 && b != 0 && a != b);
    cr_assert_eq(bc_get_num_shard_bits(c), 1);   /* 1 MiB / 512 KiB = 2 shards */
    bc_unref(c);
    cr_assert_eq(bc_default_shard_bits(0), 0);
    cr_assert_eq(bc_default_shard_bits(1023 * 1024), 0);
    cr_assert_eq(bc_default_shard_bits(8u << 20), 4);
    cr_assert_eq(bc_default_shard_bits(32u << 20), 6);
    cr_assert_eq(bc_default_shard_bits((size_t)8 << 30), 6);
    cr_assert_null(bc_new(10, BC_MAX_SHARD_BITS + 1, false));
}

Test(block_cache, public_handle_reports_capacity_usage_and_outlives_release_by_reference)
{
    shale_cache *pc = shale_cache_new_lru(8u << 20);
    cr_assert_not_null(pc);
    cr_assert_eq(shale_cache_get_capacity(pc), 8u << 20);
    block_cache *bc = shale_cache_block_cache(pc);
    cr_assert_eq(bc_get_num_shard_bits(bc), 4);
    bc_ref(bc);   /* what a database does */
    void *v;
    bc_handle *h = insert_pinned(bc, 1, 100, &v);
    cr_assert_eq(shale_cache_get_usage(pc), 100);
    cr_assert_eq(shale_cache_get_pinned_usage(pc), 100);
    shale_cache_set_capacity(pc, 50);
    cr_assert_eq(shale_cache_get_capacity(pc), 50);
    shale_cache_release(pc);
    shale_cache_release(NULL);
    bc_release(bc, h);   /* the cache lives on through our reference */
    cr_assert_eq(atomic_load(&g_deleted[(intptr_t)v]), 1, "over capacity: freed on release");
    cr_assert_eq(bc_get_usage(bc), 0);
    bc_unref(bc);
    shale_cache *strict = shale_cache_new_lru_ex(1000, 0, true);
    cr_assert(bc_get_strict_capacity_limit(shale_cache_block_cache(strict)));
    shale_cache_release(strict);
    cr_assert_null(shale_cache_new_lru_ex(1000, 40, false));
}

/* --- model-based random sequences ---------------------------------------------- */

#define MODEL_KEYS 24
#define MODEL_MAX 512

typedef struct m_entry {
    int key;
    size_t charge;
    int refs;
    bool in_cache, freed;
    uint64_t age;     /* when it last joined the LRU */
} m_entry;

typedef struct model {
    m_entry e[MAX_VALUES];   /* indexed by value id */
    size_t cap;
    bool strict;
    uint64_t clock;
} model;

static size_t m_usage(const model *m, bool pinned_only)
{
    size_t u = 0;
    for (int i = 0; i < g_next_value; i++)
        if (!m->e[i].freed && (!pinned_only || m->e[i].refs > 0))
            u += m->e[i].charge;
    return u;
}

static int m_find(const model *m, int key)
{
    for (int i = 0; i < g_next_value; i++)
        if (m->e[i].in_cache && m->e[i].key == key)
            return i;
    return -1;
}

static void m_detach(model *m, int i)
{
    m->e[i].in_cache = false;
    if (m->e[i].refs == 0)
        m->e[i].freed = true;
}

static void m_evict(model *m, size_t charge)
{
    while (m_usage(m, false) + charge > m->cap) {
        int oldest = -1;
        for (int i = 0; i < g_next_value; i++)
            if (m->e[i].in_cache && m->e[i].refs == 0 &&
                (oldest < 0 || m->e[i].age < m->e[oldest].age))
                oldest = i;
        if (oldest < 0)
            return;
        m_detach(m, oldest);
    }
}

/* Returns the expected code; *pinned whether the caller now holds a pin. */
static int m_insert(model *m, int id, int key, size_t charge, bool want, bool *pinned)
{
    m_entry *e = &m->e[id];
    *e = (m_entry){.key = key, .charge = charge, .freed = true};   /* not counted yet */
    *pinned = false;
    m_evict(m, charge);
    if (m_usage(m, false) + charge > m->cap && (m->strict || !want)) {
        e->freed = true;   /* dropped (deleted), or refused (caller keeps) */
        return want ? SHALE_INCOMPLETE : SHALE_OK;
    }
    int old = m_find(m, key);
    if (old >= 0)
        m_detach(m, old);
    e->in_cache = true;
    e->freed = false;
    e->refs = want ? 1 : 0;
    e->age = m->clock++;
    *pinned = want;
    return SHALE_OK;
}

static void m_release(model *m, int id)
{
    m_entry *e = &m->e[id];
    if (--e->refs > 0)
        return;
    if (!e->in_cache)
        e->freed = true;
    else if (m_usage(m, false) > m->cap)
        m_detach(m, id);
    else
        e->age = m->clock++;
}

typedef struct pin {
    bc_handle *h;
    int id;
} pin;

static void check_against_model(block_cache *c, const model *m, int step)
{
    cr_assert_eq(bc_get_usage(c), m_usage(m, false), "step %d: usage", step);
    cr_assert_eq(bc_get_pinned_usage(c), m_usage(m, true), "step %d: pinned usage", step);
    for (int i = 0; i < g_next_value; i++)
        cr_assert_leq(atomic_load(&g_deleted[i]), 1, "step %d: value %d deleted twice", step, i);
}

static void run_model(unsigned seed, size_t cap, bool strict)
{
    static model m;
    memset(&m, 0, sizeof m);
    m.cap = cap;
    m.strict = strict;
    block_cache *c = bc_new(cap, 0, strict);
    pin pins[64];
    int npins = 0;
    bool refused[MAX_VALUES] = {0};
    srand(seed);
    for (int step = 0; step < 1500 && g_next_value < MAX_VALUES - 1; step++) {
        int op = rand() % 10, key = rand() % MODEL_KEYS;
        char kb[16];
        if (op < 4) {
            bool want = npins < 64 && rand() % 2 == 0, pinned;
            size_t charge = (size_t)(1 + rand() % 12);
            int id = (int)(intptr_t)new_value();
            bc_handle *h = NULL;
            int expect = m_insert(&m, id, key, charge, want, &pinned);
            int rc = bc_insert(c, key_of(key, kb), (void *)(intptr_t)id, charge, count_delete,
                               BC_KIND_OTHER, want ? &h : NULL, NULL);
            cr_assert_eq(rc, expect, "step %d: insert code", step);
            if (rc == SHALE_INCOMPLETE)
                refused[id] = true;
            if (pinned)
                pins[npins++] = (pin){h, id};
        } else if (op < 6) {
            int want = m_find(&m, key);
            bc_handle *h = bc_lookup(c, key_of(key, kb), BC_KIND_OTHER);
            cr_assert_eq(h != NULL, want >= 0, "step %d: lookup presence", step);
            if (h != NULL) {
                cr_assert_eq((int)(intptr_t)bc_value(h), want, "step %d: lookup value", step);
                m.e[want].refs++;
                if (npins < 64)
                    pins[npins++] = (pin){h, want};
                else
                    bc_release(c, h), m_release(&m, want);
            }
        } else if (op < 9 && npins > 0) {
            int p = rand() % npins;
            bc_release(c, pins[p].h);
            m_release(&m, pins[p].id);
            pins[p] = pins[--npins];
        } else if (op == 9) {
            int i = m_find(&m, key);
            bc_erase(c, key_of(key, kb));
            if (i >= 0)
                m_detach(&m, i);
        }
        check_against_model(c, &m, step);
        for (int i = 0; i < g_next_value; i++)
            cr_assert_eq(atomic_load(&g_deleted[i]), m.e[i].freed && !refused[i] ? 1 : 0,
                         "seed %u step %d: value %d freed?", seed, step, i);
    }
    while (npins > 0) {
        npins--;
        bc_release(c, pins[npins].h);
        m_release(&m, pins[npins].id);
    }
    check_against_model(c, &m, -1);
    cr_assert_eq(bc_get_pinned_usage(c), 0);
    cr_assert_leq(bc_get_usage(c), cap);
    bc_unref(c);
}

Test(block_cache, usage_and_frees_match_the_model_over_random_sequences)
{
    run_model(1, 40, false);
}

Test(block_cache, usage_and_frees_match_the_model_with_a_strict_limit)
{
    run_model(2, 40, true);
}

Test(block_cache, usage_and_frees_match_the_model_when_entries_barely_fit)
{
    run_model(3, 12, false);
}

/* Multi-shard: the model does not know the shard split, but usage must
 * still equal the charges of the entries not yet deleted. */
Test(block_cache, sharded_usage_equals_charges_of_live_entries)
{
    block_cache *c = bc_new(200, 3, false);
    size_t charge_of[MAX_VALUES] = {0};
    char kb[16];
    srand(7);
    for (int step = 0; step < 2000 && g_next_value < MAX_VALUES; step++) {
        int key = rand() % 100;
        if (rand() % 3 != 0) {
            size_t charge = (size_t)(1 + rand() % 20);
            void *v = new_value();
            charge_of[(intptr_t)v] = charge;
            cr_assert_eq(bc_insert(c, key_of(key, kb), v, charge, count_delete, BC_KIND_OTHER,
                                   NULL, NULL), SHALE_OK);
        } else {
            bc_erase(c, key_of(key, kb));
        }
        size_t live = 0;
        for (int i = 0; i < g_next_value; i++)
            if (atomic_load(&g_deleted[i]) == 0)
                live += charge_of[i];
        cr_assert_eq(bc_get_usage(c), live, "step %d", step);
        cr_assert_leq(live, 200, "step %d: usage above capacity", step);
    }
    bc_unref(c);
}

/* --- two threads ------------------------------------------------------------- */

typedef struct worker {
    block_cache *c;
    unsigned seed;
    atomic_int *next_id;
    size_t *charge_of;
} worker;

static void *hammer(void *arg)
{
    worker *w = arg;
    bc_handle *held[8] = {0};
    char kb[16];
    for (int i = 0; i < 6000; i++) {
        int key = (int)(rand_r(&w->seed) % 64), slot = (int)(rand_r(&w->seed) % 8);
        int op = (int)(rand_r(&w->seed) % 4);
        if (op == 0) {
            int id = atomic_fetch_add(w->next_id, 1);
            if (id >= MAX_VALUES)
                continue;
            size_t charge = 1 + rand_r(&w->seed) % 16;
            w->charge_of[id] = charge;
            bc_release(w->c, held[slot]);
            held[slot] = NULL;
            if (bc_insert(w->c, key_of(key, kb), (void *)(intptr_t)id, charge, count_delete,
                          BC_KIND_DATA, &held[slot], NULL) != SHALE_OK)
                atomic_fetch_add(&g_deleted[id], 1);   /* refused: ours to delete */
        } else if (op == 1) {
            bc_release(w->c, held[slot]);
            held[slot] = bc_lookup(w->c, key_of(key, kb), BC_KIND_DATA);
        } else if (op == 2) {
            bc_release(w->c, held[slot]);
            held[slot] = NULL;
        } else {
            bc_erase(w->c, key_of(key, kb));
        }
    }
    for (int s = 0; s < 8; s++)
        bc_release(w->c, held[s]);
    return NULL;
}

Test(block_cache, two_threads_keep_usage_exact)
{
    block_cache *c = bc_new(300, 2, false);
    static size_t charge_of[MAX_VALUES];
    atomic_int next_id = 0;
    worker w[2] = {{c, 11, &next_id, charge_of}, {c, 12, &next_id, charge_of}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    int ids = atomic_load(&next_id);
    cr_assert_lt(ids, MAX_VALUES, "ids wrapped: the check below needs unique ids");
    size_t live = 0;
    for (int i = 0; i < ids; i++) {
        int d = atomic_load(&g_deleted[i]);
        cr_assert_leq(d, 1, "value %d deleted twice", i);
        if (d == 0)
            live += charge_of[i];
    }
    cr_assert_eq(bc_get_usage(c), live);
    cr_assert_eq(bc_get_pinned_usage(c), 0);
    cr_assert_leq(live, 300);
    bc_unref(c);
    for (int i = 0; i < ids; i++)
        cr_assert_eq(atomic_load(&g_deleted[i]), 1, "value %d leaked or double-freed", i);
}
