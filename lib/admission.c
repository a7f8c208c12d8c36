/*
 * AdmissionReview (admission.k8s.io/v1) in and out: contour_admission_request_parse()
 * reads and checks a request, contour_admission_request_answer() writes the response from
 * cx_admission_decide()'s decision (lib/admission_internal.h is the seam to the reviewer).
 *
 * The request is hostile: it is read by the library's own JSON reader, whole (the object
 * readers' shortcuts — skipping unknown top-level keys, streaming `items` — are off) but
 * under the snapshot's depth, node and scalar limits, after a cap on its size. Nothing here
 * recurses; every read of the tree is a bounded walk of known keys.
 *
 * The object reviewed is handed on as the exact bytes the API server sent (its span in the
 * request, found from the node's position), not re-serialized from the tree: that keeps
 * numbers and strings exactly as written, and costs less. Measured on a review carrying a
 * 1 MiB Secret: reading the whole request, span and copy included, takes 1.1 ms; writing
 * the object back out from the tree would add 2.7 ms (the JSON string writer over the 1 MiB
 * value alone).
 */
#include "admission_internal.h"
#include "buffer.h"
#include "load.h"
#include "snapshot_internal.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

/* request.uid is a UID (36 bytes) in practice; anything much longer is not the API
 * server's, and it is echoed into every response. */
#define UID_MAX_BYTES 256
/* Diagnostics kept while reading a request: only the first is used. */
#define REQUEST_DIAGNOSTICS 8

struct contour_admission_request {
    cx_alloc alloc;
    cx_arena arena; /* the strings below, but `object` */
    const char *uid;
    const char *ns;
    const char *name;
    contour_kind kind; /* NONE: answered without a review */
    contour_operation operation;
    bool dry_run;
    cx_strbuf object; /* the object reviewed, JSON; empty unless kind != NONE */
};

/* ---- modelled kinds ---- */

typedef struct modelled {
    const char *group;
    const char *version;
    const char *kind;
    contour_kind k;
} modelled;

/* The (group, version, kind) triples the loader reads (lib/convert.c): request.kind names
 * the version the object was converted to for this webhook. */
static const modelled modelled_kinds[] = {
    {"contour.heptio.com", "v1beta1", "IngressRoute", CONTOUR_KIND_INGRESSROUTE},
    {"contour.heptio.com", "v1beta1", "TLSCertificateDelegation",
     CONTOUR_KIND_TLSCERTIFICATEDELEGATION},
    {"networking.k8s.io", "v1", "Ingress", CONTOUR_KIND_INGRESS},
    {"networking.k8s.io", "v1beta1", "Ingress", CONTOUR_KIND_INGRESS},
    {"extensions", "v1beta1", "Ingress", CONTOUR_KIND_INGRESS},
    {"", "v1", "Service", CONTOUR_KIND_SERVICE},
    {"", "v1", "Secret", CONTOUR_KIND_SECRET},
};

static bool text_is(const cx_node *n, const char *s)
{
    return n && n->type == CX_NODE_SCALAR && n->len == strlen(s) &&
           memcmp(n->u.str, s, n->len) == 0;
}

/* ---- reading the request ---- */

typedef struct reader {
    contour_admission_request *req;
    const char *data;
    size_t len;
    size_t documents;
    contour_result status; /* CONTOUR_OK until the request is found wrong */
    cx_strbuf *reason;     /* why, one line */
    bool nomem;
    const char *default_ns; /* the snapshot's: where an object without a namespace goes */
} reader;

