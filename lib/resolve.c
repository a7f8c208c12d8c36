/*
 * contour_resolve(): a whole graph from a snapshot. Object results first (every object on
 * its own), then units (every virtual host name on its own), then statuses (every
 * IngressRoute from the units that reached it), then the graph's trees, built in order in
 * one pass each. resolve_update.c makes the same graph from a previous one by re-making
 * only what changed; what both share is here.
 */
#include "resolve.h"
#include "sort.h"
#include "graph_internal.h"
#include "resolve_build.h"
#include "par.h"

#include <stdlib.h>
#include <string.h>

/* ---- what units say about IngressRoutes ---- */

static int cmp_loss_obj(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const cx_loss *)a)->obj, y = (uintptr_t)((const cx_loss *)b)->obj;
    return (x > y) - (x < y);
}

void cx_unit_sort_losses(cx_unit *u)
{
    if (u->nlosses > 1)
        cx_sort((void *)u->losses, u->nlosses, sizeof *u->losses, cmp_loss_obj);
}

cx_reach cx_unit_reach(const cx_unit *u, const cx_contrib *c)
{
    cx_reach r = {u->fqdn, c->flags, c->fail, c->fail_pos, NULL, 0};
    /* The unit's losses are sorted by object: find this one's run. */
    uint32_t lo = 0, hi = u->nlosses;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)u->losses[mid].obj < (uintptr_t)c->obj)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t end = lo;
    while (end < u->nlosses && u->losses[end].obj == c->obj)
        end++;
    r.losses = lo < end ? &u->losses[lo] : NULL;
    r.nlosses = end - lo;
    return r;
}

/* ---- assembling a graph ---- */

/* Whether an object result must be kept as a record (in the records tree). */
bool cx_record_wanted(const cx_objrec *r)
{
    switch (r->obj->kind) {
    case CONTOUR_KIND_INGRESS:
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION:
        return true;
    default:
        return r->ignored || r->ndiags > 0;
    }
}

static int cmp_diag_ptr(const void *a, const void *b)
{
    return cx_diag_compare(*(const contour_diagnostic *const *)a,
                           *(const contour_diagnostic *const *)b);
}

bool cx_push_diags(cx_vec *v, const contour_diagnostic *const *d, uint32_t n)
{
    if (!cx_vec_reserve(v, n))
        return false;
    for (uint32_t i = 0; i < n; i++)
        cx_vec_push(v, &d[i]);
    return true;
}

bool cx_push_edges(cx_vec *v, const cx_edge *e, uint32_t n)
{
    if (!cx_vec_reserve(v, n))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        const cx_edge *p = &e[i];
        cx_vec_push(v, &p);
    }
    return true;
}

/* The diagnostics tree: the snapshot's (already in order) merged with resolution's. */
static bool build_diags(contour_graph *g, const contour_snapshot *s, cx_vec *mine)
{
    const contour_diagnostic **m = (const contour_diagnostic **)mine->data;
    if (mine->len > 1)
        qsort(m, mine->len, sizeof *m, cmp_diag_ptr);
    size_t nl = cx_pt_count(&s->diags), n = nl + mine->len;
    const contour_diagnostic **all = cx_malloc(&g->alloc, (n ? n : 1) * sizeof *all);
    if (!all)
        return false;
    cx_pt_iter it;
    cx_pt_iter_init(&it, &s->diags, 0);
    const contour_diagnostic *ld = cx_pt_iter_next(&it);
    size_t k = 0, j = 0;
    while (ld || j < mine->len) {
        if (ld && (j == mine->len || cx_diag_compare(ld, m[j]) <= 0)) {
            all[k++] = ld;
            ld = cx_pt_iter_next(&it);
        } else {
            all[k++] = m[j++];
        }
    }
    bool ok = cx_pt_build(&g->diags, (void *const *)all, n);
    cx_free(&g->alloc, all);
    return ok;
}

static int cmp_target_key(const void *a, const void *b)
{
    const cx_key *x = *(const cx_key *const *)a, *y = *(const cx_key *const *)b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return cx_key_compare(x, y);
}

/* The refs tree in cx_edge_compare order. The edges come in (referring object, field)
 * order, which is that order among the edges of one target: a stable counting sort by
 * target, with the targets sorted, does it in O(edges + targets log targets) — the
 * comparison sort it replaces took a third of a resolution. */
