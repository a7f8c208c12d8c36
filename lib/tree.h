/*
 * The generic document tree: what a YAML or JSON document says, before it is read as a
 * Kubernetes object. Producers (yaml_load.c, json_load.c) feed events to a cx_builder,
 * which builds the tree in a scratch arena with an explicit stack (input depth never
 * becomes C stack depth), enforces the depth, node, scalar and alias limits, detects
 * duplicate keys, resolves anchors, aliases and merge keys, and hands each complete
 * document to a handler. Elements of a top-level `items` list (a Kubernetes List) are
 * handed over one at a time as soon as each is complete, and their memory is reused, so a
 * List of 100,000 objects never exists as one tree. The values of top-level keys no reader
 * uses (`status`, unknown keys) are not built at all: such a key is kept with a
 * placeholder value (CX_NODE_SKIPPED) so that the reader can warn about it.
 */
#ifndef CX_TREE_H
#define CX_TREE_H

#include "arena.h"
#include "diag.h"
#include "limits.h"
#include "vec.h"

typedef enum cx_node_type {
    CX_NODE_SCALAR = 1,
    CX_NODE_MAP = 2,
    CX_NODE_SEQ = 3,
} cx_node_type;

/* How a scalar was written, which decides how a field may read it (scalar.h). */
typedef enum cx_scalar_tag {
    CX_TAG_PLAIN = 0, /* YAML plain and untagged: typed by the reader, YAML 1.1 rules */
    CX_TAG_STR = 1,   /* quoted YAML, !!str, JSON string */
    CX_TAG_INT = 2,   /* !!int, JSON number without fraction or exponent */
    CX_TAG_FLOAT = 3, /* !!float, JSON number with fraction or exponent */
    CX_TAG_BOOL = 4,  /* !!bool, JSON true/false */
    CX_TAG_NULL = 5,  /* !!null, JSON null */
    CX_TAG_OTHER = 6, /* any other tag (`!custom`, !!binary, !!timestamp): no field reads it */
} cx_scalar_tag;

/* Node flags. */
#define CX_NODE_STREAMED 0x1u /* a top-level `items` list whose elements went to the handler */
#define CX_NODE_SKIPPED  0x2u /* stands for a top-level value that was not built (a null) */

typedef struct cx_node cx_node;

typedef struct cx_pair {
    cx_node *key; /* always a scalar */
    cx_node *value;
} cx_pair;

struct cx_node {
    uint8_t type;    /* cx_node_type */
    uint8_t tag;     /* cx_scalar_tag (scalars) */
    uint16_t flags;  /* CX_NODE_* */
    uint32_t len;    /* scalar bytes, map pairs or sequence items */
    uint32_t weight; /* nodes in the subtree with aliases expanded (saturating) */
    cx_pos pos;
    union {
        const char *str; /* scalar text, NUL-terminated, valid UTF-8, no NUL inside */
        cx_pair *pairs;
        cx_node **items;
    } u;
};

/* Return codes of builder calls and handlers. */
typedef enum cx_rc {
    CX_RC_OK = 0,
    CX_RC_STOP = 1,   /* stop reading this input (reported already) */
    CX_RC_NOMEM = -1, /* out of memory: abandon the load */
} cx_rc;

/* The first problem found in a document that did not stop it from being built (a duplicate
 * key, a NUL in a string, a non-scalar key). The reader reports it once it knows which
 * object the document is, and skips the document. */
typedef struct cx_pending_error {
    bool set;
    const char *code; /* static */
    cx_pos pos;
    char message[200];
} cx_pending_error;

typedef struct cx_doc_handler {
    void *ctx;
    /* A List element, complete. `pending` is set when it must be rejected. */
    cx_rc (*item)(void *ctx, const cx_node *item, const cx_pending_error *pending);
    /* A document, complete. root is NULL for an empty document or one abandoned after an
     * error (already reported; `kind` then holds the top-level kind if it was read, so the
     * handler can tell whether List items it received belong to a List). */
    cx_rc (*document)(void *ctx, const cx_node *root, const cx_pending_error *pending,
                      const char *kind);
} cx_doc_handler;

typedef struct cx_builder cx_builder;

/* A builder for one input. `file` names the source in diagnostics; errors it finds itself
 * (limits, aliases) go to `sink`. */
cx_builder *cx_builder_new(const cx_alloc *alloc, const cx_limits *limits, const char *file,
                           cx_diag_sink sink, cx_doc_handler handler);
void cx_builder_free(cx_builder *b);
/* Builds every document whole: no top-level key is skipped and a top-level `items` list is
 * not streamed. For documents that are not Kubernetes objects (an AdmissionReview), whose
 * readers need keys the object readers do not. Call before the first event. */
void cx_builder_set_whole(cx_builder *b);

cx_rc cx_builder_begin_document(cx_builder *b, cx_pos pos);
cx_rc cx_builder_end_document(cx_builder *b);
cx_rc cx_builder_begin_map(cx_builder *b, cx_pos pos, const char *anchor, size_t anchor_len);
cx_rc cx_builder_end_map(cx_builder *b);
cx_rc cx_builder_begin_seq(cx_builder *b, cx_pos pos, const char *anchor, size_t anchor_len);
cx_rc cx_builder_end_seq(cx_builder *b);
/* text need not be NUL-terminated; it must be valid UTF-8 (producers validate). The length
 * is checked against the scalar limit before text is read: when len exceeds the limit, the
 * builder reports limit-scalar without touching text, so a producer may pass a truncated
 * text (even an empty one) with the true length instead of holding a huge scalar. */
cx_rc cx_builder_scalar(cx_builder *b, cx_pos pos, cx_scalar_tag tag, const char *text, size_t len,
                        const char *anchor, size_t anchor_len);
cx_rc cx_builder_alias(cx_builder *b, cx_pos pos, const char *anchor, size_t anchor_len);

/* The producer met an error inside the current document (syntax, encoding, a limit it
 * enforces itself): report it and drop the document (or the List element being built).
 * With no document open, the error is reported and nothing else happens. */
cx_rc cx_builder_fail(cx_builder *b, const char *code, cx_pos pos, const char *message);
/* The producer cannot continue this document at all (e.g. libyaml stopped): drop what is
 * open without reporting anything more, delivering an abandoned-document callback. */
cx_rc cx_builder_abandon_document(cx_builder *b);

/* Whether a document is open, and whether it is being skipped after an error. */
bool cx_builder_in_document(const cx_builder *b);
bool cx_builder_failed(const cx_builder *b);
/* Whether this input has shown itself to be a Kubernetes manifest: a document (or List
 * item) so far had a top-level `apiVersion` or `kind` key. Until then messages do not
 * quote the input's text (it may be any file: a secrets file, /proc/self/environ). */
bool cx_builder_manifest_seen(const cx_builder *b);
/* Documents and List items begun so far (for the documents limit). */
uint64_t cx_builder_document_count(const cx_builder *b);
/* Starts the count at `n`: a builder for a piece of an input that begins after n
 * documents and List items (load_parallel.c), so that the documents limit counts the
 * whole input. */
void cx_builder_set_document_count(cx_builder *b, uint64_t n);

/* Lookups on built trees. */
const cx_node *cx_node_get(const cx_node *map, const char *key);
bool cx_node_is(const cx_node *n, const char *s);

#endif
