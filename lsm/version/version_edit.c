/* lsm/version/version_edit.c: VersionEdit decode, encode and debug text.
 * Tags, payloads and the encoding order are documented in version_edit.h.
 * The decoder follows RocksDB 7.8.3's acceptance rules exactly (what it
 * skips, what it rejects), because a MANIFEST that RocksDB opens must open
 * here too, and one it rejects must not silently open.  Every length comes
 * from the bounded get_* helpers; nothing is read past the record. */
#include "lsm/version/version_edit.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/coding.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

/* Blob custom fields (db/blob/blob_file_addition.cc): tag 0 ends them. */
#define BLOB_CT_END 0
#define BLOB_CT_MUST_UNDERSTAND 64
/* WalAddition subtags (db/wal_edit.h). */
#define WAL_ST_TERMINATE 1
#define WAL_ST_SYNCED_SIZE 2
/* The coldest temperature 7.8.3 knows; larger values read as unknown. */
#define TEMPERATURE_MAX 0x0C

#define BAD(err, what) SHALE_CORRUPT((err), "VersionEdit: %s", (what))

/* What apply_custom() returns when a copy ran out of memory. */
static const char out_of_memory[] = "out of memory";

/* ---- memory ------------------------------------------------------------ */

/* Makes room for one more element; returns the (maybe moved) array, or
 * NULL with arr untouched when out of memory. */
static void *grow(void *arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return arr;
    size_t nc = *cap == 0 ? 4 : *cap * 2;
    void *p = realloc(arr, nc * elem);
    if (p != NULL)
        *cap = nc;
    return p;
}

static bool buf_set(shale_buf *b, slice s)
{
    shale_buf_clear(b);
    shale_buf_append_slice(b, s);
    return shale_buf_ok(b);
}

static void file_deinit(ve_new_file *f)
{
    shale_buf_deinit(&f->smallest);
    shale_buf_deinit(&f->largest);
    shale_buf_deinit(&f->checksum);
    shale_buf_deinit(&f->checksum_func_name);
}

static void free_arrays(version_edit *ve)
{
    for (size_t i = 0; i < ve->n_files; i++)
        file_deinit(&ve->files[i]);
    for (size_t i = 0; i < ve->n_cursors; i++)
        shale_buf_deinit(&ve->cursors[i].key);
    for (size_t i = 0; i < ve->n_blob_adds; i++) {
        shale_buf_deinit(&ve->blob_adds[i].checksum_method);
        shale_buf_deinit(&ve->blob_adds[i].checksum_value);
    }
    free(ve->files);
    free(ve->cursors);
    free(ve->deleted);
    free(ve->blob_adds);
    free(ve->blob_garbage);
    free(ve->wal_adds);
}

void version_edit_init(version_edit *ve) { memset(ve, 0, sizeof *ve); }

void version_edit_deinit(version_edit *ve)
{
    if (ve == NULL)
        return;
    free_arrays(ve);
    shale_buf_deinit(&ve->db_id);
    shale_buf_deinit(&ve->comparator);
    shale_buf_deinit(&ve->full_history_ts_low);
    shale_buf_deinit(&ve->column_family_name);
    version_edit_init(ve);
}

void version_edit_clear(version_edit *ve) { version_edit_deinit(ve); }

/* ---- building ---------------------------------------------------------- */

int version_edit_set_comparator(version_edit *ve, slice name, shale_err *err)
{
    if (!buf_set(&ve->comparator, name))
        return SHALE_NOMEM(err);
    ve->has_comparator = true;
    return SHALE_OK;
}

int version_edit_set_db_id(version_edit *ve, slice id, shale_err *err)
{
    if (!buf_set(&ve->db_id, id))
        return SHALE_NOMEM(err);
    ve->has_db_id = true;
    return SHALE_OK;
}

int version_edit_add_column_family(version_edit *ve, uint32_t id, slice name, shale_err *err)
{
    if (!buf_set(&ve->column_family_name, name))
        return SHALE_NOMEM(err);
    ve->column_family = id;
    ve->is_column_family_add = true;
    return SHALE_OK;
}

void version_edit_set_log_number(version_edit *ve, uint64_t n)
{
    ve->log_number = n;
    ve->has_log_number = true;
}

void version_edit_set_prev_log_number(version_edit *ve, uint64_t n)
{
    ve->prev_log_number = n;
    ve->has_prev_log_number = true;
}

void version_edit_set_next_file_number(version_edit *ve, uint64_t n)
{
    ve->next_file_number = n;
    ve->has_next_file_number = true;
}

void version_edit_set_last_sequence(version_edit *ve, uint64_t seq)
{
    ve->last_sequence = seq;
    ve->has_last_sequence = true;
}

void version_edit_set_min_log_number_to_keep(version_edit *ve, uint64_t n)
{
    ve->min_log_number_to_keep = n;
    ve->has_min_log_number_to_keep = true;
}

void version_edit_set_max_column_family(version_edit *ve, uint32_t n)
{
    ve->max_column_family = n;
    ve->has_max_column_family = true;
}

static int cmp_deleted(int la, uint64_t na, const ve_deleted_file *b)
{
    if (la != b->level)
        return la < b->level ? -1 : 1;
    return na < b->number ? -1 : (na > b->number ? 1 : 0);
}

