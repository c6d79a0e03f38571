/* tests/lsm/log/log_test.c: the log framing shared by WAL and MANIFEST.
 * Oracles: RocksDB 7.8.3's own files (the fixture WAL and MANIFEST, whose
 * record counts the fixture README states), Debian's `ldb dump_wal` reading
 * a WAL we wrote, and round trips with damage at every byte. */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/log/log_format.h"
#include "lsm/log/log_reader.h"
#include "lsm/log/log_writer.h"
#include "lsm/util/buf.h"
#include "lsm/util/coding.h"
#include "lsm/util/crc32c.h"
#include "lsm/util/err.h"
#include "tests/support/fault_env.h"
#include "tests/support/test_util.h"

/* ---- an in-memory shale_file: appends grow it, reads see [0, len) ----
 * allocate() models fallocate without KEEP_SIZE: the bytes on "disk"
 * (disk >= len) grow with zeros, appends go on at len and reads see
 * [0, disk).  truncate() cuts both.  The ops counters let tests see what
 * the writer asked for. */

typedef struct mem_file {
    shale_file base;
    char *data;
    size_t len, cap;
    size_t disk;        /* bytes readable: max(len, allocated end) */
    bool borrowed;      /* data belongs to the caller (read-only views) */
    int allocs, truncs; /* allocate / truncate calls */
} mem_file;

static size_t mf_visible(const mem_file *m) { return m->disk > m->len ? m->disk : m->len; }

static void mf_reserve(mem_file *m, size_t need)
{
    if (need <= m->cap)
        return;
    size_t cap = need * 2;
    m->data = realloc(m->data, cap);
    cr_assert_not_null(m->data);
    m->cap = cap;
}

static int mf_pread(shale_file *f, uint64_t off, size_t n, char *buf, size_t *got,
                    shale_err *err)
{
    mem_file *m = (mem_file *)f;
    size_t vis = mf_visible(m);
    size_t avail = off >= vis ? 0 : vis - (size_t)off;
    *got = n < avail ? n : avail;
    if (*got > 0)
        memcpy(buf, m->data + off, *got);
    return SHALE_OK;
}

static int mf_append(shale_file *f, const char *d, size_t n, shale_err *err)
{
    mem_file *m = (mem_file *)f;
    mf_reserve(m, m->len + n);
    memcpy(m->data + m->len, d, n);
    m->len += n;
    return SHALE_OK;
}

static int mf_sync(shale_file *f, shale_err *err) { return SHALE_OK; }

static int mf_size(shale_file *f, uint64_t *size, shale_err *err)
{
    *size = ((mem_file *)f)->len;
    return SHALE_OK;
}

static int mf_close(shale_file *f, shale_err *err)
{
    mem_file *m = (mem_file *)f;
    if (!m->borrowed)
        free(m->data);
    free(m);
    return SHALE_OK;
}

static int mf_allocate(shale_file *f, uint64_t off, uint64_t len, shale_err *err)
{
    mem_file *m = (mem_file *)f;
    size_t end = (size_t)(off + len), vis = mf_visible(m);
    m->allocs++;
    if (end > vis) {
        mf_reserve(m, end);
        memset(m->data + vis, 0, end - vis);
        m->disk = end;
    }
    return SHALE_OK;
}

static int mf_truncate(shale_file *f, uint64_t size, shale_err *err)
{
    mem_file *m = (mem_file *)f;
    cr_assert_leq(size, m->len, "truncate past the bytes written");
    m->truncs++;
    m->len = m->disk = (size_t)size;
    return SHALE_OK;
}

static const shale_file_ops mem_ops = {mf_pread, mf_append, mf_sync, mf_size, mf_close,
                                       NULL,     NULL};
static int mf_allocate_enospc(shale_file *f, uint64_t off, uint64_t len, shale_err *err)
{
    ((mem_file *)f)->allocs++;
    return SHALE_IOERR(err, ENOSPC, "no space to reserve");
}

static const shale_file_ops mem_enospc_ops = {mf_pread, mf_append,          mf_sync,    mf_size,
                                              mf_close, mf_allocate_enospc, mf_truncate};
static const shale_file_ops mem_prealloc_ops = {mf_pread, mf_append,   mf_sync,    mf_size,
                                                mf_close, mf_allocate, mf_truncate};

static mem_file *mem_new(void)
{
    mem_file *m = calloc(1, sizeof *m);
    cr_assert_not_null(m);
    m->base.ops = &mem_ops;
    m->base.name = "mem.log";
    return m;
}

static mem_file *mem_view(const char *data, size_t len)
{
    mem_file *m = mem_new();
    m->data = (char *)data;
    m->len = len;
    m->borrowed = true;
    return m;
}

/* ---- helpers ---- */

static void fill_payload(char *p, size_t n, unsigned seed)
{
    for (size_t j = 0; j < n; j++)
        p[j] = (char)((seed * 131u + j * 7u + (j >> 8)) & 0xff);
}

typedef struct rec_set {
    size_t n;
    char **data;
    size_t *len;
} rec_set;

static rec_set make_records(const size_t *sizes, size_t n)
{
    rec_set s = {n, calloc(n, sizeof(char *)), calloc(n, sizeof(size_t))};
    for (size_t i = 0; i < n; i++) {
        s.data[i] = malloc(sizes[i] + 1);
        s.len[i] = sizes[i];
        fill_payload(s.data[i], sizes[i], (unsigned)i + 1);
    }
    return s;
}

static void free_records(rec_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->data[i]);
    free(s->data);
    free(s->len);
}

/* Writes the records with our writer into a new memory file; offsets[i]
 * (if given) receives the file size before record i. */
static mem_file *write_log(const rec_set *s, uint64_t number, bool recyclable, uint64_t *offsets)
{
    mem_file *m = mem_new();
    log_writer *w = NULL;
    shale_err err = {0};
    cr_assert_eq(log_writer_open(&m->base, number, recyclable, 0, &w, &err), SHALE_OK);
    for (size_t i = 0; i < s->n; i++) {
        if (offsets != NULL)
            offsets[i] = log_writer_file_size(w);
        cr_assert_eq(log_writer_add_record(w, slice_make(s->data[i], s->len[i]), &err), SHALE_OK);
    }
    cr_assert_eq(log_writer_file_size(w), m->len);
    cr_assert_eq(log_writer_close(w, &err), SHALE_OK);
    return m;
}

typedef struct read_result {
    size_t count;
    int rc;            /* the code that ended reading */
    shale_err err;
    bool all_match;    /* each record equals the expected one at its index */
    log_reader_stats stats;
    bool stopped;
    uint64_t stop_offset;
} read_result;

/* Reads every record of data[0..len); compares them, in order, with
 * s->data[expect_idx...] (expect_idx NULL: with s->data[0..]). */
