/* The snapshot: loading buffers, files and directories, lookups and order, duplicates,
 * removal, Lists, limits, and atomicity when allocations fail. */
#include "testutil.h"

#include "snapshot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IR(ns, name, extra)                                                                        \
    "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n  name: " name         \
    "\n  namespace: " ns "\nspec:\n" extra

static const char two_routes[] =
    IR("b", "z", "  routes:\n  - match: /\n    services: [{name: s, port: 80}]\n") "---\n" IR(
        "a", "\"y\"",
        "  routes:\n  - match: /\n    services: [{name: s, port: 80}]\n") "---\n"
                                                                          "apiVersion: v1\nkind: "
                                                                          "Service\nmetadata: "
                                                                          "{name: s, namespace: "
                                                                          "a}\n"
                                                                          "spec: {ports: [{name: "
                                                                          "http, port: 80}]}\n"
                                                                          "---\n"
                                                                          "apiVersion: "
                                                                          "apps/v1\nkind: "
                                                                          "Deployment\nmetadata: "
                                                                          "{name: d}\nspec: {}\n";

static void test_load_and_lookup(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("mem.yaml", two_routes);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_INGRESSROUTE), 2);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_SERVICE), 1);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_INGRESS), 0);
    assert_int_equal(contour_snapshot_object_count(s, (contour_kind)0), 0);
    assert_int_equal(contour_snapshot_object_count(s, (contour_kind)6), 0);
    /* Sorted by (namespace, name), whatever the input order. */
    const contour_object *first = contour_snapshot_object_at(s, CONTOUR_KIND_INGRESSROUTE, 0);
    assert_string_equal(contour_object_namespace(first), "a");
    assert_null(contour_snapshot_object_at(s, CONTOUR_KIND_INGRESSROUTE, 2));
    const contour_object *o = NULL;
    o = contour_snapshot_find(s, CONTOUR_KIND_INGRESSROUTE, "b", 1, "z", 1);
    assert_non_null(o);
    assert_string_equal(contour_object_name(o), "z");
    assert_string_equal(contour_object_file(o), "mem.yaml");
    assert_int_equal(contour_object_line(o), 1);
    assert_null(o = contour_snapshot_find(s, CONTOUR_KIND_INGRESSROUTE, "b", 1, "y", 1));
    assert_null(o);
    /* Lengths are honoured: no NUL terminator is needed. */
    o = contour_snapshot_find(s, CONTOUR_KIND_SERVICE, "abc", 1, "sx", 1);
    assert_non_null(o);
    assert_null(contour_snapshot_find(s, CONTOUR_KIND_SERVICE, NULL, 1, "s", 1));
    assert_null(contour_snapshot_find(NULL, CONTOUR_KIND_SERVICE, "a", 1, "s", 1));
    assert_int_equal(tu_diag_count(s, NULL), 0);
    contour_snapshot_free(s);
}

/* Contour kinds the library does not model are said to be skipped (an info diagnostic at
 * the document, in a List too); other kinds stay silent. */
static void test_unsupported_contour_kinds(void **state)
{
    (void)state;
    contour_snapshot *s =
        tu_load("kinds.yaml", "apiVersion: projectcontour.io/v1\nkind: HTTPProxy\n"
                              "metadata: {name: p}\n"
                              "---\n"
                              "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                              "---\n"
                              "apiVersion: v1\nkind: List\nitems:\n"
                              "- apiVersion: contour.heptio.com/v1\n"
                              "  kind: IngressRoute\n  metadata: {name: r}\n"
                              "- apiVersion: x.projectcontour.io/v1\n  kind: Thing\n"
                              "- apiVersion: notprojectcontour.io/v1\n  kind: Thing\n"
                              "- apiVersion: projectcontour.io\n  kind: Thing\n");
    assert_int_equal(contour_snapshot_diagnostic_count(s), 3);
    static const uint32_t lines[] = {1, 12, 15};
    for (size_t i = 0; i < 3; i++) {
        const contour_diagnostic *d = contour_snapshot_diagnostic_at(s, i);
        assert_string_equal(contour_diagnostic_code(d), "unsupported-kind");
        assert_int_equal(contour_diagnostic_severity(d), CONTOUR_SEVERITY_INFO);
        assert_int_equal(contour_diagnostic_line(d), lines[i]);
    }
    assert_non_null(strstr(contour_diagnostic_message(contour_snapshot_diagnostic_at(s, 0)),
                           "kind \"HTTPProxy\" of \"projectcontour.io/v1\" is not checked"));
    assert_int_equal(contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR), 0);
    contour_snapshot_free(s);
}

