/* bench/db_bench/keygen.h: keys, values and random numbers made exactly as
 * RocksDB 7.8.3's db_bench makes them, so both tools store the same bytes:
 *  - a key from an integer: its low min(key_size, 8) bytes big-endian, then
 *    '0' characters up to key_size (GenerateKeyFromInt, no prefixes);
 *  - values cut from one buffer of at least 1 MiB built from 100-byte
 *    pieces, each a random printable string of 100*ratio bytes repeated,
 *    so values compress to about --compression_ratio (RandomGenerator);
 *  - RocksDB's Random (Park-Miller, seed 301 for values) and Random64
 *    (the 64-bit Mersenne Twister) for keys. */
#ifndef BENCH_DB_BENCH_KEYGEN_H
#define BENCH_DB_BENCH_KEYGEN_H

#include <stddef.h>
#include <stdint.h>

/* RocksDB's Random: x' = x * 16807 mod (2^31 - 1). */
typedef struct bench_rand {
    uint32_t seed;
} bench_rand;

void bench_rand_init(bench_rand *r, uint32_t seed);
uint32_t bench_rand_next(bench_rand *r);
/* A value in [0, n).  REQUIRES: n > 0. */
uint32_t bench_rand_uniform(bench_rand *r, uint32_t n);

/* RocksDB's Random64: std::mt19937_64. */
#define BENCH_MT_N 312
typedef struct bench_rand64 {
    uint64_t mt[BENCH_MT_N];
    int idx;
} bench_rand64;

void bench_rand64_init(bench_rand64 *r, uint64_t seed);
uint64_t bench_rand64_next(bench_rand64 *r);

/* Writes the key of integer v, key_size bytes, into out.
 * REQUIRES: key_size >= 0; out holds key_size bytes. */
void bench_key_from_int(uint64_t v, int key_size, char *out);

/* RocksDB's RandomGenerator. */
typedef struct value_gen {
    char *data;
    size_t len;
    size_t pos;
} value_gen;

/* Builds the buffer for values up to max(1 MiB, value_size) bytes.
 * Returns 0, or -1 when memory runs out. */
int value_gen_init(value_gen *g, size_t value_size, double compression_ratio);
/* The next len bytes (borrowed from g; valid until value_gen_deinit).
 * REQUIRES: len <= g->len. */
const char *value_gen_next(value_gen *g, size_t len);
void value_gen_deinit(value_gen *g);

#endif
