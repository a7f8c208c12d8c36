/* Graph filters (graph.h) and the views the writers render through (filter.h).
 *
 * A filter keeps what concerns some virtual hosts and/or namespaces (docs/cli.md, "graph
 * filters"): routes of the listed vhosts whose source object is in a listed namespace,
 * the vhosts and listeners left with something to show, the statuses of IngressRoutes in
 * a listed namespace reached through (or rooted at) a listed vhost, and the diagnostics
 * about objects shown. With both lists, both must hold. */
#include "filter.h"
#include "compare.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* ---- the public handle: plain lists on the C library heap ---- */

contour_result contour_graph_filter_new(contour_graph_filter **out)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = cx_calloc(&cx_default_alloc, 1, sizeof **out);
    return *out ? CONTOUR_OK : CONTOUR_ERR_NOMEM;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cx_free(&cx_default_alloc, list[i]);
    cx_free(&cx_default_alloc, list);
}

void contour_graph_filter_free(contour_graph_filter *f)
{
    if (!f)
        return;
    free_list(f->vhosts, f->vhost_count);
    free_list(f->namespaces, f->namespace_count);
    cx_free(&cx_default_alloc, f);
}

/* Appends a copy of s; the list is unchanged on failure. */
static contour_result list_add(char ***list, size_t *n, const char *s, size_t len)
{
    if (!s || len == 0 || memchr(s, 0, len) || !cx_utf8_valid(s, len))
        return CONTOUR_ERR_INVALID;
    size_t bytes;
    if (!cx_size_mul(*n + 1, sizeof(char *), &bytes) || len == SIZE_MAX)
        return CONTOUR_ERR_NOMEM;
    char *copy = cx_malloc(&cx_default_alloc, len + 1);
    if (!copy)
        return CONTOUR_ERR_NOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    char **grown = cx_realloc(&cx_default_alloc, *list, bytes);
    if (!grown) {
        cx_free(&cx_default_alloc, copy);
        return CONTOUR_ERR_NOMEM;
    }
    grown[(*n)++] = copy;
    *list = grown;
    return CONTOUR_OK;
}

contour_result contour_graph_filter_add_vhost(contour_graph_filter *f, const char *fqdn, size_t len)
{
    return f ? list_add(&f->vhosts, &f->vhost_count, fqdn, len) : CONTOUR_ERR_INVALID;
}

contour_result contour_graph_filter_add_namespace(contour_graph_filter *f, const char *ns,
                                                  size_t len)
{
    return f ? list_add(&f->namespaces, &f->namespace_count, ns, len) : CONTOUR_ERR_INVALID;
}

/* ---- the tests the writers ask ---- */

static bool listed(char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s ? s : "") == 0)
            return true;
    return false;
}

static bool ns_passes(const cx_view *v, const char *ns)
{
    return !v->f || !v->f->namespace_count || listed(v->f->namespaces, v->f->namespace_count, ns);
}

bool cx_view_fqdn(const cx_view *v, const char *fqdn)
{
    return !v->f || !v->f->vhost_count || listed(v->f->vhosts, v->f->vhost_count, fqdn);
}

bool cx_view_route(const cx_view *v, const contour_vhost *vh, const contour_route *r)
{
    return cx_view_fqdn(v, vh->fqdn) && ns_passes(v, r->source_ns);
}

bool cx_view_tcpproxy(const cx_view *v, const contour_vhost *vh)
{
    if (!vh->has_tcpproxy || !cx_view_fqdn(v, vh->fqdn))
        return false;
    if (!v->f || !v->f->namespace_count)
        return true;
    /* The clusters are in the namespace of the object that names them. */
    for (uint32_t i = 0; i < vh->tcp_cluster_count; i++)
        if (ns_passes(v, vh->tcp_clusters[i].ns))
            return true;
    return false;
}

bool cx_view_vhost(const cx_view *v, const contour_vhost *vh)
{
    if (!v->f)
        return true;
    if (!cx_view_fqdn(v, vh->fqdn))
        return false;
    if (cx_view_tcpproxy(v, vh))
        return true;
    for (uint32_t i = 0; i < vh->route_count; i++)
        if (cx_view_route(v, vh, &vh->routes[i]))
            return true;
    return false;
}

