/* tests/lsm/db/db_syscall_test.c: the order of durability syscalls, seen
 * from outside the engine with strace (issue 6, "syscall order").
 *
 * The test runs this very executable under
 *   strace -f -y -e trace=openat,write,pwrite64,fdatasync,fsync,rename,... -o LOG
 * with SHALE_SYSCALL_SCENARIO=<db dir> set; a constructor below sees the
 * variable and runs the scenario instead of Criterion: open (creating the
 * database), sync puts, unsynced puts, flush, more sync puts, flush,
 * compact_range, sync puts, close, reopen, a sync put, close.  Each sync put
 * is bracketed by marker writes to /dev/null ("MARK put-begin n",
 * "MARK put-end n"), so the log shows where the call returned.  Automatic
 * compactions are off and the write buffer is large, so flushes and
 * compactions happen only inside the calls that ask for them and MANIFEST
 * writes cannot interleave with another job's.
 *
 * The checker then requires, in strace's order of events (a sync counts
 * from its completion, the operation it protects from its start):
 *   S1 every SST created is fdatasync'd/fsync'd after its last write and
 *      before the next MANIFEST write after its creation (the edit naming it);
 *   S2 the directory is fsync'd after each SST's creation and before that
 *      MANIFEST write;
 *   S3 the same for each new WAL, before the next MANIFEST write and before
 *      the next sync put returns;
 *   S4 before each rename of NNNNNN.dbtmp to CURRENT, the MANIFEST that the
 *      temp file names has been synced after its last write, and so has the
 *      temp file;
 *   S5 after each such rename the directory is fsync'd before the next
 *      marker (before the API call that renamed returns);
 *   S6 between the markers of each sync put, a write to the WAL is followed
 *      by an fdatasync/fsync of the same WAL before put-end.
 * A second test feeds the checker a hand-written log with one violation of
 * each kind, so a checker that sees nothing cannot pass. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shale/db.h"
#include "tests/support/test_util.h"

#define SCENARIO_ENV "SHALE_SYSCALL_SCENARIO"
#define TRACED "openat,write,pwrite64,fdatasync,fsync,rename,renameat,renameat2,unlink,unlinkat,close"

/* --- the scenario (runs in the traced process) ------------------------------ */

static int g_markfd = -1;

static void mark(const char *what, int n)
{
    char buf[64];
    int len = snprintf(buf, sizeof buf, "MARK %s %d\n", what, n);
    if (write(g_markfd, buf, (size_t)len) != len)
        _exit(90);
}

static int put_n(shale_db *db, const shale_write_options *wo, int i, bool marked)
{
    char k[32], v[300];
    snprintf(k, sizeof k, "key%06d", i);
    memset(v, 'a' + i % 26, sizeof v);
    shale_err err = {0};
    if (marked)
        mark("put-begin", i);
    int rc = shale_put(db, wo, k, strlen(k), v, sizeof v, &err);
    if (marked)
        mark("put-end", i);
    if (rc != SHALE_OK)
        fprintf(stderr, "put %s: %s\n", k, err.msg);
    return rc;
}

/* Sync puts of keys [from, to), each marked. */
static int sync_puts(shale_db *db, int from, int to)
{
    shale_write_options *wo = shale_write_options_new();
    shale_write_options_set_sync(wo, true);
    int rc = SHALE_OK;
    for (int i = from; i < to && rc == SHALE_OK; i++)
        rc = put_n(db, wo, i, true);
    shale_write_options_free(wo);
    return rc;
}

static int plain_puts(shale_db *db, int from, int to)
{
    int rc = SHALE_OK;
    for (int i = from; i < to && rc == SHALE_OK; i++)
        rc = put_n(db, NULL, i, false);
    return rc;
}

