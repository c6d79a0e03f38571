/* tests/lsm/db/db_merge_test.c: merge operators in the database.
 *   - uint64add counters against a model, through random puts, merges,
 *     deletes, range deletes, flushes, compactions, snapshots and reopens
 *     (WAL replay of merge records), read by get, multi_get and iterators
 *     in both directions;
 *   - the built-ins' bytes (stringappend, Flink's StringAppendTESTOperator,
 *     uint64add with a malformed operand), a user callback operator, merge
 *     failures and the missing-operator errors;
 *   - partial merge in flush (one operand left) versus none (operands kept),
 *     full merge at the bottommost level, max_successive_merges;
 *   - the operator's name in SST properties and OPTIONS;
 *   - interop with Debian's RocksDB 7.8.3 both ways: operands written by one
 *     engine (some in SSTs, some only in the WAL) are summed by the other. */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/db.h"
#include "shale/merge.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

static char *tmp;

static void setup(void) { tmp = test_tmpdir("merge"); }

static void teardown(void)
{
    test_rmtree(tmp);
    free(tmp);
}

TestSuite(db_merge, .init = setup, .fini = teardown, .timeout = 120);

/* --- helpers ------------------------------------------------------------- */

static void enc_u64(char out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (char)(v >> (8 * i));
}

static uint64_t dec_u64(const char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | (unsigned char)p[i];
    return v;
}

static shale_options *merge_options(shale_merge_operator *op)
{
    shale_options *o = tdb_options();
    shale_options_set_merge_operator(o, op);
    return o;
}

static shale_db *open_with(const char *dir, shale_merge_operator *op)
{
    shale_options *o = merge_options(op);
    shale_db *db = tdb_open(dir, o);
    shale_options_free(o);   /* the database keeps the operator alive */
    return db;
}

static void merge_raw(shale_db *db, const char *k, const char *v, size_t vn)
{
    shale_err err = {0};
    cr_assert_eq(shale_merge(db, NULL, k, strlen(k), v, vn, &err), SHALE_OK, "merge %s: %s", k,
                 err.msg);
}

static void add(shale_db *db, const char *k, uint64_t x)
{
    char b[8];
    enc_u64(b, x);
    merge_raw(db, k, b, 8);
}

static void put_u64(shale_db *db, const char *k, uint64_t x)
{
    char b[8];
    enc_u64(b, x);
    shale_err err = {0};
    cr_assert_eq(shale_put(db, NULL, k, strlen(k), b, 8, &err), SHALE_OK, "%s", err.msg);
}

/* get(k) at ro: true and *v, or false when absent; asserts the read works. */
static bool get_u64(shale_db *db, const shale_read_options *ro, const char *k, uint64_t *v)
{
    char *val = NULL;
    size_t n = 0;
    shale_err err = {0};
    int rc = shale_get(db, ro, k, strlen(k), &val, &n, &err);
    cr_assert(rc == SHALE_OK || rc == SHALE_NOT_FOUND, "get %s: %s", k, err.msg);
    if (rc == SHALE_NOT_FOUND)
        return false;
    cr_assert_eq(n, 8, "get %s: %zu bytes", k, n);
    *v = dec_u64(val);
    shale_free(val);
    return true;
}

static void expect_u64(shale_db *db, const char *k, uint64_t want)
{
    uint64_t v = 0;
    cr_assert(get_u64(db, NULL, k, &v), "%s missing", k);
    cr_assert_eq(v, want, "%s: %llu, want %llu", k, (unsigned long long)v,
                 (unsigned long long)want);
}

static void flush(shale_db *db)
{
    shale_err err = {0};
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK, "%s", err.msg);
}

static void compact(shale_db *db)
{
    shale_err err = {0};
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
}

static void delete_range(shale_db *db, const char *b, const char *e)
{
    shale_write_batch *wb = shale_write_batch_new();
    shale_err err = {0};
    cr_assert_eq(shale_write_batch_delete_range(wb, b, strlen(b), e, strlen(e), &err), SHALE_OK);
    cr_assert_eq(shale_write(db, NULL, wb, &err), SHALE_OK, "%s", err.msg);
    shale_write_batch_free(wb);
}

