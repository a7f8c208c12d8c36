/* A growable byte buffer for building messages and rendering output. Once an append
 * fails, the buffer remembers it (oom) and later appends are no-ops, so a writer can
 * append freely and check once at the end. */
#ifndef CX_STRBUF_H
#define CX_STRBUF_H

#include "alloc.h"

#include <stdarg.h>

typedef struct cx_strbuf {
    const cx_alloc *alloc;
    char *data; /* NUL-terminated when len > 0 or cap > 0 */
    size_t len;
    size_t cap;
    bool oom;
} cx_strbuf;

void cx_strbuf_init(cx_strbuf *b, const cx_alloc *alloc);
void cx_strbuf_release(cx_strbuf *b);
bool cx_strbuf_reserve(cx_strbuf *b, size_t extra);
void cx_strbuf_append(cx_strbuf *b, const char *s, size_t len);
void cx_strbuf_puts(cx_strbuf *b, const char *s);
void cx_strbuf_putc(cx_strbuf *b, char c);
void cx_strbuf_printf(cx_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cx_strbuf_vprintf(cx_strbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void cx_strbuf_put_i64(cx_strbuf *b, int64_t v);
void cx_strbuf_put_u64(cx_strbuf *b, uint64_t v);
/* Go's strconv.Quote (%q): "..." with \" \\ \n \xNN \uNNNN \UNNNNNNNN escapes for what Go's
 * strconv.IsPrint rejects, printable UTF-8 kept (escape.c). */
void cx_strbuf_go_quote(cx_strbuf *b, const char *s, size_t len);
/* A JSON string literal with the escapes RFC 8259 requires, and \uXXXX for every other
 * character Go's strconv.IsPrint rejects (escape.c). */
void cx_strbuf_json_string(cx_strbuf *b, const char *s, size_t len);
/* Empties the buffer, keeping its memory. */
static inline void cx_strbuf_clear(cx_strbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

#endif
