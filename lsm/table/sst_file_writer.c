/* lsm/table/sst_file_writer.c: the public SST writer (include/shale/sst.h)
 * and the public table options (include/shale/table.h).
 *
 * The writer is a thin layer over sst_builder that makes the file look
 * like one from RocksDB's SstFileWriter, which is what IngestExternalFile
 * expects (rocksdb-format.md §5.5, §9): every entry has sequence number 0;
 * the properties carry external_sst_file.version = 2 and global_seqno = 0,
 * column family id 0x7fffffff with no name, db identity "SST Writer",
 * original file number 1 and a fresh 20-character session id.  User keys
 * must strictly increase, so two entries never share a user key. */
#include "shale/sst.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "lsm/table/compress.h"
#include "lsm/table/format.h"
#include "lsm/table/sst_builder.h"
#include "lsm/util/buf.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"
#include "shale/env.h"

#define SESSION_ID_LEN 20

/* --- table options ------------------------------------------------------ */

shale_table_options *shale_table_options_new(void)
{
    shale_table_options *o = malloc(sizeof *o);
    if (o != NULL)
        table_options_init(o);
    return o;
}

void shale_table_options_free(shale_table_options *o) { free(o); }

/* One setter per field, as lsm/db/options.c does for shale_options. */
#define TABLE_SETTER(name, type)                                              \
    void shale_table_options_set_##name(shale_table_options *o, type v) { o->name = v; }
TABLE_SETTER(block_size, size_t)
TABLE_SETTER(block_restart_interval, int)
TABLE_SETTER(index_block_restart_interval, int)
TABLE_SETTER(format_version, int)
TABLE_SETTER(checksum, int)
TABLE_SETTER(bloom_bits_per_key, double)
TABLE_SETTER(whole_key_filtering, bool)
TABLE_SETTER(block_size_deviation, int)
#undef TABLE_SETTER

/* --- the writer --------------------------------------------------------- */

struct shale_sst_writer {
    shale_env *env;
    char *path;               /* owned */
    shale_file *file;         /* NULL once closed */
    sst_builder *builder;
    shale_buf ikey;           /* scratch: user key + trailer */
    shale_buf last_key;       /* previous point user key */
    bool have_last;
    bool finished;            /* finish succeeded */
    uint64_t file_size;
};

/* A session id like RocksDB's: 20 characters of [0-9A-Z]. */
static void make_session_id(shale_env *env, char out[SESSION_ID_LEN + 1])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    uint64_t r[2] = {0, 0};
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        r[0] = env->ops->now_nanos(env) ^ ((uint64_t)getpid() << 32);
        r[1] = env->ops->now_micros(env) * UINT64_C(0x9e3779b97f4a7c15);
    }
    for (int i = 0; i < SESSION_ID_LEN; i++) {
        uint64_t *w = &r[i < 10 ? 0 : 1];
        out[i] = digits[*w % 36];
        *w /= 36;
    }
    out[SESSION_ID_LEN] = '\0';
}

static int start_builder(shale_sst_writer *w, const shale_table_options *topts, int compression,
                         shale_err *err)
{
    char session[SESSION_ID_LEN + 1];
    make_session_id(w->env, session);
    sst_builder_options o;
    sst_builder_options_init(&o);
    if (topts != NULL)
        o.table = *topts;
    o.compression = compression;
    o.db_id = "SST Writer";
    o.db_session_id = session;
    o.column_family_id = PROP_UNKNOWN_CF_ID;
    o.column_family_name = NULL;
    o.original_file_number = 1;
    o.external_file = true;
    return sst_builder_new(w->file, &o, &w->builder, err);
}

/* The env reports a missing directory as SHALE_NOT_FOUND; for a file being
 * created that is an I/O failure (RocksDB: IOError), so say so. */
static int create_file(shale_sst_writer *w, shale_err *err)
{
    int rc = shale_env_open_write(w->env, w->path, &w->file, err);
    if (rc == SHALE_NOT_FOUND)
        rc = SHALE_IOERR(err, ENOENT, "cannot create %s", w->path);
    return rc;
}

int shale_sst_writer_open(const char *path, const shale_table_options *topts, int compression,
                          shale_sst_writer **out, shale_err *err)
{
    *out = NULL;
    int rc;
    if (topts != NULL && (rc = table_options_check(topts, err)) != SHALE_OK)
        return rc;
    if (compression != SHALE_NO_COMPRESSION && !compress_supported(compression))
        return SHALE_UNSUPPORTED(err, "cannot write %s blocks", compression_type_name(compression));
    shale_sst_writer *w = calloc(1, sizeof *w);
    if (w == NULL || (w->path = strdup(path)) == NULL) {
        free(w);
        return SHALE_NOMEM(err);
    }
    w->env = shale_env_default();
    shale_buf_init(&w->ikey);
    shale_buf_init(&w->last_key);
    if ((rc = create_file(w, err)) != SHALE_OK ||
        (rc = start_builder(w, topts, compression, err)) != SHALE_OK) {
        shale_sst_writer_free(w);
        return rc;
    }
    *out = w;
    return SHALE_OK;
}

