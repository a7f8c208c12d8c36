/*
 * The snapshot: objects per kind in a hash table (lookups) and a sorted array (ordered
 * iteration, ordinals for the resolver's scratch arrays), interned namespaces, and every
 * load diagnostic in one sorted index. Changes are committed in two phases — reserve
 * everything that can fail, then mutate — so an allocation failure leaves the snapshot
 * exactly as it was.
 */
#include "snapshot_internal.h"
#include "config_internal.h"
#include "convert.h"
#include "snapshot_load.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

typedef struct key_ref {
    const char *ns;
    size_t ns_len;
    const char *name;
    size_t name_len;
} key_ref;

static bool object_has_key(const void *value, const void *key)
{
    const contour_object *o = value;
    const key_ref *k = key;
    return o->ns_len == k->ns_len && o->name_len == k->name_len &&
           memcmp(o->name, k->name, k->name_len) == 0 && memcmp(o->ns, k->ns, k->ns_len) == 0;
}

static uint64_t object_hash(const cx_map *m, const char *ns, size_t ns_len, const char *name,
                            size_t name_len)
{
    return cx_hash_pair(m->key, ns, ns_len, name, name_len);
}

static bool valid_kind(contour_kind kind)
{
    return kind >= 1 && kind <= CONTOUR_KIND_COUNT;
}

int cx_object_key_compare(const contour_object *a, const contour_object *b)
{
    if (a->ns != b->ns) {
        int c = strcmp(a->ns, b->ns);
        if (c)
            return c;
    }
    return strcmp(a->name, b->name);
}

const contour_object *cx_snapshot_find(const contour_snapshot *s, contour_kind kind, const char *ns,
                                       size_t ns_len, const char *name, size_t name_len)
{
    if (!valid_kind(kind))
        return NULL;
    const cx_map *m = &s->by_key[kind];
    key_ref k = {ns, ns_len, name, name_len};
    return cx_map_find(m, object_hash(m, ns, ns_len, name, name_len), object_has_key, &k);
}

/* ---- namespaces ---- */

typedef struct str_ref {
    const char *s;
    size_t len;
} str_ref;

static bool interned_is(const void *value, const void *key)
{
    const str_ref *k = key;
    const char *v = value;
    return strncmp(v, k->s, k->len) == 0 && v[k->len] == '\0';
}

const char *cx_snapshot_intern_ns(void *ud, const char *ns, size_t len)
{
    contour_snapshot *s = ud;
    str_ref k = {ns, len};
    uint64_t h = cx_hash_bytes(s->namespaces.key, ns, len);
    const char *found = cx_map_find(&s->namespaces, h, interned_is, &k);
    if (found)
        return found;
    if (!cx_map_reserve(&s->namespaces, 1))
        return NULL;
    char *copy = cx_arena_strndup(&s->ns_arena, ns, len);
    if (!copy)
        return NULL;
    cx_map_put(&s->namespaces, h, interned_is, &k, copy);
    return copy;
}

/* ---- lifecycle ---- */

contour_status contour_snapshot_new(contour_snapshot **out, const contour_config *config)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!config)
        config = cx_config_default();
    const cx_alloc *a = &config->alloc;
    contour_snapshot *s = cx_calloc(a, 1, sizeof *s);
    if (!s)
        return CONTOUR_ERR_NOMEM;
    s->alloc = config->alloc;
    s->limits = config->limits;
    s->follow_links = config->follow_links;
    size_t ns_len = strlen(config->default_ns);
    s->default_ns = cx_malloc(&s->alloc, ns_len + 1);
    if (!s->default_ns) {
        cx_free(a, s);
        return CONTOUR_ERR_NOMEM;
    }
    memcpy(s->default_ns, config->default_ns, ns_len + 1);
    for (int k = 1; k < CX_KIND_SLOTS; k++)
        cx_map_init(&s->by_key[k], &s->alloc);
    cx_map_init(&s->namespaces, &s->alloc);
    cx_arena_init(&s->ns_arena, &s->alloc, 1024);
    cx_arena_init(&s->source_arena, &s->alloc, 1024);
    *out = s;
    return CONTOUR_OK;
}

