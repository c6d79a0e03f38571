/* tests/compat/programs/cf.c: column families: create, list, write and
 * read through handles (single calls, batches, iterators, multi_get),
 * flush one family, drop, reopen with every family listed. */
#include "prog_util.h"

static void list(const rocksdb_options_t *o, const char *path)
{
    char *err = NULL;
    size_t n = 0;
    char **names = rocksdb_list_column_families(o, path, &n, &err);
    report("list column families", &err);
    printf("families:");
    for (size_t i = 0; i < n; i++)
        printf(" %s", names[i]);
    putchar('\n');
    rocksdb_list_column_families_destroy(names, n);
}

static void print_cf(rocksdb_t *db, rocksdb_column_family_handle_t *h, const char *key)
{
    char *err = NULL;
    size_t len = 0;
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    char *v = rocksdb_get_cf(db, ro, h, key, strlen(key), &len, &err);
    size_t nl = 0;
    char *name = rocksdb_column_family_handle_get_name(h, &nl);
    printf("get %.*s/%s = ", (int)nl, name, key);
    rocksdb_free(name);
    if (err != NULL)
        report("error", &err);
    else if (v == NULL)
        printf("(none)\n");
    else
        printf("%.*s\n", (int)len, v);
    rocksdb_free(v);
    rocksdb_readoptions_destroy(ro);
}

int main(int argc, char **argv)
{
    char path[4096];
    join_path(path, sizeof path, work_dir(argc, argv), "db");
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, path, &err);
    report("open", &err);
    rocksdb_column_family_handle_t *cf1 = rocksdb_create_column_family(db, o, "cf1", &err);
    report("create cf1", &err);
    rocksdb_column_family_handle_t *cf2 = rocksdb_create_column_family(db, o, "cf2", &err);
    report("create cf2", &err);
    rocksdb_column_family_handle_t *dup = rocksdb_create_column_family(db, o, "cf1", &err);
    report("create cf1 again", &err);
    rocksdb_column_family_handle_destroy(dup);   /* RocksDB returns an unusable one */
    printf("ids: cf1 %u cf2 %u\n", rocksdb_column_family_handle_get_id(cf1),
           rocksdb_column_family_handle_get_id(cf2));
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_put(db, wo, "k", 1, "default", 7, &err);
    rocksdb_put_cf(db, wo, cf1, "k", 1, "one", 3, &err);
    report("put cf1", &err);
    rocksdb_writebatch_t *b = rocksdb_writebatch_create();
    rocksdb_writebatch_put_cf(b, cf2, "k", 1, "two", 3);
    rocksdb_writebatch_put_cf(b, cf1, "j", 1, "jay", 3);
    rocksdb_writebatch_delete_cf(b, cf1, "k", 1);
    rocksdb_write(db, wo, b, &err);
    report("batch over families", &err);
    rocksdb_writebatch_destroy(b);
    print_cf(db, cf1, "k");
    print_cf(db, cf1, "j");
    print_cf(db, cf2, "k");
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flush_cf(db, fo, cf2, &err);
    report("flush cf2", &err);
    char *v = rocksdb_property_value_cf(db, cf2, "rocksdb.num-files-at-level0");
    printf("cf2 files at level 0: %s\n", v != NULL ? v : "(none)");
    rocksdb_free(v);
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(db, ro, cf1);
    rocksdb_iter_seek_to_first(it);
    print_iter("cf1", it, 1);
    rocksdb_iter_destroy(it);
    list(o, path);
    rocksdb_drop_column_family(db, cf2, &err);
    report("drop cf2", &err);
    rocksdb_column_family_handle_destroy(cf1);
    rocksdb_column_family_handle_destroy(cf2);
    rocksdb_close(db);
    list(o, path);

    const char *names[] = {"default", "cf1"};
    const rocksdb_options_t *opts[] = {o, o};
    rocksdb_column_family_handle_t *handles[2];
    db = rocksdb_open_column_families(o, path, 1, names, opts, handles, &err);
    report("open listing only default", &err);
    db = rocksdb_open_column_families(o, path, 2, names, opts, handles, &err);
    report("open listing every family", &err);
    print_cf(db, handles[1], "j");
    print_cf(db, handles[0], "k");
    rocksdb_drop_column_family(db, handles[0], &err);
    report("drop default", &err);
    rocksdb_column_family_handle_destroy(handles[0]);
    rocksdb_column_family_handle_destroy(handles[1]);
    rocksdb_close(db);
    rocksdb_flushoptions_destroy(fo);
    rocksdb_readoptions_destroy(ro);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_options_destroy(o);
    return 0;
}
