/* tests/lsm/version/version_edit_test.c: VersionEdit against RocksDB 7.8.3.
 * The fixture MANIFEST (written by RocksDB) must decode to the state its
 * README states, print exactly what `ldb manifest_dump --verbose` prints,
 * and re-encode to its own bytes (less the SST unique id we never write).
 * A MANIFEST we write must be read back by ldb with the same text.  The
 * decoder's skip/reject rules and damaged input are checked by hand-built
 * edits, truncations and byte flips. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/log/log_reader.h"
#include "lsm/log/log_writer.h"
#include "lsm/util/buf.h"
#include "lsm/util/coding.h"
#include "lsm/util/ikey.h"
#include "lsm/version/filenames.h"
#include "lsm/version/version_edit.h"
#include "tests/support/test_util.h"

#define MAX_RECORDS 64

typedef struct records {
    char *data[MAX_RECORDS];
    size_t len[MAX_RECORDS];
    size_t n;
} records;

static void read_log_records(const char *path, uint64_t number, records *out)
{
    shale_env *env = shale_env_default();
    shale_file *f = NULL;
    log_reader *r = NULL;
    shale_err err = {0};
    slice rec;
    int rc;
    memset(out, 0, sizeof *out);
    cr_assert_eq(shale_env_open_read(env, path, &f, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(log_reader_open(f, number, NULL, &r, &err), SHALE_OK);
    while ((rc = log_reader_read_record(r, &rec, &err)) == SHALE_OK) {
        cr_assert_lt(out->n, MAX_RECORDS);
        out->data[out->n] = malloc(rec.len + 1);
        memcpy(out->data[out->n], rec.data, rec.len);
        out->len[out->n++] = rec.len;
    }
    cr_assert_eq(rc, SHALE_NOT_FOUND, "%s", err.msg);
    log_reader_close(r);
    shale_file_close(f, NULL);
}

static void free_records(records *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->data[i]);
}

static void read_fixture_manifest(records *rs)
{
    char *path = fixture_path("db/MANIFEST-000005");
    read_log_records(path, 5, rs);
    free(path);
}

static void decode_ok(version_edit *ve, const char *data, size_t len)
{
    shale_err err = {0};
    cr_assert_eq(version_edit_decode(ve, slice_make(data, len), &err), SHALE_OK, "%s", err.msg);
}

static int decode_code(const char *data, size_t len, shale_err *err)
{
    version_edit ve;
    version_edit_init(&ve);
    int rc = version_edit_decode(&ve, slice_make(data, len), err);
    version_edit_deinit(&ve);
    return rc;
}

/* ---- the fixture MANIFEST ---------------------------------------------- */

typedef struct live_file {
    int level;
    uint64_t number, size;
    char largest[64];
    size_t largest_len;
} live_file;

