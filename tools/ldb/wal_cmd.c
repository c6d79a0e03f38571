/* tools/ldb/wal_cmd.c: `ldb dump_wal --walfile=F [--header] [--print_value]`
 * (and `dump --path=F.log`): one line per WAL record, as RocksDB 7.8.3's
 * DumpWalFile prints it:
 *
 *   Sequence,Count,ByteSize,Physical Offset,Key(s)[ : value ]   (--header)
 *   3618,1,62,0,PUT(0) : 0x6B65 [: 0x7631 ]...
 *
 * Each record is "seq,count,byte size,offset of its first fragment," then
 * one item per WriteBatch entry, each ending in a blank: PUT(cf) / MERGE(cf)
 * ": 0xKEY " (": 0xKEY : 0xVALUE " with --print_value), DELETE(cf),
 * SINGLE_DELETE(cf) ": 0xKEY ", DELETE_RANGE(cf) ": 0xBEGIN 0xEND ", and the
 * transaction markers.  A batch that fails to parse ends the dump without
 * printing its row and fails the command ("Print write batch error: ..."),
 * as in RocksDB.  Damaged log records are skipped with a note on stderr
 * (RocksDB's reader reports and goes on; the note's wording is ours). */
#include "tools/ldb/ldb.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "lsm/db/write_batch.h"
#include "lsm/log/log_reader.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"
#include "lsm/version/filenames.h"
#include "shale/env.h"

static const char *const dump_wal_options[] = {"walfile", "write_committed", "header",
                                               "print_value", NULL};

typedef struct row_ctx {
    shale_buf *row;
    bool values;
} row_ctx;

static void put_label(shale_buf *row, const char *what, uint32_t cf)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s(%" PRIu32 ") : ", what, cf);
    shale_buf_append_str(row, buf);
}

static void put_hex_item(shale_buf *row, slice s)
{
    ldb_append_hex(row, s);
    shale_buf_append_byte(row, ' ');
}

static int on_record(void *arg, uint64_t seq, uint32_t cf, int type, slice key, slice value,
                     shale_err *err)
{
    row_ctx *r = arg;
    (void)seq;
    switch (type) {
    case VT_VALUE:
    case VT_MERGE:
        put_label(r->row, type == VT_VALUE ? "PUT" : "MERGE", cf);
        ldb_append_hex(r->row, key);
        shale_buf_append_str(r->row, r->values ? " : " : " ");
        if (r->values)
            put_hex_item(r->row, value);
        return SHALE_OK;
    case VT_DELETION:
    case VT_SINGLE_DELETION:
        put_label(r->row, type == VT_DELETION ? "DELETE" : "SINGLE_DELETE", cf);
        put_hex_item(r->row, key);
        return SHALE_OK;
    case VT_RANGE_DELETION:
        put_label(r->row, "DELETE_RANGE", cf);
        put_hex_item(r->row, key);
        put_hex_item(r->row, value);
        return SHALE_OK;
    case VT_BLOB_INDEX:   /* RocksDB's handler has no override: its default answer */
        return SHALE_INVALID(err, "PutBlobIndexCF not implemented");
    default:
        return SHALE_UNSUPPORTED(err, "PutEntityCF not implemented");
    }
}

static void put_xid(shale_buf *row, const char *what, slice xid)
{
    shale_buf_append_str(row, what);
    shale_buf_append_byte(row, '(');
    ldb_append_hex(row, xid);
    shale_buf_append_str(row, ") ");
}

static int on_marker(void *arg, int tag, slice xid, slice ts, shale_err *err)
{
    row_ctx *r = arg;
    (void)err;
    switch (tag) {
    case VT_NOOP: shale_buf_append_str(r->row, "NOOP "); break;
    case WB_TAG_BEGIN_PREPARE:
    case WB_TAG_BEGIN_PERSISTED_PREPARE:
        shale_buf_append_str(r->row, "BEGIN_PREPARE(false) ");
        break;
    case WB_TAG_BEGIN_UNPREPARE: shale_buf_append_str(r->row, "BEGIN_PREPARE(true) "); break;
    case WB_TAG_END_PREPARE: put_xid(r->row, "END_PREPARE", xid); break;
    case WB_TAG_COMMIT: put_xid(r->row, "COMMIT", xid); break;
    case WB_TAG_ROLLBACK: put_xid(r->row, "ROLLBACK", xid); break;
    case WB_TAG_COMMIT_WITH_TS:
        shale_buf_append_str(r->row, "COMMIT_WITH_TIMESTAMP(");
        ldb_append_hex(r->row, xid);
        shale_buf_append_str(r->row, ", ");
        ldb_append_hex(r->row, ts);
        shale_buf_append_str(r->row, ") ");
        break;
    default: break;
    }
    return SHALE_OK;
}

