/* Writers: render a graph into a string buffer. Each returns false on OOM (the buffer's
 * oom flag is then set). Output depends only on the graph, never on input order. */
#ifndef CX_WRITE_H
#define CX_WRITE_H

#include "graph_model.h"
#include "strbuf.h"

/* The JSON route graph of spec §4, 2-space indented, keys in the spec's order, ending in a
 * newline (docs/route-graph.md). */
bool cx_write_json(cx_strbuf *out, const contour_graph *g);
/* An indented listing for people: listeners, vhosts, routes, clusters, then statuses and
 * diagnostics. */
bool cx_write_text(cx_strbuf *out, const contour_graph *g);
/* Graphviz: roots -> delegates -> services, invalid and orphaned objects marked. */
bool cx_write_dot(cx_strbuf *out, const contour_graph *g);
/* Whether a name can be shown without quotes in text and DOT labels: non-empty,
 * printable, no blanks, '"' or '\'. */
bool cx_write_is_bare(const char *s);

#endif
