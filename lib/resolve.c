/*
 * contour_resolve(): the phases of one resolution, and what they share — graph strings,
 * diagnostics, clusters, virtual hosts — plus the final assembly of the graph (route
 * order, conflicts, listeners, diagnostics). See docs/resolution.md.
 */
#include "resolve.h"
#include "compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- graph strings ---- */

typedef struct str_key {
    const char *p;
    size_t n;
} str_key;

static bool str_eq(const void *value, const void *key)
{
    const char *v = value;
    const str_key *k = key;
    return strncmp(v, k->p, k->n) == 0 && v[k->n] == '\0';
}

const char *cx_rs_strn(cx_rs *rs, const char *s, size_t len)
{
    if (!s)
        return NULL;
    str_key k = {s, len};
    uint64_t h = cx_hash_bytes(rs->strings.key, s, len);
    const char *found = cx_map_find(&rs->strings, h, str_eq, &k);
    if (found)
        return found;
    if (!cx_map_reserve(&rs->strings, 1)) {
        rs->oom = true;
        return NULL;
    }
    char *copy = cx_arena_strndup(rs->ga, s, len);
    if (!copy) {
        rs->oom = true;
        return NULL;
    }
    cx_map_put(&rs->strings, h, str_eq, &k, copy);
    return copy;
}

const char *cx_rs_copy(cx_rs *rs, const char *s)
{
    if (!s)
        return NULL;
    const char *p = cx_arena_strdup(rs->ga, s);
    if (!p)
        rs->oom = true;
    return p;
}

/* Pointer-keyed cache entries (snapshot namespaces, sources). */
typedef struct ptr_entry {
    const void *key;
    const char *value;
} ptr_entry;

static bool ptr_eq(const void *value, const void *key)
{
    return ((const ptr_entry *)value)->key == key;
}

static uint64_t ptr_hash(const void *p)
{
    /* Addresses are not chosen by the input: a multiplicative mix spreads them enough. */
    uint64_t x = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return x ^ (x >> 29);
}

/* The cached graph copy for key, made from s on first use. */
static const char *by_ptr(cx_rs *rs, const void *key, const char *s)
{
    uint64_t h = ptr_hash(key);
    ptr_entry *e = cx_map_find(&rs->by_ptr, h, ptr_eq, key);
    if (e)
        return e->value;
    e = cx_arena_alloc(&rs->scratch, sizeof *e);
    if (!e || !cx_map_reserve(&rs->by_ptr, 1)) {
        rs->oom = true;
        return NULL;
    }
    e->key = key;
    e->value = cx_rs_str(rs, s);
    if (!e->value)
        return NULL;
    cx_map_put(&rs->by_ptr, h, ptr_eq, key, e);
    return e->value;
}

const char *cx_rs_ns(cx_rs *rs, const char *ns)
{
    return ns ? by_ptr(rs, ns, ns) : NULL;
}

const char *cx_rs_str(cx_rs *rs, const char *s)
{
    return s ? cx_rs_strn(rs, s, strlen(s)) : NULL;
}

const char *cx_rs_msg(cx_rs *rs)
{
    if (rs->msg.oom) {
        rs->oom = true;
        return NULL;
    }
    char *p = cx_arena_strndup(rs->ga, rs->msg.data ? rs->msg.data : "", rs->msg.len);
    if (!p)
        rs->oom = true;
    return p;
}

void cx_rs_msg_reset(cx_rs *rs)
{
    cx_strbuf_clear(&rs->msg);
}

void cx_rs_msg_quote(cx_rs *rs, const char *s)
{
    cx_strbuf_go_quote(&rs->msg, s ? s : "", s ? strlen(s) : 0);
}

void cx_rs_msg_quoten(cx_rs *rs, const char *s, size_t len)
{
    cx_strbuf_go_quote(&rs->msg, s, len);
}

void cx_rs_msg_ref(cx_rs *rs, const char *ns, size_t ns_len, const char *name, size_t name_len)
{
    cx_strbuf_append(&rs->msg, ns, ns_len);
    cx_strbuf_putc(&rs->msg, '/');
    cx_strbuf_append(&rs->msg, name, name_len);
}

void cx_rs_msg_quote_ref(cx_rs *rs, const char *ns, size_t ns_len, const char *name,
                         size_t name_len)
{
    cx_strbuf tmp;
    cx_strbuf_init(&tmp, rs->alloc);
    cx_strbuf_append(&tmp, ns, ns_len);
    cx_strbuf_putc(&tmp, '/');
    cx_strbuf_append(&tmp, name, name_len);
    if (tmp.oom)
        rs->oom = true;
    else
        cx_strbuf_go_quote(&rs->msg, tmp.data, tmp.len);
    cx_strbuf_release(&tmp);
}

const char *cx_rs_file(cx_rs *rs, const contour_object *o)
{
    if (!o || !o->source)
        return "";
    return by_ptr(rs, o->source, o->source->name ? o->source->name : "");
}

/* ---- diagnostics ---- */

static bool push_diag(cx_rs *rs, const contour_diagnostic *d)
{
    if (!cx_vec_push(&rs->diags, &d)) {
        rs->oom = true;
        return false;
    }
    return true;
}

void cx_rs_diag(cx_rs *rs, contour_severity sev, const char *code, const contour_object *o,
                cx_pos pos, const char *field_fmt, ...)
{
    if (rs->oom)
        return;
    contour_diagnostic *d = cx_arena_zalloc(rs->ga, sizeof *d);
    if (!d) {
        rs->oom = true;
        return;
    }
    d->code = code;
    d->severity = (uint8_t)sev;
    d->pos = pos;
    d->message = cx_rs_msg(rs);
    d->file = o ? cx_rs_file(rs, o) : "";
    if (o) {
        d->obj_kind = (uint8_t)o->kind;
        d->obj_ns = cx_rs_ns(rs, o->ns);
        d->obj_name = cx_rs_str(rs, o->name);
    }
    if (field_fmt) {
        cx_strbuf_clear(&rs->field);
        va_list ap;
        va_start(ap, field_fmt);
        cx_strbuf_vprintf(&rs->field, field_fmt, ap);
        va_end(ap);
        if (rs->field.oom)
            rs->oom = true;
        else
            d->field = cx_rs_strn(rs, rs->field.data ? rs->field.data : "", rs->field.len);
    }
    if (!rs->oom)
        push_diag(rs, d);
}

