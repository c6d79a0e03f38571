/* tools/state_estimate/main.c: state-estimate, the keyed-state size
 * estimator.  From the shape of a job's state (active keys, list items per
 * key, item size, an embedding per key, map entries per key, TTL) it prints
 * the state's size in Flink's RocksDB layout (what the LSM backend stores,
 * before compression), the memory each backend needs, and which to choose.
 *
 * The arithmetic, per key (docs/state.md has the layout):
 *   key part      kg prefix (1 byte, 2 above 128 groups) + key + 1 (void ns)
 *   list entry    key part + n * ([8 ts] + 4 length + item) + (n - 1) commas
 *   embedding     key part + [8 ts] + 4 * dim (float32)
 *   map entry     key part + user key + 1 null flag + [8 ts] + item, per entry
 * Heap memory counts the heap backend's real structures (their sizeof),
 * the allocator's per-chunk overhead, and hash slots at the tables'
 * average load.  LSM memory is the block cache for the hot fraction, the
 * write buffers (two 64 MiB memtables per state, Flink's RocksDB defaults)
 * and the index and Bloom filter blocks (4 KiB data blocks, 10 bits a
 * key). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/heap.h"

typedef struct shape {
    uint64_t keys, items, item_bytes, dim, map_entries;
    uint64_t key_bytes, map_key_bytes, max_parallelism;
    int64_t ttl_ms;
    double hot_fraction;
    uint64_t memory_mb;
} shape;

typedef struct estimate {
    uint64_t list, embedding, map, total;      /* serialized bytes */
    uint64_t rows;                             /* LSM key-value pairs */
    uint64_t states;
    uint64_t heap;
    uint64_t cache, write_buffers, index_filter, lsm;
} estimate;

#define SLOT_LOAD 0.5625     /* mean load of a table that doubles at 3/4 */
#define WRITE_BUFFER (64ull << 20)
#define BLOCK_SIZE 4096.0

static uint64_t key_part(const shape *s)
{
    return (s->max_parallelism > 128 ? 2 : 1) + s->key_bytes + 1;
}

static void serialized(const shape *s, estimate *e)
{
    uint64_t ts = s->ttl_ms > 0 ? 8 : 0, kp = key_part(s);
    if (s->items > 0) {
        e->list = kp + s->items * (ts + 4 + s->item_bytes) + (s->items - 1);
        e->states++;
        e->rows += s->keys;
    }
    if (s->dim > 0) {
        e->embedding = kp + ts + 4 * s->dim;
        e->states++;
        e->rows += s->keys;
    }
    if (s->map_entries > 0) {
        e->map = s->map_entries * (kp + s->map_key_bytes + 1 + ts + s->item_bytes);
        e->states++;
        e->rows += s->keys * s->map_entries;
    }
    e->list *= s->keys;
    e->embedding *= s->keys;
    e->map *= s->keys;
    e->total = e->list + e->embedding + e->map;
}

static double chunk(double n) { return n + HEAP_MALLOC_OVERHEAD; }

/* Bytes per key in the heap backend. */
static double heap_per_key(const shape *s)
{
    double slot = sizeof(hslot) / SLOT_LOAD;
    double entry = chunk((double)(sizeof(hentry) + s->key_bytes)) + slot;
    double b = 0;
    if (s->items > 0)
        b += entry + (double)s->items *
                         (chunk((double)(sizeof(helem) + s->item_bytes)) + 1.5 * sizeof(void *));
    if (s->dim > 0)
        b += entry + chunk(4.0 * (double)s->dim);
    if (s->map_entries > 0)
        b += entry + (double)s->map_entries *
                         (chunk((double)(sizeof(hmitem) + s->map_key_bytes + s->item_bytes)) +
                          slot);
    return b;
}

static void memory(const shape *s, estimate *e)
{
    e->heap = (uint64_t)(heap_per_key(s) * (double)s->keys);
    e->cache = (uint64_t)(s->hot_fraction * (double)e->total);
    e->write_buffers = e->states * 2 * WRITE_BUFFER;
    double avg_row = e->rows ? (double)e->total / (double)e->rows : 0;
    double avg_key = (double)key_part(s) + (s->map_entries > 0 ? (double)s->map_key_bytes : 0);
    double blocks = avg_row > 0 ? (double)e->total / BLOCK_SIZE : 0;
    e->index_filter = (uint64_t)(blocks * (avg_key + 8) + (double)e->rows * 10.0 / 8.0);
    e->lsm = e->cache + e->write_buffers + e->index_filter;
}

