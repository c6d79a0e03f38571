/* tests/lsm/version/version_set_test.c: the version set and its MANIFEST.
 * Oracles: the RocksDB-written fixture MANIFEST (state stated in the
 * fixture README, listing printed by Debian's ldb), and ldb itself reading
 * what we write (manifest_dump, checkconsistency, scan against the
 * fixture's db.expected.txt).  Crash safety runs on tests/support/fault_env:
 * a failed sync, and power loss before CURRENT's directory sync. */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/log/log_writer.h"
#include "lsm/util/buf.h"
#include "lsm/util/ikey.h"
#include "lsm/util/mutex.h"
#include "lsm/version/filenames.h"
#include "lsm/version/version.h"
#include "lsm/version/version_edit.h"
#include "lsm/version/version_set.h"
#include "tests/support/fault_env.h"
#include "tests/support/test_util.h"

static char *g_dir;
static shale_mutex g_mu;

static void setup(void)
{
    g_dir = test_tmpdir("vset");
    cr_assert_not_null(g_dir);
    shale_mutex_init(&g_mu);
}

static void teardown(void)
{
    shale_mutex_deinit(&g_mu);
    test_rmtree(g_dir);
    free(g_dir);
}

TestSuite(vset, .init = setup, .fini = teardown);

static vset *open_vset(shale_env *env, const char *dir)
{
    vset_options o;
    vset_options_default(&o);
    vset *vs;
    shale_err err = {0};
    cr_assert_eq(vset_new(env, dir, &o, &vs, &err), SHALE_OK, "%s", err.msg);
    return vs;
}

static vset *recover_ok(shale_env *env, const char *dir)
{
    vset *vs = open_vset(env, dir);
    shale_err err = {0};
    cr_assert_eq(vset_recover(vs, &err), SHALE_OK, "%s", err.msg);
    return vs;
}

static void copy_fixture_file(const char *name, const char *dir)
{
    char *src = fixture_path(name);
    size_t len;
    char *data = test_read_file(src, &len);
    cr_assert_not_null(data, "%s", src);
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    char dst[4096];
    snprintf(dst, sizeof dst, "%s/%s", dir, base);
    cr_assert(test_write_file(dst, data, len));
    free(data);
    free(src);
}

static void copy_fixture_db(const char *dir)
{
    const char *names[] = {"CURRENT", "MANIFEST-000005", "000012.sst", "000013.log", "000014.sst"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char n[64];
        snprintf(n, sizeof n, "db/%s", names[i]);
        copy_fixture_file(n, dir);
    }
}

static void add_file(version_edit *ve, int level, uint64_t number, const char *lo, const char *hi,
                     uint64_t seq, uint64_t size)
{
    shale_buf s = SHALE_BUF_INIT, l = SHALE_BUF_INIT;
    shale_buf_append_str(&s, lo);
    shale_buf_put_fixed64(&s, ikey_pack(seq, VT_VALUE));
    shale_buf_append_str(&l, hi);
    shale_buf_put_fixed64(&l, ikey_pack(seq, VT_VALUE));
    ve_file_meta m;
    memset(&m, 0, sizeof m);
    m.level = level;
    m.number = number;
    m.size = size;
    m.smallest = shale_buf_slice(&s);
    m.largest = shale_buf_slice(&l);
    m.smallest_seqno = m.largest_seqno = seq;
    cr_assert_eq(version_edit_add_file(ve, &m, NULL), SHALE_OK);
    shale_buf_deinit(&s);
    shale_buf_deinit(&l);
}

static int apply(vset *vs, version_edit *ve, shale_err *err)
{
    shale_mutex_lock(&g_mu);
    int rc = vset_log_and_apply(vs, ve, &g_mu, err);
    shale_mutex_unlock(&g_mu);
    return rc;
}

static void apply_ok(vset *vs, version_edit *ve)
{
    shale_err err = {0};
    cr_assert_eq(apply(vs, ve, &err), SHALE_OK, "%s", err.msg);
}

