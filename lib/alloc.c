#include "alloc.h"

#include <stdlib.h>
#include <string.h>

void *cx_libc_malloc(size_t size, void *ud)
{
    (void)ud;
    return malloc(size);
}

void *cx_libc_realloc(void *ptr, size_t size, void *ud)
{
    (void)ud;
    return realloc(ptr, size);
}

void cx_libc_free(void *ptr, void *ud)
{
    (void)ud;
    free(ptr);
}

const cx_alloc cx_default_alloc = {cx_libc_malloc, cx_libc_realloc, cx_libc_free, NULL};

void *cx_malloc(const cx_alloc *a, size_t size)
{
    if (size == 0)
        return NULL;
    return a->malloc_fn(size, a->user_data);
}

void *cx_calloc(const cx_alloc *a, size_t count, size_t size)
{
    size_t total;
    if (!cx_size_mul(count, size, &total) || total == 0)
        return NULL;
    void *p = a->malloc_fn(total, a->user_data);
    if (p)
        memset(p, 0, total);
    return p;
}

void *cx_realloc(const cx_alloc *a, void *ptr, size_t size)
{
    if (size == 0)
        return NULL;
    if (!ptr)
        return a->malloc_fn(size, a->user_data);
    return a->realloc_fn(ptr, size, a->user_data);
}

void cx_free(const cx_alloc *a, void *ptr)
{
    if (ptr)
        a->free_fn(ptr, a->user_data);
}
