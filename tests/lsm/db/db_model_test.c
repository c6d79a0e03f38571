/* tests/lsm/db/db_model_test.c: the database against an in-memory model.
 * Random writes (puts, deletes, single deletes, merges, range deletes, and
 * batches mixing them across column families), gets, multi-gets, snapshots,
 * iteration both ways with bounds, seeks and direction changes, flushes,
 * compactions of random ranges and reopens, interleaved, over several
 * seeds.  Small write buffers and files make every operation also exercise
 * flush, L0 and compaction.
 *
 * Three column families, each checked against its own model:
 *   default  plain strings: puts, deletes, range deletes, and single
 *            deletes within SingleDelete's contract (one put since the
 *            key's last single delete; never mixed with Delete or Merge):
 *            keys whose id is a multiple of 4 take one put, then one single
 *            delete, and no other point write (range deletes still cover
 *            them).  One cycle only: after put, single delete, put, single
 *            delete, shale can resurrect the first put (see the test
 *            single_delete_cycles_under_a_snapshot below; RocksDB 7.8.3
 *            does not), so the random run stays clear of that case.
 *   counts   the uint64add merge operator: 8-byte little-endian puts and
 *            merges, deletes, range deletes; the model sums.
 *   lists    Flink's list operator (StringAppendTESTOperator, ',') and a
 *            compaction filter, both predictable by the model:
 *              - a value or operand holding '#' is changed to the same bytes
 *                without them; reads are compared with '#' ignored, and the
 *                model never writes ',' or '#' where they could be confused
 *                (',' only as the operator's delimiter);
 *              - a value (never an operand) starting with '~' is removed.
 *                Only puts start with '~', operands never do, and a merge
 *                result starts with its base, so the values that can vanish
 *                are exactly a '~' put and the merges resolved on top of it.
 *                A vanished base leaves the operands written after it.  So a
 *                key whose latest put started with '~' may read as absent,
 *                as the full value, or as any suffix of it that starts at an
 *                operand written after that put; every other key reads
 *                exactly (modulo '#').  The model keeps those start offsets.
 *            Filter calls are counted so the test also proves it ran.
 * A snapshot is a copy of the three models.  Iterators are compared with
 * the model forward; backward, seek, seek_for_prev and next/prev turns are
 * compared with the forward pass of the same iterator (one view). */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/db.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

#define NKEYS 1500
#define MAX_SNAPS 4
#define NFAM 3
enum { F_DEF, F_CNT, F_LST };
static const char *const fam_names[NFAM] = {"default", "counts", "lists"};

/* One value of a key.  Immutable once made (snapshots share them). */
typedef struct mval {
    char *s;
    size_t n;
    bool optional;        /* lists: the latest put started with '~' */
    int nsplit;
    size_t *splits;       /* lists: offsets where a surviving suffix may start */
} mval;

typedef struct model {
    const mval **v[NFAM];  /* NKEYS values per family (NULL: absent) */
} model;

typedef struct snap {
    const shale_snapshot *s;
    model m;
} snap;

typedef struct run {
    uint64_t rng;
    shale_db *db;
    shale_cf *h[NFAM];
    shale_options *opts[NFAM];
    const char *dir;
    model cur;
    unsigned char sd_state[NKEYS];   /* default family: 0 fresh, 1 put, 2 single-deleted */
    snap snaps[MAX_SNAPS];
    int n_snaps;
    mval **pool;           /* every value, freed at the end */
    size_t n_pool, cap_pool;
    long ops, checks, merges, single_deletes;
} run;

static atomic_long filter_changed, filter_removed;

static uint64_t rnd(run *r)
{
    r->rng ^= r->rng << 13;
    r->rng ^= r->rng >> 7;
    r->rng ^= r->rng << 17;
    return r->rng;
}

static int rnd_id(run *r) { return (int)(rnd(r) % NKEYS); }

static void key_of(int id, char out[16]) { snprintf(out, 16, "k%05d", id); }

/* --- the lists family's filter ------------------------------------------ */

