/* tests/lsm/db/db_crash_test.c: process crashes and power loss.
 *
 * Kill -9: a child process opens the database with three column families
 * (one with the uint64add merge operator) and runs a random mix of puts,
 * deletes, range deletions, merges, batches spanning families, synced and
 * unsynced writes, gets and iterator walks checked against the oracle,
 * flushes and compact_range per family (tests/lsm/db/db_crash_util.c),
 * until the parent kills it with SIGKILL at a random moment: one cycle in
 * four during open (recovery), the others while it runs.  The parent
 * reopens the database and checks every key of every family, issue 6's
 * invariants:
 *   1/2. every acknowledged write survives (with sync; and without sync,
 *        since the WAL was written to the OS before the acknowledgement);
 *   4.   every value read was written for that key (values describe
 *        themselves; counters hold exactly the expected sum; deleted keys
 *        stay deleted); the write in flight at the kill is applied whole or
 *        not at all, across families;
 *   7.   a kill during recovery leaves a database the next open recovers.
 * The mix runs under leveled, universal and FIFO compaction.  At the end
 * Debian's RocksDB (ldb) must scan every family of the database to the
 * same contents and find it consistent.
 *
 * Long mode: SHALE_CRASH_CYCLES=N runs every kill test N cycles,
 * SHALE_CRASH_SECONDS=N runs each for N seconds (pick one with --filter);
 * SHALE_CRASH_SEED=S replays a seed.
 *
 * Power loss (invariant 3) goes through tests/support/fault_env: the test
 * writes, some writes with sync, then "freezes the machine" (every later
 * mutating file operation fails, so background threads cannot write after
 * the crash), simulates power loss (drop, keep a random prefix of, or
 * garble unsynced bytes; undo directory operations not synced), reopens
 * and requires the database to equal the state after some prefix of the
 * acknowledged writes that includes the last synced one. */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shale/compaction_style.h"
#include "shale/db.h"
#include "tests/lsm/db/db_crash_util.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/fault_env.h"
#include "tests/support/test_util.h"

/* --- kill -9 cycles ------------------------------------------------------------ */

static void sleep_micros(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static long micros_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000000L + (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/* Waits until the child has opened the database (or ended); returns how
 * long it took. */
static long wait_opened(const crash_shared *sh, pid_t pid, const struct timespec *t0)
{
    int status = 0;
    while (!__atomic_load_n(&sh->opened, __ATOMIC_SEQ_CST) && micros_since(t0) < 30000000L) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            cr_assert_fail("the writer child ended during open (status 0x%x): %s", status,
                           sh->child_error);
        sleep_micros(100);
    }
    return micros_since(t0);
}

/* Forks a writer and kills it: after delay_us from the fork when in_open,
 * else delay_us after it opened.  Returns whether it had opened, and sets
 * *open_us to the open's duration when it waited for it. */
static bool run_and_kill(const char *dir, crash_shared *sh, const crash_config *cfg,
                         uint64_t seed, bool write, bool in_open, long delay_us, long *open_us)
{
    sh->opened = 0;
    sh->child_error[0] = '\0';
    fflush(NULL);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
    if (pid == 0)
        crash_child_main(dir, sh, cfg, seed, write);
    if (!in_open)
        *open_us = wait_opened(sh, pid, &t0);
    sleep_micros(delay_us);
    kill(pid, SIGKILL);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "the writer child stopped on its own (status 0x%x, seed %" PRIu64 "): %s", status,
              seed, sh->child_error);
    return __atomic_load_n(&sh->opened, __ATOMIC_SEQ_CST) != 0;
}

/* Seeds from SHALE_CRASH_SEED when set (to replay a failure), else time. */
static uint64_t pick_seed(void)
{
    const char *s = getenv("SHALE_CRASH_SEED");
    uint64_t seed = s != NULL ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) ^ (uint64_t)getpid();
    fprintf(stderr, "db_crash: seed %" PRIu64 " (SHALE_CRASH_SEED to replay)\n", seed);
    return seed | 1;
}

/* Long mode: whether cycle c (from 0) should run, given the default count
 * and the test's start. */
static bool more_cycles(int c, int dflt, const struct timespec *t0)
{
    const char *cycles = getenv("SHALE_CRASH_CYCLES"), *secs = getenv("SHALE_CRASH_SECONDS");
    if (cycles != NULL)
        return c < atoi(cycles);
    if (secs != NULL)
        return micros_since(t0) < atol(secs) * 1000000L;
    return c < dflt;
}

