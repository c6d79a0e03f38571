/* tools/sst_dump/main.c: flags, usage, the file/directory walk and the
 * per-command dispatch of `sst-dump` (installed as shale-sst-dump).
 *
 * The walk and the lines printed follow RocksDB 7.8.3's sst_dump
 * (tools/sst_dump_tool.cc) so that output diffs against it are empty:
 *   - a directory is listed in readdir order (RocksDB's GetChildren order,
 *     unsorted) and its members are named "<dir>/<name>";
 *   - only names longer than 4 bytes ending in ".sst" are processed, also
 *     when --file names a single file;
 *   - "Process <file>", "Sst file format: block-based", then once, after
 *     the first valid file and for check/scan only, "from [HEX] to [HEX]";
 *   - verify and raw end a file's processing (no properties after them);
 *   - --read_num spans files with RocksDB's counting (see scan.c).
 * Where we differ on purpose (docs/tools.md): any failure makes the exit
 * status 1 (RocksDB exits 0 after a failed check or verify), an unknown
 * command is an error, and RocksDB flags we lack are refused with
 * "Not implemented". */
#include "tools/sst_dump/sst_dump.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "shale/api.h"
#include "shale/env.h"

#define DASHES "------------------------------\n"

/* --- usage ----------------------------------------------------------------- */

static void usage(FILE *to)
{
    fputs("usage: shale-sst-dump --file=<sst file or directory> "
          "[--command=check|scan|raw|verify|identify|none] [flags]\n"
          "\n"
          "  --file=PATH         an SST file, or a directory: every *.sst in it\n"
          "  --command=CMD       what to do with each file (default: check)\n"
          "      check     read every entry; report only errors\n"
          "      scan      read and print entries: 'key' seq:N, type:T => value\n"
          "      raw       write every block of <file>_dump.txt (<file> without .sst)\n"
          "      verify    read and check every block the file references\n"
          "      identify  say whether the file is an SST file, or list the SST\n"
          "                files of a directory\n"
          "      none      only open the file (use with --show_properties)\n"
          "  --from=KEY          check/scan: start at this user key\n"
          "  --to=KEY            check/scan: stop before this user key\n"
          "  --prefix=KEY        check/scan: only keys with this prefix (not with --from)\n"
          "  --input_key_hex     --from/--to/--prefix are 0x-prefixed hex\n"
          "  --read_num=N        check/scan: stop after N entries (over all files)\n"
          "  --output_hex        scan: print keys and values in hex\n"
          "  --verify_checksum   check/scan: verify each data block's checksum\n"
          "  --show_properties   print the table properties of each file\n"
          "  --show_summary      print block totals over all files\n"
          "  --help              print this help and exit\n",
          to);
}

/* RocksDB's sst_dump flags this tool does not implement. */
static const char *const unsupported_flags[] = {
    "--env_uri=", "--fs_uri=", "--decode_blob_index", "--set_block_size=",
    "--compression_types=", "--parse_internal_key=", "--compression_level_from=",
    "--compression_level_to=", "--compression_max_dict_bytes=",
    "--compression_zstd_max_train_bytes=", "--compression_max_dict_buffer_bytes=",
    "--compression_use_zstd_finalize_dict",
};

/* --- flag parsing ------------------------------------------------------------ */

static bool has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* Digits only, no sign or junk, fits in 64 bits. */
static bool parse_u64(const char *s, uint64_t *v)
{
    if (*s == '\0')
        return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (*end != '\0' || errno != 0 || s[0] < '0' || s[0] > '9')
        return false;
    *v = (uint64_t)n;
    return true;
}

static bool set_key(shale_buf *b, const char *s)
{
    shale_buf_clear(b);
    shale_buf_append_str(b, s);
    return shale_buf_ok(b);
}

static bool is_unsupported(const char *arg)
{
    for (size_t i = 0; i < sizeof unsupported_flags / sizeof unsupported_flags[0]; i++) {
        const char *u = unsupported_flags[i];
        size_t n = strlen(u);
        if (u[n - 1] == '=' ? strncmp(arg, u, n) == 0 : strcmp(arg, u) == 0)
            return true;
    }
    return false;
}

