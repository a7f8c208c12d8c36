/*
 * The graph's lifetime, the operations of its trees (order, references, sums), and the
 * public accessors (include/contour/graph.h). Every accessor accepts NULL and out-of-range
 * arguments and then returns NULL / 0 / false.
 */
#include "graph_internal.h"
#include "resolve_build.h"

#include <string.h>

/* ---- the trees' elements ---- */

static void shared_retain(void *e)
{
    cx_shared_retain(e);
}

static void shared_release(void *e, const cx_alloc *a)
{
    cx_shared_release(e, a);
}

static int cmp_unit(const void *a, const void *b)
{
    const cx_unit *x = a, *y = b;
    size_t n = x->fqdn_len < y->fqdn_len ? x->fqdn_len : y->fqdn_len;
    int c = memcmp(x->fqdn, y->fqdn, n);
    return c ? c : (x->fqdn_len > y->fqdn_len) - (x->fqdn_len < y->fqdn_len);
}

static void measure_unit(const void *e, uint64_t agg[CX_PT_AGG])
{
    const cx_unit *u = e;
    agg[CX_U_INSECURE] += u->present[CX_L_INSECURE];
    agg[CX_U_SECURE] += u->present[CX_L_SECURE];
    agg[CX_U_ROUTES] += u->routes;
}

static int cmp_status(const void *a, const void *b)
{
    return cx_object_key_compare(((const contour_status *)a)->obj,
                                 ((const contour_status *)b)->obj);
}

static int cmp_record(const void *a, const void *b)
{
    const contour_object *x = ((const cx_objrec *)a)->obj, *y = ((const cx_objrec *)b)->obj;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return cx_object_key_compare(x, y);
}

int cx_edge_compare(const cx_edge *x, const cx_edge *y)
{
    if (x->to_hash != y->to_hash)
        return x->to_hash < y->to_hash ? -1 : 1;
    if (x->to->kind != y->to->kind)
        return x->to->kind < y->to->kind ? -1 : 1;
    int c = cx_key_compare(x->to, y->to);
    if (c)
        return c;
    if (x->from->kind != y->from->kind)
        return x->from->kind < y->from->kind ? -1 : 1;
    if ((c = cx_object_key_compare(x->from, y->from)))
        return c;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    /* Rules as written first, the default backend (-1) last: the order they are made in. */
    if (x->rule != y->rule)
        return (uint32_t)x->rule < (uint32_t)y->rule ? -1 : 1;
    if (x->index != y->index)
        return x->index < y->index ? -1 : 1;
    return (x->sub > y->sub) - (x->sub < y->sub);
}

static int cmp_edge(const void *a, const void *b)
{
    return cx_edge_compare(a, b);
}

static void edge_retain(void *e)
{
    cx_shared_retain(((cx_edge *)e)->owner);
}

static void edge_release(void *e, const cx_alloc *a)
{
    cx_shared_release(((cx_edge *)e)->owner, a);
}

static int cmp_diag(const void *a, const void *b)
{
    return cx_diag_compare(a, b);
}

static void diag_retain(void *e)
{
    const contour_diagnostic *d = e;
    if (d->owner)
        cx_shared_retain(d->owner);
}

static void diag_release(void *e, const cx_alloc *a)
{
    const contour_diagnostic *d = e;
    if (d->owner)
        cx_shared_release(d->owner, a);
}

static void measure_diag(const void *e, uint64_t agg[CX_PT_AGG])
{
    const contour_diagnostic *d = e;
    if (d->severity < CX_SEVERITY_COUNT)
        agg[d->severity]++;
}

const cx_pt_ops cx_unit_ops = {cmp_unit, shared_retain, shared_release, measure_unit};
const cx_pt_ops cx_status_ops = {cmp_status, shared_retain, shared_release, NULL};
const cx_pt_ops cx_record_ops = {cmp_record, shared_retain, shared_release, NULL};
const cx_pt_ops cx_edge_ops = {cmp_edge, edge_retain, edge_release, NULL};
const cx_pt_ops cx_diag_ops = {cmp_diag, diag_retain, diag_release, measure_diag};

/* ---- lifetime ---- */

