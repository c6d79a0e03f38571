/* lsm/compaction/picker_universal.c: universal compaction picking, with the
 * rules of RocksDB 7.8.3's UniversalCompactionBuilder (see picker.h at
 * picker_universal_pick for the list and what is left out).
 *
 * The tree is seen as sorted runs, newest first: every L0 file is one run,
 * every non-empty level >= 1 another.  A compaction always takes a
 * contiguous span of runs, so the output never reorders data in time; it
 * lands in the level just above the next older run (or the last level
 * when the span reaches the oldest run), keeping the runs in level order. */
#include "lsm/compaction/picker.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

typedef struct sorted_run {
    int level;                         /* 0: the run is one L0 file */
    file_meta *file;                   /* level 0 only */
    uint64_t size, compensated;        /* a level's: summed over its files */
    bool being_compacted;              /* a level's: any file in it */
} sorted_run;

typedef struct upick {
    compaction_picker *p;
    version *v;
    const universal_options *uo;
    sorted_run *runs;
    size_t n;
} upick;

/* CalculateSortedRuns.  A level whose compensated total is 0 is no run. */
static int collect_runs(upick *u, shale_err *err)
{
    const version *v = u->v;
    size_t cap = v->n_files[0] + (size_t)v->num_levels;
    u->runs = malloc(cap * sizeof *u->runs);
    u->n = 0;
    if (u->runs == NULL)
        return SHALE_NOMEM(err);
    for (size_t i = 0; i < v->n_files[0]; i++) {
        file_meta *f = v->files[0][i];
        u->runs[u->n++] = (sorted_run){0, f, f->file_size, f->compensated_file_size,
                                       f->being_compacted};
    }
    for (int level = 1; level < v->num_levels; level++) {
        sorted_run r = {level, NULL, 0, 0, false};
        for (size_t i = 0; i < v->n_files[level]; i++) {
            r.size += v->files[level][i]->file_size;
            r.compensated += v->files[level][i]->compensated_file_size;
            r.being_compacted |= v->files[level][i]->being_compacted;
        }
        if (r.compensated > 0)
            u->runs[u->n++] = r;
    }
    return SHALE_OK;
}

static int trigger(const compaction_picker *p)
{
    int t = p->opts.level0_file_num_compaction_trigger;
    return t > 0 ? t : 1;
}

/* ---- making the compaction ---------------------------------------------- */

/* Adds run r's files to c (L0: the file; a level: all its files). */
static int add_run(upick *u, compaction *c, const sorted_run *r, shale_err *err)
{
    if (r->level == 0)
        return file_list_push(&c->inputs[0], r->file, err);
    file_list *l = &c->inputs[r->level - c->start_level];
    for (size_t i = 0; i < u->v->n_files[r->level]; i++) {
        int rc = file_list_push(l, u->v->files[r->level][i], err);
        if (rc != SHALE_OK)
            return rc;
    }
    return SHALE_OK;
}

static int cmp_smallest_user(const void *pa, const void *pb)
{
    const file_meta *a = *(file_meta *const *)pa, *b = *(file_meta *const *)pb;
    return slice_compare(ikey_user_key(file_meta_smallest(a)), ikey_user_key(file_meta_smallest(b)));
}

/* IsInputFilesNonOverlapping: sorted by smallest user key, every file ends
 * before the next begins. */
static int inputs_disjoint(const compaction *c, bool *disjoint, shale_err *err)
{
    file_list all = FILE_LIST_INIT;
    int rc = SHALE_OK;
    for (int i = 0; i < c->n_input_levels && rc == SHALE_OK; i++)
        for (size_t j = 0; j < c->inputs[i].n && rc == SHALE_OK; j++)
            rc = file_list_push(&all, c->inputs[i].files[j], err);
    *disjoint = rc == SHALE_OK;
    if (rc == SHALE_OK && all.n > 1)
        qsort(all.files, all.n, sizeof *all.files, cmp_smallest_user);
    for (size_t i = 1; *disjoint && i < all.n; i++)
        *disjoint = slice_compare(ikey_user_key(file_meta_largest(all.files[i - 1])),
                                  ikey_user_key(file_meta_smallest(all.files[i]))) < 0;
    file_list_deinit(&all);
    return rc;
}