/* RocksDB keeps deleted files in a std::set: sorted, without repeats. */
int version_edit_delete_file(version_edit *ve, int level, uint64_t number, shale_err *err)
{
    size_t i = 0;
    while (i < ve->n_deleted && cmp_deleted(level, number, &ve->deleted[i]) > 0)
        i++;
    if (i < ve->n_deleted && cmp_deleted(level, number, &ve->deleted[i]) == 0)
        return SHALE_OK;
    void *p = grow(ve->deleted, &ve->cap_deleted, ve->n_deleted, sizeof *ve->deleted);
    if (p == NULL)
        return SHALE_NOMEM(err);
    ve->deleted = p;
    memmove(&ve->deleted[i + 1], &ve->deleted[i], (ve->n_deleted - i) * sizeof *ve->deleted);
    ve->deleted[i] = (ve_deleted_file){level, number};
    ve->n_deleted++;
    return SHALE_OK;
}

/* Appends a zeroed file with RocksDB's defaults and returns it. */
static ve_new_file *push_file(version_edit *ve)
{
    void *p = grow(ve->files, &ve->cap_files, ve->n_files, sizeof *ve->files);
    if (p == NULL)
        return NULL;
    ve->files = p;
    ve_new_file *f = &ve->files[ve->n_files++];
    memset(f, 0, sizeof *f);
    f->largest_seqno = MAX_SEQUENCE;
    shale_buf_append_str(&f->checksum_func_name, VE_UNKNOWN_CHECKSUM_FUNC);
    if (!shale_buf_ok(&f->checksum_func_name)) {
        file_deinit(f);
        ve->n_files--;
        return NULL;
    }
    return f;
}

int version_edit_add_file(version_edit *ve, const ve_file_meta *m, shale_err *err)
{
    if (m->smallest.len < IKEY_TRAILER_LEN || m->largest.len < IKEY_TRAILER_LEN)
        return SHALE_INVALID(err, "file %" PRIu64 ": bound shorter than 8 bytes", m->number);
    if (m->path_id > 3)
        return SHALE_INVALID(err, "file %" PRIu64 ": path id %u", m->number, m->path_id);
    ve_new_file *f = push_file(ve);
    if (f == NULL)
        return SHALE_NOMEM(err);
    f->level = m->level;
    f->number = m->number;
    f->path_id = m->path_id;
    f->size = m->size;
    f->smallest_seqno = m->smallest_seqno;
    f->largest_seqno = m->largest_seqno;
    f->oldest_ancester_time = m->oldest_ancester_time;
    f->file_creation_time = m->file_creation_time;
    f->marked_for_compaction = m->marked_for_compaction;
    f->oldest_blob_file_number = m->oldest_blob_file_number;
    f->temperature = m->temperature;
    bool ok = buf_set(&f->smallest, m->smallest) && buf_set(&f->largest, m->largest) &&
              buf_set(&f->checksum, m->checksum) &&
              (m->checksum_func_name.data == NULL ||
               buf_set(&f->checksum_func_name, m->checksum_func_name));
    if (!ok) {
        file_deinit(f);
        ve->n_files--;
        return SHALE_NOMEM(err);
    }
    return SHALE_OK;
}

/* ---- decoding: files --------------------------------------------------- */

/* An lp internal key whose type RocksDB accepts in a MANIFEST bound. */
static bool get_ikey(slice *in, slice *key)
{
    parsed_ikey p;
    if (!get_lp_slice(in, key) || !ikey_parse(*key, &p))
        return false;
    return p.type == VT_DELETION || p.type == VT_VALUE || p.type == VT_MERGE ||
           p.type == VT_SINGLE_DELETION || p.type == VT_BLOB_INDEX ||
           p.type == VT_DELETION_WITH_TS || p.type == VT_WIDE_COLUMN_ENTITY ||
           p.type == VT_RANGE_DELETION;
}

static bool get_level(slice *in, int *level)
{
    uint32_t v;
    if (!get_varint32(in, &v) || v > INT32_MAX)
        return false;
    *level = (int)v;
    return true;
}

