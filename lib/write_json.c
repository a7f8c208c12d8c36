/*
 * The route graph as JSON (spec §4, docs/route-graph.md): one pass over the graph, keys in
 * the spec's order, two-space indentation, optional keys left out, a newline at the end.
 * Appends go straight into the output buffer; nothing is allocated per value.
 */
#include "write.h"

#include <string.h>

static const char spaces[] = "                                                                ";

void cx_jw_newline(cx_jw *w)
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
void cx_jw_item(cx_jw *w)
{
    if (!w->first)
        cx_strbuf_putc(w->b, ',');
    w->first = false;
    cx_jw_newline(w);
}

void cx_jw_key(cx_jw *w, const char *k)
{
    cx_jw_item(w);
    cx_strbuf_putc(w->b, '"');
    cx_strbuf_puts(w->b, k);
    cx_strbuf_append(w->b, "\": ", 3);
}

void cx_jw_open(cx_jw *w, char c)
{
    cx_strbuf_putc(w->b, c);
    w->depth++;
    w->first = true;
}

void cx_jw_close(cx_jw *w, char c)
{
    w->depth--;
    if (!w->first)
        cx_jw_newline(w);
    cx_strbuf_putc(w->b, c);
    w->first = false;
}

void cx_jw_str(cx_jw *w, const char *s)
{
    if (!s)
        s = "";
    cx_strbuf_json_string(w->b, s, strlen(s));
}

void cx_jw_kv_str(cx_jw *w, const char *k, const char *s)
{
    cx_jw_key(w, k);
    cx_jw_str(w, s);
}

void cx_jw_kv_int(cx_jw *w, const char *k, int64_t v)
{
    cx_jw_key(w, k);
    cx_strbuf_put_i64(w->b, v);
}

void cx_jw_kv_bool(cx_jw *w, const char *k, bool v)
{
    cx_jw_key(w, k);
    if (v)
        cx_strbuf_append(w->b, "true", 4);
    else
        cx_strbuf_append(w->b, "false", 5);
}

void cx_jw_object_ref(cx_jw *w, const char *k, contour_kind kind, const char *ns, const char *name)
{
    cx_jw_key(w, k);
    cx_jw_open(w, '{');
    cx_jw_kv_str(w, "kind", contour_kind_name(kind));
    cx_jw_kv_str(w, "namespace", ns);
    cx_jw_kv_str(w, "name", name);
    cx_jw_close(w, '}');
}

static void cx_jw_cluster(cx_jw *w, const contour_cluster *c)
{
    cx_jw_item(w);
    cx_jw_open(w, '{');
    cx_jw_kv_str(w, "namespace", c->ns);
    cx_jw_kv_str(w, "service", c->service);
    cx_jw_kv_int(w, "port", c->port);
    if (c->port_name)
        cx_jw_kv_str(w, "port_name", c->port_name);
    cx_jw_kv_int(w, "weight", c->weight);
    if (c->strategy)
        cx_jw_kv_str(w, "strategy", c->strategy);
    if (c->protocol)
        cx_jw_kv_str(w, "protocol", c->protocol);
    if (c->has_health_check) {
        const cx_health_check *h = &c->health_check;
        cx_jw_key(w, "health_check");
        cx_jw_open(w, '{');
        cx_jw_kv_str(w, "path", h->path);
        cx_jw_kv_str(w, "host", h->host);
        cx_jw_kv_int(w, "interval_s", h->interval_s);
        cx_jw_kv_int(w, "timeout_s", h->timeout_s);
        cx_jw_kv_int(w, "unhealthy_threshold", h->unhealthy_threshold);
        cx_jw_kv_int(w, "healthy_threshold", h->healthy_threshold);
        cx_jw_close(w, '}');
    }
    if (c->max_connections)
        cx_jw_kv_int(w, "max_connections", c->max_connections);
    if (c->max_pending_requests)
        cx_jw_kv_int(w, "max_pending_requests", c->max_pending_requests);
    if (c->max_requests)
        cx_jw_kv_int(w, "max_requests", c->max_requests);
    if (c->max_retries)
        cx_jw_kv_int(w, "max_retries", c->max_retries);
    cx_jw_close(w, '}');
}

void cx_jw_clusters(cx_jw *w, const contour_cluster *cs, uint32_t n)
{
    cx_jw_key(w, "clusters");
    cx_jw_open(w, '[');
    for (uint32_t i = 0; i < n; i++)
        cx_jw_cluster(w, &cs[i]);
    cx_jw_close(w, ']');
}

void cx_jw_route(cx_jw *w, const contour_route *r)
{
    cx_jw_item(w);
    cx_jw_route_value(w, r);
}

void cx_jw_route_value(cx_jw *w, const contour_route *r)
{
    cx_jw_open(w, '{');
    cx_jw_kv_str(w, r->match == CONTOUR_MATCH_EXACT ? "exact" : "prefix", r->path);
    cx_jw_kv_bool(w, "https_redirect", r->https_redirect);
    cx_jw_kv_bool(w, "websocket", r->websocket);
    if (r->prefix_rewrite)
        cx_jw_kv_str(w, "prefix_rewrite", r->prefix_rewrite);
    if (r->has_timeout)
        cx_jw_kv_int(w, "timeout_ms", r->timeout_ms);
    if (r->has_retry) {
        cx_jw_key(w, "retry");
        cx_jw_open(w, '{');
        cx_jw_kv_str(w, "on", r->retry_on);
        cx_jw_kv_int(w, "num_retries", r->num_retries);
        if (r->per_try_timeout_ms)
            cx_jw_kv_int(w, "per_try_timeout_ms", r->per_try_timeout_ms);
        cx_jw_close(w, '}');
    }
    cx_jw_object_ref(w, "source", r->source_kind, r->source_ns, r->source_name);
    cx_jw_clusters(w, r->clusters, r->cluster_count);
    cx_jw_close(w, '}');
}

