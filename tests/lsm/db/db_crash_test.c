/* tests/lsm/db/db_crash_test.c: process crashes.  A child process opens the
 * database and writes (puts, deletes, batches with range deletions) until
 * the parent kills it with SIGKILL at a random moment; the parent reopens
 * the database and checks, for every key, issue 6's invariants:
 *   1/2. every acknowledged write survives (with sync; and without sync,
 *        since the WAL was written to the OS before the acknowledgement);
 *   4.   every value read was written for that key (values describe
 *        themselves: key id, write id, checksum; deleted keys stay deleted);
 *        a batch in flight at the kill is applied whole or not at all;
 *   7.   a kill during recovery leaves a database the next open recovers.
 * At the end Debian's RocksDB (ldb) must scan the database and find it
 * consistent.
 *
 * Power loss (invariant 3) goes through tests/support/fault_env: the test
 * writes, some writes with sync, then "freezes the machine" (every later
 * mutating file operation fails, so background threads cannot write after
 * the crash), simulates power loss (drop, keep a random prefix of, or
 * garble unsynced bytes; undo directory operations not synced), reopens
 * and requires the database to equal the state after some prefix of the
 * acknowledged writes that includes the last synced one.
 *
 * The expected state lives in a MAP_SHARED page that survives the kill:
 * per key the last acknowledged write id (0: absent) and the write in
 * flight, marked before the call and committed after it returns OK. */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lsm/util/crc32c.h"
#include "shale/db.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/fault_env.h"
#include "tests/support/test_util.h"

#define NKEYS 2000
#define MAX_BATCH_KEYS 64
#define WBUF (64 * 1024)    /* the smallest write buffer shale accepts */

typedef struct slot {
    uint64_t acked;             /* last acknowledged write id; 0: absent */
    uint64_t pending;           /* the write in flight (0: a delete) */
    uint32_t has_pending;
} slot;

/* Shared between the parent and the writer child (MAP_SHARED). */
typedef struct shared {
    uint64_t next_wid;          /* write ids are 1, 2, ... */
    uint64_t acked_writes;      /* calls acknowledged, all children */
    uint32_t opened;            /* the child finished shale_db_open */
    uint32_t n_inflight;        /* keys of the batch in flight */
    uint32_t inflight[MAX_BATCH_KEYS];
    slot slots[NKEYS];
} shared;

typedef struct crash_stats {
    long cycles, killed_before_open, keys_checked, inflight_applied, inflight_dropped;
} crash_stats;

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void key_of(uint32_t id, char out[16]) { snprintf(out, 16, "key%06u", id); }

/* The value of write `wid` to key `kid`: "k<kid> w<wid> c<crc> <pad>", the
 * pad's length and bytes derived from wid, the crc over everything else. */
static size_t make_value(uint32_t kid, uint64_t wid, char *out, size_t cap)
{
    char body[320];
    int n = snprintf(body, sizeof body, "k%06u w%012" PRIu64 " ", kid, wid);
    int pad = (int)(wid * 2654435761u % 180);
    for (int i = 0; i < pad; i++)
        body[n++] = (char)('a' + (wid * 31 + (uint64_t)i * 7) % 26);
    uint32_t crc = crc32c_value(body, (size_t)n);
    int len = snprintf(out, cap, "%.22sc%08x %.*s", body, crc, n - 22, body + 22);
    return (size_t)len;
}

/* Parses and re-derives a value read for key kid: its write id, or 0 if
 * the bytes are not exactly a value written for this key. */
static uint64_t value_wid(uint32_t kid, const char *v, size_t n)
{
    unsigned k = 0;
    uint64_t wid = 0;
    char head[23];
    if (n < 22)
        return 0;
    memcpy(head, v, 22);   /* values are not NUL-terminated */
    head[22] = '\0';
    if (sscanf(head, "k%06u w%012" SCNu64, &k, &wid) != 2 || k != kid || wid == 0)
        return 0;
    char want[400];
    size_t wn = make_value(kid, wid, want, sizeof want);
    return wn == n && memcmp(want, v, n) == 0 ? wid : 0;
}

static shared *shared_new(void)
{
    shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(sh, MAP_FAILED);
    memset(sh, 0, sizeof *sh);
    return sh;
}

