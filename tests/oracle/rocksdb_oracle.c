/* tests/oracle/rocksdb_oracle.c: real RocksDB (Debian's librocksdb, C API)
 * as an oracle for interop tests.  Keys and values are hex on the command
 * line and in the output, so binary data crosses the shell safely.
 *
 *   rocksdb-oracle ingest DB FILE...          create DB if missing, ingest SSTs
 *   rocksdb-oracle put DB HEXKEY HEXVALUE...  write pairs, then flush
 *   rocksdb-oracle merge DB HEXKEY HEXOPERAND... [flush] ...
 *                                             merge operands (uint64add) in
 *                                             order; each `flush` token
 *                                             flushes the memtable there;
 *                                             the rest stays in the WAL
 *   rocksdb-oracle get [--stats] DB HEXKEY... "HEXKEY HEXVALUE" or "HEXKEY NOT_FOUND";
 *                                             --stats then prints
 *                                             "rocksdb.bloom.filter.useful N"
 *   rocksdb-oracle scan DB                    every live "HEXKEY HEXVALUE"
 *   rocksdb-oracle write-sst OUT --seed=S --count=N [--checksum=N]
 *       [--format-version=N] [--block-size=N] [--restart=N]
 *       [--compression=none|lz4|snappy|zstd] [--compressible] [--bloom=BITS]
 *                                             SstFileWriter with N random
 *                                             sorted distinct keys (1..40
 *                                             bytes) and values (0..300
 *                                             bytes); prints each pair.
 *                                             Any other --compression name
 *                                             means none.  --compressible
 *                                             repeats each value's first 8
 *                                             bytes over the rest, so the
 *                                             blocks shrink enough for
 *                                             RocksDB to keep them
 *                                             compressed
 *
 * Multi-family databases (every family the database has is opened; each
 * --op=CF:OPERATOR gives CF a merge operator, and CF is created when
 * missing; families without one have none):
 *   rocksdb-oracle cf-write DB [--op=CF:OP]... ACTION...
 *       ACTION: put CF HEXKEY HEXVALUE | merge CF HEXKEY HEXOPERAND
 *             | delete CF HEXKEY | single-delete CF HEXKEY
 *             | delete-range CF HEXBEGIN HEXEND | flush CF
 *                                             applied in order; no flush at
 *                                             the end, so writes after a
 *                                             family's last `flush` stay in
 *                                             the WAL
 *   rocksdb-oracle cf-dump DB [--op=CF:OP]... "CF HEXKEY HEXVALUE" for every
 *                                             live key of every family,
 *                                             families by name, keys in order
 *   OP: uint64add (RocksDB's built-in, "UInt64AddOperator"), stringappend
 *   ("StringAppendOperator", ','), stringappend_test
 *   ("StringAppendTESTOperator", ',', no partial merge; Flink's list
 *   operator).  The last two are RocksDB's utilities/merge_operators, not
 *   in the C API: they are written here over rocksdb_mergeoperator_create()
 *   with the same names and bytes.  cf-* databases are uncompressed.
 *
 * The single-family commands open the database with the uint64add merge
 * operator, a 10-bit Bloom filter policy in the reader options and
 * statistics enabled.
 * Exits 0 on success; on failure prints RocksDB's error text to stderr and
 * exits 1 (2 for usage errors). */
#include <rocksdb/c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_if(char *err, const char *what)
{
    if (err == NULL)
        return;
    fprintf(stderr, "%s: %s\n", what, err);
    free(err);
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: rocksdb-oracle ingest|put|merge|get|scan|write-sst|cf-write|cf-dump ... "
                    "(see source)\n");
    exit(2);
}

/* --- hex ---------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes hex into a malloc'd buffer; exits on malformed input. */
static char *unhex(const char *s, size_t *len)
{
    size_t n = strlen(s);
    if (n % 2 != 0) {
        fprintf(stderr, "odd-length hex: %s\n", s);
        exit(2);
    }
    char *out = malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (out == NULL || hi < 0 || lo < 0) {
            fprintf(stderr, "bad hex: %s\n", s);
            exit(2);
        }
        out[i] = (char)(hi * 16 + lo);
    }
    *len = n / 2;
    return out;
}

static void put_hex(const char *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        putchar(d[(unsigned char)p[i] >> 4]);
        putchar(d[(unsigned char)p[i] & 15]);
    }
}

