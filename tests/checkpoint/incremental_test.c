/* tests/checkpoint/incremental_test.c: incremental checkpoints into a
 * directory storage: restore equals the state at the checkpoint (full
 * comparison) across random workloads and retention; the stored bytes of a
 * checkpoint after a 1% change; retention never drops a needed file;
 * the two phases with writes in between; cancellation; the coordinator. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint/ckpt_io.h"
#include "checkpoint/ckpt_store.h"
#include "tests/checkpoint/ckpt_util.h"
#include "tests/support/test_util.h"

static char *g_tmp, *g_db, *g_root;

static void setup(void)
{
    g_tmp = test_tmpdir("ckpt-inc");
    cr_assert_not_null(g_tmp);
    g_db = cu_join(g_tmp, "db");
    g_root = cu_join(g_tmp, "store");
}

static void teardown(void)
{
    test_rmtree(g_tmp);
    free(g_tmp), free(g_db), free(g_root);
}

TestSuite(incremental, .init = setup, .fini = teardown);

static void restore_and_compare(shale_ckpt_store *s, uint64_t id, const kv_dump *want)
{
    char name[64];
    snprintf(name, sizeof name, "restore-%llu", (unsigned long long)id);
    char *dir = cu_join(g_tmp, name);
    shale_err err = {0};
    cr_assert_eq(shale_ckpt_restore(s, id, dir, &err), SHALE_OK, "restore %llu: %s",
                 (unsigned long long)id, err.msg);
    kv_dump got = cu_dump_dir(dir);
    cr_assert_eq(got.count, want->count, "checkpoint %llu", (unsigned long long)id);
    cr_assert_str_eq(got.text, want->text, "checkpoint %llu differs", (unsigned long long)id);
    cu_dump_free(&got);
    test_rmtree(dir);
    free(dir);
}

/* Every shared file in storage is listed by a retained checkpoint, and
 * every retained checkpoint verifies (no file it needs is gone). */
static void check_storage_invariants(shale_ckpt_store *s)
{
    shale_err err = {0};
    shale_ckpt_info *v = NULL;
    size_t n = 0;
    cr_assert_eq(shale_ckpt_store_list(s, &v, &n, &err), SHALE_OK);
    size_t referenced = 0;
    shale_mutex_lock(&s->mu.lock);
    referenced = s->mu.n_shared;
    shale_mutex_unlock(&s->mu.lock);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(shale_ckpt_verify(s, v[i].id, &err), SHALE_OK, "checkpoint %llu: %s",
                     (unsigned long long)v[i].id, err.msg);
    char *shared = cu_join(g_root, "shared");
    cr_assert_eq((size_t)cu_count_entries(shared), referenced,
                 "shared/ holds files no retained checkpoint lists");
    free(shared);
    shale_free(v);
}

Test(incremental, restores_equal_the_state_at_each_retained_checkpoint)
{
    shale_ckpt_storage *st = NULL;
    shale_ckpt_store *s = cu_store(&st, g_root, 3);
    shale_db *db = cu_open(g_db, 64 << 10, true);
    kv_dump states[8] = {{0}};
    uint64_t ids[8];
    shale_err err = {0};
    for (int round = 0; round < 8; round++) {
        cu_random_writes(db, 100 + (uint32_t)round, 1500, 3000, 50);
        states[round] = cu_dump(db);
        shale_ckpt_metrics m;
        cr_assert_eq(shale_ckpt_take(s, db, &m, &err), SHALE_OK, "%s", err.msg);
        ids[round] = m.id;
        cr_assert_eq(m.files_total, m.files_stored + m.files_reused);
        cr_assert_geq(m.full_size, m.stored_size);
        check_storage_invariants(s);
    }
    shale_ckpt_info *v = NULL;
    size_t n = 0;
    cr_assert_eq(shale_ckpt_store_list(s, &v, &n, &err), SHALE_OK);
    cr_assert_eq(n, 3, "retention keeps the newest 3");
    for (int i = 0; i < 3; i++)
        cr_assert_eq(v[i].id, ids[5 + i]);
    shale_free(v);
    cu_close(db);
    for (int round = 5; round < 8; round++)
        restore_and_compare(s, ids[round], &states[round]);
    uint64_t old = ids[4];
    char *dir = cu_join(g_tmp, "gone");
    cr_assert_eq(shale_ckpt_restore(s, old, dir, &err), SHALE_NOT_FOUND);
    cr_assert_eq(cu_count_entries(dir), -1);
    for (int i = 0; i < 8; i++)
        cu_dump_free(&states[i]);
    free(dir);
    cr_assert_eq(shale_ckpt_store_close(s, false, &err), SHALE_OK);
    /* Reopening rebuilds the same view from storage alone. */
    s = cu_store(&st, g_root, 3);
    uint64_t latest = 0;
    cr_assert_eq(shale_ckpt_store_latest(s, &latest, &err), SHALE_OK);
    cr_assert_eq(latest, ids[7]);
    check_storage_invariants(s);
    (void)shale_ckpt_store_close(s, false, NULL);
    shale_ckpt_storage_free(st);
}

