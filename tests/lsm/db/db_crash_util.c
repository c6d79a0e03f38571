/* tests/lsm/db/db_crash_util.c: the crash test's oracle, values, families,
 * writer child and verification (see db_crash_util.h).  The child checks
 * its own reads (gets and iterator walks) against the oracle while it runs:
 * between two writes nothing is in flight, so the expected state is exact.
 * A disagreement is written to the shared page and the child exits 4, so
 * the parent fails naming it. */
#include "tests/lsm/db/db_crash_util.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lsm/util/crc32c.h"
#include "shale/compaction_style.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

const char *const crash_cf_names[CRASH_NCF] = {"default", "cf_plain", "cf_counter"};

/* --- values -------------------------------------------------------------------- */

uint64_t crash_rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

void crash_key(uint32_t kid, char out[16]) { snprintf(out, 16, "key%06u", kid); }

size_t crash_make_value(uint32_t gid, uint64_t wid, char *out, size_t cap)
{
    char body[320];
    int n = snprintf(body, sizeof body, "k%06u w%012" PRIu64 " ", gid, wid);
    int pad = (int)(wid * 2654435761u % 180);
    for (int i = 0; i < pad; i++)
        body[n++] = (char)('a' + (wid * 31 + (uint64_t)i * 7) % 26);
    uint32_t crc = crc32c_value(body, (size_t)n);
    int len = snprintf(out, cap, "%.22sc%08x %.*s", body, crc, n - 22, body + 22);
    return (size_t)len;
}

uint64_t crash_value_wid(uint32_t gid, const char *v, size_t n)
{
    unsigned k = 0;
    uint64_t wid = 0;
    char head[23];
    if (n < 22)
        return 0;
    memcpy(head, v, 22);   /* values are not NUL-terminated */
    head[22] = '\0';
    if (sscanf(head, "k%06u w%012" SCNu64, &k, &wid) != 2 || k != gid || wid == 0)
        return 0;
    char want[400];
    size_t wn = crash_make_value(gid, wid, want, sizeof want);
    return wn == n && memcmp(want, v, n) == 0 ? wid : 0;
}

static void put_u64(char out[8], uint64_t x)
{
    for (int i = 0; i < 8; i++)
        out[i] = (char)(x >> (8 * i));
}

static uint64_t get_u64(const char *p)
{
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | (uint8_t)p[i];
    return x;
}

bool crash_value_state(uint32_t gid, const char *v, size_t n, uint64_t *state)
{
    if (gid / CRASH_KEYS == CRASH_CF_COUNTER) {
        *state = n == 8 ? get_u64(v) : 0;
        return *state != 0;   /* puts are wid << 20, operands >= 1: never 0 */
    }
    *state = crash_value_wid(gid, v, n);
    return *state != 0;
}

crash_shared *crash_shared_new(void)
{
    crash_shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                            -1, 0);
    cr_assert_neq(sh, MAP_FAILED);
    memset(sh, 0, sizeof *sh);
    return sh;
}

void crash_shared_free(crash_shared *sh)
{
    if (sh != NULL)
        munmap(sh, sizeof *sh);
}

/* --- options and open ------------------------------------------------------------ */

shale_options *crash_options(size_t write_buffer)
{
    shale_options *o = tdb_options();
    shale_options_set_write_buffer_size(o, write_buffer);
    shale_options_set_level0_file_num_compaction_trigger(o, 2);
    shale_options_set_target_file_size_base(o, 32 * 1024);
    shale_options_set_max_bytes_for_level_base(o, 128 * 1024);
    shale_options_set_info_log_level(o, SHALE_LOG_WARN);
    return o;
}

/* FIFO keeps everything (1 GiB is ~1000 times what a run writes) and
 * merges small L0 files so reads stay quick. */
static void set_style(shale_options *o, int style)
{
    shale_options_set_compaction_style(o, style);
    if (style == SHALE_COMPACTION_STYLE_FIFO) {
        shale_options_set_fifo_max_table_files_size(o, UINT64_C(1) << 30);
        shale_options_set_fifo_allow_compaction(o, true);
    }
}

