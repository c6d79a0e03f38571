/* tools/checkpoint/diff.h: `checkpoint diff`: the keys that differ between
 * two checkpoints of one storage. */
#ifndef TOOLS_CHECKPOINT_DIFF_H
#define TOOLS_CHECKPOINT_DIFF_H

#include <stdint.h>

#include "shale/checkpoint.h"

/* Restores checkpoints `from` and `to` into temporary directories (removed
 * afterwards), opens both and prints, per column family in name order:
 *   "+ KEY : VALUE"          a key only `to` has
 *   "- KEY : VALUE"          a key only `from` has
 *   "~ KEY : OLD -> NEW"     a key whose value changed
 * keys and values in ldb's hex ("0x4B31"), lines of families other than
 * "default" prefixed "[name] ", then "added A, removed R, changed C". */
int ckpt_tool_diff(shale_ckpt_store *s, uint64_t from, uint64_t to, shale_err *err);

#endif
