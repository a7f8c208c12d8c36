/* A YAML input read on several threads (contour_config_set_threads) gives what one thread
 * gives: every object (each field, through the public object API), every diagnostic
 * (severity, code, message, file, line, column, field, object) and the resolved graph,
 * for 1, 2, 3 and 8 threads. The inputs: generated clusters, the wild corpus in one
 * stream, a table of hostile inputs placed at every position relative to the places the
 * input is split, and random mutations of them. Allocation failures with threads leave the
 * snapshot as it was and leak nothing. Inputs are split whatever their size here
 * (parallel_min_bytes 0), except in test_default_threshold. */
#include "testutil.h"

#include "config_internal.h"
#include "gen.h"
#include "load_recorder.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const uint32_t thread_counts[] = {2, 3, 8};

/* ---- dumping a snapshot through the public API ---- */

static void str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    fputs(s, f); /* compared, never parsed: no escaping needed */
    fputc('"', f);
}

static void diag(FILE *f, const contour_diagnostic *d)
{
    fprintf(f, "  diag %s %s ", contour_severity_name(contour_diagnostic_severity(d)),
            contour_diagnostic_code(d));
    str(f, contour_diagnostic_message(d));
    fprintf(f, " at ");
    str(f, contour_diagnostic_file(d));
    fprintf(f, ":%u:%u field ", contour_diagnostic_line(d), contour_diagnostic_column(d));
    str(f, contour_diagnostic_field(d));
    fprintf(f, " object %s ", contour_kind_name(contour_diagnostic_object_kind(d)));
    str(f, contour_diagnostic_object_namespace(d));
    fputc('/', f);
    str(f, contour_diagnostic_object_name(d));
    fputc('\n', f);
}

static void service(FILE *f, const contour_ingressroute_service *s)
{
    fprintf(f, "    service ");
    str(f, contour_ingressroute_service_name(s));
    fprintf(f, " %lld %lld ", (long long)contour_ingressroute_service_port(s),
            (long long)contour_ingressroute_service_weight(s));
    str(f, contour_ingressroute_service_strategy(s));
    const contour_health_check *h = contour_ingressroute_service_health_check(s);
    if (h) {
        fprintf(f, " hc ");
        str(f, contour_health_check_path(h));
        str(f, contour_health_check_host(h));
        fprintf(f, " %lld %lld %lld %lld", (long long)contour_health_check_interval_s(h),
                (long long)contour_health_check_timeout_s(h),
                (long long)contour_health_check_unhealthy_threshold(h),
                (long long)contour_health_check_healthy_threshold(h));
    }
    fputc('\n', f);
}

static void ingressroute(FILE *f, const contour_object *o)
{
    fprintf(f, "  vhost %d ", contour_ingressroute_has_virtualhost(o));
    str(f, contour_ingressroute_fqdn(o));
    fprintf(f, " tls %d ", contour_ingressroute_has_tls(o));
    str(f, contour_ingressroute_tls_secret_name(o));
    str(f, contour_ingressroute_tls_min_protocol_version(o));
    fprintf(f, " %d\n", contour_ingressroute_tls_passthrough(o));
    for (size_t i = 0; i < contour_ingressroute_route_count(o); i++) {
        const contour_ingressroute_route *r = contour_ingressroute_route_at(o, i);
        fprintf(f, "   route ");
        str(f, contour_ingressroute_route_match(r));
        fprintf(f, " delegate %d ", contour_ingressroute_route_has_delegate(r));
        str(f, contour_ingressroute_route_delegate_name(r));
        str(f, contour_ingressroute_route_delegate_namespace(r));
        fprintf(f, " ws %d insecure %d rewrite ", contour_ingressroute_route_enable_websockets(r),
                contour_ingressroute_route_permit_insecure(r));
        str(f, contour_ingressroute_route_prefix_rewrite(r));
        fprintf(f, " timeout %d ", contour_ingressroute_route_has_timeout_policy(r));
        str(f, contour_ingressroute_route_timeout_policy_request(r));
        fprintf(f, " retry %d %lld ", contour_ingressroute_route_has_retry_policy(r),
                (long long)contour_ingressroute_route_retry_policy_count(r));
        str(f, contour_ingressroute_route_retry_policy_per_try_timeout(r));
        fputc('\n', f);
        for (size_t j = 0; j < contour_ingressroute_route_service_count(r); j++)
            service(f, contour_ingressroute_route_service_at(r, j));
    }
    fprintf(f, "  tcpproxy %d delegate %d ", contour_ingressroute_has_tcpproxy(o),
            contour_ingressroute_tcpproxy_has_delegate(o));
    str(f, contour_ingressroute_tcpproxy_delegate_name(o));
    str(f, contour_ingressroute_tcpproxy_delegate_namespace(o));
    fputc('\n', f);
    for (size_t j = 0; j < contour_ingressroute_tcpproxy_service_count(o); j++)
        service(f, contour_ingressroute_tcpproxy_service_at(o, j));
}

static void backend(FILE *f, const contour_ingress_backend *b)
{
    if (!b) {
        fputs(" none", f);
        return;
    }
    fputc(' ', f);
    str(f, contour_ingress_backend_service_name(b));
    fprintf(f, " %lld ", (long long)contour_ingress_backend_port(b));
    str(f, contour_ingress_backend_port_name(b));
    fprintf(f, " %d", contour_ingress_backend_is_resource(b));
}

