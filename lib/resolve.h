/*
 * Resolution internals, shared by resolve.c (entry, strings, diagnostics, clusters, graph
 * assembly), resolve_tls.c, resolve_ingressroute.c and resolve_ingress.c. Semantics:
 * ../shared/spec/route-graph.md §2-§4 and docs/resolution.md.
 *
 * One resolve is one cx_rs: per-object scratch indexed by `ordinal`, a scratch arena and
 * vectors freed at the end, and the graph being built (its arena holds everything the
 * graph shows). Any allocation failure sets rs->oom; callers check it at phase
 * boundaries and contour_resolve() then frees everything and reports CONTOUR_ERR_NOMEM.
 */
#ifndef CX_RESOLVE_H
#define CX_RESOLVE_H

#include "annotations.h"
#include "config_internal.h"
#include "graph_model.h"
#include "map.h"
#include "snapshot_internal.h"
#include "strbuf.h"
#include "vec.h"

/* route_target values besides an ordinal. */
#define CX_T_NONE      UINT32_MAX       /* the route has no delegate */
#define CX_T_MISSING   (UINT32_MAX - 1) /* the delegate names no IngressRoute */
#define CX_T_IGNORED   (UINT32_MAX - 2) /* it names one ignored because of its class */
#define CX_T_IS_OBJ(t) ((t) < CX_T_IGNORED)

/* Listener slots. */
enum { CX_L_INSECURE = 0, CX_L_SECURE = 1 };

/* DFS colours (meaningful only when the object's gen equals the current vhost's). */
enum { CX_WHITE = 0, CX_GRAY = 1, CX_BLACK = 2 };

/* A vhost an object was reached through (singly linked, in vhost order). */
typedef struct cx_vnode {
    struct cx_vnode *next;
    const char *fqdn; /* graph string */
} cx_vnode;

/* A route as it will appear in the graph, built once per source route and shared by every
 * vhost and listener it is published on (only https_redirect differs, per entry). */
typedef struct cx_rtpl {
    contour_route r;           /* https_redirect false here */
    const contour_object *obj; /* the source object */
    cx_pos pos;                /* the route item (IngressRoute) or path (Ingress) */
    int32_t rule;              /* Ingress: rule index, -1 for the default backend */
    uint32_t index;            /* IngressRoute route index, or Ingress path index */
    /* Conflicts it lost, for one route-conflict warning per losing route (a route shared
     * by N virtual hosts must not make N warnings: spec rule 11). Virtual hosts are
     * settled in fqdn order, so lost_vh is the first in that order. */
    const struct cx_vbuild *lost_vh;   /* NULL: never lost */
    const struct cx_vbuild *lost_last; /* the last virtual host it lost on */
    const struct cx_rtpl *lost_to;     /* the winner on lost_vh */
    uint32_t lost_more;                /* other virtual hosts it lost on */
    bool hashed;                       /* path_hash is set */
    uint64_t path_hash;                /* of r.path, with rs->route_keys's key */
} cx_rtpl;

/* Per IngressRoute (by ordinal). */
typedef struct cx_ir_state {
    const char *ns, *name, *file; /* graph strings */
    uint32_t route_base;          /* index of its first route in rs->route_target */
    uint32_t gen;                 /* walk generation that last reached it */
    uint32_t pub_gen;             /* publication generation that last published it */
    uint8_t color;
    bool bad;         /* invalid for the current vhost */
    bool ignored;     /* class mismatch: does not exist for resolution */
    bool refs_warned; /* delegate-not-found warnings emitted */
    bool tcp_warned;  /* the same for tcpproxy.delegate */
    bool reached;     /* reached through some vhost */
    bool tpl_built;
    const char *rule1; /* rule-1 description (graph string) or NULL */
    cx_pos rule1_pos;
    const char *fail; /* first failure, by vhost order then walk order */
    cx_pos fail_pos;
    cx_vnode *vhead, *vtail;
    uint32_t vcount;
    cx_lcp lcp;     /* over the matches the prefix rule checks */
    cx_rtpl **tpl;  /* per route: its template, or NULL (no services) */
    cx_edge *edges; /* every reference, as written (for the DOT writer) */
    uint32_t edge_count;
} cx_ir_state;

