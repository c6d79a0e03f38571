/* checkpoint/ckpt_meta.c: encoding and validation of chk-N/_metadata.
 * All integers little-endian; docs/checkpoints.md has the same table.
 *   offset  size  field
 *   0       8     magic "SHALECKP"
 *   8       4     version (1)
 *   12      8     checkpoint id (equals N of chk-N)
 *   20      8     timestamp, microseconds since the epoch
 *   28      8     the database's latest sequence number
 *   36      2     identity length L (<= 255)
 *   38      L     identity (the database's IDENTITY, printable ASCII)
 *   38+L    4     file count F
 *   then F entries:
 *           1     kind (1 shared, 2 private)
 *           2     local name length a (1..255), then a bytes
 *           2     stored name length b (1..255), then b bytes
 *           8     SST file number (0 for private files)
 *           8     size in bytes
 *           4     CRC32C of the file, unmasked
 *   end-4   4     masked CRC32C of every byte before it
 * The CRC comes last so a torn write fails it; names are checked after the
 * CRC because a correct CRC over hostile bytes is easy to make. */
#include "checkpoint/ckpt_meta.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/coding.h"
#include "lsm/util/crc32c.h"
#include "lsm/util/err.h"

#define HEADER_FIXED 38u      /* bytes before the identity */
#define ENTRY_MIN 27u         /* 1 + 2 + 1 + 2 + 1 + 8 + 8 + 4 */

void ckpt_meta_free(ckpt_meta *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n_files; i++) {
        free(m->files[i].local);
        free(m->files[i].stored);
    }
    free(m->files);
    free(m->identity);
    free(m);
}

int ckpt_meta_add(ckpt_meta *m, uint8_t kind, const char *local, const char *stored,
                  uint64_t number, uint64_t size, uint32_t crc, shale_err *err)
{
    if (m->n_files == m->cap) {
        size_t cap = m->cap == 0 ? 16 : m->cap * 2;
        ckpt_file *f = realloc(m->files, cap * sizeof *f);
        if (f == NULL)
            return SHALE_NOMEM(err);
        m->files = f;
        m->cap = cap;
    }
    ckpt_file *f = &m->files[m->n_files];
    f->local = strdup(local);
    f->stored = strdup(stored);
    if (f->local == NULL || f->stored == NULL) {
        free(f->local);
        free(f->stored);
        return SHALE_NOMEM(err);
    }
    f->kind = kind;
    f->number = number;
    f->size = size;
    f->crc = crc;
    m->n_files++;
    return SHALE_OK;
}

uint64_t ckpt_meta_full_size(const ckpt_meta *m)
{
    uint64_t s = 0;
    for (size_t i = 0; i < m->n_files; i++)
        s += m->files[i].size;
    return s;
}

uint64_t ckpt_meta_private_size(const ckpt_meta *m)
{
    uint64_t s = 0;
    for (size_t i = 0; i < m->n_files; i++)
        if (m->files[i].kind == CKPT_PRIVATE)
            s += m->files[i].size;
    return s;
}

static void put_name(shale_buf *out, const char *s)
{
    size_t n = strlen(s);
    shale_buf_put_fixed16(out, (uint16_t)n);
    shale_buf_append(out, s, n);
}

void ckpt_meta_encode(const ckpt_meta *m, shale_buf *out)
{
    size_t start = out->len;
    shale_buf_append(out, CKPT_META_MAGIC, 8);
    shale_buf_put_fixed32(out, CKPT_META_VERSION);
    shale_buf_put_fixed64(out, m->id);
    shale_buf_put_fixed64(out, m->timestamp_micros);
    shale_buf_put_fixed64(out, m->sequence);
    put_name(out, m->identity != NULL ? m->identity : "");
    shale_buf_put_fixed32(out, (uint32_t)m->n_files);
    for (size_t i = 0; i < m->n_files; i++) {
        const ckpt_file *f = &m->files[i];
        shale_buf_append_byte(out, f->kind);
        put_name(out, f->local);
        put_name(out, f->stored);
        shale_buf_put_fixed64(out, f->number);
        shale_buf_put_fixed64(out, f->size);
        shale_buf_put_fixed32(out, f->crc);
    }
    if (shale_buf_ok(out))
        shale_buf_put_fixed32(out, crc32c_mask(crc32c_value(out->data + start, out->len - start)));
}