static char *get_str(shale_db *db, const char *k)
{
    char *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    int rc = shale_get(db, NULL, k, strlen(k), &v, &n, &err);
    cr_assert(rc == SHALE_OK || rc == SHALE_NOT_FOUND, "get %s: %s", k, err.msg);
    if (rc == SHALE_NOT_FOUND)
        return NULL;
    char *s = malloc(n + 1);
    memcpy(s, v, n);
    s[n] = '\0';
    shale_free(v);
    return s;
}

static void expect_str(shale_db *db, const char *k, const char *want)
{
    char *v = get_str(db, k);
    cr_assert(v != NULL, "%s missing", k);
    cr_assert_str_eq(v, want, "%s", k);
    free(v);
}

/* Total entries in the live SSTs, as RocksDB's sst_dump reads their
 * properties ("# entries: N" per file). */
static uint64_t sst_entries(shale_db *db)
{
    shale_live_file *f = NULL;
    size_t n = 0;
    shale_err err = {0};
    cr_assert_eq(shale_live_files(db, &f, &n, &err), SHALE_OK);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "sst_dump --file='%s%s' --show_properties 2>&1", tmp,
                 f[i].name);
        int st = 0;
        char *out = test_run(cmd, &st);
        cr_assert(out != NULL && st == 0, "%s", cmd);
        const char *p = strstr(out, "# entries: ");
        cr_assert(p != NULL, "%s", out);
        total += strtoull(p + strlen("# entries: "), NULL, 10);
        free(out);
    }
    shale_live_files_free(f, n);
    return total;
}

/* --- the model test ---------------------------------------------------------- */

#define NKEYS 12

typedef struct model {
    bool has[NKEYS];
    uint64_t v[NKEYS];
} model;

static uint64_t rnd(uint64_t *s)   /* splitmix64 */
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void key_name(int i, char out[8]) { snprintf(out, 8, "k%02d", i); }

/* Checks get, multi_get and both iteration directions against m. */
static void check_view(shale_db *db, const shale_snapshot *snap, const model *m)
{
    shale_read_options *ro = shale_read_options_new();
    shale_read_options_set_snapshot(ro, snap);
    char names[NKEYS][8];
    const char *keys[NKEYS];
    size_t klens[NKEYS];
    for (int i = 0; i < NKEYS; i++) {
        key_name(i, names[i]);
        keys[i] = names[i];
        klens[i] = strlen(names[i]);
        uint64_t v = 0;
        bool has = get_u64(db, ro, names[i], &v);
        cr_assert_eq(has, m->has[i], "get %s: present %d, model %d", names[i], has, m->has[i]);
        cr_assert(!has || v == m->v[i], "get %s: %llu, model %llu", names[i],
                  (unsigned long long)v, (unsigned long long)m->v[i]);
    }
    char *vals[NKEYS];
    size_t vlens[NKEYS];
    int codes[NKEYS];
    cr_assert_eq(shale_multi_get(db, ro, NKEYS, keys, klens, vals, vlens, codes, NULL), SHALE_OK);
    for (int i = 0; i < NKEYS; i++) {
        cr_assert_eq(codes[i], m->has[i] ? SHALE_OK : SHALE_NOT_FOUND, "multi_get %s", names[i]);
        if (m->has[i])
            cr_assert(vlens[i] == 8 && dec_u64(vals[i]) == m->v[i], "multi_get %s", names[i]);
        shale_free(vals[i]);
    }
    shale_iter *it = shale_iter_new(db, ro);
    int i = 0;
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it), i++) {
        while (i < NKEYS && !m->has[i])
            i++;
        cr_assert_lt(i, NKEYS, "iterator yields a key the model lacks");
        size_t kn, vn;
        const char *k = shale_iter_key(it, &kn), *v = shale_iter_value(it, &vn);
        cr_assert(kn == strlen(names[i]) && memcmp(k, names[i], kn) == 0, "forward key %s",
                  names[i]);
        cr_assert(vn == 8 && dec_u64(v) == m->v[i], "forward value of %s", names[i]);
    }
    while (i < NKEYS && !m->has[i])
        i++;
    cr_assert_eq(i, NKEYS, "forward iteration stopped early");
    cr_assert_eq(shale_iter_status(it, NULL), SHALE_OK);
    i = NKEYS - 1;
    for (shale_iter_seek_to_last(it); shale_iter_valid(it); shale_iter_prev(it), i--) {
        while (i >= 0 && !m->has[i])
            i--;
        cr_assert_geq(i, 0, "backward iterator yields a key the model lacks");
        size_t kn, vn;
        const char *k = shale_iter_key(it, &kn), *v = shale_iter_value(it, &vn);
        cr_assert(kn == strlen(names[i]) && memcmp(k, names[i], kn) == 0, "backward key %s",
                  names[i]);
        cr_assert(vn == 8 && dec_u64(v) == m->v[i], "backward value of %s", names[i]);
    }
    while (i >= 0 && !m->has[i])
        i--;
    cr_assert_eq(i, -1, "backward iteration stopped early");
    cr_assert_eq(shale_iter_status(it, NULL), SHALE_OK);
    shale_iter_free(it);
    shale_read_options_free(ro);
}