bool cx_view_listener(const cx_view *v, const contour_listener *li)
{
    if (!v->f)
        return true;
    for (uint32_t i = 0; i < li->vhost_count; i++)
        if (cx_view_vhost(v, contour_listener_vhost_at(li, i)))
            return true;
    return false;
}

bool cx_view_status(const cx_view *v, const contour_status *s)
{
    if (!v->f)
        return true;
    if (!ns_passes(v, s->ns))
        return false;
    if (!v->f->vhost_count)
        return true;
    if (s->root_fqdn && cx_view_fqdn(v, s->root_fqdn))
        return true;
    for (uint32_t i = 0; i < s->vhost_count; i++)
        if (cx_view_fqdn(v, s->vhosts[i]))
            return true;
    return false;
}

static int cmp_obj(const void *pa, const void *pb)
{
    const cx_view_obj *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c = cx_cmp_nullable_str(a->ns, b->ns);
    return c ? c : cx_cmp_nullable_str(a->name, b->name);
}

bool cx_view_diag(const cx_view *v, const contour_diagnostic *d)
{
    if (!v->f)
        return true;
    if (!d->obj_name || !ns_passes(v, d->obj_ns))
        return false;
    if (!v->f->vhost_count)
        return true;
    cx_view_obj key = {(contour_kind)d->obj_kind, d->obj_ns, d->obj_name};
    return v->obj_count && bsearch(&key, v->objs, v->obj_count, sizeof key, cmp_obj) != NULL;
}

/* ---- the objects a vhost filter shows ---- */

/* One walk that counts the objects shown, and stores them when `out` is given. */
static size_t walk_objs(const cx_view *v, cx_view_obj *out)
{
    size_t n = 0;
#define ADD(k, a, b)                                                                               \
    do {                                                                                           \
        if (out)                                                                                   \
            out[n] = (cx_view_obj){(k), (a), (b)};                                                 \
        n++;                                                                                       \
    } while (0)
    for (uint32_t i = 0; i < cx_pt_count(&v->g->statuses); i++) {
        const contour_status *s = cx_pt_at(&v->g->statuses, i);
        if (cx_view_status(v, s))
            ADD(s->kind, s->ns, s->name);
    }
    for (uint32_t l = 0; l < v->g->listener_count; l++) {
        const contour_listener *li = &v->g->listeners[l];
        for (uint32_t h = 0; h < li->vhost_count; h++) {
            const contour_vhost *vh = contour_listener_vhost_at(li, h);
            if (!cx_view_vhost(v, vh))
                continue;
            if (vh->secret_name)
                ADD(CONTOUR_KIND_SECRET, vh->secret_ns, vh->secret_name);
            for (uint32_t r = 0; r < vh->route_count; r++) {
                const contour_route *rt = &vh->routes[r];
                if (!cx_view_route(v, vh, rt))
                    continue;
                ADD(rt->source_kind, rt->source_ns, rt->source_name);
                for (uint32_t c = 0; c < rt->cluster_count; c++)
                    ADD(CONTOUR_KIND_SERVICE, rt->clusters[c].ns, rt->clusters[c].service);
            }
            if (cx_view_tcpproxy(v, vh))
                for (uint32_t c = 0; c < vh->tcp_cluster_count; c++)
                    ADD(CONTOUR_KIND_SERVICE, vh->tcp_clusters[c].ns, vh->tcp_clusters[c].service);
        }
    }
#undef ADD
    return n;
}

bool cx_view_init(cx_view *v, const contour_graph *g, const contour_graph_filter *f,
                  const cx_alloc *alloc)
{
    memset(v, 0, sizeof *v);
    v->g = g;
    v->alloc = alloc;
    if (f && (f->vhost_count || f->namespace_count))
        v->f = f;
    if (!v->f || !f->vhost_count)
        return true;
    size_t n = walk_objs(v, NULL);
    if (!n)
        return true;
    v->objs = cx_calloc(alloc, n, sizeof *v->objs);
    if (!v->objs)
        return false;
    walk_objs(v, v->objs);
    qsort(v->objs, n, sizeof *v->objs, cmp_obj);
    v->obj_count = n;
    return true;
}

void cx_view_release(cx_view *v)
{
    cx_free(v->alloc, v->objs);
    v->objs = NULL;
    v->obj_count = 0;
}
