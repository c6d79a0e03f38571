/* tests/compat/programs/snapshot_iter.c: snapshots (gets and iterators at
 * an older state), iterators both ways, seek and seek_for_prev, lower and
 * upper bounds, over memtable and flushed data, multi_get and pinned gets. */
#include "prog_util.h"

static void put_str(rocksdb_t *db, rocksdb_writeoptions_t *wo, const char *k, const char *v)
{
    char *err = NULL;
    rocksdb_put(db, wo, k, strlen(k), v, strlen(v), &err);
    if (err != NULL)
        report("put", &err);
}

static void scans(rocksdb_t *db, rocksdb_readoptions_t *ro, const char *label)
{
    rocksdb_iterator_t *it = rocksdb_create_iterator(db, ro);
    printf("== %s\n", label);
    rocksdb_iter_seek_to_first(it);
    print_iter("forward", it, 1);
    rocksdb_iter_seek_to_last(it);
    print_iter("backward", it, -1);
    rocksdb_iter_seek(it, "k3", 2);
    print_iter("seek k3", it, 1);
    rocksdb_iter_seek(it, "k35", 3);
    print_iter("seek k35", it, 1);
    rocksdb_iter_seek_for_prev(it, "k35", 3);
    print_iter("seek_for_prev k35", it, -1);
    rocksdb_iter_seek(it, "zzz", 3);
    print_iter("seek past the end", it, 1);
    rocksdb_iter_seek_for_prev(it, "a", 1);
    print_iter("seek_for_prev before the start", it, -1);
    rocksdb_iter_seek(it, "k2", 2);
    for (int step = 0; step < 3 && rocksdb_iter_valid(it); step++) {
        if (step == 0)
            rocksdb_iter_next(it);
        else
            rocksdb_iter_prev(it);
    }
    print_iter("seek k2, next, prev, prev", it, 1);
    rocksdb_iter_destroy(it);
}

static void bounded(rocksdb_t *db)
{
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_readoptions_set_iterate_lower_bound(ro, "k2", 2);
    rocksdb_readoptions_set_iterate_upper_bound(ro, "k4", 2);
    scans(db, ro, "bounds [k2, k4)");
    rocksdb_readoptions_destroy(ro);
    ro = rocksdb_readoptions_create();
    rocksdb_readoptions_set_iterate_upper_bound(ro, "k3", 2);
    scans(db, ro, "upper bound k3 only");
    rocksdb_readoptions_destroy(ro);
}

static void multi(rocksdb_t *db, rocksdb_readoptions_t *ro)
{
    const char *keys[] = {"k1", "nope", "k5"};
    size_t lens[] = {2, 4, 2};
    char *vals[3];
    size_t vlens[3];
    char *errs[3];
    rocksdb_multi_get(db, ro, 3, keys, lens, vals, vlens, errs);
    for (int i = 0; i < 3; i++) {
        printf("multi_get %s = ", keys[i]);
        if (errs[i] != NULL)
            report("error", &errs[i]);
        else if (vals[i] == NULL)
            printf("(none)\n");
        else {
            print_bytes(vals[i], vlens[i]);
            putchar('\n');
        }
        rocksdb_free(vals[i]);
    }
    char *err = NULL;
    rocksdb_pinnableslice_t *p = rocksdb_get_pinned(db, ro, "k2", 2, &err);
    size_t n = 0;
    const char *v = rocksdb_pinnableslice_value(p, &n);
    printf("pinned k2 = %.*s\n", (int)n, v != NULL ? v : "");
    rocksdb_pinnableslice_destroy(p);
    p = rocksdb_get_pinned(db, ro, "nope", 4, &err);
    printf("pinned nope is %s\n", p == NULL ? "NULL" : "set");
    report("pinned nope", &err);
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
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    put_str(db, wo, "k1", "v1");
    put_str(db, wo, "k2", "v2");
    put_str(db, wo, "k3", "v3");
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flush(db, fo, &err);
    report("flush", &err);
    put_str(db, wo, "k4", "v4");
    put_str(db, wo, "k5", "v5");

    const rocksdb_snapshot_t *snap = rocksdb_create_snapshot(db);
    put_str(db, wo, "k2", "v2-new");
    rocksdb_delete(db, wo, "k3", 2, &err);
    put_str(db, wo, "k6", "v6");
    print_property(db, "rocksdb.num-snapshots");

    scans(db, ro, "latest");
    rocksdb_readoptions_t *snap_ro = rocksdb_readoptions_create();
    rocksdb_readoptions_set_snapshot(snap_ro, snap);
    scans(db, snap_ro, "at the snapshot");
    print_get(db, snap_ro, "k2");
    print_get(db, snap_ro, "k3");
    print_get(db, snap_ro, "k6");
    rocksdb_flush(db, fo, &err);
    rocksdb_compact_range(db, NULL, 0, NULL, 0);
    scans(db, snap_ro, "at the snapshot after flush and compaction");
    rocksdb_readoptions_set_snapshot(snap_ro, NULL);
    rocksdb_release_snapshot(db, snap);
    print_property(db, "rocksdb.num-snapshots");
    bounded(db);
    multi(db, ro);
    rocksdb_readoptions_destroy(snap_ro);
    rocksdb_flushoptions_destroy(fo);
    rocksdb_readoptions_destroy(ro);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    return 0;
}