/* One random write applied to the database and the model. */
static void random_write(shale_db *db, model *m, uint64_t *s)
{
    int i = (int)(rnd(s) % NKEYS), op = (int)(rnd(s) % 100);
    char k[8];
    key_name(i, k);
    uint64_t x = rnd(s) % 1000;
    if (op < 65) {
        add(db, k, x);
        m->v[i] = (m->has[i] ? m->v[i] : 0) + x;
        m->has[i] = true;
    } else if (op < 78) {
        put_u64(db, k, x);
        m->v[i] = x;
        m->has[i] = true;
    } else if (op < 90) {
        tdb_del(db, k);
        m->has[i] = false;
    } else {
        int j = i + 1 + (int)(rnd(s) % 3);
        char e[8];
        key_name(j, e);
        delete_range(db, k, e);
        for (int x2 = i; x2 < j && x2 < NKEYS; x2++)
            m->has[x2] = false;
    }
}

Test(db_merge, uint64add_counters_match_a_model_through_flush_compaction_snapshots_and_reopen)
{
    shale_db *db = open_with(tmp, shale_merge_operator_create_uint64add());
    model m = {0};
    uint64_t s = 42;
    enum { NSNAP = 4 };
    const shale_snapshot *snaps[NSNAP] = {0};
    model snap_models[NSNAP];
    for (int round = 0; round < 24; round++) {
        for (int w = 0; w < 25; w++)
            random_write(db, &m, &s);
        int action = (int)(rnd(&s) % 6);
        if (action == 0 || action == 1) {
            flush(db);
        } else if (action == 2) {
            compact(db);
        } else if (action == 3) {
            int slot = (int)(rnd(&s) % NSNAP);
            shale_snapshot_release(db, snaps[slot]);
            snaps[slot] = shale_snapshot_create(db);
            snap_models[slot] = m;
        } else if (action == 4 && round % 3 == 0) {
            for (int k = 0; k < NSNAP; k++) {
                shale_snapshot_release(db, snaps[k]);
                snaps[k] = NULL;
            }
            tdb_close(db);   /* what is not flushed is replayed from the WAL */
            db = open_with(tmp, shale_merge_operator_create_uint64add());
        }
        check_view(db, NULL, &m);
        for (int k = 0; k < NSNAP; k++)
            if (snaps[k] != NULL)
                check_view(db, snaps[k], &snap_models[k]);
    }
    for (int k = 0; k < NSNAP; k++)
        shale_snapshot_release(db, snaps[k]);
    compact(db);
    check_view(db, NULL, &m);
    tdb_close(db);
}

/* --- targeted semantics ----------------------------------------------------- */

Test(db_merge, operands_resolve_across_memtable_l0_and_the_bottom_level_and_after_reopen)
{
    shale_db *db = open_with(tmp, shale_merge_operator_create_uint64add());
    put_u64(db, "c", 100);
    add(db, "c", 1);
    compact(db);              /* Put(101) at the bottom */
    add(db, "c", 2);
    flush(db);                /* an operand in L0 */
    add(db, "c", 4);          /* one in the memtable */
    expect_u64(db, "c", 107);
    tdb_close(db);            /* the last operand lives only in the WAL */
    db = open_with(tmp, shale_merge_operator_create_uint64add());
    expect_u64(db, "c", 107);
    compact(db);
    expect_u64(db, "c", 107);
    cr_assert_eq(sst_entries(db), 1, "one Put left after a full compaction");
    tdb_close(db);
}

