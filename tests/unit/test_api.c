/* End to end through the public API: the lifetime rules (graphs outlive snapshots and
 * are unaffected by later changes), incremental updates, concurrent resolution, and
 * allocation failure at every point of load -> resolve -> render. */
#include "config_internal.h"
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char cluster[] =
    "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
    "metadata: {name: root, namespace: default}\n"
    "spec:\n  virtualhost:\n    fqdn: example.com\n    tls: {secretName: tls}\n"
    "  routes:\n  - match: /\n    services: [{name: web, port: 80}]\n"
    "  - match: /blog\n    delegate: {name: blog, namespace: marketing}\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
    "metadata: {name: blog, namespace: marketing}\n"
    "spec:\n  routes:\n  - match: /blog\n    services: [{name: blog, port: 8080, weight: 10}]\n"
    "---\n"
    "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
    "spec: {ports: [{name: http, port: 80}]}\n"
    "---\n"
    "apiVersion: v1\nkind: Service\nmetadata: {name: blog, namespace: marketing}\n"
    "spec: {ports: [{port: 8080}]}\n"
    "---\n"
    "apiVersion: v1\nkind: Secret\nmetadata: {name: tls, namespace: default}\n"
    "type: kubernetes.io/tls\ndata: {tls.crt: eA==, tls.key: eA==}\n"
    "---\n"
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ing, namespace: default}\n"
    "spec:\n  rules:\n  - host: other.com\n    http:\n      paths:\n      - path: /\n"
    "        pathType: Prefix\n        backend: {service: {name: web, port: {number: 80}}}\n";

static contour_state state_of(const contour_graph *g, const char *ns, const char *name)
{
    const contour_status *st = NULL;
    st = contour_graph_find_status(g, ns, strlen(ns), name, strlen(name));
    assert_non_null(st);
    return contour_status_state(st);
}

static void test_graph_outlives_snapshot(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("c.yaml", cluster);
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    char *before = tu_graph_json(g);
    contour_snapshot_free(s); /* the graph must not point into the snapshot */
    char *after = tu_graph_json(g);
    assert_string_equal(before, after);
    assert_int_equal(state_of(g, "marketing", "blog"), CONTOUR_STATE_VALID);
    assert_int_equal(contour_graph_listener_count(g), 2);
    const contour_listener *https = contour_graph_listener_at(g, 1);
    assert_true(contour_listener_is_secure(https));
    assert_string_equal(contour_vhost_tls_secret_name(contour_listener_vhost_at(https, 0)), "tls");
    free(before);
    free(after);
    contour_graph_free(g);
}

static void test_incremental_update(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("c.yaml", cluster);
    contour_graph *g1 = NULL, *g2 = NULL, *g3 = NULL;
    assert_int_equal(contour_resolve(&g1, s, NULL), CONTOUR_OK);
    char *json1 = tu_graph_json(g1);

    /* Remove the delegate: the parent's delegation now points nowhere. */
    assert_int_equal(
        contour_snapshot_remove(s, CONTOUR_KIND_INGRESSROUTE, "marketing", 9, "blog", 4),
        CONTOUR_OK);
    assert_int_equal(contour_resolve(&g2, s, NULL), CONTOUR_OK);
    const contour_status *st = NULL;
    assert_null(st = contour_graph_find_status(g2, "marketing", 9, "blog", 4));
    assert_int_equal(contour_graph_status_count(g2), 1);

    /* Put it back, broken: a port out of range. */
    static const char broken[] =
        "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
        "metadata: {name: blog, namespace: marketing}\n"
        "spec:\n  routes:\n  - match: /blog\n    services: [{name: blog, port: 70000}]\n";
    assert_int_equal(contour_snapshot_load_buffer(s, "admission", 9, broken, strlen(broken),
                                                  CONTOUR_FORMAT_AUTO),
                     CONTOUR_OK);
    assert_int_equal(contour_resolve(&g3, s, NULL), CONTOUR_OK);
    assert_int_equal(state_of(g3, "marketing", "blog"), CONTOUR_STATE_INVALID);
    st = contour_graph_find_status(g3, "marketing", 9, "blog", 4);
    assert_non_null(st);
    assert_string_equal(contour_status_description(st),
                        "route \"/blog\": service \"blog\": port must be in the range 1-65535");

    /* Earlier graphs are unchanged. */
    char *again = tu_graph_json(g1);
    assert_string_equal(json1, again);
    assert_int_equal(state_of(g1, "marketing", "blog"), CONTOUR_STATE_VALID);
    free(json1);
    free(again);
    contour_graph_free(g1);
    contour_graph_free(g2);
    contour_graph_free(g3);
    contour_snapshot_free(s);
}

