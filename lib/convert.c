/*
 * cx_convert(): which documents are objects, their metadata, and the helpers every kind's
 * reader uses (field paths, diagnostics, typed fields). The kinds' schemas are in
 * convert_core.c, convert_ingress.c and convert_ingressroute.c.
 */
#include "convert_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- field path ---- */

/* Longest key text a diagnostic repeats: aliases can make one long key appear in many
 * warnings. */
#define KEY_MAX 128

/* Appends s, cut after max bytes (on a character boundary) with "..." when cut. */
static void put_bounded(cx_strbuf *b, const char *s, size_t len, size_t max)
{
    if (len <= max) {
        cx_strbuf_append(b, s, len);
        return;
    }
    size_t cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    cx_strbuf_append(b, s, cut);
    cx_strbuf_puts(b, "...");
}

void cv_push_field(cv *c, const char *name)
{
    if (c->depth < CV_MAX_PATH)
        c->path[c->depth] = (cv_seg){CV_SEG_FIELD, name, strlen(name), 0};
    c->depth++;
}

void cv_push_index(cv *c, uint32_t index)
{
    if (c->depth < CV_MAX_PATH)
        c->path[c->depth] = (cv_seg){CV_SEG_INDEX, NULL, 0, index};
    c->depth++;
}

void cv_push_key(cv *c, const char *key, size_t len)
{
    if (c->depth < CV_MAX_PATH)
        c->path[c->depth] = (cv_seg){CV_SEG_KEY, key, len, 0};
    c->depth++;
}

void cv_pop(cv *c)
{
    if (c->depth)
        c->depth--;
}

static void put_path(cv *c, cx_strbuf *b)
{
    size_t n = c->depth < CV_MAX_PATH ? c->depth : CV_MAX_PATH;
    for (size_t i = 0; i < n; i++) {
        const cv_seg *s = &c->path[i];
        switch (s->kind) {
        case CV_SEG_FIELD:
            if (i)
                cx_strbuf_putc(b, '.');
            cx_strbuf_append(b, s->name, s->len);
            break;
        case CV_SEG_INDEX:
            cx_strbuf_putc(b, '[');
            cx_strbuf_put_u64(b, s->index);
            cx_strbuf_putc(b, ']');
            break;
        default:
            cx_strbuf_putc(b, '[');
            put_bounded(b, s->name, s->len, KEY_MAX);
            cx_strbuf_putc(b, ']');
            break;
        }
    }
}

/* ---- diagnostics ---- */

static cv_rc add_diag(cv *c, contour_severity sev, const char *code, cx_pos pos, const char *field)
{
    if (c->msg.oom || c->field.oom)
        return CV_NOMEM;
    cx_diag_sink sink = {c->arena, &c->o->diags, c->ctx->rejected.budget, NULL};
    const char *file = c->ctx->source ? c->ctx->source->name : NULL;
    if (!cx_diag_add(sink, sev, code, file, pos, c->ref, field, c->msg.data ? c->msg.data : "",
                     c->msg.len))
        return CV_NOMEM;
    /* An error rejects the object, but reading goes on to report the others. The input's
     * diagnostic budget bounds how many are kept. */
    if (sev == CONTOUR_SEVERITY_ERROR)
        c->errors++;
    return CV_OK;
}

cv_rc cv_diag(cv *c, contour_severity sev, const char *code, cx_pos pos, const char *message,
              size_t len)
{
    cx_strbuf_clear(&c->msg);
    cx_strbuf_clear(&c->field);
    cx_strbuf_append(&c->msg, message, len);
    put_path(c, &c->field);
    return add_diag(c, sev, code, pos, c->depth ? c->field.data : NULL);
}

/* `unknown field "k" in ` (the caller says where), and the field path's last segment. */
static void unknown_field_text(cx_strbuf *msg, cx_strbuf *field, const cx_node *key)
{
    cx_strbuf_puts(msg, "unknown field ");
    cx_quote_bounded(msg, key->u.str, key->len, KEY_MAX);
    cx_strbuf_puts(msg, " in ");
    put_bounded(field, key->u.str, key->len, KEY_MAX);
}

