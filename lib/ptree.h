/*
 * A persistent, counted B+tree of pointers: the sequence type behind every list a graph
 * shows (virtual hosts, statuses, diagnostics) and the snapshot's ordered indexes.
 *
 *  - Counted: every node knows how many elements its subtree holds and up to CX_PT_AGG
 *    sums the elements contribute (cx_pt_ops.measure), so the i-th element, the element
 *    where a running sum crosses a value, and prefix sums are O(log n).
 *  - Persistent: nodes are reference counted and never change once shared. A change
 *    copies the nodes on one root-to-leaf path and shares the rest, so a new version
 *    costs O(B log n) memory and every older version stays valid and readable — by other
 *    threads too (reference counts are atomic). A node held only by the version being
 *    changed is changed in place.
 *  - Ordered or not: with ops->cmp the tree is a sorted multiset (find, insert, remove by
 *    value); without, a plain sequence edited by index.
 *
 * A cx_ptree value is one reference to one version. Copying the struct does not add a
 * reference: use cx_pt_copy(). Every call that changes a tree either succeeds or leaves
 * it exactly as it was (false: out of memory).
 */
#ifndef CX_PTREE_H
#define CX_PTREE_H

#include "alloc.h"

#include <stdatomic.h>

#define CX_PT_B    32 /* entries per node, at most */
#define CX_PT_AGG  3  /* sums kept per subtree */
#define CX_PT_MAXH 16 /* heights beyond this would need more than 2^64 elements */

typedef struct cx_pt_ops {
    /* Element order (NULL: a sequence, edited by index only). */
    int (*cmp)(const void *a, const void *b);
    /* The elements' own reference counts: a tree version holds one reference to each
     * element it contains. NULL: elements are not counted. */
    void (*retain)(void *elem);
    void (*release)(void *elem, const cx_alloc *alloc);
    /* Adds what an element contributes to each of the CX_PT_AGG sums. NULL: nothing. */
    void (*measure)(const void *elem, uint64_t agg[CX_PT_AGG]);
} cx_pt_ops;

typedef struct cx_pt_node {
    atomic_uint refs;
    uint8_t leaf;
    uint8_t n; /* entries in use */
    uint64_t count;
    uint64_t agg[CX_PT_AGG];
} cx_pt_node;

typedef struct cx_ptree {
    cx_pt_node *root; /* NULL: empty */
    const cx_pt_ops *ops;
    const cx_alloc *alloc; /* must outlive this version (not the nodes: those are shared) */
} cx_ptree;

void cx_pt_init(cx_ptree *t, const cx_pt_ops *ops, const cx_alloc *alloc);
/* Drops this reference; nodes (and elements) no other version holds are freed. */
void cx_pt_release(cx_ptree *t);
/* dst becomes another reference to src's version (allocating with `alloc`). O(1). */
void cx_pt_copy(cx_ptree *dst, const cx_ptree *src, const cx_alloc *alloc);
/* Replaces an empty tree's content with elems[0..n) in that order (sorted, for an ordered
 * tree), retaining each. O(n). */
bool cx_pt_build(cx_ptree *t, void *const *elems, size_t n);

static inline size_t cx_pt_count(const cx_ptree *t)
{
    return t->root ? (size_t)t->root->count : 0;
}
/* The sum k over every element. */
static inline uint64_t cx_pt_total(const cx_ptree *t, int k)
{
    return t->root ? t->root->agg[k] : 0;
}
/* Whether two trees are the same version (same root). */
static inline bool cx_pt_same(const cx_ptree *a, const cx_ptree *b)
{
    return a->root == b->root;
}

/* The element at index i, or NULL when out of range. O(log n). */
void *cx_pt_at(const cx_ptree *t, size_t i);
/* The element e at which sum k crosses `target`: sum_k(before e) <= target <
 * sum_k(before e) + measure_k(e). With a 0/1 measure, the target-th element that counts.
 * NULL when target >= the total. *index gets e's index when not NULL. */
void *cx_pt_select(const cx_ptree *t, int k, uint64_t target, size_t *index);
/* Sum k over elements [0, i). */
uint64_t cx_pt_prefix(const cx_ptree *t, int k, size_t i);

/* Ordered trees: the index of the first element not less than key, by cmpk(key, elem). */
size_t cx_pt_lower_bound(const cx_ptree *t, const void *key,
                         int (*cmpk)(const void *key, const void *elem));
/* The element equal to key, or NULL (the first of equals). */
void *cx_pt_find(const cx_ptree *t, const void *key, int (*cmpk)(const void *key, const void *elem),
                 size_t *index);

/* Edits by index (any tree). The new element is retained; a removed or replaced one is
 * released. False on OOM, the tree unchanged. */
bool cx_pt_insert_at(cx_ptree *t, size_t i, void *elem);
bool cx_pt_remove_at(cx_ptree *t, size_t i);
bool cx_pt_set_at(cx_ptree *t, size_t i, void *elem);

/* Ordered trees: inserts after any equal elements. */
bool cx_pt_insert(cx_ptree *t, void *elem);
/* Ordered trees: removes this very element (by pointer, among the elements equal to it).
 * False when absent (*found false) or on OOM (*found true). */
bool cx_pt_remove(cx_ptree *t, const void *elem, bool *found);

/* In-order iteration from an index, with the nodes on the path visible to cx_pt_diff. */
typedef struct cx_pt_iter {
    const cx_pt_node *node[CX_PT_MAXH];
    uint8_t idx[CX_PT_MAXH];
    int depth; /* levels on the stack; 0 at the end */
    size_t pos;
} cx_pt_iter;

void cx_pt_iter_init(cx_pt_iter *it, const cx_ptree *t, size_t start);
/* The next element, or NULL at the end. */
void *cx_pt_iter_next(cx_pt_iter *it);

/* Walks two ordered trees in step and calls back for every difference: (a, NULL) an
 * element only in `a`, (NULL, b) only in `b`, (a, b) equal by cmp but not the same
 * pointer. Subtrees the two versions share are skipped whole, so diffing a version with
 * one derived from it costs O(changes * B log n). A callback returning false stops the
 * walk (the call then returns false). */
bool cx_pt_diff(const cx_ptree *a, const cx_ptree *b,
                bool (*cb)(void *ctx, const void *in_a, const void *in_b), void *ctx);

#endif