/* ---- threads ---- */

/* What the threads compare: a hash of everything the accessors return. */
static uint64_t mix(uint64_t h, const char *s)
{
    h ^= 0xff; /* NULL and "" differ */
    h *= 0x100000001b3ULL;
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t mixn(uint64_t h, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    return mix(h, buf);
}

static uint64_t digest_diag(uint64_t h, const contour_diagnostic *d)
{
    h = mix(h, contour_diagnostic_code(d));
    h = mix(h, contour_diagnostic_message(d));
    h = mix(h, contour_diagnostic_file(d));
    h = mix(h, contour_diagnostic_field(d));
    h = mix(h, contour_diagnostic_object_namespace(d));
    h = mix(h, contour_diagnostic_object_name(d));
    h = mixn(h, contour_diagnostic_line(d));
    return mixn(h, contour_diagnostic_column(d));
}

/* Every snapshot accessor a reader would use, including lookups by key. */
static uint64_t digest_snapshot(const contour_snapshot *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int k = 1; k <= (int)contour_kind_count(); k++) {
        for (size_t i = 0; i < contour_snapshot_object_count(s, (contour_kind)k); i++) {
            const contour_object *o = contour_snapshot_object_at(s, (contour_kind)k, i);
            const char *ns = contour_object_namespace(o), *name = contour_object_name(o);
            if (contour_snapshot_find(s, (contour_kind)k, ns, strlen(ns), name, strlen(name)) != o)
                return 0;
            h = mix(mix(mix(h, ns), name), contour_object_api_version(o));
            h = mixn(mixn(h, contour_object_line(o)), contour_object_column(o));
            for (size_t a = 0; a < contour_object_annotation_count(o); a++) {
                const char *key = contour_annotation_key(contour_object_annotation_at(o, a));
                h = mix(mix(h, key), contour_annotation_value(
                                         contour_object_find_annotation(o, key, strlen(key))));
            }
            for (size_t d = 0; d < contour_object_diagnostic_count(o); d++)
                h = digest_diag(h, contour_object_diagnostic_at(o, d));
            for (size_t r = 0; r < contour_ingressroute_route_count(o); r++) {
                const contour_ingressroute_route *rt = contour_ingressroute_route_at(o, r);
                h = mix(h, contour_ingressroute_route_match(rt));
                for (size_t j = 0; j < contour_ingressroute_route_service_count(rt); j++) {
                    const contour_ingressroute_service *sv =
                        contour_ingressroute_route_service_at(rt, j);
                    h = mixn(mix(h, contour_ingressroute_service_name(sv)),
                             (uint64_t)contour_ingressroute_service_port(sv));
                }
            }
            for (size_t p = 0; p < contour_service_port_count(o); p++)
                h = mixn(mix(h, contour_service_port_name(contour_service_port_at(o, p))),
                         (uint64_t)contour_service_port_port(contour_service_port_at(o, p)));
            for (size_t j = 0; j < contour_secret_key_count(o); j++)
                h = mix(h, contour_secret_key_name(contour_secret_key_at(o, j)));
            for (size_t r = 0; r < contour_ingress_rule_count(o); r++)
                h = mix(h, contour_ingress_rule_host(contour_ingress_rule_at(o, r)));
        }
    }
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++)
        h = digest_diag(h, contour_snapshot_diagnostic_at(s, i));
    return mixn(h, contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR));
}