static void ingress(FILE *f, const contour_object *o)
{
    fprintf(f, "  class ");
    str(f, contour_ingress_class_name(o));
    fprintf(f, " default");
    backend(f, contour_ingress_default_backend(o));
    fputc('\n', f);
    for (size_t i = 0; i < contour_ingress_rule_count(o); i++) {
        const contour_ingress_rule *r = contour_ingress_rule_at(o, i);
        fprintf(f, "   rule ");
        str(f, contour_ingress_rule_host(r));
        fprintf(f, " http %d\n", contour_ingress_rule_has_http(r));
        for (size_t j = 0; j < contour_ingress_rule_path_count(r); j++) {
            const contour_ingress_path *p = contour_ingress_rule_path_at(r, j);
            fprintf(f, "    path ");
            str(f, contour_ingress_path_path(p));
            str(f, contour_ingress_path_path_type(p));
            backend(f, contour_ingress_path_backend(p));
            fputc('\n', f);
        }
    }
    for (size_t i = 0; i < contour_ingress_tls_count(o); i++) {
        const contour_ingress_tls *t = contour_ingress_tls_at(o, i);
        fprintf(f, "   tls ");
        str(f, contour_ingress_tls_secret_name(t));
        for (size_t j = 0; j < contour_ingress_tls_host_count(t); j++)
            str(f, contour_ingress_tls_host_at(t, j));
        fputc('\n', f);
    }
}

static void object(FILE *f, const contour_object *o)
{
    contour_kind k = contour_object_kind(o);
    fprintf(f, "object %s ", contour_kind_name(k));
    str(f, contour_object_api_version(o));
    str(f, contour_object_namespace(o));
    str(f, contour_object_name(o));
    str(f, contour_object_file(o));
    fprintf(f, " %u:%u\n", contour_object_line(o), contour_object_column(o));
    for (size_t i = 0; i < contour_object_annotation_count(o); i++) {
        const contour_annotation *a = contour_object_annotation_at(o, i);
        fprintf(f, "  annotation ");
        str(f, contour_annotation_key(a));
        str(f, contour_annotation_value(a));
        fputc('\n', f);
    }
    for (size_t i = 0; i < contour_object_diagnostic_count(o); i++)
        diag(f, contour_object_diagnostic_at(o, i));
    switch (k) {
    case CONTOUR_KIND_INGRESSROUTE:
        ingressroute(f, o);
        break;
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION:
        for (size_t i = 0; i < contour_tlscertificatedelegation_delegation_count(o); i++) {
            const contour_tlscertificatedelegation_delegation *d =
                contour_tlscertificatedelegation_delegation_at(o, i);
            fprintf(f, "  delegation ");
            str(f, contour_tlscertificatedelegation_delegation_secret_name(d));
            for (size_t j = 0;
                 j < contour_tlscertificatedelegation_delegation_target_namespace_count(d); j++)
                str(f, contour_tlscertificatedelegation_delegation_target_namespace_at(d, j));
            fputc('\n', f);
        }
        break;
    case CONTOUR_KIND_INGRESS:
        ingress(f, o);
        break;
    case CONTOUR_KIND_SERVICE:
        for (size_t i = 0; i < contour_service_port_count(o); i++) {
            const contour_service_port *p = contour_service_port_at(o, i);
            fprintf(f, "  port ");
            str(f, contour_service_port_name(p));
            fprintf(f, " %lld\n", (long long)contour_service_port_port(p));
        }
        break;
    case CONTOUR_KIND_SECRET:
        fprintf(f, "  type ");
        str(f, contour_secret_type(o));
        fprintf(f, " tls %d\n", contour_secret_is_tls(o));
        for (size_t i = 0; i < contour_secret_key_count(o); i++) {
            const contour_secret_key *key = contour_secret_key_at(o, i);
            fprintf(f, "  key ");
            str(f, contour_secret_key_name(key));
            fprintf(f, " %d\n", contour_secret_key_has_value(key));
        }
        break;
    default:
        break;
    }
}

/* Everything a snapshot shows, as text (malloc'd). */
static char *dump(const contour_snapshot *s, bool with_graph)
{
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    assert_non_null(f);
    for (int k = 1; k <= (int)contour_kind_count(); k++) {
        for (size_t i = 0; i < contour_snapshot_object_count(s, (contour_kind)k); i++)
            object(f, contour_snapshot_object_at(s, (contour_kind)k, i));
    }
    fprintf(f, "diagnostics %zu\n", contour_snapshot_diagnostic_count(s));
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++)
        diag(f, contour_snapshot_diagnostic_at(s, i));
    if (with_graph) {
        contour_graph *g = NULL;
        assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
        char *json = tu_graph_json(g);
        fputs(json, f);
        free(json);
        contour_graph_free(g);
    }
    fclose(f);
    return out;
}

/* ---- loading with a number of threads ---- */

typedef struct setup {
    uint64_t documents; /* CONTOUR_LIMIT_DOCUMENTS, 0: default */
    uint64_t scalar;    /* CONTOUR_LIMIT_SCALAR_BYTES, 0: default */
    uint64_t depth;     /* CONTOUR_LIMIT_DEPTH, 0: default */
    bool graph;         /* compare the resolved graphs too */
} setup;

