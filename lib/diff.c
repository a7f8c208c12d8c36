/*
 * contour_diff_graphs(): what changed between two graphs. The units, statuses and
 * diagnostics trees are walked in step (cx_pt_diff), which skips every subtree the two
 * graphs share — so the diff of a graph and its update costs what the update changed —
 * and compares what differs by content: a remade record equal to the old one is no
 * change. A diff holds both graphs, so everything it returns stays valid until it is freed.
 */
#include "diff_internal.h"
#include "graph_internal.h"
#include "graph_settings.h"
#include "compare.h"

#include <string.h>

/* ---- equality by content ---- */

static bool same_str(const char *a, const char *b)
{
    return cx_cmp_nullable_str(a, b) == 0;
}

static bool same_health(const contour_cluster *a, const contour_cluster *b)
{
    if (a->has_health_check != b->has_health_check)
        return false;
    if (!a->has_health_check)
        return true;
    const cx_health_check *x = &a->health_check, *y = &b->health_check;
    return same_str(x->path, y->path) && same_str(x->host, y->host) &&
           x->interval_s == y->interval_s && x->timeout_s == y->timeout_s &&
           x->unhealthy_threshold == y->unhealthy_threshold &&
           x->healthy_threshold == y->healthy_threshold;
}

static bool same_cluster(const contour_cluster *a, const contour_cluster *b)
{
    return same_str(a->ns, b->ns) && same_str(a->service, b->service) && a->port == b->port &&
           same_str(a->port_name, b->port_name) && a->weight == b->weight &&
           same_str(a->strategy, b->strategy) && same_str(a->protocol, b->protocol) &&
           same_health(a, b) && a->max_connections == b->max_connections &&
           a->max_pending_requests == b->max_pending_requests &&
           a->max_requests == b->max_requests && a->max_retries == b->max_retries;
}

static bool same_clusters(const contour_cluster *a, uint32_t na, const contour_cluster *b,
                          uint32_t nb)
{
    if (na != nb)
        return false;
    for (uint32_t i = 0; i < na; i++) {
        if (!same_cluster(&a[i], &b[i]))
            return false;
    }
    return true;
}

static bool same_route(const contour_route *a, const contour_route *b)
{
    return a->match == b->match && same_str(a->path, b->path) &&
           a->https_redirect == b->https_redirect && a->websocket == b->websocket &&
           a->has_timeout == b->has_timeout &&
           (!a->has_timeout || a->timeout_ms == b->timeout_ms) && a->has_retry == b->has_retry &&
           (!a->has_retry ||
            (same_str(a->retry_on, b->retry_on) && a->num_retries == b->num_retries &&
             a->per_try_timeout_ms == b->per_try_timeout_ms)) &&
           same_str(a->prefix_rewrite, b->prefix_rewrite) && a->source_kind == b->source_kind &&
           same_str(a->source_ns, b->source_ns) && same_str(a->source_name, b->source_name) &&
           same_clusters(a->clusters, a->cluster_count, b->clusters, b->cluster_count);
}

static bool same_tls(const contour_vhost *a, const contour_vhost *b)
{
    return a->has_tls == b->has_tls && a->passthrough == b->passthrough &&
           same_str(a->secret_ns, b->secret_ns) && same_str(a->secret_name, b->secret_name) &&
           same_str(a->min_version, b->min_version) && a->has_tcpproxy == b->has_tcpproxy &&
           same_clusters(a->tcp_clusters, a->tcp_cluster_count, b->tcp_clusters,
                         b->tcp_cluster_count);
}

static bool same_status(const contour_status *a, const contour_status *b)
{
    if (a->state != b->state || !same_str(a->description, b->description) ||
        a->vhost_count != b->vhost_count)
        return false;
    for (uint32_t i = 0; i < a->vhost_count; i++) {
        if (strcmp(a->vhosts[i], b->vhosts[i]) != 0)
            return false;
    }
    return true;
}

/* The order of a vhost's routes: exact before prefix, then path descending. */
static int cmp_route_key(const contour_route *a, const contour_route *b)
{
    if (a->match != b->match)
        return a->match == CONTOUR_MATCH_EXACT ? -1 : 1;
    return strcmp(b->path, a->path);
}

/* ---- building ---- */

typedef struct dctx {
    contour_diff *d;
    cx_vec vh[2];   /* contour_vhost_change, per listener slot */
    cx_vec routes;  /* contour_route_change of the vhost being compared */
    cx_vec st;      /* contour_status_change */
    cx_vec added;   /* const contour_diagnostic * */
    cx_vec removed; /* const contour_diagnostic * */
    bool oom;
} dctx;