static const char *style_name(int style)
{
    return style == SHALE_COMPACTION_STYLE_UNIVERSAL ? "universal"
           : style == SHALE_COMPACTION_STYLE_FIFO    ? "fifo"
                                                     : "leveled";
}

static void report(const crash_config *cfg, const crash_shared *sh, long cycles, long in_open,
                   const crash_verify_stats *v, long secs)
{
    const uint64_t *n = sh->counts;
    fprintf(stderr, "db_crash %s sync=%d: %ld cycles in %ld s, %ld kills during open; %" PRIu64
            " writes acknowledged (%" PRIu64 " synced, %" PRIu64 " batches, %" PRIu64
            " across families): %" PRIu64 " puts, %" PRIu64 " deletes, %" PRIu64 " range "
            "deletes, %" PRIu64 " merges; checked while running: %" PRIu64 " gets, %" PRIu64
            " iterator walks (%" PRIu64 " steps); %" PRIu64 " flushes, %" PRIu64
            " compact_range started; %ld key checks after reopen, write in flight applied %ld"
            " / dropped %ld; lost 0\n",
            style_name(cfg->style), cfg->sync, cycles, secs, in_open, n[CC_WRITES],
            n[CC_SYNC_WRITES], n[CC_BATCHES], n[CC_CROSS_CF_BATCHES], n[CC_PUTS], n[CC_DELETES],
            n[CC_RANGE_DELETES], n[CC_MERGES], n[CC_GETS], n[CC_ITERS], n[CC_ITER_STEPS],
            n[CC_FLUSHES], n[CC_COMPACTIONS], v->keys_checked, v->inflight_applied,
            v->inflight_dropped);
}

/* The mix must have run: every kind of operation happened. */
static void check_coverage(const crash_config *cfg, const crash_shared *sh, long cycles)
{
    static const char *const names[CC_COUNT] = {
        "writes", "sync writes", "batches", "cross-family batches", "puts", "deletes",
        "range deletes", "merges", "gets", "iterator walks", "iterator steps", "flushes",
        "compactions"};
    cr_assert_gt(sh->counts[CC_WRITES], (uint64_t)cycles, "the children wrote too little");
    for (int i = 0; i < CC_COUNT; i++)
        if (i != CC_SYNC_WRITES || cfg->sync != 0)
            cr_assert_gt(sh->counts[i], 0, "no %s in %ld cycles", names[i], cycles);
}

static void kill_cycles(int style, int sync, int dflt_cycles)
{
    crash_config cfg = {.style = style, .sync = sync, .write_buffer = CRASH_WBUF};
    char *dir = test_tmpdir("crash");
    crash_shared *sh = crash_shared_new();
    crash_verify_stats vs = {0};
    long killed_in_open = 0, open_us = 20000, c = 0;
    uint64_t rng = pick_seed();
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (; more_cycles((int)c, dflt_cycles, &t0); c++) {
        uint64_t seed = crash_rnd(&rng);
        bool in_open = crash_rnd(&rng) % 4 == 0;
        /* in open: up to the last open's duration; running: 1..61 ms
         * (with every write synced, 1..121 ms) */
        long delay = in_open ? (long)(crash_rnd(&rng) % (uint64_t)(open_us + 1))
                             : 1000 + (long)(crash_rnd(&rng) % (sync == 1 ? 120000 : 60000));
        killed_in_open += !run_and_kill(dir, sh, &cfg, seed, true, in_open, delay, &open_us);
        char what[96];
        snprintf(what, sizeof what, "%s cycle %ld (child seed %" PRIu64 ")", style_name(style),
                 c, seed);
        crash_verify(dir, sh, &cfg, &vs, what);
    }
    report(&cfg, sh, c, killed_in_open, &vs, micros_since(&t0) / 1000000);
    if (c >= 50)
        check_coverage(&cfg, sh, c);
    crash_check_with_rocksdb(dir, sh);
    crash_shared_free(sh);
    test_rmtree(dir);
    free(dir);
}

TestSuite(db_crash, .timeout = 600);

Test(db_crash, sigkill_never_loses_a_synced_write_or_shows_a_foreign_value)
{
    kill_cycles(SHALE_COMPACTION_STYLE_LEVEL, 1, 100);
}

Test(db_crash, sigkill_without_sync_keeps_every_write_the_wal_acknowledged)
{
    kill_cycles(SHALE_COMPACTION_STYLE_LEVEL, 0, 100);
}

