/* lsm/version/version_set.c: the version set and its MANIFEST (see
 * version_set.h for the life cycle).  Reasons behind the choices:
 *   - One log_and_apply at a time (a flag plus a condition under the
 *     caller's mutex), so the MANIFEST writer needs no lock of its own:
 *     only the thread holding the flag touches it, with mu dropped.
 *   - The new version is built and the records encoded under mu, from the
 *     current version that no one else can replace meanwhile (the flag).
 *   - NextFileNumber is filled in after the new MANIFEST's number is taken,
 *     so a recovered counter is always past every MANIFEST we created.
 *   - A failed write leaves the open MANIFEST in an unknown state (part of
 *     a record may be there), so the set stops appending to it and the next
 *     call starts a fresh one from a full snapshot, as RocksDB does. */
#include "lsm/version/version_set.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/log/log_reader.h"
#include "lsm/log/log_writer.h"
#include "lsm/util/err.h"
#include "lsm/version/filenames.h"

struct vset {
    shale_env *env;                    /* immutable */
    char *dir;                         /* immutable */
    vset_options opts;                 /* immutable */
    _Atomic uint64_t next_file_number; /* lock-free, see header */
    _Atomic uint64_t last_sequence;    /* lock-free, see header */
    vset_cf **cfs;                     /* mu; id order; cfs[0] is "default" */
    size_t n_cfs, cap_cfs;
    struct {                           /* protected by the caller's mu */
        uint32_t max_column_family;
        uint64_t prev_log_number, min_log_number_to_keep;
        uint64_t manifest_number;      /* open (or last read) MANIFEST */
        uint64_t manifest_size;        /* its bytes up to the last installed edit */
        bool manifest_suspect;         /* a write failed: start a new one */
        bool writing;                  /* a log_and_apply holds the writer */
        shale_cond writer_done;
        uint64_t version_counter;
        uint64_t *obsolete;            /* replaced MANIFEST numbers */
        size_t n_obsolete, cap_obsolete;
    } mu;
    /* Owned by the thread holding mu.writing (read under mu otherwise). */
    shale_file *manifest_file;
    log_writer *manifest_log;
};

void vset_options_default(vset_options *o)
{
    o->max_manifest_file_size = VSET_DEFAULT_MAX_MANIFEST_FILE_SIZE;
    version_cf_options_default(&o->cf);
}

/* A family with an empty current version. */
static int cf_new(uint32_t id, const char *name, const version_cf_options *opts, vset_cf **out,
                  shale_err *err)
{
    vset_cf *cf = calloc(1, sizeof *cf);
    if (cf == NULL || (cf->name = strdup(name)) == NULL) {
        free(cf);
        return SHALE_NOMEM(err);
    }
    cf->id = id;
    cf->opts = *opts;
    version_list_init(&cf->versions);
    int rc = version_new_empty(opts, &cf->current, err);
    if (rc != SHALE_OK) {
        version_list_deinit(&cf->versions);
        free(cf->name);
        free(cf);
        return rc;
    }
    version_link(cf->current, &cf->versions);
    *out = cf;
    return SHALE_OK;
}

static void cf_free(vset_cf *cf)
{
    if (cf == NULL)
        return;
    version_unref(cf->current);
    version_list_deinit(&cf->versions);
    free(cf->name);
    free(cf);
}

/* Inserts cf keeping id order. */
static int cf_insert(vset *vs, vset_cf *cf, shale_err *err)
{
    if (vs->n_cfs == vs->cap_cfs) {
        size_t cap = vs->cap_cfs ? vs->cap_cfs * 2 : 4;
        vset_cf **p = realloc(vs->cfs, cap * sizeof *p);
        if (p == NULL)
            return SHALE_NOMEM(err);
        vs->cfs = p;
        vs->cap_cfs = cap;
    }
    size_t i = vs->n_cfs;
    while (i > 0 && vs->cfs[i - 1]->id > cf->id) {
        vs->cfs[i] = vs->cfs[i - 1];
        i--;
    }
    vs->cfs[i] = cf;
    vs->n_cfs++;
    if (cf->id > vs->mu.max_column_family)
        vs->mu.max_column_family = cf->id;
    return SHALE_OK;
}

int vset_new(shale_env *env, const char *dir, const vset_options *opts, vset **out,
             shale_err *err)
{
    *out = NULL;
    vset *vs = calloc(1, sizeof *vs);
    if (vs == NULL || (vs->dir = strdup(dir)) == NULL) {
        free(vs);
        return SHALE_NOMEM(err);
    }
    vs->env = env;
    vs->opts = *opts;
    atomic_init(&vs->next_file_number, 2);
    atomic_init(&vs->last_sequence, 0);
    shale_cond_init(&vs->mu.writer_done);
    vset_cf *def = NULL;
    int rc = cf_new(0, "default", &opts->cf, &def, err);
    if (rc == SHALE_OK && (rc = cf_insert(vs, def, err)) != SHALE_OK)
        cf_free(def);
    if (rc != SHALE_OK) {
        vset_free(vs);
        return rc;
    }
    *out = vs;
    return SHALE_OK;
}

