/* lsm/db/db_cf.c: column families: their in-memory state (memtables,
 * picker, statistics), creating and dropping them, and the handles the API
 * gives out.
 *
 * Families change only under write exclusivity (db_enter_write_exclusive),
 * so the write leader reads db->mu.cfs without the mutex.  A family's
 * memory is reference-counted: the database's list and each handle hold a
 * reference; background jobs take one while they work on it.  A dropped
 * family leaves the list at once (no new writes reach it) and is freed,
 * and its files released, when the last reference goes. */
#include "lsm/db/db_impl.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/db/options_file.h"
#include "lsm/util/err.h"

int db_cf_new(shale_db *db, vset_cf *vcf, const shale_options *o, uint64_t log_number,
              db_cf **out, shale_err *err)
{
    *out = NULL;
    db_cf *c = calloc(1, sizeof *c);
    if (c == NULL || (c->name = strdup(vcf->name)) == NULL) {
        free(c);
        return SHALE_NOMEM(err);
    }
    int rc = mem_new_sized(&c->mem, o->write_buffer_size, err);
    if (rc != SHALE_OK) {
        free(c->name);
        free(c);
        return rc;
    }
    c->id = vcf->id;
    options_copy(&c->opts, o);
    c->vcf = vcf;
    c->db = db;
    c->refs = 1;
    c->mem_log_number = log_number;
    picker_init(&c->picker, &vcf->opts);
    db_sv_install_locked(db, c);
    *out = c;
    return SHALE_OK;
}

void db_cf_unref_locked(shale_db *db, db_cf *c)
{
    shale_mutex_assert_held(&db->mu.lock);
    if (c == NULL || --c->refs > 0)
        return;
    db_sv_clear_locked(c);
    mem_unref(c->mem);
    for (int i = 0; i < c->n_imm; i++)
        mem_unref(c->imm[i].mem);
    picker_deinit(&c->picker);
    if (c->dropped)
        vset_release_cf(c->db->vs, c->vcf);
    options_deinit(&c->opts);
    free(c->name);
    free(c);
}

db_cf *db_cf_find(shale_db *db, uint32_t id)
{
    for (size_t i = 0; i < db->mu.n_cfs; i++)
        if (db->mu.cfs[i]->id == id)
            return db->mu.cfs[i];
    return NULL;
}

uint64_t db_cf_log_after_locked(shale_db *db, db_cf *c, int skip)
{
    if (c->n_imm > skip)
        return c->imm[skip].log_number;
    if (mem_num_entries(c->mem) > 0)
        return c->mem_log_number;
    return db->mu.log_number;   /* nothing unflushed: only the current WAL matters */
}

uint64_t db_min_log_to_keep_locked(shale_db *db)
{
    uint64_t m = db->mu.log_number;
    for (size_t i = 0; i < db->mu.n_cfs; i++) {
        uint64_t l = db_cf_log_after_locked(db, db->mu.cfs[i], 0);
        if (l < m)
            m = l;
    }
    return m;
}

/* Adds c to the live list (id order).  REQUIRES: mu, write exclusivity. */
static int list_add_locked(shale_db *db, db_cf *c, shale_err *err) SHALE_REQUIRES(db->mu.lock)
{
    if (db->mu.n_cfs == db->mu.cap_cfs) {
        size_t cap = db->mu.cap_cfs ? db->mu.cap_cfs * 2 : 4;
        db_cf **p = realloc(db->mu.cfs, cap * sizeof *p);
        if (p == NULL)
            return SHALE_NOMEM(err);
        db->mu.cfs = p;
        db->mu.cap_cfs = cap;
    }
    size_t i = db->mu.n_cfs;
    while (i > 0 && db->mu.cfs[i - 1]->id > c->id) {
        db->mu.cfs[i] = db->mu.cfs[i - 1];
        i--;
    }
    db->mu.cfs[i] = c;
    db->mu.n_cfs++;
    if (c->id > atomic_load(&db->max_cf_id))
        atomic_store(&db->max_cf_id, c->id);
    return SHALE_OK;
}

static void list_remove_locked(shale_db *db, db_cf *c) SHALE_REQUIRES(db->mu.lock)
{
    for (size_t i = 0; i < db->mu.n_cfs; i++)
        if (db->mu.cfs[i] == c) {
            memmove(&db->mu.cfs[i], &db->mu.cfs[i + 1],
                    (db->mu.n_cfs - i - 1) * sizeof *db->mu.cfs);
            db->mu.n_cfs--;
            return;
        }
}

int db_write_options_file(shale_db *db, shale_err *err)
{
    shale_mutex_lock(&db->mu.lock);
    size_t n = db->mu.n_cfs;
    const char **names = malloc(n * sizeof *names);
    const shale_options **opts = malloc(n * sizeof *opts);
    db_cf **held = malloc(n * sizeof *held);
    if (names == NULL || opts == NULL || held == NULL) {
        shale_mutex_unlock(&db->mu.lock);
        free(names);
        free(opts);
        free(held);
        return SHALE_NOMEM(err);
    }
    for (size_t i = 0; i < n; i++) {
        held[i] = db->mu.cfs[i];
        held[i]->refs++;
        names[i] = held[i]->name;
        opts[i] = &held[i]->opts;
    }
    shale_mutex_unlock(&db->mu.lock);
    uint64_t number = vset_new_file_number(db->vs);
    int rc = options_file_write_cfs(db->env, db->name, number, &db->opts, names, opts, n, err);
    shale_mutex_lock(&db->mu.lock);
    for (size_t i = 0; i < n; i++)
        db_cf_unref_locked(db, held[i]);
    shale_mutex_unlock(&db->mu.lock);
    if (rc == SHALE_OK)
        (void)options_file_purge_old(db->env, db->name, OPTIONS_FILES_KEPT, NULL);
    free(names);
    free(opts);
    free(held);
    return rc;
}