int crash_open(const char *dir, const crash_config *cfg, shale_db **db,
               shale_cf *handles[CRASH_NCF], shale_err *err)
{
    shale_options *o[CRASH_NCF];
    for (int i = 0; i < CRASH_NCF; i++) {
        o[i] = crash_options(cfg->write_buffer);
        set_style(o[i], cfg->style);
        shale_options_set_create_missing_column_families(o[i], true);
    }
    shale_options_set_merge_operator(o[CRASH_CF_COUNTER], shale_merge_operator_create_uint64add());
    int rc = shale_db_open_cf(o[0], dir, CRASH_NCF, crash_cf_names,
                              (const shale_options *const *)o, handles, db, err);
    for (int i = 0; i < CRASH_NCF; i++)
        shale_options_free(o[i]);
    return rc;
}

void crash_close(shale_db *db, shale_cf *handles[CRASH_NCF])
{
    for (int i = 1; i < CRASH_NCF; i++)
        shale_cf_handle_free(handles[i]);
    tdb_close(db);
}

/* --- the writer child ----------------------------------------------------------- */

typedef struct child {
    crash_shared *sh;
    shale_db *db;
    shale_cf *h[CRASH_NCF];
    uint64_t rng;
    const crash_config *cfg;
    shale_write_options *wo_plain, *wo_sync;
    shale_write_batch *b;
    uint64_t rec[CC_COUNT];     /* records of the write being built */
    unsigned cf_mask;           /* families it touches */
} child;

static _Noreturn void child_fail(child *c, int code, const char *fmt, ...) SHALE_PRINTF(3, 4);

static _Noreturn void child_fail(child *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->sh->child_error, sizeof c->sh->child_error, fmt, ap);
    va_end(ap);
    fprintf(stderr, "crash child: %s\n", c->sh->child_error);
    _exit(code);
}

static void mark_pending(crash_shared *sh, uint32_t gid, uint64_t state)
{
    __atomic_store_n(&sh->slots[gid].pending, state, __ATOMIC_SEQ_CST);
    __atomic_store_n(&sh->slots[gid].has_pending, 1, __ATOMIC_SEQ_CST);
    if (sh->n_inflight < CRASH_MAX_BATCH_KEYS)
        sh->inflight[sh->n_inflight++] = gid;
}

/* The state slot gid has once the records added so far apply. */
static uint64_t state_so_far(const crash_shared *sh, uint32_t gid)
{
    const crash_slot *s = &sh->slots[gid];
    return s->has_pending ? s->pending : s->acked;
}

static void commit_pending(child *c, bool sync)
{
    crash_shared *sh = c->sh;
    for (uint32_t i = 0; i < sh->n_inflight; i++) {
        crash_slot *s = &sh->slots[sh->inflight[i]];
        __atomic_store_n(&s->acked, s->pending, __ATOMIC_SEQ_CST);
    }
    for (uint32_t i = 0; i < sh->n_inflight; i++)
        __atomic_store_n(&sh->slots[sh->inflight[i]].has_pending, 0, __ATOMIC_SEQ_CST);
    c->rec[CC_WRITES] = 1;
    c->rec[CC_SYNC_WRITES] = sync;
    c->rec[CC_CROSS_CF_BATCHES] = (c->cf_mask & (c->cf_mask - 1)) != 0;
    for (int i = 0; i < CC_COUNT; i++)
        __atomic_add_fetch(&sh->counts[i], c->rec[i], __ATOMIC_SEQ_CST);
}

static bool add_range_delete(child *c, uint32_t cf, uint32_t kid)
{
    char k[16], ek[16];
    uint32_t end = kid + 1 + (uint32_t)(crash_rnd(&c->rng) % 8);
    end = end > CRASH_KEYS ? CRASH_KEYS : end;
    crash_key(kid, k);
    crash_key(end, ek);
    for (uint32_t i = kid; i < end; i++)
        mark_pending(c->sh, cf * CRASH_KEYS + i, 0);
    c->rec[CC_RANGE_DELETES]++;
    return shale_write_batch_delete_range_cf(c->b, c->h[cf], k, strlen(k), ek, strlen(ek),
                                             NULL) == SHALE_OK;
}

