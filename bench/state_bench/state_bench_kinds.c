/* bench/state_bench/state_bench_kinds.c: ops/s per state kind and operation.
 *
 * On one fresh backend: ValueState fill (each key once, in order), update,
 * get and get_borrowed, ListState add then get
 * (iterating every element), MapState fill, put, get and iterate, ReducingState
 * add, each over --num keys picked at random, --ops operations (reads
 * that walk a whole list or map: --ops/10).  Values are --value_size
 * bytes, list elements --element_size.  Reads count what they find, so a
 * line also says whether the state held what the writes put there. */
#include "bench/state_bench/state_bench.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAP_ENTRIES 16         /* user keys per map */

static uint64_t get_le64(const char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | (uint8_t)p[i];
    return v;
}

static void put_le64(char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (char)(v >> (8 * i));
}

/* value_get again, through the borrowed read (no copy, nothing to free);
 * the first 8 bytes of each value are read so the bytes are touched. */
static int value_get_borrowed(sb_run *r, shale_state *st, shale_err *err)
{
    const sb_flags *f = r->f;
    char key[8], extra[64];
    uint64_t found = 0, sum = 0;
    int rc = SHALE_OK;
    double t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < f->ops; i++) {
        sb_key(sb_rand(r) % f->num, key);
        const char *val = NULL;
        size_t len = 0;
        rc = shale_value_state_get_borrowed(st, &(shale_state_key){key, 8, NULL, 0, -1}, &val,
                                            &len, err);
        if (rc == SHALE_OK && len == f->value_size) {
            found++;
            sum += get_le64(val);
        }
        if (rc == SHALE_NOT_FOUND)
            rc = SHALE_OK;
    }
    double secs = sb_now() - t0;
    snprintf(extra, sizeof extra, "(%" PRIu64 " of %" PRIu64 " found; %" PRIu64 ")", found,
             f->ops, sum % 1000);
    if (rc == SHALE_OK)
        sb_report(r, "value_get_borrowed", f->ops, secs, extra);
    return rc;
}

static int bench_value(sb_run *r, char *buf, shale_err *err)
{
    const sb_flags *f = r->f;
    shale_state *st = NULL;
    int rc = sb_state(r, "value", SHALE_STATE_VALUE, &st, err);
    char key[8], extra[64];
    double t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < f->num; i++) {
        sb_key(i, key);
        put_le64(buf, i);
        rc = shale_value_state_update(st, &(shale_state_key){key, 8, NULL, 0, -1}, buf,
                                      f->value_size, err);
    }
    if (rc != SHALE_OK)
        return rc;
    sb_report(r, "value_fill", f->num, sb_now() - t0, NULL);
    t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < f->ops; i++) {
        sb_key(sb_rand(r) % f->num, key);
        put_le64(buf, i);
        rc = shale_value_state_update(st, &(shale_state_key){key, 8, NULL, 0, -1}, buf,
                                      f->value_size, err);
    }
    if (rc != SHALE_OK)
        return rc;
    sb_report(r, "value_update", f->ops, sb_now() - t0, NULL);
    uint64_t found = 0;
    t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < f->ops; i++) {
        sb_key(sb_rand(r) % f->num, key);
        char *val = NULL;
        size_t len = 0;
        rc = shale_value_state_get(st, &(shale_state_key){key, 8, NULL, 0, -1}, &val, &len, err);
        found += rc == SHALE_OK && len == f->value_size;
        shale_free(val);
        if (rc == SHALE_NOT_FOUND)
            rc = SHALE_OK;
    }
    snprintf(extra, sizeof extra, "(%" PRIu64 " of %" PRIu64 " found)", found, f->ops);
    if (rc == SHALE_OK)
        sb_report(r, "value_get", f->ops, sb_now() - t0, extra);
    return rc == SHALE_OK ? value_get_borrowed(r, st, err) : rc;
}

/* Walks an iterator; *n gets the number of entries. */
static int drain(shale_state_iter *it, uint64_t *n, shale_err *err)
{
    for (; shale_state_iter_valid(it); shale_state_iter_next(it)) {
        size_t len;
        (void)shale_state_iter_value(it, &len);
        (*n)++;
    }
    int rc = shale_state_iter_status(it, err);
    shale_state_iter_free(it);
    return rc;
}