static shale_options *crash_options(size_t write_buffer)
{
    shale_options *o = tdb_options();
    shale_options_set_write_buffer_size(o, write_buffer);
    shale_options_set_level0_file_num_compaction_trigger(o, 2);
    shale_options_set_target_file_size_base(o, 32 * 1024);
    shale_options_set_max_bytes_for_level_base(o, 128 * 1024);
    shale_options_set_info_log_level(o, SHALE_LOG_WARN);
    return o;
}

/* --- the writer child ------------------------------------------------------ */

static void mark_pending(shared *sh, uint32_t kid, uint64_t wid)
{
    __atomic_store_n(&sh->slots[kid].pending, wid, __ATOMIC_SEQ_CST);
    __atomic_store_n(&sh->slots[kid].has_pending, 1, __ATOMIC_SEQ_CST);
    if (sh->n_inflight < MAX_BATCH_KEYS)
        sh->inflight[sh->n_inflight++] = kid;
}

static void commit_pending(shared *sh)
{
    for (uint32_t i = 0; i < sh->n_inflight; i++) {
        slot *s = &sh->slots[sh->inflight[i]];
        __atomic_store_n(&s->acked, s->pending, __ATOMIC_SEQ_CST);
    }
    for (uint32_t i = 0; i < sh->n_inflight; i++)
        __atomic_store_n(&sh->slots[sh->inflight[i]].has_pending, 0, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&sh->acked_writes, 1, __ATOMIC_SEQ_CST);
}

/* Adds one random record to b and marks its keys pending.  Returns false
 * when the batch is full. */
static bool add_record(shared *sh, uint64_t *rng, shale_write_batch *b)
{
    char k[16], v[400];
    uint32_t kid = (uint32_t)(rnd(rng) % NKEYS);
    uint64_t x = rnd(rng) % 100;
    key_of(kid, k);
    if (x < 4 && sh->n_inflight + 8 <= MAX_BATCH_KEYS) {   /* range delete of up to 8 keys */
        uint32_t end = kid + 1 + (uint32_t)(rnd(rng) % 8);
        end = end > NKEYS ? NKEYS : end;
        char ek[16];
        key_of(end, ek);
        for (uint32_t i = kid; i < end; i++)
            mark_pending(sh, i, 0);
        return shale_write_batch_delete_range(b, k, strlen(k), ek, strlen(ek), NULL) == SHALE_OK;
    }
    if (sh->n_inflight >= MAX_BATCH_KEYS)
        return false;
    if (x < 25) {
        mark_pending(sh, kid, 0);
        return shale_write_batch_delete(b, k, strlen(k), NULL) == SHALE_OK;
    }
    uint64_t wid = __atomic_add_fetch(&sh->next_wid, 1, __ATOMIC_SEQ_CST);
    size_t n = make_value(kid, wid, v, sizeof v);
    mark_pending(sh, kid, wid);
    return shale_write_batch_put(b, k, strlen(k), v, n, NULL) == SHALE_OK;
}

/* One write: a single put or delete (through the batch API, which is what
 * shale_put uses too) or a batch of up to 6 records. */
static int child_write(shale_db *db, const shale_write_options *wo, shared *sh, uint64_t *rng,
                       shale_write_batch *b)
{
    shale_write_batch_clear(b);
    sh->n_inflight = 0;
    int n = rnd(rng) % 4 == 0 ? 2 + (int)(rnd(rng) % 5) : 1;
    for (int i = 0; i < n; i++)
        if (!add_record(sh, rng, b))
            return SHALE_INVALID_ARGUMENT;
    shale_err err = {0};
    int rc = shale_write(db, wo, b, &err);
    if (rc != SHALE_OK) {
        fprintf(stderr, "crash child: write failed: %s: %s\n", shale_code_name(rc), err.msg);
        return rc;
    }
    commit_pending(sh);
    return SHALE_OK;
}

/* Opens dir, then writes until killed (or, with !write, only waits). */
static _Noreturn void child_main(const char *dir, shared *sh, uint64_t seed, bool sync,
                                 bool write)
{
    shale_options *o = crash_options(WBUF);
    shale_db *db = NULL;
    shale_err err = {0};
    int rc = shale_db_open(o, dir, &db, &err);
    if (rc != SHALE_OK) {
        fprintf(stderr, "crash child: open: %s: %s\n", shale_code_name(rc), err.msg);
        _exit(2);
    }
    __atomic_store_n(&sh->opened, 1, __ATOMIC_SEQ_CST);
    if (!write)
        for (;;)
            pause();
    shale_write_options *wo = shale_write_options_new();
    shale_write_options_set_sync(wo, sync);
    shale_write_batch *b = shale_write_batch_new();
    uint64_t rng = seed | 1;
    for (;;)
        if (child_write(db, wo, sh, &rng, b) != SHALE_OK)
            _exit(3);
}

