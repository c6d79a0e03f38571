/* tests/compat/programs/flush_compact.c: flushes, manual compaction,
 * range deletion, the properties and live-file metadata they change, and
 * a compaction filter removing and changing values. */
#include <stdint.h>

#include "prog_util.h"

static unsigned char filter(void *state, int level, const char *key, size_t key_length,
                            const char *existing_value, size_t value_length, char **new_value,
                            size_t *new_value_length, unsigned char *value_changed)
{
    (void)state, (void)level, (void)existing_value, (void)value_length;
    if (key_length > 4 && memcmp(key, "drop", 4) == 0)
        return 1;
    if (key_length > 6 && memcmp(key, "change", 6) == 0) {
        static char changed[] = "CHANGED";
        *new_value = changed;
        *new_value_length = sizeof changed - 1;
        *value_changed = 1;
    }
    return 0;
}

static void filter_destroy(void *state)
{
    (void)state;
}

static const char *filter_name(void *state)
{
    (void)state;
    return "TestFilter";
}

static void print_files(rocksdb_t *db)
{
    const rocksdb_livefiles_t *lf = rocksdb_livefiles(db);
    int n = rocksdb_livefiles_count(lf);
    printf("live files: %d\n", n);
    for (int i = 0; i < n; i++) {
        size_t sl, ll;
        const char *s = rocksdb_livefiles_smallestkey(lf, i, &sl);
        const char *l = rocksdb_livefiles_largestkey(lf, i, &ll);
        printf("  level %d, family %s, keys ", rocksdb_livefiles_level(lf, i),
               rocksdb_livefiles_column_family_name(lf, i));
        print_bytes(s, sl);
        printf(" .. ");
        print_bytes(l, ll);
        putchar('\n');   /* entries and deletions: see livefile_counts.c */
    }
    rocksdb_livefiles_destroy(lf);
    rocksdb_column_family_metadata_t *m = rocksdb_get_column_family_metadata(db);
    char *name = rocksdb_column_family_metadata_get_name(m);
    printf("family %s: %zu files, %zu levels\n", name,
           rocksdb_column_family_metadata_get_file_count(m),
           rocksdb_column_family_metadata_get_level_count(m));
    rocksdb_free(name);
    for (size_t i = 0; i < rocksdb_column_family_metadata_get_level_count(m); i++) {
        rocksdb_level_metadata_t *l = rocksdb_column_family_metadata_get_level_metadata(m, i);
        size_t files = rocksdb_level_metadata_get_file_count(l);
        if (files > 0)
            printf("  level %d: %zu file(s)\n", rocksdb_level_metadata_get_level(l), files);
        rocksdb_level_metadata_destroy(l);
    }
    rocksdb_column_family_metadata_destroy(m);
}

static void props(rocksdb_t *db)
{
    print_property(db, "rocksdb.num-files-at-level0");
    print_property(db, "rocksdb.num-files-at-level1");
    print_property(db, "rocksdb.num-files-at-level6");
    print_property(db, "rocksdb.num-immutable-mem-table");
    print_property(db, "rocksdb.num-entries-active-mem-table");
    print_property(db, "rocksdb.estimate-num-keys");
    print_property(db, "rocksdb.no-such-property");
}

/* Sizes of a range covering every key and of one past them: positive and
 * zero on either engine (the estimates themselves differ). */
static void approximate(rocksdb_t *db)
{
    const char *starts[] = {"a", "zz"}, *limits[] = {"z", "zzz"};
    const size_t slens[] = {1, 2}, llens[] = {1, 3};
    uint64_t sizes[2];
    char *err = NULL;
    rocksdb_approximate_sizes(db, 2, starts, slens, limits, llens, sizes, &err);
    report("approximate sizes", &err);
    printf("size of [a, z) is %s, of [zz, zzz) is %s\n", sizes[0] > 0 ? "positive" : "zero",
           sizes[1] > 0 ? "positive" : "zero");
}

static void fill(rocksdb_t *db, rocksdb_writeoptions_t *wo, const char *prefix, int n)
{
    char *err = NULL;
    for (int i = 0; i < n; i++) {
        char k[32], v[32];
        snprintf(k, sizeof k, "%s%03d", prefix, i);
        snprintf(v, sizeof v, "value-%d", i);
        rocksdb_put(db, wo, k, strlen(k), v, strlen(v), &err);
    }
    report("fill", &err);
}

int main(int argc, char **argv)
{
    char path[4096];
    join_path(path, sizeof path, work_dir(argc, argv), "db");
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_compression(o, rocksdb_no_compression);
    rocksdb_options_set_disable_auto_compactions(o, 1);
    rocksdb_compactionfilter_t *cf = rocksdb_compactionfilter_create(NULL, filter_destroy, filter,
                                                                     filter_name);
    rocksdb_options_set_compaction_filter(o, cf);
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, path, &err);
    report("open", &err);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    fill(db, wo, "key", 50);
    fill(db, wo, "drop", 3);
    fill(db, wo, "change", 2);
    props(db);
    rocksdb_flush(db, fo, &err);
    report("flush", &err);
    props(db);
    fill(db, wo, "key", 20);
    rocksdb_delete(db, wo, "key030", 6, &err);
    rocksdb_writebatch_t *b = rocksdb_writebatch_create();
    rocksdb_writebatch_delete_range(b, "key040", 6, "key045", 6);
    rocksdb_write(db, wo, b, &err);
    report("delete range", &err);
    rocksdb_writebatch_destroy(b);
    rocksdb_flush(db, fo, &err);
    report("second flush", &err);
    props(db);
    print_files(db);
    print_get(db, ro, "drop001");
    print_get(db, ro, "key042");
    rocksdb_compact_range(db, NULL, 0, NULL, 0);
    printf("-- after compact_range\n");
    props(db);
    print_files(db);
    approximate(db);
    print_get(db, ro, "drop001");
    print_get(db, ro, "change001");
    print_get(db, ro, "key030");
    print_get(db, ro, "key042");
    print_get(db, ro, "key049");
    rocksdb_iterator_t *it = rocksdb_create_iterator(db, ro);
    int count = 0;
    for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it); rocksdb_iter_next(it))
        count++;
    printf("entries after compaction: %d\n", count);
    rocksdb_iter_destroy(it);
    rocksdb_flushoptions_destroy(fo);
    rocksdb_readoptions_destroy(ro);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_compactionfilter_destroy(cf);
    rocksdb_options_destroy(o);
    return 0;
}