static read_result read_log(const char *data, size_t len, uint64_t number, log_recovery_mode mode,
                            const rec_set *s, const size_t *expect_idx)
{
    read_result res = {0};
    res.all_match = true;
    mem_file *m = mem_view(data, len);
    log_reader_options o = {mode, false};
    log_reader *r = NULL;
    cr_assert_eq(log_reader_open(&m->base, number, &o, &r, &res.err), SHALE_OK);
    slice rec;
    while ((res.rc = log_reader_read_record(r, &rec, &res.err)) == SHALE_OK) {
        size_t want = expect_idx != NULL ? expect_idx[res.count] : res.count;
        if (s == NULL || want >= s->n || !slice_equal(rec, slice_make(s->data[want], s->len[want])))
            res.all_match = false;
        res.count++;
        cr_assert_leq(res.count, 100000, "runaway reader");
    }
    cr_assert_eq(rec.len, 0);
    log_reader_get_stats(r, &res.stats);
    res.stopped = log_reader_stopped_at_corruption(r, &res.stop_offset);
    /* Sticky end: a second call gives the same answer. */
    cr_assert_eq(log_reader_read_record(r, &rec, NULL), res.rc);
    log_reader_close(r);
    mf_close(&m->base, NULL);
    return res;
}

static char *fixture_bytes(const char *name, size_t *len)
{
    char *path = fixture_path(name);
    char *data = test_read_file(path, len);
    cr_assert_not_null(data, "cannot read fixture %s", path);
    free(path);
    return data;
}

/* Counts physical record types by walking the blocks directly: an oracle
 * for the README's "359 FULL, 1 FIRST, 1 MIDDLE, 1 LAST". */
static void count_physical(const char *d, size_t len, size_t counts[10])
{
    size_t off = 0;
    while (off + LOG_HEADER_SIZE <= len) {
        size_t in_block = LOG_BLOCK_SIZE - off % LOG_BLOCK_SIZE;
        if (in_block < LOG_HEADER_SIZE) {
            off += in_block;
            continue;
        }
        size_t n = dec_fixed16(d + off + 4);
        unsigned t = (unsigned char)d[off + 6];
        cr_assert_lt(t, 10);
        counts[t]++;
        off += LOG_HEADER_SIZE + n;
    }
    cr_assert_eq(off, len, "physical records must tile the file");
}

/* ---- (1)+(2) RocksDB-written fixtures ---- */

Test(log_fixture, rocksdb_wal_reads_as_360_chained_write_batches)
{
    size_t len, phys[10] = {0};
    char *d = fixture_bytes("db/000013.log", &len);
    count_physical(d, len, phys);
    cr_assert_eq(phys[LOG_FULL], 359);
    cr_assert_eq(phys[LOG_FIRST], 1);
    cr_assert_eq(phys[LOG_MIDDLE], 1);
    cr_assert_eq(phys[LOG_LAST], 1);

    mem_file *m = mem_view(d, len);
    log_reader *r = NULL;
    shale_err err = {0};
    cr_assert_eq(log_reader_open(&m->base, 13, NULL, &r, &err), SHALE_OK);
    slice rec;
    size_t n = 0, big = 0;
    uint64_t next_seq = 0, total = 0;
    int rc;
    while ((rc = log_reader_read_record(r, &rec, &err)) == SHALE_OK) {
        cr_assert_geq(rec.len, 12);
        uint64_t seq = dec_fixed64(rec.data);
        uint32_t count = dec_fixed32(rec.data + 8);
        if (n > 0)
            cr_assert_eq(seq, next_seq, "batch %zu: seq %" PRIu64, n, seq);
        next_seq = seq + count;
        total += count;
        if (rec.len > 65536)
            big++;
        n++;
    }
    cr_assert_eq(rc, SHALE_NOT_FOUND, "%s", err.msg);
    cr_assert_eq(n, 360);
    cr_assert_eq(total, 640);
    cr_assert_eq(big, 1, "the fragmented batch is over 64 KiB");
    cr_assert_eq(log_reader_end_offset(r), len);
    log_reader_close(r);
    mf_close(&m->base, NULL);
    free(d);
}

Test(log_fixture, rocksdb_manifest_reads_as_10_records)
{
    size_t len;
    char *d = fixture_bytes("db/MANIFEST-000005", &len);
    read_result res = read_log(d, len, 5, LOG_RECOVERY_ABSOLUTE_CONSISTENCY, NULL, NULL);
    cr_assert_eq(res.rc, SHALE_NOT_FOUND, "%s", res.err.msg);
    cr_assert_eq(res.count, 10);
    free(d);
}

/* Rewriting RocksDB's records with our writer gives RocksDB's bytes. */
static void rewrite_matches(const char *name, uint64_t number)
{
    size_t len;
    char *d = fixture_bytes(name, &len);
    mem_file *in = mem_view(d, len), *out = mem_new();
    log_reader *r = NULL;
    log_writer *w = NULL;
    cr_assert_eq(log_reader_open(&in->base, number, NULL, &r, NULL), SHALE_OK);
    cr_assert_eq(log_writer_open(&out->base, number, false, 0, &w, NULL), SHALE_OK);
    slice rec;
    while (log_reader_read_record(r, &rec, NULL) == SHALE_OK)
        cr_assert_eq(log_writer_add_record(w, rec, NULL), SHALE_OK);
    cr_assert_eq(out->len, len);
    cr_assert(memcmp(out->data, d, len) == 0, "%s: our framing differs from RocksDB's", name);
    log_writer_close(w, NULL);
    log_reader_close(r);
    mf_close(&in->base, NULL);
    mf_close(&out->base, NULL);
    free(d);
}

Test(log_fixture, our_writer_reproduces_rocksdb_wal_and_manifest_bytes)
{
    rewrite_matches("db/000013.log", 13);
    rewrite_matches("db/MANIFEST-000005", 5);
}

/* ---- (3) round trips ---- */

static void round_trip(const size_t *sizes, size_t n, bool recyclable)
{
    rec_set s = make_records(sizes, n);
    mem_file *m = write_log(&s, 42, recyclable, NULL);
    for (int mode = 0; mode <= 3; mode++) {
        read_result res = read_log(m->data, m->len, 42, (log_recovery_mode)mode, &s, NULL);
        cr_assert_eq(res.rc, SHALE_NOT_FOUND, "mode %d: %s", mode, res.err.msg);
        cr_assert_eq(res.count, n, "mode %d", mode);
        cr_assert(res.all_match, "mode %d", mode);
        cr_assert_eq(res.stats.dropped_bytes + res.stats.tail_dropped_bytes, 0);
    }
    mf_close(&m->base, NULL);
    free_records(&s);
}

Test(log_round_trip, empty_and_one_byte_records)
{
    size_t sizes[] = {0, 1, 0, 0, 1};
    round_trip(sizes, 5, false);
    round_trip(sizes, 5, true);
}