Test(version_edit, fixture_manifest_replays_to_the_readme_final_state)
{
    records rs;
    read_fixture_manifest(&rs);
    cr_assert_eq(rs.n, 10, "README: 10 VersionEdit records");
    live_file live[16];
    size_t n_live = 0;
    uint64_t log_number = 0, next_file = 0, last_seq = 0;
    for (size_t i = 0; i < rs.n; i++) {
        version_edit ve;
        version_edit_init(&ve);
        decode_ok(&ve, rs.data[i], rs.len[i]);
        if (ve.has_log_number)
            log_number = ve.log_number;
        if (ve.has_next_file_number)
            next_file = ve.next_file_number;
        if (ve.has_last_sequence)
            last_seq = ve.last_sequence;
        for (size_t d = 0; d < ve.n_deleted; d++)
            for (size_t k = 0; k < n_live; k++)
                if (live[k].level == ve.deleted[d].level && live[k].number == ve.deleted[d].number)
                    live[k--] = live[--n_live];
        for (size_t a = 0; a < ve.n_files; a++) {
            live_file *lf = &live[n_live++];
            lf->level = ve.files[a].level;
            lf->number = ve.files[a].number;
            lf->size = ve.files[a].size;
            lf->largest_len = ve.files[a].largest.len;
            memcpy(lf->largest, ve.files[a].largest.data, lf->largest_len);
        }
        version_edit_deinit(&ve);
    }
    cr_assert_eq(log_number, 13);
    cr_assert_eq(next_file, 15);
    cr_assert_eq(last_seq, 3617);
    cr_assert_eq(n_live, 2);
    live_file *l0 = live[0].level == 0 ? &live[0] : &live[1];
    live_file *l1 = live[0].level == 0 ? &live[1] : &live[0];
    cr_assert_eq(l0->level, 0);
    cr_assert_eq(l0->number, 14);
    cr_assert_eq(l1->level, 1);
    cr_assert_eq(l1->number, 12);
    /* Sizes must be exact: compare with the files themselves. */
    char *p14 = fixture_path("db/000014.sst"), *p12 = fixture_path("db/000012.sst");
    size_t s14 = 0, s12 = 0;
    free(test_read_file(p14, &s14));
    free(test_read_file(p12, &s12));
    cr_assert_eq(l0->size, s14);
    cr_assert_eq(l1->size, s12);
    free(p14);
    free(p12);
    parsed_ikey pk = {{0}, 0, 0};
    cr_assert(ikey_parse(slice_make(l0->largest, l0->largest_len), &pk));
    cr_assert(slice_equal(pk.user_key, slice_from_str("key00002600")));
    cr_assert_eq(pk.seq, (UINT64_C(1) << 56) - 1);
    cr_assert_eq(pk.type, 0x0F);
    free_records(&rs);
}

/* The per-edit text ldb prints: from the first "VersionEdit {" up to the
 * per-column-family summary. */
static char *ldb_edit_text(const char *manifest, bool hex)
{
    char cmd[1024];
    int status = -1;
    cr_assert(test_have_program("ldb"), "Debian's ldb (RocksDB 7.8.3) is the oracle");
    snprintf(cmd, sizeof cmd, "ldb manifest_dump --path='%s' --verbose %s 2>&1", manifest,
             hex ? "--hex" : "");
    char *out = test_run(cmd, &status);
    cr_assert_not_null(out);
    cr_assert_eq(status, 0, "ldb failed: %s", out);
    char *begin = strstr(out, "VersionEdit {");
    cr_assert_not_null(begin, "%s", out);
    char *end = strstr(begin, "--------------- Column family");
    cr_assert_not_null(end, "%s", out);
    *end = '\0';
    char *text = strdup(begin);
    free(out);
    return text;
}

static char *our_edit_text(const records *rs, bool hex)
{
    shale_buf text = SHALE_BUF_INIT;
    shale_err err = {0};
    for (size_t i = 0; i < rs->n; i++) {
        version_edit ve;
        version_edit_init(&ve);
        decode_ok(&ve, rs->data[i], rs->len[i]);
        cr_assert_eq(version_edit_debug_string(&ve, hex, &text, &err), SHALE_OK);
        version_edit_deinit(&ve);
    }
    shale_buf_append_byte(&text, 0);
    return shale_buf_detach(&text, NULL);
}

static char *copy_to_tmp(const char *tag, const char *fixture, const char *name, char **dir)
{
    *dir = test_tmpdir(tag);
    char *src = fixture_path(fixture);
    size_t len = 0;
    char *data = test_read_file(src, &len);
    cr_assert_not_null(data);
    char *dst = malloc(strlen(*dir) + strlen(name) + 2);
    sprintf(dst, "%s/%s", *dir, name);
    cr_assert(test_write_file(dst, data, len));
    free(data);
    free(src);
    return dst;
}

Test(version_edit, debug_string_matches_ldb_manifest_dump_verbose)
{
    records rs;
    char *dir;
    char *copy = copy_to_tmp("ve-ldb", "db/MANIFEST-000005", "MANIFEST-000005", &dir);
    read_fixture_manifest(&rs);
    for (int hex = 0; hex <= 1; hex++) {
        char *want = ldb_edit_text(copy, hex);
        char *got = our_edit_text(&rs, hex);
        cr_assert_str_eq(got, want);
        free(want);
        free(got);
    }
    free_records(&rs);
    test_rmtree(dir);
    free(dir);
    free(copy);
}