static int lists_filter(void *state, int level, const char *key, size_t key_len, int kind,
                        const char *value, size_t value_len, char **new_value,
                        size_t *new_value_len)
{
    (void)state, (void)level, (void)key, (void)key_len;
    if (kind == SHALE_FILTER_VALUE && value_len > 0 && value[0] == '~') {
        atomic_fetch_add(&filter_removed, 1);
        return SHALE_FILTER_REMOVE;
    }
    if (memchr(value, '#', value_len) == NULL)
        return SHALE_FILTER_KEEP;
    char *out = malloc(value_len);
    size_t n = 0;
    for (size_t i = 0; i < value_len; i++)
        if (value[i] != '#')
            out[n++] = value[i];
    *new_value = out;
    *new_value_len = n;
    atomic_fetch_add(&filter_changed, 1);
    return SHALE_FILTER_CHANGE_VALUE;
}

static const char *lists_filter_name(void *state)
{
    (void)state;
    return "ModelCanonicalFilter";
}

/* --- model values ---------------------------------------------------------- */

static mval *mval_new(run *r, const char *s, size_t n)
{
    mval *m = calloc(1, sizeof *m);
    m->s = malloc(n + 1);
    memcpy(m->s, s, n);
    m->s[n] = '\0';
    m->n = n;
    if (r->n_pool == r->cap_pool) {
        r->cap_pool = r->cap_pool == 0 ? 1024 : 2 * r->cap_pool;
        r->pool = realloc(r->pool, r->cap_pool * sizeof *r->pool);
    }
    return r->pool[r->n_pool++] = m;
}

/* A random string: prefix, then letters; with hashes, some '#' mixed in. */
static size_t random_text(run *r, char *buf, const char *prefix, bool hashes)
{
    int len = snprintf(buf, 48, "%s%ld-", prefix, r->ops);
    int extra = (int)(rnd(r) % 60);
    for (int i = 0; i < extra; i++)
        buf[len++] = hashes && rnd(r) % 6 == 0 ? '#' : (char)('a' + (int)(rnd(r) % 26));
    return (size_t)len;
}

/* The value a put writes to family f (8 bytes for counts). */
static const mval *put_value(run *r, int f)
{
    char buf[128];
    if (f == F_CNT) {
        uint64_t x = rnd(r) % 1000000;
        for (int i = 0; i < 8; i++)
            buf[i] = (char)(x >> (8 * i));
        return mval_new(r, buf, 8);
    }
    bool tilde = f == F_LST && rnd(r) % 3 == 0;
    size_t n = random_text(r, buf, tilde ? "~v" : "v", f == F_LST);
    mval *m = mval_new(r, buf, n);
    m->optional = tilde;
    return m;
}

static uint64_t le64(const char *p)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x |= (uint64_t)(unsigned char)p[i] << (8 * i);
    return x;
}

/* The model's merge of operand (op, n) onto old (NULL: none). */
static const mval *merge_value(run *r, int f, const mval *old, const char *op, size_t n)
{
    if (f == F_CNT) {
        uint64_t x = (old != NULL ? le64(old->s) : 0) + le64(op);
        char buf[8];
        for (int i = 0; i < 8; i++)
            buf[i] = (char)(x >> (8 * i));
        return mval_new(r, buf, 8);
    }
    if (old == NULL)
        return mval_new(r, op, n);
    char *joined = malloc(old->n + 1 + n);
    memcpy(joined, old->s, old->n);
    joined[old->n] = ',';
    memcpy(joined + old->n + 1, op, n);
    mval *m = mval_new(r, joined, old->n + 1 + n);
    free(joined);
    m->optional = old->optional;
    if (m->optional) {
        m->splits = malloc((size_t)(old->nsplit + 1) * sizeof *m->splits);
        if (old->nsplit > 0)
            memcpy(m->splits, old->splits, (size_t)old->nsplit * sizeof *m->splits);
        m->splits[old->nsplit] = old->n + 1;
        m->nsplit = old->nsplit + 1;
    }
    return m;
}

/* a and b equal with every '#' ignored. */
static bool eq_ignoring_hash(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < an && a[i] == '#')
            i++;
        while (j < bn && b[j] == '#')
            j++;
        if (i == an || j == bn)
            return i == an && j == bn;
        if (a[i++] != b[j++])
            return false;
    }
}

