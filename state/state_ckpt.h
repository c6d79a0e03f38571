/* state/state_ckpt.h: internals shared by the keyed-state checkpoint files
 * (include/shale/state_checkpoint.h):
 *   state_ckpt_meta.c     chk-N/_state: encode, decode, validate
 *   state_ckpt_heap.c     chk-N/_heap_state: the heap snapshot file
 *   state_ckpt_take.c     the two phases
 *   state_ckpt_sink.c     putting layout bytes and timers into a backend
 *   state_ckpt_restore.c  restore and rescale
 *
 * Byte layouts (never change; docs/checkpoints.md "Keyed state"), all
 * integers little-endian:
 *
 * chk-N/_state
 *   0   8  magic "SHALESTM"
 *   8   4  version (1)
 *   12  1  backend kind (0 heap, 1 LSM)
 *   13  4  max parallelism (1..32768)
 *   17  4  key-group start      21  4  key-group end
 *   25  4  state count S (<= 65536)
 *   29     S states: name length (2, 1..1024) | name (no NUL) | kind (1) |
 *          ttl_ms (8, >= 0) | ttl update (1) | ttl visibility (1) |
 *          cleanup entries (4) | query entries (4) | bound count (8) |
 *          bound bytes (8) | bound age ms (8, >= 0)
 *   end-4 4 masked CRC32C of every byte before it
 *
 * chk-N/_heap_state
 *   0   8  magic "SHALEHSS"     8  4  version (1)     12  4  max parallelism
 *   16     records, each led by a type byte:
 *          1 entry: state index (4) | key length (4) | key | value length (4) | value
 *            (key and value in Flink's RocksDB layout, state/layout.h)
 *          2 timer: domain (1) | ts (8) | key group (4) | key length (4) | key |
 *            namespace length (4) | namespace
 *          0 end:   entries (8) | timers (8)
 *   end-4 4 masked CRC32C of every byte before it */
#ifndef STATE_STATE_CKPT_H
#define STATE_STATE_CKPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/util/buf.h"
#include "shale/state_checkpoint.h"
#include "state/backend.h"

#define SCK_META_NAME "_state"
#define SCK_HEAP_NAME "_heap_state"
#define SCK_META_MAGIC "SHALESTM"
#define SCK_HEAP_MAGIC "SHALEHSS"
#define SCK_VERSION 1u
#define SCK_MAX_STATES 65536u
#define SCK_NAME_MAX 1024u
#define SCK_META_MAX_BYTES (64u << 20)
#define SCK_HEAP_HEADER_LEN 16u

enum { SCK_REC_END = 0, SCK_REC_ENTRY = 1, SCK_REC_TIMER = 2 };

/* The decoded chk-N/_state. */
typedef struct sck_meta {
    int kind;
    int32_t max_parallelism, kg_start, kg_end;
    state_desc *states;        /* names malloc'd; no callbacks */
    size_t nstates;
} sck_meta;

/* state_ckpt_meta.c */
/* Appends b's metadata to out. */
void sck_meta_encode(const shale_state_backend *b, shale_buf *out);
/* Decodes and validates `what` (for messages): SHALE_CORRUPTION on any
 * fault; *out filled (sck_meta_deinit) only on SHALE_OK. */
int sck_meta_decode(const char *p, size_t n, const char *what, sck_meta *out, shale_err *err);
void sck_meta_deinit(sck_meta *m);
/* Reads and decodes chk-<id>/_state of the store. */
int sck_meta_load(shale_ckpt_store *s, uint64_t id, sck_meta *out, shale_err *err);
/* Reads a whole chk-<id>/<name> (at most max bytes) into *data (malloc'd). */
int sck_read_file(shale_ckpt_store *s, uint64_t id, const char *name, size_t max, char **data,
                  size_t *len, shale_err *err);

/* state_ckpt_heap.c: the heap snapshot. */
typedef struct sck_heap_capture sck_heap_capture;
/* The synchronous part: a copy-on-write snapshot and a copy of the timers. */
int sck_heap_capture_new(shale_state_backend *b, sck_heap_capture **out, shale_err *err);
void sck_heap_capture_free(sck_heap_capture *c);
/* The asynchronous part: writes the file at `path` (local), synced;
 * counts into *entries, *timers. */
int sck_heap_capture_write(sck_heap_capture *c, const char *path, uint64_t *entries,
                           uint64_t *timers, shale_err *err);
/* Checks a whole heap snapshot file (magic, version, CRC, every record's
 * bounds, the counts, state indexes below nstates, the key groups). */
int sck_heap_check(const char *p, size_t n, int32_t max_parallelism, size_t nstates,
                   const char *what, shale_err *err);

/* A record read back from a source: an entry of state `state` (an index
 * into the source's metadata) or a timer. */
typedef struct sck_record {
    bool is_timer;
    size_t state;
    int32_t kg;
    const char *key, *value;   /* entry: layout bytes */
    size_t klen, vlen;
    int domain;                /* timer */
    state_timer timer;
} sck_record;
/* Calls fn for every record of a checked heap snapshot file. */
int sck_heap_each(const char *p, size_t n, int32_t max_parallelism,
                  int (*fn)(void *ctx, const sck_record *r, shale_err *err), void *ctx,
                  shale_err *err);

/* state_ckpt_sink.c: writes one record into an open backend whose states
 * are registered (st: the target state).  Heap: the bytes are split into
 * key, namespace and user key and written through the backend's
 * operations with the stored timestamps.  LSM: the bytes are written as
 * they are into the state's family. */
int sck_sink_entry(shale_state *st, const sck_record *r, shale_err *err);
int sck_sink_timer(shale_state_backend *b, const sck_record *r, shale_err *err);
/* Splits a stored key (after the key-group prefix) into key, namespace
 * and, for maps, user key.  SHALE_NOT_SUPPORTED when more than one split
 * fits, SHALE_CORRUPTION when none does. */
int sck_split_key(const char *p, size_t n, bool map, state_key *k, const char **uk,
                  size_t *uklen, shale_err *err);

/* state_ckpt_take.c: removes the state files left in chk-<id> directories
 * that are no longer checkpoints (retention removes only the files its
 * metadata lists).  Skips ids still pending in this process. */
void sck_sweep(shale_ckpt_store *s);

#endif
