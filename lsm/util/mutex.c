/* lsm/util/mutex.c: pthread wrappers; see mutex.h.  A failing pthread call
 * means a bug (unlocking a free mutex, a destroyed cond), so it aborts. */
#include "lsm/util/mutex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void check(int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "shale: %s failed: %d\n", what, rc);
        abort();
    }
}

void shale_mutex_init(shale_mutex *mu)
{
    check(pthread_mutex_init(&mu->m, NULL), "pthread_mutex_init");
    atomic_init(&mu->owner, 0);
}

void shale_mutex_deinit(shale_mutex *mu) { check(pthread_mutex_destroy(&mu->m), "mutex_destroy"); }

void shale_mutex_lock(shale_mutex *mu) SHALE_NO_TSA
{
    check(pthread_mutex_lock(&mu->m), "pthread_mutex_lock");
    atomic_store_explicit(&mu->owner, (uintptr_t)pthread_self(), memory_order_relaxed);
}

void shale_mutex_unlock(shale_mutex *mu) SHALE_NO_TSA
{
    atomic_store_explicit(&mu->owner, 0, memory_order_relaxed);
    check(pthread_mutex_unlock(&mu->m), "pthread_mutex_unlock");
}

bool shale_mutex_held(shale_mutex *mu)
{
    return atomic_load_explicit(&mu->owner, memory_order_relaxed) == (uintptr_t)pthread_self();
}

void shale_cond_init(shale_cond *cv)
{
    pthread_condattr_t attr;
    check(pthread_condattr_init(&attr), "condattr_init");
    check(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC), "condattr_setclock");
    check(pthread_cond_init(&cv->c, &attr), "pthread_cond_init");
    pthread_condattr_destroy(&attr);
}

void shale_cond_deinit(shale_cond *cv) { check(pthread_cond_destroy(&cv->c), "cond_destroy"); }

void shale_cond_wait(shale_cond *cv, shale_mutex *mu) SHALE_NO_TSA
{
    atomic_store_explicit(&mu->owner, 0, memory_order_relaxed);
    check(pthread_cond_wait(&cv->c, &mu->m), "pthread_cond_wait");
    atomic_store_explicit(&mu->owner, (uintptr_t)pthread_self(), memory_order_relaxed);
}

bool shale_cond_timedwait(shale_cond *cv, shale_mutex *mu, uint64_t micros) SHALE_NO_TSA
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ns = (uint64_t)ts.tv_nsec + (micros % 1000000u) * 1000u;
    ts.tv_sec += (time_t)(micros / 1000000u + ns / 1000000000u);
    ts.tv_nsec = (long)(ns % 1000000000u);
    atomic_store_explicit(&mu->owner, 0, memory_order_relaxed);
    int rc = pthread_cond_timedwait(&cv->c, &mu->m, &ts);
    atomic_store_explicit(&mu->owner, (uintptr_t)pthread_self(), memory_order_relaxed);
    if (rc != ETIMEDOUT)
        check(rc, "pthread_cond_timedwait");
    return rc == 0;
}

void shale_cond_signal(shale_cond *cv) { check(pthread_cond_signal(&cv->c), "cond_signal"); }

void shale_cond_broadcast(shale_cond *cv) { check(pthread_cond_broadcast(&cv->c), "cond_broadcast"); }
