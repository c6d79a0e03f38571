/* tests/lsm/util/logger_test.c: the info LOG.
 *
 * The line layout is RocksDB's PosixLogger's, checked against a LOG that
 * Debian's db_bench 7.8.3 writes (same regular expression matches both),
 * plus rotation to LOG.old.<micros>, level filtering and tags, long lines,
 * the NULL logger, and whole lines from concurrent writers. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "lsm/util/logger.h"
#include "shale/env.h"
#include "tests/support/test_util.h"

/* "2026/11/25-13:06:07.123456 1f2a3 message" */
#define LINE_RE "^[0-9]{4}/[0-9]{2}/[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6} [0-9a-f]+ (.*)$"

static char *g_dir;

static void setup(void) { g_dir = test_tmpdir("logger"); }

static void teardown(void)
{
    test_rmtree(g_dir);
    free(g_dir);
}

TestSuite(logger, .init = setup, .fini = teardown);

static logger *open_at(int level)
{
    logger *lg = NULL;
    shale_err err = {0};
    cr_assert_eq(logger_open(shale_env_default(), g_dir, level, &lg, &err), SHALE_OK, "%s",
                 err.msg);
    cr_assert_not_null(lg);
    return lg;
}

static char *read_named(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    char *text = test_read_file(path, &(size_t){0});
    cr_assert_not_null(text, "%s unreadable", path);
    return text;
}

/* Splits text into lines (modifies it); returns the count. */
static size_t split_lines(char *text, char **lines, size_t max)
{
    size_t n = 0;
    for (char *p = text; *p != '\0' && n < max;) {
        char *nl = strchr(p, '\n');
        cr_assert_not_null(nl, "unterminated last line");
        *nl = '\0';
        lines[n++] = p;
        p = nl + 1;
    }
    return n;
}

/* The message part of a LOG line, or NULL if the layout is wrong. */
static char *message_of(const char *line)
{
    regex_t re;
    cr_assert_eq(regcomp(&re, LINE_RE, REG_EXTENDED), 0);
    regmatch_t m[2];
    char *msg = NULL;
    if (regexec(&re, line, 2, m, 0) == 0)
        msg = strndup(line + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
    regfree(&re);
    return msg;
}

Test(logger, lines_have_rocksdbs_timestamp_and_thread_layout)
{
    logger *lg = open_at(SHALE_LOG_INFO);
    logger_log(lg, SHALE_LOG_INFO, "hello %d", 42);
    logger_log(lg, SHALE_LOG_INFO, "ends in newline\n");
    logger_close(lg);
    char *text = read_named("LOG");
    char *lines[8];
    cr_assert_eq(split_lines(text, lines, 8), 2, "a trailing newline must not add a line");
    char *m0 = message_of(lines[0]), *m1 = message_of(lines[1]);
    cr_assert_str_eq(m0, "hello 42");
    cr_assert_str_eq(m1, "ends in newline");
    /* The timestamp is local wall time, now. */
    time_t now = time(NULL);
    struct tm t;
    localtime_r(&now, &t);
    char year[16];
    snprintf(year, sizeof year, "%04d/", t.tm_year + 1900);
    cr_expect_eq(strncmp(lines[0], year, 5), 0, "%s", lines[0]);
    free(m0);
    free(m1);
    free(text);
}

Test(logger, same_pattern_matches_a_log_db_bench_writes)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "db_bench --benchmarks=fillseq --num=10 --db=%s/rdb >/dev/null 2>&1"
             " && head -3 %s/rdb/LOG", g_dir, g_dir);
    int status;
    char *out = test_run(cmd, &status);
    cr_assert(out != NULL && status == 0, "db_bench failed");
    char *lines[3];
    cr_assert_eq(split_lines(out, lines, 3), 3);
    char *m = message_of(lines[0]);
    cr_assert_str_eq(m, "RocksDB version: 7.8.3");
    free(m);
    free(out);
}