Test(db_merge, deletes_and_range_deletes_between_operands_drop_what_is_older)
{
    shale_db *db = open_with(tmp, shale_merge_operator_create_uint64add());
    for (int layout = 0; layout < 3; layout++) {
        char a[8], b[8];
        snprintf(a, sizeof a, "a%d", layout);
        snprintf(b, sizeof b, "b%d", layout);
        add(db, a, 1);
        add(db, a, 2);
        if (layout >= 1)
            flush(db);
        tdb_del(db, a);
        add(db, a, 4);
        add(db, b, 8);
        if (layout == 2)
            flush(db);
        char end[16];
        snprintf(end, sizeof end, "%sz", b);   /* covers bN only */
        delete_range(db, b, end);
        add(db, b, 16);
        expect_u64(db, a, 4);
        expect_u64(db, b, 16);
    }
    compact(db);
    for (int layout = 0; layout < 3; layout++) {
        char a[8], b[8];
        snprintf(a, sizeof a, "a%d", layout);
        snprintf(b, sizeof b, "b%d", layout);
        expect_u64(db, a, 4);
        expect_u64(db, b, 16);
    }
    tdb_close(db);
}

Test(db_merge, a_snapshot_keeps_its_sum_through_compaction)
{
    shale_db *db = open_with(tmp, shale_merge_operator_create_uint64add());
    add(db, "k", 1);
    add(db, "k", 2);
    const shale_snapshot *snap = shale_snapshot_create(db);
    add(db, "k", 4);
    flush(db);
    compact(db);
    shale_read_options *ro = shale_read_options_new();
    shale_read_options_set_snapshot(ro, snap);
    uint64_t v = 0;
    cr_assert(get_u64(db, ro, "k", &v));
    cr_assert_eq(v, 3);
    expect_u64(db, "k", 7);
    shale_read_options_free(ro);
    shale_snapshot_release(db, snap);
    tdb_close(db);
}

Test(db_merge, uint64add_counts_a_malformed_operand_as_zero)
{
    shale_db *db = open_with(tmp, shale_merge_operator_create_uint64add());
    add(db, "k", 5);
    merge_raw(db, "k", "abc", 3);
    add(db, "k", 7);
    expect_u64(db, "k", 12);
    flush(db);
    compact(db);
    expect_u64(db, "k", 12);
    tdb_close(db);
}

Test(db_merge, stringappend_joins_lists_with_its_delimiter)
{
    shale_db *db = open_with(tmp, shale_merge_operator_create_stringappend(';'));
    merge_raw(db, "l", "a", 1);
    merge_raw(db, "l", "b", 1);
    flush(db);
    merge_raw(db, "l", "c", 1);
    expect_str(db, "l", "a;b;c");
    tdb_put(db, "p", "base");
    merge_raw(db, "p", "x", 1);
    expect_str(db, "p", "base;x");
    compact(db);
    expect_str(db, "l", "a;b;c");
    expect_str(db, "p", "base;x");
    merge_raw(db, "e", "", 0);
    merge_raw(db, "e", "", 0);
    expect_str(db, "e", ";");
    tdb_close(db);
}

Test(db_merge, flinks_list_operator_keeps_operands_apart_until_their_base)
{
    shale_db *db = open_with(tmp, shale_merge_operator_create_stringappend_test());
    merge_raw(db, "l", "1", 1);
    merge_raw(db, "l", "2", 1);
    merge_raw(db, "l", "3", 1);
    flush(db);   /* a flush is not bottommost and there is no partial merge */
    cr_assert_eq(sst_entries(db), 3);
    expect_str(db, "l", "1,2,3");
    merge_raw(db, "l", "4", 1);
    flush(db);
    compact(db); /* two L0 files into the bottom level: one Put */
    cr_assert_eq(sst_entries(db), 1);
    expect_str(db, "l", "1,2,3,4");
    tdb_close(db);
}

/* A uint64 sum through user callbacks, counting calls. */
typedef struct counting {
    atomic_int full, partial, destroyed;
    bool fail;
} counting;

