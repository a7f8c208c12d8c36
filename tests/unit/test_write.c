/* The text and DOT writers and contour_graph_render(), on graphs built by hand from the
 * plain structs of graph_model.h (no loader or resolver involved). */
#include "testutil.h"

#include "graph_model.h"
#include "write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- a small graph ---- */

typedef struct fixture {
    contour_graph g;
    contour_cluster web, api[2], tcp;
    contour_route http_routes[2], https_routes[2];
    contour_vhost http_vhosts[1], https_vhosts[2];
    contour_status statuses[4];
    const char *root_vhosts[1];
    cx_edge root_edges[3], api_edges[1], bad_edges[1], orphan_edges[1];
    contour_diagnostic diag_storage[3];
    const contour_diagnostic *diags[3];
} fixture;

static void build_small(fixture *f, const cx_alloc *alloc)
{
    memset(f, 0, sizeof *f);
    contour_graph *g = &f->g;
    g->alloc = *alloc;

    f->web = (contour_cluster){.ns = "default", .service = "web", .port = 80, .weight = 0};
    f->api[0] =
        (contour_cluster){.ns = "team",
                          .service = "api",
                          .port = 8080,
                          .port_name = "http",
                          .weight = 10,
                          .strategy = "Random",
                          .protocol = "h2c",
                          .has_health_check = true,
                          .health_check = {"/healthz", "contour-envoy-healthcheck", 10, 2, 3, 2},
                          .max_connections = 100,
                          .max_retries = 3};
    f->api[1] = (contour_cluster){.ns = "team", .service = "api-v2", .port = 8080, .weight = 90};
    f->tcp = (contour_cluster){.ns = "default", .service = "tcp", .port = 443, .weight = 0};

    contour_route api_route = {.match = CONTOUR_MATCH_PREFIX,
                               .path = "/api",
                               .websocket = true,
                               .has_timeout = true,
                               .timeout_ms = 1500,
                               .has_retry = true,
                               .retry_on = "5xx",
                               .num_retries = 2,
                               .per_try_timeout_ms = 250,
                               .prefix_rewrite = "/",
                               .source_kind = CONTOUR_KIND_INGRESSROUTE,
                               .source_ns = "team",
                               .source_name = "api",
                               .clusters = f->api,
                               .cluster_count = 2};
    contour_route root_route = {.match = CONTOUR_MATCH_PREFIX,
                                .path = "/",
                                .source_kind = CONTOUR_KIND_INGRESSROUTE,
                                .source_ns = "default",
                                .source_name = "root",
                                .clusters = &f->web,
                                .cluster_count = 1};
    f->https_routes[0] = api_route;
    f->https_routes[1] = root_route;
    f->http_routes[0] = api_route;
    f->http_routes[0].https_redirect = true;
    f->http_routes[1] = root_route;
    f->http_routes[1].https_redirect = true;
    f->http_routes[1].has_timeout = true;
    f->http_routes[1].timeout_ms = -1;

    f->http_vhosts[0] =
        (contour_vhost){.fqdn = "example.com", .routes = f->http_routes, .route_count = 2};
    f->https_vhosts[0] = (contour_vhost){.fqdn = "example.com",
                                         .has_tls = true,
                                         .secret_ns = "default",
                                         .secret_name = "cert",
                                         .min_version = "1.2",
                                         .routes = f->https_routes,
                                         .route_count = 2};
    f->https_vhosts[1] = (contour_vhost){.fqdn = "tcp.example.com",
                                         .has_tls = true,
                                         .passthrough = true,
                                         .has_tcpproxy = true,
                                         .min_version = "1.1",
                                         .tcp_clusters = &f->tcp,
                                         .tcp_cluster_count = 1};
    g->listeners[0] = (contour_listener){"ingress_http", 80, false, f->http_vhosts, 1};
    g->listeners[1] = (contour_listener){"ingress_https", 443, true, f->https_vhosts, 2};
    g->listener_count = 2;

    f->root_vhosts[0] = "example.com";
    f->root_edges[0] = (cx_edge){CX_EDGE_DELEGATE, false, "team", "api", "/api", NULL};
    f->root_edges[1] = (cx_edge){CX_EDGE_SERVICE, false, "default", "web", "port 80", "/"};
    f->root_edges[2] = (cx_edge){CX_EDGE_DELEGATE, false, "team", "bad", "/bad", NULL};
    f->api_edges[0] = (cx_edge){CX_EDGE_SERVICE, false, "team", "api", "port 8080", "/api"};
    f->bad_edges[0] = (cx_edge){CX_EDGE_SERVICE, true, "team", "gone", "port 0", "/bad"};
    f->orphan_edges[0] = (cx_edge){CX_EDGE_DELEGATE, true, "team", "nowhere", "/x", NULL};

    f->statuses[0] = (contour_status){.kind = CONTOUR_KIND_INGRESSROUTE,
                                      .state = CONTOUR_STATE_VALID,
                                      .ns = "default",
                                      .name = "root",
                                      .description = "valid IngressRoute",
                                      .vhosts = f->root_vhosts,
                                      .vhost_count = 1,
                                      .file = "root.yaml",
                                      .pos = {1, 1},
                                      .root_fqdn = "example.com",
                                      .edges = f->root_edges,
                                      .edge_count = 3};
    f->statuses[1] = (contour_status){.kind = CONTOUR_KIND_INGRESSROUTE,
                                      .state = CONTOUR_STATE_VALID,
                                      .ns = "team",
                                      .name = "api",
                                      .description = "valid IngressRoute",
                                      .vhosts = f->root_vhosts,
                                      .vhost_count = 1,
                                      .file = "team.yaml",
                                      .pos = {1, 1},
                                      .edges = f->api_edges,
                                      .edge_count = 1};
    f->statuses[2] = (contour_status){
        .kind = CONTOUR_KIND_INGRESSROUTE,
        .state = CONTOUR_STATE_INVALID,
        .ns = "team",
        .name = "bad",
        .description = "route \"/bad\": service \"gone\": port must be in the range 1-65535",
        .vhosts = f->root_vhosts,
        .vhost_count = 1,
        .file = "team.yaml",
        .pos = {20, 13},
        .edges = f->bad_edges,
        .edge_count = 1};
    f->statuses[3] = (contour_status){
        .kind = CONTOUR_KIND_INGRESSROUTE,
        .state = CONTOUR_STATE_ORPHANED,
        .ns = "team",
        .name = "orphan",
        .description =
            "this IngressRoute is not part of a delegation chain from a root IngressRoute",
        .file = "team.yaml",
        .pos = {30, 1},
        .edges = f->orphan_edges,
        .edge_count = 1};
    g->statuses = f->statuses;
    g->status_count = 4;

    f->diag_storage[0] = (contour_diagnostic){.code = "io-error",
                                              .message = "cannot read \"gone.yaml\"",
                                              .file = "gone.yaml",
                                              .severity = CONTOUR_SEVERITY_ERROR};
    f->diag_storage[1] = (contour_diagnostic){.code = "unknown-field",
                                              .message = "unknown field \"x\" in spec",
                                              .file = "root.yaml",
                                              .pos = {7, 3},
                                              .severity = CONTOUR_SEVERITY_WARNING,
                                              .obj_kind = CONTOUR_KIND_INGRESSROUTE,
                                              .obj_ns = "default",
                                              .obj_name = "root"};
    f->diag_storage[2] = (contour_diagnostic){.code = "ignored-class",
                                              .message = "ignored: ingress class \"other\"",
                                              .file = "team.yaml",
                                              .pos = {40, 0},
                                              .severity = CONTOUR_SEVERITY_INFO};
    for (int i = 0; i < 3; i++)
        f->diags[i] = &f->diag_storage[i];
    g->diags = f->diags;
    g->diag_count = 3;
    g->severity_count[CONTOUR_SEVERITY_ERROR] = 1;
    g->severity_count[CONTOUR_SEVERITY_WARNING] = 1;
    g->severity_count[CONTOUR_SEVERITY_INFO] = 1;
}

