/* contour_diff_graphs() and its renderings, black box through the public API: a table of
 * changes (old manifests, new manifests, the exact diff JSON and text); every accessor;
 * NULL and invalid arguments; a diff outliving its graphs; contour_diff_write() in pieces
 * and stopped by its callback; the diff of a graph and its incremental update against the
 * diff of two full resolutions, and the diff one way against the other, over the golden
 * cases' inputs; CONTOUR_LIMIT_ROUTES; listener ports; allocation failure at every point.
 * The command line (contourc diff) and a reference diff computed from the graphs' JSON are
 * tests/cli/test_diff.py's. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- manifests ---- */

/* Two Services, a root (a.example.com over TLS: / to web, /api delegated to child), the
 * child, an Ingress (c.example.com) and, last so that removing it moves no line, the TLS
 * Secret. */
#define SVCS                                                                                       \
    "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"                   \
    "spec: {ports: [{port: 80}, {port: 8080}]}\n"                                                  \
    "---\n"                                                                                        \
    "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: default}\n"                   \
    "spec: {ports: [{port: 80}]}\n"
#define ROOT(meta, vh, routes)                                                                     \
    "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"                            \
    "metadata: {name: root, namespace: default" meta "}\n"                                         \
    "spec:\n  virtualhost: {fqdn: a.example.com" vh "}\n  routes:\n" routes
#define TLS      ", tls: {secretName: cert}"
#define R_WEB(w) "  - match: /\n    services: [{name: web, port: 80, weight: " #w "}]\n"
#define R_API    "  - match: /api\n    delegate: {name: child}\n"
#define CHILD(routes)                                                                              \
    "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"                            \
    "metadata: {name: child, namespace: default}\nspec:\n  routes:\n" routes
#define C_API "  - match: /api\n    services: [{name: api, port: 80}]\n"
#define ING(paths)                                                                                 \
    "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"                                       \
    "metadata: {name: legacy, namespace: default}\nspec:\n  rules:\n  - host: c.example.com\n"     \
    "    http:\n      paths:\n" paths
#define ING_PATH(type, path)                                                                       \
    "      - {path: " path ", pathType: " type                                                     \
    ", backend: {service: {name: web, port: {number: 80}}}}\n"
#define SECRET                                                                                     \
    "---\napiVersion: v1\nkind: Secret\nmetadata: {name: cert, namespace: default}\n"              \
    "type: kubernetes.io/tls\ndata: {tls.crt: eA==, tls.key: eA==}\n"

#define BASE_ROOT ROOT("", TLS, R_WEB(10) R_API)
#define BASE_ING  ING(ING_PATH("Prefix", "/"))
#define BASE                                                                                       \
    SVCS BASE_ROOT CHILD(C_API)                                                                    \
    BASE_ING SECRET

/* ---- the expected JSON, written with ' for " (no data here has a ') ---- */

#define DIFF(vhosts, statuses, added, resolved)                                                    \
    "{'virtualhosts':[" vhosts "],'statuses':[" statuses "],'diagnostics':{'added':[" added        \
    "],'resolved':[" resolved "]}}"
#define EMPTY DIFF("", "", "", "")
#define VH(listener, port, fqdn, change, tls_changed, sides, routes)                               \
    "{'listener':'" listener "','port':" #port ",'fqdn':'" fqdn "','change':'" change              \
    "','tls_changed':" tls_changed sides ",'routes':[" routes "]}"
#define HTTP(fqdn, change, routes)      VH("ingress_http", 80, fqdn, change, "false", "", routes)
#define HTTPS(fqdn, change, routes)     VH("ingress_https", 443, fqdn, change, "false", "", routes)
#define OLD(x)                          ",'old':" x
#define NEW(x)                          ",'new':" x
#define RC(change, match, path, oldnew) "{'change':'" change "','" match "':'" path "'" oldnew "}"
#define CL(svc, port, w)                                                                           \
    "{'namespace':'default','service':'" svc "','port':" #port ",'weight':" #w "}"
#define SRC(kind, name) "'source':{'kind':'" kind "','namespace':'default','name':'" name "'}"
#define RT_OPTS(match, path, redirect, opts, src, clusters)                                        \
    "{'" match "':'" path "','https_redirect':" redirect ",'websocket':false" opts "," src         \
    ",'clusters':[" clusters "]}"
#define RT(match, path, redirect, src, clusters) RT_OPTS(match, path, redirect, "", src, clusters)
/* The routes of BASE. */
#define WEB(redirect, w) RT("prefix", "/", redirect, SRC("IngressRoute", "root"), CL("web", 80, w))
#define API(redirect)    RT("prefix", "/api", redirect, SRC("IngressRoute", "child"), CL("api", 80, 0))
#define LEGACY           RT("prefix", "/", "false", SRC("Ingress", "legacy"), CL("web", 80, 0))
#define TLS_SIDE(min)                                                                              \
    "{'tls':{'secret':{'namespace':'default','name':'cert'},'min_protocol_version':'" min          \
    "','passthrough':false}}"
#define ST(name, state, desc, vhosts)                                                              \
    "{'kind':'IngressRoute','namespace':'default','name':'" name "','status':'" state              \
    "','description':'" desc "','vhosts':[" vhosts "]}"
#define SC(change, name, oldnew)                                                                   \
    "{'change':'" change "','kind':'IngressRoute','namespace':'default','name':'" name "'" oldnew  \
    "}"
#define VALID(name, vhosts) ST(name, "valid", "valid IngressRoute", vhosts)
#define ORPHAN(name)                                                                               \
    ST(name, "orphaned",                                                                           \
       "this IngressRoute is not part of a delegation chain from a root IngressRoute", "")
#define DIAG(sev, code, msg, line, col, obj, field)                                                \
    "{'severity':'" sev "','code':'" code "','message':'" msg "','file':'in.yaml','line':" #line   \
    ",'column':" #col obj field "}"
#define OBJ(kind, name) ",'object':{'kind':'" kind "','namespace':'default','name':'" name "'}"
#define FIELD(f)        ",'field':'" f "'"

/* Two items of a list. */
#define L2(a, b) a "," b
/* What several cases share. */
#define VALID_ROOT VALID("root", "'a.example.com'")
#define CHILD_ORPHANED                                                                             \
    SC("changed", "child", OLD(VALID("child", "'a.example.com'")) NEW(ORPHAN("child")))
#define API_2S(redirect)                                                                           \
    RT_OPTS("prefix", "/api", redirect, ",'timeout_ms':2000", SRC("IngressRoute", "child"),        \
            CL("api", 80, 0))
/* BASE's vhosts removed, every route with them. */
#define ROOT_REMOVED                                                                               \
    L2(VH("ingress_http", 80, "a.example.com", "removed", "false", OLD("{}"),                      \
          L2(RC("removed", "prefix", "/api", OLD(API("true"))),                                    \
             RC("removed", "prefix", "/", OLD(WEB("true", 10))))),                                 \
       VH("ingress_https", 443, "a.example.com", "removed", "false", OLD(TLS_SIDE("1.1")),         \
          L2(RC("removed", "prefix", "/api", OLD(API("false"))),                                   \
             RC("removed", "prefix", "/", OLD(WEB("false", 10))))))
#define ROOT_REMOVED_TEXT                                                                          \
    "- ingress_http 80 a.example.com\n"                                                            \
    "    - route prefix /api (IngressRoute default/child): → https -> default/api:80 weight 0\n" \
    "    - route prefix / (IngressRoute default/root): → https -> default/web:80 weight 10\n"    \
    "- ingress_https 443 a.example.com\n"                                                          \
    "    - route prefix /api (IngressRoute default/child) -> default/api:80 weight 0\n"            \
    "    - route prefix / (IngressRoute default/root) -> default/web:80 weight 10\n"

typedef struct diff_case {
    const char *name;
    const char *old_yaml;
    const char *new_yaml;
    const char *json; /* compact, ' for " */
    const char *text; /* NULL: not checked here */
} diff_case;

