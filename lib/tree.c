#include "tree.h"
#include "map.h"

#include <stdarg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An open map or sequence. Its children wait on b->children until it closes. */
typedef struct frame {
    cx_node *node;
    size_t child_start;
    size_t anchor;  /* 1 + index into b->anchors of the anchor naming this node, or 0 */
    bool streaming; /* the top-level `items` list: elements go to the handler */
} frame;

typedef struct anchor {
    char *name;
    size_t len;
    cx_node *node;
    bool open;      /* still being built: an alias to it would be recursive */
    size_t shadows; /* 1 + index of the anchor this one redefines, or 0 */
} anchor;

struct cx_builder {
    const cx_alloc *alloc;
    const cx_limits *limits;
    const char *file;
    cx_diag_sink sink;
    cx_doc_handler handler;

    cx_arena arena;      /* the current document's nodes and strings */
    cx_arena item_arena; /* the current List element's (emptied after each element) */
    cx_vec frames;       /* frame */
    cx_vec children;     /* cx_node * */
    cx_vec anchors;      /* anchor; names are cx_malloc'd */
    cx_map anchor_by_name;

    bool whole; /* cx_builder_set_whole(): no skipping, no streaming */

    cx_node *root;
    cx_pos doc_pos;
    bool in_doc;
    uint64_t docs;

    /* Skipping after an error: events are only counted until the document (or, inside a
     * List, the element) that failed is over. */
    bool doc_failed;
    bool item_failed;
    uint64_t fail_depth;

    /* Top-level values that no reader needs (status, unknown keys) are not built; their
     * key is, with a placeholder value (CX_NODE_SKIPPED), so that the reader can warn
     * about an unknown field at its key. */
    bool skip_value;
    bool skip_placeholder; /* attach a placeholder when the skipped value ends */
    uint64_t skip_depth;
    cx_pos skip_pos; /* where the skipped value starts */

    /* Per document (or, inside a List, per element) budgets. */
    uint64_t nodes;
    uint64_t alias_nodes;
    cx_pending_error pending;      /* the document's */
    cx_pending_error item_pending; /* the current List element's */

    /* List streaming. */
    bool items_key_seen; /* the key just read at top level was `items` */
    bool capture_kind;   /* the key just read at top level was `kind` */
    bool in_item;
    bool manifest_seen; /* see cx_builder_manifest_seen; for the whole input */
    size_t item_anchor_mark;
    uint64_t saved_nodes;
    uint64_t saved_alias_nodes;
    char kind[128];
};

/* Top-level keys some reader uses; the values of all others are skipped unbuilt. A merge
 * key (`<<`) is needed: it may bring any of the others (YAML reads merge keys at every
 * level, the top one included, and so does kubectl). */
static const char *const needed_top_keys[] = {"apiVersion", "kind", "metadata", "spec", "data",
                                              "stringData", "type", "items",    "<<"};

/* ---- helpers ---- */

typedef struct anchor_key {
    const cx_builder *b;
    const char *name;
    size_t len;
} anchor_key;

static bool anchor_eq_ctx(const void *value, const void *key)
{
    const anchor_key *k = key;
    size_t idx = (size_t)(uintptr_t)value - 1;
    const anchor *a = cx_vec_at(&k->b->anchors, idx);
    return a->len == k->len && memcmp(a->name, k->name, k->len) == 0;
}

static frame *top_frame(cx_builder *b)
{
    return b->frames.len ? cx_vec_at(&b->frames, b->frames.len - 1) : NULL;
}

/* Where new nodes go: a List element's nodes die with the element. */
static cx_arena *node_arena(cx_builder *b)
{
    return b->in_item ? &b->item_arena : &b->arena;
}

/* Empties the List element arena. Releasing it (rather than rewinding) also resets its
 * chunk growth, which a rewind keeps: rewinding after every element of a long List would
 * make each new chunk larger than the last. */
static void reset_item_arena(cx_builder *b)
{
    cx_arena_reset(&b->item_arena);
}

static cx_pending_error *current_pending(cx_builder *b)
{
    return b->in_item ? &b->item_pending : &b->pending;
}

static void set_pending(cx_builder *b, const char *code, cx_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_pending(cx_builder *b, const char *code, cx_pos pos, const char *fmt, ...)
{
    cx_pending_error *p = current_pending(b);
    if (p->set)
        return;
    p->set = true;
    p->code = code;
    p->pos = pos;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof p->message, fmt, ap);
    va_end(ap);
}

static cx_rc report(cx_builder *b, const char *code, cx_pos pos, const char *message)
{
    cx_objref none = {CONTOUR_KIND_NONE, NULL, NULL};
    if (!cx_diag_add(b->sink, CONTOUR_SEVERITY_ERROR, code, b->file, pos, none, NULL, message,
                     strlen(message)))
        return CX_RC_NOMEM;
    return CX_RC_OK;
}

