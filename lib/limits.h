/* Load limits, copied from the config into each snapshot. */
#ifndef CX_LIMITS_H
#define CX_LIMITS_H

#include <stdint.h>

#include "contour/common.h"

typedef struct cx_limits {
    uint64_t v[CONTOUR_LIMIT_COUNT]; /* indexed by contour_limit */
} cx_limits;

void cx_limits_default(cx_limits *l);

#endif
