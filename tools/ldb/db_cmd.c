/* tools/ldb/db_cmd.c: the ldb commands that go through an open database
 * (include/shale/db.h): get, put, delete, scan, dump, get_property and
 * compact, with RocksDB 7.8.3's output:
 *
 *   get K            VALUE                    (or "Failed: Get failed: NotFound: ")
 *   put K V, delete  OK
 *   scan             KEY : VALUE              per entry, [--from, --to), --max_keys
 *   dump             KEY ==> VALUE per entry, then "Keys in range: N";
 *                    --count_only prints the count and a value-size histogram
 *   get_property P   P: VALUE
 *   compact          nothing (or "Failed: Compaction failed: ...")
 *
 * With --hex/--key_hex/--value_hex keys and values print as 0x + upper-case
 * hex.  Text is printed the way RocksDB prints it with "%s": a NUL byte ends
 * the line's text.  Differences from RocksDB: shale opens every database
 * read-write (RocksDB opens get/scan/dump/get_property read-only), so even
 * a read replays the WAL into a table file; and get_property has no map
 * properties (RocksDB prints "P.k: v" lines for those). */
#include "tools/ldb/ldb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lsm/util/histogram.h"
#include "lsm/version/filenames.h"
#include "shale/env.h"

/* --- open / close ----------------------------------------------------------- */

static bool current_exists(const char *db)
{
    char path[4096];
    uint64_t size;
    shale_env *env = shale_env_default();
    snprintf(path, sizeof path, "%s/CURRENT", db);
    return env->ops->file_size(env, path, &size, NULL) == SHALE_OK;
}

void ldb_open_db(ldb_cmd *c)
{
    const char *db = c->db_path == NULL ? "" : c->db_path;
    bool create = c->def == &ldb_cmd_put && c->create_if_missing;
    if (!c->def->read_only && mkdir(db, 0755) != 0 && errno != EEXIST) {
        /* a read-write open creates the directory first, as RocksDB's does */
        ldb_fail(c, "IO error: %s: While mkdir if missing: %s: %s", strerror(errno), db,
                 strerror(errno));
        return;
    }
    if (!create && !current_exists(db)) {
        if (c->def->read_only)
            ldb_fail(c, "IO error: No such file or directory: While opening a file for "
                     "sequentially reading: %s/CURRENT: No such file or directory", db);
        else
            ldb_fail(c, "Invalid argument: %s/CURRENT: does not exist (create_if_missing is "
                     "false)", db);
        return;
    }
    shale_options *o = shale_options_new();
    if (o == NULL) {
        ldb_fail(c, "Out of memory: ");
        return;
    }
    shale_options_set_create_if_missing(o, create);
    shale_err err = {0};
    if (shale_db_open(o, db, &c->db, &err) != SHALE_OK) {
        char st[512];
        ldb_status_string(&err, st, sizeof st);
        ldb_fail(c, "%s", st);
    }
    shale_options_free(o);
}

void ldb_close_db(ldb_cmd *c)
{
    if (c->db != NULL)
        (void)shale_db_close(c->db, NULL);
    c->db = NULL;
}

/* Fails c with "<prefix><status>". */
static void fail_status(ldb_cmd *c, const char *prefix, const shale_err *err)
{
    char st[512];
    ldb_status_string(err, st, sizeof st);
    ldb_fail(c, "%s%s", prefix, st);
}

/* --- get / put / delete --------------------------------------------------------- */

static const char *const get_options[] = {"ttl", "hex", "key_hex", "value_hex", NULL};
static const char *const put_options[] = {"ttl", "hex", "key_hex", "value_hex",
                                          "create_if_missing", NULL};
static const char *const delete_options[] = {"hex", "key_hex", "value_hex", NULL};

static void get_init(ldb_cmd *c)
{
    if (c->n_params != 1)
        ldb_fail(c, "<key> must be specified for the get command");
    else
        ldb_key_arg(c->params[0], c->key_hex, &c->key);
}

static void print_value(const ldb_cmd *c, slice v)
{
    if (c->value_hex) {
        shale_buf h;
        shale_buf_init(&h);
        ldb_append_hex(&h, v);
        fwrite(h.data, 1, h.len, stdout);
        shale_buf_deinit(&h);
    } else {
        ldb_put_cstr(stdout, v);
    }
    fputc('\n', stdout);
}

static void get_run(ldb_cmd *c)
{
    if (c->db == NULL)
        return;
    char *val = NULL;
    size_t vlen = 0;
    shale_err err = {0};
    int rc = shale_get(c->db, NULL, c->key.data, c->key.len, &val, &vlen, &err);
    if (rc == SHALE_OK)
        print_value(c, slice_make(val, vlen));
    else if (rc == SHALE_NOT_FOUND)
        ldb_fail(c, "Get failed: NotFound: ");
    else
        fail_status(c, "Get failed: ", &err);
    shale_free(val);
}