static bool push_route(dctx *c, contour_change kind, const contour_route *a, const contour_route *b)
{
    contour_route_change rc = {(uint8_t)kind, a, b};
    c->oom |= !cx_vec_push(&c->routes, &rc);
    return !c->oom;
}

/* Route changes of two versions of a vhost (either may be NULL: all added / removed). */
static void route_changes(dctx *c, const contour_vhost *a, const contour_vhost *b)
{
    c->routes.len = 0;
    uint32_t i = 0, j = 0, na = a ? a->route_count : 0, nb = b ? b->route_count : 0;
    while ((i < na || j < nb) && !c->oom) {
        int k = i == na ? 1 : j == nb ? -1 : cmp_route_key(&a->routes[i], &b->routes[j]);
        if (k < 0)
            push_route(c, CONTOUR_CHANGE_REMOVED, &a->routes[i++], NULL);
        else if (k > 0)
            push_route(c, CONTOUR_CHANGE_ADDED, NULL, &b->routes[j++]);
        else {
            if (!same_route(&a->routes[i], &b->routes[j]))
                push_route(c, CONTOUR_CHANGE_CHANGED, &a->routes[i], &b->routes[j]);
            i++, j++;
        }
    }
}

static void vhost_change(dctx *c, int slot, const contour_vhost *a, const contour_vhost *b)
{
    if (c->oom || (!a && !b))
        return;
    bool tls_changed = a && b && !same_tls(a, b);
    route_changes(c, a, b);
    if (c->oom || (a && b && !tls_changed && !c->routes.len))
        return;
    contour_vhost_change v;
    memset(&v, 0, sizeof v);
    v.kind = (uint8_t)(!a   ? CONTOUR_CHANGE_ADDED
                       : !b ? CONTOUR_CHANGE_REMOVED
                            : CONTOUR_CHANGE_CHANGED);
    v.diff = c->d;
    v.slot = (uint8_t)slot;
    v.fqdn = b ? b->fqdn : a->fqdn;
    v.old = a;
    v.now = b;
    v.tls_changed = tls_changed;
    if (c->routes.len) {
        v.routes = cx_arena_array(&c->d->arena, c->routes.len, sizeof *v.routes);
        if (!v.routes) {
            c->oom = true;
            return;
        }
        memcpy(v.routes, c->routes.data, c->routes.len * sizeof *v.routes);
        v.route_count = (uint32_t)c->routes.len;
    }
    c->oom |= !cx_vec_push(&c->vh[slot], &v);
}

/* A unit's vhost on a listener, if the graph shows it. */
static const contour_vhost *shown(const cx_unit *u, int slot, bool visible)
{
    return u && visible && u->present[slot] ? &u->vh[slot] : NULL;
}

static void unit_pair(dctx *c, const cx_unit *a, bool va, const cx_unit *b, bool vb)
{
    for (int slot = 0; slot < 2; slot++)
        vhost_change(c, slot, shown(a, slot, va), shown(b, slot, vb));
}

static bool on_unit(void *ctx, const void *a, const void *b)
{
    unit_pair(ctx, a, true, b, true);
    return !((dctx *)ctx)->oom;
}

static int cmp_unit_name(const cx_unit *a, const cx_unit *b)
{
    size_t n = a->fqdn_len < b->fqdn_len ? a->fqdn_len : b->fqdn_len;
    int c = memcmp(a->fqdn, b->fqdn, n);
    return c ? c : (a->fqdn_len > b->fqdn_len) - (a->fqdn_len < b->fqdn_len);
}

/* With CONTOUR_LIMIT_ROUTES cutting either graph, which units show depends on position:
 * walk both in full. */
static void units_in_full(dctx *c, const contour_graph *ga, const contour_graph *gb)
{
    cx_pt_iter ia, ib;
    cx_pt_iter_init(&ia, &ga->units, 0);
    cx_pt_iter_init(&ib, &gb->units, 0);
    size_t pa = 0, pb = 0;
    const cx_unit *a = cx_pt_iter_next(&ia), *b = cx_pt_iter_next(&ib);
    while ((a || b) && !c->oom) {
        int k = !a ? 1 : !b ? -1 : cmp_unit_name(a, b);
        if (k < 0) {
            unit_pair(c, a, pa < ga->cutoff, NULL, false);
            a = cx_pt_iter_next(&ia), pa++;
        } else if (k > 0) {
            unit_pair(c, NULL, false, b, pb < gb->cutoff);
            b = cx_pt_iter_next(&ib), pb++;
        } else {
            if (a != b || (pa < ga->cutoff) != (pb < gb->cutoff))
                unit_pair(c, a, pa < ga->cutoff, b, pb < gb->cutoff);
            a = cx_pt_iter_next(&ia), pa++;
            b = cx_pt_iter_next(&ib), pb++;
        }
    }
}

