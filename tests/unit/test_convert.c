/* The converter (convert*.c, object.c): document trees to typed objects, driven from YAML
 * text through the document builder. */
#include "testutil.h"

#include "convert.h"
#include "load.h"
#include "scalar.h"
#include "utf8.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------------------------------ */
/* Harness: YAML text -> builder -> cx_convert() for each document and List item             */
/* ------------------------------------------------------------------------------------------ */

#define MAX_OUT 512

typedef struct harness {
    cx_arena arena; /* rejected diagnostics, interned namespaces */
    cx_diag_list rejected;
    cx_diag_list syntax; /* producer/builder errors */
    cx_source *source;
    cx_convert_ctx ctx;
    cx_limits limits;
    int results[MAX_OUT];
    contour_object *objs[MAX_OUT];
    size_t n;
    size_t interned;
} harness;

static const char *test_intern(void *ud, const char *ns, size_t len)
{
    harness *h = ud;
    h->interned++;
    return cx_arena_strndup(&h->arena, ns, len);
}

static cx_rc handle(harness *h, const cx_node *root, const cx_pending_error *pending)
{
    contour_object *o = NULL;
    cx_convert_result r = cx_convert(&h->ctx, root, pending, &o);
    assert_true(h->n < MAX_OUT);
    h->results[h->n] = r;
    h->objs[h->n] = o;
    h->n++;
    if (r == CX_CONVERT_OBJECT)
        assert_non_null(o);
    else
        assert_null(o);
    return r == CX_CONVERT_NOMEM ? CX_RC_NOMEM : CX_RC_OK;
}

static cx_rc on_item(void *ud, const cx_node *item, const cx_pending_error *pending)
{
    return handle(ud, item, pending);
}

static cx_rc on_doc(void *ud, const cx_node *root, const cx_pending_error *pending,
                    const char *kind)
{
    (void)kind;
    return handle(ud, root, pending);
}

static harness *h_new(const char *name)
{
    harness *h = calloc(1, sizeof *h);
    assert_non_null(h);
    cx_arena_init(&h->arena, &cx_default_alloc, 0);
    h->source = cx_source_new(&cx_default_alloc, name, strlen(name));
    assert_non_null(h->source);
    h->ctx.alloc = &cx_default_alloc;
    h->ctx.default_ns = "default";
    h->ctx.source = h->source;
    h->ctx.intern_ns = test_intern;
    h->ctx.intern_ud = h;
    h->ctx.rejected = (cx_diag_sink){&h->arena, &h->rejected, NULL, NULL};
    cx_limits_default(&h->limits);
    return h;
}

static void h_parse(harness *h, const char *text, size_t len)
{
    cx_load_ctx lc = {&cx_default_alloc, &h->limits, h->source->name,
                      (cx_diag_sink){&h->arena, &h->syntax, NULL, NULL},
                      (cx_doc_handler){h, on_item, on_doc}};
    assert_int_equal(cx_yaml_parse(&lc, text, len), CX_RC_OK);
}

static harness *h_yaml(const char *text)
{
    harness *h = h_new("test.yaml");
    h_parse(h, text, strlen(text));
    return h;
}

static harness *h_json(const char *text)
{
    harness *h = h_new("test.json");
    cx_load_ctx lc = {&cx_default_alloc, &h->limits, h->source->name,
                      (cx_diag_sink){&h->arena, &h->syntax, NULL, NULL},
                      (cx_doc_handler){h, on_item, on_doc}};
    assert_int_equal(cx_json_parse(&lc, text, strlen(text)), CX_RC_OK);
    return h;
}

static void h_free(harness *h)
{
    for (size_t i = 0; i < h->n; i++)
        cx_object_free(h->ctx.alloc, h->objs[i]); /* with the allocator that made it */
    cx_shared_release(&h->source->rc, &cx_default_alloc);
    cx_arena_release(&h->arena);
    free(h);
}

static void dump(const char *what, const cx_diag_list *l)
{
    for (const contour_diagnostic *d = l->head; d; d = d->next)
        fprintf(stderr, "  %s %s:%u:%u: %s [%s] %s (field %s) [%s/%s]\n", what, d->file,
                d->pos.line, d->pos.col, contour_severity_name(d->severity), d->code, d->message,
                d->field ? d->field : "-", d->obj_ns ? d->obj_ns : "-",
                d->obj_name ? d->obj_name : "-");
}

/* The only output: an object. */
static const contour_object *h_object(harness *h)
{
    if (h->n != 1 || h->results[0] != CX_CONVERT_OBJECT) {
        dump("rejected", &h->rejected);
        dump("syntax", &h->syntax);
        fail_msg("expected one object, got %zu outputs (first %d)", h->n,
                 h->n ? h->results[0] : -9);
    }
    return h->objs[0];
}

/* The only output: a rejected document with exactly one error, returned. */
static const contour_diagnostic *h_error(harness *h)
{
    if (h->n != 1 || h->results[0] != CX_CONVERT_REJECTED) {
        dump("rejected", &h->rejected);
        fail_msg("expected one rejected document, got %zu outputs (first %d)", h->n,
                 h->n ? h->results[0] : -9);
    }
    const contour_diagnostic *err = NULL;
    for (const contour_diagnostic *d = h->rejected.head; d; d = d->next) {
        if (d->severity == CONTOUR_SEVERITY_ERROR) {
            assert_null(err);
            err = d;
        }
    }
    assert_non_null(err);
    return err;
}

static void expect_diag(const contour_diagnostic *d, contour_severity sev, const char *code,
                        uint32_t line, uint32_t col, const char *field, const char *message)
{
    assert_non_null(d);
    if (d->severity != sev || strcmp(d->code, code) != 0 || d->pos.line != line ||
        d->pos.col != col ||
        (field ? !d->field || strcmp(d->field, field) != 0 : d->field != NULL) ||
        strcmp(d->message, message) != 0) {
        fail_msg("got %s [%s] %u:%u field=%s \"%s\"\nwant %s [%s] %u:%u field=%s \"%s\"",
                 contour_severity_name(d->severity), d->code, d->pos.line, d->pos.col,
                 d->field ? d->field : "(null)", d->message, contour_severity_name(sev), code, line,
                 col, field ? field : "(null)", message);
    }
}

static void expect_objref(const contour_diagnostic *d, contour_kind kind, const char *ns,
                          const char *name)
{
    assert_int_equal(d->obj_kind, kind);
    if (ns)
        assert_string_equal(d->obj_ns, ns);
    else
        assert_null(d->obj_ns);
    if (name)
        assert_string_equal(d->obj_name, name);
    else
        assert_null(d->obj_name);
}

#define POS_EQ(p, l, c)                                                                            \
    do {                                                                                           \
        assert_int_equal((p).line, (l));                                                           \
        assert_int_equal((p).col, (c));                                                            \
    } while (0)

/* ------------------------------------------------------------------------------------------ */
/* IngressRoute                                                                               */
/* ------------------------------------------------------------------------------------------ */

static const char ir_full[] = "apiVersion: contour.heptio.com/v1beta1\n"   /* 1 */
                              "kind: IngressRoute\n"                       /* 2 */
                              "metadata:\n"                                /* 3 */
                              "  name: root\n"                             /* 4 */
                              "  namespace: team-a\n"                      /* 5 */
                              "  annotations:\n"                           /* 6 */
                              "    kubernetes.io/ingress.class: contour\n" /* 7 */
                              "    count: \"3\"\n"                         /* 8 */
                              "    flag: \"true\"\n"                       /* 9 */
                              "    empty:\n"                               /* 10 */
                              "spec:\n"                                    /* 11 */
                              "  virtualhost:\n"                           /* 12 */
                              "    fqdn: www.example.com\n"                /* 13 */
                              "    tls:\n"                                 /* 14 */
                              "      secretName: certs/www\n"              /* 15 */
                              "      minimumProtocolVersion: \"1.3\"\n"    /* 16 */
                              "      passthrough: false\n"                 /* 17 */
                              "  routes:\n"                                /* 18 */
                              "  - match: /\n"                             /* 19 */
                              "    enableWebsockets: yes\n"                /* 20 */
                              "    permitInsecure: true\n"                 /* 21 */
                              "    prefixRewrite: /app\n"                  /* 22 */
                              "    timeoutPolicy:\n"                       /* 23 */
                              "      request: 30s\n"                       /* 24 */
                              "    retryPolicy:\n"                         /* 25 */
                              "      count: 3\n"                           /* 26 */
                              "      perTryTimeout: 150ms\n"               /* 27 */
                              "    services:\n"                            /* 28 */
                              "    - name: web\n"                          /* 29 */
                              "      port: 80\n"                           /* 30 */
                              "      weight: 90\n"                         /* 31 */
                              "      strategy: WeightedLeastRequest\n"     /* 32 */
                              "      validation:\n"                        /* 33 */
                              "        caSecret: ca\n"                     /* 34 */
                              "        subjectName: web\n"                 /* 35 */
                              "      healthCheck:\n"                       /* 36 */
                              "        path: /healthz\n"                   /* 37 */
                              "        host: hc.local\n"                   /* 38 */
                              "        intervalSeconds: 5\n"               /* 39 */
                              "        timeoutSeconds: 2\n"                /* 40 */
                              "        unhealthyThresholdCount: 3\n"       /* 41 */
                              "        healthyThresholdCount: 0x10\n"      /* 42 */
                              "    - name: canary\n"                       /* 43 */
                              "  - match: /blog\n"                         /* 44 */
                              "    delegate:\n"                            /* 45 */
                              "      name: blog\n"                         /* 46 */
                              "      namespace: marketing\n"               /* 47 */
                              "  - match: /other\n"                        /* 48 */
                              "    delegate:\n"                            /* 49 */
                              "      name: other\n"                        /* 50 */
                              "  tcpproxy:\n"                              /* 51 */
                              "    services:\n"                            /* 52 */
                              "    - name: tcp\n"                          /* 53 */
                              "      port: 8443\n"                         /* 54 */
                              "    delegate:\n"                            /* 55 */
                              "      name: tcp-delegate\n"                 /* 56 */
                              "      namespace: infra\n";                  /* 57 */

static void test_ingressroute_full(void **state)
{
    (void)state;
    harness *h = h_yaml(ir_full);
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_kind(o), CONTOUR_KIND_INGRESSROUTE);
    assert_string_equal(contour_object_api_version(o), "contour.heptio.com/v1beta1");
    assert_string_equal(contour_object_namespace(o), "team-a");
    assert_string_equal(contour_object_name(o), "root");
    assert_string_equal(contour_object_file(o), "test.yaml");
    assert_int_equal(contour_object_line(o), 1);
    assert_int_equal(contour_object_column(o), 1);
    assert_int_equal(contour_object_diagnostic_count(o), 0);
    assert_null(contour_object_diagnostic_at(o, 0));

    /* annotations: plain scalars are strings; a null value is "" */
    assert_int_equal(contour_object_annotation_count(o), 4);
    assert_string_equal(contour_annotation_key(contour_object_annotation_at(o, 0)),
                        "kubernetes.io/ingress.class");
    assert_string_equal(contour_annotation_value(contour_object_annotation_at(o, 0)), "contour");
    assert_string_equal(contour_annotation_value(contour_object_annotation_at(o, 1)), "3");
    assert_string_equal(contour_annotation_value(contour_object_annotation_at(o, 2)), "true");
    assert_string_equal(contour_annotation_value(contour_object_annotation_at(o, 3)), "");
    assert_null(contour_annotation_key(contour_object_annotation_at(o, 4)));
    assert_string_equal(contour_annotation_value(contour_object_find_annotation(o, "flag", 4)),
                        "true");
    assert_string_equal(contour_annotation_value(contour_object_find_annotation(o, "flagX", 4)),
                        "true");
    assert_null(contour_object_find_annotation(o, "fla", 3));
    assert_string_equal(cx_object_annotation(o, "count"), "3");
    assert_null(cx_object_annotation(o, "missing"));
    POS_EQ(o->annotations[0].pos, 7, 34);
    POS_EQ(o->annotations[3].pos, 10, 11);

    assert_true(contour_ingressroute_has_virtualhost(o));
    assert_string_equal(contour_ingressroute_fqdn(o), "www.example.com");
    assert_true(contour_ingressroute_has_tls(o));
    assert_string_equal(contour_ingressroute_tls_secret_name(o), "certs/www");
    assert_string_equal(contour_ingressroute_tls_min_protocol_version(o), "1.3");
    assert_false(contour_ingressroute_tls_passthrough(o));
    POS_EQ(o->u.ir.vhost_pos, 13, 5);
    POS_EQ(o->u.ir.fqdn_pos, 13, 11);
    POS_EQ(o->u.ir.secret_pos, 15, 19);
    POS_EQ(o->u.ir.tcp_pos, 52, 5);

    assert_int_equal(contour_ingressroute_route_count(o), 3);
    const contour_ingressroute_route *r = contour_ingressroute_route_at(o, 0);
    assert_string_equal(contour_ingressroute_route_match(r), "/");
    assert_true(contour_ingressroute_route_enable_websockets(r));
    assert_true(contour_ingressroute_route_permit_insecure(r));
    assert_string_equal(contour_ingressroute_route_prefix_rewrite(r), "/app");
    assert_true(contour_ingressroute_route_has_timeout_policy(r));
    assert_string_equal(contour_ingressroute_route_timeout_policy_request(r), "30s");
    assert_true(contour_ingressroute_route_has_retry_policy(r));
    assert_int_equal(contour_ingressroute_route_retry_policy_count(r), 3);
    assert_string_equal(contour_ingressroute_route_retry_policy_per_try_timeout(r), "150ms");
    assert_false(contour_ingressroute_route_has_delegate(r));
    assert_null(contour_ingressroute_route_delegate_name(r));
    POS_EQ(r->pos, 19, 5);
    POS_EQ(r->match_pos, 19, 12);
    POS_EQ(r->timeout_pos, 24, 16);
    POS_EQ(r->per_try_pos, 27, 22);

    assert_int_equal(contour_ingressroute_route_service_count(r), 2);
    const contour_ingressroute_service *s = contour_ingressroute_route_service_at(r, 0);
    assert_string_equal(contour_ingressroute_service_name(s), "web");
    assert_int_equal(contour_ingressroute_service_port(s), 80);
    assert_int_equal(contour_ingressroute_service_weight(s), 90);
    assert_string_equal(contour_ingressroute_service_strategy(s), "WeightedLeastRequest");
    assert_true((contour_ingressroute_service_health_check(s) != NULL));
    assert_string_equal(contour_health_check_path(contour_ingressroute_service_health_check(s)),
                        "/healthz");
    assert_string_equal(contour_health_check_host(contour_ingressroute_service_health_check(s)),
                        "hc.local");
    assert_int_equal(contour_health_check_interval_s(contour_ingressroute_service_health_check(s)),
                     5);
    assert_int_equal(contour_health_check_timeout_s(contour_ingressroute_service_health_check(s)),
                     2);
    assert_int_equal(
        contour_health_check_unhealthy_threshold(contour_ingressroute_service_health_check(s)), 3);
    assert_int_equal(
        contour_health_check_healthy_threshold(contour_ingressroute_service_health_check(s)), 16);
    POS_EQ(s->pos, 29, 7);
    POS_EQ(s->port_pos, 30, 13);
    POS_EQ(s->weight_pos, 31, 15);

    /* absent fields: NULL/0, positions fall back to the item */
    s = contour_ingressroute_route_service_at(r, 1);
    assert_string_equal(contour_ingressroute_service_name(s), "canary");
    assert_int_equal(contour_ingressroute_service_port(s), 0);
    assert_int_equal(contour_ingressroute_service_weight(s), 0);
    assert_null(contour_ingressroute_service_strategy(s));
    assert_false((contour_ingressroute_service_health_check(s) != NULL));
    assert_null(contour_health_check_path(contour_ingressroute_service_health_check(s)));
    assert_int_equal(contour_health_check_interval_s(contour_ingressroute_service_health_check(s)),
                     0);
    POS_EQ(s->pos, 43, 7);
    POS_EQ(s->port_pos, 43, 7);
    POS_EQ(s->weight_pos, 43, 7);
    assert_null(contour_ingressroute_route_service_at(r, 2));

    r = contour_ingressroute_route_at(o, 1);
    assert_string_equal(contour_ingressroute_route_match(r), "/blog");
    assert_true(contour_ingressroute_route_has_delegate(r));
    assert_string_equal(contour_ingressroute_route_delegate_name(r), "blog");
    assert_string_equal(contour_ingressroute_route_delegate_namespace(r), "marketing");
    assert_int_equal(contour_ingressroute_route_service_count(r), 0);
    assert_false(contour_ingressroute_route_enable_websockets(r));
    assert_false(contour_ingressroute_route_has_timeout_policy(r));
    assert_null(contour_ingressroute_route_timeout_policy_request(r));
    assert_false(contour_ingressroute_route_has_retry_policy(r));
    assert_int_equal(contour_ingressroute_route_retry_policy_count(r), 0);
    POS_EQ(r->delegate.pos, 46, 7);
    POS_EQ(r->timeout_pos, 44, 5);
    POS_EQ(r->per_try_pos, 44, 5);
    r = contour_ingressroute_route_at(o, 2);
    assert_string_equal(contour_ingressroute_route_delegate_name(r), "other");
    assert_null(contour_ingressroute_route_delegate_namespace(r));
    assert_null(contour_ingressroute_route_at(o, 3));

    assert_true(contour_ingressroute_has_tcpproxy(o));
    assert_int_equal(contour_ingressroute_tcpproxy_service_count(o), 1);
    s = contour_ingressroute_tcpproxy_service_at(o, 0);
    assert_string_equal(contour_ingressroute_service_name(s), "tcp");
    assert_int_equal(contour_ingressroute_service_port(s), 8443);
    assert_null(contour_ingressroute_tcpproxy_service_at(o, 1));
    assert_true(contour_ingressroute_tcpproxy_has_delegate(o));
    assert_string_equal(contour_ingressroute_tcpproxy_delegate_name(o), "tcp-delegate");
    assert_string_equal(contour_ingressroute_tcpproxy_delegate_namespace(o), "infra");

    /* other kinds' accessors on an IngressRoute */
    assert_int_equal(contour_service_port_count(o), 0);
    assert_null(contour_secret_type(o));
    assert_false(contour_secret_is_tls(o));
    assert_int_equal(contour_ingress_rule_count(o), 0);
    assert_null(contour_ingress_default_backend(o));
    assert_int_equal(contour_tlscertificatedelegation_delegation_count(o), 0);
    h_free(h);
}

