/* tests/lsm/memtable/memtable_test.c: the memtable's RocksDB semantics:
 * visibility at snapshots, deletions, single deletions, merge-operand
 * collection, range tombstones (within one memtable and carried to an older
 * one), statistics, both iterators, long keys, a randomized model test
 * against a per-key version history, and one writer racing two readers. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/memtable/memtable.h"
#include "lsm/util/coding.h"
#include "lsm/util/ikey.h"

static memtable *new_mem(void)
{
    memtable *m = NULL;
    cr_assert_eq(mem_new(&m, NULL), SHALE_OK);
    cr_assert_not_null(m);
    return m;
}

static void add(memtable *m, uint64_t seq, int type, const char *key, const char *value)
{
    shale_err err = {0};
    int rc = mem_add(m, seq, type, slice_from_str(key), slice_from_str(value), &err);
    cr_assert_eq(rc, SHALE_OK, "add %s@%llu: %s", key, (unsigned long long)seq, err.msg);
}

/* A fresh lookup of key at snap; operands collected into ops if non-NULL. */
static mem_get_ctx get(memtable *m, const char *key, uint64_t snap, shale_buf *ops)
{
    mem_get_ctx ctx;
    mem_get_ctx_init(&ctx, ops);
    cr_assert_eq(mem_get(m, slice_from_str(key), snap, &ctx, NULL), SHALE_OK);
    return ctx;
}

static void assert_found(memtable *m, const char *key, uint64_t snap, const char *want)
{
    mem_get_ctx c = get(m, key, snap, NULL);
    cr_assert_eq(c.state, MEM_GET_FOUND, "%s@%llu: state %d", key, (unsigned long long)snap,
                 c.state);
    cr_assert(slice_equal(c.value, slice_from_str(want)), "%s@%llu: got %.*s want %s", key,
              (unsigned long long)snap, (int)c.value.len, c.value.data, want);
}

static void assert_state(memtable *m, const char *key, uint64_t snap, int want)
{
    mem_get_ctx c = get(m, key, snap, NULL);
    cr_assert_eq(c.state, want, "%s@%llu: state %d, want %d", key, (unsigned long long)snap,
                 c.state, want);
}

/* The n-th operand in an lp-encoded operand buffer equals want. */
static void assert_operands(const shale_buf *ops, const char *const *want, size_t n)
{
    slice in = shale_buf_slice(ops), op = {NULL, 0};
    for (size_t i = 0; i < n; i++) {
        cr_assert(get_lp_slice(&in, &op), "operand %zu missing", i);
        cr_assert(slice_equal(op, slice_from_str(want[i])), "operand %zu: %.*s, want %s", i,
                  (int)op.len, op.data, want[i]);
    }
    cr_assert_eq(in.len, 0, "extra operand bytes");
}

Test(memtable, put_at_seq_5_is_invisible_at_snapshot_4)
{
    memtable *m = new_mem();
    add(m, 5, VT_VALUE, "k", "v5");
    assert_state(m, "k", 4, MEM_GET_NOT_PRESENT);
    assert_found(m, "k", 5, "v5");
    assert_found(m, "k", MAX_SEQUENCE, "v5");
    assert_state(m, "j", 9, MEM_GET_NOT_PRESENT);
    assert_state(m, "kk", 9, MEM_GET_NOT_PRESENT);   /* a longer key sharing the prefix */
    mem_unref(m);
}

Test(memtable, each_snapshot_sees_the_newest_version_at_or_below_it)
{
    memtable *m = new_mem();
    add(m, 3, VT_VALUE, "k", "v3");
    add(m, 7, VT_VALUE, "k", "v7");
    add(m, 9, VT_DELETION, "k", "");
    add(m, 12, VT_VALUE, "k", "v12");
    add(m, 8, VT_VALUE, "k2", "other");
    assert_state(m, "k", 2, MEM_GET_NOT_PRESENT);
    assert_found(m, "k", 3, "v3");
    assert_found(m, "k", 6, "v3");
    assert_found(m, "k", 8, "v7");
    assert_state(m, "k", 9, MEM_GET_DELETED);
    assert_state(m, "k", 11, MEM_GET_DELETED);
    assert_found(m, "k", 12, "v12");
    mem_get_ctx c = get(m, "k", 10, NULL);
    cr_assert_eq(c.seq, 9);
    mem_unref(m);
}

