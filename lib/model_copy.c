/*
 * Compaction: an object converted into a loosely sized arena is copied into one block of
 * exactly the size it needs. The copy runs twice over the same walk — once measuring,
 * once copying — so the two can never disagree. Long strings shared by several fields
 * (YAML aliases) stay shared in the copy, so compaction never multiplies an alias.
 */
#include "map.h"
#include "annotations.h"
#include "model.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define SHARE_MIN 64 /* strings at least this long are deduplicated by address */

typedef struct copier {
    bool measure;
    bool oom;
    size_t size;   /* measure: bytes the copy needs */
    cx_arena *to;  /* copy: the destination arena (one chunk of `size` bytes) */
    cx_map shared; /* old address -> new address, for long strings */
} copier;

static size_t align_up(size_t n, size_t align)
{
    return (n + (align - 1)) & ~(align - 1);
}

static void *take(copier *c, size_t size, size_t align)
{
    if (c->measure) {
        c->size = align_up(c->size, align) + size;
        return NULL;
    }
    void *p = cx_arena_alloc_aligned(c->to, size, align);
    if (!p)
        c->oom = true;
    return p;
}

static bool ptr_eq(const void *value, const void *key)
{
    return *(const void *const *)value == key;
}

typedef struct shared_entry {
    const char *old;
    const char *copy;
} shared_entry;

static const char *str(copier *c, const char *s)
{
    if (!s || c->oom)
        return NULL;
    size_t len = strlen(s);
    bool share = len >= SHARE_MIN;
    uint64_t h = 0;
    if (share) {
        h = cx_hash_bytes(c->shared.key, &s, sizeof s);
        const shared_entry *e = cx_map_find(&c->shared, h, ptr_eq, s);
        if (e)
            return e->copy;
    }
    char *p = take(c, len + 1, 1);
    if (p)
        memcpy(p, s, len + 1);
    if (share) {
        /* The map itself lives outside the copy: entries are small heap records. */
        shared_entry *e = cx_malloc(c->shared.alloc, sizeof *e);
        if (!e || !cx_map_reserve(&c->shared, 1)) {
            cx_free(c->shared.alloc, e);
            c->oom = true;
            return NULL;
        }
        e->old = s;
        e->copy = c->measure ? s : p;
        cx_map_put(&c->shared, h, ptr_eq, s, e);
    }
    return p;
}

static void *array(copier *c, const void *src, size_t count, size_t elsize)
{
    if (!src || !count || c->oom)
        return NULL;
    void *p = take(c, count * elsize, 8);
    if (p)
        memcpy(p, src, count * elsize);
    return p;
}

/* In measure mode `dst` is a scratch copy: writes to it are harmless. */
#define COPY_ARRAY(c, field, count) (field) = array(c, field, count, sizeof *(field))
#define COPY_STR(c, field)          (field) = str(c, field)

static void copy_service(copier *c, contour_ingressroute_service *s)
{
    COPY_STR(c, s->name);
    COPY_STR(c, s->strategy);
    if (!s->health_check)
        return;
    cx_health_check hc = *s->health_check;
    cx_health_check *copy = take(c, sizeof hc, 8);
    COPY_STR(c, hc.path);
    COPY_STR(c, hc.host);
    if (copy)
        *copy = hc;
    s->health_check = copy;
}

static void copy_delegate(copier *c, cx_delegate *d)
{
    COPY_STR(c, d->name);
    COPY_STR(c, d->ns);
}

static void copy_services(copier *c, contour_ingressroute_service **services, uint32_t count)
{
    const contour_ingressroute_service *src = *services;
    COPY_ARRAY(c, *services, count);
    for (uint32_t i = 0; i < count; i++) {
        contour_ingressroute_service tmp = src[i];
        copy_service(c, &tmp);
        if (!c->measure && *services)
            (*services)[i] = tmp;
    }
}

static void copy_ingressroute(copier *c, cx_ingressroute *ir)
{
    COPY_STR(c, ir->fqdn);
    COPY_STR(c, ir->tls_secret_name);
    COPY_STR(c, ir->tls_min_version);
    const contour_ingressroute_route *routes = ir->routes;
    COPY_ARRAY(c, ir->routes, ir->route_count);
    for (uint32_t i = 0; i < ir->route_count; i++) {
        contour_ingressroute_route r = routes[i];
        COPY_STR(c, r.match);
        copy_services(c, &r.services, r.service_count);
        copy_delegate(c, &r.delegate);
        COPY_STR(c, r.prefix_rewrite);
        COPY_STR(c, r.timeout_request);
        COPY_STR(c, r.retry_per_try_timeout);
        if (!c->measure && ir->routes)
            ir->routes[i] = r;
    }
    copy_services(c, &ir->tcp_services, ir->tcp_service_count);
    copy_delegate(c, &ir->tcp_delegate);
}

