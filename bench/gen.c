/* The "units" shape (gen.h) — units of 20 objects, described in bench/README.md — and the
 * shape presets. */
#include "gen.h"
#include "gen_emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void service(gen_out *o, const char *ns, const char *name, int annotated)
{
    em_doc_begin(o);
    em_kv_str(o, "apiVersion", "v1");
    em_kv_str(o, "kind", "Service");
    em_map(o, "metadata");
    em_kv_str(o, "name", name);
    em_kv_str(o, "namespace", ns);
    if (annotated) {
        em_map(o, "annotations");
        em_kv_qstr(o, "contour.heptio.com/max-connections", "1024");
        em_kv_qstr(o, "contour.heptio.com/upstream-protocol.h2c", "grpc");
        em_end(o);
    }
    em_end(o);
    static const em_port ports[] = {{"http", 80, 8080, NULL}, {"grpc", 9000, 0, NULL}};
    em_service_spec(o, NULL, name, ports, 2);
    em_doc_end(o);
}

static void secret(gen_out *o, const char *ns, const char *name, int tls)
{
    em_doc_begin(o);
    em_kv_str(o, "apiVersion", "v1");
    em_kv_str(o, "kind", "Secret");
    em_map(o, "metadata");
    em_kv_str(o, "name", name);
    em_kv_str(o, "namespace", ns);
    em_end(o);
    em_kv_str(o, "type", tls ? "kubernetes.io/tls" : "Opaque");
    em_map(o, "data");
    if (tls) {
        em_kv_str(o, "tls.crt", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJ4ekNDQVc2Z0F3SUJBZ0lV");
        em_kv_str(o, "tls.key", "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lH");
    } else {
        em_kv_str(o, "password", "aHVudGVyMg==");
    }
    em_end(o);
    em_doc_end(o);
}

static void route_services(gen_out *o, const char *match, const char *svc, int port, int weight,
                           int health)
{
    em_item(o);
    em_kv_str(o, "match", match);
    em_seq(o, "services");
    em_item(o);
    em_kv_str(o, "name", svc);
    em_kv_int(o, "port", port);
    if (weight >= 0)
        em_kv_int(o, "weight", weight);
    if (health) {
        em_map(o, "healthCheck");
        em_kv_str(o, "path", "/healthz");
        em_kv_int(o, "intervalSeconds", 5);
        em_end(o);
    }
    em_end(o);
    em_end(o);
    em_end(o);
}

static void route_delegate(gen_out *o, const char *match, const char *name, const char *ns)
{
    em_item(o);
    em_kv_str(o, "match", match);
    em_map(o, "delegate");
    em_kv_str(o, "name", name);
    if (ns)
        em_kv_str(o, "namespace", ns);
    em_end(o);
    em_end(o);
}

static void unit(gen_out *o, size_t u)
{
    char ns[32], n[32][64], fq[96], other_ns[32];
    snprintf(ns, sizeof ns, "team-%zu", u / 5);
    snprintf(other_ns, sizeof other_ns, "team-%zu", u / 5 + 1);
    const char *suffix[] = {"svc0",   "svc1",   "svc2",  "svc3", "svc4", "svc5", "tls",
                            "tls2",   "opaque", "deleg", "root", "api",  "v1",   "x",
                            "static", "orphan", "alt",   "ing1", "ing2", "ing3"};
    for (int i = 0; i < 20; i++)
        snprintf(n[i], sizeof n[i], "app%zu-%s", u, suffix[i]);
    int bad_port = u % 10 == 3, cycle = u % 17 == 5, missing = u % 23 == 7;

    for (int i = 0; i < 6; i++)
        service(o, ns, n[i], i == 2);
    secret(o, ns, n[6], 1);
    secret(o, ns, n[7], 1);
    secret(o, ns, n[8], 0);

    em_doc_begin(o);
    em_meta(o, "contour.heptio.com/v1beta1", "TLSCertificateDelegation", ns, n[9]);
    em_map(o, "spec");
    em_seq(o, "delegations");
    em_item(o);
    em_kv_str(o, "secretName", n[7]);
    em_seq(o, "targetNamespaces");
    em_item_str(o, other_ns);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_doc_end(o);

    /* root -> api -> v1 -> x (depth 4), root -> static, alt -> static; orphan. */
    em_doc_begin(o);
    em_meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[10]);
    em_map(o, "spec");
    em_map(o, "virtualhost");
    snprintf(fq, sizeof fq, "app%zu.example.com", u);
    em_kv_str(o, "fqdn", fq);
    em_map(o, "tls");
    em_kv_str(o, "secretName", n[6]);
    em_end(o);
    em_end(o);
    em_seq(o, "routes");
    route_services(o, "/", n[0], 80, -1, 0);
    route_delegate(o, "/api", n[11], NULL);
    route_delegate(o, "/static", n[14], NULL);
    em_end(o);
    em_end(o);
    em_doc_end(o);

    em_doc_begin(o);
    em_meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[11]);
    em_map(o, "spec");
    em_seq(o, "routes");
    route_services(o, "/api", n[1], bad_port ? 0 : 80, -1, 0);
    route_delegate(o, "/api/v1", n[12], NULL);
    em_end(o);
    em_end(o);
    em_doc_end(o);

    em_doc_begin(o);
    em_meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[12]);
    em_map(o, "spec");
    em_seq(o, "routes");
    em_item(o);
    em_kv_str(o, "match", "/api/v1");
    em_seq(o, "services");
    em_item(o);
    em_kv_str(o, "name", n[2]);
    em_kv_int(o, "port", 80);
    em_kv_int(o, "weight", 50);
    em_end(o);
    em_item(o);
    em_kv_str(o, "name", missing ? "no-such-service" : n[3]);
    em_kv_int(o, "port", 80);
    em_kv_int(o, "weight", 50);
    em_end(o);
    em_end(o);
    em_end(o);
    route_delegate(o, "/api/v1/x", n[13], NULL);
    em_end(o);
    em_end(o);
    em_doc_end(o);

    em_doc_begin(o);
    em_meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[13]);
    em_map(o, "spec");
    em_seq(o, "routes");
    route_services(o, "/api/v1/x", n[4], 80, -1, 1);
    if (cycle)
        route_delegate(o, "/api/v1/x/y", n[11], NULL);
    em_end(o);
    em_end(o);
    em_doc_end(o);

    em_doc_begin(o);
    em_meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[14]);
    em_map(o, "spec");
    em_seq(o, "routes");
    em_item(o);
    em_kv_str(o, "match", "/static");
    em_kv_bool(o, "enableWebsockets", 1);
    em_map(o, "timeoutPolicy");
    em_kv_str(o, "request", "10s");
    em_end(o);
    em_map(o, "retryPolicy");
    em_kv_int(o, "count", 3);
    em_kv_str(o, "perTryTimeout", "150ms");
    em_end(o);
    em_seq(o, "services");
    em_item(o);
    em_kv_str(o, "name", n[5]);
    em_kv_int(o, "port", 80);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_doc_end(o);

    em_doc_begin(o);
    em_meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[15]);
    em_map(o, "spec");
    em_seq(o, "routes");
    route_services(o, "/", n[0], 80, -1, 0);
    em_end(o);
    em_end(o);
    em_doc_end(o);

    em_doc_begin(o);
    em_meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[16]);
    em_map(o, "spec");
    em_map(o, "virtualhost");
    snprintf(fq, sizeof fq, "app%zu-alt.example.com", u);
    em_kv_str(o, "fqdn", fq);
    em_end(o);
    em_seq(o, "routes");
    route_delegate(o, "/", n[14], NULL);
    em_end(o);
    em_end(o);
    em_doc_end(o);

    /* Ingresses: v1beta1 with two paths, v1 with Exact + named port, TLS + redirect. */
    em_doc_begin(o);
    em_meta(o, "extensions/v1beta1", "Ingress", ns, n[17]);
    em_map(o, "spec");
    em_seq(o, "rules");
    em_item(o);
    snprintf(fq, sizeof fq, "ing%zu.example.com", u);
    em_kv_str(o, "host", fq);
    em_map(o, "http");
    em_seq(o, "paths");
    em_item(o);
    em_kv_str(o, "path", "/");
    em_map(o, "backend");
    em_kv_str(o, "serviceName", n[0]);
    em_kv_int(o, "servicePort", 80);
    em_end(o);
    em_end(o);
    em_item(o);
    em_kv_str(o, "path", "/web");
    em_map(o, "backend");
    em_kv_str(o, "serviceName", n[1]);
    em_kv_str(o, "servicePort", "http");
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_doc_end(o);

    em_doc_begin(o);
    em_meta(o, "networking.k8s.io/v1", "Ingress", ns, n[18]);
    em_map(o, "spec");
    em_seq(o, "rules");
    em_item(o);
    snprintf(fq, sizeof fq, "ing%zu-v1.example.com", u);
    em_kv_str(o, "host", fq);
    em_map(o, "http");
    em_seq(o, "paths");
    em_item(o);
    em_kv_str(o, "path", "/exact");
    em_kv_str(o, "pathType", "Exact");
    em_map(o, "backend");
    em_map(o, "service");
    em_kv_str(o, "name", n[2]);
    em_map(o, "port");
    em_kv_str(o, "name", "http");
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_doc_end(o);

    em_doc_begin(o);
    em_kv_str(o, "apiVersion", "networking.k8s.io/v1beta1");
    em_kv_str(o, "kind", "Ingress");
    em_map(o, "metadata");
    em_kv_str(o, "name", n[19]);
    em_kv_str(o, "namespace", ns);
    em_map(o, "annotations");
    em_kv_qstr(o, "ingress.kubernetes.io/force-ssl-redirect", "true");
    em_kv_qstr(o, "contour.heptio.com/request-timeout", "30s");
    em_end(o);
    em_end(o);
    em_map(o, "spec");
    em_seq(o, "tls");
    em_item(o);
    em_seq(o, "hosts");
    snprintf(fq, sizeof fq, "secure%zu.example.com", u);
    em_item_str(o, fq);
    em_end(o);
    em_kv_str(o, "secretName", n[6]);
    em_end(o);
    em_end(o);
    em_seq(o, "rules");
    em_item(o);
    em_kv_str(o, "host", fq);
    em_map(o, "http");
    em_seq(o, "paths");
    em_item(o);
    em_map(o, "backend");
    em_kv_str(o, "serviceName", n[3]);
    em_kv_int(o, "servicePort", 80);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_doc_end(o);
}

