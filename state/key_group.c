/* state/key_group.c: Flink's key-group assignment (KeyGroupRangeAssignment)
 * over a stable hash of the key bytes.
 *
 * Flink hashes the key object with hashCode() and mixes it with
 * MathUtils.murmurHash; C has no hashCode, so the key hash is Java's
 * String.hashCode over the key bytes taken as unsigned chars.  For an ASCII
 * or Latin-1 key this is the hashCode of the equal Java String, so a job
 * keyed by such strings assigns the same groups as Flink. */
#include "shale/state.h"

#include <assert.h>

static uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

/* MathUtils.murmurHash: one Murmur3 round over a 4-byte block, the length
 * 4 mixed in, the finalizer (bitMix), then made non-negative. */
static int32_t murmur_hash(int32_t code)
{
    uint32_t h = (uint32_t)code;
    h *= 0xcc9e2d51u;
    h = rotl32(h, 15);
    h *= 0x1b873593u;
    h = rotl32(h, 13);
    h = h * 5 + 0xe6546b64u;
    h ^= 4;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    int32_t s = (int32_t)h;
    if (s >= 0)
        return s;
    return s == INT32_MIN ? 0 : -s;
}

int32_t shale_state_key_hash(const char *key, size_t key_len)
{
    uint32_t h = 0;
    for (size_t i = 0; i < key_len; i++)
        h = 31 * h + (unsigned char)key[i];
    return (int32_t)h;
}

int32_t shale_state_key_group_for_hash(int32_t hash, int32_t max_parallelism)
{
    assert(max_parallelism >= 1);
    return murmur_hash(hash) % max_parallelism;
}

int32_t shale_state_key_group(const char *key, size_t key_len, int32_t max_parallelism)
{
    return shale_state_key_group_for_hash(shale_state_key_hash(key, key_len), max_parallelism);
}
