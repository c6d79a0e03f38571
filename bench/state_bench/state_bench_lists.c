/* bench/state_bench/state_bench_lists.c: list append and full-list read at
 * 10, 100, 1,000 and 10,000 elements: ListState against the
 * ValueState<List> read-modify-write trap.
 *
 * Jobs that keep a list in a ValueState (get the whole list, append one
 * element, write the whole list back) pay for the list's length on every
 * append, so appends slow down linearly as lists grow.  ListState's add is
 * O(1) (an append on the heap backend, a merge operand on LSM), so its
 * cost stays flat.  For each length n, on a fresh backend:
 *   keys    = list_ops / rounds lists, each prefilled with n elements
 *   rounds  = n / 10 appends per list, so lists stay within [n, 1.1 n]
 *   list_append@n, value_list_append@n: one element appended
 *   list_read@n, value_list_read@n: one whole list read and walked (every
 *           list in turn, repeated up to READ_BUDGET elements in all)
 * The trap's appends copy the list twice each, so at large n it runs fewer
 * rounds (at most TRAP_BUDGET element copies in all); its micros/op stay
 * comparable.  Afterwards every list must hold n + rounds elements. */
#include "bench/state_bench/state_bench.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRAP_BUDGET 20000000ull   /* element copies the trap's appends may make */
#define READ_BUDGET 2000000ull   /* elements the whole-list reads walk per length */
#define ADD_BATCH 1000

static const uint64_t list_lengths[] = {10, 100, 1000, 10000};
#define NLENGTHS (sizeof list_lengths / sizeof list_lengths[0])

typedef struct list_plan {
    uint64_t n, keys, rounds, trap_rounds;
    uint64_t reads;            /* whole-list reads: every key, read_reps times */
    char *elem;                /* one element, element_size bytes */
    size_t esize;
} list_plan;

static list_plan make_plan(const sb_flags *f, uint64_t n, char *elem)
{
    list_plan p = {.n = n, .rounds = n / 10 ? n / 10 : 1, .elem = elem,
                   .esize = f->element_size};
    p.keys = f->list_ops / p.rounds ? f->list_ops / p.rounds : 1;
    uint64_t fit = TRAP_BUDGET / (p.keys * n);
    p.trap_rounds = fit < 1 ? 1 : fit < p.rounds ? fit : p.rounds;
    uint64_t reps = READ_BUDGET / (p.keys * n);
    p.reads = p.keys * (reps ? reps : 1);
    return p;
}

static int mismatch(shale_err *err, const char *what, uint64_t got, uint64_t want)
{
    if (err != NULL) {
        err->code = SHALE_CORRUPTION;
        snprintf(err->msg, sizeof err->msg, "%s: %" PRIu64 " elements, want %" PRIu64, what,
                 got, want);
    }
    return SHALE_CORRUPTION;
}

/* --- ListState ---------------------------------------------------------------- */

static int list_prefill(shale_state *st, const list_plan *p, shale_err *err)
{
    const char *vals[ADD_BATCH];
    size_t lens[ADD_BATCH];
    for (size_t i = 0; i < ADD_BATCH; i++)
        vals[i] = p->elem, lens[i] = p->esize;
    int rc = SHALE_OK;
    for (uint64_t k = 0; rc == SHALE_OK && k < p->keys; k++) {
        char key[8];
        sb_key(k, key);
        shale_state_key sk = shale_state_key_make(key, 8);
        for (uint64_t done = 0; rc == SHALE_OK && done < p->n; done += ADD_BATCH) {
            size_t batch = p->n - done < ADD_BATCH ? (size_t)(p->n - done) : ADD_BATCH;
            rc = shale_list_state_add_all(st, &sk, batch, vals, lens, err);
        }
    }
    return rc;
}

