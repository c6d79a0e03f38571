/* lsm/compaction/compaction_iter.c: the compaction iterator (rules in
 * compaction_iter.h).
 *
 * State for the current user key:
 *   has_key, cur_key   the user key of the last input entry looked at;
 *   have_prev          an entry of this key was already looked at, in stripe
 *                      prev_stripe (kept or dropped: either way it hides
 *                      older entries of that stripe, rule 1);
 *   chain_open         the last kept entry of this stripe was a merge
 *                      operand, so rule 1 is suspended (rule 2).
 * at_next: the entry on output was produced by a look-ahead (rule 5, or a
 * merge run), so the input already sits on the following entry and next()
 * must not move it; its value was copied into `val` for that reason.
 * A merge run (see the header) keeps its operands newest first in `run`
 * (bytes), run_len and run_seq; when they are kept one by one, q_left of
 * them are still to be put on output, the next one at byte q_off.
 * Filter (F1-F3 in the header): for the input entry being judged,
 * val_from_filter says that the filter's answer (a changed value, or the
 * empty value of a Put turned into a Delete) is in `val`, and
 * type_changed that its type is no longer the input key's. */
#include "lsm/compaction/compaction_iter.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/compaction/compaction_filter.h"
#include "lsm/util/buf.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

struct compaction_iter {
    iter *in;
    uint64_t *snaps;
    size_t nsnap;
    bool bottommost, zero_seqnums;
    rd_agg *rd;

    shale_buf cur_key;
    bool has_key, have_prev, chain_open;
    size_t prev_stripe;

    bool valid, at_next, value_copied;
    shale_buf key, val;

    bool has_merge;
    compaction_merge merge;
    shale_buf run;
    size_t *run_len;
    uint64_t *run_seq;
    slice *run_slices;
    size_t run_n, run_cap, q_left, q_next, q_off;
    size_t run_stripe;

    shale_compaction_filter *filter;
    int filter_level;
    uint64_t latest_snap;   /* operands at or below it are not filtered */
    bool val_from_filter, type_changed;

    shale_err err;
    compaction_iter_stats st;
};