static void close_manifest(vset *vs)
{
    (void)log_writer_close(vs->manifest_log, NULL);
    (void)shale_file_close(vs->manifest_file, NULL);
    vs->manifest_log = NULL;
    vs->manifest_file = NULL;
}

void vset_free(vset *vs)
{
    if (vs == NULL)
        return;
    close_manifest(vs);
    for (size_t i = 0; i < vs->n_cfs; i++)
        cf_free(vs->cfs[i]);
    free(vs->cfs);
    shale_cond_deinit(&vs->mu.writer_done);
    free(vs->mu.obsolete);
    free(vs->dir);
    free(vs);
}

vset_cf *vset_find_cf(vset *vs, uint32_t id)
{
    for (size_t i = 0; i < vs->n_cfs; i++)
        if (vs->cfs[i]->id == id && !vs->cfs[i]->dropped)
            return vs->cfs[i];
    return NULL;
}

vset_cf *vset_find_cf_by_name(vset *vs, const char *name)
{
    for (size_t i = 0; i < vs->n_cfs; i++)
        if (!vs->cfs[i]->dropped && strcmp(vs->cfs[i]->name, name) == 0)
            return vs->cfs[i];
    return NULL;
}

size_t vset_num_cfs(const vset *vs) { return vs->n_cfs; }
vset_cf *vset_cf_at(vset *vs, size_t i) { return vs->cfs[i]; }

size_t vset_num_live_cfs(const vset *vs)
{
    size_t n = 0;
    for (size_t i = 0; i < vs->n_cfs; i++)
        n += !vs->cfs[i]->dropped;
    return n;
}

void vset_release_cf(vset *vs, vset_cf *cf)
{
    for (size_t i = 0; i < vs->n_cfs; i++)
        if (vs->cfs[i] == cf && cf->dropped && cf->id != 0) {
            memmove(&vs->cfs[i], &vs->cfs[i + 1], (vs->n_cfs - i - 1) * sizeof *vs->cfs);
            vs->n_cfs--;
            cf_free(cf);
            return;
        }
}

vset_cf *vset_default_cf(vset *vs) { return vs->cfs[0]; }
version *vset_current(vset *vs) { return vs->cfs[0]->current; }

uint64_t vset_new_file_number(vset *vs) { return atomic_fetch_add(&vs->next_file_number, 1); }
uint64_t vset_next_file_number(const vset *vs)
{
    return atomic_load(&((vset *)vs)->next_file_number);
}

void vset_mark_file_number_used(vset *vs, uint64_t n)
{
    uint64_t cur = atomic_load(&vs->next_file_number);
    while (cur <= n && !atomic_compare_exchange_weak(&vs->next_file_number, &cur, n + 1)) {
    }
}

uint64_t vset_last_sequence(const vset *vs)
{
    return atomic_load_explicit(&((vset *)vs)->last_sequence, memory_order_acquire);
}

void vset_set_last_sequence(vset *vs, uint64_t seq)
{
    atomic_store_explicit(&vs->last_sequence, seq, memory_order_release);
}

uint64_t vset_log_number(const vset *vs) { return vs->cfs[0]->log_number; }

uint64_t vset_min_cf_log_number(const vset *vs)
{
    uint64_t m = UINT64_MAX;
    for (size_t i = 0; i < vs->n_cfs; i++)
        if (!vs->cfs[i]->dropped && vs->cfs[i]->log_number < m)
            m = vs->cfs[i]->log_number;
    return m == UINT64_MAX ? 0 : m;
}
uint64_t vset_prev_log_number(const vset *vs) { return vs->mu.prev_log_number; }
uint64_t vset_min_log_number_to_keep(const vset *vs) { return vs->mu.min_log_number_to_keep; }
uint64_t vset_manifest_file_number(const vset *vs) { return vs->mu.manifest_number; }
uint64_t vset_manifest_file_size(const vset *vs)
{
    return vs->mu.manifest_size;
}

/* ---- writing MANIFESTs -------------------------------------------------- */

/* Opens dir/MANIFEST-number for writing with a log writer. */
static int open_manifest(shale_env *env, const char *dir, uint64_t number, shale_file **f,
                         log_writer **w, shale_err *err)
{
    char *path = filename_path(dir, FILE_MANIFEST, number);
    *f = NULL;
    *w = NULL;
    if (path == NULL)
        return SHALE_NOMEM(err);
    int rc = shale_env_open_write(env, path, f, err);
    free(path);
    if (rc == SHALE_OK && (rc = log_writer_open(*f, number, false, 0, w, err)) != SHALE_OK) {
        (void)shale_file_close(*f, NULL);
        *f = NULL;
    }
    return rc;
}

static void remove_manifest(shale_env *env, const char *dir, uint64_t number)
{
    char *path = filename_path(dir, FILE_MANIFEST, number);
    if (path != NULL)
        (void)env->ops->remove(env, path, NULL);
    free(path);
}

static int add_edit_record(log_writer *w, const version_edit *ve, shale_err *err)
{
    shale_buf rec = SHALE_BUF_INIT;
    int rc = version_edit_encode(ve, &rec, err);
    if (rc == SHALE_OK)
        rc = log_writer_add_record(w, shale_buf_slice(&rec), err);
    shale_buf_deinit(&rec);
    return rc;
}

