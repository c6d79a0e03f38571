/* tests/lsm/db/db_cf_interop_test.c: multi-family databases with merge
 * operands and range deletions move between shale and RocksDB 7.8.3 (the
 * rocksdb-oracle program over Debian's librocksdb) in both directions.
 *
 * Three families: "default" (no operator), "counts" (uint64add) and "lists"
 * (Flink's StringAppendTESTOperator).  One round of writes puts base
 * values and flushes, merges operands on top and range-deletes a span in
 * each family and flushes again (operands unresolved in L0 files, apart
 * from their bases), then merges more operands, deletes a key and a span,
 * and stops: the last operands and tombstones are only in the WAL.  The
 * same round runs through shale's API or as oracle commands, and a small
 * model of its own (sums, joins, erasures) gives the expected contents.
 * Each engine's view of the other's database (every family, hex lines,
 * families by name) must equal the model, and the engines resolve each
 * other's operands, in reads and in shale's compactions.  RocksDB's ldb
 * also lists the families of shale's database and finds it consistent. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/db.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

#define NF 3
#define NK 48
enum { F_DEF, F_CNT, F_LST };
static const char *const fam_names[NF] = {"default", "counts", "lists"};
static const int by_name[NF] = {F_CNT, F_DEF, F_LST};   /* sorted family order */
static const char ops_flags[] = "--op=counts:uint64add --op=lists:stringappend_test";

static char *tmp;
static char dir[1024], copy[1024];

static void setup(void)
{
    tmp = test_tmpdir("cfinterop");
    snprintf(dir, sizeof dir, "%s/db", tmp);
    snprintf(copy, sizeof copy, "%s/copy", tmp);
}

static void teardown(void)
{
    test_rmtree(tmp);
    free(tmp);
}

TestSuite(db_cf_interop, .init = setup, .fini = teardown, .timeout = 300);

/* --- the model ------------------------------------------------------------ */

typedef struct xmodel {
    char *val[NF][NK];   /* NULL: absent */
    size_t len[NF][NK];
} xmodel;

static void key_of(int f, int i, char out[16]) { snprintf(out, 16, "%c%03d", "dcl"[f], i); }

static void model_set(xmodel *m, int f, int i, const char *v, size_t n)
{
    free(m->val[f][i]);
    m->val[f][i] = NULL;
    if (v != NULL) {
        m->val[f][i] = malloc(n + 1);
        memcpy(m->val[f][i], v, n);
    }
    m->len[f][i] = n;
}

static uint64_t le64(const char *p)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x |= (uint64_t)(unsigned char)p[i] << (8 * i);
    return x;
}

static void put_le64(uint64_t x, char out[8])
{
    for (int i = 0; i < 8; i++)
        out[i] = (char)(x >> (8 * i));
}

static void model_merge(xmodel *m, int f, int i, const char *op, size_t n)
{
    const char *old = m->val[f][i];
    size_t on = m->len[f][i];
    if (f == F_CNT) {
        char sum[8];
        put_le64((old != NULL ? le64(old) : 0) + le64(op), sum);
        model_set(m, f, i, sum, 8);
        return;
    }
    char *j = malloc(on + 1 + n);
    size_t len = 0;
    if (old != NULL) {
        memcpy(j, old, on);
        j[on] = ',';
        len = on + 1;
    }
    memcpy(j + len, op, n);
    model_set(m, f, i, j, len + n);
    free(j);
}

static void model_free(xmodel *m)
{
    for (int f = 0; f < NF; f++)
        for (int i = 0; i < NK; i++)
            free(m->val[f][i]);
}

/* --- hex lines ------------------------------------------------------------ */

typedef struct text {
    char *p;
    size_t n, cap;
} text;

static void text_add(text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        t->cap = 2 * (t->n + n + 1) + 256;
        t->p = realloc(t->p, t->cap);
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
}

static void text_str(text *t, const char *s) { text_add(t, s, strlen(s)); }

static void text_hex(text *t, const char *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        char two[2] = {d[(unsigned char)p[i] >> 4], d[(unsigned char)p[i] & 15]};
        text_add(t, two, 2);
    }
}

/* "FAMILY HEXKEY HEXVALUE" lines, as rocksdb-oracle cf-dump prints them. */
static void text_line(text *t, int f, const char *k, size_t kn, const char *v, size_t vn)
{
    text_str(t, fam_names[f]);
    text_str(t, " ");
    text_hex(t, k, kn);
    text_str(t, " ");
    text_hex(t, v, vn);
    text_str(t, "\n");
}

