/* lsm/util/mutex.h: mutexes and condition variables with ownership checks.
 * Thin wrappers over pthreads that (1) abort on a failed lock call, which
 * only happens on a bug, (2) remember the owner so `_locked` functions can
 * assert the lock is held, and (3) carry Clang thread-safety annotations
 * (SHALE_GUARDED_BY etc.; no-ops under GCC). */
#ifndef LSM_UTIL_MUTEX_H
#define LSM_UTIL_MUTEX_H

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#if defined(__clang__)
#define SHALE_TSA(x) __attribute__((x))
#else
#define SHALE_TSA(x)
#endif
#define SHALE_CAPABILITY(x) SHALE_TSA(capability(x))
#define SHALE_GUARDED_BY(x) SHALE_TSA(guarded_by(x))
#define SHALE_PT_GUARDED_BY(x) SHALE_TSA(pt_guarded_by(x))
#define SHALE_REQUIRES(...) SHALE_TSA(requires_capability(__VA_ARGS__))
#define SHALE_ACQUIRE(...) SHALE_TSA(acquire_capability(__VA_ARGS__))
#define SHALE_RELEASE(...) SHALE_TSA(release_capability(__VA_ARGS__))
#define SHALE_EXCLUDES(...) SHALE_TSA(locks_excluded(__VA_ARGS__))
#define SHALE_NO_TSA SHALE_TSA(no_thread_safety_analysis)

typedef struct SHALE_CAPABILITY("mutex") shale_mutex {
    pthread_mutex_t m;
    _Atomic(uintptr_t) owner;   /* pthread_self() of the holder, 0 if free */
} shale_mutex;

typedef struct shale_cond {
    pthread_cond_t c;
} shale_cond;

void shale_mutex_init(shale_mutex *mu);
void shale_mutex_deinit(shale_mutex *mu);
void shale_mutex_lock(shale_mutex *mu) SHALE_ACQUIRE(mu);
void shale_mutex_unlock(shale_mutex *mu) SHALE_RELEASE(mu);
/* Whether the calling thread holds mu. */
bool shale_mutex_held(shale_mutex *mu);
#define shale_mutex_assert_held(mu) assert(shale_mutex_held(mu))

void shale_cond_init(shale_cond *cv);
void shale_cond_deinit(shale_cond *cv);
/* REQUIRES: mu held.  Drops and re-takes it. */
void shale_cond_wait(shale_cond *cv, shale_mutex *mu) SHALE_REQUIRES(mu);
/* Waits at most `micros`; returns false on timeout. */
bool shale_cond_timedwait(shale_cond *cv, shale_mutex *mu, uint64_t micros) SHALE_REQUIRES(mu);
void shale_cond_signal(shale_cond *cv);
void shale_cond_broadcast(shale_cond *cv);

#endif