/* --- the parent: kill, reopen, verify ------------------------------------------ */

static void sleep_micros(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* The write id the database holds for kid (0: absent); asserts invariant 4. */
static uint64_t read_wid(shale_db *db, uint32_t kid)
{
    char k[16], *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    key_of(kid, k);
    int rc = shale_get(db, NULL, k, strlen(k), &v, &n, &err);
    cr_assert(rc == SHALE_OK || rc == SHALE_NOT_FOUND, "get %s: %s: %s", k, shale_code_name(rc),
              err.msg);
    uint64_t wid = rc == SHALE_OK ? value_wid(kid, v, n) : 0;
    cr_assert(rc == SHALE_NOT_FOUND || wid != 0, "%s holds bytes never written for it: '%.*s'",
              k, (int)(n < 80 ? n : 80), v);
    shale_free(v);
    return wid;
}

/* A full scan agrees with the gets of keys [0, nkeys): sorted, no
 * duplicates, same values. */
static void check_scan_keys(shale_db *db, const uint64_t *got, uint32_t nkeys)
{
    shale_iter *it = shale_iter_new(db, NULL);
    long prev = -1, seen = 0, live = 0;
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it)) {
        size_t kn, vn;
        const char *k = shale_iter_key(it, &kn), *v = shale_iter_value(it, &vn);
        unsigned kid = 0;
        char kbuf[10] = {0};
        memcpy(kbuf, k, kn < 9 ? kn : 9);
        cr_assert(kn == 9 && sscanf(kbuf, "key%06u", &kid) == 1 && kid < nkeys, "stray key %.*s",
                  (int)kn, k);
        cr_assert_gt((long)kid, prev, "scan out of order or repeated at %.*s", (int)kn, k);
        prev = kid;
        cr_assert_eq(value_wid(kid, v, vn), got[kid], "scan and get disagree on %.*s", (int)kn, k);
        seen++;
    }
    shale_err err = {0};
    cr_assert_eq(shale_iter_status(it, &err), SHALE_OK, "scan: %s", err.msg);
    shale_iter_free(it);
    for (uint32_t i = 0; i < nkeys; i++)
        live += got[i] != 0;
    cr_assert_eq(seen, live, "scan saw %ld keys, gets found %ld", seen, live);
}

/* Reopens dir and checks every key against the shared state, then makes
 * what was read the new acknowledged state. */
static void verify(const char *dir, shared *sh, crash_stats *st, const char *what)
{
    shale_options *o = crash_options(WBUF);
    shale_db *db = tdb_open(dir, o);
    shale_options_free(o);
    uint64_t *got = calloc(NKEYS, sizeof *got);
    int applied = 0, dropped = 0;
    for (uint32_t kid = 0; kid < NKEYS; kid++) {
        slot *s = &sh->slots[kid];
        got[kid] = read_wid(db, kid);
        bool ok = got[kid] == s->acked || (s->has_pending && got[kid] == s->pending);
        cr_assert(ok, "%s: key%06u reads write %" PRIu64 ", acknowledged %" PRIu64
                  " (in flight: %s %" PRIu64 ")", what, kid, got[kid], s->acked,
                  s->has_pending ? "yes" : "no", s->pending);
        if (s->has_pending && s->pending != s->acked) {
            applied += got[kid] == s->pending;
            dropped += got[kid] == s->acked;
        }
    }
    cr_assert(applied == 0 || dropped == 0, "%s: the batch in flight is torn: %d keys applied, "
              "%d not", what, applied, dropped);
    st->inflight_applied += applied > 0;
    st->inflight_dropped += dropped > 0;
    check_scan_keys(db, got, NKEYS);
    tdb_close(db);
    for (uint32_t kid = 0; kid < NKEYS; kid++) {
        sh->slots[kid].acked = got[kid];
        sh->slots[kid].has_pending = 0;
    }
    sh->n_inflight = 0;
    st->keys_checked += NKEYS;
    free(got);
}

/* Forks a writer, kills it after delay_us, and reaps it.  Returns whether
 * it had opened the database. */
