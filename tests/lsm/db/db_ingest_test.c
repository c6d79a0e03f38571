/* tests/lsm/db/db_ingest_test.c: shale_ingest_external_files()
 * (include/shale/ingest.h), RocksDB 7.8.3's IngestExternalFile semantics:
 * where a file lands (level, sequence number) in empty and non-empty
 * databases, newer-than-existing data, snapshots, deletions and range
 * deletions in ingested files, several files per call, failures that leave
 * the database as it was, other families, reopening, and RocksDB itself as
 * the oracle: its SstFileWriter writes a file shale ingests (rocksdb-oracle
 * write-sst), and its ldb scans and checks what shale wrote. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shale/compaction_style.h"
#include "shale/db.h"
#include "shale/ingest.h"
#include "shale/sst.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

/* One SST writer call: 'p' put key=a val=b, 'd' delete a, 'r' delete
 * [a, b), 'm' merge a with b. */
typedef struct op {
    char kind;
    const char *a, *b;
} op;

static char *g_dir;    /* scratch: the database is g_dir/db, files beside it */
static char *g_db;

static void setup(void)
{
    g_dir = test_tmpdir("ingest");
    size_t n = strlen(g_dir) + 8;
    g_db = malloc(n);
    snprintf(g_db, n, "%s/db", g_dir);
}

static void teardown(void)
{
    test_rmtree(g_dir);
    free(g_dir);
    free(g_db);
}

TestSuite(ingest, .init = setup, .fini = teardown);

/* g_dir/name in a static buffer (one per slot, so a call may hold four). */
static const char *file_in(const char *name)
{
    static char bufs[4][4096];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", g_dir, name);
    return b;
}

/* Writes ops to g_dir/name with shale's SST writer; returns the path. */
static const char *write_sst(const char *name, const op *ops, size_t n)
{
    const char *path = file_in(name);
    shale_sst_writer *w = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_sst_writer_open(path, NULL, 0, &w, &err), SHALE_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        const op *o = &ops[i];
        size_t al = strlen(o->a), bl = o->b != NULL ? strlen(o->b) : 0;
        int rc = o->kind == 'p'   ? shale_sst_writer_put(w, o->a, al, o->b, bl, &err)
                 : o->kind == 'd' ? shale_sst_writer_delete(w, o->a, al, &err)
                 : o->kind == 'm' ? shale_sst_writer_merge(w, o->a, al, o->b, bl, &err)
                                  : shale_sst_writer_delete_range(w, o->a, al, o->b, bl, &err);
        cr_assert_eq(rc, SHALE_OK, "op %zu: %s", i, err.msg);
    }
    cr_assert_eq(shale_sst_writer_finish(w, NULL, &err), SHALE_OK, "%s", err.msg);
    shale_sst_writer_free(w);
    return path;
}

static int ingest_cf(shale_db *db, shale_cf *cf, const char **paths, size_t n,
                     const shale_ingest_options *o, shale_err *err)
{
    return shale_ingest_external_files(db, cf, (const char *const *)paths, n, o, err);
}

static void ingest_ok(shale_db *db, const char **paths, size_t n, const shale_ingest_options *o)
{
    shale_err err = {0};
    int rc = ingest_cf(db, NULL, paths, n, o, &err);
    cr_assert_eq(rc, SHALE_OK, "ingest: %s: %s", shale_code_name(rc), err.msg);
}

/* The live file whose smallest user key is k: level and seqnos. */
typedef struct placed {
    bool found;
    int level;
    uint64_t smallest_seqno, largest_seqno;
} placed;

static placed where(shale_db *db, const char *k)
{
    shale_live_file *f = NULL;
    size_t n = 0;
    shale_err err = {0};
    cr_assert_eq(shale_live_files(db, &f, &n, &err), SHALE_OK, "%s", err.msg);
    placed p = {false, -1, 0, 0};
    for (size_t i = 0; i < n && !p.found; i++)
        if (f[i].smallest_key_len == strlen(k) && memcmp(f[i].smallest_key, k, strlen(k)) == 0)
            p = (placed){true, f[i].level, f[i].smallest_seqno, f[i].largest_seqno};
    shale_live_files_free(f, n);
    cr_assert(p.found, "no live file starts at %s", k);
    return p;
}

