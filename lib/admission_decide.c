/*
 * cx_admission_decide(): the AdmissionReview layer's seam to the reviewer (see
 * lib/admission_internal.h). One change is reviewed with contour_review() and the verdict
 * copied into the decision.
 */
#include "admission_internal.h"

#include <string.h>

/* ---- decisions ---- */

void cx_admission_decision_init(cx_admission_decision *d, const cx_alloc *alloc)
{
    d->allowed = false;
    cx_strbuf_init(&d->message, alloc);
    cx_strbuf_init(&d->warnings, alloc);
    d->warning_count = 0;
}

void cx_admission_decision_release(cx_admission_decision *d)
{
    cx_strbuf_release(&d->message);
    cx_strbuf_release(&d->warnings);
    d->warning_count = 0;
}

bool cx_admission_decision_warn(cx_admission_decision *d, const char *s, size_t len)
{
    cx_strbuf_append(&d->warnings, s, len);
    cx_strbuf_putc(&d->warnings, '\0');
    if (d->warnings.oom)
        return false;
    d->warning_count++;
    return true;
}

static contour_result fail(cx_admission_decision *d, contour_result rc, const char *why)
{
    cx_strbuf_clear(&d->message);
    cx_strbuf_puts(&d->message, why);
    return d->message.oom ? CONTOUR_ERR_NOMEM : rc;
}

contour_result cx_admission_decide(const contour_snapshot *snapshot, const contour_graph *base,
                                   const contour_policy *policy, const cx_admission_change *change,
                                   cx_admission_decision *decision)
{
    contour_verdict *v = NULL;
    contour_result rc = contour_review(&v, snapshot, base, policy, change->operation, "<admission>",
                                       11, change->object, change->object_len, CONTOUR_FORMAT_JSON);
    switch (rc) {
    case CONTOUR_OK:
        break;
    case CONTOUR_ERR_NOMEM:
        return rc;
    case CONTOUR_ERR_LIMIT:
        return fail(decision, rc,
                    "the review could not be made: CONTOUR_LIMIT_ROUTES leaves a virtual host "
                    "out of the graph, or the object exceeds an input limit");
    default:
        return fail(decision, rc,
                    "the review could not be made: the graph is not of the snapshot's current "
                    "version, or the object is not exactly one object");
    }
    decision->allowed = contour_verdict_allowed(v);
    cx_strbuf_clear(&decision->message);
    if (!decision->allowed)
        cx_strbuf_puts(&decision->message, contour_verdict_message(v));
    bool ok = !decision->message.oom;
    for (size_t i = 0; ok && i < contour_verdict_warning_count(v); i++) {
        const char *w = contour_verdict_warning_at(v, i);
        ok = cx_admission_decision_warn(decision, w, strlen(w));
    }
    contour_verdict_free(v);
    return ok ? CONTOUR_OK : CONTOUR_ERR_NOMEM;
}
