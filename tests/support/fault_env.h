/* tests/support/fault_env.h: a shale_env for tests that wraps another env
 * (usually shale_env_default()), counts operations, fails chosen ones, and
 * simulates power loss.
 *
 * Failures: fault_env_fail_nth() makes the n-th operation of one kind
 * (counted from the call) fail with an errno as SHALE_IO_ERROR, once
 * (transient) or for good (persistent).  A failed operation does nothing:
 * an append writes no byte, a rename renames nothing.
 *
 * What power loss models (fault_env_simulate_power_loss()):
 *   Data.  For every file written through this env, bytes appended since
 *   its last successful sync are not durable.  DROP_ALL_UNSYNCED cuts the
 *   file back to its synced size; KEEP_RANDOM_PREFIX keeps a random prefix
 *   of the unsynced bytes (seeded: fault_env_set_seed()); GARBLE_UNSYNCED
 *   keeps the length but overwrites every unsynced byte with pseudo-random
 *   bytes (sectors that were half written or never written).  open_write on
 *   an existing file truncates it: what it held before is not kept.
 *   Directories.  Creates (open_write/open_append of a missing file, link),
 *   renames and removes are durable only once sync_dir() is called on the
 *   directory holding the name (both directories for a rename).  Power loss
 *   undoes the others, newest first: a created file disappears, a renamed
 *   file gets its old name back (and the file it replaced reappears with
 *   its durable content), a removed file comes back with the content it had
 *   durably when removed.  Directory names are compared as strings after
 *   dropping trailing '/': sync_dir("d") covers "d/x", not "./d/x".
 *   Preallocation.  A file's allocate() passes through to the target file
 *   (extending it with zeros on the POSIX env).  The reserved size is
 *   durable once a sync follows it: power loss then cuts the unsynced data
 *   as above and re-extends the file with zeros to that reserved size,
 *   which is what a real crash leaves after fallocate + fdatasync (written
 *   but unsynced bytes read back as zeros).  A file's truncate() takes
 *   effect at once, like the env's truncate().  Neither is counted as an
 *   operation nor can be failed by a rule (a failed allocate would only
 *   turn preallocation off); on a handle dead after power loss both fail
 *   with EIO and change nothing.
 *   Not modelled: mkdir/rmdir, truncate() durability (it takes effect at
 *   once and counts as unsynced), metadata such as mtime, reads of data that
 *   a real OS would have dropped before the crash.
 *   After power loss every file handle opened earlier is dead (append and
 *   sync fail with EIO; close works), every surviving file counts as
 *   synced, and the directory journal is empty.
 *
 * Thread-safety: every call takes the env's mutex (I/O included). */
#ifndef TESTS_SUPPORT_FAULT_ENV_H
#define TESTS_SUPPORT_FAULT_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shale/env.h"

typedef enum fault_op {
    FAULT_OP_WRITE,     /* file append */
    FAULT_OP_SYNC,      /* file sync */
    FAULT_OP_RENAME,
    FAULT_OP_OPEN,      /* open_read, open_write, open_append */
    FAULT_OP_SYNC_DIR,
    FAULT_OP_REMOVE,
    FAULT_OP_READ,      /* file pread */
    FAULT_OP_COUNT
} fault_op;

typedef enum fault_power_loss_mode {
    FAULT_DROP_ALL_UNSYNCED,
    FAULT_KEEP_RANDOM_PREFIX,
    FAULT_GARBLE_UNSYNCED,
} fault_power_loss_mode;

/* fault_env_new(): wraps target (borrowed; must outlive the fault env).
 * NULL when out of memory.  Free with fault_env_free(). */
shale_env *fault_env_new(shale_env *target);
/* fault_env_free(): NULL allowed.  Files still open must be closed first. */
void fault_env_free(shale_env *env);

/* Makes the n-th (n >= 1; 1 = the next) operation of `op` from now fail
 * with sys_errno; persistent: that one and every later one.  Replaces any
 * rule armed for `op`. */
void fault_env_fail_nth(shale_env *env, fault_op op, uint64_t n, int sys_errno, bool persistent);
/* Disarms every rule. */
void fault_env_clear_faults(shale_env *env);
/* Operations of `op` attempted so far (failed ones included). */
uint64_t fault_env_op_count(shale_env *env, fault_op op);
/* Operations failed by injection so far, all kinds. */
uint64_t fault_env_injected_failures(shale_env *env);

/* State of a file written through this env (path as given to open):
 * SHALE_OK with *size (bytes written) and *synced (bytes durable), or
 * SHALE_NOT_FOUND when the env does not track it. */
int fault_env_file_state(shale_env *env, const char *path, uint64_t *size, uint64_t *synced);
/* Directory operations not yet made durable by sync_dir(). */
size_t fault_env_pending_dir_ops(shale_env *env);

/* Seeds the generator of KEEP_RANDOM_PREFIX and GARBLE_UNSYNCED. */
void fault_env_set_seed(shale_env *env, uint64_t seed);

/* See the header comment.  SHALE_OK, or the target env's error. */
int fault_env_simulate_power_loss(shale_env *env, fault_power_loss_mode mode, shale_err *err);

/* Cuts up to nbytes off the end of path's unsynced data (never below its
 * synced size), as a crash that lost just those bytes.  SHALE_NOT_FOUND
 * when the file is not tracked. */
int fault_env_drop_unsynced_tail(shale_env *env, const char *path, uint64_t nbytes,
                                 shale_err *err);

#endif
