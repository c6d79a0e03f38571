/* compat/rocksdb/c_merge_filter.c: merge operators, compaction filters and
 * compaction filter factories, as (state, destructor, function, name)
 * callbacks.
 *
 * The callbacks keep RocksDB's C signatures; shale's own are the same
 * shape, so the trampolines only swap the wrapper for the user's state.
 * Ownership follows RocksDB: options take over a merge operator or a
 * factory (references counted here, since one rocksdb_options_t may open
 * several databases), a compaction filter stays the caller's, and a filter
 * made by a factory is destroyed when its compaction ends. */
#include "compat/rocksdb/c_internal.h"

#include <stdlib.h>
#include <string.h>

/* --- merge operators ------------------------------------------------------------- */
/* compat: implemented */
rocksdb_mergeoperator_t *rocksdb_mergeoperator_create(
    void *state, void (*destructor)(void *),
    char *(*full_merge)(void *, const char *key, size_t key_length, const char *existing_value,
                        size_t existing_value_length, const char *const *operands_list,
                        const size_t *operands_list_length, int num_operands,
                        unsigned char *success, size_t *new_value_length),
    char *(*partial_merge)(void *, const char *key, size_t key_length,
                           const char *const *operands_list, const size_t *operands_list_length,
                           int num_operands, unsigned char *success, size_t *new_value_length),
    void (*delete_value)(void *, const char *value, size_t value_length),
    const char *(*name)(void *))
{
    rocksdb_mergeoperator_t *m = malloc(sizeof *m);
    if (m == NULL)
        return NULL;
    atomic_init(&m->refs, 1);
    m->state = state;
    m->destructor = destructor;
    m->full_merge = full_merge;
    m->partial_merge = partial_merge;
    m->delete_value = delete_value;
    m->name = name;
    return m;
}

void compat_mergeoperator_ref(rocksdb_mergeoperator_t *m)
{
    atomic_fetch_add(&m->refs, 1);
}

void compat_mergeoperator_unref(rocksdb_mergeoperator_t *m)
{
    if (m == NULL || atomic_fetch_sub(&m->refs, 1) != 1)
        return;
    if (m->destructor != NULL)
        m->destructor(m->state);
    free(m);
}

/* compat: implemented */
void rocksdb_mergeoperator_destroy(rocksdb_mergeoperator_t *m)
{
    compat_mergeoperator_unref(m);
}

static char *merge_full(void *w, const char *key, size_t klen, const char *existing,
                        size_t elen, const char *const *ops, const size_t *op_lens, int n,
                        unsigned char *success, size_t *new_len)
{
    rocksdb_mergeoperator_t *m = w;
    return m->full_merge(m->state, key, klen, existing, elen, ops, op_lens, n, success, new_len);
}

static char *merge_partial(void *w, const char *key, size_t klen, const char *const *ops,
                           const size_t *op_lens, int n, unsigned char *success, size_t *new_len)
{
    rocksdb_mergeoperator_t *m = w;
    return m->partial_merge(m->state, key, klen, ops, op_lens, n, success, new_len);
}

static void merge_delete_value(void *w, const char *value, size_t len)
{
    rocksdb_mergeoperator_t *m = w;
    m->delete_value(m->state, value, len);
}

static const char *merge_name(void *w)
{
    rocksdb_mergeoperator_t *m = w;
    return m->name(m->state);
}

static void merge_release(void *w)
{
    compat_mergeoperator_unref(w);
}

shale_merge_operator *compat_mergeoperator_to_shale(rocksdb_mergeoperator_t *m)
{
    compat_mergeoperator_ref(m);
    shale_merge_operator *op = shale_merge_operator_create(
        m, merge_release, merge_full, m->partial_merge != NULL ? merge_partial : NULL,
        m->delete_value != NULL ? merge_delete_value : NULL, merge_name);
    if (op == NULL)
        compat_mergeoperator_unref(m);
    return op;
}

/* --- compaction filters ------------------------------------------------------------ */
/* RocksDB's C filter sees values only (merge operands are kept) and
 * answers "remove?", optionally with a new value it keeps owning. */
static int filter_call(void *w, int level, const char *key, size_t klen, int kind,
                       const char *value, size_t vlen, char **new_value, size_t *new_len)
{
    rocksdb_compactionfilter_t *f = w;
    if (kind != SHALE_FILTER_VALUE)
        return SHALE_FILTER_KEEP;
    char *changed = NULL;
    size_t changed_len = 0;
    unsigned char value_changed = 0;
    unsigned char remove = f->filter(f->state, level, key, klen, value, vlen, &changed,
                                     &changed_len, &value_changed);
    if (remove)
        return SHALE_FILTER_REMOVE;
    if (!value_changed)
        return SHALE_FILTER_KEEP;
    *new_value = compat_memdup(changed, changed_len);
    *new_len = changed_len;
    return *new_value != NULL ? SHALE_FILTER_CHANGE_VALUE : -1;
}

