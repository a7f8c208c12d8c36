/*
 * The snapshot: objects by key and in order, load diagnostics in order, the indexes
 * resolution reads, and the log of changes incremental resolution reads.
 *
 * A change costs O(what it touches · log n): one load of one object into a snapshot of a
 * million is a handful of tree edits, never a pass over the others.
 *
 * Commits have two phases. Phase 1 does everything that can fail — interning keys,
 * inserting into the ordered trees, reserving index entries, adding duplicate warnings to
 * staged objects — and undoes it on failure. Phase 2 only removes and swaps, which cannot
 * fail: the snapshot's trees are never shared, so a removal edits nodes in place.
 */
#include "snapshot_internal.h"
#include "convert.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

static bool valid_kind(contour_kind kind)
{
    return kind >= 1 && kind <= CX_KIND_COUNT;
}

int cx_object_key_compare(const contour_object *a, const contour_object *b)
{
    if (a->key && b->key)
        return cx_key_compare(a->key, b->key);
    int c = strcmp(a->ns, b->ns);
    return c ? c : strcmp(a->name, b->name);
}

static int object_order(const void *a, const void *b)
{
    return cx_object_key_compare(a, b);
}

static int diag_order(const void *a, const void *b)
{
    return cx_diag_compare(a, b);
}

static void count_severity(const void *e, uint64_t agg[CX_PT_AGG])
{
    const contour_diagnostic *d = e;
    if (d->severity < CX_SEVERITY_COUNT)
        agg[d->severity]++;
}

/* The snapshot's trees do not count references: it holds its objects directly. */
static const cx_pt_ops object_ops = {object_order, NULL, NULL, NULL};
static const cx_pt_ops diag_ops = {diag_order, NULL, NULL, count_severity};

bool cx_snapshot_holds(const contour_snapshot *s, const contour_object *o)
{
    const cx_key *k = o ? o->key : NULL;
    return k && k->id < s->keys.top && s->keys.by_id[k->id] == k && k->obj == o;
}

const contour_object *cx_snapshot_find(const contour_snapshot *s, contour_kind kind, const char *ns,
                                       size_t ns_len, const char *name, size_t name_len)
{
    const cx_key *k = cx_keytab_find(&s->keys, kind, ns, ns_len, name, name_len);
    return k ? k->obj : NULL;
}

/* ---- lifetime ---- */

contour_result contour_snapshot_new(contour_snapshot **out, const contour_config *config)
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
    s->log.ring = cx_calloc(&s->alloc, CX_LOG_CAPACITY, sizeof *s->log.ring);
    if (!s->log.ring || !cx_config_copy_into(&s->config, config, &s->alloc)) {
        cx_free(a, s->log.ring);
        cx_free(a, s);
        return CONTOUR_ERR_NOMEM;
    }
    s->limits = s->config.limits;
    s->default_ns = s->config.default_ns;
    s->uid = cx_hash_key_random().k0 | 1;
    cx_keytab_init(&s->keys, &s->alloc);
    for (int k = 1; k < CX_KIND_SLOTS; k++)
        cx_pt_init(&s->order[k], &object_ops, &s->alloc);
    cx_pt_init(&s->diags, &diag_ops, &s->alloc);
    cx_vhindex_init(&s->vhosts, &s->alloc);
    cx_map_init(&s->source_names, &s->alloc);
    cx_tcdindex_init(&s->tcd, &s->alloc);
    *out = s;
    return CONTOUR_OK;
}

static void change_release(const contour_snapshot *s, cx_change *c)
{
    cx_key_release(c->key, &s->alloc);
    cx_object_release(c->old, &s->alloc);
    if (c->source)
        cx_shared_release(&c->source->rc, &s->alloc);
    memset(c, 0, sizeof *c);
}

