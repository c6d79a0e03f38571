/* tests/lsm/db/write_batch_test.c: WriteBatch against RocksDB 7.8.3.
 * The fixture WAL (written by RocksDB) must decode batch by batch to what
 * `ldb dump_wal --print_value` prints, with the README's totals; batches we
 * build (every record kind, default and other column families) must be
 * printed by ldb as we meant them; hand-built bytes from the §3 table
 * check the markers and the count rule; damage must give Corruption. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/db/write_batch.h"
#include "lsm/log/log_reader.h"
#include "lsm/log/log_writer.h"
#include "lsm/util/buf.h"
#include "lsm/util/coding.h"
#include "lsm/util/ikey.h"
#include "tests/support/test_util.h"

/* ---- printing like ldb dump_wal --print_value -------------------------- */

static void put_hex(shale_buf *b, slice s)
{
    static const char digits[] = "0123456789ABCDEF";
    shale_buf_append_str(b, "0x");
    for (size_t i = 0; i < s.len; i++) {
        shale_buf_append_byte(b, (uint8_t)digits[(unsigned char)s.data[i] >> 4]);
        shale_buf_append_byte(b, (uint8_t)digits[(unsigned char)s.data[i] & 15]);
    }
}

typedef struct dump_state {
    shale_buf *out;
    uint64_t next_seq;   /* the seq the next counted record must carry */
    size_t counted, range_deletes, log_data, markers;
} dump_state;

static int dump_record(void *arg, uint64_t seq, uint32_t cf, int type, slice key, slice value,
                       shale_err *err)
{
    dump_state *st = arg;
    char head[64];
    const char *name = type == VT_VALUE              ? "PUT"
                       : type == VT_MERGE            ? "MERGE"
                       : type == VT_DELETION         ? "DELETE"
                       : type == VT_SINGLE_DELETION  ? "SINGLE_DELETE"
                       : type == VT_RANGE_DELETION   ? "DELETE_RANGE"
                                                     : "OTHER";
    cr_assert_eq(seq, st->next_seq++);
    snprintf(head, sizeof head, "%s(%" PRIu32 ") : ", name, cf);
    shale_buf_append_str(st->out, head);
    put_hex(st->out, key);
    if (type == VT_VALUE || type == VT_MERGE) {
        shale_buf_append_str(st->out, " : ");
        put_hex(st->out, value);
    } else if (type == VT_RANGE_DELETION) {
        shale_buf_append_byte(st->out, ' ');
        put_hex(st->out, value);
    }
    shale_buf_append_byte(st->out, ' ');
    st->counted++;
    st->range_deletes += type == VT_RANGE_DELETION;
    return SHALE_OK;
}

static int count_log_data(void *arg, slice blob, shale_err *err)
{
    ((dump_state *)arg)->log_data++;
    return SHALE_OK;
}

static int dump_marker(void *arg, int tag, slice xid, slice ts, shale_err *err)
{
    dump_state *st = arg;
    cr_assert_eq(tag, VT_NOOP, "only Noop may reach ldb's output here");
    shale_buf_append_str(st->out, "NOOP ");
    st->markers++;
    return SHALE_OK;
}

static const wb_handler dump_handler = {dump_record, count_log_data, dump_marker};

/* One dump_wal line for a batch read at `offset`. */
static void dump_batch(slice rep, uint64_t offset, dump_state *st)
{
    char head[128];
    shale_err err = {0};
    snprintf(head, sizeof head, "%" PRIu64 ",%" PRIu32 ",%zu,%" PRIu64 ",", wb_rep_sequence(rep),
             wb_rep_count(rep), rep.len, offset);
    shale_buf_append_str(st->out, head);
    st->next_seq = wb_rep_sequence(rep);
    cr_assert_eq(wb_iterate(rep, &dump_handler, st, &err), SHALE_OK, "%s", err.msg);
    shale_buf_append_byte(st->out, '\n');
}

typedef struct wal_summary {
    size_t batches, max_batch;
    uint64_t first_seq, chain_breaks;
} wal_summary;