/* Renders and returns a malloc'd NUL-terminated copy. */
static char *render(const contour_graph *g, contour_output_format format)
{
    contour_buffer *b = NULL;
    assert_int_equal(contour_graph_render(&b, g, format), CONTOUR_OK);
    assert_non_null(b);
    size_t n = contour_buffer_size(b);
    const char *data = contour_buffer_data(b);
    assert_non_null(data);
    assert_int_equal(data[n], '\0');
    assert_int_equal(strlen(data), n);
    char *copy = malloc(n + 1);
    assert_non_null(copy);
    memcpy(copy, data, n + 1);
    if (getenv("TEST_WRITE_DUMP"))
        fputs(copy, stderr);
    contour_buffer_free(b);
    return copy;
}

/* ---- Graphviz, when installed ---- */

static bool have_dot(void)
{
    return system("command -v dot >/dev/null 2>&1") == 0;
}

/* Asserts that `dot -Tsvg` accepts the text (skipped without Graphviz). */
static void assert_dot_accepts(const char *dot)
{
    if (!have_dot())
        return;
    char path[] = "/tmp/test_write_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(dot);
    assert_int_equal(write(fd, dot, n), (ssize_t)n);
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "dot -Tsvg %s -o /dev/null 2>/dev/null", path);
    int rc = system(cmd);
    if (rc != 0) /* the file is kept: cmocka cuts long messages */
        fail_msg("dot rejected %s (kept)", path);
    unlink(path);
}

/* ---- text ---- */

