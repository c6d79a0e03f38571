/* compat/rocksdb/c_db_admin.c: properties, flushes, compactions, live
 * files and their metadata, file deletions: the maintenance half of
 * rocksdb_t.
 *
 * Metadata objects borrow from the object they came from, as RocksDB's do
 * (a level's metadata lives as long as its column family's). */
#include "compat/rocksdb/c_internal.h"
#include "shale/checkpoint.h"

#include <stdlib.h>
#include <string.h>

/* --- properties ------------------------------------------------------------------- */
static char *property_copy(char *v)
{
    if (v == NULL)
        return NULL;
    char *out = compat_memdup(v, strlen(v));
    shale_free(v);
    return out;
}

/* compat: implemented */
char *rocksdb_property_value(rocksdb_t *db, const char *propname)
{
    return property_copy(shale_get_property(db->db, propname));
}

/* compat: implemented */
char *rocksdb_property_value_cf(rocksdb_t *db, rocksdb_column_family_handle_t *column_family,
                                const char *propname)
{
    return property_copy(shale_get_property_cf(db->db, compat_cf(column_family), propname));
}

/* --- flush and compaction ---------------------------------------------------------- */
/* compat: implemented */
void rocksdb_flush(rocksdb_t *db, const rocksdb_flushoptions_t *options, char **errptr)
{
    shale_err err = {0};
    int rc = shale_flush(db->db, options == NULL || options->wait, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_flush_cf(rocksdb_t *db, const rocksdb_flushoptions_t *options,
                      rocksdb_column_family_handle_t *column_family, char **errptr)
{
    shale_err err = {0};
    int rc = shale_flush_cf(db->db, compat_cf(column_family), options == NULL || options->wait,
                            &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: partial: a no-op: shale hands every write to the WAL file at once; sync is not forced */
void rocksdb_flush_wal(rocksdb_t *db, unsigned char sync, char **errptr)
{
    (void)db, (void)sync, (void)errptr;
}

/* compat: implemented */
void rocksdb_compact_range_cf(rocksdb_t *db, rocksdb_column_family_handle_t *column_family,
                              const char *start_key, size_t start_key_len,
                              const char *limit_key, size_t limit_key_len)
{
    (void)shale_compact_range_cf(db->db, compat_cf(column_family), start_key,
                                 start_key != NULL ? start_key_len : 0, limit_key,
                                 limit_key != NULL ? limit_key_len : 0, NULL);
}

/* compat: implemented */
void rocksdb_compact_range(rocksdb_t *db, const char *start_key, size_t start_key_len,
                           const char *limit_key, size_t limit_key_len)
{
    rocksdb_compact_range_cf(db, NULL, start_key, start_key_len, limit_key, limit_key_len);
}

/* compat: partial: the options are not used (every level is compacted, none is changed) */
void rocksdb_compact_range_cf_opt(rocksdb_t *db, rocksdb_column_family_handle_t *column_family,
                                  rocksdb_compactoptions_t *opt, const char *start_key,
                                  size_t start_key_len, const char *limit_key,
                                  size_t limit_key_len)
{
    (void)opt;
    rocksdb_compact_range_cf(db, column_family, start_key, start_key_len, limit_key,
                             limit_key_len);
}

/* compat: partial: the options are not used (every level is compacted, none is changed) */
void rocksdb_compact_range_opt(rocksdb_t *db, rocksdb_compactoptions_t *opt,
                               const char *start_key, size_t start_key_len,
                               const char *limit_key, size_t limit_key_len)
{
    rocksdb_compact_range_cf_opt(db, NULL, opt, start_key, start_key_len, limit_key,
                                 limit_key_len);
}

/* compat: partial: the hint is accepted and ignored */
void rocksdb_suggest_compact_range(rocksdb_t *db, const char *start_key, size_t start_key_len,
                                   const char *limit_key, size_t limit_key_len, char **errptr)
{
    (void)db, (void)start_key, (void)start_key_len, (void)limit_key, (void)limit_key_len;
    (void)errptr;
}

/* compat: partial: the hint is accepted and ignored */
void rocksdb_suggest_compact_range_cf(rocksdb_t *db,
                                      rocksdb_column_family_handle_t *column_family,
                                      const char *start_key, size_t start_key_len,
                                      const char *limit_key, size_t limit_key_len,
                                      char **errptr)
{
    (void)db, (void)column_family, (void)start_key, (void)start_key_len, (void)limit_key;
    (void)limit_key_len, (void)errptr;
}

/* compat: partial: waits for running flushes and compactions instead of cancelling them */
void rocksdb_cancel_all_background_work(rocksdb_t *db, unsigned char wait)
{
    if (wait)
        (void)shale_wait_for_compact(db->db, NULL);
}

/* compat: partial: a no-op (manual compactions stay allowed) */
void rocksdb_disable_manual_compaction(rocksdb_t *db)
{
    (void)db;
}

/* compat: partial: a no-op (manual compactions are always allowed) */
void rocksdb_enable_manual_compaction(rocksdb_t *db)
{
    (void)db;
}

/* --- approximate sizes -------------------------------------------------------------- */
/* Whether the file's keys [smallest, largest] meet the range [b, l). */
static bool file_in_range(const shale_live_file *f, const char *b, size_t bn, const char *l,
                          size_t ln)
{
    size_t n = f->largest_key_len < bn ? f->largest_key_len : bn;
    int c = memcmp(f->largest_key, b, n);
    if (c < 0 || (c == 0 && f->largest_key_len < bn))
        return false;   /* the file ends before the range starts */
    n = f->smallest_key_len < ln ? f->smallest_key_len : ln;
    c = memcmp(f->smallest_key, l, n);
    return c < 0 || (c == 0 && f->smallest_key_len < ln);
}

/* compat: partial: the sizes of whole SST files overlapping each range (RocksDB estimates the
 * part of each file inside the range); memtables are not counted, as in RocksDB's default */
void rocksdb_approximate_sizes_cf(rocksdb_t *db, rocksdb_column_family_handle_t *column_family,
                                  int num_ranges, const char *const *range_start_key,
                                  const size_t *range_start_key_len,
                                  const char *const *range_limit_key,
                                  const size_t *range_limit_key_len, uint64_t *sizes,
                                  char **errptr)
{
    shale_live_file *files = NULL;
    size_t n = 0;
    shale_err err = {0};
    int rc = shale_live_files_cf(db->db, compat_cf(column_family), &files, &n, &err);
    for (int r = 0; r < num_ranges; r++) {
        sizes[r] = 0;
        for (size_t i = 0; rc == SHALE_OK && i < n; i++) {
            if (file_in_range(&files[i], range_start_key[r], range_start_key_len[r],
                              range_limit_key[r], range_limit_key_len[r]))
                sizes[r] += files[i].size;
        }
    }
    shale_live_files_free(files, n);
    (void)compat_check(errptr, rc, &err);
}

/* compat: partial: the sizes of whole SST files overlapping each range (RocksDB estimates the
 * part of each file inside the range); memtables are not counted, as in RocksDB's default */
void rocksdb_approximate_sizes(rocksdb_t *db, int num_ranges, const char *const *range_start_key,
                               const size_t *range_start_key_len,
                               const char *const *range_limit_key,
                               const size_t *range_limit_key_len, uint64_t *sizes, char **errptr)
{
    rocksdb_approximate_sizes_cf(db, NULL, num_ranges, range_start_key, range_start_key_len,
                                 range_limit_key, range_limit_key_len, sizes, errptr);
}

/* --- file deletions ----------------------------------------------------------------- */
/* compat: implemented */
void rocksdb_disable_file_deletions(rocksdb_t *db, char **errptr)
{
    shale_err err = {0};
    int rc = shale_disable_file_deletions(db->db, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_enable_file_deletions(rocksdb_t *db, unsigned char force, char **errptr)
{
    shale_err err = {0};
    int rc = shale_enable_file_deletions(db->db, force != 0, &err);
    (void)compat_check(errptr, rc, &err);
}

/* --- live files ---------------------------------------------------------------------- */
struct rocksdb_livefiles_t {
    shale_live_file *files;
    size_t n;
};

/* compat: implemented */
const rocksdb_livefiles_t *rocksdb_livefiles(rocksdb_t *db)
{
    rocksdb_livefiles_t *lf = calloc(1, sizeof *lf);
    if (lf == NULL)
        return NULL;
    if (shale_live_files(db->db, &lf->files, &lf->n, NULL) != SHALE_OK) {
        lf->files = NULL;
        lf->n = 0;
    }
    return lf;
}

/* compat: implemented */
int rocksdb_livefiles_count(const rocksdb_livefiles_t *lf)
{
    return (int)lf->n;
}

/* compat: implemented */
const char *rocksdb_livefiles_column_family_name(const rocksdb_livefiles_t *lf, int index)
{
    return lf->files[index].column_family_name;
}

/* compat: implemented */
const char *rocksdb_livefiles_name(const rocksdb_livefiles_t *lf, int index)
{
    return lf->files[index].name;
}

/* compat: implemented */
int rocksdb_livefiles_level(const rocksdb_livefiles_t *lf, int index)
{
    return lf->files[index].level;
}

/* compat: implemented */
size_t rocksdb_livefiles_size(const rocksdb_livefiles_t *lf, int index)
{
    return (size_t)lf->files[index].size;
}

/* compat: implemented */
const char *rocksdb_livefiles_smallestkey(const rocksdb_livefiles_t *lf, int index,
                                          size_t *size)
{
    *size = lf->files[index].smallest_key_len;
    return lf->files[index].smallest_key;
}

/* compat: implemented */
const char *rocksdb_livefiles_largestkey(const rocksdb_livefiles_t *lf, int index, size_t *size)
{
    *size = lf->files[index].largest_key_len;
    return lf->files[index].largest_key;
}

/* compat: implemented */
uint64_t rocksdb_livefiles_entries(const rocksdb_livefiles_t *lf, int index)
{
    return lf->files[index].num_entries;
}

/* compat: implemented */
uint64_t rocksdb_livefiles_deletions(const rocksdb_livefiles_t *lf, int index)
{
    return lf->files[index].num_deletions;
}

/* compat: implemented */
void rocksdb_livefiles_destroy(const rocksdb_livefiles_t *lf)
{
    if (lf == NULL)
        return;
    shale_live_files_free(lf->files, lf->n);
    free((rocksdb_livefiles_t *)lf);
}

/* --- column family, level and file metadata --------------------------------------------- */
#define META_LEVELS 7   /* RocksDB's default num_levels; more if a file sits deeper */

struct rocksdb_column_family_metadata_t {
    char *name;
    shale_live_file *files;
    size_t n;
    int levels;
};

struct rocksdb_level_metadata_t {
    const rocksdb_column_family_metadata_t *cf;
    int level;
};

struct rocksdb_sst_file_metadata_t {
    const shale_live_file *file;
};

/* compat: partial: the level count is 7 or one past the deepest file's level */
rocksdb_column_family_metadata_t *rocksdb_get_column_family_metadata_cf(
    rocksdb_t *db, rocksdb_column_family_handle_t *column_family)
{
    rocksdb_column_family_metadata_t *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    const char *name = column_family != NULL ? column_family->name : SHALE_DEFAULT_CF_NAME;
    m->name = compat_memdup(name, strlen(name));
    if (shale_live_files_cf(db->db, compat_cf(column_family), &m->files, &m->n, NULL) !=
        SHALE_OK) {
        m->files = NULL;
        m->n = 0;
    }
    m->levels = META_LEVELS;
    for (size_t i = 0; i < m->n; i++) {
        if (m->files[i].level + 1 > m->levels)
            m->levels = m->files[i].level + 1;
    }
    return m;
}

/* compat: partial: the level count is 7 or one past the deepest file's level */
rocksdb_column_family_metadata_t *rocksdb_get_column_family_metadata(rocksdb_t *db)
{
    return rocksdb_get_column_family_metadata_cf(db, NULL);
}

/* compat: implemented */
void rocksdb_column_family_metadata_destroy(rocksdb_column_family_metadata_t *m)
{
    if (m == NULL)
        return;
    shale_live_files_free(m->files, m->n);
    free(m->name);
    free(m);
}

static uint64_t files_size(const rocksdb_column_family_metadata_t *m, int level)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (level < 0 || m->files[i].level == level)
            sum += m->files[i].size;
    }
    return sum;
}

static size_t files_count(const rocksdb_column_family_metadata_t *m, int level)
{
    size_t count = 0;
    for (size_t i = 0; i < m->n; i++)
        count += level < 0 || m->files[i].level == level;
    return count;
}

/* compat: implemented */
uint64_t rocksdb_column_family_metadata_get_size(rocksdb_column_family_metadata_t *m)
{
    return files_size(m, -1);
}

/* compat: implemented */
size_t rocksdb_column_family_metadata_get_file_count(rocksdb_column_family_metadata_t *m)
{
    return m->n;
}

/* compat: implemented */
char *rocksdb_column_family_metadata_get_name(rocksdb_column_family_metadata_t *m)
{
    return compat_memdup(m->name, strlen(m->name));
}

/* compat: implemented */
size_t rocksdb_column_family_metadata_get_level_count(rocksdb_column_family_metadata_t *m)
{
    return (size_t)m->levels;
}

/* compat: implemented */
rocksdb_level_metadata_t *rocksdb_column_family_metadata_get_level_metadata(
    rocksdb_column_family_metadata_t *m, size_t i)
{
    if (i >= (size_t)m->levels)
        return NULL;
    rocksdb_level_metadata_t *l = malloc(sizeof *l);
    if (l != NULL) {
        l->cf = m;
        l->level = (int)i;
    }
    return l;
}

/* compat: implemented */
void rocksdb_level_metadata_destroy(rocksdb_level_metadata_t *l)
{
    free(l);
}

/* compat: implemented */
int rocksdb_level_metadata_get_level(rocksdb_level_metadata_t *l)
{
    return l->level;
}

/* compat: implemented */
uint64_t rocksdb_level_metadata_get_size(rocksdb_level_metadata_t *l)
{
    return files_size(l->cf, l->level);
}

/* compat: implemented */
size_t rocksdb_level_metadata_get_file_count(rocksdb_level_metadata_t *l)
{
    return files_count(l->cf, l->level);
}

/* compat: partial: files come in the order shale lists them within the level */
rocksdb_sst_file_metadata_t *rocksdb_level_metadata_get_sst_file_metadata(
    rocksdb_level_metadata_t *l, size_t i)
{
    for (size_t k = 0; k < l->cf->n; k++) {
        if (l->cf->files[k].level != l->level || i-- != 0)
            continue;
        rocksdb_sst_file_metadata_t *f = malloc(sizeof *f);
        if (f != NULL)
            f->file = &l->cf->files[k];
        return f;
    }
    return NULL;
}

/* compat: implemented */
void rocksdb_sst_file_metadata_destroy(rocksdb_sst_file_metadata_t *f)
{
    free(f);
}

/* compat: implemented */
char *rocksdb_sst_file_metadata_get_relative_filename(rocksdb_sst_file_metadata_t *f)
{
    const char *name = f->file->name;
    while (*name == '/')
        name++;
    return compat_memdup(name, strlen(name));
}

/* compat: implemented */
uint64_t rocksdb_sst_file_metadata_get_size(rocksdb_sst_file_metadata_t *f)
{
    return f->file->size;
}

/* compat: implemented */
char *rocksdb_sst_file_metadata_get_smallestkey(rocksdb_sst_file_metadata_t *f, size_t *len)
{
    *len = f->file->smallest_key_len;
    return compat_memdup(f->file->smallest_key, *len);
}

/* compat: implemented */
char *rocksdb_sst_file_metadata_get_largestkey(rocksdb_sst_file_metadata_t *f, size_t *len)
{
    *len = f->file->largest_key_len;
    return compat_memdup(f->file->largest_key, *len);
}

/* --- checkpoints ------------------------------------------------------------------------- */
struct rocksdb_checkpoint_t {
    shale_db *db;
};

/* compat: implemented */
rocksdb_checkpoint_t *rocksdb_checkpoint_object_create(rocksdb_t *db, char **errptr)
{
    rocksdb_checkpoint_t *c = malloc(sizeof *c);
    if (c == NULL) {
        compat_set_errf(errptr, SHALE_NO_MEMORY, "checkpoint");
        return NULL;
    }
    c->db = db->db;
    return c;
}

/* compat: implemented */
void rocksdb_checkpoint_create(rocksdb_checkpoint_t *checkpoint, const char *checkpoint_dir,
                               uint64_t log_size_for_flush, char **errptr)
{
    shale_err err = {0};
    int rc = shale_checkpoint_create(checkpoint->db, checkpoint_dir, log_size_for_flush, &err);
    (void)compat_check(errptr, rc, &err);
}

/* compat: implemented */
void rocksdb_checkpoint_object_destroy(rocksdb_checkpoint_t *checkpoint)
{
    free(checkpoint);
}
