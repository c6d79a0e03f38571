/* state/backend.h: what include/shale/state.h dispatches to.
 *
 * The public calls (state/state_api.c, state/state_ops.c) check arguments,
 * resolve the key (current or explicit, key group computed and checked
 * against the owned range), read the clock once, time a sample of the
 * accesses, and call one entry of the backend's vtable.  A backend never
 * sees a key outside its range, a state of the wrong kind, or a NULL
 * output pointer.  ReducingState and AggregatingState are built here on
 * value_get/value_put and the descriptor's callbacks, so a backend does not
 * implement them.
 *
 * Registered backends: state_backend_ops_for() in state/state_api.c (heap
 * now; the LSM backend adds its entry there).
 *
 * Invariants the backends keep:
 *  1. Every value a backend returns passed the TTL rules of state/ttl.h with
 *     the `now` it was given: expired data is never returned when hidden.
 *  2. Iterators see the state as it was when created, whatever is written
 *     after (heap: a pinned copy-on-write version; LSM: a db snapshot).
 *  3. Snapshot entries are in the layout of state/layout.h. */
#ifndef STATE_BACKEND_H
#define STATE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/state.h"
#include "lsm/util/buf.h"
#include "lsm/util/histogram.h"

/* A resolved key: group known and owned.  Borrowed for one call. */
typedef struct state_key {
    int32_t kg;
    const char *key;
    size_t klen;
    const char *ns;       /* nslen 0: the void namespace */
    size_t nslen;
} state_key;

/* A descriptor, copied into each state (name malloc'd). */
typedef struct state_desc {
    char *name;
    int kind;                      /* enum shale_state_kind */
    int64_t ttl_ms;                /* 0: no TTL */
    int ttl_update;                /* enum shale_ttl_update */
    int ttl_visibility;            /* enum shale_ttl_visibility */
    uint32_t cleanup_entries;      /* heap incremental cleanup per access */
    uint32_t query_entries;        /* LSM compaction filter clock refresh */
    shale_reduce_fn reduce;
    shale_agg_create_fn agg_create;
    shale_agg_add_fn agg_add;
    shale_agg_result_fn agg_result;
    shale_agg_merge_fn agg_merge;
    void *cb_ctx;
    uint64_t bound_count, bound_bytes; /* list bounds; 0: none */
    int64_t bound_age_ms;
} state_desc;

struct shale_state_descriptor {
    state_desc d;
};

/* The backend-wide settings, fixed at open. */
typedef struct state_config {
    int kind;                      /* enum shale_state_backend_kind */
    int32_t max_parallelism;
    int32_t kg_start, kg_end;      /* owned, inclusive */
    shale_state_clock_fn clock;
    void *clock_ctx;
    bool wal;
    uint64_t memory_budget;
    uint32_t sample_interval;
} state_config;

struct shale_state_options {
    state_config c;
};

struct shale_state {
    shale_state_backend *b;
    state_desc desc;
    uint32_t id;                   /* registration order, from 0 */
    void *impl;                    /* the backend's per-state data */
    histogram latency;             /* sampled access latency, ns */
    uint64_t accesses, sampled;
};

struct shale_state_backend {
    const struct state_backend_ops *ops;
    void *impl;                    /* the backend's own data */
    state_config cfg;
    shale_state **states;          /* registration order */
    size_t nstates, cap_states;
    struct {                       /* the keyed context (k == NULL) */
        bool set;
        int32_t kg;
        shale_buf key, ns;
    } cur;
    uint32_t sample_left;          /* accesses until the next timed one */
};

/* Iterators: a backend's iterator embeds this first. */
typedef struct state_iter_ops {
    bool (*valid)(const shale_state_iter *it);
    void (*next)(shale_state_iter *it);
    const char *(*key)(const shale_state_iter *it, size_t *len);
    const char *(*value)(const shale_state_iter *it, size_t *len);
    int (*status)(const shale_state_iter *it, shale_err *err);
    void (*free)(shale_state_iter *it);
} state_iter_ops;

struct shale_state_iter {
    const state_iter_ops *ops;
};

/* A timer.  key and ns borrowed (from the caller, or from the buffer given
 * to timer_pop). */
typedef struct state_timer {
    int64_t ts;
    int32_t kg;
    const char *key;
    size_t klen;
    const char *ns;
    size_t nslen;
} state_timer;

/* value_get flags. */
#define STATE_READ_NO_TOUCH 1u   /* do not refresh the TTL stamp (read for a fold) */

typedef struct state_snap state_snap;   /* a backend's snapshot */

/* The vtable.  Every call: REQUIRES arguments checked as said above;
 * `now` is the clock's ms (0 when the state has neither TTL nor age bound).
 * Codes as in include/shale/state.h. */