static int list_read_all(sb_run *r, shale_state *st, const list_plan *p, const char *name,
                         shale_err *err)
{
    int rc = SHALE_OK;
    uint64_t total = 0;
    double t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < p->reads; i++) {
        char key[8];
        sb_key(i % p->keys, key);
        shale_state_iter *it = NULL;
        rc = shale_list_state_get(st, &(shale_state_key){key, 8, NULL, 0, -1}, &it, err);
        for (; rc == SHALE_OK && shale_state_iter_valid(it); shale_state_iter_next(it)) {
            size_t len;
            (void)shale_state_iter_value(it, &len);
            total += len == p->esize;
        }
        if (rc == SHALE_OK)
            rc = shale_state_iter_status(it, err);
        shale_state_iter_free(it);
    }
    double secs = sb_now() - t0;
    if (rc != SHALE_OK)
        return rc;
    if (total != p->reads * (p->n + p->rounds))
        return mismatch(err, name, total, p->reads * (p->n + p->rounds));
    sb_report(r, name, p->reads, secs, NULL);
    return SHALE_OK;
}

static int bench_list_state(sb_run *r, const list_plan *p, shale_err *err)
{
    shale_state *st = NULL;
    int rc = sb_state(r, "list", SHALE_STATE_LIST, &st, err);
    if (rc == SHALE_OK)
        rc = list_prefill(st, p, err);
    double t0 = sb_now();
    for (uint64_t j = 0; rc == SHALE_OK && j < p->rounds; j++)
        for (uint64_t k = 0; rc == SHALE_OK && k < p->keys; k++) {
            char key[8];
            sb_key(k, key);
            rc = shale_list_state_add(st, &(shale_state_key){key, 8, NULL, 0, -1}, p->elem,
                                      p->esize, err);
        }
    double secs = sb_now() - t0;
    char name[40];
    snprintf(name, sizeof name, "list_append@%" PRIu64, p->n);
    if (rc == SHALE_OK)
        sb_report(r, name, p->rounds * p->keys, secs, NULL);
    snprintf(name, sizeof name, "list_read@%" PRIu64, p->n);
    return rc == SHALE_OK ? list_read_all(r, st, p, name, err) : rc;
}

/* --- ValueState<List>: [4-byte length, little-endian][bytes] per element ---- */

static size_t trap_encoded(const list_plan *p, uint64_t count)
{
    return (size_t)count * (4 + p->esize);
}

static void trap_put_elem(char *at, const list_plan *p)
{
    for (int i = 0; i < 4; i++)
        at[i] = (char)(p->esize >> (8 * i));
    memcpy(at + 4, p->elem, p->esize);
}

/* Walks an encoded list; the element count, or UINT64_MAX if malformed. */
static uint64_t trap_count(const char *v, size_t len)
{
    uint64_t n = 0;
    size_t at = 0;
    while (at + 4 <= len) {
        size_t el = (size_t)(uint8_t)v[at] | (size_t)(uint8_t)v[at + 1] << 8 |
                    (size_t)(uint8_t)v[at + 2] << 16 | (size_t)(uint8_t)v[at + 3] << 24;
        if (el > len - at - 4)
            return UINT64_MAX;
        at += 4 + el;
        n++;
    }
    return at == len ? n : UINT64_MAX;
}

static int trap_prefill(shale_state *st, const list_plan *p, shale_err *err)
{
    size_t len = trap_encoded(p, p->n);
    char *buf = malloc(len);
    if (buf == NULL)
        return SHALE_NO_MEMORY;
    for (uint64_t i = 0; i < p->n; i++)
        trap_put_elem(buf + trap_encoded(p, i), p);
    int rc = SHALE_OK;
    for (uint64_t k = 0; rc == SHALE_OK && k < p->keys; k++) {
        char key[8];
        sb_key(k, key);
        rc = shale_value_state_update(st, &(shale_state_key){key, 8, NULL, 0, -1}, buf, len,
                                      err);
    }
    free(buf);
    return rc;
}

/* The trap itself: read the whole list, append, write the whole list. */
static int trap_append(shale_state *st, const shale_state_key *k, const list_plan *p,
                       shale_err *err)
{
    char *val = NULL;
    size_t len = 0;
    int rc = shale_value_state_get(st, k, &val, &len, err);
    if (rc == SHALE_NOT_FOUND)
        rc = SHALE_OK;
    char *grown = rc == SHALE_OK ? malloc(len + 4 + p->esize) : NULL;
    if (rc == SHALE_OK && grown == NULL)
        rc = SHALE_NO_MEMORY;
    if (rc == SHALE_OK) {
        if (len > 0)
            memcpy(grown, val, len);
        trap_put_elem(grown + len, p);
        rc = shale_value_state_update(st, k, grown, len + 4 + p->esize, err);
    }
    free(grown);
    shale_free(val);
    return rc;
}