static bool build_refs(contour_graph *g, cx_vec *edges, uint32_t ids)
{
    const cx_alloc *a = &g->alloc;
    const cx_edge **e = (const cx_edge **)edges->data;
    size_t n = edges->len;
    uint32_t *at = cx_calloc(a, ids ? ids : 1, sizeof *at);
    const cx_key **targets = cx_malloc(a, (n ? n : 1) * sizeof *targets);
    const cx_edge **out = cx_malloc(a, (n ? n : 1) * sizeof *out);
    bool ok = at && targets && out;
    size_t nt = 0;
    for (size_t i = 0; ok && i < n; i++) {
        uint32_t id = e[i]->to->id;
        if (id >= ids) {
            ok = false; /* a key outside the table: never in a full resolution */
            break;
        }
        if (!at[id]++)
            targets[nt++] = e[i]->to;
    }
    if (ok) {
        qsort(targets, nt, sizeof *targets, cmp_target_key);
        uint32_t start = 0;
        for (size_t t = 0; t < nt; t++) {
            uint32_t c = at[targets[t]->id];
            at[targets[t]->id] = start;
            start += c;
        }
        for (size_t i = 0; i < n; i++)
            out[at[e[i]->to->id]++] = e[i];
        ok = cx_pt_build(&g->refs, (void *const *)out, n);
    }
    cx_free(a, at);
    cx_free(a, targets);
    cx_free(a, out);
    return ok;
}

/* ---- CONTOUR_LIMIT_ROUTES ---- */

static void limit_destroy(cx_shared *self, const cx_alloc *a)
{
    cx_limitrec *r = (cx_limitrec *)self;
    for (uint32_t i = 0; i < r->npins; i++)
        cx_shared_release(r->pins[i], a);
    cx_arena_release_with(r->arena, a);
}

/* One object's share of a left-out vhost's routes. */
typedef struct share {
    contour_kind kind;
    const char *ns, *name;
    uint64_t n;
} share;

static int cmp_share_key(const void *a, const void *b)
{
    const share *x = a, *y = b;
    int c;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if ((c = strcmp(x->ns, y->ns)))
        return c;
    return strcmp(x->name, y->name);
}

static int cmp_share_rank(const void *a, const void *b)
{
    const share *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return cmp_share_key(a, b);
}

/* "A (n), B (n), C (n) and K more objects" for a unit's routes. */
static bool msg_contributors(cx_strbuf *m, const cx_unit *u, const cx_alloc *a)
{
    enum { SHOWN = 3 };
    share top[SHOWN];
    size_t m_objs = 0, more = 0;
    if (u->truncated) {
        for (int i = 0; i < SHOWN && u->limit_top[i]; i++) {
            const contour_object *o = u->limit_top[i];
            top[m_objs++] = (share){o->kind, o->ns, o->name, u->limit_top_n[i]};
        }
        more = u->limit_more_objects;
    } else {
        size_t n = u->vh[0].route_count + u->vh[1].route_count;
        share *sh = cx_malloc(a, (n ? n : 1) * sizeof *sh);
        if (!sh)
            return false;
        size_t k = 0;
        for (int l = 0; l < 2; l++) {
            for (uint32_t i = 0; i < u->vh[l].route_count; i++) {
                const contour_route *r = &u->vh[l].routes[i];
                sh[k++] = (share){r->source_kind, r->source_ns, r->source_name, 1};
            }
        }
        qsort(sh, n, sizeof *sh, cmp_share_key);
        size_t g = 0;
        for (size_t i = 0; i < n; i++) {
            if (g && cmp_share_key(&sh[g - 1], &sh[i]) == 0)
                sh[g - 1].n++;
            else
                sh[g++] = sh[i];
        }
        qsort(sh, g, sizeof *sh, cmp_share_rank);
        for (size_t i = 0; i < g && i < SHOWN; i++)
            top[m_objs++] = sh[i];
        more = g > SHOWN ? g - SHOWN : 0;
        cx_free(a, sh);
    }
    for (size_t i = 0; i < m_objs; i++) {
        if (i)
            cx_strbuf_puts(m, i + 1 == m_objs && !more ? " and " : ", ");
        cx_strbuf_printf(m, "%s %s/%s (%llu)", contour_kind_name(top[i].kind), top[i].ns,
                         top[i].name, (unsigned long long)top[i].n);
    }
    if (more)
        cx_strbuf_printf(m, " and %zu more object%s", more, more == 1 ? "" : "s");
    return true;
}