typedef struct state_backend_ops {
    const char *name;
    /* Sets b->impl.  dir: the LSM directory (may be NULL for heap). */
    int (*open)(shale_state_backend *b, const char *dir, shale_err *err);
    /* After every state_close. */
    void (*close)(shale_state_backend *b);
    /* A new state (st->desc, st->id set): sets st->impl (LSM: a column
     * family named st->desc.name, its merge operator and TTL filter). */
    int (*state_open)(shale_state_backend *b, shale_state *st, shale_err *err);
    void (*state_close)(shale_state *st);

    int (*clear)(shale_state *st, const state_key *k, shale_err *err);
    /* Value-like kinds (VALUE, REDUCING, AGGREGATING).  SHALE_NOT_FOUND:
     * *val NULL.  The value is malloc'd (free()); NULL for empty. */
    int (*value_get)(shale_state *st, const state_key *k, int64_t now, unsigned flags,
                     char **val, size_t *len, shale_err *err);
    int (*value_put)(shale_state *st, const state_key *k, int64_t now, const char *val,
                     size_t len, shale_err *err);
    /* value_get without the copy: *val is borrowed, valid until the next
     * call on the backend (any state, iterator or snapshot); NULL for an
     * empty value or SHALE_NOT_FOUND. */
    int (*value_peek)(shale_state *st, const state_key *k, int64_t now, unsigned flags,
                      const char **val, size_t *len, shale_err *err);

    /* LIST.  list_add appends n >= 1 elements without reading the list, and
     * applies the descriptor's bound.  list_update replaces (n 0 clears).
     * list_get: the last `last` elements (SIZE_MAX: all), oldest first. */
    int (*list_add)(shale_state *st, const state_key *k, int64_t now, size_t n,
                    const char *const *vals, const size_t *lens, shale_err *err);
    int (*list_update)(shale_state *st, const state_key *k, int64_t now, size_t n,
                       const char *const *vals, const size_t *lens, shale_err *err);
    int (*list_get)(shale_state *st, const state_key *k, int64_t now, size_t last,
                    shale_state_iter **it, shale_err *err);

    /* MAP. */
    int (*map_get)(shale_state *st, const state_key *k, int64_t now, const char *uk,
                   size_t uklen, char **val, size_t *len, shale_err *err);
    int (*map_put)(shale_state *st, const state_key *k, int64_t now, size_t n,
                   const char *const *uks, const size_t *uklens, const char *const *vals,
                   const size_t *lens, shale_err *err);
    int (*map_remove)(shale_state *st, const state_key *k, const char *uk, size_t uklen,
                      shale_err *err);
    int (*map_contains)(shale_state *st, const state_key *k, int64_t now, const char *uk,
                        size_t uklen, bool *found, shale_err *err);
    int (*map_iter)(shale_state *st, const state_key *k, int64_t now, shale_state_iter **it,
                    shale_err *err);
    int (*map_is_empty)(shale_state *st, const state_key *k, int64_t now, bool *empty,
                        shale_err *err);

    /* Timers, per domain (enum shale_timer_domain).  timer_pop removes and
     * returns the earliest timer with ts <= limit (ties: key group, key,
     * namespace bytes), its key and namespace copied into *buf;
     * SHALE_NOT_FOUND when none is due. */
    int (*timer_add)(shale_state_backend *b, int domain, const state_timer *t, shale_err *err);
    int (*timer_del)(shale_state_backend *b, int domain, const state_timer *t, shale_err *err);
    int (*timer_pop)(shale_state_backend *b, int domain, int64_t limit, state_timer *out,
                     shale_buf *buf, shale_err *err);
    uint64_t (*timer_count)(shale_state_backend *b, int domain);

    /* Full snapshots (see shale_state_snapshot_new()); `now` decides which
     * entries are expired.  snapshot_next: SHALE_NOT_FOUND at the end. */
    int (*snapshot_new)(shale_state_backend *b, int64_t now, state_snap **out, shale_err *err);
    int (*snapshot_next)(state_snap *s, shale_state_snapshot_entry *e, shale_err *err);
    void (*snapshot_free)(state_snap *s);

    /* Metrics. */
    uint64_t (*memory_usage)(shale_state_backend *b);
    void (*state_size)(shale_state *st, uint64_t *entries, uint64_t *bytes);
    bool (*property)(shale_state *st, const char *name, uint64_t *v);
} state_backend_ops;

/* The vtable of a backend kind; NULL when this build has none. */
const state_backend_ops *state_backend_ops_for(int kind);

/* state/state_api.c, for state/state_ops.c: k (NULL: the current key and
 * namespace) resolved into *out (borrowing k's or the context's bytes);
 * SHALE_INVALID_ARGUMENT when no key is current or the group is not
 * owned. */
int state_resolve_key(shale_state_backend *b, const shale_state_key *k, state_key *out,
                      shale_err *err);
/* The clock's now in ms. */
int64_t state_now(const shale_state_backend *b);

extern const state_backend_ops state_heap_ops;

#endif
