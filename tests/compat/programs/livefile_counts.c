/* tests/compat/programs/livefile_counts.c: the entry and deletion counts
 * of live files (rocksdb_livefiles_entries/_deletions) after flushes and a
 * compaction. */
#include <inttypes.h>

#include "prog_util.h"

static void print_counts(rocksdb_t *db)
{
    const rocksdb_livefiles_t *lf = rocksdb_livefiles(db);
    for (int i = 0; i < rocksdb_livefiles_count(lf); i++)
        printf("level %d: %" PRIu64 " entries, %" PRIu64 " deletions\n",
               rocksdb_livefiles_level(lf, i), rocksdb_livefiles_entries(lf, i),
               rocksdb_livefiles_deletions(lf, i));
    rocksdb_livefiles_destroy(lf);
}

int main(int argc, char **argv)
{
    char path[4096];
    join_path(path, sizeof path, work_dir(argc, argv), "db");
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_disable_auto_compactions(o, 1);
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, path, &err);
    report("open", &err);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    for (int i = 0; i < 30; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%02d", i);
        rocksdb_put(db, wo, k, strlen(k), "v", 1, &err);
    }
    rocksdb_flush(db, fo, &err);
    rocksdb_delete(db, wo, "k05", 3, &err);
    rocksdb_delete(db, wo, "k06", 3, &err);
    rocksdb_flush(db, fo, &err);
    report("flushes", &err);
    print_counts(db);
    rocksdb_compact_range(db, NULL, 0, NULL, 0);
    printf("-- after compact_range\n");
    print_counts(db);
    rocksdb_flushoptions_destroy(fo);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    return 0;
}
