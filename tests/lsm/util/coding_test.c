/* tests/lsm/util/coding_test.c: varints, fixed ints, zigzag and lp slices. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "lsm/util/buf.h"
#include "lsm/util/coding.h"

Test(coding, varint64_round_trips_at_every_bit_width)
{
    for (int bits = 0; bits <= 64; bits++) {
        uint64_t v = bits == 64 ? UINT64_MAX : (bits == 0 ? 0 : (UINT64_C(1) << bits) - 1);
        char buf[VARINT64_MAX_LEN];
        char *end = enc_varint64(buf, v);
        cr_assert_eq(end - buf, varint_length(v));
        uint64_t got = 0;
        cr_assert_eq(dec_varint64(buf, end, &got), end);
        cr_assert_eq(got, v);
        /* every truncation fails */
        for (char *lim = buf; lim < end; lim++)
            cr_assert_null(dec_varint64(buf, lim, &got));
    }
}

Test(coding, varint32_rejects_values_over_32_bits_and_long_encodings)
{
    char buf[VARINT64_MAX_LEN];
    char *end = enc_varint64(buf, UINT64_C(1) << 32);
    uint32_t v;
    cr_assert_null(dec_varint32(buf, end, &v));
    end = enc_varint32(buf, UINT32_MAX);
    cr_assert_eq(dec_varint32(buf, end, &v), end);
    cr_assert_eq(v, UINT32_MAX);
    const char six[] = {(char)0x80, (char)0x80, (char)0x80, (char)0x80, (char)0x80, 0x00};
    cr_assert_null(dec_varint32(six, six + 6, &v));
}

Test(coding, fixed_ints_are_little_endian)
{
    char b[8];
    enc_fixed32(b, 0x01020304u);
    cr_assert_eq(b[0], 4);
    cr_assert_eq(b[3], 1);
    cr_assert_eq(dec_fixed32(b), 0x01020304u);
    enc_fixed64(b, UINT64_C(0x88e241b785f4cff7));
    cr_assert_eq((unsigned char)b[0], 0xf7);
    cr_assert_eq(dec_fixed64(b), UINT64_C(0x88e241b785f4cff7));
}

Test(coding, zigzag_matches_rocksdb_varsigned)
{
    cr_assert_eq(zigzag_encode(0), 0);
    cr_assert_eq(zigzag_encode(-1), 1);
    cr_assert_eq(zigzag_encode(1), 2);
    cr_assert_eq(zigzag_encode(INT64_MIN), UINT64_MAX);
    for (int64_t v = -1000; v <= 1000; v += 7)
        cr_assert_eq(zigzag_decode(zigzag_encode(v)), v);
}

Test(coding, lp_slice_refuses_lengths_past_the_input)
{
    shale_buf b = SHALE_BUF_INIT;
    shale_buf_put_lp_slice(&b, slice_from_str("hello"));
    slice in = slice_make(b.data, b.len), out;
    cr_assert(get_lp_slice(&in, &out));
    cr_assert(slice_equal(out, slice_from_str("hello")));
    cr_assert_eq(in.len, 0);
    in = slice_make(b.data, b.len - 1);
    cr_assert_not(get_lp_slice(&in, &out));
    cr_assert_eq(in.len, b.len - 1, "a failed decode leaves the input alone");
    shale_buf_deinit(&b);
}
