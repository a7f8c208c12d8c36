/*
 * libcontour — resolution and the route graph.
 *
 * contour_resolve() turns a snapshot into an immutable graph: listeners → virtual hosts →
 * routes → clusters, plus one status per IngressRoute and every diagnostic (the snapshot's
 * load diagnostics and those of resolution). Broken input yields a partial graph and
 * diagnostics, never a failed call.
 *
 * Ownership and lifetime: the caller owns a graph and releases it with contour_graph_free().
 * A graph holds its own copy of everything it shows: it stays valid, unchanged, after the
 * snapshot it came from is changed or freed. Pointers from the accessors are borrowed from
 * the graph and live until contour_graph_free().
 *
 * Thread-safety: a graph is immutable; any number of threads may read it at once.
 * contour_resolve() only reads its snapshot and config, so several threads may resolve one
 * snapshot at the same time (while no thread changes it).
 *
 * Ordering is part of the contract and never depends on input order: listeners by port,
 * virtual hosts by fqdn, routes exact-before-prefix then by path in descending byte order,
 * clusters by (namespace, service, port, weight, strategy), statuses by (namespace, name),
 * diagnostics by (file, line, column).
 */
#ifndef CONTOUR_GRAPH_H
#define CONTOUR_GRAPH_H

#include "common.h"
#include "config.h"
#include "diagnostic.h"
#include "object.h"
#include "snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A resolved route graph. Opaque; immutable. */
typedef struct contour_graph contour_graph;
/** A listener ("ingress_http" or "ingress_https"). Borrowed. */
typedef struct contour_listener contour_listener;
/** A virtual host of a listener. Borrowed. */
typedef struct contour_vhost contour_vhost;
/** A route of a virtual host. Borrowed. */
typedef struct contour_route contour_route;
/** One (service, port) a route or tcpproxy sends traffic to. Borrowed. */
typedef struct contour_cluster contour_cluster;
/** The status of one IngressRoute: valid, invalid or orphaned, and why. Borrowed. */
typedef struct contour_status contour_status;

/**
 * Resolves a snapshot. Reads snapshot and config only. The graph allocates with the
 * snapshot's allocator.
 * @param config resolution settings that override the snapshot's (root namespaces, ingress
 *        class, ports, CONTOUR_LIMIT_ROUTES, threads; see config.h), or NULL to resolve
 *        with the snapshot's own config. The allocator and the loading limits stay the
 *        snapshot's whatever config says.
 * @param out receives the graph, owned by the caller.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (out or snapshot NULL) or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_resolve(contour_graph **out, const contour_snapshot *snapshot,
                                           const contour_config *config);

/**
 * Brings a graph up to date with its snapshot: the graph contour_resolve() would make of
 * the snapshot now, byte for byte, made by resolving again only what the snapshot's
 * changes since `previous` can affect (objects referring to a changed one, the virtual
 * hosts reaching it, the names it claims) and sharing the rest with `previous`. The cost
 * follows the size of the change, not of the cluster, and so does the memory the new
 * graph adds while both are alive.
 *
 * `previous` is unchanged and stays valid; it may be read by other threads meanwhile and
 * freed in any order. A graph is made from scratch instead (same result, a full
 * resolution's cost) when the settings differ from the ones `previous` was resolved with,
 * when more changes were made since `previous` than the snapshot remembers (4,096
 * object or source changes), or when CONTOUR_LIMIT_ROUTES leaves a virtual host out of
 * either graph.
 *
 * Same thread rules as contour_resolve(): reads the snapshot, which no thread may change
 * meanwhile.
 * @param out receives the new graph, owned by the caller (release with
 *        contour_graph_free()), even when nothing changed.
 * @param previous a graph of this snapshot (contour_resolve() or contour_resolve_update()),
 *        or NULL to resolve from scratch.
 * @param config settings to resolve with, or NULL for those `previous` was resolved with
 *        (the snapshot's own config when `previous` is NULL).
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (out or snapshot NULL; `previous` from another
 *         snapshot) or CONTOUR_ERR_NOMEM (nothing is made; `previous` is untouched).
 */
CONTOUR_API contour_result contour_resolve_update(contour_graph **out,
                                                  const contour_snapshot *snapshot,
                                                  const contour_graph *previous,
                                                  const contour_config *config);

/** Releases a graph and everything borrowed from it. Accepts NULL. */
CONTOUR_API void contour_graph_free(contour_graph *graph);

