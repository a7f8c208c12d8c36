/*
 * Bulk copy-out (contour/export.h): a graph's or a snapshot's contents as tables of
 * fixed-size int64 records and one string pool, laid out as docs/export.md says. The order
 * of the put_* calls in each emit_* function is the order of the fields of its table
 * there; tests/unit/test_export.c decodes exports with the offsets it reads from that page
 * and compares every field with its accessor.
 *
 * Two passes run the same walk: the first only counts each table's records and the string
 * bytes, so that the second writes every record in place into buffers allocated once, at
 * their exact size. A string met again at the same address (graph strings are interned,
 * and so are a snapshot's namespaces) reuses its copy in the pool, through a small cache
 * that both passes fill alike. The schema has a fixed depth, walked with nested loops: no
 * recursion. Fields hold what the public accessors return (the same NULL-when-absent rules), read
 * from the model directly: a call per field through the PLT would cost more than the
 * copy.
 */
#include "resolve_build.h"
#include "model.h"
#include "snapshot_internal.h"
#include "contour/export.h"

#include <string.h>

#define LAYOUT_VERSION 1
#define NTABLES        25
#define HEADER_WORDS   (3 + 3 * NTABLES)

#define GRAPH_PARTS                                                                                \
    (CONTOUR_EXPORT_PART_LISTENERS | CONTOUR_EXPORT_PART_STATUSES | CONTOUR_EXPORT_PART_DIAGNOSTICS)
#define SNAPSHOT_PARTS (CONTOUR_EXPORT_PART_OBJECTS | CONTOUR_EXPORT_PART_DIAGNOSTICS)

/* Short names for the tables. */
enum {
    T_LISTENER = CONTOUR_EXPORT_TABLE_LISTENER,
    T_VHOST = CONTOUR_EXPORT_TABLE_VHOST,
    T_ROUTE = CONTOUR_EXPORT_TABLE_ROUTE,
    T_CLUSTER = CONTOUR_EXPORT_TABLE_CLUSTER,
    T_HEALTH_CHECK = CONTOUR_EXPORT_TABLE_HEALTH_CHECK,
    T_STATUS = CONTOUR_EXPORT_TABLE_STATUS,
    T_STRING = CONTOUR_EXPORT_TABLE_STRING,
    T_DIAGNOSTIC = CONTOUR_EXPORT_TABLE_DIAGNOSTIC,
    T_OBJECT = CONTOUR_EXPORT_TABLE_OBJECT,
    T_OBJECT_DIAGNOSTIC = CONTOUR_EXPORT_TABLE_OBJECT_DIAGNOSTIC,
    T_ANNOTATION = CONTOUR_EXPORT_TABLE_ANNOTATION,
    T_IR = CONTOUR_EXPORT_TABLE_INGRESSROUTE,
    T_IR_ROUTE = CONTOUR_EXPORT_TABLE_INGRESSROUTE_ROUTE,
    T_IR_SERVICE = CONTOUR_EXPORT_TABLE_INGRESSROUTE_SERVICE,
    T_TD = CONTOUR_EXPORT_TABLE_TLSCERTIFICATEDELEGATION,
    T_TD_DELEGATION = CONTOUR_EXPORT_TABLE_TLSCERTIFICATEDELEGATION_DELEGATION,
    T_INGRESS = CONTOUR_EXPORT_TABLE_INGRESS,
    T_ING_RULE = CONTOUR_EXPORT_TABLE_INGRESS_RULE,
    T_ING_PATH = CONTOUR_EXPORT_TABLE_INGRESS_PATH,
    T_ING_BACKEND = CONTOUR_EXPORT_TABLE_INGRESS_BACKEND,
    T_ING_TLS = CONTOUR_EXPORT_TABLE_INGRESS_TLS,
    T_SERVICE = CONTOUR_EXPORT_TABLE_SERVICE,
    T_SERVICE_PORT = CONTOUR_EXPORT_TABLE_SERVICE_PORT,
    T_SECRET = CONTOUR_EXPORT_TABLE_SECRET,
    T_SECRET_KEY = CONTOUR_EXPORT_TABLE_SECRET_KEY,
};

