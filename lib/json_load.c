/*
 * The JSON producer: a streaming RFC 8259 reader feeding a cx_builder, so a List of
 * 100,000 objects is never one tree (json-c would build it whole, without positions).
 *
 * One pass over the bytes, no recursion: the kinds of the open containers are a bit
 * stack on the heap, so any nesting depth costs one bit per level (the builder enforces
 * the depth limit and skips what is too deep; lexing goes on to find where the value
 * ends). Strings without escapes are handed to the builder in place; strings with escapes
 * are decoded into a scratch buffer that never grows past the scalar limit (+ slack): a
 * longer string is handed over truncated with its true length, which the builder rejects
 * without reading (see cx_builder_scalar in tree.h).
 *
 * Positions are 1-based lines and columns in code points. Outside strings only ASCII is
 * valid and strings cannot span lines, so a column is the byte offset in the line minus
 * the UTF-8 continuation bytes of the strings before it on that line.
 *
 * Several values separated by whitespace are several documents (as Go's json.Decoder
 * reads a stream; no whitespace is needed where the values cannot run together, e.g.
 * `{}{}`). JSON cannot be resynchronised: the first syntax error drops the value it is
 * in and ends the input; values completed before it stay loaded.
 */
#include "load.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SCRATCH_SLACK 8

typedef struct json_reader {
    const cx_load_ctx *ctx;
    cx_builder *b;
    const unsigned char *start, *p, *end;
    const unsigned char *line_start;
    uint64_t line;    /* 1-based */
    size_t line_cont; /* UTF-8 continuation bytes between line_start and p */
    uint64_t scalar_limit;

    /* Kinds of the open containers: bit set = object. */
    uint64_t *kinds;
    size_t kinds_cap; /* words */
    size_t depth;

    /* Decoded strings: at most scratch_max bytes are stored; `scratch_len` is the true
     * length. */
    char *scratch;
    size_t scratch_cap;
    size_t scratch_len;
    size_t scratch_max;

    cx_rc rc;    /* CX_RC_NOMEM or CX_RC_STOP once the input must end */
    bool failed; /* a syntax error was reported */
} json_reader;

/* Bytes that end the fast scan of a string body: '"', '\\', controls and non-ASCII. */
static const unsigned char string_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x70 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x80 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x90 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xA0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xB0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xC0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xD0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xE0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xF0 */
};

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Whether any of 8 bytes is special (a superset test: exact position found bytewise). */
static inline bool word_special(uint64_t x)
{
    uint64_t lt = (x - ONES * 0x20) & ~x; /* some byte < 0x20 */
    uint64_t q = x ^ (ONES * '"');
    uint64_t bs = x ^ (ONES * '\\');
    uint64_t eq = ((q - ONES) & ~q) | ((bs - ONES) & ~bs); /* some byte == '"' or '\\' */
    return ((lt | eq | x) & HIGHS) != 0;                   /* x: some byte >= 0x80 */
}

/* ---- positions and errors ---- */

static uint32_t sat32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Position of `at` on the current line; `cont` = continuation bytes between line_start
 * and `at` that line_cont does not count yet (inside the string being scanned). */
static cx_pos pos_at(const json_reader *j, const unsigned char *at, size_t cont)
{
    uint64_t col = (uint64_t)(at - j->line_start) - j->line_cont - cont + 1;
    cx_pos pos = {sat32(j->line), sat32(col)};
    return pos;
}

