/* contour_resolve_update(): a graph brought up to date must be the graph a full
 * resolution makes, byte for byte, after any sequence of changes. A random cluster of
 * every kind is changed one object at a time (added, replaced, deleted, broken), and after
 * each change the incremental graph's JSON, text and DOT renderings are compared with a
 * full resolution's; updates also start from graphs several versions old. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a small deterministic generator ---- */

typedef struct rng {
    uint64_t s;
} rng;

static uint32_t rnd(rng *r, uint32_t n)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return n ? (uint32_t)(r->s % n) : 0;
}

static bool chance(rng *r, uint32_t percent)
{
    return rnd(r, 100) < percent;
}

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
        assert_true(n >= 0);
        if (t->p && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
}

enum { NS = 3, IRS = 8, SVCS = 3, SECRETS = 2, TCDS = 1, INGS = 3 };

static const char *const fqdns[] = {"a.example.com", "b.example.com", "c.example.com",
                                    "d.example.com"};
static const char *const matches[] = {"/", "/a", "/a/b", "/b", "/c"};

static void metadata(text *t, rng *r, const char *kind, const char *api, int ns, const char *name)
{
    put(t, "apiVersion: %s\nkind: %s\nmetadata:\n  name: %s\n  namespace: ns%d\n", api, kind, name,
        ns);
    if (chance(r, 8))
        put(t, "  annotations:\n    kubernetes.io/ingress.class: %s\n",
            chance(r, 50) ? "other" : "contour");
}

static void ingressroute(text *t, rng *r, int ns, int i)
{
    char name[16];
    snprintf(name, sizeof name, "ir%d", i);
    metadata(t, r, "IngressRoute", "contour.heptio.com/v1beta1", ns, name);
    put(t, "spec:\n");
    bool root = i < 3 ? chance(r, 80) : chance(r, 15);
    if (root) {
        put(t, "  virtualhost:\n    fqdn: %s\n", fqdns[rnd(r, 4)]);
        if (chance(r, 35)) {
            if (chance(r, 80))
                put(t, "    tls:\n      secretName: %ssec%u\n", chance(r, 30) ? "ns0/" : "",
                    rnd(r, SECRETS));
            else
                put(t, "    tls:\n      passthrough: true\n");
        }
    }
    if (root && chance(r, 12)) {
        if (chance(r, 50))
            put(t, "  tcpproxy:\n    services:\n    - name: svc%u\n      port: 80\n", rnd(r, SVCS));
        else
            put(t, "  tcpproxy:\n    delegate:\n      name: ir%u\n", rnd(r, IRS));
    }
    uint32_t routes = rnd(r, 4);
    if (routes || chance(r, 80))
        put(t, "  routes:%s\n", routes ? "" : " []");
    for (uint32_t k = 0; k < routes; k++) {
        put(t, "  - match: %s\n", matches[rnd(r, 5)]);
        bool delegate = chance(r, 40);
        if (delegate || chance(r, 3)) {
            put(t, "    delegate:\n      name: ir%u\n", rnd(r, IRS));
            if (chance(r, 30))
                put(t, "      namespace: ns%u\n", rnd(r, NS));
        }
        if (!delegate || chance(r, 3)) {
            uint32_t n = 1 + rnd(r, 2);
            put(t, "    services:\n");
            for (uint32_t s = 0; s < n; s++) {
                put(t, "    - name: svc%u\n      port: %s\n", rnd(r, SVCS),
                    chance(r, 85) ? "80" : (chance(r, 50) ? "8080" : "9999"));
                if (chance(r, 20))
                    put(t, "      weight: %d\n", chance(r, 90) ? (int)rnd(r, 100) : -1);
            }
        }
        if (chance(r, 10))
            put(t, "    prefixRewrite: /x\n");
        if (chance(r, 10))
            put(t, "    enableWebsockets: true\n");
        if (chance(r, 10))
            put(t, "    permitInsecure: true\n");
    }
}

static void service(text *t, rng *r, int ns, int i)
{
    char name[16];
    snprintf(name, sizeof name, "svc%d", i);
    put(t, "apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: ns%d\n", name, ns);
    if (chance(r, 20))
        put(t, "  annotations:\n    contour.heptio.com/max-connections: \"%s\"\n",
            chance(r, 50) ? "10" : "lots");
    if (chance(r, 10)) {
        put(t, "spec: {}\n");
        return;
    }
    put(t, "spec:\n  ports:\n  - port: 80\n");
    if (chance(r, 70))
        put(t, "  - port: 8080\n    name: http\n");
}

