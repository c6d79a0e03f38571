/* tests/checkpoint/hostile_test.c: untrusted storage.  Metadata naming
 * paths that could leave the target or the storage is refused with
 * Corruption and nothing outside (or inside) the target is created,
 * checked on the file system; damaged, missing and truncated files fail
 * verify and restore with Corruption naming the file and leave no target;
 * every byte flip and truncation of a metadata file is Corruption. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint/ckpt_meta.h"
#include "checkpoint/ckpt_store.h"
#include "lsm/util/coding.h"
#include "lsm/util/crc32c.h"
#include "tests/checkpoint/ckpt_util.h"
#include "tests/support/test_util.h"

static char *g_tmp, *g_db, *g_root;
static shale_ckpt_storage *g_st;
static shale_ckpt_store *g_s;
static uint64_t g_id;

/* One real checkpoint to start from. */
static void setup(void)
{
    g_tmp = test_tmpdir("ckpt-hostile");
    cr_assert_not_null(g_tmp);
    g_db = cu_join(g_tmp, "db");
    g_root = cu_join(g_tmp, "store");
    g_s = cu_store(&g_st, g_root, 1);
    shale_db *db = cu_open(g_db, 64 << 10, true);
    cu_random_writes(db, 5, 2000, 2000, 50);
    shale_ckpt_metrics m;
    shale_err err = {0};
    cr_assert_eq(shale_ckpt_take(g_s, db, &m, &err), SHALE_OK, "%s", err.msg);
    g_id = m.id;
    cu_close(db);
}

static void teardown(void)
{
    (void)shale_ckpt_store_close(g_s, false, NULL);
    shale_ckpt_storage_free(g_st);
    test_rmtree(g_tmp);
    free(g_tmp), free(g_db), free(g_root);
}

TestSuite(hostile, .init = setup, .fini = teardown);

static ckpt_meta *load_valid(void)
{
    ckpt_meta *m = NULL;
    shale_err err = {0};
    cr_assert_eq(ckpt_load_meta(g_st, g_id, &m, &err), SHALE_OK, "%s", err.msg);
    return m;
}

/* Rewrites the trailing CRC so only the content is hostile. */
static void reseal(shale_buf *b)
{
    enc_fixed32(b->data + b->len - 4, crc32c_mask(crc32c_value(b->data, b->len - 4)));
}

static void write_meta(uint64_t id, const shale_buf *b)
{
    char dir[64], name[96];
    ckpt_chk_name(id, NULL, dir, sizeof dir);
    ckpt_chk_name(id, CKPT_META_NAME, name, sizeof name);
    cr_assert_eq(g_st->ops->mkdir(g_st, dir, NULL), SHALE_OK);
    cr_assert_eq(g_st->ops->put_data(g_st, name, b->data, b->len, NULL), SHALE_OK);
}

/* Restores checkpoint `id` expecting Corruption and no change anywhere. */
static void expect_refused(uint64_t id, const char *what)
{
    char *before = cu_tree(g_tmp);
    char *target = cu_join(g_tmp, "target");
    shale_err err = {0};
    cr_assert_eq(shale_ckpt_restore(g_s, id, target, &err), SHALE_CORRUPTION, "%s: %s", what,
                 err.msg);
    cr_assert_eq(shale_ckpt_verify(g_s, id, &err), SHALE_CORRUPTION, "%s", what);
    char *after = cu_tree(g_tmp);
    cr_assert_str_eq(after, before, "%s: the file system changed", what);
    cr_assert_eq(cu_count_entries(target), -1);
    free(before), free(after), free(target);
}

/* Checkpoint id+1: the valid one with file 0's names replaced. */
static void hostile_case(const char *local, const char *stored, const char *what)
{
    ckpt_meta *m = load_valid();
    m->id = g_id + 1;
    if (local != NULL) {
        free(m->files[0].local);
        m->files[0].local = strdup(local);
    }
    if (stored != NULL) {
        free(m->files[0].stored);
        m->files[0].stored = strdup(stored);
    }
    shale_buf b = SHALE_BUF_INIT;
    ckpt_meta_encode(m, &b);
    write_meta(m->id, &b);
    expect_refused(m->id, what);
    shale_buf_deinit(&b);
    ckpt_meta_free(m);
}