/* Forget anchors defined since `mark` (LIFO), restoring any they redefined. */
static void truncate_anchors(cx_builder *b, size_t mark)
{
    while (b->anchors.len > mark) {
        anchor *a = cx_vec_at(&b->anchors, b->anchors.len - 1);
        anchor_key k = {b, a->name, a->len};
        uint64_t h = cx_hash_bytes(b->anchor_by_name.key, a->name, a->len);
        cx_map_remove(&b->anchor_by_name, h, anchor_eq_ctx, &k);
        if (a->shadows)
            cx_map_put(&b->anchor_by_name, h, anchor_eq_ctx, &k, (void *)(uintptr_t)a->shadows);
        cx_free(b->alloc, a->name);
        b->anchors.len--;
    }
}

static void reset_document(cx_builder *b)
{
    truncate_anchors(b, 0);
    cx_arena_reset(&b->arena);
    reset_item_arena(b);
    b->frames.len = 0;
    b->children.len = 0;
    b->root = NULL;
    b->in_doc = false;
    b->doc_failed = false;
    b->item_failed = false;
    b->fail_depth = 0;
    b->skip_value = false;
    b->skip_depth = 0;
    b->nodes = 0;
    b->alias_nodes = 0;
    memset(&b->pending, 0, sizeof b->pending);
    memset(&b->item_pending, 0, sizeof b->item_pending);
    b->items_key_seen = false;
    b->capture_kind = false;
    b->in_item = false;
    b->kind[0] = '\0';
}

cx_builder *cx_builder_new(const cx_alloc *alloc, const cx_limits *limits, const char *file,
                           cx_diag_sink sink, cx_doc_handler handler)
{
    cx_builder *b = cx_calloc(alloc, 1, sizeof *b);
    if (!b)
        return NULL;
    b->alloc = alloc;
    b->limits = limits;
    b->file = file;
    b->sink = sink;
    b->handler = handler;
    cx_arena_init(&b->arena, alloc, 4096);
    cx_arena_init(&b->item_arena, alloc, 4096);
    cx_vec_init(&b->frames, alloc, sizeof(frame));
    cx_vec_init(&b->children, alloc, sizeof(cx_node *));
    cx_vec_init(&b->anchors, alloc, sizeof(anchor));
    cx_map_init(&b->anchor_by_name, alloc);
    return b;
}

void cx_builder_free(cx_builder *b)
{
    if (!b)
        return;
    truncate_anchors(b, 0);
    cx_arena_release(&b->arena);
    cx_arena_release(&b->item_arena);
    cx_vec_release(&b->frames);
    cx_vec_release(&b->children);
    cx_vec_release(&b->anchors);
    cx_map_release(&b->anchor_by_name);
    cx_free(b->alloc, b);
}

void cx_builder_set_whole(cx_builder *b)
{
    b->whole = true;
}

bool cx_builder_in_document(const cx_builder *b)
{
    return b->in_doc;
}

bool cx_builder_failed(const cx_builder *b)
{
    return b->doc_failed;
}

bool cx_builder_manifest_seen(const cx_builder *b)
{
    return b->manifest_seen;
}

uint64_t cx_builder_document_count(const cx_builder *b)
{
    return b->docs;
}

void cx_builder_set_document_count(cx_builder *b, uint64_t n)
{
    b->docs = n;
}

/* Counts one more document or List element against the documents limit. */
static cx_rc count_document(cx_builder *b, cx_pos pos)
{
    b->docs++;
    uint64_t limit = b->limits->v[CONTOUR_LIMIT_DOCUMENTS];
    if (b->docs <= limit)
        return CX_RC_OK;
    char msg[160];
    snprintf(msg, sizeof msg,
             "more than %llu documents and List items in one input (the documents limit); "
             "the rest of this input is not read",
             (unsigned long long)limit);
    return report(b, "limit-documents", pos, msg) == CX_RC_OK ? CX_RC_STOP : CX_RC_NOMEM;
}

/* ---- failure ---- */

/* Ends the current List element after an error: nothing of it is delivered. */
static void end_item(cx_builder *b)
{
    b->in_item = false;
    b->item_failed = false;
    reset_item_arena(b);
    truncate_anchors(b, b->item_anchor_mark);
    b->nodes = b->saved_nodes;
    b->alias_nodes = b->saved_alias_nodes;
}

static void fail_document(cx_builder *b)
{
    b->fail_depth = b->frames.len;
    b->frames.len = 0;
    b->children.len = 0;
    b->root = NULL;
    b->doc_failed = true;
    b->item_failed = false;
    b->skip_value = false;
}

