/* The Graphviz rendering: who delegates to whom, for people to look at.
 *
 * Nodes: one per virtual host (every fqdn of a listener and every root's fqdn; the label
 * says whether it is secure and with what), one per IngressRoute status (an invalid or
 * orphaned one says why in its label), one per Service an IngressRoute sends to (a Service
 * not in the input is drawn dashed and grey: a repository of IngressRoutes alone is not an
 * error), and one per missing delegate. Edges: vhost -> root, then each status's edges
 * (delegate edges labelled with the route match, service edges with the route match and
 * the port; tcpproxy edges bold blue; edges to missing delegates dashed red).
 *
 * Node ids are the kind and the name, percent-encoded so that they are unique and need no
 * escaping at all ("ir/default/root", "svc/default/api", "vhost/example.com",
 * "missing-ir/ns/name", "missing-svc/ns/name"): the same objects always get the same ids.
 * Labels and tooltips show names and values as the text writer does (escape.h: plain names
 * as they are, others Go-quoted; prose with non-printable characters as Go escapes), then
 * escape what Graphviz's quoted strings give meaning to: '"', '\' and '&' (Graphviz decodes
 * HTML entities in labels). Record shapes and HTML labels are never used, so '<', '>', '{',
 * '|' need nothing.
 *
 * Graphviz rejects the whole file when one quoted string is longer than 16,384 bytes, so
 * every label, tooltip and id is bounded (DOT_*_MAX): text is cut at a character boundary,
 * never inside an escape, and the cut is marked with "…"; the JSON rendering keeps it all. */
#include "compare.h"
#include "escape.h"
#include "hash.h"
#include "graph_internal.h"
#include "resolve.h"
#include "write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of one quoted string as written in the file, well under Graphviz's 16,384. */
#define DOT_LABEL_MAX   1024
#define DOT_TOOLTIP_MAX 8192
/* Encoded bytes of one part of a node id before it is shortened (prefix and a hash). */
#define DOT_ID_PART_MAX 512
/* Descriptions in labels are broken at a space once a line is this long. */
#define DOT_WRAP 48

/* ---- ids ---- */

/* Percent-encodes what would make ids ambiguous ('/', '%'), need DOT escaping ('"', '\'),
 * or hide on screen (what escape.h escapes), piece by piece while at most `limit` input
 * bytes are used, into b, or nowhere when b is NULL. Returns the input bytes encoded;
 * *out gets the bytes the encoding takes (never fewer than the input bytes encoded). */
static size_t encode_id(cx_strbuf *b, const char *s, size_t len, size_t limit, size_t *out)
{
    static const char hex[] = "0123456789ABCDEF";
    cx_esc_piece p;
    size_t i = 0;
    *out = 0;
    for (; i < len; i += p.consumed) {
        cx_esc_next(s, len, i, CX_ESC_GO, &p);
        if (i + p.consumed > limit) {
            if (p.escaped)
                break;
            /* Part of a run of plain characters: up to the limit, whole characters. */
            p.consumed = limit - i;
            while (p.consumed > 0 && ((unsigned char)s[i + p.consumed] & 0xC0) == 0x80)
                p.consumed--;
            if (p.consumed == 0)
                break;
            len = i + p.consumed; /* the loop ends after this piece */
        }
        for (size_t k = 0; k < p.consumed; k++) {
            unsigned char x = (unsigned char)s[i + k];
            if (p.escaped || x == '/' || x == '%' || x == '&') {
                char esc[3] = {'%', hex[x >> 4], hex[x & 0xF]};
                if (b)
                    cx_strbuf_append(b, esc, 3);
                *out += 3;
            } else {
                if (b)
                    cx_strbuf_putc(b, (char)x);
                *out += 1;
            }
        }
    }
    return i;
}

/* One part of an id. A part longer than DOT_ID_PART_MAX once encoded keeps a prefix and
 * gets "%~" and a hash of the whole part: "%~" never appears in an encoded part, so a
 * shortened id cannot equal an unshortened one. The length is measured before anything is
 * written: what is written may already be on its way out (a streaming buffer). */
