/* lsm/db/options_file.c: the OPTIONS-NNNNNN file and the options dump in
 * LOG, both laid out as RocksDB 7.8.3 writes them (see options_file.h).
 *
 * Both are table-driven: one row per option, in RocksDB's order, holding
 * either RocksDB's default as text (FX/DX rows) or the shale option it
 * shows (SH/DS rows, formatted by ini_value() / dump_value()).  The OPTIONS
 * rows follow the order of a file RocksDB 7.8.3 wrote (its options map
 * order), the LOG rows the order and padding of a LOG it wrote, so a diff
 * against RocksDB's own files shows only the values that differ.
 *
 * OPTIONS value syntax (what RocksDB's parser accepts): bools true/false,
 * doubles "%f", enums by RocksDB's enumerator names (kLZ4Compression,
 * kCRC32c, kPointInTimeRecovery, INFO_LEVEL), lists joined by ':', nested
 * structs as {k=v;...}, absent objects as nullptr.  The LOG shows bools as
 * 0/1 and enums mostly as numbers, as RocksDB's Dump() functions do. */
#include "lsm/db/options_file.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/table/compress.h"
#include "lsm/table/format.h"
#include "lsm/util/err.h"
#include "lsm/version/filenames.h"

/* The shale option a row shows; F_FIXED rows show their text. */
enum field {
    F_FIXED = 0,
    /* DBOptions */
    F_CREATE_IF_MISSING, F_ERROR_IF_EXISTS, F_PARANOID_CHECKS, F_MAX_OPEN_FILES,
    F_MAX_BACKGROUND_JOBS, F_WAL_RECOVERY_MODE, F_INFO_LOG_LEVEL, F_MAX_MANIFEST_FILE_SIZE,
    F_DELAYED_WRITE_RATE, F_ALLOW_FALLOCATE,
    /* CFOptions */
    F_WRITE_BUFFER_SIZE, F_ARENA_BLOCK_SIZE, F_MAX_WRITE_BUFFER_NUMBER, F_MIN_WRITE_BUFFER_NUMBER_TO_MERGE,
    F_LEVEL0_FILE_NUM_COMPACTION_TRIGGER, F_LEVEL0_SLOWDOWN_WRITES_TRIGGER,
    F_LEVEL0_STOP_WRITES_TRIGGER, F_MAX_BYTES_FOR_LEVEL_BASE, F_MAX_BYTES_FOR_LEVEL_MULTIPLIER,
    F_TARGET_FILE_SIZE_BASE, F_TARGET_FILE_SIZE_MULTIPLIER, F_NUM_LEVELS, F_COMPRESSION,
    F_COMPRESSION_PER_LEVEL, F_DISABLE_AUTO_COMPACTIONS, F_MERGE_OPERATOR,
    F_COMPACTION_OPTIONS_FIFO, F_COMPACTION_OPTIONS_UNIVERSAL, F_TTL, F_COMPACTION_STYLE,
    F_MAX_SUCCESSIVE_MERGES,
    /* TableOptions/BlockBasedTable */
    F_BLOCK_SIZE, F_BLOCK_RESTART_INTERVAL, F_INDEX_BLOCK_RESTART_INTERVAL, F_FORMAT_VERSION,
    F_CHECKSUM, F_FILTER_POLICY, F_WHOLE_KEY_FILTERING, F_CACHE_INDEX_AND_FILTER_BLOCKS,
    F_BLOCK_SIZE_DEVIATION,
    /* LOG only */
    F_PTR_ENV, F_PTR_LOG, F_PTR_STATS, F_NIL, F_TABLE_FACTORY,
};

/* ------------------------------------------------------------------ */
/* OPTIONS file rows                                                  */

typedef struct ini_line {
    const char *name;
    const char *fixed;   /* RocksDB's default, for F_FIXED */
    int field;
} ini_line;

#define FX(n, v) {n, v, F_FIXED}
#define SH(n, f) {n, NULL, f}
#define COMPRESSION_OPTS                                                                   \
    "{max_dict_buffer_bytes=0;enabled=false;max_dict_bytes=0;parallel_threads=1;"          \
    "zstd_max_train_bytes=0;level=32767;use_zstd_dict_trainer=true;strategy=0;window_bits=-14;}"

