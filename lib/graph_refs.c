/*
 * Reverse lookups: the references objects make, from the graph's refs tree (every
 * reference, ordered by what it names) and its per-object results. A list holds the
 * graph, so what it returns stays valid after contour_graph_free().
 */
#include "graph_internal.h"
#include "resolve.h"
#include "resolve_build.h"

#include <string.h>

struct contour_reference_list {
    cx_alloc alloc;
    const contour_graph *g; /* a reference */
    const cx_edge **refs;
    size_t count;
};

size_t contour_reference_type_count(void)
{
    return 8;
}

const char *contour_reference_type_name(contour_reference_type type)
{
    static const char *const names[8] = {"delegate",   "service", "tcp-delegate", "tcp-service",
                                         "tls-secret", "backend", "ingress-tls",  "delegation"};
    return (unsigned)type < 8 ? names[type] : "";
}

/* The refs tree's order, for a name: (hash, kind, namespace, name) of the target. */
typedef struct target {
    uint64_t hash;
    contour_kind kind;
    const char *ns, *name;
    size_t ns_len, name_len;
} target;

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

static int cmp_target(const void *key, const void *elem)
{
    const target *t = key;
    const cx_edge *e = elem;
    if (t->hash != e->to_hash)
        return t->hash < e->to_hash ? -1 : 1;
    if ((int)t->kind != e->to->kind)
        return (int)t->kind < e->to->kind ? -1 : 1;
    int c = cmp_bytes(t->ns, t->ns_len, e->to->ns, e->to->ns_len);
    return c ? c : cmp_bytes(t->name, t->name_len, e->to->name, e->to->name_len);
}

static contour_result new_list(contour_reference_list **out, const contour_graph *g, size_t n)
{
    contour_reference_list *l = cx_calloc(&g->alloc, 1, sizeof *l);
    if (!l)
        return CONTOUR_ERR_NOMEM;
    l->alloc = g->alloc;
    if (n) {
        l->refs = cx_calloc(&g->alloc, n, sizeof *l->refs);
        if (!l->refs) {
            cx_free(&l->alloc, l);
            return CONTOUR_ERR_NOMEM;
        }
    }
    cx_graph_retain(g);
    l->g = g;
    *out = l;
    return CONTOUR_OK;
}

static bool valid_name(contour_kind kind, const char *ns, size_t ns_len, const char *name,
                       size_t name_len)
{
    return kind >= 1 && (unsigned)kind <= contour_kind_count() && (ns || !ns_len) &&
           (name || !name_len);
}

contour_result contour_graph_references_to(contour_reference_list **out, const contour_graph *g,
                                           contour_kind kind, const char *ns, size_t ns_len,
                                           const char *name, size_t name_len)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!g || !valid_name(kind, ns, ns_len, name, name_len))
        return CONTOUR_ERR_INVALID;
    target t = {cx_key_hash(g->names_key, kind, ns ? ns : "", ns_len, name ? name : "", name_len),
                kind,
                ns ? ns : "",
                name ? name : "",
                ns_len,
                name_len};
    size_t first = cx_pt_lower_bound(&g->refs, &t, cmp_target), n = 0;
    cx_pt_iter it;
    cx_pt_iter_init(&it, &g->refs, first);
    for (const cx_edge *e; (e = cx_pt_iter_next(&it)) && cmp_target(&t, e) == 0;)
        n++;
    contour_result rc = new_list(out, g, n);
    if (rc != CONTOUR_OK)
        return rc;
    cx_pt_iter_init(&it, &g->refs, first);
    for (size_t i = 0; i < n; i++)
        (*out)->refs[i] = cx_pt_iter_next(&it);
    (*out)->count = n;
    return CONTOUR_OK;
}

/* The edges of the result the graph made of an object, or none. */
static const cx_edge *edges_of(const contour_graph *g, const contour_object *key, uint32_t *n)
{
    *n = 0;
    if (key->kind == CONTOUR_KIND_INGRESSROUTE) {
        const contour_status *st = cx_graph_status_of(g, key);
        if (st && st->res) {
            *n = st->res->edge_count;
            return st->res->edges;
        }
    }
    const cx_objrec *r = cx_graph_record_of(g, key);
    if (r) {
        *n = r->edge_count;
        return r->edges;
    }
    return NULL;
}