static bool run_and_kill(const char *dir, shared *sh, uint64_t seed, bool sync, bool write,
                         long delay_us)
{
    sh->opened = 0;
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
    if (pid == 0)
        child_main(dir, sh, seed, sync, write);
    sleep_micros(delay_us);
    kill(pid, SIGKILL);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "the writer child stopped on its own (status 0x%x, seed %" PRIu64 ")", status, seed);
    return __atomic_load_n(&sh->opened, __ATOMIC_SEQ_CST) != 0;
}

/* Debian's RocksDB opens a copy: scan exits 0 with one line per live key,
 * and checkconsistency passes. */
static void check_with_rocksdb(const char *dir, const shared *sh)
{
    cr_assert(test_have_program("ldb"), "Debian's ldb (RocksDB 7.8.3) is not installed");
    char *copy = test_tmpdir("crash-ldb");
    tdb_copy_dir(dir, copy);
    char cmd[1024];
    int status = -1;
    snprintf(cmd, sizeof cmd, "ldb --db='%s' scan 2>&1", copy);
    char *out = test_run(cmd, &status);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "ldb scan failed:\n%.2000s", out);
    long lines = 0, live = 0;
    for (const char *p = out; *p != '\0'; p++)
        lines += *p == '\n';
    for (int i = 0; i < NKEYS; i++)
        live += sh->slots[i].acked != 0;
    cr_assert_eq(lines, live, "ldb scan printed %ld lines for %ld live keys", lines, live);
    free(out);
    snprintf(cmd, sizeof cmd, "ldb --db='%s' checkconsistency 2>&1", copy);
    out = test_run(cmd, &status);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "ldb checkconsistency failed:\n%.2000s", out);
    free(out);
    test_rmtree(copy);
    free(copy);
}

/* Seeds from SHALE_CRASH_SEED when set (to replay a failure), else time. */
static uint64_t pick_seed(void)
{
    const char *s = getenv("SHALE_CRASH_SEED");
    uint64_t seed = s != NULL ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) ^ (uint64_t)getpid();
    fprintf(stderr, "db_crash: seed %" PRIu64 " (SHALE_CRASH_SEED to replay)\n", seed);
    return seed | 1;
}

static void kill_cycles(bool sync, int cycles)
{
    char *dir = test_tmpdir(sync ? "crash-sync" : "crash-nosync");
    shared *sh = shared_new();
    crash_stats st = {0};
    uint64_t rng = pick_seed();
    for (int c = 0; c < cycles; c++) {
        uint64_t seed = rnd(&rng);
        /* 2..62 ms; with sync, writes are slower, so let the child run longer */
        long delay = 2000 + (long)(rnd(&rng) % (sync ? 120000 : 60000));
        if (!run_and_kill(dir, sh, seed, sync, true, delay))
            st.killed_before_open++;
        char what[64];
        snprintf(what, sizeof what, "cycle %d (child seed %" PRIu64 ")", c, seed);
        verify(dir, sh, &st, what);
        st.cycles++;
    }
    fprintf(stderr, "db_crash %s: %ld cycles, %" PRIu64 " writes acknowledged, %ld killed in "
            "open, %ld key checks, in-flight batch applied %ld / dropped %ld, lost 0\n",
            sync ? "sync" : "no-sync", st.cycles, sh->acked_writes, st.killed_before_open,
            st.keys_checked, st.inflight_applied, st.inflight_dropped);
    cr_assert_gt(sh->acked_writes, (uint64_t)cycles, "the children wrote too little to test");
    check_with_rocksdb(dir, sh);
    munmap(sh, sizeof *sh);
    test_rmtree(dir);
    free(dir);
}

TestSuite(db_crash, .timeout = 600);

Test(db_crash, sigkill_never_loses_a_synced_write_or_shows_a_foreign_value)
{
    kill_cycles(true, 200);
}

Test(db_crash, sigkill_without_sync_keeps_every_write_the_wal_acknowledged)
{
    kill_cycles(false, 100);
}

/* --- kill during recovery ---------------------------------------------------- */

/* A database whose data is all in one large WAL: reopening it with a small
 * write buffer replays and flushes for a while. */
