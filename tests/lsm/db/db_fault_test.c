/* tests/lsm/db/db_fault_test.c: I/O errors.  EIO and ENOSPC on WAL append
 * and fsync, SST write and sync (flush and compaction), MANIFEST write and
 * sync, WAL creation and the CURRENT rename, injected through
 * tests/support/fault_env.  What must hold (issues 3 and 6):
 *   - the failing call returns SHALE_IO_ERROR carrying the errno;
 *   - a failure in WAL, flush, compaction or MANIFEST work turns the
 *     database read-only: rocksdb.background-errors is 1 and every later
 *     write fails (invariant 6: after a failed fsync nothing more is
 *     acknowledged), while reads go on;
 *   - nothing acknowledged is lost: after close and a reopen with the
 *     faults cleared every acknowledged write is there.
 * A sweep then fails the n-th operation of each kind for every n of a fixed
 * script (transient and persistent, EIO and ENOSPC) with the same checks.
 *
 * Targeting: an "aim" env sits on top of the fault env and arms the fault
 * env's next operation of a kind just before that operation reaches a file
 * whose path contains a pattern (".log", ".sst", "MANIFEST", "CURRENT"), so
 * a test names the file it means to fail instead of counting operations. */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/db.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/fault_env.h"
#include "tests/support/test_util.h"

/* --- the aim env ------------------------------------------------------------ */

typedef struct aim_env {
    shale_env base;
    shale_env *fe;                 /* the fault env underneath (owned) */
    pthread_mutex_t mu;            /* held from arming through the operation */
    bool armed;
    fault_op op;
    char pattern[32];
    int sys_errno;
} aim_env;

typedef struct aim_file {
    shale_file base;
    shale_file *inner;
    aim_env *env;
} aim_file;

static aim_env *aim_of(shale_env *e) { return (aim_env *)e; }

/* REQUIRES: a->mu held.  Arms the fault env when this op hits the target. */
static void maybe_arm(aim_env *a, fault_op op, const char *path)
{
    if (a->armed && a->op == op && path != NULL && strstr(path, a->pattern) != NULL) {
        fault_env_fail_nth(a->fe, op, 1, a->sys_errno, false);
        a->armed = false;
    }
}

static int af_pread(shale_file *f, uint64_t off, size_t n, char *buf, size_t *got, shale_err *err)
{
    aim_file *af = (aim_file *)f;
    return af->inner->ops->pread(af->inner, off, n, buf, got, err);
}

static int af_append(shale_file *f, const char *d, size_t n, shale_err *err)
{
    aim_file *af = (aim_file *)f;
    pthread_mutex_lock(&af->env->mu);
    maybe_arm(af->env, FAULT_OP_WRITE, f->name);
    int rc = af->inner->ops->append(af->inner, d, n, err);
    pthread_mutex_unlock(&af->env->mu);
    return rc;
}

static int af_sync(shale_file *f, shale_err *err)
{
    aim_file *af = (aim_file *)f;
    pthread_mutex_lock(&af->env->mu);
    maybe_arm(af->env, FAULT_OP_SYNC, f->name);
    int rc = af->inner->ops->sync(af->inner, err);
    pthread_mutex_unlock(&af->env->mu);
    return rc;
}

static int af_size(shale_file *f, uint64_t *size, shale_err *err)
{
    aim_file *af = (aim_file *)f;
    return af->inner->ops->size(af->inner, size, err);
}

static int af_close(shale_file *f, shale_err *err)
{
    aim_file *af = (aim_file *)f;
    int rc = af->inner->ops->close(af->inner, err);
    free(af);
    return rc;
}

/* No allocate/truncate: no preallocation under this env (its tests aim
 * I/O errors at chosen writes; a WAL zero tail is covered elsewhere). */
static const shale_file_ops aim_file_ops = {af_pread, af_append, af_sync, af_size, af_close,
                                            NULL, NULL};

