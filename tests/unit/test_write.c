/* The text and DOT writers and contour_graph_render(), on graphs made the way users make
 * them: manifests loaded into a snapshot (contour_snapshot_load_buffer) and resolved
 * (contour_resolve). Hostile names go through the loader too, so they are values it
 * accepts; what it refuses (raw bytes that are not UTF-8, raw control characters) is
 * tested as refused. */
#include "testutil.h"

#include "load_recorder.h" /* rec_buf, a growing string */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- building inputs ---- */

/* A JSON string literal: quotes, backslashes and control characters escaped, every other
 * byte as it is. */
static void put_json(rec_buf *b, const char *s)
{
    rec_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            rec_printf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            rec_printf(b, "\\u%04x", *p);
        else
            rec_putn(b, (const char *)p, 1);
    }
    rec_puts(b, "\"");
}

/* Documents joined into one YAML stream, in the given order. */
static char *join_docs(const char *const *docs, const size_t *order, size_t n)
{
    rec_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            rec_puts(&b, "---\n");
        rec_puts(&b, docs[order[i]]);
    }
    return b.s;
}

/* Tries to load "gone.yaml" from a fresh empty directory, so that the snapshot gets an
 * io-error about a file of that name. */
static void load_missing_file(contour_snapshot *s)
{
    char dir[] = "/tmp/test_write_XXXXXX";
    assert_non_null(mkdtemp(dir));
    int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(here >= 0);
    assert_int_equal(chdir(dir), 0);
    contour_result st = contour_snapshot_load_path(s, "gone.yaml", CONTOUR_FORMAT_AUTO);
    assert_int_equal(fchdir(here), 0);
    close(here);
    assert_int_equal(rmdir(dir), 0);
    assert_int_equal(st, CONTOUR_ERR_IO);
}

static contour_snapshot *new_snapshot(const contour_config *config)
{
    contour_snapshot *s = NULL;
    assert_int_equal(contour_snapshot_new(&s, config), CONTOUR_OK);
    return s;
}

static void load(contour_snapshot *s, const char *name, const char *text)
{
    assert_int_equal(contour_snapshot_load_buffer(s, name, strlen(name), text, strlen(text),
                                                  CONTOUR_FORMAT_AUTO),
                     CONTOUR_OK);
}

/* Resolves a snapshot and frees it: a graph stands on its own. */
static contour_graph *resolve_and_free(contour_snapshot *s)
{
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    assert_non_null(g);
    contour_snapshot_free(s);
    return g;
}

/* A graph of buffers (name, text pairs ending with a NULL name), loaded with default
 * settings. */
static contour_graph *resolve_inputs(const char *name, ...)
{
    contour_snapshot *s = new_snapshot(NULL);
    va_list ap;
    va_start(ap, name);
    for (; name; name = va_arg(ap, const char *))
        load(s, name, va_arg(ap, const char *));
    va_end(ap);
    return resolve_and_free(s);
}

/* ---- a small graph ----
 *
 * example.com (TLS, secret default/cert, min 1.2): default/root routes / to default/web
 * (timeout infinity) and delegates /api to team/api (every route option, two weighted
 * Services, one with a health check, h2c and limits from its annotations) and /bad to
 * team/bad (invalid: port 0 of a Service that is not in the input). tcp.example.com:
 * default/tcp-root proxies TCP (passthrough) to default/tcp. team/orphan delegates to an
 * IngressRoute that does not exist. Diagnostics: a file that cannot be read, an unknown
 * field, an Ingress of another class. */

static const char *const root_docs[] = {
    /* Kept first: its unknown field is reported at 7:3. */
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: root, namespace: default}\n"
    "spec:\n"
    "  virtualhost: {fqdn: example.com, tls: {secretName: cert, minimumProtocolVersion: "
    "\"1.2\"}}\n"
    "  # a typo the loader warns about:\n"
    "  x: 1\n"
    "  routes:\n"
    "  - match: /\n"
    "    timeoutPolicy: {request: infinity}\n"
    "    services: [{name: web, port: 80}]\n"
    "  - match: /api\n"
    "    delegate: {name: api, namespace: team}\n"
    "  - match: /bad\n"
    "    delegate: {name: bad, namespace: team}\n",

    "apiVersion: v1\n"
    "kind: Secret\n"
    "metadata: {name: cert, namespace: default}\n"
    "type: kubernetes.io/tls\n"
    "data: {tls.crt: Y2VydA==, tls.key: a2V5}\n",

    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: web, namespace: default}\n"
    "spec:\n"
    "  ports: [{port: 80}]\n",

    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: tcp-root, namespace: default}\n"
    "spec:\n"
    "  virtualhost:\n"
    "    fqdn: tcp.example.com\n"
    "    tls: {passthrough: true}\n"
    "  tcpproxy:\n"
    "    services: [{name: tcp, port: 443}]\n",

    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: tcp, namespace: default}\n"
    "spec:\n"
    "  ports: [{port: 443}]\n",
};

static const char *const team_docs[] = {
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: api, namespace: team}\n"
    "spec:\n"
    "  routes:\n"
    "  - match: /api\n"
    "    enableWebsockets: true\n"
    "    prefixRewrite: /\n"
    "    timeoutPolicy: {request: 1500ms}\n"
    "    retryPolicy: {count: 2, perTryTimeout: 250ms}\n"
    "    services:\n"
    "    - name: api\n"
    "      port: 8080\n"
    "      weight: 10\n"
    "      strategy: Random\n"
    "      healthCheck: {path: /healthz}\n"
    "    - {name: api-v2, port: 8080, weight: 90}\n",

    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: bad, namespace: team}\n"
    "spec:\n"
    "  routes:\n"
    "  - match: /bad\n"
    "    services: [{name: gone, port: 0}]\n",

    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: orphan, namespace: team}\n"
    "spec:\n"
    "  routes:\n"
    "  - match: /x\n"
    "    delegate: {name: nowhere}\n",

    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata:\n"
    "  name: api\n"
    "  namespace: team\n"
    "  annotations:\n"
    "    contour.heptio.com/upstream-protocol.h2c: http\n"
    "    contour.heptio.com/max-connections: \"100\"\n"
    "    contour.heptio.com/max-retries: \"3\"\n"
    "spec:\n"
    "  ports: [{name: http, port: 8080}]\n",

    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: api-v2, namespace: team}\n"
    "spec:\n"
    "  ports: [{port: 8080}]\n",

    /* Kept last: its ignored-class notice is reported at 58:46. */
    "apiVersion: networking.k8s.io/v1\n"
    "kind: Ingress\n"
    "metadata:\n"
    "  name: other\n"
    "  namespace: team\n"
    "  annotations: {kubernetes.io/ingress.class: other}\n"
    "spec:\n"
    "  defaultBackend: {service: {name: web, port: {number: 80}}}\n",
};

#define ROOT_DOCS (sizeof root_docs / sizeof root_docs[0])
#define TEAM_DOCS (sizeof team_docs / sizeof team_docs[0])