Test(db_crash, sigkill_under_universal_compaction_loses_nothing)
{
    kill_cycles(SHALE_COMPACTION_STYLE_UNIVERSAL, 2, 100);
}

Test(db_crash, sigkill_under_fifo_compaction_loses_nothing)
{
    kill_cycles(SHALE_COMPACTION_STYLE_FIFO, 2, 100);
}

/* --- kill during recovery ---------------------------------------------------- */

/* A database whose data is all in one large WAL, in the three families
 * (counters by merges only): reopening it with a small write buffer
 * replays and flushes for a while. */
static void build_large_wal_db(const char *dir, crash_shared *sh)
{
    crash_config big = {.style = SHALE_COMPACTION_STYLE_LEVEL, .write_buffer = 64u << 20};
    shale_db *db = NULL;
    shale_cf *h[CRASH_NCF];
    shale_err err = {0};
    cr_assert_eq(crash_open(dir, &big, &db, h, &err), SHALE_OK, "%s", err.msg);
    char k[16], v[400];
    for (uint32_t round = 0; round < 8; round++) {
        for (uint32_t gid = round % 2; gid < CRASH_SLOTS; gid += 1 + round % 2) {
            uint32_t cf = gid / CRASH_KEYS;
            uint64_t wid = ++sh->next_wid, operand = 1 + wid % 997;
            size_t n = cf == CRASH_CF_COUNTER ? 8 : crash_make_value(gid, wid, v, sizeof v);
            for (int i = 0; i < 8 && n == 8; i++)
                v[i] = (char)(operand >> (8 * i));
            crash_key(gid % CRASH_KEYS, k);
            int rc = cf == CRASH_CF_COUNTER
                         ? shale_merge_cf(db, NULL, h[cf], k, strlen(k), v, n, &err)
                         : shale_put_cf(db, NULL, h[cf], k, strlen(k), v, n, &err);
            cr_assert_eq(rc, SHALE_OK, "%s", err.msg);
            sh->slots[gid].acked = cf == CRASH_CF_COUNTER ? sh->slots[gid].acked + operand : wid;
        }
    }
    crash_close(db, h);   /* close does not flush: everything stays in the WAL */
}

/* How long a full open of a copy of `dir` takes, in microseconds. */
static long time_open(const char *dir, const crash_config *cfg)
{
    char *copy = test_tmpdir("crash-time");
    tdb_copy_dir(dir, copy);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    shale_db *db = NULL;
    shale_cf *h[CRASH_NCF];
    shale_err err = {0};
    cr_assert_eq(crash_open(copy, cfg, &db, h, &err), SHALE_OK, "%s", err.msg);
    long us = micros_since(&t0);
    crash_close(db, h);
    test_rmtree(copy);
    free(copy);
    return us < 1000 ? 1000 : us;
}

Test(db_crash, kill_during_recovery_leaves_a_database_the_next_open_recovers)
{
    char *pristine = test_tmpdir("crash-rec-src"), *dir = test_tmpdir("crash-rec");
    crash_config cfg = {.style = SHALE_COMPACTION_STYLE_LEVEL, .write_buffer = CRASH_WBUF};
    crash_shared *sh = crash_shared_new();
    build_large_wal_db(pristine, sh);
    long open_us = time_open(pristine, &cfg), unused = 0;
    uint64_t rng = pick_seed();
    crash_verify_stats st = {0};
    int mid_recovery = 0, c = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (; more_cycles(c, 12, &t0); c++) {
        tdb_copy_dir(pristine, dir);
        for (int k = 0; k < 3; k++) {   /* up to three recoveries killed in a row */
            long delay = (long)(crash_rnd(&rng) % (uint64_t)open_us);
            /* The child writes nothing after opening: sh stays exact. */
            sh->n_inflight = 0;
            bool opened = run_and_kill(dir, sh, &cfg, crash_rnd(&rng), false, true, delay, &unused);
            mid_recovery += !opened;
            if (opened)
                break;
        }
        char what[64];
        snprintf(what, sizeof what, "recovery cycle %d", c);
        crash_slot saved[CRASH_SLOTS];
        memcpy(saved, sh->slots, sizeof saved);
        crash_verify(dir, sh, &cfg, &st, what);
        cr_assert_eq(memcmp(saved, sh->slots, sizeof saved), 0);
    }
    fprintf(stderr, "db_crash recovery: %d cycles, open takes %ld us; %d kills landed "
            "mid-recovery, %ld keys verified, lost 0\n", c, open_us, mid_recovery,
            st.keys_checked);
    cr_assert_gt(mid_recovery, 0, "no kill landed during recovery");
    crash_check_with_rocksdb(dir, sh);
    crash_shared_free(sh);
    test_rmtree(pristine);
    test_rmtree(dir);
    free(pristine);
    free(dir);
}

