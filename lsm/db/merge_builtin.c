/* lsm/db/merge_builtin.c: RocksDB's built-in merge operators, under
 * RocksDB's names so SSTs and OPTIONS files name the same operator in both
 * engines, with RocksDB's results byte for byte:
 *
 *   UInt64AddOperator         fixed64 little-endian sum, wrapping; a value
 *                             of another length than 8 counts as 0 (RocksDB
 *                             logs "uint64 value corruption" and goes on)
 *   StringAppendOperator      existing + delim + op1 + delim + op2 ...; with
 *                             no existing value, op1 starts the result;
 *                             partial merge joins the operands the same way
 *   StringAppendTESTOperator  the same full merge, no partial merge (Flink's
 *                             list state operator; delimiter ',')
 *
 * Results are malloc'd; the operators use free() to release them (no
 * delete_value callback). */
#include <stdlib.h>
#include <string.h>

#include "lsm/db/merge.h"
#include "lsm/util/coding.h"

/* --- UInt64AddOperator ----------------------------------------------------- */

static uint64_t decode_u64(const char *p, size_t n) { return n == 8 ? dec_fixed64(p) : 0; }

static char *u64_result(uint64_t sum, unsigned char *success, size_t *len)
{
    char *out = malloc(8);
    *success = out != NULL;
    *len = out != NULL ? 8 : 0;
    if (out != NULL)
        enc_fixed64(out, sum);
    return out;
}

static char *u64_full(void *state, const char *key, size_t klen, const char *existing,
                      size_t elen, const char *const *ops, const size_t *lens, int n,
                      unsigned char *success, size_t *len)
{
    (void)state, (void)key, (void)klen;
    uint64_t sum = existing != NULL ? decode_u64(existing, elen) : 0;
    for (int i = 0; i < n; i++)
        sum += decode_u64(ops[i], lens[i]);
    return u64_result(sum, success, len);
}

static char *u64_partial(void *state, const char *key, size_t klen, const char *const *ops,
                         const size_t *lens, int n, unsigned char *success, size_t *len)
{
    return u64_full(state, key, klen, NULL, 0, ops, lens, n, success, len);
}

static const char *u64_name(void *state)
{
    (void)state;
    return "UInt64AddOperator";
}

shale_merge_operator *shale_merge_operator_create_uint64add(void)
{
    return shale_merge_operator_create(NULL, NULL, u64_full, u64_partial, NULL, u64_name);
}

/* --- StringAppendOperator, StringAppendTESTOperator ------------------------ */

typedef struct append_state {
    char delim;
} append_state;

/* Joins [existing,] ops[0..n) with the delimiter into a malloc'd buffer. */
static char *join(char delim, const char *existing, size_t elen, const char *const *ops,
                  const size_t *lens, int n, unsigned char *success, size_t *len)
{
    size_t total = existing != NULL ? elen : 0;
    for (int i = 0; i < n; i++)
        total += lens[i] + 1;
    char *out = malloc(total + 1);
    *success = out != NULL;
    *len = 0;
    if (out == NULL)
        return NULL;
    size_t at = 0;
    bool first = existing == NULL;
    if (existing != NULL && elen > 0) {
        memcpy(out, existing, elen);
        at = elen;
    }
    for (int i = 0; i < n; i++) {
        if (!first)
            out[at++] = delim;
        first = false;
        if (lens[i] > 0)
            memcpy(out + at, ops[i], lens[i]);
        at += lens[i];
    }
    *len = at;
    return out;
}

static char *append_full(void *state, const char *key, size_t klen, const char *existing,
                         size_t elen, const char *const *ops, const size_t *lens, int n,
                         unsigned char *success, size_t *len)
{
    (void)key, (void)klen;
    return join(((append_state *)state)->delim, existing, elen, ops, lens, n, success, len);
}

static char *append_partial(void *state, const char *key, size_t klen, const char *const *ops,
                            const size_t *lens, int n, unsigned char *success, size_t *len)
{
    (void)key, (void)klen;
    return join(((append_state *)state)->delim, NULL, 0, ops, lens, n, success, len);
}

static const char *append_name(void *state)
{
    (void)state;
    return "StringAppendOperator";
}

static const char *append_test_name(void *state)
{
    (void)state;
    return "StringAppendTESTOperator";
}

static shale_merge_operator *make_append(char delim, bool partial, const char *(*name)(void *))
{
    append_state *s = malloc(sizeof *s);
    if (s == NULL)
        return NULL;
    s->delim = delim;
    shale_merge_operator *op = shale_merge_operator_create(
        s, free, append_full, partial ? append_partial : NULL, NULL, name);
    if (op == NULL)
        free(s);
    return op;
}

shale_merge_operator *shale_merge_operator_create_stringappend(char delim)
{
    return make_append(delim, true, append_name);
}

shale_merge_operator *shale_merge_operator_create_stringappend_test(void)
{
    return make_append(',', false, append_test_name);
}
