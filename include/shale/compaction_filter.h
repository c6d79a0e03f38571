/* include/shale/compaction_filter.h: compaction filters, RocksDB's
 * CompactionFilter in C: a callback that sees each entry a compaction
 * writes and keeps it, removes it or changes its value.  A time-to-live
 * built on it drops expired entries during compaction, with no
 * read-modify-write (the keyed-state layer's TTL cleanup does so).
 *
 * When it runs (RocksDB 7.8.3 semantics): during compactions, never during
 * flushes.  On the newest entry of each user key when it is a value (a
 * Put), whether or not a snapshot can see it (RocksDB removed
 * IgnoreSnapshots=false); older versions of the key, kept for snapshots or
 * as a merge's base, are never shown (the filter runs once per key and
 * compaction).  On each merge operand before merges are resolved, except
 * operands a snapshot can see (seq <= the newest live snapshot), which are
 * kept unshown, as RocksDB's MergeHelper does.  A removed value becomes a
 * deletion marker with the value's sequence number (older versions may
 * remain below; at the bottommost level it is dropped when no snapshot
 * needs it); a removed operand simply disappears, and when every operand
 * of a key above the newest snapshot is removed, the entry below them is
 * treated as the key's newest (shown to the filter if it is a value).
 * Details: lsm/compaction/compaction_iter.h.
 *
 * Two ways to install one, per column family:
 *   a filter   one object shared by every compaction, called from several
 *              threads at once: it must be thread-safe.  Borrowed: it must
 *              outlive every database opened with the options.
 *   a factory  makes one filter per compaction (a filter is then used by
 *              one thread), and is told whether the compaction is full or
 *              manual.  Owned by the options (reference-counted, as RocksDB's
 *              shared_ptr).
 * When both are set, the filter wins (as RocksDB). */
#ifndef SHALE_COMPACTION_FILTER_H
#define SHALE_COMPACTION_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shale_options shale_options;
typedef struct shale_compaction_filter shale_compaction_filter;
typedef struct shale_compaction_filter_factory shale_compaction_filter_factory;

/* The kind of entry shown to the filter (RocksDB's ValueType). */
enum shale_filter_kind {
    SHALE_FILTER_VALUE = 0,
    SHALE_FILTER_MERGE_OPERAND = 1,
};

/* The filter's answer (RocksDB's Decision, the parts shale supports). */
enum shale_filter_decision {
    SHALE_FILTER_KEEP = 0,
    SHALE_FILTER_REMOVE = 1,
    SHALE_FILTER_CHANGE_VALUE = 2,   /* *new_value: malloc'd, freed by shale */
};

/* filter(state, level, key, value, kind) -> a decision.  level: the level
 * the compaction reads from (its start level, RocksDB's
 * Compaction::level(); for a compaction L1 -> L2 it is 1).  key and value
 * are borrowed for the call.  With SHALE_FILTER_CHANGE_VALUE the callback
 * stores a malloc'd buffer in *new_value (NULL allowed for an empty value)
 * and its length in *new_value_len; shale frees *new_value after any
 * answer (it is NULL on entry).  A return value other than the three
 * decisions fails the compaction with SHALE_CORRUPTION (the database turns
 * read-only, as after any background error). */
typedef int (*shale_compaction_filter_fn)(void *state, int level, const char *key,
                                          size_t key_len, int kind, const char *value,
                                          size_t value_len, char **new_value,
                                          size_t *new_value_len);

/* shale_compaction_filter_create(): filter and name are required;
 * destructor (may be NULL) is called with state by
 * shale_compaction_filter_destroy().  NULL on no memory or a missing
 * callback. */
SHALE_API shale_compaction_filter *shale_compaction_filter_create(
    void *state, void (*destructor)(void *state), shale_compaction_filter_fn filter,
    const char *(*name)(void *state));
SHALE_API void shale_compaction_filter_destroy(shale_compaction_filter *f);
SHALE_API const char *shale_compaction_filter_name(const shale_compaction_filter *f);

/* What a factory is told about the compaction it makes a filter for. */
typedef struct shale_compaction_filter_context {
    bool is_full_compaction;     /* every file of the family is an input */
    bool is_manual_compaction;   /* shale_compact_range() */
    uint32_t column_family_id;
} shale_compaction_filter_context;

/* shale_compaction_filter_factory_create(): create_filter returns a new
 * filter (destroyed by shale with shale_compaction_filter_destroy() when
 * the compaction ends) or NULL for "no filter this time".  destructor may
 * be NULL; name is required. */
SHALE_API shale_compaction_filter_factory *shale_compaction_filter_factory_create(
    void *state, void (*destructor)(void *state),
    shale_compaction_filter *(*create_filter)(void *state,
                                              const shale_compaction_filter_context *ctx),
    const char *(*name)(void *state));
/* Releases a factory the caller still owns (never one given to options). */
SHALE_API void shale_compaction_filter_factory_destroy(shale_compaction_filter_factory *f);

/* shale_compaction_filter_create_ttl(): a filter that removes expired
 * values and merge operands in Flink's TTL layout: the first 8 bytes are a
 * big-endian int64, the time in milliseconds of the last access or write,
 * then the user value.  An entry is expired when timestamp + ttl_ms <= now
 * (ttl clamped so the sum cannot overflow); values shorter than 8 bytes
 * are kept.  now_ms(clock_state) gives "now" in milliseconds (NULL: the
 * wall clock, CLOCK_REALTIME); it is read on the first call and then again
 * after every query_time_after_num_entries calls (Flink's default is 1000;
 * 0 or 1: on every call), each call counting, short values included.
 * Thread-safe: the call counter and the cached time belong to the filter
 * and are kept under a mutex, so one filter may be shared by concurrent
 * compactions; now_ms is called with that mutex held (it need not be
 * thread-safe, and must not use the filter).  Destroy with
 * shale_compaction_filter_destroy().  NULL on no memory or ttl_ms < 0. */
SHALE_API shale_compaction_filter *shale_compaction_filter_create_ttl(
    int64_t ttl_ms, int64_t (*now_ms)(void *clock_state), void *clock_state,
    size_t query_time_after_num_entries);

/* Borrowed; NULL clears. */
SHALE_API void shale_options_set_compaction_filter(shale_options *o,
                                                   shale_compaction_filter *filter);
/* Takes ownership of the factory (as shale_options_set_merge_operator()
 * does of an operator); NULL clears. */
SHALE_API void shale_options_set_compaction_filter_factory(
    shale_options *o, shale_compaction_filter_factory *factory);

#ifdef __cplusplus
}
#endif
#endif