cv_rc cv_unknown_field(cv *c, const cx_node *key)
{
    cx_strbuf_clear(&c->msg);
    cx_strbuf_clear(&c->field);
    put_path(c, &c->field);
    if (c->depth)
        cx_strbuf_putc(&c->field, '.');
    unknown_field_text(&c->msg, &c->field, key);
    /* At the top of the document the path is empty: the kind says where. */
    if (c->depth)
        put_path(c, &c->msg);
    else
        cx_strbuf_puts(&c->msg, contour_kind_name(c->o->kind));
    return add_diag(c, CONTOUR_SEVERITY_WARNING, "unknown-field", key->pos, c->field.data);
}

cv_rc cv_wrong_type(cv *c, const cx_node *n, const char *what)
{
    cx_strbuf_clear(&c->msg);
    cx_strbuf_clear(&c->field);
    put_path(c, &c->field);
    put_path(c, &c->msg);
    cx_strbuf_puts(&c->msg, ": expected ");
    cx_strbuf_puts(&c->msg, what);
    cx_strbuf_puts(&c->msg, ", found ");
    cx_node_describe(&c->msg, n);
    return add_diag(c, CONTOUR_SEVERITY_ERROR, "wrong-type", n->pos,
                    c->depth ? c->field.data : NULL);
}

cv_rc cv_out_of_range(cv *c, const cx_node *n, int64_t min, int64_t max)
{
    cx_strbuf_clear(&c->msg);
    cx_strbuf_clear(&c->field);
    put_path(c, &c->field);
    put_path(c, &c->msg);
    cx_strbuf_puts(&c->msg, ": ");
    /* An out-of-range integer is number text; only its length needs bounding. */
    if (n->len > 40) {
        cx_strbuf_append(&c->msg, n->u.str, 40);
        cx_strbuf_puts(&c->msg, "...");
    } else {
        cx_strbuf_append(&c->msg, n->u.str, n->len);
    }
    /* Fields are Kubernetes int32 or Go int (64-bit). */
    cx_strbuf_puts(&c->msg, min >= CX_INT32_MIN && max <= CX_INT32_MAX
                                ? " does not fit in a 32-bit integer"
                                : " does not fit in a 64-bit integer");
    return add_diag(c, CONTOUR_SEVERITY_ERROR, "integer-range", n->pos,
                    c->depth ? c->field.data : NULL);
}

/* ---- copying ---- */

const char *cv_strdup(cv *c, const char *s, size_t len)
{
    return cx_arena_strndup(c->arena, s, len);
}

/* Texts shorter than this are copied every time they are read: at most this many bytes
 * per node that aliases add, which the alias limit bounds. */
#define COPY_ONCE_MIN 64

typedef struct node_copy {
    const cx_node *node;
    const char *copy;
} node_copy;

static bool node_copy_eq(const void *value, const void *key)
{
    return ((const node_copy *)value)->node == key;
}

const char *cv_node_str(cv *c, const cx_node *n)
{
    if (n->len < COPY_ONCE_MIN)
        return cv_strdup(c, n->u.str, n->len);
    if (!c->copies_init) {
        /* Keyed by node address, which input cannot choose: a fixed key will do. */
        static const cx_hash_key address_key = {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL};
        cx_map_init_keyed(&c->copies, c->ctx->alloc, address_key);
        c->copies_init = true;
    }
    uint64_t h = cx_hash_bytes(c->copies.key, &n, sizeof n);
    const node_copy *found = cx_map_find(&c->copies, h, node_copy_eq, n);
    if (found)
        return found->copy;
    if (!cx_map_reserve(&c->copies, 1))
        return NULL;
    node_copy *nc = cx_arena_alloc(c->arena, sizeof *nc);
    const char *copy = cv_strdup(c, n->u.str, n->len);
    if (!nc || !copy)
        return NULL;
    nc->node = n;
    nc->copy = copy;
    cx_map_put(&c->copies, h, node_copy_eq, n, nc);
    return copy;
}

cv_rc cv_array(cv *c, size_t count, size_t size, void **out)
{
    *out = NULL;
    if (count == 0)
        return CV_OK;
    size_t total;
    if (!cx_size_mul(count, size, &total))
        return CV_NOMEM;
    void *p = cx_arena_array(c->arena, count, size);
    if (!p)
        return CV_NOMEM;
    memset(p, 0, total);
    *out = p;
    return CV_OK;
}

/* ---- typed fields ---- */

static cv_rc type_error_at(cv *c, const char *key, const cx_node *v, const char *what)
{
    cv_push_field(c, key);
    cv_rc rc = cv_wrong_type(c, v, what);
    cv_pop(c);
    return rc;
}