static void test_ingressroute_minimal(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: contour.heptio.com/v1beta1\n"
                        "kind: IngressRoute\n"
                        "metadata:\n"
                        "  name: child\n"
                        "spec:\n"
                        "  routes:\n"
                        "  -\n"
                        "  - match: /x\n"
                        "    services: []\n"
                        "    timeoutPolicy: {}\n"
                        "    retryPolicy:\n"
                        "      count: ~\n");
    const contour_object *o = h_object(h);
    assert_string_equal(contour_object_namespace(o), "default");
    assert_false(contour_ingressroute_has_virtualhost(o));
    assert_null(contour_ingressroute_fqdn(o));
    assert_false(contour_ingressroute_has_tls(o));
    assert_false(contour_ingressroute_has_tcpproxy(o));
    assert_false(contour_ingressroute_tcpproxy_has_delegate(o));
    assert_null(contour_ingressroute_tcpproxy_delegate_name(o));
    assert_int_equal(contour_ingressroute_route_count(o), 2);
    /* a null list item is an empty route */
    const contour_ingressroute_route *r = contour_ingressroute_route_at(o, 0);
    assert_null(contour_ingressroute_route_match(r));
    POS_EQ(r->pos, 7, 4);
    POS_EQ(r->match_pos, 7, 4);
    r = contour_ingressroute_route_at(o, 1);
    assert_int_equal(contour_ingressroute_route_service_count(r), 0);
    assert_null(r->services);
    assert_true(contour_ingressroute_route_has_timeout_policy(r));
    assert_null(contour_ingressroute_route_timeout_policy_request(r));
    POS_EQ(r->timeout_pos, 10, 20);
    assert_true(contour_ingressroute_route_has_retry_policy(r));
    assert_int_equal(contour_ingressroute_route_retry_policy_count(r), 0);
    POS_EQ(r->per_try_pos, 12, 7);
    h_free(h);
}

/* virtualhost: ~ and friends are absent, not empty */
static void test_ingressroute_nulls(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: contour.heptio.com/v1beta1\n"
                        "kind: IngressRoute\n"
                        "metadata: {name: \"n\", namespace: ~}\n"
                        "spec:\n"
                        "  virtualhost: ~\n"
                        "  routes: null\n"
                        "  tcpproxy:\n");
    const contour_object *o = h_object(h);
    assert_string_equal(contour_object_namespace(o), "default");
    assert_false(contour_ingressroute_has_virtualhost(o));
    assert_false(contour_ingressroute_has_tcpproxy(o));
    assert_int_equal(contour_ingressroute_route_count(o), 0);
    h_free(h);

    h = h_yaml("apiVersion: contour.heptio.com/v1beta1\n"
               "kind: IngressRoute\n"
               "metadata: {name: \"n\"}\n"
               "spec:\n"
               "  virtualhost: {}\n"
               "  tcpproxy: {}\n");
    o = h_object(h);
    assert_true(contour_ingressroute_has_virtualhost(o));
    assert_null(contour_ingressroute_fqdn(o));
    POS_EQ(o->u.ir.fqdn_pos, 5, 16);
    assert_true(contour_ingressroute_has_tcpproxy(o));
    assert_int_equal(contour_ingressroute_tcpproxy_service_count(o), 0);
    h_free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* TLSCertificateDelegation, Service, Secret                                                  */
/* ------------------------------------------------------------------------------------------ */

static void test_tlscertdelegation(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: contour.heptio.com/v1beta1\n"
                        "kind: TLSCertificateDelegation\n"
                        "metadata:\n"
                        "  name: delegation\n"
                        "  namespace: certs\n"
                        "spec:\n"
                        "  delegations:\n"
                        "  - secretName: wildcard\n"
                        "    targetNamespaces:\n"
                        "    - team-a\n"
                        "    - \"*\"\n"
                        "    - ~\n"
                        "  - secretName: other\n");
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_kind(o), CONTOUR_KIND_TLSCERTIFICATEDELEGATION);
    assert_int_equal(contour_tlscertificatedelegation_delegation_count(o), 2);
    assert_string_equal(contour_tlscertificatedelegation_delegation_secret_name(
                            contour_tlscertificatedelegation_delegation_at(o, 0)),
                        "wildcard");
    assert_int_equal(contour_tlscertificatedelegation_delegation_target_namespace_count(
                         contour_tlscertificatedelegation_delegation_at(o, 0)),
                     3);
    assert_string_equal(contour_tlscertificatedelegation_delegation_target_namespace_at(
                            contour_tlscertificatedelegation_delegation_at(o, 0), 0),
                        "team-a");
    assert_string_equal(contour_tlscertificatedelegation_delegation_target_namespace_at(
                            contour_tlscertificatedelegation_delegation_at(o, 0), 1),
                        "*");
    assert_string_equal(contour_tlscertificatedelegation_delegation_target_namespace_at(
                            contour_tlscertificatedelegation_delegation_at(o, 0), 2),
                        ""); /* null item */
    assert_null(contour_tlscertificatedelegation_delegation_target_namespace_at(
        contour_tlscertificatedelegation_delegation_at(o, 0), 3));
    POS_EQ(o->u.td.delegations[0].pos, 8, 5);
    assert_string_equal(contour_tlscertificatedelegation_delegation_secret_name(
                            contour_tlscertificatedelegation_delegation_at(o, 1)),
                        "other");
    assert_int_equal(contour_tlscertificatedelegation_delegation_target_namespace_count(
                         contour_tlscertificatedelegation_delegation_at(o, 1)),
                     0);
    assert_null(contour_tlscertificatedelegation_delegation_secret_name(
        contour_tlscertificatedelegation_delegation_at(o, 2)));
    assert_int_equal(contour_tlscertificatedelegation_delegation_target_namespace_count(
                         contour_tlscertificatedelegation_delegation_at(o, 2)),
                     0);
    assert_null(contour_tlscertificatedelegation_delegation_target_namespace_at(
        contour_tlscertificatedelegation_delegation_at(o, 2), 0));
    assert_int_equal(contour_ingressroute_route_count(o), 0);
    h_free(h);
}

static void test_service(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: v1\n"
                        "kind: Service\n"
                        "metadata:\n"
                        "  name: web\n"
                        "  namespace: shop\n"
                        "  labels: {app: web}\n"
                        "  annotations:\n"
                        "    contour.heptio.com/upstream-protocol.h2c: \"80,http\"\n"
                        "    contour.heptio.com/max-connections: \"100\"\n"
                        "spec:\n"
                        "  type: ClusterIP\n"
                        "  clusterIP: 10.0.0.1\n"
                        "  clusterIPs: [10.0.0.1]\n"
                        "  selector: {app: web}\n"
                        "  sessionAffinity: None\n"
                        "  externalIPs: []\n"
                        "  loadBalancerIP: ''\n"
                        "  loadBalancerSourceRanges: []\n"
                        "  externalName: x\n"
                        "  externalTrafficPolicy: Local\n"
                        "  healthCheckNodePort: 30000\n"
                        "  publishNotReadyAddresses: true\n"
                        "  sessionAffinityConfig: {clientIP: {timeoutSeconds: 10}}\n"
                        "  topologyKeys: []\n"
                        "  ipFamily: IPv4\n"
                        "  ipFamilies: [IPv4]\n"
                        "  ipFamilyPolicy: SingleStack\n"
                        "  allocateLoadBalancerNodePorts: true\n"
                        "  loadBalancerClass: x\n"
                        "  internalTrafficPolicy: Cluster\n"
                        "  trafficDistribution: PreferClose\n"
                        "  ports:\n"
                        "  - name: http\n"
                        "    protocol: TCP\n"
                        "    appProtocol: http\n"
                        "    port: 80\n"
                        "    targetPort: 8080\n"
                        "    nodePort: 30080\n"
                        "  - port: 443\n"
                        "    targetPort: https\n"
                        "  - name: \"8443\"\n");
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_diagnostic_count(o), 0);
    assert_int_equal(contour_object_kind(o), CONTOUR_KIND_SERVICE);
    assert_string_equal(contour_object_api_version(o), "v1");
    assert_int_equal(contour_service_port_count(o), 3);
    assert_string_equal(contour_service_port_name(contour_service_port_at(o, 0)), "http");
    assert_int_equal(contour_service_port_port(contour_service_port_at(o, 0)), 80);
    assert_null(contour_service_port_name(contour_service_port_at(o, 1)));
    assert_int_equal(contour_service_port_port(contour_service_port_at(o, 1)), 443);
    assert_string_equal(contour_service_port_name(contour_service_port_at(o, 2)),
                        "8443"); /* plain, read as a string */
    assert_int_equal(contour_service_port_port(contour_service_port_at(o, 2)), 0);
    assert_null(contour_service_port_name(contour_service_port_at(o, 3)));
    assert_int_equal(contour_service_port_port(contour_service_port_at(o, 3)), 0);
    POS_EQ(o->u.svc.ports[1].pos, 39, 5);
    assert_string_equal(contour_annotation_value(contour_object_find_annotation(
                            o, "contour.heptio.com/max-connections", 34)),
                        "100");
    h_free(h);
}

static void test_secret(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: v1\n"
                        "kind: Secret\n"
                        "type: kubernetes.io/tls\n"
                        "metadata:\n"
                        "  name: www\n"
                        "data:\n"
                        "  tls.key: a2V5\n"
                        "  tls.crt: \"\"\n"
                        "  ca.crt:\n"
                        "stringData:\n"
                        "  tls.crt: |\n"
                        "    -----BEGIN CERTIFICATE-----\n"
                        "  z: ''\n"
                        "  a: x\n");
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_kind(o), CONTOUR_KIND_SECRET);
    assert_string_equal(contour_secret_type(o), "kubernetes.io/tls");
    assert_int_equal(contour_secret_key_count(o), 5);
    const char *keys[] = {"a", "ca.crt", "tls.crt", "tls.key", "z"};
    const bool nonempty[] = {true, false, true, true, false};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(contour_secret_key_name(contour_secret_key_at(o, i)), keys[i]);
        assert_int_equal(contour_secret_key_has_value(contour_secret_key_at(o, i)), nonempty[i]);
    }
    assert_null(contour_secret_key_name(contour_secret_key_at(o, 5)));
    assert_false(contour_secret_key_has_value(contour_secret_key_at(o, 5)));
    assert_true(contour_secret_is_tls(o));
    /* no value is kept anywhere in the object */
    assert_null(memmem(o->u.sec.keys, sizeof *o->u.sec.keys * 5, "a2V5", 4));
    h_free(h);

    /* tls.key empty in both: not TLS */
    h = h_yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
               "data: {tls.crt: Y2VydA==, tls.key: ''}\nstringData: {tls.key: ''}\n");
    o = h_object(h);
    assert_false(contour_secret_is_tls(o));
    assert_int_equal(contour_secret_key_count(o), 2);
    assert_null(contour_secret_type(o));
    h_free(h);

    /* no data at all; a spec on a Secret is no field and not read */
    h = h_yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nspec: {foo: bar}\n");
    o = h_object(h);
    assert_int_equal(contour_secret_key_count(o), 0);
    assert_false(contour_secret_is_tls(o));
    assert_int_equal(contour_object_diagnostic_count(o), 0);
    h_free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* Ingress                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void check_ingress_v1beta1(const char *api, cx_ingress_api want)
{
    char buf[4096];
    snprintf(buf, sizeof buf,
             "apiVersion: %s\n"                                                         /* 1 */
             "kind: Ingress\n"                                                          /* 2 */
             "metadata:\n"                                                              /* 3 */
             "  name: ing\n"                                                            /* 4 */
             "  annotations:\n"                                                         /* 5 */
             "    kubernetes.io/ingress.allow-http: \"false\"\n"                        /* 6 */
             "spec:\n"                                                                  /* 7 */
             "  ingressClassName: contour\n"                                            /* 8 */
             "  backend:\n"                                                             /* 9 */
             "    serviceName: default-svc\n"                                           /* 10 */
             "    servicePort: 80\n"                                                    /* 11 */
             "  tls:\n"                                                                 /* 12 */
             "  - hosts: [a.example.com, b.example.com]\n"                              /* 13 */
             "    secretName: ab\n"                                                     /* 14 */
             "  - hosts: []\n"                                                          /* 15 */
             "  rules:\n"                                                               /* 16 */
             "  - host: a.example.com\n"                                                /* 17 */
             "    http:\n"                                                              /* 18 */
             "      paths:\n"                                                           /* 19 */
             "      - path: /named\n"                                                   /* 20 */
             "        backend: {serviceName: a, servicePort: http}\n"                   /* 21 */
             "      - path: /digits\n"                                                  /* 22 */
             "        backend: {serviceName: a, servicePort: \"8080\"}\n"               /* 23 */
             "      - pathType: Prefix\n"                                               /* 24 */
             "        backend:\n"                                                       /* 25 */
             "          resource: {apiGroup: k8s.example.com, kind: Bucket, name: b}\n" /* 26 */
             "      - path: /nobackend\n"                                               /* 27 */
             "  - host: b.example.com\n"                                                /* 28 */
             "  - http:\n"                                                              /* 29 */
             "      paths:\n"                                                           /* 30 */
             "      - backend: {serviceName: c, servicePort: 0x1F90}\n",                /* 31 */
             api);
    harness *h = h_yaml(buf);
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_diagnostic_count(o), 0);
    assert_int_equal(o->u.ing.api, want);
    assert_string_equal(contour_object_api_version(o), api);
    assert_string_equal(contour_ingress_class_name(o), "contour");
    const contour_ingress_backend *b = contour_ingress_default_backend(o);
    assert_non_null(b);
    assert_string_equal(contour_ingress_backend_service_name(b), "default-svc");
    assert_false((contour_ingress_backend_port_name(b) != NULL));
    assert_int_equal(contour_ingress_backend_port(b), 80);
    assert_null(contour_ingress_backend_port_name(b));
    assert_false(contour_ingress_backend_is_resource(b));
    POS_EQ(b->pos, 10, 5);

    assert_int_equal(contour_ingress_tls_count(o), 2);
    assert_int_equal(contour_ingress_tls_host_count(contour_ingress_tls_at(o, 0)), 2);
    assert_string_equal(contour_ingress_tls_host_at(contour_ingress_tls_at(o, 0), 1),
                        "b.example.com");
    assert_null(contour_ingress_tls_host_at(contour_ingress_tls_at(o, 0), 2));
    assert_string_equal(contour_ingress_tls_secret_name(contour_ingress_tls_at(o, 0)), "ab");
    POS_EQ(o->u.ing.tls[0].pos, 13, 5);
    POS_EQ(o->u.ing.tls[0].secret_pos, 14, 17);
    assert_int_equal(contour_ingress_tls_host_count(contour_ingress_tls_at(o, 1)), 0);
    assert_null(contour_ingress_tls_secret_name(contour_ingress_tls_at(o, 1)));
    POS_EQ(o->u.ing.tls[1].secret_pos, 15, 5);
    assert_null(contour_ingress_tls_secret_name(contour_ingress_tls_at(o, 2)));

    assert_int_equal(contour_ingress_rule_count(o), 3);
    const contour_ingress_rule *r = contour_ingress_rule_at(o, 0);
    assert_string_equal(contour_ingress_rule_host(r), "a.example.com");
    assert_true(contour_ingress_rule_has_http(r));
    POS_EQ(r->pos, 17, 5);
    assert_int_equal(contour_ingress_rule_path_count(r), 4);
    const contour_ingress_path *p = contour_ingress_rule_path_at(r, 0);
    assert_string_equal(contour_ingress_path_path(p), "/named");
    assert_null(contour_ingress_path_path_type(p));
    b = contour_ingress_path_backend(p);
    assert_string_equal(contour_ingress_backend_service_name(b), "a");
    assert_true((contour_ingress_backend_port_name(b) != NULL));
    assert_string_equal(contour_ingress_backend_port_name(b), "http");
    assert_int_equal(contour_ingress_backend_port(b), 0);
    POS_EQ(p->pos, 20, 9);
    POS_EQ(b->pos, 21, 18);

    b = contour_ingress_path_backend(contour_ingress_rule_path_at(r, 1));
    assert_false((contour_ingress_backend_port_name(b) != NULL)); /* "8080": all digits, a number */
    assert_int_equal(contour_ingress_backend_port(b), 8080);

    p = contour_ingress_rule_path_at(r, 2);
    assert_null(contour_ingress_path_path(p));
    assert_string_equal(contour_ingress_path_path_type(p), "Prefix");
    b = contour_ingress_path_backend(p);
    assert_true(contour_ingress_backend_is_resource(b));
    assert_null(contour_ingress_backend_service_name(b));

    p = contour_ingress_rule_path_at(r, 3);
    assert_null(contour_ingress_path_backend(p));
    assert_null(contour_ingress_rule_path_at(r, 4));

    r = contour_ingress_rule_at(o, 1);
    assert_string_equal(contour_ingress_rule_host(r), "b.example.com");
    assert_false(contour_ingress_rule_has_http(r));
    assert_int_equal(contour_ingress_rule_path_count(r), 0);

    r = contour_ingress_rule_at(o, 2);
    assert_null(contour_ingress_rule_host(r));
    b = contour_ingress_path_backend(contour_ingress_rule_path_at(r, 0));
    assert_int_equal(contour_ingress_backend_port(b), 8080);
    assert_null(contour_ingress_rule_at(o, 3));
    h_free(h);
}

