/* tests/compat/programs/ingest.c: IngestExternalFile through the C API:
 * SST files written with the SST file writer are ingested into a database
 * with data, beside it, over it (newer wins), under a snapshot, over a
 * memtable with and without allow_blocking_flush, several at once
 * (overlapping too), into a column family, with move_files, without
 * allow_global_seqno, and under universal and FIFO compaction; the level
 * each lands on (rocksdb.num-files-at-levelN), the reads and a reopen are
 * printed.  Missing files and empty lists fail with RocksDB's category. */
#include "prog_util.h"

#include <stdint.h>

/* An SST file from a spec: "p:key=value", "d:key", "r:begin-end", in order. */
static void write_sst(const char *path, const char *const *spec, size_t n)
{
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_envoptions_t *env = rocksdb_envoptions_create();
    rocksdb_sstfilewriter_t *w = rocksdb_sstfilewriter_create(env, o);
    char *err = NULL;
    rocksdb_sstfilewriter_open(w, path, &err);
    for (size_t i = 0; i < n && err == NULL; i++) {
        const char *s = spec[i] + 2, *sep = strpbrk(s, "=-");
        size_t kl = sep != NULL ? (size_t)(sep - s) : strlen(s);
        if (spec[i][0] == 'p')
            rocksdb_sstfilewriter_put(w, s, kl, sep + 1, strlen(sep + 1), &err);
        else if (spec[i][0] == 'd')
            rocksdb_sstfilewriter_delete(w, s, kl, &err);
        else
            rocksdb_sstfilewriter_delete_range(w, s, kl, sep + 1, strlen(sep + 1), &err);
    }
    if (err == NULL)
        rocksdb_sstfilewriter_finish(w, &err);
    report("write sst", &err);
    rocksdb_sstfilewriter_destroy(w);
    rocksdb_envoptions_destroy(env);
    rocksdb_options_destroy(o);
}

static void print_levels(rocksdb_t *db)
{
    printf("files per level:");
    for (int l = 0; l < 7; l++) {
        char name[64];
        snprintf(name, sizeof name, "rocksdb.num-files-at-level%d", l);
        char *v = rocksdb_property_value(db, name);
        printf(" %s", v != NULL ? v : "-");
        rocksdb_free(v);
    }
    putchar('\n');
}

static void ingest(rocksdb_t *db, rocksdb_column_family_handle_t *cf, const char *what,
                   const char *const *paths, size_t n,
                   const rocksdb_ingestexternalfileoptions_t *io)
{
    char *err = NULL;
    if (cf != NULL)
        rocksdb_ingest_external_file_cf(db, cf, paths, n, io, &err);
    else
        rocksdb_ingest_external_file(db, paths, n, io, &err);
    report(what, &err);
}

static void scan(rocksdb_t *db, const char *label)
{
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_iterator_t *it = rocksdb_create_iterator(db, ro);
    rocksdb_iter_seek_to_first(it);
    print_iter(label, it, 1);
    rocksdb_iter_destroy(it);
    rocksdb_readoptions_destroy(ro);
}

static rocksdb_t *open_db(const rocksdb_options_t *o, const char *path)
{
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, path, &err);
    report("open", &err);
    if (db == NULL)
        exit(1);
    return db;
}

