/* lsm/db/db_props.c: GetProperty with RocksDB's property names, and the
 * live-files metadata.  Integer properties come from one table, so
 * shale_get_property() and shale_get_int_property() agree on every name. */
#include "lsm/db/db_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/cache/cache_api.h"
#include "lsm/util/err.h"

#define GB (1024.0 * 1024.0 * 1024.0)
#define MB (1024.0 * 1024.0)

/* REQUIRES: mu held.  Bytes of all memtables. */
static uint64_t all_mem_bytes_locked(shale_db *db, db_cf *cfd) SHALE_REQUIRES(db->mu.lock)
{
    uint64_t n = mem_approximate_memory_usage(cfd->mem);
    for (int i = 0; i < cfd->n_imm; i++)
        n += mem_approximate_memory_usage(cfd->imm[i].mem);
    return n;
}

/* Integer properties.  true and *v for a known name.  REQUIRES: mu held. */
static bool int_property_locked(shale_db *db, db_cf *cfd, const char *name, uint64_t *v)
    SHALE_REQUIRES(db->mu.lock)
{
    version *cur = cfd->vcf->current;
    const char *lvl = "rocksdb.num-files-at-level";
    if (strncmp(name, lvl, strlen(lvl)) == 0) {
        char *end = NULL;
        long level = strtol(name + strlen(lvl), &end, 10);
        if (end == name + strlen(lvl) || *end != '\0' || level < 0 || level >= cur->num_levels)
            return false;
        *v = version_num_files(cur, (int)level);
        return true;
    }
    static const char *const names[] = {
        "rocksdb.estimate-num-keys", "rocksdb.cur-size-active-mem-table",
        "rocksdb.cur-size-all-mem-tables", "rocksdb.size-all-mem-tables",
        "rocksdb.num-immutable-mem-table", "rocksdb.mem-table-flush-pending",
        "rocksdb.compaction-pending", "rocksdb.background-errors",
        "rocksdb.estimate-pending-compaction-bytes", "rocksdb.num-running-compactions",
        "rocksdb.num-running-flushes", "rocksdb.block-cache-capacity",
        "rocksdb.block-cache-usage", "rocksdb.block-cache-pinned-usage",
        "rocksdb.total-sst-files-size", "rocksdb.live-sst-files-size",
        "rocksdb.estimate-live-data-size", "rocksdb.is-write-stopped",
        "rocksdb.actual-delayed-write-rate", "rocksdb.num-snapshots",
        "rocksdb.num-entries-active-mem-table", "rocksdb.num-deletes-active-mem-table",
        "rocksdb.num-entries-imm-mem-tables", "rocksdb.num-deletes-imm-mem-tables",
        "rocksdb.min-log-number-to-keep", "rocksdb.base-level",
        "rocksdb.num-live-versions", "rocksdb.is-file-deletions-enabled",
        "rocksdb.estimate-table-readers-mem",
    };
    size_t i = 0, n = sizeof names / sizeof names[0];
    while (i < n && strcmp(name, names[i]) != 0)
        i++;
    uint64_t imm_entries = 0, imm_deletes = 0;
    for (int k = 0; k < cfd->n_imm; k++) {
        imm_entries += mem_num_entries(cfd->imm[k].mem);
        imm_deletes += mem_num_deletes(cfd->imm[k].mem);
    }
    switch (i) {
    case 0: return false;   /* answered by estimate_num_keys(), without the mutex */
    case 1: *v = mem_approximate_memory_usage(cfd->mem); break;
    case 2: case 3: *v = all_mem_bytes_locked(db, cfd); break;
    case 4: *v = (uint64_t)cfd->n_imm; break;
    case 5: *v = cfd->n_imm > 0 && !cfd->flushing; break;
    case 6: *v = !cfd->opts.disable_auto_compactions && picker_needs_compaction(cur); break;
    case 7: *v = db->mu.bg_err.code != SHALE_OK; break;
    case 8: *v = cur->pending_compaction_bytes; break;
    case 9: *v = (uint64_t)db->mu.bg_compactions_running; break;
    case 10: *v = (uint64_t)db->mu.bg_flushes_running; break;
    case 11: *v = bc_get_capacity(db->bcache); break;
    case 12: *v = bc_get_usage(db->bcache); break;
    case 13: *v = bc_get_pinned_usage(db->bcache); break;
    case 14: case 15: case 16: *v = version_total_bytes(cur); break;
    case 17: *v = db->mu.write_stopped; break;
    case 18: *v = db->mu.write_delayed ? db->opts.delayed_write_rate : 0; break;
    case 19: *v = (uint64_t)db->mu.num_snapshots; break;
    case 20: *v = mem_num_entries(cfd->mem); break;
    case 21: *v = mem_num_deletes(cfd->mem); break;
    case 22: *v = imm_entries; break;
    case 23: *v = imm_deletes; break;
    case 24: *v = vset_min_cf_log_number(db->vs); break;
    case 25: *v = 1; break;
    case 26: *v = 1; break;
    case 27: *v = db->disable_deletions == 0; break;
    case 28: *v = 0; break;
    default: return false;
    }
    return true;
}

