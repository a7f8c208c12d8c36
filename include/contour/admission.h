/*
 * libcontour — admission review: what a proposed change would do to routing, and a
 * verdict on it, for validating admission webhooks.
 *
 * The cluster is a snapshot (what the webhook knows) and a graph resolved from it at its
 * current version (contour_resolve() or contour_resolve_update()). A review applies one
 * change to an overlay of the two — never to the snapshot — resolves only what the change
 * can affect, and compares: the changed object's own status and diagnostics, every other
 * object whose status changes, every route or virtual host that disappears, changes owner
 * or loses clusters or TLS. A policy turns that into allow, deny or allow with warnings.
 *
 * Thread-safety: reviews only read the snapshot, graph and policy, so any number of
 * threads may review against the same ones at once (while no thread changes the
 * snapshot). Verdicts and parsed requests are independent of the handles they came from.
 */
#ifndef CONTOUR_ADMISSION_H
#define CONTOUR_ADMISSION_H

#include "common.h"
#include "diff.h"
#include "graph.h"
#include "snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a change does to an object. */
typedef enum contour_operation {
    CONTOUR_OPERATION_CREATE = 0,
    CONTOUR_OPERATION_UPDATE = 1,
    CONTOUR_OPERATION_DELETE = 2,
} contour_operation;

/** "CREATE", "UPDATE" or "DELETE" ("" for unknown values). Static string. */
CONTOUR_API const char *contour_operation_name(contour_operation operation);

/* ------------------------------------------------------------------------------------------ */
/* Policy                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/** What a policy does about one kind of finding. */
typedef enum contour_policy_action {
    CONTOUR_POLICY_ALLOW = 0, /**< say nothing */
    CONTOUR_POLICY_WARN = 1,  /**< allow, with a warning */
    CONTOUR_POLICY_DENY = 2,  /**< deny */
} contour_policy_action;

/** The kinds of finding a review makes about a change. */
typedef enum contour_finding {
    /** The changed IngressRoute itself would be invalid (default: deny). */
    CONTOUR_FINDING_INVALID = 0,
    /** The changed IngressRoute would be orphaned (default: warn). */
    CONTOUR_FINDING_ORPHANED = 1,
    /** Another object's status would become invalid or orphaned (default: deny). */
    CONTOUR_FINDING_BREAKS_OTHERS = 2,
    /** Routes that serve today would disappear or lose every cluster (default: deny). */
    CONTOUR_FINDING_DROPS_ROUTES = 3,
    /** A route would change owner (another object would serve it; default: warn). */
    CONTOUR_FINDING_TAKES_ROUTES = 4,
    /** A virtual host would lose or change its TLS (default: deny). */
    CONTOUR_FINDING_DROPS_TLS = 5,
    /** The change brings new warning diagnostics (default: warn). */
    CONTOUR_FINDING_WARNINGS = 6,
} contour_finding;

/** Number of findings: valid findings are 0 .. contour_finding_count()-1. */
CONTOUR_API size_t contour_finding_count(void);

/** A stable name for a finding ("invalid", "breaks-others", ...), or "" for unknown values. */
CONTOUR_API const char *contour_finding_name(contour_finding finding);

/** A review policy. Opaque; a plain value, copied by nothing (pass it to each review). */
typedef struct contour_policy contour_policy;

/**
 * Creates a policy with the defaults listed under contour_finding, listing at most 5
 * objects or virtual hosts per finding in messages (then "and N more").
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (out is NULL) or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_policy_new(contour_policy **out);

/** Releases a policy. Accepts NULL. */
CONTOUR_API void contour_policy_free(contour_policy *policy);

/**
 * Sets what the policy does about a finding.
 * @return CONTOUR_OK or CONTOUR_ERR_INVALID (NULL policy, unknown finding or action).
 */
CONTOUR_API contour_result contour_policy_set_action(contour_policy *policy,
                                                     contour_finding finding,
                                                     contour_policy_action action);

/** What the policy does about a finding (CONTOUR_POLICY_ALLOW for invalid arguments). */
CONTOUR_API contour_policy_action contour_policy_action_of(const contour_policy *policy,
                                                           contour_finding finding);

/**
 * How many objects or virtual hosts a message names before "and N more" (1-1000).
 * @return CONTOUR_OK or CONTOUR_ERR_INVALID.
 */
CONTOUR_API contour_result contour_policy_set_max_listed(contour_policy *policy, uint32_t max);

/* ------------------------------------------------------------------------------------------ */
/* What-if                                                                                    */
/* ------------------------------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------------------------------ */
/* AdmissionReview (admission.k8s.io/v1)                                                      */
/* ------------------------------------------------------------------------------------------ */

/**
 * Answers an AdmissionReview request (JSON, as the API server POSTs it) with an
 * AdmissionReview response (JSON): the request's uid, allowed, status.code and
 * status.message when denied, and warnings. CREATE and UPDATE review request.object,
 * DELETE request.oldObject; a dryRun request is answered the same way. Requests for kinds
 * the library does not model are allowed.
 *
 * The request is untrusted: it is parsed with the snapshot's limits and bounded in time
 * and memory like every other input.
 *
 * @param out receives the response, owned by the caller. When the request itself is
 *        malformed (not JSON, not an AdmissionReview, no uid, oversized), the result is
 *        CONTOUR_ERR_INVALID or CONTOUR_ERR_LIMIT and *out holds a one-line plain-text
 *        reason, for an HTTP 400 body.
 * The request is read as contour_admission_request_parse() reads it and answered as
 * contour_admission_request_answer() answers it; a caller that must tell a malformed
 * request (HTTP 400) from a review that could not be made (HTTP 500) makes the two calls.
 *
 * @param policy NULL for the defaults.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID, CONTOUR_ERR_LIMIT or CONTOUR_ERR_NOMEM (*out NULL).
 */
