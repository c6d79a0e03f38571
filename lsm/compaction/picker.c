/* lsm/compaction/picker.c: leveled compaction picking (see picker.h for
 * the rules and what is left out), the dispatch by compaction style, and
 * the compaction object shared with picker_universal.c and picker_fifo.c.
 * Every key range here is a pair of slices into file_meta keys of the
 * input version, which the picker's caller keeps alive (the version is
 * current and the DB mutex is held), so nothing is copied until the
 * compaction object is made. */
#include "lsm/compaction/picker.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

void picker_init(compaction_picker *p, const version_cf_options *opts)
{
    memset(p, 0, sizeof *p);
    p->opts = *opts;
}

void picker_deinit(compaction_picker *p)
{
    if (p == NULL)
        return;
    assert(p->n_running == 0);
    free(p->running);
    p->running = NULL;
}

uint64_t picker_target_file_size(const version_cf_options *o, int level)
{
    uint64_t size = o->target_file_size_base;
    for (int i = 2; i <= level; i++) {
        uint64_t m = (uint64_t)(o->target_file_size_multiplier > 0 ? o->target_file_size_multiplier : 0);
        if (m == 0)
            return 0;
        if (UINT64_MAX / size < m)
            return size;               /* RocksDB keeps the value on overflow */
        size *= m;
    }
    return size;
}

uint64_t picker_max_file_size(const version_cf_options *o, int level)
{
    if (level == 0 && o->cstyle.style == COMPACTION_STYLE_UNIVERSAL)
        return UINT64_MAX;
    return picker_target_file_size(o, level);
}

bool picker_needs_compaction(const version *v)
{
    if (v->compaction_style != COMPACTION_STYLE_LEVEL)
        return v->compaction_score[0] >= 1;
    return v->num_levels > 1 && v->compaction_score[0] >= 1;
}

size_t compaction_num_input_files(const compaction *c)
{
    size_t n = 0;
    for (int i = 0; i < c->n_input_levels; i++)
        n += c->inputs[i].n;
    return n;
}

/* ---- ranges ------------------------------------------------------------- */

typedef struct krange {
    slice smallest, largest;           /* internal keys */
    bool set;
} krange;

static void range_add(krange *r, const file_meta *f)
{
    slice s = file_meta_smallest(f), l = file_meta_largest(f);
    if (!r->set || ikey_compare(s, r->smallest) < 0)
        r->smallest = s;
    if (!r->set || ikey_compare(l, r->largest) > 0)
        r->largest = l;
    r->set = true;
}

/* GetRange: for level >= 1 the lists are sorted, but min/max is the same. */
static krange range_of(const file_list *a, const file_list *b)
{
    krange r = {{NULL, 0}, {NULL, 0}, false};
    for (size_t i = 0; a != NULL && i < a->n; i++)
        range_add(&r, a->files[i]);
    for (size_t i = 0; b != NULL && i < b->n; i++)
        range_add(&r, b->files[i]);
    return r;
}

static bool any_being_compacted(const file_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->files[i]->being_compacted)
            return true;
    return false;
}

/* Whether [a, b] (user keys of r) meets the output range of a running
 * compaction into `level`. */
static bool range_meets_running(const compaction_picker *p, krange r, int level)
{
    if (!r.set)
        return false;
    slice lo = ikey_user_key(r.smallest), hi = ikey_user_key(r.largest);
    for (size_t i = 0; i < p->n_running; i++) {
        const compaction *c = p->running[i];
        if (c->output_level == level &&
            slice_compare(lo, shale_buf_slice(&c->largest_user_key)) <= 0 &&
            slice_compare(hi, shale_buf_slice(&c->smallest_user_key)) >= 0)
            return true;
    }
    return false;
}

bool picker_l0_running(const compaction_picker *p)
{
    if (p->opts.cstyle.style == COMPACTION_STYLE_UNIVERSAL)
        return p->n_running > 0;
    for (size_t i = 0; i < p->n_running; i++)
        if (p->running[i]->start_level == 0)
            return true;
    return false;
}

/* ExpandInputsToCleanCut: grow until the run's ends share no user key
 * with their neighbours.  *ok = false when a file then in it is busy. */