static const char small_text[] =
    "listener ingress_http port 80\n"
    "  vhost example.com\n"
    "    route prefix /api (IngressRoute team/api): \xe2\x86\x92 https, websocket, rewrite /, "
    "timeout 1500ms, retry 5xx x2, per-try timeout 250ms\n"
    "      cluster team/api:8080 (http): weight 10, strategy Random, protocol h2c\n"
    "        health check: path /healthz, host contour-envoy-healthcheck, interval 10s, "
    "timeout 2s, unhealthy 3, healthy 2\n"
    "        limits: max connections 100, max retries 3\n"
    "      cluster team/api-v2:8080: weight 90\n"
    "    route prefix / (IngressRoute default/root): \xe2\x86\x92 https, timeout infinity\n"
    "      cluster default/web:80: weight 0\n"
    "listener ingress_https port 443\n"
    "  vhost example.com: tls secret default/cert, min 1.2\n"
    "    route prefix /api (IngressRoute team/api): websocket, rewrite /, timeout 1500ms, "
    "retry 5xx x2, per-try timeout 250ms\n"
    "      cluster team/api:8080 (http): weight 10, strategy Random, protocol h2c\n"
    "        health check: path /healthz, host contour-envoy-healthcheck, interval 10s, "
    "timeout 2s, unhealthy 3, healthy 2\n"
    "        limits: max connections 100, max retries 3\n"
    "      cluster team/api-v2:8080: weight 90\n"
    "    route prefix / (IngressRoute default/root)\n"
    "      cluster default/web:80: weight 0\n"
    "  vhost tcp.example.com: tls min 1.1, passthrough\n"
    "    tcpproxy\n"
    "      cluster default/tcp:443: weight 0\n"
    "statuses\n"
    "  default/root: valid: valid IngressRoute [example.com]\n"
    "  team/api: valid: valid IngressRoute [example.com]\n"
    "  team/bad: invalid: route \"/bad\": service \"gone\": port must be in the range 1-65535 "
    "[example.com]\n"
    "  team/orphan: orphaned: this IngressRoute is not part of a delegation chain from a root "
    "IngressRoute\n"
    "diagnostics\n"
    "  gone.yaml: error: cannot read \"gone.yaml\"\n"
    "  root.yaml:7:3: warning: unknown field \"x\" in spec [default/root]\n"
    "  team.yaml:40: info: ignored: ingress class \"other\"\n";

static void test_text_small(void **state)
{
    fixture f;
    build_small(&f, &cx_default_alloc);
    char *text = render(&f.g, CONTOUR_OUTPUT_TEXT);
    assert_string_equal(text, small_text);
    free(text);
}

static void test_text_empty(void **state)
{
    fixture f;
    memset(&f, 0, sizeof f);
    f.g.alloc = cx_default_alloc;
    char *text = render(&f.g, CONTOUR_OUTPUT_TEXT);
    assert_string_equal(text, "listeners: none\nstatuses: none\ndiagnostics: none\n");
    free(text);
}

static void test_text_exact_and_no_clusters(void **state)
{
    fixture f;
    build_small(&f, &cx_default_alloc);
    f.http_routes[1].match = CONTOUR_MATCH_EXACT;
    f.http_routes[1].cluster_count = 0;
    f.https_vhosts[1].tcp_cluster_count = 0;
    char *text = render(&f.g, CONTOUR_OUTPUT_TEXT);
    assert_non_null(strstr(text, "    route exact / (IngressRoute default/root): "
                                 "\xe2\x86\x92 https, timeout infinity\n"
                                 "      (no clusters)\n"));
    assert_non_null(strstr(text, "    tcpproxy (no clusters)\n"));
    free(text);
}

/* Names that are not plain words are Go-quoted; prose keeps its text but escapes controls. */
static void test_text_hostile(void **state)
{
    fixture f;
    build_small(&f, &cx_default_alloc);
    f.statuses[1].ns = "te am";
    f.statuses[1].name = "a\"b\\c\nd";
    f.statuses[1].description = "line1\nline2\x1b[31m";
    f.http_vhosts[0].fqdn = "caf\xc3\xa9.example";
    f.https_vhosts[0].fqdn = "";
    f.diag_storage[0].file = "dir/evil\nfile.yaml";
    f.diag_storage[1].obj_name = "x\xe2\x80\xae"; /* U+202E RIGHT-TO-LEFT OVERRIDE */
    char *text = render(&f.g, CONTOUR_OUTPUT_TEXT);
    assert_non_null(strstr(text, "  \"te am\"/\"a\\\"b\\\\c\\nd\": valid: line1\\nline2\\x1b[31m "
                                 "[example.com]\n"));
    assert_non_null(strstr(text, "  vhost \"caf\xc3\xa9.example\"\n"));
    assert_non_null(strstr(text, "  vhost \"\": tls"));
    assert_non_null(strstr(text, "  dir/evil\\nfile.yaml: error: "));
    assert_non_null(strstr(text, "[default/\"x\\u202e\"]\n"));
    /* Every line is ours: no raw control characters anywhere. */
    for (const char *p = text; *p; p++)
        assert_true(*p == '\n' || (unsigned char)*p >= 0x20);
    free(text);
}

/* ---- DOT ---- */

