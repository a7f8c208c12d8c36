/* The JSON producer (json_load.c): values and tags, positions, strings and escapes,
 * numbers, errors, encodings, limits and streaming. */
#include "testutil.h"

#include "load_recorder.h"

#include <time.h>

/* Time bounds are on CPU time and scaled by the machine's measured speed (and relaxed
 * under sanitizers and valgrind): a busy machine does not fail them (testutil.h). */
#define SLOW tu_bound_factor(false)

static double now(void)
{
    return tu_cpu_now();
}

/* Asserts the diagnostics and the first message of parsing text (n bytes). */
static void expect_error(const char *text, size_t n, const char *log, const char *diags,
                         const char *message)
{
    rec r;
    rec_init(&r);
    assert_int_equal(rec_json_n(&r, text, n), CX_RC_OK);
    assert_string_equal(r.log.s, log);
    assert_string_equal(r.diags.s, diags);
    if (message)
        assert_string_equal(rec_message(&r, 0), message);
    rec_free(&r);
}

#define ERR(text, log, diags, message) expect_error(text, strlen(text), log, diags, message)

/* ---- values ---- */

static void test_values_and_positions(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.with_pos = true;
    rec_json(&r, "{\"spec\": {\"a\": [1, -2.5, 1e5, true, false, null, \"x\"], \"b\": {}}}");
    assert_string_equal(r.log.s, "doc {\"spec\"@1:2:{\"a\"@1:11:[i:1@1:17,f:-2.5@1:20,f:1e5@1:26,"
                                 "b:true@1:31,b:false@1:37,n:null@1:44,\"x\"@1:50]@1:16,"
                                 "\"b\"@1:56:{}@1:61}@1:10}@1:1\n");
    assert_string_equal(r.diags.s, "");
    rec_free(&r);

    /* Lines, and columns in code points. */
    rec_init(&r);
    r.with_pos = true;
    rec_json(&r, "{\n"
                 "  \"spec\": [\n"
                 "    \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", 1,\n"
                 "    {\"k\": \"v\"}\n"
                 "  ]\n"
                 "}\n");
    assert_string_equal(r.log.s, "doc {\"spec\"@2:3:[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"@3:5,"
                                 "i:1@3:12,{\"k\"@4:6:\"v\"@4:11}@4:5]@2:11}@1:1\n");
    rec_free(&r);
}

static void test_several_values(void **state)
{
    (void)state;
    JSON_EXPECT("{\"spec\":1} {\"spec\":2}\n[3]{}\"s\" 4 true\n\n",
                "doc {\"spec\":i:1}\ndoc {\"spec\":i:2}\ndoc [i:3]\ndoc {}\ndoc \"s\"\ndoc i:4\n"
                "doc b:true\n",
                "");
    /* As Go's json.Decoder reads a stream: a value ends where its grammar ends. */
    JSON_EXPECT("-1-2", "doc i:-1\ndoc i:-2\n", "");
    /* Unknown top-level keys are not built (see test_tree). */
    JSON_EXPECT("{\"kind\": \"X\", \"other\": [1, {\"a\": 2}], \"spec\": null}",
                "doc {\"kind\":\"X\",\"spec\":n:null}\n", "");
}

static void test_empty_inputs(void **state)
{
    (void)state;
    JSON_EXPECT("", "", "");
    rec r0;
    rec_init(&r0);
    assert_int_equal(rec_json_n(&r0, NULL, 0), CX_RC_OK);
    assert_int_equal(r0.docs, 0);
    rec_free(&r0);
    JSON_EXPECT("  \n\t\r\n ", "", "");
    JSON_EXPECT("\xef\xbb\xbf", "", "");
    JSON_EXPECT("\xef\xbb\xbf\n", "", "");
    rec r;
    rec_init(&r);
    r.with_pos = true;
    rec_json(&r, "\xef\xbb\xbf{\"spec\": 1}");
    assert_string_equal(r.log.s, "doc {\"spec\"@1:2:i:1@1:10}@1:1\n");
    rec_free(&r);
}

/* ---- strings ---- */