/* Name and record size of each table (docs/export.md). */
static const struct {
    const char *name;
    uint32_t words;
} table_info[NTABLES] = {
    [T_LISTENER] = {"LISTENER", 6},
    [T_VHOST] = {"VHOST", 15},
    [T_ROUTE] = {"ROUTE", 21},
    [T_CLUSTER] = {"CLUSTER", 17},
    [T_HEALTH_CHECK] = {"HEALTH_CHECK", 8},
    [T_STATUS] = {"STATUS", 14},
    [T_STRING] = {"STRING", 2},
    [T_DIAGNOSTIC] = {"DIAGNOSTIC", 16},
    [T_OBJECT] = {"OBJECT", 16},
    [T_OBJECT_DIAGNOSTIC] = {"OBJECT_DIAGNOSTIC", 16},
    [T_ANNOTATION] = {"ANNOTATION", 4},
    [T_IR] = {"INGRESSROUTE", 19},
    [T_IR_ROUTE] = {"INGRESSROUTE_ROUTE", 20},
    [T_IR_SERVICE] = {"INGRESSROUTE_SERVICE", 7},
    [T_TD] = {"TLSCERTIFICATEDELEGATION", 2},
    [T_TD_DELEGATION] = {"TLSCERTIFICATEDELEGATION_DELEGATION", 4},
    [T_INGRESS] = {"INGRESS", 7},
    [T_ING_RULE] = {"INGRESS_RULE", 5},
    [T_ING_PATH] = {"INGRESS_PATH", 5},
    [T_ING_BACKEND] = {"INGRESS_BACKEND", 6},
    [T_ING_TLS] = {"INGRESS_TLS", 4},
    [T_SERVICE] = {"SERVICE", 2},
    [T_SERVICE_PORT] = {"SERVICE_PORT", 3},
    [T_SECRET] = {"SECRET", 5},
    [T_SECRET_KEY] = {"SECRET_KEY", 3},
};

struct contour_export {
    cx_alloc alloc; /* the graph's or snapshot's, copied: the export may outlive it */
    int64_t *words;
    size_t word_count;
    char *strings; /* never NULL: at least one byte */
    size_t string_size;
};

/* Strings recently copied into the pool, by address (direct-mapped). */
#define STRING_CACHE_BITS 12
#define STRING_CACHE      (1u << STRING_CACHE_BITS)

typedef struct cached_string {
    const char *s;
    size_t offset, len;
} cached_string;

/* One pass of the walk. Counting when words is NULL. */
typedef struct emitter {
    int64_t *words;
    char *strings;
    size_t start[NTABLES]; /* writing: the word where each table starts */
    size_t rows[NTABLES];  /* records emitted so far, per table */
    size_t pool;           /* string bytes emitted so far */
    bool overflow;         /* counting: the pool size does not fit in size_t */
    cached_string *cache;  /* STRING_CACHE entries, empty at the start of each pass */
} emitter;

/* The record being written: its words (NULL when counting) and the next field. A put past
 * the record's size is dropped, so a walk that disagreed with table_info could not write
 * outside its buffer. */
typedef struct rec {
    int64_t *w;
    uint32_t k, size;
} rec;

static rec new_row(emitter *e, int table)
{
    size_t row = e->rows[table]++;
    rec r = {NULL, 0, table_info[table].words};
    if (e->words)
        r.w = e->words + e->start[table] + row * r.size;
    return r;
}

static void put(rec *r, int64_t v)
{
    if (r->w && r->k < r->size)
        r->w[r->k] = v;
    r->k++;
}