static const diff_case cases[] = {
    {"nothing changed", BASE, BASE, EMPTY, "no changes\n"},
    {"a weight changed", BASE, SVCS ROOT("", TLS, R_WEB(20) R_API) CHILD(C_API) BASE_ING SECRET,
     DIFF(L2(HTTP("a.example.com", "changed",
                  RC("changed", "prefix", "/", OLD(WEB("true", 10)) NEW(WEB("true", 20)))),
             HTTPS("a.example.com", "changed",
                   RC("changed", "prefix", "/", OLD(WEB("false", 10)) NEW(WEB("false", 20))))),
          "", "", ""),
     "~ ingress_http 80 a.example.com\n"
     "    ~ route prefix / (IngressRoute default/root): → https -> default/web:80 weight 10\n"
     "      => prefix / (IngressRoute default/root): → https -> default/web:80 weight 20\n"
     "~ ingress_https 443 a.example.com\n"
     "    ~ route prefix / (IngressRoute default/root) -> default/web:80 weight 10\n"
     "      => prefix / (IngressRoute default/root) -> default/web:80 weight 20\n"},
    {"a route removed: its delegate is orphaned", BASE,
     SVCS ROOT("", TLS, R_WEB(10)) CHILD(C_API) BASE_ING SECRET,
     DIFF(L2(HTTP("a.example.com", "changed", RC("removed", "prefix", "/api", OLD(API("true")))),
             HTTPS("a.example.com", "changed", RC("removed", "prefix", "/api", OLD(API("false"))))),
          CHILD_ORPHANED, "", ""),
     "~ ingress_http 80 a.example.com\n"
     "    - route prefix /api (IngressRoute default/child): → https -> default/api:80 weight 0\n"
     "~ ingress_https 443 a.example.com\n"
     "    - route prefix /api (IngressRoute default/child) -> default/api:80 weight 0\n"
     "~ status IngressRoute default/child: valid: valid IngressRoute [a.example.com] => orphaned: "
     "this IngressRoute is not part of a delegation chain from a root IngressRoute\n"},
    {"a route added", BASE,
     SVCS ROOT("", TLS, R_WEB(10) R_API "  - match: /b\n    services: [{name: web, port: 8080}]\n")
         CHILD(C_API) BASE_ING SECRET,
     DIFF(L2(HTTP("a.example.com", "changed",
                  RC("added", "prefix", "/b",
                     NEW(RT("prefix", "/b", "true", SRC("IngressRoute", "root"),
                            CL("web", 8080, 0))))),
             HTTPS("a.example.com", "changed",
                   RC("added", "prefix", "/b",
                      NEW(RT("prefix", "/b", "false", SRC("IngressRoute", "root"),
                             CL("web", 8080, 0)))))),
          "", "", ""),
     "~ ingress_http 80 a.example.com\n"
     "    + route prefix /b (IngressRoute default/root): → https -> default/web:8080 weight 0\n"
     "~ ingress_https 443 a.example.com\n"
     "    + route prefix /b (IngressRoute default/root) -> default/web:8080 weight 0\n"},
    {"the root deleted", BASE, SVCS CHILD(C_API) BASE_ING SECRET,
     DIFF(ROOT_REMOVED, L2(CHILD_ORPHANED, SC("removed", "root", OLD(VALID_ROOT))), "", ""),
     ROOT_REMOVED_TEXT
     "~ status IngressRoute default/child: valid: valid IngressRoute [a.example.com] => "
     "orphaned: this IngressRoute is not part of a delegation chain from a root IngressRoute\n"
     "- status IngressRoute default/root: valid: valid IngressRoute [a.example.com]\n"},
    {"the TLS Secret deleted: no https vhost, no redirect", BASE,
     SVCS BASE_ROOT CHILD(C_API) BASE_ING,
     DIFF(L2(HTTP("a.example.com", "changed",
                  L2(RC("changed", "prefix", "/api", OLD(API("true")) NEW(API("false"))),
                     RC("changed", "prefix", "/", OLD(WEB("true", 10)) NEW(WEB("false", 10))))),
             VH("ingress_https", 443, "a.example.com", "removed", "false", OLD(TLS_SIDE("1.1")),
                L2(RC("removed", "prefix", "/api", OLD(API("false"))),
                   RC("removed", "prefix", "/", OLD(WEB("false", 10)))))),
          "",
          DIAG("warning", "tls-secret-not-found",
               "TLS secret \\\"default/cert\\\" not found; virtual host \\\"a.example.com\\\" is "
               "served without TLS",
               15, 56, OBJ("IngressRoute", "root"), FIELD("spec.virtualhost.tls.secretName")),
          ""),
     /* The text form shows no route option: a route whose redirect went shows twice the
      * same. */
     "~ ingress_http 80 a.example.com\n"
     "    ~ route prefix /api (IngressRoute default/child): → https -> default/api:80 weight 0\n"
     "      => prefix /api (IngressRoute default/child) -> default/api:80 weight 0\n"
     "    ~ route prefix / (IngressRoute default/root): → https -> default/web:80 weight 10\n"
     "      => prefix / (IngressRoute default/root) -> default/web:80 weight 10\n"
     "- ingress_https 443 a.example.com\n"
     "    - route prefix /api (IngressRoute default/child) -> default/api:80 weight 0\n"
     "    - route prefix / (IngressRoute default/root) -> default/web:80 weight 10\n"
     "+ in.yaml:15:56: warning: TLS secret \"default/cert\" not found; virtual host "
     "\"a.example.com\" is served without TLS [tls-secret-not-found]\n"},
    {"an ingress class flipped", BASE,
     SVCS ROOT(", annotations: {kubernetes.io/ingress.class: other}", TLS, R_WEB(10) R_API)
         CHILD(C_API) BASE_ING SECRET,
     DIFF(ROOT_REMOVED, L2(CHILD_ORPHANED, SC("removed", "root", OLD(VALID_ROOT))),
          DIAG("info", "ignored-class",
               "ignored because its ingress class \\\"other\\\" is not \\\"contour\\\"", 13, 87,
               OBJ("IngressRoute", "root"),
               FIELD("metadata.annotations[kubernetes.io/ingress.class]")),
          ""),
     ROOT_REMOVED_TEXT
     "~ status IngressRoute default/child: valid: valid IngressRoute [a.example.com] => "
     "orphaned: this IngressRoute is not part of a delegation chain from a root IngressRoute\n"
     "- status IngressRoute default/root: valid: valid IngressRoute [a.example.com]\n"
     "+ in.yaml:13:87: info: ignored because its ingress class \"other\" is not \"contour\" "
     "[ignored-class]\n"},
    {"the minimum TLS version raised", BASE,
     SVCS ROOT("", ", tls: {secretName: cert, minimumProtocolVersion: '1.3'}", R_WEB(10) R_API)
         CHILD(C_API) BASE_ING SECRET,
     DIFF(VH("ingress_https", 443, "a.example.com", "changed", "true",
             OLD(TLS_SIDE("1.1")) NEW(TLS_SIDE("1.3")), ""),
          "", "", ""),
     "~ ingress_https 443 a.example.com\n"
     "    tls: tls default/cert min 1.1 => tls default/cert min 1.3\n"},
    {"a route's owner changed", BASE,
     SVCS ROOT("", TLS, R_WEB(10) "  - match: /api\n    services: [{name: api, port: 80}]\n")
         CHILD(C_API) BASE_ING SECRET,
     DIFF(L2(HTTP("a.example.com", "changed",
                  RC("changed", "prefix", "/api",
                     OLD(API("true")) NEW(RT("prefix", "/api", "true", SRC("IngressRoute", "root"),
                                             CL("api", 80, 0))))),
             HTTPS("a.example.com", "changed",
                   RC("changed", "prefix", "/api",
                      OLD(API("false")) NEW(RT("prefix", "/api", "false",
                                               SRC("IngressRoute", "root"), CL("api", 80, 0)))))),
          CHILD_ORPHANED, "", ""),
     "~ ingress_http 80 a.example.com\n"
     "    ~ route prefix /api (IngressRoute default/child): → https -> default/api:80 weight 0\n"
     "      => prefix /api (IngressRoute default/root): → https -> default/api:80 weight 0\n"
     "~ ingress_https 443 a.example.com\n"
     "    ~ route prefix /api (IngressRoute default/child) -> default/api:80 weight 0\n"
     "      => prefix /api (IngressRoute default/root) -> default/api:80 weight 0\n"
     "~ status IngressRoute default/child: valid: valid IngressRoute [a.example.com] => orphaned: "
     "this IngressRoute is not part of a delegation chain from a root IngressRoute\n"},
    {"a route's options changed", BASE,
     SVCS BASE_ROOT CHILD("  - match: /api\n    timeoutPolicy: {request: 2s}\n"
                          "    services: [{name: api, port: 80}]\n") BASE_ING SECRET,
     DIFF(L2(HTTP("a.example.com", "changed",
                  RC("changed", "prefix", "/api", OLD(API("true")) NEW(API_2S("true")))),
             HTTPS("a.example.com", "changed",
                   RC("changed", "prefix", "/api", OLD(API("false")) NEW(API_2S("false"))))),
          "", "", ""),
     "~ ingress_http 80 a.example.com\n"
     "    ~ route prefix /api (IngressRoute default/child): → https -> default/api:80 weight 0\n"
     "      => prefix /api (IngressRoute default/child): → https, timeout 2000ms -> "
     "default/api:80 weight 0\n"
     "~ ingress_https 443 a.example.com\n"
     "    ~ route prefix /api (IngressRoute default/child) -> default/api:80 weight 0\n"
     "      => prefix /api (IngressRoute default/child): timeout 2000ms -> default/api:80 weight "
     "0\n"},
    {"an Ingress path added: exact before prefix", BASE,
     SVCS BASE_ROOT CHILD(C_API) ING(ING_PATH("Prefix", "/") ING_PATH("Exact", "/")) SECRET,
     DIFF(HTTP("c.example.com", "changed",
               RC("added", "exact", "/",
                  NEW(RT("exact", "/", "false", SRC("Ingress", "legacy"), CL("web", 80, 0))))),
          "", "", ""),
     "~ ingress_http 80 c.example.com\n"
     "    + route exact / (Ingress default/legacy) -> default/web:80 weight 0\n"},
    {"a vhost added, a Service gone", BASE,
     SVCS BASE_ROOT CHILD(C_API) BASE_ING SECRET
     "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
     "metadata: {name: b, namespace: default}\nspec:\n  rules:\n  - host: b.example.com\n"
     "    http:\n      paths:\n"
     "      - {path: /, pathType: Prefix, backend: {service: {name: gone, port: {number: 80}}}}\n",
     DIFF(VH("ingress_http", 80, "b.example.com", "added", "false", NEW("{}"),
             RC("added", "prefix", "/", NEW(RT("prefix", "/", "false", SRC("Ingress", "b"), "")))),
          "",
          DIAG("warning", "service-not-found",
               "Service default/gone not found; path \\\"/\\\" has no cluster for it", 54, 46,
               OBJ("Ingress", "b"), FIELD("spec.rules[0].http.paths[0].backend")),
          ""),
     "+ ingress_http 80 b.example.com\n"
     "    + route prefix / (Ingress default/b) (no clusters)\n"
     "+ in.yaml:54:46: warning: Service default/gone not found; path \"/\" has no cluster for "
     "it [service-not-found]\n"},
    {"a diagnostic resolved", SVCS BASE_ROOT CHILD(C_API "  bogus: 1\n") BASE_ING SECRET, BASE,
     DIFF("", "", "",
          DIAG("warning", "unknown-field", "unknown field \\\"bogus\\\" in spec", 29, 3,
               OBJ("IngressRoute", "child"), FIELD("spec.bogus"))),
     "- in.yaml:29:3: warning: unknown field \"bogus\" in spec [unknown-field]\n"},
    {"names no one would write: escaped", BASE,
     BASE "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
          "metadata: {name: h, namespace: default}\nspec:\n  rules:\n"
          "  - host: \"h\\u202e\\\"q\\\".example.com\"\n    http:\n      paths:\n"
          "      - {path: \"/a b\\nc\", pathType: Exact, backend: {service: {name: web, port: "
          "{number: 80}}}}\n",
     DIFF(VH("ingress_http", 80, "h\\u202e\\\"q\\\".example.com", "added", "false", NEW("{}"),
             RC("added", "exact", "/a b\\nc",
                NEW(RT("exact", "/a b\\nc", "false", SRC("Ingress", "h"), CL("web", 80, 0))))),
          "", "", ""),
     "+ ingress_http 80 \"h\\u202e\\\"q\\\".example.com\"\n"
     "    + route exact \"/a b\\nc\" (Ingress default/h) -> default/web:80 weight 0\n"},
};

