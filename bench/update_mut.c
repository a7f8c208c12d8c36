/* bench_update's edits (update.h): what a watch event changes in one object, made as
 * plain text edits on its block YAML — values replaced on `weight:`, `port:`, `name:`
 * lines; list items removed, or copied and appended; a `tls:` block taken out or put
 * back. They work on what gen_cluster writes and on hand-written manifests alike, since
 * they only rely on indentation. */
#include "update.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const upd_edit_names[ED_COUNT] = {
    [ED_IR_WEIGHT] = "ir: service weight",
    [ED_IR_PORT] = "ir: service port",
    [ED_IR_ADD_ROUTE] = "ir: add a route",
    [ED_IR_REMOVE_ROUTE] = "ir: remove a route",
    [ED_IR_RETARGET] = "ir: retarget a delegate",
    [ED_IR_TLS_ON] = "ir: TLS secret on",
    [ED_IR_TLS_OFF] = "ir: TLS secret off",
    [ED_IR_ROLLBACK] = "ir: roll back to the original",
    [ED_SVC_PORT_OFF] = "svc: remove a port",
    [ED_SVC_PORT_ON] = "svc: put the port back",
    [ED_SVC_ANNOTATION] = "svc: set an annotation",
    [ED_ING_ADD_PATH] = "ing: add a path",
    [ED_ING_REMOVE_PATH] = "ing: remove a path",
    [ED_SECRET_DATA] = "secret: change data",
    [ED_DELETE] = "del: delete an IngressRoute",
    [ED_RECREATE] = "del: create it again",
    [ED_NEW_ROOT] = "new: a root with a new fqdn",
    [ED_NEW_CHILD] = "new: a child",
    [ED_RETIRE] = "new: delete the oldest new object",
    [ED_NONE] = "(nothing applied)",
};

static char *xmalloc(size_t n)
{
    char *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_update: out of memory\n");
        exit(2);
    }
    return p;
}

/* The document of l with lines [from, to) replaced by `with`. */
static char *splice(const upd_lines *l, size_t from, size_t to, const char *with)
{
    size_t a = l->start[from], b = l->start[to], w = strlen(with), total = l->start[l->n];
    char *out = xmalloc(total - (b - a) + w + 1);
    memcpy(out, l->doc, a);
    memcpy(out + a, with, w);
    memcpy(out + a + w, l->doc + b, total - b);
    out[total - (b - a) + w] = 0;
    return out;
}

/* The document of l with the value of line i's key replaced (a trailing comment goes). */
static char *set_value(const upd_lines *l, size_t i, const char *value)
{
    const char *s = l->doc + l->start[i];
    size_t k = upd_line_keycol(l, i);
    while (s[k] != ':')
        k++;
    char line[512];
    snprintf(line, sizeof line, "%.*s %s\n", (int)(k + 1), s, value);
    return splice(l, i, i + 1, line);
}

static char *copy_value(const upd_lines *l, size_t i)
{
    const char *v;
    size_t n;
    upd_line_value(l, i, &v, &n);
    char *s = xmalloc(n + 1);
    memcpy(s, v, n);
    s[n] = 0;
    return s;
}

static long value_long(const upd_lines *l, size_t i)
{
    char *v = copy_value(l, i);
    long n = strtol(v, NULL, 10);
    free(v);
    return n;
}

/* The lines [from, to) of l as a string. */
static char *lines_text(const upd_lines *l, size_t from, size_t to)
{
    size_t a = l->start[from], b = l->start[to];
    char *s = xmalloc(b - a + 1);
    memcpy(s, l->doc + a, b - a);
    s[b - a] = 0;
    return s;
}

/* The top-level key's line (column 0), or l->n. */
static size_t top(const upd_lines *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (upd_line_indent(l, i) == 0 && upd_line_is(l, i, key))
            return i;
    return l->n;
}

/* Every line in [from, to) whose key is `key`. */
static void find_all(const upd_lines *l, size_t from, size_t to, const char *key, upd_ids *out)
{
    out->n = 0;
    for (size_t i = from; i < to; i++)
        if (upd_line_is(l, i, key))
            upd_ids_push(out, i);
}