/* One NewFile4 custom field; NULL when fine, else what is wrong. */
static const char *apply_custom(version_edit *ve, ve_new_file *f, uint32_t tag, slice v)
{
    switch (tag) {
    case VE_CT_PATH_ID:
        if (v.len != 1)
            return "path_id field wrong size";
        if ((unsigned char)v.data[0] > 3)
            return "path_id wrong vaue";
        f->path_id = (unsigned char)v.data[0];
        return NULL;
    case VE_CT_OLDEST_ANCESTER_TIME:
        return get_varint64(&v, &f->oldest_ancester_time) ? NULL : "invalid oldest ancester time";
    case VE_CT_FILE_CREATION_TIME:
        return get_varint64(&v, &f->file_creation_time) ? NULL : "invalid file creation time";
    case VE_CT_FILE_CHECKSUM:
        return buf_set(&f->checksum, v) ? NULL : out_of_memory;
    case VE_CT_FILE_CHECKSUM_FUNC:
        return buf_set(&f->checksum_func_name, v) ? NULL : out_of_memory;
    case VE_CT_NEED_COMPACTION:
        if (v.len != 1)
            return "need_compaction field wrong size";
        f->marked_for_compaction = v.data[0] == 1;
        return NULL;
    case VE_CT_MIN_LOG_HACK:
        if (!get_fixed64(&v, &ve->min_log_number_to_keep))
            return "deleted log number malformatted";
        ve->has_min_log_number_to_keep = true;
        return NULL;
    case VE_CT_OLDEST_BLOB_FILE:
        return get_varint64(&v, &f->oldest_blob_file_number) ? NULL
                                                             : "invalid oldest blob file number";
    case VE_CT_TEMPERATURE:
        if (v.len != 1)
            return "temperature field wrong size";
        if ((unsigned char)v.data[0] <= TEMPERATURE_MAX)
            f->temperature = (uint8_t)v.data[0];
        return NULL;
    case VE_CT_UNIQUE_ID:
        if (v.len != 16)
            return "invalid unique id";
        f->unique_id[0] = dec_fixed64(v.data);
        f->unique_id[1] = dec_fixed64(v.data + 8);
        f->has_unique_id = true;
        return NULL;
    default:
        return (tag & VE_CT_MUST_UNDERSTAND) != 0 ? "new-file4 custom field not supported" : NULL;
    }
}

static int custom_fields(version_edit *ve, ve_new_file *f, slice *in, shale_err *err)
{
    for (;;) {
        uint32_t tag;
        slice v;
        if (!get_varint32(in, &tag))
            return BAD(err, "new-file4 custom field");
        if (tag == VE_CT_TERMINATE)
            return SHALE_OK;
        if (!get_lp_slice(in, &v))
            return BAD(err, "new-file4 custom field length prefixed slice error");
        const char *msg = apply_custom(ve, f, tag, v);
        if (msg != NULL)
            return msg == out_of_memory ? SHALE_NOMEM(err) : BAD(err, msg);
    }
}

/* Tags 7, 100, 102 and 103. */
static int decode_new_file(version_edit *ve, uint32_t tag, slice *in, shale_err *err)
{
    static const char *const names[] = {"new-file entry", "new-file2 entry", "new-file3 entry",
                                        "new-file4 entry"};
    int which = tag == VE_NEW_FILE ? 0 : tag == VE_NEW_FILE2 ? 1 : tag == VE_NEW_FILE3 ? 2 : 3;
    ve_new_file *f = push_file(ve);
    slice sm, lg;
    if (f == NULL)
        return SHALE_NOMEM(err);
    if (which == 0) {
        f->smallest_seqno = MAX_SEQUENCE; /* RocksDB's defaults for LevelDB files */
        f->largest_seqno = 0;
    }
    if (!get_level(in, &f->level) || !get_varint64(in, &f->number) ||
        (which == 2 && !get_varint32(in, &f->path_id)) || !get_varint64(in, &f->size) ||
        !get_ikey(in, &sm) || !get_ikey(in, &lg) ||
        (which > 0 && (!get_varint64(in, &f->smallest_seqno) ||
                       !get_varint64(in, &f->largest_seqno))))
        return BAD(err, names[which]);
    if (f->path_id > 3)   /* the promise of ve_new_file, as new-file4 enforces it */
        return BAD(err, "path_id wrong vaue");
    if (!buf_set(&f->smallest, sm) || !buf_set(&f->largest, lg))
        return SHALE_NOMEM(err);
    return which == 3 ? custom_fields(ve, f, in, err) : SHALE_OK;
}

/* ---- decoding: blob files and WALs ------------------------------------- */

static int blob_custom_fields(slice *in, const char *what, shale_err *err)
{
    for (;;) {
        uint32_t tag;
        slice v;
        if (!get_varint32(in, &tag))
            return SHALE_CORRUPT(err, "%s: Error decoding custom field tag", what);
        if (tag == BLOB_CT_END)
            return SHALE_OK;
        if (tag & BLOB_CT_MUST_UNDERSTAND)
            return SHALE_CORRUPT(err, "%s: Forward incompatible custom field encountered", what);
        if (!get_lp_slice(in, &v))
            return SHALE_CORRUPT(err, "%s: Error decoding custom field value", what);
    }
}

static int decode_blob_addition(version_edit *ve, slice *in, shale_err *err)
{
    static const char what[] = "BlobFileAddition";
    ve_blob_addition a = {0};
    slice method, value;
    if (!get_varint64(in, &a.number) || !get_varint64(in, &a.blob_count) ||
        !get_varint64(in, &a.blob_bytes) || !get_lp_slice(in, &method) ||
        !get_lp_slice(in, &value))
        return SHALE_CORRUPT(err, "%s: Error decoding fields", what);
    int rc = blob_custom_fields(in, what, err);
    if (rc != SHALE_OK)
        return rc;
    void *p = grow(ve->blob_adds, &ve->cap_blob_adds, ve->n_blob_adds, sizeof a);
    if (p == NULL)
        return SHALE_NOMEM(err);
    ve->blob_adds = p;
    ve->blob_adds[ve->n_blob_adds++] = a;
    ve_blob_addition *dst = &ve->blob_adds[ve->n_blob_adds - 1];
    if (!buf_set(&dst->checksum_method, method) || !buf_set(&dst->checksum_value, value))
        return SHALE_NOMEM(err);
    return SHALE_OK;
}