static void put_id_part(cx_strbuf *b, const char *s)
{
    const char *str = s ? s : "";
    size_t len = strlen(str), encoded = len; /* at least len: a longer input needs no count */
    if (len <= DOT_ID_PART_MAX)
        encode_id(NULL, str, len, len, &encoded);
    if (encoded <= DOT_ID_PART_MAX) {
        encode_id(b, str, len, len, &encoded);
        return;
    }
    encode_id(b, str, len, DOT_ID_PART_MAX / 4, &encoded); /* at most 3 bytes out per byte in */
    static const cx_hash_key fixed = {0x636f6e746f7572ull, 0x646f742d6964ull}; /* stable ids */
    cx_strbuf_printf(b, "%%~%016llx", (unsigned long long)cx_hash_bytes(fixed, str, len));
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

/* ---- labels and tooltips: one quoted string each, bounded ---- */

typedef struct dstr {
    cx_strbuf *b;
    size_t left; /* bytes still allowed, the closing "…" set aside */
    bool cut;    /* the bound was reached: "…" written, the rest dropped */
    size_t wrap; /* 0, or break lines at a space after this many bytes */
    size_t col;
} dstr;

static void ds_open(dstr *d, cx_strbuf *b, const char *attr, size_t max)
{
    *d = (dstr){b, max - 3, false, 0, 0};
    cx_strbuf_puts(b, attr);
    cx_strbuf_puts(b, "=\"");
}

static void ds_close(dstr *d)
{
    cx_strbuf_putc(d->b, '"');
}

/* Room for n more bytes; when there is none, the string ends here with "…". */
static bool ds_room(dstr *d, size_t n)
{
    if (d->cut)
        return false;
    if (n <= d->left) {
        d->left -= n;
        return true;
    }
    d->cut = true;
    cx_strbuf_puts(d->b, "\xe2\x80\xa6"); /* … */
    return false;
}

/* A line break Graphviz shows ("\n" in the file). */
static void ds_newline(dstr *d)
{
    if (ds_room(d, 2)) {
        cx_strbuf_puts(d->b, "\\n");
        d->col = 0;
    }
}

/* Printable text, one character at a time, with '"', '\' and '&' escaped for Graphviz. */
static void ds_chars(dstr *d, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && !d->cut) {
        unsigned char c = (unsigned char)s[i];
        size_t n = 1;
        if (c >= 0x80) /* a whole UTF-8 character: escape.h passes only valid ones */
            while (i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
                n++;
        if (c == ' ' && d->wrap && d->col >= d->wrap) {
            ds_newline(d); /* in place of the space */
            i++;
            continue;
        }
        if (c == '"' || c == '\\') {
            if (ds_room(d, 2)) {
                cx_strbuf_putc(d->b, '\\');
                cx_strbuf_putc(d->b, (char)c);
            }
        } else if (c == '&') {
            if (ds_room(d, 5))
                cx_strbuf_puts(d->b, "&amp;");
        } else if (ds_room(d, n)) {
            cx_strbuf_append(d->b, s + i, n);
        }
        d->col += n;
        i += n;
    }
}

/* An escape sequence (\u202e, \"): whole or not at all, its '\' and '"' escaped again for
 * Graphviz. */
static void ds_escape(dstr *d, const char *s, size_t len)
{
    size_t extra = 0;
    for (size_t i = 0; i < len; i++)
        extra += s[i] == '\\' || s[i] == '"';
    if (!ds_room(d, len + extra))
        return;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\' || s[i] == '"')
            cx_strbuf_putc(d->b, '\\');
        cx_strbuf_putc(d->b, s[i]);
    }
    d->col += len;
}

static void ds_escaped(dstr *d, const char *s, cx_esc_style style)
{
    size_t len = s ? strlen(s) : 0;
    cx_esc_piece p;
    for (size_t i = 0; i < len && !d->cut; i += p.consumed) {
        cx_esc_next(s, len, i, style, &p);
        if (p.escaped)
            ds_escape(d, p.text, p.len);
        else
            ds_chars(d, p.text, p.len);
    }
}

