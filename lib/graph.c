/* Public accessors of the resolved graph (include/contour/graph.h). Every accessor accepts
 * NULL and out-of-range arguments and then returns NULL / 0 / false. */
#include "graph_model.h"

#include <string.h>

void contour_graph_free(contour_graph *g)
{
    if (!g)
        return;
    cx_alloc alloc = g->alloc;
    cx_arena_release(&g->arena);
    cx_free(&alloc, g);
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
    return l && i < l->vhost_count ? &l->vhosts[i] : NULL;
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
    return g ? g->status_count : 0;
}

const contour_status *contour_graph_status_at(const contour_graph *g, size_t i)
{
    return g && i < g->status_count ? &g->statuses[i] : NULL;
}

/* Byte order of (a, alen) against the NUL-terminated b. */
static int cmp_span(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return (alen > blen) - (alen < blen);
}

const contour_status *contour_graph_find_status(const contour_graph *g, const char *ns,
                                                size_t ns_len, const char *name, size_t name_len)
{
    if (!g || (!ns && ns_len) || (!name && name_len))
        return NULL;
    if (!ns)
        ns = "";
    if (!name)
        name = "";
    size_t lo = 0, hi = g->status_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const contour_status *s = &g->statuses[mid];
        int c = cmp_span(ns, ns_len, s->ns);
        if (!c)
            c = cmp_span(name, name_len, s->name);
        if (c == 0)
            return s;
        if (c > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
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

/* ---- diagnostics ---- */

size_t contour_graph_diagnostic_count(const contour_graph *g)
{
    return g ? g->diag_count : 0;
}

const contour_diagnostic *contour_graph_diagnostic_at(const contour_graph *g, size_t i)
{
    return g && i < g->diag_count ? g->diags[i] : NULL;
}

size_t contour_graph_diagnostic_count_by_severity(const contour_graph *g, contour_severity severity)
{
    if (!g || (unsigned)severity > CONTOUR_SEVERITY_ERROR)
        return 0;
    return g->severity_count[severity];
}