/* The limit-routes errors of the units from the cutoff on (those the graph would show). */
static bool limit_errors(contour_graph *g, cx_vec *out)
{
    size_t n = cx_pt_count(&g->units);
    if (g->cutoff >= n)
        return true;
    cx_arena arena;
    cx_arena_init(&arena, &g->alloc, 1024);
    cx_limitrec *r = cx_arena_zalloc(&arena, sizeof *r);
    if (!r) {
        cx_arena_release(&arena);
        return false;
    }
    r->arena = arena;
    cx_shared_init(&r->rc, limit_destroy);
    cx_vec diags, pins;
    cx_vec_init(&diags, &g->alloc, sizeof(const contour_diagnostic *));
    cx_vec_init(&pins, &g->alloc, sizeof(const cx_shared *));
    cx_strbuf m;
    cx_strbuf_init(&m, &g->alloc);
    const cx_unit *cut = cx_pt_at(&g->units, (size_t)g->cutoff);
    bool ok = true;
    cx_pt_iter it;
    cx_pt_iter_init(&it, &g->units, (size_t)g->cutoff);
    for (const cx_unit *u; ok && (u = cx_pt_iter_next(&it));) {
        if (!u->routes && !(u->present[CX_L_SECURE] && u->vh[CX_L_SECURE].has_tcpproxy))
            continue; /* not in the graph anyway */
        cx_strbuf_clear(&m);
        cx_strbuf_puts(&m, "virtual host ");
        cx_msg_quote(&m, u->fqdn);
        cx_strbuf_puts(&m, " is left out: ");
        uint64_t k = u->routes;
        if (u == cut) {
            cx_strbuf_printf(&m, "its %llu route%s would take", (unsigned long long)k,
                             k == 1 ? "" : "s");
        } else {
            cx_strbuf_puts(&m, "it comes after virtual host ");
            cx_msg_quote(&m, cut->fqdn);
            cx_strbuf_puts(&m, ", whose routes would take");
        }
        cx_strbuf_printf(&m, " the graph past CONTOUR_LIMIT_ROUTES (%llu routes)",
                         (unsigned long long)g->settings->route_limit);
        if (k) {
            if (u == cut)
                cx_strbuf_puts(&m, k == 1 ? "; it comes from " : "; they come from ");
            else
                cx_strbuf_printf(&m, "; its %llu route%s come%s from ", (unsigned long long)k,
                                 k == 1 ? "" : "s", k == 1 ? "s" : "");
            ok = msg_contributors(&m, u, &g->alloc);
        }
        const contour_object *o = u->root;
        cx_pos pos = {0, 0};
        char field[64] = "spec.virtualhost.fqdn";
        if (o) {
            pos = o->u.ir.fqdn_pos.line ? o->u.ir.fqdn_pos : o->pos;
        } else if (u->first_ingress) {
            o = u->first_ingress->obj;
            pos = u->first_ingress->pos;
            cx_rtpl_field(u->first_ingress, field, sizeof field);
        }
        cx_dsink sink = {&r->arena, &diags, &r->rc};
        if (ok && !cx_rdiag(sink, CONTOUR_SEVERITY_ERROR, "limit-routes", o, pos, &m, "%s", field))
            ok = false;
        if (ok && o) {
            ok = cx_vec_push(&pins, &(const cx_shared *){&o->rc}) != NULL;
            if (ok)
                cx_shared_retain(&o->rc);
        }
    }
    r->diags = diags.len ? cx_arena_array(&r->arena, diags.len, sizeof *r->diags) : NULL;
    r->pins = pins.len ? cx_arena_array(&r->arena, pins.len, sizeof *r->pins) : NULL;
    if ((diags.len && !r->diags) || (pins.len && !r->pins))
        ok = false;
    if (r->diags)
        memcpy((void *)r->diags, diags.data, diags.len * sizeof *r->diags);
    r->ndiags = (uint32_t)diags.len;
    if (r->pins)
        memcpy((void *)r->pins, pins.data, pins.len * sizeof *r->pins);
    r->npins = (uint32_t)pins.len;
    if (!r->pins) {
        for (size_t i = 0; i < pins.len; i++)
            cx_shared_release(*(const cx_shared **)cx_vec_at(&pins, i), &g->alloc);
        r->npins = 0;
    }
    ok = ok && cx_push_diags(out, r->diags, r->ndiags);
    cx_vec_release(&diags);
    cx_vec_release(&pins);
    cx_strbuf_release(&m);
    if (!ok) {
        cx_shared_release(&r->rc, &g->alloc);
        return false;
    }
    g->limit = r;
    return true;
}