/* An error found by the builder itself (a limit, a bad alias): reported now, and the
 * List element or document is dropped. `opening` says the failing node is a container
 * whose end event is still to come. */
static cx_rc fail_here(cx_builder *b, const char *code, cx_pos pos, const char *message,
                       bool opening)
{
    cx_rc rc = report(b, code, pos, message);
    if (rc != CX_RC_OK)
        return rc;
    if (!b->in_item) {
        fail_document(b);
        return CX_RC_OK;
    }
    uint64_t open = opening ? 1 : 0;
    for (;;) {
        frame *f = top_frame(b);
        if (!f || f->streaming)
            break;
        b->children.len = f->child_start;
        b->frames.len--;
        open++;
    }
    if (open == 0) {
        end_item(b); /* a scalar or alias element: simply not delivered */
        return CX_RC_OK;
    }
    b->item_failed = true;
    b->fail_depth = open;
    return CX_RC_OK;
}

cx_rc cx_builder_fail(cx_builder *b, const char *code, cx_pos pos, const char *message)
{
    cx_rc rc = report(b, code, pos, message);
    if (rc != CX_RC_OK || !b->in_doc)
        return rc;
    if (!b->doc_failed)
        fail_document(b);
    return CX_RC_OK;
}

/* ---- document ---- */

cx_rc cx_builder_begin_document(cx_builder *b, cx_pos pos)
{
    if (b->in_doc)
        reset_document(b);
    cx_rc rc = count_document(b, pos);
    if (rc != CX_RC_OK)
        return rc;
    b->in_doc = true;
    b->doc_pos = pos;
    return CX_RC_OK;
}

/* The kind of a complete document, read from its root after merge keys were applied (a
 * merged `kind` was not seen as a top-level key), and whether it is a manifest. */
static void note_root(cx_builder *b)
{
    const cx_node *root = b->root;
    if (!root || root->type != CX_NODE_MAP)
        return;
    if (cx_node_get(root, "apiVersion"))
        b->manifest_seen = true;
    const cx_node *kind = cx_node_get(root, "kind");
    if (!kind)
        return;
    b->manifest_seen = true;
    if (kind->type == CX_NODE_SCALAR && kind->len < sizeof b->kind &&
        !memchr(kind->u.str, 0, kind->len)) {
        memcpy(b->kind, kind->u.str, kind->len);
        b->kind[kind->len] = '\0';
    }
}

cx_rc cx_builder_end_document(cx_builder *b)
{
    if (!b->in_doc)
        return CX_RC_OK;
    if (!b->doc_failed)
        note_root(b);
    cx_rc rc;
    if (b->doc_failed)
        rc = b->handler.document(b->handler.ctx, NULL, NULL, b->kind[0] ? b->kind : NULL);
    else
        rc = b->handler.document(b->handler.ctx, b->root, b->pending.set ? &b->pending : NULL,
                                 b->kind[0] ? b->kind : NULL);
    reset_document(b);
    return rc;
}

cx_rc cx_builder_abandon_document(cx_builder *b)
{
    if (!b->in_doc)
        return CX_RC_OK;
    cx_rc rc = b->handler.document(b->handler.ctx, NULL, NULL, b->kind[0] ? b->kind : NULL);
    reset_document(b);
    return rc;
}

/* ---- building ---- */

/* Handles an event while an error is being skipped over. Returns true when consumed. */
static bool skip_failed(cx_builder *b, int delta, cx_rc *rc)
{
    *rc = CX_RC_OK;
    if (b->doc_failed) {
        /* Depth is irrelevant: the document ends with end_document. */
        return true;
    }
    if (!b->item_failed)
        return false;
    if (delta > 0) {
        b->fail_depth++;
        return true;
    }
    if (delta < 0) {
        if (--b->fail_depth == 0)
            end_item(b); /* the failed element's outermost container closed */
        return true;
    }
    return true; /* a scalar inside the failed element */
}

static cx_rc attach(cx_builder *b, cx_node *n);

/* The value of a skipped top-level key: a null scalar flagged CX_NODE_SKIPPED at the
 * value's first position. Not counted against the node limit: there is one per key,
 * which was counted. */
static cx_rc attach_placeholder(cx_builder *b)
{
    cx_node *n = cx_arena_alloc_aligned(node_arena(b), sizeof *n, _Alignof(cx_node));
    if (!n)
        return CX_RC_NOMEM;
    n->type = CX_NODE_SCALAR;
    n->tag = CX_TAG_NULL;
    n->flags = CX_NODE_SKIPPED;
    n->len = 0;
    n->weight = 1;
    n->pos = b->skip_pos;
    n->u.str = "";
    return attach(b, n);
}

