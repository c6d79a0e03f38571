/* tests/checkpoint/ckpt_util.c: see ckpt_util.h. */
#include "tests/checkpoint/ckpt_util.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lsm/util/buf.h"

shale_db *cu_open(const char *dir, size_t write_buffer, bool auto_compactions)
{
    shale_options *o = shale_options_new();
    shale_options_set_create_if_missing(o, true);
    if (write_buffer > 0)
        shale_options_set_write_buffer_size(o, write_buffer);
    shale_options_set_disable_auto_compactions(o, !auto_compactions);
    shale_db *db = NULL;
    shale_err err = {0};
    int rc = shale_db_open(o, dir, &db, &err);
    shale_options_free(o);
    cr_assert_eq(rc, SHALE_OK, "open %s: %s", dir, err.msg);
    return db;
}

void cu_close(shale_db *db)
{
    shale_err err = {0};
    cr_assert_eq(shale_db_close(db, &err), SHALE_OK, "close: %s", err.msg);
}

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static void make_value(uint32_t *s, char *v, size_t vlen)
{
    for (size_t i = 0; i < vlen; i++)
        v[i] = (char)('a' + next_rand(s) % 26);
}

void cu_random_writes(shale_db *db, uint32_t seed, int n, uint32_t key_space, size_t vlen)
{
    char key[32], *val = malloc(vlen + 1);
    shale_err err = {0};
    cr_assert_not_null(val);
    for (int i = 0; i < n; i++) {
        uint32_t r = next_rand(&seed);
        int kl = snprintf(key, sizeof key, "key%06u", r % key_space);
        int rc;
        if (next_rand(&seed) % 8 == 0) {
            rc = shale_delete(db, NULL, key, (size_t)kl, &err);
        } else {
            make_value(&seed, val, vlen);
            rc = shale_put(db, NULL, key, (size_t)kl, val, vlen, &err);
        }
        cr_assert_eq(rc, SHALE_OK, "write: %s", err.msg);
    }
    free(val);
}

void cu_fill(shale_db *db, uint32_t seed, uint32_t n, size_t vlen)
{
    char key[32], *val = malloc(vlen + 1);
    shale_err err = {0};
    cr_assert_not_null(val);
    for (uint32_t i = 0; i < n; i++) {
        int kl = snprintf(key, sizeof key, "key%06u", i);
        make_value(&seed, val, vlen);
        cr_assert_eq(shale_put(db, NULL, key, (size_t)kl, val, vlen, &err), SHALE_OK, "%s",
                     err.msg);
    }
    free(val);
}

static void put_hex(shale_buf *b, const char *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        shale_buf_append_byte(b, (uint8_t)hx[(unsigned char)p[i] >> 4]);
        shale_buf_append_byte(b, (uint8_t)hx[(unsigned char)p[i] & 15]);
    }
}

kv_dump cu_dump(shale_db *db)
{
    kv_dump d = {0};
    shale_buf b = SHALE_BUF_INIT;
    shale_iter *it = shale_iter_new(db, NULL);
    cr_assert_not_null(it);
    for (shale_iter_seek_to_first(it); shale_iter_valid(it); shale_iter_next(it)) {
        size_t kl, vl;
        const char *k = shale_iter_key(it, &kl), *v = shale_iter_value(it, &vl);
        put_hex(&b, k, kl);
        shale_buf_append_byte(&b, '=');
        put_hex(&b, v, vl);
        shale_buf_append_byte(&b, '\n');
        d.count++;
    }
    shale_err err = {0};
    cr_assert_eq(shale_iter_status(it, &err), SHALE_OK, "iterate: %s", err.msg);
    shale_iter_free(it);
    shale_buf_append_byte(&b, '\0');
    cr_assert(shale_buf_ok(&b));
    d.text = shale_buf_detach(&b, &d.len);
    d.len--;
    return d;
}