/* The list item (its "-" line) that line i is in, or SIZE_MAX. */
static size_t enclosing_item(const upd_lines *l, size_t i)
{
    size_t in = upd_line_indent(l, i);
    if (upd_line_dash(l, i))
        return i;
    for (size_t j = i; j-- > 0;)
        if (!upd_line_blank(l, j) && upd_line_indent(l, j) < in) {
            if (upd_line_dash(l, j) && upd_line_keycol(l, j) <= in)
                return j;
            if (!upd_line_dash(l, j))
                return SIZE_MAX;
            in = upd_line_indent(l, j);
        }
    return SIZE_MAX;
}

/* The first `port:` value of a Service object, or 0. */
static long first_port(const upd_cluster *c, size_t svc)
{
    upd_lines l = {NULL, NULL, 0, 0};
    upd_lines_of(&l, upd_text(&c->obj[svc]));
    size_t p = upd_line_find(&l, 0, l.n, "port");
    long port = p < l.n ? value_long(&l, p) : 0;
    upd_lines_free(&l);
    return port;
}

/* A service for a new route in namespace ns_id: a live Service there with its first port,
 * else the first one document l names, else a missing one. */
static void some_service(const upd_cluster *c, upd_rng *r, size_t ns_id, const upd_lines *l,
                         char *name, size_t size, long *port)
{
    size_t svc = upd_pick(c, r, CONTOUR_KIND_SERVICE, ns_id, SIZE_MAX);
    if (svc != SIZE_MAX && (*port = first_port(c, svc)) > 0) {
        snprintf(name, size, "%s", c->obj[svc].name);
        return;
    }
    size_t s = l ? upd_line_find(l, 0, l->n, "services") : 0;
    size_t end = l && s < l->n ? upd_value_end(l, s) : 0;
    size_t n = l && s < l->n ? upd_line_find(l, s + 1, end, "name") : 0;
    size_t p = l && s < l->n ? upd_line_find(l, s + 1, end, "port") : 0;
    if (l && s < l->n && n < end && p < end) {
        char *v = copy_value(l, n);
        snprintf(name, size, "%s", v);
        free(v);
        *port = value_long(l, p);
        return;
    }
    snprintf(name, size, "bench-missing-service");
    *port = 80;
}

/* ---- IngressRoute ------------------------------------------------------------------- */

typedef struct ir_doc {
    upd_lines l;
    size_t spec, spec_end, routes; /* routes: l.n when there are none */
    upd_ids items, found;
} ir_doc;

static char *ir_weight_or_port(upd_cluster *c, size_t id, upd_rng *r, ir_doc *d, upd_edit *what)
{
    upd_lines *l = &d->l;
    find_all(l, d->spec, d->spec_end, "weight", &d->found);
    char val[32];
    if (d->found.n && upd_chance(r, 50)) {
        size_t line = d->found.v[upd_below(r, d->found.n)];
        long old = value_long(l, line), w;
        do
            w = 1 + (long)upd_below(r, 100);
        while (w == old);
        snprintf(val, sizeof val, "%ld", w);
        *what = ED_IR_WEIGHT;
        return set_value(l, line, val);
    }
    find_all(l, d->spec, d->spec_end, "port", &d->found);
    if (!d->found.n)
        return NULL;
    size_t line = d->found.v[upd_below(r, d->found.n)];
    long old = value_long(l, line), port = old + 1;
    /* another port of the Service the route names, else one it does not have */
    size_t item = enclosing_item(l, line);
    size_t nl = item == SIZE_MAX ? l->n : upd_line_find(l, item, upd_item_end(l, item), "name");
    if (nl < l->n) {
        char *svc = copy_value(l, nl);
        size_t sid = upd_find(c, CONTOUR_KIND_SERVICE, c->obj[id].ns, svc);
        free(svc);
        if (sid != SIZE_MAX && c->obj[sid].alive) {
            upd_lines sl = {NULL, NULL, 0, 0};
            upd_lines_of(&sl, upd_text(&c->obj[sid]));
            upd_ids ports = {NULL, 0, 0};
            find_all(&sl, 0, sl.n, "port", &ports);
            size_t start = upd_below(r, ports.n);
            for (size_t k = 0; k < ports.n; k++) {
                long p = value_long(&sl, ports.v[(start + k) % ports.n]);
                if (p != old) {
                    port = p;
                    break;
                }
            }
            free(ports.v);
            upd_lines_free(&sl);
        }
    }
    snprintf(val, sizeof val, "%ld", port);
    *what = ED_IR_PORT;
    return set_value(l, line, val);
}

