/* tests/support/vec_iter.c: the vector-backed test iterator (vec_iter.h). */
#include "tests/support/vec_iter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

typedef struct vec_entry {
    slice key, value;
} vec_entry;

typedef struct vec_iter {
    iter base;
    vec_entry *e;
    size_t n;
    size_t pos;       /* == n: not valid */
    size_t moves;
    int fail_code;    /* applied at the next move */
    shale_err err;
    char *bytes;      /* every key and value, copied */
} vec_iter;

static int by_ikey(const void *a, const void *b)
{
    return ikey_compare(((const vec_entry *)a)->key, ((const vec_entry *)b)->key);
}

/* Counts a move; applies a pending failure.  An error sticks until the
 * next seek (as for real iterators). */
static bool moved(vec_iter *v, bool is_seek)
{
    v->moves++;
    if (is_seek)
        shale_err_clear(&v->err);
    if (v->fail_code != SHALE_OK) {
        shale_err_set_at(&v->err, v->fail_code, __FILE__, __LINE__, "injected");
        v->fail_code = SHALE_OK;
    }
    if (v->err.code != SHALE_OK) {
        v->pos = v->n;
        return false;
    }
    return true;
}

static bool v_valid(const iter *it)
{
    const vec_iter *v = (const vec_iter *)it;
    return v->pos < v->n;
}

static void v_first(iter *it)
{
    vec_iter *v = (vec_iter *)it;
    if (moved(v, true))
        v->pos = 0;
}

static void v_last(iter *it)
{
    vec_iter *v = (vec_iter *)it;
    if (moved(v, true))
        v->pos = v->n == 0 ? 0 : v->n - 1;
}

/* First index whose key is >= target. */
static size_t lower_bound(const vec_iter *v, slice target)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ikey_compare(v->e[mid].key, target) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void v_seek(iter *it, slice t)
{
    vec_iter *v = (vec_iter *)it;
    if (moved(v, true))
        v->pos = lower_bound(v, t);
}

static void v_seek_for_prev(iter *it, slice t)
{
    vec_iter *v = (vec_iter *)it;
    if (!moved(v, true))
        return;
    size_t i = lower_bound(v, t);
    if (i < v->n && ikey_compare(v->e[i].key, t) == 0)
        v->pos = i;
    else
        v->pos = i == 0 ? v->n : i - 1;
}

static void v_next(iter *it)
{
    vec_iter *v = (vec_iter *)it;
    if (moved(v, false))
        v->pos++;
}

static void v_prev(iter *it)
{
    vec_iter *v = (vec_iter *)it;
    if (moved(v, false))
        v->pos = v->pos == 0 ? v->n : v->pos - 1;
}

static slice v_key(const iter *it) { return ((const vec_iter *)it)->e[((const vec_iter *)it)->pos].key; }
static slice v_value(const iter *it) { return ((const vec_iter *)it)->e[((const vec_iter *)it)->pos].value; }

static int v_status(const iter *it, shale_err *err)
{
    return shale_err_copy(err, &((const vec_iter *)it)->err);
}

static void v_free(iter *it)
{
    vec_iter *v = (vec_iter *)it;
    free(v->e);
    free(v->bytes);
    free(v);
}

static const iter_ops vec_ops = {
    .valid = v_valid, .first = v_first, .last = v_last, .seek = v_seek,
    .seek_for_prev = v_seek_for_prev, .next = v_next, .prev = v_prev, .key = v_key,
    .value = v_value, .status = v_status, .free = v_free,
};

