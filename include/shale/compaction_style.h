/* include/shale/compaction_style.h: choosing the compaction style (leveled,
 * universal or FIFO) and setting its options, with RocksDB 7.8.3's names,
 * numbers and defaults (Options::compaction_style,
 * CompactionOptionsUniversal, CompactionOptionsFIFO, Options::ttl).
 *
 * The setters store the value as given; shale_db_open() refuses options out
 * of range.  Options objects are plain data (see shale/db.h): not
 * thread-safe, copied at open. */
#ifndef SHALE_COMPACTION_STYLE_H
#define SHALE_COMPACTION_STYLE_H

#include <stdbool.h>
#include <stdint.h>

#include "shale/api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shale_options shale_options;

/* RocksDB's CompactionStyle numbers. */
enum shale_compaction_style {
    SHALE_COMPACTION_STYLE_LEVEL = 0,      /* default */
    SHALE_COMPACTION_STYLE_UNIVERSAL = 1,
    SHALE_COMPACTION_STYLE_FIFO = 2,
};

/* RocksDB's CompactionStopStyle numbers (universal stop_style). */
enum shale_compaction_stop_style {
    SHALE_COMPACTION_STOP_STYLE_SIMILAR_SIZE = 0,
    SHALE_COMPACTION_STOP_STYLE_TOTAL_SIZE = 1,   /* default */
};

/* One of enum shale_compaction_style. */
SHALE_API void shale_options_set_compaction_style(shale_options *o, int style);

/* Universal compaction.  Sorted runs are L0 files and non-empty levels;
 * level0_file_num_compaction_trigger runs start a compaction. */
/* Percent a run may exceed the picked total and still join: 1. */
SHALE_API void shale_options_set_universal_size_ratio(shale_options *o, unsigned v);
/* Fewest runs merged by the size-ratio rule: 2. */
SHALE_API void shale_options_set_universal_min_merge_width(shale_options *o, unsigned v);
/* Most runs merged by the size-ratio rule: UINT_MAX. */
SHALE_API void shale_options_set_universal_max_merge_width(shale_options *o, unsigned v);
/* Newer runs may total this percent of the oldest before a full
 * compaction: 200. */
SHALE_API void shale_options_set_universal_max_size_amplification_percent(shale_options *o,
                                                                          unsigned v);
/* Outputs are compressed only while the older runs hold less than this
 * percent of the data; -1 compresses always: -1. */
SHALE_API void shale_options_set_universal_compression_size_percent(shale_options *o, int v);
/* One of enum shale_compaction_stop_style: TOTAL_SIZE. */
SHALE_API void shale_options_set_universal_stop_style(shale_options *o, int v);
/* Move files instead of rewriting them when no two inputs overlap: false. */
SHALE_API void shale_options_set_universal_allow_trivial_move(shale_options *o, bool v);

/* FIFO compaction. */
/* Oldest files are dropped once all files exceed this many bytes: 1 GiB. */
SHALE_API void shale_options_set_fifo_max_table_files_size(shale_options *o, uint64_t v);
/* Merge small new L0 files into fewer ones: false. */
SHALE_API void shale_options_set_fifo_allow_compaction(shale_options *o, bool v);

/* Seconds after which a file's data is old; FIFO drops such files.  0: never
 * (the default here; RocksDB turns an unset ttl into 30 days).  Leveled and
 * universal compaction do not act on it yet. */
SHALE_API void shale_options_set_ttl(shale_options *o, uint64_t seconds);

#ifdef __cplusplus
}
#endif
#endif
