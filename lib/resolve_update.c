/*
 * contour_resolve_update(): the graph of a snapshot made from a graph of an earlier
 * version of it, by making again only what the changes since can affect, and sharing
 * everything else with the earlier graph.
 *
 * From the snapshot's change log come the keys whose objects changed (and what each held
 * when the earlier graph was made). What depends on them:
 *  - results: the changed objects' own, and those of every object that refers to one of
 *    them (the earlier graph's refs tree says who), or to a Secret that a changed
 *    TLSCertificateDelegation covers (or covered);
 *  - units: every virtual host name a remade result was reached from (its status lists
 *    them), and the names the old and new objects claim (root fqdns, Ingress hosts);
 *  - statuses: every IngressRoute a changed unit reaches (before or after), and those whose
 *    results were remade;
 *  - records, refs and diagnostics of all of the above, and load diagnostics of the
 *    changed objects and sources.
 * The result is the graph contour_resolve() would make, byte for byte; the property test
 * (tests/unit/test_update.c) holds it to that.
 *
 * A graph at CONTOUR_LIMIT_ROUTES (some virtual host left out) is made from scratch: which
 * vhosts are left out depends on every vhost before them.
 */
#include "resolve.h"
#include "graph_internal.h"
#include "resolve_build.h"
#include "resolve_update.h"

#include <stdlib.h>
#include <string.h>

/* ---- sets ---- */

static uint64_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return x ^ (x >> 29);
}

/* For maps whose entries start with the key pointer (a cx_delta, a status job). */
static bool first_is(const void *value, const void *key)
{
    return *(const void *const *)value == key;
}

/* For sets of pointers: the entry is the pointer. */
static bool same_ptr(const void *value, const void *key)
{
    return value == key;
}

/* A name (fqdn, Ingress host) whose unit is made again. */
typedef struct dirty_name {
    const char *name;
    size_t len;
    const cx_unit *old; /* the earlier graph's unit, or NULL */
    cx_unit *now;       /* the new one (a reference), or NULL */
} dirty_name;

typedef struct span {
    const char *p;
    size_t n;
} span;

static bool name_is(const void *value, const void *key)
{
    const dirty_name *d = value;
    const span *s = key;
    return d->len == s->n && memcmp(d->name, s->p, s->n) == 0;
}

/* An IngressRoute whose status is made again, and the new units' contributions to it. */
typedef struct status_job {
    const cx_key *key;
} status_job;

/* A contribution of a new unit, to be grouped by IngressRoute. */
typedef struct contrib_ref {
    const cx_key *key;
    const cx_unit *unit;
    const cx_contrib *c;
} contrib_ref;

typedef struct upd {
    cx_rx rx;
    const contour_graph *prev;
    contour_graph *g;
    const cx_delta *deltas;
    size_t ndeltas;
    cx_unit_ws *ws;
    cx_map remake; /* cx_key * -> cx_delta * (rx.changed) */
    cx_vec remakes;
    cx_map names; /* span -> dirty_name * */
    cx_vec dirty;
    cx_map irs; /* cx_key * -> status_job * */
    cx_vec jobs;
    cx_vec contribs; /* contrib_ref */
    cx_vec reach;    /* cx_reach scratch */
    cx_vec del_diags, add_diags, del_edges, add_edges;
    cx_vec statuses; /* contour_status * made (a reference each) */
    cx_arena scratch;
    bool oom;
} upd;

static void *scratch_new(upd *u, size_t size)
{
    void *p = cx_arena_zalloc(&u->scratch, size);
    u->oom |= p == NULL;
    return p;
}

/* Keys stand for names here. A name deleted and defined again has a new key (the table
 * drops a key nothing in the snapshot uses), and the earlier graph's objects still hold
 * the old one: the key now in the table stands for the name, else the one given. */
static const cx_key *canon(const contour_snapshot *s, const cx_key *k)
{
    const cx_key *c = cx_keytab_find(&s->keys, k->kind, k->ns, k->ns_len, k->name, k->name_len);
    return c ? c : k;
}