static int decode_blob_garbage(version_edit *ve, slice *in, shale_err *err)
{
    static const char what[] = "BlobFileGarbage";
    ve_blob_garbage g;
    if (!get_varint64(in, &g.number) || !get_varint64(in, &g.garbage_count) ||
        !get_varint64(in, &g.garbage_bytes))
        return SHALE_CORRUPT(err, "%s: Error decoding fields", what);
    int rc = blob_custom_fields(in, what, err);
    if (rc != SHALE_OK)
        return rc;
    void *p = grow(ve->blob_garbage, &ve->cap_blob_garbage, ve->n_blob_garbage, sizeof g);
    if (p == NULL)
        return SHALE_NOMEM(err);
    ve->blob_garbage = p;
    ve->blob_garbage[ve->n_blob_garbage++] = g;
    return SHALE_OK;
}

static int decode_wal_addition(version_edit *ve, slice *in, shale_err *err)
{
    ve_wal_addition w = {0, VE_WAL_UNKNOWN_SIZE};
    uint32_t sub;
    if (!get_varint64(in, &w.number))
        return SHALE_CORRUPT(err, "WalAddition: Error decoding WAL log number");
    for (;;) {
        if (!get_varint32(in, &sub))
            return SHALE_CORRUPT(err, "WalAddition: Error decoding tag");
        if (sub == WAL_ST_TERMINATE)
            break;
        if (sub != WAL_ST_SYNCED_SIZE)
            return SHALE_CORRUPT(err, "WalAddition: Unknown tag %" PRIu32, sub);
        if (!get_varint64(in, &w.synced_size))
            return SHALE_CORRUPT(err, "WalAddition: Error decoding WAL file size");
    }
    void *p = grow(ve->wal_adds, &ve->cap_wal_adds, ve->n_wal_adds, sizeof w);
    if (p == NULL)
        return SHALE_NOMEM(err);
    ve->wal_adds = p;
    ve->wal_adds[ve->n_wal_adds++] = w;
    return SHALE_OK;
}

static int decode_wal_deletion(version_edit *ve, slice *in, shale_err *err)
{
    if (!get_varint64(in, &ve->wal_deletion))
        return SHALE_CORRUPT(err, "WalDeletion: Error decoding WAL log number");
    ve->has_wal_deletion = true;
    return SHALE_OK;
}

/* 8199 / 8200: the old payloads wrapped in an lp slice. */
static int decode_wal_wrapped(version_edit *ve, uint32_t tag, slice *in, shale_err *err)
{
    slice inner;
    if (!get_lp_slice(in, &inner))
        return BAD(err, tag == VE_WAL_ADDITION2 ? "WalAddition not prefixed by length"
                                                : "WalDeletion not prefixed by length");
    return tag == VE_WAL_ADDITION2 ? decode_wal_addition(ve, &inner, err)
                                   : decode_wal_deletion(ve, &inner, err);
}

/* ---- decoding: everything else ----------------------------------------- */

/* Single-valued tags: numbers and strings.  Returns -1 if tag is not one. */
static int decode_scalar(version_edit *ve, uint32_t tag, slice *in, shale_err *err)
{
    slice s;
    switch (tag) {
    case VE_LOG_NUMBER:
        return (ve->has_log_number = get_varint64(in, &ve->log_number)) ? SHALE_OK
                                                                         : BAD(err, "log number");
    case VE_PREV_LOG_NUMBER:
        return (ve->has_prev_log_number = get_varint64(in, &ve->prev_log_number))
                   ? SHALE_OK : BAD(err, "previous log number");
    case VE_NEXT_FILE_NUMBER:
        return (ve->has_next_file_number = get_varint64(in, &ve->next_file_number))
                   ? SHALE_OK : BAD(err, "next file number");
    case VE_LAST_SEQUENCE:
        return (ve->has_last_sequence = get_varint64(in, &ve->last_sequence))
                   ? SHALE_OK : BAD(err, "last sequence number");
    case VE_MIN_LOG_NUMBER_TO_KEEP:
        return (ve->has_min_log_number_to_keep = get_varint64(in, &ve->min_log_number_to_keep))
                   ? SHALE_OK : BAD(err, "min log number to kee");
    case VE_MAX_COLUMN_FAMILY:
        return (ve->has_max_column_family = get_varint32(in, &ve->max_column_family))
                   ? SHALE_OK : BAD(err, "max column family");
    case VE_COMPARATOR:
        if (!get_lp_slice(in, &s))
            return BAD(err, "comparator name");
        return version_edit_set_comparator(ve, s, err);
    case VE_DB_ID:
        if (!get_lp_slice(in, &s))
            return BAD(err, "db id");
        return version_edit_set_db_id(ve, s, err);
    case VE_FULL_HISTORY_TS_LOW:
        if (!get_lp_slice(in, &s))
            return BAD(err, "full_history_ts_low");
        if (s.len == 0)
            return BAD(err, "full_history_ts_low: empty");
        if (!buf_set(&ve->full_history_ts_low, s))
            return SHALE_NOMEM(err);
        ve->has_full_history_ts_low = true;
        return SHALE_OK;
    default:
        return -1;
    }
}

