/* tests/state/estimate_test.c: the state-estimate tool, run as a program,
 * against one case worked out by hand:
 *   1000 keys of 8 bytes, max parallelism 256 (2-byte key-group prefix),
 *   TTL on (8-byte stamps); key part = 2 + 8 + 1 (void namespace) = 11
 *   list: 10 items of 20 bytes: 11 + 10 * (8 + 4 + 20) + 9 commas = 340
 *   embedding dim 256: 11 + 8 + 256 * 4 = 1043
 *   map: 3 entries, 4-byte user keys, 20-byte values:
 *        3 * (11 + 4 + 1 flag + 8 + 20) = 132
 *   per key 1515, in all 1,515,000 bytes; rows 1000 + 1000 + 3000 = 5000
 *   write buffers: 3 states * 2 * 64 MiB = 402,653,184
 *   index + filter: 1515000 / 4096 blocks * (11 + 4 + 8 bytes an index
 *   entry) = 8507.08, plus 5000 keys * 10 bits = 6250: 14757 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/test_util.h"

static char *run(const char *args, int *status)
{
    char *exe = build_path("state-estimate");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", exe, args);
    free(exe);
    char *out = test_run(cmd, status);
    cr_assert_not_null(out);
    return out;
}

static unsigned long long field(const char *out, const char *label)
{
    const char *p = strstr(out, label);
    cr_assert_not_null(p, "no '%s' in:\n%s", label, out);
    return strtoull(p + strlen(label), NULL, 10);
}

#define CASE "--active_keys=1000 --items_per_key=10 --item_bytes=20 --key_bytes=8 " \
             "--embedding_dim=256 --ttl=1000 --map_entries=3 --map_key_bytes=4 "    \
             "--max_parallelism=256"

Test(state_estimate, sizes_match_the_hand_computed_layout)
{
    int status = -1;
    char *out = run(CASE, &status);
    cr_assert_eq(status, 0, "%s", out);
    cr_assert_eq(field(out, "list state:"), 340000);
    cr_assert_eq(field(out, "embedding state:"), 1043000);
    cr_assert_eq(field(out, "map state:"), 132000);
    cr_assert_eq(field(out, "state size:"), 1515000);
    cr_assert_eq(field(out, "rows: "), 5000);
    cr_assert_eq(field(out, "lsm write buffers:"), 402653184ull);
    cr_assert_eq(field(out, "lsm index and filters:"), 14757);
    cr_assert_eq(field(out, "lsm block cache:"), 303000, "20%% of the state is hot");
    unsigned long long heap = field(out, "heap memory:");
    cr_assert_gt(heap, 1515000, "objects cost more than their bytes");
    free(out);
}

Test(state_estimate, choice_follows_the_memory_available)
{
    int status = -1;
    char *out = run(CASE " --memory_mb=4096", &status);
    cr_assert(strstr(out, "choose: heap") != NULL, "%s", out);
    free(out);
    out = run(CASE " --memory_mb=1", &status);
    cr_assert(strstr(out, "choose: lsm") != NULL, "%s", out);
    free(out);
}

Test(state_estimate, bad_arguments_exit_with_usage)
{
    int status = 0;
    char *out = run("--active_keys=lots", &status);
    cr_assert_neq(status, 0);
    cr_assert(strstr(out, "usage:") != NULL, "%s", out);
    free(out);
}