/* --- opening ------------------------------------------------------------ */

static rocksdb_options_t *make_options(void)
{
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_uint64add_merge_operator(o);
    rocksdb_options_enable_statistics(o);
    rocksdb_block_based_table_options_t *t = rocksdb_block_based_options_create();
    rocksdb_block_based_options_set_filter_policy(t, rocksdb_filterpolicy_create_bloom(10));
    rocksdb_options_set_block_based_table_factory(o, t);
    rocksdb_block_based_options_destroy(t);
    return o;
}

static rocksdb_t *open_db(rocksdb_options_t *o, const char *path)
{
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(o, path, &err);
    die_if(err, "open");
    return db;
}

/* --- subcommands on a database ------------------------------------------ */

static int cmd_ingest(int argc, char **argv)
{
    if (argc < 2)
        usage();
    rocksdb_options_t *o = make_options();
    rocksdb_t *db = open_db(o, argv[0]);
    rocksdb_ingestexternalfileoptions_t *io = rocksdb_ingestexternalfileoptions_create();
    char *err = NULL;
    rocksdb_ingest_external_file(db, (const char *const *)(argv + 1), (size_t)(argc - 1), io,
                                 &err);
    die_if(err, "ingest");
    rocksdb_ingestexternalfileoptions_destroy(io);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    return 0;
}

static int cmd_put(int argc, char **argv)
{
    if (argc < 1 || (argc - 1) % 2 != 0)
        usage();
    rocksdb_options_t *o = make_options();
    rocksdb_t *db = open_db(o, argv[0]);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    char *err = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        size_t kl, vl;
        char *k = unhex(argv[i], &kl), *v = unhex(argv[i + 1], &vl);
        rocksdb_put(db, wo, k, kl, v, vl, &err);
        die_if(err, "put");
        free(k);
        free(v);
    }
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flush(db, fo, &err);
    die_if(err, "flush");
    rocksdb_flushoptions_destroy(fo);
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    return 0;
}

static void flush_db(rocksdb_t *db)
{
    char *err = NULL;
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flush(db, fo, &err);
    die_if(err, "flush");
    rocksdb_flushoptions_destroy(fo);
}

/* Merge operands, with "flush" tokens between pairs; no flush at the end,
 * so what follows the last token is only in the WAL (close does not flush
 * a database with its WAL on). */
static int cmd_merge(int argc, char **argv)
{
    if (argc < 1)
        usage();
    rocksdb_options_t *o = make_options();
    rocksdb_options_set_compression(o, rocksdb_no_compression);   /* uncompressed, as these tests were written */
    rocksdb_t *db = open_db(o, argv[0]);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    char *err = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "flush") == 0) {
            flush_db(db);
            continue;
        }
        if (i + 1 >= argc)
            usage();
        size_t kl, vl;
        char *k = unhex(argv[i], &kl), *v = unhex(argv[i + 1], &vl);
        rocksdb_merge(db, wo, k, kl, v, vl, &err);
        die_if(err, "merge");
        free(k);
        free(v);
        i++;
    }
    rocksdb_writeoptions_destroy(wo);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    return 0;
}

/* Prints the value of `name` from the statistics dump ("name COUNT : N"). */
static void print_ticker(rocksdb_options_t *o, const char *name)
{
    char *stats = rocksdb_options_statistics_get_string(o);
    unsigned long long v = 0;
    const char *p = stats;
    size_t n = strlen(name);
    while (p != NULL && (p = strstr(p, name)) != NULL) {
        if (p[n] == ' ' && sscanf(p + n, " COUNT : %llu", &v) == 1)
            break;
        p += n;
    }
    printf("%s %llu\n", name, v);
    free(stats);
}

static int cmd_get(int argc, char **argv)
{
    int stats = argc > 0 && strcmp(argv[0], "--stats") == 0;
    argc -= stats;
    argv += stats;
    if (argc < 1)
        usage();
    rocksdb_options_t *o = make_options();
    rocksdb_t *db = open_db(o, argv[0]);
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    for (int i = 1; i < argc; i++) {
        size_t kl, vl = 0;
        char *k = unhex(argv[i], &kl), *err = NULL;
        char *v = rocksdb_get(db, ro, k, kl, &vl, &err);
        die_if(err, "get");
        printf("%s ", argv[i]);
        if (v == NULL)
            printf("NOT_FOUND");
        else
            put_hex(v, vl);
        putchar('\n');
        free(v);
        free(k);
    }
    if (stats)
        print_ticker(o, "rocksdb.bloom.filter.useful");
    rocksdb_readoptions_destroy(ro);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    return 0;
}

