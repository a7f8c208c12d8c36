/*
 * Staging: documents and List items, as the builder delivers them, become objects kept in
 * input order for one commit; documents that are not loaded are reported.
 */
#include "stage.h"
#include "scalar.h"
#include "strbuf.h"

#include <string.h>

static void free_objects(cx_stage *st, cx_vec *v)
{
    for (size_t i = 0; i < v->len; i++)
        cx_object_free(st->alloc, *(contour_object **)cx_vec_at(v, i));
    v->len = 0;
}

static bool is_list_kind(const char *kind)
{
    size_t n = kind ? strlen(kind) : 0;
    return n >= 4 && strcmp(kind + n - 4, "List") == 0;
}

/* Whether an apiVersion's group is Contour's: projectcontour.io, contour.heptio.com, or a
 * subdomain of either. */
static bool contour_group(const char *api, size_t len)
{
    const char *slash = memchr(api, '/', len);
    size_t n = slash ? (size_t)(slash - api) : 0; /* "v1" alone is the core group */
    static const char *const groups[] = {"projectcontour.io", "contour.heptio.com"};
    for (size_t i = 0; i < 2; i++) {
        size_t g = strlen(groups[i]);
        if (n == g && memcmp(api, groups[i], g) == 0)
            return true;
        if (n > g && api[n - g - 1] == '.' && memcmp(api + n - g, groups[i], g) == 0)
            return true;
    }
    return false;
}

/* A skipped document of a Contour kind the library does not model (HTTPProxy, a
 * projectcontour.io/v1 TLSCertificateDelegation, ExtensionService, ...) is said, at its
 * position: a user checking Contour manifests expects those to be looked at. Other kinds
 * (Deployments, ConfigMaps) stay silent. */
static cx_rc report_unsupported(cx_stage *st, const cx_node *root)
{
    const char *kind, *api;
    size_t klen, alen;
    if (!root || root->type != CX_NODE_MAP ||
        cx_read_string(cx_node_get(root, "kind"), &kind, &klen) != CX_READ_OK ||
        cx_read_string(cx_node_get(root, "apiVersion"), &api, &alen) != CX_READ_OK ||
        !contour_group(api, alen))
        return CX_RC_OK;
    cx_strbuf b;
    cx_strbuf_init(&b, st->conv.alloc);
    cx_strbuf_puts(&b, "kind ");
    cx_strbuf_go_quote(&b, kind, klen);
    cx_strbuf_puts(&b, " of ");
    cx_strbuf_go_quote(&b, api, alen);
    cx_strbuf_puts(&b, " is not checked (libcontour models contour.heptio.com/v1beta1 "
                       "IngressRoute and TLSCertificateDelegation); skipped");
    cx_objref none = {CONTOUR_KIND_NONE, NULL, NULL};
    bool ok = !b.oom && cx_diag_add(st->conv.rejected, CONTOUR_SEVERITY_INFO, "unsupported-kind",
                                    st->conv.source ? st->conv.source->name : NULL, root->pos, none,
                                    NULL, b.data, b.len);
    cx_strbuf_release(&b);
    return ok ? CX_RC_OK : CX_RC_NOMEM;
}

/* Converts one document or item; objects go to `into`, nested Lists to st->nested. */
static cx_rc convert_into(cx_stage *st, const cx_node *root, const cx_pending_error *pending,
                          cx_vec *into)
{
    contour_object *o = NULL;
    switch (cx_convert(&st->conv, root, pending, &o)) {
    case CX_CONVERT_OBJECT:
        if (!cx_vec_push(into, &o)) {
            cx_object_free(st->alloc, o);
            return CX_RC_NOMEM;
        }
        return CX_RC_OK;
    case CX_CONVERT_LIST: {
        /* A List whose items were not streamed (a List inside a List, or `items` given by
         * an alias): its items are in the tree. */
        const cx_node *items = cx_node_get(root, "items");
        if (items && items->type == CX_NODE_SEQ && !(items->flags & CX_NODE_STREAMED)) {
            if (!cx_vec_push(&st->nested, &items))
                return CX_RC_NOMEM;
        }
        return CX_RC_OK;
    }
    case CX_CONVERT_SKIPPED:
        return report_unsupported(st, root);
    case CX_CONVERT_REJECTED:
        return CX_RC_OK;
    case CX_CONVERT_NOMEM:
        break;
    }
    return CX_RC_NOMEM;
}

