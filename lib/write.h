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

#endif
