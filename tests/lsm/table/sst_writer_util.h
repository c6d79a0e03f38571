/* tests/lsm/table/sst_writer_util.h: helpers for the SST writer tests:
 * entry sets with awkward keys and values, writing them with
 * shale_sst_writer, and running Debian's RocksDB tools (sst_dump, the
 * rocksdb-oracle program) as the independent oracle. */
#ifndef TESTS_LSM_TABLE_SST_WRITER_UTIL_H
#define TESTS_LSM_TABLE_SST_WRITER_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/sst.h"

enum { SW_PUT = 1, SW_DELETE = 0, SW_MERGE = 2 };

typedef struct sw_entry {
    char *key;
    size_t key_len;
    char *value;
    size_t value_len;
    int type;              /* SW_PUT, SW_DELETE or SW_MERGE (RocksDB type codes) */
} sw_entry;

typedef struct sw_set {
    sw_entry *e;
    size_t n, cap;
} sw_set;

void sw_set_free(sw_set *s);
/* Appends a copy of (key, value). */
void sw_set_add(sw_set *s, const void *key, size_t key_len, const void *value, size_t value_len,
                int type);
/* Sorts by key bytewise and drops later duplicates. */
void sw_set_sort(sw_set *s);
/* `count` random puts (keys 1..40 bytes, values 0..300 bytes) plus the
 * awkward cases: the empty key, 1 KiB keys, keys made of 0x00 and 0xff
 * bytes, empty values, and (when big) one 1 MiB value.  Sorted. */
void sw_set_random(sw_set *s, uint64_t seed, size_t count, bool big);

/* Writes the set with shale_sst_writer; asserts success; returns the size. */
uint64_t sw_write(const char *path, const shale_table_options *topts, int compression,
                  const sw_set *s);

/* Hex (upper case, as sst_dump prints) of n bytes; malloc'd. */
char *sw_hex(const void *p, size_t n, bool upper);

/* Runs "sst_dump ARGS --file=PATH 2>&1"; malloc'd output, *status set. */
char *sw_sst_dump(const char *args, const char *path, int *status);
/* Runs the oracle with ARGS (a shell-quoted string); malloc'd stdout. */
char *sw_oracle(const char *args, int *status);

/* Asserts sst_dump verify says "The file is ok", check --verify_checksum
 * exits 0 without "orrupt" in its output, and scan lists exactly the set
 * (keys, seq 0, types and values, in order). */
void sw_assert_rocksdb_reads(const char *path, const sw_set *s);

/* The number after "LABEL: " in sst_dump --show_properties output, or -1. */
long long sw_prop(const char *out, const char *label);
/* The text after "LABEL: " up to the end of its line; malloc'd or NULL. */
char *sw_prop_str(const char *out, const char *label);

/* RocksDB's raw dump of an SST (sst_dump --command=raw writes it beside
 * the file as NAME_dump.txt); malloc'd text. */
char *sw_raw_dump(const char *path);
/* Decodes a block handle printed as hex (varint64 offset, varint64 size). */
void sw_decode_handle_hex(const char *hex, unsigned long long *off, unsigned long long *size);
/* The handle printed after "LABEL: " in a raw dump. */
void sw_raw_handle(const char *text, const char *label, unsigned long long *off,
                   unsigned long long *size);

#endif