static void test_dot_small(void **state)
{
    fixture f;
    build_small(&f, &cx_default_alloc);
    char *dot = render(&f.g, CONTOUR_OUTPUT_DOT);
    assert_true(strncmp(dot, "digraph contour {\n", 18) == 0);
    assert_non_null(strstr(dot, "  \"vhost/example.com\" [shape=box"));
    assert_non_null(strstr(dot, "  \"vhost/tcp.example.com\" [shape=box"));
    assert_non_null(strstr(dot, "  \"ir/default/root\" [shape=box, label=\"default/root\", "
                                "tooltip=\"valid IngressRoute\"];\n"));
    /* The reason is in the label, wrapped, and in the tooltip whole. */
    assert_non_null(strstr(dot, "  \"ir/team/bad\" [shape=box, label=\"team/bad\\ninvalid: "
                                "route \\\"/bad\\\": service \\\"gone\\\": port must\\nbe in "
                                "the range 1-65535\", tooltip=\"route \\\"/bad\\\": service "
                                "\\\"gone\\\": port must be in the range 1-65535\", color=red"));
    assert_non_null(strstr(dot, "  \"ir/team/orphan\" [shape=box, label=\"team/orphan\\n"
                                "orphaned: this IngressRoute is not part of a delegation\\n"
                                "chain from a root IngressRoute\""));
    /* A secure virtual host says so, with its secret or passthrough. */
    assert_non_null(strstr(dot, "label=\"example.com\\nTLS secret default/cert, min 1.2\""));
    assert_non_null(strstr(dot, "label=\"tcp.example.com\\nTLS passthrough\""));
    assert_non_null(strstr(dot, "style=dashed];\n"));
    assert_non_null(strstr(dot, "  \"svc/default/web\" [shape=ellipse, label=\"default/web\""));
    /* A Service not in the input is neutral, not an error. */
    assert_non_null(strstr(dot, "  \"missing-svc/team/gone\" [shape=ellipse, "
                                "label=\"team/gone\\n(not in input)\", tooltip=\"Service "
                                "team/gone is not in the input\", color=grey50, "
                                "fontcolor=grey50, style=dashed];\n"));
    assert_non_null(strstr(dot, "  \"missing-ir/team/nowhere\" [shape=box, "
                                "label=\"team/nowhere\\n(missing)\""));
    assert_non_null(strstr(dot, "  \"vhost/example.com\" -> \"ir/default/root\";\n"));
    assert_non_null(strstr(dot, "  \"ir/default/root\" -> \"ir/team/api\" [label=\"/api\"];\n"));
    /* Service edges name the route and the port. */
    assert_non_null(strstr(dot, "  \"ir/default/root\" -> \"svc/default/web\" "
                                "[label=\"/\\nport 80\"];\n"));
    assert_non_null(strstr(dot, "  \"ir/team/bad\" -> \"missing-svc/team/gone\" [label=\"/bad\\n"
                                "port 0\", style=dashed, color=grey50, fontcolor=grey50];\n"));
    /* Each service node once, though two edges could name it. */
    const char *first = strstr(dot, "  \"svc/team/api\" [");
    assert_non_null(first);
    assert_null(strstr(first + 1, "  \"svc/team/api\" ["));
    assert_true(strcmp(dot + strlen(dot) - 2, "}\n") == 0);
    assert_dot_accepts(dot);
    free(dot);
}

static void test_dot_tcpproxy(void **state)
{
    fixture f;
    build_small(&f, &cx_default_alloc);
    cx_edge tcp_edges[2] = {{CX_EDGE_TCP_SERVICE, false, "default", "tcp", "port 443", NULL},
                            {CX_EDGE_TCP_DELEGATE, true, "default", "tcp-child", NULL, NULL}};
    f.statuses[1].root_fqdn = "tcp.example.com";
    f.statuses[1].edges = tcp_edges;
    f.statuses[1].edge_count = 2;
    char *dot = render(&f.g, CONTOUR_OUTPUT_DOT);
    assert_non_null(strstr(dot, "  \"vhost/tcp.example.com\" -> \"ir/team/api\";\n"));
    assert_non_null(strstr(dot, "  \"ir/team/api\" -> \"svc/default/tcp\" [label=\"tcpproxy\\n"
                                "port 443\", style=bold, color=blue, fontcolor=blue];\n"));
    assert_non_null(strstr(dot, "  \"ir/team/api\" -> \"missing-ir/default/tcp-child\" "
                                "[label=\"tcpproxy\", style=\"bold,dashed\", color=red, "
                                "fontcolor=red];\n"));
    assert_dot_accepts(dot);
    free(dot);
}

/* A root whose fqdn no listener serves (e.g. rejected for a duplicate fqdn) still gets a
 * vhost node; the empty graph is a valid digraph. */
static void test_dot_unserved_root_and_empty(void **state)
{
    fixture f;
    build_small(&f, &cx_default_alloc);
    f.statuses[3].root_fqdn = "dup.example.com";
    char *dot = render(&f.g, CONTOUR_OUTPUT_DOT);
    assert_non_null(strstr(dot, "  \"vhost/dup.example.com\" [shape=box, style=\"rounded,filled\", "
                                "fillcolor=lightblue, label=\"dup.example.com\\n(not served)\", "
                                "tooltip=\"not served\"];\n"));
    assert_non_null(strstr(dot, "  \"vhost/dup.example.com\" -> \"ir/team/orphan\";\n"));
    assert_dot_accepts(dot);
    free(dot);

    memset(&f, 0, sizeof f);
    f.g.alloc = cx_default_alloc;
    dot = render(&f.g, CONTOUR_OUTPUT_DOT);
    assert_non_null(strstr(dot, "digraph contour {\n"));
    assert_dot_accepts(dot);
    free(dot);
}

/* Checks that every quoted string on every line is closed: the rendering never lets a
 * name end a string early, continue a line, or start a new one. */
static void assert_dot_lines_well_formed(const char *dot)
{
    const char *p = dot;
    while (*p) {
        bool in_string = false;
        for (; *p && *p != '\n'; p++) {
            if (in_string && *p == '\\') {
                p++;
                assert_true(*p == '"' || *p == '\\' || *p == 'n');
                continue;
            }
            if (*p == '"')
                in_string = !in_string;
            assert_true((unsigned char)*p >= 0x20);
        }
        assert_false(in_string);
        if (*p)
            p++;
    }
}

