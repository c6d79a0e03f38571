/* lsm/compaction/range_del.c: the range-tombstone aggregator (see
 * range_del.h).
 *
 * Fragmenting: every begin and end key is a boundary; between two adjacent
 * boundaries the set of covering tombstones is constant, so a sweep over
 * the sorted boundaries, keeping the set of tombstones that started and have
 * not ended, yields the fragments in order.  Adjacent boundaries with no
 * tombstone make no fragment.
 *
 * Invariants:
 *   1. tomb[0..ntomb) own their key bytes (one allocation each).
 *   2. When !dirty: frag[0..nfrag) are sorted, non-overlapping, non-empty,
 *      and frag[i].seqs[0..nseq) is strictly descending.
 *   3. dirty && !frag_failed: fragments are rebuilt at the next query;
 *      frag_failed: the rebuild ran out of memory, queries scan tomb[]. */
#include "lsm/compaction/range_del.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"

typedef struct fragment {
    slice start, end;
    size_t seq_off, nseq;  /* into rd_agg.seqs */
} fragment;

struct rd_agg {
    uint64_t read_seq;
    rd_tombstone *tomb;
    size_t ntomb, tomb_cap;
    fragment *frag;
    size_t nfrag;
    uint64_t *seqs;
    bool dirty, frag_failed;
};

rd_agg *rd_agg_new(uint64_t read_seq)
{
    rd_agg *a = calloc(1, sizeof *a);
    if (a != NULL)
        a->read_seq = read_seq;
    return a;
}

static void drop_fragments(rd_agg *a)
{
    free(a->frag);
    free(a->seqs);
    a->frag = NULL;
    a->seqs = NULL;
    a->nfrag = 0;
}

void rd_agg_free(rd_agg *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->ntomb; i++)
        free((void *)a->tomb[i].begin.data);
    free(a->tomb);
    drop_fragments(a);
    free(a);
}

bool rd_agg_empty(const rd_agg *a) { return a->ntomb == 0; }
size_t rd_agg_count(const rd_agg *a) { return a->ntomb; }

int rd_agg_add(rd_agg *a, slice begin, slice end, uint64_t seq, shale_err *err)
{
    if (seq > a->read_seq || slice_compare(begin, end) >= 0)
        return SHALE_OK;
    if (a->ntomb == a->tomb_cap) {
        size_t cap = a->tomb_cap ? 2 * a->tomb_cap : 8;
        rd_tombstone *t = realloc(a->tomb, cap * sizeof *t);
        if (t == NULL)
            return SHALE_NOMEM(err);
        a->tomb = t;
        a->tomb_cap = cap;
    }
    char *bytes = malloc(begin.len + end.len + 1);
    if (bytes == NULL)
        return SHALE_NOMEM(err);
    if (begin.len > 0)
        memcpy(bytes, begin.data, begin.len);
    if (end.len > 0)
        memcpy(bytes + begin.len, end.data, end.len);
    rd_tombstone *t = &a->tomb[a->ntomb++];
    t->begin = slice_make(bytes, begin.len);
    t->end = slice_make(bytes + begin.len, end.len);
    t->seq = seq;
    a->dirty = true;
    a->frag_failed = false;
    return SHALE_OK;
}

int rd_agg_add_iter(rd_agg *a, iter *it, shale_err *err)
{
    for (iter_first(it); iter_valid(it); iter_next(it)) {
        parsed_ikey k;
        if (!ikey_parse(iter_key(it), &k) || k.type != VT_RANGE_DELETION)
            return SHALE_CORRUPT(err, "bad range tombstone key (%zu bytes)", iter_key(it).len);
        int rc = rd_agg_add(a, k.user_key, iter_value(it), k.seq, err);
        if (rc != SHALE_OK)
            return rc;
    }
    return iter_status(it, err);
}

/* --- fragmenting -------------------------------------------------------- */

static int cmp_slice(const void *x, const void *y)
{
    return slice_compare(*(const slice *)x, *(const slice *)y);
}

static int cmp_by_begin(const void *x, const void *y)
{
    return slice_compare((*(rd_tombstone *const *)x)->begin, (*(rd_tombstone *const *)y)->begin);
}