/* Adds a key to the remake set; its delta says what the earlier graph saw and what is now. */
static void remake_add(upd *u, const cx_key *key, const contour_object *old,
                       const contour_object *now)
{
    key = canon(u->rx.s, key);
    if (u->oom || cx_map_find(&u->remake, ptr_hash(key), first_is, key))
        return;
    cx_delta *d = scratch_new(u, sizeof *d);
    if (!d || !cx_map_reserve(&u->remake, 1) || !cx_vec_push(&u->remakes, &d)) {
        u->oom = true;
        return;
    }
    d->key = key;
    d->old = old;
    d->now = now;
    cx_map_put(&u->remake, ptr_hash(key), first_is, key, d);
}

static void name_add(upd *u, const char *name, size_t len)
{
    span s = {name, len};
    uint64_t h = cx_hash_bytes(u->rx.s->keys.map.key, name, len);
    if (u->oom || cx_map_find(&u->names, h, name_is, &s))
        return;
    dirty_name *d = scratch_new(u, sizeof *d);
    if (!d || !cx_map_reserve(&u->names, 1) || !cx_vec_push(&u->dirty, &d)) {
        u->oom = true;
        return;
    }
    d->name = name;
    d->len = len;
    cx_map_put(&u->names, h, name_is, &s, d);
}

static void name_cb(void *ctx, int list, const char *name)
{
    (void)list;
    name_add(ctx, name, strlen(name));
}

static void job_add(upd *u, const cx_key *key)
{
    key = canon(u->rx.s, key);
    if (u->oom || cx_map_find(&u->irs, ptr_hash(key), first_is, key))
        return;
    status_job *j = scratch_new(u, sizeof *j);
    if (!j || !cx_map_reserve(&u->irs, 1) || !cx_vec_push(&u->jobs, &j)) {
        u->oom = true;
        return;
    }
    j->key = key;
    cx_map_put(&u->irs, ptr_hash(key), first_is, key, j);
}

/* ---- the earlier graph ---- */

static int cmp_name_unit(const void *key, const void *elem)
{
    const span *s = key;
    const cx_unit *x = elem;
    size_t n = s->n < x->fqdn_len ? s->n : x->fqdn_len;
    int c = memcmp(s->p, x->fqdn, n);
    return c ? c : (s->n > x->fqdn_len) - (s->n < x->fqdn_len);
}

static int cmp_key_ns_name(const cx_key *k, const contour_object *o)
{
    size_t n = k->ns_len < o->ns_len ? k->ns_len : o->ns_len;
    int c = memcmp(k->ns, o->ns, n);
    if (c || k->ns_len != o->ns_len)
        return c ? c : (k->ns_len < o->ns_len ? -1 : 1);
    n = k->name_len < o->name_len ? k->name_len : o->name_len;
    c = memcmp(k->name, o->name, n);
    return c ? c : (k->name_len > o->name_len) - (k->name_len < o->name_len);
}

static int cmp_key_status(const void *key, const void *elem)
{
    return cmp_key_ns_name(key, ((const contour_status *)elem)->obj);
}

static int cmp_key_record(const void *key, const void *elem)
{
    const cx_key *k = key;
    const contour_object *o = ((const cx_objrec *)elem)->obj;
    if (k->kind != o->kind)
        return k->kind < o->kind ? -1 : 1;
    return cmp_key_ns_name(k, o);
}

static const contour_status *status_of_key(const contour_graph *g, const cx_key *k, size_t *at)
{
    if (k->kind != CONTOUR_KIND_INGRESSROUTE)
        return NULL;
    return cx_pt_find(&g->statuses, k, cmp_key_status, at);
}

static const cx_objrec *record_of_key(const contour_graph *g, const cx_key *k, size_t *at)
{
    return cx_pt_find(&g->records, k, cmp_key_record, at);
}

