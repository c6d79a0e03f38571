/* state/layout.h: keyed state in the bytes Flink's RocksDB state backend
 * writes (EmbeddedRocksDBStateBackend), so the LSM backend's column
 * families hold what Flink would, and full snapshots of every backend
 * share one format.  docs/state.md has the tables; in short:
 *
 *   key       kg prefix | key | [len(key)] | namespace | [len(ns)] [| user key]
 *             kg prefix: the key group, big-endian, 1 byte when max
 *             parallelism <= 128, else 2 (Flink's
 *             computeRequiredBytesInKeyGroupPrefix).  The void namespace is
 *             Flink's VoidNamespaceSerializer byte 0x00 and no lengths
 *             follow; a real namespace (byte string, variable size) makes
 *             Flink's "ambiguous key" case, and each of key and namespace
 *             is followed by its length in Flink's writeVariableIntBytes
 *             (little-endian bytes, as few as needed, at least one).
 *   value     [8-byte big-endian TTL timestamp] | bytes
 *   map value null flag (0x00 value, 0x01 null) | [TTL timestamp] | bytes
 *   list      elements joined by ',' (Flink's list merge operator); each
 *             element as Flink writes a byte[] element: [TTL timestamp] |
 *             4-byte big-endian length | bytes
 *   timer     kg prefix | timestamp ^ 2^63, 8 bytes big-endian | key | ns
 *
 * The TTL timestamp is the last access (write, or read with
 * OnReadAndWrite) in ms, Flink's TtlValue.lastAccessTimestamp, and it leads
 * so a compaction filter decides after 8 bytes.  Never change these. */
#ifndef STATE_LAYOUT_H
#define STATE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/err.h"
#include "lsm/util/buf.h"
#include "lsm/util/slice.h"
#include "state/backend.h"

#define STATE_TTL_TS_LEN 8
#define STATE_LIST_DELIM ','
#define STATE_MAP_VALUE_PRESENT 0
#define STATE_MAP_VALUE_NULL 1
#define STATE_VOID_NAMESPACE_BYTE 0

/* 1 or 2. */
int state_layout_kg_len(int32_t max_parallelism);
void state_layout_put_kg(shale_buf *out, int32_t max_parallelism, int32_t kg);
/* The key group at the front of a stored key.  SHALE_CORRUPTION when too
 * short or outside [0, max_parallelism). */
int state_layout_get_kg(const char *p, size_t n, int32_t max_parallelism, int32_t *kg,
                        shale_err *err);

/* Appends kg | key | namespace (with Flink's lengths): the whole key of a
 * value, list, reducing or aggregating entry, and the prefix every entry of
 * one map shares. */
void state_layout_key(shale_buf *out, int32_t max_parallelism, const state_key *k);
/* Appends the above plus the map's user key. */
void state_layout_map_key(shale_buf *out, int32_t max_parallelism, const state_key *k,
                          const char *uk, size_t uklen);
/* Flink's writeVariableIntBytes: v as little-endian bytes, at least one. */
void state_layout_put_varint_bytes(shale_buf *out, uint32_t v);

void state_layout_put_ts(shale_buf *out, int64_t ts);
int64_t state_layout_get_ts(const char *p);

/* value: [ts] | bytes. */
void state_layout_value(shale_buf *out, bool ttl, int64_t ts, const char *v, size_t n);
int state_layout_value_decode(const char *p, size_t n, bool ttl, int64_t *ts, slice *v,
                              shale_err *err);

/* map value: flag | [ts] | bytes.  Values written here are never null;
 * a null flag read back (Flink's null map value: the flag alone) sets
 * *is_null and nothing else. */
void state_layout_map_value(shale_buf *out, bool ttl, int64_t ts, const char *v, size_t n);
int state_layout_map_value_decode(const char *p, size_t n, bool ttl, bool *is_null,
                                  int64_t *ts, slice *v, shale_err *err);

/* list element: [ts] | len BE32 | bytes; appended after a ',' when out is
 * not empty (list_start marks where the list begins in out). */
void state_layout_list_elem(shale_buf *out, size_t list_start, bool ttl, int64_t ts,
                            const char *v, size_t n);
/* Reads the element at the front of *in and the ',' after it (if any),
 * advancing *in.  SHALE_CORRUPTION on truncation or a missing ','. */
int state_layout_list_next(slice *in, bool ttl, int64_t *ts, slice *v, shale_err *err);

/* timer key: kg | flipped ts | key | ns. */
void state_layout_timer_key(shale_buf *out, int32_t max_parallelism, const state_timer *t);
/* Splits one; key and namespace are told apart by key_len (the caller
 * knows it: Flink's key serializers are self-delimiting). */
int state_layout_timer_key_decode(const char *p, size_t n, int32_t max_parallelism,
                                  size_t key_len, state_timer *t, shale_err *err);

#endif
