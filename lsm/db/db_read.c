/* lsm/db/db_read.c: point reads and snapshots.
 *
 * A read takes references on the memtable, the immutable memtables and the
 * current version while holding db->mu for a moment, then reads without
 * any lock.  Sources are searched newest first: memtable, immutables
 * (newest first), L0 files (newest first), then one file per level.  The
 * lookup context carries the largest covering range-tombstone sequence
 * from newer sources to older ones: an entry older than it is deleted.
 * Merge operands met on the way are collected, newest first, until a value
 * (their base), a deletion or the last source, then resolved with the
 * merge operator oldest first (RocksDB's GetContext and MergeContext). */
#include "lsm/db/db_impl.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/compaction/range_del.h"
#include "lsm/db/merge.h"
#include "lsm/table/table_iter.h"
#include "lsm/util/err.h"

/* The family had no superversion (no memory when it was built): take the
 * references one by one under the mutex, as a bundle of our own. */
static void view_acquire_locked(shale_db *db, db_cf *cfd, read_view *rv)
{
    superversion *sv = &rv->own;
    memset(sv, 0, sizeof *sv);
    shale_mutex_lock(&db->mu.lock);
    sv->mem = cfd->mem;
    mem_ref(sv->mem);
    sv->n_imm = cfd->n_imm;
    for (int i = 0; i < sv->n_imm; i++) {
        sv->imm[i] = cfd->imm[sv->n_imm - 1 - i].mem;
        mem_ref(sv->imm[i]);
    }
    sv->v = cfd->vcf->current;
    version_ref(sv->v);
    shale_mutex_unlock(&db->mu.lock);
    rv->sv = sv;
}

/* The bundle first, then the sequence: a memtable switch happens between
 * write groups, so the bundle holds every entry up to some sequence S0
 * and reading it at a later sequence shows the state at S0 (reading the
 * sequence first could let a flush and compaction drop entries that
 * sequence needs). */
void db_view_acquire(shale_db *db, db_cf *cfd, const shale_read_options *ro, read_view *rv)
{
    rv->cfd = cfd;
    rv->sv = sv_acquire(cfd);
    if (rv->sv == NULL)
        view_acquire_locked(db, cfd, rv);
    rv->seq = ro != NULL && ro->snapshot != NULL ? ro->snapshot->seq
                                                 : vset_last_sequence(db->vs);
}

void db_view_release(read_view *rv)
{
    superversion *sv = rv->sv;
    if (sv == &rv->own) {
        mem_unref(sv->mem);
        for (int i = 0; i < sv->n_imm; i++)
            mem_unref(sv->imm[i]);
        version_unref(sv->v);
    } else {
        sv_unref(sv);
    }
    rv->sv = NULL;
}

/* What a table lookup found for the key.  Merge operands met on the way
 * are appended to *operands (as mem_get() collects them: varint32 length +
 * bytes, newest first) and the lookup goes on to older entries. */
typedef struct table_get {
    slice user_key;
    uint64_t snapshot;
    uint64_t covering;        /* entries below this seq are range-deleted */
    bool found;
    parsed_ikey k;
    shale_buf *value;         /* the found entry's value goes straight here */
    shale_buf *operands;
    size_t *num_operands;
} table_get;

static bool on_table_entry(void *arg, slice ikey, slice value)
{
    table_get *g = arg;
    parsed_ikey k;
    if (!ikey_parse(ikey, &k) || !slice_equal(k.user_key, g->user_key))
        return false;
    if (k.seq > g->snapshot)
        return true;   /* newer than the snapshot (external files): keep looking */
    if (k.type == VT_MERGE && k.seq >= g->covering) {
        shale_buf_put_lp_slice(g->operands, value);
        (*g->num_operands)++;
        return shale_buf_ok(g->operands);
    }
    g->found = true;
    g->k = k;
    shale_buf_clear(g->value);
    shale_buf_append_slice(g->value, value);
    return false;
}

/* The largest tombstone sequence <= snapshot covering key in file r. */
static uint64_t file_covering_seq(sst_reader *r, slice key, uint64_t snapshot, shale_err *err)
{
    if (sst_reader_props(r)->num_range_deletions == 0)
        return 0;
    iter *it = sst_reader_new_range_del_iter(r, NULL, err);
    rd_agg *a = rd_agg_new(snapshot);
    uint64_t seq = 0;
    if (it != NULL && a != NULL && rd_agg_add_iter(a, it, err) == SHALE_OK)
        seq = rd_max_covering_seq(a, key);
    rd_agg_free(a);
    iter_free(it);
    return seq;
}

