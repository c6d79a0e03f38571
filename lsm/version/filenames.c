/* lsm/version/filenames.c: DB directory file names and the CURRENT file.
 * The table of names is in filenames.h.  CURRENT is replaced through a temp
 * file and a rename, then the directory is synced, as RocksDB does, so that
 * a crash never leaves a torn CURRENT behind. */
#include "lsm/version/filenames.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsm/util/err.h"

/* CURRENT holds one short line; anything longer is not a CURRENT file. */
#define CURRENT_MAX_LEN 256

static const char manifest_prefix[] = "MANIFEST-";
static const char options_prefix[] = "OPTIONS-";
static const char info_log_name[] = "LOG";
static const char temp_suffix[] = ".dbtmp";

size_t filename_format(char *buf, size_t n, enum file_kind kind, uint64_t number)
{
    int r;
    switch (kind) {
    case FILE_TABLE: r = snprintf(buf, n, "%06" PRIu64 ".sst", number); break;
    case FILE_WAL: r = snprintf(buf, n, "%06" PRIu64 ".log", number); break;
    case FILE_BLOB: r = snprintf(buf, n, "%06" PRIu64 ".blob", number); break;
    case FILE_TEMP: r = snprintf(buf, n, "%06" PRIu64 "%s", number, temp_suffix); break;
    case FILE_MANIFEST: r = snprintf(buf, n, "%s%06" PRIu64, manifest_prefix, number); break;
    case FILE_OPTIONS: r = snprintf(buf, n, "%s%06" PRIu64, options_prefix, number); break;
    case FILE_OPTIONS_TEMP:
        r = snprintf(buf, n, "%s%06" PRIu64 "%s", options_prefix, number, temp_suffix);
        break;
    case FILE_CURRENT: r = snprintf(buf, n, "CURRENT"); break;
    case FILE_IDENTITY: r = snprintf(buf, n, "IDENTITY"); break;
    case FILE_LOCK: r = snprintf(buf, n, "LOCK"); break;
    case FILE_INFO_LOG:
        r = number == 0 ? snprintf(buf, n, "%s", info_log_name)
                        : snprintf(buf, n, "%s.old.%" PRIu64, info_log_name, number);
        break;
    default: return 0;
    }
    return r < 0 || (size_t)r >= n ? 0 : (size_t)r;
}

char *filename_path(const char *dir, enum file_kind kind, uint64_t number)
{
    char name[FILENAME_MAX_LEN];
    size_t nlen = filename_format(name, sizeof name, kind, number);
    size_t dlen = strlen(dir);
    if (nlen == 0)
        return NULL;
    bool slash = dlen > 0 && dir[dlen - 1] != '/';
    char *path = malloc(dlen + (slash ? 1 : 0) + nlen + 1);
    if (path == NULL)
        return NULL;
    memcpy(path, dir, dlen);
    if (slash)
        path[dlen++] = '/';
    memcpy(path + dlen, name, nlen + 1);
    return path;
}

/* Consumes one or more decimal digits from *p into *v; false if there are
 * none or the value overflows 64 bits. */