/* Whether the engine's (v, n) is a value family f may show for model m. */
static bool value_matches(int f, const mval *m, const char *v, size_t n)
{
    if (f != F_LST)
        return n == m->n && memcmp(v, m->s, n) == 0;
    if (eq_ignoring_hash(v, n, m->s, m->n))
        return true;
    for (int i = 0; i < m->nsplit; i++)
        if (eq_ignoring_hash(v, n, m->s + m->splits[i], m->n - m->splits[i]))
            return true;
    return false;
}

static bool may_be_absent(const mval *m) { return m == NULL || m->optional; }

static void model_copy(model *dst, const model *src)
{
    for (int f = 0; f < NFAM; f++) {
        dst->v[f] = malloc(NKEYS * sizeof *dst->v[f]);
        memcpy(dst->v[f], src->v[f], NKEYS * sizeof *dst->v[f]);
    }
}

static void model_free(model *m)
{
    for (int f = 0; f < NFAM; f++)
        free(m->v[f]);
}

/* --- reads ------------------------------------------------------------------ */

/* Compares one lookup's result (rc, v, n) with the model. */
static void check_result(run *r, int f, const model *m, int id, int rc, const char *v, size_t n,
                         const char *msg)
{
    const mval *want = m->v[f][id];
    if (rc == SHALE_NOT_FOUND) {
        cr_assert(may_be_absent(want), "op %ld: %s/k%05d missing, want '%.*s'", r->ops,
                  fam_names[f], id, (int)want->n, want->s);
        return;
    }
    cr_assert_eq(rc, SHALE_OK, "op %ld: %s/k%05d: rc %d %s", r->ops, fam_names[f], id, rc, msg);
    cr_assert_not_null(want, "op %ld: %s/k%05d should be absent, got '%.*s'", r->ops,
                       fam_names[f], id, (int)n, v);
    cr_assert(value_matches(f, want, v, n), "op %ld: %s/k%05d = '%.*s', want '%.*s'", r->ops,
              fam_names[f], id, (int)n, v, (int)want->n, want->s);
}

static void check_get(run *r, const shale_read_options *ro, const model *m, int f, int id)
{
    char k[16];
    key_of(id, k);
    char *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    int rc = shale_get_cf(r->db, ro, r->h[f], k, strlen(k), &v, &n, &err);
    check_result(r, f, m, id, rc, v, n, err.msg);
    shale_free(v);
    r->checks++;
}

/* Eight lookups over random families in one multi_get. */
static void check_multi_get(run *r)
{
    enum { N = 8 };
    shale_cf *cfs[N];
    char keys[N][16];
    const char *kp[N];
    size_t kl[N], vl[N];
    char *vals[N];
    int codes[N], fam[N], ids[N];
    for (int i = 0; i < N; i++) {
        fam[i] = (int)(rnd(r) % NFAM);
        ids[i] = rnd_id(r);
        cfs[i] = r->h[fam[i]];
        key_of(ids[i], keys[i]);
        kp[i] = keys[i];
        kl[i] = strlen(keys[i]);
    }
    shale_err err = {0};
    cr_assert_eq(shale_multi_get_cf(r->db, NULL, cfs, N, kp, kl, vals, vl, codes, &err), SHALE_OK,
                 "%s", err.msg);
    for (int i = 0; i < N; i++) {
        check_result(r, fam[i], &r->cur, ids[i], codes[i], vals[i], vl[i], "multi_get");
        shale_free(vals[i]);
    }
    r->checks++;
}

typedef struct entry {
    int id;
    char *v;
    size_t n;
} entry;

/* The iterator's entries from seek_to_first on; *n set. */
static entry *collect_forward(shale_iter *it, size_t *n)
{
    size_t cap = 64;
    entry *e = malloc(cap * sizeof *e);
    *n = 0;
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it)) {
        size_t kn, vn;
        const char *k = shale_iter_key(it, &kn), *v = shale_iter_value(it, &vn);
        cr_assert(kn == 6 && k[0] == 'k', "odd key %.*s", (int)kn, k);
        if (*n == cap)
            e = realloc(e, (cap *= 2) * sizeof *e);
        e[*n].id = atoi((char[8]){k[1], k[2], k[3], k[4], k[5], '\0'});
        e[*n].v = malloc(vn + 1);
        memcpy(e[*n].v, v, vn);
        e[*n].n = vn;
        (*n)++;
    }
    return e;
}