static void small_change_case(bool auto_compactions)
{
    shale_ckpt_storage *st = NULL;
    shale_ckpt_store *s = cu_store(&st, g_root, 1);
    shale_db *db = cu_open(g_db, 1 << 20, auto_compactions);
    const uint32_t keys = 40000;
    cu_fill(db, 5, keys, 100);
    shale_err err = {0};
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK);
    cr_assert_eq(shale_wait_for_compact(db, &err), SHALE_OK);
    shale_ckpt_metrics m1, m2;
    cr_assert_eq(shale_ckpt_take(s, db, &m1, &err), SHALE_OK, "%s", err.msg);
    cu_random_writes(db, 77, (int)(keys / 100), keys, 100);   /* ~1% of the keys */
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK);
    kv_dump want = cu_dump(db);
    cr_assert_eq(shale_ckpt_take(s, db, &m2, &err), SHALE_OK, "%s", err.msg);
    double pct = 100.0 * (double)m2.stored_size / (double)m2.full_size;
    cr_log_info("1%% change, compactions %s: full %llu bytes, stored %llu bytes (%.2f%%), "
                "files %u stored %u reused; first checkpoint stored %llu",
                auto_compactions ? "on" : "off", (unsigned long long)m2.full_size,
                (unsigned long long)m2.stored_size, pct, m2.files_stored, m2.files_reused,
                (unsigned long long)m1.stored_size);
    printf("checkpoint after 1%% change (compactions %s): stored %llu of %llu bytes = %.2f%%\n",
           auto_compactions ? "on" : "off", (unsigned long long)m2.stored_size,
           (unsigned long long)m2.full_size, pct);
    cr_assert_eq(m1.stored_size, m1.full_size, "the first checkpoint stores everything");
    cr_assert_gt(m2.files_reused, 0);
    cr_assert_lt(pct, 5.0, "stored %.2f%% of the state", pct);
    cr_assert_gt(m2.files_deleted, 0, "retention of 1 removed checkpoint 1's private files");
    cu_close(db);
    restore_and_compare(s, m2.id, &want);
    cu_dump_free(&want);
    (void)shale_ckpt_store_close(s, false, NULL);
    shale_ckpt_storage_free(st);
}

Test(incremental, one_percent_change_stores_under_five_percent)
{
    small_change_case(false);
}

Test(incremental, one_percent_change_stores_under_five_percent_with_compactions_on)
{
    small_change_case(true);
}

Test(incremental, writes_between_the_phases_are_not_in_the_checkpoint)
{
    shale_ckpt_storage *st = NULL;
    shale_ckpt_store *s = cu_store(&st, g_root, 1);
    shale_db *db = cu_open(g_db, 64 << 10, true);
    cu_random_writes(db, 11, 3000, 2000, 60);
    kv_dump want = cu_dump(db);
    shale_ckpt_pending *p = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_ckpt_start(s, db, &p, &err), SHALE_OK, "%s", err.msg);
    cu_random_writes(db, 12, 3000, 2000, 60);     /* the application keeps writing */
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
    shale_ckpt_metrics m;
    cr_assert_eq(shale_ckpt_finish(p, &m, &err), SHALE_OK, "%s", err.msg);
    cr_assert_gt(m.sync_micros, 0);
    cr_assert_gt(m.async_micros, 0);
    cu_close(db);
    restore_and_compare(s, m.id, &want);
    cu_dump_free(&want);
    (void)shale_ckpt_store_close(s, false, NULL);
    shale_ckpt_storage_free(st);
}