Test(hostile, names_that_leave_the_directory_are_refused)
{
    char evil[300], abs_path[600], base[64], long_name[400];
    const char *tmpdir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
    snprintf(base, sizeof base, "shale-evil-%d.sst", (int)getpid());
    snprintf(evil, sizeof evil, "../../%s", base);
    snprintf(abs_path, sizeof abs_path, "%s/%s", tmpdir, base);
    memset(long_name, '1', 300);
    strcpy(long_name + 300, ".sst");
    hostile_case(evil, NULL, "local ../..");
    hostile_case(abs_path, NULL, "local absolute");
    hostile_case("sub/000009.sst", NULL, "local with a slash");
    hostile_case("..", NULL, "local ..");
    hostile_case(".", NULL, "local .");
    hostile_case(long_name, NULL, "local over-long");
    hostile_case("LOCK", NULL, "local not a database file");
    hostile_case("000009.sst\\x", NULL, "local backslash");
    hostile_case(NULL, evil, "stored ../..");
    hostile_case(NULL, abs_path, "stored absolute");
    hostile_case(NULL, "..", "stored ..");
    cr_assert_eq(cu_count_entries(abs_path), -1, "%s was created", abs_path);
    char *outside = cu_join(tmpdir, base);
    cr_assert_eq(access(outside, F_OK), -1);
    free(outside);
}

Test(hostile, a_nul_inside_a_name_is_refused)
{
    ckpt_meta *m = load_valid();
    m->id = g_id + 1;
    free(m->files[0].local);
    m->files[0].local = strdup("CURRENX");       /* patched to "CURREN\0" below */
    shale_buf b = SHALE_BUF_INIT;
    ckpt_meta_encode(m, &b);
    char *p = memmem(b.data, b.len, "CURRENX", 7);
    cr_assert_not_null(p);
    p[6] = '\0';
    reseal(&b);
    write_meta(m->id, &b);
    expect_refused(m->id, "NUL");
    shale_buf_deinit(&b);
    ckpt_meta_free(m);
}

Test(hostile, duplicate_names_are_refused)
{
    ckpt_meta *m = load_valid();
    m->id = g_id + 1;
    cr_assert_geq(m->n_files, 2);
    free(m->files[1].local);
    m->files[1].local = strdup(m->files[0].local);
    shale_buf b = SHALE_BUF_INIT;
    ckpt_meta_encode(m, &b);
    write_meta(m->id, &b);
    expect_refused(m->id, "duplicate");
    shale_buf_deinit(&b);
    ckpt_meta_free(m);
}

Test(hostile, metadata_naming_another_id_is_refused)
{
    ckpt_meta *m = load_valid();
    shale_buf b = SHALE_BUF_INIT;
    ckpt_meta_encode(m, &b);          /* says g_id, stored as g_id + 5 */
    write_meta(g_id + 5, &b);
    expect_refused(g_id + 5, "id mismatch");
    shale_buf_deinit(&b);
    ckpt_meta_free(m);
}

Test(hostile, every_byte_flip_and_truncation_of_metadata_is_corruption)
{
    char name[96], *data = NULL;
    size_t len = 0;
    ckpt_chk_name(g_id, CKPT_META_NAME, name, sizeof name);
    cr_assert_eq(ckpt_storage_read_all(g_st, name, 1 << 20, &data, &len, NULL), SHALE_OK);
    ckpt_meta *m = NULL;
    cr_assert_eq(ckpt_meta_decode(data, len, "x", &m, NULL), SHALE_OK);
    ckpt_meta_free(m);
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            data[i] ^= (char)(1 << bit);
            cr_assert_eq(ckpt_meta_decode(data, len, "x", &m, NULL), SHALE_CORRUPTION,
                         "flip at %zu", i);
            cr_assert_null(m);
            data[i] ^= (char)(1 << bit);
        }
    }
    for (size_t n = 0; n < len; n++)
        cr_assert_eq(ckpt_meta_decode(data, n, "x", &m, NULL), SHALE_CORRUPTION, "len %zu", n);
    free(data);
}