cv_rc cv_string(cv *c, const char *key, const cx_node *v, const char **out, cx_pos *pos)
{
    const char *s;
    size_t len;
    switch (cx_read_string(v, &s, &len)) {
    case CX_READ_ABSENT:
        return CV_OK;
    case CX_READ_OK:
        if (!(*out = cv_node_str(c, v)))
            return CV_NOMEM;
        if (pos)
            *pos = v->pos;
        return CV_OK;
    default:
        return type_error_at(c, key, v, "a string");
    }
}

cv_rc cv_int(cv *c, const char *key, const cx_node *v, int64_t min, int64_t max, int64_t *out,
             cx_pos *pos)
{
    cv_rc rc;
    switch (cx_read_int(v, min, max, out)) {
    case CX_READ_ABSENT:
        return CV_OK;
    case CX_READ_OK:
        if (pos)
            *pos = v->pos;
        return CV_OK;
    case CX_READ_RANGE:
        cv_push_field(c, key);
        rc = cv_out_of_range(c, v, min, max);
        cv_pop(c);
        return rc;
    default:
        return type_error_at(c, key, v, "an integer");
    }
}

cv_rc cv_bool(cv *c, const char *key, const cx_node *v, bool *out)
{
    switch (cx_read_bool(v, out)) {
    case CX_READ_ABSENT:
    case CX_READ_OK:
        return CV_OK;
    default:
        return type_error_at(c, key, v, "a boolean");
    }
}

cv_rc cv_map(cv *c, const char *key, const cx_node *v, const cx_node **out)
{
    *out = NULL;
    if (cx_node_is_null(v))
        return CV_OK;
    if (v->type != CX_NODE_MAP)
        return type_error_at(c, key, v, "a map");
    *out = v;
    return CV_OK;
}

cv_rc cv_list(cv *c, const char *key, const cx_node *v, const cx_node **out)
{
    *out = NULL;
    if (cx_node_is_null(v))
        return CV_OK;
    if (v->type != CX_NODE_SEQ)
        return type_error_at(c, key, v, "a list");
    *out = v;
    return CV_OK;
}

cv_rc cv_string_list(cv *c, const char *key, const cx_node *v, const char ***out, uint32_t *count)
{
    const cx_node *seq;
    CV_TRY(cv_list(c, key, v, &seq));
    if (!seq)
        return CV_OK;
    const char **items;
    CV_TRY(cv_array(c, seq->len, sizeof *items, (void **)&items));
    cv_push_field(c, key);
    for (uint32_t i = 0; i < seq->len; i++) {
        const cx_node *item = seq->u.items[i];
        const char *s;
        size_t len;
        cx_read r = cx_read_string(item, &s, &len);
        if (r != CX_READ_OK && r != CX_READ_ABSENT) {
            cv_push_index(c, i);
            cv_rc rc = cv_wrong_type(c, item, "a string");
            cv_pop(c);
            if (rc != CV_OK) {
                cv_pop(c);
                return rc;
            }
            items[i] = ""; /* the object is rejected; the next items are still checked */
            continue;
        }
        /* []string: a null item decodes as "" */
        if (!(items[i] = r == CX_READ_OK ? cv_node_str(c, item) : "")) {
            cv_pop(c);
            return CV_NOMEM;
        }
    }
    cv_pop(c);
    *out = items;
    *count = seq->len;
    return CV_OK;
}

cv_rc cv_items(cv *c, const char *key, const cx_node *v, size_t elsize, cv_item_fn fn, void **out,
               uint32_t *count)
{
    const cx_node *seq;
    CV_TRY(cv_list(c, key, v, &seq));
    if (!seq)
        return CV_OK;
    unsigned char *elems;
    CV_TRY(cv_array(c, seq->len, elsize, (void **)&elems));
    cv_push_field(c, key);
    cv_rc rc = CV_OK;
    for (uint32_t i = 0; i < seq->len && rc == CV_OK; i++) {
        const cx_node *item = seq->u.items[i];
        cv_push_index(c, i);
        if (cx_node_is_null(item))
            rc = fn(c, NULL, item->pos, elems + (size_t)i * elsize);
        else if (item->type != CX_NODE_MAP)
            rc = cv_wrong_type(c, item, "a map");
        else
            rc = fn(c, item, item->pos, elems + (size_t)i * elsize);
        cv_pop(c);
    }
    cv_pop(c);
    if (rc != CV_OK)
        return rc;
    *out = elems;
    *count = seq->len;
    return CV_OK;
}

