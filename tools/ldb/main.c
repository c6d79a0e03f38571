/* tools/ldb/main.c: the command line of `ldb` (shale-ldb): parsing,
 * option validation, dispatch, help, and the execute-state machine, all with
 * RocksDB 7.8.3's rules (tools/ldb_cmd.cc, tools/ldb_tool.cc) so that the
 * same command line gives the same lines and exit status:
 *   - "--x=y" is an option (a later repeat wins), "--x" a flag, and
 *     everything else a token: the first token is the command, the rest its
 *     parameters; "--x=" (nothing after '=') is the flag "x", as RocksDB's
 *     split makes it;
 *   - the command's constructor (init) runs before validation, so a bad hex
 *     key aborts before an unknown option is reported;
 *   - validation reports the first unknown option in name order, then the
 *     first unknown flag, then a missing --db;
 *   - a command that failed in init does not run; a command that needs the
 *     database and cannot open it does not run either (try_load_options,
 *     on by default with --db, makes RocksDB stop there too);
 *   - the result is printed to stderr as "Failed: <msg>" (or <msg> alone on
 *     success, when not empty); exit status 1 on failure, else 0. */
#include "tools/ldb/ldb.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "shale/api.h"

static const ldb_command_def *const commands[] = {
    &ldb_cmd_put,      &ldb_cmd_get,          &ldb_cmd_scan,
    &ldb_cmd_delete,   &ldb_cmd_checkconsistency,
    &ldb_cmd_dump_wal, &ldb_cmd_compact,      &ldb_cmd_dump,
    &ldb_cmd_manifest_dump, &ldb_cmd_get_property, &ldb_cmd_list_column_families,
};
#define NUM_COMMANDS (sizeof commands / sizeof commands[0])

/* Options every command accepts (RocksDB's BuildCmdLineOptions base). */
static const char *const common_options[] = {
    "env_uri", "fs_uri", "db", "secondary_path", "bloom_bits", "block_size",
    "auto_compaction", "compression_type", "compression_max_dict_bytes",
    "write_buffer_size", "file_size", "fix_prefix_len", "try_load_options",
    "disable_consistency_checks", "enable_blob_files", "min_blob_size",
    "blob_file_size", "blob_compression_type", "enable_blob_garbage_collection",
    "blob_garbage_collection_age_cutoff", "blob_garbage_collection_force_threshold",
    "blob_compaction_readahead_size", "blob_file_starting_level",
    "prepopulate_blob_cache", "ignore_unknown_options", "column_family", NULL,
};

/* --- options ------------------------------------------------------------- */

static bool name_is(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(s, name, n) == 0;
}

const char *ldb_opt_get(const ldb_cmd *c, const char *name)
{
    for (size_t i = c->n_opts; i-- > 0;)   /* the last repeat wins */
        if (name_is(c->opts[i].name, c->opts[i].name_len, name))
            return c->opts[i].value;
    return NULL;
}

bool ldb_flag_present(const ldb_cmd *c, const char *name)
{
    for (size_t i = 0; i < c->n_flags; i++)
        if (strcmp(c->flags[i], name) == 0)
            return true;
    return false;
}

void ldb_fail(ldb_cmd *c, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    c->state = LDB_FAILED;
    shale_buf_clear(&c->msg);
    shale_buf_append_str(&c->msg, buf);
}

void ldb_succeed(ldb_cmd *c, const char *msg)
{
    c->state = LDB_SUCCEED;
    shale_buf_clear(&c->msg);
    shale_buf_append_str(&c->msg, msg);
}

void ldb_help_range(shale_buf *out)
{
    shale_buf_append_str(out, " [--from] [--to] ");
}

/* RocksDB's StringToBool: "true"/"false" in any case; anything else is an
 * uncaught throw (abort). */
static bool string_to_bool(const char *v)
{
    if (strcasecmp(v, "true") == 0)
        return true;
    if (strcasecmp(v, "false") == 0)
        return false;
    fputs("terminate called after throwing an instance of 'char const*'\n", stderr);
    abort();
}