Test(memtable, versions_added_out_of_sequence_order_still_read_newest_first)
{
    /* Recovery and tests may add a key's versions in any sequence order;
     * lookups and iteration must not depend on arrival order. */
    memtable *m = new_mem();
    add(m, 5, VT_VALUE, "k", "v5");
    add(m, 9, VT_VALUE, "k", "v9");
    add(m, 7, VT_MERGE, "k", "v7");
    add(m, 1, VT_VALUE, "k", "v1");
    assert_found(m, "k", 6, "v5");
    assert_found(m, "k", 100, "v9");
    assert_found(m, "k", 4, "v1");
    shale_err err = {0};
    cr_assert_eq(mem_add(m, 7, VT_MERGE, slice_from_str("k"), slice_from_str("again"), &err),
                 SHALE_INVALID_ARGUMENT);
    cr_assert_eq(mem_num_entries(m), 4);
    mem_iter it;
    mem_iter_init(&it, m);
    uint64_t want[] = {9, 7, 5, 1}, n = 0;
    for (mem_iter_seek_to_first(&it); mem_iter_valid(&it); mem_iter_next(&it), n++) {
        cr_assert_lt(n, 4);
        slice k = mem_iter_key(&it);
        cr_assert_eq(dec_fixed64(k.data + k.len - 8) >> 8, want[n]);
    }
    cr_assert_eq(n, 4);
    for (mem_iter_seek_to_last(&it); mem_iter_valid(&it); mem_iter_prev(&it), n--) {
        slice k = mem_iter_key(&it);
        cr_assert_eq(dec_fixed64(k.data + k.len - 8) >> 8, want[n - 1]);
    }
    cr_assert_eq(n, 0);
    mem_iter_deinit(&it);
    mem_unref(m);
}

Test(memtable, a_small_hash_index_with_long_chains_finds_every_key)
{
    /* mem_new() sizes the hash index for a small buffer; far more keys
     * than buckets must still all be found, and absent keys not. */
    memtable *m = new_mem();
    char key[32], val[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "key%06d", i * 7919 % 20000);
        snprintf(val, sizeof val, "v%d", i);
        add(m, (uint64_t)i + 1, VT_VALUE, key, val);
    }
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "key%06d", i * 7919 % 20000);
        snprintf(val, sizeof val, "v%d", i);
        assert_found(m, key, 20000, val);
    }
    assert_state(m, "key020000", 20000, MEM_GET_NOT_PRESENT);
    assert_state(m, "key", 20000, MEM_GET_NOT_PRESENT);
    mem_unref(m);
}

Test(memtable, single_delete_hides_the_value_under_it)
{
    memtable *m = new_mem();
    add(m, 1, VT_VALUE, "a", "x");
    add(m, 2, VT_SINGLE_DELETION, "a", "");
    assert_found(m, "a", 1, "x");
    assert_state(m, "a", 2, MEM_GET_DELETED);
    cr_assert_eq(mem_num_deletes(m), 1);
    mem_unref(m);
}

Test(memtable, merge_operands_are_collected_newest_first_and_stop_at_a_put)
{
    memtable *m = new_mem();
    add(m, 1, VT_MERGE, "k", "m1");      /* under the put: must not be collected */
    add(m, 2, VT_VALUE, "k", "base");
    add(m, 3, VT_MERGE, "k", "m3");
    add(m, 4, VT_MERGE, "k", "m4");
    shale_buf ops = SHALE_BUF_INIT;
    mem_get_ctx c = get(m, "k", 10, &ops);
    cr_assert_eq(c.state, MEM_GET_FOUND);
    cr_assert(slice_equal(c.value, slice_from_str("base")));
    cr_assert_eq(c.num_operands, 2);
    assert_operands(&ops, (const char *const[]){"m4", "m3"}, 2);
    shale_buf_clear(&ops);
    c = get(m, "k", 1, &ops);
    cr_assert_eq(c.state, MEM_GET_MERGE_IN_PROGRESS);
    assert_operands(&ops, (const char *const[]){"m1"}, 1);
    shale_buf_deinit(&ops);
    mem_unref(m);
}

Test(memtable, merge_operands_stop_at_a_deletion)
{
    memtable *m = new_mem();
    add(m, 1, VT_VALUE, "k", "old");
    add(m, 2, VT_DELETION, "k", "");
    add(m, 3, VT_MERGE, "k", "m3");
    shale_buf ops = SHALE_BUF_INIT;
    mem_get_ctx c = get(m, "k", 3, &ops);
    cr_assert_eq(c.state, MEM_GET_DELETED);
    cr_assert_eq(c.num_operands, 1);
    assert_operands(&ops, (const char *const[]){"m3"}, 1);
    shale_buf_deinit(&ops);
    mem_unref(m);
}