/* Our own words (ASCII, nothing to escape but what ds_chars handles). */
static void ds_puts(dstr *d, const char *s)
{
    ds_chars(d, s, strlen(s));
}

/* Prose (descriptions): printable characters as they are, the others as Go escapes. */
static void ds_prose(dstr *d, const char *s)
{
    ds_escaped(d, s, CX_ESC_TEXT);
}

/* A Go string literal. */
static void ds_quoted(dstr *d, const char *s)
{
    ds_puts(d, "\"");
    ds_escaped(d, s, CX_ESC_GO);
    ds_puts(d, "\"");
}

/* A namespace, name or fqdn, as the text writer shows it. */
static void ds_name(dstr *d, const char *s)
{
    if (s && cx_esc_name_is_plain(s, strlen(s)))
        ds_puts(d, s);
    else
        ds_quoted(d, s ? s : "");
}

/* A path or other value, as the text writer shows it. */
static void ds_token(dstr *d, const char *s)
{
    if (s && cx_esc_token_is_plain(s, strlen(s)))
        ds_chars(d, s, strlen(s));
    else
        ds_quoted(d, s ? s : "");
}

static void ds_ref(dstr *d, const char *ns, const char *name)
{
    if (ns) {
        ds_name(d, ns);
        ds_puts(d, "/");
    }
    ds_name(d, name);
}

/* ---- the node sets that need collecting ---- */

/* A Service, missing target or IngressRoute outside the filter, kept once per
 * (prefix, ns, name). */
typedef struct target {
    const char *prefix; /* "svc", "missing-svc", "missing-ir", or "ir" (outside the filter) */
    const char *ns;
    const char *name;
} target;

static int cmp_target(const void *pa, const void *pb)
{
    const target *a = pa, *b = pb;
    int c = strcmp(a->prefix, b->prefix);
    if (!c)
        c = cx_cmp_nullable_str(a->ns, b->ns);
    if (!c)
        c = cx_cmp_nullable_str(a->name, b->name);
    return c;
}

static int cmp_fqdn(const void *pa, const void *pb)
{
    return cx_cmp_nullable_str(*(const char *const *)pa, *(const char *const *)pb);
}

static bool edge_to_service(const cx_edge *e)
{
    return e->type == CX_EDGE_SERVICE || e->type == CX_EDGE_TCP_SERVICE;
}

static const char *edge_target_prefix(const cx_edge *e)
{
    if (e->missing)
        return edge_to_service(e) ? "missing-svc" : "missing-ir";
    return edge_to_service(e) ? "svc" : "ir";
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
        if (cx_cmp_nullable_str(f[out - 1], f[i]) != 0)
            f[out++] = f[i];
    return out;
}

/* The status of an IngressRoute, or NULL. */
static const contour_status *find_status(const contour_graph *g, const char *ns, const char *name)
{
    return contour_graph_find_status(g, ns, strlen(ns), name, strlen(name));
}

/* Whether an edge's target IngressRoute is drawn as its own status node. */
static bool target_shown(const cx_view *v, const cx_edge *e)
{
    if (!cx_view_filtered(v))
        return true;
    const contour_status *s = find_status(v->g, e->to->ns, e->to->name);
    return s && cx_view_status(v, s);
}

/* One walk over the vhost names and the other targets: counts them, and stores them too
 * when the arrays are given. The same walk sizes and fills the arrays, so the counts
 * cannot disagree. */