/* The small graph, allocating with config's allocator (NULL: libc's). `permuted` loads the
 * same objects in another order (the files the other way round, the documents of each
 * file shuffled, those with diagnostics kept at their lines). `extra`, when not NULL, is
 * loaded too, as "extra.yaml". */
static contour_graph *small_graph(const contour_config *config, bool permuted, const char *extra)
{
    static const size_t root_order[2][ROOT_DOCS] = {{0, 1, 2, 3, 4}, {0, 4, 2, 1, 3}};
    static const size_t team_order[2][TEAM_DOCS] = {{0, 1, 2, 3, 4, 5}, {4, 2, 0, 3, 1, 5}};
    char *root = join_docs(root_docs, root_order[permuted], ROOT_DOCS);
    char *team = join_docs(team_docs, team_order[permuted], TEAM_DOCS);
    contour_snapshot *s = new_snapshot(config);
    if (!permuted) {
        load_missing_file(s);
        load(s, "root.yaml", root);
        load(s, "team.yaml", team);
        if (extra)
            load(s, "extra.yaml", extra);
    } else {
        if (extra)
            load(s, "extra.yaml", extra);
        load(s, "team.yaml", team);
        load(s, "root.yaml", root);
        load_missing_file(s);
    }
    contour_graph *g = resolve_and_free(s);
    free(root);
    free(team);
    return g;
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

/* Asserts that a rendering holds no raw control character but its line ends. */
static void assert_no_raw_controls(const char *text)
{
    for (const char *p = text; *p; p++)
        assert_true(*p == '\n' || ((unsigned char)*p >= 0x20 && *p != 0x7f));
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
    "    route prefix / (IngressRoute default/root): timeout infinity\n"
    "      cluster default/web:80: weight 0\n"
    "  vhost tcp.example.com: tls min 1.1, passthrough\n"
    "    tcpproxy\n"
    "      cluster default/tcp:443: weight 0\n"
    "statuses\n"
    "  default/root: valid: valid IngressRoute [example.com]\n"
    "  default/tcp-root: valid: valid IngressRoute [tcp.example.com]\n"
    "  team/api: valid: valid IngressRoute [example.com]\n"
    "  team/bad: invalid: route \"/bad\": service \"gone\": port must be in the range 1-65535 "
    "[example.com]\n"
    "  team/orphan: orphaned: this IngressRoute is not part of a delegation chain from a root "
    "IngressRoute\n"
    "diagnostics\n"
    "  gone.yaml: error: cannot open: No such file or directory\n"
    "  root.yaml:7:3: warning: unknown field \"x\" in spec [default/root]\n"
    "  team.yaml:58:46: info: ignored because its ingress class \"other\" is not \"contour\" "
    "[team/other]\n";

static void test_text_small(void **state)
{
    contour_graph *g = small_graph(NULL, false, NULL);
    char *text = render(g, CONTOUR_OUTPUT_TEXT);
    assert_string_equal(text, small_text);
    free(text);
    contour_graph_free(g);
}

static void test_text_empty(void **state)
{
    contour_graph *g = resolve_inputs(NULL);
    char *text = render(g, CONTOUR_OUTPUT_TEXT);
    assert_string_equal(text, "listeners: none\nstatuses: none\ndiagnostics: none\n");
    free(text);
    contour_graph_free(g);
    /* Documents of kinds that are not modelled change nothing. */
    g = resolve_inputs("other.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n",
                       NULL);
    text = render(g, CONTOUR_OUTPUT_TEXT);
    assert_string_equal(text, "listeners: none\nstatuses: none\ndiagnostics: none\n");
    free(text);
    contour_graph_free(g);
}

/* An exact route (an Ingress's pathType Exact) and a route whose only Service is missing. */
static void test_text_exact_and_no_clusters(void **state)
{
    contour_graph *g = small_graph(
        NULL, false,
        "apiVersion: networking.k8s.io/v1\n"
        "kind: Ingress\n"
        "metadata:\n"
        "  name: exact\n"
        "  annotations:\n"
        "    ingress.kubernetes.io/force-ssl-redirect: \"true\"\n"
        "    contour.heptio.com/request-timeout: infinity\n"
        "spec:\n"
        "  rules:\n"
        "  - host: example.com\n"
        "    http:\n"
        "      paths:\n"
        "      - {path: /, pathType: Exact, backend: {service: {name: nothere, port: {number: "
        "80}}}}\n");
    char *text = render(g, CONTOUR_OUTPUT_TEXT);
    /* Exact routes come first; the Ingress has no TLS, so it is on ingress_http only. */
    assert_non_null(strstr(text, "  vhost example.com\n"
                                 "    route exact / (Ingress default/exact): "
                                 "\xe2\x86\x92 https, timeout infinity\n"
                                 "      (no clusters)\n"
                                 "    route prefix /api (IngressRoute team/api): "));
    assert_null(strstr(strstr(text, "listener ingress_https"), "route exact"));
    assert_non_null(strstr(text, "  extra.yaml:13:45: warning: Service default/nothere not "
                                 "found; path \"/\" has no cluster for it [default/exact]\n"));
    free(text);
    contour_graph_free(g);
}

/* Names that are not plain words are Go-quoted; prose keeps its text but escapes controls.
 * Kubernetes would refuse most of these names; the library takes names as given. */
static const char hostile_text_yaml[] =
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: \"a\\\"b\\\\c\\nd\", namespace: \"te am\"}\n"
    "spec:\n"
    "  virtualhost: {fqdn: dup.example}\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: \"line1\\nline2\\e[31m\"}\n"
    "spec:\n"
    "  virtualhost: {fqdn: dup.example}\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: root}\n"
    "spec:\n"
    "  virtualhost: {fqdn: \"caf\xc3\xa9.example\", tls: {secretName: \"te am/c\\nert\"}}\n"
    "  routes:\n"
    "  - match: \"/a\\\"b\\\\\\e[31m\"\n"
    "    services: [{name: web, port: 80}]\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: web}\n"
    "spec: {ports: [{port: 80}]}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Secret\n"
    "metadata: {name: \"c\\nert\", namespace: \"te am\"}\n"
    "data: {tls.crt: Y2VydA==, tls.key: a2V5}\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: TLSCertificateDelegation\n"
    "metadata: {name: d, namespace: \"te am\"}\n"
    "spec:\n"
    "  delegations: [{secretName: \"c\\nert\", targetNamespaces: [\"*\"]}]\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: \"x\\u202e\"}\n" /* U+202E RIGHT-TO-LEFT OVERRIDE */
    "spec:\n"
    "  y: 1\n"
    "  virtualhost: {fqdn: \"\"}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {namespace: nameless}\n";

static void test_text_hostile(void **state)
{
    contour_graph *g = resolve_inputs("dir/evil\nfile\x1b.yaml", hostile_text_yaml, NULL);
    char *text = render(g, CONTOUR_OUTPUT_TEXT);
    /* A rule-1 description names the objects as they are (Contour's text): the rendering
     * escapes its control characters, and quotes the names it shows itself. */
    static const char dup[] = ": invalid: fqdn \"dup.example\" is used in multiple IngressRoutes: "
                              "default/line1\\nline2\\x1b[31m, te am/a\"b\\c\\nd\n";
    char want[512];
    snprintf(want, sizeof want, "  \"te am\"/\"a\\\"b\\\\c\\nd\"%s", dup);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof want, "  default/\"line1\\nline2\\x1b[31m\"%s", dup);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "  default/\"x\\u202e\": invalid: Spec.VirtualHost.Fqdn must be "
                                 "specified\n"));
    assert_non_null(strstr(text, "  default/root: valid: valid IngressRoute "
                                 "[\"caf\xc3\xa9.example\"]\n"));
    assert_non_null(strstr(text, "listener ingress_http port 80\n"
                                 "  vhost \"caf\xc3\xa9.example\"\n"
                                 "    route prefix \"/a\\\"b\\\\\\x1b[31m\" (IngressRoute "
                                 "default/root): \xe2\x86\x92 https\n"));
    assert_non_null(strstr(text, "  vhost \"caf\xc3\xa9.example\": tls secret \"te am\"/"
                                 "\"c\\nert\", min 1.1\n"));
    /* The source name is prose: its controls are escaped. */
    assert_non_null(strstr(text, "  dir/evil\\nfile\\x1b.yaml:47:11: error: metadata.name must be "
                                 "specified\n"));
    assert_non_null(strstr(text, "  dir/evil\\nfile\\x1b.yaml:42:3: warning: unknown field \"y\" "
                                 "in spec [default/\"x\\u202e\"]\n"));
    /* Every line is ours: no raw control characters anywhere. */
    assert_no_raw_controls(text);
    free(text);
    contour_graph_free(g);
}

