/* tests/lsm/db/db_corruption_test.c: the corruption sweep of issue 6
 * (invariant 5: damaged bytes give Corruption or IOError, never a crash, a
 * hang, a sanitizer report or wrong data).
 *
 * A small database is built once per test through the public API:
 *   phase A  puts k0-k149, flush                      -> L0 SST
 *   phase B  puts k150-k299, overwrites k0-k49, flush -> L0 SST
 *            compact_range (16 KiB target files)      -> 2-3 L1 SSTs
 *   phase C  puts k300-k349, overwrites k50-k69, deletes k100-k109, flush
 *                                                     -> L0 SST
 *   phase D  puts k350-k399, overwrites k70-k89, deletes k110-k119: left in
 *            the WAL only; close.
 * Every write is one WAL record; values say which write made them
 * ("k<key>.w<write>" + a pad derived from both), so a read is checked byte
 * for byte.  Then, for each case, on a fresh copy: one file (chosen
 * uniformly among the non-empty files: SSTs, WAL, MANIFEST, CURRENT,
 * OPTIONS, IDENTITY, LOG) gets one random bit flipped, or is truncated at a
 * random length.  The copy is opened (paranoid checks, point-in-time WAL
 * recovery: the defaults), every key is read with get, and the whole range
 * is scanned.  Allowed:
 *   - open fails with SHALE_CORRUPTION (or SHALE_NOT_SUPPORTED, as below)
 *     whose message names a file of the
 *     database: the damaged one or, counted apart and only when the MANIFEST
 *     or CURRENT is the damaged file, one the damage led to (an older
 *     version naming an SST that a later compaction deleted);
 *   - open succeeds and the state read equals the history after some
 *     prefix of P writes (each write is one record), where
 *       P = all writes, unless the WAL is the damaged file;
 *       P >= the writes before the first WAL record the damage touches (a
 *         flip at byte x loses the record holding x and every later one; a
 *         truncation to length L loses the records not wholly below L):
 *         exactly the loss point-in-time recovery defines;
 *     a key whose get fails instead is allowed when the error is
 *     SHALE_CORRUPTION or SHALE_IO_ERROR naming the damaged file, or
 *     SHALE_NOT_SUPPORTED naming it (a flip in an SST footer's
 *     format_version reads as a newer format: counted apart);
 *   - the scan returns keys in order, each with a value the gets allow; if
 *     it ends with an error, that error names the damaged file.
 * Anything else (a wrong value, a NotFound beyond the allowed loss, an
 * error naming no file, another code) fails the test with the case.  Each
 * case runs under alarm(): a hang fails the test with the case named.
 *
 * Counts: SHALE_CORRUPTION_CASES (default 2000 per test) cases each of flips
 * and truncations; the seed is printed and SHALE_CORRUPTION_SEED replays.
 * SHALE_CORRUPTION_KEEP=<dir> keeps a copy of the undamaged database;
 * SHALE_CORRUPTION_VERBOSE=1 logs the opens refused naming another file. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lsm/log/log_format.h"
#include "lsm/util/buf.h"
#include "shale/db.h"
#include "tests/lsm/db/db_test_util.h"
#include "tests/support/test_util.h"

#define NKEYS 400
#define MAX_WRITES 700
#define MAX_FILES 24
#define CASE_SECONDS 20

/* --- the history and self-describing values ------------------------------- */

typedef struct write_rec {
    int key;
    bool del;
} write_rec;

typedef struct history {
    write_rec w[MAX_WRITES + 1];   /* writes 1..n */
    int n;
    int flushed;                   /* writes 1..flushed are in SSTs */
    size_t wal_len[MAX_WRITES + 1];/* WAL payload size of each unflushed write */
} history;

static void key_of(int k, char *buf, size_t n) { snprintf(buf, n, "k%04d", k); }

