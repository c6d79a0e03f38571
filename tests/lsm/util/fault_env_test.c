/* tests/lsm/util/fault_env_test.c: the fault-injecting env's own contract
 * (tests/support/fault_env.h), checked against the real files it leaves on
 * disk: Nth-operation failures, and power loss that drops unsynced bytes
 * and undoes directory operations no sync_dir() covered. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/fault_env.h"
#include "tests/support/test_util.h"

static char *g_dir;
static shale_env *g_env;

static void setup(void)
{
    g_dir = test_tmpdir("faultenv");
    cr_assert_not_null(g_dir);
    g_env = fault_env_new(shale_env_default());
    cr_assert_not_null(g_env);
}

static void teardown(void)
{
    fault_env_free(g_env);
    test_rmtree(g_dir);
    free(g_dir);
}

TestSuite(fault_env, .init = setup, .fini = teardown);

static char *path_of(const char *name)
{
    static char buf[4][4096];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 4096, "%s/%s", g_dir, name);
    return p;
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

/* Disk content of a file as a NUL-terminated string ("" if empty). */
static char *content(const char *path)
{
    size_t len;
    char *d = test_read_file(path, &len);
    cr_assert_not_null(d, "cannot read %s", path);
    return d;
}

static void append_str(shale_file *f, const char *s)
{
    shale_err err = {0};
    cr_assert_eq(shale_file_append(f, s, strlen(s), &err), SHALE_OK, "%s", err.msg);
}

/* Creates `name` with `synced` durable (file and directory) and then
 * `unsynced` appended; returns the open file. */
static shale_file *make_file(const char *name, const char *synced, const char *unsynced)
{
    shale_file *f = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_env_open_write(g_env, path_of(name), &f, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(g_env->ops->sync_dir(g_env, g_dir, &err), SHALE_OK);
    append_str(f, synced);
    cr_assert_eq(shale_file_sync(f, &err), SHALE_OK);
    append_str(f, unsynced);
    return f;
}

Test(fault_env, nth_write_fails_once_with_the_chosen_errno)
{
    shale_file *f = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_env_open_write(g_env, path_of("a"), &f, &err), SHALE_OK);
    fault_env_fail_nth(g_env, FAULT_OP_WRITE, 2, ENOSPC, false);
    append_str(f, "one");
    cr_assert_eq(shale_file_append(f, "two", 3, &err), SHALE_IO_ERROR);
    cr_assert_eq(err.sys_errno, ENOSPC);
    append_str(f, "three");
    shale_file_close(f, NULL);
    cr_assert_eq(fault_env_op_count(g_env, FAULT_OP_WRITE), 3);
    cr_assert_eq(fault_env_injected_failures(g_env), 1);
    char *c = content(path_of("a"));
    cr_assert_str_eq(c, "onethree", "a failed append writes nothing");
    free(c);
}

Test(fault_env, persistent_sync_failure_lasts_until_cleared)
{
    shale_file *f = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_env_open_write(g_env, path_of("a"), &f, &err), SHALE_OK);
    append_str(f, "x");
    fault_env_fail_nth(g_env, FAULT_OP_SYNC, 1, EIO, true);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(shale_file_sync(f, &err), SHALE_IO_ERROR);
        cr_assert_eq(err.sys_errno, EIO);
    }
    uint64_t size, synced;
    cr_assert_eq(fault_env_file_state(g_env, path_of("a"), &size, &synced), SHALE_OK);
    cr_assert(size == 1 && synced == 0, "a failed sync makes nothing durable");
    fault_env_clear_faults(g_env);
    cr_assert_eq(shale_file_sync(f, &err), SHALE_OK);
    cr_assert_eq(fault_env_file_state(g_env, path_of("a"), &size, &synced), SHALE_OK);
    cr_assert_eq(synced, 1);
    shale_file_close(f, NULL);
}