/* The refs tree is ordered by (hash of what is named, what is named, ...). */
typedef struct edge_key {
    uint64_t hash;
    const cx_key *to;
} edge_key;

static int cmp_edge_target(const void *key, const void *elem)
{
    const edge_key *k = key;
    const cx_edge *e = elem;
    if (k->hash != e->to_hash)
        return k->hash < e->to_hash ? -1 : 1;
    if (k->to->kind != e->to->kind)
        return k->to->kind < e->to->kind ? -1 : 1;
    return cx_key_compare(k->to, e->to);
}

/* Every object of the earlier graph that refers to key k gets its result made again. */
static void add_referrers(upd *u, const cx_key *k)
{
    const contour_graph *p = u->prev;
    edge_key ek = {k->hash, k};
    size_t i = cx_pt_lower_bound(&p->refs, &ek, cmp_edge_target);
    cx_pt_iter it;
    cx_pt_iter_init(&it, &p->refs, i);
    for (const cx_edge *e; !u->oom && (e = cx_pt_iter_next(&it));) {
        if (cmp_edge_target(&ek, e) != 0)
            break;
        const cx_key *from = e->from->key;
        remake_add(u, from, e->from, cx_rx_obj(&u->rx, from));
    }
}

static void add_delegated_secrets(upd *u, const contour_object *tcd)
{
    if (!tcd || tcd->kind != CONTOUR_KIND_TLSCERTIFICATEDELEGATION)
        return;
    for (uint32_t d = 0; d < tcd->u.td.delegation_count && !u->oom; d++) {
        const cx_key *secret = tcd->u.td.delegations[d].key;
        if (secret)
            add_referrers(u, secret);
    }
}

/* ---- what the changes reach ---- */

static void plan(upd *u)
{
    for (size_t i = 0; i < u->ndeltas && !u->oom; i++) {
        const cx_delta *d = &u->deltas[i];
        remake_add(u, d->key, d->old, d->now);
    }
    for (size_t i = 0; i < u->ndeltas && !u->oom; i++) {
        const cx_delta *d = &u->deltas[i];
        add_referrers(u, d->key);
        add_delegated_secrets(u, d->old);
        add_delegated_secrets(u, d->now);
    }
    /* The names each remade result was reached from, or claims. */
    for (size_t i = 0; i < u->remakes.len && !u->oom; i++) {
        const cx_delta *d = *(cx_delta **)cx_vec_at(&u->remakes, i);
        const contour_status *st = status_of_key(u->prev, d->key, NULL);
        for (uint32_t r = 0; st && r < st->nreach && !u->oom; r++)
            name_add(u, st->reach[r].fqdn, strlen(st->reach[r].fqdn));
        if (d->old)
            cx_vh_names(d->old, name_cb, u);
        if (d->now)
            cx_vh_names(d->now, name_cb, u);
        if (d->key->kind == CONTOUR_KIND_INGRESSROUTE)
            job_add(u, d->key);
    }
}

static bool contrib_jobs(upd *u, const cx_unit *unit, bool fresh)
{
    for (uint32_t k = 0; unit && k < unit->ncontrib && !u->oom; k++) {
        const cx_contrib *c = &unit->contrib[k];
        job_add(u, c->obj->key);
        if (fresh && !u->oom) {
            contrib_ref r = {c->obj->key, unit, c};
            u->oom |= !cx_vec_push(&u->contribs, &r);
        }
    }
    return !u->oom;
}

static void make_units(upd *u)
{
    for (size_t i = 0; i < u->dirty.len && !u->oom; i++) {
        dirty_name *d = *(dirty_name **)cx_vec_at(&u->dirty, i);
        span s = {d->name, d->len};
        d->old = cx_pt_find(&u->prev->units, &s, cmp_name_unit, NULL);
        const cx_vh_entry *e = cx_vhindex_find(&u->rx.s->vhosts, d->name, d->len);
        cx_unit_input in = {d->name, d->len, e};
        if (!cx_unit_make(&u->rx, u->ws, &in, true, &d->now)) {
            u->oom = true;
            return;
        }
        if (d->now)
            cx_unit_sort_losses(d->now);
        contrib_jobs(u, d->old, false);
        contrib_jobs(u, d->now, true);
    }
}

