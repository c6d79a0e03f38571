/* lsm/util/err.c: the error-code names (RocksDB's Status wording) and the
 * helpers that fill a caller's shale_err without allocating. */
#include "lsm/util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const code_names[SHALE_CODE_COUNT] = {
    [SHALE_OK] = "OK",
    [SHALE_NOT_FOUND] = "NotFound",
    [SHALE_CORRUPTION] = "Corruption",
    [SHALE_NOT_SUPPORTED] = "Not implemented",
    [SHALE_INVALID_ARGUMENT] = "Invalid argument",
    [SHALE_IO_ERROR] = "IO error",
    [SHALE_NO_MEMORY] = "Out of memory",
    [SHALE_BUSY] = "Resource busy",
    [SHALE_SHUTDOWN] = "Shutdown in progress",
    [SHALE_INCOMPLETE] = "Result incomplete",
};

const char *shale_code_name(int code)
{
    if (code < 0 || code >= SHALE_CODE_COUNT)
        return "Unknown";
    return code_names[code];
}

char *shale_err_format(const shale_err *err, char *buf, size_t n)
{
    if (n == 0)
        return buf;
    if (err == NULL || err->code == SHALE_OK) {
        snprintf(buf, n, "OK");
        return buf;
    }
    if (err->msg[0] != '\0')
        snprintf(buf, n, "%s: %s", shale_code_name(err->code), err->msg);
    else
        snprintf(buf, n, "%s", shale_code_name(err->code));
    return buf;
}

SHALE_PRINTF(4, 0)
static void vset(shale_err *err, int code, int sys_errno, const char *fmt, va_list ap)
{
    err->code = code;
    err->sys_errno = sys_errno;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

int shale_err_set_at(shale_err *err, int code, const char *file, int line, const char *fmt, ...)
{
    (void)file;
    (void)line;
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vset(err, code, 0, fmt, ap);
        va_end(ap);
    }
    return code;
}

int shale_err_io_at(shale_err *err, int sys_errno, const char *file, int line, const char *fmt,
                    ...)
{
    (void)file;
    (void)line;
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vset(err, SHALE_IO_ERROR, sys_errno, fmt, ap);
        va_end(ap);
        size_t used = strlen(err->msg);
        if (sys_errno != 0 && used + 3 < sizeof err->msg)
            snprintf(err->msg + used, sizeof err->msg - used, ": %s", strerror(sys_errno));
    }
    return SHALE_IO_ERROR;
}

int shale_err_copy(shale_err *dst, const shale_err *src)
{
    if (src == NULL)
        return SHALE_OK;
    if (dst != NULL && dst != src)
        *dst = *src;
    return src->code;
}

void shale_err_clear(shale_err *err)
{
    if (err != NULL) {
        err->code = SHALE_OK;
        err->sys_errno = 0;
        err->msg[0] = '\0';
    }
}

void shale_err_prefix(shale_err *err, const char *prefix)
{
    if (err == NULL || prefix == NULL)
        return;
    char tmp[SHALE_ERR_MSG_LEN];
    size_t plen = strnlen(prefix, sizeof tmp - 3);
    memcpy(tmp, prefix, plen);
    memcpy(tmp + plen, ": ", 2);
    size_t mlen = strnlen(err->msg, sizeof tmp - plen - 3);
    memcpy(tmp + plen + 2, err->msg, mlen);
    tmp[plen + 2 + mlen] = '\0';
    memcpy(err->msg, tmp, sizeof tmp);
}
