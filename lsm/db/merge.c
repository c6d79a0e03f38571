/* lsm/db/merge.c: the merge operator object (lsm/db/merge.h) and the
 * adapters between shale's slices and buffers and the C callbacks of
 * include/shale/merge.h.
 *
 * The callbacks take arrays of pointers and lengths: for up to
 * SMALL_OPERANDS operands they live on the stack, beyond that on the heap,
 * so a long run of operands costs one allocation per merge. */
#include "lsm/db/merge.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/coding.h"
#include "lsm/util/err.h"

#define SMALL_OPERANDS 16

shale_merge_operator *shale_merge_operator_create(
    void *state, void (*destructor)(void *), shale_full_merge_fn full_merge,
    shale_partial_merge_fn partial_merge, void (*delete_value)(void *, const char *, size_t),
    const char *(*name)(void *))
{
    if (full_merge == NULL || name == NULL)
        return NULL;
    shale_merge_operator *op = calloc(1, sizeof *op);
    if (op == NULL)
        return NULL;
    atomic_init(&op->refs, 1);
    op->state = state;
    op->destructor = destructor;
    op->full = full_merge;
    op->partial = partial_merge;
    op->delete_value = delete_value;
    op->name = name;
    return op;
}

void shale_merge_operator_destroy(shale_merge_operator *op) { merge_op_unref(op); }

const char *shale_merge_operator_name(const shale_merge_operator *op)
{
    return op->name(op->state);
}

void merge_op_ref(shale_merge_operator *op)
{
    atomic_fetch_add_explicit(&op->refs, 1, memory_order_relaxed);
}

void merge_op_unref(shale_merge_operator *op)
{
    if (op == NULL || atomic_fetch_sub_explicit(&op->refs, 1, memory_order_acq_rel) != 1)
        return;
    if (op->destructor != NULL)
        op->destructor(op->state);
    free(op);
}

/* Pointer and length arrays for n operands: the caller's stack arrays when
 * they fit, else one heap block (*heap, to free). */
typedef struct op_arrays {
    const char **ptrs;
    size_t *lens;
    void *heap;
    const char *small_ptrs[SMALL_OPERANDS];
    size_t small_lens[SMALL_OPERANDS];
} op_arrays;

static bool op_arrays_fill(op_arrays *a, const slice *operands, size_t n)
{
    a->heap = NULL;
    a->ptrs = a->small_ptrs;
    a->lens = a->small_lens;
    if (n > SMALL_OPERANDS) {
        a->heap = malloc(n * (sizeof(char *) + sizeof(size_t)));
        if (a->heap == NULL)
            return false;
        a->ptrs = a->heap;
        a->lens = (size_t *)(void *)(a->ptrs + n);
    }
    for (size_t i = 0; i < n; i++) {
        /* A callback may read operands[i] even when empty: never NULL. */
        a->ptrs[i] = operands[i].data != NULL ? operands[i].data : "";
        a->lens[i] = operands[i].len;
    }
    return true;
}

/* Appends a callback's result to out and releases it as the operator says. */
static void take_result(const shale_merge_operator *op, char *res, size_t len, bool keep,
                        shale_buf *out)
{
    if (keep && len > 0)
        shale_buf_append(out, res, len);
    if (op->delete_value != NULL)
        op->delete_value(op->state, res, len);
    else
        free(res);
}

int merge_full(void *arg, slice user_key, const slice *existing, const slice *operands, size_t n,
               shale_buf *out, shale_err *err)
{
    const shale_merge_operator *op = arg;
    if (n > INT_MAX)
        return SHALE_CORRUPT(err, MERGE_FAILED_MSG);
    op_arrays a;
    if (!op_arrays_fill(&a, operands, n))
        return SHALE_NOMEM(err);
    unsigned char ok = 0;
    size_t len = 0;
    char *res = op->full(op->state, user_key.data != NULL ? user_key.data : "", user_key.len,
                         existing == NULL ? NULL : existing->data != NULL ? existing->data : "",
                         existing == NULL ? 0 : existing->len, a.ptrs, a.lens, (int)n, &ok, &len);
    free(a.heap);
    take_result(op, res, len, ok != 0, out);
    if (ok == 0)
        return SHALE_CORRUPT(err, MERGE_FAILED_MSG);
    return shale_buf_ok(out) ? SHALE_OK : SHALE_NOMEM(err);
}

int merge_partial(void *arg, slice user_key, const slice *operands, size_t n, shale_buf *out,
                  bool *merged, shale_err *err)
{
    const shale_merge_operator *op = arg;
    *merged = false;
    if (op->partial == NULL || n < 2 || n > INT_MAX)
        return SHALE_OK;
    op_arrays a;
    if (!op_arrays_fill(&a, operands, n))
        return SHALE_NOMEM(err);
    unsigned char ok = 0;
    size_t len = 0;
    char *res = op->partial(op->state, user_key.data != NULL ? user_key.data : "", user_key.len,
                            a.ptrs, a.lens, (int)n, &ok, &len);
    free(a.heap);
    take_result(op, res, len, ok != 0, out);
    if (!shale_buf_ok(out))
        return SHALE_NOMEM(err);
    *merged = ok != 0;
    return SHALE_OK;
}

int merge_resolve_collected(const shale_merge_operator *op, slice user_key,
                            const slice *existing, slice collected, size_t n, shale_buf *out,
                            shale_err *err)
{
    if (op == NULL)
        return SHALE_INVALID(err, MERGE_NO_OPERATOR_MSG);
    slice small[SMALL_OPERANDS];
    slice *ops = n <= SMALL_OPERANDS ? small : malloc(n * sizeof *ops);
    if (ops == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (size_t i = 0; i < n && rc == SHALE_OK; i++)   /* newest first -> oldest first */
        if (!get_lp_slice(&collected, &ops[n - 1 - i]))
            rc = SHALE_CORRUPT(err, "merge operand list ends after %zu of %zu", i, n);
    shale_buf_clear(out);
    if (rc == SHALE_OK)
        rc = merge_full((void *)op, user_key, existing, ops, n, out, err);
    if (ops != small)
        free(ops);
    return rc;
}