static const ini_line db_section[] = {
    FX("compaction_readahead_size", "0"),
    FX("strict_bytes_per_sync", "false"),
    FX("bytes_per_sync", "0"),
    SH("max_background_jobs", F_MAX_BACKGROUND_JOBS),
    FX("avoid_flush_during_shutdown", "false"),
    FX("max_background_flushes", "-1"),
    SH("delayed_write_rate", F_DELAYED_WRITE_RATE),
    SH("max_open_files", F_MAX_OPEN_FILES),
    FX("max_subcompactions", "1"),
    FX("writable_file_max_buffer_size", "1048576"),
    FX("wal_bytes_per_sync", "0"),
    FX("max_background_compactions", "-1"),
    FX("max_total_wal_size", "0"),
    FX("delete_obsolete_files_period_micros", "21600000000"),
    FX("stats_dump_period_sec", "600"),
    FX("stats_history_buffer_size", "1048576"),
    FX("stats_persist_period_sec", "600"),
    FX("enforce_single_del_contracts", "true"),
    FX("lowest_used_cache_tier", "kNonVolatileBlockTier"),
    FX("bgerror_resume_retry_interval", "1000000"),
    FX("best_efforts_recovery", "false"),
    FX("log_readahead_size", "0"),
    FX("write_dbid_to_manifest", "false"),
    FX("wal_compression", "kNoCompression"),
    FX("manual_wal_flush", "false"),
    FX("db_host_id", "__hostname__"),
    FX("two_write_queues", "false"),
    FX("random_access_max_buffer_size", "1048576"),
    FX("avoid_unnecessary_blocking_io", "false"),
    FX("skip_checking_sst_file_sizes_on_db_open", "false"),
    FX("flush_verify_memtable_count", "true"),
    FX("fail_if_options_file_error", "false"),
    FX("atomic_flush", "false"),
    FX("verify_sst_unique_id_in_manifest", "true"),
    FX("skip_stats_update_on_db_open", "false"),
    FX("track_and_verify_wals_in_manifest", "false"),
    SH("paranoid_checks", F_PARANOID_CHECKS),
    SH("create_if_missing", F_CREATE_IF_MISSING),
    FX("max_write_batch_group_size_bytes", "1048576"),
    FX("avoid_flush_during_recovery", "false"),
    FX("file_checksum_gen_factory", "nullptr"),
    FX("enable_thread_tracking", "false"),
    SH("allow_fallocate", F_ALLOW_FALLOCATE),
    FX("allow_data_in_errors", "false"),
    SH("error_if_exists", F_ERROR_IF_EXISTS),
    FX("use_direct_io_for_flush_and_compaction", "false"),
    FX("create_missing_column_families", "false"),
    FX("WAL_size_limit_MB", "0"),
    FX("use_direct_reads", "false"),
    FX("persist_stats_to_disk", "false"),
    FX("allow_mmap_reads", "false"),
    FX("allow_mmap_writes", "false"),
    FX("use_adaptive_mutex", "false"),
    FX("allow_2pc", "false"),
    FX("is_fd_close_on_exec", "true"),
    FX("max_log_file_size", "0"),
    FX("access_hint_on_compaction_start", "NORMAL"),
    FX("max_file_opening_threads", "16"),
    FX("wal_filter", "nullptr"),
    FX("use_fsync", "false"),
    FX("table_cache_numshardbits", "6"),
    FX("dump_malloc_stats", "false"),
    FX("db_write_buffer_size", "0"),
    FX("allow_ingest_behind", "false"),
    FX("keep_log_file_num", "1000"),
    FX("max_bgerror_resume_count", "2147483647"),
    FX("allow_concurrent_memtable_write", "true"),
    FX("recycle_log_file_num", "0"),
    FX("log_file_time_to_roll", "0"),
    FX("manifest_preallocation_size", "4194304"),
    FX("enable_write_thread_adaptive_yield", "true"),
    FX("WAL_ttl_seconds", "0"),
    SH("max_manifest_file_size", F_MAX_MANIFEST_FILE_SIZE),
    SH("wal_recovery_mode", F_WAL_RECOVERY_MODE),
    FX("enable_pipelined_write", "false"),
    FX("write_thread_slow_yield_usec", "3"),
    FX("unordered_write", "false"),
    FX("write_thread_max_yield_usec", "100"),
    FX("advise_random_on_open", "true"),
    SH("info_log_level", F_INFO_LOG_LEVEL),
};
static const ini_line cf_section[] = {
    FX("compression_opts", COMPRESSION_OPTS),
    FX("memtable_protection_bytes_per_key", "0"),
    SH("target_file_size_multiplier", F_TARGET_FILE_SIZE_MULTIPLIER),
    FX("report_bg_io_stats", "false"),
    SH("write_buffer_size", F_WRITE_BUFFER_SIZE),
    FX("memtable_huge_page_size", "0"),
    SH("max_successive_merges", F_MAX_SUCCESSIVE_MERGES),
    SH("max_write_buffer_number", F_MAX_WRITE_BUFFER_NUMBER),
    FX("prefix_extractor", "nullptr"),
    FX("bottommost_compression_opts", COMPRESSION_OPTS),
    FX("paranoid_file_checks", "false"),
    FX("blob_garbage_collection_force_threshold", "1.000000"),
    FX("enable_blob_files", "false"),
    FX("blob_file_starting_level", "0"),
    FX("memtable_prefix_bloom_size_ratio", "0.000000"),
    FX("inplace_update_num_locks", "10000"),
    FX("blob_compaction_readahead_size", "0"),
    FX("ignore_max_compaction_bytes_for_input", "true"),
    SH("arena_block_size", F_ARENA_BLOCK_SIZE),
    SH("level0_stop_writes_trigger", F_LEVEL0_STOP_WRITES_TRIGGER),
    FX("blob_compression_type", "kNoCompression"),
    SH("level0_slowdown_writes_trigger", F_LEVEL0_SLOWDOWN_WRITES_TRIGGER),
    FX("hard_pending_compaction_bytes_limit", "274877906944"),
    FX("soft_pending_compaction_bytes_limit", "68719476736"),
    SH("target_file_size_base", F_TARGET_FILE_SIZE_BASE),
    SH("level0_file_num_compaction_trigger", F_LEVEL0_FILE_NUM_COMPACTION_TRIGGER),
    FX("max_compaction_bytes", "1677721600"),
    SH("disable_auto_compactions", F_DISABLE_AUTO_COMPACTIONS),
    FX("check_flush_compaction_key_order", "true"),
    FX("min_blob_size", "0"),
    FX("memtable_whole_key_filtering", "false"),
    SH("max_bytes_for_level_base", F_MAX_BYTES_FOR_LEVEL_BASE),
    FX("last_level_temperature", "kUnknown"),
    SH("compaction_options_fifo", F_COMPACTION_OPTIONS_FIFO),
    SH("max_bytes_for_level_multiplier", F_MAX_BYTES_FOR_LEVEL_MULTIPLIER),
    SH("compression_per_level", F_COMPRESSION_PER_LEVEL),
    FX("max_bytes_for_level_multiplier_additional", "1:1:1:1:1:1:1"),
    FX("max_sequential_skip_in_iterations", "8"),
    FX("prepopulate_blob_cache", "kDisable"),
    SH("compression", F_COMPRESSION),
    SH("compaction_options_universal", F_COMPACTION_OPTIONS_UNIVERSAL),
    FX("blob_garbage_collection_age_cutoff", "0.250000"),
    SH("ttl", F_TTL),
    FX("periodic_compaction_seconds", "0"),
    FX("sample_for_compression", "0"),
    FX("blob_file_size", "268435456"),
    FX("enable_blob_garbage_collection", "false"),
    FX("experimental_mempurge_threshold", "0.000000"),
    FX("bottommost_compression", "kDisableCompressionOption"),
    SH("min_write_buffer_number_to_merge", F_MIN_WRITE_BUFFER_NUMBER_TO_MERGE),
    FX("preserve_internal_time_seconds", "0"),
    FX("preclude_last_level_data_seconds", "0"),
    FX("sst_partitioner_factory", "nullptr"),
    SH("num_levels", F_NUM_LEVELS),
    FX("force_consistency_checks", "true"),
    FX("memtable_insert_with_hint_prefix_extractor", "nullptr"),
    FX("memtable_factory", "SkipListFactory"),
    FX("level_compaction_dynamic_file_size", "true"),
    FX("max_write_buffer_number_to_maintain", "0"),
    FX("optimize_filters_for_hits", "false"),
    FX("level_compaction_dynamic_level_bytes", "false"),
    SH("compaction_style", F_COMPACTION_STYLE),
    FX("compaction_filter", "nullptr"),
    FX("inplace_update_support", "false"),
    SH("merge_operator", F_MERGE_OPERATOR),
    FX("table_factory", "BlockBasedTable"),
    FX("bloom_locality", "0"),
    FX("comparator", "leveldb.BytewiseComparator"),
    FX("compaction_filter_factory", "nullptr"),
    FX("max_write_buffer_size_to_maintain", "0"),
    FX("compaction_pri", "kMinOverlappingRatio"),
};
static const ini_line table_section[] = {
    FX("initial_auto_readahead_size", "8192"),
    FX("pin_top_level_index_and_filter", "true"),
    FX("block_align", "false"),
    SH("block_size_deviation", F_BLOCK_SIZE_DEVIATION),
    SH("checksum", F_CHECKSUM),
    FX("index_shortening", "kShortenSeparators"),
    FX("num_file_reads_for_auto_readahead", "2"),
    SH("whole_key_filtering", F_WHOLE_KEY_FILTERING),
    FX("data_block_index_type", "kDataBlockBinarySearch"),
    FX("index_type", "kBinarySearch"),
    FX("no_block_cache", "false"),
    SH("index_block_restart_interval", F_INDEX_BLOCK_RESTART_INTERVAL),
    FX("data_block_hash_table_util_ratio", "0.750000"),
    FX("prepopulate_block_cache", "kDisable"),
    FX("pin_l0_filter_and_index_blocks_in_cache", "false"),
    SH("filter_policy", F_FILTER_POLICY),
    FX("cache_index_and_filter_blocks_with_high_priority", "true"),
    FX("verify_compression", "false"),
    SH("block_restart_interval", F_BLOCK_RESTART_INTERVAL),
    FX("max_auto_readahead_size", "262144"),
    FX("flush_block_policy_factory", "FlushBlockBySizePolicyFactory"),
    FX("partition_filters", "false"),
    SH("cache_index_and_filter_blocks", F_CACHE_INDEX_AND_FILTER_BLOCKS),
    SH("block_size", F_BLOCK_SIZE),
    FX("metadata_block_size", "4096"),
    FX("optimize_filters_for_memory", "false"),
    FX("detect_filter_construct_corruption", "false"),
    SH("format_version", F_FORMAT_VERSION),
    FX("metadata_cache_options", "{unpartitioned_pinning=kFallback;partition_pinning=kFallback;"
                                 "top_level_index_pinning=kFallback;}"),
    FX("read_amp_bytes_per_bit", "0"),
    FX("enable_index_compression", "true"),
};