/* Parses one boolean or valued flag; false if arg is no known flag. */
static bool parse_flag(sstd_flags *f, const char *arg)
{
    if (has_prefix(arg, "--file="))
        f->file = arg + 7;
    else if (has_prefix(arg, "--command="))
        f->command = arg + 10;
    else if (strcmp(arg, "--output_hex") == 0)
        f->output_hex = true;
    else if (strcmp(arg, "--input_key_hex") == 0)
        f->input_key_hex = true;
    else if (strcmp(arg, "--verify_checksum") == 0)
        f->verify_checksum = true;
    else if (strcmp(arg, "--show_properties") == 0)
        f->show_properties = true;
    else if (strcmp(arg, "--show_summary") == 0)
        f->show_summary = true;
    else if (has_prefix(arg, "--read_num="))
        return parse_u64(arg + 11, &f->read_num);
    else if (has_prefix(arg, "--from="))
        f->has_from = set_key(&f->from, arg + 7);
    else if (has_prefix(arg, "--to="))
        f->has_to = set_key(&f->to, arg + 5);
    else if (has_prefix(arg, "--prefix="))
        f->use_prefix = set_key(&f->from, arg + 9);
    else if (has_prefix(arg, "--readahead_size="))
        return true;   /* a read-ahead hint: accepted, nothing to tune here */
    else
        return false;
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "0x" + an even number of hex digits -> bytes, in place.  RocksDB's
 * wording for a missing "0x". */
static bool decode_hex_key(shale_buf *b)
{
    shale_buf_append_byte(b, 0);
    if (!shale_buf_ok(b))
        return false;
    const char *s = b->data;
    size_t n = strlen(s);
    if (n < 2 || s[0] != '0' || s[1] != 'x') {
        fprintf(stderr, "Invalid hex input %s.  Must start with 0x\n", s);
        return false;
    }
    if (n % 2 != 0) {
        fprintf(stderr, "Invalid argument: odd number of hex digits in '%s'\n", s);
        return false;
    }
    size_t out = 0;
    for (size_t i = 2; i < n; i += 2) {
        int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "Invalid argument: bad hex digit in '%s'\n", s);
            return false;
        }
        b->data[out++] = (char)(hi << 4 | lo);
    }
    shale_buf_truncate(b, out);
    return true;
}

/* The checks RocksDB makes after reading all flags.  0 = fine, else the
 * exit status. */
static int check_flags(sstd_flags *f)
{
    if (f->use_prefix && f->has_from) {
        fputs("Cannot specify --prefix and --from\n\n", stderr);
        return 1;
    }
    if (f->input_key_hex && (((f->has_from || f->use_prefix) && !decode_hex_key(&f->from)) ||
                             (f->has_to && !decode_hex_key(&f->to))))
        return 1;
    if (f->file == NULL) {
        fputs("file or directory must be specified.\n\n", stderr);
        usage(stderr);
        return 1;
    }
    const char *c = f->command;
    if (strcmp(c, "recompress") == 0) {
        fputs("Not implemented: --command=recompress is not supported by shale-sst-dump\n",
              stderr);
        return 1;
    }
    if (*c != '\0' && strcmp(c, "check") != 0 && strcmp(c, "scan") != 0 &&
        strcmp(c, "raw") != 0 && strcmp(c, "verify") != 0 && strcmp(c, "identify") != 0 &&
        strcmp(c, "none") != 0) {
        fprintf(stderr, "Invalid argument: unknown command '%s'\n\n", c);
        usage(stderr);
        return 1;
    }
    return 0;
}

/* -1: go on; otherwise the exit status. */
static int parse_args(int argc, char **argv, sstd_flags *f)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("shale-sst-dump %s (RocksDB 7.8.3 sst_dump compatible)\n", shale_version());
            return 0;
        }
        if (is_unsupported(a)) {
            fprintf(stderr, "Not implemented: %s is not supported by shale-sst-dump\n", a);
            return 1;
        }
        if (!parse_flag(f, a)) {
            fprintf(stderr, "Unrecognized argument '%s'\n\n", a);
            usage(stderr);
            return 1;
        }
    }
    int rc = check_flags(f);
    return rc == 0 ? -1 : rc;
}

/* --- the walk ---------------------------------------------------------------- */

typedef struct run_state {
    sstd_flags *f;
    shale_env *env;
    bool dir;
    bool failed;             /* some file failed: exit 1 at the end */
    uint64_t total_read;     /* entries counted over files (RocksDB's way) */
    char **valid;            /* names of the files that opened */
    size_t num_valid;
    uint64_t sum_files, sum_blocks, sum_data, sum_index, sum_filter;
} run_state;

enum { NEXT_FILE, STOP_WALK };

static bool is_cmd(const run_state *s, const char *c) { return strcmp(s->f->command, c) == 0; }

