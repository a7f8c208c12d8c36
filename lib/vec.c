#include "vec.h"

#include <string.h>

void cx_vec_init(cx_vec *v, const cx_alloc *alloc, size_t elsize)
{
    v->alloc = alloc;
    v->data = NULL;
    v->len = 0;
    v->cap = 0;
    v->elsize = elsize;
}

void cx_vec_release_with(cx_vec *v, const cx_alloc *alloc)
{
    v->alloc = alloc;
    cx_vec_release(v);
}

void cx_vec_release(cx_vec *v)
{
    cx_free(v->alloc, v->data);
    v->data = NULL;
    v->len = 0;
    v->cap = 0;
}

bool cx_vec_reserve(cx_vec *v, size_t extra)
{
    size_t need;
    if (!cx_size_add(v->len, extra, &need))
        return false;
    if (need <= v->cap)
        return true;
    size_t cap = v->cap ? v->cap : 8;
    while (cap < need) {
        if (!cx_size_mul(cap, 2, &cap))
            return false;
    }
    size_t bytes;
    if (!cx_size_mul(cap, v->elsize, &bytes))
        return false;
    unsigned char *p = cx_realloc(v->alloc, v->data, bytes);
    if (!p)
        return false;
    v->data = p;
    v->cap = cap;
    return true;
}