static size_t count_ssts(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s", dir);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t l = strlen(e->d_name);
        n += l > 4 && strcmp(e->d_name + l - 4, ".sst") == 0;
    }
    closedir(d);
    return n;
}

static uint64_t last_seq(shale_db *db)
{
    const shale_snapshot *s = shale_snapshot_create(db);
    uint64_t seq = shale_snapshot_sequence(s);
    shale_snapshot_release(db, s);
    return seq;
}

static void flush(shale_db *db)
{
    shale_err err = {0};
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK, "%s", err.msg);
}

static void compact_all(shale_db *db)
{
    shale_err err = {0};
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
}

static char *run(const char *cmd, int *status)
{
    char *out = test_run(cmd, status);
    cr_assert_not_null(out, "%s", cmd);
    return out;
}

/* --- placement -------------------------------------------------------------- */

Test(ingest, into_an_empty_database_lands_on_the_last_level_at_sequence_zero) {
    const op ops[] = {{'p', "apple", "red"}, {'p', "banana", "yellow"}, {'p', "cherry", "dark"}};
    const char *p = write_sst("a.sst", ops, 3);
    shale_db *db = tdb_open(g_db, NULL);
    ingest_ok(db, &p, 1, NULL);
    tdb_expect(db, "apple", "red");
    tdb_expect(db, "banana", "yellow");
    tdb_expect(db, "cherry", "dark");
    tdb_expect(db, "date", NULL);
    placed w = where(db, "apple");
    cr_assert_eq(w.level, 6);   /* num_levels 7 */
    cr_assert_eq(w.largest_seqno, 0);
    cr_assert_eq(last_seq(db), 0, "no sequence number consumed");
    struct stat st;
    cr_assert_eq(stat(p, &st), 0, "the external file stays without move_files");
    tdb_close(db);
}

Test(ingest, beside_data_it_does_not_touch_goes_deep_at_sequence_zero) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "x", "1");
    tdb_put(db, "z", "2");
    flush(db);   /* L0 file [x, z] */
    const op ops[] = {{'p', "a", "A"}, {'p', "c", "C"}};
    const char *p = write_sst("a.sst", ops, 2);
    ingest_ok(db, &p, 1, NULL);
    placed w = where(db, "a");
    cr_assert_eq(w.level, 6);
    cr_assert_eq(w.largest_seqno, 0);
    tdb_expect(db, "a", "A");
    tdb_expect(db, "x", "1");
    tdb_close(db);
}

Test(ingest, inside_a_files_range_without_its_keys_still_keeps_sequence_zero) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "a", "1");
    tdb_put(db, "z", "2");
    flush(db);
    compact_all(db);   /* one file [a, z] on L1 (RocksDB skips the last level) or deeper */
    placed base = where(db, "a");
    cr_assert(base.found && base.level >= 1);
    const op ops[] = {{'p', "m", "M"}};
    const char *p = write_sst("m.sst", ops, 1);
    ingest_ok(db, &p, 1, NULL);
    /* No data in [m, m] anywhere: sequence 0; it cannot share base's
     * level (ranges meet), so it lands on the deepest other level. */
    placed w = where(db, "m");
    cr_assert_eq(w.largest_seqno, 0);
    cr_assert_neq(w.level, base.level);
    cr_assert_eq(w.level, base.level == 6 ? 5 : 6);
    tdb_expect(db, "m", "M");
    tdb_close(db);
}

