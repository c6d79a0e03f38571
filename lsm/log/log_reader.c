/* lsm/log/log_reader.c: RocksDB log framing, reader side.
 *
 * Two layers, as in RocksDB's log::Reader:
 *   read_physical()  cuts the current 32 KiB block into physical records and
 *                    classifies damage (torn tail, bad length, bad checksum,
 *                    stale recyclable record, zero header);
 *   read_record()    reassembles FULL / FIRST MIDDLE* LAST into logical
 *                    records and applies the recovery mode to each damage.
 *
 * Block buffer states:
 *
 *   [empty] --pread 32 KiB--> [block: pos..end unread] --pos+7 > end-->
 *      ^                              |                   (tail < header)
 *      |   full block: tail is padding|   short block: eof; a non-empty
 *      +------------------------------+   tail is a torn header
 *
 * Invariants:
 *   1. buf_pos <= buf_end <= LOG_BLOCK_SIZE; block[buf_pos..buf_end) is the
 *      unread part of the block that starts at file offset buf_file_off.
 *   2. Every length read from disk is checked against buf_end - buf_pos
 *      before any byte of the payload is touched.
 *   3. Once `failure` is set or `done` is true, nothing more is read. */
#include "lsm/log/log_reader.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "lsm/log/log_format.h"
#include "lsm/util/buf.h"
#include "lsm/util/coding.h"
#include "lsm/util/crc32c.h"
#include "lsm/util/err.h"

/* What read_physical() found. */
enum phys {
    PHYS_RECORD,        /* a fragment with a valid checksum */
    PHYS_EOF,           /* clean end of file */
    PHYS_TORN_TAIL,     /* a header or payload cut off by the end of file */
    PHYS_OLD_RECORD,    /* recyclable record of another log number */
    PHYS_ZERO,          /* zero header: rest of block skipped silently */
    PHYS_BAD_LENGTH,    /* length runs past a full block */
    PHYS_BAD_CHECKSUM,
    PHYS_IO_ERROR,      /* details in r->failure */
    PHYS_MORE,          /* internal: a new block was read */
};

struct log_reader {
    shale_file *file;            /* borrowed */
    uint64_t log_number;
    log_reader_options opts;
    char *block;                 /* LOG_BLOCK_SIZE bytes */
    size_t buf_pos, buf_end;     /* invariant 1 */
    uint64_t buf_file_off;
    uint64_t next_read_off;      /* file offset of the next block to read */
    bool eof;                    /* the last read was short */
    bool recycled;               /* the record at offset 0 was recyclable */
    bool done;                   /* clean end reached */
    bool stopped;                /* stopped at a corruption at stop_offset */
    uint64_t stop_offset;
    uint64_t last_record_offset;
    shale_buf scratch;           /* fragments of the record being assembled */
    shale_err failure;           /* sticky */
    log_reader_stats stats;
};

int log_reader_open(shale_file *f, uint64_t log_number, const log_reader_options *opts,
                    log_reader **out, shale_err *err)
{
    static const log_reader_options defaults = LOG_READER_OPTIONS_DEFAULT;
    *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    if ((unsigned)opts->mode > LOG_RECOVERY_SKIP_ANY_CORRUPTED_RECORDS)
        return SHALE_INVALID(err, "unknown WAL recovery mode %d", (int)opts->mode);
    log_reader *r = calloc(1, sizeof *r);
    char *block = malloc(LOG_BLOCK_SIZE);
    if (r == NULL || block == NULL) {
        free(r);
        free(block);
        return SHALE_NOMEM(err);
    }
    r->file = f;
    r->log_number = log_number;
    r->opts = *opts;
    r->block = block;
    shale_buf_init(&r->scratch);
    *out = r;
    return SHALE_OK;
}

void log_reader_close(log_reader *r)
{
    if (r == NULL)
        return;
    shale_buf_deinit(&r->scratch);
    free(r->block);
    free(r);
}

static const char *file_name(const log_reader *r)
{
    return r->file->name != NULL ? r->file->name : "(log)";
}

/* Refills the block buffer, or reports how the data ended.  The unread
 * tail of a full block is padding and is dropped without a word. */
