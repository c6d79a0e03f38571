/* state/lsm.h: the LSM state backend's shared internals (state/lsm_*.c).
 *
 * The backend keeps its state in one shale database in the backend's
 * directory, laid out as Flink's EmbeddedRocksDBStateBackend lays out
 * RocksDB (state/layout.h, docs/state.md):
 *   - one column family per state, named as the state, each with Flink's
 *     list merge operator (StringAppendTESTOperator) and a compaction
 *     filter factory whose per-family configuration (lsm_filter_cfg) is
 *     filled in when the state is registered, so families re-opened before
 *     their descriptors are known get their TTL filter as soon as they are;
 *   - two timer families, Flink's "_timer_state/processing_user-timers" and
 *     "_timer_state/event_user-timers";
 *   - one block cache, one statistics object and one write-buffer budget
 *     for all families (Flink's managed memory).
 * Writes skip the WAL unless the options ask for it (Flink: checkpoints
 * give durability); a clean close then flushes every family, as RocksDB's
 * close does after WAL-less writes.
 *
 * Ownership: lsm_backend is b->impl; each lsm_family is owned by it and
 * lives until close; st->impl points at the state's family. */
#ifndef STATE_LSM_H
#define STATE_LSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/db.h"
#include "state/backend.h"

#define LSM_TIMER_CF_PROCESSING "_timer_state/processing_user-timers"
#define LSM_TIMER_CF_EVENT "_timer_state/event_user-timers"

typedef struct lsm_filter_cfg lsm_filter_cfg;   /* state/lsm_filter.c */
typedef struct lsm_timer_heads lsm_timer_heads; /* state/lsm_timers.c */

typedef struct lsm_family {
    char *name;
    shale_cf *cf;
    lsm_filter_cfg *fcfg;   /* owned by the family's filter factory (NULL: timers) */
    bool claimed;           /* a registered state uses it */
} lsm_family;

typedef struct lsm_timer_service {
    lsm_family *fam;
    uint64_t count;
    lsm_timer_heads *heads;  /* earliest timestamp per owned key group */
} lsm_timer_service;

typedef struct lsm_backend {
    shale_db *db;
    shale_cache *cache;
    shale_statistics *stats;
    shale_write_options *wo;
    shale_read_options *ro;
    lsm_family **fams;
    size_t nfams, cap_fams;
    lsm_timer_service timers[2];   /* by enum shale_timer_domain */
    uint64_t wb_budget;            /* 0: no backend-wide write-buffer budget */
    uint32_t writes_since_check;
    shale_buf kbuf, vbuf;          /* scratch for encoded keys and values */
    char *peek;                    /* the value lsm_value_peek lent out (shale_free) */
    shale_write_batch *wb;         /* map put_all's batch, empty between calls */
} lsm_backend;

static inline lsm_backend *lsm_of(shale_state_backend *b) { return b->impl; }
static inline lsm_family *lsm_fam(const shale_state *st) { return st->impl; }
static inline bool lsm_elem_ts(const state_desc *d)
{
    return d->ttl_ms > 0 || d->bound_age_ms > 0;
}

/* state/lsm_backend.c */
/* After each write: enforces the write-buffer budget now and then. */
void lsm_after_write(lsm_backend *lb);
/* The state's key (kg | key | ns) in lb->kbuf; SHALE_NO_MEMORY. */
int lsm_key(shale_state *st, const state_key *k, shale_err *err);
/* The smallest key greater than every key starting with p[0..n) (n >= 1,
 * p[0] < 0xff: key-group prefixes are); appended to out. */
void lsm_prefix_end(shale_buf *out, const char *p, size_t n);

/* state/lsm_filter.c: the TTL and list-bound compaction filter. */
shale_compaction_filter_factory *lsm_filter_factory_new(const state_config *c,
                                                        lsm_filter_cfg **cfg);
/* Publishes the state's descriptor to the family's filters. */
void lsm_filter_cfg_set(lsm_filter_cfg *cfg, const state_desc *d);

/* state/lsm_list.c: list elements, shared by reads, snapshots and the
 * filter.  One parsed element: raw is its bytes ([ts] len bytes). */
