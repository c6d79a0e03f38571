/* tests/support/test_util.h: helpers shared by the Criterion suites: temp
 * directories, fixture paths, reading files, running commands. */
#ifndef TESTS_SUPPORT_TEST_UTIL_H
#define TESTS_SUPPORT_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Path of a file in ../shared/fixtures/rocksdb-7.8.3; a static buffer per
 * call site is not needed: returns a malloc'd string (free it). */
char *fixture_path(const char *name);
/* Makes a fresh empty directory under $TMPDIR (or /tmp); malloc'd path. */
char *test_tmpdir(const char *tag);
/* Removes a directory tree (rm -rf). */
void test_rmtree(const char *path);
/* Reads a whole file; malloc'd, *len set; NULL if unreadable. */
char *test_read_file(const char *path, size_t *len);
/* Writes a whole file; false on error. */
bool test_write_file(const char *path, const void *data, size_t len);
/* Runs a shell command, capturing stdout (malloc'd, NUL-terminated) and the
 * exit status.  Returns NULL if the command could not be started. */
char *test_run(const char *cmd, int *status);
/* Whether a program is on PATH. */
bool test_have_program(const char *name);
/* Path of a build-tree executable (e.g. "sst-dump"); malloc'd. */
char *build_path(const char *name);

#endif
