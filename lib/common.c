#include "contour/common.h"
#include "contour/graph.h"
#include "contour/version.h"
#include "diag.h"
#include "limits.h"
#include "model.h"

const char *contour_result_str(contour_result result)
{
    switch (result) {
    case CONTOUR_OK:
        return "success";
    case CONTOUR_ERR_NOMEM:
        return "out of memory";
    case CONTOUR_ERR_INVALID:
        return "invalid argument";
    case CONTOUR_ERR_NOT_FOUND:
        return "not found";
    case CONTOUR_ERR_IO:
        return "input/output error";
    case CONTOUR_ERR_LIMIT:
        return "limit exceeded";
    }
    return "unknown result";
}

size_t contour_kind_count(void)
{
    return CX_KIND_COUNT;
}

size_t contour_severity_count(void)
{
    return CX_SEVERITY_COUNT;
}

size_t contour_limit_count(void)
{
    return CX_LIMIT_COUNT;
}

const char *contour_kind_name(contour_kind kind)
{
    switch (kind) {
    case CONTOUR_KIND_INGRESSROUTE:
        return "IngressRoute";
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION:
        return "TLSCertificateDelegation";
    case CONTOUR_KIND_INGRESS:
        return "Ingress";
    case CONTOUR_KIND_SERVICE:
        return "Service";
    case CONTOUR_KIND_SECRET:
        return "Secret";
    case CONTOUR_KIND_NONE:
        break;
    }
    return "";
}

const char *contour_severity_name(contour_severity severity)
{
    switch (severity) {
    case CONTOUR_SEVERITY_INFO:
        return "info";
    case CONTOUR_SEVERITY_WARNING:
        return "warning";
    case CONTOUR_SEVERITY_ERROR:
        return "error";
    }
    return "";
}

const char *contour_state_name(contour_state state)
{
    switch (state) {
    case CONTOUR_STATE_VALID:
        return "valid";
    case CONTOUR_STATE_INVALID:
        return "invalid";
    case CONTOUR_STATE_ORPHANED:
        return "orphaned";
    }
    return "";
}

uint32_t contour_version(void)
{
    return CONTOUR_VERSION_NUMBER;
}

const char *contour_version_string(void)
{
    return CONTOUR_VERSION_STRING;
}