/* "level:number " for every file, in version order. */
static void layout(vset *vs, char *out, size_t n)
{
    version *v = vset_current(vs);
    size_t used = 0;
    out[0] = 0;
    for (int level = 0; level < v->num_levels; level++)
        for (size_t i = 0; i < v->n_files[level]; i++)
            used += (size_t)snprintf(out + used, n - used, "%d:%" PRIu64 " ", level,
                                     v->files[level][i]->number);
}

Test(vset, recovers_the_fixture_manifest)
{
    copy_fixture_db(g_dir);
    vset *vs = recover_ok(shale_env_default(), g_dir);
    cr_assert_eq(vset_log_number(vs), 13);
    cr_assert_eq(vset_next_file_number(vs), 15);
    cr_assert_eq(vset_last_sequence(vs), 3617);
    cr_assert_eq(vset_manifest_file_number(vs), 5);
    cr_assert_eq(vset_min_log_number_to_keep(vs), 13);  /* ldb manifest_dump --verbose: last MinLogNumberToKeep */
    char got[256];
    layout(vs, got, sizeof got);
    cr_assert_str_eq(got, "0:14 1:12 ");
    version *v = vset_current(vs);
    cr_assert_eq(v->files[1][0]->file_size, 95779);
    cr_assert_eq(v->files[0][0]->file_size, 4874);

    /* The level listing matches ldb's for the levels we have. */
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "ldb manifest_dump --path=%s/MANIFEST-000005 2>&1", g_dir);
    int status;
    char *ldb = test_run(cmd, &status);
    cr_assert_not_null(ldb);
    cr_assert_eq(status, 0, "%s", ldb);
    shale_buf ours = SHALE_BUF_INIT;
    v->number = 1;  /* ldb prints version# 1 */
    cr_assert_eq(version_debug_string(v, false, &ours, NULL), SHALE_OK);
    shale_buf_append_byte(&ours, 0);
    cr_assert(strstr(ldb, ours.data) != NULL, "ours:\n%s\nldb:\n%s", ours.data, ldb);
    free(ldb);
    shale_buf_deinit(&ours);
    vset_free(vs);
}

Test(vset, new_db_then_edits_survive_reopen)
{
    shale_env *env = shale_env_default();
    shale_err err = {0};
    cr_assert_eq(vset_create_new_db(env, g_dir, &err), SHALE_OK, "%s", err.msg);
    vset *vs = recover_ok(env, g_dir);
    cr_assert_eq(vset_manifest_file_number(vs), 1);
    cr_assert_eq(vset_next_file_number(vs), 2);
    cr_assert_eq(vset_log_number(vs), 0);

    version_edit ve;
    version_edit_init(&ve);
    uint64_t f1 = vset_new_file_number(vs), f2 = vset_new_file_number(vs);
    add_file(&ve, 0, f1, "a", "f", 5, 1000);
    add_file(&ve, 0, f2, "c", "k", 9, 2000);
    version_edit_set_log_number(&ve, f2 + 1);
    vset_mark_file_number_used(vs, f2 + 1);
    vset_set_last_sequence(vs, 9);
    apply_ok(vs, &ve);
    /* The first write after recover started a new MANIFEST. */
    uint64_t m = vset_manifest_file_number(vs);
    cr_assert_neq(m, 1);
    uint64_t *obs;
    size_t n_obs;
    shale_mutex_lock(&g_mu);
    cr_assert_eq(vset_take_obsolete_manifests(vs, &obs, &n_obs, NULL), SHALE_OK);
    shale_mutex_unlock(&g_mu);
    cr_assert_eq(n_obs, 1);
    cr_assert_eq(obs[0], 1);
    free(obs);

    version_edit_clear(&ve);
    version_edit_delete_file(&ve, 0, f1, NULL);
    version_edit_delete_file(&ve, 0, f2, NULL);
    uint64_t f3 = vset_new_file_number(vs);
    add_file(&ve, 1, f3, "a", "k", 0, 2500);
    apply_ok(vs, &ve);
    cr_assert_eq(vset_manifest_file_number(vs), m);  /* appended */

    uint64_t *live;
    size_t n_live;
    shale_mutex_lock(&g_mu);
    cr_assert_eq(vset_live_files(vs, &live, &n_live, NULL), SHALE_OK);
    shale_mutex_unlock(&g_mu);
    cr_assert_eq(n_live, 1);  /* the old versions are gone */
    cr_assert_eq(live[0], f3);
    free(live);

    char before[256], after[256];
    layout(vs, before, sizeof before);
    uint64_t next = vset_next_file_number(vs);
    vset_free(vs);

    vs = recover_ok(env, g_dir);
    layout(vs, after, sizeof after);
    cr_assert_str_eq(after, before);
    cr_assert_eq(vset_manifest_file_number(vs), m);
    cr_assert_eq(vset_log_number(vs), f2 + 1);
    cr_assert_eq(vset_last_sequence(vs), 9);
    cr_assert_geq(vset_next_file_number(vs), next);
    cr_assert_eq(vset_current(vs)->files[1][0]->file_size, 2500);
    vset_free(vs);
    version_edit_deinit(&ve);
}