int cv_field_index(const cx_node *key, const char *const *names)
{
    for (int i = 0; names[i]; i++) {
        size_t n = strlen(names[i]);
        if (key->len == n && memcmp(key->u.str, names[i], n) == 0)
            return i;
    }
    return -1;
}

cv_rc cv_spec(cv *c, const cx_node *root, const cx_node **spec)
{
    return cv_map(c, "spec", cx_node_get(root, "spec"), spec);
}

/* ---- documents ---- */

typedef struct kind_info {
    const char *kind;
    contour_kind k;
    const char *const *api_versions; /* NULL-terminated */
    cv_rc (*read)(cv *c, const cx_node *root);
    const char *const *own_fields; /* top-level fields besides top_fields; NULL-terminated */
} kind_info;

/* The top-level fields every kind has (spec §1): anything else, unless the kind has it
 * (own_fields), is an unknown field. Their values are only read where a reader needs
 * them; the builder does not even build the others (tree.h). */
static const char *const top_fields[] = {"apiVersion", "kind", "metadata", "spec", "status", NULL};
static const char *const no_fields[] = {NULL};
/* A Secret has no spec; `immutable` is a Secret field since Kubernetes 1.19. */
static const char *const secret_fields[] = {"data", "stringData", "type", "immutable", NULL};
static const char *const list_fields[] = {"items", NULL};

static const char *const contour_apis[] = {"contour.heptio.com/v1beta1", NULL};
/* In the order of cx_ingress_api. */
static const char *const ingress_apis[] = {"extensions/v1beta1", "networking.k8s.io/v1beta1",
                                           "networking.k8s.io/v1", NULL};
static const char *const core_apis[] = {"v1", NULL};

static const kind_info kinds[] = {
    {"IngressRoute", CONTOUR_KIND_INGRESSROUTE, contour_apis, cv_read_ingressroute, no_fields},
    {"TLSCertificateDelegation", CONTOUR_KIND_TLSCERTIFICATEDELEGATION, contour_apis,
     cv_read_tlscertdelegation, no_fields},
    {"Ingress", CONTOUR_KIND_INGRESS, ingress_apis, cv_read_ingress, no_fields},
    {"Service", CONTOUR_KIND_SERVICE, core_apis, cv_read_service, no_fields},
    {"Secret", CONTOUR_KIND_SECRET, core_apis, cv_read_secret, secret_fields},
};

/* Every field of a Kubernetes ObjectMeta. */
static const char *const meta_fields[] = {"name",
                                          "generateName",
                                          "namespace",
                                          "selfLink",
                                          "uid",
                                          "resourceVersion",
                                          "generation",
                                          "creationTimestamp",
                                          "deletionTimestamp",
                                          "deletionGracePeriodSeconds",
                                          "labels",
                                          "annotations",
                                          "ownerReferences",
                                          "finalizers",
                                          "managedFields",
                                          "clusterName",
                                          NULL};

static bool text_eq(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len == n && memcmp(s, lit, n) == 0;
}

static bool ends_with_list(const char *s, size_t len)
{
    return len >= 4 && memcmp(s + len - 4, "List", 4) == 0;
}

/* A diagnostic about a document that is not (or not yet) an object. */
static cx_convert_result report_doc(const cx_convert_ctx *ctx, contour_severity sev,
                                    const char *code, cx_pos pos, const char *field,
                                    const char *message, size_t len, cx_convert_result result)
{
    cx_objref none = {CONTOUR_KIND_NONE, NULL, NULL};
    const char *file = ctx->source ? ctx->source->name : NULL;
    if (!cx_diag_add(ctx->rejected, sev, code, file, pos, none, field, message, len))
        return CX_CONVERT_NOMEM;
    return result;
}

static cx_convert_result report_pending(const cx_convert_ctx *ctx, const cx_pending_error *p)
{
    return report_doc(ctx, CONTOUR_SEVERITY_ERROR, p->code, p->pos, NULL, p->message,
                      strnlen(p->message, sizeof p->message), CX_CONVERT_REJECTED);
}

