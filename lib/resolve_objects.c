/*
 * Object results (resolve.h): what resolution makes of one object, whatever vhost reaches
 * it. An IngressRoute's route templates and their clusters, its tcpproxy clusters, the
 * warnings about its routes and references, its edges (spec §2 rules 6-8); an Ingress's
 * route templates, annotation options and TLS checks (spec §3); a
 * TLSCertificateDelegation's edges; a Service's annotation warnings; the info diagnostic
 * of an object ignored for its class.
 *
 * A result depends on its object, the objects its keys name and the settings — nothing
 * else — so a graph can keep it while those stay as they are.
 */
#include "resolve.h"

#include <stdio.h>
#include <string.h>

/* ---- building a result ---- */

/* What a result is made of while it is being made: its arena and its growing lists. */
typedef struct builder {
    cx_rx *rx;
    cx_arena *arena;
    const cx_shared *owner;
    /* The resolution's scratch lists (cx_objws), borrowed for one result. */
    cx_vec *diags; /* [2]: LIST_A, LIST_B */
    cx_vec *edges; /* cx_edge */
    cx_vec *pins;  /* const cx_shared * */
    cx_strbuf *msg;
    bool oom;
} builder;

enum { LIST_A = 0, LIST_B = 1 }; /* two diagnostic lists: e.g. published / entered */

void cx_record_arena(cx_objws *w, cx_arena *arena, const cx_alloc *alloc, size_t hint)
{
    if (w->own_chunks)
        cx_arena_init(arena, alloc, hint);
    else
        cx_arena_init_shared(arena, &w->slabs);
}

void cx_objws_init(cx_objws *w, const cx_alloc *alloc)
{
    for (int i = 0; i < 2; i++)
        cx_vec_init(&w->diags[i], alloc, sizeof(const contour_diagnostic *));
    cx_vec_init(&w->edges, alloc, sizeof(cx_edge));
    cx_vec_init(&w->pins, alloc, sizeof(const cx_shared *));
    cx_vec_init(&w->clusters, alloc, sizeof(contour_cluster));
    cx_strbuf_init(&w->msg, alloc);
    cx_slabs_init(&w->slabs, alloc);
}

void cx_objws_release(cx_objws *w)
{
    for (int i = 0; i < 2; i++)
        cx_vec_release(&w->diags[i]);
    cx_vec_release(&w->edges);
    cx_vec_release(&w->pins);
    cx_vec_release(&w->clusters);
    cx_strbuf_release(&w->msg);
    cx_slabs_release(&w->slabs);
}

static void b_init(builder *b, cx_rx *rx, cx_arena *arena, const cx_shared *owner)
{
    memset(b, 0, sizeof *b);
    b->rx = rx;
    b->arena = arena;
    b->owner = owner;
    cx_objws *w = &rx->ows;
    b->diags = w->diags;
    b->edges = &w->edges;
    b->pins = &w->pins;
    b->msg = &w->msg;
    for (int i = 0; i < 2; i++)
        w->diags[i].len = 0;
    w->edges.len = w->pins.len = w->clusters.len = 0;
    cx_strbuf_clear(&w->msg);
    w->msg.oom = false;
}

/* The lists stay with the resolution, emptied; their memory is reused. */
static void b_release(builder *b)
{
    for (int i = 0; i < 2; i++)
        b->diags[i].len = 0;
    b->edges->len = b->pins->len = 0;
}

static void b_msg(builder *b)
{
    cx_strbuf_clear(b->msg);
}

