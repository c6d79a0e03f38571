/* state/state_ckpt_heap.c: the heap backend's full snapshot as a checkpoint
 * file, chk-N/_heap_state (layout in state/state_ckpt.h).
 *
 * Synchronous part, on the backend's thread: shale_state_snapshot_new()
 * pins every entry (copy-on-write, O(entries) pointer copies) and the
 * timers are copied.  The heap timer queue offers no iteration, so they
 * are copied by popping every timer through the backend's vtable and
 * adding each back (O(n log n)): the queue is the same afterwards.
 * Asynchronous part, any thread: the snapshot's entries (Flink's RocksDB
 * bytes, expired data left out) and the copied timers are streamed into a
 * local file with a CRC32C over the whole, which the caller uploads.
 *
 * Reading back trusts nothing: sck_heap_check() walks every record
 * against the bytes left, checks state indexes, key groups, domains and
 * the trailing counts after the CRC, before anything is written. */
#include "state/state_ckpt.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/coding.h"
#include "lsm/util/crc32c.h"
#include "lsm/util/err.h"
#include "shale/env.h"
#include "state/layout.h"

#define FLUSH_AT (1u << 20)

struct sck_heap_capture {
    shale_state_backend *b;     /* for state indexes; not used after capture */
    shale_state_snapshot *snap;
    shale_state **states;       /* registration order at capture */
    size_t nstates;
    int32_t max_parallelism;
    shale_buf timers;           /* timer records, file format */
    uint64_t ntimers;
};

/* --- capture ------------------------------------------------------------------ */
static void put_timer_rec(shale_buf *out, int domain, const state_timer *t)
{
    shale_buf_append_byte(out, SCK_REC_TIMER);
    shale_buf_append_byte(out, (uint8_t)domain);
    shale_buf_put_fixed64(out, (uint64_t)t->ts);
    shale_buf_put_fixed32(out, (uint32_t)t->kg);
    shale_buf_put_fixed32(out, (uint32_t)t->klen);
    shale_buf_append(out, t->key, t->klen);
    shale_buf_put_fixed32(out, (uint32_t)t->nslen);
    shale_buf_append(out, t->ns, t->nslen);
}

/* Parses the timer record at *in (written by put_timer_rec). */
static bool get_timer_rec(slice *in, int *domain, state_timer *t)
{
    if (in->len < 1 + 1 + 8 + 4 + 4 || (uint8_t)in->data[0] != SCK_REC_TIMER)
        return false;
    const char *p = in->data;
    *domain = (uint8_t)p[1];
    t->ts = (int64_t)dec_fixed64(p + 2);
    t->kg = (int32_t)dec_fixed32(p + 10);
    t->klen = dec_fixed32(p + 14);
    slice_skip(in, 18);
    if (in->len < t->klen || in->len - t->klen < 4)
        return false;
    t->key = in->data;
    slice_skip(in, t->klen);
    t->nslen = dec_fixed32(in->data);
    slice_skip(in, 4);
    if (in->len < t->nslen)
        return false;
    t->ns = in->data;
    slice_skip(in, t->nslen);
    return true;
}

/* Adds back every timer recorded in c->timers from offset `from`. */
static int readd_timers(sck_heap_capture *c, size_t from, shale_err *err)
{
    if (c->timers.len <= from)   /* also when nothing was recorded (data NULL) */
        return SHALE_OK;
    slice in = slice_make(c->timers.data + from, c->timers.len - from);
    int rc = SHALE_OK;
    while (in.len > 0) {
        int domain;
        state_timer t;
        if (!get_timer_rec(&in, &domain, &t))
            return SHALE_CORRUPT(err, "timer copy is damaged");   /* our own bytes: a bug */
        int r = c->b->ops->timer_add(c->b, domain, &t, err);
        if (rc == SHALE_OK)
            rc = r;                   /* keep adding the rest: lose as few as possible */
    }
    return rc;
}

static int copy_timers(sck_heap_capture *c, int domain, shale_err *err)
{
    shale_buf kb = {0};
    shale_buf_init(&kb);
    size_t from = c->timers.len;
    int rc;
    for (;;) {
        state_timer t;
        shale_buf_clear(&kb);
        rc = c->b->ops->timer_pop(c->b, domain, INT64_MAX, &t, &kb, err);
        if (rc != SHALE_OK)
            break;
        put_timer_rec(&c->timers, domain, &t);
        c->ntimers++;
    }
    shale_buf_deinit(&kb);
    if (rc == SHALE_NOT_FOUND)
        rc = shale_buf_ok(&c->timers) ? SHALE_OK : SHALE_NOMEM(err);
    int r = readd_timers(c, from, err);
    return rc != SHALE_OK ? rc : r;
}