/* What the loader refuses never reaches a writer: a raw byte that is not UTF-8 or a raw
 * control character is an error and its document is left out; escaped control characters
 * (YAML's \x01, \e, ...) are accepted, and the writers escape them again. */
static void test_loader_refuses_raw_bytes(void **state)
{
    contour_graph *g = resolve_inputs("raw.yaml",
                                      "apiVersion: contour.heptio.com/v1beta1\n"
                                      "kind: IngressRoute\n"
                                      "metadata: {name: raw}\n"
                                      "spec:\n"
                                      "  virtualhost: {fqdn: \"caf\xff.example\"}\n"
                                      "---\n"
                                      "apiVersion: contour.heptio.com/v1beta1\n"
                                      "kind: IngressRoute\n"
                                      "metadata: {name: ctl}\n"
                                      "spec:\n"
                                      "  virtualhost: {fqdn: ctl.example}\n"
                                      "  routes:\n"
                                      "  - match: \"/a\x01"
                                      "b\"\n"
                                      "    services: [{name: web, port: 80}]\n"
                                      "---\n"
                                      "apiVersion: contour.heptio.com/v1beta1\n"
                                      "kind: IngressRoute\n"
                                      "metadata: {name: esc}\n"
                                      "spec:\n"
                                      "  virtualhost: {fqdn: \"e\\x01\\e\\x7f\\u0085\\u2028\"}\n"
                                      "  routes:\n"
                                      "  - match: \"/\\x01\\t\\r\\n\\x7f\\u00ad&\\\"\\\\\"\n"
                                      "    services: [{name: web, port: 80}]\n",
                                      NULL);
    assert_int_equal(contour_graph_status_count(g), 1);
    char *text = render(g, CONTOUR_OUTPUT_TEXT);
    assert_non_null(strstr(text, "  raw.yaml:5:27: error: invalid UTF-8 (byte 0xFF)\n"));
    assert_non_null(strstr(text, "  raw.yaml:13:15: error: control character U+0001 is not "
                                 "allowed in YAML\n"));
    assert_non_null(strstr(text, "  vhost \"e\\x01\\x1b\\x7f\\u0085\\u2028\"\n"
                                 "    route prefix \"/\\x01\\t\\r\\n\\x7f\\u00ad&\\\"\\\\\" "
                                 "(IngressRoute default/esc)\n"
                                 "      (no clusters)\n"));
    assert_no_raw_controls(text);
    free(text);
    char *dot = render(g, CONTOUR_OUTPUT_DOT);
    /* Ids percent-encode; labels show the Go escapes, with their backslashes escaped. */
    assert_non_null(strstr(dot, "  \"vhost/e%01%1B%7F%C2%85%E2%80%A8\" [shape=box, "
                                "style=\"rounded,filled\", fillcolor=lightblue, "
                                "label=\"\\\"e\\\\x01\\\\x1b\\\\x7f\\\\u0085\\\\u2028\\\"\", "
                                "tooltip=\"ingress_http port 80\"];\n"));
    assert_non_null(strstr(dot, "  \"ir/default/esc\" -> \"missing-svc/default/web\" "
                                "[label=\"\\\"/\\\\x01\\\\t\\\\r\\\\n\\\\x7f\\\\u00ad&amp;"
                                "\\\\\\\"\\\\\\\\\\\"\\nport 80\", style=dashed, color=grey50, "
                                "fontcolor=grey50];\n"));
    assert_no_raw_controls(dot);
    assert_dot_accepts(dot);
    free(dot);
    contour_graph_free(g);
}

/* ---- DOT ---- */

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
            assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
        }
        assert_false(in_string);
        if (*p)
            p++;
    }
}

static void test_dot_small(void **state)
{
    contour_graph *g = small_graph(NULL, false, NULL);
    char *dot = render(g, CONTOUR_OUTPUT_DOT);
    assert_dot_lines_well_formed(dot);
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
    assert_non_null(strstr(dot, "tooltip=\"ingress_http port 80\\ningress_https port 443, "
                                "secret default/cert\"];\n"));
    assert_non_null(strstr(dot, "tooltip=\"ingress_https port 443, passthrough, tcpproxy\"];\n"));
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
    assert_non_null(strstr(dot, "  \"vhost/tcp.example.com\" -> \"ir/default/tcp-root\";\n"));
    assert_non_null(strstr(dot, "  \"ir/default/root\" -> \"ir/team/api\" [label=\"/api\"];\n"));
    /* Service edges name the route and the port. */
    assert_non_null(strstr(dot, "  \"ir/default/root\" -> \"svc/default/web\" "
                                "[label=\"/\\nport 80\"];\n"));
    assert_non_null(strstr(dot, "  \"ir/team/api\" -> \"svc/team/api\" "
                                "[label=\"/api\\nport 8080\"];\n"));
    assert_non_null(strstr(dot, "  \"ir/team/api\" -> \"svc/team/api-v2\" "
                                "[label=\"/api\\nport 8080\"];\n"));
    assert_non_null(strstr(dot, "  \"ir/team/bad\" -> \"missing-svc/team/gone\" [label=\"/bad\\n"
                                "port 0\", style=dashed, color=grey50, fontcolor=grey50];\n"));
    assert_non_null(strstr(dot, "  \"ir/team/orphan\" -> \"missing-ir/team/nowhere\" "
                                "[label=\"/x\", style=dashed, color=red, fontcolor=red];\n"));
    /* Each service node once, though two listeners and two edges could name it. */
    const char *first = strstr(dot, "  \"svc/team/api\" [");
    assert_non_null(first);
    assert_null(strstr(first + 1, "  \"svc/team/api\" ["));
    first = strstr(dot, "  \"vhost/example.com\" [");
    assert_non_null(first);
    assert_null(strstr(first + 1, "  \"vhost/example.com\" ["));
    /* An Ingress of another class is not drawn. */
    assert_null(strstr(dot, "other"));
    assert_true(strcmp(dot + strlen(dot) - 2, "}\n") == 0);
    assert_dot_accepts(dot);
    free(dot);
    contour_graph_free(g);
}

