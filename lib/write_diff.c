/*
 * A diff as JSON (docs/route-graph.md, "Graph diff") and as text, and contour_diff_render()
 * / contour_diff_write(). Records (routes, statuses, diagnostics) appear in the shapes the
 * graph JSON gives them, so a tool reading one reads the other.
 */
#include "buffer.h"
#include "diff_internal.h"
#include "escape.h"
#include "graph_settings.h"
#include "write.h"

#include <string.h>

/* ---- JSON ---- */

static void json_route_change(cx_jw *w, const contour_route_change *rc)
{
    cx_jw_item(w);
    cx_jw_open(w, '{');
    cx_jw_kv_str(w, "change", contour_change_name((contour_change)rc->kind));
    const contour_route *r = rc->now ? rc->now : rc->old;
    cx_jw_kv_str(w, r->match == CONTOUR_MATCH_EXACT ? "exact" : "prefix", r->path);
    if (rc->old) {
        cx_jw_key(w, "old");
        cx_jw_route_value(w, rc->old);
    }
    if (rc->now) {
        cx_jw_key(w, "new");
        cx_jw_route_value(w, rc->now);
    }
    cx_jw_close(w, '}');
}

/* A vhost's TLS and tcpproxy, for one side of a change. */
static void json_vhost_side(cx_jw *w, const char *k, const contour_vhost *v)
{
    cx_jw_key(w, k);
    cx_jw_open(w, '{');
    if (v->has_tls)
        cx_jw_tls(w, "tls", v);
    if (v->has_tcpproxy) {
        cx_jw_key(w, "tcpproxy");
        cx_jw_open(w, '{');
        cx_jw_clusters(w, v->tcp_clusters, v->tcp_cluster_count);
        cx_jw_close(w, '}');
    }
    cx_jw_close(w, '}');
}

static void json_vhost_change(cx_jw *w, const contour_vhost_change *v)
{
    cx_jw_item(w);
    cx_jw_open(w, '{');
    cx_jw_kv_str(w, "listener", contour_vhost_change_listener(v));
    cx_jw_kv_int(w, "port", contour_vhost_change_port(v));
    cx_jw_kv_str(w, "fqdn", v->fqdn);
    cx_jw_kv_str(w, "change", contour_change_name((contour_change)v->kind));
    cx_jw_kv_bool(w, "tls_changed", v->tls_changed);
    if (v->old && (v->tls_changed || !v->now))
        json_vhost_side(w, "old", v->old);
    if (v->now && (v->tls_changed || !v->old))
        json_vhost_side(w, "new", v->now);
    cx_jw_key(w, "routes");
    cx_jw_open(w, '[');
    for (uint32_t i = 0; i < v->route_count; i++)
        json_route_change(w, &v->routes[i]);
    cx_jw_close(w, ']');
    cx_jw_close(w, '}');
}

static void json_status_change(cx_jw *w, const contour_status_change *s)
{
    cx_jw_item(w);
    cx_jw_open(w, '{');
    cx_jw_kv_str(w, "change", contour_change_name((contour_change)s->kind));
    const contour_status *x = s->now ? s->now : s->old;
    cx_jw_kv_str(w, "kind", contour_kind_name(x->kind));
    cx_jw_kv_str(w, "namespace", x->ns);
    cx_jw_kv_str(w, "name", x->name);
    if (s->old) {
        cx_jw_key(w, "old");
        cx_jw_status_value(w, s->old);
    }
    if (s->now) {
        cx_jw_key(w, "new");
        cx_jw_status_value(w, s->now);
    }
    cx_jw_close(w, '}');
}

static void json_diags(cx_jw *w, const char *k, const contour_diagnostic *const *d, size_t n)
{
    cx_jw_key(w, k);
    cx_jw_open(w, '[');
    for (size_t i = 0; i < n; i++)
        cx_jw_diagnostic(w, d[i]);
    cx_jw_close(w, ']');
}

