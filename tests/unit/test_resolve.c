/*
 * Resolution through the public API: statuses and their positions, accessors, graph
 * lifetime, order independence (shuffled inputs), allocation failure, and hostile shapes
 * (deep chains, long cycles, wide roots, diamond lattices) against the clock.
 * The golden cases (tests/cases, run_cases.c) pin the exact output.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- helpers ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static contour_graph *resolve(const contour_snapshot *s, const contour_config *cfg)
{
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, cfg), CONTOUR_OK);
    assert_non_null(g);
    return g;
}

static const contour_status *status_of(const contour_graph *g, const char *ns, const char *name)
{
    const contour_status *st = contour_graph_find_status(g, ns, strlen(ns), name, strlen(name));
    if (!st)
        fail_msg("no status for %s/%s", ns, name);
    return st;
}

static void assert_status(const contour_graph *g, const char *ns, const char *name,
                          contour_state state, const char *description, uint32_t line, uint32_t col)
{
    const contour_status *st = status_of(g, ns, name);
    if (contour_status_state(st) != state ||
        strcmp(contour_status_description(st), description) != 0)
        fail_msg("%s/%s: got %s %s", ns, name, contour_state_name(contour_status_state(st)),
                 contour_status_description(st));
    if (line && (contour_status_line(st) != line || (col && contour_status_column(st) != col)))
        fail_msg("%s/%s: position %u:%u, want %u:%u", ns, name, contour_status_line(st),
                 contour_status_column(st), line, col);
}

/* The graph's diagnostics with this code: how many, and the first `max` of them in list. */
static size_t diags_with_code(const contour_graph *g, const char *code,
                              const contour_diagnostic **list, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < contour_graph_diagnostic_count(g); i++) {
        const contour_diagnostic *d = contour_graph_diagnostic_at(g, i);
        if (strcmp(contour_diagnostic_code(d), code) != 0)
            continue;
        if (n < max)
            list[n] = d;
        n++;
    }
    return n;
}

/* A growable text buffer for generated manifests. */
typedef struct text {
    char *p;
    size_t n, cap;
} text;

