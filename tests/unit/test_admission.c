/* AdmissionReview in and out (admission.h): the names and the policy, reading each
 * operation, the object handed to the reviewer, the response, and a table of hostile
 * requests — each a clear error, bounded in time and memory — with every allocation
 * failing in turn. The verdicts themselves are the what-if engine's (tests/webhook). */
#include "testutil.h"

#include "admission_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PENDING_REASON "what-if review is not available in this build"

/* A review of `kind` ("group", "version", "Kind") with request fields `rest` spliced in
 * (they start with a comma). malloc'd. */
static char *review(const char *group, const char *version, const char *kind, const char *rest)
{
#define REVIEW_FMT                                                                                 \
    "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","                        \
    "\"request\":{\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\","                               \
    "\"kind\":{\"group\":\"%s\",\"version\":\"%s\",\"kind\":\"%s\"}%s}}"
    size_t n =
        strlen(REVIEW_FMT) + strlen(group) + strlen(version) + strlen(kind) + strlen(rest) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, REVIEW_FMT, group, version, kind, rest);
    return s;
}

static const char root_object[] =
    "{\"apiVersion\":\"contour.heptio.com/v1beta1\",\"kind\":\"IngressRoute\","
    "\"metadata\":{\"name\":\"root\",\"namespace\":\"team\"},"
    "\"spec\":{\"virtualhost\":{\"fqdn\":\"a.example.com\"},"
    "\"routes\":[{\"match\":\"/\",\"services\":[{\"name\":\"web\",\"port\":80}]}]}}";

typedef struct world {
    contour_snapshot *s;
    contour_graph *g;
} world;

static world empty_world(void)
{
    world w = {NULL, NULL};
    assert_int_equal(contour_snapshot_new(&w.s, NULL), CONTOUR_OK);
    assert_int_equal(contour_resolve(&w.g, w.s, NULL), CONTOUR_OK);
    return w;
}

static void world_free(world w)
{
    contour_graph_free(w.g);
    contour_snapshot_free(w.s);
}

static contour_admission_request *parse_ok(const contour_snapshot *s, const char *text)
{
    contour_admission_request *r = NULL;
    contour_buffer *reason = NULL;
    contour_result st = contour_admission_request_parse(&r, &reason, s, text, strlen(text));
    if (st != CONTOUR_OK)
        fail_msg("parse: %s: %s", contour_result_str(st), contour_buffer_data(reason));
    assert_null(reason);
    assert_non_null(r);
    return r;
}

/* ---- names and policy ---- */

