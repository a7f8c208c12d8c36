/*
 * The resolved route graph. Built by resolve*.c into the graph's arena, read by graph.c
 * (public accessors) and the writers. Immutable once contour_resolve() returns; every
 * string lives in the graph's arena, so the graph does not depend on its snapshot.
 */
#ifndef CX_GRAPH_MODEL_H
#define CX_GRAPH_MODEL_H

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "contour/graph.h"

struct contour_cluster {
    const char *ns;
    const char *service;
    uint32_t port;
    const char *port_name; /* NULL when the ServicePort has no name */
    int64_t weight;
    const char *strategy; /* NULL when unset */
    const char *protocol; /* "h2", "h2c" or NULL */
    bool has_health_check;
    cx_health_check health_check; /* defaults filled in */
    uint32_t max_connections;     /* 0: unset */
    uint32_t max_pending_requests;
    uint32_t max_requests;
    uint32_t max_retries;
};

struct contour_route {
    contour_match_type match;
    const char *path;
    bool https_redirect;
    bool websocket;
    bool has_timeout;
    bool has_retry;
    const char *prefix_rewrite; /* NULL when unset */
    int64_t timeout_ms;         /* -1: infinity */
    const char *retry_on;
    uint32_t num_retries;
    int64_t per_try_timeout_ms; /* 0: unset */
    contour_kind source_kind;
    const char *source_ns;
    const char *source_name;
    contour_cluster *clusters; /* sorted */
    uint32_t cluster_count;
};

struct contour_vhost {
    const char *fqdn;
    bool has_tls;
    bool passthrough;
    bool has_tcpproxy;
    const char *secret_ns; /* NULL: passthrough */
    const char *secret_name;
    const char *min_version; /* "1.1" | "1.2" | "1.3" when has_tls */
    contour_route *routes;   /* sorted */
    uint32_t route_count;
    contour_cluster *tcp_clusters; /* in the order written */
    uint32_t tcp_cluster_count;
};

struct contour_listener {
    const char *name; /* "ingress_http" | "ingress_https" */
    uint32_t port;
    bool secure;
    contour_vhost *vhosts; /* sorted by fqdn */
    uint32_t vhost_count;
};

/* An edge of the delegation picture (for the DOT writer): what an IngressRoute refers to,
 * as written, and whether the target exists. */
typedef enum cx_edge_type {
    CX_EDGE_DELEGATE = 0,     /* routes[].delegate → IngressRoute */
    CX_EDGE_SERVICE = 1,      /* routes[].services[] → Service */
    CX_EDGE_TCP_DELEGATE = 2, /* tcpproxy.delegate → IngressRoute */
    CX_EDGE_TCP_SERVICE = 3,  /* tcpproxy.services[] → Service */
} cx_edge_type;

typedef struct cx_edge {
    uint8_t type;   /* cx_edge_type */
    bool missing;   /* the target object does not exist (or is ignored) */
    const char *ns; /* target namespace */
    const char *name;
    const char *label; /* route match for routes, "port N" for services */
    const char *route; /* service edges of a route: that route's match; NULL otherwise */
} cx_edge;

struct contour_status {
    contour_kind kind;
    contour_state state;
    const char *ns;
    const char *name;
    const char *description;
    const char **vhosts; /* sorted, unique */
    uint32_t vhost_count;
    const char *file;
    cx_pos pos;
    /* For the DOT writer. */
    const char *root_fqdn; /* spec.virtualhost.fqdn when the object is a root, else NULL */
    cx_edge *edges;        /* in the order written */
    uint32_t edge_count;
};

struct contour_graph {
    cx_alloc alloc; /* the allocator this graph (and buffers rendered from it) use */
    cx_arena arena;
    contour_listener listeners[2];
    uint32_t listener_count;
    contour_status *statuses; /* sorted by (namespace, name) */
    uint32_t status_count;
    const contour_diagnostic **diags; /* sorted with cx_diag_compare */
    uint32_t diag_count;
    uint32_t severity_count[CX_SEVERITY_COUNT];
};

#endif
