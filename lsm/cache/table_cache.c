/* lsm/cache/table_cache.c: the table cache (see table_cache.h) over a
 * one-shard block_cache: key = file number as fixed64, value = an
 * sst_reader reference, charge 1 per reader, so capacity counts readers.
 * Entries are never left pinned: tc_get() takes its own reader reference
 * and releases the cache handle at once, so every entry is evictable and
 * eviction only drops the cache's reader reference (the deleter). */
#include "lsm/cache/table_cache.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/cache/block_cache.h"
#include "lsm/util/coding.h"
#include "lsm/util/err.h"

#define ROCKSDB_MIN_MAX_OPEN_FILES 20
#define ROCKSDB_NON_TABLE_FILES 10

struct table_cache {
    /* Immutable after tc_new: no lock. */
    shale_env *env;
    char *dir;
    sst_reader_options ropts;
    block_cache *lru;   /* synchronizes itself */
};

int tc_capacity_for_max_open_files(int max_open_files)
{
    if (max_open_files == -1)
        return TC_UNLIMITED;
    if (max_open_files < ROCKSDB_MIN_MAX_OPEN_FILES)
        max_open_files = ROCKSDB_MIN_MAX_OPEN_FILES;
    return max_open_files - ROCKSDB_NON_TABLE_FILES;
}

int tc_new(shale_env *env, const char *dir, const sst_reader_options *ropts, int capacity,
           table_cache **out, shale_err *err)
{
    *out = NULL;
    if (capacity < 1 && capacity != TC_UNLIMITED)
        return SHALE_INVALID(err, "table cache capacity %d", capacity);
    table_cache *tc = calloc(1, sizeof *tc);
    if (tc == NULL)
        return SHALE_NOMEM(err);
    tc->env = env;
    if (ropts != NULL)
        tc->ropts = *ropts;
    else
        sst_reader_options_init(&tc->ropts);
    tc->dir = strdup(dir);
    tc->lru = bc_new(capacity == TC_UNLIMITED ? SIZE_MAX : (size_t)capacity, 0, false);
    if (tc->dir == NULL || tc->lru == NULL) {
        tc_free(tc);
        return SHALE_NOMEM(err);
    }
    *out = tc;
    return SHALE_OK;
}

void tc_free(table_cache *tc)
{
    if (tc == NULL)
        return;
    bc_unref(tc->lru);
    free(tc->dir);
    free(tc);
}

static void reader_deleter(slice key, void *value) { sst_reader_unref(value); }

static slice file_key(uint64_t file_number, char buf[8])
{
    enc_fixed64(buf, file_number);
    return slice_make(buf, 8);
}

/* Opens the table, outside any lock, and checks its size. */
static int open_table(table_cache *tc, uint64_t file_number, uint64_t file_size,
                      sst_reader **out, shale_err *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%06" PRIu64 ".sst", tc->dir, file_number);
    if (n < 0 || (size_t)n >= sizeof path)
        return SHALE_INVALID(err, "table path too long in %s", tc->dir);
    int rc = sst_reader_open(tc->env, path, &tc->ropts, out, err);
    if (rc == SHALE_NOT_FOUND)   /* a version names it: a missing file is damage, not absence */
        return SHALE_CORRUPT(err, "missing table file %s", path);
    if (rc != SHALE_OK)
        return rc;
    uint64_t actual = sst_reader_file_size(*out);
    if (actual == file_size)
        return SHALE_OK;
    sst_reader_unref(*out);
    *out = NULL;
    return SHALE_CORRUPT(err,
                         "Sst file size mismatch: %s. Size recorded in manifest %" PRIu64
                         ", actual size %" PRIu64,
                         path, file_size, actual);
}

int tc_get(table_cache *tc, uint64_t file_number, uint64_t file_size, sst_reader **out,
           shale_err *err)
{
    char kbuf[8];
    slice key = file_key(file_number, kbuf);
    bc_handle *h = bc_lookup(tc->lru, key, BC_KIND_OTHER);
    if (h != NULL) {
        sst_reader *r = bc_value(h);
        sst_reader_ref(r);
        bc_release(tc->lru, h);
        *out = r;
        return SHALE_OK;
    }
    int rc = open_table(tc, file_number, file_size, out, err);
    if (rc != SHALE_OK)
        return rc;
    sst_reader_ref(*out);   /* the cache's reference */
    if (bc_insert(tc->lru, key, *out, 1, reader_deleter, BC_KIND_OTHER, NULL, NULL) != SHALE_OK)
        sst_reader_unref(*out);   /* not cached: the caller's reference is enough */
    return SHALE_OK;
}

void tc_evict(table_cache *tc, uint64_t file_number)
{
    char kbuf[8];
    bc_erase(tc->lru, file_key(file_number, kbuf));
}

size_t tc_open_count(table_cache *tc) { return bc_get_entry_count(tc->lru); }