static void test_names_and_policy(void **state)
{
    (void)state;
    assert_string_equal(contour_operation_name(CONTOUR_OPERATION_CREATE), "CREATE");
    assert_string_equal(contour_operation_name(CONTOUR_OPERATION_UPDATE), "UPDATE");
    assert_string_equal(contour_operation_name(CONTOUR_OPERATION_DELETE), "DELETE");
    assert_string_equal(contour_operation_name((contour_operation)3), "");
    assert_string_equal(contour_operation_name((contour_operation)-1), "");
    assert_int_equal(contour_finding_count(), 7);
    static const char *const names[] = {"invalid",      "orphaned",     "breaks-others",
                                        "drops-routes", "takes-routes", "drops-tls",
                                        "warnings"};
    for (size_t i = 0; i < contour_finding_count(); i++)
        assert_string_equal(contour_finding_name((contour_finding)i), names[i]);
    assert_string_equal(contour_finding_name((contour_finding)7), "");
    assert_string_equal(contour_finding_name((contour_finding)-1), "");

    assert_int_equal(contour_policy_new(NULL), CONTOUR_ERR_INVALID);
    contour_policy *p = NULL;
    assert_int_equal(contour_policy_new(&p), CONTOUR_OK);
    static const contour_policy_action defaults[] = {
        CONTOUR_POLICY_DENY, CONTOUR_POLICY_WARN, CONTOUR_POLICY_DENY, CONTOUR_POLICY_DENY,
        CONTOUR_POLICY_WARN, CONTOUR_POLICY_DENY, CONTOUR_POLICY_WARN};
    for (size_t i = 0; i < contour_finding_count(); i++)
        assert_int_equal(contour_policy_action_of(p, (contour_finding)i), defaults[i]);
    assert_int_equal(contour_policy_action_of(p, (contour_finding)7), CONTOUR_POLICY_ALLOW);
    assert_int_equal(contour_policy_action_of(NULL, CONTOUR_FINDING_INVALID), CONTOUR_POLICY_ALLOW);

    assert_int_equal(contour_policy_set_action(p, CONTOUR_FINDING_DROPS_TLS, CONTOUR_POLICY_ALLOW),
                     CONTOUR_OK);
    assert_int_equal(contour_policy_action_of(p, CONTOUR_FINDING_DROPS_TLS), CONTOUR_POLICY_ALLOW);
    assert_int_equal(contour_policy_set_action(p, (contour_finding)7, CONTOUR_POLICY_DENY),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(
        contour_policy_set_action(p, CONTOUR_FINDING_INVALID, (contour_policy_action)3),
        CONTOUR_ERR_INVALID);
    assert_int_equal(
        contour_policy_set_action(p, CONTOUR_FINDING_INVALID, (contour_policy_action)-1),
        CONTOUR_ERR_INVALID);
    assert_int_equal(contour_policy_set_action(NULL, CONTOUR_FINDING_INVALID, CONTOUR_POLICY_DENY),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_policy_set_max_listed(p, 0), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_policy_set_max_listed(p, 1001), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_policy_set_max_listed(p, 1), CONTOUR_OK);
    assert_int_equal(contour_policy_set_max_listed(p, 1000), CONTOUR_OK);
    assert_int_equal(contour_policy_set_max_listed(NULL, 5), CONTOUR_ERR_INVALID);
    contour_policy_free(p);
    contour_policy_free(NULL);
}

/* ---- reading requests ---- */

static void test_create(void **state)
{
    (void)state;
    world w = empty_world();
    char rest[1024];
    snprintf(rest, sizeof rest,
             ",\"operation\":\"CREATE\",\"namespace\":\"team\",\"name\":\"root\",\"object\":%s,"
             "\"oldObject\":null,\"dryRun\":false,\"userInfo\":{\"username\":\"alice\"}",
             root_object);
    char *text = review("contour.heptio.com", "v1beta1", "IngressRoute", rest);
    contour_admission_request *r = parse_ok(w.s, text);
    assert_string_equal(contour_admission_request_uid(r), "705ab4f5-6393-11e8-b7cc-42010a800002");
    assert_int_equal(contour_admission_request_kind(r), CONTOUR_KIND_INGRESSROUTE);
    assert_int_equal(contour_admission_request_operation(r), CONTOUR_OPERATION_CREATE);
    assert_string_equal(contour_admission_request_namespace(r), "team");
    assert_string_equal(contour_admission_request_name(r), "root");
    assert_false(contour_admission_request_dry_run(r));
    /* The object's exact bytes. */
    assert_string_equal(contour_admission_request_object(r), root_object);
    assert_int_equal(contour_admission_request_object_size(r), strlen(root_object));

    /* A modelled kind goes to the reviewer; in a build without the what-if engine it
     * cannot be reviewed, and says so (the server answers 500). */
    contour_buffer *out = NULL;
    contour_result st = contour_admission_request_answer(&out, r, w.s, w.g, NULL);
    assert_non_null(out);
    if (st == CONTOUR_ERR_INVALID) {
        assert_string_equal(contour_buffer_data(out), PENDING_REASON);
    } else {
        assert_int_equal(st, CONTOUR_OK);
        assert_non_null(strstr(contour_buffer_data(out), "\"uid\":\"705ab4f5"));
    }
    contour_buffer_free(out);
    contour_admission_request_free(r);
    free(text);
    world_free(w);
}

static void test_update_delete_dry_run(void **state)
{
    (void)state;
    world w = empty_world();
    static const char svc_new[] = "{\"apiVersion\":\"v1\",\"kind\":\"Service\","
                                  "\"metadata\":{\"name\":\"web\",\"namespace\":\"team\"},"
                                  "\"spec\":{\"ports\":[{\"port\":8080}]}}";
    static const char svc_old[] =
        "{ \"apiVersion\" : \"v1\", \"kind\" : \"Service\",\n"
        "  \"metadata\" : { \"namespace\": \"team\", \"name\": \"web\" },\n"
        "  \"spec\" : { \"ports\" : [ { \"port\" : 80 } ] } }";
    char rest[1024];
    snprintf(rest, sizeof rest,
             ",\"operation\":\"UPDATE\",\"namespace\":\"team\",\"name\":\"web\",\"object\":%s,"
             "\"oldObject\":%s,\"dryRun\":true",
             svc_new, svc_old);
    char *text = review("", "v1", "Service", rest);
    contour_admission_request *r = parse_ok(w.s, text);
    assert_int_equal(contour_admission_request_kind(r), CONTOUR_KIND_SERVICE);
    assert_int_equal(contour_admission_request_operation(r), CONTOUR_OPERATION_UPDATE);
    assert_true(contour_admission_request_dry_run(r));
    assert_string_equal(contour_admission_request_object(r), svc_new);
    contour_admission_request_free(r);
    free(text);

    /* DELETE reviews oldObject, spread over lines as a person would write it. */
    snprintf(rest, sizeof rest,
             ",\n\"operation\":\"DELETE\",\n\"namespace\":\"team\",\"name\":\"web\",\n"
             "\"object\":null,\"oldObject\":%s",
             svc_old);
    text = review("", "v1", "Service", rest);
    r = parse_ok(w.s, text);
    assert_int_equal(contour_admission_request_operation(r), CONTOUR_OPERATION_DELETE);
    assert_false(contour_admission_request_dry_run(r));
    assert_string_equal(contour_admission_request_object(r), svc_old);
    contour_admission_request_free(r);
    free(text);

    /* A DELETE without oldObject (API servers before 1.15): made from kind, namespace, name. */
    text = review("networking.k8s.io", "v1", "Ingress",
                  ",\"operation\":\"DELETE\",\"namespace\":\"team\",\"name\":\"ing\"");
    r = parse_ok(w.s, text);
    assert_int_equal(contour_admission_request_kind(r), CONTOUR_KIND_INGRESS);
    assert_string_equal(contour_admission_request_object(r),
                        "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
                        "\"metadata\":{\"name\":\"ing\",\"namespace\":\"team\"}}");
    contour_admission_request_free(r);
    free(text);
    world_free(w);
}

static void test_namespace_spliced(void **state)
{
    (void)state;
    world w = empty_world();
    /* Older API servers leave metadata.namespace to request.namespace on CREATE. */
    char *text = review(
        "contour.heptio.com", "v1beta1", "TLSCertificateDelegation",
        ",\"operation\":\"CREATE\",\"namespace\":\"te\\\"am\",\"name\":\"d\",\"object\":"
        "{\"apiVersion\":\"contour.heptio.com/v1beta1\",\"kind\":\"TLSCertificateDelegation\","
        "\"metadata\":{\"name\":\"d\"},\"spec\":{}}");
    contour_admission_request *r = parse_ok(w.s, text);
    assert_string_equal(contour_admission_request_namespace(r), "te\"am");
    assert_string_equal(contour_admission_request_object(r),
                        "{\"apiVersion\":\"contour.heptio.com/v1beta1\",\"kind\":"
                        "\"TLSCertificateDelegation\",\"metadata\":{\"namespace\":\"te\\\"am\","
                        "\"name\":\"d\"},\"spec\":{}}");
    /* The result loads as that object, in that namespace. */
    contour_snapshot *s = NULL;
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(contour_snapshot_load_buffer(s, "o", 1, contour_admission_request_object(r),
                                                  contour_admission_request_object_size(r),
                                                  CONTOUR_FORMAT_JSON),
                     CONTOUR_OK);
    assert_non_null(
        contour_snapshot_find(s, CONTOUR_KIND_TLSCERTIFICATEDELEGATION, "te\"am", 5, "d", 1));
    contour_snapshot_free(s);
    contour_admission_request_free(r);
    free(text);
    world_free(w);
}

/* The object's span is found from its position: a byte-order mark, CR LF and lone CR line
 * breaks, multi-byte characters before it on its line, and strings inside it that hold
 * quotes, backslash runs and brackets must not move it. */
static void test_object_span(void **state)
{
    (void)state;
    world w = empty_world();
    static const char object[] =
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\","
        "\"namespace\":\"t\",\"annotations\":{\"a\\\\\":\"}\\\\\\\"]\",\"b\":\"\\\\\","
        "\"c\":\"[{\\\"\"}},\"data\":{\"k\":\"\xC3\xA9\xE2\x82\xAC\"},\"x\":[[1,-2.5e3,true,null],{"
        "}]}";
    char text[2048];
    snprintf(
        text, sizeof text,
        "\xEF\xBB\xBF{\"apiVersion\":\"admission.k8s.io/v1\",\r\n\"kind\":\"AdmissionReview\",\r"
        "\"request\":{\"uid\":\"\xC3\xA9\xF0\x9F\x98\x80\",\"kind\":{\"group\":\"\",\"version\":"
        "\"v1\",\"kind\":\"Secret\"},\"operation\":\"CREATE\",\"namespace\":\"t\",\n"
        "  \"name\":\"\xE2\x82\xAC\", \"x\":\"\xC3\xA9\", \"object\":%s , \"oldObject\":null}}\n",
        object);
    contour_admission_request *r = NULL;
    contour_buffer *reason = NULL;
    /* request.name differs from the object's: first check the span with a matching name. */
    char *euro = strstr(text, "\"name\":\"\xE2\x82\xAC\"");
    assert_non_null(euro);
    memcpy(euro, "\"name\":\"s\"  ", 12);
    contour_result st = contour_admission_request_parse(&r, &reason, w.s, text, strlen(text));
    if (st != CONTOUR_OK)
        fail_msg("%s", contour_buffer_data(reason));
    assert_string_equal(contour_admission_request_object(r), object);
    assert_string_equal(contour_admission_request_uid(r), "\xC3\xA9\xF0\x9F\x98\x80");
    contour_admission_request_free(r);
    world_free(w);
}

/* request.name is empty on a CREATE whose name the API server generated: the object's
 * own name is the key; an object in no namespace is in the snapshot's default one. */
static void test_key_from_object(void **state)
{
    (void)state;
    world w = empty_world();
    char *text = review("", "v1", "Service",
                        ",\"operation\":\"CREATE\",\"object\":{\"apiVersion\":\"v1\",\"kind\":"
                        "\"Service\",\"metadata\":{\"name\":\"web-x7k2p\",\"generateName\":"
                        "\"web-\"}}");
    contour_admission_request *r = parse_ok(w.s, text);
    assert_string_equal(contour_admission_request_name(r), "web-x7k2p");
    assert_string_equal(contour_admission_request_namespace(r), "default");
    contour_admission_request_free(r);
    free(text);
    text = review("", "v1", "Service",
                  ",\"operation\":\"CREATE\",\"name\":\"\",\"object\":{\"apiVersion\":\"v1\","
                  "\"kind\":\"Service\",\"metadata\":{\"name\":\"a\",\"namespace\":\"ns1\"}}");
    r = parse_ok(w.s, text);
    assert_string_equal(contour_admission_request_name(r), "a");
    assert_string_equal(contour_admission_request_namespace(r), "ns1");
    contour_admission_request_free(r);
    free(text);
    /* A DELETE without oldObject nor namespace: the made-up object is in the default one
     * (found by fuzz_admission). */
    text =
        review("networking.k8s.io", "v1", "Ingress", ",\"operation\":\"DELETE\",\"name\":\"ing\"");
    r = parse_ok(w.s, text);
    assert_string_equal(contour_admission_request_namespace(r), "default");
    assert_string_equal(contour_admission_request_object(r),
                        "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
                        "\"metadata\":{\"name\":\"ing\"}}");
    contour_admission_request_free(r);
    free(text);
    world_free(w);
}

/* Kinds the library does not model, and CONNECT, are allowed without a review. */
static void test_unmodelled_allowed(void **state)
{
    (void)state;
    world w = empty_world();
    static const char *const cases[][4] = {
        {"apps", "v1", "Deployment", ",\"operation\":\"CREATE\",\"object\":{\"a\":1}"},
        {"", "v1", "ConfigMap", ",\"operation\":\"DELETE\""},
        /* A version of a modelled kind that the loader does not read. */
        {"contour.heptio.com", "v1", "IngressRoute", ",\"operation\":\"CREATE\",\"object\":{}"},
        {"projectcontour.io", "v1", "HTTPProxy", ",\"operation\":\"UPDATE\",\"object\":{}"},
        {"", "v1", "Service", ",\"operation\":\"CONNECT\",\"object\":null"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *text = review(cases[i][0], cases[i][1], cases[i][2], cases[i][3]);
        contour_buffer *out = NULL;
        assert_int_equal(contour_admission_review(&out, w.s, w.g, NULL, text, strlen(text)),
                         CONTOUR_OK);
        assert_string_equal(contour_buffer_data(out),
                            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                            "\"response\":{\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\","
                            "\"allowed\":true}}");
        contour_buffer_free(out);
        contour_admission_request *r = parse_ok(w.s, text);
        assert_int_equal(contour_admission_request_kind(r), CONTOUR_KIND_NONE);
        assert_string_equal(contour_admission_request_object(r), "");
        contour_admission_request_free(r);
        free(text);
    }
    world_free(w);
}

/* The uid is echoed with JSON's escapes (and the library's: what Go's IsPrint rejects,
 * such as U+2028), whatever it holds. */
static void test_uid_escaped(void **state)
{
    (void)state;
    world w = empty_world();
    const char *text =
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\","
        "\"request\":{\"kind\":{\"kind\":\"Pod\",\"version\":\"v1\"},"
        "\"operation\":\"CREATE\",\"uid\":\"a\\\"b\\\\c\\n\\u0001\\u2028\xC3\xA9/\"}}";
    contour_buffer *out = NULL;
    assert_int_equal(contour_admission_review(&out, w.s, w.g, NULL, text, strlen(text)),
                     CONTOUR_OK);
    assert_string_equal(contour_buffer_data(out),
                        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                        "\"response\":{\"uid\":\"a\\\"b\\\\c\\n\\u0001\\u2028\xC3\xA9/\","
                        "\"allowed\":true}}");
    contour_buffer_free(out);
    world_free(w);
}

/* The response from a decision: whatever the reviewer says, the JSON is valid and each
 * warning one line. */
static void test_response_writer(void **state)
{
    (void)state;
    cx_admission_decision d;
    cx_admission_decision_init(&d, &cx_default_alloc);
    d.allowed = false;
    cx_strbuf_puts(&d.message, "fqdn \"a.example.com\" is used by team/a\nand \xFF\xC3 too\t.");
    assert_true(cx_admission_decision_warn(&d, "one\r\nline\x01", 10));
    assert_true(cx_admission_decision_warn(&d, "\xE2\x82\xAC \\ \xE2\x82", 8));
    cx_strbuf out;
    cx_strbuf_init(&out, &cx_default_alloc);
    assert_true(cx_admission_write_response(&out, "u\"1", &d));
    assert_string_equal(
        out.data,
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{"
        "\"uid\":\"u\\\"1\",\"allowed\":false,\"status\":{\"code\":403,\"reason\":\"Forbidden\","
        "\"message\":\"fqdn \\\"a.example.com\\\" is used by team/a\\nand \xEF\xBF\xBD\xEF\xBF\xBD "
        "too\\t.\"},\"warnings\":[\"one  line \",\"\xE2\x82\xAC \\\\ "
        "\xEF\xBF\xBD\xEF\xBF\xBD\"]}}");
    /* Allowed with nothing to say. */
    cx_strbuf_clear(&out);
    d.allowed = true;
    d.warning_count = 0;
    assert_true(cx_admission_write_response(&out, "u", &d));
    assert_string_equal(out.data,
                        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":"
                        "\"AdmissionReview\",\"response\":{\"uid\":\"u\",\"allowed\":true}}");
    cx_strbuf_release(&out);
    cx_admission_decision_release(&d);
}

/* ---- hostile requests ---- */

typedef struct hostile {
    const char *what;
    char *text; /* malloc'd */
    size_t len;
    contour_result expect;
    const char *reason; /* a substring of the reason */
} hostile;

static hostile make(const char *what, char *text, contour_result expect, const char *reason)
{
    hostile h = {what, text, strlen(text), expect, reason};
    return h;
}

static char *dup(const char *s)
{
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

/* `n` copies of `unit` between `head` and `tail`. */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1);
    assert_non_null(s);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + ul * n, tail, tl + 1);
    return s;
}

static const char env[] = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",";
static const char ir_kind[] =
    "\"kind\":{\"group\":\"contour.heptio.com\",\"version\":\"v1beta1\",\"kind\":\"IngressRoute\"}";

static void check_reason(const hostile *h, const char *reason)
{
    if (!strstr(reason, h->reason))
        fail_msg("%s: reason \"%s\" does not say \"%s\"", h->what, reason, h->reason);
    /* One line of valid text, short. */
    size_t n = strlen(reason);
    assert_true(n > 0 && n < 600);
    for (size_t i = 0; i < n; i++)
        assert_true((unsigned char)reason[i] >= 0x20);
}

static void test_hostile_table(void **state)
{
    (void)state;
    world w = empty_world();
    char buf[2048];
    hostile t[64];
    size_t n = 0;
    t[n++] = make("empty", dup(""), CONTOUR_ERR_INVALID, "empty");
    t[n++] = make("blank", dup(" \n\t "), CONTOUR_ERR_INVALID, "empty");
    t[n++] = make("not JSON", dup("apiVersion: admission.k8s.io/v1"), CONTOUR_ERR_INVALID,
                  "line 1, column 1: expected a value");
    t[n++] = make("truncated", dup("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Adm"),
                  CONTOUR_ERR_INVALID, "unexpected end of input");
    t[n++] = make("array", dup("[1,2]"), CONTOUR_ERR_INVALID,
                  "an AdmissionReview must be a JSON object, not an array");
    t[n++] = make("string", dup("\"x\""), CONTOUR_ERR_INVALID, "must be a JSON object");
    t[n++] = make("no apiVersion", dup("{}"), CONTOUR_ERR_INVALID,
                  "apiVersion must be \"admission.k8s.io/v1\", not nothing");
    t[n++] = make("v1beta1",
                  dup("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\","
                      "\"request\":{}}"),
                  CONTOUR_ERR_INVALID, "not \"admission.k8s.io/v1beta1\"");
    t[n++] = make("wrong kind",
                  dup("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Pod\",\"request\":{}}"),
                  CONTOUR_ERR_INVALID, "kind must be \"AdmissionReview\", not \"Pod\"");
    snprintf(buf, sizeof buf, "%s\"response\":{}}", env);
    t[n++] = make("no request", dup(buf), CONTOUR_ERR_INVALID, "request must be an object");
    snprintf(buf, sizeof buf, "%s\"request\":[]}", env);
    t[n++] = make("request array", dup(buf), CONTOUR_ERR_INVALID, "request must be an object");
    snprintf(buf, sizeof buf, "%s\"request\":{%s,\"operation\":\"CREATE\"}}", env, ir_kind);
    t[n++] = make("no uid", dup(buf), CONTOUR_ERR_INVALID, "request.uid must be a string");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":42,%s}}", env, ir_kind);
    t[n++] =
        make("uid number", dup(buf), CONTOUR_ERR_INVALID, "request.uid must be a string, not 42");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":{},%s}}", env, ir_kind);
    t[n++] = make("uid object", dup(buf), CONTOUR_ERR_INVALID, "not an object");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"\",%s}}", env, ir_kind);
    t[n++] = make("uid empty", dup(buf), CONTOUR_ERR_INVALID, "1 to 256 bytes long, not 0");
    snprintf(buf, sizeof buf, "%s\"request\":{\"kind\":{},\"uid\":\"", env);
    t[n++] = make("uid 300 B", repeat(buf, "u", 300, "\"}}"), CONTOUR_ERR_INVALID,
                  "1 to 256 bytes long, not 300");
    t[n++] = make("uid 1000000 B", repeat(buf, "u", 1000000, "\"}}"), CONTOUR_ERR_INVALID,
                  "not 1000000");
    t[n++] = make("uid 2 MB", repeat(buf, "u", 2000000, "\"}}"), CONTOUR_ERR_LIMIT,
                  "exceeds the limit of 1048576 bytes");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"u\",%s,\"uid\":\"v\"}}", env, ir_kind);
    t[n++] = make("duplicate uid", dup(buf), CONTOUR_ERR_INVALID, "duplicate key \"uid\"");
    snprintf(buf, sizeof buf,
             "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"CREATE\",\"object\":{\"a\":1,"
             "\"a\":2}}}",
             env, ir_kind);
    t[n++] = make("duplicate deep", dup(buf), CONTOUR_ERR_INVALID, "duplicate key \"a\"");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"u\\u0000v\",%s}}", env, ir_kind);
    t[n++] = make("NUL escape", dup(buf), CONTOUR_ERR_INVALID, "NUL character");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"u\",%s}}", env, ir_kind);
    {
        /* A raw NUL byte inside a string; the length is given, so the NUL is read. */
        char *s = dup(buf);
        hostile h = make("NUL byte", s, CONTOUR_ERR_INVALID, "NUL byte");
        char *u = strstr(s, "\"u\"");
        u[1] = '\0';
        t[n++] = h;
    }
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"u\xC3\x28\",%s}}", env, ir_kind);
    t[n++] = make("invalid UTF-8", dup(buf), CONTOUR_ERR_INVALID, "invalid UTF-8");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"u\xED\xA0\x80\",%s}}", env, ir_kind);
    t[n++] = make("surrogate", dup(buf), CONTOUR_ERR_INVALID, "invalid UTF-8");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"u\"}}{}", env);
    t[n++] = make("two values", dup(buf), CONTOUR_ERR_INVALID, "");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"u\",\"kind\":\"IngressRoute\"}}", env);
    t[n++] = make("kind string", dup(buf), CONTOUR_ERR_INVALID, "request.kind must be an object");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"u\",\"kind\":{\"group\":\"\"}}}", env);
    t[n++] = make("kind incomplete", dup(buf), CONTOUR_ERR_INVALID,
                  "request.kind.version must be a string");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"PATCH\"}}", env,
             ir_kind);
    t[n++] = make("operation", dup(buf), CONTOUR_ERR_INVALID,
                  "request.operation must be CREATE, UPDATE, DELETE or CONNECT, not \"PATCH\"");
    snprintf(buf, sizeof buf,
             "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"CREATE\",\"dryRun\":\"yes\"}}", env,
             ir_kind);
    t[n++] = make("dryRun", dup(buf), CONTOUR_ERR_INVALID, "request.dryRun must be a boolean");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"CREATE\"}}", env,
             ir_kind);
    t[n++] = make("no object", dup(buf), CONTOUR_ERR_INVALID,
                  "request.object must be an object, not nothing");
    snprintf(buf, sizeof buf,
             "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"UPDATE\",\"object\":[]}}", env,
             ir_kind);
    t[n++] = make("object array", dup(buf), CONTOUR_ERR_INVALID,
                  "request.object must be an object or null");
    snprintf(buf, sizeof buf,
             "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"DELETE\",\"oldObject\":\"x\"}}", env,
             ir_kind);
    t[n++] = make("oldObject string", dup(buf), CONTOUR_ERR_INVALID,
                  "request.oldObject must be an object or null");
    snprintf(buf, sizeof buf, "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"DELETE\"}}", env,
             ir_kind);
    t[n++] = make("DELETE unnamed", dup(buf), CONTOUR_ERR_INVALID,
                  "a DELETE without request.oldObject needs request.name");
    /* The object is not what request.kind says: a forged or broken request, not the API
     * server's (which converts the object to the version it names). 400, not a verdict. */
    snprintf(buf, sizeof buf,
             "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"CREATE\",\"object\":{\"apiVersion\":"
             "\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"x\"}}}}",
             env, ir_kind);
    t[n++] = make("kind mismatch", dup(buf), CONTOUR_ERR_INVALID,
                  "request.object (apiVersion \"v1\", kind \"Service\") is not the "
                  "contour.heptio.com/v1beta1 IngressRoute that request.kind names");
    snprintf(buf, sizeof buf,
             "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"CREATE\",\"object\":{\"kind\":"
             "\"IngressRoute\",\"metadata\":{\"name\":\"x\"}}}}",
             env, ir_kind);
    t[n++] = make("object without apiVersion", dup(buf), CONTOUR_ERR_INVALID,
                  "(apiVersion nothing, kind \"IngressRoute\")");
    snprintf(buf, sizeof buf,
             "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"CREATE\",\"name\":\"a\",\"object\":"
             "{\"apiVersion\":\"contour.heptio.com/v1beta1\",\"kind\":\"IngressRoute\","
             "\"metadata\":{\"name\":\"b\"}}}}",
             env, ir_kind);
    t[n++] = make("name mismatch", dup(buf), CONTOUR_ERR_INVALID,
                  "request.object.metadata.name \"b\" is not request.name \"a\"");
    snprintf(buf, sizeof buf,
             "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"CREATE\",\"namespace\":\"a\","
             "\"object\":{\"apiVersion\":\"contour.heptio.com/v1beta1\",\"kind\":\"IngressRoute\","
             "\"metadata\":{\"name\":\"b\",\"namespace\":\"c\"}}}}",
             env, ir_kind);
    t[n++] = make("namespace mismatch", dup(buf), CONTOUR_ERR_INVALID,
                  "request.object.metadata.namespace \"c\" is not request.namespace \"a\"");
    snprintf(buf, sizeof buf,
             "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"CREATE\",\"object\":{\"apiVersion\":"
             "\"contour.heptio.com/v1beta1\",\"kind\":\"IngressRoute\",\"metadata\":{}}}}",
             env, ir_kind);
    t[n++] = make("no name", dup(buf), CONTOUR_ERR_INVALID,
                  "request.object.metadata.name must be a string, not nothing");
    /* Deep nesting inside the object: the depth limit, counting the review's own levels. */
    snprintf(buf, sizeof buf,
             "%s\"request\":{\"uid\":\"u\",%s,\"operation\":\"CREATE\",\"object\":", env, ir_kind);
    {
        char *head = repeat(buf, "[", 100000, "");
        char *s = repeat(head, "]", 100000, "}}");
        free(head);
        t[n++] = make("deep", s, CONTOUR_ERR_LIMIT, "nesting deeper than 64 levels");
    }
    {
        /* More nodes than one document may have (an array of a million numbers). */
        char *head = repeat(buf, "", 0, "[");
        t[n++] = make("nodes", repeat(head, "0,", 1100000, "0]}}"), CONTOUR_ERR_LIMIT,
                      "more than 1000000 nodes in one document");
        free(head);
    }
    {
        /* A 10 MB body is refused before it is read. */
        char *s = repeat("", " ", 10 * 1000 * 1000, "");
        memcpy(s, buf, strlen(buf));
        t[n++] = make("10 MB", s, CONTOUR_ERR_LIMIT,
                      "the request is 10000000 bytes, more than the limit of 8388608 bytes");
    }
    assert_true(n <= sizeof t / sizeof *t);

    long rss_before = tu_maxrss_kb();
    for (size_t i = 0; i < n; i++) {
        hostile *h = &t[i];
        double t0 = tu_now();
        contour_admission_request *r = NULL;
        contour_buffer *reason = NULL;
        contour_result st = contour_admission_request_parse(&r, &reason, w.s, h->text, h->len);
        double dt = tu_now() - t0;
        if (st != h->expect)
            fail_msg("%s: %s, expected %s (%s)", h->what, contour_result_str(st),
                     contour_result_str(h->expect), reason ? contour_buffer_data(reason) : "-");
        assert_null(r);
        assert_non_null(reason);
        check_reason(h, contour_buffer_data(reason));
        contour_buffer_free(reason);
        /* Linear at worst: 10 MB in well under a second. */
        if (dt > 1.0 * tu_time_factor())
            fail_msg("%s: %.3f s", h->what, dt);

        /* contour_admission_review() gives the same reason. */
        contour_buffer *out = NULL;
        st = contour_admission_review(&out, w.s, w.g, NULL, h->text, h->len);
        assert_int_equal(st, h->expect);
        check_reason(h, contour_buffer_data(out));
        contour_buffer_free(out);
        free(h->text);
    }
    /* The largest request (8 MiB, one million nodes) costs about 40 bytes a node. */
    if (tu_rss_meaningful())
        assert_true(tu_maxrss_kb() - rss_before < 160 * 1024);
    world_free(w);
}

