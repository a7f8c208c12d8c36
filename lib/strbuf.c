#include "strbuf.h"

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
