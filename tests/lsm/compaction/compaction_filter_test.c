/* tests/lsm/compaction/compaction_filter_test.c: compaction filters in the
 * compaction iterator (rules F1-F3 in lsm/compaction/compaction_iter.h,
 * RocksDB 7.8.3's InvokeFilterIfNeeded and MergeHelper::FilterMerge) and
 * the built-in TTL filter.  Inputs are small hand-made histories in a
 * vec_iter; a scripted filter decides by the value's prefix and logs every
 * call.  Plus, on random histories: a filter that keeps everything, or
 * "changes" every value to itself, leaves the output exactly as without a
 * filter. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lsm/compaction/compaction_filter.h"
#include "lsm/compaction/compaction_iter.h"
#include "lsm/table/merge_iter.h"
#include "lsm/util/coding.h"
#include "lsm/util/err.h"
#include "lsm/util/ikey.h"
#include "tests/support/vec_iter.h"

/* --- inputs and outputs ---------------------------------------------------- */

typedef struct ent {
    const char *key;
    uint64_t seq;
    int type;
    const char *val;
} ent;

typedef struct out_ent {
    char key[16];
    uint64_t seq;
    int type;
    char val[64];
} out_ent;

typedef struct cfg {
    uint64_t snaps[4];
    size_t ns;
    bool bottom, zero, merge;
    shale_compaction_filter *f;
    int level;
    rd_agg *rd;
} cfg;

typedef struct result {
    out_ent e[32];
    size_t n;
    compaction_iter_stats st;
    int status;
} result;

static iter *make_input(const ent *in, size_t n)
{
    slice keys[32], vals[32];
    char kb[32][32];
    cr_assert_leq(n, 32);
    for (size_t i = 0; i < n; i++) {
        size_t kl = strlen(in[i].key);
        memcpy(kb[i], in[i].key, kl);
        enc_fixed64(kb[i] + kl, ikey_pack(in[i].seq, in[i].type));
        keys[i] = slice_make(kb[i], kl + 8);
        vals[i] = slice_from_str(in[i].val);
    }
    iter *it = vec_iter_new(keys, vals, n);
    cr_assert_not_null(it);
    return it;
}

static void collect(compaction_iter *c, result *r)
{
    r->n = 0;
    for (; compaction_iter_valid(c); compaction_iter_next(c)) {
        parsed_ikey pk;
        cr_assert(ikey_parse(compaction_iter_key(c), &pk));
        cr_assert_lt(r->n, 32);
        out_ent *e = &r->e[r->n++];
        snprintf(e->key, sizeof e->key, "%.*s", (int)pk.user_key.len, pk.user_key.data);
        slice v = compaction_iter_value(c);
        snprintf(e->val, sizeof e->val, "%.*s", (int)v.len, v.data);
        e->seq = pk.seq;
        e->type = pk.type;
    }
    r->status = compaction_iter_status(c, NULL);
    r->st = *compaction_iter_get_stats(c);
}

static void run(const ent *in, size_t n, const cfg *g, result *r)
{
    iter *it = make_input(in, n);
    compaction_iter_options o = {g->snaps, g->ns, g->bottom, g->zero, g->rd};
    compaction_merge m = {test_merge_concat, NULL, NULL};
    compaction_iter *c;
    cr_assert_eq(compaction_iter_new_merge(it, &o, g->merge ? &m : NULL, &c, NULL), SHALE_OK);
    compaction_iter_set_filter(c, g->f, g->level);
    collect(c, r);
    compaction_iter_free(c);
    iter_free(it);
}

static void expect(const result *r, size_t i, const char *key, uint64_t seq, int type,
                   const char *val)
{
    cr_assert_lt(i, r->n, "output has %zu entries, wanted #%zu", r->n, i);
    cr_assert_str_eq(r->e[i].key, key, "#%zu", i);
    cr_assert_eq(r->e[i].seq, seq, "#%zu (%s): seq %llu", i, key, (unsigned long long)r->e[i].seq);
    cr_assert_eq(r->e[i].type, type, "#%zu (%s@%llu): type %d", i, key, (unsigned long long)seq,
                 r->e[i].type);
    cr_assert_str_eq(r->e[i].val, val, "#%zu (%s@%llu)", i, key, (unsigned long long)seq);
}

