#include "scalar.h"

#include <string.h>

/* Longest scalar text quoted in a message. */
#define DESCRIBE_MAX 64

static bool text_is(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len == n && memcmp(s, lit, n) == 0;
}

static bool text_in(const char *s, size_t len, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (text_is(s, len, list[i]))
            return true;
    }
    return false;
}

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* The first characters of every plain scalar that is not a string, to one reader or the
 * other: nulls (~ n N), booleans (y Y n N t T f F o O), numbers and dates (0-9 + - .),
 * `<<` and `=`. Any other first character makes a string (or an empty scalar, a null): most
 * scalars are names, and trying every type on each was a tenth of converting an object. */
static const bool may_be_typed[256] = {
    ['~'] = true, ['n'] = true, ['N'] = true, ['y'] = true, ['Y'] = true, ['t'] = true,
    ['T'] = true, ['f'] = true, ['F'] = true, ['o'] = true, ['O'] = true, ['<'] = true,
    ['='] = true, ['.'] = true, ['+'] = true, ['-'] = true, ['0'] = true, ['1'] = true,
    ['2'] = true, ['3'] = true, ['4'] = true, ['5'] = true, ['6'] = true, ['7'] = true,
    ['8'] = true, ['9'] = true,
};

static bool surely_string(const char *s, size_t len)
{
    return len > 0 && !may_be_typed[(unsigned char)s[0]];
}

bool cx_yaml_is_null(const char *s, size_t len)
{
    static const char *const nulls[] = {"~", "null", "Null", "NULL"};
    return len == 0 || (!surely_string(s, len) && text_in(s, len, nulls, COUNT(nulls)));
}

bool cx_yaml_bool(const char *s, size_t len, bool *out)
{
    static const char *const yes[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                      "True", "TRUE", "on",  "On",  "ON"};
    static const char *const no[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                     "False", "FALSE", "off", "Off", "OFF"};
    if (text_in(s, len, yes, COUNT(yes))) {
        *out = true;
        return true;
    }
    if (text_in(s, len, no, COUNT(no))) {
        *out = false;
        return true;
    }
    return false;
}

/* ---- integers ---- */

static size_t skip_underscores(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] == '_')
        i++;
    return i;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

cx_int_syntax cx_yaml_int(const char *s, size_t len, int64_t *out)
{
    /* go-yaml only tries numbers for scalars that start with a digit or a sign. */
    if (len == 0 || !(is_digit(s[0]) || s[0] == '+' || s[0] == '-'))
        return CX_INT_NONE;
    size_t i = 0;
    bool neg = false;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i = 1;
    }
    i = skip_underscores(s, len, i);
    if (i >= len)
        return CX_INT_NONE;
    unsigned base = 10;
    bool need_digit = true;
    if (s[i] == '0') {
        /* strconv base 0: a two-letter prefix needs at least one character after it. */
        size_t j = skip_underscores(s, len, i + 1);
        size_t k = j < len ? skip_underscores(s, len, j + 1) : len;
        char p = j < len ? (char)(s[j] | 0x20) : 0;
        if (k < len && (p == 'x' || p == 'o' || p == 'b')) {
            base = p == 'x' ? 16u : p == 'o' ? 8u : 2u;
            i = k;
        } else {
            base = 8; /* a leading 0: octal, and "0" alone is zero */
            i = j;
            need_digit = false;
        }
    }
    uint64_t mag = 0;
    bool overflow = false;
    size_t digits = 0;
    for (; i < len; i++) {
        if (s[i] == '_')
            continue;
        int d = digit_value(s[i]);
        if (d >= (int)base)
            return CX_INT_NONE;
        digits++;
        if (overflow)
            continue;
        if (mag > (UINT64_MAX - (uint64_t)d) / base)
            overflow = true;
        else
            mag = mag * base + (uint64_t)d;
    }
    if (need_digit && digits == 0)
        return CX_INT_NONE;
    if (overflow)
        return CX_INT_OVERFLOW;
    if (neg) {
        if (mag > (uint64_t)INT64_MAX + 1)
            return CX_INT_OVERFLOW;
        *out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
    } else {
        if (mag > (uint64_t)INT64_MAX)
            return CX_INT_OVERFLOW;
        *out = (int64_t)mag;
    }
    return CX_INT_OK;
}