CONTOUR_API contour_result contour_admission_review(contour_buffer **out,
                                                    const contour_snapshot *snapshot,
                                                    const contour_graph *base,
                                                    const contour_policy *policy,
                                                    const char *request, size_t len);

/**
 * The largest AdmissionReview request read, in bytes (8 MiB; the snapshot's
 * CONTOUR_LIMIT_INPUT_BYTES when that is smaller). The API server writes objects of at
 * most about 1.5 MiB, and an UPDATE carries two: a larger request is not the API server's.
 */
#define CONTOUR_ADMISSION_MAX_REQUEST_BYTES (8u * 1024u * 1024u)

/** An AdmissionReview request, read and checked. Opaque; owned by the caller. */
typedef struct contour_admission_request contour_admission_request;

/**
 * Reads and checks an AdmissionReview request (admission.k8s.io/v1) without reviewing it:
 * the first half of contour_admission_review(), for a webhook that must tell a malformed
 * request from a review that could not be made, or that keeps what it admitted.
 *
 * Malformed (CONTOUR_ERR_INVALID): not one JSON value, not UTF-8, a duplicate key or a NUL
 * character anywhere; apiVersion or kind not admission.k8s.io/v1 AdmissionReview; no
 * request; request.uid missing, empty, not a string or longer than 256 bytes;
 * request.kind not {group, version, kind} strings; request.operation not CREATE, UPDATE,
 * DELETE or CONNECT; request.dryRun not a boolean; and, for a modelled kind: the object
 * reviewed (request.object for CREATE and UPDATE, request.oldObject for DELETE) missing
 * or not a JSON object, or its apiVersion, kind, metadata.name or metadata.namespace
 * disagreeing with request.kind, request.name or request.namespace.
 * Too large (CONTOUR_ERR_LIMIT): over CONTOUR_ADMISSION_MAX_REQUEST_BYTES, or over one of
 * the snapshot's depth, node or scalar limits.
 *
 * @param out receives the request, owned by the caller; NULL on failure.
 * @param reason when the request is malformed or too large, receives a one-line
 *        plain-text reason ("line 1, column 12: ..."), owned by the caller; else NULL.
 *        May be NULL.
 * @param snapshot whose limits and allocator are used.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID, CONTOUR_ERR_LIMIT or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_admission_request_parse(contour_admission_request **out,
                                                           contour_buffer **reason,
                                                           const contour_snapshot *snapshot,
                                                           const char *request, size_t len);

/** Releases a request. Accepts NULL. */
CONTOUR_API void contour_admission_request_free(contour_admission_request *request);

/**
 * Answers a request with an AdmissionReview response (JSON), as contour_admission_review()
 * does. Kinds the library does not model, and CONNECT, are allowed without a review.
 *
 * @param out receives the response, owned by the caller; or, when the review could not be
 *        made although the request is well-formed (an HTTP 500), a one-line reason.
 * @param snapshot the cluster, and `base` a graph resolved from it at its current version.
 * @param policy NULL for the defaults.
 * @return CONTOUR_OK; CONTOUR_ERR_INVALID or CONTOUR_ERR_LIMIT when the review could not be
 *         made (a NULL argument; `base` not resolved from `snapshot`; an object the review
 *         cannot read; CONTOUR_LIMIT_ROUTES leaving a virtual host out); CONTOUR_ERR_NOMEM
 *         (*out NULL).
 */
CONTOUR_API contour_result contour_admission_request_answer(
    contour_buffer **out, const contour_admission_request *request,
    const contour_snapshot *snapshot, const contour_graph *base, const contour_policy *policy);

/** request.uid. Borrowed from the request; "" for NULL. */
CONTOUR_API const char *contour_admission_request_uid(const contour_admission_request *request);

/**
 * The modelled kind the request is about, or CONTOUR_KIND_NONE when it is answered without a
 * review (a kind the library does not model, or a CONNECT).
 */
CONTOUR_API contour_kind contour_admission_request_kind(const contour_admission_request *request);

/** request.operation (CREATE for a CONNECT, which is never reviewed, and for NULL). */
CONTOUR_API contour_operation
contour_admission_request_operation(const contour_admission_request *request);

/**
 * The namespace and name of the object: request.namespace and request.name; for a modelled
 * kind, when they are empty, the object's own (request.name is empty on a CREATE whose name
 * the API server generates), and the snapshot's default namespace for an object in none.
 * "" when absent, or for NULL. Borrowed.
 */
CONTOUR_API const char *
contour_admission_request_namespace(const contour_admission_request *request);
CONTOUR_API const char *contour_admission_request_name(const contour_admission_request *request);

/** request.dryRun: a change the API server will not persist, whatever the answer. */
CONTOUR_API bool contour_admission_request_dry_run(const contour_admission_request *request);

/**
 * The object reviewed, as JSON text: for a modelled kind, request.object's bytes for CREATE
 * and UPDATE (request.namespace added as metadata.namespace when the object has none, as
 * older API servers send it), and for DELETE request.oldObject's (or, when the API server
 * sent none, an object made of request.kind, namespace and name); "" otherwise.
 * NUL-terminated (JSON text holds no NUL byte). Borrowed.
 */
CONTOUR_API const char *contour_admission_request_object(const contour_admission_request *request);
/** The length of contour_admission_request_object(), in bytes. */
CONTOUR_API size_t contour_admission_request_object_size(const contour_admission_request *request);

#ifdef __cplusplus
}
#endif

#endif