/* tcpproxy edges are bold: to a Service, to a delegate, to a missing delegate, to a
 * Service that is not in the input. */
static void test_dot_tcpproxy(void **state)
{
    contour_graph *g = small_graph(NULL, false,
                                   "apiVersion: contour.heptio.com/v1beta1\n"
                                   "kind: IngressRoute\n"
                                   "metadata: {name: tcp-parent}\n"
                                   "spec:\n"
                                   "  virtualhost: {fqdn: tcp2.example.com, tls: {passthrough: "
                                   "true}}\n"
                                   "  tcpproxy: {delegate: {name: tcp-child}}\n"
                                   "---\n"
                                   "apiVersion: contour.heptio.com/v1beta1\n"
                                   "kind: IngressRoute\n"
                                   "metadata: {name: tcp-chain}\n"
                                   "spec:\n"
                                   "  virtualhost: {fqdn: tcp3.example.com, tls: {passthrough: "
                                   "true}}\n"
                                   "  tcpproxy: {delegate: {name: tcp-root}}\n"
                                   "---\n"
                                   "apiVersion: contour.heptio.com/v1beta1\n"
                                   "kind: IngressRoute\n"
                                   "metadata: {name: tcp-gone}\n"
                                   "spec:\n"
                                   "  virtualhost: {fqdn: tcp4.example.com, tls: {passthrough: "
                                   "true}}\n"
                                   "  tcpproxy: {services: [{name: nothere, port: 443}]}\n");
    char *dot = render(g, CONTOUR_OUTPUT_DOT);
    assert_dot_lines_well_formed(dot);
    assert_non_null(strstr(dot, "  \"vhost/tcp.example.com\" -> \"ir/default/tcp-root\";\n"));
    assert_non_null(strstr(dot, "  \"ir/default/tcp-root\" -> \"svc/default/tcp\" "
                                "[label=\"tcpproxy\\nport 443\", style=bold, color=blue, "
                                "fontcolor=blue];\n"));
    assert_non_null(strstr(dot, "  \"vhost/tcp2.example.com\" -> \"ir/default/tcp-parent\";\n"));
    assert_non_null(strstr(dot, "  \"ir/default/tcp-parent\" -> \"missing-ir/default/tcp-child\" "
                                "[label=\"tcpproxy\", style=\"bold,dashed\", color=red, "
                                "fontcolor=red];\n"));
    assert_non_null(strstr(dot, "  \"ir/default/tcp-chain\" -> \"ir/default/tcp-root\" "
                                "[label=\"tcpproxy\", style=bold, color=blue, "
                                "fontcolor=blue];\n"));
    assert_non_null(strstr(dot, "  \"ir/default/tcp-gone\" -> \"missing-svc/default/nothere\" "
                                "[label=\"tcpproxy\\nport 443\", style=\"bold,dashed\", "
                                "color=grey50, fontcolor=grey50];\n"));
    /* The chain proxies what its delegate does: served through both names. */
    assert_non_null(strstr(dot, "  \"vhost/tcp3.example.com\" [shape=box, "
                                "style=\"rounded,filled\", fillcolor=lightblue, "
                                "label=\"tcp3.example.com\\nTLS passthrough\", "
                                "tooltip=\"ingress_https port 443, passthrough, tcpproxy\"];\n"));
    /* Nothing proxied: no virtual host on a listener. */
    assert_non_null(strstr(dot, "  \"vhost/tcp2.example.com\" [shape=box, "
                                "style=\"rounded,filled\", fillcolor=lightblue, "
                                "label=\"tcp2.example.com\\n(not served)\", "
                                "tooltip=\"not served\"];\n"));
    assert_dot_accepts(dot);
    free(dot);
    contour_graph_free(g);
}

/* A root whose fqdn no listener serves (rejected for a duplicate fqdn) still gets a vhost
 * node; the empty graph is a valid digraph. */
static void test_dot_unserved_root_and_empty(void **state)
{
    contour_graph *g = small_graph(NULL, false,
                                   "apiVersion: contour.heptio.com/v1beta1\n"
                                   "kind: IngressRoute\n"
                                   "metadata: {name: dup1, namespace: team}\n"
                                   "spec:\n"
                                   "  virtualhost: {fqdn: dup.example.com}\n"
                                   "  routes: [{match: /, services: [{name: api, port: 8080}]}]\n"
                                   "---\n"
                                   "apiVersion: contour.heptio.com/v1beta1\n"
                                   "kind: IngressRoute\n"
                                   "metadata: {name: dup2, namespace: team}\n"
                                   "spec:\n"
                                   "  virtualhost: {fqdn: dup.example.com}\n"
                                   "  routes: [{match: /, services: [{name: api, port: 8080}]}]\n");
    char *dot = render(g, CONTOUR_OUTPUT_DOT);
    assert_non_null(strstr(dot, "  \"vhost/dup.example.com\" [shape=box, style=\"rounded,filled\", "
                                "fillcolor=lightblue, label=\"dup.example.com\\n(not served)\", "
                                "tooltip=\"not served\"];\n"));
    assert_non_null(strstr(dot, "  \"vhost/dup.example.com\" -> \"ir/team/dup1\";\n"));
    assert_non_null(strstr(dot, "  \"vhost/dup.example.com\" -> \"ir/team/dup2\";\n"));
    assert_non_null(strstr(dot, "  \"ir/team/dup1\" [shape=box, label=\"team/dup1\\ninvalid: fqdn "
                                "\\\"dup.example.com\\\" is used in multiple\\n"
                                "IngressRoutes: team/dup1, team/dup2\""));
    assert_dot_accepts(dot);
    free(dot);
    contour_graph_free(g);

    g = resolve_inputs(NULL);
    dot = render(g, CONTOUR_OUTPUT_DOT);
    assert_string_equal(dot, "digraph contour {\n"
                             "  graph [rankdir=LR, fontname=\"sans-serif\"];\n"
                             "  node [fontname=\"sans-serif\", fontsize=10];\n"
                             "  edge [fontname=\"sans-serif\", fontsize=9];\n"
                             "  // virtual hosts\n"
                             "  // IngressRoutes\n"
                             "  // Services and missing targets\n"
                             "  // roots\n"
                             "  // delegations and services\n"
                             "}\n");
    assert_dot_accepts(dot);
    free(dot);
    contour_graph_free(g);
}

