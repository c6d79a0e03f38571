/* tools/sst_dump/scan.c: `--command=check` and `--command=scan`, the
 * sequential read of RocksDB's SstFileDumper::ReadSequential, with its
 * exact output and counting:
 *
 *   'key' seq:N, type:T => value          (raw bytes, as RocksDB prints them)
 *   '6B6579' seq:N, type:T => 76616C      (--output_hex: upper-case hex)
 *
 * Without --output_hex the key line and the value each end at their first
 * NUL byte, as RocksDB's printf("%s") ends them.
 *
 * Counting mirrors RocksDB because --read_num across several files depends
 * on it: every entry stepped on counts, including the one that ends the
 * pass (past --to, outside --prefix, or one beyond the limit).  A limit of
 * 0 means "no limit".  Keys that do not parse as internal keys are reported
 * on stderr in RocksDB's words and skipped, not fatal. */
#include "tools/sst_dump/sst_dump.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

void sstd_append_hex(shale_buf *b, slice s)
{
    static const char digits[] = "0123456789ABCDEF";
    if (!shale_buf_reserve(b, 2 * s.len))
        return;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.data[i];
        b->data[b->len++] = digits[c >> 4];
        b->data[b->len++] = digits[c & 0xf];
    }
}

void sstd_flags_deinit(sstd_flags *f)
{
    if (f == NULL)
        return;
    shale_buf_deinit(&f->from);
    shale_buf_deinit(&f->to);
}

static void append_bytes(shale_buf *b, slice s, bool hex)
{
    if (hex)
        sstd_append_hex(b, s);
    else
        shale_buf_append_slice(b, s);
}

/* ParsedInternalKey::DebugString(true, hex): 'key' seq:N, type:T */
static void append_ikey_debug(shale_buf *b, const parsed_ikey *k, bool hex)
{
    char tail[64];
    shale_buf_append_byte(b, '\'');
    append_bytes(b, k->user_key, hex);
    snprintf(tail, sizeof tail, "' seq:%" PRIu64 ", type:%d", k->seq, k->type);
    shale_buf_append_str(b, tail);
}

/* RocksDB's ParseInternalKey() failure text, on stderr. */
static bool parse_or_report(slice key, parsed_ikey *out)
{
    if (!ikey_parse(key, out)) {
        fprintf(stderr, "Corrupted Key: Internal Key too small. Size=%zu. \n", key.len);
        return false;
    }
    if (value_type_in_sst(out->type))
        return true;
    shale_buf b = SHALE_BUF_INIT;
    append_ikey_debug(&b, out, true);
    shale_buf_append_byte(&b, 0);
    fprintf(stderr, "Corrupted Key: %s\n", shale_buf_ok(&b) ? b.data : "(no memory)");
    shale_buf_deinit(&b);
    return false;
}

/* Stops s at its first NUL: RocksDB prints both halves with "%s". */
static slice upto_nul(slice s)
{
    const char *nul = s.len == 0 ? NULL : memchr(s.data, '\0', s.len);
    return nul == NULL ? s : slice_make(s.data, (size_t)(nul - s.data));
}

static void print_entry(shale_buf *line, const parsed_ikey *k, slice value, bool hex)
{
    shale_buf_clear(line);
    append_ikey_debug(line, k, hex);
    shale_buf_truncate(line, upto_nul(shale_buf_slice(line)).len);
    shale_buf_append_str(line, " => ");
    append_bytes(line, hex ? value : upto_nul(value), hex);
    shale_buf_append_byte(line, '\n');
    if (shale_buf_ok(line))
        fwrite(line->data, 1, line->len, stdout);
}

/* Positions it at --from / --prefix (the smallest internal key of that user
 * key), or at the first entry. */
static int position(sst_iter *it, const sstd_flags *f, shale_err *err)
{
    if (!f->has_from && !f->use_prefix) {
        sst_iter_first(it);
        return SHALE_OK;
    }
    shale_buf target = SHALE_BUF_INIT;
    shale_buf_append_slice(&target, shale_buf_slice(&f->from));
    shale_buf_put_fixed64(&target, ikey_pack(MAX_SEQUENCE, VT_FOR_SEEK));
    if (!shale_buf_ok(&target)) {
        shale_buf_deinit(&target);
        return SHALE_NOMEM(err);
    }
    sst_iter_seek(it, shale_buf_slice(&target));
    shale_buf_deinit(&target);
    return SHALE_OK;
}

/* Whether the pass ends before printing k (the --prefix / --to bounds). */
static bool past_end(const sstd_flags *f, const parsed_ikey *k)
{
    if (f->use_prefix && !slice_starts_with(k->user_key, shale_buf_slice(&f->from)))
        return true;
    return f->has_to && slice_compare(k->user_key, shale_buf_slice(&f->to)) >= 0;
}

int sstd_read_sequential(sst_reader *r, const sstd_flags *f, bool print, uint64_t limit,
                         sstd_read_result *res, shale_err *err)
{
    sst_iter_options io = {.verify_checksums = f->verify_checksum, .fill_cache = false};
    sst_iter *it = NULL;
    shale_buf line = SHALE_BUF_INIT;
    uint64_t i = 0;
    res->visited = 0;
    int rc = sst_iter_new(r, SST_ITER_DATA, &io, &it, err);
    if (rc == SHALE_OK)
        rc = position(it, f, err);
    if (rc != SHALE_OK)
        goto out;
    for (; sst_iter_valid(it); sst_iter_next(it)) {
        parsed_ikey k;
        if (++i > limit && limit > 0)
            break;
        if (!parse_or_report(sst_iter_key(it), &k))
            continue;
        if (past_end(f, &k))
            break;
        if (print)
            print_entry(&line, &k, sst_iter_value(it), f->output_hex);
    }
    res->visited = i;
    rc = sst_iter_status(it, err);
out:
    sst_iter_free(it);
    shale_buf_deinit(&line);
    return rc;
}