#undef FX
#undef SH
#undef COMPRESSION_OPTS

static const char *const compression_names[] = {
    "kNoCompression", "kSnappyCompression", "kZlibCompression", "kBZip2Compression",
    "kLZ4Compression", "kLZ4HCCompression", "kXpressCompression", "kZSTD",
};

/* RocksDB's enumerator name of a CompressionType. */
static const char *compression_ini_name(int t)
{
    if (t >= 0 && t < (int)(sizeof compression_names / sizeof compression_names[0]))
        return compression_names[t];
    if (t == COMPRESSION_ZSTD_NOT_FINAL)
        return "kZSTDNotFinalCompression";
    return "kDisableCompressionOption";   /* options_check() lets no other through */
}

static const char *checksum_ini_name(int t)
{
    static const char *const names[] = {"kNoChecksum", "kCRC32c", "kxxHash", "kxxHash64", "kXXH3"};
    return t >= 0 && t < 5 ? names[t] : "kCRC32c";
}

static const char *wal_recovery_ini_name(int m)
{
    static const char *const names[] = {"kTolerateCorruptedTailRecords", "kAbsoluteConsistency",
                                        "kPointInTimeRecovery", "kSkipAnyCorruptedRecords"};
    return m >= 0 && m < 4 ? names[m] : "kPointInTimeRecovery";
}

static const char *bool_str(bool v) { return v ? "true" : "false"; }

/* The Bloom policy as RocksDB's BloomFilterPolicy names itself:
 * "bloomfilter:<bits>:false", bits rounded to RocksDB's millibits (at
 * least 1, at most 100), or nullptr when no filter is written. */
static void filter_policy_value(shale_buf *b, const shale_options *o)
{
    double bits = o->table.bloom_bits_per_key;
    if (!(bits > 0)) {
        shale_buf_append_str(b, "nullptr");
        return;
    }
    double milli = bits >= 100 ? 100000 : round(bits * 1000);
    shale_buf_printf(b, "bloomfilter:%g:false", (milli < 1000 ? 1000 : milli) / 1000.0);
}

static void compression_list_value(shale_buf *b, const shale_options *o)
{
    for (size_t i = 0; i < o->num_compression_per_level; i++) {
        if (i > 0)
            shale_buf_append_byte(b, ':');
        shale_buf_append_str(b, compression_ini_name(o->compression_per_level[i]));
    }
}

static void db_value(shale_buf *b, const shale_options *o, int field)
{
    switch (field) {
    case F_CREATE_IF_MISSING: shale_buf_append_str(b, bool_str(o->create_if_missing)); break;
    case F_ERROR_IF_EXISTS: shale_buf_append_str(b, bool_str(o->error_if_exists)); break;
    case F_PARANOID_CHECKS: shale_buf_append_str(b, bool_str(o->paranoid_checks)); break;
    case F_ALLOW_FALLOCATE: shale_buf_append_str(b, bool_str(o->allow_fallocate)); break;
    case F_MAX_OPEN_FILES: shale_buf_printf(b, "%d", o->max_open_files); break;
    case F_MAX_BACKGROUND_JOBS: shale_buf_printf(b, "%d", o->max_background_jobs); break;
    case F_WAL_RECOVERY_MODE:
        shale_buf_append_str(b, wal_recovery_ini_name(o->wal_recovery_mode));
        break;
    case F_INFO_LOG_LEVEL: {
        const char *name = logger_level_name(o->info_log_level);
        shale_buf_append_str(b, name != NULL ? name : "INFO_LEVEL");
        break;
    }
    case F_MAX_MANIFEST_FILE_SIZE: shale_buf_printf(b, "%" PRIu64, o->max_manifest_file_size); break;
    case F_DELAYED_WRITE_RATE: shale_buf_printf(b, "%" PRIu64, o->delayed_write_rate); break;
    default: break;
    }
}

