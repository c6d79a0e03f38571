/* lsm/util/err.h: setting errors where the fault is seen.
 * SHALE_CORRUPT() and friends fill *err (when non-NULL) with the category,
 * a printf-style message and, in debug builds, file:line, and return the
 * code, so a decoder writes `return SHALE_CORRUPT(err, "...")`. */
#ifndef LSM_UTIL_ERR_H
#define LSM_UTIL_ERR_H

#include "shale/err.h"

/* Fills *err (NULL allowed) and returns code.  The message is truncated to
 * fit; never allocates. */
int shale_err_set_at(shale_err *err, int code, const char *file, int line, const char *fmt, ...)
    SHALE_PRINTF(5, 6);
/* Like shale_err_set_at() for SHALE_IO_ERROR, keeping sys_errno and
 * appending strerror(sys_errno) to the message. */
int shale_err_io_at(shale_err *err, int sys_errno, const char *file, int line, const char *fmt,
                    ...) SHALE_PRINTF(5, 6);
/* Copies src into dst (either NULL allowed); returns src's code (OK if NULL). */
int shale_err_copy(shale_err *dst, const shale_err *src);
/* Resets *err to OK (NULL allowed). */
void shale_err_clear(shale_err *err);
/* Prepends "prefix: " to err->msg (e.g. the file name), truncating. */
void shale_err_prefix(shale_err *err, const char *prefix);

#define SHALE_CORRUPT(err, ...) \
    shale_err_set_at((err), SHALE_CORRUPTION, __FILE__, __LINE__, __VA_ARGS__)
#define SHALE_INVALID(err, ...) \
    shale_err_set_at((err), SHALE_INVALID_ARGUMENT, __FILE__, __LINE__, __VA_ARGS__)
#define SHALE_UNSUPPORTED(err, ...) \
    shale_err_set_at((err), SHALE_NOT_SUPPORTED, __FILE__, __LINE__, __VA_ARGS__)
#define SHALE_NOMEM(err) \
    shale_err_set_at((err), SHALE_NO_MEMORY, __FILE__, __LINE__, "out of memory")
#define SHALE_ERR(err, code, ...) shale_err_set_at((err), (code), __FILE__, __LINE__, __VA_ARGS__)
#define SHALE_IOERR(err, sys_errno, ...) \
    shale_err_io_at((err), (sys_errno), __FILE__, __LINE__, __VA_ARGS__)

#ifdef SHALE_INVARIANTS
#include <assert.h>
#define SHALE_INVARIANT(x) assert(x)
#else
#define SHALE_INVARIANT(x) ((void)0)
#endif

#endif