/* ---- round trips ------------------------------------------------------- */

/* Removes the one occurrence of needle from hay (in place); false if it is
 * absent or repeated. */
static bool remove_once(char *hay, size_t *len, const char *needle, size_t n)
{
    char *hit = memmem(hay, *len, needle, n);
    if (hit == NULL || memmem(hit + 1, *len - (size_t)(hit + 1 - hay), needle, n) != NULL)
        return false;
    memmove(hit, hit + n, *len - (size_t)(hit - hay) - n);
    *len -= n;
    return true;
}

Test(version_edit, every_fixture_edit_round_trips_byte_identically)
{
    records rs;
    read_fixture_manifest(&rs);
    size_t with_files = 0;
    for (size_t i = 0; i < rs.n; i++) {
        version_edit ve;
        shale_buf out = SHALE_BUF_INIT;
        shale_err err = {0};
        version_edit_init(&ve);
        decode_ok(&ve, rs.data[i], rs.len[i]);
        cr_assert_eq(version_edit_encode(&ve, &out, &err), SHALE_OK);
        /* We never write custom field 12 (the SST unique id): RocksDB's
         * bytes equal ours plus that one field per file. */
        size_t want_len = rs.len[i];
        for (size_t f = 0; f < ve.n_files; f++) {
            char field[18] = {VE_CT_UNIQUE_ID, 16};
            cr_assert(ve.files[f].has_unique_id);
            enc_fixed64(field + 2, ve.files[f].unique_id[0]);
            enc_fixed64(field + 10, ve.files[f].unique_id[1]);
            cr_assert(remove_once(rs.data[i], &want_len, field, sizeof field), "edit %zu", i);
            with_files++;
        }
        cr_assert_eq(out.len, want_len, "edit %zu", i);
        cr_assert_eq(memcmp(out.data, rs.data[i], want_len), 0, "edit %zu", i);
        shale_buf_deinit(&out);
        version_edit_deinit(&ve);
    }
    cr_assert_eq(with_files, 4, "files 9, 11, 12 and 14 were added");
    free_records(&rs);
}

static void encode_ok(const version_edit *ve, shale_buf *out)
{
    shale_err err = {0};
    cr_assert_eq(version_edit_encode(ve, out, &err), SHALE_OK);
}

static ve_file_meta sample_meta(int level, uint64_t number, char *lo, char *hi)
{
    memcpy(lo, "apple\0\0\0\0\0\0\0\0", 13);
    memcpy(hi, "zebra\0\0\0\0\0\0\0\0", 13);
    enc_fixed64(lo + 5, ikey_pack(7, VT_VALUE));
    enc_fixed64(hi + 5, ikey_pack(9, VT_DELETION));
    ve_file_meta m = {0};
    m.level = level;
    m.number = number;
    m.size = 4096;
    m.smallest = slice_make(lo, 13);
    m.largest = slice_make(hi, 13);
    m.smallest_seqno = 7;
    m.largest_seqno = 9;
    m.oldest_ancester_time = 1700000000;
    m.file_creation_time = 1700000001;
    return m;
}