/* ------------------------------------------------------------------------------------------ */
/* Listeners and virtual hosts                                                                */
/* ------------------------------------------------------------------------------------------ */

/** Number of listeners that have at least one virtual host (0, 1 or 2). */
CONTOUR_API size_t contour_graph_listener_count(const contour_graph *graph);
/** The index-th listener, by port. */
CONTOUR_API const contour_listener *contour_graph_listener_at(const contour_graph *graph,
                                                              size_t index);
/** "ingress_http" or "ingress_https". */
CONTOUR_API const char *contour_listener_name(const contour_listener *listener);
/** The listener's port. */
CONTOUR_API uint32_t contour_listener_port(const contour_listener *listener);
/** Whether this is the secure (TLS) listener. */
CONTOUR_API bool contour_listener_is_secure(const contour_listener *listener);
/** Number of virtual hosts. */
CONTOUR_API size_t contour_listener_vhost_count(const contour_listener *listener);
/** The index-th virtual host, by fqdn. */
CONTOUR_API const contour_vhost *contour_listener_vhost_at(const contour_listener *listener,
                                                           size_t index);

/** The virtual host's name ("*" for an Ingress rule without host). */
CONTOUR_API const char *contour_vhost_fqdn(const contour_vhost *vhost);
/** Whether the virtual host has TLS settings (always true on the secure listener). */
CONTOUR_API bool contour_vhost_has_tls(const contour_vhost *vhost);
/** Namespace of the TLS secret, or NULL (passthrough). */
CONTOUR_API const char *contour_vhost_tls_secret_namespace(const contour_vhost *vhost);
/** Name of the TLS secret, or NULL (passthrough). */
CONTOUR_API const char *contour_vhost_tls_secret_name(const contour_vhost *vhost);
/** Minimum TLS version: "1.1", "1.2" or "1.3"; NULL without TLS. */
CONTOUR_API const char *contour_vhost_tls_min_protocol_version(const contour_vhost *vhost);
/** Whether TLS is passed through to the tcpproxy upstream. */
CONTOUR_API bool contour_vhost_tls_passthrough(const contour_vhost *vhost);
/** Number of routes. */
CONTOUR_API size_t contour_vhost_route_count(const contour_vhost *vhost);
/** The index-th route (exact matches first, then by path in descending byte order). */
CONTOUR_API const contour_route *contour_vhost_route_at(const contour_vhost *vhost, size_t index);
/** Whether the virtual host proxies TCP (spec.tcpproxy). */
CONTOUR_API bool contour_vhost_has_tcpproxy(const contour_vhost *vhost);
/** Number of tcpproxy clusters. */
CONTOUR_API size_t contour_vhost_tcpproxy_cluster_count(const contour_vhost *vhost);
/** The index-th tcpproxy cluster. */
CONTOUR_API const contour_cluster *contour_vhost_tcpproxy_cluster_at(const contour_vhost *vhost,
                                                                     size_t index);

/* ------------------------------------------------------------------------------------------ */
/* Routes                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/** How a route matches the request path. */
typedef enum contour_match_type {
    CONTOUR_MATCH_PREFIX = 0, /**< path prefix (JSON key "prefix") */
    CONTOUR_MATCH_EXACT = 1,  /**< whole path (JSON key "exact"; Ingress pathType Exact) */
} contour_match_type;

/** The route's match type. */
CONTOUR_API contour_match_type contour_route_match_type(const contour_route *route);
/** The matched path (the prefix or the exact path). */
CONTOUR_API const char *contour_route_path(const contour_route *route);
/** Whether plain-HTTP requests are redirected to HTTPS (only on the insecure listener). */
CONTOUR_API bool contour_route_https_redirect(const contour_route *route);
/** Whether websocket upgrades are enabled. */
CONTOUR_API bool contour_route_websocket(const contour_route *route);
/** The prefix rewrite, or NULL. */
CONTOUR_API const char *contour_route_prefix_rewrite(const contour_route *route);
/** Whether a request timeout is set. */
CONTOUR_API bool contour_route_has_timeout(const contour_route *route);
/** The request timeout in milliseconds; -1 means infinity. 0 when unset (a set timeout is
 * never 0: a zero duration is not set, and one under 1 ms is 1). */
