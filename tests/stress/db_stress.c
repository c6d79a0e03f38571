/* tests/stress/db_stress.c: one database shared by 4 writers, 2 readers and
 * 1 iterator thread while background flush and compaction run (small
 * buffers), then a reopen that must hold every writer's final values.
 *
 * A plain program (Criterion cannot start under ThreadSanitizer): main()
 * runs the scenarios and prints "N passed, M failed"; the exit status is
 * non-zero on any failure.  SHALE_STRESS_SECONDS sets the duration (20).
 *
 * Checking without a lock on the model: writer w owns keys [w*KPW,
 * (w+1)*KPW).  Key k's n-th write is decided by (k, n) alone: a delete when
 * is_delete(k, n), else a put of value_of(k, n).  The writer publishes per
 * key the count it has acknowledged (acked) and the count it has started
 * (issued).  A reader that loads acked = a before its get and issued = i
 * after must read the result of some write n with a <= n <= i (n = 0: the
 * key was never written): older means an acknowledged write was lost,
 * newer or foreign bytes mean garbage. */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shale/db.h"

#define WRITERS 4
#define READERS 2
#define KPW 500
#define NKEYS (WRITERS * KPW)

typedef struct stress {
    shale_db *db;
    atomic_bool stop;
    atomic_long failures;
    atomic_uint_fast64_t acked[NKEYS], issued[NKEYS];
    atomic_long writes, gets, scans, scanned;
} stress;

static stress S;

#define FAIL(...)                                       \
    do {                                                \
        fprintf(stderr, "db_stress: FAIL: " __VA_ARGS__); \
        fputc('\n', stderr);                            \
        atomic_fetch_add(&S.failures, 1);               \
        atomic_store(&S.stop, true);                    \
    } while (0)

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static bool is_delete(uint32_t k, uint64_t n) { return (k * 7 + n * 13) % 9 == 0; }

static void key_of(uint32_t k, char out[16]) { snprintf(out, 16, "k%06u", k); }

/* "v<k>.<n>.<pad>.<sum>": length and pad bytes depend on (k, n). */
static size_t value_of(uint32_t k, uint64_t n, char *out, size_t cap)
{
    int len = snprintf(out, cap, "v%u.%" PRIu64 ".", k, n);
    int pad = (int)((k * 31 + n * 17) % 150);
    uint32_t sum = 0;
    for (int i = 0; i < pad; i++) {
        out[len] = (char)('a' + (k + n + (uint64_t)i) % 26);
        sum = sum * 31 + (uint8_t)out[len++];
    }
    len += snprintf(out + len, cap - (size_t)len, ".%08x", sum);
    return (size_t)len;
}

/* The n that produced v for key k, or -1 if v is not such a value. */
static int64_t parse_n(uint32_t k, const char *v, size_t len)
{
    unsigned kk = 0;
    uint64_t n = 0;
    char want[256], copy[256];
    if (len >= sizeof copy)
        return -1;
    memcpy(copy, v, len);   /* values are not NUL-terminated */
    copy[len] = '\0';
    if (sscanf(copy, "v%u.%" SCNu64 ".", &kk, &n) != 2 || kk != k || n == 0)
        return -1;
    size_t wl = value_of(k, n, want, sizeof want);
    return wl == len && memcmp(want, v, len) == 0 ? (int64_t)n : -1;
}

/* Whether reading "absent" is allowed with a <= n <= i. */
static bool absent_allowed(uint32_t k, uint64_t a, uint64_t i)
{
    if (a == 0)
        return true;
    for (uint64_t n = a; n <= i; n++)
        if (is_delete(k, n))
            return true;
    return false;
}

/* Adds key k's next write to b; returns its n. */
static uint64_t add_next(shale_write_batch *b, uint32_t k)
{
    uint64_t n = atomic_load(&S.issued[k]) + 1;
    atomic_store(&S.issued[k], n);
    char key[16], v[256];
    key_of(k, key);
    if (is_delete(k, n))
        shale_write_batch_delete(b, key, strlen(key), NULL);
    else
        shale_write_batch_put(b, key, strlen(key), v, value_of(k, n, v, sizeof v), NULL);
    return n;
}

