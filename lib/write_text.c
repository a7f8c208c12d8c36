/* The text rendering: an indented listing for people (docs/cli.md shows an example).
 *
 *   listener ingress_http port 80
 *     vhost example.com
 *       route prefix /api (IngressRoute default/root): → https, websocket
 *         cluster default/api:80 (http): weight 0
 *   statuses
 *     default/root: valid: valid IngressRoute [example.com]
 *   diagnostics
 *     in.yaml:3:5: warning: unknown field "x" in spec [default/root]
 *
 * Namespaces, names and fqdns are printed as they are when they consist of letters, digits,
 * '-', '.', '_' and '*', and Go-quoted otherwise, so a hostile name can neither break a line
 * nor pass for two (a/b/c is never ambiguous); paths and other values are quoted only when
 * they hold blanks, quotes, backslashes or non-printable characters (escape.h). Messages
 * and descriptions (which already quote the user strings they contain) are printed with
 * non-printable characters escaped. */
#include "escape.h"
#include "write.h"

#include <string.h>

/* Prose (messages, descriptions, file names): printable characters as they are, the
 * others as Go escapes, without quotes. */
static void put_prose(cx_strbuf *b, const char *s)
{
    if (s)
        cx_esc_append(b, s, strlen(s), CX_ESC_TEXT);
}

/* Separator for the comma-separated details after a "...: " head. */
typedef struct details {
    cx_strbuf *b;
    bool any;
} details;

static void detail(details *d)
{
    cx_strbuf_puts(d->b, d->any ? ", " : ": ");
    d->any = true;
}

static void write_cluster(cx_strbuf *b, const contour_cluster *c, const char *indent)
{
    cx_strbuf_printf(b, "%scluster ", indent);
    cx_esc_put_ref(b, c->ns, c->service);
    cx_strbuf_printf(b, ":%u", c->port);
    if (c->port_name) {
        cx_strbuf_puts(b, " (");
        cx_esc_put_name(b, c->port_name);
        cx_strbuf_putc(b, ')');
    }
    cx_strbuf_puts(b, ": weight ");
    cx_strbuf_put_i64(b, c->weight);
    if (c->strategy) {
        cx_strbuf_puts(b, ", strategy ");
        cx_esc_put_token(b, c->strategy);
    }
    if (c->protocol) {
        cx_strbuf_puts(b, ", protocol ");
        cx_esc_put_token(b, c->protocol);
    }
    cx_strbuf_putc(b, '\n');

    if (c->has_health_check) {
        const cx_health_check *h = &c->health_check;
        cx_strbuf_printf(b, "%s  health check", indent);
        details d = {b, false};
        if (h->path) {
            detail(&d);
            cx_strbuf_puts(b, "path ");
            cx_esc_put_token(b, h->path);
        }
        if (h->host) {
            detail(&d);
            cx_strbuf_puts(b, "host ");
            cx_esc_put_token(b, h->host);
        }
        detail(&d);
        cx_strbuf_printf(b, "interval %llds, timeout %llds, unhealthy %lld, healthy %lld\n",
                         (long long)h->interval_s, (long long)h->timeout_s,
                         (long long)h->unhealthy_threshold, (long long)h->healthy_threshold);
    }

    if (c->max_connections || c->max_pending_requests || c->max_requests || c->max_retries) {
        cx_strbuf_printf(b, "%s  limits", indent);
        details d = {b, false};
        static const char *const names[] = {"max connections", "max pending requests",
                                            "max requests", "max retries"};
        const uint32_t values[] = {c->max_connections, c->max_pending_requests, c->max_requests,
                                   c->max_retries};
        for (size_t i = 0; i < 4; i++) {
            if (!values[i])
                continue;
            detail(&d);
            cx_strbuf_printf(b, "%s %u", names[i], values[i]);
        }
        cx_strbuf_putc(b, '\n');
    }
}

static void write_route(cx_strbuf *b, const contour_route *r)
{
    cx_strbuf_puts(b, r->match == CONTOUR_MATCH_EXACT ? "    route exact " : "    route prefix ");
    cx_esc_put_token(b, r->path);
    cx_strbuf_printf(b, " (%s ", contour_kind_name(r->source_kind));
    cx_esc_put_ref(b, r->source_ns, r->source_name);
    cx_strbuf_putc(b, ')');

    details d = {b, false};
    if (r->https_redirect) {
        detail(&d);
        cx_strbuf_puts(b, "\xe2\x86\x92 https"); /* → */
    }
    if (r->websocket) {
        detail(&d);
        cx_strbuf_puts(b, "websocket");
    }
    if (r->prefix_rewrite) {
        detail(&d);
        cx_strbuf_puts(b, "rewrite ");
        cx_esc_put_token(b, r->prefix_rewrite);
    }
    if (r->has_timeout) {
        detail(&d);
        if (r->timeout_ms < 0)
            cx_strbuf_puts(b, "timeout infinity");
        else
            cx_strbuf_printf(b, "timeout %lldms", (long long)r->timeout_ms);
    }
    if (r->has_retry) {
        detail(&d);
        cx_strbuf_puts(b, "retry ");
        cx_esc_put_token(b, r->retry_on);
        cx_strbuf_printf(b, " x%u", r->num_retries);
        if (r->per_try_timeout_ms)
            cx_strbuf_printf(b, ", per-try timeout %lldms", (long long)r->per_try_timeout_ms);
    }
    cx_strbuf_putc(b, '\n');

    for (uint32_t i = 0; i < r->cluster_count; i++)
        write_cluster(b, &r->clusters[i], "      ");
    if (r->cluster_count == 0)
        cx_strbuf_puts(b, "      (no clusters)\n");
}