static int aim_open(shale_env *e, const char *path, int kind, shale_file **out, shale_err *err)
{
    aim_env *a = aim_of(e);
    shale_file *inner = NULL;
    *out = NULL;
    pthread_mutex_lock(&a->mu);
    maybe_arm(a, FAULT_OP_OPEN, path);
    const shale_env_ops *o = a->fe->ops;
    int rc = kind == 0 ? o->open_read(a->fe, path, &inner, err)
             : kind == 1 ? o->open_write(a->fe, path, &inner, err)
                         : o->open_append(a->fe, path, &inner, err);
    pthread_mutex_unlock(&a->mu);
    if (rc != SHALE_OK || kind == 0) {
        *out = inner;                       /* readers need no aiming */
        return rc;
    }
    aim_file *af = calloc(1, sizeof *af);
    if (af == NULL) {
        shale_file_close(inner, NULL);
        return SHALE_NO_MEMORY;
    }
    af->base.ops = &aim_file_ops;
    af->base.name = inner->name;
    af->inner = inner;
    af->env = a;
    *out = &af->base;
    return SHALE_OK;
}

static int ae_open_read(shale_env *e, const char *p, shale_file **f, shale_err *err)
{ return aim_open(e, p, 0, f, err); }
static int ae_open_write(shale_env *e, const char *p, shale_file **f, shale_err *err)
{ return aim_open(e, p, 1, f, err); }
static int ae_open_append(shale_env *e, const char *p, shale_file **f, shale_err *err)
{ return aim_open(e, p, 2, f, err); }

static int ae_rename(shale_env *e, const char *from, const char *to, shale_err *err)
{
    aim_env *a = aim_of(e);
    pthread_mutex_lock(&a->mu);
    maybe_arm(a, FAULT_OP_RENAME, to);
    int rc = a->fe->ops->rename(a->fe, from, to, err);
    pthread_mutex_unlock(&a->mu);
    return rc;
}

static int ae_sync_dir(shale_env *e, const char *path, shale_err *err)
{
    aim_env *a = aim_of(e);
    pthread_mutex_lock(&a->mu);
    maybe_arm(a, FAULT_OP_SYNC_DIR, path);
    int rc = a->fe->ops->sync_dir(a->fe, path, err);
    pthread_mutex_unlock(&a->mu);
    return rc;
}

#define FWD(name, params, args) \
    static int ae_##name params { return aim_of(e)->fe->ops->name args; }
FWD(remove, (shale_env * e, const char *p, shale_err *err), (aim_of(e)->fe, p, err))
FWD(mkdir, (shale_env * e, const char *p, shale_err *err), (aim_of(e)->fe, p, err))
FWD(rmdir, (shale_env * e, const char *p, shale_err *err), (aim_of(e)->fe, p, err))
FWD(list_dir, (shale_env * e, const char *p, char ***n, size_t *c, shale_err *err),
    (aim_of(e)->fe, p, n, c, err))
FWD(file_size, (shale_env * e, const char *p, uint64_t *s, shale_err *err),
    (aim_of(e)->fe, p, s, err))
FWD(truncate, (shale_env * e, const char *p, uint64_t s, shale_err *err),
    (aim_of(e)->fe, p, s, err))
FWD(lock_file, (shale_env * e, const char *p, shale_file **l, shale_err *err),
    (aim_of(e)->fe, p, l, err))
FWD(link, (shale_env * e, const char *f, const char *t, shale_err *err),
    (aim_of(e)->fe, f, t, err))
#undef FWD
static uint64_t ae_now_micros(shale_env *e) { return aim_of(e)->fe->ops->now_micros(aim_of(e)->fe); }
static uint64_t ae_now_nanos(shale_env *e) { return aim_of(e)->fe->ops->now_nanos(aim_of(e)->fe); }
static void ae_sleep_micros(shale_env *e, uint64_t us)
{
    aim_of(e)->fe->ops->sleep_micros(aim_of(e)->fe, us);
}

