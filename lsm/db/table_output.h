/* lsm/db/table_output.h: one SST being written by a flush or a compaction.
 * The file is synced and closed before its metadata is added to an edit, so
 * a MANIFEST never names an SST that is not durable (docs/architecture.md,
 * "durable ordering"). */
#ifndef LSM_DB_TABLE_OUTPUT_H
#define LSM_DB_TABLE_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "lsm/compaction/range_del.h"
#include "lsm/db/db_impl.h"
#include "lsm/table/sst_builder.h"
#include "lsm/version/version_edit.h"

typedef struct table_output {
    shale_db *db;
    int level;
    uint64_t number;
    char *path;
    shale_file *file;
    sst_builder *b;
    bool sync_failed;   /* set by tout_finish: the fsync itself failed */
} table_output;

/* Creates <db>/<number>.sst for `level` of family cfd (its options shape
 * the table; compress false: no compression whatever the options say, for
 * universal's compression_size_percent).  The caller has registered number
 * as a pending output.  On failure nothing is left open. */
int tout_open(shale_db *db, const db_cf *cfd, int level, uint64_t number,
              uint64_t oldest_ancester_time, bool compress, table_output *t, shale_err *err);
int tout_add(table_output *t, slice ikey, slice value, shale_err *err);
int tout_add_range_del(table_output *t, slice start_ikey, slice end_user_key, shale_err *err);
/* An rd_emit_fn (lsm/compaction/range_del.h) for flush and compaction:
 * arg is the table_output; writes the fragment into its range-del block. */
int tout_emit_tombstone(void *arg, const rd_tombstone *t, shale_err *err);
uint64_t tout_file_size(const table_output *t);
bool tout_empty(const table_output *t);
/* Finishes, syncs and closes the file and adds it to `edit` (at t->level).
 * An empty output is removed instead (*added false).  *bytes: file size.
 * A failed fsync also sets t->sync_failed (it survives the abandon), which
 * callers treat as a hard error whatever its errno. */
int tout_finish(table_output *t, version_edit *edit, bool *added, uint64_t *bytes,
                shale_err *err);
/* Drops an unfinished output and removes its file.  NULL-safe fields. */
void tout_abandon(table_output *t);

#endif