static int expand_clean_cut(const version *v, int level, file_list *in, slice *next_smallest,
                            bool *ok, shale_err *err)
{
    *ok = true;
    if (level == 0)
        return SHALE_OK;
    size_t old;
    int rc;
    do {
        old = in->n;
        krange r = range_of(in, NULL);
        rc = version_overlapping_ikey(v, level, &r.smallest, &r.largest, false, in, NULL,
                                      next_smallest, err);
    } while (rc == SHALE_OK && in->n > old);
    if (rc == SHALE_OK && any_being_compacted(in))
        *ok = false;
    return rc;
}

/* ---- the file order (kMinOverlappingRatio) ------------------------------ */

typedef struct ranked {
    uint64_t order;
    size_t index;
} ranked;

static int cmp_ranked(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    return a->index < b->index ? -1 : (a->index > b->index ? 1 : 0);
}

/* SortFileByOverlappingRatio: one pass over level and level+1 together. */
static ranked *rank_files(const version *v, int level)
{
    size_t n = v->n_files[level], nn = v->n_files[level + 1], j = 0;
    ranked *out = malloc((n ? n : 1) * sizeof *out);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const file_meta *f = v->files[level][i];
        uint64_t overlap = 0;
        while (j < nn && ikey_compare(file_meta_largest(v->files[level + 1][j]),
                                      file_meta_smallest(f)) < 0)
            j++;
        while (j < nn && ikey_compare(file_meta_smallest(v->files[level + 1][j]),
                                      file_meta_largest(f)) < 0) {
            overlap += v->files[level + 1][j]->file_size;
            if (ikey_compare(file_meta_largest(v->files[level + 1][j]), file_meta_largest(f)) > 0)
                break;
            j++;
        }
        uint64_t size = f->compensated_file_size ? f->compensated_file_size : 1;
        out[i] = (ranked){overlap * 1024 / size, i};
    }
    qsort(out, n, sizeof *out, cmp_ranked);
    return out;
}

/* ---- the level builder (one pick) --------------------------------------- */

typedef struct pick {
    compaction_picker *p;
    version *v;
    int start, output;
    file_list in, out;
    bool l0_trivial;
    int base_index;
} pick;

static int cmp_by_smallest(const void *pa, const void *pb)
{
    const file_meta *a = *(file_meta *const *)pa, *b = *(file_meta *const *)pb;
    return ikey_compare(file_meta_smallest(a), file_meta_smallest(b));
}

/* TryPickL0TrivialMove: oldest L0 files first, while they stay disjoint
 * from each other's span and from L1. */
static int try_l0_trivial_move(pick *k, bool *found, shale_err *err)
{
    const version *v = k->v;
    *found = false;
    if (k->start != 0 || v->n_files[k->output] == 0)
        return SHALE_OK;
    file_list over = FILE_LIST_INIT;
    krange r = {{NULL, 0}, {NULL, 0}, false};
    int rc = SHALE_OK;
    for (size_t i = v->n_files[0]; i-- > 0 && rc == SHALE_OK;) {
        file_meta *f = v->files[0][i];
        if (!r.set) {
            range_add(&r, f);
        } else if (ikey_compare(file_meta_largest(f), r.smallest) < 0) {
            r.smallest = file_meta_smallest(f);
        } else if (ikey_compare(file_meta_smallest(f), r.largest) > 0) {
            r.largest = file_meta_largest(f);
        } else {
            break;
        }
        rc = version_overlapping_ikey(v, k->output, &r.smallest, &r.largest, false, &over, NULL,
                                      NULL, err);
        if (rc != SHALE_OK || over.n > 0 || f->being_compacted)
            break;
        rc = file_list_push(&k->in, f, err);
    }
    file_list_deinit(&over);
    *found = rc == SHALE_OK && k->in.n > 0;
    k->l0_trivial = *found;
    if (*found)  /* by key range, as RocksDB: they do not overlap */
        qsort(k->in.files, k->in.n, sizeof *k->in.files, cmp_by_smallest);
    return rc;
}