/* rocksdb.estimate-num-keys: entries - 2 * deletions over memtables and
 * files.  Files recovered from a MANIFEST carry no counts, so their table
 * properties are read through the table cache, without the mutex. */
static uint64_t estimate_num_keys(shale_db *db, db_cf *cfd)
{
    shale_mutex_lock(&db->mu.lock);
    uint64_t entries = mem_num_entries(cfd->mem), deletes = mem_num_deletes(cfd->mem);
    for (int i = 0; i < cfd->n_imm; i++) {
        entries += mem_num_entries(cfd->imm[i].mem);
        deletes += mem_num_deletes(cfd->imm[i].mem);
    }
    version *v = cfd->vcf->current;
    version_ref(v);
    shale_mutex_unlock(&db->mu.lock);
    for (int l = 0; l < v->num_levels; l++)
        for (size_t i = 0; i < v->n_files[l]; i++) {
            file_meta *f = v->files[l][i];
            sst_reader *r = NULL;
            if (f->num_entries > 0 || tc_get(db->tcache, f->number, f->file_size, &r, NULL) != SHALE_OK) {
                entries += f->num_entries;
                deletes += f->num_deletions;
                continue;
            }
            entries += sst_reader_props(r)->num_entries;
            deletes += sst_reader_props(r)->num_deletions;
            sst_reader_unref(r);
        }
    version_unref(v);
    return entries > 2 * deletes ? entries - 2 * deletes : 0;
}

bool shale_get_int_property(shale_db *db, const char *name, uint64_t *v)
{
    return shale_get_int_property_cf(db, NULL, name, v);
}

bool shale_get_int_property_cf(shale_db *db, shale_cf *cf, const char *name, uint64_t *v)
{
    db_cf *cfd = db_cf_of(db, cf);
    if (strcmp(name, "rocksdb.estimate-num-keys") == 0) {
        *v = estimate_num_keys(db, cfd);
        return true;
    }
    shale_mutex_lock(&db->mu.lock);
    bool ok = int_property_locked(db, cfd, name, v);
    shale_mutex_unlock(&db->mu.lock);
    return ok;
}

static void levelstats_locked(shale_db *db, db_cf *cfd, shale_buf *out)
    SHALE_REQUIRES(db->mu.lock)
{
    version *v = cfd->vcf->current;
    char line[128];
    shale_buf_append_str(out, "Level Files Size(MB)\n--------------------\n");
    for (int l = 0; l < v->num_levels; l++) {
        snprintf(line, sizeof line, "%3d %8zu %8.0f\n", l, version_num_files(v, l),
                 (double)version_level_bytes(v, l) / MB);
        shale_buf_append_str(out, line);
    }
}

/* One row of the compaction stats table, in RocksDB's columns. */
/* One row.  W-Amp is RocksDB's: a level's bytes written over the bytes it
 * read from the level above; for the Sum row (wamp >= 0) all bytes written
 * over the bytes flushed. */
