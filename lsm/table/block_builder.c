/* lsm/table/block_builder.c: the generic block encoder; layout and contract
 * in block_builder.h.  The restart array is kept pre-encoded so finishing
 * a block is two appends, and every buffer keeps its capacity across
 * resets. */
#include "lsm/table/block_builder.h"

#include <assert.h>

#include "lsm/util/coding.h"

void block_builder_init(block_builder *b, int restart_interval, bool delta_values)
{
    assert(restart_interval >= 1);
    shale_buf_init(&b->buf);
    shale_buf_init(&b->restarts);
    shale_buf_init(&b->last_key);
    b->restart_interval = restart_interval;
    b->delta_values = delta_values;
    block_builder_reset(b);
}

void block_builder_deinit(block_builder *b)
{
    if (b == NULL)
        return;
    shale_buf_deinit(&b->buf);
    shale_buf_deinit(&b->restarts);
    shale_buf_deinit(&b->last_key);
}

void block_builder_reset(block_builder *b)
{
    bool ok = block_builder_ok(b);
    b->buf.len = 0;
    b->restarts.len = 0;
    b->last_key.len = 0;
    shale_buf_put_fixed32(&b->restarts, 0);   /* the first entry is a restart */
    b->counter = 0;
    b->num_entries = 0;
    b->finished = false;
    if (!ok)   /* a failed allocation stays visible until deinit */
        b->buf.failed = true;
}

static size_t shared_prefix(slice a, slice b)
{
    size_t n = a.len < b.len ? a.len : b.len, i = 0;
    while (i < n && a.data[i] == b.data[i])
        i++;
    return i;
}

void block_builder_add(block_builder *b, slice key, slice value, slice delta_value)
{
    assert(!b->finished);
    size_t shared = 0;
    if (b->counter >= b->restart_interval) {
        shale_buf_put_fixed32(&b->restarts, (uint32_t)b->buf.len);
        b->counter = 0;
    } else {
        shared = shared_prefix(shale_buf_slice(&b->last_key), key);
    }
    size_t non_shared = key.len - shared;
    bool use_delta = b->delta_values && shared != 0;
    slice v = use_delta ? delta_value : value;

    char hdr[3 * VARINT32_MAX_LEN], *p = hdr;
    p = enc_varint32(p, (uint32_t)shared);
    p = enc_varint32(p, (uint32_t)non_shared);
    if (!b->delta_values)
        p = enc_varint32(p, (uint32_t)value.len);
    if (!shale_buf_reserve(&b->buf, (size_t)(p - hdr) + non_shared + v.len))
        return;
    shale_buf_append(&b->buf, hdr, (size_t)(p - hdr));
    if (non_shared > 0)
        shale_buf_append(&b->buf, key.data + shared, non_shared);
    shale_buf_append(&b->buf, v.data, v.len);

    /* Only the tail differs from the previous key. */
    shale_buf_truncate(&b->last_key, shared);
    if (non_shared > 0)
        shale_buf_append(&b->last_key, key.data + shared, non_shared);
    b->counter++;
    b->num_entries++;
}

slice block_builder_finish(block_builder *b)
{
    assert(!b->finished);
    uint32_t num_restarts = (uint32_t)(b->restarts.len / 4);
    shale_buf_append(&b->buf, b->restarts.data, b->restarts.len);
    shale_buf_put_fixed32(&b->buf, num_restarts);
    b->finished = true;
    return shale_buf_slice(&b->buf);
}

size_t block_builder_estimated_size(const block_builder *b)
{
    if (b->finished)
        return b->buf.len;
    return b->buf.len + b->restarts.len + 4;
}

size_t block_builder_estimate_after(const block_builder *b, slice key, slice value)
{
    bool restart = b->counter >= b->restart_interval;
    bool full_value = !b->delta_values || restart;
    size_t est = block_builder_estimated_size(b) + key.len;
    est += full_value ? value.len : value.len / 2;
    if (restart)
        est += 4;                       /* one more restart offset */
    est += 4;                           /* RocksDB counts the shared length as 4 */
    est += (size_t)varint_length(key.len);
    if (full_value)
        est += (size_t)varint_length(value.len);
    return est;
}
