/*
 * Resolution internals (spec §2-§4; docs/resolution.md says what, this says how).
 *
 * A graph is made of records that each depend on a known, small part of the snapshot, so
 * that a change re-makes only the records it can affect (incremental resolution, what-if)
 * and every record can be made on its own (both cores):
 *
 *   object results (resolve_objects.c)  one per object: an IngressRoute's route templates,
 *       its tcpproxy clusters, the warnings about its references, its edges; an Ingress's
 *       route templates, TLS checks and warnings; a TLSCertificateDelegation's edges; a
 *       Service's annotation warnings. They depend on the object and on the objects it
 *       names (found through its keys).
 *   units (resolve_unit.c)              one per virtual host name: rule 1 for the roots of
 *       that fqdn, TLS, the delegation walk, the Ingress routes of the host, conflicts;
 *       the vhost each listener shows, and what the name learned about each IngressRoute
 *       it reached (contributions). They depend on the objects that name the fqdn, the
 *       objects their walk reaches and the object results of those.
 *   statuses (resolve_status.c)         one per IngressRoute: rule 9 over the
 *       contributions of every unit, and the conditional warnings of its object result.
 *
 * resolve.c makes all of them (a full resolve), or re-makes those a change reaches from a
 * previous graph (resolve_update.c), and assembles the trees of graph_model.h. The result
 * is the same bytes either way: a record is a function of what it depends on only.
 */
#ifndef CX_RESOLVE_H
#define CX_RESOLVE_H

#include "annotations.h"
#include "config_internal.h"
#include "graph_model.h"
#include "graph_settings.h"
#include "map.h"
#include "snapshot_internal.h"
#include "strbuf.h"
#include "vec.h"

/* ---- route templates ---- */

/* A route as a graph shows it (https_redirect false: each publication says), made once
 * per source route and shared by every vhost and listener that publishes it. */
typedef struct cx_rtpl {
    contour_route r;
    const contour_object *obj; /* the source */
    cx_pos pos;                /* the route item (IngressRoute) or path (Ingress) */
    int32_t rule;              /* Ingress: rule index, -1 for the default backend */
    uint32_t index;            /* IngressRoute route index, or Ingress path index */
} cx_rtpl;

/* The field a template comes from ("spec.routes[2]", "spec.rules[0].http.paths[1]"). */
void cx_rtpl_field(const cx_rtpl *t, char *buf, size_t size);

/* ---- object results ---- */

/* What an IngressRoute gives every vhost that reaches it. */
typedef struct cx_irres {
    cx_shared rc;
    const contour_object *obj; /* held */
    cx_lcp lcp;                /* over the matches the prefix rule checks */
    const cx_rtpl **tpl;       /* per route: its template, or NULL (not a service route) */
    uint32_t route_count;
    /* tcpproxy: its services' clusters (sorted), or the failure a walk reaching it records */
    bool tcp_services_ok;
    const contour_cluster *tcp;
    uint32_t tcp_count;
    const char *tcp_fail;
    cx_pos tcp_fail_pos;
    /* Warnings that apply only if some vhost publishes the object (template warnings),
     * enters it (missing delegates), or walks its tcpproxy delegate (missing). */
    const contour_diagnostic **published_diags;
    uint32_t npublished;
    const contour_diagnostic **entered_diags;
    uint32_t nentered;
    const contour_diagnostic *tcp_diag;
    cx_edge *edges;
    uint32_t edge_count;
    const cx_shared **pins; /* the Services whose strings its clusters show */
    uint32_t npins;
    cx_arena arena;
} cx_irres;

/* What resolution makes of any other object: an Ingress (or an ignored IngressRoute), a
 * TLSCertificateDelegation, a Service with warnings. Its diagnostics always apply. */
typedef struct cx_ingtls {
    bool ok; /* a usable secret */
    const char *secret_ns, *secret_name;
} cx_ingtls;

