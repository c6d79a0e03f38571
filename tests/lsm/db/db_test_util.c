/* tests/lsm/db/db_test_util.c: see db_test_util.h. */
#include "tests/lsm/db/db_test_util.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

shale_options *tdb_options(void)
{
    shale_options *o = shale_options_new();
    shale_options_set_create_if_missing(o, true);
    shale_options_set_write_buffer_size(o, 64 * 1024);
    shale_options_set_target_file_size_base(o, 64 * 1024);
    shale_options_set_max_bytes_for_level_base(o, 256 * 1024);
    return o;
}

shale_db *tdb_open(const char *dir, const shale_options *o)
{
    shale_options *own = o == NULL ? tdb_options() : NULL;
    shale_db *db = NULL;
    shale_err err = {0};
    int rc = shale_db_open(o != NULL ? o : own, dir, &db, &err);
    cr_assert_eq(rc, SHALE_OK, "open %s: %s: %s", dir, shale_code_name(rc), err.msg);
    shale_options_free(own);
    return db;
}

void tdb_close(shale_db *db)
{
    shale_err err = {0};
    cr_assert_eq(shale_db_close(db, &err), SHALE_OK, "close: %s", err.msg);
}

void tdb_put(shale_db *db, const char *k, const char *v)
{
    shale_err err = {0};
    cr_assert_eq(shale_put(db, NULL, k, strlen(k), v, strlen(v), &err), SHALE_OK, "put %s: %s", k,
                 err.msg);
}

void tdb_del(shale_db *db, const char *k)
{
    shale_err err = {0};
    cr_assert_eq(shale_delete(db, NULL, k, strlen(k), &err), SHALE_OK, "delete %s: %s", k,
                 err.msg);
}

char *tdb_get(shale_db *db, const char *k)
{
    char *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    int rc = shale_get(db, NULL, k, strlen(k), &v, &n, &err);
    cr_assert(rc == SHALE_OK || rc == SHALE_NOT_FOUND, "get %s: %s: %s", k, shale_code_name(rc),
              err.msg);
    if (rc == SHALE_NOT_FOUND)
        return NULL;
    char *s = malloc(n + 1);
    memcpy(s, v, n);
    s[n] = '\0';
    shale_free(v);
    return s;
}

void tdb_expect(shale_db *db, const char *k, const char *want)
{
    char *got = tdb_get(db, k);
    if (want == NULL)
        cr_assert_null(got, "%s: expected absent, got '%s'", k, got);
    else {
        cr_assert_not_null(got, "%s: expected '%s', got nothing", k, want);
        cr_assert_str_eq(got, want, "%s", k);
    }
    free(got);
}

void tdb_copy_dir(const char *from, const char *to)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s' && chmod -R u+w '%s'", to, from, to,
             to);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}