/* The forward pass against the model over ids [lo, hi). */
static void check_entries(run *r, int f, const model *m, int lo, int hi, const entry *e,
                          size_t n)
{
    int id = lo;
    for (size_t i = 0; i < n; i++) {
        cr_assert(e[i].id >= id && e[i].id < hi, "op %ld: %s: key k%05d out of order/bounds",
                  r->ops, fam_names[f], e[i].id);
        for (; id < e[i].id; id++)
            cr_assert(may_be_absent(m->v[f][id]), "op %ld: %s: scan skipped k%05d", r->ops,
                      fam_names[f], id);
        check_result(r, f, m, id, SHALE_OK, e[i].v, e[i].n, "scan");
        id++;
    }
    for (; id < hi; id++)
        cr_assert(may_be_absent(m->v[f][id]), "op %ld: %s: scan stopped before k%05d", r->ops,
                  fam_names[f], id);
}

/* The iterator is at entry i of e (or invalid when i is out of range). */
static void expect_at(run *r, shale_iter *it, const entry *e, size_t n, long i, const char *what)
{
    if (i < 0 || (size_t)i >= n) {
        cr_assert(!shale_iter_valid(it), "op %ld: %s: expected the end", r->ops, what);
        return;
    }
    cr_assert(shale_iter_valid(it), "op %ld: %s: ended early, want k%05d", r->ops, what,
              e[i].id);
    char want[16];
    key_of(e[i].id, want);
    size_t kn, vn;
    const char *k = shale_iter_key(it, &kn), *v = shale_iter_value(it, &vn);
    cr_assert(kn == strlen(want) && memcmp(k, want, kn) == 0, "op %ld: %s: at %.*s, want %s",
              r->ops, what, (int)kn, k, want);
    cr_assert(vn == e[i].n && memcmp(v, e[i].v, vn) == 0, "op %ld: %s: value of %s", r->ops,
              what, want);
}

/* Backward, seeks and turns, against the forward pass of the same view. */
static void check_moves(run *r, shale_iter *it, const entry *e, size_t n, int lo, int hi)
{
    long i = (long)n - 1;
    for (shale_iter_seek_to_last(it); i >= 0; shale_iter_prev(it), i--)
        expect_at(r, it, e, n, i, "reverse");
    expect_at(r, it, e, n, -1, "reverse end");
    for (int t = 0; t < 4; t++) {
        int id = lo + (int)(rnd(r) % (uint64_t)(hi - lo + 1));
        char k[16];
        key_of(id, k);
        long ge = 0;   /* first entry >= id */
        while ((size_t)ge < n && e[ge].id < id)
            ge++;
        shale_iter_seek(it, k, strlen(k));
        expect_at(r, it, e, n, ge, "seek");
        if ((size_t)ge < n) {
            shale_iter_prev(it);
            expect_at(r, it, e, n, ge - 1, "seek+prev");
            if (ge > 0) {
                shale_iter_next(it);
                expect_at(r, it, e, n, ge, "seek+prev+next");
            }
        }
        long le = (size_t)ge < n && e[ge].id == id ? ge : ge - 1;
        shale_iter_seek_for_prev(it, k, strlen(k));
        expect_at(r, it, e, n, le, "seek_for_prev");
        if (le >= 0) {
            shale_iter_next(it);
            expect_at(r, it, e, n, le + 1, "seek_for_prev+next");
        }
    }
}

/* Iterates family f over [lo, hi) at snapshot s (NULL: latest). */
static void check_scan(run *r, const shale_snapshot *s, const model *m, int f)
{
    int lo = rnd_id(r), hi = lo + (int)(rnd(r) % 300);
    if (hi > NKEYS)
        hi = NKEYS;
    shale_read_options *ro = shale_read_options_new();
    char klo[16], khi[16];
    key_of(lo, klo);
    key_of(hi, khi);
    shale_read_options_set_snapshot(ro, s);
    shale_read_options_set_iterate_lower_bound(ro, klo, strlen(klo));
    shale_read_options_set_iterate_upper_bound(ro, khi, strlen(khi));
    shale_iter *it = shale_iter_new_cf(r->db, ro, r->h[f]);
    size_t n = 0;
    entry *e = collect_forward(it, &n);
    check_entries(r, f, m, lo, hi, e, n);
    check_moves(r, it, e, n, lo, hi);
    shale_err err = {0};
    cr_assert_eq(shale_iter_status(it, &err), SHALE_OK, "%s", err.msg);
    shale_iter_free(it);
    shale_read_options_free(ro);
    for (size_t i = 0; i < n; i++)
        free(e[i].v);
    free(e);
    r->checks++;
}

