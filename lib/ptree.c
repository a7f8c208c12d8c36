/*
 * The persistent counted B+tree of ptree.h. Leaves hold elements; inner nodes hold, per
 * child, the child itself and copies of what searches need without touching it (its
 * first element, its count and its sums), so a lookup reads one node per level.
 *
 * Changes are copy-on-write: cx_pt_own() makes the node behind a slot private to the
 * version being changed (copying it unless this version is its only holder), top-down
 * along one path; the change is then made in place and the copies' summaries are
 * refreshed bottom-up. Every allocation a change needs is made before anything changes,
 * so an allocation failure leaves the tree as it was.
 *
 * Recursion is bounded by the height (at most CX_PT_MAXH): never by input.
 */
#include "ptree.h"

#include <string.h>

typedef struct pt_leaf {
    cx_pt_node h;
    void *e[CX_PT_B];
} pt_leaf;

typedef struct pt_inner {
    cx_pt_node h;
    cx_pt_node *kid[CX_PT_B];
    void *kmin[CX_PT_B]; /* first element of each child's subtree */
    uint64_t kcount[CX_PT_B];
    uint64_t kagg[CX_PT_B][CX_PT_AGG];
} pt_inner;

#define LEAF(n)  ((pt_leaf *)(n))
#define INNER(n) ((pt_inner *)(n))
#define FILL     28 /* entries per node after a bulk build: room for a few inserts */

/* ---- nodes ---- */

static cx_pt_node *node_new(const cx_alloc *a, bool leaf)
{
    cx_pt_node *n = cx_malloc(a, leaf ? sizeof(pt_leaf) : sizeof(pt_inner));
    if (!n)
        return NULL;
    memset(n, 0, leaf ? sizeof(pt_leaf) : sizeof(pt_inner));
    atomic_init(&n->refs, 1);
    n->leaf = leaf;
    return n;
}

static void node_retain(cx_pt_node *n)
{
    atomic_fetch_add_explicit(&n->refs, 1, memory_order_relaxed);
}

static void node_release(const cx_pt_ops *ops, const cx_alloc *a, cx_pt_node *n)
{
    if (!n || atomic_fetch_sub_explicit(&n->refs, 1, memory_order_acq_rel) != 1)
        return;
    if (n->leaf) {
        if (ops->release) {
            for (int i = 0; i < n->n; i++)
                ops->release(LEAF(n)->e[i], a);
        }
    } else {
        for (int i = 0; i < n->n; i++)
            node_release(ops, a, INNER(n)->kid[i]);
    }
    cx_free(a, n);
}

/* Frees a node this change allocated but did not use (no children or elements held). */
static void node_discard(const cx_alloc *a, cx_pt_node *n)
{
    cx_free(a, n);
}

static void *first_elem(const cx_pt_node *n)
{
    return n->leaf ? LEAF(n)->e[0] : INNER(n)->kmin[0];
}

static void refresh_leaf(const cx_pt_ops *ops, pt_leaf *l)
{
    l->h.count = l->h.n;
    memset(l->h.agg, 0, sizeof l->h.agg);
    if (ops->measure) {
        for (int i = 0; i < l->h.n; i++)
            ops->measure(l->e[i], l->h.agg);
    }
}

static void refresh_inner(pt_inner *p)
{
    p->h.count = 0;
    memset(p->h.agg, 0, sizeof p->h.agg);
    for (int i = 0; i < p->h.n; i++) {
        p->h.count += p->kcount[i];
        for (int k = 0; k < CX_PT_AGG; k++)
            p->h.agg[k] += p->kagg[i][k];
    }
}

/* Copies a child's summary into its parent's slot j. */
static void set_child(pt_inner *p, int j, cx_pt_node *c)
{
    p->kid[j] = c;
    p->kmin[j] = first_elem(c);
    p->kcount[j] = c->count;
    memcpy(p->kagg[j], c->agg, sizeof c->agg);
}