Test(ingest, over_existing_keys_is_newer_and_wins) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "k1", "old1");
    tdb_put(db, "k2", "old2");
    flush(db);
    compact_all(db);
    tdb_put(db, "k3", "mem");   /* in the memtable: forces a flush */
    uint64_t before = last_seq(db);
    const op ops[] = {{'p', "k1", "new1"}, {'p', "k3", "new3"}};
    const char *p = write_sst("n.sst", ops, 2);
    ingest_ok(db, &p, 1, NULL);
    tdb_expect(db, "k1", "new1");
    tdb_expect(db, "k2", "old2");
    tdb_expect(db, "k3", "new3");
    cr_assert_eq(last_seq(db), before + 1, "one sequence number consumed");
    /* Above the flushed memtable's L0 file, which holds k3: L0. */
    shale_live_file *f = NULL;
    size_t n = 0;
    shale_err err = {0};
    cr_assert_eq(shale_live_files(db, &f, &n, &err), SHALE_OK);
    bool seen = false;
    for (size_t i = 0; i < n; i++)
        if (f[i].smallest_seqno == before + 1) {
            seen = true;
            cr_assert_eq(f[i].level, 0);
            cr_assert_eq(f[i].largest_seqno, before + 1);
        }
    cr_assert(seen, "a file at the new sequence number");
    shale_live_files_free(f, n);
    /* A write after the ingestion is newer still. */
    tdb_put(db, "k1", "after");
    tdb_expect(db, "k1", "after");
    tdb_close(db);
}

Test(ingest, a_snapshot_taken_before_does_not_see_the_files) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "a", "1");
    flush(db);
    const shale_snapshot *s = shale_snapshot_create(db);
    const op ops[] = {{'p', "a", "2"}, {'p', "q", "new"}};   /* q overlaps nothing */
    const op ops2[] = {{'p', "zz", "far"}};
    const char *p[2] = {write_sst("s.sst", ops, 2), write_sst("t.sst", ops2, 1)};
    ingest_ok(db, p, 2, NULL);
    shale_read_options *ro = shale_read_options_new();
    shale_read_options_set_snapshot(ro, s);
    const char *keys[] = {"a", "q", "zz"};
    const char *want_snap[] = {"1", NULL, NULL};
    for (int i = 0; i < 3; i++) {
        char *v = NULL;
        size_t vl = 0;
        int rc = shale_get(db, ro, keys[i], strlen(keys[i]), &v, &vl, NULL);
        if (want_snap[i] == NULL) {
            cr_assert_eq(rc, SHALE_NOT_FOUND, "%s seen by the old snapshot", keys[i]);
        } else {
            cr_assert_eq(rc, SHALE_OK);
            cr_assert(vl == 1 && v[0] == want_snap[i][0]);
        }
        shale_free(v);
    }
    tdb_expect(db, "a", "2");
    tdb_expect(db, "q", "new");
    tdb_expect(db, "zz", "far");
    /* Both files took new numbers although t.sst overlaps nothing. */
    cr_assert_gt(where(db, "zz").largest_seqno, 0);
    shale_read_options_free(ro);
    shale_snapshot_release(db, s);
    tdb_close(db);
}

Test(ingest, without_snapshot_consistency_an_old_snapshot_sees_new_keys) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "a", "1");
    flush(db);
    const shale_snapshot *s = shale_snapshot_create(db);
    const op ops[] = {{'p', "q", "new"}};
    const char *p = write_sst("s.sst", ops, 1);
    shale_ingest_options *o = shale_ingest_options_new();
    shale_ingest_options_set_snapshot_consistency(o, false);
    ingest_ok(db, &p, 1, o);
    shale_read_options *ro = shale_read_options_new();
    shale_read_options_set_snapshot(ro, s);
    char *v = NULL;
    size_t vl = 0;
    cr_assert_eq(shale_get(db, ro, "q", 1, &v, &vl, NULL), SHALE_OK, "sequence 0 is visible");
    shale_free(v);
    shale_read_options_free(ro);
    shale_ingest_options_free(o);
    shale_snapshot_release(db, s);
    tdb_close(db);
}

/* --- contents ----------------------------------------------------------------- */