static void test_dot_hostile(void **state)
{
    fixture f;
    build_small(&f, &cx_default_alloc);
    const char *ns = "n/s%\"";
    const char *name = "we\"ird\\na\nme<{x}>|\xc3\xa9&amp;\\";
    f.statuses[1].ns = ns;
    f.statuses[1].name = name;
    f.statuses[1].description = "bad \"x\"\n<b>";
    f.root_edges[0].ns = ns;
    f.root_edges[0].name = name;
    f.root_edges[0].label = "/a\"b\\";
    f.api_edges[0].ns = "\t";
    f.api_edges[0].name = "\xe2\x80\xae";
    f.https_vhosts[1].fqdn = "tcp\".example.com\\";
    char *dot = render(&f.g, CONTOUR_OUTPUT_DOT);
    assert_dot_lines_well_formed(dot);
    /* Ids: percent-encoded, nothing to escape. Labels: Go-quoted names, then DOT escapes. */
    const char *id = "\"ir/n%2Fs%25%22/we%22ird%5Cna%0Ame<{x}>|\xc3\xa9%26amp;%5C\"";
    const char *label = "label=\"\\\"n/s%\\\\\\\"\\\"/"
                        "\\\"we\\\\\\\"ird\\\\\\\\na\\\\nme<{x}>|\xc3\xa9&amp;amp;\\\\\\\\\\\"\"";
    char want[512];
    snprintf(want, sizeof want, "  %s [shape=box, %s, tooltip=\"bad \\\"x\\\"\\\\n<b>\"];\n", id,
             label);
    assert_non_null(strstr(dot, want));
    snprintf(want, sizeof want,
             "  \"ir/default/root\" -> %s [label=\"\\\"/a\\\\\\\"b\\\\\\\\\\\"\"];\n", id);
    assert_non_null(strstr(dot, want));
    assert_non_null(strstr(dot, "  \"svc/%09/%E2%80%AE\" [shape=ellipse, "
                                "label=\"\\\"\\\\t\\\"/\\\"\\\\u202e\\\"\""));
    assert_non_null(strstr(dot, "  \"vhost/tcp%22.example.com%5C\" [shape=box, "
                                "style=\"rounded,filled\", fillcolor=lightblue, "
                                "label=\"\\\"tcp\\\\\\\".example.com\\\\\\\\\\\"\\nTLS "
                                "passthrough\""));
    assert_dot_accepts(dot);
    free(dot);
}

/* Random names over an alphabet of troublemakers: the output stays well-formed, Graphviz
 * accepts it, and distinct objects keep distinct node ids. */
static void test_dot_random_names(void **state)
{
    static const char *const pieces[] = {"a",
                                         "/",
                                         "%",
                                         "\"",
                                         "\\",
                                         "\n",
                                         "&",
                                         "<",
                                         "{",
                                         "|",
                                         " ",
                                         "\xc3\xa9",
                                         "\xe2\x80\xae",
                                         "\t",
                                         "-",
                                         "\\n",
                                         "&amp;",
                                         "%2F",
                                         "\x7f",
                                         "\xf0\x9f\x98\x80"};
    enum { N = 64 };
    static char names[N][2][64];
    static contour_status statuses[N];
    static cx_edge edges[N];
    uint32_t seed = 12345;
    for (size_t i = 0; i < N; i++) {
        for (size_t part = 0; part < 2; part++) {
            char *out = names[i][part];
            out[0] = '\0';
            size_t len = 1 + (seed = seed * 1103515245u + 12345u) % 5;
            for (size_t k = 0; k < len; k++) {
                seed = seed * 1103515245u + 12345u;
                strcat(out, pieces[(seed >> 8) % (sizeof pieces / sizeof pieces[0])]);
            }
        }
        /* Make each (ns, name) distinct: a unique suffix on the name. */
        snprintf(names[i][1] + strlen(names[i][1]), 8, "#%zu", i);
    }
    for (size_t i = 0; i < N; i++) {
        edges[i] = (cx_edge){(uint8_t)(i % 4),      i % 3 == 0,  names[(i + 1) % N][0],
                             names[(i + 1) % N][1], names[i][0], names[i][1]};
        statuses[i] = (contour_status){.kind = CONTOUR_KIND_INGRESSROUTE,
                                       .state = (contour_state)(i % 3),
                                       .ns = names[i][0],
                                       .name = names[i][1],
                                       .description = names[i][1],
                                       .root_fqdn = i % 5 == 0 ? names[i][0] : NULL,
                                       .edges = &edges[i],
                                       .edge_count = 1};
    }
    contour_graph g;
    memset(&g, 0, sizeof g);
    g.alloc = cx_default_alloc;
    g.statuses = statuses;
    g.status_count = N;
    char *dot = render(&g, CONTOUR_OUTPUT_DOT);
    assert_dot_lines_well_formed(dot);
    /* One declaration per status, each with its own id. */
    size_t declared = 0;
    const char *ids[N];
    size_t id_len[N];
    for (const char *p = strstr(dot, "\n  \"ir/"); p; p = strstr(p + 1, "\n  \"ir/")) {
        const char *end = strchr(p + 4, '"');
        assert_non_null(end);
        if (strncmp(end, "\" [shape=box", 12) != 0)
            continue;
        assert_true(declared < N);
        ids[declared] = p + 3;
        id_len[declared] = (size_t)(end - (p + 3));
        for (size_t k = 0; k < declared; k++)
            assert_false(id_len[k] == id_len[declared] &&
                         memcmp(ids[k], ids[declared], id_len[k]) == 0);
        declared++;
    }
    assert_int_equal(declared, N);
    assert_dot_accepts(dot);
    free(dot);
    char *text = render(&g, CONTOUR_OUTPUT_TEXT);
    for (const char *p = text; *p; p++)
        assert_true(*p == '\n' || (unsigned char)*p >= 0x20);
    free(text);
}

