/* tests/lsm/util/hash_test.c: the filter hash XXPH3 against RocksDB's own
 * Hash64 (loaded from librocksdb) at every length class and alignment, plus
 * known values; RocksDB's 32-bit Hash(); the libxxhash wrappers. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>
#include <xxhash.h>

#include "lsm/util/hash.h"

static void fill_random(unsigned char *p, size_t n, unsigned seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)x;
    }
}

static void *rocksdb_sym(const char *mangled)
{
    void *lib = dlopen("librocksdb.so.7.8", RTLD_NOW | RTLD_LOCAL);
    cr_assert_not_null(lib, "librocksdb: %s", dlerror());
    void *f = dlsym(lib, mangled);
    cr_assert_not_null(f, "%s missing", mangled);
    return f;
}

typedef uint64_t (*rocksdb_hash64_fn)(const char *, size_t);
typedef uint32_t (*rocksdb_hash32_fn)(const char *, size_t, uint32_t);

Test(xxph3, known_values)
{
    cr_assert_eq(hash_xxph3_64("key00000001", 11), UINT64_C(0xde1ac33a097ef07b));
    cr_assert_eq(hash_xxph3_64("", 0), UINT64_C(0x5342c3010fe1dd04));
    /* and it is not the released XXH3 (rocksdb-format.md §7.3) */
    cr_assert_eq(XXH3_64bits("key00000001", 11), UINT64_C(0x379c42ac0de4b198));
    cr_assert_eq(XXH3_64bits("", 0), UINT64_C(0x2d06800538d394c2));
}

Test(xxph3, equals_rocksdb_hash64_for_lengths_0_to_2100_at_three_alignments)
{
    /* rocksdb::Hash64(const char *, size_t): XXPH3_64bits, seed 0.  The
     * range covers 0-16, 17-128, 129-240 and the long path with one and two
     * scrambled 1 KiB blocks, whole and partial last stripes. */
    rocksdb_hash64_fn ref = (rocksdb_hash64_fn)rocksdb_sym("_ZN7rocksdb6Hash64EPKcm");
    static unsigned char buf[2100 + 3];
    fill_random(buf, sizeof buf, 5);
    for (size_t n = 0; n <= 2100; n++)
        for (size_t off = 0; off < 3; off++)
            cr_assert_eq(hash_xxph3_64(buf + off, n), ref((const char *)buf + off, n),
                         "n=%zu off=%zu", n, off);
}

Test(xxph3, equals_rocksdb_hash64_for_large_inputs)
{
    rocksdb_hash64_fn ref = (rocksdb_hash64_fn)rocksdb_sym("_ZN7rocksdb6Hash64EPKcm");
    static unsigned char buf[70000];
    fill_random(buf, sizeof buf, 9);
    static const size_t lens[] = {4096, 4097, 8191, 16384, 65536, 69999};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
        cr_assert_eq(hash_xxph3_64(buf, lens[i]), ref((const char *)buf, lens[i]), "n=%zu",
                     lens[i]);
}

Test(xxph3, differs_from_libxxhash_xxh3)
{
    static unsigned char buf[400];
    fill_random(buf, sizeof buf, 2);
    int same = 0;
    for (size_t n = 0; n <= 400; n++)
        same += hash_xxph3_64(buf, n) == XXH3_64bits(buf, n);
    cr_assert_eq(same, 0);
}

Test(hash32, equals_rocksdb_hash_including_sign_extended_tails)
{
    /* rocksdb::Hash(const char *, size_t, uint32_t) */
    rocksdb_hash32_fn ref = (rocksdb_hash32_fn)rocksdb_sym("_ZN7rocksdb4HashEPKcmj");
    static unsigned char buf[210 + 64];   /* offsets up to 205, lengths up to 64 */
    fill_random(buf, sizeof buf, 4);
    memset(buf + 200, 0xff, 8);   /* tail bytes >= 0x80 */
    static const uint32_t seeds[] = {0, 397, 0xbc9f1d34u};
    for (size_t s = 0; s < 3; s++)
        for (size_t n = 0; n <= 64; n++)
            for (size_t off = 0; off < 210; off += 41)
                cr_assert_eq(hash32(buf + off, n, seeds[s]),
                             ref((const char *)buf + off, n, seeds[s]), "n=%zu", n);
}

Test(hash32, empty_input_hashes_to_seed_and_tail_is_sign_extended)
{
    /* h = seed ^ (0 * m) and no rounds: the seed itself. */
    cr_assert_eq(hash32("", 0, 0xbc9f1d34u), 0xbc9f1d34u);
    /* One byte: h = (seed ^ m) + sx(b); h *= m; h ^= h >> 24. */
    const uint32_t m = 0xc6a4a793u;
    uint32_t h = (0u ^ m) + 0xffffff80u;   /* 0x80 sign-extends */
    h *= m;
    h ^= h >> 24;
    cr_assert_eq(hash32("\x80", 1, 0), h);
    cr_assert_neq(hash32("\x80", 1, 0), hash32("\x7f", 1, 0));
    cr_assert_neq(hash32("ab", 2, 0), hash32("ba", 2, 0));
    cr_assert_neq(hash32("abcd", 4, 0), hash32("abcd", 4, 1));
}

Test(xxh, wrappers_equal_libxxhash)
{
    static unsigned char buf[1000];
    fill_random(buf, sizeof buf, 8);
    for (size_t n = 0; n <= 1000; n += 7) {
        cr_assert_eq(hash_xxh3_64(buf, n), XXH3_64bits(buf, n));
        cr_assert_eq(hash_xxh64(buf, n, 0), XXH64(buf, n, 0));
        cr_assert_eq(hash_xxh64(buf, n, 12345), XXH64(buf, n, 12345));
        cr_assert_eq(hash_xxh32(buf, n, 0), XXH32(buf, n, 0));
        cr_assert_eq(hash_xxh32(buf, n, 99), XXH32(buf, n, 99));
    }
    /* xxHash's published empty-input values. */
    cr_assert_eq(hash_xxh64("", 0, 0), UINT64_C(0xef46db3751d8e999));
    cr_assert_eq(hash_xxh32("", 0, 0), 0x02cc5d05u);
}