static void collect_walk(const cx_view *v, const char **fqdns, size_t *nf, target *targets,
                         size_t *nt)
{
    const contour_graph *g = v->g;
    *nf = 0;
    *nt = 0;
    for (uint32_t l = 0; l < g->listener_count; l++) {
        for (uint32_t h = 0; h < g->listeners[l].vhost_count; h++) {
            const contour_vhost *vh = contour_listener_vhost_at(&g->listeners[l], h);
            if (!cx_view_vhost(v, vh))
                continue;
            if (fqdns)
                fqdns[*nf] = vh->fqdn;
            ++*nf;
        }
    }
    for (uint32_t i = 0; i < cx_pt_count(&g->statuses); i++) {
        const contour_status *s = cx_pt_at(&g->statuses, i);
        if (!cx_view_status(v, s))
            continue;
        if (s->root_fqdn && cx_view_fqdn(v, s->root_fqdn)) {
            if (fqdns)
                fqdns[*nf] = s->root_fqdn;
            ++*nf;
        }
        for (uint32_t k = 0; k < s->res->edge_count; k++) {
            const cx_edge *e = &s->res->edges[k];
            if (!cx_edge_drawn(e))
                continue;
            const char *prefix = edge_target_prefix(e);
            if (strcmp(prefix, "ir") == 0 && target_shown(v, e))
                continue; /* drawn as its status */
            if (targets)
                targets[*nt] = (target){prefix, e->to->ns, e->to->name};
            ++*nt;
        }
    }
}

/* Collects the vhost names and the targets into sorted, deduplicated arrays from the
 * writer's allocator (NULL when empty). False on OOM. */
static bool collect(const cx_view *v, const cx_alloc *a, const char ***fqdns_out,
                    size_t *fqdn_count, target **targets_out, size_t *target_count)
{
    size_t nf, nt;
    collect_walk(v, NULL, &nf, NULL, &nt);
    const char **fqdns = NULL;
    target *targets = NULL;
    if (nf && !(fqdns = cx_calloc(a, nf, sizeof *fqdns)))
        return false;
    if (nt && !(targets = cx_calloc(a, nt, sizeof *targets))) {
        cx_free(a, fqdns);
        return false;
    }
    if (fqdns || targets)
        collect_walk(v, fqdns, &nf, targets, &nt);
    *fqdns_out = fqdns;
    *fqdn_count = fqdns ? unique_fqdns(fqdns, nf) : 0;
    *targets_out = targets;
    *target_count = targets ? unique_targets(targets, nt) : 0;
    return true;
}

/* ---- writing ---- */

/* The listener's vhost with this fqdn, or NULL. */
static const contour_vhost *find_vhost(const contour_listener *li, const char *fqdn)
{
    return cx_listener_find_vhost(li, fqdn);
}

/* The secure listener's vhost for fqdn, when it is shown. */
static const contour_vhost *secure_vhost(const cx_view *v, const char *fqdn)
{
    for (uint32_t l = 0; l < v->g->listener_count; l++) {
        const contour_listener *li = &v->g->listeners[l];
        const contour_vhost *vh = li->secure ? find_vhost(li, fqdn) : NULL;
        if (vh && cx_view_vhost(v, vh))
            return vh;
    }
    return NULL;
}

static void write_vhost_node(cx_strbuf *b, const cx_view *v, const char *fqdn)
{
    const contour_graph *g = v->g;
    cx_strbuf_puts(b, "  ");
    put_id(b, "vhost", NULL, fqdn);
    cx_strbuf_puts(b, " [shape=box, style=\"rounded,filled\", fillcolor=lightblue, ");

    /* The label: the name, and whether (and how) it is served securely. */
    dstr d;
    ds_open(&d, b, "label", DOT_LABEL_MAX);
    ds_name(&d, fqdn);
    const contour_vhost *tls = secure_vhost(v, fqdn);
    bool served = false;
    for (uint32_t l = 0; l < g->listener_count; l++)
        served = served || find_vhost(&g->listeners[l], fqdn);
    if (tls) {
        ds_newline(&d);
        if (tls->secret_name) {
            ds_puts(&d, "TLS secret ");
            ds_ref(&d, tls->secret_ns, tls->secret_name);
        } else {
            ds_puts(&d, "TLS passthrough");
        }
        if (tls->min_version && strcmp(tls->min_version, "1.1") != 0) {
            ds_puts(&d, ", min ");
            ds_token(&d, tls->min_version);
        }
    } else if (!served) {
        ds_newline(&d);
        ds_puts(&d, "(not served)");
    }
    ds_close(&d);

    /* The tooltip: which listeners serve it. */
    cx_strbuf_puts(b, ", ");
    ds_open(&d, b, "tooltip", DOT_TOOLTIP_MAX);
    bool first = true;
    for (uint32_t l = 0; l < g->listener_count; l++) {
        const contour_listener *li = &g->listeners[l];
        const contour_vhost *vh = find_vhost(li, fqdn);
        if (!vh || !cx_view_vhost(v, vh))
            continue;
        if (!first)
            ds_newline(&d);
        first = false;
        char port[24];
        snprintf(port, sizeof port, " port %u", li->port);
        ds_token(&d, li->name);
        ds_puts(&d, port);
        if (vh->secret_name) {
            ds_puts(&d, ", secret ");
            ds_ref(&d, vh->secret_ns, vh->secret_name);
        }
        if (vh->passthrough)
            ds_puts(&d, ", passthrough");
        if (vh->has_tcpproxy)
            ds_puts(&d, ", tcpproxy");
    }
    if (first)
        ds_puts(&d, "not served");
    ds_close(&d);
    cx_strbuf_puts(b, "];\n");
}