/* TryExtendNonL0TrivialMove: up to 4 files, under max_compaction_bytes,
 * while nothing in the output level overlaps and the cut stays clean. */
static int try_extend_trivial(pick *k, size_t index, bool *extended, shale_err *err)
{
    const version *v = k->v;
    file_meta **fs = v->files[k->start];
    size_t n = v->n_files[k->start];
    file_list over = FILE_LIST_INIT;
    uint64_t total = k->in.files[0]->file_size;
    slice first = file_meta_smallest(k->in.files[0]);
    int rc = SHALE_OK;
    *extended = false;
    if (k->in.n != 1)
        return SHALE_OK;
    for (size_t i = index + 1; i < n && k->in.n < 4 && rc == SHALE_OK; i++) {
        slice last = file_meta_largest(fs[i]);
        if (fs[i]->being_compacted)
            break;
        rc = version_overlapping_ikey(v, k->output, &first, &last, false, &over, NULL, NULL, err);
        if (rc != SHALE_OK || over.n > 0)
            break;
        if (i + 1 < n && slice_equal(ikey_user_key(last), ikey_user_key(file_meta_smallest(fs[i + 1]))))
            break;
        total += fs[i]->file_size;
        if (total > version_max_compaction_bytes(&k->p->opts))
            break;
        rc = file_list_push(&k->in, fs[i], err);
    }
    file_list_deinit(&over);
    *extended = k->in.n > 1;
    return rc;
}

/* Tries one candidate file; *taken when it becomes the pick. */
static int try_candidate(pick *k, size_t index, bool *taken, shale_err *err)
{
    bool ok;
    *taken = false;
    file_list_clear(&k->in);
    int rc = file_list_push(&k->in, k->v->files[k->start][index], err);
    if (rc == SHALE_OK)
        rc = expand_clean_cut(k->v, k->start, &k->in, NULL, &ok, err);
    if (rc != SHALE_OK || !ok || range_meets_running(k->p, range_of(&k->in, NULL), k->output))
        return rc;
    krange r = range_of(&k->in, NULL);
    file_list over = FILE_LIST_INIT;
    rc = version_overlapping_ikey(k->v, k->output, &r.smallest, &r.largest, false, &over, NULL,
                                  NULL, err);
    if (rc == SHALE_OK && over.n == 0) {
        bool extended;
        rc = try_extend_trivial(k, index, &extended, err);
    } else if (rc == SHALE_OK) {
        rc = expand_clean_cut(k->v, k->output, &over, NULL, &ok, err);
        if (rc == SHALE_OK && !ok) {
            file_list_deinit(&over);
            return SHALE_OK;
        }
    }
    file_list_deinit(&over);
    *taken = rc == SHALE_OK;
    k->base_index = (int)index;
    return rc;
}

/* PickFileToCompact. */
static int pick_file(pick *k, bool *found, shale_err *err)
{
    *found = false;
    file_list_clear(&k->in);
    if (k->start == 0 && picker_l0_running(k->p))
        return SHALE_OK;
    int rc = try_l0_trivial_move(k, found, err);
    if (rc != SHALE_OK || *found)
        return rc;
    ranked *order = rank_files(k->v, k->start);
    if (order == NULL)
        return SHALE_NOMEM(err);
    for (size_t i = 0; i < k->v->n_files[k->start] && rc == SHALE_OK && !*found; i++) {
        if (!k->v->files[k->start][order[i].index]->being_compacted)
            rc = try_candidate(k, order[i].index, found, err);
    }
    free(order);
    if (!*found)
        file_list_clear(&k->in);
    return rc;
}

/* GetOverlappingL0Files: the L0 closure of the picked range; false if the
 * output range is busy. */
static int setup_other_l0(pick *k, bool *ok, shale_err *err)
{
    *ok = true;
    if (k->start != 0 || k->l0_trivial)
        return SHALE_OK;
    krange r = range_of(&k->in, NULL);
    file_list tmp = FILE_LIST_INIT;
    int rc = version_overlapping_ikey(k->v, 0, &r.smallest, &r.largest, false, &tmp, NULL, NULL,
                                      err);
    if (rc == SHALE_OK)
        rc = file_list_copy(&k->in, &tmp, err);
    r = range_of(&k->in, NULL);
    if (rc == SHALE_OK)
        rc = version_overlapping_ikey(k->v, k->output, &r.smallest, &r.largest, false, &tmp, NULL,
                                      NULL, err);
    if (rc == SHALE_OK && any_being_compacted(&tmp))
        *ok = false;
    file_list_deinit(&tmp);
    return rc;
}

