/* tools/checkpoint/diff.c: see diff.h.  A merge join of two shale
 * iterators: both walk in the comparator's order, so one pass finds every
 * added, removed and changed key. */
#include "tools/checkpoint/diff.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint/ckpt_io.h"
#include "lsm/util/err.h"
#include "shale/db.h"

typedef struct side {
    char *dir;
    shale_db *db;
    char **cf_names;
    size_t n_cf;
    shale_cf **cfs;
} side;

typedef struct counts {
    uint64_t added, removed, changed;
} counts;

static void print_hex(const char *p, size_t n)
{
    fputs("0x", stdout);
    for (size_t i = 0; i < n; i++)
        printf("%02X", (unsigned char)p[i]);
}

static void print_line(char tag, const char *cf, shale_iter *a, shale_iter *b)
{
    size_t kl, vl;
    shale_iter *first = a != NULL ? a : b;
    const char *k = shale_iter_key(first, &kl);
    putchar(tag);
    putchar(' ');
    if (strcmp(cf, SHALE_DEFAULT_CF_NAME) != 0)
        printf("[%s] ", cf);
    print_hex(k, kl);
    fputs(" : ", stdout);
    const char *v = shale_iter_value(first, &vl);
    print_hex(v, vl);
    if (a != NULL && b != NULL) {
        fputs(" -> ", stdout);
        v = shale_iter_value(b, &vl);
        print_hex(v, vl);
    }
    putchar('\n');
}

static int key_cmp(shale_iter *a, shale_iter *b)
{
    size_t la, lb;
    const char *ka = shale_iter_key(a, &la), *kb = shale_iter_key(b, &lb);
    int c = memcmp(ka, kb, la < lb ? la : lb);
    return c != 0 ? c : (la > lb) - (la < lb);
}

static bool same_value(shale_iter *a, shale_iter *b)
{
    size_t la, lb;
    const char *va = shale_iter_value(a, &la), *vb = shale_iter_value(b, &lb);
    return la == lb && memcmp(va, vb, la) == 0;
}

/* One family: a (from) and b (to), either NULL when the family is absent. */
static int diff_iters(const char *cf, shale_iter *a, shale_iter *b, counts *c, shale_err *err)
{
    if (a != NULL)
        shale_iter_seek_to_first(a);
    if (b != NULL)
        shale_iter_seek_to_first(b);
    for (;;) {
        bool va = a != NULL && shale_iter_valid(a), vb = b != NULL && shale_iter_valid(b);
        if (!va && !vb)
            break;
        int cmp = !va ? 1 : !vb ? -1 : key_cmp(a, b);
        if (cmp < 0) {
            print_line('-', cf, a, NULL);
            c->removed++;
            shale_iter_next(a);
        } else if (cmp > 0) {
            print_line('+', cf, NULL, b);
            c->added++;
            shale_iter_next(b);
        } else {
            if (!same_value(a, b)) {
                print_line('~', cf, a, b);
                c->changed++;
            }
            shale_iter_next(a);
            shale_iter_next(b);
        }
    }
    int rc = a != NULL ? shale_iter_status(a, err) : SHALE_OK;
    return rc == SHALE_OK && b != NULL ? shale_iter_status(b, err) : rc;
}

static int side_open(shale_ckpt_store *s, uint64_t id, side *sd, shale_err *err)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/shale-ckdiff-XXXXXX", base != NULL ? base : "/tmp");
    if (mkdtemp(tmpl) == NULL)
        return SHALE_IOERR(err, errno, "cannot make a temporary directory");
    if ((sd->dir = ckpt_path_join(tmpl, "db")) == NULL)
        return SHALE_NOMEM(err);
    int rc = shale_ckpt_restore(s, id, sd->dir, err);
    shale_options *o = shale_options_new();
    if (rc == SHALE_OK && o == NULL)
        rc = SHALE_NOMEM(err);
    if (rc == SHALE_OK)
        rc = shale_db_list_cf(o, sd->dir, &sd->cf_names, &sd->n_cf, err);
    if (rc == SHALE_OK && (sd->cfs = calloc(sd->n_cf + 1, sizeof *sd->cfs)) == NULL)
        rc = SHALE_NOMEM(err);
    if (rc == SHALE_OK)
        rc = shale_db_open_cf(o, sd->dir, sd->n_cf, (const char *const *)sd->cf_names, NULL,
                              sd->cfs, &sd->db, err);
    shale_options_free(o);
    return rc;
}

