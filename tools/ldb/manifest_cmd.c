/* tools/ldb/manifest_cmd.c: the commands that read a MANIFEST directly and
 * never open the database: manifest_dump, list_column_families and
 * checkconsistency.
 *
 * The MANIFEST is replayed the way RocksDB 7.8.3's DumpManifestHandler
 * does (db/version_edit_handler.cc): every edit goes to the version builder
 * of its column family; the DB-wide numbers keep RocksDB's rules (log
 * numbers of a family only grow, next_file_number is printed as the last
 * NextFileNumber + 1, min_log_number_to_keep and max_column_family keep the
 * largest).  RocksDB's dump uses 64 levels; our versions hold
 * VERSION_MAX_LEVELS, and the levels above are printed empty (a file there
 * is refused as RocksDB refuses one past num_levels).  Version numbers are
 * RocksDB's: each family created takes one (default: 0), then each family
 * still alive gets its final version, in creation order (default alone: 1).
 *
 * checkconsistency checks, for every live file of the MANIFEST that
 * CURRENT names, that it exists (as .sst or .ldb) and has the size the
 * MANIFEST records, with RocksDB's messages; it does not replay the WAL. */
#include "tools/ldb/ldb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/log/log_reader.h"
#include "lsm/util/err.h"
#include "lsm/version/filenames.h"
#include "lsm/version/version.h"
#include "lsm/version/version_edit.h"
#include "lsm/version/version_set.h"
#include "shale/env.h"

#define RDB_DUMP_LEVELS 64
#define MAX_CFS 256

typedef struct cf_state {
    uint32_t id;
    shale_buf name, comparator;     /* comparator: set when not bytewise */
    bool dropped;
    uint64_t log_number;
    version_builder *builder;
    version *final;
} cf_state;

typedef struct manifest_state {
    cf_state cfs[MAX_CFS];
    size_t n_cfs;
    uint64_t created;               /* version numbers handed out */
    bool has_log, has_next, has_last;
    uint64_t next_file, last_seq, prev_log, min_log_to_keep;
    uint32_t max_cf;
} manifest_state;

static const version_cf_options *dump_opts(void)
{
    static version_cf_options o;
    version_cf_options_default(&o);
    o.num_levels = VERSION_MAX_LEVELS;
    return &o;
}

static cf_state *find_cf(manifest_state *m, uint32_t id)
{
    for (size_t i = 0; i < m->n_cfs; i++)
        if (m->cfs[i].id == id && !m->cfs[i].dropped)
            return &m->cfs[i];
    return NULL;
}

static int add_cf(manifest_state *m, uint32_t id, slice name, shale_err *err)
{
    if (find_cf(m, id) != NULL)
        return SHALE_CORRUPT(err, "Manifest adding the same column family twice: %.*s",
                             (int)name.len, name.data);
    if (m->n_cfs == MAX_CFS)
        return SHALE_UNSUPPORTED(err, "more than %d column families", MAX_CFS);
    cf_state *cf = &m->cfs[m->n_cfs];
    memset(cf, 0, sizeof *cf);
    cf->id = id;
    shale_buf_append_slice(&cf->name, name);
    m->n_cfs++;
    m->created++;
    return version_builder_new(NULL, dump_opts(), &cf->builder, err);
}

static void manifest_state_deinit(manifest_state *m)
{
    for (size_t i = 0; i < m->n_cfs; i++) {
        shale_buf_deinit(&m->cfs[i].name);
        shale_buf_deinit(&m->cfs[i].comparator);
        version_builder_free(m->cfs[i].builder);
        version_unref(m->cfs[i].final);
    }
}

/* The per-family part of an edit: add, drop, log number, comparator, files. */
static int apply_cf_edit(manifest_state *m, const version_edit *ve, shale_err *err)
{
    if (ve->is_column_family_add)
        return add_cf(m, ve->column_family, shale_buf_slice(&ve->column_family_name), err);
    cf_state *cf = find_cf(m, ve->column_family);
    if (ve->is_column_family_drop) {
        if (cf == NULL)
            return SHALE_CORRUPT(err, "Manifest - dropping non-existing column family");
        cf->dropped = true;
        return SHALE_OK;
    }
    if (cf == NULL)
        return SHALE_OK;              /* a family we were not told about: ignored */
    if (ve->has_log_number && ve->log_number >= cf->log_number) {
        cf->log_number = ve->log_number;
        m->has_log = true;
    }
    if (ve->has_comparator &&
        !slice_equal(shale_buf_slice(&ve->comparator), slice_from_str(VSET_COMPARATOR_NAME))) {
        shale_buf_clear(&cf->comparator);
        shale_buf_append_slice(&cf->comparator, shale_buf_slice(&ve->comparator));
    }
    return version_builder_apply(cf->builder, ve, err);
}