static void put_str(emitter *e, rec *r, const char *s)
{
    if (!s) {
        put(r, -1);
        put(r, 0);
        return;
    }
    uint64_t h = (uint64_t)(uintptr_t)s * UINT64_C(0x9E3779B97F4A7C15);
    cached_string *c = &e->cache[h >> (64 - STRING_CACHE_BITS)];
    if (c->s != s) {
        c->s = s;
        c->len = strlen(s);
        c->offset = e->pool;
        if (e->words)
            memcpy(e->strings + e->pool, s, c->len + 1);
        if (!cx_size_add(e->pool, c->len, &e->pool) || !cx_size_add(e->pool, 1, &e->pool))
            e->overflow = true;
    }
    put(r, (int64_t)c->offset);
    put(r, (int64_t)c->len);
}

/* Reserves a range field; begin_list() fills it in when its records are emitted, since
 * records emitted in between (the clusters of a vhost's routes, before its tcpproxy's)
 * may land in the same table. */
static uint32_t put_range(rec *r)
{
    uint32_t at = r->k;
    put(r, 0);
    put(r, 0);
    return at;
}

static void begin_list(const emitter *e, rec *r, uint32_t at, int table, size_t n)
{
    if (r->w && at + 1 < r->size) {
        r->w[at] = (int64_t)e->rows[table];
        r->w[at + 1] = (int64_t)n;
    }
}

/* A ref field to the record the caller emits next in `table` (present), or -1. */
static void put_ref(const emitter *e, rec *r, int table, bool present)
{
    put(r, present ? (int64_t)e->rows[table] : -1);
}

/* ---- shared records ---- */

static void emit_health_check(emitter *e, rec *parent, const cx_health_check *h)
{
    put_ref(e, parent, T_HEALTH_CHECK, h != NULL);
    if (!h)
        return;
    rec r = new_row(e, T_HEALTH_CHECK);
    put_str(e, &r, h->path);
    put_str(e, &r, h->host);
    put(&r, h->interval_s);
    put(&r, h->timeout_s);
    put(&r, h->unhealthy_threshold);
    put(&r, h->healthy_threshold);
}

static void emit_diagnostic(emitter *e, int table, const contour_diagnostic *d)
{
    rec r = new_row(e, table);
    put(&r, d->severity);
    put_str(e, &r, d->code);
    put_str(e, &r, d->message);
    put_str(e, &r, d->file);
    put(&r, d->pos.line);
    put(&r, d->pos.col);
    put_str(e, &r, d->field);
    put(&r, d->obj_kind);
    put_str(e, &r, d->obj_ns);
    put_str(e, &r, d->obj_name);
}

static void emit_strings(emitter *e, rec *parent, uint32_t at, const char *const *s, size_t n)
{
    begin_list(e, parent, at, T_STRING, n);
    for (size_t i = 0; i < n; i++) {
        rec r = new_row(e, T_STRING);
        put_str(e, &r, s[i]);
    }
}

/* ---- the route graph ---- */

static void emit_clusters(emitter *e, rec *parent, uint32_t at, const contour_cluster *c, size_t n)
{
    begin_list(e, parent, at, T_CLUSTER, n);
    for (size_t i = 0; i < n; i++, c++) {
        rec r = new_row(e, T_CLUSTER);
        put_str(e, &r, c->ns);
        put_str(e, &r, c->service);
        put(&r, c->port);
        put_str(e, &r, c->port_name);
        put(&r, c->weight);
        put_str(e, &r, c->strategy);
        put_str(e, &r, c->protocol);
        emit_health_check(e, &r, c->has_health_check ? &c->health_check : NULL);
        put(&r, c->max_connections);
        put(&r, c->max_pending_requests);
        put(&r, c->max_requests);
        put(&r, c->max_retries);
    }
}