static void test_argument_checks(void **state)
{
    (void)state;
    assert_int_equal(contour_snapshot_new(NULL, NULL), CONTOUR_ERR_INVALID);
    contour_snapshot *s;
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(contour_snapshot_load_buffer(NULL, "x", 1, "", 0, CONTOUR_FORMAT_AUTO),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_load_buffer(s, NULL, 0, "", 0, CONTOUR_FORMAT_AUTO),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_load_buffer(s, "x", 1, NULL, 5, CONTOUR_FORMAT_AUTO),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_load_buffer(s, "x", 1, "", 0, (contour_format)7),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_load_buffer(s, "\xff", 1, "", 0, CONTOUR_FORMAT_AUTO),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_load_buffer(s, "x", 1, NULL, 0, CONTOUR_FORMAT_AUTO),
                     CONTOUR_OK);
    assert_int_equal(contour_snapshot_load_path(s, NULL, CONTOUR_FORMAT_AUTO), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_load_path(s, "", CONTOUR_FORMAT_AUTO), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_remove(s, CONTOUR_KIND_NONE, "a", 1, "b", 1),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_diagnostic_count(NULL), 0);
    assert_null(contour_snapshot_diagnostic_at(s, 0));
    contour_snapshot_free(s);
    contour_snapshot_free(NULL);
}

static void test_duplicates_later_wins(void **state)
{
    (void)state;
    static const char text[] =
        IR("ns", "dup", "  virtualhost: {fqdn: first.example.com}\n") "---\n" IR(
            "ns", "dup", "  virtualhost: {fqdn: second.example.com}\n");
    contour_snapshot *s = tu_load("d.yaml", text);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_INGRESSROUTE), 1);
    const contour_object *o = contour_snapshot_object_at(s, CONTOUR_KIND_INGRESSROUTE, 0);
    assert_string_equal(contour_ingressroute_fqdn(o), "second.example.com");
    tu_assert_diag_at(s, "duplicate-object", 9, 1);
    const contour_diagnostic *d = tu_diag(s, "duplicate-object");
    assert_int_equal(contour_diagnostic_severity(d), CONTOUR_SEVERITY_WARNING);
    assert_non_null(strstr(contour_diagnostic_message(d), "d.yaml:1:1"));
    assert_int_equal(contour_object_diagnostic_count(o), 1);

    /* A later load replaces too, with a warning naming the earlier file. */
    static const char again[] = IR("ns", "dup", "  virtualhost: {fqdn: third.example.com}\n");
    assert_int_equal(
        contour_snapshot_load_buffer(s, "e.yaml", 6, again, strlen(again), CONTOUR_FORMAT_YAML),
        CONTOUR_OK);
    o = contour_snapshot_object_at(s, CONTOUR_KIND_INGRESSROUTE, 0);
    assert_string_equal(contour_ingressroute_fqdn(o), "third.example.com");
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_INGRESSROUTE), 1);
    tu_assert_diag_at(s, "duplicate-object", 1, 1);
    /* The replaced object's own warning went with it. */
    assert_int_equal(tu_diag_count(s, "duplicate-object"), 1);
    contour_snapshot_free(s);
}

static void test_remove_and_reload(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("mem.yaml", two_routes);
    assert_int_equal(contour_snapshot_remove(s, CONTOUR_KIND_INGRESSROUTE, "a", 1, "y", 1),
                     CONTOUR_OK);
    assert_int_equal(contour_snapshot_remove(s, CONTOUR_KIND_INGRESSROUTE, "a", 1, "y", 1),
                     CONTOUR_ERR_NOT_FOUND);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_INGRESSROUTE), 1);
    const contour_object *o = contour_snapshot_object_at(s, CONTOUR_KIND_INGRESSROUTE, 0);
    assert_string_equal(contour_object_name(o), "z");
    assert_ptr_equal(o->key->obj, o);
    /* Remove then load: no duplicate warning. */
    static const char y[] = IR("a", "\"y\"", "  routes: []\n");
    assert_int_equal(contour_snapshot_load_buffer(s, "y", 1, y, strlen(y), CONTOUR_FORMAT_AUTO),
                     CONTOUR_OK);
    assert_int_equal(tu_diag_count(s, "duplicate-object"), 0);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_INGRESSROUTE), 2);
    for (size_t i = 0; i < 2; i++) {
        const contour_object *x = contour_snapshot_object_at(s, CONTOUR_KIND_INGRESSROUTE, i);
        assert_ptr_equal(x->key->obj, x); /* each holds its key */
    }
    contour_snapshot_free(s);
}