/* ---- helpers ---- */

static contour_graph *resolve_with(const contour_config *c, const char *yaml)
{
    contour_snapshot *s = tu_load_with(c, "in.yaml", yaml);
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, c), CONTOUR_OK);
    contour_snapshot_free(s);
    return g;
}

static contour_graph *resolve(const char *yaml)
{
    return resolve_with(NULL, yaml);
}

static contour_diff *diff_of(const contour_graph *a, const contour_graph *b)
{
    contour_diff *d = NULL;
    assert_int_equal(contour_diff_graphs(&d, a, b), CONTOUR_OK);
    assert_non_null(d);
    return d;
}

/* The rendering, malloc'd and NUL-terminated. */
static char *render(const contour_diff *d, contour_output_format f)
{
    contour_buffer *b = NULL;
    assert_int_equal(contour_diff_render(&b, d, f), CONTOUR_OK);
    char *s = malloc(contour_buffer_size(b) + 1);
    assert_non_null(s);
    memcpy(s, contour_buffer_data(b), contour_buffer_size(b) + 1);
    assert_int_equal(strlen(s), contour_buffer_size(b));
    contour_buffer_free(b);
    return s;
}

/* JSON without the whitespace outside strings. */
static char *minify(const char *json)
{
    char *out = malloc(strlen(json) + 1), *o = out;
    assert_non_null(out);
    bool in_string = false;
    for (const char *p = json; *p; p++) {
        if (in_string) {
            *o++ = *p;
            if (*p == '\\')
                *o++ = *++p;
            else if (*p == '"')
                in_string = false;
        } else if (*p == '"') {
            *o++ = *p;
            in_string = true;
        } else if (*p != ' ' && *p != '\n') {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

/* An expectation written with ' for ". */
static char *quotes(const char *s)
{
    char *out = strdup(s);
    assert_non_null(out);
    for (char *p = out; *p; p++)
        if (*p == '\'')
            *p = '"';
    return out;
}

/* Checks the layout docs/route-graph.md gives the diff: two-space indentation that follows
 * the nesting, one key or element a line, ": " after keys, a newline at the end. */
static void check_layout(const char *json)
{
    size_t len = strlen(json);
    assert_true(len > 0 && json[len - 1] == '\n');
    int depth = 0;
    const char *line = json;
    while (*line) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        int indent = 0;
        while (line[indent] == ' ')
            indent++;
        bool closes = line[indent] == '}' || line[indent] == ']';
        assert_int_equal(indent, 2 * (depth - (closes ? 1 : 0)));
        bool in_string = false;
        for (const char *p = line + indent; p < end; p++) {
            if (in_string) {
                if (*p == '\\')
                    p++;
                else if (*p == '"')
                    in_string = false;
            } else if (*p == '"') {
                in_string = true;
            } else if (*p == '{' || *p == '[') {
                depth++;
            } else if (*p == '}' || *p == ']') {
                depth--;
            } else if (*p == ':') {
                assert_true(p[1] == ' ');
            }
        }
        line = end + 1;
    }
    assert_int_equal(depth, 0);
}

/* ---- the table ---- */

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const diff_case *c = &cases[i];
        contour_graph *a = resolve(c->old_yaml), *b = resolve(c->new_yaml);
        contour_diff *d = diff_of(a, b);
        char *json = render(d, CONTOUR_OUTPUT_JSON), *text = render(d, CONTOUR_OUTPUT_TEXT);
        char *got = minify(json), *want = quotes(c->json);
        if (strcmp(got, want) != 0 || (c->text && strcmp(text, c->text) != 0))
            fprintf(stderr, "case \"%s\"\n--- got\n%s\n--- want\n%s\n--- text\n%s", c->name, got,
                    want, text);
        assert_string_equal(got, want);
        if (c->text)
            assert_string_equal(text, c->text);
        check_layout(json);
        assert_int_equal(contour_diff_is_empty(d), strcmp(c->json, EMPTY) == 0);
        assert_int_equal(contour_diff_is_empty(d), strcmp(text, "no changes\n") == 0);
        free(json);
        free(text);
        free(got);
        free(want);
        contour_diff_free(d);
        contour_graph_free(a);
        contour_graph_free(b);
    }
}

/* ---- accessors ---- */

/* The vhost of `g` on the listener named `listener` with this fqdn, or NULL. */
static const contour_vhost *vhost_in(const contour_graph *g, const char *listener, const char *fqdn)
{
    for (size_t l = 0; l < contour_graph_listener_count(g); l++) {
        const contour_listener *li = contour_graph_listener_at(g, l);
        if (strcmp(contour_listener_name(li), listener) != 0)
            continue;
        for (size_t v = 0; v < contour_listener_vhost_count(li); v++)
            if (strcmp(contour_vhost_fqdn(contour_listener_vhost_at(li, v)), fqdn) == 0)
                return contour_listener_vhost_at(li, v);
    }
    return NULL;
}

/* The TLS Secret deleted and the root's / route given another weight: one vhost changed
 * (http: routes), one removed (https), a status changed, a diagnostic added. */
/* The text form shows everything the JSON shows of a route and its clusters: a change in
 * any option or cluster key is visible as two different lines. */
static void test_text_shows_every_detail(void **state)
{
    (void)state;
    static const char old_yaml[] =
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
        "spec: {ports: [{port: 80}]}\n---\n"
        "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
        "metadata: {name: root, namespace: default}\n"
        "spec:\n  virtualhost: {fqdn: a.example.com}\n  routes:\n  - match: /\n"
        "    services: [{name: web, port: 80}]\n";
    static const char new_yaml[] =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n"
        "  annotations: {contour.heptio.com/max-connections: '5', "
        "contour.heptio.com/upstream-protocol.h2c: http}\n"
        "spec: {ports: [{name: http, port: 80}]}\n---\n"
        "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
        "metadata: {name: root, namespace: default}\n"
        "spec:\n  virtualhost: {fqdn: a.example.com}\n  routes:\n  - match: /\n"
        "    prefixRewrite: /x\n    enableWebsockets: true\n"
        "    retryPolicy: {count: 3, perTryTimeout: 150ms}\n"
        "    services: [{name: web, port: 80, strategy: Random, "
        "healthCheck: {path: /hz, host: h.example.com}}]\n";
    contour_graph *a = resolve(old_yaml), *b = resolve(new_yaml);
    contour_diff *d = diff_of(a, b);
    char *text = render(d, CONTOUR_OUTPUT_TEXT);
    assert_string_equal(text,
                        "~ ingress_http 80 a.example.com\n"
                        "    ~ route prefix / (IngressRoute default/root) -> default/web:80 "
                        "weight 0\n"
                        "      => prefix / (IngressRoute default/root): websocket, rewrite /x, "
                        "retry 5xx x3, per-try timeout 150ms -> default/web:80 (http) weight 0 "
                        "[strategy Random, protocol h2c, health check /hz host h.example.com "
                        "interval 10s timeout 2s unhealthy 3 healthy 2, max connections 5]\n");
    free(text);
    contour_diff_free(d);
    contour_graph_free(a);
    contour_graph_free(b);
}