int ckpt_name_check(const char *name, size_t len, shale_err *err)
{
    if (len == 0 || len > CKPT_NAME_MAX)
        return SHALE_CORRUPT(err, "file name of %zu bytes (1..%u allowed)", len, CKPT_NAME_MAX);
    if (memchr(name, '\0', len) != NULL)
        return SHALE_CORRUPT(err, "file name holds a NUL byte");
    if (memchr(name, '/', len) != NULL || memchr(name, '\\', len) != NULL)
        return SHALE_CORRUPT(err, "file name holds a path separator: %.*s", (int)len, name);
    if ((len == 1 && name[0] == '.') || memmem(name, len, "..", 2) != NULL)
        return SHALE_CORRUPT(err, "file name holds a dot path: %.*s", (int)len, name);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] == 0x7f)
            return SHALE_CORRUPT(err, "file name holds a control byte");
    return SHALE_OK;
}

/* Digits only, at least one, no overflow. */
static bool parse_number(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 19)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

bool ckpt_local_name_ok(const char *name, uint64_t *number)
{
    size_t n = strlen(name);
    uint64_t v = 0;
    if (number != NULL)
        *number = 0;
    if (strcmp(name, "CURRENT") == 0)
        return true;
    if (strncmp(name, "MANIFEST-", 9) == 0)
        return parse_number(name + 9, n - 9, &v);
    if (strncmp(name, "OPTIONS-", 8) == 0)
        return parse_number(name + 8, n - 8, &v);
    if (n > 4 && strcmp(name + n - 4, ".log") == 0)
        return parse_number(name, n - 4, &v);
    if (n > 4 && strcmp(name + n - 4, ".sst") == 0 && parse_number(name, n - 4, &v)) {
        if (number != NULL)
            *number = v;
        return true;
    }
    return false;
}

bool ckpt_parse_chk_dir(const char *name, uint64_t *id)
{
    /* No leading zeros: one directory per id. */
    return strncmp(name, "chk-", 4) == 0 && name[4] != '0' &&
           parse_number(name + 4, strlen(name) - 4, id);
}

/* A bounded cursor over the metadata bytes. */
typedef struct rd {
    const char *p, *end;
    const char *what;
    shale_err *err;
} rd;

static int need(rd *r, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return SHALE_CORRUPT(r->err, "%s: truncated metadata", r->what);
    return SHALE_OK;
}

/* A length-prefixed name, checked, copied to a malloc'd string. */
static int get_name(rd *r, char **out)
{
    *out = NULL;
    if (need(r, 2) != SHALE_OK)
        return SHALE_CORRUPTION;
    size_t n = dec_fixed16(r->p);
    r->p += 2;
    if (need(r, n) != SHALE_OK)
        return SHALE_CORRUPTION;
    if (ckpt_name_check(r->p, n, r->err) != SHALE_OK) {
        shale_err_prefix(r->err, r->what);
        return SHALE_CORRUPTION;
    }
    if ((*out = strndup(r->p, n)) == NULL)
        return SHALE_NOMEM(r->err);
    r->p += n;
    return SHALE_OK;
}

static int get_identity(rd *r, ckpt_meta *m)
{
    if (need(r, 2) != SHALE_OK)
        return SHALE_CORRUPTION;
    size_t n = dec_fixed16(r->p);
    r->p += 2;
    if (n > CKPT_IDENTITY_MAX || need(r, n) != SHALE_OK)
        return SHALE_CORRUPT(r->err, "%s: bad identity length %zu", r->what, n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)r->p[i] < 0x20 || (unsigned char)r->p[i] >= 0x7f)
            return SHALE_CORRUPT(r->err, "%s: identity holds a non-printable byte", r->what);
    if ((m->identity = strndup(r->p, n)) == NULL)
        return SHALE_NOMEM(r->err);
    r->p += n;
    return SHALE_OK;
}

static int get_entry(rd *r, ckpt_file *f)
{
    if (need(r, 1) != SHALE_OK)
        return SHALE_CORRUPTION;
    f->kind = (uint8_t)*r->p++;
    if (f->kind != CKPT_SHARED && f->kind != CKPT_PRIVATE)
        return SHALE_CORRUPT(r->err, "%s: unknown file kind %u", r->what, f->kind);
    int rc;
    if ((rc = get_name(r, &f->local)) != SHALE_OK || (rc = get_name(r, &f->stored)) != SHALE_OK)
        return rc;
    if (need(r, 20) != SHALE_OK)
        return SHALE_CORRUPTION;
    f->number = dec_fixed64(r->p);
    f->size = dec_fixed64(r->p + 8);
    f->crc = dec_fixed32(r->p + 16);
    r->p += 20;
    uint64_t num = 0;
    if (!ckpt_local_name_ok(f->local, &num))
        return SHALE_CORRUPT(r->err, "%s: not a database file name: %s", r->what, f->local);
    if (f->kind == CKPT_SHARED && (num == 0 || num != f->number))
        return SHALE_CORRUPT(r->err, "%s: shared file %s is not SST %llu", r->what, f->local,
                             (unsigned long long)f->number);
    return SHALE_OK;
}

