/* lsm/table/merge_iter.c: the merging iterator (see merge_iter.h).
 *
 * Invariants:
 *   1. heap[0..heap_len) holds the indexes of the valid children, ordered
 *      by `before()` for the current direction; heap[0] is the current one.
 *   2. Forward: every child is at its first key >= the current key (>, for
 *      children ordered before the current one on a tie).  Backward: the
 *      mirror image.  Direction switches re-establish 2 from the current
 *      key, which stays valid because the current child does not move
 *      while the others are repositioned.
 *   3. Once `err` is set the iterator is invalid until the next seek.
 *   4. key[i] is child i's current key whenever i is in the heap: heap
 *      comparisons and key() read it instead of calling into the child
 *      (one indirect call per move instead of one per comparison). */
#include "lsm/table/merge_iter.h"

#include <stdlib.h>

#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

enum { FORWARD, BACKWARD };

typedef struct merge_iter {
    iter base;
    iter **child;
    size_t n;
    size_t *heap;
    slice *key;     /* invariant 4 */
    size_t heap_len;
    int dir;
    shale_err err;  /* first child error since the last seek */
} merge_iter;

/* Whether child a comes before child b in the current direction.  Ties go
 * to the lower index forward and to the higher index backward, so a
 * backward pass yields exactly the reverse of a forward one. */
static bool before(const merge_iter *m, size_t a, size_t b)
{
    int c = ikey_compare(m->key[a], m->key[b]);
    if (m->dir == FORWARD)
        return c < 0 || (c == 0 && a < b);
    return c > 0 || (c == 0 && a > b);
}

static void sift_down(merge_iter *m, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, best = i;
        if (l < m->heap_len && before(m, m->heap[l], m->heap[best]))
            best = l;
        if (r < m->heap_len && before(m, m->heap[r], m->heap[best]))
            best = r;
        if (best == i)
            return;
        size_t t = m->heap[i];
        m->heap[i] = m->heap[best];
        m->heap[best] = t;
        i = best;
    }
}

/* Whether child i may join the heap: valid, or invalid with its error
 * recorded (the first error wins). */
static bool usable(merge_iter *m, size_t i)
{
    if (iter_valid(m->child[i])) {
        m->key[i] = iter_key(m->child[i]);
        return true;
    }
    shale_err e = {0};
    if (iter_status(m->child[i], &e) != SHALE_OK && m->err.code == SHALE_OK)
        m->err = e;
    return false;
}

static void rebuild(merge_iter *m, int dir)
{
    m->dir = dir;
    m->heap_len = 0;
    for (size_t i = 0; i < m->n; i++)
        if (usable(m, i))
            m->heap[m->heap_len++] = i;
    for (size_t i = m->heap_len / 2; i-- > 0;)
        sift_down(m, i);
}

/* After the current child moved: keep it in the heap or drop it. */
static void fix_top(merge_iter *m)
{
    if (!usable(m, m->heap[0]))
        m->heap[0] = m->heap[--m->heap_len];
    if (m->heap_len > 0)
        sift_down(m, 0);
}

static bool m_valid(const iter *it)
{
    const merge_iter *m = (const merge_iter *)it;
    return m->heap_len > 0 && m->err.code == SHALE_OK;
}

static void m_first(iter *it)
{
    merge_iter *m = (merge_iter *)it;
    shale_err_clear(&m->err);
    for (size_t i = 0; i < m->n; i++)
        iter_first(m->child[i]);
    rebuild(m, FORWARD);
}

static void m_last(iter *it)
{
    merge_iter *m = (merge_iter *)it;
    shale_err_clear(&m->err);
    for (size_t i = 0; i < m->n; i++)
        iter_last(m->child[i]);
    rebuild(m, BACKWARD);
}

static void m_seek(iter *it, slice target)
{
    merge_iter *m = (merge_iter *)it;
    shale_err_clear(&m->err);
    for (size_t i = 0; i < m->n; i++)
        iter_seek(m->child[i], target);
    rebuild(m, FORWARD);
}

