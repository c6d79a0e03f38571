/* lsm/db/db_iter.c: the user iterator (see db_iter.h).
 *
 * Position invariants (as RocksDB's DBIter):
 *   1. Forward: the internal iterator is at the entry that gave the current
 *      value (VAL_INTERNAL) or, after a merge, past the operands used; in
 *      both cases no entry of a user key > saved_key has been passed.
 *   2. Backward: the internal iterator is at the last (oldest) entry of the
 *      user key before saved_key, or invalid: every entry of saved_key has
 *      been read, so the value is a copy (VAL_SAVED) or a merge result.
 *   3. saved_key holds the current user key while valid; while skipping it
 *      holds the key whose remaining entries are being passed over.
 * A direction switch re-establishes the invariant with one seek relative
 * to saved_key. */
#include "lsm/db/db_iter.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"
#include "lsm/util/ikey.h"

enum { FORWARD, BACKWARD };
enum { VAL_INTERNAL, VAL_SAVED, VAL_MERGED };
enum { HIDDEN = 0, FOUND = 1, FAILED = -1 };

struct db_iter {
    iter *in;
    uint64_t seq;
    bool has_lower, has_upper;
    shale_buf lower, upper;
    rd_agg *rd;
    db_merge_fn merge;
    void *merge_arg;
    uint32_t max_skip;

    int dir;
    bool valid;
    int value_src;
    shale_buf saved_key, saved_value, merged, seek_key;
    shale_buf ops;        /* merge operands' bytes, in the order met */
    size_t *op_len;
    slice *op_slices;
    size_t nops, op_cap;
    shale_err err;
    db_iter_stats st;
};

static slice lower_key(const db_iter *d) { return shale_buf_slice(&d->lower); }
static slice upper_key(const db_iter *d) { return shale_buf_slice(&d->upper); }
static slice saved(const db_iter *d) { return shale_buf_slice(&d->saved_key); }

static bool nomem(db_iter *d)
{
    SHALE_NOMEM(&d->err);
    return false;
}

/* Encodes (ukey, seq, type) into seek_key.  ukey must not point into it. */
static slice make_ikey(db_iter *d, slice ukey, uint64_t seq, int type)
{
    shale_buf_clear(&d->seek_key);
    shale_buf_append_slice(&d->seek_key, ukey);
    shale_buf_put_fixed64(&d->seek_key, ikey_pack(seq, type));
    if (!shale_buf_ok(&d->seek_key))
        nomem(d);
    return shale_buf_slice(&d->seek_key);
}

static bool save_key(db_iter *d, slice ukey)
{
    shale_buf_clear(&d->saved_key);
    shale_buf_append_slice(&d->saved_key, ukey);
    return shale_buf_ok(&d->saved_key) || nomem(d);
}

static bool parse_cur(db_iter *d, parsed_ikey *k)
{
    if (ikey_parse(iter_key(d->in), k))
        return true;
    SHALE_CORRUPT(&d->err, "corrupted internal key in DBIter (%zu bytes)", iter_key(d->in).len);
    return false;
}

static bool covered(db_iter *d, const parsed_ikey *k)
{
    return d->rd != NULL && rd_covers(d->rd, k->user_key, k->seq, d->seq);
}

/* The types a user iterator cannot show; sets the status. */
static int bad_type(db_iter *d, int type)
{
    if (type == VT_BLOB_INDEX || type == VT_WIDE_COLUMN_ENTITY)
        SHALE_UNSUPPORTED(&d->err, "value type 0x%02x (blob or wide column) in DBIter", type);
    else
        SHALE_CORRUPT(&d->err, "unexpected value type 0x%02x in DBIter", type);
    return FAILED;
}

/* --- merge operands --------------------------------------------------- */

static bool push_op(db_iter *d, slice v)
{
    if (d->nops == d->op_cap) {
        size_t cap = d->op_cap ? 2 * d->op_cap : 8;
        size_t *l = realloc(d->op_len, cap * sizeof *l);
        if (l == NULL)
            return nomem(d);
        d->op_len = l;
        slice *s = realloc(d->op_slices, cap * sizeof *s);
        if (s == NULL)
            return nomem(d);
        d->op_slices = s;
        d->op_cap = cap;
    }
    shale_buf_append_slice(&d->ops, v);
    d->op_len[d->nops++] = v.len;
    return shale_buf_ok(&d->ops) || nomem(d);
}