static void human(uint64_t v, char *buf, size_t n)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double d = (double)v;
    int u = 0;
    while (d >= 1024 && u < 4) {
        d /= 1024;
        u++;
    }
    snprintf(buf, n, "%.1f %s", d, units[u]);
}

static void line(const char *label, uint64_t v)
{
    char h[32];
    human(v, h, sizeof h);
    printf("%-28s %" PRIu64 " bytes (%s)\n", label, v, h);
}

static void choose(const shape *s, const estimate *e)
{
    uint64_t budget = s->memory_mb << 20;
    /* Heap snapshots copy what changes while they run: keep half free. */
    if (e->heap * 2 <= budget)
        printf("choose: heap (%" PRIu64 " bytes and room for copy-on-write snapshots fit in "
               "%" PRIu64 " MiB; no serialization, an order of magnitude faster per access)\n",
               e->heap, s->memory_mb);
    else
        printf("choose: lsm (the heap backend would need %" PRIu64 " bytes, twice that with "
               "snapshots, over %" PRIu64 " MiB; the LSM backend keeps %" PRIu64
               " bytes on disk and needs %" PRIu64 " in memory)\n",
               e->heap, s->memory_mb, e->total, e->lsm);
    if (e->heap * 2 > budget && e->lsm > budget)
        printf("note: the LSM defaults (two 64 MiB memtables per state) exceed %" PRIu64
               " MiB too: give the backend a budget with "
               "shale_state_options_set_memory_budget()\n",
               s->memory_mb);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: state-estimate [--active_keys=N] [--items_per_key=N] [--item_bytes=N]\n"
            "       [--embedding_dim=N] [--map_entries=N] [--key_bytes=N] [--map_key_bytes=N]\n"
            "       [--ttl=MS] [--max_parallelism=N] [--hot_fraction=F] [--memory_mb=N]\n");
}

static bool parse(shape *s, const char *arg)
{
    static const struct { const char *name; size_t off; } u64s[] = {
        {"active_keys", offsetof(shape, keys)},       {"items_per_key", offsetof(shape, items)},
        {"item_bytes", offsetof(shape, item_bytes)},  {"embedding_dim", offsetof(shape, dim)},
        {"map_entries", offsetof(shape, map_entries)}, {"key_bytes", offsetof(shape, key_bytes)},
        {"map_key_bytes", offsetof(shape, map_key_bytes)},
        {"max_parallelism", offsetof(shape, max_parallelism)},
        {"memory_mb", offsetof(shape, memory_mb)},
    };
    const char *eq = strchr(arg, '=');
    if (strncmp(arg, "--", 2) != 0 || eq == NULL)
        return false;
    size_t n = (size_t)(eq - arg - 2);
    char *end;
    for (size_t i = 0; i < sizeof u64s / sizeof *u64s; i++)
        if (strlen(u64s[i].name) == n && strncmp(arg + 2, u64s[i].name, n) == 0) {
            *(uint64_t *)((char *)s + u64s[i].off) = strtoull(eq + 1, &end, 10);
            return *end == '\0' && eq[1] != '\0';
        }
    if (n == 3 && strncmp(arg + 2, "ttl", 3) == 0) {
        s->ttl_ms = strtoll(eq + 1, &end, 10);
        return *end == '\0';
    }
    if (n == 12 && strncmp(arg + 2, "hot_fraction", 12) == 0) {
        s->hot_fraction = strtod(eq + 1, &end);
        return *end == '\0' && s->hot_fraction >= 0 && s->hot_fraction <= 1;
    }
    return false;
}

int main(int argc, char **argv)
{
    shape s = {.keys = 1000000, .items = 0, .item_bytes = 100, .key_bytes = 16,
               .map_key_bytes = 8, .max_parallelism = 128, .hot_fraction = 0.2,
               .memory_mb = 4096};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            usage();
            return 0;
        }
        if (!parse(&s, argv[i])) {
            fprintf(stderr, "state-estimate: bad argument '%s'\n", argv[i]);
            usage();
            return 2;
        }
    }
    estimate e = {0};
    serialized(&s, &e);
    memory(&s, &e);
    printf("keys: %" PRIu64 ", states: %" PRIu64 ", rows: %" PRIu64 "\n", s.keys, e.states, e.rows);
    line("list state:", e.list);
    line("embedding state:", e.embedding);
    line("map state:", e.map);
    line("state size:", e.total);
    line("heap memory:", e.heap);
    line("lsm block cache:", e.cache);
    line("lsm write buffers:", e.write_buffers);
    line("lsm index and filters:", e.index_filter);
    line("lsm memory:", e.lsm);
    choose(&s, &e);
    return 0;
}