Test(memtable, merge_lookup_continues_into_an_older_memtable)
{
    memtable *older = new_mem(), *newer = new_mem();
    add(older, 1, VT_VALUE, "k", "base");
    add(older, 2, VT_MERGE, "k", "m2");
    add(newer, 3, VT_MERGE, "k", "m3");
    shale_buf ops = SHALE_BUF_INIT;
    mem_get_ctx c;
    mem_get_ctx_init(&c, &ops);
    cr_assert_eq(mem_get(newer, slice_from_str("k"), 9, &c, NULL), SHALE_OK);
    cr_assert_eq(c.state, MEM_GET_MERGE_IN_PROGRESS);
    cr_assert_eq(mem_get(older, slice_from_str("k"), 9, &c, NULL), SHALE_OK);
    cr_assert_eq(c.state, MEM_GET_FOUND);
    cr_assert(slice_equal(c.value, slice_from_str("base")));
    cr_assert_eq(c.num_operands, 2);
    assert_operands(&ops, (const char *const[]){"m3", "m2"}, 2);
    shale_buf_deinit(&ops);
    mem_unref(newer);
    mem_unref(older);
}

Test(memtable, range_tombstone_hides_older_entries_in_range_only)
{
    memtable *m = new_mem();
    add(m, 1, VT_VALUE, "b", "b1");
    add(m, 2, VT_VALUE, "c", "c2");
    add(m, 3, VT_VALUE, "e", "e3");   /* end key: exclusive, stays */
    add(m, 4, VT_VALUE, "a", "a4");   /* before begin, stays */
    add(m, 5, VT_RANGE_DELETION, "b", "e");
    add(m, 6, VT_VALUE, "c", "c6");   /* newer than the tombstone, stays */
    assert_state(m, "b", 9, MEM_GET_DELETED);
    assert_found(m, "c", 9, "c6");
    assert_state(m, "c", 5, MEM_GET_DELETED);
    assert_found(m, "c", 4, "c2");    /* tombstone invisible below its seq */
    assert_found(m, "e", 9, "e3");
    assert_found(m, "a", 9, "a4");
    assert_state(m, "d", 9, MEM_GET_NOT_PRESENT);   /* no point entry here */
    add(m, 5, VT_VALUE, "d", "d5");   /* same seq as the tombstone: not covered */
    assert_found(m, "d", 9, "d5");
    cr_assert_eq(mem_max_covering_tombstone_seq(m, slice_from_str("d"), 9), 5);
    cr_assert_eq(mem_max_covering_tombstone_seq(m, slice_from_str("b"), 9), 5);
    cr_assert_eq(mem_max_covering_tombstone_seq(m, slice_from_str("e"), 9), 0);
    cr_assert_eq(mem_max_covering_tombstone_seq(m, slice_from_str("a"), 9), 0);
    cr_assert_eq(mem_max_covering_tombstone_seq(m, slice_from_str("d"), 4), 0);
    mem_unref(m);
}

Test(memtable, overlapping_tombstones_report_the_newest_visible_one)
{
    memtable *m = new_mem();
    add(m, 10, VT_RANGE_DELETION, "a", "z");
    add(m, 20, VT_RANGE_DELETION, "m", "n");
    add(m, 15, VT_RANGE_DELETION, "c", "q");
    slice k = slice_from_str("m5");
    cr_assert_eq(mem_max_covering_tombstone_seq(m, k, 100), 20);
    cr_assert_eq(mem_max_covering_tombstone_seq(m, k, 19), 15);
    cr_assert_eq(mem_max_covering_tombstone_seq(m, k, 14), 10);
    cr_assert_eq(mem_max_covering_tombstone_seq(m, k, 9), 0);
    cr_assert_eq(mem_max_covering_tombstone_seq(m, slice_from_str("b"), 100), 10);
    cr_assert_eq(mem_max_covering_tombstone_seq(m, slice_from_str("z"), 100), 0);
    mem_unref(m);
}