static void write_status_node(cx_strbuf *b, const contour_status *s)
{
    cx_strbuf_puts(b, "  ");
    put_id(b, "ir", s->ns, s->name);
    cx_strbuf_puts(b, " [shape=box, ");
    dstr d;
    ds_open(&d, b, "label", DOT_LABEL_MAX);
    ds_ref(&d, s->ns, s->name);
    if (s->state != CONTOUR_STATE_VALID) {
        /* Why, where a person looks: in the picture, not only in a tooltip. */
        ds_newline(&d);
        ds_puts(&d, contour_state_name(s->state));
        ds_puts(&d, ": ");
        d.wrap = DOT_WRAP;
        ds_prose(&d, s->description);
    }
    ds_close(&d);
    cx_strbuf_puts(b, ", ");
    ds_open(&d, b, "tooltip", DOT_TOOLTIP_MAX);
    ds_prose(&d, s->description);
    ds_close(&d);
    if (s->state == CONTOUR_STATE_INVALID)
        cx_strbuf_puts(b, ", color=red, fontcolor=red, penwidth=2");
    else if (s->state == CONTOUR_STATE_ORPHANED)
        cx_strbuf_puts(b, ", color=grey50, fontcolor=grey50, style=dashed");
    cx_strbuf_puts(b, "];\n");
}

static void write_target_node(cx_strbuf *b, const target *t)
{
    bool service = strcmp(t->prefix, "svc") == 0 || strcmp(t->prefix, "missing-svc") == 0;
    bool missing = strncmp(t->prefix, "missing", 7) == 0;
    cx_strbuf_puts(b, "  ");
    put_id(b, t->prefix, t->ns, t->name);
    cx_strbuf_puts(b, service ? " [shape=ellipse, " : " [shape=box, ");
    dstr d;
    ds_open(&d, b, "label", DOT_LABEL_MAX);
    ds_ref(&d, t->ns, t->name);
    if (missing) {
        ds_newline(&d);
        ds_puts(&d, service ? "(not in input)" : "(missing)");
    }
    ds_close(&d);
    cx_strbuf_puts(b, ", ");
    ds_open(&d, b, "tooltip", DOT_TOOLTIP_MAX);
    ds_puts(&d, service ? "Service " : "IngressRoute ");
    ds_ref(&d, t->ns, t->name);
    if (missing)
        ds_puts(&d, service ? " is not in the input" : " does not exist");
    else if (!service)
        ds_puts(&d, " (not shown: outside the filter)");
    ds_close(&d);
    if (missing && service) /* neutral: the Service may well exist in the cluster */
        cx_strbuf_puts(b, ", color=grey50, fontcolor=grey50, style=dashed");
    else if (missing)
        cx_strbuf_puts(b, ", color=red, fontcolor=red, style=dashed");
    else if (!service)
        cx_strbuf_puts(b, ", color=grey50, fontcolor=grey50, style=dotted");
    cx_strbuf_puts(b, "];\n");
}

