/* lsm/db/db_ingest.c: ingesting external SST files (include/shale/ingest.h),
 * RocksDB 7.8.3's IngestExternalFile (db/external_sst_file_ingestion_job.cc)
 * done by rewriting: shale's table readers apply no per-file "global
 * sequence number", so each file is copied into the database with every key
 * re-packed with the sequence number it is given.
 *
 *   prepare   (no lock)  open each file; check its external-file properties;
 *                        its bounds (first and last key, range tombstones);
 *                        whether the files overlap each other
 *   exclusive (mu, write exclusivity: no write interleaves from here on)
 *     flush              a memtable meeting a file's range is flushed and
 *                        waited for (allow_blocking_flush)
 *     overlap   (no mu)  per file, the first level holding data in its range,
 *                        read from a referenced version
 *     assign    (mu)     sequence number and level, as RocksDB's
 *                        AssignLevelAndSeqnoForIngestedFile; each file bound
 *                        for a level >= 1 is reserved in the picker
 *     rewrite   (no mu)  one new SST per file through table_output, synced
 *     install   (mu)     one VersionEdit with every file; last_sequence
 *                        advanced past the numbers used; new superversion
 *   cleanup              reservations and pending outputs released; on
 *                        failure the new files are removed
 *
 * Why the steps hold:
 *   1. Data never moves up a level and only writers (blocked) and ingestion
 *      add data ranges, so the first level holding data in a file's range
 *      can only grow between the overlap step and the install: a level
 *      above the one seen is still above all data in range.
 *   2. A compaction running into level L with an output range meeting the
 *      file's was checked at assign time (RocksDB's
 *      RangeOverlapWithCompaction).  One picked later would not see the
 *      ingested file, so the reservation (a registered compaction with no
 *      inputs, output level L, the file's range) makes the picker refuse
 *      it, as RocksDB refuses to pick while an ingestion runs.
 *   3. A snapshot taken while the files are rewritten (after the decision)
 *      may, once the files are installed, see a file kept at sequence 0;
 *      RocksDB has the same window while its MANIFEST is written. */
#include "shale/ingest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/compaction/range_del.h"
#include "lsm/db/db_impl.h"
#include "lsm/db/table_output.h"
#include "lsm/table/sst_reader.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"
#include "lsm/version/filenames.h"

/* RocksDB's TablePropertiesCollectorFactory::Context::kUnknownColumnFamily. */
#define UNKNOWN_CF_ID UINT64_C(0x7fffffff)

struct shale_ingest_options {
    bool move_files, failed_move_fall_back_to_copy, snapshot_consistency;
    bool allow_global_seqno, allow_blocking_flush, ingest_behind;
    bool write_global_seqno, verify_checksums_before_ingest;
};

/* One external file on its way in. */
typedef struct ingest_file {
    const char *path;            /* the caller's */
    sst_reader *r;
    shale_buf smallest, largest; /* internal keys, sequence 0; a tombstone's
                                  * end as (end, MAX_SEQUENCE, 0x0F) */
    int first_overlap;           /* first level with data in range; num_levels: none */
    int level;                   /* picked */
    uint64_t seqno;              /* assigned */
    uint64_t number;             /* the rewritten file's; 0 until allocated */
    bool written;                /* the rewritten file exists */
    compaction *resv;            /* the picker reservation, or NULL */
} ingest_file;

typedef struct ingest_job {
    shale_db *db;
    db_cf *cfd;
    const shale_ingest_options *o;
    ingest_file *f;
    size_t n;
    bool files_overlap;
    version_edit edit;
    uint64_t last_seq;           /* the newest sequence, advanced as assigned */
    bool consumed;               /* some file took a new sequence number */
} ingest_job;

/* --- options ------------------------------------------------------------------ */

static void options_default(shale_ingest_options *o)
{
    memset(o, 0, sizeof *o);
    o->failed_move_fall_back_to_copy = true;
    o->snapshot_consistency = true;
    o->allow_global_seqno = true;
    o->allow_blocking_flush = true;
    o->write_global_seqno = true;   /* RocksDB 7.8.3's default */
}

shale_ingest_options *shale_ingest_options_new(void)
{
    shale_ingest_options *o = malloc(sizeof *o);
    if (o != NULL)
        options_default(o);
    return o;
}

void shale_ingest_options_free(shale_ingest_options *o) { free(o); }

