/* tests/compat/programs/prog_util.h: printing helpers shared by the C API
 * programs.  Only RocksDB's C API is used, so the same source builds
 * against librocksdb and libshale-rocksdb; output must not depend on paths,
 * timings or sizes that legitimately differ between the engines. */
#ifndef TESTS_COMPAT_PROGRAMS_PROG_UTIL_H
#define TESTS_COMPAT_PROGRAMS_PROG_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rocksdb/c.h>

/* Prints "<what>: OK" or "<what>: <category>" (the text before the first
 * ": ", i.e. RocksDB's Status category), then clears *err. */
static inline void report(const char *what, char **err)
{
    if (*err == NULL) {
        printf("%s: OK\n", what);
        return;
    }
    const char *colon = strstr(*err, ": ");
    int n = colon != NULL ? (int)(colon - *err) : (int)strlen(*err);
    printf("%s: %.*s\n", what, n, *err);
    rocksdb_free(*err);
    *err = NULL;
}

/* Prints bytes as text with non-printables escaped. */
static inline void print_bytes(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            putchar(c);
        else
            printf("\\x%02x", c);
    }
}

/* Prints "get <key> = <value>" or "get <key> = (none)" (and any error). */
static inline void print_get(rocksdb_t *db, const rocksdb_readoptions_t *ro, const char *key)
{
    char *err = NULL;
    size_t len = 0;
    char *v = rocksdb_get(db, ro, key, strlen(key), &len, &err);
    printf("get %s = ", key);
    if (err != NULL) {
        report("error", &err);
        return;
    }
    if (v == NULL) {
        printf("(none)\n");
        return;
    }
    print_bytes(v, len);
    putchar('\n');
    rocksdb_free(v);
}

/* Prints every entry an iterator yields from its current position, moving
 * forward (dir > 0) or backward. */
static inline void print_iter(const char *label, rocksdb_iterator_t *it, int dir)
{
    printf("%s:", label);
    for (; rocksdb_iter_valid(it); dir > 0 ? rocksdb_iter_next(it) : rocksdb_iter_prev(it)) {
        size_t kl, vl;
        const char *k = rocksdb_iter_key(it, &kl);
        const char *v = rocksdb_iter_value(it, &vl);
        putchar(' ');
        print_bytes(k, kl);
        putchar('=');
        print_bytes(v, vl);
    }
    putchar('\n');
    char *err = NULL;
    rocksdb_iter_get_error(it, &err);
    report("  iterator status", &err);
}

/* Prints a property's value, or "(none)" when the engine does not know it. */
static inline void print_property(rocksdb_t *db, const char *name)
{
    char *v = rocksdb_property_value(db, name);
    printf("property %s = %s\n", name, v != NULL ? v : "(none)");
    rocksdb_free(v);
}

/* argv[1] is the directory the program may use. */
static inline const char *work_dir(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s <scratch directory>\n", argv[0]);
        exit(2);
    }
    return argv[1];
}

/* dir + "/" + name in a static buffer per call site's array. */
static inline void join_path(char *out, size_t n, const char *dir, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

#endif