/* The leveled part: placement, newer-wins, snapshots, memtables, errors. */
static void leveled(const char *dir, const char *dbpath)
{
    char p[10][4096];
    const char *names[] = {"1.sst", "2.sst", "3.sst", "4.sst", "5.sst",
                           "6.sst", "7.sst", "8.sst", "9.sst", "missing.sst"};
    for (int i = 0; i < 10; i++)
        join_path(p[i], sizeof p[i], dir, names[i]);
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_compression(o, rocksdb_no_compression);
    /* No automatic compaction: the level counts printed must not race one. */
    rocksdb_options_set_level0_file_num_compaction_trigger(o, 100);
    rocksdb_t *db = open_db(o, dbpath);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_ingestexternalfileoptions_t *io = rocksdb_ingestexternalfileoptions_create();
    char *err = NULL;
    rocksdb_put(db, wo, "b", 1, "base", 4, &err);
    rocksdb_put(db, wo, "d", 1, "base", 4, &err);
    report("put", &err);
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flush(db, fo, &err);
    report("flush", &err);

    const char *s1[] = {"p:a=1", "p:b=2", "r:c-e"};
    write_sst(p[0], s1, 3);
    const char *in1[] = {p[0]};
    ingest(db, NULL, "ingest over data", in1, 1, io);
    print_levels(db);
    print_get(db, ro, "a");
    print_get(db, ro, "b");
    print_get(db, ro, "d");

    const char *s2[] = {"p:x=3", "d:y"};
    write_sst(p[1], s2, 2);
    const char *in2[] = {p[1]};
    ingest(db, NULL, "ingest beside data", in2, 1, io);
    print_levels(db);

    const rocksdb_snapshot_t *snap = rocksdb_create_snapshot(db);
    const char *s3[] = {"p:a=new", "p:q=fresh"};
    write_sst(p[2], s3, 2);
    const char *in3[] = {p[2]};
    ingest(db, NULL, "ingest under a snapshot", in3, 1, io);
    print_levels(db);
    rocksdb_readoptions_set_snapshot(ro, snap);
    printf("at the snapshot:\n");
    print_get(db, ro, "a");
    print_get(db, ro, "q");
    rocksdb_readoptions_set_snapshot(ro, NULL);
    rocksdb_release_snapshot(db, snap);
    print_get(db, ro, "a");
    print_get(db, ro, "q");

    rocksdb_put(db, wo, "m", 1, "mem", 3, &err);
    report("put m", &err);
    const char *s4[] = {"p:m=file"};
    write_sst(p[3], s4, 1);
    const char *in4[] = {p[3]};
    rocksdb_ingestexternalfileoptions_set_allow_blocking_flush(io, 0);
    ingest(db, NULL, "ingest over the memtable without blocking flush", in4, 1, io);
    print_get(db, ro, "m");
    rocksdb_ingestexternalfileoptions_set_allow_blocking_flush(io, 1);
    ingest(db, NULL, "ingest over the memtable", in4, 1, io);
    print_get(db, ro, "m");
    print_levels(db);

    const char *s5[] = {"p:k=first", "p:k1=one"};
    const char *s6[] = {"p:k=second"};
    write_sst(p[4], s5, 2);
    write_sst(p[5], s6, 1);
    const char *in56[] = {p[4], p[5]};
    ingest(db, NULL, "ingest two overlapping files", in56, 2, io);
    print_get(db, ro, "k");
    print_levels(db);

    const char *s7[] = {"p:k=third"};
    write_sst(p[6], s7, 1);
    const char *in7[] = {p[6]};
    rocksdb_ingestexternalfileoptions_set_allow_global_seqno(io, 0);
    ingest(db, NULL, "ingest without allow_global_seqno", in7, 1, io);
    rocksdb_ingestexternalfileoptions_set_allow_global_seqno(io, 1);
    print_get(db, ro, "k");

    const char *in_bad[] = {p[6], p[9]};
    ingest(db, NULL, "ingest with a missing file", in_bad, 2, io);
    print_get(db, ro, "k");
    ingest(db, NULL, "ingest nothing", in_bad, 0, io);
    rocksdb_ingestexternalfileoptions_set_ingest_behind(io, 1);
    ingest(db, NULL, "ingest behind", in7, 1, io);
    rocksdb_ingestexternalfileoptions_set_ingest_behind(io, 0);

    const char *s8[] = {"p:zz=moved"};
    write_sst(p[7], s8, 1);
    const char *in8[] = {p[7]};
    rocksdb_ingestexternalfileoptions_set_move_files(io, 1);
    ingest(db, NULL, "ingest with move_files", in8, 1, io);
    rocksdb_ingestexternalfileoptions_set_move_files(io, 0);
    FILE *f = fopen(p[7], "rb");
    printf("moved file still outside: %s\n", f != NULL ? "yes" : "no");
    if (f != NULL)
        fclose(f);

    rocksdb_column_family_handle_t *cf = rocksdb_create_column_family(db, o, "other", &err);
    report("create family", &err);
    const char *s9[] = {"p:b=in-family", "p:c=also"};
    write_sst(p[8], s9, 2);
    const char *in9[] = {p[8]};
    ingest(db, cf, "ingest into a family", in9, 1, io);
    size_t vl = 0;
    char *v = rocksdb_get_cf(db, ro, cf, "b", 1, &vl, &err);
    printf("family get b = %.*s\n", (int)vl, v != NULL ? v : "(none)");
    rocksdb_free(v);
    print_get(db, ro, "c");
    rocksdb_column_family_handle_destroy(cf);

    scan(db, "default family");
    rocksdb_compact_range(db, NULL, 0, NULL, 0);
    print_levels(db);
    scan(db, "after compaction");
    rocksdb_flushoptions_destroy(fo);
    rocksdb_ingestexternalfileoptions_destroy(io);
    rocksdb_readoptions_destroy(ro);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);

    const char *cfs[] = {"default", "other"};
    const rocksdb_options_t *cfo[] = {o, o};
    rocksdb_column_family_handle_t *h[2] = {NULL, NULL};
    db = rocksdb_open_column_families(o, dbpath, 2, cfs, cfo, h, &err);
    report("reopen", &err);
    if (db == NULL)
        exit(1);
    scan(db, "after reopening");
    rocksdb_column_family_handle_destroy(h[0]);
    rocksdb_column_family_handle_destroy(h[1]);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
}