/* The first unit whose routes take the running total past the limit, or the count. */
uint64_t cx_cutoff(const cx_ptree *units, uint64_t limit)
{
    size_t at;
    if (limit == UINT64_MAX || !cx_pt_select(units, CX_U_ROUTES, limit, &at))
        return cx_pt_count(units);
    return at;
}

/* ---- a whole graph ---- */

typedef struct full {
    cx_rx rx;
    contour_graph *g;
    unsigned workers;
    cx_rx *wrx;                  /* per worker: rx (worker 0) or a copy with its own scratch */
    cx_unit_ws **wws;            /* per worker */
    uint64_t *wroutes;           /* per worker: routes of the units it made so far */
    const contour_object **objs; /* every object, by kind then (namespace, name) */
    size_t nobj;
    const cx_vh_entry **names; /* every virtual host name, in order */
    cx_unit **made;            /* per name: its unit, or NULL */
    size_t nnames;
    const contour_object **irs; /* IngressRoutes that are not ignored, in order */
    contour_status **st;        /* per IngressRoute: its status */
    size_t nirs;
    cx_vec units;    /* cx_unit * (a reference each) */
    cx_vec statuses; /* contour_status * */
    cx_vec records;  /* cx_objrec * */
    cx_vec diags;    /* const contour_diagnostic * of resolution */
    cx_vec edges;    /* const cx_edge * */
    uint32_t *count; /* per key id: units that reached or judged the IngressRoute */
    uint32_t *start; /* per key id: its first entry in `reach` */
    cx_reach *reach;
} full;

/* Per-worker contexts: worker 0 is the resolution's own; the others share its results
 * (kept by key id, each written by one worker) and have scratch of their own. */
static bool workers_init(full *f)
{
    const cx_alloc *a = &f->g->alloc;
    unsigned n = f->g->settings->threads ? f->g->settings->threads : 1;
    f->wrx = cx_calloc(a, n, sizeof *f->wrx);
    f->wws = cx_calloc(a, n, sizeof *f->wws);
    f->wroutes = cx_calloc(a, n, sizeof *f->wroutes);
    if (!f->wrx || !f->wws || !f->wroutes)
        return false;
    for (unsigned i = 0; i < n; i++) {
        if (i) {
            f->wrx[i] = f->rx;
            cx_objws_init(&f->wrx[i].ows, a);
        }
        f->workers = i + 1;
        f->wws[i] = cx_unit_ws_new(a);
        if (!f->wws[i])
            return false;
    }
    return true;
}

static cx_rx *worker_rx(full *f, unsigned w)
{
    return w ? &f->wrx[w] : &f->rx;
}

static bool workers_oom(const full *f)
{
    bool oom = f->rx.oom;
    for (unsigned i = 1; i < f->workers; i++)
        oom |= f->wrx[i].oom;
    return oom;
}