static void reset_ops(db_iter *d)
{
    shale_buf_clear(&d->ops);
    d->nops = 0;
}

/* Calls the merge callback with the operands oldest first (`newest_first`:
 * they were met newest first).  FOUND, or FAILED with the status set. */
static int run_merge(db_iter *d, const slice *base, bool newest_first)
{
    if (d->merge == NULL) {
        SHALE_INVALID(&d->err, "merge_operator is not properly initialized.");
        return FAILED;
    }
    size_t off = 0;
    for (size_t i = 0; i < d->nops; i++) {
        d->op_slices[newest_first ? d->nops - 1 - i : i] = slice_make(d->ops.data + off, d->op_len[i]);
        off += d->op_len[i];
    }
    shale_buf_clear(&d->merged);
    int rc = d->merge(d->merge_arg, saved(d), base, d->op_slices, d->nops, &d->merged, &d->err);
    if (rc != SHALE_OK) {
        d->err.code = rc;
        return FAILED;
    }
    if (!shale_buf_ok(&d->merged)) {
        nomem(d);
        return FAILED;
    }
    d->value_src = VAL_MERGED;
    d->valid = true;
    return FOUND;
}

/* Forward: the internal iterator is on the newest visible entry of
 * saved_key, a merge operand.  Collects operands until the base. */
static int merge_forward(db_iter *d)
{
    if (d->merge == NULL)
        return run_merge(d, NULL, true);
    reset_ops(d);
    if (!push_op(d, iter_value(d->in)))
        return FAILED;
    for (iter_next(d->in); iter_valid(d->in); iter_next(d->in)) {
        parsed_ikey k;
        if (!parse_cur(d, &k))
            return FAILED;
        if (!slice_equal(k.user_key, saved(d)) || k.type == VT_DELETION ||
            k.type == VT_SINGLE_DELETION || covered(d, &k))
            break;
        if (k.type == VT_VALUE) {
            slice base = iter_value(d->in);
            return run_merge(d, &base, true);
        }
        if (k.type != VT_MERGE)
            return bad_type(d, k.type);
        if (!push_op(d, iter_value(d->in)))
            return FAILED;
    }
    if (!iter_valid(d->in) && iter_status(d->in, NULL) != SHALE_OK)
        return FAILED;
    return run_merge(d, NULL, true);
}

/* --- forward ----------------------------------------------------------- */

/* A visible entry that opens its user key: FOUND (yielded), HIDDEN (the key
 * is deleted; saved_key names it) or FAILED. */
static int take_entry(db_iter *d, const parsed_ikey *k)
{
    if (!save_key(d, k->user_key))
        return FAILED;
    switch (k->type) {
    case VT_DELETION:
    case VT_SINGLE_DELETION:
        return HIDDEN;
    case VT_VALUE:
        if (covered(d, k))
            return HIDDEN;
        d->value_src = VAL_INTERNAL;
        d->valid = true;
        return FOUND;
    case VT_MERGE:
        return covered(d, k) ? HIDDEN : merge_forward(d);
    default:
        return bad_type(d, k->type);
    }
}

/* Moves on after too many skipped entries of one key: past all of them
 * (skipping), or to the newest visible one. */
static void reseek(db_iter *d, bool skipping)
{
    d->st.reseeks++;
    slice t = skipping ? make_ikey(d, saved(d), 0, VT_DELETION)
                       : make_ikey(d, saved(d), d->seq, VT_FOR_SEEK);
    if (d->err.code == SHALE_OK)
        iter_seek(d->in, t);
}

/* Finds the next user key to yield, from the internal position on;
 * with `skipping`, entries of keys <= saved_key are passed over. */
static void find_next(db_iter *d, bool skipping)
{
    size_t num_skipped = 0;
    bool reseek_done = false;
    d->valid = false;
    while (d->err.code == SHALE_OK && iter_valid(d->in)) {
        parsed_ikey k;
        if (!parse_cur(d, &k))
            return;
        if (d->has_upper && slice_compare(k.user_key, upper_key(d)) >= 0)
            return;
        int cmp = slice_compare(k.user_key, saved(d));
        if (k.seq <= d->seq && !(skipping && cmp <= 0)) {
            num_skipped = 0;
            reseek_done = false;
            if (take_entry(d, &k) != HIDDEN)
                return;
            skipping = true;
        } else if (k.seq <= d->seq || cmp == 0 || (skipping && cmp < 0)) {
            num_skipped++;
            d->st.skipped++;
        } else {  /* newer than the snapshot, first of its key */
            d->st.skipped++;
            if (!save_key(d, k.user_key))
                return;
            skipping = false;
            num_skipped = 0;
            reseek_done = false;
        }
        if (num_skipped > d->max_skip && !reseek_done) {
            num_skipped = 0;
            reseek_done = true;
            reseek(d, skipping);
        } else {
            iter_next(d->in);
        }
    }
}

