/*
 * The resolved route graph, as records shared between graph versions.
 *
 * A graph is five ordered trees (ptree.h) of reference-counted records (shared.h):
 *  - units: one per virtual host name, in name order — the vhost it gives each listener,
 *    what it found out about the IngressRoutes it reached, its diagnostics;
 *  - statuses: one per IngressRoute that is not ignored, in (namespace, name) order;
 *  - records: what resolution made of each other object that needs it (Ingress routes,
 *    TLS delegations, annotation warnings), in (kind, namespace, name) order;
 *  - refs: every reference an object makes, by what it names (reverse lookups);
 *  - diags: every diagnostic, in cx_diag_compare order.
 * Records point into loaded objects (their strings), which they keep alive, so a graph
 * stands on its own once made: it outlives its snapshot and never changes. Incremental
 * resolution makes a new version that shares every record and subtree that did not
 * change with the version it came from.
 */
#ifndef CX_GRAPH_MODEL_H
#define CX_GRAPH_MODEL_H

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "ptree.h"
#include "shared.h"
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
    const contour_cluster *clusters; /* sorted */
    uint32_t cluster_count;
};

struct contour_vhost {
    const char *fqdn;
    bool has_tls;
    bool passthrough;
    bool has_tcpproxy;
    const char *secret_ns; /* NULL: passthrough */
    const char *secret_name;
    const char *min_version;     /* "1.1" | "1.2" | "1.3" when has_tls */
    const contour_route *routes; /* sorted */
    uint32_t route_count;
    const contour_cluster *tcp_clusters; /* sorted */
    uint32_t tcp_cluster_count;
};

/* Listener slots: a graph's two listeners, whichever port sorts first. */
enum { CX_L_INSECURE = 0, CX_L_SECURE = 1 };

struct contour_listener {
    const char *name; /* "ingress_http" | "ingress_https" */
    uint32_t port;
    bool secure;
    uint8_t slot; /* CX_L_* */
    size_t vhost_count;
    const contour_graph *graph;
};

/* An edge of the picture and of reverse lookups: a reference an object makes, as written. */
typedef enum cx_edge_type {
    CX_EDGE_DELEGATE = 0,     /* routes[].delegate -> IngressRoute */
    CX_EDGE_SERVICE = 1,      /* routes[].services[] -> Service */
    CX_EDGE_TCP_DELEGATE = 2, /* tcpproxy.delegate -> IngressRoute */
    CX_EDGE_TCP_SERVICE = 3,  /* tcpproxy.services[] -> Service */
    CX_EDGE_TLS_SECRET = 4,   /* virtualhost.tls.secretName -> Secret */
    CX_EDGE_BACKEND = 5,      /* Ingress backend -> Service */
    CX_EDGE_INGRESS_TLS = 6,  /* Ingress tls[].secretName -> Secret */
    CX_EDGE_DELEGATION = 7,   /* TLSCertificateDelegation delegations[] -> Secret */
} cx_edge_type;

typedef struct cx_edge {
    const cx_shared *owner;     /* the record the edge lives in */
    const contour_object *from; /* the object that refers */
    const cx_key *to;           /* what it names (kind, namespace, name) */
    uint64_t to_hash;           /* to->hash: the refs order */
    uint8_t type;               /* cx_edge_type */
    bool missing;               /* nothing of that name (or it is ignored for its class) */
    int32_t rule;               /* Ingress: rule index (-1: default backend) */
    uint32_t index;             /* route / path / tls / delegation index */
    uint32_t sub;               /* service index within a route, host index within a tls */
    const char *label;          /* route match, "port N", host, "tcpproxy" (DOT) */
    const char *route;          /* the route prefix a service edge serves (DOT), or NULL */
} cx_edge;

/* ---- records ---- */

