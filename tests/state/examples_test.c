/* tests/state/examples_test.c: the keyed-state examples, run as programs.
 *
 * Each example checks itself (it keeps its own record of what the state
 * must hold and exits 1 on any disagreement), so these tests run the
 * binaries from the build tree and check the exit status, the summary
 * line, and relations between its figures that follow from the arguments:
 * every request is a hit or a miss, every event appends one turn, every
 * event folds into window/slide windows, an endless TTL leaves only cold
 * misses.  Each runs on the heap backend, and on the LSM backend when it
 * opens; when the build lacks it the example must say so with exit 2 and
 * the documented message: "backend lsm is not supported by this build: "
 * followed by the NotSupported status text ("Not implemented: ...",
 * shale_code_name() of SHALE_NOT_SUPPORTED). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shale/err.h"
#include "tests/support/test_util.h"

static char *run_example(const char *name, const char *args, int *status)
{
    char exe_name[64];
    snprintf(exe_name, sizeof exe_name, "example_%s", name);
    char *exe = build_path(exe_name);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", exe, args);
    FILE *f = fopen(exe, "r");
    cr_assert_not_null(f, "%s is not built (make %s)", exe, exe_name);
    fclose(f);
    free(exe);
    char *out = test_run(cmd, status);
    cr_assert_not_null(out, "could not run %s", cmd);
    return out;
}

/* The number after `label` on the summary line. */
static double field(const char *out, const char *label)
{
    const char *line = strstr(out, " summary: ");
    cr_assert_not_null(line, "no summary line in:\n%s", out);
    const char *p = strstr(line, label);
    cr_assert_not_null(p, "no '%s' in:\n%s", label, out);
    return strtod(p + strlen(label), NULL);
}

static void expect_summary(const char *out, const char *name, const char *backend,
                           unsigned long events)
{
    char want[160];
    snprintf(want, sizeof want, "%s summary: backend=%s events=%lu ", name, backend, events);
    cr_expect_not_null(strstr(out, want), "no '%s' in:\n%s", want, out);
    cr_expect_not_null(strstr(out, " checks=ok\n"), "checks failed:\n%s", out);
}

/* The LSM backend: either it opens and the example passes, or it is
 * missing and the example says so as documented.  Returns whether it ran. */
static bool lsm_ran(const char *name, const char *args, char **out)
{
    char full[512];
    snprintf(full, sizeof full, "--backend=lsm %s", args);
    int status = -1;
    *out = run_example(name, full, &status);
    if (status == 2) {
        char want[160];
        snprintf(want, sizeof want, "%s: backend lsm is not supported by this build: %s: ", name,
                 shale_code_name(SHALE_NOT_SUPPORTED));
        cr_assert_not_null(strstr(*out, want), "exit 2 without '%s':\n%s", want, *out);
        cr_assert_null(strstr(*out, " summary: "), "summary after NotSupported:\n%s", *out);
        return false;
    }
    cr_assert_eq(status, 0, "lsm run exited %d:\n%s", status, *out);
    return true;
}

Test(examples, embedding_cache_counts_every_request_as_hit_or_miss)
{
    int status = -1;
    char *out = run_example("embedding_cache", "--events=20000 --items=2000", &status);
    cr_assert_eq(status, 0, "exit %d:\n%s", status, out);
    expect_summary(out, "embedding_cache", "heap", 20000);
    double hits = field(out, " hits="), misses = field(out, " misses=");
    cr_expect_eq(hits + misses, 20000, "%s", out);
    cr_expect(hits > 0 && misses > 0, "%s", out);
    cr_expect_float_eq(field(out, " hit_ratio="), hits / 20000, 1e-4, "%s", out);
    free(out);
}

Test(examples, embedding_cache_without_expiry_misses_each_item_once)
{
    int status = -1;
    char *out = run_example("embedding_cache",
                            "--events=20000 --items=300 --ttl-ms=1000000000", &status);
    cr_assert_eq(status, 0, "exit %d:\n%s", status, out);
    cr_expect_eq(field(out, " expired_misses="), 0, "%s", out);
    cr_expect_leq(field(out, " misses="), 300, "%s", out);
    cr_expect_eq(field(out, " state_entries="), field(out, " misses="), "%s", out);
    free(out);
}

