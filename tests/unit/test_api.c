/* End to end through the public API: the lifetime rules (graphs outlive snapshots and
 * are unaffected by later changes), incremental updates, concurrent resolution, and
 * allocation failure at every point of load -> resolve -> render. */
#include "testutil.h"

#include <pthread.h>
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
    const contour_object_status *st = NULL;
    assert_int_equal(contour_graph_find_status(&st, g, ns, strlen(ns), name, strlen(name)),
                     CONTOUR_OK);
    return contour_object_status_state(st);
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
    const contour_object_status *st = NULL;
    assert_int_equal(contour_graph_find_status(&st, g2, "marketing", 9, "blog", 4),
                     CONTOUR_ERR_NOT_FOUND);
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
    assert_int_equal(contour_graph_find_status(&st, g3, "marketing", 9, "blog", 4), CONTOUR_OK);
    assert_string_equal(contour_object_status_description(st),
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

typedef struct job {
    const contour_snapshot *snap;
    const char *expected;
    int ok;
} job;

static void *resolve_and_read(void *arg)
{
    job *j = arg;
    j->ok = 1;
    for (int i = 0; i < 20; i++) {
        contour_graph *g = NULL;
        if (contour_resolve(&g, j->snap, NULL) != CONTOUR_OK) {
            j->ok = 0;
            return NULL;
        }
        contour_buffer *b = NULL;
        if (contour_graph_render(&b, g, CONTOUR_OUTPUT_JSON) != CONTOUR_OK ||
            strcmp(contour_buffer_data(b), j->expected) != 0)
            j->ok = 0;
        contour_buffer_free(b);
        contour_graph_free(g);
    }
    return NULL;
}

static void *read_graph(void *arg)
{
    const contour_graph *g = arg;
    size_t sink = 0;
    for (int i = 0; i < 200; i++) {
        for (size_t k = 0; k < contour_graph_status_count(g); k++)
            sink += strlen(contour_object_status_description(contour_graph_status_at(g, k)));
        for (size_t k = 0; k < contour_graph_diagnostic_count(g); k++)
            sink += strlen(contour_diagnostic_message(contour_graph_diagnostic_at(g, k)));
    }
    return (void *)sink;
}

static void test_concurrent_resolution(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("c.yaml", cluster);
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    char *expected = tu_graph_json(g);
    pthread_t t[16];
    job jobs[8];
    for (int i = 0; i < 8; i++) {
        jobs[i] = (job){s, expected, 0};
        assert_int_equal(pthread_create(&t[i], NULL, resolve_and_read, &jobs[i]), 0);
    }
    for (int i = 8; i < 16; i++)
        assert_int_equal(pthread_create(&t[i], NULL, read_graph, g), 0);
    for (int i = 0; i < 16; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 8; i++)
        assert_true(jobs[i].ok);
    free(expected);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

/* ---- allocation failure everywhere ---- */

typedef struct failing {
    long fail_at;
    long calls;
    long live;
} failing;

static void *f_malloc(size_t n, void *ud)
{
    failing *f = ud;
    if (++f->calls == f->fail_at)
        return NULL;
    void *p = malloc(n);
    f->live += p != NULL;
    return p;
}

static void *f_realloc(void *p, size_t n, void *ud)
{
    failing *f = ud;
    if (++f->calls == f->fail_at)
        return NULL;
    void *q = realloc(p, n);
    f->live += p == NULL && q != NULL;
    return q;
}

static void f_free(void *p, void *ud)
{
    ((failing *)ud)->live--;
    free(p);
}

/* Fails the Nth allocation for every N of a whole load -> resolve -> render run on a
 * representative input: each failure must surface as CONTOUR_ERR_NOMEM from the call that
 * met it, with nothing leaked; the run with no failure must match the expected output. */
static void test_allocation_failure_everywhere(void **state)
{
    (void)state;
    size_t len;
    char *path = strdup(tu_path(tu_source_root(),
                                "examples/manifests/contour-v0.10/05-delegation-across-"
                                "namespaces/root.ingressroute.yaml"));
    char *root = tu_read_file(path, &len);
    char *text = malloc(strlen(cluster) + len + 8);
    sprintf(text, "%s---\n%s", cluster, root);
    free(root);
    free(path);

    char *expected;
    {
        contour_snapshot *s = tu_load("input", text);
        contour_graph *g = NULL;
        assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
        expected = tu_graph_json(g);
        contour_graph_free(g);
        contour_snapshot_free(s);
    }
    failing f = {0, 0, 0};
    contour_config *c;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_set_allocator(c, f_malloc, f_realloc, f_free, &f), CONTOUR_OK);
    long n;
    long nomem[3] = {0, 0, 0};
    for (n = 1;; n++) {
        f.calls = 0;
        f.fail_at = n;
        contour_snapshot *s = NULL;
        contour_graph *g = NULL;
        contour_buffer *b = NULL;
        contour_status st = contour_snapshot_new(&s, c);
        if (st == CONTOUR_OK)
            st = contour_snapshot_load_buffer(s, "input", 5, text, strlen(text),
                                              CONTOUR_FORMAT_AUTO);
        else
            nomem[0]++;
        if (st == CONTOUR_OK) {
            st = contour_resolve(&g, s, c);
            if (st == CONTOUR_OK) {
                st = contour_graph_render(&b, g, CONTOUR_OUTPUT_JSON);
                if (st == CONTOUR_OK)
                    assert_string_equal(contour_buffer_data(b), expected);
                else
                    nomem[2]++;
            } else {
                assert_null(g);
                nomem[1]++;
            }
        } else if (s) {
            nomem[0]++;
        }
        assert_true(st == CONTOUR_OK || st == CONTOUR_ERR_NOMEM);
        bool hit = f.calls >= n;
        contour_buffer_free(b);
        contour_graph_free(g);
        contour_snapshot_free(s);
        assert_int_equal(f.live, 0);
        if (!hit) {
            assert_int_equal(st, CONTOUR_OK);
            break;
        }
        assert_int_equal(st, CONTOUR_ERR_NOMEM);
    }
    print_message("allocation failure points: %ld (load %ld, resolve %ld, render %ld)\n", n - 1,
                  nomem[0], nomem[1], nomem[2]);
    assert_true(nomem[0] > 0 && nomem[1] > 0 && nomem[2] > 0);
    contour_config_free(c);
    free(expected);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graph_outlives_snapshot),
        cmocka_unit_test(test_incremental_update),
        cmocka_unit_test(test_concurrent_resolution),
        cmocka_unit_test(test_allocation_failure_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