static bool l0_disjoint(const version *v)
{
    for (size_t i = 0; i < v->n_files[0]; i++)
        for (size_t j = i + 1; j < v->n_files[0]; j++) {
            const file_meta *a = v->files[0][i], *b = v->files[0][j];
            if (slice_compare(ikey_user_key(file_meta_largest(a)), ikey_user_key(file_meta_smallest(b))) >= 0 &&
                slice_compare(ikey_user_key(file_meta_largest(b)), ikey_user_key(file_meta_smallest(a))) >= 0)
                return false;
        }
    return true;
}

/* Compaction::IsTrivialMove for universal compaction: only with
 * allow_trivial_move (otherwise RocksDB's inputs span num_levels levels,
 * which its single-level move test refuses). */
static int decide_trivial_move(upick *u, compaction *c, shale_err *err)
{
    bool disjoint = false;
    c->trivial_move = false;
    if (!u->uo->allow_trivial_move || c->output_level == 0 || c->start_level == c->output_level ||
        (c->start_level == 0 && !l0_disjoint(u->v)))
        return SHALE_OK;
    int rc = inputs_disjoint(c, &disjoint, err);
    c->trivial_move = rc == SHALE_OK && disjoint;
    return rc;
}

/* Builds, checks and registers the compaction of runs [first, last] into
 * `output`.  *out stays NULL when the range meets a running compaction. */