void contour_snapshot_free(contour_snapshot *s)
{
    if (!s)
        return;
    for (int k = 1; k < CX_KIND_SLOTS; k++) {
        for (size_t i = 0; i < s->count[k]; i++)
            cx_object_free(&s->alloc, s->sorted[k][i]);
        cx_free(&s->alloc, s->sorted[k]);
        cx_map_release(&s->by_key[k]);
    }
    cx_map_release(&s->namespaces);
    cx_arena_release(&s->ns_arena);
    cx_arena_release(&s->source_arena);
    cx_free(&s->alloc, s->diag_index);
    cx_free(&s->alloc, s->default_ns);
    cx_alloc a = s->alloc;
    cx_free(&a, s);
}

/* ---- the diagnostic index ---- */

/* An upper bound on the diagnostics the snapshot holds. */
static size_t diag_total(const contour_snapshot *s)
{
    size_t n = s->source_diags.count;
    for (int k = 1; k < CX_KIND_SLOTS; k++) {
        for (size_t i = 0; i < s->count[k]; i++)
            n += s->sorted[k][i]->diags.count;
    }
    return n;
}

/* Refills the index; `capacity` entries must already be allocated. */
static void rebuild_diag_index(contour_snapshot *s)
{
    size_t n = 0, errors = 0;
    for (const contour_diagnostic *d = s->source_diags.head; d; d = d->next)
        s->diag_index[n++] = d;
    for (int k = 1; k < CX_KIND_SLOTS; k++) {
        for (size_t i = 0; i < s->count[k]; i++) {
            for (const contour_diagnostic *d = s->sorted[k][i]->diags.head; d; d = d->next)
                s->diag_index[n++] = d;
        }
    }
    if (n > 1)
        qsort((void *)s->diag_index, n, sizeof *s->diag_index, cx_diag_ptr_compare);
    for (size_t i = 0; i < n; i++)
        errors += s->diag_index[i]->severity == CONTOUR_SEVERITY_ERROR;
    s->diag_count = n;
    s->error_count = errors;
}

/* Makes the index large enough for `n` entries. */
static bool reserve_diag_index(contour_snapshot *s, size_t n, const contour_diagnostic ***fresh)
{
    *fresh = NULL;
    if (n <= s->diag_count)
        return true;
    size_t bytes;
    if (!cx_size_mul(n, sizeof(const contour_diagnostic *), &bytes))
        return false;
    *fresh = cx_malloc(&s->alloc, bytes);
    return *fresh != NULL;
}

/* ---- committing a load ---- */

static void set_ordinals(contour_snapshot *s, int kind, size_t from)
{
    for (size_t i = from; i < s->count[kind]; i++)
        s->sorted[kind][i]->ordinal = (uint32_t)i;
}

/* Adds a "duplicate-object" warning to `winner`, which replaces `loser`. */
static bool warn_duplicate(const contour_object *loser, contour_object *winner)
{
    cx_strbuf msg;
    cx_strbuf_init(&msg, winner->arena.alloc);
    cx_strbuf_printf(&msg, "duplicate %s %s/%s: this definition replaces the one at %s:%u:%u",
                     contour_kind_name(winner->kind), winner->ns, winner->name, loser->source->name,
                     loser->pos.line, loser->pos.col);
    bool ok = !msg.oom;
    if (ok) {
        cx_diag_sink sink = {&winner->arena, &winner->diags, NULL};
        cx_objref ref = {winner->kind, winner->ns, winner->name};
        ok = cx_diag_add(sink, CONTOUR_SEVERITY_WARNING, "duplicate-object", winner->source->name,
                         winner->pos, ref, NULL, msg.data, msg.len) != NULL;
    }
    cx_strbuf_release(&msg);
    if (!ok)
        return false;
    /* Keep the object's own position-ordered view complete. */
    size_t n = winner->diags.count;
    const contour_diagnostic **sorted = cx_arena_array(&winner->arena, n, sizeof *sorted);
    if (!sorted)
        return false;
    size_t i = 0;
    for (const contour_diagnostic *d = winner->diags.head; d; d = d->next)
        sorted[i++] = d;
    qsort((void *)sorted, n, sizeof *sorted, cx_diag_ptr_compare);
    winner->sorted_diags = sorted;
    return true;
}