static bool add_merge(child *c, uint32_t gid, const char *k)
{
    char v[8];
    uint64_t operand = 1 + crash_rnd(&c->rng) % 1000;
    put_u64(v, operand);
    mark_pending(c->sh, gid, state_so_far(c->sh, gid) + operand);
    c->rec[CC_MERGES]++;
    return shale_write_batch_merge_cf(c->b, c->h[CRASH_CF_COUNTER], k, strlen(k), v, 8,
                                      NULL) == SHALE_OK;
}

static bool add_put(child *c, uint32_t cf, uint32_t gid, const char *k)
{
    char v[400];
    uint64_t wid = __atomic_add_fetch(&c->sh->next_wid, 1, __ATOMIC_SEQ_CST);
    size_t n;
    if (cf == CRASH_CF_COUNTER) {
        put_u64(v, wid << 20);
        n = 8;
        mark_pending(c->sh, gid, wid << 20);
    } else {
        n = crash_make_value(gid, wid, v, sizeof v);
        mark_pending(c->sh, gid, wid);
    }
    c->rec[CC_PUTS]++;
    return shale_write_batch_put_cf(c->b, c->h[cf], k, strlen(k), v, n, NULL) == SHALE_OK;
}

/* Adds one random record to the batch and marks its slots pending.  False
 * when the batch is full. */
static bool add_record(child *c)
{
    char k[16];
    uint32_t cf = (uint32_t)(crash_rnd(&c->rng) % CRASH_NCF);
    uint32_t kid = (uint32_t)(crash_rnd(&c->rng) % CRASH_KEYS), gid = cf * CRASH_KEYS + kid;
    uint64_t x = crash_rnd(&c->rng) % 100;
    c->cf_mask |= 1u << cf;
    if (x < 4 && c->sh->n_inflight + 8 <= CRASH_MAX_BATCH_KEYS)
        return add_range_delete(c, cf, kid);
    if (c->sh->n_inflight >= CRASH_MAX_BATCH_KEYS)
        return false;
    crash_key(kid, k);
    if (x < 22) {
        mark_pending(c->sh, gid, 0);
        c->rec[CC_DELETES]++;
        return shale_write_batch_delete_cf(c->b, c->h[cf], k, strlen(k), NULL) == SHALE_OK;
    }
    if (cf == CRASH_CF_COUNTER && x < 70)
        return add_merge(c, gid, k);
    return add_put(c, cf, gid, k);
}

/* One write call: one record, or a batch of 2..6 across the families. */
static void child_write(child *c)
{
    shale_write_batch_clear(c->b);
    c->sh->n_inflight = 0;
    memset(c->rec, 0, sizeof c->rec);
    c->cf_mask = 0;
    int n = crash_rnd(&c->rng) % 4 == 0 ? 2 + (int)(crash_rnd(&c->rng) % 5) : 1;
    for (int i = 0; i < n; i++)
        if (!add_record(c))
            child_fail(c, 3, "building a batch failed");
    c->rec[CC_BATCHES] = n > 1;
    bool sync = c->cfg->sync == 1 || (c->cfg->sync == 2 && crash_rnd(&c->rng) % 8 == 0);
    shale_err err = {0};
    int rc = shale_write(c->db, sync ? c->wo_sync : c->wo_plain, c->b, &err);
    if (rc != SHALE_OK)
        child_fail(c, 3, "write failed: %s: %s", shale_code_name(rc), err.msg);
    commit_pending(c, sync);
}