static void test_null_arguments(void **state)
{
    (void)state;
    world w = empty_world();
    contour_admission_request *r = NULL;
    contour_buffer *out = NULL;
    assert_int_equal(contour_admission_request_parse(NULL, NULL, w.s, "{}", 2),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_admission_request_parse(&r, NULL, NULL, "{}", 2), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_admission_request_parse(&r, NULL, w.s, NULL, 2), CONTOUR_ERR_INVALID);
    /* reason may be NULL. */
    assert_int_equal(contour_admission_request_parse(&r, NULL, w.s, "{}", 2), CONTOUR_ERR_INVALID);
    assert_null(r);
    assert_int_equal(contour_admission_review(NULL, w.s, w.g, NULL, "{}", 2), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_admission_review(&out, NULL, w.g, NULL, "{}", 2), CONTOUR_ERR_INVALID);
    assert_null(out);
    assert_int_equal(contour_admission_review(&out, w.s, NULL, NULL, "{}", 2), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_admission_request_answer(&out, NULL, w.s, w.g, NULL),
                     CONTOUR_ERR_INVALID);
    assert_string_equal(contour_admission_request_uid(NULL), "");
    assert_string_equal(contour_admission_request_namespace(NULL), "");
    assert_string_equal(contour_admission_request_name(NULL), "");
    assert_string_equal(contour_admission_request_object(NULL), "");
    assert_int_equal(contour_admission_request_object_size(NULL), 0);
    assert_int_equal(contour_admission_request_kind(NULL), CONTOUR_KIND_NONE);
    assert_false(contour_admission_request_dry_run(NULL));
    contour_admission_request_free(NULL);
    world_free(w);
}