Test(ingest, deletions_and_range_deletions_hide_older_keys) {
    shale_db *db = tdb_open(g_db, NULL);
    const char *keys[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
    for (int i = 0; i < 8; i++)
        tdb_put(db, keys[i], "v");
    flush(db);
    compact_all(db);
    const op ops[] = {{'d', "b", NULL}, {'r', "d", "g"}, {'p', "e", "reborn"}};
    const char *p = write_sst("del.sst", ops, 3);
    ingest_ok(db, &p, 1, NULL);
    tdb_expect(db, "a", "v");
    tdb_expect(db, "b", NULL);
    tdb_expect(db, "c", "v");
    tdb_expect(db, "d", NULL);
    tdb_expect(db, "e", "reborn");   /* same file, same number: not covered */
    tdb_expect(db, "f", NULL);
    tdb_expect(db, "g", "v");        /* the range's end is exclusive */
    tdb_expect(db, "h", "v");
    compact_all(db);                 /* and the same after compaction */
    tdb_expect(db, "b", NULL);
    tdb_expect(db, "f", NULL);
    tdb_expect(db, "e", "reborn");
    tdb_expect(db, "g", "v");
    tdb_close(db);
}

Test(ingest, a_file_of_only_a_range_deletion_is_ingested) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "k1", "v");
    tdb_put(db, "k5", "v");
    flush(db);
    const op ops[] = {{'r', "k0", "k3"}};
    const char *p = write_sst("r.sst", ops, 1);
    ingest_ok(db, &p, 1, NULL);
    tdb_expect(db, "k1", NULL);
    tdb_expect(db, "k5", "v");
    tdb_close(db);
}

Test(ingest, several_disjoint_files_in_one_call) {
    shale_db *db = tdb_open(g_db, NULL);
    const op a[] = {{'p', "a1", "x"}, {'p', "a2", "y"}};
    const op m[] = {{'p', "m1", "z"}};
    const op z[] = {{'r', "x", "y"}, {'p', "z9", "w"}};
    const char *p[3] = {write_sst("a.sst", a, 2), write_sst("m.sst", m, 1),
                        write_sst("z.sst", z, 2)};
    size_t before = count_ssts(g_db);
    ingest_ok(db, p, 3, NULL);
    cr_assert_eq(count_ssts(g_db), before + 3);
    tdb_expect(db, "a2", "y");
    tdb_expect(db, "m1", "z");
    tdb_expect(db, "z9", "w");
    cr_assert_eq(where(db, "a1").level, 6);
    cr_assert_eq(where(db, "m1").level, 6);
    cr_assert_eq(where(db, "x").level, 6);
    tdb_close(db);
}

Test(ingest, overlapping_files_in_one_call_go_to_level0_later_file_newest) {
    shale_db *db = tdb_open(g_db, NULL);
    const op one[] = {{'p', "k", "first"}, {'p', "only1", "1"}};
    const op two[] = {{'p', "k", "second"}};
    const char *p[2] = {write_sst("1.sst", one, 2), write_sst("2.sst", two, 1)};
    ingest_ok(db, p, 2, NULL);
    tdb_expect(db, "k", "second");
    tdb_expect(db, "only1", "1");
    cr_assert_eq(where(db, "k").level, 0);
    cr_assert_eq(last_seq(db), 2, "one number per file");
    tdb_close(db);
}

Test(ingest, merge_operands_in_a_file_apply_over_older_values) {
    shale_options *o = tdb_options();
    shale_options_set_merge_operator(o, shale_merge_operator_create_stringappend(','));
    shale_db *db = tdb_open(g_db, o);
    tdb_put(db, "list", "a");
    flush(db);
    const op ops[] = {{'m', "list", "b"}, {'m', "new", "x"}};
    const char *p = write_sst("m.sst", ops, 2);
    ingest_ok(db, &p, 1, NULL);
    tdb_expect(db, "list", "a,b");
    tdb_expect(db, "new", "x");
    compact_all(db);
    tdb_expect(db, "list", "a,b");
    tdb_close(db);
    shale_options_free(o);
}

Test(ingest, under_universal_compaction_overlap_goes_to_level0) {
    shale_options *o = tdb_options();
    shale_options_set_compaction_style(o, SHALE_COMPACTION_STYLE_UNIVERSAL);
    shale_db *db = tdb_open(g_db, o);
    tdb_put(db, "k", "old");
    flush(db);
    const op over[] = {{'p', "k", "new"}};
    const op apart[] = {{'p', "q", "v"}};
    const char *p1 = write_sst("o.sst", over, 1), *p2 = write_sst("a.sst", apart, 1);
    ingest_ok(db, &p1, 1, NULL);
    placed w = where(db, "k");   /* the newest file starting at k */
    cr_assert_eq(w.level, 0);
    tdb_expect(db, "k", "new");
    ingest_ok(db, &p2, 1, NULL);   /* universal skips empty levels: L0 */
    cr_assert_eq(where(db, "q").level, 0);
    cr_assert_eq(where(db, "q").largest_seqno, 0);
    tdb_expect(db, "q", "v");
    tdb_close(db);
    shale_options_free(o);
}