static void test_escapes(void **state)
{
    (void)state;
    JSON_EXPECT(
        "{\"spec\": [\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\", "
        "\"\\u00e9\\u20AC\\ud83d\\ude00\", \"\\u0041x\\u007f\", \"plain\", \"\"]}",
        "doc {\"spec\":[\"\\\" \\\\ / \\x08 \\x0C \\n \\r \\t\",\"\xc3\xa9\xe2\x82\xac\xf0\x9f"
        "\x98\x80\",\"Ax\\x7F\",\"plain\",\"\"]}\n",
        "");
    /* Escapes at every offset of the 8-byte scan, and long runs between them. */
    JSON_EXPECT("{\"spec\": [\"abcdefg\\n\", \"abcdefgh\\n\", \"abcdefghi\\\"\", "
                "\"0123456789abcdefghij\\t0123456789abcdefghij\"]}",
                "doc {\"spec\":[\"abcdefg\\n\",\"abcdefgh\\n\",\"abcdefghi\\\"\","
                "\"0123456789abcdefghij\\t0123456789abcdefghij\"]}\n",
                "");
}

static void test_bad_escapes(void **state)
{
    (void)state;
    ERR("{\"spec\": [\"\\ud800\"]}", "doc -\n", "json-syntax@1:12;",
        "lone UTF-16 surrogate \\uD800 in a string");
    ERR("{\"spec\": [\"\\udc00\"]}", "doc -\n", "json-syntax@1:12;",
        "lone UTF-16 surrogate \\uDC00 in a string");
    ERR("{\"spec\": [\"ab\\ud800\\u0041\"]}", "doc -\n", "json-syntax@1:14;",
        "lone UTF-16 surrogate \\uD800 in a string");
    ERR("{\"spec\": [\"\\ud800\\ud800\"]}", "doc -\n", "json-syntax@1:12;", NULL);
    ERR("{\"spec\": [\"\\ud800x\"]}", "doc -\n", "json-syntax@1:12;", NULL);
    ERR("{\"spec\": [\"\\u12G4\"]}", "doc -\n", "json-syntax@1:12;",
        "invalid \\u escape: expected 4 hexadecimal digits");
    ERR("{\"spec\": [\"\\q\"]}", "doc -\n", "json-syntax@1:12;",
        "invalid escape sequence: '\\' then a character");
    ERR("{\"spec\": [\"\\'\"]}", "doc -\n", "json-syntax@1:12;",
        "invalid escape sequence: '\\' then a character");
    ERR("{\"spec\": [\"\\\xc3\xa9\"]}", "doc -\n", "json-syntax@1:12;",
        "invalid escape sequence: '\\' then a character");
}

static void test_control_characters(void **state)
{
    (void)state;
    ERR("{\"spec\": \"a\tb\"}", "doc -\n", "json-syntax@1:12;",
        "a control character in a string must be escaped");
    ERR("{\"spec\": \"a\nb\"}", "doc -\n", "json-syntax@1:12;", NULL);
    ERR("{\"spec\": \"a\x1f\"}", "doc -\n", "json-syntax@1:12;", NULL);
    /* DEL and C1 controls are allowed in JSON strings. */
    JSON_EXPECT("{\"spec\": \"\x7f\xc2\x80\"}", "doc {\"spec\":\"\\x7F\xc2\x80\"}\n", "");
    /* Outside strings only JSON whitespace is allowed. */
    ERR("{\"spec\":\x01 1}", "doc -\n", "json-syntax@1:9;", "expected a value, found a character");
    ERR("{\"spec\":\f1}", "doc -\n", "json-syntax@1:9;", NULL);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    ERR("{\"spec\": \"ab\xff\"}", "doc -\n", "invalid-utf8@1:13;", "invalid UTF-8");
    /* After multi-byte characters, in code points. */
    ERR("{\"spec\": \"\xc3\xa9\xe2\x82\xac\xed\xa0\x80\"}", "doc -\n", "invalid-utf8@1:13;",
        "invalid UTF-8");
    ERR("{\"spec\": \"\xc0\xaf\"}", "doc -\n", "invalid-utf8@1:11;", NULL);
    ERR("{\"spec\": \"abcdefghijkl\xe2\x82\"}", "doc -\n", "invalid-utf8@1:23;", NULL);
    ERR("{\"spec\": \"\xf4\x90\x80\x80\"}", "doc -\n", "invalid-utf8@1:11;", NULL);
    /* Truncated at the end of the input. */
    ERR("{\"spec\": \"\xe2\x82", "doc -\n", "invalid-utf8@1:11;", NULL);
    /* Outside a string: invalid UTF-8, or valid but not JSON. */
    ERR("{\"spec\": \xff}", "doc -\n", "invalid-utf8@1:10;", NULL);
    ERR("{\"spec\": \xc3\xa9}", "doc -\n", "json-syntax@1:10;",
        "expected a value, found a character");
    ERR("\xff", "", "invalid-utf8@1:1;", NULL);
    ERR("[1]\n\xc3\xa9", "doc [i:1]\n", "json-syntax@2:1;", NULL);
}

