/* compat/rocksdb/c_sst.c: the SST file writer (RocksDB's SstFileWriter)
 * over shale's, and external file ingestion.
 *
 * The writer takes its table options and compression from the
 * rocksdb_options_t it was created with, as RocksDB's does.  Ingestion is
 * shale_ingest_external_files() (include/shale/ingest.h): RocksDB's
 * placement and sequence numbers, with each file rewritten into the
 * database instead of linked. */
#include "compat/rocksdb/c_internal.h"

#include <stdlib.h>
#include <string.h>

struct rocksdb_envoptions_t {
    int unused;
};

struct rocksdb_sstfilewriter_t {
    shale_table_options *table;
    int compression;
    shale_sst_writer *w;
    uint64_t final_size;
};

struct rocksdb_ingestexternalfileoptions_t {
    unsigned char move_files, snapshot_consistency, allow_global_seqno, allow_blocking_flush;
    unsigned char ingest_behind;
};

/* compat: implemented */
rocksdb_envoptions_t *rocksdb_envoptions_create(void)
{
    return calloc(1, sizeof(rocksdb_envoptions_t));
}

/* compat: implemented */
void rocksdb_envoptions_destroy(rocksdb_envoptions_t *opt)
{
    free(opt);
}

/* The compression RocksDB's writer picks: bottommost if set, else the last
 * level's, else the options' own. */
static int writer_compression(const rocksdb_options_t *o)
{
    if (o->bottommost_compression != 0xff)   /* kDisableCompressionOption */
        return o->bottommost_compression;
    if (o->num_compression_per_level > 0)
        return o->compression_per_level[o->num_compression_per_level - 1];
    return o->compression;
}

/* compat: implemented */
rocksdb_sstfilewriter_t *rocksdb_sstfilewriter_create(const rocksdb_envoptions_t *env,
                                                      const rocksdb_options_t *io_options)
{
    (void)env;
    rocksdb_sstfilewriter_t *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->table = compat_bbto_to_shale(&io_options->table);
    if (w->table == NULL) {
        free(w);
        return NULL;
    }
    w->compression = writer_compression(io_options);
    return w;
}

/* compat: partial: the comparator is ignored (bytewise order) */
rocksdb_sstfilewriter_t *rocksdb_sstfilewriter_create_with_comparator(
    const rocksdb_envoptions_t *env, const rocksdb_options_t *io_options,
    const rocksdb_comparator_t *comparator)
{
    (void)comparator;
    return rocksdb_sstfilewriter_create(env, io_options);
}

/* compat: implemented */
void rocksdb_sstfilewriter_open(rocksdb_sstfilewriter_t *writer, const char *name,
                                char **errptr)
{
    shale_err err = {0};
    shale_sst_writer_free(writer->w);
    writer->w = NULL;
    writer->final_size = 0;
    int rc = shale_sst_writer_open(name, writer->table, writer->compression, &writer->w, &err);
    (void)compat_check(errptr, rc, &err);
}

/* Fails calls on a writer that was never opened, as RocksDB's does. */
static bool writer_ready(rocksdb_sstfilewriter_t *writer, char **errptr)
{
    if (writer->w != NULL)
        return true;
    compat_set_errf(errptr, SHALE_INVALID_ARGUMENT, "File is not opened");
    return false;
}