typedef struct cx_objrec {
    cx_shared rc;
    const contour_object *obj; /* held */
    bool ignored;              /* class: it does not exist for resolution */
    /* Ingress */
    bool http_allowed, force_ssl;
    const char *min_version;
    const cx_rtpl **paths;  /* its routes: rules' paths in order, then the default backend */
    const char **path_host; /* per route: the vhost it goes on ("*" without a host) */
    uint32_t path_count;
    const cx_ingtls *tls; /* per spec.tls entry */
    uint32_t tls_count;
    const contour_diagnostic **diags;
    uint32_t ndiags;
    cx_edge *edges;
    uint32_t edge_count;
    const cx_shared **pins;
    uint32_t npins;
    cx_arena arena;
} cx_objrec;

/* ---- a resolution in progress ---- */

/* A proposed change that is not in the snapshot (what-if): `obj` replaces, or (NULL)
 * removes, whatever `key` holds. */
typedef struct cx_overlay {
    const cx_key *key;
    const contour_object *obj;
    const contour_object *old; /* what the snapshot holds for the key, or NULL */
} cx_overlay;

/* Scratch lists that making one object's result fills and empties: kept by the
 * resolution (one per thread) so that a result costs no allocation but its own arena. */
typedef struct cx_objws {
    cx_vec diags[2]; /* const contour_diagnostic * */
    cx_vec edges;    /* cx_edge */
    cx_vec pins;     /* const cx_shared * */
    cx_vec clusters; /* contour_cluster */
    cx_strbuf msg;
    cx_slabs slabs; /* where the records this thread makes take their memory */
    /* Records get chunks of their own instead of slab space. An incremental update makes
     * few records, which live as long as what they describe: in a shared slab, one
     * long-lived record would keep the whole slab (and its dead neighbours' space) alive,
     * and a long-running controller's graph would grow with the number of updates. */
    bool own_chunks;
} cx_objws;

void cx_objws_init(cx_objws *w, const cx_alloc *alloc);
/* Prepares the arena of one record made with w: from w's slabs, or (own_chunks) a chunk of
 * its own, first sized `hint`. */
void cx_record_arena(cx_objws *w, cx_arena *arena, const cx_alloc *alloc, size_t hint);
void cx_objws_release(cx_objws *w);

typedef struct cx_rx {
    const contour_snapshot *s;
    const cx_settings *set;
    const cx_alloc *alloc;
    const cx_overlay *ov;
    /* Object results made or reused by this resolution (a reference each): by key id in a
     * full resolution (cx_rx_dense), else in maps by object address. */
    const cx_shared **dense[2]; /* [0] cx_irres *, [1] cx_objrec * */
    uint32_t dense_n;
    cx_map irres;              /* object -> cx_irres * */
    cx_map objrecs;            /* object -> cx_objrec * */
    const contour_graph *prev; /* reuse results of unchanged objects from here, or NULL */
    const cx_map *changed;     /* keys whose object results must be made again */
    cx_objws ows;
    bool oom;
} cx_rx;

/* The object a key names, as this resolution sees it (the overlay's, or the snapshot's). */
static inline const contour_object *cx_rx_obj(const cx_rx *rx, const cx_key *k)
{
    if (!k)
        return NULL;
    if (rx->ov && rx->ov->key == k)
        return rx->ov->obj;
    return k->obj;
}

/* Whether an object is ignored for its ingress class. */
bool cx_rx_ignored(const cx_rx *rx, const contour_object *o);

/* The object result of an IngressRoute (made on first use, or reused from rx->prev); NULL
 * on OOM (rx->oom set). Borrowed from the resolution. */
const cx_irres *cx_rx_irres(cx_rx *rx, const contour_object *o);
/* The same for other objects; NULL also (rx->oom not set) for an object that needs none:
 * a Secret, a Service without a bad annotation. */
const cx_objrec *cx_rx_objrec(cx_rx *rx, const contour_object *o);

/* Make results (resolve_objects.c). NULL on OOM. */
cx_irres *cx_irres_make(cx_rx *rx, const contour_object *o);
cx_objrec *cx_objrec_make(cx_rx *rx, const contour_object *o);
/* Whether an object other than a resolved IngressRoute has anything to record. */
bool cx_objrec_needed(const contour_object *o);

/* Whether secret `key` (NULL: the reference names none) may serve namespace `ns`. */
typedef enum cx_secret_rc {
    CX_SECRET_OK = 0,
    CX_SECRET_NOT_FOUND = 1,
    CX_SECRET_NOT_TLS = 2,
    CX_SECRET_NOT_DELEGATED = 3,
} cx_secret_rc;