typedef struct staged_key {
    contour_object *o;
    size_t order;
} staged_key;

static int staged_compare(const void *pa, const void *pb)
{
    const staged_key *a = pa, *b = pb;
    if (a->o->kind != b->o->kind)
        return (int)a->o->kind - (int)b->o->kind;
    int c = cx_object_key_compare(a->o, b->o);
    if (c)
        return c;
    return (a->order > b->order) - (a->order < b->order);
}

contour_status cx_snapshot_commit(contour_snapshot *s, contour_object **staged, size_t n)
{
    if (n == 0) {
        /* Only source diagnostics may have changed. */
        const contour_diagnostic **fresh;
        if (!reserve_diag_index(s, diag_total(s), &fresh))
            return CONTOUR_ERR_NOMEM;
        if (fresh) {
            cx_free(&s->alloc, s->diag_index);
            s->diag_index = fresh;
        }
        rebuild_diag_index(s);
        return CONTOUR_OK;
    }

    /* Phase 1: everything that can fail. Sort the staged objects by key (stable on load
     * order) so that duplicates within this load are adjacent: the last one wins. */
    staged_key *order = cx_malloc(&s->alloc, n * sizeof *order);
    if (!order)
        return CONTOUR_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        order[i].o = staged[i];
        order[i].order = i;
    }
    qsort(order, n, sizeof *order, staged_compare);

    size_t add[CX_KIND_SLOTS] = {0};
    size_t new_diags = 0;
    contour_status st = CONTOUR_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        contour_object *o = order[i].o;
        bool superseded = i + 1 < n && order[i + 1].o->kind == o->kind &&
                          cx_object_key_compare(order[i + 1].o, o) == 0;
        if (superseded) {
            if (!warn_duplicate(o, order[i + 1].o))
                goto fail;
            continue;
        }
        const contour_object *old =
            cx_snapshot_find(s, o->kind, o->ns, o->ns_len, o->name, o->name_len);
        if (old && !warn_duplicate(old, o))
            goto fail;
        add[o->kind] += old ? 0 : 1;
        new_diags += o->diags.count;
    }
    for (int k = 1; k < CX_KIND_SLOTS; k++) {
        if (!add[k])
            continue;
        if (!cx_map_reserve(&s->by_key[k], add[k]))
            goto fail;
        size_t need = s->count[k] + add[k];
        if (need > s->cap[k]) {
            size_t cap = s->cap[k] ? s->cap[k] : 16;
            while (cap < need)
                cap *= 2;
            contour_object **p = cx_realloc(&s->alloc, s->sorted[k], cap * sizeof *p);
            if (!p)
                goto fail;
            s->sorted[k] = p;
            s->cap[k] = cap;
        }
    }
    const contour_diagnostic **fresh_index;
    if (!reserve_diag_index(s, diag_total(s) + new_diags, &fresh_index))
        goto fail;

    /* Phase 2: nothing below can fail. */
    if (fresh_index) {
        cx_free(&s->alloc, s->diag_index);
        s->diag_index = fresh_index;
    }
    size_t old_count[CX_KIND_SLOTS];
    for (int k = 1; k < CX_KIND_SLOTS; k++)
        old_count[k] = s->count[k];
    for (size_t i = 0; i < n; i++) {
        contour_object *o = order[i].o;
        bool superseded = i + 1 < n && order[i + 1].o->kind == o->kind &&
                          cx_object_key_compare(order[i + 1].o, o) == 0;
        if (superseded) {
            cx_object_free(&s->alloc, o);
            continue;
        }
        cx_map *m = &s->by_key[o->kind];
        key_ref k = {o->ns, o->ns_len, o->name, o->name_len};
        uint64_t h = object_hash(m, k.ns, k.ns_len, k.name, k.name_len);
        contour_object *old = cx_map_put(m, h, object_has_key, &k, o);
        if (old) {
            /* Same key, same place in the order: swap in place. */
            o->ordinal = old->ordinal;
            s->sorted[o->kind][old->ordinal] = o;
            cx_object_free(&s->alloc, old);
        } else {
            s->sorted[o->kind][s->count[o->kind]++] = o;
        }
    }
    /* The new objects were appended in key order (order[] is sorted): merge the two sorted
     * runs from the back, using order[]'s memory for the new run. O(n) per kind. */
    contour_object **run = (contour_object **)order;
    for (int k = 1; k < CX_KIND_SLOTS; k++) {
        size_t m = s->count[k] - old_count[k];
        if (!m)
            continue;
        contour_object **a = s->sorted[k];
        memcpy(run, a + old_count[k], m * sizeof *run);
        size_t i = old_count[k], j = m, w = s->count[k];
        while (j > 0) {
            if (i > 0 && cx_object_key_compare(a[i - 1], run[j - 1]) > 0)
                a[--w] = a[--i];
            else
                a[--w] = run[--j];
        }
        set_ordinals(s, k, 0);
    }
    rebuild_diag_index(s);
    cx_free(&s->alloc, order);
    return CONTOUR_OK;