contour_result contour_graph_references_from(contour_reference_list **out, const contour_graph *g,
                                             contour_kind kind, const char *ns, size_t ns_len,
                                             const char *name, size_t name_len)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!g || !valid_name(kind, ns, ns_len, name, name_len) || ns_len > UINT32_MAX ||
        name_len > UINT32_MAX || (ns_len && memchr(ns, 0, ns_len)) ||
        (name_len && memchr(name, 0, name_len)))
        return CONTOUR_ERR_INVALID;
    /* The lookups compare (kind, namespace, name) of an object: a stand-in is enough,
     * with NUL-terminated copies of the names. */
    char *buf = cx_malloc(&g->alloc, ns_len + name_len + 2);
    if (!buf)
        return CONTOUR_ERR_NOMEM;
    memcpy(buf, ns ? ns : "", ns_len);
    buf[ns_len] = '\0';
    memcpy(buf + ns_len + 1, name ? name : "", name_len);
    buf[ns_len + 1 + name_len] = '\0';
    contour_object probe;
    memset(&probe, 0, sizeof probe);
    probe.kind = kind;
    probe.ns = buf;
    probe.name = buf + ns_len + 1;
    probe.ns_len = (uint32_t)ns_len;
    probe.name_len = (uint32_t)name_len;
    uint32_t n;
    const cx_edge *e = edges_of(g, &probe, &n);
    cx_free(&g->alloc, buf);
    contour_result rc = new_list(out, g, n);
    if (rc != CONTOUR_OK)
        return rc;
    for (uint32_t i = 0; i < n; i++)
        (*out)->refs[i] = &e[i];
    (*out)->count = n;
    return CONTOUR_OK;
}

size_t contour_reference_list_count(const contour_reference_list *l)
{
    return l ? l->count : 0;
}

const contour_reference *contour_reference_list_at(const contour_reference_list *l, size_t i)
{
    return l && i < l->count ? (const contour_reference *)l->refs[i] : NULL;
}

void contour_reference_list_free(contour_reference_list *l)
{
    if (!l)
        return;
    contour_graph_free((contour_graph *)l->g);
    cx_alloc a = l->alloc;
    cx_free(&a, l->refs);
    cx_free(&a, l);
}

static const cx_edge *edge(const contour_reference *r)
{
    return (const cx_edge *)r;
}

contour_reference_type contour_reference_type_of(const contour_reference *r)
{
    return r ? (contour_reference_type)edge(r)->type : CONTOUR_REFERENCE_DELEGATE;
}

contour_kind contour_reference_from_kind(const contour_reference *r)
{
    return r ? edge(r)->from->kind : CONTOUR_KIND_NONE;
}

const char *contour_reference_from_namespace(const contour_reference *r)
{
    return r ? edge(r)->from->ns : NULL;
}

const char *contour_reference_from_name(const contour_reference *r)
{
    return r ? edge(r)->from->name : NULL;
}

contour_kind contour_reference_to_kind(const contour_reference *r)
{
    return r ? (contour_kind)edge(r)->to->kind : CONTOUR_KIND_NONE;
}

const char *contour_reference_to_namespace(const contour_reference *r)
{
    return r ? edge(r)->to->ns : NULL;
}

const char *contour_reference_to_name(const contour_reference *r)
{
    return r ? edge(r)->to->name : NULL;
}

bool contour_reference_target_missing(const contour_reference *r)
{
    return r ? edge(r)->missing : false;
}

uint32_t contour_reference_index(const contour_reference *r)
{
    return r ? edge(r)->index : 0;
}

uint32_t contour_reference_service_index(const contour_reference *r)
{
    return r && (edge(r)->type == CX_EDGE_SERVICE || edge(r)->type == CX_EDGE_TCP_SERVICE)
               ? edge(r)->sub
               : 0;
}

int32_t contour_reference_rule(const contour_reference *r)
{
    return r && edge(r)->type == CX_EDGE_BACKEND ? edge(r)->rule : -1;
}

const char *contour_reference_path(const contour_reference *r)
{
    if (!r)
        return NULL;
    switch (edge(r)->type) {
    case CX_EDGE_DELEGATE:
        return edge(r)->label;
    case CX_EDGE_SERVICE:
    case CX_EDGE_BACKEND:
        return edge(r)->route;
    default:
        return NULL;
    }
}