static void test_ingress_extensions_v1beta1(void **state)
{
    (void)state;
    check_ingress_v1beta1("extensions/v1beta1", CX_INGRESS_EXTENSIONS_V1BETA1);
}

static void test_ingress_networking_v1beta1(void **state)
{
    (void)state;
    check_ingress_v1beta1("networking.k8s.io/v1beta1", CX_INGRESS_NETWORKING_V1BETA1);
}

static void test_ingress_v1(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: networking.k8s.io/v1\n"            /* 1 */
                        "kind: Ingress\n"                               /* 2 */
                        "metadata: {name: ing, namespace: web}\n"       /* 3 */
                        "spec:\n"                                       /* 4 */
                        "  ingressClassName: other\n"                   /* 5 */
                        "  defaultBackend:\n"                           /* 6 */
                        "    service:\n"                                /* 7 */
                        "      name: fallback\n"                        /* 8 */
                        "      port: {name: http}\n"                    /* 9 */
                        "  tls:\n"                                      /* 10 */
                        "  - hosts: [x.example.com]\n"                  /* 11 */
                        "    secretName: x\n"                           /* 12 */
                        "  rules:\n"                                    /* 13 */
                        "  - host: x.example.com\n"                     /* 14 */
                        "    http:\n"                                   /* 15 */
                        "      paths:\n"                                /* 16 */
                        "      - path: /exact\n"                        /* 17 */
                        "        pathType: Exact\n"                     /* 18 */
                        "        backend:\n"                            /* 19 */
                        "          service:\n"                          /* 20 */
                        "            name: x\n"                         /* 21 */
                        "            port:\n"                           /* 22 */
                        "              number: 8080\n"                  /* 23 */
                        "      - path: /res\n"                          /* 24 */
                        "        pathType: ImplementationSpecific\n"    /* 25 */
                        "        backend:\n"                            /* 26 */
                        "          resource: {kind: Bucket, name: b}\n" /* 27 */
                        "      - path: /noport\n"                       /* 28 */
                        "        pathType: Prefix\n"                    /* 29 */
                        "        backend:\n"                            /* 30 */
                        "          service: {name: \"y\"}\n");          /* 31 */
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_diagnostic_count(o), 0);
    assert_int_equal(o->u.ing.api, CX_INGRESS_NETWORKING_V1);
    assert_string_equal(contour_ingress_class_name(o), "other");
    const contour_ingress_backend *b = contour_ingress_default_backend(o);
    assert_string_equal(contour_ingress_backend_service_name(b), "fallback");
    assert_true((contour_ingress_backend_port_name(b) != NULL));
    assert_string_equal(contour_ingress_backend_port_name(b), "http");
    assert_int_equal(contour_ingress_backend_port(b), 0);
    POS_EQ(b->pos, 7, 5);
    assert_int_equal(contour_ingress_tls_count(o), 1);
    assert_string_equal(contour_ingress_tls_host_at(contour_ingress_tls_at(o, 0), 0),
                        "x.example.com");
    const contour_ingress_rule *r = contour_ingress_rule_at(o, 0);
    assert_int_equal(contour_ingress_rule_path_count(r), 3);
    const contour_ingress_path *p = contour_ingress_rule_path_at(r, 0);
    assert_string_equal(contour_ingress_path_path_type(p), "Exact");
    b = contour_ingress_path_backend(p);
    assert_string_equal(contour_ingress_backend_service_name(b), "x");
    assert_false((contour_ingress_backend_port_name(b) != NULL));
    assert_int_equal(contour_ingress_backend_port(b), 8080);
    POS_EQ(b->pos, 20, 11);
    p = contour_ingress_rule_path_at(r, 1);
    assert_string_equal(contour_ingress_path_path_type(p), "ImplementationSpecific");
    assert_true(contour_ingress_backend_is_resource(contour_ingress_path_backend(p)));
    b = contour_ingress_path_backend(contour_ingress_rule_path_at(r, 2));
    assert_string_equal(contour_ingress_backend_service_name(b), "y");
    assert_false((contour_ingress_backend_port_name(b) != NULL));
    assert_int_equal(contour_ingress_backend_port(b), 0);
    h_free(h);
}

/* A v1beta1 field on v1 (and the reverse) is unknown: the mistake is common and the field
 * would be silently ignored otherwise. */
static void test_ingress_version_fields(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: networking.k8s.io/v1\n"
                        "kind: Ingress\n"
                        "metadata: {name: ing}\n"
                        "spec:\n"
                        "  backend: {serviceName: a, servicePort: 80}\n"
                        "  rules:\n"
                        "  - http:\n"
                        "      paths:\n"
                        "      - backend: {serviceName: a, servicePort: 80}\n");
    const contour_object *o = h_object(h);
    assert_null(contour_ingress_default_backend(o));
    assert_int_equal(contour_object_diagnostic_count(o), 3);
    expect_diag(contour_object_diagnostic_at(o, 0), CONTOUR_SEVERITY_WARNING, "unknown-field", 5, 3,
                "spec.backend", "unknown field \"backend\" in spec");
    expect_diag(contour_object_diagnostic_at(o, 1), CONTOUR_SEVERITY_WARNING, "unknown-field", 9,
                19, "spec.rules[0].http.paths[0].backend.serviceName",
                "unknown field \"serviceName\" in spec.rules[0].http.paths[0].backend");
    expect_diag(contour_object_diagnostic_at(o, 2), CONTOUR_SEVERITY_WARNING, "unknown-field", 9,
                35, "spec.rules[0].http.paths[0].backend.servicePort",
                "unknown field \"servicePort\" in spec.rules[0].http.paths[0].backend");
    h_free(h);

    h = h_yaml("apiVersion: extensions/v1beta1\n"
               "kind: Ingress\n"
               "metadata: {name: ing}\n"
               "spec:\n"
               "  defaultBackend:\n"
               "    service: {name: a, port: {number: 80}}\n");
    o = h_object(h);
    assert_null(contour_ingress_default_backend(o));
    assert_int_equal(contour_object_diagnostic_count(o), 1);
    expect_diag(contour_object_diagnostic_at(o, 0), CONTOUR_SEVERITY_WARNING, "unknown-field", 5, 3,
                "spec.defaultBackend", "unknown field \"defaultBackend\" in spec");
    h_free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* Documents: kinds, Lists, skipping                                                          */
/* ------------------------------------------------------------------------------------------ */

static void test_skipped_kinds(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: traefik.containo.us/v1alpha1\n"
                        "kind: IngressRoute\n"
                        "metadata: {name: traefik}\n"
                        "spec: {entryPoints: [web], routes: [{match: Host(`x`), kind: Rule}]}\n"
                        "---\n"
                        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                        "---\n"
                        "apiVersion: v2\nkind: Service\nmetadata: {name: s}\n"
                        "---\n"
                        "kind: Service\nmetadata: {name: no-api-version}\n"
                        "---\n"
                        "apiVersion: contour.heptio.com/v1\nkind: TLSCertificateDelegation\n"
                        "---\n"
                        "apiVersion: networking.k8s.io/v2\nkind: Ingress\n"
                        "---\n"
                        "apiVersion: projectcontour.io/v1\nkind: HTTPProxy\nmetadata: {name: p}\n"
                        "---\n"
                        "apiVersion: v1\nkind: ingress\nmetadata: {name: lower}\n"
                        "---\n"
                        "# only a comment\n"
                        "---\n"
                        "~\n"
                        "---\n");
    assert_true(h->n >= 10);
    for (size_t i = 0; i < h->n; i++)
        assert_int_equal(h->results[i], CX_CONVERT_SKIPPED);
    assert_int_equal(h->rejected.count, 0);
    h_free(h);
}

static void test_missing_kind(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: v1\n"
                        "metadata: {name: x}\n"
                        "---\n"
                        "kind: ~\n"
                        "apiVersion: v1\n"
                        "---\n"
                        "kind: \"\"\n");
    assert_int_equal(h->n, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(h->results[i], CX_CONVERT_SKIPPED);
    assert_int_equal(h->rejected.count, 3);
    const contour_diagnostic *d = h->rejected.head;
    expect_diag(d, CONTOUR_SEVERITY_WARNING, "missing-kind", 1, 1, NULL,
                "document has no kind; skipped");
    assert_string_equal(d->file, "test.yaml");
    expect_objref(d, CONTOUR_KIND_NONE, NULL, NULL);
    expect_diag(d->next, CONTOUR_SEVERITY_WARNING, "missing-kind", 4, 7, NULL,
                "document has no kind; skipped");
    expect_diag(d->next->next, CONTOUR_SEVERITY_WARNING, "missing-kind", 7, 7, NULL,
                "document has no kind; skipped");
    h_free(h);
}

static void test_lists(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: v1\n"
                        "kind: List\n"
                        "items:\n"
                        "- apiVersion: v1\n"
                        "  kind: Service\n"
                        "  metadata: {name: a}\n"
                        "- apiVersion: v1\n"
                        "  kind: Service\n"
                        "  metadata: {name: b}\n"
                        "  spec: {ports: [{port: eighty}]}\n"
                        "- apiVersion: apps/v1\n"
                        "  kind: Deployment\n"
                        "---\n"
                        "apiVersion: v1\n"
                        "kind: ServiceList\n"
                        "items: []\n"
                        "---\n"
                        "apiVersion: v1\n"
                        "kind: List\n");
    /* items first (streamed), then the List document itself */
    assert_int_equal(h->n, 6);
    assert_int_equal(h->results[0], CX_CONVERT_OBJECT);
    assert_string_equal(contour_object_name(h->objs[0]), "a");
    POS_EQ(h->objs[0]->pos, 4, 3);
    assert_int_equal(h->results[1], CX_CONVERT_REJECTED);
    assert_int_equal(h->results[2], CX_CONVERT_SKIPPED);
    assert_int_equal(h->results[3], CX_CONVERT_LIST);
    assert_int_equal(h->results[4], CX_CONVERT_LIST);
    assert_int_equal(h->results[5], CX_CONVERT_LIST);
    assert_int_equal(h->rejected.count, 1);
    expect_diag(h->rejected.head, CONTOUR_SEVERITY_ERROR, "wrong-type", 10, 25,
                "spec.ports[0].port",
                "spec.ports[0].port: expected an integer, found a string "
                "\"eighty\"");
    expect_objref(h->rejected.head, CONTOUR_KIND_SERVICE, "default", "b");
    h_free(h);

    /* items that are not a list */
    h = h_yaml("apiVersion: v1\nkind: List\nitems: {a: b}\n");
    const contour_diagnostic *d = h_error(h);
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "wrong-type", 3, 8, "items",
                "items: expected a list, found a map");
    h_free(h);
}

static void test_not_an_object(void **state)
{
    (void)state;
    harness *h = h_yaml("- a\n- b\n");
    expect_diag(h_error(h), CONTOUR_SEVERITY_ERROR, "not-an-object", 1, 1, NULL,
                "a document must be a Kubernetes object (a map), found a list");
    h_free(h);
    h = h_yaml("---\nhello\n");
    expect_diag(h_error(h), CONTOUR_SEVERITY_ERROR, "not-an-object", 2, 1, NULL,
                "a document must be a Kubernetes object (a map), found a string");
    h_free(h);
    h = h_yaml("--- 42\n");
    expect_diag(h_error(h), CONTOUR_SEVERITY_ERROR, "not-an-object", 1, 5, NULL,
                "a document must be a Kubernetes object (a map), found an integer");
    h_free(h);
}

static void test_kind_wrong_type(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: v1\nkind: [Service]\n");
    expect_diag(h_error(h), CONTOUR_SEVERITY_ERROR, "wrong-type", 2, 7, "kind",
                "kind: expected a string, found a list");
    h_free(h);
    h = h_yaml("apiVersion: {v: 1}\nkind: Service\nmetadata: {name: x}\n");
    expect_diag(h_error(h), CONTOUR_SEVERITY_ERROR, "wrong-type", 1, 13, "apiVersion",
                "apiVersion: expected a string, found a map");
    h_free(h);
    /* a kind we do not model is skipped whatever its apiVersion */
    h = h_yaml("apiVersion: {v: 1}\nkind: Deployment\n");
    assert_int_equal(h->results[0], CX_CONVERT_SKIPPED);
    assert_int_equal(h->rejected.count, 0);
    h_free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* Metadata                                                                                   */
/* ------------------------------------------------------------------------------------------ */

static void test_metadata_known_fields(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: v1\n"
                        "kind: Service\n"
                        "metadata:\n"
                        "  name: web\n"
                        "  generateName: web-\n"
                        "  namespace: shop\n"
                        "  selfLink: /api/v1/namespaces/shop/services/web\n"
                        "  uid: 0b5c0d8e-0000-0000-0000-000000000000\n"
                        "  resourceVersion: \"123\"\n"
                        "  generation: 4\n"
                        "  creationTimestamp: 2019-01-01T00:00:00Z\n"
                        "  deletionTimestamp: null\n"
                        "  deletionGracePeriodSeconds: 30\n"
                        "  labels: {app: web}\n"
                        "  annotations: {a: b}\n"
                        "  ownerReferences: []\n"
                        "  finalizers: [x]\n"
                        "  managedFields: []\n"
                        "  clusterName: c\n");
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_diagnostic_count(o), 0);
    assert_string_equal(contour_object_namespace(o), "shop");
    h_free(h);
}

static void test_metadata_unknown_fields(void **state)
{
    (void)state;
    /* routes under metadata: a real mistake (wrong indentation) */
    harness *h = h_yaml("apiVersion: contour.heptio.com/v1beta1\n"
                        "kind: IngressRoute\n"
                        "metadata:\n"
                        "  name: r\n"
                        "  namespace: ns\n"
                        "  routes:\n"
                        "  - match: /\n"
                        "  \"spec\": x\n");
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_diagnostic_count(o), 2);
    const contour_diagnostic *d = contour_object_diagnostic_at(o, 0);
    expect_diag(d, CONTOUR_SEVERITY_WARNING, "unknown-field", 6, 3, "metadata.routes",
                "unknown field \"routes\" in metadata");
    expect_objref(d, CONTOUR_KIND_INGRESSROUTE, "ns", "r");
    assert_string_equal(d->file, "test.yaml");
    expect_diag(contour_object_diagnostic_at(o, 1), CONTOUR_SEVERITY_WARNING, "unknown-field", 8, 3,
                "metadata.spec", "unknown field \"spec\" in metadata");
    assert_null(contour_object_diagnostic_at(o, 2));
    h_free(h);
}

static void test_namespace_default(void **state)
{
    (void)state;
    harness *h = h_new("ns.yaml");
    h->ctx.default_ns = "fallback";
    const char *text = "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: \"\"}\n"
                       "---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n"
                       "---\napiVersion: v1\nkind: Service\nmetadata: {name: c, namespace: x}\n";
    h_parse(h, text, strlen(text));
    assert_int_equal(h->n, 3);
    assert_string_equal(contour_object_namespace(h->objs[0]), "fallback");
    assert_string_equal(contour_object_namespace(h->objs[1]), "fallback");
    assert_string_equal(contour_object_namespace(h->objs[2]), "x");
    assert_int_equal(h->interned, 3); /* every namespace goes through intern_ns */
    h_free(h);

    /* no default configured: "default" */
    h = h_new("ns.yaml");
    h->ctx.default_ns = NULL;
    h_parse(h, text, strlen(text));
    assert_string_equal(contour_object_namespace(h->objs[0]), "default");
    h_free(h);
}

