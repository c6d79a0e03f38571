/* state/timer_api.c: the public timer services (Flink's
 * InternalTimerService for processing time and event time): register and
 * delete through the backend, and advance by popping due timers one at a
 * time, so a callback may register or delete timers (a timer it registers
 * at or before the advance's time fires in the same advance, as in Flink).
 * The keyed context is set to each timer's key and namespace for its
 * callback and restored at the end. */
#include "state/backend.h"

#include "lsm/util/err.h"

static int check_domain(int domain, shale_err *err)
{
    if (domain != SHALE_TIMER_PROCESSING && domain != SHALE_TIMER_EVENT)
        return SHALE_INVALID(err, "timer domain %d is neither processing nor event time",
                             domain);
    return SHALE_OK;
}

static int timer_of(shale_state_backend *b, int domain, const shale_state_key *k, int64_t ts,
                    state_timer *t, shale_err *err)
{
    state_key sk;
    int rc = check_domain(domain, err);
    if (rc == SHALE_OK)
        rc = state_resolve_key(b, k, &sk, err);
    if (rc != SHALE_OK)
        return rc;
    *t = (state_timer){ts, sk.kg, sk.key, sk.klen, sk.ns, sk.nslen};
    return SHALE_OK;
}

int shale_timer_register(shale_state_backend *b, int domain, const shale_state_key *k,
                         int64_t ts, shale_err *err)
{
    state_timer t;
    int rc = timer_of(b, domain, k, ts, &t, err);
    return rc != SHALE_OK ? rc : b->ops->timer_add(b, domain, &t, err);
}

int shale_timer_delete(shale_state_backend *b, int domain, const shale_state_key *k, int64_t ts,
                       shale_err *err)
{
    state_timer t;
    int rc = timer_of(b, domain, k, ts, &t, err);
    return rc != SHALE_OK ? rc : b->ops->timer_del(b, domain, &t, err);
}

uint64_t shale_timer_count(shale_state_backend *b, int domain)
{
    return check_domain(domain, NULL) == SHALE_OK ? b->ops->timer_count(b, domain) : 0;
}

/* Saves the keyed context so advance can put it back. */
typedef struct saved_ctx {
    bool set;
    int32_t kg;
    shale_buf key, ns;
} saved_ctx;

static int save_ctx(const shale_state_backend *b, saved_ctx *s, shale_err *err)
{
    s->set = b->cur.set;
    s->kg = b->cur.kg;
    shale_buf_init(&s->key);
    shale_buf_init(&s->ns);
    shale_buf_append(&s->key, b->cur.key.data, b->cur.key.len);
    shale_buf_append(&s->ns, b->cur.ns.data, b->cur.ns.len);
    return shale_buf_ok(&s->key) && shale_buf_ok(&s->ns) ? SHALE_OK : SHALE_NOMEM(err);
}

static void restore_ctx(shale_state_backend *b, saved_ctx *s)
{
    shale_buf tk = b->cur.key, tn = b->cur.ns;
    b->cur.key = s->key;
    b->cur.ns = s->ns;
    b->cur.kg = s->kg;
    b->cur.set = s->set;
    shale_buf_deinit(&tk);
    shale_buf_deinit(&tn);
}

static int fire_one(shale_state_backend *b, int domain, const state_timer *t, shale_timer_fn fn,
                    void *ctx, shale_err *err)
{
    int rc = shale_state_backend_set_current_key(b, t->key, t->klen, t->kg, err);
    if (rc == SHALE_OK)
        rc = shale_state_backend_set_current_namespace(b, t->ns, t->nslen, err);
    if (rc != SHALE_OK)
        return rc;
    shale_state_key k = {t->key, t->klen, t->ns, t->nslen, t->kg};
    return fn(ctx, b, domain, t->ts, &k);
}

int shale_timer_advance(shale_state_backend *b, int domain, int64_t time, shale_timer_fn fn,
                        void *ctx, uint64_t *fired, shale_err *err)
{
    if (fired != NULL)
        *fired = 0;
    saved_ctx saved;
    int rc = check_domain(domain, err);
    if (rc != SHALE_OK)
        return rc;
    if (fn == NULL)
        return SHALE_INVALID(err, "no timer callback");
    if ((rc = save_ctx(b, &saved, err)) != SHALE_OK) {
        shale_buf_deinit(&saved.key);
        shale_buf_deinit(&saved.ns);
        return rc;
    }
    shale_buf tbuf = SHALE_BUF_INIT;
    state_timer t;
    while ((rc = b->ops->timer_pop(b, domain, time, &t, &tbuf, err)) == SHALE_OK) {
        rc = fire_one(b, domain, &t, fn, ctx, err);
        if (fired != NULL)
            (*fired)++;
        if (rc != SHALE_OK)
            break;
    }
    if (rc == SHALE_NOT_FOUND)
        rc = SHALE_OK;
    shale_buf_deinit(&tbuf);
    restore_ctx(b, &saved);
    return rc;
}
