/* lsm/util/logger.h: the info log, a text file named LOG in the database
 * directory, in the layout RocksDB 7.8.3's PosixLogger writes, so the
 * scripts people run over RocksDB logs work on ours:
 *
 *   2026/11/25-13:06:07.123456 1f2a3 [WARN] [lsm/db/db_open.c:177] message
 *   ^ local time, microseconds  ^ thread id, hex
 *
 * INFO and HEADER lines carry no level tag; the other levels carry
 * "[DEBUG] ", "[WARN] ", "[ERROR] " or "[FATAL] " (RocksDB's Logger::Logv).
 * Opening renames an existing LOG to LOG.old.<micros since epoch>, as
 * RocksDB's CreateLoggerFromOptions does, and starts a new LOG.
 *
 * A NULL logger accepts every call and does nothing, so callers need not
 * branch on whether the log could be opened.
 *
 * Thread-safety: logger_log()/logger_header() may be called from any
 * number of threads; each line is formatted outside the lock and written
 * with one append under it, so lines never interleave.  logger_close()
 * must not race with anything. */
#ifndef LSM_UTIL_LOGGER_H
#define LSM_UTIL_LOGGER_H

#include <stdarg.h>
#include <stdint.h>

#include "shale/api.h"
#include "shale/db.h"
#include "shale/env.h"
#include "shale/err.h"

typedef struct logger logger;

/* Longest line written (RocksDB's cap too); longer messages are cut. */
#define LOGGER_MAX_LINE 65536

/* logger_open(): renames <dbdir>/LOG to <dbdir>/LOG.old.<now_micros> if it
 * exists, creates a new <dbdir>/LOG (and dbdir itself if missing) and
 * returns a logger writing to it.  Lines below `level` (an enum
 * shale_info_log_level) are dropped, except header lines.
 *   SHALE_OK          *out is the logger; close with logger_close().
 *   SHALE_IO_ERROR    *out = NULL (env's errno kept).
 *   SHALE_NO_MEMORY   *out = NULL. */
int logger_open(shale_env *env, const char *dbdir, int level, logger **out, shale_err *err);

/* logger_close(): flushes nothing (every line is already written), syncs
 * the file (best effort) and releases the logger.  NULL allowed. */
void logger_close(logger *lg);

/* logger_log(): one line at `level`, printf-style.  A trailing '\n' in the
 * message is not doubled.  Write errors are dropped: logging never fails
 * the caller.  lg NULL: nothing. */
void logger_log(logger *lg, int level, const char *fmt, ...) SHALE_PRINTF(3, 4);
void logger_logv(logger *lg, int level, const char *fmt, va_list ap) SHALE_PRINTF(3, 0);

/* logger_header(): a line written whatever the level (RocksDB's
 * HEADER_LEVEL: the version banner and the options dump). */
void logger_header(logger *lg, const char *fmt, ...) SHALE_PRINTF(2, 3);

/* logger_log_at(): logger_log() with RocksDB's "[file:line] " source tag
 * in front of the message; `file` is cut to its path from "lsm/" (or its
 * base name).  Use through LOGGER_INFO() etc. */
void logger_log_at(logger *lg, int level, const char *file, int line, const char *fmt, ...)
    SHALE_PRINTF(5, 6);

#define LOGGER_DEBUG(lg, ...) logger_log_at((lg), SHALE_LOG_DEBUG, __FILE__, __LINE__, __VA_ARGS__)
#define LOGGER_INFO(lg, ...) logger_log_at((lg), SHALE_LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define LOGGER_WARN(lg, ...) logger_log_at((lg), SHALE_LOG_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define LOGGER_ERROR(lg, ...) logger_log_at((lg), SHALE_LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)

/* logger_level(): the configured level; SHALE_LOG_HEADER for NULL (so a
 * caller skipping costly formatting below the level skips everything). */
int logger_level(const logger *lg);

/* logger_level_name(): RocksDB's spelling for the OPTIONS file,
 * "DEBUG_LEVEL" ... "HEADER_LEVEL"; NULL if out of range. */
const char *logger_level_name(int level);

#endif
