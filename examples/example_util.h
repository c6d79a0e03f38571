/* examples/example_util.h: what the keyed-state examples share: the
 * simulated clock they give the backends, a small random generator, flag
 * parsing, error printing, and opening a backend (the LSM one over a fresh
 * temporary directory, removed at the end).  Header-only so each example
 * stays one program; every example sets EX_PROG to its name first. */
#ifndef EXAMPLES_EXAMPLE_UTIL_H
#define EXAMPLES_EXAMPLE_UTIL_H

#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/state.h"

#ifndef EX_PROG
#error "define EX_PROG (the example's name) before including example_util.h"
#endif

#define EXIT_UNSUPPORTED 2   /* the backend asked for is not in this build */

/* The processing-time clock the examples drive by hand (milliseconds). */
typedef struct sim_clock {
    int64_t now;
} sim_clock;

static inline int64_t sim_clock_now(void *ctx)
{
    return ((sim_clock *)ctx)->now;
}

static inline uint64_t rng_next(uint64_t *s)   /* xorshift64* */
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Prints "<example>: <what>: <category>: <message>"; returns 1. */
static inline int fail(const char *what, const shale_err *err)
{
    char msg[256];
    fprintf(stderr, EX_PROG ": %s: %s\n", what, shale_err_format(err, msg, sizeof msg));
    return 1;
}

/* Counts a violated invariant in (r)->violations; prints the first few. */
#define VIOLATION(r, ...)                                      \
    do {                                                       \
        if ((r)->violations++ < 5) {                           \
            fprintf(stderr, EX_PROG ": ");                     \
            fprintf(stderr, __VA_ARGS__);                      \
            fputc('\n', stderr);                               \
        }                                                      \
    } while (0)

/* "--backend=heap|lsm" into *kind and *name; false for another flag. */
static inline bool parse_backend(const char *arg, int *kind, const char **name)
{
    if (strcmp(arg, "--backend=heap") == 0)
        *kind = SHALE_STATE_BACKEND_HEAP, *name = "heap";
    else if (strcmp(arg, "--backend=lsm") == 0)
        *kind = SHALE_STATE_BACKEND_LSM, *name = "lsm";
    else
        return false;
    return true;
}

/* "--name=N" into *out; false when arg is another flag. */
static inline bool parse_u64(const char *arg, const char *name, uint64_t *out)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0 || arg[n] != '=')
        return false;
    *out = strtoull(arg + n + 1, NULL, 10);
    return true;
}

static inline int ex_rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

/* Removes the backend's directory (NULL: nothing) and frees its name. */
static inline void ex_remove_dir(char *dir)
{
    if (dir != NULL)
        nftw(dir, ex_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

/* Opens a backend of `kind` whose clock is clk; the LSM backend gets a
 * fresh directory under $TMPDIR (*dir, for ex_remove_dir()).  Returns 0,
 * 1 on failure, or EXIT_UNSUPPORTED with the documented message. */
static inline int ex_open_backend(int kind, const char *kind_name, sim_clock *clk,
                                  shale_state_backend **b, char **dir)
{
    *dir = NULL;
    if (kind == SHALE_STATE_BACKEND_LSM) {
        const char *tmp = getenv("TMPDIR");
        char tmpl[512];
        snprintf(tmpl, sizeof tmpl, "%s/shale-" EX_PROG "-XXXXXX", tmp ? tmp : "/tmp");
        if (mkdtemp(tmpl) == NULL || (*dir = strdup(tmpl)) == NULL) {
            perror(EX_PROG ": mkdtemp");
            return 1;
        }
    }
    shale_state_options *o = shale_state_options_new();
    if (o == NULL)
        return 1;
    shale_state_options_set_backend(o, kind);
    shale_state_options_set_clock(o, sim_clock_now, clk);
    shale_err err = {0};
    int rc = shale_state_backend_open(o, *dir, b, &err);
    shale_state_options_free(o);
    if (rc == SHALE_NOT_SUPPORTED) {
        char msg[256];
        fprintf(stderr, EX_PROG ": backend %s is not supported by this build: %s\n", kind_name,
                shale_err_format(&err, msg, sizeof msg));
        return EXIT_UNSUPPORTED;
    }
    return rc == SHALE_OK ? 0 : fail("open backend", &err);
}

#endif
