/* tests/lsm/db/db_model_test.c: the database against an in-memory model.
 * Random puts, deletes, range deletes, batches, snapshots, gets,
 * iteration both ways (also at snapshots and with bounds), flushes,
 * compactions and reopens, interleaved, over several seeds.  Small write
 * buffers and files make every operation also exercise flush, L0 and
 * compaction.  The model is an array of values per key id; a snapshot is a
 * copy of it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/db.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

#define NKEYS 1500
#define MAX_SNAPS 4

typedef struct model {
    char **v;                 /* NKEYS values (NULL: absent); strings are never freed early */
} model;

typedef struct snap {
    const shale_snapshot *s;
    model m;
} snap;

typedef struct run {
    uint64_t rng;
    shale_db *db;
    const char *dir;
    model cur;
    snap snaps[MAX_SNAPS];
    int n_snaps;
    char **pool;              /* every value string, freed at the end */
    size_t n_pool, cap_pool;
    long ops, checks;
} run;

static uint64_t rnd(run *r)
{
    r->rng ^= r->rng << 13;
    r->rng ^= r->rng >> 7;
    r->rng ^= r->rng << 17;
    return r->rng;
}

static void key_of(int id, char out[16]) { snprintf(out, 16, "k%05d", id); }

static char *new_value(run *r)
{
    char buf[160];
    int len = snprintf(buf, sizeof buf, "v%lld-", (long long)r->ops);
    int extra = (int)(rnd(r) % 100);
    for (int i = 0; i < extra; i++)
        buf[len++] = (char)('a' + (int)(rnd(r) % 26));
    buf[len] = '\0';
    if (r->n_pool == r->cap_pool) {
        r->cap_pool = r->cap_pool == 0 ? 1024 : 2 * r->cap_pool;
        r->pool = realloc(r->pool, r->cap_pool * sizeof *r->pool);
    }
    return r->pool[r->n_pool++] = strdup(buf);
}

static void model_copy(model *dst, const model *src)
{
    dst->v = malloc(NKEYS * sizeof *dst->v);
    memcpy(dst->v, src->v, NKEYS * sizeof *dst->v);
}

static void check_get(run *r, const shale_read_options *ro, const model *m, int id)
{
    char k[16];
    key_of(id, k);
    char *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    int rc = shale_get(r->db, ro, k, strlen(k), &v, &n, &err);
    if (m->v[id] == NULL) {
        cr_assert_eq(rc, SHALE_NOT_FOUND, "op %ld: %s should be absent (rc %d %s)", r->ops, k, rc,
                     err.msg);
    } else {
        cr_assert_eq(rc, SHALE_OK, "op %ld: %s missing: %s", r->ops, k, err.msg);
        cr_assert(n == strlen(m->v[id]) && memcmp(v, m->v[id], n) == 0,
                  "op %ld: %s = '%.*s', want '%s'", r->ops, k, (int)n, v, m->v[id]);
    }
    shale_free(v);
    r->checks++;
}

/* Iterates [lo, hi) both ways and compares with the model. */
static void check_scan(run *r, const shale_snapshot *s, const model *m)
{
    int lo = (int)(rnd(r) % NKEYS), hi = lo + (int)(rnd(r) % 300);
    shale_read_options *ro = shale_read_options_new();
    char klo[16], khi[16];
    key_of(lo, klo);
    key_of(hi, khi);
    shale_read_options_set_snapshot(ro, s);
    shale_read_options_set_iterate_lower_bound(ro, klo, strlen(klo));
    shale_read_options_set_iterate_upper_bound(ro, khi, strlen(khi));
    shale_iter *it = shale_iter_new(r->db, ro);
    int id = lo;
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it), id++) {
        while (id < hi && id < NKEYS && m->v[id] == NULL)
            id++;
        size_t kn, vn;
        const char *k = shale_iter_key(it, &kn), *v = shale_iter_value(it, &vn);
        char want[16];
        cr_assert_lt(id, hi < NKEYS ? hi : NKEYS, "op %ld: extra key %.*s", r->ops, (int)kn, k);
        key_of(id, want);
        cr_assert(kn == strlen(want) && memcmp(k, want, kn) == 0, "op %ld: key %.*s, want %s",
                  r->ops, (int)kn, k, want);
        cr_assert(vn == strlen(m->v[id]) && memcmp(v, m->v[id], vn) == 0, "op %ld: value of %s",
                  r->ops, want);
    }
    while (id < hi && id < NKEYS && m->v[id] == NULL)
        id++;
    cr_assert(id >= hi || id >= NKEYS, "op %ld: scan stopped early at k%05d", r->ops, id);
    id = (hi < NKEYS ? hi : NKEYS) - 1;
    for (shale_iter_seek_to_last(it); shale_iter_valid(it); shale_iter_prev(it), id--) {
        while (id >= lo && m->v[id] == NULL)
            id--;
        size_t kn;
        const char *k = shale_iter_key(it, &kn);
        char want[16];
        key_of(id, want);
        cr_assert(id >= lo && kn == strlen(want) && memcmp(k, want, kn) == 0,
                  "op %ld: reverse key %.*s, want %s", r->ops, (int)kn, k, want);
    }
    shale_err err = {0};
    cr_assert_eq(shale_iter_status(it, &err), SHALE_OK, "%s", err.msg);
    shale_iter_free(it);
    shale_read_options_free(ro);
    r->checks++;
}

