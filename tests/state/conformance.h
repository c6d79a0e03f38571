/* tests/state/conformance.h: the keyed-state conformance suite's backend
 * table and helpers.  Every test declared with CONF_TEST runs once per
 * backend in conf_backends (Criterion parameterized tests), through the
 * public API only, so a new backend passes the same suite by adding one
 * row here. */
#ifndef TESTS_STATE_CONFORMANCE_H
#define TESTS_STATE_CONFORMANCE_H

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdbool.h>
#include <stdint.h>

#include "shale/state.h"

typedef struct conf_backend {
    const char *name;
    int kind;                 /* enum shale_state_backend_kind */
    bool needs_dir;           /* opened over a fresh temporary directory */
} conf_backend;

/* The backends under test. */
#define CONF_BACKENDS {"heap", SHALE_STATE_BACKEND_HEAP, false}, \
                      {"lsm", SHALE_STATE_BACKEND_LSM, true}
#define CONF_NBACKENDS 2

extern conf_backend conf_backends[CONF_NBACKENDS];

#define CONF_TEST(suite, name)                                                      \
    ParameterizedTestParameters(suite, name)                                        \
    {                                                                               \
        return cr_make_param_array(conf_backend, conf_backends, CONF_NBACKENDS);    \
    }                                                                               \
    ParameterizedTest(conf_backend *be, suite, name)

/* An open backend with a manual clock. */
typedef struct conf_env {
    shale_state_backend *b;
    int64_t now;              /* what the clock returns; tests move it */
    char *dir;
} conf_env;

typedef struct conf_opts {
    int32_t max_parallelism;  /* 0: default */
    int32_t kg_start, kg_end; /* both 0 and end 0: every group */
    bool range;               /* use kg_start..kg_end */
    uint32_t sample_interval; /* 0: default */
} conf_opts;

/* Opens be (asserting success); free with conf_close. */
conf_env *conf_open(const conf_backend *be, const conf_opts *o);
void conf_close(conf_env *env);
/* A state from a descriptor built by the caller (freed here). */
shale_state *conf_state(conf_env *env, shale_state_descriptor *d);
shale_state *conf_simple(conf_env *env, const char *name, int kind);

shale_state_key conf_key(const char *key);
shale_state_key conf_key_ns(const char *key, const char *ns);

/* Value (or reducing) as a malloc'd NUL-terminated string; NULL when
 * NOT_FOUND (asserting no other code). */
char *conf_value(shale_state *st, const shale_state_key *k);
char *conf_reduced(shale_state *st, const shale_state_key *k);
char *conf_aggregated(shale_state *st, const shale_state_key *k);
/* List elements joined by '|' (malloc'd; "" when empty). */
char *conf_list(shale_state *st, const shale_state_key *k);
char *conf_list_last(shale_state *st, const shale_state_key *k, size_t last);
/* Map entries sorted by user key as "k=v;k=v" (malloc'd). */
char *conf_map(shale_state *st, const shale_state_key *k);
char *conf_map_get(shale_state *st, const shale_state_key *k, const char *uk);

void conf_put(shale_state *st, const shale_state_key *k, const char *v);
void conf_add(shale_state *st, const shale_state_key *k, const char *v);
void conf_map_put(shale_state *st, const shale_state_key *k, const char *uk, const char *v);

/* Asserts a string result and frees it. */
#define conf_expect(expr, want)                                            \
    do {                                                                   \
        char *got_ = (expr);                                               \
        cr_assert_not_null(got_, "%s: NULL, want \"%s\"", #expr, (want));  \
        cr_assert_str_eq(got_, (want), "%s", #expr);                       \
        free(got_);                                                        \
    } while (0)
#define conf_expect_none(expr)                                             \
    do {                                                                   \
        char *got_ = (expr);                                               \
        cr_assert_null(got_, "%s: \"%s\", want nothing", #expr, got_);     \
    } while (0)

#endif