static void fail(json_reader *j, const char *code, cx_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(json_reader *j, const char *code, cx_pos pos, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    j->failed = true;
    if (cx_builder_fail(j->b, code, pos, msg) != CX_RC_OK)
        j->rc = CX_RC_NOMEM;
}

/* Whether messages may show the input's characters: only once it has shown itself to be a
 * Kubernetes manifest (docs/decisions.md, "Quoting input"). */
static bool may_quote(const json_reader *j)
{
    return cx_builder_manifest_seen(j->b);
}

/* Describes the character at `at` for a message (valid UTF-8 in all cases). */
static void describe_char(const json_reader *j, const unsigned char *at, char *out, size_t size)
{
    unsigned char c = *at;
    if (!may_quote(j)) {
        snprintf(out, size, "a character");
        return;
    }
    uint32_t cp = c;
    if (c >= 0x80 && !cx_utf8_decode(at, (size_t)(j->end - at), &cp))
        cp = 0xFFFD;
    if (cp > 0x20 && cp < 0x7F && cp != '\'')
        snprintf(out, size, "'%c'", (char)cp);
    else
        snprintf(out, size, "U+%04X", (unsigned)cp);
}

/* The byte at `at` (outside a string) is not what the grammar wants here. */
static void unexpected(json_reader *j, const unsigned char *at, const char *expected)
{
    cx_pos pos = pos_at(j, at, 0);
    if (at >= j->end) {
        fail(j, "json-syntax", pos, "unexpected end of input, %s", expected);
        return;
    }
    uint32_t cp;
    if (*at == 0) {
        fail(j, "nul-byte", pos, "a NUL byte is not allowed in JSON");
    } else if (*at >= 0x80 && !cx_utf8_decode(at, (size_t)(j->end - at), &cp)) {
        fail(j, "invalid-utf8", pos, may_quote(j) ? "invalid UTF-8 (byte 0x%02X)" : "invalid UTF-8",
             (unsigned)*at);
    } else {
        char what[16];
        describe_char(j, at, what, sizeof what);
        fail(j, "json-syntax", pos, "%s, found %s", expected, what);
    }
}

/* ---- container kinds ---- */

static bool push_kind(json_reader *j, bool object)
{
    size_t word = j->depth / 64;
    if (word >= j->kinds_cap) {
        size_t cap = j->kinds_cap ? j->kinds_cap * 2 : 4;
        size_t bytes;
        if (!cx_size_mul(cap, sizeof *j->kinds, &bytes))
            return false;
        uint64_t *k = cx_realloc(j->ctx->alloc, j->kinds, bytes);
        if (!k)
            return false;
        j->kinds = k;
        j->kinds_cap = cap;
    }
    uint64_t bit = (uint64_t)1 << (j->depth % 64);
    if (object)
        j->kinds[word] |= bit;
    else
        j->kinds[word] &= ~bit;
    j->depth++;
    return true;
}

static bool top_is_object(const json_reader *j)
{
    size_t d = j->depth - 1;
    return (j->kinds[d / 64] >> (d % 64)) & 1;
}

/* ---- lexing ---- */

static void skip_ws(json_reader *j)
{
    const unsigned char *p = j->p, *end = j->end;
    while (p < end) {
        unsigned char c = *p;
        if (c == ' ' || c == '\t') {
            p++;
        } else if (c == '\n' || c == '\r') {
            p++;
            if (c == '\r' && p < end && *p == '\n')
                p++;
            j->line++;
            j->line_start = p;
            j->line_cont = 0;
        } else {
            break;
        }
    }
    j->p = p;
}

/* Appends decoded bytes to the scratch buffer, storing at most scratch_max of them. */
static bool scratch_add(json_reader *j, const void *src, size_t n)
{
    size_t room = j->scratch_len < j->scratch_max ? j->scratch_max - j->scratch_len : 0;
    size_t keep = n < room ? n : room;
    if (keep) {
        size_t need = j->scratch_len + keep;
        if (need > j->scratch_cap) {
            size_t cap = j->scratch_cap ? j->scratch_cap : 256;
            while (cap < need)
                cap = cap > SIZE_MAX / 2 ? need : cap * 2;
            if (cap > j->scratch_max)
                cap = j->scratch_max;
            char *s = cx_realloc(j->ctx->alloc, j->scratch, cap);
            if (!s)
                return false;
            j->scratch = s;
            j->scratch_cap = cap;
        }
        memcpy(j->scratch + j->scratch_len, src, keep);
    }
    j->scratch_len += n;
    return true;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads 4 hex digits after "\u" at q; -1 when they are not there. */
static long hex4(const json_reader *j, const unsigned char *q)
{
    if (j->end - q < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value(q[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/*
 * Scans a string whose opening quote is at j->p. On success *text and *len are the string
 * (in the input, or in the scratch buffer when it had escapes; *len is the true length
 * even if the scratch buffer holds less) and j->p is past the closing quote.
 */
static bool scan_string(json_reader *j, const char **text, size_t *len)
{
    const unsigned char *open = j->p;
    const unsigned char *q = open + 1, *end = j->end;
    const unsigned char *seg = q; /* start of the bytes not yet copied to scratch */
    size_t cont = 0;              /* continuation bytes in this string so far */
    bool escaped = false;
    for (;;) {
        while (end - q >= 8) {
            uint64_t x;
            memcpy(&x, q, 8);
            if (word_special(x))
                break;
            q += 8;
        }
        while (q < end && !string_special[*q])
            q++;
        if (q >= end) {
            fail(j, "json-syntax", pos_at(j, end, cont),
                 "unexpected end of input in a string (opened at line %u, column %u)",
                 (unsigned)pos_at(j, open, 0).line, (unsigned)pos_at(j, open, 0).col);
            return false;
        }
        unsigned char c = *q;
        if (c == '"')
            break;
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = cx_utf8_decode(q, (size_t)(end - q), &cp);
            if (!n) {
                fail(j, "invalid-utf8", pos_at(j, q, cont),
                     may_quote(j) ? "invalid UTF-8 (byte 0x%02X)" : "invalid UTF-8", (unsigned)c);
                return false;
            }
            q += n;
            cont += n - 1;
            continue;
        }
        if (c != '\\') {
            if (c == 0)
                fail(j, "nul-byte", pos_at(j, q, cont), "a NUL byte is not allowed in JSON");
            else
                fail(j, "json-syntax", pos_at(j, q, cont),
                     may_quote(j) ? "control character U+%04X in a string must be escaped"
                                  : "a control character in a string must be escaped",
                     (unsigned)c);
            return false;
        }
        /* A backslash: from here on the string is decoded into the scratch buffer. */
        if (!escaped) {
            escaped = true;
            j->scratch_len = 0;
        }
        if (!scratch_add(j, seg, (size_t)(q - seg)))
            goto nomem;
        const unsigned char *esc = q;
        if (end - q < 2) {
            fail(j, "json-syntax", pos_at(j, end, cont),
                 "unexpected end of input in a string (opened at line %u, column %u)",
                 (unsigned)pos_at(j, open, 0).line, (unsigned)pos_at(j, open, 0).col);
            return false;
        }
        char one;
        switch (q[1]) {
        case '"':
            one = '"';
            break;
        case '\\':
            one = '\\';
            break;
        case '/':
            one = '/';
            break;
        case 'b':
            one = '\b';
            break;
        case 'f':
            one = '\f';
            break;
        case 'n':
            one = '\n';
            break;
        case 'r':
            one = '\r';
            break;
        case 't':
            one = '\t';
            break;
        case 'u': {
            long u = hex4(j, q + 2);
            if (u < 0) {
                fail(j, "json-syntax", pos_at(j, esc, cont),
                     "invalid \\u escape: expected 4 hexadecimal digits");
                return false;
            }
            uint32_t cp = (uint32_t)u;
            q += 6;
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                fail(j, "json-syntax", pos_at(j, esc, cont),
                     "lone UTF-16 surrogate \\u%04X in a string", (unsigned)cp);
                return false;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                long lo = end - q >= 2 && q[0] == '\\' && q[1] == 'u' ? hex4(j, q + 2) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    fail(j, "json-syntax", pos_at(j, esc, cont),
                         "lone UTF-16 surrogate \\u%04X in a string", (unsigned)cp);
                    return false;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                q += 6;
            }
            char buf[4];
            size_t n = cx_utf8_encode(cp, buf);
            if (!scratch_add(j, buf, n))
                goto nomem;
            seg = q;
            continue;
        }
        default: {
            char what[16];
            describe_char(j, q + 1, what, sizeof what);
            fail(j, "json-syntax", pos_at(j, esc, cont), "invalid escape sequence: '\\' then %s",
                 what);
            return false;
        }
        }
        if (!scratch_add(j, &one, 1))
            goto nomem;
        q += 2;
        seg = q;
    }
    /* q is at the closing quote. */
    if (escaped) {
        if (!scratch_add(j, seg, (size_t)(q - seg)))
            goto nomem;
        *text = j->scratch ? j->scratch : "";
        *len = j->scratch_len;
    } else {
        *text = (const char *)open + 1;
        *len = (size_t)(q - open - 1);
    }
    j->line_cont += cont;
    j->p = q + 1;
    return true;
nomem:
    j->rc = CX_RC_NOMEM;
    return false;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Scans a number at j->p (which is '-' or a digit). */
static bool scan_number(json_reader *j, bool *is_float)
{
    const unsigned char *s = j->p, *q = s, *end = j->end;
    *is_float = false;
    if (*q == '-')
        q++;
    if (q >= end || !is_digit(*q)) {
        unexpected(j, q, "expected a digit after '-'");
        return false;
    }
    if (*q == '0') {
        q++;
        if (q < end && is_digit(*q)) {
            fail(j, "json-syntax", pos_at(j, s, 0), "a number cannot have leading zeros");
            return false;
        }
    } else {
        while (q < end && is_digit(*q))
            q++;
    }
    if (q < end && *q == '.') {
        q++;
        if (q >= end || !is_digit(*q)) {
            unexpected(j, q, "expected a digit after '.'");
            return false;
        }
        while (q < end && is_digit(*q))
            q++;
        *is_float = true;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < end && (*q == '+' || *q == '-'))
            q++;
        if (q >= end || !is_digit(*q)) {
            unexpected(j, q, "expected a digit in the exponent");
            return false;
        }
        while (q < end && is_digit(*q))
            q++;
        *is_float = true;
    }
    j->p = q;
    return true;
}

/* ---- the grammar ---- */

#define CALL(expr)                                                                                 \
    do {                                                                                           \
        cx_rc rc_ = (expr);                                                                        \
        if (rc_ != CX_RC_OK) {                                                                     \
            j->rc = rc_;                                                                           \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* Reads one top-level value as a document; returns with j->failed or j->rc set on error. */
static void read_value(json_reader *j)
{
    cx_builder *b = j->b;
    size_t base = j->depth;
    const unsigned char *comma = NULL; /* the last ',' read, for trailing-comma errors */

value:
    skip_ws(j);
    if (j->p >= j->end) {
        unexpected(j, j->p, "expected a value");
        return;
    }
    switch (*j->p) {
    case '{': {
        cx_pos pos = pos_at(j, j->p, 0);
        if (!push_kind(j, true)) {
            j->rc = CX_RC_NOMEM;
            return;
        }
        CALL(cx_builder_begin_map(b, pos, NULL, 0));
        j->p++;
        comma = NULL;
        skip_ws(j);
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            j->depth--;
            CALL(cx_builder_end_map(b));
            goto after_value;
        }
        goto key;
    }
    case '[': {
        cx_pos pos = pos_at(j, j->p, 0);
        if (!push_kind(j, false)) {
            j->rc = CX_RC_NOMEM;
            return;
        }
        CALL(cx_builder_begin_seq(b, pos, NULL, 0));
        j->p++;
        comma = NULL;
        skip_ws(j);
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            j->depth--;
            CALL(cx_builder_end_seq(b));
            goto after_value;
        }
        if (j->p >= j->end) {
            unexpected(j, j->p, "expected a value or ']'");
            return;
        }
        goto value;
    }
    case '"': {
        cx_pos pos = pos_at(j, j->p, 0);
        const char *text;
        size_t len;
        if (!scan_string(j, &text, &len))
            return;
        CALL(cx_builder_scalar(b, pos, CX_TAG_STR, text, len, NULL, 0));
        goto after_value;
    }
    case 't':
    case 'f':
    case 'n': {
        const char *word = *j->p == 't' ? "true" : *j->p == 'f' ? "false" : "null";
        size_t n = strlen(word);
        if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0) {
            const unsigned char *q = j->p + 1;
            while (q < j->end && (size_t)(q - j->p) < n && *q == (unsigned char)word[q - j->p])
                q++;
            char expected[32];
            snprintf(expected, sizeof expected, "expected '%s'", word);
            unexpected(j, q, expected);
            return;
        }
        cx_pos pos = pos_at(j, j->p, 0);
        cx_scalar_tag tag = *j->p == 'n' ? CX_TAG_NULL : CX_TAG_BOOL;
        j->p += n;
        CALL(cx_builder_scalar(b, pos, tag, word, n, NULL, 0));
        goto after_value;
    }
    default:
        if (*j->p == '-' || is_digit(*j->p)) {
            cx_pos pos = pos_at(j, j->p, 0);
            const unsigned char *s = j->p;
            bool is_float;
            if (!scan_number(j, &is_float))
                return;
            CALL(cx_builder_scalar(b, pos, is_float ? CX_TAG_FLOAT : CX_TAG_INT, (const char *)s,
                                   (size_t)(j->p - s), NULL, 0));
            goto after_value;
        }
        if (comma && *j->p == ']') {
            fail(j, "json-syntax", pos_at(j, comma, 0), "trailing comma before ']'");
            return;
        }
        unexpected(j, j->p, "expected a value");
        return;
    }

key:
    /* j->p is at a non-blank after '{' or ','. */
    if (j->p < j->end && *j->p == '"') {
        cx_pos pos = pos_at(j, j->p, 0);
        const char *text;
        size_t len;
        if (!scan_string(j, &text, &len))
            return;
        CALL(cx_builder_scalar(b, pos, CX_TAG_STR, text, len, NULL, 0));
        skip_ws(j);
        if (j->p >= j->end || *j->p != ':') {
            unexpected(j, j->p, "expected ':' after object key");
            return;
        }
        j->p++;
        comma = NULL;
        goto value;
    }
    if (comma && j->p < j->end && *j->p == '}') {
        fail(j, "json-syntax", pos_at(j, comma, 0), "trailing comma before '}'");
        return;
    }
    unexpected(j, j->p, comma ? "expected a string key after ','" : "expected a string key or '}'");
    return;

after_value:
    if (j->depth == base)
        return;
    skip_ws(j);
    comma = NULL;
    if (top_is_object(j)) {
        if (j->p < j->end && *j->p == ',') {
            comma = j->p++;
            skip_ws(j);
            goto key;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            j->depth--;
            CALL(cx_builder_end_map(b));
            goto after_value;
        }
        unexpected(j, j->p, "expected ',' or '}' after object member");
        return;
    }
    if (j->p < j->end && *j->p == ',') {
        comma = j->p++;
        goto value;
    }
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        j->depth--;
        CALL(cx_builder_end_seq(b));
        goto after_value;
    }
    unexpected(j, j->p, "expected ',' or ']' after array element");
}

#undef CALL

/* Whether c can start a JSON value. */
static bool starts_value(unsigned char c)
{
    return c == '{' || c == '[' || c == '"' || c == '-' || is_digit(c) || c == 't' || c == 'f' ||
           c == 'n';
}

static cx_rc parse(const cx_load_ctx *ctx, const char *data, size_t len, bool whole)
{
    cx_builder *b = cx_builder_new(ctx->alloc, ctx->limits, ctx->file, ctx->sink, ctx->handler);
    if (!b)
        return CX_RC_NOMEM;
    if (whole)
        cx_builder_set_whole(b);
    json_reader j;
    memset(&j, 0, sizeof j);
    j.ctx = ctx;
    j.b = b;
    if (!data)
        data = ""; /* (NULL, 0): no arithmetic on a null pointer */
    j.start = (const unsigned char *)data;
    j.p = j.start;
    j.end = j.start + len;
    j.line_start = j.start;
    j.line = 1;
    j.scalar_limit = ctx->limits->v[CONTOUR_LIMIT_SCALAR_BYTES];
    j.scratch_max = j.scalar_limit > SIZE_MAX - SCRATCH_SLACK
                        ? SIZE_MAX
                        : (size_t)j.scalar_limit + SCRATCH_SLACK;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        j.p += 3;
        j.line_start = j.p;
    }

    for (;;) {
        skip_ws(&j);
        if (j.p >= j.end)
            break;
        if (!starts_value(*j.p)) {
            /* Not a value: report it without opening a document. */
            unexpected(&j, j.p, "expected a value");
            break;
        }
        cx_rc rc = cx_builder_begin_document(b, pos_at(&j, j.p, 0));
        if (rc != CX_RC_OK) {
            j.rc = rc;
            break;
        }
        j.depth = 0;
        read_value(&j);
        if (j.rc != CX_RC_OK || j.failed)
            break;
        rc = cx_builder_end_document(b);
        if (rc != CX_RC_OK) {
            j.rc = rc;
            break;
        }
    }
    cx_rc result = CX_RC_OK;
    if (j.rc == CX_RC_NOMEM)
        result = CX_RC_NOMEM;
    else if (cx_builder_abandon_document(b) == CX_RC_NOMEM) /* after an error or a stop */
        result = CX_RC_NOMEM;
    cx_free(ctx->alloc, j.kinds);
    cx_free(ctx->alloc, j.scratch);
    cx_builder_free(b);
    return result;
}

cx_rc cx_json_parse(const cx_load_ctx *ctx, const char *data, size_t len)
{
    return parse(ctx, data, len, false);
}

cx_rc cx_json_parse_whole(const cx_load_ctx *ctx, const char *data, size_t len)
{
    return parse(ctx, data, len, true);
}

/* ---- byte spans of values already read ---- */

size_t cx_json_offset(const char *data, size_t len, cx_pos pos)
{
    if (!data)
        return len;
    const unsigned char *p = (const unsigned char *)data, *end = p + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* line 1 starts after the byte-order mark, as in cx_json_parse() */
    if (pos.line == 0 || pos.col == 0)
        return len;
    /* Line breaks are \n, \r and \r\n, as skip_ws() counts them; in valid JSON they occur
     * only between tokens (strings cannot hold raw control characters). */
    for (uint32_t line = 1; line < pos.line; line++) {
        while (p < end && *p != '\n' && *p != '\r')
            p++;
        if (p >= end)
            return len;
        if (*p == '\r' && p + 1 < end && p[1] == '\n')
            p++;
        p++;
    }
    /* Columns count code points: every byte but UTF-8 continuation bytes. */
    for (uint32_t col = 1; col < pos.col; col++) {
        if (p >= end)
            return len;
        p++;
        while (p < end && (*p & 0xC0) == 0x80)
            p++;
    }
    return p < end ? (size_t)(p - (const unsigned char *)data) : len;
}

/* The offset just past the string whose opening quote is at `open`: memchr to each quote,
 * which ends the string unless an odd run of backslashes precedes it. Each backslash is
 * counted once (it precedes one quote at most), so this is linear. */
static size_t string_end(const unsigned char *s, size_t len, size_t open)
{
    size_t i = open + 1;
    for (;;) {
        const unsigned char *q = memchr(s + i, '"', len - i);
        if (!q)
            return len;
        size_t at = (size_t)(q - s), k = at;
        while (k > open + 1 && s[k - 1] == '\\')
            k--;
        if ((at - k) % 2 == 0)
            return at + 1;
        i = at + 1;
    }
}

size_t cx_json_value_end(const char *data, size_t len, size_t start)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t i = start;
    if (i >= len)
        return len;
    if (s[i] == '"')
        return string_end(s, len, i);
    if (s[i] != '{' && s[i] != '[') {
        /* A number or a literal: ends at the first byte that cannot continue it. */
        while (i < len && (is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-' ||
                           s[i] == '+' || s[i] == '.' || s[i] == 'E'))
            i++;
        return i;
    }
    /* A container: a counter suffices, the text is known to be balanced. */
    size_t depth = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c == '"') {
            i = string_end(s, len, i);
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
        }
        i++;
    }
    return len;
}