/* Writes keys w<thread><i> with flushes and compactions running. */
typedef struct writer_arg {
    shale_db *db;
    int n;
    int rc;
} writer_arg;

static void *writer_main(void *p)
{
    writer_arg *a = p;
    char k[32], v[128];
    memset(v, 'v', sizeof v - 1);
    v[sizeof v - 1] = '\0';
    for (int i = 0; i < a->n && a->rc == SHALE_OK; i++) {
        snprintf(k, sizeof k, "w%06d", i);
        a->rc = shale_put(a->db, NULL, k, strlen(k), v, strlen(v), NULL);
    }
    return NULL;
}

Test(ingest, runs_beside_writes_flushes_and_compactions) {
    shale_options *o = tdb_options();
    shale_options_set_level0_file_num_compaction_trigger(o, 2);
    shale_db *db = tdb_open(g_db, o);
    writer_arg a = {db, 8000, SHALE_OK};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, writer_main, &a), 0);
    for (int f = 0; f < 30; f++) {
        op ops[20];
        char keys[20][16];
        for (int i = 0; i < 20; i++) {   /* interleaved with the writer's range */
            snprintf(keys[i], sizeof keys[i], "w%06d.%02d", f * 260 + i * 13, f);
            ops[i] = (op){'p', keys[i], "ingested"};
        }
        char name[16];
        snprintf(name, sizeof name, "c%d.sst", f);
        const char *p = write_sst(name, ops, 20);
        ingest_ok(db, &p, 1, NULL);
    }
    pthread_join(t, NULL);
    cr_assert_eq(a.rc, SHALE_OK);
    shale_err err = {0};
    cr_assert_eq(shale_wait_for_compact(db, &err), SHALE_OK, "%s", err.msg);
    for (int f = 0; f < 30; f++) {
        char k[32];
        snprintf(k, sizeof k, "w%06d.%02d", f * 260 + 19 * 13, f);
        tdb_expect(db, k, "ingested");
        snprintf(k, sizeof k, "w%06d.%02d", f * 260, f);
        tdb_expect(db, k, "ingested");
    }
    char *v = tdb_get(db, "w007999");
    cr_assert_not_null(v);
    free(v);
    tdb_close(db);
    shale_options_free(o);
    char cmd[8192];
    int st = -1;
    snprintf(cmd, sizeof cmd, "ldb --db='%s' checkconsistency 2>&1", g_db);
    char *out = run(cmd, &st);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_str_eq(out, "OK\n");
    free(out);
}

/* --- options and refusals ------------------------------------------------------- */