/* The second half of SetupOtherInputs: grow the start level if the output
 * set stays the same and the total stays under the limit. */
static int grow_start_level(pick *k, int base_index, shale_err *err)
{
    const version *v = k->v;
    uint64_t limit = version_max_compaction_bytes(&k->p->opts);
    uint64_t out_bytes = file_list_bytes(&k->out);
    krange all = range_of(&k->in, &k->out);
    file_list exp = FILE_LIST_INIT, exp_out = FILE_LIST_INIT;
    bool ok, grow = false;
    (void)base_index;
    int rc = version_overlapping_ikey(v, k->start, &all.smallest, &all.largest, false, &exp, NULL,
                                      NULL, err);
    uint64_t exp_bytes = file_list_bytes(&exp);
    if (rc == SHALE_OK)
        rc = expand_clean_cut(v, k->start, &exp, NULL, &ok, err);
    if (rc == SHALE_OK && ok && exp.n > k->in.n && out_bytes + exp_bytes < limit &&
        !any_being_compacted(&exp)) {
        krange r = range_of(&exp, NULL);
        rc = version_overlapping_ikey(v, k->output, &r.smallest, &r.largest, false, &exp_out, NULL,
                                      NULL, err);
        if (rc == SHALE_OK && !any_being_compacted(&exp_out))
            rc = expand_clean_cut(v, k->output, &exp_out, NULL, &ok, err);
        grow = rc == SHALE_OK && ok && !any_being_compacted(&exp_out) && exp_out.n == k->out.n;
    }
    if (rc == SHALE_OK && !grow) {
        rc = version_overlapping_ikey(v, k->start, &all.smallest, &all.largest, true, &exp, NULL,
                                      NULL, err);
        grow = rc == SHALE_OK && exp.n > k->in.n && out_bytes + file_list_bytes(&exp) < limit &&
               !any_being_compacted(&exp);
    }
    if (rc == SHALE_OK && grow)
        rc = file_list_copy(&k->in, &exp, err);
    file_list_deinit(&exp);
    file_list_deinit(&exp_out);
    return rc;
}

/* SetupOtherInputs: the output level's files.  *ok = false when busy. */
static int setup_other_inputs(pick *k, bool *ok, shale_err *err)
{
    *ok = true;
    file_list_clear(&k->out);
    if (k->start == k->output || k->l0_trivial)
        return SHALE_OK;
    krange r = range_of(&k->in, NULL);
    int rc = version_overlapping_ikey(k->v, k->output, &r.smallest, &r.largest, false, &k->out,
                                      NULL, NULL, err);
    if (rc != SHALE_OK || any_being_compacted(&k->out)) {
        *ok = false;
        return rc;
    }
    if (k->out.n == 0)
        return SHALE_OK;
    if ((rc = expand_clean_cut(k->v, k->output, &k->out, NULL, ok, err)) != SHALE_OK || !*ok)
        return rc;
    return grow_start_level(k, k->base_index, err);
}

/* ---- making the compaction ---------------------------------------------- */

static bool level0_non_overlapping(const version *v)
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

/* Compaction::IsTrivialMove for leveled compaction. */
static int decide_trivial_move(compaction *c, bool l0_might_overlap, shale_err *err)
{
    c->trivial_move = false;
    if (c->start_level == c->output_level || c->inputs[1].n > 0)
        return SHALE_OK;
    if (c->start_level == 0 && l0_might_overlap && !level0_non_overlapping(c->input_version))
        return SHALE_OK;
    file_list gp = FILE_LIST_INIT;
    int rc = SHALE_OK;
    bool ok = true;
    for (size_t i = 0; i < c->inputs[0].n && ok && c->output_level + 1 < c->input_version->num_levels; i++) {
        file_meta *f = c->inputs[0].files[i];
        slice s = file_meta_smallest(f), l = file_meta_largest(f);
        rc = version_overlapping_ikey(c->input_version, c->output_level + 1, &s, &l, false, &gp,
                                      NULL, NULL, err);
        ok = rc == SHALE_OK && f->file_size + file_list_bytes(&gp) <= c->max_compaction_bytes;
    }
    file_list_deinit(&gp);
    c->trivial_move = ok && rc == SHALE_OK;
    return rc;
}

