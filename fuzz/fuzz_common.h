/* Shared by the fuzz targets: the first input byte picks options, the rest is the input.
 *
 * Besides "no crash, no leak, no sanitizer report", the targets check what the API
 * promises about its output, and trap when it is broken:
 *  - every string an accessor returns is valid UTF-8 (the model keeps only valid UTF-8
 *    without NUL bytes, and diagnostics quote user text),
 *  - every diagnostic has a known severity, a non-empty code and a message,
 *  - rendered buffers are NUL-terminated, hold no NUL byte and are valid UTF-8, and the
 *    JSON rendering is one valid JSON value (checked with json-c when it is available).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <contour/contour.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_NO_JSONC
#include <json-c/json_tokener.h>
#include <json-c/json_object.h>
#endif

/* Small limits make the fuzzer reach them; the option byte varies the config. */
static inline contour_config *fuzz_config(uint8_t opt)
{
    contour_config *c = NULL;
    if (contour_config_new(&c) != CONTOUR_OK)
        return NULL;
    contour_config_set_limit(c, CONTOUR_LIMIT_DEPTH, (opt & 1) ? 8 : 64);
    contour_config_set_limit(c, CONTOUR_LIMIT_ALIAS_EXPANSION, (opt & 2) ? 16 : 10000);
    contour_config_set_limit(c, CONTOUR_LIMIT_SCALAR_BYTES, (opt & 4) ? 64 : 1 << 20);
    contour_config_set_limit(c, CONTOUR_LIMIT_DOCUMENTS, (opt & 8) ? 4 : 100000);
    contour_config_set_limit(c, CONTOUR_LIMIT_DOCUMENT_NODES, (opt & 16) ? 256 : 100000);
    if (opt & 32)
        contour_config_add_root_namespace(c, "default", 7);
    if (opt & 64)
        contour_config_set_ingress_class(c, "", 0);
    if (opt & 128)
        contour_config_set_ports(c, 8080, 8443);
    return c;
}

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static inline int fuzz_utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned min, cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2, min = 0x80, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3, min = 0x800, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4, min = 0x10000, cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* What a walk reads can also be written down, to compare two snapshots or graphs field by
 * field (fuzz_update.c): while fuzz_rec points at a record, fuzz_str() and fuzz_num()
 * append what they are given (tagged, strings with their length), and fuzz_diag() checks
 * but leaves out the diagnostics the record's skip function selects. A walk is a sum of
 * terms, evaluated in an order the compiler fixes per call site: two walks made by the
 * same code write comparable records. */
typedef struct fuzz_record {
    unsigned char *data;
    size_t len, cap;
    int (*skip)(const contour_diagnostic *d, void *ud);
    void *ud;
} fuzz_record;

static fuzz_record *fuzz_rec;

static inline void fuzz_rec_put(const void *p, size_t n)
{
    fuzz_record *r = fuzz_rec;
    if (!r)
        return;
    if (r->cap - r->len < n) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap - r->len < n)
            cap *= 2;
        unsigned char *data = realloc(r->data, cap);
        FUZZ_CHECK(data != NULL);
        r->data = data;
        r->cap = cap;
    }
    memcpy(r->data + r->len, p, n);
    r->len += n;
}

/* Folds a number into the sink (and the record). */
static inline size_t fuzz_num(size_t v)
{
    fuzz_rec_put("n", 1);
    fuzz_rec_put(&v, sizeof v);
    return v;
}

/* Checks a returned string (NULL allowed) and folds it into the sink. */
static inline size_t fuzz_str(const char *s)
{
    if (!s) {
        fuzz_rec_put("z", 1);
        return 1;
    }
    size_t n = strlen(s);
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)s, n));
    fuzz_rec_put("s", 1);
    fuzz_rec_put(&n, sizeof n);
    fuzz_rec_put(s, n);
    return n + (n ? (unsigned char)s[0] : 0);
}