static void test_accessors(void **state)
{
    (void)state;
    contour_graph *a = resolve(BASE);
    contour_graph *b = resolve(SVCS ROOT("", TLS, R_WEB(30) R_API) CHILD(C_API) BASE_ING
                               "---\napiVersion: v1\nkind: Service\n"
                               "metadata: {name: x, namespace: default}\nspec: {bogus: 1}\n");
    contour_diff *d = diff_of(a, b);
    assert_false(contour_diff_is_empty(d));

    assert_int_equal(contour_diff_vhost_count(d), 2);
    const contour_vhost_change *v = contour_diff_vhost_at(d, 0);
    assert_string_equal(contour_vhost_change_listener(v), "ingress_http");
    assert_int_equal(contour_vhost_change_port(v), 80);
    assert_int_equal(contour_vhost_change_kind(v), CONTOUR_CHANGE_CHANGED);
    assert_string_equal(contour_vhost_change_fqdn(v), "a.example.com");
    assert_ptr_equal(contour_vhost_change_old(v), vhost_in(a, "ingress_http", "a.example.com"));
    assert_ptr_equal(contour_vhost_change_new(v), vhost_in(b, "ingress_http", "a.example.com"));
    assert_false(contour_vhost_change_tls_changed(v));
    assert_int_equal(contour_vhost_change_route_count(v), 2);
    const contour_route_change *r = contour_vhost_change_route_at(v, 0);
    assert_int_equal(contour_route_change_kind(r), CONTOUR_CHANGE_CHANGED);
    assert_int_equal(contour_route_change_match_type(r), CONTOUR_MATCH_PREFIX);
    assert_string_equal(contour_route_change_path(r), "/api");
    assert_true(contour_route_https_redirect(contour_route_change_old(r)));
    assert_false(contour_route_https_redirect(contour_route_change_new(r)));
    r = contour_vhost_change_route_at(v, 1);
    assert_string_equal(contour_route_change_path(r), "/");
    assert_ptr_equal(contour_route_change_old(r),
                     contour_vhost_route_at(contour_vhost_change_old(v), 1));
    assert_ptr_equal(contour_route_change_new(r),
                     contour_vhost_route_at(contour_vhost_change_new(v), 1));
    assert_int_equal(
        contour_cluster_weight(contour_route_cluster_at(contour_route_change_old(r), 0)), 10);
    assert_int_equal(
        contour_cluster_weight(contour_route_cluster_at(contour_route_change_new(r), 0)), 30);
    assert_null(contour_vhost_change_route_at(v, 2));

    v = contour_diff_vhost_at(d, 1);
    assert_string_equal(contour_vhost_change_listener(v), "ingress_https");
    assert_int_equal(contour_vhost_change_port(v), 443);
    assert_int_equal(contour_vhost_change_kind(v), CONTOUR_CHANGE_REMOVED);
    assert_ptr_equal(contour_vhost_change_old(v), vhost_in(a, "ingress_https", "a.example.com"));
    assert_null(contour_vhost_change_new(v));
    assert_string_equal(contour_vhost_tls_secret_name(contour_vhost_change_old(v)), "cert");
    assert_false(contour_vhost_change_tls_changed(v)); /* only for a vhost in both graphs */
    /* Every route of a removed vhost, removed, in route order. */
    assert_int_equal(contour_vhost_change_route_count(v), 2);
    for (size_t i = 0; i < 2; i++) {
        r = contour_vhost_change_route_at(v, i);
        assert_int_equal(contour_route_change_kind(r), CONTOUR_CHANGE_REMOVED);
        assert_ptr_equal(contour_route_change_old(r),
                         contour_vhost_route_at(contour_vhost_change_old(v), i));
        assert_null(contour_route_change_new(r));
        assert_string_equal(contour_route_change_path(r), i == 0 ? "/api" : "/");
    }
    assert_null(contour_diff_vhost_at(d, 2));

    /* A removed status, an added one (none), a changed one: here the Ingress has none, the
     * statuses did not change (TLS missing is a warning, the root stays valid). */
    assert_int_equal(contour_diff_status_count(d), 0);
    assert_null(contour_diff_status_at(d, 0));

    /* Diagnostics: the Secret's absence and the Service's unknown field, in graph order. */
    assert_int_equal(contour_diff_added_diagnostic_count(d), 2);
    assert_string_equal(contour_diagnostic_code(contour_diff_added_diagnostic_at(d, 0)),
                        "tls-secret-not-found");
    assert_string_equal(contour_diagnostic_code(contour_diff_added_diagnostic_at(d, 1)),
                        "unknown-field");
    assert_null(contour_diff_added_diagnostic_at(d, 2));
    assert_int_equal(contour_diff_resolved_diagnostic_count(d), 0);
    assert_null(contour_diff_resolved_diagnostic_at(d, 0));
    contour_diff_free(d);

    /* The other way: the same changes mirrored, statuses too. */
    contour_graph *c = resolve(SVCS ROOT("", TLS, R_WEB(10)) CHILD(C_API) BASE_ING SECRET);
    d = diff_of(c, a);
    assert_int_equal(contour_diff_status_count(d), 1);
    const contour_status_change *sc = contour_diff_status_at(d, 0);
    assert_int_equal(contour_status_change_kind(sc), CONTOUR_CHANGE_CHANGED);
    assert_int_equal(contour_status_state(contour_status_change_old(sc)), CONTOUR_STATE_ORPHANED);
    assert_int_equal(contour_status_state(contour_status_change_new(sc)), CONTOUR_STATE_VALID);
    assert_ptr_equal(contour_status_change_old(sc),
                     contour_graph_find_status(c, "default", 7, "child", 5));
    assert_ptr_equal(contour_status_change_new(sc),
                     contour_graph_find_status(a, "default", 7, "child", 5));
    assert_null(contour_diff_status_at(d, 1));
    r = contour_vhost_change_route_at(contour_diff_vhost_at(d, 0), 0);
    assert_int_equal(contour_route_change_kind(r), CONTOUR_CHANGE_ADDED);
    assert_null(contour_route_change_old(r));
    assert_non_null(contour_route_change_new(r));
    contour_diff_free(d);

    /* A status added and one removed: the root renamed (the child's status, the same). */
    contour_graph *renamed =
        resolve(SVCS "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                     "metadata: {name: aroot, namespace: default}\n"
                     "spec:\n  virtualhost: {fqdn: a.example.com" TLS "}\n  routes:\n" R_WEB(10)
                         R_API CHILD(C_API) BASE_ING SECRET);
    d = diff_of(a, renamed);
    assert_int_equal(contour_diff_status_count(d), 2);
    sc = contour_diff_status_at(d, 0); /* by (namespace, name): aroot, then root */
    assert_int_equal(contour_status_change_kind(sc), CONTOUR_CHANGE_ADDED);
    assert_null(contour_status_change_old(sc));
    assert_string_equal(contour_status_name(contour_status_change_new(sc)), "aroot");
    sc = contour_diff_status_at(d, 1);
    assert_int_equal(contour_status_change_kind(sc), CONTOUR_CHANGE_REMOVED);
    assert_string_equal(contour_status_name(contour_status_change_old(sc)), "root");
    assert_null(contour_status_change_new(sc));
    /* The routes of / moved to another owner. */
    v = contour_diff_vhost_at(d, 0);
    assert_int_equal(contour_vhost_change_route_count(v), 1);
    r = contour_vhost_change_route_at(v, 0);
    assert_string_equal(contour_route_source_name(contour_route_change_old(r)), "root");
    assert_string_equal(contour_route_source_name(contour_route_change_new(r)), "aroot");
    contour_diff_free(d);

    contour_graph_free(renamed);
    contour_graph_free(a);
    contour_graph_free(b);
    contour_graph_free(c);
}

static int count_calls(void *ud, const char *bytes, size_t len)
{
    (void)bytes;
    (void)len;
    (*(int *)ud)++;
    return 0;
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    contour_graph *g = resolve(BASE);
    contour_diff *d = (contour_diff *)&d; /* a sentinel: must be set to NULL */
    assert_int_equal(contour_diff_graphs(NULL, g, g), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_diff_graphs(&d, NULL, g), CONTOUR_ERR_INVALID);
    assert_null(d);
    d = (contour_diff *)&d;
    assert_int_equal(contour_diff_graphs(&d, g, NULL), CONTOUR_ERR_INVALID);
    assert_null(d);
    contour_diff_free(NULL);

    /* Every accessor of a NULL handle: zero, NULL, false, the first enumerator. */
    assert_true(contour_diff_is_empty(NULL));
    assert_int_equal(contour_diff_vhost_count(NULL), 0);
    assert_null(contour_diff_vhost_at(NULL, 0));
    assert_null(contour_vhost_change_listener(NULL));
    assert_int_equal(contour_vhost_change_port(NULL), 0);
    assert_int_equal(contour_vhost_change_kind(NULL), CONTOUR_CHANGE_ADDED);
    assert_null(contour_vhost_change_fqdn(NULL));
    assert_null(contour_vhost_change_old(NULL));
    assert_null(contour_vhost_change_new(NULL));
    assert_false(contour_vhost_change_tls_changed(NULL));
    assert_int_equal(contour_vhost_change_route_count(NULL), 0);
    assert_null(contour_vhost_change_route_at(NULL, 0));
    assert_int_equal(contour_route_change_kind(NULL), CONTOUR_CHANGE_ADDED);
    assert_int_equal(contour_route_change_match_type(NULL), CONTOUR_MATCH_PREFIX);
    assert_null(contour_route_change_path(NULL));
    assert_null(contour_route_change_old(NULL));
    assert_null(contour_route_change_new(NULL));
    assert_int_equal(contour_diff_status_count(NULL), 0);
    assert_null(contour_diff_status_at(NULL, 0));
    assert_int_equal(contour_status_change_kind(NULL), CONTOUR_CHANGE_ADDED);
    assert_null(contour_status_change_old(NULL));
    assert_null(contour_status_change_new(NULL));
    assert_int_equal(contour_diff_added_diagnostic_count(NULL), 0);
    assert_null(contour_diff_added_diagnostic_at(NULL, 0));
    assert_int_equal(contour_diff_resolved_diagnostic_count(NULL), 0);
    assert_null(contour_diff_resolved_diagnostic_at(NULL, 0));

    assert_string_equal(contour_change_name(CONTOUR_CHANGE_ADDED), "added");
    assert_string_equal(contour_change_name(CONTOUR_CHANGE_REMOVED), "removed");
    assert_string_equal(contour_change_name(CONTOUR_CHANGE_CHANGED), "changed");
    assert_string_equal(contour_change_name((contour_change)3), "");
    assert_string_equal(contour_change_name((contour_change)-1), "");

    /* An empty diff: every index out of range. */
    d = diff_of(g, g);
    assert_true(contour_diff_is_empty(d));
    assert_null(contour_diff_vhost_at(d, 0));
    assert_null(contour_diff_vhost_at(d, (size_t)-1));
    assert_null(contour_diff_status_at(d, 0));
    assert_null(contour_diff_added_diagnostic_at(d, 0));
    assert_null(contour_diff_resolved_diagnostic_at(d, 0));

    /* Rendering: no output argument, no diff, DOT, an unknown format. */
    contour_buffer *b = (contour_buffer *)&b;
    assert_int_equal(contour_diff_render(NULL, d, CONTOUR_OUTPUT_JSON), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_diff_render(&b, NULL, CONTOUR_OUTPUT_JSON), CONTOUR_ERR_INVALID);
    assert_null(b);
    b = (contour_buffer *)&b;
    assert_int_equal(contour_diff_render(&b, d, CONTOUR_OUTPUT_DOT), CONTOUR_ERR_INVALID);
    assert_null(b);
    b = (contour_buffer *)&b;
    assert_int_equal(contour_diff_render(&b, d, (contour_output_format)42), CONTOUR_ERR_INVALID);
    assert_null(b);
    int calls = 0;
    assert_int_equal(contour_diff_write(NULL, CONTOUR_OUTPUT_JSON, count_calls, &calls),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_diff_write(d, CONTOUR_OUTPUT_JSON, NULL, &calls), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_diff_write(d, CONTOUR_OUTPUT_DOT, count_calls, &calls),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_diff_write(d, (contour_output_format)42, count_calls, &calls),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(calls, 0);
    /* The empty diff's forms. */
    char *json = render(d, CONTOUR_OUTPUT_JSON), *text = render(d, CONTOUR_OUTPUT_TEXT);
    assert_string_equal(json, "{\n  \"virtualhosts\": [],\n  \"statuses\": [],\n"
                              "  \"diagnostics\": {\n    \"added\": [],\n    \"resolved\": []\n"
                              "  }\n}\n");
    assert_string_equal(text, "no changes\n");
    free(json);
    free(text);
    contour_diff_free(d);
    contour_graph_free(g);
}

/* A diff keeps what it shows: its graphs may be freed first, and their snapshots. */
static void test_outlives_graphs(void **state)
{
    (void)state;
    contour_graph *a = resolve(BASE);
    contour_graph *b = resolve(SVCS ROOT("", TLS, R_WEB(20) R_API) CHILD(C_API) BASE_ING);
    contour_diff *d = diff_of(a, b);
    char *json = render(d, CONTOUR_OUTPUT_JSON), *text = render(d, CONTOUR_OUTPUT_TEXT);
    const contour_vhost_change *v = contour_diff_vhost_at(d, 0);
    const contour_route_change *r = contour_vhost_change_route_at(v, 0);
    contour_graph_free(a);
    contour_graph_free(b);
    char *json2 = render(d, CONTOUR_OUTPUT_JSON), *text2 = render(d, CONTOUR_OUTPUT_TEXT);
    assert_string_equal(json, json2);
    assert_string_equal(text, text2);
    assert_string_equal(contour_vhost_change_fqdn(v), "a.example.com");
    assert_string_equal(contour_vhost_fqdn(contour_vhost_change_old(v)), "a.example.com");
    assert_string_equal(contour_route_path(contour_route_change_new(r)), "/api");
    assert_string_equal(contour_diagnostic_code(contour_diff_added_diagnostic_at(d, 0)),
                        "tls-secret-not-found");
    contour_diff_free(d);
    free(json);
    free(json2);
    free(text);
    free(text2);
}

/* ---- contour_diff_write ---- */

typedef struct sink {
    char *data;
    size_t len, cap;
    int calls;
    int stop_at; /* the call that returns nonzero; 0: never */
    size_t largest;
} sink;

static int collect(void *ud, const char *bytes, size_t len)
{
    sink *k = ud;
    k->calls++;
    assert_true(len >= 1 && len <= 65536);
    if (len > k->largest)
        k->largest = len;
    if (k->len + len + 1 > k->cap) {
        k->cap = (k->len + len + 1) * 2;
        k->data = realloc(k->data, k->cap);
        assert_non_null(k->data);
    }
    memcpy(k->data + k->len, bytes, len);
    k->len += len;
    k->data[k->len] = '\0';
    return k->calls == k->stop_at;
}

/* `n` roots, each its own vhost with a long path. */
static char *many_roots(int n)
{
    size_t cap = (size_t)n * 400 + 200, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)snprintf(s, cap, "%s", SVCS);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len,
                                "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                                "metadata: {name: r%d, namespace: default}\n"
                                "spec:\n  virtualhost: {fqdn: host-%05d.example.com}\n"
                                "  routes:\n  - match: /a-rather-long-path-to-fill-the-output/%d\n"
                                "    services: [{name: web, port: 80, weight: %d}]\n",
                                i, i, i, i);
    return s;
}

