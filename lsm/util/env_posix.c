/* lsm/util/env_posix.c: the default shale_env over POSIX calls.
 * Files are plain file descriptors; reads use pread(2), so one file serves
 * many reader threads.  Appends go straight to write(2): buffering belongs
 * to the writers above (log and table builders), which batch their bytes.
 * Every failure is SHALE_IO_ERROR with errno and the path, except a missing
 * file on open/size (SHALE_NOT_FOUND) and a held lock (SHALE_BUSY).
 *
 * Preallocation: allocate() extends a file from open_write with
 * fallocate(fd, 0, ...), so later appends land inside the file's size and a
 * synced append need not journal a new size.  Appends still go where they
 * were: write(2) advances the descriptor's offset, which fallocate leaves
 * alone.  An O_APPEND file (open_append) would write at the new end, so
 * there only space is reserved (FALLOC_FL_KEEP_SIZE). */
#include "shale/env.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lsm/util/err.h"

typedef struct posix_file {
    shale_file base;
    int fd;
    uint64_t size;   /* for writable files: bytes appended so far */
    bool writable;
    bool append_mode; /* O_APPEND: writes go to the end of the file on disk */
    bool is_lock;    /* listed in locked_paths until closed */
} posix_file;

/* fcntl locks are per process: a second lock of the same file by this
 * process would succeed.  So, as RocksDB does, the paths this process has
 * locked are also kept here, and a second lock is refused. */
static pthread_mutex_t locked_mu = PTHREAD_MUTEX_INITIALIZER;
static char **locked_paths;
static size_t n_locked;

static bool locked_add(const char *path)
{
    pthread_mutex_lock(&locked_mu);
    bool ok = true;
    for (size_t i = 0; i < n_locked && ok; i++)
        ok = strcmp(locked_paths[i], path) != 0;
    char **v = ok ? realloc(locked_paths, (n_locked + 1) * sizeof *v) : NULL;
    char *copy = v != NULL ? strdup(path) : NULL;
    if (v != NULL)
        locked_paths = v;
    if (copy != NULL)
        locked_paths[n_locked++] = copy;
    pthread_mutex_unlock(&locked_mu);
    return ok && copy != NULL;
}

static void locked_remove(const char *path)
{
    pthread_mutex_lock(&locked_mu);
    for (size_t i = 0; i < n_locked; i++)
        if (strcmp(locked_paths[i], path) == 0) {
            free(locked_paths[i]);
            locked_paths[i] = locked_paths[--n_locked];
            break;
        }
    pthread_mutex_unlock(&locked_mu);
}

static int io_fail(shale_err *err, int e, const char *what, const char *path)
{
    if (e == ENOENT)
        return SHALE_ERR(err, SHALE_NOT_FOUND, "%s: %s: %s", what, path, strerror(e));
    return SHALE_IOERR(err, e, "%s %s", what, path);
}

static int pf_pread(shale_file *f, uint64_t off, size_t n, char *buf, size_t *got, shale_err *err)
{
    posix_file *pf = (posix_file *)f;
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(pf->fd, buf + done, n - done, (off_t)(off + done));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            *got = done;
            return io_fail(err, errno, "While pread", f->name);
        }
        if (r == 0)
            break;
        done += (size_t)r;
    }
    *got = done;
    return SHALE_OK;
}

static int pf_append(shale_file *f, const char *data, size_t n, shale_err *err)
{
    posix_file *pf = (posix_file *)f;
    while (n > 0) {
        ssize_t w = write(pf->fd, data, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return io_fail(err, errno, "While appending to file", f->name);
        }
        data += w;
        n -= (size_t)w;
        pf->size += (uint64_t)w;
    }
    return SHALE_OK;
}

static int pf_sync(shale_file *f, shale_err *err)
{
    posix_file *pf = (posix_file *)f;
    if (fdatasync(pf->fd) != 0)
        return io_fail(err, errno, "While fdatasync", f->name);
    return SHALE_OK;
}

static int pf_size(shale_file *f, uint64_t *size, shale_err *err)
{
    posix_file *pf = (posix_file *)f;
    if (pf->writable) {
        *size = pf->size;
        return SHALE_OK;
    }
    struct stat st;
    if (fstat(pf->fd, &st) != 0)
        return io_fail(err, errno, "While fstat", f->name);
    *size = (uint64_t)st.st_size;
    return SHALE_OK;
}

static int pf_close(shale_file *f, shale_err *err)
{
    posix_file *pf = (posix_file *)f;
    int rc = SHALE_OK;
    if (pf->is_lock)
        locked_remove(f->name);
    if (close(pf->fd) != 0)
        rc = io_fail(err, errno, "While close", f->name);
    free((char *)f->name);
    free(pf);
    return rc;
}

