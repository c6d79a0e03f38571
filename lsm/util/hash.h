/* lsm/util/hash.h: the hashes RocksDB's formats use.
 *   hash_xxh3_64     real XXH3-64 (xxHash 0.8, libxxhash): XXH3 block checksums
 *   hash_xxh64/32    XXH64 and XXH32, seed given: xxHash64/xxHash checksums
 *   hash_xxph3_64    RocksDB's frozen fork of the xxHash 0.7.2 XXH3 preview
 *                    (util/xxph3.h, seed 0): the Bloom filter hash.  It is
 *                    NOT libxxhash's XXH3; see docs/format.md.
 *   hash32           RocksDB's Hash() (MurmurHash1-like, sign-extended tail):
 *                    legacy Bloom filters (seed 0xbc9f1d34) and the data-block
 *                    hash index (seed 397). */
#ifndef LSM_UTIL_HASH_H
#define LSM_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash_xxh3_64(const void *data, size_t n);
uint64_t hash_xxh64(const void *data, size_t n, uint64_t seed);
uint32_t hash_xxh32(const void *data, size_t n, uint32_t seed);
uint64_t hash_xxph3_64(const void *data, size_t n);
uint32_t hash32(const void *data, size_t n, uint32_t seed);

#endif
