/* include/shale/state.h: Flink's keyed state in C.
 *
 * A state backend holds the keyed state of one operator instance: Value,
 * List, Map, Reducing and Aggregating states, each registered by a
 * descriptor, plus processing-time and event-time timers.  It lives in
 * memory (the heap backend) or, later, over a shale database directory (the
 * LSM backend, one column family per state, Flink's RocksDB bytes).  The
 * same calls and the same semantics work on both; docs/state.md has the
 * model, the byte layout and the TTL rules.
 *
 * Keys and namespaces are byte strings the application serializes.  The
 * empty namespace (length 0) is Flink's VoidNamespace, the default.  Every
 * key belongs to a key group (0 .. max_parallelism-1):
 *     key_group = murmur(hash(key)) % max_parallelism
 * where murmur is Flink's MathUtils.murmurHash and hash is Java's
 * String.hashCode taken over the key bytes as unsigned chars
 *     h = 0; for each byte b: h = 31*h + b   (32-bit wrapping)
 * so an ASCII key lands in the key group Flink gives the equal Java
 * String.  A caller that knows the group (Flink-compatible callers) passes
 * it in shale_state_key.key_group.  A backend owns a range of key groups;
 * a key outside it is SHALE_INVALID_ARGUMENT.
 *
 * Two access styles, one set of calls: every operation takes a
 * `const shale_state_key *k`; NULL means the backend's current key and
 * namespace (Flink's keyed context: set once with
 * shale_state_backend_set_current_key(), used by every state).
 *
 * Thread-safety: a backend and its states belong to one thread at a time
 * (Flink's task thread).  A snapshot, once taken, may be iterated and freed
 * by another thread while that thread goes on.  Descriptors and options are
 * plain data, copied when used.
 * Ownership: every _new has a _free, every release accepts NULL.  Buffers
 * returned as "free with shale_free()" are the caller's; iterator keys and
 * values are borrowed until the iterator moves. */
#ifndef SHALE_STATE_H
#define SHALE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/api.h"
#include "shale/err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shale_state_backend shale_state_backend;
typedef struct shale_state_options shale_state_options;
typedef struct shale_state_descriptor shale_state_descriptor;
typedef struct shale_state shale_state;
typedef struct shale_state_iter shale_state_iter;
typedef struct shale_state_snapshot shale_state_snapshot;

#define SHALE_STATE_DEFAULT_MAX_PARALLELISM 128
#define SHALE_STATE_MAX_MAX_PARALLELISM 32768   /* Flink's upper bound (2^15) */
#define SHALE_KEY_GROUP_AUTO (-1)

enum shale_state_kind {
    SHALE_STATE_VALUE = 0,
    SHALE_STATE_LIST,
    SHALE_STATE_MAP,
    SHALE_STATE_REDUCING,
    SHALE_STATE_AGGREGATING,
};

enum shale_state_backend_kind {
    SHALE_STATE_BACKEND_HEAP = 0,   /* in memory */
    SHALE_STATE_BACKEND_LSM,        /* a shale database directory */
};

/* Flink's StateTtlConfig.UpdateType. */
enum shale_ttl_update {
    SHALE_TTL_ON_CREATE_AND_WRITE = 0,   /* default */
    SHALE_TTL_ON_READ_AND_WRITE,
};

/* Flink's StateTtlConfig.StateVisibility. */
enum shale_ttl_visibility {
    SHALE_TTL_NEVER_RETURN_EXPIRED = 0,  /* default */
    SHALE_TTL_RETURN_EXPIRED_IF_NOT_CLEANED_UP,
};

enum shale_timer_domain {
    SHALE_TIMER_PROCESSING = 0,
    SHALE_TIMER_EVENT = 1,
};

/* The key (and namespace) of one operation.  Plain data, borrowed for the
 * call.  key_group: SHALE_KEY_GROUP_AUTO to compute it from the key, or
 * the caller's group (it must be in the backend's range).  ns_len 0: the
 * void namespace. */
typedef struct shale_state_key {
    const char *key;
    size_t key_len;
    const char *ns;
    size_t ns_len;
    int32_t key_group;
} shale_state_key;

/* A key in the void namespace, its group computed. */
static inline shale_state_key shale_state_key_make(const char *key, size_t key_len)
{
    shale_state_key k = {key, key_len, NULL, 0, SHALE_KEY_GROUP_AUTO};
    return k;
}

/* --- key groups ------------------------------------------------------------ */
/* shale_state_key_hash(): Java's String.hashCode over the bytes (unsigned),
 * as documented above.  Thread-safe. */
