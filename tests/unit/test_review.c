/* contour_whatif() and contour_review(), black box through the public API: the arguments
 * they refuse; the what-if graph against a full resolution of the changed snapshot on the
 * golden cases' inputs; every finding on a minimal cluster, with its exact sentence; the
 * policy moving each finding between allow, warn and deny; verdicts outliving their
 * handles; allocation failure at every point of a review; concurrent reviews; the route
 * limit. The verdicts through AdmissionReview and the server are tests/webhook's. */
#include "testutil.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ---- */

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            abort();
        if (t->p && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        if (!t->p)
            abort();
    }
}

/* ---- clusters ---- */

/* Two teams' virtual hosts and a legacy Ingress:
 *   a.example.com  IngressRoute team-a/root, TLS (team-a/tls-cert): / -> web, /api delegated
 *                  to team-a/api-child (-> api)
 *   b.example.com  IngressRoute team-b/blog, TLS with team-a/shared-cert, delegated to
 *                  team-b by TLSCertificateDelegation team-a/delegation
 *   c.example.com  Ingress team-c/legacy: / -> legacy */
static const char CLUSTER[] = "apiVersion: v1\n"
                              "kind: Service\n"
                              "metadata: {name: web, namespace: team-a}\n"
                              "spec:\n"
                              "  ports:\n"
                              "  - port: 80\n"
                              "---\n"
                              "apiVersion: v1\n"
                              "kind: Service\n"
                              "metadata: {name: api, namespace: team-a}\n"
                              "spec:\n"
                              "  ports:\n"
                              "  - port: 80\n"
                              "---\n"
                              "apiVersion: v1\n"
                              "kind: Secret\n"
                              "metadata: {name: tls-cert, namespace: team-a}\n"
                              "type: kubernetes.io/tls\n"
                              "data: {tls.crt: eA==, tls.key: eA==}\n"
                              "---\n"
                              "apiVersion: contour.heptio.com/v1beta1\n"
                              "kind: IngressRoute\n"
                              "metadata: {name: root, namespace: team-a}\n"
                              "spec:\n"
                              "  virtualhost:\n"
                              "    fqdn: a.example.com\n"
                              "    tls: {secretName: tls-cert}\n"
                              "  routes:\n"
                              "  - match: /\n"
                              "    services: [{name: web, port: 80}]\n"
                              "  - match: /api\n"
                              "    delegate: {name: api-child}\n"
                              "---\n"
                              "apiVersion: contour.heptio.com/v1beta1\n"
                              "kind: IngressRoute\n"
                              "metadata: {name: api-child, namespace: team-a}\n"
                              "spec:\n"
                              "  routes:\n"
                              "  - match: /api\n"
                              "    services: [{name: api, port: 80}]\n"
                              "---\n"
                              "apiVersion: v1\n"
                              "kind: Secret\n"
                              "metadata: {name: shared-cert, namespace: team-a}\n"
                              "type: kubernetes.io/tls\n"
                              "data: {tls.crt: eA==, tls.key: eA==}\n"
                              "---\n"
                              "apiVersion: contour.heptio.com/v1beta1\n"
                              "kind: TLSCertificateDelegation\n"
                              "metadata: {name: delegation, namespace: team-a}\n"
                              "spec:\n"
                              "  delegations:\n"
                              "  - secretName: shared-cert\n"
                              "    targetNamespaces: [team-b]\n"
                              "---\n"
                              "apiVersion: v1\n"
                              "kind: Service\n"
                              "metadata: {name: blog, namespace: team-b}\n"
                              "spec:\n"
                              "  ports:\n"
                              "  - port: 80\n"
                              "---\n"
                              "apiVersion: contour.heptio.com/v1beta1\n"
                              "kind: IngressRoute\n"
                              "metadata: {name: blog, namespace: team-b}\n"
                              "spec:\n"
                              "  virtualhost:\n"
                              "    fqdn: b.example.com\n"
                              "    tls: {secretName: team-a/shared-cert}\n"
                              "  routes:\n"
                              "  - match: /\n"
                              "    services: [{name: blog, port: 80}]\n"
                              "---\n"
                              "apiVersion: v1\n"
                              "kind: Service\n"
                              "metadata: {name: legacy, namespace: team-c}\n"
                              "spec:\n"
                              "  ports:\n"
                              "  - port: 80\n"
                              "---\n"
                              "apiVersion: networking.k8s.io/v1beta1\n"
                              "kind: Ingress\n"
                              "metadata: {name: legacy, namespace: team-c}\n"
                              "spec:\n"
                              "  rules:\n"
                              "  - host: c.example.com\n"
                              "    http:\n"
                              "      paths:\n"
                              "      - path: /\n"
                              "        backend: {serviceName: legacy, servicePort: 80}\n";

#define IR_HEAD     "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
#define SVC_HEAD    "apiVersion: v1\nkind: Service\n"
#define SECRET_HEAD "apiVersion: v1\nkind: Secret\n"

/* A second root for a.example.com. */
static const char DUP_ROOT[] = IR_HEAD "metadata: {name: dup, namespace: team-x}\n"
                                       "spec:\n"
                                       "  virtualhost: {fqdn: a.example.com}\n"
                                       "  routes:\n"
                                       "  - match: /\n"
                                       "    services: [{name: web, port: 80}]\n";
/* An IngressRoute nobody delegates to. */
static const char LONELY[] = IR_HEAD "metadata: {name: lonely, namespace: team-a}\n"
                                     "spec:\n"
                                     "  routes:\n"
                                     "  - match: /\n"
                                     "    services: [{name: web, port: 80}]\n";
/* An IngressRoute root for the Ingress's virtual host. */
static const char C_ROOT[] = IR_HEAD "metadata: {name: c-root, namespace: team-c}\n"
                                     "spec:\n"
                                     "  virtualhost: {fqdn: c.example.com}\n"
                                     "  routes:\n"
                                     "  - match: /\n"
                                     "    services: [{name: legacy, port: 80}]\n";
/* A new root with a fresh fqdn, all of whose services exist. */
static const char FRESH_ROOT[] = IR_HEAD "metadata: {name: fresh, namespace: team-a}\n"
                                         "spec:\n"
                                         "  virtualhost: {fqdn: d.example.com}\n"
                                         "  routes:\n"
                                         "  - match: /\n"
                                         "    services: [{name: web, port: 80}]\n";
static const char DEL_ROOT[] = IR_HEAD "metadata: {name: root, namespace: team-a}\n";
static const char DEL_CHILD[] = IR_HEAD "metadata: {name: api-child, namespace: team-a}\n";
static const char DEL_TLS_SECRET[] = SECRET_HEAD "metadata: {name: tls-cert, namespace: team-a}\n";
/* The delegation now names team-z instead of team-b. */
static const char TCD_ELSEWHERE[] = "apiVersion: contour.heptio.com/v1beta1\n"
                                    "kind: TLSCertificateDelegation\n"
                                    "metadata: {name: delegation, namespace: team-a}\n"
                                    "spec:\n"
                                    "  delegations:\n"
                                    "  - secretName: shared-cert\n"
                                    "    targetNamespaces: [team-z]\n";
/* Service team-a/web without port 80. */
static const char WEB_PORT_81[] = SVC_HEAD "metadata: {name: web, namespace: team-a}\n"
                                           "spec:\n"
                                           "  ports:\n"
                                           "  - port: 81\n";
static const char DEPLOYMENT[] = "apiVersion: apps/v1\n"
                                 "kind: Deployment\n"
                                 "metadata: {name: d, namespace: team-a}\n"
                                 "spec: {replicas: 3}\n";

#define ORPHAN_TEXT "this IngressRoute is not part of a delegation chain from a root IngressRoute"
#define DUP_TEXT    "fqdn \"a.example.com\" is used in multiple IngressRoutes: team-a/root, team-x/dup"

typedef struct world {
    contour_snapshot *s;
    contour_graph *g;
} world;

static void world_open_with(world *w, const contour_config *cfg, const char *yaml)
{
    w->s = cfg ? tu_load_with(cfg, "cluster.yaml", yaml) : tu_load("cluster.yaml", yaml);
    assert_int_equal(tu_diag_count(w->s, NULL), 0);
    w->g = NULL;
    assert_int_equal(contour_resolve(&w->g, w->s, NULL), CONTOUR_OK);
}

static void world_open(world *w, const char *yaml)
{
    world_open_with(w, NULL, yaml);
}

static void world_close(world *w)
{
    contour_graph_free(w->g);
    contour_snapshot_free(w->s);
}

static contour_verdict *review_with(const world *w, const contour_policy *p, contour_operation op,
                                    const char *doc)
{
    contour_verdict *v = NULL;
    assert_int_equal(contour_review(&v, w->s, w->g, p, op, "<admission>", 11, doc, strlen(doc),
                                    CONTOUR_FORMAT_AUTO),
                     CONTOUR_OK);
    assert_non_null(v);
    return v;
}

static contour_verdict *review(const world *w, contour_operation op, const char *doc)
{
    return review_with(w, NULL, op, doc);
}

/* "name=N ..." for the findings made, in finding order ("" for none). */
static char *counts(const contour_verdict *v)
{
    text t = {0};
    put(&t, "%s", "");
    for (size_t k = 0; k < contour_finding_count(); k++) {
        size_t n = contour_verdict_finding_count(v, (contour_finding)k);
        if (n)
            put(&t, "%s%s=%zu", t.len ? " " : "", contour_finding_name((contour_finding)k), n);
    }
    return t.p;
}

