/* tests/fuzz/mem_env.h: a read-only in-memory env for the fuzz targets:
 * every path opens the same buffer, so parsers run on fuzzer input without
 * touching the disk.  With mem_env_with_current(), a path ending in
 * "/CURRENT" opens a fixed CURRENT text instead (for MANIFEST recovery).
 * Header-only; each target includes it once. */
#ifndef TESTS_FUZZ_MEM_ENV_H
#define TESTS_FUZZ_MEM_ENV_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "shale/env.h"

typedef struct mem_file {
    shale_file base;
    const char *data;
    size_t len;
} mem_file;

typedef struct mem_env {
    shale_env base;
    const char *data;
    size_t len;
    const char *current;   /* NULL: CURRENT is the input too */
} mem_env;

static int mf_pread(shale_file *f, uint64_t off, size_t n, char *buf, size_t *got, shale_err *err)
{
    mem_file *m = (mem_file *)f;
    size_t k = off >= m->len ? 0 : (m->len - off < n ? m->len - off : n);
    if (k > 0)
        memcpy(buf, m->data + off, k);
    *got = k;
    return SHALE_OK;
}

static int mf_size(shale_file *f, uint64_t *size, shale_err *err)
{
    *size = ((mem_file *)f)->len;
    return SHALE_OK;
}

static int mf_close(shale_file *f, shale_err *err)
{
    free(f);
    return SHALE_OK;
}

static const shale_file_ops mem_file_ops = {.pread = mf_pread, .size = mf_size, .close = mf_close};

static int me_open_read(shale_env *e, const char *path, shale_file **out, shale_err *err)
{
    mem_env *me = (mem_env *)e;
    mem_file *f = calloc(1, sizeof *f);
    if (f == NULL)
        return SHALE_NOMEM(err);
    f->base.ops = &mem_file_ops;
    f->base.name = "fuzz-input";
    size_t n = strlen(path);
    bool is_current = me->current != NULL && n >= 8 && strcmp(path + n - 8, "/CURRENT") == 0;
    f->data = is_current ? me->current : me->data;
    f->len = is_current ? strlen(me->current) : me->len;
    *out = &f->base;
    return SHALE_OK;
}

static const shale_env_ops mem_env_ops = {.open_read = me_open_read};

static inline mem_env mem_env_make(const uint8_t *data, size_t len)
{
    mem_env e = {{&mem_env_ops}, (const char *)data, len, NULL};
    return e;
}

/* An env whose CURRENT holds `current` (a static string) and whose every
 * other file holds data. */
static inline mem_env mem_env_with_current(const uint8_t *data, size_t len, const char *current)
{
    mem_env e = mem_env_make(data, len);
    e.current = current;
    return e;
}

#endif
