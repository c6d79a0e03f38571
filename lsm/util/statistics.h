/* lsm/util/statistics.h: tickers and histograms with RocksDB's names.
 *
 * One table per kind, in RocksDB 7.8.3's order (TickersNameMap and
 * HistogramsNameMap), feeds everything that needs the names: the enums
 * below, the name lookups, stats_to_string() (RocksDB's Statistics
 * ToString(), the text db_bench prints under `STATISTICS:`) and the tools.
 * The order is part of the output format: parsers of RocksDB's dump see the
 * same lines in the same order.  New entries go where RocksDB put them.
 *
 * Tickers are counters summed over per-CPU shards of relaxed atomics, so
 * stats_add() from many threads neither locks nor bounces one cache line.
 * Histograms are per-CPU shards of lsm/util/histogram.h, each shard under
 * its own small lock; readers merge the shards.  Every function accepts a
 * NULL statistics pointer (adds and records do nothing, reads give 0), so
 * the engine calls them without checking whether statistics are enabled.
 *
 * The engine's `statistics` is the public shale_statistics
 * (include/shale/statistics.h) under a shorter name: the same type. */
#ifndef LSM_UTIL_STATISTICS_H
#define LSM_UTIL_STATISTICS_H

#include <stdbool.h>
#include <stdint.h>

#include "lsm/util/histogram.h"
#include "shale/statistics.h"

/* X(ID, "name"): enum stats_ticker gets TICKER_ID; the dump prints
 * "name COUNT : n". */