/* What one virtual host name learned about one IngressRoute it reached or judged. */
enum {
    CX_C_REACHED = 1,   /* reached through this name (valid there or not) */
    CX_C_ENTERED = 2,   /* its routes were checked (missing-delegate warnings apply) */
    CX_C_PUBLISHED = 4, /* valid here: its routes were published */
    CX_C_TCPMISS = 8,   /* reached by a tcpproxy walk whose delegate is missing */
    CX_C_RULE1 = 16,    /* a root this name rejected (rule 1): fail is the description */
};

typedef struct cx_contrib {
    const contour_object *obj;
    uint8_t flags;
    const char *fail; /* the first failure for this name, or NULL */
    cx_pos fail_pos;
} cx_contrib;

/* A route of an IngressRoute that lost a conflict on this name (spec rule 10). */
typedef struct cx_loss {
    const contour_object *obj;
    uint32_t route;
    const contour_object *winner;
    int32_t winner_rule; /* as cx_edge.rule */
    uint32_t winner_index;
} cx_loss;

typedef struct cx_unit {
    cx_shared rc;
    const char *fqdn;
    uint32_t fqdn_len;
    contour_vhost vh[2];
    bool present[2];
    bool truncated;  /* made past CONTOUR_LIMIT_ROUTES: routes counted, not kept */
    uint64_t routes; /* after conflicts, both listeners */
    const cx_contrib *contrib;
    uint32_t ncontrib;
    const cx_loss *losses;
    uint32_t nlosses;
    const contour_diagnostic **diags;
    uint32_t ndiags;
    const cx_shared **pins; /* blocks whose memory it shows */
    uint32_t npins;
    /* For a limit-routes error, should CONTOUR_LIMIT_ROUTES leave it out: where to report
     * (its root, or its first Ingress route), and for a truncated unit the objects with the
     * most routes (the others' routes are counted in limit_more). */
    const contour_object *root;
    const struct cx_rtpl *first_ingress;
    const contour_object *limit_top[3];
    uint64_t limit_top_n[3];
    uint64_t limit_more;
    uint32_t limit_more_objects;
    cx_arena arena;
} cx_unit;

struct contour_status {
    cx_shared rc;
    contour_kind kind;
    contour_state state;
    const char *ns;
    const char *name;
    const char *description;
    const char **vhosts; /* listed (sorted, unique) */
    uint32_t vhost_count;
    const char *file;
    cx_pos pos;
    const char *root_fqdn; /* spec.virtualhost.fqdn when a root, else NULL */
    const contour_object *obj;
    const struct cx_irres *res;
    /* Every name that reached or judged it, in name order (copied from the units). */
    struct cx_reach *reach;
    uint32_t nreach;
    uint32_t entered, published, tcpmiss; /* how many names set each flag */
    const contour_diagnostic **diags;     /* its diagnostics that are on (in res, or its own) */
    uint32_t ndiags;
    cx_arena arena;
};

typedef struct cx_reach {
    const char *fqdn;
    uint8_t flags;
    const char *fail;
    cx_pos fail_pos;
    /* Its lost routes on this name (a slice of the unit's, copied). */
    const cx_loss *losses;
    uint32_t nlosses;
} cx_reach;

struct contour_graph {
    atomic_uint refcount; /* the caller's, and every diff's that shows it */
    cx_alloc alloc;
    uint64_t uid;          /* the snapshot it came from */
    cx_hash_key names_key; /* the snapshot's key table's: cx_key_hash() finds refs by name */
    uint64_t version;      /* the snapshot version it shows */
    struct cx_settings *settings;
    contour_listener listeners[2]; /* by port */
    uint32_t listener_count;
    cx_ptree units;
    uint64_t cutoff;           /* units [0, cutoff) are shown: CONTOUR_LIMIT_ROUTES */
    struct cx_limitrec *limit; /* the errors about the units past it, or NULL */
    cx_ptree statuses;
    cx_ptree records;
    cx_ptree refs;
    cx_ptree diags;
};

/* Unit sums kept by the units tree. */
enum { CX_U_INSECURE = 0, CX_U_SECURE = 1, CX_U_ROUTES = 2 };

#endif