/* Hostile names, fqdns and paths, as the loader takes them. */
static const char hostile_dot_yaml[] =
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: root, namespace: default}\n"
    "spec:\n"
    "  virtualhost: {fqdn: example.com}\n"
    "  routes:\n"
    "  - match: \"/a\\\"b\\\\\"\n"
    "    delegate: {name: \"we\\\"ird\\\\na\\nme<{x}>|\xc3\xa9&amp;\\\\\", namespace: "
    "\"n/s%\\\"\"}\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: \"we\\\"ird\\\\na\\nme<{x}>|\xc3\xa9&amp;\\\\\", namespace: \"n/s%\\\"\"}\n"
    "spec:\n"
    "  routes:\n"
    "  - match: \"/a\\\"b\\\\\"\n"
    "    services: [{name: web, port: 80}]\n"
    "---\n"
    /* Contour's duplicate-fqdn text names the objects as they are: prose with a newline. */
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: \"\\\"x\\\"\", namespace: \"bad\\n<b>\"}\n"
    "spec:\n"
    "  virtualhost: {fqdn: dup.example.com}\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: dup, namespace: default}\n"
    "spec:\n"
    "  virtualhost: {fqdn: dup.example.com}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: \"\\u202e\", namespace: \"\\t\"}\n"
    "spec: {ports: [{port: 80}]}\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: svc-user, namespace: \"\\t\"}\n"
    "spec:\n"
    "  routes:\n"
    "  - match: /\n"
    "    services: [{name: \"\\u202e\", port: 80}]\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: tcp, namespace: default}\n"
    "spec: {ports: [{port: 443}]}\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: tcp, namespace: default}\n"
    "spec:\n"
    "  virtualhost: {fqdn: \"tcp\\\".example.com\\\\\", tls: {passthrough: true}}\n"
    "  tcpproxy: {services: [{name: tcp, port: 443}]}\n";

static void test_dot_hostile(void **state)
{
    contour_graph *g = resolve_inputs("hostile.yaml", hostile_dot_yaml, NULL);
    assert_int_equal(contour_graph_status_count(g), 6);
    char *dot = render(g, CONTOUR_OUTPUT_DOT);
    assert_dot_lines_well_formed(dot);
    /* Ids: percent-encoded, nothing to escape. Labels: Go-quoted names, then DOT escapes. */
    const char *id = "\"ir/n%2Fs%25%22/we%22ird%5Cna%0Ame<{x}>|\xc3\xa9%26amp;%5C\"";
    const char *label = "label=\"\\\"n/s%\\\\\\\"\\\"/"
                        "\\\"we\\\\\\\"ird\\\\\\\\na\\\\nme<{x}>|\xc3\xa9&amp;amp;\\\\\\\\\\\"\"";
    char want[512];
    snprintf(want, sizeof want, "  %s [shape=box, %s, tooltip=\"valid IngressRoute\"];\n", id,
             label);
    assert_non_null(strstr(dot, want));
    snprintf(want, sizeof want,
             "  \"ir/default/root\" -> %s [label=\"\\\"/a\\\\\\\"b\\\\\\\\\\\"\"];\n", id);
    assert_non_null(strstr(dot, want));
    snprintf(want, sizeof want,
             "  %s -> \"missing-svc/n%%2Fs%%25%%22/web\" [label=\"\\\"/a\\\\\\\"b\\\\\\\\\\\"\\n"
             "port 80\", style=dashed",
             id);
    assert_non_null(strstr(dot, want));
    /* Prose: the description's newline is a Go escape, its quotes DOT-escaped. */
    assert_non_null(strstr(dot, "  \"ir/bad%0A<b>/%22x%22\" [shape=box, "
                                "label=\"\\\"bad\\\\n<b>\\\"/\\\"\\\\\\\"x\\\\\\\"\\\"\\ninvalid: "
                                "fqdn \\\"dup.example.com\\\" is used in multiple\\n"
                                "IngressRoutes: bad\\\\n<b>/\\\"x\\\", default/dup\", "
                                "tooltip=\"fqdn \\\"dup.example.com\\\" is used in multiple "
                                "IngressRoutes: bad\\\\n<b>/\\\"x\\\", default/dup\", color=red"));
    assert_non_null(strstr(dot, "  \"svc/%09/%E2%80%AE\" [shape=ellipse, "
                                "label=\"\\\"\\\\t\\\"/\\\"\\\\u202e\\\"\""));
    assert_non_null(strstr(dot, "  \"ir/%09/svc-user\" -> \"svc/%09/%E2%80%AE\" "
                                "[label=\"/\\nport 80\"];\n"));
    assert_non_null(strstr(dot, "  \"vhost/tcp%22.example.com%5C\" [shape=box, "
                                "style=\"rounded,filled\", fillcolor=lightblue, "
                                "label=\"\\\"tcp\\\\\\\".example.com\\\\\\\\\\\"\\nTLS "
                                "passthrough\""));
    assert_non_null(strstr(dot, "  \"vhost/tcp%22.example.com%5C\" -> \"ir/default/tcp\";\n"));
    assert_dot_accepts(dot);
    free(dot);
    char *text = render(g, CONTOUR_OUTPUT_TEXT);
    assert_no_raw_controls(text);
    free(text);
    contour_graph_free(g);
}