static bool on_status(void *ctx, const void *a, const void *b)
{
    dctx *c = ctx;
    const contour_status *x = a, *y = b;
    if (x && y && same_status(x, y))
        return true;
    contour_status_change sc = {(uint8_t)(!x   ? CONTOUR_CHANGE_ADDED
                                          : !y ? CONTOUR_CHANGE_REMOVED
                                               : CONTOUR_CHANGE_CHANGED),
                                x, y};
    c->oom |= !cx_vec_push(&c->st, &sc);
    return !c->oom;
}

static bool on_diag(void *ctx, const void *a, const void *b)
{
    dctx *c = ctx;
    if (a && b)
        return true; /* equal by content */
    c->oom |= !cx_vec_push(a ? &c->removed : &c->added, a ? &a : &b);
    return !c->oom;
}

static void *keep(dctx *c, const cx_vec *v, size_t *n)
{
    *n = v->len;
    if (!v->len || c->oom)
        return NULL;
    void *p = cx_arena_array(&c->d->arena, v->len, v->elsize);
    if (!p)
        c->oom = true;
    else
        memcpy(p, v->data, v->len * v->elsize);
    return p;
}

/* The listeners' order: by port in the new graph (slot 0 first on a tie, as graphs do). */
static void order_vhosts(dctx *c)
{
    const contour_graph *gb = c->d->b;
    int first = gb->settings->https_port < gb->settings->http_port ? 1 : 0;
    size_t n = c->vh[0].len + c->vh[1].len;
    c->d->nvh = n;
    if (!n)
        return;
    c->d->vh = cx_arena_array(&c->d->arena, n, sizeof *c->d->vh);
    if (!c->d->vh) {
        c->oom = true;
        return;
    }
    size_t k = 0;
    for (int i = 0; i < 2; i++) {
        const cx_vec *v = &c->vh[(first + i) % 2];
        if (v->len) /* an empty vector's data is NULL */
            memcpy(c->d->vh + k, v->data, v->len * sizeof *c->d->vh);
        k += v->len;
    }
}

static bool compute(dctx *c)
{
    const contour_graph *ga = c->d->a, *gb = c->d->b;
    bool cut = ga->cutoff < cx_pt_count(&ga->units) || gb->cutoff < cx_pt_count(&gb->units);
    if (cut)
        units_in_full(c, ga, gb);
    else
        cx_pt_diff(&ga->units, &gb->units, on_unit, c);
    if (!c->oom)
        cx_pt_diff(&ga->statuses, &gb->statuses, on_status, c);
    if (!c->oom)
        cx_pt_diff(&ga->diags, &gb->diags, on_diag, c);
    if (!c->oom)
        order_vhosts(c);
    c->d->st = keep(c, &c->st, &c->d->nst);
    c->d->added = keep(c, &c->added, &c->d->nadded);
    c->d->resolved = keep(c, &c->removed, &c->d->nresolved);
    return !c->oom;
}

contour_result contour_diff_graphs(contour_diff **out, const contour_graph *old_graph,
                                   const contour_graph *new_graph)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!old_graph || !new_graph)
        return CONTOUR_ERR_INVALID;
    const cx_alloc *a = &new_graph->alloc;
    contour_diff *d = cx_calloc(a, 1, sizeof *d);
    if (!d)
        return CONTOUR_ERR_NOMEM;
    d->alloc = *a;
    cx_arena_init(&d->arena, &d->alloc, 1024);
    cx_graph_retain(old_graph);
    cx_graph_retain(new_graph);
    d->a = old_graph;
    d->b = new_graph;
    dctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    cx_vec *vs[] = {&c.vh[0], &c.vh[1], &c.routes, &c.st, &c.added, &c.removed};
    size_t sizes[] = {sizeof(contour_vhost_change), sizeof(contour_vhost_change),
                      sizeof(contour_route_change), sizeof(contour_status_change),
                      sizeof(contour_diagnostic *), sizeof(contour_diagnostic *)};
    for (size_t i = 0; i < 6; i++)
        cx_vec_init(vs[i], &d->alloc, sizes[i]);
    bool ok = compute(&c);
    for (size_t i = 0; i < 6; i++)
        cx_vec_release(vs[i]);
    if (!ok) {
        contour_diff_free(d);
        return CONTOUR_ERR_NOMEM;
    }
    *out = d;
    return CONTOUR_OK;
}