/* Whether the record being written keeps d (every walk keeps it when none is). */
static inline int fuzz_rec_keeps(const contour_diagnostic *d)
{
    return !fuzz_rec || !fuzz_rec->skip || !fuzz_rec->skip(d, fuzz_rec->ud);
}

static inline size_t fuzz_diag(const contour_diagnostic *d)
{
    FUZZ_CHECK(d != NULL);
    fuzz_record *rec = fuzz_rec;
    if (!fuzz_rec_keeps(d))
        fuzz_rec = NULL; /* checked, not written down */
    contour_severity sev = contour_diagnostic_severity(d);
    FUZZ_CHECK(sev == CONTOUR_SEVERITY_INFO || sev == CONTOUR_SEVERITY_WARNING ||
               sev == CONTOUR_SEVERITY_ERROR);
    FUZZ_CHECK(contour_diagnostic_code(d)[0] != '\0');
    FUZZ_CHECK(contour_diagnostic_message(d)[0] != '\0');
    size_t sink = fuzz_num(sev) + fuzz_str(contour_diagnostic_code(d)) +
                  fuzz_str(contour_diagnostic_message(d)) + fuzz_str(contour_diagnostic_file(d)) +
                  fuzz_str(contour_diagnostic_field(d)) +
                  fuzz_str(contour_diagnostic_object_namespace(d)) +
                  fuzz_str(contour_diagnostic_object_name(d));
    /* A column without a line means nothing. */
    FUZZ_CHECK(contour_diagnostic_line(d) != 0 || contour_diagnostic_column(d) == 0);
    sink += fuzz_num(contour_diagnostic_line(d)) + fuzz_num(contour_diagnostic_column(d)) +
            fuzz_num((size_t)contour_diagnostic_object_kind(d));
    fuzz_rec = rec;
    return sink;
}

static inline size_t fuzz_ir_service(const contour_ingressroute_service *sv)
{
    const contour_health_check *hc = contour_ingressroute_service_health_check(sv);
    return fuzz_str(contour_ingressroute_service_name(sv)) +
           fuzz_num((size_t)contour_ingressroute_service_port(sv)) +
           fuzz_num((size_t)contour_ingressroute_service_weight(sv)) +
           fuzz_str(contour_ingressroute_service_strategy(sv)) + fuzz_num(hc != NULL) +
           fuzz_str(contour_health_check_path(hc)) + fuzz_str(contour_health_check_host(hc)) +
           fuzz_num((size_t)contour_health_check_interval_s(hc)) +
           fuzz_num((size_t)contour_health_check_timeout_s(hc)) +
           fuzz_num((size_t)contour_health_check_unhealthy_threshold(hc)) +
           fuzz_num((size_t)contour_health_check_healthy_threshold(hc));
}

static inline size_t fuzz_backend(const contour_ingress_backend *b)
{
    if (!b)
        return fuzz_num(0);
    return fuzz_num(1) + fuzz_str(contour_ingress_backend_service_name(b)) +
           fuzz_num(contour_ingress_backend_port_name(b) != NULL) +
           fuzz_num((size_t)contour_ingress_backend_port(b)) +
           fuzz_str(contour_ingress_backend_port_name(b)) +
           fuzz_num(contour_ingress_backend_is_resource(b));
}

