/* lsm/version/version.c: versions, their queries and compaction scores,
 * and the version builder (see version.h).  The rules follow RocksDB 7.8.3:
 * file order (version_builder.cc), GetOverlappingInputs and its binary
 * search, ComputeCompactionScore and EstimateCompactionBytesNeeded
 * (version_set.cc), for leveled compaction with static level targets.
 *
 * The builder keeps, per level, an unsorted array of file_meta (each with a
 * reference) and a hash table number -> (level, index), so a long MANIFEST
 * replays in time linear in its edits; finish() sorts a copy. */
#include "lsm/version/version.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

void version_cf_options_default(version_cf_options *o)
{
    o->num_levels = 7;
    o->level0_file_num_compaction_trigger = 4;
    o->max_bytes_for_level_base = UINT64_C(256) << 20;
    o->max_bytes_for_level_multiplier = 10.0;
    o->target_file_size_base = UINT64_C(64) << 20;
    o->target_file_size_multiplier = 1;
    o->max_compaction_bytes = 0;
    o->write_buffer_size = UINT64_C(64) << 20;
    compaction_style_options_init(&o->cstyle);
}

uint64_t version_max_compaction_bytes(const version_cf_options *o)
{
    return o->max_compaction_bytes != 0 ? o->max_compaction_bytes : 25 * o->target_file_size_base;
}

/* ---- file_meta ---------------------------------------------------------- */

int file_meta_new_from_edit(const ve_new_file *nf, file_meta **out, shale_err *err)
{
    file_meta *f = calloc(1, sizeof *f);
    *out = NULL;
    if (f == NULL)
        return SHALE_NOMEM(err);
    atomic_init(&f->refs, 1);
    f->number = nf->number;
    f->path_id = nf->path_id;
    f->file_size = nf->size;
    f->compensated_file_size = nf->size;
    f->smallest_seqno = nf->smallest_seqno;
    f->largest_seqno = nf->largest_seqno;
    f->oldest_ancester_time = nf->oldest_ancester_time;
    f->file_creation_time = nf->file_creation_time;
    f->marked_for_compaction = nf->marked_for_compaction;
    f->oldest_blob_file_number = nf->oldest_blob_file_number;
    f->temperature = nf->temperature;
    shale_buf_append_slice(&f->smallest, shale_buf_slice(&nf->smallest));
    shale_buf_append_slice(&f->largest, shale_buf_slice(&nf->largest));
    shale_buf_append_slice(&f->checksum, shale_buf_slice(&nf->checksum));
    shale_buf_append_slice(&f->checksum_func_name, shale_buf_slice(&nf->checksum_func_name));
    if (!shale_buf_ok(&f->smallest) || !shale_buf_ok(&f->largest) || !shale_buf_ok(&f->checksum) ||
        !shale_buf_ok(&f->checksum_func_name)) {
        file_meta_unref(f);
        return SHALE_NOMEM(err);
    }
    *out = f;
    return SHALE_OK;
}

void file_meta_ref(file_meta *f) { atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed); }

void file_meta_unref(file_meta *f)
{
    if (f == NULL || atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
        return;
    shale_buf_deinit(&f->smallest);
    shale_buf_deinit(&f->largest);
    shale_buf_deinit(&f->checksum);
    shale_buf_deinit(&f->checksum_func_name);
    free(f);
}

void file_meta_to_edit(const file_meta *f, int level, ve_file_meta *out)
{
    memset(out, 0, sizeof *out);
    out->level = level;
    out->number = f->number;
    out->path_id = f->path_id;
    out->size = f->file_size;
    out->smallest = file_meta_smallest(f);
    out->largest = file_meta_largest(f);
    out->smallest_seqno = f->smallest_seqno;
    out->largest_seqno = f->largest_seqno;
    out->oldest_ancester_time = f->oldest_ancester_time;
    out->file_creation_time = f->file_creation_time;
    out->checksum = shale_buf_slice(&f->checksum);
    if (f->checksum_func_name.len > 0)
        out->checksum_func_name = shale_buf_slice(&f->checksum_func_name);
    out->marked_for_compaction = f->marked_for_compaction;
    out->oldest_blob_file_number = f->oldest_blob_file_number;
    out->temperature = f->temperature;
}

/* ---- file_list ---------------------------------------------------------- */

void file_list_deinit(file_list *l)
{
    if (l == NULL)
        return;
    free(l->files);
    l->files = NULL;
    l->n = l->cap = 0;
}

int file_list_push(file_list *l, file_meta *f, shale_err *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        file_meta **p = realloc(l->files, cap * sizeof *p);
        if (p == NULL)
            return SHALE_NOMEM(err);
        l->files = p;
        l->cap = cap;
    }
    l->files[l->n++] = f;
    return SHALE_OK;
}