static void test_missing_name(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: v1\nkind: Service\nmetadata:\n  namespace: shop\n");
    const contour_diagnostic *d = h_error(h);
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "missing-name", 4, 3, "metadata.name",
                "metadata.name must be specified");
    expect_objref(d, CONTOUR_KIND_SERVICE, "shop", NULL);
    h_free(h);

    h = h_yaml("apiVersion: v1\nkind: Service\nmetadata:\n  name: \"\"\n");
    expect_diag(h_error(h), CONTOUR_SEVERITY_ERROR, "missing-name", 4, 9, "metadata.name",
                "metadata.name must be specified");
    h_free(h);

    h = h_yaml("apiVersion: v1\nkind: Service\nspec: {}\n");
    d = h_error(h);
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "missing-name", 1, 1, "metadata.name",
                "metadata.name must be specified");
    expect_objref(d, CONTOUR_KIND_SERVICE, "default", NULL);
    h_free(h);

    h = h_yaml("apiVersion: v1\nkind: Service\nmetadata:\nspec: {}\n");
    expect_diag(h_error(h), CONTOUR_SEVERITY_ERROR, "missing-name", 1, 1, "metadata.name",
                "metadata.name must be specified");
    h_free(h);

    /* warnings found before the error travel with it */
    h = h_yaml("apiVersion: v1\nkind: Service\nmetadata:\n  nam: x\n");
    expect_diag(h_error(h), CONTOUR_SEVERITY_ERROR, "missing-name", 4, 3, "metadata.name",
                "metadata.name must be specified");
    h_free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* Unknown fields: the quirks of real manifests                                               */
/* ------------------------------------------------------------------------------------------ */

static void test_unknown_health_check_at_spec(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read_file(
        tu_path(tu_shared_root(),
                "examples/contour-v0.10/02-basic/default-health-checks.ingressroute.yaml"),
        &len);
    harness *h = h_new("default-health-checks.ingressroute.yaml");
    h_parse(h, text, len);
    free(text);
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_diagnostic_count(o), 1);
    const contour_diagnostic *d = contour_object_diagnostic_at(o, 0);
    expect_diag(d, CONTOUR_SEVERITY_WARNING, "unknown-field", 10, 3, "spec.healthCheck",
                "unknown field \"healthCheck\" in spec");
    expect_objref(d, CONTOUR_KIND_INGRESSROUTE, "default", "health-check");
    assert_string_equal(d->file, "default-health-checks.ingressroute.yaml");
    /* the object still loads, with its routes */
    assert_int_equal(contour_ingressroute_route_count(o), 1);
    assert_false((contour_ingressroute_service_health_check(contour_ingressroute_route_service_at(
                      contour_ingressroute_route_at(o, 0), 0)) != NULL));
    h_free(h);
}

static void test_unknown_fields_everywhere(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: contour.heptio.com/v1beta1\n"           /* 1 */
                        "kind: IngressRoute\n"                               /* 2 */
                        "metadata: {name: q, namespace: \"n\"}\n"            /* 3 */
                        "spec:\n"                                            /* 4 */
                        "  strategy: Random\n"                               /* 5 */
                        "  virtualhost:\n"                                   /* 6 */
                        "    fqdn: x\n"                                      /* 7 */
                        "    aliases: [y]\n"                                 /* 8 */
                        "    tls: {secretName: s, cert: c}\n"                /* 9 */
                        "  routes:\n"                                        /* 10 */
                        "  - match: /\n"                                     /* 11 */
                        "    conditions: []\n"                               /* 12 */
                        "    timeoutPolicy: {request: 1s, idle: 2s}\n"       /* 13 */
                        "    retryPolicy: {count: 1, retryOn: 5xx}\n"        /* 14 */
                        "    delegate: {name: d, kind: IngressRoute}\n"      /* 15 */
                        "    services:\n"                                    /* 16 */
                        "    - name: s\n"                                    /* 17 */
                        "      port: 80\n"                                   /* 18 */
                        "      permitInsecure: true\n"                       /* 19 */
                        "      healthCheck: {path: /, port: 81}\n"           /* 20 */
                        "  tcpproxy:\n"                                      /* 21 */
                        "    services: [{name: t, port: 1, mirror: true}]\n" /* 22 */
                        "    include: x\n");                                 /* 23 */
    const contour_object *o = h_object(h);
    struct {
        uint32_t line, col;
        const char *field, *message;
    } want[] = {
        {5, 3, "spec.strategy", "unknown field \"strategy\" in spec"},
        {8, 5, "spec.virtualhost.aliases", "unknown field \"aliases\" in spec.virtualhost"},
        {9, 26, "spec.virtualhost.tls.cert", "unknown field \"cert\" in spec.virtualhost.tls"},
        {12, 5, "spec.routes[0].conditions", "unknown field \"conditions\" in spec.routes[0]"},
        {13, 34, "spec.routes[0].timeoutPolicy.idle",
         "unknown field \"idle\" in spec.routes[0].timeoutPolicy"},
        {14, 29, "spec.routes[0].retryPolicy.retryOn",
         "unknown field \"retryOn\" in spec.routes[0].retryPolicy"},
        {15, 25, "spec.routes[0].delegate.kind",
         "unknown field \"kind\" in spec.routes[0].delegate"},
        {19, 7, "spec.routes[0].services[0].permitInsecure",
         "unknown field \"permitInsecure\" in spec.routes[0].services[0]"},
        {20, 30, "spec.routes[0].services[0].healthCheck.port",
         "unknown field \"port\" in spec.routes[0].services[0].healthCheck"},
        {22, 35, "spec.tcpproxy.services[0].mirror",
         "unknown field \"mirror\" in spec.tcpproxy.services[0]"},
        {23, 5, "spec.tcpproxy.include", "unknown field \"include\" in spec.tcpproxy"},
    };
    size_t n = sizeof want / sizeof *want;
    assert_int_equal(contour_object_diagnostic_count(o), n);
    for (size_t i = 0; i < n; i++)
        expect_diag(contour_object_diagnostic_at(o, i), CONTOUR_SEVERITY_WARNING, "unknown-field",
                    want[i].line, want[i].col, want[i].field, want[i].message);
    /* known fields next to the unknown ones were read */
    const contour_ingressroute_route *r = contour_ingressroute_route_at(o, 0);
    assert_true(contour_ingressroute_route_permit_insecure(r) == false);
    assert_string_equal(contour_ingressroute_route_timeout_policy_request(r), "1s");
    assert_string_equal(contour_ingressroute_route_delegate_name(r), "d");
    assert_string_equal(contour_ingressroute_tls_secret_name(o), "s");
    h_free(h);

    /* other kinds */
    h = h_yaml("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
               "spec:\n  port: 80\n  ports:\n  - port: 80\n    servicePort: 80\n"
               "---\n"
               "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\n"
               "metadata: {name: d}\n"
               "spec:\n  delegations:\n  - secretName: x\n    targetNamespace: y\n"
               "  secretName: z\n"
               "---\n"
               "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n"
               "spec:\n  rules:\n  - host: h\n    path: /\n    http:\n      paths:\n"
               "      - path: /\n        service: x\n      prefix: y\n"
               "  tls:\n  - hosts: []\n    secret: s\n"
               "  backend: {serviceName: a, servicePort: 1, namespace: b}\n");
    assert_int_equal(h->n, 3);
    const char *fields[3][6] = {
        {"spec.port", "spec.ports[0].servicePort"},
        {"spec.delegations[0].targetNamespace", "spec.secretName"},
        {"spec.rules[0].path", "spec.rules[0].http.paths[0].service", "spec.rules[0].http.prefix",
         "spec.tls[0].secret", "spec.backend.namespace"},
    };
    for (size_t i = 0; i < 3; i++) {
        o = h->objs[i];
        assert_non_null(o);
        size_t k = 0;
        while (k < 6 && fields[i][k])
            k++;
        if (contour_object_diagnostic_count(o) != k) {
            dump("obj", &o->diags);
            fail_msg("object %zu: %zu diagnostics, want %zu", i, contour_object_diagnostic_count(o),
                     k);
        }
        for (size_t j = 0; j < k; j++) {
            const contour_diagnostic *d = contour_object_diagnostic_at(o, j);
            assert_string_equal(d->code, "unknown-field");
            assert_string_equal(d->field, fields[i][j]);
        }
    }
    h_free(h);
}

/* networking.k8s.io/v1 backends: unknown fields in service and port. */
static void test_ingress_v1_unknown(void **state)
{
    (void)state;
    harness *h =
        h_yaml("apiVersion: networking.k8s.io/v1\n"
               "kind: Ingress\n"
               "metadata: {name: ing}\n"
               "spec:\n"
               "  defaultBackend:\n"
               "    service: {name: a, namespace: b, port: {number: 80, protocol: TCP}}\n");
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_diagnostic_count(o), 2);
    expect_diag(contour_object_diagnostic_at(o, 0), CONTOUR_SEVERITY_WARNING, "unknown-field", 6,
                24, "spec.defaultBackend.service.namespace",
                "unknown field \"namespace\" in spec.defaultBackend.service");
    expect_diag(contour_object_diagnostic_at(o, 1), CONTOUR_SEVERITY_WARNING, "unknown-field", 6,
                57, "spec.defaultBackend.service.port.protocol",
                "unknown field \"protocol\" in spec.defaultBackend.service.port");
    assert_int_equal(contour_ingress_backend_port(contour_ingress_default_backend(o)), 80);
    h_free(h);
}

/* A long unknown key is cut in the message and field, on a character boundary. */
static void test_unknown_field_long_key(void **state)
{
    (void)state;
    char text[1024];
    char key[400];
    memset(key, 'k', 127);
    strcpy(key + 127, "\xc3\xa9"); /* é straddles the 128-byte cut */
    memset(key + 129, 'z', 200);
    key[329] = '\0';
    snprintf(text, sizeof text,
             "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  %s: 1\n", key);
    harness *h = h_yaml(text);
    const contour_object *o = h_object(h);
    const contour_diagnostic *d = contour_object_diagnostic_at(o, 0);
    char want_field[200];
    snprintf(want_field, sizeof want_field, "spec.%.127s...", key);
    assert_string_equal(d->field, want_field);
    char want_msg[300];
    snprintf(want_msg, sizeof want_msg, "unknown field \"%.127s\"... in spec", key);
    assert_string_equal(d->message, want_msg);
    h_free(h);
}

/* Unknown keys with odd characters are quoted the Go way in the message. */
static void test_unknown_field_quoting(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                        "spec:\n  \"a\\\"b\\tc\": 1\n  ü: 2\n");
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_diagnostic_count(o), 2);
    expect_diag(contour_object_diagnostic_at(o, 0), CONTOUR_SEVERITY_WARNING, "unknown-field", 5, 3,
                "spec.a\"b\tc", "unknown field \"a\\\"b\\tc\" in spec");
    expect_diag(contour_object_diagnostic_at(o, 1), CONTOUR_SEVERITY_WARNING, "unknown-field", 6, 3,
                "spec.ü", "unknown field \"ü\" in spec");
    h_free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                     */
/* ------------------------------------------------------------------------------------------ */

typedef struct error_case {
    const char *name;
    const char *yaml;
    const char *code;
    uint32_t line, col;
    const char *field;
    const char *message;
} error_case;

#define IR_HEAD       "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata: {name: r}\n"
#define ING_HEAD(api) "apiVersion: " api "\nkind: Ingress\nmetadata: {name: i}\n"
#define SVC_HEAD      "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"