static void test_write(void **state)
{
    (void)state;
    char *yaml = many_roots(2000);
    contour_graph *a = resolve(SVCS), *b = resolve(yaml);
    contour_diff *d = diff_of(a, b);
    assert_int_equal(contour_diff_vhost_count(d), 2000);
    for (int f = 0; f < 2; f++) {
        contour_output_format fmt = f ? CONTOUR_OUTPUT_TEXT : CONTOUR_OUTPUT_JSON;
        char *whole = render(d, fmt);
        assert_true(strlen(whole) > 3 * 65536);
        /* Everything, in pieces of at most 64 KiB: the rendering's bytes. */
        sink k = {.data = NULL};
        assert_int_equal(contour_diff_write(d, fmt, collect, &k), CONTOUR_OK);
        assert_true(k.calls > 3);
        assert_int_equal(k.largest, 65536);
        assert_string_equal(k.data, whole);
        free(k.data);
        /* Stopped at the first call, then at the third: CONTOUR_ERR_IO, no call after it,
         * what was delivered a prefix. */
        for (int stop = 1; stop <= 3; stop += 2) {
            sink s = {.stop_at = stop};
            assert_int_equal(contour_diff_write(d, fmt, collect, &s), CONTOUR_ERR_IO);
            assert_int_equal(s.calls, stop);
            assert_true(s.len > 0 && s.len < strlen(whole));
            assert_memory_equal(s.data, whole, s.len);
            free(s.data);
        }
        free(whole);
    }
    /* A short diff: one call. */
    contour_diff_free(d);
    d = diff_of(a, a);
    sink k = {.data = NULL};
    assert_int_equal(contour_diff_write(d, CONTOUR_OUTPUT_TEXT, collect, &k), CONTOUR_OK);
    assert_int_equal(k.calls, 1);
    assert_string_equal(k.data, "no changes\n");
    free(k.data);
    sink s = {.stop_at = 1};
    assert_int_equal(contour_diff_write(d, CONTOUR_OUTPUT_JSON, collect, &s), CONTOUR_ERR_IO);
    assert_int_equal(s.calls, 1);
    free(s.data);
    contour_diff_free(d);
    contour_graph_free(a);
    contour_graph_free(b);
    free(yaml);
}

/* ---- a reference: the diff computed here from the graphs' accessors ---- */

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool cluster_eq(const contour_cluster *a, const contour_cluster *b)
{
    const contour_health_check *x = contour_cluster_health_check(a),
                               *y = contour_cluster_health_check(b);
    if (!x != !y)
        return false;
    if (x &&
        !(str_eq(contour_health_check_path(x), contour_health_check_path(y)) &&
          str_eq(contour_health_check_host(x), contour_health_check_host(y)) &&
          contour_health_check_interval_s(x) == contour_health_check_interval_s(y) &&
          contour_health_check_timeout_s(x) == contour_health_check_timeout_s(y) &&
          contour_health_check_unhealthy_threshold(x) ==
              contour_health_check_unhealthy_threshold(y) &&
          contour_health_check_healthy_threshold(x) == contour_health_check_healthy_threshold(y)))
        return false;
    return str_eq(contour_cluster_namespace(a), contour_cluster_namespace(b)) &&
           str_eq(contour_cluster_service(a), contour_cluster_service(b)) &&
           contour_cluster_port(a) == contour_cluster_port(b) &&
           str_eq(contour_cluster_port_name(a), contour_cluster_port_name(b)) &&
           contour_cluster_weight(a) == contour_cluster_weight(b) &&
           str_eq(contour_cluster_strategy(a), contour_cluster_strategy(b)) &&
           str_eq(contour_cluster_protocol(a), contour_cluster_protocol(b)) &&
           contour_cluster_max_connections(a) == contour_cluster_max_connections(b) &&
           contour_cluster_max_pending_requests(a) == contour_cluster_max_pending_requests(b) &&
           contour_cluster_max_requests(a) == contour_cluster_max_requests(b) &&
           contour_cluster_max_retries(a) == contour_cluster_max_retries(b);
}

/* The definition: a route changes when its clusters, options or owning object do. */
static bool route_eq(const contour_route *a, const contour_route *b)
{
    if (contour_route_cluster_count(a) != contour_route_cluster_count(b))
        return false;
    for (size_t i = 0; i < contour_route_cluster_count(a); i++)
        if (!cluster_eq(contour_route_cluster_at(a, i), contour_route_cluster_at(b, i)))
            return false;
    return contour_route_match_type(a) == contour_route_match_type(b) &&
           str_eq(contour_route_path(a), contour_route_path(b)) &&
           contour_route_https_redirect(a) == contour_route_https_redirect(b) &&
           contour_route_websocket(a) == contour_route_websocket(b) &&
           str_eq(contour_route_prefix_rewrite(a), contour_route_prefix_rewrite(b)) &&
           contour_route_has_timeout(a) == contour_route_has_timeout(b) &&
           contour_route_timeout_ms(a) == contour_route_timeout_ms(b) &&
           contour_route_has_retry(a) == contour_route_has_retry(b) &&
           str_eq(contour_route_retry_on(a), contour_route_retry_on(b)) &&
           contour_route_retry_num_retries(a) == contour_route_retry_num_retries(b) &&
           contour_route_retry_per_try_timeout_ms(a) == contour_route_retry_per_try_timeout_ms(b) &&
           contour_route_source_kind(a) == contour_route_source_kind(b) &&
           str_eq(contour_route_source_namespace(a), contour_route_source_namespace(b)) &&
           str_eq(contour_route_source_name(a), contour_route_source_name(b));
}

/* TLS settings and tcpproxy. */
static bool tls_eq(const contour_vhost *a, const contour_vhost *b)
{
    if (contour_vhost_tcpproxy_cluster_count(a) != contour_vhost_tcpproxy_cluster_count(b))
        return false;
    for (size_t i = 0; i < contour_vhost_tcpproxy_cluster_count(a); i++)
        if (!cluster_eq(contour_vhost_tcpproxy_cluster_at(a, i),
                        contour_vhost_tcpproxy_cluster_at(b, i)))
            return false;
    return contour_vhost_has_tls(a) == contour_vhost_has_tls(b) &&
           str_eq(contour_vhost_tls_secret_namespace(a), contour_vhost_tls_secret_namespace(b)) &&
           str_eq(contour_vhost_tls_secret_name(a), contour_vhost_tls_secret_name(b)) &&
           str_eq(contour_vhost_tls_min_protocol_version(a),
                  contour_vhost_tls_min_protocol_version(b)) &&
           contour_vhost_tls_passthrough(a) == contour_vhost_tls_passthrough(b) &&
           contour_vhost_has_tcpproxy(a) == contour_vhost_has_tcpproxy(b);
}

static bool status_eq(const contour_status *a, const contour_status *b)
{
    if (contour_status_state(a) != contour_status_state(b) ||
        !str_eq(contour_status_description(a), contour_status_description(b)) ||
        contour_status_vhost_count(a) != contour_status_vhost_count(b))
        return false;
    for (size_t i = 0; i < contour_status_vhost_count(a); i++)
        if (!str_eq(contour_status_vhost_at(a, i), contour_status_vhost_at(b, i)))
            return false;
    return true;
}