static int open_db(const char *dir, shale_db **db)
{
    shale_options *o = shale_options_new();
    shale_options_set_create_if_missing(o, true);
    shale_options_set_disable_auto_compactions(o, true);
    shale_options_set_write_buffer_size(o, 8u << 20);
    shale_err err = {0};
    mark("open-begin", 0);
    int rc = shale_db_open(o, dir, db, &err);
    mark("open-end", 0);
    if (rc != SHALE_OK)
        fprintf(stderr, "open: %s\n", err.msg);
    shale_options_free(o);
    return rc;
}

static int run_scenario(const char *dir)
{
    shale_db *db = NULL;
    shale_err err = {0};
    int rc = open_db(dir, &db);
    if (rc == SHALE_OK) rc = sync_puts(db, 0, 10);
    if (rc == SHALE_OK) rc = plain_puts(db, 10, 200);
    if (rc == SHALE_OK) { mark("flush", 1); rc = shale_flush(db, true, &err); }
    if (rc == SHALE_OK) rc = sync_puts(db, 100, 110);
    if (rc == SHALE_OK) rc = plain_puts(db, 200, 400);
    if (rc == SHALE_OK) { mark("flush", 2); rc = shale_flush(db, true, &err); }
    if (rc == SHALE_OK) { mark("compact", 0); rc = shale_compact_range(db, NULL, 0, NULL, 0, &err); }
    if (rc == SHALE_OK) rc = sync_puts(db, 400, 410);
    mark("close", 0);
    if (shale_db_close(db, &err) != SHALE_OK && rc == SHALE_OK)
        rc = SHALE_IO_ERROR;
    db = NULL;
    if (rc == SHALE_OK) rc = open_db(dir, &db);
    if (rc == SHALE_OK) rc = sync_puts(db, 500, 503);
    mark("close", 1);
    if (shale_db_close(db, &err) != SHALE_OK && rc == SHALE_OK)
        rc = SHALE_IO_ERROR;
    if (rc != SHALE_OK)
        fprintf(stderr, "scenario: %s: %s\n", shale_code_name(rc), err.msg);
    return rc;
}

/* Runs before Criterion's main: only in the traced process. */
__attribute__((constructor)) static void scenario_entry(void)
{
    const char *dir = getenv(SCENARIO_ENV);
    if (dir == NULL)
        return;
    g_markfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    _exit(g_markfd >= 0 && run_scenario(dir) == SHALE_OK ? 0 : 1);
}

/* --- the strace log -------------------------------------------------------- */

enum ev_kind { EV_OPEN, EV_WRITE, EV_SYNC, EV_RENAME, EV_CLOSE, EV_UNLINK, EV_MARK };

typedef struct ev {
    int kind;
    long start, end;       /* line numbers where the call began and completed */
    bool creat;            /* openat with O_CREAT */
    long ret;
    char path[256];        /* fd's path (-y), opened path, or rename source */
    char path2[256];       /* rename target */
    char data[64];         /* write: the start of the written bytes, as printed */
} ev;

typedef struct trace {
    ev *v;
    size_t n, cap;
    const char *dir;       /* the database directory, resolved */
} trace;

/* Copies the text between the first `open` after p and the next `close`. */
static const char *copy_between(const char *p, char open, char close, char *out, size_t cap)
{
    const char *a = p != NULL ? strchr(p, open) : NULL;
    const char *b = a != NULL ? strchr(a + 1, close) : NULL;
    out[0] = '\0';
    if (b == NULL)
        return NULL;
    size_t n = (size_t)(b - a - 1) < cap - 1 ? (size_t)(b - a - 1) : cap - 1;
    memcpy(out, a + 1, n);
    out[n] = '\0';
    return b + 1;
}

static int kind_of(const char *name)
{
    static const struct { const char *name; int kind; } map[] = {
        {"openat", EV_OPEN},     {"write", EV_WRITE},      {"pwrite64", EV_WRITE},
        {"fdatasync", EV_SYNC},  {"fsync", EV_SYNC},       {"rename", EV_RENAME},
        {"renameat", EV_RENAME}, {"renameat2", EV_RENAME}, {"close", EV_CLOSE},
        {"unlink", EV_UNLINK},   {"unlinkat", EV_UNLINK},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].name, name) == 0)
            return map[i].kind;
    return -1;
}