/* Copies a snapshot diagnostic into the graph. */
static void copy_load_diag(cx_rs *rs, const contour_diagnostic *src)
{
    contour_diagnostic *d = cx_arena_zalloc(rs->ga, sizeof *d);
    if (!d) {
        rs->oom = true;
        return;
    }
    *d = *src;
    d->next = NULL;
    d->message = cx_arena_strdup(rs->ga, src->message ? src->message : "");
    if (!d->message)
        rs->oom = true;
    d->file = cx_rs_str(rs, src->file ? src->file : "");
    d->field = cx_rs_str(rs, src->field);
    d->obj_ns = cx_rs_str(rs, src->obj_ns);
    d->obj_name = cx_rs_str(rs, src->obj_name);
    if (!rs->oom)
        push_diag(rs, d);
}

/* ---- batched lookups ---- */

static bool query_is(const void *value, const void *key)
{
    const contour_object *o = value;
    const cx_query *q = key;
    return o->ns_len == q->ns_len && o->name_len == q->name_len &&
           memcmp(o->name, q->name, q->name_len) == 0 && memcmp(o->ns, q->ns, q->ns_len) == 0;
}

void cx_rs_find_batch(cx_rs *rs, cx_query *q, size_t n)
{
    /* Stage 1 hashes and requests the slot; stage 2 requests the object the slot points at;
     * stage 3 looks up for real. The stages only prefetch: the result is whatever the
     * snapshot's own lookup finds (a miss is confirmed with cx_snapshot_find(), so nothing
     * depends on how the snapshot hashes). */
    enum { AHEAD_SLOT = 16, AHEAD_OBJ = 8 };
    for (size_t i = 0; i < n + AHEAD_SLOT; i++) {
        if (i < n) {
            cx_query *a = &q[i];
            const cx_map *m = &rs->s->by_key[a->kind];
            a->hash = cx_hash_pair(m->key, a->ns, a->ns_len, a->name, a->name_len);
            if (m->cap)
                __builtin_prefetch(&m->slots[(size_t)a->hash & (m->cap - 1)]);
        }
        if (i >= AHEAD_SLOT - AHEAD_OBJ && i - (AHEAD_SLOT - AHEAD_OBJ) < n) {
            const cx_query *b = &q[i - (AHEAD_SLOT - AHEAD_OBJ)];
            const cx_map *m = &rs->s->by_key[b->kind];
            if (m->cap) {
                const cx_map_slot *sl = &m->slots[(size_t)b->hash & (m->cap - 1)];
                if (sl->value && sl->hash == b->hash)
                    __builtin_prefetch(sl->value);
            }
        }
        if (i >= AHEAD_SLOT) {
            cx_query *c = &q[i - AHEAD_SLOT];
            const cx_map *m = &rs->s->by_key[c->kind];
            c->found = cx_map_find(m, c->hash, query_is, c);
            if (!c->found)
                c->found = cx_snapshot_find(rs->s, (contour_kind)c->kind, c->ns, c->ns_len, c->name,
                                            c->name_len);
        }
    }
}

/* ---- ingress classes ---- */

void cx_rs_msg_class_reason(cx_rs *rs, const contour_object *o)
{
    const cx_annotation *a;
    const char *cls = cx_object_class(o, &a);
    const char *want = rs->cfg->ingress_class ? rs->cfg->ingress_class : "";
    cx_strbuf_puts(&rs->msg, "its ingress class ");
    cx_rs_msg_quote(rs, cls);
    if (*want) {
        cx_strbuf_puts(&rs->msg, " is not ");
        cx_rs_msg_quote(rs, want);
    } else {
        cx_strbuf_puts(&rs->msg, " is neither \"\" nor \"contour\"");
    }
}

/* Marks the objects whose class is not ours; they get an info diagnostic and nothing else. */
static void classify(cx_rs *rs, contour_kind kind, bool *ignored)
{
    const char *want = rs->cfg->ingress_class ? rs->cfg->ingress_class : "";
    for (size_t i = 0; i < rs->s->count[kind]; i++) {
        const contour_object *o = rs->s->sorted[kind][i];
        const cx_annotation *a;
        const char *cls = cx_object_class(o, &a);
        if (cx_class_accepted(cls, want))
            continue;
        ignored[i] = true;
        cx_rs_msg_reset(rs);
        cx_strbuf_puts(&rs->msg, "ignored because ");
        cx_rs_msg_class_reason(rs, o);
        if (a)
            cx_rs_diag(rs, CONTOUR_SEVERITY_INFO, "ignored-class", o, a->pos,
                       "metadata.annotations[%s]", a->key);
        else
            cx_rs_diag(rs, CONTOUR_SEVERITY_INFO, "ignored-class", o, o->pos,
                       "spec.ingressClassName");
    }
}

/* ---- Services and clusters ---- */

cx_svc_state *cx_rs_service(cx_rs *rs, const contour_object *svc)
{
    if (!svc)
        return NULL;
    cx_svc_state *st = &rs->svc[svc->ordinal];
    if (st->done)
        return st;
    st->done = true;
    st->ns = cx_rs_ns(rs, svc->ns);
    st->name = cx_rs_copy(rs, svc->name);
    static const char *const names[4] = {"max-connections", "max-pending-requests", "max-requests",
                                         "max-retries"};
    uint32_t *dst[4] = {&st->max_connections, &st->max_pending_requests, &st->max_requests,
                        &st->max_retries};
    for (int i = 0; i < 4 && svc->annotation_count; i++) {
        const cx_annotation *a = cx_compat_annotation(svc, names[i]);
        if (!a)
            continue;
        if (!cx_parse_uint32(a->value, dst[i])) {
            cx_rs_msg_reset(rs);
            cx_strbuf_printf(&rs->msg, "annotation %s: ", a->key);
            cx_rs_msg_quote(rs, a->value);
            cx_strbuf_puts(&rs->msg, " is not an unsigned 32-bit integer; ignored");
            cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "invalid-annotation", svc, a->pos,
                       "metadata.annotations[%s]", a->key);
            *dst[i] = 0;
        }
    }
    uint32_t n = svc->u.svc.port_count;
    if (n) {
        st->ports = cx_arena_array(&rs->scratch, n, sizeof *st->ports);
        if (!st->ports)
            rs->oom = true;
        else
            memset(st->ports, 0, n * sizeof *st->ports);
    }
    return st;
}