static int cmp_seq_desc(const void *x, const void *y)
{
    uint64_t p = *(const uint64_t *)x, q = *(const uint64_t *)y;
    return p > q ? -1 : (p < q ? 1 : 0);
}

/* Sorted distinct begin and end keys; *nb set.  NULL on no memory. */
static slice *boundaries(const rd_agg *a, size_t *nb)
{
    slice *b = malloc(2 * a->ntomb * sizeof *b);
    if (b == NULL)
        return NULL;
    for (size_t i = 0; i < a->ntomb; i++) {
        b[2 * i] = a->tomb[i].begin;
        b[2 * i + 1] = a->tomb[i].end;
    }
    qsort(b, 2 * a->ntomb, sizeof *b, cmp_slice);
    size_t n = 0;
    for (size_t i = 0; i < 2 * a->ntomb; i++)
        if (n == 0 || slice_compare(b[n - 1], b[i]) != 0)
            b[n++] = b[i];
    *nb = n;
    return b;
}

/* Appends the fragment [start, end) covered by active[0..nact). */
static void add_fragment(rd_agg *a, slice start, slice end, rd_tombstone **active, size_t nact,
                         size_t *nseq_total)
{
    uint64_t *s = a->seqs + *nseq_total;
    for (size_t i = 0; i < nact; i++)
        s[i] = active[i]->seq;
    qsort(s, nact, sizeof *s, cmp_seq_desc);
    size_t n = 0;
    for (size_t i = 0; i < nact; i++)
        if (n == 0 || s[n - 1] != s[i])
            s[n++] = s[i];
    fragment *f = &a->frag[a->nfrag++];
    f->start = start;
    f->end = end;
    f->seq_off = *nseq_total;
    f->nseq = n;
    *nseq_total += n;
}

/* The sweep.  Fragment count < boundaries; seq entries <= tombstones x
 * fragments, bounded below by allocating tombstones x boundaries lazily. */
static bool sweep(rd_agg *a, const slice *b, size_t nb, rd_tombstone **order,
                  rd_tombstone **active)
{
    size_t next = 0, nact = 0, nseq_total = 0, seq_cap = 2 * a->ntomb;
    for (size_t j = 0; j + 1 < nb; j++) {
        while (next < a->ntomb && slice_compare(order[next]->begin, b[j]) <= 0)
            active[nact++] = order[next++];
        for (size_t i = 0; i < nact;)
            if (slice_compare(active[i]->end, b[j]) <= 0)
                active[i] = active[--nact];
            else
                i++;
        if (nact == 0)
            continue;
        if (nseq_total + nact > seq_cap) {
            seq_cap = 2 * (nseq_total + nact);
            uint64_t *s = realloc(a->seqs, seq_cap * sizeof *s);
            if (s == NULL)
                return false;
            a->seqs = s;
        }
        add_fragment(a, b[j], b[j + 1], active, nact, &nseq_total);
    }
    return true;
}

static void fragment_all(rd_agg *a)
{
    drop_fragments(a);
    a->dirty = false;
    if (a->ntomb == 0)
        return;
    size_t nb = 0;
    slice *b = boundaries(a, &nb);
    rd_tombstone **order = malloc(a->ntomb * sizeof *order);
    rd_tombstone **active = malloc(a->ntomb * sizeof *active);
    a->frag = malloc(2 * a->ntomb * sizeof *a->frag);
    a->seqs = malloc(2 * a->ntomb * sizeof *a->seqs);
    bool ok = b != NULL && order != NULL && active != NULL && a->frag != NULL && a->seqs != NULL;
    if (ok) {
        for (size_t i = 0; i < a->ntomb; i++)
            order[i] = &a->tomb[i];
        qsort(order, a->ntomb, sizeof *order, cmp_by_begin);
        ok = sweep(a, b, nb, order, active);
    }
    free(b);
    free(order);
    free(active);
    if (!ok) {
        drop_fragments(a);
        a->frag_failed = true;
    }
}

/* --- queries ------------------------------------------------------------ */