CONTOUR_API int64_t contour_route_timeout_ms(const contour_route *route);
/** Whether a retry policy is set. */
CONTOUR_API bool contour_route_has_retry(const contour_route *route);
/** The retry condition (Envoy's retry_on, e.g. "5xx"), or NULL. */
CONTOUR_API const char *contour_route_retry_on(const contour_route *route);
/** Number of retries (at least 1 when a retry policy is set). */
CONTOUR_API uint32_t contour_route_retry_num_retries(const contour_route *route);
/** Timeout per retry attempt in milliseconds (at least 1), or 0 when unset. */
CONTOUR_API int64_t contour_route_retry_per_try_timeout_ms(const contour_route *route);
/** Kind of the object the route comes from (IngressRoute or Ingress). */
CONTOUR_API contour_kind contour_route_source_kind(const contour_route *route);
/** Namespace of the object the route comes from. */
CONTOUR_API const char *contour_route_source_namespace(const contour_route *route);
/** Name of the object the route comes from. */
CONTOUR_API const char *contour_route_source_name(const contour_route *route);
/** Number of clusters (0 when every service it names is missing). */
CONTOUR_API size_t contour_route_cluster_count(const contour_route *route);
/** The index-th cluster. */
CONTOUR_API const contour_cluster *contour_route_cluster_at(const contour_route *route,
                                                            size_t index);

/* ------------------------------------------------------------------------------------------ */
/* Clusters                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** Namespace of the Service. */
CONTOUR_API const char *contour_cluster_namespace(const contour_cluster *cluster);
/** Name of the Service. */
CONTOUR_API const char *contour_cluster_service(const contour_cluster *cluster);
/** The Service port number. */
CONTOUR_API uint32_t contour_cluster_port(const contour_cluster *cluster);
/** The ServicePort's name, or NULL when it has none. */
CONTOUR_API const char *contour_cluster_port_name(const contour_cluster *cluster);
/** The weight (0 when not given). */
CONTOUR_API int64_t contour_cluster_weight(const contour_cluster *cluster);
/** The load-balancing strategy, or NULL. */
CONTOUR_API const char *contour_cluster_strategy(const contour_cluster *cluster);
/** The upstream protocol, "h2" or "h2c", or NULL. */
CONTOUR_API const char *contour_cluster_protocol(const contour_cluster *cluster);
/** The health check with Contour's defaults filled in (see object.h), or NULL when none. */
CONTOUR_API const contour_health_check *
contour_cluster_health_check(const contour_cluster *cluster);
/** Circuit-breaker max connections (Service annotation), 0 when unset. */
CONTOUR_API uint32_t contour_cluster_max_connections(const contour_cluster *cluster);
/** Circuit-breaker max pending requests, 0 when unset. */
CONTOUR_API uint32_t contour_cluster_max_pending_requests(const contour_cluster *cluster);
/** Circuit-breaker max requests, 0 when unset. */
CONTOUR_API uint32_t contour_cluster_max_requests(const contour_cluster *cluster);
/** Circuit-breaker max retries, 0 when unset. */
CONTOUR_API uint32_t contour_cluster_max_retries(const contour_cluster *cluster);

/* ------------------------------------------------------------------------------------------ */
/* Statuses                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** The outcome for one IngressRoute. */
typedef enum contour_state {
    CONTOUR_STATE_VALID = 0,    /**< "valid" */
    CONTOUR_STATE_INVALID = 1,  /**< "invalid" */
    CONTOUR_STATE_ORPHANED = 2, /**< "orphaned" */
} contour_state;

/** "valid", "invalid" or "orphaned" ("" for unknown values). Static string. */
CONTOUR_API const char *contour_state_name(contour_state state);

/** Number of statuses: one per IngressRoute that is not ignored because of its class. */
CONTOUR_API size_t contour_graph_status_count(const contour_graph *graph);
/** The index-th status, by (namespace, name). */
CONTOUR_API const contour_status *contour_graph_status_at(const contour_graph *graph, size_t index);
/** The status of an IngressRoute by namespace and name, or NULL when it has none. */
CONTOUR_API const contour_status *contour_graph_find_status(const contour_graph *graph,
                                                            const char *ns, size_t ns_len,
                                                            const char *name, size_t name_len);