static char *model_dump(const xmodel *m)
{
    text t = {0};
    text_str(&t, "");
    for (int j = 0; j < NF; j++) {
        int f = by_name[j];
        for (int i = 0; i < NK; i++) {
            char k[16];
            key_of(f, i, k);
            if (m->val[f][i] != NULL)
                text_line(&t, f, k, 4, m->val[f][i], m->len[f][i]);
        }
    }
    return t.p;
}

static char *shale_cf_dump(shale_db *db, shale_cf **h)
{
    text t = {0};
    text_str(&t, "");
    for (int j = 0; j < NF; j++) {
        int f = by_name[j];
        shale_iter *it = shale_iter_new_cf(db, NULL, h[f]);
        for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it)) {
            size_t kn, vn;
            const char *k = shale_iter_key(it, &kn), *v = shale_iter_value(it, &vn);
            text_line(&t, f, k, kn, v, vn);
        }
        shale_err err = {0};
        cr_assert_eq(shale_iter_status(it, &err), SHALE_OK, "%s", err.msg);
        shale_iter_free(it);
    }
    return t.p;
}

static void assert_same_text(const char *what, const char *got, const char *want)
{
    size_t line = 1;
    const char *a = got, *b = want;
    while (*a != '\0' && *a == *b) {
        if (*a == '\n')
            line++;
        a++, b++;
    }
    cr_assert(*a == '\0' && *b == '\0', "%s: first difference at line %zu: '%.80s' vs '%.80s'",
              what, line, a, b);
}

/* --- running RocksDB --------------------------------------------------------- */

static char *run_ok(const char *cmd)
{
    int st = 0;
    char *out = test_run(cmd, &st);
    cr_assert_not_null(out, "%s", cmd);
    cr_assert_eq(st, 0, "%.300s: %s", cmd, out);
    return out;
}

/* RocksDB's view of db_dir: every family through the oracle. */
static char *rocksdb_cf_dump(const char *db_dir)
{
    char *oracle = build_path("tests/rocksdb-oracle"), cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' cf-dump '%s' %s", oracle, db_dir, ops_flags);
    free(oracle);
    return run_ok(cmd);
}

/* --- one round of writes, through shale or as oracle commands ---------------- */

typedef struct writer {
    shale_db *db;        /* shale, or NULL: collect oracle actions in cmd */
    shale_cf **h;
    xmodel *m;
    text cmd;
} writer;

static void w_oracle(writer *w, const char *act, int f, int i, const char *v, size_t vn)
{
    char k[16];
    text_str(&w->cmd, " ");
    text_str(&w->cmd, act);
    text_str(&w->cmd, " ");
    text_str(&w->cmd, fam_names[f]);
    if (i >= 0) {
        key_of(f, i, k);
        text_str(&w->cmd, " ");
        text_hex(&w->cmd, k, 4);
    }
    if (v != NULL) {
        text_str(&w->cmd, " ");
        text_hex(&w->cmd, v, vn);
    }
}

static void w_put(writer *w, int f, int i, const char *v, size_t n)
{
    model_set(w->m, f, i, v, n);
    char k[16];
    key_of(f, i, k);
    shale_err err = {0};
    if (w->db == NULL)
        w_oracle(w, "put", f, i, v, n);
    else
        cr_assert_eq(shale_put_cf(w->db, NULL, w->h[f], k, 4, v, n, &err), SHALE_OK, "%s",
                     err.msg);
}

static void w_merge(writer *w, int f, int i, const char *op, size_t n)
{
    model_merge(w->m, f, i, op, n);
    char k[16];
    key_of(f, i, k);
    shale_err err = {0};
    if (w->db == NULL)
        w_oracle(w, "merge", f, i, op, n);
    else
        cr_assert_eq(shale_merge_cf(w->db, NULL, w->h[f], k, 4, op, n, &err), SHALE_OK, "%s",
                     err.msg);
}

static void w_delete(writer *w, int f, int i)
{
    model_set(w->m, f, i, NULL, 0);
    char k[16];
    key_of(f, i, k);
    shale_err err = {0};
    if (w->db == NULL)
        w_oracle(w, "delete", f, i, NULL, 0);
    else
        cr_assert_eq(shale_delete_cf(w->db, NULL, w->h[f], k, 4, &err), SHALE_OK, "%s",
                     err.msg);
}

/* Deletes keys [lo, hi) of family f (hi <= NK). */
static void w_delete_range(writer *w, int f, int lo, int hi)
{
    for (int i = lo; i < hi; i++)
        model_set(w->m, f, i, NULL, 0);
    char kl[16], kh[16];
    key_of(f, lo, kl);
    key_of(f, hi, kh);
    shale_err err = {0};
    if (w->db == NULL) {
        w_oracle(w, "delete-range", f, lo, kh, 4);
        return;
    }
    cr_assert_eq(shale_delete_range_cf(w->db, NULL, w->h[f], kl, 4, kh, 4, &err), SHALE_OK, "%s",
                 err.msg);
}