static const error_case error_cases[] = {
    /* metadata */
    {"metadata list", "apiVersion: v1\nkind: Service\nmetadata: [a]\n", "wrong-type", 3, 11,
     "metadata", "metadata: expected a map, found a list"},
    {"name map", "apiVersion: v1\nkind: Service\nmetadata:\n  name: {a: b}\n", "wrong-type", 4, 9,
     "metadata.name", "metadata.name: expected a string, found a map"},
    {"namespace int (JSON-ish tag)",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  namespace: !!int 5\n", "wrong-type", 5,
     14, "metadata.namespace", "metadata.namespace: expected a string, found an integer 5"},
    {"annotations list",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  annotations: [a]\n", "wrong-type", 5,
     16, "metadata.annotations", "metadata.annotations: expected a map, found a list"},
    {"annotation value map",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  annotations:\n    a/b: {c: d}\n",
     "wrong-type", 6, 10, "metadata.annotations[a/b]",
     "metadata.annotations[a/b]: expected a string, found a map"},
    {"annotation value bool tag",
     "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  annotations:\n    a: !!bool true\n",
     "wrong-type", 6, 8, "metadata.annotations[a]",
     "metadata.annotations[a]: expected a string, found a boolean true"},
    /* spec */
    {"spec list", IR_HEAD "spec: [a]\n", "wrong-type", 4, 7, "spec",
     "spec: expected a map, found a list"},
    {"spec string", SVC_HEAD "spec: x\n", "wrong-type", 4, 7, "spec",
     "spec: expected a map, found a string \"x\""},
    /* IngressRoute */
    {"virtualhost list", IR_HEAD "spec:\n  virtualhost: [a]\n", "wrong-type", 5, 16,
     "spec.virtualhost", "spec.virtualhost: expected a map, found a list"},
    {"fqdn map", IR_HEAD "spec:\n  virtualhost:\n    fqdn: {a: b}\n", "wrong-type", 6, 11,
     "spec.virtualhost.fqdn", "spec.virtualhost.fqdn: expected a string, found a map"},
    {"tls string", IR_HEAD "spec:\n  virtualhost:\n    tls: yes\n", "wrong-type", 6, 10,
     "spec.virtualhost.tls", "spec.virtualhost.tls: expected a map, found a boolean yes"},
    {"secretName list", IR_HEAD "spec:\n  virtualhost:\n    tls:\n      secretName: [a]\n",
     "wrong-type", 7, 19, "spec.virtualhost.tls.secretName",
     "spec.virtualhost.tls.secretName: expected a string, found a list"},
    {"minimumProtocolVersion list",
     IR_HEAD "spec:\n  virtualhost:\n    tls:\n      minimumProtocolVersion: [a]\n", "wrong-type",
     7, 31, "spec.virtualhost.tls.minimumProtocolVersion",
     "spec.virtualhost.tls.minimumProtocolVersion: expected a string, found a list"},
    {"passthrough string", IR_HEAD "spec:\n  virtualhost:\n    tls:\n      passthrough: \"true\"\n",
     "wrong-type", 7, 20, "spec.virtualhost.tls.passthrough",
     "spec.virtualhost.tls.passthrough: expected a boolean, found a string \"true\""},
    {"routes map", IR_HEAD "spec:\n  routes: {match: /}\n", "wrong-type", 5, 11, "spec.routes",
     "spec.routes: expected a list, found a map"},
    {"route string", IR_HEAD "spec:\n  routes:\n  - /foo\n", "wrong-type", 6, 5, "spec.routes[0]",
     "spec.routes[0]: expected a map, found a string \"/foo\""},
    {"match list", IR_HEAD "spec:\n  routes:\n  - match: [/]\n", "wrong-type", 6, 12,
     "spec.routes[0].match", "spec.routes[0].match: expected a string, found a list"},
    {"services map", IR_HEAD "spec:\n  routes:\n  - match: /\n    services: {name: s}\n",
     "wrong-type", 7, 15, "spec.routes[0].services",
     "spec.routes[0].services: expected a list, found a map"},
    {"service list item", IR_HEAD "spec:\n  routes:\n  - services:\n    - [a]\n", "wrong-type", 7,
     7, "spec.routes[0].services[0]", "spec.routes[0].services[0]: expected a map, found a list"},
    {"port eighty", IR_HEAD "spec:\n  routes:\n  - services:\n    - name: s\n      port: eighty\n",
     "wrong-type", 8, 13, "spec.routes[0].services[0].port",
     "spec.routes[0].services[0].port: expected an integer, found a string \"eighty\""},
    {"port quoted", IR_HEAD "spec:\n  routes:\n  - services:\n    - name: s\n      port: \"80\"\n",
     "wrong-type", 8, 13, "spec.routes[0].services[0].port",
     "spec.routes[0].services[0].port: expected an integer, found a string \"80\""},
    {"port float", IR_HEAD "spec:\n  routes:\n  - services:\n    - port: 80.5\n", "wrong-type", 7,
     13, "spec.routes[0].services[0].port",
     "spec.routes[0].services[0].port: expected an integer, found a number 80.5"},
    {"port int64 overflow",
     IR_HEAD "spec:\n  routes:\n  - services:\n    - port: 9223372036854775808\n", "integer-range",
     7, 13, "spec.routes[0].services[0].port",
     "spec.routes[0].services[0].port: 9223372036854775808 does not fit in a 64-bit integer"},
    {"weight map", IR_HEAD "spec:\n  routes:\n  - services:\n    - weight: {a: 1}\n", "wrong-type",
     7, 15, "spec.routes[0].services[0].weight",
     "spec.routes[0].services[0].weight: expected an integer, found a map"},
    {"strategy int tag", IR_HEAD "spec:\n  routes:\n  - services:\n    - strategy: !!int 1\n",
     "wrong-type", 7, 17, "spec.routes[0].services[0].strategy",
     "spec.routes[0].services[0].strategy: expected a string, found an integer 1"},
    {"healthCheck list", IR_HEAD "spec:\n  routes:\n  - services:\n    - healthCheck: [a]\n",
     "wrong-type", 7, 20, "spec.routes[0].services[0].healthCheck",
     "spec.routes[0].services[0].healthCheck: expected a map, found a list"},
    {"healthCheck path map",
     IR_HEAD "spec:\n  routes:\n  - services:\n    - healthCheck: {path: {}}\n", "wrong-type", 7,
     27, "spec.routes[0].services[0].healthCheck.path",
     "spec.routes[0].services[0].healthCheck.path: expected a string, found a map"},
    {"healthCheck host list",
     IR_HEAD "spec:\n  routes:\n  - services:\n    - healthCheck: {host: []}\n", "wrong-type", 7,
     27, "spec.routes[0].services[0].healthCheck.host",
     "spec.routes[0].services[0].healthCheck.host: expected a string, found a list"},
    {"intervalSeconds string",
     IR_HEAD "spec:\n  routes:\n  - services:\n    - healthCheck:\n        intervalSeconds: 5s\n",
     "wrong-type", 8, 26, "spec.routes[0].services[0].healthCheck.intervalSeconds",
     "spec.routes[0].services[0].healthCheck.intervalSeconds: expected an integer, found a "
     "string \"5s\""},
    {"timeoutSeconds bool",
     IR_HEAD "spec:\n  routes:\n  - services:\n    - healthCheck:\n        timeoutSeconds: true\n",
     "wrong-type", 8, 25, "spec.routes[0].services[0].healthCheck.timeoutSeconds",
     "spec.routes[0].services[0].healthCheck.timeoutSeconds: expected an integer, found a "
     "boolean true"},
    {"unhealthyThresholdCount range",
     IR_HEAD "spec:\n  routes:\n  - services:\n    - healthCheck:\n"
             "        unhealthyThresholdCount: -99999999999999999999\n",
     "integer-range", 8, 34, "spec.routes[0].services[0].healthCheck.unhealthyThresholdCount",
     "spec.routes[0].services[0].healthCheck.unhealthyThresholdCount: -99999999999999999999 "
     "does not fit in a 64-bit integer"},
    {"healthyThresholdCount list",
     IR_HEAD "spec:\n  routes:\n  - services:\n    - healthCheck:\n"
             "        healthyThresholdCount: [1]\n",
     "wrong-type", 8, 32, "spec.routes[0].services[0].healthCheck.healthyThresholdCount",
     "spec.routes[0].services[0].healthCheck.healthyThresholdCount: expected an integer, found "
     "a list"},
    {"delegate string", IR_HEAD "spec:\n  routes:\n  - match: /\n    delegate: other\n",
     "wrong-type", 7, 15, "spec.routes[0].delegate",
     "spec.routes[0].delegate: expected a map, found a string \"other\""},
    {"delegate name list", IR_HEAD "spec:\n  routes:\n  - delegate: {name: [a]}\n", "wrong-type", 6,
     22, "spec.routes[0].delegate.name",
     "spec.routes[0].delegate.name: expected a string, found a list"},
    {"delegate namespace map", IR_HEAD "spec:\n  routes:\n  - delegate: {namespace: {}}\n",
     "wrong-type", 6, 27, "spec.routes[0].delegate.namespace",
     "spec.routes[0].delegate.namespace: expected a string, found a map"},
    {"enableWebsockets string", IR_HEAD "spec:\n  routes:\n  - enableWebsockets: sure\n",
     "wrong-type", 6, 23, "spec.routes[0].enableWebsockets",
     "spec.routes[0].enableWebsockets: expected a boolean, found a string \"sure\""},
    {"permitInsecure int", IR_HEAD "spec:\n  routes:\n  - permitInsecure: 1\n", "wrong-type", 6, 21,
     "spec.routes[0].permitInsecure",
     "spec.routes[0].permitInsecure: expected a boolean, found an integer 1"},
    {"prefixRewrite list", IR_HEAD "spec:\n  routes:\n  - prefixRewrite: [a]\n", "wrong-type", 6,
     20, "spec.routes[0].prefixRewrite",
     "spec.routes[0].prefixRewrite: expected a string, found a list"},
    {"timeoutPolicy string", IR_HEAD "spec:\n  routes:\n  - timeoutPolicy: 5s\n", "wrong-type", 6,
     20, "spec.routes[0].timeoutPolicy",
     "spec.routes[0].timeoutPolicy: expected a map, found a string \"5s\""},
    {"timeout request map", IR_HEAD "spec:\n  routes:\n  - timeoutPolicy: {request: {}}\n",
     "wrong-type", 6, 30, "spec.routes[0].timeoutPolicy.request",
     "spec.routes[0].timeoutPolicy.request: expected a string, found a map"},
    {"retryPolicy list", IR_HEAD "spec:\n  routes:\n  - retryPolicy: []\n", "wrong-type", 6, 18,
     "spec.routes[0].retryPolicy", "spec.routes[0].retryPolicy: expected a map, found a list"},
    {"retry count string", IR_HEAD "spec:\n  routes:\n  - retryPolicy: {count: \"3\"}\n",
     "wrong-type", 6, 26, "spec.routes[0].retryPolicy.count",
     "spec.routes[0].retryPolicy.count: expected an integer, found a string \"3\""},
    {"perTryTimeout list", IR_HEAD "spec:\n  routes:\n  - retryPolicy: {perTryTimeout: [a]}\n",
     "wrong-type", 6, 34, "spec.routes[0].retryPolicy.perTryTimeout",
     "spec.routes[0].retryPolicy.perTryTimeout: expected a string, found a list"},
    {"tcpproxy list", IR_HEAD "spec:\n  tcpproxy: [a]\n", "wrong-type", 5, 13, "spec.tcpproxy",
     "spec.tcpproxy: expected a map, found a list"},
    {"tcpproxy services string", IR_HEAD "spec:\n  tcpproxy:\n    services: s\n", "wrong-type", 6,
     15, "spec.tcpproxy.services", "spec.tcpproxy.services: expected a list, found a string \"s\""},
    {"tcpproxy service port", IR_HEAD "spec:\n  tcpproxy:\n    services:\n    - port: 1.0\n",
     "wrong-type", 7, 13, "spec.tcpproxy.services[0].port",
     "spec.tcpproxy.services[0].port: expected an integer, found a number 1.0"},
    {"tcpproxy delegate list", IR_HEAD "spec:\n  tcpproxy:\n    delegate: [a]\n", "wrong-type", 6,
     15, "spec.tcpproxy.delegate", "spec.tcpproxy.delegate: expected a map, found a list"},
    {"second route second service",
     IR_HEAD "spec:\n  routes:\n  - match: /\n  - match: /a\n    services:\n    - port: 1\n"
             "    - port: x\n",
     "wrong-type", 10, 13, "spec.routes[1].services[1].port",
     "spec.routes[1].services[1].port: expected an integer, found a string \"x\""},
    /* TLSCertificateDelegation */
    {"delegations map",
     "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\nmetadata: {name: "
     "d}\nspec:\n  delegations: {a: b}\n",
     "wrong-type", 5, 16, "spec.delegations", "spec.delegations: expected a list, found a map"},
    {"delegation secretName list",
     "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\nmetadata: {name: "
     "d}\nspec:\n  delegations:\n  - secretName: [a]\n",
     "wrong-type", 6, 17, "spec.delegations[0].secretName",
     "spec.delegations[0].secretName: expected a string, found a list"},
    {"targetNamespaces string",
     "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\nmetadata: {name: "
     "d}\nspec:\n  delegations:\n  - targetNamespaces: \"*\"\n",
     "wrong-type", 6, 23, "spec.delegations[0].targetNamespaces",
     "spec.delegations[0].targetNamespaces: expected a list, found a string \"*\""},
    {"targetNamespaces item map",
     "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\nmetadata: {name: "
     "d}\nspec:\n  delegations:\n  - targetNamespaces: [a, {b: c}]\n",
     "wrong-type", 6, 27, "spec.delegations[0].targetNamespaces[1]",
     "spec.delegations[0].targetNamespaces[1]: expected a string, found a map"},
    /* Service */
    {"ports map", SVC_HEAD "spec:\n  ports: {port: 80}\n", "wrong-type", 5, 10, "spec.ports",
     "spec.ports: expected a list, found a map"},
    {"port name list", SVC_HEAD "spec:\n  ports:\n  - name: [a]\n", "wrong-type", 6, 11,
     "spec.ports[0].name", "spec.ports[0].name: expected a string, found a list"},
    {"service port int32", SVC_HEAD "spec:\n  ports:\n  - port: 2147483648\n", "integer-range", 6,
     11, "spec.ports[0].port", "spec.ports[0].port: 2147483648 does not fit in a 32-bit integer"},
    {"service port long",
     SVC_HEAD "spec:\n  ports:\n  - port: 123456789012345678901234567890123456789012345\n",
     "integer-range", 6, 11, "spec.ports[0].port",
     "spec.ports[0].port: 1234567890123456789012345678901234567890... does not fit in a 32-bit "
     "integer"},
    {"service port hex int32", SVC_HEAD "spec:\n  ports:\n  - port: -0x80000001\n", "integer-range",
     6, 11, "spec.ports[0].port",
     "spec.ports[0].port: -0x80000001 does not fit in a 32-bit integer"},
    /* Secret */
    {"data list", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: [a]\n", "wrong-type", 4,
     7, "data", "data: expected a map, found a list"},
    {"stringData value map",
     "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  tls.crt: {a: b}\n",
     "wrong-type", 5, 12, "stringData[tls.crt]",
     "stringData[tls.crt]: expected a string, found a map"},
    {"data value int tag",
     "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  k: !!int 5\n", "wrong-type", 5, 6,
     "data[k]", "data[k]: expected a string, found an integer 5"},
    {"type list", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: [a]\n", "wrong-type", 4,
     7, "type", "type: expected a string, found a list"},
    /* Ingress */
    {"ingress backend list", ING_HEAD("extensions/v1beta1") "spec:\n  backend: [a]\n", "wrong-type",
     5, 12, "spec.backend", "spec.backend: expected a map, found a list"},
    {"serviceName map", ING_HEAD("extensions/v1beta1") "spec:\n  backend: {serviceName: {}}\n",
     "wrong-type", 5, 26, "spec.backend.serviceName",
     "spec.backend.serviceName: expected a string, found a map"},
    {"servicePort map",
     ING_HEAD("networking.k8s.io/v1beta1") "spec:\n  backend: {servicePort: {a: 1}}\n",
     "wrong-type", 5, 26, "spec.backend.servicePort",
     "spec.backend.servicePort: expected an integer or a string, found a map"},
    {"servicePort bool tag",
     ING_HEAD("networking.k8s.io/v1beta1") "spec:\n  backend: {servicePort: !!bool true}\n",
     "wrong-type", 5, 26, "spec.backend.servicePort",
     "spec.backend.servicePort: expected an integer or a string, found a boolean true"},
    {"servicePort range",
     ING_HEAD("extensions/v1beta1") "spec:\n  backend: {servicePort: 4294967296}\n",
     "integer-range", 5, 26, "spec.backend.servicePort",
     "spec.backend.servicePort: 4294967296 does not fit in a 32-bit integer"},
    {"servicePort digit string range",
     ING_HEAD("extensions/v1beta1") "spec:\n  backend: {servicePort: \"2147483648\"}\n",
     "integer-range", 5, 26, "spec.backend.servicePort",
     "spec.backend.servicePort: 2147483648 does not fit in a 32-bit integer"},
    {"resource string", ING_HEAD("extensions/v1beta1") "spec:\n  backend: {resource: x}\n",
     "wrong-type", 5, 23, "spec.backend.resource",
     "spec.backend.resource: expected a map, found a string \"x\""},
    {"rules map", ING_HEAD("extensions/v1beta1") "spec:\n  rules: {host: x}\n", "wrong-type", 5, 10,
     "spec.rules", "spec.rules: expected a list, found a map"},
    {"rule scalar", ING_HEAD("extensions/v1beta1") "spec:\n  rules: [x]\n", "wrong-type", 5, 11,
     "spec.rules[0]", "spec.rules[0]: expected a map, found a string \"x\""},
    {"host list", ING_HEAD("extensions/v1beta1") "spec:\n  rules:\n  - host: [a]\n", "wrong-type",
     6, 11, "spec.rules[0].host", "spec.rules[0].host: expected a string, found a list"},
    {"http list", ING_HEAD("extensions/v1beta1") "spec:\n  rules:\n  - http: []\n", "wrong-type", 6,
     11, "spec.rules[0].http", "spec.rules[0].http: expected a map, found a list"},
    {"paths map", ING_HEAD("extensions/v1beta1") "spec:\n  rules:\n  - http: {paths: {}}\n",
     "wrong-type", 6, 19, "spec.rules[0].http.paths",
     "spec.rules[0].http.paths: expected a list, found a map"},
    {"path list",
     ING_HEAD("extensions/v1beta1") "spec:\n  rules:\n  - http:\n      paths:\n      - path: []\n",
     "wrong-type", 8, 15, "spec.rules[0].http.paths[0].path",
     "spec.rules[0].http.paths[0].path: expected a string, found a list"},
    {"pathType map",
     ING_HEAD("networking.k8s.io/v1") "spec:\n  rules:\n  - http:\n      paths:\n"
                                      "      - pathType: {}\n",
     "wrong-type", 8, 19, "spec.rules[0].http.paths[0].pathType",
     "spec.rules[0].http.paths[0].pathType: expected a string, found a map"},
    {"path backend string",
     ING_HEAD("extensions/v1beta1") "spec:\n  rules:\n  - http:\n      paths:\n"
                                    "      - backend: svc\n",
     "wrong-type", 8, 18, "spec.rules[0].http.paths[0].backend",
     "spec.rules[0].http.paths[0].backend: expected a map, found a string \"svc\""},
    {"v1 service string",
     ING_HEAD("networking.k8s.io/v1") "spec:\n  defaultBackend:\n    service: x\n", "wrong-type", 6,
     14, "spec.defaultBackend.service",
     "spec.defaultBackend.service: expected a map, found a string \"x\""},
    {"v1 service name list",
     ING_HEAD("networking.k8s.io/v1") "spec:\n  defaultBackend:\n    service: {name: []}\n",
     "wrong-type", 6, 21, "spec.defaultBackend.service.name",
     "spec.defaultBackend.service.name: expected a string, found a list"},
    {"v1 port scalar",
     ING_HEAD("networking.k8s.io/v1") "spec:\n  defaultBackend:\n    service: {port: 80}\n",
     "wrong-type", 6, 21, "spec.defaultBackend.service.port",
     "spec.defaultBackend.service.port: expected a map, found an integer 80"},
    {"v1 port number string",
     ING_HEAD("networking.k8s.io/v1") "spec:\n  defaultBackend:\n"
                                      "    service: {port: {number: \"80\"}}\n",
     "wrong-type", 6, 30, "spec.defaultBackend.service.port.number",
     "spec.defaultBackend.service.port.number: expected an integer, found a string \"80\""},
    {"v1 port number range",
     ING_HEAD("networking.k8s.io/v1") "spec:\n  defaultBackend:\n"
                                      "    service: {port: {number: 2147483648}}\n",
     "integer-range", 6, 30, "spec.defaultBackend.service.port.number",
     "spec.defaultBackend.service.port.number: 2147483648 does not fit in a 32-bit integer"},
    {"v1 port name map",
     ING_HEAD("networking.k8s.io/v1") "spec:\n  defaultBackend:\n"
                                      "    service: {port: {name: {}}}\n",
     "wrong-type", 6, 28, "spec.defaultBackend.service.port.name",
     "spec.defaultBackend.service.port.name: expected a string, found a map"},
    {"tls map", ING_HEAD("extensions/v1beta1") "spec:\n  tls: {hosts: []}\n", "wrong-type", 5, 8,
     "spec.tls", "spec.tls: expected a list, found a map"},
    {"tls hosts string", ING_HEAD("extensions/v1beta1") "spec:\n  tls:\n  - hosts: a\n",
     "wrong-type", 6, 12, "spec.tls[0].hosts",
     "spec.tls[0].hosts: expected a list, found a string \"a\""},
    {"tls host item list", ING_HEAD("extensions/v1beta1") "spec:\n  tls:\n  - hosts: [[a]]\n",
     "wrong-type", 6, 13, "spec.tls[0].hosts[0]",
     "spec.tls[0].hosts[0]: expected a string, found a list"},
    {"tls secretName map", ING_HEAD("extensions/v1beta1") "spec:\n  tls:\n  - secretName: {}\n",
     "wrong-type", 6, 17, "spec.tls[0].secretName",
     "spec.tls[0].secretName: expected a string, found a map"},
    {"ingressClassName list", ING_HEAD("networking.k8s.io/v1") "spec:\n  ingressClassName: [a]\n",
     "wrong-type", 5, 21, "spec.ingressClassName",
     "spec.ingressClassName: expected a string, found a list"},
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof error_cases / sizeof *error_cases; i++) {
        const error_case *c = &error_cases[i];
        harness *h = h_yaml(c->yaml);
        if (h->n != 1 || h->results[0] != CX_CONVERT_REJECTED) {
            dump("rejected", &h->rejected);
            dump("syntax", &h->syntax);
            fail_msg("%s: not rejected (%zu outputs, first %d)", c->name, h->n,
                     h->n ? h->results[0] : -9);
        }
        const contour_diagnostic *d = h_error(h);
        if (strcmp(d->code, c->code) != 0 || d->pos.line != c->line || d->pos.col != c->col ||
            !d->field || strcmp(d->field, c->field) != 0 || strcmp(d->message, c->message) != 0)
            fail_msg("%s:\n got  [%s] %u:%u %s \"%s\"\n want [%s] %u:%u %s \"%s\"", c->name,
                     d->code, d->pos.line, d->pos.col, d->field ? d->field : "(null)", d->message,
                     c->code, c->line, c->col, c->field, c->message);
        assert_int_not_equal(d->obj_kind, CONTOUR_KIND_NONE);
        assert_string_equal(d->file, "test.yaml");
        h_free(h);
    }
}