/** Kind of the object (CONTOUR_KIND_INGRESSROUTE). */
CONTOUR_API contour_kind contour_status_kind(const contour_status *status);
/** Namespace of the object. */
CONTOUR_API const char *contour_status_namespace(const contour_status *status);
/** Name of the object. */
CONTOUR_API const char *contour_status_name(const contour_status *status);
/** The state. */
CONTOUR_API contour_state contour_status_state(const contour_status *status);
/** Contour's description, e.g. "valid IngressRoute". */
CONTOUR_API const char *contour_status_description(const contour_status *status);
/** Number of virtual hosts the object was reached through (sorted). */
CONTOUR_API size_t contour_status_vhost_count(const contour_status *status);
/** The index-th virtual host the object was reached through. */
CONTOUR_API const char *contour_status_vhost_at(const contour_status *status, size_t index);
/** Source file of the object. */
CONTOUR_API const char *contour_status_file(const contour_status *status);
/** Line the status is about: the failing field when invalid, else the object's start. */
CONTOUR_API uint32_t contour_status_line(const contour_status *status);
/** Column the status is about. */
CONTOUR_API uint32_t contour_status_column(const contour_status *status);

/* ------------------------------------------------------------------------------------------ */
/* Diagnostics                                                                                */
/* ------------------------------------------------------------------------------------------ */

/** Number of diagnostics: the snapshot's load diagnostics plus those of resolution. */
CONTOUR_API size_t contour_graph_diagnostic_count(const contour_graph *graph);
/** The index-th diagnostic, by (file, line, column), then severity, code and message. */
CONTOUR_API const contour_diagnostic *contour_graph_diagnostic_at(const contour_graph *graph,
                                                                  size_t index);
/** Number of diagnostics with the given severity. */
CONTOUR_API size_t contour_graph_diagnostic_count_by_severity(const contour_graph *graph,
                                                              contour_severity severity);

/* ------------------------------------------------------------------------------------------ */
/* References (reverse lookups)                                                               */
/* ------------------------------------------------------------------------------------------ */

/**
 * One reference an object makes to another, as written (whether or not the target exists):
 * a route's delegate or Service, a tcpproxy's, a TLS secret, an Ingress backend or TLS
 * secret, a TLSCertificateDelegation's secret. Borrowed from a reference list.
 */
typedef struct contour_reference contour_reference;
/** A list of references. Opaque; owned by the caller. */
typedef struct contour_reference_list contour_reference_list;

/** What a reference is. */
typedef enum contour_reference_type {
    CONTOUR_REFERENCE_DELEGATE = 0,     /**< IngressRoute routes[].delegate -> IngressRoute */
    CONTOUR_REFERENCE_SERVICE = 1,      /**< IngressRoute routes[].services[] -> Service */
    CONTOUR_REFERENCE_TCP_DELEGATE = 2, /**< IngressRoute tcpproxy.delegate -> IngressRoute */
    CONTOUR_REFERENCE_TCP_SERVICE = 3,  /**< IngressRoute tcpproxy.services[] -> Service */
    CONTOUR_REFERENCE_TLS_SECRET = 4,   /**< IngressRoute virtualhost.tls.secretName -> Secret */
    CONTOUR_REFERENCE_BACKEND = 5,      /**< Ingress backend (rule path or default) -> Service */
    CONTOUR_REFERENCE_INGRESS_TLS = 6,  /**< Ingress tls[].secretName -> Secret */
    CONTOUR_REFERENCE_DELEGATION = 7,   /**< TLSCertificateDelegation delegations[] -> Secret */
} contour_reference_type;

/** Number of reference types: valid types are 0 .. contour_reference_type_count()-1. */
CONTOUR_API size_t contour_reference_type_count(void);
/** "delegate", "service", "tcp-delegate", "tcp-service", "tls-secret", "backend",
 * "ingress-tls", "delegation"; "" for unknown values. Static string. */
CONTOUR_API const char *contour_reference_type_name(contour_reference_type type);

/**
 * Every reference to the object (kind, namespace, name) from the objects of the graph —
 * who delegates to an IngressRoute and through which routes, which routes, tcpproxies and
 * Ingress backends use a Service, which roots and Ingresses use a Secret, which
 * TLSCertificateDelegations name it — ordered by the referring object (kind, namespace,
 * name), then type, then position. The target need not exist. Objects ignored for their
 * ingress class refer to nothing. O(log n + references).
 * @param out receives the list, owned by the caller (contour_reference_list_free()); it
 *        keeps the graph's records alive and stays valid after contour_graph_free().
 * @return CONTOUR_OK (possibly an empty list), CONTOUR_ERR_INVALID (NULL out or graph, an
 *         unknown kind, NULL ns or name with a non-zero length) or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_graph_references_to(contour_reference_list **out,
                                                       const contour_graph *graph,
                                                       contour_kind kind, const char *ns,
                                                       size_t ns_len, const char *name,
                                                       size_t name_len);
/**
 * Every reference the object (kind, namespace, name) makes, in the order of its fields
 * (routes in order, their delegate then Services; tcpproxy; TLS) — e.g. which Secrets a
 * TLSCertificateDelegation covers. Empty for an object the graph does not have, a Service
 * or a Secret. Same rules as contour_graph_references_to().
 */