static bool diag_eq(const contour_diagnostic *a, const contour_diagnostic *b)
{
    return contour_diagnostic_severity(a) == contour_diagnostic_severity(b) &&
           str_eq(contour_diagnostic_code(a), contour_diagnostic_code(b)) &&
           str_eq(contour_diagnostic_message(a), contour_diagnostic_message(b)) &&
           str_eq(contour_diagnostic_file(a), contour_diagnostic_file(b)) &&
           contour_diagnostic_line(a) == contour_diagnostic_line(b) &&
           contour_diagnostic_column(a) == contour_diagnostic_column(b) &&
           str_eq(contour_diagnostic_field(a), contour_diagnostic_field(b)) &&
           contour_diagnostic_object_kind(a) == contour_diagnostic_object_kind(b) &&
           str_eq(contour_diagnostic_object_namespace(a), contour_diagnostic_object_namespace(b)) &&
           str_eq(contour_diagnostic_object_name(a), contour_diagnostic_object_name(b));
}

/* The graph's listener with this name, or NULL (a listener without vhosts is not shown). */
static const contour_listener *listener_named(const contour_graph *g, const char *name)
{
    for (size_t l = 0; l < contour_graph_listener_count(g); l++)
        if (strcmp(contour_listener_name(contour_graph_listener_at(g, l)), name) == 0)
            return contour_graph_listener_at(g, l);
    return NULL;
}

/* The order of a vhost's routes: exact before prefix, then path descending. */
static int route_order(const contour_route *a, const contour_route *b)
{
    if (contour_route_match_type(a) != contour_route_match_type(b))
        return contour_route_match_type(a) == CONTOUR_MATCH_EXACT ? -1 : 1;
    return -strcmp(contour_route_path(a), contour_route_path(b));
}

static void check_routes(const contour_vhost_change *vc, const contour_vhost *a,
                         const contour_vhost *b)
{
    size_t i = 0, j = 0, k = 0, na = a ? contour_vhost_route_count(a) : 0,
           nb = b ? contour_vhost_route_count(b) : 0;
    while (i < na || j < nb) {
        const contour_route *x = i < na ? contour_vhost_route_at(a, i) : NULL,
                            *y = j < nb ? contour_vhost_route_at(b, j) : NULL;
        int c = !x ? 1 : !y ? -1 : route_order(x, y);
        if (c == 0 && route_eq(x, y)) {
            i++, j++;
            continue;
        }
        const contour_route_change *rc = contour_vhost_change_route_at(vc, k++);
        assert_non_null(rc);
        contour_change want = c < 0   ? CONTOUR_CHANGE_REMOVED
                              : c > 0 ? CONTOUR_CHANGE_ADDED
                                      : CONTOUR_CHANGE_CHANGED;
        assert_int_equal(contour_route_change_kind(rc), want);
        assert_ptr_equal(contour_route_change_old(rc), c <= 0 ? x : NULL);
        assert_ptr_equal(contour_route_change_new(rc), c >= 0 ? y : NULL);
        const contour_route *r = c < 0 ? x : y;
        assert_int_equal(contour_route_change_match_type(rc), contour_route_match_type(r));
        assert_string_equal(contour_route_change_path(rc), contour_route_path(r));
        i += c <= 0;
        j += c >= 0;
    }
    assert_int_equal(contour_vhost_change_route_count(vc), k);
}

/* Checks every part of `d` against what the graphs' accessors say changed from a to b
 * (both resolved with the same ports, http below https). */
static void check_against_graphs(const contour_diff *d, const contour_graph *a,
                                 const contour_graph *b)
{
    static const char *const names[2] = {"ingress_http", "ingress_https"};
    size_t k = 0;
    for (int l = 0; l < 2; l++) {
        const contour_listener *la = listener_named(a, names[l]), *lb = listener_named(b, names[l]);
        size_t i = 0, j = 0, na = la ? contour_listener_vhost_count(la) : 0,
               nb = lb ? contour_listener_vhost_count(lb) : 0;
        while (i < na || j < nb) {
            const contour_vhost *x = i < na ? contour_listener_vhost_at(la, i) : NULL,
                                *y = j < nb ? contour_listener_vhost_at(lb, j) : NULL;
            int c = !x ? 1 : !y ? -1 : strcmp(contour_vhost_fqdn(x), contour_vhost_fqdn(y));
            i += c <= 0;
            j += c >= 0;
            bool same_routes = true;
            if (c == 0) {
                size_t n = contour_vhost_route_count(x);
                same_routes = n == contour_vhost_route_count(y);
                for (size_t r = 0; same_routes && r < n; r++)
                    same_routes =
                        route_eq(contour_vhost_route_at(x, r), contour_vhost_route_at(y, r));
                if (same_routes && tls_eq(x, y))
                    continue;
            }
            const contour_vhost_change *vc = contour_diff_vhost_at(d, k++);
            assert_non_null(vc);
            assert_string_equal(contour_vhost_change_listener(vc), names[l]);
            assert_int_equal(contour_vhost_change_port(vc),
                             contour_listener_port(c > 0 || c == 0 ? lb : la));
            assert_string_equal(contour_vhost_change_fqdn(vc), contour_vhost_fqdn(c < 0 ? x : y));
            assert_int_equal(contour_vhost_change_kind(vc), c < 0   ? CONTOUR_CHANGE_REMOVED
                                                            : c > 0 ? CONTOUR_CHANGE_ADDED
                                                                    : CONTOUR_CHANGE_CHANGED);
            assert_ptr_equal(contour_vhost_change_old(vc), c <= 0 ? x : NULL);
            assert_ptr_equal(contour_vhost_change_new(vc), c >= 0 ? y : NULL);
            assert_int_equal(contour_vhost_change_tls_changed(vc), c == 0 && !tls_eq(x, y));
            check_routes(vc, c <= 0 ? x : NULL, c >= 0 ? y : NULL);
        }
    }
    assert_int_equal(contour_diff_vhost_count(d), k);

    k = 0;
    size_t i = 0, j = 0, na = contour_graph_status_count(a), nb = contour_graph_status_count(b);
    while (i < na || j < nb) {
        const contour_status *x = i < na ? contour_graph_status_at(a, i) : NULL,
                             *y = j < nb ? contour_graph_status_at(b, j) : NULL;
        int c = !x ? 1 : !y ? -1 : strcmp(contour_status_namespace(x), contour_status_namespace(y));
        if (x && y && c == 0)
            c = strcmp(contour_status_name(x), contour_status_name(y));
        i += c <= 0;
        j += c >= 0;
        if (c == 0 && status_eq(x, y))
            continue;
        const contour_status_change *sc = contour_diff_status_at(d, k++);
        assert_non_null(sc);
        assert_int_equal(contour_status_change_kind(sc), c < 0   ? CONTOUR_CHANGE_REMOVED
                                                         : c > 0 ? CONTOUR_CHANGE_ADDED
                                                                 : CONTOUR_CHANGE_CHANGED);
        assert_ptr_equal(contour_status_change_old(sc), c <= 0 ? x : NULL);
        assert_ptr_equal(contour_status_change_new(sc), c >= 0 ? y : NULL);
    }
    assert_int_equal(contour_diff_status_count(d), k);

    /* Diagnostics: those of one graph with no equal one left in the other, in order. */
    for (int side = 0; side < 2; side++) {
        const contour_graph *from = side ? a : b, *other = side ? b : a;
        size_t n = contour_graph_diagnostic_count(from), m = contour_graph_diagnostic_count(other);
        bool *used = calloc(m + 1, 1);
        assert_non_null(used);
        k = 0;
        for (size_t x = 0; x < n; x++) {
            const contour_diagnostic *dx = contour_graph_diagnostic_at(from, x);
            size_t y = 0;
            while (y < m && (used[y] || !diag_eq(dx, contour_graph_diagnostic_at(other, y))))
                y++;
            if (y < m) {
                used[y] = true;
                continue;
            }
            assert_ptr_equal(side ? contour_diff_resolved_diagnostic_at(d, k)
                                  : contour_diff_added_diagnostic_at(d, k),
                             dx);
            k++;
        }
        assert_int_equal(side ? contour_diff_resolved_diagnostic_count(d)
                              : contour_diff_added_diagnostic_count(d),
                         k);
        free(used);
    }
    assert_int_equal(contour_diff_is_empty(d), !contour_diff_vhost_count(d) &&
                                                   !contour_diff_status_count(d) &&
                                                   !contour_diff_added_diagnostic_count(d) &&
                                                   !contour_diff_resolved_diagnostic_count(d));
}

/* The diff one way is the diff the other way mirrored: added for removed, old for new. */
static contour_change mirrored(contour_change c)
{
    return c == CONTOUR_CHANGE_ADDED     ? CONTOUR_CHANGE_REMOVED
           : c == CONTOUR_CHANGE_REMOVED ? CONTOUR_CHANGE_ADDED
                                         : c;
}

