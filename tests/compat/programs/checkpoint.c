/* tests/compat/programs/checkpoint.c: a checkpoint of a database with two
 * column families, data in SSTs and only in the WAL, taken with and without
 * a flush; each checkpoint reopens with every family and the same content,
 * keeps it when the source changes afterwards, and a second checkpoint into
 * an existing directory is refused. */
#include <stdint.h>

#include "prog_util.h"

static void scan(rocksdb_t *db, rocksdb_column_family_handle_t *cf, const char *label)
{
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(db, ro, cf);
    printf("%s:", label);
    for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
        size_t kl, vl;
        const char *k = rocksdb_iter_key(it, &kl), *v = rocksdb_iter_value(it, &vl);
        putchar(' ');
        print_bytes(k, kl);
        putchar('=');
        print_bytes(v, vl);
    }
    putchar('\n');
    char *err = NULL;
    rocksdb_iter_get_error(it, &err);
    report("scan status", &err);
    rocksdb_iter_destroy(it);
    rocksdb_readoptions_destroy(ro);
}

/* Opens dir with families default and "extra", prints both, closes. */
static void reopen_and_print(const char *dir, const char *label)
{
    rocksdb_options_t *o = rocksdb_options_create();
    const char *names[] = {"default", "extra"};
    const rocksdb_options_t *opts[] = {o, o};
    rocksdb_column_family_handle_t *h[2];
    char *err = NULL;
    rocksdb_t *db = rocksdb_open_column_families(o, dir, 2, names, opts, h, &err);
    printf("open %s: ", label);
    report("status", &err);
    if (db != NULL) {
        scan(db, h[0], "  default");
        scan(db, h[1], "  extra");
        rocksdb_column_family_handle_destroy(h[0]);
        rocksdb_column_family_handle_destroy(h[1]);
        rocksdb_close(db);
    }
    rocksdb_options_destroy(o);
}

int main(int argc, char **argv)
{
    const char *dir = work_dir(argc, argv);
    char path[4096], ck1[4096], ck2[4096];
    join_path(path, sizeof path, dir, "db");
    join_path(ck1, sizeof ck1, dir, "ckpt-flushed");
    join_path(ck2, sizeof ck2, dir, "ckpt-wal");
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_create_missing_column_families(o, 1);
    const char *names[] = {"default", "extra"};
    const rocksdb_options_t *opts[] = {o, o};
    rocksdb_column_family_handle_t *h[2];
    char *err = NULL;
    rocksdb_t *db = rocksdb_open_column_families(o, path, 2, names, opts, h, &err);
    report("open", &err);
    if (db == NULL)
        return 1;
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_put(db, wo, "a", 1, "1", 1, &err);
    rocksdb_put_cf(db, wo, h[1], "x", 1, "10", 2, &err);
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flush(db, fo, &err);
    report("flush", &err);
    rocksdb_put(db, wo, "b", 1, "2", 1, &err);        /* only in the WAL and memtable */
    rocksdb_put_cf(db, wo, h[1], "y", 1, "20", 2, &err);
    report("puts", &err);

    rocksdb_checkpoint_t *c = rocksdb_checkpoint_object_create(db, &err);
    report("checkpoint object", &err);
    rocksdb_checkpoint_create(c, ck1, 0, &err);          /* 0: always flush first */
    report("checkpoint with flush", &err);
    rocksdb_put(db, wo, "c", 1, "3", 1, &err);
    rocksdb_checkpoint_create(c, ck2, UINT64_MAX, &err); /* never flush: copies the WAL */
    report("checkpoint without flush", &err);
    rocksdb_checkpoint_create(c, ck2, 0, &err);
    report("checkpoint into an existing directory", &err);
    rocksdb_checkpoint_object_destroy(c);
    rocksdb_delete(db, wo, "a", 1, &err);                /* later changes stay out */
    rocksdb_put_cf(db, wo, h[1], "z", 1, "30", 2, &err);
    rocksdb_flushoptions_destroy(fo);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_column_family_handle_destroy(h[0]);
    rocksdb_column_family_handle_destroy(h[1]);
    rocksdb_close(db);
    rocksdb_options_destroy(o);

    reopen_and_print(ck1, "checkpoint with flush");
    reopen_and_print(ck2, "checkpoint without flush");
    reopen_and_print(path, "source");
    return 0;
}
