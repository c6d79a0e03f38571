/* lsm/compaction/compaction_filter.h: the objects behind
 * include/shale/compaction_filter.h, and how a compaction obtains its
 * filter.  A factory is reference-counted like a merge operator: the
 * options it was given to hold one reference, each copy of those options
 * (each open database) another. */
#ifndef LSM_COMPACTION_COMPACTION_FILTER_H
#define LSM_COMPACTION_COMPACTION_FILTER_H

#include <stdatomic.h>

#include "shale/compaction_filter.h"

struct shale_compaction_filter {
    void *state;
    void (*destructor)(void *state);
    shale_compaction_filter_fn filter;
    const char *(*name)(void *state);
};

struct shale_compaction_filter_factory {
    atomic_int refs;
    void *state;
    void (*destructor)(void *state);
    shale_compaction_filter *(*create_filter)(void *state,
                                              const shale_compaction_filter_context *ctx);
    const char *(*name)(void *state);
};

void cfilter_factory_ref(shale_compaction_filter_factory *f);
void cfilter_factory_unref(shale_compaction_filter_factory *f);   /* NULL-safe */

/* The filter for one compaction: `shared` if set (borrowed, *owned =
 * false), else one from the factory (*owned = true: destroy it after the
 * compaction), else NULL. */
shale_compaction_filter *cfilter_for_compaction(shale_compaction_filter *shared,
                                                shale_compaction_filter_factory *factory,
                                                const shale_compaction_filter_context *ctx,
                                                bool *owned);

#endif