/* A smaller input-bytes limit on the snapshot caps the request too. */
static void test_snapshot_limit_caps_request(void **state)
{
    (void)state;
    contour_config *c = NULL;
    contour_snapshot *s = NULL;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_set_limit(c, CONTOUR_LIMIT_INPUT_BYTES, 100), CONTOUR_OK);
    assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
    char *text = review("apps", "v1", "Deployment", ",\"operation\":\"CREATE\"");
    contour_admission_request *r = NULL;
    contour_buffer *reason = NULL;
    assert_int_equal(contour_admission_request_parse(&r, &reason, s, text, strlen(text)),
                     CONTOUR_ERR_LIMIT);
    assert_non_null(strstr(contour_buffer_data(reason), "more than the limit of 100 bytes"));
    contour_buffer_free(reason);
    free(text);
    contour_snapshot_free(s);
    contour_config_free(c);
}

/* Every allocation of parse + answer failing in turn: CONTOUR_ERR_NOMEM from the call that
 * met it, nothing leaked, and the run without failure gives the normal result. */
static long fail_everywhere(const char *text, contour_result expect, const char *expect_out)
{
    tu_failing f = {0, 0, 0, 0};
    contour_config *c;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(
        contour_config_set_allocator(c, tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f),
        CONTOUR_OK);
    contour_snapshot *s = NULL;
    contour_graph *g = NULL;
    assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    long base_live = f.live;
    long n;
    for (n = 1;; n++) {
        f.calls = 0;
        f.fail_at = n;
        contour_buffer *out = NULL;
        contour_result st = contour_admission_review(&out, s, g, NULL, text, strlen(text));
        bool hit = f.calls >= n;
        if (hit) {
            assert_int_equal(st, CONTOUR_ERR_NOMEM);
            assert_null(out);
        } else {
            assert_int_equal(st, expect);
            assert_non_null(out);
            if (expect_out)
                assert_string_equal(contour_buffer_data(out), expect_out);
        }
        contour_buffer_free(out);
        assert_int_equal(f.live, base_live);
        if (!hit)
            break;
    }
    f.fail_at = 0;
    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_config_free(c);
    assert_int_equal(f.live, 0);
    return n - 1;
}