static void secret(text *t, rng *r, int ns, int i)
{
    put(t, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sec%d\n  namespace: ns%d\n", i, ns);
    if (chance(r, 85))
        put(t, "type: kubernetes.io/tls\ndata:\n  tls.crt: eA==\n  tls.key: eA==\n");
    else
        put(t, "type: Opaque\ndata:\n  x: eA==\n");
}

static void delegation(text *t, rng *r, int ns, int i)
{
    put(t,
        "apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\n"
        "metadata:\n  name: tcd%d\n  namespace: ns%d\nspec:\n  delegations:\n",
        i, ns);
    uint32_t n = 1 + rnd(r, 2);
    for (uint32_t d = 0; d < n; d++) {
        put(t, "  - secretName: sec%u\n    targetNamespaces:\n", rnd(r, SECRETS));
        if (chance(r, 30))
            put(t, "    - \"*\"\n");
        else
            put(t, "    - ns%u\n", rnd(r, NS));
    }
}

static void ingress(text *t, rng *r, int ns, int i)
{
    char name[16];
    snprintf(name, sizeof name, "ing%d", i);
    metadata(t, r, "Ingress", "networking.k8s.io/v1beta1", ns, name);
    put(t, "spec:\n");
    if (chance(r, 15))
        put(t, "  backend:\n    serviceName: svc%u\n    servicePort: 80\n", rnd(r, SVCS));
    if (chance(r, 30)) {
        put(t, "  tls:\n  - hosts:\n    - %s\n    secretName: sec%u\n", fqdns[rnd(r, 4)],
            rnd(r, SECRETS));
    }
    uint32_t rules = rnd(r, 3);
    if (rules)
        put(t, "  rules:\n");
    for (uint32_t k = 0; k < rules; k++) {
        if (chance(r, 80))
            put(t, "  - host: %s\n    http:\n", fqdns[rnd(r, 4)]);
        else
            put(t, "  - http:\n");
        put(t, "      paths:\n");
        uint32_t paths = 1 + rnd(r, 2);
        for (uint32_t p = 0; p < paths; p++)
            put(t,
                "      - path: %s\n        backend:\n          serviceName: svc%u\n"
                "          servicePort: %s\n",
                matches[rnd(r, 5)], rnd(r, SVCS), chance(r, 80) ? "80" : "http");
    }
}

/* One random document for object (kind, ns, index); sometimes broken on purpose. */
static void document(text *t, rng *r, int kind, int ns, int i)
{
    t->len = 0;
    if (chance(r, 2)) {
        put(t, "kind: [unclosed\n");
        return;
    }
    switch (kind) {
    case 0:
        ingressroute(t, r, ns, i);
        break;
    case 1:
        service(t, r, ns, i);
        break;
    case 2:
        secret(t, r, ns, i);
        break;
    case 3:
        delegation(t, r, ns, i);
        break;
    default:
        ingress(t, r, ns, i);
        break;
    }
    if (chance(r, 3))
        put(t, "bogus: 1\n"); /* a load warning (unknown top-level field) */
}

static const int counts[5] = {IRS, SVCS, SECRETS, TCDS, INGS};

static void source_name(char *buf, size_t size, int kind, int ns, int i)
{
    static const char *const kinds[5] = {"IngressRoute", "Service", "Secret",
                                         "TLSCertificateDelegation", "Ingress"};
    snprintf(buf, size, "%s/ns%d/%d", kinds[kind], ns, i);
}

/* The documents each source holds now (NULL: none), to name an object in a what-if delete. */
typedef struct docs {
    char *doc[5][NS][IRS];
} docs;

static void docs_free(docs *d)
{
    for (int k = 0; k < 5; k++)
        for (int n = 0; n < NS; n++)
            for (int i = 0; i < IRS; i++)
                free(d->doc[k][n][i]);
}

/* One random change: a new version of some object (its text in t), or its deletion. */
typedef struct plan {
    int kind, ns, i;
    bool del;
    char name[64];
} plan;

static void choose(rng *r, text *t, plan *p)
{
    int kind = (int)rnd(r, 100);
    p->kind = kind < 55 ? 0 : kind < 70 ? 1 : kind < 78 ? 2 : kind < 83 ? 3 : 4;
    p->ns = (int)rnd(r, NS);
    p->i = (int)rnd(r, (uint32_t)counts[p->kind]);
    source_name(p->name, sizeof p->name, p->kind, p->ns, p->i);
    p->del = chance(r, 15);
    if (!p->del)
        document(t, r, p->kind, p->ns, p->i);
}

static void apply(contour_snapshot *s, const plan *p, const text *t, docs *d)
{
    char **slot = d ? &d->doc[p->kind][p->ns][p->i] : NULL;
    if (slot) {
        free(*slot);
        *slot = p->del ? NULL : strndup(t->p, t->len);
    }
    if (p->del) {
        contour_result rc = contour_snapshot_remove_source(s, p->name, strlen(p->name));
        assert_true(rc == CONTOUR_OK || rc == CONTOUR_ERR_NOT_FOUND);
        return;
    }
    assert_int_equal(
        contour_snapshot_set_source(s, p->name, strlen(p->name), t->p, t->len, CONTOUR_FORMAT_YAML),
        CONTOUR_OK);
}

static void change(contour_snapshot *s, rng *r, text *t)
{
    plan p;
    choose(r, t, &p);
    apply(s, &p, t, NULL);
}

/* ---- comparing graphs ---- */

static const char *nz(const char *s);
static long count_lines(const char *s);
static long refs_lines;

static char *render(const contour_graph *g, contour_output_format f)
{
    contour_buffer *b = NULL;
    assert_int_equal(contour_graph_render(&b, g, f), CONTOUR_OK);
    char *copy = strdup(contour_buffer_data(b));
    assert_non_null(copy);
    contour_buffer_free(b);
    return copy;
}

static void dump_pair(const char *a, const char *b)
{
    FILE *f = fopen("update-incremental.out", "w");
    if (f) {
        fputs(a, f);
        fclose(f);
    }
    f = fopen("update-full.out", "w");
    if (f) {
        fputs(b, f);
        fclose(f);
    }
}

/* Every reference to and from every name the generator uses, as text. */
static char *describe_refs(const contour_graph *g)
{
    static const contour_kind kinds[5] = {
        CONTOUR_KIND_INGRESSROUTE, CONTOUR_KIND_SERVICE, CONTOUR_KIND_SECRET,
        CONTOUR_KIND_TLSCERTIFICATEDELEGATION, CONTOUR_KIND_INGRESS};
    static const char *const prefixes[5] = {"ir", "svc", "sec", "tcd", "ing"};
    text t = {0};
    put(&t, "%s", "");
    for (int k = 0; k < 5; k++) {
        for (int ns = 0; ns < NS; ns++) {
            for (int i = 0; i < counts[k]; i++) {
                char nsb[8], nb[16];
                snprintf(nsb, sizeof nsb, "ns%d", ns);
                snprintf(nb, sizeof nb, "%s%d", prefixes[k], i);
                for (int dir = 0; dir < 2; dir++) {
                    contour_reference_list *l = NULL;
                    contour_result rc =
                        dir ? contour_graph_references_from(&l, g, kinds[k], nsb, strlen(nsb), nb,
                                                            strlen(nb))
                            : contour_graph_references_to(&l, g, kinds[k], nsb, strlen(nsb), nb,
                                                          strlen(nb));
                    assert_int_equal(rc, CONTOUR_OK);
                    for (size_t j = 0; j < contour_reference_list_count(l); j++) {
                        const contour_reference *x = contour_reference_list_at(l, j);
                        put(&t, "%s %s/%s %s: %s %s/%s -> %d/%s/%s missing%d %u.%u r%d %s\n",
                            dir ? "from" : "to", nsb, nb,
                            contour_reference_type_name(contour_reference_type_of(x)),
                            contour_kind_name(contour_reference_from_kind(x)),
                            contour_reference_from_namespace(x), contour_reference_from_name(x),
                            contour_reference_to_kind(x), contour_reference_to_namespace(x),
                            contour_reference_to_name(x), contour_reference_target_missing(x),
                            contour_reference_index(x), contour_reference_service_index(x),
                            contour_reference_rule(x), nz(contour_reference_path(x)));
                    }
                    contour_reference_list_free(l);
                }
            }
        }
    }
    return t.p;
}

static void assert_same_graph(const contour_graph *inc, const contour_graph *full, long step)
{
    static const contour_output_format formats[3] = {CONTOUR_OUTPUT_JSON, CONTOUR_OUTPUT_TEXT,
                                                     CONTOUR_OUTPUT_DOT};
    for (int f = 0; f < 3; f++) {
        char *a = render(inc, formats[f]), *b = render(full, formats[f]);
        if (strcmp(a, b) != 0) {
            dump_pair(a, b);
            fail_msg("step %ld: the updated graph differs from a full resolution (format %d; "
                     "both written to update-*.out)",
                     step, f);
        }
        free(a);
        free(b);
    }
    assert_int_equal(contour_graph_diagnostic_count(inc), contour_graph_diagnostic_count(full));
    assert_int_equal(contour_graph_status_count(inc), contour_graph_status_count(full));
    char *a = describe_refs(inc), *b = describe_refs(full);
    if (strcmp(a, b) != 0) {
        dump_pair(a, b);
        fail_msg("step %ld: the references differ from a full resolution's (update-*.out)", step);
    }
    refs_lines += count_lines(a);
    free(a);
    free(b);
}

/* ---- a reference diff, the slow way: two graphs walked through the public API ---- */

static const char *nz(const char *s)
{
    /* (declared above) */
    return s ? s : "(null)";
}

static void describe_clusters(text *t, const contour_cluster *const *cs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const contour_cluster *c = cs[i];
        const contour_health_check *h = contour_cluster_health_check(c);
        put(t, " [%s/%s:%u(%s) w%lld %s %s mc%u mp%u mr%u mx%u", nz(contour_cluster_namespace(c)),
            nz(contour_cluster_service(c)), contour_cluster_port(c),
            nz(contour_cluster_port_name(c)), (long long)contour_cluster_weight(c),
            nz(contour_cluster_strategy(c)), nz(contour_cluster_protocol(c)),
            contour_cluster_max_connections(c), contour_cluster_max_pending_requests(c),
            contour_cluster_max_requests(c), contour_cluster_max_retries(c));
        if (h)
            put(t, " hc %s %s %lld %lld %lld %lld", nz(contour_health_check_path(h)),
                nz(contour_health_check_host(h)), (long long)contour_health_check_interval_s(h),
                (long long)contour_health_check_timeout_s(h),
                (long long)contour_health_check_unhealthy_threshold(h),
                (long long)contour_health_check_healthy_threshold(h));
        put(t, "]");
    }
}