/* The warnings, one a line. */
static char *warnings(const contour_verdict *v)
{
    text t = {0};
    put(&t, "%s", "");
    for (size_t i = 0; i < contour_verdict_warning_count(v); i++)
        put(&t, "%s\n", contour_verdict_warning_at(v, i));
    return t.p;
}

/* Everything a verdict shows, as one string (to compare verdicts). */
static char *describe(const contour_verdict *v)
{
    text t = {0};
    char *c = counts(v), *w = warnings(v);
    put(&t, "allowed=%d [%s] message=%s\nwarnings:\n%s", contour_verdict_allowed(v), c,
        contour_verdict_message(v), w);
    free(c);
    free(w);
    const contour_status *st = contour_verdict_status(v);
    if (st)
        put(&t, "status %s/%s %s: %s\n", contour_status_namespace(st), contour_status_name(st),
            contour_state_name(contour_status_state(st)), contour_status_description(st));
    const contour_diff *d = contour_verdict_diff(v);
    if (d)
        put(&t, "diff: %zu vhosts, %zu statuses, +%zu -%zu diagnostics\n",
            contour_diff_vhost_count(d), contour_diff_status_count(d),
            contour_diff_added_diagnostic_count(d), contour_diff_resolved_diagnostic_count(d));
    return t.p;
}

/* Checks a verdict: allowed, the findings made ("name=N ..."), the message and the
 * warnings (each followed by a newline). */
static void expect(const contour_verdict *v, bool allowed, const char *want_counts,
                   const char *message, const char *want_warnings)
{
    char *c = counts(v), *w = warnings(v);
    if (contour_verdict_allowed(v) != allowed || strcmp(c, want_counts) != 0 ||
        strcmp(contour_verdict_message(v), message) != 0 || strcmp(w, want_warnings) != 0) {
        char *d = describe(v);
        fail_msg("unexpected verdict:\n%s", d);
    }
    free(c);
    free(w);
}

/* ---- arguments ---- */

static contour_graph *const SENTINEL_G = (contour_graph *)(uintptr_t)0x10;
static contour_verdict *const SENTINEL_V = (contour_verdict *)(uintptr_t)0x10;

/* Both calls refuse the same arguments with CONTOUR_ERR_INVALID and *out NULL. */
static void refuse(const contour_snapshot *s, const contour_graph *g, contour_operation op,
                   const char *name, size_t name_len, const char *doc, size_t len,
                   contour_format format)
{
    contour_graph *wg = SENTINEL_G;
    assert_int_equal(contour_whatif(&wg, s, g, op, name, name_len, doc, len, format),
                     CONTOUR_ERR_INVALID);
    assert_null(wg);
    contour_verdict *v = SENTINEL_V;
    assert_int_equal(contour_review(&v, s, g, NULL, op, name, name_len, doc, len, format),
                     CONTOUR_ERR_INVALID);
    assert_null(v);
}

static void test_arguments(void **state)
{
    (void)state;
    world w;
    world_open(&w, CLUSTER);
    const char *doc = FRESH_ROOT;
    size_t len = strlen(doc);
    const contour_operation C = CONTOUR_OPERATION_CREATE;

    assert_int_equal(contour_whatif(NULL, w.s, w.g, C, "n", 1, doc, len, CONTOUR_FORMAT_AUTO),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_review(NULL, w.s, w.g, NULL, C, "n", 1, doc, len, CONTOUR_FORMAT_AUTO),
                     CONTOUR_ERR_INVALID);
    refuse(NULL, w.g, C, "n", 1, doc, len, CONTOUR_FORMAT_AUTO);
    refuse(w.s, NULL, C, "n", 1, doc, len, CONTOUR_FORMAT_AUTO);
    refuse(w.s, w.g, C, NULL, 1, doc, len, CONTOUR_FORMAT_AUTO);
    refuse(w.s, w.g, C, "n", 1, NULL, len, CONTOUR_FORMAT_AUTO);
    refuse(w.s, w.g, C, "a\0b", 3, doc, len, CONTOUR_FORMAT_AUTO); /* NUL in the name */
    refuse(w.s, w.g, C, "\xff", 1, doc, len, CONTOUR_FORMAT_AUTO); /* not UTF-8 */
    refuse(w.s, w.g, C, "n", 1, doc, len, (contour_format)99);
    /* Operations: only the three. */
    refuse(w.s, w.g, (contour_operation)3, "n", 1, doc, len, CONTOUR_FORMAT_AUTO);
    refuse(w.s, w.g, (contour_operation)-1, "n", 1, doc, len, CONTOUR_FORMAT_AUTO);
    assert_string_equal(contour_operation_name(CONTOUR_OPERATION_CREATE), "CREATE");
    assert_string_equal(contour_operation_name(CONTOUR_OPERATION_UPDATE), "UPDATE");
    assert_string_equal(contour_operation_name(CONTOUR_OPERATION_DELETE), "DELETE");
    assert_string_equal(contour_operation_name((contour_operation)3), "");

    /* Two objects: one change at a time. */
    text two = {0};
    put(&two, "%s---\n%s", FRESH_ROOT, LONELY);
    refuse(w.s, w.g, C, "n", 1, two.p, two.len, CONTOUR_FORMAT_AUTO);
    refuse(w.s, w.g, CONTOUR_OPERATION_DELETE, "n", 1, two.p, two.len, CONTOUR_FORMAT_AUTO);
    free(two.p);

    /* A base of another snapshot, even one holding the same objects. */
    world other;
    world_open(&other, CLUSTER);
    refuse(w.s, other.g, C, "n", 1, doc, len, CONTOUR_FORMAT_AUTO);
    refuse(other.s, w.g, C, "n", 1, doc, len, CONTOUR_FORMAT_AUTO);
    /* A base of an older version: the snapshot changed after it was resolved. */
    assert_int_equal(contour_snapshot_load_buffer(other.s, "more.yaml", 9, LONELY, strlen(LONELY),
                                                  CONTOUR_FORMAT_AUTO),
                     CONTOUR_OK);
    refuse(other.s, other.g, C, "n", 1, doc, len, CONTOUR_FORMAT_AUTO);
    /* ... even when the change is undone (the version only grows). */
    assert_int_equal(
        contour_snapshot_remove(other.s, CONTOUR_KIND_INGRESSROUTE, "team-a", 6, "lonely", 6),
        CONTOUR_OK);
    refuse(other.s, other.g, C, "n", 1, doc, len, CONTOUR_FORMAT_AUTO);
    /* Resolved again, it is a base. */
    contour_graph *again = NULL;
    assert_int_equal(contour_resolve(&again, other.s, NULL), CONTOUR_OK);
    contour_verdict *v = NULL;
    assert_int_equal(
        contour_review(&v, other.s, again, NULL, C, "n", 1, doc, len, CONTOUR_FORMAT_AUTO),
        CONTOUR_OK);
    contour_verdict_free(v);
    contour_graph_free(again);
    world_close(&other);

    /* An empty input: no object to ask about. contour_whatif() needs exactly one;
     * contour_review() finds nothing modelled in it, so nothing to object to. */
    contour_graph *wg = SENTINEL_G;
    assert_int_equal(contour_whatif(&wg, w.s, w.g, C, "n", 1, NULL, 0, CONTOUR_FORMAT_AUTO),
                     CONTOUR_ERR_INVALID);
    assert_null(wg);
    assert_int_equal(contour_whatif(&wg, w.s, w.g, C, "n", 1, "", 0, CONTOUR_FORMAT_YAML),
                     CONTOUR_ERR_INVALID);
    v = NULL;
    assert_int_equal(contour_review(&v, w.s, w.g, NULL, C, "n", 1, NULL, 0, CONTOUR_FORMAT_AUTO),
                     CONTOUR_OK);
    expect(v, true, "", "", "");
    assert_null(contour_verdict_status(v));
    assert_null(contour_verdict_diff(v));
    contour_verdict_free(v);
    /* A kind the library does not model: no what-if graph, an allowed verdict. */
    wg = SENTINEL_G;
    assert_int_equal(contour_whatif(&wg, w.s, w.g, C, "n", 1, DEPLOYMENT, strlen(DEPLOYMENT),
                                    CONTOUR_FORMAT_AUTO),
                     CONTOUR_ERR_INVALID);
    assert_null(wg);

    /* The accessors take NULL. */
    contour_verdict_free(NULL);
    assert_false(contour_verdict_allowed(NULL));
    assert_string_equal(contour_verdict_message(NULL), "");
    assert_int_equal(contour_verdict_warning_count(NULL), 0);
    assert_null(contour_verdict_warning_at(NULL, 0));
    assert_int_equal(contour_verdict_finding_count(NULL, CONTOUR_FINDING_INVALID), 0);
    assert_null(contour_verdict_status(NULL));
    assert_null(contour_verdict_diff(NULL));
    v = review(&w, C, FRESH_ROOT);
    assert_null(contour_verdict_warning_at(v, 0));
    assert_int_equal(contour_verdict_finding_count(v, (contour_finding)7), 0);
    assert_int_equal(contour_verdict_finding_count(v, (contour_finding)-1), 0);
    contour_verdict_free(v);
    world_close(&w);
}

/* ---- every finding, each on a minimal cluster ---- */