static contour_config *config_for(uint32_t threads, const setup *su, bool split_small)
{
    contour_config *c = NULL;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_set_threads(c, threads), CONTOUR_OK);
    assert_int_equal(contour_config_threads(c), threads);
    if (split_small)
        c->parallel_min_bytes = 0;
    if (su && su->documents)
        contour_config_set_limit(c, CONTOUR_LIMIT_DOCUMENTS, su->documents);
    if (su && su->scalar)
        contour_config_set_limit(c, CONTOUR_LIMIT_SCALAR_BYTES, su->scalar);
    if (su && su->depth)
        contour_config_set_limit(c, CONTOUR_LIMIT_DEPTH, su->depth);
    return c;
}

static char *load_dump(const char *data, size_t len, uint32_t threads, const setup *su,
                       contour_result *rc)
{
    contour_config *c = config_for(threads, su, true);
    contour_snapshot *s = NULL;
    assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
    *rc = contour_snapshot_load_buffer(s, "in.yaml", 7, data, len, CONTOUR_FORMAT_YAML);
    char *d = dump(s, su && su->graph);
    contour_snapshot_free(s);
    contour_config_free(c);
    return d;
}

/* Prints where two dumps part, for the failure message. */
static void show_difference(const char *what, const char *a, const char *b)
{
    size_t i = 0, line = 1, start = 0;
    while (a[i] && a[i] == b[i]) {
        if (a[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    fprintf(stderr, "%s: differs at dump line %zu\n  1 thread: %.200s\n  threaded: %.200s\n", what,
            line, a + start, b + start);
}

/* Loads `data` with 1, 2, 3 and 8 threads: the dumps must be equal. */
static void check_equivalent(const char *what, const char *data, size_t len, const setup *su)
{
    contour_result rc1, rcn;
    char *one = load_dump(data, len, 1, su, &rc1);
    for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
        char *many = load_dump(data, len, thread_counts[t], su, &rcn);
        if (rc1 != rcn || strcmp(one, many) != 0) {
            fprintf(stderr, "[%u threads] ", thread_counts[t]);
            show_difference(what, one, many);
            fail_msg("%s: %u threads differ from one (rc %d vs %d)", what, thread_counts[t],
                     (int)rc1, (int)rcn);
        }
        free(many);
    }
    free(one);
}

/* ---- generated clusters and the corpus ---- */

static void test_generated_clusters(void **state)
{
    (void)state;
    size_t n = tu_under_valgrind() ? 400 : 4000, len;
    setup su = {0, 0, 0, true};
    char *data = gen_cluster(n, GEN_YAML, &len);
    check_equivalent("generated cluster, units shape", data, len, &su);
    free(data);
    data = gen_cluster_shape(n, &gen_shape_realistic, GEN_YAML, &len);
    check_equivalent("generated cluster, realistic shape", data, len, &su);
    free(data);
}

/* All three renderings of a graph, one after the other (malloc'd). */
static char *renderings(const contour_graph *g)
{
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    assert_non_null(f);
    for (int fmt = CONTOUR_OUTPUT_JSON; fmt <= CONTOUR_OUTPUT_DOT; fmt++) {
        contour_buffer *b = NULL;
        assert_int_equal(contour_graph_render(&b, g, (contour_output_format)fmt), CONTOUR_OK);
        fwrite(contour_buffer_data(b), 1, contour_buffer_size(b), f);
        contour_buffer_free(b);
    }
    fclose(f);
    return out;
}

/* Resolution on several threads, apart from loading: one snapshot read on one thread,
 * resolved (and brought up to date after a change) with configs allowing 1, 2, 3 and 8
 * threads. Every rendering must be the one thread's, byte for byte. */
static void test_resolution_threads(void **state)
{
    (void)state;
    size_t n = tu_under_valgrind() ? 600 : 6000, len;
    char *data = gen_cluster_shape(n, &gen_shape_realistic, GEN_YAML, &len);
    static const char change[] = "apiVersion: contour.heptio.com/v1beta1\n"
                                 "kind: IngressRoute\n"
                                 "metadata: {name: late, namespace: default}\n"
                                 "spec:\n"
                                 "  virtualhost: {fqdn: late.example.com}\n"
                                 "  routes: [{match: /, services: [{name: s, port: 80}]}]\n";
    char *one = NULL, *one_after = NULL;
    const uint32_t counts[] = {1, 2, 3, 8};
    for (size_t t = 0; t < sizeof counts / sizeof counts[0]; t++) {
        contour_config *c = config_for(counts[t], NULL, false);
        contour_snapshot *mine = NULL;
        assert_int_equal(contour_snapshot_new(&mine, NULL), CONTOUR_OK);
        assert_int_equal(
            contour_snapshot_load_buffer(mine, "c.yaml", 6, data, len, CONTOUR_FORMAT_YAML),
            CONTOUR_OK);
        contour_graph *g = NULL, *g2 = NULL;
        assert_int_equal(contour_resolve(&g, mine, c), CONTOUR_OK);
        char *r = renderings(g);
        assert_int_equal(contour_snapshot_load_buffer(mine, "late.yaml", 9, change,
                                                      sizeof change - 1, CONTOUR_FORMAT_YAML),
                         CONTOUR_OK);
        assert_int_equal(contour_resolve_update(&g2, mine, g, c), CONTOUR_OK);
        char *r2 = renderings(g2);
        if (!one) {
            one = r;
            one_after = r2;
        } else {
            if (strcmp(one, r) != 0)
                show_difference("resolution", one, r);
            assert_string_equal(one, r);
            if (strcmp(one_after, r2) != 0)
                show_difference("update", one_after, r2);
            assert_string_equal(one_after, r2);
            free(r);
            free(r2);
        }
        contour_graph_free(g2);
        contour_graph_free(g);
        contour_snapshot_free(mine);
        contour_config_free(c);
    }
    assert_true(strstr(one_after, "late.example.com") != NULL);
    free(one);
    free(one_after);
    free(data);
}

/* The real threshold: a cluster just over it is read in pieces (and its result is that
 * of one thread); one under it is not split at all. */
static void test_default_threshold(void **state)
{
    (void)state;
    if (tu_under_valgrind())
        skip();
    size_t len;
    char *data = gen_cluster(16000, GEN_YAML, &len);
    assert_true(len > CX_PARALLEL_MIN_BYTES);
    char *dumps[2];
    for (int i = 0; i < 2; i++) {
        contour_config *c = config_for(i ? 2 : 1, NULL, false);
        contour_snapshot *s = NULL;
        assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
        assert_int_equal(
            contour_snapshot_load_buffer(s, "big.yaml", 8, data, len, CONTOUR_FORMAT_AUTO),
            CONTOUR_OK);
        dumps[i] = dump(s, false);
        contour_snapshot_free(s);
        contour_config_free(c);
    }
    assert_string_equal(dumps[0], dumps[1]);
    free(dumps[0]);
    free(dumps[1]);
    free(data);
}

static int name_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_wild_corpus(void **state)
{
    (void)state;
    tu_require_shared("corpus/wild");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", tu_path(tu_shared_root(), "corpus/wild"));
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[1024];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 1024) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    assert_true(n > 10);
    qsort(names, n, sizeof *names, name_compare);
    char *all = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&all, &size);
    for (size_t i = 0; i < n; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len;
        char *text = tu_read_file(path, &len);
        fputs(i ? "\n---\n" : "", f);
        fwrite(text, 1, len, f);
        free(text);
        free(names[i]);
    }
    fclose(f);
    setup su = {0, 0, 0, true};
    check_equivalent("wild corpus", all, size, &su);
    free(all);
}

