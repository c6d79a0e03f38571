/* checkpoint/ckpt_meta.h: the metadata of one incremental checkpoint
 * (chk-N/_metadata): which files make the database, where each is stored,
 * and its size and CRC32C.  The byte layout is in ckpt_meta.c and
 * docs/checkpoints.md; it is read from storage, so decoding trusts nothing:
 * every length is bounded, every name is checked so that it cannot leave
 * the directory it is joined to, and a CRC covers the whole file. */
#ifndef CHECKPOINT_CKPT_META_H
#define CHECKPOINT_CKPT_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lsm/util/buf.h"
#include "shale/err.h"

/* Never change: on-disk constants. */
#define CKPT_META_MAGIC "SHALECKP"     /* 8 bytes */
#define CKPT_META_VERSION 1u
#define CKPT_META_NAME "_metadata"
#define CKPT_META_TMP_NAME "_metadata.inprogress"
#define CKPT_NAME_MAX 255u             /* NAME_MAX: longer names are refused */
#define CKPT_IDENTITY_MAX 255u
#define CKPT_META_MAX_BYTES (64u << 20) /* a bigger _metadata is refused */

enum ckpt_file_kind {
    CKPT_SHARED = 1,   /* under shared/, possibly held by other checkpoints */
    CKPT_PRIVATE = 2,  /* under chk-N/, this checkpoint's own */
};

typedef struct ckpt_file {
    uint8_t kind;      /* enum ckpt_file_kind */
    char *local;       /* its name in the database directory: "000012.sst" */
    char *stored;      /* its name under shared/ or chk-N/ */
    uint64_t number;   /* SST file number; 0 for private files */
    uint64_t size;
    uint32_t crc;      /* CRC32C of the whole file, unmasked */
} ckpt_file;

typedef struct ckpt_meta {
    uint64_t id;
    uint64_t timestamp_micros;
    uint64_t sequence;
    char *identity;    /* the database's IDENTITY (NUL-terminated) */
    ckpt_file *files;
    size_t n_files;
    size_t cap;
} ckpt_meta;

/* Frees everything m holds and m itself.  NULL allowed. */
void ckpt_meta_free(ckpt_meta *m);
/* Appends a file (names copied). */
int ckpt_meta_add(ckpt_meta *m, uint8_t kind, const char *local, const char *stored,
                  uint64_t number, uint64_t size, uint32_t crc, shale_err *err);
/* Sum of every file's size; of the private ones. */
uint64_t ckpt_meta_full_size(const ckpt_meta *m);
uint64_t ckpt_meta_private_size(const ckpt_meta *m);

void ckpt_meta_encode(const ckpt_meta *m, shale_buf *out);
/* Decodes and validates (magic, version, CRC, bounds, names, kinds,
 * duplicates).  *out is malloc'd (ckpt_meta_free) or NULL on failure with
 * SHALE_CORRUPTION naming `what`. */
int ckpt_meta_decode(const char *data, size_t len, const char *what, ckpt_meta **out,
                     shale_err *err);

/* A stored or local name that is safe to join to a directory: 1..255
 * bytes, no '/', '\\' or NUL, no "..", not ".".  SHALE_CORRUPTION else. */
int ckpt_name_check(const char *name, size_t len, shale_err *err);
/* Whether a local name is one a database copy holds: CURRENT,
 * MANIFEST-<n>, OPTIONS-<n>, <n>.sst, <n>.log.  Sets *number for .sst. */
bool ckpt_local_name_ok(const char *name, uint64_t *number);
/* "chk-<N>" -> N; false for anything else. */
bool ckpt_parse_chk_dir(const char *name, uint64_t *id);

#endif
