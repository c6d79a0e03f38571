/* tests/fuzz/fuzz_write_batch.c: libFuzzer target for WriteBatch parsing
 * (lsm/db/write_batch.h): the input is the payload of one WAL record, as
 * recovery hands it over.  It is loaded with wb_set_contents(), walked with
 * wb_iterate() (counting records, LogData blobs and markers), and applied
 * to a fresh memtable the way recovery applies it (default column family
 * only; the types a memtable holds), which is then read back.
 *
 * Beyond "no crash, no leak, no sanitizer report", a batch that walks
 * cleanly must agree with itself:
 *   1. the header count equals the records walked (wb_iterate's contract);
 *   2. re-building it with the wb_* builders (when it holds only kinds they
 *      write) gives a batch that walks to the same records, and whose bytes
 *      equal the input's when the input had nothing else in it;
 *   3. the memtable takes every default-family entry (or refuses it with
 *      INVALID_ARGUMENT: a duplicate or an out-of-range sequence) and holds
 *      only internal keys after. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/db/write_batch.h"
#include "lsm/memtable/memtable.h"
#include "lsm/util/ikey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_APPLIED 4096   /* bounds the memtable work per input */

typedef struct walk {
    uint64_t records, blobs, markers;
    write_batch rebuilt;     /* the records re-encoded by the builders */
    bool rebuildable;        /* every item so far has a builder */
    memtable *mem;
    uint64_t applied;
} walk;

static int rebuild(walk *w, uint32_t cf, int type, slice key, slice value)
{
    write_batch *b = &w->rebuilt;
    switch (type) {
    case VT_VALUE: return wb_put(b, cf, key, value, NULL);
    case VT_DELETION: return wb_delete(b, cf, key, NULL);
    case VT_SINGLE_DELETION: return wb_single_delete(b, cf, key, NULL);
    case VT_RANGE_DELETION: return wb_delete_range(b, cf, key, value, NULL);
    case VT_MERGE: return wb_merge(b, cf, key, value, NULL);
    default: w->rebuildable = false; return SHALE_OK;
    }
}

static int on_record(void *arg, uint64_t seq, uint32_t cf, int type, slice key, slice value,
                     shale_err *err)
{
    walk *w = arg;
    w->records++;
    if (w->rebuildable && rebuild(w, cf, type, key, value) != SHALE_OK)
        w->rebuildable = false;
    bool storable = type == VT_VALUE || type == VT_DELETION || type == VT_SINGLE_DELETION ||
                    type == VT_MERGE || type == VT_RANGE_DELETION;
    if (cf == 0 && storable && w->applied < MAX_APPLIED) {
        w->applied++;
        /* Duplicates (same key, seq, type) and out-of-range sequences are
         * refused with INVALID_ARGUMENT; anything else is a bug. */
        int rc = mem_add(w->mem, seq, type, key, type == VT_VALUE || type == VT_MERGE ||
                         type == VT_RANGE_DELETION ? value : slice_make(NULL, 0), NULL);
        if (rc != SHALE_OK && rc != SHALE_INVALID_ARGUMENT && rc != SHALE_NO_MEMORY)
            abort();
    }
    return SHALE_OK;
}

static int on_blob(void *arg, slice blob, shale_err *err)
{
    walk *w = arg;
    w->blobs++;
    if (w->rebuildable && wb_put_log_data(&w->rebuilt, blob, NULL) != SHALE_OK)
        w->rebuildable = false;
    return SHALE_OK;
}

static int on_marker(void *arg, int tag, slice xid, slice ts, shale_err *err)
{
    walk *w = arg;
    w->markers++;
    w->rebuildable = false;   /* no builder writes transaction markers */
    return SHALE_OK;
}

static int count_only(void *arg, uint64_t seq, uint32_t cf, int type, slice key, slice value,
                      shale_err *err)
{
    (*(uint64_t *)arg)++;
    return SHALE_OK;
}

/* Invariant 2: the rebuilt batch walks to as many records; its bytes match
 * the input's when nothing was skipped. */
static void check_rebuilt(walk *w, slice rep)
{
    wb_set_sequence(&w->rebuilt, wb_rep_sequence(rep));
    uint64_t n = 0;
    wb_handler h = {.record = count_only};
    if (wb_iterate(wb_data(&w->rebuilt), &h, &n, NULL) != SHALE_OK || n != w->records)
        abort();
    if (wb_count(&w->rebuilt) != wb_rep_count(rep))
        abort();
    slice again = wb_data(&w->rebuilt);
    if (again.len != rep.len || memcmp(again.data, rep.data, rep.len) != 0) {
        /* Only a non-canonical varint in the input may differ: the lengths
         * must then disagree, never the content at equal length. */
        if (again.len == rep.len)
            abort();
    }
}

/* Reads every stored key back at the newest sequence, and walks the range
 * tombstones: the memtable must hold only internal keys. */
static void read_back(memtable *m)
{
    mem_iter it;
    mem_iter_init(&it, m);
    size_t n = 0;
    for (mem_iter_seek_to_first(&it); mem_iter_valid(&it) && n < MAX_APPLIED; mem_iter_next(&it)) {
        slice ik = mem_iter_key(&it);
        if (ik.len < 8)
            abort();   /* every memtable key is an internal key */
        mem_get_ctx ctx;
        shale_buf ops = SHALE_BUF_INIT;
        mem_get_ctx_init(&ctx, &ops);
        (void)mem_get(m, slice_make(ik.data, ik.len - 8), MAX_SEQUENCE, &ctx, NULL);
        shale_buf_deinit(&ops);
        n++;
    }
    mem_iter_deinit(&it);
    mem_iter_init_range_del(&it, m);
    for (mem_iter_seek_to_first(&it); mem_iter_valid(&it); mem_iter_next(&it))
        if (mem_iter_key(&it).len < 8)
            abort();
    mem_iter_deinit(&it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    slice rep = slice_make((const char *)data, size);
    write_batch b;
    if (wb_init(&b, NULL) != SHALE_OK)
        return 0;
    int rc = wb_set_contents(&b, rep, NULL);
    if ((rc == SHALE_OK) != (size >= WB_HEADER_LEN))
        abort();   /* only a short batch is refused up front */
    walk w = {.rebuildable = true};
    if (rc != SHALE_OK || wb_init(&w.rebuilt, NULL) != SHALE_OK ||
        mem_new(&w.mem, NULL) != SHALE_OK)
        goto out;
    if (wb_count(&b) != wb_rep_count(rep) || wb_sequence(&b) != wb_rep_sequence(rep))
        abort();
    wb_handler h = {.record = on_record, .log_data = on_blob, .marker = on_marker};
    rc = wb_iterate(wb_data(&b), &h, &w, NULL);
    if (rc == SHALE_OK) {
        if (w.records != wb_rep_count(rep))
            abort();   /* invariant 1 */
        if (w.rebuildable)
            check_rebuilt(&w, rep);
    } else if (rc != SHALE_CORRUPTION) {
        abort();   /* a malformed batch is corruption, nothing else */
    }
    read_back(w.mem);
out:
    mem_unref(w.mem);
    wb_deinit(&w.rebuilt);
    wb_deinit(&b);
    return 0;
}
