/* Infrastructure: arena, vectors, hash map, string buffers (Go and JSON quoting), UTF-8,
 * diagnostic ordering, config handle. */
#include "testutil.h"

#include "arena.h"
#include "config_internal.h"
#include "diag.h"
#include "escape.h"
#include "map.h"
#include "strbuf.h"
#include "utf8.h"
#include "vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_arena_alignment_and_growth(void **state)
{
    (void)state;
    cx_arena a;
    cx_arena_init(&a, &cx_default_alloc, 0);
    for (int i = 1; i < 2000; i++) {
        void *p = cx_arena_alloc(&a, (size_t)(i % 37) + 1);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
    }
    char *big = cx_arena_alloc(&a, 1 << 20);
    assert_non_null(big);
    memset(big, 1, 1 << 20);
    assert_null(cx_arena_alloc(&a, SIZE_MAX - 3));
    assert_null(cx_arena_array(&a, SIZE_MAX / 2, 4));
    char *s = cx_arena_strndup(&a, "hello world", 5);
    assert_string_equal(s, "hello");
    cx_arena_release(&a);
}

static void test_arena_rewind(void **state)
{
    (void)state;
    tu_failing f = {0, 0, 0, 0};
    cx_alloc al = {tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f};
    cx_arena a;
    cx_arena_init(&a, &al, 64);
    assert_non_null(cx_arena_alloc(&a, 10));
    cx_arena_mark m = cx_arena_save(&a);
    size_t before = cx_arena_bytes(&a);
    for (int i = 0; i < 100; i++)
        assert_non_null(cx_arena_alloc(&a, 1000));
    cx_arena_rewind(&a, m);
    assert_int_equal(cx_arena_bytes(&a), before);
    assert_int_equal(f.live, 1); /* chunks after the mark were freed */
    cx_arena_release(&a);
    assert_int_equal(f.live, 0);
}

static void test_arena_oom(void **state)
{
    (void)state;
    tu_failing f = {1, 0, 0, 0};
    cx_alloc al = {tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f};
    cx_arena a;
    cx_arena_init(&a, &al, 64);
    assert_null(cx_arena_alloc(&a, 8));
    f.fail_at = 0;
    assert_non_null(cx_arena_alloc(&a, 8));
    cx_arena_release(&a);
    assert_int_equal(f.live, 0);
}

static void test_vec(void **state)
{
    (void)state;
    cx_vec v;
    cx_vec_init(&v, &cx_default_alloc, sizeof(int));
    for (int i = 0; i < 1000; i++)
        assert_non_null(cx_vec_push(&v, &i));
    assert_int_equal(v.len, 1000);
    assert_int_equal(*(int *)cx_vec_at(&v, 999), 999);
    assert_false(cx_vec_reserve(&v, SIZE_MAX));
    cx_vec_release(&v);
}

static bool str_is(const void *value, const void *key)
{
    return strcmp(value, key) == 0;
}

static void test_map_insert_find_remove(void **state)
{
    (void)state;
    cx_map m;
    cx_map_init(&m, &cx_default_alloc);
    enum { N = 5000 };
    static char keys[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        assert_true(cx_map_reserve(&m, 1));
        uint64_t h = cx_hash_bytes(m.key, keys[i], strlen(keys[i]));
        assert_null(cx_map_put(&m, h, str_is, keys[i], keys[i]));
    }
    assert_int_equal(m.count, N);
    /* Remove every other key; the rest must still be found (backward shift keeps runs). */
    for (int i = 0; i < N; i += 2) {
        uint64_t h = cx_hash_bytes(m.key, keys[i], strlen(keys[i]));
        assert_ptr_equal(cx_map_remove(&m, h, str_is, keys[i]), keys[i]);
    }
    for (int i = 0; i < N; i++) {
        uint64_t h = cx_hash_bytes(m.key, keys[i], strlen(keys[i]));
        void *found = cx_map_find(&m, h, str_is, keys[i]);
        if (i % 2)
            assert_ptr_equal(found, keys[i]);
        else
            assert_null(found);
    }
    assert_int_equal(m.count, N / 2);
    /* Replacing returns the old value. */
    uint64_t h = cx_hash_bytes(m.key, keys[1], strlen(keys[1]));
    static char other[] = "k1";
    assert_ptr_equal(cx_map_put(&m, h, str_is, other, other), keys[1]);
    cx_map_release(&m);
}

