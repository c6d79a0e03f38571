/* lsm/log/log_writer.c: RocksDB log framing, writer side.
 *
 * A record is laid out fragment by fragment exactly as RocksDB 7.8.3's
 * log::Writer does, so files are byte-identical to RocksDB's for the same
 * payloads:
 *   1. When fewer than a header's bytes remain in the block, write that many
 *      zeros and start a new block.
 *   2. The fragment takes min(remaining payload, room in block - header).
 *      With exactly a header's bytes left this is an empty FIRST fragment;
 *      RocksDB writes it too and every reader accepts it.
 *   3. Type: FULL when the fragment is the whole record, else FIRST, MIDDLE
 *      or LAST by position (recyclable variants when recycling).
 * Bytes of one record are staged in `staging` and appended with one call,
 * so the file sees one write per record.
 *
 * Preallocation (log_writer_set_preallocation): before an append that
 * would cross `allocated_end`, the file is extended to the next multiple of
 * the chunk, so synced appends land inside the file's size.  Chunks are
 * whole blocks: the zero tail ends on a block boundary, where a reader sees
 * zero headers (padding) and then a clean end.  log_writer_close() cuts the
 * file back to the bytes written. */
#include "lsm/log/log_writer.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/log/log_format.h"
#include "lsm/util/buf.h"
#include "lsm/util/coding.h"
#include "lsm/util/crc32c.h"
#include "lsm/util/err.h"

struct log_writer {
    shale_file *file;        /* borrowed */
    uint64_t log_number;
    bool recyclable;
    size_t header_size;      /* LOG_HEADER_SIZE or LOG_RECYCLABLE_HEADER_SIZE */
    size_t block_offset;     /* bytes used in the current block, < LOG_BLOCK_SIZE */
    _Atomic uint64_t file_size; /* bytes in the file, ours included; read by
                                 * other threads (live WAL sizes) */
    uint64_t prealloc_chunk; /* 0: no preallocation; else a multiple of LOG_BLOCK_SIZE */
    uint64_t allocated_end;  /* the file may reach here on disk; UINT64_MAX: unknown */
    uint32_t type_crc[LOG_MAX_RECORD_TYPE + 1]; /* crc32c of type byte [+ log number] */
    shale_buf staging;       /* one record's bytes, appended at once */
    shale_err failure;       /* sticky: first failure, code SHALE_OK while healthy */
};

/* The CRC of each type byte (and the log number, when recycling) is the
 * same for every fragment: compute it once and extend it over payloads. */
static void init_type_crcs(log_writer *w)
{
    char prefix[1 + LOG_NUMBER_SIZE];
    enc_fixed32(prefix + 1, (uint32_t)w->log_number);
    size_t n = w->recyclable ? 1 + LOG_NUMBER_SIZE : 1;
    for (int t = 0; t <= LOG_MAX_RECORD_TYPE; t++) {
        prefix[0] = (char)t;
        w->type_crc[t] = crc32c_value(prefix, n);
    }
}

int log_writer_open(shale_file *f, uint64_t log_number, bool recyclable, uint64_t initial_offset,
                    log_writer **out, shale_err *err)
{
    *out = NULL;
    log_writer *w = calloc(1, sizeof *w);
    if (w == NULL)
        return SHALE_NOMEM(err);
    w->file = f;
    w->log_number = log_number;
    w->recyclable = recyclable;
    w->header_size = recyclable ? LOG_RECYCLABLE_HEADER_SIZE : LOG_HEADER_SIZE;
    w->block_offset = (size_t)(initial_offset % LOG_BLOCK_SIZE);
    atomic_init(&w->file_size, initial_offset);
    w->allocated_end = initial_offset;
    shale_buf_init(&w->staging);
    init_type_crcs(w);
    *out = w;
    return SHALE_OK;
}

static int fragment_type(const log_writer *w, bool begin, bool end)
{
    int t = begin && end ? LOG_FULL : begin ? LOG_FIRST : end ? LOG_LAST : LOG_MIDDLE;
    return w->recyclable ? t + (LOG_RECYCLABLE_FULL - LOG_FULL) : t;
}

/* Stages one physical record: header, then the fragment's bytes. */
static void stage_fragment(log_writer *w, int type, const char *data, size_t n)
{
    char header[LOG_RECYCLABLE_HEADER_SIZE];
    uint32_t crc = crc32c_extend(w->type_crc[type], data, n);
    enc_fixed32(header + LOG_HDR_CRC_OFF, crc32c_mask(crc));
    enc_fixed16(header + LOG_HDR_LEN_OFF, (uint16_t)n);
    header[LOG_HDR_TYPE_OFF] = (char)type;
    if (w->recyclable)
        enc_fixed32(header + LOG_HDR_NUMBER_OFF, (uint32_t)w->log_number);
    shale_buf_append(&w->staging, header, w->header_size);
    shale_buf_append(&w->staging, data, n);
    w->block_offset += w->header_size + n;
}

