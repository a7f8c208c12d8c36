/*
 * Ingresses (spec §3): one route per rule path (the default backend last, as a rule for
 * "*" and "/"), route options from annotations, published after every IngressRoute walk so
 * that IngressRoutes win conflicts. Secure vhosts were set up by cx_rs_ingress_tls().
 */
#include "resolve.h"

#include <string.h>

#define ING CONTOUR_KIND_INGRESS

/* Route options an Ingress's annotations give all its routes. */
typedef struct ing_opts {
    bool http_allowed;
    bool force_ssl;
    bool has_timeout;
    int64_t timeout_ms;
    bool has_retry;
    const char *retry_on;
    uint32_t num_retries;
    int64_t per_try_ms;
    const char *ns, *name; /* graph strings */
    bool has_websocket;    /* websocket is initialised */
    cx_map websocket;      /* paths from websocket-routes (values: scratch strings) */
} ing_opts;

static void bad_annotation(cx_rs *rs, const contour_object *o, const cx_annotation *a,
                           const char *why)
{
    cx_rs_msg_reset(rs);
    cx_strbuf_printf(&rs->msg, "annotation %s: ", a->key);
    cx_rs_msg_quote(rs, a->value);
    cx_strbuf_puts(&rs->msg, why);
    cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "invalid-annotation", o, a->pos,
               "metadata.annotations[%s]", a->key);
}

typedef struct span {
    const char *p;
    size_t n;
} span;

static bool ws_eq(const void *value, const void *key)
{
    const char *v = value;
    const span *k = key;
    return strncmp(v, k->p, k->n) == 0 && v[k->n] == '\0';
}

/* Collects the websocket-routes paths (both spellings) into a set: lookups stay O(1) however
 * long the list and however many paths the Ingress has. */
static void websocket_set(cx_rs *rs, const contour_object *o, ing_opts *op)
{
    cx_map *set = &op->websocket;
    static const char *const keys[] = {"contour.heptio.com/websocket-routes",
                                       "projectcontour.io/websocket-routes"};
    for (int i = 0; i < 2; i++) {
        const cx_annotation *a = cx_find_annotation(o, keys[i]);
        if (!a || !a->value)
            continue;
        if (!op->has_websocket) {
            cx_map_init(set, rs->alloc);
            op->has_websocket = true;
        }
        const char *cur = a->value, *item;
        size_t n;
        while (cx_list_next(&cur, &item, &n)) {
            span k = {item, n};
            uint64_t h = cx_hash_bytes(set->key, item, n);
            if (cx_map_find(set, h, ws_eq, &k))
                continue;
            const char *copy = cx_arena_strndup(&rs->scratch, item, n);
            if (!copy || !cx_map_reserve(set, 1)) {
                rs->oom = true;
                return;
            }
            cx_map_put(set, h, ws_eq, &k, (void *)copy);
        }
    }
}

static bool is_websocket(const ing_opts *op, const char *path)
{
    if (!op->has_websocket || !op->websocket.count)
        return false;
    span k = {path, strlen(path)};
    return cx_map_find(&op->websocket, cx_hash_bytes(op->websocket.key, path, k.n), ws_eq, &k) !=
           NULL;
}