static int cmd_scan(int argc, char **argv)
{
    if (argc != 1)
        usage();
    rocksdb_options_t *o = make_options();
    rocksdb_t *db = open_db(o, argv[0]);
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_iterator_t *it = rocksdb_create_iterator(db, ro);
    for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
        size_t kl, vl;
        const char *k = rocksdb_iter_key(it, &kl), *v = rocksdb_iter_value(it, &vl);
        put_hex(k, kl);
        putchar(' ');
        put_hex(v, vl);
        putchar('\n');
    }
    char *err = NULL;
    rocksdb_iter_get_error(it, &err);
    die_if(err, "scan");
    rocksdb_iter_destroy(it);
    rocksdb_readoptions_destroy(ro);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    return 0;
}

/* --- write-sst ---------------------------------------------------------- */

typedef struct sst_args {
    const char *out;
    long checksum, format_version, block_size, restart, count;
    unsigned long long seed;
    int compression;         /* a rocksdb_*_compression constant */
    int compressible;
    double bloom;
} sst_args;

static uint64_t next_rand(uint64_t *s)   /* splitmix64 */
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

typedef struct blob {
    char *p;
    size_t n;
} blob;

static int blob_cmp(const void *a, const void *b)
{
    const blob *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int r = memcmp(x->p, y->p, n);
    return r != 0 ? r : (x->n < y->n ? -1 : x->n > y->n);
}

static blob random_blob(uint64_t *s, size_t min, size_t max)
{
    blob b;
    b.n = min + (size_t)(next_rand(s) % (max - min + 1));
    b.p = malloc(b.n + 1);
    for (size_t i = 0; i < b.n; i++)
        b.p[i] = (char)(next_rand(s) & 0xff);
    return b;
}

/* count random keys, sorted, duplicates removed; *n gets the number left. */
static blob *random_keys(uint64_t *s, long count, size_t *n)
{
    blob *k = calloc((size_t)count + 1, sizeof *k);
    for (long i = 0; i < count; i++)
        k[i] = random_blob(s, 1, 40);
    qsort(k, (size_t)count, sizeof *k, blob_cmp);
    size_t m = 0;
    for (long i = 0; i < count; i++) {
        if (m > 0 && blob_cmp(&k[m - 1], &k[i]) == 0)
            free(k[i].p);
        else
            k[m++] = k[i];
    }
    *n = m;
    return k;
}

static int codec_named(const char *name)
{
    if (strcmp(name, "lz4") == 0)
        return rocksdb_lz4_compression;
    if (strcmp(name, "snappy") == 0)
        return rocksdb_snappy_compression;
    if (strcmp(name, "zstd") == 0)
        return rocksdb_zstd_compression;
    return rocksdb_no_compression;
}

/* Makes v compressible: its first 8 bytes repeated to its length. */
static void make_compressible(blob *v)
{
    for (size_t i = 8; i < v->n; i++)
        v->p[i] = v->p[i % 8];
}

static void parse_sst_args(int argc, char **argv, sst_args *a)
{
    memset(a, 0, sizeof *a);
    a->compression = rocksdb_no_compression;
    a->checksum = 1;
    a->format_version = 5;
    a->block_size = 4096;
    a->restart = 16;
    a->count = 100;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (strncmp(s, "--checksum=", 11) == 0) a->checksum = atol(s + 11);
        else if (strncmp(s, "--format-version=", 17) == 0) a->format_version = atol(s + 17);
        else if (strncmp(s, "--block-size=", 13) == 0) a->block_size = atol(s + 13);
        else if (strncmp(s, "--restart=", 10) == 0) a->restart = atol(s + 10);
        else if (strncmp(s, "--compression=", 14) == 0) a->compression = codec_named(s + 14);
        else if (strcmp(s, "--compressible") == 0) a->compressible = 1;
        else if (strncmp(s, "--seed=", 7) == 0) a->seed = strtoull(s + 7, NULL, 10);
        else if (strncmp(s, "--count=", 8) == 0) a->count = atol(s + 8);
        else if (strncmp(s, "--bloom=", 8) == 0) a->bloom = atof(s + 8);
        else if (s[0] != '-' && a->out == NULL) a->out = s;
        else usage();
    }
    if (a->out == NULL || a->count < 1)
        usage();
}