static void tput(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tput(text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(t->p ? t->p + t->n : NULL, t->p ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        assert_true(k >= 0);
        if (t->p && (size_t)k < t->cap - t->n) {
            t->n += (size_t)k;
            return;
        }
        t->cap = (t->cap + (size_t)k + 1) * 2;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
}

static contour_snapshot *load_text(const char *name, const text *t)
{
    contour_config *cfg = NULL;
    assert_int_equal(contour_config_new(&cfg), CONTOUR_OK);
    assert_int_equal(contour_config_set_limit(cfg, CONTOUR_LIMIT_DOCUMENT_NODES, 100000000),
                     CONTOUR_OK);
    assert_int_equal(contour_config_set_limit(cfg, CONTOUR_LIMIT_DOCUMENTS, 100000000), CONTOUR_OK);
    contour_snapshot *s = NULL;
    assert_int_equal(contour_snapshot_new(&s, cfg), CONTOUR_OK);
    assert_int_equal(
        contour_snapshot_load_buffer(s, name, strlen(name), t->p, t->n, CONTOUR_FORMAT_AUTO),
        CONTOUR_OK);
    contour_config_free(cfg);
    return s;
}

/* ---- statuses, positions, accessors ---- */

static const char *const positions_yaml =
    "apiVersion: v1\n"                                                   /* 1 */
    "kind: Service\n"                                                    /* 2 */
    "metadata: {name: web}\n"                                            /* 3 */
    "spec: {ports: [{name: http, port: 80}]}\n"                          /* 4 */
    "---\n"                                                              /* 5 */
    "apiVersion: contour.heptio.com/v1beta1\n"                           /* 6 */
    "kind: IngressRoute\n"                                               /* 7 */
    "metadata: {name: root}\n"                                           /* 8 */
    "spec:\n"                                                            /* 9 */
    "  virtualhost: {fqdn: a.example.com}\n"                             /* 10 */
    "  routes:\n"                                                        /* 11 */
    "  - match: /\n"                                                     /* 12 */
    "    services: [{name: web, port: 80}]\n"                            /* 13 */
    "  - match: /bad\n"                                                  /* 14 */
    "    delegate: {name: bad-port}\n"                                   /* 15 */
    "  - match: /cycle\n"                                                /* 16 */
    "    delegate: {name: cycle}\n"                                      /* 17 */
    "  - match: /prefix\n"                                               /* 18 */
    "    delegate: {name: bad-prefix}\n"                                 /* 19 */
    "---\n"                                                              /* 20 */
    "apiVersion: contour.heptio.com/v1beta1\n"                           /* 21 */
    "kind: IngressRoute\n"                                               /* 22 */
    "metadata: {name: bad-port}\n"                                       /* 23 */
    "spec:\n"                                                            /* 24 */
    "  routes:\n"                                                        /* 25 */
    "  - match: /bad\n"                                                  /* 26 */
    "    services: [{name: web, port: 0}]\n"                             /* 27 */
    "---\n"                                                              /* 28 */
    "apiVersion: contour.heptio.com/v1beta1\n"                           /* 29 */
    "kind: IngressRoute\n"                                               /* 30 */
    "metadata: {name: cycle}\n"                                          /* 31 */
    "spec:\n"                                                            /* 32 */
    "  routes:\n"                                                        /* 33 */
    "  - match: /cycle\n"                                                /* 34 */
    "    delegate: {name: root}\n"                                       /* 35 */
    "---\n"                                                              /* 36 */
    "apiVersion: contour.heptio.com/v1beta1\n"                           /* 37 */
    "kind: IngressRoute\n"                                               /* 38 */
    "metadata: {name: bad-prefix}\n"                                     /* 39 */
    "spec:\n"                                                            /* 40 */
    "  routes:\n"                                                        /* 41 */
    "  - match: /elsewhere\n"                                            /* 42 */
    "    services: [{name: web, port: 80}]\n"                            /* 43 */
    "---\n"                                                              /* 44 */
    "apiVersion: contour.heptio.com/v1beta1\n"                           /* 45 */
    "kind: IngressRoute\n"                                               /* 46 */
    "metadata: {name: dup1}\n"                                           /* 47 */
    "spec: {virtualhost: {fqdn: d.example.com}}\n"                       /* 48 */
    "---\n"                                                              /* 49 */
    "apiVersion: contour.heptio.com/v1beta1\n"                           /* 50 */
    "kind: IngressRoute\n"                                               /* 51 */
    "metadata: {name: dup2}\n"                                           /* 52 */
    "spec: {virtualhost: {fqdn: d.example.com}}\n"                       /* 53 */
    "---\n"                                                              /* 54 */
    "apiVersion: contour.heptio.com/v1beta1\n"                           /* 55 */
    "kind: IngressRoute\n"                                               /* 56 */
    "metadata: {name: orphan}\n"                                         /* 57 */
    "spec: {routes: [{match: /, services: [{name: web, port: 80}]}]}\n"; /* 58 */

static void test_status_positions(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("pos.yaml", positions_yaml);
    contour_graph *g = resolve(s, NULL);
    assert_status(g, "default", "root", CONTOUR_STATE_VALID, "valid IngressRoute", 6, 1);
    assert_status(g, "default", "bad-port", CONTOUR_STATE_INVALID,
                  "route \"/bad\": service \"web\": port must be in the range 1-65535", 27, 34);
    assert_status(g, "default", "cycle", CONTOUR_STATE_INVALID,
                  "route creates a delegation cycle: default/root -> default/cycle -> "
                  "default/root",
                  35, 15);
    assert_status(g, "default", "bad-prefix", CONTOUR_STATE_INVALID,
                  "the path prefix \"/elsewhere\" does not match the parent's path prefix "
                  "\"/prefix\"",
                  42, 12);
    assert_status(g, "default", "dup1", CONTOUR_STATE_INVALID,
                  "fqdn \"d.example.com\" is used in multiple IngressRoutes: default/dup1, "
                  "default/dup2",
                  48, 28);
    assert_status(g, "default", "orphan", CONTOUR_STATE_ORPHANED,
                  "this IngressRoute is not part of a delegation chain from a root IngressRoute",
                  55, 1);
    const contour_status *st = status_of(g, "default", "bad-port");
    assert_int_equal(contour_status_vhost_count(st), 1);
    assert_string_equal(contour_status_vhost_at(st, 0), "a.example.com");
    assert_null(contour_status_vhost_at(st, 1));
    assert_string_equal(contour_status_file(st), "pos.yaml");
    assert_int_equal(contour_status_kind(st), CONTOUR_KIND_INGRESSROUTE);
    assert_int_equal(contour_status_vhost_count(status_of(g, "default", "orphan")), 0);
    assert_int_equal(contour_status_vhost_count(status_of(g, "default", "dup2")), 0);

    /* Lookups take lengths, not NUL terminators. */
    const contour_status *found = NULL;
    found = contour_graph_find_status(g, "defaultXX", 7, "rootYY", 4);
    assert_non_null(found);
    assert_string_equal(contour_status_name(found), "root");
    assert_null(found = contour_graph_find_status(g, "default", 7, "roo", 3));
    assert_null(found);
    assert_null(found = contour_graph_find_status(g, "default", 7, "rootx", 5));
    assert_null(contour_graph_find_status(g, NULL, 1, "b", 1));
    assert_null(contour_graph_find_status(NULL, "a", 1, "b", 1));
    contour_graph_free(g);
    contour_snapshot_free(s);
}

static const char *const accessors_yaml =
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata:\n"
    "  name: web\n"
    "  annotations: {contour.heptio.com/max-connections: '7',"
    " contour.heptio.com/upstream-protocol.h2c: http}\n"
    "spec: {ports: [{name: http, port: 80}]}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Secret\n"
    "metadata: {name: cert}\n"
    "data: {tls.crt: YQ==, tls.key: YQ==}\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: root}\n"
    "spec:\n"
    "  virtualhost: {fqdn: a.example.com, tls: {secretName: cert, minimumProtocolVersion: '1.3'}}\n"
    "  routes:\n"
    "  - match: /api\n"
    "    prefixRewrite: /v1\n"
    "    enableWebsockets: true\n"
    "    timeoutPolicy: {request: 2s}\n"
    "    retryPolicy: {count: 2, perTryTimeout: 1s}\n"
    "    services: [{name: web, port: 80, weight: 3, strategy: Random,"
    " healthCheck: {path: /hz}}]\n";

static void test_accessors(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("acc.yaml", accessors_yaml);
    contour_graph *g = resolve(s, NULL);
    /* The graph does not depend on the snapshot. */
    contour_snapshot_free(s);

    assert_int_equal(contour_graph_listener_count(g), 2);
    const contour_listener *http = contour_graph_listener_at(g, 0);
    const contour_listener *https = contour_graph_listener_at(g, 1);
    assert_null(contour_graph_listener_at(g, 2));
    assert_string_equal(contour_listener_name(http), "ingress_http");
    assert_int_equal(contour_listener_port(http), 80);
    assert_false(contour_listener_is_secure(http));
    assert_string_equal(contour_listener_name(https), "ingress_https");
    assert_int_equal(contour_listener_port(https), 443);
    assert_true(contour_listener_is_secure(https));

    const contour_vhost *v = contour_listener_vhost_at(http, 0);
    assert_string_equal(contour_vhost_fqdn(v), "a.example.com");
    assert_false(contour_vhost_has_tls(v));
    assert_null(contour_vhost_tls_min_protocol_version(v));
    const contour_route *r = contour_vhost_route_at(v, 0);
    assert_true(contour_route_https_redirect(r));

    v = contour_listener_vhost_at(https, 0);
    assert_int_equal(contour_listener_vhost_count(https), 1);
    assert_true(contour_vhost_has_tls(v));
    assert_string_equal(contour_vhost_tls_secret_namespace(v), "default");
    assert_string_equal(contour_vhost_tls_secret_name(v), "cert");
    assert_string_equal(contour_vhost_tls_min_protocol_version(v), "1.3");
    assert_false(contour_vhost_tls_passthrough(v));
    assert_false(contour_vhost_has_tcpproxy(v));
    assert_int_equal(contour_vhost_tcpproxy_cluster_count(v), 0);
    assert_null(contour_vhost_tcpproxy_cluster_at(v, 0));
    assert_int_equal(contour_vhost_route_count(v), 1);
    r = contour_vhost_route_at(v, 0);
    assert_null(contour_vhost_route_at(v, 1));
    assert_int_equal(contour_route_match_type(r), CONTOUR_MATCH_PREFIX);
    assert_string_equal(contour_route_path(r), "/api");
    assert_false(contour_route_https_redirect(r));
    assert_true(contour_route_websocket(r));
    assert_string_equal(contour_route_prefix_rewrite(r), "/v1");
    assert_true(contour_route_has_timeout(r));
    assert_int_equal(contour_route_timeout_ms(r), 2000);
    assert_true(contour_route_has_retry(r));
    assert_string_equal(contour_route_retry_on(r), "5xx");
    assert_int_equal(contour_route_retry_num_retries(r), 2);
    assert_int_equal(contour_route_retry_per_try_timeout_ms(r), 1000);
    assert_int_equal(contour_route_source_kind(r), CONTOUR_KIND_INGRESSROUTE);
    assert_string_equal(contour_route_source_namespace(r), "default");
    assert_string_equal(contour_route_source_name(r), "root");
    assert_int_equal(contour_route_cluster_count(r), 1);
    const contour_cluster *c = contour_route_cluster_at(r, 0);
    assert_null(contour_route_cluster_at(r, 1));
    assert_string_equal(contour_cluster_namespace(c), "default");
    assert_string_equal(contour_cluster_service(c), "web");
    assert_int_equal(contour_cluster_port(c), 80);
    assert_string_equal(contour_cluster_port_name(c), "http");
    assert_int_equal(contour_cluster_weight(c), 3);
    assert_string_equal(contour_cluster_strategy(c), "Random");
    assert_string_equal(contour_cluster_protocol(c), "h2c");
    assert_true((contour_cluster_health_check(c) != NULL));
    assert_string_equal(contour_health_check_path(contour_cluster_health_check(c)), "/hz");
    assert_string_equal(contour_health_check_host(contour_cluster_health_check(c)),
                        "contour-envoy-healthcheck");
    assert_int_equal(contour_health_check_interval_s(contour_cluster_health_check(c)), 10);
    assert_int_equal(contour_health_check_timeout_s(contour_cluster_health_check(c)), 2);
    assert_int_equal(contour_health_check_unhealthy_threshold(contour_cluster_health_check(c)), 3);
    assert_int_equal(contour_health_check_healthy_threshold(contour_cluster_health_check(c)), 2);
    assert_int_equal(contour_cluster_max_connections(c), 7);
    assert_int_equal(contour_cluster_max_pending_requests(c), 0);
    assert_int_equal(contour_cluster_max_requests(c), 0);
    assert_int_equal(contour_cluster_max_retries(c), 0);

    assert_int_equal(contour_graph_status_count(g), 1);
    assert_null(contour_graph_status_at(g, 1));
    assert_int_equal(contour_graph_diagnostic_count(g), 0);
    assert_int_equal(contour_graph_diagnostic_count_by_severity(g, CONTOUR_SEVERITY_WARNING), 0);
    assert_int_equal(contour_graph_diagnostic_count_by_severity(g, (contour_severity)7), 0);

    /* NULL everywhere. */
    assert_int_equal(contour_graph_listener_count(NULL), 0);
    assert_null(contour_listener_name(NULL));
    assert_null(contour_listener_vhost_at(NULL, 0));
    assert_null(contour_vhost_fqdn(NULL));
    assert_null(contour_route_path(NULL));
    assert_int_equal(contour_route_timeout_ms(NULL), 0);
    assert_null(contour_cluster_service(NULL));
    assert_null(contour_status_description(NULL));
    assert_null(contour_graph_diagnostic_at(NULL, 0));
    assert_null(contour_graph_diagnostic_at(g, 0));
    contour_graph_free(g);
    contour_graph_free(NULL);

    assert_int_equal(contour_resolve(NULL, NULL, NULL), CONTOUR_ERR_INVALID);
    contour_graph *out = (contour_graph *)&out;
    assert_int_equal(contour_resolve(&out, NULL, NULL), CONTOUR_ERR_INVALID);
    assert_null(out);
}

/* Strings are escaped for JSON and quoted Go-style in messages. */
static void test_escaping(void **state)
{
    (void)state;
    contour_snapshot *s =
        tu_load("esc.yaml", "apiVersion: contour.heptio.com/v1beta1\n"
                            "kind: IngressRoute\n"
                            "metadata: {name: q}\n"
                            "spec:\n"
                            "  virtualhost: {fqdn: \"we\\\"ird\\x01\\u00e9.example\"}\n"
                            "  routes:\n"
                            "  - match: \"/a\\tb\"\n"
                            "    delegate: {name: child}\n"
                            "---\n"
                            "apiVersion: contour.heptio.com/v1beta1\n"
                            "kind: IngressRoute\n"
                            "metadata: {name: child}\n"
                            "spec:\n"
                            "  routes:\n"
                            "  - match: /x\n"
                            "    services: [{name: web, port: 80}]\n");
    contour_graph *g = resolve(s, NULL);
    const contour_status *st = status_of(g, "default", "child");
    assert_string_equal(contour_status_description(st),
                        "the path prefix \"/x\" does not match the parent's path prefix "
                        "\"/a\\tb\"");
    char *json = tu_graph_json(g);
    assert_non_null(strstr(json, "\"we\\\"ird\\u0001\xC3\xA9.example\""));
    assert_non_null(strstr(json, "path prefix \\\"/a\\\\tb\\\"\""));
    free(json);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

/* An unparsable perTryTimeout is "not a valid duration" every time: the resolver used to
 * read the parser's output even when the parse failed (uninitialised memory: "is negative"
 * or not, depending on the stack). Many routes, so that stale stack contents get a chance
 * to differ; `meson test --setup=valgrind test_resolve` reports the read itself. */
static void test_unparsable_per_try_timeout_message(void **state)
{
    (void)state;
    text t = {0};
    tput(&t, "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
             "spec: {ports: [{port: 80}]}\n---\n"
             "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
             "metadata: {name: r}\nspec:\n  virtualhost: {fqdn: r.example.com}\n  routes:\n");
    static const char *const bad[] = {"abc", "-", "1x", "-abc", ".s", "5"};
    enum { ROUTES = 60 };
    for (int i = 0; i < ROUTES; i++)
        tput(&t,
             "  - match: /r%d\n    retryPolicy: {perTryTimeout: \"%s\"}\n"
             "    services: [{name: web, port: 80}]\n",
             i, bad[i % 6]);
    contour_snapshot *s = load_text("per-try.yaml", &t);
    free(t.p);
    contour_graph *g = resolve(s, NULL);
    const contour_diagnostic *d[ROUTES];
    assert_int_equal(diags_with_code(g, "invalid-duration", d, ROUTES), ROUTES);
    for (size_t i = 0; i < ROUTES; i++) {
        const char *m = contour_diagnostic_message(d[i]);
        if (!strstr(m, "\" is not a valid duration; no per-try timeout is set"))
            fail_msg("diagnostic %zu: %s", i, m);
    }
    contour_graph_free(g);
    contour_snapshot_free(s);
}

/* ---- order independence ---- */

/* Splits a YAML stream into documents at "---" lines (the inputs used have no other). */
static size_t split_docs(char *textbuf, char **docs, size_t max)
{
    size_t n = 0;
    char *p = textbuf;
    docs[n++] = p;
    while ((p = strstr(p, "\n---\n")) != NULL && n < max) {
        p[1] = '\0';
        p += 5;
        docs[n++] = p;
    }
    return n;
}

static void shuffle(size_t *idx, size_t n, unsigned *seed)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rand_r(seed) % i;
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}

static char *resolve_json(contour_snapshot *s, const contour_config *cfg)
{
    contour_graph *g = resolve(s, cfg);
    char *json = tu_graph_json(g);
    contour_graph_free(g);
    return json;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The documents of a case loaded as separate named buffers, in random orders; then all of
 * them as the items of one List in random orders. */
static void shuffle_case(const char *name, const contour_config *cfg)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/cases/%s/input.yaml", name);
    char *src = tu_read_file(tu_path(tu_source_root(), rel), NULL);
    char *docs[512];
    size_t n = split_docs(src, docs, 512);
    size_t idx[512];
    char *first = NULL;
    unsigned seed = 42;
    for (int round = 0; round < 6; round++) {
        for (size_t i = 0; i < n; i++)
            idx[i] = i;
        if (round > 0)
            shuffle(idx, n, &seed);
        contour_snapshot *s = NULL;
        assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
        for (size_t i = 0; i < n; i++) {
            char doc_name[32];
            snprintf(doc_name, sizeof doc_name, "doc-%03zu.yaml", idx[i]);
            assert_int_equal(contour_snapshot_load_buffer(s, doc_name, strlen(doc_name),
                                                          docs[idx[i]], strlen(docs[idx[i]]),
                                                          CONTOUR_FORMAT_YAML),
                             CONTOUR_OK);
        }
        char *json = resolve_json(s, cfg);
        if (!first) {
            first = json;
        } else {
            if (strcmp(first, json) != 0)
                fail_msg("%s: round %d differs", name, round);
            free(json);
        }
        contour_snapshot_free(s);
    }

    /* As List items (comments dropped, each document indented under "- "). Positions
     * change with the order, so compare everything before the diagnostics, and the
     * diagnostics' codes and messages as multisets. */
    char *list_first = NULL;
    char *diag_first = NULL;
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < n; i++)
            idx[i] = i;
        shuffle(idx, n, &seed);
        text t = {0};
        tput(&t, "apiVersion: v1\nkind: List\nitems:\n");
        for (size_t i = 0; i < n; i++) {
            const char *p = docs[idx[i]];
            bool start = true;
            while (*p) {
                const char *eol = strchr(p, '\n');
                size_t len = eol ? (size_t)(eol - p) : strlen(p);
                if (len && p[0] != '#') {
                    tput(&t, "%s%.*s\n", start ? "- " : "  ", (int)len, p);
                    start = false;
                }
                p += len + (eol ? 1 : 0);
            }
        }
        contour_snapshot *s = load_text("list.yaml", &t);
        free(t.p);
        contour_graph *g = resolve(s, cfg);
        char *json = tu_graph_json(g);
        char *cut = strstr(json, "  \"diagnostics\": [");
        assert_non_null(cut);
        *cut = '\0';
        /* Diagnostics as sorted "code message" lines. */
        size_t nd = contour_graph_diagnostic_count(g);
        char **lines = calloc(nd + 1, sizeof *lines);
        for (size_t i = 0; i < nd; i++) {
            const contour_diagnostic *d = contour_graph_diagnostic_at(g, i);
            size_t len =
                strlen(contour_diagnostic_code(d)) + strlen(contour_diagnostic_message(d)) + 2;
            lines[i] = malloc(len);
            snprintf(lines[i], len, "%s %s", contour_diagnostic_code(d),
                     contour_diagnostic_message(d));
        }
        qsort(lines, nd, sizeof *lines, cmp_line);
        text dt = {0};
        tput(&dt, "%s", "");
        for (size_t i = 0; i < nd; i++) {
            tput(&dt, "%s\n", lines[i]);
            free(lines[i]);
        }
        free(lines);
        if (!list_first) {
            list_first = json;
            diag_first = dt.p;
            /* The List gives the same graph and statuses as separate documents. */
            char *cut2 = strstr(first, "  \"diagnostics\": [");
            assert_non_null(cut2);
            assert_int_equal((size_t)(cut2 - first), strlen(json));
            assert_memory_equal(first, json, strlen(json));
        } else {
            if (strcmp(list_first, json) != 0 || strcmp(diag_first, dt.p) != 0) {
                fprintf(stderr, "--- first\n%s%s\n--- round %d\n%s%s\n", list_first, diag_first,
                        round, json, dt.p);
                fail_msg("%s: List round %d differs", name, round);
            }
            free(json);
            free(dt.p);
        }
        contour_graph_free(g);
        contour_snapshot_free(s);
    }
    free(list_first);
    free(diag_first);
    free(first);
    free(src);
}

