/* Three-way comparisons shared by the sort functions. */
#ifndef CX_COMPARE_H
#define CX_COMPARE_H

#include <stdint.h>
#include <string.h>

/* strcmp where NULL sorts before every string. */
static inline int cx_cmp_nullable_str(const char *a, const char *b)
{
    if (a == b)
        return 0;
    if (!a)
        return -1;
    if (!b)
        return 1;
    return strcmp(a, b);
}

static inline int cx_cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

#endif