static size_t value_of(int k, int w, char *buf, size_t n)
{
    int len = snprintf(buf, n, "k%04d.w%04d.", k, w);
    size_t pad = 24 + (size_t)((k * 7 + w * 13) % 40);
    for (size_t i = 0; i < pad && (size_t)len + 1 < n; i++)
        buf[len++] = (char)('a' + (k + w + (int)i) % 26);
    buf[len] = '\0';
    return (size_t)len;
}

static size_t varint_len(size_t v)
{
    size_t n = 1;
    while (v >= 128) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Applies one write to db and records it; WAL payload size per the
 * WriteBatch format (12-byte header, tag, length-prefixed key and value). */
static void do_write(shale_db *db, history *h, int k, bool del)
{
    char kb[16], vb[128];
    key_of(k, kb, sizeof kb);
    int w = ++h->n;
    cr_assert_leq(w, MAX_WRITES);
    h->w[w] = (write_rec){k, del};
    size_t klen = strlen(kb), payload = 12 + 1 + varint_len(klen) + klen;
    shale_err err = {0};
    int rc;
    if (del) {
        rc = shale_delete(db, NULL, kb, klen, &err);
    } else {
        size_t vlen = value_of(k, w, vb, sizeof vb);
        payload += varint_len(vlen) + vlen;
        rc = shale_put(db, NULL, kb, klen, vb, vlen, &err);
    }
    cr_assert_eq(rc, SHALE_OK, "write %d: %s", w, err.msg);
    h->wal_len[w] = payload;
}

static void do_flush(shale_db *db, history *h)
{
    shale_err err = {0};
    cr_assert_eq(shale_flush(db, true, &err), SHALE_OK, "flush: %s", err.msg);
    h->flushed = h->n;
}

static void build_db(const char *dir, history *h)
{
    shale_options *o = shale_options_new();
    shale_options_set_create_if_missing(o, true);
    shale_options_set_disable_auto_compactions(o, true);
    shale_options_set_target_file_size_base(o, 16 * 1024);
    shale_db *db = tdb_open(dir, o);
    memset(h, 0, sizeof *h);
    for (int k = 0; k < 150; k++) do_write(db, h, k, false);
    do_flush(db, h);
    for (int k = 150; k < 300; k++) do_write(db, h, k, false);
    for (int k = 0; k < 50; k++) do_write(db, h, k, false);
    do_flush(db, h);
    shale_err err = {0};
    cr_assert_eq(shale_compact_range(db, NULL, 0, NULL, 0, &err), SHALE_OK, "%s", err.msg);
    for (int k = 300; k < 350; k++) do_write(db, h, k, false);
    for (int k = 50; k < 70; k++) do_write(db, h, k, false);
    for (int k = 100; k < 110; k++) do_write(db, h, k, true);
    do_flush(db, h);
    for (int k = 350; k < 400; k++) do_write(db, h, k, false);
    for (int k = 70; k < 90; k++) do_write(db, h, k, false);
    for (int k = 110; k < 120; k++) do_write(db, h, k, true);
    tdb_close(db);
    shale_options_free(o);
}

/* End offset in the WAL of each unflushed write's record (log framing:
 * 32 KiB blocks, 7-byte fragment headers, block tails under 7 bytes
 * zero-filled).  Returns the WAL's expected size. */
static size_t wal_record_ends(const history *h, size_t *end)
{
    size_t pos = 0;
    for (int w = h->flushed + 1; w <= h->n; w++) {
        size_t left = h->wal_len[w];
        do {
            size_t room = LOG_BLOCK_SIZE - pos % LOG_BLOCK_SIZE;
            if (room < LOG_HEADER_SIZE) {
                pos += room;
                room = LOG_BLOCK_SIZE;
            }
            size_t frag = left < room - LOG_HEADER_SIZE ? left : room - LOG_HEADER_SIZE;
            pos += LOG_HEADER_SIZE + frag;
            left -= frag;
        } while (left > 0);
        end[w] = pos;
    }
    return pos;
}

/* --- the database as bytes ---------------------------------------------------- */

typedef struct db_file {
    char name[256];
    char *data;
    size_t len;
} db_file;

typedef struct image {
    db_file f[MAX_FILES];
    int n;
    int wal;                       /* index of the WAL in f */
} image;

static void image_load(image *im, const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *de;
    memset(im, 0, sizeof *im);
    im->wal = -1;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        cr_assert_lt(im->n, MAX_FILES);
        db_file *f = &im->f[im->n];
        char path[1024];
        cr_assert_lt(snprintf(f->name, sizeof f->name, "%s", de->d_name), (int)sizeof f->name);
        cr_assert_lt(snprintf(path, sizeof path, "%s/%s", dir, de->d_name), (int)sizeof path);
        f->data = test_read_file(path, &f->len);
        cr_assert_not_null(f->data, "read %s", path);
        size_t nl = strlen(f->name);
        if (nl > 4 && strcmp(f->name + nl - 4, ".log") == 0) {
            cr_assert_eq(im->wal, -1, "more than one WAL left");
            im->wal = im->n;
        }
        im->n++;
    }
    closedir(d);
    cr_assert_neq(im->wal, -1, "no WAL left");
}

