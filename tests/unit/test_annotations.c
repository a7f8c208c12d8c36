/* Pure helpers of resolution (lib/annotations.c): Go durations, path prefixes, the LCP
 * shortcut, secret references, annotation values, ingress classes. */
#include "testutil.h"

#include "annotations.h"

#include <stdlib.h>
#include <string.h>

/* ---- durations ---- */

static bool dur(const char *s, int64_t *ns)
{
    return cx_go_parse_duration(s, strlen(s), ns);
}

static void assert_dur(const char *s, int64_t want)
{
    int64_t ns = 12345;
    if (!dur(s, &ns))
        fail_msg("%s: did not parse", s);
    if (ns != want)
        fail_msg("%s: got %lld, want %lld", s, (long long)ns, (long long)want);
}

static void assert_bad_dur(const char *s)
{
    int64_t ns;
    if (dur(s, &ns))
        fail_msg("%s: parsed as %lld, want an error", s, (long long)ns);
}

static void test_duration_valid(void **state)
{
    (void)state;
    assert_dur("0", 0);
    assert_dur("-0", 0);
    assert_dur("+0", 0);
    assert_dur("0s", 0);
    assert_dur("1ns", 1);
    assert_dur("1us", 1000);
    assert_dur("1\xC2\xB5s", 1000); /* µ U+00B5 */
    assert_dur("1\xCE\xBCs", 1000); /* μ U+03BC */
    assert_dur("1ms", 1000000);
    assert_dur("1s", 1000000000);
    assert_dur("1m", 60000000000LL);
    assert_dur("1h", 3600000000000LL);
    assert_dur("-1.5h", -5400000000000LL);
    assert_dur("+5m", 300000000000LL);
    assert_dur("1h2m3s4ms5us6ns", 3723004005006LL);
    assert_dur("1.5s", 1500000000);
    assert_dur(".5s", 500000000);
    assert_dur("5.s", 5000000000LL);
    assert_dur("1.0000000000000000000001s", 1000000000);
    assert_dur("0.000000001s", 1);
    assert_dur("100ms", 100000000);
    assert_dur("2h45m", 9900000000000LL);
    assert_dur("3m3m", 360000000000LL); /* units may repeat */
}

static void test_duration_limits(void **state)
{
    (void)state;
    assert_dur("9223372036854775807ns", INT64_MAX);
    assert_dur("-9223372036854775808ns", INT64_MIN);
    assert_bad_dur("9223372036854775808ns");
    assert_bad_dur("-9223372036854775809ns");
    assert_dur("2562047h", 2562047LL * 3600 * 1000000000);
    assert_bad_dur("2562048h");
    assert_bad_dur("99999999999999999999s");
    assert_dur("9223372036s", 9223372036000000000LL);
    assert_bad_dur("9223372037s");
    assert_dur("9223372036.854775807s", INT64_MAX);
}