CONTOUR_API contour_result contour_graph_references_from(contour_reference_list **out,
                                                         const contour_graph *graph,
                                                         contour_kind kind, const char *ns,
                                                         size_t ns_len, const char *name,
                                                         size_t name_len);
/** Number of references in a list (0 for NULL). */
CONTOUR_API size_t contour_reference_list_count(const contour_reference_list *list);
/** The index-th reference, or NULL when out of range. Borrowed from the list. */
CONTOUR_API const contour_reference *contour_reference_list_at(const contour_reference_list *list,
                                                               size_t index);
/** Releases a list. Accepts NULL. */
CONTOUR_API void contour_reference_list_free(contour_reference_list *list);

/** The reference's type. */
CONTOUR_API contour_reference_type contour_reference_type_of(const contour_reference *ref);
/** The referring object's kind, namespace and name. */
CONTOUR_API contour_kind contour_reference_from_kind(const contour_reference *ref);
CONTOUR_API const char *contour_reference_from_namespace(const contour_reference *ref);
CONTOUR_API const char *contour_reference_from_name(const contour_reference *ref);
/** The target's kind, namespace and name. */
CONTOUR_API contour_kind contour_reference_to_kind(const contour_reference *ref);
CONTOUR_API const char *contour_reference_to_namespace(const contour_reference *ref);
CONTOUR_API const char *contour_reference_to_name(const contour_reference *ref);
/** Whether nothing of the target's name exists (or it is ignored for its ingress class). */
CONTOUR_API bool contour_reference_target_missing(const contour_reference *ref);
/**
 * Where the reference is written: the route index (DELEGATE, SERVICE), the Ingress path
 * index within its rule (BACKEND), the spec.tls index (INGRESS_TLS), the delegation index
 * (DELEGATION); 0 otherwise.
 */
CONTOUR_API uint32_t contour_reference_index(const contour_reference *ref);
/** The Service's index within its route or tcpproxy (SERVICE, TCP_SERVICE); 0 otherwise. */
CONTOUR_API uint32_t contour_reference_service_index(const contour_reference *ref);
/** The Ingress rule index of a BACKEND reference, -1 for the default backend and for
 * references of other types. */
CONTOUR_API int32_t contour_reference_rule(const contour_reference *ref);
/** The route's match (DELEGATE, SERVICE) or the Ingress path (BACKEND), else NULL. */
CONTOUR_API const char *contour_reference_path(const contour_reference *ref);

/* ------------------------------------------------------------------------------------------ */
/* Rendering                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/** Output formats of contour_graph_render(). */
typedef enum contour_output_format {
    CONTOUR_OUTPUT_JSON =
        0, /**< The route graph as JSON (docs/route-graph.md); same graph, same bytes. */
    CONTOUR_OUTPUT_TEXT = 1, /**< An indented human-readable listing. */
    CONTOUR_OUTPUT_DOT = 2, /**< Graphviz: roots → delegates → services, broken objects marked. */
} contour_output_format;

/** Bytes produced by contour_graph_render(). Opaque; owned by the caller. */
typedef struct contour_buffer contour_buffer;

/**
 * Renders a graph. The DOT form needs the delegation edges, which the graph records when
 * it is resolved; no snapshot is needed.
 * @param out receives the buffer, owned by the caller (release with contour_buffer_free()).
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_graph_render(contour_buffer **out, const contour_graph *graph,
                                                contour_output_format format);

/**
 * Which part of a graph contour_graph_render_filtered() shows: the virtual hosts and
 * namespaces a person asks about, so that a picture of a large cluster can be cut down.
 * Opaque; create with contour_graph_filter_new(). A plain value: not thread-safe while
 * being changed, safe to read from many threads (as rendering does).
 *
 * With vhosts added, a rendering keeps the routes and tcpproxy of those virtual hosts, the
 * statuses of IngressRoutes reached through (or rooted at) one of them, and the
 * diagnostics about the objects shown (those IngressRoutes, the sources of the routes
 * kept, the Services of their clusters, the TLS secrets of the virtual hosts). With
 * namespaces added, it keeps the routes whose source object is in one of them, the
 * tcpproxy clusters there, the statuses of IngressRoutes there, and the diagnostics about
 * objects there. With both, both conditions hold. Listeners and virtual hosts left with
 * nothing to show are left out; diagnostics about no object (a file that cannot be read,
 * a YAML syntax error) are left out of any filtered rendering. A filter with nothing
 * added shows everything.
 */