Test(logger, reopening_moves_the_old_log_to_log_old_micros)
{
    struct timeval before;
    gettimeofday(&before, NULL);
    logger *lg = open_at(SHALE_LOG_INFO);
    logger_log(lg, SHALE_LOG_INFO, "first run");
    logger_close(lg);
    lg = open_at(SHALE_LOG_INFO);
    logger_log(lg, SHALE_LOG_INFO, "second run");
    logger_close(lg);
    char **names;
    size_t n;
    cr_assert_eq(shale_env_default()->ops->list_dir(shale_env_default(), g_dir, &names, &n, NULL),
                 SHALE_OK);
    const char *old = NULL;
    for (size_t i = 0; i < n; i++)
        if (strncmp(names[i], "LOG.old.", 8) == 0)
            old = names[i];
    cr_assert_eq(n, 2, "LOG and one LOG.old.*");
    cr_assert_not_null(old);
    unsigned long long micros = strtoull(old + 8, NULL, 10);
    unsigned long long start = (unsigned long long)before.tv_sec * 1000000 + before.tv_usec;
    cr_expect(micros >= start && micros < start + 60000000ULL, "%s is not micros of now", old);
    char *o = read_named(old), *cur = read_named("LOG");
    cr_expect(strstr(o, "first run") != NULL && strstr(o, "second run") == NULL);
    cr_expect(strstr(cur, "second run") != NULL && strstr(cur, "first run") == NULL);
    free(o);
    free(cur);
    shale_env_free_names(names, n);
}

Test(logger, lines_below_the_level_are_dropped_and_others_tagged)
{
    logger *lg = open_at(SHALE_LOG_WARN);
    cr_expect_eq(logger_level(lg), SHALE_LOG_WARN);
    logger_log(lg, SHALE_LOG_DEBUG, "debug line");
    logger_log(lg, SHALE_LOG_INFO, "info line");
    logger_log(lg, SHALE_LOG_WARN, "warn line");
    logger_log(lg, SHALE_LOG_ERROR, "error line");
    logger_log(lg, SHALE_LOG_FATAL, "fatal line");
    logger_header(lg, "header line");
    logger_close(lg);
    char *text = read_named("LOG");
    char *lines[8];
    cr_assert_eq(split_lines(text, lines, 8), 4);
    static const char *const want[] = {"[WARN] warn line", "[ERROR] error line",
                                       "[FATAL] fatal line", "header line"};
    for (size_t i = 0; i < 4; i++) {
        char *m = message_of(lines[i]);
        cr_expect_str_eq(m, want[i]);
        free(m);
    }
    free(text);
}

Test(logger, debug_level_keeps_everything_and_info_has_no_tag)
{
    logger *lg = open_at(SHALE_LOG_DEBUG);
    logger_log(lg, SHALE_LOG_DEBUG, "d");
    logger_log(lg, SHALE_LOG_INFO, "i");
    logger_close(lg);
    char *text = read_named("LOG");
    char *lines[4];
    cr_assert_eq(split_lines(text, lines, 4), 2);
    char *m0 = message_of(lines[0]), *m1 = message_of(lines[1]);
    cr_expect_str_eq(m0, "[DEBUG] d");
    cr_expect_str_eq(m1, "i");
    free(m0);
    free(m1);
    free(text);
}

Test(logger, source_tag_names_the_file_from_lsm_and_the_line)
{
    logger *lg = open_at(SHALE_LOG_INFO);
    int line = __LINE__ + 1;
    LOGGER_INFO(lg, "tagged %s", "msg");
    LOGGER_WARN(lg, "warned");
    LOGGER_DEBUG(lg, "dropped");
    logger_close(lg);
    char *text = read_named("LOG");
    char *lines[4];
    cr_assert_eq(split_lines(text, lines, 4), 2);
    char want[128];
    snprintf(want, sizeof want, "[lsm/util/logger_test.c:%d] tagged msg", line);
    char *m0 = message_of(lines[0]), *m1 = message_of(lines[1]);
    cr_expect_str_eq(m0, want);
    snprintf(want, sizeof want, "[WARN] [lsm/util/logger_test.c:%d] warned", line + 1);
    cr_expect_str_eq(m1, want);
    free(m0);
    free(m1);
    free(text);
}

