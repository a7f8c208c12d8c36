/* Scalar typing (scalar.c): how each kind of field reads each kind of scalar node. */
#include "testutil.h"

#include "scalar.h"

#include <stdlib.h>
#include <string.h>

static cx_node scalar(cx_scalar_tag tag, const char *text)
{
    cx_node n;
    memset(&n, 0, sizeof n);
    n.type = CX_NODE_SCALAR;
    n.tag = (uint8_t)tag;
    n.len = (uint32_t)strlen(text);
    n.weight = 1;
    n.u.str = text;
    return n;
}

static cx_node container(cx_node_type type)
{
    cx_node n;
    memset(&n, 0, sizeof n);
    n.type = (uint8_t)type;
    n.weight = 1;
    return n;
}

#define PLAIN(t) scalar(CX_TAG_PLAIN, (t))
#define STR(t)   scalar(CX_TAG_STR, (t))

/* ---- text rules ---- */

static void test_yaml_null(void **state)
{
    (void)state;
    const char *nulls[] = {"", "~", "null", "Null", "NULL"};
    for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++)
        assert_true(cx_yaml_is_null(nulls[i], strlen(nulls[i])));
    const char *not_nulls[] = {"nULL", "nil", "None", "~~", " ", "NuLL", "0"};
    for (size_t i = 0; i < sizeof not_nulls / sizeof *not_nulls; i++)
        assert_false(cx_yaml_is_null(not_nulls[i], strlen(not_nulls[i])));
}

