/* lsm/util/hash.c: libxxhash wrappers and RocksDB's 32-bit Hash().  The
 * XXPH3 filter hash is in xxph3.c. */
#include "lsm/util/hash.h"

#include <xxhash.h>

#include "lsm/util/coding.h"

uint64_t hash_xxh3_64(const void *data, size_t n) { return XXH3_64bits(data, n); }

uint64_t hash_xxh64(const void *data, size_t n, uint64_t seed) { return XXH64(data, n, seed); }

uint32_t hash_xxh32(const void *data, size_t n, uint32_t seed) { return XXH32(data, n, seed); }

uint32_t hash32(const void *data, size_t n, uint32_t seed)
{
    const uint32_t m = 0xc6a4a793u;
    const char *p = data;
    const char *limit = p + n;
    uint32_t h = seed ^ ((uint32_t)n * m);
    for (; limit - p >= 4; p += 4) {
        h += dec_fixed32(p);
        h *= m;
        h ^= h >> 16;
    }
    /* The tail bytes are sign-extended, as RocksDB's (signed char) casts do. */
    switch (limit - p) {
    case 3:
        h += (uint32_t)(int32_t)(signed char)p[2] << 16;
        /* fall through */
    case 2:
        h += (uint32_t)(int32_t)(signed char)p[1] << 8;
        /* fall through */
    case 1:
        h += (uint32_t)(int32_t)(signed char)p[0];
        h *= m;
        h ^= h >> 24;
        break;
    default:
        break;
    }
    return h;
}