static bool bool_option(const ldb_cmd *c, const char *name, bool dflt)
{
    const char *v = ldb_opt_get(c, name);
    return v == NULL ? dflt : string_to_bool(v);
}

/* --- parsing ----------------------------------------------------------------- */

/* One argument: option, flag or token (RocksDB's ParseSingleParam). */
static void parse_arg(ldb_cmd *c, char *arg, char **tokens, size_t *n_tokens)
{
    if (arg[0] != '-' || arg[1] != '-') {
        tokens[(*n_tokens)++] = arg;
        return;
    }
    const char *body = arg + 2, *eq = strchr(body, '=');
    /* Pieces as a getline split on '=' makes them: a trailing '=' adds none. */
    size_t pieces = 1;
    for (const char *p = body; *p != '\0'; p++)
        if (*p == '=' && p[1] != '\0')
            pieces++;
    if (eq == NULL || pieces == 1) {
        if (eq != NULL)
            *(char *)eq = '\0';       /* "--x=" is the flag x */
        c->flags[c->n_flags++] = body;
        return;
    }
    ldb_opt *o = &c->opts[c->n_opts++];
    o->name = body;
    o->name_len = (size_t)(eq - body);
    o->value = eq + 1;
    if (pieces == 2) {                 /* "x=y=" keeps "y" only */
        size_t vl = strlen(o->value);
        if (vl > 0 && o->value[vl - 1] == '=')
            ((char *)o->value)[vl - 1] = '\0';
    }
}

static bool in_list(const char *const *list, const char *s, size_t n)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++)
        if (name_is(s, n, list[i]))
            return true;
    return false;
}

static bool valid_name(const ldb_cmd *c, const char *s, size_t n)
{
    return in_list(common_options, s, n) || in_list(c->def->valid, s, n);
}

static int opt_name_cmp(const ldb_opt *a, const ldb_opt *b)
{
    size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
    int r = memcmp(a->name, b->name, n);
    return r != 0 ? r : (a->name_len > b->name_len) - (a->name_len < b->name_len);
}

/* RocksDB's ValidateCmdLineOptions. */
static bool validate(const ldb_cmd *c)
{
    const ldb_opt *bad = NULL;
    for (size_t i = 0; i < c->n_opts; i++)
        if (!valid_name(c, c->opts[i].name, c->opts[i].name_len) &&
            (bad == NULL || opt_name_cmp(&c->opts[i], bad) < 0))
            bad = &c->opts[i];
    if (bad != NULL) {
        fprintf(stderr, "Invalid command-line option %.*s\n", (int)bad->name_len, bad->name);
        return false;
    }
    for (size_t i = 0; i < c->n_flags; i++) {
        if (!valid_name(c, c->flags[i], strlen(c->flags[i]))) {
            fprintf(stderr, "Invalid command-line flag %s\n", c->flags[i]);
            return false;
        }
    }
    if (!c->def->no_db_open && ldb_opt_get(c, "db") == NULL && ldb_opt_get(c, "path") == NULL) {
        fputs("Either db or path must be specified.\n", stderr);
        return false;
    }
    return true;
}

/* The LDBCommand constructor's common part. */
static void init_common(ldb_cmd *c)
{
    c->db_path = ldb_opt_get(c, "db");
    c->key_hex = ldb_flag_present(c, "hex") || ldb_flag_present(c, "key_hex") ||
                 bool_option(c, "hex", false) || bool_option(c, "key_hex", false);
    c->value_hex = ldb_flag_present(c, "hex") || ldb_flag_present(c, "value_hex") ||
                   bool_option(c, "hex", false) || bool_option(c, "value_hex", false);
    bool dflt = c->db_path != NULL && !ldb_flag_present(c, "create_if_missing") &&
                !ldb_flag_present(c, "ttl");
    c->try_load_options = ldb_flag_present(c, "try_load_options") ||
                          bool_option(c, "try_load_options", dflt);
    c->max_keys = -1;
}

/* --- help ------------------------------------------------------------------------ */