int vset_create_new_db(shale_env *env, const char *dir, shale_err *err)
{
    version_edit ve;
    shale_file *f;
    log_writer *w;
    version_edit_init(&ve);
    int rc = version_edit_set_comparator(&ve, slice_from_str(VSET_COMPARATOR_NAME), err);
    version_edit_set_log_number(&ve, 0);
    version_edit_set_next_file_number(&ve, 2);
    version_edit_set_last_sequence(&ve, 0);
    if (rc == SHALE_OK && (rc = open_manifest(env, dir, 1, &f, &w, err)) == SHALE_OK) {
        if ((rc = add_edit_record(w, &ve, err)) == SHALE_OK)
            rc = log_writer_sync(w, err);
        (void)log_writer_close(w, NULL);
        int crc = shale_file_close(f, rc == SHALE_OK ? err : NULL);
        if (rc == SHALE_OK)
            rc = crc;
        if (rc == SHALE_OK)
            rc = set_current_file(env, dir, 1, err);
        if (rc != SHALE_OK)
            remove_manifest(env, dir, 1);
    }
    version_edit_deinit(&ve);
    return rc;
}

/* One family's part of a snapshot: for a family other than "default" an
 * add record {cf id, name, comparator}, then {cf id, files, log number} (as
 * RocksDB's WriteCurrentStateToManifest).  The default family's second
 * record also carries the DB-wide numbers (`globals`). */
static int encode_cf_snapshot(const vset *vs, const vset_cf *cf, const version_edit *globals,
                              shale_buf *out, shale_err *err)
{
    version_edit a, b;
    version_edit_init(&a);
    version_edit_init(&b);
    int rc = version_edit_set_comparator(&a, slice_from_str(VSET_COMPARATOR_NAME), err);
    if (rc == SHALE_OK && cf->id != 0)
        rc = version_edit_add_column_family(&a, cf->id, slice_from_str(cf->name), err);
    const version *v = cf->current;
    for (int level = 0; level < v->num_levels && rc == SHALE_OK; level++) {
        for (size_t i = 0; i < v->n_files[level] && rc == SHALE_OK; i++) {
            ve_file_meta m;
            file_meta_to_edit(v->files[level][i], level, &m);
            rc = version_edit_add_file(&b, &m, err);
        }
    }
    b.column_family = cf->id;
    version_edit_set_log_number(&b, cf->log_number);
    if (globals != NULL) {
        version_edit_set_next_file_number(&b, globals->next_file_number);
        if (vs->mu.min_log_number_to_keep != 0)
            version_edit_set_min_log_number_to_keep(&b, vs->mu.min_log_number_to_keep);
        version_edit_set_last_sequence(&b, globals->last_sequence);
        if (vs->mu.max_column_family != 0)
            version_edit_set_max_column_family(&b, vs->mu.max_column_family);
    }
    if (rc == SHALE_OK)
        rc = version_edit_encode(&a, &out[0], err);
    if (rc == SHALE_OK)
        rc = version_edit_encode(&b, &out[1], err);
    version_edit_deinit(&a);
    version_edit_deinit(&b);
    return rc;
}

/* The snapshot that opens a new MANIFEST (rocksdb-format.md §5.4): two
 * records per live family, "default" first.  *recs: 2 * *n buffers. */
