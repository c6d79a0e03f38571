/* include/shale/env.h: the file and clock layer.  Every byte shale reads or
 * writes goes through a shale_env, so tests can swap in one that injects
 * errors or simulates power loss, and users can route I/O elsewhere.
 *
 * An env is a table of functions (shale_env_ops) plus the implementation's
 * own state behind it; a file likewise.  shale_env_default() is the POSIX
 * env.  Paths are plain NUL-terminated strings.
 *
 * Thread-safety: an env is shared by all threads.  A shale_file may be read
 * (pread) by many threads at once; appends, syncs and close belong to one
 * thread at a time. */
#ifndef SHALE_ENV_H
#define SHALE_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "shale/api.h"
#include "shale/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shale_env shale_env;
typedef struct shale_file shale_file;

typedef struct shale_file_ops {
    /* Reads up to n bytes at offset into buf; *got < n only at end of file. */
    int (*pread)(shale_file *f, uint64_t offset, size_t n, char *buf, size_t *got,
                 shale_err *err);
    /* Appends n bytes at the end (files opened for writing only). */
    int (*append)(shale_file *f, const char *data, size_t n, shale_err *err);
    /* Makes everything appended so far durable (fsync or fdatasync). */
    int (*sync)(shale_file *f, shale_err *err);
    /* Current size in bytes, including appended but unsynced data. */
    int (*size)(shale_file *f, uint64_t *size, shale_err *err);
    /* Releases the file; unsynced data is NOT made durable.  Errors from
     * close(2) are reported but the handle is gone either way. */
    int (*close)(shale_file *f, shale_err *err);
    /* Optional (NULL: callers skip preallocation).  Reserves disk space for
     * bytes [offset, offset + len) so later appends there allocate no
     * blocks.  The file on disk may grow to at least offset + len, the
     * reserved range reading as zeros (the POSIX env does this for files
     * from open_write, with fallocate(2) mode 0); the append position and
     * size() do not move: appends go on where they were.  A file system
     * that cannot reserve space makes this a successful no-op.  Writable
     * files only; an env that implements it implements `truncate` too. */
    int (*allocate)(shale_file *f, uint64_t offset, uint64_t len, shale_err *err);
    /* Optional (NULL allowed).  Cuts the file on disk to `size` bytes, no
     * more than size() reports, dropping a preallocated tail; the append
     * position becomes `size`.  Not durable until the next sync. */
    int (*truncate)(shale_file *f, uint64_t size, shale_err *err);
} shale_file_ops;

struct shale_file {
    const shale_file_ops *ops;
    const char *name;      /* path it was opened with; owned by the file */
};

typedef struct shale_env_ops {
    /* Opens an existing file for reading.  Missing: SHALE_NOT_FOUND. */
    int (*open_read)(shale_env *env, const char *path, shale_file **out, shale_err *err);
    /* Creates (or truncates) a file for appending. */
    int (*open_write)(shale_env *env, const char *path, shale_file **out, shale_err *err);
    /* Opens a file for appending at its end, creating it if missing. */
    int (*open_append)(shale_env *env, const char *path, shale_file **out, shale_err *err);
    int (*remove)(shale_env *env, const char *path, shale_err *err);
    /* Atomically replaces `to` with `from` (rename(2)). */
    int (*rename)(shale_env *env, const char *from, const char *to, shale_err *err);
    /* Creates a directory; an existing one is fine. */
    int (*mkdir)(shale_env *env, const char *path, shale_err *err);
    int (*rmdir)(shale_env *env, const char *path, shale_err *err);
    /* Makes creates, renames and removes inside directory `path` durable. */
    int (*sync_dir)(shale_env *env, const char *path, shale_err *err);
    /* Lists the names (not paths) in a directory, without "." and "..".
     * *names is a malloc'd array of malloc'd strings: free with
     * shale_env_free_names(). */
    int (*list_dir)(shale_env *env, const char *path, char ***names, size_t *count,
                    shale_err *err);
    /* Size of a file by path.  Missing: SHALE_NOT_FOUND. */
    int (*file_size)(shale_env *env, const char *path, uint64_t *size, shale_err *err);
    /* Truncates a file to `size` bytes. */
    int (*truncate)(shale_env *env, const char *path, uint64_t size, shale_err *err);
    /* Takes an exclusive advisory lock on `path` (created if missing), for
     * as long as *lock stays open.  Held by another: SHALE_BUSY (or
     * SHALE_IO_ERROR).  Release with the file's close. */
    int (*lock_file)(shale_env *env, const char *path, shale_file **lock, shale_err *err);
    /* Hard link (checkpoints); SHALE_NOT_SUPPORTED where impossible. */
    int (*link)(shale_env *env, const char *from, const char *to, shale_err *err);
    /* Microseconds since the epoch; wall clock. */
    uint64_t (*now_micros)(shale_env *env);
    /* Nanoseconds from an arbitrary start; monotonic. */
    uint64_t (*now_nanos)(shale_env *env);
    void (*sleep_micros)(shale_env *env, uint64_t micros);
} shale_env_ops;

struct shale_env {
    const shale_env_ops *ops;
};

/* shale_env_default(): the POSIX env; a static object, never freed. */
SHALE_API shale_env *shale_env_default(void);

/* shale_env_free_names(): frees a list_dir result.  NULL allowed. */
SHALE_API void shale_env_free_names(char **names, size_t count);

/* Convenience wrappers: env->ops->X(env, ...). */
static inline int shale_env_open_read(shale_env *e, const char *p, shale_file **f, shale_err *err)
{ return e->ops->open_read(e, p, f, err); }
static inline int shale_env_open_write(shale_env *e, const char *p, shale_file **f, shale_err *err)
{ return e->ops->open_write(e, p, f, err); }
static inline int shale_file_pread(shale_file *f, uint64_t off, size_t n, char *buf, size_t *got,
                                   shale_err *err)
{ return f->ops->pread(f, off, n, buf, got, err); }
static inline int shale_file_append(shale_file *f, const char *d, size_t n, shale_err *err)
{ return f->ops->append(f, d, n, err); }
static inline int shale_file_sync(shale_file *f, shale_err *err)
{ return f->ops->sync(f, err); }
static inline int shale_file_size(shale_file *f, uint64_t *size, shale_err *err)
{ return f->ops->size(f, size, err); }
/* Whether f can preallocate: both optional ops present. */
static inline bool shale_file_can_allocate(const shale_file *f)
{ return f->ops->allocate != NULL && f->ops->truncate != NULL; }
/* NULL-safe, like every release function. */
static inline int shale_file_close(shale_file *f, shale_err *err)
{ return f == NULL ? SHALE_OK : f->ops->close(f, err); }

#ifdef __cplusplus
}
#endif
#endif
