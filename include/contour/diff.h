/*
 * libcontour — what changed between two route graphs: virtual hosts added, removed or
 * changed per listener, and within a changed one its routes; statuses whose state,
 * description or virtual hosts changed; diagnostics that appeared or were resolved.
 *
 * Two graphs of one snapshot (contour_resolve_update() keeps them sharing what did not
 * change) are compared in time proportional to the change; any two graphs can be
 * compared, in time proportional to their size.
 *
 * Ownership: the caller owns a diff and releases it with contour_diff_free(). A diff keeps
 * what it shows alive: the vhosts, routes, statuses and diagnostics it returns stay valid
 * until contour_diff_free(), even after both graphs are freed. Immutable; any number of
 * threads may read it.
 */
#ifndef CONTOUR_DIFF_H
#define CONTOUR_DIFF_H

#include "common.h"
#include "graph.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A diff. Opaque. */
typedef struct contour_diff contour_diff;
/** A virtual host of one listener that was added, removed or changed. Borrowed. */
typedef struct contour_vhost_change contour_vhost_change;
/** A route of a changed virtual host that was added, removed or changed. Borrowed. */
typedef struct contour_route_change contour_route_change;
/** A status that was added, removed or changed. Borrowed. */
typedef struct contour_status_change contour_status_change;

/** How something differs between the old graph and the new one. */
typedef enum contour_change {
    CONTOUR_CHANGE_ADDED = 0,   /**< only in the new graph */
    CONTOUR_CHANGE_REMOVED = 1, /**< only in the old graph */
    CONTOUR_CHANGE_CHANGED = 2, /**< in both, different */
} contour_change;

/** "added", "removed" or "changed" ("" for unknown values). Static string. */
CONTOUR_API const char *contour_change_name(contour_change change);

/**
 * Compares two graphs (either order; old is the one changes are measured from).
 * @param out receives the diff, owned by the caller.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (a NULL argument) or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_diff_graphs(contour_diff **out, const contour_graph *old_graph,
                                               const contour_graph *new_graph);

/** Releases a diff. Accepts NULL. */
CONTOUR_API void contour_diff_free(contour_diff *diff);

/** Whether the two graphs are the same (no vhost, status or diagnostic changed). */
CONTOUR_API bool contour_diff_is_empty(const contour_diff *diff);

/** Number of virtual host changes, over both listeners. */
CONTOUR_API size_t contour_diff_vhost_count(const contour_diff *diff);
/** The index-th virtual host change: by listener port, then fqdn. */
CONTOUR_API const contour_vhost_change *contour_diff_vhost_at(const contour_diff *diff,
                                                              size_t index);
/** The listener's name ("ingress_http" or "ingress_https"). */
CONTOUR_API const char *contour_vhost_change_listener(const contour_vhost_change *change);
/** The listener's port in the new graph (the old one's for a removed listener). */
CONTOUR_API uint32_t contour_vhost_change_port(const contour_vhost_change *change);
/** Added, removed or changed. */
CONTOUR_API contour_change contour_vhost_change_kind(const contour_vhost_change *change);
/** The virtual host's fqdn. */
CONTOUR_API const char *contour_vhost_change_fqdn(const contour_vhost_change *change);
/** The virtual host in the old graph, or NULL when added. */
CONTOUR_API const contour_vhost *contour_vhost_change_old(const contour_vhost_change *change);
/** The virtual host in the new graph, or NULL when removed. */
CONTOUR_API const contour_vhost *contour_vhost_change_new(const contour_vhost_change *change);
/** Whether the TLS settings (secret, minimum version, passthrough) or tcpproxy differ. */
CONTOUR_API bool contour_vhost_change_tls_changed(const contour_vhost_change *change);
/** Number of route changes (of a changed virtual host; every route of an added or removed one). */
CONTOUR_API size_t contour_vhost_change_route_count(const contour_vhost_change *change);
/** The index-th route change, in route order (exact first, then by path descending). */
CONTOUR_API const contour_route_change *
contour_vhost_change_route_at(const contour_vhost_change *change, size_t index);

/** Added, removed or changed (a route changes when its clusters, options or source change). */
CONTOUR_API contour_change contour_route_change_kind(const contour_route_change *change);
/** The route's match type. */
CONTOUR_API contour_match_type contour_route_change_match_type(const contour_route_change *change);
/** The route's path. */
CONTOUR_API const char *contour_route_change_path(const contour_route_change *change);
/** The route in the old graph, or NULL when added. */
CONTOUR_API const contour_route *contour_route_change_old(const contour_route_change *change);
/** The route in the new graph, or NULL when removed. */
CONTOUR_API const contour_route *contour_route_change_new(const contour_route_change *change);

/** Number of status changes. */
CONTOUR_API size_t contour_diff_status_count(const contour_diff *diff);
/** The index-th status change, by (namespace, name). */
CONTOUR_API const contour_status_change *contour_diff_status_at(const contour_diff *diff,
                                                                size_t index);
/** Added, removed or changed (state, description or virtual hosts). */
CONTOUR_API contour_change contour_status_change_kind(const contour_status_change *change);
/** The status in the old graph, or NULL when added. */
CONTOUR_API const contour_status *contour_status_change_old(const contour_status_change *change);
/** The status in the new graph, or NULL when removed. */
CONTOUR_API const contour_status *contour_status_change_new(const contour_status_change *change);

/** Number of diagnostics only in the new graph. */
CONTOUR_API size_t contour_diff_added_diagnostic_count(const contour_diff *diff);
/** The index-th diagnostic only in the new graph, in the graph's diagnostic order. */
CONTOUR_API const contour_diagnostic *contour_diff_added_diagnostic_at(const contour_diff *diff,
                                                                       size_t index);
/** Number of diagnostics only in the old graph (resolved by the change). */
CONTOUR_API size_t contour_diff_resolved_diagnostic_count(const contour_diff *diff);
/** The index-th diagnostic only in the old graph. */
CONTOUR_API const contour_diagnostic *contour_diff_resolved_diagnostic_at(const contour_diff *diff,
                                                                          size_t index);

/**
 * Renders a diff as JSON (docs/route-graph.md, "Graph diff") or text (CONTOUR_OUTPUT_DOT
 * is CONTOUR_ERR_INVALID).
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_diff_render(contour_buffer **out, const contour_diff *diff,
                                               contour_output_format format);

/**
 * Writes a diff through a callback, as contour_graph_write() writes a graph: the bytes of
 * contour_diff_render(), in calls of at most 64 KiB, without building them in memory.
 * @return CONTOUR_OK; CONTOUR_ERR_IO (the callback returned nonzero; it is not called
 *         again); CONTOUR_ERR_INVALID (NULL diff or callback, CONTOUR_OUTPUT_DOT);
 *         CONTOUR_ERR_NOMEM (before any call).
 */
CONTOUR_API contour_result contour_diff_write(const contour_diff *diff,
                                              contour_output_format format,
                                              contour_write_fn write_fn, void *user_data);

#ifdef __cplusplus
}
#endif

#endif