/* Every error of a document is reported, as a compiler reports every error in a file,
 * with the warnings around them and the object named; the document is still rejected. */
static void test_every_error_reported(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: contour.heptio.com/v1beta1\n"
                        "kind: IngressRoute\n"
                        "metadata: {name: r, namespace: ns, bogus: 1}\n"
                        "spec:\n"
                        "  strategy: x\n"
                        "  routes:\n"
                        "  - services:\n"
                        "    - port: eighty\n"
                        "      permitInsecure: true\n"
                        "    - port: ninety\n"
                        "  nope: 1\n");
    assert_int_equal(h->n, 1);
    assert_int_equal(h->results[0], CX_CONVERT_REJECTED);
    assert_int_equal(h->rejected.count, 6);
    const contour_diagnostic *d = h->rejected.head;
    expect_diag(d, CONTOUR_SEVERITY_WARNING, "unknown-field", 3, 36, "metadata.bogus",
                "unknown field \"bogus\" in metadata");
    expect_objref(d, CONTOUR_KIND_INGRESSROUTE, "ns", "r");
    d = d->next;
    expect_diag(d, CONTOUR_SEVERITY_WARNING, "unknown-field", 5, 3, "spec.strategy",
                "unknown field \"strategy\" in spec");
    d = d->next;
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "wrong-type", 8, 13, "spec.routes[0].services[0].port",
                "spec.routes[0].services[0].port: expected an integer, found a string \"eighty\"");
    expect_objref(d, CONTOUR_KIND_INGRESSROUTE, "ns", "r");
    assert_string_equal(d->file, "test.yaml");
    d = d->next;
    expect_diag(d, CONTOUR_SEVERITY_WARNING, "unknown-field", 9, 7,
                "spec.routes[0].services[0].permitInsecure",
                "unknown field \"permitInsecure\" in spec.routes[0].services[0]");
    d = d->next;
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "wrong-type", 10, 13, "spec.routes[0].services[1].port",
                "spec.routes[0].services[1].port: expected an integer, found a string \"ninety\"");
    d = d->next;
    expect_diag(d, CONTOUR_SEVERITY_WARNING, "unknown-field", 11, 3, "spec.nope",
                "unknown field \"nope\" in spec");
    h_free(h);
}

/* Three different errors in one document: three error diagnostics, each at its place. */
static void test_three_errors(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: contour.heptio.com/v1beta1\n"         /* 1 */
                        "kind: IngressRoute\n"                             /* 2 */
                        "metadata: {namespace: ns}\n"                      /* 3 */
                        "spec:\n"                                          /* 4 */
                        "  virtualhost: {fqdn: [a, b]}\n"                  /* 5 */
                        "  routes:\n"                                      /* 6 */
                        "  - services: [{port: 99999999999999999999}]\n"); /* 7 */
    assert_int_equal(h->results[0], CX_CONVERT_REJECTED);
    assert_int_equal(h->rejected.count, 3);
    const contour_diagnostic *d = h->rejected.head;
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "missing-name", 3, 11, "metadata.name",
                "metadata.name must be specified");
    expect_objref(d, CONTOUR_KIND_INGRESSROUTE, "ns", NULL);
    d = d->next;
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "wrong-type", 5, 23, "spec.virtualhost.fqdn",
                "spec.virtualhost.fqdn: expected a string, found a list");
    d = d->next;
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "integer-range", 7, 23,
                "spec.routes[0].services[0].port",
                "spec.routes[0].services[0].port: 99999999999999999999 does not fit in a "
                "64-bit integer");
    h_free(h);

    /* Lists of values, maps of values, and every kind: each bad entry is reported. */
    h = h_yaml("apiVersion: v1\nkind: Secret\n"
               "metadata: {name: s, annotations: {a: [1], b: ok, c: {x: 1}}}\n"
               "data: {tls.crt: [1], tls.key: k, x: {}}\n"
               "---\n"
               "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\n"
               "metadata: {name: d}\n"
               "spec: {delegations: [{secretName: [s], targetNamespaces: [a, [b], {c: 1}]}]}\n"
               "---\n"
               "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\n"
               "spec:\n  ingressClassName: [x]\n  rules:\n  - host: {}\n"
               "    http: {paths: [{backend: {service: {name: 1x, port: {number: x}}}}]}\n");
    assert_int_equal(h->n, 3);
    /* Documents by line: the Secret is lines 1-4, the delegation 6-9, the Ingress 11-. */
    size_t errors[3] = {0, 0, 0};
    for (const contour_diagnostic *e = h->rejected.head; e; e = e->next) {
        if (e->severity == CONTOUR_SEVERITY_ERROR)
            errors[e->pos.line <= 4 ? 0 : e->pos.line <= 9 ? 1 : 2]++;
    }
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(h->results[i], CX_CONVERT_REJECTED);
    assert_int_equal(errors[0], 4); /* annotations a and c, data tls.crt and x */
    assert_int_equal(errors[1], 3); /* secretName, targetNamespaces[1] and [2] */
    assert_int_equal(errors[2], 3); /* ingressClassName, host, port.number */
    h_free(h);
}

/* A long repeated key is cut in its message on a character boundary (it was cut after
 * byte 120, in the middle of a 2-byte character: the message, and the JSON rendering
 * of the diagnostic, were not UTF-8). Found by the fuzz oracle (fuzz_common.h). */
static void test_pending_error_long_key(void **state)
{
    (void)state;
    char key[256], text[700];
    memset(key, 'a', 119);
    strcpy(key + 119, "\xC3\xA9tail"); /* U+00E9 straddles byte 120 */
    snprintf(text, sizeof text,
             "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  %s: 1\n  %s: 2\n", key,
             key);
    harness *h = h_yaml(text);
    const contour_diagnostic *d = h_error(h);
    char expected[256];
    snprintf(expected, sizeof expected, "duplicate key \"%.119s\"...", key);
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "duplicate-key", 6, 3, NULL, expected);
    assert_true(cx_utf8_valid(d->message, strlen(d->message)));
    h_free(h);
}

/* Builder errors held back until the object is known (duplicate key, merge errors). */
static void test_pending_errors(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: contour.heptio.com/v1beta1\n"
                        "kind: IngressRoute\n"
                        "metadata:\n"
                        "  name: dup\n"
                        "  namespace: team\n"
                        "spec:\n"
                        "  virtualhost: {fqdn: a}\n"
                        "  virtualhost: {fqdn: b}\n");
    const contour_diagnostic *d = h_error(h);
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "duplicate-key", 8, 3, NULL,
                "duplicate key \"virtualhost\"");
    expect_objref(d, CONTOUR_KIND_INGRESSROUTE, "team", "dup");
    assert_int_equal(h->rejected.count, 1);
    h_free(h);

    /* the pending error wins over the object's own errors (here a missing name) */
    h = h_yaml("apiVersion: v1\nkind: Service\nmetadata:\n  namespace: a\n  namespace: b\n");
    d = h_error(h);
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "duplicate-key", 5, 3, NULL,
                "duplicate key \"namespace\"");
    expect_objref(d, CONTOUR_KIND_SERVICE, "a", NULL); /* the first of the two */
    h_free(h);

    /* in a List item, the item is rejected and named; the others load */
    h = h_yaml("apiVersion: v1\nkind: List\nitems:\n"
               "- {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {}, spec: {}}\n"
               "- {apiVersion: v1, kind: Service, metadata: {name: b}}\n");
    assert_int_equal(h->n, 3);
    assert_int_equal(h->results[0], CX_CONVERT_REJECTED);
    assert_int_equal(h->results[1], CX_CONVERT_OBJECT);
    assert_int_equal(h->results[2], CX_CONVERT_LIST);
    expect_diag(h->rejected.head, CONTOUR_SEVERITY_ERROR, "duplicate-key", 4, 66, NULL,
                "duplicate key \"spec\"");
    expect_objref(h->rejected.head, CONTOUR_KIND_SERVICE, "default", "a");
    h_free(h);

    /* documents we do not model are reported too (the YAML is broken), without a name */
    h = h_yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: 1\nspec: 2\n");
    d = h_error(h);
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "duplicate-key", 5, 1, NULL, "duplicate key \"spec\"");
    expect_objref(d, CONTOUR_KIND_NONE, NULL, NULL);
    h_free(h);

    /* a merge error */
    h = h_yaml("apiVersion: v1\nkind: Service\nmetadata:\n  name: m\n  <<: 5\n");
    d = h_error(h);
    assert_string_equal(d->code, "merge-key");
    expect_objref(d, CONTOUR_KIND_SERVICE, "default", "m");
    h_free(h);
}

/* Pending errors handed in directly (a NUL character cannot be written in these tests):
 * every document is rejected with it, named when it is a modelled object. */
typedef struct pending_cap {
    harness *h;
    const cx_pending_error *p;
} pending_cap;

static cx_rc pending_doc(void *ud, const cx_node *root, const cx_pending_error *pending,
                         const char *kind)
{
    (void)pending;
    (void)kind;
    pending_cap *cap = ud;
    return handle(cap->h, root, cap->p);
}