/* ---- statuses ---- */

static int cmp_contrib_ref(const void *a, const void *b)
{
    const contrib_ref *x = a, *y = b;
    if (x->key != y->key)
        return x->key->id < y->key->id ? -1 : 1;
    return cmp_name_unit(&(span){x->unit->fqdn, x->unit->fqdn_len}, y->unit);
}

static int cmp_reach(const void *a, const void *b)
{
    return strcmp(((const cx_reach *)a)->fqdn, ((const cx_reach *)b)->fqdn);
}

static bool name_dirty(const upd *u, const char *name)
{
    size_t len = strlen(name);
    span s = {name, len};
    return cx_map_find(&u->names, cx_hash_bytes(u->rx.s->keys.map.key, name, len), name_is, &s);
}

/* Edits a tree the new graph shares with the earlier one: the element equal to `key` (by
 * cmpk) is replaced by elem, removed (elem NULL), or elem is inserted. */
static bool tree_put(cx_ptree *t, const void *key, int (*cmpk)(const void *, const void *),
                     void *elem)
{
    size_t at;
    if (cx_pt_find(t, key, cmpk, &at))
        return elem ? cx_pt_set_at(t, at, elem) : cx_pt_remove_at(t, at);
    if (!elem)
        return true;
    return cx_pt_insert_at(t, cx_pt_lower_bound(t, key, cmpk), elem);
}

static bool push_diags(cx_vec *v, const contour_diagnostic *const *d, uint32_t n)
{
    return cx_push_diags(v, d, n);
}

static bool push_edges(cx_vec *v, const cx_edge *e, uint32_t n)
{
    return cx_push_edges(v, e, n);
}

static void remake_status(upd *u, const status_job *j, size_t *ci)
{
    const cx_key *key = j->key;
    const contour_status *old = status_of_key(u->prev, key, NULL);
    const contour_object *o = cx_rx_obj(&u->rx, key);
    bool shown = o && o->kind == CONTOUR_KIND_INGRESSROUTE && !cx_rx_ignored(&u->rx, o);
    /* This key's contributions from new units: a run of the sorted list. */
    const contrib_ref *cs = (const contrib_ref *)u->contribs.data;
    while (*ci < u->contribs.len && cs[*ci].key->id < key->id)
        (*ci)++;
    size_t c0 = *ci;
    while (*ci < u->contribs.len && cs[*ci].key == key)
        (*ci)++;
    contour_status *st = NULL;
    if (shown) {
        u->reach.len = 0;
        for (uint32_t r = 0; old && r < old->nreach && !u->oom; r++) {
            if (!name_dirty(u, old->reach[r].fqdn))
                u->oom |= !cx_vec_push(&u->reach, &old->reach[r]);
        }
        for (size_t c = c0; c < *ci && !u->oom; c++) {
            cx_reach r = cx_unit_reach(cs[c].unit, cs[c].c);
            u->oom |= !cx_vec_push(&u->reach, &r);
        }
        if (u->oom)
            return;
        if (u->reach.len > 1)
            qsort(u->reach.data, u->reach.len, sizeof(cx_reach), cmp_reach);
        const cx_irres *res = cx_rx_irres(&u->rx, o);
        st = res ? cx_status_make(&u->rx, o, res, (const cx_reach *)u->reach.data,
                                  (uint32_t)u->reach.len)
                 : NULL;
        if (!st || !cx_vec_push(&u->statuses, &st)) {
            if (st)
                cx_shared_release(&st->rc, u->rx.alloc);
            u->oom = true;
            return;
        }
    }
    if (old)
        u->oom |= !push_diags(&u->del_diags, old->diags, old->ndiags);
    if (st)
        u->oom |= !push_diags(&u->add_diags, st->diags, st->ndiags);
    if (!u->oom && !tree_put(&u->g->statuses, key, cmp_key_status, st))
        u->oom = true;
}

