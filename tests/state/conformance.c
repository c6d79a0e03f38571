/* tests/state/conformance.c: the backend table and helpers of the
 * keyed-state conformance suite (see conformance.h). */
#include "tests/state/conformance.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/buf.h"
#include "tests/support/test_util.h"

conf_backend conf_backends[CONF_NBACKENDS] = {CONF_BACKENDS};

static int64_t manual_clock(void *ctx) { return ((conf_env *)ctx)->now; }

conf_env *conf_open(const conf_backend *be, const conf_opts *o)
{
    conf_env *env = calloc(1, sizeof *env);
    cr_assert_not_null(env);
    env->now = 1000000;
    if (be->needs_dir)
        env->dir = test_tmpdir("state");
    shale_state_options *so = shale_state_options_new();
    cr_assert_not_null(so);
    shale_state_options_set_backend(so, be->kind);
    shale_state_options_set_clock(so, manual_clock, env);
    if (o != NULL && o->max_parallelism != 0)
        shale_state_options_set_max_parallelism(so, o->max_parallelism);
    if (o != NULL && o->range)
        shale_state_options_set_key_group_range(so, o->kg_start, o->kg_end);
    if (o != NULL && o->sample_interval != 0)
        shale_state_options_set_latency_sample_interval(so, o->sample_interval);
    shale_err err = {0};
    int rc = shale_state_backend_open(so, env->dir, &env->b, &err);
    shale_state_options_free(so);
    cr_assert_eq(rc, SHALE_OK, "%s backend open: %s", be->name, err.msg);
    return env;
}

void conf_close(conf_env *env)
{
    shale_state_backend_close(env->b);
    if (env->dir != NULL)
        test_rmtree(env->dir);
    free(env->dir);
    free(env);
}

shale_state *conf_state(conf_env *env, shale_state_descriptor *d)
{
    cr_assert_not_null(d);
    shale_state *st = NULL;
    shale_err err = {0};
    int rc = shale_state_get(env->b, d, &st, &err);
    shale_state_descriptor_free(d);
    cr_assert_eq(rc, SHALE_OK, "shale_state_get: %s", err.msg);
    return st;
}

shale_state *conf_simple(conf_env *env, const char *name, int kind)
{
    return conf_state(env, shale_state_descriptor_new(name, kind));
}

shale_state_key conf_key(const char *key) { return shale_state_key_make(key, strlen(key)); }

shale_state_key conf_key_ns(const char *key, const char *ns)
{
    shale_state_key k = conf_key(key);
    k.ns = ns;
    k.ns_len = strlen(ns);
    return k;
}

static char *terminated(char *v, size_t n)
{
    char *s = malloc(n + 1);
    cr_assert_not_null(s);
    if (n > 0)
        memcpy(s, v, n);
    s[n] = '\0';
    shale_free(v);
    return s;
}

typedef int (*get_fn)(shale_state *, const shale_state_key *, char **, size_t *, shale_err *);

static char *get_string(get_fn fn, shale_state *st, const shale_state_key *k)
{
    char *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    int rc = fn(st, k, &v, &n, &err);
    if (rc == SHALE_NOT_FOUND) {
        cr_assert_null(v);
        return NULL;
    }
    cr_assert_eq(rc, SHALE_OK, "get: %s", err.msg);
    return terminated(v, n);
}

char *conf_value(shale_state *st, const shale_state_key *k)
{
    return get_string(shale_value_state_get, st, k);
}

char *conf_reduced(shale_state *st, const shale_state_key *k)
{
    return get_string(shale_reducing_state_get, st, k);
}

char *conf_aggregated(shale_state *st, const shale_state_key *k)
{
    return get_string(shale_aggregating_state_get, st, k);
}

static char *drain_list(shale_state_iter *it)
{
    shale_buf out = SHALE_BUF_INIT;
    for (bool first = true; shale_state_iter_valid(it); shale_state_iter_next(it), first = false) {
        size_t n;
        const char *v = shale_state_iter_value(it, &n);
        if (!first)
            shale_buf_append_byte(&out, '|');
        shale_buf_append(&out, v, n);
    }
    cr_assert_eq(shale_state_iter_status(it, NULL), SHALE_OK);
    shale_state_iter_free(it);
    shale_buf_append_byte(&out, 0);
    cr_assert(shale_buf_ok(&out));
    return out.data;
}

char *conf_list(shale_state *st, const shale_state_key *k)
{
    shale_state_iter *it = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_list_state_get(st, k, &it, &err), SHALE_OK, "%s", err.msg);
    return drain_list(it);
}

char *conf_list_last(shale_state *st, const shale_state_key *k, size_t last)
{
    shale_state_iter *it = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_list_state_get_last(st, k, last, &it, &err), SHALE_OK, "%s", err.msg);
    return drain_list(it);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *conf_map(shale_state *st, const shale_state_key *k)
{
    shale_state_iter *it = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_map_state_iter(st, k, &it, &err), SHALE_OK, "%s", err.msg);
    char *items[256];
    size_t n = 0;
    for (; shale_state_iter_valid(it); shale_state_iter_next(it)) {
        size_t kl, vl;
        const char *kk = shale_state_iter_key(it, &kl);
        const char *vv = shale_state_iter_value(it, &vl);
        cr_assert_lt(n, 256);
        items[n] = malloc(kl + vl + 2);
        memcpy(items[n], kk, kl);
        items[n][kl] = '=';
        memcpy(items[n] + kl + 1, vv, vl);
        items[n][kl + vl + 1] = '\0';
        n++;
    }
    shale_state_iter_free(it);
    qsort(items, n, sizeof *items, cmp_str);
    shale_buf out = SHALE_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            shale_buf_append_byte(&out, ';');
        shale_buf_append_str(&out, items[i]);
        free(items[i]);
    }
    shale_buf_append_byte(&out, 0);
    return out.data;
}

char *conf_map_get(shale_state *st, const shale_state_key *k, const char *uk)
{
    char *v = NULL;
    size_t n = 0;
    shale_err err = {0};
    int rc = shale_map_state_get(st, k, uk, strlen(uk), &v, &n, &err);
    if (rc == SHALE_NOT_FOUND)
        return NULL;
    cr_assert_eq(rc, SHALE_OK, "map get: %s", err.msg);
    return terminated(v, n);
}

void conf_put(shale_state *st, const shale_state_key *k, const char *v)
{
    shale_err err = {0};
    cr_assert_eq(shale_value_state_update(st, k, v, strlen(v), &err), SHALE_OK, "%s", err.msg);
}

void conf_add(shale_state *st, const shale_state_key *k, const char *v)
{
    shale_err err = {0};
    cr_assert_eq(shale_list_state_add(st, k, v, strlen(v), &err), SHALE_OK, "%s", err.msg);
}

void conf_map_put(shale_state *st, const shale_state_key *k, const char *uk, const char *v)
{
    shale_err err = {0};
    cr_assert_eq(shale_map_state_put(st, k, uk, strlen(uk), v, strlen(v), &err), SHALE_OK, "%s",
                 err.msg);
}