/* The fields of one object of a snapshot. */
static inline size_t fuzz_walk_object(const contour_snapshot *s, const contour_object *o)
{
    contour_kind k = contour_object_kind(o);
    const char *ns = contour_object_namespace(o), *name = contour_object_name(o);
    FUZZ_CHECK(ns && name && ns[0] && name[0]);
    FUZZ_CHECK(contour_snapshot_find(s, k, ns, strlen(ns), name, strlen(name)) == o);
    size_t sink = fuzz_num(k) + fuzz_str(contour_object_api_version(o)) + fuzz_str(ns) +
                  fuzz_str(name) + fuzz_str(contour_object_file(o)) +
                  fuzz_num(contour_object_line(o)) + fuzz_num(contour_object_column(o)) +
                  fuzz_num(contour_object_annotation_count(o));
    for (size_t a = 0; a < contour_object_annotation_count(o); a++) {
        const char *key = contour_annotation_key(contour_object_annotation_at(o, a));
        sink +=
            fuzz_str(key) + fuzz_str(contour_annotation_value(contour_object_annotation_at(o, a)));
        FUZZ_CHECK(contour_object_find_annotation(o, key, strlen(key)) != NULL);
    }
    size_t kept = 0;
    for (size_t d = 0; d < contour_object_diagnostic_count(o); d++)
        kept += (size_t)fuzz_rec_keeps(contour_object_diagnostic_at(o, d));
    sink += fuzz_num(kept);
    for (size_t d = 0; d < contour_object_diagnostic_count(o); d++)
        sink += fuzz_diag(contour_object_diagnostic_at(o, d));
    /* IngressRoute */
    sink += fuzz_num(contour_ingressroute_has_virtualhost(o)) +
            fuzz_str(contour_ingressroute_fqdn(o)) + fuzz_num(contour_ingressroute_has_tls(o)) +
            fuzz_str(contour_ingressroute_tls_secret_name(o)) +
            fuzz_str(contour_ingressroute_tls_min_protocol_version(o)) +
            fuzz_num(contour_ingressroute_tls_passthrough(o)) +
            fuzz_num(contour_ingressroute_has_tcpproxy(o)) +
            fuzz_num(contour_ingressroute_tcpproxy_has_delegate(o)) +
            fuzz_str(contour_ingressroute_tcpproxy_delegate_name(o)) +
            fuzz_str(contour_ingressroute_tcpproxy_delegate_namespace(o)) +
            fuzz_num(contour_ingressroute_route_count(o));
    for (size_t r = 0; r < contour_ingressroute_route_count(o); r++) {
        const contour_ingressroute_route *rt = contour_ingressroute_route_at(o, r);
        sink += fuzz_str(contour_ingressroute_route_match(rt)) +
                fuzz_num(contour_ingressroute_route_has_delegate(rt)) +
                fuzz_str(contour_ingressroute_route_delegate_name(rt)) +
                fuzz_str(contour_ingressroute_route_delegate_namespace(rt)) +
                fuzz_num(contour_ingressroute_route_enable_websockets(rt)) +
                fuzz_num(contour_ingressroute_route_permit_insecure(rt)) +
                fuzz_str(contour_ingressroute_route_prefix_rewrite(rt)) +
                fuzz_num(contour_ingressroute_route_has_timeout_policy(rt)) +
                fuzz_str(contour_ingressroute_route_timeout_policy_request(rt)) +
                fuzz_num(contour_ingressroute_route_has_retry_policy(rt)) +
                fuzz_num((size_t)contour_ingressroute_route_retry_policy_count(rt)) +
                fuzz_str(contour_ingressroute_route_retry_policy_per_try_timeout(rt)) +
                fuzz_num(contour_ingressroute_route_service_count(rt));
        for (size_t j = 0; j < contour_ingressroute_route_service_count(rt); j++)
            sink += fuzz_ir_service(contour_ingressroute_route_service_at(rt, j));
    }
    sink += fuzz_num(contour_ingressroute_tcpproxy_service_count(o));
    for (size_t j = 0; j < contour_ingressroute_tcpproxy_service_count(o); j++)
        sink += fuzz_ir_service(contour_ingressroute_tcpproxy_service_at(o, j));
    /* TLSCertificateDelegation */
    sink += fuzz_num(contour_tlscertificatedelegation_delegation_count(o));
    for (size_t d = 0; d < contour_tlscertificatedelegation_delegation_count(o); d++) {
        const contour_tlscertificatedelegation_delegation *del =
            contour_tlscertificatedelegation_delegation_at(o, d);
        size_t targets = contour_tlscertificatedelegation_delegation_target_namespace_count(del);
        sink += fuzz_str(contour_tlscertificatedelegation_delegation_secret_name(del)) +
                fuzz_num(targets);
        for (size_t t = 0; t < targets; t++)
            sink +=
                fuzz_str(contour_tlscertificatedelegation_delegation_target_namespace_at(del, t));
    }
    /* Ingress */
    sink += fuzz_str(contour_ingress_class_name(o)) +
            fuzz_backend(contour_ingress_default_backend(o)) +
            fuzz_num(contour_ingress_rule_count(o));
    for (size_t r = 0; r < contour_ingress_rule_count(o); r++) {
        const contour_ingress_rule *rule = contour_ingress_rule_at(o, r);
        sink += fuzz_str(contour_ingress_rule_host(rule)) +
                fuzz_num(contour_ingress_rule_has_http(rule)) +
                fuzz_num(contour_ingress_rule_path_count(rule));
        for (size_t p = 0; p < contour_ingress_rule_path_count(rule); p++) {
            const contour_ingress_path *path = contour_ingress_rule_path_at(rule, p);
            sink += fuzz_str(contour_ingress_path_path(path)) +
                    fuzz_str(contour_ingress_path_path_type(path)) +
                    fuzz_backend(contour_ingress_path_backend(path));
        }
    }
    sink += fuzz_num(contour_ingress_tls_count(o));
    for (size_t t = 0; t < contour_ingress_tls_count(o); t++) {
        const contour_ingress_tls *tls = contour_ingress_tls_at(o, t);
        sink += fuzz_str(contour_ingress_tls_secret_name(tls)) +
                fuzz_num(contour_ingress_tls_host_count(tls));
        for (size_t h = 0; h < contour_ingress_tls_host_count(tls); h++)
            sink += fuzz_str(contour_ingress_tls_host_at(tls, h));
    }
    /* Service */
    sink += fuzz_num(contour_service_port_count(o));
    for (size_t p = 0; p < contour_service_port_count(o); p++)
        sink += fuzz_str(contour_service_port_name(contour_service_port_at(o, p))) +
                fuzz_num((size_t)contour_service_port_port(contour_service_port_at(o, p)));
    /* Secret */
    sink += fuzz_str(contour_secret_type(o)) + fuzz_num(contour_secret_is_tls(o)) +
            fuzz_num(contour_secret_key_count(o));
    for (size_t j = 0; j < contour_secret_key_count(o); j++)
        sink += fuzz_str(contour_secret_key_name(contour_secret_key_at(o, j))) +
                fuzz_num(contour_secret_key_has_value(contour_secret_key_at(o, j)));
    return sink;
}