static void emit_route(emitter *e, const contour_route *rt)
{
    rec r = new_row(e, T_ROUTE);
    put(&r, rt->match);
    put_str(e, &r, rt->path);
    put(&r, rt->https_redirect);
    put(&r, rt->websocket);
    put_str(e, &r, rt->prefix_rewrite);
    put(&r, rt->has_timeout);
    put(&r, rt->has_timeout ? rt->timeout_ms : 0);
    put(&r, rt->has_retry);
    put_str(e, &r, rt->has_retry ? rt->retry_on : NULL);
    put(&r, rt->has_retry ? rt->num_retries : 0);
    put(&r, rt->has_retry ? rt->per_try_timeout_ms : 0);
    put(&r, rt->source_kind);
    put_str(e, &r, rt->source_ns);
    put_str(e, &r, rt->source_name);
    uint32_t clusters = put_range(&r);
    emit_clusters(e, &r, clusters, rt->clusters, rt->cluster_count);
}

static void emit_vhost(emitter *e, const contour_vhost *v)
{
    rec r = new_row(e, T_VHOST);
    put_str(e, &r, v->fqdn);
    put(&r, v->has_tls);
    put_str(e, &r, v->has_tls ? v->secret_ns : NULL);
    put_str(e, &r, v->has_tls ? v->secret_name : NULL);
    put_str(e, &r, v->has_tls ? v->min_version : NULL);
    put(&r, v->passthrough);
    uint32_t routes = put_range(&r);
    put(&r, v->has_tcpproxy);
    uint32_t tcp = put_range(&r);
    begin_list(e, &r, routes, T_ROUTE, v->route_count);
    for (uint32_t i = 0; i < v->route_count; i++)
        emit_route(e, &v->routes[i]);
    emit_clusters(e, &r, tcp, v->tcp_clusters, v->tcp_cluster_count);
}

static void emit_listener(emitter *e, const contour_listener *l)
{
    rec r = new_row(e, T_LISTENER);
    put_str(e, &r, l->name);
    put(&r, l->port);
    put(&r, l->secure);
    uint32_t vhosts = put_range(&r);
    begin_list(e, &r, vhosts, T_VHOST, l->vhost_count);
    for (uint32_t i = 0; i < l->vhost_count; i++)
        emit_vhost(e, contour_listener_vhost_at(l, i));
}

static void emit_status(emitter *e, const contour_status *s)
{
    rec r = new_row(e, T_STATUS);
    put(&r, s->kind);
    put_str(e, &r, s->ns);
    put_str(e, &r, s->name);
    put(&r, s->state);
    put_str(e, &r, s->description);
    uint32_t vhosts = put_range(&r);
    put_str(e, &r, s->file);
    put(&r, s->pos.line);
    put(&r, s->pos.col);
    emit_strings(e, &r, vhosts, s->vhosts, s->vhost_count);
}

/* ---- objects ---- */

static void emit_ir_services(emitter *e, rec *parent, uint32_t at,
                             const contour_ingressroute_service *s, size_t n)
{
    begin_list(e, parent, at, T_IR_SERVICE, n);
    for (size_t i = 0; i < n; i++, s++) {
        rec r = new_row(e, T_IR_SERVICE);
        put_str(e, &r, s->name);
        put(&r, s->port);
        put(&r, s->weight);
        put_str(e, &r, s->strategy);
        emit_health_check(e, &r, s->has_health_check ? s->health_check : NULL);
    }
}

static void emit_ir_route(emitter *e, const contour_ingressroute_route *rt)
{
    rec r = new_row(e, T_IR_ROUTE);
    put_str(e, &r, rt->match);
    uint32_t services = put_range(&r);
    put(&r, rt->has_delegate);
    put_str(e, &r, rt->has_delegate ? rt->delegate.name : NULL);
    put_str(e, &r, rt->has_delegate ? rt->delegate.ns : NULL);
    put(&r, rt->enable_websockets);
    put(&r, rt->permit_insecure);
    put_str(e, &r, rt->prefix_rewrite);
    put(&r, rt->has_timeout_policy);
    put_str(e, &r, rt->timeout_request);
    put(&r, rt->has_retry_policy);
    put(&r, rt->retry_count);
    put_str(e, &r, rt->retry_per_try_timeout);
    emit_ir_services(e, &r, services, rt->services, rt->service_count);
}

