/* lsm/util/logger.c: the info LOG (see logger.h for the line layout).
 * Each line is formatted into one buffer (the stack for ordinary lines,
 * the heap up to LOGGER_MAX_LINE for long ones) and written with a single
 * env append under the mutex.  The POSIX env's append is a write(2), so a
 * line reaches the OS as soon as it is logged: a crash loses no finished
 * line, and readers (tail -f, tests) see whole lines only. */
#include "lsm/util/logger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lsm/util/err.h"
#include "lsm/util/mutex.h"

struct logger {
    shale_env *env;       /* immutable after open */
    int level;            /* immutable after open */
    shale_mutex mu;       /* serializes appends to file */
    shale_file *file;     /* appends under mu */
};

/* Room for the timestamp, thread id, level tag and "[file:line] " tag. */
#define PREFIX_MAX 384
#define STACK_LINE 1024

static const char *const level_names[] = {
    "DEBUG_LEVEL", "INFO_LEVEL", "WARN_LEVEL", "ERROR_LEVEL", "FATAL_LEVEL", "HEADER_LEVEL",
};

/* The tag RocksDB's Logger::Logv puts before a message; "" for INFO and
 * HEADER, which carry none. */
static const char *level_tag(int level)
{
    switch (level) {
    case SHALE_LOG_DEBUG: return "[DEBUG] ";
    case SHALE_LOG_WARN: return "[WARN] ";
    case SHALE_LOG_ERROR: return "[ERROR] ";
    case SHALE_LOG_FATAL: return "[FATAL] ";
    default: return "";
    }
}

const char *logger_level_name(int level)
{
    if (level < 0 || level >= (int)(sizeof level_names / sizeof level_names[0]))
        return NULL;
    return level_names[level];
}

int logger_level(const logger *lg)
{
    return lg == NULL ? SHALE_LOG_HEADER : lg->level;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s%s%s", dir, (dir[0] != '\0' && dir[strlen(dir) - 1] == '/') ? "" : "/",
                 name);
    return p;
}

/* Moves an existing LOG aside as LOG.old.<micros>; a missing LOG is fine. */
static int rotate_old_log(shale_env *env, const char *dbdir, const char *path, shale_err *err)
{
    uint64_t size;
    int rc = env->ops->file_size(env, path, &size, NULL);
    if (rc == SHALE_NOT_FOUND)
        return SHALE_OK;
    char name[48];
    snprintf(name, sizeof name, "LOG.old.%llu", (unsigned long long)env->ops->now_micros(env));
    char *old = join(dbdir, name);
    if (old == NULL)
        return SHALE_NOMEM(err);
    rc = env->ops->rename(env, path, old, err);
    free(old);
    return rc;
}

int logger_open(shale_env *env, const char *dbdir, int level, logger **out, shale_err *err)
{
    *out = NULL;
    int rc = env->ops->mkdir(env, dbdir, err);
    if (rc != SHALE_OK)
        return rc;
    char *path = join(dbdir, "LOG");
    logger *lg = calloc(1, sizeof *lg);
    if (path == NULL || lg == NULL) {
        rc = SHALE_NOMEM(err);
        goto out;
    }
    if ((rc = rotate_old_log(env, dbdir, path, err)) != SHALE_OK ||
        (rc = env->ops->open_write(env, path, &lg->file, err)) != SHALE_OK)
        goto out;
    lg->env = env;
    lg->level = level;
    shale_mutex_init(&lg->mu);
    *out = lg;
    lg = NULL;
out:
    free(lg);
    free(path);
    return rc;
}

void logger_close(logger *lg)
{
    if (lg == NULL)
        return;
    (void)shale_file_sync(lg->file, NULL);
    (void)shale_file_close(lg->file, NULL);
    shale_mutex_deinit(&lg->mu);
    free(lg);
}

static unsigned long long thread_id(void)
{
#ifdef SYS_gettid
    return (unsigned long long)syscall(SYS_gettid);
#else
    return (unsigned long long)(uintptr_t)pthread_self();
#endif
}