Test(incremental, cancelled_checkpoint_leaves_storage_as_it_was)
{
    shale_ckpt_storage *st = NULL;
    shale_ckpt_store *s = cu_store(&st, g_root, 2);
    shale_db *db = cu_open(g_db, 64 << 10, true);
    cu_random_writes(db, 21, 2000, 2000, 60);
    shale_err err = {0};
    cr_assert_eq(shale_ckpt_take(s, db, NULL, &err), SHALE_OK, "%s", err.msg);
    char *before = cu_tree(g_root);
    cu_random_writes(db, 22, 2000, 2000, 60);
    shale_ckpt_pending *p = NULL;
    cr_assert_eq(shale_ckpt_start(s, db, &p, &err), SHALE_OK, "%s", err.msg);
    shale_ckpt_cancel(p);
    cr_assert_eq(shale_ckpt_finish(p, NULL, &err), SHALE_INCOMPLETE);
    char *after = cu_tree(g_root);
    cr_assert_str_eq(after, before);
    cr_assert_eq(shale_ckpt_start(s, db, &p, &err), SHALE_OK, "%s", err.msg);
    shale_ckpt_abort(p);
    free(after);
    after = cu_tree(g_root);
    cr_assert_str_eq(after, before);
    check_storage_invariants(s);
    free(before), free(after);
    cu_close(db);
    (void)shale_ckpt_store_close(s, false, NULL);
    shale_ckpt_storage_free(st);
}

static void cancel_case(bool retain)
{
    shale_err err = {0};
    shale_ckpt_storage *st = NULL;
    cr_assert_eq(shale_ckpt_storage_dir_open(g_root, &st, &err), SHALE_OK);
    shale_ckpt_options *o = shale_ckpt_options_new();
    shale_ckpt_options_set_num_retained(o, 2);
    shale_ckpt_options_set_retain_on_cancellation(o, retain);
    shale_ckpt_store *s = NULL;
    cr_assert_eq(shale_ckpt_store_open(st, o, false, &s, &err), SHALE_OK);
    shale_ckpt_options_free(o);
    shale_db *db = cu_open(g_db, 64 << 10, true);
    for (int i = 0; i < 3; i++) {
        cu_random_writes(db, 30 + (uint32_t)i, 1000, 2000, 60);
        cr_assert_eq(shale_ckpt_take(s, db, NULL, &err), SHALE_OK, "%s", err.msg);
    }
    cu_close(db);
    cr_assert_eq(shale_ckpt_store_close(s, true, &err), SHALE_OK);
    char *shared = cu_join(g_root, "shared");
    int n_root = cu_count_entries(g_root), n_shared = cu_count_entries(shared);
    if (retain) {
        cr_assert_eq(n_root, 3, "shared/ and two checkpoints");
        cr_assert_gt(n_shared, 0);
    } else {
        cr_assert_eq(n_root, 1, "only the empty shared/ is left");
        cr_assert_eq(n_shared, 0);
    }
    free(shared);
    shale_ckpt_storage_free(st);
}

Test(incremental, cancellation_deletes_checkpoints_unless_retained)
{
    cancel_case(false);
}

Test(incremental, retain_on_cancellation_keeps_checkpoints)
{
    cancel_case(true);
}

typedef struct seen {
    shale_mutex mu;
    int completed, failed;
    uint64_t last_id;
} seen;

static void on_done(void *arg, const shale_ckpt_metrics *m)
{
    seen *s = arg;
    shale_mutex_lock(&s->mu);
    s->completed++;
    s->last_id = m->id;
    shale_mutex_unlock(&s->mu);
}

static void on_fail(void *arg, uint64_t id, const shale_err *err)
{
    seen *s = arg;
    shale_mutex_lock(&s->mu);
    s->failed++;
    shale_mutex_unlock(&s->mu);
}

