/* bench/db_bench/maint.c: see maint.h.  Output as RocksDB 7.8.3 db_bench
 * prints it: a property's text between blank lines, "flush memtable",
 * "waitforcompaction(<db>): started/finished", and the checksum benchmarks
 * hashing one 4 KiB block until 5000 MiB went through, "(4096 per op)". */
#include "bench/db_bench/maint.h"

#include <stdio.h>
#include <string.h>

#include "lsm/util/crc32c.h"
#include "lsm/util/hash.h"

#define CHECKSUM_BLOCK 4096
#define CHECKSUM_TOTAL (5000ull * 1048576ull)

int maint_flush(bench_ctx *ctx)
{
    shale_err err = { 0 };
    int rc = shale_flush(ctx->db, true, &err);
    if (rc != SHALE_OK)
        bench_die("flush", rc, &err);
    fprintf(stdout, "flush memtable\n");
    return 0;
}

int maint_wait_for_compaction(bench_ctx *ctx)
{
    shale_err err = { 0 };
    fprintf(stdout, "waitforcompaction(%s): started\n", ctx->db_path);
    int rc = shale_wait_for_compact(ctx->db, &err);
    if (rc != SHALE_OK)
        bench_die("waitforcompaction", rc, &err);
    fprintf(stdout, "waitforcompaction(%s): finished\n", ctx->db_path);
    return 0;
}

static int print_property(bench_ctx *ctx, const char *name)
{
    char *text = shale_get_property(ctx->db, name);
    if (text == NULL) {
        fprintf(stdout, "\n(failed)\n");
        return 0;
    }
    fprintf(stdout, "\n%s\n", text);
    shale_free(text);
    return 0;
}

int maint_stats(bench_ctx *ctx) { return print_property(ctx, "rocksdb.stats"); }
int maint_levelstats(bench_ctx *ctx) { return print_property(ctx, "rocksdb.levelstats"); }
int maint_sstables(bench_ctx *ctx) { return print_property(ctx, "rocksdb.sstables"); }

void maint_compact(bench_thread *t)
{
    shale_err err = { 0 };
    int rc = shale_compact_range(t->ctx->db, NULL, 0, NULL, 0, &err);
    if (rc != SHALE_OK)
        bench_die("compact", rc, &err);
}

/* Runs fn over one block until CHECKSUM_TOTAL bytes went through. */
static void checksum_loop(bench_thread *t, enum bench_op op, uint64_t (*fn)(const char *, size_t))
{
    char data[CHECKSUM_BLOCK];
    memset(data, 'x', sizeof data);
    uint64_t bytes = 0, acc = 0;
    while (bytes < CHECKSUM_TOTAL) {
        acc ^= fn(data, sizeof data);
        stats_finished_ops(&t->stats, 1, op);
        bytes += sizeof data;
    }
    fprintf(stderr, "... checksum=0x%llx\r", (unsigned long long)acc);  /* keeps the work */
    stats_add_bytes(&t->stats, bytes);
    stats_add_message(&t->stats, "(4096 per op)");
}

static uint64_t crc_fn(const char *p, size_t n) { return crc32c_value(p, n); }
static uint64_t xxh3_fn(const char *p, size_t n) { return hash_xxh3_64(p, n); }

void maint_crc32c(bench_thread *t) { checksum_loop(t, OP_CRC, crc_fn); }
void maint_xxh3(bench_thread *t) { checksum_loop(t, OP_HASH, xxh3_fn); }