static void write_vhost(cx_strbuf *b, const cx_view *view, const contour_vhost *v)
{
    cx_strbuf_puts(b, "  vhost ");
    cx_esc_put_name(b, v->fqdn);
    if (v->has_tls) {
        cx_strbuf_puts(b, ": tls");
        if (v->secret_name) {
            cx_strbuf_puts(b, " secret ");
            cx_esc_put_ref(b, v->secret_ns, v->secret_name);
            cx_strbuf_putc(b, ',');
        }
        cx_strbuf_puts(b, " min ");
        cx_esc_put_token(b, v->min_version ? v->min_version : "1.1");
        if (v->passthrough)
            cx_strbuf_puts(b, ", passthrough");
    }
    cx_strbuf_putc(b, '\n');

    for (uint32_t i = 0; i < v->route_count; i++)
        if (cx_view_route(view, v, &v->routes[i]))
            write_route(b, &v->routes[i]);
    if (cx_view_tcpproxy(view, v)) {
        cx_strbuf_puts(b, v->tcp_cluster_count ? "    tcpproxy\n" : "    tcpproxy (no clusters)\n");
        for (uint32_t i = 0; i < v->tcp_cluster_count; i++)
            write_cluster(b, &v->tcp_clusters[i], "      ");
    }
}

static void write_status(cx_strbuf *b, const contour_status *s)
{
    cx_strbuf_puts(b, "  ");
    cx_esc_put_ref(b, s->ns, s->name);
    cx_strbuf_printf(b, ": %s: ", contour_state_name(s->state));
    put_prose(b, s->description);
    if (s->vhost_count) {
        cx_strbuf_puts(b, " [");
        for (uint32_t i = 0; i < s->vhost_count; i++) {
            if (i)
                cx_strbuf_puts(b, ", ");
            cx_esc_put_name(b, s->vhosts[i]);
        }
        cx_strbuf_putc(b, ']');
    }
    cx_strbuf_putc(b, '\n');
}

static void write_diagnostic(cx_strbuf *b, const contour_diagnostic *d)
{
    cx_strbuf_puts(b, "  ");
    if (d->file && d->file[0]) {
        put_prose(b, d->file);
        if (d->pos.line) {
            cx_strbuf_printf(b, ":%u", d->pos.line);
            if (d->pos.col)
                cx_strbuf_printf(b, ":%u", d->pos.col);
        }
        cx_strbuf_puts(b, ": ");
    }
    cx_strbuf_printf(b, "%s: ", contour_severity_name((contour_severity)d->severity));
    put_prose(b, d->message);
    if (d->obj_name) {
        cx_strbuf_puts(b, " [");
        cx_esc_put_ref(b, d->obj_ns, d->obj_name);
        cx_strbuf_putc(b, ']');
    }
    cx_strbuf_putc(b, '\n');
}

/* Whether a section has anything to show, so empty ones say "none". */
static bool any_listener(const cx_view *v)
{
    for (uint32_t i = 0; i < v->g->listener_count; i++)
        if (cx_view_listener(v, &v->g->listeners[i]))
            return true;
    return false;
}

static bool any_status(const cx_view *v)
{
    for (uint32_t i = 0; i < cx_pt_count(&v->g->statuses); i++)
        if (cx_view_status(v, cx_pt_at(&v->g->statuses, i)))
            return true;
    return false;
}

static bool any_diag(const cx_view *v)
{
    for (uint32_t i = 0; i < cx_pt_count(&v->g->diags); i++)
        if (cx_view_diag(v, ((const contour_diagnostic *)cx_pt_at(&v->g->diags, i))))
            return true;
    return false;
}

bool cx_write_text(cx_strbuf *out, const cx_view *view)
{
    const contour_graph *g = view->g;
    if (!any_listener(view))
        cx_strbuf_puts(out, "listeners: none\n");
    for (uint32_t l = 0; l < g->listener_count; l++) {
        const contour_listener *li = &g->listeners[l];
        if (!cx_view_listener(view, li))
            continue;
        cx_strbuf_puts(out, "listener ");
        cx_esc_put_token(out, li->name);
        cx_strbuf_printf(out, " port %u\n", li->port);
        for (uint32_t v = 0; v < li->vhost_count; v++)
            if (cx_view_vhost(view, contour_listener_vhost_at(li, v)))
                write_vhost(out, view, contour_listener_vhost_at(li, v));
    }

    cx_strbuf_puts(out, any_status(view) ? "statuses\n" : "statuses: none\n");
    for (uint32_t i = 0; i < cx_pt_count(&g->statuses); i++)
        if (cx_view_status(view, cx_pt_at(&g->statuses, i)))
            write_status(out, cx_pt_at(&g->statuses, i));

    cx_strbuf_puts(out, any_diag(view) ? "diagnostics\n" : "diagnostics: none\n");
    for (uint32_t i = 0; i < cx_pt_count(&g->diags); i++)
        if (cx_view_diag(view, ((const contour_diagnostic *)cx_pt_at(&g->diags, i))))
            write_diagnostic(out, ((const contour_diagnostic *)cx_pt_at(&g->diags, i)));
    return !out->oom;
}