#define STATS_TICKERS(X) \
    X(BLOCK_CACHE_MISS, "rocksdb.block.cache.miss") \
    X(BLOCK_CACHE_HIT, "rocksdb.block.cache.hit") \
    X(BLOCK_CACHE_ADD, "rocksdb.block.cache.add") \
    X(BLOCK_CACHE_ADD_FAILURES, "rocksdb.block.cache.add.failures") \
    X(BLOCK_CACHE_INDEX_MISS, "rocksdb.block.cache.index.miss") \
    X(BLOCK_CACHE_INDEX_HIT, "rocksdb.block.cache.index.hit") \
    X(BLOCK_CACHE_INDEX_ADD, "rocksdb.block.cache.index.add") \
    X(BLOCK_CACHE_INDEX_BYTES_INSERT, "rocksdb.block.cache.index.bytes.insert") \
    X(BLOCK_CACHE_INDEX_BYTES_EVICT, "rocksdb.block.cache.index.bytes.evict") \
    X(BLOCK_CACHE_FILTER_MISS, "rocksdb.block.cache.filter.miss") \
    X(BLOCK_CACHE_FILTER_HIT, "rocksdb.block.cache.filter.hit") \
    X(BLOCK_CACHE_FILTER_ADD, "rocksdb.block.cache.filter.add") \
    X(BLOCK_CACHE_FILTER_BYTES_INSERT, "rocksdb.block.cache.filter.bytes.insert") \
    X(BLOCK_CACHE_FILTER_BYTES_EVICT, "rocksdb.block.cache.filter.bytes.evict") \
    X(BLOCK_CACHE_DATA_MISS, "rocksdb.block.cache.data.miss") \
    X(BLOCK_CACHE_DATA_HIT, "rocksdb.block.cache.data.hit") \
    X(BLOCK_CACHE_DATA_ADD, "rocksdb.block.cache.data.add") \
    X(BLOCK_CACHE_DATA_BYTES_INSERT, "rocksdb.block.cache.data.bytes.insert") \
    X(BLOCK_CACHE_BYTES_READ, "rocksdb.block.cache.bytes.read") \
    X(BLOCK_CACHE_BYTES_WRITE, "rocksdb.block.cache.bytes.write") \
    X(BLOOM_FILTER_USEFUL, "rocksdb.bloom.filter.useful") \
    X(BLOOM_FILTER_FULL_POSITIVE, "rocksdb.bloom.filter.full.positive") \
    X(BLOOM_FILTER_FULL_TRUE_POSITIVE, "rocksdb.bloom.filter.full.true.positive") \
    X(BLOOM_FILTER_MICROS, "rocksdb.bloom.filter.micros") \
    X(PERSISTENT_CACHE_HIT, "rocksdb.persistent.cache.hit") \
    X(PERSISTENT_CACHE_MISS, "rocksdb.persistent.cache.miss") \
    X(SIM_BLOCK_CACHE_HIT, "rocksdb.sim.block.cache.hit") \
    X(SIM_BLOCK_CACHE_MISS, "rocksdb.sim.block.cache.miss") \
    X(MEMTABLE_HIT, "rocksdb.memtable.hit") \
    X(MEMTABLE_MISS, "rocksdb.memtable.miss") \
    X(GET_HIT_L0, "rocksdb.l0.hit") \
    X(GET_HIT_L1, "rocksdb.l1.hit") \
    X(GET_HIT_L2_AND_UP, "rocksdb.l2andup.hit") \
    X(COMPACTION_KEY_DROP_NEWER_ENTRY, "rocksdb.compaction.key.drop.new") \
    X(COMPACTION_KEY_DROP_OBSOLETE, "rocksdb.compaction.key.drop.obsolete") \
    X(COMPACTION_KEY_DROP_RANGE_DEL, "rocksdb.compaction.key.drop.range_del") \
    X(COMPACTION_KEY_DROP_USER, "rocksdb.compaction.key.drop.user") \
    X(COMPACTION_RANGE_DEL_DROP_OBSOLETE, "rocksdb.compaction.range_del.drop.obsolete") \
    X(COMPACTION_OPTIMIZED_DEL_DROP_OBSOLETE, "rocksdb.compaction.optimized.del.drop.obsolete") \
    X(COMPACTION_CANCELLED, "rocksdb.compaction.cancelled") \
    X(NUMBER_KEYS_WRITTEN, "rocksdb.number.keys.written") \
    X(NUMBER_KEYS_READ, "rocksdb.number.keys.read") \
    X(NUMBER_KEYS_UPDATED, "rocksdb.number.keys.updated") \
    X(BYTES_WRITTEN, "rocksdb.bytes.written") \
    X(BYTES_READ, "rocksdb.bytes.read") \
    X(NUMBER_DB_SEEK, "rocksdb.number.db.seek") \
    X(NUMBER_DB_NEXT, "rocksdb.number.db.next") \
    X(NUMBER_DB_PREV, "rocksdb.number.db.prev") \
    X(NUMBER_DB_SEEK_FOUND, "rocksdb.number.db.seek.found") \
    X(NUMBER_DB_NEXT_FOUND, "rocksdb.number.db.next.found") \
    X(NUMBER_DB_PREV_FOUND, "rocksdb.number.db.prev.found") \
    X(ITER_BYTES_READ, "rocksdb.db.iter.bytes.read") \
    X(NO_FILE_CLOSES, "rocksdb.no.file.closes") \
    X(NO_FILE_OPENS, "rocksdb.no.file.opens") \
    X(NO_FILE_ERRORS, "rocksdb.no.file.errors") \
    X(STALL_L0_SLOWDOWN_MICROS, "rocksdb.l0.slowdown.micros") \
    X(STALL_MEMTABLE_COMPACTION_MICROS, "rocksdb.memtable.compaction.micros") \
    X(STALL_L0_NUM_FILES_MICROS, "rocksdb.l0.num.files.stall.micros") \
    X(STALL_MICROS, "rocksdb.stall.micros") \
    X(DB_MUTEX_WAIT_MICROS, "rocksdb.db.mutex.wait.micros") \
    X(RATE_LIMIT_DELAY_MILLIS, "rocksdb.rate.limit.delay.millis") \
    X(NO_ITERATORS, "rocksdb.num.iterators") \
    X(NUMBER_MULTIGET_CALLS, "rocksdb.number.multiget.get") \
    X(NUMBER_MULTIGET_KEYS_READ, "rocksdb.number.multiget.keys.read") \
    X(NUMBER_MULTIGET_BYTES_READ, "rocksdb.number.multiget.bytes.read") \
    X(NUMBER_FILTERED_DELETES, "rocksdb.number.deletes.filtered") \
    X(NUMBER_MERGE_FAILURES, "rocksdb.number.merge.failures") \
    X(BLOOM_FILTER_PREFIX_CHECKED, "rocksdb.bloom.filter.prefix.checked") \
    X(BLOOM_FILTER_PREFIX_USEFUL, "rocksdb.bloom.filter.prefix.useful") \
    X(NUMBER_OF_RESEEKS_IN_ITERATION, "rocksdb.number.reseeks.iteration") \
    X(GET_UPDATES_SINCE_CALLS, "rocksdb.getupdatessince.calls") \
    X(BLOCK_CACHE_COMPRESSED_MISS, "rocksdb.block.cachecompressed.miss") \
    X(BLOCK_CACHE_COMPRESSED_HIT, "rocksdb.block.cachecompressed.hit") \
    X(BLOCK_CACHE_COMPRESSED_ADD, "rocksdb.block.cachecompressed.add") \
    X(BLOCK_CACHE_COMPRESSED_ADD_FAILURES, "rocksdb.block.cachecompressed.add.failures") \
    X(WAL_FILE_SYNCED, "rocksdb.wal.synced") \
    X(WAL_FILE_BYTES, "rocksdb.wal.bytes") \
    X(WRITE_DONE_BY_SELF, "rocksdb.write.self") \
    X(WRITE_DONE_BY_OTHER, "rocksdb.write.other") \
    X(WRITE_TIMEDOUT, "rocksdb.write.timeout") \
    X(WRITE_WITH_WAL, "rocksdb.write.wal") \
    X(COMPACT_READ_BYTES, "rocksdb.compact.read.bytes") \
    X(COMPACT_WRITE_BYTES, "rocksdb.compact.write.bytes") \
    X(FLUSH_WRITE_BYTES, "rocksdb.flush.write.bytes") \
    X(COMPACT_READ_BYTES_MARKED, "rocksdb.compact.read.marked.bytes") \
    X(COMPACT_READ_BYTES_PERIODIC, "rocksdb.compact.read.periodic.bytes") \
    X(COMPACT_READ_BYTES_TTL, "rocksdb.compact.read.ttl.bytes") \
    X(COMPACT_WRITE_BYTES_MARKED, "rocksdb.compact.write.marked.bytes") \
    X(COMPACT_WRITE_BYTES_PERIODIC, "rocksdb.compact.write.periodic.bytes") \
    X(COMPACT_WRITE_BYTES_TTL, "rocksdb.compact.write.ttl.bytes") \
    X(NUMBER_DIRECT_LOAD_TABLE_PROPERTIES, "rocksdb.number.direct.load.table.properties") \
    X(NUMBER_SUPERVERSION_ACQUIRES, "rocksdb.number.superversion_acquires") \
    X(NUMBER_SUPERVERSION_RELEASES, "rocksdb.number.superversion_releases") \
    X(NUMBER_SUPERVERSION_CLEANUPS, "rocksdb.number.superversion_cleanups") \
    X(NUMBER_BLOCK_COMPRESSED, "rocksdb.number.block.compressed") \
    X(NUMBER_BLOCK_DECOMPRESSED, "rocksdb.number.block.decompressed") \
    X(NUMBER_BLOCK_NOT_COMPRESSED, "rocksdb.number.block.not_compressed") \
    X(MERGE_OPERATION_TOTAL_TIME, "rocksdb.merge.operation.time.nanos") \
    X(FILTER_OPERATION_TOTAL_TIME, "rocksdb.filter.operation.time.nanos") \
    X(ROW_CACHE_HIT, "rocksdb.row.cache.hit") \
    X(ROW_CACHE_MISS, "rocksdb.row.cache.miss") \
    X(READ_AMP_ESTIMATE_USEFUL_BYTES, "rocksdb.read.amp.estimate.useful.bytes") \
    X(READ_AMP_TOTAL_READ_BYTES, "rocksdb.read.amp.total.read.bytes") \
    X(NUMBER_RATE_LIMITER_DRAINS, "rocksdb.number.rate_limiter.drains") \
    X(NUMBER_ITER_SKIP, "rocksdb.number.iter.skip") \
    X(BLOB_DB_NUM_PUT, "rocksdb.blobdb.num.put") \
    X(BLOB_DB_NUM_WRITE, "rocksdb.blobdb.num.write") \
    X(BLOB_DB_NUM_GET, "rocksdb.blobdb.num.get") \
    X(BLOB_DB_NUM_MULTIGET, "rocksdb.blobdb.num.multiget") \
    X(BLOB_DB_NUM_SEEK, "rocksdb.blobdb.num.seek") \
    X(BLOB_DB_NUM_NEXT, "rocksdb.blobdb.num.next") \
    X(BLOB_DB_NUM_PREV, "rocksdb.blobdb.num.prev") \
    X(BLOB_DB_NUM_KEYS_WRITTEN, "rocksdb.blobdb.num.keys.written") \
    X(BLOB_DB_NUM_KEYS_READ, "rocksdb.blobdb.num.keys.read") \
    X(BLOB_DB_BYTES_WRITTEN, "rocksdb.blobdb.bytes.written") \
    X(BLOB_DB_BYTES_READ, "rocksdb.blobdb.bytes.read") \
    X(BLOB_DB_WRITE_INLINED, "rocksdb.blobdb.write.inlined") \
    X(BLOB_DB_WRITE_INLINED_TTL, "rocksdb.blobdb.write.inlined.ttl") \
    X(BLOB_DB_WRITE_BLOB, "rocksdb.blobdb.write.blob") \
    X(BLOB_DB_WRITE_BLOB_TTL, "rocksdb.blobdb.write.blob.ttl") \
    X(BLOB_DB_BLOB_FILE_BYTES_WRITTEN, "rocksdb.blobdb.blob.file.bytes.written") \
    X(BLOB_DB_BLOB_FILE_BYTES_READ, "rocksdb.blobdb.blob.file.bytes.read") \
    X(BLOB_DB_BLOB_FILE_SYNCED, "rocksdb.blobdb.blob.file.synced") \
    X(BLOB_DB_BLOB_INDEX_EXPIRED_COUNT, "rocksdb.blobdb.blob.index.expired.count") \
    X(BLOB_DB_BLOB_INDEX_EXPIRED_SIZE, "rocksdb.blobdb.blob.index.expired.size") \
    X(BLOB_DB_BLOB_INDEX_EVICTED_COUNT, "rocksdb.blobdb.blob.index.evicted.count") \
    X(BLOB_DB_BLOB_INDEX_EVICTED_SIZE, "rocksdb.blobdb.blob.index.evicted.size") \
    X(BLOB_DB_GC_NUM_FILES, "rocksdb.blobdb.gc.num.files") \
    X(BLOB_DB_GC_NUM_NEW_FILES, "rocksdb.blobdb.gc.num.new.files") \
    X(BLOB_DB_GC_FAILURES, "rocksdb.blobdb.gc.failures") \
    X(BLOB_DB_GC_NUM_KEYS_OVERWRITTEN, "rocksdb.blobdb.gc.num.keys.overwritten") \
    X(BLOB_DB_GC_NUM_KEYS_EXPIRED, "rocksdb.blobdb.gc.num.keys.expired") \
    X(BLOB_DB_GC_NUM_KEYS_RELOCATED, "rocksdb.blobdb.gc.num.keys.relocated") \
    X(BLOB_DB_GC_BYTES_OVERWRITTEN, "rocksdb.blobdb.gc.bytes.overwritten") \
    X(BLOB_DB_GC_BYTES_EXPIRED, "rocksdb.blobdb.gc.bytes.expired") \
    X(BLOB_DB_GC_BYTES_RELOCATED, "rocksdb.blobdb.gc.bytes.relocated") \
    X(BLOB_DB_FIFO_NUM_FILES_EVICTED, "rocksdb.blobdb.fifo.num.files.evicted") \
    X(BLOB_DB_FIFO_NUM_KEYS_EVICTED, "rocksdb.blobdb.fifo.num.keys.evicted") \
    X(BLOB_DB_FIFO_BYTES_EVICTED, "rocksdb.blobdb.fifo.bytes.evicted") \
    X(TXN_PREPARE_MUTEX_OVERHEAD, "rocksdb.txn.overhead.mutex.prepare") \
    X(TXN_OLD_COMMIT_MAP_MUTEX_OVERHEAD, "rocksdb.txn.overhead.mutex.old.commit.map") \
    X(TXN_DUPLICATE_KEY_OVERHEAD, "rocksdb.txn.overhead.duplicate.key") \
    X(TXN_SNAPSHOT_MUTEX_OVERHEAD, "rocksdb.txn.overhead.mutex.snapshot") \
    X(TXN_GET_TRY_AGAIN, "rocksdb.txn.get.tryagain") \
    X(NUMBER_MULTIGET_KEYS_FOUND, "rocksdb.number.multiget.keys.found") \
    X(NO_ITERATOR_CREATED, "rocksdb.num.iterator.created") \
    X(NO_ITERATOR_DELETED, "rocksdb.num.iterator.deleted") \
    X(BLOCK_CACHE_COMPRESSION_DICT_MISS, "rocksdb.block.cache.compression.dict.miss") \
    X(BLOCK_CACHE_COMPRESSION_DICT_HIT, "rocksdb.block.cache.compression.dict.hit") \
    X(BLOCK_CACHE_COMPRESSION_DICT_ADD, "rocksdb.block.cache.compression.dict.add") \
    X(BLOCK_CACHE_COMPRESSION_DICT_BYTES_INSERT, \
      "rocksdb.block.cache.compression.dict.bytes.insert") \
    X(BLOCK_CACHE_COMPRESSION_DICT_BYTES_EVICT, \
      "rocksdb.block.cache.compression.dict.bytes.evict") \
    X(BLOCK_CACHE_ADD_REDUNDANT, "rocksdb.block.cache.add.redundant") \
    X(BLOCK_CACHE_INDEX_ADD_REDUNDANT, "rocksdb.block.cache.index.add.redundant") \
    X(BLOCK_CACHE_FILTER_ADD_REDUNDANT, "rocksdb.block.cache.filter.add.redundant") \
    X(BLOCK_CACHE_DATA_ADD_REDUNDANT, "rocksdb.block.cache.data.add.redundant") \
    X(BLOCK_CACHE_COMPRESSION_DICT_ADD_REDUNDANT, \
      "rocksdb.block.cache.compression.dict.add.redundant") \
    X(FILES_MARKED_TRASH, "rocksdb.files.marked.trash") \
    X(FILES_DELETED_IMMEDIATELY, "rocksdb.files.deleted.immediately") \
    X(ERROR_HANDLER_BG_ERROR_COUNT, "rocksdb.error.handler.bg.errro.count") \
    X(ERROR_HANDLER_BG_IO_ERROR_COUNT, "rocksdb.error.handler.bg.io.errro.count") \
    X(ERROR_HANDLER_BG_RETRYABLE_IO_ERROR_COUNT, \
      "rocksdb.error.handler.bg.retryable.io.errro.count") \
    X(ERROR_HANDLER_AUTORESUME_COUNT, "rocksdb.error.handler.autoresume.count") \
    X(ERROR_HANDLER_AUTORESUME_RETRY_TOTAL_COUNT, \
      "rocksdb.error.handler.autoresume.retry.total.count") \
    X(ERROR_HANDLER_AUTORESUME_SUCCESS_COUNT, "rocksdb.error.handler.autoresume.success.count") \
    X(MEMTABLE_PAYLOAD_BYTES_AT_FLUSH, "rocksdb.memtable.payload.bytes.at.flush") \
    X(MEMTABLE_GARBAGE_BYTES_AT_FLUSH, "rocksdb.memtable.garbage.bytes.at.flush") \
    X(SECONDARY_CACHE_HITS, "rocksdb.secondary.cache.hits") \
    X(VERIFY_CHECKSUM_READ_BYTES, "rocksdb.verify_checksum.read.bytes") \
    X(BACKUP_READ_BYTES, "rocksdb.backup.read.bytes") \
    X(BACKUP_WRITE_BYTES, "rocksdb.backup.write.bytes") \
    X(REMOTE_COMPACT_READ_BYTES, "rocksdb.remote.compact.read.bytes") \
    X(REMOTE_COMPACT_WRITE_BYTES, "rocksdb.remote.compact.write.bytes") \
    X(HOT_FILE_READ_BYTES, "rocksdb.hot.file.read.bytes") \
    X(WARM_FILE_READ_BYTES, "rocksdb.warm.file.read.bytes") \
    X(COLD_FILE_READ_BYTES, "rocksdb.cold.file.read.bytes") \
    X(HOT_FILE_READ_COUNT, "rocksdb.hot.file.read.count") \
    X(WARM_FILE_READ_COUNT, "rocksdb.warm.file.read.count") \
    X(COLD_FILE_READ_COUNT, "rocksdb.cold.file.read.count") \
    X(LAST_LEVEL_READ_BYTES, "rocksdb.last.level.read.bytes") \
    X(LAST_LEVEL_READ_COUNT, "rocksdb.last.level.read.count") \
    X(NON_LAST_LEVEL_READ_BYTES, "rocksdb.non.last.level.read.bytes") \
    X(NON_LAST_LEVEL_READ_COUNT, "rocksdb.non.last.level.read.count") \
    X(BLOCK_CHECKSUM_COMPUTE_COUNT, "rocksdb.block.checksum.compute.count") \
    X(MULTIGET_COROUTINE_COUNT, "rocksdb.multiget.coroutine.count") \
    X(BLOB_DB_CACHE_MISS, "rocksdb.blobdb.cache.miss") \
    X(BLOB_DB_CACHE_HIT, "rocksdb.blobdb.cache.hit") \
    X(BLOB_DB_CACHE_ADD, "rocksdb.blobdb.cache.add") \
    X(BLOB_DB_CACHE_ADD_FAILURES, "rocksdb.blobdb.cache.add.failures") \
    X(BLOB_DB_CACHE_BYTES_READ, "rocksdb.blobdb.cache.bytes.read") \
    X(BLOB_DB_CACHE_BYTES_WRITE, "rocksdb.blobdb.cache.bytes.write") \
    X(READ_ASYNC_MICROS, "rocksdb.read.async.micros") \
    X(ASYNC_READ_ERROR_COUNT, "rocksdb.async.read.error.count") \
    /* end of STATS_TICKERS */