/* A get of a random slot must read its acknowledged state exactly. */
static void child_get(child *c)
{
    uint32_t cf = (uint32_t)(crash_rnd(&c->rng) % CRASH_NCF);
    uint32_t kid = (uint32_t)(crash_rnd(&c->rng) % CRASH_KEYS), gid = cf * CRASH_KEYS + kid;
    char k[16], *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    crash_key(kid, k);
    int rc = shale_get_cf(c->db, NULL, c->h[cf], k, strlen(k), &v, &n, &err);
    uint64_t st = 0;
    if (rc == SHALE_OK && !crash_value_state(gid, v, n, &st))
        child_fail(c, 4, "get %s/%s: bytes never written for it", crash_cf_names[cf], k);
    shale_free(v);
    if (rc != SHALE_OK && rc != SHALE_NOT_FOUND)
        child_fail(c, 4, "get %s/%s: %s: %s", crash_cf_names[cf], k, shale_code_name(rc), err.msg);
    if (st != c->sh->slots[gid].acked)
        child_fail(c, 4, "get %s/%s while running: state %" PRIu64 ", acknowledged %" PRIu64,
                   crash_cf_names[cf], k, st, c->sh->slots[gid].acked);
    c->sh->counts[CC_GETS]++;
}

/* The first live key id of family cf from kid on in direction dir (+1 or
 * -1); -1 when none. */
static long next_live(const crash_shared *sh, uint32_t cf, long kid, int dir)
{
    for (; kid >= 0 && kid < CRASH_KEYS; kid += dir)
        if (sh->slots[cf * CRASH_KEYS + (uint32_t)kid].acked != 0)
            return kid;
    return -1;
}

/* Checks the iterator's current entry is key `want` of cf with its
 * acknowledged state. */
static void child_iter_entry(child *c, shale_iter *it, uint32_t cf, long want)
{
    size_t kn = 0, vn = 0;
    const char *k = shale_iter_key(it, &kn), *v = shale_iter_value(it, &vn);
    char wk[16];
    crash_key((uint32_t)want, wk);
    if (kn != strlen(wk) || memcmp(k, wk, kn) != 0)
        child_fail(c, 4, "iterator on %s shows %.*s where %s is the next live key",
                   crash_cf_names[cf], (int)(kn < 40 ? kn : 40), k, wk);
    uint32_t gid = cf * CRASH_KEYS + (uint32_t)want;
    uint64_t st = 0;
    crash_value_state(gid, v, vn, &st);
    if (st != c->sh->slots[gid].acked)
        child_fail(c, 4, "iterator on %s at %s: state %" PRIu64 ", acknowledged %" PRIu64,
                   crash_cf_names[cf], wk, st, c->sh->slots[gid].acked);
}

/* An iterator walk of up to 64 steps from a random key, forward or back:
 * exactly the live keys in order, each with its acknowledged value. */
static void child_iter(child *c)
{
    uint32_t cf = (uint32_t)(crash_rnd(&c->rng) % CRASH_NCF);
    long start = (long)(crash_rnd(&c->rng) % (CRASH_KEYS + 1));
    int dir = crash_rnd(&c->rng) % 2 ? 1 : -1, steps = 1 + (int)(crash_rnd(&c->rng) % 64);
    char k[16];
    crash_key((uint32_t)start, k);
    shale_iter *it = shale_iter_new_cf(c->db, NULL, c->h[cf]);
    if (dir > 0)
        shale_iter_seek(it, k, strlen(k));
    else
        shale_iter_seek_for_prev(it, k, strlen(k));
    long want = next_live(c->sh, cf, dir < 0 && start == CRASH_KEYS ? start - 1 : start, dir);
    for (int i = 0; i < steps && want >= 0; i++) {
        if (!shale_iter_valid(it))
            break;
        child_iter_entry(c, it, cf, want);
        want = next_live(c->sh, cf, want + dir, dir);
        c->sh->counts[CC_ITER_STEPS]++;
        if (dir > 0)
            shale_iter_next(it);
        else
            shale_iter_prev(it);
    }
    shale_err err = {0};
    if (shale_iter_status(it, &err) != SHALE_OK)
        child_fail(c, 4, "iterator on %s: %s", crash_cf_names[cf], err.msg);
    if (want < 0 && shale_iter_valid(it))
        child_fail(c, 4, "iterator on %s shows a key past the last live one", crash_cf_names[cf]);
    if (want >= 0 && !shale_iter_valid(it))
        child_fail(c, 4, "iterator on %s ended before live key%06ld", crash_cf_names[cf], want);
    shale_iter_free(it);
    c->sh->counts[CC_ITERS]++;
}