/* File systems without fallocate answer these: nothing is reserved. */
static bool fallocate_unsupported(int e)
{
    return e == EOPNOTSUPP || e == ENOSYS || e == EINVAL;
}

static int pf_allocate(shale_file *f, uint64_t off, uint64_t len, shale_err *err)
{
    posix_file *pf = (posix_file *)f;
    if (!pf->writable)
        return SHALE_INVALID(err, "allocate: %s is not open for writing", f->name);
    if (len == 0 || off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off)
        return len == 0 ? SHALE_OK : SHALE_INVALID(err, "allocate: range too large for %s",
                                                   f->name);
    int mode = pf->append_mode ? FALLOC_FL_KEEP_SIZE : 0;
    int r;
    do {
        r = fallocate(pf->fd, mode, (off_t)off, (off_t)len);
    } while (r != 0 && errno == EINTR);
    if (r != 0 && !fallocate_unsupported(errno))
        return SHALE_IOERR(err, errno, "While fallocate %s", f->name);
    return SHALE_OK;
}

static int pf_truncate(shale_file *f, uint64_t size, shale_err *err)
{
    posix_file *pf = (posix_file *)f;
    if (!pf->writable || size > pf->size)
        return SHALE_INVALID(err, "truncate: %s to %llu bytes of %llu written", f->name,
                             (unsigned long long)size, (unsigned long long)pf->size);
    if (ftruncate(pf->fd, (off_t)size) != 0)
        return io_fail(err, errno, "While ftruncate", f->name);
    if (!pf->append_mode && size < pf->size && lseek(pf->fd, (off_t)size, SEEK_SET) < 0)
        return io_fail(err, errno, "While lseek", f->name);
    pf->size = size;
    return SHALE_OK;
}

static const shale_file_ops posix_file_ops = {
    .pread = pf_pread, .append = pf_append, .sync = pf_sync, .size = pf_size, .close = pf_close,
    .allocate = pf_allocate, .truncate = pf_truncate,
};

static int open_fd(const char *path, int flags, bool writable, shale_file **out, shale_err *err)
{
    *out = NULL;
    posix_file *pf = calloc(1, sizeof *pf);
    char *name = strdup(path);
    if (pf == NULL || name == NULL) {
        free(pf);
        free(name);
        return SHALE_NOMEM(err);
    }
    int fd;
    do {
        fd = open(path, flags | O_CLOEXEC, 0644);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int e = errno;
        free(pf);
        free(name);
        if (flags & O_CREAT) /* a missing directory: an I/O error, as RocksDB says */
            return SHALE_IOERR(err, e, "While open a file for appending: %s", path);
        return io_fail(err, e, "While open a file for reading", path);
    }
    pf->base.ops = &posix_file_ops;
    pf->base.name = name;
    pf->fd = fd;
    pf->writable = writable;
    pf->append_mode = (flags & O_APPEND) != 0;
    if (writable && (flags & O_APPEND)) {
        struct stat st;
        if (fstat(fd, &st) == 0)
            pf->size = (uint64_t)st.st_size;
    }
    *out = &pf->base;
    return SHALE_OK;
}

static int pe_open_read(shale_env *e, const char *path, shale_file **out, shale_err *err)
{
    return open_fd(path, O_RDONLY, false, out, err);
}

static int pe_open_write(shale_env *e, const char *path, shale_file **out, shale_err *err)
{
    return open_fd(path, O_WRONLY | O_CREAT | O_TRUNC, true, out, err);
}

static int pe_open_append(shale_env *e, const char *path, shale_file **out, shale_err *err)
{
    return open_fd(path, O_WRONLY | O_CREAT | O_APPEND, true, out, err);
}

static int pe_remove(shale_env *e, const char *path, shale_err *err)
{
    return unlink(path) == 0 ? SHALE_OK : io_fail(err, errno, "While unlink", path);
}

static int pe_rename(shale_env *e, const char *from, const char *to, shale_err *err)
{
    return rename(from, to) == 0 ? SHALE_OK : io_fail(err, errno, "While renaming a file to", to);
}

static int pe_mkdir(shale_env *e, const char *path, shale_err *err)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return SHALE_OK;
    return io_fail(err, errno, "While mkdir", path);
}

static int pe_rmdir(shale_env *e, const char *path, shale_err *err)
{
    return rmdir(path) == 0 ? SHALE_OK : io_fail(err, errno, "While rmdir", path);
}

static int pe_sync_dir(shale_env *e, const char *path, shale_err *err)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return io_fail(err, errno, "While open directory", path);
    int rc = SHALE_OK;
    if (fsync(fd) != 0)
        rc = io_fail(err, errno, "While fsync directory", path);
    close(fd);
    return rc;
}

