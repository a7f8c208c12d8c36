/*
 * The object model: Kubernetes objects as loaded, typed, with the source position of
 * every field that a later diagnostic may point at. Strings are NUL-terminated, valid
 * UTF-8, and NULL when the field was absent or null. Integers are as written (0 when
 * absent); defaults are applied by resolution, not here.
 *
 * Each object owns one arena holding itself and everything it points to (except its
 * namespace, interned by the snapshot, its source and its keys), so removing or replacing
 * one object frees exactly its memory. Objects are reference counted (rc.h): the snapshot
 * holds one reference while the object is in it, and graphs hold theirs, so a graph can
 * keep showing an object's strings after the snapshot let it go.
 *
 * References to other objects (a delegate, a service, a secret) are resolved to keys
 * (keys.h) when the object is committed to a snapshot: `key` fields are NULL before that.
 */
#ifndef CX_MODEL_H
#define CX_MODEL_H

#include "arena.h"
#include "diag.h"
#include "keys.h"
#include "shared.h"
#include "vec.h"
#include "contour/common.h"
#include "contour/object.h"

/* Number of modelled kinds: valid kinds are 1 ..= CX_KIND_COUNT (contour_kind_count()). */
#define CX_KIND_COUNT 5

/* A loaded input, shared (rc.h) by the objects and diagnostics that name it. The snapshot
 * lists a source while it has objects in the snapshot or source-level diagnostics (about
 * documents that were not loaded). */
typedef struct cx_source {
    cx_shared rc;
    struct cx_source *prev, *next; /* snapshot side: the list of live sources */
    struct cx_source *same_name;   /* snapshot side: the next listed source of this name */
    const char *name;
    size_t name_len;
    cx_vec objects;     /* snapshot side: its objects now in the snapshot */
    bool listed;        /* snapshot side: in the list */
    bool kept;          /* set by contour_snapshot_set_source(): listed even when empty,
                         * so that contour_snapshot_remove_source() finds it */
    cx_diag_list diags; /* source-level diagnostics, in the arena */
    cx_arena arena;     /* owns this struct, the name and the diagnostics */
} cx_source;

/* A new source named name[0..len), with one reference for the caller. NULL on OOM. */
cx_source *cx_source_new(const cx_alloc *alloc, const char *name, size_t len);

struct contour_annotation {
    const char *key;
    const char *value;
    cx_pos pos; /* of the value */
};
typedef struct contour_annotation cx_annotation;

/* ---- IngressRoute ---- */

struct contour_health_check {
    const char *path;
    const char *host;
    int64_t interval_s;
    int64_t timeout_s;
    int64_t unhealthy_threshold;
    int64_t healthy_threshold;
};
typedef struct contour_health_check cx_health_check;

struct contour_ingressroute_service {
    const char *name;
    int64_t port;
    int64_t weight;
    const char *strategy;
    bool has_health_check;
    const cx_health_check *health_check; /* out of line: most services have none */
    cx_pos pos;                          /* the list item */
    cx_pos port_pos;                     /* the port value (the item when absent) */
    cx_pos weight_pos;                   /* the weight value (the item when absent) */
    cx_key *key;                         /* the Service (in the object's namespace) */
};

typedef struct cx_delegate {
    const char *name;
    const char *ns; /* NULL: the object's own namespace */
    cx_pos pos;     /* the delegate map */
    cx_key *key;    /* the IngressRoute it names */
} cx_delegate;

struct contour_ingressroute_route {
    const char *match;
    contour_ingressroute_service *services;
    uint32_t service_count;
    bool has_delegate;
    bool enable_websockets;
    bool permit_insecure;
    bool has_timeout_policy;
    bool has_retry_policy;
    cx_delegate delegate;
    const char *prefix_rewrite;
    const char *timeout_request;
    int64_t retry_count;
    const char *retry_per_try_timeout;
    cx_pos pos;         /* the list item */
    cx_pos match_pos;   /* the match value (the item when absent) */
    cx_pos timeout_pos; /* timeoutPolicy.request value */
    cx_pos per_try_pos; /* retryPolicy.perTryTimeout value */
};

typedef struct cx_ingressroute {
    bool has_virtualhost;
    bool has_tls;
    bool tls_passthrough;
    bool has_tcpproxy;
    bool tcp_has_delegate;
    const char *fqdn;
    const char *tls_secret_name;
    cx_key *tls_key; /* the Secret tls.secretName names, when it names one */
    const char *tls_min_version;
    contour_ingressroute_route *routes;
    uint32_t route_count;
    contour_ingressroute_service *tcp_services;
    uint32_t tcp_service_count;
    cx_delegate tcp_delegate;
    cx_pos vhost_pos;  /* spec.virtualhost */
    cx_pos fqdn_pos;   /* spec.virtualhost.fqdn value (vhost_pos when absent) */
    cx_pos secret_pos; /* spec.virtualhost.tls.secretName value */
    cx_pos tcp_pos;    /* spec.tcpproxy */
} cx_ingressroute;

/* ---- TLSCertificateDelegation ---- */

struct contour_tlscertificatedelegation_delegation {
    const char *secret_name;
    const char **targets;
    uint32_t target_count;
    cx_pos pos;
    cx_key *key; /* the Secret (in the delegation's namespace) */
};
typedef struct contour_tlscertificatedelegation_delegation cx_cert_delegation;

