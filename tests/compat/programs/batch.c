/* tests/compat/programs/batch.c: write batches: records, count, the wire
 * format (rocksdb_writebatch_data), iterate, save points, create_from,
 * the "v" variants, and applying a batch atomically. */
#include "prog_util.h"

static void on_put(void *state, const char *k, size_t klen, const char *v, size_t vlen)
{
    (void)state;
    printf("  put ");
    print_bytes(k, klen);
    putchar('=');
    print_bytes(v, vlen);
    putchar('\n');
}

static void on_delete(void *state, const char *k, size_t klen)
{
    (void)state;
    printf("  delete ");
    print_bytes(k, klen);
    putchar('\n');
}

static void print_data(rocksdb_writebatch_t *b)
{
    size_t n = 0;
    const char *d = rocksdb_writebatch_data(b, &n);
    printf("count %d, %zu bytes:", rocksdb_writebatch_count(b), n);
    for (size_t i = 0; i < n; i++)
        printf(" %02x", (unsigned char)d[i]);
    putchar('\n');
}

int main(int argc, char **argv)
{
    char path[4096];
    join_path(path, sizeof path, work_dir(argc, argv), "db");
    rocksdb_writebatch_t *b = rocksdb_writebatch_create();
    print_data(b);
    rocksdb_writebatch_put(b, "a", 1, "1", 1);
    rocksdb_writebatch_put(b, "b", 1, "2", 1);
    rocksdb_writebatch_delete(b, "c", 1);
    rocksdb_writebatch_singledelete(b, "d", 1);
    rocksdb_writebatch_delete_range(b, "x", 1, "z", 1);
    print_data(b);
    printf("iterate:\n");
    rocksdb_writebatch_iterate(b, NULL, on_put, on_delete);

    rocksdb_writebatch_set_save_point(b);
    rocksdb_writebatch_put(b, "e", 1, "5", 1);
    rocksdb_writebatch_put(b, "f", 1, "6", 1);
    printf("before rollback: count %d\n", rocksdb_writebatch_count(b));
    char *err = NULL;
    rocksdb_writebatch_rollback_to_save_point(b, &err);
    report("rollback", &err);
    printf("after rollback: count %d\n", rocksdb_writebatch_count(b));
    rocksdb_writebatch_rollback_to_save_point(b, &err);
    report("rollback without a save point", &err);
    rocksdb_writebatch_set_save_point(b);
    rocksdb_writebatch_pop_save_point(b, &err);
    report("pop save point", &err);
    rocksdb_writebatch_pop_save_point(b, &err);
    report("pop without a save point", &err);

    size_t n = 0;
    const char *d = rocksdb_writebatch_data(b, &n);
    rocksdb_writebatch_t *copy = rocksdb_writebatch_create_from(d, n);
    printf("copy: ");
    print_data(copy);
    rocksdb_writebatch_destroy(copy);

    const char *kparts[] = {"mul", "ti"};
    const size_t ksizes[] = {3, 2};
    const char *vparts[] = {"part", "s", "!"};
    const size_t vsizes[] = {4, 1, 1};
    rocksdb_writebatch_putv(b, 2, kparts, ksizes, 3, vparts, vsizes);
    print_data(b);

    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_t *db = rocksdb_open(o, path, &err);
    report("open", &err);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_put(db, wo, "c", 1, "old", 3, &err);
    rocksdb_put(db, wo, "y", 1, "in-range", 8, &err);
    rocksdb_write(db, wo, b, &err);
    report("write batch", &err);
    const char *keys[] = {"a", "b", "c", "d", "multi", "y", "z"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        print_get(db, ro, keys[i]);
    rocksdb_writebatch_clear(b);
    print_data(b);
    rocksdb_write(db, wo, b, &err);
    report("write empty batch", &err);
    printf("latest sequence number %llu\n",
           (unsigned long long)rocksdb_get_latest_sequence_number(db));
    rocksdb_writebatch_destroy(b);
    rocksdb_readoptions_destroy(ro);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    return 0;
}