/* "yyyy/mm/dd-hh:mm:ss.uuuuuu <tid hex> <level tag><src tag>" into buf. */
static size_t format_prefix(logger *lg, int level, const char *file, int line, char *buf,
                            size_t n)
{
    uint64_t micros = lg->env->ops->now_micros(lg->env);
    time_t secs = (time_t)(micros / 1000000);
    struct tm t;
    localtime_r(&secs, &t);
    int len = snprintf(buf, n, "%04d/%02d/%02d-%02d:%02d:%02d.%06d %llx %s", t.tm_year + 1900,
                       t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
                       (int)(micros % 1000000), thread_id(), level_tag(level));
    if (len < 0)
        return 0;
    if (file != NULL && (size_t)len < n)
        len += snprintf(buf + len, n - (size_t)len, "[%s:%d] ", file, line);
    return (size_t)len < n ? (size_t)len : n - 1;
}

/* Appends one finished line (with its '\n') under the lock. */
static void write_line(logger *lg, const char *line, size_t len)
{
    shale_mutex_lock(&lg->mu);
    (void)shale_file_append(lg->file, line, len, NULL);
    shale_mutex_unlock(&lg->mu);
}

static void emit(logger *lg, int level, const char *file, int line, const char *fmt, va_list ap)
    SHALE_PRINTF(5, 0);

static void emit(logger *lg, int level, const char *file, int line, const char *fmt, va_list ap)
{
    char stack[STACK_LINE + PREFIX_MAX];
    size_t plen = format_prefix(lg, level, file, line, stack, PREFIX_MAX);
    char *buf = stack;
    size_t cap = sizeof stack;
    va_list again;
    va_copy(again, ap);
    int need = vsnprintf(buf + plen, cap - plen, fmt, ap);
    if (need >= 0 && plen + (size_t)need + 2 > cap) {
        cap = plen + (size_t)need + 2 < LOGGER_MAX_LINE ? plen + (size_t)need + 2 : LOGGER_MAX_LINE;
        char *heap = malloc(cap);
        if (heap != NULL) {
            memcpy(heap, stack, plen);
            buf = heap;
            (void)vsnprintf(buf + plen, cap - plen, fmt, again);
        } else {
            cap = sizeof stack;            /* keep the truncated stack copy */
        }
    }
    va_end(again);
    size_t len = need < 0 ? plen : plen + strlen(buf + plen);
    if (len > cap - 2)
        len = cap - 2;
    if (len == 0 || buf[len - 1] != '\n')
        buf[len++] = '\n';
    write_line(lg, buf, len);
    if (buf != stack)
        free(buf);
}

void logger_logv(logger *lg, int level, const char *fmt, va_list ap)
{
    if (lg == NULL || (level < lg->level && level != SHALE_LOG_HEADER))
        return;
    emit(lg, level, NULL, 0, fmt, ap);
}

void logger_log(logger *lg, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    logger_logv(lg, level, fmt, ap);
    va_end(ap);
}

void logger_header(logger *lg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    logger_logv(lg, SHALE_LOG_HEADER, fmt, ap);
    va_end(ap);
}

/* The source path as RocksDB shows it: from the last "lsm/" on (our
 * top-level folder), else the base name. */
static const char *short_file(const char *file)
{
    const char *best = NULL;
    for (const char *p = strstr(file, "lsm/"); p != NULL; p = strstr(p + 1, "lsm/"))
        if (p == file || p[-1] == '/')
            best = p;
    if (best != NULL)
        return best;
    const char *slash = strrchr(file, '/');
    return slash != NULL ? slash + 1 : file;
}

void logger_log_at(logger *lg, int level, const char *file, int line, const char *fmt, ...)
{
    if (lg == NULL || (level < lg->level && level != SHALE_LOG_HEADER))
        return;
    va_list ap;
    va_start(ap, fmt);
    emit(lg, level, short_file(file), line, fmt, ap);
    va_end(ap);
}