int file_list_copy(file_list *dst, const file_list *src, shale_err *err)
{
    file_list_clear(dst);
    for (size_t i = 0; i < src->n; i++) {
        int rc = file_list_push(dst, src->files[i], err);
        if (rc != SHALE_OK)
            return rc;
    }
    return SHALE_OK;
}

uint64_t file_list_bytes(const file_list *l)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < l->n; i++)
        sum += l->files[i]->file_size;
    return sum;
}

/* ---- versions and their list -------------------------------------------- */

void version_list_init(version_list *l)
{
    shale_mutex_init(&l->mu);
    l->head = NULL;
}

void version_list_deinit(version_list *l)
{
    assert(l->head == NULL);
    shale_mutex_deinit(&l->mu);
}

int version_new_empty(const version_cf_options *opts, version **out, shale_err *err)
{
    *out = NULL;
    if (opts->num_levels < 1 || opts->num_levels > VERSION_MAX_LEVELS)
        return SHALE_INVALID(err, "num_levels %d is not in 1..%d", opts->num_levels,
                             VERSION_MAX_LEVELS);
    version *v = calloc(1, sizeof *v);
    if (v == NULL)
        return SHALE_NOMEM(err);
    atomic_init(&v->refs, 1);
    v->num_levels = opts->num_levels;
    version_compute_scores(v, opts);
    *out = v;
    return SHALE_OK;
}

void version_ref(version *v) { atomic_fetch_add_explicit(&v->refs, 1, memory_order_relaxed); }

void version_link(version *v, version_list *l)
{
    shale_mutex_lock(&l->mu);
    v->list = l;
    v->prev = NULL;
    v->next = l->head;
    if (l->head != NULL)
        l->head->prev = v;
    l->head = v;
    shale_mutex_unlock(&l->mu);
}

static void unlink_version(version *v)
{
    version_list *l = v->list;
    if (l == NULL)
        return;
    shale_mutex_lock(&l->mu);
    if (v->prev != NULL)
        v->prev->next = v->next;
    else
        l->head = v->next;
    if (v->next != NULL)
        v->next->prev = v->prev;
    shale_mutex_unlock(&l->mu);
}

void version_unref(version *v)
{
    if (v == NULL || atomic_fetch_sub_explicit(&v->refs, 1, memory_order_acq_rel) != 1)
        return;
    unlink_version(v);
    for (int level = 0; level < v->num_levels; level++) {
        for (size_t i = 0; i < v->n_files[level]; i++)
            file_meta_unref(v->files[level][i]);
        free(v->files[level]);
    }
    free(v);
}

uint64_t version_level_bytes(const version *v, int level)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < v->n_files[level]; i++)
        sum += v->files[level][i]->file_size;
    return sum;
}

uint64_t version_total_bytes(const version *v)
{
    uint64_t sum = 0;
    for (int level = 0; level < v->num_levels; level++)
        sum += version_level_bytes(v, level);
    return sum;
}

int version_last_nonempty_level(const version *v)
{
    for (int level = v->num_levels - 1; level >= 1; level--)
        if (v->n_files[level] > 0)
            return level;
    return 0;
}

/* ---- queries ------------------------------------------------------------ */