static void w_flush_all(writer *w)
{
    for (int f = 0; f < NF; f++) {
        shale_err err = {0};
        if (w->db == NULL)
            w_oracle(w, "flush", f, -1, NULL, 0);
        else
            cr_assert_eq(shale_flush_cf(w->db, w->h[f], true, &err), SHALE_OK, "%s", err.msg);
    }
}

/* Merges the list element "<tag><round>.<i>". */
static void w_list_merge(writer *w, int i, char tag, int round)
{
    char s[32];
    int n = snprintf(s, sizeof s, "%c%d.%d", tag, round, i);
    w_merge(w, F_LST, i, s, (size_t)n);
}

/* One round (see the header comment); `round` varies keys and values. */
static void write_round(writer *w, int round)
{
    char s[32], n8[8];
    for (int i = 0; i < NK; i++) {
        int n = snprintf(s, sizeof s, "r%d-d%d", round, i);
        if ((i + round) % 3 == 0)
            w_put(w, F_DEF, i, s, (size_t)n);
        put_le64((uint64_t)(1000 * round + i), n8);
        if (i % 4 == round % 4)
            w_put(w, F_CNT, i, n8, 8);
        n = snprintf(s, sizeof s, "base%d-%d", round, i);
        if (i % 5 == round % 5)
            w_put(w, F_LST, i, s, (size_t)n);
    }
    w_flush_all(w);
    for (int i = 0; i < NK; i++) {
        put_le64((uint64_t)(i + round + 1), n8);
        w_merge(w, F_CNT, i, n8, 8);
        w_list_merge(w, i, 'a', round);
    }
    w_delete_range(w, F_DEF, (round * 7) % 40, (round * 7) % 40 + 5);
    w_delete_range(w, F_CNT, (round * 5) % 40, (round * 5) % 40 + 4);
    w_delete_range(w, F_LST, (round * 3) % 40, (round * 3) % 40 + 3);
    w_flush_all(w);
    for (int i = 1; i < NK; i += 2) {   /* from here on only in the WAL */
        put_le64(7, n8);
        w_merge(w, F_CNT, i, n8, 8);
        w_list_merge(w, i, 'b', round);
    }
    w_delete(w, F_DEF, (round * 11) % NK);
    w_delete(w, F_CNT, (round * 17) % NK);
    w_delete_range(w, F_LST, (round * 13) % 40, (round * 13) % 40 + 2);
    w_delete_range(w, F_CNT, 44, 46);
}

static void oracle_round(xmodel *m, const char *db_dir, int round)
{
    char *oracle = build_path("tests/rocksdb-oracle");
    writer w = {.m = m};
    text_str(&w.cmd, "'");
    text_str(&w.cmd, oracle);
    text_str(&w.cmd, "' cf-write '");
    text_str(&w.cmd, db_dir);
    text_str(&w.cmd, "' ");
    text_str(&w.cmd, ops_flags);
    write_round(&w, round);
    free(run_ok(w.cmd.p));
    free(w.cmd.p);
    free(oracle);
}

/* --- shale --------------------------------------------------------------------- */

static shale_options *family_options(int f)
{
    shale_options *o = shale_options_new();
    shale_options_set_create_if_missing(o, true);
    shale_options_set_create_missing_column_families(o, true);
    if (f == F_CNT)
        shale_options_set_merge_operator(o, shale_merge_operator_create_uint64add());
    if (f == F_LST)
        shale_options_set_merge_operator(o, shale_merge_operator_create_stringappend_test());
    return o;
}

static shale_db *shale_open(shale_cf **h)
{
    shale_options *o[NF];
    for (int f = 0; f < NF; f++)
        o[f] = family_options(f);
    shale_db *db = NULL;
    shale_err err = {0};
    int rc = shale_db_open_cf(o[F_DEF], dir, NF, fam_names, (const shale_options *const *)o, h,
                              &db, &err);
    cr_assert_eq(rc, SHALE_OK, "open: %s: %s", shale_code_name(rc), err.msg);
    for (int f = 0; f < NF; f++)
        shale_options_free(o[f]);
    return db;
}

static void shale_close(shale_db *db, shale_cf **h)
{
    for (int f = 1; f < NF; f++)
        shale_cf_handle_free(h[f]);
    tdb_close(db);
}

