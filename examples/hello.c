/* examples/hello.c: the README's example, built in CI so it stays true:
 * open (creating) a database, put a key, read it back. */
#include <stdio.h>
#include "shale/db.h"

int main(void)
{
    shale_options *o = shale_options_new();          /* RocksDB's names and defaults */
    shale_options_set_create_if_missing(o, true);
    shale_db *db = NULL;
    shale_err err = {0};
    if (shale_db_open(o, "/tmp/shale-example", &db, &err) != SHALE_OK) {
        char msg[256];
        fprintf(stderr, "%s\n", shale_err_format(&err, msg, sizeof msg));  /* "IO error: ..." */
        return 1;
    }
    int rc = shale_put(db, NULL, "user:1", 6, "alice", 5, &err);
    char *val = NULL;
    size_t len = 0;
    if (rc == SHALE_OK && shale_get(db, NULL, "user:1", 6, &val, &len, &err) == SHALE_OK)
        printf("%.*s\n", (int)len, val);                   /* alice */
    shale_free(val);
    shale_db_close(db, &err);
    shale_options_free(o);
    return 0;
}
