/* tests/lsm/db/db_crash_util.h: the kill -9 crash test's parts: the
 * expected-state oracle that outlives the writer child, self-describing
 * values, the column families, the writer child's random mix and the
 * verification after reopen.
 *
 * The database holds three column families: "default" and "cf_plain" take
 * puts, deletes and range deletions of self-describing values; "cf_counter"
 * has the uint64add merge operator and takes 8-byte puts, merges, deletes
 * and range deletions, its expected value being the exact sum.  A key is a
 * slot (family, key id); slot gid = cf * CRASH_KEYS + key id.
 *
 * The oracle (crash_shared) is a MAP_SHARED mapping.  Per slot it holds the
 * acknowledged state and the state the write in flight leaves (both a
 * uint64: 0 is absent; otherwise the write id for plain families and the
 * sum for the counter family).  The child marks every slot of a write
 * pending before the call and commits after it returns OK, so after a kill
 * each slot must read its acknowledged state or its pending one, and the
 * write in flight (a batch spanning families included) must be applied
 * whole or not at all. */
#ifndef TESTS_LSM_DB_DB_CRASH_UTIL_H
#define TESTS_LSM_DB_DB_CRASH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/db.h"

#define CRASH_NCF 3
#define CRASH_CF_COUNTER 2          /* the family with the merge operator */
#define CRASH_KEYS 1000             /* keys per family */
#define CRASH_SLOTS (CRASH_NCF * CRASH_KEYS)
#define CRASH_MAX_BATCH_KEYS 64
#define CRASH_WBUF (64 * 1024)      /* the smallest write buffer shale accepts */

extern const char *const crash_cf_names[CRASH_NCF];

typedef struct crash_slot {
    uint64_t acked;             /* acknowledged state; 0: absent */
    uint64_t pending;           /* the state after the write in flight */
    uint32_t has_pending;
} crash_slot;

/* What the children did: acknowledged calls, except flushes and
 * compactions, counted when started. */
typedef enum crash_count {
    CC_WRITES,                  /* write calls acknowledged */
    CC_SYNC_WRITES,
    CC_BATCHES,                 /* calls of two or more records */
    CC_CROSS_CF_BATCHES,        /* batches touching two or more families */
    CC_PUTS,
    CC_DELETES,
    CC_RANGE_DELETES,
    CC_MERGES,
    CC_GETS,                    /* gets checked by the child */
    CC_ITERS,                   /* iterator walks checked by the child */
    CC_ITER_STEPS,
    CC_FLUSHES,                 /* flushes started */
    CC_COMPACTIONS,             /* compact_range calls started */
    CC_COUNT
} crash_count;

/* Shared between the parent and the writer child (MAP_SHARED). */
typedef struct crash_shared {
    uint64_t next_wid;          /* write ids are 1, 2, ... */
    uint64_t counts[CC_COUNT];
    uint32_t opened;            /* the child finished opening */
    uint32_t n_inflight;        /* slots of the write in flight */
    uint32_t inflight[CRASH_MAX_BATCH_KEYS];
    char child_error[512];      /* why the child stopped on its own */
    crash_slot slots[CRASH_SLOTS];
} crash_shared;

/* How the child opens and writes. */
typedef struct crash_config {
    int style;                  /* enum shale_compaction_style */
    int sync;                   /* 0: never, 1: always, 2: one write in eight */
    size_t write_buffer;
} crash_config;

uint64_t crash_rnd(uint64_t *s);
void crash_key(uint32_t kid, char out[16]);
/* The self-describing value of write wid to slot gid:
 * "k<gid> w<wid> c<crc32c> <pad>", pad derived from wid. */
size_t crash_make_value(uint32_t gid, uint64_t wid, char *out, size_t cap);
/* The write id whose value the bytes are exactly, for slot gid; 0 if none. */
uint64_t crash_value_wid(uint32_t gid, const char *v, size_t n);
/* The state a value read for slot gid stands for (write id, or the
 * counter's sum); false if the bytes cannot be a value written for it. */
bool crash_value_state(uint32_t gid, const char *v, size_t n, uint64_t *state);

crash_shared *crash_shared_new(void);
void crash_shared_free(crash_shared *sh);

/* Leveled options of the crash tests (L0 trigger 2, 32 KiB files). */
shale_options *crash_options(size_t write_buffer);
/* Opens dir with the three families (created when missing); handles[i] of
 * crash_cf_names[i].  Returns the code of shale_db_open_cf. */
int crash_open(const char *dir, const crash_config *cfg, shale_db **db,
               shale_cf *handles[CRASH_NCF], shale_err *err);
void crash_close(shale_db *db, shale_cf *handles[CRASH_NCF]);

/* The writer child: opens dir, sets sh->opened, then runs the random mix
 * until killed (or, with !write, waits).  Exits 2 if open fails, 3 if a
 * write fails, 4 if a read disagrees with the oracle (sh->child_error
 * says why). */
_Noreturn void crash_child_main(const char *dir, crash_shared *sh, const crash_config *cfg,
                                uint64_t seed, bool write);

/* The state slot gid reads by get in family cf (0: absent); asserts the
 * bytes are a value written for it (invariant 4). */
uint64_t crash_read_state(shale_db *db, shale_cf *cf, uint32_t gid);
/* Full scans forward and backward of family cfi agree with got[] (states
 * by key id, keys [0, nkeys)): sorted, no duplicates, same values. */
void crash_check_scan(shale_db *db, shale_cf *cf, uint32_t cfi, const uint64_t *got,
                      uint32_t nkeys);

/* Judges the states read, got[gid], against the oracle: 0 when every slot
 * reads its acknowledged or in-flight state and the write in flight is
 * whole (*applied 1) or absent (*applied 0; -1 when nothing in flight
 * changed a slot); -1 otherwise, with the first violation in why. */
int crash_judge(const crash_shared *sh, const uint64_t *got, int *applied, char *why,
                size_t cap);

typedef struct crash_verify_stats {
    long keys_checked, inflight_applied, inflight_dropped;
} crash_verify_stats;

/* Reopens dir and checks every slot against sh by get and by scans both
 * ways (criterion assertions), then makes what was read the acknowledged
 * state.  `what` names the cycle in failure messages. */
void crash_verify(const char *dir, crash_shared *sh, const crash_config *cfg,
                  crash_verify_stats *st, const char *what);

/* Debian's RocksDB 7.8.3 (ldb) opens a copy of dir: for every family scan
 * exits 0 with exactly the live keys and, for the counter family, the
 * expected sums; checkconsistency passes. */
void crash_check_with_rocksdb(const char *dir, const crash_shared *sh);

#endif