contour_graph *cx_graph_new(const cx_alloc *alloc)
{
    contour_graph *g = cx_calloc(alloc, 1, sizeof *g);
    if (!g)
        return NULL;
    atomic_init(&g->refcount, 1);
    g->alloc = *alloc;
    cx_pt_init(&g->units, &cx_unit_ops, &g->alloc);
    cx_pt_init(&g->statuses, &cx_status_ops, &g->alloc);
    cx_pt_init(&g->records, &cx_record_ops, &g->alloc);
    cx_pt_init(&g->refs, &cx_edge_ops, &g->alloc);
    cx_pt_init(&g->diags, &cx_diag_ops, &g->alloc);
    return g;
}

void cx_graph_retain(const contour_graph *g)
{
    atomic_fetch_add_explicit(&((contour_graph *)g)->refcount, 1, memory_order_relaxed);
}

void contour_graph_free(contour_graph *g)
{
    if (!g || atomic_fetch_sub_explicit(&g->refcount, 1, memory_order_acq_rel) != 1)
        return;
    cx_pt_release(&g->units);
    cx_pt_release(&g->statuses);
    cx_pt_release(&g->records);
    cx_pt_release(&g->refs);
    cx_pt_release(&g->diags);
    if (g->limit)
        cx_shared_release(&g->limit->rc, &g->alloc);
    cx_alloc alloc = g->alloc;
    cx_settings_free(&alloc, g->settings);
    cx_free(&alloc, g);
}

/* The listeners shown: those with a vhost before the cutoff, by port. */
void cx_graph_listeners(contour_graph *g)
{
    contour_listener ls[2];
    memset(ls, 0, sizeof ls);
    ls[0] = (contour_listener){"ingress_http", g->settings->http_port, false, CX_L_INSECURE, 0, g};
    ls[1] = (contour_listener){"ingress_https", g->settings->https_port, true, CX_L_SECURE, 0, g};
    for (int l = 0; l < 2; l++)
        ls[l].vhost_count = (size_t)cx_pt_prefix(&g->units, l, (size_t)g->cutoff);
    int first = ls[1].port < ls[0].port ? 1 : 0;
    g->listener_count = 0;
    for (int i = 0; i < 2; i++) {
        const contour_listener *l = &ls[(first + i) % 2];
        if (l->vhost_count)
            g->listeners[g->listener_count++] = *l;
    }
}

/* ---- listeners and vhosts ---- */

size_t contour_graph_listener_count(const contour_graph *g)
{
    return g ? g->listener_count : 0;
}

const contour_listener *contour_graph_listener_at(const contour_graph *g, size_t i)
{
    return g && i < g->listener_count ? &g->listeners[i] : NULL;
}

const char *contour_listener_name(const contour_listener *l)
{
    return l ? l->name : NULL;
}

uint32_t contour_listener_port(const contour_listener *l)
{
    return l ? l->port : 0;
}

bool contour_listener_is_secure(const contour_listener *l)
{
    return l ? l->secure : false;
}

size_t contour_listener_vhost_count(const contour_listener *l)
{
    return l ? l->vhost_count : 0;
}

const contour_vhost *contour_listener_vhost_at(const contour_listener *l, size_t i)
{
    if (!l || i >= l->vhost_count)
        return NULL;
    const cx_unit *u = cx_pt_select(&l->graph->units, l->slot, i, NULL);
    return u ? &u->vh[l->slot] : NULL;
}

static int cmp_fqdn_unit(const void *key, const void *elem)
{
    const char *k = key;
    const cx_unit *u = elem;
    size_t kl = strlen(k), n = kl < u->fqdn_len ? kl : u->fqdn_len;
    int c = memcmp(k, u->fqdn, n);
    return c ? c : (kl > u->fqdn_len) - (kl < u->fqdn_len);
}

const contour_vhost *cx_listener_find_vhost(const contour_listener *l, const char *fqdn)
{
    size_t at;
    const cx_unit *u = cx_pt_find(&l->graph->units, fqdn, cmp_fqdn_unit, &at);
    if (!u || at >= l->graph->cutoff || !u->present[l->slot])
        return NULL;
    return &u->vh[l->slot];
}

const char *contour_vhost_fqdn(const contour_vhost *v)
{
    return v ? v->fqdn : NULL;
}

bool contour_vhost_has_tls(const contour_vhost *v)
{
    return v ? v->has_tls : false;
}