static void cf_value(shale_buf *b, const shale_options *o, int field)
{
    switch (field) {
    case F_WRITE_BUFFER_SIZE: shale_buf_printf(b, "%zu", o->write_buffer_size); break;
    case F_ARENA_BLOCK_SIZE:   /* RocksDB's sanitized default: min(1 MiB, write buffer / 8) */
        shale_buf_printf(b, "%zu", o->write_buffer_size / 8 < 1048576 ? o->write_buffer_size / 8 : 1048576);
        break;
    case F_MAX_WRITE_BUFFER_NUMBER: shale_buf_printf(b, "%d", o->max_write_buffer_number); break;
    case F_MIN_WRITE_BUFFER_NUMBER_TO_MERGE:
        shale_buf_printf(b, "%d", o->min_write_buffer_number_to_merge);
        break;
    case F_LEVEL0_FILE_NUM_COMPACTION_TRIGGER:
        shale_buf_printf(b, "%d", o->level0_file_num_compaction_trigger);
        break;
    case F_LEVEL0_SLOWDOWN_WRITES_TRIGGER:
        shale_buf_printf(b, "%d", o->level0_slowdown_writes_trigger);
        break;
    case F_LEVEL0_STOP_WRITES_TRIGGER: shale_buf_printf(b, "%d", o->level0_stop_writes_trigger); break;
    case F_MAX_BYTES_FOR_LEVEL_BASE: shale_buf_printf(b, "%" PRIu64, o->max_bytes_for_level_base); break;
    case F_MAX_BYTES_FOR_LEVEL_MULTIPLIER:
        shale_buf_printf(b, "%f", o->max_bytes_for_level_multiplier);
        break;
    case F_TARGET_FILE_SIZE_BASE: shale_buf_printf(b, "%" PRIu64, o->target_file_size_base); break;
    case F_TARGET_FILE_SIZE_MULTIPLIER: shale_buf_printf(b, "%d", o->target_file_size_multiplier); break;
    case F_NUM_LEVELS: shale_buf_printf(b, "%d", o->num_levels); break;
    case F_COMPRESSION: shale_buf_append_str(b, compression_ini_name(o->compression)); break;
    case F_COMPRESSION_PER_LEVEL: compression_list_value(b, o); break;
    case F_DISABLE_AUTO_COMPACTIONS:
        shale_buf_append_str(b, bool_str(o->disable_auto_compactions));
        break;
    case F_MERGE_OPERATOR:   /* RocksDB writes the operator's name */
        shale_buf_append_str(b, o->merge_operator != NULL
                                    ? shale_merge_operator_name(o->merge_operator)
                                    : "nullptr");
        break;
    case F_MAX_SUCCESSIVE_MERGES: shale_buf_printf(b, "%zu", o->max_successive_merges); break;
    case F_COMPACTION_STYLE: {
        static const char *const styles[] = {"kCompactionStyleLevel",
                                             "kCompactionStyleUniversal",
                                             "kCompactionStyleFIFO"};
        int st = o->cstyle.style;
        shale_buf_append_str(b, st >= 0 && st <= 2 ? styles[st] : styles[0]);
        break;
    }
    case F_COMPACTION_OPTIONS_FIFO:
        shale_buf_printf(b, "{allow_compaction=%s;age_for_warm=0;max_table_files_size=%" PRIu64
                            ";}",
                         bool_str(o->cstyle.fifo.allow_compaction),
                         o->cstyle.fifo.max_table_files_size);
        break;
    case F_COMPACTION_OPTIONS_UNIVERSAL: {
        const universal_options *u = &o->cstyle.universal;
        shale_buf_printf(b,
                         "{incremental=false;compression_size_percent=%d;allow_trivial_move=%s;"
                         "max_size_amplification_percent=%u;max_merge_width=%u;stop_style=%s;"
                         "min_merge_width=%u;size_ratio=%u;}",
                         u->compression_size_percent, bool_str(u->allow_trivial_move),
                         u->max_size_amplification_percent, u->max_merge_width,
                         u->stop_style == 0 ? "kCompactionStopStyleSimilarSize"
                                            : "kCompactionStopStyleTotalSize",
                         u->min_merge_width, u->size_ratio);
        break;
    }
    case F_TTL:   /* RocksDB's sanitized default: 30 days */
        shale_buf_printf(b, "%" PRIu64, o->cstyle.ttl != 0 ? o->cstyle.ttl : UINT64_C(2592000));
        break;
    default: break;
    }
}

static void table_value(shale_buf *b, const shale_options *o, int field)
{
    const shale_table_options *t = &o->table;
    switch (field) {
    case F_BLOCK_SIZE: shale_buf_printf(b, "%zu", t->block_size); break;
    case F_BLOCK_RESTART_INTERVAL: shale_buf_printf(b, "%d", t->block_restart_interval); break;
    case F_INDEX_BLOCK_RESTART_INTERVAL: shale_buf_printf(b, "%d", t->index_block_restart_interval); break;
    case F_FORMAT_VERSION: shale_buf_printf(b, "%d", t->format_version); break;
    case F_CHECKSUM: shale_buf_append_str(b, checksum_ini_name(t->checksum)); break;
    case F_FILTER_POLICY: filter_policy_value(b, o); break;
    case F_WHOLE_KEY_FILTERING: shale_buf_append_str(b, bool_str(t->whole_key_filtering)); break;
    case F_CACHE_INDEX_AND_FILTER_BLOCKS:
        shale_buf_append_str(b, bool_str(o->cache_index_and_filter_blocks));
        break;
    case F_BLOCK_SIZE_DEVIATION: shale_buf_printf(b, "%d", t->block_size_deviation); break;
    default: break;
    }
}

/* One section: its header, "  name=value" rows and RocksDB's closing
 * "  " line.  compression_per_level is left out while empty, as RocksDB
 * leaves out an empty vector. */
static void encode_section(shale_buf *b, const char *header, const ini_line *rows, size_t n,
                           const shale_options *o)
{
    shale_buf_append_str(b, header);
    for (size_t i = 0; i < n; i++) {
        if (rows[i].field == F_COMPRESSION_PER_LEVEL && o->num_compression_per_level == 0)
            continue;
        shale_buf_append_str(b, "  ");
        shale_buf_append_str(b, rows[i].name);
        shale_buf_append_byte(b, '=');
        if (rows[i].field == F_FIXED)
            shale_buf_append_str(b, rows[i].fixed);
        db_value(b, o, rows[i].field);
        cf_value(b, o, rows[i].field);
        table_value(b, o, rows[i].field);
        shale_buf_append_byte(b, '\n');
    }
    shale_buf_append_str(b, "  \n");
}

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

int options_file_encode(const shale_options *o, shale_buf *out, shale_err *err)
{
    const char *name = "default";
    return options_file_encode_cfs(o, &name, &o, 1, out, err);
}