/* Whether the value of `key` in the list item holds "/bench-": a route or path this
 * benchmark added. */
static int bench_item(const upd_lines *l, size_t item, const char *key)
{
    size_t end = upd_item_end(l, item), m = upd_line_find(l, item, end, key);
    if (m == end)
        return 0;
    const char *v;
    size_t n;
    upd_line_value(l, m, &v, &n);
    for (size_t k = 0; k + 7 <= n; k++)
        if (memcmp(v + k, "/bench-", 7) == 0)
            return 1;
    return 0;
}

static char *ir_add_route(upd_cluster *c, size_t id, upd_rng *r, ir_doc *d, upd_edit *what)
{
    upd_lines *l = &d->l;
    if (d->routes == l->n || !d->items.n)
        return NULL;
    size_t first = d->items.v[0], last = d->items.v[d->items.n - 1];
    size_t m = upd_line_find(l, first, upd_item_end(l, first), "match");
    char prefix[256] = "";
    if (m < upd_item_end(l, first)) {
        char *v = copy_value(l, m);
        size_t n = strlen(v);
        while (n && v[n - 1] == '/')
            n--;
        snprintf(prefix, sizeof prefix, "%.*s", (int)n, v);
        free(v);
    }
    char svc[256];
    long port;
    some_service(c, r, c->obj[id].ns_id, l, svc, sizeof svc, &port);
    int dash = (int)upd_line_indent(l, first), key = (int)upd_line_keycol(l, first);
    char text[1024];
    snprintf(text, sizeof text,
             "%*s- match: %s/bench-%zu\n%*sservices:\n%*s  - name: %s\n%*s    port: %ld\n", dash,
             "", prefix, ++c->serial, key, "", key, "", svc, key, "", port);
    size_t at = upd_item_end(l, last);
    *what = ED_IR_ADD_ROUTE;
    return splice(l, at, at, text);
}

static char *ir_remove_route(upd_rng *r, ir_doc *d, upd_edit *what)
{
    upd_lines *l = &d->l;
    if (d->items.n < 2)
        return NULL;
    /* mostly the routes this benchmark added, sometimes one of the others (not the first) */
    size_t pick = SIZE_MAX, start = upd_below(r, d->items.n);
    for (size_t k = 0; k < d->items.n && pick == SIZE_MAX; k++)
        if (bench_item(l, d->items.v[(start + k) % d->items.n], "match"))
            pick = d->items.v[(start + k) % d->items.n];
    if (pick == SIZE_MAX || upd_chance(r, 20))
        pick = d->items.v[1 + upd_below(r, d->items.n - 1)];
    *what = ED_IR_REMOVE_ROUTE;
    return splice(l, pick, upd_item_end(l, pick), "");
}

static char *ir_retarget(upd_cluster *c, size_t id, upd_rng *r, ir_doc *d, upd_edit *what)
{
    upd_lines *l = &d->l;
    find_all(l, d->spec, d->spec_end, "delegate", &d->found);
    if (!d->found.n)
        return NULL;
    size_t del = d->found.v[upd_below(r, d->found.n)], end = upd_value_end(l, del);
    size_t nl = upd_line_find(l, del + 1, end, "name");
    size_t nsl = upd_line_find(l, del + 1, end, "namespace");
    if (nl == end)
        return NULL;
    size_t ns = c->obj[id].ns_id;
    if (nsl < end) {
        char *v = copy_value(l, nsl);
        ns = upd_ns_find(c, v);
        free(v);
        if (ns == SIZE_MAX)
            return NULL;
    }
    char *cur = copy_value(l, nl);
    size_t now = upd_find(c, CONTOUR_KIND_INGRESSROUTE, c->ns[ns].name, cur);
    free(cur);
    size_t to = SIZE_MAX;
    for (int tries = 0; tries < 4 && (to == SIZE_MAX || to == now); tries++)
        to = upd_pick(c, r, CONTOUR_KIND_INGRESSROUTE, ns, id);
    if (to == SIZE_MAX || to == now)
        return NULL;
    *what = ED_IR_RETARGET;
    return set_value(l, nl, c->obj[to].name);
}