Test(memtable, newer_memtable_tombstone_applies_to_an_older_memtable)
{
    memtable *older = new_mem(), *newer = new_mem();
    add(older, 1, VT_VALUE, "k", "v1");
    add(older, 2, VT_MERGE, "k2", "m");
    add(newer, 5, VT_RANGE_DELETION, "a", "z");
    mem_get_ctx c;
    mem_get_ctx_init(&c, NULL);
    cr_assert_eq(mem_get(newer, slice_from_str("k"), 9, &c, NULL), SHALE_OK);
    cr_assert_eq(c.state, MEM_GET_NOT_PRESENT);
    cr_assert_eq(c.max_covering_tombstone_seq, 5);
    cr_assert_eq(mem_get(older, slice_from_str("k"), 9, &c, NULL), SHALE_OK);
    cr_assert_eq(c.state, MEM_GET_DELETED);
    cr_assert_eq(c.seq, 1);
    assert_found(older, "k", 9, "v1");   /* a fresh context knows no tombstone */
    mem_unref(newer);
    mem_unref(older);
}

Test(memtable, statistics_count_every_kind_of_write)
{
    memtable *m = new_mem();
    size_t empty_usage = mem_approximate_memory_usage(m);
    cr_assert_eq(mem_num_entries(m), 0);
    cr_assert_eq(mem_first_seq(m), 0);
    cr_assert_eq(mem_last_seq(m), 0);
    add(m, 7, VT_VALUE, "a", "1");
    add(m, 8, VT_DELETION, "a", "");
    add(m, 9, VT_SINGLE_DELETION, "b", "");
    add(m, 10, VT_MERGE, "c", "+1");
    add(m, 11, VT_RANGE_DELETION, "x", "y");
    cr_assert_eq(mem_num_entries(m), 5);
    cr_assert_eq(mem_num_deletes(m), 2);
    cr_assert_eq(mem_num_range_deletes(m), 1);
    cr_assert_eq(mem_first_seq(m), 7);
    cr_assert_eq(mem_last_seq(m), 11);
    /* 1+9+1+1, 1+9+1, 1+9+1, 1+9+1+2, 1+9+1+1 */
    cr_assert_eq(mem_data_size(m), 12 + 11 + 11 + 13 + 12);
    for (int i = 0; i < 2000; i++) {
        char k[32];
        snprintf(k, sizeof k, "key%06d", i);
        add(m, 100 + (uint64_t)i, VT_VALUE, k, "some value bytes");
    }
    cr_assert_gt(mem_approximate_memory_usage(m), empty_usage + 2000 * 30);
    mem_unref(m);
}

Test(memtable, bad_writes_are_refused_and_change_nothing)
{
    memtable *m = new_mem();
    shale_err err = {0};
    add(m, 5, VT_VALUE, "k", "v");
    cr_assert_eq(mem_add(m, 5, VT_VALUE, slice_from_str("k"), slice_from_str("w"), &err),
                 SHALE_INVALID_ARGUMENT);
    cr_assert(strstr(err.msg, "key+seq exists") != NULL, "%s", err.msg);
    cr_assert_eq(mem_add(m, 6, VT_LOG_DATA, slice_from_str("k"), slice_from_str(""), &err),
                 SHALE_INVALID_ARGUMENT);
    cr_assert_eq(mem_add(m, MAX_SEQUENCE + 1, VT_VALUE, slice_from_str("k"),
                         slice_from_str(""), &err), SHALE_INVALID_ARGUMENT);
    cr_assert_eq(mem_num_entries(m), 1);
    assert_found(m, "k", 9, "v");
    /* Same key and seq with another type is another internal key. */
    add(m, 5, VT_MERGE, "k", "op");
    cr_assert_eq(mem_num_entries(m), 2);
    mem_unref(m);
}

Test(memtable, extra_references_keep_it_alive)
{
    memtable *m = new_mem();
    mem_ref(m);
    add(m, 1, VT_VALUE, "k", "v");
    mem_unref(m);
    assert_found(m, "k", 1, "v");   /* still one reference: under ASan a use */
    mem_unref(m);                   /* after free would be caught here */
    mem_unref(NULL);
}

/* ---- iterators -------------------------------------------------------- */

static slice ikey_of(char *buf, const char *user_key, uint64_t seq, int type)
{
    size_t n = strlen(user_key);
    memcpy(buf, user_key, n);
    enc_fixed64(buf + n, ikey_pack(seq, type));
    return slice_make(buf, n + 8);
}

static void assert_at(const mem_iter *it, const char *key, uint64_t seq, int type,
                      const char *value)
{
    char buf[400];
    cr_assert(strlen(key) + 8 <= sizeof buf);
    cr_assert(mem_iter_valid(it), "want %s@%llu, iterator not valid", key,
              (unsigned long long)seq);
    cr_assert(slice_equal(mem_iter_key(it), ikey_of(buf, key, seq, type)), "want %s@%llu", key,
              (unsigned long long)seq);
    cr_assert(slice_equal(mem_iter_value(it), slice_from_str(value)));
}