static int cmp_job(const void *a, const void *b)
{
    const status_job *x = *(const status_job *const *)a, *y = *(const status_job *const *)b;
    return (x->key->id > y->key->id) - (x->key->id < y->key->id);
}

static void make_statuses(upd *u)
{
    if (u->contribs.len > 1)
        qsort(u->contribs.data, u->contribs.len, sizeof(contrib_ref), cmp_contrib_ref);
    if (u->jobs.len > 1)
        qsort(u->jobs.data, u->jobs.len, sizeof(status_job *), cmp_job);
    size_t ci = 0;
    for (size_t i = 0; i < u->jobs.len && !u->oom; i++)
        remake_status(u, *(status_job **)cx_vec_at(&u->jobs, i), &ci);
}

/* ---- records, refs, diagnostics ---- */

/* The earlier and the new result of a remade key: records, and edges of both kinds. */
static void remake_record(upd *u, const cx_delta *d)
{
    const cx_objrec *old = record_of_key(u->prev, d->key, NULL);
    const contour_status *old_st = status_of_key(u->prev, d->key, NULL);
    if (old) {
        u->oom |= !push_diags(&u->del_diags, old->diags, old->ndiags);
        u->oom |= !push_edges(&u->del_edges, old->edges, old->edge_count);
    }
    if (old_st && old_st->res)
        u->oom |= !push_edges(&u->del_edges, old_st->res->edges, old_st->res->edge_count);
    const contour_object *o = d->now;
    const cx_objrec *r = NULL;
    if (o && (o->kind != CONTOUR_KIND_INGRESSROUTE || cx_rx_ignored(&u->rx, o))) {
        r = cx_rx_objrec(&u->rx, o);
        if (u->rx.oom) {
            u->oom = true;
            return;
        }
        if (r && !cx_record_wanted(r))
            r = NULL;
    }
    if (r) {
        u->oom |= !push_diags(&u->add_diags, r->diags, r->ndiags);
        u->oom |= !push_edges(&u->add_edges, r->edges, r->edge_count);
    } else if (o && o->kind == CONTOUR_KIND_INGRESSROUTE && !cx_rx_ignored(&u->rx, o)) {
        const cx_irres *res = cx_rx_irres(&u->rx, o);
        if (!res) {
            u->oom = true;
            return;
        }
        u->oom |= !push_edges(&u->add_edges, res->edges, res->edge_count);
    }
    if (!u->oom && !tree_put(&u->g->records, d->key, cmp_key_record, (void *)r))
        u->oom = true;
}

/* Load diagnostics: of the objects that changed, and of sources that came or went. */
static void load_diags(upd *u)
{
    for (size_t i = 0; i < u->ndeltas && !u->oom; i++) {
        const cx_delta *d = &u->deltas[i];
        for (const contour_diagnostic *x = d->old ? d->old->diags.head : NULL; x && !u->oom;
             x = x->next)
            u->oom |= !cx_vec_push(&u->del_diags, &x);
        for (const contour_diagnostic *x = d->now ? d->now->diags.head : NULL; x && !u->oom;
             x = x->next)
            u->oom |= !cx_vec_push(&u->add_diags, &x);
    }
}

static void source_diags(upd *u, const cx_source *src, bool added)
{
    cx_vec *v = added ? &u->add_diags : &u->del_diags;
    for (const contour_diagnostic *x = src->diags.head; x && !u->oom; x = x->next)
        u->oom |= !cx_vec_push(v, &x);
}