static void image_free(image *im)
{
    for (int i = 0; i < im->n; i++)
        free(im->f[i].data);
}

/* Writes the image into dir (emptied first), file `victim` replaced by
 * (data, len). */
static void image_write(const image *im, const char *dir, int victim, const char *data,
                        size_t len)
{
    char path[1024];
    for (int i = 0; i < im->n; i++) {
        cr_assert_lt(snprintf(path, sizeof path, "%s/%s", dir, im->f[i].name), (int)sizeof path);
        bool v = i == victim;
        cr_assert(test_write_file(path, v ? data : im->f[i].data, v ? len : im->f[i].len));
    }
}

static void empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *de;
    char path[1024];
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        cr_assert_lt(snprintf(path, sizeof path, "%s/%s", dir, de->d_name), (int)sizeof path);
        cr_assert_eq(unlink(path), 0, "unlink %s", path);
    }
    closedir(d);
}

/* --- one case ------------------------------------------------------------------ */

enum outcome {
    OUT_OPEN_FAILED,         /* open refused, message names the damaged file */
    OUT_OPEN_FAILED_OTHER,   /* open refused, message names another file */
    OUT_INTACT,              /* opened, every key right, nothing lost */
    OUT_WAL_LOSS,            /* opened, a WAL tail lost as allowed */
    OUT_READ_ERRORS,         /* opened, some reads refused naming the file */
    OUT_AS_ROCKSDB,          /* damaged MANIFEST: reads exactly what RocksDB reads */
    OUT_VIOLATION,
    OUT_COUNT
};

static const char *const outcome_names[OUT_COUNT] = {
    "open refused naming the file", "open refused naming another file", "all reads right",
    "WAL tail lost (allowed)", "some reads refused naming the file",
    "MANIFEST damage read exactly as RocksDB 7.8.3 reads it", "VIOLATION",
};

typedef struct sweep {
    const history *h;
    const image *im;
    const char *dir;
    size_t wal_end[MAX_WRITES + 1];
    int outcomes[OUT_COUNT];
    int open_codes[16];       /* refused opens by code */
    int read_codes[16];       /* refused reads and scans by code */
    int last_case;            /* case of the last violation described */
    char fails[65536];        /* the first violations, described */
    size_t fails_len;
} sweep;

typedef struct one_case {
    int victim;
    bool truncate;
    size_t offset;            /* flipped byte, or new length */
    int bit;
    int p_lo;                 /* fewest writes the state may hold */
    int obs[NKEYS];           /* write id read per key; 0 absent; -1 refused */
    bool refused;             /* some read refused */
} one_case;

static char g_case_desc[256];