void contour_snapshot_free(contour_snapshot *s)
{
    if (!s)
        return;
    const cx_alloc *a = &s->alloc;
    for (size_t i = 0; i < s->log.len; i++)
        change_release(s, &s->log.ring[(s->log.head + i) % CX_LOG_CAPACITY]);
    cx_free(a, s->log.ring);
    /* Objects first (they release their keys and sources as they go), then what is left. */
    for (int k = 1; k < CX_KIND_SLOTS; k++) {
        cx_pt_iter it;
        cx_pt_iter_init(&it, &s->order[k], 0);
        for (contour_object *o; (o = cx_pt_iter_next(&it));)
            cx_object_release(o, a);
        cx_pt_release(&s->order[k]);
    }
    cx_pt_release(&s->diags);
    for (cx_source *src = s->sources, *next; src; src = next) {
        next = src->next;
        cx_shared_release(&src->rc, a);
    }
    cx_map_release(&s->source_names);
    cx_vhindex_release(&s->vhosts);
    cx_tcdindex_release(&s->tcd);
    cx_keytab_release(&s->keys);
    cx_config_release(&s->config);
    cx_alloc copy = s->alloc; /* the allocator lives in the struct being freed */
    cx_free(&copy, s);
}

const contour_config *contour_snapshot_config(const contour_snapshot *s)
{
    return s ? &s->config : NULL;
}

/* ---- the change log ---- */

static void log_push(contour_snapshot *s, cx_change c)
{
    cx_changelog *l = &s->log;
    if (l->len == CX_LOG_CAPACITY) {
        cx_change *oldest = &l->ring[l->head];
        l->floor = oldest->version;
        change_release(s, oldest);
        l->head = (l->head + 1) % CX_LOG_CAPACITY;
        l->len--;
    }
    if (c.key)
        cx_key_retain(c.key);
    if (c.old)
        cx_object_retain(c.old);
    if (c.source)
        cx_shared_retain(&c.source->rc);
    l->ring[(l->head + l->len) % CX_LOG_CAPACITY] = c;
    l->len++;
}

/* A change bigger than the log: nothing before it can be replayed, so drop everything and
 * say so (cheaper than logging entries that would be dropped at once). */
static void log_reset(contour_snapshot *s, uint64_t version)
{
    cx_changelog *l = &s->log;
    for (size_t i = 0; i < l->len; i++)
        change_release(s, &l->ring[(l->head + i) % CX_LOG_CAPACITY]);
    l->head = 0;
    l->len = 0;
    l->floor = version;
}

bool cx_snapshot_changes(const contour_snapshot *s, uint64_t since, size_t *first, size_t *count)
{
    const cx_changelog *l = &s->log;
    if (since < l->floor)
        return false;
    size_t i = 0;
    while (i < l->len && l->ring[(l->head + i) % CX_LOG_CAPACITY].version <= since)
        i++;
    *first = i;
    *count = l->len - i;
    return true;
}

const cx_change *cx_snapshot_change_at(const contour_snapshot *s, size_t first, size_t i)
{
    return &s->log.ring[(s->log.head + first + i) % CX_LOG_CAPACITY];
}

/* ---- objects entering and leaving ---- */

typedef struct intern_ctx {
    cx_keytab *keys;
    bool oom;
} intern_ctx;

static void intern_ref(void *ctx, cx_key **slot, contour_kind kind, const char *ns, size_t ns_len,
                       const char *name, size_t name_len)
{
    intern_ctx *c = ctx;
    if (*slot || c->oom)
        return;
    *slot = cx_keytab_intern(c->keys, kind, ns, ns_len, name, name_len);
    c->oom = *slot == NULL;
}

static void use_ref(void *ctx, cx_key **slot, contour_kind kind, const char *ns, size_t ns_len,
                    const char *name, size_t name_len)
{
    (void)ctx, (void)kind, (void)ns, (void)ns_len, (void)name, (void)name_len;
    if (*slot)
        cx_keytab_use(*slot);
}

static void unuse_ref(void *ctx, cx_key **slot, contour_kind kind, const char *ns, size_t ns_len,
                      const char *name, size_t name_len)
{
    (void)kind, (void)ns, (void)ns_len, (void)name, (void)name_len;
    if (*slot)
        cx_keytab_unuse(ctx, *slot);
}

