/* Escaping (escape.h): one table of what is escaped and how, for every output. */
#include "escape.h"
#include "utf8.h"

#include "contour/common.h"

#include <string.h>

static const char hexdigits[] = "0123456789abcdef";

static size_t put_hex(char *out, const char *prefix, uint32_t v, int digits)
{
    size_t n = 0;
    for (const char *p = prefix; *p; p++)
        out[n++] = *p;
    for (int i = digits - 1; i >= 0; i--)
        out[n++] = hexdigits[(v >> (4 * i)) & 0xF];
    return n;
}

/* The letter of a one-letter escape (\n, \"), or 0. JSON has no \a and \v. */
static char letter_escape(uint32_t cp, bool json)
{
    switch (cp) {
    case '"':
        return '"';
    case '\\':
        return '\\';
    case '\a':
        return json ? 0 : 'a';
    case '\b':
        return 'b';
    case '\f':
        return 'f';
    case '\n':
        return 'n';
    case '\r':
        return 'r';
    case '\t':
        return 't';
    case '\v':
        return json ? 0 : 'v';
    }
    return 0;
}

/* Go's escape of one rune (strconv.Quote), or of a stray byte when `stray`. */
static size_t go_escape(char *out, uint32_t cp, bool stray)
{
    char letter = stray ? 0 : letter_escape(cp, false);
    if (letter) {
        out[0] = '\\';
        out[1] = letter;
        return 2;
    }
    if (stray || cp < 0x80)
        return put_hex(out, "\\x", cp, 2);
    if (cp < 0x10000)
        return put_hex(out, "\\u", cp, 4);
    return put_hex(out, "\\U", cp, 8);
}

/* JSON's escape of one code point; a stray byte cannot be carried and becomes U+FFFD. */
static size_t json_escape(char *out, uint32_t cp, bool stray)
{
    if (stray)
        return put_hex(out, "\\u", 0xFFFD, 4);
    char letter = letter_escape(cp, true);
    if (letter) {
        out[0] = '\\';
        out[1] = letter;
        return 2;
    }
    if (cp < 0x10000)
        return put_hex(out, "\\u", cp, 4);
    uint32_t v = cp - 0x10000;
    size_t n = put_hex(out, "\\u", 0xD800 + (v >> 10), 4);
    return n + put_hex(out + n, "\\u", 0xDC00 + (v & 0x3FF), 4);
}

void cx_esc_next(const char *s, size_t len, size_t i, cx_esc_style style, cx_esc_piece *p)
{
    const unsigned char *u = (const unsigned char *)s;
    bool quotes = style != CX_ESC_TEXT; /* '"' and '\' are escaped inside literals */
    size_t j = i;
    while (j < len) {
        unsigned char c = u[j];
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F || (quotes && (c == '"' || c == '\\')))
                break;
            j++;
            continue;
        }
        uint32_t cp;
        size_t n = cx_utf8_decode(u + j, len - j, &cp);
        if (!n || !cx_rune_is_print(cp))
            break;
        j += n;
    }
    if (j > i) {
        p->text = s + i;
        p->len = p->consumed = j - i;
        p->escaped = false;
        return;
    }

    uint32_t cp = u[i];
    size_t n = 1;
    bool stray = false;
    if (cp >= 0x80) {
        n = cx_utf8_decode(u + i, len - i, &cp);
        if (!n) {
            n = 1;
            cp = u[i];
            stray = true;
        }
    }
    p->consumed = n;
    p->escaped = true;
    p->text = p->buf;
    p->len = style == CX_ESC_JSON ? json_escape(p->buf, cp, stray) : go_escape(p->buf, cp, stray);
}

void cx_esc_append(cx_strbuf *b, const char *s, size_t len, cx_esc_style style)
{
    cx_esc_piece p;
    for (size_t i = 0; i < len; i += p.consumed) {
        cx_esc_next(s, len, i, style, &p);
        cx_strbuf_append(b, p.text, p.len);
    }
}