/* A flush (waited for or not) or a compact_range of one family. */
static void child_maintain(child *c, bool compact)
{
    uint32_t cf = (uint32_t)(crash_rnd(&c->rng) % CRASH_NCF);
    shale_err err = {0};
    int rc;
    c->sh->counts[compact ? CC_COMPACTIONS : CC_FLUSHES]++;   /* started: kills land in them */
    if (compact) {
        char b[16], e[16];
        uint32_t lo = (uint32_t)(crash_rnd(&c->rng) % CRASH_KEYS);
        uint32_t hi = lo + 1 + (uint32_t)(crash_rnd(&c->rng) % CRASH_KEYS);
        crash_key(lo, b);
        crash_key(hi, e);
        bool whole = crash_rnd(&c->rng) % 2 == 0;
        rc = shale_compact_range_cf(c->db, c->h[cf], whole ? NULL : b, whole ? 0 : strlen(b),
                                    whole ? NULL : e, whole ? 0 : strlen(e), &err);
    } else {
        rc = shale_flush_cf(c->db, c->h[cf], crash_rnd(&c->rng) % 2 == 0, &err);
    }
    if (rc != SHALE_OK)
        child_fail(c, 3, "%s of %s: %s: %s", compact ? "compact_range" : "flush",
                   crash_cf_names[cf], shale_code_name(rc), err.msg);
}

_Noreturn void crash_child_main(const char *dir, crash_shared *sh, const crash_config *cfg,
                                uint64_t seed, bool write)
{
    child c = {.sh = sh, .rng = seed | 1, .cfg = cfg};
    shale_err err = {0};
    int rc = crash_open(dir, cfg, &c.db, c.h, &err);
    if (rc != SHALE_OK)
        child_fail(&c, 2, "open: %s: %s", shale_code_name(rc), err.msg);
    __atomic_store_n(&sh->opened, 1, __ATOMIC_SEQ_CST);
    if (!write)
        for (;;)
            pause();
    c.wo_plain = shale_write_options_new();
    c.wo_sync = shale_write_options_new();
    shale_write_options_set_sync(c.wo_sync, true);
    c.b = shale_write_batch_new();
    for (;;) {
        uint64_t x = crash_rnd(&c.rng) % 1000;
        if (x < 8)
            child_maintain(&c, false);
        else if (x < 12)
            child_maintain(&c, true);
        else if (x < 26)
            child_iter(&c);
        else if (x < 76)
            child_get(&c);
        else
            child_write(&c);
    }
}

/* --- verification after reopen --------------------------------------------------- */

uint64_t crash_read_state(shale_db *db, shale_cf *cf, uint32_t gid)
{
    char k[16], *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    crash_key(gid % CRASH_KEYS, k);
    int rc = shale_get_cf(db, NULL, cf, k, strlen(k), &v, &n, &err);
    cr_assert(rc == SHALE_OK || rc == SHALE_NOT_FOUND, "get %s/%s: %s: %s",
              crash_cf_names[gid / CRASH_KEYS], k, shale_code_name(rc), err.msg);
    uint64_t st = 0;
    bool ok = rc == SHALE_NOT_FOUND || crash_value_state(gid, v, n, &st);
    cr_assert(ok, "%s/%s holds bytes never written for it: '%.*s'",
              crash_cf_names[gid / CRASH_KEYS], k, (int)(n < 80 ? n : 80), v);
    shale_free(v);
    return st;
}

/* Parses an iterator key of the form key%06u below nkeys; -1 if not. */
static long iter_kid(shale_iter *it, uint32_t nkeys)
{
    size_t kn = 0;
    const char *k = shale_iter_key(it, &kn);
    char kbuf[10] = {0};
    unsigned kid = 0;
    memcpy(kbuf, k, kn < 9 ? kn : 9);
    if (kn != 9 || sscanf(kbuf, "key%06u", &kid) != 1 || kid >= nkeys)
        return -1;
    return (long)kid;
}