/* --- power loss through the fault env ------------------------------------------- */

#define PL_KEYS 200

typedef struct pl_op {
    uint32_t kid;
    uint64_t wid;               /* 0: delete */
} pl_op;

/* The acknowledged history: calls[i] covers ops[call_start[i] .. call_start[i+1]). */
typedef struct pl_history {
    pl_op *ops;
    size_t n_ops, cap_ops;
    size_t *call_start;
    size_t n_calls;
    size_t durable;             /* calls [0, durable) must survive */
} pl_history;

typedef struct pl_run {
    uint64_t rng, next_wid;
    shale_env *fe;
    shale_db *db;
    char *dir;
    pl_history h;
    fault_power_loss_mode mode;
    bool flushes;               /* explicit shale_flush(wait) calls: durability points */
} pl_run;

static void pl_push_op(pl_history *h, uint32_t kid, uint64_t wid)
{
    if (h->n_ops == h->cap_ops) {
        h->cap_ops = h->cap_ops == 0 ? 256 : 2 * h->cap_ops;
        h->ops = realloc(h->ops, h->cap_ops * sizeof *h->ops);
    }
    h->ops[h->n_ops++] = (pl_op){kid, wid};
}

/* One write call of 1..4 records; recorded only when acknowledged. */
static void pl_write(pl_run *r, shale_write_options *wo, bool sync)
{
    shale_write_batch *b = shale_write_batch_new();
    size_t mark = r->h.n_ops;
    int n = 1 + (int)(crash_rnd(&r->rng) % 4);
    char k[16], v[400];
    for (int i = 0; i < n; i++) {
        uint32_t kid = (uint32_t)(crash_rnd(&r->rng) % PL_KEYS);
        crash_key(kid, k);
        if (crash_rnd(&r->rng) % 5 == 0) {
            cr_assert_eq(shale_write_batch_delete(b, k, strlen(k), NULL), SHALE_OK);
            pl_push_op(&r->h, kid, 0);
        } else {
            uint64_t wid = ++r->next_wid;
            size_t vn = crash_make_value(kid, wid, v, sizeof v);
            cr_assert_eq(shale_write_batch_put(b, k, strlen(k), v, vn, NULL), SHALE_OK);
            pl_push_op(&r->h, kid, wid);
        }
    }
    shale_write_options_set_sync(wo, sync);
    shale_err err = {0};
    int rc = shale_write(r->db, wo, b, &err);
    cr_assert_eq(rc, SHALE_OK, "write before the power loss: %s", err.msg);
    r->h.call_start = realloc(r->h.call_start, (r->h.n_calls + 2) * sizeof *r->h.call_start);
    r->h.call_start[r->h.n_calls++] = mark;
    r->h.call_start[r->h.n_calls] = r->h.n_ops;
    if (sync)
        r->h.durable = r->h.n_calls;
    shale_write_batch_free(b);
}

/* Every mutating operation fails from now on: the machine has stopped. */
static void pl_freeze(shale_env *fe)
{
    const fault_op ops[] = {FAULT_OP_WRITE, FAULT_OP_SYNC, FAULT_OP_RENAME, FAULT_OP_OPEN,
                            FAULT_OP_SYNC_DIR, FAULT_OP_REMOVE};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        fault_env_fail_nth(fe, ops[i], 1, EIO, true);
}

/* Finds a prefix p >= durable of the history whose state equals got[];
 * returns p, or -1 (then *bad is a key that differs at p = durable). */
static long pl_match_prefix(const pl_history *h, const uint64_t *got, uint32_t *bad)
{
    uint64_t state[PL_KEYS] = {0};
    size_t upto = h->durable < h->n_calls ? h->call_start[h->durable] : h->n_ops;
    for (size_t i = 0; i < upto; i++)
        state[h->ops[i].kid] = h->ops[i].wid;
    long diff = 0;
    *bad = UINT32_MAX;
    for (uint32_t k = 0; k < PL_KEYS; k++)
        if (state[k] != got[k]) {
            diff++;
            if (*bad == UINT32_MAX)
                *bad = k;
        }
    for (size_t c = h->durable;; c++) {
        if (diff == 0)
            return (long)c;
        if (c >= h->n_calls)
            return -1;
        for (size_t i = h->call_start[c]; i < h->call_start[c + 1]; i++) {
            const pl_op *o = &h->ops[i];
            diff -= state[o->kid] != got[o->kid];
            state[o->kid] = o->wid;
            diff += state[o->kid] != got[o->kid];
        }
    }
}