int options_file_encode_cfs(const shale_options *o, const char *const *names,
                            const shale_options *const *cf_opts, size_t n, shale_buf *out,
                            shale_err *err)
{
    shale_buf_append_str(out,
                         "# This is a RocksDB option file.\n"
                         "#\n"
                         "# For detailed file format spec, please refer to the example file\n"
                         "# in examples/rocksdb_option_file_example.ini\n"
                         "#\n"
                         "\n"
                         "[Version]\n"
                         "  rocksdb_version=7.8.3\n"
                         "  options_file_version=1.1\n"
                         "\n");
    encode_section(out, "[DBOptions]\n", db_section, NROWS(db_section), o);
    for (size_t i = 0; i < n; i++) {
        shale_buf head = SHALE_BUF_INIT;
        shale_buf_printf(&head, "\n[CFOptions \"%s\"]\n", names[i]);
        shale_buf_append(&head, "", 1);   /* a C string for encode_section */
        encode_section(out, head.data, cf_section, NROWS(cf_section), cf_opts[i]);
        shale_buf_clear(&head);
        shale_buf_printf(&head, "[TableOptions/BlockBasedTable \"%s\"]\n", names[i]);
        shale_buf_append(&head, "", 1);
        encode_section(out, head.data, table_section, NROWS(table_section), cf_opts[i]);
        shale_buf_deinit(&head);
    }
    return shale_buf_ok(out) ? SHALE_OK : SHALE_NOMEM(err);
}

/* ------------------------------------------------------------------ */
/* Writing and purging                                                */

static int write_synced(shale_env *env, const char *path, const shale_buf *text, shale_err *err)
{
    shale_file *f = NULL;
    int rc = shale_env_open_write(env, path, &f, err);
    if (rc == SHALE_OK && (rc = shale_file_append(f, text->data, text->len, err)) == SHALE_OK)
        rc = shale_file_sync(f, err);
    int crc = shale_file_close(f, rc == SHALE_OK ? err : NULL);
    return rc != SHALE_OK ? rc : crc;
}

int options_file_write(shale_env *env, const char *dbdir, uint64_t file_number,
                       const shale_options *o, shale_err *err)
{
    const char *name = "default";
    return options_file_write_cfs(env, dbdir, file_number, o, &name, &o, 1, err);
}

int options_file_write_cfs(shale_env *env, const char *dbdir, uint64_t file_number,
                           const shale_options *o, const char *const *names,
                           const shale_options *const *cf_opts, size_t n, shale_err *err)
{
    shale_buf text = SHALE_BUF_INIT;
    char *tmp = filename_path(dbdir, FILE_OPTIONS_TEMP, file_number);
    char *final = filename_path(dbdir, FILE_OPTIONS, file_number);
    int rc;
    if (tmp == NULL || final == NULL) {
        rc = SHALE_NOMEM(err);
        goto out;
    }
    if ((rc = options_file_encode_cfs(o, names, cf_opts, n, &text, err)) != SHALE_OK)
        goto out;
    if ((rc = write_synced(env, tmp, &text, err)) != SHALE_OK ||
        (rc = env->ops->rename(env, tmp, final, err)) != SHALE_OK) {
        (void)env->ops->remove(env, tmp, NULL);
        goto out;
    }
    rc = env->ops->sync_dir(env, dbdir, err);
out:
    shale_buf_deinit(&text);
    free(tmp);
    free(final);
    return rc;
}

static int cmp_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static int remove_file(shale_env *env, const char *dbdir, enum file_kind kind, uint64_t number,
                       shale_err *err)
{
    char *path = filename_path(dbdir, kind, number);
    if (path == NULL)
        return SHALE_NOMEM(err);
    int rc = env->ops->remove(env, path, err);
    free(path);
    return rc;
}

/* Collects the numbers of the OPTIONS files (kind FILE_OPTIONS) or temp
 * files (FILE_OPTIONS_TEMP) among names, newest first. */
static size_t collect(char **names, size_t count, enum file_kind want, uint64_t *nums)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        enum file_kind kind;
        uint64_t number;
        if (filename_parse(names[i], &kind, &number) && kind == want)
            nums[n++] = number;
    }
    qsort(nums, n, sizeof *nums, cmp_desc);
    return n;
}

