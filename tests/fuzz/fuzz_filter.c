/* tests/fuzz/fuzz_filter.c: libFuzzer target for the full-filter reader
 * (lsm/table/filter.h).  The first input byte picks the mode:
 *   even: the rest is a filter block as read from disk: filter_reader_init
 *         must classify it without reading out of bounds, and
 *         filter_key_may_match runs on keys derived from the input (every
 *         4-byte window start, lengths 0-16); a filter that says "no keys"
 *         must never match, and an "always true" one must always match.
 *   odd:  the rest is split at '\n' into keys, a filter is built from them
 *         (bit 1: legacy Bloom instead of FastLocalBloom; bits 2-7: bits per
 *         key 1-64) and read back: every key added must match (a filter has
 *         no false negatives).
 * Any crash, sanitizer report or failed property is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/table/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PROBES 4096

static void read_arbitrary(const char *blk, size_t n)
{
    filter_reader r;
    filter_reader_init(&r, slice_make(blk, n));
    (void)filter_kind_name(r.kind);
    size_t probes = 0;
    for (size_t off = 0; off <= n && probes < MAX_PROBES; off += 4)
        for (size_t len = 0; len <= 16 && off + len <= n; len += 5, probes++) {
            bool m = filter_key_may_match(&r, slice_make(blk + off, len));
            if (r.kind == FILTER_ALWAYS_FALSE && m)
                abort();
            if (r.kind == FILTER_ALWAYS_TRUE && !m)
                abort();
        }
    (void)filter_key_may_match(&r, slice_make("", 0));
}

/* For each '\n'-separated key of in[0..n): adds it to b (if not NULL) and
 * checks that r (if not NULL) may match it. */
static void each_key(const char *in, size_t n, filter_builder *b, const filter_reader *r)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && in[i] != '\n')
            continue;
        slice k = slice_make(in + start, i - start);
        if (b != NULL)
            filter_builder_add(b, k);
        if (r != NULL && !filter_key_may_match(r, k))
            abort();   /* a false negative */
        start = i + 1;
    }
}

static void build_and_check(uint8_t ctl, const char *in, size_t n)
{
    int fv = (ctl & 2) ? 2 : 5;
    double bits = 1 + (ctl >> 2);
    filter_builder b;
    filter_builder_init(&b, bits, fv);
    each_key(in, n, &b, NULL);
    shale_buf out = SHALE_BUF_INIT;
    if (filter_builder_finish(&b, &out)) {
        filter_reader r;
        filter_reader_init(&r, shale_buf_slice(&out));
        if (r.kind == FILTER_ALWAYS_FALSE)
            abort();   /* a filter of added keys claims to hold none */
        each_key(in, n, NULL, &r);
    }
    shale_buf_deinit(&out);
    filter_builder_deinit(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n = size - 1;
    char *copy = malloc(n > 0 ? n : 1);   /* exact size: overreads hit the redzone */
    memcpy(copy, data + 1, n);
    if (data[0] & 1)
        build_and_check(data[0], copy, n);
    else
        read_arbitrary(copy, n);
    free(copy);
    return 0;
}