static void test_nul(void **state)
{
    (void)state;
    static const char in_string[] = "{\"spec\": \"a\0b\"}";
    expect_error(in_string, sizeof in_string - 1, "doc -\n", "nul-byte@1:12;",
                 "a NUL byte is not allowed in JSON");
    static const char between[] = "{\"spec\": 1}\0{\"spec\": 2}";
    expect_error(between, sizeof between - 1, "doc {\"spec\":i:1}\n", "nul-byte@1:12;", NULL);
    static const char in_object[] = "{\"spec\": 1,\0}";
    expect_error(in_object, sizeof in_object - 1, "doc -\n", "nul-byte@1:12;", NULL);
    /* An escaped NUL is decoded and passed on: the document carries a pending error. */
    JSON_EXPECT("{\"spec\": \"a\\u0000b\"}", "doc {\"spec\":\"a\\0b\"} !nul-character@1:10\n", "");
}

/* ---- numbers ---- */

static void test_numbers(void **state)
{
    (void)state;
    JSON_EXPECT("[0, -0, 12, -12, 1.5, 1e5, 1E+5, 1.5e-3, -0.0, 123456789012345678901234567890]",
                "doc [i:0,i:-0,i:12,i:-12,f:1.5,f:1e5,f:1E+5,f:1.5e-3,f:-0.0,"
                "i:123456789012345678901234567890]\n",
                "");
    ERR("[01]", "doc -\n", "json-syntax@1:2;", "a number cannot have leading zeros");
    ERR("[-01]", "doc -\n", "json-syntax@1:2;", "a number cannot have leading zeros");
    ERR("[+1]", "doc -\n", "json-syntax@1:2;", "expected a value, found a character");
    ERR("[-]", "doc -\n", "json-syntax@1:3;", "expected a digit after '-', found a character");
    ERR("[1.]", "doc -\n", "json-syntax@1:4;", "expected a digit after '.', found a character");
    ERR("[1e]", "doc -\n", "json-syntax@1:4;",
        "expected a digit in the exponent, found a character");
    ERR("[1.5e+]", "doc -\n", "json-syntax@1:7;", NULL);
    ERR("[.5]", "doc -\n", "json-syntax@1:2;", "expected a value, found a character");
    ERR("[0x1]", "doc -\n", "json-syntax@1:3;",
        "expected ',' or ']' after array element, found a character");
    ERR("[1 2]", "doc -\n", "json-syntax@1:4;", NULL);
    ERR("-", "doc -\n", "json-syntax@1:2;", "unexpected end of input, expected a digit after '-'");
    ERR("[NaN]", "doc -\n", "json-syntax@1:2;", NULL);
    ERR("[Infinity]", "doc -\n", "json-syntax@1:2;", NULL);
}

/* ---- syntax errors ---- */

static void test_trailing_commas(void **state)
{
    (void)state;
    ERR("{\"spec\": [1,]}", "doc -\n", "json-syntax@1:12;", "trailing comma before ']'");
    ERR("{\"spec\": {\"a\": 1,}}", "doc -\n", "json-syntax@1:17;", "trailing comma before '}'");
    ERR("{\"a\":1 , }", "doc -\n", "json-syntax@1:8;", "trailing comma before '}'");
    ERR("[,1]", "doc -\n", "json-syntax@1:2;", "expected a value, found a character");
    ERR("[1,,2]", "doc -\n", "json-syntax@1:4;", "expected a value, found a character");
    ERR("{,}", "doc -\n", "json-syntax@1:2;", "expected a string key or '}', found a character");
    ERR("{\"a\":1,,}", "doc -\n", "json-syntax@1:8;",
        "expected a string key after ',', found a character");
    /* A comma in an array followed by '}' is not a trailing comma. */
    ERR("[1,}", "doc -\n", "json-syntax@1:4;", "expected a value, found a character");
}

