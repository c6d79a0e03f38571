/* lsm/version/version_edit.h: VersionEdit, one MANIFEST record
 * (db/version_edit.{h,cc} in RocksDB 7.8.3; rocksdb-format.md §5.3, §5.4).
 *
 * An edit is a sequence of  tag:varint32 payload  items, decoded until the
 * input ends.  Tags and NewFile4 custom tags are listed below with their
 * payloads; they are on-disk constants: never change them.  A tag with bit
 * 0x2000 that we do not know is followed by an lp payload and skipped; any
 * other unknown tag makes the edit corrupt.  NewFile4 custom fields are
 * (varint32 tag, lp value)* ended by tag 1; an unknown custom tag is
 * skipped unless bit 64 is set ("must understand"), which is corrupt.
 *
 * version_edit_encode() writes RocksDB's order: DbId, Comparator,
 * LogNumber, PrevLogNumber, NextFileNumber, MaxColumnFamily,
 * MinLogNumberToKeep, LastSequence, CompactCursors, DeletedFiles (sorted by
 * level, number), NewFile4s, blob additions, blob garbage, WalAddition2s,
 * WalDeletion2, ColumnFamily (when not 0), ColumnFamilyAdd,
 * ColumnFamilyDrop, InAtomicGroup, FullHistoryTsLow.  Each NewFile4 carries
 * custom fields 5, 6, 7, 8, then 65, 9, 2, 3 (the MinLogNumberToKeep copy
 * RocksDB puts in the first file), 4 when they apply, and never 12: the SST
 * unique id is decoded but not written, because RocksDB rejects a wrong one
 * and only warns about a missing one. */
#ifndef LSM_VERSION_VERSION_EDIT_H
#define LSM_VERSION_VERSION_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/util/buf.h"
#include "lsm/util/slice.h"
#include "shale/err.h"

enum ve_tag {
    VE_COMPARATOR = 1,             /* lp name */
    VE_LOG_NUMBER = 2,             /* varint64 */
    VE_NEXT_FILE_NUMBER = 3,       /* varint64 */
    VE_LAST_SEQUENCE = 4,          /* varint64 */
    VE_COMPACT_CURSOR = 5,         /* varint32 level, lp internal key */
    VE_DELETED_FILE = 6,           /* varint32 level, varint64 number */
    VE_NEW_FILE = 7,               /* level, number, size, lp smallest, lp largest */
    VE_PREV_LOG_NUMBER = 9,        /* varint64 */
    VE_MIN_LOG_NUMBER_TO_KEEP = 10, /* varint64 */
    VE_NEW_FILE2 = 100,            /* NewFile + varint64 smallest, largest seqno */
    VE_NEW_FILE3 = 102,            /* NewFile2 with varint32 path id after number */
    VE_NEW_FILE4 = 103,            /* NewFile2 + custom fields */
    VE_COLUMN_FAMILY = 200,        /* varint32 id */
    VE_COLUMN_FAMILY_ADD = 201,    /* lp name */
    VE_COLUMN_FAMILY_DROP = 202,   /* nothing */
    VE_MAX_COLUMN_FAMILY = 203,    /* varint32 */
    VE_IN_ATOMIC_GROUP = 300,      /* varint32 edits still to come */
    VE_BLOB_FILE_ADDITION = 400,   /* see ve_blob_addition */
    VE_BLOB_FILE_GARBAGE = 401,    /* see ve_blob_garbage */
    VE_SAFE_IGNORE_MASK = 0x2000,  /* unknown tag with this bit: lp payload, skip */
    VE_DB_ID = 0x2001,             /* lp string */
    VE_BLOB_FILE_ADDITION_OLD = 0x2002, /* as 400, not length-prefixed */
    VE_BLOB_FILE_GARBAGE_OLD = 0x2003,  /* as 401, not length-prefixed */
    VE_WAL_ADDITION = 0x2004,      /* varint64 number, (subtag, value)* ending 1 */
    VE_WAL_DELETION = 0x2005,      /* varint64 number */
    VE_FULL_HISTORY_TS_LOW = 0x2006, /* lp bytes, non-empty */
    VE_WAL_ADDITION2 = 0x2007,     /* lp(WalAddition) */
    VE_WAL_DELETION2 = 0x2008,     /* lp(WalDeletion) */
};