Test(ingest, memtable_overlap_without_blocking_flush_is_refused) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "k", "mem");
    const op ops[] = {{'p', "k", "file"}};
    const char *p = write_sst("k.sst", ops, 1);
    shale_ingest_options *o = shale_ingest_options_new();
    shale_ingest_options_set_allow_blocking_flush(o, false);
    shale_err err = {0};
    cr_assert_eq(ingest_cf(db, NULL, &p, 1, o, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_str_eq(err.msg, "External file requires flush");
    tdb_expect(db, "k", "mem");
    cr_assert_eq(count_ssts(g_db), 0, "nothing flushed or written");
    shale_ingest_options_free(o);
    tdb_close(db);
}

Test(ingest, a_needed_sequence_number_without_allow_global_seqno_is_refused) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "k", "old");
    flush(db);
    const op ops[] = {{'p', "k", "new"}};
    const char *p = write_sst("k.sst", ops, 1);
    shale_ingest_options *o = shale_ingest_options_new();
    shale_ingest_options_set_allow_global_seqno(o, false);
    shale_err err = {0};
    cr_assert_eq(ingest_cf(db, NULL, &p, 1, o, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_str_eq(err.msg, "Global seqno is required, but disabled");
    tdb_expect(db, "k", "old");
    cr_assert_eq(count_ssts(g_db), 1);
    shale_ingest_options_free(o);
    tdb_close(db);
}

Test(ingest, ingest_behind_and_empty_lists_are_refused) {
    shale_db *db = tdb_open(g_db, NULL);
    const op ops[] = {{'p', "k", "v"}};
    const char *p = write_sst("k.sst", ops, 1);
    shale_ingest_options *o = shale_ingest_options_new();
    cr_assert(shale_ingest_options_get_write_global_seqno(o), "RocksDB 7.8.3's default");
    cr_assert_not(shale_ingest_options_get_move_files(o));
    shale_ingest_options_set_ingest_behind(o, true);
    shale_err err = {0};
    cr_assert_eq(ingest_cf(db, NULL, &p, 1, o, &err), SHALE_INVALID_ARGUMENT);
    cr_assert(strstr(err.msg, "allow_ingest_behind") != NULL, "%s", err.msg);
    cr_assert_eq(ingest_cf(db, NULL, &p, 0, NULL, &err), SHALE_INVALID_ARGUMENT);
    tdb_expect(db, "k", NULL);
    shale_ingest_options_free(o);
    tdb_close(db);
}

Test(ingest, move_files_removes_the_external_file) {
    shale_db *db = tdb_open(g_db, NULL);
    const op ops[] = {{'p', "k", "v"}};
    const char *p = write_sst("k.sst", ops, 1);
    shale_ingest_options *o = shale_ingest_options_new();
    shale_ingest_options_set_move_files(o, true);
    ingest_ok(db, &p, 1, o);
    struct stat st;
    cr_assert_neq(stat(p, &st), 0, "external file still there");
    tdb_expect(db, "k", "v");
    shale_ingest_options_free(o);
    tdb_close(db);
}

/* --- failures leave the database as it was ----------------------------------------- */

static void assert_refused(shale_db *db, const char **paths, size_t n, int code, const char *name)
{
    size_t before = count_ssts(g_db);
    shale_err err = {0};
    int rc = ingest_cf(db, NULL, paths, n, NULL, &err);
    cr_assert_eq(rc, code, "%s: got %s: %s", name, shale_code_name(rc), err.msg);
    cr_assert(strstr(err.msg, name) != NULL, "message names %s: %s", name, err.msg);
    cr_assert_eq(count_ssts(g_db), before, "no file left behind");
    tdb_expect(db, "good", NULL);
    tdb_expect(db, "base", "1");
}

Test(ingest, a_missing_file_fails_the_whole_call) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "base", "1");
    flush(db);
    const op ops[] = {{'p', "good", "v"}};
    const char *p[2] = {write_sst("good.sst", ops, 1), file_in("missing.sst")};
    assert_refused(db, p, 2, SHALE_IO_ERROR, "missing.sst");
    tdb_close(db);
}

Test(ingest, a_damaged_file_fails_the_whole_call) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "base", "1");
    flush(db);
    const op ops[] = {{'p', "good", "v"}};
    const char *p[2] = {write_sst("good.sst", ops, 1), file_in("junk.sst")};
    char junk[4096];
    memset(junk, 0x5a, sizeof junk);
    cr_assert(test_write_file(p[1], junk, sizeof junk));
    assert_refused(db, p, 2, SHALE_CORRUPTION, "junk.sst");
    tdb_close(db);
}