static char *sum(const char *existing, size_t elen, const char *const *ops, const size_t *lens,
                 int n, unsigned char *ok, size_t *len)
{
    uint64_t v = existing != NULL && elen == 8 ? dec_u64(existing) : 0;
    for (int i = 0; i < n; i++)
        v += lens[i] == 8 ? dec_u64(ops[i]) : 0;
    char *out = malloc(8);
    enc_u64(out, v);
    *ok = 1;
    *len = 8;
    return out;
}

static char *c_full(void *st, const char *k, size_t kl, const char *e, size_t el,
                    const char *const *ops, const size_t *lens, int n, unsigned char *ok,
                    size_t *len)
{
    (void)k, (void)kl;
    counting *c = st;
    atomic_fetch_add(&c->full, 1);
    char *r = sum(e, el, ops, lens, n, ok, len);
    if (c->fail)
        *ok = 0;
    return r;
}

static char *c_partial(void *st, const char *k, size_t kl, const char *const *ops,
                       const size_t *lens, int n, unsigned char *ok, size_t *len)
{
    (void)k, (void)kl;
    atomic_fetch_add(&((counting *)st)->partial, 1);
    return sum(NULL, 0, ops, lens, n, ok, len);
}

static const char *c_name(void *st)
{
    (void)st;
    return "CountingSum";
}

static void c_destroy(void *st) { atomic_fetch_add(&((counting *)st)->destroyed, 1); }

Test(db_merge, partial_merge_shrinks_operands_in_flush_and_full_merge_ends_them_at_the_bottom)
{
    counting c = {0};
    shale_db *db = open_with(tmp, shale_merge_operator_create(&c, c_destroy, c_full, c_partial,
                                                              NULL, c_name));
    for (int i = 1; i <= 5; i++)
        add(db, "k", (uint64_t)i);
    cr_assert_eq(atomic_load(&c.full), 0, "writes do not merge");
    flush(db);
    cr_assert_eq(atomic_load(&c.partial), 1, "the flush combined the run once");
    cr_assert_eq(atomic_load(&c.full), 0, "a flush is not bottommost");
    cr_assert_eq(sst_entries(db), 1);
    add(db, "k", 10);
    flush(db);
    int full_before = atomic_load(&c.full);
    compact(db);
    cr_assert_gt(atomic_load(&c.full), full_before, "compaction to the bottom ran a full merge");
    cr_assert_eq(sst_entries(db), 1);
    int full_after = atomic_load(&c.full);
    expect_u64(db, "k", 25);
    cr_assert_eq(atomic_load(&c.full), full_after, "a Put needs no merge to read");
    cr_assert_eq(atomic_load(&c.destroyed), 0);
    tdb_close(db);
    cr_assert_eq(atomic_load(&c.destroyed), 1, "the last reference destroys the state");
}

Test(db_merge, a_failed_merge_is_rocksdbs_corruption_in_get_and_iterators)
{
    counting c = {.fail = true};
    shale_db *db = open_with(tmp, shale_merge_operator_create(&c, NULL, c_full, NULL, NULL,
                                                              c_name));
    add(db, "k", 1);
    char *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    cr_assert_eq(shale_get(db, NULL, "k", 1, &v, &n, &err), SHALE_CORRUPTION);
    cr_assert_str_eq(err.msg, "Error: Could not perform merge.");
    cr_assert_null(v);
    shale_iter *it = shale_iter_new(db, NULL);
    shale_iter_seek_to_first(it);
    cr_assert(!shale_iter_valid(it));
    shale_err ierr = {0};
    cr_assert_eq(shale_iter_status(it, &ierr), SHALE_CORRUPTION);
    cr_assert_str_eq(ierr.msg, "Error: Could not perform merge.");
    shale_iter_free(it);
    tdb_close(db);
}