/* Random names over an alphabet of troublemakers, loaded as JSON: the output stays
 * well-formed, Graphviz accepts it, and distinct objects keep distinct node ids. */
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
    /* Object i refers to object i + 1 (or to a name that does not exist, every third): by
     * a route delegate, a route Service, a tcpproxy delegate or a tcpproxy Service in turn;
     * every fifth is a root whose fqdn is its namespace. */
    rec_buf m = {0};
    size_t services = 0;
    rec_puts(&m, "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n");
    for (size_t i = 0; i < N; i++) {
        const char *ns = names[i][0], *name = names[i][1];
        const char *next_ns = names[(i + 1) % N][0], *next = names[(i + 1) % N][1];
        char target[80];
        snprintf(target, sizeof target, "%s%s", next, i % 3 == 0 ? "?" : "");
        int type = (int)(i % 4);
        if (i)
            rec_puts(&m, ",\n");
        rec_puts(&m, "{\"apiVersion\": \"contour.heptio.com/v1beta1\", \"kind\": \"IngressRoute\", "
                     "\"metadata\": {\"namespace\": ");
        put_json(&m, ns);
        rec_puts(&m, ", \"name\": ");
        put_json(&m, name);
        rec_puts(&m, "}, \"spec\": {");
        if (i % 5 == 0) {
            rec_puts(&m, "\"virtualhost\": {\"fqdn\": ");
            put_json(&m, ns);
            rec_puts(&m, type >= 2 ? ", \"tls\": {\"passthrough\": true}}, " : "}, ");
        }
        if (type == 0 || type == 2) {
            rec_puts(&m, type == 0 ? "\"routes\": [{\"match\": " : "\"tcpproxy\": {");
            if (type == 0) {
                put_json(&m, name);
                rec_puts(&m, ", ");
            }
            rec_puts(&m, "\"delegate\": {\"namespace\": ");
            put_json(&m, next_ns);
            rec_puts(&m, ", \"name\": ");
            put_json(&m, target);
            rec_puts(&m, type == 0 ? "}}]}}" : "}}}}");
        } else {
            rec_puts(&m, type == 1 ? "\"routes\": [{\"match\": " : "\"tcpproxy\": {");
            if (type == 1) {
                put_json(&m, name);
                rec_puts(&m, ", ");
            }
            rec_puts(&m, "\"services\": [{\"name\": ");
            put_json(&m, target);
            rec_puts(&m, type == 1 ? ", \"port\": 80}]}]}}" : ", \"port\": 443}]}}}");
            if (i % 3 != 0) {
                rec_puts(&m, ",\n{\"apiVersion\": \"v1\", \"kind\": \"Service\", "
                             "\"metadata\": {\"namespace\": ");
                put_json(&m, ns);
                rec_puts(&m, ", \"name\": ");
                put_json(&m, target);
                rec_puts(&m, type == 1 ? "}, \"spec\": {\"ports\": [{\"port\": 80}]}}"
                                       : "}, \"spec\": {\"ports\": [{\"port\": 443}]}}");
                services++;
            }
        }
    }
    rec_puts(&m, "\n]}\n");
    contour_graph *g = resolve_inputs("random.json", m.s, NULL);
    free(m.s);
    /* The loader took every name. */
    assert_int_equal(contour_graph_status_count(g), N);
    assert_int_equal(contour_graph_diagnostic_count_by_severity(g, CONTOUR_SEVERITY_ERROR), 0);
    assert_true(services > 0);

    char *dot = render(g, CONTOUR_OUTPUT_DOT);
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
    /* Every kind of edge was drawn. */
    assert_non_null(strstr(dot, "\" -> \"svc/"));
    assert_non_null(strstr(dot, "\" -> \"missing-svc/"));
    assert_non_null(strstr(dot, "\" -> \"missing-ir/"));
    assert_non_null(strstr(dot, "\" -> \"ir/"));
    assert_non_null(strstr(dot, "[label=\"tcpproxy"));
    assert_dot_accepts(dot);
    free(dot);
    char *text = render(g, CONTOUR_OUTPUT_TEXT);
    assert_no_raw_controls(text);
    free(text);
    contour_graph_free(g);
}

/* Names that a naive "ns/name" id would merge get distinct ids. */
static void test_dot_ids_injective(void **state)
{
    contour_graph *g = resolve_inputs("ids.yaml",
                                      "apiVersion: contour.heptio.com/v1beta1\n"
                                      "kind: IngressRoute\n"
                                      "metadata: {namespace: a/b, name: c}\n"
                                      "---\n"
                                      "apiVersion: contour.heptio.com/v1beta1\n"
                                      "kind: IngressRoute\n"
                                      "metadata: {namespace: a, name: b/c}\n"
                                      "---\n"
                                      "apiVersion: contour.heptio.com/v1beta1\n"
                                      "kind: IngressRoute\n"
                                      "metadata: {namespace: a%2Fb, name: c}\n"
                                      "---\n"
                                      "apiVersion: contour.heptio.com/v1beta1\n"
                                      "kind: IngressRoute\n"
                                      "metadata: {namespace: a, name: b%2Fc}\n",
                                      NULL);
    assert_int_equal(contour_graph_status_count(g), 4);
    char *dot = render(g, CONTOUR_OUTPUT_DOT);
    assert_non_null(strstr(dot, "  \"ir/a%2Fb/c\" [shape=box"));
    assert_non_null(strstr(dot, "  \"ir/a/b%2Fc\" [shape=box"));
    assert_non_null(strstr(dot, "  \"ir/a%252Fb/c\" [shape=box"));
    assert_non_null(strstr(dot, "  \"ir/a/b%252Fc\" [shape=box"));
    assert_dot_accepts(dot);
    free(dot);
    contour_graph_free(g);
}

/* ---- determinism ---- */

static void test_deterministic(void **state)
{
    static const contour_output_format formats[] = {CONTOUR_OUTPUT_TEXT, CONTOUR_OUTPUT_DOT,
                                                    CONTOUR_OUTPUT_JSON};
    contour_graph *a = small_graph(NULL, false, NULL);
    contour_graph *b = small_graph(NULL, true, NULL);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        /* The same graph twice, and the same objects loaded in another order. */
        char *x = render(a, formats[i]);
        char *y = render(a, formats[i]);
        char *z = render(b, formats[i]);
        assert_string_equal(x, y);
        assert_string_equal(x, z);
        if (formats[i] == CONTOUR_OUTPUT_TEXT)
            assert_string_equal(x, small_text);
        free(x);
        free(y);
        free(z);
    }
    contour_graph_free(a);
    contour_graph_free(b);
}

/* ---- the render API ---- */

static void test_render_invalid(void **state)
{
    contour_graph *g = small_graph(NULL, false, NULL);
    contour_buffer *b = (contour_buffer *)g; /* must be reset to NULL */
    assert_int_equal(contour_graph_render(NULL, g, CONTOUR_OUTPUT_TEXT), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_render(&b, NULL, CONTOUR_OUTPUT_TEXT), CONTOUR_ERR_INVALID);
    assert_null(b);
    b = (contour_buffer *)g;
    assert_int_equal(contour_graph_render(&b, g, (contour_output_format)99), CONTOUR_ERR_INVALID);
    assert_null(b);
    assert_int_equal(contour_graph_render(&b, g, (contour_output_format)-1), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_render_filtered(NULL, g, CONTOUR_OUTPUT_TEXT, NULL),
                     CONTOUR_ERR_INVALID);
    assert_null(contour_buffer_data(NULL));
    assert_int_equal(contour_buffer_size(NULL), 0);
    contour_buffer_free(NULL);
    contour_graph_free(g);
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

/* A config whose snapshots, graphs and buffers allocate through c. */
static contour_config *counting_config(counting *c)
{
    contour_config *cfg = NULL;
    assert_int_equal(contour_config_new(&cfg), CONTOUR_OK);
    assert_int_equal(contour_config_set_allocator(cfg, count_malloc, count_realloc, count_free, c),
                     CONTOUR_OK);
    return cfg;
}

static void test_render_nomem(void **state)
{
    static const contour_output_format formats[] = {CONTOUR_OUTPUT_TEXT, CONTOUR_OUTPUT_DOT,
                                                    CONTOUR_OUTPUT_JSON};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        counting c = {0, -1, 0};
        contour_config *cfg = counting_config(&c);
        contour_graph *g = small_graph(cfg, false, NULL);
        const long held = c.live; /* the graph's */
        assert_true(held > 0);
        long failures = 0;
        for (long n = 0; n < 1000; n++) {
            c.calls = 0;
            c.fail_at = n;
            contour_buffer *b = (contour_buffer *)g;
            contour_result st = contour_graph_render(&b, g, formats[i]);
            if (st == CONTOUR_OK) {
                assert_non_null(b);
                assert_true(c.live > held);
                contour_buffer_free(b);
                assert_int_equal(c.live, held);
                break;
            }
            assert_int_equal(st, CONTOUR_ERR_NOMEM);
            assert_null(b);
            assert_int_equal(c.live, held);
            failures++;
        }
        assert_true(failures >= 2);
        print_message("render format %d: %ld allocation failure points\n", (int)formats[i],
                      failures);
        /* The output with a working custom allocator is the same as with libc's. */
        c.fail_at = -1;
        char *x = render(g, formats[i]);
        contour_graph *plain = small_graph(NULL, false, NULL);
        char *y = render(plain, formats[i]);
        assert_string_equal(x, y);
        free(x);
        free(y);
        contour_graph_free(plain);
        contour_graph_free(g);
        contour_config_free(cfg);
        assert_int_equal(c.live, 0);
    }
}

