/* The diff's representation, shared by diff.c (computing it, the accessors) and the diff
 * writers. Everything points into the two graphs the diff holds, or into its arena. */
#ifndef CX_DIFF_INTERNAL_H
#define CX_DIFF_INTERNAL_H

#include "arena.h"
#include "graph_model.h"
#include "contour/diff.h"

struct contour_route_change {
    uint8_t kind; /* contour_change */
    const contour_route *old, *now;
};

struct contour_vhost_change {
    const contour_diff *diff;
    uint8_t kind; /* contour_change */
    uint8_t slot; /* CX_L_* */
    bool tls_changed;
    const char *fqdn;
    const contour_vhost *old, *now;
    contour_route_change *routes;
    uint32_t route_count;
};

struct contour_status_change {
    uint8_t kind; /* contour_change */
    const contour_status *old, *now;
};

struct contour_diff {
    cx_alloc alloc;
    const contour_graph *a, *b; /* old and new, a reference each */
    contour_vhost_change *vh;   /* by listener port, then fqdn */
    size_t nvh;
    contour_status_change *st; /* by (namespace, name) */
    size_t nst;
    const contour_diagnostic **added, **resolved; /* in diagnostic order */
    size_t nadded, nresolved;
    cx_arena arena;
};

#endif
