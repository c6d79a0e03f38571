/* lsm/util/buf.h: a growable byte buffer for encoders.
 * Appends never fail loudly: a failed allocation sets the sticky `failed`
 * flag and later appends do nothing, so an encoder appends freely and checks
 * shale_buf_ok() once at the end.  Owns its bytes: release with
 * shale_buf_deinit(). */
#ifndef LSM_UTIL_BUF_H
#define LSM_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/util/slice.h"

typedef struct shale_buf {
    char *data;  /* malloc'd; NULL while empty */
    size_t len;
    size_t cap;
    bool failed; /* sticky: an allocation failed, contents are incomplete */
} shale_buf;

#define SHALE_BUF_INIT {NULL, 0, 0, false}

void shale_buf_init(shale_buf *b);
void shale_buf_deinit(shale_buf *b);         /* NULL-safe; leaves b empty */
static inline bool shale_buf_ok(const shale_buf *b) { return !b->failed; }
static inline slice shale_buf_slice(const shale_buf *b) { return slice_make(b->data, b->len); }
/* Makes room for `extra` more bytes; false (and failed set) on no memory. */
bool shale_buf_reserve(shale_buf *b, size_t extra);
void shale_buf_clear(shale_buf *b);          /* len = 0, keeps capacity and resets failed */
void shale_buf_truncate(shale_buf *b, size_t len);
void shale_buf_append(shale_buf *b, const void *data, size_t n);
static inline void shale_buf_append_slice(shale_buf *b, slice s) { shale_buf_append(b, s.data, s.len); }
void shale_buf_append_byte(shale_buf *b, uint8_t c);
void shale_buf_append_str(shale_buf *b, const char *s);
/* Appends printf-style text, whatever its length. */
void shale_buf_printf(shale_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void shale_buf_put_fixed16(shale_buf *b, uint16_t v);
void shale_buf_put_fixed32(shale_buf *b, uint32_t v);
void shale_buf_put_fixed64(shale_buf *b, uint64_t v);
void shale_buf_put_varint32(shale_buf *b, uint32_t v);
void shale_buf_put_varint64(shale_buf *b, uint64_t v);
void shale_buf_put_varsigned64(shale_buf *b, int64_t v);
void shale_buf_put_lp_slice(shale_buf *b, slice s);   /* varint32 length + bytes */
/* Takes the bytes out: returns the malloc'd data (free with free()) and
 * leaves b empty.  NULL when empty or failed. */
char *shale_buf_detach(shale_buf *b, size_t *len);

#endif