/* Universal and FIFO compaction, with their options set. */
static void styled(const char *dir, const char *dbpath, int style)
{
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_compression(o, rocksdb_no_compression);
    rocksdb_options_set_compaction_style(o, style);
    if (style == rocksdb_universal_compaction) {
        rocksdb_universal_compaction_options_t *u = rocksdb_universal_compaction_options_create();
        rocksdb_universal_compaction_options_set_size_ratio(u, 5);
        rocksdb_universal_compaction_options_set_min_merge_width(u, 2);
        rocksdb_universal_compaction_options_set_max_size_amplification_percent(u, 150);
        rocksdb_options_set_universal_compaction_options(o, u);
        rocksdb_universal_compaction_options_destroy(u);
    } else {
        rocksdb_options_set_num_levels(o, 1);
        rocksdb_fifo_compaction_options_t *f = rocksdb_fifo_compaction_options_create();
        rocksdb_fifo_compaction_options_set_max_table_files_size(f, UINT64_C(1) << 24);
        rocksdb_options_set_fifo_compaction_options(o, f);
        rocksdb_fifo_compaction_options_destroy(f);
    }
    rocksdb_t *db = open_db(o, dbpath);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_ingestexternalfileoptions_t *io = rocksdb_ingestexternalfileoptions_create();
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    char *err = NULL;
    rocksdb_put(db, wo, "k", 1, "old", 3, &err);
    rocksdb_flush(db, fo, &err);
    report("put and flush", &err);
    char p1[4096], p2[4096];
    join_path(p1, sizeof p1, dir, style == rocksdb_universal_compaction ? "u1.sst" : "f1.sst");
    join_path(p2, sizeof p2, dir, style == rocksdb_universal_compaction ? "u2.sst" : "f2.sst");
    const char *s1[] = {"p:k=new"};
    const char *s2[] = {"p:z=apart"};
    write_sst(p1, s1, 1);
    write_sst(p2, s2, 1);
    const char *in1[] = {p1}, *in2[] = {p2};
    ingest(db, NULL, "ingest over data", in1, 1, io);
    ingest(db, NULL, "ingest beside data", in2, 1, io);
    print_levels(db);
    print_get(db, ro, "k");
    print_get(db, ro, "z");
    rocksdb_compact_range(db, NULL, 0, NULL, 0);
    print_levels(db);
    print_get(db, ro, "k");
    print_get(db, ro, "z");
    rocksdb_flushoptions_destroy(fo);
    rocksdb_ingestexternalfileoptions_destroy(io);
    rocksdb_readoptions_destroy(ro);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
}

int main(int argc, char **argv)
{
    const char *dir = work_dir(argc, argv);
    char dbpath[4096];
    join_path(dbpath, sizeof dbpath, dir, "db");
    leveled(dir, dbpath);
    printf("-- universal\n");
    join_path(dbpath, sizeof dbpath, dir, "udb");
    styled(dir, dbpath, rocksdb_universal_compaction);
    printf("-- fifo\n");
    join_path(dbpath, sizeof dbpath, dir, "fdb");
    styled(dir, dbpath, rocksdb_fifo_compaction);
    return 0;
}