fail:
    cx_free(&s->alloc, order);
    return st;
}

/* ---- public accessors ---- */

contour_status contour_snapshot_remove(contour_snapshot *s, contour_kind kind, const char *ns,
                                       size_t ns_len, const char *name, size_t name_len)
{
    if (!s || !valid_kind(kind) || (!ns && ns_len) || (!name && name_len))
        return CONTOUR_ERR_INVALID;
    cx_map *m = &s->by_key[kind];
    key_ref k = {ns ? ns : "", ns_len, name ? name : "", name_len};
    contour_object *o =
        cx_map_remove(m, object_hash(m, k.ns, ns_len, k.name, name_len), object_has_key, &k);
    if (!o)
        return CONTOUR_ERR_NOT_FOUND;
    size_t at = o->ordinal;
    memmove(&s->sorted[kind][at], &s->sorted[kind][at + 1],
            (s->count[kind] - at - 1) * sizeof *s->sorted[kind]);
    s->count[kind]--;
    set_ordinals(s, kind, at);
    cx_object_free(&s->alloc, o);
    /* The index only shrinks: refill it in place. */
    rebuild_diag_index(s);
    return CONTOUR_OK;
}

size_t contour_snapshot_object_count(const contour_snapshot *s, contour_kind kind)
{
    if (!s || !valid_kind(kind))
        return 0;
    return s->count[kind];
}

const contour_object *contour_snapshot_object_at(const contour_snapshot *s, contour_kind kind,
                                                 size_t index)
{
    if (!s || !valid_kind(kind) || index >= s->count[kind])
        return NULL;
    return s->sorted[kind][index];
}

contour_status contour_snapshot_find(const contour_object **out, const contour_snapshot *s,
                                     contour_kind kind, const char *ns, size_t ns_len,
                                     const char *name, size_t name_len)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!s || !valid_kind(kind) || (!ns && ns_len) || (!name && name_len))
        return CONTOUR_ERR_INVALID;
    *out = cx_snapshot_find(s, kind, ns ? ns : "", ns_len, name ? name : "", name_len);
    return *out ? CONTOUR_OK : CONTOUR_ERR_NOT_FOUND;
}

size_t contour_snapshot_diagnostic_count(const contour_snapshot *s)
{
    return s ? s->diag_count : 0;
}

const contour_diagnostic *contour_snapshot_diagnostic_at(const contour_snapshot *s, size_t index)
{
    if (!s || index >= s->diag_count)
        return NULL;
    return s->diag_index[index];
}

size_t contour_snapshot_error_count(const contour_snapshot *s)
{
    return s ? s->error_count : 0;
}