int sck_heap_capture_new(shale_state_backend *b, sck_heap_capture **out, shale_err *err)
{
    *out = NULL;
    sck_heap_capture *c = calloc(1, sizeof *c);
    if (c == NULL)
        return SHALE_NOMEM(err);
    c->b = b;
    c->max_parallelism = b->cfg.max_parallelism;
    shale_buf_init(&c->timers);
    c->nstates = b->nstates;
    int rc = SHALE_OK;
    if (c->nstates > 0 && (c->states = malloc(c->nstates * sizeof *c->states)) == NULL)
        rc = SHALE_NOMEM(err);
    else if (c->nstates > 0)
        memcpy(c->states, b->states, c->nstates * sizeof *c->states);
    if (rc == SHALE_OK)
        rc = shale_state_snapshot_new(b, &c->snap, err);
    for (int d = SHALE_TIMER_PROCESSING; rc == SHALE_OK && d <= SHALE_TIMER_EVENT; d++)
        rc = copy_timers(c, d, err);
    if (rc != SHALE_OK) {
        sck_heap_capture_free(c);
        return rc;
    }
    c->b = NULL;
    *out = c;
    return SHALE_OK;
}

void sck_heap_capture_free(sck_heap_capture *c)
{
    if (c == NULL)
        return;
    shale_state_snapshot_free(c->snap);
    shale_buf_deinit(&c->timers);
    free(c->states);
    free(c);
}

/* --- writing -------------------------------------------------------------------- */
typedef struct writer {
    shale_file *f;
    shale_buf buf;
    uint32_t crc;
} writer;

static int wflush(writer *w, shale_err *err)
{
    if (!shale_buf_ok(&w->buf))
        return SHALE_NOMEM(err);
    w->crc = crc32c_extend(w->crc, w->buf.data, w->buf.len);
    int rc = w->f->ops->append(w->f, w->buf.data, w->buf.len, err);
    shale_buf_clear(&w->buf);
    return rc;
}

static size_t state_index(const sck_heap_capture *c, const char *name)
{
    for (size_t i = 0; i < c->nstates; i++)
        if (strcmp(c->states[i]->desc.name, name) == 0)
            return i;
    return SIZE_MAX;
}

static int write_entries(sck_heap_capture *c, writer *w, uint64_t *entries, shale_err *err)
{
    shale_state_snapshot_entry e;
    int rc;
    size_t last = 0;
    while ((rc = shale_state_snapshot_next(c->snap, &e, err)) == SHALE_OK) {
        if (last >= c->nstates || strcmp(c->states[last]->desc.name, e.state_name) != 0)
            last = state_index(c, e.state_name);
        if (last == SIZE_MAX || e.key_len > UINT32_MAX || e.value_len > UINT32_MAX)
            return SHALE_INVALID(err, "snapshot entry of state '%s' cannot be stored",
                                 e.state_name);
        shale_buf_append_byte(&w->buf, SCK_REC_ENTRY);
        shale_buf_put_fixed32(&w->buf, (uint32_t)last);
        shale_buf_put_fixed32(&w->buf, (uint32_t)e.key_len);
        shale_buf_append(&w->buf, e.key, e.key_len);
        shale_buf_put_fixed32(&w->buf, (uint32_t)e.value_len);
        shale_buf_append(&w->buf, e.value, e.value_len);
        (*entries)++;
        if (w->buf.len >= FLUSH_AT && (rc = wflush(w, err)) != SHALE_OK)
            return rc;
    }
    return rc == SHALE_NOT_FOUND ? SHALE_OK : rc;
}

static int write_all(sck_heap_capture *c, writer *w, uint64_t *entries, shale_err *err)
{
    shale_buf_append(&w->buf, SCK_HEAP_MAGIC, 8);
    shale_buf_put_fixed32(&w->buf, SCK_VERSION);
    shale_buf_put_fixed32(&w->buf, (uint32_t)c->max_parallelism);
    int rc = write_entries(c, w, entries, err);
    if (rc != SHALE_OK || (rc = wflush(w, err)) != SHALE_OK)
        return rc;
    w->crc = crc32c_extend(w->crc, c->timers.data, c->timers.len);
    if ((rc = w->f->ops->append(w->f, c->timers.data, c->timers.len, err)) != SHALE_OK)
        return rc;
    shale_buf_append_byte(&w->buf, SCK_REC_END);
    shale_buf_put_fixed64(&w->buf, *entries);
    shale_buf_put_fixed64(&w->buf, c->ntimers);
    if ((rc = wflush(w, err)) != SHALE_OK)
        return rc;
    char tail[4];
    enc_fixed32(tail, crc32c_mask(w->crc));
    if ((rc = w->f->ops->append(w->f, tail, 4, err)) != SHALE_OK)
        return rc;
    return w->f->ops->sync(w->f, err);
}