/* RangeMightExistAfterSortedRun, for an output level >= 1. */
static bool nothing_below(const compaction *c)
{
    slice lo = shale_buf_slice(&c->smallest_user_key), hi = shale_buf_slice(&c->largest_user_key);
    const version *v = c->input_version;
    for (int level = c->output_level + 1; level < v->num_levels; level++)
        for (size_t i = 0; i < v->n_files[level]; i++) {
            const file_meta *f = v->files[level][i];
            if (slice_compare(ikey_user_key(file_meta_largest(f)), lo) >= 0 &&
                slice_compare(ikey_user_key(file_meta_smallest(f)), hi) <= 0)
                return false;
        }
    return true;
}

static int fill_range_and_grandparents(compaction *c, shale_err *err)
{
    krange r = range_of(&c->inputs[0], &c->inputs[1]);
    shale_buf_append_slice(&c->smallest_user_key, ikey_user_key(r.smallest));
    shale_buf_append_slice(&c->largest_user_key, ikey_user_key(r.largest));
    if (!shale_buf_ok(&c->smallest_user_key) || !shale_buf_ok(&c->largest_user_key))
        return SHALE_NOMEM(err);
    c->bottommost = nothing_below(c);
    for (int level = c->output_level + 1; level < c->input_version->num_levels; level++) {
        int rc = version_overlapping_ikey(c->input_version, level, &r.smallest, &r.largest, false,
                                          &c->grandparents, NULL, NULL, err);
        if (rc != SHALE_OK || c->grandparents.n > 0)
            return rc;
    }
    return SHALE_OK;
}

static int register_running(compaction_picker *p, compaction *c, shale_err *err)
{
    if (p->n_running == p->cap_running) {
        size_t cap = p->cap_running ? p->cap_running * 2 : 8;
        compaction **r = realloc(p->running, cap * sizeof *r);
        if (r == NULL)
            return SHALE_NOMEM(err);
        p->running = r;
        p->cap_running = cap;
    }
    p->running[p->n_running++] = c;
    for (int i = 0; i < c->n_input_levels; i++)
        for (size_t j = 0; j < c->inputs[i].n; j++)
            c->inputs[i].files[j]->being_compacted = true;
    return SHALE_OK;
}

/* Turns a finished pick into a registered compaction. */
static int make_compaction(pick *k, bool manual, double score, compaction **out, shale_err *err)
{
    compaction *c = calloc(1, sizeof *c);
    *out = NULL;
    if (c == NULL)
        return SHALE_NOMEM(err);
    c->input_version = k->v;
    version_ref(k->v);
    c->start_level = k->start;
    c->output_level = k->output;
    c->n_input_levels = k->output > k->start ? k->output - k->start + 1 : 1;
    c->inputs[0] = k->in;
    c->inputs[k->output > k->start ? k->output - k->start : 1] = k->out;
    memset(&k->in, 0, sizeof k->in);
    memset(&k->out, 0, sizeof k->out);
    c->max_output_file_size = picker_max_file_size(&k->p->opts, k->output);
    c->max_compaction_bytes = version_max_compaction_bytes(&k->p->opts);
    c->score = score;
    c->manual = manual;
    c->enable_compression = true;
    c->reason = manual ? COMPACTION_REASON_MANUAL
                       : (k->start == 0 ? COMPACTION_REASON_LEVEL_L0_FILES_NUM
                                        : COMPACTION_REASON_LEVEL_MAX_LEVEL_SIZE);
    int rc = fill_range_and_grandparents(c, err);
    if (rc == SHALE_OK)
        rc = decide_trivial_move(c, k->start == 0 && !k->l0_trivial, err);
    if (rc == SHALE_OK)
        rc = register_running(k->p, c, err);
    if (rc != SHALE_OK) {
        compaction_free(c);
        return rc;
    }
    version_compute_scores(k->v, &k->p->opts);
    *out = c;
    return SHALE_OK;
}