/* --- writes ---------------------------------------------------------------- */

/* Adds one random write to family f to batch b and applies it to the model. */
static void batch_one(run *r, shale_write_batch *b, int f)
{
    shale_err err = {0};
    int id = rnd_id(r);
    char k[16];
    key_of(id, k);
    const mval **slot = &r->cur.v[f][id];
    uint64_t x = rnd(r) % 100;
    int rc;
    if (f == F_DEF && id % 4 == 0 && r->sd_state[id] < 2) {   /* SingleDelete keys */
        if (r->sd_state[id] == 0) {
            *slot = put_value(r, f);
            rc = shale_write_batch_put_cf(b, r->h[f], k, 6, (*slot)->s, (*slot)->n, &err);
        } else {
            rc = shale_write_batch_single_delete_cf(b, r->h[f], k, 6, &err);
            r->single_deletes++;
            *slot = NULL;
        }
        r->sd_state[id]++;
    } else if (f == F_DEF && id % 4 == 0) {   /* retired: a put next door instead */
        key_of(++id, k);
        *(slot = &r->cur.v[f][id]) = put_value(r, f);
        rc = shale_write_batch_put_cf(b, r->h[f], k, 6, (*slot)->s, (*slot)->n, &err);
    } else if (x < 15 || (f == F_DEF && x < 80) || (f == F_LST && x < 35)) {
        *slot = put_value(r, f);
        rc = shale_write_batch_put_cf(b, r->h[f], k, 6, (*slot)->s, (*slot)->n, &err);
    } else if (f == F_DEF || x >= 90) {
        rc = shale_write_batch_delete_cf(b, r->h[f], k, 6, &err);
        *slot = NULL;
    } else {
        char op[128];
        size_t n = 8;
        if (f == F_CNT) {
            uint64_t d = rnd(r) % 1000;
            for (int i = 0; i < 8; i++)
                op[i] = (char)(d >> (8 * i));
        } else {
            n = random_text(r, op, "o", true);
        }
        rc = shale_write_batch_merge_cf(b, r->h[f], k, 6, op, n, &err);
        *slot = merge_value(r, f, *slot, op, n);
        r->merges++;
    }
    cr_assert_eq(rc, SHALE_OK, "%s", err.msg);
}

static void write_batch(run *r, shale_write_batch *b)
{
    shale_err err = {0};
    cr_assert_eq(shale_write(r->db, NULL, b, &err), SHALE_OK, "op %ld: %s", r->ops, err.msg);
    shale_write_batch_free(b);
}

/* Deletes [lo, lo + 1..20) in a random family. */
static void do_range_delete(run *r)
{
    int f = (int)(rnd(r) % NFAM);
    int lo = rnd_id(r), hi = lo + 1 + (int)(rnd(r) % 20);
    char klo[16], khi[16];
    key_of(lo, klo);
    key_of(hi, khi);
    shale_err err = {0};
    if (rnd(r) % 2 == 0) {
        cr_assert_eq(shale_delete_range_cf(r->db, NULL, r->h[f], klo, 6, khi, 6, &err),
                     SHALE_OK, "%s", err.msg);
    } else {   /* inside a batch, with a write to another family */
        shale_write_batch *b = shale_write_batch_new();
        cr_assert_eq(shale_write_batch_delete_range_cf(b, r->h[f], klo, 6, khi, 6, &err),
                     SHALE_OK);
        batch_one(r, b, (f + 1) % NFAM);
        write_batch(r, b);
    }
    for (int id = lo; id < hi && id < NKEYS; id++)   /* sd_state stays */
        r->cur.v[f][id] = NULL;
}