/* Services with many ports get sorted indexes, so a lookup never scans them all. */
#define CX_PORT_SCAN_MAX 16

/* qsort has no context argument (and a global one would not be thread-safe): the port
 * indexes use a small merge sort instead. */
typedef int (*idx_cmp)(const contour_object *svc, uint32_t a, uint32_t b);

static int idx_cmp_number(const contour_object *svc, uint32_t x, uint32_t y)
{
    int64_t px = svc->u.svc.ports[x].port, py = svc->u.svc.ports[y].port;
    if (px != py)
        return px < py ? -1 : 1;
    return (x > y) - (x < y);
}

static int idx_cmp_name(const contour_object *svc, uint32_t x, uint32_t y)
{
    const char *nx = svc->u.svc.ports[x].name, *ny = svc->u.svc.ports[y].name;
    int c = strcmp(nx ? nx : "", ny ? ny : "");
    if (c)
        return c;
    return (x > y) - (x < y);
}

static void merge_sort_idx(uint32_t *a, uint32_t *tmp, uint32_t n, const contour_object *svc,
                           idx_cmp cmp)
{
    /* Bottom-up: no recursion. */
    for (uint32_t w = 1; w < n; w *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * w) {
            uint32_t mid = lo + w < n ? lo + w : n;
            uint32_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp(svc, a[i], a[j]) <= 0 ? a[i++] : a[j++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof *a);
        if (w > UINT32_MAX / 2)
            break;
    }
}

static bool build_port_index(cx_rs *rs, const contour_object *svc, cx_svc_state *st)
{
    if (st->by_number)
        return true;
    uint32_t n = svc->u.svc.port_count;
    uint32_t *num = cx_arena_array(&rs->scratch, n, sizeof *num);
    uint32_t *nam = cx_arena_array(&rs->scratch, n, sizeof *nam);
    uint32_t *tmp = cx_arena_array(&rs->scratch, n, sizeof *tmp);
    if (!num || !nam || !tmp) {
        rs->oom = true;
        return false;
    }
    for (uint32_t i = 0; i < n; i++)
        num[i] = nam[i] = i;
    merge_sort_idx(num, tmp, n, svc, idx_cmp_number);
    merge_sort_idx(nam, tmp, n, svc, idx_cmp_name);
    st->by_number = num;
    st->by_name = nam;
    return true;
}

int64_t cx_rs_port_by_number(cx_rs *rs, const contour_object *svc, int64_t number)
{
    uint32_t n = svc->u.svc.port_count;
    if (n <= CX_PORT_SCAN_MAX) {
        for (uint32_t i = 0; i < n; i++) {
            if (svc->u.svc.ports[i].port == number)
                return i;
        }
        return -1;
    }
    cx_svc_state *st = cx_rs_service(rs, svc);
    if (!st || !build_port_index(rs, svc, st))
        return -1;
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (svc->u.svc.ports[st->by_number[mid]].port < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n && svc->u.svc.ports[st->by_number[lo]].port == number)
        return st->by_number[lo];
    return -1;
}