#define INGEST_OPTION(name)                                                      \
    void shale_ingest_options_set_##name(shale_ingest_options *o, bool v) { o->name = v; } \
    bool shale_ingest_options_get_##name(const shale_ingest_options *o) { return o->name; }
INGEST_OPTION(move_files)
INGEST_OPTION(snapshot_consistency)
INGEST_OPTION(allow_global_seqno)
INGEST_OPTION(allow_blocking_flush)
INGEST_OPTION(ingest_behind)
INGEST_OPTION(write_global_seqno)
INGEST_OPTION(verify_checksums_before_ingest)
#undef INGEST_OPTION

void shale_ingest_options_set_failed_move_fall_back_to_copy(shale_ingest_options *o, bool v)
{
    o->failed_move_fall_back_to_copy = v;
}

/* --- prepare: one file's checks and bounds --------------------------------------- */

/* RocksDB's checks of the external-file properties (GetIngestedFileInfo). */
static int check_properties(const ingest_job *j, const ingest_file *f, shale_err *err)
{
    const sst_props *p = sst_reader_props(f->r);
    if (!p->has_external_version)
        return SHALE_CORRUPT(err, "External file version not found: %s", f->path);
    if (p->external_sst_file_version == 2) {
        if (!p->has_global_seqno)
            return SHALE_CORRUPT(err, "External file global sequence number not found: %s",
                                 f->path);
        if (p->external_sst_file_global_seqno != 0)   /* its keys would read as non-zero */
            return SHALE_CORRUPT(err, "External file has non zero sequence number: %s", f->path);
    } else if (p->external_sst_file_version == 1) {
        if (j->o->allow_blocking_flush || j->o->allow_global_seqno)
            return SHALE_INVALID(err, "External SST file V1 does not support global seqno");
    } else {
        return SHALE_INVALID(err, "External file version is not supported");
    }
    if (p->has_column_family_id && p->column_family_id != UNKNOWN_CF_ID &&
        p->column_family_id != j->cfd->id)
        return SHALE_INVALID(err, "External file column family id don't match");
    if (p->num_entries == 0 && p->num_range_deletions == 0)
        return SHALE_INVALID(err, "File contain no entries");
    return SHALE_OK;
}

/* A point key of an external file: sequence 0, a type shale stores. */
static int check_point_key(const ingest_file *f, slice ikey, parsed_ikey *k, shale_err *err)
{
    if (!ikey_parse(ikey, k))
        return SHALE_CORRUPT(err, "Corrupted key in external file %s", f->path);
    if (k->seq != 0)
        return SHALE_CORRUPT(err, "External file has non zero sequence number: %s", f->path);
    if (k->type == VT_WIDE_COLUMN_ENTITY || k->type == VT_BLOB_INDEX)
        return SHALE_UNSUPPORTED(err, "key type 0x%02x in external file %s", k->type, f->path);
    if (k->type != VT_VALUE && k->type != VT_DELETION && k->type != VT_MERGE &&
        k->type != VT_SINGLE_DELETION)
        return SHALE_CORRUPT(err, "unexpected key type 0x%02x in external file %s", k->type,
                             f->path);
    return SHALE_OK;
}

static void set_key(shale_buf *b, slice user_key, uint64_t seq, int type)
{
    shale_buf_clear(b);
    shale_buf_append_slice(b, user_key);
    shale_buf_put_fixed64(b, ikey_pack(seq, type));
}

/* File bounds compare as RocksDB's sstableKeyCompare. */
static int key_cmp(const shale_buf *a, const shale_buf *b)
{
    return version_sstable_key_compare(shale_buf_slice(a), shale_buf_slice(b));
}

/* The first and last point keys. */
static int point_bounds(ingest_file *f, bool *set, shale_err *err)
{
    sst_iter *it = NULL;
    *set = false;
    int rc = sst_iter_new(f->r, SST_ITER_DATA, NULL, &it, err);
    if (rc != SHALE_OK)
        return rc;
    parsed_ikey k;
    sst_iter_first(it);
    if (sst_iter_valid(it) && (rc = check_point_key(f, sst_iter_key(it), &k, err)) == SHALE_OK) {
        set_key(&f->smallest, k.user_key, 0, k.type);
        sst_iter_last(it);
        if (sst_iter_valid(it) && (rc = check_point_key(f, sst_iter_key(it), &k, err)) == SHALE_OK)
            set_key(&f->largest, k.user_key, 0, k.type);
        *set = true;
    }
    if (rc == SHALE_OK)
        rc = sst_iter_status(it, err);
    sst_iter_free(it);
    return rc;
}