static void report(const char *file, const shale_err *err)
{
    char text[SHALE_ERR_MSG_LEN + 64];
    fflush(stdout);
    fprintf(stderr, "%s: %s\n", file, shale_err_format(err, text, sizeof text));
}

static void print_from_to(const sstd_flags *f)
{
    shale_buf b = SHALE_BUF_INIT;
    shale_buf_append_str(&b, "from [");
    sstd_append_hex(&b, shale_buf_slice(&f->from));
    shale_buf_append_str(&b, "] to [");
    sstd_append_hex(&b, shale_buf_slice(&f->to));
    shale_buf_append_str(&b, "]\n");
    if (shale_buf_ok(&b))
        fwrite(b.data, 1, b.len, stdout);
    shale_buf_deinit(&b);
}

/* Opens a file as RocksDB's SstFileDumper does, printing its lines. */
static int open_table(run_state *s, const char *path, sst_reader **r, shale_err *err)
{
    uint64_t size = 0;
    *r = NULL;
    printf("Process %s\n", path);
    if (s->env->ops->file_size(s->env, path, &size, NULL) == SHALE_OK && size == 0) {
        fflush(stdout);
        fprintf(stderr, "%s: Operation aborted: %s: Empty file\n", path, path);
        return SHALE_CORRUPTION;
    }
    int rc = sst_reader_open(s->env, path, NULL, r, err);
    if (rc != SHALE_OK) {
        report(path, err);
        return rc;
    }
    if (!sst_reader_has_properties(*r))
        printf("Not able to read table properties\nSst file format: block-based(old version)\n");
    else
        printf("Sst file format: block-based\n");
    return SHALE_OK;
}

static int remember_valid(run_state *s, const char *path)
{
    char **v = realloc(s->valid, (s->num_valid + 1) * sizeof *v);
    if (v == NULL)
        return SHALE_NO_MEMORY;
    s->valid = v;
    if ((v[s->num_valid] = strdup(path)) == NULL)
        return SHALE_NO_MEMORY;
    s->num_valid++;
    if (s->num_valid == 1 && (is_cmd(s, "check") || is_cmd(s, "scan") || is_cmd(s, "")))
        print_from_to(s->f);
    return SHALE_OK;
}

static void run_raw(run_state *s, sst_reader *r, const char *path)
{
    shale_err err = {0};
    size_t n = strlen(path) - 4;
    char *out = malloc(n + sizeof "_dump.txt");
    int rc = SHALE_NO_MEMORY;
    if (out != NULL) {
        memcpy(out, path, n);
        memcpy(out + n, "_dump.txt", sizeof "_dump.txt");
        rc = sstd_raw_dump(r, out, &err);
    }
    if (rc == SHALE_OK) {
        printf("raw dump written to file %s\n", out);
    } else {
        err.code = rc;
        report(path, &err);
        s->failed = true;
    }
    free(out);
}

static int run_read(run_state *s, sst_reader *r, const char *path)
{
    const sstd_flags *f = s->f;
    uint64_t limit = f->read_num > 0 ? f->read_num - s->total_read : f->read_num;
    sstd_read_result res;
    shale_err err = {0};
    if (sstd_read_sequential(r, f, is_cmd(s, "scan"), limit, &res, &err) != SHALE_OK) {
        report(path, &err);
        s->failed = true;
    }
    s->total_read += res.visited;
    return f->read_num > 0 && s->total_read > f->read_num ? STOP_WALK : NEXT_FILE;
}

static void run_verify(run_state *s, sst_reader *r, const char *path)
{
    shale_err err = {0};
    char text[SHALE_ERR_MSG_LEN + 64];
    if (sst_reader_verify(r, &err) == SHALE_OK) {
        printf("The file is ok\n");
        return;
    }
    fflush(stdout);
    fprintf(stderr, "%s is corrupted: %s\n", path, shale_err_format(&err, text, sizeof text));
    s->failed = true;
}

static void run_properties(run_state *s, sst_reader *r)
{
    const sst_props *p = sst_reader_props(r);
    if (s->f->show_properties)
        sstd_print_properties(stdout, p);
    s->sum_files++;
    s->sum_blocks += p->num_data_blocks;
    s->sum_data += p->data_size;
    s->sum_index += p->index_size;
    s->sum_filter += p->filter_size;
}