Test(examples, embedding_cache_short_ttl_lowers_the_hit_ratio)
{
    int status = -1;
    char *out = run_example("embedding_cache", "--events=20000 --items=300 --ttl-ms=200",
                            &status);
    cr_assert_eq(status, 0, "exit %d:\n%s", status, out);
    /* 1000 requests a simulated second: each item can hit at most for
     * 200 ms after a miss, so items keep expiring. */
    cr_expect_gt(field(out, " expired_misses="), 1000, "%s", out);
    char *endless = run_example("embedding_cache",
                                "--events=20000 --items=300 --ttl-ms=1000000000", &status);
    cr_expect_lt(field(out, " hit_ratio="), field(endless, " hit_ratio="), "%s%s", out, endless);
    free(out);
    free(endless);
}

Test(examples, conversation_context_keeps_lists_at_the_bound)
{
    int status = -1;
    char *out = run_example("conversation_context",
                            "--events=5000 --users=20 --keep=4 --summary-ms=500", &status);
    cr_assert_eq(status, 0, "exit %d:\n%s", status, out);
    expect_summary(out, "conversation_context", "heap", 5000);
    cr_expect_eq(field(out, " turns_appended="), 5000, "%s", out);
    cr_expect_eq(field(out, " bound="), 4, "%s", out);
    /* 250 turns a user on average: some list reached the bound. */
    cr_expect_eq(field(out, " max_list_len="), 4, "%s", out);
    /* 5 simulated s, a summary per active user every 0.5 s: at least one
     * round, at most one per user per boundary (11 boundaries). */
    double s = field(out, " summaries=");
    cr_expect(s >= 20 && s <= 20 * 11, "summaries %g:\n%s", s, out);
    free(out);
}

Test(examples, window_features_emits_every_window_it_opens)
{
    int status = -1;
    char *out = run_example("window_features",
                            "--events=10000 --users=50 --window-ms=3000 --slide-ms=1000",
                            &status);
    cr_assert_eq(status, 0, "exit %d:\n%s", status, out);
    expect_summary(out, "window_features", "heap", 10000);
    cr_expect_eq(field(out, " features_emitted="), field(out, " windows_opened="), "%s", out);
    /* Every event lies in window/slide = 3 windows. */
    cr_expect_eq(field(out, " folded="), 30000, "%s", out);
    /* Event times span [start - 0.5 s, start + 10 s): window starts from
     * start - 3 s to start + 9 s, at most 13 windows per user. */
    cr_expect_leq(field(out, " windows_opened="), 50 * 13, "%s", out);
    free(out);
}

Test(examples, state_pipeline_runs_the_three_patterns)
{
    int status = -1;
    char *out = run_example("state_pipeline", "--backend=heap --events=30000", &status);
    cr_assert_eq(status, 0, "exit %d:\n%s", status, out);
    expect_summary(out, "state_pipeline", "heap", 30000);
    cr_expect_eq(field(out, " turns="), 30000, "%s", out);
    double hr = field(out, " hit_ratio=");
    cr_expect(hr > 0 && hr < 1, "hit ratio %g:\n%s", hr, out);
    free(out);
}

Test(examples, examples_reject_unknown_flags)
{
    const char *names[] = {"embedding_cache", "conversation_context", "window_features",
                           "state_pipeline"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int status = -1;
        char *out = run_example(names[i], "--no-such-flag", &status);
        cr_expect_eq(status, 1, "%s exited %d:\n%s", names[i], status, out);
        cr_expect_not_null(strstr(out, "usage:"), "%s:\n%s", names[i], out);
        free(out);
    }
}

Test(examples, examples_on_lsm_pass_or_report_not_supported)
{
    struct {
        const char *name, *args;
    } runs[] = {
        {"embedding_cache", "--events=5000 --items=500"},
        {"conversation_context", "--events=3000 --users=20 --keep=4"},
        {"window_features", "--events=3000 --users=20"},
        {"state_pipeline", "--events=5000"},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        char *out = NULL;
        if (lsm_ran(runs[i].name, runs[i].args, &out)) {
            unsigned long events = strtoul(strchr(runs[i].args, '=') + 1, NULL, 10);
            expect_summary(out, runs[i].name, "lsm", events);
        }
        free(out);
    }
}

Test(examples, state_pipeline_falls_back_to_heap_only_when_lsm_is_missing)
{
    int status = -1;
    char *out = run_example("state_pipeline", "--events=5000", &status);   /* default lsm */
    cr_assert_eq(status, 0, "exit %d:\n%s", status, out);
    if (strstr(out, "backend=heap") != NULL) {
        char want[160];
        snprintf(want, sizeof want, "note: backend lsm is not supported by this build: %s: ",
                 shale_code_name(SHALE_NOT_SUPPORTED));
        cr_expect_not_null(strstr(out, want), "heap without the note:\n%s", out);
    } else {
        expect_summary(out, "state_pipeline", "lsm", 5000);
    }
    free(out);
}