/* --- backward ---------------------------------------------------------- */

/* Folds one visible entry of saved_key, met oldest first, into the state:
 * *last is the type that decides so far (VT_DELETION: hidden). */
static bool fold_back(db_iter *d, const parsed_ikey *k, int *last, bool *has_base)
{
    if (covered(d, k) || k->type == VT_DELETION || k->type == VT_SINGLE_DELETION) {
        *last = VT_DELETION;
        *has_base = false;
        reset_ops(d);
    } else if (k->type == VT_VALUE) {
        *last = VT_VALUE;
        *has_base = true;
        reset_ops(d);
        shale_buf_clear(&d->saved_value);
        shale_buf_append_slice(&d->saved_value, iter_value(d->in));
        if (!shale_buf_ok(&d->saved_value))
            return nomem(d);
    } else if (k->type == VT_MERGE) {
        *last = VT_MERGE;
        return push_op(d, iter_value(d->in));
    } else {
        bad_type(d, k->type);
        return false;
    }
    return true;
}

/* Reads every entry of saved_key backwards (the internal iterator is on
 * its oldest entry) and leaves the iterator on the key before it. */
static int value_for_current_key(db_iter *d)
{
    int last = VT_DELETION;
    bool has_base = false;
    reset_ops(d);
    for (; iter_valid(d->in); iter_prev(d->in)) {
        parsed_ikey k;
        if (!parse_cur(d, &k))
            return FAILED;
        if (!slice_equal(k.user_key, saved(d)))
            break;
        if (k.seq > d->seq)
            d->st.skipped++;
        else if (!fold_back(d, &k, &last, &has_base))
            return FAILED;
    }
    if (!iter_valid(d->in) && iter_status(d->in, NULL) != SHALE_OK)
        return FAILED;
    if (last == VT_DELETION)
        return HIDDEN;
    if (last == VT_VALUE) {
        d->value_src = VAL_SAVED;
        d->valid = true;
        return FOUND;
    }
    slice base = shale_buf_slice(&d->saved_value);
    return run_merge(d, has_base ? &base : NULL, false);
}

static void prev_internal(db_iter *d)
{
    d->valid = false;
    while (d->err.code == SHALE_OK && iter_valid(d->in)) {
        parsed_ikey k;
        if (!parse_cur(d, &k))
            return;
        if (d->has_upper && slice_compare(k.user_key, upper_key(d)) >= 0) {
            d->st.skipped++;
            iter_prev(d->in);
            continue;
        }
        if (d->has_lower && slice_compare(k.user_key, lower_key(d)) < 0)
            return;
        if (!save_key(d, k.user_key) || value_for_current_key(d) != HIDDEN)
            return;
    }
}

/* --- positioning --------------------------------------------------------- */

static void start(db_iter *d, int dir)
{
    d->st.seek++;
    shale_err_clear(&d->err);
    d->dir = dir;
    d->valid = false;
}

static void seek_forward(db_iter *d, slice target)
{
    if (d->has_lower && slice_compare(target, lower_key(d)) < 0)
        target = lower_key(d);
    if (d->has_upper && slice_compare(target, upper_key(d)) >= 0)
        return;
    slice t = make_ikey(d, target, d->seq, VT_FOR_SEEK);
    if (d->err.code != SHALE_OK)
        return;
    iter_seek(d->in, t);
    shale_buf_clear(&d->saved_key);
    find_next(d, false);
}

static void seek_backward(db_iter *d, slice target)
{
    slice t;
    if (d->has_upper && slice_compare(target, upper_key(d)) >= 0)
        t = make_ikey(d, upper_key(d), MAX_SEQUENCE, VT_FOR_SEEK);
    else
        t = make_ikey(d, target, 0, VT_DELETION);  /* after every entry of target */
    if (d->err.code != SHALE_OK)
        return;
    iter_seek_for_prev(d->in, t);
    prev_internal(d);
}

void db_iter_seek(db_iter *d, slice user_key)
{
    start(d, FORWARD);
    seek_forward(d, user_key);
}

