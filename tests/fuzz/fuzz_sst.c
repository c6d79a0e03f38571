/* tests/fuzz/fuzz_sst.c: libFuzzer target for the table reader: opens the
 * input as an SST file, scans it both ways, seeks, gets, and verifies.
 * The fuzz build (SHALE_FUZZING) reads every footer as "no checksum", so
 * mutations reach the block and index parsers whatever the last byte's
 * choice of verify_checksums.  Any crash, sanitizer report or hang is a
 * bug; errors are expected. */
#include <stdint.h>
#include <stdlib.h>

#include "lsm/table/sst_reader.h"
#include "lsm/util/buf.h"
#include "lsm/util/ikey.h"
#include "tests/fuzz/mem_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool count_get(void *arg, slice ikey, slice value)
{
    (*(int *)arg)++;
    return true;
}

static void exercise(sst_reader *r)
{
    sst_iter *it = NULL;
    if (sst_iter_new(r, SST_ITER_DATA, NULL, &it, NULL) != SHALE_OK)
        return;
    shale_buf keys = SHALE_BUF_INIT;
    int n = 0;
    for (sst_iter_first(it); sst_iter_valid(it) && n < 100000; sst_iter_next(it), n++)
        if (n % 16 == 0)
            shale_buf_put_lp_slice(&keys, sst_iter_key(it));
    for (sst_iter_last(it); sst_iter_valid(it) && n > 0; sst_iter_prev(it), n--) {
    }
    slice in = shale_buf_slice(&keys), k;
    int hits = 0;
    while (get_lp_slice(&in, &k)) {
        sst_iter_seek(it, k);
        sst_iter_seek_for_prev(it, k);
        (void)sst_reader_get(r, k, count_get, &hits, NULL);
    }
    sst_iter_free(it);
    shale_buf_deinit(&keys);
    static const sst_iter_kind kinds[] = {SST_ITER_RANGE_DEL, SST_ITER_INDEX};
    for (size_t i = 0; i < 2; i++) {
        if (sst_iter_new(r, kinds[i], NULL, &it, NULL) != SHALE_OK)
            continue;
        for (sst_iter_first(it); sst_iter_valid(it); sst_iter_next(it)) {
        }
        sst_iter_free(it);
    }
    (void)sst_reader_verify(r, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mem_env env = mem_env_make(data, size);
    sst_reader_options o;
    sst_reader_options_init(&o);
    o.verify_checksums = size > 0 && (data[size - 1] & 1) == 0;
    sst_reader *r = NULL;
    if (sst_reader_open(&env.base, "fuzz.sst", &o, &r, NULL) == SHALE_OK)
        exercise(r);
    sst_reader_unref(r);
    return 0;
}