static void copy_strings(copier *c, const char ***list, uint32_t count)
{
    const char **src = *list;
    COPY_ARRAY(c, *list, count);
    for (uint32_t i = 0; i < count; i++) {
        const char *s = str(c, src[i]);
        if (!c->measure && *list)
            (*list)[i] = s;
    }
}

static void copy_tlscertdelegation(copier *c, cx_tlscertdelegation *td)
{
    const cx_cert_delegation *src = td->delegations;
    COPY_ARRAY(c, td->delegations, td->delegation_count);
    for (uint32_t i = 0; i < td->delegation_count; i++) {
        cx_cert_delegation d = src[i];
        COPY_STR(c, d.secret_name);
        copy_strings(c, &d.targets, d.target_count);
        if (!c->measure && td->delegations)
            td->delegations[i] = d;
    }
}

static void copy_backend(copier *c, contour_ingress_backend *b)
{
    COPY_STR(c, b->service);
    COPY_STR(c, b->port_name);
}

static void copy_ingress(copier *c, cx_ingress *ing)
{
    copy_backend(c, &ing->default_backend);
    COPY_STR(c, ing->class_name);
    const contour_ingress_rule *rules = ing->rules;
    COPY_ARRAY(c, ing->rules, ing->rule_count);
    for (uint32_t i = 0; i < ing->rule_count; i++) {
        contour_ingress_rule r = rules[i];
        COPY_STR(c, r.host);
        const contour_ingress_path *paths = r.paths;
        COPY_ARRAY(c, r.paths, r.path_count);
        for (uint32_t j = 0; j < r.path_count; j++) {
            contour_ingress_path p = paths[j];
            COPY_STR(c, p.path);
            COPY_STR(c, p.path_type);
            copy_backend(c, &p.backend);
            if (!c->measure && r.paths)
                r.paths[j] = p;
        }
        if (!c->measure && ing->rules)
            ing->rules[i] = r;
    }
    const cx_ingress_tls *tls = ing->tls;
    COPY_ARRAY(c, ing->tls, ing->tls_count);
    for (uint32_t i = 0; i < ing->tls_count; i++) {
        cx_ingress_tls t = tls[i];
        copy_strings(c, &t.hosts, t.host_count);
        COPY_STR(c, t.secret_name);
        if (!c->measure && ing->tls)
            ing->tls[i] = t;
    }
}

/* Port index orders: by number or by name, then by index (stable: the first wins). */
static int port_cmp(const cx_service *svc, bool by_name, uint32_t x, uint32_t y)
{
    const cx_service_port *a = &svc->ports[x], *b = &svc->ports[y];
    int c;
    if (by_name)
        c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    else
        c = (a->port > b->port) - (a->port < b->port);
    return c ? c : (x > y) - (x < y);
}