static char *ir_tls(upd_cluster *c, size_t id, upd_rng *r, ir_doc *d, upd_edit *what)
{
    upd_lines *l = &d->l;
    size_t vh = upd_line_find(l, d->spec, d->spec_end, "virtualhost");
    if (vh == d->spec_end)
        return NULL;
    size_t end = upd_value_end(l, vh), tls = upd_line_find(l, vh + 1, end, "tls");
    if (tls < end) {
        *what = ED_IR_TLS_OFF;
        return splice(l, tls, upd_value_end(l, tls), "");
    }
    size_t fqdn = upd_line_find(l, vh + 1, end, "fqdn");
    if (fqdn == end)
        return NULL;
    /* the secret it had at first, else one of its namespace's */
    char secret[256] = "bench-missing-tls";
    upd_lines ol = {NULL, NULL, 0, 0};
    upd_lines_of(&ol, c->obj[id].orig);
    size_t s = upd_line_find(&ol, 0, ol.n, "secretName");
    size_t sid = upd_pick(c, r, CONTOUR_KIND_SECRET, c->obj[id].ns_id, SIZE_MAX);
    if (s < ol.n) {
        char *v = copy_value(&ol, s);
        snprintf(secret, sizeof secret, "%s", v);
        free(v);
    } else if (sid != SIZE_MAX) {
        snprintf(secret, sizeof secret, "%s", c->obj[sid].name);
    }
    upd_lines_free(&ol);
    int col = (int)upd_line_keycol(l, fqdn);
    char text[512];
    snprintf(text, sizeof text, "%*stls:\n%*s  secretName: %s\n", col, "", col, "", secret);
    *what = ED_IR_TLS_ON;
    return splice(l, fqdn + 1, fqdn + 1, text);
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

char *upd_edit_ingressroute(upd_cluster *c, size_t id, upd_rng *r, upd_edit *what)
{
    ir_doc d;
    memset(&d, 0, sizeof d);
    upd_lines_of(&d.l, upd_text(&c->obj[id]));
    d.spec = top(&d.l, "spec");
    d.spec_end = d.spec < d.l.n ? upd_value_end(&d.l, d.spec) : d.l.n;
    d.routes = upd_line_find(&d.l, d.spec, d.spec_end, "routes");
    if (d.routes == d.spec_end)
        d.routes = d.l.n;
    else
        upd_items(&d.l, d.routes, &d.items);

    /* weight or port 35, add or remove a route 25 (adds where the benchmark added none),
     * retarget a delegate 15, TLS 12, roll back 13; what does not apply falls through */
    char *out = NULL;
    size_t roll = upd_below(r, 100);
    int bench = 0;
    for (size_t k = 0; k < d.items.n; k++)
        bench |= bench_item(&d.l, d.items.v[k], "match");
    if (roll >= 87 && c->obj[id].cur) {
        out = dup(c->obj[id].orig);
        *what = ED_IR_ROLLBACK;
    } else if (roll >= 75) {
        out = ir_tls(c, id, r, &d, what);
    } else if (roll >= 60) {
        out = ir_retarget(c, id, r, &d, what);
    } else if (roll >= 35) {
        out = bench && upd_chance(r, 70) ? ir_remove_route(r, &d, what)
                                         : ir_add_route(c, id, r, &d, what);
    }
    if (!out)
        out = ir_weight_or_port(c, id, r, &d, what);
    if (!out)
        out = ir_add_route(c, id, r, &d, what);
    upd_lines_free(&d.l);
    free(d.items.v);
    free(d.found.v);
    return out;
}

/* ---- Service ---------------------------------------------------------------------- */

static char *svc_port(upd_cluster *c, size_t id, upd_edit *what)
{
    upd_lines l = {NULL, NULL, 0, 0}, ol = {NULL, NULL, 0, 0};
    upd_ids items = {NULL, 0, 0}, orig = {NULL, 0, 0};
    upd_lines_of(&l, upd_text(&c->obj[id]));
    upd_lines_of(&ol, c->obj[id].orig);
    size_t p = upd_line_find(&l, 0, l.n, "ports"), op = upd_line_find(&ol, 0, ol.n, "ports");
    char *out = NULL;
    if (p < l.n && op < ol.n) {
        upd_items(&l, p, &items);
        upd_items(&ol, op, &orig);
        if (items.n && items.n < orig.n) {
            /* put back the original's last port */
            size_t it = orig.v[orig.n - 1];
            char *text = lines_text(&ol, it, upd_item_end(&ol, it));
            size_t at = upd_item_end(&l, items.v[items.n - 1]);
            out = splice(&l, at, at, text);
            free(text);
            *what = ED_SVC_PORT_ON;
        } else if (items.n >= 2) {
            size_t it = items.v[items.n - 1];
            out = splice(&l, it, upd_item_end(&l, it), "");
            *what = ED_SVC_PORT_OFF;
        }
    }
    free(items.v);
    free(orig.v);
    upd_lines_free(&l);
    upd_lines_free(&ol);
    return out;
}

static char *svc_annotation(upd_cluster *c, size_t id, upd_rng *r, upd_edit *what)
{
    static const char *const keys[] = {
        "contour.heptio.com/max-connections", "contour.heptio.com/max-pending-requests",
        "contour.heptio.com/max-requests", "contour.heptio.com/max-retries"};
    const char *key = keys[upd_below(r, 4)];
    char value[32];
    snprintf(value, sizeof value, "\"%zu\"", 1 + upd_below(r, 4096));
    upd_lines l = {NULL, NULL, 0, 0};
    upd_lines_of(&l, upd_text(&c->obj[id]));
    size_t md = top(&l, "metadata"), out_end = md < l.n ? upd_value_end(&l, md) : l.n;
    char *out = NULL;
    if (md < l.n && md + 1 < out_end) {
        size_t col = upd_line_indent(&l, md + 1);
        size_t an = upd_line_find(&l, md + 1, out_end, "annotations");
        char text[512];
        if (an < out_end && upd_line_indent(&l, an) == col) {
            size_t end = upd_value_end(&l, an), k = upd_line_find(&l, an + 1, end, key);
            if (k < end) {
                out = set_value(&l, k, value);
            } else {
                size_t in = an + 1 < end ? upd_line_indent(&l, an + 1) : col + 2;
                snprintf(text, sizeof text, "%*s%s: %s\n", (int)in, "", key, value);
                out = splice(&l, an + 1, an + 1, text);
            }
        } else {
            snprintf(text, sizeof text, "%*sannotations:\n%*s  %s: %s\n", (int)col, "", (int)col,
                     "", key, value);
            out = splice(&l, md + 1, md + 1, text);
        }
        *what = ED_SVC_ANNOTATION;
    }
    upd_lines_free(&l);
    return out;
}

char *upd_edit_service(upd_cluster *c, size_t id, upd_rng *r, upd_edit *what)
{
    char *out = upd_chance(r, 50) ? svc_port(c, id, what) : NULL;
    return out ? out : svc_annotation(c, id, r, what);
}

/* ---- Ingress ------------------------------------------------------------------------ */

char *upd_edit_ingress(upd_cluster *c, size_t id, upd_rng *r, upd_edit *what)
{
    upd_lines l = {NULL, NULL, 0, 0}, cl = {NULL, NULL, 0, 0};
    upd_ids paths = {NULL, 0, 0}, items = {NULL, 0, 0};
    upd_lines_of(&l, upd_text(&c->obj[id]));
    find_all(&l, 0, l.n, "paths", &paths);
    char *out = NULL;
    size_t p = paths.n ? paths.v[upd_below(r, paths.n)] : l.n;
    if (p < l.n)
        upd_items(&l, p, &items);
    if (items.n) {
        size_t bench = SIZE_MAX;
        for (size_t k = 0; k < items.n; k++)
            if (bench_item(&l, items.v[k], "path"))
                bench = items.v[k];
        if (bench != SIZE_MAX) {
            out = splice(&l, bench, upd_item_end(&l, bench), "");
            *what = ED_ING_REMOVE_PATH;
        } else {
            /* a copy of the first path, under a new path */
            size_t first = items.v[0];
            char *copy = lines_text(&l, first, upd_item_end(&l, first));
            upd_lines_of(&cl, copy);
            size_t pl = upd_line_find(&cl, 0, cl.n, "path");
            char path[300];
            char *edited;
            if (pl < cl.n) {
                char *v = copy_value(&cl, pl);
                size_t n = strlen(v);
                while (n && v[n - 1] == '/')
                    n--;
                snprintf(path, sizeof path, "%.*s/bench-%zu", (int)n, v, ++c->serial);
                free(v);
                edited = set_value(&cl, pl, path);
            } else {
                char line[300];
                snprintf(line, sizeof line, "%*spath: /bench-%zu\n", (int)upd_line_keycol(&cl, 0),
                         "", ++c->serial);
                edited = splice(&cl, cl.n, cl.n, line);
            }
            size_t at = upd_item_end(&l, items.v[items.n - 1]);
            out = splice(&l, at, at, edited);
            free(edited);
            free(copy);
            *what = ED_ING_ADD_PATH;
        }
    }
    free(paths.v);
    free(items.v);
    upd_lines_free(&l);
    upd_lines_free(&cl);
    return out;
}

/* ---- Secret ------------------------------------------------------------------------- */

char *upd_edit_secret(upd_cluster *c, size_t id, upd_rng *r, upd_edit *what)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    upd_lines l = {NULL, NULL, 0, 0};
    upd_lines_of(&l, upd_text(&c->obj[id]));
    size_t data = top(&l, "data"), end = data < l.n ? upd_value_end(&l, data) : l.n;
    char *out = NULL;
    upd_ids keys = {NULL, 0, 0};
    for (size_t i = data + 1; i < end; i++)
        if (!upd_line_blank(&l, i) && upd_line_indent(&l, i) == upd_line_indent(&l, data + 1))
            upd_ids_push(&keys, i);
    if (keys.n) {
        size_t line = keys.v[upd_below(r, keys.n)];
        char *v = copy_value(&l, line);
        size_t n = strlen(v);
        if (!n || n > 4096) {
            free(v);
            v = dup("aHVudGVyMg==");
            n = strlen(v);
        }
        for (size_t k = 0; k < n; k++)
            if (v[k] != '=')
                v[k] = b64[upd_below(r, 64)];
        out = set_value(&l, line, v);
        free(v);
        *what = ED_SECRET_DATA;
    }
    free(keys.v);
    upd_lines_free(&l);
    return out;
}

