/* The Graphviz rendering: who delegates to whom, for people to look at.
 *
 * Nodes: one per virtual host (every fqdn of a listener and every root's fqdn), one per
 * IngressRoute status, one per Service an IngressRoute sends to, and one per missing
 * target. Edges: vhost -> root, then each status's edges (delegate edges labelled with the
 * route match, service edges with the port; tcpproxy edges bold blue; edges to missing
 * targets dashed red).
 *
 * Node ids are the kind and the name, percent-encoded so that they are unique and need no
 * escaping at all ("ir/default/root", "svc/default/api", "vhost/example.com",
 * "missing-ir/ns/name", "missing-svc/ns/name"): the same objects always get the same ids.
 * Labels and tooltips show names as the text writer does (as they are when printable and
 * free of blanks, quotes and backslashes, else as Go string literals) and prose with
 * non-printable characters as Go escapes; then what Graphviz's quoted strings and escString
 * labels give meaning to is escaped: '"', '\' and '&' (Graphviz decodes HTML entities in
 * labels). Record shapes and HTML labels are never
 * used, so '<', '>', '{', '|' need nothing. */
#include "utf8.h"
#include "write.h"

#include <stdlib.h>
#include <string.h>

/* ---- ids and labels ---- */

/* Percent-encodes what would make ids ambiguous ('/', '%'), need DOT escaping ('"', '\'),
 * or hide in a terminal (controls and other non-printable code points). */
static void put_id_part(cx_strbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)p);
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        size_t n = 1;
        bool encode;
        if (c < 0x80) {
            encode =
                c < 0x20 || c == 0x7F || c == '/' || c == '%' || c == '"' || c == '\\' || c == '&';
        } else {
            uint32_t cp;
            n = cx_utf8_decode(p + i, len - i, &cp);
            if (!n)
                n = 1;
            encode = !cx_rune_is_print(cp);
        }
        for (size_t k = 0; k < n; k++) {
            unsigned char x = p[i + k];
            if (encode) {
                char esc[3] = {'%', hex[x >> 4], hex[x & 0xF]};
                cx_strbuf_append(b, esc, 3);
            } else {
                cx_strbuf_putc(b, (char)x);
            }
        }
        i += n;
    }
}

/* A node id, quoted: "prefix/ns/name" (ns NULL: "prefix/name"). */
static void put_id(cx_strbuf *b, const char *prefix, const char *ns, const char *name)
{
    cx_strbuf_putc(b, '"');
    cx_strbuf_puts(b, prefix);
    cx_strbuf_putc(b, '/');
    if (ns) {
        put_id_part(b, ns);
        cx_strbuf_putc(b, '/');
    }
    put_id_part(b, name);
    cx_strbuf_putc(b, '"');
}

/* Writes text inside a DOT quoted string, as Graphviz will show it. Printable characters
 * are kept and the others shown as Go escapes (\n, \x1b, \u202e); with `go_quoted`, the
 * text is shown as a Go string literal ("a\"b"). Then what Graphviz gives meaning to is
 * escaped: '"' as \", '\' as \\, '&' as &amp;. */
static void put_label_chars(cx_strbuf *b, const char *s, bool go_quoted)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    if (go_quoted)
        cx_strbuf_puts(b, "\\\"");
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c >= ' ' && c < 0x7F) {
            if (c == '"')
                cx_strbuf_puts(b, go_quoted ? "\\\\\\\"" : "\\\"");
            else if (c == '\\')
                cx_strbuf_puts(b, go_quoted ? "\\\\\\\\" : "\\\\");
            else if (c == '&')
                cx_strbuf_puts(b, "&amp;");
            else
                cx_strbuf_putc(b, (char)c);
            i++;
            continue;
        }
        uint32_t cp = c;
        size_t n = 1;
        if (c >= 0x80) {
            n = cx_utf8_decode(p + i, len - i, &cp);
            if (!n) {
                cx_strbuf_printf(b, "\\\\x%02x", c);
                i++;
                continue;
            }
            if (cx_rune_is_print(cp)) {
                cx_strbuf_append(b, s + i, n);
                i += n;
                continue;
            }
        }
        /* Shown as Go writes it, e.g. \n; the backslash doubled for Graphviz. */
        switch (cp) {
        case '\a':
            cx_strbuf_puts(b, "\\\\a");
            break;
        case '\b':
            cx_strbuf_puts(b, "\\\\b");
            break;
        case '\f':
            cx_strbuf_puts(b, "\\\\f");
            break;
        case '\n':
            cx_strbuf_puts(b, "\\\\n");
            break;
        case '\r':
            cx_strbuf_puts(b, "\\\\r");
            break;
        case '\t':
            cx_strbuf_puts(b, "\\\\t");
            break;
        case '\v':
            cx_strbuf_puts(b, "\\\\v");
            break;
        default:
            if (cp < 0x80)
                cx_strbuf_printf(b, "\\\\x%02x", (unsigned)cp);
            else if (cp < 0x10000)
                cx_strbuf_printf(b, "\\\\u%04x", (unsigned)cp);
            else
                cx_strbuf_printf(b, "\\\\U%08x", (unsigned)cp);
            break;
        }
        i += n;
    }
    if (go_quoted)
        cx_strbuf_puts(b, "\\\"");
}