static enum phys read_more(log_reader *r, size_t *drop)
{
    size_t left = r->buf_end - r->buf_pos;
    if (r->eof) {
        r->buf_pos = r->buf_end;
        *drop = left;
        return left > 0 ? PHYS_TORN_TAIL : PHYS_EOF;
    }
    size_t got = 0;
    int rc = shale_file_pread(r->file, r->next_read_off, LOG_BLOCK_SIZE, r->block, &got,
                              &r->failure);
    if (rc != SHALE_OK) {
        r->failure.code = rc;
        return PHYS_IO_ERROR;
    }
    if (got > LOG_BLOCK_SIZE)
        got = LOG_BLOCK_SIZE;       /* a misbehaving env must not push us out of bounds */
    r->buf_file_off = r->next_read_off;
    r->next_read_off += got;
    r->buf_pos = 0;
    r->buf_end = got;
    r->eof = got < LOG_BLOCK_SIZE;
    return PHYS_MORE;
}

/* Parses the next physical record of the block.  *off is its offset. */
static enum phys read_physical(log_reader *r, slice *frag, int *type, size_t *drop,
                               uint64_t *off)
{
    for (;;) {
        size_t avail = r->buf_end - r->buf_pos;
        const char *hdr = r->block + r->buf_pos;
        *off = r->buf_file_off + r->buf_pos;
        size_t hsize = LOG_HEADER_SIZE;
        if (avail >= LOG_HEADER_SIZE && hdr[LOG_HDR_TYPE_OFF] >= LOG_RECYCLABLE_FULL &&
            hdr[LOG_HDR_TYPE_OFF] <= LOG_RECYCLABLE_LAST) {
            hsize = LOG_RECYCLABLE_HEADER_SIZE;
            if (*off == 0)
                r->recycled = true;
        }
        if (avail < hsize) {
            enum phys p = read_more(r, drop);
            if (p != PHYS_MORE)
                return p;
            continue;
        }
        size_t len = dec_fixed16(hdr + LOG_HDR_LEN_OFF);
        *type = (unsigned char)hdr[LOG_HDR_TYPE_OFF];
        if (hsize == LOG_RECYCLABLE_HEADER_SIZE &&
            dec_fixed32(hdr + LOG_HDR_NUMBER_OFF) != (uint32_t)r->log_number)
            return PHYS_OLD_RECORD;
        if (hsize + len > avail) {                     /* invariant 2 */
            *drop = avail;
            r->buf_pos = r->buf_end;
            return r->eof ? PHYS_TORN_TAIL : PHYS_BAD_LENGTH;
        }
        if (*type == LOG_ZERO && len == 0) {
            r->buf_pos = r->buf_end;
            return PHYS_ZERO;
        }
        if (!r->opts.skip_checksums) {
            uint32_t expected = crc32c_unmask(dec_fixed32(hdr + LOG_HDR_CRC_OFF));
            uint32_t actual = crc32c_value(hdr + LOG_HDR_TYPE_OFF, hsize - LOG_HDR_TYPE_OFF + len);
#ifdef SHALE_FUZZING
            /* Fuzz-only build: any CRC passes, so mutated inputs reach the
             * record parsers.  A normal build never defines SHALE_FUZZING. */
            expected = actual;
#endif
            if (actual != expected) {
                *drop = avail;   /* the length may be the damaged field: trust nothing */
                r->buf_pos = r->buf_end;
                return PHYS_BAD_CHECKSUM;
            }
        }
        r->buf_pos += hsize + len;
        *frag = slice_make(hdr + hsize, len);
        return PHYS_RECORD;
    }
}

/* A damaged spot at `off` covering `bytes`: skipped in mode S, else the
 * reader stops for good with SHALE_CORRUPTION. */
static int corruption(log_reader *r, uint64_t off, size_t bytes, const char *why,
                      shale_err *err)
{
    if (r->opts.mode == LOG_RECOVERY_SKIP_ANY_CORRUPTED_RECORDS) {
        r->stats.skipped_corruptions++;
        r->stats.dropped_bytes += bytes;
        return SHALE_OK;
    }
    r->stopped = true;
    r->stop_offset = off;
    SHALE_CORRUPT(&r->failure, "%s: %s at offset %" PRIu64 " (%zu bytes)", file_name(r), why,
                  off, bytes);
    return shale_err_copy(err, &r->failure);
}