static void emit_ingressroute(emitter *e, const cx_ingressroute *ir)
{
    rec r = new_row(e, T_IR);
    put(&r, ir->has_virtualhost);
    put_str(e, &r, ir->fqdn);
    put(&r, ir->has_tls);
    put_str(e, &r, ir->tls_secret_name);
    put_str(e, &r, ir->tls_min_version);
    put(&r, ir->tls_passthrough);
    uint32_t routes = put_range(&r);
    put(&r, ir->has_tcpproxy);
    uint32_t tcp = put_range(&r);
    put(&r, ir->tcp_has_delegate);
    put_str(e, &r, ir->tcp_has_delegate ? ir->tcp_delegate.name : NULL);
    put_str(e, &r, ir->tcp_has_delegate ? ir->tcp_delegate.ns : NULL);
    begin_list(e, &r, routes, T_IR_ROUTE, ir->route_count);
    for (uint32_t i = 0; i < ir->route_count; i++)
        emit_ir_route(e, &ir->routes[i]);
    emit_ir_services(e, &r, tcp, ir->tcp_services, ir->tcp_service_count);
}

static void emit_tlscertificatedelegation(emitter *e, const cx_tlscertdelegation *td)
{
    rec r = new_row(e, T_TD);
    uint32_t delegations = put_range(&r);
    begin_list(e, &r, delegations, T_TD_DELEGATION, td->delegation_count);
    for (uint32_t i = 0; i < td->delegation_count; i++) {
        const cx_cert_delegation *d = &td->delegations[i];
        rec dr = new_row(e, T_TD_DELEGATION);
        put_str(e, &dr, d->secret_name);
        uint32_t targets = put_range(&dr);
        emit_strings(e, &dr, targets, d->targets, d->target_count);
    }
}

static void emit_backend(emitter *e, rec *parent, const contour_ingress_backend *b)
{
    put_ref(e, parent, T_ING_BACKEND, b != NULL);
    if (!b)
        return;
    rec r = new_row(e, T_ING_BACKEND);
    put_str(e, &r, b->service);
    put(&r, b->port_is_name ? 0 : b->port_number);
    put_str(e, &r, b->port_is_name ? b->port_name : NULL);
    put(&r, b->is_resource);
}

static void emit_ingress(emitter *e, const cx_ingress *ing)
{
    rec r = new_row(e, T_INGRESS);
    put_str(e, &r, ing->class_name);
    emit_backend(e, &r, ing->has_default_backend ? &ing->default_backend : NULL);
    uint32_t rules = put_range(&r);
    uint32_t tls = put_range(&r);
    begin_list(e, &r, rules, T_ING_RULE, ing->rule_count);
    for (uint32_t i = 0; i < ing->rule_count; i++) {
        const contour_ingress_rule *rule = &ing->rules[i];
        rec rr = new_row(e, T_ING_RULE);
        put_str(e, &rr, rule->host);
        put(&rr, rule->has_http);
        uint32_t paths = put_range(&rr);
        begin_list(e, &rr, paths, T_ING_PATH, rule->path_count);
        for (uint32_t j = 0; j < rule->path_count; j++) {
            const contour_ingress_path *p = &rule->paths[j];
            rec pr = new_row(e, T_ING_PATH);
            put_str(e, &pr, p->path);
            put_str(e, &pr, p->path_type);
            emit_backend(e, &pr, p->has_backend ? &p->backend : NULL);
        }
    }
    begin_list(e, &r, tls, T_ING_TLS, ing->tls_count);
    for (uint32_t i = 0; i < ing->tls_count; i++) {
        const cx_ingress_tls *t = &ing->tls[i];
        rec tr = new_row(e, T_ING_TLS);
        put_str(e, &tr, t->secret_name);
        uint32_t hosts = put_range(&tr);
        emit_strings(e, &tr, hosts, t->hosts, t->host_count);
    }
}