/* `<field>: expected <what>, found <n>` about a document that is not an object yet. */
static cx_convert_result report_doc_type(const cx_convert_ctx *ctx, const char *field,
                                         const cx_node *n, const char *what)
{
    cx_strbuf b;
    cx_strbuf_init(&b, ctx->alloc);
    cx_strbuf_puts(&b, field);
    cx_strbuf_puts(&b, ": expected ");
    cx_strbuf_puts(&b, what);
    cx_strbuf_puts(&b, ", found ");
    cx_node_describe(&b, n);
    cx_convert_result r = CX_CONVERT_NOMEM;
    if (!b.oom)
        r = report_doc(ctx, CONTOUR_SEVERITY_ERROR, "wrong-type", n->pos, field, b.data, b.len,
                       CX_CONVERT_REJECTED);
    cx_strbuf_release(&b);
    return r;
}

/* Namespaces must outlive the object's scratch memory (objects keep the pointer when
 * compacted), so they always go through the snapshot's interner. */
static const char *intern_ns(cv *c, const char *s, size_t len)
{
    return c->ctx->intern_ns(c->ctx->intern_ud, s, len);
}

/* An object arena's first chunk: enough for a typical object of this tree's size, so a
 * small object costs one allocation. */
static size_t arena_hint(const cx_node *root)
{
    if (root->weight >= 32768 / 64)
        return 32768;
    size_t hint = (size_t)root->weight * 64u;
    return hint < 1024 ? 1024 : hint;
}

cv_rc cv_string_entry(cv *c, const cx_node *k, const cx_node *v, cx_read *r, size_t *len)
{
    const char *s;
    cx_read kr = cx_read_string(k, &s, len);
    *len = 0;
    *r = cx_read_string(v, &s, len);
    if (kr == CX_READ_OK && (*r == CX_READ_OK || *r == CX_READ_ABSENT))
        return CV_OK;
    /* A key that is not a string (`80:`, `true:`, `~:`) is one to PyYAML and to kubectl's
     * reader: such a map is no map of strings. */
    cv_rc rc;
    if (kr != CX_READ_OK) {
        rc = cv_wrong_type(c, k, "a string key");
    } else {
        cv_push_key(c, k->u.str, k->len);
        rc = cv_wrong_type(c, v, "a string");
        cv_pop(c);
    }
    return rc;
}

/* metadata.annotations */
static cv_rc read_annotations(cv *c, const cx_node *v)
{
    const cx_node *map;
    CV_TRY(cv_map(c, "annotations", v, &map));
    if (!map)
        return CV_OK;
    contour_object *o = c->o;
    CV_TRY(cv_array(c, map->len, sizeof *o->annotations, (void **)&o->annotations));
    cv_push_field(c, "annotations");
    for (uint32_t i = 0; i < map->len; i++) {
        const cx_node *k = map->u.pairs[i].key, *val = map->u.pairs[i].value;
        cx_annotation *a = &o->annotations[i];
        size_t len;
        cx_read r;
        cv_rc rc = cv_string_entry(c, k, val, &r, &len);
        if (rc != CV_OK) {
            cv_pop(c);
            return rc;
        }
        a->key = cv_node_str(c, k);
        /* map[string]string: a null value decodes as "" (a bad one too: the object is
         * rejected, the other annotations are still checked) */
        a->value = r == CX_READ_OK ? cv_node_str(c, val) : "";
        a->pos = val->pos;
        if (!a->key || !a->value) {
            cv_pop(c);
            return CV_NOMEM;
        }
    }
    cv_pop(c);
    o->annotation_count = map->len;
    return CV_OK;
}

/* Unknown fields at the top of the document (their values were never built). */
static cv_rc read_top_level(cv *c, const cx_node *root, const char *const *own)
{
    cv_rc rc = CV_OK;
    for (uint32_t i = 0; i < root->len && rc == CV_OK; i++) {
        const cx_node *k = root->u.pairs[i].key;
        if (!cv_known(k, top_fields) && !cv_known(k, own))
            rc = cv_unknown_field(c, k);
    }
    return rc;
}

/* The rest of metadata, once name and namespace are known: unknown fields, annotations. */
static cv_rc read_metadata(cv *c, const cx_node *meta)
{
    cv_push_field(c, "metadata");
    cv_rc rc = CV_OK;
    for (uint32_t i = 0; i < meta->len && rc == CV_OK; i++) {
        const cx_node *k = meta->u.pairs[i].key;
        if (!cv_known(k, meta_fields))
            rc = cv_unknown_field(c, k);
        else if (cx_node_is(k, "annotations"))
            rc = read_annotations(c, meta->u.pairs[i].value);
    }
    cv_pop(c);
    return rc;
}