int64_t cx_rs_port_by_name(cx_rs *rs, const contour_object *svc, const char *name)
{
    if (!name || !*name)
        return -1;
    uint32_t n = svc->u.svc.port_count;
    if (n <= CX_PORT_SCAN_MAX) {
        for (uint32_t i = 0; i < n; i++) {
            const char *pn = svc->u.svc.ports[i].name;
            if (pn && strcmp(pn, name) == 0)
                return i;
        }
        return -1;
    }
    cx_svc_state *st = cx_rs_service(rs, svc);
    if (!st || !build_port_index(rs, svc, st))
        return -1;
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *pn = svc->u.svc.ports[st->by_name[mid]].name;
        if (strcmp(pn ? pn : "", name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n) {
        const char *pn = svc->u.svc.ports[st->by_name[lo]].name;
        if (pn && strcmp(pn, name) == 0)
            return st->by_name[lo];
    }
    return -1;
}

void cx_rs_fill_cluster(cx_rs *rs, contour_cluster *c, const contour_object *svc, uint32_t pi,
                        bool with_protocol)
{
    cx_svc_state *st = cx_rs_service(rs, svc);
    memset(c, 0, sizeof *c);
    if (!st || rs->oom)
        return;
    c->ns = st->ns;
    c->service = st->name;
    c->port = (uint32_t)svc->u.svc.ports[pi].port;
    cx_port_info *pinfo = &st->ports[pi];
    if (!pinfo->done) {
        const cx_service_port *p = &svc->u.svc.ports[pi];
        const char *pn = p->name && *p->name ? p->name : NULL;
        pinfo->done = true;
        pinfo->name = cx_rs_copy(rs, pn);
        pinfo->proto = svc->annotation_count ? cx_upstream_protocol(svc, pn, p->port) : NULL;
    }
    c->port_name = pinfo->name;
    c->protocol = with_protocol ? pinfo->proto : NULL;
    c->max_connections = st->max_connections;
    c->max_pending_requests = st->max_pending_requests;
    c->max_requests = st->max_requests;
    c->max_retries = st->max_retries;
}

void cx_rs_health_check(cx_rs *rs, contour_cluster *c, const contour_ingressroute_service *s)
{
    if (!s->has_health_check)
        return;
    const cx_health_check *h = s->health_check;
    c->has_health_check = true;
    c->health_check.path = cx_rs_str(rs, h->path ? h->path : "");
    c->health_check.host =
        h->host && *h->host ? cx_rs_str(rs, h->host) : "contour-envoy-healthcheck";
    c->health_check.interval_s = h->interval_s > 0 ? h->interval_s : 10;
    c->health_check.timeout_s = h->timeout_s > 0 ? h->timeout_s : 2;
    c->health_check.unhealthy_threshold = h->unhealthy_threshold > 0 ? h->unhealthy_threshold : 3;
    c->health_check.healthy_threshold = h->healthy_threshold > 0 ? h->healthy_threshold : 2;
}

static int cmp_cluster(const void *pa, const void *pb)
{
    const contour_cluster *a = pa, *b = pb;
    int c;
    if ((c = strcmp(a->ns, b->ns)) || (c = strcmp(a->service, b->service)) ||
        (c = cx_cmp_i64(a->port, b->port)) || (c = cx_cmp_i64(a->weight, b->weight)) ||
        (c = cx_cmp_nullable_str(a->strategy, b->strategy)))
        return c;
    if ((c = cx_cmp_i64(a->has_health_check, b->has_health_check)) || !a->has_health_check)
        return c;
    const cx_health_check *x = &a->health_check, *y = &b->health_check;
    if ((c = cx_cmp_nullable_str(x->path, y->path)) ||
        (c = cx_cmp_nullable_str(x->host, y->host)) ||
        (c = cx_cmp_i64(x->interval_s, y->interval_s)) ||
        (c = cx_cmp_i64(x->timeout_s, y->timeout_s)) ||
        (c = cx_cmp_i64(x->unhealthy_threshold, y->unhealthy_threshold)))
        return c;
    return cx_cmp_i64(x->healthy_threshold, y->healthy_threshold);
}

uint32_t cx_rs_sort_clusters(contour_cluster *c, uint32_t n)
{
    if (n < 2)
        return n;
    qsort(c, n, sizeof *c, cmp_cluster);
    uint32_t out = 1;
    for (uint32_t i = 1; i < n; i++) {
        /* Everything else a cluster holds follows from (service, port). */
        if (cmp_cluster(&c[out - 1], &c[i]) != 0)
            c[out++] = c[i];
    }
    return out;
}

/* ---- virtual hosts ---- */

static bool vhost_eq(const void *value, const void *key)
{
    const cx_vbuild *v = value;
    const str_key *k = key;
    return strncmp(v->fqdn, k->p, k->n) == 0 && v->fqdn[k->n] == '\0';
}

cx_vbuild *cx_rs_vhost_find(cx_rs *rs, const char *fqdn)
{
    str_key k = {fqdn, strlen(fqdn)};
    uint64_t h = cx_hash_bytes(rs->vhost_by_fqdn.key, fqdn, k.n);
    return cx_map_find(&rs->vhost_by_fqdn, h, vhost_eq, &k);
}

cx_vbuild *cx_rs_vhost(cx_rs *rs, const char *fqdn)
{
    if (rs->oom)
        return NULL;
    str_key k = {fqdn, strlen(fqdn)};
    uint64_t h = cx_hash_bytes(rs->vhost_by_fqdn.key, fqdn, k.n);
    cx_vbuild *v = cx_map_find(&rs->vhost_by_fqdn, h, vhost_eq, &k);
    if (v)
        return v;
    v = cx_arena_zalloc(&rs->scratch, sizeof *v);
    if (!v || !cx_map_reserve(&rs->vhost_by_fqdn, 1) || !cx_vec_push(&rs->vhosts, &v)) {
        rs->oom = true;
        return NULL;
    }
    v->fqdn = cx_arena_strndup(rs->ga, fqdn, k.n);
    if (!v->fqdn) {
        rs->oom = true;
        return NULL;
    }
    v->key = cx_str_key(v->fqdn);
    cx_map_put(&rs->vhost_by_fqdn, h, vhost_eq, &k, v);
    return v;
}

void cx_rs_publish(cx_rs *rs, cx_vbuild *vh, int listener, cx_rtpl *t, bool redirect)
{
    cx_rentry e = {t, cx_str_key(t->r.path), vh, rs->seq++, (uint8_t)listener, redirect};
    if (!cx_vec_push(&rs->routes, &e))
        rs->oom = true;
}

/* ---- assembly ---- */

static int cmp_vhost_ptr(const void *a, const void *b)
{
    const cx_vbuild *x = *(cx_vbuild *const *)a, *y = *(cx_vbuild *const *)b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return strcmp(x->fqdn, y->fqdn);
}

/* Exact before prefix, then path in descending byte order, then insertion order. */
static int cmp_rentry(const void *a, const void *b)
{
    const cx_rentry *x = a, *y = b;
    if (x->t->r.match != y->t->r.match)
        return x->t->r.match == CONTOUR_MATCH_EXACT ? -1 : 1;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    int c = strcmp(y->t->r.path, x->t->r.path);
    if (c)
        return c;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Records that `loser` lost its key on vh to `winner`. Called in fqdn order of vh. */
static void note_loss(cx_rs *rs, const cx_vbuild *vh, cx_rtpl *loser, const cx_rtpl *winner)
{
    if (!loser->lost_vh) {
        loser->lost_vh = loser->lost_last = vh;
        loser->lost_to = winner;
        if (!cx_vec_push(&rs->losers, &loser))
            rs->oom = true;
    } else if (loser->lost_last != vh) {
        loser->lost_last = vh;
        loser->lost_more++;
    }
}

/* The field of the item a route template comes from: spec.routes[i] (IngressRoute),
 * spec.rules[r].http.paths[i] or the default backend (Ingress). */
static void route_field(const cx_rtpl *t, char *buf, size_t size)
{
    const contour_object *o = t->obj;
    if (o->kind == CONTOUR_KIND_INGRESSROUTE)
        snprintf(buf, size, "spec.routes[%u]", t->index);
    else if (t->rule < 0)
        snprintf(buf, size, "%s",
                 o->u.ing.api == CX_INGRESS_NETWORKING_V1 ? "spec.defaultBackend" : "spec.backend");
    else
        snprintf(buf, size, "spec.rules[%d].http.paths[%u]", t->rule, t->index);
}

/* The one route-conflict warning of a losing route: where it first lost, and on how many
 * more virtual hosts. */
static void conflict_diag(cx_rs *rs, const cx_rtpl *l)
{
    const cx_rtpl *w = l->lost_to;
    char field[64];
    cx_rs_msg_reset(rs);
    cx_strbuf_puts(&rs->msg, l->r.match == CONTOUR_MATCH_EXACT ? "exact path " : "prefix ");
    cx_rs_msg_quote(rs, l->r.path);
    cx_strbuf_puts(&rs->msg, " on virtual host ");
    cx_rs_msg_quote(rs, l->lost_vh->fqdn);
    cx_strbuf_printf(&rs->msg, " is already routed by %s %s/%s", contour_kind_name(w->obj->kind),
                     w->obj->ns, w->obj->name);
    if (w->obj == l->obj) {
        /* The loser's own object: the name alone would not say which route won. */
        route_field(w, field, sizeof field);
        cx_strbuf_printf(&rs->msg, " (%s)", field);
    }
    cx_strbuf_puts(&rs->msg, "; this route is ignored");
    if (l->lost_more)
        cx_strbuf_printf(&rs->msg, " (and on %u more virtual host%s)", l->lost_more,
                         l->lost_more == 1 ? "" : "s");
    route_field(l, field, sizeof field);
    cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "route-conflict", l->obj, l->pos, "%s", field);
}

/* ---- publishing, one vhost at a time ---- */

/* How routes are kept and printed within a vhost: by listener, then as cmp_rentry. */
static int cmp_settle(const void *a, const void *b)
{
    const cx_rentry *x = a, *y = b;
    if (x->listener != y->listener)
        return x->listener < y->listener ? -1 : 1;
    return cmp_rentry(a, b);
}

static bool same_key(const cx_rentry *a, const cx_rentry *b)
{
    return a->listener == b->listener && a->t->r.match == b->t->r.match && a->key == b->key &&
           strcmp(a->t->r.path, b->t->r.path) == 0;
}

/* A route looked up in rs->route_keys, whose values are 1 + an index into `base`. */
typedef struct route_probe {
    const cx_rentry *base;
    const cx_rentry *e;
} route_probe;

static bool route_probe_eq(const void *value, const void *key)
{
    const route_probe *k = key;
    return same_key(&k->base[(uintptr_t)value - 1], k->e);
}

/* The hash of a route's key. The path's is kept in the template: a route shared by many
 * vhosts is hashed once. */
static uint64_t route_hash(const cx_map *keys, const cx_rentry *e)
{
    cx_rtpl *t = e->t;
    if (!t->hashed) {
        t->path_hash = cx_hash_bytes(keys->key, t->r.path, strlen(t->r.path));
        t->hashed = true;
    }
    uint64_t kind = (uint64_t)e->listener * 2 + (t->r.match == CONTOUR_MATCH_EXACT);
    return t->path_hash ^ (kind * 0x9E3779B97F4A7C15ull);
}

/* Moves the Ingress routes (made before any walk, in the order of spec §3) out of
 * rs->routes into rs->ing_routes, grouped by vhost rank, in their order within a vhost. */
static void bucket_ingress(cx_rs *rs, size_t nv)
{
    size_t n = rs->routes.len, nb;
    if (!cx_size_add(nv, 1, &nb) || !(rs->ing_start = cx_calloc(rs->alloc, nb, sizeof(size_t))) ||
        !cx_vec_reserve(&rs->ing_routes, n)) {
        rs->oom = true;
        return;
    }
    size_t *start = rs->ing_start;
    const cx_rentry *es = (const cx_rentry *)rs->routes.data;
    cx_rentry *out = (cx_rentry *)rs->ing_routes.data;
    for (size_t i = 0; i < n; i++)
        start[es[i].vh->rank + 1]++;
    for (size_t b = 1; b < nb; b++)
        start[b] += start[b - 1];
    for (size_t i = 0; i < n; i++)
        out[start[es[i].vh->rank]++] = es[i];
    /* start[b] is now the end of bucket b; shift back to starts. */
    memmove(start + 1, start, nv * sizeof *start);
    start[0] = 0;
    rs->ing_routes.len = n;
    rs->routes.len = 0;
}

/* One object's share of a vhost's routes, for limit-routes. */
typedef struct contrib {
    const contour_object *o;
    uint64_t n;
} contrib;

static int cmp_contrib_obj(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const contrib *)a)->o, y = (uintptr_t)((const contrib *)b)->o;
    return (x > y) - (x < y);
}

