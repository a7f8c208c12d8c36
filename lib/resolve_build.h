/*
 * What a full resolution (resolve.c) and an incremental one (resolve_update.c) share:
 * the resolution context's lifetime, the reach of units into statuses, and the parts of a
 * graph that are assembled the same way.
 */
#ifndef CX_RESOLVE_BUILD_H
#define CX_RESOLVE_BUILD_H

#include "resolve.h"

void cx_rx_init(cx_rx *rx, const contour_snapshot *s, const cx_settings *set,
                const cx_alloc *alloc);
void cx_rx_release(cx_rx *rx);
/* Keeps results by key id (ids below `ids`): for a resolution that makes every object's.
 * False on OOM. */
bool cx_rx_dense(cx_rx *rx, uint32_t ids);

/* Sorts a fresh unit's losses by object, so that each object's are one run. */
void cx_unit_sort_losses(cx_unit *u);
/* What unit u says about the IngressRoute of contribution c (its losses included). */
cx_reach cx_unit_reach(const cx_unit *u, const cx_contrib *c);

/* Whether an object result is kept in the records tree. */
bool cx_record_wanted(const cx_objrec *r);
bool cx_push_diags(cx_vec *v, const contour_diagnostic *const *d, uint32_t n);
bool cx_push_edges(cx_vec *v, const cx_edge *e, uint32_t n);

/* The index of the first unit CONTOUR_LIMIT_ROUTES leaves out (the count: none). */
uint64_t cx_cutoff(const cx_ptree *units, uint64_t limit);
/* Makes again, with their routes, the truncated units before g->cutoff. */
bool cx_untruncate(cx_rx *rx, cx_unit_ws *ws, contour_graph *g);

/* Fills an empty graph g (settings and uid set) from the whole snapshot. False on OOM. */
bool cx_resolve_full(contour_graph *g, const contour_snapshot *s);
/* An empty graph of snapshot s with cfg's settings (NULL: the snapshot's). */
contour_graph *cx_graph_for(const contour_snapshot *s, const contour_config *cfg);

/* The status / record of an object's key in graph g, or NULL. */
const contour_status *cx_graph_status_of(const contour_graph *g, const contour_object *o);
const cx_objrec *cx_graph_record_of(const contour_graph *g, const contour_object *o);
/* True when `s` is a status of graph g. A pointer to another of the library's handles
 * (an object, a vhost) is told apart by its destroy function, so a caller's mix-up is
 * CONTOUR_ERR_INVALID rather than a misread; a dangling pointer is still undefined. */
bool cx_graph_holds_status(const contour_graph *g, const contour_status *s);

#endif