static void test_pending_direct(void **state)
{
    (void)state;
    cx_pending_error p;
    memset(&p, 0, sizeof p);
    p.set = true;
    p.code = "nul-character";
    p.pos = (cx_pos){9, 9};
    snprintf(p.message, sizeof p.message, "a string contains a NUL character");
    const struct {
        const char *yaml;
        contour_kind kind;
        const char *ns, *name;
    } cases[] = {
        {"apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: \"n\"}\n",
         CONTOUR_KIND_SECRET, "n", "s"},
        {"apiVersion: v1\nkind: Secret\nmetadata: {name: [s], namespace: {}}\n",
         CONTOUR_KIND_SECRET, "default", NULL},
        {"apiVersion: v1\nkind: Secret\nmetadata: 5\n", CONTOUR_KIND_SECRET, "default", NULL},
        {"[1]\n", CONTOUR_KIND_NONE, NULL, NULL},
        {"kind: Foo\n", CONTOUR_KIND_NONE, NULL, NULL},
        {"kind: {a: b}\n", CONTOUR_KIND_NONE, NULL, NULL},
        {"foo: bar\n", CONTOUR_KIND_NONE, NULL, NULL},
        {"kind: List\n", CONTOUR_KIND_NONE, NULL, NULL},
        {"apiVersion: v2\nkind: Service\n", CONTOUR_KIND_NONE, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        harness *h = h_new("direct");
        pending_cap cap = {h, &p};
        cx_load_ctx lc = {&cx_default_alloc, &h->limits, "direct",
                          (cx_diag_sink){&h->arena, &h->syntax, NULL, NULL},
                          (cx_doc_handler){&cap, NULL, pending_doc}};
        assert_int_equal(cx_yaml_parse(&lc, cases[i].yaml, strlen(cases[i].yaml)), CX_RC_OK);
        const contour_diagnostic *d = h_error(h);
        assert_int_equal(h->rejected.count, 1);
        expect_diag(d, CONTOUR_SEVERITY_ERROR, "nul-character", 9, 9, NULL,
                    "a string contains a NUL character");
        expect_objref(d, cases[i].kind, cases[i].ns, cases[i].name);
        assert_string_equal(d->file, "direct");
        h_free(h);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* YAML 1.1 typing through real YAML                                                          */
/* ------------------------------------------------------------------------------------------ */

static void test_yaml11_typing(void **state)
{
    (void)state;
    harness *h =
        h_yaml("apiVersion: contour.heptio.com/v1beta1\n"
               "kind: IngressRoute\n"
               "metadata: {name: \"42\"}\n"
               "spec:\n"
               "  virtualhost: {fqdn: \"1.5\", tls: {passthrough: on, secretName: \"007\"}}\n"
               "  routes:\n"
               "  - match: /\n"
               "    enableWebsockets: Yes\n"
               "    permitInsecure: no\n"
               "    prefixRewrite: \"true\"\n"
               "    timeoutPolicy: {request: \"10\"}\n"
               "    services:\n"
               "    - {name: \"8080\", port: 0x1F90, weight: 012}\n"
               "    - {name: s, port: 1_000, weight: -017}\n"
               "    - {name: ~, port: ~, weight: !!int 5}\n"
               "    - {name: !!str 5, port: !!int \"80\"}\n");
    const contour_object *o = h_object(h);
    assert_string_equal(contour_object_name(o), "42");
    assert_string_equal(contour_ingressroute_fqdn(o), "1.5");
    assert_true(contour_ingressroute_tls_passthrough(o));
    assert_string_equal(contour_ingressroute_tls_secret_name(o), "007");
    const contour_ingressroute_route *r = contour_ingressroute_route_at(o, 0);
    assert_true(contour_ingressroute_route_enable_websockets(r));
    assert_false(contour_ingressroute_route_permit_insecure(r));
    assert_string_equal(contour_ingressroute_route_prefix_rewrite(r), "true");
    assert_string_equal(contour_ingressroute_route_timeout_policy_request(r), "10");
    const contour_ingressroute_service *s = contour_ingressroute_route_service_at(r, 0);
    assert_string_equal(contour_ingressroute_service_name(s), "8080");
    assert_int_equal(contour_ingressroute_service_port(s), 8080);
    assert_int_equal(contour_ingressroute_service_weight(s), 10);
    s = contour_ingressroute_route_service_at(r, 1);
    assert_int_equal(contour_ingressroute_service_port(s), 1000);
    assert_int_equal(contour_ingressroute_service_weight(s), -15);
    s = contour_ingressroute_route_service_at(r, 2);
    assert_null(contour_ingressroute_service_name(s));
    assert_int_equal(contour_ingressroute_service_port(s), 0);
    assert_int_equal(contour_ingressroute_service_weight(s), 5);
    s = contour_ingressroute_route_service_at(r, 3);
    assert_string_equal(contour_ingressroute_service_name(s), "5");
    assert_int_equal(contour_ingressroute_service_port(s), 80);
    h_free(h);
}

/* JSON is strictly typed: a string is never a number or a boolean, and the reverse. */
static void test_json_typing(void **state)
{
    (void)state;
    harness *h = h_json("{\"apiVersion\": \"contour.heptio.com/v1beta1\", \"kind\": "
                        "\"IngressRoute\",\n"
                        " \"metadata\": {\"name\": \"j\", \"namespace\": null,\n"
                        "   \"annotations\": {\"a\": \"1\", \"b\": null}},\n"
                        " \"spec\": {\"virtualhost\": {\"fqdn\": \"x\", \"tls\": "
                        "{\"passthrough\": true}},\n"
                        "  \"routes\": [{\"match\": \"/\", \"enableWebsockets\": false, "
                        "\"permitInsecure\": true,\n"
                        "    \"retryPolicy\": {\"count\": -3},\n"
                        "    \"services\": [{\"name\": \"s\", \"port\": 80, \"weight\": "
                        "null}]}]}}\n");
    const contour_object *o = h_object(h);
    assert_string_equal(contour_object_file(o), "test.json");
    assert_string_equal(contour_object_namespace(o), "default");
    assert_string_equal(contour_annotation_value(contour_object_find_annotation(o, "b", 1)), "");
    assert_true(contour_ingressroute_tls_passthrough(o));
    const contour_ingressroute_route *r = contour_ingressroute_route_at(o, 0);
    assert_false(contour_ingressroute_route_enable_websockets(r));
    assert_true(contour_ingressroute_route_permit_insecure(r));
    assert_int_equal(contour_ingressroute_route_retry_policy_count(r), -3);
    const contour_ingressroute_service *s = contour_ingressroute_route_service_at(r, 0);
    assert_int_equal(contour_ingressroute_service_port(s), 80);
    assert_int_equal(contour_ingressroute_service_weight(s), 0);
    POS_EQ(s->port_pos, 7, 40);
    POS_EQ(s->weight_pos, 7, 18); /* null: the item */
    h_free(h);

    /* Ingress servicePort: number, digit string, name */
    h = h_json("{\"apiVersion\": \"extensions/v1beta1\", \"kind\": \"Ingress\", "
               "\"metadata\": {\"name\": \"i\"},\n"
               " \"spec\": {\"rules\": [{\"http\": {\"paths\": [\n"
               "  {\"backend\": {\"serviceName\": \"a\", \"servicePort\": 80}},\n"
               "  {\"backend\": {\"serviceName\": \"a\", \"servicePort\": \"81\"}},\n"
               "  {\"backend\": {\"serviceName\": \"a\", \"servicePort\": \"http\"}}]}}]}}");
    o = h_object(h);
    const contour_ingress_rule *rule = contour_ingress_rule_at(o, 0);
    const contour_ingress_backend *b =
        contour_ingress_path_backend(contour_ingress_rule_path_at(rule, 0));
    assert_int_equal(contour_ingress_backend_port(b), 80);
    b = contour_ingress_path_backend(contour_ingress_rule_path_at(rule, 1));
    assert_false((contour_ingress_backend_port_name(b) != NULL));
    assert_int_equal(contour_ingress_backend_port(b), 81);
    b = contour_ingress_path_backend(contour_ingress_rule_path_at(rule, 2));
    assert_string_equal(contour_ingress_backend_port_name(b), "http");
    h_free(h);

    /* A JSON List: items are converted one by one */
    h = h_json("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
               " {\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": "
               "\"a\"}, \"spec\": {\"ports\": [{\"port\": 80}]}},\n"
               " {\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": "
               "\"b\"}, \"data\": {\"tls.crt\": \"eA==\"}}]}");
    assert_int_equal(h->n, 3);
    assert_int_equal(h->results[0], CX_CONVERT_OBJECT);
    assert_int_equal(contour_service_port_port(contour_service_port_at(h->objs[0], 0)), 80);
    POS_EQ(h->objs[0]->pos, 2, 2);
    assert_int_equal(h->results[1], CX_CONVERT_OBJECT);
    assert_int_equal(contour_secret_key_count(h->objs[1]), 1);
    assert_int_equal(h->results[2], CX_CONVERT_LIST);
    h_free(h);
}

static void test_json_errors(void **state)
{
    (void)state;
    const error_case cases[] = {
        {"port string",
         "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": "
         "\"s\"},\n \"spec\": {\"ports\": [{\"port\": \"80\"}]}}",
         "wrong-type", 2, 30, "spec.ports[0].port",
         "spec.ports[0].port: expected an integer, found a string \"80\""},
        {"port float",
         "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": "
         "\"s\"},\n \"spec\": {\"ports\": [{\"port\": 80.0}]}}",
         "wrong-type", 2, 30, "spec.ports[0].port",
         "spec.ports[0].port: expected an integer, found a number 80.0"},
        {"port exponent",
         "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": "
         "\"s\"},\n \"spec\": {\"ports\": [{\"port\": 8e1}]}}",
         "wrong-type", 2, 30, "spec.ports[0].port",
         "spec.ports[0].port: expected an integer, found a number 8e1"},
        {"port range",
         "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": "
         "\"s\"},\n \"spec\": {\"ports\": [{\"port\": -2147483649}]}}",
         "integer-range", 2, 30, "spec.ports[0].port",
         "spec.ports[0].port: -2147483649 does not fit in a 32-bit integer"},
        {"name number",
         "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": 5}}",
         "wrong-type", 1, 62, "metadata.name",
         "metadata.name: expected a string, found an integer 5"},
        {"bool string",
         "{\"apiVersion\": \"contour.heptio.com/v1beta1\", \"kind\": \"IngressRoute\", "
         "\"metadata\": {\"name\": \"r\"},\n \"spec\": {\"routes\": [{\"permitInsecure\": "
         "\"true\"}]}}",
         "wrong-type", 2, 41, "spec.routes[0].permitInsecure",
         "spec.routes[0].permitInsecure: expected a boolean, found a string \"true\""},
        {"string bool",
         "{\"apiVersion\": \"contour.heptio.com/v1beta1\", \"kind\": \"IngressRoute\", "
         "\"metadata\": {\"name\": \"r\"},\n \"spec\": {\"routes\": [{\"match\": true}]}}",
         "wrong-type", 2, 32, "spec.routes[0].match",
         "spec.routes[0].match: expected a string, found a boolean true"},
        {"annotation number",
         "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": "
         "\"s\",\n \"annotations\": {\"x\": 5}}}",
         "wrong-type", 2, 23, "metadata.annotations[x]",
         "metadata.annotations[x]: expected a string, found an integer 5"},
        {"servicePort float",
         "{\"apiVersion\": \"extensions/v1beta1\", \"kind\": \"Ingress\", \"metadata\": "
         "{\"name\": \"i\"},\n \"spec\": {\"backend\": {\"servicePort\": 1.5}}}",
         "wrong-type", 2, 38, "spec.backend.servicePort",
         "spec.backend.servicePort: expected an integer or a string, found a number 1.5"},
        {"secret data number",
         "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": "
         "\"s\"},\n \"data\": {\"tls.crt\": 1}}",
         "wrong-type", 2, 22, "data[tls.crt]",
         "data[tls.crt]: expected a string, found an integer 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const error_case *c = &cases[i];
        harness *h = h_json(c->yaml);
        if (h->n != 1 || h->results[0] != CX_CONVERT_REJECTED) {
            dump("rejected", &h->rejected);
            dump("syntax", &h->syntax);
            fail_msg("%s: not rejected (%zu outputs, first %d)", c->name, h->n,
                     h->n ? h->results[0] : -9);
        }
        const contour_diagnostic *d = h_error(h);
        if (strcmp(d->code, c->code) != 0 || d->pos.line != c->line || d->pos.col != c->col ||
            !d->field || strcmp(d->field, c->field) != 0 || strcmp(d->message, c->message) != 0)
            fail_msg("%s:\n got  [%s] %u:%u %s \"%s\"\n want [%s] %u:%u %s \"%s\"", c->name,
                     d->code, d->pos.line, d->pos.col, d->field ? d->field : "(null)", d->message,
                     c->code, c->line, c->col, c->field, c->message);
        h_free(h);
    }
}

/* Anchors, aliases and merge keys reach the converter as ordinary trees. */
static void test_yaml_aliases(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: contour.heptio.com/v1beta1\n"
                        "kind: IngressRoute\n"
                        "metadata: {name: a}\n"
                        "spec:\n"
                        "  routes:\n"
                        "  - match: /a\n"
                        "    services: &svcs\n"
                        "    - &web {name: web, port: 80}\n"
                        "  - match: /b\n"
                        "    services: *svcs\n"
                        "  - match: /c\n"
                        "    services:\n"
                        "    - <<: *web\n"
                        "      weight: 5\n");
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_diagnostic_count(o), 0);
    const contour_ingressroute_service *s =
        contour_ingressroute_route_service_at(contour_ingressroute_route_at(o, 1), 0);
    assert_string_equal(contour_ingressroute_service_name(s), "web");
    s = contour_ingressroute_route_service_at(contour_ingressroute_route_at(o, 2), 0);
    assert_string_equal(contour_ingressroute_service_name(s), "web");
    assert_int_equal(contour_ingressroute_service_port(s), 80);
    assert_int_equal(contour_ingressroute_service_weight(s), 5);
    h_free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* Diagnostics order, accessors                                                               */
/* ------------------------------------------------------------------------------------------ */

static void test_diagnostics_sorted(void **state)
{
    (void)state;
    /* spec comes before metadata in the text: object diagnostics are still in position order */
    harness *h = h_yaml("spec:\n"
                        "  zzz: 1\n"
                        "apiVersion: v1\n"
                        "kind: Service\n"
                        "metadata:\n"
                        "  name: s\n"
                        "  aaa: 2\n");
    const contour_object *o = h_object(h);
    assert_int_equal(contour_object_diagnostic_count(o), 2);
    assert_int_equal(contour_diagnostic_line(contour_object_diagnostic_at(o, 0)), 2);
    assert_int_equal(contour_diagnostic_line(contour_object_diagnostic_at(o, 1)), 7);
    /* the list itself is in reading order (metadata first) */
    assert_int_equal(o->diags.head->pos.line, 7);
    h_free(h);
}

static void test_accessors_null_safe(void **state)
{
    (void)state;
    assert_int_equal(contour_object_kind(NULL), CONTOUR_KIND_NONE);
    assert_null(contour_object_api_version(NULL));
    assert_null(contour_object_namespace(NULL));
    assert_null(contour_object_name(NULL));
    assert_null(contour_object_file(NULL));
    assert_int_equal(contour_object_line(NULL), 0);
    assert_int_equal(contour_object_column(NULL), 0);
    assert_int_equal(contour_object_annotation_count(NULL), 0);
    assert_null(contour_annotation_key(contour_object_annotation_at(NULL, 0)));
    assert_null(contour_annotation_value(contour_object_annotation_at(NULL, 0)));
    assert_null(contour_object_find_annotation(NULL, "a", 1));
    assert_int_equal(contour_object_diagnostic_count(NULL), 0);
    assert_null(contour_object_diagnostic_at(NULL, 0));
    assert_false(contour_ingressroute_has_virtualhost(NULL));
    assert_null(contour_ingressroute_fqdn(NULL));
    assert_false(contour_ingressroute_has_tls(NULL));
    assert_null(contour_ingressroute_tls_secret_name(NULL));
    assert_null(contour_ingressroute_tls_min_protocol_version(NULL));
    assert_false(contour_ingressroute_tls_passthrough(NULL));
    assert_int_equal(contour_ingressroute_route_count(NULL), 0);
    assert_null(contour_ingressroute_route_at(NULL, 0));
    assert_false(contour_ingressroute_has_tcpproxy(NULL));
    assert_int_equal(contour_ingressroute_tcpproxy_service_count(NULL), 0);
    assert_null(contour_ingressroute_tcpproxy_service_at(NULL, 0));
    assert_false(contour_ingressroute_tcpproxy_has_delegate(NULL));
    assert_null(contour_ingressroute_tcpproxy_delegate_name(NULL));
    assert_null(contour_ingressroute_tcpproxy_delegate_namespace(NULL));
    assert_null(contour_ingressroute_route_match(NULL));
    assert_int_equal(contour_ingressroute_route_service_count(NULL), 0);
    assert_null(contour_ingressroute_route_service_at(NULL, 0));
    assert_false(contour_ingressroute_route_has_delegate(NULL));
    assert_null(contour_ingressroute_route_delegate_name(NULL));
    assert_null(contour_ingressroute_route_delegate_namespace(NULL));
    assert_false(contour_ingressroute_route_enable_websockets(NULL));
    assert_false(contour_ingressroute_route_permit_insecure(NULL));
    assert_null(contour_ingressroute_route_prefix_rewrite(NULL));
    assert_false(contour_ingressroute_route_has_timeout_policy(NULL));
    assert_null(contour_ingressroute_route_timeout_policy_request(NULL));
    assert_false(contour_ingressroute_route_has_retry_policy(NULL));
    assert_int_equal(contour_ingressroute_route_retry_policy_count(NULL), 0);
    assert_null(contour_ingressroute_route_retry_policy_per_try_timeout(NULL));
    assert_null(contour_ingressroute_service_name(NULL));
    assert_int_equal(contour_ingressroute_service_port(NULL), 0);
    assert_int_equal(contour_ingressroute_service_weight(NULL), 0);
    assert_null(contour_ingressroute_service_strategy(NULL));
    assert_false((contour_ingressroute_service_health_check(NULL) != NULL));
    assert_null(contour_health_check_path(contour_ingressroute_service_health_check(NULL)));
    assert_null(contour_health_check_host(contour_ingressroute_service_health_check(NULL)));
    assert_int_equal(
        contour_health_check_interval_s(contour_ingressroute_service_health_check(NULL)), 0);
    assert_int_equal(
        contour_health_check_timeout_s(contour_ingressroute_service_health_check(NULL)), 0);
    assert_int_equal(
        contour_health_check_unhealthy_threshold(contour_ingressroute_service_health_check(NULL)),
        0);
    assert_int_equal(
        contour_health_check_healthy_threshold(contour_ingressroute_service_health_check(NULL)), 0);
    assert_int_equal(contour_tlscertificatedelegation_delegation_count(NULL), 0);
    assert_null(contour_tlscertificatedelegation_delegation_secret_name(
        contour_tlscertificatedelegation_delegation_at(NULL, 0)));
    assert_int_equal(contour_tlscertificatedelegation_delegation_target_namespace_count(
                         contour_tlscertificatedelegation_delegation_at(NULL, 0)),
                     0);
    assert_null(contour_tlscertificatedelegation_delegation_target_namespace_at(
        contour_tlscertificatedelegation_delegation_at(NULL, 0), 0));
    assert_null(contour_ingress_class_name(NULL));
    assert_null(contour_ingress_default_backend(NULL));
    assert_int_equal(contour_ingress_rule_count(NULL), 0);
    assert_null(contour_ingress_rule_at(NULL, 0));
    assert_int_equal(contour_ingress_tls_count(NULL), 0);
    assert_null(contour_ingress_tls_secret_name(contour_ingress_tls_at(NULL, 0)));
    assert_int_equal(contour_ingress_tls_host_count(contour_ingress_tls_at(NULL, 0)), 0);
    assert_null(contour_ingress_tls_host_at(contour_ingress_tls_at(NULL, 0), 0));
    assert_null(contour_ingress_rule_host(NULL));
    assert_false(contour_ingress_rule_has_http(NULL));
    assert_int_equal(contour_ingress_rule_path_count(NULL), 0);
    assert_null(contour_ingress_rule_path_at(NULL, 0));
    assert_null(contour_ingress_path_path(NULL));
    assert_null(contour_ingress_path_path_type(NULL));
    assert_null(contour_ingress_path_backend(NULL));
    assert_null(contour_ingress_backend_service_name(NULL));
    assert_false((contour_ingress_backend_port_name(NULL) != NULL));
    assert_int_equal(contour_ingress_backend_port(NULL), 0);
    assert_null(contour_ingress_backend_port_name(NULL));
    assert_false(contour_ingress_backend_is_resource(NULL));
    assert_int_equal(contour_service_port_count(NULL), 0);
    assert_null(contour_service_port_name(contour_service_port_at(NULL, 0)));
    assert_int_equal(contour_service_port_port(contour_service_port_at(NULL, 0)), 0);
    assert_null(contour_secret_type(NULL));
    assert_int_equal(contour_secret_key_count(NULL), 0);
    assert_null(contour_secret_key_name(contour_secret_key_at(NULL, 0)));
    assert_false(contour_secret_key_has_value(contour_secret_key_at(NULL, 0)));
    assert_false(contour_secret_is_tls(NULL));
    cx_object_free(&cx_default_alloc, NULL);
    assert_null(cx_object_annotation(NULL, "a"));
}

static void test_accessors_wrong_kind(void **state)
{
    (void)state;
    harness *h = h_yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
                        "data: {tls.crt: eA==, tls.key: eA==}\n"
                        "---\n"
                        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                        "spec: {ports: [{port: 80}]}\n"
                        "---\n"
                        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n"
                        "spec: {rules: [{host: h}], tls: [{hosts: [h]}], backend: {serviceName: "
                        "x}}\n"
                        "---\n"
                        "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\n"
                        "metadata: {name: d}\nspec: {delegations: [{secretName: x}]}\n");
    assert_int_equal(h->n, 4);
    const contour_object *sec = h->objs[0], *svc = h->objs[1], *ing = h->objs[2], *td = h->objs[3];
    assert_true(contour_secret_is_tls(sec));
    assert_false(contour_secret_is_tls(svc));
    assert_int_equal(contour_secret_key_count(svc), 0);
    assert_int_equal(contour_service_port_count(sec), 0);
    assert_int_equal(contour_service_port_count(svc), 1);
    assert_int_equal(contour_service_port_port(contour_service_port_at(ing, 0)), 0);
    assert_int_equal(contour_ingress_rule_count(svc), 0);
    assert_int_equal(contour_ingress_rule_count(ing), 1);
    assert_null(contour_ingress_rule_at(td, 0));
    assert_int_equal(contour_ingress_tls_count(sec), 0);
    assert_non_null(contour_ingress_default_backend(ing));
    assert_null(contour_ingress_default_backend(svc));
    assert_null(contour_ingress_class_name(svc));
    assert_int_equal(contour_tlscertificatedelegation_delegation_count(ing), 0);
    assert_int_equal(contour_tlscertificatedelegation_delegation_count(td), 1);
    assert_null(contour_tlscertificatedelegation_delegation_secret_name(
        contour_tlscertificatedelegation_delegation_at(svc, 0)));
    assert_false(contour_ingressroute_has_virtualhost(ing));
    assert_int_equal(contour_ingressroute_route_count(td), 0);
    assert_null(contour_ingressroute_fqdn(svc));
    assert_null(contour_secret_type(ing));
    h_free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* Memory: every allocation failure is NOMEM with nothing leaked and nothing reported         */
/* ------------------------------------------------------------------------------------------ */

typedef struct oom_run {
    harness *h;
    tu_failing f;
    cx_alloc alloc;
    size_t conversions;
    size_t failures;
} oom_run;

/* Converts each document with allocation failures injected at every point in turn, with
 * the rejected sink empty and with something in it already (which must survive). */
static cx_rc oom_doc(void *ud, const cx_node *root, const cx_pending_error *pending,
                     const char *kind)
{
    (void)kind;
    oom_run *r = ud;
    harness *h = r->h;
    for (int prefilled = 0; prefilled < 2; prefilled++) {
        for (long n = 0;; n++) {
            cx_arena rej_arena;
            cx_diag_list rej = {0};
            cx_arena_init(&rej_arena, &r->alloc, 0);
            cx_objref none = {CONTOUR_KIND_NONE, NULL, NULL};
            r->f.fail_at = 0;
            if (prefilled)
                assert_non_null(cx_diag_add((cx_diag_sink){&rej_arena, &rej, NULL, NULL},
                                            CONTOUR_SEVERITY_INFO, "x", "f", (cx_pos){1, 1}, none,
                                            NULL, "m", 1));
            long live_before = r->f.live;
            r->f.fail_at = r->f.calls + n + 1;
            cx_convert_ctx ctx = h->ctx;
            ctx.alloc = &r->alloc;
            ctx.rejected = (cx_diag_sink){&rej_arena, &rej, NULL, NULL};
            contour_object *o = NULL;
            cx_convert_result res = cx_convert(&ctx, root, pending, &o);
            r->f.fail_at = 0;
            r->conversions++;
            if (res == CX_CONVERT_NOMEM) {
                r->failures++;
                assert_null(o);
                assert_int_equal(r->f.live, live_before);
                assert_int_equal(rej.count, (size_t)prefilled);
                if (prefilled)
                    assert_null(rej.head->next);
                cx_arena_release(&rej_arena);
                continue;
            }
            cx_object_free(&r->alloc, o);
            cx_arena_release(&rej_arena);
            assert_int_equal(r->f.live, 0);
            break;
        }
    }
    return CX_RC_OK;
}

static cx_rc oom_item(void *ud, const cx_node *item, const cx_pending_error *pending)
{
    return oom_doc(ud, item, pending, NULL);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    /* objects with warnings, a rejected one (diagnostics copied), every kind */
    const char *text = "apiVersion: contour.heptio.com/v1beta1\n"
                       "kind: IngressRoute\n"
                       "metadata: {name: a, namespace: b, x: 1, annotations: {k: v, l: w}}\n"
                       "spec:\n"
                       "  healthCheck: {}\n"
                       "  virtualhost: {fqdn: f, tls: {secretName: s}}\n"
                       "  routes:\n"
                       "  - match: /\n"
                       "    services: [{name: s, port: 80, healthCheck: {path: /}, x: 1}]\n"
                       "  - match: /d\n"
                       "    delegate: {name: d}\n"
                       "  tcpproxy: {services: [{name: t}]}\n"
                       "---\n"
                       "apiVersion: v1\nkind: Service\nmetadata: {name: s, y: 2}\n"
                       "spec: {ports: [{name: http, port: 80}], zz: 1, ports2: 2}\n"
                       "spec2: {}\n"
                       "---\n"
                       "apiVersion: v1\nkind: Service\nmetadata: {name: bad, y: 2}\n"
                       "spec: {ports: [{name: http, port: x}]}\n"
                       "---\n"
                       "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
                       "data: {tls.crt: eA==, b: ''}\nstringData: {tls.key: k, b: x}\n"
                       "---\n"
                       "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\n"
                       "spec:\n  defaultBackend: {service: {name: a, port: {number: 80}}}\n"
                       "  rules: [{host: h, http: {paths: [{path: /, backend: {service: {name: "
                       "b, port: {name: p}}}}]}}]\n"
                       "  tls: [{hosts: [h], secretName: s}]\n"
                       "---\n"
                       "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\n"
                       "metadata: {name: d}\nspec: {delegations: [{secretName: x, "
                       "targetNamespaces: [a, b]}]}\n"
                       "---\n"
                       "[not, an, object]\n"
                       "---\n"
                       "apiVersion: v1\n"
                       "---\n"
                       "kind: [x]\n"
                       "---\n"
                       "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, "
                       "metadata: {name: li}}\n";
    /* long strings, so that copies need arena chunks of their own */
    char big[6000];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    size_t tlen = strlen(text) + 16 * sizeof big + 1024;
    char *all = malloc(tlen);
    assert_non_null(all);
    snprintf(all, tlen,
             "%s---\n"
             "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s1%s\n  annotations:\n"
             "    ? a%s\n    : v%s\n"
             "data:\n  ? k1%s\n  : x\n  ? k2%s\n  : ''\n"
             "stringData:\n  ? k1%s\n  : ''\n  ? k3%s\n  : y\n"
             "---\n"
             "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\n"
             "metadata: {name: d}\nspec: {delegations: [{secretName: x, "
             "targetNamespaces: [a%s, b%s, ~]}]}\n"
             "---\n"
             "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n"
             "spec: {backend: {serviceName: a, servicePort: p%s}}\n",
             text, big, big, big, big, big, big, big, big, big, big);
    text = all;
    oom_run r;
    memset(&r, 0, sizeof r);
    r.h = h_new("oom.yaml");
    r.alloc = (cx_alloc){tu_failing_malloc, tu_failing_realloc, tu_failing_free, &r.f};
    r.f.fail_at = 0;
    cx_load_ctx lc = {&cx_default_alloc, &r.h->limits, "oom.yaml",
                      (cx_diag_sink){&r.h->arena, &r.h->syntax, NULL, NULL},
                      (cx_doc_handler){&r, oom_item, oom_doc}};
    assert_int_equal(cx_yaml_parse(&lc, text, strlen(text)), CX_RC_OK);
    fprintf(stderr, "%zu conversions, %zu allocation failures\n", r.conversions, r.failures);
    assert_true(r.failures >= 15);
    assert_int_equal(r.h->syntax.count, 0);
    h_free(r.h);
    free(all);
}

/* A stored object is one allocation of exactly its size (cx_object_compact); the
 * conversion's scratch memory is gone once it returns. */
static void test_small_object_one_allocation(void **state)
{
    (void)state;
    oom_run r;
    memset(&r, 0, sizeof r);
    r.alloc = (cx_alloc){tu_failing_malloc, tu_failing_realloc, tu_failing_free, &r.f};
    r.f.fail_at = 0;
    harness *h = h_new("one.yaml");
    h->ctx.alloc = &r.alloc;
    const char *text = "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                       "metadata: {name: a, namespace: b}\n"
                       "spec:\n  virtualhost: {fqdn: www.example.com}\n"
                       "  routes:\n  - match: /\n    services: [{name: s, port: 80}]\n";
    h_parse(h, text, strlen(text));
    const contour_object *o = h_object(h);
    assert_non_null(o);
    assert_int_equal(r.f.live, 1);
    h_free(h);
    assert_int_equal(r.f.live, 0);
}

/* Aliases repeat nodes, not bytes: a long string aliased many times is copied once, and a
 * long unknown key is cut in the warnings that repeat it. */
static void test_alias_amplification(void **state)
{
    (void)state;
    const size_t big = 100000, reps = 2000;
    char *text = malloc(big + reps * 40 + 4096);
    assert_non_null(text);
    char *p = text;
    p += sprintf(p, "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                    "metadata:\n  name: a\n  annotations:\n    &k ");
    memset(p, 'k', 300);
    p += 300;
    p += sprintf(p, ": &v ");
    memset(p, 'v', big);
    p += big;
    p += sprintf(p, "\nspec:\n  routes:\n  - services:\n");
    for (size_t i = 0; i < reps; i++)
        p += sprintf(p, "    - {name: *v, *k : 1}\n");
    *p = '\0';
    harness *h = h_new("alias.yaml");
    h_parse(h, text, strlen(text));
    free(text);
    const contour_object *o = h_object(h);
    const contour_ingressroute_route *r = contour_ingressroute_route_at(o, 0);
    assert_int_equal(contour_ingressroute_route_service_count(r), reps);
    /* every service names the same copy, which is also the annotation's value */
    assert_int_equal(
        strlen(contour_ingressroute_service_name(contour_ingressroute_route_service_at(r, 0))),
        big);
    assert_ptr_equal(
        contour_ingressroute_service_name(contour_ingressroute_route_service_at(r, reps - 1)),
        contour_annotation_value(contour_object_annotation_at(o, 0)));
    assert_int_equal(contour_object_diagnostic_count(o), reps);
    const contour_diagnostic *d = contour_object_diagnostic_at(o, 0);
    assert_string_equal(d->code, "unknown-field");
    assert_true(strlen(d->message) < 200);
    assert_true(strlen(d->field) < 200);
    assert_non_null(strstr(d->message, "kkk\"... in spec.routes[0].services[0]"));
    /* one copy of the long value, small records for the rest */
    size_t bytes = cx_arena_bytes(&o->arena);
    fprintf(stderr, "object arena: %zu bytes\n", bytes);
    assert_true(bytes < big + reps * 600);
    h_free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* Real manifests                                                                             */
/* ------------------------------------------------------------------------------------------ */

typedef struct corpus_stats {
    size_t files, objects, errors, warnings, skipped;
    size_t kinds[CX_KIND_COUNT + 1];
} corpus_stats;

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int path_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads one file and prints every diagnostic; returns its harness. */
static harness *load_file(const char *path, corpus_stats *st, bool print)
{
    size_t len;
    char *text = tu_read_file(path, &len);
    harness *h = h_new(path);
    h_parse(h, text, len);
    free(text);
    st->files++;
    for (size_t i = 0; i < h->n; i++) {
        if (h->results[i] == CX_CONVERT_OBJECT) {
            st->objects++;
            st->kinds[h->objs[i]->kind]++;
            for (size_t j = 0; j < contour_object_diagnostic_count(h->objs[i]); j++) {
                const contour_diagnostic *d = contour_object_diagnostic_at(h->objs[i], j);
                st->warnings++;
                if (print)
                    fprintf(stderr, "  %s:%u:%u: %s: [%s] %s\n", strrchr(path, '/') + 1,
                            d->pos.line, d->pos.col, contour_severity_name(d->severity), d->code,
                            d->message);
            }
        } else if (h->results[i] == CX_CONVERT_SKIPPED) {
            st->skipped++;
        }
    }
    for (const cx_diag_list *l = &h->rejected; l; l = l == &h->rejected ? &h->syntax : NULL) {
        for (const contour_diagnostic *d = l->head; d; d = d->next) {
            if (d->severity == CONTOUR_SEVERITY_ERROR)
                st->errors++;
            else
                st->warnings++;
            if (print)
                fprintf(stderr, "  %s:%u:%u: %s: [%s] %s\n", strrchr(path, '/') + 1, d->pos.line,
                        d->pos.col, contour_severity_name(d->severity), d->code, d->message);
        }
    }
    return h;
}

static void walk(const char *dir, char ***paths, size_t *n, size_t *cap)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            walk(path, paths, n, cap);
        } else if (has_suffix(path, ".yaml") || has_suffix(path, ".yml") ||
                   has_suffix(path, ".template")) {
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 64;
                *paths = realloc(*paths, *cap * sizeof **paths);
                assert_non_null(*paths);
            }
            (*paths)[(*n)++] = strdup(path);
        }
    }
    closedir(d);
}