/* Widens the bounds with each range tombstone (RocksDB: its start as
 * (begin, 0, 0x0F), its end as (end, MAX_SEQUENCE, 0x0F)). */
static int tombstone_bounds(ingest_file *f, bool set, shale_err *err)
{
    sst_iter *it = NULL;
    int rc = sst_iter_new(f->r, SST_ITER_RANGE_DEL, NULL, &it, err);
    if (rc != SHALE_OK)
        return rc;
    shale_buf k = SHALE_BUF_INIT;
    for (sst_iter_first(it); rc == SHALE_OK && sst_iter_valid(it); sst_iter_next(it)) {
        parsed_ikey t = {{NULL, 0}, 0, 0};
        if (!ikey_parse(sst_iter_key(it), &t) || t.type != VT_RANGE_DELETION)
            rc = SHALE_CORRUPT(err, "Corrupted key in external file %s", f->path);
        else if (t.seq != 0)
            rc = SHALE_CORRUPT(err, "External file has non zero sequence number: %s", f->path);
        if (rc != SHALE_OK)
            break;
        set_key(&k, t.user_key, 0, VT_RANGE_DELETION);
        if (!set || key_cmp(&k, &f->smallest) < 0)
            set_key(&f->smallest, t.user_key, 0, VT_RANGE_DELETION);
        set_key(&k, sst_iter_value(it), MAX_SEQUENCE, VT_RANGE_DELETION);
        if (!set || key_cmp(&k, &f->largest) > 0)
            set_key(&f->largest, sst_iter_value(it), MAX_SEQUENCE, VT_RANGE_DELETION);
        set = true;
    }
    if (rc == SHALE_OK)
        rc = sst_iter_status(it, err);
    if (rc == SHALE_OK && !set)
        rc = SHALE_INVALID(err, "File contain no entries");
    if (rc == SHALE_OK && (!shale_buf_ok(&f->smallest) || !shale_buf_ok(&f->largest) ||
                           !shale_buf_ok(&k)))
        rc = SHALE_NOMEM(err);
    shale_buf_deinit(&k);
    sst_iter_free(it);
    return rc;
}

static int prepare_file(ingest_job *j, ingest_file *f, shale_err *err)
{
    sst_reader_options ro;
    sst_reader_options_init(&ro);
    ro.use_filter = false;
    int rc = sst_reader_open(j->db->env, f->path, &ro, &f->r, err);
    if (rc == SHALE_NOT_FOUND) {   /* RocksDB: IOError, "No such file or directory" */
        char msg[SHALE_ERR_MSG_LEN];
        snprintf(msg, sizeof msg, "%s", err != NULL ? err->msg : f->path);
        return SHALE_IOERR(err, ENOENT, "%s", msg);
    }
    if (rc == SHALE_OK && j->o->verify_checksums_before_ingest)
        rc = sst_reader_verify(f->r, err);
    if (rc == SHALE_OK)
        rc = check_properties(j, f, err);
    bool set = false;
    if (rc == SHALE_OK)
        rc = point_bounds(f, &set, err);
    if (rc == SHALE_OK)
        rc = tombstone_bounds(f, set, err);
    return rc;
}

/* Whether two of the files overlap (RocksDB sorts them by smallest key and
 * compares neighbours with sstableKeyCompare). */
static int by_smallest(const void *a, const void *b)
{
    const ingest_file *x = *(ingest_file *const *)a, *y = *(ingest_file *const *)b;
    return key_cmp(&x->smallest, &y->smallest);
}

static int find_input_overlap(ingest_job *j, shale_err *err)
{
    if (j->n < 2)
        return SHALE_OK;
    ingest_file **s = malloc(j->n * sizeof *s);
    if (s == NULL)
        return SHALE_NOMEM(err);
    for (size_t i = 0; i < j->n; i++)
        s[i] = &j->f[i];
    qsort(s, j->n, sizeof *s, by_smallest);
    for (size_t i = 0; i + 1 < j->n && !j->files_overlap; i++)
        j->files_overlap = key_cmp(&s[i]->largest, &s[i + 1]->smallest) >= 0;
    free(s);
    return SHALE_OK;
}

static slice lo_key(const ingest_file *f) { return ikey_user_key(shale_buf_slice(&f->smallest)); }
static slice hi_key(const ingest_file *f) { return ikey_user_key(shale_buf_slice(&f->largest)); }

