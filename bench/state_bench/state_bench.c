/* bench/state_bench/state_bench.c: state_bench's flags, backends, output.
 *
 *   state_bench [--backends=heap,lsm] [--benchmarks=kinds,lists] [--num=N]
 *               [--ops=N] [--list_ops=N] [--value_size=N] [--element_size=N]
 *               [--seed=N] [--memory_budget_mb=N] [--json=FILE]
 *
 * Each backend named in --backends runs every benchmark group on fresh
 * state.  A backend this build lacks (NotSupported) is reported on one
 * line and skipped; the exit status is 0 when at least one backend ran,
 * 2 when none could open, 1 on a failure.  --memory_budget_mb gives the
 * LSM backend that budget (half block cache, half write buffers), so a
 * run can make its working set fit the cache; 0 (default) keeps the
 * backend's defaults (8 MiB cache, 64 MiB memtables).  --json writes every result as
 * {"name", "backend", "ops", "seconds", "micros_per_op", "ops_per_sec"}. */
#include "bench/state_bench/state_bench.h"

#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double sb_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

uint64_t sb_rand(sb_run *r)   /* xorshift64* */
{
    uint64_t x = r->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

void sb_key(uint64_t i, char out[8])
{
    for (int b = 0; b < 8; b++)
        out[b] = (char)(i >> (56 - 8 * b));
}

void sb_fill(char *buf, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)('a' + (seed + i * 7) % 26);
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

int sb_open(sb_run *r, shale_err *err)
{
    if (r->kind == SHALE_STATE_BACKEND_LSM) {
        const char *tmp = getenv("TMPDIR");
        char tmpl[512];
        snprintf(tmpl, sizeof tmpl, "%s/shale-state-bench-XXXXXX", tmp ? tmp : "/tmp");
        if (mkdtemp(tmpl) == NULL || (r->dir = strdup(tmpl)) == NULL) {
            perror("state_bench: mkdtemp");
            return SHALE_IO_ERROR;
        }
    }
    shale_state_options *o = shale_state_options_new();
    if (o == NULL)
        return SHALE_NO_MEMORY;
    shale_state_options_set_backend(o, r->kind);
    if (r->f->memory_budget_mb > 0)
        shale_state_options_set_memory_budget(o, r->f->memory_budget_mb << 20);
    int rc = shale_state_backend_open(o, r->dir, &r->b, err);
    shale_state_options_free(o);
    if (rc != SHALE_OK)
        sb_close(r);
    return rc;
}

void sb_close(sb_run *r)
{
    shale_state_backend_close(r->b);
    r->b = NULL;
    if (r->dir != NULL)
        nftw(r->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(r->dir);
    r->dir = NULL;
}

int sb_state(sb_run *r, const char *name, int kind, shale_state **st, shale_err *err)
{
    shale_state_descriptor *d = shale_state_descriptor_new(name, kind);
    if (d == NULL)
        return SHALE_NO_MEMORY;
    int rc = shale_state_get(r->b, d, st, err);
    shale_state_descriptor_free(d);
    return rc;
}

void sb_report(sb_run *r, const char *name, uint64_t ops, double seconds, const char *extra)
{
    double micros = ops ? seconds * 1e6 / (double)ops : 0;
    double per_sec = seconds > 0 ? (double)ops / seconds : 0;
    char label[64];
    snprintf(label, sizeof label, "%s/%s", name, r->backend);
    printf("%-29s : %11.3f micros/op %ld ops/sec %.3f seconds %" PRIu64 " operations;%s%s\n",
           label, micros, (long)per_sec, seconds, ops, extra ? " " : "", extra ? extra : "");
    fflush(stdout);
    if (*r->nres == *r->cap) {
        size_t cap = *r->cap ? 2 * *r->cap : 64;
        sb_result *n = realloc(r->res, cap * sizeof *n);
        if (n == NULL)
            return;
        r->res = n;
        *r->cap = cap;
    }
    sb_result *out = &r->res[(*r->nres)++];
    snprintf(out->name, sizeof out->name, "%s", name);
    out->backend = r->backend;
    out->ops = ops;
    out->seconds = seconds;
}

double sb_micros(const sb_run *r, const char *name)
{
    for (size_t i = *r->nres; i-- > 0;)
        if (strcmp(r->res[i].name, name) == 0 && strcmp(r->res[i].backend, r->backend) == 0)
            return r->res[i].ops ? r->res[i].seconds * 1e6 / (double)r->res[i].ops : 0;
    return -1;
}

static bool parse_u64(const char *arg, const char *name, uint64_t *out)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0 || arg[n] != '=')
        return false;
    *out = strtoull(arg + n + 1, NULL, 10);
    return true;
}

static int parse_backends(const char *list, sb_flags *f)
{
    f->nbackends = 0;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int kind = strcmp(t, "heap") == 0 ? SHALE_STATE_BACKEND_HEAP
                   : strcmp(t, "lsm") == 0 ? SHALE_STATE_BACKEND_LSM : -1;
        if (kind < 0 || f->nbackends == 2)
            return 1;
        f->backends[f->nbackends++] = kind;
    }
    return f->nbackends == 0;
}