/* X(ID, "name"): enum stats_hist gets HIST_ID; the dump prints
 * "name P50 : ... P95 : ... P99 : ... P100 : ... COUNT : n SUM : n". */
#define STATS_HISTOGRAMS(X) \
    X(DB_GET, "rocksdb.db.get.micros") \
    X(DB_WRITE, "rocksdb.db.write.micros") \
    X(COMPACTION_TIME, "rocksdb.compaction.times.micros") \
    X(COMPACTION_CPU_TIME, "rocksdb.compaction.times.cpu_micros") \
    X(SUBCOMPACTION_SETUP_TIME, "rocksdb.subcompaction.setup.times.micros") \
    X(TABLE_SYNC_MICROS, "rocksdb.table.sync.micros") \
    X(COMPACTION_OUTFILE_SYNC_MICROS, "rocksdb.compaction.outfile.sync.micros") \
    X(WAL_FILE_SYNC_MICROS, "rocksdb.wal.file.sync.micros") \
    X(MANIFEST_FILE_SYNC_MICROS, "rocksdb.manifest.file.sync.micros") \
    X(TABLE_OPEN_IO_MICROS, "rocksdb.table.open.io.micros") \
    X(DB_MULTIGET, "rocksdb.db.multiget.micros") \
    X(READ_BLOCK_COMPACTION_MICROS, "rocksdb.read.block.compaction.micros") \
    X(READ_BLOCK_GET_MICROS, "rocksdb.read.block.get.micros") \
    X(WRITE_RAW_BLOCK_MICROS, "rocksdb.write.raw.block.micros") \
    X(STALL_L0_SLOWDOWN_COUNT, "rocksdb.l0.slowdown.count") \
    X(STALL_MEMTABLE_COMPACTION_COUNT, "rocksdb.memtable.compaction.count") \
    X(STALL_L0_NUM_FILES_COUNT, "rocksdb.num.files.stall.count") \
    X(HARD_RATE_LIMIT_DELAY_COUNT, "rocksdb.hard.rate.limit.delay.count") \
    X(SOFT_RATE_LIMIT_DELAY_COUNT, "rocksdb.soft.rate.limit.delay.count") \
    X(NUM_FILES_IN_SINGLE_COMPACTION, "rocksdb.numfiles.in.singlecompaction") \
    X(DB_SEEK, "rocksdb.db.seek.micros") \
    X(WRITE_STALL, "rocksdb.db.write.stall") \
    X(SST_READ_MICROS, "rocksdb.sst.read.micros") \
    X(NUM_SUBCOMPACTIONS_SCHEDULED, "rocksdb.num.subcompactions.scheduled") \
    X(BYTES_PER_READ, "rocksdb.bytes.per.read") \
    X(BYTES_PER_WRITE, "rocksdb.bytes.per.write") \
    X(BYTES_PER_MULTIGET, "rocksdb.bytes.per.multiget") \
    X(BYTES_COMPRESSED, "rocksdb.bytes.compressed") \
    X(BYTES_DECOMPRESSED, "rocksdb.bytes.decompressed") \
    X(COMPRESSION_TIMES_NANOS, "rocksdb.compression.times.nanos") \
    X(DECOMPRESSION_TIMES_NANOS, "rocksdb.decompression.times.nanos") \
    X(READ_NUM_MERGE_OPERANDS, "rocksdb.read.num.merge_operands") \
    X(BLOB_DB_KEY_SIZE, "rocksdb.blobdb.key.size") \
    X(BLOB_DB_VALUE_SIZE, "rocksdb.blobdb.value.size") \
    X(BLOB_DB_WRITE_MICROS, "rocksdb.blobdb.write.micros") \
    X(BLOB_DB_GET_MICROS, "rocksdb.blobdb.get.micros") \
    X(BLOB_DB_MULTIGET_MICROS, "rocksdb.blobdb.multiget.micros") \
    X(BLOB_DB_SEEK_MICROS, "rocksdb.blobdb.seek.micros") \
    X(BLOB_DB_NEXT_MICROS, "rocksdb.blobdb.next.micros") \
    X(BLOB_DB_PREV_MICROS, "rocksdb.blobdb.prev.micros") \
    X(BLOB_DB_BLOB_FILE_WRITE_MICROS, "rocksdb.blobdb.blob.file.write.micros") \
    X(BLOB_DB_BLOB_FILE_READ_MICROS, "rocksdb.blobdb.blob.file.read.micros") \
    X(BLOB_DB_BLOB_FILE_SYNC_MICROS, "rocksdb.blobdb.blob.file.sync.micros") \
    X(BLOB_DB_GC_MICROS, "rocksdb.blobdb.gc.micros") \
    X(BLOB_DB_COMPRESSION_MICROS, "rocksdb.blobdb.compression.micros") \
    X(BLOB_DB_DECOMPRESSION_MICROS, "rocksdb.blobdb.decompression.micros") \
    X(FLUSH_TIME, "rocksdb.db.flush.micros") \
    X(SST_BATCH_SIZE, "rocksdb.sst.batch.size") \
    X(NUM_INDEX_AND_FILTER_BLOCKS_READ_PER_LEVEL, \
      "rocksdb.num.index.and.filter.blocks.read.per.level") \
    X(NUM_DATA_BLOCKS_READ_PER_LEVEL, "rocksdb.num.data.blocks.read.per.level") \
    X(NUM_SST_READ_PER_LEVEL, "rocksdb.num.sst.read.per.level") \
    X(ERROR_HANDLER_AUTORESUME_RETRY_COUNT, "rocksdb.error.handler.autoresume.retry.count") \
    X(ASYNC_READ_BYTES, "rocksdb.async.read.bytes") \
    X(POLL_WAIT_MICROS, "rocksdb.poll.wait.micros") \
    X(PREFETCHED_BYTES_DISCARDED, "rocksdb.prefetched.bytes.discarded") \
    X(MULTIGET_IO_BATCH_SIZE, "rocksdb.multiget.io.batch.size") \
    X(NUM_LEVEL_READ_PER_MULTIGET, "rocksdb.num.level.read.per.multiget") \
    X(ASYNC_PREFETCH_ABORT_MICROS, "rocksdb.async.prefetch.abort.micros") \
    /* end of STATS_HISTOGRAMS */