static void emit_service(emitter *e, const cx_service *svc)
{
    rec r = new_row(e, T_SERVICE);
    uint32_t ports = put_range(&r);
    begin_list(e, &r, ports, T_SERVICE_PORT, svc->port_count);
    for (uint32_t i = 0; i < svc->port_count; i++) {
        rec pr = new_row(e, T_SERVICE_PORT);
        put_str(e, &pr, svc->ports[i].name);
        put(&pr, svc->ports[i].port);
    }
}

static void emit_secret(emitter *e, const contour_object *o)
{
    const cx_secret *sec = &o->u.sec;
    rec r = new_row(e, T_SECRET);
    put_str(e, &r, sec->type);
    uint32_t keys = put_range(&r);
    put(&r, contour_secret_is_tls(o));
    begin_list(e, &r, keys, T_SECRET_KEY, sec->key_count);
    for (uint32_t i = 0; i < sec->key_count; i++) {
        rec kr = new_row(e, T_SECRET_KEY);
        put_str(e, &kr, sec->keys[i].key);
        put(&kr, sec->keys[i].nonempty);
    }
}

/* The table of an object's typed part, by kind (docs/export.md, OBJECT.spec). */
static int spec_table(contour_kind kind)
{
    switch (kind) {
    case CONTOUR_KIND_INGRESSROUTE:
        return T_IR;
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION:
        return T_TD;
    case CONTOUR_KIND_INGRESS:
        return T_INGRESS;
    case CONTOUR_KIND_SERVICE:
        return T_SERVICE;
    case CONTOUR_KIND_SECRET:
        return T_SECRET;
    case CONTOUR_KIND_NONE:
        break;
    }
    return -1;
}

static void emit_object(emitter *e, const contour_object *o)
{
    rec r = new_row(e, T_OBJECT);
    put(&r, o->kind);
    put_str(e, &r, o->api_version);
    put_str(e, &r, o->ns);
    put_str(e, &r, o->name);
    put_str(e, &r, o->source ? o->source->name : NULL);
    put(&r, o->pos.line);
    put(&r, o->pos.col);
    uint32_t annotations = put_range(&r);
    uint32_t diagnostics = put_range(&r);
    int spec = spec_table(o->kind);
    put_ref(e, &r, spec < 0 ? T_OBJECT : spec, spec >= 0);

    begin_list(e, &r, annotations, T_ANNOTATION, o->annotation_count);
    for (uint32_t i = 0; i < o->annotation_count; i++) {
        const cx_annotation *a = &o->annotations[i];
        rec ar = new_row(e, T_ANNOTATION);
        put_str(e, &ar, a->key);
        put_str(e, &ar, a->value ? a->value : "");
    }
    size_t ndiags = o->sorted_diags ? o->diags.count : 0;
    begin_list(e, &r, diagnostics, T_OBJECT_DIAGNOSTIC, ndiags);
    for (size_t i = 0; i < ndiags; i++)
        emit_diagnostic(e, T_OBJECT_DIAGNOSTIC, o->sorted_diags[i]);

    switch (o->kind) {
    case CONTOUR_KIND_INGRESSROUTE:
        emit_ingressroute(e, &o->u.ir);
        break;
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION:
        emit_tlscertificatedelegation(e, &o->u.td);
        break;
    case CONTOUR_KIND_INGRESS:
        emit_ingress(e, &o->u.ing);
        break;
    case CONTOUR_KIND_SERVICE:
        emit_service(e, &o->u.svc);
        break;
    case CONTOUR_KIND_SECRET:
        emit_secret(e, o);
        break;
    case CONTOUR_KIND_NONE:
        break;
    }
}

/* ---- what to export ---- */

typedef struct job {
    const contour_graph *graph;       /* a graph export, or */
    const contour_snapshot *snapshot; /* a snapshot export */
    const contour_status *status;     /* one status of graph, or NULL */
    const contour_object *object;     /* one object of snapshot, or NULL */
    contour_kind kind;                /* snapshot objects: one kind, or NONE for all */
    uint32_t parts;
} job;