/* Parses one whole call, "name(args) = ret", into e.  false: not ours. */
static bool parse_call(const char *call, ev *e)
{
    char name[32];
    const char *paren = strchr(call, '(');
    const char *eq = strrchr(call, '=');
    if (paren == NULL || eq == NULL || (size_t)(paren - call) >= sizeof name)
        return false;
    memcpy(name, call, (size_t)(paren - call));
    name[paren - call] = '\0';
    if ((e->kind = kind_of(name)) < 0)
        return false;
    e->ret = strtol(eq + 1, NULL, 10);
    if (e->kind == EV_OPEN || e->kind == EV_UNLINK) {
        copy_between(paren, '"', '"', e->path, sizeof e->path);
        e->creat = strstr(paren, "O_CREAT") != NULL;
    } else if (e->kind == EV_RENAME) {
        const char *p = copy_between(paren, '"', '"', e->path, sizeof e->path);
        copy_between(p, '"', '"', e->path2, sizeof e->path2);
    } else {
        const char *p = copy_between(paren, '<', '>', e->path, sizeof e->path);
        if (e->kind == EV_WRITE)
            copy_between(p, '"', '"', e->data, sizeof e->data);
        if (e->kind == EV_WRITE && strcmp(e->path, "/dev/null") == 0 &&
            strncmp(e->data, "MARK ", 5) == 0)
            e->kind = EV_MARK;
    }
    return e->ret >= 0;
}

static void trace_add(trace *t, const ev *e)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
        cr_assert_not_null(t->v);
    }
    t->v[t->n++] = *e;
}

/* A pending call of one thread: strace split it into "<unfinished ...>"
 * and "<... name resumed>" lines. */
typedef struct pending {
    int pid;
    long start;
    char text[1024];
} pending;

/* Reads an strace -f -y log.  Calls that failed are dropped. */
static void trace_parse(trace *t, const char *log)
{
    pending pend[64];
    size_t npend = 0;
    long lineno = 0;
    for (const char *line = log; *line != '\0'; lineno++) {
        const char *nl = strchr(line, '\n');
        size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);
        char buf[1024];
        snprintf(buf, sizeof buf, "%.*s", (int)len, line);
        line += len + (nl != NULL);
        char *rest = NULL;
        int pid = (int)strtol(buf, &rest, 10);
        while (*rest == ' ')
            rest++;
        char *unf = strstr(rest, " <unfinished ...>");
        ev e;
        memset(&e, 0, sizeof e);
        e.start = e.end = lineno;
        if (unf != NULL && npend < sizeof pend / sizeof pend[0]) {
            *unf = '\0';
            pend[npend] = (pending){.pid = pid, .start = lineno};
            snprintf(pend[npend++].text, sizeof pend[0].text, "%s", rest);
            continue;
        }
        if (strncmp(rest, "<... ", 5) == 0) {
            char *tail = strstr(rest, "resumed>");
            size_t i = 0;
            while (i < npend && pend[i].pid != pid)
                i++;
            if (tail == NULL || i == npend)
                continue;
            char call[2048];
            snprintf(call, sizeof call, "%s%s", pend[i].text, tail + strlen("resumed>"));
            e.start = pend[i].start;
            pend[i] = pend[--npend];
            if (parse_call(call, &e))
                trace_add(t, &e);
            continue;
        }
        if (parse_call(rest, &e))
            trace_add(t, &e);
    }
}