static void test_yaml_bool(void **state)
{
    (void)state;
    const char *yes[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
    const char *no[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
    const char *neither[] = {"",    "tRue", "yEs", "1",  "0",     "t", "f",    "enabled",
                             "YeS", "oN",   "OfF", "nO", "true ", "~", "null", "TRUe"};
    bool b;
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        b = false;
        assert_true(cx_yaml_bool(yes[i], strlen(yes[i]), &b));
        assert_true(b);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        b = true;
        assert_true(cx_yaml_bool(no[i], strlen(no[i]), &b));
        assert_false(b);
    }
    for (size_t i = 0; i < sizeof neither / sizeof *neither; i++)
        assert_false(cx_yaml_bool(neither[i], strlen(neither[i]), &b));
}

typedef struct int_case {
    const char *text;
    cx_int_syntax syntax;
    int64_t value;
} int_case;

static void test_yaml_int(void **state)
{
    (void)state;
    static const int_case cases[] = {
        {"0", CX_INT_OK, 0},
        {"80", CX_INT_OK, 80},
        {"+80", CX_INT_OK, 80},
        {"-80", CX_INT_OK, -80},
        {"-0", CX_INT_OK, 0},
        {"00", CX_INT_OK, 0},
        {"0x1F", CX_INT_OK, 31},
        {"0X1f", CX_INT_OK, 31},
        {"-0x10", CX_INT_OK, -16},
        {"+0x10", CX_INT_OK, 16},
        {"0o17", CX_INT_OK, 15},
        {"0O17", CX_INT_OK, 15},
        {"017", CX_INT_OK, 15},
        {"-017", CX_INT_OK, -15},
        {"0b101", CX_INT_OK, 5},
        {"-0b101", CX_INT_OK, -5},
        {"1_000", CX_INT_OK, 1000},
        {"1__0_0_0_", CX_INT_OK, 1000},
        {"-_5", CX_INT_OK, -5},
        {"0_x1F", CX_INT_OK, 31}, /* underscores go before the prefix is looked at */
        {"0x_1F", CX_INT_OK, 31},
        {"0_", CX_INT_OK, 0},
        {"9223372036854775807", CX_INT_OK, INT64_MAX},
        {"-9223372036854775808", CX_INT_OK, INT64_MIN},
        {"0x7fffffffffffffff", CX_INT_OK, INT64_MAX},
        {"9223372036854775808", CX_INT_OVERFLOW, 0},
        {"-9223372036854775809", CX_INT_OVERFLOW, 0},
        {"18446744073709551616", CX_INT_OVERFLOW, 0},
        {"99999999999999999999999999999999", CX_INT_OVERFLOW, 0},
        {"0xffffffffffffffffff", CX_INT_OVERFLOW, 0},
        /* not integers */
        {"", CX_INT_NONE, 0},
        {"-", CX_INT_NONE, 0},
        {"+", CX_INT_NONE, 0},
        {"_", CX_INT_NONE, 0},
        {"_1", CX_INT_NONE, 0}, /* go-yaml only tries numbers starting with a digit or sign */
        {"-_", CX_INT_NONE, 0},
        {"0x", CX_INT_NONE, 0},
        {"0o", CX_INT_NONE, 0},
        {"0b", CX_INT_NONE, 0},
        {"0x_", CX_INT_NONE, 0},
        {"0xg", CX_INT_NONE, 0},
        {"08", CX_INT_NONE, 0}, /* leading-0 octal: 8 is no octal digit */
        {"0b102", CX_INT_NONE, 0},
        {"0o8", CX_INT_NONE, 0},
        {"1.5", CX_INT_NONE, 0},
        {"1e3", CX_INT_NONE, 0},
        {"80 ", CX_INT_NONE, 0},
        {" 80", CX_INT_NONE, 0},
        {"eighty", CX_INT_NONE, 0},
        {"--1", CX_INT_NONE, 0},
        {"+-1", CX_INT_NONE, 0},
        {"1-", CX_INT_NONE, 0},
        {"0x1G", CX_INT_NONE, 0},
        {"1,000", CX_INT_NONE, 0},
        {"12:30", CX_INT_NONE, 0}, /* YAML 1.1 sexagesimal: go-yaml v2 reads a string */
        {"99999999999999999999999x", CX_INT_NONE, 0},
        {"٣", CX_INT_NONE, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t v = 12345;
        cx_int_syntax got = cx_yaml_int(cases[i].text, strlen(cases[i].text), &v);
        if (got != cases[i].syntax)
            fail_msg("%s: syntax %d, want %d", cases[i].text, got, cases[i].syntax);
        if (got == CX_INT_OK && v != cases[i].value)
            fail_msg("%s: value %lld, want %lld", cases[i].text, (long long)v,
                     (long long)cases[i].value);
    }
}

static void test_yaml_float(void **state)
{
    (void)state;
    const char *floats[] = {"1.5",   "-1.5", "+.5",   ".5",   "1.",    "1e3", "1E+3", "1.5e-3",
                            "1_0.5", ".inf", "-.Inf", ".NaN", "+.INF", "08",  "09.1"};
    for (size_t i = 0; i < sizeof floats / sizeof *floats; i++) {
        if (!cx_yaml_is_float(floats[i], strlen(floats[i])))
            fail_msg("%s should be a float", floats[i]);
    }
    const char *others[] = {"", ".", "1.5.5", "e3", "1e", "abc", "1.5x", "-", ".infinity", "1e+"};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        if (cx_yaml_is_float(others[i], strlen(others[i])))
            fail_msg("%s should not be a float", others[i]);
    }
}

static void test_plain_resolve(void **state)
{
    (void)state;
    assert_int_equal(cx_plain_resolve("", 0), CX_PLAIN_NULL);
    assert_int_equal(cx_plain_resolve("~", 1), CX_PLAIN_NULL);
    assert_int_equal(cx_plain_resolve("yes", 3), CX_PLAIN_BOOL);
    assert_int_equal(cx_plain_resolve("0x10", 4), CX_PLAIN_INT);
    assert_int_equal(cx_plain_resolve("99999999999999999999", 20), CX_PLAIN_INT);
    assert_int_equal(cx_plain_resolve("1.5", 3), CX_PLAIN_FLOAT);
    assert_int_equal(cx_plain_resolve("eighty", 6), CX_PLAIN_STRING);
    assert_int_equal(cx_plain_resolve("/foo", 4), CX_PLAIN_STRING);
}

/* ---- string fields ---- */

static void test_read_string(void **state)
{
    (void)state;
    const char *s = NULL;
    size_t len = 0;
    cx_node n = STR("hello");
    assert_int_equal(cx_read_string(&n, &s, &len), CX_READ_OK);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);

    n = STR(""); /* a quoted empty string is a string, not null */
    assert_int_equal(cx_read_string(&n, &s, &len), CX_READ_OK);
    assert_int_equal(len, 0);
    n = STR("null");
    assert_int_equal(cx_read_string(&n, &s, &len), CX_READ_OK);
    assert_string_equal(s, "null");

    /* plain scalars are strings only when PyYAML and go-yaml both resolve them so */
    const char *plains[] = {"/foo", "~x", "a.example.com", "0o17x", "yes-no"};
    for (size_t i = 0; i < sizeof plains / sizeof *plains; i++) {
        n = PLAIN(plains[i]);
        assert_int_equal(cx_read_string(&n, &s, &len), CX_READ_OK);
        assert_string_equal(s, plains[i]);
    }
    const char *typed[] = {"80",
                           "true",
                           "yes",
                           "y",
                           "n",
                           "1.5",
                           "0x10",
                           "0o17",
                           "1:30",
                           "2001-12-14",
                           "2001-12-14 21:59:43.10 -5",
                           "<<",
                           "=",
                           ".inf",
                           "1e3"};
    for (size_t i = 0; i < sizeof typed / sizeof *typed; i++) {
        n = PLAIN(typed[i]);
        if (cx_read_string(&n, &s, &len) != CX_READ_TYPE)
            fail_msg("plain %s read as a string", typed[i]);
    }
    const char *nulls[] = {"", "~", "null", "Null", "NULL"};
    for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++) {
        n = PLAIN(nulls[i]);
        assert_int_equal(cx_read_string(&n, &s, &len), CX_READ_ABSENT);
    }
    n = scalar(CX_TAG_NULL, "null");
    assert_int_equal(cx_read_string(&n, &s, &len), CX_READ_ABSENT);
    assert_int_equal(cx_read_string(NULL, &s, &len), CX_READ_ABSENT);

    /* strictly typed non-strings */
    n = scalar(CX_TAG_INT, "80");
    assert_int_equal(cx_read_string(&n, &s, &len), CX_READ_TYPE);
    n = scalar(CX_TAG_FLOAT, "1.5");
    assert_int_equal(cx_read_string(&n, &s, &len), CX_READ_TYPE);
    n = scalar(CX_TAG_BOOL, "true");
    assert_int_equal(cx_read_string(&n, &s, &len), CX_READ_TYPE);
    n = container(CX_NODE_MAP);
    assert_int_equal(cx_read_string(&n, &s, &len), CX_READ_TYPE);
    n = container(CX_NODE_SEQ);
    assert_int_equal(cx_read_string(&n, &s, &len), CX_READ_TYPE);
}

