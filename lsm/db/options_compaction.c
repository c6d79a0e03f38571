/* lsm/db/options_compaction.c: the public setters of the compaction style
 * and its options (include/shale/compaction_style.h).  They only store the
 * value in shale_options.cstyle; range checks happen at open. */
#include "shale/compaction_style.h"

#include "lsm/db/options.h"

/* shale_options_set_<name>(o, v) stores v in o->cstyle.<field>. */
#define CSTYLE_SETTER(name, type, field) \
    void shale_options_set_##name(shale_options *o, type v) { o->cstyle.field = v; }

CSTYLE_SETTER(compaction_style, int, style)
CSTYLE_SETTER(universal_size_ratio, unsigned, universal.size_ratio)
CSTYLE_SETTER(universal_min_merge_width, unsigned, universal.min_merge_width)
CSTYLE_SETTER(universal_max_merge_width, unsigned, universal.max_merge_width)
CSTYLE_SETTER(universal_max_size_amplification_percent, unsigned,
              universal.max_size_amplification_percent)
CSTYLE_SETTER(universal_compression_size_percent, int, universal.compression_size_percent)
CSTYLE_SETTER(universal_stop_style, int, universal.stop_style)
CSTYLE_SETTER(universal_allow_trivial_move, bool, universal.allow_trivial_move)
CSTYLE_SETTER(fifo_max_table_files_size, uint64_t, fifo.max_table_files_size)
CSTYLE_SETTER(fifo_allow_compaction, bool, fifo.allow_compaction)
CSTYLE_SETTER(ttl, uint64_t, ttl)   /* seconds */