/* ---- floats (only to describe values) ---- */

/* Counts digits from *i on, skipping underscores. */
static size_t scan_digits(const char *s, size_t len, size_t *i)
{
    size_t n = 0;
    for (; *i < len && (is_digit(s[*i]) || s[*i] == '_'); (*i)++) {
        if (s[*i] != '_')
            n++;
    }
    return n;
}

bool cx_yaml_is_float(const char *s, size_t len)
{
    static const char *const special[] = {".nan",  ".NaN",  ".NAN",  ".inf",  ".Inf",  ".INF",
                                          "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"};
    if (text_in(s, len, special, COUNT(special)))
        return true;
    if (len == 0 || !(is_digit(s[0]) || s[0] == '+' || s[0] == '-' || s[0] == '.'))
        return false;
    size_t i = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    i = skip_underscores(s, len, i);
    if (i < len && s[i] == '.') {
        i++;
        if (scan_digits(s, len, &i) == 0)
            return false;
    } else {
        if (scan_digits(s, len, &i) == 0)
            return false;
        if (i < len && s[i] == '.') {
            i++;
            scan_digits(s, len, &i);
        }
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i = skip_underscores(s, len, i + 1);
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (scan_digits(s, len, &i) == 0)
            return false;
    }
    return i == len;
}

cx_plain_kind cx_plain_resolve(const char *s, size_t len)
{
    return surely_string(s, len) ? CX_PLAIN_STRING : cx_plain_resolve_each(s, len);
}

cx_plain_kind cx_plain_resolve_each(const char *s, size_t len)
{
    bool b;
    int64_t v;
    if (cx_yaml_is_null(s, len))
        return CX_PLAIN_NULL;
    if (cx_yaml_bool(s, len, &b))
        return CX_PLAIN_BOOL;
    if (cx_yaml_int(s, len, &v) != CX_INT_NONE)
        return CX_PLAIN_INT;
    if (cx_yaml_is_float(s, len))
        return CX_PLAIN_FLOAT;
    return CX_PLAIN_STRING;
}

/* ---- reading nodes ---- */

/* ---- the reference reader's resolution (PyYAML, YAML 1.1) ---- */

/* Matches chars of `set` (a string of allowed bytes) from *i on; returns how many. */
static size_t span(const char *s, size_t len, size_t *i, const char *set)
{
    size_t start = *i;
    while (*i < len && s[*i] && strchr(set, s[*i]))
        (*i)++;
    return *i - start;
}

#define DIGITS   "0123456789"
#define DIGITS_U "0123456789_"

/* (:[0-5]?[0-9])+ : the sexagesimal tail; at least one group. */
static bool sexagesimal_tail(const char *s, size_t len, size_t *i)
{
    size_t groups = 0;
    while (*i < len && s[*i] == ':') {
        size_t j = *i + 1;
        if (j + 1 < len && s[j] >= '0' && s[j] <= '5' && is_digit(s[j + 1]))
            j += 2;
        else if (j < len && is_digit(s[j]))
            j += 1;
        else
            return groups > 0;
        *i = j;
        groups++;
    }
    return groups > 0;
}

static bool ref_int(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i >= len)
        return false;
    size_t b = i;
    if (len - i > 2 && s[i] == '0' && s[i + 1] == 'b') {
        i += 2;
        return span(s, len, &i, "01_") > 0 && i == len;
    }
    if (len - i > 2 && s[i] == '0' && s[i + 1] == 'x') {
        i += 2;
        return span(s, len, &i, "0123456789abcdefABCDEF_") > 0 && i == len;
    }
    if (s[i] == '0') {
        i++;
        span(s, len, &i, "01234567_");
        return i == len;
    }
    if (s[i] < '1' || s[i] > '9')
        return false;
    i++;
    span(s, len, &i, DIGITS_U);
    if (i == len)
        return true;
    (void)b;
    return sexagesimal_tail(s, len, &i) && i == len;
}