/* Most routes first, then by kind, namespace, name: the same order whatever the input's. */
static int cmp_contrib_rank(const void *a, const void *b)
{
    const contrib *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    int c;
    if ((c = cx_cmp_i64(x->o->kind, y->o->kind)) || (c = strcmp(x->o->ns, y->o->ns)))
        return c;
    return strcmp(x->o->name, y->o->name);
}

/* Appends "A (n), B (n), C (n) and K more objects" for the routes es[0..n), grouped by
 * the object they come from. */
static void msg_contributors(cx_rs *rs, const cx_rentry *es, size_t n)
{
    enum { SHOWN = 3 };
    cx_vec *v = &rs->contributors;
    v->len = 0;
    if (!cx_vec_reserve(v, n)) {
        rs->oom = true;
        return;
    }
    contrib *c = (contrib *)v->data;
    for (size_t i = 0; i < n; i++)
        c[i] = (contrib){es[i].t->obj, 1};
    qsort(c, n, sizeof *c, cmp_contrib_obj);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && c[m - 1].o == c[i].o)
            c[m - 1].n++;
        else
            c[m++] = c[i];
    }
    qsort(c, m, sizeof *c, cmp_contrib_rank);
    for (size_t i = 0; i < m && i < SHOWN; i++) {
        if (i)
            cx_strbuf_puts(&rs->msg, i + 1 == m ? " and " : ", ");
        cx_strbuf_printf(&rs->msg, "%s %s/%s (%llu)", contour_kind_name(c[i].o->kind), c[i].o->ns,
                         c[i].o->name, (unsigned long long)c[i].n);
    }
    if (m > SHOWN)
        cx_strbuf_printf(&rs->msg, " and %zu more object%s", m - SHOWN, m - SHOWN == 1 ? "" : "s");
}