static const char *filter_name(void *w)
{
    rocksdb_compactionfilter_t *f = w;
    return f->name(f->state);
}

static void filter_release(void *w)
{
    rocksdb_compactionfilter_t *f = w;
    if (f->destructor != NULL)
        f->destructor(f->state);
    free(f);
}

/* compat: implemented */
rocksdb_compactionfilter_t *rocksdb_compactionfilter_create(
    void *state, void (*destructor)(void *),
    unsigned char (*filter)(void *, int level, const char *key, size_t key_length,
                            const char *existing_value, size_t value_length, char **new_value,
                            size_t *new_value_length, unsigned char *value_changed),
    const char *(*name)(void *))
{
    rocksdb_compactionfilter_t *f = malloc(sizeof *f);
    if (f == NULL)
        return NULL;
    f->state = state;
    f->destructor = destructor;
    f->filter = filter;
    f->name = name;
    f->shale = shale_compaction_filter_create(f, filter_release, filter_call, filter_name);
    if (f->shale == NULL) {
        free(f);
        return NULL;
    }
    return f;
}

/* compat: partial: accepted and ignored, as in RocksDB 7.8.3 (snapshots never shield entries) */
void rocksdb_compactionfilter_set_ignore_snapshots(rocksdb_compactionfilter_t *f,
                                                   unsigned char v)
{
    (void)f;
    (void)v;
}

/* compat: implemented */
void rocksdb_compactionfilter_destroy(rocksdb_compactionfilter_t *f)
{
    if (f != NULL)
        shale_compaction_filter_destroy(f->shale);   /* frees f through filter_release */
}

/* compat: implemented */
unsigned char rocksdb_compactionfiltercontext_is_full_compaction(
    rocksdb_compactionfiltercontext_t *context)
{
    return context->is_full_compaction;
}

/* compat: implemented */
unsigned char rocksdb_compactionfiltercontext_is_manual_compaction(
    rocksdb_compactionfiltercontext_t *context)
{
    return context->is_manual_compaction;
}

/* --- compaction filter factories ----------------------------------------------------- */
/* compat: implemented */
rocksdb_compactionfilterfactory_t *rocksdb_compactionfilterfactory_create(
    void *state, void (*destructor)(void *),
    rocksdb_compactionfilter_t *(*create_compaction_filter)(
        void *, rocksdb_compactionfiltercontext_t *context),
    const char *(*name)(void *))
{
    rocksdb_compactionfilterfactory_t *f = malloc(sizeof *f);
    if (f == NULL)
        return NULL;
    atomic_init(&f->refs, 1);
    f->state = state;
    f->destructor = destructor;
    f->create = create_compaction_filter;
    f->name = name;
    return f;
}

void compat_cfilter_factory_ref(rocksdb_compactionfilterfactory_t *f)
{
    atomic_fetch_add(&f->refs, 1);
}

void compat_cfilter_factory_unref(rocksdb_compactionfilterfactory_t *f)
{
    if (f == NULL || atomic_fetch_sub(&f->refs, 1) != 1)
        return;
    if (f->destructor != NULL)
        f->destructor(f->state);
    free(f);
}

/* compat: implemented */
void rocksdb_compactionfilterfactory_destroy(rocksdb_compactionfilterfactory_t *f)
{
    compat_cfilter_factory_unref(f);
}

static shale_compaction_filter *factory_create(void *w,
                                               const shale_compaction_filter_context *ctx)
{
    rocksdb_compactionfilterfactory_t *f = w;
    rocksdb_compactionfiltercontext_t c = {ctx->is_full_compaction, ctx->is_manual_compaction};
    rocksdb_compactionfilter_t *filter = f->create(f->state, &c);
    return filter != NULL ? filter->shale : NULL;   /* shale destroys it after the compaction */
}

static const char *factory_name(void *w)
{
    rocksdb_compactionfilterfactory_t *f = w;
    return f->name(f->state);
}

static void factory_release(void *w)
{
    compat_cfilter_factory_unref(w);
}

shale_compaction_filter_factory *compat_cfilter_factory_to_shale(
    rocksdb_compactionfilterfactory_t *f)
{
    compat_cfilter_factory_ref(f);
    shale_compaction_filter_factory *s =
        shale_compaction_filter_factory_create(f, factory_release, factory_create, factory_name);
    if (s == NULL)
        compat_cfilter_factory_unref(f);
    return s;
}
