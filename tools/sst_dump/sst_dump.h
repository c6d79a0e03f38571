/* tools/sst_dump/sst_dump.h: shared pieces of `sst-dump` (installed as
 * shale-sst-dump), an SST inspector that prints what RocksDB 7.8.3's
 * `sst_dump` prints for the same file, so people's scripts and habits carry
 * over.  See docs/tools.md for the user's view.
 *
 * Split by concern:
 *   main.c         flags, usage, file/directory walk, per-command dispatch
 *   scan.c         check/scan (ReadSequential), verify, key/value printing
 *   props_print.c  the "Table Properties:" block, unique ID, raw user props
 *   raw_dump.c     --command=raw: <file>_dump.txt, block by block
 * Cross-file functions carry the `sstd_` prefix.  Everything prints to
 * stdout/stderr with stdio: this is a tool, not library code. */
#ifndef TOOLS_SST_DUMP_SST_DUMP_H
#define TOOLS_SST_DUMP_SST_DUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lsm/table/properties.h"
#include "lsm/table/sst_reader.h"
#include "lsm/util/buf.h"
#include "lsm/util/slice.h"
#include "shale/err.h"

/* What the command line asked for.  Keys are owned (malloc'd): release with
 * sstd_flags_deinit(). */
typedef struct sstd_flags {
    const char *file;        /* --file=, borrowed from argv */
    const char *command;     /* --command=, borrowed; "" = check */
    uint64_t read_num;       /* --read_num=; UINT64_MAX when absent (RocksDB's default) */
    bool verify_checksum;    /* --verify_checksum */
    bool output_hex;         /* --output_hex */
    bool input_key_hex;      /* --input_key_hex */
    bool show_properties;    /* --show_properties */
    bool show_summary;       /* --show_summary */
    bool has_from, has_to, use_prefix;
    shale_buf from, to;      /* user keys (hex already decoded); from holds --prefix too */
} sstd_flags;

void sstd_flags_deinit(sstd_flags *f);

/* What one ReadSequential-style pass did. */
typedef struct sstd_read_result {
    uint64_t visited;   /* entries stepped on, as RocksDB counts them */
} sstd_read_result;

/* --- scan.c -------------------------------------------------------------- */

/* Appends s as upper-case hex (RocksDB's Slice::ToString(true)). */
void sstd_append_hex(shale_buf *b, slice s);

/* Iterates the data entries of r from --from (or the first), stopping at
 * --to / outside --prefix / after `limit` entries (0 = no limit, RocksDB's
 * quirk), printing each as RocksDB does when `print` is set.  Returns the
 * iterator status; res->visited counts as RocksDB counts. */
int sstd_read_sequential(sst_reader *r, const sstd_flags *f, bool print, uint64_t limit,
                         sstd_read_result *res, shale_err *err);

/* --- props_print.c ------------------------------------------------------- */

/* Appends TableProperties::ToString(prop_delim, kv_delim) of RocksDB 7.8.3:
 * every line, same labels, order and number formatting. */
void sstd_props_to_string(shale_buf *out, const sst_props *p, const char *prop_delim,
                          const char *kv_delim);
/* Prints the --show_properties block ("Table Properties:" ... "Raw user
 * collected properties" and its "  # name: 0xHEX" lines) to out. */
void sstd_print_properties(FILE *out, const sst_props *p);
/* RocksDB's unique ID in human form ("XXXXXXXXXXXXXXXX-XXXXXXXXXXXXXXXX"),
 * or false when the properties lack what it is derived from (RocksDB then
 * prints "N/A").  buf must hold 34 bytes. */
bool sstd_unique_id(const sst_props *p, char buf[34]);

/* --- raw_dump.c ---------------------------------------------------------- */

/* Writes RocksDB's DumpTable() layout for r into out_path. */
int sstd_raw_dump(sst_reader *r, const char *out_path, shale_err *err);

#endif