static int cmp_local(const void *a, const void *b)
{
    return strcmp((*(const ckpt_file *const *)a)->local, (*(const ckpt_file *const *)b)->local);
}

static int cmp_stored(const void *a, const void *b)
{
    const ckpt_file *x = *(const ckpt_file *const *)a, *y = *(const ckpt_file *const *)b;
    return x->kind != y->kind ? (int)x->kind - (int)y->kind : strcmp(x->stored, y->stored);
}

/* Two entries writing one local file, or sharing one stored file, would
 * make a restore depend on order: refused.  Sorted, so hostile counts stay
 * O(n log n). */
static int check_duplicates(const ckpt_meta *m, const char *what, shale_err *err)
{
    if (m->n_files < 2)
        return SHALE_OK;
    const ckpt_file **v = malloc(m->n_files * sizeof *v);
    if (v == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (int pass = 0; pass < 2 && rc == SHALE_OK; pass++) {
        for (size_t i = 0; i < m->n_files; i++)
            v[i] = &m->files[i];
        qsort(v, m->n_files, sizeof *v, pass == 0 ? cmp_local : cmp_stored);
        for (size_t i = 1; i < m->n_files && rc == SHALE_OK; i++)
            if ((pass == 0 ? cmp_local : cmp_stored)(&v[i - 1], &v[i]) == 0)
                rc = SHALE_CORRUPT(err, "%s: %s listed twice", what,
                                   pass == 0 ? v[i]->local : v[i]->stored);
    }
    free(v);
    return rc;
}

static int decode_body(rd *r, ckpt_meta *m)
{
    if (memcmp(r->p, CKPT_META_MAGIC, 8) != 0)
        return SHALE_CORRUPT(r->err, "%s: bad magic", r->what);
    uint32_t version = dec_fixed32(r->p + 8);
    if (version != CKPT_META_VERSION)
        return SHALE_CORRUPT(r->err, "%s: unknown version %u", r->what, version);
    m->id = dec_fixed64(r->p + 12);
    m->timestamp_micros = dec_fixed64(r->p + 20);
    m->sequence = dec_fixed64(r->p + 28);
    r->p += 36;
    int rc = get_identity(r, m);
    if (rc != SHALE_OK || (rc = need(r, 4)) != SHALE_OK)
        return rc;
    uint32_t count = dec_fixed32(r->p);
    r->p += 4;
    if (count > (size_t)(r->end - r->p) / ENTRY_MIN)
        return SHALE_CORRUPT(r->err, "%s: %u files cannot fit", r->what, count);
    if ((m->files = calloc(count > 0 ? count : 1, sizeof *m->files)) == NULL)
        return SHALE_NOMEM(r->err);
    m->cap = count;
    for (uint32_t i = 0; i < count; i++) {
        m->n_files = i + 1;                   /* so a partial entry is freed */
        if ((rc = get_entry(r, &m->files[i])) != SHALE_OK)
            return rc;
    }
    if (r->p != r->end)
        return SHALE_CORRUPT(r->err, "%s: %zu trailing bytes", r->what, (size_t)(r->end - r->p));
    return check_duplicates(m, r->what, r->err);
}

int ckpt_meta_decode(const char *data, size_t len, const char *what, ckpt_meta **out,
                     shale_err *err)
{
    *out = NULL;
    if (len < HEADER_FIXED + 4 + 4)
        return SHALE_CORRUPT(err, "%s: %zu bytes is too short for metadata", what, len);
    uint32_t stored = crc32c_unmask(dec_fixed32(data + len - 4));
    if (crc32c_value(data, len - 4) != stored)
        return SHALE_CORRUPT(err, "%s: metadata checksum mismatch", what);
    ckpt_meta *m = calloc(1, sizeof *m);
    if (m == NULL)
        return SHALE_NOMEM(err);
    rd r = { data, data + len - 4, what, err };
    int rc = decode_body(&r, m);
    if (rc != SHALE_OK) {
        ckpt_meta_free(m);
        return rc;
    }
    *out = m;
    return SHALE_OK;
}
