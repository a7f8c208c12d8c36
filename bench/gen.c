#include "gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A tiny emitter writing the same structure as block YAML or JSON. */
typedef struct out {
    char *buf;
    size_t len, cap;
    int json;
    int depth;
    int first[64]; /* JSON: no comma needed yet at this depth */
    int is_seq[64];
    int pending_item; /* YAML: the next key starts a "- " list item */
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        while (o->len + n + 1 > o->cap)
            o->cap = o->cap ? o->cap * 2 : 1 << 20;
        o->buf = realloc(o->buf, o->cap);
        if (!o->buf)
            abort();
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = 0;
}

static void puts_(out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void printf_(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_(out *o, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put(o, tmp, (size_t)n);
}

static void indent(out *o)
{
    for (int i = 0; i < o->depth - 1; i++)
        puts_(o, "  ");
}

static void json_sep(out *o)
{
    if (!o->first[o->depth])
        puts_(o, ",");
    o->first[o->depth] = 0;
}

/* YAML: begin a line for `key:` inside the current map. */
static void yaml_key(out *o, const char *key)
{
    if (o->pending_item) {
        for (int i = 0; i < o->depth - 2; i++)
            puts_(o, "  ");
        puts_(o, "- ");
        o->pending_item = 0;
    } else {
        indent(o);
    }
    printf_(o, "%s:", key);
}

static void kv_str(out *o, const char *key, const char *val)
{
    if (o->json) {
        json_sep(o);
        printf_(o, "\"%s\":\"%s\"", key, val);
    } else {
        yaml_key(o, key);
        printf_(o, " %s\n", val);
    }
}

static void kv_qstr(out *o, const char *key, const char *val)
{
    if (o->json) {
        kv_str(o, key, val);
    } else {
        yaml_key(o, key);
        printf_(o, " \"%s\"\n", val);
    }
}

static void kv_int(out *o, const char *key, long v)
{
    if (o->json) {
        json_sep(o);
        printf_(o, "\"%s\":%ld", key, v);
    } else {
        yaml_key(o, key);
        printf_(o, " %ld\n", v);
    }
}

static void kv_bool(out *o, const char *key, int v)
{
    if (o->json) {
        json_sep(o);
        printf_(o, "\"%s\":%s", key, v ? "true" : "false");
    } else {
        yaml_key(o, key);
        printf_(o, " %s\n", v ? "true" : "false");
    }
}

static void open_(out *o, const char *key, int seq)
{
    if (o->json) {
        json_sep(o);
        printf_(o, "\"%s\":%s", key, seq ? "[" : "{");
    } else {
        yaml_key(o, key);
        puts_(o, "\n");
    }
    o->depth++;
    o->first[o->depth] = 1;
    o->is_seq[o->depth] = seq;
}

static void map_(out *o, const char *key)
{
    open_(o, key, 0);
}

static void seq_(out *o, const char *key)
{
    open_(o, key, 1);
}

/* A map as the next list item. */
static void item_(out *o)
{
    if (o->json) {
        json_sep(o);
        puts_(o, "{");
    } else {
        o->pending_item = 1;
    }
    o->depth++;
    o->first[o->depth] = 1;
    o->is_seq[o->depth] = 0;
}

static void item_str(out *o, const char *v)
{
    if (o->json) {
        json_sep(o);
        printf_(o, "\"%s\"", v);
    } else {
        for (int i = 0; i < o->depth - 1; i++)
            puts_(o, "  ");
        printf_(o, "- %s\n", v);
    }
}

static void end_(out *o)
{
    if (o->json)
        puts_(o, o->is_seq[o->depth] ? "]" : "}");
    o->depth--;
}

static void doc_begin(out *o)
{
    if (o->json) {
        json_sep(o);
        puts_(o, "{");
    } else {
        puts_(o, "---\n");
    }
    o->depth++;
    o->first[o->depth] = 1;
    o->is_seq[o->depth] = 0;
}

static void doc_end(out *o)
{
    if (o->json)
        puts_(o, "}\n");
    o->depth--;
}

static void meta(out *o, const char *api, const char *kind, const char *ns, const char *name)
{
    kv_str(o, "apiVersion", api);
    kv_str(o, "kind", kind);
    map_(o, "metadata");
    kv_str(o, "name", name);
    kv_str(o, "namespace", ns);
    end_(o);
}

static void service(out *o, const char *ns, const char *name, int annotated)
{
    doc_begin(o);
    kv_str(o, "apiVersion", "v1");
    kv_str(o, "kind", "Service");
    map_(o, "metadata");
    kv_str(o, "name", name);
    kv_str(o, "namespace", ns);
    if (annotated) {
        map_(o, "annotations");
        kv_qstr(o, "contour.heptio.com/max-connections", "1024");
        kv_qstr(o, "contour.heptio.com/upstream-protocol.h2c", "grpc");
        end_(o);
    }
    end_(o);
    map_(o, "spec");
    map_(o, "selector");
    kv_str(o, "app", name);
    end_(o);
    seq_(o, "ports");
    item_(o);
    kv_str(o, "name", "http");
    kv_int(o, "port", 80);
    kv_int(o, "targetPort", 8080);
    end_(o);
    item_(o);
    kv_str(o, "name", "grpc");
    kv_int(o, "port", 9000);
    end_(o);
    end_(o);
    end_(o);
    doc_end(o);
}

static void secret(out *o, const char *ns, const char *name, int tls)
{
    doc_begin(o);
    kv_str(o, "apiVersion", "v1");
    kv_str(o, "kind", "Secret");
    map_(o, "metadata");
    kv_str(o, "name", name);
    kv_str(o, "namespace", ns);
    end_(o);
    kv_str(o, "type", tls ? "kubernetes.io/tls" : "Opaque");
    map_(o, "data");
    if (tls) {
        kv_str(o, "tls.crt", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJ4ekNDQVc2Z0F3SUJBZ0lV");
        kv_str(o, "tls.key", "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lH");
    } else {
        kv_str(o, "password", "aHVudGVyMg==");
    }
    end_(o);
    doc_end(o);
}

static void route_services(out *o, const char *match, const char *svc, int port, int weight,
                           int health)
{
    item_(o);
    kv_str(o, "match", match);
    seq_(o, "services");
    item_(o);
    kv_str(o, "name", svc);
    kv_int(o, "port", port);
    if (weight >= 0)
        kv_int(o, "weight", weight);
    if (health) {
        map_(o, "healthCheck");
        kv_str(o, "path", "/healthz");
        kv_int(o, "intervalSeconds", 5);
        end_(o);
    }
    end_(o);
    end_(o);
    end_(o);
}

static void route_delegate(out *o, const char *match, const char *name, const char *ns)
{
    item_(o);
    kv_str(o, "match", match);
    map_(o, "delegate");
    kv_str(o, "name", name);
    if (ns)
        kv_str(o, "namespace", ns);
    end_(o);
    end_(o);
}

static void unit(out *o, size_t u)
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

    doc_begin(o);
    meta(o, "contour.heptio.com/v1beta1", "TLSCertificateDelegation", ns, n[9]);
    map_(o, "spec");
    seq_(o, "delegations");
    item_(o);
    kv_str(o, "secretName", n[7]);
    seq_(o, "targetNamespaces");
    item_str(o, other_ns);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    doc_end(o);

    /* root -> api -> v1 -> x (depth 4), root -> static, alt -> static; orphan. */
    doc_begin(o);
    meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[10]);
    map_(o, "spec");
    map_(o, "virtualhost");
    snprintf(fq, sizeof fq, "app%zu.example.com", u);
    kv_str(o, "fqdn", fq);
    map_(o, "tls");
    kv_str(o, "secretName", n[6]);
    end_(o);
    end_(o);
    seq_(o, "routes");
    route_services(o, "/", n[0], 80, -1, 0);
    route_delegate(o, "/api", n[11], NULL);
    route_delegate(o, "/static", n[14], NULL);
    end_(o);
    end_(o);
    doc_end(o);

    doc_begin(o);
    meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[11]);
    map_(o, "spec");
    seq_(o, "routes");
    route_services(o, "/api", n[1], bad_port ? 0 : 80, -1, 0);
    route_delegate(o, "/api/v1", n[12], NULL);
    end_(o);
    end_(o);
    doc_end(o);

    doc_begin(o);
    meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[12]);
    map_(o, "spec");
    seq_(o, "routes");
    item_(o);
    kv_str(o, "match", "/api/v1");
    seq_(o, "services");
    item_(o);
    kv_str(o, "name", n[2]);
    kv_int(o, "port", 80);
    kv_int(o, "weight", 50);
    end_(o);
    item_(o);
    kv_str(o, "name", missing ? "no-such-service" : n[3]);
    kv_int(o, "port", 80);
    kv_int(o, "weight", 50);
    end_(o);
    end_(o);
    end_(o);
    route_delegate(o, "/api/v1/x", n[13], NULL);
    end_(o);
    end_(o);
    doc_end(o);

    doc_begin(o);
    meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[13]);
    map_(o, "spec");
    seq_(o, "routes");
    route_services(o, "/api/v1/x", n[4], 80, -1, 1);
    if (cycle)
        route_delegate(o, "/api/v1/x/y", n[11], NULL);
    end_(o);
    end_(o);
    doc_end(o);

    doc_begin(o);
    meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[14]);
    map_(o, "spec");
    seq_(o, "routes");
    item_(o);
    kv_str(o, "match", "/static");
    kv_bool(o, "enableWebsockets", 1);
    map_(o, "timeoutPolicy");
    kv_str(o, "request", "10s");
    end_(o);
    map_(o, "retryPolicy");
    kv_int(o, "count", 3);
    kv_str(o, "perTryTimeout", "150ms");
    end_(o);
    seq_(o, "services");
    item_(o);
    kv_str(o, "name", n[5]);
    kv_int(o, "port", 80);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    doc_end(o);

    doc_begin(o);
    meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[15]);
    map_(o, "spec");
    seq_(o, "routes");
    route_services(o, "/", n[0], 80, -1, 0);
    end_(o);
    end_(o);
    doc_end(o);

    doc_begin(o);
    meta(o, "contour.heptio.com/v1beta1", "IngressRoute", ns, n[16]);
    map_(o, "spec");
    map_(o, "virtualhost");
    snprintf(fq, sizeof fq, "app%zu-alt.example.com", u);
    kv_str(o, "fqdn", fq);
    end_(o);
    seq_(o, "routes");
    route_delegate(o, "/", n[14], NULL);
    end_(o);
    end_(o);
    doc_end(o);

    /* Ingresses: v1beta1 with two paths, v1 with Exact + named port, TLS + redirect. */
    doc_begin(o);
    meta(o, "extensions/v1beta1", "Ingress", ns, n[17]);
    map_(o, "spec");
    seq_(o, "rules");
    item_(o);
    snprintf(fq, sizeof fq, "ing%zu.example.com", u);
    kv_str(o, "host", fq);
    map_(o, "http");
    seq_(o, "paths");
    item_(o);
    kv_str(o, "path", "/");
    map_(o, "backend");
    kv_str(o, "serviceName", n[0]);
    kv_int(o, "servicePort", 80);
    end_(o);
    end_(o);
    item_(o);
    kv_str(o, "path", "/web");
    map_(o, "backend");
    kv_str(o, "serviceName", n[1]);
    kv_str(o, "servicePort", "http");
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    doc_end(o);

    doc_begin(o);
    meta(o, "networking.k8s.io/v1", "Ingress", ns, n[18]);
    map_(o, "spec");
    seq_(o, "rules");
    item_(o);
    snprintf(fq, sizeof fq, "ing%zu-v1.example.com", u);
    kv_str(o, "host", fq);
    map_(o, "http");
    seq_(o, "paths");
    item_(o);
    kv_str(o, "path", "/exact");
    kv_str(o, "pathType", "Exact");
    map_(o, "backend");
    map_(o, "service");
    kv_str(o, "name", n[2]);
    map_(o, "port");
    kv_str(o, "name", "http");
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    doc_end(o);

    doc_begin(o);
    kv_str(o, "apiVersion", "networking.k8s.io/v1beta1");
    kv_str(o, "kind", "Ingress");
    map_(o, "metadata");
    kv_str(o, "name", n[19]);
    kv_str(o, "namespace", ns);
    map_(o, "annotations");
    kv_qstr(o, "ingress.kubernetes.io/force-ssl-redirect", "true");
    kv_qstr(o, "contour.heptio.com/request-timeout", "30s");
    end_(o);
    end_(o);
    map_(o, "spec");
    seq_(o, "tls");
    item_(o);
    seq_(o, "hosts");
    snprintf(fq, sizeof fq, "secure%zu.example.com", u);
    item_str(o, fq);
    end_(o);
    kv_str(o, "secretName", n[6]);
    end_(o);
    end_(o);
    seq_(o, "rules");
    item_(o);
    kv_str(o, "host", fq);
    map_(o, "http");
    seq_(o, "paths");
    item_(o);
    map_(o, "backend");
    kv_str(o, "serviceName", n[3]);
    kv_int(o, "servicePort", 80);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    end_(o);
    doc_end(o);
}

char *gen_cluster(size_t n, gen_format format, size_t *len)
{
    out o;
    memset(&o, 0, sizeof o);
    o.json = format == GEN_JSON_LIST;
    size_t units = (n + 19) / 20;
    if (o.json) {
        puts_(&o, "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n");
        o.depth = 1;
        o.first[1] = 1;
        o.is_seq[1] = 1;
    }
    for (size_t u = 0; u < units; u++)
        unit(&o, u);
    if (o.json)
        puts_(&o, "]}\n");
    *len = o.len;
    return o.buf;
}