const char *contour_vhost_tls_secret_namespace(const contour_vhost *v)
{
    return v && v->has_tls ? v->secret_ns : NULL;
}

const char *contour_vhost_tls_secret_name(const contour_vhost *v)
{
    return v && v->has_tls ? v->secret_name : NULL;
}

const char *contour_vhost_tls_min_protocol_version(const contour_vhost *v)
{
    return v && v->has_tls ? v->min_version : NULL;
}

bool contour_vhost_tls_passthrough(const contour_vhost *v)
{
    return v ? v->passthrough : false;
}

size_t contour_vhost_route_count(const contour_vhost *v)
{
    return v ? v->route_count : 0;
}

const contour_route *contour_vhost_route_at(const contour_vhost *v, size_t i)
{
    return v && i < v->route_count ? &v->routes[i] : NULL;
}

bool contour_vhost_has_tcpproxy(const contour_vhost *v)
{
    return v ? v->has_tcpproxy : false;
}

size_t contour_vhost_tcpproxy_cluster_count(const contour_vhost *v)
{
    return v ? v->tcp_cluster_count : 0;
}

const contour_cluster *contour_vhost_tcpproxy_cluster_at(const contour_vhost *v, size_t i)
{
    return v && i < v->tcp_cluster_count ? &v->tcp_clusters[i] : NULL;
}

/* ---- routes ---- */

contour_match_type contour_route_match_type(const contour_route *r)
{
    return r ? r->match : CONTOUR_MATCH_PREFIX;
}

const char *contour_route_path(const contour_route *r)
{
    return r ? r->path : NULL;
}

bool contour_route_https_redirect(const contour_route *r)
{
    return r ? r->https_redirect : false;
}

bool contour_route_websocket(const contour_route *r)
{
    return r ? r->websocket : false;
}

const char *contour_route_prefix_rewrite(const contour_route *r)
{
    return r ? r->prefix_rewrite : NULL;
}

bool contour_route_has_timeout(const contour_route *r)
{
    return r ? r->has_timeout : false;
}

int64_t contour_route_timeout_ms(const contour_route *r)
{
    return r && r->has_timeout ? r->timeout_ms : 0;
}

bool contour_route_has_retry(const contour_route *r)
{
    return r ? r->has_retry : false;
}

const char *contour_route_retry_on(const contour_route *r)
{
    return r && r->has_retry ? r->retry_on : NULL;
}

uint32_t contour_route_retry_num_retries(const contour_route *r)
{
    return r && r->has_retry ? r->num_retries : 0;
}

int64_t contour_route_retry_per_try_timeout_ms(const contour_route *r)
{
    return r && r->has_retry ? r->per_try_timeout_ms : 0;
}

contour_kind contour_route_source_kind(const contour_route *r)
{
    return r ? r->source_kind : CONTOUR_KIND_NONE;
}

const char *contour_route_source_namespace(const contour_route *r)
{
    return r ? r->source_ns : NULL;
}

const char *contour_route_source_name(const contour_route *r)
{
    return r ? r->source_name : NULL;
}

size_t contour_route_cluster_count(const contour_route *r)
{
    return r ? r->cluster_count : 0;
}

const contour_cluster *contour_route_cluster_at(const contour_route *r, size_t i)
{
    return r && i < r->cluster_count ? &r->clusters[i] : NULL;
}

/* ---- clusters ---- */

const char *contour_cluster_namespace(const contour_cluster *c)
{
    return c ? c->ns : NULL;
}

const char *contour_cluster_service(const contour_cluster *c)
{
    return c ? c->service : NULL;
}

uint32_t contour_cluster_port(const contour_cluster *c)
{
    return c ? c->port : 0;
}

const char *contour_cluster_port_name(const contour_cluster *c)
{
    return c ? c->port_name : NULL;
}

int64_t contour_cluster_weight(const contour_cluster *c)
{
    return c ? c->weight : 0;
}

const char *contour_cluster_strategy(const contour_cluster *c)
{
    return c ? c->strategy : NULL;
}

const char *contour_cluster_protocol(const contour_cluster *c)
{
    return c ? c->protocol : NULL;
}

const contour_health_check *contour_cluster_health_check(const contour_cluster *c)
{
    return c && c->has_health_check ? &c->health_check : NULL;
}