static void full_release(full *f)
{
    const cx_alloc *a = &f->g->alloc;
    for (size_t i = 0; i < f->units.len; i++)
        cx_unit_release(*(cx_unit **)cx_vec_at(&f->units, i), a);
    for (size_t i = 0; f->made && i < f->nnames; i++)
        cx_unit_release(f->made[i], a);
    for (size_t i = 0; i < f->statuses.len; i++)
        cx_shared_release(&(*(contour_status **)cx_vec_at(&f->statuses, i))->rc, a);
    for (size_t i = 0; i < f->records.len; i++)
        cx_shared_release(&(*(cx_objrec **)cx_vec_at(&f->records, i))->rc, a);
    cx_vec_release(&f->units);
    cx_vec_release(&f->statuses);
    cx_vec_release(&f->records);
    cx_vec_release(&f->diags);
    cx_vec_release(&f->edges);
    cx_free(a, f->count);
    cx_free(a, f->start);
    cx_free(a, f->reach);
    cx_free(a, f->objs);
    cx_free(a, f->names);
    cx_free(a, f->made);
    cx_free(a, f->irs);
    cx_free(a, f->st);
    for (unsigned i = 0; i < f->workers; i++) {
        if (i)
            cx_objws_release(&f->wrx[i].ows);
        cx_unit_ws_free(f->wws[i]);
    }
    cx_free(a, f->wrx);
    cx_free(a, f->wws);
    cx_free(a, f->wroutes);
    cx_rx_release(&f->rx);
}

/* ---- object results ---- */

static bool result_block(void *ctx, size_t begin, size_t end, unsigned w)
{
    full *f = ctx;
    cx_rx *rx = worker_rx(f, w);
    for (size_t i = begin; i < end && !rx->oom; i++) {
        const contour_object *o = f->objs[i];
        if (o->kind == CONTOUR_KIND_INGRESSROUTE && !cx_rx_ignored(rx, o))
            cx_rx_irres(rx, o);
        else
            cx_rx_objrec(rx, o);
    }
    return !rx->oom;
}

/* Every object's result: IngressRoutes' (records for ignored ones), the others' records. */
static bool make_results(full *f)
{
    const contour_snapshot *s = f->rx.s;
    size_t n = 0;
    for (int kind = 1; kind <= CX_KIND_COUNT; kind++)
        n += cx_pt_count(&s->order[kind]);
    f->objs = cx_malloc(&f->g->alloc, (n ? n : 1) * sizeof *f->objs);
    if (!f->objs)
        return false;
    for (int kind = 1; kind <= CX_KIND_COUNT; kind++) {
        cx_pt_iter it;
        cx_pt_iter_init(&it, &s->order[kind], 0);
        for (const contour_object *o; (o = cx_pt_iter_next(&it));)
            f->objs[f->nobj++] = o;
    }
    if (!cx_par_for(f->workers, f->nobj, 256, result_block, f) || workers_oom(f))
        return false;
    for (size_t i = 0; i < f->nobj; i++) {
        const contour_object *o = f->objs[i];
        if (o->kind == CONTOUR_KIND_INGRESSROUTE && !cx_rx_ignored(&f->rx, o))
            continue;
        const cx_objrec *r = cx_rx_objrec(&f->rx, o); /* made above: a lookup */
        if (r && cx_record_wanted(r)) {
            cx_shared_retain(&r->rc);
            if (!cx_vec_push(&f->records, &r)) {
                cx_shared_release(&r->rc, f->rx.alloc);
                return false;
            }
        }
    }
    return !f->rx.oom;
}

/* ---- units ---- */

/* A worker keeps a unit's routes while the routes of the units it made so far stay within
 * CONTOUR_LIMIT_ROUTES: never fewer than one thread would keep (its count is part of the
 * running total), and at most the limit per worker. Units before the cutoff that were
 * made without routes are made again (cx_untruncate). */
static bool unit_block(void *ctx, size_t begin, size_t end, unsigned w)
{
    full *f = ctx;
    cx_rx *rx = worker_rx(f, w);
    uint64_t limit = rx->set->route_limit;
    for (size_t i = begin; i < end; i++) {
        const cx_vh_entry *e = f->names[i];
        cx_unit_input in = {e->name, e->len, e};
        cx_unit *u;
        if (!cx_unit_make(rx, f->wws[w], &in, f->wroutes[w] <= limit, &u)) {
            rx->oom = true;
            return false;
        }
        if (u) {
            cx_unit_sort_losses(u);
            f->wroutes[w] += u->routes;
        }
        f->made[i] = u;
    }
    return true;
}