static rocksdb_options_t *sst_options(const sst_args *a)
{
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_block_based_table_options_t *t = rocksdb_block_based_options_create();
    rocksdb_block_based_options_set_checksum(t, (char)a->checksum);
    rocksdb_block_based_options_set_format_version(t, (int)a->format_version);
    rocksdb_block_based_options_set_block_size(t, (size_t)a->block_size);
    rocksdb_block_based_options_set_block_restart_interval(t, (int)a->restart);
    if (a->bloom > 0)
        rocksdb_block_based_options_set_filter_policy(t,
                                                      rocksdb_filterpolicy_create_bloom(a->bloom));
    rocksdb_options_set_block_based_table_factory(o, t);
    rocksdb_block_based_options_destroy(t);
    rocksdb_options_set_compression(o, a->compression);
    return o;
}

static int cmd_write_sst(int argc, char **argv)
{
    sst_args a;
    parse_sst_args(argc, argv, &a);
    rocksdb_options_t *o = sst_options(&a);
    rocksdb_envoptions_t *eo = rocksdb_envoptions_create();
    rocksdb_sstfilewriter_t *w = rocksdb_sstfilewriter_create(eo, o);
    char *err = NULL;
    rocksdb_sstfilewriter_open(w, a.out, &err);
    die_if(err, "open");
    uint64_t s = a.seed;
    size_t n;
    blob *keys = random_keys(&s, a.count, &n);
    for (size_t i = 0; i < n; i++) {
        blob v = random_blob(&s, 0, 300);
        if (a.compressible)
            make_compressible(&v);
        rocksdb_sstfilewriter_put(w, keys[i].p, keys[i].n, v.p, v.n, &err);
        die_if(err, "put");
        put_hex(keys[i].p, keys[i].n);
        putchar(' ');
        put_hex(v.p, v.n);
        putchar('\n');
        free(v.p);
        free(keys[i].p);
    }
    free(keys);
    rocksdb_sstfilewriter_finish(w, &err);
    die_if(err, "finish");
    rocksdb_sstfilewriter_destroy(w);
    rocksdb_envoptions_destroy(eo);
    rocksdb_options_destroy(o);
    return 0;
}

/* --- multi-family databases ----------------------------------------------- */

/* RocksDB's StringAppendOperator and StringAppendTESTOperator: the existing
 * value (when there is one) and the operands, joined by ','. */
static char *join_full_merge(void *state, const char *key, size_t key_len,
                             const char *existing, size_t existing_len,
                             const char *const *ops, const size_t *op_lens, int n,
                             unsigned char *success, size_t *new_len)
{
    (void)state, (void)key, (void)key_len;
    size_t total = existing != NULL ? existing_len : 0;
    for (int i = 0; i < n; i++)
        total += op_lens[i] + 1;
    char *out = malloc(total + 1);
    size_t len = 0;
    if (existing != NULL) {
        memcpy(out, existing, existing_len);
        len = existing_len;
    }
    for (int i = 0; i < n; i++) {
        if (existing != NULL || i > 0)
            out[len++] = ',';
        memcpy(out + len, ops[i], op_lens[i]);
        len += op_lens[i];
    }
    *new_len = len;
    *success = 1;
    return out;
}

/* StringAppendOperator's partial merge: the operands joined. */
static char *join_partial_merge(void *state, const char *key, size_t key_len,
                                const char *const *ops, const size_t *op_lens, int n,
                                unsigned char *success, size_t *new_len)
{
    return join_full_merge(state, key, key_len, NULL, 0, ops, op_lens, n, success, new_len);
}

/* StringAppendTESTOperator has none: operands stay apart until their base.
 * An empty buffer rather than NULL, which the wrapper copies. */
static char *no_partial_merge(void *state, const char *key, size_t key_len,
                              const char *const *ops, const size_t *op_lens, int n,
                              unsigned char *success, size_t *new_len)
{
    (void)state, (void)key, (void)key_len, (void)ops, (void)op_lens, (void)n;
    *success = 0;
    *new_len = 0;
    return malloc(1);
}

static void free_merged(void *state, const char *value, size_t len)
{
    (void)state, (void)len;
    free((char *)value);
}