Test(memtable, point_iterator_walks_internal_key_order_both_ways)
{
    memtable *m = new_mem();
    add(m, 1, VT_VALUE, "b", "b1");
    add(m, 2, VT_VALUE, "a", "a2");
    add(m, 3, VT_MERGE, "b", "b3");
    add(m, 4, VT_DELETION, "ab", "");
    add(m, 5, VT_RANGE_DELETION, "a", "c");   /* not a point entry */
    mem_iter it;
    mem_iter_init(&it, m);
    mem_iter_seek_to_first(&it);
    assert_at(&it, "a", 2, VT_VALUE, "a2");
    mem_iter_next(&it);
    assert_at(&it, "ab", 4, VT_DELETION, "");
    mem_iter_next(&it);
    assert_at(&it, "b", 3, VT_MERGE, "b3");
    mem_iter_next(&it);
    assert_at(&it, "b", 1, VT_VALUE, "b1");
    mem_iter_next(&it);
    cr_assert_not(mem_iter_valid(&it));
    mem_iter_seek_to_last(&it);
    assert_at(&it, "b", 1, VT_VALUE, "b1");
    mem_iter_prev(&it);
    assert_at(&it, "b", 3, VT_MERGE, "b3");
    char buf[64];
    mem_iter_seek(&it, ikey_of(buf, "b", 2, VT_FOR_SEEK));   /* newest b at or below 2 */
    assert_at(&it, "b", 1, VT_VALUE, "b1");
    mem_iter_seek_for_prev(&it, ikey_of(buf, "b", 2, VT_FOR_SEEK));
    assert_at(&it, "b", 3, VT_MERGE, "b3");
    mem_iter_seek(&it, ikey_of(buf, "aa", 9, VT_VALUE));
    assert_at(&it, "ab", 4, VT_DELETION, "");
    mem_iter_seek(&it, ikey_of(buf, "c", 9, VT_VALUE));
    cr_assert_not(mem_iter_valid(&it));
    cr_assert_eq(mem_iter_status(&it), SHALE_OK);
    mem_iter_deinit(&it);
    mem_unref(m);
}

Test(memtable, range_tombstone_iterator_lists_tombstones_by_begin_then_newest)
{
    memtable *m = new_mem();
    add(m, 1, VT_VALUE, "k", "v");
    add(m, 4, VT_RANGE_DELETION, "m", "p");
    add(m, 2, VT_RANGE_DELETION, "c", "f");
    add(m, 7, VT_RANGE_DELETION, "c", "d");
    mem_iter it;
    mem_iter_init_range_del(&it, m);
    mem_iter_seek_to_first(&it);
    assert_at(&it, "c", 7, VT_RANGE_DELETION, "d");
    mem_iter_next(&it);
    assert_at(&it, "c", 2, VT_RANGE_DELETION, "f");
    mem_iter_next(&it);
    assert_at(&it, "m", 4, VT_RANGE_DELETION, "p");
    mem_iter_next(&it);
    cr_assert_not(mem_iter_valid(&it));
    mem_iter_seek_to_last(&it);
    assert_at(&it, "m", 4, VT_RANGE_DELETION, "p");
    mem_iter_deinit(&it);
    mem_unref(m);
}

Test(memtable, keys_longer_than_the_inline_buffers_work)
{
    memtable *m = new_mem();
    char a[301], b[301];
    memset(a, 'x', 300);
    a[300] = '\0';
    memcpy(b, a, sizeof b);
    b[299] = 'y';
    add(m, 1, VT_VALUE, a, "va");
    add(m, 2, VT_VALUE, b, "vb");
    assert_found(m, a, 5, "va");
    assert_found(m, b, 5, "vb");
    mem_iter it;
    mem_iter_init(&it, m);
    char buf[310];
    mem_iter_seek(&it, ikey_of(buf, b, 5, VT_FOR_SEEK));
    assert_at(&it, b, 2, VT_VALUE, "vb");
    mem_iter_seek_for_prev(&it, ikey_of(buf, b, 5, VT_FOR_SEEK));
    assert_at(&it, a, 1, VT_VALUE, "va");
    mem_iter_deinit(&it);
    mem_unref(m);
}

/* ---- randomized model ------------------------------------------------- */

/* The model: for each user key (by bytewise rank), its versions in the
 * order added (sequences ascend), plus the list of range tombstones.  The
 * expected internal-key order is rank ascending, then versions newest
 * first, so the model is itself the sorted reference. */
