/* bench/db_bench/keygen.c: see keygen.h.  The generators follow RocksDB's
 * arithmetic step for step (facts taken from util/random.h, test_util and
 * db_bench_tool.cc of RocksDB 7.8.3); the code is ours. */
#include "bench/db_bench/keygen.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define PM_MODULUS 2147483647u   /* 2^31 - 1 */
#define PM_MULTIPLIER 16807u

void bench_rand_init(bench_rand *r, uint32_t seed)
{
    r->seed = seed & 0x7fffffffu;
    if (r->seed == 0 || r->seed == PM_MODULUS)
        r->seed = 1;
}

uint32_t bench_rand_next(bench_rand *r)
{
    /* seed * A mod M, computed as (p >> 31) + (p & M), since 2^31 = 1 mod M. */
    uint64_t product = (uint64_t)r->seed * PM_MULTIPLIER;
    uint64_t s = (product >> 31) + (product & PM_MODULUS);
    if (s > PM_MODULUS)
        s -= PM_MODULUS;
    r->seed = (uint32_t)s;
    return r->seed;
}

uint32_t bench_rand_uniform(bench_rand *r, uint32_t n)
{
    assert(n > 0);
    return bench_rand_next(r) % n;
}

/* mt19937_64 parameters (C++11 [rand.predef]). */
#define MT_M 156
#define MT_MATRIX_A 0xB5026F5AA96619E9ULL
#define MT_UPPER 0xFFFFFFFF80000000ULL
#define MT_LOWER 0x7FFFFFFFULL

void bench_rand64_init(bench_rand64 *r, uint64_t seed)
{
    r->mt[0] = seed;
    for (int i = 1; i < BENCH_MT_N; i++)
        r->mt[i] = 6364136223846793005ULL * (r->mt[i - 1] ^ (r->mt[i - 1] >> 62)) + (uint64_t)i;
    r->idx = BENCH_MT_N;
}

static void mt_twist(bench_rand64 *r)
{
    for (int i = 0; i < BENCH_MT_N; i++) {
        uint64_t x = (r->mt[i] & MT_UPPER) | (r->mt[(i + 1) % BENCH_MT_N] & MT_LOWER);
        uint64_t xa = x >> 1;
        if (x & 1)
            xa ^= MT_MATRIX_A;
        r->mt[i] = r->mt[(i + MT_M) % BENCH_MT_N] ^ xa;
    }
    r->idx = 0;
}

uint64_t bench_rand64_next(bench_rand64 *r)
{
    if (r->idx >= BENCH_MT_N)
        mt_twist(r);
    uint64_t x = r->mt[r->idx++];
    x ^= (x >> 29) & 0x5555555555555555ULL;
    x ^= (x << 17) & 0x71D67FFFEDA60000ULL;
    x ^= (x << 37) & 0xFFF7EEE000000000ULL;
    x ^= x >> 43;
    return x;
}

void bench_key_from_int(uint64_t v, int key_size, char *out)
{
    int fill = key_size < 8 ? key_size : 8;
    for (int i = 0; i < fill; i++)
        out[i] = (char)((v >> (8 * (fill - 1 - i))) & 0xff);
    if (key_size > fill)
        memset(out + fill, '0', (size_t)(key_size - fill));
}

/* One 100-byte piece: `raw` random printable characters repeated. */
static void compressible_piece(bench_rand *rnd, double ratio, char piece[100])
{
    int raw = (int)(100 * ratio);
    if (raw < 1)
        raw = 1;
    if (raw > 100)
        raw = 100;
    char unit[100];
    for (int i = 0; i < raw; i++)
        unit[i] = (char)(' ' + bench_rand_uniform(rnd, 95));
    for (int i = 0; i < 100; i++)
        piece[i] = unit[i % raw];
}

int value_gen_init(value_gen *g, size_t value_size, double compression_ratio)
{
    size_t want = value_size > 1048576 ? value_size : 1048576;
    size_t cap = (want + 99) / 100 * 100;
    g->data = malloc(cap);
    g->len = 0;
    g->pos = 0;
    if (g->data == NULL)
        return -1;
    bench_rand rnd;
    bench_rand_init(&rnd, 301);
    while (g->len < want) {
        compressible_piece(&rnd, compression_ratio, g->data + g->len);
        g->len += 100;
    }
    return 0;
}

const char *value_gen_next(value_gen *g, size_t len)
{
    assert(len <= g->len);
    if (g->pos + len > g->len)
        g->pos = 0;
    g->pos += len;
    return g->data + g->pos - len;
}

void value_gen_deinit(value_gen *g)
{
    free(g->data);
    g->data = NULL;
    g->len = g->pos = 0;
}