static int pe_list_dir(shale_env *e, const char *path, char ***names, size_t *count, shale_err *err)
{
    *names = NULL;
    *count = 0;
    DIR *d = opendir(path);
    if (d == NULL)
        return io_fail(err, errno, "While opendir", path);
    size_t n = 0, cap = 16;
    char **v = malloc(cap * sizeof *v);
    struct dirent *ent;
    while (v != NULL && (ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        if (n == cap) {
            char **nv = realloc(v, 2 * cap * sizeof *v);
            if (nv == NULL)
                break;
            v = nv;
            cap *= 2;
        }
        if ((v[n] = strdup(ent->d_name)) == NULL)
            break;
        n++;
    }
    bool complete = v != NULL && ent == NULL;
    closedir(d);
    if (!complete) {
        shale_env_free_names(v, n);
        return SHALE_NOMEM(err);
    }
    *names = v;
    *count = n;
    return SHALE_OK;
}

static int pe_file_size(shale_env *e, const char *path, uint64_t *size, shale_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return io_fail(err, errno, "While stat a file for size", path);
    *size = (uint64_t)st.st_size;
    return SHALE_OK;
}

static int pe_truncate(shale_env *e, const char *path, uint64_t size, shale_err *err)
{
    return truncate(path, (off_t)size) == 0 ? SHALE_OK : io_fail(err, errno, "While truncate", path);
}

/* The canonical path of a file that may not exist yet: its directory
 * resolved, then its name.  malloc'd; NULL on failure. */
static char *canonical_path(const char *path)
{
    char *real = realpath(path, NULL);
    if (real != NULL)
        return real;
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? strdup(".") : strndup(path, (size_t)(slash - path));
    char *rdir = dir != NULL ? realpath(slash == path ? "/" : dir, NULL) : NULL;
    const char *base = slash == NULL ? path : slash + 1;
    size_t n = rdir != NULL ? strlen(rdir) + strlen(base) + 2 : 0;
    char *out = n > 0 ? malloc(n) : NULL;
    if (out != NULL)
        snprintf(out, n, "%s/%s", rdir, base);
    free(dir);
    free(rdir);
    return out;
}

static int pe_lock_file(shale_env *e, const char *path, shale_file **lock, shale_err *err)
{
    /* Registered before the file is opened: closing a second descriptor of
     * a locked file would drop this process's fcntl lock on it. */
    char *real = canonical_path(path);
    if (real == NULL)
        return SHALE_IOERR(err, errno, "While lock file %s", path);
    if (!locked_add(real)) {
        free(real);
        return SHALE_ERR(err, SHALE_BUSY, "While lock file: %s: lock hold by current process",
                         path);
    }
    int rc = open_fd(path, O_RDWR | O_CREAT, false, lock, err);
    if (rc != SHALE_OK) {
        locked_remove(real);
        free(real);
        return rc;
    }
    /* the lock is registered under its real path: the file's name says so */
    free((char *)(*lock)->name);
    (*lock)->name = real;
    ((posix_file *)*lock)->is_lock = true;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(((posix_file *)*lock)->fd, F_SETLK, &fl) != 0) {
        int e2 = errno;
        shale_file_close(*lock, NULL);
        *lock = NULL;
        if (e2 == EACCES || e2 == EAGAIN)
            return SHALE_ERR(err, SHALE_BUSY, "lock hold by current process or another: %s",
                             path);
        return io_fail(err, e2, "While lock file", path);
    }
    return SHALE_OK;
}

static int pe_link(shale_env *e, const char *from, const char *to, shale_err *err)
{
    if (link(from, to) == 0)
        return SHALE_OK;
    if (errno == EXDEV || errno == EPERM || errno == EMLINK)
        return SHALE_UNSUPPORTED(err, "cannot hard-link %s to %s: %s", from, to, strerror(errno));
    return io_fail(err, errno, "While link", to);
}

static uint64_t pe_now_micros(shale_env *e)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t pe_now_nanos(shale_env *e)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void pe_sleep_micros(shale_env *e, uint64_t micros)
{
    struct timespec ts = {(time_t)(micros / 1000000u), (long)(micros % 1000000u) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static const shale_env_ops posix_env_ops = {
    .open_read = pe_open_read,   .open_write = pe_open_write, .open_append = pe_open_append,
    .remove = pe_remove,         .rename = pe_rename,         .mkdir = pe_mkdir,
    .rmdir = pe_rmdir,           .sync_dir = pe_sync_dir,     .list_dir = pe_list_dir,
    .file_size = pe_file_size,   .truncate = pe_truncate,     .lock_file = pe_lock_file,
    .link = pe_link,             .now_micros = pe_now_micros, .now_nanos = pe_now_nanos,
    .sleep_micros = pe_sleep_micros,
};

static shale_env posix_env = {&posix_env_ops};

shale_env *shale_env_default(void) { return &posix_env; }

void shale_env_free_names(char **names, size_t count)
{
    if (names == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}
