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
 * at_next: the entry on output was produced by a look-ahead (rule 5), so the
 * input already sits on the following entry and next() must not move it;
 * its value was copied into `val` for that reason. */
#include "lsm/compaction/compaction_iter.h"

#include <stdlib.h>
#include <string.h>

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
    if (c->zero_seqnums && c->bottommost && stripe == 0 && k->seq != 0 &&
        k->type != VT_MERGE && k->type != VT_DELETION && k->type != VT_SINGLE_DELETION) {
        enc_fixed64(c->key.data + c->key.len - IKEY_TRAILER_LEN, ikey_pack(0, k->type));
        c->st.seq_zeroed++;
    }
    c->value_copied = copy_value;
    if (copy_value) {
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

/* Rule 5: the input is on a SingleDelete that opens its stripe.  Returns
 * true if the SingleDelete was put on output (input then already past it). */
static bool single_delete(compaction_iter *c, const parsed_ikey *k, size_t stripe)
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
        /* The pair annihilates: what follows in the stripe opens it again
         * (see rule 5 in the header on why this differs from RocksDB). */
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

/* Applies rules 2-6 to an entry that opens its stripe or extends a merge
 * chain.  Returns true if it went to output. */
static bool decide(compaction_iter *c, const parsed_ikey *k, size_t stripe, bool chain)
{
    int t = k->type;
    if (t == VT_SINGLE_DELETION && !chain)
        return single_delete(c, k, stripe);
    c->chain_open = false;
    if ((t == VT_DELETION || t == VT_SINGLE_DELETION) && c->bottommost && stripe == 0) {
        c->st.dropped_tombstones++;
    } else if (covered(c, k, stripe)) {
        c->st.dropped_range_del++;
    } else {
        /* MERGE SEAM (issue 5): with a merge operator, a VT_MERGE here starts
         * collapsing the stripe's operands and base into one entry. */
        c->chain_open = t == VT_MERGE;
        emit(c, k, stripe, false);
        return c->valid;
    }
    iter_next(c->in);
    return false;
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
        if (!c->has_key || !slice_equal(k.user_key, shale_buf_slice(&c->cur_key))) {
            shale_buf_clear(&c->cur_key);
            shale_buf_append_slice(&c->cur_key, k.user_key);
            if (!shale_buf_ok(&c->cur_key)) {
                SHALE_NOMEM(&c->err);
                return;
            }
            c->has_key = true;
            c->have_prev = false;
        }
        size_t stripe = stripe_of(c, k.seq);
        bool same_stripe = c->have_prev && c->prev_stripe == stripe;
        if (!same_stripe)
            c->chain_open = false;
        bool chain = same_stripe && c->chain_open;
        c->have_prev = true;
        c->prev_stripe = stripe;
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

int compaction_iter_new(iter *input, const compaction_iter_options *o, compaction_iter **out,
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
    c->bottommost = o->bottommost;
    c->zero_seqnums = o->zero_seqnums;
    c->rd = o->range_del;
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
    free(c);
}

bool compaction_iter_valid(const compaction_iter *c) { return c->valid && c->err.code == SHALE_OK; }

void compaction_iter_next(compaction_iter *c)
{
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