enum { NKEYS = 1000, MAX_VERSIONS = 400, MAX_TOMBS = 200 };

typedef struct version {
    uint64_t seq;
    int type;
} version;

typedef struct tomb {
    int begin, end;   /* ranks: covers [begin, end) */
    uint64_t seq;
} tomb;

typedef struct model {
    char keys[NKEYS][8];        /* user keys sorted bytewise: "k0" < "k1" < "k10" ... */
    version v[NKEYS][MAX_VERSIONS];
    int nv[NKEYS];
    tomb tombs[MAX_TOMBS];
    int ntombs;
    size_t total;
} model;

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

static void model_init(model *md)
{
    memset(md, 0, sizeof *md);
    for (int i = 0; i < NKEYS; i++)
        snprintf(md->keys[i], sizeof md->keys[i], "k%d", i);
    qsort(md->keys, NKEYS, sizeof md->keys[0], cmp_str);   /* prefixes first */
}

static void value_of(char *buf, uint64_t seq) { snprintf(buf, 24, "v%llu", (unsigned long long)seq); }

static uint64_t rnd(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void model_write(memtable *m, model *md, uint64_t seq, uint64_t r)
{
    static const int types[] = {VT_VALUE, VT_VALUE, VT_VALUE, VT_VALUE, VT_VALUE,
                                VT_DELETION, VT_SINGLE_DELETION, VT_MERGE, VT_MERGE};
    int k = (int)((r >> 16) % NKEYS);
    if (r % 500 == 0 && md->ntombs < MAX_TOMBS) {
        int e = k + 1 + (int)((r >> 40) % 20);
        e = e < NKEYS ? e : NKEYS - 1;
        if (e > k) {
            add(m, seq, VT_RANGE_DELETION, md->keys[k], md->keys[e]);
            md->tombs[md->ntombs++] = (tomb){k, e, seq};
        }
        return;
    }
    if (md->nv[k] == MAX_VERSIONS)
        return;
    int type = types[(r >> 8) % 9];
    char val[24];
    value_of(val, seq);
    add(m, seq, type, md->keys[k], type == VT_VALUE || type == VT_MERGE ? val : "");
    md->v[k][md->nv[k]++] = (version){seq, type};
    md->total++;
}

static uint64_t model_covering(const model *md, int k, uint64_t snap)
{
    uint64_t best = 0;
    for (int i = 0; i < md->ntombs; i++) {
        const tomb *t = &md->tombs[i];
        if (t->begin <= k && k < t->end && t->seq <= snap && t->seq > best)
            best = t->seq;
    }
    return best;
}

static void model_check_get(memtable *m, const model *md, int k, uint64_t snap, shale_buf *ops)
{
    shale_buf_clear(ops);
    mem_get_ctx c = get(m, md->keys[k], snap, ops);
    uint64_t cover = model_covering(md, k, snap);
    cr_assert_eq(mem_max_covering_tombstone_seq(m, slice_from_str(md->keys[k]), snap), cover);
    cr_assert_eq(c.max_covering_tombstone_seq, cover);
    slice in = shale_buf_slice(ops), op = {NULL, 0};
    char want[24];
    int state = MEM_GET_NOT_PRESENT;
    size_t nops = 0;
    for (int i = md->nv[k] - 1; i >= 0 && (state == MEM_GET_NOT_PRESENT ||
                                         state == MEM_GET_MERGE_IN_PROGRESS); i--) {
        const version *v = &md->v[k][i];
        if (v->seq > snap)
            continue;
        value_of(want, v->seq);
        if (v->seq < cover || v->type == VT_DELETION || v->type == VT_SINGLE_DELETION) {
            state = MEM_GET_DELETED;
        } else if (v->type == VT_VALUE) {
            state = MEM_GET_FOUND;
            cr_assert(slice_equal(c.value, slice_from_str(want)));
        } else {
            state = MEM_GET_MERGE_IN_PROGRESS;
            nops++;
            cr_assert(get_lp_slice(&in, &op));
            cr_assert(slice_equal(op, slice_from_str(want)));
            continue;
        }
        cr_assert_eq(c.seq, v->seq);
    }
    cr_assert_eq(c.state, state, "%s@%llu: state %d, want %d", md->keys[k],
                 (unsigned long long)snap, c.state, state);
    cr_assert_eq(c.num_operands, nops);
    cr_assert_eq(in.len, 0);
}

/* The model's entry at (rank k, version i), as iterator key and value. */
static void assert_model_entry(const mem_iter *it, const model *md, int k, int i)
{
    const version *v = &md->v[k][i];
    char val[24];
    value_of(val, v->seq);
    bool has_value = v->type == VT_VALUE || v->type == VT_MERGE;
    assert_at(it, md->keys[k], v->seq, v->type, has_value ? val : "");
}

static void model_check_walks(memtable *m, const model *md)
{
    mem_iter it;
    mem_iter_init(&it, m);
    mem_iter_seek_to_first(&it);
    for (int k = 0; k < NKEYS; k++)
        for (int i = md->nv[k] - 1; i >= 0; i--, mem_iter_next(&it))
            assert_model_entry(&it, md, k, i);
    cr_assert_not(mem_iter_valid(&it));
    mem_iter_seek_to_last(&it);
    for (int k = NKEYS - 1; k >= 0; k--)
        for (int i = 0; i < md->nv[k]; i++, mem_iter_prev(&it))
            assert_model_entry(&it, md, k, i);
    cr_assert_not(mem_iter_valid(&it));
    mem_iter_deinit(&it);
}

/* Seek and seek_for_prev to (rank k, trailer tr) against the model. */
static void model_check_seek(memtable *m, const model *md, int k, uint64_t seq, int type)
{
    char buf[32];
    uint64_t tr = ikey_pack(seq, type);
    mem_iter it;
    mem_iter_init(&it, m);
    mem_iter_seek(&it, ikey_of(buf, md->keys[k], seq, type));
    int ek = -1, ei = -1;   /* first entry >= target: newest version with trailer <= tr */
    for (int kk = k; kk < NKEYS && ek < 0; kk++)
        for (int i = md->nv[kk] - 1; i >= 0 && ek < 0; i--)
            if (kk > k || ikey_pack(md->v[kk][i].seq, md->v[kk][i].type) <= tr)
                ek = kk, ei = i;
    if (ek < 0)
        cr_assert_not(mem_iter_valid(&it));
    else
        assert_model_entry(&it, md, ek, ei);
    mem_iter_seek_for_prev(&it, ikey_of(buf, md->keys[k], seq, type));
    ek = -1;                /* last entry <= target: oldest version with trailer >= tr */
    for (int kk = k; kk >= 0 && ek < 0; kk--)
        for (int i = 0; i < md->nv[kk] && ek < 0; i++)
            if (kk < k || ikey_pack(md->v[kk][i].seq, md->v[kk][i].type) >= tr)
                ek = kk, ei = i;
    if (ek < 0)
        cr_assert_not(mem_iter_valid(&it));
    else
        assert_model_entry(&it, md, ek, ei);
    mem_iter_deinit(&it);
}

static void run_model(uint64_t seed)
{
    static model md;
    model_init(&md);
    memtable *m = new_mem();
    shale_buf ops = SHALE_BUF_INIT;
    uint64_t s = seed, seq = 0;
    for (int op = 0; op < 100000; op++) {
        uint64_t r = rnd(&s);
        int k = (int)((r >> 24) % NKEYS);
        uint64_t snap = (r >> 34) % (seq + 2);
        if (r % 16 < 7)
            model_write(m, &md, ++seq, rnd(&s));
        else if (r % 16 < 13)
            model_check_get(m, &md, k, (r & 0x100) ? seq : snap, &ops);
        else
            model_check_seek(m, &md, k, snap, (r & 0x200) ? VT_FOR_SEEK : (int)((r >> 12) % 3));
        if (op % 25000 == 24999)
            model_check_walks(m, &md);
    }
    model_check_walks(m, &md);
    cr_assert_eq(mem_num_entries(m), md.total + (size_t)md.ntombs);
    cr_assert_eq(mem_num_range_deletes(m), (uint64_t)md.ntombs);
    shale_buf_deinit(&ops);
    mem_unref(m);
}

Test(memtable, random_operations_match_a_version_history_model)
{
    uint64_t seeds[] = {7, 0x5deece66dULL, 0xfeedfacecafebeefULL};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        run_model(seeds[i]);
}

/* ---- one writer, two readers ------------------------------------------ */

enum { CONC_N = 200000 };

typedef struct race {
    memtable *m;
    uint32_t *perm;          /* insertion order of key numbers */
    atomic_size_t inserted;  /* entries of perm already added (release) */
    atomic_bool done;
    atomic_int failures;
} race;

static void conc_key(char *buf, uint32_t i) { snprintf(buf, 16, "key%08u", i); }
static void conc_value(char *buf, uint32_t i) { snprintf(buf, 24, "val%u", i * 2654435761u); }

static void *writer_main(void *arg)
{
    race *r = arg;
    char k[16], v[24];
    for (size_t i = 0; i < CONC_N; i++) {
        conc_key(k, r->perm[i]);
        conc_value(v, r->perm[i]);
        /* seq = key number + 1: one version per key */
        if (mem_add(r->m, r->perm[i] + 1ULL, VT_VALUE, slice_from_str(k), slice_from_str(v),
                    NULL) != SHALE_OK)
            atomic_fetch_add(&r->failures, 1);
        atomic_store_explicit(&r->inserted, i + 1, memory_order_release);
    }
    atomic_store(&r->done, true);
    return NULL;
}

/* One full walk: strictly ascending keys, each value right for its key, and
 * at least as many entries as the previous walk saw.  Returns the count. */
static size_t reader_walk(race *r, size_t floor)
{
    mem_iter it;
    mem_iter_init(&it, r->m);
    size_t n = 0;
    char prev[16] = "", want[24];
    for (mem_iter_seek_to_first(&it); mem_iter_valid(&it); mem_iter_next(&it), n++) {
        slice uk = ikey_user_key(mem_iter_key(&it));
        unsigned num = 0;
        bool ok = uk.len == 11 && memcmp(prev, uk.data, 11) < 0 &&
                  sscanf(uk.data, "key%8u", &num) == 1;
        conc_value(want, num);
        if (!ok || !slice_equal(mem_iter_value(&it), slice_from_str(want)) ||
            ikey_trailer(mem_iter_key(&it)) != ikey_pack(num + 1ULL, VT_VALUE))
            atomic_fetch_add(&r->failures, 1);
        memcpy(prev, uk.data, uk.len < 15 ? uk.len : 15);
    }
    mem_iter_deinit(&it);
    if (n < floor)
        atomic_fetch_add(&r->failures, 1);
    return n;
}

/* Gets of keys already inserted must find them; others may or may not. */
static void reader_gets(race *r, uint64_t *s)
{
    char k[16], want[24];
    for (int j = 0; j < 2000; j++) {
        size_t have = atomic_load_explicit(&r->inserted, memory_order_acquire);
        uint64_t x = rnd(s);
        uint32_t num = have > 0 && (x & 1) ? r->perm[x % have] : (uint32_t)(x % CONC_N);
        bool must = have > 0 && (x & 1);
        conc_key(k, num);
        conc_value(want, num);
        mem_get_ctx c;
        mem_get_ctx_init(&c, NULL);
        if (mem_get(r->m, slice_from_str(k), MAX_SEQUENCE, &c, NULL) != SHALE_OK ||
            (c.state == MEM_GET_FOUND && !slice_equal(c.value, slice_from_str(want))) ||
            (c.state != MEM_GET_FOUND && (must || c.state != MEM_GET_NOT_PRESENT)))
            atomic_fetch_add(&r->failures, 1);
    }
}

static void *reader_main(void *arg)
{
    race *r = arg;
    uint64_t s = (uint64_t)(uintptr_t)&s | 1;
    size_t seen = 0;
    int rounds = 0;
    while (!atomic_load(&r->done) || rounds < 2) {
        seen = reader_walk(r, seen);
        reader_gets(r, &s);
        rounds++;
    }
    return NULL;
}

Test(memtable, readers_see_a_consistent_list_while_one_writer_inserts, .timeout = 120)
{
    race r = {.m = new_mem()};
    r.perm = malloc(CONC_N * sizeof *r.perm);
    cr_assert_not_null(r.perm);
    for (uint32_t i = 0; i < CONC_N; i++)
        r.perm[i] = i;
    uint64_t s = 99;
    for (uint32_t i = CONC_N - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(rnd(&s) % (i + 1));
        uint32_t t = r.perm[i];
        r.perm[i] = r.perm[j];
        r.perm[j] = t;
    }
    pthread_t w, rd[2];
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_create(&rd[i], NULL, reader_main, &r), 0);
    cr_assert_eq(pthread_create(&w, NULL, writer_main, &r), 0);
    pthread_join(w, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(rd[i], NULL);
    cr_assert_eq(atomic_load(&r.failures), 0);
    cr_assert_eq(mem_num_entries(r.m), CONC_N);
    cr_assert_eq(reader_walk(&r, CONC_N), CONC_N);
    free(r.perm);
    mem_unref(r.m);
}