static void test_map_colliding_hashes(void **state)
{
    (void)state;
    /* Every key with the same hash: lookups must still be exact. */
    cx_map m;
    cx_map_init(&m, &cx_default_alloc);
    static char keys[64][8];
    assert_true(cx_map_reserve(&m, 64));
    for (int i = 0; i < 64; i++) {
        snprintf(keys[i], sizeof keys[i], "c%d", i);
        cx_map_put(&m, 42, str_is, keys[i], keys[i]);
    }
    for (int i = 0; i < 64; i += 3)
        assert_non_null(cx_map_remove(&m, 42, str_is, keys[i]));
    for (int i = 0; i < 64; i++)
        assert_true((cx_map_find(&m, 42, str_is, keys[i]) != NULL) == (i % 3 != 0));
    cx_map_release(&m);
}

static void test_hash_pair_unambiguous(void **state)
{
    (void)state;
    cx_hash_key k = {1, 2};
    assert_int_not_equal(cx_hash_pair(k, "ab", 2, "c", 1), cx_hash_pair(k, "a", 1, "bc", 2));
    assert_int_equal(cx_hash_bytes(k, "abc", 3), cx_hash_bytes(k, "abc", 3));
    cx_hash_key k2 = {3, 4};
    assert_int_not_equal(cx_hash_bytes(k, "abc", 3), cx_hash_bytes(k2, "abc", 3));
}

static char *quoted(void (*fn)(cx_strbuf *, const char *, size_t), const char *s, size_t len)
{
    static char out[256];
    cx_strbuf b;
    cx_strbuf_init(&b, &cx_default_alloc);
    fn(&b, s, len);
    assert_false(b.oom);
    snprintf(out, sizeof out, "%s", b.data);
    cx_strbuf_release(&b);
    return out;
}

static void test_go_quote(void **state)
{
    (void)state;
    /* Expected values are what Go's strconv.Quote prints. */
    assert_string_equal(quoted(cx_strbuf_go_quote, "/foo", 4), "\"/foo\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "", 0), "\"\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "a\"b\\c", 5), "\"a\\\"b\\\\c\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "\n\t\r\a\b\f\v", 7),
                        "\"\\n\\t\\r\\a\\b\\f\\v\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "\x01\x7f", 2), "\"\\x01\\x7f\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "caf\xc3\xa9", 5), "\"caf\xc3\xa9\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "\xff", 1), "\"\\xff\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "\xc2\xa0", 2), "\"\\u00a0\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "\xe2\x80\xa8", 3), "\"\\u2028\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "\xf0\x9f\x98\x80", 4), "\"\xf0\x9f\x98\x80\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "\xf3\xb0\x80\x80", 4), "\"\\U000f0000\"");
}

static void test_json_string(void **state)
{
    (void)state;
    assert_string_equal(quoted(cx_strbuf_json_string, "a\"\\/\n\x01", 6),
                        "\"a\\\"\\\\/\\n\\u0001\"");
    assert_string_equal(quoted(cx_strbuf_json_string, "\xc3\xa9", 2), "\"\xc3\xa9\"");
}

/* Go's strconv.IsPrint at the places the old approximation got wrong, and a few it got
 * right (tests/isprint.sh compares every code point with Go itself). */
static void test_rune_is_print(void **state)
{
    (void)state;
    static const uint32_t printable[] = {0x20,   0x7E,    0xA1,   0xE9,   0x3A9,
                                         0x4E2D, 0x1F600, 0xFFFD, 0x20000};
    static const uint32_t not_printable[] = {
        0x00,     0x1F,   0x7F,   0x85,   0xA0,   0xAD,    0x378, /* unassigned */
        0x61C,                                                    /* ARABIC LETTER MARK */
        0x200B,   0x200E, 0x200F, 0x2028, 0x2029, 0x202A,  0x202E,  0x2066,  0x2069,
        0x3000,   0xFEFF, 0xE000, 0xFFFE, 0xD800, 0xE0001, 0xE0041, 0xE007F, /* tags */
        0x10FFFF, 0x40000 /* unassigned: plane 4 */};
    for (size_t i = 0; i < sizeof printable / sizeof *printable; i++)
        assert_true(cx_rune_is_print(printable[i]));
    for (size_t i = 0; i < sizeof not_printable / sizeof *not_printable; i++)
        assert_false(cx_rune_is_print(not_printable[i]));
}