static char *describe_route(const contour_route *r)
{
    text t = {0};
    put(&t, "%d %s redirect%d ws%d to%d:%lld retry%d:%s:%u:%lld rw:%s src %d/%s/%s",
        contour_route_match_type(r), contour_route_path(r), contour_route_https_redirect(r),
        contour_route_websocket(r), contour_route_has_timeout(r),
        (long long)contour_route_timeout_ms(r), contour_route_has_retry(r),
        nz(contour_route_retry_on(r)), contour_route_retry_num_retries(r),
        (long long)contour_route_retry_per_try_timeout_ms(r), nz(contour_route_prefix_rewrite(r)),
        contour_route_source_kind(r), nz(contour_route_source_namespace(r)),
        nz(contour_route_source_name(r)));
    const contour_cluster *cs[64];
    size_t n = contour_route_cluster_count(r);
    for (size_t i = 0; i < n && i < 64; i++)
        cs[i] = contour_route_cluster_at(r, i);
    describe_clusters(&t, cs, n < 64 ? n : 64);
    return t.p;
}

static char *describe_tls(const contour_vhost *v)
{
    text t = {0};
    put(&t, "tls%d %s/%s %s pass%d tcp%d", contour_vhost_has_tls(v),
        nz(contour_vhost_tls_secret_namespace(v)), nz(contour_vhost_tls_secret_name(v)),
        nz(contour_vhost_tls_min_protocol_version(v)), contour_vhost_tls_passthrough(v),
        contour_vhost_has_tcpproxy(v));
    const contour_cluster *cs[64];
    size_t n = contour_vhost_tcpproxy_cluster_count(v);
    for (size_t i = 0; i < n && i < 64; i++)
        cs[i] = contour_vhost_tcpproxy_cluster_at(v, i);
    describe_clusters(&t, cs, n < 64 ? n : 64);
    return t.p;
}

static const contour_vhost *find_vhost(const contour_graph *g, const char *listener,
                                       const char *fqdn)
{
    for (size_t l = 0; l < contour_graph_listener_count(g); l++) {
        const contour_listener *x = contour_graph_listener_at(g, l);
        if (strcmp(contour_listener_name(x), listener) != 0)
            continue;
        for (size_t i = 0; i < contour_listener_vhost_count(x); i++) {
            const contour_vhost *v = contour_listener_vhost_at(x, i);
            if (strcmp(contour_vhost_fqdn(v), fqdn) == 0)
                return v;
        }
    }
    return NULL;
}

static int cmp_route_order(const contour_route *a, const contour_route *b)
{
    if (contour_route_match_type(a) != contour_route_match_type(b))
        return contour_route_match_type(a) == CONTOUR_MATCH_EXACT ? -1 : 1;
    return strcmp(contour_route_path(b), contour_route_path(a));
}