static void write_edge(cx_strbuf *b, const contour_status *s, const cx_edge *e)
{
    cx_strbuf_puts(b, "  ");
    put_id(b, "ir", s->ns, s->name);
    cx_strbuf_puts(b, " -> ");
    put_id(b, edge_target_prefix(e), e->to->ns, e->to->name);
    bool tcp = e->type == CX_EDGE_TCP_DELEGATE || e->type == CX_EDGE_TCP_SERVICE;
    cx_strbuf_puts(b, " [");
    dstr d;
    ds_open(&d, b, "label", DOT_LABEL_MAX);
    if (tcp)
        ds_puts(&d, "tcpproxy");
    if (!edge_to_service(e)) {
        if (e->label && !tcp)
            ds_token(&d, e->label); /* a route match, as the user wrote it */
    } else {
        if (tcp) {
            ds_newline(&d);
        } else if (e->route) {
            ds_token(&d, e->route);
            ds_newline(&d);
        }
        ds_prose(&d, e->label); /* "port N" */
    }
    ds_close(&d);
    if (e->missing && edge_to_service(e))
        cx_strbuf_puts(b, tcp ? ", style=\"bold,dashed\", color=grey50, fontcolor=grey50"
                              : ", style=dashed, color=grey50, fontcolor=grey50");
    else if (e->missing)
        cx_strbuf_puts(b, tcp ? ", style=\"bold,dashed\", color=red, fontcolor=red"
                              : ", style=dashed, color=red, fontcolor=red");
    else if (tcp)
        cx_strbuf_puts(b, ", style=bold, color=blue, fontcolor=blue");
    cx_strbuf_puts(b, "];\n");
}

bool cx_write_dot(cx_strbuf *out, const cx_view *v)
{
    const contour_graph *g = v->g;
    const char **fqdns;
    target *targets;
    size_t nf, nt;
    if (!collect(v, out->alloc, &fqdns, &nf, &targets, &nt)) {
        out->oom = true;
        return false;
    }

    cx_strbuf_puts(out, "digraph contour {\n"
                        "  graph [rankdir=LR, fontname=\"sans-serif\"];\n"
                        "  node [fontname=\"sans-serif\", fontsize=10];\n"
                        "  edge [fontname=\"sans-serif\", fontsize=9];\n");

    cx_strbuf_puts(out, "  // virtual hosts\n");
    for (size_t i = 0; i < nf; i++)
        write_vhost_node(out, v, fqdns[i]);
    cx_strbuf_puts(out, "  // IngressRoutes\n");
    for (uint32_t i = 0; i < cx_pt_count(&g->statuses); i++)
        if (cx_view_status(v, cx_pt_at(&g->statuses, i)))
            write_status_node(out, cx_pt_at(&g->statuses, i));
    cx_strbuf_puts(out, "  // Services and missing targets\n");
    for (size_t i = 0; i < nt; i++)
        write_target_node(out, &targets[i]);

    cx_strbuf_puts(out, "  // roots\n");
    for (uint32_t i = 0; i < cx_pt_count(&g->statuses); i++) {
        const contour_status *s = cx_pt_at(&g->statuses, i);
        if (!s->root_fqdn || !cx_view_status(v, s) || !cx_view_fqdn(v, s->root_fqdn))
            continue;
        cx_strbuf_puts(out, "  ");
        put_id(out, "vhost", NULL, s->root_fqdn);
        cx_strbuf_puts(out, " -> ");
        put_id(out, "ir", s->ns, s->name);
        cx_strbuf_puts(out, ";\n");
    }
    cx_strbuf_puts(out, "  // delegations and services\n");
    cx_pt_iter it;
    cx_pt_iter_init(&it, &g->statuses, 0);
    for (const contour_status *s; (s = cx_pt_iter_next(&it));) {
        if (!cx_view_status(v, s))
            continue;
        for (uint32_t e = 0; e < s->res->edge_count; e++) {
            if (cx_edge_drawn(&s->res->edges[e]))
                write_edge(out, s, &s->res->edges[e]);
        }
    }
    cx_strbuf_puts(out, "}\n");

    cx_free(out->alloc, fqdns);
    cx_free(out->alloc, targets);
    return !out->oom;
}
