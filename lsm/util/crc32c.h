/* lsm/util/crc32c.h: CRC32C (Castagnoli, reflected 0x82F63B78, init and
 * final xor ~0), as iSCSI and SSE4.2's crc32 instruction compute it, plus
 * RocksDB's mask for CRCs stored next to the data they cover.
 * The hardware path is chosen once at run time; the table path is the
 * portable fallback and gives the same values. */
#ifndef LSM_UTIL_CRC32C_H
#define LSM_UTIL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Extends crc (the CRC of earlier bytes; 0 for none) over data[0..n). */
uint32_t crc32c_extend(uint32_t crc, const void *data, size_t n);
static inline uint32_t crc32c_value(const void *data, size_t n) { return crc32c_extend(0, data, n); }
/* The portable path alone, for tests that compare the two. */
uint32_t crc32c_extend_portable(uint32_t crc, const void *data, size_t n);
/* Whether crc32c_extend() uses the CPU's crc32 instruction. */
int crc32c_hw_available(void);

#define CRC32C_MASK_DELTA 0xa282ead8u

/* A CRC stored beside the data it covers is masked, so that a CRC of a
 * string holding CRCs is not trivially related to them. */
static inline uint32_t crc32c_mask(uint32_t crc)
{
    return ((crc >> 15) | (crc << 17)) + CRC32C_MASK_DELTA;
}

static inline uint32_t crc32c_unmask(uint32_t masked)
{
    uint32_t rot = masked - CRC32C_MASK_DELTA;
    return (rot >> 17) | (rot << 15);
}

#endif