/* --- memtables ------------------------------------------------------------------- */

/* Whether m holds a point key in [lo, hi] or a tombstone meeting it
 * (RocksDB's RangesOverlapWithMemtables).  A failed seek counts as overlap. */
static bool mem_overlaps(memtable *m, slice lo, slice hi)
{
    shale_buf target = SHALE_BUF_INIT;
    set_key(&target, lo, MAX_SEQUENCE, VT_FOR_SEEK);
    if (!shale_buf_ok(&target))
        return true;
    mem_iter it;
    mem_iter_init(&it, m);
    mem_iter_seek(&it, shale_buf_slice(&target));
    bool hit = mem_iter_status(&it) != SHALE_OK ||
               (mem_iter_valid(&it) && slice_compare(ikey_user_key(mem_iter_key(&it)), hi) <= 0);
    mem_iter_deinit(&it);
    shale_buf_deinit(&target);
    if (hit || mem_num_range_deletes(m) == 0)
        return hit;
    mem_iter_init_range_del(&it, m);
    for (mem_iter_seek_to_first(&it); !hit && mem_iter_valid(&it); mem_iter_next(&it))
        hit = slice_compare(ikey_user_key(mem_iter_key(&it)), hi) <= 0 &&
              slice_compare(mem_iter_value(&it), lo) > 0;
    mem_iter_deinit(&it);
    return hit;
}

static bool cf_mems_overlap_locked(shale_db *db, const ingest_job *j) SHALE_REQUIRES(db->mu.lock)
{
    const db_cf *c = j->cfd;
    for (size_t i = 0; i < j->n; i++) {
        if (mem_overlaps(c->mem, lo_key(&j->f[i]), hi_key(&j->f[i])))
            return true;
        for (int k = 0; k < c->n_imm; k++)
            if (mem_overlaps(c->imm[k].mem, lo_key(&j->f[i]), hi_key(&j->f[i])))
                return true;
    }
    return false;
}

/* Flushes the family when a memtable meets a file, and waits until every
 * immutable memtable is on disk.  REQUIRES: mu and write exclusivity;
 * waiting drops mu. */
static int flush_if_needed_locked(shale_db *db, ingest_job *j, shale_err *err)
    SHALE_REQUIRES(db->mu.lock)
{
    db_cf *c = j->cfd;
    if (!cf_mems_overlap_locked(db, j))
        return SHALE_OK;
    if (!j->o->allow_blocking_flush)
        return SHALE_INVALID(err, "External file requires flush");
    int rc = SHALE_OK;
    if (mem_num_entries(c->mem) > 0)
        rc = db_switch_memtable_locked(db, c, err);
    db_maybe_schedule_locked(db);
    while (rc == SHALE_OK && c->n_imm > 0 && db->mu.bg_err.code == SHALE_OK &&
           !db->mu.shutting_down)
        shale_cond_wait(&db->mu.bg_cv, &db->mu.lock);
    if (rc == SHALE_OK && db->mu.bg_err.code != SHALE_OK)
        rc = shale_err_copy(err, &db->mu.bg_err);
    if (rc == SHALE_OK && db->mu.shutting_down)
        rc = SHALE_ERR(err, SHALE_SHUTDOWN, "database is closing");
    return rc;
}

/* --- overlap with the levels (no mu) ----------------------------------------------- */

static bool ranges_meet(const file_meta *m, slice lo, slice hi)
{
    return slice_compare(ikey_user_key(file_meta_largest(m)), lo) >= 0 &&
           slice_compare(ikey_user_key(file_meta_smallest(m)), hi) <= 0;
}

/* Whether table m holds a point key in [lo, hi] or a tombstone meeting it
 * (RocksDB's OverlapWithLevelIterator, per file). */