typedef struct contour_graph_filter contour_graph_filter;

/**
 * Creates an empty filter (it shows everything).
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (out is NULL) or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_graph_filter_new(contour_graph_filter **out);
/** Releases a filter. Accepts NULL. */
CONTOUR_API void contour_graph_filter_free(contour_graph_filter *filter);
/**
 * Adds a virtual host (an fqdn, compared byte for byte; "*" is the Ingress catch-all).
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (NULL filter, empty or non-UTF-8 fqdn) or
 *         CONTOUR_ERR_NOMEM (the filter is unchanged).
 */
CONTOUR_API contour_result contour_graph_filter_add_vhost(contour_graph_filter *filter,
                                                          const char *fqdn, size_t len);
/**
 * Adds a namespace.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (NULL filter, empty or non-UTF-8 namespace) or
 *         CONTOUR_ERR_NOMEM (the filter is unchanged).
 */
CONTOUR_API contour_result contour_graph_filter_add_namespace(contour_graph_filter *filter,
                                                              const char *ns, size_t len);
/**
 * Renders the part of a graph a filter selects, in any format; the output has the same
 * form as contour_graph_render()'s, with fewer entries. filter NULL renders everything.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_graph_render_filtered(contour_buffer **out,
                                                         const contour_graph *graph,
                                                         contour_output_format format,
                                                         const contour_graph_filter *filter);

/**
 * Where contour_graph_write() sends a rendering: called with the next `len` bytes (1 to
 * 65,536; not NUL-terminated; borrowed only for the call — copy what you keep). Returns 0
 * to go on, anything else to stop: the call that made it then returns CONTOUR_ERR_IO and
 * does not call it again. `user_data` is what was given to contour_graph_write().
 */
typedef int (*contour_write_fn)(void *user_data, const char *bytes, size_t len);

/**
 * Renders the part of a graph a filter selects (NULL: all of it) through a callback, for
 * output too large to hold twice: a file, a socket or a pipe (1.1). The bytes are exactly
 * those contour_graph_render_filtered() would return, in order, in calls of 1 to 65,536
 * bytes (64 KiB); the memory used does not grow with the size of the output: one 64 KiB
 * buffer, plus what a filter with virtual hosts and the DOT form need for their lists of
 * objects and nodes (a few words per object shown), all from the graph's allocator. The
 * callback runs on the calling thread, before this call returns.
 *
 * Every allocation is made before the first call of write_fn, so CONTOUR_ERR_NOMEM means it
 * was never called. On CONTOUR_ERR_IO (write_fn stopped) it has received a prefix of the
 * output and is not called again; why it stopped is for it to keep, in user_data.
 *
 * Thread-safety: reads graph and filter only. Any number of threads may write (and render)
 * the same graph, with the same filter, at once; each call has its own buffer. write_fn
 * may call any function that reads graph or filter (even contour_graph_write() again) and
 * must not free graph, nor change or free filter, before this call returns. It must return
 * to the library: leaving it by longjmp() or an exception leaks the buffer.
 * @param filter what to show, or NULL for everything (borrowed for the call).
 * @param write_fn receives the bytes; required.
 * @param user_data passed to write_fn as it is; may be NULL.
 * @return CONTOUR_OK (everything was delivered), CONTOUR_ERR_INVALID (graph or write_fn
 *         NULL, or an unknown format; write_fn not called), CONTOUR_ERR_NOMEM (write_fn not
 *         called) or CONTOUR_ERR_IO (write_fn returned nonzero).
 */
CONTOUR_API contour_result contour_graph_write(const contour_graph *graph,
                                               contour_output_format format,
                                               const contour_graph_filter *filter,
                                               contour_write_fn write_fn, void *user_data);

/** The bytes (NUL-terminated for convenience; the NUL is not counted by contour_buffer_size()). */
CONTOUR_API const char *contour_buffer_data(const contour_buffer *buffer);
/** Number of bytes. */
CONTOUR_API size_t contour_buffer_size(const contour_buffer *buffer);
/** Releases a buffer. Accepts NULL. */
CONTOUR_API void contour_buffer_free(contour_buffer *buffer);

#ifdef __cplusplus
}
#endif

#endif