/* One vhost's changes, as lines, in the diff's own order. */
static void reference_vhost(text *t, const char *listener, const contour_vhost *a,
                            const contour_vhost *b)
{
    char *ta = a ? describe_tls(a) : NULL, *tb = b ? describe_tls(b) : NULL;
    bool tls_changed = a && b && strcmp(ta, tb) != 0;
    text routes = {0};
    size_t i = 0, j = 0, na = a ? contour_vhost_route_count(a) : 0,
           nb = b ? contour_vhost_route_count(b) : 0;
    while (i < na || j < nb) {
        const contour_route *x = i < na ? contour_vhost_route_at(a, i) : NULL;
        const contour_route *y = j < nb ? contour_vhost_route_at(b, j) : NULL;
        int k = !x ? 1 : !y ? -1 : cmp_route_order(x, y);
        if (k < 0) {
            put(&routes, "  route removed %d %s\n", contour_route_match_type(x),
                contour_route_path(x));
            i++;
        } else if (k > 0) {
            put(&routes, "  route added %d %s\n", contour_route_match_type(y),
                contour_route_path(y));
            j++;
        } else {
            char *dx = describe_route(x), *dy = describe_route(y);
            if (strcmp(dx, dy) != 0)
                put(&routes, "  route changed %d %s\n", contour_route_match_type(y),
                    contour_route_path(y));
            free(dx);
            free(dy);
            i++, j++;
        }
    }
    if (!a || !b || tls_changed || routes.len)
        put(t, "vhost %s %s %s tls%d\n%s", listener, contour_vhost_fqdn(b ? b : a),
            !a   ? "added"
            : !b ? "removed"
                 : "changed",
            tls_changed, routes.p ? routes.p : "");
    free(routes.p);
    free(ta);
    free(tb);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "added X" / "resolved X" lines by X. */
static int cmp_diag_line(const void *a, const void *b)
{
    const char *x = strchr(*(char *const *)a, ' '), *y = strchr(*(char *const *)b, ' ');
    return strcmp(x, y);
}

static char *describe_diag(const contour_diagnostic *d)
{
    text t = {0};
    put(&t, "%s:%u:%u %d %s %s %d/%s/%s %s", contour_diagnostic_file(d), contour_diagnostic_line(d),
        contour_diagnostic_column(d), contour_diagnostic_severity(d), contour_diagnostic_code(d),
        contour_diagnostic_message(d), contour_diagnostic_object_kind(d),
        nz(contour_diagnostic_object_namespace(d)), nz(contour_diagnostic_object_name(d)),
        nz(contour_diagnostic_field(d)));
    return t.p;
}

static char **diag_lines(const contour_graph *g, size_t *n)
{
    *n = contour_graph_diagnostic_count(g);
    char **v = calloc(*n + 1, sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < *n; i++)
        v[i] = describe_diag(contour_graph_diagnostic_at(g, i));
    qsort(v, *n, sizeof *v, cmp_str_ptr);
    return v;
}

static char *describe_status(const contour_status *s)
{
    text t = {0};
    put(&t, "%d %s", contour_status_state(s), contour_status_description(s));
    for (size_t i = 0; i < contour_status_vhost_count(s); i++)
        put(&t, " %s", contour_status_vhost_at(s, i));
    return t.p;
}

/* The changes between two graphs, as text, computed from their public views alone. */
static char *reference_diff(const contour_graph *a, const contour_graph *b)
{
    text t = {0};
    put(&t, "%s", "");
    /* Listeners in the new graph's order; a vhost set per listener name. */
    const char *names[2];
    size_t nl = 0;
    for (size_t l = 0; l < contour_graph_listener_count(b); l++)
        names[nl++] = contour_listener_name(contour_graph_listener_at(b, l));
    for (size_t l = 0; l < contour_graph_listener_count(a); l++) {
        const char *n = contour_listener_name(contour_graph_listener_at(a, l));
        if (!(nl > 0 && strcmp(names[0], n) == 0) && !(nl > 1 && strcmp(names[1], n) == 0))
            names[nl++] = n;
    }
    for (size_t l = 0; l < nl; l++) {
        /* Every fqdn either graph shows on this listener, in order. */
        size_t cap = 0, count = 0;
        char **fq = NULL;
        const contour_graph *gs[2] = {a, b};
        for (int k = 0; k < 2; k++) {
            for (size_t x = 0; x < contour_graph_listener_count(gs[k]); x++) {
                const contour_listener *li = contour_graph_listener_at(gs[k], x);
                if (strcmp(contour_listener_name(li), names[l]) != 0)
                    continue;
                for (size_t i = 0; i < contour_listener_vhost_count(li); i++) {
                    if (count == cap) {
                        cap = cap ? cap * 2 : 64;
                        fq = realloc(fq, cap * sizeof *fq);
                        assert_non_null(fq);
                    }
                    fq[count++] = (char *)contour_vhost_fqdn(contour_listener_vhost_at(li, i));
                }
            }
        }
        if (count > 1)
            qsort(fq, count, sizeof *fq, cmp_str_ptr);
        for (size_t i = 0; i < count; i++) {
            if (i && strcmp(fq[i], fq[i - 1]) == 0)
                continue;
            reference_vhost(&t, names[l], find_vhost(a, names[l], fq[i]),
                            find_vhost(b, names[l], fq[i]));
        }
        free(fq);
    }
    size_t i = 0, j = 0, na = contour_graph_status_count(a), nb = contour_graph_status_count(b);
    while (i < na || j < nb) {
        const contour_status *x = i < na ? contour_graph_status_at(a, i) : NULL;
        const contour_status *y = j < nb ? contour_graph_status_at(b, j) : NULL;
        int k = !x ? 1 : !y ? -1 : strcmp(contour_status_namespace(x), contour_status_namespace(y));
        if (x && y && !k)
            k = strcmp(contour_status_name(x), contour_status_name(y));
        if (k < 0) {
            put(&t, "status removed %s/%s\n", contour_status_namespace(x), contour_status_name(x));
            i++;
        } else if (k > 0) {
            put(&t, "status added %s/%s\n", contour_status_namespace(y), contour_status_name(y));
            j++;
        } else {
            char *dx = describe_status(x), *dy = describe_status(y);
            if (strcmp(dx, dy) != 0)
                put(&t, "status changed %s/%s\n", contour_status_namespace(y),
                    contour_status_name(y));
            free(dx);
            free(dy);
            i++, j++;
        }
    }
    size_t nda, ndb;
    char **da = diag_lines(a, &nda), **db = diag_lines(b, &ndb);
    for (i = 0, j = 0; i < nda || j < ndb;) {
        int k = i == nda ? 1 : j == ndb ? -1 : strcmp(da[i], db[j]);
        if (k < 0)
            put(&t, "resolved %s\n", da[i++]);
        else if (k > 0)
            put(&t, "added %s\n", db[j++]);
        else
            i++, j++;
    }
    for (i = 0; i < nda; i++)
        free(da[i]);
    for (i = 0; i < ndb; i++)
        free(db[i]);
    free(da);
    free(db);
    return t.p;
}

/* The same text from the library's diff. Diagnostics are sorted as text, as above. */
static char *library_diff(const contour_graph *a, const contour_graph *b)
{
    contour_diff *d = NULL;
    assert_int_equal(contour_diff_graphs(&d, a, b), CONTOUR_OK);
    text t = {0};
    put(&t, "%s", "");
    for (size_t i = 0; i < contour_diff_vhost_count(d); i++) {
        const contour_vhost_change *v = contour_diff_vhost_at(d, i);
        put(&t, "vhost %s %s %s tls%d\n", contour_vhost_change_listener(v),
            contour_vhost_change_fqdn(v), contour_change_name(contour_vhost_change_kind(v)),
            contour_vhost_change_tls_changed(v));
        for (size_t r = 0; r < contour_vhost_change_route_count(v); r++) {
            const contour_route_change *rc = contour_vhost_change_route_at(v, r);
            put(&t, "  route %s %d %s\n", contour_change_name(contour_route_change_kind(rc)),
                contour_route_change_match_type(rc), contour_route_change_path(rc));
        }
    }
    for (size_t i = 0; i < contour_diff_status_count(d); i++) {
        const contour_status_change *s = contour_diff_status_at(d, i);
        const contour_status *x = contour_status_change_new(s);
        if (!x)
            x = contour_status_change_old(s);
        put(&t, "status %s %s/%s\n", contour_change_name(contour_status_change_kind(s)),
            contour_status_namespace(x), contour_status_name(x));
    }
    size_t nr = contour_diff_resolved_diagnostic_count(d),
           na = contour_diff_added_diagnostic_count(d);
    char **lines = calloc(nr + na + 1, sizeof *lines);
    assert_non_null(lines);
    for (size_t i = 0; i < nr; i++) {
        char *x = describe_diag(contour_diff_resolved_diagnostic_at(d, i));
        text l = {0};
        put(&l, "resolved %s\n", x);
        lines[i] = l.p;
        free(x);
    }
    qsort(lines, nr, sizeof *lines, cmp_str_ptr);
    for (size_t i = 0; i < na; i++) {
        char *x = describe_diag(contour_diff_added_diagnostic_at(d, i));
        text l = {0};
        put(&l, "added %s\n", x);
        lines[nr + i] = l.p;
        free(x);
    }
    qsort(lines + nr, na, sizeof *lines, cmp_str_ptr);
    /* The reference interleaves added and resolved in text order: do the same. */
    qsort(lines, nr + na, sizeof *lines, cmp_diag_line);
    for (size_t i = 0; i < nr + na; i++) {
        put(&t, "%s", lines[i]);
        free(lines[i]);
    }
    free(lines);
    assert_int_equal(contour_diff_is_empty(d), t.len == 0);
    contour_diff_free(d);
    return t.p;
}

static long diffs_checked, diff_lines, whatifs;

static long count_lines(const char *s)
{
    long n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void run_random(uint64_t seed, long steps)
{
    rng r = {seed};
    text t = {0};
    docs d;
    memset(&d, 0, sizeof d);
    contour_snapshot *s;
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    /* A populated start: every object once. */
    for (int kind = 0; kind < 5; kind++) {
        for (int ns = 0; ns < NS; ns++) {
            for (int i = 0; i < counts[kind]; i++) {
                char name[64];
                source_name(name, sizeof name, kind, ns, i);
                document(&t, &r, kind, ns, i);
                assert_int_equal(contour_snapshot_set_source(s, name, strlen(name), t.p, t.len,
                                                             CONTOUR_FORMAT_YAML),
                                 CONTOUR_OK);
                d.doc[kind][ns][i] = strndup(t.p, t.len);
            }
        }
    }
    enum { KEEP = 5 };
    contour_graph *old[KEEP] = {NULL};
    contour_graph *g = NULL, *prev_full = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    assert_int_equal(contour_resolve(&prev_full, s, NULL), CONTOUR_OK);
    for (long step = 0; step < steps; step++) {
        uint32_t n = chance(&r, 80) ? 1 : 1 + rnd(&r, 6);
        contour_graph *whatif = NULL;
        for (uint32_t k = 0; k < n; k++) {
            plan p;
            choose(&r, &t, &p);
            /* A single change is first asked about: the what-if graph must be the graph the
             * snapshot resolves to once the change is made. */
            const char *cur = d.doc[p.kind][p.ns][p.i], *doc = p.del ? cur : t.p;
            /* A what-if is about objects: a source's syntax errors stay where they are,
             * while replacing the source removes them. Skip sources that have some. */
            bool broken = cur && strncmp(cur, "kind: [", 7) == 0;
            if (n == 1 && doc && !broken) {
                contour_result rc = contour_whatif(
                    &whatif, s, g, p.del ? CONTOUR_OPERATION_DELETE : CONTOUR_OPERATION_UPDATE,
                    p.name, strlen(p.name), doc, p.del ? strlen(doc) : t.len, CONTOUR_FORMAT_YAML);
                assert_true(rc == CONTOUR_OK || rc == CONTOUR_ERR_INVALID);
                whatifs += rc == CONTOUR_OK;
            }
            apply(s, &p, &t, &d);
        }
        /* Usually from the latest graph; sometimes from one several versions old. */
        const contour_graph *from = g;
        uint32_t back = rnd(&r, KEEP);
        if (chance(&r, 15) && old[back])
            from = old[back];
        contour_graph *next = NULL, *full = NULL;
        assert_int_equal(contour_resolve_update(&next, s, from, NULL), CONTOUR_OK);
        assert_int_equal(contour_resolve(&full, s, NULL), CONTOUR_OK);
        assert_same_graph(next, full, step);
        if (whatif)
            assert_same_graph(whatif, full, step);
        contour_graph_free(whatif);
        /* The diff of the updated graphs (sharing most of their trees) against the slow
         * diff of two graphs resolved from scratch. */
        if (from == g) {
            char *want = reference_diff(prev_full, full), *got = library_diff(g, next);
            if (strcmp(want, got) != 0) {
                dump_pair(got, want);
                fail_msg("step %ld: the diff differs from the reference (update-*.out)", step);
            }
            diffs_checked++;
            diff_lines += count_lines(want);
            free(want);
            free(got);
        }
        contour_graph_free(prev_full);
        prev_full = full;
        contour_graph_free(old[KEEP - 1]);
        memmove(old + 1, old, (KEEP - 1) * sizeof *old);
        old[0] = g;
        g = next;
    }
    for (int i = 0; i < KEEP; i++)
        contour_graph_free(old[i]);
    contour_graph_free(g);
    contour_graph_free(prev_full);
    contour_snapshot_free(s);
    docs_free(&d);
    free(t.p);
}

static void test_random_changes(void **state)
{
    (void)state;
    long steps = tu_under_valgrind() ? 150 : 1500;
    for (uint64_t seed = 1; seed <= 4; seed++)
        run_random(seed * 0x9E3779B97F4A7C15ull, steps);
    print_message("%ld diffs checked against the reference, %ld lines of changes in all; "
                  "%ld what-if graphs checked\n",
                  diffs_checked, diff_lines, whatifs);
    assert_true(whatifs > steps);
    print_message("%ld reference lines compared\n", refs_lines);
    assert_true(refs_lines > 0);
    assert_true(diff_lines > diffs_checked); /* the changes do change things */
}

/* ---- the API's edges ---- */

static const char root_yaml[] = "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                                "metadata: {name: r, namespace: ns}\n"
                                "spec:\n  virtualhost: {fqdn: r.example.com}\n"
                                "  routes:\n  - match: /\n    services: [{name: s, port: 80}]\n";
static const char svc_yaml[] = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns}\n"
                               "spec: {ports: [{port: 80}]}\n";

static void test_arguments(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("r.yaml", root_yaml);
    contour_snapshot *other = tu_load("r.yaml", root_yaml);
    contour_graph *g = NULL, *h = (contour_graph *)1, *o = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    assert_int_equal(contour_resolve(&o, other, NULL), CONTOUR_OK);
    assert_int_equal(contour_resolve_update(NULL, s, g, NULL), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_resolve_update(&h, NULL, g, NULL), CONTOUR_ERR_INVALID);
    assert_null(h);
    /* A graph of another snapshot is not an earlier version of this one. */
    assert_int_equal(contour_resolve_update(&h, s, o, NULL), CONTOUR_ERR_INVALID);
    assert_null(h);
    /* No previous graph: a full resolution. Nothing changed: an equal graph. */
    assert_int_equal(contour_resolve_update(&h, s, NULL, NULL), CONTOUR_OK);
    assert_same_graph(h, g, 0);
    contour_graph_free(h);
    assert_int_equal(contour_resolve_update(&h, s, g, NULL), CONTOUR_OK);
    assert_true(h != g);
    assert_same_graph(h, g, 0);
    contour_graph_free(h);
    contour_graph_free(o);
    contour_graph_free(g);
    contour_snapshot_free(other);
    contour_snapshot_free(s);
}

/* Other settings, a log that no longer reaches back, the route limit: all from scratch,
 * with the same result as a full resolution. */
static void test_from_scratch_cases(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("r.yaml", root_yaml);
    contour_graph *g = NULL, *h = NULL, *full = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);

    contour_config *c;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_set_ports(c, 8080, 8443), CONTOUR_OK);
    assert_int_equal(contour_resolve_update(&h, s, g, c), CONTOUR_OK);
    assert_int_equal(contour_resolve(&full, s, c), CONTOUR_OK);
    assert_same_graph(h, full, 0);
    /* Settings carry over: an update of h with NULL keeps 8080/8443. */
    contour_graph *h2 = NULL;
    assert_int_equal(contour_snapshot_set_source(s, "s.yaml", 6, svc_yaml, strlen(svc_yaml),
                                                 CONTOUR_FORMAT_YAML),
                     CONTOUR_OK);
    assert_int_equal(contour_resolve_update(&h2, s, h, NULL), CONTOUR_OK);
    contour_graph_free(full);
    assert_int_equal(contour_resolve(&full, s, c), CONTOUR_OK);
    assert_same_graph(h2, full, 1);
    contour_graph_free(h2);
    contour_graph_free(full);
    contour_graph_free(h);

    /* More changes than the log keeps. */
    for (int i = 0; i < 5000; i++) {
        char doc[256];
        int n = snprintf(doc, sizeof doc,
                         "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns}\n"
                         "spec: {ports: [{port: %d}]}\n",
                         80 + i % 2);
        assert_int_equal(
            contour_snapshot_set_source(s, "s.yaml", 6, doc, (size_t)n, CONTOUR_FORMAT_YAML),
            CONTOUR_OK);
    }
    assert_int_equal(contour_resolve_update(&h, s, g, NULL), CONTOUR_OK);
    assert_int_equal(contour_resolve(&full, s, NULL), CONTOUR_OK);
    assert_same_graph(h, full, 2);
    contour_graph_free(full);
    contour_graph_free(h);

    /* At the route limit. */
    assert_int_equal(contour_config_set_limit(c, CONTOUR_LIMIT_ROUTES, 1), CONTOUR_OK);
    contour_graph *lim = NULL;
    assert_int_equal(contour_resolve(&lim, s, c), CONTOUR_OK);
    static const char second[] = "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                                 "metadata: {name: q, namespace: ns}\n"
                                 "spec:\n  virtualhost: {fqdn: q.example.com}\n"
                                 "  routes:\n  - match: /\n    services: [{name: s, port: 80}]\n";
    assert_int_equal(
        contour_snapshot_set_source(s, "q.yaml", 6, second, strlen(second), CONTOUR_FORMAT_YAML),
        CONTOUR_OK);
    assert_int_equal(contour_resolve_update(&h, s, lim, NULL), CONTOUR_OK);
    assert_int_equal(contour_resolve(&full, s, c), CONTOUR_OK);
    assert_same_graph(h, full, 3);
    assert_true(contour_graph_diagnostic_count_by_severity(h, CONTOUR_SEVERITY_ERROR) > 0);
    contour_graph_free(full);
    contour_graph_free(h);
    contour_graph_free(lim);
    contour_config_free(c);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