/* compat: implemented */
void rocksdb_sstfilewriter_put(rocksdb_sstfilewriter_t *writer, const char *key, size_t keylen,
                               const char *val, size_t vallen, char **errptr)
{
    shale_err err = {0};
    if (!writer_ready(writer, errptr))
        return;
    int rc = shale_sst_writer_put(writer->w, key, keylen, val, vallen, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_sstfilewriter_add(rocksdb_sstfilewriter_t *writer, const char *key, size_t keylen,
                               const char *val, size_t vallen, char **errptr)
{
    rocksdb_sstfilewriter_put(writer, key, keylen, val, vallen, errptr);
}

/* compat: implemented */
void rocksdb_sstfilewriter_merge(rocksdb_sstfilewriter_t *writer, const char *key,
                                 size_t keylen, const char *val, size_t vallen, char **errptr)
{
    shale_err err = {0};
    if (!writer_ready(writer, errptr))
        return;
    int rc = shale_sst_writer_merge(writer->w, key, keylen, val, vallen, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_sstfilewriter_delete(rocksdb_sstfilewriter_t *writer, const char *key,
                                  size_t keylen, char **errptr)
{
    shale_err err = {0};
    if (!writer_ready(writer, errptr))
        return;
    int rc = shale_sst_writer_delete(writer->w, key, keylen, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_sstfilewriter_delete_range(rocksdb_sstfilewriter_t *writer, const char *begin_key,
                                        size_t begin_keylen, const char *end_key,
                                        size_t end_keylen, char **errptr)
{
    shale_err err = {0};
    if (!writer_ready(writer, errptr))
        return;
    int rc = shale_sst_writer_delete_range(writer->w, begin_key, begin_keylen, end_key,
                                           end_keylen, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: not implemented: user timestamps */
void rocksdb_sstfilewriter_put_with_ts(rocksdb_sstfilewriter_t *writer, const char *key,
                                       size_t keylen, const char *ts, size_t tslen,
                                       const char *val, size_t vallen, char **errptr)
{
    (void)writer, (void)key, (void)keylen, (void)ts, (void)tslen, (void)val, (void)vallen;
    compat_not_implemented(errptr, "user-defined timestamps");
}

/* compat: not implemented: user timestamps */
void rocksdb_sstfilewriter_delete_with_ts(rocksdb_sstfilewriter_t *writer, const char *key,
                                          size_t keylen, const char *ts, size_t tslen,
                                          char **errptr)
{
    (void)writer, (void)key, (void)keylen, (void)ts, (void)tslen;
    compat_not_implemented(errptr, "user-defined timestamps");
}

/* compat: implemented */
void rocksdb_sstfilewriter_finish(rocksdb_sstfilewriter_t *writer, char **errptr)
{
    shale_err err = {0};
    if (!writer_ready(writer, errptr))
        return;
    int rc = shale_sst_writer_finish(writer->w, &writer->final_size, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_sstfilewriter_file_size(rocksdb_sstfilewriter_t *writer, uint64_t *file_size)
{
    *file_size = writer->w != NULL ? shale_sst_writer_file_size(writer->w) : 0;
}

/* compat: implemented */
void rocksdb_sstfilewriter_destroy(rocksdb_sstfilewriter_t *writer)
{
    if (writer == NULL)
        return;
    shale_sst_writer_free(writer->w);
    shale_table_options_free(writer->table);
    free(writer);
}

/* --- ingestion ---------------------------------------------------------------------- */
/* compat: implemented */
rocksdb_ingestexternalfileoptions_t *rocksdb_ingestexternalfileoptions_create(void)
{
    rocksdb_ingestexternalfileoptions_t *o = calloc(1, sizeof *o);
    if (o != NULL) {
        o->snapshot_consistency = 1;
        o->allow_global_seqno = 1;
        o->allow_blocking_flush = 1;
    }
    return o;
}

/* compat: partial: the external files are deleted after a successful ingestion, as
 * RocksDB's; they are copied (rewritten) into the database, never hard-linked */
void rocksdb_ingestexternalfileoptions_set_move_files(rocksdb_ingestexternalfileoptions_t *opt,
                                                      unsigned char move_files)
{
    opt->move_files = move_files;
}

/* compat: implemented */
void rocksdb_ingestexternalfileoptions_set_snapshot_consistency(
    rocksdb_ingestexternalfileoptions_t *opt, unsigned char snapshot_consistency)
{
    opt->snapshot_consistency = snapshot_consistency;
}

/* compat: implemented */
void rocksdb_ingestexternalfileoptions_set_allow_global_seqno(
    rocksdb_ingestexternalfileoptions_t *opt, unsigned char allow_global_seqno)
{
    opt->allow_global_seqno = allow_global_seqno;
}

/* compat: implemented */
void rocksdb_ingestexternalfileoptions_set_allow_blocking_flush(
    rocksdb_ingestexternalfileoptions_t *opt, unsigned char allow_blocking_flush)
{
    opt->allow_blocking_flush = allow_blocking_flush;
}

/* compat: partial: stored; an ingestion with it fails with "Invalid argument" as on a
 * RocksDB database without allow_ingest_behind (shale has no such databases) */
void rocksdb_ingestexternalfileoptions_set_ingest_behind(
    rocksdb_ingestexternalfileoptions_t *opt, unsigned char ingest_behind)
{
    opt->ingest_behind = ingest_behind;
}

/* compat: implemented */
void rocksdb_ingestexternalfileoptions_destroy(rocksdb_ingestexternalfileoptions_t *opt)
{
    free(opt);
}

/* shale's options for opt (NULL: RocksDB's defaults); NULL when out of memory. */
static shale_ingest_options *ingest_options(const rocksdb_ingestexternalfileoptions_t *opt)
{
    shale_ingest_options *o = shale_ingest_options_new();
    if (o == NULL || opt == NULL)
        return o;
    shale_ingest_options_set_move_files(o, opt->move_files != 0);
    shale_ingest_options_set_snapshot_consistency(o, opt->snapshot_consistency != 0);
    shale_ingest_options_set_allow_global_seqno(o, opt->allow_global_seqno != 0);
    shale_ingest_options_set_allow_blocking_flush(o, opt->allow_blocking_flush != 0);
    shale_ingest_options_set_ingest_behind(o, opt->ingest_behind != 0);
    return o;
}

static void ingest(rocksdb_t *db, shale_cf *cf, const char *const *file_list, size_t list_len,
                   const rocksdb_ingestexternalfileoptions_t *opt, char **errptr)
{
    shale_ingest_options *o = ingest_options(opt);
    if (o == NULL) {
        compat_set_errf(errptr, SHALE_NO_MEMORY, "out of memory");
        return;
    }
    shale_err err = {0};
    int rc = shale_ingest_external_files(db->db, cf, file_list, list_len, o, &err);
    (void)compat_check(errptr, rc, &err);
    shale_ingest_options_free(o);
}

/* compat: partial: each file is rewritten (copied) into the database with its sequence
 * number in every key, where RocksDB links it and records the number beside it */
void rocksdb_ingest_external_file(rocksdb_t *db, const char *const *file_list,
                                  const size_t list_len,
                                  const rocksdb_ingestexternalfileoptions_t *opt, char **errptr)
{
    ingest(db, NULL, file_list, list_len, opt, errptr);
}

/* compat: partial: as rocksdb_ingest_external_file */
void rocksdb_ingest_external_file_cf(rocksdb_t *db, rocksdb_column_family_handle_t *handle,
                                     const char *const *file_list, const size_t list_len,
                                     const rocksdb_ingestexternalfileoptions_t *opt,
                                     char **errptr)
{
    if (handle == NULL) {   /* RocksDB's DBImpl::IngestExternalFiles text */
        compat_set_errf(errptr, SHALE_INVALID_ARGUMENT, "column family handle is null");
        return;
    }
    ingest(db, handle->cf, file_list, list_len, opt, errptr);
}