Test(fault_env, open_rename_remove_and_sync_dir_failures_change_nothing)
{
    shale_err err = {0};
    shale_file *f = NULL;
    fault_env_fail_nth(g_env, FAULT_OP_OPEN, 1, EIO, false);
    cr_assert_eq(shale_env_open_write(g_env, path_of("a"), &f, &err), SHALE_IO_ERROR);
    cr_assert_null(f);
    cr_assert(!exists(path_of("a")));
    shale_file_close(make_file("a", "data", ""), NULL);

    fault_env_fail_nth(g_env, FAULT_OP_RENAME, 1, EIO, false);
    cr_assert_eq(g_env->ops->rename(g_env, path_of("a"), path_of("b"), &err), SHALE_IO_ERROR);
    cr_assert(exists(path_of("a")) && !exists(path_of("b")));

    fault_env_fail_nth(g_env, FAULT_OP_REMOVE, 1, EIO, false);
    cr_assert_eq(g_env->ops->remove(g_env, path_of("a"), &err), SHALE_IO_ERROR);
    cr_assert(exists(path_of("a")));

    cr_assert_eq(g_env->ops->rename(g_env, path_of("a"), path_of("b"), &err), SHALE_OK);
    fault_env_fail_nth(g_env, FAULT_OP_SYNC_DIR, 1, EIO, false);
    cr_assert_eq(g_env->ops->sync_dir(g_env, g_dir, &err), SHALE_IO_ERROR);
    cr_assert_eq(fault_env_pending_dir_ops(g_env), 1, "a failed sync_dir commits nothing");
    cr_assert_eq(fault_env_op_count(g_env, FAULT_OP_SYNC_DIR), 2);
}

Test(fault_env, injected_read_failure_is_an_io_error)
{
    shale_file_close(make_file("a", "abc", ""), NULL);
    shale_file *f = NULL;
    shale_err err = {0};
    char buf[8];
    size_t got = 99;
    cr_assert_eq(shale_env_open_read(g_env, path_of("a"), &f, &err), SHALE_OK);
    fault_env_fail_nth(g_env, FAULT_OP_READ, 1, EIO, false);
    cr_assert_eq(shale_file_pread(f, 0, 3, buf, &got, &err), SHALE_IO_ERROR);
    cr_assert_eq(got, 0);
    cr_assert_eq(shale_file_pread(f, 0, 3, buf, &got, &err), SHALE_OK);
    cr_assert(got == 3 && memcmp(buf, "abc", 3) == 0);
    shale_file_close(f, NULL);
}

Test(fault_env, power_loss_drops_unsynced_bytes_and_keeps_synced_ones)
{
    shale_file *f = make_file("a", "durable-", "lost");
    uint64_t size, synced;
    cr_assert_eq(fault_env_file_state(g_env, path_of("a"), &size, &synced), SHALE_OK);
    cr_assert(size == 12 && synced == 8);
    shale_file_close(f, NULL);
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    char *c = content(path_of("a"));
    cr_assert_str_eq(c, "durable-");
    free(c);
    cr_assert_eq(fault_env_file_state(g_env, path_of("a"), &size, &synced), SHALE_OK);
    cr_assert(size == 8 && synced == 8, "after the crash what is left is durable");
}

Test(fault_env, random_prefix_is_seeded_and_within_the_unsynced_range)
{
    const char *tail = "0123456789abcdefghijklmnopqrstuvwxyz";
    size_t lens[2];
    bool saw_partial = false;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        for (int run = 0; run < 2; run++) {
            fault_env_set_seed(g_env, seed);
            shale_file *f = make_file("a", "S", tail);
            shale_file_close(f, NULL);
            cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_KEEP_RANDOM_PREFIX, NULL),
                         SHALE_OK);
            char *c = content(path_of("a"));
            lens[run] = strlen(c);
            cr_assert(lens[run] >= 1 && lens[run] <= 1 + strlen(tail));
            cr_assert(c[0] == 'S' && strncmp(c + 1, tail, lens[run] - 1) == 0);
            saw_partial |= lens[run] > 1 && lens[run] < 1 + strlen(tail);
            free(c);
        }
        cr_assert_eq(lens[0], lens[1], "seed %d must give the same cut", (int)seed);
    }
    cr_assert(saw_partial, "some seed keeps part of the unsynced bytes");
}

