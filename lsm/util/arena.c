/* lsm/util/arena.c: see arena.h.  LevelDB's arena, with out-of-memory
 * reported as NULL instead of an abort.
 *
 * Each block is one malloc: a header (the list link) then the payload, which
 * malloc's alignment and the max_align_t payload type make suitably aligned
 * for anything.  Small requests bump `ptr` in the current block; when it is
 * too full, a fresh 4 KiB block replaces it (the old block's tail is
 * wasted, at most a quarter block since larger requests never come here).
 * Large requests get a block of exactly their size and leave the current
 * block in place. */
#include "lsm/util/arena.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct arena_block {
    struct arena_block *next;
    max_align_t payload[];
};

#define LARGE_ALLOC (ARENA_BLOCK_SIZE / 4)

/* The REQUIRES check stays on when NDEBUG compiles assert() out (CMake's
 * RelWithDebInfo default): it costs one branch, and a zero-byte node would
 * corrupt the memtable silently. */
#define ARENA_REQUIRE(cond)                                                   \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: REQUIRES failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                   \
            abort();                                                          \
        }                                                                     \
    } while (0)

void arena_init(arena *a)
{
    a->ptr = NULL;
    a->remaining = 0;
    a->blocks = NULL;
    atomic_init(&a->usage, 0);
}

void arena_deinit(arena *a)
{
    if (a == NULL)
        return;
    struct arena_block *b = a->blocks;
    while (b != NULL) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    arena_init(a);
}

/* A new block with n payload bytes, linked in; NULL when out of memory. */
static char *new_block(arena *a, size_t n)
{
    /* No object may exceed PTRDIFF_MAX bytes; malloc would refuse anyway,
     * but some allocators (ASan's) abort instead of returning NULL. */
    if (n > (size_t)PTRDIFF_MAX - sizeof(struct arena_block))
        return NULL;
    size_t total = sizeof(struct arena_block) + n;
    struct arena_block *b = malloc(total);
    if (b == NULL)
        return NULL;
    b->next = a->blocks;
    a->blocks = b;
    /* Only this thread writes usage; relaxed is enough for readers that
     * want an estimate. */
    atomic_fetch_add_explicit(&a->usage, total, memory_order_relaxed);
    return (char *)b->payload;
}

/* The current block cannot hold n (plus alignment slop): start another. */
static void *alloc_fallback(arena *a, size_t n)
{
    if (n > LARGE_ALLOC)
        return new_block(a, n);   /* keep the current block's free tail */
    char *p = new_block(a, ARENA_BLOCK_SIZE);
    if (p == NULL)
        return NULL;
    a->ptr = p + n;
    a->remaining = ARENA_BLOCK_SIZE - n;
    return p;
}

void *arena_alloc(arena *a, size_t n)
{
    ARENA_REQUIRE(n > 0);   /* a zero-byte request is a caller bug */
    if (n <= a->remaining) {
        char *p = a->ptr;
        a->ptr += n;
        a->remaining -= n;
        return p;
    }
    return alloc_fallback(a, n);
}

void *arena_alloc_aligned(arena *a, size_t n)
{
    ARENA_REQUIRE(n > 0);
    size_t mis = (size_t)((uintptr_t)a->ptr & (ARENA_ALIGN - 1));
    size_t slop = mis == 0 ? 0 : ARENA_ALIGN - mis;
    if (a->remaining >= slop && n <= a->remaining - slop) {
        char *p = a->ptr + slop;
        a->ptr = p + n;
        a->remaining -= slop + n;
        return p;
    }
    /* A block payload starts max_align_t-aligned, so the fallback is aligned. */
    return alloc_fallback(a, n);
}

size_t arena_memory_usage(const arena *a)
{
    return atomic_load_explicit(&a->usage, memory_order_relaxed);
}