/* The limit-routes error of a vhost left out, whose n routes (after conflicts) are es: on
 * its root's fqdn, or for a vhost only Ingresses route, on the first of them. */
static void limit_diag(cx_rs *rs, const cx_vbuild *vh, const cx_rentry *es, size_t n)
{
    cx_rs_msg_reset(rs);
    cx_strbuf_puts(&rs->msg, "virtual host ");
    cx_rs_msg_quote(rs, vh->fqdn);
    cx_strbuf_puts(&rs->msg, " is left out: ");
    if (vh == rs->cut) {
        cx_strbuf_printf(&rs->msg, "its %zu route%s would take", n, n == 1 ? "" : "s");
    } else {
        cx_strbuf_puts(&rs->msg, "it comes after virtual host ");
        cx_rs_msg_quote(rs, rs->cut->fqdn);
        cx_strbuf_puts(&rs->msg, ", whose routes would take");
    }
    cx_strbuf_printf(&rs->msg, " the graph past CONTOUR_LIMIT_ROUTES (%llu routes)",
                     (unsigned long long)rs->cfg->limits.v[CONTOUR_LIMIT_ROUTES]);
    if (n) {
        if (vh == rs->cut)
            cx_strbuf_puts(&rs->msg, n == 1 ? "; it comes from " : "; they come from ");
        else
            cx_strbuf_printf(&rs->msg, "; its %zu route%s come%s from ", n, n == 1 ? "" : "s",
                             n == 1 ? "s" : "");
        msg_contributors(rs, es, n);
    }
    if (vh->root) {
        const cx_root *root = (const cx_root *)cx_vec_at(&rs->roots, vh->root - 1);
        const contour_object *o = rs->s->sorted[CONTOUR_KIND_INGRESSROUTE][root->ord];
        cx_pos pos = o->u.ir.fqdn_pos.line ? o->u.ir.fqdn_pos : o->pos;
        cx_rs_diag(rs, CONTOUR_SEVERITY_ERROR, "limit-routes", o, pos, "spec.virtualhost.fqdn");
        return;
    }
    /* Without a root only Ingresses route it; the first of them by (namespace, name). */
    const cx_rentry *first = (const cx_rentry *)cx_vec_at(&rs->ing_routes, rs->ing_start[vh->rank]);
    char field[64];
    route_field(first->t, field, sizeof field);
    cx_rs_diag(rs, CONTOUR_SEVERITY_ERROR, "limit-routes", first->t->obj, first->t->pos, "%s",
               field);
}

/* Settles the vhost whose IngressRoute routes are rs->routes[begin..]: adds its Ingress
 * routes after them (IngressRoutes win), sorts, keeps the first route of each key (the
 * others lost a conflict), then keeps them all or, past CONTOUR_LIMIT_ROUTES, none. */
static void settle_vhost(cx_rs *rs, cx_vbuild *vh, size_t begin)
{
    size_t ib = rs->ing_start[vh->rank], ie = rs->ing_start[vh->rank + 1];
    if (!cx_vec_reserve(&rs->routes, ie - ib)) {
        rs->oom = true;
        return;
    }
    for (size_t i = ib; i < ie; i++) {
        cx_rentry e = *(const cx_rentry *)cx_vec_at(&rs->ing_routes, i);
        e.seq = rs->seq++;
        cx_vec_push(&rs->routes, &e); /* reserved */
    }
    size_t n = rs->routes.len - begin, kept = 0;
    if (!n && !(vh->secure && vh->has_tcp))
        return; /* not in the graph anyway */
    cx_rentry *es = n ? (cx_rentry *)cx_vec_at(&rs->routes, begin) : NULL;
    /* The routes are in insertion order: the first of each key wins. A hash set finds the
     * repeats without sorting what may be left out anyway (past the limit, every vhost is
     * still settled, for its conflicts and its limit-routes message). */
    cx_map *keys = &rs->route_keys;
    if (!cx_map_reserve(keys, n)) {
        rs->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        route_probe k = {es, &es[i]};
        uint64_t h = route_hash(keys, &es[i]);
        const void *found = cx_map_find(keys, h, route_probe_eq, &k);
        if (found) {
            /* Spec rule 10: every loser is told, also one that loses to an earlier route of
             * its own object (one template cannot occur twice on a listener: an object is
             * published once per vhost). */
            const cx_rentry *w = &es[(uintptr_t)found - 1];
            if (w->t != es[i].t)
                note_loss(rs, vh, es[i].t, w->t);
            continue;
        }
        es[kept] = es[i];
        cx_map_put(keys, h, route_probe_eq, &k, (void *)(uintptr_t)(kept + 1));
        kept++;
    }
    for (size_t i = 0; i < kept; i++) {
        route_probe k = {es, &es[i]};
        cx_map_remove(keys, route_hash(keys, &es[i]), route_probe_eq, &k);
    }
    rs->routes.len = begin + kept;
    uint64_t limit = rs->cfg->limits.v[CONTOUR_LIMIT_ROUTES];
    if (!rs->cut && kept <= limit - rs->route_total) {
        rs->route_total += kept;
        if (kept > 1)
            qsort(es, kept, sizeof *es, cmp_settle);
        return;
    }
    /* This vhost and every one after it in fqdn order are left out: which are does not
     * depend on the input's order, and a vhost is never half published. */
    if (!rs->cut)
        rs->cut = vh;
    vh->cut = true;
    limit_diag(rs, vh, es, kept);
    rs->routes.len = begin;
}

