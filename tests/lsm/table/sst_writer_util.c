/* tests/lsm/table/sst_writer_util.c: see sst_writer_util.h. */
#include "tests/lsm/table/sst_writer_util.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/test_util.h"

void sw_set_free(sw_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->e[i].key);
        free(s->e[i].value);
    }
    free(s->e);
    memset(s, 0, sizeof *s);
}

static char *dup_bytes(const void *p, size_t n)
{
    char *d = malloc(n + 1);
    cr_assert_not_null(d);
    if (n > 0)
        memcpy(d, p, n);
    return d;
}

void sw_set_add(sw_set *s, const void *key, size_t key_len, const void *value, size_t value_len,
                int type)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->e = realloc(s->e, s->cap * sizeof *s->e);
        cr_assert_not_null(s->e);
    }
    sw_entry *e = &s->e[s->n++];
    e->key = dup_bytes(key, key_len);
    e->key_len = key_len;
    e->value = dup_bytes(value, value_len);
    e->value_len = value_len;
    e->type = type;
}

static int entry_cmp(const void *a, const void *b)
{
    const sw_entry *x = a, *y = b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int r = n ? memcmp(x->key, y->key, n) : 0;
    if (r != 0)
        return r;
    return x->key_len < y->key_len ? -1 : (x->key_len > y->key_len);
}

void sw_set_sort(sw_set *s)
{
    if (s->n == 0)
        return;
    qsort(s->e, s->n, sizeof *s->e, entry_cmp);
    size_t m = 1;
    for (size_t i = 1; i < s->n; i++) {
        if (entry_cmp(&s->e[m - 1], &s->e[i]) == 0) {
            free(s->e[i].key);
            free(s->e[i].value);
        } else {
            s->e[m++] = s->e[i];
        }
    }
    s->n = m;
}

static uint64_t next_rand(uint64_t *s)   /* splitmix64 */
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void fill_random(uint64_t *r, char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (char)(next_rand(r) & 0xff);
}

static void add_awkward(sw_set *s, uint64_t *r, bool big)
{
    char key[1024], val[300];
    sw_set_add(s, "", 0, "value-of-the-empty-key", 22, SW_PUT);
    for (int i = 0; i < 3; i++) {           /* 1 KiB keys sharing a long prefix */
        memset(key, 'L', sizeof key);
        key[sizeof key - 1] = (char)('a' + i);
        fill_random(r, val, 40);
        sw_set_add(s, key, sizeof key, val, 40, SW_PUT);
    }
    static const char bin[][5] = {{0}, {0, 0}, {0, 0, 0, 0, 0}, {(char)0xff},
                                  {(char)0xff, (char)0xff, 0}, {0, (char)0xff, 0}};
    static const size_t bin_len[] = {1, 2, 5, 1, 3, 3};
    for (size_t i = 0; i < sizeof bin_len / sizeof bin_len[0]; i++)
        sw_set_add(s, bin[i], bin_len[i], "", 0, SW_PUT);   /* empty values too */
    if (big) {
        size_t n = 1u << 20;
        char *v = malloc(n);
        cr_assert_not_null(v);
        for (size_t i = 0; i < n; i++)
            v[i] = (char)('a' + (next_rand(r) % 7));
        sw_set_add(s, "big-value-key", 13, v, n, SW_PUT);
        free(v);
    }
}

void sw_set_random(sw_set *s, uint64_t seed, size_t count, bool big)
{
    uint64_t r = seed;
    char key[40], val[300];
    for (size_t i = 0; i < count; i++) {
        size_t kl = 1 + (size_t)(next_rand(&r) % 40), vl = (size_t)(next_rand(&r) % 301);
        fill_random(&r, key, kl);
        fill_random(&r, val, vl);
        sw_set_add(s, key, kl, val, vl, SW_PUT);
    }
    add_awkward(s, &r, big);
    sw_set_sort(s);
}

uint64_t sw_write(const char *path, const shale_table_options *topts, int compression,
                  const sw_set *s)
{
    shale_sst_writer *w = NULL;
    shale_err err = {0};
    int rc = shale_sst_writer_open(path, topts, compression, &w, &err);
    cr_assert_eq(rc, SHALE_OK, "open %s: %s", path, err.msg);
    for (size_t i = 0; i < s->n; i++) {
        const sw_entry *e = &s->e[i];
        if (e->type == SW_PUT)
            rc = shale_sst_writer_put(w, e->key, e->key_len, e->value, e->value_len, &err);
        else if (e->type == SW_MERGE)
            rc = shale_sst_writer_merge(w, e->key, e->key_len, e->value, e->value_len, &err);
        else
            rc = shale_sst_writer_delete(w, e->key, e->key_len, &err);
        cr_assert_eq(rc, SHALE_OK, "entry %zu: %s", i, err.msg);
    }
    uint64_t size = 0;
    rc = shale_sst_writer_finish(w, &size, &err);
    cr_assert_eq(rc, SHALE_OK, "finish: %s", err.msg);
    cr_assert_eq(shale_sst_writer_file_size(w), size);
    shale_sst_writer_free(w);
    return size;
}

char *sw_hex(const void *p, size_t n, bool upper)
{
    const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    const unsigned char *u = p;
    char *h = malloc(2 * n + 1);
    cr_assert_not_null(h);
    for (size_t i = 0; i < n; i++) {
        h[2 * i] = d[u[i] >> 4];
        h[2 * i + 1] = d[u[i] & 15];
    }
    h[2 * n] = '\0';
    return h;
}