static void *writer_main(void *arg)
{
    uint32_t w = (uint32_t)(uintptr_t)arg;
    uint64_t rng = 0x9e3779b97f4a7c15u * (w + 1);
    shale_write_batch *b = shale_write_batch_new();
    shale_write_options *wo = shale_write_options_new();
    while (!atomic_load(&S.stop)) {
        uint32_t keys[4];
        int n = 1 + (int)(rnd(&rng) % 4);
        shale_write_batch_clear(b);
        for (int i = 0; i < n; i++) {
            keys[i] = w * KPW + (uint32_t)(rnd(&rng) % KPW);
            for (int j = 0; j < i; j++)
                if (keys[j] == keys[i])
                    keys[i] = w * KPW + (keys[i] + 1 - w * KPW) % KPW;
            add_next(b, keys[i]);
        }
        shale_write_options_set_sync(wo, rnd(&rng) % 64 == 0);
        shale_err err = {0};
        int rc = shale_write(S.db, wo, b, &err);
        if (rc != SHALE_OK) {
            FAIL("writer %u: %s: %s", w, shale_code_name(rc), err.msg);
            break;
        }
        for (int i = 0; i < n; i++)
            atomic_store(&S.acked[keys[i]], atomic_load(&S.issued[keys[i]]));
        atomic_fetch_add(&S.writes, 1);
    }
    shale_write_options_free(wo);
    shale_write_batch_free(b);
    return NULL;
}

static void check_get(uint32_t k)
{
    uint64_t a = atomic_load(&S.acked[k]);
    char key[16], *v = NULL;
    size_t len = 0;
    shale_err err = {0};
    key_of(k, key);
    int rc = shale_get(S.db, NULL, key, strlen(key), &v, &len, &err);
    uint64_t i = atomic_load(&S.issued[k]);
    if (rc == SHALE_NOT_FOUND) {
        if (!absent_allowed(k, a, i))
            FAIL("%s absent, but write %" PRIu64 " (a put) was acknowledged", key, a);
    } else if (rc != SHALE_OK) {
        FAIL("get %s: %s: %s", key, shale_code_name(rc), err.msg);
    } else {
        int64_t n = parse_n(k, v, len);
        if (n < 0 || (uint64_t)n < a || (uint64_t)n > i || is_delete(k, (uint64_t)n))
            FAIL("%s reads '%.*s' (write %" PRId64 "); acknowledged %" PRIu64 ", issued %" PRIu64,
                 key, (int)(len < 60 ? len : 60), v, n, a, i);
    }
    shale_free(v);
    atomic_fetch_add(&S.gets, 1);
}

static void *reader_main(void *arg)
{
    uint64_t rng = 0xabcdef12345u + (uintptr_t)arg;
    while (!atomic_load(&S.stop))
        check_get((uint32_t)(rnd(&rng) % NKEYS));
    return NULL;
}

/* One scan, forward or backward over a random range: strictly ordered
 * keys (no duplicates), each value one written for its key. */
static void scan_once(uint64_t *rng)
{
    bool forward = rnd(rng) % 2 == 0;
    uint32_t lo = (uint32_t)(rnd(rng) % NKEYS), hi = lo + 1 + (uint32_t)(rnd(rng) % 800);
    char klo[16], khi[16];
    key_of(lo, klo);
    key_of(hi, khi);
    shale_read_options *ro = shale_read_options_new();
    shale_read_options_set_iterate_lower_bound(ro, klo, strlen(klo));
    shale_read_options_set_iterate_upper_bound(ro, khi, strlen(khi));
    shale_iter *it = shale_iter_new(S.db, ro);
    long prev = forward ? -1 : (long)hi, count = 0;
    for (forward ? shale_iter_seek_to_first(it) : shale_iter_seek_to_last(it);
         shale_iter_valid(it) && !atomic_load(&S.stop);
         forward ? shale_iter_next(it) : shale_iter_prev(it)) {
        size_t kn, vn;
        const char *kp = shale_iter_key(it, &kn), *vp = shale_iter_value(it, &vn);
        unsigned k = 0;
        char kbuf[8] = {0};
        memcpy(kbuf, kp, kn < 7 ? kn : 7);
        if (kn != 7 || sscanf(kbuf, "k%06u", &k) != 1 || k < lo || k >= hi) {
            FAIL("scan: stray key %.*s in [%s, %s)", (int)kn, kp, klo, khi);
            break;
        }
        if (forward ? (long)k <= prev : (long)k >= prev) {
            FAIL("scan %s: %.*s after k%06ld", forward ? "forward" : "backward", (int)kn, kp, prev);
            break;
        }
        int64_t n = parse_n(k, vp, vn);
        if (n < 0 || is_delete(k, (uint64_t)n) || (uint64_t)n > atomic_load(&S.issued[k]))
            FAIL("scan: %.*s holds '%.*s'", (int)kn, kp, (int)(vn < 60 ? vn : 60), vp);
        prev = k;
        count++;
    }
    shale_err err = {0};
    if (shale_iter_status(it, &err) != SHALE_OK)
        FAIL("scan: %s", err.msg);
    shale_iter_free(it);
    shale_read_options_free(ro);
    atomic_fetch_add(&S.scans, 1);
    atomic_fetch_add(&S.scanned, count);
}