static bool apply_edges(upd *u)
{
    cx_ptree *t = &u->g->refs;
    for (size_t i = 0; i < u->del_edges.len; i++) {
        bool found;
        if (!cx_pt_remove(t, *(const cx_edge **)cx_vec_at(&u->del_edges, i), &found) && found)
            return false;
    }
    for (size_t i = 0; i < u->add_edges.len; i++) {
        if (!cx_pt_insert(t, *(cx_edge **)cx_vec_at(&u->add_edges, i)))
            return false;
    }
    return true;
}

static bool apply_diags(upd *u)
{
    cx_ptree *t = &u->g->diags;
    for (size_t i = 0; i < u->del_diags.len; i++) {
        bool found;
        if (!cx_pt_remove(t, *(const contour_diagnostic **)cx_vec_at(&u->del_diags, i), &found) &&
            found)
            return false;
    }
    for (size_t i = 0; i < u->add_diags.len; i++) {
        if (!cx_pt_insert(t, *(contour_diagnostic **)cx_vec_at(&u->add_diags, i)))
            return false;
    }
    return true;
}

static void apply_units(upd *u)
{
    for (size_t i = 0; i < u->dirty.len && !u->oom; i++) {
        dirty_name *d = *(dirty_name **)cx_vec_at(&u->dirty, i);
        if (d->old)
            u->oom |= !push_diags(&u->del_diags, d->old->diags, d->old->ndiags);
        if (d->now)
            u->oom |= !push_diags(&u->add_diags, d->now->diags, d->now->ndiags);
        span s = {d->name, d->len};
        if (!u->oom && !tree_put(&u->g->units, &s, cmp_name_unit, d->now))
            u->oom = true;
    }
}

/* ---- the update ---- */

static void upd_release(upd *u)
{
    const cx_alloc *a = u->rx.alloc;
    for (size_t i = 0; i < u->dirty.len; i++)
        cx_unit_release((*(dirty_name **)cx_vec_at(&u->dirty, i))->now, a);
    for (size_t i = 0; i < u->statuses.len; i++)
        cx_shared_release(&(*(contour_status **)cx_vec_at(&u->statuses, i))->rc, a);
    cx_map_release(&u->remake);
    cx_map_release(&u->names);
    cx_map_release(&u->irs);
    cx_vec *vs[] = {&u->remakes,   &u->dirty,     &u->jobs,      &u->contribs,  &u->reach,
                    &u->del_diags, &u->add_diags, &u->del_edges, &u->add_edges, &u->statuses};
    for (size_t i = 0; i < sizeof vs / sizeof *vs; i++)
        cx_vec_release(vs[i]);
    cx_arena_release(&u->scratch);
    cx_unit_ws_free(u->ws);
    cx_rx_release(&u->rx);
}

bool cx_graph_patch(contour_graph *g, const contour_graph *prev, const cx_patch *p)
{
    const contour_snapshot *s = p->snapshot;
    const cx_overlay *ov = p->overlay;
    const cx_delta *deltas = p->deltas;
    size_t ndeltas = p->ndeltas;
    upd u;
    memset(&u, 0, sizeof u);
    u.prev = prev;
    u.g = g;
    u.deltas = deltas;
    u.ndeltas = ndeltas;
    const cx_alloc *a = &g->alloc;
    cx_rx_init(&u.rx, s, g->settings, a);
    u.rx.ows.own_chunks = true; /* see cx_objws.own_chunks */
    u.rx.ov = ov;
    u.rx.prev = prev;
    u.rx.changed = &u.remake;
    static const cx_hash_key address_key = {0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL};
    cx_map_init_keyed(&u.remake, a, address_key);
    cx_map_init_keyed(&u.irs, a, address_key);
    cx_map_init_keyed(&u.names, a, s->keys.map.key);
    cx_vec_init(&u.remakes, a, sizeof(cx_delta *));
    cx_vec_init(&u.dirty, a, sizeof(dirty_name *));
    cx_vec_init(&u.jobs, a, sizeof(status_job *));
    cx_vec_init(&u.contribs, a, sizeof(contrib_ref));
    cx_vec_init(&u.reach, a, sizeof(cx_reach));
    cx_vec_init(&u.del_diags, a, sizeof(const contour_diagnostic *));
    cx_vec_init(&u.add_diags, a, sizeof(const contour_diagnostic *));
    cx_vec_init(&u.del_edges, a, sizeof(const cx_edge *));
    cx_vec_init(&u.add_edges, a, sizeof(const cx_edge *));
    cx_vec_init(&u.statuses, a, sizeof(contour_status *));
    cx_arena_init(&u.scratch, a, 4096);
    u.ws = cx_unit_ws_new(a);
    u.oom = u.ws == NULL;

    if (!u.oom)
        plan(&u);
    if (!u.oom)
        make_units(&u);
    if (!u.oom)
        make_statuses(&u);
    for (size_t i = 0; i < u.remakes.len && !u.oom; i++)
        remake_record(&u, *(cx_delta **)cx_vec_at(&u.remakes, i));
    if (!u.oom)
        load_diags(&u);
    for (size_t i = 0; i < p->nsources && !u.oom; i++)
        source_diags(&u, p->sources[i].source, p->sources[i].added);
    if (!u.oom)
        apply_units(&u);
    bool ok = !u.oom && !u.rx.oom && apply_edges(&u) && apply_diags(&u);
    upd_release(&u);
    return ok;
}