Test(db_merge, without_an_operator_merge_is_not_supported_and_operands_are_invalid_argument)
{
    shale_db *db = tdb_open(tmp, NULL);   /* no operator */
    shale_err err = {0};
    cr_assert_eq(shale_merge(db, NULL, "k", 1, "x", 1, &err), SHALE_NOT_SUPPORTED);
    cr_assert_str_eq(err.msg, "Provide a merge_operator when opening DB");
    shale_write_batch *wb = shale_write_batch_new();   /* a batch is not checked (RocksDB) */
    cr_assert_eq(shale_write_batch_merge(wb, "k", 1, "x", 1, NULL), SHALE_OK);
    cr_assert_eq(shale_write(db, NULL, wb, NULL), SHALE_OK);
    shale_write_batch_free(wb);
    for (int i = 0; i < 2; i++) {
        char *v = NULL;
        size_t n = 0;
        shale_err e = {0};
        cr_assert_eq(shale_get(db, NULL, "k", 1, &v, &n, &e), SHALE_INVALID_ARGUMENT);
        cr_assert_str_eq(e.msg, "merge_operator is not properly initialized.");
        flush(db);   /* the second round reads the operand from an SST */
    }
    tdb_close(db);
}

/* An SST with operands names their operator: a family opens only with the
 * same one, so operands are never resolved by another. */
Test(db_merge, opening_with_another_operator_than_the_data_names_fails_clearly)
{
    shale_db *db = open_with(tmp, shale_merge_operator_create_uint64add());
    add(db, "k", 1);
    flush(db);
    tdb_close(db);
    shale_options *o = merge_options(shale_merge_operator_create_stringappend(','));
    shale_err err = {0};
    cr_assert_eq(shale_db_open(o, tmp, &db, &err), SHALE_INVALID_ARGUMENT);
    cr_assert(strstr(err.msg, "merge operator mismatch in column family default: ") == err.msg,
              "%s", err.msg);
    cr_assert(strstr(err.msg, ".sst holds operands of UInt64AddOperator, the options give "
                              "StringAppendOperator") != NULL, "%s", err.msg);
    shale_options_free(o);
    db = open_with(tmp, shale_merge_operator_create_uint64add());
    expect_u64(db, "k", 1);
    tdb_close(db);
}

Test(db_merge, a_write_batch_carries_merges_atomically)
{
    shale_db *db = open_with(tmp, shale_merge_operator_create_uint64add());
    shale_write_batch *wb = shale_write_batch_new();
    char b[8];
    enc_u64(b, 3);
    cr_assert_eq(shale_write_batch_merge(wb, "k", 1, b, 8, NULL), SHALE_OK);
    cr_assert_eq(shale_write_batch_merge(wb, "k", 1, b, 8, NULL), SHALE_OK);
    cr_assert_eq(shale_write_batch_count(wb), 2);
    cr_assert_eq(shale_write(db, NULL, wb, NULL), SHALE_OK);
    shale_write_batch_free(wb);
    expect_u64(db, "k", 6);
    tdb_close(db);
}

Test(db_merge, max_successive_merges_turns_a_long_run_into_a_put_at_write_time)
{
    counting c = {0};
    shale_options *o = merge_options(shale_merge_operator_create(&c, NULL, c_full, c_partial,
                                                                 NULL, c_name));
    shale_options_set_max_successive_merges(o, 3);
    shale_db *db = tdb_open(tmp, o);
    put_u64(db, "k", 100);
    for (int i = 1; i <= 10; i++)
        add(db, "k", (uint64_t)i);
    cr_assert_gt(atomic_load(&c.full), 0, "writes merged once 3 operands were on top");
    expect_u64(db, "k", 155);
    add(db, "fresh", 7);   /* no base: the read resolves the operands alone */
    add(db, "fresh", 7);
    add(db, "fresh", 7);
    add(db, "fresh", 7);
    expect_u64(db, "fresh", 28);
    tdb_close(db);
    /* Recovery replays the WAL's operands as operands: the same sums. */
    db = tdb_open(tmp, o);
    expect_u64(db, "k", 155);
    expect_u64(db, "fresh", 28);
    tdb_close(db);
    shale_options_free(o);
}

/* --- names in files --------------------------------------------------------- */

static char *run_ok(const char *cmd)
{
    int st = 0;
    char *out = test_run(cmd, &st);
    cr_assert(out != NULL && st == 0, "%s failed: %s", cmd, out != NULL ? out : "");
    return out;
}