static void check_mirror(const contour_diff *d, const contour_diff *m)
{
    assert_int_equal(contour_diff_vhost_count(d), contour_diff_vhost_count(m));
    for (size_t i = 0; i < contour_diff_vhost_count(d); i++) {
        const contour_vhost_change *x = contour_diff_vhost_at(d, i),
                                   *y = contour_diff_vhost_at(m, i);
        assert_int_equal(contour_vhost_change_kind(y), mirrored(contour_vhost_change_kind(x)));
        assert_string_equal(contour_vhost_change_listener(x), contour_vhost_change_listener(y));
        assert_string_equal(contour_vhost_change_fqdn(x), contour_vhost_change_fqdn(y));
        assert_ptr_equal(contour_vhost_change_old(x), contour_vhost_change_new(y));
        assert_ptr_equal(contour_vhost_change_new(x), contour_vhost_change_old(y));
        assert_int_equal(contour_vhost_change_tls_changed(x), contour_vhost_change_tls_changed(y));
        assert_int_equal(contour_vhost_change_route_count(x), contour_vhost_change_route_count(y));
        for (size_t r = 0; r < contour_vhost_change_route_count(x); r++) {
            const contour_route_change *p = contour_vhost_change_route_at(x, r),
                                       *q = contour_vhost_change_route_at(y, r);
            assert_int_equal(contour_route_change_kind(q), mirrored(contour_route_change_kind(p)));
            assert_ptr_equal(contour_route_change_old(p), contour_route_change_new(q));
            assert_ptr_equal(contour_route_change_new(p), contour_route_change_old(q));
        }
    }
    assert_int_equal(contour_diff_status_count(d), contour_diff_status_count(m));
    for (size_t i = 0; i < contour_diff_status_count(d); i++) {
        const contour_status_change *x = contour_diff_status_at(d, i),
                                    *y = contour_diff_status_at(m, i);
        assert_int_equal(contour_status_change_kind(y), mirrored(contour_status_change_kind(x)));
        assert_ptr_equal(contour_status_change_old(x), contour_status_change_new(y));
        assert_ptr_equal(contour_status_change_new(x), contour_status_change_old(y));
    }
    assert_int_equal(contour_diff_added_diagnostic_count(d),
                     contour_diff_resolved_diagnostic_count(m));
    assert_int_equal(contour_diff_resolved_diagnostic_count(d),
                     contour_diff_added_diagnostic_count(m));
    for (size_t i = 0; i < contour_diff_added_diagnostic_count(d); i++)
        assert_ptr_equal(contour_diff_added_diagnostic_at(d, i),
                         contour_diff_resolved_diagnostic_at(m, i));
    for (size_t i = 0; i < contour_diff_resolved_diagnostic_count(d); i++)
        assert_ptr_equal(contour_diff_resolved_diagnostic_at(d, i),
                         contour_diff_added_diagnostic_at(m, i));
}

/* The table's cases against the reference, both ways. */
static void test_cases_against_reference(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        contour_graph *a = resolve(cases[i].old_yaml), *b = resolve(cases[i].new_yaml);
        contour_diff *d = diff_of(a, b), *m = diff_of(b, a);
        check_against_graphs(d, a, b);
        check_against_graphs(m, b, a);
        check_mirror(d, m);
        contour_diff_free(d);
        contour_diff_free(m);
        contour_graph_free(a);
        contour_graph_free(b);
    }
}

/* ---- the golden cases' inputs, pairwise ---- */

typedef struct golden {
    char *yaml[64];
    contour_graph *g[64];
    size_t n;
} golden;

static void golden_open(golden *gd)
{
    memset(gd, 0, sizeof *gd);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", tu_path(tu_source_root(), "tests/cases"));
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    char *names[64];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dh));) {
        if (e->d_name[0] == '.')
            continue;
        assert_true(n < 64);
        names[n] = strdup(e->d_name);
        assert_non_null(names[n]);
        n++;
    }
    closedir(dh);
    for (size_t i = 1; i < n; i++) /* sorted: the same pairs everywhere */
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s/input.yaml", dir, names[i]);
        if (access(path, R_OK) != 0) { /* a case of several files (include/) */
            free(names[i]);
            continue;
        }
        size_t len = 0;
        gd->yaml[gd->n] = tu_read_file(path, &len);
        gd->g[gd->n] = resolve(gd->yaml[gd->n]);
        gd->n++;
        free(names[i]);
    }
    assert_true(gd->n >= 20);
}

static void golden_close(golden *gd)
{
    for (size_t i = 0; i < gd->n; i++) {
        free(gd->yaml[i]);
        contour_graph_free(gd->g[i]);
    }
}

/* Every pair of golden inputs (consecutive ones under valgrind): the diff against the
 * reference and mirrored; the diff of a graph and its incremental update (which shares
 * what did not change, so the diff walks only what did) the same bytes as the diff of two
 * full resolutions. */
static void test_golden_pairs(void **state)
{
    (void)state;
    golden gd;
    golden_open(&gd);
    size_t pairs = 0, changed = 0, updates = 0;
    for (size_t i = 0; i < gd.n; i++) {
        for (size_t j = 0; j < gd.n; j++) {
            if (tu_under_valgrind() && j != i && j != (i + 1) % gd.n)
                continue;
            contour_diff *d = diff_of(gd.g[i], gd.g[j]), *m = diff_of(gd.g[j], gd.g[i]);
            check_against_graphs(d, gd.g[i], gd.g[j]);
            check_mirror(d, m);
            if (i == j)
                assert_true(contour_diff_is_empty(d));
            changed += !contour_diff_is_empty(d);
            pairs++;
            char *json = render(d, CONTOUR_OUTPUT_JSON), *text = render(d, CONTOUR_OUTPUT_TEXT);
            check_layout(json);

            /* One snapshot, its source replaced, the graph brought up to date. */
            contour_snapshot *s = tu_load("in.yaml", gd.yaml[i]);
            contour_graph *g1 = NULL, *g2 = NULL;
            assert_int_equal(contour_resolve(&g1, s, NULL), CONTOUR_OK);
            assert_int_equal(contour_snapshot_set_source(s, "in.yaml", 7, gd.yaml[j],
                                                         strlen(gd.yaml[j]), CONTOUR_FORMAT_AUTO),
                             CONTOUR_OK);
            assert_int_equal(contour_resolve_update(&g2, s, g1, NULL), CONTOUR_OK);
            contour_diff *u = diff_of(g1, g2);
            char *ujson = render(u, CONTOUR_OUTPUT_JSON), *utext = render(u, CONTOUR_OUTPUT_TEXT);
            assert_string_equal(ujson, json);
            assert_string_equal(utext, text);
            check_against_graphs(u, g1, g2);
            updates++;
            free(ujson);
            free(utext);
            contour_diff_free(u);
            contour_graph_free(g1);
            contour_graph_free(g2);
            contour_snapshot_free(s);
            free(json);
            free(text);
            contour_diff_free(d);
            contour_diff_free(m);
        }
    }
    print_message("%zu golden inputs, %zu pairs (%zu with changes), %zu updates\n", gd.n, pairs,
                  changed, updates);
    assert_true(changed > 0);
    golden_close(&gd);
}

/* A chain of small changes on one snapshot, each graph the update of the one before: the
 * diff of each step is what the step changed, and consecutive diffs compose (the diff of
 * the first and last graphs is the reference's too). */
static void test_update_chain(void **state)
{
    (void)state;
    static const char *const steps[] = {
        BASE,
        SVCS ROOT("", TLS, R_WEB(20) R_API) CHILD(C_API) BASE_ING SECRET,
        SVCS ROOT("", TLS, R_WEB(20)) CHILD(C_API) BASE_ING SECRET,
        SVCS ROOT("", TLS, R_WEB(20)) CHILD(C_API) BASE_ING,
        SVCS CHILD(C_API) BASE_ING,
        SVCS CHILD(C_API) ING(ING_PATH("Prefix", "/") ING_PATH("Exact", "/x")),
        BASE,
    };
    size_t n = sizeof steps / sizeof *steps;
    contour_snapshot *s = tu_load("in.yaml", steps[0]);
    contour_graph *g[sizeof steps / sizeof *steps];
    assert_int_equal(contour_resolve(&g[0], s, NULL), CONTOUR_OK);
    for (size_t i = 1; i < n; i++) {
        assert_int_equal(contour_snapshot_set_source(s, "in.yaml", 7, steps[i], strlen(steps[i]),
                                                     CONTOUR_FORMAT_AUTO),
                         CONTOUR_OK);
        assert_int_equal(contour_resolve_update(&g[i], s, g[i - 1], NULL), CONTOUR_OK);
        contour_diff *d = diff_of(g[i - 1], g[i]);
        assert_false(contour_diff_is_empty(d));
        check_against_graphs(d, g[i - 1], g[i]);
        contour_diff_free(d);
    }
    contour_diff *d = diff_of(g[0], g[n - 1]);
    assert_true(contour_diff_is_empty(d)); /* back where it started */
    contour_diff_free(d);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            d = diff_of(g[i], g[j]);
            check_against_graphs(d, g[i], g[j]);
            contour_diff_free(d);
        }
    for (size_t i = 0; i < n; i++)
        contour_graph_free(g[i]);
    contour_snapshot_free(s);
}

/* ---- the route limit, ports ---- */

#define LONE(name, fqdn)                                                                           \
    "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"                            \
    "metadata: {name: " name ", namespace: default}\n"                                             \
    "spec:\n  virtualhost: {fqdn: " fqdn "}\n  routes:\n"                                          \
    "  - match: /\n    services: [{name: web, port: 80}]\n"

/* With CONTOUR_LIMIT_ROUTES leaving virtual hosts out, which ones a graph shows depends on
 * the others: a vhost added before them pushes the last one out. The diff is of what the
 * graphs show. */