static void test_many_objects_order_and_ordinals(void **state)
{
    (void)state;
    /* Two loads interleaving keys: the order stays sorted, each object holds its key. */
    contour_snapshot *s;
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    for (int round = 0; round < 2; round++) {
        char *buf = malloc(200 * 200);
        size_t n = 0;
        for (int i = round; i < 400; i += 2)
            n += (size_t)sprintf(buf + n,
                                 "---\napiVersion: v1\nkind: Service\nmetadata: {name: s%03d, "
                                 "namespace: n%d}\nspec: {ports: [{port: 80}]}\n",
                                 399 - i, i % 7);
        assert_int_equal(contour_snapshot_load_buffer(s, "gen", 3, buf, n, CONTOUR_FORMAT_YAML),
                         CONTOUR_OK);
        free(buf);
    }
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_SERVICE), 400);
    for (size_t i = 0; i < 400; i++) {
        const contour_object *o = contour_snapshot_object_at(s, CONTOUR_KIND_SERVICE, i);
        assert_ptr_equal(o->key->obj, o);
        if (i) {
            const contour_object *p = contour_snapshot_object_at(s, CONTOUR_KIND_SERVICE, i - 1);
            assert_true(cx_object_key_compare(p, o) < 0);
        }
    }
    contour_snapshot_free(s);
}

static void test_lists(void **state)
{
    (void)state;
    static const char list[] =
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n  spec: {ports: [{port: 1}]}\n"
        "- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n  spec: {ports: "
        "[{port: \"eighty\"}]}\n"
        "- apiVersion: v1\n  kind: ServiceList\n  items:\n"
        "  - apiVersion: v1\n    kind: Service\n    metadata: {name: c}\n";
    contour_snapshot *s = tu_load("list.yaml", list);
    /* The bad item is skipped; its siblings and the nested List's item load. */
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_SERVICE), 2);
    assert_int_equal(tu_diag_count(s, "wrong-type"), 1);
    tu_assert_diag_at(s, "wrong-type", 11, 25);
    contour_snapshot_free(s);

    /* `items` under a kind that is not a List is not a list of objects. */
    static const char not_list[] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nitems:\n"
                                   "- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n";
    s = tu_load("nl.yaml", not_list);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_SERVICE), 0);
    contour_snapshot_free(s);

    /* The same as JSON. */
    static const char json[] =
        "{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":[{\"apiVersion\":\"v1\","
        "\"kind\":\"Secret\",\"metadata\":{\"name\":\"t\"},\"data\":{\"tls.crt\":\"eA==\","
        "\"tls.key\":\"eA==\"}}]}";
    s = tu_load("l.json", json);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_SECRET), 1);
    assert_true(contour_secret_is_tls(contour_snapshot_object_at(s, CONTOUR_KIND_SECRET, 0)));
    contour_snapshot_free(s);
}

static void test_input_limit(void **state)
{
    (void)state;
    contour_config *c;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_set_limit(c, CONTOUR_LIMIT_INPUT_BYTES, 16), CONTOUR_OK);
    contour_snapshot *s;
    assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
    contour_config_free(c);
    assert_int_equal(contour_snapshot_load_buffer(s, "big", 3, two_routes, strlen(two_routes),
                                                  CONTOUR_FORMAT_AUTO),
                     CONTOUR_ERR_LIMIT);
    assert_int_equal(tu_diag_count(s, "limit-input"), 1);
    assert_int_equal(contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR), 1);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_INGRESSROUTE), 0);
    contour_snapshot_free(s);
}

/* ---- files and directories ---- */

static char tmpdir[256];

static void write_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void make_dir(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    assert_int_equal(mkdir(path, 0755), 0);
}