Test(version_edit, encode_uses_rocksdb_field_order_whatever_the_set_order)
{
    version_edit ve;
    shale_err err = {0};
    char lo[13], hi[13];
    version_edit_init(&ve);
    version_edit_set_last_sequence(&ve, 300);
    cr_assert_eq(version_edit_delete_file(&ve, 1, 20, &err), SHALE_OK);
    cr_assert_eq(version_edit_delete_file(&ve, 0, 30, &err), SHALE_OK);
    cr_assert_eq(version_edit_delete_file(&ve, 1, 20, &err), SHALE_OK); /* repeat: no-op */
    ve_file_meta m = sample_meta(2, 40, lo, hi);
    cr_assert_eq(version_edit_add_file(&ve, &m, &err), SHALE_OK);
    version_edit_set_next_file_number(&ve, 41);
    version_edit_set_prev_log_number(&ve, 0);
    version_edit_set_log_number(&ve, 35);
    cr_assert_eq(version_edit_set_comparator(&ve, slice_from_str("leveldb.BytewiseComparator"),
                                             &err), SHALE_OK);
    shale_buf out = SHALE_BUF_INIT;
    encode_ok(&ve, &out);

    /* The expected bytes, spelled out from rocksdb-format.md §5.3/§5.4. */
    shale_buf want = SHALE_BUF_INIT;
    shale_buf_append(&want, "\x01\x1a" "leveldb.BytewiseComparator", 28);
    shale_buf_append(&want, "\x02\x23" "\x09\x00" "\x03\x29" "\x04\xac\x02", 9);
    shale_buf_append(&want, "\x06\x00\x1e" "\x06\x01\x14", 6);         /* sorted deletes */
    shale_buf_append(&want, "\x67\x02\x28\x80\x20", 5);                 /* 103 L2 #40 4096 */
    shale_buf_append(&want, "\x0d", 1);
    shale_buf_append(&want, lo, 13);
    shale_buf_append(&want, "\x0d", 1);
    shale_buf_append(&want, hi, 13);
    shale_buf_append(&want, "\x07\x09", 2);                             /* seqnos */
    shale_buf_append(&want, "\x05\x05\x80\xe2\xcf\xaa\x06", 7);         /* 1700000000 */
    shale_buf_append(&want, "\x06\x05\x81\xe2\xcf\xaa\x06", 7);
    shale_buf_append(&want, "\x07\x00" "\x08\x07" "Unknown" "\x01", 12);
    cr_assert_eq(out.len, want.len);
    cr_assert_eq(memcmp(out.data, want.data, want.len), 0);

    /* And back: decoding gives the same fields, re-encoding the same bytes. */
    version_edit back;
    shale_buf again = SHALE_BUF_INIT;
    version_edit_init(&back);
    decode_ok(&back, out.data, out.len);
    cr_assert_eq(back.n_deleted, 2);
    cr_assert_eq(back.files[0].level, 2);
    cr_assert_eq(back.files[0].file_creation_time, 1700000001);
    encode_ok(&back, &again);
    cr_assert_eq(again.len, out.len);
    cr_assert_eq(memcmp(again.data, out.data, out.len), 0);
    shale_buf_deinit(&again);
    shale_buf_deinit(&want);
    shale_buf_deinit(&out);
    version_edit_deinit(&back);
    version_edit_deinit(&ve);
}

/* Decode, encode and compare with the input: for edits already in
 * RocksDB's order the bytes must come back unchanged. */
static void assert_round_trip(const char *data, size_t len, version_edit *ve)
{
    shale_buf out = SHALE_BUF_INIT;
    decode_ok(ve, data, len);
    encode_ok(ve, &out);
    cr_assert_eq(out.len, len);
    cr_assert_eq(memcmp(out.data, data, len), 0);
    shale_buf_deinit(&out);
}