Test(vset, live_files_include_versions_still_referenced)
{
    shale_env *env = shale_env_default();
    cr_assert_eq(vset_create_new_db(env, g_dir, NULL), SHALE_OK);
    vset *vs = recover_ok(env, g_dir);
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 0, 7, "a", "b", 1, 10);
    vset_mark_file_number_used(vs, 7);
    apply_ok(vs, &ve);
    shale_mutex_lock(&g_mu);
    version *old = vset_current(vs);
    version_ref(old);
    shale_mutex_unlock(&g_mu);
    version_edit_clear(&ve);
    version_edit_delete_file(&ve, 0, 7, NULL);
    add_file(&ve, 1, 8, "a", "b", 1, 10);
    vset_mark_file_number_used(vs, 8);
    apply_ok(vs, &ve);
    uint64_t *live;
    size_t n;
    shale_mutex_lock(&g_mu);
    cr_assert_eq(vset_live_files(vs, &live, &n, NULL), SHALE_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(live[0], 7);
    cr_assert_eq(live[1], 8);
    free(live);
    version_unref(old);
    cr_assert_eq(vset_live_files(vs, &live, &n, NULL), SHALE_OK);
    shale_mutex_unlock(&g_mu);
    cr_assert_eq(n, 1);
    cr_assert_eq(live[0], 8);
    free(live);
    vset_free(vs);
    version_edit_deinit(&ve);
}

/* ---- ldb reads what we write ---------------------------------------------- */