/* One full scan in direction dir agrees with got[] (indexed by key id). */
static void check_scan_dir(shale_db *db, shale_cf *cf, uint32_t cfi, const uint64_t *got,
                           uint32_t nkeys, int dir)
{
    shale_iter *it = shale_iter_new_cf(db, NULL, cf);
    long prev = dir > 0 ? -1 : (long)nkeys, seen = 0, live = 0;
    if (dir > 0)
        shale_iter_seek_to_first(it);
    else
        shale_iter_seek_to_last(it);
    for (; shale_iter_valid(it); dir > 0 ? shale_iter_next(it) : shale_iter_prev(it)) {
        long kid = iter_kid(it, nkeys);
        cr_assert_geq(kid, 0, "stray key in %s", crash_cf_names[cfi]);
        cr_assert((kid - prev) * dir > 0, "%s: scan out of order or repeated at key%06ld",
                  crash_cf_names[cfi], kid);
        prev = kid;
        size_t vn = 0;
        const char *v = shale_iter_value(it, &vn);
        uint64_t st = 0;
        crash_value_state(cfi * CRASH_KEYS + (uint32_t)kid, v, vn, &st);
        cr_assert_eq(st, got[kid], "%s: scan and get disagree on key%06ld", crash_cf_names[cfi],
                     kid);
        seen++;
    }
    shale_err err = {0};
    cr_assert_eq(shale_iter_status(it, &err), SHALE_OK, "scan: %s", err.msg);
    shale_iter_free(it);
    for (uint32_t i = 0; i < nkeys; i++)
        live += got[i] != 0;
    cr_assert_eq(seen, live, "%s: scan saw %ld keys, gets found %ld", crash_cf_names[cfi], seen,
                 live);
}

void crash_check_scan(shale_db *db, shale_cf *cf, uint32_t cfi, const uint64_t *got,
                      uint32_t nkeys)
{
    check_scan_dir(db, cf, cfi, got, nkeys, 1);
    check_scan_dir(db, cf, cfi, got, nkeys, -1);
}

int crash_judge(const crash_shared *sh, const uint64_t *got, int *applied, char *why,
                size_t cap)
{
    int app = 0, drop = 0;
    for (uint32_t gid = 0; gid < CRASH_SLOTS; gid++) {
        const crash_slot *s = &sh->slots[gid];
        if (got[gid] != s->acked && !(s->has_pending && got[gid] == s->pending)) {
            snprintf(why, cap, "%s/key%06u reads %" PRIu64 ", acknowledged %" PRIu64
                     " (in flight: %s %" PRIu64 ")", crash_cf_names[gid / CRASH_KEYS],
                     gid % CRASH_KEYS, got[gid], s->acked, s->has_pending ? "yes" : "no",
                     s->pending);
            return -1;
        }
        if (s->has_pending && s->pending != s->acked) {
            app += got[gid] == s->pending;
            drop += got[gid] == s->acked;
        }
    }
    *applied = app > 0 ? 1 : drop > 0 ? 0 : -1;
    if (app > 0 && drop > 0) {
        snprintf(why, cap, "the write in flight is torn: %d keys applied, %d not", app, drop);
        return -1;
    }
    return 0;
}