Test(version_edit, column_family_blob_wal_and_atomic_tags_round_trip)
{
    static const char rec[] =
        "\x81\x40\x06" "db-id!"                        /* 8193 DbId */
        "\x01\x03" "cmp"                               /* comparator */
        "\xcb\x01\x05"                                 /* 203 MaxColumnFamily 5 */
        "\x90\x03\x07\x02\x04\x03" "crc" "\x02" "\xab\xcd" "\x00" /* 400 */
        "\x91\x03\x07\x01\x02\x00"                     /* 401 */
        "\x87\x40\x04\x0b\x02\x64\x01"                 /* 8199 WAL 11 synced 100 */
        "\x88\x40\x01\x09"                             /* 8200 WAL 9 */
        "\xc8\x01\x05"                                 /* 200 ColumnFamily 5 */
        "\xc9\x01\x03" "new"                           /* 201 ColumnFamilyAdd */
        "\xac\x02\x02"                                 /* 300 InAtomicGroup 2 */
        "\x86\x40\x02" "ts";                           /* 8198 FullHistoryTsLow */
    version_edit ve;
    version_edit_init(&ve);
    assert_round_trip(rec, sizeof rec - 1, &ve);
    cr_assert(ve.has_db_id);
    cr_assert_eq(ve.max_column_family, 5);
    cr_assert_eq(ve.n_blob_adds, 1);
    cr_assert_eq(ve.blob_adds[0].number, 7);
    cr_assert_eq(ve.blob_adds[0].blob_bytes, 4);
    cr_assert_eq(ve.n_blob_garbage, 1);
    cr_assert_eq(ve.n_wal_adds, 1);
    cr_assert_eq(ve.wal_adds[0].number, 11);
    cr_assert_eq(ve.wal_adds[0].synced_size, 100);
    cr_assert(ve.has_wal_deletion);
    cr_assert_eq(ve.wal_deletion, 9);
    cr_assert_eq(ve.column_family, 5);
    cr_assert(ve.is_column_family_add);
    cr_assert(ve.is_in_atomic_group);
    cr_assert_eq(ve.remaining_entries, 2);
    cr_assert(ve.has_full_history_ts_low);
    version_edit_deinit(&ve);

    static const char drop[] = "\xc8\x01\x03" "\xca\x01";   /* CF 3, drop */
    version_edit_init(&ve);
    assert_round_trip(drop, sizeof drop - 1, &ve);
    cr_assert(ve.is_column_family_drop);
    version_edit_deinit(&ve);
}

/* ---- decoder rules ----------------------------------------------------- */

/* A NewFile4 for L0 #5 with keys "a"/"b", followed by `custom` and the
 * terminator. */
static size_t new_file4(char *buf, const char *custom, size_t custom_len)
{
    char *p = buf;
    memcpy(p, "\x67\x00\x05\x64\x09" "a", 6);
    p += 6;
    enc_fixed64(p, ikey_pack(1, VT_VALUE));
    p += 8;
    *p++ = 9;
    *p++ = 'b';
    enc_fixed64(p, ikey_pack(2, VT_VALUE));
    p += 8;
    *p++ = 1;
    *p++ = 2;
    memcpy(p, custom, custom_len);
    p += custom_len;
    *p++ = 1;
    return (size_t)(p - buf);
}

Test(version_edit, unknown_custom_field_is_skipped_unless_bit_64_is_set)
{
    char buf[128];
    shale_err err = {0};
    size_t n = new_file4(buf, "\x0d\x03xyz", 5); /* tag 13: newer RocksDB */
    cr_assert_eq(decode_code(buf, n, &err), SHALE_OK, "%s", err.msg);
    n = new_file4(buf, "\x42\x01\x00", 3);       /* tag 66: must understand */
    cr_assert_eq(decode_code(buf, n, &err), SHALE_CORRUPTION);
    cr_assert(strstr(err.msg, "new-file4 custom field not supported") != NULL, "%s", err.msg);
    n = new_file4(buf, "\x41\x01\x02", 3);       /* 65: path id 2 */
    version_edit ve;
    version_edit_init(&ve);
    decode_ok(&ve, buf, n);
    cr_assert_eq(ve.files[0].path_id, 2);
    version_edit_deinit(&ve);
    n = new_file4(buf, "\x41\x01\x04", 3);       /* path id out of range */
    cr_assert_eq(decode_code(buf, n, &err), SHALE_CORRUPTION);
    n = new_file4(buf, "\x0c\x03\x00\x00\x00", 5); /* unique id of 3 bytes */
    cr_assert_eq(decode_code(buf, n, &err), SHALE_CORRUPTION);
}