/* The WAL's number from its name, or 0 (RocksDB carries on with 0 too). */
static uint64_t log_number_of(const char *path)
{
    const char *base = strrchr(path, '/');
    enum file_kind kind;
    uint64_t number = 0;
    if (!filename_parse(base == NULL ? path : base + 1, &kind, &number))
        number = 0;
    return number;
}

/* One record: its row, or false (and c failed) when the batch is bad. */
static bool dump_record(ldb_cmd *c, slice rec, uint64_t offset, bool values, shale_buf *row)
{
    char head[96];
    snprintf(head, sizeof head, "%" PRIu64 ",%" PRIu32 ",%zu,%" PRIu64 ",", wb_rep_sequence(rec),
             wb_rep_count(rec), rec.len, offset);
    shale_buf_append_str(row, head);
    row_ctx r = {row, values};
    wb_handler h = {on_record, NULL, on_marker};
    shale_err err = {0};
    if (wb_iterate(rec, &h, &r, &err) != SHALE_OK) {
        char st[256];
        ldb_status_string(&err, st, sizeof st);
        ldb_fail(c, "Print write batch error: %s", st);
        return false;
    }
    shale_buf_append_byte(row, '\n');
    return true;
}

static void open_failed(ldb_cmd *c, const char *path, const shale_err *err)
{
    int e = err->sys_errno != 0 ? err->sys_errno : ENOENT;
    ldb_fail(c, "Failed to open WAL file IO error: %s: While opening a file for sequentially "
             "reading: %s: %s", strerror(e), path, strerror(e));
}

static void dump_records(ldb_cmd *c, log_reader *lr, bool values)
{
    shale_buf row;
    shale_buf_init(&row);
    log_reader_stats before, after;
    log_reader_get_stats(lr, &before);
    slice rec;
    shale_err err = {0};
    while (log_reader_read_record(lr, &rec, &err) == SHALE_OK) {
        log_reader_get_stats(lr, &after);
        if (after.skipped_corruptions != before.skipped_corruptions)
            fprintf(stderr, "Corruption detected in log file Corruption: %" PRIu64
                    " bytes dropped\n", after.dropped_bytes - before.dropped_bytes);
        before = after;
        shale_buf_clear(&row);
        if (rec.len < WB_HEADER_LEN) {
            fputs("Corruption detected in log file Corruption: log record too small\n", stderr);
            continue;
        }
        if (!dump_record(c, rec, log_reader_last_record_offset(lr), values, &row))
            break;
        fwrite(row.data, 1, row.len, stdout);
    }
    if (err.code != SHALE_OK && err.code != SHALE_NOT_FOUND) {
        char st[256];
        ldb_status_string(&err, st, sizeof st);
        fprintf(stderr, "Corruption detected in log file %s\n", st);
    }
    shale_buf_deinit(&row);
}

void ldb_dump_wal_file(ldb_cmd *c, const char *path, bool header, bool values)
{
    shale_env *env = shale_env_default();
    shale_file *f = NULL;
    log_reader *lr = NULL;
    shale_err err = {0};
    if (shale_env_open_read(env, path, &f, &err) != SHALE_OK) {
        open_failed(c, path, &err);
        return;
    }
    log_reader_options lo = {LOG_RECOVERY_SKIP_ANY_CORRUPTED_RECORDS, false};
    if (log_reader_open(f, log_number_of(path), &lo, &lr, &err) != SHALE_OK) {
        char st[256];
        ldb_status_string(&err, st, sizeof st);
        ldb_fail(c, "%s", st);
        shale_file_close(f, NULL);
        return;
    }
    if (header)
        fputs(values ? "Sequence,Count,ByteSize,Physical Offset,Key(s) : value \n"
                     : "Sequence,Count,ByteSize,Physical Offset,Key(s)\n", stdout);
    dump_records(c, lr, values);
    log_reader_close(lr);
    shale_file_close(f, NULL);
}

static void dump_wal_init(ldb_cmd *c)
{
    const char *wal = ldb_opt_get(c, "walfile");
    if (wal == NULL || wal[0] == '\0')
        ldb_fail(c, "Argument walfile must be specified.");
}

static void dump_wal_run(ldb_cmd *c)
{
    ldb_dump_wal_file(c, ldb_opt_get(c, "walfile"), ldb_flag_present(c, "header"),
                      ldb_flag_present(c, "print_value"));
}

static void dump_wal_help(shale_buf *out)
{
    shale_buf_append_str(out, "  dump_wal --walfile=<write_ahead_log_file_path> [--header] "
                              " [--print_value]  [--write_committed=true|false] \n");
}

const ldb_command_def ldb_cmd_dump_wal = {
    "dump_wal", dump_wal_options, true, true, dump_wal_init, dump_wal_run, dump_wal_help,
};