/* Names that a naive "ns/name" id would merge get distinct ids. */
static void test_dot_ids_injective(void **state)
{
    contour_status st[4] = {
        {.ns = "a/b", .name = "c", .description = ""},
        {.ns = "a", .name = "b/c", .description = ""},
        {.ns = "a%2Fb", .name = "c", .description = ""},
        {.ns = "a", .name = "b%2Fc", .description = ""},
    };
    contour_graph g;
    memset(&g, 0, sizeof g);
    g.alloc = cx_default_alloc;
    g.statuses = st;
    g.status_count = 4;
    char *dot = render(&g, CONTOUR_OUTPUT_DOT);
    assert_non_null(strstr(dot, "  \"ir/a%2Fb/c\" [shape=box"));
    assert_non_null(strstr(dot, "  \"ir/a/b%2Fc\" [shape=box"));
    assert_non_null(strstr(dot, "  \"ir/a%252Fb/c\" [shape=box"));
    assert_non_null(strstr(dot, "  \"ir/a/b%252Fc\" [shape=box"));
    assert_dot_accepts(dot);
    free(dot);
}

/* ---- determinism ---- */

static void test_deterministic(void **state)
{
    static const contour_output_format formats[] = {CONTOUR_OUTPUT_TEXT, CONTOUR_OUTPUT_DOT,
                                                    CONTOUR_OUTPUT_JSON};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        fixture *a = malloc(sizeof *a);
        fixture *b = malloc(sizeof *b);
        assert_non_null(a);
        assert_non_null(b);
        build_small(a, &cx_default_alloc);
        build_small(b, &cx_default_alloc);
        /* Same graph content, different string addresses. */
        char dup_ns[] = "team";
        b->root_edges[2].ns = dup_ns;
        b->bad_edges[0].ns = dup_ns;
        char *x = render(&a->g, formats[i]);
        char *y = render(&a->g, formats[i]);
        char *z = render(&b->g, formats[i]);
        assert_string_equal(x, y);
        assert_string_equal(x, z);
        free(x);
        free(y);
        free(z);
        free(a);
        free(b);
    }
}

/* ---- the render API ---- */

static void test_render_invalid(void **state)
{
    fixture f;
    build_small(&f, &cx_default_alloc);
    contour_buffer *b = (contour_buffer *)&f; /* must be reset to NULL */
    assert_int_equal(contour_graph_render(NULL, &f.g, CONTOUR_OUTPUT_TEXT), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_render(&b, NULL, CONTOUR_OUTPUT_TEXT), CONTOUR_ERR_INVALID);
    assert_null(b);
    b = (contour_buffer *)&f;
    assert_int_equal(contour_graph_render(&b, &f.g, (contour_output_format)99),
                     CONTOUR_ERR_INVALID);
    assert_null(b);
    assert_int_equal(contour_graph_render(&b, &f.g, (contour_output_format)-1),
                     CONTOUR_ERR_INVALID);
    assert_null(contour_buffer_data(NULL));
    assert_int_equal(contour_buffer_size(NULL), 0);
    contour_buffer_free(NULL);
}

/* An allocator that fails from the Nth call on and counts what is live. */
typedef struct counting {
    long calls;
    long fail_at; /* -1: never */
    long live;
} counting;

static void *count_malloc(size_t size, void *ud)
{
    counting *c = ud;
    if (c->fail_at >= 0 && c->calls++ >= c->fail_at)
        return NULL;
    void *p = malloc(size);
    if (p)
        c->live++;
    return p;
}

static void *count_realloc(void *ptr, size_t size, void *ud)
{
    counting *c = ud;
    if (c->fail_at >= 0 && c->calls++ >= c->fail_at)
        return NULL;
    void *p = realloc(ptr, size);
    if (p && !ptr)
        c->live++;
    return p;
}

static void count_free(void *ptr, void *ud)
{
    counting *c = ud;
    if (ptr)
        c->live--;
    free(ptr);
}

