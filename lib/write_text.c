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
 * Names are printed as they are when they consist of printable, non-blank characters other
 * than '"' and '\'; otherwise they are quoted with Go's rules, so a hostile name can neither
 * break a line nor pass for two names. Messages and descriptions (which already quote the
 * user strings they contain) are printed with non-printable characters escaped. */
#include "utf8.h"
#include "write.h"

#include <string.h>

bool cx_write_is_bare(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    if (len == 0)
        return false;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            if (p[i] <= ' ' || p[i] >= 0x7F || p[i] == '"' || p[i] == '\\')
                return false;
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = cx_utf8_decode(p + i, len - i, &cp);
        if (!n || !cx_rune_is_print(cp))
            return false;
        i += n;
    }
    return true;
}

static void put_name(cx_strbuf *b, const char *s)
{
    if (!s)
        s = "";
    if (cx_write_is_bare(s))
        cx_strbuf_puts(b, s);
    else
        cx_strbuf_go_quote(b, s, strlen(s));
}

/* ns/name, each part on its own terms. */
static void put_ref(cx_strbuf *b, const char *ns, const char *name)
{
    if (ns) {
        put_name(b, ns);
        cx_strbuf_putc(b, '/');
    }
    put_name(b, name);
}

/* A non-printable code point as Go would escape it. */
static void put_escape(cx_strbuf *b, uint32_t cp)
{
    switch (cp) {
    case '\a':
        cx_strbuf_puts(b, "\\a");
        return;
    case '\b':
        cx_strbuf_puts(b, "\\b");
        return;
    case '\f':
        cx_strbuf_puts(b, "\\f");
        return;
    case '\n':
        cx_strbuf_puts(b, "\\n");
        return;
    case '\r':
        cx_strbuf_puts(b, "\\r");
        return;
    case '\t':
        cx_strbuf_puts(b, "\\t");
        return;
    case '\v':
        cx_strbuf_puts(b, "\\v");
        return;
    }
    if (cp < 0x80)
        cx_strbuf_printf(b, "\\x%02x", (unsigned)cp);
    else if (cp < 0x10000)
        cx_strbuf_printf(b, "\\u%04x", (unsigned)cp);
    else
        cx_strbuf_printf(b, "\\U%08x", (unsigned)cp);
}

/* Prose: printable characters as they are, the others as Go escapes (without quotes). */
static void put_prose(cx_strbuf *b, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && p[i] >= ' ' && p[i] < 0x7F)
            i++;
        cx_strbuf_append(b, s + start, i - start);
        if (i >= len)
            break;
        uint32_t cp = p[i];
        size_t n = 1;
        if (p[i] >= 0x80) {
            n = cx_utf8_decode(p + i, len - i, &cp);
            if (!n) {
                cx_strbuf_printf(b, "\\x%02x", p[i]);
                i++;
                continue;
            }
            if (cx_rune_is_print(cp)) {
                cx_strbuf_append(b, s + i, n);
                i += n;
                continue;
            }
        }
        put_escape(b, cp);
        i += n;
    }
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
    put_ref(b, c->ns, c->service);
    cx_strbuf_printf(b, ":%u", c->port);
    if (c->port_name) {
        cx_strbuf_puts(b, " (");
        put_name(b, c->port_name);
        cx_strbuf_putc(b, ')');
    }
    cx_strbuf_puts(b, ": weight ");
    cx_strbuf_put_i64(b, c->weight);
    if (c->strategy) {
        cx_strbuf_puts(b, ", strategy ");
        put_name(b, c->strategy);
    }
    if (c->protocol) {
        cx_strbuf_puts(b, ", protocol ");
        put_name(b, c->protocol);
    }
    cx_strbuf_putc(b, '\n');

    if (c->has_health_check) {
        const cx_health_check *h = &c->health_check;
        cx_strbuf_printf(b, "%s  health check", indent);
        details d = {b, false};
        if (h->path) {
            detail(&d);
            cx_strbuf_puts(b, "path ");
            put_name(b, h->path);
        }
        if (h->host) {
            detail(&d);
            cx_strbuf_puts(b, "host ");
            put_name(b, h->host);
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
    put_name(b, r->path);
    cx_strbuf_printf(b, " (%s ", contour_kind_name(r->source_kind));
    put_ref(b, r->source_ns, r->source_name);
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
        put_name(b, r->prefix_rewrite);
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
        put_name(b, r->retry_on);
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

static void write_vhost(cx_strbuf *b, const contour_vhost *v)
{
    cx_strbuf_puts(b, "  vhost ");
    put_name(b, v->fqdn);
    if (v->has_tls) {
        cx_strbuf_puts(b, ": tls");
        if (v->secret_name) {
            cx_strbuf_puts(b, " secret ");
            put_ref(b, v->secret_ns, v->secret_name);
            cx_strbuf_putc(b, ',');
        }
        cx_strbuf_puts(b, " min ");
        put_name(b, v->min_version ? v->min_version : "1.1");
        if (v->passthrough)
            cx_strbuf_puts(b, ", passthrough");
    }
    cx_strbuf_putc(b, '\n');

    for (uint32_t i = 0; i < v->route_count; i++)
        write_route(b, &v->routes[i]);
    if (v->has_tcpproxy) {
        cx_strbuf_puts(b, v->tcp_cluster_count ? "    tcpproxy\n" : "    tcpproxy (no clusters)\n");
        for (uint32_t i = 0; i < v->tcp_cluster_count; i++)
            write_cluster(b, &v->tcp_clusters[i], "      ");
    }
}

static void write_status(cx_strbuf *b, const contour_status *s)
{
    cx_strbuf_puts(b, "  ");
    put_ref(b, s->ns, s->name);
    cx_strbuf_printf(b, ": %s: ", contour_state_name(s->state));
    put_prose(b, s->description);
    if (s->vhost_count) {
        cx_strbuf_puts(b, " [");
        for (uint32_t i = 0; i < s->vhost_count; i++) {
            if (i)
                cx_strbuf_puts(b, ", ");
            put_name(b, s->vhosts[i]);
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
        put_ref(b, d->obj_ns, d->obj_name);
        cx_strbuf_putc(b, ']');
    }
    cx_strbuf_putc(b, '\n');
}

bool cx_write_text(cx_strbuf *out, const contour_graph *g)
{
    if (g->listener_count == 0)
        cx_strbuf_puts(out, "listeners: none\n");
    for (uint32_t l = 0; l < g->listener_count; l++) {
        const contour_listener *li = &g->listeners[l];
        cx_strbuf_puts(out, "listener ");
        put_name(out, li->name);
        cx_strbuf_printf(out, " port %u\n", li->port);
        for (uint32_t v = 0; v < li->vhost_count; v++)
            write_vhost(out, &li->vhosts[v]);
    }

    cx_strbuf_puts(out, g->status_count ? "statuses\n" : "statuses: none\n");
    for (uint32_t i = 0; i < g->status_count; i++)
        write_status(out, &g->statuses[i]);

    cx_strbuf_puts(out, g->diag_count ? "diagnostics\n" : "diagnostics: none\n");
    for (uint32_t i = 0; i < g->diag_count; i++)
        write_diagnostic(out, g->diags[i]);
    return !out->oom;
}
