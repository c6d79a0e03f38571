/* tests/checkpoint/tool_test.c: the `checkpoint` tool (build tree binary):
 * list, verify, restore and diff, their output and exit codes.  Expected
 * diff lines are written out from the workload by hand (keys and values in
 * ldb's upper-case hex). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/checkpoint/ckpt_util.h"
#include "tests/support/test_util.h"

static char *g_tmp, *g_db, *g_root, *g_tool;

static void put(shale_db *db, const char *k, const char *v)
{
    cr_assert_eq(shale_put(db, NULL, k, strlen(k), v, strlen(v), NULL), SHALE_OK);
}

/* Checkpoint 1: a=1 b=2 c=3.  Checkpoint 2: a deleted, b=22, d=4. */
static void setup(void)
{
    g_tmp = test_tmpdir("ckpt-tool");
    cr_assert_not_null(g_tmp);
    g_db = cu_join(g_tmp, "db");
    g_root = cu_join(g_tmp, "store");
    g_tool = build_path("checkpoint");
    shale_ckpt_storage *st = NULL;
    shale_ckpt_store *s = cu_store(&st, g_root, 2);
    shale_db *db = cu_open(g_db, 0, true);
    put(db, "a", "1"), put(db, "b", "2"), put(db, "c", "3");
    shale_err err = {0};
    cr_assert_eq(shale_ckpt_take(s, db, NULL, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(shale_delete(db, NULL, "a", 1, NULL), SHALE_OK);
    put(db, "b", "22"), put(db, "d", "4");
    cr_assert_eq(shale_ckpt_take(s, db, NULL, &err), SHALE_OK, "%s", err.msg);
    cu_close(db);
    (void)shale_ckpt_store_close(s, false, NULL);
    shale_ckpt_storage_free(st);
}

static void teardown(void)
{
    test_rmtree(g_tmp);
    free(g_tmp), free(g_db), free(g_root), free(g_tool);
}

TestSuite(tool, .init = setup, .fini = teardown);

SHALE_PRINTF(2, 3)
static char *run(int *status, const char *fmt, ...)
{
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "'%s' %s 2>&1", g_tool, args);
    char *out = test_run(cmd, status);
    cr_assert_not_null(out, "cannot run %s", cmd);
    return out;
}

Test(tool, list_shows_both_checkpoints_with_sizes)
{
    int st;
    char *out = run(&st, "list --root='%s'", g_root);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert(strncmp(out, "id ", 3) == 0, "%s", out);
    cr_assert(strstr(out, "\n1 ") != NULL && strstr(out, "\n2 ") != NULL, "%s", out);
    cr_assert(strstr(out, "2 checkpoint(s)\n") != NULL, "%s", out);
    free(out);
}

Test(tool, verify_reports_ok_then_corruption_after_damage)
{
    int st;
    char *out = run(&st, "verify --root='%s' --id=2", g_root);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_str_eq(out, "checkpoint 2: OK\n");
    free(out);
    char *cur = cu_join(g_root, "chk-2/CURRENT");
    cr_assert(test_write_file(cur, "MANIFEST-000099\n", 16));
    out = run(&st, "verify --root='%s' --id=2", g_root);
    cr_assert_eq(st, 1, "%s", out);
    cr_assert(strncmp(out, "Failed: Corruption: ", 20) == 0, "%s", out);
    cr_assert(strstr(out, "chk-2/CURRENT") != NULL, "%s", out);
    free(out), free(cur);
    out = run(&st, "verify --root='%s' --id=9", g_root);
    cr_assert_eq(st, 1);
    cr_assert(strstr(out, "NotFound") != NULL, "%s", out);
    free(out);
}

Test(tool, diff_prints_added_removed_and_changed_keys_in_hex)
{
    int st;
    char *out = run(&st, "diff --root='%s' --from=1 --to=2", g_root);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_str_eq(out, "- 0x61 : 0x31\n"
                          "~ 0x62 : 0x32 -> 0x3232\n"
                          "+ 0x64 : 0x34\n"
                          "added 1, removed 1, changed 1\n");
    free(out);
    out = run(&st, "diff --root='%s' --from=2 --to=2", g_root);
    cr_assert_str_eq(out, "added 0, removed 0, changed 0\n");
    free(out);
}

Test(tool, restore_writes_a_database_with_the_checkpoint_content)
{
    int st;
    char *dir = cu_join(g_tmp, "restored");
    char *out = run(&st, "restore --root='%s' --id=1 --to='%s'", g_root, dir);
    cr_assert_eq(st, 0, "%s", out);
    char want[512];
    snprintf(want, sizeof want, "restored checkpoint 1 into %s\n", dir);
    cr_assert_str_eq(out, want);
    free(out);
    kv_dump d = cu_dump_dir(dir);
    cr_assert_str_eq(d.text, "61=31\n62=32\n63=33\n");
    cu_dump_free(&d);
    out = run(&st, "restore --root='%s' --id=1 --to='%s'", g_root, dir);
    cr_assert_eq(st, 1, "restoring over an existing directory must fail");
    cr_assert(strstr(out, "Invalid argument") != NULL, "%s", out);
    free(out), free(dir);
}

Test(tool, usage_errors_exit_2)
{
    int st;
    char *out = run(&st, "verify --root='%s'", g_root);
    cr_assert_eq(st, 2, "%s", out);
    free(out);
    out = run(&st, "frobnicate --root='%s'", g_root);
    cr_assert_eq(st, 2);
    free(out);
    out = run(&st, "list");
    cr_assert_eq(st, 2);
    free(out);
}