/* ([eE][-+][0-9]+)? to the end */
static bool exponent_to_end(const char *s, size_t len, size_t i)
{
    if (i == len)
        return true;
    if ((s[i] != 'e' && s[i] != 'E') || i + 1 >= len || (s[i + 1] != '+' && s[i + 1] != '-'))
        return false;
    i += 2;
    return span(s, len, &i, DIGITS) > 0 && i == len;
}

static bool ref_float(const char *s, size_t len)
{
    static const char *const specials[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf", "+.INF",
                                           "-.inf", "-.Inf", "-.INF", ".nan",  ".NaN",  ".NAN"};
    if (text_in(s, len, specials, COUNT(specials)))
        return true;
    size_t i = 0;
    if (len && s[0] == '.') {
        i = 1;
        return span(s, len, &i, DIGITS_U) > 0 && exponent_to_end(s, len, i);
    }
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i >= len || !is_digit(s[i]))
        return false;
    span(s, len, &i, DIGITS_U);
    if (i < len && s[i] == ':') {
        if (!sexagesimal_tail(s, len, &i) || i >= len || s[i] != '.')
            return false;
        i++;
        span(s, len, &i, DIGITS_U);
        return i == len;
    }
    if (i >= len || s[i] != '.')
        return false;
    i++;
    span(s, len, &i, DIGITS_U);
    return exponent_to_end(s, len, i);
}

/* [0-9]{n} at *i */
static bool digits_n(const char *s, size_t len, size_t *i, size_t n)
{
    for (size_t k = 0; k < n; k++, (*i)++) {
        if (*i >= len || !is_digit(s[*i]))
            return false;
    }
    return true;
}

/* [0-9][0-9]? at *i */
static bool digits_1_2(const char *s, size_t len, size_t *i)
{
    if (!digits_n(s, len, i, 1))
        return false;
    if (*i < len && is_digit(s[*i]))
        (*i)++;
    return true;
}

static bool ref_timestamp(const char *s, size_t len)
{
    size_t i = 0;
    if (!digits_n(s, len, &i, 4) || i >= len || s[i++] != '-')
        return false;
    size_t after_year = i;
    if (digits_n(s, len, &i, 2) && i < len && s[i] == '-' && (i++, digits_n(s, len, &i, 2)) &&
        i == len)
        return true; /* 2001-12-14 */
    i = after_year;
    if (!digits_1_2(s, len, &i) || i >= len || s[i++] != '-' || !digits_1_2(s, len, &i))
        return false;
    if (i < len && (s[i] == 'T' || s[i] == 't'))
        i++;
    else if (span(s, len, &i, " \t") == 0)
        return false;
    if (!digits_1_2(s, len, &i) || i >= len || s[i++] != ':' || !digits_n(s, len, &i, 2) ||
        i >= len || s[i++] != ':' || !digits_n(s, len, &i, 2))
        return false;
    if (i < len && s[i] == '.') {
        i++;
        span(s, len, &i, DIGITS);
    }
    span(s, len, &i, " \t");
    if (i == len)
        return true;
    if (s[i] == 'Z')
        return i + 1 == len;
    if (s[i] != '+' && s[i] != '-')
        return false;
    i++;
    if (!digits_1_2(s, len, &i))
        return false;
    if (i < len && s[i] == ':') {
        i++;
        if (!digits_n(s, len, &i, 2))
            return false;
    }
    return i == len;
}

cx_ref_kind cx_ref_resolve(const char *s, size_t len)
{
    return surely_string(s, len) ? CX_REF_STRING : cx_ref_resolve_each(s, len);
}

cx_ref_kind cx_ref_resolve_each(const char *s, size_t len)
{
    bool b;
    if (cx_yaml_is_null(s, len))
        return CX_REF_NULL;
    if (text_is(s, len, "<<") || text_is(s, len, "="))
        return CX_REF_OTHER;
    if (len > 1 && cx_yaml_bool(s, len, &b))
        return CX_REF_BOOL; /* PyYAML's booleans are go-yaml's less y/Y/n/N */
    if (ref_int(s, len))
        return CX_REF_INT;
    if (ref_float(s, len))
        return CX_REF_FLOAT;
    if (ref_timestamp(s, len))
        return CX_REF_TIMESTAMP;
    return CX_REF_STRING;
}