static const shale_env_ops aim_env_ops = {
    .open_read = ae_open_read, .open_write = ae_open_write, .open_append = ae_open_append,
    .remove = ae_remove, .rename = ae_rename, .mkdir = ae_mkdir, .rmdir = ae_rmdir,
    .sync_dir = ae_sync_dir, .list_dir = ae_list_dir, .file_size = ae_file_size,
    .truncate = ae_truncate, .lock_file = ae_lock_file, .link = ae_link,
    .now_micros = ae_now_micros, .now_nanos = ae_now_nanos, .sleep_micros = ae_sleep_micros,
};

static aim_env *aim_env_new(void)
{
    aim_env *a = calloc(1, sizeof *a);
    cr_assert_not_null(a);
    a->base.ops = &aim_env_ops;
    a->fe = fault_env_new(shale_env_default());
    cr_assert_not_null(a->fe);
    pthread_mutex_init(&a->mu, NULL);
    return a;
}

static void aim_env_free(aim_env *a)
{
    fault_env_free(a->fe);
    pthread_mutex_destroy(&a->mu);
    free(a);
}

/* Fails the next `op` on a path containing pattern, once, with sys_errno. */
static void aim(aim_env *a, fault_op op, const char *pattern, int sys_errno)
{
    pthread_mutex_lock(&a->mu);
    a->armed = true;
    a->op = op;
    snprintf(a->pattern, sizeof a->pattern, "%s", pattern);
    a->sys_errno = sys_errno;
    pthread_mutex_unlock(&a->mu);
}

static void aim_clear(aim_env *a)
{
    pthread_mutex_lock(&a->mu);
    a->armed = false;
    pthread_mutex_unlock(&a->mu);
    fault_env_clear_faults(a->fe);
}

/* --- a database with a model of what was acknowledged ---------------------------- */

#define FKEYS 400

typedef struct fdb {
    aim_env *env;
    char *dir;
    shale_options *o;
    shale_db *db;
    int acked[FKEYS];           /* last acknowledged version per key; 0: absent */
    int tried[FKEYS];           /* version of a write that failed (may or may not exist) */
    int first_tried[FKEYS];     /* the first failed write after the last acknowledged one:
                                   once a write fails the database is read-only, so only
                                   that one can have reached the WAL */
    int version;
} fdb;

static void fdb_open(fdb *f)
{
    shale_err err = {0};
    int rc = shale_db_open(f->o, f->dir, &f->db, &err);
    cr_assert_eq(rc, SHALE_OK, "open: %s: %s", shale_code_name(rc), err.msg);
}

static void fdb_init(fdb *f, bool auto_compactions)
{
    memset(f, 0, sizeof *f);
    f->env = aim_env_new();
    f->dir = test_tmpdir("fault");
    f->o = tdb_options();
    shale_options_set_env(f->o, &f->env->base);
    shale_options_set_disable_auto_compactions(f->o, !auto_compactions);
    shale_options_set_info_log_level(f->o, SHALE_LOG_WARN);
    fdb_open(f);
}

static void fdb_deinit(fdb *f)
{
    (void)shale_db_close(f->db, NULL);
    shale_options_free(f->o);
    test_rmtree(f->dir);
    free(f->dir);
    aim_env_free(f->env);
}

static void value_of(int kid, int version, char *out, size_t cap)
{
    snprintf(out, cap, "key%04d-version%06d-%0*d", kid, version, 60 + version % 100, version);
}

/* One put; records it as acknowledged (OK) or tried (failed). */
static int fdb_put(fdb *f, int kid, bool sync, shale_err *err)
{
    char k[16], v[256];
    int version = ++f->version;
    snprintf(k, sizeof k, "key%04d", kid);
    value_of(kid, version, v, sizeof v);
    shale_write_options *wo = shale_write_options_new();
    shale_write_options_set_sync(wo, sync);
    int rc = shale_put(f->db, wo, k, strlen(k), v, strlen(v), err);
    shale_write_options_free(wo);
    if (rc == SHALE_OK) {
        f->acked[kid] = version;
    } else {
        if (f->tried[kid] <= f->acked[kid])
            f->first_tried[kid] = version;
        f->tried[kid] = version;
    }
    return rc;
}