Test(incremental, coordinator_takes_checkpoints_while_the_application_writes)
{
    shale_ckpt_storage *st = NULL;
    shale_ckpt_store *s = cu_store(&st, g_root, 2);
    shale_db *db = cu_open(g_db, 64 << 10, true);
    seen sn = {0};
    shale_mutex_init(&sn.mu);
    shale_ckpt_coordinator_options o;
    shale_ckpt_coordinator_options_init(&o);
    cr_assert_eq(o.timeout_ms, 600000);
    cr_assert_eq(o.max_concurrent, 1);
    cr_assert_eq(o.min_pause_ms, 0);
    o.interval_ms = 20;
    o.min_pause_ms = 100;
    o.on_complete = on_done;
    o.on_failure = on_fail;
    o.arg = &sn;
    shale_ckpt_coordinator *c = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_ckpt_coordinator_start(s, db, &o, &c, &err), SHALE_OK, "%s", err.msg);
    uint64_t t0 = ckpt_now_micros();
    for (uint32_t i = 1; i <= 40; i++) {
        cu_write_round(db, i, 300);
        usleep(15000);
    }
    uint64_t elapsed_ms = (ckpt_now_micros() - t0) / 1000;
    uint64_t completed = 0, failed = 0;
    shale_ckpt_coordinator_stop(c, &completed, &failed);
    cr_assert_eq(failed, 0);
    cr_assert_eq((int)completed, sn.completed);
    cr_assert_geq(completed, 2, "%llu checkpoints in %llu ms", (unsigned long long)completed,
                  (unsigned long long)elapsed_ms);
    /* min pause 100 ms between one's end and the next start bounds the count */
    cr_assert_leq(completed, elapsed_ms / 100 + 2);
    cu_close(db);
    uint64_t latest = 0;
    cr_assert_eq(shale_ckpt_store_latest(s, &latest, &err), SHALE_OK);
    cr_assert_eq(latest, sn.last_id);
    char *dir = cu_join(g_tmp, "r");
    cr_assert_eq(shale_ckpt_restore(s, latest, dir, &err), SHALE_OK, "%s", err.msg);
    uint32_t round = cu_check_rounds(dir, 300);   /* one consistent round */
    cr_assert_geq(round, 1);
    cr_assert_leq(round, 40);
    check_storage_invariants(s);
    free(dir);
    shale_mutex_deinit(&sn.mu);
    (void)shale_ckpt_store_close(s, false, NULL);
    shale_ckpt_storage_free(st);
}

Test(incremental, coordinator_refuses_a_zero_interval)
{
    shale_ckpt_coordinator_options o;
    shale_ckpt_coordinator_options_init(&o);
    shale_ckpt_coordinator *c = (shale_ckpt_coordinator *)1;
    shale_err err = {0};
    cr_assert_eq(shale_ckpt_coordinator_start(NULL, NULL, &o, &c, &err), SHALE_INVALID_ARGUMENT);
    cr_assert_null(c);
}