/* Reads a WAL with the log reader, dumping every batch into st. */
static void dump_wal(const char *path, uint64_t number, dump_state *st, wal_summary *sum)
{
    shale_file *f = NULL;
    log_reader *r = NULL;
    shale_err err = {0};
    slice rec;
    int rc;
    uint64_t expect = 0;
    memset(sum, 0, sizeof *sum);
    cr_assert_eq(shale_env_open_read(shale_env_default(), path, &f, &err), SHALE_OK);
    cr_assert_eq(log_reader_open(f, number, NULL, &r, &err), SHALE_OK);
    while ((rc = log_reader_read_record(r, &rec, &err)) == SHALE_OK) {
        cr_assert_geq(rec.len, WB_HEADER_LEN);
        if (sum->batches == 0)
            sum->first_seq = wb_rep_sequence(rec);
        else if (wb_rep_sequence(rec) != expect)
            sum->chain_breaks++;
        expect = wb_rep_sequence(rec) + wb_rep_count(rec);
        sum->batches++;
        if (rec.len > sum->max_batch)
            sum->max_batch = rec.len;
        dump_batch(rec, log_reader_last_record_offset(r), st);
    }
    cr_assert_eq(rc, SHALE_NOT_FOUND, "%s", err.msg);
    log_reader_close(r);
    shale_file_close(f, NULL);
}

static char *ldb_dump_wal(const char *path)
{
    char cmd[1024];
    int status = -1;
    cr_assert(test_have_program("ldb"), "Debian's ldb (RocksDB 7.8.3) is the oracle");
    snprintf(cmd, sizeof cmd, "ldb dump_wal --walfile='%s' --print_value 2>&1", path);
    char *out = test_run(cmd, &status);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "%s", out);
    return out;
}

static char *buf_to_str(shale_buf *b)
{
    shale_buf_append_byte(b, 0);
    return shale_buf_detach(b, NULL);
}

/* ---- the fixture WAL --------------------------------------------------- */

Test(write_batch, fixture_wal_decodes_like_ldb_dump_wal)
{
    char *dir = test_tmpdir("wb-fixture");
    char *src = fixture_path("db/000013.log");
    size_t len = 0;
    char *bytes = test_read_file(src, &len);
    char copy[4096];
    snprintf(copy, sizeof copy, "%s/000013.log", dir);
    cr_assert(test_write_file(copy, bytes, len));
    shale_buf text = SHALE_BUF_INIT;
    dump_state st = {&text, 0, 0, 0, 0, 0};
    wal_summary sum;
    dump_wal(copy, 13, &st, &sum);
    /* README: 360 batches, 640 records, one DeleteRange; one batch > 64 KiB
     * (FIRST/MIDDLE/LAST).  The first batch follows the MANIFEST's
     * LastSequence 3617, and each batch starts where the previous ended. */
    cr_assert_eq(sum.batches, 360);
    cr_assert_eq(st.counted, 640);
    cr_assert_eq(st.range_deletes, 1);
    cr_assert_gt(sum.max_batch, 65536);
    cr_assert_eq(sum.first_seq, 3618);
    cr_assert_eq(sum.chain_breaks, 0);
    char *ours = buf_to_str(&text);
    char *theirs = ldb_dump_wal(copy);
    cr_assert_str_eq(ours, theirs);
    free(ours);
    free(theirs);
    free(bytes);
    free(src);
    test_rmtree(dir);
    free(dir);
}

/* ---- batches we build -------------------------------------------------- */

static void build_every_kind(write_batch *b, uint32_t cf)
{
    shale_err err = {0};
    cr_assert_eq(wb_put(b, cf, slice_from_str("k1"), slice_from_str("v1"), &err), SHALE_OK);
    cr_assert_eq(wb_delete(b, cf, slice_from_str("k2"), &err), SHALE_OK);
    cr_assert_eq(wb_put_log_data(b, slice_from_str("blob"), &err), SHALE_OK);
    cr_assert_eq(wb_single_delete(b, cf, slice_from_str("k3"), &err), SHALE_OK);
    cr_assert_eq(wb_delete_range(b, cf, slice_from_str("a"), slice_from_str("b"), &err),
                 SHALE_OK);
    cr_assert_eq(wb_merge(b, cf, slice_from_str("k4"), slice_make("\x01\x00", 2), &err),
                 SHALE_OK);
    cr_assert_eq(wb_put(b, cf, slice_make("", 0), slice_make("", 0), &err), SHALE_OK);
}