static void test_syntax_errors(void **state)
{
    (void)state;
    ERR("{\"spec\" 1}", "doc -\n", "json-syntax@1:9;",
        "expected ':' after object key, found a character");
    ERR("{1: 2}", "doc -\n", "json-syntax@1:2;", "expected a string key or '}', found a character");
    ERR("{\"a\": 1 \"b\": 2}", "doc -\n", "json-syntax@1:9;",
        "expected ',' or '}' after object member, found a character");
    ERR("{\"a\": 1]", "doc -\n", "json-syntax@1:8;", NULL);
    ERR("[1}", "doc -\n", "json-syntax@1:3;", NULL);
    ERR("{'a': 1}", "doc -\n", "json-syntax@1:2;",
        "expected a string key or '}', found a character");
    ERR("[tru]", "doc -\n", "json-syntax@1:5;", "expected 'true', found a character");
    ERR("[nul]", "doc -\n", "json-syntax@1:5;", "expected 'null', found a character");
    ERR("[fals", "doc -\n", "json-syntax@1:6;", "unexpected end of input, expected 'false'");
    ERR("[True]", "doc -\n", "json-syntax@1:2;", "expected a value, found a character");
    /* A value that cannot start a document is reported without opening one. */
    ERR("}", "", "json-syntax@1:1;", "expected a value, found a character");
    ERR("{\"spec\": 1}\n]", "doc {\"spec\":i:1}\n", "json-syntax@2:1;", NULL);
    ERR("# comment\n{}", "", "json-syntax@1:1;", NULL);
    /* The first error ends the input: later values are not read. */
    ERR("{\"spec\": 1} [1 2] {\"spec\": 3}", "doc {\"spec\":i:1}\ndoc -\n", "json-syntax@1:16;",
        NULL);
}

static void test_truncated(void **state)
{
    (void)state;
    ERR("{", "doc -\n", "json-syntax@1:2;",
        "unexpected end of input, expected a string key or '}'");
    ERR("{\"a\"", "doc -\n", "json-syntax@1:5;",
        "unexpected end of input, expected ':' after object key");
    ERR("{\"a\":", "doc -\n", "json-syntax@1:6;", "unexpected end of input, expected a value");
    ERR("{\"a\":1", "doc -\n", "json-syntax@1:7;",
        "unexpected end of input, expected ',' or '}' after object member");
    ERR("[1,", "doc -\n", "json-syntax@1:4;", "unexpected end of input, expected a value");
    ERR("[", "doc -\n", "json-syntax@1:2;", "unexpected end of input, expected a value or ']'");
    ERR("[1", "doc -\n", "json-syntax@1:3;",
        "unexpected end of input, expected ',' or ']' after array element");
    ERR("\"abc", "doc -\n", "json-syntax@1:5;",
        "unexpected end of input in a string (opened at line 1, column 1)");
    ERR("[\"ab\\", "doc -\n", "json-syntax@1:6;", NULL);
    ERR("[\"\\u12", "doc -\n", "json-syntax@1:3;", NULL);
    ERR("tru", "doc -\n", "json-syntax@1:4;", "unexpected end of input, expected 'true'");
    ERR("{\"spec\": 1}\n{\"spec\":\n", "doc {\"spec\":i:1}\ndoc -\n", "json-syntax@3:1;", NULL);
}

static void test_line_endings(void **state)
{
    (void)state;
    ERR("{\r\n  \"\xc3\xa9\": \"\xe2\x82\xac\",\r\n  \"spec\": [1 2]\r\n}", "doc -\n",
        "json-syntax@3:14;", NULL);
    /* A lone CR ends a line too (as in the YAML reader). */
    ERR("{\r\"spec\":\r1 2}", "doc -\n", "json-syntax@3:3;", NULL);
    /* Code points before the error on its line. */
    ERR("{\"\xc3\xa9\xe2\x82\xac\": 1, \"x\": tru}", "doc -\n", "json-syntax@1:19;",
        "expected 'true', found a character");
}

