/* bench_update's documents and cluster index (update.h): splitting inputs into one
 * document per object, the lines of a block YAML document, and the index of objects by
 * kind, namespace and name. */
#include "update.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_update: out of memory\n");
        exit(2);
    }
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = xrealloc(NULL, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* ---- growable text ------------------------------------------------------------------ */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void spaces(buf *b, int n)
{
    for (int i = 0; i < n; i++)
        put(b, " ", 1);
}

/* ---- lines -------------------------------------------------------------------------- */

void upd_lines_of(upd_lines *l, const char *doc)
{
    l->doc = doc;
    l->n = 0;
    size_t at = 0;
    for (;;) {
        if (l->n + 2 > l->cap) {
            l->cap = l->cap ? l->cap * 2 : 64;
            l->start = xrealloc(l->start, l->cap * sizeof *l->start);
        }
        if (!doc[at]) {
            l->start[l->n] = at;
            return;
        }
        l->start[l->n++] = at;
        const char *nl = strchr(doc + at, '\n');
        at = nl ? (size_t)(nl - doc) + 1 : strlen(doc);
    }
}

void upd_lines_free(upd_lines *l)
{
    free(l->start);
    memset(l, 0, sizeof *l);
}

static const char *line_at(const upd_lines *l, size_t i)
{
    return l->doc + l->start[i];
}

/* The line's length without "\r\n" or "\n". */
static size_t line_len(const upd_lines *l, size_t i)
{
    size_t n = l->start[i + 1] - l->start[i];
    const char *s = line_at(l, i);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return n;
}

size_t upd_line_indent(const upd_lines *l, size_t i)
{
    const char *s = line_at(l, i);
    size_t n = line_len(l, i), k = 0;
    while (k < n && s[k] == ' ')
        k++;
    return k;
}

int upd_line_blank(const upd_lines *l, size_t i)
{
    const char *s = line_at(l, i);
    size_t n = line_len(l, i), k = 0;
    while (k < n && (s[k] == ' ' || s[k] == '\t'))
        k++;
    return k == n || s[k] == '#';
}

int upd_line_dash(const upd_lines *l, size_t i)
{
    const char *s = line_at(l, i);
    size_t n = line_len(l, i), k = upd_line_indent(l, i);
    return k < n && s[k] == '-' && (k + 1 == n || s[k + 1] == ' ');
}

size_t upd_line_keycol(const upd_lines *l, size_t i)
{
    const char *s = line_at(l, i);
    size_t n = line_len(l, i), k = upd_line_indent(l, i);
    if (upd_line_dash(l, i)) {
        k++;
        while (k < n && s[k] == ' ')
            k++;
    }
    return k;
}

int upd_line_is(const upd_lines *l, size_t i, const char *key)
{
    if (upd_line_blank(l, i))
        return 0;
    const char *s = line_at(l, i);
    size_t n = line_len(l, i), k = upd_line_keycol(l, i), kl = strlen(key);
    if (k + kl >= n || memcmp(s + k, key, kl) != 0 || s[k + kl] != ':')
        return 0;
    return k + kl + 1 == n || s[k + kl + 1] == ' ';
}

void upd_line_value(const upd_lines *l, size_t i, const char **v, size_t *len)
{
    const char *s = line_at(l, i);
    size_t n = line_len(l, i), k = upd_line_keycol(l, i);
    while (k < n && s[k] != ':')
        k++;
    k++;
    while (k < n && s[k] == ' ')
        k++;
    size_t e = k;
    if (k < n && (s[k] == '"' || s[k] == '\'')) {
        char q = s[k];
        e = k + 1;
        while (e < n && s[e] != q)
            e++;
        *v = s + k + 1;
        *len = e - k - 1;
        return;
    }
    while (e < n && !(s[e] == '#' && e > k && s[e - 1] == ' '))
        e++;
    while (e > k && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    *v = s + k;
    *len = e - k;
}

size_t upd_value_end(const upd_lines *l, size_t i)
{
    size_t col = upd_line_keycol(l, i);
    size_t j = i + 1;
    for (; j < l->n; j++) {
        if (upd_line_blank(l, j))
            continue;
        size_t in = upd_line_indent(l, j);
        if (in < col || (in == col && !upd_line_dash(l, j)))
            break;
    }
    return j;
}

size_t upd_item_end(const upd_lines *l, size_t i)
{
    size_t col = upd_line_indent(l, i);
    size_t j = i + 1;
    for (; j < l->n; j++)
        if (!upd_line_blank(l, j) && upd_line_indent(l, j) <= col)
            break;
    return j;
}

size_t upd_line_find(const upd_lines *l, size_t from, size_t to, const char *key)
{
    for (size_t i = from; i < to; i++)
        if (upd_line_is(l, i, key))
            return i;
    return to;
}

void upd_items(const upd_lines *l, size_t i, upd_ids *items)
{
    items->n = 0;
    size_t end = upd_value_end(l, i);
    size_t col = SIZE_MAX;
    for (size_t j = i + 1; j < end; j++) {
        if (upd_line_blank(l, j) || !upd_line_dash(l, j))
            continue;
        size_t in = upd_line_indent(l, j);
        if (col == SIZE_MAX)
            col = in;
        if (in == col)
            upd_ids_push(items, j);
    }
}

/* ---- headers ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    contour_kind kind;
} kinds[] = {
    {"IngressRoute", CONTOUR_KIND_INGRESSROUTE},
    {"TLSCertificateDelegation", CONTOUR_KIND_TLSCERTIFICATEDELEGATION},
    {"Ingress", CONTOUR_KIND_INGRESS},
    {"Service", CONTOUR_KIND_SERVICE},
    {"Secret", CONTOUR_KIND_SECRET},
};

/* metadata: {name: a, namespace: b} */
static void flow_metadata(upd_doc *d, const char *v, size_t n)
{
    size_t k = 0;
    while (k < n) {
        while (k < n && (v[k] == '{' || v[k] == ',' || v[k] == ' '))
            k++;
        size_t ks = k;
        while (k < n && v[k] != ':')
            k++;
        size_t ke = k++;
        while (k < n && v[k] == ' ')
            k++;
        size_t vs = k;
        while (k < n && v[k] != ',' && v[k] != '}')
            k++;
        size_t ve = k;
        while (ve > vs && v[ve - 1] == ' ')
            ve--;
        if (ve > vs && (v[vs] == '"' || v[vs] == '\'')) {
            vs++;
            ve--;
        }
        if (ke - ks == 4 && memcmp(v + ks, "name", 4) == 0 && !d->name)
            d->name = xstrndup(v + vs, ve - vs);
        else if (ke - ks == 9 && memcmp(v + ks, "namespace", 9) == 0 && !d->ns)
            d->ns = xstrndup(v + vs, ve - vs);
    }
}

/* kind at column 0, metadata's name and namespace at its first indentation. */
static void header(upd_doc *d, upd_lines *l)
{
    upd_lines_of(l, d->text);
    const char *v;
    size_t n;
    for (size_t i = 0; i < l->n; i++) {
        if (upd_line_blank(l, i) || upd_line_indent(l, i) != 0)
            continue;
        if (upd_line_is(l, i, "kind") && !d->kind_name) {
            upd_line_value(l, i, &v, &n);
            d->kind_name = xstrndup(v, n);
        } else if (upd_line_is(l, i, "metadata")) {
            upd_line_value(l, i, &v, &n);
            if (n && v[0] == '{') {
                flow_metadata(d, v, n);
                continue;
            }
            size_t end = upd_value_end(l, i), col = SIZE_MAX;
            for (size_t j = i + 1; j < end; j++) {
                if (upd_line_blank(l, j))
                    continue;
                if (col == SIZE_MAX)
                    col = upd_line_indent(l, j);
                if (upd_line_indent(l, j) != col || upd_line_dash(l, j))
                    continue;
                char **to = upd_line_is(l, j, "name")        ? &d->name
                            : upd_line_is(l, j, "namespace") ? &d->ns
                                                             : NULL;
                if (to && !*to) {
                    upd_line_value(l, j, &v, &n);
                    *to = xstrndup(v, n);
                }
            }
        }
    }
    d->kind = CONTOUR_KIND_NONE;
    for (size_t k = 0; d->kind_name && k < sizeof kinds / sizeof kinds[0]; k++)
        if (strcmp(d->kind_name, kinds[k].name) == 0)
            d->kind = kinds[k].kind;
}

static int only_blank(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
            i++;
        if (i < n && s[i] != '\n' && s[i] != '#')
            return 0;
        while (i < n && s[i] != '\n')
            i++;
        i++;
    }
    return 1;
}

/* Adds one document (its text is copied, '\n'-terminated); skips blank ones and Lists. */
static void add_doc(upd_docs *docs, const bench_input *in, const char *s, size_t n, size_t pos,
                    upd_lines *l)
{
    if (only_blank(s, n)) {
        docs->empty++;
        return;
    }
    upd_doc d;
    memset(&d, 0, sizeof d);
    d.len = n + (n && s[n - 1] != '\n');
    d.text = xrealloc(NULL, d.len + 1);
    memcpy(d.text, s, n);
    d.text[d.len - 1] = '\n';
    d.text[d.len] = 0;
    d.file = in->name;
    d.position = pos;
    header(&d, l);
    if (d.kind_name && strcmp(d.kind_name, "List") == 0) {
        fprintf(stderr,
                "%s: document %zu is a kind: List, skipped (its items cannot change one by "
                "one; give them as documents)\n",
                in->name, pos + 1);
        docs->lists++;
        free(d.text);
        free(d.kind_name);
        free(d.ns);
        free(d.name);
        return;
    }
    if (docs->n == docs->cap) {
        docs->cap = docs->cap ? docs->cap * 2 : 1024;
        docs->v = xrealloc(docs->v, docs->cap * sizeof *docs->v);
    }
    docs->v[docs->n++] = d;
}

/* A line that is exactly "---" (or "..."), with nothing after it but blanks or a comment. */
static int separator(const char *s, size_t n)
{
    if (n < 3 || (memcmp(s, "---", 3) != 0 && memcmp(s, "...", 3) != 0))
        return 0;
    for (size_t i = 3; i < n; i++) {
        if (s[i] == '#' && s[i - 1] == ' ')
            return 1;
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return -1;
    }
    return 1;
}

static int split_yaml(upd_docs *docs, const bench_input *in, upd_lines *l)
{
    const char *p = in->data, *end = in->data + in->len, *doc = p;
    size_t pos = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *next = nl ? nl + 1 : end;
        int sep = separator(p, (size_t)((nl ? nl : end) - p));
        if (sep < 0) {
            fprintf(stderr,
                    "%s: a document starts with content on its \"---\" line; put it on "
                    "the next line\n",
                    in->name);
            return -1;
        }
        if (sep) {
            size_t before = docs->n;
            add_doc(docs, in, doc, (size_t)(p - doc), pos, l);
            pos += docs->n > before;
            doc = next;
        }
        p = next;
    }
    add_doc(docs, in, doc, (size_t)(end - doc), pos, l);
    return 0;
}

