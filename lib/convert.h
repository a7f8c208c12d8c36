/*
 * Reading a document tree as a Kubernetes object (convert*.c): kind dispatch, metadata,
 * the spec of each modelled kind, unknown-field warnings, and type errors. The typing
 * rules for scalars (YAML 1.1 plain scalars read as the field's type, JSON strictly)
 * live in scalar.h.
 */
#ifndef CX_CONVERT_H
#define CX_CONVERT_H

#include "model.h"
#include "tree.h"

typedef struct cx_convert_ctx {
    const cx_alloc *alloc;
    const char *default_ns;
    cx_source *source;
    /* Interns a namespace string for the snapshot; NULL on OOM. Required: objects keep
     * the returned pointer. */
    const char *(*intern_ns)(void *ud, const char *ns, size_t len);
    void *intern_ud;
    /* Diagnostics about documents that are not loaded (errors, and the warnings found
     * along with them) go here, with the object's kind, namespace and name when known. */
    cx_diag_sink rejected;
    /* Scratch memory objects are built in before being compacted (rewound after each
     * object); NULL: a temporary arena per object. */
    cx_arena *scratch;
} cx_convert_ctx;

typedef enum cx_convert_result {
    CX_CONVERT_OBJECT = 0,   /* *out is a new object; its warnings are in its own list */
    CX_CONVERT_SKIPPED = 1,  /* not a modelled kind, or an empty document: nothing to say */
    CX_CONVERT_REJECTED = 2, /* errors were reported to ctx->rejected; nothing loaded */
    CX_CONVERT_LIST = 3,     /* kind List or *List: the caller handles its items */
    CX_CONVERT_NOMEM = -1,
} cx_convert_result;

/*
 * Converts one document (or List item). `pending` is the builder's first deferred error
 * (duplicate key, NUL character, complex key): when set, the document is rejected with it,
 * after the object's identity has been read so the diagnostic can name it.
 * Documents that are not mappings are rejected ("not-an-object"); documents with no kind
 * are rejected ("missing-kind"); kinds not modelled are skipped silently.
 */
cx_convert_result cx_convert(const cx_convert_ctx *ctx, const cx_node *root,
                             const cx_pending_error *pending, contour_object **out);

/* Drops one reference to an object (the last frees it). Accepts NULL. */
void cx_object_free(const cx_alloc *alloc, contour_object *o);

#endif