static cx_pt_node *node_copy(const cx_pt_ops *ops, const cx_alloc *a, const cx_pt_node *n)
{
    cx_pt_node *c = node_new(a, n->leaf);
    if (!c)
        return NULL;
    if (n->leaf) {
        memcpy(c, n, sizeof(pt_leaf));
        if (ops->retain) {
            for (int i = 0; i < n->n; i++)
                ops->retain(LEAF(n)->e[i]);
        }
    } else {
        memcpy(c, n, sizeof(pt_inner));
        for (int i = 0; i < n->n; i++)
            node_retain(INNER(n)->kid[i]);
    }
    atomic_init(&c->refs, 1);
    return c;
}

/* Makes the node in *slot private to this version (see the file comment). */
static cx_pt_node *own(const cx_ptree *t, cx_pt_node **slot)
{
    cx_pt_node *n = *slot;
    if (atomic_load_explicit(&n->refs, memory_order_acquire) == 1)
        return n;
    cx_pt_node *c = node_copy(t->ops, t->alloc, n);
    if (!c)
        return NULL;
    node_release(t->ops, t->alloc, n); /* others still hold it: this only drops our count */
    *slot = c;
    return c;
}

/* ---- versions ---- */

void cx_pt_init(cx_ptree *t, const cx_pt_ops *ops, const cx_alloc *alloc)
{
    t->root = NULL;
    t->ops = ops;
    t->alloc = alloc;
}

void cx_pt_release(cx_ptree *t)
{
    node_release(t->ops, t->alloc, t->root);
    t->root = NULL;
}

void cx_pt_copy(cx_ptree *dst, const cx_ptree *src, const cx_alloc *alloc)
{
    dst->root = src->root;
    dst->ops = src->ops;
    dst->alloc = alloc;
    if (dst->root)
        node_retain(dst->root);
}

bool cx_pt_build(cx_ptree *t, void *const *elems, size_t n)
{
    if (t->root || n == 0)
        return !t->root || n == 0;
    const cx_alloc *a = t->alloc;
    /* One level at a time: nodes of FILL entries, the last one possibly smaller. */
    size_t count = (n + FILL - 1) / FILL;
    cx_pt_node **level = cx_malloc(a, count * sizeof *level);
    if (!level)
        return false;
    size_t made = 0;
    for (size_t i = 0; i < n; i += FILL, made++) {
        pt_leaf *l = (pt_leaf *)node_new(a, true);
        if (!l)
            goto fail;
        size_t m = n - i < FILL ? n - i : FILL;
        for (size_t k = 0; k < m; k++) {
            l->e[k] = elems[i + k];
            if (t->ops->retain)
                t->ops->retain(elems[i + k]);
        }
        l->h.n = (uint8_t)m;
        refresh_leaf(t->ops, l);
        level[made] = &l->h;
    }
    while (count > 1) {
        size_t up = (count + FILL - 1) / FILL;
        made = 0;
        for (size_t i = 0; i < count; i += FILL, made++) {
            pt_inner *p = (pt_inner *)node_new(a, false);
            if (!p) {
                /* level[0 .. made) already hold the children of the first `made` new
                 * nodes; release those, and the rest of the lower level. */
                for (size_t k = 0; k < made; k++)
                    node_release(t->ops, a, level[k]);
                for (size_t k = i; k < count; k++)
                    node_release(t->ops, a, level[k]);
                cx_free(a, level);
                return false;
            }
            size_t m = count - i < FILL ? count - i : FILL;
            for (size_t k = 0; k < m; k++)
                set_child(p, (int)k, level[i + k]);
            p->h.n = (uint8_t)m;
            refresh_inner(p);
            level[made] = &p->h;
        }
        count = up;
    }
    t->root = level[0];
    cx_free(a, level);
    return true;
fail:
    for (size_t k = 0; k < made; k++)
        node_release(t->ops, a, level[k]);
    cx_free(a, level);
    return false;
}

/* ---- reading ---- */

void *cx_pt_at(const cx_ptree *t, size_t i)
{
    const cx_pt_node *n = t->root;
    if (!n || i >= n->count)
        return NULL;
    while (!n->leaf) {
        const pt_inner *p = INNER(n);
        int j = 0;
        while (i >= p->kcount[j]) {
            i -= p->kcount[j];
            j++;
        }
        n = p->kid[j];
    }
    return LEAF(n)->e[i];
}