int options_file_purge_old(shale_env *env, const char *dbdir, size_t keep, shale_err *err)
{
    char **names = NULL;
    size_t count = 0;
    int rc = env->ops->list_dir(env, dbdir, &names, &count, err);
    if (rc != SHALE_OK)
        return rc;
    uint64_t *opts = malloc((count + 1) * sizeof *opts);
    uint64_t *tmps = malloc((count + 1) * sizeof *tmps);
    if (opts == NULL || tmps == NULL) {
        rc = SHALE_NOMEM(err);
        goto out;
    }
    size_t n_opts = collect(names, count, FILE_OPTIONS, opts);
    size_t n_tmps = collect(names, count, FILE_OPTIONS_TEMP, tmps);
    for (size_t i = keep; i < n_opts && rc == SHALE_OK; i++)
        rc = remove_file(env, dbdir, FILE_OPTIONS, opts[i], err);
    for (size_t i = 0; i < n_tmps && n_opts > 0 && rc == SHALE_OK; i++)
        if (tmps[i] < opts[0])
            rc = remove_file(env, dbdir, FILE_OPTIONS_TEMP, tmps[i], err);
out:
    free(opts);
    free(tmps);
    shale_env_free_names(names, count);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The LOG dump                                                       */

typedef struct dump_line {
    int width;           /* the label is right-aligned to this many columns */
    const char *label;
    const char *fixed;   /* RocksDB's default, for F_FIXED */
    int field;
} dump_line;

#define DX(w, l, v) {w, l, v, F_FIXED}
#define DS(w, l, f) {w, l, NULL, f}

static const dump_line db_dump[] = {
    DS(47, "Options.error_if_exists", F_ERROR_IF_EXISTS),
    DS(47, "Options.create_if_missing", F_CREATE_IF_MISSING),
    DS(47, "Options.paranoid_checks", F_PARANOID_CHECKS),
    DX(47, "Options.flush_verify_memtable_count", "1"),
    DX(71, "Options.track_and_verify_wals_in_manifest", "0"),
    DX(47, "Options.verify_sst_unique_id_in_manifest", "1"),
    DS(47, "Options.env", F_PTR_ENV),
    DX(47, "Options.fs", "PosixFileSystem"),
    DS(47, "Options.info_log", F_PTR_LOG),
    DX(47, "Options.max_file_opening_threads", "16"),
    DS(47, "Options.statistics", F_PTR_STATS),
    DX(47, "Options.use_fsync", "0"),
    DX(47, "Options.max_log_file_size", "0"),
    DS(47, "Options.max_manifest_file_size", F_MAX_MANIFEST_FILE_SIZE),
    DX(47, "Options.log_file_time_to_roll", "0"),
    DX(47, "Options.keep_log_file_num", "1000"),
    DX(47, "Options.recycle_log_file_num", "0"),
    DS(47, "Options.allow_fallocate", F_ALLOW_FALLOCATE),
    DX(47, "Options.allow_mmap_reads", "0"),
    DX(47, "Options.allow_mmap_writes", "0"),
    DX(47, "Options.use_direct_reads", "0"),
    DX(69, "Options.use_direct_io_for_flush_and_compaction", "0"),
    DX(47, "Options.create_missing_column_families", "0"),
    DX(47, "Options.db_log_dir", ""),
    DX(47, "Options.wal_dir", ""),
    DX(47, "Options.table_cache_numshardbits", "6"),
    DX(47, "Options.WAL_ttl_seconds", "0"),
    DX(47, "Options.WAL_size_limit_MB", "0"),
    DX(63, "Options.max_write_batch_group_size_bytes", "1048576"),
    DX(47, "Options.manifest_preallocation_size", "4194304"),
    DX(47, "Options.is_fd_close_on_exec", "1"),
    DX(47, "Options.advise_random_on_open", "1"),
    DX(47, "Options.db_write_buffer_size", "0"),
    DS(47, "Options.write_buffer_manager", F_NIL),
    DX(47, "Options.access_hint_on_compaction_start", "1"),
    DX(47, "Options.random_access_max_buffer_size", "1048576"),
    DX(47, "Options.use_adaptive_mutex", "0"),
    DX(47, "Options.rate_limiter", "(nil)"),
    DX(47, "Options.sst_file_manager.rate_bytes_per_sec", "0"),
    DS(47, "Options.wal_recovery_mode", F_WAL_RECOVERY_MODE),
    DX(47, "Options.enable_thread_tracking", "0"),
    DX(47, "Options.enable_pipelined_write", "0"),
    DX(40, "Options.unordered_write", "0"),
    DX(47, "Options.allow_concurrent_memtable_write", "1"),
    DX(47, "Options.enable_write_thread_adaptive_yield", "1"),
    DX(47, "Options.write_thread_max_yield_usec", "100"),
    DX(47, "Options.write_thread_slow_yield_usec", "3"),
    DX(47, "Options.row_cache", "None"),
    DX(47, "Options.wal_filter", "None"),
    DX(47, "Options.avoid_flush_during_recovery", "0"),
    DX(39, "Options.allow_ingest_behind", "0"),
    DX(36, "Options.two_write_queues", "0"),
    DX(36, "Options.manual_wal_flush", "0"),
    DX(35, "Options.wal_compression", "0"),
    DX(32, "Options.atomic_flush", "0"),
    DX(49, "Options.avoid_unnecessary_blocking_io", "0"),
    DX(45, "Options.persist_stats_to_disk", "0"),
    DX(46, "Options.write_dbid_to_manifest", "0"),
    DX(42, "Options.log_readahead_size", "0"),
    DX(49, "Options.file_checksum_gen_factory", "Unknown"),
    DX(45, "Options.best_efforts_recovery", "0"),
    DX(47, "Options.max_bgerror_resume_count", "2147483647"),
    DX(48, "Options.bgerror_resume_retry_interval", "1000000"),
    DX(40, "Options.allow_data_in_errors", "0"),
    DX(30, "Options.db_host_id", "__hostname__"),
    DX(48, "Options.enforce_single_del_contracts", "true"),
    DS(39, "Options.max_background_jobs", F_MAX_BACKGROUND_JOBS),
    DX(46, "Options.max_background_compactions", "-1"),
    DX(38, "Options.max_subcompactions", "1"),
    DX(47, "Options.avoid_flush_during_shutdown", "0"),
    DX(47, "Options.writable_file_max_buffer_size", "1048576"),
    DS(39, "Options.delayed_write_rate ", F_DELAYED_WRITE_RATE),
    DX(38, "Options.max_total_wal_size", "0"),
    DX(55, "Options.delete_obsolete_files_period_micros", "21600000000"),
    DX(47, "Options.stats_dump_period_sec", "600"),
    DX(48, "Options.stats_persist_period_sec", "600"),
    DX(49, "Options.stats_history_buffer_size", "1048576"),
    DS(47, "Options.max_open_files", F_MAX_OPEN_FILES),
    DX(47, "Options.bytes_per_sync", "0"),
    DX(47, "Options.wal_bytes_per_sync", "0"),
    DX(47, "Options.strict_bytes_per_sync", "0"),
    DX(39, "Options.compaction_readahead_size", "0"),
    DX(47, "Options.max_background_flushes", "-1"),
};

static const dump_line cf_dump[] = {
    DX(32, "Options.comparator", "leveldb.BytewiseComparator"),
    DS(32, "Options.merge_operator", F_MERGE_OPERATOR),
    DX(32, "Options.compaction_filter", "None"),
    DX(40, "Options.compaction_filter_factory", "None"),
    DX(32, "Options.sst_partitioner_factory", "None"),
    DX(32, "Options.memtable_factory", "SkipListFactory"),
    DS(32, "Options.table_factory", F_TABLE_FACTORY),
    DS(32, "Options.write_buffer_size", F_WRITE_BUFFER_SIZE),
    DS(32, "Options.max_write_buffer_number", F_MAX_WRITE_BUFFER_NUMBER),
    DS(28, "Options.compression", F_COMPRESSION),
    DX(47, "Options.bottommost_compression", "Disabled"),
    DX(30, "Options.prefix_extractor", "nullptr"),
    DX(52, "Options.memtable_insert_with_hint_prefix_extractor", "nullptr"),
    DS(30, "Options.num_levels", F_NUM_LEVELS),
    DS(47, "Options.min_write_buffer_number_to_merge", F_MIN_WRITE_BUFFER_NUMBER_TO_MERGE),
    DX(47, "Options.max_write_buffer_number_to_maintain", "0"),
    DX(45, "Options.max_write_buffer_size_to_maintain", "0"),
    DX(58, "Options.bottommost_compression_opts.window_bits", "-14"),
    DX(58, "Options.bottommost_compression_opts.level", "32767"),
    DX(58, "Options.bottommost_compression_opts.strategy", "0"),
    DX(58, "Options.bottommost_compression_opts.max_dict_bytes", "0"),
    DX(64, "Options.bottommost_compression_opts.zstd_max_train_bytes", "0"),
    DX(60, "Options.bottommost_compression_opts.parallel_threads", "1"),
    DX(60, "Options.bottommost_compression_opts.enabled", "false"),
    DX(65, "Options.bottommost_compression_opts.max_dict_buffer_bytes", "0"),
    DX(65, "Options.bottommost_compression_opts.use_zstd_dict_trainer", "true"),
    DX(47, "Options.compression_opts.window_bits", "-14"),
    DX(47, "Options.compression_opts.level", "32767"),
    DX(47, "Options.compression_opts.strategy", "0"),
    DX(47, "Options.compression_opts.max_dict_bytes", "0"),
    DX(53, "Options.compression_opts.zstd_max_train_bytes", "0"),
    DX(54, "Options.compression_opts.use_zstd_dict_trainer", "true"),
    DX(49, "Options.compression_opts.parallel_threads", "1"),
    DX(49, "Options.compression_opts.enabled", "false"),
    DX(54, "Options.compression_opts.max_dict_buffer_bytes", "0"),
    DS(47, "Options.level0_file_num_compaction_trigger", F_LEVEL0_FILE_NUM_COMPACTION_TRIGGER),
    DS(47, "Options.level0_slowdown_writes_trigger", F_LEVEL0_SLOWDOWN_WRITES_TRIGGER),
    DS(47, "Options.level0_stop_writes_trigger", F_LEVEL0_STOP_WRITES_TRIGGER),
    DS(47, "Options.target_file_size_base", F_TARGET_FILE_SIZE_BASE),
    DS(47, "Options.target_file_size_multiplier", F_TARGET_FILE_SIZE_MULTIPLIER),
    DS(47, "Options.max_bytes_for_level_base", F_MAX_BYTES_FOR_LEVEL_BASE),
    DX(44, "Options.level_compaction_dynamic_level_bytes", "0"),
    DS(47, "Options.max_bytes_for_level_multiplier", F_MAX_BYTES_FOR_LEVEL_MULTIPLIER),
    DX(47, "Options.max_bytes_for_level_multiplier_addtl[0]", "1"),
    DX(47, "Options.max_bytes_for_level_multiplier_addtl[1]", "1"),
    DX(47, "Options.max_bytes_for_level_multiplier_addtl[2]", "1"),
    DX(47, "Options.max_bytes_for_level_multiplier_addtl[3]", "1"),
    DX(47, "Options.max_bytes_for_level_multiplier_addtl[4]", "1"),
    DX(47, "Options.max_bytes_for_level_multiplier_addtl[5]", "1"),
    DX(47, "Options.max_bytes_for_level_multiplier_addtl[6]", "1"),
    DX(47, "Options.max_sequential_skip_in_iterations", "8"),
    DX(47, "Options.max_compaction_bytes", "1677721600"),
    DX(47, "Options.ignore_max_compaction_bytes_for_input", "true"),
    DX(47, "Options.arena_block_size", "1048576"),
    DX(45, "Options.soft_pending_compaction_bytes_limit", "68719476736"),
    DX(45, "Options.hard_pending_compaction_bytes_limit", "274877906944"),
    DS(47, "Options.disable_auto_compactions", F_DISABLE_AUTO_COMPACTIONS),
    DX(47, "Options.compaction_style", "kCompactionStyleLevel"),
    DX(47, "Options.compaction_pri", "kMinOverlappingRatio"),
    DX(47, "Options.compaction_options_universal.size_ratio", "1"),
    DX(52, "Options.compaction_options_universal.min_merge_width", "2"),
    DX(52, "Options.compaction_options_universal.max_merge_width", "4294967295"),
    DX(67, "Options.compaction_options_universal.max_size_amplification_percent", "200"),
    DX(61, "Options.compaction_options_universal.compression_size_percent", "-1"),
    DX(47, "Options.compaction_options_universal.stop_style", "kCompactionStopStyleTotalSize"),
    DX(52, "Options.compaction_options_fifo.max_table_files_size", "1073741824"),
    DX(48, "Options.compaction_options_fifo.allow_compaction", "0"),
    DX(53, "Options.table_properties_collectors", ""),
    DX(48, "Options.inplace_update_support", "0"),
    DX(48, "Options.inplace_update_num_locks", "10000"),
    DX(54, "Options.memtable_prefix_bloom_size_ratio", "0.000000"),
    DX(50, "Options.memtable_whole_key_filtering", "0"),
    DX(33, "Options.memtable_huge_page_size", "0"),
    DX(48, "Options.bloom_locality", "0"),
    DS(48, "Options.max_successive_merges", F_MAX_SUCCESSIVE_MERGES),
    DX(48, "Options.optimize_filters_for_hits", "0"),
    DX(43, "Options.paranoid_file_checks", "0"),
    DX(47, "Options.force_consistency_checks", "1"),
    DX(41, "Options.report_bg_io_stats", "0"),
    DX(41, "Options.ttl", "2592000"),
    DX(44, "Options.periodic_compaction_seconds", "0"),
    DX(41, "Options.preclude_last_level_data_seconds", "0"),
    DX(41, "Options.preserve_internal_time_seconds", "0"),
    DX(47, "Options.enable_blob_files", "false"),
    DX(47, "Options.min_blob_size", "0"),
    DX(47, "Options.blob_file_size", "268435456"),
    DX(47, "Options.blob_compression_type", "NoCompression"),
    DX(47, "Options.enable_blob_garbage_collection", "false"),
    DX(47, "Options.blob_garbage_collection_age_cutoff", "0.250000"),
    DX(47, "Options.blob_garbage_collection_force_threshold", "1.000000"),
    DX(47, "Options.blob_compaction_readahead_size", "0"),
    DX(47, "Options.blob_file_starting_level", "0"),
    DX(39, "Options.experimental_mempurge_threshold", "0.000000"),
};

#undef DX
#undef DS

/* A shale value as RocksDB's Dump() prints it; NULL for rows printed by
 * dump_special(). */
static const char *dump_value(const logger *lg, const shale_options *o, int field, char *buf,
                              size_t n)
{
    switch (field) {
    case F_CREATE_IF_MISSING: return o->create_if_missing ? "1" : "0";
    case F_ERROR_IF_EXISTS: return o->error_if_exists ? "1" : "0";
    case F_PARANOID_CHECKS: return o->paranoid_checks ? "1" : "0";
    case F_ALLOW_FALLOCATE: return o->allow_fallocate ? "1" : "0";
    case F_DISABLE_AUTO_COMPACTIONS: return o->disable_auto_compactions ? "1" : "0";
    case F_PTR_ENV: snprintf(buf, n, "%p", (void *)o->env); return buf;
    case F_PTR_LOG: snprintf(buf, n, "%p", (const void *)lg); return buf;
    case F_PTR_STATS: snprintf(buf, n, "%p", (void *)o->stats); return buf;
    case F_NIL: return "(nil)";
    case F_MAX_MANIFEST_FILE_SIZE:
        snprintf(buf, n, "%" PRIu64, o->max_manifest_file_size);
        return buf;
    case F_DELAYED_WRITE_RATE: snprintf(buf, n, "%" PRIu64, o->delayed_write_rate); return buf;
    case F_WAL_RECOVERY_MODE: snprintf(buf, n, "%d", o->wal_recovery_mode); return buf;
    case F_MAX_BACKGROUND_JOBS: snprintf(buf, n, "%d", o->max_background_jobs); return buf;
    case F_MAX_OPEN_FILES: snprintf(buf, n, "%d", o->max_open_files); return buf;
    case F_MERGE_OPERATOR:   /* the LOG says None where the OPTIONS file says nullptr */
        if (o->merge_operator == NULL)
            return "None";
        break;
    default: break;
    }
    /* The CF rows print as the OPTIONS file does, bar the bools above. */
    shale_buf b = SHALE_BUF_INIT;
    cf_value(&b, o, field);
    snprintf(buf, n, "%.*s", b.data != NULL ? (int)b.len : 0, b.data != NULL ? b.data : "");
    shale_buf_deinit(&b);
    return buf;
}

static void dump_compression(logger *lg, const shale_options *o, const dump_line *d)
{
    if (o->num_compression_per_level == 0) {
        logger_header(lg, "%*s: %s", d->width, d->label, compression_type_name(o->compression));
        return;
    }
    for (size_t i = 0; i < o->num_compression_per_level; i++)
        logger_header(lg, "       Options.compression[%zu]: %s", i,
                      compression_type_name(o->compression_per_level[i]));
}

/* The block-based table options, one multi-line message as RocksDB's
 * BlockBasedTableFactory::GetPrintableOptions() gives it. */
static void dump_table_factory(logger *lg, const shale_options *o, const dump_line *d)
{
    const shale_table_options *t = &o->table;
    size_t cap = o->bcache != NULL ? bc_get_capacity(o->bcache) : (size_t)8 << 20;
    int shards = o->bcache != NULL ? bc_get_num_shard_bits(o->bcache) : bc_default_shard_bits(cap);
    logger_header(lg, "%*s: BlockBasedTable", d->width, d->label);
    logger_header(lg,
                  "           table_factory options:   flush_block_policy_factory: "
                  "FlushBlockBySizePolicyFactory\n  cache_index_and_filter_blocks: %d\n"
                  "  cache_index_and_filter_blocks_with_high_priority: 1\n"
                  "  pin_l0_filter_and_index_blocks_in_cache: 0\n"
                  "  pin_top_level_index_and_filter: 1\n"
                  "  index_type: 0\n  data_block_index_type: 0\n  index_shortening: 1\n"
                  "  data_block_hash_table_util_ratio: 0.750000\n  checksum: %d\n"
                  "  no_block_cache: 0\n  block_cache: %p\n  block_cache_name: LRUCache\n"
                  "  block_cache_options:\n    capacity : %zu\n    num_shard_bits : %d\n"
                  "    strict_capacity_limit : %d\n    memory_allocator : None\n"
                  "    high_pri_pool_ratio: 0.000\n    low_pri_pool_ratio: 0.000\n"
                  "  block_cache_compressed: (nil)\n  persistent_cache: (nil)\n"
                  "  block_size: %zu\n  block_size_deviation: %d\n  block_restart_interval: %d\n"
                  "  index_block_restart_interval: %d\n  metadata_block_size: 4096\n"
                  "  partition_filters: 0\n  use_delta_encoding: 1\n  filter_policy: %s\n"
                  "  whole_key_filtering: %d\n  verify_compression: 0\n"
                  "  read_amp_bytes_per_bit: 0\n  format_version: %d\n"
                  "  enable_index_compression: 1\n  block_align: 0\n"
                  "  max_auto_readahead_size: 262144\n  prepopulate_block_cache: 0\n"
                  "  initial_auto_readahead_size: 8192\n  num_file_reads_for_auto_readahead: 2",
                  o->cache_index_and_filter_blocks, t->checksum, (void *)o->bcache, cap, shards,
                  o->bcache != NULL && bc_get_strict_capacity_limit(o->bcache),
                  t->block_size, t->block_size_deviation, t->block_restart_interval,
                  t->index_block_restart_interval,
                  t->bloom_bits_per_key > 0 ? "bloomfilter" : "nullptr", t->whole_key_filtering,
                  t->format_version);
}

static void dump_rows(logger *lg, const shale_options *o, const dump_line *rows, size_t n)
{
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        const dump_line *d = &rows[i];
        if (d->field == F_COMPRESSION)
            dump_compression(lg, o, d);
        else if (d->field == F_TABLE_FACTORY)
            dump_table_factory(lg, o, d);
        else if (d->field == F_FIXED)
            logger_header(lg, "%*s: %s", d->width, d->label, d->fixed);
        else
            logger_header(lg, "%*s: %s", d->width, d->label,
                          dump_value(lg, o, d->field, buf, sizeof buf));
    }
}