static void run_corpus(const char *rel, corpus_stats *st)
{
    char **paths = NULL;
    size_t n = 0, cap = 0;
    walk(tu_path(tu_shared_root(), rel), &paths, &n, &cap);
    qsort(paths, n, sizeof *paths, path_compare);
    fprintf(stderr, "%s: %zu files\n", rel, n);
    for (size_t i = 0; i < n; i++) {
        harness *h = load_file(paths[i], st, true);
        h_free(h);
        free(paths[i]);
    }
    free(paths);
}

static void test_examples(void **state)
{
    (void)state;
    corpus_stats st;
    memset(&st, 0, sizeof st);
    run_corpus("examples", &st);
    fprintf(stderr,
            "examples: %zu files, %zu objects (IR %zu, Service %zu), %zu warnings, "
            "%zu errors, %zu skipped\n",
            st.files, st.objects, st.kinds[CONTOUR_KIND_INGRESSROUTE],
            st.kinds[CONTOUR_KIND_SERVICE], st.warnings, st.errors, st.skipped);
    assert_int_equal(st.errors, 0);
    assert_true(st.objects > 20);
}

static void test_wild_corpus(void **state)
{
    (void)state;
    tu_require_shared("corpus/wild");
    corpus_stats st;
    memset(&st, 0, sizeof st);
    run_corpus("corpus/wild", &st);
    fprintf(stderr,
            "wild: %zu files, %zu objects (IR %zu, TLSCertificateDelegation %zu), "
            "%zu warnings, %zu errors, %zu skipped\n",
            st.files, st.objects, st.kinds[CONTOUR_KIND_INGRESSROUTE],
            st.kinds[CONTOUR_KIND_TLSCERTIFICATEDELEGATION], st.warnings, st.errors, st.skipped);
    /* The one error is ir2proxy's test input for a blank name, which is one. */
    assert_int_equal(st.errors, 1);
    assert_true(st.files >= 74);
    harness *h = load_file(tu_path(tu_shared_root(), "corpus/wild/projectcontour__ir2proxy__"
                                                     "internal_validate_testdata_blankname_"
                                                     "input.yaml"),
                           &st, false);
    const contour_diagnostic *d = h_error(h);
    expect_diag(d, CONTOUR_SEVERITY_ERROR, "missing-name", 5, 3, "metadata.name",
                "metadata.name must be specified");
    expect_objref(d, CONTOUR_KIND_INGRESSROUTE, "default", NULL);
    h_free(h);
}

/* Objects and warnings of a few real files (checked by eye: see the printed warnings). */
static void test_wild_counts(void **state)
{
    (void)state;
    tu_require_shared("corpus/wild");
    const struct {
        const char *file;
        size_t objects, warnings;
    } want[] = {
        {"corpus/wild/gaelleacas__contour-demo__gke_4-insecure_santa-ingress.yaml", 1, 0},
        {"corpus/wild/projectcontour__ir2proxy__internal_translator_testdata_tcpproxy_healthcheck_"
         "input.yaml",
         1, 0},
        /* routes under metadata */
        {"corpus/wild/gaelleacas__contour-demo__gke_2-HTTPproxy_playmo-blog-ingress.yaml", 1, 1},
        /* permitInsecure on a service */
        {"corpus/wild/gaelleiadvize__k8s-contour-demo__gcp_k8s_ingressroute.yaml", 1, 1},
        /* healthCheck and strategy at spec level */
        {"examples/contour-v0.10/02-basic/default-health-checks.ingressroute.yaml", 1, 1},
        {"examples/contour-v0.10/02-basic/default-lb-strategy.ingressroute.yaml", 1, 1},
        {"examples/contour-v0.10/00-common/01-services.yaml", 11, 0},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        corpus_stats st;
        memset(&st, 0, sizeof st);
        harness *h = load_file(tu_path(tu_shared_root(), want[i].file), &st, false);
        if (st.objects != want[i].objects || st.warnings != want[i].warnings || st.errors)
            fail_msg("%s: %zu objects, %zu warnings, %zu errors", want[i].file, st.objects,
                     st.warnings, st.errors);
        h_free(h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ingressroute_full),
        cmocka_unit_test(test_ingressroute_minimal),
        cmocka_unit_test(test_ingressroute_nulls),
        cmocka_unit_test(test_tlscertdelegation),
        cmocka_unit_test(test_service),
        cmocka_unit_test(test_secret),
        cmocka_unit_test(test_ingress_extensions_v1beta1),
        cmocka_unit_test(test_ingress_networking_v1beta1),
        cmocka_unit_test(test_ingress_v1),
        cmocka_unit_test(test_ingress_version_fields),
        cmocka_unit_test(test_skipped_kinds),
        cmocka_unit_test(test_missing_kind),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_kind_wrong_type),
        cmocka_unit_test(test_metadata_known_fields),
        cmocka_unit_test(test_metadata_unknown_fields),
        cmocka_unit_test(test_namespace_default),
        cmocka_unit_test(test_missing_name),
        cmocka_unit_test(test_unknown_health_check_at_spec),
        cmocka_unit_test(test_unknown_fields_everywhere),
        cmocka_unit_test(test_unknown_field_quoting),
        cmocka_unit_test(test_ingress_v1_unknown),
        cmocka_unit_test(test_unknown_field_long_key),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_three_errors),
        cmocka_unit_test(test_pending_errors),
        cmocka_unit_test(test_pending_error_long_key),
        cmocka_unit_test(test_pending_direct),
        cmocka_unit_test(test_yaml11_typing),
        cmocka_unit_test(test_yaml_aliases),
        cmocka_unit_test(test_json_typing),
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_diagnostics_sorted),
        cmocka_unit_test(test_accessors_null_safe),
        cmocka_unit_test(test_accessors_wrong_kind),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_small_object_one_allocation),
        cmocka_unit_test(test_alias_amplification),
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_wild_corpus),
        cmocka_unit_test(test_wild_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
