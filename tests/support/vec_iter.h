/* tests/support/vec_iter.h: an `iter` over an in-memory sorted array of
 * (internal key, value) pairs, for tests of the iterators that combine
 * sources (merge, concatenation, compaction, the user iterator).  It can be
 * told to fail, to check that errors reach the top of an iterator tree. */
#ifndef TESTS_SUPPORT_VEC_ITER_H
#define TESTS_SUPPORT_VEC_ITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/compaction/range_del.h"
#include "lsm/util/buf.h"
#include "lsm/util/iter.h"

/* Copies the n pairs and sorts them in internal-key order (keys must be
 * distinct).  Free with iter_free().  NULL on no memory. */
iter *vec_iter_new(const slice *keys, const slice *values, size_t n);

/* At the next move (or seek) the iterator becomes invalid with status
 * `code`, message "injected"; the error lasts until a later seek. */
void vec_iter_fail_on_next_move(iter *it, int code);

/* How many moves and seeks the iterator has served. */
size_t vec_iter_moves(const iter *it);



/* --- a reference model of a key space, for model-based tests ------------
 * Entries and range tombstones as plain data, with a brute-force reader
 * that applies the read rules directly (no fragments, no heaps), so that
 * the iterators can be checked against it. */
#define MODEL_KEY_MAX 16
#define MODEL_VAL_MAX 24

typedef struct model_entry {
    char key[MODEL_KEY_MAX];
    uint64_t seq;
    int type;
    char value[MODEL_VAL_MAX];
} model_entry;

typedef struct model_tomb {
    char begin[MODEL_KEY_MAX], end[MODEL_KEY_MAX];
    uint64_t seq;
} model_tomb;

typedef struct model {
    model_entry *e;
    size_t n, cap;
    model_tomb *t;
    size_t nt, tcap;
    uint64_t max_seq;   /* largest seq generated */
    int nkeys;          /* key space: model_key(0..nkeys) */
} model;

typedef struct model_gen {
    int nkeys, nops;
    int tomb_pct;       /* % of ops that are range tombstones */
    int del_pct;        /* % of point ops on normal keys that are deletes */
    int merge_pct;      /* % that are merge operands */
    bool single_deletes;/* every 4th key takes strictly alternating Put/SingleDelete */
} model_gen;

void model_free(model *m);
void model_add(model *m, const char *key, uint64_t seq, int type, const char *value);
void model_add_tomb(model *m, const char *begin, const char *end, uint64_t seq);
/* Fills m with random operations, seqs 1..nops in order. */
void model_generate(model *m, const model_gen *g, unsigned *seed);
/* "k%03d": the key space is model_key(0..nkeys). */
void model_key(char *out, int i);
/* Internal key of entry i, encoded into buf (at least MODEL_KEY_MAX + 8). */
slice model_ikey(const model *m, size_t i, char *buf);
/* The entries dealt at random into n vec_iters (n >= 1), in iters[0..n). */
void model_split(const model *m, iter **iters, size_t n, unsigned *seed);
/* An aggregator over the model's tombstones for a reader at read_seq. */
rd_agg *model_rd(const model *m, uint64_t read_seq);
/* Reads ukey at snapshot snap: 1 and the value in out (NUL-terminated), or
 * 0 if absent or deleted.  Merge operands combine as test_merge_concat(). */
int model_read(const model *m, const char *ukey, uint64_t snap, char *out, size_t cap);
/* The test merge operator: existing (or "~" for none), then "|op" per
 * operand, oldest first. */
int test_merge_concat(void *arg, slice key, const slice *existing, const slice *ops, size_t n,
                      shale_buf *out, shale_err *err);
/* A small deterministic generator (tests print their seed). */
static inline unsigned model_rand(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 8) & 0xffffff;
}

#endif
