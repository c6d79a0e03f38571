/* lsm/table/filter.h: RocksDB's full-file filters ("fullfilter." metaindex
 * entries), see docs/format.md and rocksdb-format.md §7.
 *
 * Writing: FastLocalBloom (format_version 5) with RocksDB's sizing and
 * probe count; the legacy Bloom layout for format_version < 5.  Keys are
 * hashed with XXPH3 (hash_xxph3_64), not libxxhash's XXH3.
 * Reading: FastLocalBloom and legacy Bloom are used; Ribbon, reserved
 * markers and anything malformed make the filter "always may match" (slower,
 * never wrong).  A filter of <= 5 bytes means "no keys": never matches. */
#ifndef LSM_TABLE_FILTER_H
#define LSM_TABLE_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "lsm/util/buf.h"
#include "lsm/util/slice.h"

/* --- building ----------------------------------------------------------- */

/* Owns its hash array.  _init/_deinit. */
typedef struct filter_builder {
    double bits_per_key;
    int format_version;   /* >= 5: FastLocalBloom; else legacy Bloom */
    uint64_t *hashes;     /* XXPH3 of each added key (legacy: hash32, widened) */
    size_t num_hashes, cap;
    uint64_t last_hash;   /* a run of equal hashes is added once */
    bool failed;          /* allocation failed: finish() gives no filter */
} filter_builder;

void filter_builder_init(filter_builder *b, double bits_per_key, int format_version);
void filter_builder_deinit(filter_builder *b);
/* Adds a user key (no internal-key trailer). */
void filter_builder_add(filter_builder *b, slice user_key);
/* Distinct keys added (rocksdb.num.filter_entries). */
size_t filter_builder_num_entries(const filter_builder *b);
/* Appends the filter block (body + 5-byte metadata trailer) to out and
 * resets the builder.  Returns false, appending nothing, when there were no
 * keys or memory ran out: the table then has no filter. */
bool filter_builder_finish(filter_builder *b, shale_buf *out);

/* --- reading ------------------------------------------------------------ */

enum filter_kind {
    FILTER_ALWAYS_TRUE = 0,  /* unknown, Ribbon, malformed: no filtering */
    FILTER_ALWAYS_FALSE,     /* <= 5 bytes: the file has no keys */
    FILTER_FAST_LOCAL_BLOOM,
    FILTER_LEGACY_BLOOM,
};

/* Borrows the block bytes: they must outlive the reader. */
typedef struct filter_reader {
    int kind;                /* enum filter_kind */
    const char *data;        /* filter bits */
    uint32_t len;            /* bytes of bits (FastLocalBloom: multiple of 64) */
    int num_probes;
    uint32_t num_lines;      /* legacy Bloom */
    uint32_t line_bytes;     /* legacy Bloom cache-line size */
} filter_reader;

/* Parses a filter block's trailer.  Never fails: what it does not
 * understand becomes FILTER_ALWAYS_TRUE. */
void filter_reader_init(filter_reader *r, slice block);
/* false only if user_key is certainly absent. */
bool filter_key_may_match(const filter_reader *r, slice user_key);
/* A short name for tools: "FastLocalBloom", "LegacyBloom", "Ribbon/unknown", ... */
const char *filter_kind_name(int kind);

#endif