Test(write_batch, encoded_bytes_follow_the_format_table)
{
    write_batch b;
    shale_err err = {0};
    cr_assert_eq(wb_init(&b, &err), SHALE_OK);
    cr_assert_eq(wb_data_size(&b), WB_HEADER_LEN);
    wb_set_sequence(&b, 0x0102030405ull);
    cr_assert_eq(wb_put(&b, 0, slice_from_str("k"), slice_from_str("v"), &err), SHALE_OK);
    cr_assert_eq(wb_put(&b, 7, slice_from_str("k"), slice_from_str("v"), &err), SHALE_OK);
    cr_assert_eq(wb_delete_range(&b, 300, slice_from_str("a"), slice_from_str("b"), &err),
                 SHALE_OK);
    cr_assert_eq(wb_put_log_data(&b, slice_from_str("x"), &err), SHALE_OK);
    static const char want[] = "\x05\x04\x03\x02\x01\x00\x00\x00" "\x03\x00\x00\x00"
                               "\x01\x01k\x01v"
                               "\x05\x07\x01k\x01v"
                               "\x0e\xac\x02\x01" "a" "\x01" "b"
                               "\x03\x01x";
    cr_assert_eq(wb_data_size(&b), sizeof want - 1);
    cr_assert_eq(memcmp(wb_data(&b).data, want, sizeof want - 1), 0);
    cr_assert_eq(wb_count(&b), 3);
    cr_assert_eq(wb_sequence(&b), 0x0102030405ull);
    wb_clear(&b);
    cr_assert_eq(wb_data_size(&b), WB_HEADER_LEN);
    cr_assert_eq(wb_count(&b), 0);
    cr_assert_eq(wb_sequence(&b), 0);
    wb_deinit(&b);
    wb_deinit(NULL);
}

/* Writes batches of every kind to a WAL and has ldb print it back. */
Test(write_batch, batches_we_build_are_read_by_ldb_dump_wal)
{
    char *dir = test_tmpdir("wb-write");
    char path[4096];
    snprintf(path, sizeof path, "%s/000009.log", dir);
    shale_env *env = shale_env_default();
    shale_file *f = NULL;
    log_writer *w = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_env_open_write(env, path, &f, &err), SHALE_OK);
    cr_assert_eq(log_writer_open(f, 9, false, 0, &w, &err), SHALE_OK);
    write_batch a, b, big;
    cr_assert_eq(wb_init(&a, &err), SHALE_OK);
    cr_assert_eq(wb_init(&b, &err), SHALE_OK);
    cr_assert_eq(wb_init(&big, &err), SHALE_OK);
    build_every_kind(&a, 0);
    wb_set_sequence(&a, 100);
    build_every_kind(&b, 5);
    wb_set_sequence(&b, 100 + wb_count(&a));
    /* An appended batch keeps its own sequence and sums the counts. */
    wb_set_sequence(&big, 100 + wb_count(&a) + wb_count(&b));
    cr_assert_eq(wb_append(&big, &a, &err), SHALE_OK);
    cr_assert_eq(wb_append(&big, &b, &err), SHALE_OK);
    cr_assert_eq(wb_count(&big), wb_count(&a) + wb_count(&b));
    cr_assert_eq(wb_count(&a), 6, "LogData is not counted");
    cr_assert_eq(log_writer_add_record(w, wb_data(&a), &err), SHALE_OK);
    cr_assert_eq(log_writer_add_record(w, wb_data(&b), &err), SHALE_OK);
    cr_assert_eq(log_writer_add_record(w, wb_data(&big), &err), SHALE_OK);
    cr_assert_eq(log_writer_close(w, &err), SHALE_OK);
    cr_assert_eq(shale_file_close(f, &err), SHALE_OK);

    shale_buf text = SHALE_BUF_INIT;
    dump_state st = {&text, 0, 0, 0, 0, 0};
    wal_summary sum;
    dump_wal(path, 9, &st, &sum);
    cr_assert_eq(sum.batches, 3);
    cr_assert_eq(sum.chain_breaks, 0);
    cr_assert_eq(st.counted, 24);
    cr_assert_eq(st.log_data, 4);
    char *ours = buf_to_str(&text);
    char *theirs = ldb_dump_wal(path);
    cr_assert_str_eq(ours, theirs);
    cr_assert(strstr(theirs, "SINGLE_DELETE(5) : 0x6B33") != NULL, "%s", theirs);
    cr_assert(strstr(theirs, "MERGE(0) : 0x6B34 : 0x0100") != NULL, "%s", theirs);
    cr_assert(strstr(theirs, "DELETE_RANGE(5) : 0x61 0x62") != NULL, "%s", theirs);
    free(ours);
    free(theirs);
    wb_deinit(&a);
    wb_deinit(&b);
    wb_deinit(&big);
    test_rmtree(dir);
    free(dir);
}

/* ---- markers, other kinds and the count rule ---------------------------- */

