/* state/state_ckpt_meta.c: chk-N/_state, the state metadata of a keyed-state
 * checkpoint (layout in state/state_ckpt.h and docs/checkpoints.md).
 *
 * It records what a restore needs to open a backend again: the backend
 * kind, the max parallelism and key-group range, and every registered
 * state with its kind, TTL configuration and list bound (callbacks cannot
 * be stored; the caller passes descriptors for them).  It is read from
 * storage, so decoding trusts nothing: the CRC is checked first, every
 * count and length is bounded by the bytes left before anything is
 * allocated, every enum and range is checked, and state names must be
 * unique, non-empty and free of NUL bytes. */
#include "state/state_ckpt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/ckpt_store.h"
#include "lsm/util/coding.h"
#include "lsm/util/crc32c.h"
#include "lsm/util/err.h"

#define STATE_FIXED_LEN (1 + 8 + 1 + 1 + 4 + 4 + 8 + 8 + 8)   /* after the name */
#define HEADER_LEN 29u

void sck_meta_encode(const shale_state_backend *b, shale_buf *out)
{
    size_t start = out->len;
    shale_buf_append(out, SCK_META_MAGIC, 8);
    shale_buf_put_fixed32(out, SCK_VERSION);
    shale_buf_append_byte(out, (uint8_t)b->cfg.kind);
    shale_buf_put_fixed32(out, (uint32_t)b->cfg.max_parallelism);
    shale_buf_put_fixed32(out, (uint32_t)b->cfg.kg_start);
    shale_buf_put_fixed32(out, (uint32_t)b->cfg.kg_end);
    shale_buf_put_fixed32(out, (uint32_t)b->nstates);
    for (size_t i = 0; i < b->nstates; i++) {
        const state_desc *d = &b->states[i]->desc;
        size_t n = strlen(d->name);
        shale_buf_put_fixed16(out, (uint16_t)n);
        shale_buf_append(out, d->name, n);
        shale_buf_append_byte(out, (uint8_t)d->kind);
        shale_buf_put_fixed64(out, (uint64_t)d->ttl_ms);
        shale_buf_append_byte(out, (uint8_t)d->ttl_update);
        shale_buf_append_byte(out, (uint8_t)d->ttl_visibility);
        shale_buf_put_fixed32(out, d->cleanup_entries);
        shale_buf_put_fixed32(out, d->query_entries);
        shale_buf_put_fixed64(out, d->bound_count);
        shale_buf_put_fixed64(out, d->bound_bytes);
        shale_buf_put_fixed64(out, (uint64_t)d->bound_age_ms);
    }
    uint32_t crc = crc32c_value(out->data + start, out->len - start);
    shale_buf_put_fixed32(out, crc32c_mask(crc));
}

void sck_meta_deinit(sck_meta *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nstates; i++)
        free(m->states[i].name);
    free(m->states);
    memset(m, 0, sizeof *m);
}

static int check_header(const char *p, size_t n, const char *what, sck_meta *m, uint32_t *count,
                        shale_err *err)
{
    if (n < HEADER_LEN + 4)
        return SHALE_CORRUPT(err, "%s: %zu bytes is too short", what, n);
    uint32_t want = crc32c_unmask(dec_fixed32(p + n - 4));
    if (crc32c_value(p, n - 4) != want)
        return SHALE_CORRUPT(err, "%s: checksum mismatch", what);
    if (memcmp(p, SCK_META_MAGIC, 8) != 0)
        return SHALE_CORRUPT(err, "%s: bad magic", what);
    if (dec_fixed32(p + 8) != SCK_VERSION)
        return SHALE_CORRUPT(err, "%s: unknown version %u", what, dec_fixed32(p + 8));
    m->kind = (uint8_t)p[12];
    m->max_parallelism = (int32_t)dec_fixed32(p + 13);
    m->kg_start = (int32_t)dec_fixed32(p + 17);
    m->kg_end = (int32_t)dec_fixed32(p + 21);
    *count = dec_fixed32(p + 25);
    if (m->kind != SHALE_STATE_BACKEND_HEAP && m->kind != SHALE_STATE_BACKEND_LSM)
        return SHALE_CORRUPT(err, "%s: unknown backend kind %d", what, m->kind);
    if (m->max_parallelism < 1 || m->max_parallelism > SHALE_STATE_MAX_MAX_PARALLELISM ||
        m->kg_start < 0 || m->kg_start > m->kg_end || m->kg_end >= m->max_parallelism)
        return SHALE_CORRUPT(err, "%s: key-group range [%d, %d] of %d is invalid", what,
                             (int)m->kg_start, (int)m->kg_end, (int)m->max_parallelism);
    /* Every state takes at least 3 + STATE_FIXED_LEN bytes. */
    if (*count > SCK_MAX_STATES || *count > (n - 4 - HEADER_LEN) / (3 + STATE_FIXED_LEN))
        return SHALE_CORRUPT(err, "%s: %u states cannot fit", what, *count);
    return SHALE_OK;
}