static bool write_json(cx_strbuf *out, const contour_diff *d)
{
    cx_jw w = {out, 0, true};
    cx_jw_open(&w, '{');
    cx_jw_key(&w, "virtualhosts");
    cx_jw_open(&w, '[');
    for (size_t i = 0; i < d->nvh; i++)
        json_vhost_change(&w, &d->vh[i]);
    cx_jw_close(&w, ']');
    cx_jw_key(&w, "statuses");
    cx_jw_open(&w, '[');
    for (size_t i = 0; i < d->nst; i++)
        json_status_change(&w, &d->st[i]);
    cx_jw_close(&w, ']');
    cx_jw_key(&w, "diagnostics");
    cx_jw_open(&w, '{');
    json_diags(&w, "added", d->added, d->nadded);
    json_diags(&w, "resolved", d->resolved, d->nresolved);
    cx_jw_close(&w, '}');
    cx_jw_close(&w, '}');
    cx_strbuf_putc(out, '\n');
    return !out->oom;
}

/* ---- text ---- */

static const char mark[3] = {'+', '-', '~'}; /* by contour_change */

/* Prose from the input (messages, descriptions, file names), escaped as the text writer
 * escapes it; names and values bare when plain, else Go-quoted. */
static void text_str(cx_strbuf *b, const char *s)
{
    if (s)
        cx_esc_append(b, s, strlen(s), CX_ESC_TEXT);
}

static void text_clusters(cx_strbuf *b, const contour_cluster *c, uint32_t n)
{
    if (!n) {
        cx_strbuf_puts(b, " (no clusters)");
        return;
    }
    cx_strbuf_puts(b, " ->");
    for (uint32_t i = 0; i < n; i++) {
        cx_strbuf_puts(b, i ? ", " : " ");
        cx_esc_put_ref(b, c[i].ns, c[i].service);
        cx_strbuf_printf(b, ":%u weight %lld", c[i].port, (long long)c[i].weight);
    }
}

static void text_route(cx_strbuf *b, const contour_route *r)
{
    cx_strbuf_puts(b, r->match == CONTOUR_MATCH_EXACT ? "exact " : "prefix ");
    cx_esc_put_token(b, r->path);
    cx_strbuf_printf(b, " (%s ", contour_kind_name(r->source_kind));
    cx_esc_put_ref(b, r->source_ns, r->source_name);
    cx_strbuf_putc(b, ')');
    text_clusters(b, r->clusters, r->cluster_count);
}

static void text_tls(cx_strbuf *b, const contour_vhost *v)
{
    if (v->passthrough)
        cx_strbuf_puts(b, "tls passthrough");
    else if (v->has_tls) {
        cx_strbuf_puts(b, "tls ");
        cx_esc_put_ref(b, v->secret_ns, v->secret_name);
        cx_strbuf_puts(b, " min ");
        cx_esc_put_token(b, v->min_version);
    } else {
        cx_strbuf_puts(b, "no tls");
    }
    if (v->has_tcpproxy) {
        cx_strbuf_puts(b, ", tcpproxy");
        text_clusters(b, v->tcp_clusters, v->tcp_cluster_count);
    }
}

static void text_vhost_change(cx_strbuf *b, const contour_vhost_change *v)
{
    cx_strbuf_printf(b, "%c %s %u ", mark[v->kind], contour_vhost_change_listener(v),
                     contour_vhost_change_port(v));
    cx_esc_put_token(b, v->fqdn);
    cx_strbuf_putc(b, '\n');
    if (v->tls_changed) {
        cx_strbuf_puts(b, "    tls: ");
        text_tls(b, v->old);
        cx_strbuf_puts(b, " => ");
        text_tls(b, v->now);
        cx_strbuf_putc(b, '\n');
    }
    for (uint32_t i = 0; i < v->route_count; i++) {
        const contour_route_change *rc = &v->routes[i];
        cx_strbuf_printf(b, "    %c route ", mark[rc->kind]);
        text_route(b, rc->old ? rc->old : rc->now);
        if (rc->old && rc->now) {
            cx_strbuf_puts(b, "\n      => ");
            text_route(b, rc->now);
        }
        cx_strbuf_putc(b, '\n');
    }
}