/* Every input entry lands in exactly one bucket. */
static void expect_partition(const result *r, size_t n_input)
{
    const compaction_iter_stats *s = &r->st;
    cr_assert_eq(s->input, n_input);
    cr_assert_eq(s->input, s->output + s->dropped_obsolete + s->dropped_range_del +
                               s->dropped_tombstones + s->dropped_filter + s->merged);
    cr_assert_eq(s->output, r->n);
}

/* --- the scripted filter --------------------------------------------------- */

/* Decides by the value's prefix: "rm" remove, "chg" change to "new:" +
 * value, "nul" change with a NULL buffer (empty value), "bad" an unknown
 * decision, "junk" keep but leave a buffer behind (shale frees it);
 * anything else keep.  Logs each call. */
typedef struct call {
    char key[16], val[64];
    int kind, level;
} call;

typedef struct script {
    call log[32];
    size_t n;
} script;

static bool has_prefix(const char *v, size_t len, const char *p)
{
    return len >= strlen(p) && memcmp(v, p, strlen(p)) == 0;
}

static int script_fn(void *state, int level, const char *key, size_t key_len, int kind,
                     const char *value, size_t value_len, char **new_value, size_t *new_value_len)
{
    script *s = state;
    if (s->n < 32) {
        call *c = &s->log[s->n];
        snprintf(c->key, sizeof c->key, "%.*s", (int)key_len, key);
        snprintf(c->val, sizeof c->val, "%.*s", (int)value_len, value);
        c->kind = kind;
        c->level = level;
    }
    s->n++;
    if (has_prefix(value, value_len, "rm"))
        return SHALE_FILTER_REMOVE;
    if (has_prefix(value, value_len, "bad"))
        return 7;
    if (has_prefix(value, value_len, "nul")) {
        *new_value = NULL;
        *new_value_len = 5;
        return SHALE_FILTER_CHANGE_VALUE;
    }
    if (has_prefix(value, value_len, "junk")) {
        *new_value = strdup("left behind");
        return SHALE_FILTER_KEEP;
    }
    if (has_prefix(value, value_len, "chg")) {
        *new_value = malloc(value_len + 4);
        memcpy(*new_value, "new:", 4);
        memcpy(*new_value + 4, value, value_len);
        *new_value_len = value_len + 4;
        return SHALE_FILTER_CHANGE_VALUE;
    }
    return SHALE_FILTER_KEEP;
}

static const char *script_name(void *state)
{
    (void)state;
    return "test.Script";
}