/* ---- new IngressRoutes ---------------------------------------------------------------- */

char *upd_new_ingressroute(upd_cluster *c, size_t near, upd_rng *r, int root, char **name)
{
    size_t ns_id = c->obj[near].ns_id, serial = ++c->serial;
    const char *ns = c->ns[ns_id].name;
    upd_lines l = {NULL, NULL, 0, 0};
    upd_lines_of(&l, upd_text(&c->obj[near]));
    char svc[256];
    long port;
    some_service(c, r, ns_id, &l, svc, sizeof svc, &port);
    upd_lines_free(&l);
    char n[64], text[2048];
    snprintf(n, sizeof n, "bench-%s-%zu", root ? "root" : "child", serial);
    int at = snprintf(text, sizeof text,
                      "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n"
                      "  name: %s\n  namespace: %s\nspec:\n",
                      n, ns);
    if (root)
        at += snprintf(text + at, sizeof text - (size_t)at,
                       "  virtualhost:\n    fqdn: bench-%zu.%s.bench.example.com\n", serial, ns);
    at += snprintf(text + at, sizeof text - (size_t)at,
                   "  routes:\n    - match: /%s\n      services:\n        - name: %s\n"
                   "          port: %ld\n",
                   root ? "" : n, svc, port);
    if (root && upd_chance(r, 50)) {
        /* and a route delegating to an IngressRoute of the namespace, at its first match */
        size_t to = upd_pick(c, r, CONTOUR_KIND_INGRESSROUTE, ns_id, SIZE_MAX);
        upd_lines_of(&l, to == SIZE_MAX ? "" : upd_text(&c->obj[to]));
        size_t m = upd_line_find(&l, 0, l.n, "match");
        char *match = m < l.n ? copy_value(&l, m) : NULL;
        if (match && strcmp(match, "/") != 0 && strlen(match) < 256)
            snprintf(text + at, sizeof text - (size_t)at,
                     "    - match: %s\n      delegate:\n        name: %s\n", match,
                     c->obj[to].name);
        free(match);
        upd_lines_free(&l);
    }
    *name = dup(n);
    return dup(text);
}
