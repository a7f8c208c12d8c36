/* The what-if engine's parts, shared by contour_whatif() and the review (review.c). */
#ifndef CX_WHATIF_H
#define CX_WHATIF_H

#include "snapshot_internal.h"
#include "contour/admission.h"
#include "contour/graph.h"

/* A proposed object, staged (not in the snapshot). */
typedef struct cx_proposal {
    cx_load_txn txn;
    const cx_source *source; /* its diagnostics about documents that were not loaded */
    contour_object *obj;     /* the object, when the input held exactly one */
    size_t objects;          /* how many objects the input held */
} cx_proposal;

/* Stages data as a load would; never changes the snapshot. CONTOUR_OK or
 * CONTOUR_ERR_LIMIT (the input is too big; p->source says so) with p filled (p->obj may be
 * NULL); CONTOUR_ERR_INVALID (arguments) or CONTOUR_ERR_NOMEM. Release p in every case. */
contour_result cx_proposal_parse(cx_proposal *p, const contour_snapshot *s, const char *name,
                                 size_t name_len, const char *data, size_t len,
                                 contour_format format);
void cx_proposal_release(cx_proposal *p, const cx_alloc *alloc);

/* The graph of the snapshot with obj created / updated (op CREATE, UPDATE: obj replaces
 * what its key holds) or deleted (DELETE: obj only names the key). Binds obj's references.
 * CONTOUR_ERR_INVALID: base is not of the snapshot's current version; CONTOUR_ERR_LIMIT:
 * CONTOUR_LIMIT_ROUTES leaves a vhost out of base or of the result. */
contour_result cx_whatif_graph(contour_graph **out, const contour_snapshot *s,
                               const contour_graph *base, contour_operation op,
                               contour_object *obj);

#endif