Test(fault_env, garbling_keeps_length_and_synced_bytes)
{
    char unsynced[600];
    memset(unsynced, 'u', sizeof unsynced - 1);
    unsynced[sizeof unsynced - 1] = '\0';
    shale_file *f = make_file("a", "synced-part", unsynced);
    shale_file_close(f, NULL);
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_GARBLE_UNSYNCED, NULL), SHALE_OK);
    size_t len;
    char *d = test_read_file(path_of("a"), &len);
    cr_assert_eq(len, 11 + 599);
    cr_assert(memcmp(d, "synced-part", 11) == 0);
    size_t same = 0;
    for (size_t i = 11; i < len; i++)
        same += d[i] == 'u';
    cr_assert_lt(same, 50, "unsynced bytes must be garbled (%zu kept)", same);
    free(d);
}

Test(fault_env, power_loss_undoes_an_unsynced_create)
{
    shale_file *f = NULL;
    shale_err err = {0};
    cr_assert_eq(shale_env_open_write(g_env, path_of("new"), &f, &err), SHALE_OK);
    append_str(f, "data");
    cr_assert_eq(shale_file_sync(f, &err), SHALE_OK);   /* data synced, directory not */
    shale_file_close(f, NULL);
    cr_assert_eq(fault_env_pending_dir_ops(g_env), 1);
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    cr_assert(!exists(path_of("new")));
    uint64_t size, synced;
    cr_assert_eq(fault_env_file_state(g_env, path_of("new"), &size, &synced), SHALE_NOT_FOUND);
}

Test(fault_env, synced_create_survives_power_loss)
{
    shale_file_close(make_file("kept", "data", ""), NULL);
    cr_assert_eq(fault_env_pending_dir_ops(g_env), 0);
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    char *c = content(path_of("kept"));
    cr_assert_str_eq(c, "data");
    free(c);
}

Test(fault_env, power_loss_undoes_an_unsynced_rename_and_restores_the_replaced_file)
{
    shale_err err = {0};
    shale_file_close(make_file("CURRENT", "old", ""), NULL);
    shale_file_close(make_file("CURRENT.tmp", "new", ""), NULL);
    cr_assert_eq(g_env->ops->rename(g_env, path_of("CURRENT.tmp"), path_of("CURRENT"), &err),
                 SHALE_OK);
    char *c = content(path_of("CURRENT"));
    cr_assert_str_eq(c, "new");
    free(c);
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    c = content(path_of("CURRENT"));
    cr_assert_str_eq(c, "old");
    free(c);
    c = content(path_of("CURRENT.tmp"));
    cr_assert_str_eq(c, "new");
    free(c);
}

Test(fault_env, synced_rename_survives_power_loss)
{
    shale_err err = {0};
    shale_file_close(make_file("CURRENT", "old", ""), NULL);
    shale_file_close(make_file("CURRENT.tmp", "new", ""), NULL);
    cr_assert_eq(g_env->ops->rename(g_env, path_of("CURRENT.tmp"), path_of("CURRENT"), &err),
                 SHALE_OK);
    cr_assert_eq(g_env->ops->sync_dir(g_env, g_dir, &err), SHALE_OK);
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    char *c = content(path_of("CURRENT"));
    cr_assert_str_eq(c, "new");
    free(c);
    cr_assert(!exists(path_of("CURRENT.tmp")));
}