#define SVC_WEB SVC_HEAD "metadata: {name: web, namespace: team-a}\nspec:\n  ports:\n  - port: 80\n"
#define SVC_API SVC_HEAD "metadata: {name: api, namespace: team-a}\nspec:\n  ports:\n  - port: 80\n"
/* team-a/root for a.example.com: / -> web, /api delegated to team-a/api-child. */
#define ROOT_A                                                                                     \
    IR_HEAD "metadata: {name: root, namespace: team-a}\n"                                          \
            "spec:\n"                                                                              \
            "  virtualhost: {fqdn: a.example.com}\n"                                               \
            "  routes:\n"                                                                          \
            "  - match: /\n"                                                                       \
            "    services: [{name: web, port: 80}]\n"                                              \
            "  - match: /api\n"                                                                    \
            "    delegate: {name: api-child}\n"
#define CHILD_A                                                                                    \
    IR_HEAD "metadata: {name: api-child, namespace: team-a}\n"                                     \
            "spec:\n"                                                                              \
            "  routes:\n"                                                                          \
            "  - match: /api\n"                                                                    \
            "    services: [{name: api, port: 80}]\n"

#define ROOT_PLAIN                                                                                 \
    IR_HEAD "metadata: {name: root, namespace: team-a}\n"                                          \
            "spec:\n"                                                                              \
            "  virtualhost: {fqdn: a.example.com}\n"                                               \
            "  routes:\n"                                                                          \
            "  - match: /\n"                                                                       \
            "    services: [{name: web, port: 80}]\n"
#define SECRET_TLS                                                                                 \
    SECRET_HEAD "metadata: {name: tls-cert, namespace: team-a}\n"                                  \
                "type: kubernetes.io/tls\n"                                                        \
                "data: {tls.crt: eA==, tls.key: eA==}\n"
#define ROOT_TLS                                                                                   \
    IR_HEAD "metadata: {name: root, namespace: team-a}\n"                                          \
            "spec:\n"                                                                              \
            "  virtualhost:\n"                                                                     \
            "    fqdn: a.example.com\n"                                                            \
            "    tls: {secretName: tls-cert}\n"                                                    \
            "  routes:\n"                                                                          \
            "  - match: /\n"                                                                       \
            "    services: [{name: web, port: 80}]\n"
#define A_TREE SVC_WEB "---\n" SVC_API "---\n" ROOT_A "---\n" CHILD_A
#define TCD_WARNING                                                                                \
    "it would add 1 warning: IngressRoute team-b/blog: TLS secret \"team-a/shared-cert\" is not "  \
    "delegated to namespace \"team-b\" (no TLSCertificateDelegation in namespace \"team-a\" "      \
    "lists "                                                                                       \
    "it for that namespace or \"*\"); virtual host \"b.example.com\" is served without TLS\n"

/* One review on a small cluster and what it must answer. */
typedef struct verdict_case {
    const char *what; /* for failure messages */
    const char *cluster;
    contour_operation op;
    const char *doc;
    bool allowed;
    const char *counts;   /* "finding=N ..." */
    const char *message;  /* "" when allowed */
    const char *warnings; /* each followed by a newline */
    int state;            /* the changed object's own status: a contour_state, or NONE */
    int diff;             /* EMPTY, CHANGES, or NONE (nothing was reviewed) */
} verdict_case;

enum { NONE = -1, CHANGES = 0, EMPTY = 1 };
#define C_ CONTOUR_OPERATION_CREATE
#define U_ CONTOUR_OPERATION_UPDATE
#define D_ CONTOUR_OPERATION_DELETE

static void run_verdict_cases(const verdict_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const verdict_case *c = &cases[i];
        print_message("%s\n", c->what);
        world w;
        world_open(&w, c->cluster);
        contour_verdict *v = review(&w, c->op, c->doc);
        expect(v, c->allowed, c->counts, c->message, c->warnings);
        const contour_status *st = contour_verdict_status(v);
        if (c->state == NONE) {
            assert_null(st);
        } else {
            assert_non_null(st);
            assert_int_equal(contour_status_state(st), c->state);
        }
        const contour_diff *d = contour_verdict_diff(v);
        if (c->diff == NONE) {
            assert_null(d);
        } else {
            assert_non_null(d);
            assert_int_equal(contour_diff_is_empty(d), c->diff == EMPTY);
        }
        contour_verdict_free(v);
        world_close(&w);
    }
}

#define RUN(cases) run_verdict_cases(cases, sizeof cases / sizeof *cases)

static void test_invalid(void **state)
{
    (void)state;
    static const verdict_case cases[] = {
        /* The root delegates /api to a child that does not exist yet (a warning today). */
        {"a child whose prefix escapes its parent's", SVC_WEB "---\n" SVC_API "---\n" ROOT_A, C_,
         IR_HEAD "metadata: {name: api-child, namespace: team-a}\n"
                 "spec:\n"
                 "  routes:\n"
                 "  - match: /other\n"
                 "    services: [{name: api, port: 80}]\n",
         false, "invalid=1",
         "IngressRoute team-a/api-child would be invalid: the path prefix \"/other\" does not "
         "match the parent's path prefix \"/api\"",
         "", CONTOUR_STATE_INVALID, CHANGES},
        {"the same child within the prefix", SVC_WEB "---\n" SVC_API "---\n" ROOT_A, C_, CHILD_A,
         true, "", "", "", CONTOUR_STATE_VALID, CHANGES},
        /* Both roots become invalid, and what the first served goes. */
        {"a duplicate fqdn", SVC_WEB "---\n" ROOT_PLAIN, C_, DUP_ROOT, false,
         "invalid=1 breaks-others=1 drops-routes=1",
         "IngressRoute team-x/dup would be invalid: " DUP_TEXT "; it would break 1 other object: "
         "IngressRoute team-a/root (invalid: " DUP_TEXT
         "); it would drop 1 route that serves today: a.example.com/",
         "", CONTOUR_STATE_INVALID, CHANGES},
        {"a delegation cycle", A_TREE, U_,
         IR_HEAD "metadata: {name: api-child, namespace: team-a}\n"
                 "spec:\n"
                 "  routes:\n"
                 "  - match: /api\n"
                 "    delegate: {name: api-child}\n",
         false, "invalid=1 drops-routes=1",
         "IngressRoute team-a/api-child would be invalid: route creates a delegation cycle: "
         "team-a/root -> team-a/api-child -> team-a/api-child; it would drop 1 route that serves "
         "today: a.example.com/api",
         "", CONTOUR_STATE_INVALID, CHANGES},
    };
    RUN(cases);
    /* The status is the object's own, with Contour's description. */
    world w;
    world_open(&w, SVC_WEB "---\n" SVC_API "---\n" ROOT_A);
    contour_verdict *v = review(&w, C_, cases[0].doc);
    const contour_status *st = contour_verdict_status(v);
    assert_string_equal(contour_status_namespace(st), "team-a");
    assert_string_equal(contour_status_name(st), "api-child");
    assert_string_equal(contour_status_description(st),
                        "the path prefix \"/other\" does not match the parent's path prefix "
                        "\"/api\"");
    contour_verdict_free(v);
    world_close(&w);
}

static void test_orphaned(void **state)
{
    (void)state;
    static const verdict_case cases[] = {
        /* By default a warning: the child may come before its parent. */
        {"an IngressRoute nobody delegates to", SVC_WEB, C_, LONELY, true, "orphaned=1", "",
         "IngressRoute team-a/lonely would be orphaned: " ORPHAN_TEXT "\n", CONTOUR_STATE_ORPHANED,
         CHANGES},
    };
    RUN(cases);
}

static void test_breaks_others(void **state)
{
    (void)state;
    static const verdict_case cases[] = {
        {"a new root taking another root's fqdn", A_TREE, C_, DUP_ROOT, false,
         "invalid=1 breaks-others=2 drops-routes=2",
         "IngressRoute team-x/dup would be invalid: " DUP_TEXT
         "; it would break 2 other objects: IngressRoute team-a/api-child (orphaned: " ORPHAN_TEXT
         "), IngressRoute team-a/root (invalid: " DUP_TEXT
         "); it would drop 2 routes that serve today: a.example.com/api, a.example.com/",
         "", CONTOUR_STATE_INVALID, CHANGES},
        /* A deleted object has no status. */
        {"deleting a parent", A_TREE, D_, DEL_ROOT, false, "breaks-others=1 drops-routes=2",
         "it would break 1 other object: IngressRoute team-a/api-child (orphaned: " ORPHAN_TEXT
         "); it would drop 2 routes that serve today: a.example.com/api, a.example.com/",
         "", NONE, CHANGES},
    };
    RUN(cases);
}