Test(hostile, a_huge_file_count_with_a_valid_crc_is_corruption)
{
    ckpt_meta *m = load_valid();
    shale_buf b = SHALE_BUF_INIT;
    ckpt_meta_encode(m, &b);
    size_t count_at = 38 + strlen(m->identity);
    enc_fixed32(b.data + count_at, 0xFFFFFFF0u);
    reseal(&b);
    ckpt_meta *out = NULL;
    shale_err err = {0};
    cr_assert_eq(ckpt_meta_decode(b.data, b.len, "x", &out, &err), SHALE_CORRUPTION);
    cr_assert(strstr(err.msg, "cannot fit") != NULL, "%s", err.msg);
    shale_buf_deinit(&b);
    ckpt_meta_free(m);
}

/* Damages file i of the valid checkpoint with fn, expects the message. */
static void damage_case(uint8_t kind, const char *prefix, void (*fn)(const char *path),
                        const char *want)
{
    ckpt_meta *m = load_valid();
    size_t i = 0;
    while (i < m->n_files && (m->files[i].kind != kind ||
                              strncmp(m->files[i].local, prefix, strlen(prefix)) != 0))
        i++;
    cr_assert_lt(i, m->n_files, "no %s file", prefix);
    char rel[300];
    if (kind == CKPT_SHARED)
        snprintf(rel, sizeof rel, "shared/%s", m->files[i].stored);
    else
        ckpt_chk_name(g_id, m->files[i].stored, rel, sizeof rel);
    char *path = cu_join(g_root, rel);
    fn(path);
    char *target = cu_join(g_tmp, "target"), *restoring = cu_join(g_tmp, "target.restoring");
    shale_err err = {0};
    cr_assert_eq(shale_ckpt_verify(g_s, g_id, &err), SHALE_CORRUPTION);
    cr_assert(strstr(err.msg, rel) != NULL && strstr(err.msg, want) != NULL, "%s", err.msg);
    cr_assert_eq(shale_ckpt_restore(g_s, g_id, target, &err), SHALE_CORRUPTION);
    cr_assert(strstr(err.msg, rel) != NULL && strstr(err.msg, want) != NULL, "%s", err.msg);
    cr_assert_eq(cu_count_entries(target), -1, "target created");
    cr_assert_eq(cu_count_entries(restoring), -1, "temporary directory left");
    free(path), free(target), free(restoring);
    ckpt_meta_free(m);
}

static void flip_middle(const char *path)
{
    size_t len = 0;
    char *d = test_read_file(path, &len);
    cr_assert(d != NULL && len > 0);
    d[len / 2] ^= 0x10;
    cr_assert(test_write_file(path, d, len));
    free(d);
}

static void remove_file(const char *path)
{
    cr_assert_eq(unlink(path), 0);
}

static void truncate_file(const char *path)
{
    size_t len = 0;
    char *d = test_read_file(path, &len);
    cr_assert(d != NULL && len > 1);
    cr_assert(test_write_file(path, d, len - 1));
    free(d);
}

Test(hostile, a_damaged_shared_file_fails_restore_naming_it)
{
    damage_case(CKPT_SHARED, "", flip_middle, "checksum mismatch");
}

Test(hostile, a_missing_shared_file_fails_restore_naming_it)
{
    damage_case(CKPT_SHARED, "", remove_file, "missing");
}

Test(hostile, a_truncated_manifest_fails_restore_naming_it)
{
    damage_case(CKPT_PRIVATE, "MANIFEST-", truncate_file, "size mismatch");
}

Test(hostile, a_damaged_metadata_is_skipped_and_deletes_nothing)
{
    char name[96];
    ckpt_chk_name(g_id, CKPT_META_NAME, name, sizeof name);
    char *path = cu_join(g_root, name);
    flip_middle(path);
    char *before = cu_tree(g_root);
    shale_ckpt_storage *st = NULL;
    shale_ckpt_store *s = cu_store(&st, g_root, 1);   /* a writable open */
    uint64_t id;
    cr_assert_eq(shale_ckpt_store_latest(s, &id, NULL), SHALE_NOT_FOUND);
    char *after = cu_tree(g_root);
    cr_assert_str_eq(after, before, "a writable open deleted files of a damaged checkpoint");
    (void)shale_ckpt_store_close(s, false, NULL);
    shale_ckpt_storage_free(st);
    free(path), free(before), free(after);
}