Test(log_round_trip, records_around_the_block_boundary)
{
    for (size_t k = 0; k <= 8; k++) {
        for (int hs = 0; hs < 2; hs++) {
            size_t h = hs ? LOG_RECYCLABLE_HEADER_SIZE : LOG_HEADER_SIZE;
            size_t sizes[] = {LOG_BLOCK_SIZE - h - k, 5, LOG_BLOCK_SIZE - h - k, 0, 17};
            round_trip(sizes, 5, hs == 1);
        }
    }
}

Test(log_round_trip, large_and_many_small_records)
{
    size_t big[] = {100 * 1024, 3, 100 * 1024 + 1, 70000};
    round_trip(big, 4, false);
    round_trip(big, 4, true);
    size_t small[3000];
    for (size_t i = 0; i < 3000; i++)
        small[i] = i % 50;
    round_trip(small, 3000, false);
}

Test(log_round_trip, three_byte_block_tail_is_zero_padding)
{
    size_t sizes[] = {LOG_BLOCK_SIZE - LOG_HEADER_SIZE - 3, 10};
    rec_set s = make_records(sizes, 2);
    uint64_t off[2];
    mem_file *m = write_log(&s, 1, false, off);
    cr_assert_eq(off[1], 32765);
    cr_assert_eq(m->len, 32768 + LOG_HEADER_SIZE + 10);
    cr_assert(m->data[32765] == 0 && m->data[32766] == 0 && m->data[32767] == 0);
    cr_assert_eq(m->data[32768 + LOG_HDR_TYPE_OFF], LOG_FULL);
    cr_assert_eq(dec_fixed16(m->data + 32768 + LOG_HDR_LEN_OFF), 10);
    read_result res = read_log(m->data, m->len, 1, LOG_RECOVERY_ABSOLUTE_CONSISTENCY, &s, NULL);
    cr_assert(res.count == 2 && res.all_match && res.rc == SHALE_NOT_FOUND);
    mf_close(&m->base, NULL);
    free_records(&s);
}

Test(log_round_trip, exactly_a_header_left_gives_an_empty_first_fragment)
{
    /* RocksDB writes an empty FIRST when exactly 7 bytes remain. */
    size_t sizes[] = {LOG_BLOCK_SIZE - 2 * LOG_HEADER_SIZE, 20};
    rec_set s = make_records(sizes, 2);
    mem_file *m = write_log(&s, 1, false, NULL);
    cr_assert_eq(m->data[LOG_BLOCK_SIZE - LOG_HEADER_SIZE + LOG_HDR_TYPE_OFF], LOG_FIRST);
    cr_assert_eq(dec_fixed16(m->data + LOG_BLOCK_SIZE - LOG_HEADER_SIZE + LOG_HDR_LEN_OFF), 0);
    cr_assert_eq(m->data[LOG_BLOCK_SIZE + LOG_HDR_TYPE_OFF], LOG_LAST);
    read_result res = read_log(m->data, m->len, 1, LOG_RECOVERY_ABSOLUTE_CONSISTENCY, &s, NULL);
    cr_assert(res.count == 2 && res.all_match && res.rc == SHALE_NOT_FOUND, "%s", res.err.msg);
    mf_close(&m->base, NULL);
    free_records(&s);
}

Test(log_round_trip, reopened_writer_continues_the_block_layout)
{
    /* Appending through a second writer opened at the file's size gives the
     * same bytes as one writer writing everything. */
    size_t sizes[] = {32000, 1500, 70000, 12};
    rec_set s = make_records(sizes, 4);
    mem_file *whole = write_log(&s, 4, false, NULL), *m = mem_new();
    log_writer *w = NULL;
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(log_writer_open(&m->base, 4, false, m->len, &w, NULL), SHALE_OK);
        cr_assert_eq(log_writer_add_record(w, slice_make(s.data[i], s.len[i]), NULL), SHALE_OK);
        cr_assert_eq(log_writer_file_size(w), m->len);
        log_writer_close(w, NULL);
    }
    cr_assert(m->len == whole->len && memcmp(m->data, whole->data, m->len) == 0);
    mf_close(&m->base, NULL);
    mf_close(&whole->base, NULL);
    free_records(&s);
}

Test(log_round_trip, recyclable_header_carries_the_log_number)
{
    size_t sizes[] = {30, 40000, 9};
    rec_set s = make_records(sizes, 3);
    uint64_t number = 0x100000007ull;   /* only the low 32 bits are stored */
    mem_file *m = write_log(&s, number, true, NULL);
    cr_assert_eq(m->data[LOG_HDR_TYPE_OFF], LOG_RECYCLABLE_FULL);
    cr_assert_eq(dec_fixed32(m->data + LOG_HDR_NUMBER_OFF), 7);
    cr_assert_eq(dec_fixed16(m->data + LOG_HDR_LEN_OFF), 30);
    read_result res = read_log(m->data, m->len, 7, LOG_RECOVERY_POINT_IN_TIME, &s, NULL);
    cr_assert(res.count == 3 && res.all_match && res.rc == SHALE_NOT_FOUND);
    /* Read as another log number, every record is stale: an empty log. */
    for (int mode = 0; mode <= 3; mode++) {
        res = read_log(m->data, m->len, 8, (log_recovery_mode)mode, &s, NULL);
        cr_assert(res.count == 0 && res.rc == SHALE_NOT_FOUND, "mode %d", mode);
    }
    mf_close(&m->base, NULL);
    free_records(&s);
}

Test(log_round_trip, reused_recyclable_file_ends_at_the_stale_records)
{
    /* Log 9 reuses log 7's file and overwrote its first 3 records exactly
     * (3 * (11 + 100) = (11 + 150) + (11 + 161)); the rest is log 7's. */
    size_t old_sizes[] = {100, 100, 100, 100, 100, 100}, new_sizes[] = {150, 161};
    rec_set olds = make_records(old_sizes, 6), news = make_records(new_sizes, 2);
    mem_file *old = write_log(&olds, 7, true, NULL), *cur = write_log(&news, 9, true, NULL);
    cr_assert_eq(cur->len, 3 * (LOG_RECYCLABLE_HEADER_SIZE + 100));
    memcpy(old->data, cur->data, cur->len);
    for (int mode = 0; mode <= 3; mode++) {
        read_result res = read_log(old->data, old->len, 9, (log_recovery_mode)mode, &news, NULL);
        cr_assert_eq(res.rc, SHALE_NOT_FOUND, "mode %d: %s", mode, res.err.msg);
        cr_assert_eq(res.count, 2, "mode %d", mode);
        cr_assert(res.all_match);
    }
    mf_close(&old->base, NULL);
    mf_close(&cur->base, NULL);
    free_records(&olds);
    free_records(&news);
}

/* ---- (4) oracle: RocksDB's ldb reads a WAL we wrote ---- */

typedef struct batch_spec {
    uint64_t seq;
    uint32_t count;
    size_t value_len[3];
} batch_spec;