static void drop_ref(void *ctx, cx_key **slot, contour_kind kind, const char *ns, size_t ns_len,
                     const char *name, size_t name_len)
{
    (void)kind, (void)ns, (void)ns_len, (void)name, (void)name_len;
    if (*slot)
        cx_keytab_drop_unused(ctx, *slot);
}

/* Interns an object's own key and those of its references (phase 1). */
static bool intern_object(contour_snapshot *s, contour_object *o)
{
    if (!o->key) {
        o->key = cx_keytab_intern(&s->keys, o->kind, o->ns, o->ns_len, o->name, o->name_len);
        o->key_id = o->key ? o->key->id : 0;
        if (!o->key)
            return false;
    }
    intern_ctx c = {&s->keys, false};
    cx_object_refs(o, intern_ref, &c);
    return !c.oom;
}

/* Takes out of the table the keys a rolled-back object interned and nobody uses. */
static void drop_object_keys(contour_snapshot *s, contour_object *o)
{
    cx_object_refs(o, drop_ref, &s->keys);
    if (o->key)
        cx_keytab_drop_unused(&s->keys, o->key);
}

static bool insert_diags(cx_ptree *t, const cx_diag_list *l, size_t *done)
{
    *done = 0;
    for (const contour_diagnostic *d = l->head; d; d = d->next) {
        if (!cx_pt_insert(t, (void *)d))
            return false;
        ++*done;
    }
    return true;
}

static void remove_diags(cx_ptree *t, const cx_diag_list *l, size_t n)
{
    size_t i = 0;
    for (const contour_diagnostic *d = l->head; d && i < n; d = d->next, i++) {
        bool found;
        cx_pt_remove(t, d, &found);
    }
}

/* Phase 2: an object leaves (it may be replaced: `next` then already holds its key). */
static void object_leave(contour_snapshot *s, contour_object *o, contour_object *next)
{
    bool found;
    cx_pt_remove(&s->order[o->kind], o, &found);
    remove_diags(&s->diags, &o->diags, o->diags.count);
    if (o->kind == CONTOUR_KIND_INGRESSROUTE || o->kind == CONTOUR_KIND_INGRESS)
        cx_vhindex_remove(&s->vhosts, o);
    if (o->kind == CONTOUR_KIND_TLSCERTIFICATEDELEGATION)
        cx_tcdindex_remove(&s->tcd, o);
    if (!next)
        log_push(s, (cx_change){s->version, CX_CHANGE_OBJECT, o->key, o, NULL});
    if (o->key->obj == o)
        o->key->obj = NULL;
    cx_object_refs(o, unuse_ref, &s->keys);
    cx_keytab_unuse(&s->keys, o->key);
    /* Out of its source's list: the last one takes its slot. */
    cx_vec *list = &o->source->objects;
    contour_object *last = *(contour_object **)cx_vec_at(list, list->len - 1);
    *(contour_object **)cx_vec_at(list, o->source_slot) = last;
    last->source_slot = o->source_slot;
    list->len--;
    cx_object_release(o, &s->alloc);
}

/* Phase 2: a staged object enters (its trees, diagnostics and index entries are in). */
static void object_enter(contour_snapshot *s, contour_object *o, contour_object *old, bool log)
{
    cx_keytab_use(o->key);
    cx_object_refs(o, use_ref, NULL);
    o->key->obj = o;
    o->source_slot = (uint32_t)o->source->objects.len;
    cx_vec_push(&o->source->objects, &o); /* reserved in phase 1 */
    if (o->kind == CONTOUR_KIND_INGRESSROUTE || o->kind == CONTOUR_KIND_INGRESS)
        cx_vhindex_add(&s->vhosts, o);
    if (o->kind == CONTOUR_KIND_TLSCERTIFICATEDELEGATION)
        cx_tcdindex_add(&s->tcd, o);
    if (log)
        log_push(s, (cx_change){s->version, CX_CHANGE_OBJECT, o->key, old, NULL});
}