/* Every allocation of an update fails in turn: NOMEM, nothing leaked, the earlier graph
 * untouched; then it succeeds with the full resolution's graph. */
static void test_allocation_failures(void **state)
{
    (void)state;
    tu_failing f = {0, 0, 0, 0};
    contour_config *c;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(
        contour_config_set_allocator(c, tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f),
        CONTOUR_OK);
    contour_snapshot *s;
    assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
    rng r = {42};
    text t = {0};
    for (int kind = 0; kind < 5; kind++) {
        for (int i = 0; i < counts[kind]; i++) {
            char name[64];
            source_name(name, sizeof name, kind, 0, i);
            document(&t, &r, kind, 0, i);
            assert_int_equal(
                contour_snapshot_set_source(s, name, strlen(name), t.p, t.len, CONTOUR_FORMAT_YAML),
                CONTOUR_OK);
        }
    }
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    char *before = render(g, CONTOUR_OUTPUT_JSON);
    for (int k = 0; k < 4; k++)
        change(s, &r, &t);
    contour_graph *full = NULL;
    assert_int_equal(contour_resolve(&full, s, NULL), CONTOUR_OK);
    long points = 0;
    for (long n = 1;; n++) {
        long live = f.live;
        f.fail_at = f.calls + n;
        contour_graph *h = NULL;
        contour_result rc = contour_resolve_update(&h, s, g, NULL);
        bool hit = f.calls >= f.fail_at;
        f.fail_at = 0;
        if (rc == CONTOUR_OK) {
            assert_false(hit);
            assert_same_graph(h, full, n);
            contour_graph_free(h);
            break;
        }
        assert_int_equal(rc, CONTOUR_ERR_NOMEM);
        assert_null(h);
        assert_int_equal(f.live, live);
        char *again = render(g, CONTOUR_OUTPUT_JSON);
        assert_string_equal(again, before);
        free(again);
        points++;
    }
    print_message("update: %ld allocation failure points\n", points);
    assert_true(points > 10);
    free(before);
    free(t.p);
    contour_graph_free(full);
    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_config_free(c);
    assert_int_equal(f.live, 0);
}