static void test_drops_routes(void **state)
{
    (void)state;
    static const verdict_case cases[] = {
        {"deleting a delegate that serves routes", A_TREE, D_, DEL_CHILD, false,
         "drops-routes=1 warnings=1", "it would drop 1 route that serves today: a.example.com/api",
         "it would add 1 warning: IngressRoute team-a/root: route \"/api\": delegate target "
         "team-a/api-child not found\n",
         NONE, CHANGES},
        /* The route stays, with no cluster; a Service has no status. */
        {"a Service port change", A_TREE, U_, WEB_PORT_81, false, "drops-routes=1 warnings=1",
         "it would drop 1 route that serves today: a.example.com/ (no cluster left)",
         "it would add 1 warning: IngressRoute team-a/root: Service team-a/web has no port 80; "
         "route \"/\" has no cluster for it\n",
         NONE, CHANGES},
        {"deleting the Service", A_TREE, D_, SVC_HEAD "metadata: {name: web, namespace: team-a}\n",
         false, "drops-routes=1 warnings=1",
         "it would drop 1 route that serves today: a.example.com/ (no cluster left)",
         "it would add 1 warning: IngressRoute team-a/root: Service team-a/web not found; route "
         "\"/\" has no cluster for it\n",
         NONE, CHANGES},
        {"an exact route, named as one",
         SVC_WEB "---\n" ROOT_PLAIN "---\n"
                 "apiVersion: networking.k8s.io/v1\n"
                 "kind: Ingress\n"
                 "metadata: {name: exact, namespace: team-a}\n"
                 "spec:\n"
                 "  rules:\n"
                 "  - host: a.example.com\n"
                 "    http:\n"
                 "      paths:\n"
                 "      - path: /healthz\n"
                 "        pathType: Exact\n"
                 "        backend: {service: {name: web, port: {number: 80}}}\n",
         D_,
         "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
         "metadata: {name: exact, namespace: team-a}\n",
         false, "drops-routes=1",
         "it would drop 1 route that serves today: a.example.com/healthz (exact)", "", NONE,
         CHANGES},
    };
    RUN(cases);
}

static void test_takes_routes(void **state)
{
    (void)state;
    /* An Ingress serves c.example.com/; an IngressRoute root for the same virtual host wins
     * the prefix (docs/resolution.md, rule 10: IngressRoute walks come first), and the
     * Ingress's route now loses (a route-conflict warning). */
    static const verdict_case cases[] = {
        {"an IngressRoute root for an Ingress's virtual host",
         SVC_HEAD "metadata: {name: legacy, namespace: team-c}\n"
                  "spec:\n  ports:\n  - port: 80\n"
                  "---\n"
                  "apiVersion: networking.k8s.io/v1beta1\n"
                  "kind: Ingress\n"
                  "metadata: {name: legacy, namespace: team-c}\n"
                  "spec:\n"
                  "  rules:\n"
                  "  - host: c.example.com\n"
                  "    http:\n"
                  "      paths:\n"
                  "      - path: /\n"
                  "        backend: {serviceName: legacy, servicePort: 80}\n",
         C_, C_ROOT, true, "takes-routes=1 warnings=1", "",
         "it would give 1 route to another owner: c.example.com/ from Ingress team-c/legacy to "
         "IngressRoute team-c/c-root\n"
         "it would add 1 warning: Ingress team-c/legacy: prefix \"/\" on virtual host "
         "\"c.example.com\" is already routed by IngressRoute team-c/c-root; this route is "
         "ignored\n",
         CONTOUR_STATE_VALID, CHANGES},
    };
    RUN(cases);
}

static void test_drops_tls(void **state)
{
    (void)state;
    static const verdict_case cases[] = {
        {"deleting a Secret in use", SVC_WEB "---\n" SECRET_TLS "---\n" ROOT_TLS, D_,
         DEL_TLS_SECRET, false, "drops-tls=1 warnings=1",
         "it would remove or change TLS on 1 virtual host: a.example.com",
         "it would add 1 warning: IngressRoute team-a/root: TLS secret \"team-a/tls-cert\" not "
         "found; virtual host \"a.example.com\" is served without TLS\n",
         NONE, CHANGES},
        /* A certificate rotation: the graph does not show the Secret's data. */
        {"replacing the Secret's data in place", SVC_WEB "---\n" SECRET_TLS "---\n" ROOT_TLS, U_,
         SECRET_HEAD "metadata: {name: tls-cert, namespace: team-a}\n"
                     "type: kubernetes.io/tls\n"
                     "data: {tls.crt: eQ==, tls.key: eQ==}\n",
         true, "", "", "", NONE, EMPTY},
        {"a TLSCertificateDelegation change that drops TLS in another namespace", CLUSTER, U_,
         TCD_ELSEWHERE, false, "drops-tls=1 warnings=1",
         "it would remove or change TLS on 1 virtual host: b.example.com", TCD_WARNING, NONE,
         CHANGES},
        {"deleting the delegation", CLUSTER, D_,
         "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\n"
         "metadata: {name: delegation, namespace: team-a}\n",
         false, "drops-tls=1 warnings=1",
         "it would remove or change TLS on 1 virtual host: b.example.com", TCD_WARNING, NONE,
         CHANGES},
    };
    RUN(cases);
}

static void test_warnings(void **state)
{
    (void)state;
    static const verdict_case cases[] = {
        {"a new route to a Service that does not exist", SVC_WEB "---\n" ROOT_PLAIN, U_,
         ROOT_PLAIN "  - match: /new\n"
                    "    services: [{name: missing, port: 80}]\n",
         true, "warnings=1", "",
         "it would add 1 warning: IngressRoute team-a/root: Service team-a/missing not found; "
         "route \"/new\" has no cluster for it\n",
         CONTOUR_STATE_VALID, CHANGES},
        /* A load warning of the object itself counts too. */
        {"an unknown field", SVC_WEB "---\n" ROOT_PLAIN, U_, ROOT_PLAIN "bogus: 1\n", true,
         "warnings=1", "",
         "it would add 1 warning: IngressRoute team-a/root: unknown field \"bogus\" in "
         "IngressRoute\n",
         CONTOUR_STATE_VALID, CHANGES},
    };
    RUN(cases);
}

static void test_nothing_to_review(void **state)
{
    (void)state;
    static const verdict_case cases[] = {
        /* A kind the library does not model: allowed, no findings, nothing computed. */
        {"creating a Deployment", CLUSTER, C_, DEPLOYMENT, true, "", "", "", NONE, NONE},
        {"updating a Deployment", CLUSTER, U_, DEPLOYMENT, true, "", "", "", NONE, NONE},
        {"deleting a Deployment", CLUSTER, D_, DEPLOYMENT, true, "", "", "", NONE, NONE},
        /* A modelled kind the loader refuses: denied with the loader's error. */
        {"a malformed IngressRoute", CLUSTER, C_,
         IR_HEAD "metadata: {name: bad, namespace: team-a}\n"
                 "spec:\n"
                 "  routes: \"a string\"\n",
         false, "invalid=1", "spec.routes: expected a list, found a string \"a string\"", "", NONE,
         NONE},
        {"input that is not YAML", CLUSTER, U_, "kind: [unclosed\n", false, "invalid=1",
         "did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 7)", "",
         NONE, NONE},
        /* Deleting what is not there, or what the loader refuses, harms nothing. */
        {"deleting an object that does not exist", CLUSTER, D_,
         IR_HEAD "metadata: {name: nothere, namespace: team-a}\n", true, "", "", "", NONE, EMPTY},
        {"deleting input that is not YAML", CLUSTER, D_, "kind: [unclosed\n", true, "", "", "",
         NONE, NONE},
        {"a new root with a fresh fqdn", CLUSTER, C_, FRESH_ROOT, true, "", "", "",
         CONTOUR_STATE_VALID, CHANGES},
        {"an update the graph does not show", CLUSTER, U_,
         SVC_HEAD "metadata: {name: web, namespace: team-a, labels: {x: y}}\n"
                  "spec:\n  ports:\n  - port: 80\n",
         true, "", "", "", NONE, EMPTY},
    };
    RUN(cases);
}

/* ---- policies move findings ---- */

/* One proposal on CLUSTER, and for each finding it makes, the sentence a policy that
 * warns or denies it writes. */
typedef struct scenario {
    contour_operation op;
    const char *doc;
    const char *sentence[7];
} scenario;

static const scenario scenarios[] = {
    {CONTOUR_OPERATION_CREATE,
     DUP_ROOT,
     {[CONTOUR_FINDING_INVALID] = "IngressRoute team-x/dup would be invalid: " DUP_TEXT,
      [CONTOUR_FINDING_BREAKS_OTHERS] =
          "it would break 2 other objects: IngressRoute team-a/api-child (orphaned: " ORPHAN_TEXT
          "), IngressRoute team-a/root (invalid: " DUP_TEXT ")",
      [CONTOUR_FINDING_DROPS_ROUTES] =
          "it would drop 2 routes that serve today: a.example.com/api, a.example.com/",
      [CONTOUR_FINDING_DROPS_TLS] =
          "it would remove or change TLS on 1 virtual host: a.example.com"}},
    {CONTOUR_OPERATION_CREATE,
     LONELY,
     {[CONTOUR_FINDING_ORPHANED] = "IngressRoute team-a/lonely would be orphaned: " ORPHAN_TEXT}},
    {CONTOUR_OPERATION_CREATE,
     C_ROOT,
     {[CONTOUR_FINDING_TAKES_ROUTES] = "it would give 1 route to another owner: c.example.com/ "
                                       "from Ingress team-c/legacy to IngressRoute team-c/c-root",
      [CONTOUR_FINDING_WARNINGS] =
          "it would add 1 warning: Ingress team-c/legacy: prefix \"/\" on virtual host "
          "\"c.example.com\" is already routed by IngressRoute team-c/c-root; this route is "
          "ignored"}},
};

/* Each finding set to allow, warn and deny in turn, every other finding allowed: the
 * verdict follows, and the counts stay whatever the policy. */