static void wrong(reader *r, contour_result status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void wrong(reader *r, contour_result status, const char *fmt, ...)
{
    if (r->status != CONTOUR_OK)
        return; /* the first problem is the one reported */
    r->status = status;
    va_list ap;
    va_start(ap, fmt);
    cx_strbuf_vprintf(r->reason, fmt, ap);
    va_end(ap);
}

/* Appends a value from the request for a reason: Go-quoted (one line, controls escaped),
 * cut at 64 bytes on a character boundary. */
static void quote_value(cx_strbuf *b, const cx_node *n)
{
    if (!n || n->type != CX_NODE_SCALAR) {
        cx_strbuf_puts(b, !n ? "nothing" : n->type == CX_NODE_MAP ? "an object" : "an array");
        return;
    }
    if (n->tag != CX_TAG_STR) {
        cx_strbuf_append(b, n->u.str, n->len > 32 ? 32 : n->len); /* a JSON literal or number */
        return;
    }
    size_t cut = n->len;
    if (cut > 64) {
        cut = 64;
        while (cut > 0 && ((unsigned char)n->u.str[cut] & 0xC0) == 0x80)
            cut--;
    }
    cx_strbuf_go_quote(b, n->u.str, cut);
    if (cut < n->len)
        cx_strbuf_puts(b, "...");
}

/* Reports that `path` holds `n` where `want` was expected. */
static void wrong_value(reader *r, const char *path, const cx_node *n, const char *want)
{
    if (r->status != CONTOUR_OK)
        return;
    cx_strbuf_printf(r->reason, "%s must be %s, not ", path, want);
    quote_value(r->reason, n);
    r->status = CONTOUR_ERR_INVALID;
}

/* A string field: absent or null reads as "" when optional. Returns false (reported) when
 * it is something else. */
static bool read_string(reader *r, const cx_node *map, const char *key, const char *path,
                        bool required, const cx_node **out)
{
    const cx_node *n = cx_node_get(map, key);
    *out = NULL;
    if ((!n || (n->type == CX_NODE_SCALAR && n->tag == CX_TAG_NULL)) && !required)
        return true;
    if (!n || n->type != CX_NODE_SCALAR || n->tag != CX_TAG_STR) {
        wrong_value(r, path, n, "a string");
        return false;
    }
    *out = n;
    return true;
}

static const char *keep(reader *r, const cx_node *n)
{
    if (!n)
        return "";
    char *s = cx_arena_strndup(&r->req->arena, n->u.str, n->len);
    if (!s)
        r->nomem = true;
    return s ? s : "";
}

/* The object's span in the request, which cx_json_parse() has read without error. */
static bool object_span(reader *r, const cx_node *obj, size_t *start, size_t *end)
{
    *start = cx_json_offset(r->data, r->len, obj->pos);
    if (*start >= r->len || r->data[*start] != '{') {
        wrong(r, CONTOUR_ERR_INVALID, "internal error: cannot find the object in the request");
        return false;
    }
    *end = cx_json_value_end(r->data, r->len, *start);
    return true;
}

/* Checks the object reviewed against request.kind, .namespace and .name, and keeps its
 * bytes (with request.namespace spliced in as metadata.namespace when it has none). */
static void read_object(reader *r, const cx_node *obj, const char *path, const modelled *m,
                        const cx_node *ns, const cx_node *name)
{
    contour_admission_request *req = r->req;
    if (!obj || obj->type != CX_NODE_MAP) {
        wrong_value(r, path, obj, "an object");
        return;
    }
    const cx_node *api = cx_node_get(obj, "apiVersion"), *kind = cx_node_get(obj, "kind");
    bool api_ok;
    if (!*m->group) {
        api_ok = text_is(api, m->version);
    } else {
        size_t g = strlen(m->group), v = strlen(m->version);
        api_ok = api && api->type == CX_NODE_SCALAR && api->len == g + 1 + v &&
                 memcmp(api->u.str, m->group, g) == 0 && api->u.str[g] == '/' &&
                 memcmp(api->u.str + g + 1, m->version, v) == 0;
    }
    if (!api_ok || !text_is(kind, m->kind)) {
        if (r->status != CONTOUR_OK)
            return;
        cx_strbuf_printf(r->reason, "%s (apiVersion ", path);
        quote_value(r->reason, api);
        cx_strbuf_puts(r->reason, ", kind ");
        quote_value(r->reason, kind);
        cx_strbuf_printf(r->reason, ") is not the %s%s%s %s that request.kind names", m->group,
                         *m->group ? "/" : "", m->version, m->kind);
        r->status = CONTOUR_ERR_INVALID;
        return;
    }
    const cx_node *meta = cx_node_get(obj, "metadata");
    char field[64];
    snprintf(field, sizeof field, "%s.metadata", path);
    if (!meta || meta->type != CX_NODE_MAP) {
        wrong_value(r, field, meta, "an object");
        return;
    }
    const cx_node *oname, *ons;
    snprintf(field, sizeof field, "%s.metadata.name", path);
    if (!read_string(r, meta, "name", field, true, &oname))
        return;
    if (name && name->len &&
        (oname->len != name->len || memcmp(oname->u.str, name->u.str, name->len))) {
        cx_strbuf_printf(r->reason, "%s ", field);
        quote_value(r->reason, oname);
        cx_strbuf_puts(r->reason, " is not request.name ");
        quote_value(r->reason, name);
        r->status = CONTOUR_ERR_INVALID;
        return;
    }
    snprintf(field, sizeof field, "%s.metadata.namespace", path);
    bool has_ns = cx_node_get(meta, "namespace") != NULL;
    if (!read_string(r, meta, "namespace", field, false, &ons))
        return;
    bool splice = false;
    if (ns && ns->len) {
        if (!has_ns) {
            splice = true; /* older API servers leave it to request.namespace on CREATE */
        } else if (!ons || ons->len != ns->len || memcmp(ons->u.str, ns->u.str, ns->len)) {
            cx_strbuf_printf(r->reason, "%s ", field);
            quote_value(r->reason, ons);
            cx_strbuf_puts(r->reason, " is not request.namespace ");
            quote_value(r->reason, ns);
            r->status = CONTOUR_ERR_INVALID;
            return;
        }
    }

    /* The object's key, as it will be loaded: request.name is empty on a CREATE whose
     * name the API server generates, and an object in no namespace goes to the default. */
    if (!name || !name->len)
        req->name = keep(r, oname);
    if ((!ns || !ns->len) && ons && ons->len)
        req->ns = keep(r, ons);
    else if ((!ns || !ns->len))
        req->ns = r->default_ns;

    size_t start, end, mstart = 0;
    if (!object_span(r, obj, &start, &end))
        return;
    if (splice) {
        mstart = cx_json_offset(r->data, r->len, meta->pos);
        if (mstart <= start || mstart >= end || r->data[mstart] != '{') {
            wrong(r, CONTOUR_ERR_INVALID, "internal error: cannot find %s.metadata", path);
            return;
        }
        mstart++; /* past the '{' */
    }
    if (!cx_strbuf_reserve(&req->object, end - start)) {
        r->nomem = true;
        return;
    }
    if (splice) {
        cx_strbuf_append(&req->object, r->data + start, mstart - start);
        cx_strbuf_puts(&req->object, "\"namespace\":");
        cx_strbuf_json_string(&req->object, ns->u.str, ns->len);
        if (meta->len)
            cx_strbuf_putc(&req->object, ',');
        cx_strbuf_append(&req->object, r->data + mstart, end - mstart);
    } else {
        cx_strbuf_append(&req->object, r->data + start, end - start);
    }
    if (req->object.oom)
        r->nomem = true;
}

/* A DELETE without request.oldObject (API servers before 1.15): the object is known by
 * its kind, namespace and name, which is all a deletion is reviewed by. */
static void make_object(reader *r, const modelled *m, const cx_node *ns, const cx_node *name)
{
    if (!name || !name->len) {
        wrong(r, CONTOUR_ERR_INVALID, "a DELETE without request.oldObject needs request.name");
        return;
    }
    if (!ns || !ns->len)
        r->req->ns = r->default_ns; /* where the made-up object loads */
    cx_strbuf *b = &r->req->object;
    cx_strbuf_printf(b,
                     "{\"apiVersion\":\"%s%s%s\",\"kind\":\"%s\",\"metadata\":{\"name\":", m->group,
                     *m->group ? "/" : "", m->version, m->kind);
    cx_strbuf_json_string(b, name->u.str, name->len);
    if (ns && ns->len) {
        cx_strbuf_puts(b, ",\"namespace\":");
        cx_strbuf_json_string(b, ns->u.str, ns->len);
    }
    cx_strbuf_puts(b, "}}");
    if (b->oom)
        r->nomem = true;
}

static void read_review(reader *r, const cx_node *root)
{
    contour_admission_request *req = r->req;
    if (root->type != CX_NODE_MAP) {
        wrong_value(r, "an AdmissionReview", root, "a JSON object");
        return;
    }
    const cx_node *n = cx_node_get(root, "apiVersion");
    if (!text_is(n, "admission.k8s.io/v1")) {
        wrong_value(r, "apiVersion", n, "\"admission.k8s.io/v1\"");
        return;
    }
    n = cx_node_get(root, "kind");
    if (!text_is(n, "AdmissionReview")) {
        wrong_value(r, "kind", n, "\"AdmissionReview\"");
        return;
    }
    const cx_node *rq = cx_node_get(root, "request");
    if (!rq || rq->type != CX_NODE_MAP) {
        wrong_value(r, "request", rq, "an object");
        return;
    }

    const cx_node *uid, *op, *ns, *name, *group, *version, *kind;
    if (!read_string(r, rq, "uid", "request.uid", true, &uid))
        return;
    if (uid->len == 0 || uid->len > UID_MAX_BYTES) {
        wrong(r, CONTOUR_ERR_INVALID, "request.uid must be 1 to %d bytes long, not %u",
              UID_MAX_BYTES, (unsigned)uid->len);
        return;
    }
    const cx_node *k = cx_node_get(rq, "kind");
    if (!k || k->type != CX_NODE_MAP) {
        wrong_value(r, "request.kind", k, "an object");
        return;
    }
    if (!read_string(r, k, "group", "request.kind.group", false, &group) ||
        !read_string(r, k, "version", "request.kind.version", true, &version) ||
        !read_string(r, k, "kind", "request.kind.kind", true, &kind) ||
        !read_string(r, rq, "operation", "request.operation", true, &op) ||
        !read_string(r, rq, "namespace", "request.namespace", false, &ns) ||
        !read_string(r, rq, "name", "request.name", false, &name))
        return;
    bool connect = false;
    if (text_is(op, "CREATE"))
        req->operation = CONTOUR_OPERATION_CREATE;
    else if (text_is(op, "UPDATE"))
        req->operation = CONTOUR_OPERATION_UPDATE;
    else if (text_is(op, "DELETE"))
        req->operation = CONTOUR_OPERATION_DELETE;
    else if (text_is(op, "CONNECT"))
        connect = true;
    else {
        wrong_value(r, "request.operation", op, "CREATE, UPDATE, DELETE or CONNECT");
        return;
    }
    const cx_node *dry = cx_node_get(rq, "dryRun");
    if (dry &&
        !(dry->type == CX_NODE_SCALAR && (dry->tag == CX_TAG_BOOL || dry->tag == CX_TAG_NULL))) {
        wrong_value(r, "request.dryRun", dry, "a boolean");
        return;
    }
    req->dry_run = dry && text_is(dry, "true");
    /* Present or not, both objects must be objects or null whatever the kind. */
    static const char *const objects[] = {"object", "oldObject"};
    for (size_t i = 0; i < 2; i++) {
        const cx_node *o = cx_node_get(rq, objects[i]);
        if (o && o->type != CX_NODE_MAP && !(o->type == CX_NODE_SCALAR && o->tag == CX_TAG_NULL)) {
            char path[32];
            snprintf(path, sizeof path, "request.%s", objects[i]);
            wrong_value(r, path, o, "an object or null");
            return;
        }
    }
    req->uid = keep(r, uid);
    req->ns = keep(r, ns);
    req->name = keep(r, name);

    const modelled *m = NULL;
    for (size_t i = 0; i < sizeof modelled_kinds / sizeof *modelled_kinds && !connect; i++) {
        const modelled *c = &modelled_kinds[i];
        if ((group ? text_is(group, c->group) : !*c->group) && text_is(version, c->version) &&
            text_is(kind, c->kind))
            m = c;
    }
    if (!m)
        return; /* allowed without a review */
    req->kind = m->k;
    if (req->operation == CONTOUR_OPERATION_DELETE) {
        const cx_node *old = cx_node_get(rq, "oldObject");
        if (!old || old->type != CX_NODE_MAP)
            make_object(r, m, ns, name);
        else
            read_object(r, old, "request.oldObject", m, ns, name);
    } else {
        read_object(r, cx_node_get(rq, "object"), "request.object", m, ns, name);
    }
}

static cx_rc on_item(void *ctx, const cx_node *item, const cx_pending_error *pending)
{
    (void)ctx;
    (void)item;
    (void)pending;
    return CX_RC_OK; /* never called: a whole-tree build streams nothing */
}

static cx_rc on_document(void *ctx, const cx_node *root, const cx_pending_error *pending,
                         const char *kind)
{
    (void)kind;
    reader *r = ctx;
    if (++r->documents > 1) {
        wrong(r, CONTOUR_ERR_INVALID, "more than one JSON value");
        return CX_RC_STOP;
    }
    if (!root)
        return CX_RC_OK; /* a syntax or limit error, reported to the sink */
    if (pending) {
        /* A duplicate key or a NUL character anywhere: the API server never sends either. */
        bool limit = strncmp(pending->code, "limit-", 6) == 0;
        wrong(r, limit ? CONTOUR_ERR_LIMIT : CONTOUR_ERR_INVALID, "line %u, column %u: %s",
              (unsigned)pending->pos.line, (unsigned)pending->pos.col, pending->message);
        return CX_RC_STOP;
    }
    read_review(r, root);
    return r->nomem ? CX_RC_NOMEM : CX_RC_OK;
}

static size_t request_cap(const contour_snapshot *snapshot)
{
    uint64_t cap = snapshot->limits.v[CONTOUR_LIMIT_INPUT_BYTES];
    if (cap > CONTOUR_ADMISSION_MAX_REQUEST_BYTES)
        cap = CONTOUR_ADMISSION_MAX_REQUEST_BYTES;
    return (size_t)cap;
}

/* Moves a reason into a buffer for the caller (NULL when out is NULL or on OOM). */
static contour_result give_reason(contour_buffer **out, const cx_alloc *alloc, cx_strbuf *reason,
                                  contour_result status)
{
    if (!out) {
        cx_strbuf_release(reason);
        return status;
    }
    *out = cx_buffer_take(alloc, reason);
    return *out ? status : CONTOUR_ERR_NOMEM;
}

void contour_admission_request_free(contour_admission_request *request)
{
    if (!request)
        return;
    cx_alloc alloc = request->alloc; /* the struct holds it */
    cx_strbuf_release(&request->object);
    cx_arena_release(&request->arena);
    cx_free(&alloc, request);
}

contour_result contour_admission_request_parse(contour_admission_request **out,
                                               contour_buffer **reason_out,
                                               const contour_snapshot *snapshot, const char *data,
                                               size_t len)
{
    if (reason_out)
        *reason_out = NULL;
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!snapshot || (!data && len))
        return CONTOUR_ERR_INVALID;
    const cx_alloc *alloc = &snapshot->alloc;
    cx_strbuf reason;
    cx_strbuf_init(&reason, alloc);

    size_t cap = request_cap(snapshot);
    if (len > cap) {
        cx_strbuf_printf(&reason, "the request is %zu bytes, more than the limit of %zu bytes", len,
                         cap);
        return give_reason(reason_out, alloc, &reason, CONTOUR_ERR_LIMIT);
    }

    contour_admission_request *req = cx_calloc(alloc, 1, sizeof *req);
    if (!req)
        return CONTOUR_ERR_NOMEM;
    req->alloc = *alloc;
    cx_arena_init(&req->arena, &req->alloc, 512);
    cx_strbuf_init(&req->object, &req->alloc);
    req->uid = req->ns = req->name = "";

    reader r = {req, data ? data : "", len, 0, CONTOUR_OK, &reason, false, snapshot->default_ns};
    cx_arena diag_arena;
    cx_arena_init(&diag_arena, alloc, 1024);
    cx_diag_list diags = {NULL, NULL, 0};
    cx_diag_budget budget = {
        REQUEST_DIAGNOSTICS, REQUEST_DIAGNOSTICS, &diag_arena, &diags, NULL, NULL};
    cx_diag_sink sink = {&diag_arena, &diags, &budget, NULL};
    cx_load_ctx ctx = {
        alloc, &snapshot->limits, "<admission-review>", sink, {&r, on_item, on_document}};
    cx_rc rc = cx_json_parse_whole(&ctx, r.data, len);

    contour_result status = CONTOUR_OK;
    if (rc == CX_RC_NOMEM || r.nomem || reason.oom) {
        status = CONTOUR_ERR_NOMEM;
    } else if (diags.head) {
        /* The reader stops at the first syntax error; limits stop the document. */
        const contour_diagnostic *d = diags.head;
        cx_strbuf_clear(&reason);
        cx_strbuf_printf(&reason, "line %u, column %u: %s", (unsigned)d->pos.line,
                         (unsigned)d->pos.col, d->message);
        status = strncmp(d->code, "limit-", 6) == 0 ? CONTOUR_ERR_LIMIT : CONTOUR_ERR_INVALID;
    } else if (r.status != CONTOUR_OK) {
        status = r.status;
    } else if (r.documents == 0) {
        cx_strbuf_puts(&reason, "the request is empty");
        status = CONTOUR_ERR_INVALID;
    }
    cx_arena_release(&diag_arena);

    if (status == CONTOUR_OK) {
        cx_strbuf_release(&reason);
        *out = req;
        return CONTOUR_OK;
    }
    contour_admission_request_free(req);
    if (status == CONTOUR_ERR_NOMEM || reason.oom) {
        cx_strbuf_release(&reason);
        return CONTOUR_ERR_NOMEM;
    }
    return give_reason(reason_out, alloc, &reason, status);
}

