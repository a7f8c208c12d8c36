#include "strbuf.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

void cx_strbuf_init(cx_strbuf *b, const cx_alloc *alloc)
{
    b->alloc = alloc;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->oom = false;
}

void cx_strbuf_release(cx_strbuf *b)
{
    cx_free(b->alloc, b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

bool cx_strbuf_reserve(cx_strbuf *b, size_t extra)
{
    if (b->oom)
        return false;
    size_t need;
    /* +1 for the NUL terminator. */
    if (!cx_size_add(b->len, extra, &need) || !cx_size_add(need, 1, &need)) {
        b->oom = true;
        return false;
    }
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (!cx_size_mul(cap, 2, &cap)) {
            b->oom = true;
            return false;
        }
    }
    char *p = cx_realloc(b->alloc, b->data, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void cx_strbuf_append(cx_strbuf *b, const char *s, size_t len)
{
    if (!cx_strbuf_reserve(b, len))
        return;
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void cx_strbuf_puts(cx_strbuf *b, const char *s)
{
    cx_strbuf_append(b, s, strlen(s));
}

void cx_strbuf_putc(cx_strbuf *b, char c)
{
    if (b->len + 1 < b->cap && !b->oom) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    cx_strbuf_append(b, &c, 1);
}

void cx_strbuf_vprintf(cx_strbuf *b, const char *fmt, va_list ap)
{
    if (b->oom)
        return;
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        cx_strbuf_append(b, small, (size_t)n);
        return;
    }
    if (!cx_strbuf_reserve(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void cx_strbuf_printf(cx_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cx_strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

void cx_strbuf_put_u64(cx_strbuf *b, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    cx_strbuf_append(b, tmp + i, sizeof tmp - i);
}

void cx_strbuf_put_i64(cx_strbuf *b, int64_t v)
{
    if (v < 0) {
        cx_strbuf_putc(b, '-');
        cx_strbuf_put_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        cx_strbuf_put_u64(b, (uint64_t)v);
    }
}

static const char hexdigits[] = "0123456789abcdef";

static void put_hex(cx_strbuf *b, const char *prefix, uint32_t v, int digits)
{
    char tmp[16];
    size_t n = 0;
    for (const char *p = prefix; *p; p++)
        tmp[n++] = *p;
    for (int i = digits - 1; i >= 0; i--)
        tmp[n++] = hexdigits[(v >> (4 * i)) & 0xF];
    cx_strbuf_append(b, tmp, n);
}

void cx_strbuf_go_quote(cx_strbuf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    cx_strbuf_reserve(b, len + 2);
    cx_strbuf_putc(b, '"');
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            size_t start = i;
            while (i < len && p[i] >= 0x20 && p[i] < 0x7F && p[i] != '"' && p[i] != '\\')
                i++;
            cx_strbuf_append(b, s + start, i - start);
            continue;
        }
        if (c < 0x80) {
            switch (c) {
            case '"':
                cx_strbuf_append(b, "\\\"", 2);
                break;
            case '\\':
                cx_strbuf_append(b, "\\\\", 2);
                break;
            case '\a':
                cx_strbuf_append(b, "\\a", 2);
                break;
            case '\b':
                cx_strbuf_append(b, "\\b", 2);
                break;
            case '\f':
                cx_strbuf_append(b, "\\f", 2);
                break;
            case '\n':
                cx_strbuf_append(b, "\\n", 2);
                break;
            case '\r':
                cx_strbuf_append(b, "\\r", 2);
                break;
            case '\t':
                cx_strbuf_append(b, "\\t", 2);
                break;
            case '\v':
                cx_strbuf_append(b, "\\v", 2);
                break;
            default:
                put_hex(b, "\\x", c, 2);
                break;
            }
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = cx_utf8_decode(p + i, len - i, &cp);
        if (!n) {
            put_hex(b, "\\x", c, 2);
            i++;
            continue;
        }
        if (cx_rune_is_print(cp))
            cx_strbuf_append(b, s + i, n);
        else if (cp < 0x10000)
            put_hex(b, "\\u", cp, 4);
        else
            put_hex(b, "\\U", cp, 8);
        i += n;
    }
    cx_strbuf_putc(b, '"');
}

void cx_strbuf_json_string(cx_strbuf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    cx_strbuf_reserve(b, len + 2);
    cx_strbuf_putc(b, '"');
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\')
            i++;
        if (i > start)
            cx_strbuf_append(b, s + start, i - start);
        if (i >= len)
            break;
        unsigned char c = p[i++];
        switch (c) {
        case '"':
            cx_strbuf_append(b, "\\\"", 2);
            break;
        case '\\':
            cx_strbuf_append(b, "\\\\", 2);
            break;
        case '\b':
            cx_strbuf_append(b, "\\b", 2);
            break;
        case '\f':
            cx_strbuf_append(b, "\\f", 2);
            break;
        case '\n':
            cx_strbuf_append(b, "\\n", 2);
            break;
        case '\r':
            cx_strbuf_append(b, "\\r", 2);
            break;
        case '\t':
            cx_strbuf_append(b, "\\t", 2);
            break;
        default:
            put_hex(b, "\\u", c, 4);
            break;
        }
    }
    cx_strbuf_putc(b, '"');
}