bool cx_node_is_null(const cx_node *n)
{
    if (!n)
        return true;
    if (n->type != CX_NODE_SCALAR)
        return false;
    if (n->tag == CX_TAG_NULL)
        return true;
    return n->tag == CX_TAG_PLAIN && cx_yaml_is_null(n->u.str, n->len);
}

cx_read cx_read_string(const cx_node *n, const char **s, size_t *len)
{
    if (cx_node_is_null(n))
        return CX_READ_ABSENT;
    if (n->type != CX_NODE_SCALAR || (n->tag != CX_TAG_PLAIN && n->tag != CX_TAG_STR))
        return CX_READ_TYPE;
    /* A plain scalar is a string only when both readers say so: `name: 80` is the number
     * 80 to PyYAML and to kubectl, `fqdn: 2001-12-14` a date to PyYAML. */
    if (n->tag == CX_TAG_PLAIN && (cx_plain_resolve(n->u.str, n->len) != CX_PLAIN_STRING ||
                                   cx_ref_resolve(n->u.str, n->len) != CX_REF_STRING))
        return CX_READ_TYPE;
    *s = n->u.str;
    *len = n->len;
    return CX_READ_OK;
}

static cx_read int_in_range(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
    int64_t v;
    switch (cx_yaml_int(s, len, &v)) {
    case CX_INT_OK:
        if (v < min || v > max)
            return CX_READ_RANGE;
        *out = v;
        return CX_READ_OK;
    case CX_INT_OVERFLOW:
        return CX_READ_RANGE;
    default:
        return CX_READ_TYPE;
    }
}

cx_read cx_read_int(const cx_node *n, int64_t min, int64_t max, int64_t *out)
{
    if (cx_node_is_null(n))
        return CX_READ_ABSENT;
    if (n->type != CX_NODE_SCALAR || (n->tag != CX_TAG_PLAIN && n->tag != CX_TAG_INT))
        return CX_READ_TYPE;
    /* Both readers must see an integer (they agree on its value when they do): `0o120` is
     * a string to PyYAML, `1:20` (80) one to go-yaml. */
    if (n->tag == CX_TAG_PLAIN && cx_ref_resolve(n->u.str, n->len) != CX_REF_INT)
        return CX_READ_TYPE;
    return int_in_range(n->u.str, n->len, min, max, out);
}

cx_read cx_read_bool(const cx_node *n, bool *out)
{
    if (cx_node_is_null(n))
        return CX_READ_ABSENT;
    if (n->type != CX_NODE_SCALAR || (n->tag != CX_TAG_PLAIN && n->tag != CX_TAG_BOOL))
        return CX_READ_TYPE;
    /* `y` and `n` are booleans to go-yaml only. */
    if (n->tag == CX_TAG_PLAIN && cx_ref_resolve(n->u.str, n->len) != CX_REF_BOOL)
        return CX_READ_TYPE;
    return cx_yaml_bool(n->u.str, n->len, out) ? CX_READ_OK : CX_READ_TYPE;
}

static bool all_ascii_digits(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(s[i]))
            return false;
    }
    return true;
}

/* Decimal digits only (a digit string's leading zeros do not make it octal). */
static cx_read decimal_in_range(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return CX_READ_RANGE;
        v = v * 10 + d;
    }
    if (v > (uint64_t)INT64_MAX || (int64_t)v < min || (int64_t)v > max)
        return CX_READ_RANGE;
    *out = (int64_t)v;
    return CX_READ_OK;
}

