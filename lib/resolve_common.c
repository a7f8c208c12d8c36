/*
 * What every stage of resolution shares: the object lookups of a resolution
 * (with a what-if overlay), messages and diagnostics in a record's arena, Service ports and
 * clusters, and secret references (spec §2 rule 2).
 */
#include "resolve.h"
#include "sort.h"
#include "compare.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cx_rx_ignored(const cx_rx *rx, const contour_object *o)
{
    const cx_annotation *a;
    return !cx_class_accepted(cx_object_class(o, &a), rx->set->ingress_class);
}

/* ---- messages and diagnostics ---- */

void cx_msg_quote(cx_strbuf *m, const char *s)
{
    cx_strbuf_go_quote(m, s ? s : "", s ? strlen(s) : 0);
}

void cx_msg_quoten(cx_strbuf *m, const char *s, size_t len)
{
    cx_strbuf_go_quote(m, s, len);
}

void cx_msg_class_reason(cx_strbuf *m, const cx_settings *set, const contour_object *o)
{
    const cx_annotation *a;
    const char *cls = cx_object_class(o, &a);
    const char *want = set->ingress_class;
    cx_strbuf_puts(m, "its ingress class ");
    cx_msg_quote(m, cls);
    if (*want) {
        cx_strbuf_puts(m, " is not ");
        cx_msg_quote(m, want);
    } else {
        cx_strbuf_puts(m, " is neither \"\" nor \"contour\"");
    }
}

contour_diagnostic *cx_rdiag(cx_dsink sink, contour_severity sev, const char *code,
                             const contour_object *o, cx_pos pos, const cx_strbuf *m,
                             const char *field_fmt, ...)
{
    if (m->oom || !cx_vec_reserve(sink.list, 1))
        return NULL;
    char field[256];
    const char *f = NULL;
    if (field_fmt) {
        va_list ap;
        va_start(ap, field_fmt);
        int n = vsnprintf(field, sizeof field, field_fmt, ap);
        va_end(ap);
        /* Field paths are the library's own ("spec.rules[3].http.paths[0].backend"), with
         * annotation keys the only input in them: a longer one is cut, not refused. */
        if (n < 0)
            field[0] = '\0';
        f = field;
    }
    cx_diag_list none = {NULL, NULL, 0};
    cx_diag_sink ds = {sink.arena, &none, NULL, sink.owner};
    cx_objref ref = {o ? o->kind : CONTOUR_KIND_NONE, o ? o->ns : NULL, o ? o->name : NULL};
    const char *file = o && o->source ? o->source->name : "";
    contour_diagnostic *d = cx_diag_add(ds, sev, code, file, pos.line ? pos : (o ? o->pos : pos),
                                        ref, f, m->data ? m->data : "", m->len);
    if (d) {
        d->next = NULL;
        cx_vec_push(sink.list, &d);
    }
    return d;
}

void cx_rtpl_field(const cx_rtpl *t, char *buf, size_t size)
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

/* ---- Services and clusters ---- */

int64_t cx_port_by_number(const contour_object *svc, int64_t number)
{
    const cx_service *s = &svc->u.svc;
    uint32_t n = s->port_count;
    if (!s->by_number) {
        for (uint32_t i = 0; i < n; i++) {
            if (s->ports[i].port == number)
                return i;
        }
        return -1;
    }
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->ports[s->by_number[mid]].port < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n && s->ports[s->by_number[lo]].port == number)
        return s->by_number[lo];
    return -1;
}