static int decode_cursor(version_edit *ve, slice *in, shale_err *err)
{
    ve_compact_cursor c = {0};
    slice key;
    if (!get_level(in, &c.level) || !get_ikey(in, &key))
        return BAD(err, "compaction cursor");
    void *p = grow(ve->cursors, &ve->cap_cursors, ve->n_cursors, sizeof c);
    if (p == NULL)
        return SHALE_NOMEM(err);
    ve->cursors = p;
    ve->cursors[ve->n_cursors++] = c;
    return buf_set(&ve->cursors[ve->n_cursors - 1].key, key) ? SHALE_OK : SHALE_NOMEM(err);
}

/* Column families, atomic groups and unknown tags. */
static int decode_other(version_edit *ve, uint32_t tag, slice *in, shale_err *err)
{
    slice s;
    switch (tag) {
    case VE_COLUMN_FAMILY:
        return get_varint32(in, &ve->column_family) ? SHALE_OK : BAD(err, "set column family id");
    case VE_COLUMN_FAMILY_ADD:
        if (!get_lp_slice(in, &s))
            return BAD(err, "column family add");
        if (!buf_set(&ve->column_family_name, s))
            return SHALE_NOMEM(err);
        ve->is_column_family_add = true;
        return SHALE_OK;
    case VE_COLUMN_FAMILY_DROP:
        ve->is_column_family_drop = true;
        return SHALE_OK;
    case VE_IN_ATOMIC_GROUP:
        ve->is_in_atomic_group = true;
        return get_varint32(in, &ve->remaining_entries) ? SHALE_OK : BAD(err, "remaining entries");
    default:
        if ((tag & VE_SAFE_IGNORE_MASK) == 0)
            return SHALE_CORRUPT(err, "VersionEdit: unknown tag %" PRIu32, tag);
        if (!get_lp_slice(in, &s)) /* a tag from the future: skip its payload */
            return BAD(err, "safely ignoreable tag length error");
        return SHALE_OK;
    }
}

static int decode_item(version_edit *ve, uint32_t tag, slice *in, shale_err *err)
{
    int level;
    uint64_t number;
    int rc = decode_scalar(ve, tag, in, err);
    if (rc >= 0)
        return rc;
    switch (tag) {
    case VE_COMPACT_CURSOR: return decode_cursor(ve, in, err);
    case VE_DELETED_FILE:
        if (!get_level(in, &level) || !get_varint64(in, &number))
            return BAD(err, "deleted file");
        return version_edit_delete_file(ve, level, number, err);
    case VE_NEW_FILE:
    case VE_NEW_FILE2:
    case VE_NEW_FILE3:
    case VE_NEW_FILE4: return decode_new_file(ve, tag, in, err);
    case VE_BLOB_FILE_ADDITION:
    case VE_BLOB_FILE_ADDITION_OLD: return decode_blob_addition(ve, in, err);
    case VE_BLOB_FILE_GARBAGE:
    case VE_BLOB_FILE_GARBAGE_OLD: return decode_blob_garbage(ve, in, err);
    case VE_WAL_ADDITION: return decode_wal_addition(ve, in, err);
    case VE_WAL_DELETION: return decode_wal_deletion(ve, in, err);
    case VE_WAL_ADDITION2:
    case VE_WAL_DELETION2: return decode_wal_wrapped(ve, tag, in, err);
    default: return decode_other(ve, tag, in, err);
    }
}

int version_edit_decode(version_edit *ve, slice in, shale_err *err)
{
    version_edit_clear(ve);
    while (in.len > 0) {
        uint32_t tag;
        if (!get_varint32(&in, &tag))
            return BAD(err, "invalid tag");
        int rc = decode_item(ve, tag, &in, err);
        if (rc != SHALE_OK)
            return rc;
    }
    return SHALE_OK;
}

/* ---- encoding ---------------------------------------------------------- */

static void put_tag_u64(shale_buf *b, uint32_t tag, uint64_t v)
{
    shale_buf_put_varint32(b, tag);
    shale_buf_put_varint64(b, v);
}

static void put_tag_lp(shale_buf *b, uint32_t tag, slice s)
{
    shale_buf_put_varint32(b, tag);
    shale_buf_put_lp_slice(b, s);
}

static void put_custom_varint(shale_buf *b, uint32_t tag, uint64_t v)
{
    char tmp[VARINT64_MAX_LEN];
    char *end = enc_varint64(tmp, v);
    put_tag_lp(b, tag, slice_make(tmp, (size_t)(end - tmp)));
}

static void put_custom_byte(shale_buf *b, uint32_t tag, uint8_t v)
{
    char c = (char)v;
    put_tag_lp(b, tag, slice_make(&c, 1));
}

