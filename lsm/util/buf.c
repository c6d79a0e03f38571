/* lsm/util/buf.c: growable byte buffer; see buf.h for the sticky-failure
 * contract. */
#include "lsm/util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/coding.h"

void shale_buf_init(shale_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

void shale_buf_deinit(shale_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    shale_buf_init(b);
}

bool shale_buf_reserve(shale_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra <= b->cap - b->len)
        return true;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra;
    size_t cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void shale_buf_clear(shale_buf *b)
{
    b->len = 0;
    b->failed = false;
}

void shale_buf_truncate(shale_buf *b, size_t len)
{
    if (len < b->len)
        b->len = len;
}

void shale_buf_append(shale_buf *b, const void *data, size_t n)
{
    if (n == 0 || !shale_buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

void shale_buf_append_byte(shale_buf *b, uint8_t c)
{
    if (!shale_buf_reserve(b, 1))
        return;
    b->data[b->len++] = (char)c;
}

void shale_buf_append_str(shale_buf *b, const char *s) { shale_buf_append(b, s, strlen(s)); }

void shale_buf_printf(shale_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0 || !shale_buf_reserve(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void shale_buf_put_fixed16(shale_buf *b, uint16_t v)
{
    char tmp[2];
    enc_fixed16(tmp, v);
    shale_buf_append(b, tmp, 2);
}

void shale_buf_put_fixed32(shale_buf *b, uint32_t v)
{
    char tmp[4];
    enc_fixed32(tmp, v);
    shale_buf_append(b, tmp, 4);
}

void shale_buf_put_fixed64(shale_buf *b, uint64_t v)
{
    char tmp[8];
    enc_fixed64(tmp, v);
    shale_buf_append(b, tmp, 8);
}

void shale_buf_put_varint64(shale_buf *b, uint64_t v)
{
    char tmp[VARINT64_MAX_LEN];
    char *end = enc_varint64(tmp, v);
    shale_buf_append(b, tmp, (size_t)(end - tmp));
}

void shale_buf_put_varint32(shale_buf *b, uint32_t v) { shale_buf_put_varint64(b, v); }

void shale_buf_put_varsigned64(shale_buf *b, int64_t v)
{
    shale_buf_put_varint64(b, zigzag_encode(v));
}

void shale_buf_put_lp_slice(shale_buf *b, slice s)
{
    shale_buf_put_varint32(b, (uint32_t)s.len);
    shale_buf_append(b, s.data, s.len);
}

char *shale_buf_detach(shale_buf *b, size_t *len)
{
    char *p = b->failed ? NULL : b->data;
    if (len != NULL)
        *len = p == NULL ? 0 : b->len;
    if (p == NULL)
        free(b->data);
    shale_buf_init(b);
    return p;
}