static void read_opts(cx_rs *rs, const contour_object *o, ing_opts *op)
{
    op->ns = cx_rs_ns(rs, o->ns);
    op->name = cx_rs_copy(rs, o->name);
    op->http_allowed = true;
    if (!o->annotation_count)
        return;
    const cx_annotation *a = cx_find_annotation(o, "kubernetes.io/ingress.allow-http");
    op->http_allowed = !(a && a->value && strcmp(a->value, "false") == 0);
    a = cx_find_annotation(o, "ingress.kubernetes.io/force-ssl-redirect");
    op->force_ssl = a && a->value && strcmp(a->value, "true") == 0;

    a = cx_compat_annotation(o, "request-timeout");
    if (a) {
        int64_t ms;
        cx_timeout_kind k = cx_parse_timeout(a->value, &ms);
        if (k != CX_TIMEOUT_UNSET) {
            op->has_timeout = true;
            op->timeout_ms = ms;
        }
        if (k == CX_TIMEOUT_INVALID)
            bad_annotation(rs, o, a, " is not a valid duration; routes never time out (infinity)");
        else if (k == CX_TIMEOUT_NEGATIVE)
            bad_annotation(rs, o, a, " is negative; routes never time out (infinity)");
    }

    uint32_t nr = 0;
    a = cx_compat_annotation(o, "num-retries");
    if (a && !cx_parse_uint32(a->value, &nr)) {
        bad_annotation(rs, o, a, " is not an unsigned 32-bit integer; ignored");
        nr = 0;
    }
    int64_t per_try = 0;
    a = cx_compat_annotation(o, "per-try-timeout");
    if (a && a->value && *a->value) {
        int64_t ns;
        if (!cx_go_parse_duration(a->value, strlen(a->value), &ns))
            bad_annotation(rs, o, a, " is not a valid duration; no per-try timeout is set");
        else if (ns < 0)
            bad_annotation(rs, o, a, " is negative; no per-try timeout is set");
        else
            per_try = cx_ns_to_ms(ns);
    }
    a = cx_compat_annotation(o, "retry-on");
    if (a && a->value && *a->value) {
        op->has_retry = true;
        op->retry_on = cx_rs_str(rs, a->value);
        op->num_retries = nr < 1 ? 1 : nr;
        op->per_try_ms = per_try > 0 ? per_try : 0;
    }
    websocket_set(rs, o, op);
}

/* Emits a backend warning with the backend's field. */
static void backend_diag(cx_rs *rs, const char *code, const contour_object *o, cx_pos pos,
                         int32_t rule, uint32_t path)
{
    if (rule < 0)
        cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, code, o, pos, "%s",
                   o->u.ing.api == CX_INGRESS_NETWORKING_V1 ? "spec.defaultBackend"
                                                            : "spec.backend");
    else
        cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, code, o, pos,
                   "spec.rules[%d].http.paths[%u].backend", rule, path);
}

/* The cluster of a backend, or none (with the warning that says why). svc is the backend's
 * Service, looked up beforehand. */
static void backend_cluster(cx_rs *rs, const contour_object *o, const contour_ingress_backend *be,
                            const contour_object *svc, const char *path, cx_pos pos, int32_t rule,
                            uint32_t pi, contour_route *r)
{
    r->clusters = NULL;
    r->cluster_count = 0;
    cx_pos bpos = be && be->pos.line ? be->pos : pos;
    if (be && be->is_resource) {
        cx_rs_msg_reset(rs);
        cx_strbuf_puts(&rs->msg, "resource backends are not supported; path ");
        cx_rs_msg_quote(rs, path);
        cx_strbuf_puts(&rs->msg, " has no cluster");
        backend_diag(rs, "backend-unsupported", o, bpos, rule, pi);
        return;
    }
    if (!be || !be->service || !*be->service) {
        cx_rs_msg_reset(rs);
        cx_strbuf_puts(&rs->msg, "the backend names no Service; path ");
        cx_rs_msg_quote(rs, path);
        cx_strbuf_puts(&rs->msg, " has no cluster");
        backend_diag(rs, "service-not-found", o, bpos, rule, pi);
        return;
    }
    if (!svc) {
        cx_rs_msg_reset(rs);
        cx_strbuf_printf(&rs->msg, "Service %s/%s not found; path ", o->ns, be->service);
        cx_rs_msg_quote(rs, path);
        cx_strbuf_puts(&rs->msg, " has no cluster for it");
        backend_diag(rs, "service-not-found", o, bpos, rule, pi);
        return;
    }
    int64_t port = be->port_is_name ? cx_rs_port_by_name(rs, svc, be->port_name)
                                    : cx_rs_port_by_number(rs, svc, be->port_number);
    if (port < 0) {
        cx_rs_msg_reset(rs);
        cx_strbuf_printf(&rs->msg, "Service %s/%s has no port ", o->ns, be->service);
        if (be->port_is_name) {
            cx_strbuf_puts(&rs->msg, "named ");
            cx_rs_msg_quote(rs, be->port_name);
        } else {
            cx_strbuf_put_i64(&rs->msg, be->port_number);
        }
        cx_strbuf_puts(&rs->msg, "; path ");
        cx_rs_msg_quote(rs, path);
        cx_strbuf_puts(&rs->msg, " has no cluster for it");
        backend_diag(rs, "service-port-not-found", o, bpos, rule, pi);
        return;
    }
    contour_cluster *c = cx_arena_zalloc(rs->ga, sizeof *c);
    if (!c) {
        rs->oom = true;
        return;
    }
    cx_rs_fill_cluster(rs, c, svc, (uint32_t)port, true);
    r->clusters = c;
    r->cluster_count = 1;
}