/* What a cluster shows about one ServicePort. */
typedef struct cx_port_info {
    bool done;
    const char *name;  /* graph string, NULL when unnamed */
    const char *proto; /* "h2", "h2c" or NULL */
} cx_port_info;

/* Per Service (by ordinal), filled on first use. */
typedef struct cx_svc_state {
    bool done;
    const char *ns, *name; /* graph strings */
    uint32_t max_connections, max_pending_requests, max_requests, max_retries;
    struct cx_port_info *ports; /* per port, filled on first use of the port */
    uint32_t *by_number;        /* port indexes sorted by (number, index), for big Services */
    uint32_t *by_name;          /* port indexes sorted by (name, index) */
} cx_svc_state;

/* A virtual host being built (one per fqdn, both listeners). */
typedef struct cx_vbuild {
    const char *fqdn; /* graph string */
    uint64_t key;     /* cx_str_key(fqdn) */
    uint32_t rank;    /* position in fqdn order, set at assembly */
    bool secure;      /* has TLS settings: a usable secret or passthrough */
    bool passthrough;
    bool ir_tls;      /* the TLS settings come from an IngressRoute root */
    bool ingress_tls; /* some Ingress configured a usable secret for this host */
    const char *secret_ns, *secret_name, *min_version;
    const contour_object *tls_owner; /* the object whose TLS settings won */
    bool has_tcp;
    contour_cluster *tcp;
    uint32_t tcp_count;
    uint32_t route_count[2]; /* after conflict resolution */
    uint32_t root;           /* 1 + index in rs->roots of its root, 0 when it has none */
    bool cut;                /* left out of the graph by CONTOUR_LIMIT_ROUTES */
} cx_vbuild;

/* One route published on one (vhost, listener). */
typedef struct cx_rentry {
    cx_rtpl *t;
    uint64_t key; /* cx_str_key(t->r.path) */
    cx_vbuild *vh;
    uint32_t seq; /* insertion order: the first of equal keys wins */
    uint8_t listener;
    bool redirect;
} cx_rentry;

/* A root that passed rule 1. */
typedef struct cx_root {
    uint32_t ord;
    cx_vbuild *vh;
    bool enforce_tls; /* a usable secret: routes on both listeners, redirects */
    bool passthrough; /* TLS passthrough without a secret */
    bool tcp;         /* proxies TCP: its routes are ignored */
} cx_root;

typedef struct cx_rs {
    const contour_snapshot *s;
    const contour_config *cfg;
    contour_graph *g;
    cx_arena *ga;          /* the graph's arena */
    const cx_alloc *alloc; /* for scratch */
    cx_arena scratch;
    bool oom;

    cx_map strings; /* interned graph strings, by content */
    cx_map by_ptr;  /* graph copies of snapshot namespaces and source names, by pointer */
    cx_vec diags;   /* const contour_diagnostic *, records in the graph arena */
    cx_strbuf msg;  /* message scratch */
    cx_strbuf field;

    /* IngressRoutes */
    size_t nir;
    cx_ir_state *ir;
    uint32_t *route_target;         /* per route of every IngressRoute */
    const char **route_match;       /* per route: graph copy of its match ("" when absent) */
    uint32_t *route_svc;            /* per route: index of its first service in svc_obj */
    const contour_object **svc_obj; /* per route service: the Service, or NULL */
    uint32_t gen;                   /* current vhost walk generation */
    cx_vec stack;                   /* DFS frames */
    cx_vec clusters;                /* contour_cluster scratch */
#define CX_LABEL_CACHE 64
    const char *label_cache[CX_LABEL_CACHE]; /* "port N" edge labels, by port % size */
    int64_t label_port[CX_LABEL_CACHE];

    /* Ingresses: ignored flags by ordinal */
    bool *ing_ignored;

    /* Services */
    cx_svc_state *svc;

    /* TLSCertificateDelegation (secret ns, secret name, target) triples */
    cx_map delegations;

    /* valid roots, sorted by fqdn (cx_root) */
    cx_vec roots;

    /* vhosts and routes */
    cx_map vhost_by_fqdn;
    cx_vec vhosts;     /* cx_vbuild * in creation order, then in fqdn order (rank) */
    cx_vec routes;     /* cx_rentry: the kept routes of settled vhosts, then the one being built */
    uint32_t seq;      /* insertion order within the vhost being built */
    cx_vec ing_routes; /* cx_rentry: every Ingress route, by vhost rank, then as made */
    size_t *ing_start; /* per vhost rank: its first entry in ing_routes (nv + 1) */
    uint64_t route_total; /* routes kept so far, against CONTOUR_LIMIT_ROUTES */
    const cx_vbuild *cut; /* the first vhost CONTOUR_LIMIT_ROUTES left out, or NULL */
    cx_vec contributors;  /* scratch for limit-routes messages */
    cx_map route_keys;    /* the keys of the vhost being settled (emptied after each) */
    cx_vec losers;        /* cx_rtpl *: routes that lost a conflict, in the order first lost */
} cx_rs;