static void test_shuffle(void **state)
{
    (void)state;
    const char *cases[] = {"conflicts",         "delegation-shared",    "delegation-checks",
                           "delegation-cycles", "ingress-tls",          "tcpproxy",
                           "tls-ingressroute",  "roots-duplicate-fqdn", "ingress-rules",
                           "route-options"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        shuffle_case(cases[i], NULL);
    /* CONTOUR_LIMIT_ROUTES: which vhosts are left out does not depend on the order. */
    contour_config *cfg = NULL;
    assert_int_equal(contour_config_new(&cfg), CONTOUR_OK);
    assert_int_equal(contour_config_set_limit(cfg, CONTOUR_LIMIT_ROUTES, 6), CONTOUR_OK);
    shuffle_case("limit-routes", cfg);
    contour_config_free(cfg);
}

/* ---- allocation failure ---- */

/* Every allocation of a resolve fails in turn: NOMEM, nothing leaked (ASan), and the
 * result once it succeeds is the normal one. */
static void resolve_under_failures(const char *case_name, uint64_t route_limit)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/cases/%s/input.yaml", case_name);
    char *src = tu_read_file(tu_path(tu_source_root(), rel), NULL);
    /* A graph allocates with its snapshot's allocator: load with the failing one (not
     * failing yet), then fail each allocation of the resolve in turn. */
    tu_failing f = {0, 0, 0, 0};
    contour_config *cfg = NULL;
    assert_int_equal(contour_config_new(&cfg), CONTOUR_OK);
    if (route_limit)
        assert_int_equal(contour_config_set_limit(cfg, CONTOUR_LIMIT_ROUTES, route_limit),
                         CONTOUR_OK);
    assert_int_equal(contour_config_set_allocator(cfg, tu_failing_malloc, tu_failing_realloc,
                                                  tu_failing_free, &f),
                     CONTOUR_OK);
    contour_snapshot *s = tu_load_with(cfg, "input.yaml", src);
    free(src);
    char *want = resolve_json(s, NULL);
    long points = 0;
    for (long n = 0;; n++) {
        f.fail_at = f.calls + n + 1;
        contour_graph *g = NULL;
        contour_result st = contour_resolve(&g, s, NULL);
        if (st == CONTOUR_OK) {
            f.fail_at = 0;
            char *got = tu_graph_json(g);
            assert_string_equal(got, want);
            free(got);
            contour_graph_free(g);
            break;
        }
        assert_int_equal(st, CONTOUR_ERR_NOMEM);
        assert_null(g);
        points++;
        assert_true(n < 1000000);
    }
    print_message("%s: %ld allocation failure points\n", case_name, points);
    assert_true(points > 0);
    contour_config_free(cfg);
    free(want);
    contour_snapshot_free(s);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    resolve_under_failures("tls-ingressroute", 0);
    resolve_under_failures("tcpproxy", 0);
    resolve_under_failures("ingress-tls", 0);
    resolve_under_failures("conflicts", 0);
    resolve_under_failures("route-options", 0);
    resolve_under_failures("delegation-shared", 0);
    resolve_under_failures("limit-routes", 6);
}