Test(version_edit, ignorable_tags_are_skipped_and_unknown_tags_are_corrupt)
{
    shale_err err = {0};
    /* 0x2000 | 100 with a 3-byte payload, then LogNumber 4. */
    static const char ignorable[] = "\xe4\x40\x03xyz" "\x02\x04";
    version_edit ve;
    version_edit_init(&ve);
    decode_ok(&ve, ignorable, sizeof ignorable - 1);
    cr_assert(ve.has_log_number);
    cr_assert_eq(ve.log_number, 4);
    version_edit_deinit(&ve);

    cr_assert_eq(decode_code("\x08\x01", 2, &err), SHALE_CORRUPTION); /* old tag 8 */
    cr_assert(strstr(err.msg, "unknown tag") != NULL, "%s", err.msg);
    cr_assert_eq(decode_code("\xe4\x01\x00", 3, &err), SHALE_CORRUPTION); /* 228, no 0x2000 */
    cr_assert_eq(decode_code("\xe4\x40\x09xyz", 6, &err), SHALE_CORRUPTION); /* lp too long */
    cr_assert_eq(decode_code("\x86\x40\x00", 3, &err), SHALE_CORRUPTION); /* empty ts_low */
    cr_assert_eq(decode_code("\x87\x40\x03\x0b\x07\x01", 6, &err), SHALE_CORRUPTION);
    /* Blob custom field with bit 64 set is fatal. */
    cr_assert_eq(decode_code("\x90\x03\x07\x02\x03\x00\x00\x41\x00\x00", 10, &err),
                 SHALE_CORRUPTION);
    /* A bound with a type that never appears in a MANIFEST. */
    char buf[128];
    size_t n = new_file4(buf, "", 0);
    buf[6] = 0x03; /* smallest key's type: the trailer's low byte, LogData */
    cr_assert_eq(decode_code(buf, n, &err), SHALE_CORRUPTION);
}

Test(version_edit, legacy_new_file_tags_decode)
{
    char buf[64], *p = buf;
    memcpy(p, "\x66\x03\x07\x01\x64\x09" "a", 7);   /* 102: L3 #7 path 1 size 100 */
    p += 7;
    enc_fixed64(p, ikey_pack(1, VT_VALUE));
    p += 8;
    *p++ = 9;
    *p++ = 'b';
    enc_fixed64(p, ikey_pack(2, VT_VALUE));
    p += 8;
    *p++ = 1;
    *p++ = 2;
    version_edit ve;
    version_edit_init(&ve);
    decode_ok(&ve, buf, (size_t)(p - buf));
    cr_assert_eq(ve.n_files, 1);
    cr_assert_eq(ve.files[0].level, 3);
    cr_assert_eq(ve.files[0].path_id, 1);
    cr_assert_eq(ve.files[0].size, 100);
    cr_assert_eq(ve.files[0].largest_seqno, 2);
    version_edit_deinit(&ve);
}

Test(version_edit, truncated_and_garbled_edits_fail_cleanly)
{
    records rs;
    read_fixture_manifest(&rs);
    size_t big = 0;
    for (size_t i = 1; i < rs.n; i++)
        if (rs.len[i] > rs.len[big])
            big = i;
    /* Every prefix either ends on an item boundary (OK) or is corrupt;
     * a cut inside the NewFile4 (which runs to the end) is always corrupt. */
    version_edit whole;
    version_edit_init(&whole);
    decode_ok(&whole, rs.data[big], rs.len[big]);
    cr_assert_eq(whole.n_files, 1);
    version_edit_deinit(&whole);
    char *nf = memchr(rs.data[big], VE_NEW_FILE4, rs.len[big]);
    size_t nf_at = (size_t)(nf - rs.data[big]);
    for (size_t len = 0; len < rs.len[big]; len++) {
        shale_err err = {0};
        int rc = decode_code(rs.data[big], len, &err);
        cr_assert(rc == SHALE_OK || rc == SHALE_CORRUPTION, "len %zu: %d", len, rc);
        if (len > nf_at)
            cr_assert_eq(rc, SHALE_CORRUPTION, "len %zu", len);
    }
    /* Random bytes over every record: never a crash, only OK or corrupt. */
    uint32_t x = 12345;
    for (size_t i = 0; i < rs.n; i++) {
        for (int trial = 0; trial < 300; trial++) {
            char copy[512];
            cr_assert_leq(rs.len[i], sizeof copy);
            memcpy(copy, rs.data[i], rs.len[i]);
            for (int k = 0; k < 1 + trial % 4; k++) {
                x = x * 1103515245u + 12345u;
                copy[(x >> 8) % rs.len[i]] = (char)(x >> 20);
            }
            int rc = decode_code(copy, rs.len[i], NULL);
            cr_assert(rc == SHALE_OK || rc == SHALE_CORRUPTION);
        }
    }
    free_records(&rs);
}