/* Prose (descriptions, route matches) as label text. */
static void put_label_text(cx_strbuf *b, const char *s)
{
    if (s)
        put_label_chars(b, s, false);
}

/* A name as label text: as it is when bare, else Go-quoted (as the text writer shows it). */
static void put_label_name(cx_strbuf *b, const char *s)
{
    if (!s)
        s = "";
    put_label_chars(b, s, !cx_write_is_bare(s));
}

/* ns/name as label text. */
static void put_label_ref(cx_strbuf *b, const char *ns, const char *name)
{
    if (ns) {
        put_label_name(b, ns);
        cx_strbuf_putc(b, '/');
    }
    put_label_name(b, name);
}

/* ---- the node sets that need collecting ---- */

/* A Service or missing target, kept once per (kind, ns, name). */
typedef struct target {
    const char *prefix; /* "svc", "missing-ir" or "missing-svc" */
    const char *ns;
    const char *name;
} target;

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_target(const void *pa, const void *pb)
{
    const target *a = pa, *b = pb;
    int c = strcmp(a->prefix, b->prefix);
    if (!c)
        c = cmp_str(a->ns, b->ns);
    if (!c)
        c = cmp_str(a->name, b->name);
    return c;
}

static int cmp_fqdn(const void *pa, const void *pb)
{
    return cmp_str(*(const char *const *)pa, *(const char *const *)pb);
}

static const char *edge_target_prefix(const cx_edge *e)
{
    bool to_service = e->type == CX_EDGE_SERVICE || e->type == CX_EDGE_TCP_SERVICE;
    if (e->missing)
        return to_service ? "missing-svc" : "missing-ir";
    return to_service ? "svc" : "ir";
}

/* Sorts and removes duplicates; returns the new count. */
static size_t unique_targets(target *t, size_t n)
{
    if (n == 0)
        return 0;
    qsort(t, n, sizeof *t, cmp_target);
    size_t out = 1;
    for (size_t i = 1; i < n; i++)
        if (cmp_target(&t[out - 1], &t[i]) != 0)
            t[out++] = t[i];
    return out;
}

static size_t unique_fqdns(const char **f, size_t n)
{
    if (n == 0)
        return 0;
    qsort(f, n, sizeof *f, cmp_fqdn);
    size_t out = 1;
    for (size_t i = 1; i < n; i++)
        if (cmp_str(f[out - 1], f[i]) != 0)
            f[out++] = f[i];
    return out;
}

/* ---- writing ---- */