static bool consume_number(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    while (*s >= '0' && *s <= '9') {
        unsigned d = (unsigned)(*s - '0');
        if (x > (UINT64_MAX - d) / 10)
            return false;
        x = x * 10 + d;
        s++;
    }
    if (s == *p)
        return false;
    *p = s;
    *v = x;
    return true;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "LOG", "LOG.old" (number 0) or "LOG.old.<micros>". */
static bool parse_info_log(const char *rest, uint64_t *number)
{
    if (*rest == '\0' || strcmp(rest, ".old") == 0) {
        *number = 0;
        return true;
    }
    if (!has_prefix(rest, ".old."))
        return false;
    rest += strlen(".old.");
    return consume_number(&rest, number) && *rest == '\0';
}

/* "<digits>.<suffix>" for tables, WALs, blobs and temp files. */
static bool parse_numbered(const char *s, enum file_kind *kind, uint64_t *number)
{
    if (!consume_number(&s, number) || *s != '.')
        return false;
    s++;
    if (strcmp(s, "sst") == 0 || strcmp(s, "ldb") == 0)
        *kind = FILE_TABLE;
    else if (strcmp(s, "log") == 0)
        *kind = FILE_WAL;
    else if (strcmp(s, "blob") == 0)
        *kind = FILE_BLOB;
    else if (strcmp(s, temp_suffix + 1) == 0)
        *kind = FILE_TEMP;
    else
        return false;
    return true;
}

/* "OPTIONS-<digits>" or "OPTIONS-<digits>.dbtmp". */
static bool parse_options(const char *s, enum file_kind *kind, uint64_t *number)
{
    if (!consume_number(&s, number))
        return false;
    if (*s == '\0')
        *kind = FILE_OPTIONS;
    else if (strcmp(s, temp_suffix) == 0)
        *kind = FILE_OPTIONS_TEMP;
    else
        return false;
    return true;
}

static bool parse_name(const char *name, enum file_kind *kind, uint64_t *number)
{
    *number = 0;
    if (strcmp(name, "CURRENT") == 0) {
        *kind = FILE_CURRENT;
        return true;
    }
    if (strcmp(name, "IDENTITY") == 0) {
        *kind = FILE_IDENTITY;
        return true;
    }
    if (strcmp(name, "LOCK") == 0) {
        *kind = FILE_LOCK;
        return true;
    }
    if (has_prefix(name, info_log_name)) {
        *kind = FILE_INFO_LOG;
        return parse_info_log(name + strlen(info_log_name), number);
    }
    if (has_prefix(name, manifest_prefix)) {
        const char *s = name + strlen(manifest_prefix);
        *kind = FILE_MANIFEST;
        return consume_number(&s, number) && *s == '\0';
    }
    if (has_prefix(name, options_prefix))
        return parse_options(name + strlen(options_prefix), kind, number);
    return parse_numbered(name, kind, number);
}

bool filename_parse(const char *name, enum file_kind *kind, uint64_t *number)
{
    enum file_kind k;
    uint64_t n;
    if (name == NULL || !parse_name(name, &k, &n))
        return false;
    *kind = k;
    *number = n;
    return true;
}

/* Writes `data` to a new file at path and syncs it. */
static int write_synced(shale_env *env, const char *path, const char *data, size_t n,
                        shale_err *err)
{
    shale_file *f = NULL;
    int rc = shale_env_open_write(env, path, &f, err);
    if (rc != SHALE_OK)
        return rc;
    if ((rc = shale_file_append(f, data, n, err)) == SHALE_OK)
        rc = shale_file_sync(f, err);
    int crc = shale_file_close(f, rc == SHALE_OK ? err : NULL);
    return rc != SHALE_OK ? rc : crc;
}

int set_current_file(shale_env *env, const char *dir, uint64_t manifest_number,
                     shale_err *err)
{
    char line[FILENAME_MAX_LEN + 1];
    size_t n = filename_format(line, sizeof line - 1, FILE_MANIFEST, manifest_number);
    line[n++] = '\n';
    char *tmp = filename_path(dir, FILE_TEMP, manifest_number);
    char *cur = filename_path(dir, FILE_CURRENT, 0);
    int rc;
    if (tmp == NULL || cur == NULL) {
        rc = SHALE_NOMEM(err);
        goto out;
    }
    rc = write_synced(env, tmp, line, n, err);
    if (rc == SHALE_OK)
        rc = env->ops->rename(env, tmp, cur, err);
    if (rc == SHALE_OK) {
        rc = env->ops->sync_dir(env, dir, err);
        goto out;
    }
    (void)env->ops->remove(env, tmp, NULL); /* best effort; the failure is rc */
out:
    free(tmp);
    free(cur);
    return rc;
}

/* Reads all of a small file into buf; *len is its size. */
static int read_small_file(shale_env *env, const char *path, char *buf, size_t cap,
                           size_t *len, shale_err *err)
{
    shale_file *f = NULL;
    uint64_t size = 0;
    int rc = shale_env_open_read(env, path, &f, err);
    if (rc != SHALE_OK)
        return rc;
    if ((rc = shale_file_size(f, &size, err)) != SHALE_OK)
        goto out;
    if (size > cap) {
        rc = SHALE_CORRUPT(err, "CURRENT file corrupted: %" PRIu64 " bytes", size);
        goto out;
    }
    rc = shale_file_pread(f, 0, (size_t)size, buf, len, err);
out:
    shale_file_close(f, NULL);
    return rc;
}

int read_current_file(shale_env *env, const char *dir, uint64_t *manifest_number,
                      shale_err *err)
{
    char buf[CURRENT_MAX_LEN + 1];
    size_t len = 0;
    enum file_kind kind;
    uint64_t number;
    char *path = filename_path(dir, FILE_CURRENT, 0);
    if (path == NULL)
        return SHALE_NOMEM(err);
    int rc = read_small_file(env, path, buf, CURRENT_MAX_LEN, &len, err);
    free(path);
    if (rc != SHALE_OK)
        return rc;
    if (len == 0 || buf[len - 1] != '\n')
        return SHALE_CORRUPT(err, "CURRENT file does not end with newline");
    buf[len - 1] = '\0';
    if (memchr(buf, '\0', len - 1) != NULL || !filename_parse(buf, &kind, &number) ||
        kind != FILE_MANIFEST)
        return SHALE_CORRUPT(err, "CURRENT file corrupted");
    *manifest_number = number;
    return SHALE_OK;
}