enum ve_custom_tag {
    VE_CT_TERMINATE = 1,
    VE_CT_NEED_COMPACTION = 2,     /* 1 byte, 1 = yes */
    VE_CT_MIN_LOG_HACK = 3,        /* fixed64 MinLogNumberToKeep */
    VE_CT_OLDEST_BLOB_FILE = 4,    /* varint64 */
    VE_CT_OLDEST_ANCESTER_TIME = 5, /* varint64 seconds */
    VE_CT_FILE_CREATION_TIME = 6,  /* varint64 seconds */
    VE_CT_FILE_CHECKSUM = 7,       /* raw bytes */
    VE_CT_FILE_CHECKSUM_FUNC = 8,  /* string */
    VE_CT_TEMPERATURE = 9,         /* 1 byte */
    VE_CT_MIN_TIMESTAMP = 10,      /* bytes; 7.8.3 skips it */
    VE_CT_MAX_TIMESTAMP = 11,      /* bytes; 7.8.3 skips it */
    VE_CT_UNIQUE_ID = 12,          /* 16 bytes: two fixed64 */
    VE_CT_MUST_UNDERSTAND = 64,    /* bit: unknown means corrupt */
    VE_CT_PATH_ID = 65,            /* 1 byte, 0..3 */
};

/* The checksum function name RocksDB records when checksums are off. */
#define VE_UNKNOWN_CHECKSUM_FUNC "Unknown"
/* WalAddition without a synced size. */
#define VE_WAL_UNKNOWN_SIZE UINT64_MAX

/* An added table file.  The buffers are owned by the edit. */
typedef struct ve_new_file {
    int level;
    uint64_t number;
    uint32_t path_id;
    uint64_t size;
    shale_buf smallest, largest;      /* internal keys */
    uint64_t smallest_seqno, largest_seqno;
    uint64_t oldest_ancester_time;    /* seconds; 0 = unknown */
    uint64_t file_creation_time;      /* seconds; 0 = unknown */
    shale_buf checksum;               /* raw; empty when checksums are off */
    shale_buf checksum_func_name;     /* "Unknown" when off */
    bool marked_for_compaction;
    uint64_t oldest_blob_file_number; /* 0 = none */
    uint8_t temperature;              /* 0 = unknown */
    bool has_unique_id;
    uint64_t unique_id[2];            /* internal form, as in tag 12 */
} ve_new_file;

/* What version_edit_add_file() copies in.  Slices are borrowed for the
 * call.  checksum_func_name.data == NULL means "Unknown". */
typedef struct ve_file_meta {
    int level;
    uint64_t number;
    uint32_t path_id;                 /* 0..3 */
    uint64_t size;
    slice smallest, largest;          /* internal keys */
    uint64_t smallest_seqno, largest_seqno;
    uint64_t oldest_ancester_time, file_creation_time;
    slice checksum, checksum_func_name;
    bool marked_for_compaction;
    uint64_t oldest_blob_file_number;
    uint8_t temperature;
} ve_file_meta;

typedef struct ve_deleted_file {
    int level;
    uint64_t number;
} ve_deleted_file;

typedef struct ve_compact_cursor {
    int level;
    shale_buf key;                    /* internal key */
} ve_compact_cursor;

typedef struct ve_blob_addition {
    uint64_t number, blob_count, blob_bytes;
    shale_buf checksum_method, checksum_value;
} ve_blob_addition;

typedef struct ve_blob_garbage {
    uint64_t number, garbage_count, garbage_bytes;
} ve_blob_garbage;

typedef struct ve_wal_addition {
    uint64_t number;
    uint64_t synced_size;             /* VE_WAL_UNKNOWN_SIZE if absent */
} ve_wal_addition;

/* A decoded or to-be-encoded edit.  Scalar fields count only when their
 * has_* flag is set.  Owns every buffer and array; release with
 * version_edit_deinit().  Not thread-safe. */