cx_read cx_read_int_or_string(const cx_node *n, int64_t min, int64_t max, cx_int_or_string *out)
{
    memset(out, 0, sizeof *out);
    if (cx_node_is_null(n))
        return CX_READ_ABSENT;
    if (n->type != CX_NODE_SCALAR)
        return CX_READ_TYPE;
    switch (n->tag) {
    case CX_TAG_INT:
        return int_in_range(n->u.str, n->len, min, max, &out->num);
    case CX_TAG_PLAIN: {
        cx_ref_kind ref = cx_ref_resolve(n->u.str, n->len);
        bool go_int = cx_yaml_int(n->u.str, n->len, &out->num) != CX_INT_NONE;
        if (go_int && ref == CX_REF_INT)
            return int_in_range(n->u.str, n->len, min, max, &out->num);
        /* A name only when both readers see a string. */
        if (go_int || ref != CX_REF_STRING || cx_plain_resolve(n->u.str, n->len) != CX_PLAIN_STRING)
            return CX_READ_TYPE;
        break;
    }
    case CX_TAG_STR:
        if (all_ascii_digits(n->u.str, n->len))
            return decimal_in_range(n->u.str, n->len, min, max, &out->num);
        break;
    default:
        return CX_READ_TYPE;
    }
    out->is_string = true;
    out->str = n->u.str;
    out->len = n->len;
    return CX_READ_OK;
}

/* ---- descriptions ---- */

void cx_quote_bounded(cx_strbuf *b, const char *s, size_t len, size_t max)
{
    size_t cut = len;
    if (len > max) {
        cut = max;
        /* Back up to the start of a UTF-8 sequence. */
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    cx_strbuf_go_quote(b, s, cut);
    if (cut < len)
        cx_strbuf_puts(b, "...");
}

/* Number or boolean text as written: ASCII (see below), so a byte cut is a character cut. */
static void put_raw_bounded(cx_strbuf *b, const char *s, size_t len)
{
    if (len <= DESCRIBE_MAX) {
        cx_strbuf_append(b, s, len);
        return;
    }
    cx_strbuf_append(b, s, DESCRIBE_MAX);
    cx_strbuf_puts(b, "...");
}

/* cx_node_describe, or with `value` false only what type the node is. */
static void describe(cx_strbuf *b, const cx_node *n, bool value)
{
    if (!n) {
        cx_strbuf_puts(b, "nothing");
        return;
    }
    if (n->type == CX_NODE_MAP) {
        cx_strbuf_puts(b, "a map");
        return;
    }
    if (n->type == CX_NODE_SEQ) {
        cx_strbuf_puts(b, "a list");
        return;
    }
    cx_plain_kind k = CX_PLAIN_STRING;
    switch (n->tag) {
    case CX_TAG_PLAIN:
        k = cx_plain_resolve(n->u.str, n->len);
        break;
    case CX_TAG_STR:
        k = CX_PLAIN_STRING;
        break;
    case CX_TAG_INT:
        k = CX_PLAIN_INT;
        break;
    case CX_TAG_FLOAT:
        k = CX_PLAIN_FLOAT;
        break;
    case CX_TAG_BOOL:
        k = CX_PLAIN_BOOL;
        break;
    case CX_TAG_OTHER:
        cx_strbuf_puts(b, "a value with an unsupported tag");
        return;
    default:
        k = CX_PLAIN_NULL;
        break;
    }
    switch (k) {
    case CX_PLAIN_NULL:
        cx_strbuf_puts(b, "null");
        return;
    case CX_PLAIN_BOOL:
        cx_strbuf_puts(b, value ? "a boolean " : "a boolean");
        break;
    case CX_PLAIN_INT:
        cx_strbuf_puts(b, value ? "an integer " : "an integer");
        break;
    case CX_PLAIN_FLOAT:
        cx_strbuf_puts(b, value ? "a number " : "a number");
        break;
    default:
        cx_strbuf_puts(b, value ? "a string " : "a string");
        if (value)
            cx_quote_bounded(b, n->u.str, n->len, DESCRIBE_MAX);
        return;
    }
    if (!value)
        return;
    /* Tagged scalars may hold any text (`!!int foo`): quote unless it is plain number text. */
    bool plain_text = true;
    for (uint32_t i = 0; i < n->len; i++) {
        char c = n->u.str[i];
        if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
              c == '-' || c == '.' || c == '_'))
            plain_text = false;
    }
    if (plain_text && n->len)
        put_raw_bounded(b, n->u.str, n->len);
    else
        cx_quote_bounded(b, n->u.str, n->len, DESCRIBE_MAX);
}

void cx_node_describe(cx_strbuf *b, const cx_node *n)
{
    describe(b, n, true);
}

void cx_node_describe_type(cx_strbuf *b, const cx_node *n)
{
    describe(b, n, false);
}