static void side_close(side *sd)
{
    for (size_t i = 0; sd->cfs != NULL && i < sd->n_cf; i++)
        if (sd->cfs[i] != NULL && sd->db != NULL && sd->cfs[i] != shale_db_default_cf(sd->db))
            shale_cf_handle_free(sd->cfs[i]);
    (void)shale_db_close(sd->db, NULL);
    if (sd->dir != NULL) {
        char *parent = strdup(sd->dir);
        if (parent != NULL && strrchr(parent, '/') != NULL)
            *strrchr(parent, '/') = '\0';
        (void)ckpt_rmtree(parent != NULL ? parent : sd->dir, NULL);
        free(parent);
    }
    shale_cf_names_free(sd->cf_names, sd->n_cf);
    free(sd->cfs);
    free(sd->dir);
}

static shale_cf *find_cf(const side *sd, const char *name)
{
    for (size_t i = 0; i < sd->n_cf; i++)
        if (strcmp(sd->cf_names[i], name) == 0)
            return sd->cfs[i];
    return NULL;
}

/* Diffs family `name` (present in at least one side). */
static int diff_cf(side *a, side *b, const char *name, counts *c, shale_err *err)
{
    shale_cf *ca = find_cf(a, name), *cb = find_cf(b, name);
    shale_iter *ia = ca != NULL ? shale_iter_new_cf(a->db, NULL, ca) : NULL;
    shale_iter *ib = cb != NULL ? shale_iter_new_cf(b->db, NULL, cb) : NULL;
    int rc = (ca != NULL && ia == NULL) || (cb != NULL && ib == NULL) ? SHALE_NOMEM(err)
                                                                      : SHALE_OK;
    if (rc == SHALE_OK)
        rc = diff_iters(name, ia, ib, c, err);
    shale_iter_free(ia);
    shale_iter_free(ib);
    return rc;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Every family of either side, each once, in name order. */
static int diff_all(side *a, side *b, counts *c, shale_err *err)
{
    size_t n = 0;
    const char **names = malloc((a->n_cf + b->n_cf + 1) * sizeof *names);
    if (names == NULL)
        return SHALE_NOMEM(err);
    for (size_t i = 0; i < a->n_cf; i++)
        names[n++] = a->cf_names[i];
    for (size_t i = 0; i < b->n_cf; i++)
        if (find_cf(a, b->cf_names[i]) == NULL)
            names[n++] = b->cf_names[i];
    qsort(names, n, sizeof *names, cmp_str);
    int rc = SHALE_OK;
    for (size_t i = 0; rc == SHALE_OK && i < n; i++)
        rc = diff_cf(a, b, names[i], c, err);
    free(names);
    return rc;
}

int ckpt_tool_diff(shale_ckpt_store *s, uint64_t from, uint64_t to, shale_err *err)
{
    side a = {0}, b = {0};
    counts c = {0};
    int rc = side_open(s, from, &a, err);
    if (rc == SHALE_OK)
        rc = side_open(s, to, &b, err);
    if (rc == SHALE_OK)
        rc = diff_all(&a, &b, &c, err);
    if (rc == SHALE_OK)
        printf("added %" PRIu64 ", removed %" PRIu64 ", changed %" PRIu64 "\n", c.added,
               c.removed, c.changed);
    side_close(&a);
    side_close(&b);
    return rc;
}