static int bench_list(sb_run *r, char *buf, shale_err *err)
{
    const sb_flags *f = r->f;
    shale_state *st = NULL;
    int rc = sb_state(r, "list", SHALE_STATE_LIST, &st, err);
    char key[8], extra[64];
    double t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < f->ops; i++) {
        sb_key(sb_rand(r) % f->num, key);
        put_le64(buf, i);
        rc = shale_list_state_add(st, &(shale_state_key){key, 8, NULL, 0, -1}, buf,
                                  f->element_size, err);
    }
    if (rc != SHALE_OK)
        return rc;
    sb_report(r, "list_add", f->ops, sb_now() - t0, NULL);
    uint64_t reads = f->ops / 10 ? f->ops / 10 : 1, elements = 0;
    t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < reads; i++) {
        sb_key(sb_rand(r) % f->num, key);
        shale_state_iter *it = NULL;
        rc = shale_list_state_get(st, &(shale_state_key){key, 8, NULL, 0, -1}, &it, err);
        if (rc == SHALE_OK)
            rc = drain(it, &elements, err);
    }
    snprintf(extra, sizeof extra, "(%.1f elements a list)", (double)elements / (double)reads);
    if (rc == SHALE_OK)
        sb_report(r, "list_get", reads, sb_now() - t0, extra);
    return rc;
}

static int map_fill(sb_run *r, shale_state *st, uint64_t users, char *buf, shale_err *err)
{
    char key[8], uk[8];
    int rc = SHALE_OK;
    double t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < users * MAP_ENTRIES; i++) {
        sb_key(i / MAP_ENTRIES, key);
        sb_key(i % MAP_ENTRIES, uk);
        put_le64(buf, i);
        rc = shale_map_state_put(st, &(shale_state_key){key, 8, NULL, 0, -1}, uk, 8, buf,
                                 r->f->value_size, err);
    }
    if (rc != SHALE_OK)
        return rc;
    sb_report(r, "map_fill", users * MAP_ENTRIES, sb_now() - t0, NULL);
    t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < r->f->ops; i++) {
        uint64_t x = sb_rand(r);
        sb_key(x % users, key);
        sb_key((x >> 40) % MAP_ENTRIES, uk);
        put_le64(buf, i);
        rc = shale_map_state_put(st, &(shale_state_key){key, 8, NULL, 0, -1}, uk, 8, buf,
                                 r->f->value_size, err);
    }
    if (rc == SHALE_OK)
        sb_report(r, "map_put", r->f->ops, sb_now() - t0, NULL);
    return rc;
}

static int map_reads(sb_run *r, shale_state *st, uint64_t users, shale_err *err)
{
    char key[8], uk[8], extra[64];
    uint64_t found = 0;
    int rc = SHALE_OK;
    double t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < r->f->ops; i++) {
        uint64_t x = sb_rand(r);
        sb_key(x % users, key);
        sb_key((x >> 40) % MAP_ENTRIES, uk);
        char *val = NULL;
        size_t len = 0;
        rc = shale_map_state_get(st, &(shale_state_key){key, 8, NULL, 0, -1}, uk, 8, &val, &len,
                                 err);
        found += rc == SHALE_OK;
        shale_free(val);
        if (rc == SHALE_NOT_FOUND)
            rc = SHALE_OK;
    }
    snprintf(extra, sizeof extra, "(%" PRIu64 " of %" PRIu64 " found)", found, r->f->ops);
    if (rc != SHALE_OK)
        return rc;
    sb_report(r, "map_get", r->f->ops, sb_now() - t0, extra);
    uint64_t iters = r->f->ops / 10 ? r->f->ops / 10 : 1, entries = 0;
    t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < iters; i++) {
        sb_key(sb_rand(r) % users, key);
        shale_state_iter *it = NULL;
        rc = shale_map_state_iter(st, &(shale_state_key){key, 8, NULL, 0, -1}, &it, err);
        if (rc == SHALE_OK)
            rc = drain(it, &entries, err);
    }
    snprintf(extra, sizeof extra, "(%.1f entries a map)", (double)entries / (double)iters);
    if (rc == SHALE_OK)
        sb_report(r, "map_iterate", iters, sb_now() - t0, extra);
    return rc;
}