/* The Go quote of the characters Trojan Source uses. */
static void test_go_quote_invisible(void **state)
{
    (void)state;
    assert_string_equal(quoted(cx_strbuf_go_quote, "a\xd8\x9c", 3), "\"a\\u061c\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "\xf3\xa0\x81\x81", 4), "\"\\U000e0041\"");
    assert_string_equal(quoted(cx_strbuf_go_quote, "\xe2\x80\x8b\xe2\x81\xa6\xef\xbb\xbf", 9),
                        "\"\\u200b\\u2066\\ufeff\"");
}

/* JSON keeps its own escapes, and escapes what Go's IsPrint rejects as \uXXXX. */
static void test_json_string_invisible(void **state)
{
    (void)state;
    assert_string_equal(quoted(cx_strbuf_json_string, "\x7f\xe2\x80\xae", 4), "\"\\u007f\\u202e\"");
    assert_string_equal(quoted(cx_strbuf_json_string, "\xf3\xa0\x81\x81", 4), "\"\\udb40\\udc41\"");
    assert_string_equal(quoted(cx_strbuf_json_string, "\xf0\x9f\x98\x80", 4),
                        "\"\xf0\x9f\x98\x80\"");
}

static const char *escaped(const char *s, size_t len, contour_escape_style style)
{
    static char out[256];
    size_t n = contour_escape(out, sizeof out, s, len, style);
    assert_true(n < sizeof out);
    assert_int_equal(strlen(out), n);
    return out;
}

static void test_public_escape(void **state)
{
    (void)state;
    assert_string_equal(escaped("a\"b\n\xe2\x80\xae", 7, CONTOUR_ESCAPE_TEXT), "a\"b\\n\\u202e");
    assert_string_equal(escaped("a\"b", 3, CONTOUR_ESCAPE_QUOTE), "\"a\\\"b\"");
    assert_string_equal(escaped("web-1.x_y", 9, CONTOUR_ESCAPE_NAME), "web-1.x_y");
    assert_string_equal(escaped("b/c", 3, CONTOUR_ESCAPE_NAME), "\"b/c\"");
    assert_string_equal(escaped("", 0, CONTOUR_ESCAPE_NAME), "\"\"");
    assert_string_equal(escaped("a b", 3, CONTOUR_ESCAPE_NAME), "\"a b\"");
    assert_string_equal(escaped("\xff\n", 2, CONTOUR_ESCAPE_JSON), "\"\\ufffd\\n\"");
    assert_string_equal(escaped("x", 1, (contour_escape_style)99), "\"x\"");
    assert_string_equal(escaped(NULL, 5, CONTOUR_ESCAPE_QUOTE), "\"\"");
    /* snprintf's contract: the whole length, a truncated NUL-terminated copy. */
    char small[4];
    assert_int_equal(contour_escape(small, sizeof small, "\n\n", 2, CONTOUR_ESCAPE_QUOTE), 6);
    assert_string_equal(small, "\"\\n");
    assert_int_equal(contour_escape(NULL, 0, "\xe2\x80\xae", 3, CONTOUR_ESCAPE_TEXT), 6);
}

/* The name rule: a name that could be read as two never prints bare. */
static void test_name_rule(void **state)
{
    (void)state;
    assert_true(cx_esc_name_is_plain("kube-system", 11));
    assert_true(cx_esc_name_is_plain("*", 1));
    static const char *const quoted_names[] = {"a/b", "a:b",         "a,b",  "a b", "a[b]",
                                               "\"",  "caf\xc3\xa9", "a\\b", ""};
    for (size_t i = 0; i < sizeof quoted_names / sizeof *quoted_names; i++)
        assert_false(cx_esc_name_is_plain(quoted_names[i], strlen(quoted_names[i])));
    assert_true(cx_esc_token_is_plain("/api/v1", 7));
    assert_false(cx_esc_token_is_plain("/a b", 4));
    assert_false(cx_esc_token_is_plain("/a\xe2\x80\x8b", 5));
}

static void test_strbuf_printf_and_numbers(void **state)
{
    (void)state;
    cx_strbuf b;
    cx_strbuf_init(&b, &cx_default_alloc);
    cx_strbuf_put_i64(&b, INT64_MIN);
    cx_strbuf_putc(&b, ' ');
    cx_strbuf_put_u64(&b, UINT64_MAX);
    cx_strbuf_putc(&b, ' ');
    cx_strbuf_put_i64(&b, 0);
    assert_string_equal(b.data, "-9223372036854775808 18446744073709551615 0");
    cx_strbuf_clear(&b);
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cx_strbuf_printf(&b, "%s|%d", big, 7);
    assert_int_equal(b.len, 1001);
    assert_string_equal(b.data + 999, "|7");
    cx_strbuf_release(&b);
}