/* ---- hostile inputs ---- */

typedef struct hostile {
    const char *name;
    const char *text;
    size_t len; /* texts may hold NUL bytes */
    setup su;
} hostile;

#define H(name, text, ...)                                                                         \
    {                                                                                              \
        name, text, sizeof(text) - 1, __VA_ARGS__                                                  \
    }

#define MANIFEST(name)                                                                             \
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: " name "\n  namespace: ns\n"                \
    "spec:\n  ports:\n  - port: 80\n"

static const hostile hostiles[] = {
    H("--- in a block scalar",
      "kind: ConfigMap\napiVersion: v1\nmetadata: {name: cm}\ndata:\n  x: |\n    a\n    ---\n"
      "    b\n  y: >\n    c\n---\n    d\n",
      {0}),
    H("--- in a double-quoted scalar",
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: \"abc\n---\n  def\"\n", {0}),
    H("--- in a single-quoted scalar",
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: 'abc\n--- x\n  def'\n", {0}),
    H("--- in a plain multi-line scalar", "a: b\n  c\n---\nd: e\n  f\n", {0}),
    H("--- cutting a flow collection", "apiVersion: v1\nkind: Service\nmetadata: {name: [a,\n---\n",
      {0}),
    H("--- cutting a flow map at column 0", "{a: 1,\n--- \n}\n", {0}),
    H("marker lookalikes",
      "a: 1\n---x\n--- # comment\n---\t\n# ---\n ---\n----\n--- |\n  text\n--- >-\n x\n", {0}),
    H("document end markers",
      "a: 1\n...\n---\nb: 2\n...\nc: 3\n...\n...\n---\n" MANIFEST("after-dots"), {0}),
    H("bare document after ...", "a: 1\n...\nb: 2\n---\nc: 3\n...\n" MANIFEST("bare"), {0}),
    H("CRLF",
      "apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: crlf\r\n---\r\na: [1,\r\n"
      "---\r\nkind: Service\r\napiVersion: v1\r\nmetadata: {name: crlf2}\r\n",
      {0}),
    H("lone CR and NEL line breaks",
      "a: 1\r---\rkind: Service\rapiVersion: v1\rmetadata: {name: cr}\r---\xc2\x85"
      "b: 2\xc2\x85---\xe2\x80\xa8" MANIFEST("ls"),
      {0}),
    H("BOM in the middle", "\xef\xbb\xbf---\na: 1\n" MANIFEST("bom"), {0}),
    H("%YAML directive", "%YAML 1.1\n---\n" MANIFEST("directive"), {0}),
    H("%TAG directive", "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n---\nb: !e!x 2\n", {0}),
    H("syntax errors", "a: [1,\nb: }\n---\nc: @x\n---\nkey: \"unterminated\n", {0}),
    H("error in the held document end", "a:\n  b: 1\n c: 2\n---\nd: ]\n", {0}),
    H("anchors and aliases",
      "a: &x {k: v}\nb: *x\n---\nc: *x\n---\nbase: &b {name: n}\nmetadata:\n  <<: *b\n"
      "kind: Service\napiVersion: v1\n---\nd: *nowhere\n",
      {0}),
    H("recursive alias", "a: &r [*r]\n", {0}),
    H("not maps", "- a\n- b\n---\nscalar\n---\n---\n\n---\n[]\n---\n\"str\"\n---\n~\n", {0}),
    H("a List",
      "apiVersion: v1\nkind: List\nitems:\n- " MANIFEST(
          "item1") "- apiVersion: v1\n  kind: Secret\n"
                   "  metadata: {name: s1, namespace: ns}\n- {kind: List, items: [{kind: Service, "
                   "apiVersion: "
                   "v1, metadata: {name: nested}}]}\n- bad: [\n",
      {0}),
    H("kind after items",
      "items:\n- {kind: Service, apiVersion: v1, metadata: {name: late}}\nkind: ServiceList\n",
      {0}),
    H("bad bytes before any manifest", "a: 1\n---\nb: \x01\n---\nc: \xff\n---\nd: \x00\n", {0}),
    H("bad bytes after a manifest", MANIFEST("m") "---\nb: \x01\n---\nc: \xc3\n", {0}),
    H("duplicate keys and objects",
      MANIFEST("dup") "---\n" MANIFEST("dup") "---\na: 1\na: 2\nkind: Service\n", {0}),
    H("a non-modelled Contour kind",
      "apiVersion: projectcontour.io/v1\nkind: HTTPProxy\nmetadata: {name: p}\n", {0}),
    H("deep nesting", "a: [[[[[[[[[[[[1]]]]]]]]]]]]\n---\nb: {c: {d: {e: {f: {g: 1}}}}}\n",
      {0, 0, 5, false}),
    H("scalars near the scalar limit",
      "a: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n# "
      "a comment longer than the limit of sixty-four bytes, which is what it is\n",
      {0, 64, 0, false}),
    H("the documents limit", MANIFEST("l1") "---\n" MANIFEST("l2") "---\n" MANIFEST("l3"),
      {7, 0, 0, false}),
    H("no final line break", "a: 1\n---\nb: [1", {0}),
    H("tabs and odd indentation", "a:\n\t- 1\n---\nb:\n  - 1\n - 2\n", {0}),
};

/* A filler document: a Service, so each filler loads and the graph has something. */
static void filler(FILE *f, size_t i)
{
    fprintf(f,
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: fill%zu\n  namespace: ns\n"
            "spec:\n  ports:\n  - port: %zu\n",
            i, 80 + i % 7);
}

/* What goes before filler document i (i == n: after the last). */
typedef void (*insert_fn)(FILE *f, size_t i, const void *ctx);

/* n filler documents and what `insert` adds between them (malloc'd; length in *len). */
static char *with_fillers(size_t n, insert_fn insert, const void *ctx, size_t *len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    for (size_t i = 0; i <= n; i++) {
        insert(f, i, ctx);
        if (i < n)
            filler(f, i);
    }
    fclose(f);
    *len = size;
    return buf;
}

static void put_hostile(FILE *f, const hostile *h)
{
    fputs("---\n", f);
    fwrite(h->text, 1, h->len, f);
    fputc('\n', f); /* some texts end without a line break */
}

typedef struct placed {
    const hostile *h;
    size_t at;
} placed;

static void insert_placed(FILE *f, size_t i, const void *ctx)
{
    const placed *p = ctx;
    if (i == p->at)
        put_hostile(f, p->h);
}

/* `text` among filler documents, placed after 0 .. 11 of them (of 12): with 2, 3 and 8
 * pieces, the places the input is split fall before, inside and after it. */
static void test_hostile_table(void **state)
{
    (void)state;
    /* Under valgrind, every third place. */
    size_t step = tu_under_valgrind() ? 3 : 1;
    for (size_t h = 0; h < sizeof hostiles / sizeof *hostiles; h++) {
        for (size_t at = 0; at < 12; at += step) {
            placed pl = {&hostiles[h], at};
            size_t size;
            char *buf = with_fillers(12, insert_placed, &pl, &size);
            char what[160];
            snprintf(what, sizeof what, "%s (after %zu fillers)", hostiles[h].name, at);
            check_equivalent(what, buf, size, &hostiles[h].su);
            free(buf);
        }
        /* Alone. */
        check_equivalent(hostiles[h].name, hostiles[h].text, hostiles[h].len, &hostiles[h].su);
    }
}

/* ---- random mutations of hostile inputs ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)((rng_state >> 33) % n);
}

static const char *const tokens[] = {
    "---\n",    "\n",      "\"",
    "'",        "[",       "]",
    "{",        "}",       ": ",
    " ",        "\t",      "&a ",
    "*a",       "...\n",   "\r\n",
    "\r",       "\x01",    "\xc3",
    "- ",       "#",       "|\n",
    ">\n",      "%",       "\xef\xbb\xbf",
    "\xc2\x85", "kind: ",  "apiVersion: v1\n",
    "items:\n", "? ",      "<<: ",
    "!!str ",   "\n---\n", "\n...\n",
    "\n  ",
};

/* A random edit: insert a token, delete a range or repeat a range. */
static void mutate(char **buf, size_t *len)
{
    size_t at = rnd((uint32_t)*len + 1);
    switch (rnd(3)) {
    case 0: {
        const char *t = tokens[rnd(sizeof tokens / sizeof *tokens)];
        size_t tl = strlen(t);
        *buf = realloc(*buf, *len + tl);
        memmove(*buf + at + tl, *buf + at, *len - at);
        memcpy(*buf + at, t, tl);
        *len += tl;
        break;
    }
    case 1: {
        size_t n = rnd(40);
        if (n > *len - at)
            n = *len - at;
        memmove(*buf + at, *buf + at + n, *len - at - n);
        *len -= n;
        break;
    }
    default: {
        size_t n = rnd(200);
        if (n > *len - at)
            n = *len - at;
        *buf = realloc(*buf, *len + n);
        memmove(*buf + at + n, *buf + at, *len - at);
        memcpy(*buf + at + n, *buf + at, n); /* the range, again, after itself */
        *len += n;
        break;
    }
    }
}

static void insert_random_hostile(FILE *f, size_t i, const void *ctx)
{
    (void)ctx;
    if (i % 3 == 2)
        put_hostile(f, &hostiles[rnd(sizeof hostiles / sizeof *hostiles)]);
}

static void test_mutations(void **state)
{
    (void)state;
    rng_state = 20240601;
    int rounds = tu_under_valgrind() ? 15 : 300;
    for (int r = 0; r < rounds; r++) {
        /* Fillers and three hostile texts, then a few edits. */
        size_t len;
        char *text = with_fillers(10, insert_random_hostile, NULL, &len);
        int edits = 1 + (int)rnd(6);
        for (int e = 0; e < edits; e++)
            mutate(&text, &len);
        char what[64];
        snprintf(what, sizeof what, "mutation round %d", r);
        setup su = {r % 5 == 0 ? 9 : 0, r % 7 == 0 ? 48 : 0, 0, false};
        check_equivalent(what, text, len, &su);
        free(text);
    }
}

/* ---- limits across pieces ---- */

static void insert_list(FILE *f, size_t i, const void *ctx)
{
    (void)ctx;
    if (i == 6) /* a List counts its items */
        fputs("---\nkind: List\napiVersion: v1\nitems:\n- {kind: Service, apiVersion: v1, "
              "metadata: {name: li1}}\n- {kind: Service, apiVersion: v1, metadata: {name: li2}}\n",
              f);
}

static void test_documents_limit_everywhere(void **state)
{
    (void)state;
    size_t size;
    char *buf = with_fillers(16, insert_list, NULL, &size);
    for (uint64_t limit = 1; limit <= 20; limit++) {
        setup su = {limit, 0, 0, false};
        char what[64];
        snprintf(what, sizeof what, "documents limit %llu", (unsigned long long)limit);
        check_equivalent(what, buf, size, &su);
    }
    free(buf);
}

/* More diagnostics than an input may keep (10,000): warnings first, errors only after
 * the budget is spent, so the notice's severity must come from a later piece. */
static void test_diagnostic_budget(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    /* Ten unknown fields a document: 12,000 warnings. */
    size_t n = tu_under_valgrind() ? 1030 : 1200;
    for (size_t i = 0; i < n; i++)
        fprintf(f,
                "---\nkind: Service\napiVersion: v1\nmetadata: {name: s%zu, namespace: ns}\n"
                "t0: 0\nt1: 1\nt2: 2\nt3: 3\nt4: 4\nt5: 5\nt6: 6\nt7: 7\nt8: 8\nt9: 9\n",
                i);
    for (size_t i = 0; i < 50; i++)
        fprintf(f, "---\na: [%zu\n", i);
    fclose(f);
    check_equivalent("diagnostic budget", buf, size, NULL);
    free(buf);
}

/* Scalars and comments around the scalar limit and the window libyaml may read between
 * two events (the limit plus 128 KiB): where libyaml's parser started changes how far it
 * has read ahead, so such inputs are read on one thread — with the same result. */
typedef struct long_text {
    bool comment;
    size_t len;
} long_text;

static void insert_long(FILE *f, size_t i, const void *ctx)
{
    const long_text *t = ctx;
    if (i != 4 && i != 7)
        return;
    fputs(t->comment ? "---\n# " : "---\nkind: ConfigMap\ndata: {x: ", f);
    for (size_t n = t->len; n; n--)
        fputc('x', f);
    fputs(t->comment ? "\na: 1\n" : "}\n", f);
}

static void test_long_scalars(void **state)
{
    (void)state;
    static const size_t extra[] = {0, 1, 60000, 100000, 126000, 131072, 140000, 300000};
    for (int comment = 0; comment < 2; comment++) {
        for (size_t e = 0; e < sizeof extra / sizeof *extra; e++) {
            long_text t = {comment, 1000 + extra[e]};
            size_t size;
            char *buf = with_fillers(8, insert_long, &t, &size);
            setup su = {0, 1000, 0, false};
            char what[64];
            snprintf(what, sizeof what, "%s of 1000 + %zu bytes", comment ? "comment" : "scalar",
                     extra[e]);
            check_equivalent(what, buf, size, &su);
            free(buf);
        }
    }
}

/* ---- allocation failures ---- */

static void insert_errors(FILE *f, size_t i, const void *ctx)
{
    (void)ctx;
    if (i % 4 == 3)
        fputs("---\na: [1\n---\nkind: Service\napiVersion: v1\nmetadata: {name: w}\nx: 1\n", f);
}

static void test_allocation_failure(void **state)
{
    (void)state;
    size_t size;
    char *buf = with_fillers(9, insert_errors, NULL, &size);
    for (size_t t = 0; t < 2; t++) {
        uint32_t threads = thread_counts[t];
        tu_failing fa = {0, 0, 0, 0};
        contour_config *c = config_for(threads, NULL, true);
        assert_int_equal(contour_config_set_allocator(c, tu_failing_malloc, tu_failing_realloc,
                                                      tu_failing_free, &fa),
                         CONTOUR_OK);
        /* The expected result, and the snapshot each failing load starts from. */
        contour_snapshot *s = NULL;
        assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
        assert_int_equal(
            contour_snapshot_load_buffer(s, "in.yaml", 7, buf, size, CONTOUR_FORMAT_YAML),
            CONTOUR_OK);
        char *full = dump(s, false);
        contour_snapshot_free(s);
        long step = tu_under_valgrind() ? 17 : 1;
        for (long k = 1;; k += step) {
            assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
            assert_int_equal(
                contour_snapshot_load_buffer(s, "pre.yaml", 8, "a: 1\n", 5, CONTOUR_FORMAT_YAML),
                CONTOUR_OK);
            char *before = dump(s, false);
            fa.calls = 0;
            fa.fail_at = k;
            contour_result rc =
                contour_snapshot_load_buffer(s, "in.yaml", 7, buf, size, CONTOUR_FORMAT_YAML);
            long calls = fa.calls;
            fa.fail_at = 0;
            char *after = dump(s, false);
            if (rc == CONTOUR_ERR_NOMEM) {
                assert_string_equal(before, after); /* nothing of the load stays */
            } else {
                assert_int_equal(rc, CONTOUR_OK); /* the failure hit a piece not kept */
                contour_snapshot *ref = NULL;
                assert_int_equal(contour_snapshot_new(&ref, c), CONTOUR_OK);
                contour_snapshot_load_buffer(ref, "pre.yaml", 8, "a: 1\n", 5, CONTOUR_FORMAT_YAML);
                contour_snapshot_load_buffer(ref, "in.yaml", 7, buf, size, CONTOUR_FORMAT_YAML);
                char *expect = dump(ref, false);
                assert_string_equal(expect, after);
                free(expect);
                contour_snapshot_free(ref);
            }
            free(before);
            free(after);
            contour_snapshot_free(s);
            assert_int_equal(fa.live, 0);
            if (rc == CONTOUR_OK && calls < k)
                break; /* every allocation point of this load was failed once */
        }
        free(full);
        contour_config_free(c);
        assert_int_equal(fa.live, 0);
    }
    free(buf);
}

/* ---- the setting ---- */

static void test_threads_setting(void **state)
{
    (void)state;
    contour_config *c = NULL;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_threads(c), 1);
    assert_int_equal(contour_config_set_threads(c, 5), CONTOUR_OK);
    assert_int_equal(contour_config_threads(c), 5);
    assert_int_equal(contour_config_set_threads(c, 1000), CONTOUR_OK);
    assert_int_equal(contour_config_threads(c), 64);
    assert_int_equal(contour_config_set_threads(c, 0), CONTOUR_OK);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    assert_int_equal(contour_config_threads(c), cpus < 1 ? 1 : cpus > 64 ? 64 : cpus);
    assert_int_equal(contour_config_set_threads(NULL, 2), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_threads(NULL), 0);
    contour_config_set_threads(c, 3);
    contour_config *copy = NULL;
    assert_int_equal(contour_config_copy(&copy, c), CONTOUR_OK);
    assert_int_equal(contour_config_threads(copy), 3);
    contour_snapshot *s = NULL;
    assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
    assert_int_equal(contour_config_threads(contour_snapshot_config(s)), 3);
    contour_snapshot_free(s);
    contour_config_free(copy);
    contour_config_free(c);
}