/* ---- limits ---- */

static char *nested(const char *open, const char *middle, const char *close, size_t n,
                    const char *tail, size_t *len)
{
    size_t olen;
    char *o = rec_repeat("", open, n, middle, &olen);
    char *s = rec_repeat(o, close, n, tail, len);
    free(o);
    return s;
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t len;
    char *text = nested("[", "", "]", 10000, " {\"spec\": 1}", &len);
    rec r;
    rec_init(&r);
    assert_int_equal(rec_json_n(&r, text, len), CX_RC_OK);
    assert_string_equal(r.log.s, "doc -\ndoc {\"spec\":i:1}\n");
    assert_string_equal(r.diags.s, "limit-depth@1:65;");
    rec_free(&r);
    free(text);

    text = nested("{\"a\":", "1", "}", 10000, "", &len);
    rec_init(&r);
    assert_int_equal(rec_json_n(&r, text, len), CX_RC_OK);
    assert_string_equal(r.log.s, "doc -\n");
    assert_string_equal(r.diags.s, "limit-depth@1:321;"); /* 5 bytes a level */
    rec_free(&r);
    free(text);

    /* A million levels: one bit each, no recursion. */
    text = nested("[", "", "]", 1000000, "\n{\"spec\": 2}", &len);
    rec_init(&r);
    double t0 = now();
    assert_int_equal(rec_json_n(&r, text, len), CX_RC_OK);
    assert_true(now() - t0 < 1.0 * SLOW);
    assert_string_equal(r.log.s, "doc -\ndoc {\"spec\":i:2}\n");
    assert_string_equal(r.diags.s, "limit-depth@1:65;");
    assert_true(r.alloc_state.peak < (1u << 20));
    rec_free(&r);
    free(text);

    /* Unclosed: the limit, then the end of the input. */
    text = rec_repeat("", "[", 1000000, "", &len);
    rec_init(&r);
    assert_int_equal(rec_json_n(&r, text, len), CX_RC_OK);
    assert_string_equal(r.diags.s, "limit-depth@1:65;json-syntax@1:1000001;");
    rec_free(&r);
    free(text);
}

static void test_huge_string(void **state)
{
    (void)state;
    size_t size = 100u << 20;
    char *text = malloc(size + 64);
    assert_non_null(text);
    static const char head[] = "{\"spec\": \"", tail[] = "\"} {\"spec\": 2}";
    /* Without escapes: handed over in place, refused by length. */
    size_t len = sizeof head - 1;
    memcpy(text, head, len);
    memset(text + len, 'x', size);
    len += size;
    memcpy(text + len, tail, sizeof tail - 1);
    len += sizeof tail - 1;
    rec r;
    rec_init(&r);
    double t0 = now();
    assert_int_equal(rec_json_n(&r, text, len), CX_RC_OK);
    assert_true(now() - t0 < 1.0 * SLOW);
    assert_string_equal(r.log.s, "doc -\ndoc {\"spec\":i:2}\n");
    assert_string_equal(r.diags.s, "limit-scalar@1:10;");
    assert_string_equal(rec_message(&r, 0),
                        "a scalar of 104857600 bytes exceeds the limit of 1048576 bytes");
    assert_true(r.alloc_state.peak < (1u << 20));
    rec_free(&r);

    /* With escapes: decoded into a buffer that stops growing at the limit. */
    len = sizeof head - 1;
    memcpy(text, head, len);
    for (size_t i = 0; i < size / 2; i++) {
        text[len++] = '\\';
        text[len++] = 'n';
    }
    memcpy(text + len, tail, sizeof tail - 1);
    len += sizeof tail - 1;
    rec_init(&r);
    t0 = now();
    assert_int_equal(rec_json_n(&r, text, len), CX_RC_OK);
    assert_true(now() - t0 < 2.0 * SLOW);
    assert_string_equal(r.log.s, "doc -\ndoc {\"spec\":i:2}\n");
    assert_string_equal(r.diags.s, "limit-scalar@1:10;");
    assert_string_equal(rec_message(&r, 0),
                        "a scalar of 52428800 bytes exceeds the limit of 1048576 bytes");
    assert_true(r.alloc_state.largest <= (1u << 20) + 8);
    assert_true(r.alloc_state.peak < (3u << 20) / 2);
    rec_free(&r);
    free(text);
}

