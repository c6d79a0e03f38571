/* tests/checkpoint/crash_test.c: kill -9 while checkpointing and while
 * restoring.  A child process writes atomic rounds and takes checkpoints in
 * a loop; the parent kills it at a random moment, then opens the storage
 * (which removes the partial checkpoint), and the newest completed
 * checkpoint must verify, restore, open and hold one consistent round, no
 * older than the one restored after the previous kill.  The database
 * itself survives the kills too (the child reopens it each cycle). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkpoint/ckpt_store.h"
#include "tests/checkpoint/ckpt_util.h"
#include "tests/support/test_util.h"

#define ROUND_KEYS 200u

/* Kills per run: 150 while checkpointing and 60 while restoring by
 * default; SHALE_CKPT_CRASH_CYCLES=N runs N of each (a long mode). */
static int cycles(int dflt)
{
    const char *e = getenv("SHALE_CKPT_CRASH_CYCLES");
    int n = e != NULL ? atoi(e) : 0;
    return n > 0 ? n : dflt;
}

static char *g_tmp, *g_db, *g_root;

static void setup(void)
{
    g_tmp = test_tmpdir("ckpt-crash");
    cr_assert_not_null(g_tmp);
    g_db = cu_join(g_tmp, "db");
    g_root = cu_join(g_tmp, "store");
}

static void teardown(void)
{
    test_rmtree(g_tmp);
    free(g_tmp), free(g_db), free(g_root);
}

TestSuite(crash, .init = setup, .fini = teardown);

/* The child: no Criterion asserts here; any failure exits 3. */
static int child_round(shale_db *db, uint32_t round)
{
    shale_write_batch *b = shale_write_batch_new();
    char key[32], val[128];
    int vl = snprintf(val, sizeof val, "v%u-%0100u", round, round);
    int rc = SHALE_OK;
    for (uint32_t i = 0; rc == SHALE_OK && i < ROUND_KEYS; i++) {
        int kl = snprintf(key, sizeof key, "r%05u", i);
        rc = shale_write_batch_put(b, key, (size_t)kl, val, (size_t)vl, NULL);
    }
    if (rc == SHALE_OK)
        rc = shale_write_batch_put(b, "round", 5, val, (size_t)vl, NULL);
    if (rc == SHALE_OK)
        rc = shale_write(db, NULL, b, NULL);
    shale_write_batch_free(b);
    return rc;
}

static void child_main(uint32_t first_round)
{
    shale_options *o = shale_options_new();
    shale_options_set_create_if_missing(o, true);
    shale_options_set_write_buffer_size(o, 64 << 10);
    shale_db *db = NULL;
    shale_ckpt_storage *st = NULL;
    shale_ckpt_store *s = NULL;
    shale_ckpt_options *co = shale_ckpt_options_new();
    shale_ckpt_options_set_num_retained(co, 2);
    if (shale_db_open(o, g_db, &db, NULL) != SHALE_OK ||
        shale_ckpt_storage_dir_open(g_root, &st, NULL) != SHALE_OK ||
        shale_ckpt_store_open(st, co, false, &s, NULL) != SHALE_OK)
        _exit(3);
    for (uint32_t r = first_round;; r++) {
        shale_err err = {0};
        if (child_round(db, r) != SHALE_OK)
            _exit(3);
        if (shale_ckpt_take(s, db, NULL, &err) != SHALE_OK) {
            fprintf(stderr, "child: %s\n", err.msg);
            _exit(3);
        }
    }
}