void cx_strbuf_go_quote(cx_strbuf *b, const char *s, size_t len)
{
    cx_strbuf_reserve_hint(b, len + 2);
    cx_strbuf_putc(b, '"');
    cx_esc_append(b, s, len, CX_ESC_GO);
    cx_strbuf_putc(b, '"');
}

void cx_strbuf_json_string(cx_strbuf *b, const char *s, size_t len)
{
    cx_strbuf_reserve_hint(b, len + 2);
    cx_strbuf_putc(b, '"');
    cx_esc_append(b, s, len, CX_ESC_JSON);
    cx_strbuf_putc(b, '"');
}

bool cx_esc_name_is_plain(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '*';
        if (!ok)
            return false;
    }
    return true;
}

bool cx_esc_token_is_plain(const char *s, size_t len)
{
    if (len == 0)
        return false;
    cx_esc_piece p;
    cx_esc_next(s, len, 0, CX_ESC_GO, &p);
    if (p.escaped || p.consumed != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ' ')
            return false;
    return true;
}

/* s as it is when `plain` says so, else Go-quoted. */
static void put_plain_or_quoted(cx_strbuf *b, const char *s, bool (*plain)(const char *, size_t))
{
    size_t len = s ? strlen(s) : 0;
    if (plain(s, len))
        cx_strbuf_append(b, s, len);
    else
        cx_strbuf_go_quote(b, s ? s : "", len);
}

void cx_esc_put_name(cx_strbuf *b, const char *s)
{
    put_plain_or_quoted(b, s, cx_esc_name_is_plain);
}

void cx_esc_put_token(cx_strbuf *b, const char *s)
{
    put_plain_or_quoted(b, s, cx_esc_token_is_plain);
}

void cx_esc_put_ref(cx_strbuf *b, const char *ns, const char *name)
{
    if (ns) {
        cx_esc_put_name(b, ns);
        cx_strbuf_putc(b, '/');
    }
    cx_esc_put_name(b, name);
}

/* ---- the public function ---- */

/* Writes into a caller's fixed buffer and counts what did not fit, as snprintf does. */
typedef struct fixed_sink {
    char *dst;
    size_t size;
    size_t len; /* the whole output's length so far */
} fixed_sink;

static void sink_put(fixed_sink *k, const char *s, size_t n)
{
    if (k->size > 0 && k->len < k->size - 1) {
        size_t room = k->size - 1 - k->len;
        memcpy(k->dst + k->len, s, n < room ? n : room);
    }
    k->len += n; /* cannot wrap: at most 12 bytes out per byte in, len < SIZE_MAX / 16 */
}

static void sink_escaped(fixed_sink *k, const char *s, size_t len, cx_esc_style style)
{
    cx_esc_piece p;
    for (size_t i = 0; i < len; i += p.consumed) {
        cx_esc_next(s, len, i, style, &p);
        sink_put(k, p.text, p.len);
    }
}

size_t contour_escape(char *dst, size_t size, const char *s, size_t len, contour_escape_style style)
{
    fixed_sink k = {dst, dst ? size : 0, 0};
    if (!s || len > SIZE_MAX / 16)
        len = 0;
    if (style == CONTOUR_ESCAPE_TEXT) {
        sink_escaped(&k, s, len, CX_ESC_TEXT);
    } else if (style == CONTOUR_ESCAPE_NAME && cx_esc_name_is_plain(s, len)) {
        sink_put(&k, s, len);
    } else {
        cx_esc_style inner = style == CONTOUR_ESCAPE_JSON ? CX_ESC_JSON : CX_ESC_GO;
        sink_put(&k, "\"", 1);
        sink_escaped(&k, s, len, inner);
        sink_put(&k, "\"", 1);
    }
    if (k.size > 0)
        k.dst[k.len < k.size ? k.len : k.size - 1] = '\0';
    return k.len;
}
