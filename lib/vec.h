/* A growable array of fixed-size elements on a cx_alloc. Used for scratch stacks and
 * lists whose final size is unknown; long-lived results are copied into arenas. */
#ifndef CX_VEC_H
#define CX_VEC_H

#include "alloc.h"

#include <string.h>

typedef struct cx_vec {
    const cx_alloc *alloc;
    unsigned char *data;
    size_t len;    /* elements in use */
    size_t cap;    /* elements allocated */
    size_t elsize; /* bytes per element */
} cx_vec;

void cx_vec_init(cx_vec *v, const cx_alloc *alloc, size_t elsize);
void cx_vec_release(cx_vec *v);
/* Releases with `alloc` instead of the remembered allocator; see cx_arena_release_with(). */
void cx_vec_release_with(cx_vec *v, const cx_alloc *alloc);
/* Makes room for at least `extra` more elements; false on OOM or overflow. */
bool cx_vec_reserve(cx_vec *v, size_t extra);
/* Appends one element (copied from elem, or zeroed when elem is NULL); returns its address. */
static inline void *cx_vec_push(cx_vec *v, const void *elem)
{
    if (v->len == v->cap && !cx_vec_reserve(v, 1))
        return NULL;
    void *slot = v->data + v->len * v->elsize;
    if (elem)
        memcpy(slot, elem, v->elsize);
    else
        memset(slot, 0, v->elsize);
    v->len++;
    return slot;
}
static inline void *cx_vec_at(const cx_vec *v, size_t i)
{
    return v->data + i * v->elsize;
}

#endif