static int parse_flags(int argc, char **argv, sb_flags *f)
{
    *f = (sb_flags){.num = 100000, .ops = 1000000, .list_ops = 20000, .value_size = 100,
                    .element_size = 32, .seed = 301, .backends = {SHALE_STATE_BACKEND_HEAP,
                    SHALE_STATE_BACKEND_LSM}, .nbackends = 2, .kinds = true, .lists = true};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t v;
        int bad = 0;
        if (strncmp(a, "--backends=", 11) == 0) {
            bad = parse_backends(a + 11, f);
        } else if (strncmp(a, "--benchmarks=", 13) == 0) {
            f->kinds = strstr(a + 13, "kinds") != NULL;
            f->lists = strstr(a + 13, "lists") != NULL;
            bad = !f->kinds && !f->lists;
        } else if (strncmp(a, "--json=", 7) == 0) {
            f->json = a + 7;
        } else if (parse_u64(a, "--value_size", &v)) {
            f->value_size = (size_t)v;
        } else if (parse_u64(a, "--element_size", &v)) {
            f->element_size = (size_t)v;
        } else {
            bad = !parse_u64(a, "--num", &f->num) && !parse_u64(a, "--ops", &f->ops) &&
                  !parse_u64(a, "--list_ops", &f->list_ops) && !parse_u64(a, "--seed", &f->seed) &&
                  !parse_u64(a, "--memory_budget_mb", &f->memory_budget_mb);
        }
        if (bad) {
            fprintf(stderr, "usage: %s [--backends=heap,lsm] [--benchmarks=kinds,lists] "
                    "[--num=N] [--ops=N] [--list_ops=N] [--value_size=N] [--element_size=N] "
                    "[--seed=N] [--memory_budget_mb=N] [--json=FILE]\n", argv[0]);
            return 1;
        }
    }
    if (f->num == 0 || f->ops == 0 || f->list_ops == 0 || f->seed == 0 ||
        f->element_size < 8 || f->value_size < 8) {
        fprintf(stderr, "state_bench: num, ops, list_ops, seed > 0; sizes >= 8\n");
        return 1;
    }
    return 0;
}

static int write_json(const sb_flags *f, const sb_result *res, size_t n)
{
    FILE *out = fopen(f->json, "w");
    if (out == NULL) {
        perror(f->json);
        return 1;
    }
    fprintf(out, "{\n  \"tool\": \"state_bench\",\n  \"shale_version\": \"%s\",\n"
            "  \"num\": %" PRIu64 ", \"ops\": %" PRIu64 ", \"list_ops\": %" PRIu64
            ", \"value_size\": %zu, \"element_size\": %zu,\n  \"results\": [\n",
            shale_version(), f->num, f->ops, f->list_ops, f->value_size, f->element_size);
    for (size_t i = 0; i < n; i++) {
        const sb_result *r = &res[i];
        double micros = r->ops ? r->seconds * 1e6 / (double)r->ops : 0;
        fprintf(out, "    {\"name\": \"%s\", \"backend\": \"%s\", \"ops\": %" PRIu64
                ", \"seconds\": %.6f, \"micros_per_op\": %.4f, \"ops_per_sec\": %.0f}%s\n",
                r->name, r->backend, r->ops, r->seconds, micros,
                r->seconds > 0 ? (double)r->ops / r->seconds : 0, i + 1 < n ? "," : "");
    }
    fprintf(out, "  ]\n}\n");
    return fclose(out) == 0 ? 0 : 1;
}

/* Runs every group on one backend kind.  2: the build lacks it. */
static int run_backend(sb_run *r)
{
    shale_err err = {0};
    char msg[256];
    int rc = sb_open(r, &err);
    if (rc == SHALE_NOT_SUPPORTED) {
        printf("%s: backend not supported by this build (%s); skipped\n", r->backend,
               shale_err_format(&err, msg, sizeof msg));
        return 2;
    }
    sb_close(r);   /* each group opens its own fresh state */
    if (rc == SHALE_OK && r->f->kinds)
        rc = sb_run_kinds(r, &err);
    if (rc == SHALE_OK && r->f->lists)
        rc = sb_run_lists(r, &err);
    sb_close(r);
    if (rc != SHALE_OK) {
        fprintf(stderr, "state_bench: %s: %s\n", r->backend,
                shale_err_format(&err, msg, sizeof msg));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    sb_flags f;
    if (parse_flags(argc, argv, &f) != 0)
        return 1;
    printf("state_bench: shale %s, %" PRIu64 " keys, %" PRIu64 " ops, values %zu bytes, "
           "list elements %zu bytes, %" PRIu64 " appends per list length, LSM memory budget "
           "%" PRIu64 " MiB (0: defaults)\n", shale_version(), f.num, f.ops, f.value_size,
           f.element_size, f.list_ops, f.memory_budget_mb);
    sb_result *res = NULL;
    size_t nres = 0, cap = 0;
    int ran = 0, failed = 0;
    for (int i = 0; i < f.nbackends; i++) {
        sb_run r = {.f = &f, .kind = f.backends[i], .rng = f.seed, .res = res, .nres = &nres,
                    .cap = &cap};
        r.backend = r.kind == SHALE_STATE_BACKEND_LSM ? "lsm" : "heap";
        int code = run_backend(&r);
        res = r.res;
        ran += code == 0;
        failed += code == 1;
    }
    if (failed == 0 && f.json != NULL)
        failed = write_json(&f, res, nres);
    free(res);
    return failed ? 1 : ran ? 0 : 2;
}