/* Every graph accessor, down to the clusters, plus lookups of each status. */
static uint64_t digest_graph(const contour_graph *g)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t l = 0; l < contour_graph_listener_count(g); l++) {
        const contour_listener *li = contour_graph_listener_at(g, l);
        h = mixn(mix(h, contour_listener_name(li)), contour_listener_port(li));
        for (size_t v = 0; v < contour_listener_vhost_count(li); v++) {
            const contour_vhost *vh = contour_listener_vhost_at(li, v);
            h = mix(mix(h, contour_vhost_fqdn(vh)), contour_vhost_tls_secret_name(vh));
            for (size_t r = 0; r < contour_vhost_route_count(vh); r++) {
                const contour_route *rt = contour_vhost_route_at(vh, r);
                h = mix(mix(h, contour_route_path(rt)), contour_route_source_name(rt));
                for (size_t c = 0; c < contour_route_cluster_count(rt); c++) {
                    const contour_cluster *cl = contour_route_cluster_at(rt, c);
                    h = mix(mix(h, contour_cluster_namespace(cl)), contour_cluster_service(cl));
                    h = mixn(mix(h, contour_cluster_port_name(cl)), contour_cluster_port(cl));
                }
            }
        }
    }
    for (size_t i = 0; i < contour_graph_status_count(g); i++) {
        const contour_status *st = contour_graph_status_at(g, i);
        const char *ns = contour_status_namespace(st), *name = contour_status_name(st);
        if (contour_graph_find_status(g, ns, strlen(ns), name, strlen(name)) != st)
            return 0;
        h = mix(mix(mix(h, ns), name), contour_status_description(st));
        for (size_t j = 0; j < contour_status_vhost_count(st); j++)
            h = mix(h, contour_status_vhost_at(st, j));
    }
    for (size_t i = 0; i < contour_graph_diagnostic_count(g); i++)
        h = digest_diag(h, contour_graph_diagnostic_at(g, i));
    return h;
}

/* A thread-safe counting allocator: the config holding it is shared by every thread. */
typedef struct shared_alloc {
    atomic_long calls;
    atomic_long live;
} shared_alloc;

static void *sa_malloc(size_t n, void *ud)
{
    shared_alloc *a = ud;
    atomic_fetch_add(&a->calls, 1);
    void *p = malloc(n);
    if (p)
        atomic_fetch_add(&a->live, 1);
    return p;
}

static void *sa_realloc(void *p, size_t n, void *ud)
{
    shared_alloc *a = ud;
    atomic_fetch_add(&a->calls, 1);
    void *q = realloc(p, n);
    if (!p && q)
        atomic_fetch_add(&a->live, 1);
    return q;
}

static void sa_free(void *p, void *ud)
{
    atomic_fetch_sub(&((shared_alloc *)ud)->live, 1);
    free(p);
}

enum { RESOLVERS = 8, GRAPH_READERS = 4, SNAPSHOT_READERS = 4, ROUNDS = 100 };

/* Everything the threads share, read-only while they run. */
typedef struct shared {
    const contour_snapshot *snap;
    const contour_config *cfg;
    const contour_graph *graph; /* resolved before the threads start */
    const char *render[3];      /* expected renderings (JSON, text, DOT) */
    uint64_t graph_digest, snapshot_digest;
    pthread_barrier_t start;
} shared;

typedef struct job {
    shared *sh;
    int ok;
    long work;
} job;

static int render_matches(const contour_graph *g, int format, const char *expected)
{
    contour_buffer *b = NULL;
    int ok = contour_graph_render(&b, g, (contour_output_format)format) == CONTOUR_OK &&
             strcmp(contour_buffer_data(b), expected) == 0;
    contour_buffer_free(b);
    return ok;
}