typedef struct seen {
    int types[32];
    uint32_t cfs[32];
    char xids[32][8];
    int marker_tags[32];
    size_t n, n_markers;
} seen;

static int see_record(void *arg, uint64_t seq, uint32_t cf, int type, slice key, slice value,
                      shale_err *err)
{
    seen *s = arg;
    s->cfs[s->n] = cf;
    s->types[s->n++] = type;
    return SHALE_OK;
}

static int see_marker(void *arg, int tag, slice xid, slice ts, shale_err *err)
{
    seen *s = arg;
    cr_assert_lt(xid.len, 8);
    if (xid.len > 0)
        memcpy(s->xids[s->n_markers], xid.data, xid.len);
    s->xids[s->n_markers][xid.len] = '\0';
    s->marker_tags[s->n_markers++] = tag;
    return SHALE_OK;
}

static const wb_handler see_handler = {see_record, NULL, see_marker};

/* Header (seq 1, count) then the given records. */
static size_t make_rep(char *buf, uint32_t count, const char *recs, size_t n)
{
    enc_fixed64(buf, 1);
    enc_fixed32(buf + 8, count);
    memcpy(buf + WB_HEADER_LEN, recs, n);
    return WB_HEADER_LEN + n;
}

Test(write_batch, markers_and_other_kinds_decode_per_the_table)
{
    static const char recs[] =
        "\x0d"                         /* Noop */
        "\x09"                         /* BeginPrepare */
        "\x01\x01k\x01v"               /* Put */
        "\x0a\x02x1"                   /* EndPrepare xid */
        "\x0b\x02x1"                   /* Commit xid */
        "\x12" "\x13"                  /* BeginPersistedPrepare, BeginUnprepare */
        "\x0c\x02x2"                   /* Rollback xid */
        "\x15\x02ts\x02x3"             /* CommitWithTimestamp ts, xid */
        "\x11\x01k\x02" "bi"              /* BlobIndex */
        "\x10\x04\x01k\x02" "bi"          /* CF BlobIndex, cf 4 */
        "\x16\x01k\x01" "e"               /* PutEntity */
        "\x17\x06\x01k\x01" "e"           /* CF PutEntity, cf 6 */
        "\x08\x03\x01k"                /* CF SingleDelete, cf 3 */
        "\x06\x02\x01k\x01m";          /* CF Merge, cf 2 */
    char buf[256];
    size_t n = make_rep(buf, 7, recs, sizeof recs - 1);
    seen s = {0};
    shale_err err = {0};
    cr_assert_eq(wb_iterate(slice_make(buf, n), &see_handler, &s, &err), SHALE_OK, "%s",
                 err.msg);
    static const int want_types[] = {VT_VALUE, VT_BLOB_INDEX, VT_BLOB_INDEX,
                                     VT_WIDE_COLUMN_ENTITY, VT_WIDE_COLUMN_ENTITY,
                                     VT_SINGLE_DELETION, VT_MERGE};
    static const uint32_t want_cfs[] = {0, 0, 4, 0, 6, 3, 2};
    cr_assert_eq(s.n, 7);
    for (size_t i = 0; i < 7; i++) {
        cr_assert_eq(s.types[i], want_types[i], "record %zu", i);
        cr_assert_eq(s.cfs[i], want_cfs[i], "record %zu", i);
    }
    cr_assert_eq(s.n_markers, 8);
    cr_assert_eq(s.marker_tags[0], VT_NOOP);
    cr_assert_eq(s.marker_tags[2], WB_TAG_END_PREPARE);
    cr_assert_str_eq(s.xids[2], "x1");
    cr_assert_eq(s.marker_tags[7], WB_TAG_COMMIT_WITH_TS);
    cr_assert_str_eq(s.xids[7], "x3");
    /* Without marker callbacks the same batch still decodes. */
    wb_handler records_only = {see_record, NULL, NULL};
    seen s2 = {0};
    cr_assert_eq(wb_iterate(slice_make(buf, n), &records_only, &s2, &err), SHALE_OK);
    cr_assert_eq(s2.n, 7);
}

