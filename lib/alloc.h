/* The allocator seam: every allocation the library makes goes through a cx_alloc, so an
 * embedder's allocator and the tests' failure injection see all of them. */
#ifndef CX_ALLOC_H
#define CX_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cx_alloc {
    void *(*malloc_fn)(size_t size, void *user_data);
    void *(*realloc_fn)(void *ptr, size_t size, void *user_data);
    void (*free_fn)(void *ptr, void *user_data);
    void *user_data;
} cx_alloc;

/* The C library's allocator. */
extern const cx_alloc cx_default_alloc;
void *cx_libc_malloc(size_t size, void *user_data);
void *cx_libc_realloc(void *ptr, size_t size, void *user_data);
void cx_libc_free(void *ptr, void *user_data);

/* Returns NULL for size 0 as well as on failure; callers never ask for 0 bytes. */
void *cx_malloc(const cx_alloc *a, size_t size);
void *cx_calloc(const cx_alloc *a, size_t count, size_t size);
void *cx_realloc(const cx_alloc *a, void *ptr, size_t size);
void cx_free(const cx_alloc *a, void *ptr);

/* Overflow-checked size arithmetic: false when the result does not fit in size_t. */
static inline bool cx_size_mul(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

static inline bool cx_size_add(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

#endif