/* The fragment holding user_key, or NULL. */
static const fragment *find(const rd_agg *a, slice user_key)
{
    size_t lo = 0, hi = a->nfrag;  /* first fragment with start > key */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (slice_compare(a->frag[mid].start, user_key) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || slice_compare(user_key, a->frag[lo - 1].end) >= 0)
        return NULL;
    return &a->frag[lo - 1];
}

/* The largest seq <= max_seq of a tombstone covering user_key; 0 if none. */
static uint64_t best_seq(rd_agg *a, slice user_key, uint64_t max_seq)
{
    if (a->ntomb == 0)
        return 0;
    uint64_t best = 0;
    if (a->dirty)
        fragment_all(a);
    if (a->frag_failed) {
        for (size_t i = 0; i < a->ntomb; i++) {
            const rd_tombstone *t = &a->tomb[i];
            if (t->seq <= max_seq && t->seq > best && slice_compare(t->begin, user_key) <= 0 &&
                slice_compare(user_key, t->end) < 0)
                best = t->seq;
        }
        return best;
    }
    const fragment *f = find(a, user_key);
    if (f == NULL)
        return 0;
    const uint64_t *s = a->seqs + f->seq_off;
    for (size_t i = 0; i < f->nseq; i++)
        if (s[i] <= max_seq)
            return s[i];
    return 0;
}

bool rd_covers(rd_agg *a, slice user_key, uint64_t above, uint64_t max_seq)
{
    uint64_t s = best_seq(a, user_key, max_seq);
    return s > above && s != 0;
}

bool rd_should_delete(rd_agg *a, const parsed_ikey *k)
{
    return rd_covers(a, k->user_key, k->seq, a->read_seq);
}

uint64_t rd_max_covering_seq(rd_agg *a, slice user_key)
{
    return best_seq(a, user_key, a->read_seq);
}

/* --- compaction output -------------------------------------------------- */

/* Index of the first snapshot >= seq (n when none): the seq's stripe. */
static size_t stripe_of(const uint64_t *snaps, size_t n, uint64_t seq)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (snaps[mid] < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Writes what one fragment, already truncated to t's keys, must keep. */
static int emit_fragment(rd_agg *a, const fragment *f, rd_tombstone *t, const uint64_t *snaps,
                         size_t n, bool bottommost, rd_emit_fn fn, void *arg,
                         rd_output_stats *st, shale_err *err)
{
    size_t prev_stripe = SIZE_MAX;
    const uint64_t *s = a->seqs + f->seq_off;
    for (size_t i = 0; i < f->nseq; i++) {
        size_t stripe = stripe_of(snaps, n, s[i]);
        if (stripe == prev_stripe) {
            st->dropped_hidden++;
            continue;
        }
        prev_stripe = stripe;
        if (bottommost && stripe == 0) {
            st->dropped_obsolete++;
            continue;
        }
        t->seq = s[i];
        int rc = fn(arg, t, err);
        if (rc != SHALE_OK)
            return rc;
        st->written++;
    }
    return SHALE_OK;
}

int rd_agg_emit(rd_agg *a, const uint64_t *snapshots, size_t n, bool bottommost, const slice *lo,
                const slice *hi, rd_emit_fn fn, void *arg, rd_output_stats *stats,
                shale_err *err)
{
    rd_output_stats local = {0};
    rd_output_stats *st = stats != NULL ? stats : &local;
    if (a->dirty || a->frag_failed)
        fragment_all(a);
    if (a->frag_failed)
        return SHALE_NOMEM(err);
    for (size_t i = 0; i < a->nfrag; i++) {
        const fragment *f = &a->frag[i];
        rd_tombstone t = {f->start, f->end, 0};
        if (lo != NULL && slice_compare(t.begin, *lo) < 0)
            t.begin = *lo;
        if (hi != NULL && slice_compare(t.end, *hi) > 0)
            t.end = *hi;
        if (slice_compare(t.begin, t.end) >= 0)
            continue;
        int rc = emit_fragment(a, f, &t, snapshots, n, bottommost, fn, arg, st, err);
        if (rc != SHALE_OK)
            return rc;
    }
    return SHALE_OK;
}