static void encode_file(const version_edit *ve, const ve_new_file *f, bool first, shale_buf *b)
{
    shale_buf_put_varint32(b, VE_NEW_FILE4);
    shale_buf_put_varint32(b, (uint32_t)f->level);
    shale_buf_put_varint64(b, f->number);
    shale_buf_put_varint64(b, f->size);
    shale_buf_put_lp_slice(b, shale_buf_slice(&f->smallest));
    shale_buf_put_lp_slice(b, shale_buf_slice(&f->largest));
    shale_buf_put_varint64(b, f->smallest_seqno);
    shale_buf_put_varint64(b, f->largest_seqno);
    put_custom_varint(b, VE_CT_OLDEST_ANCESTER_TIME, f->oldest_ancester_time);
    put_custom_varint(b, VE_CT_FILE_CREATION_TIME, f->file_creation_time);
    put_tag_lp(b, VE_CT_FILE_CHECKSUM, shale_buf_slice(&f->checksum));
    put_tag_lp(b, VE_CT_FILE_CHECKSUM_FUNC, shale_buf_slice(&f->checksum_func_name));
    if (f->path_id != 0)
        put_custom_byte(b, VE_CT_PATH_ID, (uint8_t)f->path_id);
    if (f->temperature != 0)
        put_custom_byte(b, VE_CT_TEMPERATURE, f->temperature);
    if (f->marked_for_compaction)
        put_custom_byte(b, VE_CT_NEED_COMPACTION, 1);
    if (first && ve->has_min_log_number_to_keep) {
        char tmp[8];
        enc_fixed64(tmp, ve->min_log_number_to_keep);
        put_tag_lp(b, VE_CT_MIN_LOG_HACK, slice_make(tmp, 8));
    }
    if (f->oldest_blob_file_number != 0)
        put_custom_varint(b, VE_CT_OLDEST_BLOB_FILE, f->oldest_blob_file_number);
    shale_buf_put_varint32(b, VE_CT_TERMINATE);
}

static void encode_scalars(const version_edit *ve, shale_buf *b)
{
    if (ve->has_db_id)
        put_tag_lp(b, VE_DB_ID, shale_buf_slice(&ve->db_id));
    if (ve->has_comparator)
        put_tag_lp(b, VE_COMPARATOR, shale_buf_slice(&ve->comparator));
    if (ve->has_log_number)
        put_tag_u64(b, VE_LOG_NUMBER, ve->log_number);
    if (ve->has_prev_log_number)
        put_tag_u64(b, VE_PREV_LOG_NUMBER, ve->prev_log_number);
    if (ve->has_next_file_number)
        put_tag_u64(b, VE_NEXT_FILE_NUMBER, ve->next_file_number);
    if (ve->has_max_column_family)
        put_tag_u64(b, VE_MAX_COLUMN_FAMILY, ve->max_column_family);
    if (ve->has_min_log_number_to_keep)
        put_tag_u64(b, VE_MIN_LOG_NUMBER_TO_KEEP, ve->min_log_number_to_keep);
    if (ve->has_last_sequence)
        put_tag_u64(b, VE_LAST_SEQUENCE, ve->last_sequence);
}

static void encode_blobs_and_wals(const version_edit *ve, shale_buf *b)
{
    for (size_t i = 0; i < ve->n_blob_adds; i++) {
        const ve_blob_addition *a = &ve->blob_adds[i];
        put_tag_u64(b, VE_BLOB_FILE_ADDITION, a->number);
        shale_buf_put_varint64(b, a->blob_count);
        shale_buf_put_varint64(b, a->blob_bytes);
        shale_buf_put_lp_slice(b, shale_buf_slice(&a->checksum_method));
        shale_buf_put_lp_slice(b, shale_buf_slice(&a->checksum_value));
        shale_buf_put_varint32(b, BLOB_CT_END);
    }
    for (size_t i = 0; i < ve->n_blob_garbage; i++) {
        const ve_blob_garbage *g = &ve->blob_garbage[i];
        put_tag_u64(b, VE_BLOB_FILE_GARBAGE, g->number);
        shale_buf_put_varint64(b, g->garbage_count);
        shale_buf_put_varint64(b, g->garbage_bytes);
        shale_buf_put_varint32(b, BLOB_CT_END);
    }
    for (size_t i = 0; i < ve->n_wal_adds; i++) {
        char tmp[2 * VARINT64_MAX_LEN + 2], *p = tmp;
        p = enc_varint64(p, ve->wal_adds[i].number);
        if (ve->wal_adds[i].synced_size != VE_WAL_UNKNOWN_SIZE) {
            p = enc_varint32(p, WAL_ST_SYNCED_SIZE);
            p = enc_varint64(p, ve->wal_adds[i].synced_size);
        }
        p = enc_varint32(p, WAL_ST_TERMINATE);
        put_tag_lp(b, VE_WAL_ADDITION2, slice_make(tmp, (size_t)(p - tmp)));
    }
    if (ve->has_wal_deletion) {
        char tmp[VARINT64_MAX_LEN];
        char *p = enc_varint64(tmp, ve->wal_deletion);
        put_tag_lp(b, VE_WAL_DELETION2, slice_make(tmp, (size_t)(p - tmp)));
    }
}

static void encode_column_family(const version_edit *ve, shale_buf *b)
{
    if (ve->column_family != 0)
        put_tag_u64(b, VE_COLUMN_FAMILY, ve->column_family);
    if (ve->is_column_family_add)
        put_tag_lp(b, VE_COLUMN_FAMILY_ADD, shale_buf_slice(&ve->column_family_name));
    if (ve->is_column_family_drop)
        shale_buf_put_varint32(b, VE_COLUMN_FAMILY_DROP);
    if (ve->is_in_atomic_group)
        put_tag_u64(b, VE_IN_ATOMIC_GROUP, ve->remaining_entries);
    if (ve->has_full_history_ts_low)
        put_tag_lp(b, VE_FULL_HISTORY_TS_LOW, shale_buf_slice(&ve->full_history_ts_low));
}