/* A point lookup's state across the sources of a read view. */
typedef struct get_ctx {
    const shale_read_options *ro;
    slice key, lookup;        /* user key; internal key user key + (snapshot, seek) */
    uint64_t snapshot;
    uint64_t covering;        /* largest covering range-tombstone seq so far */
    shale_buf operands;       /* merge operands, newest first (mem_get's format) */
    size_t num_operands;
    slice *borrow;            /* not NULL: a plain memtable value is lent here, not copied */
} get_ctx;

/* Looks key up in file i of `level`.  *state: 0 keep going, 1 found
 * value (in out), 2 deleted. */
static int get_from_table(shale_db *db, get_ctx *gc, superversion *sv, int level, size_t i,
                          int *state, shale_buf *out, shale_err *err)
{
    const shale_read_options *ro = gc->ro;
    slice key = gc->key, lookup = gc->lookup;
    uint64_t snapshot = gc->snapshot, *covering = &gc->covering;
    sst_reader *r = NULL;
    bool owned = false;
    int rc = sv_table(db, sv, level, i, &r, &owned, err);
    if (rc != SHALE_OK)
        return rc;
    uint64_t cov = file_covering_seq(r, key, snapshot, err);
    if (cov > *covering)
        *covering = cov;
    table_get g = {.user_key = key, .snapshot = snapshot, .covering = *covering,
                   .value = out, .operands = &gc->operands,
                   .num_operands = &gc->num_operands};
    sst_iter_options o;
    sst_iter_options_init(&o, r);
    if (ro != NULL) {
        o.verify_checksums = ro->verify_checksums;
        o.fill_cache = ro->fill_cache;
    }
    rc = sst_reader_get_opt(r, &o, lookup, on_table_entry, &g, err);
    if (owned)
        sst_reader_unref(r);
    if (rc == SHALE_OK && !shale_buf_ok(&gc->operands))
        rc = SHALE_NOMEM(err);
    if (rc == SHALE_OK && g.found) {
        if (g.k.seq < *covering || g.k.type == VT_DELETION || g.k.type == VT_SINGLE_DELETION) {
            *state = 2;
        } else if (g.k.type == VT_VALUE) {
            *state = 1;
            if (!shale_buf_ok(out))
                rc = SHALE_NOMEM(err);
        } else {
            rc = SHALE_UNSUPPORTED(err, "entry type 0x%02x", g.k.type);
        }
    } else if (rc == SHALE_OK && *covering > 0) {
        *state = 2;   /* older files hold only older entries: all covered */
    }
    return rc;
}

static int get_from_version(shale_db *db, superversion *sv, get_ctx *gc, int *state,
                            shale_buf *out, shale_err *err)
{
    version *v = sv->v;
    slice key = gc->key;
    uint64_t snapshot = gc->snapshot;
    char small[256];
    char *lkbuf = key.len + 8 <= sizeof small ? small : malloc(key.len + 8);
    if (lkbuf == NULL)
        return SHALE_NOMEM(err);
    if (key.len > 0)
        memcpy(lkbuf, key.data, key.len);
    enc_fixed64(lkbuf + key.len, ikey_pack(snapshot, VT_FOR_SEEK));
    slice lk = slice_make(lkbuf, key.len + 8);
    gc->lookup = lk;
    int rc = SHALE_OK;
    *state = gc->covering > 0 ? 2 : 0;
    for (int level = 0; level < v->num_levels && rc == SHALE_OK && *state == 0; level++) {
        size_t n = version_num_files(v, level);
        if (level == 0) {
            for (size_t i = 0; i < n && rc == SHALE_OK && *state == 0; i++) {
                file_meta *f = v->files[0][i];
                if (slice_compare(key, ikey_user_key(file_meta_smallest(f))) < 0 ||
                    slice_compare(key, ikey_user_key(file_meta_largest(f))) > 0)
                    continue;
                rc = get_from_table(db, gc, sv, 0, i, state, out, err);
                if (*state == 1)
                    stats_add(db->stats, TICKER_GET_HIT_L0, 1);
            }
            continue;
        }
        size_t i = version_find_file(v, level, lk);
        if (i >= n || slice_compare(key, ikey_user_key(file_meta_smallest(v->files[level][i]))) < 0)
            continue;
        rc = get_from_table(db, gc, sv, level, i, state, out, err);
        if (*state == 1)
            stats_add(db->stats, level == 1 ? TICKER_GET_HIT_L1 : TICKER_GET_HIT_L2_AND_UP, 1);
    }
    if (lkbuf != small)
        free(lkbuf);
    return rc;
}

