/* state/lsm_snapshot.c: full snapshots of the LSM backend (Flink's
 * RocksFullSnapshotStrategy): one database snapshot, pinned when taken,
 * and then one iterator per state family at it, in registration order.
 * The stored bytes are already Flink's layout, so records are the
 * family's keys and values as they are, minus what is expired at the
 * snapshot's time (Flink's cleanupFullSnapshot): expired values and map
 * entries are left out, and lists lose their dead elements (expired, too
 * old, or past a bound).  The family's keys are in key-group order, so the
 * records are too.  Processing goes on meanwhile; the snapshot may be read
 * on another thread (shale snapshots and iterators allow it). */
#include "state/lsm.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "state/layout.h"
#include "state/ttl.h"

typedef struct snap_state {
    state_desc d;                 /* a copy; name borrowed from the state */
    shale_cf *cf;
} snap_state;

struct state_snap {
    shale_db *db;
    const shale_snapshot *snap;
    shale_read_options *ro;
    int32_t max_parallelism;
    int32_t kg_start, kg_end;     /* owned groups: others' leftovers stay out */
    int64_t now;
    snap_state *states;
    size_t n, cur;
    shale_iter *it;               /* over states[cur], or NULL */
    bool returned;                /* the iterator's entry went out: move first */
    shale_buf val;
};

int lsm_snapshot_new(shale_state_backend *b, int64_t now, state_snap **out, shale_err *err)
{
    lsm_backend *lb = lsm_of(b);
    state_snap *s = calloc(1, sizeof *s);
    if (s == NULL)
        return SHALE_NOMEM(err);
    s->db = lb->db;
    s->max_parallelism = b->cfg.max_parallelism;
    s->kg_start = b->cfg.kg_start;
    s->kg_end = b->cfg.kg_end;
    s->now = now;
    shale_buf_init(&s->val);
    s->ro = shale_read_options_new();
    s->states = b->nstates ? calloc(b->nstates, sizeof *s->states) : NULL;
    if (s->ro == NULL || (b->nstates && s->states == NULL)) {
        lsm_snapshot_free(s);
        return SHALE_NOMEM(err);
    }
    for (size_t i = 0; i < b->nstates; i++)
        s->states[i] = (snap_state){b->states[i]->desc, lsm_fam(b->states[i])->cf};
    s->n = b->nstates;
    s->snap = shale_snapshot_create(lb->db);
    if (s->snap == NULL) {
        lsm_snapshot_free(s);
        return SHALE_NOMEM(err);
    }
    shale_read_options_set_snapshot(s->ro, s->snap);
    *out = s;
    return SHALE_OK;
}

void lsm_snapshot_free(state_snap *s)
{
    if (s == NULL)
        return;
    shale_iter_free(s->it);
    if (s->snap != NULL)
        shale_snapshot_release(s->db, s->snap);
    shale_read_options_free(s->ro);
    free(s->states);
    shale_buf_deinit(&s->val);
    free(s);
}

/* The list's live elements into *v (s->val when some are dropped); false
 * when none is live. */
static int render_list(state_snap *s, const state_desc *d, slice *v, bool *live,
                       shale_err *err)
{
    lsm_elem *e = NULL;
    size_t n = 0, kept = 0;
    int rc = lsm_list_parse(*v, lsm_elem_ts(d), &e, &n, err);
    if (rc != SHALE_OK) {
        free(e);
        return rc;
    }
    shale_buf_clear(&s->val);
    for (size_t i = lsm_list_bound_start(d, e, n, s->now); i < n; i++) {
        if (lsm_elem_dead(d, e[i].ts, s->now))
            continue;
        if (kept++ > 0)
            shale_buf_append_byte(&s->val, STATE_LIST_DELIM);
        shale_buf_append_slice(&s->val, e[i].raw);
    }
    free(e);
    if (!shale_buf_ok(&s->val))
        return SHALE_NOMEM(err);
    *live = kept > 0;
    if (kept != n)
        *v = shale_buf_slice(&s->val);
    return SHALE_OK;
}

/* Whether the entry (value *v) goes into the snapshot; lists may change *v. */
static int render(state_snap *s, const state_desc *d, slice *v, bool *live, shale_err *err)
{
    bool ttl = state_ttl_on(d), null_value;
    int64_t ts;
    slice user;
    int rc;
    *live = true;
    switch (d->kind) {
    case SHALE_STATE_LIST:
        return render_list(s, d, v, live, err);
    case SHALE_STATE_MAP:
        rc = state_layout_map_value_decode(v->data, v->len, ttl, &null_value, &ts, &user, err);
        if (rc == SHALE_OK && !null_value)
            *live = !state_ttl_expired(d, ts, s->now);
        return rc;
    default:
        rc = state_layout_value_decode(v->data, v->len, ttl, &ts, &user, err);
        if (rc == SHALE_OK)
            *live = !state_ttl_expired(d, ts, s->now);
        return rc;
    }
}

/* Moves to the next entry of the current family, or to the next family. */
static int advance(state_snap *s, shale_err *err)
{
    if (s->it != NULL && s->returned)
        shale_iter_next(s->it);
    s->returned = false;
    while (s->it == NULL || !shale_iter_valid(s->it)) {
        if (s->it != NULL) {
            int rc = shale_iter_status(s->it, err);
            shale_iter_free(s->it);
            s->it = NULL;
            if (rc != SHALE_OK)
                return rc;
            s->cur++;
        }
        if (s->cur >= s->n)
            return SHALE_NOT_FOUND;
        if ((s->it = shale_iter_new_cf(s->db, s->ro, s->states[s->cur].cf)) == NULL)
            return SHALE_NOMEM(err);
        shale_iter_seek_to_first(s->it);
    }
    return SHALE_OK;
}

int lsm_snapshot_next(state_snap *s, shale_state_snapshot_entry *e, shale_err *err)
{
    int rc;
    while ((rc = advance(s, err)) == SHALE_OK) {
        const snap_state *st = &s->states[s->cur];
        size_t kl, vl;
        const char *k = shale_iter_key(s->it, &kl);
        const char *vp = shale_iter_value(s->it, &vl);
        slice v = slice_make(vp, vl);
        bool live;
        int32_t kg;
        s->returned = true;
        if ((rc = render(s, &st->d, &v, &live, err)) != SHALE_OK ||
            (rc = state_layout_get_kg(k, kl, s->max_parallelism, &kg, err)) != SHALE_OK)
            return rc;
        if (!live || kg < s->kg_start || kg > s->kg_end)
            continue;
        *e = (shale_state_snapshot_entry){st->d.name, kg, k, kl, v.data, v.len};
        return SHALE_OK;
    }
    return rc;
}
