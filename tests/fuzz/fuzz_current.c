/* tests/fuzz/fuzz_current.c: libFuzzer target for CURRENT parsing
 * (lsm/version/filenames.h, read_current_file) through the in-memory env.
 * The input is the whole CURRENT file.  Beyond "no crash", the answer is
 * checked against an independent reading of RocksDB's rule (§5.2): the file
 * is "MANIFEST-<decimal digits>\n", the number fits in 64 bits; anything
 * else is SHALE_CORRUPTION.  shale also refuses files over 256 bytes (a
 * real one is at most 30: "MANIFEST-" + 20 digits + "\n"), so only
 * absurd runs of leading zeros differ from RocksDB; the oracle says so. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/version/filenames.h"
#include "tests/fuzz/mem_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CURRENT_CAP 256   /* shale's bound on CURRENT's size */

/* The oracle: true and *num when data is a valid CURRENT. */
static bool expect_valid(const uint8_t *data, size_t size, uint64_t *num)
{
    static const char prefix[] = "MANIFEST-";
    size_t plen = sizeof prefix - 1;
    if (size > CURRENT_CAP || size < plen + 2 || data[size - 1] != '\n' ||
        memcmp(data, prefix, plen) != 0)
        return false;
    uint64_t v = 0;
    for (size_t i = plen; i < size - 1; i++) {
        if (data[i] < '0' || data[i] > '9')
            return false;
        uint64_t d = (uint64_t)(data[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;   /* overflows 64 bits */
        v = v * 10 + d;
    }
    *num = v;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mem_env env = mem_env_make(data, size);
    uint64_t got = 0, want = 0;
    shale_err err = {0};
    int rc = read_current_file(&env.base, "fuzzdb", &got, &err);
    bool valid = expect_valid(data, size, &want);
    if (valid && (rc != SHALE_OK || got != want))
        abort();   /* a valid CURRENT refused or misread */
    if (!valid && rc != SHALE_CORRUPTION)
        abort();   /* garbage accepted, or refused with the wrong code */
    if (rc != SHALE_OK && (err.code != rc || memchr(err.msg, '\0', sizeof err.msg) == NULL))
        abort();   /* the error detail must be set and terminated */
    return 0;
}