static void apply_db_edit(manifest_state *m, const version_edit *ve)
{
    if (ve->has_prev_log_number)
        m->prev_log = ve->prev_log_number;
    if (ve->has_next_file_number) {
        m->next_file = ve->next_file_number;
        m->has_next = true;
    }
    if (ve->has_max_column_family && ve->max_column_family > m->max_cf)
        m->max_cf = ve->max_column_family;
    if (ve->has_min_log_number_to_keep && ve->min_log_number_to_keep > m->min_log_to_keep)
        m->min_log_to_keep = ve->min_log_number_to_keep;
    if (ve->has_last_sequence) {
        m->last_seq = ve->last_sequence;
        m->has_last = true;
    }
}

static void print_edit(const version_edit *ve, bool hex)
{
    shale_buf out;
    shale_buf_init(&out);
    if (version_edit_debug_string(ve, hex, &out, NULL) == SHALE_OK)
        fwrite(out.data, 1, out.len, stdout);
    shale_buf_deinit(&out);
}

/* Replays every record of the open MANIFEST; verbose prints each edit. */
static int replay(manifest_state *m, log_reader *lr, bool verbose, bool hex, shale_err *err)
{
    version_edit ve;
    version_edit_init(&ve);
    slice rec;
    int rc;
    while ((rc = log_reader_read_record(lr, &rec, err)) == SHALE_OK) {
        if ((rc = version_edit_decode(&ve, rec, err)) != SHALE_OK)
            break;
        if (verbose)
            print_edit(&ve, hex);
        if ((rc = apply_cf_edit(m, &ve, err)) != SHALE_OK)
            break;
        apply_db_edit(m, &ve);
    }
    version_edit_deinit(&ve);
    return rc == SHALE_NOT_FOUND ? SHALE_OK : rc;
}

/* RocksDB's end-of-replay checks, then the final versions. */
static int finish(manifest_state *m, shale_err *err)
{
    if (!m->has_log || !m->has_next || !m->has_last) {
        char msg[128] = "no ";
        if (!m->has_log)
            strcat(msg, "log_file_number, ");
        if (!m->has_next)
            strcat(msg, "next_file_number, ");
        if (!m->has_last)
            strcat(msg, "last_sequence, ");
        msg[strlen(msg) - 2] = '\0';
        return SHALE_CORRUPT(err, "%s entry in MANIFEST", msg);
    }
    uint64_t number = m->created;
    for (size_t i = 0; i < m->n_cfs; i++) {
        cf_state *cf = &m->cfs[i];
        if (cf->dropped)
            continue;
        int rc = version_builder_finish(cf->builder, &cf->final, err);
        if (rc != SHALE_OK)
            return rc;
        cf->final->number = number++;
    }
    return SHALE_OK;
}

/* Opens and replays `path`.  The state is valid for deinit on any return. */
static int load_manifest(const char *path, bool verbose, bool hex, manifest_state *m,
                         shale_err *err)
{
    shale_file *f = NULL;
    log_reader *lr = NULL;
    int rc = shale_env_open_read(shale_env_default(), path, &f, err);
    if (rc != SHALE_OK)
        return rc;
    log_reader_options lo = LOG_READER_OPTIONS_DEFAULT;
    if ((rc = log_reader_open(f, 0, &lo, &lr, err)) == SHALE_OK &&
        (rc = add_cf(m, 0, slice_from_str("default"), err)) == SHALE_OK &&
        (rc = replay(m, lr, verbose, hex, err)) == SHALE_OK)
        rc = finish(m, err);
    log_reader_close(lr);
    shale_file_close(f, NULL);
    return rc;
}

/* RocksDB's words for a file it cannot open for reading. */
static void open_error_string(const char *path, const shale_err *err, char *buf, size_t n)
{
    if (err->code != SHALE_NOT_FOUND && err->code != SHALE_IO_ERROR) {
        ldb_status_string(err, buf, n);
        return;
    }
    int e = err->sys_errno != 0 ? err->sys_errno : ENOENT;
    if (snprintf(buf, n, "IO error: %s: While opening a file for sequentially reading: %s: %s",
                 strerror(e), path, strerror(e)) < 0 && n > 0)
        buf[0] = '\0';   /* a long path is cut short, as the message allows */
}

static void print_cf(const cf_state *cf, bool hex)
{
    printf("--------------- Column family \"%.*s\"  (ID %" PRIu32 ") --------------\n",
           (int)cf->name.len, cf->name.data, cf->id);
    printf("log number: %" PRIu64 "\n", cf->log_number);
    if (cf->comparator.len > 0)
        printf("comparator: <%.*s>, but the comparator object is not available.\n",
               (int)cf->comparator.len, cf->comparator.data);
    else
        printf("comparator: %s\n", VSET_COMPARATOR_NAME);
    shale_buf out;
    shale_buf_init(&out);
    if (version_debug_string(cf->final, hex, &out, NULL) == SHALE_OK)
        fwrite(out.data, 1, out.len, stdout);
    shale_buf_deinit(&out);
    for (int level = cf->final->num_levels; level < RDB_DUMP_LEVELS; level++)
        printf("--- level %d --- version# %" PRIu64 " ---\n", level, cf->final->number);
}

