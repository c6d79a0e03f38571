/* include/shale/err.h: the one error-code space of shale.
 *
 * Every fallible call returns an int from enum shale_code and takes a
 * `shale_err *err` last (NULL allowed).  The code is the category a caller
 * branches on; *err adds a message and, for I/O, the errno.  Nothing on the
 * error path allocates, so there is nothing to free.  The categories are
 * RocksDB's Status codes, and shale_code_name() gives RocksDB's wording. */
#ifndef SHALE_ERR_H
#define SHALE_ERR_H

#include "shale/api.h"

#ifdef __cplusplus
extern "C" {
#endif

enum shale_code {
    SHALE_OK = 0,
    SHALE_NOT_FOUND,        /* an answer, not a failure; never logged */
    SHALE_CORRUPTION,       /* stored bytes fail a checksum, bound or parse */
    SHALE_NOT_SUPPORTED,    /* valid input that this build cannot handle */
    SHALE_INVALID_ARGUMENT, /* the caller broke a documented contract */
    SHALE_IO_ERROR,         /* the OS refused; errno kept in shale_err.sys_errno */
    SHALE_NO_MEMORY,        /* an allocation failed; nothing was changed */
    SHALE_BUSY,             /* held by someone else (e.g. the LOCK file) */
    SHALE_SHUTDOWN,         /* the object is closing */
    SHALE_INCOMPLETE,       /* the answer needs I/O that was not allowed */
    SHALE_CODE_COUNT
};

#define SHALE_ERR_MSG_LEN 192

/* Filled by the failing call when non-NULL.  Caller-owned; plain data. */
typedef struct shale_err {
    int code;                    /* enum shale_code */
    int sys_errno;               /* for SHALE_IO_ERROR; 0 otherwise */
    char msg[SHALE_ERR_MSG_LEN]; /* detail, NUL-terminated, without the category */
} shale_err;

/* shale_code_name(): RocksDB's name for the category: "OK", "NotFound",
 * "Corruption", "Not implemented", "Invalid argument", "IO error", ...
 * A static string; unknown codes give "Unknown".  Thread-safe. */
SHALE_API const char *shale_code_name(int code);

/* shale_err_format(): writes "<category>: <msg>" (RocksDB's Status text)
 * into buf of size n, truncating; returns buf.  Thread-safe. */
SHALE_API char *shale_err_format(const shale_err *err, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
