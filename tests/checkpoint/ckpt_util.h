/* tests/checkpoint/ckpt_util.h: helpers for the checkpoint suites: opening
 * databases, random workloads, whole-database dumps and their comparison,
 * directory listings for "nothing else was touched" checks. */
#ifndef TESTS_CHECKPOINT_CKPT_UTIL_H
#define TESTS_CHECKPOINT_CKPT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/checkpoint.h"
#include "shale/db.h"

/* A database's whole content: keys ascending, as one string of
 * "hex(key)=hex(value)\n" lines, so comparing two is strcmp. */
typedef struct kv_dump {
    char *text;
    size_t len;
    size_t count;
} kv_dump;

/* Opens (creating) dir with small buffers so workloads make several SSTs;
 * write_buffer 0 keeps the default. */
shale_db *cu_open(const char *dir, size_t write_buffer, bool auto_compactions);
void cu_close(shale_db *db);
/* n random puts/deletes over keys "key%06u" < key_space, values of vlen
 * bytes; deterministic per seed. */
void cu_random_writes(shale_db *db, uint32_t seed, int n, uint32_t key_space, size_t vlen);
/* Puts keys "key%06u" for i in [0, n) with values of vlen bytes (seeded). */
void cu_fill(shale_db *db, uint32_t seed, uint32_t n, size_t vlen);
/* The content of an open database; free with cu_dump_free(). */
kv_dump cu_dump(shale_db *db);
/* Opens dir (must exist), dumps, closes. */
kv_dump cu_dump_dir(const char *dir);
void cu_dump_free(kv_dump *d);
/* "a/b", malloc'd. */
char *cu_join(const char *a, const char *b);
/* Every path under dir (recursive, sorted, with sizes), newline-separated;
 * malloc'd.  For "nothing outside was touched" checks. */
char *cu_tree(const char *dir);
/* Storage with default options at root; asserts success. */
shale_ckpt_store *cu_store(shale_ckpt_storage **st, const char *root, int retained);
/* Round r: one atomic batch setting "round" and keys "r%05d" < n to the
 * value "v<r>" with a tail of filler; a consistent state has them all
 * equal (cu_check_rounds returns that round, 0 for an empty database). */
void cu_write_round(shale_db *db, uint32_t round, uint32_t n);
uint32_t cu_check_rounds(const char *dir, uint32_t n);
/* Number of entries in a directory (-1 if missing). */
int cu_count_entries(const char *dir);

#endif
