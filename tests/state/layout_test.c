/* tests/state/layout_test.c: the Flink RocksDB byte layout of keyed state
 * (state/layout.h), byte for byte.  Expected bytes are written out by hand
 * from Flink's serializers: SerializedCompositeKeyBuilder (key-group
 * prefix, key, namespace, lengths via writeVariableIntBytes when both are
 * variable-sized), VoidNamespaceSerializer (one 0x00 byte), TtlSerializer
 * (LongSerializer timestamp first), RocksDBMapState's null flag,
 * BytePrimitiveArraySerializer (int length, bytes), TimerSerializer
 * (flipSignBit timestamp). */
#include <criterion/criterion.h>
#include <string.h>

#include "lsm/util/err.h"
#include "state/layout.h"

static void expect_bytes(const shale_buf *b, const char *want, size_t n)
{
    cr_assert(shale_buf_ok(b));
    cr_assert_eq(b->len, n, "length %zu, want %zu", b->len, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq((unsigned char)b->data[i], (unsigned char)want[i], "byte %zu: %02x want %02x",
                     i, (unsigned char)b->data[i], (unsigned char)want[i]);
}

Test(layout, key_group_prefix_is_one_byte_up_to_128_then_two_big_endian)
{
    cr_assert_eq(state_layout_kg_len(1), 1);
    cr_assert_eq(state_layout_kg_len(128), 1);
    cr_assert_eq(state_layout_kg_len(129), 2);
    cr_assert_eq(state_layout_kg_len(32768), 2);
    shale_buf b = SHALE_BUF_INIT;
    state_layout_put_kg(&b, 128, 127);
    expect_bytes(&b, "\x7f", 1);
    shale_buf_clear(&b);
    state_layout_put_kg(&b, 4096, 0x0a0b);
    expect_bytes(&b, "\x0a\x0b", 2);
    int32_t kg = -1;
    cr_assert_eq(state_layout_get_kg("\x0a\x0b", 2, 4096, &kg, NULL), SHALE_OK);
    cr_assert_eq(kg, 0x0a0b);
    shale_buf_deinit(&b);
}

Test(layout, corrupt_key_group_prefixes_are_reported)
{
    int32_t kg;
    shale_err err = {0};
    cr_assert_eq(state_layout_get_kg("\x01", 1, 4096, &kg, &err), SHALE_CORRUPTION);
    cr_assert_eq(state_layout_get_kg("\x90", 1, 128, &kg, &err), SHALE_CORRUPTION);
    cr_assert_eq(state_layout_get_kg("", 0, 128, &kg, &err), SHALE_CORRUPTION);
}

Test(layout, void_namespace_key_is_prefix_key_and_a_zero_byte)
{
    shale_buf b = SHALE_BUF_INIT;
    state_key k = {5, "user", 4, NULL, 0};
    state_layout_key(&b, 128, &k);
    expect_bytes(&b, "\x05user\x00", 6);
    shale_buf_clear(&b);
    state_layout_map_key(&b, 256, &k, "mk", 2);
    expect_bytes(&b, "\x00\x05user\x00mk", 9);
    shale_buf_deinit(&b);
}

Test(layout, real_namespace_adds_flinks_variable_length_suffixes)
{
    shale_buf b = SHALE_BUF_INIT;
    state_key k = {1, "ab", 2, "win", 3};
    state_layout_key(&b, 128, &k);
    expect_bytes(&b, "\x01" "ab" "\x02" "win" "\x03", 8);
    shale_buf_clear(&b);
    /* A 300-byte key: its length is 300 = 0x012c, written 0x2c 0x01. */
    char big[300];
    memset(big, 'k', sizeof big);
    state_key kb = {2, big, 300, "n", 1};
    state_layout_key(&b, 128, &kb);
    cr_assert_eq(b.len, 1 + 300 + 2 + 1 + 1);
    cr_assert_eq((unsigned char)b.data[301], 0x2c);
    cr_assert_eq((unsigned char)b.data[302], 0x01);
    cr_assert_eq(b.data[303], 'n');
    cr_assert_eq((unsigned char)b.data[304], 0x01);
    shale_buf_clear(&b);
    state_layout_put_varint_bytes(&b, 0);
    expect_bytes(&b, "\x00", 1);
    shale_buf_deinit(&b);
}

Test(layout, ttl_value_has_an_eight_byte_big_endian_stamp_first)
{
    shale_buf b = SHALE_BUF_INIT;
    state_layout_value(&b, true, 0x0102030405060708, "v", 1);
    expect_bytes(&b, "\x01\x02\x03\x04\x05\x06\x07\x08v", 9);
    int64_t ts;
    slice v;
    cr_assert_eq(state_layout_value_decode(b.data, b.len, true, &ts, &v, NULL), SHALE_OK);
    cr_assert_eq(ts, 0x0102030405060708);
    cr_assert(v.len == 1 && v.data[0] == 'v');
    cr_assert_eq(state_layout_value_decode(b.data, 7, true, &ts, &v, NULL), SHALE_CORRUPTION);
    shale_buf_clear(&b);
    state_layout_value(&b, false, 99, "raw", 3);
    expect_bytes(&b, "raw", 3);
    shale_buf_deinit(&b);
}

Test(layout, map_value_starts_with_the_null_flag)
{
    shale_buf b = SHALE_BUF_INIT;
    state_layout_map_value(&b, false, 0, "xy", 2);
    expect_bytes(&b, "\x00xy", 3);
    shale_buf_clear(&b);
    state_layout_map_value(&b, true, 256, "z", 1);
    expect_bytes(&b, "\x00\x00\x00\x00\x00\x00\x00\x01\x00z", 10);
    bool is_null;
    int64_t ts;
    slice v;
    cr_assert_eq(state_layout_map_value_decode(b.data, b.len, true, &is_null, &ts, &v, NULL),
                 SHALE_OK);
    cr_assert(!is_null && ts == 256 && v.len == 1 && v.data[0] == 'z');
    cr_assert_eq(state_layout_map_value_decode("\x01", 1, true, &is_null, &ts, &v, NULL),
                 SHALE_OK);
    cr_assert(is_null);
    cr_assert_eq(state_layout_map_value_decode("\x02", 1, false, &is_null, &ts, &v, NULL),
                 SHALE_CORRUPTION);
    cr_assert_eq(state_layout_map_value_decode("", 0, false, &is_null, &ts, &v, NULL),
                 SHALE_CORRUPTION);
    shale_buf_deinit(&b);
}

Test(layout, list_elements_are_length_prefixed_and_joined_by_commas)
{
    shale_buf b = SHALE_BUF_INIT;
    state_layout_list_elem(&b, 0, false, 0, "a,b", 3);
    state_layout_list_elem(&b, 0, false, 0, "", 0);
    state_layout_list_elem(&b, 0, true, 7, "c", 1);
    expect_bytes(&b,
                 "\x00\x00\x00\x03" "a,b" ","
                 "\x00\x00\x00\x00" ","
                 "\x00\x00\x00\x00\x00\x00\x00\x07" "\x00\x00\x00\x01" "c",
                 7 + 1 + 4 + 1 + 8 + 4 + 1);
    shale_buf_deinit(&b);
}

Test(layout, list_parser_reads_back_elements_and_rejects_damage)
{
    shale_buf b = SHALE_BUF_INIT;
    state_layout_list_elem(&b, 0, true, 11, "one", 3);
    state_layout_list_elem(&b, 0, true, 22, ",", 1);
    slice in = shale_buf_slice(&b), v;
    int64_t ts;
    cr_assert_eq(state_layout_list_next(&in, true, &ts, &v, NULL), SHALE_OK);
    cr_assert(ts == 11 && v.len == 3 && memcmp(v.data, "one", 3) == 0);
    cr_assert_eq(state_layout_list_next(&in, true, &ts, &v, NULL), SHALE_OK);
    cr_assert(ts == 22 && v.len == 1 && v.data[0] == ',');
    cr_assert_eq(in.len, 0);
    for (size_t cut = 1; cut < b.len; cut++) {
        if (cut == 15)
            continue;                  /* exactly the first element: a valid list */
        slice t = slice_make(b.data, cut);
        int rc = SHALE_OK;
        while (rc == SHALE_OK && t.len > 0)
            rc = state_layout_list_next(&t, true, &ts, &v, NULL);
        cr_assert_eq(rc, SHALE_CORRUPTION, "truncated to %zu bytes", cut);
    }
    b.data[15] = ';';                  /* the delimiter */
    in = shale_buf_slice(&b);
    cr_assert_eq(state_layout_list_next(&in, true, &ts, &v, NULL), SHALE_CORRUPTION);
    shale_buf_deinit(&b);
}

Test(layout, timer_key_flips_the_sign_bit_of_the_big_endian_timestamp)
{
    shale_buf b = SHALE_BUF_INIT;
    state_timer t = {5, 3, "k", 1, "n", 1};
    state_layout_timer_key(&b, 128, &t);
    expect_bytes(&b, "\x03\x80\x00\x00\x00\x00\x00\x00\x05kn", 11);
    shale_buf_clear(&b);
    state_timer neg = {-1, 300, "key", 3, "", 0};
    state_layout_timer_key(&b, 1024, &neg);
    expect_bytes(&b, "\x01\x2c\x7f\xff\xff\xff\xff\xff\xff\xffkey", 13);
    state_timer back;
    cr_assert_eq(state_layout_timer_key_decode(b.data, b.len, 1024, 3, &back, NULL), SHALE_OK);
    cr_assert(back.ts == -1 && back.kg == 300 && back.klen == 3 && back.nslen == 0);
    cr_assert_eq(state_layout_timer_key_decode(b.data, 9, 1024, 3, &back, NULL),
                 SHALE_CORRUPTION);
    shale_buf_deinit(&b);
}

Test(layout, flipped_timestamps_sort_bytewise_in_time_order)
{
    int64_t times[] = {INT64_MIN, -5, -1, 0, 1, 1000, INT64_MAX};
    shale_buf prev = SHALE_BUF_INIT, cur = SHALE_BUF_INIT;
    for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
        state_timer t = {times[i], 0, "", 0, "", 0};
        shale_buf_clear(&cur);
        state_layout_timer_key(&cur, 128, &t);
        if (i > 0)
            cr_assert_lt(memcmp(prev.data, cur.data, cur.len), 0, "at %zu", i);
        shale_buf_clear(&prev);
        shale_buf_append(&prev, cur.data, cur.len);
    }
    shale_buf_deinit(&prev);
    shale_buf_deinit(&cur);
}
