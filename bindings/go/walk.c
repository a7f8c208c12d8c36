/*
 * Copy-out walkers for the Go binding; see walk.h. The order of the put_* calls in each
 * emit_* function is the tape layout, and the matching read* function in the Go file named
 * beside it reads the words back in the same order: change both together.
 */
#include "walk.h"

#include <stdlib.h>
#include <string.h>

typedef struct tape {
    int64_t *w;
    size_t nw, capw;
    char *p;
    size_t np, capp;
    bool oom;
} tape;

static bool grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    size_t n = *cap ? *cap : 256;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return false;
        n *= 2;
    }
    void *q = realloc(*buf, n * elem);
    if (!q)
        return false;
    *buf = q;
    *cap = n;
    return true;
}

static void put(tape *t, int64_t v)
{
    if (t->oom)
        return;
    if (t->nw == t->capw && !grow((void **)&t->w, &t->capw, t->nw + 1, sizeof *t->w)) {
        t->oom = true;
        return;
    }
    t->w[t->nw++] = v;
}

static void put_bool(tape *t, bool v)
{
    put(t, v ? 1 : 0);
}

static void put_str(tape *t, const char *s)
{
    if (!s) {
        put(t, -1);
        put(t, 0);
        return;
    }
    size_t n = strlen(s);
    put(t, (int64_t)t->np);
    put(t, (int64_t)n);
    if (t->oom)
        return;
    if (n > t->capp - t->np && !grow((void **)&t->p, &t->capp, t->np + n, 1)) {
        t->oom = true;
        return;
    }
    memcpy(t->p + t->np, s, n);
    t->np += n;
}

static tape tape_start(void)
{
    tape t = {NULL, 0, 0, NULL, 0, 0, false};
    return t;
}

static int tape_finish(tape *t, cxgo_result *out)
{
    if (t->oom) {
        free(t->w);
        free(t->p);
        *out = (cxgo_result){NULL, 0, NULL, 0};
        return -1;
    }
    *out = (cxgo_result){t->w, t->nw, t->p, t->np};
    return 0;
}

void cxgo_result_free(cxgo_result *r)
{
    free(r->words);
    free(r->bytes);
    *r = (cxgo_result){NULL, 0, NULL, 0};
}

/* ------------------------------------------------------------------------------------------ */
/* Diagnostics (diagnostic.go: readDiagnostic)                                                */
/* ------------------------------------------------------------------------------------------ */

static void emit_diag(tape *t, const contour_diagnostic *d)
{
    put(t, contour_diagnostic_severity(d));
    put_str(t, contour_diagnostic_code(d));
    put_str(t, contour_diagnostic_message(d));
    put_str(t, contour_diagnostic_file(d));
    put(t, contour_diagnostic_line(d));
    put(t, contour_diagnostic_column(d));
    put_str(t, contour_diagnostic_field(d));
    put(t, contour_diagnostic_object_kind(d));
    put_str(t, contour_diagnostic_object_namespace(d));
    put_str(t, contour_diagnostic_object_name(d));
}

int cxgo_graph_diagnostics(const contour_graph *g, int severity, cxgo_result *out)
{
    tape t = tape_start();
    size_t n = contour_graph_diagnostic_count(g);
    size_t m = severity < 0
                   ? n
                   : contour_graph_diagnostic_count_by_severity(g, (contour_severity)severity);
    put(&t, (int64_t)m);
    for (size_t i = 0; i < n; i++) {
        const contour_diagnostic *d = contour_graph_diagnostic_at(g, i);
        if (severity < 0 || (int)contour_diagnostic_severity(d) == severity)
            emit_diag(&t, d);
    }
    return tape_finish(&t, out);
}

int cxgo_snapshot_diagnostics(const contour_snapshot *s, cxgo_result *out)
{
    tape t = tape_start();
    size_t n = contour_snapshot_diagnostic_count(s);
    put(&t, (int64_t)n);
    for (size_t i = 0; i < n; i++)
        emit_diag(&t, contour_snapshot_diagnostic_at(s, i));
    return tape_finish(&t, out);
}

/* ------------------------------------------------------------------------------------------ */
/* Route graph (graph.go: readListener and friends)                                           */
/* ------------------------------------------------------------------------------------------ */