static void put_key(char *key, size_t cap, uint64_t seq)
{
    snprintf(key, cap, "key-%05" PRIu64, seq);
}

/* A WriteBatch: fixed64 seq, fixed32 count, then Put records (0x01, lp
 * key, lp value).  Values are letters derived from the sequence. */
static void build_batch(const batch_spec *b, shale_buf *out)
{
    shale_buf_clear(out);
    shale_buf_put_fixed64(out, b->seq);
    shale_buf_put_fixed32(out, b->count);
    for (uint32_t i = 0; i < b->count; i++) {
        char key[32];
        put_key(key, sizeof key, b->seq + i);
        char *v = malloc(b->value_len[i] + 1);
        for (size_t j = 0; j < b->value_len[i]; j++)
            v[j] = (char)('a' + (b->seq + i + j) % 26);
        shale_buf_append_byte(out, 0x01);
        shale_buf_put_lp_slice(out, slice_from_str(key));
        shale_buf_put_lp_slice(out, slice_make(v, b->value_len[i]));
        free(v);
    }
}

static void append_hex(shale_buf *b, const char *p, size_t n)
{
    static const char hx[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        shale_buf_append_byte(b, (uint8_t)hx[((unsigned char)p[i]) >> 4]);
        shale_buf_append_byte(b, (uint8_t)hx[((unsigned char)p[i]) & 15]);
    }
}

/* What ldb prints for one Put: "PUT(0) : 0x<key> : 0x<value>". */
static void expected_put(const batch_spec *b, uint32_t i, shale_buf *out)
{
    char key[32];
    put_key(key, sizeof key, b->seq + i);
    shale_buf_clear(out);
    shale_buf_append_str(out, "PUT(0) : 0x");
    append_hex(out, key, strlen(key));
    shale_buf_append_str(out, " : 0x");
    char *v = malloc(b->value_len[i] + 1);
    for (size_t j = 0; j < b->value_len[i]; j++)
        v[j] = (char)('a' + (b->seq + i + j) % 26);
    append_hex(out, v, b->value_len[i]);
    free(v);
    shale_buf_append_byte(out, 0);
}

#define N_BATCHES 24

/* The batches of the oracle tests: 1-3 puts each; batch 0 leaves 3 bytes
 * in block 0, batch 7 is over 64 KiB (FIRST, MIDDLE, LAST). */
static void make_specs(batch_spec b[N_BATCHES])
{
    uint64_t seq = 1000;
    for (int i = 0; i < N_BATCHES; i++) {
        memset(&b[i], 0, sizeof b[i]);
        b[i].seq = seq;
        b[i].count = 1 + (uint32_t)i % 3;
        for (uint32_t k = 0; k < b[i].count; k++)
            b[i].value_len[k] = (size_t)(5 + 13 * i + k);
        if (i == 0)   /* 12 + 1 + (1+9) + 3 + 32732 = 32758: 3 bytes left in block 0 */
            b[i].value_len[0] = 32732;
        if (i == 7) {
            b[i].count = 3;
            b[i].value_len[0] = b[i].value_len[1] = b[i].value_len[2] = 25000;
        }
        seq += b[i].count;
    }
}

/* Writes the batches to path with our writer (preallocating in chunks of
 * `prealloc` bytes when non-zero) and syncs.  The writer and file stay
 * open in *w and *f (the caller closes them). */
static void write_batches(const char *path, const batch_spec *b, uint64_t prealloc, uint64_t *offs,
                          size_t *sizes, log_writer **w, shale_file **f)
{
    shale_err err = {0};
    shale_buf batch = SHALE_BUF_INIT;
    cr_assert_eq(shale_env_open_write(shale_env_default(), path, f, &err), SHALE_OK, "%s",
                 err.msg);
    cr_assert_eq(log_writer_open(*f, 7, false, 0, w, &err), SHALE_OK);
    log_writer_set_preallocation(*w, prealloc);
    for (int i = 0; i < N_BATCHES; i++) {
        build_batch(&b[i], &batch);
        offs[i] = log_writer_file_size(*w);
        sizes[i] = batch.len;
        cr_assert_eq(log_writer_add_record(*w, shale_buf_slice(&batch), &err), SHALE_OK);
    }
    cr_assert_eq(log_writer_sync(*w, &err), SHALE_OK);
    shale_buf_deinit(&batch);
}

/* Runs `ldb dump_wal` on path: it must succeed and print exactly the
 * batches, at the offsets and with the sizes and puts we wrote. */
static void expect_ldb_dump(const char *path, const batch_spec *b, const uint64_t *offs,
                            const size_t *sizes)
{
    shale_buf want = SHALE_BUF_INIT;
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "ldb dump_wal --walfile='%s' --header --print_value 2>&1", path);
    int status = -1;
    char *out = test_run(cmd, &status);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "ldb failed: %.500s", out);
    char *line = strchr(out, '\n');   /* skip the header line */
    cr_assert_not_null(line);
    line++;
    for (int i = 0; i < N_BATCHES; i++) {
        char *eol = strchr(line, '\n');
        cr_assert_not_null(eol, "ldb printed only %d batches: %.300s", i, out);
        *eol = '\0';
        uint64_t s_seq, s_off;
        unsigned s_count;
        size_t s_size;
        int got = sscanf(line, "%" SCNu64 ",%u,%zu,%" SCNu64 ",", &s_seq, &s_count, &s_size,
                         &s_off);
        cr_assert_eq(got, 4, "batch %d: %.200s", i, line);
        cr_assert_eq(s_seq, b[i].seq, "batch %d", i);
        cr_assert_eq(s_count, b[i].count, "batch %d", i);
        cr_assert_eq(s_size, sizes[i], "batch %d", i);
        cr_assert_eq(s_off, offs[i], "batch %d", i);
        const char *at = line;
        for (uint32_t k = 0; k < b[i].count; k++) {
            expected_put(&b[i], k, &want);
            at = strstr(at, want.data);
            cr_assert_not_null(at, "batch %d put %u missing", i, k);
        }
        line = eol + 1;
    }
    cr_assert_eq(strspn(line, " \n"), strlen(line), "extra output: %.200s", line);
    free(out);
    shale_buf_deinit(&want);
}

/* The oracle tests' start: the batches, a fresh directory (returned) and
 * the path of WAL 7 in it. */
static char *oracle_start(batch_spec b[N_BATCHES], const char *name, char *path, size_t n)
{
    cr_assert(test_have_program("ldb"), "Debian's ldb is the oracle here");
    make_specs(b);
    char *dir = test_tmpdir(name);
    cr_assert_not_null(dir);
    snprintf(path, n, "%s/000007.log", dir);
    return dir;
}