static void do_write(run *r)
{
    uint64_t x = rnd(r) % 100;
    if (x < 3) {
        do_range_delete(r);
        return;
    }
    shale_write_batch *b = shale_write_batch_new();
    int n = x < 60 ? 1 + (int)(rnd(r) % 4) : 1;
    for (int i = 0; i < n; i++)
        batch_one(r, b, (int)(rnd(r) % NFAM));
    write_batch(r, b);
}

/* --- lifecycle --------------------------------------------------------------- */

static void open_db(run *r)
{
    shale_err err = {0};
    int rc = shale_db_open_cf(r->opts[F_DEF], r->dir, NFAM, fam_names,
                              (const shale_options *const *)r->opts, r->h, &r->db, &err);
    cr_assert_eq(rc, SHALE_OK, "open: %s: %s", shale_code_name(rc), err.msg);
}

static void close_db(run *r)
{
    for (int f = 1; f < NFAM; f++)
        shale_cf_handle_free(r->h[f]);
    tdb_close(r->db);
}

static void release_snaps(run *r)
{
    for (int i = 0; i < r->n_snaps; i++) {
        shale_snapshot_release(r->db, r->snaps[i].s);
        model_free(&r->snaps[i].m);
    }
    r->n_snaps = 0;
}

/* Flushes or compacts (a random range of) a random family, or reopens. */
static void do_maintenance(run *r, uint64_t x)
{
    shale_err err = {0};
    shale_cf *cf = r->h[rnd(r) % NFAM];
    if (x == 0) {
        cr_assert_eq(shale_flush_cf(r->db, cf, true, &err), SHALE_OK, "%s", err.msg);
    } else if (x == 1) {
        cr_assert_eq(shale_compact_range_cf(r->db, cf, NULL, 0, NULL, 0, &err), SHALE_OK, "%s",
                     err.msg);
    } else if (x == 2) {
        char klo[16], khi[16];
        int lo = rnd_id(r);
        key_of(lo, klo);
        key_of(lo + 1 + (int)(rnd(r) % 400), khi);
        cr_assert_eq(shale_compact_range_cf(r->db, cf, klo, 6, khi, 6, &err), SHALE_OK, "%s",
                     err.msg);
    } else {
        release_snaps(r);
        close_db(r);
        open_db(r);
    }
}

static void do_other(run *r)
{
    uint64_t x = rnd(r) % 1000;
    int f = (int)(rnd(r) % NFAM);
    if (x < 280) {
        check_get(r, NULL, &r->cur, f, rnd_id(r));
    } else if (x < 300) {
        check_multi_get(r);
    } else if (x < 380) {
        if (r->n_snaps == 0)
            return;
        snap *s = &r->snaps[rnd(r) % (uint64_t)r->n_snaps];
        shale_read_options *ro = shale_read_options_new();
        shale_read_options_set_snapshot(ro, s->s);
        check_get(r, ro, &s->m, f, rnd_id(r));
        shale_read_options_free(ro);
    } else if (x < 388) {
        if (r->n_snaps > 0 && rnd(r) % 2 == 0)
            check_scan(r, r->snaps[0].s, &r->snaps[0].m, f);
        else
            check_scan(r, NULL, &r->cur, f);
    } else if (x < 393) {
        if (r->n_snaps == MAX_SNAPS)
            return;
        snap *s = &r->snaps[r->n_snaps++];
        s->s = shale_snapshot_create(r->db);
        model_copy(&s->m, &r->cur);
    } else if (x < 398) {
        if (r->n_snaps == 0)
            return;
        int i = (int)(rnd(r) % (uint64_t)r->n_snaps);
        shale_snapshot_release(r->db, r->snaps[i].s);
        model_free(&r->snaps[i].m);
        r->snaps[i] = r->snaps[--r->n_snaps];
    } else if (x < 402) {
        do_maintenance(r, x - 398);
    } else {
        do_write(r);
    }
}

static void make_options(run *r, shale_compaction_filter *filter)
{
    for (int f = 0; f < NFAM; f++) {
        r->opts[f] = tdb_options();
        shale_options_set_create_missing_column_families(r->opts[f], true);
    }
    shale_options_set_merge_operator(r->opts[F_CNT], shale_merge_operator_create_uint64add());
    shale_options_set_merge_operator(r->opts[F_LST],
                                     shale_merge_operator_create_stringappend_test());
    shale_options_set_compaction_filter(r->opts[F_LST], filter);
}