/* An empty graph of snapshot s with prev's settings. */
static contour_graph *empty_like(const contour_graph *prev, const contour_snapshot *s)
{
    contour_graph *g = cx_graph_new(&s->alloc);
    if (!g)
        return NULL;
    g->settings = cx_settings_dup(&g->alloc, prev->settings);
    if (!g->settings) {
        contour_graph_free(g);
        return NULL;
    }
    g->uid = s->uid;
    g->names_key = s->keys.map.key;
    g->version = s->version;
    return g;
}

contour_graph *cx_graph_fork(const contour_graph *prev, const contour_snapshot *s)
{
    contour_graph *g = empty_like(prev, s);
    if (!g)
        return NULL;
    g->version = prev->version;
    cx_pt_copy(&g->units, &prev->units, &g->alloc);
    cx_pt_copy(&g->statuses, &prev->statuses, &g->alloc);
    cx_pt_copy(&g->records, &prev->records, &g->alloc);
    cx_pt_copy(&g->refs, &prev->refs, &g->alloc);
    cx_pt_copy(&g->diags, &prev->diags, &g->alloc);
    g->cutoff = prev->cutoff;
    return g;
}

/* ---- contour_resolve_update() ---- */

typedef struct net {
    cx_map keys;    /* cx_key * -> cx_delta * (in `deltas`) */
    cx_vec deltas;  /* cx_delta */
    cx_vec sources; /* cx_source_delta */
    cx_map seen;    /* cx_source * seen */
} net;

/* The net change of every key and source since version `since`: what the graph of that
 * version saw (the first change's `old`) against what is there now. */
static bool net_changes(net *n, const contour_snapshot *s, size_t first, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const cx_change *c = cx_snapshot_change_at(s, first, i);
        if (c->what == CX_CHANGE_OBJECT) {
            const cx_key *k = canon(s, c->key);
            if (cx_map_find(&n->keys, ptr_hash(k), same_ptr, k))
                continue;
            if (!cx_map_reserve(&n->keys, 1))
                return false;
            cx_delta d = {k, c->old, k->obj};
            if (!cx_vec_push(&n->deltas, &d))
                return false;
            cx_map_put(&n->keys, ptr_hash(k), same_ptr, k, (void *)k);
        } else {
            if (cx_map_find(&n->seen, ptr_hash(c->source), same_ptr, c->source))
                continue;
            if (!cx_map_reserve(&n->seen, 1))
                return false;
            cx_map_put(&n->seen, ptr_hash(c->source), same_ptr, c->source, (void *)c->source);
            bool before = c->what == CX_CHANGE_SOURCE_REMOVED, after = c->source->listed;
            if (before != after) {
                cx_source_delta sd = {c->source, after};
                if (!cx_vec_push(&n->sources, &sd))
                    return false;
            }
        }
    }
    /* Keys that came back to what they were need nothing. */
    size_t k = 0;
    cx_delta *ds = (cx_delta *)n->deltas.data;
    for (size_t i = 0; i < n->deltas.len; i++) {
        if (ds[i].old != ds[i].now)
            ds[k++] = ds[i];
    }
    n->deltas.len = k;
    return true;
}