/* Resolves the shared snapshot with the shared config, then reads the new graph. */
static void *resolver(void *arg)
{
    job *j = arg;
    pthread_barrier_wait(&j->sh->start);
    for (int i = 0; i < ROUNDS; i++) {
        contour_graph *g = NULL;
        if (contour_resolve(&g, j->sh->snap, j->sh->cfg) != CONTOUR_OK) {
            j->ok = 0;
            return NULL;
        }
        if (digest_graph(g) != j->sh->graph_digest ||
            !render_matches(g, i % 3, j->sh->render[i % 3]))
            j->ok = 0;
        contour_graph_free(g);
        j->work++;
    }
    return NULL;
}

/* Reads and renders the one graph every reader shares. */
static void *graph_reader(void *arg)
{
    job *j = arg;
    pthread_barrier_wait(&j->sh->start);
    for (int i = 0; i < ROUNDS * 4; i++) {
        if (digest_graph(j->sh->graph) != j->sh->graph_digest ||
            !render_matches(j->sh->graph, i % 3, j->sh->render[i % 3]))
            j->ok = 0;
        j->work++;
    }
    return NULL;
}

/* Reads the snapshot through its accessors while the resolvers read it too. */
static void *snapshot_reader(void *arg)
{
    job *j = arg;
    pthread_barrier_wait(&j->sh->start);
    for (int i = 0; i < ROUNDS * 4; i++) {
        if (digest_snapshot(j->sh->snap) != j->sh->snapshot_digest)
            j->ok = 0;
        j->work++;
    }
    return NULL;
}

/* The sharing rules of docs/api.md ("Threads"), exercised all at once: 8 threads resolve
 * one snapshot with one config (and its allocator) while 4 read and render one graph and
 * 4 read the snapshot's accessors. Run under ThreadSanitizer by .ci/run (build-tsan). */