static void free_run(run *r)
{
    for (size_t i = 0; i < r->n_pool; i++) {
        free(r->pool[i]->s);
        free(r->pool[i]->splits);
        free(r->pool[i]);
    }
    free(r->pool);
    model_free(&r->cur);
    for (int f = 0; f < NFAM; f++)
        shale_options_free(r->opts[f]);
}

static void run_seed(uint64_t seed, long ops)
{
    char *dir = test_tmpdir("model");
    shale_compaction_filter *filter =
        shale_compaction_filter_create(NULL, NULL, lists_filter, lists_filter_name);
    run r;
    memset(&r, 0, sizeof r);
    r.rng = seed * 0x9e3779b97f4a7c15u + 1;
    r.dir = dir;
    for (int f = 0; f < NFAM; f++)
        r.cur.v[f] = calloc(NKEYS, sizeof *r.cur.v[f]);
    make_options(&r, filter);
    open_db(&r);
    long changed0 = atomic_load(&filter_changed), removed0 = atomic_load(&filter_removed);
    for (r.ops = 0; r.ops < ops; r.ops++)
        do_other(&r);
    release_snaps(&r);
    for (int f = 0; f < NFAM; f++) {   /* everything through the filter once more */
        shale_err err = {0};
        cr_assert_eq(shale_compact_range_cf(r.db, r.h[f], NULL, 0, NULL, 0, &err), SHALE_OK,
                     "%s", err.msg);
    }
    close_db(&r);
    open_db(&r);
    for (int f = 0; f < NFAM; f++)
        for (int id = 0; id < NKEYS; id++)
            check_get(&r, NULL, &r.cur, f, id);
    close_db(&r);
    cr_assert_gt(r.merges, 1000, "the run merged");
    cr_assert_gt(r.single_deletes, 100, "the run single-deleted");
    cr_assert_gt(atomic_load(&filter_changed) - changed0, 0, "the filter changed values");
    cr_assert_gt(atomic_load(&filter_removed) - removed0, 0, "the filter removed values");
    free_run(&r);
    shale_compaction_filter_destroy(filter);
    test_rmtree(dir);
    free(dir);
}

TestSuite(db_model, .timeout = 600);

/* Put@a (compacted to the bottom), snapshot, SingleDelete, Put@b, compacted
 * while the snapshot lives, snapshot released, SingleDelete, compacted: the
 * contract holds (one put before each single delete) and RocksDB 7.8.3
 * (librocksdb, same calls) reads the key as absent.  The first single
 * delete must survive the middle compaction: it is the only entry that
 * hides Put@a once the second pair annihilates.  RocksDB looks ahead from
 * every SingleDelete, even one under a newer entry of its stripe (Put@b),
 * and keeps it when what follows is not its put; the snapshot here only
 * keeps Put@a out of that stripe, as a file below the compaction does in
 * the random runs. */
Test(db_model, single_delete_cycles_under_a_snapshot)
{
    char *dir = test_tmpdir("model-sd");
    shale_options *o = tdb_options();
    shale_options_set_disable_auto_compactions(o, true);
    shale_db *db = tdb_open(dir, o);
    shale_err err = {0};
    tdb_put(db, "a", "x");
    tdb_put(db, "z", "x");
    tdb_put(db, "k", "first");
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK);
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK);
    const shale_snapshot *s = shale_snapshot_create(db);
    cr_assert_eq(shale_single_delete(db, NULL, "k", 1, &err), SHALE_OK);
    tdb_put(db, "k", "second");
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK);
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK);
    shale_snapshot_release(db, s);
    cr_assert_eq(shale_single_delete(db, NULL, "k", 1, &err), SHALE_OK);
    tdb_expect(db, "k", NULL);
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK);
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK);
    tdb_expect(db, "k", NULL);
    tdb_close(db);
    shale_options_free(o);
    test_rmtree(dir);
    free(dir);
}

Test(db_model, seed_1) { run_seed(1, 120000); }
Test(db_model, seed_2) { run_seed(2, 120000); }
Test(db_model, seed_3) { run_seed(3, 120000); }
Test(db_model, seed_4) { run_seed(4, 120000); }
Test(db_model, seed_5) { run_seed(5, 120000); }