static void on_alarm(int sig)
{
    static const char msg[] = "db_corruption: case hangs: ";
    (void)!write(2, msg, sizeof msg - 1);
    (void)!write(2, g_case_desc, strlen(g_case_desc));
    (void)!write(2, "\n", 1);
    _exit(3);
}

static int g_case_no;

/* Describes the first violation of each case. */
static void violation(sweep *s, const char *fmt, const char *detail)
{
    if (s->last_case == g_case_no)
        return;
    s->last_case = g_case_no;
    if (s->fails_len < sizeof s->fails - 400)
        s->fails_len += (size_t)snprintf(s->fails + s->fails_len, sizeof s->fails - s->fails_len,
                                         "%s: %s: %s\n", g_case_desc, fmt, detail);
}

static bool names_file(const char *msg, const char *name) { return strstr(msg, name) != NULL; }

static bool names_any_file(const char *msg)
{
    static const char *const marks[] = {".sst", ".log", "MANIFEST-", "CURRENT", "OPTIONS",
                                        "IDENTITY"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strstr(msg, marks[i]) != NULL)
            return true;
    return false;
}

/* Which write made this value of key k; 0 if none did (garbage). */
static int value_writer(const history *h, int k, const char *v, size_t n)
{
    int kk = -1, w = -1;
    char want[128], got[128];
    if (n >= sizeof got)
        return 0;
    memcpy(got, v, n);   /* values are not NUL-terminated */
    got[n] = '\0';
    if (sscanf(got, "k%04d.w%04d.", &kk, &w) != 2 || kk != k || w < 1 || w > h->n ||
        h->w[w].key != k || h->w[w].del)
        return 0;
    size_t wn = value_of(k, w, want, sizeof want);
    return wn == n && memcmp(want, v, n) == 0 ? w : 0;
}

/* A refused read is allowed when it is Corruption or IOError naming the
 * damaged file. */
static bool refusal_ok(sweep *s, one_case *c, int rc, const shale_err *err, const char *what)
{
    const char *victim = s->im->f[c->victim].name;
    if ((rc == SHALE_CORRUPTION || rc == SHALE_IO_ERROR || rc == SHALE_NOT_SUPPORTED) &&
        names_file(err->msg, victim)) {
        c->refused = true;
        s->read_codes[rc & 15]++;
        return true;
    }
    char d[300];
    snprintf(d, sizeof d, "%s: %s: %s", what, shale_code_name(rc), err->msg);
    violation(s, "read refused without naming the damaged file", d);
    return false;
}

/* Reads every key with get into c->obs.  false on a violation. */
static bool read_all(sweep *s, one_case *c, shale_db *db)
{
    bool ok = true;
    for (int k = 0; k < NKEYS; k++) {
        char kb[16], *v = NULL;
        size_t vn = 0;
        shale_err err = {0};
        key_of(k, kb, sizeof kb);
        int rc = shale_get(db, NULL, kb, strlen(kb), &v, &vn, &err);
        if (rc == SHALE_OK) {
            c->obs[k] = value_writer(s->h, k, v, vn);
            if (c->obs[k] == 0) {
                violation(s, "wrong value", kb);
                ok = false;
            }
        } else if (rc == SHALE_NOT_FOUND) {
            c->obs[k] = 0;
        } else {
            c->obs[k] = -1;
            ok = refusal_ok(s, c, rc, &err, kb) && ok;
        }
        shale_free(v);
    }
    return ok;
}

/* Whether some prefix of P writes, p_lo <= P <= n, explains every read
 * that was not refused. */