/* The first 8 bytes of s, big-endian, zero-padded: comparing keys orders strings as strcmp
 * does as far as the keys reach (equal keys: compare the strings). Sorting on keys avoids
 * touching the strings, which are scattered over the snapshot. */
static inline uint64_t cx_str_key(const char *s)
{
    uint64_t k = 0;
    for (int i = 0; i < 8 && s[i]; i++)
        k |= (uint64_t)(unsigned char)s[i] << (56 - 8 * i);
    return k;
}

/* ---- resolve.c: strings, diagnostics, clusters, vhosts ---- */

/* A plain graph copy of a string (not interned: for the many strings that rarely repeat,
 * such as object names and paths); NULL for NULL. Sets oom on failure. */
const char *cx_rs_copy(cx_rs *rs, const char *s);
/* The graph copy of a namespace the snapshot interned (cached by pointer). */
const char *cx_rs_ns(cx_rs *rs, const char *ns);
/* The graph copy of a string (interned by content); NULL for NULL. Sets oom on failure. */
const char *cx_rs_str(cx_rs *rs, const char *s);
const char *cx_rs_strn(cx_rs *rs, const char *s, size_t len);
/* The graph copy of rs->msg's contents (not interned). */
const char *cx_rs_msg(cx_rs *rs);

/* Starts a message in rs->msg. */
void cx_rs_msg_reset(cx_rs *rs);
/* Appends Go's %q of s (NULL = ""). */
void cx_rs_msg_quote(cx_rs *rs, const char *s);
void cx_rs_msg_quoten(cx_rs *rs, const char *s, size_t len);
/* Appends Go's %q of "ns/name". */
void cx_rs_msg_quote_ref(cx_rs *rs, const char *ns, size_t ns_len, const char *name,
                         size_t name_len);
/* Appends "ns/name". */
void cx_rs_msg_ref(cx_rs *rs, const char *ns, size_t ns_len, const char *name, size_t name_len);

/* Adds a resolution diagnostic about object o (may be NULL) at pos, with rs->msg as the
 * message and `field` (printf-style, NULL for none) as the field. */
void cx_rs_diag(cx_rs *rs, contour_severity sev, const char *code, const contour_object *o,
                cx_pos pos, const char *field_fmt, ...) __attribute__((format(printf, 6, 7)));

/* The source file name of an object, as a graph string. */
const char *cx_rs_file(cx_rs *rs, const contour_object *o);

/* One lookup of a batch: an object of `kind` by (namespace, name). */
typedef struct cx_query {
    const char *ns, *name;
    size_t ns_len, name_len;
    uint64_t hash;
    const contour_object *found; /* result */
    uint8_t kind;
} cx_query;

/* Looks up every query, the same as cx_snapshot_find() would, but several at a time: the
 * next ones' memory is requested while the current one is compared, so a batch costs
 * about one memory latency per lookup instead of three. */
void cx_rs_find_batch(cx_rs *rs, cx_query *q, size_t n);