/* RocksDB's wrapper calls the destructor unconditionally: never NULL. */
static void no_state(void *state) { (void)state; }

static const char *name_append(void *state) { (void)state; return "StringAppendOperator"; }
static const char *name_append_test(void *state)
{
    (void)state;
    return "StringAppendTESTOperator";
}

/* Gives o the merge operator named op (see the header comment). */
static void set_operator(rocksdb_options_t *o, const char *op)
{
    if (strcmp(op, "uint64add") == 0)
        rocksdb_options_set_uint64add_merge_operator(o);
    else if (strcmp(op, "stringappend") == 0)
        rocksdb_options_set_merge_operator(
            o, rocksdb_mergeoperator_create(NULL, no_state, join_full_merge, join_partial_merge,
                                            free_merged, name_append));
    else if (strcmp(op, "stringappend_test") == 0)
        rocksdb_options_set_merge_operator(
            o, rocksdb_mergeoperator_create(NULL, no_state, join_full_merge, no_partial_merge,
                                            free_merged, name_append_test));
    else
        usage();
}

#define MAX_CFS 64

typedef struct cf_db {
    rocksdb_t *db;
    int n;
    char *names[MAX_CFS];
    const char *ops[MAX_CFS];            /* NULL: no merge operator */
    rocksdb_options_t *opts[MAX_CFS];
    rocksdb_column_family_handle_t *h[MAX_CFS];
    rocksdb_options_t *db_opts;
} cf_db;

static int cf_index(const cf_db *c, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->names[i], name) == 0)
            return i;
    return -1;
}

static int cf_add(cf_db *c, const char *name)
{
    int i = cf_index(c, name);
    if (i >= 0)
        return i;
    if (c->n == MAX_CFS)
        usage();
    c->names[c->n] = strdup(name);
    c->ops[c->n] = NULL;
    return c->n++;
}

/* The database's families (default alone for a new one), then --op ones. */
static int cf_collect(cf_db *c, const char *path, int argc, char **argv)
{
    memset(c, 0, sizeof *c);
    c->db_opts = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(c->db_opts, 1);
    rocksdb_options_set_create_missing_column_families(c->db_opts, 1);
    size_t n = 0;
    char *err = NULL;
    char **names = rocksdb_list_column_families(c->db_opts, path, &n, &err);
    free(err);   /* no database yet: only "default" */
    cf_add(c, "default");
    for (size_t i = 0; names != NULL && i < n; i++)
        cf_add(c, names[i]);
    if (names != NULL)
        rocksdb_list_column_families_destroy(names, n);
    int used = 0;
    for (; used < argc && strncmp(argv[used], "--op=", 5) == 0; used++) {
        char *spec = strdup(argv[used] + 5), *colon = strrchr(spec, ':');
        if (colon == NULL)
            usage();
        *colon = '\0';
        c->ops[cf_add(c, spec)] = argv[used] + 5 + (colon - spec) + 1;
        free(spec);
    }
    return used;
}

static void cf_open(cf_db *c, const char *path)
{
    for (int i = 0; i < c->n; i++) {
        c->opts[i] = rocksdb_options_create();
        rocksdb_options_set_compression(c->opts[i], rocksdb_no_compression);
        if (c->ops[i] != NULL)
            set_operator(c->opts[i], c->ops[i]);
    }
    char *err = NULL;
    c->db = rocksdb_open_column_families(c->db_opts, path, c->n, (const char *const *)c->names,
                                         (const rocksdb_options_t *const *)c->opts, c->h, &err);
    die_if(err, "open");
}

static void cf_close(cf_db *c)
{
    for (int i = 0; i < c->n; i++)
        rocksdb_column_family_handle_destroy(c->h[i]);
    rocksdb_close(c->db);
    for (int i = 0; i < c->n; i++) {
        rocksdb_options_destroy(c->opts[i]);
        free(c->names[i]);
    }
    rocksdb_options_destroy(c->db_opts);
}

static rocksdb_column_family_handle_t *cf_handle(const cf_db *c, const char *name)
{
    int i = cf_index(c, name);
    if (i < 0) {
        fprintf(stderr, "no column family %s\n", name);
        exit(2);
    }
    return c->h[i];
}

