/* tests/compat/programs/basic.c: open and close, put/get/delete, error
 * categories of opening (missing, existing, locked), reopening, destroy. */
#include "prog_util.h"

static void reads(rocksdb_t *db, const rocksdb_readoptions_t *ro)
{
    print_get(db, ro, "alpha");
    print_get(db, ro, "beta");
    print_get(db, ro, "missing");
}

int main(int argc, char **argv)
{
    char path[4096];
    join_path(path, sizeof path, work_dir(argc, argv), "db");
    char *err = NULL;
    rocksdb_options_t *opts = rocksdb_options_create();
    rocksdb_t *db = rocksdb_open(opts, path, &err);
    report("open missing without create_if_missing", &err);
    printf("handle is %s\n", db == NULL ? "NULL" : "set");

    rocksdb_options_set_create_if_missing(opts, 1);
    db = rocksdb_open(opts, path, &err);
    report("open with create_if_missing", &err);
    rocksdb_t *second = rocksdb_open(opts, path, &err);
    report("second open of a locked database", &err);
    printf("second handle is %s\n", second == NULL ? "NULL" : "set");

    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_put(db, wo, "alpha", 5, "one", 3, &err);
    report("put alpha", &err);
    rocksdb_put(db, wo, "beta", 4, "two\0bytes", 9, &err);
    report("put beta", &err);
    rocksdb_put(db, wo, "gamma", 5, "", 0, &err);
    report("put gamma (empty value)", &err);
    reads(db, ro);
    print_get(db, ro, "gamma");
    rocksdb_delete(db, wo, "alpha", 5, &err);
    report("delete alpha", &err);
    rocksdb_delete(db, wo, "never-written", 13, &err);
    report("delete a key never written", &err);
    reads(db, ro);
    rocksdb_writeoptions_set_sync(wo, 1);
    rocksdb_put(db, wo, "alpha", 5, "synced", 6, &err);
    report("synced put alpha", &err);
    rocksdb_close(db);

    db = rocksdb_open(opts, path, &err);
    report("reopen", &err);
    reads(db, ro);
    rocksdb_close(db);

    rocksdb_options_set_error_if_exists(opts, 1);
    db = rocksdb_open(opts, path, &err);
    report("open existing with error_if_exists", &err);
    rocksdb_options_set_error_if_exists(opts, 0);

    rocksdb_destroy_db(opts, path, &err);
    report("destroy", &err);
    rocksdb_options_set_create_if_missing(opts, 0);
    db = rocksdb_open(opts, path, &err);
    report("open after destroy", &err);

    /* errptr convention: an old message is replaced, success leaves it. */
    err = malloc(8);
    strcpy(err, "stale");
    db = rocksdb_open(opts, path, &err);
    report("failure replaces an old message", &err);
    rocksdb_options_set_create_if_missing(opts, 1);
    err = malloc(8);
    strcpy(err, "stale");
    db = rocksdb_open(opts, path, &err);
    printf("success leaves the old message: %s\n", err != NULL ? err : "(cleared)");
    free(err);
    rocksdb_close(db);

    rocksdb_readoptions_destroy(ro);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_options_destroy(opts);
    return 0;
}