static int table_has_data(shale_db *db, const file_meta *m, slice lo, slice hi, bool *hit,
                          shale_err *err)
{
    sst_reader *r = NULL;
    sst_iter *it = NULL;
    shale_buf target = SHALE_BUF_INIT;
    set_key(&target, lo, MAX_SEQUENCE, VT_FOR_SEEK);
    int rc = shale_buf_ok(&target) ? tc_get(db->tcache, m->number, m->file_size, &r, err)
                                   : SHALE_NOMEM(err);
    if (rc == SHALE_OK && (rc = sst_iter_new(r, SST_ITER_DATA, NULL, &it, err)) == SHALE_OK) {
        sst_iter_seek(it, shale_buf_slice(&target));
        *hit = sst_iter_valid(it) && slice_compare(ikey_user_key(sst_iter_key(it)), hi) <= 0;
        rc = sst_iter_status(it, err);
        sst_iter_free(it);
        it = NULL;
    }
    if (rc == SHALE_OK && !*hit &&
        (rc = sst_iter_new(r, SST_ITER_RANGE_DEL, NULL, &it, err)) == SHALE_OK) {
        for (sst_iter_first(it); !*hit && sst_iter_valid(it); sst_iter_next(it))
            *hit = slice_compare(ikey_user_key(sst_iter_key(it)), hi) <= 0 &&
                   slice_compare(sst_iter_value(it), lo) > 0;
        rc = sst_iter_status(it, err);
    }
    sst_iter_free(it);
    sst_reader_unref(r);
    shale_buf_deinit(&target);
    return rc;
}

/* f->first_overlap: the first level of v with data in f's range. */
static int find_first_overlap(shale_db *db, const version *v, ingest_file *f, shale_err *err)
{
    slice lo = lo_key(f), hi = hi_key(f);
    bool hit = false;
    int rc = SHALE_OK;
    f->first_overlap = v->num_levels;
    for (int level = 0; level < v->num_levels && rc == SHALE_OK && !hit; level++) {
        for (size_t i = 0; i < v->n_files[level] && rc == SHALE_OK && !hit; i++)
            if (ranges_meet(v->files[level][i], lo, hi))
                rc = table_has_data(db, v->files[level][i], lo, hi, &hit, err);
        if (hit)
            f->first_overlap = level;
    }
    return rc;
}

/* --- assign: level and sequence number (mu) ---------------------------------------- */

static bool own_reservation(const ingest_job *j, const compaction *c)
{
    for (size_t i = 0; i < j->n; i++)
        if (j->f[i].resv == c)
            return true;
    return false;
}

/* RocksDB's IngestedFileFitInLevel: no file of the level and no running
 * compaction into it meets f's user-key range. */
static bool fits_locked(shale_db *db, const ingest_job *j, const version *v, const ingest_file *f,
                        int level) SHALE_REQUIRES(db->mu.lock)
{
    if (level == 0)
        return true;
    slice lo = lo_key(f), hi = hi_key(f);
    for (size_t i = 0; i < v->n_files[level]; i++)
        if (ranges_meet(v->files[level][i], lo, hi))
            return false;
    const compaction_picker *p = &j->cfd->picker;
    for (size_t i = 0; i < p->n_running; i++) {
        const compaction *c = p->running[i];
        if (c->output_level == level && !own_reservation(j, c) &&
            slice_compare(lo, shale_buf_slice(&c->largest_user_key)) <= 0 &&
            slice_compare(hi, shale_buf_slice(&c->smallest_user_key)) >= 0)
            return false;
    }
    return true;
}

static uint64_t level_largest_seqno(const version *v, int level)
{
    uint64_t top = 0;
    for (size_t i = 0; i < v->n_files[level]; i++)
        if (v->files[level][i]->largest_seqno > top)
            top = v->files[level][i]->largest_seqno;
    return top;
}

/* The deepest level above f->first_overlap that f fits in; universal
 * compaction only looks at non-empty levels and takes the sequence number of
 * the level it joins.  *seq: set by universal, else left alone. */
static int pick_level_locked(shale_db *db, const ingest_job *j, const version *v,
                             const ingest_file *f, uint64_t *seq) SHALE_REQUIRES(db->mu.lock)
{
    bool universal = j->cfd->opts.cstyle.style == COMPACTION_STYLE_UNIVERSAL;
    int target = 0;
    for (int level = 0; level < v->num_levels && level < f->first_overlap; level++) {
        if (universal && v->n_files[level] == 0)
            continue;
        if (universal && level != 0) {
            uint64_t top = level_largest_seqno(v, level);
            if (top == 0 || !fits_locked(db, j, v, f, level))
                continue;
            *seq = top;
        }
        if (fits_locked(db, j, v, f, level))
            target = level;
    }
    return target;
}

/* RocksDB's AssignLevelAndSeqnoForIngestedFile and the allow_global_seqno
 * check of AssignGlobalSeqnoForIngestedFile. */