void crash_verify(const char *dir, crash_shared *sh, const crash_config *cfg,
                  crash_verify_stats *st, const char *what)
{
    shale_db *db = NULL;
    shale_cf *h[CRASH_NCF];
    shale_err err = {0};
    int rc = crash_open(dir, cfg, &db, h, &err);
    cr_assert_eq(rc, SHALE_OK, "%s: reopen: %s: %s", what, shale_code_name(rc), err.msg);
    uint64_t *got = calloc(CRASH_SLOTS, sizeof *got);
    for (uint32_t gid = 0; gid < CRASH_SLOTS; gid++)
        got[gid] = crash_read_state(db, h[gid / CRASH_KEYS], gid);
    int applied = -1;
    char why[256];
    cr_assert_eq(crash_judge(sh, got, &applied, why, sizeof why), 0, "%s: %s", what, why);
    st->inflight_applied += applied == 1;
    st->inflight_dropped += applied == 0;
    for (uint32_t cf = 0; cf < CRASH_NCF; cf++)
        crash_check_scan(db, h[cf], cf, got + cf * CRASH_KEYS, CRASH_KEYS);
    crash_close(db, h);
    for (uint32_t gid = 0; gid < CRASH_SLOTS; gid++) {
        sh->slots[gid].acked = got[gid];
        sh->slots[gid].has_pending = 0;
    }
    sh->n_inflight = 0;
    st->keys_checked += CRASH_SLOTS;
    free(got);
}

/* --- RocksDB's view ------------------------------------------------------------ */

/* Decodes hex digits into out (at most cap bytes); the byte count. */
static size_t unhex(const char *hex, char *out, size_t cap)
{
    size_t n = 0;
    for (; hex[0] != '\0' && hex[1] != '\0' && n < cap; hex += 2)
        out[n++] = (char)strtol((char[]){hex[0], hex[1], 0}, NULL, 16);
    return n;
}

/* Checks `ldb scan --hex` output of family cf: one line per live slot,
 * "0x<key> : 0x<value>", each value the acknowledged one (for the counter
 * family the expected sum, merged by RocksDB's own UInt64AddOperator). */
static void check_ldb_scan(const char *out, const crash_shared *sh, uint32_t cf)
{
    long lines = 0, live = 0;
    for (const char *p = out, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        lines++;
        char khex[64] = {0}, vhex[1024] = {0}, key[32] = {0}, v[512];
        cr_assert_eq(sscanf(p, "0x%63s : 0x%1023s", khex, vhex), 2, "ldb line: %.80s", p);
        unhex(khex, key, sizeof key - 1);
        size_t vn = unhex(vhex, v, sizeof v);
        unsigned kid = 0;
        cr_assert(sscanf(key, "key%06u", &kid) == 1 && kid < CRASH_KEYS, "ldb key %s", key);
        uint32_t gid = cf * CRASH_KEYS + kid;
        uint64_t st = 0;
        crash_value_state(gid, v, vn, &st);
        cr_assert_eq(st, sh->slots[gid].acked, "ldb reads %s/%s as %" PRIu64 ", shale as %"
                     PRIu64, crash_cf_names[cf], key, st, sh->slots[gid].acked);
    }
    for (uint32_t i = 0; i < CRASH_KEYS; i++)
        live += sh->slots[cf * CRASH_KEYS + i].acked != 0;
    cr_assert_eq(lines, live, "ldb scan of %s printed %ld lines for %ld live keys",
                 crash_cf_names[cf], lines, live);
}

void crash_check_with_rocksdb(const char *dir, const crash_shared *sh)
{
    cr_assert(test_have_program("ldb"), "Debian's ldb (RocksDB 7.8.3) is not installed");
    char *copy = test_tmpdir("crash-ldb");
    tdb_copy_dir(dir, copy);
    char cmd[1024];
    int status = -1;
    for (uint32_t cf = 0; cf < CRASH_NCF; cf++) {
        snprintf(cmd, sizeof cmd, "ldb --db='%s' --column_family=%s --hex scan 2>&1", copy,
                 crash_cf_names[cf]);
        char *out = test_run(cmd, &status);
        cr_assert_not_null(out);
        cr_assert_eq(status, 0, "ldb scan of %s failed:\n%.2000s", crash_cf_names[cf], out);
        check_ldb_scan(out, sh, cf);
        free(out);
    }
    snprintf(cmd, sizeof cmd, "ldb --db='%s' checkconsistency 2>&1", copy);
    char *out = test_run(cmd, &status);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "ldb checkconsistency failed:\n%.2000s", out);
    free(out);
    test_rmtree(copy);
    free(copy);
}
