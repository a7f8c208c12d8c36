/*
 * The route graph as JSON (spec §4, docs/route-graph.md): one pass over the graph, keys in
 * the spec's order, two-space indentation, optional keys left out, a newline at the end.
 * Appends go straight into the output buffer; nothing is allocated per value.
 */
#include "write.h"

#include <string.h>

typedef struct jw {
    cx_strbuf *b;
    int depth;
    bool first; /* no member written yet in the current object/array */
} jw;

static const char spaces[] = "                                                                ";

static void newline(jw *w)
{
    cx_strbuf_putc(w->b, '\n');
    size_t n = (size_t)w->depth * 2;
    while (n > sizeof spaces - 1) {
        cx_strbuf_append(w->b, spaces, sizeof spaces - 1);
        n -= sizeof spaces - 1;
    }
    cx_strbuf_append(w->b, spaces, n);
}

/* Starts a member or element: the comma, the newline and the indentation. */
static void item(jw *w)
{
    if (!w->first)
        cx_strbuf_putc(w->b, ',');
    w->first = false;
    newline(w);
}

static void key(jw *w, const char *k)
{
    item(w);
    cx_strbuf_putc(w->b, '"');
    cx_strbuf_puts(w->b, k);
    cx_strbuf_append(w->b, "\": ", 3);
}

static void jopen(jw *w, char c)
{
    cx_strbuf_putc(w->b, c);
    w->depth++;
    w->first = true;
}

static void jclose(jw *w, char c)
{
    w->depth--;
    if (!w->first)
        newline(w);
    cx_strbuf_putc(w->b, c);
    w->first = false;
}

static void str(jw *w, const char *s)
{
    if (!s)
        s = "";
    cx_strbuf_json_string(w->b, s, strlen(s));
}

static void kv_str(jw *w, const char *k, const char *s)
{
    key(w, k);
    str(w, s);
}

static void kv_int(jw *w, const char *k, int64_t v)
{
    key(w, k);
    cx_strbuf_put_i64(w->b, v);
}

static void kv_bool(jw *w, const char *k, bool v)
{
    key(w, k);
    if (v)
        cx_strbuf_append(w->b, "true", 4);
    else
        cx_strbuf_append(w->b, "false", 5);
}

static void object_ref(jw *w, const char *k, contour_kind kind, const char *ns, const char *name)
{
    key(w, k);
    jopen(w, '{');
    kv_str(w, "kind", contour_kind_name(kind));
    kv_str(w, "namespace", ns);
    kv_str(w, "name", name);
    jclose(w, '}');
}

static void cluster(jw *w, const contour_cluster *c)
{
    item(w);
    jopen(w, '{');
    kv_str(w, "namespace", c->ns);
    kv_str(w, "service", c->service);
    kv_int(w, "port", c->port);
    if (c->port_name)
        kv_str(w, "port_name", c->port_name);
    kv_int(w, "weight", c->weight);
    if (c->strategy)
        kv_str(w, "strategy", c->strategy);
    if (c->protocol)
        kv_str(w, "protocol", c->protocol);
    if (c->has_health_check) {
        const cx_health_check *h = &c->health_check;
        key(w, "health_check");
        jopen(w, '{');
        kv_str(w, "path", h->path);
        kv_str(w, "host", h->host);
        kv_int(w, "interval_s", h->interval_s);
        kv_int(w, "timeout_s", h->timeout_s);
        kv_int(w, "unhealthy_threshold", h->unhealthy_threshold);
        kv_int(w, "healthy_threshold", h->healthy_threshold);
        jclose(w, '}');
    }
    if (c->max_connections)
        kv_int(w, "max_connections", c->max_connections);
    if (c->max_pending_requests)
        kv_int(w, "max_pending_requests", c->max_pending_requests);
    if (c->max_requests)
        kv_int(w, "max_requests", c->max_requests);
    if (c->max_retries)
        kv_int(w, "max_retries", c->max_retries);
    jclose(w, '}');
}

static void clusters(jw *w, const contour_cluster *cs, uint32_t n)
{
    key(w, "clusters");
    jopen(w, '[');
    for (uint32_t i = 0; i < n; i++)
        cluster(w, &cs[i]);
    jclose(w, ']');
}