static bool prefix_explains(const history *h, const one_case *c, int *p_out)
{
    int state[NKEYS] = {0}, bad = 0;
    for (int w = 1; w <= c->p_lo; w++)
        state[h->w[w].key] = h->w[w].del ? 0 : w;
    for (int k = 0; k < NKEYS; k++)
        bad += c->obs[k] >= 0 && c->obs[k] != state[k];
    for (int p = c->p_lo;; p++) {
        if (bad == 0) {
            *p_out = p;
            return true;
        }
        if (p == h->n)
            return false;
        const write_rec *r = &h->w[p + 1];
        int o = c->obs[r->key], next = r->del ? 0 : p + 1;
        if (o >= 0)
            bad += (o != next) - (o != state[r->key]);
        state[r->key] = next;
    }
}

/* The scan: ordered keys, each value what the get saw. */
static bool scan_all(sweep *s, one_case *c, shale_db *db)
{
    shale_iter *it = shale_iter_new(db, NULL);
    cr_assert_not_null(it);
    int seen[NKEYS] = {0}, last = -1;
    bool ok = true;
    for (shale_iter_seek_to_first(it); shale_iter_valid(it) && ok; shale_iter_next(it)) {
        size_t kn, vn;
        const char *k = shale_iter_key(it, &kn), *v = shale_iter_value(it, &vn);
        int id = -1;
        char kz[8] = "";
        if (kn == 5)
            memcpy(kz, k, 5);
        if (kn != 5 || sscanf(kz, "k%04d", &id) != 1 || id <= last || id >= NKEYS) {
            violation(s, "scan: key out of order or not ours", "");
            ok = false;
            break;
        }
        last = id;
        seen[id] = value_writer(s->h, id, v, vn);
        if (seen[id] == 0 || (c->obs[id] >= 0 && seen[id] != c->obs[id])) {
            violation(s, "scan: value differs from get", "");
            ok = false;
        }
    }
    shale_err err = {0};
    int rc = shale_iter_status(it, &err);
    shale_iter_free(it);
    if (rc != SHALE_OK)
        return refusal_ok(s, c, rc, &err, "scan") && ok;
    for (int k = 0; k < NKEYS && ok; k++)
        if (c->obs[k] >= 0 && seen[k] != c->obs[k]) {
            violation(s, "scan: missing or extra key against gets", "");
            ok = false;
        }
    return ok;
}

/* Fewest writes the state may hold: all, unless the WAL is damaged. */
static int lowest_prefix(const sweep *s, const one_case *c)
{
    const history *h = s->h;
    if (c->victim != s->im->wal)
        return h->n;
    int p = h->flushed;
    while (p < h->n && s->wal_end[p + 1] <= c->offset)   /* records wholly before it */
        p++;
    return p;
}

static enum outcome judge_open_failure(sweep *s, one_case *c, int rc, const shale_err *err)
{
    const char *victim = s->im->f[c->victim].name;
    s->open_codes[rc & 15]++;
    if ((rc == SHALE_CORRUPTION || rc == SHALE_NOT_SUPPORTED) && names_file(err->msg, victim))
        return OUT_OPEN_FAILED;
    bool cascades = strncmp(victim, "MANIFEST-", 9) == 0 || strcmp(victim, "CURRENT") == 0;
    if (rc == SHALE_CORRUPTION && cascades && names_any_file(err->msg)) {
        if (getenv("SHALE_CORRUPTION_VERBOSE") != NULL)
            cr_log_info("%s: refused naming another file: %s", g_case_desc, err->msg);
        return OUT_OPEN_FAILED_OTHER;
    }
    char d[300];
    snprintf(d, sizeof d, "%s: %s", shale_code_name(rc), err->msg);
    violation(s, "open refused without Corruption naming a file", d);
    return OUT_VIOLATION;
}

