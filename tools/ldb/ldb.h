/* tools/ldb/ldb.h: shared pieces of `ldb` (installed as shale-ldb), the
 * admin tool that behaves like RocksDB 7.8.3's `ldb`: same command line
 * (`--db=PATH [global flags] COMMAND [params] [--cmd flags]`), same output
 * lines, same "Failed: <status>" line on stderr and the same exit codes, so
 * scripts written against RocksDB's tool keep working.  docs/tools.md has
 * the user's view.
 *
 * Split by concern:
 *   main.c          argument parsing, option validation, dispatch, help,
 *                   the execute-state machine (NOT_STARTED/SUCCEED/FAILED)
 *   util.c          hex, status text, key/value parsing shared by commands
 *   wal_cmd.c       dump_wal (no database needed)
 *   manifest_cmd.c  manifest_dump, list_column_families, checkconsistency
 *                   (read the MANIFEST directly; never open the database)
 *   db_cmd.c        get, put, delete, scan, dump, get_property, compact
 *                   (through the public API, include/shale/db.h)
 * Cross-file functions carry the `ldb_` prefix.  Output goes through stdio:
 * this is a tool, not library code. */
#ifndef TOOLS_LDB_LDB_H
#define TOOLS_LDB_LDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lsm/util/buf.h"
#include "lsm/util/slice.h"
#include "shale/api.h"
#include "shale/db.h"
#include "shale/err.h"

/* RocksDB's LDBCommandExecuteResult states. */
typedef enum ldb_state { LDB_NOT_STARTED, LDB_SUCCEED, LDB_FAILED } ldb_state;

/* One "--name=value" option; both point into argv. */
typedef struct ldb_opt {
    const char *name;
    size_t name_len;
    const char *value;
} ldb_opt;

typedef struct ldb_cmd ldb_cmd;

/* A command: its name, the options it accepts besides the common ones,
 * whether it opens the database first, and its steps. */
typedef struct ldb_command_def {
    const char *name;
    const char *const *valid;      /* NULL-terminated extra option names */
    bool no_db_open;               /* RocksDB's NoDBOpen() */
    bool read_only;                /* RocksDB opens these read-only */
    void (*init)(ldb_cmd *c);      /* the constructor: parses params and flags */
    void (*run)(ldb_cmd *c);       /* DoCommand() */
    void (*help)(shale_buf *out);  /* one "  name ..." usage line */
} ldb_command_def;

/* The parsed command line and what running the command produced. */
struct ldb_cmd {
    const ldb_command_def *def;
    char **params;                 /* tokens after the command name (argv) */
    size_t n_params;
    ldb_opt *opts;                 /* "--x=y"; a later repeat wins, as in a map */
    size_t n_opts;
    const char **flags;            /* "--x" without '=' (name only) */
    size_t n_flags;

    const char *db_path;           /* --db, or NULL */
    bool key_hex, value_hex;       /* --hex/--key_hex/--value_hex */
    bool try_load_options;         /* computed as RocksDB does; only its effect on
                                      error handling is kept (options files are
                                      not loaded) */
    bool create_if_missing;        /* for put */

    /* Command state filled by init. */
    shale_buf key, value, from, to;
    bool has_from, has_to;
    int64_t max_keys;              /* -1 = no limit */
    bool count_only;

    ldb_state state;
    shale_buf msg;                 /* the execute-result message */
    shale_db *db;
};

/* --- main.c: options ----------------------------------------------------- */

/* Value of option `name`, or NULL when absent. */
const char *ldb_opt_get(const ldb_cmd *c, const char *name);
bool ldb_flag_present(const ldb_cmd *c, const char *name);
/* Sets the execute state and message (printf-style). */
void ldb_fail(ldb_cmd *c, const char *fmt, ...) SHALE_PRINTF(2, 3);
void ldb_succeed(ldb_cmd *c, const char *msg);
/* "[--from] [--to] " with the leading blank, as RocksDB's HelpRangeCmdArgs. */
void ldb_help_range(shale_buf *out);

/* --- util.c -------------------------------------------------------------- */

/* Appends "0x" and s in upper-case hex (RocksDB's StringToHex). */
void ldb_append_hex(shale_buf *out, slice s);
/* RocksDB's HexToString: decodes "0x..." into out.  On bad input it prints
 * RocksDB's message and aborts the process, as RocksDB's uncaught throw
 * does (exit status 134), so scripts see the same failure. */
void ldb_hex_to_string(const char *in, shale_buf *out);
/* Copies `in` into out, hex-decoded when hex is set. */
void ldb_key_arg(const char *in, bool hex, shale_buf *out);
/* Writes RocksDB's Status::ToString() text of err: "NotFound: msg",
 * "Corruption: msg", "IO error: msg", ... (always "<Name>: ").  */
void ldb_status_string(const shale_err *err, char *buf, size_t n);
/* Parses --max_keys like std::stoi (leading blanks, sign, digits, junk after
 * ignored).  false + c failed with RocksDB's message on error. */
bool ldb_parse_max_keys(ldb_cmd *c, const char *s, int64_t *out);
/* Prints s as "%s": up to its first NUL, as RocksDB's c_str() printing does. */
void ldb_put_cstr(FILE *to, slice s);

/* --- command definitions (one file per group) ------------------------------ */
extern const ldb_command_def ldb_cmd_dump_wal;
extern const ldb_command_def ldb_cmd_manifest_dump;
extern const ldb_command_def ldb_cmd_list_column_families;
extern const ldb_command_def ldb_cmd_checkconsistency;
extern const ldb_command_def ldb_cmd_get;
extern const ldb_command_def ldb_cmd_put;
extern const ldb_command_def ldb_cmd_delete;
extern const ldb_command_def ldb_cmd_scan;
extern const ldb_command_def ldb_cmd_dump;
extern const ldb_command_def ldb_cmd_get_property;
extern const ldb_command_def ldb_cmd_compact;

/* --- manifest_cmd.c, shared with dump --path ------------------------------- */

/* Prints what RocksDB's DumpManifestFile prints for `path` (errors go to
 * stderr as "Error in processing file ..." and do not fail the command). */
void ldb_dump_manifest_file(const char *path, bool verbose, bool hex);

/* --- wal_cmd.c, shared with dump --path ------------------------------------ */
void ldb_dump_wal_file(ldb_cmd *c, const char *path, bool header, bool values);

/* --- db_cmd.c ---------------------------------------------------------------- */

/* Opens c->db_path for a command that needs the database (RocksDB's
 * OpenDB): sets c->db, or fails c with RocksDB's words for a missing DB. */
void ldb_open_db(ldb_cmd *c);
void ldb_close_db(ldb_cmd *c);

#endif