/* Reads the identity (name, namespace) leniently so that even an error about the document
 * can name the object, then checks it. */
static cv_rc read_identity(cv *c, const cx_node *root, const cx_pending_error *pending,
                           const cx_node **meta_out)
{
    const cx_node *meta = cx_node_get(root, "metadata");
    const cx_node *name = NULL, *ns = NULL;
    const char *s;
    size_t len;
    *meta_out = NULL;
    if (meta && meta->type == CX_NODE_MAP) {
        name = cx_node_get(meta, "name");
        ns = cx_node_get(meta, "namespace");
    }
    /* The readers treat NULL as absent; the explicit `name &&` / `ns &&` tests say so
     * where a static analyzer cannot see into scalar.c. */
    if (name && cx_read_string(name, &s, &len) == CX_READ_OK && len) {
        if (!(c->o->name = cv_node_str(c, name)))
            return CV_NOMEM;
    }
    if (ns && cx_read_string(ns, &s, &len) == CX_READ_OK && len)
        c->o->ns = intern_ns(c, s, len);
    else if (c->ctx->default_ns)
        c->o->ns = intern_ns(c, c->ctx->default_ns, strlen(c->ctx->default_ns));
    else
        c->o->ns = intern_ns(c, "default", 7);
    if (!c->o->ns)
        return CV_NOMEM;
    /* Node lengths are uint32_t and names hold no NUL, so these fit and are exact. */
    c->o->ns_len = (uint32_t)strlen(c->o->ns);
    c->o->name_len = c->o->name ? (uint32_t)strlen(c->o->name) : 0;
    c->ref = (cx_objref){c->o->kind, c->o->ns, c->o->name};

    if (pending && pending->set) {
        /* The builder's tree is not what was written (a repeated key, a NUL, ...): that
         * problem alone is reported, and reading stops. */
        cv_rc rc = cv_diag(c, CONTOUR_SEVERITY_ERROR, pending->code, pending->pos, pending->message,
                           strnlen(pending->message, sizeof pending->message));
        return rc == CV_OK ? CV_FAIL : rc;
    }

    const cx_node *m = NULL;
    bool meta_bad = meta && !cx_node_is_null(meta) && meta->type != CX_NODE_MAP;
    if (meta)
        CV_TRY(cv_map(c, "metadata", meta, &m));
    cv_push_field(c, "metadata");
    /* Both were read above when they are strings; here only their types are checked. */
    cv_rc rc = CV_OK;
    bool name_bad = name && cx_read_string(name, &s, &len) == CX_READ_TYPE;
    if (name_bad)
        rc = type_error_at(c, "name", name, "a string");
    if (rc == CV_OK && ns && cx_read_string(ns, &s, &len) == CX_READ_TYPE)
        rc = type_error_at(c, "namespace", ns, "a string");
    /* Without a usable name, unless that was just reported (a name that is not a string,
     * metadata that is not a map). */
    if (rc == CV_OK && !c->o->name && !name_bad && !meta_bad) {
        static const char msg[] = "metadata.name must be specified";
        cv_push_field(c, "name");
        rc = cv_diag(c, CONTOUR_SEVERITY_ERROR, "missing-name",
                     name ? name->pos
                     : m  ? m->pos
                          : root->pos,
                     msg, sizeof msg - 1);
        cv_pop(c);
    }
    cv_pop(c);
    *meta_out = m;
    return rc;
}

static cv_rc sort_diags(cv *c)
{
    contour_object *o = c->o;
    if (!o->diags.count)
        return CV_OK;
    const contour_diagnostic **v = cx_arena_array(c->arena, o->diags.count, sizeof *v);
    if (!v)
        return CV_NOMEM;
    size_t i = 0;
    for (const contour_diagnostic *d = o->diags.head; d; d = d->next)
        v[i++] = d;
    qsort(v, o->diags.count, sizeof *v, cx_diag_ptr_compare);
    o->sorted_diags = v;
    return CV_OK;
}

