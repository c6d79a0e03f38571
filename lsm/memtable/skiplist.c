/* lsm/memtable/skiplist.c: see skiplist.h.  A lock-free-read skiplist after
 * LevelDB's SkipList and RocksDB's InlineSkipList.
 *
 * Node layout (one arena_alloc_aligned() block, pointer-aligned):
 *
 *     [next[h-1]] ... [next[1]] [next[0]] [entry bytes ...]
 *                                         ^ a node is named by this address
 *
 * so next[i] of the node at e lives at ((_Atomic(char *) *)e)[-1 - i], and
 * the comparator gets the node pointer itself as the entry.  The head is a
 * node of full height with an empty entry that is never compared.
 *
 * Memory ordering (why readers need no lock):
 *  1. Only the writer stores next pointers and `height`; nodes are never
 *     unlinked or changed once linked, and the arena frees nothing early.
 *  2. Before a node x is linked anywhere, the writer has written its entry
 *     bytes (plain stores, by the caller) and every x.next[i] for i < h.
 *     Linking is a RELEASE store of prev[i].next[i] = x, level 0 first.
 *  3. Readers load next pointers with ACQUIRE.  A reader that obtains x
 *     from any next[i] therefore synchronizes with the release store that
 *     published x at that level, so x's entry bytes and all of x's tower
 *     (written before that store, by 2) are visible to it.
 *  4. A reader may see x at level 0 but not yet at level i > 0: it only
 *     misses a shortcut, it never skips a node, because each level is a
 *     sorted sub-list of level 0 and a level-0 walk sees every published
 *     node.  (A reader reaches x through level i only after the level-i
 *     link, which comes after the level-0 link, by 2.)
 *  5. `height` is read RELAXED.  A stale smaller value only starts the search
 *     lower (still correct, by 4).  A new larger value read before the head's
 *     new levels are linked finds head.next[i] == NULL there and drops down.
 *  6. The writer's own reads of next pointers may be relaxed: it is the
 *     only thread that ever stored them (1).
 *
 * Inserts keep a splice: the predecessor of the last inserted entry at each
 * level.  With one writer it stays exact, and if a new entry falls right
 * after the last one at level 0 (sequential keys, as in fillseq) it is right
 * at every level, so the insert needs two comparisons instead of a search. */
#include "lsm/memtable/skiplist.h"

#include <assert.h>

#include "shale/err.h"

typedef _Atomic(char *) link;

static inline link *tower(const char *node) { return (link *)(uintptr_t)node - 1; }

static inline char *next_acquire(const char *node, int level)
{
    return atomic_load_explicit(&tower(node)[-level], memory_order_acquire);
}

/* Writer only: see 6 in the header comment. */
static inline char *next_relaxed(const char *node, int level)
{
    return atomic_load_explicit(&tower(node)[-level], memory_order_relaxed);
}

static inline void set_next_relaxed(char *node, int level, char *x)
{
    atomic_store_explicit(&tower(node)[-level], x, memory_order_relaxed);
}

static inline void set_next_release(char *node, int level, char *x)
{
    atomic_store_explicit(&tower(node)[-level], x, memory_order_release);
}

static inline int list_height(const skiplist *l)
{
    return atomic_load_explicit(&l->height, memory_order_relaxed);
}

/* A node with an h-level tower and room for n entry bytes; NULL: no memory. */
static char *new_node(arena *a, int h, size_t n)
{
    size_t tower_len = (size_t)h * sizeof(link);
    char *p = arena_alloc_aligned(a, tower_len + n);
    return p == NULL ? NULL : p + tower_len;
}

int skl_init(skiplist *l, arena *a, skl_cmp_fn cmp, const void *cmp_ctx)
{
    l->cmp = cmp;
    l->cmp_ctx = cmp_ctx;
    l->arena = a;
    l->head = new_node(a, SKL_MAX_HEIGHT, 1);
    if (l->head == NULL)
        return SHALE_NO_MEMORY;
    for (int i = 0; i < SKL_MAX_HEIGHT; i++) {
        atomic_init(&tower(l->head)[-i], NULL);
        l->splice[i] = l->head;
    }
    atomic_init(&l->height, 1);
    l->rnd = 0x2545f4914f6cdd1dULL;
    l->pending = NULL;
    l->pending_height = 0;
    return SHALE_OK;
}

/* 1 with probability 3/4, 2 with 3/16, ...: each level up has 1/4 the odds. */
static int random_height(skiplist *l)
{
    uint64_t x = l->rnd;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    l->rnd = x;
    int h = 1;
    while (h < SKL_MAX_HEIGHT && (x & (SKL_BRANCHING - 1)) == 0) {
        h++;
        x >>= 2;
    }
    return h;
}

char *skl_alloc(skiplist *l, size_t n)
{
    assert(n > 0);
    int h = random_height(l);
    char *node = new_node(l->arena, h, n);
    if (node == NULL)
        return NULL;
    l->pending = node;
    l->pending_height = h;
    return node;
}

/* Whether entry a sorts before b, where a may be the head (before
 * everything) and b may be NULL (the end, after everything). */
