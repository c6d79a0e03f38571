/* checkpoint/coordinator.c: Flink's checkpoint coordinator in miniature.
 * One thread triggers checkpoints of one database:
 *   - every interval_ms from one trigger to the next,
 *   - but never sooner than min_pause_ms after the last one ended,
 *   - with at most max_concurrent in flight,
 * runs the synchronous phase itself and hands the asynchronous phase to a
 * thread of its own, and cancels any that runs past timeout_ms (measured
 * from its trigger; it then fails with SHALE_INCOMPLETE and is undone).
 *
 *   idle --(due, slot free)--> sync phase --> async thread --> done/failed
 *     ^                                                         |
 *     +---------------------------------------------------------+ */
#include "shale/checkpoint.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/ckpt_io.h"
#include "checkpoint/ckpt_store.h"
#include "lsm/util/err.h"
#include "lsm/util/mutex.h"

typedef struct slot {
    shale_ckpt_coordinator *c;
    shale_ckpt_pending *p;       /* owned by the async thread once started */
    uint64_t id;
    uint64_t triggered;          /* monotonic micros */
    pthread_t thread;
    bool used, finished;
} slot;

struct shale_ckpt_coordinator {
    /* Immutable after start. */
    shale_ckpt_store *store;
    shale_db *db;
    shale_ckpt_coordinator_options o;
    pthread_t thread;
    struct {                     /* protected by mu.lock */
        shale_mutex lock;
        shale_cond changed;      /* stop requested, a slot finished */
        bool stop;
        slot *slots;             /* max_concurrent entries */
        int running;
        uint64_t last_trigger, last_end;
        uint64_t completed, failed;
    } mu;
};

void shale_ckpt_coordinator_options_init(shale_ckpt_coordinator_options *o)
{
    memset(o, 0, sizeof *o);
    o->timeout_ms = 600000;
    o->min_pause_ms = 0;
    o->max_concurrent = 1;
}

static void *async_main(void *arg)
{
    slot *sl = arg;
    shale_ckpt_coordinator *c = sl->c;
    shale_ckpt_metrics m;
    shale_err err = {0};
    int rc = ckpt_finish_keep(sl->p, &m, &err);   /* p stays cancellable until freed */
    if (rc == SHALE_OK && c->o.on_complete != NULL)
        c->o.on_complete(c->o.arg, &m);
    if (rc != SHALE_OK && c->o.on_failure != NULL)
        c->o.on_failure(c->o.arg, sl->id, &err);
    shale_mutex_lock(&c->mu.lock);
    shale_ckpt_pending *p = sl->p;
    sl->p = NULL;                                   /* reap_locked no longer cancels it */
    shale_mutex_unlock(&c->mu.lock);
    ckpt_pending_free(p);
    shale_mutex_lock(&c->mu.lock);
    sl->finished = true;
    c->mu.last_end = ckpt_now_micros();
    if (rc == SHALE_OK)
        c->mu.completed++;
    else
        c->mu.failed++;
    shale_cond_broadcast(&c->mu.changed);
    shale_mutex_unlock(&c->mu.lock);
    return NULL;
}

/* Joins finished async threads; cancels those past the timeout. */
static void reap_locked(shale_ckpt_coordinator *c, uint64_t now)
{
    for (int i = 0; i < c->o.max_concurrent; i++) {
        slot *sl = &c->mu.slots[i];
        if (!sl->used)
            continue;
        if (sl->finished) {
            pthread_join(sl->thread, NULL);
            sl->used = sl->finished = false;
            c->mu.running--;
        } else if (sl->p != NULL && now - sl->triggered > c->o.timeout_ms * 1000) {
            shale_ckpt_cancel(sl->p);
        }
    }
}

static slot *free_slot_locked(shale_ckpt_coordinator *c)
{
    for (int i = 0; i < c->o.max_concurrent; i++)
        if (!c->mu.slots[i].used)
            return &c->mu.slots[i];
    return NULL;
}