static int assign_locked(shale_db *db, ingest_job *j, ingest_file *f, bool force, shale_err *err)
    SHALE_REQUIRES(db->mu.lock)
{
    const version *v = j->cfd->vcf->current;
    uint64_t seq = 0;
    int level = 0;
    if (force && (j->cfd->opts.cstyle.style == COMPACTION_STYLE_UNIVERSAL || j->files_overlap)) {
        seq = j->last_seq + 1;
    } else {
        if (force)
            seq = j->last_seq + 1;
        level = pick_level_locked(db, j, v, f, &seq);
        if (j->files_overlap) {
            level = 0;
            seq = j->last_seq + 1;
        }
        if (f->first_overlap < v->num_levels && seq == 0)
            seq = j->last_seq + 1;
    }
    if (seq != 0 && !j->o->allow_global_seqno)
        return SHALE_INVALID(err, "Global seqno is required, but disabled");
    if (seq > j->last_seq) {
        j->last_seq = seq;
        j->consumed = true;
    }
    f->level = level;
    f->seqno = seq;
    return SHALE_OK;
}

/* Registers a compaction with no inputs into f's level over f's range, so
 * the picker starts nothing that would put a file there beside it. */
static int reserve_locked(shale_db *db, ingest_job *j, ingest_file *f, shale_err *err)
    SHALE_REQUIRES(db->mu.lock)
{
    if (f->level == 0)
        return SHALE_OK;
    compaction *c = picker_compaction_alloc(j->cfd->vcf->current, f->level, f->level);
    if (c == NULL)
        return SHALE_NOMEM(err);
    shale_buf_append_slice(&c->smallest_user_key, lo_key(f));
    shale_buf_append_slice(&c->largest_user_key, hi_key(f));
    if (!shale_buf_ok(&c->smallest_user_key) || !shale_buf_ok(&c->largest_user_key)) {
        compaction_free(c);
        return SHALE_NOMEM(err);
    }
    int rc = picker_compaction_register(&j->cfd->picker, c, err);   /* frees c on failure */
    if (rc == SHALE_OK)
        f->resv = c;
    return rc;
}

/* --- rewrite (no mu) ------------------------------------------------------------------ */

static int copy_points(const ingest_file *f, table_output *out, shale_err *err)
{
    sst_iter_options io;
    sst_iter_options_init(&io, f->r);
    io.fill_cache = false;
    sst_iter *it = NULL;
    int rc = sst_iter_new(f->r, SST_ITER_DATA, &io, &it, err);
    if (rc != SHALE_OK)
        return rc;
    shale_buf key = SHALE_BUF_INIT, prev = SHALE_BUF_INIT;
    bool first = true;
    for (sst_iter_first(it); rc == SHALE_OK && sst_iter_valid(it); sst_iter_next(it)) {
        parsed_ikey k;
        if ((rc = check_point_key(f, sst_iter_key(it), &k, err)) != SHALE_OK)
            break;
        if (!first && slice_compare(k.user_key, shale_buf_slice(&prev)) <= 0) {
            rc = SHALE_CORRUPT(err, "keys out of order in external file %s", f->path);
            break;
        }
        first = false;
        shale_buf_clear(&prev);
        shale_buf_append_slice(&prev, k.user_key);
        set_key(&key, k.user_key, f->seqno, k.type);
        rc = shale_buf_ok(&key) && shale_buf_ok(&prev)
                 ? tout_add(out, shale_buf_slice(&key), sst_iter_value(it), err)
                 : SHALE_NOMEM(err);
    }
    if (rc == SHALE_OK)
        rc = sst_iter_status(it, err);
    sst_iter_free(it);
    shale_buf_deinit(&key);
    shale_buf_deinit(&prev);
    return rc;
}

/* The file's tombstones, fragmented, at the assigned sequence number. */
static int copy_tombstones(const ingest_file *f, table_output *out, shale_err *err)
{
    rd_agg *agg = rd_agg_new(MAX_SEQUENCE);
    sst_iter *it = NULL;
    int rc = agg == NULL ? SHALE_NOMEM(err)
                         : sst_iter_new(f->r, SST_ITER_RANGE_DEL, NULL, &it, err);
    if (rc == SHALE_OK) {
        for (sst_iter_first(it); rc == SHALE_OK && sst_iter_valid(it); sst_iter_next(it))
            rc = rd_agg_add(agg, ikey_user_key(sst_iter_key(it)), sst_iter_value(it), f->seqno,
                            err);
        if (rc == SHALE_OK)
            rc = sst_iter_status(it, err);
    }
    if (rc == SHALE_OK && !rd_agg_empty(agg))
        rc = rd_agg_emit(agg, NULL, 0, false, NULL, NULL, tout_emit_tombstone, out, NULL, err);
    sst_iter_free(it);
    rd_agg_free(agg);
    return rc;
}