/* The log ends in a torn record: a clean end except in mode A. */
static int torn_tail(log_reader *r, uint64_t off, size_t bytes, const char *why, shale_err *err)
{
    if (r->opts.mode == LOG_RECOVERY_ABSOLUTE_CONSISTENCY)
        return corruption(r, off, bytes, why, err);
    r->stats.tail_dropped_bytes += bytes;
    r->done = true;
    return SHALE_NOT_FOUND;
}

static int fail_sticky(log_reader *r, shale_err *err)
{
    return shale_err_copy(err, &r->failure);
}

/* Applies one fragment (header at `off`; `pos` is where the reader stood
 * before it, padding included, which is the offset RocksDB reports for a
 * record) to the record being assembled.  Returns SHALE_OK with *complete
 * set when a record is ready in *record. */
static int take_fragment(log_reader *r, int type, slice frag, uint64_t off, uint64_t pos,
                         bool *in_frag, uint64_t *start, slice *record, bool *complete,
                         shale_err *err)
{
    int rc = SHALE_OK;
    if (type >= LOG_RECYCLABLE_FULL && type <= LOG_RECYCLABLE_LAST)
        type -= LOG_RECYCLABLE_FULL - LOG_FULL;
    switch (type) {
    case LOG_FULL:
    case LOG_FIRST:
        /* An empty FIRST before a FULL/FIRST is what old writers left at a
         * block's end; only a non-empty unfinished record is damage. */
        if (*in_frag && r->scratch.len > 0)
            rc = corruption(r, *start, r->scratch.len, "partial record without end", err);
        shale_buf_clear(&r->scratch);
        *start = pos;
        *in_frag = type == LOG_FIRST;
        if (type == LOG_FULL) {
            *record = frag;
            *complete = true;
        } else {
            shale_buf_append_slice(&r->scratch, frag);
        }
        return rc;
    case LOG_MIDDLE:
    case LOG_LAST:
        if (!*in_frag)
            return corruption(r, off, frag.len, "missing start of fragmented record", err);
        shale_buf_append_slice(&r->scratch, frag);
        if (type == LOG_LAST) {
            *record = shale_buf_slice(&r->scratch);
            *complete = true;
        }
        return SHALE_OK;
    case LOG_SET_COMPRESSION:
        SHALE_UNSUPPORTED(&r->failure, "%s: WAL compression (SetCompressionType record at "
                          "offset %" PRIu64 ") is not supported", file_name(r), off);
        return fail_sticky(r, err);
    default: {
        char why[40];
        snprintf(why, sizeof why, "unknown record type %d", type);
        size_t bytes = frag.len + (*in_frag ? r->scratch.len : 0);
        *in_frag = false;
        shale_buf_clear(&r->scratch);
        return corruption(r, off, bytes, why, err);
    }
    }
}

/* Handles a damaged physical record in the middle of the log. */
static int bad_record(log_reader *r, enum phys p, uint64_t off, size_t drop, bool *in_frag,
                      uint64_t start, shale_err *err)
{
    int rc = SHALE_OK;
    if (p != PHYS_ZERO) {
        const char *why = p == PHYS_BAD_LENGTH ? "bad record length" : "checksum mismatch";
        rc = corruption(r, off, drop, why, err);
    }
    if (rc == SHALE_OK && *in_frag)
        rc = corruption(r, start, r->scratch.len, "error in middle of record", err);
    *in_frag = false;
    shale_buf_clear(&r->scratch);
    return rc;
}

/* Where the damaged record with its header at `off` (still in the block
 * buffer) claims to end: at the end of the block for a bad length. */
static uint64_t bad_record_end(const log_reader *r, enum phys p, uint64_t off)
{
    uint64_t block_end = r->buf_file_off + r->buf_end;
    if (p == PHYS_BAD_LENGTH)
        return block_end;
    const char *hdr = r->block + (off - r->buf_file_off);
    size_t hsize = r->recycled ? LOG_RECYCLABLE_HEADER_SIZE : LOG_HEADER_SIZE;
    uint64_t end = off + hsize + dec_fixed16(hdr + LOG_HDR_LEN_OFF);
    return end < block_end ? end : block_end;
}

/* Whether the file goes on from `off` with zero bytes only, at least one.
 * A preallocated WAL (log_writer_set_preallocation) cut by a power loss
 * ends in a torn record followed by reserved zeros: that is a torn tail,
 * not damage in the middle.  (A bad record with nothing after it stays
 * damage, as in RocksDB.)  False on a read error. */