uint32_t contour_cluster_max_connections(const contour_cluster *c)
{
    return c ? c->max_connections : 0;
}

uint32_t contour_cluster_max_pending_requests(const contour_cluster *c)
{
    return c ? c->max_pending_requests : 0;
}

uint32_t contour_cluster_max_requests(const contour_cluster *c)
{
    return c ? c->max_requests : 0;
}

uint32_t contour_cluster_max_retries(const contour_cluster *c)
{
    return c ? c->max_retries : 0;
}

/* ---- statuses ---- */

size_t contour_graph_status_count(const contour_graph *g)
{
    return g ? cx_pt_count(&g->statuses) : 0;
}

const contour_status *contour_graph_status_at(const contour_graph *g, size_t i)
{
    return g ? cx_pt_at(&g->statuses, i) : NULL;
}

typedef struct name_key {
    const char *ns, *name;
    size_t ns_len, name_len;
} name_key;

static int cmp_span(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return (alen > blen) - (alen < blen);
}

static int cmp_status_key(const void *key, const void *elem)
{
    const name_key *k = key;
    const contour_status *s = elem;
    int c = cmp_span(k->ns, k->ns_len, s->ns);
    return c ? c : cmp_span(k->name, k->name_len, s->name);
}

const contour_status *contour_graph_find_status(const contour_graph *g, const char *ns,
                                                size_t ns_len, const char *name, size_t name_len)
{
    if (!g || (!ns && ns_len) || (!name && name_len))
        return NULL;
    name_key k = {ns ? ns : "", name ? name : "", ns_len, name_len};
    return cx_pt_find(&g->statuses, &k, cmp_status_key, NULL);
}

contour_kind contour_status_kind(const contour_status *s)
{
    return s ? s->kind : CONTOUR_KIND_NONE;
}

const char *contour_status_namespace(const contour_status *s)
{
    return s ? s->ns : NULL;
}

const char *contour_status_name(const contour_status *s)
{
    return s ? s->name : NULL;
}

contour_state contour_status_state(const contour_status *s)
{
    return s ? s->state : CONTOUR_STATE_VALID;
}

const char *contour_status_description(const contour_status *s)
{
    return s ? s->description : NULL;
}

size_t contour_status_vhost_count(const contour_status *s)
{
    return s ? s->vhost_count : 0;
}

const char *contour_status_vhost_at(const contour_status *s, size_t i)
{
    return s && i < s->vhost_count ? s->vhosts[i] : NULL;
}

const char *contour_status_file(const contour_status *s)
{
    return s ? s->file : NULL;
}

uint32_t contour_status_line(const contour_status *s)
{
    return s ? s->pos.line : 0;
}

uint32_t contour_status_column(const contour_status *s)
{
    return s ? s->pos.col : 0;
}

static int cmp_key_status(const void *key, const void *elem)
{
    return cx_object_key_compare(key, ((const contour_status *)elem)->obj);
}

const contour_status *cx_graph_status_of(const contour_graph *g, const contour_object *o)
{
    return cx_pt_find(&g->statuses, o, cmp_key_status, NULL);
}

static int cmp_key_record(const void *key, const void *elem)
{
    const contour_object *k = key, *r = ((const cx_objrec *)elem)->obj;
    if (k->kind != r->kind)
        return k->kind < r->kind ? -1 : 1;
    return cx_object_key_compare(k, r);
}

const cx_objrec *cx_graph_record_of(const contour_graph *g, const contour_object *o)
{
    return cx_pt_find(&g->records, o, cmp_key_record, NULL);
}

/* ---- diagnostics ---- */

size_t contour_graph_diagnostic_count(const contour_graph *g)
{
    return g ? cx_pt_count(&g->diags) : 0;
}

const contour_diagnostic *contour_graph_diagnostic_at(const contour_graph *g, size_t i)
{
    return g ? cx_pt_at(&g->diags, i) : NULL;
}

size_t contour_graph_diagnostic_count_by_severity(const contour_graph *g, contour_severity severity)
{
    if (!g || (unsigned)severity >= CX_SEVERITY_COUNT)
        return 0;
    return (size_t)cx_pt_total(&g->diags, (int)severity);
}