static int bench_map(sb_run *r, char *buf, shale_err *err)
{
    uint64_t users = r->f->num / MAP_ENTRIES ? r->f->num / MAP_ENTRIES : 1;
    shale_state *st = NULL;
    int rc = sb_state(r, "map", SHALE_STATE_MAP, &st, err);
    if (rc == SHALE_OK)
        rc = map_fill(r, st, users, buf, err);
    if (rc == SHALE_OK)
        rc = map_reads(r, st, users, err);
    return rc;
}

/* The reduce callback: 8-byte little-endian sums. */
static int add_u64(void *ctx, const char *a, size_t a_len, const char *b, size_t b_len,
                   char **out, size_t *out_len)
{
    (void)ctx;
    if (a_len != 8 || b_len != 8)
        return SHALE_INVALID_ARGUMENT;
    if ((*out = malloc(8)) == NULL)
        return SHALE_NO_MEMORY;
    put_le64(*out, get_le64(a) + get_le64(b));
    *out_len = 8;
    return SHALE_OK;
}

/* Adds 1 per operation; afterwards the sums over every key must be --ops. */
static int bench_reducing(sb_run *r, shale_err *err)
{
    shale_state_descriptor *d = shale_state_descriptor_new("reducing", SHALE_STATE_REDUCING);
    if (d == NULL)
        return SHALE_NO_MEMORY;
    shale_state_descriptor_set_reduce(d, add_u64, NULL);
    shale_state *st = NULL;
    int rc = shale_state_get(r->b, d, &st, err);
    shale_state_descriptor_free(d);
    char key[8], one[8], extra[64];
    put_le64(one, 1);
    double t0 = sb_now();
    for (uint64_t i = 0; rc == SHALE_OK && i < r->f->ops; i++) {
        sb_key(sb_rand(r) % r->f->num, key);
        rc = shale_reducing_state_add(st, &(shale_state_key){key, 8, NULL, 0, -1}, one, 8, err);
    }
    double secs = sb_now() - t0;
    uint64_t total = 0;
    for (uint64_t k = 0; rc == SHALE_OK && k < r->f->num; k++) {
        char *val = NULL;
        size_t len = 0;
        sb_key(k, key);
        rc = shale_reducing_state_get(st, &(shale_state_key){key, 8, NULL, 0, -1}, &val, &len,
                                      err);
        total += rc == SHALE_OK && len == 8 ? get_le64(val) : 0;
        shale_free(val);
        rc = rc == SHALE_NOT_FOUND ? SHALE_OK : rc;
    }
    snprintf(extra, sizeof extra, "(sum of sums %" PRIu64 ")", total);
    if (rc == SHALE_OK)
        sb_report(r, "reducing_add", r->f->ops, secs, extra);
    if (rc == SHALE_OK && total != r->f->ops) {
        rc = SHALE_CORRUPTION;
        if (err != NULL) {
            err->code = rc;
            snprintf(err->msg, sizeof err->msg, "reducing sums add up to %" PRIu64
                     ", want %" PRIu64, total, r->f->ops);
        }
    }
    return rc;
}

int sb_run_kinds(sb_run *r, shale_err *err)
{
    size_t n = r->f->value_size > r->f->element_size ? r->f->value_size : r->f->element_size;
    char *buf = malloc(n);
    if (buf == NULL)
        return SHALE_NO_MEMORY;
    sb_fill(buf, n, 1);
    int rc = sb_open(r, err);
    if (rc == SHALE_OK)
        rc = bench_value(r, buf, err);
    if (rc == SHALE_OK)
        rc = bench_list(r, buf, err);
    if (rc == SHALE_OK)
        rc = bench_map(r, buf, err);
    if (rc == SHALE_OK)
        rc = bench_reducing(r, err);
    sb_close(r);
    free(buf);
    return rc;
}
