/* Review policies, and the names of operations and findings (admission.h). */
#include "admission_internal.h"

#include <string.h>

_Static_assert(CX_FINDING_COUNT == CONTOUR_FINDING_WARNINGS + 1, "CX_FINDING_COUNT is stale");

/* The defaults listed under contour_finding in admission.h. */
const contour_policy cx_policy_defaults = {
    {
        [CONTOUR_FINDING_INVALID] = CONTOUR_POLICY_DENY,
        [CONTOUR_FINDING_ORPHANED] = CONTOUR_POLICY_WARN,
        [CONTOUR_FINDING_BREAKS_OTHERS] = CONTOUR_POLICY_DENY,
        [CONTOUR_FINDING_DROPS_ROUTES] = CONTOUR_POLICY_DENY,
        [CONTOUR_FINDING_TAKES_ROUTES] = CONTOUR_POLICY_WARN,
        [CONTOUR_FINDING_DROPS_TLS] = CONTOUR_POLICY_DENY,
        [CONTOUR_FINDING_WARNINGS] = CONTOUR_POLICY_WARN,
    },
    5,
};

static const char *const finding_names[CX_FINDING_COUNT] = {
    [CONTOUR_FINDING_INVALID] = "invalid",
    [CONTOUR_FINDING_ORPHANED] = "orphaned",
    [CONTOUR_FINDING_BREAKS_OTHERS] = "breaks-others",
    [CONTOUR_FINDING_DROPS_ROUTES] = "drops-routes",
    [CONTOUR_FINDING_TAKES_ROUTES] = "takes-routes",
    [CONTOUR_FINDING_DROPS_TLS] = "drops-tls",
    [CONTOUR_FINDING_WARNINGS] = "warnings",
};

const char *contour_operation_name(contour_operation operation)
{
    switch (operation) {
    case CONTOUR_OPERATION_CREATE:
        return "CREATE";
    case CONTOUR_OPERATION_UPDATE:
        return "UPDATE";
    case CONTOUR_OPERATION_DELETE:
        return "DELETE";
    }
    return "";
}

size_t contour_finding_count(void)
{
    return CX_FINDING_COUNT;
}

/* Enums may hold any int: compare as unsigned so negative values are out of range too. */
static bool valid_finding(contour_finding finding)
{
    return (unsigned)finding < CX_FINDING_COUNT;
}

const char *contour_finding_name(contour_finding finding)
{
    return valid_finding(finding) ? finding_names[finding] : "";
}

contour_result contour_policy_new(contour_policy **out)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    /* A policy has no config, hence no allocator of its own: the C library's. */
    contour_policy *p = cx_malloc(&cx_default_alloc, sizeof *p);
    *out = p;
    if (!p)
        return CONTOUR_ERR_NOMEM;
    *p = cx_policy_defaults;
    return CONTOUR_OK;
}

void contour_policy_free(contour_policy *policy)
{
    cx_free(&cx_default_alloc, policy);
}

contour_result contour_policy_set_action(contour_policy *policy, contour_finding finding,
                                         contour_policy_action action)
{
    if (!policy || !valid_finding(finding) || (unsigned)action > CONTOUR_POLICY_DENY)
        return CONTOUR_ERR_INVALID;
    policy->action[finding] = (uint8_t)action;
    return CONTOUR_OK;
}

contour_policy_action contour_policy_action_of(const contour_policy *policy,
                                               contour_finding finding)
{
    if (!policy || !valid_finding(finding))
        return CONTOUR_POLICY_ALLOW;
    return (contour_policy_action)policy->action[finding];
}

contour_result contour_policy_set_max_listed(contour_policy *policy, uint32_t max)
{
    if (!policy || max < 1 || max > 1000)
        return CONTOUR_ERR_INVALID;
    policy->max_listed = max;
    return CONTOUR_OK;
}
