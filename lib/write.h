/* Writers: render the part of a graph a view shows (all of it, or what a filter selects;
 * filter.h) into a string buffer. Each returns false on OOM (the buffer's oom flag is then
 * set). Output depends only on the graph and the filter, never on input order. */
#ifndef CX_WRITE_H
#define CX_WRITE_H

#include "filter.h"
#include "graph_model.h"
#include "strbuf.h"

/* The JSON route graph of spec §4, 2-space indented, keys in the spec's order, ending in a
 * newline (docs/route-graph.md). */
bool cx_write_json(cx_strbuf *out, const cx_view *v);
/* An indented listing for people: listeners, vhosts, routes, clusters, then statuses and
 * diagnostics. */
bool cx_write_text(cx_strbuf *out, const cx_view *v);
/* Graphviz: roots -> delegates -> services, invalid and orphaned objects marked. */
bool cx_write_dot(cx_strbuf *out, const cx_view *v);

/* The JSON writer's parts, for other JSON documents about graphs (diffs): values in the
 * graph JSON's shapes, two-space indentation. */
typedef struct cx_jw {
    cx_strbuf *b;
    int depth;
    bool first; /* no member written yet in the current object/array */
} cx_jw;

void cx_jw_newline(cx_jw *w);
void cx_jw_item(cx_jw *w); /* starts an array element */
void cx_jw_key(cx_jw *w, const char *k);
void cx_jw_open(cx_jw *w, char c);
void cx_jw_close(cx_jw *w, char c);
void cx_jw_str(cx_jw *w, const char *s);
void cx_jw_kv_str(cx_jw *w, const char *k, const char *s);
void cx_jw_kv_int(cx_jw *w, const char *k, int64_t v);
void cx_jw_kv_bool(cx_jw *w, const char *k, bool v);
void cx_jw_object_ref(cx_jw *w, const char *k, contour_kind kind, const char *ns, const char *name);
void cx_jw_clusters(cx_jw *w, const contour_cluster *cs, uint32_t n);
/* An array element each, as in the graph JSON. */
void cx_jw_route(cx_jw *w, const contour_route *r);
void cx_jw_status(cx_jw *w, const contour_status *s);
/* The same values after a key. */
void cx_jw_route_value(cx_jw *w, const contour_route *r);
void cx_jw_status_value(cx_jw *w, const contour_status *s);
void cx_jw_diagnostic(cx_jw *w, const contour_diagnostic *d);
/* A vhost's "tls" member, under key k. */
void cx_jw_tls(cx_jw *w, const char *k, const contour_vhost *v);

#endif