static int check_desc(const state_desc *d, const char *what, shale_err *err)
{
    if (d->kind < SHALE_STATE_VALUE || d->kind > SHALE_STATE_AGGREGATING)
        return SHALE_CORRUPT(err, "%s: state '%s' has unknown kind %d", what, d->name, d->kind);
    if (d->ttl_ms < 0 || d->bound_age_ms < 0)
        return SHALE_CORRUPT(err, "%s: state '%s' has a negative TTL or age", what, d->name);
    if (d->ttl_update != SHALE_TTL_ON_CREATE_AND_WRITE &&
        d->ttl_update != SHALE_TTL_ON_READ_AND_WRITE)
        return SHALE_CORRUPT(err, "%s: state '%s' has unknown TTL update %d", what, d->name,
                             d->ttl_update);
    if (d->ttl_visibility != SHALE_TTL_NEVER_RETURN_EXPIRED &&
        d->ttl_visibility != SHALE_TTL_RETURN_EXPIRED_IF_NOT_CLEANED_UP)
        return SHALE_CORRUPT(err, "%s: state '%s' has unknown TTL visibility %d", what,
                             d->name, d->ttl_visibility);
    if (d->kind != SHALE_STATE_LIST && (d->bound_count || d->bound_bytes || d->bound_age_ms))
        return SHALE_CORRUPT(err, "%s: state '%s' is bounded but not a list", what, d->name);
    return SHALE_OK;
}

/* One state at *in into d (name malloc'd on SHALE_OK). */
static int decode_state(slice *in, const char *what, state_desc *d, shale_err *err)
{
    if (in->len < 2)
        return SHALE_CORRUPT(err, "%s: truncated state", what);
    size_t nlen = dec_fixed16(in->data);
    if (nlen == 0 || nlen > SCK_NAME_MAX || in->len < 2 + nlen + STATE_FIXED_LEN)
        return SHALE_CORRUPT(err, "%s: state name of %zu bytes is invalid or truncated", what,
                             nlen);
    const char *p = in->data + 2;
    if (memchr(p, '\0', nlen) != NULL)
        return SHALE_CORRUPT(err, "%s: state name holds a NUL byte", what);
    memset(d, 0, sizeof *d);
    if ((d->name = malloc(nlen + 1)) == NULL)
        return SHALE_NOMEM(err);
    memcpy(d->name, p, nlen);
    d->name[nlen] = '\0';
    p += nlen;
    d->kind = (uint8_t)p[0];
    d->ttl_ms = (int64_t)dec_fixed64(p + 1);
    d->ttl_update = (uint8_t)p[9];
    d->ttl_visibility = (uint8_t)p[10];
    d->cleanup_entries = dec_fixed32(p + 11);
    d->query_entries = dec_fixed32(p + 15);
    d->bound_count = dec_fixed64(p + 19);
    d->bound_bytes = dec_fixed64(p + 27);
    d->bound_age_ms = (int64_t)dec_fixed64(p + 35);
    slice_skip(in, 2 + nlen + STATE_FIXED_LEN);
    int rc = check_desc(d, what, err);
    if (rc != SHALE_OK) {
        free(d->name);
        d->name = NULL;
    }
    return rc;
}

static int check_unique(const sck_meta *m, const char *what, shale_err *err)
{
    for (size_t i = 0; i < m->nstates; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->states[i].name, m->states[j].name) == 0)
                return SHALE_CORRUPT(err, "%s: state '%s' appears twice", what,
                                     m->states[i].name);
    return SHALE_OK;
}

int sck_meta_decode(const char *p, size_t n, const char *what, sck_meta *out, shale_err *err)
{
    sck_meta m = {0};
    uint32_t count = 0;
    int rc = check_header(p, n, what, &m, &count, err);
    if (rc != SHALE_OK)
        return rc;
    if (count > 0 && (m.states = calloc(count, sizeof *m.states)) == NULL)
        return SHALE_NOMEM(err);
    slice in = slice_make(p + HEADER_LEN, n - 4 - HEADER_LEN);
    for (uint32_t i = 0; i < count && rc == SHALE_OK; i++)
        if ((rc = decode_state(&in, what, &m.states[i], err)) == SHALE_OK)
            m.nstates++;
    if (rc == SHALE_OK && in.len != 0)
        rc = SHALE_CORRUPT(err, "%s: %zu bytes after the last state", what, in.len);
    if (rc == SHALE_OK)
        rc = check_unique(&m, what, err);
    if (rc != SHALE_OK) {
        sck_meta_deinit(&m);
        return rc;
    }
    *out = m;
    return SHALE_OK;
}

int sck_read_file(shale_ckpt_store *s, uint64_t id, const char *name, size_t max, char **data,
                  size_t *len, shale_err *err)
{
    char path[96];
    ckpt_chk_name(id, name, path, sizeof path);
    int rc = ckpt_storage_read_all(s->st, path, max, data, len, err);
    if (rc == SHALE_NOT_FOUND)
        return SHALE_CORRUPT(err, "checkpoint %" PRIu64 ": %s is missing", id, path);
    return rc;
}

int sck_meta_load(shale_ckpt_store *s, uint64_t id, sck_meta *out, shale_err *err)
{
    char *data = NULL, what[96];
    size_t len = 0;
    ckpt_chk_name(id, SCK_META_NAME, what, sizeof what);
    int rc = sck_read_file(s, id, SCK_META_NAME, SCK_META_MAX_BYTES, &data, &len, err);
    if (rc == SHALE_OK)
        rc = sck_meta_decode(data, len, what, out, err);
    free(data);
    return rc;
}