/* Reads every field of every object and every diagnostic of a snapshot. */
static inline size_t fuzz_walk_snapshot(const contour_snapshot *s)
{
    size_t sink = 0;
    for (int k = 1; k <= (int)contour_kind_count(); k++) {
        size_t count = contour_snapshot_object_count(s, (contour_kind)k);
        FUZZ_CHECK(contour_snapshot_object_at(s, (contour_kind)k, count) == NULL);
        sink += fuzz_num(count);
        for (size_t i = 0; i < count; i++) {
            const contour_object *o = contour_snapshot_object_at(s, (contour_kind)k, i);
            FUZZ_CHECK(o && contour_object_kind(o) == (contour_kind)k);
            sink += fuzz_walk_object(s, o);
        }
    }
    size_t errors = 0, kept = 0, ndiag = contour_snapshot_diagnostic_count(s);
    for (size_t i = 0; i < ndiag; i++)
        kept += (size_t)fuzz_rec_keeps(contour_snapshot_diagnostic_at(s, i));
    sink += fuzz_num(kept);
    for (size_t i = 0; i < ndiag; i++) {
        const contour_diagnostic *d = contour_snapshot_diagnostic_at(s, i);
        sink += fuzz_diag(d);
        errors += contour_diagnostic_severity(d) == CONTOUR_SEVERITY_ERROR;
    }
    FUZZ_CHECK(contour_snapshot_diagnostic_at(s, ndiag) == NULL);
    FUZZ_CHECK(errors == contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR));
    return sink;
}