static void test_concurrent_resolution(void **state)
{
    (void)state;
    size_t len;
    char *extra = tu_read_file(tu_path(tu_source_root(),
                                       "examples/manifests/contour-v0.10/05-delegation-across-"
                                       "namespaces/root.ingressroute.yaml"),
                               &len);
    char *text = malloc(strlen(cluster) + len + 8);
    assert_non_null(text);
    sprintf(text, "%s---\n%s", cluster, extra);
    free(extra);

    shared_alloc counts = {0, 0};
    contour_config *cfg = NULL;
    assert_int_equal(contour_config_new(&cfg), CONTOUR_OK);
    assert_int_equal(contour_config_set_allocator(cfg, sa_malloc, sa_realloc, sa_free, &counts),
                     CONTOUR_OK);
    assert_int_equal(contour_config_add_root_namespace(cfg, "default", 7), CONTOUR_OK);
    contour_snapshot *s = tu_load_with(cfg, "c.yaml", text);
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, cfg), CONTOUR_OK);
    assert_true(contour_graph_status_count(g) >= 3);

    shared sh = {.snap = s, .cfg = cfg, .graph = g};
    char *render[3];
    for (int f = 0; f < 3; f++) {
        contour_buffer *b = NULL;
        assert_int_equal(contour_graph_render(&b, g, (contour_output_format)f), CONTOUR_OK);
        render[f] = strdup(contour_buffer_data(b));
        sh.render[f] = render[f];
        contour_buffer_free(b);
    }
    sh.graph_digest = digest_graph(g);
    sh.snapshot_digest = digest_snapshot(s);
    assert_true(sh.graph_digest != 0 && sh.snapshot_digest != 0);
    long calls_before = atomic_load(&counts.calls);

    enum { N = RESOLVERS + GRAPH_READERS + SNAPSHOT_READERS };
    assert_int_equal(pthread_barrier_init(&sh.start, NULL, N), 0);
    pthread_t t[N];
    job jobs[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (job){&sh, 1, 0};
        void *(*fn)(void *) = i < RESOLVERS                   ? resolver
                              : i < RESOLVERS + GRAPH_READERS ? graph_reader
                                                              : snapshot_reader;
        assert_int_equal(pthread_create(&t[i], NULL, fn, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    pthread_barrier_destroy(&sh.start);
    for (int i = 0; i < N; i++) {
        assert_true(jobs[i].ok);
        assert_int_equal(jobs[i].work, i < RESOLVERS ? ROUNDS : ROUNDS * 4);
    }
    /* The shared allocator served the threads, and got everything back. */
    assert_true(atomic_load(&counts.calls) > calls_before);
    for (int f = 0; f < 3; f++)
        free(render[f]);
    contour_graph_free(g);
    contour_snapshot_free(s);
    assert_int_equal(atomic_load(&counts.live), 0);
    contour_config_free(cfg);
    free(text);
}

/* ---- allocation failure everywhere ---- */

/* What one run under failure injection loads: a buffer, or a path. */
typedef struct input {
    const char *name;
    const char *text; /* NULL: load `path` */
    const char *path;
    uint32_t diagnostics_per_input; /* 0: the library's */
} input;

static contour_config *config_for(const input *in)
{
    contour_config *c;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    if (in->diagnostics_per_input)
        c->diagnostics_per_input = in->diagnostics_per_input;
    return c;
}

static contour_result load_input(contour_snapshot *s, const input *in)
{
    if (in->text)
        return contour_snapshot_load_buffer(s, in->name, strlen(in->name), in->text,
                                            strlen(in->text), CONTOUR_FORMAT_AUTO);
    return contour_snapshot_load_path(s, in->path, CONTOUR_FORMAT_AUTO);
}

/* The three renderings of an input's graph, made with the C library allocator. */
static void render_all(const input *in, char *out[3])
{
    contour_snapshot *s = NULL;
    contour_graph *g = NULL;
    contour_config *c = config_for(in);
    assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
    contour_config_free(c);
    assert_int_equal(load_input(s, in), CONTOUR_OK);
    if (in->diagnostics_per_input) /* the input is there to pass its budget */
        assert_int_equal(tu_diag_count(s, "limit-diagnostics"), 1);
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    for (int f = 0; f < 3; f++) {
        contour_buffer *b = NULL;
        assert_int_equal(contour_graph_render(&b, g, (contour_output_format)f), CONTOUR_OK);
        out[f] = strdup(contour_buffer_data(b));
        contour_buffer_free(b);
    }
    contour_graph_free(g);
    contour_snapshot_free(s);
}

/* Fails the Nth allocation for every N of a whole load -> resolve -> render (JSON, text,
 * DOT) run: each failure must surface as CONTOUR_ERR_NOMEM from the call that met it,
 * with nothing leaked (every handle is freed and the allocator's count of live blocks is
 * back to 0; LeakSanitizer and valgrind check libyaml's side); the run with no failure
 * must render exactly what the C library allocator gives. Returns the number of points. */
static long fail_everywhere(const input *in)
{
    char *expected[3];
    render_all(in, expected);
    tu_failing f = {0, 0, 0, 0};
    contour_config *c = config_for(in);
    assert_int_equal(
        contour_config_set_allocator(c, tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f),
        CONTOUR_OK);
    long n;
    long nomem[3] = {0, 0, 0};
    for (n = 1;; n++) {
        f.calls = 0;
        f.fail_at = n;
        contour_snapshot *s = NULL;
        contour_graph *g = NULL;
        contour_buffer *b[3] = {NULL, NULL, NULL};
        contour_result st = contour_snapshot_new(&s, c);
        int stage = 0;
        if (st == CONTOUR_OK)
            st = load_input(s, in);
        if (st == CONTOUR_OK) {
            stage = 1;
            st = contour_resolve(&g, s, c);
            if (st != CONTOUR_OK)
                assert_null(g);
        }
        for (int fmt = 0; fmt < 3 && st == CONTOUR_OK; fmt++) {
            stage = 2;
            st = contour_graph_render(&b[fmt], g, (contour_output_format)fmt);
            if (st == CONTOUR_OK)
                assert_string_equal(contour_buffer_data(b[fmt]), expected[fmt]);
            else
                assert_null(b[fmt]);
        }
        if (st != CONTOUR_OK)
            nomem[stage]++;
        assert_true(st == CONTOUR_OK || st == CONTOUR_ERR_NOMEM);
        /* A failed load leaves the snapshot as it was: empty. */
        if (stage == 0 && s) {
            for (int k = 1; k <= (int)contour_kind_count(); k++)
                assert_int_equal(contour_snapshot_object_count(s, (contour_kind)k), 0);
            assert_int_equal(contour_snapshot_diagnostic_count(s), 0);
        }
        bool hit = f.calls >= n;
        for (int fmt = 0; fmt < 3; fmt++)
            contour_buffer_free(b[fmt]);
        contour_graph_free(g);
        contour_snapshot_free(s);
        assert_int_equal(f.live, 0);
        if (!hit) {
            assert_int_equal(st, CONTOUR_OK);
            break;
        }
        assert_int_equal(st, CONTOUR_ERR_NOMEM);
    }
    print_message("%-36s %5ld allocation failure points (load %ld, resolve %ld, render %ld)\n",
                  in->name, n - 1, nomem[0], nomem[1], nomem[2]);
    assert_true(nomem[0] > 0 && nomem[1] > 0 && nomem[2] > 0);
    contour_config_free(c);
    for (int fmt = 0; fmt < 3; fmt++)
        free(expected[fmt]);
    return n - 1;
}

/* Representative inputs: a whole cluster in YAML and in JSON, broken documents of every
 * sort (syntax errors, wrong types, unknown fields, duplicates, invalid and orphaned
 * IngressRoutes), an input past its diagnostics budget, and a directory read from disk. */
static void test_allocation_failure_everywhere(void **state)
{
    (void)state;
    size_t len;
    char *root = tu_read_file(tu_path(tu_source_root(),
                                      "examples/manifests/contour-v0.10/05-delegation-across-"
                                      "namespaces/root.ingressroute.yaml"),
                              &len);
    char *cluster_yaml = malloc(strlen(cluster) + len + 8);
    assert_non_null(cluster_yaml);
    sprintf(cluster_yaml, "%s---\n%s", cluster, root);
    free(root);

    /* The JSON seeds of the fuzzers: every kind, in JSON. */
    static const char *const json_seeds[] = {"ingressroute.json", "tcpproxy.json", "ingress.json",
                                             "list.json"};
    char *json = calloc(1, 1);
    for (size_t i = 0; i < sizeof json_seeds / sizeof *json_seeds; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "fuzz/seeds/%s", json_seeds[i]);
        char *t = tu_read_file(tu_path(tu_source_root(), rel), &len);
        char *grown = realloc(json, strlen(json) + len + 2);
        assert_non_null(grown);
        json = grown;
        strcat(json, t);
        strcat(json, "\n");
        free(t);
    }

    /* Broken documents of every sort. */
    static const char *const broken_files[] = {"invalid.yaml", "syntax-error.yaml", "orphaned.yaml",
                                               "no-namespace.yaml"};
    char *broken = strdup("apiVersion: v1\nkind: Service\nmetadata: {name: dup}\nspec: {x: 1}\n"
                          "---\napiVersion: v1\nkind: Service\nmetadata: {name: dup}\n"
                          "---\napiVersion: v1\nkind: Service\nmetadata: {name: t, a: 1, a: 2}\n"
                          "---\n[1, 2]\n");
    for (size_t i = 0; i < sizeof broken_files / sizeof *broken_files; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "tests/cli/fixtures/%s", broken_files[i]);
        char *t = tu_read_file(tu_path(tu_source_root(), rel), &len);
        char *grown = realloc(broken, strlen(broken) + len + 8);
        assert_non_null(grown);
        broken = grown;
        strcat(broken, "\n---\n");
        strcat(broken, t);
        free(t);
    }

    /* 101 documents without kind, then a root, with a budget of 100 diagnostics: the
     * budget's notice under failures (the library's 10,000 made this sweep 1,200 whole
     * runs of 10,001 documents, 100 s under ASan). */
    size_t nbad = 101;
    char *budget = malloc(nbad * 7 + strlen(cluster) + 8);
    assert_non_null(budget);
    for (size_t i = 0; i < nbad; i++)
        memcpy(budget + 7 * i, "---\n{}\n", 7);
    sprintf(budget + 7 * nbad, "---\n%s", cluster);

    char *dir = strdup(tu_path(tu_source_root(), "tests/cli/fixtures/valid"));
    const input inputs[] = {
        {"cluster (YAML)", cluster_yaml, NULL, 0},
        {"every kind (JSON)", json, NULL, 0},
        {"broken documents", broken, NULL, 0},
        {"past the diagnostics budget", budget, NULL, 100},
        {"a directory", NULL, dir, 0},
    };
    long total = 0;
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++)
        total += fail_everywhere(&inputs[i]);
    print_message("%-36s %5ld\n", "allocation failure points in all", total);
    free(dir);
    free(budget);
    free(broken);
    free(json);
    free(cluster_yaml);
}