static int rewrite_file(ingest_job *j, ingest_file *f, shale_err *err)
{
    table_output out;
    int rc = tout_open(j->db, j->cfd, f->level, f->number, 0, true, &out, err);
    if (rc != SHALE_OK)
        return rc;
    bool added = false;
    uint64_t bytes = 0;
    if ((rc = copy_points(f, &out, err)) != SHALE_OK ||
        (rc = copy_tombstones(f, &out, err)) != SHALE_OK) {
        tout_abandon(&out);
        return rc;
    }
    rc = tout_finish(&out, &j->edit, &added, &bytes, err);   /* abandons itself on failure */
    f->written = rc == SHALE_OK && added;
    if (rc == SHALE_OK && !added)   /* only empty tombstones: nothing to ingest */
        f->level = -1;
    return rc;
}

static int rewrite_all(ingest_job *j, shale_err *err)
{
    int rc = SHALE_OK;
    for (size_t i = 0; i < j->n && rc == SHALE_OK; i++)
        rc = rewrite_file(j, &j->f[i], err);
    if (rc == SHALE_OK)   /* the new names are durable before a MANIFEST names them */
        rc = j->db->env->ops->sync_dir(j->db->env, j->db->name, err);
    return rc;
}

/* --- the exclusive part ------------------------------------------------------------------ */

static int install_locked(shale_db *db, ingest_job *j, shale_err *err) SHALE_REQUIRES(db->mu.lock)
{
    j->edit.column_family = j->cfd->id;
    if (j->consumed)
        version_edit_set_last_sequence(&j->edit, j->last_seq);
    int rc = vset_log_and_apply(db->vs, &j->edit, &db->mu.lock, err);
    if (rc != SHALE_OK) {
        if (rc == SHALE_IO_ERROR)   /* a MANIFEST failure: as RocksDB */
            db_set_bg_error_locked(db, err);
        return rc;
    }
    if (j->consumed)
        vset_set_last_sequence(db->vs, j->last_seq);
    db_sv_install_locked(db, j->cfd);
    db_maybe_schedule_locked(db);
    for (size_t i = 0; i < j->n; i++)
        logger_log(db->log, SHALE_LOG_INFO,
                   "[%s] [AddFile] External SST file %s was ingested in L%d as #%" PRIu64
                   " (global_seqno=%" PRIu64 ")",
                   j->cfd->name, j->f[i].path, j->f[i].level, j->f[i].number, j->f[i].seqno);
    return SHALE_OK;
}

/* Decides every file's level and sequence number and reserves its place;
 * allocates the output numbers.  REQUIRES: mu, write exclusivity. */
static int decide_locked(shale_db *db, ingest_job *j, shale_err *err) SHALE_REQUIRES(db->mu.lock)
{
    bool force = j->o->snapshot_consistency && db->mu.num_snapshots > 0;
    j->last_seq = vset_last_sequence(db->vs);
    int rc = SHALE_OK;
    for (size_t i = 0; i < j->n && rc == SHALE_OK; i++) {
        if ((rc = assign_locked(db, j, &j->f[i], force, err)) == SHALE_OK)
            rc = reserve_locked(db, j, &j->f[i], err);
    }
    for (size_t i = 0; i < j->n && rc == SHALE_OK; i++) {
        j->f[i].number = vset_new_file_number(db->vs);
        db_pending_output_add_locked(db, j->f[i].number);
    }
    return rc;
}

/* Everything between entering and leaving write exclusivity.  Drops mu
 * for the file I/O. */
static int run_locked(shale_db *db, ingest_job *j, shale_err *err) SHALE_REQUIRES(db->mu.lock)
{
    if (j->cfd->dropped)
        return SHALE_INVALID(err, "cannot ingest an external file into a dropped CF");
    if (db->mu.bg_err.code != SHALE_OK)
        return shale_err_copy(err, &db->mu.bg_err);
    int rc = flush_if_needed_locked(db, j, err);
    if (rc != SHALE_OK)
        return rc;
    version *v = j->cfd->vcf->current;
    version_ref(v);
    shale_mutex_unlock(&db->mu.lock);
    for (size_t i = 0; i < j->n && rc == SHALE_OK; i++)
        rc = find_first_overlap(db, v, &j->f[i], err);
    version_unref(v);
    shale_mutex_lock(&db->mu.lock);
    if (rc == SHALE_OK)
        rc = decide_locked(db, j, err);
    if (rc != SHALE_OK)
        return rc;
    shale_mutex_unlock(&db->mu.lock);
    rc = rewrite_all(j, err);
    shale_mutex_lock(&db->mu.lock);
    return rc == SHALE_OK ? install_locked(db, j, err) : rc;
}

