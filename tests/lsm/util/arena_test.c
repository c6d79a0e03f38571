/* tests/lsm/util/arena_test.c: the memtable arena: alignment, many
 * allocations that never overlap, usage accounting, large requests, reuse
 * after deinit, and the zero-byte REQUIRES. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "lsm/util/arena.h"

Test(arena, aligned_allocations_are_aligned_after_odd_sized_ones)
{
    arena a;
    arena_init(&a);
    for (size_t i = 1; i < 3000; i++) {
        char *odd = arena_alloc(&a, i % 13 + 1);
        cr_assert_not_null(odd);
        void *p = arena_alloc_aligned(&a, i % 200 + 1);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t)p % ARENA_ALIGN, 0, "i=%zu", i);
        cr_assert_eq((uintptr_t)p % sizeof(void *), 0);
    }
    void *big = arena_alloc_aligned(&a, 100000);
    cr_assert_not_null(big);
    cr_assert_eq((uintptr_t)big % ARENA_ALIGN, 0);
    arena_deinit(&a);
}

/* Each allocation is filled with a pattern derived from its index, then all
 * are checked: any overlap between two allocations breaks a pattern. */
Test(arena, many_allocations_keep_their_contents)
{
    enum { N = 20000 };
    static unsigned char *ptrs[N];
    static size_t sizes[N];
    arena a;
    arena_init(&a);
    uint32_t x = 12345;
    for (size_t i = 0; i < N; i++) {
        x = x * 1664525u + 1013904223u;
        size_t n = (i % 97 == 0) ? 1024 + (x % 6000) : 1 + (x % 300);   /* some large */
        sizes[i] = n;
        ptrs[i] = (i & 1) ? arena_alloc(&a, n) : arena_alloc_aligned(&a, n);
        cr_assert_not_null(ptrs[i]);
        memset(ptrs[i], (int)(i % 251), n);
    }
    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < sizes[i]; k++)
            cr_assert_eq(ptrs[i][k], (unsigned char)(i % 251), "alloc %zu byte %zu", i, k);
    arena_deinit(&a);
}

Test(arena, usage_grows_with_allocations_and_covers_them)
{
    arena a;
    arena_init(&a);
    cr_assert_eq(arena_memory_usage(&a), 0);
    size_t total = 0, last = 0;
    for (int i = 0; i < 5000; i++) {
        size_t n = (size_t)(i % 50) + 1;
        cr_assert_not_null(arena_alloc(&a, n));
        total += n;
        size_t u = arena_memory_usage(&a);
        cr_assert_geq(u, last);       /* never shrinks */
        cr_assert_geq(u, total);      /* holds at least what was handed out */
        last = u;
    }
    /* Small allocations are packed into 4 KiB blocks: overhead is bounded. */
    cr_assert_lt(last, total + total / 4 + ARENA_BLOCK_SIZE, "usage %zu for %zu", last, total);
    arena_deinit(&a);
    cr_assert_eq(arena_memory_usage(&a), 0);
}

Test(arena, large_request_gets_its_own_block_and_keeps_the_current_one)
{
    arena a;
    arena_init(&a);
    char *p1 = arena_alloc(&a, 10);
    size_t u1 = arena_memory_usage(&a);
    cr_assert_geq(u1, ARENA_BLOCK_SIZE);
    char *big = arena_alloc(&a, 10 * ARENA_BLOCK_SIZE);
    cr_assert_not_null(big);
    size_t u2 = arena_memory_usage(&a);
    cr_assert_geq(u2 - u1, 10 * ARENA_BLOCK_SIZE);
    cr_assert_lt(u2 - u1, 10 * ARENA_BLOCK_SIZE + 64);   /* its own exact-size block */
    char *p2 = arena_alloc(&a, 10);
    cr_assert_eq(p2, p1 + 10);                           /* the small block continues */
    cr_assert_eq(arena_memory_usage(&a), u2);
    arena_deinit(&a);
}

Test(arena, impossible_request_returns_null_and_leaves_arena_usable)
{
    arena a;
    arena_init(&a);
    cr_assert_not_null(arena_alloc(&a, 16));
    size_t u = arena_memory_usage(&a);
    cr_assert_null(arena_alloc(&a, SIZE_MAX - 8));
    cr_assert_null(arena_alloc_aligned(&a, SIZE_MAX / 2));
    cr_assert_eq(arena_memory_usage(&a), u);
    cr_assert_not_null(arena_alloc(&a, 16));
    arena_deinit(&a);
}

Test(arena, deinit_is_null_safe_and_arena_is_reusable)
{
    arena_deinit(NULL);
    arena a;
    arena_init(&a);
    arena_deinit(&a);   /* never allocated */
    cr_assert_not_null(arena_alloc(&a, 100));
    arena_deinit(&a);
    cr_assert_eq(arena_memory_usage(&a), 0);
    cr_assert_not_null(arena_alloc_aligned(&a, 100));
    arena_deinit(&a);
}

static void *read_usage(void *arg)
{
    const arena *a = arg;
    size_t last = 0;
    for (int i = 0; i < 100000; i++) {
        size_t u = arena_memory_usage(a);
        if (u < last)
            return (void *)1;
        last = u;
    }
    return NULL;
}

Test(arena, usage_can_be_read_from_another_thread_while_allocating)
{
    arena a;
    arena_init(&a);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, read_usage, &a), 0);
    for (int i = 0; i < 20000; i++)
        cr_assert_not_null(arena_alloc(&a, (size_t)(i % 700) + 1));
    void *rv;
    cr_assert_eq(pthread_join(t, &rv), 0);
    cr_assert_null(rv, "a reader saw usage shrink");
    arena_deinit(&a);
}

Test(arena, zero_byte_alloc_is_a_bug, .signal = SIGABRT)
{
    arena a;
    arena_init(&a);
    (void)arena_alloc(&a, 0);
}

Test(arena, zero_byte_aligned_alloc_is_a_bug, .signal = SIGABRT)
{
    arena a;
    arena_init(&a);
    (void)arena_alloc_aligned(&a, 0);
}