static int process_file(run_state *s, const char *path)
{
    sst_reader *r = NULL;
    shale_err err = {0};
    int next = NEXT_FILE;
    if (open_table(s, path, &r, &err) != SHALE_OK) {
        s->failed = true;
        return NEXT_FILE;
    }
    if (remember_valid(s, path) != SHALE_OK) {
        fputs("Out of memory\n", stderr);
        s->failed = true;
        next = STOP_WALK;
    } else if (is_cmd(s, "raw")) {
        run_raw(s, r, path);
        next = s->failed ? STOP_WALK : NEXT_FILE;   /* RocksDB exits on a failed dump */
    } else if (is_cmd(s, "verify")) {
        run_verify(s, r, path);
    } else {
        if (is_cmd(s, "") || is_cmd(s, "check") || is_cmd(s, "scan"))
            next = run_read(s, r, path);
        if (next == NEXT_FILE && (s->f->show_properties || s->f->show_summary))
            run_properties(s, r);
    }
    sst_reader_unref(r);
    return next;
}

/* Lists --file: a directory's names, or the path itself.  RocksDB treats a
 * path it cannot list, or an empty directory, as a file. */
static int list_inputs(run_state *s, char ***names, size_t *count)
{
    const char *p = s->f->file;
    shale_err err = {0};
    uint64_t size;
    if (s->env->ops->list_dir(s->env, p, names, count, NULL) == SHALE_OK && *count > 0) {
        s->dir = true;
        return 0;
    }
    shale_env_free_names(*names, *count);
    *names = NULL;
    *count = 0;
    int rc = s->env->ops->file_size(s->env, p, &size, &err);
    if (rc != SHALE_OK) {
        if (rc == SHALE_NOT_FOUND || err.sys_errno == ENOENT)
            fprintf(stderr, "NotFound: %s: No such file or directory\n", p);
        else
            report(p, &err);
        return 1;
    }
    if ((*names = malloc(sizeof **names)) == NULL || ((*names)[0] = strdup(p)) == NULL) {
        fputs("Out of memory\n", stderr);
        return 1;
    }
    *count = 1;
    return 0;
}

static bool is_sst_name(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".sst") == 0;
}

static int walk(run_state *s, char **names, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (!is_sst_name(names[i]))
            continue;
        char *path = names[i];
        if (s->dir && asprintf(&path, "%s/%s", s->f->file, names[i]) < 0) {
            fputs("Out of memory\n", stderr);
            return 1;
        }
        int next = process_file(s, path);
        if (path != names[i])
            free(path);
        if (next == STOP_WALK)
            break;
    }
    return 0;
}

static int finish(run_state *s)
{
    const char *p = s->f->file;
    if (s->f->show_summary)
        printf("total number of files: %" PRIu64 "\ntotal number of data blocks: %" PRIu64
               "\ntotal data block size: %" PRIu64 "\ntotal index block size: %" PRIu64
               "\ntotal filter block size: %" PRIu64 "\n",
               s->sum_files, s->sum_blocks, s->sum_data, s->sum_index, s->sum_filter);
    fflush(stdout);
    if (s->num_valid == 0) {
        if (s->dir) {
            printf(DASHES);
            fflush(stdout);
            fprintf(stderr, "No valid SST files found in %s\n", p);
        } else {
            fprintf(stderr, "%s is not a valid SST file\n", p);
        }
        return 1;
    }
    if (is_cmd(s, "identify") && s->dir) {
        printf(DASHES "List of valid SST files found in %s:\n", p);
        for (size_t i = 0; i < s->num_valid; i++)
            printf("%s\n", s->valid[i]);
        printf("Number of valid SST files: %zu\n", s->num_valid);
    } else if (is_cmd(s, "identify")) {
        printf("%s is a valid SST file\n", p);
    }
    return s->failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    sstd_flags f = {.command = "", .read_num = UINT64_MAX};
    shale_buf_init(&f.from);
    shale_buf_init(&f.to);
    run_state s = {.f = &f, .env = shale_env_default()};
    char **names = NULL;
    size_t count = 0;
    int status = parse_args(argc, argv, &f);
    if (status < 0) {
        /* Same shape as RocksDB's first line, so scripts that skip it work. */
        printf("options.env is %p\n", (void *)s.env);
        status = list_inputs(&s, &names, &count);
        if (status == 0)
            status = walk(&s, names, count);
        if (status == 0)
            status = finish(&s);
    }
    shale_env_free_names(names, count);
    for (size_t i = 0; i < s.num_valid; i++)
        free(s.valid[i]);
    free(s.valid);
    sstd_flags_deinit(&f);
    fflush(stdout);
    return status;
}
