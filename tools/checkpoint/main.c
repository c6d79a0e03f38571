/* tools/checkpoint/main.c: `checkpoint`, the admin tool for incremental
 * checkpoint storages (include/shale/checkpoint.h).
 *
 *   checkpoint list    --root=R                 completed checkpoints, sizes
 *   checkpoint verify  --root=R --id=N          every file's size and CRC32C
 *   checkpoint restore --root=R --id=N --to=DIR a database in DIR
 *   checkpoint diff    --root=R --from=N --to=M keys that differ
 *
 * The storage is opened read-only: the tool never changes it, so it may run
 * beside the application that writes it.  diff restores both checkpoints
 * into temporary directories, opens them with shale and walks both
 * iterators in key order, per column family; keys and values print as
 * ldb --hex prints them ("0x" and upper-case hex).  Errors print
 * "Failed: <status>" on stderr; exit 0 on success, 1 on failure, 2 on a
 * usage error.  Output goes through stdio: this is a tool. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shale/checkpoint.h"
#include "shale/db.h"
#include "tools/checkpoint/diff.h"

typedef struct args {
    const char *cmd, *root, *to;
    uint64_t id, from, to_id;
    bool has_id, has_from, has_to_id;
} args;

static int usage(const char *msg)
{
    if (msg != NULL)
        fprintf(stderr, "%s\n", msg);
    fprintf(stderr,
            "usage: checkpoint list    --root=DIR\n"
            "       checkpoint verify  --root=DIR --id=N\n"
            "       checkpoint restore --root=DIR --id=N --to=DIR\n"
            "       checkpoint diff    --root=DIR --from=N --to=M\n");
    return 2;
}

static int fail(const shale_err *err)
{
    char buf[256];
    fprintf(stderr, "Failed: %s\n", shale_err_format(err, buf, sizeof buf));
    return 1;
}

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end = NULL;
    if (s[0] < '0' || s[0] > '9')
        return false;
    *v = strtoull(s, &end, 10);
    return *end == '\0';
}

/* --to is a directory for restore and an id for diff. */
static int parse_args(int argc, char **argv, args *a)
{
    memset(a, 0, sizeof *a);
    if (argc < 2)
        return usage(NULL);
    a->cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (strncmp(s, "--root=", 7) == 0)
            a->root = s + 7;
        else if (strncmp(s, "--id=", 5) == 0 && parse_u64(s + 5, &a->id))
            a->has_id = true;
        else if (strncmp(s, "--from=", 7) == 0 && parse_u64(s + 7, &a->from))
            a->has_from = true;
        else if (strncmp(s, "--to=", 5) == 0) {
            a->to = s + 5;
            a->has_to_id = parse_u64(a->to, &a->to_id);
        } else
            return usage("unknown or malformed argument");
    }
    if (a->root == NULL)
        return usage("--root is required");
    return 0;
}

static int open_store(const char *root, shale_ckpt_storage **st, shale_ckpt_store **s,
                      shale_err *err)
{
    *s = NULL;
    int rc = shale_ckpt_storage_dir_open(root, st, err);
    if (rc == SHALE_OK)
        rc = shale_ckpt_store_open(*st, NULL, true, s, err);
    return rc;
}

static int cmd_list(shale_ckpt_store *s, shale_err *err)
{
    shale_ckpt_info *v = NULL;
    size_t n = 0;
    int rc = shale_ckpt_store_list(s, &v, &n, err);
    if (rc != SHALE_OK)
        return rc;
    printf("%-8s %-20s %-12s %6s %7s %14s %14s\n", "id", "time (UTC)", "sequence", "files",
           "shared", "full_bytes", "private_bytes");
    for (size_t i = 0; i < n; i++) {
        char when[32];
        time_t t = (time_t)(v[i].timestamp_micros / 1000000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
        printf("%-8" PRIu64 " %-20s %-12" PRIu64 " %6u %7u %14" PRIu64 " %14" PRIu64 "\n",
               v[i].id, when, v[i].sequence, v[i].files, v[i].shared_files, v[i].full_size,
               v[i].private_size);
    }
    printf("%zu checkpoint(s)\n", n);
    shale_free(v);
    return SHALE_OK;
}

static int cmd_verify(shale_ckpt_store *s, uint64_t id, shale_err *err)
{
    int rc = shale_ckpt_verify(s, id, err);
    if (rc == SHALE_OK)
        printf("checkpoint %" PRIu64 ": OK\n", id);
    return rc;
}

int main(int argc, char **argv)
{
    args a;
    int u = parse_args(argc, argv, &a);
    if (u != 0)
        return u;
    bool is_list = strcmp(a.cmd, "list") == 0, is_verify = strcmp(a.cmd, "verify") == 0;
    bool is_restore = strcmp(a.cmd, "restore") == 0, is_diff = strcmp(a.cmd, "diff") == 0;
    if (!is_list && !is_verify && !is_restore && !is_diff)
        return usage("unknown command");
    if ((is_verify || is_restore) && !a.has_id)
        return usage("--id is required");
    if (is_restore && (a.to == NULL || a.to[0] == '\0'))
        return usage("--to=DIR is required");
    if (is_diff && (!a.has_from || !a.has_to_id))
        return usage("--from=N and --to=M are required");
    shale_err err = {0};
    shale_ckpt_storage *st = NULL;
    shale_ckpt_store *s = NULL;
    int rc = open_store(a.root, &st, &s, &err);
    if (rc == SHALE_OK) {
        if (is_list)
            rc = cmd_list(s, &err);
        else if (is_verify)
            rc = cmd_verify(s, a.id, &err);
        else if (is_restore && (rc = shale_ckpt_restore(s, a.id, a.to, &err)) == SHALE_OK)
            printf("restored checkpoint %" PRIu64 " into %s\n", a.id, a.to);
        else if (is_diff)
            rc = ckpt_tool_diff(s, a.from, a.to_id, &err);
    }
    (void)shale_ckpt_store_close(s, false, NULL);
    shale_ckpt_storage_free(st);
    return rc == SHALE_OK ? 0 : fail(&err);
}