/* ---- accessors ---- */

const char *contour_admission_request_uid(const contour_admission_request *request)
{
    return request ? request->uid : "";
}

contour_kind contour_admission_request_kind(const contour_admission_request *request)
{
    return request ? request->kind : CONTOUR_KIND_NONE;
}

contour_operation contour_admission_request_operation(const contour_admission_request *request)
{
    return request ? request->operation : CONTOUR_OPERATION_CREATE;
}

const char *contour_admission_request_namespace(const contour_admission_request *request)
{
    return request ? request->ns : "";
}

const char *contour_admission_request_name(const contour_admission_request *request)
{
    return request ? request->name : "";
}

bool contour_admission_request_dry_run(const contour_admission_request *request)
{
    return request && request->dry_run;
}

const char *contour_admission_request_object(const contour_admission_request *request)
{
    return request && request->object.data ? request->object.data : "";
}

size_t contour_admission_request_object_size(const contour_admission_request *request)
{
    return request ? request->object.len : 0;
}

/* ---- the response ---- */

/* Appends text from the reviewer: invalid UTF-8 becomes U+FFFD, and with `flatten`,
 * control characters become spaces (warnings end up in HTTP Warning headers, reasons in
 * one-line bodies). */
static void put_clean(cx_strbuf *out, const char *s, size_t len, bool flatten)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t run = cx_utf8_invalid_offset(s + i, len - i);
        if (!flatten) {
            cx_strbuf_append(out, s + i, run);
        } else {
            for (size_t j = i; j < i + run; j++)
                cx_strbuf_putc(out, p[j] < 0x20 || p[j] == 0x7F ? ' ' : (char)p[j]);
        }
        i += run;
        if (i < len) {
            cx_strbuf_puts(out, "\xEF\xBF\xBD");
            i++;
        }
    }
}