/* Resolves the operands collected in gc onto base (NULL: none) into out. */
static int finish_merge(const db_cf *cfd, get_ctx *gc, const slice *base, shale_buf *out,
                        shale_err *err)
{
    shale_buf res = SHALE_BUF_INIT;
    int rc = merge_resolve_collected(cfd->opts.merge_operator, gc->key, base,
                                     shale_buf_slice(&gc->operands), gc->num_operands, &res, err);
    if (rc == SHALE_OK) {
        shale_buf_clear(out);
        shale_buf_append_slice(out, shale_buf_slice(&res));
        if (!shale_buf_ok(out))
            rc = SHALE_NOMEM(err);
    }
    shale_buf_deinit(&res);
    return rc;
}

/* The memtables of the view, newest first.  *done: the lookup ended here
 * (rc SHALE_OK with the value in out, or SHALE_NOT_FOUND). */
static int get_from_memtables(shale_db *db, read_view *rv, get_ctx *gc, shale_buf *out,
                              bool *done, shale_err *err)
{
    mem_get_ctx ctx;
    mem_get_ctx_init(&ctx, &gc->operands);
    memtable *mems[DB_MAX_IMM + 1];
    int n = 0;
    mems[n++] = rv->sv->mem;
    for (int i = 0; i < rv->sv->n_imm; i++)
        mems[n++] = rv->sv->imm[i];
    *done = true;
    for (int i = 0; i < n; i++) {
        int rc = mem_get(mems[i], gc->key, rv->seq, &ctx, err);
        if (rc != SHALE_OK)
            return rc;
        gc->num_operands = ctx.num_operands;
        if (ctx.state == MEM_GET_FOUND || ctx.state == MEM_GET_DELETED) {
            stats_add(db->stats, TICKER_MEMTABLE_HIT, 1);
            bool found = ctx.state == MEM_GET_FOUND;
            if (gc->num_operands > 0)
                return finish_merge(rv->cfd, gc, found ? &ctx.value : NULL, out, err);
            if (!found)
                return SHALE_NOT_FOUND;
            if (gc->borrow != NULL) {   /* valid while the view is held */
                *gc->borrow = ctx.value;
                return SHALE_OK;
            }
            shale_buf_clear(out);
            shale_buf_append_slice(out, ctx.value);
            return shale_buf_ok(out) ? SHALE_OK : SHALE_NOMEM(err);
        }
    }
    stats_add(db->stats, TICKER_MEMTABLE_MISS, 1);
    gc->covering = ctx.max_covering_tombstone_seq;
    *done = false;
    return SHALE_OK;
}

int db_get_in_view(shale_db *db, const shale_read_options *ro, read_view *rv, slice key,
                   shale_buf *out, slice *borrow, shale_err *err)
{
    if (borrow != NULL)
        borrow->data = NULL;
    get_ctx gc = {.ro = ro, .key = key, .snapshot = rv->seq, .operands = SHALE_BUF_INIT,
                  .borrow = borrow};
    bool done = false;
    int rc = get_from_memtables(db, rv, &gc, out, &done, err);
    int state = 0;
    if (rc == SHALE_OK && !done)
        rc = get_from_version(db, rv->sv, &gc, &state, out, err);
    if (rc == SHALE_OK && !done) {
        if (gc.num_operands > 0) {
            slice base = shale_buf_slice(out);
            rc = finish_merge(rv->cfd, &gc, state == 1 ? &base : NULL, out, err);
        } else if (state != 1) {
            rc = SHALE_NOT_FOUND;
        }
    }
    shale_buf_deinit(&gc.operands);
    return rc;
}

int db_get_at_seq(shale_db *db, db_cf *cfd, uint64_t seq, slice user_key, shale_buf *out,
                  shale_err *err)
{
    shale_snapshot snap = {.seq = seq};
    shale_read_options ro;
    read_options_init(&ro);
    ro.snapshot = &snap;
    read_view rv;
    db_view_acquire(db, cfd, &ro, &rv);
    int rc = db_get_in_view(db, &ro, &rv, user_key, out, NULL, err);
    db_view_release(&rv);
    return rc;
}

int shale_get(shale_db *db, const shale_read_options *ro, const char *key, size_t klen,
              char **val, size_t *vlen, shale_err *err)
{
    return shale_get_cf(db, ro, NULL, key, klen, val, vlen, err);
}

int shale_get_cf(shale_db *db, const shale_read_options *ro, shale_cf *cf, const char *key,
                 size_t klen, char **val, size_t *vlen, shale_err *err)
{
    uint64_t t0 = db_timer(db);
    *val = NULL;
    *vlen = 0;
    read_view rv;
    db_view_acquire(db, db_cf_of(db, cf), ro, &rv);
    shale_buf out = SHALE_BUF_INIT;
    int rc = db_get_in_view(db, ro, &rv, slice_make(key, klen), &out, NULL, err);
    db_view_release(&rv);
    if (rc == SHALE_OK) {
        size_t n = out.len;
        *val = shale_buf_detach(&out, vlen);
        if (*val == NULL) {   /* an empty value still gets a buffer */
            *val = malloc(1);
            *vlen = 0;
            if (*val == NULL)
                rc = SHALE_NOMEM(err);
        }
        stats_add(db->stats, TICKER_BYTES_READ, n);
    }
    shale_buf_deinit(&out);
    stats_add(db->stats, TICKER_NUMBER_KEYS_READ, 1);
    db_timer_record(db, HIST_DB_GET, t0);
    return rc;
}

