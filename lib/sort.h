/* Sorting the many small arrays of a resolution (a route's clusters, a vhost's routes):
 * insertion sort below a threshold, where the C library's qsort spends more on setting up
 * than on comparing. Stable for small arrays; falls back to qsort (not stable) above. */
#ifndef CX_SORT_H
#define CX_SORT_H

#include <stdlib.h>
#include <string.h>

#define CX_SORT_SMALL 12

static inline void cx_sort(void *base, size_t n, size_t size,
                           int (*cmp)(const void *, const void *))
{
    if (n > CX_SORT_SMALL) {
        qsort(base, n, size, cmp);
        return;
    }
    unsigned char *a = base, tmp[256];
    if (size > sizeof tmp) {
        qsort(base, n, size, cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        size_t j = i;
        memcpy(tmp, a + i * size, size);
        while (j > 0 && cmp(a + (j - 1) * size, tmp) > 0) {
            memcpy(a + j * size, a + (j - 1) * size, size);
            j--;
        }
        if (j != i)
            memcpy(a + j * size, tmp, size);
    }
}

#endif