Test(ingest, a_table_not_from_an_sst_writer_is_corruption) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "base", "1");
    flush(db);
    /* The database's own table: keys with sequence numbers, no
     * external-file version. */
    shale_live_file *f = NULL;
    size_t n = 0;
    cr_assert_eq(shale_live_files(db, &f, &n, NULL), SHALE_OK);
    cr_assert_eq(n, 1);
    char from[4096];
    snprintf(from, sizeof from, "%s%s", g_db, f[0].name);
    shale_live_files_free(f, n);
    size_t len = 0;
    char *bytes = test_read_file(from, &len);
    cr_assert_not_null(bytes);
    const char *p = file_in("own.sst");
    cr_assert(test_write_file(p, bytes, len));
    free(bytes);
    size_t before = count_ssts(g_db);
    shale_err err = {0};
    cr_assert_eq(ingest_cf(db, NULL, &p, 1, NULL, &err), SHALE_CORRUPTION, "%s", err.msg);
    cr_assert(strstr(err.msg, "External file version not found") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "own.sst") != NULL, "%s", err.msg);
    cr_assert_eq(count_ssts(g_db), before);
    tdb_close(db);
}

/* A file of n keys "big%05d" with 100-byte values (several data blocks),
 * with one byte in the middle flipped. */
static const char *write_damaged(const char *name, int n)
{
    const char *path = file_in(name);
    shale_sst_writer *w = NULL;
    cr_assert_eq(shale_sst_writer_open(path, NULL, 0, &w, NULL), SHALE_OK);
    char k[32], v[101];
    memset(v, 'x', 100);
    v[100] = '\0';
    for (int i = 0; i < n; i++) {
        snprintf(k, sizeof k, "big%05d", i);
        cr_assert_eq(shale_sst_writer_put(w, k, strlen(k), v, 100, NULL), SHALE_OK);
    }
    cr_assert_eq(shale_sst_writer_finish(w, NULL, NULL), SHALE_OK);
    shale_sst_writer_free(w);
    size_t len = 0;
    char *bytes = test_read_file(path, &len);
    cr_assert(bytes != NULL && len > 8192);
    bytes[len / 2] ^= 0x40;
    cr_assert(test_write_file(path, bytes, len));
    free(bytes);
    return path;
}

Test(ingest, a_bad_block_found_while_rewriting_installs_nothing) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "base", "1");
    flush(db);
    const op ok[] = {{'p', "good", "v"}};
    const char *p[2] = {write_sst("good.sst", ok, 1), write_damaged("bad.sst", 400)};
    /* The bounds read the first and last blocks only: the damage is met
     * while rewriting, after the levels were reserved. */
    assert_refused(db, p, 2, SHALE_CORRUPTION, "bad.sst");
    shale_ingest_options *o = shale_ingest_options_new();
    shale_ingest_options_set_verify_checksums_before_ingest(o, true);
    shale_err err = {0};
    cr_assert_eq(ingest_cf(db, NULL, p, 2, o, &err), SHALE_CORRUPTION, "%s", err.msg);
    shale_ingest_options_free(o);
    /* Nothing is left reserved or pending: ingestion and compaction go on. */
    ingest_ok(db, p, 1, NULL);
    tdb_expect(db, "good", "v");
    compact_all(db);
    tdb_expect(db, "good", "v");
    tdb_expect(db, "base", "1");
    tdb_close(db);
}

/* --- families and reopening ---------------------------------------------------------- */

Test(ingest, into_another_family_only_that_family_sees_it) {
    shale_db *db = tdb_open(g_db, NULL);
    shale_options *o = tdb_options();
    shale_cf *cf = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_create_cf(db, o, "other", &cf, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(shale_put_cf(db, NULL, cf, "k", 1, "old", 3, &err), SHALE_OK);
    const op ops[] = {{'p', "k", "new"}, {'p', "k2", "v2"}};
    const char *p = write_sst("cf.sst", ops, 2);
    cr_assert_eq(ingest_cf(db, cf, &p, 1, NULL, &err), SHALE_OK, "%s", err.msg);
    char *v = NULL;
    size_t vl = 0;
    cr_assert_eq(shale_get_cf(db, NULL, cf, "k", 1, &v, &vl, &err), SHALE_OK);
    cr_assert(vl == 3 && memcmp(v, "new", 3) == 0);
    shale_free(v);
    tdb_expect(db, "k2", NULL);   /* the default family */
    shale_cf_handle_free(cf);
    tdb_close(db);
    /* Reopen with both families: still there. */
    const char *names[] = {"default", "other"};
    const shale_options *opts[] = {o, o};
    shale_cf *h[2] = {NULL, NULL};
    cr_assert_eq(shale_db_open_cf(o, g_db, 2, names, opts, h, &db, &err), SHALE_OK, "%s",
                 err.msg);
    cr_assert_eq(shale_get_cf(db, NULL, h[1], "k2", 2, &v, &vl, &err), SHALE_OK);
    cr_assert(vl == 2 && memcmp(v, "v2", 2) == 0);
    shale_free(v);
    shale_cf_handle_free(h[1]);
    tdb_close(db);
    shale_options_free(o);
}

Test(ingest, reopening_keeps_ingested_data_and_the_sequence) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "k", "old");
    flush(db);
    const op ops[] = {{'p', "k", "new"}, {'p', "n", "1"}};
    const char *p = write_sst("k.sst", ops, 2);
    ingest_ok(db, &p, 1, NULL);
    uint64_t seq = last_seq(db);
    tdb_put(db, "w", "wal");   /* WAL only, after the ingestion */
    tdb_close(db);
    db = tdb_open(g_db, NULL);
    tdb_expect(db, "k", "new");
    tdb_expect(db, "n", "1");
    tdb_expect(db, "w", "wal");
    cr_assert_eq(last_seq(db), seq + 1);
    tdb_close(db);
}

