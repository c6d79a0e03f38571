/* tests/lsm/db/db_test_util.h: helpers for the database tests: open with
 * small buffers so flushes and compactions happen, and assert on reads. */
#ifndef TESTS_LSM_DB_DB_TEST_UTIL_H
#define TESTS_LSM_DB_DB_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "shale/db.h"

/* Options for tests: create_if_missing, a 64 KiB write buffer (so data
 * reaches SSTs quickly), small target files and level sizes. */
shale_options *tdb_options(void);
/* Opens dir with o (NULL: tdb_options()); asserts success. */
shale_db *tdb_open(const char *dir, const shale_options *o);
void tdb_close(shale_db *db);
void tdb_put(shale_db *db, const char *k, const char *v);
void tdb_del(shale_db *db, const char *k);
/* The value of k as a malloc'd NUL-terminated string, or NULL if absent;
 * asserts that the read itself succeeded. */
char *tdb_get(shale_db *db, const char *k);
/* Asserts get(k) == want (NULL: absent). */
void tdb_expect(shale_db *db, const char *k, const char *want);
/* Copies a directory tree (cp -r); asserts success. */
void tdb_copy_dir(const char *from, const char *to);

#endif