/* The engine's name for the public handle: one type, so a shale_statistics
 * pointer from the API goes straight to these calls. */
typedef struct shale_statistics statistics;

#define STATS_ENUM_TICKER(id, name) TICKER_##id,
enum stats_ticker { STATS_TICKERS(STATS_ENUM_TICKER) STATS_TICKER_COUNT };
#undef STATS_ENUM_TICKER

#define STATS_ENUM_HIST(id, name) HIST_##id,
enum stats_hist { STATS_HISTOGRAMS(STATS_ENUM_HIST) STATS_HIST_COUNT };
#undef STATS_ENUM_HIST

/* --- names --------------------------------------------------------------- */

/* RocksDB's name of ticker t ("rocksdb.block.cache.miss"); a static string.
 * REQUIRES: t < STATS_TICKER_COUNT. */
const char *stats_ticker_name(enum stats_ticker t);
/* RocksDB's name of histogram h ("rocksdb.db.get.micros"); a static string.
 * REQUIRES: h < STATS_HIST_COUNT. */
const char *stats_hist_name(enum stats_hist h);
/* The ticker / histogram called `name`, or -1 if there is none. */
int stats_ticker_by_name(const char *name);
int stats_hist_by_name(const char *name);

/* --- lifetime -------------------------------------------------------------- */