/* Runs the synchronous phase (without the lock) and starts the async one. */
static void trigger_locked(shale_ckpt_coordinator *c, slot *sl, uint64_t now)
    SHALE_REQUIRES(c->mu.lock)
{
    c->mu.last_trigger = now;
    sl->used = true;
    sl->finished = false;
    sl->triggered = now;
    c->mu.running++;
    shale_mutex_unlock(&c->mu.lock);
    shale_err err = {0};
    shale_ckpt_pending *p = NULL;
    int rc = shale_ckpt_start(c->store, c->db, &p, &err);
    if (rc != SHALE_OK && c->o.on_failure != NULL)
        c->o.on_failure(c->o.arg, 0, &err);
    shale_mutex_lock(&c->mu.lock);
    if (rc == SHALE_OK) {
        sl->p = p;
        sl->id = shale_ckpt_pending_id(p);
        if (pthread_create(&sl->thread, NULL, async_main, sl) == 0)
            return;
        sl->p = NULL;
        shale_ckpt_abort(p);
    }
    sl->used = false;
    c->mu.running--;
    c->mu.failed++;
    c->mu.last_end = ckpt_now_micros();
}

/* Micros until the next trigger may happen (0: now). */
static uint64_t wait_time_locked(shale_ckpt_coordinator *c, uint64_t now)
{
    uint64_t due = c->mu.last_trigger + c->o.interval_ms * 1000;
    uint64_t pause = c->mu.last_end + c->o.min_pause_ms * 1000;
    if (pause > due)
        due = pause;
    return due > now ? due - now : 0;
}

static void *coord_main(void *arg)
{
    shale_ckpt_coordinator *c = arg;
    shale_mutex_lock(&c->mu.lock);
    while (!c->mu.stop) {
        uint64_t now = ckpt_now_micros();
        reap_locked(c, now);
        uint64_t wait = wait_time_locked(c, now);
        slot *sl = free_slot_locked(c);
        if (wait == 0 && sl != NULL) {
            trigger_locked(c, sl, now);
            continue;
        }
        if (wait == 0 || wait > 100000)
            wait = 100000;                    /* also the timeout check period */
        (void)shale_cond_timedwait(&c->mu.changed, &c->mu.lock, wait);
    }
    while (c->mu.running > 0) {
        reap_locked(c, ckpt_now_micros());
        if (c->mu.running > 0)
            (void)shale_cond_timedwait(&c->mu.changed, &c->mu.lock, 100000);
    }
    shale_mutex_unlock(&c->mu.lock);
    return NULL;
}

int shale_ckpt_coordinator_start(shale_ckpt_store *s, shale_db *db,
                                 const shale_ckpt_coordinator_options *o,
                                 shale_ckpt_coordinator **out, shale_err *err)
{
    *out = NULL;
    if (o == NULL || o->interval_ms == 0 || o->max_concurrent < 1 || o->timeout_ms == 0)
        return SHALE_INVALID(err, "coordinator needs interval > 0, timeout > 0, "
                                  "max concurrent >= 1");
    shale_ckpt_coordinator *c = calloc(1, sizeof *c);
    if (c == NULL || (c->mu.slots = calloc((size_t)o->max_concurrent, sizeof(slot))) == NULL) {
        free(c);
        return SHALE_NOMEM(err);
    }
    c->store = s;
    c->db = db;
    c->o = *o;
    for (int i = 0; i < o->max_concurrent; i++)
        c->mu.slots[i].c = c;
    shale_mutex_init(&c->mu.lock);
    shale_cond_init(&c->mu.changed);
    uint64_t now = ckpt_now_micros();
    c->mu.last_trigger = now;     /* the first checkpoint comes one interval in */
    if (pthread_create(&c->thread, NULL, coord_main, c) != 0) {
        shale_cond_deinit(&c->mu.changed);
        shale_mutex_deinit(&c->mu.lock);
        free(c->mu.slots);
        free(c);
        return SHALE_ERR(err, SHALE_IO_ERROR, "cannot start the coordinator thread");
    }
    *out = c;
    return SHALE_OK;
}

void shale_ckpt_coordinator_stop(shale_ckpt_coordinator *c, uint64_t *completed,
                                 uint64_t *failed)
{
    if (c == NULL)
        return;
    shale_mutex_lock(&c->mu.lock);
    c->mu.stop = true;
    shale_cond_broadcast(&c->mu.changed);
    shale_mutex_unlock(&c->mu.lock);
    pthread_join(c->thread, NULL);
    if (completed != NULL)
        *completed = c->mu.completed;
    if (failed != NULL)
        *failed = c->mu.failed;
    shale_cond_deinit(&c->mu.changed);
    shale_mutex_deinit(&c->mu.lock);
    free(c->mu.slots);
    free(c);
}