static void pick_deinit(pick *k)
{
    file_list_deinit(&k->in);
    file_list_deinit(&k->out);
}

/* Finishes a pick whose start inputs are chosen.  *out NULL when refused. */
static int finish_pick(pick *k, bool manual, double score, compaction **out, shale_err *err)
{
    bool ok;
    int rc = setup_other_l0(k, &ok, err);
    if (rc == SHALE_OK && ok)
        rc = setup_other_inputs(k, &ok, err);
    if (rc != SHALE_OK || !ok)
        return rc;
    if (k->l0_trivial)
        file_list_clear(&k->out);
    krange r = range_of(&k->in, &k->out);
    if (any_being_compacted(&k->in) || any_being_compacted(&k->out) ||
        range_meets_running(k->p, r, k->output))
        return SHALE_OK;
    return make_compaction(k, manual, score, out, err);
}

static int pick_leveled(compaction_picker *p, version *v, compaction **out, shale_err *err)
{
    pick k = {p, v, 0, 0, FILE_LIST_INIT, FILE_LIST_INIT, false, -1};
    bool skipped_l0 = false, found = false;
    double score = 0;
    int rc = SHALE_OK;
    *out = NULL;
    for (int i = 0; i < v->num_levels - 1 && rc == SHALE_OK && !found; i++) {
        score = v->compaction_score[i];
        k.start = v->compaction_level[i];
        if (score < 1)
            break;
        if (skipped_l0 && k.start == 1)
            continue;
        k.output = k.start == 0 ? 1 : k.start + 1;
        k.l0_trivial = false;
        rc = pick_file(&k, &found, err);
        if (rc == SHALE_OK && !found && k.start == 0)
            skipped_l0 = true;         /* TODO: intra-L0 compaction */
    }
    if (rc == SHALE_OK && found)
        rc = finish_pick(&k, false, score, out, err);
    pick_deinit(&k);
    return rc;
}

int picker_pick(compaction_picker *p, version *v, compaction **out, shale_err *err)
{
    return picker_pick_at(p, v, (uint64_t)time(NULL), out, err);
}

int picker_pick_at(compaction_picker *p, version *v, uint64_t now, compaction **out,
                   shale_err *err)
{
    switch (p->opts.cstyle.style) {
    case COMPACTION_STYLE_UNIVERSAL:
        return picker_universal_pick(p, v, out, err);
    case COMPACTION_STYLE_FIFO:
        return picker_fifo_pick(p, v, now, out, err);
    default:
        return pick_leveled(p, v, out, err);
    }
}

/* ---- manual compaction -------------------------------------------------- */

bool picker_manual_levels(const version *v, const slice *begin, const slice *end, int *first,
                          int *last)
{
    file_list l = FILE_LIST_INIT;
    *first = *last = -1;
    for (int level = 0; level < v->num_levels; level++) {
        if (version_overlapping_inputs(v, level, begin, end, &l, NULL) != SHALE_OK)
            l.n = v->n_files[level];   /* no memory: assume overlap */
        if (l.n > 0) {
            if (*first < 0)
                *first = level;
            *last = level;
        }
    }
    file_list_deinit(&l);
    if (*first >= 0 && v->compaction_style != COMPACTION_STYLE_LEVEL)
        *first = *last = 0;            /* one call: picker_compact_range decides */
    return *first >= 0;
}

/* Cuts level >= 1 inputs once they and their overlap reach the limit. */
static int cut_to_limit(pick *k, bool *covering, shale_err *err)
{
    uint64_t limit = version_max_compaction_bytes(&k->p->opts), in_total = 0;
    file_list over = FILE_LIST_INIT;
    int rc = SHALE_OK;
    *covering = true;
    for (size_t i = 0; k->start > 0 && i + 1 < k->in.n && rc == SHALE_OK; i++) {
        slice s = file_meta_smallest(k->in.files[0]), l = file_meta_largest(k->in.files[i]);
        rc = version_overlapping_ikey(k->v, k->output, &s, &l, false, &over, NULL, NULL, err);
        in_total += k->in.files[i]->file_size;
        if (rc == SHALE_OK && in_total + file_list_bytes(&over) >= limit) {
            *covering = false;
            k->in.n = i + 1;
            break;
        }
    }
    file_list_deinit(&over);
    return rc;
}