/* Every live key and value as "hexkey hexvalue" lines, through shale. */
static char *shale_scan_text(shale_db *db)
{
    shale_buf out = SHALE_BUF_INIT;
    static const char d[] = "0123456789abcdef";
    shale_iter *it = shale_iter_new(db, NULL);
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it)) {
        size_t kn, vn;
        const char *k = shale_iter_key(it, &kn), *v = shale_iter_value(it, &vn);
        for (size_t i = 0; i < kn; i++) {
            shale_buf_append_byte(&out, (uint8_t)d[(unsigned char)k[i] >> 4]);
            shale_buf_append_byte(&out, (uint8_t)d[(unsigned char)k[i] & 15]);
        }
        shale_buf_append_byte(&out, ' ');
        for (size_t i = 0; i < vn; i++) {
            shale_buf_append_byte(&out, (uint8_t)d[(unsigned char)v[i] >> 4]);
            shale_buf_append_byte(&out, (uint8_t)d[(unsigned char)v[i] & 15]);
        }
        shale_buf_append_byte(&out, '\n');
    }
    shale_iter_free(it);
    shale_buf_append_byte(&out, 0);
    return shale_buf_detach(&out, NULL);
}

/* RocksDB's reading of the same damaged files (a separate copy, as opening
 * rewrites them): `ldb scan --hex` as the same lines; NULL if ldb fails. */