/* The same as a JSON string, through a scratch buffer. */
static void put_text(cx_strbuf *out, cx_strbuf *tmp, const char *s, size_t len, bool flatten)
{
    cx_strbuf_clear(tmp);
    put_clean(tmp, s, len, flatten);
    cx_strbuf_json_string(out, tmp->data ? tmp->data : "", tmp->len);
}

bool cx_admission_write_response(cx_strbuf *out, const char *uid, const cx_admission_decision *d)
{
    cx_strbuf tmp;
    cx_strbuf_init(&tmp, out->alloc);
    cx_strbuf_puts(out, "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                        "\"response\":{\"uid\":");
    cx_strbuf_json_string(out, uid, strlen(uid));
    bool allowed = !d || d->allowed;
    cx_strbuf_printf(out, ",\"allowed\":%s", allowed ? "true" : "false");
    if (!allowed) {
        cx_strbuf_puts(out, ",\"status\":{\"code\":403,\"reason\":\"Forbidden\",\"message\":");
        put_text(out, &tmp, d->message.data ? d->message.data : "", d->message.len, false);
        cx_strbuf_putc(out, '}');
    }
    if (d && d->warning_count) {
        cx_strbuf_puts(out, ",\"warnings\":[");
        const char *w = d->warnings.data;
        for (size_t i = 0; i < d->warning_count; i++) {
            size_t n = strlen(w);
            if (i)
                cx_strbuf_putc(out, ',');
            put_text(out, &tmp, w, n, true);
            w += n + 1;
        }
        cx_strbuf_putc(out, ']');
    }
    cx_strbuf_puts(out, "}}");
    cx_strbuf_release(&tmp);
    return !out->oom && !tmp.oom;
}