/* Copies the rejected object's diagnostics to ctx->rejected: all or nothing. */
static cx_convert_result reject(const cx_convert_ctx *ctx, const contour_object *o)
{
    cx_diag_sink sink = ctx->rejected;
    sink.budget = NULL; /* counted when they were made */
    cx_arena_mark mark = cx_arena_save(sink.arena);
    cx_diag_list saved = *sink.list;
    for (const contour_diagnostic *d = o->diags.head; d; d = d->next) {
        if (!cx_diag_copy(sink, d, d->file)) {
            if (saved.tail)
                saved.tail->next = NULL;
            *sink.list = saved;
            cx_arena_rewind(sink.arena, mark);
            return CX_CONVERT_NOMEM;
        }
    }
    return CX_CONVERT_REJECTED;
}

static cx_convert_result convert_object(const cx_convert_ctx *ctx, const kind_info *ki,
                                        const cx_node *root, const char *api_version,
                                        const cx_pending_error *pending, contour_object **out)
{
    /* Build in scratch memory, then keep an exactly sized copy (cx_object_compact). The
     * scratch arena holds nothing between objects, so it is emptied, not rewound. */
    cx_arena own;
    cx_arena *arena = ctx->scratch;
    if (!arena) {
        cx_arena_init(&own, ctx->alloc, arena_hint(root));
        arena = &own;
    }
    contour_object *o = cx_arena_zalloc(arena, sizeof *o);
    if (!o) {
        if (arena == &own)
            cx_arena_release(&own);
        else
            cx_arena_reset(arena);
        return CX_CONVERT_NOMEM;
    }
    o->kind = ki->k;
    o->source = ctx->source;
    o->pos = root->pos;
    o->api_version = api_version;

    cv c;
    memset(&c, 0, sizeof c);
    c.ctx = ctx;
    c.o = o;
    c.arena = arena;
    c.ref = (cx_objref){ki->k, NULL, NULL};
    cx_strbuf_init(&c.msg, ctx->alloc);
    cx_strbuf_init(&c.field, ctx->alloc);

    const cx_node *meta = NULL;
    cv_rc rc = read_identity(&c, root, pending, &meta);
    if (rc == CV_OK)
        rc = read_top_level(&c, root, ki->own_fields);
    if (rc == CV_OK && meta)
        rc = read_metadata(&c, meta);
    if (rc == CV_OK)
        rc = ki->read(&c, root);
    if (rc == CV_OK)
        rc = sort_diags(&c);
    cx_strbuf_release(&c.msg);
    cx_strbuf_release(&c.field);
    if (c.copies_init)
        cx_map_release(&c.copies);

    cx_convert_result result = CX_CONVERT_OBJECT;
    if (rc == CV_FAIL || (rc == CV_OK && c.errors))
        result = reject(ctx, o);
    else if (rc == CV_NOMEM)
        result = CX_CONVERT_NOMEM;
    contour_object *compact = NULL;
    if (result == CX_CONVERT_OBJECT && !(compact = cx_object_compact(ctx->alloc, o)))
        result = CX_CONVERT_NOMEM;
    if (arena == &own)
        cx_arena_release(&own);
    else
        cx_arena_reset(arena);
    *out = compact;
    return result;
}

/* unknown-field warnings for a List's own top level (`kind` is its kind as written). */
static cx_convert_result list_unknown_fields(const cx_convert_ctx *ctx, const cx_node *root,
                                             const char *kind, size_t kind_len)
{
    cx_strbuf msg, field;
    cx_strbuf_init(&msg, ctx->alloc);
    cx_strbuf_init(&field, ctx->alloc);
    cx_convert_result r = CX_CONVERT_LIST;
    for (uint32_t i = 0; i < root->len && r == CX_CONVERT_LIST; i++) {
        const cx_node *k = root->u.pairs[i].key;
        if (cv_known(k, top_fields) || cv_known(k, list_fields))
            continue;
        cx_strbuf_clear(&msg);
        cx_strbuf_clear(&field);
        unknown_field_text(&msg, &field, k);
        put_bounded(&msg, kind, kind_len, KEY_MAX);
        r = msg.oom || field.oom
                ? CX_CONVERT_NOMEM
                : report_doc(ctx, CONTOUR_SEVERITY_WARNING, "unknown-field", k->pos, field.data,
                             msg.data, msg.len, CX_CONVERT_LIST);
    }
    cx_strbuf_release(&msg);
    cx_strbuf_release(&field);
    return r;
}

/* A List's items: the builder streams a top-level `items` list to the handler; anything
 * else there that is not a list is a type error. */
