/* state/ttl.c: expiry and read decisions for TTL state (see state/ttl.h). */
#include "state/ttl.h"

static bool deadline_passed(int64_t stamp, int64_t span, int64_t now)
{
    /* Flink: ts + ttl, saturating at Long.MAX_VALUE on overflow. */
    int64_t deadline = stamp > INT64_MAX - span ? INT64_MAX : stamp + span;
    return deadline <= now;
}

bool state_ttl_expired(const state_desc *d, int64_t last_access, int64_t now)
{
    return d->ttl_ms > 0 && deadline_passed(last_access, d->ttl_ms, now);
}

enum state_ttl_read state_ttl_on_read(const state_desc *d, int64_t last_access, int64_t now,
                                      unsigned flags)
{
    if (state_ttl_expired(d, last_access, now))
        return d->ttl_visibility == SHALE_TTL_RETURN_EXPIRED_IF_NOT_CLEANED_UP
                   ? STATE_TTL_EXPIRED_RETURN
                   : STATE_TTL_EXPIRED_HIDE;
    if (d->ttl_update == SHALE_TTL_ON_READ_AND_WRITE && !(flags & STATE_READ_NO_TOUCH))
        return STATE_TTL_LIVE_TOUCH;
    return STATE_TTL_LIVE;
}

bool state_list_elem_too_old(const state_desc *d, int64_t written, int64_t now)
{
    return d->bound_age_ms > 0 && deadline_passed(written, d->bound_age_ms, now);
}
