/* tests/lsm/table/sst_fixture.h: expected contents of the RocksDB 7.8.3
 * fixture SSTs, for the reader tests.  The oracle is independent of our
 * reader: the fixtures' *.expected.txt / *.entries.txt sidecars, or, for
 * the DB's SSTs (which have none), Debian's `sst_dump --command=scan`.
 * Header-only (static functions) so each test file stays self-contained. */
#ifndef TESTS_LSM_TABLE_SST_FIXTURE_H
#define TESTS_LSM_TABLE_SST_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/coding.h"
#include "lsm/util/ikey.h"
#include "tests/support/test_util.h"

typedef struct fx_entry {
    char *ikey;
    size_t ikey_len;
    char *val;
    size_t val_len;
} fx_entry;

typedef struct fx_list {
    fx_entry *e;
    size_t n, cap;
} fx_list;

static inline int fx_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes hex digits [s, s+n) into a malloc'd buffer. */
static inline char *fx_unhex(const char *s, size_t n, size_t *out_len)
{
    char *b = malloc(n / 2 + 1);
    cr_assert_not_null(b);
    for (size_t i = 0; i + 1 < n; i += 2) {
        int hi = fx_hexval(s[i]), lo = fx_hexval(s[i + 1]);
        cr_assert(hi >= 0 && lo >= 0, "bad hex in oracle output");
        b[i / 2] = (char)(hi << 4 | lo);
    }
    *out_len = n / 2;
    return b;
}

static inline void fx_add(fx_list *l, const char *ukey_hex, size_t uk_n, uint64_t seq, int type,
                          const char *val_hex, size_t v_n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->e = realloc(l->e, l->cap * sizeof *l->e);
        cr_assert_not_null(l->e);
    }
    fx_entry *e = &l->e[l->n++];
    size_t uk_len;
    char *uk = fx_unhex(ukey_hex, uk_n, &uk_len);
    e->ikey = malloc(uk_len + 8);
    cr_assert_not_null(e->ikey);
    if (uk_len > 0)
        memcpy(e->ikey, uk, uk_len);
    enc_fixed64(e->ikey + uk_len, ikey_pack(seq, type));
    e->ikey_len = uk_len + 8;
    free(uk);
    e->val = fx_unhex(val_hex, v_n, &e->val_len);
}

static inline void fx_free(fx_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->e[i].ikey);
        free(l->e[i].val);
    }
    free(l->e);
    memset(l, 0, sizeof *l);
}

static inline size_t fx_field(const char *p, const char *end)
{
    size_t n = 0;
    while (p + n < end && p[n] != ' ' && p[n] != '\n' && p[n] != '\r')
        n++;
    return n;
}

/* "hex(ukey) hex(value)" lines: live keys, all PUT at seq 0. */
static inline void fx_parse_expected(const char *text, fx_list *l)
{
    for (const char *p = text; *p != '\0';) {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        if (*p != '#' && end > p) {
            size_t kn = fx_field(p, end);
            const char *v = p + kn + (p + kn < end ? 1 : 0);
            fx_add(l, p, kn, 0, VT_VALUE, v, fx_field(v, end));
        }
        p = eol ? eol + 1 : end;
    }
}

/* "hex(ukey) seq TYPE hex(value)" lines (sst_del_merge.entries.txt). */
static inline void fx_parse_entries(const char *text, fx_list *l)
{
    for (const char *p = text; *p != '\0';) {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        if (*p != '#' && end > p) {
            size_t kn = fx_field(p, end);
            char *q;
            unsigned long long seq = strtoull(p + kn + 1, &q, 10);
            q++;
            int type = strncmp(q, "PUT", 3) == 0 ? VT_VALUE
                       : strncmp(q, "DEL", 3) == 0 ? VT_DELETION : VT_MERGE;
            const char *v = q + fx_field(q, end);
            v += v < end ? 1 : 0;
            fx_add(l, p, kn, seq, type, v, fx_field(v, end));
        }
        p = eol ? eol + 1 : end;
    }
}

/* sst_dump --command=scan --output_hex: 'HEX' seq:N, type:T => HEX */
static inline void fx_parse_sst_dump(const char *text, fx_list *l)
{
    for (const char *p = text; *p != '\0';) {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        unsigned long long seq;
        int type;
        const char *q = strchr(p, '\'');
        if (*p == '\'' && q != NULL) {
            const char *k = p + 1, *ke = strchr(k, '\'');
            const char *arrow = strstr(ke, "=> ");
            cr_assert(sscanf(ke, "' seq:%llu, type:%d", &seq, &type) == 2);
            cr_assert_not_null(arrow);
            fx_add(l, k, (size_t)(ke - k), seq, type, arrow + 3, fx_field(arrow + 3, end));
        }
        p = eol ? eol + 1 : end;
    }
}

/* The data entries of fixture `name` (a path under the fixture folder). */
static inline void fx_load(const char *name, fx_list *l)
{
    memset(l, 0, sizeof *l);
    char *path = fixture_path(name), *text = NULL;
    size_t len;
    if (strncmp(name, "db/", 3) == 0) {
        char cmd[1024];
        int status;
        snprintf(cmd, sizeof cmd, "sst_dump --command=scan --output_hex --file=%s 2>/dev/null",
                 path);
        text = test_run(cmd, &status);
        cr_assert(text != NULL && status == 0, "sst_dump failed on %s", path);
        fx_parse_sst_dump(text, l);
    } else {
        char side[512];
        bool entries = strcmp(name, "sst_del_merge.sst") == 0;
        snprintf(side, sizeof side, "%.*s.%s", (int)(strlen(name) - 4), name,
                 entries ? "entries.txt" : "expected.txt");
        char *sp = fixture_path(side);
        text = test_read_file(sp, &len);
        cr_assert_not_null(text, "cannot read %s", sp);
        char *t = realloc(text, len + 1);
        cr_assert_not_null(t);
        text = t;
        text[len] = '\0';
        if (entries)
            fx_parse_entries(text, l);
        else
            fx_parse_expected(text, l);
        free(sp);
    }
    cr_assert(l->n > 0, "no expected entries for %s", name);
    free(text);
    free(path);
}

/* Every readable fixture SST. */
static const char *const fx_names[] = {
    "sst_plain_crc32c.sst", "sst_lz4_xxh3.sst",  "sst_tiny_blocks.sst", "sst_tiny_blocks_delta.sst",
    "sst_hash_index.sst",   "sst_ribbon.sst",    "sst_del_merge.sst",   "sst_range_del.sst",
    "db/000012.sst",        "db/000014.sst",
};
#define FX_COUNT (sizeof fx_names / sizeof fx_names[0])

#endif