/* Skipping the value of an unneeded top-level key; depth still counts against the limit. */
static bool skip_unneeded(cx_builder *b, int delta, cx_pos pos, cx_rc *rc)
{
    *rc = CX_RC_OK;
    if (!b->skip_value)
        return false;
    if (delta >= 0 && b->skip_depth == 0)
        b->skip_pos = pos;
    if (delta > 0) {
        b->skip_depth++;
        if (b->frames.len + b->skip_depth > b->limits->v[CONTOUR_LIMIT_DEPTH]) {
            char msg[128];
            snprintf(msg, sizeof msg, "nesting deeper than %llu levels (the depth limit)",
                     (unsigned long long)b->limits->v[CONTOUR_LIMIT_DEPTH]);
            *rc = fail_here(b, "limit-depth", pos, msg, true);
        }
        return true;
    }
    if (delta < 0)
        b->skip_depth--;
    if (b->skip_depth == 0) {
        b->skip_value = false;
        if (b->skip_placeholder)
            *rc = attach_placeholder(b);
    }
    return true;
}

static bool is_top_map(cx_builder *b)
{
    return b->frames.len == 1 && ((frame *)cx_vec_at(&b->frames, 0))->node->type == CX_NODE_MAP;
}

static bool expecting_key(cx_builder *b)
{
    frame *f = top_frame(b);
    return f && f->node->type == CX_NODE_MAP && ((b->children.len - f->child_start) % 2) == 0;
}

/* Called before any node starts, to open a List element when the parent is streaming.
 * Elements count against the documents limit like documents. */
static cx_rc maybe_begin_item(cx_builder *b, cx_pos pos)
{
    frame *f = top_frame(b);
    if (!f || !f->streaming || b->in_item)
        return CX_RC_OK;
    cx_rc rc = count_document(b, pos);
    if (rc != CX_RC_OK)
        return rc;
    b->in_item = true;
    b->item_anchor_mark = b->anchors.len;
    b->saved_nodes = b->nodes;
    b->saved_alias_nodes = b->alias_nodes;
    b->nodes = 0;
    b->alias_nodes = 0;
    memset(&b->item_pending, 0, sizeof b->item_pending);
    return CX_RC_OK;
}

/* Counts a node against the document nodes limit; *failed tells whether it was exceeded. */
static cx_rc count_node(cx_builder *b, cx_pos pos, bool opening, bool *failed)
{
    uint64_t limit = b->limits->v[CONTOUR_LIMIT_DOCUMENT_NODES];
    *failed = ++b->nodes > limit;
    if (!*failed)
        return CX_RC_OK;
    char msg[160];
    snprintf(msg, sizeof msg, "more than %llu nodes in one document (the document nodes limit)",
             (unsigned long long)limit);
    return fail_here(b, "limit-nodes", pos, msg, opening);
}