Test(vset, ldb_reads_our_manifest_over_the_fixture_tables)
{
    /* Learn the fixture tables' metadata from the fixture MANIFEST. */
    char *src = test_tmpdir("vset_src");
    copy_fixture_db(src);
    vset *fx = recover_ok(shale_env_default(), src);
    version *fv = vset_current(fx);
    version_edit ve;
    version_edit_init(&ve);
    for (int level = 0; level < fv->num_levels; level++)
        for (size_t i = 0; i < fv->n_files[level]; i++) {
            ve_file_meta m;
            file_meta_to_edit(fv->files[level][i], level, &m);
            cr_assert_eq(version_edit_add_file(&ve, &m, NULL), SHALE_OK);
        }
    version_edit_set_log_number(&ve, 13);

    /* A new DB of ours naming those tables, plus the fixture WAL. */
    cr_assert_eq(vset_create_new_db(shale_env_default(), g_dir, NULL), SHALE_OK);
    copy_fixture_file("db/000012.sst", g_dir);
    copy_fixture_file("db/000014.sst", g_dir);
    copy_fixture_file("db/000013.log", g_dir);
    vset *vs = recover_ok(shale_env_default(), g_dir);
    vset_mark_file_number_used(vs, 14);
    vset_set_last_sequence(vs, 3617);
    apply_ok(vs, &ve);
    uint64_t m = vset_manifest_file_number(vs);
    vset_free(vs);
    vset_free(fx);
    test_rmtree(src);
    free(src);
    version_edit_deinit(&ve);

    char cmd[4400];
    int status;
    snprintf(cmd, sizeof cmd, "ldb manifest_dump --path=%s/MANIFEST-%06" PRIu64 " 2>&1", g_dir, m);
    char *out = test_run(cmd, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert(strstr(out, "log number: 13") != NULL, "%s", out);
    cr_assert(strstr(out, " 14:4874[3517 .. 3617]") != NULL, "%s", out);
    cr_assert(strstr(out, " 12:95779[0 .. 0]") != NULL, "%s", out);
    free(out);

    snprintf(cmd, sizeof cmd, "ldb --db=%s checkconsistency 2>&1", g_dir);
    out = test_run(cmd, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert(strstr(out, "OK") != NULL, "%s", out);
    free(out);

    /* Tables + WAL replay give exactly the fixture's live keys. */
    char *expected_path = fixture_path("db.expected.txt");
    snprintf(cmd, sizeof cmd,
             "ldb --db=%s scan --hex | awk '{print tolower(substr($1,3)) \" \" "
             "tolower(substr($3,3))}' > %s/scan.txt && grep -v '^#' %s | cmp - %s/scan.txt "
             "&& wc -l < %s/scan.txt",
             g_dir, g_dir, expected_path, g_dir, g_dir);
    out = test_run(cmd, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_eq(atoi(out), 3106, "%s", out);
    free(out);
    free(expected_path);
}

/* ---- recovery refusals ---------------------------------------------------- */

static void write_manifest(const char *dir, uint64_t number, version_edit *edits, size_t n)
{
    shale_env *env = shale_env_default();
    char *path = filename_path(dir, FILE_MANIFEST, number);
    shale_file *f;
    log_writer *w;
    cr_assert_eq(shale_env_open_write(env, path, &f, NULL), SHALE_OK);
    cr_assert_eq(log_writer_open(f, number, false, 0, &w, NULL), SHALE_OK);
    for (size_t i = 0; i < n; i++) {
        shale_buf b = SHALE_BUF_INIT;
        cr_assert_eq(version_edit_encode(&edits[i], &b, NULL), SHALE_OK);
        cr_assert_eq(log_writer_add_record(w, shale_buf_slice(&b), NULL), SHALE_OK);
        shale_buf_deinit(&b);
    }
    cr_assert_eq(log_writer_sync(w, NULL), SHALE_OK);
    log_writer_close(w, NULL);
    shale_file_close(f, NULL);
    free(path);
    cr_assert_eq(set_current_file(env, dir, number, NULL), SHALE_OK);
}

static int recover_code(shale_err *err)
{
    vset *vs = open_vset(shale_env_default(), g_dir);
    int rc = vset_recover(vs, err);
    vset_free(vs);
    return rc;
}

Test(vset, missing_counters_are_corruption_naming_them)
{
    version_edit ve;
    version_edit_init(&ve);
    version_edit_set_comparator(&ve, slice_from_str("leveldb.BytewiseComparator"), NULL);
    version_edit_set_next_file_number(&ve, 3);
    write_manifest(g_dir, 2, &ve, 1);
    shale_err err = {0};
    cr_assert_eq(recover_code(&err), SHALE_CORRUPTION);
    cr_assert(strstr(err.msg, "no log_file_number, next_file_number, last_sequence entry in "
                              "MANIFEST") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "log_file_number last_sequence)") != NULL, "%s", err.msg);
    version_edit_deinit(&ve);
}

Test(vset, other_comparator_and_unopened_column_families_are_refused)
{
    version_edit ve[2];
    version_edit_init(&ve[0]);
    version_edit_init(&ve[1]);
    version_edit_set_comparator(&ve[0], slice_from_str("rocksdb.ReverseBytewiseComparator"), NULL);
    version_edit_set_log_number(&ve[0], 0);
    version_edit_set_next_file_number(&ve[0], 3);
    version_edit_set_last_sequence(&ve[0], 0);
    write_manifest(g_dir, 2, ve, 1);
    shale_err err = {0};
    cr_assert_eq(recover_code(&err), SHALE_INVALID_ARGUMENT);

    version_edit_set_comparator(&ve[0], slice_from_str("leveldb.BytewiseComparator"), NULL);
    version_edit_add_column_family(&ve[1], 1, slice_from_str("cf1"), NULL);
    write_manifest(g_dir, 3, ve, 2);
    cr_assert_eq(recover_code(&err), SHALE_INVALID_ARGUMENT);
    cr_assert_str_eq(err.msg, "Column families not opened: cf1");
    version_edit_deinit(&ve[0]);
    version_edit_deinit(&ve[1]);
}

Test(vset, torn_last_record_ends_the_manifest)
{
    shale_env *env = shale_env_default();
    cr_assert_eq(vset_create_new_db(env, g_dir, NULL), SHALE_OK);
    vset *vs = recover_ok(env, g_dir);
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 0, 10, "a", "b", 1, 10);
    vset_mark_file_number_used(vs, 10);
    apply_ok(vs, &ve);
    version_edit_clear(&ve);
    add_file(&ve, 0, 11, "c", "d", 2, 10);
    vset_mark_file_number_used(vs, 11);
    apply_ok(vs, &ve);
    uint64_t m = vset_manifest_file_number(vs);
    uint64_t size = vset_manifest_file_size(vs);
    vset_free(vs);
    char *path = filename_path(g_dir, FILE_MANIFEST, m);
    cr_assert_eq(env->ops->truncate(env, path, size - 3, NULL), SHALE_OK);
    free(path);
    vs = recover_ok(env, g_dir);
    char got[128];
    layout(vs, got, sizeof got);
    cr_assert_str_eq(got, "0:10 ");
    vset_free(vs);
    version_edit_deinit(&ve);
}

/* ---- crash safety ----------------------------------------------------------- */

Test(vset, failed_manifest_sync_installs_nothing_and_recovery_keeps_the_old_state)
{
    shale_env *env = fault_env_new(shale_env_default());
    cr_assert_eq(vset_create_new_db(env, g_dir, NULL), SHALE_OK);
    vset *vs = recover_ok(env, g_dir);
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 0, 10, "a", "b", 1, 10);
    vset_mark_file_number_used(vs, 10);
    apply_ok(vs, &ve);
    version *before = vset_current(vs);
    uint64_t m = vset_manifest_file_number(vs);

    version_edit_clear(&ve);
    add_file(&ve, 0, 11, "c", "d", 2, 10);
    vset_mark_file_number_used(vs, 11);
    fault_env_fail_nth(env, FAULT_OP_SYNC, 1, EIO, false);
    shale_err err = {0};
    cr_assert_eq(apply(vs, &ve, &err), SHALE_IO_ERROR);
    cr_assert_eq(vset_current(vs), before);
    cr_assert_eq(vset_current(vs)->n_files[0], 1);

    /* Power loss now: the unsynced edit is gone; CURRENT still names m. */
    cr_assert_eq(fault_env_simulate_power_loss(env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    vset_free(vs);
    vs = recover_ok(env, g_dir);
    char got[128];
    layout(vs, got, sizeof got);
    cr_assert_str_eq(got, "0:10 ");
    cr_assert_eq(vset_manifest_file_number(vs), m);
    vset_free(vs);
    version_edit_deinit(&ve);
    fault_env_free(env);
}

Test(vset, after_a_failed_write_the_next_edit_starts_a_new_manifest)
{
    shale_env *env = fault_env_new(shale_env_default());
    cr_assert_eq(vset_create_new_db(env, g_dir, NULL), SHALE_OK);
    vset *vs = recover_ok(env, g_dir);
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 0, 10, "a", "b", 1, 10);
    vset_mark_file_number_used(vs, 10);
    apply_ok(vs, &ve);
    uint64_t m1 = vset_manifest_file_number(vs);

    version_edit_clear(&ve);
    add_file(&ve, 0, 11, "c", "d", 2, 10);
    vset_mark_file_number_used(vs, 11);
    fault_env_fail_nth(env, FAULT_OP_WRITE, 1, ENOSPC, false);
    cr_assert_eq(apply(vs, &ve, NULL), SHALE_IO_ERROR);

    version_edit_clear(&ve);
    add_file(&ve, 0, 12, "e", "f", 3, 10);
    vset_mark_file_number_used(vs, 12);
    apply_ok(vs, &ve);
    uint64_t m2 = vset_manifest_file_number(vs);
    cr_assert_gt(m2, m1);
    vset_free(vs);
    vs = recover_ok(env, g_dir);
    char got[128];
    layout(vs, got, sizeof got);
    cr_assert_str_eq(got, "0:12 0:10 ");
    cr_assert_eq(vset_manifest_file_number(vs), m2);
    vset_free(vs);
    version_edit_deinit(&ve);
    fault_env_free(env);
}

Test(vset, power_loss_before_current_dir_sync_recovers_the_old_manifest)
{
    shale_env *env = fault_env_new(shale_env_default());
    cr_assert_eq(vset_create_new_db(env, g_dir, NULL), SHALE_OK);
    vset *vs = recover_ok(env, g_dir);
    version_edit ve;
    version_edit_init(&ve);
    add_file(&ve, 0, 10, "a", "b", 1, 10);
    vset_mark_file_number_used(vs, 10);
    /* The new MANIFEST is written and synced, CURRENT renamed, and the
     * directory sync fails: the rename is not durable. */
    fault_env_fail_nth(env, FAULT_OP_SYNC_DIR, 1, EIO, false);
    cr_assert_eq(apply(vs, &ve, NULL), SHALE_IO_ERROR);
    cr_assert_eq(vset_current(vs)->n_files[0], 0);
    cr_assert_eq(fault_env_simulate_power_loss(env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    vset_free(vs);
    vs = recover_ok(env, g_dir);
    cr_assert_eq(vset_manifest_file_number(vs), 1);
    cr_assert_eq(vset_current(vs)->n_files[0], 0);
    vset_free(vs);
    version_edit_deinit(&ve);
    fault_env_free(env);
}

/* ---- concurrency -------------------------------------------------------------- */

typedef struct worker {
    vset *vs;
    uint64_t first;
    int rc;
} worker;

static void *apply_many(void *arg)
{
    worker *w = arg;
    for (uint64_t i = 0; i < 20 && w->rc == SHALE_OK; i++) {
        version_edit ve;
        version_edit_init(&ve);
        char k[16];
        snprintf(k, sizeof k, "k%04" PRIu64, w->first + i);
        add_file(&ve, 0, w->first + i, k, k, w->first + i, 10);
        w->rc = apply(w->vs, &ve, NULL);
        version_edit_deinit(&ve);
    }
    return NULL;
}

Test(vset, concurrent_log_and_apply_callers_are_serialized)
{
    shale_env *env = shale_env_default();
    cr_assert_eq(vset_create_new_db(env, g_dir, NULL), SHALE_OK);
    vset *vs = recover_ok(env, g_dir);
    vset_mark_file_number_used(vs, 200);
    worker w[2] = {{vs, 100, SHALE_OK}, {vs, 150, SHALE_OK}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, apply_many, &w[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    cr_assert_eq(w[0].rc, SHALE_OK);
    cr_assert_eq(w[1].rc, SHALE_OK);
    cr_assert_eq(vset_current(vs)->n_files[0], 40);
    vset_free(vs);
    vs = recover_ok(env, g_dir);
    cr_assert_eq(vset_current(vs)->n_files[0], 40);
    vset_free(vs);
}

/* Families: created and dropped through the MANIFEST, each with its own
 * files and log number; a fresh MANIFEST (after reopen) carries them all;
 * listing and recovery see the same set. */
Test(vset, column_families_survive_reopen_and_a_new_manifest)
{
    shale_env *env = shale_env_default();
    cr_assert_eq(vset_create_new_db(env, g_dir, NULL), SHALE_OK);
    vset *vs = recover_ok(env, g_dir);
    version_cf_options o;
    version_cf_options_default(&o);
    vset_cf *a = NULL, *b = NULL;
    shale_err err = {0};
    shale_mutex_lock(&g_mu);
    cr_assert_eq(vset_create_cf(vs, "a", &o, 7, &g_mu, &a, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(vset_create_cf(vs, "b", &o, 7, &g_mu, &b, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(vset_create_cf(vs, "a", &o, 7, &g_mu, &a, &err), SHALE_INVALID_ARGUMENT);
    shale_mutex_unlock(&g_mu);
    cr_assert_eq(vset_find_cf_by_name(vs, "a")->id, 1);
    cr_assert_eq(vset_find_cf_by_name(vs, "b")->id, 2);
    version_edit ve;
    version_edit_init(&ve);
    vset_mark_file_number_used(vs, 20);
    add_file(&ve, 0, 11, "k", "m", 1, 5);
    ve.column_family = 1;
    version_edit_set_log_number(&ve, 9);
    apply_ok(vs, &ve);
    version_edit_clear(&ve);
    add_file(&ve, 1, 12, "x", "z", 6, 8);
    ve.column_family = 2;
    apply_ok(vs, &ve);
    version_edit_clear(&ve);
    shale_mutex_lock(&g_mu);
    cr_assert_eq(vset_drop_cf(vs, vset_find_cf_by_name(vs, "b"), &g_mu, &err), SHALE_OK);
    shale_mutex_unlock(&g_mu);
    cr_assert_null(vset_find_cf_by_name(vs, "b"));
    uint64_t *live = NULL;
    size_t n_live = 0;
    cr_assert_eq(vset_live_files(vs, &live, &n_live, NULL), SHALE_OK);
    cr_assert_eq(n_live, 2, "a dropped family's files stay live until released");
    free(live);
    shale_mutex_lock(&g_mu);
    vset_release_cf(vs, b);
    shale_mutex_unlock(&g_mu);
    cr_assert_eq(vset_live_files(vs, &live, &n_live, NULL), SHALE_OK);
    cr_assert_eq(n_live, 1);
    free(live);
    vset_free(vs);

    char **names = NULL;
    size_t n = 0;
    cr_assert_eq(vset_list_cfs(env, g_dir, &names, &n, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(names[0], "default");
    cr_assert_str_eq(names[1], "a");
    shale_env_free_names(names, n);

    cr_assert_eq(recover_code(&err), SHALE_INVALID_ARGUMENT);
    cr_assert_str_eq(err.msg, "Column families not opened: a");
    for (int round = 0; round < 2; round++) {   /* round 1 reads the MANIFEST round 0 wrote */
        vs = open_vset(env, g_dir);
        vset_cf_desc d = {"a", o};
        cr_assert_eq(vset_recover_cfs(vs, &d, 1, &err), SHALE_OK, "%s", err.msg);
        vset_cf *ra = vset_find_cf_by_name(vs, "a");
        cr_assert_not_null(ra);
        cr_assert_eq(ra->id, 1);
        cr_assert_eq(ra->log_number, 9);
        cr_assert_eq(version_num_files(ra->current, 0), 1);
        cr_assert_eq(ra->current->files[0][0]->number, 11);
        cr_assert_eq(version_num_files(vset_current(vs), 0), 0);
        version_edit_clear(&ve);
        apply_ok(vs, &ve);   /* the first write after recovery starts a new MANIFEST */
        shale_mutex_lock(&g_mu);
        vset_cf *c = NULL;
        cr_assert_eq(vset_create_cf(vs, round == 0 ? "c" : "d", &o, 7, &g_mu, &c, &err),
                     SHALE_OK);
        cr_assert_eq(c->id, (uint32_t)(3 + round), "ids are never reused, even after a drop");
        cr_assert_eq(vset_drop_cf(vs, c, &g_mu, &err), SHALE_OK);
        shale_mutex_unlock(&g_mu);
        vset_free(vs);
    }
    version_edit_deinit(&ve);
}