kv_dump cu_dump_dir(const char *dir)
{
    shale_options *o = shale_options_new();
    shale_db *db = NULL;
    shale_err err = {0};
    int rc = shale_db_open(o, dir, &db, &err);
    shale_options_free(o);
    cr_assert_eq(rc, SHALE_OK, "open %s: %s", dir, err.msg);
    kv_dump d = cu_dump(db);
    cu_close(db);
    return d;
}

void cu_dump_free(kv_dump *d)
{
    free(d->text);
    d->text = NULL;
}

char *cu_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    cr_assert_not_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void tree_walk(const char *dir, const char *rel, shale_buf *out)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char *path = cu_join(dir, names[i]), *r = cu_join(rel, names[i]);
        struct stat st;
        if (lstat(path, &st) == 0) {
            shale_buf_printf(out, "%s %lld\n", r, S_ISDIR(st.st_mode) ? -1LL : (long long)st.st_size);
            if (S_ISDIR(st.st_mode))
                tree_walk(path, r, out);
        }
        free(path);
        free(r);
        free(names[i]);
    }
    free(names);
}

char *cu_tree(const char *dir)
{
    shale_buf b = SHALE_BUF_INIT;
    tree_walk(dir, ".", &b);
    shale_buf_append_byte(&b, '\0');
    size_t len;
    return shale_buf_detach(&b, &len);
}

shale_ckpt_store *cu_store(shale_ckpt_storage **st, const char *root, int retained)
{
    shale_err err = {0};
    cr_assert_eq(shale_ckpt_storage_dir_open(root, st, &err), SHALE_OK, "%s", err.msg);
    shale_ckpt_options *o = shale_ckpt_options_new();
    shale_ckpt_options_set_num_retained(o, retained);
    shale_ckpt_store *s = NULL;
    int rc = shale_ckpt_store_open(*st, o, false, &s, &err);
    shale_ckpt_options_free(o);
    cr_assert_eq(rc, SHALE_OK, "store open: %s", err.msg);
    return s;
}

int cu_count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

void cu_write_round(shale_db *db, uint32_t round, uint32_t n)
{
    shale_write_batch *b = shale_write_batch_new();
    char key[32], val[128];
    int vl = snprintf(val, sizeof val, "v%u-%0100u", round, round);
    shale_err err = {0};
    for (uint32_t i = 0; i < n; i++) {
        int kl = snprintf(key, sizeof key, "r%05u", i);
        cr_assert_eq(shale_write_batch_put(b, key, (size_t)kl, val, (size_t)vl, &err), SHALE_OK);
    }
    cr_assert_eq(shale_write_batch_put(b, "round", 5, val, (size_t)vl, &err), SHALE_OK);
    cr_assert_eq(shale_write(db, NULL, b, &err), SHALE_OK, "%s", err.msg);
    shale_write_batch_free(b);
}

uint32_t cu_check_rounds(const char *dir, uint32_t n)
{
    shale_options *o = shale_options_new();
    shale_db *db = NULL;
    shale_err err = {0};
    int rc = shale_db_open(o, dir, &db, &err);
    shale_options_free(o);
    cr_assert_eq(rc, SHALE_OK, "open %s: %s", dir, err.msg);
    char *round = NULL, *v = NULL;
    size_t rl = 0, vl = 0;
    rc = shale_get(db, NULL, "round", 5, &round, &rl, &err);
    uint32_t r = 0;
    if (rc == SHALE_OK) {
        r = (uint32_t)strtoul(round + 1, NULL, 10);
        char key[32];
        for (uint32_t i = 0; i < n; i++) {
            int kl = snprintf(key, sizeof key, "r%05u", i);
            cr_assert_eq(shale_get(db, NULL, key, (size_t)kl, &v, &vl, &err), SHALE_OK,
                         "%s missing in round %u", key, r);
            cr_assert(vl == rl && memcmp(v, round, vl) == 0, "%s from another round than %u",
                      key, r);
            shale_free(v);
        }
    } else {
        cr_assert_eq(rc, SHALE_NOT_FOUND, "%s", err.msg);
    }
    shale_free(round);
    cu_close(db);
    return r;
}