static void emit_cluster(tape *t, const contour_cluster *c)
{
    put_str(t, contour_cluster_namespace(c));
    put_str(t, contour_cluster_service(c));
    put(t, contour_cluster_port(c));
    put_str(t, contour_cluster_port_name(c));
    put(t, contour_cluster_weight(c));
    put_str(t, contour_cluster_strategy(c));
    put_str(t, contour_cluster_protocol(c));
    bool hc = (contour_cluster_health_check(c) != NULL);
    put_bool(t, hc);
    if (hc) {
        put_str(t, contour_health_check_path(contour_cluster_health_check(c)));
        put_str(t, contour_health_check_host(contour_cluster_health_check(c)));
        put(t, contour_health_check_interval_s(contour_cluster_health_check(c)));
        put(t, contour_health_check_timeout_s(contour_cluster_health_check(c)));
        put(t, contour_health_check_unhealthy_threshold(contour_cluster_health_check(c)));
        put(t, contour_health_check_healthy_threshold(contour_cluster_health_check(c)));
    }
    put(t, contour_cluster_max_connections(c));
    put(t, contour_cluster_max_pending_requests(c));
    put(t, contour_cluster_max_requests(c));
    put(t, contour_cluster_max_retries(c));
}

static void emit_route(tape *t, const contour_route *r)
{
    put(t, contour_route_match_type(r));
    put_str(t, contour_route_path(r));
    put_bool(t, contour_route_https_redirect(r));
    put_bool(t, contour_route_websocket(r));
    put_str(t, contour_route_prefix_rewrite(r));
    bool timeout = contour_route_has_timeout(r);
    put_bool(t, timeout);
    if (timeout)
        put(t, contour_route_timeout_ms(r));
    bool retry = contour_route_has_retry(r);
    put_bool(t, retry);
    if (retry) {
        put_str(t, contour_route_retry_on(r));
        put(t, contour_route_retry_num_retries(r));
        put(t, contour_route_retry_per_try_timeout_ms(r));
    }
    put(t, contour_route_source_kind(r));
    put_str(t, contour_route_source_namespace(r));
    put_str(t, contour_route_source_name(r));
    size_t n = contour_route_cluster_count(r);
    put(t, (int64_t)n);
    for (size_t i = 0; i < n; i++)
        emit_cluster(t, contour_route_cluster_at(r, i));
}

static void emit_vhost(tape *t, const contour_vhost *v)
{
    put_str(t, contour_vhost_fqdn(v));
    bool tls = contour_vhost_has_tls(v);
    put_bool(t, tls);
    if (tls) {
        put_str(t, contour_vhost_tls_secret_namespace(v));
        put_str(t, contour_vhost_tls_secret_name(v));
        put_str(t, contour_vhost_tls_min_protocol_version(v));
        put_bool(t, contour_vhost_tls_passthrough(v));
    }
    size_t n = contour_vhost_route_count(v);
    put(t, (int64_t)n);
    for (size_t i = 0; i < n; i++)
        emit_route(t, contour_vhost_route_at(v, i));
    bool tcp = contour_vhost_has_tcpproxy(v);
    put_bool(t, tcp);
    if (tcp) {
        size_t m = contour_vhost_tcpproxy_cluster_count(v);
        put(t, (int64_t)m);
        for (size_t i = 0; i < m; i++)
            emit_cluster(t, contour_vhost_tcpproxy_cluster_at(v, i));
    }
}

int cxgo_graph_listeners(const contour_graph *g, cxgo_result *out)
{
    tape t = tape_start();
    size_t n = contour_graph_listener_count(g);
    put(&t, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        const contour_listener *l = contour_graph_listener_at(g, i);
        put_str(&t, contour_listener_name(l));
        put(&t, contour_listener_port(l));
        put_bool(&t, contour_listener_is_secure(l));
        size_t m = contour_listener_vhost_count(l);
        put(&t, (int64_t)m);
        for (size_t j = 0; j < m; j++)
            emit_vhost(&t, contour_listener_vhost_at(l, j));
    }
    return tape_finish(&t, out);
}

/* ------------------------------------------------------------------------------------------ */
/* Statuses (graph.go: readStatus)                                                            */
/* ------------------------------------------------------------------------------------------ */

static void emit_status(tape *t, const contour_status *s)
{
    put(t, contour_status_kind(s));
    put_str(t, contour_status_namespace(s));
    put_str(t, contour_status_name(s));
    put(t, contour_status_state(s));
    put_str(t, contour_status_description(s));
    size_t n = contour_status_vhost_count(s);
    put(t, (int64_t)n);
    for (size_t i = 0; i < n; i++)
        put_str(t, contour_status_vhost_at(s, i));
    put_str(t, contour_status_file(s));
    put(t, contour_status_line(s));
    put(t, contour_status_column(s));
}