int version_edit_encode(const version_edit *ve, shale_buf *out, shale_err *err)
{
    encode_scalars(ve, out);
    for (size_t i = 0; i < ve->n_cursors; i++) {
        put_tag_u64(out, VE_COMPACT_CURSOR, (uint64_t)ve->cursors[i].level);
        shale_buf_put_lp_slice(out, shale_buf_slice(&ve->cursors[i].key));
    }
    for (size_t i = 0; i < ve->n_deleted; i++) {
        put_tag_u64(out, VE_DELETED_FILE, (uint64_t)ve->deleted[i].level);
        shale_buf_put_varint64(out, ve->deleted[i].number);
    }
    for (size_t i = 0; i < ve->n_files; i++)
        encode_file(ve, &ve->files[i], i == 0, out);
    encode_blobs_and_wals(ve, out);
    encode_column_family(ve, out);
    return shale_buf_ok(out) ? SHALE_OK : SHALE_NOMEM(err);
}

/* ---- debug text -------------------------------------------------------- */

static void append_hex(shale_buf *b, slice s)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.data[i];
        shale_buf_append_byte(b, (uint8_t)digits[c >> 4]);
        shale_buf_append_byte(b, (uint8_t)digits[c & 15]);
    }
}

/* 'user_key' seq:N, type:T  (RocksDB's InternalKey::DebugString). */
static void append_ikey(shale_buf *b, slice ikey, bool hex)
{
    parsed_ikey p;
    if (!ikey_parse(ikey, &p)) {
        shale_buf_append_str(b, "(bad)");
        for (size_t i = 0; i < ikey.len; i++) {
            unsigned char c = (unsigned char)ikey.data[i];
            if (c >= ' ' && c <= '~')
                shale_buf_append_byte(b, c);
            else
                shale_buf_printf(b, "\\x%02x", c);
        }
        return;
    }
    shale_buf_append_byte(b, '\'');
    if (hex)
        append_hex(b, p.user_key);
    else
        shale_buf_append_slice(b, p.user_key);
    shale_buf_printf(b, "' seq:%" PRIu64 ", type:%d", p.seq, p.type);
}

/* XXH3's final mix, as RocksDB's BijectiveHash2x64 uses it. */
static uint64_t avalanche(uint64_t h)
{
    h ^= h >> 37;
    h *= UINT64_C(0x165667919E3779F9);
    return h ^ (h >> 32);
}

/* RocksDB's BijectiveHash2x64 with seed 0 (util/hash.cc), which turns an
 * internal unique id into the public one that ldb prints. */
static void bijective_hash(uint64_t in_hi, uint64_t in_lo, uint64_t *out_hi, uint64_t *out_lo)
{
    __extension__ typedef unsigned __int128 u128;
    u128 m = (u128)(in_lo ^ in_hi ^ UINT64_C(0x59973f0033362349)) * UINT64_C(0x9E3779B185EBCA87);
    uint64_t lo = (uint64_t)m + UINT64_C(0x3c0000000000000);
    uint64_t hi = (uint64_t)(m >> 64);
    in_hi ^= UINT64_C(0xc202797692d63d58);
    hi += in_hi + (uint64_t)(uint32_t)in_hi * UINT64_C(0x85EBCA76);
    lo ^= __builtin_bswap64(hi);
    m = (u128)lo * UINT64_C(0xC2B2AE3D27D4EB4F);
    *out_lo = avalanche((uint64_t)m);
    *out_hi = avalanche((uint64_t)(m >> 64) + hi * UINT64_C(0xC2B2AE3D27D4EB4F));
}

static void append_unique_id(shale_buf *b, const uint64_t id[2])
{
    uint64_t hi, lo;
    char bytes[16];
    shale_buf_printf(b, " unique_id(internal): {%" PRIu64 ",%" PRIu64 "} public_unique_id: ", id[0],
               id[1]);
    bijective_hash(id[1] + UINT64_C(17391078804906429400), id[0] + UINT64_C(6417269962128484497),
                   &hi, &lo);
    enc_fixed64(bytes, lo);
    enc_fixed64(bytes + 8, hi);
    append_hex(b, slice_make(bytes, 8));
    shale_buf_append_byte(b, '-');
    append_hex(b, slice_make(bytes + 8, 8));
}

static void debug_file(const ve_new_file *f, bool hex, shale_buf *b)
{
    shale_buf_printf(b, "\n  AddFile: %d %" PRIu64 " %" PRIu64 " ", f->level, f->number, f->size);
    append_ikey(b, shale_buf_slice(&f->smallest), hex);
    shale_buf_append_str(b, " .. ");
    append_ikey(b, shale_buf_slice(&f->largest), hex);
    if (f->oldest_blob_file_number != 0)
        shale_buf_printf(b, " blob_file:%" PRIu64, f->oldest_blob_file_number);
    shale_buf_printf(b, " oldest_ancester_time:%" PRIu64 " file_creation_time:%" PRIu64
                  " file_checksum:",
               f->oldest_ancester_time, f->file_creation_time);
    append_hex(b, shale_buf_slice(&f->checksum));
    shale_buf_append_str(b, " file_checksum_func_name: ");
    shale_buf_append_slice(b, shale_buf_slice(&f->checksum_func_name));
    if (f->temperature != 0)
        shale_buf_printf(b, " temperature: %d", f->temperature);
    if (f->has_unique_id)
        append_unique_id(b, f->unique_id);
}