void *cx_pt_select(const cx_ptree *t, int k, uint64_t target, size_t *index)
{
    const cx_pt_node *n = t->root;
    if (!n || target >= n->agg[k])
        return NULL;
    size_t pos = 0;
    while (!n->leaf) {
        const pt_inner *p = INNER(n);
        int j = 0;
        while (target >= p->kagg[j][k]) {
            target -= p->kagg[j][k];
            pos += p->kcount[j];
            j++;
        }
        n = p->kid[j];
    }
    const pt_leaf *l = LEAF(n);
    for (int i = 0; i < l->h.n; i++) {
        uint64_t m[CX_PT_AGG] = {0};
        t->ops->measure(l->e[i], m);
        if (target < m[k]) {
            if (index)
                *index = pos + (size_t)i;
            return l->e[i];
        }
        target -= m[k];
    }
    return NULL; /* unreachable when the summaries are right */
}

uint64_t cx_pt_prefix(const cx_ptree *t, int k, size_t i)
{
    const cx_pt_node *n = t->root;
    if (!n)
        return 0;
    if (i >= n->count)
        return n->agg[k];
    uint64_t sum = 0;
    while (!n->leaf) {
        const pt_inner *p = INNER(n);
        int j = 0;
        while (i >= p->kcount[j]) {
            i -= p->kcount[j];
            sum += p->kagg[j][k];
            j++;
        }
        n = p->kid[j];
    }
    if (t->ops->measure) {
        for (size_t e = 0; e < i; e++) {
            uint64_t m[CX_PT_AGG] = {0};
            t->ops->measure(LEAF(n)->e[e], m);
            sum += m[k];
        }
    }
    return sum;
}

/* First index whose element is >= key (upper: > key), by cmpk or, when NULL, ops->cmp. */
static int key_cmp(const cx_ptree *t, int (*cmpk)(const void *, const void *), const void *key,
                   const void *elem)
{
    return cmpk ? cmpk(key, elem) : t->ops->cmp(key, elem);
}