static void test_strbuf_oom_latches(void **state)
{
    (void)state;
    tu_failing f = {1, 0, 0, 0};
    cx_alloc al = {tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f};
    cx_strbuf b;
    cx_strbuf_init(&b, &al);
    cx_strbuf_puts(&b, "abc");
    assert_true(b.oom);
    f.fail_at = 0;
    cx_strbuf_puts(&b, "def"); /* still refused: one check at the end suffices */
    assert_true(b.oom);
    assert_int_equal(b.len, 0);
    cx_strbuf_release(&b);
    assert_int_equal(f.live, 0);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(cx_utf8_valid("plain", 5));
    assert_true(cx_utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
    assert_int_equal(cx_utf8_invalid_offset("ab\xc0\xaf", 4), 2);        /* overlong */
    assert_int_equal(cx_utf8_invalid_offset("\xed\xa0\x80", 3), 0);      /* surrogate */
    assert_int_equal(cx_utf8_invalid_offset("x\xf4\x90\x80\x80", 5), 1); /* > U+10FFFF */
    assert_int_equal(cx_utf8_invalid_offset("\xe2\x82", 2), 0);          /* truncated */
    char out[4];
    for (uint32_t cp = 0; cp < 0x110000; cp += 0x101) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        size_t n = cx_utf8_encode(cp, out);
        uint32_t back;
        assert_int_equal(cx_utf8_decode((unsigned char *)out, n, &back), n);
        assert_int_equal(back, cp);
    }
}

static contour_diagnostic mkdiag(const char *file, uint32_t line, uint32_t col, uint8_t sev,
                                 const char *code, const char *msg)
{
    contour_diagnostic d;
    memset(&d, 0, sizeof d);
    d.file = file;
    d.pos.line = line;
    d.pos.col = col;
    d.severity = sev;
    d.code = code;
    d.message = msg;
    return d;
}

static void test_diag_order(void **state)
{
    (void)state;
    contour_diagnostic a = mkdiag("a.yaml", 2, 1, CONTOUR_SEVERITY_WARNING, "x", "m");
    contour_diagnostic b = mkdiag("a.yaml", 10, 1, CONTOUR_SEVERITY_WARNING, "x", "m");
    contour_diagnostic c = mkdiag("b.yaml", 1, 1, CONTOUR_SEVERITY_WARNING, "x", "m");
    contour_diagnostic d = mkdiag("a.yaml", 10, 1, CONTOUR_SEVERITY_ERROR, "x", "m");
    assert_true(cx_diag_compare(&a, &b) < 0); /* numeric, not textual, line order */
    assert_true(cx_diag_compare(&b, &c) < 0);
    assert_true(cx_diag_compare(&d, &b) < 0); /* errors first at one position */
    assert_int_equal(cx_diag_compare(&a, &a), 0);
}

static void test_diag_add_oom_leaves_list(void **state)
{
    (void)state;
    tu_failing f = {0, 0, 0, 0};
    cx_alloc al = {tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f};
    cx_arena a;
    cx_arena_init(&a, &al, 64);
    cx_diag_list list = {NULL, NULL, 0};
    cx_diag_sink sink = {&a, &list, NULL, NULL};
    cx_objref ref = {CONTOUR_KIND_SERVICE, "ns", "n"};
    assert_non_null(cx_diag_add(sink, CONTOUR_SEVERITY_WARNING, "c", "f", (cx_pos){1, 2}, ref,
                                "spec.x", "hello", 5));
    f.fail_at = f.calls + 1;
    char big[600];
    memset(big, 'm', sizeof big);
    assert_null(cx_diag_add(sink, CONTOUR_SEVERITY_WARNING, "c", "f", (cx_pos){1, 2}, ref, NULL,
                            big, sizeof big));
    assert_int_equal(list.count, 1);
    assert_string_equal(contour_diagnostic_field(list.head), "spec.x");
    assert_string_equal(contour_diagnostic_object_namespace(list.head), "ns");
    cx_arena_release(&a);
    assert_int_equal(f.live, 0);
}