/* The vhosts a rule's routes go on (looked up once per rule): the insecure one unless
 * allow-http is "false", the secure one when some Ingress configured TLS for the host. */
typedef struct rule_vhosts {
    cx_vbuild *ins, *sec;
} rule_vhosts;

static rule_vhosts vhosts_for(cx_rs *rs, const ing_opts *op, const char *host)
{
    rule_vhosts v = {NULL, NULL};
    if (op->http_allowed)
        v.ins = cx_rs_vhost(rs, host);
    if (strcmp(host, "*") != 0) {
        v.sec = cx_rs_vhost_find(rs, host);
        if (v.sec && !v.sec->ingress_tls)
            v.sec = NULL;
    }
    return v;
}

static void add_path(cx_rs *rs, const contour_object *o, const ing_opts *op, rule_vhosts vh,
                     const contour_ingress_path *p, const contour_ingress_backend *be,
                     const contour_object *svc, int32_t rule, uint32_t pi, cx_pos pos)
{
    const char *path = p && p->path && *p->path ? p->path : "/";
    cx_rtpl *t = cx_arena_zalloc(&rs->scratch, sizeof *t);
    if (!t) {
        rs->oom = true;
        return;
    }
    t->obj = o;
    t->pos = pos;
    t->rule = rule;
    t->index = pi;
    contour_route *r = &t->r;
    bool exact = p && o->u.ing.api == CX_INGRESS_NETWORKING_V1 && p->path_type &&
                 strcmp(p->path_type, "Exact") == 0;
    r->match = exact ? CONTOUR_MATCH_EXACT : CONTOUR_MATCH_PREFIX;
    r->path = cx_rs_copy(rs, path);
    r->websocket = is_websocket(op, path);
    r->has_timeout = op->has_timeout;
    r->timeout_ms = op->timeout_ms;
    r->has_retry = op->has_retry;
    r->retry_on = op->retry_on;
    r->num_retries = op->num_retries;
    r->per_try_timeout_ms = op->per_try_ms;
    r->source_kind = CONTOUR_KIND_INGRESS;
    r->source_ns = op->ns;
    r->source_name = op->name;
    backend_cluster(rs, o, be, svc, path, pos, rule, pi, r);
    if (rs->oom)
        return;
    if (vh.ins)
        cx_rs_publish(rs, vh.ins, CX_L_INSECURE, t, op->force_ssl);
    if (vh.sec)
        cx_rs_publish(rs, vh.sec, CX_L_SECURE, t, false);
}

/* Whether a backend names a Service to look up. */
static bool has_service(const contour_ingress_backend *be)
{
    return be && !be->is_resource && be->service && *be->service;
}

/* The Services of every backend, in the order cx_rs_ingress_routes() visits them, looked up
 * in one batch. NULL (and oom set) on allocation failure. */
