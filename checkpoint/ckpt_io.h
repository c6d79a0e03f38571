/* checkpoint/ckpt_io.h: local file work shared by native checkpoints, the
 * directory storage and restore: copying with a CRC32C on the way, writing
 * small files durably, joining paths, removing staging trees.
 * Every file is written through a shale_env (the default env in the
 * library), so tests can inject faults. */
#ifndef CHECKPOINT_CKPT_IO_H
#define CHECKPOINT_CKPT_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/env.h"
#include "shale/err.h"

/* Copy chunk: large enough for sequential throughput, small enough that a
 * cancel request is seen quickly. */
#define CKPT_COPY_CHUNK (1u << 20)

/* "a/b", malloc'd; NULL on no memory. */
char *ckpt_path_join(const char *a, const char *b);
/* "<a><suffix>", malloc'd; NULL on no memory. */
char *ckpt_path_cat(const char *a, const char *suffix);

/* Copies the first max_len bytes (UINT64_MAX: all) of src into dst
 * (created or truncated), syncs dst.  *size and *crc (NULL allowed) get the
 * bytes copied and their CRC32C.  src shorter than a finite max_len:
 * SHALE_CORRUPTION naming src.  *cancel set: SHALE_INCOMPLETE. */
int ckpt_copy_file(shale_env *env, const char *src, const char *dst, uint64_t max_len,
                   const volatile bool *cancel, uint64_t *size, uint32_t *crc, shale_err *err);
/* Writes data to path (created or truncated) and syncs it. */
int ckpt_write_file(shale_env *env, const char *path, const void *data, size_t len,
                    shale_err *err);
/* Syncs the directory holding path. */
int ckpt_sync_parent(shale_env *env, const char *path, shale_err *err);
/* Removes a directory tree (files and subdirectories; symlinks are removed,
 * never followed).  A missing path is fine. */
int ckpt_rmtree(const char *path, shale_err *err);
/* Whether anything exists at path (lstat). */
bool ckpt_path_exists(const char *path);
/* Microseconds on the monotonic clock. */
uint64_t ckpt_now_micros(void);

#endif