static size_t bound(const cx_ptree *t, const void *key,
                    int (*cmpk)(const void *key, const void *elem), bool upper)
{
    const cx_pt_node *n = t->root;
    if (!n)
        return 0;
    size_t pos = 0;
    while (!n->leaf) {
        const pt_inner *p = INNER(n);
        /* First child whose first element is past the bound; the answer starts in the
         * child before it (or at its start, found as the end of that child). */
        int lo = 0, hi = p->h.n;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            int c = key_cmp(t, cmpk, key, p->kmin[mid]);
            if (upper ? c >= 0 : c > 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        int j = lo > 0 ? lo - 1 : 0;
        for (int x = 0; x < j; x++)
            pos += p->kcount[x];
        n = p->kid[j];
    }
    const pt_leaf *l = LEAF(n);
    int lo = 0, hi = l->h.n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int c = key_cmp(t, cmpk, key, l->e[mid]);
        if (upper ? c >= 0 : c > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return pos + (size_t)lo;
}

size_t cx_pt_lower_bound(const cx_ptree *t, const void *key,
                         int (*cmpk)(const void *key, const void *elem))
{
    return bound(t, key, cmpk, false);
}

void *cx_pt_find(const cx_ptree *t, const void *key, int (*cmpk)(const void *key, const void *elem),
                 size_t *index)
{
    size_t i = bound(t, key, cmpk, false);
    void *e = cx_pt_at(t, i);
    if (!e || cmpk(key, e) != 0)
        return NULL;
    if (index)
        *index = i;
    return e;
}

/* ---- changing ---- */

typedef struct path {
    cx_pt_node **slot[CX_PT_MAXH]; /* where each node on the path hangs */
    int child[CX_PT_MAXH];         /* index taken in each inner node (element in the leaf) */
    int depth;
} path;

/* Walks to position i (i == count: the end), making every node on the way private. For
 * an insert, position i may be the end of a child. False on OOM. */
static bool descend(cx_ptree *t, size_t i, bool inserting, path *p)
{
    cx_pt_node **slot = &t->root;
    p->depth = 0;
    for (;;) {
        cx_pt_node *n = own(t, slot);
        if (!n)
            return false;
        p->slot[p->depth] = slot;
        if (n->leaf) {
            p->child[p->depth++] = (int)i;
            return true;
        }
        pt_inner *q = INNER(n);
        int j = 0;
        while (j < q->h.n - 1 && (inserting ? i > q->kcount[j] : i >= q->kcount[j])) {
            i -= q->kcount[j];
            j++;
        }
        p->child[p->depth++] = j;
        slot = &q->kid[j];
    }
}

/* Recomputes the summaries of every node on the path, leaf first. */
static void refresh_path(const cx_ptree *t, const path *p)
{
    for (int d = p->depth - 1; d >= 0; d--) {
        cx_pt_node *n = *p->slot[d];
        if (n->leaf) {
            refresh_leaf(t->ops, LEAF(n));
        } else {
            pt_inner *q = INNER(n);
            for (int j = 0; j < q->h.n; j++)
                set_child(q, j, q->kid[j]);
            refresh_inner(q);
        }
    }
}

/* Splits a full node in two: the upper half moves to `right` (a fresh node). */
static void split(cx_pt_node *n, cx_pt_node *right)
{
    int half = CX_PT_B / 2;
    if (n->leaf) {
        memcpy(LEAF(right)->e, LEAF(n)->e + half, (size_t)half * sizeof(void *));
    } else {
        pt_inner *a = INNER(n), *b = INNER(right);
        memcpy(b->kid, a->kid + half, (size_t)half * sizeof a->kid[0]);
        memcpy(b->kmin, a->kmin + half, (size_t)half * sizeof a->kmin[0]);
        memcpy(b->kcount, a->kcount + half, (size_t)half * sizeof a->kcount[0]);
        memcpy(b->kagg, a->kagg + half, (size_t)half * sizeof a->kagg[0]);
    }
    n->n = (uint8_t)half;
    right->n = (uint8_t)half;
}

/* Inserts child c at index j of inner node q (which has room). */
static void inner_insert(pt_inner *q, int j, cx_pt_node *c)
{
    int m = q->h.n - j;
    memmove(q->kid + j + 1, q->kid + j, (size_t)m * sizeof q->kid[0]);
    memmove(q->kmin + j + 1, q->kmin + j, (size_t)m * sizeof q->kmin[0]);
    memmove(q->kcount + j + 1, q->kcount + j, (size_t)m * sizeof q->kcount[0]);
    memmove(q->kagg + j + 1, q->kagg + j, (size_t)m * sizeof q->kagg[0]);
    q->h.n++;
    set_child(q, j, c);
}

static void inner_remove(pt_inner *q, int j)
{
    int m = q->h.n - j - 1;
    memmove(q->kid + j, q->kid + j + 1, (size_t)m * sizeof q->kid[0]);
    memmove(q->kmin + j, q->kmin + j + 1, (size_t)m * sizeof q->kmin[0]);
    memmove(q->kcount + j, q->kcount + j + 1, (size_t)m * sizeof q->kcount[0]);
    memmove(q->kagg + j, q->kagg + j + 1, (size_t)m * sizeof q->kagg[0]);
    q->h.n--;
}

bool cx_pt_insert_at(cx_ptree *t, size_t i, void *elem)
{
    const cx_alloc *a = t->alloc;
    if (i > cx_pt_count(t))
        return false;
    if (!t->root) {
        pt_leaf *l = (pt_leaf *)node_new(a, true);
        if (!l)
            return false;
        l->e[0] = elem;
        l->h.n = 1;
        if (t->ops->retain)
            t->ops->retain(elem);
        refresh_leaf(t->ops, l);
        t->root = &l->h;
        return true;
    }
    /* Every split this insert causes needs one node, and a split root a new root: count
     * the full nodes at the bottom of the path and allocate them all first. */
    int full = 0, height = 0;
    {
        const cx_pt_node *n = t->root;
        size_t r = i;
        int run = 0;
        for (;;) {
            height++;
            run = n->n == CX_PT_B ? run + 1 : 0;
            if (n->leaf)
                break;
            const pt_inner *q = INNER(n);
            int j = 0;
            while (j < q->h.n - 1 && r > q->kcount[j]) {
                r -= q->kcount[j];
                j++;
            }
            n = q->kid[j];
        }
        full = run;
    }
    cx_pt_node *spare[CX_PT_MAXH + 1];
    int nspare = full + (full == height ? 1 : 0);
    for (int s = 0; s < nspare; s++) {
        /* The bottom `full` nodes of the path: the leaf, then inner nodes. */
        bool leaf = s == 0 && full > 0;
        spare[s] = node_new(a, s < full ? leaf : false);
        if (!spare[s]) {
            for (int x = 0; x < s; x++)
                node_discard(a, spare[x]);
            return false;
        }
    }
    path p;
    if (!descend(t, i, true, &p)) {
        for (int x = 0; x < nspare; x++)
            node_discard(a, spare[x]);
        return false;
    }
    if (t->ops->retain)
        t->ops->retain(elem);

    /* The leaf: insert, splitting first when full. */
    int d = p.depth - 1;
    cx_pt_node *n = *p.slot[d];
    int at = p.child[d];
    int used = 0;
    cx_pt_node *carry = NULL; /* a new right sibling to hang next to the node below */
    if (n->n == CX_PT_B) {
        carry = spare[used++];
        split(n, carry);
        if (at > CX_PT_B / 2) {
            at -= CX_PT_B / 2;
            n = carry;
        }
    }
    memmove(LEAF(n)->e + at + 1, LEAF(n)->e + at, (size_t)(n->n - at) * sizeof(void *));
    LEAF(n)->e[at] = elem;
    n->n++;
    refresh_leaf(t->ops, LEAF(*p.slot[d]));
    if (carry)
        refresh_leaf(t->ops, LEAF(carry));

    /* Up to the root: refresh each parent's summary of the changed child, and hang a new
     * sibling next to it, splitting the parent when it is full. */
    for (d = p.depth - 2; d >= 0; d--) {
        pt_inner *q = INNER(*p.slot[d]);
        int j = p.child[d];
        set_child(q, j, q->kid[j]);
        cx_pt_node *c = carry;
        carry = NULL;
        if (c && q->h.n == CX_PT_B) {
            cx_pt_node *r = spare[used++];
            split(&q->h, r);
            if (j + 1 > CX_PT_B / 2)
                inner_insert(INNER(r), j + 1 - CX_PT_B / 2, c);
            else
                inner_insert(q, j + 1, c);
            refresh_inner(INNER(r));
            carry = r;
        } else if (c) {
            inner_insert(q, j + 1, c);
        }
        refresh_inner(q);
    }
    if (carry) {
        /* The root split: a new root over the two halves. */
        pt_inner *root = INNER(spare[used++]);
        set_child(root, 0, t->root);
        set_child(root, 1, carry);
        root->h.n = 2;
        refresh_inner(root);
        t->root = &root->h;
    }
    for (int x = used; x < nspare; x++)
        node_discard(a, spare[x]);
    return true;
}

/* Merges child j+1 of q into child j when both fit in one node (and it can be made
 * private: on OOM the tree simply stays less compact). */
static void try_merge(cx_ptree *t, pt_inner *q, int j)
{
    if (j < 0 || j + 1 >= q->h.n || q->kid[j]->n + q->kid[j + 1]->n > CX_PT_B)
        return;
    cx_pt_node *l = own(t, &q->kid[j]);
    if (!l)
        return;
    cx_pt_node *r = q->kid[j + 1];
    int ln = l->n, rn = r->n;
    if (l->leaf) {
        memcpy(LEAF(l)->e + ln, LEAF(r)->e, (size_t)rn * sizeof(void *));
        if (t->ops->retain) {
            for (int x = 0; x < rn; x++)
                t->ops->retain(LEAF(r)->e[x]);
        }
        l->n = (uint8_t)(ln + rn);
        refresh_leaf(t->ops, LEAF(l));
    } else {
        pt_inner *a = INNER(l), *b = INNER(r);
        for (int x = 0; x < rn; x++) {
            a->kid[ln + x] = b->kid[x];
            node_retain(b->kid[x]);
            a->kmin[ln + x] = b->kmin[x];
            a->kcount[ln + x] = b->kcount[x];
            memcpy(a->kagg[ln + x], b->kagg[x], sizeof b->kagg[x]);
        }
        l->n = (uint8_t)(ln + rn);
        refresh_inner(a);
    }
    set_child(q, j, l);
    inner_remove(q, j + 1);
    node_release(t->ops, t->alloc, r);
}

bool cx_pt_remove_at(cx_ptree *t, size_t i)
{
    if (i >= cx_pt_count(t))
        return false;
    path p;
    if (!descend(t, i, false, &p))
        return false;
    int d = p.depth - 1;
    cx_pt_node *n = *p.slot[d];
    int at = p.child[d];
    void *gone = LEAF(n)->e[at];
    memmove(LEAF(n)->e + at, LEAF(n)->e + at + 1, (size_t)(n->n - at - 1) * sizeof(void *));
    n->n--;
    refresh_leaf(t->ops, LEAF(n));
    if (t->ops->release)
        t->ops->release(gone, t->alloc);

    /* Upwards: drop emptied children, merge small ones into a neighbour. */
    for (d = p.depth - 2; d >= 0; d--) {
        pt_inner *q = INNER(*p.slot[d]);
        int j = p.child[d];
        cx_pt_node *c = q->kid[j];
        if (c->n == 0) {
            inner_remove(q, j);
            node_release(t->ops, t->alloc, c);
        } else {
            set_child(q, j, c);
            if (c->n < CX_PT_B / 4) {
                if (j + 1 < q->h.n)
                    try_merge(t, q, j);
                else
                    try_merge(t, q, j - 1);
            }
        }
        refresh_inner(q);
    }
    /* An emptied root goes; a root with one child hands over to it. */
    while (t->root && (t->root->n == 0 || (!t->root->leaf && t->root->n == 1))) {
        cx_pt_node *old = t->root;
        if (old->n == 0) {
            t->root = NULL;
        } else {
            t->root = INNER(old)->kid[0];
            node_retain(t->root);
        }
        node_release(t->ops, t->alloc, old);
    }
    return true;
}

bool cx_pt_set_at(cx_ptree *t, size_t i, void *elem)
{
    if (i >= cx_pt_count(t))
        return false;
    path p;
    if (!descend(t, i, false, &p))
        return false;
    cx_pt_node *n = *p.slot[p.depth - 1];
    int at = p.child[p.depth - 1];
    void *old = LEAF(n)->e[at];
    if (t->ops->retain)
        t->ops->retain(elem);
    LEAF(n)->e[at] = elem;
    if (t->ops->release)
        t->ops->release(old, t->alloc);
    refresh_path(t, &p);
    return true;
}

bool cx_pt_insert(cx_ptree *t, void *elem)
{
    return cx_pt_insert_at(t, bound(t, elem, NULL, true), elem);
}

bool cx_pt_remove(cx_ptree *t, const void *elem, bool *found)
{
    size_t i = bound(t, elem, NULL, false);
    cx_pt_iter it;
    cx_pt_iter_init(&it, t, i);
    for (;;) {
        void *e = cx_pt_iter_next(&it);
        if (!e || t->ops->cmp(elem, e) != 0) {
            *found = false;
            return false;
        }
        if (e == elem) {
            *found = true;
            return cx_pt_remove_at(t, it.pos - 1);
        }
    }
}

/* ---- iteration ---- */

/* From node[depth-1] (just pushed), goes down to the leftmost leaf below it. */
static void leftmost(cx_pt_iter *it)
{
    const cx_pt_node *n = it->node[it->depth - 1];
    /* A tree is never higher than CX_PT_MAXH; the bound also tells the compiler so. */
    while (!n->leaf && it->depth < CX_PT_MAXH) {
        n = INNER(n)->kid[it->idx[it->depth - 1]];
        it->node[it->depth] = n;
        it->idx[it->depth] = 0;
        it->depth++;
    }
}

void cx_pt_iter_init(cx_pt_iter *it, const cx_ptree *t, size_t start)
{
    it->depth = 0;
    it->pos = start;
    const cx_pt_node *n = t->root;
    if (!n || start >= n->count)
        return;
    size_t i = start;
    for (;;) {
        it->node[it->depth] = n;
        if (n->leaf) {
            it->idx[it->depth++] = (uint8_t)i;
            return;
        }
        const pt_inner *q = INNER(n);
        int j = 0;
        while (i >= q->kcount[j]) {
            i -= q->kcount[j];
            j++;
        }
        it->idx[it->depth++] = (uint8_t)j;
        n = q->kid[j];
    }
}

/* The element under the iterator, or NULL at the end. */
static void *iter_cur(const cx_pt_iter *it)
{
    if (it->depth == 0)
        return NULL;
    return LEAF(it->node[it->depth - 1])->e[it->idx[it->depth - 1]];
}

/* Pops levels d and below, then moves to the next child of the deepest ancestor that has
 * one (depth 0: the end). */
static void climb(cx_pt_iter *it, int d)
{
    it->depth = d;
    while (it->depth > 0) {
        int top = it->depth - 1;
        if (it->idx[top] + 1 < it->node[top]->n) {
            it->idx[top]++;
            leftmost(it);
            return;
        }
        it->depth--;
    }
}

/* Moves past the subtree at level d, which starts at the current position. */
static void iter_skip(cx_pt_iter *it, int d)
{
    it->pos += (size_t)it->node[d]->count;
    climb(it, d);
}

void *cx_pt_iter_next(cx_pt_iter *it)
{
    void *e = iter_cur(it);
    if (!e)
        return NULL;
    int leaf = it->depth - 1;
    it->pos++;
    if (it->idx[leaf] + 1 < it->node[leaf]->n)
        it->idx[leaf]++;
    else
        climb(it, leaf);
    return e;
}

/* ---- diff ---- */

/* Skips, in both iterators, the largest subtree that starts at the current position of
 * each and is the same node in both. */
static bool skip_shared(cx_pt_iter *a, cx_pt_iter *b)
{
    for (int da = 0; da < a->depth; da++) {
        bool starts = true;
        for (int x = da; x < a->depth; x++)
            starts = starts && a->idx[x] == 0;
        if (!starts)
            continue;
        for (int db = 0; db < b->depth; db++) {
            if (a->node[da] != b->node[db])
                continue;
            bool bstarts = true;
            for (int x = db; x < b->depth; x++)
                bstarts = bstarts && b->idx[x] == 0;
            if (!bstarts)
                continue;
            iter_skip(a, da);
            iter_skip(b, db);
            return true;
        }
    }
    return false;
}

bool cx_pt_diff(const cx_ptree *a, const cx_ptree *b,
                bool (*cb)(void *ctx, const void *in_a, const void *in_b), void *ctx)
{
    if (a->root == b->root)
        return true;
    cx_pt_iter ia, ib;
    cx_pt_iter_init(&ia, a, 0);
    cx_pt_iter_init(&ib, b, 0);
    for (;;) {
        if (ia.depth && ib.depth && skip_shared(&ia, &ib))
            continue;
        void *x = iter_cur(&ia), *y = iter_cur(&ib);
        if (!x && !y)
            return true;
        if (x == y) {
            cx_pt_iter_next(&ia);
            cx_pt_iter_next(&ib);
            continue;
        }
        int c = !x ? 1 : !y ? -1 : a->ops->cmp(x, y);
        bool go = c < 0 ? cb(ctx, x, NULL) : c > 0 ? cb(ctx, NULL, y) : cb(ctx, x, y);
        if (!go)
            return false;
        if (c <= 0)
            cx_pt_iter_next(&ia);
        if (c >= 0)
            cx_pt_iter_next(&ib);
    }
}