static void test_allocation_failures(void **state)
{
    (void)state;
    char rest[1024];
    snprintf(rest, sizeof rest,
             ",\"operation\":\"CREATE\",\"namespace\":\"team\",\"name\":\"root\",\"object\":%s",
             root_object);
    char *modelled = review("contour.heptio.com", "v1beta1", "IngressRoute", rest);
    char *unmodelled = review("apps", "v1", "Deployment", ",\"operation\":\"CREATE\"");
    char *spliced = review("", "v1", "Secret",
                           ",\"operation\":\"CREATE\",\"namespace\":\"team\",\"object\":"
                           "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":"
                           "\"s\"}}");
    long points = 0;
    points +=
        fail_everywhere(unmodelled, CONTOUR_OK,
                        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                        "\"response\":{\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\","
                        "\"allowed\":true}}");
    /* In this build a modelled kind cannot be reviewed (the what-if engine replaces this). */
    contour_snapshot *s = NULL;
    contour_graph *g = NULL;
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    contour_buffer *out = NULL;
    contour_result expect = contour_admission_review(&out, s, g, NULL, modelled, strlen(modelled));
    const char *expect_text = expect == CONTOUR_ERR_INVALID ? PENDING_REASON : NULL;
    contour_buffer_free(out);
    contour_graph_free(g);
    contour_snapshot_free(s);
    points += fail_everywhere(modelled, expect, expect_text);
    points += fail_everywhere(spliced, expect, expect_text);
    points +=
        fail_everywhere("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                        "\"request\":{\"uid\":\"u\",\"uid\":\"v\"}}",
                        CONTOUR_ERR_INVALID, "line 1, column 83: duplicate key \"uid\"");
    points += fail_everywhere("{\"apiVersion\":", CONTOUR_ERR_INVALID, NULL);
    print_message("allocation failure points exercised: %ld\n", points);
    assert_true(points > 20);
    free(modelled);
    free(unmodelled);
    free(spliced);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_policy),
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_update_delete_dry_run),
        cmocka_unit_test(test_namespace_spliced),
        cmocka_unit_test(test_object_span),
        cmocka_unit_test(test_key_from_object),
        cmocka_unit_test(test_unmodelled_allowed),
        cmocka_unit_test(test_uid_escaped),
        cmocka_unit_test(test_response_writer),
        cmocka_unit_test(test_hostile_table),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_snapshot_limit_caps_request),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
