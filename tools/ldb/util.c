/* tools/ldb/util.c: small helpers shared by the ldb commands: RocksDB's hex
 * in and out (StringToHex / HexToString), its Status::ToString() text for a
 * shale_err, std::stoi-style --max_keys parsing, and NUL-stopping printing.
 * Each mirrors what RocksDB's ldb does byte for byte, since scripts parse
 * this output. */
#include "tools/ldb/ldb.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void ldb_append_hex(shale_buf *out, slice s)
{
    static const char digits[] = "0123456789ABCDEF";
    shale_buf_append_str(out, "0x");
    for (size_t i = 0; i < s.len; i++) {
        uint8_t b = (uint8_t)s.data[i];
        shale_buf_append_byte(out, (uint8_t)digits[b >> 4]);
        shale_buf_append_byte(out, (uint8_t)digits[b & 15]);
    }
}

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* RocksDB throws a C string here and nobody catches it. */
static void die_invalid_hex(void)
{
    fputs("terminate called after throwing an instance of 'char const*'\n", stderr);
    abort();
}

void ldb_hex_to_string(const char *in, shale_buf *out)
{
    size_t len = strlen(in);
    shale_buf_clear(out);
    if (len < 2 || in[0] != '0' || in[1] != 'x') {
        fprintf(stderr, "Invalid hex input %s.  Must start with 0x\n", in);
        die_invalid_hex();
    }
    if ((len - 2) % 2 != 0)
        die_invalid_hex();
    for (size_t i = 2; i < len; i += 2) {
        int hi = hex_value(in[i]), lo = hex_value(in[i + 1]);
        if (hi < 0 || lo < 0)
            die_invalid_hex();
        shale_buf_append_byte(out, (uint8_t)(hi << 4 | lo));
    }
}

void ldb_key_arg(const char *in, bool hex, shale_buf *out)
{
    if (hex) {
        ldb_hex_to_string(in, out);
        return;
    }
    shale_buf_clear(out);
    shale_buf_append_str(out, in);
}

/* RocksDB's Status::ToString() names; shale_code_name() has the same words
 * except for codes RocksDB lacks. */
void ldb_status_string(const shale_err *err, char *buf, size_t n)
{
    if (err == NULL || err->code == SHALE_OK) {
        snprintf(buf, n, "OK");
        return;
    }
    snprintf(buf, n, "%s: %s", shale_code_name(err->code), err->msg);
}

bool ldb_parse_max_keys(ldb_cmd *c, const char *s, int64_t *out)
{
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (end == p) {
        ldb_fail(c, "max_keys has an invalid value");
        return false;
    }
    if (errno == ERANGE || v > INT_MAX || v < INT_MIN) {
        ldb_fail(c, "max_keys has a value out-of-range");
        return false;
    }
    *out = v;
    return true;
}

void ldb_put_cstr(FILE *to, slice s)
{
    const char *nul = s.len == 0 ? NULL : memchr(s.data, '\0', s.len);
    size_t n = nul == NULL ? s.len : (size_t)(nul - s.data);
    if (n > 0)
        fwrite(s.data, 1, n, to);
}