Test(log_oracle, ldb_dump_wal_reads_every_batch_we_wrote, .timeout = 60)
{
    batch_spec b[N_BATCHES];
    char path[4096];
    char *dir = oracle_start(b, "logoracle", path, sizeof path);
    shale_env *env = shale_env_default();
    shale_file *f = NULL;
    log_writer *w = NULL;
    shale_err err = {0};
    uint64_t offs[N_BATCHES];
    size_t sizes[N_BATCHES];
    write_batches(path, b, 0, offs, sizes, &w, &f);
    cr_assert_eq(sizes[0], 32758);
    cr_assert_eq(offs[1], 32765);
    cr_assert_gt(sizes[7], 65536);
    cr_assert_eq(log_writer_close(w, &err), SHALE_OK);
    cr_assert_eq(shale_file_close(f, &err), SHALE_OK);
    expect_ldb_dump(path, b, offs, sizes);

    /* And our reader gives the same offsets ldb printed. */
    cr_assert_eq(shale_env_open_read(env, path, &f, &err), SHALE_OK);
    log_reader *r = NULL;
    cr_assert_eq(log_reader_open(f, 7, NULL, &r, &err), SHALE_OK);
    slice rec;
    for (int i = 0; i < N_BATCHES; i++) {
        cr_assert_eq(log_reader_read_record(r, &rec, &err), SHALE_OK, "%s", err.msg);
        cr_assert_eq(log_reader_last_record_offset(r), offs[i]);
        cr_assert_eq(rec.len, sizes[i]);
    }
    cr_assert_eq(log_reader_read_record(r, &rec, &err), SHALE_NOT_FOUND);
    log_reader_close(r);
    shale_file_close(f, NULL);
    test_rmtree(dir);
    free(dir);
}

/* A live preallocated WAL (the writer still open, as after a crash) ends in
 * zeros up to a whole chunk; RocksDB reads it to a clean end, and closing
 * the writer cuts the file to the bytes written. */
Test(log_oracle, ldb_dump_wal_reads_a_preallocated_wal_with_its_zero_tail, .timeout = 60)
{
    batch_spec b[N_BATCHES];
    char path[4096];
    char *dir = oracle_start(b, "logprealloc", path, sizeof path);
    shale_env *env = shale_env_default();
    shale_file *f = NULL;
    log_writer *w = NULL;
    shale_err err = {0};
    uint64_t offs[N_BATCHES], disk = 0;
    size_t sizes[N_BATCHES];
    const uint64_t chunk = 256 * 1024;
    write_batches(path, b, chunk, offs, sizes, &w, &f);
    uint64_t written = log_writer_file_size(w);
    cr_assert_eq(env->ops->file_size(env, path, &disk, &err), SHALE_OK);
    cr_assert_eq(disk, (written + chunk - 1) / chunk * chunk, "on disk %" PRIu64 ", written %"
                 PRIu64, disk, written);
    cr_assert_gt(disk, written);
    uint64_t logical = 0;
    cr_assert_eq(shale_file_size(f, &logical, &err), SHALE_OK);
    cr_assert_eq(logical, written, "size() stays the append position");
    expect_ldb_dump(path, b, offs, sizes);
    cr_assert_eq(log_writer_close(w, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(shale_file_close(f, &err), SHALE_OK);
    cr_assert_eq(env->ops->file_size(env, path, &disk, &err), SHALE_OK);
    cr_assert_eq(disk, written, "closing the writer cuts the zero tail");
    expect_ldb_dump(path, b, offs, sizes);
    test_rmtree(dir);
    free(dir);
}

/* ---- (5) damage ---- */

/* Index of the record holding byte `pos`, given record start offsets. */
static size_t record_at(const uint64_t *offs, size_t n, size_t len, size_t pos)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t end = i + 1 < n ? offs[i + 1] : len;
        if (pos < end)
            return i;
    }
    return n;
}

/* Truncates the log at every length in [from, len] and checks each mode. */
static void truncation_sweep(const size_t *sizes, size_t n, size_t from)
{
    rec_set s = make_records(sizes, n);
    uint64_t offs[16];
    mem_file *m = write_log(&s, 3, false, offs);
    for (size_t cut = from; cut <= m->len; cut++) {
        /* Whole records: those ending at or before the cut. */
        size_t whole = record_at(offs, n, m->len, cut);
        bool boundary = cut == m->len || (whole < n && offs[whole] == cut);
        if (cut == m->len)
            whole = n;
        for (int mode = 0; mode <= 3; mode++) {
            read_result res = read_log(m->data, cut, 3, (log_recovery_mode)mode, &s, NULL);
            cr_assert(res.all_match, "cut %zu mode %d", cut, mode);
            cr_assert_eq(res.count, whole, "cut %zu mode %d", cut, mode);
            if (mode == LOG_RECOVERY_ABSOLUTE_CONSISTENCY && !boundary)
                cr_assert_eq(res.rc, SHALE_CORRUPTION, "cut %zu", cut);
            else
                cr_assert_eq(res.rc, SHALE_NOT_FOUND, "cut %zu mode %d: %s", cut, mode,
                             res.err.msg);
            if (res.rc == SHALE_NOT_FOUND && !boundary)
                cr_assert_gt(res.stats.tail_dropped_bytes, 0);
        }
    }
    mf_close(&m->base, NULL);
    free_records(&s);
}

Test(log_damage, torn_tail_at_every_length_ends_cleanly_with_whole_records)
{
    size_t sizes[] = {50, 1, 300, 0, 1200, 77, 2000};
    truncation_sweep(sizes, 7, 0);
}

Test(log_damage, torn_fragmented_record_across_a_block_edge_ends_cleanly)
{
    size_t sizes[] = {32700, 400, 30};
    truncation_sweep(sizes, 3, 32600);
}

Test(log_damage, every_flipped_byte_is_caught_at_its_record)
{
    size_t sizes[] = {40, 0, 200, 7, 90};
    rec_set s = make_records(sizes, 5);
    uint64_t offs[5];
    mem_file *m = write_log(&s, 3, false, offs);
    char *copy = malloc(m->len);
    for (size_t pos = 0; pos < m->len; pos++) {
        memcpy(copy, m->data, m->len);
        copy[pos] ^= 0x5a;
        size_t k = record_at(offs, 5, m->len, pos);
        bool in_length = pos - offs[k] == 4 || pos - offs[k] == 5;
        for (int mode = 0; mode <= 3; mode++) {
            read_result res = read_log(copy, m->len, 3, (log_recovery_mode)mode, &s, NULL);
            cr_assert(res.all_match, "pos %zu mode %d", pos, mode);
            cr_assert_eq(res.count, k, "pos %zu mode %d", pos, mode);
            /* A grown length may run past the end: a torn tail in T and P. */
            bool torn_ok = in_length && mode != LOG_RECOVERY_ABSOLUTE_CONSISTENCY;
            if (mode != LOG_RECOVERY_SKIP_ANY_CORRUPTED_RECORDS &&
                !(torn_ok && res.rc == SHALE_NOT_FOUND)) {
                cr_assert_eq(res.rc, SHALE_CORRUPTION, "pos %zu mode %d", pos, mode);
                cr_assert(res.stopped && res.stop_offset == offs[k], "pos %zu", pos);
                cr_assert(strstr(res.err.msg, "mem.log") != NULL, "%s", res.err.msg);
            } else {
                cr_assert_eq(res.rc, SHALE_NOT_FOUND, "pos %zu mode %d", pos, mode);
                cr_assert(!res.stopped);
            }
        }
    }
    free(copy);
    mf_close(&m->base, NULL);
    free_records(&s);
}