static void do_write(run *r)
{
    shale_err err = {0};
    uint64_t x = rnd(r) % 100;
    if (x < 70) {   /* a batch of 1..4 puts and deletes */
        shale_write_batch *b = shale_write_batch_new();
        int n = 1 + (int)(rnd(r) % 4);
        for (int i = 0; i < n; i++) {
            int id = (int)(rnd(r) % NKEYS);
            char k[16];
            key_of(id, k);
            if (rnd(r) % 5 == 0) {
                cr_assert_eq(shale_write_batch_delete(b, k, strlen(k), &err), SHALE_OK);
                r->cur.v[id] = NULL;
            } else {
                char *v = new_value(r);
                cr_assert_eq(shale_write_batch_put(b, k, strlen(k), v, strlen(v), &err), SHALE_OK);
                r->cur.v[id] = v;
            }
        }
        cr_assert_eq(shale_write(r->db, NULL, b, &err), SHALE_OK, "%s", err.msg);
        shale_write_batch_free(b);
    } else if (x < 72) {   /* a range delete of up to 20 keys */
        int lo = (int)(rnd(r) % NKEYS), hi = lo + 1 + (int)(rnd(r) % 20);
        char klo[16], khi[16];
        key_of(lo, klo);
        key_of(hi, khi);
        shale_write_batch *b = shale_write_batch_new();
        cr_assert_eq(shale_write_batch_delete_range(b, klo, strlen(klo), khi, strlen(khi), &err),
                     SHALE_OK);
        cr_assert_eq(shale_write(r->db, NULL, b, &err), SHALE_OK, "%s", err.msg);
        shale_write_batch_free(b);
        for (int id = lo; id < hi && id < NKEYS; id++)
            r->cur.v[id] = NULL;
    } else {
        int id = (int)(rnd(r) % NKEYS);
        char k[16];
        key_of(id, k);
        char *v = new_value(r);
        cr_assert_eq(shale_put(r->db, NULL, k, strlen(k), v, strlen(v), &err), SHALE_OK);
        r->cur.v[id] = v;
    }
}

static void release_snaps(run *r)
{
    for (int i = 0; i < r->n_snaps; i++) {
        shale_snapshot_release(r->db, r->snaps[i].s);
        free(r->snaps[i].m.v);
    }
    r->n_snaps = 0;
}

static void do_other(run *r)
{
    shale_err err = {0};
    uint64_t x = rnd(r) % 1000;
    if (x < 300) {
        check_get(r, NULL, &r->cur, (int)(rnd(r) % NKEYS));
    } else if (x < 400 && r->n_snaps > 0) {
        snap *s = &r->snaps[rnd(r) % (uint64_t)r->n_snaps];
        shale_read_options *ro = shale_read_options_new();
        shale_read_options_set_snapshot(ro, s->s);
        check_get(r, ro, &s->m, (int)(rnd(r) % NKEYS));
        shale_read_options_free(ro);
    } else if (x < 410) {
        if (r->n_snaps > 0 && rnd(r) % 2 == 0)
            check_scan(r, r->snaps[0].s, &r->snaps[0].m);
        else
            check_scan(r, NULL, &r->cur);
    } else if (x < 415 && r->n_snaps < MAX_SNAPS) {
        snap *s = &r->snaps[r->n_snaps++];
        s->s = shale_snapshot_create(r->db);
        model_copy(&s->m, &r->cur);
    } else if (x < 420 && r->n_snaps > 0) {
        int i = (int)(rnd(r) % (uint64_t)r->n_snaps);
        shale_snapshot_release(r->db, r->snaps[i].s);
        free(r->snaps[i].m.v);
        r->snaps[i] = r->snaps[--r->n_snaps];
    } else if (x == 420) {
        cr_assert_eq(shale_flush(r->db, true, &err), SHALE_OK, "%s", err.msg);
    } else if (x == 421) {
        cr_assert_eq(shale_compact_range(r->db, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
    } else if (x == 422) {
        release_snaps(r);
        tdb_close(r->db);
        r->db = tdb_open(r->dir, NULL);
    } else {
        do_write(r);
    }
}

static void run_seed(uint64_t seed, long ops)
{
    char *dir = test_tmpdir("model");
    run r;
    memset(&r, 0, sizeof r);
    r.rng = seed * 0x9e3779b97f4a7c15u + 1;
    r.dir = dir;
    r.cur.v = calloc(NKEYS, sizeof *r.cur.v);
    r.db = tdb_open(dir, NULL);
    for (r.ops = 0; r.ops < ops; r.ops++)
        do_other(&r);
    release_snaps(&r);
    tdb_close(r.db);
    r.db = tdb_open(dir, NULL);
    for (int id = 0; id < NKEYS; id++)
        check_get(&r, NULL, &r.cur, id);
    tdb_close(r.db);
    for (size_t i = 0; i < r.n_pool; i++)
        free(r.pool[i]);
    free(r.pool);
    free(r.cur.v);
    test_rmtree(dir);
    free(dir);
}

TestSuite(db_model, .timeout = 600);

Test(db_model, seed_1) { run_seed(1, 200000); }
Test(db_model, seed_2) { run_seed(2, 200000); }
Test(db_model, seed_3) { run_seed(3, 200000); }
Test(db_model, seed_4) { run_seed(4, 200000); }
Test(db_model, seed_5) { run_seed(5, 200000); }