/* ---- integer fields ---- */

typedef struct read_int_case {
    cx_scalar_tag tag;
    const char *text;
    int64_t min, max;
    cx_read want;
    int64_t value;
} read_int_case;

static void test_read_int(void **state)
{
    (void)state;
    const int64_t i32min = INT32_MIN, i32max = INT32_MAX;
    static const read_int_case cases[] = {
        {CX_TAG_PLAIN, "80", INT64_MIN, INT64_MAX, CX_READ_OK, 80},
        {CX_TAG_PLAIN, "-1", INT64_MIN, INT64_MAX, CX_READ_OK, -1},
        {CX_TAG_PLAIN, "0x50", INT64_MIN, INT64_MAX, CX_READ_OK, 80},
        {CX_TAG_PLAIN, "0o120", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0},
        {CX_TAG_PLAIN, "0120", INT64_MIN, INT64_MAX, CX_READ_OK, 80},
        {CX_TAG_PLAIN, "8_0", INT64_MIN, INT64_MAX, CX_READ_OK, 80},
        {CX_TAG_INT, "80", INT64_MIN, INT64_MAX, CX_READ_OK, 80},
        {CX_TAG_INT, "-80", INT64_MIN, INT64_MAX, CX_READ_OK, -80},
        {CX_TAG_INT, "0x50", INT64_MIN, INT64_MAX, CX_READ_OK, 80}, /* !!int 0x50 */
        /* absent */
        {CX_TAG_PLAIN, "", INT64_MIN, INT64_MAX, CX_READ_ABSENT, 0},
        {CX_TAG_PLAIN, "~", INT64_MIN, INT64_MAX, CX_READ_ABSENT, 0},
        {CX_TAG_PLAIN, "null", INT64_MIN, INT64_MAX, CX_READ_ABSENT, 0},
        {CX_TAG_NULL, "null", INT64_MIN, INT64_MAX, CX_READ_ABSENT, 0},
        /* wrong type */
        {CX_TAG_STR, "80", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0}, /* port: "80" */
        {CX_TAG_PLAIN, "eighty", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0},
        {CX_TAG_PLAIN, "1.5", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0},
        {CX_TAG_PLAIN, "80.0", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0},
        {CX_TAG_PLAIN, "1e3", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0},
        {CX_TAG_PLAIN, "08", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0},
        {CX_TAG_PLAIN, "true", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0},
        {CX_TAG_PLAIN, "0x", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0},
        {CX_TAG_FLOAT, "80.0", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0},
        {CX_TAG_FLOAT, "8e1", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0},
        {CX_TAG_BOOL, "true", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0},
        {CX_TAG_INT, "foo", INT64_MIN, INT64_MAX, CX_READ_TYPE, 0}, /* !!int foo */
        /* ranges */
        {CX_TAG_PLAIN, "2147483647", i32min, i32max, CX_READ_OK, INT32_MAX},
        {CX_TAG_PLAIN, "-2147483648", i32min, i32max, CX_READ_OK, INT32_MIN},
        {CX_TAG_PLAIN, "2147483648", i32min, i32max, CX_READ_RANGE, 0},
        {CX_TAG_PLAIN, "-2147483649", i32min, i32max, CX_READ_RANGE, 0},
        {CX_TAG_INT, "4294967296", i32min, i32max, CX_READ_RANGE, 0},
        {CX_TAG_PLAIN, "0x80000000", i32min, i32max, CX_READ_RANGE, 0},
        {CX_TAG_PLAIN, "2147483648", INT64_MIN, INT64_MAX, CX_READ_OK, 2147483648LL},
        {CX_TAG_PLAIN, "9223372036854775807", INT64_MIN, INT64_MAX, CX_READ_OK, INT64_MAX},
        {CX_TAG_PLAIN, "9223372036854775808", INT64_MIN, INT64_MAX, CX_READ_RANGE, 0},
        {CX_TAG_INT, "-9223372036854775809", INT64_MIN, INT64_MAX, CX_READ_RANGE, 0},
        {CX_TAG_PLAIN, "100000000000000000000000", INT64_MIN, INT64_MAX, CX_READ_RANGE, 0},
        {CX_TAG_PLAIN, "5", 1, 3, CX_READ_RANGE, 0},
        {CX_TAG_PLAIN, "0", 1, 3, CX_READ_RANGE, 0},
        {CX_TAG_PLAIN, "2", 1, 3, CX_READ_OK, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cx_node n = scalar(cases[i].tag, cases[i].text);
        int64_t v = 777;
        cx_read got = cx_read_int(&n, cases[i].min, cases[i].max, &v);
        if (got != cases[i].want)
            fail_msg("case %zu (%s): got %d, want %d", i, cases[i].text, got, cases[i].want);
        if (got == CX_READ_OK && v != cases[i].value)
            fail_msg("case %zu (%s): value %lld", i, cases[i].text, (long long)v);
        if (got != CX_READ_OK && v != 777)
            fail_msg("case %zu (%s): value written on failure", i, cases[i].text);
    }
    cx_node m = container(CX_NODE_MAP);
    int64_t v;
    assert_int_equal(cx_read_int(&m, INT64_MIN, INT64_MAX, &v), CX_READ_TYPE);
    m = container(CX_NODE_SEQ);
    assert_int_equal(cx_read_int(&m, INT64_MIN, INT64_MAX, &v), CX_READ_TYPE);
    assert_int_equal(cx_read_int(NULL, INT64_MIN, INT64_MAX, &v), CX_READ_ABSENT);
}

/* ---- boolean fields ---- */

static void test_read_bool(void **state)
{
    (void)state;
    bool b = false;
    cx_node n = PLAIN("yes");
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_OK);
    assert_true(b);
    n = PLAIN("Off");
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_OK);
    assert_false(b);
    n = PLAIN("y"); /* go-yaml's boolean, PyYAML's string: refused */
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_TYPE);
    n = PLAIN("N");
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_TYPE);
    assert_false(b);
    n = scalar(CX_TAG_BOOL, "true"); /* JSON true */
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_OK);
    assert_true(b);
    n = scalar(CX_TAG_BOOL, "false");
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_OK);
    assert_false(b);
    n = scalar(CX_TAG_BOOL, "maybe"); /* !!bool maybe */
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_TYPE);

    n = PLAIN("~");
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_ABSENT);
    n = PLAIN("");
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_ABSENT);
    n = scalar(CX_TAG_NULL, "null");
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_ABSENT);

    n = STR("true"); /* enableWebsockets: "true" */
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_TYPE);
    n = PLAIN("1");
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_TYPE);
    n = PLAIN("tRUE");
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_TYPE);
    n = PLAIN("enabled");
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_TYPE);
    n = scalar(CX_TAG_INT, "1");
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_TYPE);
    n = container(CX_NODE_MAP);
    assert_int_equal(cx_read_bool(&n, &b), CX_READ_TYPE);
}