static inline bool less(const skiplist *l, const char *a, const char *b)
{
    return a == l->head || b == NULL || l->cmp(a, b, l->cmp_ctx) < 0;
}

/* Fills prev[0..top] with the last node before key at each level, searching
 * down from prev[top] (head, or a splice node known to be before key).
 * Returns false if an equal entry is found. */
static bool find_splice(const skiplist *l, const char *key, char **prev, int top)
{
    char *x = prev[top];
    const char *bigger = NULL;  /* a node known > key: not compared again */
    for (int level = top;;) {
        char *next = next_relaxed(x, level);
        int c = next == NULL || next == bigger ? 1 : l->cmp(next, key, l->cmp_ctx);
        if (c == 0)
            return false;
        if (c < 0) {
            x = next;
            continue;
        }
        prev[level] = x;
        if (level == 0)
            return true;
        bigger = next;
        level--;
    }
}

/* Whether the splice brackets key at level 0 (and so at every level: see
 * the header comment). */
static bool splice_fits(const skiplist *l, const char *key)
{
    const char *p = l->splice[0];
    const char *n = next_relaxed(p, 0);
    return less(l, p, key) && less(l, key, n);
}

bool skl_insert(skiplist *l, char *entry)
{
    assert(entry == l->pending);
    int h = l->pending_height;
    l->pending = NULL;
    int cur = list_height(l);
    char *prev[SKL_MAX_HEIGHT];
    if (splice_fits(l, entry)) {
        for (int i = 0; i < SKL_MAX_HEIGHT; i++)
            prev[i] = l->splice[i];
    } else {
        prev[cur - 1] = l->head;
        if (!find_splice(l, entry, prev, cur - 1))
            return false;
        for (int i = cur; i < SKL_MAX_HEIGHT; i++)
            prev[i] = l->head;
    }
    if (h > cur)
        atomic_store_explicit(&l->height, h, memory_order_relaxed);  /* see 5 */
    for (int i = 0; i < h; i++)
        set_next_relaxed(entry, i, next_relaxed(prev[i], i));
    for (int i = 0; i < h; i++)
        set_next_release(prev[i], i, entry);    /* publish: see 2 */
    for (int i = 0; i < SKL_MAX_HEIGHT; i++)
        l->splice[i] = i < h ? entry : prev[i];
    return true;
}

/* First node >= key, or NULL.  Any thread. */
static const char *find_ge(const skiplist *l, const char *key)
{
    const char *x = l->head;
    const char *bigger = NULL;
    for (int level = list_height(l) - 1;;) {
        const char *next = next_acquire(x, level);
        if (next != NULL)   /* the node after next is likely the next visit */
            __builtin_prefetch(next_relaxed(next, level));
        int c = next == NULL || next == bigger ? 1 : l->cmp(next, key, l->cmp_ctx);
        if (c < 0) {
            x = next;
        } else if (level == 0) {
            return next;
        } else {
            bigger = next;
            level--;
        }
    }
}

/* Last node < key (or <= key if or_equal; key NULL: the last node), or
 * the head if none.  Any thread. */
static const char *find_before(const skiplist *l, const char *key, bool or_equal)
{
    const char *x = l->head;
    const char *bigger = NULL;
    int limit = or_equal ? 0 : -1;   /* advance while cmp(next, key) <= limit */
    for (int level = list_height(l) - 1;;) {
        const char *next = next_acquire(x, level);
        bool advance = next != NULL && next != bigger &&
                       (key == NULL || l->cmp(next, key, l->cmp_ctx) <= limit);
        if (advance) {
            x = next;
        } else if (level == 0) {
            return x;
        } else {
            bigger = next;
            level--;
        }
    }
}

/* An iterator position from a find_before() result. */
static inline const char *unless_head(const skiplist *l, const char *x)
{
    return x == l->head ? NULL : x;
}

bool skl_contains(const skiplist *l, const char *entry)
{
    const char *x = find_ge(l, entry);
    return x != NULL && l->cmp(x, entry, l->cmp_ctx) == 0;
}

bool skl_empty(const skiplist *l) { return next_acquire(l->head, 0) == NULL; }

void skl_iter_init(skl_iter *it, const skiplist *l)
{
    it->list = l;
    it->node = NULL;
}

void skl_iter_next(skl_iter *it)
{
    assert(it->node != NULL);
    it->node = next_acquire(it->node, 0);
}

void skl_iter_prev(skl_iter *it)
{
    assert(it->node != NULL);
    it->node = unless_head(it->list, find_before(it->list, it->node, false));
}

void skl_iter_seek(skl_iter *it, const char *target) { it->node = find_ge(it->list, target); }

void skl_iter_seek_for_prev(skl_iter *it, const char *target)
{
    it->node = unless_head(it->list, find_before(it->list, target, true));
}

void skl_iter_seek_to_first(skl_iter *it) { it->node = next_acquire(it->list->head, 0); }

void skl_iter_seek_to_last(skl_iter *it)
{
    it->node = unless_head(it->list, find_before(it->list, NULL, false));
}