static void shale_round(xmodel *m, int round)
{
    shale_cf *h[NF];
    writer w = {.db = shale_open(h), .h = h, .m = m};
    write_round(&w, round);
    char *want = model_dump(m), *got = shale_cf_dump(w.db, h);
    assert_same_text("shale after its own writes", got, want);
    free(want);
    free(got);
    shale_close(w.db, h);
}

/* The families as shale lists them, comma-separated. */
static void expect_shale_lists_families(void)
{
    shale_options *o = shale_options_new();
    char **names = NULL;
    size_t n = 0;
    shale_err err = {0};
    cr_assert_eq(shale_db_list_cf(o, dir, &names, &n, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(n, NF);
    for (int f = 0; f < NF; f++)
        cr_assert_str_eq(names[f], fam_names[f]);
    shale_cf_names_free(names, n);
    shale_options_free(o);
}

/* shale's view equals the model; then a compaction of every family (which
 * resolves the operands into values) leaves it unchanged. */
static void expect_shale_sees(const xmodel *m)
{
    shale_cf *h[NF];
    shale_db *db = shale_open(h);
    char *want = model_dump(m), *got = shale_cf_dump(db, h);
    assert_same_text("shale reading RocksDB's writes", got, want);
    free(got);
    shale_err err = {0};
    for (int f = 0; f < NF; f++)
        cr_assert_eq(shale_compact_range_cf(db, h[f], NULL, 0, NULL, 0, &err), SHALE_OK, "%s",
                     err.msg);
    got = shale_cf_dump(db, h);
    assert_same_text("shale after compacting RocksDB's operands", got, want);
    free(got);
    free(want);
    shale_close(db, h);
}

/* RocksDB's view of a copy of the database (RocksDB flushes what it
 * recovers from the WAL, so the original stays as it was). */
static void expect_rocksdb_sees(const xmodel *m, const char *what)
{
    tdb_copy_dir(dir, copy);
    char *want = model_dump(m), *got = rocksdb_cf_dump(copy);
    assert_same_text(what, got, want);
    free(want);
    free(got);
}

/* How many lines of cmd's output hold `what` (grep -c). */
static int count_lines(const char *cmd, const char *what)
{
    char full[2048];
    snprintf(full, sizeof full, "%s 2>&1 | grep -c '%s'", cmd, what);
    int st = 0;
    char *out = test_run(full, &st);
    cr_assert_not_null(out);
    int n = atoi(out);
    free(out);
    return n;
}

/* The round left merge operands (type 2) unresolved in SST files and in
 * the WAL (RocksDB's tools read both). */
static void expect_unresolved_operands(void)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "sst_dump --file='%s' --command=scan", dir);
    cr_assert_gt(count_lines(cmd, "type:2 "), NK, "operands in SSTs");
    snprintf(cmd, sizeof cmd,
             "for f in '%s'/*.log; do ldb dump_wal --print_value --walfile=\"$f\"; done", dir);
    cr_assert_gt(count_lines(cmd, "MERGE"), NK / 2, "operands in the WAL");
}

static void expect_ldb_accepts(void)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "ldb --db='%s' list_column_families 2>&1", dir);
    char *out = run_ok(cmd);
    cr_assert_not_null(strstr(out, "{default, counts, lists}"), "ldb: %s", out);
    free(out);
    tdb_copy_dir(dir, copy);
    snprintf(cmd, sizeof cmd, "ldb --db='%s' checkconsistency 2>&1", copy);
    out = run_ok(cmd);
    cr_assert_not_null(strstr(out, "OK"), "checkconsistency: %s", out);
    free(out);
}

Test(db_cf_interop, rocksdb_resolves_shale_operands_and_shale_resolves_rocksdb_operands)
{
    xmodel m;
    memset(&m, 0, sizeof m);
    shale_round(&m, 1);
    expect_unresolved_operands();
    expect_ldb_accepts();
    expect_rocksdb_sees(&m, "RocksDB reading shale's operands and range deletions");
    oracle_round(&m, dir, 2);
    expect_shale_lists_families();
    expect_shale_sees(&m);
    expect_rocksdb_sees(&m, "RocksDB after shale compacted its operands");
    model_free(&m);
}

Test(db_cf_interop, shale_resolves_a_rocksdb_database_and_rocksdb_reads_shale_additions)
{
    xmodel m;
    memset(&m, 0, sizeof m);
    oracle_round(&m, dir, 3);
    expect_unresolved_operands();
    expect_rocksdb_sees(&m, "RocksDB reading its own writes");
    expect_shale_lists_families();
    expect_shale_sees(&m);
    shale_round(&m, 4);
    expect_ldb_accepts();
    expect_rocksdb_sees(&m, "RocksDB reading shale's additions");
    model_free(&m);
}