/* --- RocksDB as the oracle -------------------------------------------------------------- */

Test(ingest, rocksdb_reads_what_shale_ingested) {
    shale_db *db = tdb_open(g_db, NULL);
    tdb_put(db, "b", "base");
    tdb_put(db, "d", "base");
    flush(db);
    const op one[] = {{'p', "a", "1"}, {'p', "b", "2"}, {'r', "c", "e"}};
    const op two[] = {{'p', "x", "3"}};
    const char *p[2] = {write_sst("1.sst", one, 3), write_sst("2.sst", two, 1)};
    ingest_ok(db, p, 2, NULL);
    tdb_close(db);
    char cmd[8192];
    int st = -1;
    snprintf(cmd, sizeof cmd, "ldb --db='%s' scan 2>&1", g_db);
    char *out = run(cmd, &st);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_str_eq(out, "a : 1\nb : 2\nx : 3\n");
    free(out);
    snprintf(cmd, sizeof cmd, "ldb --db='%s' checkconsistency 2>&1", g_db);
    out = run(cmd, &st);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_str_eq(out, "OK\n");
    free(out);
}

/* Hex of the lines "HEXKEY HEXVALUE" shale's iterator yields. */
static char *shale_hex_scan(shale_db *db)
{
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    shale_iter *it = shale_iter_new(db, NULL);
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it)) {
        size_t kl, vl;
        const char *k = shale_iter_key(it, &kl), *v = shale_iter_value(it, &vl);
        while (len + 2 * (kl + vl) + 3 > cap)
            s = realloc(s, cap *= 2);
        for (size_t i = 0; i < kl; i++)
            len += (size_t)sprintf(s + len, "%02x", (unsigned char)k[i]);
        s[len++] = ' ';
        for (size_t i = 0; i < vl; i++)
            len += (size_t)sprintf(s + len, "%02x", (unsigned char)v[i]);
        s[len++] = '\n';
    }
    s[len] = '\0';
    cr_assert_eq(shale_iter_status(it, NULL), SHALE_OK);
    shale_iter_free(it);
    return s;
}

Test(ingest, a_file_from_rocksdbs_sst_writer_is_ingested) {
    char *oracle = build_path("tests/rocksdb-oracle");
    const char *p = file_in("rocks.sst");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' write-sst '%s' --seed=7 --count=300 --bloom=10", oracle, p);
    int st = -1;
    char *want = run(cmd, &st);
    cr_assert_eq(st, 0, "%s", want);
    free(oracle);
    shale_db *db = tdb_open(g_db, NULL);
    ingest_ok(db, &p, 1, NULL);
    char *got = shale_hex_scan(db);
    cr_assert_str_eq(got, want);
    free(got);
    tdb_close(db);
    db = tdb_open(g_db, NULL);   /* and after reopening */
    got = shale_hex_scan(db);
    cr_assert_str_eq(got, want);
    free(got);
    tdb_close(db);
    free(want);
}