static void print_help(FILE *to)
{
    shale_buf h;
    shale_buf_init(&h);
    shale_buf_append_str(&h,
        "shale-ldb - shale's admin tool, compatible with RocksDB 7.8.3's ldb\n\n"
        "commands MUST specify --db=<full_path_to_db_directory> when necessary\n\n"
        "The following optional parameters control if keys/values are input/output "
        "as hex or as plain strings:\n"
        "  --key_hex : Keys are input/output as hex\n"
        "  --value_hex : Values are input/output as hex\n"
        "  --hex : Both keys and values are input/output as hex\n\n"
        "The following optional parameters control the database internals:\n"
        "  --try_load_options : accepted for compatibility (shale keeps its own options)\n"
        "  --ignore_unknown_options : accepted for compatibility\n"
        "  --create_if_missing : with put: create the database if it is missing\n\n\n"
        "Data Access Commands:\n");
    for (size_t i = 0; i < NUM_COMMANDS; i++) {
        if (commands[i] == &ldb_cmd_dump_wal)
            shale_buf_append_str(&h, "\n\nAdmin Commands:\n");
        commands[i]->help(&h);
    }
    fprintf(to, "%.*s\n", (int)h.len, h.data);
    shale_buf_deinit(&h);
}

/* --- running ---------------------------------------------------------------------- */

static const ldb_command_def *select_command(const char *name)
{
    for (size_t i = 0; i < NUM_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* RocksDB's LDBCommand::Run(). */
static void run(ldb_cmd *c)
{
    if (c->state != LDB_NOT_STARTED)
        return;
    if (c->db == NULL && !c->def->no_db_open) {
        ldb_open_db(c);
        if (c->state == LDB_FAILED && c->try_load_options)
            return;
    }
    c->def->run(c);
    if (c->state == LDB_NOT_STARTED)
        ldb_succeed(c, "");
    ldb_close_db(c);
}

static void cmd_deinit(ldb_cmd *c)
{
    ldb_close_db(c);
    free(c->opts);
    free(c->flags);
    shale_buf_deinit(&c->key);
    shale_buf_deinit(&c->value);
    shale_buf_deinit(&c->from);
    shale_buf_deinit(&c->to);
    shale_buf_deinit(&c->msg);
}

static int run_command_line(int argc, char **argv)
{
    ldb_cmd c;
    memset(&c, 0, sizeof c);
    char **tokens = calloc((size_t)argc, sizeof *tokens);
    c.opts = calloc((size_t)argc, sizeof *c.opts);
    c.flags = calloc((size_t)argc, sizeof *c.flags);
    if (tokens == NULL || c.opts == NULL || c.flags == NULL) {
        fputs("out of memory\n", stderr);
        free(tokens);
        cmd_deinit(&c);
        return 1;
    }
    size_t n_tokens = 0;
    for (int i = 1; i < argc; i++)
        parse_arg(&c, argv[i], tokens, &n_tokens);
    if (n_tokens == 0)
        fputs("Command not specified!", stderr);
    c.def = n_tokens == 0 ? NULL : select_command(tokens[0]);
    int rc = 1;
    if (c.def == NULL) {
        fputs("Unknown command\n", stderr);
        print_help(stderr);
        goto out;
    }
    c.params = tokens + 1;
    c.n_params = n_tokens - 1;
    init_common(&c);
    c.def->init(&c);
    if (!validate(&c))
        goto out;
    run(&c);
    if (c.state == LDB_FAILED)
        fprintf(stderr, "Failed: %.*s\n", (int)c.msg.len, c.msg.data);
    else if (c.msg.len > 0)
        fprintf(stderr, "%.*s\n", (int)c.msg.len, c.msg.data);
    rc = c.state == LDB_FAILED ? 1 : 0;
out:
    free(tokens);
    cmd_deinit(&c);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc <= 2) {
        if (argc == 2 && strcmp(argv[1], "--version") == 0) {
            printf("ldb from shale %s (RocksDB 7.8.3 compatible)\n", shale_version());
            return 0;
        }
        if (argc == 2 && strcmp(argv[1], "--help") == 0) {
            print_help(stdout);
            return 0;
        }
        print_help(stderr);
        return 1;
    }
    return run_command_line(argc, argv);
}