static void *iterator_main(void *arg)
{
    uint64_t rng = 0x5151u + (uintptr_t)arg;
    while (!atomic_load(&S.stop))
        scan_once(&rng);
    return NULL;
}

static shale_options *stress_options(void)
{
    shale_options *o = shale_options_new();
    shale_options_set_create_if_missing(o, true);
    shale_options_set_write_buffer_size(o, 64 * 1024);
    shale_options_set_max_write_buffer_number(o, 3);
    shale_options_set_level0_file_num_compaction_trigger(o, 2);
    shale_options_set_target_file_size_base(o, 64 * 1024);
    shale_options_set_max_bytes_for_level_base(o, 256 * 1024);
    shale_options_set_max_background_jobs(o, 3);
    shale_options_set_info_log_level(o, SHALE_LOG_WARN);
    return o;
}

/* Every key holds exactly its writer's last acknowledged write. */
static int check_final(const char *what)
{
    int bad = 0;
    for (uint32_t k = 0; k < NKEYS; k++) {
        uint64_t a = atomic_load(&S.acked[k]);
        char key[16], *v = NULL;
        size_t len = 0;
        key_of(k, key);
        int rc = shale_get(S.db, NULL, key, strlen(key), &v, &len, NULL);
        bool ok = a == 0 || is_delete(k, a) ? rc == SHALE_NOT_FOUND
                                            : rc == SHALE_OK && parse_n(k, v, len) == (int64_t)a;
        if (!ok && bad++ < 5)
            fprintf(stderr, "db_stress: FAIL: %s: %s: rc %s, want write %" PRIu64 "\n", what,
                    key, shale_code_name(rc), a);
        shale_free(v);
    }
    return bad;
}

static int run_threads(int seconds)
{
    pthread_t t[WRITERS + READERS + 1];
    int n = 0;
    for (uintptr_t i = 0; i < WRITERS; i++)
        pthread_create(&t[n++], NULL, writer_main, (void *)i);
    for (uintptr_t i = 0; i < READERS; i++)
        pthread_create(&t[n++], NULL, reader_main, (void *)i);
    pthread_create(&t[n++], NULL, iterator_main, NULL);
    for (int s = 0; s < seconds * 10 && !atomic_load(&S.stop); s++)
        usleep(100000);
    atomic_store(&S.stop, true);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    return (int)atomic_load(&S.failures);
}

int main(void)
{
    const char *env = getenv("SHALE_STRESS_SECONDS");
    int seconds = env != NULL ? atoi(env) : 20;
    char dir[] = "/tmp/shale-stress-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    int passed = 0, failed = 0;
    shale_options *o = stress_options();
    shale_err err = {0};
    int rc = shale_db_open(o, dir, &S.db, &err);
    if (rc != SHALE_OK) {
        fprintf(stderr, "db_stress: open: %s\n", err.msg);
        return 2;
    }
    /* Scenario 1: the threads, with flush and compaction in the background. */
    int f1 = run_threads(seconds);
    uint64_t l0 = 0, running = 0;
    shale_get_int_property(S.db, "rocksdb.num-files-at-level0", &l0);
    char *levels = shale_get_property(S.db, "rocksdb.levelstats");
    fprintf(stderr, "db_stress: %ld writes, %ld gets, %ld scans (%ld keys) in %d s; L0 %" PRIu64
            "\n%s", atomic_load(&S.writes), atomic_load(&S.gets), atomic_load(&S.scans),
            atomic_load(&S.scanned), seconds, l0, levels != NULL ? levels : "");
    shale_free(levels);
    (void)running;
    f1 += check_final("before reopen");
    printf("%s concurrent_writers_readers_iterator_with_background_work\n", f1 ? "FAIL" : "PASS");
    f1 ? failed++ : passed++;
    /* Scenario 2: close, reopen, every writer's final values. */
    rc = shale_db_close(S.db, &err);
    S.db = NULL;
    int f2 = rc != SHALE_OK;
    if (rc == SHALE_OK && (rc = shale_db_open(o, dir, &S.db, &err)) == SHALE_OK) {
        f2 += check_final("after reopen");
        rc = shale_db_close(S.db, &err);
    }
    if (rc != SHALE_OK) {
        fprintf(stderr, "db_stress: FAIL: close/reopen: %s\n", err.msg);
        f2++;
    }
    printf("%s reopen_keeps_every_writers_final_values\n", f2 ? "FAIL" : "PASS");
    f2 ? failed++ : passed++;
    shale_options_free(o);
    shale_db_destroy(NULL, dir, NULL);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
