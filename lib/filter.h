/* What a rendering shows: everything, or the part of the graph a graph filter selects
 * (contour_graph_render_filtered; docs/cli.md defines the selection). The writers ask a
 * cx_view about each listener, virtual host, route, status and diagnostic. */
#ifndef CX_FILTER_H
#define CX_FILTER_H

#include "graph_model.h"

struct contour_graph_filter {
    char **vhosts; /* on the C library heap, like a config */
    size_t vhost_count;
    char **namespaces;
    size_t namespace_count;
};

/* An object a vhost filter concerns, for deciding which diagnostics stay. */
typedef struct cx_view_obj {
    contour_kind kind;
    const char *ns;
    const char *name;
} cx_view_obj;

typedef struct cx_view {
    const contour_graph *g;
    const contour_graph_filter *f; /* NULL, or one with at least one vhost or namespace */
    const cx_alloc *alloc;
    cx_view_obj *objs; /* with a vhost filter: the objects shown, sorted */
    size_t obj_count;
} cx_view;

/* Prepares a view of g through f (NULL: everything). False on OOM. */
bool cx_view_init(cx_view *v, const contour_graph *g, const contour_graph_filter *f,
                  const cx_alloc *alloc);
void cx_view_release(cx_view *v);

/* Whether a filter is in force at all. */
static inline bool cx_view_filtered(const cx_view *v)
{
    return v->f != NULL;
}
/* An fqdn passes the vhost filter (always true without one). */
bool cx_view_fqdn(const cx_view *v, const char *fqdn);
/* A route of vhost vh is shown. */
bool cx_view_route(const cx_view *v, const contour_vhost *vh, const contour_route *r);
/* vh's tcpproxy is shown. */
bool cx_view_tcpproxy(const cx_view *v, const contour_vhost *vh);
/* vh is shown: its fqdn passes, and it has a shown route or tcpproxy. */
bool cx_view_vhost(const cx_view *v, const contour_vhost *vh);
/* li is shown: it has a shown virtual host. */
bool cx_view_listener(const cx_view *v, const contour_listener *li);
/* A status is shown. */
bool cx_view_status(const cx_view *v, const contour_status *s);
/* A diagnostic is shown. */
bool cx_view_diag(const cx_view *v, const contour_diagnostic *d);

#endif
