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
    b->sink = NULL;
}

bool cx_strbuf_init_sink(cx_strbuf *b, const cx_alloc *alloc, cx_strbuf_sink *sink)
{
    cx_strbuf_init(b, alloc);
    size_t cap;
    if (!sink->fn || !sink->chunk || !cx_size_add(sink->chunk, 1, &cap))
        return false;
    b->data = cx_malloc(alloc, cap);
    if (!b->data)
        return false;
    b->data[0] = '\0';
    b->cap = cap;
    b->sink = sink;
    return true;
}

void cx_strbuf_release(cx_strbuf *b)
{
    cx_free(b->alloc, b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

/* Sends what a streaming buffer holds, in calls of at most a chunk, and empties it. Once
 * the sink says stop, nothing more is sent: the buffer fails (oom) for good. */
static bool drain(cx_strbuf *b)
{
    cx_strbuf_sink *s = b->sink;
    for (size_t off = 0; off < b->len && !b->oom;) {
        size_t n = b->len - off < s->chunk ? b->len - off : s->chunk;
        if (s->fn(s->user_data, b->data + off, n) != 0) {
            s->stopped = true;
            b->oom = true;
        }
        off += n;
    }
    b->len = 0;
    b->data[0] = '\0';
    return !b->oom;
}

bool cx_strbuf_flush(cx_strbuf *b)
{
    if (b->oom)
        return false;
    return !b->sink || b->len == 0 || drain(b);
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
    if (b->sink && b->len) {
        if (!drain(b))
            return false;
        need = extra + 1; /* cannot overflow: len + extra + 1 did not */
        if (need <= b->cap)
            return true;
    }
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

void cx_strbuf_reserve_hint(cx_strbuf *b, size_t extra)
{
    if (!b->sink)
        cx_strbuf_reserve(b, extra);
}

/* A streaming append: fills the chunk, sends it, goes on; the buffer never grows. */
static void stream_append(cx_strbuf *b, const char *s, size_t len)
{
    while (!b->oom) {
        size_t room = b->cap - 1 - b->len;
        size_t n = len < room ? len : room;
        if (n) {
            memcpy(b->data + b->len, s, n);
            b->len += n;
            b->data[b->len] = '\0';
            s += n;
            len -= n;
        }
        if (!len)
            return;
        drain(b);
    }
}

void cx_strbuf_append(cx_strbuf *b, const char *s, size_t len)
{
    if (b->sink) {
        stream_append(b, s, len);
        return;
    }
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
