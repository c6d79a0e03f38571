/* state/ttl.h: Flink's state TTL rules (TtlUtils, AbstractTtlDecorator), in
 * one place for both backends and for the LSM compaction filter.
 *
 * A TTL entry carries the time of its last access (ms).  It is expired when
 * last_access + ttl <= now (the sum saturates, as Flink's
 * getExpirationTimestamp does).  A read of an entry:
 *   live, OnCreateAndWrite          returned as is
 *   live, OnReadAndWrite            returned, and its stamp set to now
 *   expired, NeverReturnExpired     removed, not returned
 *   expired, ReturnExpiredIfNot...  removed, returned this once
 * (Flink's getWrappedWithTtlCheckAndUpdate).  Folds (reducing and
 * aggregating add) read without refreshing the stamp. */
#ifndef STATE_TTL_H
#define STATE_TTL_H

#include <stdbool.h>
#include <stdint.h>

#include "state/backend.h"

enum state_ttl_read {
    STATE_TTL_LIVE = 0,        /* return, keep */
    STATE_TTL_LIVE_TOUCH,      /* return, restamp with now */
    STATE_TTL_EXPIRED_HIDE,    /* remove, do not return */
    STATE_TTL_EXPIRED_RETURN,  /* remove, return */
};

static inline bool state_ttl_on(const state_desc *d) { return d->ttl_ms > 0; }

/* last_access + ttl <= now, without overflow.  False when TTL is off. */
bool state_ttl_expired(const state_desc *d, int64_t last_access, int64_t now);
/* What a read does with an entry stamped last_access (TTL on).  flags:
 * STATE_READ_NO_TOUCH suppresses the refresh. */
enum state_ttl_read state_ttl_on_read(const state_desc *d, int64_t last_access, int64_t now,
                                      unsigned flags);
static inline bool state_ttl_returns(enum state_ttl_read r)
{
    return r != STATE_TTL_EXPIRED_HIDE;
}
/* Whether the state needs the clock at all (TTL or a list age bound). */
static inline bool state_needs_clock(const state_desc *d)
{
    return d->ttl_ms > 0 || d->bound_age_ms > 0;
}
/* A bounded list's element written at `written` is too old at `now`. */
bool state_list_elem_too_old(const state_desc *d, int64_t written, int64_t now);

#endif