/* ---- int-or-string fields ---- */

typedef struct ios_case {
    cx_scalar_tag tag;
    const char *text;
    cx_read want;
    bool is_string;
    int64_t num;
} ios_case;

static void test_read_int_or_string(void **state)
{
    (void)state;
    static const ios_case cases[] = {
        {CX_TAG_PLAIN, "80", CX_READ_OK, false, 80},
        {CX_TAG_PLAIN, "0x50", CX_READ_OK, false, 80},
        {CX_TAG_INT, "80", CX_READ_OK, false, 80},
        {CX_TAG_STR, "80", CX_READ_OK, false, 80},  /* a digit string is a number */
        {CX_TAG_STR, "080", CX_READ_OK, false, 80}, /* ... in decimal */
        {CX_TAG_STR, "0x50", CX_READ_OK, true, 0},  /* not all digits: a name */
        {CX_TAG_STR, "-80", CX_READ_OK, true, 0},   /* a sign is not a digit */
        {CX_TAG_STR, "http", CX_READ_OK, true, 0},
        {CX_TAG_STR, "", CX_READ_OK, true, 0},
        {CX_TAG_PLAIN, "http", CX_READ_OK, true, 0},
        {CX_TAG_PLAIN, "1.5", CX_READ_TYPE, false, 0}, /* typed plain scalars are no names */
        {CX_TAG_PLAIN, "true", CX_READ_TYPE, false, 0},
        {CX_TAG_PLAIN, "~", CX_READ_ABSENT, false, 0},
        {CX_TAG_NULL, "null", CX_READ_ABSENT, false, 0},
        {CX_TAG_FLOAT, "80.5", CX_READ_TYPE, false, 0},
        {CX_TAG_BOOL, "true", CX_READ_TYPE, false, 0},
        {CX_TAG_PLAIN, "2147483648", CX_READ_RANGE, false, 0},
        {CX_TAG_INT, "-2147483649", CX_READ_RANGE, false, 0},
        {CX_TAG_STR, "2147483648", CX_READ_RANGE, false, 0},
        {CX_TAG_STR, "99999999999999999999999", CX_READ_RANGE, false, 0},
        {CX_TAG_INT, "x", CX_READ_TYPE, false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cx_node n = scalar(cases[i].tag, cases[i].text);
        cx_int_or_string v;
        cx_read got = cx_read_int_or_string(&n, INT32_MIN, INT32_MAX, &v);
        if (got != cases[i].want)
            fail_msg("case %zu (%s): got %d, want %d", i, cases[i].text, got, cases[i].want);
        if (got != CX_READ_OK)
            continue;
        assert_int_equal(v.is_string, cases[i].is_string);
        if (v.is_string) {
            assert_int_equal(v.len, strlen(cases[i].text));
            assert_memory_equal(v.str, cases[i].text, v.len);
        } else {
            assert_int_equal(v.num, cases[i].num);
        }
    }
    cx_node m = container(CX_NODE_MAP);
    cx_int_or_string v;
    assert_int_equal(cx_read_int_or_string(&m, INT32_MIN, INT32_MAX, &v), CX_READ_TYPE);
}

/* ---- descriptions ---- */

static char *describe(const cx_node *n)
{
    cx_strbuf b;
    cx_strbuf_init(&b, &cx_default_alloc);
    cx_node_describe(&b, n);
    assert_false(b.oom);
    char *s = strdup(b.data ? b.data : "");
    cx_strbuf_release(&b);
    return s;
}

static void expect_describe(cx_node n, const char *want)
{
    char *got = describe(&n);
    if (strcmp(got, want) != 0)
        fail_msg("described as [%s], want [%s]", got, want);
    free(got);
}

static void test_describe(void **state)
{
    (void)state;
    char *nothing = describe(NULL);
    assert_string_equal(nothing, "nothing");
    free(nothing);
    expect_describe(container(CX_NODE_MAP), "a map");
    expect_describe(container(CX_NODE_SEQ), "a list");
    expect_describe(STR("eighty"), "a string \"eighty\"");
    expect_describe(STR("80"), "a string \"80\"");
    expect_describe(STR("tab\there \"q\""), "a string \"tab\\there \\\"q\\\"\"");
    expect_describe(PLAIN("eighty"), "a string \"eighty\"");
    expect_describe(PLAIN("80"), "an integer 80");
    expect_describe(PLAIN("0x50"), "an integer 0x50");
    expect_describe(PLAIN("1.5"), "a number 1.5");
    expect_describe(PLAIN("yes"), "a boolean yes");
    expect_describe(PLAIN("~"), "null");
    expect_describe(scalar(CX_TAG_INT, "80"), "an integer 80");
    expect_describe(scalar(CX_TAG_FLOAT, "1e3"), "a number 1e3");
    expect_describe(scalar(CX_TAG_BOOL, "false"), "a boolean false");
    expect_describe(scalar(CX_TAG_INT, "a b"), "an integer \"a b\"");

    /* Long values are cut, on a character boundary. */
    char long_text[300];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    char *got = describe(
        &(cx_node){.type = CX_NODE_SCALAR, .tag = CX_TAG_STR, .len = 299, .u.str = long_text});
    assert_int_equal(strlen(got), strlen("a string \"\"...") + 64);
    free(got);
    /* 63 ASCII bytes then a 2-byte character straddling the cut */
    char utf[200];
    memset(utf, 'a', 63);
    strcpy(utf + 63, "\xc3\xa9tail-tail-tail");
    got = describe(&(cx_node){
        .type = CX_NODE_SCALAR, .tag = CX_TAG_STR, .len = (uint32_t)strlen(utf), .u.str = utf});
    assert_non_null(strstr(got, "aaa\"..."));
    assert_null(strstr(got, "\xc3"));
    free(got);
    char digits[200];
    memset(digits, '9', sizeof digits - 1);
    digits[sizeof digits - 1] = '\0';
    got = describe(
        &(cx_node){.type = CX_NODE_SCALAR, .tag = CX_TAG_PLAIN, .len = 199, .u.str = digits});
    assert_int_equal(strlen(got), strlen("an integer ...") + 64);
    free(got);
}

static void test_is_null(void **state)
{
    (void)state;
    assert_true(cx_node_is_null(NULL));
    cx_node n = PLAIN("~");
    assert_true(cx_node_is_null(&n));
    n = scalar(CX_TAG_NULL, "");
    assert_true(cx_node_is_null(&n));
    n = STR("");
    assert_false(cx_node_is_null(&n));
    n = STR("null");
    assert_false(cx_node_is_null(&n));
    n = container(CX_NODE_MAP);
    assert_false(cx_node_is_null(&n));
}

/* The first-character shortcut of cx_plain_resolve and cx_ref_resolve gives what trying
 * every type gives: all strings of up to two printable characters, and random longer ones
 * made of characters that start or make up typed scalars. */
static void test_resolve_shortcut(void **state)
{
    (void)state;
    char s[16];
    for (int a = 0x20; a < 0x7F; a++) {
        for (int b = 0x1F; b < 0x7F; b++) {
            s[0] = (char)a;
            s[1] = (char)b;
            size_t len = b == 0x1F ? 1 : 2;
            assert_int_equal(cx_plain_resolve(s, len), cx_plain_resolve_each(s, len));
            assert_int_equal(cx_ref_resolve(s, len), cx_ref_resolve_each(s, len));
        }
    }
    static const char alphabet[] = "0123456789+-._:eExXoObBnNaAlLuUyYsStTrRfFiI~<= Zz";
    uint32_t seed = 99;
    for (int r = 0; r < 200000; r++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = 3 + (seed >> 16) % 10;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        assert_int_equal(cx_plain_resolve(s, len), cx_plain_resolve_each(s, len));
        assert_int_equal(cx_ref_resolve(s, len), cx_ref_resolve_each(s, len));
    }
    assert_int_equal(cx_plain_resolve("", 0), CX_PLAIN_NULL);
    assert_int_equal(cx_ref_resolve("", 0), CX_REF_NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_null),   cmocka_unit_test(test_resolve_shortcut),
        cmocka_unit_test(test_yaml_bool),   cmocka_unit_test(test_yaml_int),
        cmocka_unit_test(test_yaml_float),  cmocka_unit_test(test_plain_resolve),
        cmocka_unit_test(test_read_string), cmocka_unit_test(test_read_int),
        cmocka_unit_test(test_read_bool),   cmocka_unit_test(test_read_int_or_string),
        cmocka_unit_test(test_describe),    cmocka_unit_test(test_is_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