/* ---- sources by name ---- */

typedef struct name_ref {
    const char *name;
    size_t len;
} name_ref;

static bool source_is(const void *value, const void *key)
{
    const cx_source *src = value;
    const name_ref *r = key;
    return src->name_len == r->len && memcmp(src->name, r->name, r->len) == 0;
}

static uint64_t name_hash(const contour_snapshot *s, const char *name, size_t len)
{
    return cx_hash_bytes(s->source_names.key, name, len);
}

/* The newest listed source named name[0..len), then the others along same_name. */
static cx_source *sources_named(const contour_snapshot *s, const char *name, size_t len)
{
    name_ref r = {name, len};
    return cx_map_find(&s->source_names, name_hash(s, name, len), source_is, &r);
}

/* Map room was reserved in phase 1 (cx_map_reserve), so this cannot fail. */
static void names_add(contour_snapshot *s, cx_source *src)
{
    name_ref r = {src->name, src->name_len};
    uint64_t h = name_hash(s, src->name, src->name_len);
    src->same_name = cx_map_find(&s->source_names, h, source_is, &r);
    cx_map_put(&s->source_names, h, source_is, &r, src); /* replaces the old head */
}

static void names_remove(contour_snapshot *s, cx_source *src)
{
    name_ref r = {src->name, src->name_len};
    uint64_t h = name_hash(s, src->name, src->name_len);
    cx_source *head = cx_map_find(&s->source_names, h, source_is, &r);
    if (head == src && src->same_name) {
        cx_map_put(&s->source_names, h, source_is, &r, src->same_name);
    } else if (head == src) {
        cx_map_remove(&s->source_names, h, source_is, &r);
    } else {
        for (cx_source *x = head; x; x = x->same_name) {
            if (x->same_name == src) {
                x->same_name = src->same_name;
                break;
            }
        }
    }
    src->same_name = NULL;
}

/* Phase 2: sources. A source is listed while it has objects in the snapshot or
 * source-level diagnostics, or was set by name (cx_source.kept). */
static void source_list(contour_snapshot *s, cx_source *src, bool log)
{
    cx_shared_retain(&src->rc);
    src->listed = true;
    names_add(s, src);
    src->prev = NULL;
    src->next = s->sources;
    if (s->sources)
        s->sources->prev = src;
    s->sources = src;
    if (log && src->diags.count)
        log_push(s, (cx_change){s->version, CX_CHANGE_SOURCE_ADDED, NULL, NULL, src});
}

static void source_unlist(contour_snapshot *s, cx_source *src, bool log)
{
    if (!src->listed)
        return;
    names_remove(s, src);
    if (src->prev)
        src->prev->next = src->next;
    else
        s->sources = src->next;
    if (src->next)
        src->next->prev = src->prev;
    src->listed = false;
    if (src->diags.count) {
        remove_diags(&s->diags, &src->diags, src->diags.count);
        if (log)
            log_push(s, (cx_change){s->version, CX_CHANGE_SOURCE_REMOVED, NULL, NULL, src});
    }
    cx_shared_release(&src->rc, &s->alloc);
}

static bool source_replaced(const cx_load_txn *t, const cx_source *src)
{
    return t->replacing && src->name_len == t->replace_len &&
           memcmp(src->name, t->replace, t->replace_len) == 0;
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
    contour_diagnostic *d = NULL;
    if (ok) {
        cx_diag_sink sink = {&winner->arena, &winner->diags, NULL, &winner->rc};
        cx_objref ref = {winner->kind, winner->ns, winner->name};
        d = cx_diag_add(sink, CONTOUR_SEVERITY_WARNING, "duplicate-object", winner->source->name,
                        winner->pos, ref, NULL, msg.data, msg.len);
        ok = d != NULL;
    }
    cx_strbuf_release(&msg);
    if (!ok || !d)
        return false;
    d->owner = &winner->rc;
    /* Keep the object's own position-ordered view complete. */
    size_t n = winner->diags.count;
    const contour_diagnostic **sorted = cx_arena_array(&winner->arena, n, sizeof *sorted);
    if (!sorted)
        return false;
    size_t i = 0;
    for (const contour_diagnostic *x = winner->diags.head; x; x = x->next)
        sorted[i++] = x;
    qsort((void *)sorted, n, sizeof *sorted, cx_diag_ptr_compare);
    winner->sorted_diags = sorted;
    return true;
}