int cxgo_graph_statuses(const contour_graph *g, const contour_status *one, cxgo_result *out)
{
    tape t = tape_start();
    if (one) {
        put(&t, 1);
        emit_status(&t, one);
    } else {
        size_t n = contour_graph_status_count(g);
        put(&t, (int64_t)n);
        for (size_t i = 0; i < n; i++)
            emit_status(&t, contour_graph_status_at(g, i));
    }
    return tape_finish(&t, out);
}

/* ------------------------------------------------------------------------------------------ */
/* Objects (object.go: readObject)                                                            */
/* ------------------------------------------------------------------------------------------ */

static void emit_ir_service(tape *t, const contour_ingressroute_service *s)
{
    put_str(t, contour_ingressroute_service_name(s));
    put(t, contour_ingressroute_service_port(s));
    put(t, contour_ingressroute_service_weight(s));
    put_str(t, contour_ingressroute_service_strategy(s));
    bool hc = (contour_ingressroute_service_health_check(s) != NULL);
    put_bool(t, hc);
    if (hc) {
        put_str(t, contour_health_check_path(contour_ingressroute_service_health_check(s)));
        put_str(t, contour_health_check_host(contour_ingressroute_service_health_check(s)));
        put(t, contour_health_check_interval_s(contour_ingressroute_service_health_check(s)));
        put(t, contour_health_check_timeout_s(contour_ingressroute_service_health_check(s)));
        put(t,
            contour_health_check_unhealthy_threshold(contour_ingressroute_service_health_check(s)));
        put(t,
            contour_health_check_healthy_threshold(contour_ingressroute_service_health_check(s)));
    }
}

static void emit_ingressroute(tape *t, const contour_object *o)
{
    bool vh = contour_ingressroute_has_virtualhost(o);
    put_bool(t, vh);
    if (vh) {
        put_str(t, contour_ingressroute_fqdn(o));
        bool tls = contour_ingressroute_has_tls(o);
        put_bool(t, tls);
        if (tls) {
            put_str(t, contour_ingressroute_tls_secret_name(o));
            put_str(t, contour_ingressroute_tls_min_protocol_version(o));
            put_bool(t, contour_ingressroute_tls_passthrough(o));
        }
    }
    size_t n = contour_ingressroute_route_count(o);
    put(t, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        const contour_ingressroute_route *r = contour_ingressroute_route_at(o, i);
        put_str(t, contour_ingressroute_route_match(r));
        size_t m = contour_ingressroute_route_service_count(r);
        put(t, (int64_t)m);
        for (size_t j = 0; j < m; j++)
            emit_ir_service(t, contour_ingressroute_route_service_at(r, j));
        bool del = contour_ingressroute_route_has_delegate(r);
        put_bool(t, del);
        if (del) {
            put_str(t, contour_ingressroute_route_delegate_name(r));
            put_str(t, contour_ingressroute_route_delegate_namespace(r));
        }
        put_bool(t, contour_ingressroute_route_enable_websockets(r));
        put_bool(t, contour_ingressroute_route_permit_insecure(r));
        put_str(t, contour_ingressroute_route_prefix_rewrite(r));
        bool to = contour_ingressroute_route_has_timeout_policy(r);
        put_bool(t, to);
        if (to)
            put_str(t, contour_ingressroute_route_timeout_policy_request(r));
        bool rp = contour_ingressroute_route_has_retry_policy(r);
        put_bool(t, rp);
        if (rp) {
            put(t, contour_ingressroute_route_retry_policy_count(r));
            put_str(t, contour_ingressroute_route_retry_policy_per_try_timeout(r));
        }
    }
    bool tcp = contour_ingressroute_has_tcpproxy(o);
    put_bool(t, tcp);
    if (tcp) {
        size_t m = contour_ingressroute_tcpproxy_service_count(o);
        put(t, (int64_t)m);
        for (size_t j = 0; j < m; j++)
            emit_ir_service(t, contour_ingressroute_tcpproxy_service_at(o, j));
        bool del = contour_ingressroute_tcpproxy_has_delegate(o);
        put_bool(t, del);
        if (del) {
            put_str(t, contour_ingressroute_tcpproxy_delegate_name(o));
            put_str(t, contour_ingressroute_tcpproxy_delegate_namespace(o));
        }
    }
}

static void emit_tlscd(tape *t, const contour_object *o)
{
    size_t n = contour_tlscertificatedelegation_delegation_count(o);
    put(t, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        put_str(t, contour_tlscertificatedelegation_delegation_secret_name(
                       contour_tlscertificatedelegation_delegation_at(o, i)));
        size_t m = contour_tlscertificatedelegation_delegation_target_namespace_count(
            contour_tlscertificatedelegation_delegation_at(o, i));
        put(t, (int64_t)m);
        for (size_t j = 0; j < m; j++)
            put_str(t, contour_tlscertificatedelegation_delegation_target_namespace_at(
                           contour_tlscertificatedelegation_delegation_at(o, i), j));
    }
}