static void put_init(ldb_cmd *c)
{
    if (c->n_params != 2) {
        ldb_fail(c, "<key> and <value> must be specified for the put command");
    } else {
        ldb_key_arg(c->params[0], c->key_hex, &c->key);
        ldb_key_arg(c->params[1], c->value_hex, &c->value);
    }
    c->create_if_missing = ldb_flag_present(c, "create_if_missing");
}

static void put_run(ldb_cmd *c)
{
    if (c->db == NULL)
        return;
    shale_err err = {0};
    if (shale_put(c->db, NULL, c->key.data, c->key.len, c->value.data, c->value.len, &err) ==
        SHALE_OK)
        printf("OK\n");
    else
        fail_status(c, "", &err);
}

static void delete_init(ldb_cmd *c)
{
    if (c->n_params != 1)
        ldb_fail(c, "KEY must be specified for the delete command");
    else
        ldb_key_arg(c->params[0], c->key_hex, &c->key);
}

static void delete_run(ldb_cmd *c)
{
    if (c->db == NULL)
        return;
    shale_err err = {0};
    if (shale_delete(c->db, NULL, c->key.data, c->key.len, &err) == SHALE_OK)
        printf("OK\n");
    else
        fail_status(c, "", &err);
}

static void get_help(shale_buf *out) { shale_buf_append_str(out, "  get <key> [--ttl]\n"); }
static void put_help(shale_buf *out)
{
    shale_buf_append_str(out, "  put <key> <value> [--create_if_missing] [--ttl]\n");
}
static void delete_help(shale_buf *out) { shale_buf_append_str(out, "  delete <key>\n"); }

const ldb_command_def ldb_cmd_get = {"get", get_options, false, true, get_init, get_run, get_help};
const ldb_command_def ldb_cmd_put = {"put", put_options, false, false, put_init, put_run, put_help};
const ldb_command_def ldb_cmd_delete = {"delete", delete_options, false, false,
                                        delete_init, delete_run, delete_help};

/* --- ranges: scan, dump, compact --------------------------------------------------- */

static void range_init(ldb_cmd *c)
{
    const char *from = ldb_opt_get(c, "from"), *to = ldb_opt_get(c, "to");
    if ((c->has_from = from != NULL))
        ldb_key_arg(from, c->key_hex, &c->from);
    if ((c->has_to = to != NULL))
        ldb_key_arg(to, c->key_hex, &c->to);
    const char *mk = ldb_opt_get(c, "max_keys");
    if (mk != NULL)
        (void)ldb_parse_max_keys(c, mk, &c->max_keys);
}

/* An iterator at --from (or the first key); NULL + c failed on no memory. */
static shale_iter *range_iter(ldb_cmd *c)
{
    shale_iter *it = shale_iter_new(c->db, NULL);
    if (it == NULL) {
        ldb_fail(c, "Out of memory: ");
        return NULL;
    }
    if (c->has_from)
        shale_iter_seek(it, c->from.data, c->from.len);
    else
        shale_iter_seek_to_first(it);
    return it;
}

static bool before_to(const ldb_cmd *c, slice key)
{
    return !c->has_to || slice_compare(key, shale_buf_slice(&c->to)) < 0;
}

/* "KEY<delim>VALUE" with each side hex or raw, printed "%s\n"-style. */
static void print_pair(const ldb_cmd *c, slice k, slice v, const char *delim, bool value)
{
    shale_buf line;
    shale_buf_init(&line);
    if (c->key_hex)
        ldb_append_hex(&line, k);
    else
        shale_buf_append_slice(&line, k);
    if (value) {
        shale_buf_append_str(&line, delim);
        if (c->value_hex)
            ldb_append_hex(&line, v);
        else
            shale_buf_append_slice(&line, v);
    }
    ldb_put_cstr(stdout, shale_buf_slice(&line));
    fputc('\n', stdout);
    shale_buf_deinit(&line);
}

static void check_iter(ldb_cmd *c, shale_iter *it, const char *prefix)
{
    shale_err err = {0};
    if (shale_iter_status(it, &err) != SHALE_OK)
        fail_status(c, prefix, &err);
}

static const char *const scan_options[] = {
    "ttl", "no_value", "hex", "key_hex", "to", "value_hex", "from", "timestamp",
    "max_keys", "start_time", "end_time", NULL,
};

static void scan_run(ldb_cmd *c)
{
    if (c->db == NULL)
        return;
    shale_iter *it = range_iter(c);
    if (it == NULL)
        return;
    bool no_value = ldb_flag_present(c, "no_value");
    int64_t scanned = 0;
    for (; shale_iter_valid(it); shale_iter_next(it)) {
        size_t kl, vl;
        const char *k = shale_iter_key(it, &kl);
        if (!before_to(c, slice_make(k, kl)))
            break;
        const char *v = shale_iter_value(it, &vl);
        print_pair(c, slice_make(k, kl), slice_make(v, vl), " : ", !no_value);
        if (c->max_keys >= 0 && ++scanned >= c->max_keys)
            break;
    }
    check_iter(c, it, "");
    shale_iter_free(it);
}