/* The view of a multi_get key's family: one per family, acquired at one
 * sequence number so the whole call reads one consistent state. */
static read_view *view_for(shale_db *db, db_cf *cfd, const shale_read_options *ro,
                           read_view *views, size_t *n_views)
{
    for (size_t i = 0; i < *n_views; i++)
        if (views[i].cfd == cfd)
            return &views[i];
    read_view *rv = &views[(*n_views)++];
    db_view_acquire(db, cfd, ro, rv);
    return rv;
}

int shale_multi_get_cf(shale_db *db, const shale_read_options *ro, shale_cf *const *cfs,
                       size_t n, const char *const *keys, const size_t *klens, char **vals,
                       size_t *vlens, int *codes, shale_err *err)
{
    shale_snapshot snap;
    shale_read_options fixed;
    if (ro == NULL || ro->snapshot == NULL) {   /* pin one sequence for every family */
        if (ro != NULL)
            fixed = *ro;
        else
            read_options_init(&fixed);
        snap.seq = vset_last_sequence(db->vs);
        fixed.snapshot = &snap;
        ro = &fixed;
    }
    read_view *views = calloc(n > 0 ? n : 1, sizeof *views);
    if (views == NULL)
        return SHALE_NOMEM(err);
    size_t n_views = 0;
    shale_buf out = SHALE_BUF_INIT;
    uint64_t found = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        shale_err e = {0};
        vals[i] = NULL;
        vlens[i] = 0;
        db_cf *cfd = db_cf_of(db, cfs != NULL ? cfs[i] : NULL);
        read_view *rv = view_for(db, cfd, ro, views, &n_views);
        codes[i] = db_get_in_view(db, ro, rv, slice_make(keys[i], klens[i]), &out, NULL, &e);
        if (codes[i] == SHALE_OK) {
            bytes += out.len;
            found++;
            vals[i] = malloc(out.len == 0 ? 1 : out.len);
            if (vals[i] == NULL) {
                codes[i] = SHALE_NO_MEMORY;
                continue;
            }
            if (out.len > 0)
                memcpy(vals[i], out.data, out.len);
            vlens[i] = out.len;
        } else if (codes[i] != SHALE_NOT_FOUND && err != NULL && err->code == SHALE_OK) {
            *err = e;
        }
    }
    shale_buf_deinit(&out);
    for (size_t i = 0; i < n_views; i++)
        db_view_release(&views[i]);
    free(views);
    stats_add(db->stats, TICKER_NUMBER_MULTIGET_CALLS, 1);
    stats_add(db->stats, TICKER_NUMBER_MULTIGET_KEYS_READ, n);
    stats_add(db->stats, TICKER_NUMBER_MULTIGET_KEYS_FOUND, found);
    stats_add(db->stats, TICKER_NUMBER_MULTIGET_BYTES_READ, bytes);
    return SHALE_OK;
}

int shale_multi_get(shale_db *db, const shale_read_options *ro, size_t n,
                    const char *const *keys, const size_t *klens, char **vals, size_t *vlens,
                    int *codes, shale_err *err)
{
    return shale_multi_get_cf(db, ro, NULL, n, keys, klens, vals, vlens, codes, err);
}

/* --- snapshots ------------------------------------------------------------ */

const shale_snapshot *shale_snapshot_create(shale_db *db)
{
    shale_snapshot *s = malloc(sizeof *s);
    if (s == NULL)
        return NULL;
    shale_mutex_lock(&db->mu.lock);
    s->seq = vset_last_sequence(db->vs);
    /* Sequences only grow, so appending keeps the list ascending. */
    s->prev = db->mu.snapshots.prev;
    s->next = &db->mu.snapshots;
    s->prev->next = s;
    db->mu.snapshots.prev = s;
    db->mu.num_snapshots++;
    shale_mutex_unlock(&db->mu.lock);
    return s;
}

void shale_snapshot_release(shale_db *db, const shale_snapshot *cs)
{
    if (cs == NULL)
        return;
    shale_snapshot *s = (shale_snapshot *)cs;
    shale_mutex_lock(&db->mu.lock);
    s->prev->next = s->next;
    s->next->prev = s->prev;
    db->mu.num_snapshots--;
    shale_mutex_unlock(&db->mu.lock);
    free(s);
}

uint64_t shale_snapshot_sequence(const shale_snapshot *s) { return s->seq; }