static inline size_t fuzz_cluster(const contour_cluster *c)
{
    FUZZ_CHECK(c != NULL);
    const contour_health_check *hc = contour_cluster_health_check(c);
    return fuzz_str(contour_cluster_namespace(c)) + fuzz_str(contour_cluster_service(c)) +
           fuzz_num(contour_cluster_port(c)) + fuzz_str(contour_cluster_port_name(c)) +
           fuzz_num((size_t)contour_cluster_weight(c)) + fuzz_str(contour_cluster_strategy(c)) +
           fuzz_str(contour_cluster_protocol(c)) + fuzz_num(hc != NULL) +
           fuzz_str(contour_health_check_path(hc)) + fuzz_str(contour_health_check_host(hc)) +
           fuzz_num((size_t)contour_health_check_interval_s(hc)) +
           fuzz_num((size_t)contour_health_check_timeout_s(hc)) +
           fuzz_num((size_t)contour_health_check_unhealthy_threshold(hc)) +
           fuzz_num((size_t)contour_health_check_healthy_threshold(hc)) +
           fuzz_num(contour_cluster_max_connections(c)) +
           fuzz_num(contour_cluster_max_pending_requests(c)) +
           fuzz_num(contour_cluster_max_requests(c)) + fuzz_num(contour_cluster_max_retries(c));
}