/* Bottom-up merge sort of port indexes: no recursion, no comparator context needed. */
static void sort_ports(const cx_service *svc, bool by_name, uint32_t *a, uint32_t *tmp, uint32_t n)
{
    for (uint32_t x = 0; x < n; x++)
        a[x] = x;
    for (uint64_t w = 1; w < n; w *= 2) {
        for (uint64_t lo = 0; lo < n; lo += 2 * w) {
            uint64_t mid = lo + w < n ? lo + w : n;
            uint64_t hi = mid + w < n ? mid + w : n;
            uint64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = port_cmp(svc, by_name, a[i], a[j]) <= 0 ? a[i++] : a[j++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
}

static void copy_service_object(copier *c, cx_service *svc)
{
    const cx_service_port *ports = svc->ports;
    COPY_ARRAY(c, svc->ports, svc->port_count);
    for (uint32_t i = 0; i < svc->port_count; i++) {
        cx_service_port p = ports[i];
        COPY_STR(c, p.name);
        if (!c->measure && svc->ports)
            svc->ports[i] = p;
    }
    svc->by_number = svc->by_name = NULL;
    uint32_t n = svc->port_count;
    if (n <= CX_PORT_SCAN_MAX)
        return;
    uint32_t *num = take(c, n * sizeof *num, 8), *nam = take(c, n * sizeof *nam, 8);
    uint32_t *tmp = take(c, n * sizeof *tmp, 8); /* scratch in the block: 4 bytes a port */
    if (c->measure || !num || !nam || !tmp || !svc->ports)
        return;
    sort_ports(svc, false, num, tmp, n);
    sort_ports(svc, true, nam, tmp, n);
    svc->by_number = num;
    svc->by_name = nam;
}

static void copy_secret(copier *c, cx_secret *sec)
{
    COPY_STR(c, sec->type);
    const cx_secret_key *keys = sec->keys;
    COPY_ARRAY(c, sec->keys, sec->key_count);
    for (uint32_t i = 0; i < sec->key_count; i++) {
        cx_secret_key k = keys[i];
        COPY_STR(c, k.key);
        if (!c->measure && sec->keys)
            sec->keys[i] = k;
    }
}

/* Copies the diagnostics into `o` (already the copy), rebuilding the list and its
 * position-ordered view. */
static void copy_diags(copier *c, contour_object *o, const contour_object *src)
{
    o->diags.head = o->diags.tail = NULL;
    const contour_diagnostic **sorted = NULL;
    if (src->diags.count)
        sorted = take(c, src->diags.count * sizeof *sorted, 8);
    size_t i = 0;
    for (const contour_diagnostic *d = src->diags.head; d; d = d->next) {
        contour_diagnostic *nd = take(c, sizeof *nd, 8);
        contour_diagnostic tmp = *d;
        tmp.next = NULL;
        COPY_STR(c, tmp.message);
        COPY_STR(c, tmp.field);
        COPY_STR(c, tmp.obj_ns);
        COPY_STR(c, tmp.obj_name);
        if (c->measure || !nd)
            continue;
        *nd = tmp;
        if (o->diags.tail)
            o->diags.tail->next = nd;
        else
            o->diags.head = nd;
        o->diags.tail = nd;
    }
    if (c->measure || !sorted)
        return;
    /* Same contents, same total order: sorting the copies reproduces the source's view. */
    for (const contour_diagnostic *d = o->diags.head; d; d = d->next)
        sorted[i++] = d;
    qsort((void *)sorted, i, sizeof *sorted, cx_diag_ptr_compare);
    o->sorted_diags = sorted;
}

size_t cx_object_size(contour_kind kind)
{
    size_t head = offsetof(contour_object, u);
    switch (kind) {
    case CONTOUR_KIND_INGRESSROUTE:
        return head + sizeof(cx_ingressroute);
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION:
        return head + sizeof(cx_tlscertdelegation);
    case CONTOUR_KIND_INGRESS:
        return head + sizeof(cx_ingress);
    case CONTOUR_KIND_SERVICE:
        return head + sizeof(cx_service);
    case CONTOUR_KIND_SECRET:
        return head + sizeof(cx_secret);
    case CONTOUR_KIND_NONE:
        break;
    }
    return sizeof(contour_object);
}

static void copy_object(copier *c, contour_object *dst, const contour_object *src)
{
    /* Only the header and the kind's own part of the union exist in the copy. api_version
     * is a static string; the source is shared (and referenced). */
    memcpy(dst, src, cx_object_size(src->kind));
    COPY_STR(c, dst->ns); /* its own copy: graphs may keep the object past its snapshot */
    COPY_STR(c, dst->name);
    const cx_annotation *ann = src->annotations;
    COPY_ARRAY(c, dst->annotations, dst->annotation_count);
    for (uint32_t i = 0; i < src->annotation_count; i++) {
        cx_annotation a = ann[i];
        COPY_STR(c, a.key);
        COPY_STR(c, a.value);
        if (!c->measure && dst->annotations)
            dst->annotations[i] = a;
    }
    switch (src->kind) {
    case CONTOUR_KIND_INGRESSROUTE:
        copy_ingressroute(c, &dst->u.ir);
        break;
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION:
        copy_tlscertdelegation(c, &dst->u.td);
        break;
    case CONTOUR_KIND_INGRESS:
        copy_ingress(c, &dst->u.ing);
        break;
    case CONTOUR_KIND_SERVICE:
        copy_service_object(c, &dst->u.svc);
        break;
    case CONTOUR_KIND_SECRET:
        copy_secret(c, &dst->u.sec);
        break;
    case CONTOUR_KIND_NONE:
        break;
    }
    copy_diags(c, dst, src);
}

static void release_shared(copier *c)
{
    for (size_t i = 0; i < c->shared.cap; i++)
        cx_free(c->shared.alloc, c->shared.slots[i].value);
    cx_map_release(&c->shared);
}

static void object_destroy(cx_shared *self, const cx_alloc *alloc);

/* Records where the ingress class annotation is (o->class_slot; the resolution's
 * cx_object_class() reads it on every resolution): the first of the two keys Contour
 * reads, in that order. */
static void find_class(contour_object *o)
{
    static const char *const keys[] = {"contour.heptio.com/ingress.class",
                                       "kubernetes.io/ingress.class"};
    o->class_slot = 1;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        for (uint32_t i = 0; i < o->annotation_count; i++) {
            if (o->annotations[i].key && strcmp(o->annotations[i].key, keys[k]) == 0) {
                o->class_slot = i + 2;
                return;
            }
        }
    }
}

contour_object *cx_object_compact(const cx_alloc *alloc, const contour_object *src)
{
    copier c;
    memset(&c, 0, sizeof c);
    /* Addresses are not chosen by input: no random key needed (and no syscall per object). */
    static const cx_hash_key address_key = {0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL};
    cx_map_init_keyed(&c.shared, alloc, address_key);

    /* Pass 1: measure (writes go to a scratch copy of the top-level struct). */
    c.measure = true;
    take(&c, cx_object_size(src->kind), 16);
    contour_object scratch;
    copy_object(&c, &scratch, src);
    if (c.oom) {
        release_shared(&c);
        return NULL;
    }
    size_t size = c.size;
    release_shared(&c);

    /* Pass 2: copy into one chunk of exactly that size. */
    cx_arena a;
    cx_arena_init(&a, alloc, size);
    cx_map_init_keyed(&c.shared, alloc, address_key);
    c.measure = false;
    c.to = &a;
    contour_object *o = take(&c, cx_object_size(src->kind), 16);
    if (o)
        copy_object(&c, o, src);
    release_shared(&c);
    if (!o || c.oom) {
        cx_arena_release(&a);
        return NULL;
    }
    o->arena = a;
    find_class(o);
    cx_shared_init(&o->rc, object_destroy);
    if (o->source)
        cx_shared_retain(&o->source->rc);
    for (contour_diagnostic *d = o->diags.head; d; d = d->next)
        d->owner = &o->rc;
    return o;
}

/* ---- references and lifetime ---- */

/* The namespace a delegate names: as written, or the object's own when empty. */
static const char *delegate_ns(const contour_object *o, const cx_delegate *d)
{
    return d->ns && *d->ns ? d->ns : o->ns;
}

static void ref_delegate(contour_object *o, cx_delegate *d, cx_ref_fn fn, void *ctx)
{
    const char *ns = delegate_ns(o, d), *name = d->name ? d->name : "";
    fn(ctx, &d->key, CONTOUR_KIND_INGRESSROUTE, ns, strlen(ns), name, strlen(name));
}

static void ref_service(contour_object *o, contour_ingressroute_service *s, cx_ref_fn fn, void *ctx)
{
    const char *name = s->name ? s->name : "";
    fn(ctx, &s->key, CONTOUR_KIND_SERVICE, o->ns, o->ns_len, name, strlen(name));
}

static void ref_secret(contour_object *o, const char *secret_name, cx_key **slot, cx_ref_fn fn,
                       void *ctx)
{
    if (!secret_name || !*secret_name)
        return;
    const char *ns, *name;
    size_t ns_len, name_len;
    cx_split_secret(secret_name, o->ns, &ns, &ns_len, &name, &name_len);
    fn(ctx, slot, CONTOUR_KIND_SECRET, ns, ns_len, name, name_len);
}

static void ref_backend(contour_object *o, contour_ingress_backend *b, cx_ref_fn fn, void *ctx)
{
    if (b->is_resource || !b->service || !*b->service)
        return;
    fn(ctx, &b->key, CONTOUR_KIND_SERVICE, o->ns, o->ns_len, b->service, strlen(b->service));
}

void cx_object_refs(contour_object *o, cx_ref_fn fn, void *ctx)
{
    switch (o->kind) {
    case CONTOUR_KIND_INGRESSROUTE: {
        cx_ingressroute *ir = &o->u.ir;
        for (uint32_t i = 0; i < ir->route_count; i++) {
            contour_ingressroute_route *r = &ir->routes[i];
            if (r->has_delegate)
                ref_delegate(o, &r->delegate, fn, ctx);
            for (uint32_t j = 0; j < r->service_count; j++)
                ref_service(o, &r->services[j], fn, ctx);
        }
        if (ir->tcp_has_delegate)
            ref_delegate(o, &ir->tcp_delegate, fn, ctx);
        for (uint32_t j = 0; j < ir->tcp_service_count; j++)
            ref_service(o, &ir->tcp_services[j], fn, ctx);
        if (ir->has_tls)
            ref_secret(o, ir->tls_secret_name, &ir->tls_key, fn, ctx);
        break;
    }
    case CONTOUR_KIND_INGRESS: {
        cx_ingress *ing = &o->u.ing;
        if (ing->has_default_backend)
            ref_backend(o, &ing->default_backend, fn, ctx);
        for (uint32_t r = 0; r < ing->rule_count; r++) {
            contour_ingress_rule *rule = &ing->rules[r];
            for (uint32_t p = 0; p < rule->path_count; p++) {
                if (rule->paths[p].has_backend)
                    ref_backend(o, &rule->paths[p].backend, fn, ctx);
            }
        }
        for (uint32_t t = 0; t < ing->tls_count; t++)
            ref_secret(o, ing->tls[t].secret_name, &ing->tls[t].key, fn, ctx);
        break;
    }
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION: {
        cx_tlscertdelegation *td = &o->u.td;
        for (uint32_t d = 0; d < td->delegation_count; d++) {
            cx_cert_delegation *cd = &td->delegations[d];
            if (cd->secret_name)
                fn(ctx, &cd->key, CONTOUR_KIND_SECRET, o->ns, o->ns_len, cd->secret_name,
                   strlen(cd->secret_name));
        }
        break;
    }
    default:
        break;
    }
}

typedef struct release_ctx {
    const cx_alloc *alloc;
} release_ctx;

static void release_ref(void *ctx, cx_key **slot, contour_kind kind, const char *ns, size_t ns_len,
                        const char *name, size_t name_len)
{
    (void)kind, (void)ns, (void)ns_len, (void)name, (void)name_len;
    cx_key_release(*slot, ((release_ctx *)ctx)->alloc);
    *slot = NULL;
}

static void object_destroy(cx_shared *self, const cx_alloc *alloc)
{
    contour_object *o = (contour_object *)self;
    release_ctx rc = {alloc};
    cx_object_refs(o, release_ref, &rc);
    cx_key_release(o->key, alloc);
    cx_source *src = o->source;
    cx_arena_release_with(o->arena, alloc);
    if (src)
        cx_shared_release(&src->rc, alloc);
}

/* ---- sources ---- */

static void source_destroy(cx_shared *self, const cx_alloc *alloc)
{
    cx_source *s = (cx_source *)self;
    cx_vec_release_with(&s->objects, alloc);
    cx_arena_release_with(s->arena, alloc);
}

cx_source *cx_source_new(const cx_alloc *alloc, const char *name, size_t len)
{
    cx_arena a;
    cx_arena_init(&a, alloc, len + 1 + sizeof(cx_source) + 256);
    cx_source *s = cx_arena_zalloc(&a, sizeof *s);
    char *n = s ? cx_arena_strndup(&a, name, len) : NULL;
    if (!n) {
        cx_arena_release(&a);
        return NULL;
    }
    s->name = n;
    s->name_len = len;
    s->arena = a;
    cx_vec_init(&s->objects, alloc, sizeof(contour_object *));
    cx_shared_init(&s->rc, source_destroy);
    return s;
}

void cx_split_secret(const char *s, const char *default_ns, const char **ns, size_t *ns_len,
                     const char **name, size_t *name_len)
{
    if (!s)
        s = "";
    const char *slash = strchr(s, '/');
    if (!slash || slash == s) {
        *ns = default_ns;
        *ns_len = strlen(default_ns);
        *name = slash ? slash + 1 : s;
    } else {
        *ns = s;
        *ns_len = (size_t)(slash - s);
        *name = slash + 1;
    }
    *name_len = strlen(*name);
}