static void stats_row(shale_buf *out, const char *name, int files, int compacting,
                      uint64_t bytes, double score, const level_stats *s, double sum_wamp)
{
    char size[32], line[512];
    snprintf(size, sizeof size, "%.2f MB", (double)bytes / MB);
    double read = (double)(s->bytes_read_n + s->bytes_read_n1) / GB;
    double secs = (double)s->micros / 1e6;
    double wamp = sum_wamp >= 0 ? sum_wamp
                  : s->bytes_read_n > 0 ? (double)s->bytes_written / (double)s->bytes_read_n
                                        : 0.0;
    snprintf(line, sizeof line,
             "%5s %6d/%-3d %8s %5.1f %8.1f %7.1f %8.1f %9.1f %8.1f %9.1f %5.1f %8.1f %8.1f "
             "%9.2f %17.2f %9llu %8.3f %7llu %7llu %9.1f %9.1f\n",
             name, files, compacting, size, score, read, (double)s->bytes_read_n / GB,
             (double)s->bytes_read_n1 / GB, (double)s->bytes_written / GB,
             (double)(s->bytes_written > s->bytes_read_n1 ? s->bytes_written - s->bytes_read_n1
                                                          : 0) / GB,
             0.0, wamp, secs > 0 ? read * 1024.0 / secs : 0.0,
             secs > 0 ? (double)s->bytes_written / MB / secs : 0.0, secs, secs,
             (unsigned long long)s->count, s->count > 0 ? secs / (double)s->count : 0.0,
             (unsigned long long)s->records_in, (unsigned long long)s->records_dropped, 0.0, 0.0);
    shale_buf_append_str(out, line);
}

static void compaction_stats_locked(shale_db *db, db_cf *cfd, shale_buf *out)
    SHALE_REQUIRES(db->mu.lock)
{
    version *v = cfd->vcf->current;
    shale_buf_printf(out, "\n** Compaction Stats [%s] **\n", cfd->name);
    shale_buf_append_str(out,
        "Level    Files   Size     Score Read(GB)  Rn(GB) Rnp1(GB) Write(GB) Wnew(GB) "
        "Moved(GB) W-Amp Rd(MB/s) Wr(MB/s) Comp(sec) CompMergeCPU(sec) Comp(cnt) Avg(sec) "
        "KeyIn KeyDrop Rblob(GB) Wblob(GB)\n"
        "------------------------------------------------------------------------------------"
        "------------------------------------------------------------------------------------"
        "----------------------\n");
    level_stats sum = {0};
    int total_files = 0;
    for (int l = 0; l < v->num_levels; l++) {
        const level_stats *s = &cfd->lstats[l];
        int files = (int)version_num_files(v, l);
        int busy = 0;
        for (int i = 0; i < files; i++)
            busy += v->files[l][i]->being_compacted;
        if (files == 0 && s->count == 0)
            continue;
        double score = 0;
        for (int i = 0; i < v->num_levels - 1; i++)
            if (v->compaction_level[i] == l)
                score = v->compaction_score[i];
        char name[16];
        snprintf(name, sizeof name, "L%d", l);
        stats_row(out, name, files, busy, version_level_bytes(v, l), score, s, -1.0);
        sum.micros += s->micros;
        sum.bytes_read_n += s->bytes_read_n;
        sum.bytes_read_n1 += s->bytes_read_n1;
        sum.bytes_written += s->bytes_written;
        sum.count += s->count;
        sum.records_in += s->records_in;
        sum.records_dropped += s->records_dropped;
        total_files += files;
    }
    double sum_wamp = (double)sum.bytes_written / (double)(cfd->lstats[0].bytes_written + 1);
    stats_row(out, "Sum", total_files, 0, version_total_bytes(v), 0, &sum, sum_wamp);
    /* RocksDB's interval row counts since the previous dump; shale keeps
     * no dump history, so its interval is the whole uptime. */
    stats_row(out, "Int", 0, 0, 0, 0, &sum, sum_wamp);
    char line[256];
    double up = (double)(db->env->ops->now_micros(db->env) - db->open_micros) / 1e6;
    snprintf(line, sizeof line,
             "\nUptime(secs): %.1f total, %.1f interval\n"
             "Flush(GB): cumulative %.3f, interval %.3f\n"
             "Stall(count): %llu total, stall micros %llu\n",
             up, up, (double)cfd->lstats[0].bytes_written / GB,
             (double)cfd->lstats[0].bytes_written / GB, (unsigned long long)db->mu.stall_count,
             (unsigned long long)db->mu.stall_micros);
    shale_buf_append_str(out, line);
    snprintf(line, sizeof line,
             "\n** DB Stats **\nUptime(secs): %.1f total, %.1f interval\n"
             "Cumulative writes: %llu writes, %llu ingest: %.2f GB\n"
             "Cumulative WAL: %llu syncs, %.2f GB written\n",
             up, up, (unsigned long long)db->mu.user_writes, (unsigned long long)db->mu.user_writes,
             (double)db->mu.ingest_bytes / GB, (unsigned long long)db->mu.wal_syncs,
             (double)db->mu.wal_bytes / GB);
    shale_buf_append_str(out, line);
}