/* ---- committing ---- */

typedef struct staged {
    contour_object *o;
    size_t order;
} staged;

static int staged_compare(const void *pa, const void *pb)
{
    const staged *a = pa, *b = pb;
    if (a->o->kind != b->o->kind)
        return (int)a->o->kind - (int)b->o->kind;
    int c = cx_object_key_compare(a->o, b->o);
    if (c)
        return c;
    return (a->order > b->order) - (a->order < b->order);
}

/* How far phase 1 got, so that a failure can be undone exactly. */
typedef struct progress {
    size_t winners_in_order;  /* winners inserted into the order trees */
    size_t winners_diags;     /* winners whose diagnostics are all in */
    size_t partial_diags;     /* diagnostics of the next winner that are in */
    size_t sources_diags;     /* new sources whose diagnostics are all in */
    size_t partial_src_diags; /* of the next source */
    bool indexes;             /* index entries were prepared */
} progress;

static void undo_phase1(contour_snapshot *s, cx_load_txn *t, contour_object **win, size_t nwin,
                        const progress *p)
{
    for (size_t i = 0; i < p->winners_in_order; i++) {
        bool found;
        cx_pt_remove(&s->order[win[i]->kind], win[i], &found);
    }
    for (size_t i = 0; i < p->winners_diags; i++)
        remove_diags(&s->diags, &win[i]->diags, win[i]->diags.count);
    if (p->winners_diags < nwin)
        remove_diags(&s->diags, &win[p->winners_diags]->diags, p->partial_diags);
    cx_source **srcs = (cx_source **)t->sources.data;
    for (size_t i = 0; i < p->sources_diags; i++)
        remove_diags(&s->diags, &srcs[i]->diags, srcs[i]->diags.count);
    if (p->sources_diags < t->sources.len)
        remove_diags(&s->diags, &srcs[p->sources_diags]->diags, p->partial_src_diags);
    if (p->indexes) {
        cx_vhindex_abort(&s->vhosts);
        cx_tcdindex_abort(&s->tcd);
    }
    for (size_t i = 0; i < nwin; i++)
        drop_object_keys(s, win[i]);
}