Test(log_damage, mid_log_checksum_error_stops_or_skips_by_mode)
{
    /* r0, r1 in block 0; r2 FIRST in block 0, LAST in block 1; r3, r4 after. */
    size_t sizes[] = {100, 200, 40000, 50, 60};
    rec_set s = make_records(sizes, 5);
    uint64_t offs[5];
    mem_file *m = write_log(&s, 3, false, offs);
    m->data[offs[1] + LOG_HEADER_SIZE + 10] ^= 1;   /* payload of r1 */
    char at[64];
    snprintf(at, sizeof at, "offset %" PRIu64, offs[1]);
    for (int mode = 0; mode <= 2; mode++) {
        read_result res = read_log(m->data, m->len, 3, (log_recovery_mode)mode, &s, NULL);
        cr_assert_eq(res.rc, SHALE_CORRUPTION, "mode %d", mode);
        cr_assert(res.count == 1 && res.all_match);
        cr_assert(res.stopped && res.stop_offset == offs[1]);
        cr_assert(strstr(res.err.msg, at) != NULL && strstr(res.err.msg, "mem.log") != NULL,
                  "%s", res.err.msg);
    }
    /* Skip-any drops the rest of block 0 (r1 and r2's FIRST), then r2's
     * orphan LAST, and recovers r3 and r4. */
    size_t keep[] = {0, 3, 4};
    read_result res =
        read_log(m->data, m->len, 3, LOG_RECOVERY_SKIP_ANY_CORRUPTED_RECORDS, &s, keep);
    cr_assert_eq(res.rc, SHALE_NOT_FOUND, "%s", res.err.msg);
    cr_assert(res.count == 3 && res.all_match);
    cr_assert_eq(res.stats.skipped_corruptions, 2);
    size_t first_frag = LOG_BLOCK_SIZE - offs[2] - LOG_HEADER_SIZE;
    cr_assert_eq(res.stats.dropped_bytes, (LOG_BLOCK_SIZE - offs[1]) + (40000 - first_frag));
    cr_assert(!res.stopped);
    mf_close(&m->base, NULL);
    free_records(&s);
}

Test(log_damage, zero_filled_tail_is_end_of_data)
{
    size_t sizes[] = {10, 20, 30};
    rec_set s = make_records(sizes, 3);
    mem_file *m = write_log(&s, 3, false, NULL);
    char zeros[40000] = {0};
    mf_append(&m->base, zeros, sizeof zeros, NULL);   /* preallocated space */
    for (int mode = 0; mode <= 3; mode++) {
        read_result res = read_log(m->data, m->len, 3, (log_recovery_mode)mode, &s, NULL);
        cr_assert(res.rc == SHALE_NOT_FOUND && res.count == 3 && res.all_match, "mode %d", mode);
    }
    mf_close(&m->base, NULL);
    free_records(&s);
}

/* A power loss in a preallocated WAL: the last record is torn and only
 * reserved zeros follow.  Tolerate-corrupted-tail ends cleanly before it;
 * absolute consistency reports it; point-in-time stops there. */
Test(log_damage, torn_record_before_a_zero_tail_is_a_torn_tail)
{
    size_t sizes[] = {10, 20, 30, 50000};
    rec_set s = make_records(sizes, 4);
    for (int last = 2; last <= 3; last++) {   /* a one-block record, then a fragmented one */
        rec_set head = {(size_t)last + 1, s.data, s.len};
        uint64_t offs[4];
        mem_file *m = write_log(&head, 3, false, offs);
        m->data[m->len - 3] ^= 0x40;   /* torn payload of the last record */
        static const char zeros[2 * LOG_BLOCK_SIZE] = {0};
        mf_append(&m->base, zeros, sizeof zeros, NULL);
        read_result res = read_log(m->data, m->len, 3, LOG_RECOVERY_TOLERATE_CORRUPTED_TAIL_RECORDS,
                                   &s, NULL);
        cr_assert(res.rc == SHALE_NOT_FOUND && res.count == (size_t)last && res.all_match,
                  "last %d: rc %d count %zu: %s", last, res.rc, res.count, res.err.msg);
        cr_assert(!res.stopped && res.stats.tail_dropped_bytes > 0);
        res = read_log(m->data, m->len, 3, LOG_RECOVERY_ABSOLUTE_CONSISTENCY, &s, NULL);
        cr_assert(res.rc == SHALE_CORRUPTION && res.count == (size_t)last && res.all_match);
        res = read_log(m->data, m->len, 3, LOG_RECOVERY_POINT_IN_TIME, &s, NULL);
        cr_assert(res.rc == SHALE_CORRUPTION && res.stopped && res.count == (size_t)last);
        if (last == 2)   /* a one-fragment record: it stops at its header */
            cr_assert_eq(res.stop_offset, offs[last]);
        /* A byte of data past the zeros makes it damage in the middle again. */
        mf_append(&m->base, "x", 1, NULL);
        res = read_log(m->data, m->len, 3, LOG_RECOVERY_TOLERATE_CORRUPTED_TAIL_RECORDS, &s, NULL);
        cr_assert_eq(res.rc, SHALE_CORRUPTION, "last %d", last);
        mf_close(&m->base, NULL);
    }
    free_records(&s);
}

/* Zero padding to the end of a block, then more records: the reader drops
 * the rest of the padded block and reads on, in every mode. */
Test(log_damage, records_after_a_zero_padded_block_are_still_read)
{
    size_t sizes[] = {10, 20, 30, 40000, 50};
    rec_set s = make_records(sizes, 5);
    rec_set first = {2, s.data, s.len}, rest = {3, s.data + 2, s.len + 2};
    mem_file *m = write_log(&first, 3, false, NULL);
    static const char zeros[LOG_BLOCK_SIZE] = {0};
    mf_append(&m->base, zeros, LOG_BLOCK_SIZE - m->len, NULL);
    log_writer *w = NULL;
    cr_assert_eq(log_writer_open(&m->base, 3, false, m->len, &w, NULL), SHALE_OK);
    for (size_t i = 0; i < rest.n; i++)
        cr_assert_eq(log_writer_add_record(w, slice_make(rest.data[i], rest.len[i]), NULL),
                     SHALE_OK);
    log_writer_close(w, NULL);
    for (int mode = 0; mode <= 3; mode++) {
        read_result res = read_log(m->data, m->len, 3, (log_recovery_mode)mode, &s, NULL);
        cr_assert(res.rc == SHALE_NOT_FOUND && res.count == 5 && res.all_match, "mode %d: %s",
                  mode, res.err.msg);
        cr_assert(!res.stopped && res.stats.skipped_corruptions == 0, "mode %d", mode);
    }
    mf_close(&m->base, NULL);
    free_records(&s);
}