/* ---- JSON to block YAML --------------------------------------------------------------- */

#define JSON_DEPTH 64

typedef struct json {
    const char *end;
    const char *error;
} json;

static const char *ws(const json *j, const char *p)
{
    while (p < j->end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* p at '"': past the closing quote, or NULL. */
static const char *string_end(json *j, const char *p)
{
    for (p++; p < j->end; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    j->error = "unterminated string";
    return NULL;
}

static const char *scalar_end(json *j, const char *p)
{
    if (p < j->end && *p == '"')
        return string_end(j, p);
    const char *s = p;
    while (p < j->end && *p != ',' && *p != ']' && *p != '}' && *p != ' ' && *p != '\n' &&
           *p != '\r' && *p != '\t')
        p++;
    if (p == s)
        j->error = "a value is missing";
    return p == s ? NULL : p;
}

/* Past any value, without recursion. */
static const char *value_end(json *j, const char *p)
{
    if (p >= j->end || (*p != '{' && *p != '['))
        return scalar_end(j, p);
    size_t depth = 0;
    for (; p < j->end; p++) {
        if (*p == '"') {
            p = string_end(j, p);
            if (!p)
                return NULL;
            p--;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if ((*p == '}' || *p == ']') && --depth == 0) {
            return p + 1;
        }
    }
    j->error = "unterminated object or array";
    return NULL;
}

static int empty_container(const json *j, const char *p)
{
    return (*p == '{' || *p == '[') && ws(j, p + 1) < j->end &&
           *ws(j, p + 1) == (*p == '{' ? '}' : ']');
}

static void put_key(buf *o, const char *k, const char *kend)
{
    /* k .. kend is the JSON string with its quotes */
    int plain = kend - k > 2 && ((k[1] >= 'A' && k[1] <= 'Z') || (k[1] >= 'a' && k[1] <= 'z'));
    for (const char *c = k + 1; plain && c < kend - 1; c++)
        plain = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
                *c == '.' || *c == '_' || *c == '/' || *c == '-';
    if (plain)
        put(o, k + 1, (size_t)(kend - k - 2));
    else
        put(o, k, (size_t)(kend - k));
}

static const char *emit_object(buf *o, json *j, const char *p, int col, int hanging, int depth);
static const char *emit_array(buf *o, json *j, const char *p, int col, int depth);

/* A value after `lead` (a key's ": ", or "- " in a list) at column col: empty containers
 * and scalars on the line, containers on the next lines. Returns past it, or NULL. */
static const char *emit_value(buf *o, json *j, const char *p, const char *lead, int col, int depth)
{
    if (p >= j->end) {
        j->error = "a value is missing";
        return NULL;
    }
    puts_(o, lead);
    if (empty_container(j, p)) {
        puts_(o, *p == '{' ? " {}\n" : " []\n");
        return value_end(j, p);
    }
    if (*p == '{' && lead[0] == '-') {
        puts_(o, " ");
        return emit_object(o, j, p, col + 2, 1, depth + 1);
    }
    if (*p == '{' || *p == '[') {
        puts_(o, "\n");
        return *p == '{' ? emit_object(o, j, p, col + 2, 0, depth + 1)
                         : emit_array(o, j, p, col + 2, depth + 1);
    }
    const char *e = scalar_end(j, p);
    if (!e)
        return NULL;
    puts_(o, " ");
    put(o, p, (size_t)(e - p));
    puts_(o, "\n");
    return e;
}

/* After a member or an element: 1 past a ',', 0 past the closing `close`, -1 (an error). */
static int next_one(json *j, const char **p, char close)
{
    if (!*p)
        return -1;
    const char *q = ws(j, *p);
    if (q < j->end && *q == ',') {
        *p = ws(j, q + 1);
        return 1;
    }
    if (q < j->end && *q == close) {
        *p = q + 1;
        return 0;
    }
    j->error = close == '}' ? "',' or '}' is missing" : "',' or ']' is missing";
    return -1;
}

/* p at a non-empty '{'; the members at column col, the first one not indented when
 * `hanging` (it follows a "- "). */
static const char *emit_object(buf *o, json *j, const char *p, int col, int hanging, int depth)
{
    if (depth > JSON_DEPTH) {
        j->error = "nested too deep";
        return NULL;
    }
    p = ws(j, p + 1);
    for (int first = 1, more = 1; more; first = 0) {
        if (p >= j->end || *p != '"') {
            j->error = "a key is missing";
            return NULL;
        }
        const char *kend = string_end(j, p);
        if (!kend)
            return NULL;
        if (!(first && hanging))
            spaces(o, col);
        put_key(o, p, kend);
        p = ws(j, kend);
        if (p >= j->end || *p != ':') {
            j->error = "':' is missing";
            return NULL;
        }
        p = emit_value(o, j, ws(j, p + 1), ":", col, depth);
        if ((more = next_one(j, &p, '}')) < 0)
            return NULL;
    }
    return p;
}

/* p at a non-empty '['. */
static const char *emit_array(buf *o, json *j, const char *p, int col, int depth)
{
    if (depth > JSON_DEPTH) {
        j->error = "nested too deep";
        return NULL;
    }
    p = ws(j, p + 1);
    for (int more = 1; more;) {
        spaces(o, col);
        p = emit_value(o, j, p, "-", col, depth);
        if ((more = next_one(j, &p, ']')) < 0)
            return NULL;
    }
    return p;
}

/* One JSON object (p at '{') as a block YAML document. */
static int json_document(upd_docs *docs, const bench_input *in, json *j, const char *p, size_t pos,
                         upd_lines *l)
{
    buf o = {NULL, 0, 0};
    if (empty_container(j, p) || !emit_object(&o, j, p, 0, 0, 1)) {
        free(o.p);
        if (!j->error)
            j->error = "an empty object";
        return -1;
    }
    add_doc(docs, in, o.p, o.len, pos, l);
    free(o.p);
    docs->json_items++;
    return 0;
}

static int key_is(const char *k, const char *kend, const char *want)
{
    size_t n = strlen(want);
    return (size_t)(kend - k) == n + 2 && memcmp(k + 1, want, n) == 0;
}

static int split_json(upd_docs *docs, const bench_input *in, upd_lines *l)
{
    json j = {in->data + in->len, NULL};
    const char *p = ws(&j, in->data), *items = NULL;
    int list = 0;
    if (p >= j.end || *p != '{') {
        fprintf(stderr, "%s: a JSON file must be one object or a List object; refused\n", in->name);
        return -1;
    }
    const char *top = p, *after = value_end(&j, p);
    /* the top-level members: is it a List, and where are its items? */
    p = empty_container(&j, p) ? NULL : ws(&j, p + 1);
    while (p && after && p < after - 1) {
        const char *kend = *p == '"' ? string_end(&j, p) : NULL;
        const char *v = kend ? ws(&j, kend) : NULL;
        if (!v || *v != ':')
            break;
        v = ws(&j, v + 1);
        const char *vend = value_end(&j, v);
        if (!vend)
            break;
        if (key_is(p, kend, "kind") && vend - v == 6 && memcmp(v, "\"List\"", 6) == 0)
            list = 1;
        if (key_is(p, kend, "items") && *v == '[')
            items = v;
        p = ws(&j, vend);
        if (p < j.end && *p == ',')
            p = ws(&j, p + 1);
        else
            break;
    }
    if (!after || j.error || ws(&j, after) != j.end) {
        fprintf(stderr, "%s: not one JSON object (%s); refused\n", in->name,
                j.error ? j.error : "something follows it");
        return -1;
    }
    if (!list) {
        if (json_document(docs, in, &j, top, 0, l) != 0) {
            fprintf(stderr, "%s: cannot convert (%s); refused\n", in->name, j.error);
            return -1;
        }
        return 0;
    }
    if (!items) {
        fprintf(stderr, "%s: a List without items; nothing loaded\n", in->name);
        return 0;
    }
    p = ws(&j, items + 1);
    for (size_t pos = 0; p < j.end && *p != ']'; pos++) {
        const char *e = value_end(&j, p);
        if (!e || *p != '{' || json_document(docs, in, &j, p, pos, l) != 0) {
            fprintf(stderr,
                    "%s: List item %zu is not an object that can be converted (%s); "
                    "refused\n",
                    in->name, pos + 1, j.error ? j.error : "not an object");
            return -1;
        }
        p = ws(&j, e);
        if (p < j.end && *p == ',')
            p = ws(&j, p + 1);
    }
    return 0;
}

int upd_split_input(upd_docs *docs, const bench_input *in)
{
    upd_lines l = {NULL, NULL, 0, 0};
    int r = in->json ? split_json(docs, in, &l) : split_yaml(docs, in, &l);
    upd_lines_free(&l);
    return r;
}

void upd_docs_free(upd_docs *docs)
{
    for (size_t i = 0; i < docs->n; i++) {
        free(docs->v[i].text);
        free(docs->v[i].kind_name);
        free(docs->v[i].ns);
        free(docs->v[i].name);
    }
    free(docs->v);
    memset(docs, 0, sizeof *docs);
}

/* ---- random numbers (splitmix64) ------------------------------------------------------ */

uint64_t upd_rand(upd_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

size_t upd_below(upd_rng *r, size_t n)
{
    return n ? (size_t)(upd_rand(r) % n) : 0;
}

int upd_chance(upd_rng *r, unsigned percent)
{
    return upd_below(r, 100) < percent;
}

/* ---- the cluster index ---------------------------------------------------------------- */

void upd_ids_push(upd_ids *ids, size_t id)
{
    if (ids->n == ids->cap) {
        ids->cap = ids->cap ? ids->cap * 2 : 16;
        ids->v = xrealloc(ids->v, ids->cap * sizeof *ids->v);
    }
    ids->v[ids->n++] = id;
}

const char *upd_text(const upd_obj *o)
{
    return o->cur ? o->cur : o->orig;
}

const char *upd_source(const upd_obj *o, size_t *len)
{
    *len = o->file ? o->file_len : o->source_len;
    return o->file ? o->file : o->source;
}

void upd_set_text(upd_obj *o, char *text)
{
    free(o->cur);
    o->cur = text;
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

typedef const char *(*key_of)(const upd_cluster *c, size_t id);

static const char *ns_key(const upd_cluster *c, size_t id)
{
    return c->ns[id].name;
}

static const char *obj_key(const upd_cluster *c, size_t id)
{
    return c->obj[id].source;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t slot(const upd_cluster *c, const upd_map *m, key_of kf, const char *key)
{
    size_t i = (size_t)hash(key) & (m->cap - 1);
    while (m->slots[i] && strcmp(kf(c, m->slots[i] - 1), key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void map_put(upd_cluster *c, upd_map *m, key_of kf, size_t id)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t *old = m->slots, oldcap = m->cap;
        m->cap = m->cap ? m->cap * 2 : 1024;
        m->slots = xrealloc(NULL, m->cap * sizeof *m->slots);
        memset(m->slots, 0, m->cap * sizeof *m->slots);
        for (size_t i = 0; i < oldcap; i++)
            if (old[i])
                m->slots[slot(c, m, kf, kf(c, old[i] - 1))] = old[i];
        free(old);
    }
    m->slots[slot(c, m, kf, kf(c, id))] = id + 1;
    m->n++;
}

static size_t map_get(const upd_cluster *c, const upd_map *m, key_of kf, const char *key)
{
    if (!m->cap)
        return SIZE_MAX;
    size_t s = m->slots[slot(c, m, kf, key)];
    return s ? s - 1 : SIZE_MAX;
}

static char *source_name(contour_kind kind, const char *ns, const char *name)
{
    const char *k = contour_kind_name(kind);
    size_t n = strlen(k) + strlen(ns) + strlen(name) + 3;
    char *s = xrealloc(NULL, n);
    snprintf(s, n, "%s/%s/%s", k, ns, name);
    return s;
}

size_t upd_ns_find(const upd_cluster *c, const char *ns)
{
    return map_get(c, &c->ns_map, ns_key, ns);
}

size_t upd_find(const upd_cluster *c, contour_kind kind, const char *ns, const char *name)
{
    char *key = source_name(kind, ns, name);
    size_t id = map_get(c, &c->obj_map, obj_key, key);
    free(key);
    return id;
}

size_t upd_add(upd_cluster *c, contour_kind kind, const char *ns, const char *name, char *orig)
{
    size_t nsid = map_get(c, &c->ns_map, ns_key, ns);
    if (nsid == SIZE_MAX) {
        if (c->nns == c->nscap) {
            c->nscap = c->nscap ? c->nscap * 2 : 256;
            c->ns = xrealloc(c->ns, c->nscap * sizeof *c->ns);
        }
        nsid = c->nns++;
        memset(&c->ns[nsid], 0, sizeof c->ns[nsid]);
        c->ns[nsid].name = xstrndup(ns, strlen(ns));
        map_put(c, &c->ns_map, ns_key, nsid);
    }
    if (c->nobj == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->obj = xrealloc(c->obj, c->cap * sizeof *c->obj);
    }
    size_t id = c->nobj++;
    upd_obj *o = &c->obj[id];
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->ns = c->ns[nsid].name;
    o->name = xstrndup(name, strlen(name));
    o->source = source_name(kind, ns, name);
    o->source_len = strlen(o->source);
    o->orig = orig;
    o->ns_id = nsid;
    map_put(c, &c->obj_map, obj_key, id);
    upd_ids_push(&c->by_kind[kind], id);
    upd_ids_push(&c->ns[nsid].by_kind[kind], id);
    return id;
}

size_t upd_pick(const upd_cluster *c, upd_rng *r, contour_kind kind, size_t ns_id, size_t except)
{
    const upd_ids *ids = ns_id == SIZE_MAX ? &c->by_kind[kind] : &c->ns[ns_id].by_kind[kind];
    if (!ids->n)
        return SIZE_MAX;
    /* a few random draws, then a scan from a random place: never stuck on dead objects */
    for (int tries = 0; tries < 8; tries++) {
        size_t id = ids->v[upd_below(r, ids->n)];
        if (c->obj[id].alive && id != except)
            return id;
    }
    size_t at = upd_below(r, ids->n);
    for (size_t k = 0; k < ids->n; k++) {
        size_t id = ids->v[(at + k) % ids->n];
        if (c->obj[id].alive && id != except)
            return id;
    }
    return SIZE_MAX;
}

void upd_cluster_free(upd_cluster *c)
{
    for (size_t i = 0; i < c->nobj; i++) {
        free(c->obj[i].name);
        free(c->obj[i].source);
        free(c->obj[i].file);
        free(c->obj[i].orig);
        free(c->obj[i].cur);
    }
    for (size_t i = 0; i < c->nns; i++) {
        free(c->ns[i].name);
        for (int k = 0; k <= CONTOUR_KIND_SECRET; k++)
            free(c->ns[i].by_kind[k].v);
    }
    for (int k = 0; k <= CONTOUR_KIND_SECRET; k++)
        free(c->by_kind[k].v);
    free(c->obj);
    free(c->ns);
    free(c->ns_map.slots);
    free(c->obj_map.slots);
    memset(c, 0, sizeof *c);
}