/* The write id of key kid after the first `calls` calls of h (0: absent). */
static uint64_t pl_state_at(const pl_history *h, size_t calls, uint32_t kid)
{
    uint64_t w = 0;
    size_t upto = calls < h->n_calls ? h->call_start[calls] : h->n_ops;
    for (size_t i = 0; i < upto && kid != UINT32_MAX; i++)
        if (h->ops[i].kid == kid)
            w = h->ops[i].wid;
    return w;
}

/* The names in dir, sorted, space-separated, for failure messages. */
static void list_names(const char *dir, char *out, size_t cap)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls '%s' | tr '\\n' ' '", dir);
    int status = 0;
    char *s = test_run(cmd, &status);
    snprintf(out, cap, "%s", s != NULL ? s : "?");
    free(s);
}

static shale_options *pl_options(shale_env *fe, size_t wbuf)
{
    shale_options *o = crash_options(wbuf);
    shale_options_set_env(o, fe);
    return o;
}

/* One iteration: open, write, freeze, lose power, reopen, check. */
static void pl_iteration(uint64_t seed, fault_power_loss_mode mode, size_t wbuf, bool flushes,
                         long *lost_calls)
{
    pl_run r = {.rng = seed | 1, .mode = mode, .flushes = flushes};
    r.fe = fault_env_new(shale_env_default());
    fault_env_set_seed(r.fe, seed);
    r.dir = test_tmpdir("powerloss");
    shale_options *o = pl_options(r.fe, wbuf);
    r.db = tdb_open(r.dir, o);
    shale_write_options *wo = shale_write_options_new();
    int calls = 40 + (int)(crash_rnd(&r.rng) % 260);
    for (int i = 0; i < calls; i++) {
        pl_write(&r, wo, crash_rnd(&r.rng) % 8 == 0);
        if (flushes && crash_rnd(&r.rng) % 60 == 0) {
            shale_err err = {0};
            cr_assert_eq(shale_flush(r.db, true, &err), SHALE_OK, "flush: %s", err.msg);
            r.h.durable = r.h.n_calls;   /* a finished flush makes everything before it durable */
        }
    }
    pl_freeze(r.fe);
    shale_err err = {0};
    char before[512], after[512];
    list_names(r.dir, before, sizeof before);
    size_t unsynced_dir_ops = fault_env_pending_dir_ops(r.fe);
    cr_assert_eq(fault_env_simulate_power_loss(r.fe, mode, &err), SHALE_OK, "%s", err.msg);
    list_names(r.dir, after, sizeof after);
    (void)shale_db_close(r.db, NULL);   /* fails: the files died with the power */
    fault_env_clear_faults(r.fe);
    shale_db *db = NULL;
    int rc = shale_db_open(o, r.dir, &db, &err);
    cr_assert_eq(rc, SHALE_OK, "seed %" PRIu64 " mode %d: open after power loss: %s: %s", seed,
                 (int)mode, shale_code_name(rc), err.msg);
    uint64_t got[PL_KEYS];
    for (uint32_t k = 0; k < PL_KEYS; k++)
        got[k] = crash_read_state(db, NULL, k);
    crash_check_scan(db, NULL, 0, got, PL_KEYS);
    tdb_close(db);
    uint32_t bad = 0;
    long p = pl_match_prefix(&r.h, got, &bad);
    cr_assert_geq(p, 0, "seed %" PRIu64 " mode %d wbuf %zu flushes %d: after power loss the "
                  "database is no prefix of the %zu acknowledged writes reaching write %zu (the "
                  "last durable); first difference at write %zu: key%06u reads write %" PRIu64
                  ", wants %" PRIu64 ".\n  %zu directory operations were not synced at the "
                  "power loss.\n  files before: %s\n  files after:  %s", seed, (int)mode, wbuf,
                  (int)flushes, r.h.n_calls, r.h.durable, r.h.durable, bad,
                  bad == UINT32_MAX ? 0 : got[bad], pl_state_at(&r.h, r.h.durable, bad),
                  unsynced_dir_ops, before, after);
    *lost_calls += (long)r.h.n_calls - p;
    shale_write_options_free(wo);
    shale_options_free(o);
    free(r.h.ops);
    free(r.h.call_start);
    test_rmtree(r.dir);
    free(r.dir);
    fault_env_free(r.fe);
}