static void fdb_fill(fdb *f, int n, int sync_every)
{
    for (int i = 0; i < n; i++) {
        shale_err err = {0};
        int rc = fdb_put(f, (i * 37) % FKEYS, sync_every > 0 && i % sync_every == 0, &err);
        cr_assert_eq(rc, SHALE_OK, "put %d: %s", i, err.msg);
    }
}

/* Every key reads its acknowledged version, or the version of a write that
 * failed after it (RocksDB leaves a failed write's fate open). */
static void fdb_check(fdb *f, const char *what)
{
    for (int kid = 0; kid < FKEYS; kid++) {
        char k[16], want[256], alt[256], *v = NULL;
        size_t n = 0;
        shale_err err = {0};
        snprintf(k, sizeof k, "key%04d", kid);
        int rc = shale_get(f->db, NULL, k, strlen(k), &v, &n, &err);
        cr_assert(rc == SHALE_OK || rc == SHALE_NOT_FOUND, "%s: get %s: %s", what, k, err.msg);
        value_of(kid, f->acked[kid], want, sizeof want);
        value_of(kid, f->tried[kid], alt, sizeof alt);
        bool is_acked = f->acked[kid] == 0 ? rc == SHALE_NOT_FOUND
                                           : rc == SHALE_OK && n == strlen(want) &&
                                                 memcmp(v, want, n) == 0;
        bool is_tried = f->tried[kid] > f->acked[kid] && rc == SHALE_OK && n == strlen(alt) &&
                        memcmp(v, alt, n) == 0;
        value_of(kid, f->first_tried[kid], alt, sizeof alt);
        is_tried = is_tried || (f->tried[kid] > f->acked[kid] && rc == SHALE_OK &&
                                n == strlen(alt) && memcmp(v, alt, n) == 0);
        if (!is_acked && !is_tried) {
            char cmd[600], *ls;
            int status = 0;
            snprintf(cmd, sizeof cmd, "ls '%s' | tr '\\n' ' '", f->dir);
            ls = test_run(cmd, &status);
            cr_assert(false, "%s: %s reads '%.*s' (%s), acknowledged version %d; files: %s", what,
                      k, (int)(rc == SHALE_OK ? n : 0), v, shale_code_name(rc), f->acked[kid],
                      ls != NULL ? ls : "?");
        }
        shale_free(v);
    }
}

/* Close (errors allowed: the database may be read-only), clear every
 * fault, reopen through the same env, and check. */
static void fdb_reopen_and_check(fdb *f, const char *what)
{
    (void)shale_db_close(f->db, NULL);
    f->db = NULL;
    aim_clear(f->env);
    fdb_open(f);
    fdb_check(f, what);
}

static uint64_t bg_errors(shale_db *db)
{
    uint64_t v = 99;
    cr_assert(shale_get_int_property(db, "rocksdb.background-errors", &v));
    return v;
}

/* The database is read-only: background-errors is 1, a put and a synced
 * put both fail with SHALE_IO_ERROR, and reads still work. */
static void expect_read_only(fdb *f, const char *what)
{
    cr_assert_eq(bg_errors(f->db), 1, "%s: rocksdb.background-errors", what);
    for (int sync = 0; sync < 2; sync++) {
        shale_err err = {0};
        int rc = fdb_put(f, 7, sync, &err);
        cr_assert_eq(rc, SHALE_IO_ERROR, "%s: a write after the failure returned %s (%s)", what,
                     shale_code_name(rc), err.msg);
    }
    fdb_check(f, what);
}