/* ---- where inputs are split ---- */

/* Line breaks before `off`, counted one byte at a time. */
static uint64_t naive_lines(const char *d, size_t off)
{
    uint64_t n = 0;
    for (size_t i = 0; i < off; i++) {
        if (d[i] == '\n' || (d[i] == '\r' && (i + 1 >= off || d[i + 1] != '\n')))
            n++;
        else if ((unsigned char)d[i] == 0xC2 && i + 1 < off && (unsigned char)d[i + 1] == 0x85)
            n++;
        else if ((unsigned char)d[i] == 0xE2 && i + 2 < off && (unsigned char)d[i + 1] == 0x80 &&
                 ((unsigned char)d[i + 2] == 0xA8 || (unsigned char)d[i + 2] == 0xA9))
            n++;
    }
    return n;
}

static void test_split_points(void **state)
{
    (void)state;
    rng_state = 7;
    for (int r = 0; r < 200; r++) {
        /* Lines of random lengths (across the 8- and 2040-byte strides of the line count),
         * some of them `---`, with LF, CRLF or NEL breaks. */
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        static const char *const breaks[] = {"\n", "\r\n", "\xc2\x85", "\xe2\x80\xa9"};
        const char *brk = breaks[r % 4];
        int lines = 1 + (int)rnd(400);
        for (int l = 0; l < lines; l++) {
            if (rnd(5) == 0)
                fputs("---", f);
            else if (rnd(4) == 0) /* lead bytes of breaks, in characters that are not */
                fputs("caf\xc3\xa9 \xc2\xa0 \xe2\x80\x93 \xe2\x80\x9cq\xe2\x80\x9d", f);
            else
                for (uint32_t n = rnd(rnd(10) == 0 ? 3000 : 40); n; n--)
                    fputc('a' + (int)rnd(26), f);
            fputs(brk, f);
        }
        fclose(f);
        size_t starts[8];
        uint64_t lns[8];
        size_t want = 2 + rnd(7);
        size_t n = cx_yaml_split(buf, size, want, starts, lns);
        assert_true(n < want);
        for (size_t i = 0; i < n; i++) {
            assert_true(i == 0 ? starts[i] > 0 : starts[i] > starts[i - 1]);
            assert_memory_equal(buf + starts[i], "---", 3);
            assert_int_equal(lns[i], naive_lines(buf, starts[i]));
        }
        free(buf);
    }
    size_t starts[4];
    uint64_t lns[4];
    static const char directive[] = "a: 1\n---\nb: 2\n%YAML 1.1\n---\nc: 3\n---\nd: 4\n";
    assert_int_equal(cx_yaml_split(directive, sizeof directive - 1, 4, starts, lns), 0);
    static const char none[] = "a: 1\nb: 2\nc: 3\n";
    assert_int_equal(cx_yaml_split(none, sizeof none - 1, 4, starts, lns), 0);
    static const char some[] = "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n";
    assert_true(cx_yaml_split(some, sizeof some - 1, 4, starts, lns) > 0);
}