/* The updated graph; NULL with *full set when it must be made from scratch instead, NULL
 * alone on OOM. */
static contour_graph *update(const contour_snapshot *s, const contour_graph *prev, bool *full)
{
    *full = true;
    size_t first, count;
    if (prev->limit || prev->cutoff < cx_pt_count(&prev->units) ||
        !cx_snapshot_changes(s, prev->version, &first, &count))
        return NULL;
    *full = false;
    net n;
    cx_map_init_keyed(&n.keys, &s->alloc,
                      (cx_hash_key){0x9e3779b97f4a7c15ULL, 0x2545F4914F6CDD1DULL});
    cx_map_init_keyed(&n.seen, &s->alloc,
                      (cx_hash_key){0x9e3779b97f4a7c15ULL, 0x2545F4914F6CDD1DULL});
    cx_vec_init(&n.deltas, &s->alloc, sizeof(cx_delta));
    cx_vec_init(&n.sources, &s->alloc, sizeof(cx_source_delta));
    contour_graph *g = NULL;
    if (net_changes(&n, s, first, count) && (g = cx_graph_fork(prev, s))) {
        g->version = s->version;
        cx_patch p = {s,
                      NULL,
                      (const cx_delta *)n.deltas.data,
                      n.deltas.len,
                      (const cx_source_delta *)n.sources.data,
                      n.sources.len};
        if (!cx_graph_patch(g, prev, &p)) {
            contour_graph_free(g);
            g = NULL;
        } else {
            g->cutoff = cx_cutoff(&g->units, g->settings->route_limit);
            if (g->cutoff < cx_pt_count(&g->units)) {
                contour_graph_free(g); /* now at the limit: which vhosts go needs them all */
                g = NULL;
                *full = true;
            } else {
                cx_graph_listeners(g);
            }
        }
    }
    cx_map_release(&n.keys);
    cx_map_release(&n.seen);
    cx_vec_release(&n.deltas);
    cx_vec_release(&n.sources);
    return g;
}

contour_result contour_resolve_update(contour_graph **out, const contour_snapshot *snapshot,
                                      const contour_graph *previous, const contour_config *config)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!snapshot)
        return CONTOUR_ERR_INVALID;
    if (!previous)
        return contour_resolve(out, snapshot, config);
    if (previous->uid != snapshot->uid || previous->version > snapshot->version)
        return CONTOUR_ERR_INVALID;
    bool full = true;
    contour_graph *g = NULL;
    if (config) {
        cx_settings *set = cx_settings_new(&snapshot->alloc, config);
        if (!set)
            return CONTOUR_ERR_NOMEM;
        full = !cx_settings_equal(set, previous->settings);
        cx_settings_free(&snapshot->alloc, set);
    } else {
        full = false;
    }
    if (!full)
        g = update(snapshot, previous, &full);
    if (g) {
        *out = g;
        return CONTOUR_OK;
    }
    if (!full)
        return CONTOUR_ERR_NOMEM;
    /* From scratch, with the settings asked for (or the earlier graph's). */
    g = config ? cx_graph_for(snapshot, config) : empty_like(previous, snapshot);
    if (!g)
        return CONTOUR_ERR_NOMEM;
    if (!cx_resolve_full(g, snapshot)) {
        contour_graph_free(g);
        return CONTOUR_ERR_NOMEM;
    }
    *out = g;
    return CONTOUR_OK;
}