typedef struct version_edit {
    bool has_db_id, has_comparator, has_log_number, has_prev_log_number;
    bool has_next_file_number, has_last_sequence, has_max_column_family;
    bool has_min_log_number_to_keep, has_wal_deletion, has_full_history_ts_low;
    shale_buf db_id, comparator, full_history_ts_low;
    uint64_t log_number, prev_log_number, next_file_number, last_sequence;
    uint64_t min_log_number_to_keep;
    uint32_t max_column_family;

    uint32_t column_family;           /* 0 = default (tag 200 not written) */
    bool is_column_family_add, is_column_family_drop;
    shale_buf column_family_name;     /* with is_column_family_add */
    bool is_in_atomic_group;
    uint32_t remaining_entries;

    ve_compact_cursor *cursors;       size_t n_cursors, cap_cursors;
    ve_deleted_file *deleted;         size_t n_deleted, cap_deleted;   /* sorted, unique */
    ve_new_file *files;               size_t n_files, cap_files;
    ve_blob_addition *blob_adds;      size_t n_blob_adds, cap_blob_adds;
    ve_blob_garbage *blob_garbage;    size_t n_blob_garbage, cap_blob_garbage;
    ve_wal_addition *wal_adds;        size_t n_wal_adds, cap_wal_adds;
    uint64_t wal_deletion;            /* with has_wal_deletion */
} version_edit;

void version_edit_init(version_edit *ve);
/* NULL-safe. */
void version_edit_deinit(version_edit *ve);
/* Back to an empty edit. */
void version_edit_clear(version_edit *ve);

/* Setters for the string fields (copied).  SHALE_OK or SHALE_NO_MEMORY. */
int version_edit_set_comparator(version_edit *ve, slice name, shale_err *err);
int version_edit_set_db_id(version_edit *ve, slice id, shale_err *err);
int version_edit_add_column_family(version_edit *ve, uint32_t id, slice name, shale_err *err);
/* Setters for the numbers: set the value and its has_* flag. */
void version_edit_set_log_number(version_edit *ve, uint64_t n);
void version_edit_set_prev_log_number(version_edit *ve, uint64_t n);
void version_edit_set_next_file_number(version_edit *ve, uint64_t n);
void version_edit_set_last_sequence(version_edit *ve, uint64_t seq);
void version_edit_set_min_log_number_to_keep(version_edit *ve, uint64_t n);
void version_edit_set_max_column_family(version_edit *ve, uint32_t n);

/* version_edit_delete_file(): records (level, number) as deleted; a repeat
 * is a no-op.  SHALE_OK or SHALE_NO_MEMORY. */
int version_edit_delete_file(version_edit *ve, int level, uint64_t number, shale_err *err);
/* version_edit_add_file(): appends a copy of *meta.
 *   SHALE_OK, SHALE_NO_MEMORY,
 *   SHALE_INVALID_ARGUMENT  a bound shorter than 8 bytes, path_id > 3 */
int version_edit_add_file(version_edit *ve, const ve_file_meta *meta, shale_err *err);

/* version_edit_decode(): replaces *ve with the edit encoded in `in`.
 *   SHALE_OK
 *   SHALE_CORRUPTION  "VersionEdit: <what>", e.g. "unknown tag",
 *                     "new-file4 custom field not supported", a truncated
 *                     or malformed field, an invalid internal key
 *   SHALE_NO_MEMORY
 * On failure *ve is left valid (possibly partly filled) for deinit. */
int version_edit_decode(version_edit *ve, slice in, shale_err *err);

/* version_edit_encode(): appends the encoding to out (RocksDB's order, see
 * above).  SHALE_OK, SHALE_NO_MEMORY. */
int version_edit_encode(const version_edit *ve, shale_buf *out, shale_err *err);

/* version_edit_debug_string(): appends the text `ldb manifest_dump
 * --verbose` prints for one edit ("VersionEdit {\n  Comparator: ...\n}\n");
 * hex prints user keys in upper-case hex, like --hex.  SHALE_OK or
 * SHALE_NO_MEMORY. */
int version_edit_debug_string(const version_edit *ve, bool hex, shale_buf *out,
                              shale_err *err);

#endif