char *shale_get_property(shale_db *db, const char *name)
{
    return shale_get_property_cf(db, NULL, name);
}

char *shale_get_property_cf(shale_db *db, shale_cf *cf, const char *name)
{
    db_cf *cfd = db_cf_of(db, cf);
    shale_buf out = SHALE_BUF_INIT;
    uint64_t v = 0;
    shale_mutex_lock(&db->mu.lock);
    if (strcmp(name, "rocksdb.stats") == 0) {
        compaction_stats_locked(db, cfd, &out);
    } else if (strcmp(name, "rocksdb.levelstats") == 0) {
        levelstats_locked(db, cfd, &out);
    } else if (strcmp(name, "rocksdb.sstables") == 0) {
        (void)version_debug_string(cfd->vcf->current, false, &out, NULL);
    } else if (strcmp(name, "rocksdb.dbstats") == 0) {
        compaction_stats_locked(db, cfd, &out);
    } else if (strcmp(name, "rocksdb.estimate-num-keys") == 0) {
        shale_mutex_unlock(&db->mu.lock);
        v = estimate_num_keys(db, cfd);
        shale_mutex_lock(&db->mu.lock);
        char num[32];
        snprintf(num, sizeof num, "%llu", (unsigned long long)v);
        shale_buf_append_str(&out, num);
    } else if (int_property_locked(db, cfd, name, &v)) {
        char num[32];
        snprintf(num, sizeof num, "%llu", (unsigned long long)v);
        shale_buf_append_str(&out, num);
    } else {
        shale_mutex_unlock(&db->mu.lock);
        return NULL;
    }
    shale_mutex_unlock(&db->mu.lock);
    shale_buf_append_byte(&out, 0);
    return shale_buf_detach(&out, NULL);
}

/* --- live files ---------------------------------------------------------- */

static char *dup_bytes(slice s)
{
    char *p = malloc(s.len == 0 ? 1 : s.len);
    if (p != NULL && s.len > 0)
        memcpy(p, s.data, s.len);
    return p;
}

/* Appends family cfd's files (version v) to out[*k..]. */
/* A file's entry and deletion counts: from its metadata, else (files
 * written or recovered without them) from its table properties. */
static void file_counts(shale_db *db, const file_meta *f, uint64_t *entries, uint64_t *dels)
{
    *entries = f->num_entries;
    *dels = f->num_deletions;
    sst_reader *r = NULL;
    if (f->num_entries > 0 || tc_get(db->tcache, f->number, f->file_size, &r, NULL) != SHALE_OK)
        return;
    *entries = sst_reader_props(r)->num_entries;
    *dels = sst_reader_props(r)->num_deletions;
    sst_reader_unref(r);
}