static void walk_graph(emitter *e, const job *j)
{
    const contour_graph *g = j->graph;
    if (j->status) {
        emit_status(e, j->status);
        return;
    }
    if (j->parts & CONTOUR_EXPORT_PART_LISTENERS) {
        for (uint32_t i = 0; i < g->listener_count; i++)
            emit_listener(e, &g->listeners[i]);
    }
    if (j->parts & CONTOUR_EXPORT_PART_STATUSES) {
        cx_pt_iter it;
        cx_pt_iter_init(&it, &g->statuses, 0);
        for (const contour_status *st; (st = cx_pt_iter_next(&it));)
            emit_status(e, st);
    }
    if (j->parts & CONTOUR_EXPORT_PART_DIAGNOSTICS) {
        cx_pt_iter it;
        cx_pt_iter_init(&it, &g->diags, 0);
        for (const contour_diagnostic *d; (d = cx_pt_iter_next(&it));)
            emit_diagnostic(e, T_DIAGNOSTIC, d);
    }
}

static void walk_snapshot(emitter *e, const job *j)
{
    const contour_snapshot *s = j->snapshot;
    if (j->object) {
        emit_object(e, j->object);
        return;
    }
    if (j->parts & CONTOUR_EXPORT_PART_OBJECTS) {
        int first = j->kind == CONTOUR_KIND_NONE ? 1 : (int)j->kind;
        int last = j->kind == CONTOUR_KIND_NONE ? CX_KIND_COUNT : (int)j->kind;
        for (int k = first; k <= last; k++) {
            cx_pt_iter it;
            cx_pt_iter_init(&it, &s->order[k], 0);
            for (const contour_object *o; (o = cx_pt_iter_next(&it));)
                emit_object(e, o);
        }
    }
    if (j->parts & CONTOUR_EXPORT_PART_DIAGNOSTICS) {
        cx_pt_iter it;
        cx_pt_iter_init(&it, &s->diags, 0);
        for (const contour_diagnostic *d; (d = cx_pt_iter_next(&it));)
            emit_diagnostic(e, T_DIAGNOSTIC, d);
    }
}

static void walk(emitter *e, const job *j)
{
    if (j->graph)
        walk_graph(e, j);
    else
        walk_snapshot(e, j);
}

static void release(const cx_alloc *alloc, contour_export *x)
{
    cx_free(alloc, x->words);
    cx_free(alloc, x->strings);
    cx_free(alloc, x);
}

/* Counts, allocates, then writes; the string cache is emptied before each pass. */
static contour_result build_with(contour_export **out, const cx_alloc *alloc, const job *j,
                                 cached_string *cache)
{
    emitter count;
    memset(&count, 0, sizeof count);
    count.cache = cache;
    walk(&count, j);

    size_t start[NTABLES];
    size_t total = HEADER_WORDS;
    for (int t = 0; t < NTABLES; t++) {
        size_t words;
        start[t] = total;
        if (!cx_size_mul(count.rows[t], table_info[t].words, &words) ||
            !cx_size_add(total, words, &total))
            return CONTOUR_ERR_NOMEM;
    }
    size_t word_bytes, pool_bytes;
    if (count.overflow || total > INT64_MAX || count.pool > INT64_MAX ||
        !cx_size_mul(total, sizeof(int64_t), &word_bytes) ||
        !cx_size_add(count.pool, count.pool == 0, &pool_bytes))
        return CONTOUR_ERR_NOMEM;

    contour_export *x = cx_calloc(alloc, 1, sizeof *x);
    if (!x)
        return CONTOUR_ERR_NOMEM;
    x->alloc = *alloc;
    x->words = cx_malloc(alloc, word_bytes);
    x->strings = cx_malloc(alloc, pool_bytes);
    if (!x->words || !x->strings) {
        release(alloc, x);
        return CONTOUR_ERR_NOMEM;
    }
    x->word_count = total;
    x->string_size = count.pool;
    x->strings[0] = '\0'; /* an empty pool is one NUL byte */

    int64_t *h = x->words;
    h[0] = LAYOUT_VERSION;
    h[1] = j->parts;
    h[2] = NTABLES;
    for (int t = 0; t < NTABLES; t++) {
        h[3 + 3 * t] = (int64_t)start[t];
        h[4 + 3 * t] = (int64_t)count.rows[t];
        h[5 + 3 * t] = table_info[t].words;
    }

    emitter fill;
    memset(&fill, 0, sizeof fill);
    fill.words = x->words;
    fill.strings = x->strings;
    memcpy(fill.start, start, sizeof start);
    memset(cache, 0, STRING_CACHE * sizeof *cache);
    fill.cache = cache;
    walk(&fill, j);
    *out = x;
    return CONTOUR_OK;
}