static void build_large_wal_db(const char *dir, shared *sh)
{
    shale_options *o = crash_options(64u << 20);
    shale_db *db = tdb_open(dir, o);
    shale_options_free(o);
    shale_err err = {0};
    char k[16], v[400];
    for (uint32_t round = 0; round < 8; round++) {
        for (uint32_t kid = round % 2; kid < NKEYS; kid += 1 + round % 2) {
            uint64_t wid = ++sh->next_wid;
            size_t n = make_value(kid, wid, v, sizeof v);
            key_of(kid, k);
            cr_assert_eq(shale_put(db, NULL, k, strlen(k), v, n, &err), SHALE_OK, "%s", err.msg);
            sh->slots[kid].acked = wid;
        }
    }
    tdb_close(db);   /* close does not flush: everything stays in the WAL */
}

/* How long a full open of a copy of `dir` takes, in microseconds. */
static long time_open(const char *dir)
{
    char *copy = test_tmpdir("crash-time");
    tdb_copy_dir(dir, copy);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    shale_options *o = crash_options(WBUF);
    shale_db *db = tdb_open(copy, o);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    tdb_close(db);
    shale_options_free(o);
    test_rmtree(copy);
    free(copy);
    long us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
    return us < 1000 ? 1000 : us;
}

Test(db_crash, kill_during_recovery_leaves_a_database_the_next_open_recovers)
{
    char *pristine = test_tmpdir("crash-rec-src"), *dir = test_tmpdir("crash-rec");
    shared *sh = shared_new();
    build_large_wal_db(pristine, sh);
    long open_us = time_open(pristine);
    uint64_t rng = pick_seed();
    crash_stats st = {0};
    int mid_recovery = 0;
    for (int c = 0; c < 12; c++) {
        tdb_copy_dir(pristine, dir);
        for (int k = 0; k < 3; k++) {   /* up to three recoveries killed in a row */
            long delay = (long)(rnd(&rng) % (uint64_t)open_us);
            /* The child writes nothing after opening: sh stays exact. */
            sh->n_inflight = 0;
            bool opened = run_and_kill(dir, sh, rnd(&rng), false, false, delay);
            mid_recovery += !opened;
            if (opened)
                break;
        }
        char what[64];
        snprintf(what, sizeof what, "recovery cycle %d", c);
        shared saved = *sh;
        verify(dir, sh, &st, what);
        cr_assert_eq(memcmp(saved.slots, sh->slots, sizeof saved.slots), 0);
    }
    fprintf(stderr, "db_crash recovery: open takes %ld us; %d kills landed mid-recovery, "
            "%ld keys verified, lost 0\n", open_us, mid_recovery, st.keys_checked);
    cr_assert_gt(mid_recovery, 0, "no kill landed during recovery");
    check_with_rocksdb(dir, sh);
    munmap(sh, sizeof *sh);
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
    int n = 1 + (int)(rnd(&r->rng) % 4);
    char k[16], v[400];
    for (int i = 0; i < n; i++) {
        uint32_t kid = (uint32_t)(rnd(&r->rng) % PL_KEYS);
        key_of(kid, k);
        if (rnd(&r->rng) % 5 == 0) {
            cr_assert_eq(shale_write_batch_delete(b, k, strlen(k), NULL), SHALE_OK);
            pl_push_op(&r->h, kid, 0);
        } else {
            uint64_t wid = ++r->next_wid;
            size_t vn = make_value(kid, wid, v, sizeof v);
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
    int calls = 40 + (int)(rnd(&r.rng) % 260);
    for (int i = 0; i < calls; i++) {
        pl_write(&r, wo, rnd(&r.rng) % 8 == 0);
        if (flushes && rnd(&r.rng) % 60 == 0) {
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
        got[k] = read_wid(db, k);
    check_scan_keys(db, got, PL_KEYS);
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
        pl_iteration(rnd(&rng), (fault_power_loss_mode)(i % 3), wbuf, flushes, &lost);
    fprintf(stderr, "db_powerloss %s: %d iterations, every one a prefix holding every synced "
            "write; %ld unsynced writes lost in all\n", what, iterations, lost);
}

Test(db_crash, power_loss_with_one_wal_leaves_a_prefix_holding_every_synced_write)
{
    pl_many("one WAL", 340, 64u << 20, false);
}

Test(db_crash, power_loss_with_flushes_leaves_a_prefix_holding_every_synced_write)
{
    pl_many("flushes", 340, WBUF, false);
}

Test(db_crash, power_loss_after_a_finished_flush_keeps_everything_before_it)
{
    pl_many("explicit flushes", 340, WBUF, true);
}
