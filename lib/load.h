/* Producers: turn input bytes into builder events (yaml_load.c with libyaml, json_load.c
 * with the library's own streaming JSON reader). */
#ifndef CX_LOAD_H
#define CX_LOAD_H

#include "tree.h"

typedef struct cx_load_ctx {
    const cx_alloc *alloc;
    const cx_limits *limits;
    const char *file;       /* source name for diagnostics */
    cx_diag_sink sink;      /* syntax and limit errors */
    cx_doc_handler handler; /* receives documents and List items */
} cx_load_ctx;

/*
 * Parses a YAML stream (documents separated by ---). A syntax error drops the document it
 * is in, with an error diagnostic at its line and column, and parsing resumes at the next
 * document: one bad document never hides the others. Returns CX_RC_OK or CX_RC_NOMEM.
 */
cx_rc cx_yaml_parse(const cx_load_ctx *ctx, const char *data, size_t len);

/*
 * Parses JSON text: one value, or several separated by whitespace (each a document). A
 * syntax error drops the value it is in and ends the input. Returns CX_RC_OK or CX_RC_NOMEM.
 */
cx_rc cx_json_parse(const cx_load_ctx *ctx, const char *data, size_t len);

/* Whether AUTO detection takes data as JSON: the first byte that is not whitespace or a
 * UTF-8 byte-order mark is '{' or '['. */
bool cx_looks_like_json(const char *data, size_t len);

#endif