typedef struct cx_tlscertdelegation {
    cx_cert_delegation *delegations;
    uint32_t delegation_count;
} cx_tlscertdelegation;

/* ---- Ingress ---- */

typedef enum cx_ingress_api {
    CX_INGRESS_EXTENSIONS_V1BETA1 = 0,
    CX_INGRESS_NETWORKING_V1BETA1 = 1,
    CX_INGRESS_NETWORKING_V1 = 2,
} cx_ingress_api;

struct contour_ingress_backend {
    const char *service; /* NULL for a resource backend */
    const char *port_name;
    int64_t port_number;
    bool port_is_name;
    bool is_resource;
    cx_pos pos;
    cx_key *key; /* the Service, when the backend names one */
};

struct contour_ingress_path {
    const char *path;
    const char *path_type;
    bool has_backend;
    contour_ingress_backend backend;
    cx_pos pos;
};

struct contour_ingress_rule {
    const char *host;
    bool has_http;
    contour_ingress_path *paths;
    uint32_t path_count;
    cx_pos pos;
};

struct contour_ingress_tls {
    const char **hosts;
    uint32_t host_count;
    const char *secret_name;
    cx_pos pos;
    cx_pos secret_pos;
    cx_key *key; /* the Secret secretName names, when it names one */
};
typedef struct contour_ingress_tls cx_ingress_tls;

typedef struct cx_ingress {
    cx_ingress_api api;
    bool has_default_backend;
    contour_ingress_backend default_backend;
    const char *class_name;
    contour_ingress_rule *rules;
    uint32_t rule_count;
    cx_ingress_tls *tls;
    uint32_t tls_count;
} cx_ingress;

/* ---- Service ---- */

struct contour_service_port {
    const char *name;
    int64_t port;
    cx_pos pos;
};
typedef struct contour_service_port cx_service_port;

typedef struct cx_service {
    cx_service_port *ports;
    uint32_t port_count;
    /* Services with many ports: port indexes sorted by (number, index) and (name, index),
     * so a lookup never scans them all (NULL for CX_PORT_SCAN_MAX ports or fewer). */
    uint32_t *by_number;
    uint32_t *by_name;
} cx_service;

#define CX_PORT_SCAN_MAX 16

/* ---- Secret: key names only, never values ---- */

struct contour_secret_key {
    const char *key;
    bool nonempty;
};
typedef struct contour_secret_key cx_secret_key;

typedef struct cx_secret {
    const char *type;
    cx_secret_key *keys; /* sorted by key, unique */
    uint32_t key_count;
} cx_secret;

/* ---- any object ---- */

struct contour_object {
    cx_shared rc;
    contour_kind kind;
    uint32_t key_id; /* key->id, beside kind: the resolver's dense lookups need no key load */
    cx_key *key;     /* its own (kind, namespace, name), once committed */
    const char *api_version;
    const char *ns; /* interned by the snapshot */
    const char *name;
    cx_source *source;    /* holds a reference */
    uint32_t source_slot; /* snapshot side: its index in source->objects */
    cx_pos pos;           /* the document or List item */
    cx_annotation *annotations;
    uint32_t annotation_count;
    uint32_t ns_len;   /* strlen(ns): lookups compare lengths first */
    uint32_t name_len; /* strlen(name) */
    /* The ingress class annotation, found once when the object is stored (every
     * resolution asks): 0 not looked up yet, 1 none, k + 2 annotations[k]. */
    uint32_t class_slot;
    cx_diag_list diags; /* load diagnostics about this object (warnings), in the arena */
    const contour_diagnostic **sorted_diags; /* diags in position order (arena) */
    cx_arena arena; /* owns this struct and all it points to (but ns and source) */
    union {
        cx_ingressroute ir;
        cx_tlscertdelegation td;
        cx_ingress ing;
        cx_service svc;
        cx_secret sec;
    } u;
};

/* Bytes an object of this kind occupies: the header and its own member of the union.
 * Stored objects are allocated this size, so code must touch only o->u.<its kind> and
 * never copy a whole contour_object. */
size_t cx_object_size(contour_kind kind);

/* Copies an object into one exactly sized arena chunk (model_copy.c); the source is
 * untouched. NULL on OOM. */
contour_object *cx_object_compact(const cx_alloc *alloc, const contour_object *src);

/* Calls fn for every reference o makes, with the slot its key goes in and what it names.
 * Used to resolve them when the object is committed and to release them with it. */
typedef void (*cx_ref_fn)(void *ctx, cx_key **slot, contour_kind kind, const char *ns,
                          size_t ns_len, const char *name, size_t name_len);
void cx_object_refs(contour_object *o, cx_ref_fn fn, void *ctx);

static inline void cx_object_retain(const contour_object *o)
{
    cx_shared_retain(&o->rc);
}

static inline void cx_object_release(const contour_object *o, const cx_alloc *alloc)
{
    cx_shared_release(o ? &o->rc : NULL, alloc);
}

/* The value of an annotation, or NULL. */
const char *cx_object_annotation(const contour_object *o, const char *key);

/* A TLS secret reference as written: splits "name" or "namespace/name" at the first '/'; an absent
 * or empty namespace part becomes default_ns. Results point into the inputs (not NUL-terminated). s
 * may be NULL. */
void cx_split_secret(const char *s, const char *default_ns, const char **ns, size_t *ns_len,
                     const char **name, size_t *name_len);

#endif