typedef struct cx_secret_check {
    cx_secret_rc rc;
    const char *ns, *name; /* the secret's (the key's strings) */
    bool crt_ok, key_ok;
} cx_secret_check;

void cx_rx_secret(const cx_rx *rx, const cx_key *key, const char *target_ns, cx_secret_check *out);
const char *cx_secret_code(cx_secret_rc rc);
void cx_msg_secret_problem(cx_strbuf *m, const cx_secret_check *c, const char *target_ns);

/* ---- units (resolve_unit.c) ---- */

typedef struct cx_unit_ws cx_unit_ws; /* per thread scratch */

cx_unit_ws *cx_unit_ws_new(const cx_alloc *a);
void cx_unit_ws_free(cx_unit_ws *ws);

/* The vhost index entry's lists as this resolution sees them (overlay applied). */
typedef struct cx_unit_input {
    const char *name;
    size_t len;
    const cx_vh_entry *entry; /* NULL when only the overlay names it */
} cx_unit_input;

/* Makes the unit of one name; *out NULL when nothing names it any more. keep_routes false:
 * count the routes but keep none (past CONTOUR_LIMIT_ROUTES). False on OOM. */
bool cx_unit_make(cx_rx *rx, cx_unit_ws *ws, const cx_unit_input *in, bool keep_routes,
                  cx_unit **out);
void cx_unit_release(const cx_unit *u, const cx_alloc *a);

/* ---- statuses (resolve_status.c) ---- */

/* The status of IngressRoute o from its object result and the contributions of every unit
 * that reached or judged it (in fqdn order). NULL on OOM. */
typedef struct cx_reach_in {
    const cx_unit *unit;
    const cx_contrib *c;
} cx_reach_in;

contour_status *cx_status_make(cx_rx *rx, const contour_object *o, const cx_irres *res,
                               const cx_reach *reach, uint32_t nreach);

/* ---- messages ---- */

/* Appends Go's %q of s (NULL: ""). */
void cx_msg_quote(cx_strbuf *m, const char *s);
void cx_msg_quoten(cx_strbuf *m, const char *s, size_t len);
/* Appends the "ignored because of its class" reason for o. */
void cx_msg_class_reason(cx_strbuf *m, const cx_settings *set, const contour_object *o);

/* Diagnostics made by resolution live in a record's arena and belong to that record. */
typedef struct cx_dsink {
    cx_arena *arena;
    cx_vec *list; /* const contour_diagnostic * */
    const cx_shared *owner;
} cx_dsink;

/* Adds a diagnostic about o at pos with message m and field (printf-style, NULL: none).
 * Returns it, or NULL on OOM. */
contour_diagnostic *cx_rdiag(cx_dsink sink, contour_severity sev, const char *code,
                             const contour_object *o, cx_pos pos, const cx_strbuf *m,
                             const char *field_fmt, ...) __attribute__((format(printf, 7, 8)));

/* Fills a cluster for port index pi of Service svc (defaults as spec §4). */
void cx_fill_cluster(contour_cluster *c, const contour_object *svc, uint32_t pi,
                     bool with_protocol);
/* Sorts clusters and removes duplicates; returns the new count. */
uint32_t cx_sort_clusters(contour_cluster *c, uint32_t n);
/* Index of the Service port with this number (or name), or -1. */
int64_t cx_port_by_number(const contour_object *svc, int64_t number);
int64_t cx_port_by_name(const contour_object *svc, const char *name);
/* Fills the health check of a cluster from an IngressRoute service (defaults applied). */
void cx_cluster_health_check(contour_cluster *c, const contour_ingressroute_service *s);

/* The first 8 bytes of s, big-endian, zero-padded: comparing keys orders strings as strcmp
 * does as far as the keys reach (equal keys: compare the strings). */
static inline uint64_t cx_str_key(const char *s)
{
    uint64_t k = 0;
    for (int i = 0; i < 8 && s[i]; i++)
        k |= (uint64_t)(unsigned char)s[i] << (56 - 8 * i);
    return k;
}

#endif