void cx_rs_publish_vhosts(cx_rs *rs)
{
    size_t nv = rs->vhosts.len;
    cx_vbuild **vs = (cx_vbuild **)rs->vhosts.data;
    if (nv > 1)
        qsort(vs, nv, sizeof *vs, cmp_vhost_ptr);
    for (size_t i = 0; i < nv; i++)
        vs[i]->rank = (uint32_t)i;
    bucket_ingress(rs, nv);
    for (size_t i = 0; i < nv && !rs->oom; i++) {
        /* Roots were made in fqdn order too: the walks run in the order they always did. */
        size_t begin = rs->routes.len;
        rs->seq = 0;
        if (vs[i]->root)
            cx_rs_ir_walk(rs, (const cx_root *)cx_vec_at(&rs->roots, vs[i]->root - 1));
        if (!rs->oom)
            settle_vhost(rs, vs[i], begin);
    }
}

static contour_vhost *graph_vhosts(cx_rs *rs, uint32_t n)
{
    if (!n)
        return NULL;
    contour_vhost *v = cx_arena_array(rs->ga, n, sizeof *v);
    if (!v)
        rs->oom = true;
    else
        memset(v, 0, n * sizeof *v);
    return v;
}

/* Groups the kept routes by (vhost, listener) - settled, they are in order and unique -
 * warns about the conflicts' losers and builds the listeners. */
static void assemble(cx_rs *rs)
{
    size_t nv = rs->vhosts.len;
    cx_vbuild **vs = (cx_vbuild **)rs->vhosts.data; /* in fqdn order (rank) */

    /* Settled vhost by vhost in fqdn order, the kept routes are grouped by (vhost rank,
     * listener) already, each group in order: only where each group starts is needed. */
    size_t nr = rs->routes.len, nb;
    size_t *start = NULL;
    if (!cx_size_mul(nv, 2, &nb) || !cx_size_add(nb, 1, &nb) ||
        !(start = cx_calloc(rs->alloc, nb, sizeof *start))) {
        rs->oom = true;
        return;
    }
    const cx_rentry *sorted = (const cx_rentry *)rs->routes.data;
    for (size_t i = 0; i < nr; i++)
        start[sorted[i].vh->rank * 2 + sorted[i].listener + 1]++;
    for (size_t b = 1; b < nb; b++) {
        if (start[b])
            vs[(b - 1) / 2]->route_count[(b - 1) % 2] = (uint32_t)start[b];
        start[b] += start[b - 1];
    }
    for (size_t i = 0; i < rs->losers.len && !rs->oom; i++)
        conflict_diag(rs, *(cx_rtpl **)cx_vec_at(&rs->losers, i));
    if (rs->oom)
        goto out;

    /* Listeners. */
    const contour_config *cfg = rs->cfg;
    uint32_t counts[2] = {0, 0};
    for (size_t i = 0; i < nv; i++) {
        const cx_vbuild *v = vs[i];
        if (v->cut)
            continue; /* CONTOUR_LIMIT_ROUTES: its routes were dropped, its tcpproxy too */
        if (v->route_count[CX_L_INSECURE])
            counts[CX_L_INSECURE]++;
        if (v->secure && (v->route_count[CX_L_SECURE] || v->has_tcp))
            counts[CX_L_SECURE]++;
    }
    contour_listener ls[2];
    memset(ls, 0, sizeof ls);
    ls[0].name = "ingress_http";
    ls[0].port = cfg->http_port;
    ls[0].secure = false;
    ls[1].name = "ingress_https";
    ls[1].port = cfg->https_port;
    ls[1].secure = true;
    for (int l = 0; l < 2; l++) {
        ls[l].vhosts = graph_vhosts(rs, counts[l]);
        if (rs->oom)
            goto out;
    }
    for (size_t i = 0; i < nv; i++) {
        const cx_vbuild *v = vs[i];
        for (int l = 0; l < 2 && !v->cut; l++) {
            uint32_t rc = v->route_count[l];
            if (l == CX_L_INSECURE ? rc == 0 : !(v->secure && (rc || v->has_tcp)))
                continue;
            contour_vhost *gv = &ls[l].vhosts[ls[l].vhost_count++];
            gv->fqdn = v->fqdn;
            if (l == CX_L_SECURE) {
                gv->has_tls = true;
                gv->passthrough = v->passthrough;
                gv->secret_ns = v->secret_ns;
                gv->secret_name = v->secret_name;
                gv->min_version = v->min_version;
                gv->has_tcpproxy = v->has_tcp;
                gv->tcp_clusters = v->tcp;
                gv->tcp_cluster_count = v->tcp_count;
            }
            if (rc) {
                contour_route *rt = cx_arena_array(rs->ga, rc, sizeof *rt);
                if (!rt) {
                    rs->oom = true;
                    goto out;
                }
                const cx_rentry *src = sorted + start[v->rank * 2 + (size_t)l];
                for (uint32_t k = 0; k < rc; k++) {
                    rt[k] = src[k].t->r;
                    rt[k].https_redirect = src[k].redirect;
                }
                gv->routes = rt;
                gv->route_count = rc;
            }
        }
    }
    uint32_t nl = 0;
    contour_listener *order[2] = {&ls[0], &ls[1]};
    if (ls[1].port < ls[0].port) {
        order[0] = &ls[1];
        order[1] = &ls[0];
    }
    for (int i = 0; i < 2; i++) {
        if (order[i]->vhost_count)
            rs->g->listeners[nl++] = *order[i];
    }
    rs->g->listener_count = nl;
out:
    cx_free(rs->alloc, start);
}

static void finish_diagnostics(cx_rs *rs)
{
    const contour_snapshot *s = rs->s;
    for (size_t i = 0; i < s->diag_count && !rs->oom; i++)
        copy_load_diag(rs, s->diag_index[i]);
    if (rs->oom)
        return;
    size_t n = rs->diags.len;
    const contour_diagnostic **d = cx_arena_array(rs->ga, n ? n : 1, sizeof *d);
    if (!d) {
        rs->oom = true;
        return;
    }
    if (n)
        memcpy(d, rs->diags.data, n * sizeof *d);
    qsort(d, n, sizeof *d, cx_diag_ptr_compare);
    rs->g->diags = d;
    rs->g->diag_count = (uint32_t)n;
    for (size_t i = 0; i < n; i++) {
        if (d[i]->severity < CX_SEVERITY_COUNT)
            rs->g->severity_count[d[i]->severity]++;
    }
}