static void test_public_enums_and_version(void **state)
{
    (void)state;
    assert_string_equal(contour_result_str(CONTOUR_ERR_NOMEM), "out of memory");
    assert_string_equal(contour_result_str((contour_result)-99), "unknown result");
    assert_string_equal(contour_kind_name(CONTOUR_KIND_TLSCERTIFICATEDELEGATION),
                        "TLSCertificateDelegation");
    assert_string_equal(contour_kind_name((contour_kind)42), "");
    assert_string_equal(contour_severity_name(CONTOUR_SEVERITY_ERROR), "error");
    assert_string_equal(contour_state_name(CONTOUR_STATE_ORPHANED), "orphaned");
    assert_int_equal(contour_version(), CONTOUR_VERSION_NUMBER);
    assert_string_equal(contour_version_string(), CONTOUR_VERSION_STRING);
    assert_true(CONTOUR_VERSION_CHECK(0, 0, 1));
    assert_int_equal(contour_version() >> 16, CONTOUR_VERSION_MAJOR);
}

static void test_config(void **state)
{
    (void)state;
    assert_int_equal(contour_config_new(NULL), CONTOUR_ERR_INVALID);
    contour_config *c;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_limit(c, CONTOUR_LIMIT_DEPTH), 64);
    assert_int_equal(contour_config_limit(c, CONTOUR_LIMIT_INPUT_BYTES), 256u << 20);
    assert_int_equal(contour_config_set_limit(c, CONTOUR_LIMIT_DEPTH, 0), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_limit(c, (contour_limit)99, 5), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_limit(c, CONTOUR_LIMIT_DEPTH, 10), CONTOUR_OK);
    assert_int_equal(contour_config_limit(c, CONTOUR_LIMIT_DEPTH), 10);
    assert_int_equal(contour_config_limit(NULL, CONTOUR_LIMIT_DEPTH), 0);
    assert_int_equal(contour_config_set_ports(c, 0, 443), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_ports(c, 80, 65536), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_ports(c, 8080, 8080), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_ports(c, 8080, 8443), CONTOUR_OK);
    assert_int_equal(c->http_port, 8080);
    assert_int_equal(contour_config_set_default_namespace(c, "", 0), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_default_namespace(c, "a\0b", 3), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_default_namespace(c, "\xff", 1), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_default_namespace(c, "team-axyz", 6), CONTOUR_OK);
    assert_string_equal(c->default_ns, "team-a");
    assert_int_equal(contour_config_set_ingress_class(c, "", 0), CONTOUR_OK);
    assert_string_equal(c->ingress_class, "");
    assert_int_equal(contour_config_add_root_namespace(c, "roots", 5), CONTOUR_OK);
    assert_int_equal(contour_config_add_root_namespace(c, "more", 4), CONTOUR_OK);
    assert_int_equal(c->root_namespace_count, 2);
    contour_config_clear_root_namespaces(c);
    assert_int_equal(c->root_namespace_count, 0);
    assert_int_equal(
        contour_config_set_allocator(c, tu_failing_malloc, NULL, tu_failing_free, NULL),
        CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_allocator(c, tu_failing_malloc, tu_failing_realloc,
                                                  tu_failing_free, NULL),
                     CONTOUR_OK);
    assert_int_equal(contour_config_set_allocator(c, NULL, NULL, NULL, NULL), CONTOUR_OK);
    assert_ptr_equal(c->alloc.malloc_fn, cx_default_alloc.malloc_fn);
    contour_config_free(c);
    contour_config_free(NULL);
    const contour_config *d = cx_config_default();
    assert_string_equal(d->default_ns, "default");
    assert_string_equal(d->ingress_class, "contour");
    assert_int_equal(d->https_port, 443);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alignment_and_growth),
        cmocka_unit_test(test_arena_rewind),
        cmocka_unit_test(test_arena_oom),
        cmocka_unit_test(test_vec),
        cmocka_unit_test(test_map_insert_find_remove),
        cmocka_unit_test(test_map_colliding_hashes),
        cmocka_unit_test(test_hash_pair_unambiguous),
        cmocka_unit_test(test_go_quote),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_rune_is_print),
        cmocka_unit_test(test_go_quote_invisible),
        cmocka_unit_test(test_json_string_invisible),
        cmocka_unit_test(test_public_escape),
        cmocka_unit_test(test_name_rule),
        cmocka_unit_test(test_strbuf_printf_and_numbers),
        cmocka_unit_test(test_strbuf_oom_latches),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_diag_order),
        cmocka_unit_test(test_diag_add_oom_leaves_list),
        cmocka_unit_test(test_public_enums_and_version),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
