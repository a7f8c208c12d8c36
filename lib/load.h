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
 * One piece of a YAML stream, read on its own (a parallel load reads several at once;
 * load_parallel.c). A piece starts at a `---` line (or at the input's start) and is read
 * exactly as cx_yaml_parse() reads the input there, until reading reaches the start of a
 * later piece in a state in which cx_yaml_parse() would go on exactly as a piece starting
 * there does: a libyaml parser either started afresh at that line (after an error) or
 * just produced the explicit document start of that line. Then that later piece's own
 * reading continues the input; a piece whose start reading did not reach that way is
 * read by an earlier piece (it goes on past it) and its own reading is not used.
 *
 * What the reading of a piece cannot know of the input before it is assumed, and said
 * back so that the caller can check it: the number of documents before it (for the
 * documents limit) and whether an earlier document was a Kubernetes manifest (which
 * decides whether a message may quote input bytes).
 */
typedef struct cx_yaml_piece {
    /* In. */
    size_t start;               /* 0, or the start of a `---` line */
    uint64_t start_line;        /* its 0-based line number */
    const size_t *stops;        /* starts of the later pieces, ascending */
    const uint64_t *stop_lines; /* their 0-based line numbers */
    size_t nstops;
    uint64_t docs_before; /* documents and List items before `start` (assumed) */
    bool manifest_before; /* whether a document before `start` was a manifest (assumed) */
    /* Out. */
    size_t stopped_at;    /* the index in stops where reading stopped; nstops: it went on to
                           * the end of the input (or stopped it: input_stopped) */
    uint64_t docs;        /* documents and List items counted, docs_before included */
    bool manifest_seen;   /* a document of this piece was a manifest */
    bool manifest_used;   /* a message depended on manifest_before */
    bool input_stopped;   /* the rest of the input is not to be read (the documents limit) */
    bool doubt;           /* reading met something the argument above does not cover */
    uint64_t window_peak; /* most bytes handed to libyaml between two of its events */
} cx_yaml_piece;

/* Reads one piece (see cx_yaml_piece). Returns CX_RC_OK or CX_RC_NOMEM. */
cx_rc cx_yaml_parse_piece(const cx_load_ctx *ctx, const char *data, size_t len,
                          cx_yaml_piece *piece);

/*
 * Chooses where to split a YAML stream into up to `want` pieces of similar size: the
 * starts of `---` lines near len * i / want. Fills starts[0..n) (ascending, after 0) and
 * lines[0..n) (their 0-based line numbers, counted as libyaml counts lines) and returns
 * n < want; 0 when the input should be read whole: no such line, or a line starting with
 * `%` (a YAML directive, which applies to the document after it).
 */
size_t cx_yaml_split(const char *data, size_t len, size_t want, size_t *starts, uint64_t *lines);

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
