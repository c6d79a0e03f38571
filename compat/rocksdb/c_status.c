/* compat/rocksdb/c_status.c: errors as RocksDB's C API reports them, the
 * memory release every malloc'd result goes through, and the version
 * queries.
 *
 * RocksDB turns a failed Status into its ToString() text and stores it in
 * *errptr (freeing an older message); shale's codes are RocksDB's Status
 * categories, so the text is the category's prefix plus shale's message. */
#include "compat/rocksdb/c_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *compat_status_prefix(int code)
{
    switch (code) {
    case SHALE_OK: return "";
    case SHALE_NOT_FOUND: return "NotFound: ";
    case SHALE_CORRUPTION: return "Corruption: ";
    case SHALE_NOT_SUPPORTED: return "Not implemented: ";
    case SHALE_INVALID_ARGUMENT: return "Invalid argument: ";
    case SHALE_IO_ERROR: return "IO error: ";
    case SHALE_NO_MEMORY: return "Operation aborted: Memory limit reached: ";
    case SHALE_BUSY: return "Resource busy: ";
    case SHALE_SHUTDOWN: return "Shutdown in progress: ";
    case SHALE_INCOMPLETE: return "Result incomplete: ";
    default: return "Unknown code: ";
    }
}

/* Replaces *errptr with msg (taken over). */
static void store(char **errptr, char *msg)
{
    if (errptr == NULL) {
        free(msg);
        return;
    }
    free(*errptr);
    *errptr = msg;
}

static char *vformat(const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static char *vformat(const char *prefix, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        n = 0;
    size_t plen = strlen(prefix);
    char *s = malloc(plen + (size_t)n + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, prefix, plen);
    vsnprintf(s + plen, (size_t)n + 1, fmt, ap);
    return s;
}

void compat_set_errf(char **errptr, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(compat_status_prefix(code), fmt, ap);
    va_end(ap);
    if (msg != NULL)
        store(errptr, msg);
}

void compat_set_err(char **errptr, int code, const shale_err *err)
{
    const char *detail = err != NULL && err->code != SHALE_OK ? err->msg : "";
    compat_set_errf(errptr, code, "%s", detail);
}

void compat_not_implemented(char **errptr, const char *what)
{
    compat_set_errf(errptr, SHALE_NOT_SUPPORTED, "%s", what);
}

bool compat_check(char **errptr, int rc, const shale_err *err)
{
    if (rc == SHALE_OK)
        return true;
    compat_set_err(errptr, rc, err);
    return false;
}

int compat_err_fill(shale_err *err, int code, const char *msg)
{
    if (err != NULL) {
        err->code = code;
        err->sys_errno = 0;
        snprintf(err->msg, sizeof err->msg, "%s", msg);
    }
    return code;
}

char *compat_memdup(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s == NULL)
        return NULL;
    if (n > 0)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* compat: implemented */
void rocksdb_free(void *ptr)
{
    free(ptr);
}

/* compat: implemented */
const char *shale_rocksdb_c_api_version(void)
{
    return SHALE_ROCKSDB_C_API_VERSION;
}

/* compat: implemented */
/* shale_version() itself is the engine's (lsm/util/version.c, declared in
 * shale/api.h); c.h declares it too and the library exports it. */