contour_result cx_snapshot_commit(contour_snapshot *s, cx_load_txn *t)
{
    const cx_alloc *a = &s->alloc;
    size_t n = t->objects.len;
    contour_object **objs = (contour_object **)t->objects.data;

    /* Phase 1. Order the staged objects by key, stable on load order: of duplicates within
     * this load, the last one wins. */
    staged *order = n ? cx_malloc(a, n * sizeof *order) : NULL;
    contour_object **win = n ? cx_malloc(a, n * sizeof *win) : NULL;
    if (n && (!order || !win)) {
        cx_free(a, order);
        cx_free(a, win);
        return CONTOUR_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (staged){objs[i], i};
    if (n > 1)
        qsort(order, n, sizeof *order, staged_compare);
    progress p;
    memset(&p, 0, sizeof p);
    size_t nwin = 0;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        contour_object *o = order[i].o;
        bool superseded = i + 1 < n && order[i + 1].o->kind == o->kind &&
                          cx_object_key_compare(order[i + 1].o, o) == 0;
        if (superseded) {
            ok = warn_duplicate(o, order[i + 1].o);
            continue;
        }
        win[nwin++] = o;
    }
    for (size_t i = 0; i < nwin && ok; i++)
        ok = intern_object(s, win[i]);
    for (size_t i = 0; i < nwin && ok; i++) {
        const contour_object *old = win[i]->key->obj;
        if (old && !source_replaced(t, old->source))
            ok = warn_duplicate(old, win[i]);
    }
    for (size_t i = 0; i < nwin && ok; i++) {
        ok = cx_pt_insert(&s->order[win[i]->kind], win[i]);
        p.winners_in_order += ok;
    }
    for (size_t i = 0; i < nwin && ok; i++) {
        ok = insert_diags(&s->diags, &win[i]->diags, &p.partial_diags);
        p.winners_diags += ok;
    }
    cx_source **srcs = (cx_source **)t->sources.data;
    for (size_t i = 0; i < t->sources.len && ok; i++) {
        ok = insert_diags(&s->diags, &srcs[i]->diags, &p.partial_src_diags);
        p.sources_diags += ok;
    }
    if (ok) {
        p.indexes = true;
        for (size_t i = 0; i < nwin && ok; i++)
            ok = cx_vhindex_prepare(&s->vhosts, win[i]) && cx_tcdindex_prepare(&s->tcd, win[i]);
    }
    /* Room for the new sources in the name index. */
    ok = ok && cx_map_reserve(&s->source_names, t->sources.len);
    /* Room in each source's object list (objects only ever come from the new sources). */
    for (size_t i = 0; i < nwin && ok; i++)
        ok = cx_vec_reserve(&win[i]->source->objects, 1) && (win[i]->source->objects.len++, true);
    for (size_t i = 0; i < nwin; i++)
        win[i]->source->objects.len = 0; /* the count above was only for reserving */
    if (!ok) {
        undo_phase1(s, t, win, nwin, &p);
        cx_free(a, order);
        cx_free(a, win);
        return CONTOUR_ERR_NOMEM;
    }

    /* Phase 2: nothing below can fail. */
    s->version++;
    size_t changes = nwin;
    /* The listed sources this change replaces, found by name (never a walk of all). */
    cx_source *replaced = t->replacing ? sources_named(s, t->replace, t->replace_len) : NULL;
    for (cx_source *src = replaced; src; src = src->same_name)
        changes += src->objects.len + 1;
    bool log = changes + t->sources.len < CX_LOG_CAPACITY;
    if (!log)
        log_reset(s, s->version);
    contour_object **olds = (contour_object **)order; /* order[] is done with: reuse it */
    for (size_t i = 0; i < nwin; i++) {
        olds[i] = win[i]->key->obj;
        object_enter(s, win[i], olds[i], log);
    }
    for (size_t i = 0; i < nwin; i++) {
        if (!olds[i])
            continue;
        /* Its source may be left with nothing: then it goes, unless it was set by name. */
        cx_source *from = olds[i]->source;
        cx_shared_retain(&from->rc);
        object_leave(s, olds[i], win[i]);
        if (!from->objects.len && !from->diags.count && !from->kept &&
            !source_replaced(t, from)) /* those go below, along their name chain */
            source_unlist(s, from, log);
        cx_shared_release(&from->rc, a);
    }
    /* The losers of duplicates within this load. */
    for (size_t i = 0; i < n; i++) {
        if (objs[i]->key && objs[i]->key->obj == objs[i])
            continue;
        cx_object_release(objs[i], a);
    }
    /* Replaced sources lose what nothing replaced, and go. */
    for (cx_source *src = replaced, *next; src; src = next) {
        next = src->same_name;
        while (src->objects.len) {
            contour_object *o = *(contour_object **)cx_vec_at(&src->objects, src->objects.len - 1);
            object_leave(s, o, NULL);
        }
        source_unlist(s, src, log);
    }
    for (size_t i = 0; i < t->sources.len; i++) {
        srcs[i]->kept = t->replacing;
        if (srcs[i]->objects.len || srcs[i]->diags.count || srcs[i]->kept)
            source_list(s, srcs[i], log);
    }
    for (size_t i = 0; i < t->sources.len; i++)
        cx_shared_release(&srcs[i]->rc, a);
    t->sources.len = 0;
    t->objects.len = 0;
    cx_free(a, order);
    cx_free(a, win);
    return CONTOUR_OK;
}