/* Index of the earliest snapshot >= seq; nsnap when none. */
static size_t stripe_of(const compaction_iter *c, uint64_t seq)
{
    size_t lo = 0, hi = c->nsnap;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->snaps[mid] < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint64_t stripe_top(const compaction_iter *c, size_t stripe)
{
    return stripe < c->nsnap ? c->snaps[stripe] : MAX_SEQUENCE;
}

static bool covered(compaction_iter *c, const parsed_ikey *k, size_t stripe)
{
    return c->rd != NULL && rd_covers(c->rd, k->user_key, k->seq, stripe_top(c, stripe));
}

/* Puts the current input entry on output.  copy_value: the input is about
 * to move (look-ahead), so the value must be copied. */
static void emit(compaction_iter *c, const parsed_ikey *k, size_t stripe, bool copy_value)
{
    slice ik = iter_key(c->in);
    shale_buf_clear(&c->key);
    shale_buf_append_slice(&c->key, ik);
    uint64_t seq = k->seq;
    if (c->zero_seqnums && c->bottommost && stripe == 0 && k->seq != 0 &&
        k->type != VT_MERGE && k->type != VT_DELETION && k->type != VT_SINGLE_DELETION) {
        seq = 0;
        c->st.seq_zeroed++;
    }
    if (shale_buf_ok(&c->key) && (seq != k->seq || c->type_changed))
        enc_fixed64(c->key.data + c->key.len - IKEY_TRAILER_LEN, ikey_pack(seq, k->type));
    c->value_copied = copy_value || c->val_from_filter;
    if (copy_value && !c->val_from_filter) {
        shale_buf_clear(&c->val);
        shale_buf_append_slice(&c->val, iter_value(c->in));
    }
    if (!shale_buf_ok(&c->key) || !shale_buf_ok(&c->val)) {
        SHALE_NOMEM(&c->err);
        return;
    }
    c->valid = true;
    c->st.output++;
}

/* Puts (cur_key, seq, type) -> value on output, value copied (rule 6 as
 * for emit()). */
static void emit_entry(compaction_iter *c, uint64_t seq, int type, slice value, size_t stripe)
{
    if (c->zero_seqnums && c->bottommost && stripe == 0 && seq != 0 && type == VT_VALUE) {
        seq = 0;
        c->st.seq_zeroed++;
    }
    shale_buf_clear(&c->key);
    shale_buf_append_slice(&c->key, shale_buf_slice(&c->cur_key));
    shale_buf_put_fixed64(&c->key, ikey_pack(seq, type));
    if (value.data != c->val.data) {
        shale_buf_clear(&c->val);
        shale_buf_append_slice(&c->val, value);
    }
    c->value_copied = true;
    if (!shale_buf_ok(&c->key) || !shale_buf_ok(&c->val)) {
        SHALE_NOMEM(&c->err);
        return;
    }
    c->valid = true;
    c->st.output++;
}

/* --- the compaction filter (F1-F3 in the header) ------------------------ */

/* Shows (cur_key, value) to the filter.  Returns its decision (with
 * CHANGE_VALUE the new value is in `val`), or -1 with the error set. */
static int call_filter(compaction_iter *c, int kind, slice value)
{
    char *nv = NULL;
    size_t nv_len = 0;
    slice key = shale_buf_slice(&c->cur_key);
    c->st.filter_calls++;
    int d = c->filter->filter(c->filter->state, c->filter_level, key.data, key.len, kind,
                              value.data, value.len, &nv, &nv_len);
    if (d == SHALE_FILTER_CHANGE_VALUE) {
        shale_buf_clear(&c->val);
        if (nv != NULL)
            shale_buf_append(&c->val, nv, nv_len);
    }
    free(nv);   /* also whatever a callback left there with another answer */
    if (d != SHALE_FILTER_KEEP && d != SHALE_FILTER_REMOVE && d != SHALE_FILTER_CHANGE_VALUE) {
        SHALE_CORRUPT(&c->err, "compaction filter %s returned unknown decision %d",
                      shale_compaction_filter_name(c->filter), d);
        return -1;
    }
    if (!shale_buf_ok(&c->val)) {
        SHALE_NOMEM(&c->err);
        return -1;
    }
    if (d == SHALE_FILTER_CHANGE_VALUE)
        c->st.filter_changed++;
    return d;
}

/* F1: the input is on the first entry of its user key, a Put (k).  A
 * removed Put becomes a Delete in *k.  False on failure. */
static bool filter_value(compaction_iter *c, parsed_ikey *k)
{
    int d = call_filter(c, SHALE_FILTER_VALUE, iter_value(c->in));
    if (d < 0)
        return false;
    if (d == SHALE_FILTER_REMOVE) {
        k->type = VT_DELETION;
        c->type_changed = true;
        shale_buf_clear(&c->val);
        c->st.filter_removed++;
    }
    c->val_from_filter = d != SHALE_FILTER_KEEP;
    return true;
}

/* F2: the decision for the operand under the input (k); KEEP when there is
 * no filter or a snapshot sees the operand; -1 on failure.  After
 * CHANGE_VALUE, operand_value() gives the new value. */
static int filter_operand(compaction_iter *c, const parsed_ikey *k)
{
    c->val_from_filter = false;
    if (c->filter == NULL || k->seq <= c->latest_snap)
        return SHALE_FILTER_KEEP;
    int d = call_filter(c, SHALE_FILTER_MERGE_OPERAND, iter_value(c->in));
    c->val_from_filter = d == SHALE_FILTER_CHANGE_VALUE;
    return d;
}

static slice operand_value(const compaction_iter *c)
{
    return c->val_from_filter ? shale_buf_slice(&c->val) : iter_value(c->in);
}

/* --- merge runs (MERGE SEAM; rules a-d in the header) ------------------- */

static bool run_push(compaction_iter *c, slice operand, uint64_t seq)
{
    if (c->run_n == c->run_cap) {
        size_t cap = c->run_cap ? 2 * c->run_cap : 8;
        size_t *l = realloc(c->run_len, cap * sizeof *l);
        if (l != NULL)
            c->run_len = l;
        uint64_t *q = l != NULL ? realloc(c->run_seq, cap * sizeof *q) : NULL;
        if (q != NULL)
            c->run_seq = q;
        slice *sl = q != NULL ? realloc(c->run_slices, cap * sizeof *sl) : NULL;
        if (sl == NULL) {
            SHALE_NOMEM(&c->err);
            return false;
        }
        c->run_slices = sl;
        c->run_cap = cap;
    }
    shale_buf_append_slice(&c->run, operand);
    c->run_len[c->run_n] = operand.len;
    c->run_seq[c->run_n++] = seq;
    if (!shale_buf_ok(&c->run)) {
        SHALE_NOMEM(&c->err);
        return false;
    }
    return true;
}

/* The run's operands, oldest first, in run_slices. */
static const slice *run_operands(compaction_iter *c)
{
    size_t off = 0;
    for (size_t i = 0; i < c->run_n; i++) {
        c->run_slices[c->run_n - 1 - i] = slice_make(c->run.data + off, c->run_len[i]);
        off += c->run_len[i];
    }
    return c->run_slices;
}

/* Full merge of the run onto base (NULL: none); the result goes on output
 * as a Put under the newest operand's sequence.  consumed: input entries
 * the result stands for. */
static bool run_full_merge(compaction_iter *c, const slice *base, size_t consumed)
{
    shale_buf_clear(&c->val);
    int rc = c->merge.full(c->merge.arg, shale_buf_slice(&c->cur_key), base, run_operands(c),
                           c->run_n, &c->val, &c->err);
    if (rc != SHALE_OK) {
        c->err.code = rc;
        return false;
    }
    c->st.full_merges++;
    c->st.merged += consumed - 1;
    emit_entry(c, c->run_seq[0], VT_VALUE, shale_buf_slice(&c->val), c->run_stripe);
    return c->valid;
}

static void emit_queued(compaction_iter *c)
{
    size_t i = c->q_next++;
    slice v = slice_make(c->run.data + c->q_off, c->run_len[i]);
    c->q_off += c->run_len[i];
    c->q_left--;
    emit_entry(c, c->run_seq[i], VT_MERGE, v, c->run_stripe);
}

/* Rule d: the run's base is not in view. */
static bool run_keep(compaction_iter *c)
{
    bool merged = false;
    if (c->run_n >= 2 && c->merge.partial != NULL) {
        shale_buf_clear(&c->val);
        int rc = c->merge.partial(c->merge.arg, shale_buf_slice(&c->cur_key), run_operands(c),
                                  c->run_n, &c->val, &merged, &c->err);
        if (rc != SHALE_OK) {
            c->err.code = rc;
            return false;
        }
    }
    if (merged) {
        c->st.partial_merges++;
        c->st.merged += c->run_n - 1;
        emit_entry(c, c->run_seq[0], VT_MERGE, shale_buf_slice(&c->val), c->run_stripe);
        return c->valid;
    }
    c->q_next = 0;
    c->q_off = 0;
    c->q_left = c->run_n;
    emit_queued(c);
    return c->valid;
}

/* An operand (k, covered: cov) after the first of a run: filtered (before
 * the tombstone, as RocksDB), then added to the run or dropped. */
static bool run_operand(compaction_iter *c, const parsed_ikey *k, bool cov)
{
    int d = filter_operand(c, k);
    if (d < 0)
        return false;
    if (d == SHALE_FILTER_REMOVE)
        c->st.dropped_filter++;
    else if (cov)
        c->st.dropped_range_del++;
    else
        return run_push(c, operand_value(c), k->seq);
    return true;
}

/* The input is on a kept operand (k) that opens its stripe: reads the run
 * and puts its first output entry on output; the input is left on the
 * first entry not consumed (at_next). */
static bool merge_run(compaction_iter *c, const parsed_ikey *k, size_t stripe)
{
    shale_buf_clear(&c->run);
    c->run_n = 0;
    c->run_stripe = stripe;
    c->at_next = true;
    if (!run_push(c, operand_value(c), k->seq))
        return false;
    bool key_ended = false;
    for (iter_next(c->in); iter_valid(c->in); iter_next(c->in)) {
        parsed_ikey nk;
        if (!ikey_parse(iter_key(c->in), &nk)) {
            SHALE_CORRUPT(&c->err, "compaction input: internal key of %zu bytes",
                          iter_key(c->in).len);
            return false;
        }
        key_ended = !slice_equal(nk.user_key, shale_buf_slice(&c->cur_key));
        if (key_ended || stripe_of(c, nk.seq) != stripe)
            break;
        c->st.input++;
        bool cov = covered(c, &nk, stripe);
        if (nk.type == VT_MERGE) {
            if (!run_operand(c, &nk, cov))
                return false;
            continue;
        }
        if (!cov && nk.type != VT_VALUE && nk.type != VT_DELETION &&
            nk.type != VT_SINGLE_DELETION) {
            SHALE_UNSUPPORTED(&c->err, "merge onto an entry of type 0x%02x", nk.type);
            return false;
        }
        slice base = iter_value(c->in);
        bool ok = run_full_merge(c, !cov && nk.type == VT_VALUE ? &base : NULL, c->run_n + 1);
        iter_next(c->in);   /* the base is consumed (after the merge read its value) */
        return ok;
    }
    if (!iter_valid(c->in) && iter_status(c->in, &c->err) != SHALE_OK)
        return false;
    if ((key_ended || !iter_valid(c->in)) && c->bottommost)
        return run_full_merge(c, NULL, c->run_n);
    return run_keep(c);
}

/* Rule 5: the input is on a SingleDelete that opens its stripe (opens) or
 * follows an entry of its stripe already output (RocksDB looks ahead for
 * its Put before hiding it by rule 1, and so does this).  Returns true if
 * the SingleDelete was put on output (input then already past it). */
static bool single_delete(compaction_iter *c, const parsed_ikey *k, size_t stripe, bool opens)
{
    emit(c, k, stripe, true);   /* tentatively: the look-ahead moves the input */
    if (!c->valid)
        return false;
    c->valid = false;
    c->st.output--;
    iter_next(c->in);
    parsed_ikey nk;
    if (iter_valid(c->in) && ikey_parse(iter_key(c->in), &nk) &&
        slice_equal(nk.user_key, shale_buf_slice(&c->cur_key)) && stripe_of(c, nk.seq) == stripe) {
        c->st.dropped_obsolete++;
        /* The pair annihilates.  When the SingleDelete opened the stripe,
         * what follows opens it again (see rule 5 in the header on why this
         * differs from RocksDB); else the stripe's newest entry is already
         * out and hides the rest (rule 1). */
        if (opens)
            c->have_prev = false;
        if (nk.type == VT_SINGLE_DELETION)
            return false;
        c->st.input++;
        c->st.dropped_obsolete++;
        c->st.single_del_pairs++;
        iter_next(c->in);
        return false;
    }
    if (c->bottommost && stripe == 0) {
        c->st.dropped_tombstones++;
        return false;
    }
    c->valid = true;
    c->st.output++;
    c->at_next = true;
    return true;
}

/* A merge operand (k) that opens its stripe or extends a chain (rule 2),
 * not covered: filtered (F2), then merged (with an operator) or kept.
 * Returns true if something went to output. */
static bool operand(compaction_iter *c, const parsed_ikey *k, size_t stripe, bool chain)
{
    int d = filter_operand(c, k);
    if (d < 0)
        return false;
    if (d == SHALE_FILTER_REMOVE) {
        c->st.dropped_filter++;
        c->chain_open = chain;   /* a kept operand above still needs its base */
        if (!chain)
            c->has_key = false;  /* F3: nothing kept, nothing hidden */
        iter_next(c->in);
        return false;
    }
    if (c->has_merge)
        return merge_run(c, k, stripe);
    /* Without a merge operator an operand keeps its stripe open (rule 2). */
    c->chain_open = true;
    emit(c, k, stripe, false);
    return c->valid;
}

/* Applies rules 2-6 to an entry that opens its stripe or extends a merge
 * chain.  Returns true if it went to output. */
static bool decide(compaction_iter *c, const parsed_ikey *k, size_t stripe, bool chain)
{
    int t = k->type;
    if (t == VT_SINGLE_DELETION && !chain)
        return single_delete(c, k, stripe, true);
    c->chain_open = false;
    if ((t == VT_DELETION || t == VT_SINGLE_DELETION) && c->bottommost && stripe == 0) {
        c->st.dropped_tombstones++;
    } else if (covered(c, k, stripe)) {
        c->st.dropped_range_del++;
    } else if (t == VT_MERGE) {
        return operand(c, k, stripe, chain);
    } else {
        emit(c, k, stripe, false);
        return c->valid;
    }
    iter_next(c->in);
    return false;
}

/* The input is on the first entry (k) of a user key, or the first after
 * F3 reset it: starts the key's state and applies F1. */
static bool new_key(compaction_iter *c, parsed_ikey *k)
{
    shale_buf_clear(&c->cur_key);
    shale_buf_append_slice(&c->cur_key, k->user_key);
    if (!shale_buf_ok(&c->cur_key)) {
        SHALE_NOMEM(&c->err);
        return false;
    }
    c->has_key = true;
    c->have_prev = false;
    return k->type != VT_VALUE || c->filter == NULL || filter_value(c, k);
}

/* Moves the input to the next entry to keep, or to the end. */
static void find_next(compaction_iter *c)
{
    c->valid = false;
    while (c->err.code == SHALE_OK && iter_valid(c->in)) {
        parsed_ikey k;
        if (!ikey_parse(iter_key(c->in), &k)) {
            SHALE_CORRUPT(&c->err, "compaction input: internal key of %zu bytes", iter_key(c->in).len);
            return;
        }
        c->st.input++;
        c->val_from_filter = false;
        c->type_changed = false;
        if (!c->has_key || !slice_equal(k.user_key, shale_buf_slice(&c->cur_key))) {
            if (!new_key(c, &k))
                return;
        }
        size_t stripe = stripe_of(c, k.seq);
        bool same_stripe = c->have_prev && c->prev_stripe == stripe;
        if (!same_stripe)
            c->chain_open = false;
        bool chain = same_stripe && c->chain_open;
        c->have_prev = true;
        c->prev_stripe = stripe;
        if (same_stripe && !chain && k.type == VT_SINGLE_DELETION) {
            if (single_delete(c, &k, stripe, false))
                return;
            continue;
        }
        if (same_stripe && !chain) {
            c->st.dropped_obsolete++;
            iter_next(c->in);
            continue;
        }
        if (decide(c, &k, stripe, chain))
            return;
    }
    if (c->err.code == SHALE_OK)
        iter_status(c->in, &c->err);
}

static void restart(compaction_iter *c)
{
    c->has_key = c->have_prev = c->chain_open = false;
    c->valid = c->at_next = c->value_copied = false;
    c->val_from_filter = c->type_changed = false;
    c->q_left = 0;
    c->run_n = 0;
    shale_err_clear(&c->err);
    memset(&c->st, 0, sizeof c->st);
    iter_first(c->in);
    find_next(c);
}

void compaction_iter_set_filter(compaction_iter *c, shale_compaction_filter *filter, int level)
{
    if (filter == c->filter && level == c->filter_level)
        return;
    c->filter = filter;
    c->filter_level = level;
    restart(c);
}

int compaction_iter_new(iter *input, const compaction_iter_options *o, compaction_iter **out,
                        shale_err *err)
{
    return compaction_iter_new_merge(input, o, NULL, out, err);
}

int compaction_iter_new_merge(iter *input, const compaction_iter_options *o,
                              const compaction_merge *merge, compaction_iter **out,
                              shale_err *err)
{
    *out = NULL;
    for (size_t i = 1; i < o->n_snapshots; i++)
        if (o->snapshots[i - 1] >= o->snapshots[i])
            return SHALE_INVALID(err, "snapshots not strictly ascending at %zu", i);
    compaction_iter *c = calloc(1, sizeof *c);
    if (c == NULL)
        return SHALE_NOMEM(err);
    if (o->n_snapshots > 0) {
        c->snaps = malloc(o->n_snapshots * sizeof *c->snaps);
        if (c->snaps == NULL) {
            free(c);
            return SHALE_NOMEM(err);
        }
        memcpy(c->snaps, o->snapshots, o->n_snapshots * sizeof *c->snaps);
    }
    c->in = input;
    c->nsnap = o->n_snapshots;
    c->latest_snap = c->nsnap > 0 ? c->snaps[c->nsnap - 1] : 0;
    c->bottommost = o->bottommost;
    c->zero_seqnums = o->zero_seqnums;
    c->rd = o->range_del;
    c->has_merge = merge != NULL;
    if (c->has_merge)
        c->merge = *merge;
    iter_first(c->in);
    find_next(c);
    *out = c;
    return SHALE_OK;
}

void compaction_iter_free(compaction_iter *c)
{
    if (c == NULL)
        return;
    free(c->snaps);
    shale_buf_deinit(&c->cur_key);
    shale_buf_deinit(&c->key);
    shale_buf_deinit(&c->val);
    shale_buf_deinit(&c->run);
    free(c->run_len);
    free(c->run_seq);
    free(c->run_slices);
    free(c);
}

bool compaction_iter_valid(const compaction_iter *c) { return c->valid && c->err.code == SHALE_OK; }

void compaction_iter_next(compaction_iter *c)
{
    c->valid = false;
    if (c->q_left > 0) {   /* operands of a merge run kept one by one */
        emit_queued(c);
        return;
    }
    if (c->at_next)
        c->at_next = false;
    else
        iter_next(c->in);
    find_next(c);
}

slice compaction_iter_key(const compaction_iter *c) { return shale_buf_slice(&c->key); }

slice compaction_iter_value(const compaction_iter *c)
{
    return c->value_copied ? shale_buf_slice(&c->val) : iter_value(c->in);
}

int compaction_iter_status(const compaction_iter *c, shale_err *err)
{
    return shale_err_copy(err, &c->err);
}

const compaction_iter_stats *compaction_iter_get_stats(const compaction_iter *c) { return &c->st; }
