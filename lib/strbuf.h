/* A growable byte buffer for building messages and rendering output. Once an append
 * fails, the buffer remembers it (oom) and later appends are no-ops, so a writer can
 * append freely and check once at the end.
 *
 * A streaming buffer (cx_strbuf_init_sink) holds at most one chunk: when an append would
 * pass it, what is buffered goes to the sink first, so its memory does not grow with what
 * is written through it. Bytes reach the sink in order, in calls of 1 to `chunk` bytes.
 * When the sink asks to stop, the buffer latches `oom` too (sink->stopped tells the two
 * apart) and the sink is never called again. Its one allocation is made by init; after
 * that it allocates only for a cx_strbuf_printf() or cx_strbuf_reserve() of more than a
 * chunk, which the writers never make (their formats print numbers and the library's own
 * words; long strings go through appends). Code that writes
 * into a streaming buffer must not keep positions in it (data, len) across appends: an
 * append may flush. */
#ifndef CX_STRBUF_H
#define CX_STRBUF_H

#include "alloc.h"

#include <stdarg.h>

/* Where a streaming buffer's bytes go. */
typedef struct cx_strbuf_sink {
    int (*fn)(void *user_data, const char *bytes, size_t len); /* nonzero: stop */
    void *user_data;
    size_t chunk; /* bytes per call at most; at least 1 */
    bool stopped; /* fn returned nonzero */
} cx_strbuf_sink;

typedef struct cx_strbuf {
    const cx_alloc *alloc;
    char *data; /* NUL-terminated when len > 0 or cap > 0 */
    size_t len;
    size_t cap;
    bool oom;             /* an append failed, or the sink stopped; later appends do nothing */
    cx_strbuf_sink *sink; /* NULL: the buffer keeps everything */
} cx_strbuf;

void cx_strbuf_init(cx_strbuf *b, const cx_alloc *alloc);
/* A streaming buffer sending to `sink` (borrowed; it outlives the buffer). Allocates the
 * chunk; false on OOM (nothing to release then). */
bool cx_strbuf_init_sink(cx_strbuf *b, const cx_alloc *alloc, cx_strbuf_sink *sink);
void cx_strbuf_release(cx_strbuf *b);
/* Streaming: sends what is buffered to the sink. False when the buffer has failed (oom) or
 * the sink stopped; a plain buffer only reports !oom. */
bool cx_strbuf_flush(cx_strbuf *b);
/* Room for `extra` more bytes (a streaming buffer flushes first, and grows only when extra
 * is more than a chunk). False on OOM, overflow or a stopped sink. */
bool cx_strbuf_reserve(cx_strbuf *b, size_t extra);
/* Room for `extra` more bytes when that saves reallocations later: a plain buffer reserves
 * them, a streaming buffer (which never needs to grow for appends) does nothing. */
void cx_strbuf_reserve_hint(cx_strbuf *b, size_t extra);
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