/* A buffer outlives its graph (and the snapshot and config it came from): it carries its
 * own copy of the allocator. */
static void test_buffer_outlives_graph(void **state)
{
    counting c = {0, -1, 0};
    contour_config *cfg = counting_config(&c);
    contour_graph *g = small_graph(cfg, false, NULL);
    contour_buffer *b = NULL;
    assert_int_equal(contour_graph_render(&b, g, CONTOUR_OUTPUT_TEXT), CONTOUR_OK);
    contour_graph_free(g);
    contour_config_free(cfg);
    assert_true(c.live > 0);
    assert_string_equal(contour_buffer_data(b), small_text);
    assert_int_equal(contour_buffer_size(b), sizeof small_text - 1);
    contour_buffer_free(b);
    assert_int_equal(c.live, 0);
}

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
 * default/root and team/api, tcp.example.com is a tcpproxy of default/tcp-root to
 * default/tcp. */
static void test_filtered_render(void **state)
{
    contour_graph *g = small_graph(NULL, false, NULL);
    contour_graph_filter *filter = NULL;
    assert_int_equal(contour_graph_filter_new(&filter), CONTOUR_OK);
    /* An empty filter shows everything, as does none. */
    char *text = render_filtered(g, CONTOUR_OUTPUT_TEXT, filter);
    assert_string_equal(text, small_text);
    free(text);
    text = render_filtered(g, CONTOUR_OUTPUT_TEXT, NULL);
    assert_string_equal(text, small_text);
    free(text);

    assert_int_equal(contour_graph_filter_add_vhost(filter, "tcp.example.com", 15), CONTOUR_OK);
    text = render_filtered(g, CONTOUR_OUTPUT_TEXT, filter);
    assert_string_equal(text, "listener ingress_https port 443\n"
                              "  vhost tcp.example.com: tls min 1.1, passthrough\n"
                              "    tcpproxy\n"
                              "      cluster default/tcp:443: weight 0\n"
                              "statuses\n"
                              "  default/tcp-root: valid: valid IngressRoute [tcp.example.com]\n"
                              "diagnostics: none\n");
    free(text);
    contour_graph_filter_free(filter);

    /* A namespace: team's routes, team's statuses, diagnostics about team's objects. */
    assert_int_equal(contour_graph_filter_new(&filter), CONTOUR_OK);
    assert_int_equal(contour_graph_filter_add_namespace(filter, "team", 4), CONTOUR_OK);
    text = render_filtered(g, CONTOUR_OUTPUT_TEXT, filter);
    assert_non_null(strstr(text, "route prefix /api (IngressRoute team/api)"));
    assert_null(strstr(text, "IngressRoute default/root"));
    assert_null(strstr(text, "tcp.example.com"));
    assert_non_null(strstr(text, "  team/bad: invalid"));
    assert_null(strstr(text, "default/root: valid"));
    assert_null(strstr(text, "gone.yaml"));                 /* about no object */
    assert_null(strstr(text, "unknown field"));             /* about default/root */
    assert_non_null(strstr(text, "info: ignored because")); /* about team/other */
    free(text);
    char *dot = render_filtered(g, CONTOUR_OUTPUT_DOT, filter);
    assert_dot_lines_well_formed(dot);
    assert_null(strstr(dot, "\"ir/default/root\" ["));
    assert_non_null(strstr(dot, "\"ir/team/bad\" [shape=box"));
    assert_dot_accepts(dot);
    free(dot);
    /* And a vhost: both must hold. */
    assert_int_equal(contour_graph_filter_add_vhost(filter, "example.com", 11), CONTOUR_OK);
    char *json = render_filtered(g, CONTOUR_OUTPUT_JSON, filter);
    assert_non_null(strstr(json, "\"fqdn\": \"example.com\""));
    assert_null(strstr(json, "\"name\": \"root\""));
    assert_null(strstr(json, "tcp.example.com"));
    free(json);

    /* Arguments. */
    assert_int_equal(contour_graph_filter_add_vhost(filter, "", 0), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_filter_add_vhost(filter, "\xff", 1), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_filter_add_namespace(NULL, "a", 1), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_filter_new(NULL), CONTOUR_ERR_INVALID);
    contour_buffer *b = (contour_buffer *)g;
    assert_int_equal(contour_graph_render_filtered(&b, NULL, CONTOUR_OUTPUT_TEXT, filter),
                     CONTOUR_ERR_INVALID);
    assert_null(b);
    contour_graph_filter_free(filter);
    contour_graph_filter_free(NULL);
    contour_graph_free(g);
}

/* A vhost filter allocates (the objects it shows): every failure is reported, nothing
 * leaks. */
