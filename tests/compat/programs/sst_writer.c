/* tests/compat/programs/sst_writer.c: the SST file writer: puts, merges,
 * deletes and range deletions in order, an out-of-order key, an empty
 * file, calls before open.  The file written is left in the scratch
 * directory as "out.sst" for the test to read with sst_dump. */
#include "prog_util.h"

int main(int argc, char **argv)
{
    const char *dir = work_dir(argc, argv);
    char path[4096], empty[4096];
    join_path(path, sizeof path, dir, "out.sst");
    join_path(empty, sizeof empty, dir, "empty.sst");
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_compression(o, rocksdb_no_compression);
    rocksdb_envoptions_t *env = rocksdb_envoptions_create();
    rocksdb_sstfilewriter_t *w = rocksdb_sstfilewriter_create(env, o);
    char *err = NULL;
    rocksdb_sstfilewriter_put(w, "a", 1, "x", 1, &err);
    report("put before open", &err);
    rocksdb_sstfilewriter_open(w, path, &err);
    report("open", &err);
    rocksdb_sstfilewriter_put(w, "apple", 5, "red", 3, &err);
    report("put apple", &err);
    rocksdb_sstfilewriter_merge(w, "banana", 6, "+1", 2, &err);
    report("merge banana", &err);
    rocksdb_sstfilewriter_delete(w, "cherry", 6, &err);
    report("delete cherry", &err);
    rocksdb_sstfilewriter_add(w, "date", 4, "brown", 5, &err);
    report("add date", &err);
    rocksdb_sstfilewriter_put(w, "banana", 6, "again", 5, &err);
    report("put out of order", &err);
    rocksdb_sstfilewriter_delete_range(w, "m", 1, "p", 1, &err);
    report("delete range", &err);
    uint64_t size = 0;
    rocksdb_sstfilewriter_finish(w, &err);
    report("finish", &err);
    rocksdb_sstfilewriter_file_size(w, &size);
    printf("file size is %s\n", size > 0 ? "positive" : "zero");
    rocksdb_sstfilewriter_destroy(w);

    w = rocksdb_sstfilewriter_create(env, o);
    rocksdb_sstfilewriter_open(w, empty, &err);
    report("open second file", &err);
    rocksdb_sstfilewriter_finish(w, &err);
    report("finish with no entries", &err);
    rocksdb_sstfilewriter_destroy(w);
    rocksdb_envoptions_destroy(env);
    rocksdb_options_destroy(o);
    return 0;
}