/* A Service's state (filled on first use), or NULL when it does not exist. */
cx_svc_state *cx_rs_service(cx_rs *rs, const contour_object *svc);
/* Index of the Service port with this number (or name), or -1. */
int64_t cx_rs_port_by_number(cx_rs *rs, const contour_object *svc, int64_t number);
int64_t cx_rs_port_by_name(cx_rs *rs, const contour_object *svc, const char *name);
/* Fills a cluster for port index pi of Service svc (defaults as spec §4). */
void cx_rs_fill_cluster(cx_rs *rs, contour_cluster *c, const contour_object *svc, uint32_t pi,
                        bool with_protocol);
/* Sorts clusters and removes duplicates; returns the new count. */
uint32_t cx_rs_sort_clusters(contour_cluster *c, uint32_t n);
/* Fills the health check of a cluster from an IngressRoute service (defaults applied). */
void cx_rs_health_check(cx_rs *rs, contour_cluster *c, const contour_ingressroute_service *s);

/* The vhost builder for fqdn (created when absent); NULL on OOM. */
cx_vbuild *cx_rs_vhost(cx_rs *rs, const char *fqdn);
/* The existing vhost builder for fqdn, or NULL. */
cx_vbuild *cx_rs_vhost_find(cx_rs *rs, const char *fqdn);
/* Publishes a route on a vhost's listener. */
void cx_rs_publish(cx_rs *rs, cx_vbuild *vh, int listener, cx_rtpl *t, bool redirect);
/* Publishes the routes of every vhost, one vhost at a time in fqdn order: its root's walk
 * (cx_rs_ir_walk), then its Ingress routes; conflicts and CONTOUR_LIMIT_ROUTES are settled
 * before the next vhost, so the routes kept never exceed the limit by more than the
 * routes of one vhost. Ingress routes must have been made (cx_rs_ingress_routes). */
void cx_rs_publish_vhosts(cx_rs *rs);

/* Appends the "ignored because of its class" clause for an ignored object. */
void cx_rs_msg_class_reason(cx_rs *rs, const contour_object *o);

/* ---- resolve_tls.c ---- */

typedef enum cx_secret_rc {
    CX_SECRET_OK = 0,
    CX_SECRET_NOT_FOUND = 1,
    CX_SECRET_NOT_TLS = 2,
    CX_SECRET_NOT_DELEGATED = 3,
} cx_secret_rc;

/* A secret reference, resolved. */
typedef struct cx_secret_ref {
    const char *ns, *name; /* as split from secretName (not NUL-terminated) */
    size_t ns_len, name_len;
    bool crt_ok, key_ok; /* tls.crt / tls.key present and non-empty */
} cx_secret_ref;

bool cx_rs_tls_init(cx_rs *rs);
/* Whether the secret named `secret_name` (as written: "name" or "ns/name") may serve objects
 * in target_ns (spec §2 rule 2). */
cx_secret_rc cx_rs_secret_check(cx_rs *rs, const char *secret_name, const char *target_ns,
                                cx_secret_ref *ref);
/* The diagnostic code for a failed check. */
const char *cx_secret_code(cx_secret_rc rc);
/* Appends to rs->msg why a secret is not usable. */
void cx_rs_msg_secret_problem(cx_rs *rs, cx_secret_rc rc, const cx_secret_ref *ref,
                              const char *target_ns);
/* Applies the TLS of every Ingress (after IngressRoute roots): secure vhosts, tls-conflict. */
void cx_rs_ingress_tls(cx_rs *rs);

/* ---- resolve_ingressroute.c ---- */

bool cx_rs_ir_prepare(cx_rs *rs);
void cx_rs_ir_roots(cx_rs *rs);
/* The delegation walk of one root's vhost (rules 3-7), publishing its routes. */
void cx_rs_ir_walk(cx_rs *rs, const cx_root *root);
void cx_rs_ir_statuses(cx_rs *rs);

/* ---- resolve_ingress.c ---- */

void cx_rs_ingress_routes(cx_rs *rs);

#endif