/* An export, with a string cache for its passes. */
static contour_result build(contour_export **out, const cx_alloc *alloc, const job *j)
{
    cached_string *cache = cx_calloc(alloc, STRING_CACHE, sizeof *cache);
    if (!cache)
        return CONTOUR_ERR_NOMEM;
    contour_result rc = build_with(out, alloc, j, cache);
    cx_free(alloc, cache);
    return rc;
}

/* ---- public API ---- */

uint32_t contour_export_layout_version(void)
{
    return LAYOUT_VERSION;
}

const char *contour_export_table_name(contour_export_table table)
{
    return (unsigned)table < NTABLES ? table_info[table].name : "";
}

contour_result contour_graph_export(contour_export **out, const contour_graph *graph,
                                    uint32_t parts)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!graph || !parts || (parts & ~(uint32_t)GRAPH_PARTS))
        return CONTOUR_ERR_INVALID;
    job j = {graph, NULL, NULL, NULL, CONTOUR_KIND_NONE, parts};
    return build(out, &graph->alloc, &j);
}

contour_result contour_graph_export_status(contour_export **out, const contour_graph *graph,
                                           const contour_status *status)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!graph || !status)
        return CONTOUR_ERR_INVALID;
    if (!cx_graph_holds_status(graph, status))
        return CONTOUR_ERR_INVALID;
    job j = {graph, NULL, status, NULL, CONTOUR_KIND_NONE, CONTOUR_EXPORT_PART_STATUSES};
    return build(out, &graph->alloc, &j);
}

contour_result contour_snapshot_export(contour_export **out, const contour_snapshot *snapshot,
                                       contour_kind kind, uint32_t parts)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!snapshot || (unsigned)kind > CX_KIND_COUNT || !parts ||
        (parts & ~(uint32_t)SNAPSHOT_PARTS))
        return CONTOUR_ERR_INVALID;
    job j = {NULL, snapshot, NULL, NULL, kind, parts};
    return build(out, &snapshot->alloc, &j);
}

contour_result contour_snapshot_export_object(contour_export **out,
                                              const contour_snapshot *snapshot,
                                              const contour_object *object)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!snapshot || !object)
        return CONTOUR_ERR_INVALID;
    contour_kind k = object->kind;
    if (k < 1 || (unsigned)k > CX_KIND_COUNT || !cx_snapshot_holds(snapshot, object))
        return CONTOUR_ERR_INVALID;
    job j = {NULL, snapshot, NULL, object, k, CONTOUR_EXPORT_PART_OBJECTS};
    return build(out, &snapshot->alloc, &j);
}

const int64_t *contour_export_words(const contour_export *e)
{
    return e ? e->words : NULL;
}

size_t contour_export_word_count(const contour_export *e)
{
    return e ? e->word_count : 0;
}

const char *contour_export_strings(const contour_export *e)
{
    return e ? e->strings : NULL;
}

size_t contour_export_string_size(const contour_export *e)
{
    return e ? e->string_size : 0;
}

void contour_export_free(contour_export *e)
{
    if (!e)
        return;
    cx_alloc alloc = e->alloc; /* the struct holds the allocator: copy it first */
    release(&alloc, e);
}
