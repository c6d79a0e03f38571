/* lsm/version/filenames.h: the names of the files in a DB directory, as
 * RocksDB 7.8.3 spells them (file/filename.cc; rocksdb-format.md §5.1), and
 * the CURRENT file that points at the live MANIFEST (§5.2).
 *
 *   kind               name                  number
 *   FILE_TABLE         000123.sst (.ldb)     the file number
 *   FILE_WAL           000124.log            the file number
 *   FILE_MANIFEST      MANIFEST-000005       the file number
 *   FILE_CURRENT       CURRENT               0
 *   FILE_OPTIONS       OPTIONS-000007        the file number
 *   FILE_OPTIONS_TEMP  OPTIONS-000007.dbtmp  the file number
 *   FILE_TEMP          000005.dbtmp          the file number
 *   FILE_IDENTITY      IDENTITY              0
 *   FILE_LOCK          LOCK                  0
 *   FILE_INFO_LOG      LOG / LOG.old.<us>    0, or the micros suffix
 *   FILE_BLOB          000125.blob           the file number (BlobDB)
 *
 * Numbers are written zero-padded to at least 6 decimal digits; the parser
 * accepts any digit count that fits in 64 bits, like RocksDB's.  Names are
 * never localised: digits are parsed by hand, not with strtoull. */
#ifndef LSM_VERSION_FILENAMES_H
#define LSM_VERSION_FILENAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/env.h"
#include "shale/err.h"

enum file_kind {
    FILE_TABLE,
    FILE_WAL,
    FILE_MANIFEST,
    FILE_CURRENT,
    FILE_OPTIONS,
    FILE_OPTIONS_TEMP,
    FILE_TEMP,
    FILE_IDENTITY,
    FILE_LOCK,
    FILE_INFO_LOG,
    FILE_BLOB,
};

/* Longest name filename_format() writes (20 digits of a uint64 plus
 * "OPTIONS-" and ".dbtmp"), with its NUL. */
#define FILENAME_MAX_LEN 40

/* filename_format(): writes the name of (kind, number) into buf (NUL
 * included) and returns its length, or 0 if it does not fit in n bytes.
 * Kinds without a number ignore it, except FILE_INFO_LOG: 0 gives "LOG",
 * any other number "LOG.old.<number>". */
size_t filename_format(char *buf, size_t n, enum file_kind kind, uint64_t number);

/* filename_path(): "dir/<name>" as a new string (free with free()); NULL
 * when out of memory.  A dir ending in '/' gets no second slash. */
char *filename_path(const char *dir, enum file_kind kind, uint64_t number);

/* filename_parse(): recognises a directory entry name (no directory part).
 * true: *kind and *number are set (number 0 for kinds without one).
 * false: the name is not one of ours (junk, a stray suffix, a number that
 * overflows 64 bits, an empty number); *kind and *number are untouched. */
bool filename_parse(const char *name, enum file_kind *kind, uint64_t *number);

/* set_current_file(): points CURRENT at MANIFEST-<manifest_number>.  Writes
 * "MANIFEST-NNNNNN\n" to <dir>/NNNNNN.dbtmp, syncs it, renames it over
 * CURRENT and syncs the directory, so a crash leaves either the old or the
 * new CURRENT.  On failure the temp file is removed (best effort).
 *   SHALE_OK, SHALE_IO_ERROR (env's errno kept), SHALE_NO_MEMORY. */
int set_current_file(shale_env *env, const char *dir, uint64_t manifest_number,
                     shale_err *err);

/* read_current_file(): reads <dir>/CURRENT and returns the MANIFEST number
 * it names in *manifest_number.
 *   SHALE_OK
 *   SHALE_NOT_FOUND   no CURRENT file
 *   SHALE_CORRUPTION  "CURRENT file does not end with newline", or the
 *                     name is not MANIFEST-<digits> ("CURRENT file corrupted")
 *   SHALE_IO_ERROR, SHALE_NO_MEMORY */
int read_current_file(shale_env *env, const char *dir, uint64_t *manifest_number,
                      shale_err *err);

#endif