/* --- the checks --------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s != NULL ? s + 1 : path;
}

static bool in_dir(const trace *t, const char *path)
{
    size_t n = strlen(t->dir);
    return strncmp(path, t->dir, n) == 0 && path[n] == '/' && strchr(path + n + 1, '/') == NULL;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static bool is_manifest(const trace *t, const char *p)
{
    return in_dir(t, p) && strncmp(base_name(p), "MANIFEST-", 9) == 0;
}

/* Index of the first event of kind k that starts after line `after`, on
 * `path` (any path if NULL; any MANIFEST if "MANIFEST"); -1 if none. */
static long next_event(const trace *t, int k, const char *path, long after)
{
    for (size_t i = 0; i < t->n; i++) {
        const ev *e = &t->v[i];
        if (e->kind != k || e->start <= after)
            continue;
        if (path == NULL || (strcmp(path, "MANIFEST") == 0 ? is_manifest(t, e->path)
                                                          : strcmp(e->path, path) == 0))
            return (long)i;
    }
    return -1;
}

/* The earliest start line after line `after` of: the next MANIFEST write
 * (if `manifest`) and the next marker whose label starts with mark_prefix
 * (if not NULL; "" matches any marker).  LONG_MAX if neither comes. */
static long deadline(const trace *t, long after, bool manifest, const char *mark_prefix)
{
    long d = LONG_MAX;
    long m = manifest ? next_event(t, EV_WRITE, "MANIFEST", after) : -1;
    if (m >= 0)
        d = t->v[m].start;
    for (size_t i = 0; mark_prefix != NULL && i < t->n; i++)
        if (t->v[i].kind == EV_MARK && t->v[i].start > after &&
            strncmp(t->v[i].data + 5, mark_prefix, strlen(mark_prefix)) == 0) {
            d = t->v[i].start < d ? t->v[i].start : d;
            break;
        }
    return d;
}

/* Whether a sync of `path` starts after line `after` and completes before
 * line `before`. */
static bool synced_between(const trace *t, const char *path, long after, long before)
{
    for (size_t i = 0; i < t->n; i++) {
        const ev *e = &t->v[i];
        if (e->kind == EV_SYNC && strcmp(e->path, path) == 0 && e->start > after &&
            e->end < before)
            return true;
    }
    return false;
}

/* Last write to path that completed before line `before`; -1 if none. */
static long last_write_before(const trace *t, const char *path, long before)
{
    long last = -1;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].kind == EV_WRITE && t->v[i].end < before && strcmp(t->v[i].path, path) == 0)
            last = t->v[i].end;
    return last;
}

typedef struct findings {
    char text[4096];
    size_t len;
    int count[7];          /* per check S1..S6: cases examined */
    int bad[7];            /* per check: violations */
} findings;

static void note(findings *f, int check, bool ok, const char *fmt, const char *what, long line)
{
    f->count[check]++;
    if (ok)
        return;
    f->bad[check]++;
    if (f->len < sizeof f->text - 200)
        f->len += (size_t)snprintf(f->text + f->len, sizeof f->text - f->len,
                                   "S%d: %s (%s, log line %ld)\n", check, fmt, what, line + 1);
}

/* S1, S2: each SST synced, and the directory synced, before the next
 * MANIFEST write after its creation. */
static void check_ssts(const trace *t, findings *f)
{
    for (size_t i = 0; i < t->n; i++) {
        const ev *e = &t->v[i];
        if (e->kind != EV_OPEN || !e->creat || !in_dir(t, e->path) || !has_suffix(e->path, ".sst"))
            continue;
        long named = deadline(t, e->end, true, NULL);
        long last = last_write_before(t, e->path, named);
        note(f, 1, synced_between(t, e->path, last > e->end ? last : e->end, named),
             "SST not synced before the MANIFEST names it", base_name(e->path), e->start);
        note(f, 2, synced_between(t, t->dir, e->end, named),
             "directory not synced between SST creation and the MANIFEST write",
             base_name(e->path), e->start);
    }
}

/* S3: each new WAL's directory entry synced before the next MANIFEST write
 * and before the next sync put returns. */