/* Releases the reservations and pending outputs, and wakes the background
 * threads a reservation may have turned away.  REQUIRES: mu. */
static void release_locked(shale_db *db, ingest_job *j) SHALE_REQUIRES(db->mu.lock)
{
    for (size_t i = 0; i < j->n; i++) {
        if (j->f[i].resv != NULL)
            picker_release(&j->cfd->picker, j->f[i].resv, j->cfd->vcf->current);
        j->f[i].resv = NULL;
        if (j->f[i].number != 0)
            db_pending_output_remove_locked(db, j->f[i].number);
    }
    db_maybe_schedule_locked(db);
}

/* After a failure: removes the files written.  No mu. */
static void remove_outputs(ingest_job *j)
{
    for (size_t i = 0; i < j->n; i++) {
        if (!j->f[i].written)
            continue;
        char *path = filename_path(j->db->name, FILE_TABLE, j->f[i].number);
        if (path != NULL)
            (void)j->db->env->ops->remove(j->db->env, path, NULL);
        free(path);
    }
}

static void job_deinit(ingest_job *j)
{
    for (size_t i = 0; j->f != NULL && i < j->n; i++) {
        sst_reader_unref(j->f[i].r);
        shale_buf_deinit(&j->f[i].smallest);
        shale_buf_deinit(&j->f[i].largest);
    }
    free(j->f);
    version_edit_deinit(&j->edit);
}

static int prepare_all(ingest_job *j, const char *const *paths, shale_err *err)
{
    j->f = calloc(j->n, sizeof *j->f);
    if (j->f == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (size_t i = 0; i < j->n && rc == SHALE_OK; i++) {
        j->f[i].path = paths[i];
        rc = paths[i] == NULL ? SHALE_INVALID(err, "external file path %zu is NULL", i)
                              : prepare_file(j, &j->f[i], err);
    }
    return rc == SHALE_OK ? find_input_overlap(j, err) : rc;
}

int shale_ingest_external_files(shale_db *db, shale_cf *cf, const char *const *paths, size_t n,
                                const shale_ingest_options *o, shale_err *err)
{
    shale_ingest_options defaults;
    options_default(&defaults);
    if (db == NULL)
        return SHALE_INVALID(err, "no database");
    if (n == 0 || paths == NULL)   /* DBImpl::IngestExternalFiles' text */
        return SHALE_INVALID(err, "external_files[0] is empty");
    ingest_job j = {.db = db, .cfd = db_cf_of(db, cf), .o = o != NULL ? o : &defaults, .n = n};
    if (j.o->ingest_behind)   /* shale has no allow_ingest_behind */
        return SHALE_INVALID(err, "can't ingest_behind file in DB with allow_ingest_behind=false");
    shale_err e = {0};
    version_edit_init(&j.edit);
    int rc = prepare_all(&j, paths, &e);
    bool keep = false;
    if (rc == SHALE_OK) {
        db_writer w;
        shale_mutex_lock(&db->mu.lock);
        db_enter_write_exclusive_locked(db, &w);
        rc = run_locked(db, &j, &e);
        release_locked(db, &j);
        /* A failed MANIFEST write may have named the files: reopen decides. */
        keep = rc == SHALE_IO_ERROR && db->mu.bg_err.code != SHALE_OK;
        db_exit_write_exclusive_locked(db, &w);
        shale_mutex_unlock(&db->mu.lock);
    }
    if (rc != SHALE_OK && !keep)
        remove_outputs(&j);
    if (rc == SHALE_OK && j.o->move_files)   /* best effort, as RocksDB's */
        for (size_t i = 0; i < n; i++)
            (void)db->env->ops->remove(db->env, paths[i], NULL);
    job_deinit(&j);
    if (rc != SHALE_OK) {
        if (e.code == SHALE_OK)
            e.code = rc;
        shale_err_copy(err, &e);
    }
    return rc;
}