Test(fault_env, power_loss_undoes_an_unsynced_remove_with_durable_content)
{
    shale_err err = {0};
    shale_file *f = make_file("a", "keep", "-unsynced");
    shale_file_close(f, NULL);
    cr_assert_eq(g_env->ops->remove(g_env, path_of("a"), &err), SHALE_OK);
    cr_assert(!exists(path_of("a")));
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    char *c = content(path_of("a"));
    cr_assert_str_eq(c, "keep");
    free(c);
    /* A synced remove stays done. */
    cr_assert_eq(g_env->ops->remove(g_env, path_of("a"), &err), SHALE_OK);
    cr_assert_eq(g_env->ops->sync_dir(g_env, g_dir, &err), SHALE_OK);
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    cr_assert(!exists(path_of("a")));
}

Test(fault_env, handles_opened_before_power_loss_are_dead)
{
    shale_file *f = make_file("a", "x", "y");
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    shale_err err = {0};
    cr_assert_eq(shale_file_append(f, "z", 1, &err), SHALE_IO_ERROR);
    cr_assert_eq(err.sys_errno, EIO);
    cr_assert_eq(shale_file_sync(f, &err), SHALE_IO_ERROR);
    cr_assert_eq(shale_file_close(f, &err), SHALE_OK);
    char *c = content(path_of("a"));
    cr_assert_str_eq(c, "x");
    free(c);
}

Test(fault_env, drop_unsynced_tail_never_cuts_synced_bytes)
{
    shale_err err = {0};
    shale_file *f = make_file("a", "0123456789", "abcdefghij");
    cr_assert_eq(fault_env_drop_unsynced_tail(g_env, path_of("a"), 4, &err), SHALE_OK);
    char *c = content(path_of("a"));
    cr_assert_str_eq(c, "0123456789abcdef");
    free(c);
    cr_assert_eq(fault_env_drop_unsynced_tail(g_env, path_of("a"), 1000, &err), SHALE_OK);
    c = content(path_of("a"));
    cr_assert_str_eq(c, "0123456789");
    free(c);
    cr_assert_eq(fault_env_drop_unsynced_tail(g_env, path_of("nope"), 1, &err), SHALE_NOT_FOUND);
    shale_file_close(f, NULL);
}

Test(fault_env, append_mode_reopen_counts_existing_bytes_as_synced)
{
    shale_err err = {0};
    shale_file_close(make_file("a", "base", ""), NULL);
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    shale_file *f = NULL;
    cr_assert_eq(g_env->ops->open_append(g_env, path_of("a"), &f, &err), SHALE_OK);
    append_str(f, "+more");
    uint64_t size, synced;
    cr_assert_eq(fault_env_file_state(g_env, path_of("a"), &size, &synced), SHALE_OK);
    cr_assert(size == 9 && synced == 4);
    shale_file_close(f, NULL);
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, NULL), SHALE_OK);
    char *c = content(path_of("a"));
    cr_assert_str_eq(c, "base");
    free(c);
}

/* ---- preallocation (allocate / truncate file ops) ---- */

static uint64_t disk_size(const char *path)
{
    uint64_t size = 0;
    shale_env *pe = shale_env_default();
    cr_assert_eq(pe->ops->file_size(pe, path, &size, NULL), SHALE_OK);
    return size;
}

/* The POSIX env: allocate extends the file with zeros but appends go on
 * at the append position, size() stays that position, truncate cuts back. */