SHALE_API int32_t shale_state_key_hash(const char *key, size_t key_len);
/* shale_state_key_group_for_hash(): Flink's computeKeyGroupForKeyHash:
 * murmurHash(hash) % max_parallelism.  REQUIRES: max_parallelism >= 1. */
SHALE_API int32_t shale_state_key_group_for_hash(int32_t hash, int32_t max_parallelism);
/* shale_state_key_group(): both of the above. */
SHALE_API int32_t shale_state_key_group(const char *key, size_t key_len,
                                        int32_t max_parallelism);

/* --- options ------------------------------------------------------------------
 * Defaults: heap backend, max parallelism 128, every key group owned, the
 * system wall clock in ms, WAL off (LSM), latency sampled every 100th
 * access. */
typedef int64_t (*shale_state_clock_fn)(void *ctx);   /* ms since the epoch */

SHALE_API shale_state_options *shale_state_options_new(void);
SHALE_API void shale_state_options_free(shale_state_options *o);
SHALE_API void shale_state_options_set_backend(shale_state_options *o, int kind);
/* 1 .. 32768.  Also resets the owned range to every group. */
SHALE_API void shale_state_options_set_max_parallelism(shale_state_options *o, int32_t n);
/* The owned key groups, [start, end] inclusive (Flink's KeyGroupRange). */
SHALE_API void shale_state_options_set_key_group_range(shale_state_options *o, int32_t start,
                                                       int32_t end);
/* The processing-time clock (TTL and processing-time "now"); NULL: wall. */
SHALE_API void shale_state_options_set_clock(shale_state_options *o, shale_state_clock_fn fn,
                                             void *ctx);
/* LSM backend only: write the WAL (false, as Flink: checkpoints give
 * durability). */
SHALE_API void shale_state_options_set_wal(shale_state_options *o, bool on);
/* LSM backend only: one budget for the block cache and write buffers of
 * every state (Flink's managed memory); 0: the engine's defaults. */
SHALE_API void shale_state_options_set_memory_budget(shale_state_options *o, uint64_t bytes);
/* Sample one access in n for the latency histograms; 0 turns it off. */
SHALE_API void shale_state_options_set_latency_sample_interval(shale_state_options *o,
                                                               uint32_t n);

/* --- the backend ------------------------------------------------------------
 * shale_state_backend_open(): a backend per the options; `dir` is the
 * database directory (LSM) and ignored by the heap backend (NULL ok).
 *   SHALE_INVALID_ARGUMENT  bad parallelism or range
 *   SHALE_NOT_SUPPORTED     a backend kind this build lacks
 *   SHALE_NO_MEMORY, and the engine's codes (LSM). */
SHALE_API SHALE_MUST_CHECK int shale_state_backend_open(const shale_state_options *o,
                                                        const char *dir,
                                                        shale_state_backend **b,
                                                        shale_err *err);
/* Frees every state, timer and iterator bookkeeping; snapshots must be
 * freed first.  NULL allowed. */
SHALE_API void shale_state_backend_close(shale_state_backend *b);
SHALE_API int32_t shale_state_backend_max_parallelism(const shale_state_backend *b);
/* The clock's now, in ms. */
SHALE_API int64_t shale_state_backend_now(const shale_state_backend *b);
/* Bytes of memory the backend's state holds (heap: every entry, table and
 * pinned snapshot version; LSM: memtables, cache and table readers). */
SHALE_API uint64_t shale_state_backend_memory_usage(shale_state_backend *b);

/* Sets the current key (void namespace) for calls passing k == NULL.  The
 * key is copied.  SHALE_INVALID_ARGUMENT if its group is not owned.
 * key_group: SHALE_KEY_GROUP_AUTO or the caller's group. */
SHALE_API SHALE_MUST_CHECK int shale_state_backend_set_current_key(shale_state_backend *b,
                                                                   const char *key,
                                                                   size_t key_len,
                                                                   int32_t key_group,
                                                                   shale_err *err);
/* Sets the current namespace (copied); length 0: the void namespace. */
SHALE_API SHALE_MUST_CHECK int shale_state_backend_set_current_namespace(
    shale_state_backend *b, const char *ns, size_t ns_len, shale_err *err);
/* The current key and namespace (borrowed until the next set).
 * SHALE_NOT_FOUND when no key was set. */
SHALE_API int shale_state_backend_current_key(const shale_state_backend *b,
                                              shale_state_key *out);