static void test_filtered_render_nomem(void **state)
{
    counting c = {0, -1, 0};
    contour_config *cfg = counting_config(&c);
    contour_graph *g = small_graph(cfg, false, NULL);
    const long held = c.live;
    contour_graph_filter *filter = NULL;
    assert_int_equal(contour_graph_filter_new(&filter), CONTOUR_OK);
    assert_int_equal(contour_graph_filter_add_vhost(filter, "example.com", 11), CONTOUR_OK);
    long failures = 0;
    for (long n = 0; n < 1000; n++) {
        c.calls = 0;
        c.fail_at = n;
        contour_buffer *b = NULL;
        contour_result st = contour_graph_render_filtered(&b, g, CONTOUR_OUTPUT_DOT, filter);
        if (st == CONTOUR_OK) {
            contour_buffer_free(b);
            assert_int_equal(c.live, held);
            break;
        }
        assert_int_equal(st, CONTOUR_ERR_NOMEM);
        assert_null(b);
        assert_int_equal(c.live, held);
        failures++;
    }
    assert_true(failures >= 3);
    contour_graph_filter_free(filter);
    contour_graph_free(g);
    contour_config_free(cfg);
    assert_int_equal(c.live, 0);
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
 * marked; long names keep distinct ids. The long texts come from the loader: a route
 * match (quoted in team/bad's description and labelling team/api's service edge), and two
 * names that differ only at the end (team/api's delegate, and an orphan). */
static void test_dot_long_text(void **state)
{
    size_t n = 40000;
    char *desc = malloc(n + 1), *name1 = malloc(n + 1), *name2 = malloc(n + 1);
    assert_true(desc && name1 && name2);
    for (size_t i = 0; i < n;) { /* é, U+202E, '&' and '"': multibyte, escaped, expanded */
        static const char unit[] = "\xc3\xa9\xe2\x80\xae&\"";
        size_t k = sizeof unit - 1 < n - i ? sizeof unit - 1 : n - i;
        memcpy(desc + i, unit, k);
        i += k;
    }
    desc[n] = '\0'; /* the last unit cut after its é: still UTF-8 */
    memset(name1, 'x', n);
    name1[n] = '\0';
    memcpy(name2, name1, n + 1);
    name2[n - 1] = 'y'; /* differs only at the end */

    rec_buf m = {0};
    rec_puts(&m, "{\"kind\": \"List\", \"apiVersion\": \"v1\", \"items\": [\n"
                 "{\"apiVersion\": \"contour.heptio.com/v1beta1\", \"kind\": \"IngressRoute\", "
                 "\"metadata\": {\"namespace\": \"default\", \"name\": \"root\"}, \"spec\": {"
                 "\"virtualhost\": {\"fqdn\": \"example.com\"}, \"routes\": ["
                 "{\"match\": \"/api\", \"delegate\": {\"namespace\": \"team\", \"name\": ");
    put_json(&m, name2);
    rec_puts(&m, "}}, {\"match\": \"/bad\", \"delegate\": {\"namespace\": \"team\", "
                 "\"name\": \"bad\"}}]}},\n"
                 "{\"apiVersion\": \"contour.heptio.com/v1beta1\", \"kind\": \"IngressRoute\", "
                 "\"metadata\": {\"namespace\": \"team\", \"name\": ");
    put_json(&m, name2);
    rec_puts(&m, "}, \"spec\": {\"routes\": [{\"match\": ");
    rec_buf match = {0};
    rec_puts(&match, "/api/");
    rec_puts(&match, desc);
    put_json(&m, match.s);
    rec_puts(&m, ", \"services\": [{\"name\": \"api\", \"port\": 8080}]}]}},\n"
                 "{\"apiVersion\": \"contour.heptio.com/v1beta1\", \"kind\": \"IngressRoute\", "
                 "\"metadata\": {\"namespace\": \"team\", \"name\": \"bad\"}, \"spec\": {"
                 "\"routes\": [{\"match\": ");
    match.len = 0;
    rec_puts(&match, "/bad/");
    rec_puts(&match, desc);
    put_json(&m, match.s);
    rec_puts(&m, ", \"services\": [{\"name\": \"gone\", \"port\": 0}]}]}},\n"
                 "{\"apiVersion\": \"contour.heptio.com/v1beta1\", \"kind\": \"IngressRoute\", "
                 "\"metadata\": {\"namespace\": \"team\", \"name\": ");
    put_json(&m, name1);
    rec_puts(&m, "}, \"spec\": {}},\n"
                 "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"namespace\": "
                 "\"team\", \"name\": \"api\"}, \"spec\": {\"ports\": [{\"port\": 8080}]}}\n"
                 "]}\n");
    free(match.s);
    contour_graph *g = resolve_inputs("long.json", m.s, NULL);
    free(m.s);
    assert_int_equal(contour_graph_status_count(g), 4);
    assert_int_equal(contour_graph_diagnostic_count(g), 0);

    char *dot = render(g, CONTOUR_OUTPUT_DOT);
    assert_dot_lines_well_formed(dot);
    assert_dot_strings_short(dot);
    assert_non_null(strstr(dot, "\xe2\x80\xa6\"")); /* the cut, then the closing quote */
    /* Every cut is at a character boundary, after whole DOT escapes, and ends its string:
     * team/bad's label and tooltip, team/api's and the orphan's labels, and the labels of
     * the edges of the two long routes. */
    size_t cuts = 0;
    for (const char *p = strstr(dot, "\xe2\x80\xa6"); p; p = strstr(p + 1, "\xe2\x80\xa6")) {
        cuts++;
        assert_true(((unsigned char)p[-1] & 0xC0) != 0xC0); /* no lead byte left alone */
        size_t backslashes = 0;
        while (p - backslashes > dot && p[-1 - (ptrdiff_t)backslashes] == '\\')
            backslashes++;
        assert_true(backslashes % 2 == 0); /* no half "\\" or "\\\"" */
        assert_int_equal(p[3], '"');
    }
    assert_int_equal(cuts, 6);
    /* Where the writer Go-quotes a value itself (a path that is not a plain token), each of
     * its escapes is whole before the cut: the label ends with a whole unit of the path. */
    const char *edge = strstr(dot, " -> \"svc/team/api\" [label=\"\\\"/api/\xc3\xa9");
    assert_non_null(edge);
    const char *cut = strstr(edge, "\xe2\x80\xa6");
    assert_true(cut && cut < strchr(edge, '\n'));
    static const char *const unit_ends[] = {"\xc3\xa9", "\\\\u202e", "&amp;", "\\\\\\\""};
    bool whole = false;
    for (size_t k = 0; k < sizeof unit_ends / sizeof unit_ends[0]; k++) {
        size_t len = strlen(unit_ends[k]);
        whole = whole || memcmp(cut - len, unit_ends[k], len) == 0;
    }
    assert_true(whole);
    /* Two long names that differ at the end keep distinct, bounded ids. */
    const char *a = strstr(dot, "\n  \"ir/team/xxxxxxxx");
    assert_non_null(a);
    const char *b = strstr(a + 1, "\n  \"ir/team/xxxxxxxx");
    assert_non_null(b);
    const char *a_end = strchr(a + 4, '"'), *b_end = strchr(b + 4, '"');
    assert_true(a_end - a < 1024 && b_end - b < 1024);
    assert_false(a_end - a == b_end - b && memcmp(a, b, (size_t)(a_end - a)) == 0);
    assert_non_null(strstr(dot, "%~"));
    assert_dot_accepts(dot);
    /* The JSON keeps every byte. */
    char *json = render(g, CONTOUR_OUTPUT_JSON);
    assert_true(strlen(json) > 3 * n);
    free(json);
    free(dot);
    free(desc);
    free(name1);
    free(name2);
    contour_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_small),
        cmocka_unit_test(test_text_empty),
        cmocka_unit_test(test_text_exact_and_no_clusters),
        cmocka_unit_test(test_text_hostile),
        cmocka_unit_test(test_loader_refuses_raw_bytes),
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