static void expect_injected(int rc, const shale_err *err, int sys_errno, const char *pattern,
                            const char *what)
{
    cr_assert_eq(rc, SHALE_IO_ERROR, "%s: returned %s (%s)", what, shale_code_name(rc), err->msg);
    cr_assert_eq(err->sys_errno, sys_errno, "%s: errno %d, want %d (%s)", what, err->sys_errno,
                 sys_errno, err->msg);
    cr_assert_not_null(strstr(err->msg, pattern), "%s: the error names no %s file: %s", what,
                       pattern, err->msg);
}

static const int errnos[] = {EIO, ENOSPC};

/* RocksDB's soft error: out of space while a compaction writes its output
 * leaves the database writable (the compaction is retried later). */
static void expect_still_writable(fdb *f, const char *what)
{
    cr_assert_eq(bg_errors(f->db), 0, "%s: rocksdb.background-errors", what);
    for (int sync = 0; sync < 2; sync++) {
        shale_err err = {0};
        int rc = fdb_put(f, 7, sync, &err);
        cr_assert_eq(rc, SHALE_OK, "%s: a write after the soft failure: %s", what, err.msg);
    }
    fdb_check(f, what);
}

/* --- WAL --------------------------------------------------------------------- */

static void wal_failure(fault_op op, bool sync)
{
    for (int e = 0; e < 2; e++) {
        fdb f;
        fdb_init(&f, true);
        fdb_fill(&f, 300, 10);
        aim(f.env, op, ".log", errnos[e]);
        shale_err err = {0};
        int rc = fdb_put(&f, 5, sync, &err);
        expect_injected(rc, &err, errnos[e], ".log", op == FAULT_OP_SYNC ? "WAL fsync" : "WAL append");
        expect_read_only(&f, "after a WAL failure");
        fdb_reopen_and_check(&f, "reopen after a WAL failure");
        fdb_fill(&f, 50, 0);   /* writable again after recovery */
        fdb_reopen_and_check(&f, "second reopen");
        fdb_deinit(&f);
    }
}

TestSuite(db_fault, .timeout = 300);

Test(db_fault, wal_append_error_fails_the_write_and_makes_the_database_read_only)
{
    wal_failure(FAULT_OP_WRITE, false);
}

Test(db_fault, wal_fsync_error_fails_the_write_and_no_later_write_is_acknowledged)
{
    wal_failure(FAULT_OP_SYNC, true);
}

Test(db_fault, wal_creation_error_at_memtable_switch_loses_nothing_acknowledged)
{
    for (int e = 0; e < 2; e++) {
        fdb f;
        fdb_init(&f, true);
        fdb_fill(&f, 300, 0);
        aim(f.env, FAULT_OP_OPEN, ".log", errnos[e]);
        shale_err err = {0};
        int rc = shale_flush(f.db, true, &err);
        expect_injected(rc, &err, errnos[e], ".log", "flush whose new WAL cannot be created");
        fdb_check(&f, "after the failed switch");
        fdb_reopen_and_check(&f, "reopen after a failed WAL creation");
        fdb_deinit(&f);
    }
}

/* --- flush and compaction ------------------------------------------------------ */

/* A flush (or, with compact, a compact_range) meets `op` failing on a file
 * matching pattern: the call fails, the database turns read-only, and a
 * reopen recovers everything from the WAL. */