static void test_policy_moves(void **state)
{
    (void)state;
    world w;
    world_open(&w, CLUSTER);
    size_t seen[7] = {0};
    for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {
        const scenario *sc = &scenarios[i];
        for (size_t k = 0; k < 7; k++) {
            if (!sc->sentence[k])
                continue;
            seen[k]++;
            for (int a = 0; a < 3; a++) {
                contour_policy *p = NULL;
                assert_int_equal(contour_policy_new(&p), CONTOUR_OK);
                for (size_t j = 0; j < 7; j++)
                    assert_int_equal(contour_policy_set_action(p, (contour_finding)j,
                                                               j == k ? (contour_policy_action)a
                                                                      : CONTOUR_POLICY_ALLOW),
                                     CONTOUR_OK);
                contour_verdict *v = review_with(&w, p, sc->op, sc->doc);
                char *want_warning = NULL;
                if (a == CONTOUR_POLICY_WARN) {
                    size_t n = strlen(sc->sentence[k]);
                    want_warning = malloc(n + 2);
                    assert_non_null(want_warning);
                    memcpy(want_warning, sc->sentence[k], n);
                    memcpy(want_warning + n, "\n", 2);
                }
                char *c = counts(v);
                expect(v, a != CONTOUR_POLICY_DENY, c,
                       a == CONTOUR_POLICY_DENY ? sc->sentence[k] : "",
                       want_warning ? want_warning : "");
                assert_true(contour_verdict_finding_count(v, (contour_finding)k) > 0);
                free(c);
                free(want_warning);
                contour_verdict_free(v);
                contour_policy_free(p);
            }
        }
    }
    for (size_t k = 0; k < 7; k++)
        assert_true(seen[k] > 0); /* every finding was moved */

    /* Several denials join with "; ", in finding order; several warnings stay apart. */
    contour_policy *p = NULL;
    assert_int_equal(contour_policy_new(&p), CONTOUR_OK);
    contour_verdict *v = review_with(&w, p, CONTOUR_OPERATION_CREATE, DUP_ROOT);
    text want = {0};
    put(&want, "%s; %s; %s; %s", scenarios[0].sentence[CONTOUR_FINDING_INVALID],
        scenarios[0].sentence[CONTOUR_FINDING_BREAKS_OTHERS],
        scenarios[0].sentence[CONTOUR_FINDING_DROPS_ROUTES],
        scenarios[0].sentence[CONTOUR_FINDING_DROPS_TLS]);
    expect(v, false, "invalid=1 breaks-others=2 drops-routes=2 drops-tls=1", want.p, "");
    contour_verdict_free(v);
    for (size_t j = 0; j < 7; j++)
        assert_int_equal(contour_policy_set_action(p, (contour_finding)j, CONTOUR_POLICY_WARN),
                         CONTOUR_OK);
    v = review_with(&w, p, CONTOUR_OPERATION_CREATE, DUP_ROOT);
    text ws = {0};
    put(&ws, "%s\n%s\n%s\n%s\n", scenarios[0].sentence[CONTOUR_FINDING_INVALID],
        scenarios[0].sentence[CONTOUR_FINDING_BREAKS_OTHERS],
        scenarios[0].sentence[CONTOUR_FINDING_DROPS_ROUTES],
        scenarios[0].sentence[CONTOUR_FINDING_DROPS_TLS]);
    expect(v, true, "invalid=1 breaks-others=2 drops-routes=2 drops-tls=1", "", ws.p);
    contour_verdict_free(v);
    /* Allowing everything: allowed, silent, the counts still there. */
    for (size_t j = 0; j < 7; j++)
        assert_int_equal(contour_policy_set_action(p, (contour_finding)j, CONTOUR_POLICY_ALLOW),
                         CONTOUR_OK);
    v = review_with(&w, p, CONTOUR_OPERATION_CREATE, DUP_ROOT);
    expect(v, true, "invalid=1 breaks-others=2 drops-routes=2 drops-tls=1", "", "");
    contour_verdict_free(v);
    /* The same with a DENY on the invalid object alone, and the loader's refusal. */
    assert_int_equal(contour_policy_set_action(p, CONTOUR_FINDING_INVALID, CONTOUR_POLICY_WARN),
                     CONTOUR_OK);
    v = review_with(&w, p, CONTOUR_OPERATION_CREATE, "kind: [unclosed\n");
    expect(v, true, "invalid=1", "",
           "did not find expected ',' or ']' (while parsing a flow sequence at line 1, column "
           "7)\n");
    contour_verdict_free(v);
    free(want.p);
    free(ws.p);
    contour_policy_free(p);
    world_close(&w);
}

/* A parent of four children, each serving one route. */
static void test_max_listed(void **state)
{
    (void)state;
    text t = {0};
    put(&t, "%s---\n", SVC_WEB);
    put(&t, IR_HEAD "metadata: {name: root, namespace: team-a}\nspec:\n"
                    "  virtualhost: {fqdn: a.example.com}\n  routes:\n"
                    "  - match: /\n    services: [{name: web, port: 80}]\n");
    for (int i = 1; i <= 4; i++)
        put(&t, "  - match: /c%d\n    delegate: {name: c%d}\n", i, i);
    for (int i = 1; i <= 4; i++)
        put(&t,
            "---\n" IR_HEAD "metadata: {name: c%d, namespace: team-a}\nspec:\n  routes:\n"
            "  - match: /c%d\n    services: [{name: web, port: 80}]\n",
            i, i);
    world w;
    world_open(&w, t.p);
    free(t.p);
    contour_policy *p = NULL;
    assert_int_equal(contour_policy_new(&p), CONTOUR_OK);
    /* The default lists five. */
    contour_verdict *v = review_with(&w, p, CONTOUR_OPERATION_DELETE, DEL_ROOT);
    expect(v, false, "breaks-others=4 drops-routes=5",
           "it would break 4 other objects: IngressRoute team-a/c1 (orphaned: " ORPHAN_TEXT
           "), IngressRoute team-a/c2 (orphaned: " ORPHAN_TEXT
           "), IngressRoute team-a/c3 (orphaned: " ORPHAN_TEXT
           "), IngressRoute team-a/c4 (orphaned: " ORPHAN_TEXT
           "); it would drop 5 routes that serve today: a.example.com/c4, a.example.com/c3, "
           "a.example.com/c2, a.example.com/c1, a.example.com/",
           "");
    contour_verdict_free(v);
    assert_int_equal(contour_policy_set_max_listed(p, 2), CONTOUR_OK);
    v = review_with(&w, p, CONTOUR_OPERATION_DELETE, DEL_ROOT);
    expect(v, false, "breaks-others=4 drops-routes=5",
           "it would break 4 other objects: IngressRoute team-a/c1 (orphaned: " ORPHAN_TEXT
           "), IngressRoute team-a/c2 (orphaned: " ORPHAN_TEXT
           ") and 2 more; it would drop 5 routes that serve today: a.example.com/c4, "
           "a.example.com/c3 and 3 more",
           "");
    contour_verdict_free(v);
    /* Exactly max_listed: no "and 0 more". */
    assert_int_equal(contour_policy_set_max_listed(p, 4), CONTOUR_OK);
    v = review_with(&w, p, CONTOUR_OPERATION_DELETE, DEL_ROOT);
    assert_non_null(strstr(contour_verdict_message(v), "team-a/c4 (orphaned: " ORPHAN_TEXT "); "));
    assert_non_null(strstr(contour_verdict_message(v), "a.example.com/c1 and 1 more"));
    assert_null(strstr(contour_verdict_message(v), "and 0 more"));
    contour_verdict_free(v);
    /* One. */
    assert_int_equal(contour_policy_set_max_listed(p, 1), CONTOUR_OK);
    v = review_with(&w, p, CONTOUR_OPERATION_DELETE, DEL_ROOT);
    expect(v, false, "breaks-others=4 drops-routes=5",
           "it would break 4 other objects: IngressRoute team-a/c1 (orphaned: " ORPHAN_TEXT
           ") and 3 more; it would drop 5 routes that serve today: a.example.com/c4 and 4 more",
           "");
    contour_verdict_free(v);
    contour_policy_free(p);
    world_close(&w);
}

/* ---- a verdict holds what it shows ---- */