static void test_load_directory(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/contour-test-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    make_dir("sub");
    make_dir("sub/deeper");
    make_dir(".hidden");
    write_file("b.yaml", IR("x", "b", "  routes: []\n"));
    write_file("sub/a.yml", IR("x", "a", "  routes: []\n"));
    write_file("sub/deeper/c.json",
               "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"c\"}}");
    write_file("sub/ignored.txt", IR("x", "ignored", ""));
    write_file(".hidden/h.yaml", IR("x", "hidden", ""));
    write_file("sub/dup.yaml", IR("x", "b", "  virtualhost: {fqdn: from-sub}\n"));
    char link[512], target[512];
    snprintf(link, sizeof link, "%s/loop", tmpdir);
    assert_int_equal(symlink(tmpdir, link), 0); /* a link to a directory: not followed */
    snprintf(link, sizeof link, "%s/linked.yaml", tmpdir);
    snprintf(target, sizeof target, "%s/sub/a.yml", tmpdir);
    assert_int_equal(symlink(target, link), 0); /* a link to a file: followed */

    contour_snapshot *s;
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(contour_snapshot_load_path(s, tmpdir, CONTOUR_FORMAT_AUTO), CONTOUR_OK);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_INGRESSROUTE), 2);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_SERVICE), 1);
    /* Files load in path order: sub/dup.yaml comes after b.yaml, so it wins. */
    const contour_object *o;
    o = contour_snapshot_find(s, CONTOUR_KIND_INGRESSROUTE, "x", 1, "b", 1);
    assert_non_null(o);
    assert_string_equal(contour_ingressroute_fqdn(o), "from-sub");
    /* linked.yaml repeats x/a after sub/a.yml? No: "linked.yaml" < "sub/..." in byte order,
     * so sub/a.yml replaces it. Either way exactly one duplicate warning per replacement. */
    assert_int_equal(tu_diag_count(s, "duplicate-object"), 2);
    contour_snapshot_free(s);

    /* A dangling link with a manifest's name is an unreadable file, not nothing. */
    snprintf(link, sizeof link, "%s/sub/dangling.yaml", tmpdir);
    assert_int_equal(symlink("/nonexistent/target.yaml", link), 0);
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(contour_snapshot_load_path(s, tmpdir, CONTOUR_FORMAT_AUTO), CONTOUR_ERR_IO);
    assert_int_equal(tu_diag_count(s, "io-error"), 1);
    assert_non_null(strstr(contour_diagnostic_file(tu_diag(s, "io-error")), "dangling.yaml"));
    /* The readable files still loaded. */
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_INGRESSROUTE), 2);
    contour_snapshot_free(s);

    /* A missing path is an I/O error with a diagnostic. */
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    char missing[512];
    snprintf(missing, sizeof missing, "%s/nope.yaml", tmpdir);
    assert_int_equal(contour_snapshot_load_path(s, missing, CONTOUR_FORMAT_AUTO), CONTOUR_ERR_IO);
    const contour_diagnostic *d = tu_diag(s, "io-error");
    assert_non_null(d);
    assert_string_equal(contour_diagnostic_file(d), missing);
    assert_non_null(strstr(contour_diagnostic_message(d), "No such file"));
    contour_snapshot_free(s);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    assert_int_equal(system(cmd), 0);
}

/* What a CI runner must not leak: a fake secret outside the tree. */
#define SECRET "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"

/* Asserts that no diagnostic of s mentions the secret (or a piece of it). */
static void assert_no_secret(const contour_snapshot *s)
{
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++) {
        const contour_diagnostic *d = contour_snapshot_diagnostic_at(s, i);
        const char *m = contour_diagnostic_message(d);
        if (strstr(m, "wJalr") || strstr(m, "AWS_") || strstr(m, "EXAMPLEKEY") ||
            strstr(m, "root:x"))
            fail_msg("a diagnostic quotes the secret: %s", m);
    }
}

static size_t objects_in(const contour_snapshot *s)
{
    size_t n = 0;
    for (int k = 1; k <= (int)contour_kind_count(); k++)
        n += contour_snapshot_object_count(s, (contour_kind)k);
    return n;
}

/* A tree from an untrusted source holds links to a secrets file, a directory and
 * /etc/passwd outside it: loading the directory reads none of them (link-outside
 * warnings), and no diagnostic ever quotes a file that is not a manifest. */