char *sw_sst_dump(const char *args, const char *path, int *status)
{
    size_t n = strlen(args) + strlen(path) + 64;
    char *cmd = malloc(n);
    snprintf(cmd, n, "sst_dump %s --file='%s' 2>&1", args, path);
    char *out = test_run(cmd, status);
    free(cmd);
    cr_assert_not_null(out);
    return out;
}

char *sw_oracle(const char *args, int *status)
{
    char *exe = build_path("tests/rocksdb-oracle");
    size_t n = strlen(exe) + strlen(args) + 16;
    char *cmd = malloc(n);
    snprintf(cmd, n, "'%s' %s", exe, args);
    char *out = test_run(cmd, status);
    free(cmd);
    free(exe);
    cr_assert_not_null(out);
    return out;
}

/* Checks one scan line "'KEY' seq:0, type:T => VALUE" against e. */
static void check_scan_line(const char *line, size_t len, const sw_entry *e, size_t i)
{
    char *kh = sw_hex(e->key, e->key_len, true), *vh = sw_hex(e->value, e->value_len, true);
    char head[64];
    snprintf(head, sizeof head, "' seq:0, type:%d => ", e->type);
    size_t kl = strlen(kh), hl = strlen(head), vl = e->type == SW_DELETE ? 0 : strlen(vh);
    bool ok = len == 1 + kl + hl + vl && line[0] == '\'' && memcmp(line + 1, kh, kl) == 0 &&
              memcmp(line + 1 + kl, head, hl) == 0 && memcmp(line + 1 + kl + hl, vh, vl) == 0;
    cr_assert(ok, "scan entry %zu differs: got %.120s (expected key %.80s type %d)", i, line, kh,
              e->type);
    free(kh);
    free(vh);
}

static void assert_scan_matches(const char *out, const sw_set *s)
{
    size_t i = 0;
    for (const char *p = out; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (p[0] == '\'') {
            cr_assert_lt(i, s->n, "sst_dump scan lists more than the %zu entries written", s->n);
            check_scan_line(p, len, &s->e[i], i);
            i++;
        }
        p += len + (nl != NULL);
    }
    cr_assert_eq(i, s->n, "sst_dump scan listed %zu of %zu entries", i, s->n);
}

void sw_assert_rocksdb_reads(const char *path, const sw_set *s)
{
    int st;
    char *out = sw_sst_dump("--command=verify", path, &st);
    cr_assert(st == 0 && strstr(out, "The file is ok") != NULL, "verify %s: %s", path, out);
    free(out);
    out = sw_sst_dump("--command=check --verify_checksum", path, &st);
    cr_assert(st == 0 && strstr(out, "orrupt") == NULL, "check %s: %s", path, out);
    free(out);
    out = sw_sst_dump("--command=scan --output_hex", path, &st);
    cr_assert_eq(st, 0, "scan %s: %.400s", path, out);
    assert_scan_matches(out, s);
    free(out);
}

long long sw_prop(const char *out, const char *label)
{
    char *s = sw_prop_str(out, label);
    long long v = s != NULL ? atoll(s) : -1;
    free(s);
    return v;
}

char *sw_prop_str(const char *out, const char *label)
{
    size_t n = strlen(label);
    for (const char *p = out; (p = strstr(p, label)) != NULL; p += n) {
        if ((p == out || p[-1] == ' ') && p[n] == ':' && p[n + 1] == ' ') {
            const char *v = p + n + 2, *e = strchr(v, '\n');
            size_t len = e ? (size_t)(e - v) : strlen(v);
            char *r = malloc(len + 1);
            memcpy(r, v, len);
            r[len] = '\0';
            return r;
        }
    }
    return NULL;
}

/* Decodes a block handle printed as hex (varint64 offset, varint64 size). */
void sw_decode_handle_hex(const char *hex, unsigned long long *off, unsigned long long *size)
{
    unsigned long long v[2] = {0, 0};
    int which = 0, shift = 0;
    for (size_t i = 0; hex[i] && hex[i] != '\n' && hex[i + 1] && which < 2; i += 2) {
        unsigned b;
        cr_assert_eq(sscanf(hex + i, "%2x", &b), 1);
        v[which] |= (unsigned long long)(b & 0x7f) << shift;
        shift += 7;
        if ((b & 0x80) == 0) {
            which++;
            shift = 0;
        }
    }
    cr_assert_eq(which, 2, "bad handle %.40s", hex);
    *off = v[0];
    *size = v[1];
}

/* The handle printed after "LABEL: " in RocksDB's raw dump. */
void sw_raw_handle(const char *text, const char *label, unsigned long long *off,
                         unsigned long long *size)
{
    char *hex = sw_prop_str(text, label);
    cr_assert_not_null(hex, "no %s in raw dump", label);
    sw_decode_handle_hex(hex, off, size);
    free(hex);
}

/* RocksDB's raw dump of `path` (sst_dump writes it beside the file). */
char *sw_raw_dump(const char *path)
{
    int st;
    free(sw_sst_dump("--command=raw", path, &st));
    cr_assert_eq(st, 0);
    char dump[600];
    snprintf(dump, sizeof dump, "%.*s_dump.txt", (int)(strlen(path) - 4), path);
    size_t n;
    char *text = test_read_file(dump, &n);
    cr_assert_not_null(text, "no %s", dump);
    return text;
}