/* Converts the items of Lists found inside Lists, without recursion. Their count is
 * bounded by the document's node limit. */
static cx_rc drain_nested(cx_stage *st, cx_vec *into)
{
    while (st->nested.len) {
        const cx_node *items = *(const cx_node **)cx_vec_at(&st->nested, --st->nested.len);
        for (uint32_t i = 0; i < items->len; i++) {
            cx_rc rc = convert_into(st, items->u.items[i], NULL, into);
            if (rc != CX_RC_OK)
                return rc;
        }
    }
    return CX_RC_OK;
}

static cx_rc on_item(void *ctx, const cx_node *item, const cx_pending_error *pending)
{
    cx_stage *st = ctx;
    cx_rc rc = convert_into(st, item, pending, &st->items);
    return rc == CX_RC_OK ? drain_nested(st, &st->items) : rc;
}

/* Moves the streamed items of a List into the objects to commit. */
static cx_rc keep_items(cx_stage *st)
{
    if (!cx_vec_reserve(&st->objects, st->items.len))
        return CX_RC_NOMEM;
    for (size_t i = 0; i < st->items.len; i++)
        cx_vec_push(&st->objects, cx_vec_at(&st->items, i));
    st->items.len = 0;
    return CX_RC_OK;
}

static cx_rc on_document(void *ctx, const cx_node *root, const cx_pending_error *pending,
                         const char *kind)
{
    cx_stage *st = ctx;
    if (!root) {
        /* Empty, or abandoned after an error: items already read belong to a List only if
         * its kind was seen before the error. */
        if (is_list_kind(kind))
            return keep_items(st);
        free_objects(st, &st->items);
        return CX_RC_OK;
    }
    size_t before = st->objects.len;
    cx_rc rc = convert_into(st, root, pending, &st->objects);
    if (rc == CX_RC_OK)
        rc = drain_nested(st, &st->objects);
    if (rc != CX_RC_OK)
        return rc;
    bool loaded_list = is_list_kind(kind) && st->objects.len == before;
    if (loaded_list && !pending)
        return keep_items(st);
    /* Items under a document that is not a List (or a rejected List) are dropped. */
    free_objects(st, &st->items);
    return CX_RC_OK;
}

/* The converter's namespaces live in its scratch memory until the object is compacted
 * (which copies them): an object owns its strings. */
static const char *scratch_ns(void *arena, const char *ns, size_t len)
{
    return cx_arena_strndup(arena, ns, len);
}

void cx_stage_init(cx_stage *st, const cx_alloc *alloc, const char *default_ns, cx_source *source,
                   cx_diag_sink rejected)
{
    memset(st, 0, sizeof *st);
    st->alloc = alloc;
    st->conv.alloc = alloc;
    st->conv.default_ns = default_ns;
    st->conv.source = source;
    st->conv.rejected = rejected;
    cx_arena_init(&st->scratch, alloc, 16 * 1024);
    st->conv.scratch = &st->scratch;
    st->conv.intern_ns = scratch_ns;
    st->conv.intern_ud = &st->scratch;
    cx_vec_init(&st->objects, alloc, sizeof(contour_object *));
    cx_vec_init(&st->items, alloc, sizeof(contour_object *));
    cx_vec_init(&st->nested, alloc, sizeof(const cx_node *));
}

cx_doc_handler cx_stage_handler(cx_stage *st)
{
    cx_doc_handler h = {st, on_item, on_document};
    return h;
}

void cx_stage_finish(cx_stage *st)
{
    free_objects(st, &st->items);
}

void cx_stage_release(cx_stage *st)
{
    free_objects(st, &st->objects);
    free_objects(st, &st->items);
    cx_vec_release(&st->objects);
    cx_vec_release(&st->items);
    cx_vec_release(&st->nested);
    cx_arena_release(&st->scratch);
}