/* ---- entry ---- */

static void rs_release(cx_rs *rs)
{
    cx_map_release(&rs->strings);
    cx_map_release(&rs->by_ptr);
    cx_map_release(&rs->delegations);
    cx_map_release(&rs->vhost_by_fqdn);
    cx_vec_release(&rs->diags);
    cx_vec_release(&rs->stack);
    cx_vec_release(&rs->clusters);
    cx_vec_release(&rs->vhosts);
    cx_vec_release(&rs->routes);
    cx_vec_release(&rs->roots);
    cx_vec_release(&rs->losers);
    cx_vec_release(&rs->ing_routes);
    cx_vec_release(&rs->contributors);
    cx_map_release(&rs->route_keys);
    cx_free(rs->alloc, rs->ing_start);
    cx_strbuf_release(&rs->msg);
    cx_strbuf_release(&rs->field);
    cx_arena_release(&rs->scratch);
}

static bool rs_init(cx_rs *rs, const contour_snapshot *s, const contour_config *cfg,
                    contour_graph *g)
{
    memset(rs, 0, sizeof *rs);
    rs->s = s;
    rs->cfg = cfg;
    rs->g = g;
    rs->ga = &g->arena;
    rs->alloc = &g->alloc;
    cx_arena_init(&rs->scratch, rs->alloc, 64 * 1024);
    cx_map_init(&rs->strings, rs->alloc);
    cx_map_init(&rs->by_ptr, rs->alloc);
    cx_map_init(&rs->delegations, rs->alloc);
    cx_map_init(&rs->vhost_by_fqdn, rs->alloc);
    cx_vec_init(&rs->diags, rs->alloc, sizeof(const contour_diagnostic *));
    cx_vec_init(&rs->stack, rs->alloc, sizeof(uint64_t));
    cx_vec_init(&rs->clusters, rs->alloc, sizeof(contour_cluster));
    cx_vec_init(&rs->vhosts, rs->alloc, sizeof(cx_vbuild *));
    cx_vec_init(&rs->routes, rs->alloc, sizeof(cx_rentry));
    cx_vec_init(&rs->roots, rs->alloc, sizeof(cx_root));
    cx_vec_init(&rs->losers, rs->alloc, sizeof(cx_rtpl *));
    cx_vec_init(&rs->ing_routes, rs->alloc, sizeof(cx_rentry));
    cx_vec_init(&rs->contributors, rs->alloc, sizeof(contrib));
    cx_map_init(&rs->route_keys, rs->alloc);
    cx_strbuf_init(&rs->msg, rs->alloc);
    cx_strbuf_init(&rs->field, rs->alloc);

    rs->nir = s->count[CONTOUR_KIND_INGRESSROUTE];
    size_t ning = s->count[CONTOUR_KIND_INGRESS];
    size_t nsvc = s->count[CONTOUR_KIND_SERVICE];
    rs->ir = cx_arena_array(&rs->scratch, rs->nir ? rs->nir : 1, sizeof *rs->ir);
    rs->ing_ignored = cx_arena_array(&rs->scratch, ning ? ning : 1, sizeof *rs->ing_ignored);
    rs->svc = cx_arena_array(&rs->scratch, nsvc ? nsvc : 1, sizeof *rs->svc);
    if (!rs->ir || !rs->ing_ignored || !rs->svc)
        return false;
    memset(rs->ir, 0, (rs->nir ? rs->nir : 1) * sizeof *rs->ir);
    memset(rs->ing_ignored, 0, (ning ? ning : 1) * sizeof *rs->ing_ignored);
    memset(rs->svc, 0, (nsvc ? nsvc : 1) * sizeof *rs->svc);
    return true;
}

contour_result contour_resolve(contour_graph **out, const contour_snapshot *snapshot,
                               const contour_config *config)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!snapshot)
        return CONTOUR_ERR_INVALID;
    /* Resolution settings may come from the caller; memory is always the snapshot's. */
    const contour_config *cfg = config ? config : &snapshot->config;
    contour_graph *g = cx_calloc(&snapshot->alloc, 1, sizeof *g);
    if (!g)
        return CONTOUR_ERR_NOMEM;
    g->alloc = snapshot->alloc;
    cx_arena_init(&g->arena, &g->alloc, 64 * 1024);

    cx_rs rs;
    bool ok = rs_init(&rs, snapshot, cfg, g);
    if (ok) {
        bool *ir_ignored = cx_arena_array(&rs.scratch, rs.nir ? rs.nir : 1, sizeof(bool));
        if (!ir_ignored) {
            rs.oom = true;
        } else {
            memset(ir_ignored, 0, (rs.nir ? rs.nir : 1) * sizeof(bool));
            classify(&rs, CONTOUR_KIND_INGRESSROUTE, ir_ignored);
            classify(&rs, CONTOUR_KIND_INGRESS, rs.ing_ignored);
            for (size_t i = 0; i < rs.nir; i++)
                rs.ir[i].ignored = ir_ignored[i];
        }
        if (!rs.oom && cx_rs_ir_prepare(&rs) && cx_rs_tls_init(&rs)) {
            cx_rs_ir_roots(&rs);
            if (!rs.oom)
                cx_rs_ingress_tls(&rs);
            /* Ingress routes first (linear in the input), so that each vhost can be settled,
             * conflicts and the route limit included, right after its walk. */
            if (!rs.oom)
                cx_rs_ingress_routes(&rs);
            if (!rs.oom)
                cx_rs_publish_vhosts(&rs);
            if (!rs.oom)
                assemble(&rs);
            if (!rs.oom)
                cx_rs_ir_statuses(&rs);
            if (!rs.oom)
                finish_diagnostics(&rs);
        }
        ok = !rs.oom;
    }
    rs_release(&rs);
    if (!ok) {
        contour_graph_free(g);
        return CONTOUR_ERR_NOMEM;
    }
    *out = g;
    return CONTOUR_OK;
}