static shale_compaction_filter *script_filter(script *s)
{
    memset(s, 0, sizeof *s);
    shale_compaction_filter *f = shale_compaction_filter_create(s, NULL, script_fn, script_name);
    cr_assert_not_null(f);
    return f;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* --- values (F1) ----------------------------------------------------------- */

Test(compaction_filter, values_are_kept_removed_as_deletes_or_changed_on_the_newest_version)
{
    script s;
    cfg g = {.f = script_filter(&s), .level = 3};
    ent in[] = {{"a", 3, VT_VALUE, "keep"},
                {"b", 4, VT_VALUE, "rm-b"},
                {"b", 2, VT_VALUE, "older"},
                {"c", 5, VT_VALUE, "chg-c"},
                {"d", 6, VT_VALUE, "nul-d"},
                {"e", 7, VT_VALUE, "junk-e"}};
    result r;
    run(in, N(in), &g, &r);
    cr_assert_eq(r.status, SHALE_OK);
    cr_assert_eq(r.n, 5);
    expect(&r, 0, "a", 3, VT_VALUE, "keep");
    expect(&r, 1, "b", 4, VT_DELETION, "");   /* same seq, no value; b@2 hidden */
    expect(&r, 2, "c", 5, VT_VALUE, "new:chg-c");
    expect(&r, 3, "d", 6, VT_VALUE, "");
    expect(&r, 4, "e", 7, VT_VALUE, "junk-e");
    cr_assert_eq(s.n, 5, "b@2 is not the newest version: not shown");
    for (size_t i = 0; i < s.n; i++) {
        cr_assert_eq(s.log[i].kind, SHALE_FILTER_VALUE);
        cr_assert_eq(s.log[i].level, 3);
    }
    cr_assert_str_eq(s.log[1].key, "b");
    cr_assert_str_eq(s.log[1].val, "rm-b");
    cr_assert_eq(r.st.filter_removed, 1);
    cr_assert_eq(r.st.filter_changed, 2);
    cr_assert_eq(r.st.filter_calls, 5);
    expect_partition(&r, N(in));
    shale_compaction_filter_destroy(g.f);
}

Test(compaction_filter, a_removed_value_at_the_bottommost_level_drops_the_key_entirely)
{
    script s;
    cfg g = {.f = script_filter(&s), .bottom = true, .zero = true};
    ent in[] = {{"a", 3, VT_VALUE, "keep"}, {"b", 4, VT_VALUE, "rm"}, {"b", 2, VT_VALUE, "older"}};
    result r;
    run(in, N(in), &g, &r);
    cr_assert_eq(r.n, 1);
    expect(&r, 0, "a", 0, VT_VALUE, "keep");   /* zeroed; the Delete never is */
    cr_assert_eq(r.st.dropped_tombstones, 1);
    cr_assert_eq(r.st.dropped_obsolete, 1);
    expect_partition(&r, N(in));

    g.bottom = g.zero = false;   /* not bottommost: the Delete must hide what is below */
    run(in, N(in), &g, &r);
    cr_assert_eq(r.n, 2);
    expect(&r, 1, "b", 4, VT_DELETION, "");
    shale_compaction_filter_destroy(g.f);
}

Test(compaction_filter, snapshots_do_not_protect_the_newest_value_and_older_versions_are_not_shown)
{
    script s;
    cfg g = {.f = script_filter(&s), .snaps = {3}, .ns = 1};
    ent in[] = {{"a", 5, VT_VALUE, "rm-new"}, {"a", 3, VT_VALUE, "rm-old"}, {"a", 1, VT_VALUE, "x"},
                {"b", 2, VT_VALUE, "rm-seen-by-snapshot"}};
    result r;
    run(in, N(in), &g, &r);
    cr_assert_eq(r.n, 3);
    expect(&r, 0, "a", 5, VT_DELETION, "");
    expect(&r, 1, "a", 3, VT_VALUE, "rm-old");   /* kept for the snapshot, unfiltered */
    expect(&r, 2, "b", 2, VT_DELETION, "");      /* the snapshot sees it: filtered anyway */
    cr_assert_eq(s.n, 2);
    cr_assert_str_eq(s.log[0].val, "rm-new");
    cr_assert_str_eq(s.log[1].val, "rm-seen-by-snapshot");

    /* Bottommost: a@5's Delete is above the snapshot (kept, it hides a@3
     * from later readers); b's is in the earliest stripe (dropped). */
    g.bottom = true;
    run(in, N(in), &g, &r);
    cr_assert_eq(r.n, 2);
    expect(&r, 0, "a", 5, VT_DELETION, "");
    expect(&r, 1, "a", 3, VT_VALUE, "rm-old");
    expect_partition(&r, N(in));
    shale_compaction_filter_destroy(g.f);
}

Test(compaction_filter, a_put_below_a_newer_delete_or_single_delete_is_not_shown)
{
    script s;
    cfg g = {.f = script_filter(&s), .snaps = {4}, .ns = 1};
    ent in[] = {{"a", 5, VT_DELETION, ""}, {"a", 3, VT_VALUE, "rm"},
                {"b", 6, VT_SINGLE_DELETION, ""}, {"b", 2, VT_VALUE, "rm"}};
    result r;
    run(in, N(in), &g, &r);
    cr_assert_eq(s.n, 0);
    cr_assert_eq(r.n, 4);
    expect(&r, 1, "a", 3, VT_VALUE, "rm");
    expect(&r, 3, "b", 2, VT_VALUE, "rm");
    shale_compaction_filter_destroy(g.f);
}

Test(compaction_filter, a_put_under_a_range_tombstone_is_shown_then_dropped)
{
    script s;
    model m = {0};
    model_add_tomb(&m, "a", "c", 9);
    cfg g = {.f = script_filter(&s), .rd = model_rd(&m, MAX_SEQUENCE)};
    ent in[] = {{"b", 3, VT_VALUE, "chg"}, {"d", 2, VT_VALUE, "keep"}};
    result r;
    run(in, N(in), &g, &r);
    cr_assert_eq(s.n, 2);
    cr_assert_eq(r.n, 1);
    expect(&r, 0, "d", 2, VT_VALUE, "keep");
    cr_assert_eq(r.st.dropped_range_del, 1);
    expect_partition(&r, N(in));
    rd_agg_free(g.rd);
    model_free(&m);
    shale_compaction_filter_destroy(g.f);
}

/* --- merge operands (F2, F3) ----------------------------------------------- */

Test(compaction_filter, operands_are_removed_or_changed_before_the_merge_and_the_base_is_not_shown)
{
    script s;
    cfg g = {.f = script_filter(&s), .merge = true};
    ent in[] = {{"a", 5, VT_MERGE, "o5"},
                {"a", 4, VT_MERGE, "rm4"},
                {"a", 3, VT_MERGE, "chg3"},
                {"a", 2, VT_VALUE, "rm-base"}};
    result r;
    run(in, N(in), &g, &r);
    cr_assert_eq(r.status, SHALE_OK);
    cr_assert_eq(r.n, 1);
    expect(&r, 0, "a", 5, VT_VALUE, "rm-base|new:chg3|o5");
    cr_assert_eq(s.n, 3);
    for (size_t i = 0; i < s.n; i++)
        cr_assert_eq(s.log[i].kind, SHALE_FILTER_MERGE_OPERAND);
    cr_assert_eq(r.st.dropped_filter, 1);
    expect_partition(&r, N(in));
    shale_compaction_filter_destroy(g.f);
}

Test(compaction_filter, a_merge_at_the_bottom_or_not_merges_only_the_operands_left)
{
    script s;
    cfg g = {.f = script_filter(&s), .merge = true, .bottom = true};
    ent in[] = {{"a", 5, VT_MERGE, "o5"}, {"a", 4, VT_MERGE, "rm4"}, {"b", 1, VT_VALUE, "x"}};
    result r;
    run(in, N(in), &g, &r);
    cr_assert_eq(r.n, 2);
    expect(&r, 0, "a", 5, VT_VALUE, "~|o5");   /* no base below: full merge onto none */
    g.bottom = false;
    run(in, N(in), &g, &r);
    cr_assert_eq(r.n, 2);
    expect(&r, 0, "a", 5, VT_MERGE, "o5");     /* base may be below: the operand stays */
    expect_partition(&r, N(in));
    shale_compaction_filter_destroy(g.f);
}

Test(compaction_filter, operands_a_snapshot_sees_are_not_shown)
{
    script s;
    cfg g = {.f = script_filter(&s), .merge = true, .snaps = {4}, .ns = 1};
    /* a@6 is filtered out; what it leaves (a@4, under the snapshot) is
     * judged as a's newest entry: an operand a snapshot sees, kept. */
    ent in[] = {{"a", 6, VT_MERGE, "rm6"}, {"a", 4, VT_MERGE, "rm4"}, {"a", 2, VT_VALUE, "base"}};
    result r;
    run(in, N(in), &g, &r);
    cr_assert_eq(s.n, 1);
    cr_assert_str_eq(s.log[0].val, "rm6");
    cr_assert_eq(r.n, 1);
    expect(&r, 0, "a", 4, VT_VALUE, "base|rm4");
    expect_partition(&r, N(in));
    shale_compaction_filter_destroy(g.f);
}

Test(compaction_filter, when_every_operand_is_removed_the_put_below_is_filtered_as_the_newest)
{
    script s;
    cfg g = {.f = script_filter(&s), .merge = true};
    ent in[] = {{"a", 5, VT_MERGE, "rm5"}, {"a", 4, VT_MERGE, "rm4"}, {"a", 3, VT_VALUE, "rm3"},
                {"b", 5, VT_MERGE, "rm5"}, {"b", 3, VT_VALUE, "chg3"},
                {"c", 5, VT_MERGE, "o5"}, {"c", 3, VT_VALUE, "rm3"}};
    result r;
    run(in, N(in), &g, &r);
    cr_assert_eq(r.n, 3);
    expect(&r, 0, "a", 3, VT_DELETION, "");
    expect(&r, 1, "b", 3, VT_VALUE, "new:chg3");
    expect(&r, 2, "c", 5, VT_VALUE, "rm3|o5");   /* a kept operand: its base is not shown */
    cr_assert_eq(s.n, 6);
    cr_assert_eq(s.log[2].kind, SHALE_FILTER_VALUE);
    expect_partition(&r, N(in));

    /* Even across a snapshot: the operands above it hid nothing. */
    cfg h = {.f = g.f, .merge = true, .snaps = {4}, .ns = 1, .bottom = true};
    ent in2[] = {{"a", 6, VT_MERGE, "rm6"}, {"a", 3, VT_VALUE, "rm3"}};
    run(in2, N(in2), &h, &r);
    cr_assert_eq(r.n, 0, "a@3 became a Delete in the earliest stripe, dropped at the bottom");
    expect_partition(&r, N(in2));
    shale_compaction_filter_destroy(g.f);
}

Test(compaction_filter, without_a_merge_operator_operands_pass_through_filtered)
{
    script s;
    cfg g = {.f = script_filter(&s)};
    ent in[] = {{"a", 5, VT_MERGE, "o5"},  {"a", 4, VT_MERGE, "rm4"}, {"a", 3, VT_MERGE, "chg3"},
                {"a", 2, VT_VALUE, "rm"},  {"a", 1, VT_VALUE, "old"},
                {"b", 5, VT_MERGE, "rm5"}, {"b", 3, VT_VALUE, "rm3"}};
    result r;
    run(in, N(in), &g, &r);
    cr_assert_eq(r.status, SHALE_OK);
    cr_assert_eq(r.n, 4);
    expect(&r, 0, "a", 5, VT_MERGE, "o5");
    expect(&r, 1, "a", 3, VT_MERGE, "new:chg3");
    expect(&r, 2, "a", 2, VT_VALUE, "rm");        /* the base: not shown */
    expect(&r, 3, "b", 3, VT_DELETION, "");       /* F3 */
    cr_assert_eq(r.st.dropped_filter, 2);
    expect_partition(&r, N(in));

    cfg h = {.f = g.f, .snaps = {4}, .ns = 1};    /* a snapshot sees a@4: not shown */
    ent in2[] = {{"a", 4, VT_MERGE, "rm4"}, {"a", 2, VT_VALUE, "v"}};
    s.n = 0;
    run(in2, N(in2), &h, &r);
    cr_assert_eq(s.n, 0);
    cr_assert_eq(r.n, 2);
    shale_compaction_filter_destroy(g.f);
}

/* --- failures and the setter ------------------------------------------------ */

Test(compaction_filter, an_unknown_decision_fails_the_iterator_with_corruption)
{
    script s;
    cfg g = {.f = script_filter(&s)};
    ent in[] = {{"a", 3, VT_VALUE, "ok"}, {"b", 3, VT_VALUE, "bad"}, {"c", 3, VT_VALUE, "ok"}};
    result r;
    run(in, N(in), &g, &r);
    cr_assert_eq(r.status, SHALE_CORRUPTION);
    cr_assert_eq(r.n, 1);
    cr_assert_eq(s.n, 2, "nothing is shown after the failure");

    g.merge = true;   /* and inside a merge run */
    ent in2[] = {{"a", 5, VT_MERGE, "o5"}, {"a", 4, VT_MERGE, "bad"}, {"a", 3, VT_VALUE, "v"}};
    run(in2, N(in2), &g, &r);
    cr_assert_eq(r.status, SHALE_CORRUPTION);
    cr_assert_eq(r.n, 0);
    shale_compaction_filter_destroy(g.f);
}

Test(compaction_filter, setting_the_filter_after_new_rereads_from_the_first_entry_once)
{
    script s;
    shale_compaction_filter *f = script_filter(&s);
    ent in[] = {{"a", 3, VT_VALUE, "rm"}, {"b", 3, VT_VALUE, "chg"}};
    iter *it = make_input(in, N(in));
    compaction_iter_options o = {0};
    compaction_iter *c;
    cr_assert_eq(compaction_iter_new(it, &o, &c, NULL), SHALE_OK);
    cr_assert_eq(compaction_iter_get_stats(c)->input, 1);
    compaction_iter_set_filter(c, f, 2);
    compaction_iter_set_filter(c, f, 2);   /* no change: no restart */
    result r;
    collect(c, &r);
    cr_assert_eq(r.n, 2);
    expect(&r, 0, "a", 3, VT_DELETION, "");
    expect(&r, 1, "b", 3, VT_VALUE, "new:chg");
    cr_assert_eq(s.n, 2);
    expect_partition(&r, N(in));
    compaction_iter_free(c);
    iter_free(it);
    shale_compaction_filter_destroy(f);
}

/* --- random histories: an identity filter changes nothing ------------------ */

static int keep_fn(void *state, int level, const char *key, size_t key_len, int kind,
                   const char *value, size_t value_len, char **new_value, size_t *new_value_len)
{
    (void)level, (void)key, (void)key_len, (void)kind;
    if (state == NULL)
        return SHALE_FILTER_KEEP;
    *new_value = malloc(value_len + 1);
    memcpy(*new_value, value, value_len);
    *new_value_len = value_len;
    return SHALE_FILTER_CHANGE_VALUE;
}

static void compact_model(const model *m, const cfg *g, bool merge, result *r, unsigned seed)
{
    unsigned s = seed;
    iter *kids[3];
    model_split(m, kids, 3, &s);
    iter *in = merge_iter_new(kids, 3, NULL);
    rd_agg *rd = model_rd(m, MAX_SEQUENCE);
    compaction_iter_options o = {g->snaps, g->ns, g->bottom, g->zero, rd};
    compaction_merge cm = {test_merge_concat, NULL, NULL};
    compaction_iter *c;
    cr_assert_eq(compaction_iter_new_merge(in, &o, merge ? &cm : NULL, &c, NULL), SHALE_OK);
    compaction_iter_set_filter(c, g->f, 1);
    collect(c, r);
    compaction_iter_free(c);
    iter_free(in);
    rd_agg_free(rd);
}

Test(compaction_filter, a_keep_or_identity_filter_leaves_random_compactions_unchanged)
{
    shale_compaction_filter *keep = shale_compaction_filter_create(NULL, NULL, keep_fn, script_name);
    shale_compaction_filter *same = shale_compaction_filter_create(&keep, NULL, keep_fn, script_name);
    for (unsigned seed = 1; seed <= 400; seed++) {
        unsigned s = seed;
        model m = {0};
        bool merge = model_rand(&s) % 2;
        model_gen gen = {.nkeys = 2 + (int)(model_rand(&s) % 8), .nops = 1 + (int)(model_rand(&s) % 30),
                         .tomb_pct = (int)(model_rand(&s) % 10), .del_pct = 20, .merge_pct = 30,
                         .single_deletes = model_rand(&s) % 2};
        model_generate(&m, &gen, &s);
        cfg g = {.bottom = model_rand(&s) % 2};
        g.zero = g.bottom;
        for (uint64_t q = 1; q <= m.max_seq && g.ns < 3; q++)
            if (model_rand(&s) % 8 == 0)
                g.snaps[g.ns++] = q;
        result base, a, b;
        compact_model(&m, &g, merge, &base, seed);
        g.f = keep;
        compact_model(&m, &g, merge, &a, seed);
        g.f = same;
        compact_model(&m, &g, merge, &b, seed);
        cr_assert_eq(base.status, SHALE_OK);
        cr_assert_eq(a.n, base.n, "seed %u", seed);
        cr_assert_eq(b.n, base.n, "seed %u", seed);
        for (size_t i = 0; i < base.n; i++) {
            const out_ent *e = &base.e[i];
            expect(&a, i, e->key, e->seq, e->type, e->val);
            expect(&b, i, e->key, e->seq, e->type, e->val);
        }
        cr_assert_eq(b.st.filter_changed, b.st.filter_calls, "seed %u", seed);
        model_free(&m);
    }
    shale_compaction_filter_destroy(keep);
    shale_compaction_filter_destroy(same);
}

/* --- the TTL filter -------------------------------------------------------- */

/* A clock that counts its reads; each read returns start + step * reads. */
typedef struct fake_clock {
    int64_t start, step;
    int reads;
} fake_clock;

static int64_t fake_now(void *state)
{
    fake_clock *k = state;
    return k->start + k->step * k->reads++;
}

/* An 8-byte big-endian timestamp, then "v". */
static const char *ttl_value(char *buf, int64_t ts)
{
    uint64_t u = (uint64_t)ts;
    for (int i = 0; i < 8; i++)
        buf[i] = (char)(u >> (56 - 8 * i));
    buf[8] = 'v';
    buf[9] = '\0';
    return buf;
}

static int ttl_call(shale_compaction_filter *f, int kind, const char *v, size_t len)
{
    char *nv = NULL;
    size_t nl = 0;
    int d = f->filter(f->state, 1, "k", 1, kind, v, len, &nv, &nl);
    cr_assert_null(nv);
    return d;
}

Test(compaction_filter, ttl_removes_entries_whose_timestamp_plus_ttl_is_at_most_now)
{
    fake_clock k = {.start = 1000};
    shale_compaction_filter *f = shale_compaction_filter_create_ttl(100, fake_now, &k, 0);
    cr_assert_not_null(f);
    char b[5][10];
    /* ts + 8 bytes that are not all printable: built with explicit lengths. */
    ent in[] = {{"k1", 3, VT_VALUE, NULL}, {"k2", 3, VT_VALUE, NULL}, {"k3", 3, VT_VALUE, NULL},
                {"k4", 3, VT_VALUE, "short"}, {"k5", 3, VT_MERGE, NULL}};
    int64_t ts[] = {899, 900, 901, 0, 0};
    slice keys[5], vals[5];
    char kb[5][16];
    for (size_t i = 0; i < 5; i++) {
        size_t kl = strlen(in[i].key);
        memcpy(kb[i], in[i].key, kl);
        enc_fixed64(kb[i] + kl, ikey_pack(in[i].seq, in[i].type));
        keys[i] = slice_make(kb[i], kl + 8);
        vals[i] = in[i].val != NULL ? slice_from_str(in[i].val)
                                    : slice_make(ttl_value(b[i], ts[i]), 9);
    }
    for (int bottom = 0; bottom <= 1; bottom++) {
        iter *it = vec_iter_new(keys, vals, 5);
        compaction_iter_options o = {.bottommost = bottom};
        compaction_iter *c;
        cr_assert_eq(compaction_iter_new(it, &o, &c, NULL), SHALE_OK);
        compaction_iter_set_filter(c, f, 1);
        result r;
        collect(c, &r);
        compaction_iter_free(c);
        iter_free(it);
        if (!bottom) {
            cr_assert_eq(r.n, 4);
            cr_assert_eq(r.e[0].type, VT_DELETION);   /* 899 + 100 < 1000 */
            cr_assert_eq(r.e[1].type, VT_DELETION);   /* 900 + 100 == 1000 */
            cr_assert_eq(r.e[2].type, VT_VALUE);      /* 1001 > 1000 */
            cr_assert_str_eq(r.e[3].val, "short");
            cr_assert_eq(r.st.dropped_filter, 1);     /* the expired operand */
        } else {
            cr_assert_eq(r.n, 2);
            cr_assert_str_eq(r.e[0].key, "k3");
            cr_assert_str_eq(r.e[1].key, "k4");
        }
    }
    shale_compaction_filter_destroy(f);
}

Test(compaction_filter, ttl_rereads_the_clock_every_n_entries)
{
    /* Each read moves the clock 1000 ms on; with N = 2 entries 1-2 see
     * 1000, 3-4 see 2000, 5 sees 3000.  Timestamp 950 + ttl 100 = 1050. */
    fake_clock k = {.start = 1000, .step = 1000};
    shale_compaction_filter *f = shale_compaction_filter_create_ttl(100, fake_now, &k, 2);
    char b[10];
    const char *v = ttl_value(b, 950);
    int want[] = {SHALE_FILTER_KEEP, SHALE_FILTER_KEEP, SHALE_FILTER_REMOVE, SHALE_FILTER_REMOVE,
                  SHALE_FILTER_REMOVE};
    for (int i = 0; i < 5; i++)
        cr_assert_eq(ttl_call(f, SHALE_FILTER_VALUE, v, 9), want[i], "call %d", i + 1);
    cr_assert_eq(k.reads, 3);
    ttl_call(f, SHALE_FILTER_VALUE, "short", 5);   /* short values count as calls */
    cr_assert_eq(k.reads, 3);
    ttl_call(f, SHALE_FILTER_VALUE, "short", 5);
    cr_assert_eq(k.reads, 4);
    shale_compaction_filter_destroy(f);

    for (size_t n = 0; n <= 1; n++) {   /* 0 and 1: every entry */
        fake_clock e = {.start = 1000};
        f = shale_compaction_filter_create_ttl(100, fake_now, &e, n);
        for (int i = 0; i < 7; i++)
            ttl_call(f, SHALE_FILTER_MERGE_OPERAND, v, 9);
        cr_assert_eq(e.reads, 7);
        shale_compaction_filter_destroy(f);
    }
    fake_clock d = {.start = 1000};
    f = shale_compaction_filter_create_ttl(100, fake_now, &d, 1000);
    for (int i = 0; i < 2001; i++)
        ttl_call(f, SHALE_FILTER_VALUE, v, 9);
    cr_assert_eq(d.reads, 3);   /* calls 1, 1001, 2001 */
    shale_compaction_filter_destroy(f);
}

Test(compaction_filter, ttl_clamps_overflow_uses_the_wall_clock_and_rejects_a_negative_ttl)
{
    char b[10];
    fake_clock k = {.start = INT64_MAX};
    shale_compaction_filter *f = shale_compaction_filter_create_ttl(100, fake_now, &k, 0);
    cr_assert_eq(ttl_call(f, SHALE_FILTER_VALUE, ttl_value(b, INT64_MAX - 5), 9),
                 SHALE_FILTER_REMOVE, "ttl clamped to 5: the sum is INT64_MAX <= now");
    shale_compaction_filter_destroy(f);
    fake_clock n = {.start = 50};
    f = shale_compaction_filter_create_ttl(100, fake_now, &n, 0);
    cr_assert_eq(ttl_call(f, SHALE_FILTER_VALUE, ttl_value(b, -50), 9), SHALE_FILTER_REMOVE);
    cr_assert_eq(ttl_call(f, SHALE_FILTER_VALUE, ttl_value(b, -49), 9), SHALE_FILTER_KEEP);
    shale_compaction_filter_destroy(f);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t wall = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    f = shale_compaction_filter_create_ttl(60000, NULL, NULL, 1000);
    cr_assert_eq(ttl_call(f, SHALE_FILTER_VALUE, ttl_value(b, wall - 3600000), 9),
                 SHALE_FILTER_REMOVE);
    cr_assert_eq(ttl_call(f, SHALE_FILTER_VALUE, ttl_value(b, wall), 9), SHALE_FILTER_KEEP);
    cr_assert_str_eq(shale_compaction_filter_name(f), "shale.TtlCompactionFilter");
    shale_compaction_filter_destroy(f);
    cr_assert_null(shale_compaction_filter_create_ttl(-1, NULL, NULL, 0));
}

typedef struct hammer {
    shale_compaction_filter *f;
    const char *v;
    int removed;
} hammer;

static void *hammer_run(void *arg)
{
    hammer *h = arg;
    for (int i = 0; i < 1000; i++)
        h->removed += ttl_call(h->f, SHALE_FILTER_VALUE, h->v, 9) == SHALE_FILTER_REMOVE;
    return NULL;
}

Test(compaction_filter, a_shared_ttl_filter_counts_exactly_under_concurrent_calls)
{
    /* 4 threads x 1000 calls, N = 10: exactly 400 clock reads (the
     * counter is not torn); the clock (unsynchronised) is only called
     * under the filter's mutex. */
    fake_clock k = {.start = 0, .step = 1};
    shale_compaction_filter *f = shale_compaction_filter_create_ttl(100, fake_now, &k, 10);
    char b[10];
    hammer h[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        h[i] = (hammer){f, ttl_value(b, -1000), 0};
        cr_assert_eq(pthread_create(&t[i], NULL, hammer_run, &h[i]), 0);
    }
    int removed = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        removed += h[i].removed;
    }
    cr_assert_eq(k.reads, 400);
    cr_assert_eq(removed, 4000);
    shale_compaction_filter_destroy(f);
}