contour_result contour_admission_request_answer(contour_buffer **out,
                                                const contour_admission_request *request,
                                                const contour_snapshot *snapshot,
                                                const contour_graph *base,
                                                const contour_policy *policy)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!request || !snapshot || !base)
        return CONTOUR_ERR_INVALID;
    const cx_alloc *alloc = &snapshot->alloc;
    cx_strbuf sb;
    cx_strbuf_init(&sb, alloc);
    if (request->kind == CONTOUR_KIND_NONE) {
        if (!cx_admission_write_response(&sb, request->uid, NULL)) {
            cx_strbuf_release(&sb);
            return CONTOUR_ERR_NOMEM;
        }
        *out = cx_buffer_take(alloc, &sb);
        return *out ? CONTOUR_OK : CONTOUR_ERR_NOMEM;
    }

    cx_admission_change change = {
        request->operation,
        request->kind,
        request->ns,
        strlen(request->ns),
        request->name,
        strlen(request->name),
        contour_admission_request_object(request),
        request->object.len,
        request->dry_run,
    };
    cx_admission_decision d;
    cx_admission_decision_init(&d, alloc);
    contour_result st =
        cx_admission_decide(snapshot, base, policy ? policy : &cx_policy_defaults, &change, &d);
    if (st == CONTOUR_OK) {
        if (!cx_admission_write_response(&sb, request->uid, &d))
            st = CONTOUR_ERR_NOMEM;
    } else if (st != CONTOUR_ERR_NOMEM) {
        /* The reason, on one line, for an HTTP 500 body. */
        if (d.message.len)
            put_clean(&sb, d.message.data, d.message.len, true);
        else
            cx_strbuf_puts(&sb, contour_result_str(st));
        if (sb.oom || d.message.oom)
            st = CONTOUR_ERR_NOMEM;
    }
    cx_admission_decision_release(&d);
    if (st == CONTOUR_ERR_NOMEM) {
        cx_strbuf_release(&sb);
        return st;
    }
    *out = cx_buffer_take(alloc, &sb);
    return *out ? st : CONTOUR_ERR_NOMEM;
}

contour_result contour_admission_review(contour_buffer **out, const contour_snapshot *snapshot,
                                        const contour_graph *base, const contour_policy *policy,
                                        const char *request, size_t len)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!snapshot || !base)
        return CONTOUR_ERR_INVALID;
    contour_admission_request *req = NULL;
    contour_result st = contour_admission_request_parse(&req, out, snapshot, request, len);
    if (st != CONTOUR_OK)
        return st;
    st = contour_admission_request_answer(out, req, snapshot, base, policy);
    contour_admission_request_free(req);
    return st;
}