static int add_live_files(shale_db *db, const db_cf *cfd, version *v, shale_live_file *out,
                          size_t *k, shale_err *err)
{
    int rc = SHALE_OK;
    for (int l = 0; l < v->num_levels && rc == SHALE_OK; l++)
        for (size_t i = 0; i < version_num_files(v, l) && rc == SHALE_OK; i++, (*k)++) {
            file_meta *f = v->files[l][i];
            shale_live_file *o = &out[*k];
            char name[32];
            snprintf(name, sizeof name, "/%06llu.sst", (unsigned long long)f->number);
            slice lo = ikey_user_key(file_meta_smallest(f)), hi = ikey_user_key(file_meta_largest(f));
            o->name = strdup(name);
            o->column_family_name = strdup(cfd->name);
            o->level = l;
            o->size = f->file_size;
            o->smallest_key = dup_bytes(lo);
            o->smallest_key_len = lo.len;
            o->largest_key = dup_bytes(hi);
            o->largest_key_len = hi.len;
            o->smallest_seqno = f->smallest_seqno;
            o->largest_seqno = f->largest_seqno;
            file_counts(db, f, &o->num_entries, &o->num_deletions);
            if (o->name == NULL || o->smallest_key == NULL || o->largest_key == NULL ||
                o->column_family_name == NULL)
                rc = SHALE_NOMEM(err);
        }
    return rc;
}

/* The live files of `only` (NULL: every live family). */
static int live_files(shale_db *db, db_cf *only, shale_live_file **files, size_t *n,
                      shale_err *err)
{
    *files = NULL;
    *n = 0;
    shale_mutex_lock(&db->mu.lock);
    size_t nc = only != NULL ? 1 : db->mu.n_cfs, total = 0;
    db_cf **cfs = malloc(nc * sizeof *cfs);
    version **vs = malloc(nc * sizeof *vs);
    for (size_t i = 0; cfs != NULL && vs != NULL && i < nc; i++) {
        cfs[i] = only != NULL ? only : db->mu.cfs[i];
        cfs[i]->refs++;
        vs[i] = cfs[i]->vcf->current;
        version_ref(vs[i]);
        for (int l = 0; l < vs[i]->num_levels; l++)
            total += version_num_files(vs[i], l);
    }
    shale_mutex_unlock(&db->mu.lock);
    if (cfs == NULL || vs == NULL) {
        free(cfs);
        free(vs);
        return SHALE_NOMEM(err);
    }
    shale_live_file *out = calloc(total == 0 ? 1 : total, sizeof *out);
    int rc = out == NULL ? SHALE_NOMEM(err) : SHALE_OK;
    size_t k = 0;
    for (size_t i = 0; i < nc && rc == SHALE_OK; i++)
        rc = add_live_files(db, cfs[i], vs[i], out, &k, err);
    shale_mutex_lock(&db->mu.lock);
    for (size_t i = 0; i < nc; i++) {
        version_unref(vs[i]);
        db_cf_unref_locked(db, cfs[i]);
    }
    shale_mutex_unlock(&db->mu.lock);
    free(cfs);
    free(vs);
    if (rc != SHALE_OK) {
        shale_live_files_free(out, k);
        return rc;
    }
    *files = out;
    *n = k;
    return SHALE_OK;
}

int shale_live_files(shale_db *db, shale_live_file **files, size_t *n, shale_err *err)
{
    return live_files(db, NULL, files, n, err);
}

int shale_live_files_cf(shale_db *db, shale_cf *cf, shale_live_file **files, size_t *n,
                        shale_err *err)
{
    return live_files(db, db_cf_of(db, cf), files, n, err);
}

void shale_live_files_free(shale_live_file *files, size_t n)
{
    if (files == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].smallest_key);
        free(files[i].largest_key);
        free(files[i].column_family_name);
    }
    free(files);
}

void db_stats_add(shale_db *db, enum stats_ticker t, uint64_t n) { stats_add(db->stats, t, n); }
