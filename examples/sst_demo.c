/* examples/sst_demo.c: write an SST file that RocksDB can ingest.
 *
 *   example_sst_demo OUT.sst [NUM_KEYS]
 *
 * Writes NUM_KEYS (default 100000) sorted keys with db_bench-like 100-byte
 * values through shale's SstFileWriter, with a 10-bit Bloom filter and LZ4,
 * then prints the file size.  `sst-dump --file=OUT.sst --command=verify`
 * (ours) and RocksDB's `sst_dump` both accept the result. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/sst.h"
#include "shale/table.h"

static void fail(const char *what, const shale_err *err)
{
    char msg[256];
    fprintf(stderr, "%s: %s\n", what, shale_err_format(err, msg, sizeof msg));
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s OUT.sst [NUM_KEYS]\n", argv[0]);
        return 2;
    }
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 100000;
    shale_err err = {0};
    shale_table_options *topts = shale_table_options_new();
    shale_table_options_set_bloom_bits_per_key(topts, 10);
    shale_sst_writer *w = NULL;
    if (shale_sst_writer_open(argv[1], topts, SHALE_LZ4_COMPRESSION, &w, &err) != SHALE_OK)
        fail("open", &err);
    char key[32], value[101];
    for (long i = 0; i < n; i++) {
        int klen = snprintf(key, sizeof key, "user%012ld", i);
        for (int j = 0; j < 100; j++)   /* half repetitive, half varied: compressible */
            value[j] = j < 50 ? 'v' : (char)('a' + (i * 31 + j * 7) % 26);
        if (shale_sst_writer_put(w, key, (size_t)klen, value, 100, &err) != SHALE_OK)
            fail("put", &err);
    }
    uint64_t size = 0;
    if (shale_sst_writer_finish(w, &size, &err) != SHALE_OK)
        fail("finish", &err);
    shale_sst_writer_free(w);
    shale_table_options_free(topts);
    printf("wrote %ld keys to %s: %" PRIu64 " bytes\n", n, argv[1], size);
    return 0;
}
