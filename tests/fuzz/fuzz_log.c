/* tests/fuzz/fuzz_log.c: libFuzzer target for the log reader (WAL and
 * MANIFEST framing): reads every record of the input in each recovery mode,
 * with checksums on and off (the first byte picks; the fuzz build accepts
 * any CRC either way, so mutations get past them), and decodes each record
 * as a WriteBatch and as a VersionEdit: the parsers of everything the
 * engine replays at open. */
#include <stdint.h>
#include <stdlib.h>

#include "lsm/db/write_batch.h"
#include "lsm/log/log_reader.h"
#include "lsm/version/version_edit.h"
#include "tests/fuzz/mem_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_record(void *arg, uint64_t seq, uint32_t cf, int type, slice key, slice value,
                     shale_err *err)
{
    return SHALE_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t ctl = data[0];
    mem_env env = mem_env_make(data + 1, size - 1);
    shale_file *f = NULL;
    if (env.base.ops->open_read(&env.base, "fuzz.log", &f, NULL) != SHALE_OK)
        return 0;
    log_reader_options o = {.mode = (log_recovery_mode)(ctl & 3), .skip_checksums = (ctl & 4) != 0};
    log_reader *r = NULL;
    if (log_reader_open(f, 7, &o, &r, NULL) == SHALE_OK) {
        slice rec;
        wb_handler h = {.record = on_record};
        for (int n = 0; n < 10000 && log_reader_read_record(r, &rec, NULL) == SHALE_OK; n++) {
            (void)wb_iterate(rec, &h, NULL, NULL);
            version_edit ve;
            version_edit_init(&ve);
            (void)version_edit_decode(&ve, rec, NULL);
            version_edit_deinit(&ve);
        }
        log_reader_close(r);
    }
    shale_file_close(f, NULL);
    return 0;
}