static bool make_units(full *f)
{
    const cx_vhindex *x = &f->rx.s->vhosts;
    size_t n = cx_pt_count(&x->order);
    const cx_alloc *a = &f->g->alloc;
    f->names = cx_malloc(a, (n ? n : 1) * sizeof *f->names);
    f->made = cx_calloc(a, n ? n : 1, sizeof *f->made);
    if (!f->names || !f->made || !cx_vec_reserve(&f->units, n))
        return false;
    f->nnames = n;
    cx_pt_iter it;
    cx_pt_iter_init(&it, &x->order, 0);
    for (size_t i = 0; i < n; i++)
        f->names[i] = cx_pt_iter_next(&it);
    if (!cx_par_for(f->workers, n, 64, unit_block, f) || workers_oom(f))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (f->made[i])
            cx_vec_push(&f->units, &f->made[i]); /* reserved */
        f->made[i] = NULL;
    }
    return true;
}

/* Every unit's contributions, grouped by IngressRoute (by key id), in fqdn order. */
static bool group_reach(full *f)
{
    const cx_alloc *a = &f->g->alloc;
    uint32_t ids = cx_keytab_id_limit(&f->rx.s->keys);
    f->count = cx_calloc(a, ids ? ids : 1, sizeof *f->count);
    f->start = cx_calloc(a, ids ? ids : 1, sizeof *f->start);
    if (!f->count || !f->start)
        return false;
    size_t total = 0;
    cx_unit **us = (cx_unit **)f->units.data;
    for (size_t i = 0; i < f->units.len; i++) {
        for (uint32_t k = 0; k < us[i]->ncontrib; k++)
            f->count[us[i]->contrib[k].obj->key->id]++;
        total += us[i]->ncontrib;
    }
    f->reach = cx_malloc(a, (total ? total : 1) * sizeof *f->reach);
    if (!f->reach)
        return false;
    size_t at = 0;
    for (uint32_t id = 0; id < ids; id++) {
        f->start[id] = (uint32_t)at;
        at += f->count[id];
        f->count[id] = 0;
    }
    for (size_t i = 0; i < f->units.len; i++) {
        for (uint32_t k = 0; k < us[i]->ncontrib; k++) {
            const cx_contrib *c = &us[i]->contrib[k];
            uint32_t id = c->obj->key->id;
            f->reach[f->start[id] + f->count[id]++] = cx_unit_reach(us[i], c);
        }
    }
    return true;
}

static bool status_block(void *ctx, size_t begin, size_t end, unsigned w)
{
    full *f = ctx;
    cx_rx *rx = worker_rx(f, w);
    for (size_t i = begin; i < end; i++) {
        const contour_object *o = f->irs[i];
        const cx_irres *res = cx_rx_irres(rx, o); /* made already: a lookup */
        uint32_t id = o->key->id;
        f->st[i] = res ? cx_status_make(rx, o, res, f->reach + f->start[id], f->count[id]) : NULL;
        if (!f->st[i]) {
            rx->oom = true;
            return false;
        }
    }
    return true;
}

/* Every IngressRoute's status, in (namespace, name) order. */
static bool make_statuses(full *f)
{
    cx_rx *rx = &f->rx;
    const cx_ptree *irs = &rx->s->order[CONTOUR_KIND_INGRESSROUTE];
    size_t n = cx_pt_count(irs);
    f->irs = cx_malloc(&f->g->alloc, (n ? n : 1) * sizeof *f->irs);
    f->st = cx_calloc(&f->g->alloc, n ? n : 1, sizeof *f->st);
    if (!f->irs || !f->st || !cx_vec_reserve(&f->statuses, n))
        return false;
    cx_pt_iter it;
    cx_pt_iter_init(&it, irs, 0);
    f->nirs = 0;
    for (const contour_object *o; (o = cx_pt_iter_next(&it));) {
        if (!cx_rx_ignored(rx, o))
            f->irs[f->nirs++] = o;
    }
    bool ok = cx_par_for(f->workers, f->nirs, 256, status_block, f) && !workers_oom(f);
    for (size_t i = 0; i < f->nirs; i++) {
        if (f->st[i])
            cx_vec_push(&f->statuses, &f->st[i]); /* reserved; released with f */
    }
    return ok;
}