/* Stages the whole record, advancing block_offset as if it were written;
 * the caller restores block_offset if the append then fails. */
static void stage_record(log_writer *w, slice payload)
{
    static const char zeros[LOG_RECYCLABLE_HEADER_SIZE] = {0};
    const char *p = payload.data;
    size_t left = payload.len;
    bool begin = true;
    do {
        size_t leftover = LOG_BLOCK_SIZE - w->block_offset;
        if (leftover < w->header_size) {
            shale_buf_append(&w->staging, zeros, leftover); /* rule 1 */
            w->block_offset = 0;
        }
        size_t avail = LOG_BLOCK_SIZE - w->block_offset - w->header_size;
        size_t n = left < avail ? left : avail;
        bool end = n == left;
        stage_fragment(w, fragment_type(w, begin, end), p, n);
        p += n;
        left -= n;
        begin = false;
    } while (left > 0);
}

static int fail(log_writer *w, int rc, const shale_err *detail, shale_err *err)
{
    if (detail != NULL)
        shale_err_copy(&w->failure, detail);
    w->failure.code = rc;
    return shale_err_copy(err, &w->failure);
}

void log_writer_set_preallocation(log_writer *w, uint64_t chunk)
{
    if (chunk == 0 || !shale_file_can_allocate(w->file)) {
        w->prealloc_chunk = 0;
        return;
    }
    if (chunk > UINT64_C(1) << 40)
        chunk = UINT64_C(1) << 40;
    w->prealloc_chunk = (chunk + LOG_BLOCK_SIZE - 1) / LOG_BLOCK_SIZE * LOG_BLOCK_SIZE;
}

/* Extends the file ahead of an append of n bytes when it would cross the
 * allocated end.  A failure only turns preallocation off: the append that
 * follows reports any real trouble (a full disk) itself.  The failed call
 * may have extended the file part way, so close still cuts it back. */
static void preallocate(log_writer *w, size_t n)
{
    uint64_t size = atomic_load_explicit(&w->file_size, memory_order_relaxed);
    uint64_t need = size + n;
    if (w->prealloc_chunk == 0 || need <= w->allocated_end)
        return;
    uint64_t end = (need + w->prealloc_chunk - 1) / w->prealloc_chunk * w->prealloc_chunk;
    uint64_t from = w->allocated_end > size ? w->allocated_end : size;
    if (w->file->ops->allocate(w->file, from, end - from, NULL) != SHALE_OK) {
        w->prealloc_chunk = 0;
        w->allocated_end = UINT64_MAX;   /* unknown: truncate at close */
        return;
    }
    w->allocated_end = end;
}

int log_writer_add_record(log_writer *w, slice payload, shale_err *err)
{
    if (w->failure.code != SHALE_OK)
        return shale_err_copy(err, &w->failure);
    size_t saved_offset = w->block_offset;
    shale_buf_clear(&w->staging);
    stage_record(w, payload);
    if (!shale_buf_ok(&w->staging)) {
        w->block_offset = saved_offset;
        shale_err e = {0};
        SHALE_NOMEM(&e);
        return fail(w, SHALE_NO_MEMORY, &e, err);
    }
    preallocate(w, w->staging.len);
    shale_err e = {0};
    int rc = shale_file_append(w->file, w->staging.data, w->staging.len, &e);
    if (rc != SHALE_OK) {
        w->block_offset = saved_offset;
        return fail(w, rc, &e, err);
    }
    atomic_fetch_add_explicit(&w->file_size, w->staging.len, memory_order_relaxed);
    /* Keep the buffer for the next record unless it grew large. */
    if (w->staging.cap > 4 * LOG_BLOCK_SIZE)
        shale_buf_deinit(&w->staging);
    return SHALE_OK;
}

int log_writer_sync(log_writer *w, shale_err *err)
{
    if (w->failure.code != SHALE_OK)
        return shale_err_copy(err, &w->failure);
    shale_err e = {0};
    int rc = shale_file_sync(w->file, &e);
    return rc == SHALE_OK ? SHALE_OK : fail(w, rc, &e, err);
}

uint64_t log_writer_file_size(const log_writer *w)
{
    return atomic_load_explicit(&w->file_size, memory_order_relaxed);
}

uint64_t log_writer_log_number(const log_writer *w) { return w->log_number; }

int log_writer_status(const log_writer *w, shale_err *err)
{
    return shale_err_copy(err, &w->failure);
}

int log_writer_close(log_writer *w, shale_err *err)
{
    if (w == NULL)
        return SHALE_OK;
    int rc = shale_err_copy(err, &w->failure);
    uint64_t size = log_writer_file_size(w);
    if (w->allocated_end > size) {   /* only files that can allocate get here */
        int trc = w->file->ops->truncate(w->file, size, rc == SHALE_OK ? err : NULL);
        if (rc == SHALE_OK)
            rc = trc;
    }
    shale_buf_deinit(&w->staging);
    free(w);
    return rc;
}