static shale_cf *new_handle(shale_db *db, db_cf *c) SHALE_REQUIRES(db->mu.lock)
{
    shale_cf *h = malloc(sizeof *h);
    if (h != NULL) {
        h->db = db;
        h->cfd = c;
        c->refs++;
    }
    return h;
}

/* Creates family `name`.  REQUIRES: mu held, write exclusivity. */
static int create_locked(shale_db *db, const shale_options *o, const char *name, db_cf **out,
                         shale_err *err) SHALE_REQUIRES(db->mu.lock)
{
    vset_cf *vcf = NULL;
    version_cf_options vo = db_cf_options(o);
    int rc = options_check(o, err);
    if (rc == SHALE_OK)
        rc = vset_create_cf(db->vs, name, &vo, db->mu.log_number, &db->mu.lock, &vcf, err);
    if (rc != SHALE_OK)
        return rc;
    db_cf *c = NULL;
    if ((rc = db_cf_new(db, vcf, o, db->mu.log_number, &c, err)) == SHALE_OK &&
        (rc = list_add_locked(db, c, err)) != SHALE_OK) {
        c->refs = 0;
        db_cf_unref_locked(db, c);
    }
    if (rc == SHALE_OK) {
        *out = c;
        logger_log(db->log, SHALE_LOG_INFO, "Created column family [%s] (ID %u)", name, c->id);
    }
    return rc;
}

int db_create_cf_locked(shale_db *db, const shale_options *o, const char *name, db_cf **out,
                        shale_err *err)
{
    return create_locked(db, o, name, out, err);
}

int shale_create_cf(shale_db *db, const shale_options *o, const char *name, shale_cf **handle,
                    shale_err *err)
{
    *handle = NULL;
    if (o == NULL || name == NULL || name[0] == '\0')
        return SHALE_INVALID(err, "options and a column family name are required");
    shale_mutex_lock(&db->mu.lock);
    db_writer w;
    db_enter_write_exclusive_locked(db, &w);
    db_cf *c = NULL;
    int rc = db->mu.bg_err.code != SHALE_OK ? shale_err_copy(err, &db->mu.bg_err)
                                            : create_locked(db, o, name, &c, err);
    if (rc == SHALE_OK && (*handle = new_handle(db, c)) == NULL)
        rc = SHALE_NOMEM(err);
    db_exit_write_exclusive_locked(db, &w);
    shale_mutex_unlock(&db->mu.lock);
    if (rc == SHALE_OK)
        rc = db_write_options_file(db, err);
    return rc;
}

int shale_drop_cf(shale_db *db, shale_cf *cf, shale_err *err)
{
    if (cf == NULL || cf->cfd->id == 0)
        return SHALE_INVALID(err, "Can't drop default column family");
    db_cf *c = cf->cfd;
    shale_mutex_lock(&db->mu.lock);
    db_writer w;
    db_enter_write_exclusive_locked(db, &w);
    int rc = c->dropped ? SHALE_INVALID(err, "Column family already dropped!")
                        : vset_drop_cf(db->vs, c->vcf, &db->mu.lock, err);
    if (rc == SHALE_OK) {
        c->dropped = true;
        db_sv_install_locked(db, c);
        list_remove_locked(db, c);
        logger_log(db->log, SHALE_LOG_INFO, "Dropped column family [%s] (ID %u)", c->name,
                   c->id);
        db_cf_unref_locked(db, c);   /* the list's reference; the handle keeps it */
    }
    db_exit_write_exclusive_locked(db, &w);
    shale_cond_broadcast(&db->mu.bg_cv);
    shale_mutex_unlock(&db->mu.lock);
    if (rc == SHALE_OK)
        rc = db_write_options_file(db, err);
    if (rc == SHALE_OK)
        db_delete_obsolete_files(db);
    return rc;
}

void shale_cf_handle_free(shale_cf *cf)
{
    if (cf == NULL || cf == &cf->db->default_handle)
        return;
    shale_db *db = cf->db;
    shale_mutex_lock(&db->mu.lock);
    bool last_of_dropped = cf->cfd->dropped && cf->cfd->refs == 1;
    db_cf_unref_locked(db, cf->cfd);
    shale_mutex_unlock(&db->mu.lock);
    free(cf);
    if (last_of_dropped)   /* its files are obsolete now */
        db_delete_obsolete_files(db);
}

shale_cf *shale_db_default_cf(shale_db *db) { return &db->default_handle; }
const char *shale_cf_name(const shale_cf *cf) { return cf->cfd->name; }
uint32_t shale_cf_id(const shale_cf *cf) { return cf->cfd->id; }

int shale_db_list_cf(const shale_options *o, const char *name, char ***names, size_t *n,
                     shale_err *err)
{
    shale_env *env = o != NULL && o->env != NULL ? o->env : shale_env_default();
    int rc = vset_list_cfs(env, name, names, n, err);
    if (rc == SHALE_NOT_FOUND)   /* RocksDB: the CURRENT file is missing */
        rc = SHALE_IOERR(err, 0, "%s/CURRENT: no such file or directory", name);
    return rc;
}

void shale_cf_names_free(char **names, size_t n) { shale_env_free_names(names, n); }