/* A new, zeroed statistics object holding one reference; NULL when memory
 * runs out. */
statistics *stats_new(void);
/* Takes another reference (NULL allowed).  Thread-safe. */
void stats_ref(statistics *s);
/* Drops a reference and frees the object with the last (NULL allowed).
 * Thread-safe. */
void stats_unref(statistics *s);

/* --- recording (thread-safe; s == NULL does nothing) ----------------------- */

/* Whether timed histograms are kept: s is not NULL and its level (see
 * shale_statistics_set_level) is above kExceptTimers. */
bool stats_timers_on(const statistics *s);

/* Adds n to ticker t.  Lock-free.  REQUIRES: t < STATS_TICKER_COUNT. */
void stats_add(statistics *s, enum stats_ticker t, uint64_t n);
/* Adds `value` to histogram h.  Takes the calling CPU's shard lock briefly.
 * REQUIRES: h < STATS_HIST_COUNT. */
void stats_record(statistics *s, enum stats_hist h, uint64_t value);

/* --- reading (thread-safe; s == NULL reads as all zero) -------------------- */

/* The sum of ticker t over all shards.  Adds racing with the read may or
 * may not be counted. */
uint64_t stats_ticker(const statistics *s, enum stats_ticker t);
/* Histogram h merged over all shards, into *out (overwritten). */
void stats_histogram_get(const statistics *s, enum stats_hist h, histogram *out);
/* P50, P95, P99, P100 (the max), count, sum, average, stddev, min and max of
 * histogram h, computed as RocksDB's HistogramData is. */
void stats_histogram_data(const statistics *s, enum stats_hist h,
                          shale_histogram_data *out);
/* Zeroes every ticker and histogram.  Adds racing with the reset may be
 * kept or lost. */
void stats_reset(statistics *s);
/* RocksDB's Statistics::ToString() text: one "name COUNT : n\n" line per
 * ticker, then one "name P50 : %f P95 : %f P99 : %f P100 : %f COUNT : n
 * SUM : n\n" line per histogram, in table order.  (db_bench prints it after
 * a "STATISTICS:" line.)  Malloc'd, free with free() or shale_free(); NULL
 * when memory runs out. */
char *stats_to_string(const statistics *s);

#endif