static void check_wals(const trace *t, findings *f)
{
    for (size_t i = 0; i < t->n; i++) {
        const ev *e = &t->v[i];
        if (e->kind != EV_OPEN || !e->creat || !in_dir(t, e->path) || !has_suffix(e->path, ".log"))
            continue;
        long d = deadline(t, e->end, true, "put-end");
        note(f, 3, synced_between(t, t->dir, e->end, d),
             "directory not synced after WAL creation before it is used", base_name(e->path),
             e->start);
    }
}

/* S4, S5: the MANIFEST and the temp file synced before CURRENT is renamed,
 * the directory after. */
static void check_current(const trace *t, findings *f)
{
    for (size_t i = 0; i < t->n; i++) {
        const ev *e = &t->v[i];
        if (e->kind != EV_RENAME || strcmp(base_name(e->path2), "CURRENT") != 0)
            continue;
        long w = next_event(t, EV_WRITE, e->path, -1);
        char manifest[300] = "";
        if (w >= 0 && w < (long)i)
            snprintf(manifest, sizeof manifest, "%s/%.*s", t->dir,
                     (int)strcspn(t->v[w].data, "\\"), t->v[w].data);
        long mlast = manifest[0] ? last_write_before(t, manifest, e->start) : -1;
        note(f, 4, mlast >= 0 && synced_between(t, manifest, mlast, e->start),
             "MANIFEST not synced before CURRENT is renamed", base_name(manifest), e->start);
        long tlast = last_write_before(t, e->path, e->start);
        note(f, 4, tlast >= 0 && synced_between(t, e->path, tlast, e->start),
             "temp file not synced before it is renamed to CURRENT", base_name(e->path),
             e->start);
        note(f, 5, synced_between(t, t->dir, e->end, deadline(t, e->end, false, "")),
             "directory not synced after the CURRENT rename", base_name(e->path), e->start);
    }
}

/* S6: a sync put's WAL bytes synced before the put returns. */
static void check_sync_puts(const trace *t, findings *f)
{
    for (size_t i = 0; i < t->n; i++) {
        const ev *b = &t->v[i];
        if (b->kind != EV_MARK || strncmp(b->data, "MARK put-begin ", 15) != 0)
            continue;
        long end = deadline(t, b->end, false, "put-end");
        long wal_write = -1;
        for (size_t j = i + 1; j < t->n && t->v[j].start < end; j++)
            if (t->v[j].kind == EV_WRITE && in_dir(t, t->v[j].path) &&
                has_suffix(t->v[j].path, ".log"))
                wal_write = (long)j;
        note(f, 6, wal_write >= 0 && synced_between(t, t->v[wal_write].path,
                                                    t->v[wal_write].end, end),
             "sync put returned before its WAL write was synced", b->data + 5, b->start);
    }
}

static void check_all(const trace *t, findings *f)
{
    memset(f, 0, sizeof *f);
    check_ssts(t, f);
    check_wals(t, f);
    check_current(t, f);
    check_sync_puts(t, f);
}

/* --- the tests ------------------------------------------------------------------ */

static char *self_exe(void)
{
    char *p = malloc(PATH_MAX);
    ssize_t n = readlink("/proc/self/exe", p, PATH_MAX - 1);
    cr_assert_gt(n, 0, "cannot find this test executable");
    p[n] = '\0';
    return p;
}