/* ---- a MANIFEST we write, read by RocksDB's ldb ------------------------ */

static void append_edit(log_writer *w, const version_edit *ve)
{
    shale_buf rec = SHALE_BUF_INIT;
    shale_err err = {0};
    encode_ok(ve, &rec);
    cr_assert_eq(log_writer_add_record(w, shale_buf_slice(&rec), &err), SHALE_OK, "%s", err.msg);
    shale_buf_deinit(&rec);
}

/* Writes MANIFEST-000003 with two edits and CURRENT; returns our text. */
static char *write_manifest(const char *dir, char **path_out)
{
    shale_env *env = shale_env_default();
    shale_err err = {0};
    shale_file *f = NULL;
    log_writer *w = NULL;
    char lo[13], hi[13];
    char *path = filename_path(dir, FILE_MANIFEST, 3);
    shale_buf text = SHALE_BUF_INIT;
    cr_assert_eq(shale_env_open_write(env, path, &f, &err), SHALE_OK);
    cr_assert_eq(log_writer_open(f, 3, false, 0, &w, &err), SHALE_OK);
    version_edit ve;
    version_edit_init(&ve);
    cr_assert_eq(version_edit_set_comparator(&ve, slice_from_str("leveldb.BytewiseComparator"),
                                             &err), SHALE_OK);
    version_edit_set_log_number(&ve, 0);
    version_edit_set_next_file_number(&ve, 4);
    version_edit_set_last_sequence(&ve, 0);
    append_edit(w, &ve);
    cr_assert_eq(version_edit_debug_string(&ve, false, &text, &err), SHALE_OK);
    version_edit_clear(&ve);
    version_edit_set_log_number(&ve, 5);
    version_edit_set_prev_log_number(&ve, 0);
    version_edit_set_next_file_number(&ve, 7);
    version_edit_set_last_sequence(&ve, 9);
    ve_file_meta m = sample_meta(0, 6, lo, hi);
    cr_assert_eq(version_edit_add_file(&ve, &m, &err), SHALE_OK);
    append_edit(w, &ve);
    cr_assert_eq(version_edit_debug_string(&ve, false, &text, &err), SHALE_OK);
    version_edit_deinit(&ve);
    cr_assert_eq(log_writer_sync(w, &err), SHALE_OK);
    cr_assert_eq(log_writer_close(w, &err), SHALE_OK);
    cr_assert_eq(shale_file_close(f, &err), SHALE_OK);
    cr_assert_eq(set_current_file(env, dir, 3, &err), SHALE_OK, "%s", err.msg);
    shale_buf_append_byte(&text, 0);
    *path_out = path;
    return shale_buf_detach(&text, NULL);
}

Test(version_edit, manifest_we_write_is_read_by_ldb_with_the_same_text)
{
    char *dir = test_tmpdir("ve-write");
    char *path = NULL;
    char *ours = write_manifest(dir, &path);
    char *theirs = ldb_edit_text(path, false);
    cr_assert_str_eq(ours, theirs);
    /* CURRENT is what list_column_families follows to the MANIFEST. */
    char cmd[1024];
    int status = -1;
    snprintf(cmd, sizeof cmd, "ldb --db='%s' list_column_families 2>&1", dir);
    char *out = test_run(cmd, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert(strstr(out, "{default}") != NULL, "%s", out);
    free(out);
    free(ours);
    free(theirs);
    free(path);
    test_rmtree(dir);
    free(dir);
}