void cx_load_txn_init(cx_load_txn *t, const cx_alloc *alloc)
{
    memset(t, 0, sizeof *t);
    cx_vec_init(&t->sources, alloc, sizeof(cx_source *));
    cx_vec_init(&t->objects, alloc, sizeof(contour_object *));
}

void cx_load_txn_release(cx_load_txn *t, const cx_alloc *alloc)
{
    for (size_t i = 0; i < t->objects.len; i++)
        cx_object_release(*(contour_object **)cx_vec_at(&t->objects, i), alloc);
    for (size_t i = 0; i < t->sources.len; i++)
        cx_shared_release(&(*(cx_source **)cx_vec_at(&t->sources, i))->rc, alloc);
    cx_vec_release(&t->objects);
    cx_vec_release(&t->sources);
}

/* ---- removing ---- */

contour_result contour_snapshot_remove(contour_snapshot *s, contour_kind kind, const char *ns,
                                       size_t ns_len, const char *name, size_t name_len)
{
    if (!s || !valid_kind(kind) || (!ns && ns_len) || (!name && name_len))
        return CONTOUR_ERR_INVALID;
    cx_key *k = cx_keytab_find(&s->keys, kind, ns ? ns : "", ns_len, name ? name : "", name_len);
    contour_object *o = k ? k->obj : NULL;
    if (!o)
        return CONTOUR_ERR_NOT_FOUND;
    s->version++;
    cx_source *src = o->source;
    cx_shared_retain(&src->rc);
    object_leave(s, o, NULL);
    if (!src->objects.len && !src->diags.count)
        source_unlist(s, src, true);
    cx_shared_release(&src->rc, &s->alloc);
    return CONTOUR_OK;
}

contour_result contour_snapshot_remove_source(contour_snapshot *s, const char *name,
                                              size_t name_len)
{
    if (!s || (!name && name_len))
        return CONTOUR_ERR_INVALID;
    cx_load_txn t;
    cx_load_txn_init(&t, &s->alloc);
    t.replacing = true;
    t.replace = name ? name : "";
    t.replace_len = name_len;
    bool any = sources_named(s, t.replace, t.replace_len) != NULL;
    contour_result r = any ? cx_snapshot_commit(s, &t) : CONTOUR_ERR_NOT_FOUND;
    cx_load_txn_release(&t, &s->alloc);
    return r;
}

/* ---- reading ---- */

size_t contour_snapshot_object_count(const contour_snapshot *s, contour_kind kind)
{
    if (!s || !valid_kind(kind))
        return 0;
    return cx_pt_count(&s->order[kind]);
}

const contour_object *contour_snapshot_object_at(const contour_snapshot *s, contour_kind kind,
                                                 size_t index)
{
    if (!s || !valid_kind(kind))
        return NULL;
    return cx_pt_at(&s->order[kind], index);
}

const contour_object *contour_snapshot_find(const contour_snapshot *s, contour_kind kind,
                                            const char *ns, size_t ns_len, const char *name,
                                            size_t name_len)
{
    if (!s || !valid_kind(kind) || (!ns && ns_len) || (!name && name_len))
        return NULL;
    return cx_snapshot_find(s, kind, ns ? ns : "", ns_len, name ? name : "", name_len);
}

size_t contour_snapshot_diagnostic_count(const contour_snapshot *s)
{
    return s ? cx_pt_count(&s->diags) : 0;
}

const contour_diagnostic *contour_snapshot_diagnostic_at(const contour_snapshot *s, size_t index)
{
    return s ? cx_pt_at(&s->diags, index) : NULL;
}

size_t contour_snapshot_diagnostic_count_by_severity(const contour_snapshot *s,
                                                     contour_severity severity)
{
    if (!s || (unsigned)severity >= CX_SEVERITY_COUNT)
        return 0;
    return (size_t)cx_pt_total(&s->diags, (int)severity);
}
