/* lsm/db/options_compaction.c: the public setters of the compaction style
 * and its options (include/shale/compaction_style.h).  They only store the
 * value in shale_options.cstyle; range checks happen at open. */
#include "shale/compaction_style.h"

#include "lsm/db/options.h"

void shale_options_set_compaction_style(shale_options *o, int style) { o->cstyle.style = style; }

void shale_options_set_universal_size_ratio(shale_options *o, unsigned v)
{
    o->cstyle.universal.size_ratio = v;
}

void shale_options_set_universal_min_merge_width(shale_options *o, unsigned v)
{
    o->cstyle.universal.min_merge_width = v;
}

void shale_options_set_universal_max_merge_width(shale_options *o, unsigned v)
{
    o->cstyle.universal.max_merge_width = v;
}

void shale_options_set_universal_max_size_amplification_percent(shale_options *o, unsigned v)
{
    o->cstyle.universal.max_size_amplification_percent = v;
}

void shale_options_set_universal_compression_size_percent(shale_options *o, int v)
{
    o->cstyle.universal.compression_size_percent = v;
}

void shale_options_set_universal_stop_style(shale_options *o, int v)
{
    o->cstyle.universal.stop_style = v;
}

void shale_options_set_universal_allow_trivial_move(shale_options *o, bool v)
{
    o->cstyle.universal.allow_trivial_move = v;
}

void shale_options_set_fifo_max_table_files_size(shale_options *o, uint64_t v)
{
    o->cstyle.fifo.max_table_files_size = v;
}

void shale_options_set_fifo_allow_compaction(shale_options *o, bool v)
{
    o->cstyle.fifo.allow_compaction = v;
}

void shale_options_set_ttl(shale_options *o, uint64_t seconds) { o->cstyle.ttl = seconds; }