static char *gen_units(size_t n, gen_format format, size_t *len)
{
    gen_out o;
    em_begin(&o, format == GEN_JSON_LIST);
    size_t units = (n + 19) / 20;
    for (size_t u = 0; u < units; u++)
        unit(&o, u);
    return em_finish(&o, len);
}

const gen_shape gen_shape_units = {.name = "units", .kind = GEN_SHAPE_UNITS};

/* The targets of the realistic shape; bench/README.md shows what a cluster measures as. */
const gen_shape gen_shape_realistic = {
    .name = "realistic",
    .kind = GEN_SHAPE_REALISTIC,
    .seed = 20261201,
    .ingressroute_share = 0.63,
    .service_share = 0.20,
    .secret_share = 0.02,
    .tlscd_per_100k = 5,
    .objects_per_namespace = 50,
    .routes_per_ingressroute = 2.1,
    .services_per_route = 1.7,
    .delegating_route_share = 0.27,
    .depth_share = {0.34, 0.30, 0.19, 0.11, 0.04, 0.02},
    .orphan_share = 0.03,
    .invalid_share = 0.015,
    .root_tls_share = 0.35,
    .delegated_secret_share = 0.5,
    .missing_service_share = 0.003,
    .ingress_rules = 1.7,
    .ingress_tls_share = 0.25,
    .foreign_class_share = 0.02,
};

const gen_shape *gen_shape_find(const char *name)
{
    if (strcmp(name, gen_shape_units.name) == 0)
        return &gen_shape_units;
    if (strcmp(name, gen_shape_realistic.name) == 0)
        return &gen_shape_realistic;
    return NULL;
}

char *gen_cluster_shape(size_t n, const gen_shape *shape, gen_format format, size_t *len)
{
    if (shape->kind == GEN_SHAPE_REALISTIC)
        return gen_realistic(n, shape, format, len);
    return gen_units(n, format, len);
}

char *gen_cluster(size_t n, gen_format format, size_t *len)
{
    return gen_units(n, format, len);
}