static void b_diag(builder *b, int list, contour_severity sev, const char *code,
                   const contour_object *o, cx_pos pos, const char *field_fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void b_diag(builder *b, int list, contour_severity sev, const char *code,
                   const contour_object *o, cx_pos pos, const char *field_fmt, ...)
{
    if (b->oom)
        return;
    char field[256];
    va_list ap;
    va_start(ap, field_fmt);
    vsnprintf(field, sizeof field, field_fmt, ap);
    va_end(ap);
    cx_dsink sink = {b->arena, &b->diags[list], b->owner};
    if (!cx_rdiag(sink, sev, code, o, pos, b->msg, "%s", field))
        b->oom = true;
}

/* Keeps a Service (or any object) alive as long as the result: its strings are shown. */
static void b_pin(builder *b, const contour_object *o)
{
    const cx_shared *p = &o->rc;
    for (size_t i = b->pins->len; i > 0 && i + 8 > b->pins->len; i--) {
        if (*(const cx_shared **)cx_vec_at(b->pins, i - 1) == p)
            return; /* the last few: a route's services are usually one Service */
    }
    if (!cx_vec_push(b->pins, &p))
        b->oom = true;
    else
        cx_shared_retain(p);
}

static cx_edge *b_edge(builder *b, cx_edge_type type, const contour_object *from, const cx_key *to)
{
    if (b->oom || !to)
        return NULL;
    cx_edge *e = cx_vec_push(b->edges, NULL);
    if (!e) {
        b->oom = true;
        return NULL;
    }
    e->owner = b->owner;
    e->from = from;
    e->to = to;
    e->to_hash = to->hash; /* the key table's: computed once, at load */
    e->to_id = to->id;
    e->type = (uint8_t)type;
    e->rule = -1;
    return e;
}

/* A copy of a list into the arena (NULL when empty). */
static void *b_keep(builder *b, const cx_vec *v, uint32_t *count)
{
    *count = (uint32_t)v->len;
    if (!v->len || b->oom)
        return NULL;
    void *p = cx_arena_array(b->arena, v->len, v->elsize);
    if (!p)
        b->oom = true;
    else
        memcpy(p, v->data, v->len * v->elsize);
    return p;
}

static const char *b_str(builder *b, const char *s)
{
    const char *p = cx_arena_strdup(b->arena, s);
    if (!p)
        b->oom = true;
    return p;
}

/* The message built so far, copied to the arena; a failed append is an OOM. */
static const char *b_msg_str(builder *b)
{
    if (b->msg->oom) {
        b->oom = true;
        return NULL;
    }
    return b_str(b, b->msg->data ? b->msg->data : "");
}

/* "port N": made for every Service reference, so without printf. */
static const char *port_label(builder *b, int64_t port)
{
    char buf[32], *p = buf + sizeof buf;
    uint64_t v = port < 0 ? 0 - (uint64_t)port : (uint64_t)port;
    *--p = '\0';
    do
        *--p = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    if (port < 0)
        *--p = '-';
    p -= 5;
    memcpy(p, "port ", 5);
    return b_str(b, p);
}

/* The object a key names and whether it is there for resolution: a missing object and
 * one ignored for its class are both "not found" to whoever refers to it. */
static const contour_object *live(const cx_rx *rx, const cx_key *k, bool *ignored)
{
    const contour_object *t = cx_rx_obj(rx, k);
    *ignored = t && cx_rx_ignored(rx, t);
    return *ignored ? NULL : t;
}

static const char *delegate_ns(const contour_object *o, const cx_delegate *d)
{
    return d->ns && *d->ns ? d->ns : o->ns;
}

/* " (it exists but is ignored because ...)" for a reference to an ignored object. */
static void msg_ignored_target(builder *b, const cx_key *k)
{
    cx_strbuf_puts(b->msg, " (it exists but is ignored because ");
    cx_msg_class_reason(b->msg, b->rx->set, cx_rx_obj(b->rx, k));
    cx_strbuf_putc(b->msg, ')');
}

/* ---- IngressRoute ---- */

static void irres_destroy(cx_shared *self, const cx_alloc *a)
{
    cx_irres *r = (cx_irres *)self;
    for (uint32_t i = 0; i < r->npins; i++)
        cx_shared_release(r->pins[i], a);
    cx_object_release(r->obj, a);
    cx_arena_release_with(r->arena, a);
}

static void duration_warning(builder *b, const contour_object *o, const char *what,
                             const char *value, cx_timeout_kind k, const char *consequence,
                             cx_pos pos, uint32_t route, const char *field)
{
    b_msg(b);
    cx_strbuf_printf(b->msg, "%s: ", what);
    cx_msg_quote(b->msg, value);
    cx_strbuf_puts(b->msg,
                   k == CX_TIMEOUT_NEGATIVE ? " is negative; " : " is not a valid duration; ");
    cx_strbuf_puts(b->msg, consequence);
    b_diag(b, LIST_A, CONTOUR_SEVERITY_WARNING, "invalid-duration", o, pos, "spec.routes[%u].%s",
           route, field);
}

/* The clusters of a route's services (sorted, unique); warnings for the missing ones. */
static void route_clusters(builder *b, cx_vec *scratch, const contour_object *o, uint32_t ri,
                           contour_route *out)
{
    const contour_ingressroute_route *r = &o->u.ir.routes[ri];
    scratch->len = 0;
    for (uint32_t k = 0; k < r->service_count && !b->oom; k++) {
        const contour_ingressroute_service *s = &r->services[k];
        const char *name = s->name ? s->name : "";
        const contour_object *svc = cx_rx_obj(b->rx, s->key);
        if (!svc) {
            b_msg(b);
            cx_strbuf_printf(b->msg, "Service %s/%s not found; route ", o->ns, name);
            cx_msg_quote(b->msg, r->match);
            cx_strbuf_puts(b->msg, " has no cluster for it");
            b_diag(b, LIST_A, CONTOUR_SEVERITY_WARNING, "service-not-found", o, s->pos,
                   "spec.routes[%u].services[%u]", ri, k);
            continue;
        }
        int64_t pi = cx_port_by_number(svc, s->port);
        if (pi < 0) {
            b_msg(b);
            cx_strbuf_printf(b->msg, "Service %s/%s has no port %lld; route ", o->ns, name,
                             (long long)s->port);
            cx_msg_quote(b->msg, r->match);
            cx_strbuf_puts(b->msg, " has no cluster for it");
            b_diag(b, LIST_A, CONTOUR_SEVERITY_WARNING, "service-port-not-found", o,
                   s->port_pos.line ? s->port_pos : s->pos, "spec.routes[%u].services[%u].port", ri,
                   k);
            continue;
        }
        contour_cluster *c = cx_vec_push(scratch, NULL);
        if (!c) {
            b->oom = true;
            return;
        }
        b_pin(b, svc);
        cx_fill_cluster(c, svc, (uint32_t)pi, true);
        c->weight = s->weight;
        c->strategy = s->strategy && *s->strategy ? s->strategy : NULL;
        cx_cluster_health_check(c, s);
    }
    uint32_t n = cx_sort_clusters((contour_cluster *)scratch->data, (uint32_t)scratch->len);
    scratch->len = n;
    out->clusters = b_keep(b, scratch, &out->cluster_count);
}

static void ir_retry(builder *b, const contour_object *o, uint32_t i, contour_route *g)
{
    const contour_ingressroute_route *r = &o->u.ir.routes[i];
    g->has_retry = true;
    g->retry_on = "5xx";
    int64_t n = r->retry_count;
    g->num_retries = n < 1 ? 1 : n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    const char *pt = r->retry_per_try_timeout;
    if (!pt || !*pt)
        return;
    /* ns is only meaningful when the parse succeeded: which warning an unparsable value
     * gets must not depend on what the stack held. */
    int64_t ns = 0;
    bool parsed = cx_go_parse_duration(pt, strlen(pt), &ns);
    if (!parsed || ns < 0)
        duration_warning(b, o, "retryPolicy.perTryTimeout", pt,
                         parsed ? CX_TIMEOUT_NEGATIVE : CX_TIMEOUT_INVALID,
                         "no per-try timeout is set", r->per_try_pos.line ? r->per_try_pos : r->pos,
                         i, "retryPolicy.perTryTimeout");
    else
        g->per_try_timeout_ms = cx_ns_to_ms(ns); /* 0 (not set) for 0s */
}

/* The template of a service route (warnings in LIST_A: they apply once published). */
static const cx_rtpl *ir_template(builder *b, cx_vec *scratch, const contour_object *o, uint32_t i)
{
    const contour_ingressroute_route *r = &o->u.ir.routes[i];
    cx_rtpl *t = cx_arena_zalloc(b->arena, sizeof *t);
    if (!t) {
        b->oom = true;
        return NULL;
    }
    t->obj = o;
    t->pos = r->pos;
    t->index = i;
    contour_route *g = &t->r;
    g->match = CONTOUR_MATCH_PREFIX;
    g->path = r->match ? r->match : "";
    g->websocket = r->enable_websockets;
    g->prefix_rewrite = r->prefix_rewrite && *r->prefix_rewrite ? r->prefix_rewrite : NULL;
    if (r->has_timeout_policy) {
        int64_t ms;
        cx_timeout_kind k = cx_parse_timeout(r->timeout_request, &ms);
        if (k != CX_TIMEOUT_UNSET) {
            g->has_timeout = true;
            g->timeout_ms = ms;
        }
        if (k == CX_TIMEOUT_INVALID || k == CX_TIMEOUT_NEGATIVE)
            duration_warning(b, o, "timeoutPolicy.request", r->timeout_request, k,
                             "the route never times out (infinity)",
                             r->timeout_pos.line ? r->timeout_pos : r->pos, i,
                             "timeoutPolicy.request");
    }
    if (r->has_retry_policy)
        ir_retry(b, o, i, g);
    g->source_kind = CONTOUR_KIND_INGRESSROUTE;
    g->source_ns = o->ns;
    g->source_name = o->name;
    route_clusters(b, scratch, o, i, g);
    return t;
}

/* delegate-not-found for a delegate route whose target is missing or ignored (LIST_B:
 * applies once some vhost enters the object). */
static void missing_delegate(builder *b, const contour_object *o, uint32_t i, bool ignored)
{
    const contour_ingressroute_route *r = &o->u.ir.routes[i];
    b_msg(b);
    cx_strbuf_puts(b->msg, "route ");
    cx_msg_quote(b->msg, r->match);
    cx_strbuf_printf(b->msg, ": delegate target %s/%s not found", delegate_ns(o, &r->delegate),
                     r->delegate.name ? r->delegate.name : "");
    if (ignored)
        msg_ignored_target(b, r->delegate.key);
    b_diag(b, LIST_B, CONTOUR_SEVERITY_WARNING, "delegate-not-found", o,
           r->delegate.pos.line ? r->delegate.pos : r->pos, "spec.routes[%u].delegate", i);
}

/* tcpproxy: the clusters of its services, or the failure a walk reaching it records. */
static void ir_tcp(builder *b, cx_vec *scratch, const contour_object *o, cx_irres *r)
{
    const cx_ingressroute *ir = &o->u.ir;
    cx_pos tcp_pos = ir->tcp_pos.line ? ir->tcp_pos : o->pos;
    if (ir->tcp_service_count > 0 && ir->tcp_has_delegate) {
        b_msg(b);
        cx_strbuf_puts(b->msg,
                       "tcpproxy: cannot specify services and delegate in the same tcpproxy");
        r->tcp_fail = b_msg_str(b);
        r->tcp_fail_pos = tcp_pos;
        return;
    }
    if (ir->tcp_service_count > 0) {
        scratch->len = 0;
        for (uint32_t k = 0; k < ir->tcp_service_count && !b->oom; k++) {
            const contour_ingressroute_service *s = &ir->tcp_services[k];
            const contour_object *svc = cx_rx_obj(b->rx, s->key);
            int64_t pi = svc ? cx_port_by_number(svc, s->port) : -1;
            if (pi < 0) {
                b_msg(b);
                cx_strbuf_printf(b->msg, "tcpproxy: service %s/%s/%lld: not found", o->ns,
                                 s->name ? s->name : "", (long long)s->port);
                r->tcp_fail = b_msg_str(b);
                r->tcp_fail_pos = s->pos.line ? s->pos : tcp_pos;
                return;
            }
            contour_cluster *c = cx_vec_push(scratch, NULL);
            if (!c) {
                b->oom = true;
                return;
            }
            b_pin(b, svc);
            cx_fill_cluster(c, svc, (uint32_t)pi, false);
            c->weight = s->weight;
            c->strategy = s->strategy && *s->strategy ? s->strategy : NULL;
            cx_cluster_health_check(c, s);
        }
        /* Sorted (and made unique) like a route's clusters: the order written is not part
         * of the graph (spec §4: every cluster list). */
        scratch->len = cx_sort_clusters((contour_cluster *)scratch->data, (uint32_t)scratch->len);
        r->tcp = b_keep(b, scratch, &r->tcp_count);
        r->tcp_services_ok = true;
        return;
    }
    if (!ir->tcp_has_delegate)
        return;
    bool ignored;
    if (live(b->rx, ir->tcp_delegate.key, &ignored))
        return;
    const char *ns = delegate_ns(o, &ir->tcp_delegate);
    const char *name = ir->tcp_delegate.name ? ir->tcp_delegate.name : "";
    b_msg(b);
    cx_strbuf_printf(b->msg, "tcpproxy: delegate target %s/%s not found", ns, name);
    if (ignored)
        msg_ignored_target(b, ir->tcp_delegate.key);
    cx_vec one;
    cx_vec_init(&one, b->rx->alloc, sizeof(const contour_diagnostic *));
    cx_dsink sink = {b->arena, &one, b->owner};
    cx_pos dpos = ir->tcp_delegate.pos.line ? ir->tcp_delegate.pos : tcp_pos;
    const contour_diagnostic *d = cx_rdiag(sink, CONTOUR_SEVERITY_WARNING, "delegate-not-found", o,
                                           dpos, b->msg, "spec.tcpproxy.delegate");
    if (!d)
        b->oom = true;
    r->tcp_diag = d;
    cx_vec_release(&one);
}

/* Every reference, as written, with whether its target is there (the picture, reverse
 * lookups and incremental resolution read them). */
static void ir_edges(builder *b, const contour_object *o, const cx_irres *r)
{
    const cx_ingressroute *ir = &o->u.ir;
    bool ignored;
    for (uint32_t i = 0; i < ir->route_count; i++) {
        const contour_ingressroute_route *rt = &ir->routes[i];
        const char *match = rt->match ? rt->match : "";
        if (rt->has_delegate) {
            cx_edge *e = b_edge(b, CX_EDGE_DELEGATE, o, rt->delegate.key);
            if (e) {
                e->missing = !live(b->rx, rt->delegate.key, &ignored);
                e->index = i;
                e->label = match;
            }
        }
        for (uint32_t j = 0; j < rt->service_count; j++) {
            const contour_ingressroute_service *s = &rt->services[j];
            cx_edge *e = b_edge(b, CX_EDGE_SERVICE, o, s->key);
            if (e) {
                e->missing = !cx_rx_obj(b->rx, s->key);
                e->index = i;
                e->sub = j;
                e->label = port_label(b, s->port);
                e->route = match;
            }
        }
    }
    if (ir->tcp_has_delegate) {
        cx_edge *e = b_edge(b, CX_EDGE_TCP_DELEGATE, o, ir->tcp_delegate.key);
        if (e) {
            e->missing = !live(b->rx, ir->tcp_delegate.key, &ignored);
            e->label = "tcpproxy";
        }
    }
    for (uint32_t j = 0; j < ir->tcp_service_count; j++) {
        const contour_ingressroute_service *s = &ir->tcp_services[j];
        cx_edge *e = b_edge(b, CX_EDGE_TCP_SERVICE, o, s->key);
        if (e) {
            e->missing = !cx_rx_obj(b->rx, s->key);
            e->sub = j;
            e->label = port_label(b, s->port);
        }
    }
    if (ir->has_tls && ir->tls_key) {
        cx_edge *e = b_edge(b, CX_EDGE_TLS_SECRET, o, ir->tls_key);
        if (e) {
            e->missing = !cx_rx_obj(b->rx, ir->tls_key);
            e->label = ir->fqdn ? ir->fqdn : "";
        }
    }
    (void)r;
}

cx_irres *cx_irres_make(cx_rx *rx, const contour_object *o)
{
    const cx_ingressroute *ir = &o->u.ir;
    cx_arena arena;
    cx_record_arena(&rx->ows, &arena, rx->alloc, 512 + (size_t)ir->route_count * 256);
    cx_irres *r = cx_arena_zalloc(&arena, sizeof *r);
    if (!r) {
        cx_arena_release(&arena);
        return NULL;
    }
    cx_shared_init(&r->rc, irres_destroy);
    builder b;
    b_init(&b, rx, &arena, &r->rc);
    cx_vec *scratch = &rx->ows.clusters;
    r->route_count = ir->route_count;
    cx_lcp_init(&r->lcp);
    if (ir->route_count) {
        r->tpl = cx_arena_array(&arena, ir->route_count, sizeof *r->tpl);
        b.oom |= r->tpl == NULL;
    }
    for (uint32_t i = 0; i < ir->route_count && !b.oom; i++) {
        const contour_ingressroute_route *rt = &ir->routes[i];
        r->tpl[i] = NULL;
        if (rt->service_count > 0 || rt->has_delegate)
            cx_lcp_add(&r->lcp, rt->match);
        if (rt->service_count > 0 && !rt->has_delegate)
            r->tpl[i] = ir_template(&b, scratch, o, i);
        bool ignored;
        if (rt->has_delegate && !live(rx, rt->delegate.key, &ignored))
            missing_delegate(&b, o, i, ignored);
    }
    if (!b.oom && ir->has_tcpproxy)
        ir_tcp(&b, scratch, o, r);
    if (!b.oom)
        ir_edges(&b, o, r);
    r->published_diags = b_keep(&b, &b.diags[LIST_A], &r->npublished);
    r->entered_diags = b_keep(&b, &b.diags[LIST_B], &r->nentered);
    r->edges = b_keep(&b, b.edges, &r->edge_count);
    r->pins = b_keep(&b, b.pins, &r->npins);
    bool oom = b.oom;
    if (oom) {
        for (size_t i = 0; i < b.pins->len; i++)
            cx_shared_release(*(const cx_shared **)cx_vec_at(b.pins, i), rx->alloc);
    }
    b_release(&b);
    if (oom) {
        cx_arena_release(&arena);
        return NULL;
    }
    cx_object_retain(o);
    r->obj = o;
    r->arena = arena;
    return r;
}

/* ---- other objects ---- */

static void objrec_destroy(cx_shared *self, const cx_alloc *a)
{
    cx_objrec *r = (cx_objrec *)self;
    for (uint32_t i = 0; i < r->npins; i++)
        cx_shared_release(r->pins[i], a);
    cx_object_release(r->obj, a);
    cx_arena_release_with(r->arena, a);
}

/* The info diagnostic of an object ignored for its class. */
static void class_info(builder *b, const contour_object *o)
{
    const cx_annotation *a;
    cx_object_class(o, &a);
    b_msg(b);
    cx_strbuf_puts(b->msg, "ignored because ");
    cx_msg_class_reason(b->msg, b->rx->set, o);
    if (a)
        b_diag(b, LIST_A, CONTOUR_SEVERITY_INFO, "ignored-class", o, a->pos,
               "metadata.annotations[%s]", a->key);
    else
        b_diag(b, LIST_A, CONTOUR_SEVERITY_INFO, "ignored-class", o, o->pos, "%s",
               "spec.ingressClassName");
}

static void bad_annotation(builder *b, const contour_object *o, const cx_annotation *a,
                           const char *why)
{
    b_msg(b);
    cx_strbuf_printf(b->msg, "annotation %s: ", a->key);
    cx_msg_quote(b->msg, a->value);
    cx_strbuf_puts(b->msg, why);
    b_diag(b, LIST_A, CONTOUR_SEVERITY_WARNING, "invalid-annotation", o, a->pos,
           "metadata.annotations[%s]", a->key);
}

/* A Service's circuit-breaker annotations that are not uint32s. */
static const char *const service_int_annotations[4] = {"max-connections", "max-pending-requests",
                                                       "max-requests", "max-retries"};

/* The first of a Service's integer annotations from `from` on that does not parse, or
 * NULL. */
static const cx_annotation *bad_service_annotation(const contour_object *svc, int *from)
{
    for (; *from < 4 && svc->annotation_count; (*from)++) {
        const cx_annotation *a = cx_compat_annotation(svc, service_int_annotations[*from]);
        uint32_t v;
        if (a && !cx_parse_uint32(a->value, &v)) {
            (*from)++;
            return a;
        }
    }
    return NULL;
}

bool cx_objrec_needed(const contour_object *o)
{
    int from = 0;
    switch (o->kind) {
    case CONTOUR_KIND_SECRET:
        return false;
    case CONTOUR_KIND_SERVICE: /* most Services: no record, no allocation */
        return bad_service_annotation(o, &from) != NULL;
    default:
        return true;
    }
}

static void service_warnings(builder *b, const contour_object *svc)
{
    int from = 0;
    for (const cx_annotation *a; (a = bad_service_annotation(svc, &from));)
        bad_annotation(b, svc, a, " is not an unsigned 32-bit integer; ignored");
}

/* Route options an Ingress's annotations give all its routes (spec §3). */
typedef struct ing_opts {
    cx_map websocket; /* paths of websocket-routes, when there are any */
    bool has_websocket;
    bool has_timeout;
    int64_t timeout_ms;
    bool has_retry;
    const char *retry_on;
    uint32_t num_retries;
    int64_t per_try_ms;
} ing_opts;

typedef struct span {
    const char *p;
    size_t n;
} span;

static bool span_is(const void *value, const void *key)
{
    const span *v = value, *k = key;
    return v->n == k->n && memcmp(v->p, k->p, k->n) == 0;
}

/* The websocket-routes paths (both spellings) as a set, so that a long list and many
 * paths stay linear. The spans point into the object; their records into `spans`. */
static void websocket_set(builder *b, const contour_object *o, ing_opts *op, cx_vec *spans)
{
    static const char *const keys[] = {"contour.heptio.com/websocket-routes",
                                       "projectcontour.io/websocket-routes"};
    size_t total = 0;
    for (int pass = 0; pass < 2 && !b->oom; pass++) {
        for (int i = 0; i < 2; i++) {
            const cx_annotation *a = cx_find_annotation(o, keys[i]);
            if (!a || !a->value)
                continue;
            const char *cur = a->value, *item;
            size_t n;
            while (cx_list_next(&cur, &item, &n)) {
                if (pass == 0) {
                    total++;
                    continue;
                }
                span *sp = cx_vec_push(spans, NULL); /* reserved: never moves */
                if (!sp) {
                    b->oom = true;
                    return;
                }
                *sp = (span){item, n};
                uint64_t h = cx_hash_bytes(op->websocket.key, item, n);
                if (!cx_map_find(&op->websocket, h, span_is, sp))
                    cx_map_put(&op->websocket, h, span_is, sp, sp);
            }
        }
        if (pass == 0) {
            if (!total)
                return;
            cx_map_init(&op->websocket, b->rx->alloc);
            op->has_websocket = true;
            if (!cx_vec_reserve(spans, total) || !cx_map_reserve(&op->websocket, total))
                b->oom = true;
        }
    }
}

static bool is_websocket(const ing_opts *op, const char *path)
{
    if (!op->has_websocket)
        return false;
    span k = {path, strlen(path)};
    return cx_map_find(&op->websocket, cx_hash_bytes(op->websocket.key, path, k.n), span_is, &k);
}

static void ing_read_opts(builder *b, const contour_object *o, cx_objrec *r, ing_opts *op)
{
    memset(op, 0, sizeof *op);
    r->http_allowed = true;
    if (!o->annotation_count)
        return;
    const cx_annotation *a = cx_find_annotation(o, "kubernetes.io/ingress.allow-http");
    r->http_allowed = !(a && a->value && strcmp(a->value, "false") == 0);
    a = cx_find_annotation(o, "ingress.kubernetes.io/force-ssl-redirect");
    r->force_ssl = a && a->value && strcmp(a->value, "true") == 0;
    a = cx_compat_annotation(o, "request-timeout");
    if (a) {
        int64_t ms;
        cx_timeout_kind k = cx_parse_timeout(a->value, &ms);
        if (k != CX_TIMEOUT_UNSET) {
            op->has_timeout = true;
            op->timeout_ms = ms;
        }
        if (k == CX_TIMEOUT_INVALID)
            bad_annotation(b, o, a, " is not a valid duration; routes never time out (infinity)");
        else if (k == CX_TIMEOUT_NEGATIVE)
            bad_annotation(b, o, a, " is negative; routes never time out (infinity)");
    }
    uint32_t nr = 0;
    a = cx_compat_annotation(o, "num-retries");
    if (a && !cx_parse_uint32(a->value, &nr)) {
        bad_annotation(b, o, a, " is not an unsigned 32-bit integer; ignored");
        nr = 0;
    }
    int64_t per_try = 0;
    a = cx_compat_annotation(o, "per-try-timeout");
    if (a && a->value && *a->value) {
        int64_t ns;
        if (!cx_go_parse_duration(a->value, strlen(a->value), &ns))
            bad_annotation(b, o, a, " is not a valid duration; no per-try timeout is set");
        else if (ns < 0)
            bad_annotation(b, o, a, " is negative; no per-try timeout is set");
        else
            per_try = cx_ns_to_ms(ns);
    }
    a = cx_compat_annotation(o, "retry-on");
    if (a && a->value && *a->value) {
        op->has_retry = true;
        op->retry_on = a->value;
        op->num_retries = nr < 1 ? 1 : nr;
        op->per_try_ms = per_try > 0 ? per_try : 0;
    }
}

static void backend_diag(builder *b, const char *code, const contour_object *o, cx_pos pos,
                         int32_t rule, uint32_t path)
{
    if (rule < 0)
        b_diag(b, LIST_A, CONTOUR_SEVERITY_WARNING, code, o, pos, "%s",
               o->u.ing.api == CX_INGRESS_NETWORKING_V1 ? "spec.defaultBackend" : "spec.backend");
    else
        b_diag(b, LIST_A, CONTOUR_SEVERITY_WARNING, code, o, pos,
               "spec.rules[%d].http.paths[%u].backend", rule, path);
}

/* The cluster of a backend, or none (with the warning that says why). */
static void backend_cluster(builder *b, const contour_object *o, const contour_ingress_backend *be,
                            const char *path, cx_pos pos, int32_t rule, uint32_t pi,
                            contour_route *r)
{
    cx_pos bpos = be && be->pos.line ? be->pos : pos;
    if (be && be->is_resource) {
        b_msg(b);
        cx_strbuf_puts(b->msg, "resource backends are not supported; path ");
        cx_msg_quote(b->msg, path);
        cx_strbuf_puts(b->msg, " has no cluster");
        backend_diag(b, "backend-unsupported", o, bpos, rule, pi);
        return;
    }
    if (!be || !be->service || !*be->service) {
        b_msg(b);
        cx_strbuf_puts(b->msg, "the backend names no Service; path ");
        cx_msg_quote(b->msg, path);
        cx_strbuf_puts(b->msg, " has no cluster");
        backend_diag(b, "service-not-found", o, bpos, rule, pi);
        return;
    }
    const contour_object *svc = cx_rx_obj(b->rx, be->key);
    if (!svc) {
        b_msg(b);
        cx_strbuf_printf(b->msg, "Service %s/%s not found; path ", o->ns, be->service);
        cx_msg_quote(b->msg, path);
        cx_strbuf_puts(b->msg, " has no cluster for it");
        backend_diag(b, "service-not-found", o, bpos, rule, pi);
        return;
    }
    int64_t port = be->port_is_name ? cx_port_by_name(svc, be->port_name)
                                    : cx_port_by_number(svc, be->port_number);
    if (port < 0) {
        b_msg(b);
        cx_strbuf_printf(b->msg, "Service %s/%s has no port ", o->ns, be->service);
        if (be->port_is_name) {
            cx_strbuf_puts(b->msg, "named ");
            cx_msg_quote(b->msg, be->port_name);
        } else {
            cx_strbuf_put_i64(b->msg, be->port_number);
        }
        cx_strbuf_puts(b->msg, "; path ");
        cx_msg_quote(b->msg, path);
        cx_strbuf_puts(b->msg, " has no cluster for it");
        backend_diag(b, "service-port-not-found", o, bpos, rule, pi);
        return;
    }
    contour_cluster *c = cx_arena_zalloc(b->arena, sizeof *c);
    if (!c) {
        b->oom = true;
        return;
    }
    b_pin(b, svc);
    cx_fill_cluster(c, svc, (uint32_t)port, true);
    r->clusters = c;
    r->cluster_count = 1;
}

static const cx_rtpl *ing_path(builder *b, const contour_object *o, const ing_opts *op,
                               const contour_ingress_path *p, const contour_ingress_backend *be,
                               int32_t rule, uint32_t pi, cx_pos pos)
{
    const char *path = p && p->path && *p->path ? p->path : "/";
    cx_rtpl *t = cx_arena_zalloc(b->arena, sizeof *t);
    if (!t) {
        b->oom = true;
        return NULL;
    }
    t->obj = o;
    t->pos = pos;
    t->rule = rule;
    t->index = pi;
    contour_route *r = &t->r;
    bool exact = p && o->u.ing.api == CX_INGRESS_NETWORKING_V1 && p->path_type &&
                 strcmp(p->path_type, "Exact") == 0;
    r->match = exact ? CONTOUR_MATCH_EXACT : CONTOUR_MATCH_PREFIX;
    r->path = path;
    r->websocket = is_websocket(op, path);
    r->has_timeout = op->has_timeout;
    r->timeout_ms = op->timeout_ms;
    r->has_retry = op->has_retry;
    r->retry_on = op->retry_on;
    r->num_retries = op->num_retries;
    r->per_try_timeout_ms = op->per_try_ms;
    r->source_kind = CONTOUR_KIND_INGRESS;
    r->source_ns = o->ns;
    r->source_name = o->name;
    backend_cluster(b, o, be, path, pos, rule, pi, r);
    cx_edge *e = be ? b_edge(b, CX_EDGE_BACKEND, o, be->key) : NULL;
    if (e) {
        e->missing = !cx_rx_obj(b->rx, be->key);
        e->rule = rule;
        e->index = pi;
        e->label = path;
        e->route = path;
    }
    return t;
}

/* spec.tls: which entries give a usable secret (warnings for the others). */
static void ing_tls(builder *b, const contour_object *o, cx_objrec *r)
{
    const cx_ingress *ing = &o->u.ing;
    const cx_annotation *mv = cx_compat_annotation(o, "tls-minimum-protocol-version");
    r->min_version = cx_min_tls_version(mv ? mv->value : NULL);
    if (mv && mv->value && strcmp(mv->value, "1.1") != 0 && strcmp(mv->value, "1.2") != 0 &&
        strcmp(mv->value, "1.3") != 0) {
        b_msg(b);
        cx_strbuf_printf(b->msg, "annotation %s: ", mv->key);
        cx_msg_quote(b->msg, mv->value);
        cx_strbuf_puts(b->msg, " is not \"1.1\", \"1.2\" or \"1.3\"; using \"1.1\"");
        b_diag(b, LIST_A, CONTOUR_SEVERITY_WARNING, "invalid-annotation", o, mv->pos,
               "metadata.annotations[%s]", mv->key);
    }
    if (!ing->tls_count)
        return;
    cx_ingtls *tls = cx_arena_array(b->arena, ing->tls_count, sizeof *tls);
    if (!tls) {
        b->oom = true;
        return;
    }
    memset(tls, 0, ing->tls_count * sizeof *tls);
    for (uint32_t t = 0; t < ing->tls_count && !b->oom; t++) {
        const cx_ingress_tls *x = &ing->tls[t];
        cx_pos pos = x->secret_pos.line ? x->secret_pos : x->pos;
        if (!x->secret_name || !*x->secret_name) {
            b_msg(b);
            cx_strbuf_printf(b->msg,
                             "spec.tls[%u] names no secret; its hosts are served without TLS", t);
            b_diag(b, LIST_A, CONTOUR_SEVERITY_WARNING, "tls-secret-not-found", o, pos,
                   "spec.tls[%u]", t);
            continue;
        }
        cx_edge *e = b_edge(b, CX_EDGE_INGRESS_TLS, o, x->key);
        if (e) {
            e->missing = !cx_rx_obj(b->rx, x->key);
            e->index = t;
        }
        cx_secret_check sc;
        cx_rx_secret(b->rx, x->key, o->ns, &sc);
        if (sc.rc != CX_SECRET_OK) {
            b_msg(b);
            cx_msg_secret_problem(b->msg, &sc, o->ns);
            cx_strbuf_printf(b->msg, "; spec.tls[%u] is ignored", t);
            b_diag(b, LIST_A, CONTOUR_SEVERITY_WARNING, cx_secret_code(sc.rc), o, pos,
                   "spec.tls[%u].secretName", t);
            continue;
        }
        tls[t].ok = true;
        tls[t].secret_ns = x->key->ns;
        tls[t].secret_name = x->key->name;
    }
    r->tls = tls;
    r->tls_count = ing->tls_count;
}

static void ing_routes(builder *b, const contour_object *o, cx_objrec *r, const ing_opts *op);

static void ingress(builder *b, const contour_object *o, cx_objrec *r)
{
    ing_opts op;
    ing_read_opts(b, o, r, &op);
    cx_vec spans;
    cx_vec_init(&spans, b->rx->alloc, sizeof(span));
    if (o->annotation_count)
        websocket_set(b, o, &op, &spans);
    ing_tls(b, o, r);
    ing_routes(b, o, r, &op);
    if (op.has_websocket)
        cx_map_release(&op.websocket);
    cx_vec_release(&spans);
}

static void ing_routes(builder *b, const contour_object *o, cx_objrec *r, const ing_opts *op)
{
    const cx_ingress *ing = &o->u.ing;
    uint32_t n = ing->has_default_backend;
    for (uint32_t i = 0; i < ing->rule_count; i++) {
        if (ing->rules[i].has_http)
            n += ing->rules[i].path_count;
    }
    if (!n || b->oom)
        return;
    const cx_rtpl **paths = cx_arena_array(b->arena, n, sizeof *paths);
    const char **hosts = cx_arena_array(b->arena, n, sizeof *hosts);
    if (!paths || !hosts) {
        b->oom = true;
        return;
    }
    uint32_t k = 0;
    for (uint32_t ri = 0; ri < ing->rule_count && !b->oom; ri++) {
        const contour_ingress_rule *rule = &ing->rules[ri];
        if (!rule->has_http)
            continue;
        const char *host = rule->host && *rule->host ? rule->host : "*";
        for (uint32_t p = 0; p < rule->path_count && !b->oom; p++) {
            const contour_ingress_path *path = &rule->paths[p];
            const contour_ingress_backend *be = path->has_backend ? &path->backend : NULL;
            hosts[k] = host;
            paths[k++] = ing_path(b, o, op, path, be, (int32_t)ri, p,
                                  path->pos.line ? path->pos : rule->pos);
        }
    }
    if (ing->has_default_backend && !b->oom) {
        const contour_ingress_backend *be = &ing->default_backend;
        hosts[k] = "*";
        paths[k++] = ing_path(b, o, op, NULL, be, -1, 0, be->pos.line ? be->pos : o->pos);
    }
    r->paths = paths;
    r->path_host = hosts;
    r->path_count = k;
}

static void delegation_edges(builder *b, const contour_object *o)
{
    const cx_tlscertdelegation *td = &o->u.td;
    for (uint32_t d = 0; d < td->delegation_count; d++) {
        cx_edge *e = b_edge(b, CX_EDGE_DELEGATION, o, td->delegations[d].key);
        if (e) {
            e->missing = !cx_rx_obj(b->rx, td->delegations[d].key);
            e->index = d;
        }
    }
}

cx_objrec *cx_objrec_make(cx_rx *rx, const contour_object *o)
{
    cx_arena arena;
    cx_record_arena(&rx->ows, &arena, rx->alloc, 512);
    cx_objrec *r = cx_arena_zalloc(&arena, sizeof *r);
    if (!r) {
        cx_arena_release(&arena);
        return NULL;
    }
    cx_shared_init(&r->rc, objrec_destroy);
    builder b;
    b_init(&b, rx, &arena, &r->rc);
    switch (o->kind) {
    case CONTOUR_KIND_INGRESSROUTE:
    case CONTOUR_KIND_INGRESS:
        r->ignored = cx_rx_ignored(rx, o);
        if (r->ignored)
            class_info(&b, o);
        else if (o->kind == CONTOUR_KIND_INGRESS)
            ingress(&b, o, r);
        break;
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION:
        delegation_edges(&b, o);
        break;
    case CONTOUR_KIND_SERVICE:
        service_warnings(&b, o);
        break;
    default:
        break;
    }
    r->diags = b_keep(&b, &b.diags[LIST_A], &r->ndiags);
    r->edges = b_keep(&b, b.edges, &r->edge_count);
    r->pins = b_keep(&b, b.pins, &r->npins);
    bool oom = b.oom;
    if (oom) {
        for (size_t i = 0; i < b.pins->len; i++)
            cx_shared_release(*(const cx_shared **)cx_vec_at(b.pins, i), rx->alloc);
    }
    b_release(&b);
    if (oom) {
        cx_arena_release(&arena);
        return NULL;
    }
    cx_object_retain(o);
    r->obj = o;
    r->arena = arena;
    return r;
}