static void test_render_nomem(void **state)
{
    static const contour_output_format formats[] = {CONTOUR_OUTPUT_TEXT, CONTOUR_OUTPUT_DOT,
                                                    CONTOUR_OUTPUT_JSON};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        counting c = {0, 0, 0};
        cx_alloc alloc = {count_malloc, count_realloc, count_free, &c};
        fixture f;
        build_small(&f, &alloc);
        long failures = 0;
        for (long n = 0; n < 1000; n++) {
            c = (counting){0, n, 0};
            contour_buffer *b = (contour_buffer *)&f;
            contour_result st = contour_graph_render(&b, &f.g, formats[i]);
            if (st == CONTOUR_OK) {
                assert_non_null(b);
                assert_true(c.live > 0);
                contour_buffer_free(b);
                assert_int_equal(c.live, 0);
                break;
            }
            assert_int_equal(st, CONTOUR_ERR_NOMEM);
            assert_null(b);
            assert_int_equal(c.live, 0);
            failures++;
        }
        assert_true(failures >= 2);
        print_message("render format %d: %ld allocation failure points\n", (int)formats[i],
                      failures);
        /* The output with a working custom allocator is the same as with libc's. */
        c = (counting){0, -1, 0};
        char *x = render(&f.g, formats[i]);
        build_small(&f, &cx_default_alloc);
        char *y = render(&f.g, formats[i]);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
}

/* A buffer outlives its graph: it carries its own copy of the allocator. */
static char *render_filtered(const contour_graph *g, contour_output_format format,
                             const contour_graph_filter *filter)
{
    contour_buffer *b = NULL;
    assert_int_equal(contour_graph_render_filtered(&b, g, format, filter), CONTOUR_OK);
    char *copy = strdup(contour_buffer_data(b));
    assert_non_null(copy);
    contour_buffer_free(b);
    return copy;
}

/* The filters of docs/cli.md on the small graph: example.com's routes come from
 * default/root and team/api, tcp.example.com is a tcpproxy to default/tcp. */
static void test_filtered_render(void **state)
{
    fixture f;
    build_small(&f, &cx_default_alloc);
    contour_graph_filter *filter = NULL;
    assert_int_equal(contour_graph_filter_new(&filter), CONTOUR_OK);
    /* An empty filter shows everything. */
    char *all = render(&f.g, CONTOUR_OUTPUT_TEXT);
    char *text = render_filtered(&f.g, CONTOUR_OUTPUT_TEXT, filter);
    assert_string_equal(all, text);
    free(text);
    free(all);

    assert_int_equal(contour_graph_filter_add_vhost(filter, "tcp.example.com", 15), CONTOUR_OK);
    text = render_filtered(&f.g, CONTOUR_OUTPUT_TEXT, filter);
    assert_string_equal(text, "listener ingress_https port 443\n"
                              "  vhost tcp.example.com: tls min 1.1, passthrough\n"
                              "    tcpproxy\n"
                              "      cluster default/tcp:443: weight 0\n"
                              "statuses: none\n"
                              "diagnostics: none\n");
    free(text);
    contour_graph_filter_free(filter);

    /* A namespace: team's routes, team's statuses, diagnostics about team's objects. */
    assert_int_equal(contour_graph_filter_new(&filter), CONTOUR_OK);
    assert_int_equal(contour_graph_filter_add_namespace(filter, "team", 4), CONTOUR_OK);
    text = render_filtered(&f.g, CONTOUR_OUTPUT_TEXT, filter);
    assert_non_null(strstr(text, "route prefix /api (IngressRoute team/api)"));
    assert_null(strstr(text, "IngressRoute default/root"));
    assert_null(strstr(text, "tcp.example.com"));
    assert_non_null(strstr(text, "  team/bad: invalid"));
    assert_null(strstr(text, "default/root: valid"));
    assert_null(strstr(text, "gone.yaml")); /* about no object */
    free(text);
    char *dot = render_filtered(&f.g, CONTOUR_OUTPUT_DOT, filter);
    assert_null(strstr(dot, "\"ir/default/root\" ["));
    assert_non_null(strstr(dot, "\"ir/team/bad\" [shape=box"));
    assert_dot_accepts(dot);
    free(dot);
    /* And a vhost: both must hold. */
    assert_int_equal(contour_graph_filter_add_vhost(filter, "example.com", 11), CONTOUR_OK);
    char *json = render_filtered(&f.g, CONTOUR_OUTPUT_JSON, filter);
    assert_non_null(strstr(json, "\"fqdn\": \"example.com\""));
    assert_null(strstr(json, "\"name\": \"root\""));
    free(json);

    /* Arguments. */
    assert_int_equal(contour_graph_filter_add_vhost(filter, "", 0), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_filter_add_vhost(filter, "\xff", 1), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_filter_add_namespace(NULL, "a", 1), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_filter_new(NULL), CONTOUR_ERR_INVALID);
    contour_buffer *b = (contour_buffer *)&f;
    assert_int_equal(contour_graph_render_filtered(&b, NULL, CONTOUR_OUTPUT_TEXT, filter),
                     CONTOUR_ERR_INVALID);
    assert_null(b);
    contour_graph_filter_free(filter);
    contour_graph_filter_free(NULL);
}

/* A vhost filter allocates (the objects it shows): every failure is reported, nothing
 * leaks. */
