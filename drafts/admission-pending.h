/*
 * DRAFT — not compiled, not installed. The parts of the draft include/contour/admission.h
 * that the what-if engine implements (contour_whatif, contour_review and the verdict),
 * kept here verbatim so they are not lost while the engine is written on another branch.
 * When the engine lands, they go back into include/contour/admission.h (which must then
 * include "diff.h" again; drafts/diff.h goes back to include/contour/diff.h), their
 * functions into lib/libcontour.sym's LIBCONTOUR_1.1 node, and
 * lib/admission_decide_pending.c is replaced (see lib/admission_internal.h).
 */
#ifndef CONTOUR_ADMISSION_PENDING_H
#define CONTOUR_ADMISSION_PENDING_H

#include "contour/admission.h"
#include "contour/diff.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The graph `snapshot` would resolve to with one change applied, without changing the
 * snapshot. CREATE and UPDATE take the new object as bytes (YAML or JSON, exactly one
 * modelled object); DELETE takes the object being deleted (only its kind, namespace and
 * name are read). The result shares everything the change cannot affect with `base`, and
 * is byte for byte what contour_resolve() would give on the changed snapshot.
 *
 * @param base a graph resolved from `snapshot` at its current version.
 * @param name source name for diagnostics about the new object (e.g. "<admission>").
 * @param out receives the graph, owned by the caller.
 * @return CONTOUR_OK; CONTOUR_ERR_INVALID (a NULL argument, base not resolved from the
 *         snapshot's current version, or data that is not exactly one modelled object —
 *         then *out is NULL); CONTOUR_ERR_LIMIT; CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_whatif(contour_graph **out, const contour_snapshot *snapshot,
                                          const contour_graph *base, contour_operation operation,
                                          const char *name, size_t name_len, const char *data,
                                          size_t len, contour_format format);

/* ------------------------------------------------------------------------------------------ */
/* Verdicts                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** The outcome of reviewing one change. Opaque; owned by the caller. */
typedef struct contour_verdict contour_verdict;

/**
 * Reviews one change (see contour_whatif() for the arguments) under a policy.
 * Kinds the library does not model are allowed without looking further.
 * @param policy NULL for the defaults.
 * @return CONTOUR_OK (whatever the verdict), or the errors of contour_whatif().
 */
CONTOUR_API contour_result contour_review(contour_verdict **out, const contour_snapshot *snapshot,
                                          const contour_graph *base, const contour_policy *policy,
                                          contour_operation operation, const char *name,
                                          size_t name_len, const char *data, size_t len,
                                          contour_format format);

/** Releases a verdict. Accepts NULL. */
CONTOUR_API void contour_verdict_free(contour_verdict *verdict);

/** Whether the change is allowed. */
CONTOUR_API bool contour_verdict_allowed(const contour_verdict *verdict);

/**
 * Why the change is denied — one paragraph naming the objects and virtual hosts affected
 * (the first few, then "and N more") — or "" when it is allowed. Borrowed.
 */
CONTOUR_API const char *contour_verdict_message(const contour_verdict *verdict);

/** Number of warnings (for an allowed or a denied change). */
CONTOUR_API size_t contour_verdict_warning_count(const contour_verdict *verdict);

/** The index-th warning, one line each. Borrowed. */
CONTOUR_API const char *contour_verdict_warning_at(const contour_verdict *verdict, size_t index);

/** Number of findings of a kind (whatever the policy does about them). */
CONTOUR_API size_t contour_verdict_finding_count(const contour_verdict *verdict,
                                                 contour_finding finding);

/**
 * The changed object's own status if the change were applied (IngressRoutes only), or
 * NULL. Borrowed from the verdict.
 */
CONTOUR_API const contour_status *contour_verdict_status(const contour_verdict *verdict);

/** What the change would do to the graph: the diff from the base graph. Borrowed. */
CONTOUR_API const contour_diff *contour_verdict_diff(const contour_verdict *verdict);

#ifdef __cplusplus
}
#endif

#endif