static int compact_range_leveled(compaction_picker *p, version *v, int input_level,
                                 int output_level, const slice *begin, const slice *end,
                                 compaction **out, shale_buf *next_begin, bool *conflict,
                                 shale_err *err)
{
    pick k = {p, v, input_level, output_level, FILE_LIST_INIT, FILE_LIST_INIT, false, -1};
    bool covering, ok;
    slice next = {NULL, 0};
    *out = NULL;
    *conflict = false;
    shale_buf_clear(next_begin);
    int rc = version_overlapping_inputs(v, input_level, begin, end, &k.in, err);
    if (rc != SHALE_OK || k.in.n == 0)
        goto out;
    if (input_level == 0 && picker_l0_running(p)) {
        *conflict = true;
        goto out;
    }
    if ((rc = cut_to_limit(&k, &covering, err)) != SHALE_OK ||
        (rc = expand_clean_cut(v, input_level, &k.in, &next, &ok, err)) != SHALE_OK)
        goto out;
    if (!ok) {
        *conflict = true;
        goto out;
    }
    if (!covering && next.len > 0) {
        shale_buf_append_slice(next_begin, next);
        if (!shale_buf_ok(next_begin)) {
            rc = SHALE_NOMEM(err);
            goto out;
        }
    }
    rc = finish_pick(&k, true, -1, out, err);
    if (rc == SHALE_OK && *out == NULL)
        *conflict = true;
out:
    pick_deinit(&k);
    return rc;
}

int picker_compact_range(compaction_picker *p, version *v, int input_level, int output_level,
                         const slice *begin, const slice *end, compaction **out,
                         shale_buf *next_begin, bool *conflict, shale_err *err)
{
    int style = p->opts.cstyle.style;
    if (style == COMPACTION_STYLE_UNIVERSAL && v->num_levels > 1) {
        *out = NULL;
        shale_buf_clear(next_begin);
        return picker_universal_compact_all(p, v, out, conflict, err);
    }
    if (style == COMPACTION_STYLE_FIFO) {
        *out = NULL;
        *conflict = false;
        shale_buf_clear(next_begin);
        return picker_fifo_pick(p, v, (uint64_t)time(NULL), out, err);
    }
    if (style == COMPACTION_STYLE_UNIVERSAL)
        output_level = input_level;     /* one level: L0 -> L0 */
    return compact_range_leveled(p, v, input_level, output_level, begin, end, out, next_begin,
                                 conflict, err);
}

/* ---- compactions of the other styles ------------------------------------ */

compaction *picker_compaction_alloc(version *v, int start_level, int output_level)
{
    compaction *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->input_version = v;
    version_ref(v);
    c->start_level = start_level;
    c->output_level = output_level;
    c->n_input_levels = output_level > start_level ? output_level - start_level + 1 : 1;
    c->enable_compression = true;
    c->score = v->compaction_score[0];
    return c;
}

static krange range_of_all(const compaction *c)
{
    krange r = {{NULL, 0}, {NULL, 0}, false};
    for (int i = 0; i < c->n_input_levels; i++)
        for (size_t j = 0; j < c->inputs[i].n; j++)
            range_add(&r, c->inputs[i].files[j]);
    return r;
}

bool picker_range_busy(const compaction_picker *p, const compaction *c)
{
    return range_meets_running(p, range_of_all(c), c->output_level);
}

static bool user_ranges_meet(const file_meta *f, slice lo, slice hi)
{
    return slice_compare(ikey_user_key(file_meta_largest(f)), lo) >= 0 &&
           slice_compare(ikey_user_key(file_meta_smallest(f)), hi) <= 0;
}

