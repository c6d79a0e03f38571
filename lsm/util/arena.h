/* lsm/util/arena.h: a bump allocator for memtable entries and skiplist
 * nodes.  Memory comes in 4 KiB blocks; a request over a quarter block gets
 * a block of its own, so a big value wastes no space in the shared block.
 * Nothing is freed one by one: arena_deinit() releases everything, so no
 * pointer into the arena may outlive it (see style.md §5).
 *
 * Thread-safety: one writer at a time calls arena_alloc*(); any thread may
 * call arena_memory_usage() concurrently (an atomic read).  _init/_deinit:
 * the caller owns the struct. */
#ifndef LSM_UTIL_ARENA_H
#define LSM_UTIL_ARENA_H

#include <stdatomic.h>
#include <stddef.h>

#define ARENA_BLOCK_SIZE 4096
/* Alignment of arena_alloc_aligned(): 8 bytes, or a pointer if larger. */
#define ARENA_ALIGN (sizeof(void *) > 8 ? sizeof(void *) : 8)

struct arena_block;

typedef struct arena {
    /* Writer-only state. */
    char *ptr;                  /* next free byte of the current block */
    size_t remaining;           /* free bytes left there */
    struct arena_block *blocks; /* every block, newest first */
    /* Read by any thread. */
    atomic_size_t usage;        /* bytes obtained from malloc, headers included */
} arena;

void arena_init(arena *a);
/* Frees every block.  NULL-safe; leaves a empty and reusable. */
void arena_deinit(arena *a);

/* n bytes with no alignment promise, valid until arena_deinit().  NULL when
 * memory ran out (the arena is unchanged).  REQUIRES: n > 0. */
void *arena_alloc(arena *a, size_t n);
/* Like arena_alloc(), aligned to ARENA_ALIGN.  REQUIRES: n > 0. */
void *arena_alloc_aligned(arena *a, size_t n);

/* Bytes the arena holds from malloc.  Any thread; the value may be a moment
 * stale, which is fine for its one use: deciding when a memtable is full. */
size_t arena_memory_usage(const arena *a);

#endif