/* ---- where a piece's reading stops (cx_yaml_parse_piece) ---- */

/* Reads `text` as a piece from `start` (a line start) with later pieces at `stops`:
 * returns what the handler and the sink received ("log|diagnostics") and the stop
 * reached. */
static char *read_piece(const char *text, size_t start, const size_t *stops, size_t nstops,
                        size_t *stopped_at)
{
    uint64_t lines[8], start_line = 0;
    for (size_t i = 0; i < start; i++)
        start_line += text[i] == '\n';
    for (size_t k = 0; k < nstops; k++) {
        lines[k] = 0;
        for (size_t i = 0; i < stops[k]; i++)
            lines[k] += text[i] == '\n';
    }
    rec r;
    rec_init(&r);
    cx_load_ctx ctx = rec_ctx(&r);
    cx_yaml_piece p;
    memset(&p, 0, sizeof p);
    p.start = start;
    p.start_line = start_line;
    p.stops = stops;
    p.stop_lines = lines;
    p.nstops = nstops;
    assert_int_equal(cx_yaml_parse_piece(&ctx, text, strlen(text), &p), CX_RC_OK);
    assert_int_equal(r.alloc_state.live, 0);
    rec_finish(&r);
    *stopped_at = p.stopped_at;
    size_t n = strlen(r.log.s) + strlen(r.diags.s) + 2;
    char *out = malloc(n);
    snprintf(out, n, "%s|%s", r.log.s, r.diags.s);
    rec_free(&r);
    return out;
}

