/*
 * Making graphs: the operations of a graph's trees, a graph's lifetime, and the record of
 * CONTOUR_LIMIT_ROUTES's errors. Used by resolution (which fills a graph) and by diffs
 * (which keep the graphs they compare alive).
 */
#ifndef CX_GRAPH_INTERNAL_H
#define CX_GRAPH_INTERNAL_H

#include "graph_model.h"

extern const cx_pt_ops cx_unit_ops;
extern const cx_pt_ops cx_status_ops;
extern const cx_pt_ops cx_record_ops;
extern const cx_pt_ops cx_edge_ops;
extern const cx_pt_ops cx_diag_ops;

/* The order of the refs tree: by what is named (hash, then key), then who names it. */
int cx_edge_compare(const cx_edge *a, const cx_edge *b);

/* An empty graph (one reference, empty trees) allocating with `alloc`; NULL on OOM. */
contour_graph *cx_graph_new(const cx_alloc *alloc);
/* One more reference (contour_graph_free() drops one). */
void cx_graph_retain(const contour_graph *g);
/* Fills g->listeners from the units before the cutoff. */
void cx_graph_listeners(contour_graph *g);

/* The listener's vhost for fqdn, or NULL. O(log n). */
const contour_vhost *cx_listener_find_vhost(const contour_listener *l, const char *fqdn);

/* The edges of an IngressRoute that the picture draws (its routes' and tcpproxy's). */
static inline bool cx_edge_drawn(const cx_edge *e)
{
    return e->type <= CX_EDGE_TCP_SERVICE;
}

/* The limit-routes errors of the vhosts CONTOUR_LIMIT_ROUTES leaves out. */
typedef struct cx_limitrec {
    cx_shared rc;
    const contour_diagnostic **diags;
    uint32_t ndiags;
    const cx_shared **pins;
    uint32_t npins;
    cx_arena arena;
} cx_limitrec;

#endif