/* What every record contributes to the diagnostics and refs trees. */
static bool collect(full *f)
{
    bool ok = true;
    cx_unit **us = (cx_unit **)f->units.data;
    for (size_t i = 0; i < f->units.len && ok; i++)
        ok = cx_push_diags(&f->diags, us[i]->diags, us[i]->ndiags);
    contour_status **ss = (contour_status **)f->statuses.data;
    for (size_t i = 0; i < f->statuses.len && ok; i++) {
        ok = cx_push_diags(&f->diags, ss[i]->diags, ss[i]->ndiags) &&
             cx_push_edges(&f->edges, ss[i]->res->edges, ss[i]->res->edge_count);
    }
    cx_objrec **rs = (cx_objrec **)f->records.data;
    for (size_t i = 0; i < f->records.len && ok; i++) {
        ok = cx_push_diags(&f->diags, rs[i]->diags, rs[i]->ndiags) &&
             cx_push_edges(&f->edges, rs[i]->edges, rs[i]->edge_count);
    }
    return ok;
}

/* Units before the cutoff must show their routes: make again any made without. */
bool cx_untruncate(cx_rx *rx, cx_unit_ws *ws, contour_graph *g)
{
    for (size_t i = 0; i < g->cutoff; i++) {
        const cx_unit *u = cx_pt_at(&g->units, i);
        if (!u->truncated)
            continue;
        const cx_vh_entry *e = cx_vhindex_find(&rx->s->vhosts, u->fqdn, u->fqdn_len);
        cx_unit_input in = {u->fqdn, u->fqdn_len, e};
        cx_unit *again;
        if (!cx_unit_make(rx, ws, &in, true, &again) || !again)
            return false;
        cx_unit_sort_losses(again);
        bool ok = cx_pt_set_at(&g->units, i, again);
        cx_unit_release(again, rx->alloc);
        if (!ok)
            return false;
    }
    return true;
}

bool cx_resolve_full(contour_graph *g, const contour_snapshot *s)
{
    full f;
    memset(&f, 0, sizeof f);
    f.g = g;
    cx_rx_init(&f.rx, s, g->settings, &g->alloc);
    cx_vec_init(&f.units, &g->alloc, sizeof(cx_unit *));
    cx_vec_init(&f.statuses, &g->alloc, sizeof(contour_status *));
    cx_vec_init(&f.records, &g->alloc, sizeof(cx_objrec *));
    cx_vec_init(&f.diags, &g->alloc, sizeof(const contour_diagnostic *));
    cx_vec_init(&f.edges, &g->alloc, sizeof(const cx_edge *));
    bool ok = cx_rx_dense(&f.rx, cx_keytab_id_limit(&s->keys)) && workers_init(&f) &&
              make_results(&f) && make_units(&f) && group_reach(&f) && make_statuses(&f) &&
              collect(&f);
    ok = ok && cx_pt_build(&g->units, (void *const *)f.units.data, f.units.len) &&
         cx_pt_build(&g->statuses, (void *const *)f.statuses.data, f.statuses.len) &&
         cx_pt_build(&g->records, (void *const *)f.records.data, f.records.len) &&
         build_refs(g, &f.edges, cx_keytab_id_limit(&s->keys));
    if (ok) {
        g->cutoff = cx_cutoff(&g->units, g->settings->route_limit);
        ok = cx_untruncate(&f.rx, f.wws[0], g) && limit_errors(g, &f.diags) &&
             build_diags(g, s, &f.diags);
    }
    full_release(&f);
    if (ok)
        cx_graph_listeners(g);
    return ok;
}

contour_graph *cx_graph_for(const contour_snapshot *s, const contour_config *cfg)
{
    contour_graph *g = cx_graph_new(&s->alloc);
    if (!g)
        return NULL;
    g->settings = cx_settings_new(&g->alloc, cfg ? cfg : &s->config);
    if (!g->settings) {
        contour_graph_free(g);
        return NULL;
    }
    g->uid = s->uid;
    g->names_key = s->keys.map.key;
    g->version = s->version;
    return g;
}

contour_result contour_resolve(contour_graph **out, const contour_snapshot *snapshot,
                               const contour_config *config)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!snapshot)
        return CONTOUR_ERR_INVALID;
    contour_graph *g = cx_graph_for(snapshot, config);
    if (!g)
        return CONTOUR_ERR_NOMEM;
    if (!cx_resolve_full(g, snapshot)) {
        contour_graph_free(g);
        return CONTOUR_ERR_NOMEM;
    }
    *out = g;
    return CONTOUR_OK;
}