static void test_links_outside_and_secrets(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/contour-test-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    make_dir("outside");
    make_dir("outside/dir");
    make_dir("tree");
    make_dir("tree/sub");
    write_file("outside/ci.env", "AWS_SECRET_ACCESS_KEY=" SECRET "\n");
    write_file("outside/ci.json", "{\"AWS_SECRET_ACCESS_KEY\": " SECRET "}\n");
    write_file("outside/dir/x.yaml", "AWS_SECRET_ACCESS_KEY=" SECRET "\n");
    write_file("tree/sub/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
    char link[600], target[600], tree[600];
    snprintf(tree, sizeof tree, "%s/tree", tmpdir);
    static const char *const links[][2] = {
        {"tree/secret.yaml", "../outside/ci.env"},         /* relative, to a file */
        {"tree/sub/secret.json", "../../outside/ci.json"}, /* deeper */
        {"tree/outdir", "../outside/dir"},                 /* to a directory */
        {"tree/passwd.yaml", "/etc/passwd"},               /* absolute */
        {"tree/environ.yaml", "/proc/self/environ"},
        {"tree/inside.yaml", "sub/svc.yaml"}, /* stays inside: read */
    };
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        snprintf(link, sizeof link, "%s/%s", tmpdir, links[i][0]);
        assert_int_equal(symlink(links[i][1], link), 0);
    }

    /* By default: nothing outside is read; each link says why. */
    contour_snapshot *s;
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(contour_snapshot_load_path(s, tree, CONTOUR_FORMAT_AUTO), CONTOUR_OK);
    assert_int_equal(tu_diag_count(s, "link-outside"), 5);
    const contour_diagnostic *d = tu_diag(s, "link-outside");
    assert_int_equal(contour_diagnostic_severity(d), CONTOUR_SEVERITY_WARNING);
    assert_int_equal(tu_diag_count(s, "not-an-object"), 0);
    assert_int_equal(objects_in(s), 1); /* svc.yaml, and inside.yaml: the same object */
    assert_int_equal(tu_diag_count(s, "duplicate-object"), 1);
    assert_no_secret(s);
    contour_snapshot_free(s);

    /* The root itself may be reached through a link: "inside" is where it leads. */
    snprintf(link, sizeof link, "%s/tree-link", tmpdir);
    assert_int_equal(symlink("tree", link), 0);
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(contour_snapshot_load_path(s, link, CONTOUR_FORMAT_AUTO), CONTOUR_OK);
    assert_int_equal(tu_diag_count(s, "link-outside"), 5);
    assert_int_equal(objects_in(s), 1);
    contour_snapshot_free(s);

    /* Following links on: the files are read (not directories), and still not quoted. */
    contour_config *c;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_set_follow_links(NULL, true), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_follow_links(c, true), CONTOUR_OK);
    assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
    contour_snapshot_load_path(s, tree, CONTOUR_FORMAT_AUTO);
    assert_int_equal(tu_diag_count(s, "link-outside"), 0);
    assert_true(tu_diag_count(s, "not-an-object") >= 2);  /* ci.env, /etc/passwd */
    assert_int_equal(tu_diag_count(s, "json-syntax"), 1); /* ci.json */
    assert_no_secret(s);
    contour_snapshot_free(s);
    contour_config_free(c);

    /* A path given directly is read, link or not, and not quoted either. */
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    snprintf(target, sizeof target, "%s/tree/secret.yaml", tmpdir);
    assert_int_equal(contour_snapshot_load_path(s, target, CONTOUR_FORMAT_AUTO), CONTOUR_OK);
    snprintf(target, sizeof target, "%s/tree/sub/secret.json", tmpdir);
    assert_int_equal(contour_snapshot_load_path(s, target, CONTOUR_FORMAT_AUTO), CONTOUR_OK);
    assert_int_equal(tu_diag_count(s, "not-an-object"), 1);
    d = tu_diag(s, "not-an-object");
    assert_string_equal(contour_diagnostic_message(d),
                        "a document must be a Kubernetes object (a map), found a string");
    assert_int_equal(contour_diagnostic_line(d), 1);
    d = tu_diag(s, "json-syntax");
    assert_non_null(d);
    assert_string_equal(contour_diagnostic_message(d), "expected a value, found a character");
    assert_no_secret(s);
    contour_snapshot_free(s);

    /* A duplicate key in a document with neither apiVersion nor kind is not named. */
    static const char dup[] = "spec: {AWS_KEY: 1, AWS_KEY: 2}\n";
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(
        contour_snapshot_load_buffer(s, "d", 1, dup, sizeof dup - 1, CONTOUR_FORMAT_AUTO),
        CONTOUR_OK);
    assert_non_null(tu_diag(s, "duplicate-key"));
    assert_no_secret(s);
    contour_snapshot_free(s);

    /* Once an input has shown itself to be a manifest, syntax errors quote as before. */
    static const char manifest[] = "{\"apiVersion\": \"v1\", \"kind\": Service}";
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(
        contour_snapshot_load_buffer(s, "m", 1, manifest, sizeof manifest - 1, CONTOUR_FORMAT_AUTO),
        CONTOUR_OK);
    assert_string_equal(contour_diagnostic_message(tu_diag(s, "json-syntax")),
                        "expected a value, found 'S'");
    contour_snapshot_free(s);

    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    assert_int_equal(system(cmd), 0);
}