/* The point of updating: one changed object on a big cluster costs a small part of a full
 * resolution, counted in bytes allocated (a measure a loaded machine does not blur). */
/* Bytes asked for (malloc sizes, realloc new sizes): what a resolution costs in memory
 * work, whatever the number of blocks it is carved from. */
static void *bytes_malloc(size_t n, void *ud)
{
    *(size_t *)ud += n;
    return malloc(n);
}

static void *bytes_realloc(void *p, size_t n, void *ud)
{
    *(size_t *)ud += n;
    return realloc(p, n);
}

static void bytes_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

static void test_cost_follows_change(void **state)
{
    (void)state;
    size_t f = 0;
    contour_config *c;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_set_allocator(c, bytes_malloc, bytes_realloc, bytes_free, &f),
                     CONTOUR_OK);
    contour_snapshot *s;
    assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
    text t = {0};
    enum { ROOTS = 2000 };
    for (int i = 0; i < ROOTS; i++) {
        put(&t,
            "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
            "metadata: {name: r%d, namespace: ns%d}\n"
            "spec:\n  virtualhost: {fqdn: r%d.example.com}\n"
            "  routes:\n  - match: /\n    services: [{name: s, port: 80}]\n"
            "  - match: /child\n    delegate: {name: c%d}\n"
            "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
            "metadata: {name: c%d, namespace: ns%d}\n"
            "spec:\n  routes:\n  - match: /child\n    services: [{name: s, port: 80}]\n"
            "---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns%d}\n"
            "spec: {ports: [{port: 80}]}\n",
            i, i % 100, i, i, i, i % 100, i % 100);
    }
    assert_int_equal(
        contour_snapshot_load_buffer(s, "big.yaml", 8, t.p, t.len, CONTOUR_FORMAT_YAML),
        CONTOUR_OK);
    size_t c0 = f;
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    size_t full_bytes = f - c0;
    /* One child changes: its root's vhost, its status and its parent's are made again. */
    static const char child[] = "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                                "metadata: {name: c7, namespace: ns7}\n"
                                "spec:\n  routes:\n  - match: /elsewhere\n"
                                "    services: [{name: s, port: 80}]\n";
    assert_int_equal(
        contour_snapshot_set_source(s, "c7.yaml", 7, child, strlen(child), CONTOUR_FORMAT_YAML),
        CONTOUR_OK);
    c0 = f;
    contour_graph *h = NULL;
    assert_int_equal(contour_resolve_update(&h, s, g, NULL), CONTOUR_OK);
    size_t update_bytes = f - c0;
    contour_graph *full = NULL;
    assert_int_equal(contour_resolve(&full, s, NULL), CONTOUR_OK);
    assert_same_graph(h, full, 0);
    print_message("bytes allocated: full resolution %zu, update after one change %zu\n", full_bytes,
                  update_bytes);
    assert_true(update_bytes * 50 < full_bytes);
    contour_graph_free(full);
    contour_graph_free(h);
    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_config_free(c);
    free(t.p);
}

