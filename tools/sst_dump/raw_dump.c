/* tools/sst_dump/raw_dump.c: `--command=raw`, which writes
 * <file minus .sst>_dump.txt in the layout of RocksDB 7.8.3's
 * BlockBasedTable::DumpTable():
 *
 *   Footer Details:      metaindex/index handles (hex of the encoded
 *                        handle), magic in decimal, format version
 *   Metaindex Details:   one line per known meta block, in metaindex order
 *   Table Properties:    as --show_properties prints them
 *   Index Details:       per index entry: user key hex, handle hex, the key
 *                        as "a s c i i " (each byte followed by a space)
 *   Range deletions:     only when the file has tombstones
 *   Data Block # N @ H:  every entry as HEX and ASCII (NUL shown as \0)
 *   Data Block Summary:  count, min/max/avg block size (without trailer)
 *
 * Sections are separated by RocksDB's 38-dash rules; the blank and
 * two-space lines after the footer and properties are RocksDB's too.  A data
 * block that cannot be read or parsed gets RocksDB's "Error reading the
 * block - Skipped" line and the dump goes on; an unreadable index ends the
 * dump with an error, as in RocksDB. */
#include "tools/sst_dump/sst_dump.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lsm/table/block.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

#define RULE "--------------------------------------\n"

typedef struct dump_ctx {
    sst_reader *r;
    FILE *out;
    shale_buf line;   /* reused for every formatted line */
} dump_ctx;

static void flush_line(dump_ctx *d)
{
    if (shale_buf_ok(&d->line))
        fwrite(d->line.data, 1, d->line.len, d->out);
    shale_buf_clear(&d->line);
}

static void append_handle_hex(shale_buf *b, block_handle h)
{
    shale_buf enc = SHALE_BUF_INIT;
    block_handle_encode(&enc, h);
    sstd_append_hex(b, shale_buf_slice(&enc));
    shale_buf_deinit(&enc);
}

/* Each byte followed by a space; NUL as "\0" when escape_nul. */
static void append_spaced(shale_buf *b, slice s, bool escape_nul)
{
    for (size_t i = 0; i < s.len; i++) {
        if (escape_nul && s.data[i] == '\0')
            shale_buf_append_str(b, "\\0");
        else
            shale_buf_append_byte(b, (uint8_t)s.data[i]);
        shale_buf_append_byte(b, ' ');
    }
}

/* DumpKeyValue(): key is an internal key; its user key is printed. */
static void dump_key_value(dump_ctx *d, slice ikey, slice value)
{
    slice ukey = ikey_user_key(ikey);
    shale_buf *b = &d->line;
    shale_buf_append_str(b, "  HEX    ");
    sstd_append_hex(b, ukey);
    shale_buf_append_str(b, ": ");
    sstd_append_hex(b, value);
    shale_buf_append_str(b, "\n  ASCII  ");
    append_spaced(b, ukey, true);
    shale_buf_append_str(b, ": ");
    append_spaced(b, value, true);
    shale_buf_append_str(b, "\n  ------\n");
    flush_line(d);
}

static void dump_footer(dump_ctx *d)
{
    const sst_footer *ft = sst_reader_footer(d->r);
    shale_buf *b = &d->line;
    shale_buf_append_str(b, "Footer Details:\n" RULE "  metaindex handle: ");
    append_handle_hex(b, ft->metaindex);
    shale_buf_append_str(b, "\n  index handle: ");
    append_handle_hex(b, ft->index);
    /* RocksDB up-converts the legacy magic before printing it. */
    char tail[96];
    snprintf(tail, sizeof tail, "\n  table_magic_number: %" PRIu64 "\n  format version: %" PRIu32
             "\n  \n", SST_MAGIC, ft->format_version);
    shale_buf_append_str(b, tail);
    flush_line(d);
}

static const char *meta_label(const char *name)
{
    if (strcmp(name, META_PROPERTIES) == 0)
        return "Properties block handle";
    if (strcmp(name, "rocksdb.compression_dict") == 0)
        return "Compression dictionary block handle";
    if (strstr(name, "filter.rocksdb.") != NULL)
        return "Filter block handle";
    if (strcmp(name, META_RANGE_DEL) == 0)
        return "Range deletion block handle";
    return NULL;
}

static void dump_metaindex(dump_ctx *d)
{
    shale_buf *b = &d->line;
    shale_buf_append_str(b, "Metaindex Details:\n" RULE);
    for (size_t i = 0; i < sst_reader_num_meta(d->r); i++) {
        const sst_meta_entry *m = sst_reader_meta(d->r, i);
        const char *label = meta_label(m->name);
        if (label == NULL)
            continue;
        shale_buf_append_str(b, "  ");
        shale_buf_append_str(b, label);
        shale_buf_append_str(b, ": ");
        append_handle_hex(b, m->handle);
        shale_buf_append_byte(b, '\n');
    }
    shale_buf_append_byte(b, '\n');
    flush_line(d);
}

static void dump_properties(dump_ctx *d)
{
    if (!sst_reader_has_properties(d->r))
        return;
    shale_buf_append_str(&d->line, "Table Properties:\n" RULE "  ");
    sstd_props_to_string(&d->line, sst_reader_props(d->r), "\n  ", ": ");
    shale_buf_append_byte(&d->line, '\n');
    flush_line(d);
}