/* The listener's vhost with this fqdn (vhosts are sorted by fqdn), or NULL. */
static const contour_vhost *find_vhost(const contour_listener *li, const char *fqdn)
{
    size_t lo = 0, hi = li->vhost_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_str(li->vhosts[mid].fqdn, fqdn);
        if (c == 0)
            return &li->vhosts[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void write_vhost_node(cx_strbuf *b, const contour_graph *g, const char *fqdn)
{
    cx_strbuf_puts(b, "  ");
    put_id(b, "vhost", NULL, fqdn);
    cx_strbuf_puts(b, " [shape=box, style=\"rounded,filled\", fillcolor=lightblue, label=\"");
    put_label_name(b, fqdn);
    cx_strbuf_puts(b, "\", tooltip=\"");
    /* Which listeners serve it, and with what secret. */
    bool first = true;
    for (uint32_t l = 0; l < g->listener_count; l++) {
        const contour_listener *li = &g->listeners[l];
        const contour_vhost *vh = find_vhost(li, fqdn);
        if (!vh)
            continue;
        if (!first)
            cx_strbuf_puts(b, "\\n");
        first = false;
        put_label_text(b, li->name);
        cx_strbuf_printf(b, " port %u", li->port);
        if (vh->secret_name) {
            cx_strbuf_puts(b, ", secret ");
            put_label_ref(b, vh->secret_ns, vh->secret_name);
        }
        if (vh->passthrough)
            cx_strbuf_puts(b, ", passthrough");
        if (vh->has_tcpproxy)
            cx_strbuf_puts(b, ", tcpproxy");
    }
    if (first)
        cx_strbuf_puts(b, "not served");
    cx_strbuf_puts(b, "\"];\n");
}

static void write_status_node(cx_strbuf *b, const contour_status *s)
{
    cx_strbuf_puts(b, "  ");
    put_id(b, "ir", s->ns, s->name);
    cx_strbuf_puts(b, " [shape=box, label=\"");
    put_label_ref(b, s->ns, s->name);
    if (s->state != CONTOUR_STATE_VALID)
        cx_strbuf_printf(b, "\\n(%s)", contour_state_name(s->state));
    cx_strbuf_puts(b, "\", tooltip=\"");
    put_label_text(b, s->description);
    cx_strbuf_putc(b, '"');
    if (s->state == CONTOUR_STATE_INVALID)
        cx_strbuf_puts(b, ", color=red, fontcolor=red, penwidth=2");
    else if (s->state == CONTOUR_STATE_ORPHANED)
        cx_strbuf_puts(b, ", color=grey50, fontcolor=grey50, style=dashed");
    cx_strbuf_puts(b, "];\n");
}

static void write_target_node(cx_strbuf *b, const target *t)
{
    cx_strbuf_puts(b, "  ");
    put_id(b, t->prefix, t->ns, t->name);
    bool service = strcmp(t->prefix, "svc") == 0 || strcmp(t->prefix, "missing-svc") == 0;
    cx_strbuf_puts(b, service ? " [shape=ellipse, label=\"" : " [shape=box, label=\"");
    put_label_ref(b, t->ns, t->name);
    if (strncmp(t->prefix, "missing", 7) == 0) {
        cx_strbuf_puts(b, "\\n(missing)\", tooltip=\"");
        cx_strbuf_puts(b, service ? "Service " : "IngressRoute ");
        put_label_ref(b, t->ns, t->name);
        cx_strbuf_puts(b, " does not exist\", color=red, fontcolor=red, style=dashed];\n");
    } else {
        cx_strbuf_puts(b, "\", tooltip=\"Service ");
        put_label_ref(b, t->ns, t->name);
        cx_strbuf_puts(b, "\"];\n");
    }
}

static void write_edge(cx_strbuf *b, const contour_status *s, const cx_edge *e)
{
    cx_strbuf_puts(b, "  ");
    put_id(b, "ir", s->ns, s->name);
    cx_strbuf_puts(b, " -> ");
    put_id(b, edge_target_prefix(e), e->ns, e->name);
    bool tcp = e->type == CX_EDGE_TCP_DELEGATE || e->type == CX_EDGE_TCP_SERVICE;
    cx_strbuf_puts(b, " [label=\"");
    if (tcp)
        cx_strbuf_puts(b, e->label ? "tcpproxy " : "tcpproxy");
    if (e->type == CX_EDGE_DELEGATE || e->type == CX_EDGE_TCP_DELEGATE) {
        if (e->label)
            put_label_name(b, e->label); /* a route match, as the user wrote it */
    } else {
        put_label_text(b, e->label); /* "port N" */
    }
    cx_strbuf_putc(b, '"');
    if (e->missing)
        cx_strbuf_puts(b, tcp ? ", style=\"bold,dashed\", color=red, fontcolor=red"
                              : ", style=dashed, color=red, fontcolor=red");
    else if (tcp)
        cx_strbuf_puts(b, ", style=bold, color=blue, fontcolor=blue");
    cx_strbuf_puts(b, "];\n");
}

/* One walk over the vhost names and the Service / missing targets: counts them, and
 * stores them too when the arrays are given. The same walk sizes and fills the arrays, so
 * the counts cannot disagree. */
static void collect_walk(const contour_graph *g, const char **fqdns, size_t *nf, target *targets,
                         size_t *nt)
{
    *nf = 0;
    *nt = 0;
    for (uint32_t l = 0; l < g->listener_count; l++) {
        for (uint32_t v = 0; v < g->listeners[l].vhost_count; v++) {
            if (fqdns)
                fqdns[*nf] = g->listeners[l].vhosts[v].fqdn;
            ++*nf;
        }
    }
    for (uint32_t i = 0; i < g->status_count; i++) {
        const contour_status *s = &g->statuses[i];
        if (s->root_fqdn) {
            if (fqdns)
                fqdns[*nf] = s->root_fqdn;
            ++*nf;
        }
        for (uint32_t e = 0; e < s->edge_count; e++) {
            const char *prefix = edge_target_prefix(&s->edges[e]);
            if (strcmp(prefix, "ir") == 0)
                continue; /* drawn as its status */
            if (targets)
                targets[*nt] = (target){prefix, s->edges[e].ns, s->edges[e].name};
            ++*nt;
        }
    }
}

/* Collects the vhost names and the Service / missing targets into sorted, deduplicated
 * arrays from the writer's allocator (NULL when empty). False on OOM. */
static bool collect(const contour_graph *g, const cx_alloc *a, const char ***fqdns_out,
                    size_t *fqdn_count, target **targets_out, size_t *target_count)
{
    size_t nf, nt;
    collect_walk(g, NULL, &nf, NULL, &nt);
    const char **fqdns = NULL;
    target *targets = NULL;
    if (nf && !(fqdns = cx_calloc(a, nf, sizeof *fqdns)))
        return false;
    if (nt && !(targets = cx_calloc(a, nt, sizeof *targets))) {
        cx_free(a, fqdns);
        return false;
    }
    if (fqdns || targets)
        collect_walk(g, fqdns, &nf, targets, &nt);
    *fqdns_out = fqdns;
    *fqdn_count = fqdns ? unique_fqdns(fqdns, nf) : 0;
    *targets_out = targets;
    *target_count = targets ? unique_targets(targets, nt) : 0;
    return true;
}

bool cx_write_dot(cx_strbuf *out, const contour_graph *g)
{
    const char **fqdns;
    target *targets;
    size_t nf, nt;
    if (!collect(g, out->alloc, &fqdns, &nf, &targets, &nt)) {
        out->oom = true;
        return false;
    }

    cx_strbuf_puts(out, "digraph contour {\n"
                        "  graph [rankdir=LR, fontname=\"sans-serif\"];\n"
                        "  node [fontname=\"sans-serif\", fontsize=10];\n"
                        "  edge [fontname=\"sans-serif\", fontsize=9];\n");

    cx_strbuf_puts(out, "  // virtual hosts\n");
    for (size_t i = 0; i < nf; i++)
        write_vhost_node(out, g, fqdns[i]);
    cx_strbuf_puts(out, "  // IngressRoutes\n");
    for (uint32_t i = 0; i < g->status_count; i++)
        write_status_node(out, &g->statuses[i]);
    cx_strbuf_puts(out, "  // Services and missing targets\n");
    for (size_t i = 0; i < nt; i++)
        write_target_node(out, &targets[i]);

    cx_strbuf_puts(out, "  // roots\n");
    for (uint32_t i = 0; i < g->status_count; i++) {
        const contour_status *s = &g->statuses[i];
        if (!s->root_fqdn)
            continue;
        cx_strbuf_puts(out, "  ");
        put_id(out, "vhost", NULL, s->root_fqdn);
        cx_strbuf_puts(out, " -> ");
        put_id(out, "ir", s->ns, s->name);
        cx_strbuf_puts(out, ";\n");
    }
    cx_strbuf_puts(out, "  // delegations and services\n");
    for (uint32_t i = 0; i < g->status_count; i++)
        for (uint32_t e = 0; e < g->statuses[i].edge_count; e++)
            write_edge(out, &g->statuses[i], &g->statuses[i].edges[e]);
    cx_strbuf_puts(out, "}\n");

    cx_free(out->alloc, fqdns);
    cx_free(out->alloc, targets);
    return !out->oom;
}