/* Reads every field of a graph. */
static inline size_t fuzz_walk_graph(const contour_graph *g)
{
    size_t sink = fuzz_num(contour_graph_listener_count(g));
    FUZZ_CHECK(contour_graph_listener_count(g) <= 2);
    for (size_t l = 0; l < contour_graph_listener_count(g); l++) {
        const contour_listener *lis = contour_graph_listener_at(g, l);
        sink += fuzz_str(contour_listener_name(lis)) + fuzz_num(contour_listener_port(lis)) +
                fuzz_num(contour_listener_is_secure(lis)) +
                fuzz_num(contour_listener_vhost_count(lis));
        FUZZ_CHECK(contour_listener_vhost_count(lis) > 0);
        for (size_t v = 0; v < contour_listener_vhost_count(lis); v++) {
            const contour_vhost *vh = contour_listener_vhost_at(lis, v);
            sink += fuzz_str(contour_vhost_fqdn(vh)) + fuzz_num(contour_vhost_has_tls(vh)) +
                    fuzz_str(contour_vhost_tls_secret_namespace(vh)) +
                    fuzz_str(contour_vhost_tls_secret_name(vh)) +
                    fuzz_str(contour_vhost_tls_min_protocol_version(vh)) +
                    fuzz_num(contour_vhost_tls_passthrough(vh)) +
                    fuzz_num(contour_vhost_has_tcpproxy(vh)) +
                    fuzz_num(contour_vhost_route_count(vh));
            for (size_t r = 0; r < contour_vhost_route_count(vh); r++) {
                const contour_route *rt = contour_vhost_route_at(vh, r);
                FUZZ_CHECK(contour_route_path(rt) != NULL);
                sink += fuzz_num(contour_route_match_type(rt)) + fuzz_str(contour_route_path(rt)) +
                        fuzz_num(contour_route_https_redirect(rt)) +
                        fuzz_num(contour_route_websocket(rt)) +
                        fuzz_str(contour_route_prefix_rewrite(rt)) +
                        fuzz_num(contour_route_has_timeout(rt)) +
                        fuzz_num((size_t)contour_route_timeout_ms(rt)) +
                        fuzz_num(contour_route_has_retry(rt)) +
                        fuzz_str(contour_route_retry_on(rt)) +
                        fuzz_num(contour_route_retry_num_retries(rt)) +
                        fuzz_num((size_t)contour_route_retry_per_try_timeout_ms(rt)) +
                        fuzz_num(contour_route_source_kind(rt)) +
                        fuzz_str(contour_route_source_namespace(rt)) +
                        fuzz_str(contour_route_source_name(rt)) +
                        fuzz_num(contour_route_cluster_count(rt));
                for (size_t c = 0; c < contour_route_cluster_count(rt); c++)
                    sink += fuzz_cluster(contour_route_cluster_at(rt, c));
            }
            sink += fuzz_num(contour_vhost_tcpproxy_cluster_count(vh));
            for (size_t c = 0; c < contour_vhost_tcpproxy_cluster_count(vh); c++)
                sink += fuzz_cluster(contour_vhost_tcpproxy_cluster_at(vh, c));
        }
    }
    sink += fuzz_num(contour_graph_status_count(g));
    for (size_t i = 0; i < contour_graph_status_count(g); i++) {
        const contour_status *st = contour_graph_status_at(g, i);
        const char *ns = contour_status_namespace(st), *name = contour_status_name(st);
        FUZZ_CHECK(contour_graph_find_status(g, ns, strlen(ns), name, strlen(name)) == st);
        sink += fuzz_num(contour_status_kind(st)) + fuzz_str(ns) + fuzz_str(name) +
                fuzz_num(contour_status_state(st)) + fuzz_str(contour_status_description(st)) +
                fuzz_str(contour_status_file(st)) + fuzz_num(contour_status_line(st)) +
                fuzz_num(contour_status_column(st)) + fuzz_num(contour_status_vhost_count(st));
        for (size_t j = 0; j < contour_status_vhost_count(st); j++)
            sink += fuzz_str(contour_status_vhost_at(st, j));
    }
    size_t by_sev = 0, kept = 0;
    for (size_t i = 0; i < contour_graph_diagnostic_count(g); i++)
        kept += (size_t)fuzz_rec_keeps(contour_graph_diagnostic_at(g, i));
    sink += fuzz_num(kept);
    for (size_t i = 0; i < contour_graph_diagnostic_count(g); i++)
        sink += fuzz_diag(contour_graph_diagnostic_at(g, i));
    for (int sev = CONTOUR_SEVERITY_INFO; sev <= CONTOUR_SEVERITY_ERROR; sev++)
        by_sev += contour_graph_diagnostic_count_by_severity(g, (contour_severity)sev);
    FUZZ_CHECK(by_sev == contour_graph_diagnostic_count(g));
    return sink;
}

/* A rendered buffer: NUL-terminated, no NUL inside, valid UTF-8; JSON must parse. */
static inline void fuzz_check_rendering(const contour_buffer *b, contour_output_format f)
{
    const char *data = contour_buffer_data(b);
    size_t size = contour_buffer_size(b);
    FUZZ_CHECK(data != NULL && data[size] == '\0' && strlen(data) == size);
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)data, size));
#ifndef FUZZ_NO_JSONC
    if (f == CONTOUR_OUTPUT_JSON && size <= INT32_MAX) {
        json_tokener *tok = json_tokener_new_ex(64);
        FUZZ_CHECK(tok != NULL);
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        json_object *obj = json_tokener_parse_ex(tok, data, (int)size);
        FUZZ_CHECK(obj != NULL && json_tokener_get_error(tok) == json_tokener_success);
        /* Only white space after the value. */
        for (size_t i = json_tokener_get_parse_end(tok); i < size; i++)
            FUZZ_CHECK(data[i] == '\n' || data[i] == ' ');
        json_object_put(obj);
        json_tokener_free(tok);
    }
#else
    (void)f;
#endif
}

#endif