static void scan_help(shale_buf *out)
{
    shale_buf_append_str(out, "  scan");
    ldb_help_range(out);
    shale_buf_append_str(out, " [--ttl] [--timestamp] [--max_keys=<N>q]  [--no_value]\n");
}

const ldb_command_def ldb_cmd_scan = {"scan", scan_options, false, true,
                                      range_init, scan_run, scan_help};

/* --- dump -------------------------------------------------------------------------- */

static const char *const dump_options[] = {
    "ttl", "hex", "key_hex", "value_hex", "from", "to", "max_keys", "count_only",
    "count_delim", "stats", "start_time", "end_time", "bucket", "timestamp", "path",
    "decode_blob_index", "dump_uncompressed_blobs", NULL,
};

static void dump_init(ldb_cmd *c)
{
    range_init(c);
    c->count_only = ldb_flag_present(c, "count_only");
    const char *path = ldb_opt_get(c, "path");
    if (path != NULL && c->db_path == NULL)
        c->db_path = path;
}

/* dump --path=FILE: by the file's name, as RocksDB does. */
static void dump_path(ldb_cmd *c, const char *path)
{
    const char *base = strrchr(path, '/');
    enum file_kind kind;
    uint64_t number;
    ldb_succeed(c, "");
    if (!filename_parse(base == NULL ? path : base + 1, &kind, &number)) {
        ldb_fail(c, "Can't parse file type: %s", path);
        return;
    }
    if (kind == FILE_WAL)
        ldb_dump_wal_file(c, path, true, true);
    else if (kind == FILE_MANIFEST)
        ldb_dump_manifest_file(path, false, c->key_hex);
    else   /* RocksDB dumps tables too: use shale-sst-dump for those */
        ldb_fail(c, "File type not supported: %s", path);
}

static void print_count_only(const histogram *h)
{
    char *s = histogram_to_string(h);
    printf("Value size distribution: \n%s\n", s == NULL ? "" : s);
    free(s);
}

static void dump_run(ldb_cmd *c)
{
    const char *path = ldb_opt_get(c, "path");
    if (c->db == NULL) {
        if (path != NULL)
            dump_path(c, path);
        return;
    }
    shale_iter *it = range_iter(c);
    if (it == NULL)
        return;
    histogram h;
    histogram_init(&h);
    uint64_t count = 0;
    int64_t left = c->max_keys;
    for (; shale_iter_valid(it) && left != 0; shale_iter_next(it)) {
        size_t kl, vl;
        const char *k = shale_iter_key(it, &kl);
        if (!before_to(c, slice_make(k, kl)))
            break;
        const char *v = shale_iter_value(it, &vl);
        if (left > 0)
            left--;
        count++;
        if (c->count_only)
            histogram_add(&h, vl);
        else
            print_pair(c, slice_make(k, kl), slice_make(v, vl), " ==> ", true);
    }
    printf("Keys in range: %" PRIu64 "\n", count);
    if (c->count_only)
        print_count_only(&h);
    check_iter(c, it, "Iterator error.");
    shale_iter_free(it);
}

static void dump_help(shale_buf *out)
{
    shale_buf_append_str(out, "  dump");
    ldb_help_range(out);
    shale_buf_append_str(out, " [--max_keys=<N>] [--count_only] [--path=<path_to_a_file>]\n");
}

const ldb_command_def ldb_cmd_dump = {"dump", dump_options, false, true,
                                      dump_init, dump_run, dump_help};

/* --- get_property ------------------------------------------------------------------ */

static void property_init(ldb_cmd *c)
{
    if (c->n_params != 1)
        ldb_fail(c, "property name must be specified");
}

static void property_run(ldb_cmd *c)
{
    if (c->db == NULL)
        return;
    const char *name = c->params[0];
    char *v = shale_get_property(c->db, name);
    if (v == NULL) {
        ldb_fail(c, "failed to get property: %s", name);
        return;
    }
    printf("%s: %s\n", name, v);
    shale_free(v);
}

static void property_help(shale_buf *out)
{
    shale_buf_append_str(out, "  get_property <property_name>\n");
}

const ldb_command_def ldb_cmd_get_property = {"get_property", NULL, false, true,
                                              property_init, property_run, property_help};

/* --- compact ------------------------------------------------------------------------- */

static const char *const compact_options[] = {"from", "to", "hex", "key_hex", "value_hex",
                                              "ttl", NULL};

static void compact_run(ldb_cmd *c)
{
    if (c->db == NULL)
        return;
    shale_err err = {0};
    int rc = shale_compact_range(c->db, c->has_from ? c->from.data : NULL, c->from.len,
                                 c->has_to ? c->to.data : NULL, c->to.len, &err);
    if (rc != SHALE_OK)
        fail_status(c, "Compaction failed: ", &err);
    else
        ldb_succeed(c, "");
}

static void compact_help(shale_buf *out)
{
    shale_buf_append_str(out, "  compact");
    ldb_help_range(out);
    shale_buf_append_str(out, "\n");
}

const ldb_command_def ldb_cmd_compact = {"compact", compact_options, false, false,
                                         range_init, compact_run, compact_help};
