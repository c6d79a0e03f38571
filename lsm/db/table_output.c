/* lsm/db/table_output.c: see table_output.h. */
#include "lsm/db/table_output.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "lsm/version/filenames.h"

int tout_open(shale_db *db, const db_cf *cfd, int level, uint64_t number,
              uint64_t oldest_ancester_time, bool compress, table_output *t, shale_err *err)
{
    memset(t, 0, sizeof *t);
    t->db = db;
    t->level = level;
    t->number = number;
    t->path = filename_path(db->name, FILE_TABLE, number);
    if (t->path == NULL)
        return SHALE_NOMEM(err);
    sst_builder_options bo;
    sst_builder_options_init(&bo);
    const shale_options *o = &cfd->opts;
    bo.table = o->table;
    bo.compression = compress ? options_compression_for_level(o, level) : COMPRESSION_NONE;
    bo.db_id = db->db_id;
    bo.db_session_id = db->session_id;
    bo.column_family_id = cfd->id;
    bo.column_family_name = cfd->name;
    if (o->merge_operator != NULL)   /* rocksdb.merge.operator */
        bo.merge_operator_name = shale_merge_operator_name(o->merge_operator);
    uint64_t now = db->env->ops->now_micros(db->env) / 1000000u;
    bo.creation_time = oldest_ancester_time != 0 ? oldest_ancester_time : now;
    bo.file_creation_time = now;
    bo.original_file_number = number;
    int rc = shale_env_open_write(db->env, t->path, &t->file, err);
    if (rc == SHALE_OK)
        rc = sst_builder_new(t->file, &bo, &t->b, err);
    if (rc != SHALE_OK)
        tout_abandon(t);
    return rc;
}

int tout_add(table_output *t, slice ikey, slice value, shale_err *err)
{
    return sst_builder_add(t->b, ikey, value, err);
}

int tout_add_range_del(table_output *t, slice start_ikey, slice end_user_key, shale_err *err)
{
    return sst_builder_add_range_del(t->b, start_ikey, end_user_key, err);
}

int tout_emit_tombstone(void *arg, const rd_tombstone *t, shale_err *err)
{
    shale_buf k = SHALE_BUF_INIT;
    shale_buf_append_slice(&k, t->begin);
    shale_buf_put_fixed64(&k, ikey_pack(t->seq, VT_RANGE_DELETION));
    int rc = shale_buf_ok(&k) ? tout_add_range_del(arg, shale_buf_slice(&k), t->end, err)
                              : SHALE_NOMEM(err);
    shale_buf_deinit(&k);
    return rc;
}

uint64_t tout_file_size(const table_output *t) { return sst_builder_file_size(t->b); }

bool tout_empty(const table_output *t)
{
    return sst_builder_num_entries(t->b) == 0 && sst_builder_num_range_dels(t->b) == 0;
}

int tout_finish(table_output *t, version_edit *edit, bool *added, uint64_t *bytes,
                shale_err *err)
{
    *added = false;
    *bytes = 0;
    if (tout_empty(t)) {
        tout_abandon(t);
        return SHALE_OK;
    }
    uint64_t size = 0;
    int rc = sst_builder_finish(t->b, &size, err);
    bool sync_failed = false;
    if (rc == SHALE_OK && (rc = shale_file_sync(t->file, err)) != SHALE_OK)
        sync_failed = true;
    if (rc == SHALE_OK) {
        ve_file_meta m;
        memset(&m, 0, sizeof m);
        m.level = t->level;
        m.number = t->number;
        m.size = size;
        m.smallest = sst_builder_smallest(t->b);
        m.largest = sst_builder_largest(t->b);
        m.smallest_seqno = sst_builder_smallest_seqno(t->b);
        m.largest_seqno = sst_builder_largest_seqno(t->b);
        const sst_props *p = sst_builder_props(t->b);
        m.oldest_ancester_time = p->creation_time;
        m.file_creation_time = p->file_creation_time;
        m.checksum = slice_make("", 0);
        m.checksum_func_name = slice_from_str("Unknown");
        rc = version_edit_add_file(edit, &m, err);
    }
    if (rc == SHALE_OK) {
        int crc = shale_file_close(t->file, err);
        t->file = NULL;
        rc = crc;
    }
    if (rc != SHALE_OK) {
        tout_abandon(t);
        t->sync_failed = sync_failed;
        return rc;
    }
    sst_builder_free(t->b);
    t->b = NULL;
    free(t->path);
    t->path = NULL;
    *added = true;
    *bytes = size;
    return SHALE_OK;
}

void tout_abandon(table_output *t)
{
    if (t->b != NULL) {
        sst_builder_abandon(t->b);
        sst_builder_free(t->b);
    }
    shale_file_close(t->file, NULL);
    if (t->path != NULL)
        (void)t->db->env->ops->remove(t->db->env, t->path, NULL);
    free(t->path);
    memset(t, 0, sizeof *t);
}