static bool zeros_to_end(log_reader *r, uint64_t off)
{
    char *buf = malloc(LOG_BLOCK_SIZE);
    bool zero = buf != NULL;
    uint64_t seen = 0;
    for (size_t got = LOG_BLOCK_SIZE; zero && got == LOG_BLOCK_SIZE; off += got, seen += got) {
        if (shale_file_pread(r->file, off, LOG_BLOCK_SIZE, buf, &got, NULL) != SHALE_OK)
            zero = false;
        for (size_t i = 0; zero && i < got; i++)
            zero = buf[i] == 0;
    }
    free(buf);
    return zero && seen > 0;
}

/* The logical-record state machine: one physical record per turn. */
static int read_record(log_reader *r, slice *record, uint64_t *rec_off, shale_err *err)
{
    bool in_frag = false;
    uint64_t start = 0;
    for (;;) {
        slice frag = {0};
        int type = 0;
        size_t drop = 0;
        uint64_t off = 0, pos = r->buf_file_off + r->buf_pos;
        bool complete = false;
        int rc = SHALE_OK;
        enum phys p = read_physical(r, &frag, &type, &drop, &off);
        switch (p) {
        case PHYS_RECORD:
            rc = take_fragment(r, type, frag, off, pos, &in_frag, &start, record, &complete, err);
            if (rc == SHALE_OK && complete) {
                *rec_off = start;
                return SHALE_OK;
            }
            break;
        case PHYS_EOF:
        case PHYS_TORN_TAIL:
        case PHYS_OLD_RECORD:
            if (in_frag)
                return torn_tail(r, start, r->scratch.len + drop, "error reading trailing data",
                                 err);
            if (p == PHYS_TORN_TAIL)
                return torn_tail(r, off, drop, "truncated record at end of file", err);
            r->done = true;
            return SHALE_NOT_FOUND;
        case PHYS_BAD_CHECKSUM:
        case PHYS_BAD_LENGTH:
            if (r->recycled && r->opts.mode == LOG_RECOVERY_TOLERATE_CORRUPTED_TAIL_RECORDS) {
                r->done = true;
                return SHALE_NOT_FOUND;
            }
            if (r->opts.mode == LOG_RECOVERY_TOLERATE_CORRUPTED_TAIL_RECORDS &&
                zeros_to_end(r, bad_record_end(r, p, off)))
                return torn_tail(r, in_frag ? start : off,
                                 drop + (in_frag ? r->scratch.len : 0),
                                 "torn record before the preallocated tail", err);
            /* fall through */
        case PHYS_ZERO:
            rc = bad_record(r, p, off, drop, &in_frag, start, err);
            break;
        case PHYS_IO_ERROR:
        case PHYS_MORE:
            return fail_sticky(r, err);
        }
        if (rc != SHALE_OK)
            return rc;
        if (!shale_buf_ok(&r->scratch)) {
            SHALE_NOMEM(&r->failure);
            return fail_sticky(r, err);
        }
    }
}

int log_reader_read_record(log_reader *r, slice *record, shale_err *err)
{
    *record = slice_make(NULL, 0);
    if (r->failure.code != SHALE_OK)
        return fail_sticky(r, err);
    if (r->done)
        return SHALE_NOT_FOUND;
    shale_buf_clear(&r->scratch);
    uint64_t off = 0;
    slice rec = {0};
    int rc = read_record(r, &rec, &off, err);
    if (rc != SHALE_OK)
        return rc;
    if (!shale_buf_ok(&r->scratch)) {
        SHALE_NOMEM(&r->failure);
        return fail_sticky(r, err);
    }
    r->last_record_offset = off;
    r->stats.records++;
    *record = rec;
    return SHALE_OK;
}

uint64_t log_reader_last_record_offset(const log_reader *r) { return r->last_record_offset; }

uint64_t log_reader_end_offset(const log_reader *r) { return r->buf_file_off + r->buf_pos; }

bool log_reader_stopped_at_corruption(const log_reader *r, uint64_t *offset)
{
    if (r->stopped && offset != NULL)
        *offset = r->stop_offset;
    return r->stopped;
}

void log_reader_get_stats(const log_reader *r, log_reader_stats *out) { *out = r->stats; }
