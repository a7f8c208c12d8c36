/*
 * Reference-counted blocks: what graph versions share with each other and with the
 * snapshot — loaded objects, their sources and keys, and the records resolution makes
 * (virtual hosts, statuses, per-object results). Each starts with a cx_shared whose count is
 * atomic (graphs are released from any thread) and which knows how to destroy its block.
 *
 * Destruction may release other blocks (a status releases its object, an object its key
 * and source). That chain follows the fixed shape of the model — never input — so it is
 * at most a handful of calls deep.
 *
 * A block may outlive whoever made it (a graph outlives its snapshot), so a destroy
 * function frees with the allocator it is given, never with one remembered inside the
 * block: arenas and vectors in blocks are released with cx_arena_release_with() and
 * cx_vec_release_with().
 */
#ifndef CX_SHARED_H
#define CX_SHARED_H

#include "alloc.h"

#include <stdatomic.h>

typedef struct cx_shared cx_shared;

/* Frees the block that starts with `self`, releasing what it holds. */
typedef void (*cx_shared_destroy_fn)(cx_shared *self, const cx_alloc *alloc);

struct cx_shared {
    atomic_uint refs;
    cx_shared_destroy_fn destroy;
};

static inline void cx_shared_init(cx_shared *r, cx_shared_destroy_fn destroy)
{
    atomic_init(&r->refs, 1);
    r->destroy = destroy;
}

static inline void cx_shared_retain(const cx_shared *r)
{
    atomic_fetch_add_explicit(&((cx_shared *)r)->refs, 1, memory_order_relaxed);
}

/* Drops one reference; the last one destroys the block. Accepts NULL. */
static inline void cx_shared_release(const cx_shared *r, const cx_alloc *alloc)
{
    if (r && atomic_fetch_sub_explicit(&((cx_shared *)r)->refs, 1, memory_order_acq_rel) == 1)
        r->destroy((cx_shared *)r, alloc);
}

#endif
