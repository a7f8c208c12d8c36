/*
 * cx_admission_decide() for a build without the what-if engine: every review fails with
 * one fixed reason, so a webhook answers HTTP 500 (its failurePolicy decides) instead of
 * inventing a verdict. lib/admission_internal.h says what replaces this file.
 */
#include "admission_internal.h"

contour_result cx_admission_decide(const contour_snapshot *snapshot, const contour_graph *base,
                                   const contour_policy *policy, const cx_admission_change *change,
                                   cx_admission_decision *decision)
{
    (void)snapshot;
    (void)base;
    (void)policy;
    (void)change;
    cx_strbuf_clear(&decision->message);
    cx_strbuf_puts(&decision->message, "what-if review is not available in this build");
    return decision->message.oom ? CONTOUR_ERR_NOMEM : CONTOUR_ERR_INVALID;
}