void ldb_dump_manifest_file(const char *path, bool verbose, bool hex)
{
    manifest_state m;
    memset(&m, 0, sizeof m);
    shale_err err = {0};
    char st[512];
    int rc = load_manifest(path, verbose, hex, &m, &err);
    if (rc == SHALE_OK) {
        for (size_t i = 0; i < m.n_cfs; i++)
            if (!m.cfs[i].dropped)
                print_cf(&m.cfs[i], hex);
        printf("next_file_number %" PRIu64 " last_sequence %" PRIu64 "  prev_log_number %" PRIu64
               " max_column_family %" PRIu32 " min_log_number_to_keep %" PRIu64 "\n",
               m.next_file + 1, m.last_seq, m.prev_log, m.max_cf, m.min_log_to_keep);
    } else if (m.n_cfs == 0) {        /* the file could not be opened */
        open_error_string(path, &err, st, sizeof st);
        fprintf(stderr, "Error in processing file %s %s\n", path, st);
    } else {
        ldb_status_string(&err, st, sizeof st);
        printf("%s\n", st);
        fprintf(stderr, "Error in processing file %s %s\n", path, st);
    }
    manifest_state_deinit(&m);
}

/* --- manifest_dump ------------------------------------------------------------ */

static const char *const manifest_dump_options[] = {"verbose", "path", "hex", "json", NULL};

static void manifest_dump_init(ldb_cmd *c)
{
    const char *p = ldb_opt_get(c, "path");
    if (p != NULL && p[0] == '\0')
        ldb_fail(c, "--path: missing pathname");
}

/* RocksDB looks for the one MANIFEST-* in the directory (not CURRENT). */
static bool find_manifest(ldb_cmd *c, const char *dir, shale_buf *path)
{
    char **names = NULL;
    size_t n = 0;
    shale_err err = {0};
    if (shale_env_default()->ops->list_dir(shale_env_default(), dir, &names, &n, &err) != SHALE_OK) {
        ldb_fail(c, "NotFound: : Failed to list the content of %s", dir);
        return false;
    }
    const char *match = NULL;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        enum file_kind kind;
        uint64_t number;
        if (!filename_parse(names[i], &kind, &number) || kind != FILE_MANIFEST)
            continue;
        if (match != NULL) {
            ldb_fail(c, "Multiple MANIFEST files found; use --path to select one");
            ok = false;
        }
        match = names[i];
    }
    if (ok && match == NULL) {
        ldb_fail(c, "No MANIFEST found in %s", dir);
        ok = false;
    }
    if (ok) {
        shale_buf_append_str(path, dir);
        if (path->len == 0 || path->data[path->len - 1] != '/')
            shale_buf_append_byte(path, '/');
        shale_buf_append_str(path, match);
    }
    shale_env_free_names(names, n);
    return ok;
}

static void manifest_dump_run(ldb_cmd *c)
{
    bool verbose = ldb_flag_present(c, "verbose");
    const char *p = ldb_opt_get(c, "path");
    shale_buf path;
    shale_buf_init(&path);
    if (p != NULL)
        shale_buf_append_str(&path, p);
    else if (!find_manifest(c, c->db_path == NULL ? "" : c->db_path, &path))
        goto out;
    shale_buf_append_byte(&path, '\0');
    if (verbose)
        printf("Processing Manifest file %s\n", path.data);
    ldb_dump_manifest_file(path.data, verbose, c->key_hex);
    if (verbose)
        printf("Processing Manifest file %s done\n", path.data);
out:
    shale_buf_deinit(&path);
}

static void manifest_dump_help(shale_buf *out)
{
    shale_buf_append_str(out, "  manifest_dump [--verbose] [--json] "
                              "[--path=<path_to_manifest_file>]\n");
}

const ldb_command_def ldb_cmd_manifest_dump = {
    "manifest_dump", manifest_dump_options, true, false,
    manifest_dump_init, manifest_dump_run, manifest_dump_help,
};

/* --- the MANIFEST that CURRENT names -------------------------------------------- */

/* Loads <db>/CURRENT's MANIFEST into *m; on failure writes RocksDB's status
 * text to st.  *manifest gets the path. */