static void text_status(cx_strbuf *b, const contour_status *s)
{
    cx_strbuf_printf(b, "%s: ", contour_state_name(s->state));
    text_str(b, s->description);
    for (uint32_t i = 0; i < s->vhost_count; i++) {
        cx_strbuf_puts(b, i ? ", " : " [");
        cx_esc_put_token(b, s->vhosts[i]);
    }
    if (s->vhost_count)
        cx_strbuf_putc(b, ']');
}

static void text_status_change(cx_strbuf *b, const contour_status_change *s)
{
    const contour_status *x = s->now ? s->now : s->old;
    cx_strbuf_printf(b, "%c status %s ", mark[s->kind], contour_kind_name(x->kind));
    cx_esc_put_ref(b, x->ns, x->name);
    cx_strbuf_puts(b, ": ");
    if (s->old && s->now) {
        text_status(b, s->old);
        cx_strbuf_puts(b, " => ");
    }
    text_status(b, x);
    cx_strbuf_putc(b, '\n');
}

static void text_diag(cx_strbuf *b, char m, const contour_diagnostic *d)
{
    cx_strbuf_printf(b, "%c ", m);
    text_str(b, d->file);
    if (d->pos.line)
        cx_strbuf_printf(b, ":%u:%u", d->pos.line, d->pos.col);
    cx_strbuf_printf(b, ": %s: ", contour_severity_name((contour_severity)d->severity));
    text_str(b, d->message);
    cx_strbuf_puts(b, " [");
    cx_esc_put_token(b, d->code);
    cx_strbuf_puts(b, "]\n");
}

static bool write_text(cx_strbuf *out, const contour_diff *d)
{
    if (!d->nvh && !d->nst && !d->nadded && !d->nresolved) {
        cx_strbuf_puts(out, "no changes\n");
        return !out->oom;
    }
    for (size_t i = 0; i < d->nvh; i++)
        text_vhost_change(out, &d->vh[i]);
    for (size_t i = 0; i < d->nst; i++)
        text_status_change(out, &d->st[i]);
    for (size_t i = 0; i < d->nadded; i++)
        text_diag(out, '+', d->added[i]);
    for (size_t i = 0; i < d->nresolved; i++)
        text_diag(out, '-', d->resolved[i]);
    return !out->oom;
}

/* ---- the API ---- */

static bool render(cx_strbuf *out, const contour_diff *d, contour_output_format format)
{
    return format == CONTOUR_OUTPUT_JSON ? write_json(out, d) : write_text(out, d);
}

contour_result contour_diff_render(contour_buffer **out, const contour_diff *diff,
                                   contour_output_format format)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!diff || (format != CONTOUR_OUTPUT_JSON && format != CONTOUR_OUTPUT_TEXT))
        return CONTOUR_ERR_INVALID;
    cx_strbuf b;
    cx_strbuf_init(&b, &diff->alloc);
    render(&b, diff, format);
    *out = cx_buffer_take(&diff->alloc, &b); /* NULL (b released) on OOM */
    return *out ? CONTOUR_OK : CONTOUR_ERR_NOMEM;
}

contour_result contour_diff_write(const contour_diff *diff, contour_output_format format,
                                  contour_write_fn write_fn, void *user_data)
{
    if (!diff || !write_fn || (format != CONTOUR_OUTPUT_JSON && format != CONTOUR_OUTPUT_TEXT))
        return CONTOUR_ERR_INVALID;
    cx_strbuf_sink sink = {write_fn, user_data, CX_WRITE_CHUNK, false};
    cx_strbuf b;
    if (!cx_strbuf_init_sink(&b, &diff->alloc, &sink))
        return CONTOUR_ERR_NOMEM;
    bool ok = render(&b, diff, format) && cx_strbuf_flush(&b);
    cx_strbuf_release(&b);
    if (ok)
        return CONTOUR_OK;
    return sink.stopped ? CONTOUR_ERR_IO : CONTOUR_ERR_NOMEM;
}