/* ---- preallocation ---- */

/* Writes s with preallocation in `chunk`-byte steps; checks after every
 * record that the writer reserved whole chunks ahead of the appends, and
 * that the bytes written equal those of a writer without preallocation. */
static mem_file *write_preallocated(const rec_set *s, uint64_t chunk, log_writer **wp)
{
    mem_file *m = mem_new();
    m->base.ops = &mem_prealloc_ops;
    cr_assert_eq(log_writer_open(&m->base, 9, false, 0, wp, NULL), SHALE_OK);
    log_writer_set_preallocation(*wp, chunk);
    chunk = (chunk + LOG_BLOCK_SIZE - 1) / LOG_BLOCK_SIZE * LOG_BLOCK_SIZE;
    for (size_t i = 0; i < s->n; i++) {
        cr_assert_eq(log_writer_add_record(*wp, slice_make(s->data[i], s->len[i]), NULL), SHALE_OK);
        cr_assert_eq(log_writer_file_size(*wp), m->len);
        cr_assert_eq(m->disk % chunk, 0, "record %zu: %zu on disk", i, m->disk);
        cr_assert_geq(m->disk, m->len);
        cr_assert_lt(m->disk - m->len, chunk, "at most one chunk ahead");
    }
    mem_file *plain = write_log(s, 9, false, NULL);
    cr_assert(plain->len == m->len && memcmp(plain->data, m->data, m->len) == 0,
              "preallocation changes no written byte");
    mf_close(&plain->base, NULL);
    return m;
}

Test(log_prealloc, zero_tail_of_a_live_log_reads_as_every_record_then_a_clean_end)
{
    size_t sizes[] = {100, 40000, 5, 70000, 300, 0, 9000, 120000, 7};
    rec_set s = make_records(sizes, 9);
    log_writer *w = NULL;
    mem_file *m = write_preallocated(&s, 64 * 1024, &w);
    cr_assert_gt(m->disk, m->len, "the log ends in reserved zeros");
    /* one call per append crossing the reserved end; a big record takes
     * several chunks at once */
    cr_assert(m->allocs >= 3 && m->allocs <= (int)(m->disk / (64 * 1024)), "%d", m->allocs);
    for (int mode = 0; mode <= 3; mode++) {
        read_result res = read_log(m->data, m->disk, 9, (log_recovery_mode)mode, &s, NULL);
        cr_assert(res.rc == SHALE_NOT_FOUND && res.count == 9 && res.all_match, "mode %d: %s",
                  mode, res.err.msg);
        cr_assert(!res.stopped && res.stats.skipped_corruptions == 0, "mode %d", mode);
    }
    size_t written = m->len;
    cr_assert_eq(log_writer_close(w, NULL), SHALE_OK);
    cr_assert_eq(m->truncs, 1);
    cr_assert(m->disk == written && m->len == written, "close cuts the tail: %zu", m->disk);
    mf_close(&m->base, NULL);
    free_records(&s);
}

Test(log_prealloc, chunks_are_whole_blocks_so_the_tail_ends_on_a_block_edge)
{
    size_t sizes[] = {10, 2000, 30};
    rec_set s = make_records(sizes, 3);
    log_writer *w = NULL;
    mem_file *m = write_preallocated(&s, 1000, &w);   /* rounded up to 32 KiB */
    cr_assert_eq(m->disk, LOG_BLOCK_SIZE);
    cr_assert_eq(m->allocs, 1);
    read_result res = read_log(m->data, m->disk, 9, LOG_RECOVERY_ABSOLUTE_CONSISTENCY, &s, NULL);
    cr_assert(res.rc == SHALE_NOT_FOUND && res.count == 3 && res.all_match, "%s", res.err.msg);
    log_writer_close(w, NULL);
    mf_close(&m->base, NULL);
    free_records(&s);
}

Test(log_prealloc, no_allocation_without_the_ops_or_with_chunk_zero)
{
    size_t sizes[] = {10, 50000};
    rec_set s = make_records(sizes, 2);
    for (int with_ops = 0; with_ops <= 1; with_ops++) {
        mem_file *m = mem_new();
        if (with_ops)
            m->base.ops = &mem_prealloc_ops;
        log_writer *w = NULL;
        cr_assert_eq(log_writer_open(&m->base, 1, false, 0, &w, NULL), SHALE_OK);
        log_writer_set_preallocation(w, with_ops ? 0 : 65536);
        for (size_t i = 0; i < s.n; i++)
            cr_assert_eq(log_writer_add_record(w, slice_make(s.data[i], s.len[i]), NULL),
                         SHALE_OK);
        cr_assert_eq(log_writer_close(w, NULL), SHALE_OK);
        cr_assert(m->allocs == 0 && m->truncs == 0 && m->disk == 0, "with_ops %d", with_ops);
        mf_close(&m->base, NULL);
    }
    free_records(&s);
}

/* A failed reservation is no write error: the writer stops preallocating,
 * the records go on, and close still cuts the file to the bytes written. */
Test(log_prealloc, failed_allocation_turns_preallocation_off_without_failing_writes)
{
    size_t sizes[] = {10, 50000, 70000};
    rec_set s = make_records(sizes, 3);
    mem_file *m = mem_new();
    m->base.ops = &mem_enospc_ops;
    log_writer *w = NULL;
    cr_assert_eq(log_writer_open(&m->base, 1, false, 0, &w, NULL), SHALE_OK);
    log_writer_set_preallocation(w, 65536);
    for (size_t i = 0; i < s.n; i++)
        cr_assert_eq(log_writer_add_record(w, slice_make(s.data[i], s.len[i]), NULL), SHALE_OK);
    cr_assert_eq(m->allocs, 1, "tried once, then off");
    size_t written = m->len;
    cr_assert_eq(log_writer_close(w, NULL), SHALE_OK);
    cr_assert(m->truncs == 1 && m->len == written);
    read_result res = read_log(m->data, m->len, 1, LOG_RECOVERY_ABSOLUTE_CONSISTENCY, &s, NULL);
    cr_assert(res.rc == SHALE_NOT_FOUND && res.count == 3 && res.all_match, "%s", res.err.msg);
    mf_close(&m->base, NULL);
    free_records(&s);
}

/* A physical record with a valid CRC and any type byte. */
static void raw_record(mem_file *m, int type, const char *p, size_t n)
{
    char h[LOG_HEADER_SIZE];
    uint8_t t = (uint8_t)type;
    uint32_t crc = crc32c_extend(crc32c_value(&t, 1), p, n);
    enc_fixed32(h, crc32c_mask(crc));
    enc_fixed16(h + 4, (uint16_t)n);
    h[6] = (char)type;
    mf_append(&m->base, h, sizeof h, NULL);
    mf_append(&m->base, p, n, NULL);
}