/* Whether the kill left a chk-N without _metadata (a checkpoint cut short). */
static bool has_partial(void)
{
    char *listing = cu_tree(g_root);
    bool partial = false;
    for (char *line = strtok(listing, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        unsigned long long id;
        int used = 0;
        if (sscanf(line, "./chk-%llu -1%n", &id, &used) == 1 && used > 0) {
            char meta[128];
            snprintf(meta, sizeof meta, "./chk-%llu/_metadata ", id);
            char *again = cu_tree(g_root);
            partial |= strstr(again, meta) == NULL;
            free(again);
        }
    }
    free(listing);
    return partial;
}

/* After a kill: only completed checkpoints are left, nothing unreferenced. */
static void check_clean(shale_ckpt_store *s)
{
    shale_ckpt_info *v = NULL;
    size_t n = 0;
    cr_assert_eq(shale_ckpt_store_list(s, &v, &n, NULL), SHALE_OK);
    cr_assert_eq((size_t)cu_count_entries(g_root), n + 1, "a partial chk-N survived the open");
    char *shared = cu_join(g_root, "shared");
    shale_mutex_lock(&s->mu.lock);
    size_t known = s->mu.n_shared;
    shale_mutex_unlock(&s->mu.lock);
    cr_assert_eq((size_t)cu_count_entries(shared), known, "orphan shared files survived");
    free(shared);
    shale_free(v);
}

static uint32_t restore_latest(shale_ckpt_store *s, int cycle)
{
    uint64_t id = 0;
    shale_err err = {0};
    if (shale_ckpt_store_latest(s, &id, &err) == SHALE_NOT_FOUND)
        return 0;
    cr_assert_eq(shale_ckpt_verify(s, id, &err), SHALE_OK, "cycle %d: %s", cycle, err.msg);
    char name[64];
    snprintf(name, sizeof name, "restore-%d", cycle);
    char *dir = cu_join(g_tmp, name);
    cr_assert_eq(shale_ckpt_restore(s, id, dir, &err), SHALE_OK, "cycle %d: %s", cycle, err.msg);
    uint32_t round = cu_check_rounds(dir, ROUND_KEYS);
    cr_assert_gt(round, 0, "cycle %d: a completed checkpoint without data", cycle);
    test_rmtree(dir);
    free(dir);
    return round;
}

Test(crash, newest_completed_checkpoint_restores_after_kill_9_at_random_moments,
     .timeout = 900)
{
    const int CYCLES = cycles(150);
    srand((unsigned)getpid());
    uint32_t last_round = 0;
    int with_checkpoint = 0, cut_short = 0;
    for (int cycle = 0; cycle < CYCLES; cycle++) {
        pid_t pid = fork();
        cr_assert_neq(pid, -1);
        if (pid == 0)
            child_main((uint32_t)cycle * 100000u + 1);
        usleep((useconds_t)(10000 + rand() % 150000));
        kill(pid, SIGKILL);
        int status = 0;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFSIGNALED(status), "cycle %d: child exited with %d", cycle,
                  WEXITSTATUS(status));
        cut_short += has_partial();
        shale_ckpt_storage *st = NULL;
        shale_ckpt_store *s = cu_store(&st, g_root, 2);
        check_clean(s);
        uint32_t round = restore_latest(s, cycle);
        if (last_round > 0)   /* never lost, never older */
            cr_assert_geq(round, last_round, "cycle %d: round %u after %u", cycle, round,
                          last_round);
        if (round > 0) {
            with_checkpoint++;
            last_round = round;
        }
        (void)shale_ckpt_store_close(s, false, NULL);
        shale_ckpt_storage_free(st);
    }
    printf("crash: %d kills while checkpointing, %d cut a checkpoint short, %d restored the "
           "newest completed one\n", CYCLES, cut_short, with_checkpoint);
    cr_assert_gt(with_checkpoint, CYCLES / 2, "too few cycles reached a checkpoint");
}

Test(crash, kill_9_during_restore_leaves_no_target_or_a_whole_one, .timeout = 900)
{
    const int KILLS = cycles(60);
    shale_ckpt_storage *st = NULL;
    shale_ckpt_store *s = cu_store(&st, g_root, 1);
    shale_db *db = cu_open(g_db, 64 << 10, true);
    cu_fill(db, 3, 20000, 100);
    cu_write_round(db, 7, ROUND_KEYS);
    shale_err err = {0};
    shale_ckpt_metrics m;
    cr_assert_eq(shale_ckpt_take(s, db, &m, &err), SHALE_OK, "%s", err.msg);
    cu_close(db);
    srand((unsigned)getpid());
    int whole = 0;
    for (int cycle = 0; cycle < KILLS; cycle++) {
        char name[64];
        snprintf(name, sizeof name, "target-%d", cycle);
        char *dir = cu_join(g_tmp, name);
        pid_t pid = fork();
        cr_assert_neq(pid, -1);
        if (pid == 0)
            _exit(shale_ckpt_restore(s, m.id, dir, NULL) == SHALE_OK ? 0 : 3);
        usleep((useconds_t)(rand() % 300000));   /* some kills land after the rename */
        kill(pid, SIGKILL);
        int status = 0;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFSIGNALED(status) || WEXITSTATUS(status) == 0);
        if (cu_count_entries(dir) >= 0) {
            cr_assert_eq(cu_check_rounds(dir, ROUND_KEYS), 7);
            whole++;
            test_rmtree(dir);
        }
        cr_assert_eq(shale_ckpt_restore(s, m.id, dir, &err), SHALE_OK, "%s", err.msg);
        cr_assert_eq(cu_check_rounds(dir, ROUND_KEYS), 7);
        char *tmp = cu_join(g_tmp, name);
        char *restoring = malloc(strlen(tmp) + 16);
        sprintf(restoring, "%s.restoring", tmp);
        cr_assert_eq(cu_count_entries(restoring), -1, "a stale .restoring survived");
        free(restoring), free(tmp);
        test_rmtree(dir);
        free(dir);
    }
    printf("crash: %d kills during restore, %d after the rename, every target absent or whole\n",
           KILLS, whole);
    (void)shale_ckpt_store_close(s, false, NULL);
    shale_ckpt_storage_free(st);
}