static void test_route_limit(void **state)
{
    (void)state;
    contour_config *c = NULL;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_set_limit(c, CONTOUR_LIMIT_ROUTES, 2), CONTOUR_OK);
    const char *old_yaml =
        SVCS LONE("a", "a.example.com") LONE("b", "b.example.com") LONE("c", "c.example.com");
    const char *new_yaml = SVCS LONE("a", "a.example.com") LONE("b", "b.example.com")
        LONE("c", "c.example.com") LONE("zero", "0.example.com");
    contour_graph *a = resolve_with(c, old_yaml), *b = resolve_with(c, new_yaml);
    contour_graph *full = resolve(new_yaml);
    contour_diff *d = diff_of(a, b);
    check_against_graphs(d, a, b);
    assert_int_equal(contour_diff_vhost_count(d), 2);
    assert_string_equal(contour_vhost_change_fqdn(contour_diff_vhost_at(d, 0)), "0.example.com");
    assert_int_equal(contour_vhost_change_kind(contour_diff_vhost_at(d, 0)), CONTOUR_CHANGE_ADDED);
    assert_string_equal(contour_vhost_change_fqdn(contour_diff_vhost_at(d, 1)), "b.example.com");
    assert_int_equal(contour_vhost_change_kind(contour_diff_vhost_at(d, 1)),
                     CONTOUR_CHANGE_REMOVED);
    contour_diff_free(d);
    /* Against the whole graph: what the limit hides shows as added. */
    d = diff_of(a, full);
    check_against_graphs(d, a, full);
    assert_int_equal(contour_diff_vhost_count(d), 2); /* 0 and c */
    contour_diff_free(d);
    d = diff_of(full, b);
    check_against_graphs(d, full, b);
    contour_diff_free(d);
    /* The same cut on both sides: nothing changed. */
    contour_graph *b2 = resolve_with(c, new_yaml);
    d = diff_of(b, b2);
    assert_true(contour_diff_is_empty(d));
    contour_diff_free(d);
    /* Updated in place: the same diff. */
    contour_snapshot *s = tu_load_with(c, "in.yaml", old_yaml);
    contour_graph *g1 = NULL, *g2 = NULL;
    assert_int_equal(contour_resolve(&g1, s, c), CONTOUR_OK);
    assert_int_equal(contour_snapshot_set_source(s, "in.yaml", 7, new_yaml, strlen(new_yaml),
                                                 CONTOUR_FORMAT_AUTO),
                     CONTOUR_OK);
    assert_int_equal(contour_resolve_update(&g2, s, g1, NULL), CONTOUR_OK);
    contour_diff *u = diff_of(g1, g2);
    d = diff_of(a, b);
    char *x = render(u, CONTOUR_OUTPUT_JSON), *y = render(d, CONTOUR_OUTPUT_JSON);
    assert_string_equal(x, y);
    free(x);
    free(y);
    contour_diff_free(u);
    contour_diff_free(d);
    contour_graph_free(g1);
    contour_graph_free(g2);
    contour_snapshot_free(s);
    contour_graph_free(a);
    contour_graph_free(b);
    contour_graph_free(b2);
    contour_graph_free(full);
    contour_config_free(c);
}

/* The listeners in the new graph's port order, each change with its listener's port; a
 * removed vhost's port is the old graph's. */
static void test_ports(void **state)
{
    (void)state;
    contour_config *c = NULL, *c2 = NULL;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_set_ports(c, 9443, 9080), CONTOUR_OK); /* https first */
    contour_graph *a = resolve_with(c, BASE);
    contour_graph *b =
        resolve_with(c, SVCS ROOT("", TLS, R_WEB(20) R_API) CHILD(C_API) BASE_ING SECRET);
    contour_diff *d = diff_of(a, b);
    char *json = render(d, CONTOUR_OUTPUT_JSON), *got = minify(json);
    char *want = quotes(DIFF(
        VH("ingress_https", 9080, "a.example.com", "changed", "false", "",
           RC("changed", "prefix", "/",
              OLD(WEB("false", 10))
                  NEW(WEB("false", 20)))) "," VH("ingress_http", 9443, "a.example.com", "changed",
                                                 "false", "",
                                                 RC("changed", "prefix", "/",
                                                    OLD(WEB("true", 10)) NEW(WEB("true", 20)))),
        "", "", ""));
    assert_string_equal(got, want);
    free(json);
    free(got);
    free(want);
    contour_diff_free(d);

    /* Old graph on other ports: a removed vhost shows the old port, an added one the new. */
    assert_int_equal(contour_config_new(&c2), CONTOUR_OK);
    assert_int_equal(contour_config_set_ports(c2, 8080, 8443), CONTOUR_OK);
    contour_graph *e = resolve_with(c2, SVCS ROOT("", TLS, R_WEB(10) R_API) CHILD(C_API)
                                            ING(ING_PATH("Prefix", "/")) SECRET
                                    "---\napiVersion: contour.heptio.com/v1beta1\n"
                                    "kind: IngressRoute\n"
                                    "metadata: {name: z, namespace: default}\n"
                                    "spec:\n  virtualhost: {fqdn: z.com" TLS "}\n"
                                    "  routes:\n" R_WEB(1));
    /* Ports are settings, not content: the same manifests on other ports are no change
     * (docs/route-graph.md, "Graph diff"). */
    contour_graph *same = resolve_with(c2, BASE);
    d = diff_of(same, a);
    assert_true(contour_diff_is_empty(d));
    contour_diff_free(d);
    contour_graph_free(same);
    d = diff_of(e, a);
    size_t n = contour_diff_vhost_count(d);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        const contour_vhost_change *v = contour_diff_vhost_at(d, i);
        assert_string_equal(contour_vhost_change_fqdn(v), "z.com");
        assert_int_equal(contour_vhost_change_kind(v), CONTOUR_CHANGE_REMOVED);
        assert_int_equal(contour_vhost_change_port(v),
                         strcmp(contour_vhost_change_listener(v), "ingress_http") == 0 ? 8080
                                                                                       : 8443);
    }
    /* In the new graph's order: https (9080) before http (9443). */
    assert_string_equal(contour_vhost_change_listener(contour_diff_vhost_at(d, 0)),
                        "ingress_https");
    contour_diff_free(d);
    d = diff_of(a, e);
    for (size_t i = 0; i < contour_diff_vhost_count(d); i++)
        assert_int_equal(
            contour_vhost_change_port(contour_diff_vhost_at(d, i)),
            strcmp(contour_vhost_change_listener(contour_diff_vhost_at(d, i)), "ingress_http") == 0
                ? 8080
                : 8443);
    assert_string_equal(contour_vhost_change_listener(contour_diff_vhost_at(d, 0)), "ingress_http");
    contour_diff_free(d);
    contour_graph_free(a);
    contour_graph_free(b);
    contour_graph_free(e);
    contour_config_free(c);
    contour_config_free(c2);
}

/* ---- allocation failure ---- */

/* Fails every allocation of contour_diff_graphs(), contour_diff_render() (JSON, text) and
 * contour_diff_write() (JSON, text) in turn: each failure is CONTOUR_ERR_NOMEM from the call
 * that met it (a write's callback then never called), nothing leaks, and the run with no
 * failure gives the expected bytes. The diff allocates from the new graph's allocator. */
static long nomem_run(const char *old_yaml, const char *new_yaml, bool free_graphs_first)
{
    tu_failing f = {0, 0, 0, 0};
    contour_config *c = NULL;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(
        contour_config_set_allocator(c, tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f),
        CONTOUR_OK);
    contour_graph *a = resolve_with(c, old_yaml), *b = resolve_with(c, new_yaml);
    char *want[2];
    {
        contour_diff *d = diff_of(a, b);
        want[0] = render(d, CONTOUR_OUTPUT_JSON);
        want[1] = render(d, CONTOUR_OUTPUT_TEXT);
        contour_diff_free(d);
    }
    long base = f.live, n;
    long nomem[3] = {0, 0, 0};
    for (n = 1;; n++) {
        f.calls = 0;
        f.fail_at = n;
        contour_diff *d = (contour_diff *)&d;
        contour_result st = contour_diff_graphs(&d, a, b);
        int stage = 0;
        if (st != CONTOUR_OK) {
            assert_null(d);
            d = NULL;
        }
        for (int fmt = 0; fmt < 2 && st == CONTOUR_OK; fmt++) {
            contour_output_format of = fmt ? CONTOUR_OUTPUT_TEXT : CONTOUR_OUTPUT_JSON;
            stage = 1;
            contour_buffer *buf = (contour_buffer *)&buf;
            st = contour_diff_render(&buf, d, of);
            if (st == CONTOUR_OK)
                assert_string_equal(contour_buffer_data(buf), want[fmt]);
            else
                assert_null(buf);
            contour_buffer_free(buf);
            if (st != CONTOUR_OK)
                break;
            stage = 2;
            sink k = {.data = NULL};
            st = contour_diff_write(d, of, collect, &k);
            if (st == CONTOUR_OK)
                assert_string_equal(k.data, want[fmt]);
            else
                assert_int_equal(k.calls, 0);
            free(k.data);
        }
        if (st != CONTOUR_OK)
            nomem[stage]++;
        assert_true(st == CONTOUR_OK || st == CONTOUR_ERR_NOMEM);
        bool hit = f.calls >= n;
        f.fail_at = 0;
        if (st == CONTOUR_OK && free_graphs_first) {
            /* The diff holds the graphs: what it shows outlives them. */
            contour_graph_free(a);
            contour_graph_free(b);
            char *again = render(d, CONTOUR_OUTPUT_JSON);
            assert_string_equal(again, want[0]);
            free(again);
            a = resolve_with(c, old_yaml);
            b = resolve_with(c, new_yaml);
            contour_diff_free(d);
            base = f.live;
        } else {
            contour_diff_free(d);
        }
        assert_int_equal(f.live, base);
        if (!hit) {
            assert_int_equal(st, CONTOUR_OK);
            break;
        }
        assert_int_equal(st, CONTOUR_ERR_NOMEM);
    }
    contour_graph_free(a);
    contour_graph_free(b);
    assert_int_equal(f.live, 0);
    free(want[0]);
    free(want[1]);
    contour_config_free(c);
    assert_true(nomem[0] > 0 && nomem[1] > 0 && nomem[2] > 0);
    return n - 1;
}

static void test_nomem(void **state)
{
    (void)state;
    long total = 0;
    /* Vhosts changed, removed and added, routes of each kind, statuses, diagnostics. */
    for (size_t i = 1; i < sizeof cases / sizeof *cases; i++) {
        long points = nomem_run(cases[i].old_yaml, cases[i].new_yaml, i % 2 == 0);
        total += points;
    }
    /* Many changes: the vectors grow several times. */
    char *yaml = many_roots(40);
    total += nomem_run(BASE, yaml, false);
    total += nomem_run(yaml, BASE, true);
    free(yaml);
    print_message("%ld allocation failure points\n", total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_text_shows_every_detail),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_outlives_graphs),
        cmocka_unit_test(test_write),
        cmocka_unit_test(test_cases_against_reference),
        cmocka_unit_test(test_golden_pairs),
        cmocka_unit_test(test_update_chain),
        cmocka_unit_test(test_route_limit),
        cmocka_unit_test(test_ports),
        cmocka_unit_test(test_nomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