static void test_examples_load_clean(void **state)
{
    (void)state;
    contour_snapshot *s;
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(
        contour_snapshot_load_path(s, tu_path(tu_source_root(), "examples/manifests/contour-v0.10"),
                                   CONTOUR_FORMAT_AUTO),
        CONTOUR_OK);
    assert_int_equal(contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR), 0);
    /* 21 IngressRoute documents, one name used twice (02-basic/health-check). */
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_INGRESSROUTE), 20);
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_SERVICE), 11);
    assert_int_equal(tu_diag_count(s, "duplicate-object"), 1);
    contour_snapshot_free(s);
}

/* ---- allocation failures ---- */

/* Fails every allocation point of a representative load in turn: each failure must give
 * CONTOUR_ERR_NOMEM, leave the snapshot as it was, and leak nothing. */
static void test_every_allocation_failure(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read_file(
        tu_path(tu_source_root(), "examples/manifests/contour-v0.10/00-common/01-services.yaml"),
        &len);
    static const char extra[] =
        IR("ns", "r",
           "  virtualhost: {fqdn: a.example.com, bogus: 1}\n"
           "  routes:\n  - match: /\n    services: [{name: s1, port: "
           "80}]\n") "---\n" IR("ns", "r", "  routes: []\n") "---\n"
                                                             "kind: List\napiVersion: "
                                                             "v1\nitems:\n- "
                                                             "{apiVersion: v1, kind: "
                                                             "Secret, metadata: "
                                                             "{name: t}, data: "
                                                             "{tls.crt: eA==}}\n- "
                                                             "{kind: Service, "
                                                             "apiVersion: v1, "
                                                             "metadata: {}}\n";
    tu_failing f = {0, 0, 0, 0};
    contour_config *c;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(
        contour_config_set_allocator(c, tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f),
        CONTOUR_OK);
    long points = 0, failures = 0;
    for (long n = 1;; n++) {
        f.calls = 0;
        f.fail_at = 0;
        contour_snapshot *s = NULL;
        assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
        /* A first load that succeeds, so failures hit a non-empty snapshot. */
        assert_int_equal(contour_snapshot_load_buffer(s, "base", 4, text, len, CONTOUR_FORMAT_AUTO),
                         CONTOUR_OK);
        size_t services = contour_snapshot_object_count(s, CONTOUR_KIND_SERVICE);
        size_t diags = contour_snapshot_diagnostic_count(s);
        f.fail_at = f.calls + n;
        contour_result st =
            contour_snapshot_load_buffer(s, "extra", 5, extra, strlen(extra), CONTOUR_FORMAT_AUTO);
        bool hit = f.calls >= f.fail_at;
        f.fail_at = 0;
        if (st == CONTOUR_ERR_NOMEM) {
            failures++;
            assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_SERVICE), services);
            assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_INGRESSROUTE), 0);
            assert_int_equal(contour_snapshot_diagnostic_count(s), diags);
        } else {
            assert_int_equal(st, CONTOUR_OK);
        }
        contour_snapshot_free(s);
        assert_int_equal(f.live, 0);
        points++;
        if (!hit)
            break; /* the load needed fewer than n allocations: every point was tried */
    }
    /* Every allocation the library itself makes is a failure point (libyaml's are not). */
    assert_true(failures >= points - 1);
    print_message("allocation failure points exercised: %ld\n", points - 1);
    contour_config_free(c);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_and_lookup),
        cmocka_unit_test(test_unsupported_contour_kinds),
        cmocka_unit_test(test_argument_checks),
        cmocka_unit_test(test_duplicates_later_wins),
        cmocka_unit_test(test_remove_and_reload),
        cmocka_unit_test(test_many_objects_order_and_ordinals),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_input_limit),
        cmocka_unit_test(test_load_directory),
        cmocka_unit_test(test_links_outside_and_secrets),
        cmocka_unit_test(test_examples_load_clean),
        cmocka_unit_test(test_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
