/* tests/compat/programs/merge.c: merge with a C merge operator (full and
 * partial merge, through reads, iterators, flush and compaction), the
 * built-in uint64add operator, merges in batches, and merging without an
 * operator. */
#include <stdint.h>

#include "prog_util.h"

static int destroyed;

/* Joins existing value and operands with '+'. */
static char *full_merge(void *state, const char *key, size_t key_length, const char *existing,
                        size_t existing_length, const char *const *ops, const size_t *op_lens,
                        int n, unsigned char *success, size_t *new_length)
{
    (void)state, (void)key, (void)key_length;
    size_t total = existing != NULL ? existing_length : 0;
    for (int i = 0; i < n; i++)
        total += op_lens[i] + 1;
    char *out = malloc(total + 1);
    size_t off = 0;
    if (existing != NULL) {
        memcpy(out, existing, existing_length);
        off = existing_length;
    }
    for (int i = 0; i < n; i++) {
        if (off > 0)
            out[off++] = '+';
        memcpy(out + off, ops[i], op_lens[i]);
        off += op_lens[i];
    }
    *new_length = off;
    *success = 1;
    return out;
}

static char *partial_merge(void *state, const char *key, size_t key_length,
                           const char *const *ops, const size_t *op_lens, int n,
                           unsigned char *success, size_t *new_length)
{
    return full_merge(state, key, key_length, NULL, 0, ops, op_lens, n, success, new_length);
}

static void delete_value(void *state, const char *value, size_t len)
{
    (void)state, (void)len;
    free((char *)value);
}

static void destructor(void *state)
{
    (void)state;
    destroyed++;
}

static const char *name(void *state)
{
    (void)state;
    return "JoinWithPlus";
}

static void merge_str(rocksdb_t *db, rocksdb_writeoptions_t *wo, const char *k, const char *v)
{
    char *err = NULL;
    rocksdb_merge(db, wo, k, strlen(k), v, strlen(v), &err);
    if (err != NULL)
        report("merge", &err);
}

static void custom_operator(const char *dir)
{
    char path[4096];
    join_path(path, sizeof path, dir, "custom");
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_merge_operator(o, rocksdb_mergeoperator_create(
        NULL, destructor, full_merge, partial_merge, delete_value, name));
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, path, &err);
    report("open with merge operator", &err);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_put(db, wo, "k1", 2, "base", 4, &err);
    merge_str(db, wo, "k1", "a");
    merge_str(db, wo, "k1", "b");
    merge_str(db, wo, "k2", "only");
    print_get(db, ro, "k1");
    print_get(db, ro, "k2");
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flush(db, fo, &err);
    report("flush", &err);
    merge_str(db, wo, "k1", "c");
    rocksdb_delete(db, wo, "k2", 2, &err);
    merge_str(db, wo, "k2", "after-delete");
    rocksdb_writebatch_t *b = rocksdb_writebatch_create();
    rocksdb_writebatch_merge(b, "k3", 2, "x", 1);
    rocksdb_writebatch_merge(b, "k3", 2, "y", 1);
    rocksdb_write(db, wo, b, &err);
    report("batch of merges", &err);
    rocksdb_writebatch_destroy(b);
    print_get(db, ro, "k1");
    print_get(db, ro, "k2");
    print_get(db, ro, "k3");
    rocksdb_flush(db, fo, &err);
    rocksdb_compact_range(db, NULL, 0, NULL, 0);
    rocksdb_iterator_t *it = rocksdb_create_iterator(db, ro);
    rocksdb_iter_seek_to_first(it);
    print_iter("after compaction", it, 1);
    rocksdb_iter_destroy(it);
    rocksdb_flushoptions_destroy(fo);
    rocksdb_readoptions_destroy(ro);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    printf("operator destroyed %d time(s)\n", destroyed);
}

static void put_u64(char *buf, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        buf[i] = (char)(v >> (8 * i));
}

static void uint64add(const char *dir)
{
    char path[4096];
    join_path(path, sizeof path, dir, "counter");
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_uint64add_merge_operator(o);
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, path, &err);
    report("open with uint64add", &err);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    char buf[8];
    for (uint64_t i = 1; i <= 10; i++) {
        put_u64(buf, i * 1000);
        rocksdb_merge(db, wo, "count", 5, buf, 8, &err);
    }
    report("ten merges", &err);
    print_get(db, ro, "count");
    rocksdb_readoptions_destroy(ro);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
}

static void no_operator(const char *dir)
{
    char path[4096];
    join_path(path, sizeof path, dir, "plain");
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, path, &err);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_merge(db, wo, "k", 1, "v", 1, &err);
    report("merge without an operator", &err);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
}

int main(int argc, char **argv)
{
    const char *dir = work_dir(argc, argv);
    custom_operator(dir);
    uint64add(dir);
    no_operator(dir);
    return 0;
}