static void pl_many(const char *what, int iterations, size_t wbuf, bool flushes)
{
    setenv("TMPDIR", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", 1);
    uint64_t rng = pick_seed();
    long lost = 0;
    for (int i = 0; i < iterations; i++)
        pl_iteration(crash_rnd(&rng), (fault_power_loss_mode)(i % 3), wbuf, flushes, &lost);
    fprintf(stderr, "db_powerloss %s: %d iterations, every one a prefix holding every synced "
            "write; %ld unsynced writes lost in all\n", what, iterations, lost);
}

Test(db_crash, power_loss_with_one_wal_leaves_a_prefix_holding_every_synced_write)
{
    pl_many("one WAL", 340, 64u << 20, false);
}

Test(db_crash, power_loss_with_flushes_leaves_a_prefix_holding_every_synced_write)
{
    pl_many("flushes", 340, CRASH_WBUF, false);
}

Test(db_crash, power_loss_after_a_finished_flush_keeps_everything_before_it)
{
    pl_many("explicit flushes", 340, CRASH_WBUF, true);
}

/* --- the oracle itself ------------------------------------------------------------ */

/* The judge is not blind: a lost write, a wrong counter sum, another key's
 * value and a torn in-flight batch are each refused; the two whole
 * outcomes of the batch are accepted. */
Test(db_crash, the_oracle_refuses_lost_writes_wrong_sums_and_torn_batches)
{
    crash_shared *sh = crash_shared_new();
    const uint32_t plain = 5, other = CRASH_KEYS + 7, counter = CRASH_CF_COUNTER * CRASH_KEYS + 3;
    const uint32_t batch = 9;   /* in flight with the counter's merge */
    sh->slots[plain].acked = 10;
    sh->slots[other].acked = 11;
    sh->slots[counter] = (crash_slot){.acked = 500, .pending = 750, .has_pending = 1};
    sh->slots[batch] = (crash_slot){.acked = 12, .pending = 13, .has_pending = 1};
    uint64_t *got = calloc(CRASH_SLOTS, sizeof *got);
    for (uint32_t i = 0; i < CRASH_SLOTS; i++)
        got[i] = sh->slots[i].acked;
    char why[256] = "";
    int applied = -1;
    cr_assert_eq(crash_judge(sh, got, &applied, why, sizeof why), 0, "%s", why);
    cr_assert_eq(applied, 0, "the batch left out whole");
    got[counter] = 750;
    got[batch] = 13;
    cr_assert_eq(crash_judge(sh, got, &applied, why, sizeof why), 0, "%s", why);
    cr_assert_eq(applied, 1, "the batch applied whole");
    got[batch] = 12;
    cr_assert_eq(crash_judge(sh, got, &applied, why, sizeof why), -1);
    cr_assert(strstr(why, "torn") != NULL, "%s", why);
    const struct { uint32_t gid; uint64_t v; const char *want; } bad[] = {
        {plain, 0, "default/key000005 reads 0, acknowledged 10"},
        {counter, 501, "cf_counter/key000003 reads 501"},
        {other, 12, "cf_plain/key000007 reads 12, acknowledged 11"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (uint32_t g = 0; g < CRASH_SLOTS; g++)
            got[g] = sh->slots[g].acked;
        got[bad[i].gid] = bad[i].v;
        cr_assert_eq(crash_judge(sh, got, &applied, why, sizeof why), -1, "case %zu", i);
        cr_assert(strstr(why, bad[i].want) != NULL, "case %zu: %s", i, why);
    }
    /* values describe their key: another key's bytes, or a short counter,
     * stand for no write of this key */
    char v[400];
    uint64_t st = 0;
    size_t n = crash_make_value(plain, 10, v, sizeof v);
    cr_assert(crash_value_state(plain, v, n, &st) && st == 10);
    cr_assert(!crash_value_state(plain + 1, v, n, &st));
    v[n - 1] ^= 1;
    cr_assert(!crash_value_state(plain, v, n, &st));
    cr_assert(!crash_value_state(counter, "\x01\0\0\0\0\0\0", 7, &st));
    cr_assert(crash_value_state(counter, "\x01\x02\0\0\0\0\0\0", 8, &st) && st == 0x0201);
    free(got);
    crash_shared_free(sh);
}