static void add_weight(cx_node *n, uint32_t w)
{
    uint64_t s = (uint64_t)n->weight + w;
    n->weight = s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* Attaches a finished node to its parent, or makes it the root, or hands a List element
 * to the handler. */
static cx_rc attach(cx_builder *b, cx_node *n)
{
    frame *f = top_frame(b);
    if (!f) {
        b->root = n;
        return CX_RC_OK;
    }
    if (f->streaming) {
        cx_rc rc =
            b->handler.item(b->handler.ctx, n, b->item_pending.set ? &b->item_pending : NULL);
        b->in_item = false;
        reset_item_arena(b);
        truncate_anchors(b, b->item_anchor_mark);
        b->nodes = b->saved_nodes;
        b->alias_nodes = b->saved_alias_nodes;
        return rc;
    }
    if (!cx_vec_push(&b->children, &n))
        return CX_RC_NOMEM;
    return CX_RC_OK;
}

static cx_rc register_anchor(cx_builder *b, const char *name, size_t len, cx_node *node, bool open,
                             size_t *out_index)
{
    *out_index = 0;
    if (!name || !len)
        return CX_RC_OK;
    if (!cx_vec_reserve(&b->anchors, 1) || !cx_map_reserve(&b->anchor_by_name, 1))
        return CX_RC_NOMEM;
    char *copy = cx_malloc(b->alloc, len);
    if (!copy)
        return CX_RC_NOMEM;
    memcpy(copy, name, len);
    anchor_key k = {b, name, len};
    uint64_t h = cx_hash_bytes(b->anchor_by_name.key, name, len);
    anchor a = {copy, len, node, open, 0};
    size_t idx = b->anchors.len;
    cx_vec_push(&b->anchors, &a);
    void *prev = cx_map_put(&b->anchor_by_name, h, anchor_eq_ctx, &k, (void *)(uintptr_t)(idx + 1));
    ((anchor *)cx_vec_at(&b->anchors, idx))->shadows = (size_t)(uintptr_t)prev;
    *out_index = idx + 1;
    return CX_RC_OK;
}

static cx_rc begin_container(cx_builder *b, cx_node_type type, cx_pos pos, const char *anchor_name,
                             size_t anchor_len)
{
    cx_rc rc;
    if (skip_failed(b, +1, &rc))
        return rc;
    if (skip_unneeded(b, +1, pos, &rc))
        return rc;
    if ((rc = maybe_begin_item(b, pos)) != CX_RC_OK)
        return rc;
    if (b->frames.len + 1 > b->limits->v[CONTOUR_LIMIT_DEPTH]) {
        char msg[128];
        snprintf(msg, sizeof msg, "nesting deeper than %llu levels (the depth limit)",
                 (unsigned long long)b->limits->v[CONTOUR_LIMIT_DEPTH]);
        return fail_here(b, "limit-depth", pos, msg, true);
    }
    bool failed;
    if ((rc = count_node(b, pos, true, &failed)) != CX_RC_OK || failed)
        return rc;
    frame *parent = top_frame(b);
    bool streaming = false;
    if (is_top_map(b) && !expecting_key(b)) {
        streaming = b->items_key_seen && type == CX_NODE_SEQ;
        b->items_key_seen = false;
        b->capture_kind = false;
    }
    if (parent && parent->node->type == CX_NODE_MAP && expecting_key(b))
        set_pending(b, "complex-key", pos, "a mapping key must be a scalar");
    cx_node *n = cx_arena_zalloc(node_arena(b), sizeof *n);
    if (!n)
        return CX_RC_NOMEM;
    n->type = (uint8_t)type;
    n->pos = pos;
    n->weight = 1;
    frame fr = {n, b->children.len, 0, streaming};
    if ((rc = register_anchor(b, anchor_name, anchor_len, n, true, &fr.anchor)) != CX_RC_OK)
        return rc;
    if (!cx_vec_push(&b->frames, &fr))
        return CX_RC_NOMEM;
    return CX_RC_OK;
}

cx_rc cx_builder_begin_map(cx_builder *b, cx_pos pos, const char *anchor_name, size_t anchor_len)
{
    return begin_container(b, CX_NODE_MAP, pos, anchor_name, anchor_len);
}

cx_rc cx_builder_begin_seq(cx_builder *b, cx_pos pos, const char *anchor_name, size_t anchor_len)
{
    return begin_container(b, CX_NODE_SEQ, pos, anchor_name, anchor_len);
}

/* ---- maps: keys, duplicates, merges ---- */

static int key_compare(const cx_node *a, const cx_node *b)
{
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return memcmp(a->u.str, b->u.str, a->len);
}

typedef struct keyed {
    const cx_pair *pair;
    size_t order; /* priority: lower wins */
} keyed;

static int keyed_compare(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    int c = key_compare(a->pair->key, b->pair->key);
    if (c)
        return c;
    return (a->order > b->order) - (a->order < b->order);
}

static bool is_merge_key(const cx_node *k)
{
    return k->type == CX_NODE_SCALAR && k->tag == CX_TAG_PLAIN && k->len == 2 &&
           k->u.str[0] == '<' && k->u.str[1] == '<';
}

/* A repeated key, met after `prev`, the last pair before it with the same key: returns
 * whether `cur` (the pair at `order`) is dropped. Two explicit keys are an error, kept in
 * *dup_key (the one that comes first in the text); a merged key under another is dropped. */
static bool judge_repeat(const cx_pair *prev, const cx_pair *cur, size_t order, size_t nexplicit,
                         const cx_node **dup_key)
{
    if (cur->value->flags & CX_NODE_SKIPPED || prev->value->flags & CX_NODE_SKIPPED) {
        /* A repeated top-level key nobody reads: never an error (it was not even kept
         * before the unknown-field warning); each repetition is warned about. */
        return false;
    }
    if (order >= nexplicit)
        return true;
    const cx_node *k = cur->key, *d = *dup_key;
    if (!d || k->pos.line < d->pos.line || (k->pos.line == d->pos.line && k->pos.col < d->pos.col))
        *dup_key = k;
    return false;
}

enum { SMALL_MAP = 16 };

/* Finds the repeated keys among pairs[0..np) (see judge_repeat), setting drop[] (np
 * entries, false on entry). A few keys are compared pair by pair, without allocating:
 * most maps have a few, and sorting them cost more than building them. More are sorted, so
 * that any map costs O(n log n). */
static cx_rc find_repeats(cx_builder *b, const cx_pair *pairs, size_t np, size_t nexplicit,
                          bool *drop, const cx_node **dup_key)
{
    if (np <= SMALL_MAP) {
        for (size_t i = 1; i < np; i++) {
            for (size_t j = i; j-- > 0;) {
                if (key_compare(pairs[j].key, pairs[i].key) == 0) {
                    drop[i] = judge_repeat(&pairs[j], &pairs[i], i, nexplicit, dup_key);
                    break;
                }
            }
        }
        return CX_RC_OK;
    }
    keyed *tmp = cx_calloc(b->alloc, np, sizeof *tmp);
    if (!tmp)
        return CX_RC_NOMEM;
    for (size_t i = 0; i < np; i++) {
        tmp[i].pair = &pairs[i];
        tmp[i].order = i;
    }
    qsort(tmp, np, sizeof *tmp, keyed_compare);
    for (size_t i = 1; i < np; i++) {
        if (key_compare(tmp[i - 1].pair->key, tmp[i].pair->key) == 0)
            drop[tmp[i].order] =
                judge_repeat(tmp[i - 1].pair, tmp[i].pair, tmp[i].order, nexplicit, dup_key);
    }
    cx_free(b->alloc, tmp);
    return CX_RC_OK;
}

/* Finishes a map from its key/value children: rejects non-scalar and duplicate keys
 * (a pending error, reported later with the object's name), and applies YAML merge keys
 * (`<<: *base`): explicit keys win over merged ones; see the merge loop for the order
 * among sources. */
static cx_rc finish_map(cx_builder *b, cx_node *n, cx_node **kids, size_t nkids)
{
    /* kids alternate key, value; the loops step over pairs while i + 1 < nkids, which
     * also shows that an empty map (kids NULL) is never read. */
    size_t candidates = 0;
    bool has_merge = false;
    for (size_t i = 0; i + 1 < nkids; i += 2) {
        cx_node *k = kids[i], *v = kids[i + 1];
        if (k->type != CX_NODE_SCALAR)
            continue;
        if (is_merge_key(k)) {
            has_merge = true;
            if (v->type == CX_NODE_MAP) {
                candidates += v->len;
            } else if (v->type == CX_NODE_SEQ) {
                for (uint32_t j = 0; j < v->len; j++) {
                    if (v->u.items[j]->type == CX_NODE_MAP)
                        candidates += v->u.items[j]->len;
                    else
                        set_pending(b, "merge-key", v->u.items[j]->pos,
                                    "a merge key (<<) list may hold only mappings");
                }
            } else {
                set_pending(b, "merge-key", v->pos,
                            "a merge key (<<) needs a mapping or a list of mappings");
            }
            continue;
        }
        candidates++;
    }
    if (candidates > UINT32_MAX) {
        /* The document is rejected: leave the map empty rather than build it. */
        set_pending(b, "limit-nodes", n->pos, "mapping too large");
        n->u.pairs = NULL;
        n->len = 0;
        n->weight = 1;
        return CX_RC_OK;
    }
    cx_pair *pairs = candidates ? cx_arena_array(node_arena(b), candidates, sizeof *pairs) : NULL;
    if (candidates && !pairs)
        return CX_RC_NOMEM;
    size_t np = 0;
    /* Every explicit key was counted in candidates; np < candidates says so. */
    for (size_t i = 0; i + 1 < nkids && np < candidates; i += 2) {
        cx_node *k = kids[i], *v = kids[i + 1];
        if (k->type != CX_NODE_SCALAR || is_merge_key(k))
            continue;
        pairs[np].key = k;
        pairs[np].value = v;
        np++;
    }
    size_t nexplicit = np;
    if (has_merge) {
        /* Priority, as PyYAML (the reference reader, docs/decisions.md) gives it: explicit
         * keys, then the sources of the last merge key before those of earlier ones (a map
         * with two `<<` keys takes the later one's values), and within one list of
         * sources the earlier before the later. nkids is even here (key/value pairs). */
        for (size_t i = nkids & ~(size_t)1; i >= 2; i -= 2) {
            cx_node *k = kids[i - 2], *v = kids[i - 1];
            if (k->type != CX_NODE_SCALAR || !is_merge_key(k))
                continue;
            size_t nsrc = v->type == CX_NODE_SEQ ? v->len : 1;
            for (size_t s = 0; s < nsrc; s++) {
                const cx_node *src = v->type == CX_NODE_SEQ ? v->u.items[s] : v;
                if (src->type != CX_NODE_MAP)
                    continue;
                for (uint32_t j = 0; j < src->len && np < candidates; j++)
                    pairs[np++] = src->u.pairs[j];
            }
        }
    }
    if (np > 1) {
        bool few[SMALL_MAP] = {false};
        bool *drop = np <= SMALL_MAP ? few : cx_calloc(b->alloc, np, sizeof *drop);
        if (!drop)
            return CX_RC_NOMEM;
        const cx_node *dup_key = NULL;
        cx_rc rc = find_repeats(b, pairs, np, nexplicit, drop, &dup_key);
        if (rc == CX_RC_OK && dup_key) {
            /* A long key is cut on a character boundary: the message stays UTF-8. */
            size_t cut = dup_key->len;
            if (cut > 120) {
                cut = 120;
                while (cut > 0 && ((unsigned char)dup_key->u.str[cut] & 0xC0) == 0x80)
                    cut--;
            }
            set_pending(b, "duplicate-key", dup_key->pos, "duplicate key \"%.*s\"%s", (int)cut,
                        dup_key->u.str, cut < dup_key->len ? "..." : "");
        }
        size_t w = 0;
        for (size_t i = 0; i < np; i++) {
            if (!drop[i])
                pairs[w++] = pairs[i];
        }
        np = w;
        if (drop != few)
            cx_free(b->alloc, drop);
        if (rc != CX_RC_OK)
            return rc;
    }
    n->u.pairs = pairs;
    n->len = (uint32_t)np;
    n->weight = 1;
    for (size_t i = 0; i < np; i++) {
        add_weight(n, pairs[i].key->weight);
        add_weight(n, pairs[i].value->weight);
    }
    return CX_RC_OK;
}

static cx_rc end_container(cx_builder *b, cx_node_type type)
{
    cx_rc rc;
    if (skip_failed(b, -1, &rc))
        return rc;
    if (skip_unneeded(b, -1, (cx_pos){0, 0}, &rc))
        return rc;
    frame *f = top_frame(b);
    if (!f || f->node->type != type)
        return cx_builder_fail(b, "internal", (cx_pos){0, 0}, "unbalanced events");
    cx_node *n = f->node;
    size_t nkids = b->children.len - f->child_start;
    cx_node **kids = nkids ? cx_vec_at(&b->children, f->child_start) : NULL;
    if (f->streaming) {
        n->flags |= CX_NODE_STREAMED;
        n->len = 0;
    } else if (type == CX_NODE_MAP) {
        if ((rc = finish_map(b, n, kids, nkids)) != CX_RC_OK)
            return rc;
    } else {
        if (nkids > UINT32_MAX)
            return cx_builder_fail(b, "limit-nodes", n->pos, "list too long");
        cx_node **items = nkids ? cx_arena_array(node_arena(b), nkids, sizeof *items) : NULL;
        if (nkids && !items)
            return CX_RC_NOMEM;
        if (nkids)
            memcpy(items, kids, nkids * sizeof *items);
        n->u.items = items;
        n->len = (uint32_t)nkids;
        for (size_t i = 0; i < nkids; i++)
            add_weight(n, items[i]->weight);
    }
    if (f->anchor)
        ((anchor *)cx_vec_at(&b->anchors, f->anchor - 1))->open = false;
    b->children.len = f->child_start;
    b->frames.len--;
    return attach(b, n);
}

cx_rc cx_builder_end_map(cx_builder *b)
{
    return end_container(b, CX_NODE_MAP);
}

cx_rc cx_builder_end_seq(cx_builder *b)
{
    return end_container(b, CX_NODE_SEQ);
}

/* ---- scalars and aliases ---- */

static bool needed_top_key(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof needed_top_keys / sizeof *needed_top_keys; i++) {
        if (strlen(needed_top_keys[i]) == len && memcmp(needed_top_keys[i], s, len) == 0)
            return true;
    }
    return false;
}