Test(incremental, a_restored_checkpoint_is_consistent_for_rocksdb_ldb)
{
    cr_assert(test_have_program("ldb"), "Debian's RocksDB ldb is the oracle");
    shale_ckpt_storage *st = NULL;
    shale_ckpt_store *s = cu_store(&st, g_root, 1);
    shale_db *db = cu_open(g_db, 64 << 10, true);
    shale_err err = {0};
    for (int i = 0; i < 3; i++) {
        cu_random_writes(db, 90 + (uint32_t)i, 1500, 2000, 40);
        cr_assert_eq(shale_ckpt_take(s, db, NULL, &err), SHALE_OK, "%s", err.msg);
    }
    kv_dump want = cu_dump(db);
    cu_close(db);
    uint64_t id = 0;
    cr_assert_eq(shale_ckpt_store_latest(s, &id, &err), SHALE_OK);
    char *dir = cu_join(g_tmp, "r");
    cr_assert_eq(shale_ckpt_restore(s, id, dir, &err), SHALE_OK, "%s", err.msg);
    char cmd[1024];
    int status = -1;
    snprintf(cmd, sizeof cmd, "ldb --db='%s' checkconsistency 2>&1", dir);
    char *out = test_run(cmd, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_str_eq(out, "OK\n");
    free(out);
    snprintf(cmd, sizeof cmd, "ldb --db='%s' scan 2>&1 | wc -l", dir);
    out = test_run(cmd, &status);
    cr_assert_eq((size_t)strtoull(out, NULL, 10), want.count, "ldb scans %s lines", out);
    free(out);
    cu_dump_free(&want);
    free(dir);
    (void)shale_ckpt_store_close(s, false, NULL);
    shale_ckpt_storage_free(st);
}

/* A storage that is slow to accept files: the directory storage behind a
 * 30 ms delay per put, through the same table of functions (which is also
 * how an object store plugs in). */
typedef struct slow_storage {
    shale_ckpt_storage base;
    shale_ckpt_storage *in;
} slow_storage;

#define IN(s) (((slow_storage *)(s))->in)
static int sl_put_file(shale_ckpt_storage *s, const char *src, uint64_t max, const char *name,
                       const volatile bool *cancel, uint64_t *size, uint32_t *crc,
                       shale_err *err)
{
    usleep(30000);
    return IN(s)->ops->put_file(IN(s), src, max, name, cancel, size, crc, err);
}
static int sl_put_data(shale_ckpt_storage *s, const char *n, const void *d, size_t l,
                       shale_err *e)
{ return IN(s)->ops->put_data(IN(s), n, d, l, e); }
static int sl_read(shale_ckpt_storage *s, const char *n, uint64_t o, size_t l, char *b,
                   size_t *g, shale_err *e)
{ return IN(s)->ops->read(IN(s), n, o, l, b, g, e); }
static int sl_size(shale_ckpt_storage *s, const char *n, uint64_t *z, shale_err *e)
{ return IN(s)->ops->size(IN(s), n, z, e); }
static int sl_list(shale_ckpt_storage *s, const char *d, char ***v, size_t *n, shale_err *e)
{ return IN(s)->ops->list(IN(s), d, v, n, e); }
static int sl_remove(shale_ckpt_storage *s, const char *n, shale_err *e)
{ return IN(s)->ops->remove(IN(s), n, e); }
static int sl_rename(shale_ckpt_storage *s, const char *a, const char *b, shale_err *e)
{ return IN(s)->ops->rename(IN(s), a, b, e); }
static int sl_mkdir(shale_ckpt_storage *s, const char *d, shale_err *e)
{ return IN(s)->ops->mkdir(IN(s), d, e); }
static int sl_rmdir(shale_ckpt_storage *s, const char *d, shale_err *e)
{ return IN(s)->ops->rmdir(IN(s), d, e); }
static int sl_sync_dir(shale_ckpt_storage *s, const char *d, shale_err *e)
{ return IN(s)->ops->sync_dir(IN(s), d, e); }
static void sl_describe(shale_ckpt_storage *s, const char *n, char *b, size_t l)
{ IN(s)->ops->describe(IN(s), n, b, l); }
static void sl_free(shale_ckpt_storage *s)
{
    shale_ckpt_storage_free(IN(s));
    free(s);
}
static const shale_ckpt_storage_ops SLOW_OPS = {
    sl_put_file, sl_put_data, sl_read, sl_size, sl_list, sl_remove,
    sl_rename, sl_mkdir, sl_rmdir, sl_sync_dir, sl_describe, sl_free,
};

Test(incremental, coordinator_cancels_checkpoints_past_the_timeout)
{
    slow_storage *slow = calloc(1, sizeof *slow);
    cr_assert_not_null(slow);
    slow->base.ops = &SLOW_OPS;
    shale_err err = {0};
    cr_assert_eq(shale_ckpt_storage_dir_open(g_root, &slow->in, &err), SHALE_OK);
    shale_ckpt_store *s = NULL;
    cr_assert_eq(shale_ckpt_store_open(&slow->base, NULL, false, &s, &err), SHALE_OK);
    shale_db *db = cu_open(g_db, 64 << 10, true);
    cu_random_writes(db, 61, 3000, 3000, 60);  /* several files: > 100 ms to store */
    seen sn = {0};
    shale_mutex_init(&sn.mu);
    shale_ckpt_coordinator_options o;
    shale_ckpt_coordinator_options_init(&o);
    o.interval_ms = 10;
    o.timeout_ms = 40;
    o.on_complete = on_done;
    o.on_failure = on_fail;
    o.arg = &sn;
    shale_ckpt_coordinator *c = NULL;
    cr_assert_eq(shale_ckpt_coordinator_start(s, db, &o, &c, &err), SHALE_OK, "%s", err.msg);
    usleep(400000);
    uint64_t completed = 0, failed = 0;
    shale_ckpt_coordinator_stop(c, &completed, &failed);
    cr_assert_eq(completed, 0, "a checkpoint outlived its timeout");
    cr_assert_geq(failed, 1);
    cr_assert_eq((int)failed, sn.failed);
    cr_assert_eq(cu_count_entries(g_root), 1, "cancelled checkpoints left files: only shared/");
    char *shared = cu_join(g_root, "shared");
    cr_assert_eq(cu_count_entries(shared), 0);
    free(shared);
    cu_close(db);
    shale_mutex_deinit(&sn.mu);
    (void)shale_ckpt_store_close(s, false, NULL);
    shale_ckpt_storage_free(&slow->base);
}