/* --- descriptors --------------------------------------------------------------
 * Callbacks get the descriptor's ctx.  Results are malloc'd buffers (shale
 * frees them with free()); NULL with length 0 is an empty result.  A
 * callback returns SHALE_OK or a code that fails the operation.
 * reduce(a, b) -> a (+) b: ReducingState.
 * create(): a new accumulator; add(acc, in) -> acc'; result(acc) -> out;
 * merge(a, b) -> acc (merging windows; may be NULL): AggregatingState.
 * The inputs are borrowed for the call: a callback must not call into the
 * backend it serves. */
typedef int (*shale_reduce_fn)(void *ctx, const char *a, size_t a_len, const char *b,
                               size_t b_len, char **out, size_t *out_len);
typedef int (*shale_agg_create_fn)(void *ctx, char **acc, size_t *acc_len);
typedef int (*shale_agg_add_fn)(void *ctx, const char *acc, size_t acc_len, const char *in,
                                size_t in_len, char **out, size_t *out_len);
typedef int (*shale_agg_result_fn)(void *ctx, const char *acc, size_t acc_len, char **out,
                                   size_t *out_len);
typedef int (*shale_agg_merge_fn)(void *ctx, const char *a, size_t a_len, const char *b,
                                  size_t b_len, char **out, size_t *out_len);

/* A descriptor: a name (unique per backend; copied) and a kind.  NULL on
 * no memory or a bad kind. */
SHALE_API shale_state_descriptor *shale_state_descriptor_new(const char *name, int kind);
SHALE_API void shale_state_descriptor_free(shale_state_descriptor *d);
/* TTL (Flink's StateTtlConfig): ttl_ms > 0, an update type and a
 * visibility from the enums above.  ttl_ms 0 turns TTL off. */
SHALE_API void shale_state_descriptor_set_ttl(shale_state_descriptor *d, int64_t ttl_ms,
                                              int update, int visibility);
/* Heap backend: expired entries checked per state access (Flink's
 * cleanupIncrementally; default 5, 0 off).  LSM backend: entries between
 * refreshes of the compaction filter's clock (Flink's
 * queryTimeAfterNumEntries; default 1000). */
SHALE_API void shale_state_descriptor_set_ttl_cleanup(shale_state_descriptor *d,
                                                      uint32_t incremental_entries,
                                                      uint32_t compaction_query_entries);
SHALE_API void shale_state_descriptor_set_reduce(shale_state_descriptor *d, shale_reduce_fn fn,
                                                 void *ctx);
SHALE_API void shale_state_descriptor_set_aggregate(shale_state_descriptor *d,
                                                    shale_agg_create_fn create,
                                                    shale_agg_add_fn add,
                                                    shale_agg_result_fn result,
                                                    shale_agg_merge_fn merge, void *ctx);
/* Bounded list (LIST only): after each write the oldest elements are
 * dropped while there are more than max_count (0: no cap), their bytes
 * exceed max_bytes (0: no cap), or they are older than max_age_ms
 * (0: no cap; by the clock, from each element's write time). */
SHALE_API void shale_state_descriptor_set_list_bound(shale_state_descriptor *d,
                                                     uint64_t max_count, uint64_t max_bytes,
                                                     int64_t max_age_ms);

/* --- states -------------------------------------------------------------------
 * shale_state_get(): the state registered under d's name, creating it on
 * first use (the descriptor is copied).  The handle belongs to the backend
 * (never freed by the caller) and lives until the backend closes.
 *   SHALE_INVALID_ARGUMENT  same name, other kind or TTL; missing callbacks
 *                           (REDUCING: reduce; AGGREGATING: create, add,
 *                           result); a bound on a non-list state */
SHALE_API SHALE_MUST_CHECK int shale_state_get(shale_state_backend *b,
                                               const shale_state_descriptor *d,
                                               shale_state **st, shale_err *err);
SHALE_API const char *shale_state_name(const shale_state *st);
SHALE_API int shale_state_kind(const shale_state *st);

/* Every operation below: k NULL for the current key and namespace;
 * SHALE_INVALID_ARGUMENT for a key outside the owned range, no current key,
 * or the wrong kind of state; SHALE_NO_MEMORY; engine codes (LSM). */

/* Removes the key's value, list, map or accumulator (any kind). */
SHALE_API SHALE_MUST_CHECK int shale_state_clear(shale_state *st, const shale_state_key *k,
                                                 shale_err *err);

/* ValueState.  get: SHALE_OK and a copy (free with shale_free(); NULL for
 * an empty value), or SHALE_NOT_FOUND (no value, or expired and hidden). */
SHALE_API SHALE_MUST_CHECK int shale_value_state_get(shale_state *st, const shale_state_key *k,
                                                     char **val, size_t *len, shale_err *err);