/* ---- hostile shapes ---- */

static void ir_json(text *t, bool comma, const char *name, const char *fqdn)
{
    tput(t,
         "%s{\"apiVersion\":\"contour.heptio.com/v1beta1\",\"kind\":\"IngressRoute\","
         "\"metadata\":{\"name\":\"%s\",\"namespace\":\"h\"},\"spec\":{",
         comma ? ",\n" : "", name);
    if (fqdn)
        tput(t, "\"virtualhost\":{\"fqdn\":\"%s\"},", fqdn);
    tput(t, "\"routes\":[");
}

static void list_begin(text *t)
{
    tput(t, "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n"
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\","
            "\"namespace\":\"h\"},\"spec\":{\"ports\":[{\"port\":80}]}}");
}

/* Resolves and reports the time; fails above `limit` seconds (times tu_time_factor(), as
 * every wall-clock bound: under valgrind the 100,000-child root took 8 s). */
static contour_graph *timed_resolve(const char *what, contour_snapshot *s, double limit)
{
    double t0 = now_s();
    contour_graph *g = resolve(s, NULL);
    double dt = now_s() - t0;
    print_message("%-34s resolve %8.1f ms\n", what, dt * 1e3);
    limit *= tu_time_factor();
    if (dt > limit)
        fail_msg("%s: resolve took %.2f s (limit %.1f s)", what, dt, limit);
    return g;
}

