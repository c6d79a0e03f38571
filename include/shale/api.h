/* include/shale/api.h: what every public header needs: export and
 * result-checking macros, the library version, and shale_free().
 * Stable: new macros may appear, none changes meaning. */
#ifndef SHALE_API_H
#define SHALE_API_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SHALE_VERSION_MAJOR 0
#define SHALE_VERSION_MINOR 1
#define SHALE_VERSION_PATCH 0
#define SHALE_VERSION_STRING "0.1.0"

#if defined(__GNUC__) || defined(__clang__)
#define SHALE_API __attribute__((visibility("default")))
#define SHALE_MUST_CHECK __attribute__((warn_unused_result))
#define SHALE_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SHALE_API
#define SHALE_MUST_CHECK
#define SHALE_PRINTF(fmt, args)
#endif

/* Calls marked SHALE_EXPERIMENTAL may change between minor versions. */
#define SHALE_EXPERIMENTAL SHALE_API

/* shale_version(): the library's version as "MAJOR.MINOR.PATCH"; a static
 * string, never freed.  Thread-safe. */
SHALE_API const char *shale_version(void);

/* shale_free(): releases a buffer that a shale call documented as "free with
 * shale_free()".  NULL is allowed.  Thread-safe. */
SHALE_API void shale_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