Test(fault_env, posix_allocate_extends_with_zeros_and_appends_stay_in_place)
{
    shale_env *pe = shale_env_default();
    shale_file *f = NULL;
    shale_err err = {0};
    const char *p = path_of("pre");
    cr_assert_eq(shale_env_open_write(pe, p, &f, &err), SHALE_OK, "%s", err.msg);
    cr_assert(shale_file_can_allocate(f));
    append_str(f, "abc");
    cr_assert_eq(f->ops->allocate(f, 3, 8189, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(disk_size(p), 8192, "allocate without KEEP_SIZE grows the file");
    append_str(f, "defg");
    uint64_t logical = 0;
    cr_assert_eq(shale_file_size(f, &logical, &err), SHALE_OK);
    cr_assert_eq(logical, 7);
    cr_assert_eq(disk_size(p), 8192);
    size_t len = 0;
    char *d = test_read_file(p, &len);
    cr_assert(len == 8192 && memcmp(d, "abcdefg", 7) == 0, "appends land at offset 3");
    for (size_t i = 7; i < len; i++)
        cr_assert_eq(d[i], 0, "byte %zu of the reserved range", i);
    free(d);
    cr_assert_eq(f->ops->truncate(f, 7, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(disk_size(p), 7);
    append_str(f, "h");
    cr_assert_str_eq(content(p), "abcdefgh");
    cr_assert_neq(f->ops->truncate(f, 100, NULL), SHALE_OK, "no truncate past the bytes written");
    cr_assert_eq(shale_file_close(f, &err), SHALE_OK);
}

/* open_append writes at the end on disk: there allocate only reserves. */
Test(fault_env, posix_allocate_on_an_append_mode_file_keeps_its_size)
{
    shale_env *pe = shale_env_default();
    shale_file *f = NULL;
    const char *p = path_of("app");
    cr_assert_eq(pe->ops->open_append(pe, p, &f, NULL), SHALE_OK);
    append_str(f, "xy");
    cr_assert_eq(f->ops->allocate(f, 2, 65536, NULL), SHALE_OK);
    append_str(f, "z");
    cr_assert_eq(disk_size(p), 3);
    cr_assert_str_eq(content(p), "xyz");
    shale_file_close(f, NULL);
}

/* Through the fault env: a reservation followed by a sync survives power
 * loss as zeros after the synced bytes (what fallocate + fdatasync leave);
 * unsynced appended bytes inside it are lost to zeros. */
Test(fault_env, power_loss_keeps_a_synced_reservation_as_zeros)
{
    shale_file *f = make_file("w", "synced", "");
    shale_err err = {0};
    cr_assert_eq(f->ops->allocate(f, 6, 4090, &err), SHALE_OK, "%s", err.msg);
    cr_assert_eq(shale_file_sync(f, &err), SHALE_OK);
    append_str(f, "lost");
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, &err), SHALE_OK,
                 "%s", err.msg);
    size_t len = 0;
    char *d = test_read_file(path_of("w"), &len);
    cr_assert(len == 4096 && memcmp(d, "synced", 6) == 0, "len %zu", len);
    for (size_t i = 6; i < len; i++)
        cr_assert_eq(d[i], 0, "byte %zu", i);
    free(d);
    shale_file_close(f, NULL);
}

/* Without a sync after it, the reservation is not durable: power loss cuts
 * the file to its synced bytes. */
Test(fault_env, unsynced_reservation_is_lost_in_a_power_loss)
{
    shale_file *f = make_file("u", "abc", "def");
    shale_err err = {0};
    cr_assert_eq(f->ops->allocate(f, 6, 1000, &err), SHALE_OK);
    cr_assert_eq(disk_size(path_of("u")), 1006);
    cr_assert_eq(fault_env_simulate_power_loss(g_env, FAULT_DROP_ALL_UNSYNCED, &err), SHALE_OK);
    cr_assert_str_eq(content(path_of("u")), "abc");
    cr_assert_eq(disk_size(path_of("u")), 3);
    shale_file_close(f, NULL);
}

/* A file's truncate() goes to the target file and is tracked like the
 * env's truncate(): bytes written shrink, synced bytes never exceed them. */
Test(fault_env, file_truncate_is_tracked)
{
    shale_file *f = make_file("t", "abcd", "ef");
    shale_err err = {0};
    cr_assert_eq(f->ops->truncate(f, 3, &err), SHALE_OK, "%s", err.msg);
    uint64_t size = 0, synced = 0;
    cr_assert_eq(fault_env_file_state(g_env, path_of("t"), &size, &synced), SHALE_OK);
    cr_assert(size == 3 && synced == 3, "size %d synced %d", (int)size, (int)synced);
    append_str(f, "X");
    cr_assert_str_eq(content(path_of("t")), "abcX");
    shale_file_close(f, NULL);
}