/* References on a small cluster, exactly. */
static void list_refs(text *t, contour_reference_list *l)
{
    for (size_t j = 0; j < contour_reference_list_count(l); j++) {
        const contour_reference *x = contour_reference_list_at(l, j);
        put(t, "%s %s %s/%s -> %s %s/%s%s idx %u.%u rule %d path %s\n",
            contour_reference_type_name(contour_reference_type_of(x)),
            contour_kind_name(contour_reference_from_kind(x)), contour_reference_from_namespace(x),
            contour_reference_from_name(x), contour_kind_name(contour_reference_to_kind(x)),
            contour_reference_to_namespace(x), contour_reference_to_name(x),
            contour_reference_target_missing(x) ? " (missing)" : "", contour_reference_index(x),
            contour_reference_service_index(x), contour_reference_rule(x),
            nz(contour_reference_path(x)));
    }
    contour_reference_list_free(l);
}

static void test_references(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load(
        "c.yaml",
        "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
        "metadata: {name: root, namespace: a}\n"
        "spec:\n  virtualhost: {fqdn: r.example.com, tls: {secretName: b/cert}}\n"
        "  routes:\n  - match: /\n    services: [{name: web, port: 80}, {name: gone, port: 80}]\n"
        "  - match: /child\n    delegate: {name: child, namespace: b}\n"
        "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
        "metadata: {name: child, namespace: b}\n"
        "spec:\n  routes:\n  - match: /child\n    services: [{name: web, port: 80}]\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: a}\n"
        "spec: {ports: [{port: 80}]}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: b}\n"
        "spec: {ports: [{port: 80}]}\n"
        "---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: ing, namespace: a}\n"
        "spec:\n  tls: [{hosts: [i.example.com], secretName: cert}]\n"
        "  rules:\n  - host: i.example.com\n    http:\n      paths:\n"
        "      - {path: /x, backend: {serviceName: web, servicePort: 80}}\n"
        "---\napiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\n"
        "metadata: {name: d, namespace: b}\n"
        "spec:\n  delegations: [{secretName: cert, targetNamespaces: [a]}]\n");
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    text t = {0};
    put(&t, "%s", "");
    contour_reference_list *l = NULL;
    assert_int_equal(contour_graph_references_to(&l, g, CONTOUR_KIND_SERVICE, "a", 1, "web", 3),
                     CONTOUR_OK);
    list_refs(&t, l);
    assert_int_equal(
        contour_graph_references_to(&l, g, CONTOUR_KIND_INGRESSROUTE, "b", 1, "child", 5),
        CONTOUR_OK);
    list_refs(&t, l);
    assert_int_equal(contour_graph_references_to(&l, g, CONTOUR_KIND_SECRET, "b", 1, "cert", 4),
                     CONTOUR_OK);
    list_refs(&t, l);
    assert_int_equal(
        contour_graph_references_from(&l, g, CONTOUR_KIND_TLSCERTIFICATEDELEGATION, "b", 1, "d", 1),
        CONTOUR_OK);
    list_refs(&t, l);
    assert_int_equal(
        contour_graph_references_from(&l, g, CONTOUR_KIND_INGRESSROUTE, "a", 1, "rootX", 4),
        CONTOUR_OK); /* "root": the length says so; the bytes after it are not read */
    list_refs(&t, l);
    assert_string_equal(
        t.p,
        "service IngressRoute a/root -> Service a/web idx 0.0 rule -1 path /\n"
        "backend Ingress a/ing -> Service a/web idx 0.0 rule 0 path /x\n"
        "delegate IngressRoute a/root -> IngressRoute b/child idx 1.0 rule -1 path /child\n"
        "tls-secret IngressRoute a/root -> Secret b/cert (missing) idx 0.0 rule -1 path (null)\n"
        "delegation TLSCertificateDelegation b/d -> Secret b/cert (missing) idx 0.0 rule -1 "
        "path (null)\n"
        "delegation TLSCertificateDelegation b/d -> Secret b/cert (missing) idx 0.0 rule -1 "
        "path (null)\n"
        "service IngressRoute a/root -> Service a/web idx 0.0 rule -1 path /\n"
        "service IngressRoute a/root -> Service a/gone (missing) idx 0.1 rule -1 path /\n"
        "delegate IngressRoute a/root -> IngressRoute b/child idx 1.0 rule -1 path /child\n"
        "tls-secret IngressRoute a/root -> Secret b/cert (missing) idx 0.0 rule -1 path (null)\n");
    /* Arguments. */
    l = (contour_reference_list *)1;
    assert_int_equal(contour_graph_references_to(&l, NULL, CONTOUR_KIND_SERVICE, "a", 1, "w", 1),
                     CONTOUR_ERR_INVALID);
    assert_null(l);
    assert_int_equal(contour_graph_references_to(&l, g, CONTOUR_KIND_NONE, "a", 1, "w", 1),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_references_to(&l, g, CONTOUR_KIND_SERVICE, NULL, 1, "w", 1),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_references_to(NULL, g, CONTOUR_KIND_SERVICE, "a", 1, "w", 1),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_references_from(&l, g, CONTOUR_KIND_SERVICE, "a\0", 2, "w", 1),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_reference_list_count(NULL), 0);
    assert_null(contour_reference_list_at(NULL, 0));
    assert_null(contour_reference_path(NULL));
    assert_int_equal(contour_reference_rule(NULL), -1);
    assert_string_equal(contour_reference_type_name((contour_reference_type)99), "");
    assert_int_equal(contour_reference_type_count(), 8);
    /* A list outlives its graph. */
    assert_int_equal(contour_graph_references_to(&l, g, CONTOUR_KIND_SERVICE, "b", 1, "web", 3),
                     CONTOUR_OK);
    contour_graph_free(g);
    contour_snapshot_free(s);
    assert_int_equal(contour_reference_list_count(l), 1);
    assert_string_equal(contour_reference_from_name(contour_reference_list_at(l, 0)), "child");
    contour_reference_list_free(l);
    free(t.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arguments),           cmocka_unit_test(test_references),
        cmocka_unit_test(test_from_scratch_cases),  cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_cost_follows_change), cmocka_unit_test(test_random_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