Test(log_damage, unknown_type_and_orphan_fragments_are_corruption)
{
    size_t sizes[] = {10};
    rec_set s = make_records(sizes, 1);
    int bad[] = {10, 200, LOG_MIDDLE, LOG_LAST};
    for (size_t i = 0; i < 4; i++) {
        mem_file *m = mem_new();
        raw_record(m, LOG_FULL, s.data[0], 10);
        raw_record(m, bad[i], "xyz", 3);
        raw_record(m, LOG_FULL, s.data[0], 10);
        size_t idx[] = {0, 0};
        read_result res = read_log(m->data, m->len, 3, LOG_RECOVERY_POINT_IN_TIME, &s, idx);
        cr_assert(res.rc == SHALE_CORRUPTION && res.count == 1 && res.stop_offset == 17,
                  "type %d", bad[i]);
        res = read_log(m->data, m->len, 3, LOG_RECOVERY_SKIP_ANY_CORRUPTED_RECORDS, &s, idx);
        cr_assert(res.rc == SHALE_NOT_FOUND && res.count == 2 && res.all_match, "type %d", bad[i]);
        cr_assert_eq(res.stats.dropped_bytes, 3);
        mf_close(&m->base, NULL);
    }
    free_records(&s);
}

Test(log_damage, compressed_wal_is_not_supported)
{
    mem_file *m = mem_new();
    raw_record(m, LOG_SET_COMPRESSION, "\x07\0\0\0", 4);
    read_result res = read_log(m->data, m->len, 3, LOG_RECOVERY_POINT_IN_TIME, NULL, NULL);
    cr_assert_eq(res.rc, SHALE_NOT_SUPPORTED);
    mf_close(&m->base, NULL);
}

/* ---- (6) with the fault env ---- */

Test(log_fault, append_eio_is_returned_and_the_writer_refuses_later_records)
{
    char *dir = test_tmpdir("logfault");
    char path[4096];
    snprintf(path, sizeof path, "%s/000005.log", dir);
    shale_env *env = fault_env_new(shale_env_default());
    shale_file *f = NULL;
    log_writer *w = NULL;
    shale_err err = {0};
    size_t sizes[] = {100, 200, 300, 400};
    rec_set s = make_records(sizes, 4);
    cr_assert_eq(shale_env_open_write(env, path, &f, &err), SHALE_OK);
    cr_assert_eq(log_writer_open(f, 5, false, 0, &w, &err), SHALE_OK);
    fault_env_fail_nth(env, FAULT_OP_WRITE, 3, EIO, false);
    for (int i = 0; i < 2; i++)
        cr_assert_eq(log_writer_add_record(w, slice_make(s.data[i], s.len[i]), &err), SHALE_OK);
    cr_assert_eq(log_writer_add_record(w, slice_make(s.data[2], s.len[2]), &err), SHALE_IO_ERROR);
    cr_assert_eq(err.sys_errno, EIO);
    uint64_t writes = fault_env_op_count(env, FAULT_OP_WRITE);
    shale_err later = {0};
    cr_assert_eq(log_writer_add_record(w, slice_make(s.data[3], s.len[3]), &later), SHALE_IO_ERROR);
    cr_assert_eq(later.sys_errno, EIO);
    cr_assert_eq(fault_env_op_count(env, FAULT_OP_WRITE), writes, "a failed writer must not write");
    cr_assert_eq(log_writer_sync(w, NULL), SHALE_IO_ERROR);
    cr_assert_eq(log_writer_close(w, NULL), SHALE_IO_ERROR);
    cr_assert_eq(shale_file_close(f, NULL), SHALE_OK);
    size_t len;
    char *data = test_read_file(path, &len);
    read_result res = read_log(data, len, 5, LOG_RECOVERY_ABSOLUTE_CONSISTENCY, &s, NULL);
    cr_assert(res.rc == SHALE_NOT_FOUND && res.count == 2 && res.all_match);
    free(data);
    free_records(&s);
    fault_env_free(env);
    test_rmtree(dir);
    free(dir);
}

/* Writes 5 records and syncs, then 3 more without a sync, then crashes. */
static read_result crash_after_sync(fault_power_loss_mode mode, uint64_t seed, rec_set *s)
{
    char *dir = test_tmpdir("logcrash");
    char path[4096];
    snprintf(path, sizeof path, "%s/000009.log", dir);
    shale_env *env = fault_env_new(shale_env_default());
    fault_env_set_seed(env, seed);
    shale_file *f = NULL;
    log_writer *w = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_env_open_write(env, path, &f, &err), SHALE_OK);
    cr_assert_eq(env->ops->sync_dir(env, dir, &err), SHALE_OK);
    cr_assert_eq(log_writer_open(f, 9, false, 0, &w, &err), SHALE_OK);
    for (size_t i = 0; i < s->n; i++) {
        cr_assert_eq(log_writer_add_record(w, slice_make(s->data[i], s->len[i]), &err), SHALE_OK);
        if (i == 4)
            cr_assert_eq(log_writer_sync(w, &err), SHALE_OK);
    }
    log_writer_close(w, NULL);
    shale_file_close(f, NULL);
    cr_assert_eq(fault_env_simulate_power_loss(env, mode, &err), SHALE_OK, "%s", err.msg);
    size_t len = 0;
    char *data = test_read_file(path, &len);
    cr_assert_not_null(data);
    read_result res = read_log(data, len, 9, LOG_RECOVERY_POINT_IN_TIME, s, NULL);
    free(data);
    fault_env_free(env);
    test_rmtree(dir);
    free(dir);
    return res;
}

Test(log_fault, power_loss_after_sync_keeps_exactly_the_synced_records)
{
    size_t sizes[] = {100, 5000, 0, 300, 40000, 70, 80, 90};
    rec_set s = make_records(sizes, 8);
    read_result res = crash_after_sync(FAULT_DROP_ALL_UNSYNCED, 1, &s);
    cr_assert(res.rc == SHALE_NOT_FOUND && res.count == 5 && res.all_match, "%s", res.err.msg);
    for (uint64_t seed = 1; seed <= 12; seed++) {
        res = crash_after_sync(FAULT_KEEP_RANDOM_PREFIX, seed, &s);
        cr_assert(res.rc == SHALE_NOT_FOUND && res.all_match, "seed %" PRIu64, seed);
        cr_assert(res.count >= 5 && res.count <= 8, "seed %" PRIu64, seed);
        res = crash_after_sync(FAULT_GARBLE_UNSYNCED, seed, &s);
        cr_assert(res.count == 5 && res.all_match, "seed %" PRIu64, seed);
        cr_assert(res.rc == SHALE_CORRUPTION || res.rc == SHALE_NOT_FOUND);
    }
    free_records(&s);
}