/* One ACTION at argv[0]; returns how many arguments it used. */
static int cf_action(cf_db *c, rocksdb_writeoptions_t *wo, int argc, char **argv)
{
    static const struct { const char *name; int nargs; } acts[] = {
        {"put", 3}, {"merge", 3}, {"delete", 2}, {"single-delete", 2}, {"delete-range", 3},
        {"flush", 1},
    };
    int a = -1;
    for (int i = 0; i < (int)(sizeof acts / sizeof acts[0]); i++)
        if (strcmp(argv[0], acts[i].name) == 0)
            a = i;
    if (a < 0 || argc < 1 + acts[a].nargs)
        usage();
    rocksdb_column_family_handle_t *h = cf_handle(c, argv[1]);
    char *err = NULL;
    size_t kl = 0, vl = 0;
    char *k = a < 5 ? unhex(argv[2], &kl) : NULL;
    char *v = acts[a].nargs == 3 ? unhex(argv[3], &vl) : NULL;
    switch (a) {
    case 0: rocksdb_put_cf(c->db, wo, h, k, kl, v, vl, &err); break;
    case 1: rocksdb_merge_cf(c->db, wo, h, k, kl, v, vl, &err); break;
    case 2: rocksdb_delete_cf(c->db, wo, h, k, kl, &err); break;
    case 3: rocksdb_singledelete_cf(c->db, wo, h, k, kl, &err); break;
    case 4: rocksdb_delete_range_cf(c->db, wo, h, k, kl, v, vl, &err); break;
    default: {
        rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
        rocksdb_flush_cf(c->db, fo, h, &err);
        rocksdb_flushoptions_destroy(fo);
    }
    }
    die_if(err, argv[0]);
    free(k);
    free(v);
    return 1 + acts[a].nargs;
}

static int cmd_cf_write(int argc, char **argv)
{
    if (argc < 1)
        usage();
    cf_db c;
    int i = 1 + cf_collect(&c, argv[0], argc - 1, argv + 1);
    cf_open(&c, argv[0]);
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    while (i < argc)
        i += cf_action(&c, wo, argc - i, argv + i);
    rocksdb_writeoptions_destroy(wo);
    cf_close(&c);
    return 0;
}

static void dump_family(rocksdb_t *db, rocksdb_column_family_handle_t *h, const char *name)
{
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(db, ro, h);
    for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
        size_t kl, vl;
        const char *k = rocksdb_iter_key(it, &kl), *v = rocksdb_iter_value(it, &vl);
        printf("%s ", name);
        put_hex(k, kl);
        putchar(' ');
        put_hex(v, vl);
        putchar('\n');
    }
    char *err = NULL;
    rocksdb_iter_get_error(it, &err);
    die_if(err, "scan");
    rocksdb_iter_destroy(it);
    rocksdb_readoptions_destroy(ro);
}

static int cmd_cf_dump(int argc, char **argv)
{
    if (argc < 1)
        usage();
    cf_db c;
    if (1 + cf_collect(&c, argv[0], argc - 1, argv + 1) != argc)
        usage();
    rocksdb_options_set_create_if_missing(c.db_opts, 0);
    cf_open(&c, argv[0]);
    int order[MAX_CFS];
    for (int i = 0; i < c.n; i++) {   /* insertion sort by name */
        int j = i;
        for (; j > 0 && strcmp(c.names[order[j - 1]], c.names[i]) > 0; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    for (int i = 0; i < c.n; i++)
        dump_family(c.db, c.h[order[i]], c.names[order[i]]);
    cf_close(&c);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *cmd = argv[1];
    argc -= 2;
    argv += 2;
    if (strcmp(cmd, "ingest") == 0)
        return cmd_ingest(argc, argv);
    if (strcmp(cmd, "put") == 0)
        return cmd_put(argc, argv);
    if (strcmp(cmd, "merge") == 0)
        return cmd_merge(argc, argv);
    if (strcmp(cmd, "get") == 0)
        return cmd_get(argc, argv);
    if (strcmp(cmd, "scan") == 0)
        return cmd_scan(argc, argv);
    if (strcmp(cmd, "write-sst") == 0)
        return cmd_write_sst(argc, argv);
    if (strcmp(cmd, "cf-write") == 0)
        return cmd_cf_write(argc, argv);
    if (strcmp(cmd, "cf-dump") == 0)
        return cmd_cf_dump(argc, argv);
    usage();
    return 2;
}