static void vhost(cx_jw *w, const cx_view *view, const contour_vhost *v)
{
    cx_jw_item(w);
    cx_jw_open(w, '{');
    cx_jw_kv_str(w, "fqdn", v->fqdn);
    if (v->has_tls)
        cx_jw_tls(w, "tls", v);
    cx_jw_key(w, "routes");
    cx_jw_open(w, '[');
    for (uint32_t i = 0; i < v->route_count; i++)
        if (cx_view_route(view, v, &v->routes[i]))
            cx_jw_route(w, &v->routes[i]);
    cx_jw_close(w, ']');
    if (cx_view_tcpproxy(view, v)) {
        cx_jw_key(w, "tcpproxy");
        cx_jw_open(w, '{');
        cx_jw_clusters(w, v->tcp_clusters, v->tcp_cluster_count);
        cx_jw_close(w, '}');
    }
    cx_jw_close(w, '}');
}

void cx_jw_tls(cx_jw *w, const char *k, const contour_vhost *v)
{
    cx_jw_key(w, k);
    cx_jw_open(w, '{');
    if (v->secret_name) {
        cx_jw_key(w, "secret");
        cx_jw_open(w, '{');
        cx_jw_kv_str(w, "namespace", v->secret_ns);
        cx_jw_kv_str(w, "name", v->secret_name);
        cx_jw_close(w, '}');
    }
    cx_jw_kv_str(w, "min_protocol_version", v->min_version);
    cx_jw_kv_bool(w, "passthrough", v->passthrough);
    cx_jw_close(w, '}');
}

void cx_jw_status(cx_jw *w, const contour_status *s)
{
    cx_jw_item(w);
    cx_jw_status_value(w, s);
}

void cx_jw_status_value(cx_jw *w, const contour_status *s)
{
    cx_jw_open(w, '{');
    cx_jw_kv_str(w, "kind", contour_kind_name(s->kind));
    cx_jw_kv_str(w, "namespace", s->ns);
    cx_jw_kv_str(w, "name", s->name);
    cx_jw_kv_str(w, "status", contour_state_name(s->state));
    cx_jw_kv_str(w, "description", s->description);
    cx_jw_key(w, "vhosts");
    cx_jw_open(w, '[');
    for (uint32_t i = 0; i < s->vhost_count; i++) {
        cx_jw_item(w);
        cx_jw_str(w, s->vhosts[i]);
    }
    cx_jw_close(w, ']');
    cx_jw_close(w, '}');
}

void cx_jw_diagnostic(cx_jw *w, const contour_diagnostic *d)
{
    cx_jw_item(w);
    cx_jw_open(w, '{');
    cx_jw_kv_str(w, "severity", contour_severity_name((contour_severity)d->severity));
    cx_jw_kv_str(w, "code", d->code);
    cx_jw_kv_str(w, "message", d->message);
    cx_jw_kv_str(w, "file", d->file);
    cx_jw_kv_int(w, "line", d->pos.line);
    cx_jw_kv_int(w, "column", d->pos.col);
    if (d->obj_kind != CONTOUR_KIND_NONE)
        cx_jw_object_ref(w, "object", (contour_kind)d->obj_kind, d->obj_ns, d->obj_name);
    if (d->field)
        cx_jw_kv_str(w, "field", d->field);
    cx_jw_close(w, '}');
}

bool cx_write_json(cx_strbuf *out, const cx_view *view)
{
    const contour_graph *g = view->g;
    cx_jw w = {out, 0, true};
    cx_jw_open(&w, '{');
    cx_jw_key(&w, "listeners");
    cx_jw_open(&w, '[');
    for (uint32_t i = 0; i < g->listener_count; i++) {
        const contour_listener *l = &g->listeners[i];
        if (!cx_view_listener(view, l))
            continue;
        cx_jw_item(&w);
        cx_jw_open(&w, '{');
        cx_jw_kv_str(&w, "name", l->name);
        cx_jw_kv_int(&w, "port", l->port);
        cx_jw_key(&w, "virtualhosts");
        cx_jw_open(&w, '[');
        for (uint32_t v = 0; v < l->vhost_count; v++)
            if (cx_view_vhost(view, contour_listener_vhost_at(l, v)))
                vhost(&w, view, contour_listener_vhost_at(l, v));
        cx_jw_close(&w, ']');
        cx_jw_close(&w, '}');
    }
    cx_jw_close(&w, ']');
    cx_jw_key(&w, "statuses");
    cx_jw_open(&w, '[');
    cx_pt_iter it;
    cx_pt_iter_init(&it, &g->statuses, 0);
    for (const contour_status *s; (s = cx_pt_iter_next(&it));)
        if (cx_view_status(view, s))
            cx_jw_status(&w, s);
    cx_jw_close(&w, ']');
    cx_jw_key(&w, "diagnostics");
    cx_jw_open(&w, '[');
    cx_pt_iter_init(&it, &g->diags, 0);
    for (const contour_diagnostic *d; (d = cx_pt_iter_next(&it));)
        if (cx_view_diag(view, d))
            cx_jw_diagnostic(&w, d);
    cx_jw_close(&w, ']');
    cx_jw_close(&w, '}');
    cx_strbuf_putc(out, '\n');
    return !out->oom;
}