static bool load_current(const char *db, manifest_state *m, char *manifest, size_t mlen,
                         char *st, size_t n)
{
    shale_err err = {0};
    uint64_t number = 0;
    int rc = read_current_file(shale_env_default(), db, &number, &err);
    if (rc == SHALE_NOT_FOUND || rc == SHALE_IO_ERROR) {
        char cur[4096];
        snprintf(cur, sizeof cur, "%s/CURRENT", db);
        open_error_string(cur, &err, st, n);
        return false;
    }
    if (rc != SHALE_OK) {
        ldb_status_string(&err, st, n);
        return false;
    }
    snprintf(manifest, mlen, "%s/MANIFEST-%06" PRIu64, db, number);
    if (load_manifest(manifest, false, false, m, &err) == SHALE_OK)
        return true;
    if (m->n_cfs == 0)
        open_error_string(manifest, &err, st, n);
    else
        ldb_status_string(&err, st, n);
    return false;
}

/* --- list_column_families --------------------------------------------------------- */

static void no_init(ldb_cmd *c) { (void)c; }

static int cf_id_cmp(const void *a, const void *b)
{
    const cf_state *x = *(const cf_state *const *)a, *y = *(const cf_state *const *)b;
    return (x->id > y->id) - (x->id < y->id);
}

static void list_cfs_run(ldb_cmd *c)
{
    const char *db = c->db_path == NULL ? "" : c->db_path;
    manifest_state m;
    memset(&m, 0, sizeof m);
    char manifest[4096], st[512];
    if (!load_current(db, &m, manifest, sizeof manifest, st, sizeof st)) {
        fprintf(stderr, "Error in processing db %s %s\n", db, st);
        manifest_state_deinit(&m);
        return;
    }
    const cf_state *live[MAX_CFS];
    size_t n = 0;
    for (size_t i = 0; i < m.n_cfs; i++)
        if (!m.cfs[i].dropped)
            live[n++] = &m.cfs[i];
    qsort(live, n, sizeof live[0], cf_id_cmp);      /* RocksDB lists by id */
    printf("Column families in %s: \n{", db);
    for (size_t i = 0; i < n; i++)
        printf("%s%.*s", i == 0 ? "" : ", ", (int)live[i]->name.len, live[i]->name.data);
    printf("}\n");
    manifest_state_deinit(&m);
}

static void list_cfs_help(shale_buf *out)
{
    shale_buf_append_str(out, "  list_column_families\n");
}

const ldb_command_def ldb_cmd_list_column_families = {
    "list_column_families", NULL, true, false, no_init, list_cfs_run, list_cfs_help,
};

/* --- checkconsistency --------------------------------------------------------------- */

/* Checks one live file; false + c failed with RocksDB's message. */
static bool check_file(ldb_cmd *c, const char *db, const char *manifest, const file_meta *f)
{
    shale_env *env = shale_env_default();
    char path[4096];
    uint64_t size = 0;
    shale_err err = {0};
    snprintf(path, sizeof path, "%s/%06" PRIu64 ".sst", db, f->number);
    int rc = env->ops->file_size(env, path, &size, &err);
    if (rc != SHALE_OK) {
        snprintf(path, sizeof path, "%s/%06" PRIu64 ".ldb", db, f->number);
        rc = env->ops->file_size(env, path, &size, &err);
    }
    if (rc != SHALE_OK) {
        int e = err.sys_errno != 0 ? err.sys_errno : ENOENT;
        ldb_fail(c, "Corruption: Corruption: IO error: %s: While open a file for random read: "
                 "%s: %s in file %s", strerror(e), path, strerror(e), manifest);
        return false;
    }
    if (size != f->file_size) {
        ldb_fail(c, "Corruption: Sst file size mismatch: %s. Size recorded in manifest %" PRIu64
                 ", actual size %" PRIu64 "\n", path, f->file_size, size);
        return false;
    }
    return true;
}

static void check_run(ldb_cmd *c)
{
    const char *db = c->db_path == NULL ? "" : c->db_path;
    manifest_state m;
    memset(&m, 0, sizeof m);
    char manifest[4096], st[512];
    bool ok = load_current(db, &m, manifest, sizeof manifest, st, sizeof st);
    if (!ok)
        ldb_fail(c, "%s", st);
    for (size_t i = 0; ok && i < m.n_cfs; i++) {
        const version *v = m.cfs[i].final;
        for (int level = 0; v != NULL && ok && level < v->num_levels; level++)
            for (size_t j = 0; ok && j < v->n_files[level]; j++)
                ok = check_file(c, db, manifest, v->files[level][j]);
    }
    if (ok)
        printf("OK\n");
    manifest_state_deinit(&m);
}

static void check_help(shale_buf *out)
{
    shale_buf_append_str(out, "  checkconsistency\n");
}

const ldb_command_def ldb_cmd_checkconsistency = {
    "checkconsistency", NULL, true, true, no_init, check_run, check_help,
};