static int trap_read_all(sb_run *r, shale_state *st, const list_plan *p, const char *name,
                         shale_err *err)
{
    int rc = SHALE_OK;
    uint64_t total = 0;
    double t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < p->reads; i++) {
        char key[8], *val = NULL;
        size_t len = 0;
        sb_key(i % p->keys, key);
        rc = shale_value_state_get(st, &(shale_state_key){key, 8, NULL, 0, -1}, &val, &len,
                                   err);
        uint64_t n = rc == SHALE_OK ? trap_count(val, len) : 0;
        total = n == UINT64_MAX || total == UINT64_MAX ? UINT64_MAX : total + n;
        shale_free(val);
    }
    double secs = sb_now() - t0;
    if (rc != SHALE_OK)
        return rc;
    if (total != p->reads * (p->n + p->trap_rounds))
        return mismatch(err, name, total, p->reads * (p->n + p->trap_rounds));
    sb_report(r, name, p->reads, secs, NULL);
    return SHALE_OK;
}

static int bench_trap(sb_run *r, const list_plan *p, shale_err *err)
{
    shale_state *st = NULL;
    int rc = sb_state(r, "value_list", SHALE_STATE_VALUE, &st, err);
    if (rc == SHALE_OK)
        rc = trap_prefill(st, p, err);
    double t0 = sb_now();
    for (uint64_t j = 0; rc == SHALE_OK && j < p->trap_rounds; j++)
        for (uint64_t k = 0; rc == SHALE_OK && k < p->keys; k++) {
            char key[8];
            sb_key(k, key);
            rc = trap_append(st, &(shale_state_key){key, 8, NULL, 0, -1}, p, err);
        }
    double secs = sb_now() - t0;
    char name[40];
    snprintf(name, sizeof name, "value_list_append@%" PRIu64, p->n);
    if (rc == SHALE_OK)
        sb_report(r, name, p->trap_rounds * p->keys, secs, NULL);
    snprintf(name, sizeof name, "value_list_read@%" PRIu64, p->n);
    return rc == SHALE_OK ? trap_read_all(r, st, p, name, err) : rc;
}

/* --- the table ---------------------------------------------------------------- */

static void print_row(const sb_run *r, const char *label, const char *prefix)
{
    printf("  %-24s", label);
    for (size_t i = 0; i < NLENGTHS; i++) {
        char name[40];
        snprintf(name, sizeof name, "%s@%" PRIu64, prefix, list_lengths[i]);
        printf(" %11.3f", sb_micros(r, name));
    }
    printf("\n");
}

static void print_table(const sb_run *r)
{
    printf("list length (%s, micros/op)  ", r->backend);
    for (size_t i = 0; i < NLENGTHS; i++)
        printf(" %11" PRIu64, list_lengths[i]);
    printf("\n");
    print_row(r, "ListState append", "list_append");
    print_row(r, "ValueState<List> append", "value_list_append");
    print_row(r, "ListState read (whole)", "list_read");
    print_row(r, "ValueState<List> read", "value_list_read");
}

int sb_run_lists(sb_run *r, shale_err *err)
{
    char *elem = malloc(r->f->element_size);
    if (elem == NULL)
        return SHALE_NO_MEMORY;
    sb_fill(elem, r->f->element_size, 7);
    int rc = SHALE_OK;
    for (size_t i = 0; rc == SHALE_OK && i < NLENGTHS; i++) {
        list_plan p = make_plan(r->f, list_lengths[i], elem);
        if ((rc = sb_open(r, err)) == SHALE_OK && (rc = bench_list_state(r, &p, err)) == SHALE_OK)
            rc = bench_trap(r, &p, err);
        sb_close(r);
    }
    free(elem);
    if (rc == SHALE_OK)
        print_table(r);
    return rc;
}