void db_iter_seek_for_prev(db_iter *d, slice user_key)
{
    start(d, BACKWARD);
    seek_backward(d, user_key);
}

void db_iter_first(db_iter *d)
{
    start(d, FORWARD);
    if (d->has_lower) {
        seek_forward(d, lower_key(d));
        return;
    }
    iter_first(d->in);
    shale_buf_clear(&d->saved_key);
    find_next(d, false);
}

void db_iter_last(db_iter *d)
{
    start(d, BACKWARD);
    if (d->has_upper) {
        seek_backward(d, upper_key(d));
        return;
    }
    iter_last(d->in);
    prev_internal(d);
}

void db_iter_next(db_iter *d)
{
    d->st.next++;
    if (d->dir == BACKWARD) {
        d->dir = FORWARD;
        slice t = make_ikey(d, saved(d), MAX_SEQUENCE, VT_FOR_SEEK);
        if (d->err.code != SHALE_OK)
            return;
        iter_seek(d->in, t);
    } else if (d->value_src == VAL_INTERNAL && iter_valid(d->in)) {
        iter_next(d->in);
    }
    find_next(d, true);
}

void db_iter_prev(db_iter *d)
{
    d->st.prev++;
    if (d->dir == FORWARD) {
        d->dir = BACKWARD;
        /* The last entry before every entry of saved_key. */
        slice t = make_ikey(d, saved(d), MAX_SEQUENCE, VT_FOR_SEEK);
        if (d->err.code != SHALE_OK)
            return;
        iter_seek_for_prev(d->in, t);
        parsed_ikey k;
        while (iter_valid(d->in) && ikey_parse(iter_key(d->in), &k) &&
               slice_compare(k.user_key, saved(d)) >= 0)
            iter_prev(d->in);
    }
    prev_internal(d);
}

/* --- accessors, lifetime ----------------------------------------------- */

bool db_iter_valid(const db_iter *d) { return d->valid && d->err.code == SHALE_OK; }
slice db_iter_key(const db_iter *d) { return saved(d); }

slice db_iter_value(const db_iter *d)
{
    if (d->value_src == VAL_MERGED)
        return shale_buf_slice(&d->merged);
    if (d->value_src == VAL_SAVED)
        return shale_buf_slice(&d->saved_value);
    return iter_value(d->in);
}

int db_iter_status(const db_iter *d, shale_err *err)
{
    if (d->err.code != SHALE_OK)
        return shale_err_copy(err, &d->err);
    return iter_status(d->in, err);
}

const db_iter_stats *db_iter_get_stats(const db_iter *d) { return &d->st; }

static bool copy_bound(shale_buf *b, const slice *bound)
{
    if (bound == NULL)
        return false;
    shale_buf_append_slice(b, *bound);
    shale_buf_append_byte(b, 0);  /* so an empty bound still allocates */
    shale_buf_truncate(b, bound->len);
    return true;
}

int db_iter_new(iter *internal, const db_iter_options *o, db_iter **out, shale_err *err)
{
    *out = NULL;
    db_iter *d = calloc(1, sizeof *d);
    if (d == NULL) {
        iter_free(internal);
        rd_agg_free(o->range_del);
        return SHALE_NOMEM(err);
    }
    d->in = internal;
    d->rd = o->range_del;
    d->seq = o->seq;
    d->merge = o->merge;
    d->merge_arg = o->merge_arg;
    d->max_skip = o->max_sequential_skip ? o->max_sequential_skip : 8;
    d->has_lower = copy_bound(&d->lower, o->lower_bound);
    d->has_upper = copy_bound(&d->upper, o->upper_bound);
    if (!shale_buf_ok(&d->lower) || !shale_buf_ok(&d->upper)) {
        db_iter_free(d);
        return SHALE_NOMEM(err);
    }
    *out = d;
    return SHALE_OK;
}

void db_iter_free(db_iter *d)
{
    if (d == NULL)
        return;
    iter_free(d->in);
    rd_agg_free(d->rd);
    shale_buf_deinit(&d->lower);
    shale_buf_deinit(&d->upper);
    shale_buf_deinit(&d->saved_key);
    shale_buf_deinit(&d->saved_value);
    shale_buf_deinit(&d->merged);
    shale_buf_deinit(&d->seek_key);
    shale_buf_deinit(&d->ops);
    free(d->op_len);
    free(d->op_slices);
    free(d);
}