static void debug_scalars(const version_edit *ve, shale_buf *b)
{
    if (ve->has_db_id) {
        shale_buf_append_str(b, "\n  DB ID: ");
        shale_buf_append_slice(b, shale_buf_slice(&ve->db_id));
    }
    if (ve->has_comparator) {
        shale_buf_append_str(b, "\n  Comparator: ");
        shale_buf_append_slice(b, shale_buf_slice(&ve->comparator));
    }
    if (ve->has_log_number)
        shale_buf_printf(b, "\n  LogNumber: %" PRIu64, ve->log_number);
    if (ve->has_prev_log_number)
        shale_buf_printf(b, "\n  PrevLogNumber: %" PRIu64, ve->prev_log_number);
    if (ve->has_next_file_number)
        shale_buf_printf(b, "\n  NextFileNumber: %" PRIu64, ve->next_file_number);
    if (ve->has_max_column_family)
        shale_buf_printf(b, "\n  MaxColumnFamily: %" PRIu32, ve->max_column_family);
    if (ve->has_min_log_number_to_keep)
        shale_buf_printf(b, "\n  MinLogNumberToKeep: %" PRIu64, ve->min_log_number_to_keep);
    if (ve->has_last_sequence)
        shale_buf_printf(b, "\n  LastSeq: %" PRIu64, ve->last_sequence);
}

static void debug_blobs_and_wals(const version_edit *ve, shale_buf *b)
{
    for (size_t i = 0; i < ve->n_blob_adds; i++) {
        const ve_blob_addition *a = &ve->blob_adds[i];
        shale_buf_printf(b, "\n  BlobFileAddition: blob_file_number: %" PRIu64
                      " total_blob_count: %" PRIu64 " total_blob_bytes: %" PRIu64
                      " checksum_method: ",
                   a->number, a->blob_count, a->blob_bytes);
        shale_buf_append_slice(b, shale_buf_slice(&a->checksum_method));
        shale_buf_append_str(b, " checksum_value: ");
        append_hex(b, shale_buf_slice(&a->checksum_value));
    }
    for (size_t i = 0; i < ve->n_blob_garbage; i++)
        shale_buf_printf(b, "\n  BlobFileGarbage: blob_file_number: %" PRIu64
                      " garbage_blob_count: %" PRIu64 " garbage_blob_bytes: %" PRIu64,
                   ve->blob_garbage[i].number, ve->blob_garbage[i].garbage_count,
                   ve->blob_garbage[i].garbage_bytes);
    for (size_t i = 0; i < ve->n_wal_adds; i++)
        shale_buf_printf(b, "\n  WalAddition: log_number: %" PRIu64 " synced_size_in_bytes: %" PRIu64,
                   ve->wal_adds[i].number, ve->wal_adds[i].synced_size);
    if (ve->has_wal_deletion)
        shale_buf_printf(b, "\n  WalDeletion: log_number: %" PRIu64, ve->wal_deletion);
}

int version_edit_debug_string(const version_edit *ve, bool hex, shale_buf *out, shale_err *err)
{
    shale_buf_append_str(out, "VersionEdit {");
    debug_scalars(ve, out);
    for (size_t i = 0; i < ve->n_cursors; i++) {
        shale_buf_printf(out, "\n  CompactCursor: %d ", ve->cursors[i].level);
        append_ikey(out, shale_buf_slice(&ve->cursors[i].key), hex);
    }
    for (size_t i = 0; i < ve->n_deleted; i++)
        shale_buf_printf(out, "\n  DeleteFile: %d %" PRIu64, ve->deleted[i].level,
                   ve->deleted[i].number);
    for (size_t i = 0; i < ve->n_files; i++)
        debug_file(&ve->files[i], hex, out);
    debug_blobs_and_wals(ve, out);
    shale_buf_printf(out, "\n  ColumnFamily: %" PRIu32, ve->column_family);
    if (ve->is_column_family_add) {
        shale_buf_append_str(out, "\n  ColumnFamilyAdd: ");
        shale_buf_append_slice(out, shale_buf_slice(&ve->column_family_name));
    }
    if (ve->is_column_family_drop)
        shale_buf_append_str(out, "\n  ColumnFamilyDrop");
    if (ve->is_in_atomic_group)
        shale_buf_printf(out, "\n  AtomicGroup: %" PRIu32 " entries remains", ve->remaining_entries);
    if (ve->has_full_history_ts_low) {
        shale_buf_append_str(out, "\n FullHistoryTsLow: ");
        if (hex)
            append_hex(out, shale_buf_slice(&ve->full_history_ts_low));
        else
            shale_buf_append_slice(out, shale_buf_slice(&ve->full_history_ts_low));
    }
    shale_buf_append_str(out, "\n}\n");
    return shale_buf_ok(out) ? SHALE_OK : SHALE_NOMEM(err);
}