int64_t cx_port_by_name(const contour_object *svc, const char *name)
{
    if (!name || !*name)
        return -1;
    const cx_service *s = &svc->u.svc;
    uint32_t n = s->port_count;
    if (!s->by_name) {
        for (uint32_t i = 0; i < n; i++) {
            if (s->ports[i].name && strcmp(s->ports[i].name, name) == 0)
                return i;
        }
        return -1;
    }
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *pn = s->ports[s->by_name[mid]].name;
        if (strcmp(pn ? pn : "", name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n) {
        const char *pn = s->ports[s->by_name[lo]].name;
        if (pn && strcmp(pn, name) == 0)
            return s->by_name[lo];
    }
    return -1;
}

/* A circuit-breaker annotation of a Service, or 0 when absent or not a uint32 (the
 * Service's own record warns about the latter). */
static uint32_t breaker(const contour_object *svc, const char *name)
{
    const cx_annotation *a = cx_compat_annotation(svc, name);
    uint32_t v;
    return a && cx_parse_uint32(a->value, &v) ? v : 0;
}

void cx_fill_cluster(contour_cluster *c, const contour_object *svc, uint32_t pi, bool with_protocol)
{
    memset(c, 0, sizeof *c);
    const cx_service_port *p = &svc->u.svc.ports[pi];
    const char *pn = p->name && *p->name ? p->name : NULL;
    c->ns = svc->ns;
    c->service = svc->name;
    c->port = (uint32_t)p->port;
    c->port_name = pn;
    if (svc->annotation_count) {
        c->protocol = with_protocol ? cx_upstream_protocol(svc, pn, p->port) : NULL;
        c->max_connections = breaker(svc, "max-connections");
        c->max_pending_requests = breaker(svc, "max-pending-requests");
        c->max_requests = breaker(svc, "max-requests");
        c->max_retries = breaker(svc, "max-retries");
    }
}

void cx_cluster_health_check(contour_cluster *c, const contour_ingressroute_service *s)
{
    if (!s->has_health_check)
        return;
    const cx_health_check *h = s->health_check;
    c->has_health_check = true;
    c->health_check.path = h->path ? h->path : "";
    c->health_check.host = h->host && *h->host ? h->host : "contour-envoy-healthcheck";
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
    /* Everything else follows from (service, port) but the health check, which comes from
     * the route's service entry: equal entries make equal clusters. */
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

uint32_t cx_sort_clusters(contour_cluster *c, uint32_t n)
{
    if (n < 2)
        return n;
    cx_sort(c, n, sizeof *c, cmp_cluster);
    uint32_t out = 1;
    for (uint32_t i = 1; i < n; i++) {
        if (cmp_cluster(&c[out - 1], &c[i]) != 0)
            c[out++] = c[i];
    }
    return out;
}

/* ---- secrets (rule 2) ---- */

static bool key_nonempty(const cx_secret *sec, const char *key)
{
    uint32_t lo = 0, hi = sec->key_count; /* keys are sorted and unique */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sec->keys[mid].key, key);
        if (c == 0)
            return sec->keys[mid].nonempty;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* How many (delegation, target) pairs of TLSCertificateDelegation o let secret `key`
 * serve target `t` (o may be NULL). */
static uint32_t tcd_pairs(const contour_object *o, const cx_key *key, const char *t)
{
    uint32_t n = 0;
    if (!o)
        return 0;
    for (uint32_t d = 0; d < o->u.td.delegation_count; d++) {
        const cx_cert_delegation *cd = &o->u.td.delegations[d];
        if (!cd->secret_name || strcmp(cd->secret_name, key->name) != 0)
            continue;
        for (uint32_t i = 0; i < cd->target_count; i++)
            n += cd->targets[i] && strcmp(cd->targets[i], t) == 0;
    }
    return n;
}

void cx_rx_secret(const cx_rx *rx, const cx_key *key, const char *target_ns, cx_secret_check *out)
{
    memset(out, 0, sizeof *out);
    out->ns = key ? key->ns : "";
    out->name = key ? key->name : "";
    const contour_object *sec = cx_rx_obj(rx, key);
    if (!sec) {
        out->rc = CX_SECRET_NOT_FOUND;
        return;
    }
    out->crt_ok = key_nonempty(&sec->u.sec, "tls.crt");
    out->key_ok = key_nonempty(&sec->u.sec, "tls.key");
    if (!out->crt_ok || !out->key_ok) {
        out->rc = CX_SECRET_NOT_TLS;
        return;
    }
    size_t tl = strlen(target_ns);
    if (key->ns_len == tl && memcmp(key->ns, target_ns, tl) == 0)
        return;
    /* A delegation the overlay changes counts as the snapshot's, without the old object's
     * permissions and with the new one's. */
    const cx_overlay *ov = rx->ov;
    bool ov_tcd = ov && ov->key->kind == CONTOUR_KIND_TLSCERTIFICATEDELEGATION &&
                  ov->key->ns_len == key->ns_len && memcmp(ov->key->ns, key->ns, key->ns_len) == 0;
    bool allowed = false;
    for (int star = 0; star < 2 && !allowed; star++) {
        const char *t = star ? "*" : target_ns;
        size_t n = star ? 1 : tl;
        int64_t count = (int64_t)cx_tcdindex_count(&rx->s->tcd, key, t, n);
        if (ov_tcd)
            count += (int64_t)tcd_pairs(ov->obj, key, t) - (int64_t)tcd_pairs(ov->old, key, t);
        allowed = count > 0;
    }
    if (!allowed)
        out->rc = CX_SECRET_NOT_DELEGATED;
}

const char *cx_secret_code(cx_secret_rc rc)
{
    switch (rc) {
    case CX_SECRET_NOT_FOUND:
        return "tls-secret-not-found";
    case CX_SECRET_NOT_TLS:
        return "tls-secret-not-tls";
    case CX_SECRET_NOT_DELEGATED:
        return "tls-secret-not-delegated";
    default:
        return "";
    }
}

static void quote_ref(cx_strbuf *m, const char *ns, const char *name)
{
    cx_strbuf tmp;
    cx_strbuf_init(&tmp, m->alloc);
    cx_strbuf_puts(&tmp, ns);
    cx_strbuf_putc(&tmp, '/');
    cx_strbuf_puts(&tmp, name);
    if (tmp.oom)
        m->oom = true;
    else
        cx_strbuf_go_quote(m, tmp.data, tmp.len);
    cx_strbuf_release(&tmp);
}

void cx_msg_secret_problem(cx_strbuf *m, const cx_secret_check *c, const char *target_ns)
{
    cx_strbuf_puts(m, "TLS secret ");
    quote_ref(m, c->ns, c->name);
    switch (c->rc) {
    case CX_SECRET_NOT_FOUND:
        cx_strbuf_puts(m, " not found");
        break;
    case CX_SECRET_NOT_TLS:
        cx_strbuf_puts(m, " is not a TLS secret: ");
        if (!c->crt_ok && !c->key_ok)
            cx_strbuf_puts(m, "tls.crt and tls.key are missing or empty");
        else if (!c->crt_ok)
            cx_strbuf_puts(m, "tls.crt is missing or empty");
        else
            cx_strbuf_puts(m, "tls.key is missing or empty");
        break;
    case CX_SECRET_NOT_DELEGATED:
        cx_strbuf_puts(m, " is not delegated to namespace ");
        cx_msg_quote(m, target_ns);
        cx_strbuf_puts(m, " (no TLSCertificateDelegation in namespace ");
        cx_msg_quote(m, c->ns);
        cx_strbuf_puts(m, " lists it for that namespace or \"*\")");
        break;
    default:
        break;
    }
}
