/* lsm/compaction/compaction_filter.c: creating, sharing and releasing
 * compaction filters and their factories (the public half of
 * include/shale/compaction_filter.h; the compaction iterator applies them). */
#include "lsm/compaction/compaction_filter.h"

#include <stdlib.h>

shale_compaction_filter *shale_compaction_filter_create(void *state,
                                                        void (*destructor)(void *state),
                                                        shale_compaction_filter_fn filter,
                                                        const char *(*name)(void *state))
{
    if (filter == NULL || name == NULL)
        return NULL;
    shale_compaction_filter *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return NULL;
    f->state = state;
    f->destructor = destructor;
    f->filter = filter;
    f->name = name;
    return f;
}

void shale_compaction_filter_destroy(shale_compaction_filter *f)
{
    if (f == NULL)
        return;
    if (f->destructor != NULL)
        f->destructor(f->state);
    free(f);
}

const char *shale_compaction_filter_name(const shale_compaction_filter *f)
{
    return f->name(f->state);
}

shale_compaction_filter_factory *shale_compaction_filter_factory_create(
    void *state, void (*destructor)(void *state),
    shale_compaction_filter *(*create_filter)(void *state,
                                              const shale_compaction_filter_context *ctx),
    const char *(*name)(void *state))
{
    if (create_filter == NULL || name == NULL)
        return NULL;
    shale_compaction_filter_factory *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return NULL;
    atomic_init(&f->refs, 1);
    f->state = state;
    f->destructor = destructor;
    f->create_filter = create_filter;
    f->name = name;
    return f;
}

void shale_compaction_filter_factory_destroy(shale_compaction_filter_factory *f)
{
    cfilter_factory_unref(f);
}

void cfilter_factory_ref(shale_compaction_filter_factory *f)
{
    atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
}

void cfilter_factory_unref(shale_compaction_filter_factory *f)
{
    if (f == NULL || atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
        return;
    if (f->destructor != NULL)
        f->destructor(f->state);
    free(f);
}

shale_compaction_filter *cfilter_for_compaction(shale_compaction_filter *shared,
                                                shale_compaction_filter_factory *factory,
                                                const shale_compaction_filter_context *ctx,
                                                bool *owned)
{
    *owned = false;
    if (shared != NULL)
        return shared;
    if (factory == NULL)
        return NULL;
    shale_compaction_filter *f = factory->create_filter(factory->state, ctx);
    *owned = f != NULL;
    return f;
}