cx_rc cx_builder_scalar(cx_builder *b, cx_pos pos, cx_scalar_tag tag, const char *text, size_t len,
                        const char *anchor_name, size_t anchor_len)
{
    cx_rc rc;
    if (skip_failed(b, 0, &rc))
        return rc;
    /* Checked before anything reads `text` (a producer may pass a truncated text with the
     * true length), and in skipped values too, as YAML's producer does. */
    if (len > b->limits->v[CONTOUR_LIMIT_SCALAR_BYTES]) {
        char msg[160];
        snprintf(msg, sizeof msg, "a scalar of %zu bytes exceeds the limit of %llu bytes", len,
                 (unsigned long long)b->limits->v[CONTOUR_LIMIT_SCALAR_BYTES]);
        if ((rc = maybe_begin_item(b, pos)) != CX_RC_OK)
            return rc;
        return fail_here(b, "limit-scalar", pos, msg, false);
    }
    if (skip_unneeded(b, 0, pos, &rc))
        return rc;
    if ((rc = maybe_begin_item(b, pos)) != CX_RC_OK)
        return rc;
    bool failed;
    if ((rc = count_node(b, pos, false, &failed)) != CX_RC_OK || failed)
        return rc;
    if (is_top_map(b) && !b->whole) {
        if (expecting_key(b)) {
            b->items_key_seen = len == 5 && memcmp(text, "items", 5) == 0;
            b->capture_kind = len == 4 && memcmp(text, "kind", 4) == 0;
            if (b->capture_kind || (len == 10 && memcmp(text, "apiVersion", 10) == 0))
                b->manifest_seen = true;
            if (!needed_top_key(text, len)) {
                /* The value is not built. The key is kept (for the unknown-field warning),
                 * except a merge key, which names no field, and a key holding a NUL, which
                 * no message could quote: neither is kept, as before the warning existed. */
                b->skip_value = true;
                b->skip_depth = 0;
                b->skip_placeholder =
                    !(tag == CX_TAG_PLAIN && len == 2 && text[0] == '<' && text[1] == '<') &&
                    !memchr(text, 0, len);
                if (!b->skip_placeholder)
                    return CX_RC_OK;
            }
        } else {
            if (b->capture_kind && len < sizeof b->kind && !memchr(text, 0, len)) {
                memcpy(b->kind, text, len);
                b->kind[len] = '\0';
            }
            b->items_key_seen = false;
            b->capture_kind = false;
        }
    }
    if (len > UINT32_MAX - 1)
        return fail_here(b, "limit-scalar", pos, "scalar too long", false);
    if (memchr(text, 0, len))
        set_pending(b, "nul-character", pos, "a string contains a NUL character");
    /* Nodes need only their own alignment (8), not the arena's 16: a short scalar then
     * costs 40 bytes, not 48, which keeps a document at the default node limit (1,000,000)
     * under 64 MiB. */
    cx_node *n = cx_arena_alloc_aligned(node_arena(b), sizeof *n, _Alignof(cx_node));
    char *s = cx_arena_strndup(node_arena(b), text, len);
    if (!n || !s)
        return CX_RC_NOMEM;
    n->type = CX_NODE_SCALAR;
    n->tag = (uint8_t)tag;
    n->flags = 0;
    n->len = (uint32_t)len;
    n->weight = 1;
    n->pos = pos;
    n->u.str = s;
    size_t idx;
    if ((rc = register_anchor(b, anchor_name, anchor_len, n, false, &idx)) != CX_RC_OK)
        return rc;
    return attach(b, n);
}