static void test_scalar_limit(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *diags;
    } cases[] = {
        {"{\"spec\": \"0123456789\"}", ""},
        {"{\"spec\": \"01234567890\"}", "limit-scalar@1:10;"},
        {"{\"spec\": \"\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\"}", ""},
        {"{\"spec\": \"\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\"}", "limit-scalar@1:10;"},
        {"{\"spec\": \"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"}", "limit-scalar@1:10;"},
        {"{\"spec\": 12345678901}", "limit-scalar@1:10;"},
        {"{\"abcdefghijk\": 1}", "limit-scalar@1:2;"},
        /* In a top-level field that is not built, too. */
        {"{\"status\": {\"a\": \"01234567890\"}}", "limit-scalar@1:18;"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rec r;
        rec_init(&r);
        r.limits.v[CONTOUR_LIMIT_SCALAR_BYTES] = 10;
        rec_json(&r, cases[i].text);
        assert_string_equal(r.diags.s, cases[i].diags);
        assert_int_equal(r.roots, cases[i].diags[0] ? 0 : 1);
        rec_free(&r);
    }
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    JSON_EXPECT("{\"spec\": {\"a\": 1, \"a\": 2}}",
                "doc {\"spec\":{\"a\":i:1,\"a\":i:2}} !duplicate-key@1:19\n", "");
    /* JSON keys are strings: "<<" is not a merge key. */
    JSON_EXPECT("{\"spec\": {\"<<\": {\"a\": 1}}}", "doc {\"spec\":{\"<<\":{\"a\":i:1}}}\n", "");
}

static void test_documents_limit(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_DOCUMENTS] = 2;
    rec_json(&r, "1 2 3 4");
    assert_string_equal(r.log.s, "doc i:1\ndoc i:2\n");
    assert_string_equal(r.diags.s, "limit-documents@1:5;");
    rec_free(&r);
    /* List elements count too. */
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_DOCUMENTS] = 3;
    rec_json(&r, "{\"kind\": \"List\", \"items\": [{\"a\": 1}, 2, [3], {}]}");
    /* Keys inside elements are all kept: only the document's own are filtered. */
    assert_string_equal(r.log.s, "item {\"a\":i:1}\nitem i:2\ndoc - kind=List\n");
    assert_string_equal(r.diags.s, "limit-documents@1:41;");
    rec_free(&r);
}

static void test_handler_stop(void **state)
{
    (void)state;
    rec r;
    rec_init(&r);
    r.stop_at_doc = 1;
    rec_json(&r, "1 2 3");
    assert_string_equal(r.log.s, "doc i:1\n");
    rec_free(&r);
    rec_init(&r);
    r.stop_at_item = 2;
    rec_json(&r, "{\"kind\": \"List\", \"items\": [1, 2, 3]} 4");
    assert_string_equal(r.log.s, "item i:1\nitem i:2\ndoc - kind=List\n");
    assert_string_equal(r.diags.s, "");
    rec_free(&r);
}

/* ---- Lists ---- */

static void test_list_streaming(void **state)
{
    (void)state;
    JSON_EXPECT("{\"apiVersion\": \"v1\", \"items\": [{\"kind\": \"Service\"}, "
                "{\"kind\": \"Secret\", \"data\": {\"a\": \"\"}}], \"kind\": \"List\"}",
                "item {\"kind\":\"Service\"}\nitem {\"kind\":\"Secret\",\"data\":{\"a\":\"\"}}\n"
                "doc {\"apiVersion\":\"v1\",\"items\":[~streamed~],\"kind\":\"List\"}\n",
                "");
    /* A bad element is dropped, its siblings are not. */
    rec r;
    rec_init(&r);
    r.limits.v[CONTOUR_LIMIT_DEPTH] = 4;
    rec_json(&r, "{\"kind\": \"List\", \"items\": [{\"a\": 1}, {\"b\": {\"c\": {\"d\": 1}}}, "
                 "{\"e\": 2}]}");
    assert_string_equal(r.log.s, "item {\"a\":i:1}\nitem {\"e\":i:2}\n"
                                 "doc {\"kind\":\"List\",\"items\":[~streamed~]}\n");
    /* Levels: root 1, items 2, element 3, b 4, c 5. */
    assert_string_equal(r.diags.s, "limit-depth@1:50;");
    rec_free(&r);
}

