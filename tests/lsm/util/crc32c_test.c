/* tests/lsm/util/crc32c_test.c: CRC32C against published vectors (RFC 3720
 * B.4 and the usual check value), a bit-at-a-time reference, and RocksDB's
 * own crc32c::Extend loaded from librocksdb; the hardware and table paths
 * against each other; RocksDB's mask. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/crc32c.h"

/* The definition, one bit at a time: reflected polynomial 0x82F63B78. */
static uint32_t crc_bitwise(uint32_t crc, const unsigned char *p, size_t n)
{
    uint32_t c = ~crc;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    }
    return ~c;
}

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

Test(crc32c, published_vectors)
{
    unsigned char buf[48];
    memset(buf, 0, 32);
    cr_assert_eq(crc32c_value(buf, 32), 0x8a9136aau);
    memset(buf, 0xff, 32);
    cr_assert_eq(crc32c_value(buf, 32), 0x62a8ab43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (unsigned char)i;
    cr_assert_eq(crc32c_value(buf, 32), 0x46dd794eu);
    for (int i = 0; i < 32; i++)
        buf[i] = (unsigned char)(31 - i);
    cr_assert_eq(crc32c_value(buf, 32), 0x113fdb5cu);
    cr_assert_eq(crc32c_value("123456789", 9), 0xe3069283u);
    /* RFC 3720 B.4: an iSCSI SCSI Read (10) command PDU. */
    static const unsigned char iscsi[48] = {
        0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
        0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    cr_assert_eq(crc32c_value(iscsi, sizeof iscsi), 0xd9963a56u);
    cr_assert_eq(crc32c_value("", 0), 0u);
}

Test(crc32c, both_paths_equal_the_bitwise_definition_for_every_length_and_alignment)
{
    static unsigned char buf[300 + 16];
    fill_random(buf, sizeof buf, 7);
    for (size_t off = 0; off < 8; off++) {
        for (size_t n = 0; n <= 300; n++) {
            uint32_t want = crc_bitwise(0, buf + off, n);
            cr_assert_eq(crc32c_extend(0, buf + off, n), want, "n=%zu off=%zu", n, off);
            cr_assert_eq(crc32c_extend_portable(0, buf + off, n), want, "n=%zu off=%zu", n,
                         off);
        }
    }
}

Test(crc32c, hardware_path_equals_portable_path_on_random_buffers)
{
    /* On a CPU without SSE4.2 both calls take the table path; report it. */
    cr_log_info("hardware crc32c: %s", crc32c_hw_available() ? "yes" : "no");
    static unsigned char buf[4096 + 8];
    for (unsigned seed = 1; seed <= 20; seed++) {
        fill_random(buf, sizeof buf, seed);
        size_t off = seed % 8, n = (seed * 977) % 4096;
        uint32_t init = seed * 0x01000193u;
        cr_assert_eq(crc32c_extend(init, buf + off, n), crc32c_extend_portable(init, buf + off, n));
    }
}

Test(crc32c, extend_equals_value_of_concatenation)
{
    static unsigned char buf[600];
    fill_random(buf, sizeof buf, 3);
    uint32_t whole = crc32c_value(buf, sizeof buf);
    for (size_t cut = 0; cut <= sizeof buf; cut += 37) {
        uint32_t a = crc32c_value(buf, cut);
        cr_assert_eq(crc32c_extend(a, buf + cut, sizeof buf - cut), whole, "cut=%zu", cut);
        cr_assert_eq(crc32c_extend_portable(a, buf + cut, sizeof buf - cut), whole);
    }
    cr_assert_eq(crc32c_extend(crc32c_value("hello ", 6), "world", 5),
                 crc32c_value("hello world", 11));
}

Test(crc32c, mask_changes_the_value_and_unmask_restores_it)
{
    uint32_t crc = crc32c_value("foo", 3);
    cr_assert_neq(crc32c_mask(crc), crc);
    cr_assert_neq(crc32c_mask(crc32c_mask(crc)), crc);
    cr_assert_eq(crc32c_unmask(crc32c_mask(crc)), crc);
    cr_assert_eq(crc32c_unmask(crc32c_unmask(crc32c_mask(crc32c_mask(crc)))), crc);
    uint32_t x = 1;
    for (int i = 0; i < 10000; i++) {
        x = x * 1664525u + 1013904223u;
        cr_assert_eq(crc32c_unmask(crc32c_mask(x)), x);
    }
    /* The definition: rotate right by 15, add the delta. */
    cr_assert_eq(crc32c_mask(0x00008000u), 0x00000001u + 0xa282ead8u);
}

typedef uint32_t (*rocksdb_extend_fn)(uint32_t, const char *, size_t);

Test(crc32c, equals_rocksdb_crc32c_extend_from_librocksdb)
{
    void *lib = dlopen("librocksdb.so.7.8", RTLD_NOW | RTLD_LOCAL);
    cr_assert_not_null(lib, "librocksdb: %s", dlerror());
    /* rocksdb::crc32c::Extend(uint32_t, const char *, size_t) */
    rocksdb_extend_fn f = (rocksdb_extend_fn)dlsym(lib, "_ZN7rocksdb6crc32c6ExtendEjPKcm");
    cr_assert_not_null(f);
    static unsigned char buf[2048 + 8];
    fill_random(buf, sizeof buf, 11);
    for (size_t n = 0; n <= 2048; n += 13) {
        size_t off = n % 7;
        uint32_t init = (uint32_t)n * 0x9e3779b9u;
        cr_assert_eq(crc32c_extend(init, buf + off, n), f(init, (const char *)buf + off, n),
                     "n=%zu", n);
    }
}
