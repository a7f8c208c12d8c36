/* The one escaping rule of every output (text, DOT, JSON, the CLI's reports): what Go's
 * strconv.IsPrint rejects (controls, bidi controls, zero-width and other format
 * characters, tags, other spaces, unassigned code points) and bytes that are not UTF-8
 * never reach an output raw. Where they go depends on the output's own syntax — a Go
 * escape (\u202e) in text and DOT, a JSON escape in JSON — but which characters are
 * escaped is decided here, once, by cx_esc_next(). */
#ifndef CX_ESCAPE_H
#define CX_ESCAPE_H

#include "strbuf.h"

typedef enum cx_esc_style {
    CX_ESC_TEXT = 0, /* prose: Go escapes (\n, \x1b, \u202e, \U000e0041); '"' and '\' kept */
    CX_ESC_GO = 1,   /* the inside of a Go "..." literal, as strconv.Quote: also \" and \\ */
    CX_ESC_JSON = 2, /* the inside of a JSON string: \" \\ \b \f \n \r \t \u00XX, and \uXXXX
                      * (surrogate pairs above U+FFFF) for what Go's IsPrint rejects; bytes
                      * that are not UTF-8 become \ufffd */
} cx_esc_style;

/* One piece of escaped output: a run of input bytes that need no escaping (text points
 * into the input), or the escape of one code point or stray byte (text points into buf). */
typedef struct cx_esc_piece {
    const char *text;
    size_t len;
    size_t consumed; /* input bytes this piece stands for; at least 1 */
    bool escaped;
    char buf[16];
} cx_esc_piece;

/* The piece of s (len bytes) that starts at s[i], i < len. */
void cx_esc_next(const char *s, size_t len, size_t i, cx_esc_style style, cx_esc_piece *p);

/* Appends s escaped, without quotes. */
void cx_esc_append(cx_strbuf *b, const char *s, size_t len, cx_esc_style style);

/* Whether a namespace or name is printed as it is in human outputs: non-empty, and only
 * ASCII letters, digits, '-', '.', '_' and '*' — every name Kubernetes accepts, and no
 * character the outputs use as a separator ('/', ':', ',', ' ', '[', '"'). Any other name is
 * Go-quoted, so "a" + "b/c" and "a/b" + "c" never print alike (docs/cli.md). */
bool cx_esc_name_is_plain(const char *s, size_t len);

/* Whether a value such as a path, a host or a strategy is printed as it is: non-empty,
 * printable, without blanks, '"' or '\'. Looser than names: "/api" stays bare. */
bool cx_esc_token_is_plain(const char *s, size_t len);

/* A name: as it is when plain, else Go-quoted. NULL prints as "". */
void cx_esc_put_name(cx_strbuf *b, const char *s);
/* A value: as it is when plain (cx_esc_token_is_plain), else Go-quoted. */
void cx_esc_put_token(cx_strbuf *b, const char *s);
/* NS/NAME, each part as a name (ns NULL: the name alone). */
void cx_esc_put_ref(cx_strbuf *b, const char *ns, const char *name);

#endif