static void test_verdict_outlives_handles(void **state)
{
    (void)state;
    world w;
    world_open(&w, CLUSTER);
    contour_policy *p = NULL;
    assert_int_equal(contour_policy_new(&p), CONTOUR_OK);
    assert_int_equal(contour_policy_set_max_listed(p, 1), CONTOUR_OK);
    contour_verdict *v = review_with(&w, p, CONTOUR_OPERATION_CREATE, DUP_ROOT);
    char *before = describe(v);
    contour_policy_free(p);
    world_close(&w);
    /* Everything the verdict shows, read with its handles gone (ASan and valgrind watch). */
    char *after = describe(v);
    assert_string_equal(before, after);
    const contour_status *st = contour_verdict_status(v);
    assert_string_equal(contour_status_namespace(st), "team-x");
    assert_string_equal(contour_status_name(st), "dup");
    assert_string_equal(contour_status_description(st), DUP_TEXT);
    assert_int_equal(contour_status_vhost_count(st), 0);
    const contour_diff *d = contour_verdict_diff(v);
    assert_int_equal(contour_diff_vhost_count(d), 2);
    for (size_t i = 0; i < 2; i++) {
        const contour_vhost_change *c = contour_diff_vhost_at(d, i);
        assert_string_equal(contour_vhost_change_fqdn(c), "a.example.com");
        assert_int_equal(contour_vhost_change_kind(c), CONTOUR_CHANGE_REMOVED);
        assert_string_equal(contour_vhost_change_listener(c),
                            i == 0 ? "ingress_http" : "ingress_https");
        const contour_vhost *old = contour_vhost_change_old(c);
        assert_non_null(old);
        assert_string_equal(contour_vhost_fqdn(old), "a.example.com");
        assert_int_equal(contour_vhost_change_route_count(c), 2);
        const contour_route_change *rc = contour_vhost_change_route_at(c, 0);
        assert_string_equal(contour_route_change_path(rc), "/api");
        assert_string_equal(contour_route_path(contour_route_change_old(rc)), "/api");
        assert_string_equal(contour_route_source_name(contour_route_change_old(rc)), "api-child");
    }
    assert_int_equal(contour_diff_status_count(d), 3);
    const contour_status_change *sc = contour_diff_status_at(d, 2);
    assert_int_equal(contour_status_change_kind(sc), CONTOUR_CHANGE_ADDED);
    assert_string_equal(contour_status_name(contour_status_change_new(sc)), "dup");
    sc = contour_diff_status_at(d, 1);
    assert_string_equal(contour_status_description(contour_status_change_old(sc)),
                        "valid IngressRoute");
    assert_string_equal(contour_status_description(contour_status_change_new(sc)), DUP_TEXT);
    free(before);
    free(after);
    contour_verdict_free(v);
}

/* ---- the what-if graph is the resolved graph ---- */

typedef struct docs {
    char **doc;
    size_t n;
} docs;

static void docs_free(docs *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->doc[i]);
    free(d->doc);
}

/* Splits a YAML stream at its "---" lines. */
static docs split_docs(const char *s)
{
    docs d = {NULL, 0};
    text cur = {0};
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        bool sep = strncmp(p, "---", 3) == 0 && (n == 3 || p[3] == '\n' || p[3] == ' ');
        if (sep) {
            if (cur.len) {
                d.doc = realloc(d.doc, (d.n + 1) * sizeof *d.doc);
                assert_non_null(d.doc);
                d.doc[d.n++] = cur.p;
                cur = (text){0};
            }
        } else {
            put(&cur, "%.*s", (int)n, p);
        }
        p += n;
    }
    if (cur.len) {
        d.doc = realloc(d.doc, (d.n + 1) * sizeof *d.doc);
        assert_non_null(d.doc);
        d.doc[d.n++] = cur.p;
    } else {
        free(cur.p);
    }
    return d;
}

/* The golden case's `config` (tests/run_cases.c reads the same lines). */
static contour_config *case_config(const char *dir)
{
    contour_config *cfg = NULL;
    assert_int_equal(contour_config_new(&cfg), CONTOUR_OK);
    char path[8192];
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return cfg;
    char line[1024];
    uint32_t http = 80, https = 443;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *val = strchr(line, ' ');
        assert_non_null(val);
        *val++ = '\0';
        if (strcmp(line, "http-port") == 0) {
            http = (uint32_t)strtoul(val, NULL, 10);
        } else if (strcmp(line, "https-port") == 0) {
            https = (uint32_t)strtoul(val, NULL, 10);
        } else if (strcmp(line, "root-namespaces") == 0) {
            for (char *ns = strtok(val, ","); ns; ns = strtok(NULL, ","))
                assert_int_equal(contour_config_add_root_namespace(cfg, ns, strlen(ns)),
                                 CONTOUR_OK);
        } else if (strcmp(line, "ingress-class") == 0) {
            const char *cls = strcmp(val, "\"\"") == 0 ? "" : val;
            assert_int_equal(contour_config_set_ingress_class(cfg, cls, strlen(cls)), CONTOUR_OK);
        } else if (strcmp(line, "default-namespace") == 0) {
            assert_int_equal(contour_config_set_default_namespace(cfg, val, strlen(val)),
                             CONTOUR_OK);
        } else if (strcmp(line, "limit-routes") == 0) {
            assert_int_equal(
                contour_config_set_limit(cfg, CONTOUR_LIMIT_ROUTES, strtoull(val, NULL, 10)),
                CONTOUR_OK);
        } else {
            fail_msg("%s: unknown config line %s", path, line);
        }
    }
    fclose(f);
    assert_int_equal(contour_config_set_ports(cfg, http, https), CONTOUR_OK);
    return cfg;
}

/* A snapshot of the documents, each its own source "doc-NN"; document `skip` left out,
 * document `swap` replaced by `with`. */
static contour_snapshot *docs_snapshot(const contour_config *cfg, const docs *d, size_t skip,
                                       size_t swap, const char *with)
{
    contour_snapshot *s = NULL;
    assert_int_equal(contour_snapshot_new(&s, cfg), CONTOUR_OK);
    for (size_t i = 0; i < d->n; i++) {
        if (i == skip)
            continue;
        const char *doc = i == swap ? with : d->doc[i];
        char name[32];
        snprintf(name, sizeof name, "doc-%02zu", i);
        contour_result rc = contour_snapshot_set_source(s, name, strlen(name), doc, strlen(doc),
                                                        CONTOUR_FORMAT_YAML);
        assert_int_equal(rc, CONTOUR_OK);
    }
    return s;
}

static contour_graph *resolved(const contour_snapshot *s)
{
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    return g;
}

/* A small change of a document: the first of these edits that applies, starting at `k`. */
static char *tweak(const char *doc, size_t k)
{
    static const char *const edits[][2] = {
        {"port: 80", "port: 8080"},
        {"weight: ", "weight: 1"},
        {"fqdn: ", "fqdn: x"},
        {"match: /", "match: /tweak/"},
        {"secretName: ", "secretName: x"},
        {"servicePort: 80", "servicePort: 81"},
        {"serviceName: ", "serviceName: x"},
        {"name: ", "name: x"},
    };
    size_t n = sizeof edits / sizeof *edits;
    for (size_t j = 0; j < n; j++) {
        const char *const *e = edits[(k + j) % n];
        /* Not the object's own name: that would be another object. */
        const char *at = strstr(doc, e[0]);
        if (strcmp(e[0], "name: ") == 0)
            at = strstr(doc, "  - name: ");
        if (!at)
            continue;
        if (strcmp(e[0], "name: ") == 0)
            at += 4;
        text t = {0};
        put(&t, "%.*s%s%s", (int)(at - doc), doc, e[1], at + strlen(e[0]));
        return t.p;
    }
    return NULL;
}

static void assert_same_json(const contour_graph *a, const contour_graph *b, const char *what)
{
    char *x = tu_graph_json(a), *y = tu_graph_json(b);
    if (strcmp(x, y) != 0) {
        FILE *f = fopen("review-whatif.out", "w");
        if (f) {
            fputs(x, f);
            fclose(f);
        }
        f = fopen("review-full.out", "w");
        if (f) {
            fputs(y, f);
            fclose(f);
        }
        fail_msg("%s: the what-if graph differs from a full resolution (review-*.out)", what);
    }
    free(x);
    free(y);
}

typedef struct tally {
    long create, update, del, limited, skipped;
} tally;

/* The what-if graph's JSON against the resolution of the changed snapshot: each object
 * deleted, created (from the snapshot without it) and updated. */