static void m_seek_for_prev(iter *it, slice target)
{
    merge_iter *m = (merge_iter *)it;
    shale_err_clear(&m->err);
    for (size_t i = 0; i < m->n; i++)
        iter_seek_for_prev(m->child[i], target);
    rebuild(m, BACKWARD);
}

/* Backward -> forward: every other child goes to the first key after the
 * current one in forward order (equal keys stay only for higher indexes). */
static void switch_forward(merge_iter *m)
{
    size_t cur = m->heap[0];
    slice key = iter_key(m->child[cur]);
    for (size_t i = 0; i < m->n; i++) {
        if (i == cur)
            continue;
        iter *c = m->child[i];
        iter_seek(c, key);
        if (i < cur && iter_valid(c) && ikey_compare(iter_key(c), key) == 0)
            iter_next(c);
    }
    iter_next(m->child[cur]);
    rebuild(m, FORWARD);
}

/* Forward -> backward: the mirror image of switch_forward(). */
static void switch_backward(merge_iter *m)
{
    size_t cur = m->heap[0];
    slice key = iter_key(m->child[cur]);
    for (size_t i = 0; i < m->n; i++) {
        if (i == cur)
            continue;
        iter *c = m->child[i];
        iter_seek_for_prev(c, key);
        if (i > cur && iter_valid(c) && ikey_compare(iter_key(c), key) == 0)
            iter_prev(c);
    }
    iter_prev(m->child[cur]);
    rebuild(m, BACKWARD);
}

static void m_next(iter *it)
{
    merge_iter *m = (merge_iter *)it;
    if (m->dir != FORWARD) {
        switch_forward(m);
        return;
    }
    iter_next(m->child[m->heap[0]]);
    fix_top(m);
}

static void m_prev(iter *it)
{
    merge_iter *m = (merge_iter *)it;
    if (m->dir != BACKWARD) {
        switch_backward(m);
        return;
    }
    iter_prev(m->child[m->heap[0]]);
    fix_top(m);
}

static slice m_key(const iter *it)
{
    const merge_iter *m = (const merge_iter *)it;
    return m->key[m->heap[0]];
}

static slice m_value(const iter *it)
{
    const merge_iter *m = (const merge_iter *)it;
    return iter_value(m->child[m->heap[0]]);
}

static int m_status(const iter *it, shale_err *err)
{
    return shale_err_copy(err, &((const merge_iter *)it)->err);
}

static void m_free(iter *it)
{
    merge_iter *m = (merge_iter *)it;
    for (size_t i = 0; i < m->n; i++)
        iter_free(m->child[i]);
    free(m->child);
    free(m->heap);
    free(m->key);
    free(m);
}

static const iter_ops merge_ops = {
    .valid = m_valid, .first = m_first, .last = m_last, .seek = m_seek,
    .seek_for_prev = m_seek_for_prev, .next = m_next, .prev = m_prev, .key = m_key,
    .value = m_value, .status = m_status, .free = m_free,
};

iter *merge_iter_new(iter **children, size_t n, shale_err *err)
{
    if (n == 1)
        return children[0];
    iter *out = NULL;
    merge_iter *m = calloc(1, sizeof *m);
    if (m != NULL && n == 0) {
        free(m);
        out = iter_new_empty(SHALE_OK, NULL);
    } else if (m != NULL) {
        m->base.ops = &merge_ops;
        m->child = malloc(n * sizeof *m->child);
        m->heap = malloc(n * sizeof *m->heap);
        m->key = malloc(n * sizeof *m->key);
        if (m->child != NULL && m->heap != NULL && m->key != NULL) {
            for (size_t i = 0; i < n; i++)
                m->child[i] = children[i];
            m->n = n;
            return &m->base;
        }
        free(m->child);
        free(m->heap);
        free(m->key);
        free(m);
    }
    if (out == NULL) {
        for (size_t i = 0; i < n; i++)
            iter_free(children[i]);
        SHALE_NOMEM(err);
    }
    return out;
}