iter *vec_iter_new(const slice *keys, const slice *values, size_t n)
{
    vec_iter *v = calloc(1, sizeof *v);
    if (v == NULL)
        return NULL;
    v->base.ops = &vec_ops;
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += keys[i].len + values[i].len;
    v->e = calloc(n + 1, sizeof *v->e);
    v->bytes = malloc(total);
    if (v->e == NULL || v->bytes == NULL) {
        v_free(&v->base);
        return NULL;
    }
    char *p = v->bytes;
    for (size_t i = 0; i < n; i++) {
        if (keys[i].len > 0)
            memcpy(p, keys[i].data, keys[i].len);
        v->e[i].key = slice_make(p, keys[i].len);
        p += keys[i].len;
        if (values[i].len > 0)
            memcpy(p, values[i].data, values[i].len);
        v->e[i].value = slice_make(p, values[i].len);
        p += values[i].len;
    }
    qsort(v->e, n, sizeof *v->e, by_ikey);
    v->n = n;
    v->pos = n;
    return &v->base;
}

void vec_iter_fail_on_next_move(iter *it, int code) { ((vec_iter *)it)->fail_code = code; }

size_t vec_iter_moves(const iter *it) { return ((const vec_iter *)it)->moves; }

/* --- the reference model ------------------------------------------------ */

void model_free(model *m)
{
    free(m->e);
    free(m->t);
    memset(m, 0, sizeof *m);
}

void model_add(model *m, const char *key, uint64_t seq, int type, const char *value)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 64;
        m->e = realloc(m->e, m->cap * sizeof *m->e);
    }
    model_entry *e = &m->e[m->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->key, sizeof e->key, "%s", key);
    snprintf(e->value, sizeof e->value, "%s", value);
    e->seq = seq;
    e->type = type;
    if (seq > m->max_seq)
        m->max_seq = seq;
}

void model_add_tomb(model *m, const char *begin, const char *end, uint64_t seq)
{
    if (m->nt == m->tcap) {
        m->tcap = m->tcap ? 2 * m->tcap : 16;
        m->t = realloc(m->t, m->tcap * sizeof *m->t);
    }
    model_tomb *t = &m->t[m->nt++];
    snprintf(t->begin, sizeof t->begin, "%s", begin);
    snprintf(t->end, sizeof t->end, "%s", end);
    t->seq = seq;
    if (seq > m->max_seq)
        m->max_seq = seq;
}

void model_key(char *out, int i) { snprintf(out, MODEL_KEY_MAX, "k%03d", i); }

static int point_type(const model_gen *g, unsigned *seed)
{
    unsigned r = model_rand(seed) % 100;
    if ((int)r < g->del_pct)
        return VT_DELETION;
    if ((int)r < g->del_pct + g->merge_pct)
        return VT_MERGE;
    return VT_VALUE;
}

void model_generate(model *m, const model_gen *g, unsigned *seed)
{
    bool *sd_put = calloc((size_t)g->nkeys + 1, sizeof *sd_put);
    m->nkeys = g->nkeys;
    for (int s = 1; s <= g->nops; s++) {
        char k[MODEL_KEY_MAX], v[MODEL_VAL_MAX];
        snprintf(v, sizeof v, "v%d", s);
        if ((int)(model_rand(seed) % 100) < g->tomb_pct) {
            int a = (int)(model_rand(seed) % (unsigned)g->nkeys);
            int b = a + 1 + (int)(model_rand(seed) % 4);
            char e[MODEL_KEY_MAX];
            model_key(k, a);
            model_key(e, b);
            model_add_tomb(m, k, e, (uint64_t)s);
            continue;
        }
        int i = (int)(model_rand(seed) % (unsigned)g->nkeys);
        model_key(k, i);
        if (g->single_deletes && i % 4 == 3) {
            /* SingleDelete's contract: one Put between SingleDeletes. */
            model_add(m, k, (uint64_t)s, sd_put[i] ? VT_SINGLE_DELETION : VT_VALUE, v);
            sd_put[i] = !sd_put[i];
        } else {
            model_add(m, k, (uint64_t)s, point_type(g, seed), v);
        }
    }
    free(sd_put);
}

slice model_ikey(const model *m, size_t i, char *buf)
{
    size_t n = strlen(m->e[i].key);
    memcpy(buf, m->e[i].key, n);
    enc_fixed64(buf + n, ikey_pack(m->e[i].seq, m->e[i].type));
    return slice_make(buf, n + 8);
}