static void whatif_case(const char *dir, const char *casename, tally *n)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/input.yaml", dir);
    size_t len;
    char *input = tu_read_file(path, &len);
    docs d = split_docs(input);
    free(input);
    contour_config *cfg = case_config(dir);
    bool limited = strcmp(casename, "limit-routes") == 0;
    contour_snapshot *s = docs_snapshot(cfg, &d, SIZE_MAX, SIZE_MAX, NULL);
    contour_graph *g = resolved(s);
    for (size_t i = 0; i < d.n; i++) {
        char what[256], name[32];
        snprintf(name, sizeof name, "doc-%02zu", i);
        contour_graph *w = NULL;
        /* Delete. */
        contour_result rc = contour_whatif(&w, s, g, CONTOUR_OPERATION_DELETE, name, strlen(name),
                                           d.doc[i], strlen(d.doc[i]), CONTOUR_FORMAT_YAML);
        /* Skipped: documents that are not one modelled object, and Lists, whose own
         * diagnostics (about the List, not its item) a what-if of the item keeps. */
        if (rc == CONTOUR_ERR_INVALID || strstr(d.doc[i], "\nkind: List\n")) {
            contour_graph_free(w);
            n->skipped++;
            continue;
        }
        if (limited) {
            assert_int_equal(rc, CONTOUR_ERR_LIMIT);
            assert_null(w);
            n->limited++;
            continue;
        }
        assert_int_equal(rc, CONTOUR_OK);
        contour_snapshot *without = docs_snapshot(cfg, &d, i, SIZE_MAX, NULL);
        contour_graph *want = resolved(without);
        snprintf(what, sizeof what, "%s doc %zu, delete", casename, i);
        assert_same_json(w, want, what);
        /* A what-if graph is no base: not for an update, not for another what-if. */
        contour_graph *u = SENTINEL_G;
        assert_int_equal(contour_resolve_update(&u, s, w, NULL), CONTOUR_ERR_INVALID);
        assert_null(u);
        u = SENTINEL_G;
        assert_int_equal(contour_whatif(&u, s, w, CONTOUR_OPERATION_DELETE, name, strlen(name),
                                        d.doc[i], strlen(d.doc[i]), CONTOUR_FORMAT_YAML),
                         CONTOUR_ERR_INVALID);
        assert_null(u);
        contour_graph_free(w);
        n->del++;
        /* Create: from the snapshot without it, the whole snapshot's graph. */
        w = NULL;
        assert_int_equal(contour_whatif(&w, without, want, CONTOUR_OPERATION_CREATE, name,
                                        strlen(name), d.doc[i], strlen(d.doc[i]),
                                        CONTOUR_FORMAT_YAML),
                         CONTOUR_OK);
        snprintf(what, sizeof what, "%s doc %zu, create", casename, i);
        assert_same_json(w, g, what);
        contour_graph_free(w);
        contour_graph_free(want);
        contour_snapshot_free(without);
        n->create++;
        /* Update: a small edit. */
        char *changed = tweak(d.doc[i], i);
        if (!changed)
            continue;
        w = NULL;
        rc = contour_whatif(&w, s, g, CONTOUR_OPERATION_UPDATE, name, strlen(name), changed,
                            strlen(changed), CONTOUR_FORMAT_YAML);
        assert_int_equal(rc, CONTOUR_OK);
        contour_snapshot *upd = docs_snapshot(cfg, &d, SIZE_MAX, i, changed);
        want = resolved(upd);
        snprintf(what, sizeof what, "%s doc %zu, update", casename, i);
        assert_same_json(w, want, what);
        contour_graph_free(w);
        contour_graph_free(want);
        contour_snapshot_free(upd);
        free(changed);
        n->update++;
    }
    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_config_free(cfg);
    docs_free(&d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_whatif_is_the_resolved_graph(void **state)
{
    (void)state;
    const char *cases = tu_path(tu_source_root(), "tests/cases");
    char root[4096];
    snprintf(root, sizeof root, "%s", cases);
    DIR *dir = opendir(root);
    assert_non_null(dir);
    char *names[256];
    size_t nnames = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.' || nnames == 256)
            continue;
        names[nnames] = strdup(e->d_name);
        assert_non_null(names[nnames]);
        nnames++;
    }
    closedir(dir);
    qsort(names, nnames, sizeof *names, cmp_str);
    tally n = {0, 0, 0, 0, 0};
    size_t with_input = 0;
    for (size_t i = 0; i < nnames; i++) {
        char dirpath[4096 + 256], input[4096 + 300];
        snprintf(dirpath, sizeof dirpath, "%s/%s", root, names[i]);
        snprintf(input, sizeof input, "%s/input.yaml", dirpath);
        FILE *f = fopen(input, "r");
        if (f) {
            fclose(f);
            with_input++;
            whatif_case(dirpath, names[i], &n);
        }
        free(names[i]);
    }
    print_message("%zu cases: %ld deletes, %ld creates, %ld updates checked; %ld refused at the "
                  "route limit, %ld documents not one object\n",
                  with_input, n.del, n.create, n.update, n.limited, n.skipped);
    assert_true(with_input >= 15);
    assert_true(n.del >= 100 && n.create == n.del && n.update >= n.del / 2);
    assert_true(n.limited > 0);
}

/* ---- the route limit ---- */

static void test_limit_routes(void **state)
{
    (void)state;
    /* Two routes on one listener. */
    const char *cluster = SVC_WEB "---\n" IR_HEAD "metadata: {name: root, namespace: team-a}\n"
                                  "spec:\n"
                                  "  virtualhost: {fqdn: a.example.com}\n"
                                  "  routes:\n"
                                  "  - match: /\n"
                                  "    services: [{name: web, port: 80}]\n"
                                  "  - match: /two\n"
                                  "    services: [{name: web, port: 80}]\n";
    const char *more = IR_HEAD "metadata: {name: more, namespace: team-a}\n"
                               "spec:\n"
                               "  virtualhost: {fqdn: b.example.com}\n"
                               "  routes:\n"
                               "  - match: /\n"
                               "    services: [{name: web, port: 80}]\n";
    contour_config *cfg = NULL;
    assert_int_equal(contour_config_new(&cfg), CONTOUR_OK);
    /* At the limit: the base is whole; a change that stays within it is reviewed, one
     * that would take the total past it cannot be. */
    assert_int_equal(contour_config_set_limit(cfg, CONTOUR_LIMIT_ROUTES, 2), CONTOUR_OK);
    world w;
    world_open_with(&w, cfg, cluster);
    assert_int_equal(contour_graph_diagnostic_count(w.g), 0);
    contour_verdict *v = review(&w, CONTOUR_OPERATION_CREATE, LONELY);
    expect(v, true, "orphaned=1", "",
           "IngressRoute team-a/lonely would be orphaned: " ORPHAN_TEXT "\n");
    contour_verdict_free(v);
    v = SENTINEL_V;
    assert_int_equal(contour_review(&v, w.s, w.g, NULL, CONTOUR_OPERATION_CREATE, "n", 1, more,
                                    strlen(more), CONTOUR_FORMAT_AUTO),
                     CONTOUR_ERR_LIMIT);
    assert_null(v);
    contour_graph *g = SENTINEL_G;
    assert_int_equal(contour_whatif(&g, w.s, w.g, CONTOUR_OPERATION_CREATE, "n", 1, more,
                                    strlen(more), CONTOUR_FORMAT_AUTO),
                     CONTOUR_ERR_LIMIT);
    assert_null(g);
    world_close(&w);
    /* Past the limit: a virtual host is left out of the base, and no what-if is made from
     * it (the base does not show what serves). Kinds not modelled are still answered. */
    assert_int_equal(contour_config_set_limit(cfg, CONTOUR_LIMIT_ROUTES, 1), CONTOUR_OK);
    world_open_with(&w, cfg, cluster);
    assert_int_equal(contour_graph_diagnostic_count(w.g), 1); /* limit-routes */
    for (int op = 0; op < 3; op++) {
        v = SENTINEL_V;
        assert_int_equal(contour_review(&v, w.s, w.g, NULL, (contour_operation)op, "n", 1, LONELY,
                                        strlen(LONELY), CONTOUR_FORMAT_AUTO),
                         CONTOUR_ERR_LIMIT);
        assert_null(v);
        g = SENTINEL_G;
        assert_int_equal(contour_whatif(&g, w.s, w.g, (contour_operation)op, "n", 1, LONELY,
                                        strlen(LONELY), CONTOUR_FORMAT_AUTO),
                         CONTOUR_ERR_LIMIT);
        assert_null(g);
    }
    v = review(&w, CONTOUR_OPERATION_CREATE, DEPLOYMENT);
    expect(v, true, "", "", "");
    contour_verdict_free(v);
    world_close(&w);
    contour_config_free(cfg);
}

/* ---- allocation failure ---- */

/* One review (or, with `whatif`, one what-if) with allocation `fail_at` failing, as a
 * string: the verdict described, or the graph's JSON; NULL when the call fails, which must
 * then leave *out NULL. */
static char *attempt(tu_failing *f, long fail_at, const world *w, const contour_policy *p,
                     bool whatif, contour_operation op, const char *doc, contour_result *rc)
{
    f->fail_at = fail_at;
    if (whatif) {
        contour_graph *g = SENTINEL_G;
        *rc = contour_whatif(&g, w->s, w->g, op, "<admission>", 11, doc, strlen(doc),
                             CONTOUR_FORMAT_AUTO);
        f->fail_at = 0;
        if (*rc != CONTOUR_OK) {
            assert_null(g);
            return NULL;
        }
        char *json = tu_graph_json(g);
        contour_graph_free(g);
        return json;
    }
    contour_verdict *v = SENTINEL_V;
    *rc = contour_review(&v, w->s, w->g, p, op, "<admission>", 11, doc, strlen(doc),
                         CONTOUR_FORMAT_AUTO);
    f->fail_at = 0;
    if (*rc != CONTOUR_OK) {
        assert_null(v);
        return NULL;
    }
    char *d = describe(v);
    contour_verdict_free(v);
    return d;
}

/* Fails each allocation of the call in turn, then lets it succeed: CONTOUR_ERR_NOMEM and
 * nothing leaked each time, then the same answer as without failures. */
static long fail_each(tu_failing *f, const world *w, const contour_policy *p, bool whatif,
                      contour_operation op, const char *doc)
{
    contour_result rc;
    char *want = attempt(f, 0, w, p, whatif, op, doc, &rc);
    assert_non_null(want);
    long failures = 0;
    for (long at = 1;; at++) {
        long live = f->live;
        char *got = attempt(f, f->calls + at, w, p, whatif, op, doc, &rc);
        if (!got && f->live != live)
            fail_msg("allocation %ld of the %s failed: %ld blocks leaked", at,
                     whatif ? "what-if" : "review", f->live - live);
        if (rc == CONTOUR_OK) {
            assert_string_equal(got, want);
            free(got);
            assert_int_equal(f->live, live);
            break;
        }
        assert_int_equal(rc, CONTOUR_ERR_NOMEM);
        failures++;
        assert_true(at < 100000);
    }
    free(want);
    return failures;
}