static int make_from_runs(upick *u, size_t first, size_t last, int output, int reason,
                          bool compress, compaction **out, shale_err *err)
{
    compaction *c = picker_compaction_alloc(u->v, u->runs[first].level, output);
    if (c == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (size_t i = first; i <= last && rc == SHALE_OK; i++)
        rc = add_run(u, c, &u->runs[i], err);
    if (rc == SHALE_OK && output != 0 && picker_range_busy(u->p, c)) {
        compaction_free(c);
        return SHALE_OK;
    }
    c->max_output_file_size = picker_max_file_size(&u->p->opts, output);
    c->max_compaction_bytes = UINT64_MAX;   /* GetMaxOverlappingBytes, not incremental */
    c->reason = reason;
    c->enable_compression = compress;
    if (rc == SHALE_OK)
        rc = decide_trivial_move(u, c, err);
    if (rc != SHALE_OK) {
        compaction_free(c);
        return rc;
    }
    if ((rc = picker_compaction_register(u->p, c, err)) == SHALE_OK)
        *out = c;
    return rc;
}

/* ---- size amplification ------------------------------------------------- */

/* PickCompactionToReduceSizeAmp. */
static int pick_size_amp(upick *u, compaction **out, shale_err *err)
{
    size_t last = u->n - 1, start = 0;
    bool found = false;
    if (u->runs[last].being_compacted)
        return SHALE_OK;
    for (size_t i = 0; i + 1 < u->n && !found; i++) {
        if (!u->runs[i].being_compacted) {
            start = i;
            found = true;
        }
    }
    if (!found)
        return SHALE_OK;
    uint64_t newer = 0;
    for (size_t i = start; i < last; i++) {
        if (u->runs[i].being_compacted)
            return SHALE_OK;
        newer += u->runs[i].compensated;
    }
    /* newer * 100 < percent * base: within bounds.  The products cannot
     * overflow for sizes below 2^57 bytes. */
    if (newer * 100 < (uint64_t)u->uo->max_size_amplification_percent * u->runs[last].size)
        return SHALE_OK;
    return make_from_runs(u, start, last, u->v->num_levels - 1,
                          COMPACTION_REASON_UNIVERSAL_SIZE_AMPLIFICATION, true, out, err);
}

/* ---- size ratio and sorted-run count ------------------------------------ */

/* From run `from`, how many idle runs join under the ratio rule (at most
 * max_files); *from moves past busy runs as RocksDB's loop does. */
static unsigned count_candidates(const upick *u, size_t *from, unsigned ratio, unsigned max_files)
{
    while (*from < u->n && u->runs[*from].being_compacted)
        (*from)++;
    if (*from >= u->n)
        return 0;
    unsigned count = 1;
    uint64_t picked = u->runs[*from].compensated;
    for (size_t i = *from + 1; count < max_files && i < u->n; i++) {
        const sorted_run *next = &u->runs[i];
        if (next->being_compacted ||
            (double)picked * (100.0 + ratio) / 100.0 < (double)next->size)
            break;
        if (u->uo->stop_style == 0) {  /* kCompactionStopStyleSimilarSize */
            if ((double)next->size * (100.0 + ratio) / 100.0 < (double)picked)
                break;
            picked = next->compensated;
        } else {
            picked += next->compensated;
        }
        count++;
    }
    return count;
}

/* compression_size_percent: no compression when the runs older than the
 * picked ones already hold that share of all bytes. */
static bool output_compressed(const upick *u, size_t first_after)
{
    int percent = u->uo->compression_size_percent;
    if (percent < 0)
        return true;
    uint64_t total = 0, older = 0;
    for (size_t i = 0; i < u->n; i++)
        total += u->runs[i].compensated;
    for (size_t i = u->n; i-- > first_after;) {
        older += u->runs[i].size;
        if (older * 100 >= total * (uint64_t)percent)
            return false;
    }
    return true;
}

/* PickCompactionToReduceSortedRuns. */
static int pick_sorted_runs(upick *u, unsigned ratio, unsigned max_runs, compaction **out,
                            shale_err *err)
{
    unsigned max_files = u->uo->max_merge_width < max_runs ? u->uo->max_merge_width : max_runs;
    unsigned min_width = u->uo->min_merge_width > 2 ? u->uo->min_merge_width : 2;
    unsigned count = 0;
    size_t start = 0;
    bool done = false;
    for (size_t loop = 0; loop < u->n && !done; loop++) {
        count = count_candidates(u, &loop, ratio, max_files);
        if (count >= min_width) {
            start = loop;
            done = true;
        }
    }
    if (!done || count <= 1)
        return SHALE_OK;
    size_t after = start + count;
    int output;
    if (after == u->n)
        output = u->v->num_levels - 1;
    else
        output = u->runs[after].level == 0 ? 0 : u->runs[after].level - 1;
    int reason = max_runs == UINT_MAX ? COMPACTION_REASON_UNIVERSAL_SIZE_RATIO
                                      : COMPACTION_REASON_UNIVERSAL_SORTED_RUN_NUM;
    return make_from_runs(u, start, after - 1, output, reason, output_compressed(u, after), out,
                          err);
}

/* The last resort: too many idle runs, whatever their sizes. */
static int pick_run_count(upick *u, compaction **out, shale_err *err)
{
    unsigned idle = 0;
    for (size_t i = 0; i < u->n; i++)
        idle += !u->runs[i].being_compacted;
    if (idle <= (unsigned)trigger(u->p))
        return SHALE_OK;
    return pick_sorted_runs(u, UINT_MAX, idle - (unsigned)trigger(u->p) + 1, out, err);
}

int picker_universal_pick(compaction_picker *p, version *v, compaction **out, shale_err *err)
{
    upick u = {p, v, &p->opts.cstyle.universal, NULL, 0};
    *out = NULL;
    int rc = collect_runs(&u, err);
    if (rc == SHALE_OK && u.n > 0 && u.n >= (size_t)trigger(p)) {
        rc = pick_size_amp(&u, out, err);
        if (rc == SHALE_OK && *out == NULL)
            rc = pick_sorted_runs(&u, p->opts.cstyle.universal.size_ratio, UINT_MAX, out, err);
        if (rc == SHALE_OK && *out == NULL)
            rc = pick_run_count(&u, out, err);
    }
    free(u.runs);
    return rc;
}

/* ---- manual: everything to the last level -------------------------------- */

int picker_universal_compact_all(compaction_picker *p, version *v, compaction **out,
                                 bool *conflict, shale_err *err)
{
    int start = 0, last = v->num_levels - 1;
    *out = NULL;
    *conflict = false;
    while (start < v->num_levels && v->n_files[start] == 0)
        start++;
    if (start == v->num_levels)
        return SHALE_OK;
    if (start == 0 && picker_l0_running(p)) {
        *conflict = true;
        return SHALE_OK;
    }
    compaction *c = picker_compaction_alloc(v, start, last);
    if (c == NULL)
        return SHALE_NOMEM(err);
    int rc = SHALE_OK;
    for (int level = start; level <= last && rc == SHALE_OK && !*conflict; level++)
        for (size_t i = 0; i < v->n_files[level] && rc == SHALE_OK; i++) {
            *conflict |= v->files[level][i]->being_compacted;
            rc = file_list_push(&c->inputs[level - start], v->files[level][i], err);
        }
    if (rc != SHALE_OK || *conflict || (*conflict = picker_range_busy(p, c))) {
        compaction_free(c);
        return rc;
    }
    c->max_output_file_size = picker_max_file_size(&p->opts, last);
    c->max_compaction_bytes = INT64_MAX;  /* RocksDB: LLONG_MAX */
    c->score = -1;
    c->manual = true;
    c->reason = COMPACTION_REASON_MANUAL;
    if ((rc = picker_compaction_register(p, c, err)) == SHALE_OK)
        *out = c;
    return rc;
}