static void route(jw *w, const contour_route *r)
{
    item(w);
    jopen(w, '{');
    kv_str(w, r->match == CONTOUR_MATCH_EXACT ? "exact" : "prefix", r->path);
    kv_bool(w, "https_redirect", r->https_redirect);
    kv_bool(w, "websocket", r->websocket);
    if (r->prefix_rewrite)
        kv_str(w, "prefix_rewrite", r->prefix_rewrite);
    if (r->has_timeout)
        kv_int(w, "timeout_ms", r->timeout_ms);
    if (r->has_retry) {
        key(w, "retry");
        jopen(w, '{');
        kv_str(w, "on", r->retry_on);
        kv_int(w, "num_retries", r->num_retries);
        if (r->per_try_timeout_ms)
            kv_int(w, "per_try_timeout_ms", r->per_try_timeout_ms);
        jclose(w, '}');
    }
    object_ref(w, "source", r->source_kind, r->source_ns, r->source_name);
    clusters(w, r->clusters, r->cluster_count);
    jclose(w, '}');
}

static void vhost(jw *w, const cx_view *view, const contour_vhost *v)
{
    item(w);
    jopen(w, '{');
    kv_str(w, "fqdn", v->fqdn);
    if (v->has_tls) {
        key(w, "tls");
        jopen(w, '{');
        if (v->secret_name) {
            key(w, "secret");
            jopen(w, '{');
            kv_str(w, "namespace", v->secret_ns);
            kv_str(w, "name", v->secret_name);
            jclose(w, '}');
        }
        kv_str(w, "min_protocol_version", v->min_version);
        kv_bool(w, "passthrough", v->passthrough);
        jclose(w, '}');
    }
    key(w, "routes");
    jopen(w, '[');
    for (uint32_t i = 0; i < v->route_count; i++)
        if (cx_view_route(view, v, &v->routes[i]))
            route(w, &v->routes[i]);
    jclose(w, ']');
    if (cx_view_tcpproxy(view, v)) {
        key(w, "tcpproxy");
        jopen(w, '{');
        clusters(w, v->tcp_clusters, v->tcp_cluster_count);
        jclose(w, '}');
    }
    jclose(w, '}');
}

static void status(jw *w, const contour_status *s)
{
    item(w);
    jopen(w, '{');
    kv_str(w, "kind", contour_kind_name(s->kind));
    kv_str(w, "namespace", s->ns);
    kv_str(w, "name", s->name);
    kv_str(w, "status", contour_state_name(s->state));
    kv_str(w, "description", s->description);
    key(w, "vhosts");
    jopen(w, '[');
    for (uint32_t i = 0; i < s->vhost_count; i++) {
        item(w);
        str(w, s->vhosts[i]);
    }
    jclose(w, ']');
    jclose(w, '}');
}

static void diagnostic(jw *w, const contour_diagnostic *d)
{
    item(w);
    jopen(w, '{');
    kv_str(w, "severity", contour_severity_name((contour_severity)d->severity));
    kv_str(w, "code", d->code);
    kv_str(w, "message", d->message);
    kv_str(w, "file", d->file);
    kv_int(w, "line", d->pos.line);
    kv_int(w, "column", d->pos.col);
    if (d->obj_kind != CONTOUR_KIND_NONE)
        object_ref(w, "object", (contour_kind)d->obj_kind, d->obj_ns, d->obj_name);
    if (d->field)
        kv_str(w, "field", d->field);
    jclose(w, '}');
}

bool cx_write_json(cx_strbuf *out, const cx_view *view)
{
    const contour_graph *g = view->g;
    jw w = {out, 0, true};
    jopen(&w, '{');
    key(&w, "listeners");
    jopen(&w, '[');
    for (uint32_t i = 0; i < g->listener_count; i++) {
        const contour_listener *l = &g->listeners[i];
        if (!cx_view_listener(view, l))
            continue;
        item(&w);
        jopen(&w, '{');
        kv_str(&w, "name", l->name);
        kv_int(&w, "port", l->port);
        key(&w, "virtualhosts");
        jopen(&w, '[');
        for (uint32_t v = 0; v < l->vhost_count; v++)
            if (cx_view_vhost(view, contour_listener_vhost_at(l, v)))
                vhost(&w, view, contour_listener_vhost_at(l, v));
        jclose(&w, ']');
        jclose(&w, '}');
    }
    jclose(&w, ']');
    key(&w, "statuses");
    jopen(&w, '[');
    for (uint32_t i = 0; i < cx_pt_count(&g->statuses); i++)
        if (cx_view_status(view, cx_pt_at(&g->statuses, i)))
            status(&w, cx_pt_at(&g->statuses, i));
    jclose(&w, ']');
    key(&w, "diagnostics");
    jopen(&w, '[');
    for (uint32_t i = 0; i < cx_pt_count(&g->diags); i++)
        if (cx_view_diag(view, ((const contour_diagnostic *)cx_pt_at(&g->diags, i))))
            diagnostic(&w, ((const contour_diagnostic *)cx_pt_at(&g->diags, i)));
    jclose(&w, ']');
    jclose(&w, '}');
    cx_strbuf_putc(out, '\n');
    return !out->oom;
}