static void bg_failure(fault_op op, const char *pattern, bool compact)
{
    for (int e = 0; e < 2; e++) {
        fdb f;
        fdb_init(&f, false);
        fdb_fill(&f, 400, 50);
        shale_err err = {0};
        if (compact) {   /* two L0 files to merge */
            cr_assert_eq(shale_flush(f.db, true, &err), SHALE_OK, "%s", err.msg);
            fdb_fill(&f, 400, 0);
            cr_assert_eq(shale_flush(f.db, true, &err), SHALE_OK, "%s", err.msg);
        }
        aim(f.env, op, pattern, errnos[e]);
        int rc = compact ? shale_compact_range(f.db, NULL, 0, NULL, 0, &err)
                         : shale_flush(f.db, true, &err);
        expect_injected(rc, &err, errnos[e], pattern, compact ? "compaction" : "flush");
        if (compact && errnos[e] == ENOSPC && strcmp(pattern, ".sst") == 0)
            expect_still_writable(&f, "after a compaction out of space");
        else
            expect_read_only(&f, compact ? "after a failed compaction" : "after a failed flush");
        fdb_reopen_and_check(&f, "reopen after a background error");
        fdb_fill(&f, 50, 0);
        cr_assert_eq(shale_compact_range(f.db, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
        fdb_reopen_and_check(&f, "reopen after compacting again");
        fdb_deinit(&f);
    }
}

Test(db_fault, sst_write_error_in_flush_turns_the_database_read_only)
{
    bg_failure(FAULT_OP_WRITE, ".sst", false);
}

Test(db_fault, sst_sync_error_in_flush_turns_the_database_read_only)
{
    bg_failure(FAULT_OP_SYNC, ".sst", false);
}

Test(db_fault, manifest_write_error_in_flush_turns_the_database_read_only)
{
    bg_failure(FAULT_OP_WRITE, "MANIFEST", false);
}

Test(db_fault, manifest_sync_error_in_flush_turns_the_database_read_only)
{
    bg_failure(FAULT_OP_SYNC, "MANIFEST", false);
}

/* EIO: read-only; ENOSPC: soft, still writable (RocksDB's error handler). */
Test(db_fault, sst_write_error_in_compaction_is_hard_but_out_of_space_is_soft)
{
    bg_failure(FAULT_OP_WRITE, ".sst", true);
}

Test(db_fault, manifest_sync_error_in_compaction_turns_the_database_read_only)
{
    bg_failure(FAULT_OP_SYNC, "MANIFEST", true);
}

/* --- open -------------------------------------------------------------------------- */

/* Reopening meets `op` failing on pattern: the open fails with the error,
 * and the next open (faults cleared) finds everything. */
static void open_failure(fault_op op, const char *pattern)
{
    for (int e = 0; e < 2; e++) {
        fdb f;
        fdb_init(&f, true);
        fdb_fill(&f, 300, 0);
        cr_assert_eq(shale_db_close(f.db, NULL), SHALE_OK);
        f.db = NULL;
        aim(f.env, op, pattern, errnos[e]);
        shale_err err = {0};
        int rc = shale_db_open(f.o, f.dir, &f.db, &err);
        expect_injected(rc, &err, errnos[e], pattern, "open");
        cr_assert_null(f.db);
        aim_clear(f.env);
        fdb_open(&f);
        fdb_check(&f, "open after a failed open");
        fdb_deinit(&f);
    }
}

Test(db_fault, current_rename_error_fails_the_open_and_the_next_open_recovers)
{
    open_failure(FAULT_OP_RENAME, "CURRENT");
}

Test(db_fault, manifest_write_error_in_recovery_fails_the_open_and_the_next_open_recovers)
{
    open_failure(FAULT_OP_WRITE, "MANIFEST");
}

Test(db_fault, sst_sync_error_in_recovery_flush_fails_the_open_and_the_next_open_recovers)
{
    open_failure(FAULT_OP_SYNC, ".sst");
}

/* --- the sweep ---------------------------------------------------------------------- */

typedef struct sweep_result {
    long runs, injected, read_only;
} sweep_result;

/* The script: puts (some synced), a flush, more puts, a compaction, more
 * puts.  Stops at the first failed call; returns whether one failed. */
static bool run_script(fdb *f, bool *failed_sync_write)
{
    shale_err err = {0};
    *failed_sync_write = false;
    for (int phase = 0; phase < 3; phase++) {
        for (int i = 0; i < 150; i++) {
            bool sync = i % 25 == 0;
            int rc = fdb_put(f, (i * 13 + phase * 7) % FKEYS, sync, &err);
            if (rc != SHALE_OK) {
                cr_assert_eq(rc, SHALE_IO_ERROR, "put: %s: %s", shale_code_name(rc), err.msg);
                *failed_sync_write = sync;
                return true;
            }
        }
        int rc = phase == 0   ? shale_flush(f->db, true, &err)
                 : phase == 1 ? shale_compact_range(f->db, NULL, 0, NULL, 0, &err)
                              : SHALE_OK;
        if (rc != SHALE_OK) {
            cr_assert_eq(rc, SHALE_IO_ERROR, "%s: %s", shale_code_name(rc), err.msg);
            return true;
        }
    }
    return false;
}

/* One run with the n-th `op` after open failing. */
static void sweep_one(fault_op op, uint64_t n, int sys_errno, bool persistent, sweep_result *res)
{
    fdb f;
    fdb_init(&f, true);
    fdb_fill(&f, 100, 20);
    fault_env_fail_nth(f.env->fe, op, n, sys_errno, persistent);
    bool sync_write = false;
    bool failed = run_script(&f, &sync_write);
    shale_err err = {0};
    (void)shale_wait_for_compact(f.db, &err);
    bool injected = fault_env_injected_failures(f.env->fe) > 0;
    if (failed && (op == FAULT_OP_SYNC || op == FAULT_OP_WRITE))   /* invariant 6 */
        expect_read_only(&f, "after a failed write in the sweep");
    cr_assert(!injected || op != FAULT_OP_SYNC || bg_errors(f.db) > 0,
              "op sync #%" PRIu64 " failed (errno %d, %s) but the database stayed writable",
                n, sys_errno, persistent ? "persistent" : "transient");
    res->runs++;
    res->injected += injected;
    res->read_only += bg_errors(f.db) > 0;
    char what[96];
    snprintf(what, sizeof what, "reopen after op %d #%" PRIu64 " failed (errno %d%s)", (int)op,
             n, sys_errno, persistent ? ", persistent" : "");
    fdb_reopen_and_check(&f, what);
    fdb_deinit(&f);
}

/* Operations of `op` the script performs after open, without faults. */
static uint64_t count_ops(fault_op op)
{
    fdb f;
    fdb_init(&f, true);
    fdb_fill(&f, 100, 20);
    uint64_t before = fault_env_op_count(f.env->fe, op);
    bool sync_write;
    cr_assert_not(run_script(&f, &sync_write), "the script fails without faults");
    shale_err err = {0};
    cr_assert_eq(shale_wait_for_compact(f.db, &err), SHALE_OK, "%s", err.msg);
    uint64_t n = fault_env_op_count(f.env->fe, op) - before;
    fdb_deinit(&f);
    return n;
}

static void sweep(fault_op op, const char *name, uint64_t max_runs)
{
    uint64_t total = count_ops(op);
    uint64_t stride = total / max_runs + 1;
    sweep_result res = {0};
    for (uint64_t n = 1; n <= total; n += stride) {
        int k = (int)(n / stride);
        sweep_one(op, n, errnos[k % 2], k % 3 == 0, &res);
    }
    fprintf(stderr, "db_fault sweep %s: %" PRIu64 " ops in the script, %ld runs, %ld with a "
            "failure injected, %ld left read-only, every acknowledged write reread\n",
            name, total, res.runs, res.injected, res.read_only);
    cr_assert_gt(res.injected, 0);
}

Test(db_fault, sweep_of_failed_writes_loses_nothing_acknowledged)
{
    sweep(FAULT_OP_WRITE, "write", 60);
}

Test(db_fault, sweep_of_failed_syncs_loses_nothing_and_never_forgets_the_failure)
{
    sweep(FAULT_OP_SYNC, "sync", 60);
}

Test(db_fault, sweep_of_failed_opens_removes_and_directory_syncs_loses_nothing)
{
    sweep(FAULT_OP_OPEN, "open", 40);
    sweep(FAULT_OP_SYNC_DIR, "sync_dir", 40);
    sweep(FAULT_OP_REMOVE, "remove", 40);
}