cx_rc cx_builder_alias(cx_builder *b, cx_pos pos, const char *name, size_t len)
{
    cx_rc rc;
    if (skip_failed(b, 0, &rc))
        return rc;
    if (skip_unneeded(b, 0, pos, &rc))
        return rc;
    if ((rc = maybe_begin_item(b, pos)) != CX_RC_OK)
        return rc;
    anchor_key k = {b, name, len};
    uint64_t h = cx_hash_bytes(b->anchor_by_name.key, name, len);
    void *found = cx_map_find(&b->anchor_by_name, h, anchor_eq_ctx, &k);
    char msg[200];
    if (!found) {
        snprintf(msg, sizeof msg, "alias *%.*s refers to no anchor before it",
                 (int)(len > 100 ? 100 : len), name);
        return fail_here(b, "yaml-alias", pos, msg, false);
    }
    const anchor *a = cx_vec_at(&b->anchors, (size_t)(uintptr_t)found - 1);
    if (a->open) {
        snprintf(msg, sizeof msg, "alias *%.*s refers to a node that contains it",
                 (int)(len > 100 ? 100 : len), name);
        return fail_here(b, "yaml-alias", pos, msg, false);
    }
    uint64_t limit = b->limits->v[CONTOUR_LIMIT_ALIAS_EXPANSION];
    b->alias_nodes += a->node->weight;
    if (b->alias_nodes > limit) {
        snprintf(msg, sizeof msg,
                 "aliases expand to more than %llu nodes in one document (the alias expansion "
                 "limit)",
                 (unsigned long long)limit);
        return fail_here(b, "limit-alias", pos, msg, false);
    }
    if (expecting_key(b) && a->node->type != CX_NODE_SCALAR)
        set_pending(b, "complex-key", pos, "a mapping key must be a scalar");
    if (is_top_map(b) && !expecting_key(b)) {
        b->items_key_seen = false;
        b->capture_kind = false;
    }
    return attach(b, a->node);
}

/* ---- lookups ---- */

const cx_node *cx_node_get(const cx_node *map, const char *key)
{
    if (!map || map->type != CX_NODE_MAP)
        return NULL;
    size_t len = strlen(key);
    for (uint32_t i = 0; i < map->len; i++) {
        const cx_node *k = map->u.pairs[i].key;
        if (k->len == len && memcmp(k->u.str, key, len) == 0)
            return map->u.pairs[i].value;
    }
    return NULL;
}

bool cx_node_is(const cx_node *n, const char *s)
{
    return n && n->type == CX_NODE_SCALAR && strcmp(n->u.str, s) == 0;
}