/* IsBottommostLevel / RangeMightExistAfterSortedRun: for an L0 output,
 * the L0 files older than the oldest input and any non-empty level count;
 * for a level output, overlapping files of the levels below. */
static bool style_bottommost(const compaction *c)
{
    const version *v = c->input_version;
    slice lo = shale_buf_slice(&c->smallest_user_key), hi = shale_buf_slice(&c->largest_user_key);
    if (c->output_level == 0) {
        const file_list *l0 = &c->inputs[0];
        size_t i = 0;
        while (l0->n > 0 && i < v->n_files[0] && v->files[0][i] != l0->files[l0->n - 1])
            i++;
        for (i++; i < v->n_files[0]; i++)
            if (user_ranges_meet(v->files[0][i], lo, hi))
                return false;
        return version_last_nonempty_level(v) == 0;
    }
    for (int level = c->output_level + 1; level < v->num_levels; level++)
        for (size_t i = 0; i < v->n_files[level]; i++)
            if (user_ranges_meet(v->files[level][i], lo, hi))
                return false;
    return true;
}

int picker_compaction_register(compaction_picker *p, compaction *c, shale_err *err)
{
    krange r = range_of_all(c);
    int rc = SHALE_OK;
    if (r.set) {
        shale_buf_append_slice(&c->smallest_user_key, ikey_user_key(r.smallest));
        shale_buf_append_slice(&c->largest_user_key, ikey_user_key(r.largest));
        if (!shale_buf_ok(&c->smallest_user_key) || !shale_buf_ok(&c->largest_user_key))
            rc = SHALE_NOMEM(err);
    }
    c->bottommost = style_bottommost(c);
    if (rc == SHALE_OK)
        rc = register_running(p, c, err);
    if (rc != SHALE_OK) {
        compaction_free(c);
        return rc;
    }
    version_compute_scores(c->input_version, &p->opts);
    return SHALE_OK;
}

/* ---- release ------------------------------------------------------------ */

void picker_release(compaction_picker *p, compaction *c, version *current)
{
    if (c == NULL)
        return;
    for (int i = 0; i < c->n_input_levels; i++)
        for (size_t j = 0; j < c->inputs[i].n; j++)
            c->inputs[i].files[j]->being_compacted = false;
    for (size_t i = 0; i < p->n_running; i++) {
        if (p->running[i] == c) {
            p->running[i] = p->running[--p->n_running];
            break;
        }
    }
    if (current != NULL)
        version_compute_scores(current, &p->opts);
    compaction_free(c);
}

int compaction_add_input_deletions(const compaction *c, version_edit *edit, shale_err *err)
{
    for (int i = 0; i < c->n_input_levels; i++)
        for (size_t j = 0; j < c->inputs[i].n; j++) {
            int rc = version_edit_delete_file(edit, compaction_input_level(c, i),
                                              c->inputs[i].files[j]->number, err);
            if (rc != SHALE_OK)
                return rc;
        }
    return SHALE_OK;
}

int compaction_add_trivial_moves(const compaction *c, version_edit *edit, shale_err *err)
{
    int rc = SHALE_OK;
    for (int i = 0; i < c->n_input_levels && rc == SHALE_OK; i++) {
        int level = compaction_input_level(c, i);
        if (level == c->output_level)
            continue;                  /* already there (RocksDB skips it too) */
        for (size_t j = 0; j < c->inputs[i].n && rc == SHALE_OK; j++) {
            ve_file_meta m;
            file_meta_to_edit(c->inputs[i].files[j], c->output_level, &m);
            rc = version_edit_delete_file(edit, level, c->inputs[i].files[j]->number, err);
            if (rc == SHALE_OK)
                rc = version_edit_add_file(edit, &m, err);
        }
    }
    return rc;
}

void compaction_free(compaction *c)
{
    if (c == NULL)
        return;
    for (int i = 0; i < VERSION_MAX_LEVELS; i++)
        file_list_deinit(&c->inputs[i]);
    file_list_deinit(&c->grandparents);
    shale_buf_deinit(&c->smallest_user_key);
    shale_buf_deinit(&c->largest_user_key);
    version_unref(c->input_version);
    free(c);
}