static char *rocksdb_scan_text(const char *dir)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "ldb --db='%s' scan --hex 2>/dev/null | awk '{print tolower(substr($1,3)) \" \" "
             "tolower(substr($3,3))}'",
             dir);
    int st = 0;
    char *out = test_run(cmd, &st);
    if (st != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* A damaged MANIFEST can make both engines recover an older version: a
 * length that runs past the end reads as a torn last record, which is
 * normal after a crash.  Then shale must read exactly what RocksDB reads. */
static bool reads_as_rocksdb(const char *rocks_dir, shale_db *db)
{
    char *ours = shale_scan_text(db), *theirs = rocksdb_scan_text(rocks_dir);
    bool same = ours != NULL && theirs != NULL && strcmp(ours, theirs) == 0;
    free(ours);
    free(theirs);
    return same;
}

static enum outcome run_case(sweep *s, one_case *c)
{
    const db_file *f = &s->im->f[c->victim];
    char *data = malloc(f->len + 1);
    memcpy(data, f->data, f->len);
    size_t len = f->len;
    if (c->truncate)
        len = c->offset;
    else
        data[c->offset] ^= (char)(1 << c->bit);
    empty_dir(s->dir);
    image_write(s->im, s->dir, c->victim, data, len);
    bool manifest = strncmp(f->name, "MANIFEST-", 9) == 0;
    char rocks_dir[1100];
    snprintf(rocks_dir, sizeof rocks_dir, "%s-rocksdb", s->dir);
    if (manifest) {
        mkdir(rocks_dir, 0755);
        empty_dir(rocks_dir);
        image_write(s->im, rocks_dir, c->victim, data, len);
    }
    free(data);
    c->p_lo = lowest_prefix(s, c);
    shale_options *o = shale_options_new();
    shale_db *db = NULL;
    shale_err err = {0};
    alarm(CASE_SECONDS);
    int rc = shale_db_open(o, s->dir, &db, &err);
    shale_options_free(o);
    enum outcome out;
    int p = -1;
    if (rc != SHALE_OK) {
        out = judge_open_failure(s, c, rc, &err);
    } else {
        bool ok = read_all(s, c, db);
        ok = scan_all(s, c, db) && ok;
        bool as_rocksdb = false;
        if (ok && !prefix_explains(s->h, c, &p)) {
            as_rocksdb = manifest && reads_as_rocksdb(rocks_dir, db);
            if (!as_rocksdb) {
                violation(s, "reads match no allowed prefix of the history", "");
                ok = false;
            }
        }
        out = !ok ? OUT_VIOLATION : as_rocksdb ? OUT_AS_ROCKSDB : c->refused ? OUT_READ_ERRORS
                                 : p < s->h->n ? OUT_WAL_LOSS : OUT_INTACT;
        shale_err cerr = {0};
        (void)shale_db_close(db, &cerr);
    }
    alarm(0);
    return out;
}

/* --- the sweeps ---------------------------------------------------------------- */

static uint64_t g_rng;

static uint64_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

static int env_int(const char *name, int dflt)
{
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? atoi(v) : dflt;
}

static void sweep_setup(sweep *s, history *h, image *im, char **tmp)
{
    *tmp = test_tmpdir("corrupt");
    char built[512], work[512];
    snprintf(built, sizeof built, "%s/built", *tmp);
    snprintf(work, sizeof work, "%s/case", *tmp);
    cr_assert_eq(mkdir(work, 0755), 0);
    build_db(built, h);
    const char *keep = getenv("SHALE_CORRUPTION_KEEP");   /* for replaying a case by hand */
    if (keep != NULL)
        tdb_copy_dir(built, keep);
    image_load(im, built);
    memset(s, 0, sizeof *s);
    s->last_case = -1;
    s->h = h;
    s->im = im;
    s->dir = strdup(work);
    size_t wal_size = wal_record_ends(h, s->wal_end);
    cr_assert_eq(wal_size, im->f[im->wal].len, "WAL layout model disagrees with the file");
    g_rng = (uint64_t)env_int("SHALE_CORRUPTION_SEED", (int)(time(NULL) % 1000000)) | 1;
    cr_log_info("db_corruption seed %" PRIu64 " (SHALE_CORRUPTION_SEED replays)", g_rng);
    signal(SIGALRM, on_alarm);
}

static void sweep_report(sweep *s, const char *kind, int cases, int per_file[MAX_FILES])
{
    char line[1024];
    size_t n = (size_t)snprintf(line, sizeof line, "%s: %d cases:", kind, cases);
    for (int o = 0; o < OUT_COUNT; o++)
        n += (size_t)snprintf(line + n, sizeof line - n, " %s %d;", outcome_names[o],
                              s->outcomes[o]);
    cr_log_info("%s", line);
    n = (size_t)snprintf(line, sizeof line, "%s per file:", kind);
    for (int i = 0; i < s->im->n && n < sizeof line - 64; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, " %s %d;", s->im->f[i].name,
                              per_file[i]);
    cr_log_info("%s", line);
    cr_log_info("%s: refused opens by code: Corruption %d, IOError %d, NotFound %d, "
                "InvalidArgument %d, NotSupported %d", kind, s->open_codes[SHALE_CORRUPTION],
                s->open_codes[SHALE_IO_ERROR], s->open_codes[SHALE_NOT_FOUND],
                s->open_codes[SHALE_INVALID_ARGUMENT], s->open_codes[SHALE_NOT_SUPPORTED]);
    cr_log_info("%s: refused reads and scans by code: Corruption %d, IOError %d, "
                "NotSupported %d", kind, s->read_codes[SHALE_CORRUPTION],
                s->read_codes[SHALE_IO_ERROR], s->read_codes[SHALE_NOT_SUPPORTED]);
}

static void run_sweep(bool truncate)
{
    history *h = malloc(sizeof *h);
    image im;
    sweep *s = malloc(sizeof *s);
    char *tmp = NULL;
    sweep_setup(s, h, &im, &tmp);
    int cases = env_int("SHALE_CORRUPTION_CASES", 2000), per_file[MAX_FILES] = {0};
    const char *kind = truncate ? "truncations" : "bit flips";
    for (int i = 0; i < cases; i++) {
        one_case c;
        memset(&c, 0, sizeof c);
        do
            c.victim = (int)(rnd() % (uint64_t)im.n);
        while (im.f[c.victim].len == 0);
        c.truncate = truncate;
        c.offset = (size_t)(rnd() % im.f[c.victim].len);
        c.bit = (int)(rnd() % 8);
        per_file[c.victim]++;
        g_case_no = i;
        if (truncate)
            snprintf(g_case_desc, sizeof g_case_desc, "case %d: truncation of %s to %zu bytes",
                     i, im.f[c.victim].name, c.offset);
        else
            snprintf(g_case_desc, sizeof g_case_desc, "case %d: flip of %s at byte %zu bit %d", i,
                     im.f[c.victim].name, c.offset, c.bit);
        s->outcomes[run_case(s, &c)]++;
    }
    sweep_report(s, kind, cases, per_file);
    cr_expect_eq(s->outcomes[OUT_VIOLATION], 0, "%d of %d %s broke the contract:\n%s",
                 s->outcomes[OUT_VIOLATION], cases, kind, s->fails);
    image_free(&im);
    free((char *)s->dir);
    free(s);
    free(h);
    test_rmtree(tmp);
    free(tmp);
}

TestSuite(db_corruption, .timeout = 600);

/* Runs the cases on the MANIFEST that `pick` describes: case i, for i from
 * 0 until pick returns false.  Returns the violations. */
static int manifest_cases(bool (*pick)(size_t i, size_t len, one_case *c), sweep *s)
{
    history *h = malloc(sizeof *h);
    image im;
    char *tmp = NULL;
    sweep_setup(s, h, &im, &tmp);
    int m = 0;
    while (m < im.n && strncmp(im.f[m].name, "MANIFEST-", 9) != 0)
        m++;
    cr_assert_lt(m, im.n, "no MANIFEST");
    one_case c;
    for (size_t i = 0;; i++) {
        memset(&c, 0, sizeof c);
        c.victim = m;
        if (!pick(i, im.f[m].len, &c))
            break;
        g_case_no = (int)i;
        snprintf(g_case_desc, sizeof g_case_desc, "%s (%zu bytes): %s at %zu bit %d",
                 im.f[m].name, im.f[m].len, c.truncate ? "cut" : "flip", c.offset, c.bit);
        s->outcomes[run_case(s, &c)]++;
    }
    image_free(&im);
    free((char *)s->dir);
    free(h);
    test_rmtree(tmp);
    free(tmp);
    return s->outcomes[OUT_VIOLATION];
}

/* Cuts at each of the 60 lengths just below the MANIFEST's size. */
static bool pick_tail_cut(size_t i, size_t len, one_case *c)
{
    c->truncate = true;
    c->offset = len - 1 - i;
    return i < 60 && i < len;
}

/* Every bit of the first 48 bytes: the headers of the first records. */
static bool pick_head_flip(size_t i, size_t len, one_case *c)
{
    c->offset = i / 8;
    c->bit = (int)(i % 8);
    return c->offset < 48 && c->offset < len;
}

/* The MANIFEST cut at every length inside its last record (the flush of
 * phase C: SST 12, log number 11).  A torn last record is what a crash
 * during that MANIFEST write leaves, and recovery must accept it when the
 * edit was never acted on; here it was (the WALs it retired are deleted),
 * so the state read (phase D's WAL without phase C) is no prefix of the
 * history.  Refusing, or reading a prefix, passes. */
Test(db_corruption, manifest_cut_inside_its_last_edit_is_refused_or_read_right)
{
    sweep *s = malloc(sizeof *s);
    int bad = manifest_cases(pick_tail_cut, s);
    cr_expect_eq(bad, 0, "%d cuts broke the contract:\n%s", bad, s->fails);
    free(s);
}

/* Flips in the first records' headers end the MANIFEST early; the open
 * must then fail naming the MANIFEST, as RocksDB's "... in file <path>"
 * does, or read right. */
Test(db_corruption, manifest_header_flips_are_refused_naming_the_manifest)
{
    sweep *s = malloc(sizeof *s);
    int bad = manifest_cases(pick_head_flip, s);
    cr_expect_eq(bad, 0, "%d flips broke the contract:\n%s", bad, s->fails);
    free(s);
}

Test(db_corruption, every_bit_flip_is_refused_or_read_right)
{
    run_sweep(false);
}

Test(db_corruption, every_truncation_is_refused_or_read_right)
{
    run_sweep(true);
}