/* A chain of `depth` delegations below a root; `cycle` closes it back onto c1. */
static contour_snapshot *chain(size_t depth, bool cycle)
{
    text t = {0};
    list_begin(&t);
    ir_json(&t, true, "root", "chain.example.com");
    tput(&t, "{\"match\":\"/\",\"delegate\":{\"name\":\"c1\"}}]}}");
    for (size_t i = 1; i <= depth; i++) {
        char name[32];
        snprintf(name, sizeof name, "c%zu", i);
        ir_json(&t, true, name, NULL);
        if (i < depth || cycle)
            tput(&t, "{\"match\":\"/\",\"delegate\":{\"name\":\"c%zu\"}},",
                 i < depth ? i + 1 : (size_t)1);
        tput(&t, "{\"match\":\"/c%zu\",\"services\":[{\"name\":\"web\",\"port\":80}]}]}}", i);
    }
    tput(&t, "]}\n");
    contour_snapshot *s = load_text("chain.json", &t);
    free(t.p);
    return s;
}

static void test_deep_chain(void **state)
{
    (void)state;
    contour_snapshot *s = chain(10000, false);
    contour_graph *g = timed_resolve("10,000-deep delegation chain", s, 5.0);
    assert_int_equal(contour_graph_status_count(g), 10001);
    for (size_t i = 0; i < contour_graph_status_count(g); i++)
        assert_int_equal(contour_status_state(contour_graph_status_at(g, i)), CONTOUR_STATE_VALID);
    const contour_vhost *v = contour_listener_vhost_at(contour_graph_listener_at(g, 0), 0);
    assert_int_equal(contour_vhost_route_count(v), 10000);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

static void test_long_cycle(void **state)
{
    (void)state;
    contour_snapshot *s = chain(10000, true);
    contour_graph *g = timed_resolve("10,000-object delegation cycle", s, 5.0);
    const contour_status *st = status_of(g, "h", "c10000");
    assert_int_equal(contour_status_state(st), CONTOUR_STATE_INVALID);
    const char *d = contour_status_description(st);
    assert_true(strncmp(d, "route creates a delegation cycle: h/root -> h/c1 -> h/c2 -> ", 60) ==
                0);
    assert_non_null(strstr(d, " -> h/c31 -> ... -> h/c9970 -> "));
    assert_non_null(strstr(d, " -> h/c10000 -> h/c1"));
    assert_true(strlen(d) < 1024); /* bounded however long the cycle */
    /* Everything but the object closing the cycle is valid and publishes. */
    assert_int_equal(contour_status_state(status_of(g, "h", "c9999")), CONTOUR_STATE_VALID);
    const contour_vhost *v = contour_listener_vhost_at(contour_graph_listener_at(g, 0), 0);
    assert_int_equal(contour_vhost_route_count(v), 9999);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

/* Spec rule 11: a cycle path of more than 64 names keeps the first 32 and the last 32,
 * joined by " -> ... -> "; 64 names are shown whole. chain(k) closes a cycle of
 * root, c1..ck, c1: k + 2 names. */
static void cycle_text(size_t names)
{
    size_t depth = names - 2;
    contour_snapshot *s = chain(depth, true);
    contour_graph *g = resolve(s, NULL);
    char last[32];
    snprintf(last, sizeof last, "c%zu", depth);
    text want = {0};
    tput(&want, "route creates a delegation cycle: ");
    for (size_t i = 0; i < names; i++) {
        if (names > 64 && i == 32) {
            tput(&want, " -> ...");
            i = names - 32;
        }
        /* name i: root, then c1..c<depth>, then c1 again */
        size_t c = i == 0 ? 0 : i <= depth ? i : 1;
        if (c)
            tput(&want, "%sh/c%zu", i ? " -> " : "", c);
        else
            tput(&want, "h/root");
    }
    assert_string_equal(contour_status_description(status_of(g, "h", last)), want.p);
    free(want.p);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

static void test_cycle_text_bound(void **state)
{
    (void)state;
    cycle_text(64);
    cycle_text(65);
    cycle_text(3);
}

/* Roots r0000.. of namespace h, all on one fqdn, each with one route. */
static contour_snapshot *roots_on_one_fqdn(size_t n, size_t *input_len)
{
    text t = {0};
    for (size_t i = 0; i < n; i++)
        tput(&t,
             "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
             "metadata: {name: r%04zu, namespace: h}\nspec:\n"
             "  virtualhost: {fqdn: dup.example.com}\n"
             "  routes: [{match: /, services: [{name: web, port: 80}]}]\n",
             i);
    *input_len = t.n;
    contour_snapshot *s = load_text("roots.yaml", &t);
    free(t.p);
    return s;
}

/* Spec rule 11: a duplicate-fqdn list keeps the first 64 names, then ", and N more". */
static void test_duplicate_fqdn_text_bound(void **state)
{
    (void)state;
    for (size_t n = 64; n <= 65; n++) {
        size_t len;
        contour_snapshot *s = roots_on_one_fqdn(n, &len);
        contour_graph *g = resolve(s, NULL);
        text want = {0};
        tput(&want, "fqdn \"dup.example.com\" is used in multiple IngressRoutes: ");
        for (size_t i = 0; i < 64; i++)
            tput(&want, "%sh/r%04zu", i ? ", " : "", i);
        if (n == 65)
            tput(&want, ", and 1 more");
        for (size_t i = 0; i < n; i++) {
            char name[16];
            snprintf(name, sizeof name, "r%04zu", i);
            assert_string_equal(contour_status_description(status_of(g, "h", name)), want.p);
        }
        free(want.p);
        contour_graph_free(g);
        contour_snapshot_free(s);
    }
}

/* 4,000 roots on one fqdn: each status repeated the whole list, 200 MB of JSON from
 * 870 KB. Now every status is bounded and the JSON grows linearly with the input. */
static void test_duplicate_fqdn_linear_output(void **state)
{
    (void)state;
    size_t len;
    contour_snapshot *s = roots_on_one_fqdn(4000, &len);
    contour_graph *g = resolve(s, NULL);
    char *json = tu_graph_json(g);
    size_t out = strlen(json);
    print_message("4,000 roots on one fqdn: %zu bytes in, %zu bytes of JSON\n", len, out);
    assert_int_equal(contour_graph_status_count(g), 4000);
    assert_non_null(strstr(json, ", and 3936 more\""));
    /* About 1.2 KB per status (64 names); the whole list was 48 KB per status. */
    assert_true(out < 8 * len);
    free(json);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

/* N roots share one child whose M routes all match /x: M - 1 routes lose on every one of
 * the N virtual hosts. One route-conflict warning per losing route (spec rule 11), not
 * N x (M - 1): 300 x 300 gave 89,700 warnings. */
static void test_conflict_warnings_linear(void **state)
{
    (void)state;
    enum { N = 300, M = 300 };
    text t = {0};
    list_begin(&t);
    for (size_t i = 0; i < N; i++) {
        char name[16], fqdn[32];
        snprintf(name, sizeof name, "r%03zu", i);
        snprintf(fqdn, sizeof fqdn, "r%03zu.example.com", i);
        ir_json(&t, true, name, fqdn);
        tput(&t, "{\"match\":\"/\",\"delegate\":{\"name\":\"child\"}}]}}");
    }
    ir_json(&t, true, "child", NULL);
    for (size_t i = 0; i < M; i++)
        tput(&t, "%s{\"match\":\"/x\",\"services\":[{\"name\":\"web\",\"port\":80}]}",
             i ? "," : "");
    tput(&t, "]}}]}\n");
    size_t in = t.n;
    contour_snapshot *s = load_text("shared.json", &t);
    free(t.p);
    contour_graph *g = resolve(s, NULL);
    const contour_diagnostic *d;
    assert_int_equal(diags_with_code(g, "route-conflict", &d, 1), M - 1);
    assert_string_equal(contour_diagnostic_message(d),
                        "prefix \"/x\" on virtual host \"r000.example.com\" is already routed by "
                        "IngressRoute h/child (spec.routes[0]); this route is ignored (and on "
                        "299 more virtual hosts)");
    assert_string_equal(contour_diagnostic_field(d), "spec.routes[1]");
    char *json = tu_graph_json(g);
    print_message("%d roots x %d conflicting routes: %zu bytes in, %zu bytes of JSON\n", N, M, in,
                  strlen(json));
    assert_true(strlen(json) < 16 * in);
    free(json);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

static void test_wide_root(void **state)
{
    (void)state;
    const size_t n = 100000;
    text t = {0};
    list_begin(&t);
    ir_json(&t, true, "root", "wide.example.com");
    for (size_t i = 0; i < n; i++)
        tput(&t, "%s{\"match\":\"/c%zu\",\"delegate\":{\"name\":\"c%zu\"}}", i ? "," : "", i, i);
    tput(&t, "]}}");
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "c%zu", i);
        ir_json(&t, true, name, NULL);
        tput(&t, "{\"match\":\"/c%zu\",\"services\":[{\"name\":\"web\",\"port\":80}]}]}}", i);
    }
    tput(&t, "]}\n");
    contour_snapshot *s = load_text("wide.json", &t);
    free(t.p);
    contour_graph *g = timed_resolve("one root, 100,000 children", s, 5.0);
    assert_int_equal(contour_graph_status_count(g), n + 1);
    const contour_vhost *v = contour_listener_vhost_at(contour_graph_listener_at(g, 0), 0);
    assert_int_equal(contour_vhost_route_count(v), n);
    /* Descending byte order of paths. */
    for (size_t i = 1; i < contour_vhost_route_count(v); i++)
        assert_true(strcmp(contour_route_path(contour_vhost_route_at(v, i - 1)),
                           contour_route_path(contour_vhost_route_at(v, i))) > 0);
    double t0 = now_s();
    char *json = tu_graph_json(g);
    double dt = now_s() - t0;
    print_message("%-34s JSON %8.1f ms, %.1f MB\n", "one root, 100,000 children", dt * 1e3,
                  (double)strlen(json) / 1e6);
    free(json);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

/* Levels of two objects, each delegating to both of the next level: 2^levels paths from
 * the root to the last level, each object walked once. */
static void test_diamond_lattice(void **state)
{
    (void)state;
    const int levels = 20;
    text t = {0};
    list_begin(&t);
    ir_json(&t, true, "root", "diamond.example.com");
    tput(&t, "{\"match\":\"/\",\"delegate\":{\"name\":\"l0a\"}},"
             "{\"match\":\"/\",\"delegate\":{\"name\":\"l0b\"}}]}}");
    for (int l = 0; l < levels; l++) {
        for (int k = 0; k < 2; k++) {
            char name[32];
            snprintf(name, sizeof name, "l%d%c", l, k ? 'b' : 'a');
            ir_json(&t, true, name, NULL);
            tput(&t, "{\"match\":\"/l%d%c\",\"services\":[{\"name\":\"web\",\"port\":80}]}", l,
                 k ? 'b' : 'a');
            if (l + 1 < levels)
                tput(&t,
                     ",{\"match\":\"/\",\"delegate\":{\"name\":\"l%da\"}},"
                     "{\"match\":\"/\",\"delegate\":{\"name\":\"l%db\"}}",
                     l + 1, l + 1);
            tput(&t, "]}}");
        }
    }
    tput(&t, "]}\n");
    contour_snapshot *s = load_text("diamond.json", &t);
    free(t.p);
    contour_graph *g = timed_resolve("20-level diamond lattice", s, 1.0);
    assert_int_equal(contour_graph_status_count(g), 2 * levels + 1);
    for (size_t i = 0; i < contour_graph_status_count(g); i++)
        assert_int_equal(contour_status_state(contour_graph_status_at(g, i)), CONTOUR_STATE_VALID);
    const contour_vhost *v = contour_listener_vhost_at(contour_graph_listener_at(g, 0), 0);
    assert_int_equal(contour_vhost_route_count(v), 2 * levels);
    assert_int_equal(contour_graph_diagnostic_count(g), 0);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_positions),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_unparsable_per_try_timeout_message),
        cmocka_unit_test(test_shuffle),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_deep_chain),
        cmocka_unit_test(test_long_cycle),
        cmocka_unit_test(test_cycle_text_bound),
        cmocka_unit_test(test_duplicate_fqdn_text_bound),
        cmocka_unit_test(test_duplicate_fqdn_linear_output),
        cmocka_unit_test(test_conflict_warnings_linear),
        cmocka_unit_test(test_wide_root),
        cmocka_unit_test(test_diamond_lattice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