Test(write_batch, wrong_count_and_unknown_tag_are_corruption)
{
    char buf[64];
    shale_err err = {0};
    seen s = {0};
    size_t n = make_rep(buf, 2, "\x01\x01k\x01v", 5);
    cr_assert_eq(wb_iterate(slice_make(buf, n), &see_handler, &s, &err), SHALE_CORRUPTION);
    cr_assert(strstr(err.msg, "WriteBatch has wrong count") != NULL, "%s", err.msg);
    n = make_rep(buf, 0, "\x03\x01x", 3); /* LogData only: count 0 is right */
    cr_assert_eq(wb_iterate(slice_make(buf, n), &see_handler, &s, &err), SHALE_OK);
    n = make_rep(buf, 1, "\x18\x01k\x01v", 5);
    cr_assert_eq(wb_iterate(slice_make(buf, n), &see_handler, &s, &err), SHALE_CORRUPTION);
    cr_assert(strstr(err.msg, "unknown WriteBatch tag") != NULL, "%s", err.msg);
    cr_assert_eq(wb_iterate(slice_make(buf, 11), &see_handler, &s, &err), SHALE_CORRUPTION);
    write_batch b;
    cr_assert_eq(wb_init(&b, &err), SHALE_OK);
    cr_assert_eq(wb_set_contents(&b, slice_make(buf, 11), &err), SHALE_CORRUPTION);
    cr_assert_eq(wb_set_contents(&b, slice_make(buf, n), &err), SHALE_OK);
    cr_assert_eq(wb_count(&b), 1);
    wb_deinit(&b);
}

static int stop_at_second(void *arg, uint64_t seq, uint32_t cf, int type, slice key,
                          slice value, shale_err *err)
{
    int *calls = arg;
    return ++*calls == 2 ? SHALE_BUSY : SHALE_OK;
}

Test(write_batch, a_failing_callback_stops_the_walk_with_its_code)
{
    write_batch b;
    shale_err err = {0};
    int calls = 0;
    cr_assert_eq(wb_init(&b, &err), SHALE_OK);
    build_every_kind(&b, 0);
    wb_handler h = {stop_at_second, NULL, NULL};
    cr_assert_eq(wb_iterate(wb_data(&b), &h, &calls, &err), SHALE_BUSY);
    cr_assert_eq(calls, 2);
    wb_deinit(&b);
}

/* ---- damage ------------------------------------------------------------ */

static int ignore_record(void *arg, uint64_t seq, uint32_t cf, int type, slice key, slice value,
                         shale_err *err)
{
    return SHALE_OK;
}

static const wb_handler ignore_handler = {ignore_record, NULL, NULL};

Test(write_batch, truncation_at_every_length_is_corruption)
{
    write_batch b;
    shale_err err = {0};
    cr_assert_eq(wb_init(&b, &err), SHALE_OK);
    build_every_kind(&b, 0);
    build_every_kind(&b, 9);
    slice whole = wb_data(&b);
    cr_assert_eq(wb_iterate(whole, &ignore_handler, NULL, &err), SHALE_OK);
    for (size_t len = 0; len < whole.len; len++) {
        /* A private copy, so ASan sees any read past the cut. */
        char *cut = malloc(len + 1);
        memcpy(cut, whole.data, len);
        int rc = wb_iterate(slice_make(cut, len), &ignore_handler, NULL, &err);
        cr_assert_eq(rc, SHALE_CORRUPTION, "len %zu", len);
        free(cut);
    }
    wb_deinit(&b);
}

Test(write_batch, random_bytes_never_crash_and_fail_as_corruption)
{
    write_batch b;
    shale_err err = {0};
    cr_assert_eq(wb_init(&b, &err), SHALE_OK);
    build_every_kind(&b, 0);
    build_every_kind(&b, 200);
    slice whole = wb_data(&b);
    uint32_t x = 2463534242u;
    for (int trial = 0; trial < 5000; trial++) {
        char *copy = malloc(whole.len);
        memcpy(copy, whole.data, whole.len);
        for (int k = 0; k < 1 + trial % 5; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            copy[WB_HEADER_LEN + x % (whole.len - WB_HEADER_LEN)] = (char)(x >> 24);
        }
        int rc = wb_iterate(slice_make(copy, whole.len), &ignore_handler, NULL, &err);
        cr_assert(rc == SHALE_OK || rc == SHALE_CORRUPTION, "trial %d: %d", trial, rc);
        free(copy);
    }
    /* Pure noise, too. */
    for (int trial = 0; trial < 2000; trial++) {
        size_t n = 12 + (size_t)trial % 60;
        char *noise = malloc(n);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            noise[i] = (char)x;
        }
        int rc = wb_iterate(slice_make(noise, n), &ignore_handler, NULL, &err);
        cr_assert(rc == SHALE_OK || rc == SHALE_CORRUPTION);
        free(noise);
    }
    wb_deinit(&b);
}