static int encode_snapshot(const vset *vs, const version_edit *globals, shale_buf **recs,
                           size_t *n, shale_err *err)
{
    *n = 0;
    *recs = calloc(2 * vs->n_cfs, sizeof **recs);
    if (*recs == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (size_t i = 0; i < vs->n_cfs && rc == SHALE_OK; i++) {
        const vset_cf *cf = vs->cfs[i];
        if (cf->dropped)
            continue;
        rc = encode_cf_snapshot(vs, cf, cf->id == 0 ? globals : NULL, &(*recs)[2 * *n], err);
        (*n)++;
    }
    return rc;
}

/* What one log_and_apply writes, prepared under mu. */
typedef struct manifest_write {
    bool new_manifest;
    uint64_t number;                   /* MANIFEST to write to */
    shale_buf *snapshot;               /* with new_manifest: 2 * n_snapshot */
    size_t n_snapshot;
    shale_buf record;                  /* the edit */
    shale_file *file;                  /* with new_manifest: the new file */
    log_writer *log;
    bool current_attempted;            /* set_current_file() was called */
} manifest_write;

static void manifest_write_deinit(manifest_write *mw)
{
    for (size_t i = 0; mw->snapshot != NULL && i < 2 * mw->n_snapshot; i++)
        shale_buf_deinit(&mw->snapshot[i]);
    free(mw->snapshot);
    shale_buf_deinit(&mw->record);
}

/* Runs without mu: only the writer-flag holder gets here. */
static int write_manifest_unlocked(vset *vs, manifest_write *mw, shale_err *err)
{
    log_writer *w = vs->manifest_log;
    int rc = SHALE_OK;
    if (mw->new_manifest) {
        rc = open_manifest(vs->env, vs->dir, mw->number, &mw->file, &mw->log, err);
        w = mw->log;
        for (size_t i = 0; i < 2 * mw->n_snapshot && rc == SHALE_OK; i++)
            rc = log_writer_add_record(w, shale_buf_slice(&mw->snapshot[i]), err);
    }
    if (rc == SHALE_OK)
        rc = log_writer_add_record(w, shale_buf_slice(&mw->record), err);
    if (rc == SHALE_OK)
        rc = log_writer_sync(w, err);
    if (rc == SHALE_OK && mw->new_manifest) {
        mw->current_attempted = true;
        rc = set_current_file(vs->env, vs->dir, mw->number, err);
    }
    return rc;
}

static void fill_edit_locked(vset *vs, version_edit *edit)
{
    if (!edit->has_prev_log_number)
        version_edit_set_prev_log_number(edit, vs->mu.prev_log_number);
    version_edit_set_next_file_number(edit, vset_next_file_number(vs));
    uint64_t last = vset_last_sequence(vs);
    if (!edit->has_last_sequence || edit->last_sequence < last)
        version_edit_set_last_sequence(edit, last);
}

/* Builds the next version and the records to write.  REQUIRES: mu held and
 * the writer flag. */
static int prepare_locked(vset *vs, vset_cf *cf, version_edit *edit, manifest_write *mw,
                          version **next, shale_err *err)
{
    version_builder *b = NULL;
    int rc = version_builder_new(cf->current, &cf->opts, &b, err);
    mw->new_manifest = vs->manifest_log == NULL || vs->mu.manifest_suspect ||
                       log_writer_file_size(vs->manifest_log) > vs->opts.max_manifest_file_size;
    mw->number = mw->new_manifest ? vset_new_file_number(vs) : vs->mu.manifest_number;
    fill_edit_locked(vs, edit);
    if (rc == SHALE_OK)
        rc = version_builder_apply(b, edit, err);
    if (rc == SHALE_OK)
        rc = version_builder_finish(b, next, err);
    version_builder_free(b);
    if (rc == SHALE_OK && mw->new_manifest)
        rc = encode_snapshot(vs, edit, &mw->snapshot, &mw->n_snapshot, err);
    if (rc == SHALE_OK)
        rc = version_edit_encode(edit, &mw->record, err);
    return rc;
}

static int push_obsolete_locked(vset *vs, uint64_t number)
{
    if (vs->mu.n_obsolete == vs->mu.cap_obsolete) {
        size_t cap = vs->mu.cap_obsolete ? vs->mu.cap_obsolete * 2 : 4;
        uint64_t *p = realloc(vs->mu.obsolete, cap * sizeof *p);
        if (p == NULL)
            return SHALE_NO_MEMORY;    /* the old file just stays on disk */
        vs->mu.obsolete = p;
        vs->mu.cap_obsolete = cap;
    }
    vs->mu.obsolete[vs->mu.n_obsolete++] = number;
    return SHALE_OK;
}

/* Installs a written edit.  REQUIRES: mu held. */
static void install_locked(vset *vs, vset_cf *cf, const version_edit *edit, manifest_write *mw,
                           version *next)
{
    if (mw->new_manifest) {
        uint64_t old = vs->mu.manifest_number;
        close_manifest(vs);
        vs->manifest_file = mw->file;
        vs->manifest_log = mw->log;
        mw->file = NULL;
        mw->log = NULL;
        vs->mu.manifest_number = mw->number;
        vs->mu.manifest_suspect = false;
        if (old != 0 && old != mw->number)
            (void)push_obsolete_locked(vs, old);
    }
    /* Only now does the MANIFEST's content match the installed versions:
     * a copy of its first manifest_size bytes names no file the versions
     * lack (checkpoints rely on this while a later edit is being written). */
    vs->mu.manifest_size = log_writer_file_size(vs->manifest_log);
    if (edit->has_log_number && edit->log_number > cf->log_number)
        cf->log_number = edit->log_number;
    if (edit->is_column_family_drop)
        cf->dropped = true;
    if (edit->has_prev_log_number)
        vs->mu.prev_log_number = edit->prev_log_number;
    if (edit->has_min_log_number_to_keep &&
        edit->min_log_number_to_keep > vs->mu.min_log_number_to_keep)
        vs->mu.min_log_number_to_keep = edit->min_log_number_to_keep;
    if (edit->last_sequence > vset_last_sequence(vs))
        vset_set_last_sequence(vs, edit->last_sequence);
    next->number = ++vs->mu.version_counter;
    version_link(next, &cf->versions);
    version *old_v = cf->current;
    cf->current = next;
    version_unref(old_v);
}

/* A failed write: drop what was made for it; the MANIFEST is suspect. */
static void fail_locked(vset *vs, manifest_write *mw, bool current_may_name_it)
{
    if (mw->new_manifest) {
        (void)log_writer_close(mw->log, NULL);
        (void)shale_file_close(mw->file, NULL);
        mw->log = NULL;
        mw->file = NULL;
        /* If CURRENT may already name it, the file must stay. */
        if (!current_may_name_it)
            remove_manifest(vs->env, vs->dir, mw->number);
    }
    vs->mu.manifest_suspect = true;
}

/* Writes and installs edit for family cf (which an add has not inserted
 * yet).  REQUIRES: mu held. */
static int apply_locked(vset *vs, vset_cf *cf, version_edit *edit, shale_mutex *mu,
                        shale_err *err) SHALE_REQUIRES(mu)
{
    while (vs->mu.writing)
        shale_cond_wait(&vs->mu.writer_done, mu);
    vs->mu.writing = true;
    manifest_write mw;
    memset(&mw, 0, sizeof mw);
    version *next = NULL;
    int rc = cf->dropped ? SHALE_INVALID(err, "column family %s was dropped", cf->name)
                         : prepare_locked(vs, cf, edit, &mw, &next, err);
    if (rc == SHALE_OK) {
        shale_mutex_unlock(mu);
        rc = write_manifest_unlocked(vs, &mw, err);
        shale_mutex_lock(mu);
        if (rc == SHALE_OK) {
            install_locked(vs, cf, edit, &mw, next);
            next = NULL;
        } else {
            fail_locked(vs, &mw, mw.current_attempted);
        }
    }
    version_unref(next);
    manifest_write_deinit(&mw);
    vs->mu.writing = false;
    shale_cond_broadcast(&vs->mu.writer_done);
    return rc;
}

int vset_log_and_apply(vset *vs, version_edit *edit, shale_mutex *mu, shale_err *err)
{
    shale_mutex_assert_held(mu);
    if (edit->is_column_family_add || edit->is_column_family_drop)
        return SHALE_INVALID(err, "column families are added and dropped by vset_create_cf/drop_cf");
    vset_cf *cf = vset_find_cf(vs, edit->column_family);
    if (cf == NULL)
        return SHALE_INVALID(err, "column family %u does not exist", edit->column_family);
    return apply_locked(vs, cf, edit, mu, err);
}

int vset_create_cf(vset *vs, const char *name, const version_cf_options *opts,
                   uint64_t log_number, shale_mutex *mu, vset_cf **out, shale_err *err)
{
    shale_mutex_assert_held(mu);
    *out = NULL;
    if (vset_find_cf_by_name(vs, name) != NULL)
        return SHALE_INVALID(err, "Column family already exists");
    vset_cf *cf = NULL;
    uint32_t id = ++vs->mu.max_column_family;   /* reserved: a failed create wastes it */
    version_edit ve;
    version_edit_init(&ve);
    int rc = cf_new(id, name, opts, &cf, err);
    if (rc == SHALE_OK)
        rc = version_edit_add_column_family(&ve, id, slice_from_str(name), err);
    if (rc == SHALE_OK)
        rc = version_edit_set_comparator(&ve, slice_from_str(VSET_COMPARATOR_NAME), err);
    if (rc == SHALE_OK) {
        version_edit_set_log_number(&ve, log_number);
        version_edit_set_max_column_family(&ve, id);
        rc = apply_locked(vs, cf, &ve, mu, err);
    }
    /* Another create of the name may have won while mu was dropped. */
    if (rc == SHALE_OK && vset_find_cf_by_name(vs, name) != NULL)
        rc = SHALE_INVALID(err, "Column family already exists");
    if (rc == SHALE_OK)
        rc = cf_insert(vs, cf, err);
    if (rc != SHALE_OK)
        cf_free(cf);
    else
        *out = cf;
    version_edit_deinit(&ve);
    return rc;
}

int vset_drop_cf(vset *vs, vset_cf *cf, shale_mutex *mu, shale_err *err)
{
    shale_mutex_assert_held(mu);
    if (cf->id == 0)
        return SHALE_INVALID(err, "Can't drop default column family");
    version_edit ve;
    version_edit_init(&ve);
    ve.column_family = cf->id;
    ve.is_column_family_drop = true;
    int rc = apply_locked(vs, cf, &ve, mu, err);
    version_edit_deinit(&ve);
    return rc;
}

/* ---- recovery ----------------------------------------------------------- */

/* One family met while replaying. */
typedef struct replay_cf {
    uint32_t id;
    char *name;
    bool dropped, opened;              /* opened: in the caller's list */
    version_cf_options opts;
    version_builder *builder;
    uint64_t log_number;
} replay_cf;

/* What replaying a MANIFEST has seen so far. */
typedef struct replay_state {
    const version_cf_options *default_opts;   /* NULL: listing only */
    const vset_cf_desc *descs;
    size_t n_descs;
    replay_cf *cfs;
    size_t n_cfs, cap_cfs;
    bool has_log, has_next, has_last;
    uint64_t next_file, last_seq, prev_log, min_log;
    uint32_t max_cf;
    version_edit *group;               /* pending atomic group */
    size_t n_group, cap_group;
} replay_state;

static void replay_state_deinit(replay_state *st)
{
    for (size_t i = 0; i < st->n_cfs; i++) {
        version_builder_free(st->cfs[i].builder);
        free(st->cfs[i].name);
    }
    free(st->cfs);
    free(st->group);
}

static replay_cf *replay_find(replay_state *st, uint32_t id)
{
    for (size_t i = 0; i < st->n_cfs; i++)
        if (st->cfs[i].id == id && !st->cfs[i].dropped)
            return &st->cfs[i];
    return NULL;
}

/* A family's options: the caller's for a name it opens, else defaults (the
 * open fails later for an unopened family anyway). */
static void desc_options(const replay_state *st, const char *name, version_cf_options *o,
                         bool *opened)
{
    *opened = false;
    version_cf_options_default(o);
    o->num_levels = VERSION_MAX_LEVELS;   /* a family nobody opens: accept any shape */
    if (strcmp(name, "default") == 0 && st->default_opts != NULL) {
        *o = *st->default_opts;
        *opened = true;
        return;
    }
    for (size_t i = 0; i < st->n_descs; i++)
        if (strcmp(st->descs[i].name, name) == 0) {
            *o = st->descs[i].opts;
            *opened = true;
        }
}

static int replay_add_cf(replay_state *st, uint32_t id, const char *name, size_t len,
                         shale_err *err)
{
    if (replay_find(st, id) != NULL)
        return SHALE_CORRUPT(err, "MANIFEST adds column family %u twice", id);
    if (st->n_cfs == st->cap_cfs) {
        size_t cap = st->cap_cfs ? st->cap_cfs * 2 : 4;
        replay_cf *p = realloc(st->cfs, cap * sizeof *p);
        if (p == NULL)
            return SHALE_NOMEM(err);
        st->cfs = p;
        st->cap_cfs = cap;
    }
    replay_cf *c = &st->cfs[st->n_cfs];
    memset(c, 0, sizeof *c);
    c->id = id;
    if ((c->name = strndup(name, len)) == NULL)
        return SHALE_NOMEM(err);
    desc_options(st, c->name, &c->opts, &c->opened);
    int rc = version_builder_new(NULL, &c->opts, &c->builder, err);
    if (rc != SHALE_OK) {
        free(c->name);
        return rc;
    }
    st->n_cfs++;
    if (id > st->max_cf)
        st->max_cf = id;
    return SHALE_OK;
}

static int check_edit(const version_edit *ve, shale_err *err)
{
    if (ve->has_comparator &&
        !slice_equal(shale_buf_slice(&ve->comparator), slice_from_str(VSET_COMPARATOR_NAME)))
        return SHALE_INVALID(err, "%.*s does not match existing comparator " VSET_COMPARATOR_NAME,
                             (int)ve->comparator.len, ve->comparator.data);
    return SHALE_OK;
}

/* The family an edit is for: added by it, dropped by it, or existing. */
static int replay_target(replay_state *st, const version_edit *ve, replay_cf **out,
                         shale_err *err)
{
    *out = NULL;
    if (ve->is_column_family_add) {
        int rc = replay_add_cf(st, ve->column_family, (const char *)ve->column_family_name.data,
                               ve->column_family_name.len, err);
        if (rc != SHALE_OK)
            return rc;
    }
    replay_cf *c = replay_find(st, ve->column_family);
    if (c == NULL) {
        /* edits for a dropped family are ignored (RocksDB does too) */
        for (size_t i = 0; i < st->n_cfs; i++)
            if (st->cfs[i].id == ve->column_family)
                return SHALE_OK;
        return SHALE_CORRUPT(err, "MANIFEST names column family %u before adding it",
                             ve->column_family);
    }
    if (ve->is_column_family_drop) {
        c->dropped = true;
        return SHALE_OK;
    }
    *out = c;
    return SHALE_OK;
}

static int replay_apply(replay_state *st, const version_edit *ve, shale_err *err)
{
    replay_cf *c = NULL;
    int rc = replay_target(st, ve, &c, err);
    if (rc != SHALE_OK)
        return rc;
    if (c != NULL && (rc = version_builder_apply(c->builder, ve, err)) != SHALE_OK)
        return rc;
    if (ve->has_log_number) {
        st->has_log = true;
        if (c != NULL)
            c->log_number = ve->log_number;
    }
    if (ve->has_next_file_number) {
        st->has_next = true;
        st->next_file = ve->next_file_number;
    }
    if (ve->has_last_sequence) {
        st->has_last = true;
        st->last_seq = ve->last_sequence;
    }
    if (ve->has_prev_log_number)
        st->prev_log = ve->prev_log_number;
    if (ve->has_min_log_number_to_keep && ve->min_log_number_to_keep > st->min_log)
        st->min_log = ve->min_log_number_to_keep;
    if (ve->has_max_column_family && ve->max_column_family > st->max_cf)
        st->max_cf = ve->max_column_family;
    return SHALE_OK;
}

static void clear_group(replay_state *st)
{
    for (size_t i = 0; i < st->n_group; i++)
        version_edit_deinit(&st->group[i]);
    st->n_group = 0;
}

/* Takes ownership of *ve (left empty).  Atomic groups apply when whole. */
static int replay_edit(replay_state *st, version_edit *ve, shale_err *err)
{
    int rc = check_edit(ve, err);
    if (rc != SHALE_OK)
        return rc;
    if (!ve->is_in_atomic_group && st->n_group == 0)
        return replay_apply(st, ve, err);
    if (!ve->is_in_atomic_group)
        return SHALE_CORRUPT(err, "atomic group ended by an edit outside it");
    if (st->n_group == st->cap_group) {
        size_t cap = st->cap_group ? st->cap_group * 2 : 4;
        version_edit *p = realloc(st->group, cap * sizeof *p);
        if (p == NULL)
            return SHALE_NOMEM(err);
        st->group = p;
        st->cap_group = cap;
    }
    st->group[st->n_group++] = *ve;    /* move */
    version_edit_init(ve);
    if (st->group[st->n_group - 1].remaining_entries != 0)
        return SHALE_OK;
    for (size_t i = 0; i < st->n_group && rc == SHALE_OK; i++)
        rc = replay_apply(st, &st->group[i], err);
    clear_group(st);
    return rc;
}

static int read_manifest(shale_file *f, uint64_t number, replay_state *st, shale_err *err)
{
    log_reader_options ro = {LOG_RECOVERY_TOLERATE_CORRUPTED_TAIL_RECORDS, false};
    log_reader *r = NULL;
    version_edit ve;
    slice rec;
    version_edit_init(&ve);
    int rc = log_reader_open(f, number, &ro, &r, err);
    while (rc == SHALE_OK && (rc = log_reader_read_record(r, &rec, err)) == SHALE_OK) {
        if ((rc = version_edit_decode(&ve, rec, err)) == SHALE_OK)
            rc = replay_edit(st, &ve, err);
        version_edit_clear(&ve);
    }
    log_reader_close(r);
    version_edit_deinit(&ve);
    clear_group(st);                   /* a group cut short is ignored */
    return rc == SHALE_NOT_FOUND ? SHALE_OK : rc;
}

static int check_required(const replay_state *st, shale_err *err)
{
    if (st->has_log && st->has_next && st->has_last)
        return SHALE_OK;
    char missing[96] = "";
    if (!st->has_log)
        strcat(missing, " log_file_number");
    if (!st->has_next)
        strcat(missing, " next_file_number");
    if (!st->has_last)
        strcat(missing, " last_sequence");
    return SHALE_CORRUPT(err,
                         "no log_file_number, next_file_number, last_sequence entry in "
                         "MANIFEST (missing:%s)",
                         missing);
}

/* Every live family must be opened (RocksDB: "Column families not opened:
 * a, b"). */
static int check_opened(const replay_state *st, shale_err *err)
{
    shale_buf names = SHALE_BUF_INIT;
    for (size_t i = 0; i < st->n_cfs; i++)
        if (!st->cfs[i].dropped && !st->cfs[i].opened && st->cfs[i].id != 0)
            shale_buf_printf(&names, "%s%s", names.len ? ", " : "", st->cfs[i].name);
    int rc = SHALE_OK;
    if (names.len > 0)
        rc = SHALE_INVALID(err, "Column families not opened: %.*s", (int)names.len,
                           (const char *)names.data);
    shale_buf_deinit(&names);
    return rc;
}

/* Publishes one replayed family into the set. */
static int install_cf(vset *vs, replay_cf *c, shale_err *err)
{
    version *v = NULL;
    int rc = version_builder_finish(c->builder, &v, err);
    if (rc != SHALE_OK)
        return rc;
    for (int level = 0; level < v->num_levels; level++)
        for (size_t i = 0; i < v->n_files[level]; i++)
            vset_mark_file_number_used(vs, v->files[level][i]->number);
    vset_cf *cf = c->id == 0 ? vs->cfs[0] : NULL;
    if (cf == NULL && (rc = cf_new(c->id, c->name, &c->opts, &cf, err)) == SHALE_OK &&
        (rc = cf_insert(vs, cf, err)) != SHALE_OK)
        cf_free(cf);
    if (rc != SHALE_OK) {
        version_unref(v);
        return rc;
    }
    cf->log_number = c->log_number;
    vset_mark_file_number_used(vs, c->log_number);
    v->number = ++vs->mu.version_counter;
    version_link(v, &cf->versions);
    version_unref(cf->current);
    cf->current = v;
    return SHALE_OK;
}

/* Publishes a replayed state into the set. */
static int install_recovered(vset *vs, replay_state *st, uint64_t manifest_number,
                             shale_err *err)
{
    int rc = SHALE_OK;
    for (size_t i = 0; i < st->n_cfs && rc == SHALE_OK; i++)
        if (!st->cfs[i].dropped)
            rc = install_cf(vs, &st->cfs[i], err);
    if (rc != SHALE_OK)
        return rc;
    vset_mark_file_number_used(vs, st->next_file - (st->next_file > 0));
    vset_mark_file_number_used(vs, manifest_number);
    vset_mark_file_number_used(vs, st->prev_log);
    vset_set_last_sequence(vs, st->last_seq);
    vs->mu.prev_log_number = st->prev_log;
    vs->mu.min_log_number_to_keep = st->min_log;
    vs->mu.manifest_number = manifest_number;
    if (st->max_cf > vs->mu.max_column_family)
        vs->mu.max_column_family = st->max_cf;
    return SHALE_OK;
}

/* Replays CURRENT's MANIFEST into *st (the default family is added first). */
static int replay_current(shale_env *env, const char *dir, replay_state *st, uint64_t *number,
                          shale_err *err)
{
    shale_file *f = NULL;
    int rc = read_current_file(env, dir, number, err);
    if (rc != SHALE_OK)
        return rc;
    char *path = filename_path(dir, FILE_MANIFEST, *number);
    if (path == NULL)
        return SHALE_NOMEM(err);
    if ((rc = shale_env_open_read(env, path, &f, err)) == SHALE_NOT_FOUND)
        rc = SHALE_CORRUPT(err, "CURRENT points to a non-existent file: %s", path);
    if (rc == SHALE_OK)
        rc = replay_add_cf(st, 0, "default", 7, err);
    if (rc == SHALE_OK)
        rc = read_manifest(f, *number, st, err);
    if (rc == SHALE_OK && (rc = check_required(st, err)) != SHALE_OK && err != NULL &&
        strstr(err->msg, path) == NULL) {
        /* as RocksDB: name the MANIFEST that lacked them */
        size_t used = strnlen(err->msg, sizeof err->msg);
        snprintf(err->msg + used, sizeof err->msg - used, " in file %.*s",
                 (int)(sizeof err->msg - used), path);
    }
    (void)shale_file_close(f, NULL);
    free(path);
    return rc;
}

int vset_recover_cfs(vset *vs, const vset_cf_desc *descs, size_t n, shale_err *err)
{
    uint64_t number = 0;
    replay_state st;
    memset(&st, 0, sizeof st);
    st.descs = descs;
    st.n_descs = n;
    st.default_opts = &vs->cfs[0]->opts;
    int rc = replay_current(vs->env, vs->dir, &st, &number, err);
    if (rc == SHALE_OK)
        rc = check_opened(&st, err);
    if (rc == SHALE_OK)
        rc = install_recovered(vs, &st, number, err);
    replay_state_deinit(&st);
    return rc;
}

int vset_recover(vset *vs, shale_err *err)
{
    return vset_recover_cfs(vs, NULL, 0, err);
}

int vset_list_cfs(shale_env *env, const char *dir, char ***names, size_t *n, shale_err *err)
{
    uint64_t number = 0;
    replay_state st;
    memset(&st, 0, sizeof st);
    *names = NULL;
    *n = 0;
    int rc = replay_current(env, dir, &st, &number, err);
    char **out = rc == SHALE_OK ? calloc(st.n_cfs + 1, sizeof *out) : NULL;
    if (rc == SHALE_OK && out == NULL)
        rc = SHALE_NOMEM(err);
    size_t k = 0;
    for (uint32_t id = 0; rc == SHALE_OK && id <= st.max_cf; id++) {
        replay_cf *c = replay_find(&st, id);
        if (c != NULL && (out[k++] = strdup(c->name)) == NULL)
            rc = SHALE_NOMEM(err);
    }
    if (rc == SHALE_OK) {
        *names = out;
        *n = k;
    } else {
        shale_env_free_names(out, k);
    }
    replay_state_deinit(&st);
    return rc;
}

/* ---- what is live ------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : (x > y ? 1 : 0);
}

/* Appends the file numbers of every version in l to out[*n..] (grown as
 * needed).  false on no memory. */
static bool collect_list_files(version_list *l, uint64_t **out, size_t *n, size_t *cap)
{
    bool ok = true;
    shale_mutex_lock(&l->mu);
    size_t need = *n;
    for (version *v = l->head; v != NULL; v = v->next)
        for (int level = 0; level < v->num_levels; level++)
            need += v->n_files[level];
    if (need > *cap) {
        uint64_t *p = realloc(*out, need * sizeof *p);
        if (p == NULL)
            ok = false;
        else {
            *out = p;
            *cap = need;
        }
    }
    for (version *v = l->head; ok && v != NULL; v = v->next)
        for (int level = 0; level < v->num_levels; level++)
            for (size_t i = 0; i < v->n_files[level]; i++)
                (*out)[(*n)++] = v->files[level][i]->number;
    shale_mutex_unlock(&l->mu);
    return ok;
}

int vset_live_files(vset *vs, uint64_t **numbers, size_t *count, shale_err *err)
{
    size_t n = 0, cap = 0;
    uint64_t *out = NULL;
    *numbers = NULL;
    *count = 0;
    for (size_t i = 0; i < vs->n_cfs; i++)
        if (!collect_list_files(&vs->cfs[i]->versions, &out, &n, &cap)) {
            free(out);
            return SHALE_NOMEM(err);
        }
    if (n > 1)
        qsort(out, n, sizeof *out, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || out[u - 1] != out[i])
            out[u++] = out[i];
    *numbers = out;
    *count = u;
    return SHALE_OK;
}

int vset_take_obsolete_manifests(vset *vs, uint64_t **numbers, size_t *count, shale_err *err)
{
    *numbers = NULL;
    *count = vs->mu.n_obsolete;
    if (vs->mu.n_obsolete == 0)
        return SHALE_OK;
    *numbers = vs->mu.obsolete;
    vs->mu.obsolete = NULL;
    vs->mu.n_obsolete = vs->mu.cap_obsolete = 0;
    (void)err;
    return SHALE_OK;
}