int sck_heap_capture_write(sck_heap_capture *c, const char *path, uint64_t *entries,
                           uint64_t *timers, shale_err *err)
{
    shale_env *env = shale_env_default();
    writer w = {0};
    shale_buf_init(&w.buf);
    *entries = 0;
    *timers = c->ntimers;
    int rc = env->ops->open_write(env, path, &w.f, err);
    if (rc == SHALE_OK)
        rc = write_all(c, &w, entries, err);
    if (w.f != NULL) {
        int r = w.f->ops->close(w.f, rc == SHALE_OK ? err : NULL);
        rc = rc != SHALE_OK ? rc : r;
    }
    shale_buf_deinit(&w.buf);
    return rc;
}

/* --- reading ---------------------------------------------------------------------- */
/* The entry record at *in into r (bounds checked). */
static bool get_entry_rec(slice *in, sck_record *r)
{
    if (in->len < 1 + 4 + 4)
        return false;
    r->state = dec_fixed32(in->data + 1);
    r->klen = dec_fixed32(in->data + 5);
    slice_skip(in, 9);
    if (in->len < r->klen || in->len - r->klen < 4)
        return false;
    r->key = in->data;
    slice_skip(in, r->klen);
    r->vlen = dec_fixed32(in->data);
    slice_skip(in, 4);
    if (in->len < r->vlen)
        return false;
    r->value = in->data;
    slice_skip(in, r->vlen);
    return true;
}

/* Walks the records; fn NULL only checks.  REQUIRES: header and CRC checked. */
static int walk(const char *p, size_t n, int32_t mp, size_t nstates, const char *what,
                int (*fn)(void *, const sck_record *, shale_err *), void *ctx, shale_err *err)
{
    slice in = slice_make(p + SCK_HEAP_HEADER_LEN, n - 4 - SCK_HEAP_HEADER_LEN);
    uint64_t entries = 0, timers = 0;
    while (in.len > 0 && (uint8_t)in.data[0] != SCK_REC_END) {
        sck_record r = {0};
        int rc;
        if ((uint8_t)in.data[0] == SCK_REC_ENTRY) {
            if (!get_entry_rec(&in, &r) || r.state >= nstates)
                return SHALE_CORRUPT(err, "%s: entry %" PRIu64 " is damaged", what, entries);
            if (state_layout_get_kg(r.key, r.klen, mp, &r.kg, err) != SHALE_OK)
                return SHALE_CORRUPT(err, "%s: entry %" PRIu64 " has a bad key group", what,
                                     entries);
            entries++;
        } else {
            r.is_timer = true;
            if (!get_timer_rec(&in, &r.domain, &r.timer) || r.domain > SHALE_TIMER_EVENT ||
                r.timer.kg < 0 || r.timer.kg >= mp)
                return SHALE_CORRUPT(err, "%s: timer %" PRIu64 " is damaged", what, timers);
            r.kg = r.timer.kg;
            timers++;
        }
        if (fn != NULL && (rc = fn(ctx, &r, err)) != SHALE_OK)
            return rc;
    }
    if (in.len != 17 || dec_fixed64(in.data + 1) != entries || dec_fixed64(in.data + 9) != timers)
        return SHALE_CORRUPT(err, "%s: end record missing or counts differ", what);
    return SHALE_OK;
}

int sck_heap_check(const char *p, size_t n, int32_t max_parallelism, size_t nstates,
                   const char *what, shale_err *err)
{
    if (n < SCK_HEAP_HEADER_LEN + 4)
        return SHALE_CORRUPT(err, "%s: %zu bytes is too short", what, n);
    if (crc32c_value(p, n - 4) != crc32c_unmask(dec_fixed32(p + n - 4)))
        return SHALE_CORRUPT(err, "%s: checksum mismatch", what);
    if (memcmp(p, SCK_HEAP_MAGIC, 8) != 0 || dec_fixed32(p + 8) != SCK_VERSION)
        return SHALE_CORRUPT(err, "%s: bad magic or version", what);
    if ((int32_t)dec_fixed32(p + 12) != max_parallelism)
        return SHALE_CORRUPT(err, "%s: max parallelism %u, the state metadata says %d", what,
                             dec_fixed32(p + 12), (int)max_parallelism);
    return walk(p, n, max_parallelism, nstates, what, NULL, NULL, err);
}

int sck_heap_each(const char *p, size_t n, int32_t max_parallelism,
                  int (*fn)(void *ctx, const sck_record *r, shale_err *err), void *ctx,
                  shale_err *err)
{
    return walk(p, n, max_parallelism, SIZE_MAX, "heap snapshot", fn, ctx, err);
}