/* shale_value_state_get_borrowed(): shale_value_state_get() without the
 * copy: *val is borrowed from the backend and valid until the next call on
 * that backend (any state, iterator, snapshot or timer call); copy it to
 * keep it.  NULL for an empty value and with SHALE_NOT_FOUND.  The fast
 * read: the heap backend lends its own bytes (no allocation); the LSM
 * backend lends the engine's buffer (no second copy). */
SHALE_API SHALE_MUST_CHECK int shale_value_state_get_borrowed(shale_state *st,
                                                              const shale_state_key *k,
                                                              const char **val, size_t *len,
                                                              shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_value_state_update(shale_state *st,
                                                        const shale_state_key *k,
                                                        const char *val, size_t len,
                                                        shale_err *err);

/* ListState.  add appends in O(1) (a merge on the LSM backend, never a
 * read-modify-write).  update replaces the list (n 0 clears it).  get: an
 * iterator over the elements, oldest first (empty when none; free with
 * shale_state_iter_free()).  get_last: only the newest `last` elements,
 * still oldest first, without materializing the rest. */
SHALE_API SHALE_MUST_CHECK int shale_list_state_add(shale_state *st, const shale_state_key *k,
                                                    const char *val, size_t len,
                                                    shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_list_state_add_all(shale_state *st,
                                                        const shale_state_key *k, size_t n,
                                                        const char *const *vals,
                                                        const size_t *lens, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_list_state_update(shale_state *st,
                                                       const shale_state_key *k, size_t n,
                                                       const char *const *vals,
                                                       const size_t *lens, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_list_state_get(shale_state *st, const shale_state_key *k,
                                                    shale_state_iter **it, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_list_state_get_last(shale_state *st,
                                                         const shale_state_key *k,
                                                         size_t last, shale_state_iter **it,
                                                         shale_err *err);

/* MapState.  get: as shale_value_state_get for one user key.  iter: the
 * entries (user key = iterator key, value = iterator value; keys() and
 * values() are the two accessors), in no particular order on the heap
 * backend and in user-key byte order on the LSM backend. */
SHALE_API SHALE_MUST_CHECK int shale_map_state_get(shale_state *st, const shale_state_key *k,
                                                   const char *ukey, size_t ukey_len,
                                                   char **val, size_t *len, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_map_state_put(shale_state *st, const shale_state_key *k,
                                                   const char *ukey, size_t ukey_len,
                                                   const char *val, size_t len,
                                                   shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_map_state_put_all(shale_state *st,
                                                       const shale_state_key *k, size_t n,
                                                       const char *const *ukeys,
                                                       const size_t *ukey_lens,
                                                       const char *const *vals,
                                                       const size_t *lens, shale_err *err);
/* Removing an absent user key is SHALE_OK. */
SHALE_API SHALE_MUST_CHECK int shale_map_state_remove(shale_state *st, const shale_state_key *k,
                                                      const char *ukey, size_t ukey_len,
                                                      shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_map_state_contains(shale_state *st,
                                                        const shale_state_key *k,
                                                        const char *ukey, size_t ukey_len,
                                                        bool *found, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_map_state_iter(shale_state *st, const shale_state_key *k,
                                                    shale_state_iter **it, shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_map_state_is_empty(shale_state *st,
                                                        const shale_state_key *k, bool *empty,
                                                        shale_err *err);

/* ReducingState: add folds the value in with the reduce callback; get as
 * shale_value_state_get. */
SHALE_API SHALE_MUST_CHECK int shale_reducing_state_add(shale_state *st,
                                                        const shale_state_key *k,
                                                        const char *val, size_t len,
                                                        shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_reducing_state_get(shale_state *st,
                                                        const shale_state_key *k, char **val,
                                                        size_t *len, shale_err *err);
/* AggregatingState: add folds the input into the accumulator (created on
 * first add); get returns result(accumulator) (free with shale_free()), or
 * SHALE_NOT_FOUND when there is no accumulator. */
SHALE_API SHALE_MUST_CHECK int shale_aggregating_state_add(shale_state *st,
                                                           const shale_state_key *k,
                                                           const char *in, size_t len,
                                                           shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_aggregating_state_get(shale_state *st,
                                                           const shale_state_key *k,
                                                           char **out, size_t *len,
                                                           shale_err *err);

/* --- iterators: one thread; they see the state as it was when created ------ */
SHALE_API bool shale_state_iter_valid(const shale_state_iter *it);
SHALE_API void shale_state_iter_next(shale_state_iter *it);
/* Map: the user key.  List: NULL and 0. */
SHALE_API const char *shale_state_iter_key(const shale_state_iter *it, size_t *len);
/* Map: the value.  List: the element. */
SHALE_API const char *shale_state_iter_value(const shale_state_iter *it, size_t *len);
/* SHALE_OK, or the error that ended iteration. */
SHALE_API int shale_state_iter_status(const shale_state_iter *it, shale_err *err);
SHALE_API void shale_state_iter_free(shale_state_iter *it);

/* --- timers -------------------------------------------------------------------
 * One timer per (domain, timestamp, key, namespace): registering it again
 * changes nothing.  k NULL: the current key and namespace.  Deleting an
 * absent timer is SHALE_OK. */
SHALE_API SHALE_MUST_CHECK int shale_timer_register(shale_state_backend *b, int domain,
                                                    const shale_state_key *k, int64_t ts,
                                                    shale_err *err);
SHALE_API SHALE_MUST_CHECK int shale_timer_delete(shale_state_backend *b, int domain,
                                                  const shale_state_key *k, int64_t ts,
                                                  shale_err *err);
/* Called for each fired timer with the backend's current key and
 * namespace set to the timer's (also passed in k).  It may use any state,
 * and register or delete timers; one registered at or before `time` fires
 * in the same advance.  A code other than SHALE_OK stops the advance and is
 * returned. */
typedef int (*shale_timer_fn)(void *ctx, shale_state_backend *b, int domain, int64_t ts,
                              const shale_state_key *k);
/* shale_timer_advance(): fires, in timestamp order (ties: key group, key,
 * namespace bytes), every timer of the domain with ts <= time (the
 * processing time, or the watermark), removing each before its callback.
 * The current key and namespace are restored afterwards.  *fired (may be
 * NULL) counts the callbacks. */
SHALE_API SHALE_MUST_CHECK int shale_timer_advance(shale_state_backend *b, int domain,
                                                   int64_t time, shale_timer_fn fn, void *ctx,
                                                   uint64_t *fired, shale_err *err);
/* Timers pending in the domain. */
SHALE_API uint64_t shale_timer_count(shale_state_backend *b, int domain);

/* --- metrics ------------------------------------------------------------------ */
typedef struct shale_state_metrics {
    uint64_t entries;        /* keys x namespaces holding a value (heap: exact) */
    uint64_t bytes;          /* heap: memory held; LSM: estimate-live-data-size */
    uint64_t accesses;       /* operations on the state */
    uint64_t sampled;        /* of which timed */
    double latency_p50_ns, latency_p95_ns, latency_p99_ns;
    uint64_t latency_max_ns;
} shale_state_metrics;
SHALE_API void shale_state_metrics_get(shale_state *st, shale_state_metrics *out);
/* RocksDB's histogram text of the sampled latencies (ns); free with
 * shale_free(); NULL on no memory. */
SHALE_API char *shale_state_latency_string(shale_state *st);
/* RocksDB's integer properties of the state's column family, as Flink's
 * native metrics read them ("rocksdb.estimate-num-keys",
 * "rocksdb.estimate-live-data-size", "rocksdb.cur-size-all-mem-tables",
 * "rocksdb.estimate-pending-compaction-bytes", "rocksdb.block-cache-usage",
 * ...).  The heap backend answers the first two from its tables.  false if
 * unknown. */
SHALE_API bool shale_state_property(shale_state *st, const char *name, uint64_t *v);

/* --- snapshots ---------------------------------------------------------------
 * A full snapshot: every live entry of every state at the moment it is
 * taken, while processing goes on (heap: copy-on-write; LSM: a database
 * snapshot).  Entries come as Flink's RocksDB key and value bytes
 * (docs/state.md), expired ones left out, state by state in registration
 * order, key group by key group.  A snapshot and its iteration may move to
 * another thread; free it before closing the backend. */
SHALE_API SHALE_MUST_CHECK int shale_state_snapshot_new(shale_state_backend *b,
                                                        shale_state_snapshot **snap,
                                                        shale_err *err);
SHALE_API void shale_state_snapshot_free(shale_state_snapshot *snap);
/* Moves to the next entry: SHALE_OK with the fields set (borrowed until the
 * next call), SHALE_NOT_FOUND at the end, or an error. */
typedef struct shale_state_snapshot_entry {
    const char *state_name;
    int32_t key_group;
    const char *key;          /* key-group prefix, key, namespace[, user key] */
    size_t key_len;
    const char *value;        /* [null flag][TTL timestamp] value, or a list */
    size_t value_len;
} shale_state_snapshot_entry;
SHALE_API SHALE_MUST_CHECK int shale_state_snapshot_next(shale_state_snapshot *snap,
                                                         shale_state_snapshot_entry *e,
                                                         shale_err *err);

#ifdef __cplusplus
}
#endif
#endif