Test(db_merge, the_operator_name_goes_into_sst_properties_and_options)
{
    shale_db *db = open_with(tmp, shale_merge_operator_create_uint64add());
    add(db, "k", 1);
    flush(db);
    shale_live_file *f = NULL;
    size_t n = 0;
    cr_assert_eq(shale_live_files(db, &f, &n, NULL), SHALE_OK);
    cr_assert_eq(n, 1);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sst_dump --file='%s%s' --show_properties 2>&1", tmp, f[0].name);
    shale_live_files_free(f, n);
    char *out = run_ok(cmd);
    cr_assert(strstr(out, "merge operator name: UInt64AddOperator") != NULL, "%s", out);
    free(out);
    tdb_close(db);
    snprintf(cmd, sizeof cmd, "cat '%s'/OPTIONS-*", tmp);
    out = run_ok(cmd);
    cr_assert(strstr(out, "  merge_operator=UInt64AddOperator\n") != NULL, "%s", out);
    free(out);
}

/* --- interop with RocksDB 7.8.3 ----------------------------------------- */

static void hex(const char *p, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[(unsigned char)p[i] >> 4];
        out[2 * i + 1] = d[(unsigned char)p[i] & 15];
    }
    out[2 * n] = '\0';
}

static void hex_u64(uint64_t v, char out[17])
{
    char b[8];
    enc_u64(b, v);
    hex(b, 8, out);
}

Test(db_merge, rocksdb_sums_operands_shale_wrote_in_ssts_and_the_wal)
{
    shale_db *db = open_with(tmp, shale_merge_operator_create_uint64add());
    put_u64(db, "base", 1000);
    add(db, "base", 1);
    add(db, "cnt", 5);
    flush(db);
    add(db, "cnt", 6);
    compact(db);
    add(db, "base", 2);
    add(db, "cnt", 7);
    flush(db);
    add(db, "cnt", 8);                /* in the WAL only */
    merge_raw(db, "cnt", "xyz", 3);   /* malformed, unmerged: 0 in both engines */
    add(db, "wal", 9);
    tdb_close(db);
    char *oracle = build_path("tests/rocksdb-oracle");
    char kb[16], kc[16], kw[16], cmd[2048];
    hex("base", 4, kb);
    hex("cnt", 3, kc);
    hex("wal", 3, kw);
    snprintf(cmd, sizeof cmd, "'%s' get '%s' %s %s %s", oracle, tmp, kb, kc, kw);
    char *out = run_ok(cmd);
    char want[512], v1[17], v2[17], v3[17];
    hex_u64(1003, v1);
    hex_u64(26, v2);
    hex_u64(9, v3);
    snprintf(want, sizeof want, "%s %s\n%s %s\n%s %s\n", kb, v1, kc, v2, kw, v3);
    cr_assert_str_eq(out, want);
    free(out);
    free(oracle);
}

Test(db_merge, shale_sums_operands_rocksdb_wrote_in_ssts_and_the_wal)
{
    char *oracle = build_path("tests/rocksdb-oracle");
    char kc[16], kd[16], one[17], two[17], four[17], cmd[2048];
    hex("cnt", 3, kc);
    hex("dd", 2, kd);
    hex_u64(1, one);
    hex_u64(2, two);
    hex_u64(4, four);
    snprintf(cmd, sizeof cmd, "'%s' merge '%s' %s %s %s %s %s %s flush %s %s flush %s %s %s %s",
             oracle, tmp, kc, one, kc, two, kd, four, kc, four, kc, one, kd, two);
    free(run_ok(cmd));
    shale_db *db = open_with(tmp, shale_merge_operator_create_uint64add());
    expect_u64(db, "cnt", 8);
    expect_u64(db, "dd", 6);
    shale_iter *it = shale_iter_new(db, NULL);
    shale_iter_seek_to_last(it);
    cr_assert(shale_iter_valid(it));
    size_t vn;
    const char *v = shale_iter_value(it, &vn);
    cr_assert(vn == 8 && dec_u64(v) == 6);
    shale_iter_prev(it);
    cr_assert(shale_iter_valid(it));
    v = shale_iter_value(it, &vn);
    cr_assert(vn == 8 && dec_u64(v) == 8);
    shale_iter_free(it);
    compact(db);
    expect_u64(db, "cnt", 8);
    tdb_close(db);
    free(oracle);
}