Test(logger, long_messages_are_whole_and_capped)
{
    size_t big = 5000, huge = 2 * LOGGER_MAX_LINE;
    char *msg = malloc(huge + 1);
    for (size_t i = 0; i < huge; i++)
        msg[i] = (char)('a' + i % 26);
    msg[huge] = '\0';
    logger *lg = open_at(SHALE_LOG_INFO);
    logger_log(lg, SHALE_LOG_INFO, "%.*s", (int)big, msg);
    logger_log(lg, SHALE_LOG_INFO, "%s", msg);
    logger_close(lg);
    char *text = read_named("LOG");
    char *lines[4];
    cr_assert_eq(split_lines(text, lines, 4), 2);
    char *m0 = message_of(lines[0]);
    cr_assert_not_null(m0);
    cr_expect_eq(strlen(m0), big);
    cr_expect_eq(strncmp(m0, msg, big), 0);
    cr_expect_eq(strlen(lines[1]) + 1, (size_t)LOGGER_MAX_LINE - 1, "capped line with its newline");
    cr_expect(strstr(lines[1], "abcdefghij") != NULL);
    free(m0);
    free(text);
    free(msg);
}

Test(logger, null_logger_accepts_every_call)
{
    logger_log(NULL, SHALE_LOG_ERROR, "nothing %d", 1);
    logger_header(NULL, "nothing");
    LOGGER_INFO(NULL, "nothing");
    logger_close(NULL);
    cr_expect_eq(logger_level(NULL), SHALE_LOG_HEADER);
    cr_expect_str_eq(logger_level_name(SHALE_LOG_INFO), "INFO_LEVEL");
    cr_expect_null(logger_level_name(99));
}

Test(logger, open_in_a_missing_directory_creates_it)
{
    char sub[512];
    snprintf(sub, sizeof sub, "%s/new", g_dir);
    logger *lg = NULL;
    cr_assert_eq(logger_open(shale_env_default(), sub, SHALE_LOG_INFO, &lg, NULL), SHALE_OK);
    logger_log(lg, SHALE_LOG_INFO, "x");
    logger_close(lg);
    char *text = test_read_file(strcat(sub, "/LOG"), &(size_t){0});
    cr_expect(text != NULL && strstr(text, " x\n") != NULL);
    free(text);
}

Test(logger, open_failure_returns_io_error_and_null)
{
    char path[512];
    snprintf(path, sizeof path, "%s/file", g_dir);
    cr_assert(test_write_file(path, "x", 1));
    logger *lg = (logger *)1;
    shale_err err = {0};
    cr_expect_neq(logger_open(shale_env_default(), path, SHALE_LOG_INFO, &lg, &err), SHALE_OK);
    cr_expect_eq(err.code, SHALE_IO_ERROR);
    cr_expect_null(lg);
}

#define PER_THREAD 3000

static logger *g_lg;

static void *writer(void *arg)
{
    int id = (int)(intptr_t)arg;
    char pad[1500];
    memset(pad, 'a' + id, sizeof pad);
    for (int i = 0; i < PER_THREAD; i++)
        logger_log(g_lg, SHALE_LOG_INFO, "T%d-%d-%d-%.*s-end", id, i, i % 1400, i % 1400, pad);
    return NULL;
}

/* Whether msg is exactly what writer() logged for some (id, i). */
static bool whole(const char *msg, int *id, int *i)
{
    int len, off = 0;
    if (sscanf(msg, "T%d-%d-%d-%n", id, i, &len, &off) != 3 || off == 0 || len != *i % 1400)
        return false;
    for (int k = 0; k < len; k++)
        if (msg[off + k] != 'a' + *id)
            return false;
    return strcmp(msg + off + len, "-end") == 0;
}

Test(logger, two_threads_never_interleave_within_a_line)
{
    g_lg = open_at(SHALE_LOG_INFO);
    pthread_t t[2];
    for (int k = 0; k < 2; k++)
        cr_assert_eq(pthread_create(&t[k], NULL, writer, (void *)(intptr_t)k), 0);
    for (int k = 0; k < 2; k++)
        pthread_join(t[k], NULL);
    logger_close(g_lg);
    char *text = read_named("LOG");
    static char *lines[2 * PER_THREAD + 1];
    size_t n = split_lines(text, lines, 2 * PER_THREAD + 1);
    cr_assert_eq(n, 2 * PER_THREAD);
    int next[2] = {0, 0};
    for (size_t k = 0; k < n; k++) {
        char *m = message_of(lines[k]);
        int id = -1, i = -1;
        cr_assert(m != NULL && whole(m, &id, &i), "line %zu torn: %.80s", k, lines[k]);
        cr_assert(id == 0 || id == 1);
        cr_assert_eq(i, next[id], "thread %d out of order", id);
        next[id]++;
        free(m);
    }
    free(text);
}
