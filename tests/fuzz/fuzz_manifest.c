/* tests/fuzz/fuzz_manifest.c: libFuzzer target for the MANIFEST's parsers
 * (lsm/version/version_edit.h, version_set.h).  The first input byte picks:
 *   even  the rest is one VersionEdit record: decoded, printed as ldb does,
 *         and re-encoded; a decoded edit must re-encode to bytes that decode
 *         to the same encoding again (the encoding is a fixed point), so a
 *         field the decoder keeps but the encoder drops or garbles shows up;
 *   odd   the rest is a whole MANIFEST-000001 file, recovered through
 *         vset_recover() from an in-memory env whose CURRENT names it; a
 *         recovered set is then asked for its live files.
 * Any crash, sanitizer report, leak or abort() is a bug; error codes are
 * expected, but only the documented ones. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/log/log_reader.h"
#include "lsm/util/buf.h"
#include "lsm/version/version_edit.h"
#include "lsm/version/version_set.h"
#include "tests/fuzz/mem_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const shale_buf *a, const shale_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}


static void fuzz_edit(slice in)
{
    version_edit ve, again;
    version_edit_init(&ve);
    version_edit_init(&again);
    shale_buf enc = SHALE_BUF_INIT, enc2 = SHALE_BUF_INIT, text = SHALE_BUF_INIT;
    int rc = version_edit_decode(&ve, in, NULL);
    if (rc != SHALE_OK && rc != SHALE_CORRUPTION && rc != SHALE_NO_MEMORY)
        abort();
    if (rc != SHALE_OK)
        goto out;
    (void)version_edit_debug_string(&ve, true, &text, NULL);
    (void)version_edit_debug_string(&ve, false, &text, NULL);
    if (version_edit_encode(&ve, &enc, NULL) != SHALE_OK)
        goto out;
    if (version_edit_decode(&again, shale_buf_slice(&enc), NULL) != SHALE_OK)
        abort();   /* our own encoding must decode */
    if (version_edit_encode(&again, &enc2, NULL) != SHALE_OK || !same(&enc, &enc2))
        abort();   /* and re-encode to the same bytes */
out:
    version_edit_deinit(&ve);
    version_edit_deinit(&again);
    shale_buf_deinit(&enc);
    shale_buf_deinit(&enc2);
    shale_buf_deinit(&text);
}


static void fuzz_recover(const uint8_t *data, size_t size)
{
    mem_env env = mem_env_with_current(data, size, "MANIFEST-000001\n");
    vset_options o;
    vset_options_default(&o);
    vset *vs = NULL;
    if (vset_new(&env.base, "fuzzdb", &o, &vs, NULL) != SHALE_OK)
        return;
    int rc = vset_recover(vs, NULL);
    if (rc == SHALE_OK) {
        uint64_t *nums = NULL;
        size_t n = 0;
        if (vset_live_files(vs, &nums, &n, NULL) == SHALE_OK)
            free(nums);
        if (vset_current(vs) == NULL)
            abort();
    } else if (rc != SHALE_CORRUPTION && rc != SHALE_INVALID_ARGUMENT &&
               rc != SHALE_NOT_SUPPORTED && rc != SHALE_NO_MEMORY) {
        abort();   /* the env never fails and CURRENT is valid: no I/O error or not-found */
    }
    vset_free(vs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if ((data[0] & 1) == 0)
        fuzz_edit(slice_make((const char *)data + 1, size - 1));
    else
        fuzz_recover(data + 1, size - 1);
    return 0;
}