static void test_duration_malformed(void **state)
{
    (void)state;
    const char *bad[] = {"",      "1",         "s",         ".s",     "1x",   "1s2",
                         "--1s",  "+",         "-",         " 1s",    "1 s",  "1S",
                         "1sec",  "00",        "infinity",  "1.2.3s", "1e3s", "0x10s",
                         "1h-2m", "\xC2\xB5s", "1\xCE\xBC", "1,5s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_bad_dur(bad[i]);
}

static void test_timeout(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(cx_parse_timeout(NULL, &ms), CX_TIMEOUT_UNSET);
    assert_int_equal(cx_parse_timeout("", &ms), CX_TIMEOUT_UNSET);
    assert_int_equal(cx_parse_timeout("infinity", &ms), CX_TIMEOUT_INFINITY);
    assert_int_equal(ms, -1);
    assert_int_equal(cx_parse_timeout("Infinity", &ms), CX_TIMEOUT_INVALID);
    assert_int_equal(ms, -1);
    assert_int_equal(cx_parse_timeout("1s", &ms), CX_TIMEOUT_VALUE);
    assert_int_equal(ms, 1000);
    assert_int_equal(cx_parse_timeout("1999us", &ms), CX_TIMEOUT_VALUE);
    assert_int_equal(ms, 1); /* truncated toward zero */
    /* Under 1 ms rounds up: 0 would mean "no timeout" to a literal reader. */
    assert_int_equal(cx_parse_timeout("1ns", &ms), CX_TIMEOUT_VALUE);
    assert_int_equal(ms, 1);
    assert_int_equal(cx_parse_timeout("500us", &ms), CX_TIMEOUT_VALUE);
    assert_int_equal(ms, 1);
    /* A zero duration is not set (Contour), however it is written. */
    assert_int_equal(cx_parse_timeout("0", &ms), CX_TIMEOUT_UNSET);
    assert_int_equal(cx_parse_timeout("0s", &ms), CX_TIMEOUT_UNSET);
    assert_int_equal(cx_parse_timeout("0.0h0ms", &ms), CX_TIMEOUT_UNSET);
    assert_int_equal(cx_parse_timeout("-0s", &ms), CX_TIMEOUT_UNSET);
    assert_int_equal(cx_parse_timeout("-1s", &ms), CX_TIMEOUT_NEGATIVE);
    assert_int_equal(ms, -1);
    assert_int_equal(cx_parse_timeout("90 seconds", &ms), CX_TIMEOUT_INVALID);
    assert_int_equal(ms, -1);
    assert_int_equal(cx_ns_to_ms(0), 0);
    assert_int_equal(cx_ns_to_ms(1), 1);
    assert_int_equal(cx_ns_to_ms(999999), 1);
    assert_int_equal(cx_ns_to_ms(1000000), 1);
    assert_int_equal(cx_ns_to_ms(2999999), 2);
}

/* ---- path prefixes ---- */

static void test_path_prefix(void **state)
{
    (void)state;
    assert_true(cx_path_prefix_matches("/foo", ""));
    assert_true(cx_path_prefix_matches("/foo", NULL));
    assert_true(cx_path_prefix_matches("", ""));
    assert_false(cx_path_prefix_matches("", "/foo"));
    assert_false(cx_path_prefix_matches(NULL, "/"));
    assert_true(cx_path_prefix_matches("/foo/bar", "/foo"));
    assert_false(cx_path_prefix_matches("/foobar", "/foo"));
    assert_true(cx_path_prefix_matches("/foo", "/foo"));
    assert_true(cx_path_prefix_matches("/foo/", "/foo"));
    assert_true(cx_path_prefix_matches("/foo", "/foo/"));
    assert_true(cx_path_prefix_matches("/", "/"));
    assert_true(cx_path_prefix_matches("/foo", "/"));
    assert_false(cx_path_prefix_matches("/", "/foo"));
    assert_false(cx_path_prefix_matches("foo", "/"));
    assert_false(cx_path_prefix_matches("/fo", "/foo"));
    assert_true(cx_path_prefix_matches("/foo//", "/foo/"));
    assert_false(cx_path_prefix_matches("/foo", "/foo//"));
}

static void test_lcp(void **state)
{
    (void)state;
    cx_lcp l;
    cx_lcp_init(&l);
    assert_true(cx_lcp_all_match(&l, "/anything"));
    cx_lcp_add(&l, "/a/b");
    cx_lcp_add(&l, "/a/c");
    assert_true(cx_lcp_all_match(&l, "/a"));
    assert_true(cx_lcp_all_match(&l, "/a/"));
    assert_true(cx_lcp_all_match(&l, "/"));
    assert_true(cx_lcp_all_match(&l, ""));
    assert_false(cx_lcp_all_match(&l, "/a/b"));
    assert_false(cx_lcp_all_match(&l, "/b"));
    cx_lcp_add(&l, "");
    assert_false(cx_lcp_all_match(&l, "/"));
    assert_true(cx_lcp_all_match(&l, ""));

    cx_lcp_init(&l);
    cx_lcp_add(&l, "/foobar");
    cx_lcp_add(&l, "/foo");
    assert_false(cx_lcp_all_match(&l, "/foo"));
    assert_true(cx_lcp_all_match(&l, "/"));
    cx_lcp_init(&l);
    cx_lcp_add(&l, "/foo");
    assert_true(cx_lcp_all_match(&l, "/foo"));
    assert_true(cx_lcp_all_match(&l, "/foo/"));
    assert_false(cx_lcp_all_match(&l, "/fo"));
}

/* The LCP shortcut agrees with checking every path, on random sets. */
static void test_lcp_random(void **state)
{
    (void)state;
    const char alphabet[] = "/ab";
    srand(12345);
    char paths[6][8];
    char prefix[8];
    for (int iter = 0; iter < 200000; iter++) {
        int n = rand() % 6;
        cx_lcp l;
        cx_lcp_init(&l);
        for (int i = 0; i < n; i++) {
            int len = rand() % 6;
            for (int k = 0; k < len; k++)
                paths[i][k] = alphabet[rand() % 3];
            paths[i][len] = '\0';
            cx_lcp_add(&l, paths[i]);
        }
        int plen = rand() % 5;
        for (int k = 0; k < plen; k++)
            prefix[k] = alphabet[rand() % 3];
        prefix[plen] = '\0';
        bool all = true;
        for (int i = 0; i < n; i++)
            all = all && cx_path_prefix_matches(paths[i], prefix);
        if (all != cx_lcp_all_match(&l, prefix))
            fail_msg("iteration %d: prefix %s: lcp says %d", iter, prefix, !all);
    }
}

/* ---- secret references ---- */

static void assert_split(const char *in, const char *ns, const char *name)
{
    const char *a, *b;
    size_t al, bl;
    cx_split_secret(in, "own", &a, &al, &b, &bl);
    if (al != strlen(ns) || memcmp(a, ns, al) != 0 || bl != strlen(name) ||
        memcmp(b, name, bl) != 0)
        fail_msg("%s: got %.*s / %.*s", in ? in : "(null)", (int)al, a, (int)bl, b);
}

static void test_split_secret(void **state)
{
    (void)state;
    assert_split("name", "own", "name");
    assert_split("ns/name", "ns", "name");
    assert_split("/name", "own", "name");
    assert_split("ns/", "ns", "");
    assert_split("a/b/c", "a", "b/c");
    assert_split("", "own", "");
    assert_split(NULL, "own", "");
}

/* ---- scalars ---- */

static void test_uint32(void **state)
{
    (void)state;
    uint32_t v = 7;
    assert_true(cx_parse_uint32("0", &v));
    assert_int_equal(v, 0);
    assert_true(cx_parse_uint32("4294967295", &v));
    assert_int_equal(v, UINT32_MAX);
    assert_true(cx_parse_uint32("007", &v));
    assert_int_equal(v, 7);
    const char *bad[] = {"4294967296", "-1",  "+1",  "",     " 1",
                         "1 ",         "1.0", "1e3", "0x10", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(cx_parse_uint32(bad[i], &v));
    assert_false(cx_parse_uint32(NULL, &v));
}

static void test_blank(void **state)
{
    (void)state;
    assert_true(cx_is_blank(NULL));
    assert_true(cx_is_blank(""));
    assert_true(cx_is_blank("   "));
    assert_true(cx_is_blank("\t\n\v\f\r "));
    assert_true(cx_is_blank("\xC2\xA0"));                  /* U+00A0 */
    assert_true(cx_is_blank("\xC2\x85"));                  /* U+0085 */
    assert_true(cx_is_blank("\xE3\x80\x80 \xE2\x80\x8A")); /* U+3000, U+200A */
    assert_false(cx_is_blank("a"));
    assert_false(cx_is_blank(" a "));
    assert_false(cx_is_blank("\xE2\x80\x8B")); /* U+200B is not white space */
    assert_false(cx_is_blank("\xE1\xA0\x8E")); /* U+180E neither (since Unicode 6.3) */
}

static void test_min_tls(void **state)
{
    (void)state;
    assert_string_equal(cx_min_tls_version("1.2"), "1.2");
    assert_string_equal(cx_min_tls_version("1.3"), "1.3");
    assert_string_equal(cx_min_tls_version("1.1"), "1.1");
    assert_string_equal(cx_min_tls_version("1.0"), "1.1");
    assert_string_equal(cx_min_tls_version(" 1.2"), "1.1");
    assert_string_equal(cx_min_tls_version(""), "1.1");
    assert_string_equal(cx_min_tls_version(NULL), "1.1");
}

static void test_list(void **state)
{
    (void)state;
    const char *cur = " a, ,b ,, c\xC2\xA0,", *item;
    size_t n;
    const char *want[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        assert_true(cx_list_next(&cur, &item, &n));
        assert_int_equal(n, strlen(want[i]));
        assert_memory_equal(item, want[i], n);
    }
    assert_false(cx_list_next(&cur, &item, &n));
    cur = NULL;
    assert_false(cx_list_next(&cur, &item, &n));
    cur = "";
    assert_false(cx_list_next(&cur, &item, &n));
    cur = " , ";
    assert_false(cx_list_next(&cur, &item, &n));
}

/* ---- annotations (objects built on the stack: only metadata is read) ---- */

static contour_object fake(contour_kind kind, cx_annotation *a, uint32_t n)
{
    contour_object o;
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.ns = "default";
    o.name = "x";
    o.annotations = a;
    o.annotation_count = n;
    return o;
}

static void test_compat(void **state)
{
    (void)state;
    cx_annotation a[] = {
        {"contour.heptio.com/request-timeout", "1s", {3, 4}},
        {"projectcontour.io/retry-on", "", {5, 6}},
        {"contour.heptio.com/retry-on", "5xx", {7, 8}},
    };
    contour_object o = fake(CONTOUR_KIND_INGRESS, a, 3);
    const cx_annotation *r = cx_compat_annotation(&o, "request-timeout");
    assert_non_null(r);
    assert_string_equal(r->value, "1s");
    r = cx_compat_annotation(&o, "retry-on");
    assert_non_null(r);
    assert_string_equal(r->value, ""); /* present, so it wins even when empty */
    assert_int_equal(r->pos.line, 5);
    assert_null(cx_compat_annotation(&o, "num-retries"));
    assert_null(cx_compat_annotation(&o, "request"));
    assert_null(cx_find_annotation(&o, "request-timeout"));
}

static void test_upstream_protocol(void **state)
{
    (void)state;
    cx_annotation a[] = {
        {"contour.heptio.com/upstream-protocol.h2", " http , 8080", {1, 1}},
        {"contour.heptio.com/upstream-protocol.h2c", "grpc,80", {2, 1}},
        {"projectcontour.io/upstream-protocol.h2c", "9090", {3, 1}},
        {"projectcontour.io/upstream-protocol.h2", "9090", {4, 1}},
    };
    contour_object o = fake(CONTOUR_KIND_SERVICE, a, 4);
    assert_string_equal(cx_upstream_protocol(&o, "http", 80), "h2"); /* name beats number */
    assert_string_equal(cx_upstream_protocol(&o, NULL, 8080), "h2");
    assert_string_equal(cx_upstream_protocol(&o, "grpc", 9000), "h2c");
    assert_string_equal(cx_upstream_protocol(&o, "", 80), "h2c");
    /* Contour 1.x reads heptio h2, h2c, then projectcontour.io h2, h2c: the last one wins. */
    assert_string_equal(cx_upstream_protocol(&o, NULL, 9090), "h2c");
    assert_null(cx_upstream_protocol(&o, "web", 81));
    assert_null(cx_upstream_protocol(&o, "htt", 808));
}

static void test_websocket(void **state)
{
    (void)state;
    cx_annotation a[] = {
        {"contour.heptio.com/websocket-routes", "/ws , /chat", {1, 1}},
        {"projectcontour.io/websocket-routes", "/live", {2, 1}},
    };
    contour_object o = fake(CONTOUR_KIND_INGRESS, a, 2);
    assert_true(cx_websocket_route(&o, "/ws"));
    assert_true(cx_websocket_route(&o, "/chat"));
    assert_true(cx_websocket_route(&o, "/live"));
    assert_false(cx_websocket_route(&o, "/w"));
    assert_false(cx_websocket_route(&o, "/ws/"));
}

static void test_class(void **state)
{
    (void)state;
    const cx_annotation *ann;
    contour_object o = fake(CONTOUR_KIND_INGRESSROUTE, NULL, 0);
    assert_null(cx_object_class(&o, &ann));
    assert_null(ann);

    cx_annotation a[] = {
        {"kubernetes.io/ingress.class", "y", {1, 1}},
        {"contour.heptio.com/ingress.class", "x", {2, 1}},
    };
    o = fake(CONTOUR_KIND_INGRESSROUTE, a, 2);
    assert_string_equal(cx_object_class(&o, &ann), "x");
    assert_ptr_equal(ann, &a[1]);
    o = fake(CONTOUR_KIND_INGRESSROUTE, a, 1);
    assert_string_equal(cx_object_class(&o, &ann), "y");

    o = fake(CONTOUR_KIND_INGRESS, NULL, 0);
    o.u.ing.class_name = "nginx";
    o.u.ing.api = CX_INGRESS_NETWORKING_V1BETA1;
    assert_null(cx_object_class(&o, &ann));
    o.u.ing.api = CX_INGRESS_NETWORKING_V1;
    assert_string_equal(cx_object_class(&o, &ann), "nginx");
    assert_null(ann);
    o.annotations = a;
    o.annotation_count = 1;
    assert_string_equal(cx_object_class(&o, &ann), "y"); /* annotations first */

    assert_true(cx_class_accepted(NULL, "contour"));
    assert_true(cx_class_accepted(NULL, ""));
    assert_true(cx_class_accepted("contour", "contour"));
    assert_false(cx_class_accepted("x", "contour"));
    assert_false(cx_class_accepted("", "contour"));
    assert_true(cx_class_accepted("", ""));
    assert_true(cx_class_accepted("contour", ""));
    assert_false(cx_class_accepted("x", ""));
    assert_true(cx_class_accepted("x", "x"));
    assert_false(cx_class_accepted("contour", "x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_valid),
        cmocka_unit_test(test_duration_limits),
        cmocka_unit_test(test_duration_malformed),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_path_prefix),
        cmocka_unit_test(test_lcp),
        cmocka_unit_test(test_lcp_random),
        cmocka_unit_test(test_split_secret),
        cmocka_unit_test(test_uint32),
        cmocka_unit_test(test_blank),
        cmocka_unit_test(test_min_tls),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_compat),
        cmocka_unit_test(test_upstream_protocol),
        cmocka_unit_test(test_websocket),
        cmocka_unit_test(test_class),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