void contour_diff_free(contour_diff *d)
{
    if (!d)
        return;
    contour_graph_free((contour_graph *)d->a);
    contour_graph_free((contour_graph *)d->b);
    cx_alloc a = d->alloc;
    cx_arena_release(&d->arena);
    cx_free(&a, d);
}

/* ---- accessors ---- */

const char *contour_change_name(contour_change change)
{
    switch (change) {
    case CONTOUR_CHANGE_ADDED:
        return "added";
    case CONTOUR_CHANGE_REMOVED:
        return "removed";
    case CONTOUR_CHANGE_CHANGED:
        return "changed";
    default:
        return "";
    }
}

bool contour_diff_is_empty(const contour_diff *d)
{
    return !d || (!d->nvh && !d->nst && !d->nadded && !d->nresolved);
}

size_t contour_diff_vhost_count(const contour_diff *d)
{
    return d ? d->nvh : 0;
}

const contour_vhost_change *contour_diff_vhost_at(const contour_diff *d, size_t i)
{
    return d && i < d->nvh ? &d->vh[i] : NULL;
}

const char *contour_vhost_change_listener(const contour_vhost_change *v)
{
    return v ? (v->slot == CX_L_SECURE ? "ingress_https" : "ingress_http") : NULL;
}

uint32_t contour_vhost_change_port(const contour_vhost_change *v)
{
    if (!v)
        return 0;
    const contour_graph *g = v->kind == CONTOUR_CHANGE_REMOVED ? v->diff->a : v->diff->b;
    return v->slot == CX_L_SECURE ? g->settings->https_port : g->settings->http_port;
}

contour_change contour_vhost_change_kind(const contour_vhost_change *v)
{
    return v ? (contour_change)v->kind : CONTOUR_CHANGE_ADDED;
}

const char *contour_vhost_change_fqdn(const contour_vhost_change *v)
{
    return v ? v->fqdn : NULL;
}

const contour_vhost *contour_vhost_change_old(const contour_vhost_change *v)
{
    return v ? v->old : NULL;
}

const contour_vhost *contour_vhost_change_new(const contour_vhost_change *v)
{
    return v ? v->now : NULL;
}

bool contour_vhost_change_tls_changed(const contour_vhost_change *v)
{
    return v ? v->tls_changed : false;
}

size_t contour_vhost_change_route_count(const contour_vhost_change *v)
{
    return v ? v->route_count : 0;
}

const contour_route_change *contour_vhost_change_route_at(const contour_vhost_change *v, size_t i)
{
    return v && i < v->route_count ? &v->routes[i] : NULL;
}

contour_change contour_route_change_kind(const contour_route_change *r)
{
    return r ? (contour_change)r->kind : CONTOUR_CHANGE_ADDED;
}

contour_match_type contour_route_change_match_type(const contour_route_change *r)
{
    return r ? (r->now ? r->now : r->old)->match : CONTOUR_MATCH_PREFIX;
}

const char *contour_route_change_path(const contour_route_change *r)
{
    return r ? (r->now ? r->now : r->old)->path : NULL;
}

const contour_route *contour_route_change_old(const contour_route_change *r)
{
    return r ? r->old : NULL;
}

const contour_route *contour_route_change_new(const contour_route_change *r)
{
    return r ? r->now : NULL;
}

size_t contour_diff_status_count(const contour_diff *d)
{
    return d ? d->nst : 0;
}

const contour_status_change *contour_diff_status_at(const contour_diff *d, size_t i)
{
    return d && i < d->nst ? &d->st[i] : NULL;
}

contour_change contour_status_change_kind(const contour_status_change *s)
{
    return s ? (contour_change)s->kind : CONTOUR_CHANGE_ADDED;
}

const contour_status *contour_status_change_old(const contour_status_change *s)
{
    return s ? s->old : NULL;
}

const contour_status *contour_status_change_new(const contour_status_change *s)
{
    return s ? s->now : NULL;
}

size_t contour_diff_added_diagnostic_count(const contour_diff *d)
{
    return d ? d->nadded : 0;
}

const contour_diagnostic *contour_diff_added_diagnostic_at(const contour_diff *d, size_t i)
{
    return d && i < d->nadded ? d->added[i] : NULL;
}

size_t contour_diff_resolved_diagnostic_count(const contour_diff *d)
{
    return d ? d->nresolved : 0;
}

const contour_diagnostic *contour_diff_resolved_diagnostic_at(const contour_diff *d, size_t i)
{
    return d && i < d->nresolved ? d->resolved[i] : NULL;
}
