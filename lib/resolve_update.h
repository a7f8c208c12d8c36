/*
 * Patching a graph: what contour_resolve_update() and the admission what-if share. A new
 * graph starts as a copy of the earlier one's trees (sharing every node), then
 * cx_graph_patch() makes again what the given changes can affect.
 */
#ifndef CX_RESOLVE_UPDATE_H
#define CX_RESOLVE_UPDATE_H

#include "resolve.h"

/* One key whose object changed: what the earlier graph saw (NULL: none) and what this
 * resolution sees (NULL: none). */
typedef struct cx_delta {
    const cx_key *key; /* first: rx.changed looks deltas up by key */
    const contour_object *old;
    const contour_object *now;
} cx_delta;

/* Sources whose source-level diagnostics came (added) or went since the earlier graph. */
typedef struct cx_source_delta {
    const cx_source *source;
    bool added;
} cx_source_delta;

typedef struct cx_patch {
    const contour_snapshot *snapshot;
    const cx_overlay *overlay; /* a what-if's proposed change, or NULL */
    const cx_delta *deltas;
    size_t ndeltas;
    const cx_source_delta *sources;
    size_t nsources;
} cx_patch;

/* Makes g (a copy of prev's trees, with prev's settings) the graph of the snapshot after
 * the changes. g->cutoff and the listeners are left to the caller. False on OOM (g is then
 * partly patched: free it). */
bool cx_graph_patch(contour_graph *g, const contour_graph *prev, const cx_patch *p);

/* A new graph sharing every tree of prev (its settings copied); NULL on OOM. */
contour_graph *cx_graph_fork(const contour_graph *prev, const contour_snapshot *s);

#endif