static void nomem_run(contour_operation op, const char *doc)
{
    tu_failing f = {0, 0, 0, 0};
    contour_config *cfg = NULL;
    assert_int_equal(contour_config_new(&cfg), CONTOUR_OK);
    assert_int_equal(contour_config_set_allocator(cfg, tu_failing_malloc, tu_failing_realloc,
                                                  tu_failing_free, &f),
                     CONTOUR_OK);
    world w;
    world_open_with(&w, cfg, CLUSTER);
    char *base_json = tu_graph_json(w.g);
    contour_policy *p = NULL;
    assert_int_equal(contour_policy_new(&p), CONTOUR_OK);
    assert_int_equal(contour_policy_set_max_listed(p, 1), CONTOUR_OK);
    assert_true(fail_each(&f, &w, p, false, op, doc) > 20);
    assert_true(fail_each(&f, &w, p, true, op, doc) > 20);
    /* The base graph is unchanged, and still a base. */
    char *after = tu_graph_json(w.g);
    assert_string_equal(after, base_json);
    contour_verdict_free(review_with(&w, p, op, doc));
    free(after);
    free(base_json);
    contour_policy_free(p);
    world_close(&w);
    contour_config_free(cfg);
    assert_int_equal(f.live, 0);
}

static void test_nomem(void **state)
{
    (void)state;
    nomem_run(CONTOUR_OPERATION_CREATE, DUP_ROOT);
    nomem_run(CONTOUR_OPERATION_CREATE, C_ROOT);
    nomem_run(CONTOUR_OPERATION_DELETE, DEL_ROOT);
    nomem_run(CONTOUR_OPERATION_UPDATE, TCD_ELSEWHERE);
}

/* ---- concurrency ---- */

typedef struct proposal {
    contour_operation op;
    const char *doc;
} proposal;

static const proposal mix[] = {
    {CONTOUR_OPERATION_CREATE, DUP_ROOT},       {CONTOUR_OPERATION_CREATE, LONELY},
    {CONTOUR_OPERATION_CREATE, C_ROOT},         {CONTOUR_OPERATION_CREATE, FRESH_ROOT},
    {CONTOUR_OPERATION_DELETE, DEL_ROOT},       {CONTOUR_OPERATION_DELETE, DEL_CHILD},
    {CONTOUR_OPERATION_DELETE, DEL_TLS_SECRET}, {CONTOUR_OPERATION_UPDATE, TCD_ELSEWHERE},
    {CONTOUR_OPERATION_UPDATE, WEB_PORT_81},    {CONTOUR_OPERATION_CREATE, DEPLOYMENT},
};
#define NMIX (sizeof mix / sizeof *mix)

typedef struct shared {
    const world *w;
    const contour_policy *p;
    char *want[NMIX];
    pthread_barrier_t start;
} shared;

typedef struct job {
    shared *sh;
    unsigned seed;
    long reviews, mismatches, errors;
} job;

static void *reviewer(void *arg)
{
    job *j = arg;
    pthread_barrier_wait(&j->sh->start);
    for (int i = 0; i < 200; i++) {
        size_t k = (j->seed + (unsigned)i * 7u) % NMIX;
        contour_verdict *v = NULL;
        const char *doc = mix[k].doc;
        contour_result rc =
            contour_review(&v, j->sh->w->s, j->sh->w->g, j->sh->p, mix[k].op, "<admission>", 11,
                           doc, strlen(doc), CONTOUR_FORMAT_AUTO);
        if (rc != CONTOUR_OK) {
            j->errors++;
            continue;
        }
        char *got = describe(v);
        j->mismatches += strcmp(got, j->sh->want[k]) != 0;
        free(got);
        contour_verdict_free(v);
        j->reviews++;
    }
    return NULL;
}

static void test_concurrent_reviews(void **state)
{
    (void)state;
    enum { N = 4 };
    world w;
    world_open(&w, CLUSTER);
    char *base_json = tu_graph_json(w.g);
    contour_policy *p = NULL;
    assert_int_equal(contour_policy_new(&p), CONTOUR_OK);
    assert_int_equal(contour_policy_set_max_listed(p, 3), CONTOUR_OK);
    shared sh;
    sh.w = &w;
    sh.p = p;
    size_t kinds_of_findings = 0;
    for (size_t k = 0; k < NMIX; k++) {
        contour_verdict *v = review_with(&w, p, mix[k].op, mix[k].doc);
        sh.want[k] = describe(v);
        for (size_t f = 0; f < 7; f++)
            kinds_of_findings |= (size_t)(contour_verdict_finding_count(v, (contour_finding)f) > 0)
                                 << f;
        contour_verdict_free(v);
    }
    assert_int_equal(kinds_of_findings, 0x7f); /* every finding is in the mix */
    assert_int_equal(pthread_barrier_init(&sh.start, NULL, N), 0);
    pthread_t t[N];
    job jobs[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (job){&sh, (unsigned)i * 3u, 0, 0, 0};
        assert_int_equal(pthread_create(&t[i], NULL, reviewer, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    pthread_barrier_destroy(&sh.start);
    for (int i = 0; i < N; i++) {
        assert_int_equal(jobs[i].errors, 0);
        assert_int_equal(jobs[i].mismatches, 0);
        assert_int_equal(jobs[i].reviews, 200);
    }
    char *after = tu_graph_json(w.g);
    assert_string_equal(after, base_json);
    free(after);
    free(base_json);
    for (size_t k = 0; k < NMIX; k++)
        free(sh.want[k]);
    contour_policy_free(p);
    world_close(&w);
}

/* ---- once wrong ----
 * Verdicts that were wrong, each the reproducer of a report. */

/* An UPDATE that leaves an existing warning as it was reports it as new ("it would add 1
 * warning"): the warning's position moved from the cluster's file to the proposal's, and
 * the review counts every diagnostic the diff calls added, position included. Every
 * update of an object that already has a warning (a missing Service, an unknown field)
 * then warns, whatever it changes. */
static void test_unchanged_warning_is_not_new(void **state)
{
    (void)state;
    const char *root = IR_HEAD "metadata: {name: root, namespace: team-a}\n"
                               "spec:\n"
                               "  virtualhost: {fqdn: a.example.com}\n"
                               "  routes:\n"
                               "  - match: /\n"
                               "    services: [{name: web, port: 80}, {name: gone, port: 80}]\n";
    text t = {0};
    put(&t, "%s---\n%s", SVC_WEB, root);
    world w;
    world_open(&w, t.p);
    free(t.p);
    assert_int_equal(contour_graph_diagnostic_count(w.g), 1); /* service-not-found */
    /* The same object again. */
    contour_verdict *v = review(&w, CONTOUR_OPERATION_UPDATE, root);
    expect(v, true, "", "", "");
    contour_verdict_free(v);
    world_close(&w);
}

/* Deleting a Secret in use drops HTTPS for the virtual host (drops-tls), while HTTP keeps
 * serving its routes. When the http listener's route does not change — a route with
 * permitInsecure, or an Ingress (which does not redirect to HTTPS unless annotated) — the
 * review also reports the route as dropped (drops-routes, a denial of its own), although
 * http:// still serves it; when the http route changes (it stops redirecting) it does not.
 * The https listener's route is counted unless the http listener's route changed. One
 * change, two verdicts. */
static void test_secret_delete_drops_no_route(void **state)
{
    (void)state;
    static const char *const owners[3] = {
        ROOT_TLS,
        IR_HEAD "metadata: {name: root, namespace: team-a}\n"
                "spec:\n  virtualhost:\n    fqdn: a.example.com\n    tls: {secretName: tls-cert}\n"
                "  routes:\n  - match: /\n    permitInsecure: true\n"
                "    services: [{name: web, port: 80}]\n",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
        "metadata: {name: site, namespace: team-a}\n"
        "spec:\n  tls:\n  - hosts: [a.example.com]\n    secretName: tls-cert\n"
        "  rules:\n  - host: a.example.com\n    http:\n      paths:\n      - path: /\n"
        "        pathType: Prefix\n"
        "        backend: {service: {name: web, port: {number: 80}}}\n",
    };
    char *seen[3];
    for (int i = 0; i < 3; i++) {
        text t = {0};
        put(&t, SVC_WEB "---\n" SECRET_TLS "---\n%s", owners[i]);
        world w;
        world_open(&w, t.p);
        free(t.p);
        contour_verdict *v = review(&w, CONTOUR_OPERATION_DELETE, DEL_TLS_SECRET);
        seen[i] = counts(v);
        contour_verdict_free(v);
        world_close(&w);
    }
    /* Today: "drops-routes=1 drops-tls=1 warnings=1" for the last two. */
    for (int i = 0; i < 3; i++)
        assert_string_equal(seen[i], "drops-tls=1 warnings=1");
    for (int i = 0; i < 3; i++)
        free(seen[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_orphaned),
        cmocka_unit_test(test_breaks_others),
        cmocka_unit_test(test_drops_routes),
        cmocka_unit_test(test_takes_routes),
        cmocka_unit_test(test_drops_tls),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_nothing_to_review),
        cmocka_unit_test(test_policy_moves),
        cmocka_unit_test(test_max_listed),
        cmocka_unit_test(test_verdict_outlives_handles),
        cmocka_unit_test(test_whatif_is_the_resolved_graph),
        cmocka_unit_test(test_limit_routes),
        cmocka_unit_test(test_nomem),
        cmocka_unit_test(test_concurrent_reviews),
        cmocka_unit_test(test_unchanged_warning_is_not_new),
        cmocka_unit_test(test_secret_delete_drops_no_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