void model_split(const model *m, iter **iters, size_t n, unsigned *seed)
{
    slice *keys = calloc(m->n + 1, sizeof *keys), *vals = calloc(m->n + 1, sizeof *vals);
    char *kb = calloc(m->n + 1, MODEL_KEY_MAX + 8);
    size_t *part = calloc(m->n + 1, sizeof *part);
    for (size_t i = 0; i < m->n; i++)
        part[i] = model_rand(seed) % n;
    for (size_t p = 0; p < n; p++) {
        size_t c = 0;
        for (size_t i = 0; i < m->n; i++) {
            if (part[i] != p)
                continue;
            keys[c] = model_ikey(m, i, kb + i * (MODEL_KEY_MAX + 8));
            vals[c++] = slice_from_str(m->e[i].value);
        }
        iters[p] = vec_iter_new(keys, vals, c);
    }
    free(keys);
    free(vals);
    free(kb);
    free(part);
}

rd_agg *model_rd(const model *m, uint64_t read_seq)
{
    rd_agg *a = rd_agg_new(read_seq);
    for (size_t i = 0; i < m->nt; i++)
        rd_agg_add(a, slice_from_str(m->t[i].begin), slice_from_str(m->t[i].end), m->t[i].seq,
                   NULL);
    return a;
}

/* Whether a tombstone visible at snap deletes (ukey, seq). */
static bool model_covered(const model *m, const char *ukey, uint64_t seq, uint64_t snap)
{
    for (size_t i = 0; i < m->nt; i++) {
        const model_tomb *t = &m->t[i];
        if (t->seq <= snap && t->seq > seq && strcmp(t->begin, ukey) <= 0 && strcmp(ukey, t->end) < 0)
            return true;
    }
    return false;
}

static int by_seq_desc(const void *x, const void *y)
{
    const model_entry *p = *(const model_entry *const *)x, *q = *(const model_entry *const *)y;
    uint64_t a = ikey_pack(p->seq, p->type), b = ikey_pack(q->seq, q->type);
    return a > b ? -1 : (a < b ? 1 : 0);
}

int model_read(const model *m, const char *ukey, uint64_t snap, char *out, size_t cap)
{
    const model_entry **v = malloc((m->n + 1) * sizeof *v);
    size_t nv = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->e[i].seq <= snap && strcmp(m->e[i].key, ukey) == 0)
            v[nv++] = &m->e[i];
    qsort(v, nv, sizeof *v, by_seq_desc);
    size_t nops = 0;  /* v[0..nops) are merge operands, newest first */
    const model_entry *base = NULL;
    for (; nops < nv; nops++) {
        const model_entry *e = v[nops];
        if ((e->type != VT_MERGE && e->type != VT_VALUE) || model_covered(m, ukey, e->seq, snap))
            break;
        if (e->type == VT_VALUE) {
            base = e;
            break;
        }
    }
    int found = nops > 0 || base != NULL;
    if (found && nops == 0) {
        snprintf(out, cap, "%s", base->value);
    } else if (found) {
        size_t len = (size_t)snprintf(out, cap, "%s", base != NULL ? base->value : "~");
        for (size_t i = nops; i-- > 0 && len < cap;)
            len += (size_t)snprintf(out + len, cap - len, "|%s", v[i]->value);
    }
    free(v);
    return found;
}

int test_merge_concat(void *arg, slice key, const slice *existing, const slice *ops, size_t n,
                      shale_buf *out, shale_err *err)
{
    (void)arg;
    (void)key;
    (void)err;
    if (existing != NULL)
        shale_buf_append_slice(out, *existing);
    else
        shale_buf_append_str(out, "~");
    for (size_t i = 0; i < n; i++) {
        shale_buf_append_byte(out, '|');
        shale_buf_append_slice(out, ops[i]);
    }
    return SHALE_OK;
}
