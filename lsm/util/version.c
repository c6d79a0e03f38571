/* lsm/util/version.c: the library version and shale_free(), the release
 * function for buffers shale hands out. */
#include "shale/api.h"

#include <stdlib.h>

const char *shale_version(void) { return SHALE_VERSION_STRING; }

void shale_free(void *p) { free(p); }