static size_t offset_of(const char *text, const char *line)
{
    const char *p = strstr(text, line);
    assert_non_null(p);
    return (size_t)(p - text);
}

static void test_piece_stops(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *stop; /* the line a later piece starts at */
        size_t expect;    /* where the first piece stops: 0 there, 1 at the end */
    } cases[] = {
        {"a: 1\n---\nb: 2\n---\nc: 3\n", "---\nb", 0},
        {"a: 1\n---\nb: 2\n", "b: 2", 1},               /* not a `---` line: read past */
        {"a: \"x\n---\ny\"\n---\nb: 1\n", "---\ny", 0}, /* restarted there after the error */
        {"a: [1,\n---\nb: 1\n", "---\nb", 0},
        {"a: 1\n...\n%YAML 1.1\n---\nb: 1\n", "---\nb", 1}, /* its document starts at % */
        {"a: !!str\n---\nb: 1\n", "---\nb", 0},
        {"a: |\n  x\n---\nb: 1\n", "---\nb", 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const char *t = cases[c].text;
        size_t stop = offset_of(t, cases[c].stop), at;
        char *whole = read_piece(t, 0, NULL, 0, &at);
        char *first = read_piece(t, 0, &stop, 1, &at);
        assert_int_equal(at, cases[c].expect);
        if (at == 0) {
            /* The two readings together are the whole one. */
            size_t none;
            char *second = read_piece(t, stop, NULL, 0, &none);
            char *bar1 = strchr(first, '|'), *bar2 = strchr(second, '|');
            char joined[1024];
            snprintf(joined, sizeof joined, "%.*s%.*s|%s%s", (int)(bar1 - first), first,
                     (int)(bar2 - second), second, bar1 + 1, bar2 + 1);
            assert_string_equal(joined, whole);
            free(second);
        } else {
            assert_string_equal(first, whole);
        }
        free(whole);
        free(first);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_setting),
        cmocka_unit_test(test_split_points),
        cmocka_unit_test(test_piece_stops),
        cmocka_unit_test(test_hostile_table),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_documents_limit_everywhere),
        cmocka_unit_test(test_diagnostic_budget),
        cmocka_unit_test(test_long_scalars),
        cmocka_unit_test(test_generated_clusters),
        cmocka_unit_test(test_resolution_threads),
        cmocka_unit_test(test_wild_corpus),
        cmocka_unit_test(test_default_threshold),
        cmocka_unit_test(test_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