/* RocksDB's DumpSupportInfo(): which compressions this build writes. */
static void dump_support(logger *lg)
{
    static const struct { const char *name; int type; } kinds[] = {
        {"kZSTD", COMPRESSION_ZSTD}, {"kXpressCompression", COMPRESSION_XPRESS},
        {"kBZip2Compression", COMPRESSION_BZIP2},
        {"kZSTDNotFinalCompression", COMPRESSION_ZSTD_NOT_FINAL},
        {"kLZ4Compression", COMPRESSION_LZ4}, {"kZlibCompression", COMPRESSION_ZLIB},
        {"kLZ4HCCompression", COMPRESSION_LZ4HC}, {"kSnappyCompression", COMPRESSION_SNAPPY},
    };
    logger_header(lg, "Compression algorithms supported:");
    for (size_t i = 0; i < NROWS(kinds); i++)
        logger_header(lg, "\t%s supported: %d", kinds[i].name, compress_supported(kinds[i].type));
}

void options_log_dump(logger *lg, const shale_options *o)
{
    if (lg == NULL)
        return;
    dump_rows(lg, o, db_dump, NROWS(db_dump));
    dump_support(lg);
    LOGGER_INFO(lg, "--------------- Options for column family [default]:");
    dump_rows(lg, o, cf_dump, NROWS(cf_dump));
}