/* The internal key (key, 0, type) in w->ikey. */
static slice make_ikey(shale_sst_writer *w, slice key, int type)
{
    w->ikey.len = 0;
    shale_buf_append_slice(&w->ikey, key);
    shale_buf_put_fixed64(&w->ikey, ikey_pack(0, type));
    return shale_buf_slice(&w->ikey);
}

static int add_point(shale_sst_writer *w, int type, slice key, slice value, shale_err *err)
{
    if (w->finished)
        return SHALE_INVALID(err, "SST writer already finished");
    if (w->have_last && slice_compare(key, shale_buf_slice(&w->last_key)) <= 0)
        return SHALE_INVALID(err, "keys must be added in strictly increasing order");
    slice ikey = make_ikey(w, key, type);
    if (!shale_buf_ok(&w->ikey))
        return SHALE_NOMEM(err);
    int rc = sst_builder_add(w->builder, ikey, value, err);
    if (rc != SHALE_OK)
        return rc;
    w->last_key.len = 0;
    shale_buf_append_slice(&w->last_key, key);
    w->have_last = true;
    return shale_buf_ok(&w->last_key) ? SHALE_OK : SHALE_NOMEM(err);
}

int shale_sst_writer_put(shale_sst_writer *w, const char *key, size_t key_len, const char *value,
                         size_t value_len, shale_err *err)
{
    return add_point(w, VT_VALUE, slice_make(key, key_len), slice_make(value, value_len), err);
}

int shale_sst_writer_delete(shale_sst_writer *w, const char *key, size_t key_len, shale_err *err)
{
    return add_point(w, VT_DELETION, slice_make(key, key_len), slice_make(NULL, 0), err);
}

int shale_sst_writer_merge(shale_sst_writer *w, const char *key, size_t key_len,
                           const char *operand, size_t operand_len, shale_err *err)
{
    return add_point(w, VT_MERGE, slice_make(key, key_len), slice_make(operand, operand_len),
                     err);
}

int shale_sst_writer_delete_range(shale_sst_writer *w, const char *begin, size_t begin_len,
                                  const char *end, size_t end_len, shale_err *err)
{
    if (w->finished)
        return SHALE_INVALID(err, "SST writer already finished");
    slice b = slice_make(begin, begin_len), e = slice_make(end, end_len);
    int cmp = slice_compare(b, e);
    if (cmp > 0)
        return SHALE_INVALID(err, "range deletion end comes before its begin");
    if (cmp == 0)
        return SHALE_OK;   /* an empty range deletes nothing, as in RocksDB */
    slice start = make_ikey(w, b, VT_RANGE_DELETION);
    if (!shale_buf_ok(&w->ikey))
        return SHALE_NOMEM(err);
    return sst_builder_add_range_del(w->builder, start, e, err);
}

int shale_sst_writer_finish(shale_sst_writer *w, uint64_t *file_size, shale_err *err)
{
    if (w->finished)
        return SHALE_INVALID(err, "SST writer already finished");
    int rc = sst_builder_status(w->builder, err);
    if (rc != SHALE_OK)
        return rc;
    if (sst_builder_num_entries(w->builder) == 0)
        return SHALE_INVALID(err, "cannot create an SST file with no entries");
    uint64_t size = 0;
    if ((rc = sst_builder_finish(w->builder, &size, err)) != SHALE_OK ||
        (rc = shale_file_sync(w->file, err)) != SHALE_OK)
        return rc;
    shale_file *f = w->file;
    w->file = NULL;
    if ((rc = shale_file_close(f, err)) != SHALE_OK)
        return rc;
    w->finished = true;
    w->file_size = size;
    if (file_size != NULL)
        *file_size = size;
    return SHALE_OK;
}

uint64_t shale_sst_writer_file_size(const shale_sst_writer *w)
{
    return w->finished ? w->file_size : sst_builder_file_size(w->builder);
}

void shale_sst_writer_free(shale_sst_writer *w)
{
    if (w == NULL)
        return;
    if (w->builder != NULL && !w->finished)
        sst_builder_abandon(w->builder);
    (void)shale_file_close(w->file, NULL);
    if (!w->finished && w->path != NULL)
        (void)w->env->ops->remove(w->env, w->path, NULL);
    sst_builder_free(w->builder);
    shale_buf_deinit(&w->ikey);
    shale_buf_deinit(&w->last_key);
    free(w->path);
    free(w);
}
