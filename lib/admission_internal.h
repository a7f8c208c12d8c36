/*
 * Admission: the policy's representation, and THE SEAM between the AdmissionReview layer
 * (admission.c: parse the request, answer in JSON) and the reviewer (what the change does
 * to routing, and the verdict).
 *
 * admission.c never looks at graphs or verdicts. For each request about a modelled kind
 * it fills a cx_admission_change and calls cx_admission_decide() (admission_decide.c),
 * which reviews the change with contour_review() and fills a cx_admission_decision.
 */
#ifndef CX_ADMISSION_INTERNAL_H
#define CX_ADMISSION_INTERNAL_H

#include "alloc.h"
#include "strbuf.h"
#include "contour/admission.h"

/* Number of contour_finding values. */
#define CX_FINDING_COUNT 7

struct contour_policy {
    uint8_t action[CX_FINDING_COUNT]; /* contour_policy_action, indexed by contour_finding */
    uint32_t max_listed;              /* 1-1000 */
};

/* The defaults, for a NULL policy. */
extern const contour_policy cx_policy_defaults;

/* One change to review. Strings are NUL-terminated as well as counted; all borrowed from
 * the request for the length of the call. */
typedef struct cx_admission_change {
    contour_operation operation;
    contour_kind kind; /* modelled: never CONTOUR_KIND_NONE */
    const char *ns;    /* request.namespace ("" when absent) */
    size_t ns_len;
    const char *name; /* request.name ("" when absent) */
    size_t name_len;
    const char *object; /* exactly one object of `kind`, JSON (contour_admission_request_object) */
    size_t object_len;
    bool dry_run;
} cx_admission_change;

/* What the reviewer decided. The caller initialises it (cx_admission_decision_init) and
 * releases it; the reviewer only fills it. */
typedef struct cx_admission_decision {
    bool allowed;
    /* Allowed: empty. Denied: why, one paragraph (UTF-8; control characters are
     * flattened when written). When cx_admission_decide() fails: the one-line reason. */
    cx_strbuf message;
    /* Each warning followed by a NUL byte; warning_count of them. */
    cx_strbuf warnings;
    size_t warning_count;
} cx_admission_decision;

void cx_admission_decision_init(cx_admission_decision *d, const cx_alloc *alloc);
void cx_admission_decision_release(cx_admission_decision *d);
/* Adds a warning (len bytes, copied). False on OOM (the buffer's oom flag is set too). */
bool cx_admission_decision_warn(cx_admission_decision *d, const char *s, size_t len);

/* Appends the AdmissionReview response for a decision (NULL: allowed, nothing to say) to
 * `out`: uid echoed, a denial as status {code 403, reason Forbidden, message}, warnings one
 * line each; text from the decision that is not UTF-8 gets U+FFFD. False on OOM. */
bool cx_admission_write_response(cx_strbuf *out, const char *uid, const cx_admission_decision *d);

/*
 * Reviews one change. `policy` is never NULL (the defaults stand in). Returns CONTOUR_OK
 * with the decision filled; CONTOUR_ERR_NOMEM; or CONTOUR_ERR_INVALID / CONTOUR_ERR_LIMIT
 * when the review could not be made, with the reason in decision->message. Must be safe
 * to call from many threads at once on the same snapshot, graph and policy.
 */
contour_result cx_admission_decide(const contour_snapshot *snapshot, const contour_graph *base,
                                   const contour_policy *policy, const cx_admission_change *change,
                                   cx_admission_decision *decision);

#endif
