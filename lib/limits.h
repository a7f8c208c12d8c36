/* Load limits, copied from the config into each snapshot. */
#ifndef CX_LIMITS_H
#define CX_LIMITS_H

#include <stdint.h>

#include "contour/common.h"

/* Number of contour_limit values (contour_limit_count() tells bindings). */
#define CX_LIMIT_COUNT 7

typedef struct cx_limits {
    uint64_t v[CX_LIMIT_COUNT]; /* indexed by contour_limit */
} cx_limits;

void cx_limits_default(cx_limits *l);

/* Diagnostics one input (one buffer, one file) may add to a snapshot; see cx_diag_budget.
 * About 1 KiB each, load to rendering, so an input costs at most ~10 MiB in diagnostics
 * however many problems it has. */
#define CX_DIAGNOSTICS_PER_INPUT 10000

#endif