Test(db_syscall, durability_syscalls_come_in_a_safe_order, .timeout = 120)
{
    cr_assert(test_have_program("strace"),
              "strace is not installed: the syscall-order test needs it (apt-get install strace)");
    char *tmp = test_tmpdir("syscall");
    char dir[PATH_MAX], logpath[PATH_MAX], cmd[3 * PATH_MAX];
    snprintf(dir, sizeof dir, "%s/db", tmp);
    snprintf(logpath, sizeof logpath, "%s/strace.log", tmp);
    cr_assert_eq(mkdir(dir, 0755), 0);
    char *exe = self_exe();
    snprintf(cmd, sizeof cmd, "%s='%s' strace -f -qq -y -s 48 -e trace=%s -o '%s' '%s' 2>&1",
             SCENARIO_ENV, dir, TRACED, logpath, exe);
    int status = -1;
    char *out = test_run(cmd, &status);
    cr_assert_eq(status, 0, "traced scenario failed (status %d): %s", status, out ? out : "");
    size_t len = 0;
    char *log = test_read_file(logpath, &len);
    cr_assert_not_null(log);
    trace t = {0};
    char *real = realpath(dir, NULL);
    t.dir = real;
    trace_parse(&t, log);
    findings f;
    check_all(&t, &f);
    cr_log_info("syscall order: %d SST syncs, %d SST dir syncs, %d WALs, %d CURRENT renames, "
                "%d sync puts checked", f.count[1], f.count[2], f.count[3], f.count[5],
                f.count[6]);
    /* the scenario must have given every check something to look at */
    cr_assert_geq(f.count[1], 3, "expected >= 3 SSTs (2 flushes, a compaction)");
    cr_assert_geq(f.count[3], 2, "expected >= 2 WALs created");
    cr_assert_geq(f.count[5], 1, "expected CURRENT to be renamed into place");
    cr_assert_eq(f.count[6], 33, "expected 33 sync puts");
    cr_assert_eq(f.len, 0, "syscall order violated (log kept at %s):\n%s", logpath, f.text);
    free(t.v);
    free(real);
    free(log);
    free(out);
    free(exe);
    test_rmtree(tmp);
    free(tmp);
}

/* A hand-written log with one violation of each check, and a clean part. */
static const char bad_log[] =
    "10 openat(AT_FDCWD</w>, \"/d/000007.sst\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 5</d/000007.sst>\n"
    "10 write(5</d/000007.sst>, \"abc\", 3) = 3\n"
    "10 write(6</d/MANIFEST-000005>, \"edit\", 4) = 4\n"          /* S1, S2 */
    "10 fdatasync(5</d/000007.sst>) = 0\n"
    "10 openat(AT_FDCWD</w>, \"/d/000008.log\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 7</d/000008.log>\n"
    "10 write(3</dev/null>, \"MARK put-begin 1\\n\", 16) = 16\n"
    "10 write(7</d/000008.log>, \"rec\", 3) = 3\n"
    "10 write(3</dev/null>, \"MARK put-end 1\\n\", 14) = 14\n"    /* S3, S6 */
    "10 fdatasync(7</d/000008.log>) = 0\n"
    "10 openat(AT_FDCWD</w>, \"/d/000009.dbtmp\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 8</d/000009.dbtmp>\n"
    "10 write(8</d/000009.dbtmp>, \"MANIFEST-000005\\n\", 16) = 16\n"
    "11 fdatasync(8</d/000009.dbtmp> <unfinished ...>\n"
    "10 rename(\"/d/000009.dbtmp\", \"/d/CURRENT\") = 0\n"   /* S4 (MANIFEST), S4 (temp) */
    "11 <... fdatasync resumed>) = 0\n"
    "10 write(3</dev/null>, \"MARK close 0\\n\", 12) = 12\n"    /* S5 */
    "10 fsync(9</d>) = 0\n";

Test(db_syscall, checker_reports_each_kind_of_violation)
{
    trace t = {.dir = "/d"};
    trace_parse(&t, bad_log);
    cr_assert_eq(t.n, 15, "parsed %zu events", t.n);
    findings f;
    check_all(&t, &f);
    for (int c = 1; c <= 6; c++)
        cr_assert_geq(f.bad[c], 1, "check S%d found nothing:\n%s", c, f.text);
    cr_assert_eq(f.bad[4], 2, "%s", f.text);
    free(t.v);
}