static cx_query *backend_services(cx_rs *rs, size_t *count)
{
    const contour_snapshot *s = rs->s;
    size_t n = 0;
    for (size_t i = 0; i < s->count[ING]; i++) {
        if (rs->ing_ignored[i])
            continue;
        const cx_ingress *ing = &s->sorted[ING][i]->u.ing;
        for (uint32_t r = 0; r < ing->rule_count; r++) {
            if (ing->rules[r].has_http)
                n += ing->rules[r].path_count;
        }
        n += ing->has_default_backend;
    }
    cx_query *q = cx_malloc(rs->alloc, (n ? n : 1) * sizeof *q);
    if (!q) {
        rs->oom = true;
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < s->count[ING]; i++) {
        if (rs->ing_ignored[i])
            continue;
        const contour_object *o = s->sorted[ING][i];
        const cx_ingress *ing = &o->u.ing;
        size_t ns_len = o->ns_len;
        for (uint32_t r = 0; r < ing->rule_count; r++) {
            if (!ing->rules[r].has_http)
                continue;
            for (uint32_t p = 0; p < ing->rules[r].path_count; p++) {
                const contour_ingress_path *path = &ing->rules[r].paths[p];
                const contour_ingress_backend *be = path->has_backend ? &path->backend : NULL;
                const char *name = has_service(be) ? be->service : "";
                q[k++] =
                    (cx_query){o->ns, name, ns_len, strlen(name), 0, NULL, CONTOUR_KIND_SERVICE};
            }
        }
        if (ing->has_default_backend) {
            const contour_ingress_backend *be = &ing->default_backend;
            const char *name = has_service(be) ? be->service : "";
            q[k++] = (cx_query){o->ns, name, ns_len, strlen(name), 0, NULL, CONTOUR_KIND_SERVICE};
        }
    }
    cx_rs_find_batch(rs, q, n);
    *count = n;
    return q;
}

void cx_rs_ingress_routes(cx_rs *rs)
{
    const contour_snapshot *s = rs->s;
    size_t nq = 0, qi = 0;
    cx_query *q = backend_services(rs, &nq);
    if (!q)
        return;
    for (size_t i = 0; i < s->count[ING] && !rs->oom; i++) {
        if (rs->ing_ignored[i])
            continue;
        const contour_object *o = s->sorted[ING][i];
        const cx_ingress *ing = &o->u.ing;
        ing_opts op;
        memset(&op, 0, sizeof op);
        read_opts(rs, o, &op);
        for (uint32_t r = 0; r < ing->rule_count && !rs->oom; r++) {
            const contour_ingress_rule *rule = &ing->rules[r];
            if (!rule->has_http)
                continue;
            const char *host = rule->host && *rule->host ? rule->host : "*";
            rule_vhosts vh = {NULL, NULL};
            if (rule->path_count)
                vh = vhosts_for(rs, &op, host);
            for (uint32_t p = 0; p < rule->path_count && !rs->oom; p++) {
                const contour_ingress_path *path = &rule->paths[p];
                const contour_ingress_backend *be = path->has_backend ? &path->backend : NULL;
                const contour_object *svc = has_service(be) ? q[qi].found : NULL;
                qi++;
                add_path(rs, o, &op, vh, path, be, svc, (int32_t)r, p,
                         path->pos.line ? path->pos : rule->pos);
            }
        }
        if (ing->has_default_backend && !rs->oom) {
            const contour_ingress_backend *be = &ing->default_backend;
            const contour_object *svc = has_service(be) ? q[qi].found : NULL;
            qi++;
            add_path(rs, o, &op, vhosts_for(rs, &op, "*"), NULL, be, svc, -1, 0,
                     be->pos.line ? be->pos : o->pos);
        }
        if (op.has_websocket)
            cx_map_release(&op.websocket);
    }
    cx_free(rs->alloc, q);
}