static void test_filtered_render_nomem(void **state)
{
    counting c = {0, 0, 0};
    cx_alloc alloc = {count_malloc, count_realloc, count_free, &c};
    fixture f;
    build_small(&f, &alloc);
    contour_graph_filter *filter = NULL;
    assert_int_equal(contour_graph_filter_new(&filter), CONTOUR_OK);
    assert_int_equal(contour_graph_filter_add_vhost(filter, "example.com", 11), CONTOUR_OK);
    long failures = 0;
    for (long n = 0; n < 1000; n++) {
        c = (counting){0, n, 0};
        contour_buffer *b = NULL;
        contour_result st = contour_graph_render_filtered(&b, &f.g, CONTOUR_OUTPUT_DOT, filter);
        if (st == CONTOUR_OK) {
            contour_buffer_free(b);
            assert_int_equal(c.live, 0);
            break;
        }
        assert_int_equal(st, CONTOUR_ERR_NOMEM);
        assert_int_equal(c.live, 0);
        failures++;
    }
    assert_true(failures >= 3);
    contour_graph_filter_free(filter);
}

/* Every quoted string of a DOT line, checked against Graphviz's 16,384-byte limit. */
static void assert_dot_strings_short(const char *dot)
{
    for (const char *p = dot; *p; p++) {
        if (*p != '"')
            continue;
        const char *start = ++p;
        while (*p && *p != '"')
            p += *p == '\\' ? 2 : 1;
        assert_true((size_t)(p - start) < 16384);
    }
}

/* Labels and tooltips are cut, at a character boundary and never inside an escape, and
 * marked; long names keep distinct ids. */
static void test_dot_long_text(void **state)
{
    fixture f;
    build_small(&f, &cx_default_alloc);
    size_t n = 40000;
    char *desc = malloc(n + 1), *name1 = malloc(n + 1), *name2 = malloc(n + 1);
    assert_true(desc && name1 && name2);
    for (size_t i = 0; i < n;) { /* é, U+202E, '&' and '"': multibyte, escaped, expanded */
        static const char unit[] = "\xc3\xa9\xe2\x80\xae&\"";
        size_t k = sizeof unit - 1 < n - i ? sizeof unit - 1 : n - i;
        memcpy(desc + i, unit, k);
        i += k;
    }
    desc[n] = '\0';
    memset(name1, 'x', n);
    name1[n] = '\0';
    memcpy(name2, name1, n + 1);
    name2[n - 1] = 'y'; /* differs only at the end */
    f.statuses[2].description = desc;
    f.statuses[3].name = name1;
    f.statuses[1].name = name2;
    f.root_edges[0].name = name2;
    f.api_edges[0].route = desc;
    char *dot = render(&f.g, CONTOUR_OUTPUT_DOT);
    assert_dot_lines_well_formed(dot);
    assert_dot_strings_short(dot);
    assert_non_null(strstr(dot, "\xe2\x80\xa6\"")); /* the cut, then the closing quote */
    /* Never half an escape or half a character before the cut. */
    for (const char *p = strstr(dot, "\xe2\x80\xa6"); p; p = strstr(p + 1, "\xe2\x80\xa6")) {
        assert_false(p[-1] == '\\');
        assert_true(((unsigned char)p[-1] & 0xC0) != 0xC0); /* no lead byte left alone */
        const char *q = p - 1;
        while (*q != '"' && *q != '\\' && q > dot)
            q--;
        if (*q == '\\' && q[1] == '\\') /* a Go escape: complete (\\u202e) */
            assert_true(p - q >= 7 || q[2] == 'n' || q[2] == '"' || q[2] == '\\');
    }
    /* Two long names that differ at the end keep distinct, bounded ids. */
    const char *a = strstr(dot, "\"ir/team/xxxxxxxx"), *b = strstr(dot, "\"ir/team/xxxx");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(strstr(dot, "%~"));
    assert_dot_accepts(dot);
    /* The JSON keeps every byte. */
    char *json = render(&f.g, CONTOUR_OUTPUT_JSON);
    assert_true(strlen(json) > 3 * n);
    free(json);
    free(dot);
    free(desc);
    free(name1);
    free(name2);
}

static void test_buffer_outlives_graph(void **state)
{
    counting c = {0, -1, 0};
    cx_alloc alloc = {count_malloc, count_realloc, count_free, &c};
    fixture *f = malloc(sizeof *f);
    assert_non_null(f);
    build_small(f, &alloc);
    contour_buffer *b = NULL;
    assert_int_equal(contour_graph_render(&b, &f->g, CONTOUR_OUTPUT_TEXT), CONTOUR_OK);
    memset(f, 0xA5, sizeof *f);
    free(f);
    assert_string_equal(contour_buffer_data(b), small_text);
    contour_buffer_free(b);
    assert_int_equal(c.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_small),
        cmocka_unit_test(test_text_empty),
        cmocka_unit_test(test_text_exact_and_no_clusters),
        cmocka_unit_test(test_text_hostile),
        cmocka_unit_test(test_dot_small),
        cmocka_unit_test(test_dot_tcpproxy),
        cmocka_unit_test(test_dot_unserved_root_and_empty),
        cmocka_unit_test(test_dot_hostile),
        cmocka_unit_test(test_dot_random_names),
        cmocka_unit_test(test_dot_ids_injective),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_render_invalid),
        cmocka_unit_test(test_render_nomem),
        cmocka_unit_test(test_buffer_outlives_graph),
        cmocka_unit_test(test_filtered_render),
        cmocka_unit_test(test_filtered_render_nomem),
        cmocka_unit_test(test_dot_long_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