static void test_big_list(void **state)
{
    (void)state;
    /* 100,000 objects: streamed one at a time, memory stays flat. */
    size_t cap = 100000 * 200 + 100, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)sprintf(text + len, "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [");
    for (int i = 0; i < 100000; i++)
        len += (size_t)sprintf(text + len,
                               "%s{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": "
                               "{\"name\": \"svc-%d\", \"namespace\": \"ns\"}, \"spec\": "
                               "{\"ports\": [{\"name\": \"http\", \"port\": 80}]}}",
                               i ? ", " : "", i);
    len += (size_t)sprintf(text + len, "]}\n");
    rec r;
    rec_init(&r);
    r.quiet = true;
    double t0 = now();
    assert_int_equal(rec_json_n(&r, text, len), CX_RC_OK);
    double dt = now() - t0;
    assert_int_equal(r.items, 100000);
    assert_int_equal(r.docs, 1);
    assert_int_equal(r.roots, 1);
    assert_string_equal(r.diags.s, "");
    assert_true(r.alloc_state.peak < 256 * 1024);
    assert_true(dt < 2.0 * SLOW);
    rec_free(&r);
    free(text);
}

/* ---- detection and out of memory ---- */

static void test_looks_like_json(void **state)
{
    (void)state;
    assert_true(cx_looks_like_json("{}", 2));
    assert_true(cx_looks_like_json(" \t\r\n[1]", 7));
    assert_true(cx_looks_like_json("\xef\xbb\xbf {", 5));
    assert_true(cx_looks_like_json("\n\xef\xbb\xbf[", 5));
    assert_false(cx_looks_like_json("", 0));
    assert_false(cx_looks_like_json("   ", 3));
    assert_false(cx_looks_like_json("a: {}", 5));
    assert_false(cx_looks_like_json("\"s\"", 3));
    assert_false(cx_looks_like_json("# {\n", 4));
    assert_false(cx_looks_like_json("\xef\xbb", 2));
    assert_false(cx_looks_like_json("\v{", 2));
    /* Only the given bytes are looked at. */
    assert_false(cx_looks_like_json("  {", 2));
}

static void test_out_of_memory(void **state)
{
    (void)state;
    const char *text =
        "{\"kind\": \"List\", \"items\": [{\"spec\": [1, \"\\n\", {\"a\": 2}]}, 3]}\n"
        "{\"spec\": {\"a\": 1, \"a\": 2, \"b\": \"x\\ty\"}}\n"
        "[[[[1]]]]\n"
        "{\"spec\": [1,]}";
    size_t total = 0;
    for (size_t k = 1;; k++) {
        rec r;
        rec_init(&r);
        r.quiet = true;
        r.alloc_state.fail_at = k;
        cx_rc rc = rec_json_n(&r, text, strlen(text));
        bool failed = r.alloc_state.failed > 0;
        total = r.alloc_state.calls;
        rec_free(&r);
        if (!failed) {
            assert_int_equal(rc, CX_RC_OK);
            break;
        }
        assert_int_equal(rc, CX_RC_NOMEM);
        assert_true(k < 10000);
    }
    /* The producer's own allocations (scratch buffers, builder stacks) were all tried. */
    assert_true(total > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_and_positions),
        cmocka_unit_test(test_several_values),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_bad_escapes),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_trailing_commas),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_huge_string),
        cmocka_unit_test(test_scalar_limit),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_documents_limit),
        cmocka_unit_test(test_handler_stop),
        cmocka_unit_test(test_list_streaming),
        cmocka_unit_test(test_big_list),
        cmocka_unit_test(test_looks_like_json),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