static int dump_index(dump_ctx *d, shale_err *err)
{
    bool user_keys = sst_reader_props(d->r)->index_key_is_user_key != 0;
    sst_iter *it = NULL;
    fputs("Index Details:\n" RULE, d->out);
    int rc = sst_iter_new(d->r, SST_ITER_INDEX, NULL, &it, err);
    if (rc != SHALE_OK) {
        fputs("Can not read Index Block \n\n", d->out);
        return rc;
    }
    fputs("  Block key hex dump: Data block handle\n  Block key ascii\n\n", d->out);
    for (sst_iter_first(it); sst_iter_valid(it); sst_iter_next(it)) {
        slice key = user_keys ? sst_iter_key(it) : ikey_user_key(sst_iter_key(it));
        shale_buf_append_str(&d->line, "  HEX    ");
        sstd_append_hex(&d->line, key);
        shale_buf_append_str(&d->line, ": ");
        sstd_append_hex(&d->line, sst_iter_value(it));
        shale_buf_append_str(&d->line, "\n  ASCII  ");
        append_spaced(&d->line, key, false);
        shale_buf_append_str(&d->line, "\n  ------\n");
        flush_line(d);
    }
    fputc('\n', d->out);
    rc = sst_iter_status(it, err);
    sst_iter_free(it);
    return rc;
}

static int dump_range_dels(dump_ctx *d, shale_err *err)
{
    sst_iter *it = NULL;
    int rc = sst_iter_new(d->r, SST_ITER_RANGE_DEL, NULL, &it, err);
    if (rc != SHALE_OK)
        return rc;
    sst_iter_first(it);
    if (sst_iter_valid(it)) {
        fputs("Range deletions:\n" RULE, d->out);
        for (; sst_iter_valid(it); sst_iter_next(it))
            dump_key_value(d, sst_iter_key(it), sst_iter_value(it));
        fputc('\n', d->out);
    }
    rc = sst_iter_status(it, err);
    sst_iter_free(it);
    return rc;
}

/* One data block's entries; RocksDB's skip lines on a bad block. */
static void dump_block_entries(dump_ctx *d, block_handle h, shale_buf *contents)
{
    block blk;
    blk_iter bi;
    if (sst_reader_read_block(d->r, h, true, contents, NULL) != SHALE_OK ||
        block_init(&blk, shale_buf_slice(contents), NULL) != SHALE_OK) {
        fputs("Error reading the block - Skipped \n\n", d->out);
        return;
    }
    blk_iter_init(&bi, &blk, BLK_CMP_IKEY, false);
    for (blk_iter_first(&bi); blk_iter_valid(&bi); blk_iter_next(&bi))
        dump_key_value(d, blk_iter_key(&bi), blk_iter_value(&bi));
    if (blk_iter_status(&bi, NULL) != SHALE_OK)
        fputs("Error reading the block - Skipped \n", d->out);
    blk_iter_deinit(&bi);
    fputc('\n', d->out);
}

typedef struct block_stats {
    uint64_t count, min, max, sum;
} block_stats;

static void dump_summary(dump_ctx *d, const block_stats *st)
{
    if (st->count == 0)
        return;
    fprintf(d->out,
            "Data Block Summary:\n" RULE "  # data blocks: %" PRIu64 "\n"
            "  min data block size: %" PRIu64 "\n  max data block size: %" PRIu64 "\n"
            "  avg data block size: %f\n",
            st->count, st->min, st->max, (double)st->sum / (double)st->count);
}

static int dump_data_blocks(dump_ctx *d, shale_err *err)
{
    sst_iter *it = NULL;
    shale_buf contents = SHALE_BUF_INIT;
    block_stats st = {0, UINT64_MAX, 0, 0};
    int rc = sst_iter_new(d->r, SST_ITER_INDEX, NULL, &it, err);
    if (rc != SHALE_OK) {
        fputs("Can not read Index Block \n\n", d->out);
        return rc;
    }
    for (sst_iter_first(it); sst_iter_valid(it); sst_iter_next(it)) {
        block_handle h;
        slice v = sst_iter_value(it);
        if (!block_handle_decode(&v, &h)) {
            rc = SHALE_CORRUPT(err, "%s: bad block handle in index block", sst_reader_path(d->r));
            break;
        }
        st.count++;
        st.min = h.size < st.min ? h.size : st.min;
        st.max = h.size > st.max ? h.size : st.max;
        st.sum += h.size;
        shale_buf_append_str(&d->line, "Data Block # ");
        char num[24];
        snprintf(num, sizeof num, "%" PRIu64, st.count);
        shale_buf_append_str(&d->line, num);
        shale_buf_append_str(&d->line, " @ ");
        append_handle_hex(&d->line, h);
        shale_buf_append_str(&d->line, "\n" RULE);
        flush_line(d);
        dump_block_entries(d, h, &contents);
    }
    if (rc == SHALE_OK)
        rc = sst_iter_status(it, err);
    if (rc == SHALE_OK)
        dump_summary(d, &st);
    sst_iter_free(it);
    shale_buf_deinit(&contents);
    return rc;
}

int sstd_raw_dump(sst_reader *r, const char *out_path, shale_err *err)
{
    dump_ctx d = {r, fopen(out_path, "w"), SHALE_BUF_INIT};
    if (d.out == NULL)
        return SHALE_IOERR(err, errno, "While open a file for appending: %s", out_path);
    dump_footer(&d);
    dump_metaindex(&d);
    dump_properties(&d);
    int rc = dump_index(&d, err);
    if (rc == SHALE_OK)
        rc = dump_range_dels(&d, err);
    if (rc == SHALE_OK)
        rc = dump_data_blocks(&d, err);
    bool write_failed = ferror(d.out) != 0 || !shale_buf_ok(&d.line);
    int close_errno = fclose(d.out) != 0 ? errno : 0;
    shale_buf_deinit(&d.line);
    if (rc == SHALE_OK && (write_failed || close_errno != 0))
        rc = SHALE_IOERR(err, close_errno, "Failed to write to output file %s", out_path);
    return rc;
}
