/* lsm/compaction/compaction_style.h: the compaction styles beside leveled
 * and their options, with RocksDB's names, numbers and defaults
 * (include/rocksdb/advanced_options.h, universal_compaction.h). */
#ifndef LSM_COMPACTION_COMPACTION_STYLE_H
#define LSM_COMPACTION_COMPACTION_STYLE_H

#include <stdbool.h>
#include <stdint.h>

enum compaction_style {
    COMPACTION_STYLE_LEVEL = 0,
    COMPACTION_STYLE_UNIVERSAL = 1,
    COMPACTION_STYLE_FIFO = 2,
};

/* RocksDB's CompactionOptionsUniversal. */
typedef struct universal_options {
    unsigned size_ratio;                      /* 1 (percent) */
    unsigned min_merge_width;                 /* 2 */
    unsigned max_merge_width;                 /* UINT_MAX */
    unsigned max_size_amplification_percent;  /* 200 */
    int compression_size_percent;             /* -1: compress every output */
    int stop_style;                           /* 0 similar size, 1 total size */
    bool allow_trivial_move;                  /* false */
} universal_options;

/* RocksDB's CompactionOptionsFIFO. */
typedef struct fifo_options {
    uint64_t max_table_files_size;            /* 1 GiB */
    bool allow_compaction;                    /* false */
} fifo_options;

typedef struct compaction_style_options {
    int style;                                /* enum compaction_style */
    universal_options universal;
    fifo_options fifo;
    uint64_t ttl;                             /* seconds; 0: none (FIFO: files older are dropped) */
} compaction_style_options;

static inline void compaction_style_options_init(compaction_style_options *o)
{
    o->style = COMPACTION_STYLE_LEVEL;
    o->universal = (universal_options){1, 2, 0xffffffffu, 200, -1, 1, false};
    o->fifo = (fifo_options){UINT64_C(1) << 30, false};
    o->ttl = 0;
}

#endif