typedef struct lsm_elem {
    int64_t ts;
    slice v, raw;
} lsm_elem;
/* Parses a stored list into *e (malloc'd, free()), *n elements. */
int lsm_list_parse(slice in, bool ts, lsm_elem **e, size_t *n, shale_err *err);
/* Index of the first element a bounded list keeps (count, bytes, age from
 * the front, as the heap backend trims); 0 when unbounded. */
size_t lsm_list_bound_start(const state_desc *d, const lsm_elem *e, size_t n, int64_t now);
/* The element is gone for good: expired (TTL) or too old (age bound). */
bool lsm_elem_dead(const state_desc *d, int64_t ts, int64_t now);

/* state/lsm_value.c: the TTL decision on a stored entry (its key in
 * lb->kbuf) whose stamp is at raw + off: deletes it when expired, writes it
 * back restamped with OnReadAndWrite (raw is changed).  SHALE_NOT_FOUND
 * when the read must not return it. */
int lsm_ttl_read(shale_state *st, int64_t now, unsigned flags, char *raw, size_t n, size_t off,
                 shale_err *err);

/* state/lsm_value.c, state/lsm_map.c, state/lsm_list.c: the vtable entries. */
int lsm_clear(shale_state *st, const state_key *k, shale_err *err);
int lsm_value_get(shale_state *st, const state_key *k, int64_t now, unsigned flags, char **val,
                  size_t *len, shale_err *err);
int lsm_value_peek(shale_state *st, const state_key *k, int64_t now, unsigned flags,
                   const char **val, size_t *len, shale_err *err);
int lsm_value_put(shale_state *st, const state_key *k, int64_t now, const char *val, size_t len,
                  shale_err *err);
int lsm_list_add(shale_state *st, const state_key *k, int64_t now, size_t n,
                 const char *const *vals, const size_t *lens, shale_err *err);
int lsm_list_update(shale_state *st, const state_key *k, int64_t now, size_t n,
                    const char *const *vals, const size_t *lens, shale_err *err);
int lsm_list_get(shale_state *st, const state_key *k, int64_t now, size_t last,
                 shale_state_iter **it, shale_err *err);
int lsm_map_get(shale_state *st, const state_key *k, int64_t now, const char *uk, size_t uklen,
                char **val, size_t *len, shale_err *err);
int lsm_map_put(shale_state *st, const state_key *k, int64_t now, size_t n,
                const char *const *uks, const size_t *uklens, const char *const *vals,
                const size_t *lens, shale_err *err);
int lsm_map_remove(shale_state *st, const state_key *k, const char *uk, size_t uklen,
                   shale_err *err);
int lsm_map_contains(shale_state *st, const state_key *k, int64_t now, const char *uk,
                     size_t uklen, bool *found, shale_err *err);
int lsm_map_iter(shale_state *st, const state_key *k, int64_t now, shale_state_iter **it,
                 shale_err *err);
int lsm_map_is_empty(shale_state *st, const state_key *k, int64_t now, bool *empty,
                     shale_err *err);

/* state/lsm_timers.c */
int lsm_timers_open(shale_state_backend *b, shale_err *err);
void lsm_timers_close(lsm_backend *lb);
int lsm_timer_add(shale_state_backend *b, int domain, const state_timer *t, shale_err *err);
int lsm_timer_del(shale_state_backend *b, int domain, const state_timer *t, shale_err *err);
int lsm_timer_pop(shale_state_backend *b, int domain, int64_t limit, state_timer *out,
                  shale_buf *buf, shale_err *err);
uint64_t lsm_timer_count(shale_state_backend *b, int domain);

/* state/lsm_snapshot.c */
int lsm_snapshot_new(shale_state_backend *b, int64_t now, state_snap **out, shale_err *err);
int lsm_snapshot_next(state_snap *s, shale_state_snapshot_entry *e, shale_err *err);
void lsm_snapshot_free(state_snap *s);

extern const state_backend_ops state_lsm_ops;

/* For tests and tools: the database, a state's family and the statistics
 * (borrowed; valid until the backend closes).  NULL for a heap backend. */
shale_db *lsm_backend_db(shale_state_backend *b);
shale_cf *lsm_state_cf(shale_state *st);
shale_statistics *lsm_backend_statistics(shale_state_backend *b);

#endif