/* A call that fails with CONTOUR_ERR_NOMEM leaves no trace, even when it had already
 * recorded a diagnostic about its input (limit-input, io-error) before running out of
 * memory: such a diagnostic used to stay in the snapshot's list, unindexed, and surfaced
 * with the next successful load. */
static void test_failed_load_leaves_no_trace(void **state)
{
    (void)state;
    static const char small[] = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n";
    tu_failing f = {0, 0, 0, 0};
    contour_config *c;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(
        contour_config_set_allocator(c, tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f),
        CONTOUR_OK);
    assert_int_equal(contour_config_set_limit(c, CONTOUR_LIMIT_INPUT_BYTES, 10), CONTOUR_OK);
    long points = 0;
    for (int what = 0; what < 2; what++) {
        for (long n = 1;; n++) {
            contour_snapshot *s = NULL;
            f.fail_at = 0;
            assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
            f.calls = 0;
            f.fail_at = n;
            contour_result st =
                what == 0 ? contour_snapshot_load_buffer(s, "big", 3, small, strlen(small),
                                                         CONTOUR_FORMAT_AUTO)
                          : contour_snapshot_load_path(s, "/nonexistent/contour-test",
                                                       CONTOUR_FORMAT_AUTO);
            bool hit = f.calls >= n;
            f.fail_at = 0;
            if (!hit) {
                assert_int_equal(st, what == 0 ? CONTOUR_ERR_LIMIT : CONTOUR_ERR_IO);
                assert_int_equal(contour_snapshot_diagnostic_count(s), 1);
                contour_snapshot_free(s);
                break;
            }
            points++;
            assert_int_equal(st, CONTOUR_ERR_NOMEM);
            assert_int_equal(contour_snapshot_diagnostic_count(s), 0);
            /* The next load must show only its own diagnostics. */
            assert_int_equal(contour_snapshot_load_buffer(s, "ok", 2, "{}", 2, CONTOUR_FORMAT_AUTO),
                             CONTOUR_OK);
            assert_int_equal(contour_snapshot_diagnostic_count(s), 1);
            assert_string_equal(contour_diagnostic_code(contour_snapshot_diagnostic_at(s, 0)),
                                "missing-kind");
            contour_snapshot_free(s);
            assert_int_equal(f.live, 0);
        }
    }
    assert_true(points >= 2);
    print_message("failed loads that had recorded a diagnostic: %ld allocation failure points\n",
                  points);
    contour_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graph_outlives_snapshot),
        cmocka_unit_test(test_incremental_update),
        cmocka_unit_test(test_concurrent_resolution),
        cmocka_unit_test(test_allocation_failure_everywhere),
        cmocka_unit_test(test_failed_load_leaves_no_trace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