static cx_convert_result convert_list(const cx_convert_ctx *ctx, const cx_node *root,
                                      const cx_pending_error *pending, const char *kind,
                                      size_t kind_len)
{
    if (pending && pending->set)
        return report_pending(ctx, pending);
    const cx_node *items = cx_node_get(root, "items");
    if (!cx_node_is_null(items) && items->type != CX_NODE_SEQ)
        return report_doc_type(ctx, "items", items, "a list");
    return list_unknown_fields(ctx, root, kind, kind_len);
}

static const char missing_kind_msg[] = "document has no kind; skipped";

cx_convert_result cx_convert(const cx_convert_ctx *ctx, const cx_node *root,
                             const cx_pending_error *pending, contour_object **out)
{
    *out = NULL;
    if (pending && !pending->set)
        pending = NULL;
    if (cx_node_is_null(root))
        return CX_CONVERT_SKIPPED; /* an empty document */
    if (root->type != CX_NODE_MAP) {
        if (pending)
            return report_pending(ctx, pending);
        cx_strbuf b;
        cx_strbuf_init(&b, ctx->alloc);
        /* Only the type: such a document is no manifest, and its text is not quoted. */
        cx_strbuf_puts(&b, "a document must be a Kubernetes object (a map), found ");
        cx_node_describe_type(&b, root);
        cx_convert_result r = CX_CONVERT_NOMEM;
        if (!b.oom)
            r = report_doc(ctx, CONTOUR_SEVERITY_ERROR, "not-an-object", root->pos, NULL, b.data,
                           b.len, CX_CONVERT_REJECTED);
        cx_strbuf_release(&b);
        return r;
    }

    const cx_node *kind = cx_node_get(root, "kind");
    const char *ks;
    size_t klen;
    cx_read kr = cx_read_string(kind, &ks, &klen);
    if (kr == CX_READ_OK && klen == 0)
        kr = CX_READ_ABSENT; /* an empty kind is no kind */
    switch (kr) {
    case CX_READ_OK:
        break;
    case CX_READ_ABSENT:
        if (pending && !cx_node_get(root, "apiVersion") && pending->code &&
            strcmp(pending->code, "duplicate-key") == 0) {
            /* Neither apiVersion nor kind: no manifest, whose keys are not shown. */
            static const char msg[] = "duplicate key (not shown: the document is not a "
                                      "Kubernetes manifest)";
            return report_doc(ctx, CONTOUR_SEVERITY_ERROR, pending->code, pending->pos, NULL, msg,
                              sizeof msg - 1, CX_CONVERT_REJECTED);
        }
        if (pending)
            return report_pending(ctx, pending);
        return report_doc(ctx, CONTOUR_SEVERITY_WARNING, "missing-kind",
                          kind ? kind->pos : root->pos, NULL, missing_kind_msg,
                          sizeof missing_kind_msg - 1, CX_CONVERT_SKIPPED);
    default:
        if (pending)
            return report_pending(ctx, pending);
        return report_doc_type(ctx, "kind", kind, "a string");
    }

    if (ends_with_list(ks, klen))
        return convert_list(ctx, root, pending, ks, klen);

    const kind_info *ki = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        if (text_eq(ks, klen, kinds[i].kind))
            ki = &kinds[i];
    }
    const cx_node *apiv = cx_node_get(root, "apiVersion");
    const char *api = NULL;
    size_t api_len = 0;
    cx_read ar = cx_read_string(apiv, &api, &api_len);
    const char *api_static = NULL; /* the table's copy: objects share it */
    if (ki && ar == CX_READ_OK) {
        for (size_t i = 0; ki->api_versions[i]; i++) {
            if (text_eq(api, api_len, ki->api_versions[i]))
                api_static = ki->api_versions[i];
        }
    }
    if (!api_static) {
        if (pending)
            return report_pending(ctx, pending);
        if (ki && ar == CX_READ_TYPE)
            return report_doc_type(ctx, "apiVersion", apiv, "a string");
        return CX_CONVERT_SKIPPED;
    }
    return convert_object(ctx, ki, root, api_static, pending, out);
}

void cx_object_free(const cx_alloc *alloc, contour_object *o)
{
    cx_object_release(o, alloc);
}

const char *cx_object_annotation(const contour_object *o, const char *key)
{
    if (!o || !key)
        return NULL;
    for (uint32_t i = 0; i < o->annotation_count; i++) {
        if (strcmp(o->annotations[i].key, key) == 0)
            return o->annotations[i].value;
    }
    return NULL;
}
