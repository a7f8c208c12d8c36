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
/* The same, building each document whole (cx_builder_set_whole): for JSON that is not a
 * Kubernetes object, such as an AdmissionReview. */
cx_rc cx_json_parse_whole(const cx_load_ctx *ctx, const char *data, size_t len);

/* Byte spans in JSON text that cx_json_parse() read without error (only then are they
 * right: they rely on the text being valid). cx_json_offset() turns a node's position into
 * the offset of the first byte of its value (len when the position is not in the text);
 * cx_json_value_end() returns the offset just past the value that starts at `start`. Both
 * are linear and iterative. */
size_t cx_json_offset(const char *data, size_t len, cx_pos pos);
size_t cx_json_value_end(const char *data, size_t len, size_t start);

/* Whether AUTO detection takes data as JSON: the first byte that is not whitespace or a
 * UTF-8 byte-order mark is '{' or '['. */
bool cx_looks_like_json(const char *data, size_t len);

#endif