static void emit_backend(tape *t, const contour_ingress_backend *b)
{
    put_bool(t, b != NULL);
    if (!b)
        return;
    put_str(t, contour_ingress_backend_service_name(b));
    put_bool(t, (contour_ingress_backend_port_name(b) != NULL));
    put(t, contour_ingress_backend_port(b));
    put_str(t, contour_ingress_backend_port_name(b));
    put_bool(t, contour_ingress_backend_is_resource(b));
}

static void emit_ingress(tape *t, const contour_object *o)
{
    put_str(t, contour_ingress_class_name(o));
    emit_backend(t, contour_ingress_default_backend(o));
    size_t n = contour_ingress_rule_count(o);
    put(t, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        const contour_ingress_rule *r = contour_ingress_rule_at(o, i);
        put_str(t, contour_ingress_rule_host(r));
        put_bool(t, contour_ingress_rule_has_http(r));
        size_t m = contour_ingress_rule_path_count(r);
        put(t, (int64_t)m);
        for (size_t j = 0; j < m; j++) {
            const contour_ingress_path *p = contour_ingress_rule_path_at(r, j);
            put_str(t, contour_ingress_path_path(p));
            put_str(t, contour_ingress_path_path_type(p));
            emit_backend(t, contour_ingress_path_backend(p));
        }
    }
    n = contour_ingress_tls_count(o);
    put(t, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        put_str(t, contour_ingress_tls_secret_name(contour_ingress_tls_at(o, i)));
        size_t m = contour_ingress_tls_host_count(contour_ingress_tls_at(o, i));
        put(t, (int64_t)m);
        for (size_t j = 0; j < m; j++)
            put_str(t, contour_ingress_tls_host_at(contour_ingress_tls_at(o, i), j));
    }
}

static void emit_service(tape *t, const contour_object *o)
{
    size_t n = contour_service_port_count(o);
    put(t, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        put_str(t, contour_service_port_name(contour_service_port_at(o, i)));
        put(t, contour_service_port_port(contour_service_port_at(o, i)));
    }
}

static void emit_secret(tape *t, const contour_object *o)
{
    put_str(t, contour_secret_type(o));
    size_t n = contour_secret_key_count(o);
    put(t, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        put_str(t, contour_secret_key_name(contour_secret_key_at(o, i)));
        put_bool(
            t, contour_secret_key_has_value(contour_secret_key_at(o, i)));
    }
    put_bool(t, contour_secret_is_tls(o));
}

static void emit_object(tape *t, const contour_object *o)
{
    contour_kind kind = contour_object_kind(o);
    put(t, kind);
    put_str(t, contour_object_api_version(o));
    put_str(t, contour_object_namespace(o));
    put_str(t, contour_object_name(o));
    put_str(t, contour_object_file(o));
    put(t, contour_object_line(o));
    put(t, contour_object_column(o));
    size_t n = contour_object_annotation_count(o);
    put(t, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        put_str(t, contour_annotation_key(contour_object_annotation_at(o, i)));
        put_str(t, contour_annotation_value(contour_object_annotation_at(o, i)));
    }
    n = contour_object_diagnostic_count(o);
    put(t, (int64_t)n);
    for (size_t i = 0; i < n; i++)
        emit_diag(t, contour_object_diagnostic_at(o, i));
    switch (kind) {
    case CONTOUR_KIND_INGRESSROUTE:
        emit_ingressroute(t, o);
        break;
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION:
        emit_tlscd(t, o);
        break;
    case CONTOUR_KIND_INGRESS:
        emit_ingress(t, o);
        break;
    case CONTOUR_KIND_SERVICE:
        emit_service(t, o);
        break;
    case CONTOUR_KIND_SECRET:
        emit_secret(t, o);
        break;
    case CONTOUR_KIND_NONE:
        break;
    }
}

int cxgo_snapshot_objects(const contour_snapshot *s, int kind, const contour_object *one,
                          cxgo_result *out)
{
    tape t = tape_start();
    if (one) {
        put(&t, 1);
        emit_object(&t, one);
    } else {
        size_t n = contour_snapshot_object_count(s, (contour_kind)kind);
        put(&t, (int64_t)n);
        for (size_t i = 0; i < n; i++)
            emit_object(&t, contour_snapshot_object_at(s, (contour_kind)kind, i));
    }
    return tape_finish(&t, out);
}