size_t version_find_file(const version *v, int level, slice ikey)
{
    size_t lo = 0, hi = v->n_files[level];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ikey_compare(file_meta_largest(v->files[level][mid]), ikey) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool is_sentinel(slice ikey)
{
    return ikey.len >= IKEY_TRAILER_LEN &&
           ikey_trailer(ikey) == ikey_pack(MAX_SEQUENCE, VT_RANGE_DELETION);
}

int version_sstable_key_compare(slice a, slice b)
{
    int r = slice_compare(ikey_user_key(a), ikey_user_key(b));
    if (r != 0)
        return r;
    bool sa = is_sentinel(a), sb = is_sentinel(b);
    return sa == sb ? 0 : (sa ? -1 : 1);
}

/* L0: every file meeting [ub, ue] (user keys), growing the range with each
 * file taken until a pass adds nothing. */
static int overlapping_l0(const version *v, const slice *ub, const slice *ue, file_list *out,
                          int *first, shale_err *err)
{
    size_t n = v->n_files[0];
    slice b = ub ? *ub : slice_make(NULL, 0), e = ue ? *ue : slice_make(NULL, 0);
    bool *taken = calloc(n ? n : 1, sizeof *taken);
    if (taken == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (bool found = true; found && rc == SHALE_OK;) {
        found = false;
        for (size_t i = 0; i < n && rc == SHALE_OK; i++) {
            file_meta *f = v->files[0][i];
            slice fs = ikey_user_key(file_meta_smallest(f)), fl = ikey_user_key(file_meta_largest(f));
            if (taken[i] || (ub && slice_compare(fl, b) < 0) || (ue && slice_compare(fs, e) > 0))
                continue;
            taken[i] = found = true;
            if (*first < 0)
                *first = (int)i;
            if (ub && slice_compare(fs, b) < 0)
                b = fs;
            if (ue && slice_compare(fl, e) > 0)
                e = fl;
        }
    }
    /* Report in L0 order (newest first), whatever pass found them. */
    for (size_t i = 0; i < n && rc == SHALE_OK; i++)
        if (taken[i])
            rc = file_list_push(out, v->files[0][i], err);
    free(taken);
    return rc;
}

/* Level >= 1: the binary search of GetOverlappingInputsRangeBinarySearch. */
static void range_bounds(const version *v, int level, const slice *begin, const slice *end,
                         bool within, size_t *start_out, size_t *end_out)
{
    file_meta **fs = v->files[level];
    size_t n = v->n_files[level], s = 0, e = n;
    if (begin != NULL) {
        size_t lo = 0, hi = n;
        while (lo < hi) {  /* first file whose key is not < begin */
            size_t mid = lo + (hi - lo) / 2;
            slice k = within ? file_meta_smallest(fs[mid]) : file_meta_largest(fs[mid]);
            if (version_sstable_key_compare(k, *begin) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        s = lo;
        while (within && s > 0 && s < n &&
               version_sstable_key_compare(file_meta_largest(fs[s - 1]), file_meta_smallest(fs[s])) == 0)
            s++;
    }
    if (end != NULL) {
        size_t lo = s, hi = n;
        while (lo < hi) {  /* first file whose key is > end */
            size_t mid = lo + (hi - lo) / 2;
            slice k = within ? file_meta_largest(fs[mid]) : file_meta_smallest(fs[mid]);
            if (version_sstable_key_compare(*end, k) < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        e = lo;
        while (within && e < n && e > s &&
               version_sstable_key_compare(file_meta_largest(fs[e - 1]), file_meta_smallest(fs[e])) == 0)
            e--;
    }
    *start_out = s;
    *end_out = e < s ? s : e;
}

int version_overlapping_ikey(const version *v, int level, const slice *begin, const slice *end,
                             bool within, file_list *out, int *first, slice *next_smallest,
                             shale_err *err)
{
    int dummy = -1;
    first = first ? first : &dummy;
    *first = -1;
    file_list_clear(out);
    if (next_smallest != NULL)
        *next_smallest = slice_make(NULL, 0);
    if (level == 0) {
        if (within)
            return SHALE_OK;  /* RocksDB: no clean interval inside L0 */
        slice ub, ue;
        if (begin != NULL)
            ub = ikey_user_key(*begin);
        if (end != NULL)
            ue = ikey_user_key(*end);
        return overlapping_l0(v, begin ? &ub : NULL, end ? &ue : NULL, out, first, err);
    }
    size_t s, e;
    range_bounds(v, level, begin, end, within, &s, &e);
    if (s == e)
        return SHALE_OK;
    *first = (int)s;
    for (size_t i = s; i < e; i++) {
        int rc = file_list_push(out, v->files[level][i], err);
        if (rc != SHALE_OK)
            return rc;
    }
    if (next_smallest != NULL && e < v->n_files[level])
        *next_smallest = file_meta_smallest(v->files[level][e]);
    return SHALE_OK;
}

int version_overlapping_inputs(const version *v, int level, const slice *begin_user_key,
                               const slice *end_user_key, file_list *out, shale_err *err)
{
    file_list_clear(out);
    if (level == 0) {
        int first = -1;
        return overlapping_l0(v, begin_user_key, end_user_key, out, &first, err);
    }
    /* A user key with an 8-byte zero trailer is never a sentinel, so the
     * sstable comparison reduces to the user key. */
    shale_buf b = SHALE_BUF_INIT, e = SHALE_BUF_INIT;
    slice bs, es;
    if (begin_user_key != NULL) {
        shale_buf_append_slice(&b, *begin_user_key);
        shale_buf_put_fixed64(&b, 0);
        bs = shale_buf_slice(&b);
    }
    if (end_user_key != NULL) {
        shale_buf_append_slice(&e, *end_user_key);
        shale_buf_put_fixed64(&e, 0);
        es = shale_buf_slice(&e);
    }
    int rc = !shale_buf_ok(&b) || !shale_buf_ok(&e)
                 ? SHALE_NOMEM(err)
                 : version_overlapping_ikey(v, level, begin_user_key ? &bs : NULL,
                                            end_user_key ? &es : NULL, false, out, NULL, NULL, err);
    shale_buf_deinit(&b);
    shale_buf_deinit(&e);
    return rc;
}

/* ---- compaction scores -------------------------------------------------- */

/* RocksDB's MultiplyCheckOverflow: on overflow the value stays as it was. */
static uint64_t multiply_check_overflow(uint64_t a, double m)
{
    if (a == 0 || m <= 0)
        return 0;
    if ((double)UINT64_MAX / (double)a < m)
        return a;
    return (uint64_t)((double)a * m);
}

uint64_t version_max_bytes_for_level(const version *v, int level) { return v->level_max_bytes[level]; }

static void compute_level_targets(version *v, const version_cf_options *o)
{
    for (int i = 0; i < v->num_levels; i++)
        v->level_max_bytes[i] = i > 1 ? multiply_check_overflow(v->level_max_bytes[i - 1],
                                                                o->max_bytes_for_level_multiplier)
                                      : o->max_bytes_for_level_base;
}

static double level0_score(const version *v, const version_cf_options *o)
{
    int runs = 0;
    uint64_t size = 0;
    for (size_t i = 0; i < v->n_files[0]; i++) {
        if (!v->files[0][i]->being_compacted) {
            size += v->files[0][i]->compensated_file_size;
            runs++;
        }
    }
    double score = (double)runs / o->level0_file_num_compaction_trigger;
    if (v->num_levels > 1) {
        double by_size = (double)size / (double)o->max_bytes_for_level_base;
        if (by_size > score)
            score = by_size;
    }
    return score;
}

static double leveln_score(const version *v, int level)
{
    uint64_t size = 0;
    for (size_t i = 0; i < v->n_files[level]; i++)
        if (!v->files[level][i]->being_compacted)
            size += v->files[level][i]->compensated_file_size;
    return (double)size / (double)v->level_max_bytes[level];
}

/* EstimateCompactionBytesNeeded with base level 1. */
static uint64_t estimate_pending_bytes(const version *v, const version_cf_options *o)
{
    uint64_t to_next = 0, size = version_level_bytes(v, 0), total = 0;
    bool l0_triggered = false;
    if ((int)v->n_files[0] >= o->level0_file_num_compaction_trigger ||
        size >= o->max_bytes_for_level_base) {
        l0_triggered = true;
        total = size;
        to_next = size;
    }
    for (int level = 1; level <= v->num_levels - 2; level++) {
        size = version_level_bytes(v, level);
        if (level == 1 && l0_triggered)
            total += size;
        size += to_next;
        to_next = 0;
        uint64_t target = v->level_max_bytes[level];
        if (size > target) {
            to_next = size - target;
            uint64_t next = version_level_bytes(v, level + 1);
            if (next > 0)
                total += (uint64_t)((double)to_next * ((double)next / (double)size + 1));
        }
    }
    return total;
}

/* ---- scores of universal and FIFO compaction ---------------------------- */

bool version_file_expired(const file_meta *f, uint64_t ttl, uint64_t now)
{
    uint64_t t = f->oldest_ancester_time != 0 ? f->oldest_ancester_time : f->file_creation_time;
    return ttl > 0 && now > ttl && t != 0 && t < now - ttl;
}

static int trigger_of(const version_cf_options *o)
{
    return o->level0_file_num_compaction_trigger > 0 ? o->level0_file_num_compaction_trigger : 1;
}

/* Sorted runs not being compacted: each L0 file, and (universal) each
 * non-empty level whose first file is idle.  RocksDB looks at the first
 * file only; a level partly in compaction then still counts. */
static int idle_sorted_runs(const version *v, bool levels_count, uint64_t *l0_bytes)
{
    int runs = 0;
    *l0_bytes = 0;
    for (size_t i = 0; i < v->n_files[0]; i++) {
        if (!v->files[0][i]->being_compacted) {
            *l0_bytes += v->files[0][i]->compensated_file_size;
            runs++;
        }
    }
    for (int level = 1; levels_count && level < v->num_levels; level++)
        if (v->n_files[level] > 0 && !v->files[level][0]->being_compacted)
            runs++;
    return runs;
}

static double fifo_score(const version *v, const version_cf_options *o, uint64_t now)
{
    uint64_t bytes;
    int runs = idle_sorted_runs(v, false, &bytes);
    uint64_t max = o->cstyle.fifo.max_table_files_size;
    double score = max > 0 ? (double)bytes / (double)max : (bytes > 0 ? 1e300 : 0);
    if (o->cstyle.fifo.allow_compaction && (double)runs / trigger_of(o) > score)
        score = (double)runs / trigger_of(o);
    if (o->cstyle.ttl > 0) {
        int expired = 0;
        for (size_t i = 0; i < v->n_files[0]; i++)
            expired += !v->files[0][i]->being_compacted &&
                       version_file_expired(v->files[0][i], o->cstyle.ttl, now);
        if ((double)expired > score)
            score = expired;
    }
    return score;
}

/* Universal and FIFO: one score, for level 0 (RocksDB's MaxInputLevel 0). */
static void style_scores(version *v, const version_cf_options *o, uint64_t now)
{
    uint64_t bytes;
    for (int level = 0; level < VERSION_MAX_LEVELS; level++) {
        v->compaction_level[level] = level;
        v->compaction_score[level] = 0;
    }
    if (o->cstyle.style == COMPACTION_STYLE_FIFO)
        v->compaction_score[0] = fifo_score(v, o, now);
    else
        v->compaction_score[0] = (double)idle_sorted_runs(v, true, &bytes) / trigger_of(o);
    v->pending_compaction_bytes = 0;
}

static void count_l0_delay_trigger(version *v)
{
    v->l0_delay_trigger_count = (int)v->n_files[0];
    for (int level = 1; v->compaction_style == COMPACTION_STYLE_UNIVERSAL && level < v->num_levels;
         level++)
        v->l0_delay_trigger_count += v->n_files[level] > 0;
}

void version_compute_scores(version *v, const version_cf_options *o)
{
    version_compute_scores_at(v, o, (uint64_t)time(NULL));
}

void version_compute_scores_at(version *v, const version_cf_options *o, uint64_t now)
{
    compute_level_targets(v, o);
    v->compaction_style = o->cstyle.style;
    count_l0_delay_trigger(v);
    if (o->cstyle.style != COMPACTION_STYLE_LEVEL) {
        style_scores(v, o, now);
        return;
    }
    int n = v->num_levels - 1;  /* MaxInputLevel() + 1 */
    for (int level = 0; level < n; level++) {
        v->compaction_level[level] = level;
        v->compaction_score[level] = level == 0 ? level0_score(v, o) : leveln_score(v, level);
    }
    /* RocksDB's order: a swap only when strictly greater, so ties keep the
     * lower level first. */
    for (int i = 0; i + 1 < n; i++) {
        for (int j = i + 1; j < n; j++) {
            if (v->compaction_score[i] < v->compaction_score[j]) {
                double s = v->compaction_score[i];
                int l = v->compaction_level[i];
                v->compaction_score[i] = v->compaction_score[j];
                v->compaction_level[i] = v->compaction_level[j];
                v->compaction_score[j] = s;
                v->compaction_level[j] = l;
            }
        }
    }
    v->pending_compaction_bytes = estimate_pending_bytes(v, o);
}

/* ---- debug string ------------------------------------------------------- */

static void append_user_key(shale_buf *out, slice k, bool hex)
{
    static const char digits[] = "0123456789ABCDEF";
    if (!hex) {
        shale_buf_append_slice(out, k);
        return;
    }
    for (size_t i = 0; i < k.len; i++) {
        shale_buf_append_byte(out, (uint8_t)digits[(unsigned char)k.data[i] >> 4]);
        shale_buf_append_byte(out, (uint8_t)digits[(unsigned char)k.data[i] & 15]);
    }
}

static void append_ikey(shale_buf *out, slice ikey, bool hex)
{
    parsed_ikey p;
    char num[64];
    if (!ikey_parse(ikey, &p)) {
        shale_buf_append_str(out, "(bad)");
        return;
    }
    shale_buf_append_byte(out, '\'');
    append_user_key(out, p.user_key, hex);
    snprintf(num, sizeof num, "' seq:%" PRIu64 ", type:%d", p.seq, p.type);
    shale_buf_append_str(out, num);
}

int version_debug_string(const version *v, bool hex, shale_buf *out, shale_err *err)
{
    char line[160];
    for (int level = 0; level < v->num_levels; level++) {
        snprintf(line, sizeof line, "--- level %d --- version# %" PRIu64 " ---\n", level, v->number);
        shale_buf_append_str(out, line);
        for (size_t i = 0; i < v->n_files[level]; i++) {
            const file_meta *f = v->files[level][i];
            snprintf(line, sizeof line, " %" PRIu64 ":%" PRIu64 "[%" PRIu64 " .. %" PRIu64 "][",
                     f->number, f->file_size, f->smallest_seqno, f->largest_seqno);
            shale_buf_append_str(out, line);
            append_ikey(out, file_meta_smallest(f), hex);
            shale_buf_append_str(out, " .. ");
            append_ikey(out, file_meta_largest(f), hex);
            shale_buf_append_str(out, "]\n");
        }
    }
    return shale_buf_ok(out) ? SHALE_OK : SHALE_NOMEM(err);
}

/* ---- the builder -------------------------------------------------------- */

typedef struct slot {
    uint64_t number;                  /* 0 = empty (file numbers start at 1) */
    int level;
    size_t index;
    bool tomb;
} slot;

typedef struct level_files {
    file_meta **files;
    size_t n, cap;
} level_files;

struct version_builder {
    version_cf_options opts;
    level_files levels[VERSION_MAX_LEVELS];
    slot *slots;
    size_t n_slots, used;             /* used counts live and tombstone slots */
};

static size_t slot_hash(uint64_t number, size_t mask)
{
    return (size_t)((number * UINT64_C(0x9E3779B97F4A7C15)) >> 17) & mask;
}

/* The slot of number, or NULL. */
static slot *slot_find(version_builder *b, uint64_t number)
{
    size_t mask = b->n_slots - 1;
    for (size_t i = slot_hash(number, mask);; i = (i + 1) & mask) {
        slot *s = &b->slots[i];
        if (s->number == 0 && !s->tomb)
            return NULL;
        if (!s->tomb && s->number == number)
            return s;
    }
}

static void slot_put_raw(slot *slots, size_t n_slots, uint64_t number, int level, size_t index)
{
    size_t mask = n_slots - 1;
    size_t i = slot_hash(number, mask);
    while (slots[i].number != 0)
        i = (i + 1) & mask;
    slots[i] = (slot){number, level, index, false};
}

static int slot_put(version_builder *b, uint64_t number, int level, size_t index, shale_err *err)
{
    if ((b->used + 1) * 2 > b->n_slots) {  /* rehash, dropping tombstones */
        size_t n = b->n_slots ? b->n_slots * 2 : 64;
        slot *ns = calloc(n, sizeof *ns);
        if (ns == NULL)
            return SHALE_NOMEM(err);
        b->used = 0;
        for (size_t i = 0; i < b->n_slots; i++) {
            if (b->slots[i].number != 0 && !b->slots[i].tomb) {
                slot_put_raw(ns, n, b->slots[i].number, b->slots[i].level, b->slots[i].index);
                b->used++;
            }
        }
        free(b->slots);
        b->slots = ns;
        b->n_slots = n;
    }
    slot_put_raw(b->slots, b->n_slots, number, level, index);
    b->used++;
    return SHALE_OK;
}

static int add_file(version_builder *b, int level, file_meta *f, shale_err *err)
{
    level_files *lf = &b->levels[level];
    if (lf->n == lf->cap) {
        size_t cap = lf->cap ? lf->cap * 2 : 16;
        file_meta **p = realloc(lf->files, cap * sizeof *p);
        if (p == NULL)
            return SHALE_NOMEM(err);
        lf->files = p;
        lf->cap = cap;
    }
    int rc = slot_put(b, f->number, level, lf->n, err);
    if (rc != SHALE_OK)
        return rc;
    lf->files[lf->n++] = f;
    return SHALE_OK;
}

int version_builder_new(const version *base, const version_cf_options *opts,
                        version_builder **out, shale_err *err)
{
    version_builder *b = calloc(1, sizeof *b);
    *out = NULL;
    if (b == NULL)
        return SHALE_NOMEM(err);
    b->opts = *opts;
    int rc = SHALE_OK;
    for (int level = 0; base != NULL && level < base->num_levels && rc == SHALE_OK; level++) {
        for (size_t i = 0; i < base->n_files[level] && rc == SHALE_OK; i++) {
            rc = add_file(b, level, base->files[level][i], err);
            if (rc == SHALE_OK)
                file_meta_ref(base->files[level][i]);
        }
    }
    if (rc != SHALE_OK) {
        version_builder_free(b);
        return rc;
    }
    *out = b;
    return SHALE_OK;
}

void version_builder_free(version_builder *b)
{
    if (b == NULL)
        return;
    for (int level = 0; level < VERSION_MAX_LEVELS; level++) {
        for (size_t i = 0; i < b->levels[level].n; i++)
            file_meta_unref(b->levels[level].files[i]);
        free(b->levels[level].files);
    }
    free(b->slots);
    free(b);
}

static int delete_file(version_builder *b, int level, uint64_t number, shale_err *err)
{
    slot *s = b->n_slots ? slot_find(b, number) : NULL;
    if (s == NULL || s->level != level)
        return SHALE_CORRUPT(err,
                             "Cannot delete table file #%" PRIu64
                             " from level %d since it is not in the LSM tree",
                             number, level);
    level_files *lf = &b->levels[level];
    size_t idx = s->index;
    s->tomb = true;
    file_meta_unref(lf->files[idx]);
    lf->files[idx] = lf->files[--lf->n];  /* swap-remove; fix the moved one */
    if (idx < lf->n)
        slot_find(b, lf->files[idx]->number)->index = idx;
    return SHALE_OK;
}

static int check_level(const version_builder *b, int level, shale_err *err)
{
    if (level < 0 || level >= b->opts.num_levels)
        return SHALE_INVALID(err, "db has more levels than options.num_levels: level %d of %d",
                             level, b->opts.num_levels);
    return SHALE_OK;
}

int version_builder_apply(version_builder *b, const version_edit *ve, shale_err *err)
{
    int rc;
    for (size_t i = 0; i < ve->n_deleted; i++) {
        if ((rc = check_level(b, ve->deleted[i].level, err)) != SHALE_OK ||
            (rc = delete_file(b, ve->deleted[i].level, ve->deleted[i].number, err)) != SHALE_OK)
            return rc;
    }
    for (size_t i = 0; i < ve->n_files; i++) {
        const ve_new_file *nf = &ve->files[i];
        if ((rc = check_level(b, nf->level, err)) != SHALE_OK)
            return rc;
        if (nf->number == 0)   /* numbers start at 1 (and 0 marks a free slot here) */
            return SHALE_CORRUPT(err, "table file #0 at level %d is not a valid file number",
                                 nf->level);
        slot *s = b->n_slots ? slot_find(b, nf->number) : NULL;
        if (s != NULL)
            return SHALE_CORRUPT(err,
                                 "Cannot add table file #%" PRIu64 " to level %d since it is "
                                 "already in the LSM tree on level %d",
                                 nf->number, nf->level, s->level);
        file_meta *f;
        if ((rc = file_meta_new_from_edit(nf, &f, err)) != SHALE_OK)
            return rc;
        if ((rc = add_file(b, nf->level, f, err)) != SHALE_OK) {
            file_meta_unref(f);
            return rc;
        }
    }
    return SHALE_OK;
}

static int cmp_newest_first(const void *pa, const void *pb)
{
    const file_meta *a = *(file_meta *const *)pa, *b = *(file_meta *const *)pb;
    if (a->largest_seqno != b->largest_seqno)
        return a->largest_seqno > b->largest_seqno ? -1 : 1;
    if (a->smallest_seqno != b->smallest_seqno)
        return a->smallest_seqno > b->smallest_seqno ? -1 : 1;
    return a->number > b->number ? -1 : (a->number < b->number ? 1 : 0);
}

static int cmp_smallest_key(const void *pa, const void *pb)
{
    const file_meta *a = *(file_meta *const *)pa, *b = *(file_meta *const *)pb;
    int r = ikey_compare(file_meta_smallest(a), file_meta_smallest(b));
    if (r != 0)
        return r;
    return a->number < b->number ? -1 : (a->number > b->number ? 1 : 0);
}

static int fill_level(version *v, int level, const level_files *lf, shale_err *err)
{
    if (lf->n == 0)
        return SHALE_OK;
    v->files[level] = malloc(lf->n * sizeof(file_meta *));
    if (v->files[level] == NULL)
        return SHALE_NOMEM(err);
    memcpy(v->files[level], lf->files, lf->n * sizeof(file_meta *));
    v->n_files[level] = lf->n;
    for (size_t i = 0; i < lf->n; i++)
        file_meta_ref(lf->files[i]);
    qsort(v->files[level], lf->n, sizeof(file_meta *), level == 0 ? cmp_newest_first
                                                                  : cmp_smallest_key);
    for (size_t i = 1; level > 0 && i < lf->n; i++) {
        const file_meta *a = v->files[level][i - 1], *b = v->files[level][i];
        if (ikey_compare(file_meta_largest(a), file_meta_smallest(b)) >= 0)
            return SHALE_CORRUPT(err, "files of level %d overlap: #%" PRIu64 " and #%" PRIu64,
                                 level, a->number, b->number);
    }
    return SHALE_OK;
}

int version_builder_finish(version_builder *b, version **out, shale_err *err)
{
    version *v;
    int rc = version_new_empty(&b->opts, &v, err);
    *out = NULL;
    if (rc != SHALE_OK)
        return rc;
    for (int level = 0; level < v->num_levels && rc == SHALE_OK; level++)
        rc = fill_level(v, level, &b->levels[level], err);
    if (rc != SHALE_OK) {
        version_unref(v);
        return rc;
    }
    version_compute_scores(v, &b->opts);
    *out = v;
    return SHALE_OK;
}
