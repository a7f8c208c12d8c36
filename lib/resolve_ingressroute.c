/*
 * IngressRoutes (spec §2): roots (rule 1), root TLS (rule 2), the delegation walk of each
 * root's virtual host (rules 3-6), tcpproxy (rule 7), route options (rule 8) and statuses
 * (rule 9). docs/resolution.md explains the walk; in short:
 *
 *  - one iterative DFS per virtual host, over objects, white/gray/black colours kept per
 *    object and reset by a generation counter; an object is checked once per vhost, all
 *    its routes before any of its delegations (atomicity);
 *  - reaching an already finished (black) object again re-checks only the prefix rule,
 *    in O(|prefix|) against the longest common prefix of its matches;
 *  - a second pass publishes the routes of the objects that are valid and reachable from
 *    the root through valid objects, in DFS pre-order.
 */
#include "resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IR         CONTOUR_KIND_INGRESSROUTE
#define CYCLE_HEAD 32 /* cycle messages keep this many names at each end */

typedef struct frame {
    uint32_t ord;
    uint32_t next; /* next route to look at */
} frame;

static const contour_object *ir_obj(const cx_rs *rs, uint32_t ord)
{
    return rs->s->sorted[IR][ord];
}

/* The delegate's namespace: as written, or the object's own when empty. */
static const char *delegate_ns(const contour_object *o, const cx_delegate *d)
{
    return d->ns && *d->ns ? d->ns : o->ns;
}

/* An IngressRoute by reference: its ordinal, CX_T_MISSING or CX_T_IGNORED. */
static uint32_t lookup_ir(cx_rs *rs, const char *ns, const char *name)
{
    if (!name)
        name = "";
    const contour_object *t = cx_snapshot_find(rs->s, IR, ns, strlen(ns), name, strlen(name));
    if (!t)
        return CX_T_MISSING;
    return rs->ir[t->ordinal].ignored ? CX_T_IGNORED : t->ordinal;
}

/* "port N", interned; the last few are remembered (most services use a handful of ports). */
static const char *port_label(cx_rs *rs, int64_t port)
{
    size_t slot = (size_t)((uint64_t)port % CX_LABEL_CACHE);
    if (rs->label_cache[slot] && rs->label_port[slot] == port)
        return rs->label_cache[slot];
    char buf[32];
    int n = snprintf(buf, sizeof buf, "port %lld", (long long)port);
    const char *l = cx_rs_strn(rs, buf, (size_t)n);
    rs->label_cache[slot] = l;
    rs->label_port[slot] = port;
    return l;
}

/* The graph strings of a delegate target: the target's own when it exists. */
static void edge_target(cx_rs *rs, cx_edge *e, uint32_t t, const char *ns, const char *name)
{
    e->missing = !CX_T_IS_OBJ(t);
    if (!e->missing) {
        e->ns = rs->ir[t].ns;
        e->name = rs->ir[t].name;
    } else {
        e->ns = cx_rs_str(rs, ns);
        e->name = cx_rs_copy(rs, name);
    }
}

static void edge_service(cx_rs *rs, cx_edge *e, const contour_object *svc, uint32_t ord,
                         const contour_ingressroute_service *s)
{
    e->missing = svc == NULL;
    e->ns = rs->ir[ord].ns;
    e->name = cx_rs_copy(rs, s->name ? s->name : "");
    e->label = port_label(rs, s->port);
}

/* Every reference an object makes, as written, with whether its target exists. */
static void edges(cx_rs *rs, uint32_t ord, cx_ir_state *st)
{
    const contour_object *o = ir_obj(rs, ord);
    const cx_ingressroute *ir = &o->u.ir;
    size_t n = ir->tcp_service_count + (ir->tcp_has_delegate ? 1 : 0);
    for (uint32_t i = 0; i < ir->route_count; i++)
        n += ir->routes[i].service_count + (ir->routes[i].has_delegate ? 1 : 0);
    st->edge_count = 0;
    st->edges = NULL;
    if (!n)
        return;
    cx_edge *e = cx_arena_array(rs->ga, n, sizeof *e);
    if (!e) {
        rs->oom = true;
        return;
    }
    memset(e, 0, n * sizeof *e); /* fields an edge type does not use stay NULL */
    size_t k = 0;
    uint32_t base = rs->ir[ord].route_base;
    for (uint32_t i = 0; i < ir->route_count; i++) {
        const contour_ingressroute_route *r = &ir->routes[i];
        if (r->has_delegate) {
            e[k].type = CX_EDGE_DELEGATE;
            edge_target(rs, &e[k], rs->route_target[base + i], delegate_ns(o, &r->delegate),
                        r->delegate.name ? r->delegate.name : "");
            e[k].label = rs->route_match[base + i];
            k++;
        }
        for (uint32_t j = 0; j < r->service_count; j++) {
            e[k].type = CX_EDGE_SERVICE;
            edge_service(rs, &e[k], rs->svc_obj[rs->route_svc[base + i] + j], ord, &r->services[j]);
            e[k].route = rs->route_match[base + i]; /* the picture names the route */
            k++;
        }
    }
    if (ir->tcp_has_delegate) {
        const char *ns = delegate_ns(o, &ir->tcp_delegate);
        const char *name = ir->tcp_delegate.name ? ir->tcp_delegate.name : "";
        e[k].type = CX_EDGE_TCP_DELEGATE;
        edge_target(rs, &e[k], lookup_ir(rs, ns, name), ns, name);
        e[k].label = "tcpproxy";
        k++;
    }
    for (uint32_t j = 0; j < ir->tcp_service_count; j++) {
        const contour_ingressroute_service *s = &ir->tcp_services[j];
        const char *name = s->name ? s->name : "";
        e[k].type = CX_EDGE_TCP_SERVICE;
        edge_service(
            rs, &e[k],
            cx_snapshot_find(rs->s, CONTOUR_KIND_SERVICE, o->ns, o->ns_len, name, strlen(name)),
            ord, s);
        k++;
    }
    st->edges = e;
    st->edge_count = (uint32_t)k;
}

bool cx_rs_ir_prepare(cx_rs *rs)
{
    /* Sizes, and the names (edges point at their targets' copies). */
    size_t routes = 0, services = 0;
    for (uint32_t i = 0; i < rs->nir; i++) {
        const contour_object *o = ir_obj(rs, i);
        const cx_ingressroute *ir = &o->u.ir;
        cx_ir_state *st = &rs->ir[i];
        routes += ir->route_count;
        for (uint32_t r = 0; r < ir->route_count; r++)
            services += ir->routes[r].service_count;
        if (st->ignored)
            continue;
        st->ns = cx_rs_ns(rs, o->ns);
        st->name = cx_rs_copy(rs, o->name);
        st->file = cx_rs_file(rs, o);
    }
    if (rs->oom)
        return false;
    if (routes >= CX_T_IGNORED || services >= UINT32_MAX) {
        rs->oom = true;
        return false;
    }
    rs->route_target = cx_arena_array(&rs->scratch, routes ? routes : 1, sizeof(uint32_t));
    rs->route_svc = cx_arena_array(&rs->scratch, routes ? routes : 1, sizeof(uint32_t));
    rs->route_match = cx_arena_array(&rs->scratch, routes ? routes : 1, sizeof(const char *));
    rs->svc_obj = cx_arena_array(&rs->scratch, services ? services : 1, sizeof(void *));
    if (!rs->route_target || !rs->route_svc || !rs->route_match || !rs->svc_obj) {
        rs->oom = true;
        return false;
    }
    /* The references: collected, looked up in one batch, then recorded with the edges. */
    cx_query *q = cx_malloc(rs->alloc, (routes + services + 1) * sizeof *q);
    if (!q) {
        rs->oom = true;
        return false;
    }
    size_t nq = 0;
    uint32_t base = 0, sbase = 0;
    for (uint32_t i = 0; i < rs->nir; i++) {
        const contour_object *o = ir_obj(rs, i);
        cx_ir_state *st = &rs->ir[i];
        const cx_ingressroute *ir = &o->u.ir;
        st->route_base = base;
        cx_lcp_init(&st->lcp);
        size_t ns_len = o->ns_len;
        for (uint32_t r = 0; r < ir->route_count; r++) {
            const contour_ingressroute_route *rt = &ir->routes[r];
            uint32_t k = base + r;
            rs->route_target[k] = CX_T_NONE;
            rs->route_svc[k] = sbase;
            rs->route_match[k] = NULL;
            for (uint32_t j = 0; j < rt->service_count; j++)
                rs->svc_obj[sbase + j] = NULL;
            sbase += rt->service_count;
            if (st->ignored)
                continue;
            if (rt->has_delegate) {
                const char *dns = delegate_ns(o, &rt->delegate);
                const char *dname = rt->delegate.name ? rt->delegate.name : "";
                q[nq++] = (cx_query){dns, dname, strlen(dns), strlen(dname), 0, NULL, IR};
            }
            for (uint32_t j = 0; j < rt->service_count; j++) {
                const char *name = rt->services[j].name ? rt->services[j].name : "";
                q[nq++] =
                    (cx_query){o->ns, name, ns_len, strlen(name), 0, NULL, CONTOUR_KIND_SERVICE};
            }
            rs->route_match[k] = cx_rs_copy(rs, rt->match ? rt->match : "");
            if (rt->service_count > 0 || rt->has_delegate)
                cx_lcp_add(&st->lcp, rt->match);
        }
        base += ir->route_count;
    }
    cx_rs_find_batch(rs, q, nq);
    size_t qi = 0;
    for (uint32_t i = 0; i < rs->nir && !rs->oom; i++) {
        const contour_object *o = ir_obj(rs, i);
        cx_ir_state *st = &rs->ir[i];
        const cx_ingressroute *ir = &o->u.ir;
        if (st->ignored)
            continue;
        for (uint32_t r = 0; r < ir->route_count; r++) {
            const contour_ingressroute_route *rt = &ir->routes[r];
            uint32_t k = st->route_base + r;
            if (rt->has_delegate) {
                const contour_object *t = q[qi++].found;
                rs->route_target[k] = !t                           ? CX_T_MISSING
                                      : rs->ir[t->ordinal].ignored ? CX_T_IGNORED
                                                                   : t->ordinal;
            }
            for (uint32_t j = 0; j < rt->service_count; j++)
                rs->svc_obj[rs->route_svc[k] + j] = q[qi++].found;
        }
        edges(rs, i, st);
    }
    cx_free(rs->alloc, q);
    return !rs->oom;
}

/* ---- rule 1: roots ---- */

static const char *fqdn_of(const contour_object *o)
{
    return o->u.ir.fqdn ? o->u.ir.fqdn : "";
}

typedef struct root_cand {
    const contour_object *o;
    uint64_t key; /* cx_str_key(fqdn) */
} root_cand;

static int cmp_root_fqdn(const void *a, const void *b)
{
    const root_cand *p = a, *q = b;
    if (p->key != q->key)
        return p->key < q->key ? -1 : 1;
    const contour_object *x = p->o, *y = q->o;
    int c = strcmp(fqdn_of(x), fqdn_of(y));
    if (c)
        return c;
    return (x->ordinal > y->ordinal) - (x->ordinal < y->ordinal);
}

/* Byte order of "ns/name" strings, as Go's sort.Strings on them. */
static int cmp_joined(const void *a, const void *b)
{
    const contour_object *x = ((const root_cand *)a)->o, *y = ((const root_cand *)b)->o;
    const unsigned char *p = (const unsigned char *)x->ns, *q = (const unsigned char *)y->ns;
    int stage_p = 0, stage_q = 0; /* 0: namespace, 1: the '/', 2: name */
    for (;;) {
        int cp, cq;
        if (stage_p == 0 && !*p) {
            stage_p = 1;
        }
        if (stage_q == 0 && !*q) {
            stage_q = 1;
        }
        cp = stage_p == 1 ? '/' : *p;
        cq = stage_q == 1 ? '/' : *q;
        if (stage_p == 2 && !*p)
            cp = -1;
        if (stage_q == 2 && !*q)
            cq = -1;
        if (cp != cq)
            return cp < cq ? -1 : 1;
        if (cp == -1)
            return 0;
        if (stage_p == 1) {
            stage_p = 2;
            p = (const unsigned char *)x->name;
        } else {
            p++;
        }
        if (stage_q == 1) {
            stage_q = 2;
            q = (const unsigned char *)y->name;
        } else {
            q++;
        }
    }
}

static bool root_ns_allowed(const cx_rs *rs, const char *ns)
{
    if (rs->cfg->root_namespace_count == 0)
        return true;
    for (size_t i = 0; i < rs->cfg->root_namespace_count; i++) {
        if (strcmp(rs->cfg->root_namespaces[i], ns) == 0)
            return true;
    }
    return false;
}

static void set_rule1(cx_rs *rs, const contour_object *o, const char *desc, cx_pos pos)
{
    cx_ir_state *st = &rs->ir[o->ordinal];
    st->rule1 = desc;
    st->rule1_pos = pos.line ? pos : o->pos;
}

/* Root TLS (rule 2) and tcpproxy eligibility (rule 7) of a root that passed rule 1. */
static void root_tls(cx_rs *rs, const contour_object *o, cx_root *root)
{
    const cx_ingressroute *ir = &o->u.ir;
    cx_vbuild *vh = root->vh;
    if (ir->has_tls) {
        cx_pos pos = ir->secret_pos.line ? ir->secret_pos : ir->vhost_pos;
        if (ir->tls_secret_name && *ir->tls_secret_name) {
            cx_secret_ref ref;
            cx_secret_rc rc = cx_rs_secret_check(rs, ir->tls_secret_name, o->ns, &ref);
            if (rc == CX_SECRET_OK) {
                vh->secure = true;
                vh->ir_tls = true;
                vh->passthrough = false;
                vh->secret_ns = cx_rs_strn(rs, ref.ns, ref.ns_len);
                vh->secret_name = cx_rs_strn(rs, ref.name, ref.name_len);
                vh->min_version = cx_min_tls_version(ir->tls_min_version);
                vh->tls_owner = o;
                root->enforce_tls = true;
            } else {
                cx_rs_msg_reset(rs);
                cx_rs_msg_secret_problem(rs, rc, &ref, o->ns);
                cx_strbuf_puts(&rs->msg, "; virtual host ");
                cx_rs_msg_quote(rs, vh->fqdn);
                cx_strbuf_puts(&rs->msg, " is served without TLS");
                cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, cx_secret_code(rc), o, pos,
                           "spec.virtualhost.tls.secretName");
            }
        } else if (ir->tls_passthrough) {
            vh->secure = true;
            vh->ir_tls = true;
            vh->passthrough = true;
            vh->secret_ns = NULL;
            vh->secret_name = NULL;
            vh->min_version = cx_min_tls_version(ir->tls_min_version);
            vh->tls_owner = o;
            root->passthrough = true;
        } else {
            cx_rs_msg_reset(rs);
            cx_strbuf_puts(&rs->msg, "spec.virtualhost.tls has neither secretName nor "
                                     "passthrough; virtual host ");
            cx_rs_msg_quote(rs, vh->fqdn);
            cx_strbuf_puts(&rs->msg, " is served without TLS");
            cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "tls-secret-not-found", o, pos,
                       "spec.virtualhost.tls");
        }
    }
    if (ir->has_tcpproxy) {
        if (root->enforce_tls || root->passthrough) {
            root->tcp = true;
        } else {
            cx_rs_msg_reset(rs);
            cx_strbuf_puts(&rs->msg, "spec.tcpproxy is ignored: virtual host ");
            cx_rs_msg_quote(rs, vh->fqdn);
            cx_strbuf_puts(&rs->msg, " has neither a usable TLS secret nor TLS passthrough");
            cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "tcpproxy-ignored", o,
                       ir->tcp_pos.line ? ir->tcp_pos : o->pos, "spec.tcpproxy");
        }
    }
}

void cx_rs_ir_roots(cx_rs *rs)
{
    size_t n = 0;
    for (size_t i = 0; i < rs->nir; i++) {
        if (!rs->ir[i].ignored && ir_obj(rs, (uint32_t)i)->u.ir.has_virtualhost)
            n++;
    }
    if (!n)
        return;
    root_cand *c = cx_malloc(rs->alloc, n * sizeof *c);
    if (!c) {
        rs->oom = true;
        return;
    }
    n = 0;
    for (size_t i = 0; i < rs->nir; i++) {
        const contour_object *o = ir_obj(rs, (uint32_t)i);
        if (!rs->ir[i].ignored && o->u.ir.has_virtualhost) {
            c[n].o = o;
            c[n++].key = cx_str_key(fqdn_of(o));
        }
    }
    qsort(c, n, sizeof *c, cmp_root_fqdn);
    for (size_t lo = 0; lo < n && !rs->oom;) {
        size_t hi = lo + 1;
        while (hi < n && c[lo].key == c[hi].key && strcmp(fqdn_of(c[lo].o), fqdn_of(c[hi].o)) == 0)
            hi++;
        if (hi - lo > 1) {
            /* Duplicate fqdn: one message, shared by the whole group. */
            const char *fqdn = fqdn_of(c[lo].o);
            qsort(c + lo, hi - lo, sizeof *c, cmp_joined);
            cx_rs_msg_reset(rs);
            cx_strbuf_puts(&rs->msg, "fqdn ");
            cx_rs_msg_quote(rs, fqdn);
            cx_strbuf_puts(&rs->msg, " is used in multiple IngressRoutes: ");
            for (size_t k = lo; k < hi; k++) {
                if (k > lo)
                    cx_strbuf_puts(&rs->msg, ", ");
                cx_strbuf_printf(&rs->msg, "%s/%s", c[k].o->ns, c[k].o->name);
            }
            const char *desc = cx_rs_msg(rs);
            for (size_t k = lo; k < hi; k++)
                set_rule1(rs, c[k].o, desc, c[k].o->u.ir.fqdn_pos);
            lo = hi;
            continue;
        }
        const contour_object *o = c[lo].o;
        lo = hi;
        if (!root_ns_allowed(rs, o->ns)) {
            set_rule1(rs, o, "root IngressRoute cannot be defined in this namespace",
                      o->u.ir.vhost_pos);
            continue;
        }
        if (cx_is_blank(o->u.ir.fqdn)) {
            set_rule1(rs, o, "Spec.VirtualHost.Fqdn must be specified", o->u.ir.fqdn_pos);
            continue;
        }
        cx_root root = {o->ordinal, cx_rs_vhost(rs, fqdn_of(o)), false, false, false};
        if (!root.vh)
            break;
        root_tls(rs, o, &root);
        if (!cx_vec_push(&rs->roots, &root))
            rs->oom = true;
    }
    cx_free(rs->alloc, c);
}

/* ---- the walk ---- */

/* Marks an object reached in the current vhost (first time: colour white, valid). */
static void reach(cx_rs *rs, uint32_t ord, const char *fqdn)
{
    cx_ir_state *st = &rs->ir[ord];
    if (st->gen == rs->gen)
        return;
    st->gen = rs->gen;
    st->color = CX_WHITE;
    st->bad = false;
    st->reached = true;
    cx_vnode *v = cx_arena_alloc(&rs->scratch, sizeof *v);
    if (!v) {
        rs->oom = true;
        return;
    }
    v->next = NULL;
    v->fqdn = fqdn;
    if (st->vtail)
        st->vtail->next = v;
    else
        st->vhead = v;
    st->vtail = v;
    st->vcount++;
}

/* Records that an object is invalid for the current vhost (the first failure wins). */
static void fail(cx_rs *rs, uint32_t ord, cx_pos pos)
{
    cx_ir_state *st = &rs->ir[ord];
    if (st->bad)
        return;
    st->bad = true;
    if (!st->fail) {
        st->fail = cx_rs_msg(rs);
        st->fail_pos = pos.line ? pos : ir_obj(rs, ord)->pos;
    }
}

static bool push_frame(cx_rs *rs, uint32_t ord)
{
    frame f = {ord, 0};
    if (!cx_vec_push(&rs->stack, &f)) {
        rs->oom = true;
        return false;
    }
    return true;
}

static void msg_path_item(cx_rs *rs, uint32_t ord, bool first)
{
    if (!first)
        cx_strbuf_puts(&rs->msg, " -> ");
    const contour_object *o = ir_obj(rs, ord);
    cx_strbuf_printf(&rs->msg, "%s/%s", o->ns, o->name);
}

/* Appends the current DFS path followed by `target`, shortened to CYCLE_HEAD names at each
 * end when longer than 2 * CYCLE_HEAD. */
static void msg_cycle_path(cx_rs *rs, uint32_t target)
{
    const frame *fs = (const frame *)rs->stack.data;
    size_t n = rs->stack.len + 1; /* names in the path */
    for (size_t i = 0; i < n; i++) {
        if (n > 2 * CYCLE_HEAD && i == CYCLE_HEAD) {
            cx_strbuf_puts(&rs->msg, " -> ...");
            i = n - CYCLE_HEAD;
        }
        msg_path_item(rs, i + 1 < n ? fs[i].ord : target, i == 0);
    }
}

/* delegate-not-found for each delegate route of o whose target is missing or ignored. */
static void warn_missing_delegates(cx_rs *rs, uint32_t ord)
{
    const contour_object *o = ir_obj(rs, ord);
    const cx_ingressroute *ir = &o->u.ir;
    for (uint32_t i = 0; i < ir->route_count; i++) {
        uint32_t t = rs->route_target[rs->ir[ord].route_base + i];
        if (t != CX_T_MISSING && t != CX_T_IGNORED)
            continue;
        const contour_ingressroute_route *r = &ir->routes[i];
        const char *ns = delegate_ns(o, &r->delegate);
        const char *name = r->delegate.name ? r->delegate.name : "";
        cx_rs_msg_reset(rs);
        cx_strbuf_puts(&rs->msg, "route ");
        cx_rs_msg_quote(rs, r->match);
        cx_strbuf_printf(&rs->msg, ": delegate target %s/%s not found", ns, name);
        if (t == CX_T_IGNORED) {
            cx_strbuf_puts(&rs->msg, " (it exists but is ignored because ");
            cx_rs_msg_class_reason(rs,
                                   cx_snapshot_find(rs->s, IR, ns, strlen(ns), name, strlen(name)));
            cx_strbuf_putc(&rs->msg, ')');
        }
        cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "delegate-not-found", o,
                   r->delegate.pos.line ? r->delegate.pos : r->pos, "spec.routes[%u].delegate", i);
    }
}

/* The message of a failed prefix check. */
static void msg_prefix(cx_rs *rs, const char *match, const char *parent)
{
    cx_rs_msg_reset(rs);
    cx_strbuf_puts(&rs->msg, "the path prefix ");
    cx_rs_msg_quote(rs, match);
    cx_strbuf_puts(&rs->msg, " does not match the parent's path prefix ");
    cx_rs_msg_quote(rs, parent);
}

/* Checks every route of a gray object against the parent prefix (rule 3); records the first
 * failure. The object is the top of the DFS stack. */
static bool check_object(cx_rs *rs, uint32_t ord, const char *parent)
{
    cx_ir_state *st = &rs->ir[ord];
    if (!st->refs_warned) {
        st->refs_warned = true;
        warn_missing_delegates(rs, ord);
    }
    const contour_object *o = ir_obj(rs, ord);
    const cx_ingressroute *ir = &o->u.ir;
    for (uint32_t i = 0; i < ir->route_count; i++) {
        const contour_ingressroute_route *r = &ir->routes[i];
        bool svc = r->service_count > 0, del = r->has_delegate;
        if (svc && del) {
            cx_rs_msg_reset(rs);
            cx_strbuf_puts(&rs->msg, "route ");
            cx_rs_msg_quote(rs, r->match);
            cx_strbuf_puts(&rs->msg, ": cannot specify services and delegate in the same route");
            fail(rs, ord, r->pos);
            return false;
        }
        if ((svc || del) && !cx_path_prefix_matches(r->match, parent)) {
            msg_prefix(rs, r->match, parent);
            fail(rs, ord, r->match_pos.line ? r->match_pos : r->pos);
            return false;
        }
        for (uint32_t k = 0; k < r->service_count; k++) {
            const contour_ingressroute_service *s = &r->services[k];
            bool bad_port = s->port < 1 || s->port > 65535;
            if (bad_port || s->weight < 0) {
                cx_rs_msg_reset(rs);
                cx_strbuf_puts(&rs->msg, "route ");
                cx_rs_msg_quote(rs, r->match);
                cx_strbuf_puts(&rs->msg, ": service ");
                cx_rs_msg_quote(rs, s->name);
                cx_strbuf_puts(&rs->msg, bad_port
                                             ? ": port must be in the range 1-65535"
                                             : ": weight must be greater than or equal to zero");
                cx_pos p = bad_port ? s->port_pos : s->weight_pos;
                fail(rs, ord, p.line ? p : s->pos);
                return false;
            }
        }
        uint32_t t = rs->route_target[st->route_base + i];
        if (del && CX_T_IS_OBJ(t) && rs->ir[t].gen == rs->gen && rs->ir[t].color == CX_GRAY) {
            cx_rs_msg_reset(rs);
            cx_strbuf_puts(&rs->msg, "route creates a delegation cycle: ");
            msg_cycle_path(rs, t);
            fail(rs, ord, r->delegate.pos.line ? r->delegate.pos : r->pos);
            return false;
        }
    }
    return true;
}

/* A finished object reached again with another parent prefix: only the prefix rule can
 * fail, and the LCP of its matches answers it without looking at every route. */
static void recheck_prefix(cx_rs *rs, uint32_t ord, const char *parent)
{
    cx_ir_state *st = &rs->ir[ord];
    if (st->bad || cx_lcp_all_match(&st->lcp, parent))
        return;
    const contour_object *o = ir_obj(rs, ord);
    for (uint32_t i = 0; i < o->u.ir.route_count; i++) {
        const contour_ingressroute_route *r = &o->u.ir.routes[i];
        if ((r->service_count > 0 || r->has_delegate) &&
            !cx_path_prefix_matches(r->match, parent)) {
            msg_prefix(rs, r->match, parent);
            fail(rs, ord, r->match_pos.line ? r->match_pos : r->pos);
            return;
        }
    }
}

/* Enters an object: reached, gray, on the stack, checked. False when it is invalid (it is
 * then black and off the stack). */
static bool enter(cx_rs *rs, uint32_t ord, const char *parent, const char *fqdn)
{
    reach(rs, ord, fqdn);
    if (rs->oom || !push_frame(rs, ord))
        return false;
    rs->ir[ord].color = CX_GRAY;
    if (check_object(rs, ord, parent))
        return true;
    rs->ir[ord].color = CX_BLACK;
    rs->stack.len--;
    return false;
}

/* The next delegate route (from f->next on) whose target is an IngressRoute, or -1. */
static int64_t next_delegate(cx_rs *rs, frame *f, uint32_t *target)
{
    const contour_object *o = ir_obj(rs, f->ord);
    uint32_t base = rs->ir[f->ord].route_base;
    while (f->next < o->u.ir.route_count) {
        uint32_t i = f->next++;
        uint32_t t = rs->route_target[base + i];
        if (CX_T_IS_OBJ(t)) {
            *target = t;
            return i;
        }
    }
    return -1;
}

static void route_walk(cx_rs *rs, const cx_root *root)
{
    const char *fqdn = root->vh->fqdn;
    rs->stack.len = 0;
    if (!enter(rs, root->ord, "", fqdn))
        return;
    while (rs->stack.len && !rs->oom) {
        frame *f = (frame *)cx_vec_at(&rs->stack, rs->stack.len - 1);
        uint32_t t;
        int64_t i = next_delegate(rs, f, &t);
        if (i < 0) {
            rs->ir[f->ord].color = CX_BLACK;
            rs->stack.len--;
            continue;
        }
        const char *match = ir_obj(rs, f->ord)->u.ir.routes[i].match;
        cx_ir_state *ts = &rs->ir[t];
        if (ts->gen != rs->gen)
            enter(rs, t, match ? match : "", fqdn); /* f may move: not used after this */
        else if (ts->color == CX_BLACK)
            recheck_prefix(rs, t, match ? match : "");
        /* A gray target cannot occur: the check of f's object found no cycle. */
    }
}

/* ---- route templates and publication ---- */

static void duration_warning(cx_rs *rs, const contour_object *o, const char *what,
                             const char *value, cx_timeout_kind k, const char *consequence,
                             cx_pos pos, uint32_t route, const char *field)
{
    cx_rs_msg_reset(rs);
    cx_strbuf_printf(&rs->msg, "%s: ", what);
    cx_rs_msg_quote(rs, value);
    cx_strbuf_puts(&rs->msg,
                   k == CX_TIMEOUT_NEGATIVE ? " is negative; " : " is not a valid duration; ");
    cx_strbuf_puts(&rs->msg, consequence);
    cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "invalid-duration", o, pos, "spec.routes[%u].%s",
               route, field);
}

/* Clusters of a route's services, sorted and unique, in the graph arena. */
static void route_clusters(cx_rs *rs, const contour_object *o, uint32_t ri, contour_route *out)
{
    const contour_ingressroute_route *r = &o->u.ir.routes[ri];
    rs->clusters.len = 0;
    for (uint32_t k = 0; k < r->service_count; k++) {
        const contour_ingressroute_service *s = &r->services[k];
        const char *name = s->name ? s->name : "";
        uint32_t si = rs->route_svc[rs->ir[o->ordinal].route_base + ri] + k;
        const contour_object *svc = rs->svc_obj[si];
        if (!svc) {
            cx_rs_msg_reset(rs);
            cx_strbuf_printf(&rs->msg, "Service %s/%s not found; route ", o->ns, name);
            cx_rs_msg_quote(rs, r->match);
            cx_strbuf_puts(&rs->msg, " has no cluster for it");
            cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "service-not-found", o, s->pos,
                       "spec.routes[%u].services[%u]", ri, k);
            continue;
        }
        int64_t pi = cx_rs_port_by_number(rs, svc, s->port);
        if (pi < 0) {
            cx_rs_msg_reset(rs);
            cx_strbuf_printf(&rs->msg, "Service %s/%s has no port %lld; route ", o->ns, name,
                             (long long)s->port);
            cx_rs_msg_quote(rs, r->match);
            cx_strbuf_puts(&rs->msg, " has no cluster for it");
            cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "service-port-not-found", o,
                       s->port_pos.line ? s->port_pos : s->pos, "spec.routes[%u].services[%u].port",
                       ri, k);
            continue;
        }
        contour_cluster *c = cx_vec_push(&rs->clusters, NULL);
        if (!c) {
            rs->oom = true;
            return;
        }
        cx_rs_fill_cluster(rs, c, svc, (uint32_t)pi, true);
        c->weight = s->weight;
        c->strategy = s->strategy && *s->strategy ? cx_rs_str(rs, s->strategy) : NULL;
        cx_rs_health_check(rs, c, s);
    }
    if (rs->oom)
        return;
    uint32_t n =
        cx_rs_sort_clusters((contour_cluster *)rs->clusters.data, (uint32_t)rs->clusters.len);
    out->cluster_count = n;
    out->clusters = NULL;
    if (n) {
        out->clusters = cx_arena_array(rs->ga, n, sizeof *out->clusters);
        if (!out->clusters) {
            rs->oom = true;
            return;
        }
        memcpy(out->clusters, rs->clusters.data, n * sizeof *out->clusters);
    }
}

/* Builds the templates of an object's service routes, once (warnings once too). */
static bool build_templates(cx_rs *rs, uint32_t ord)
{
    cx_ir_state *st = &rs->ir[ord];
    if (st->tpl_built)
        return st->tpl != NULL || ir_obj(rs, ord)->u.ir.route_count == 0;
    st->tpl_built = true;
    const contour_object *o = ir_obj(rs, ord);
    const cx_ingressroute *ir = &o->u.ir;
    if (!ir->route_count)
        return true;
    st->tpl = cx_arena_array(&rs->scratch, ir->route_count, sizeof *st->tpl);
    if (!st->tpl) {
        rs->oom = true;
        return false;
    }
    for (uint32_t i = 0; i < ir->route_count && !rs->oom; i++) {
        const contour_ingressroute_route *r = &ir->routes[i];
        st->tpl[i] = NULL;
        if (r->service_count == 0 || r->has_delegate)
            continue;
        cx_rtpl *t = cx_arena_zalloc(&rs->scratch, sizeof *t);
        if (!t) {
            rs->oom = true;
            return false;
        }
        t->obj = o;
        t->pos = r->pos;
        t->rule = 0;
        t->index = i;
        contour_route *g = &t->r;
        g->match = CONTOUR_MATCH_PREFIX;
        g->path = rs->route_match[st->route_base + i];
        g->websocket = r->enable_websockets;
        g->prefix_rewrite =
            r->prefix_rewrite && *r->prefix_rewrite ? cx_rs_copy(rs, r->prefix_rewrite) : NULL;
        if (r->has_timeout_policy) {
            int64_t ms;
            cx_timeout_kind k = cx_parse_timeout(r->timeout_request, &ms);
            if (k != CX_TIMEOUT_UNSET) {
                g->has_timeout = true;
                g->timeout_ms = ms;
            }
            if (k == CX_TIMEOUT_INVALID || k == CX_TIMEOUT_NEGATIVE)
                duration_warning(rs, o, "timeoutPolicy.request", r->timeout_request, k,
                                 "the route never times out (infinity)",
                                 r->timeout_pos.line ? r->timeout_pos : r->pos, i,
                                 "timeoutPolicy.request");
        }
        if (r->has_retry_policy) {
            g->has_retry = true;
            g->retry_on = "5xx";
            int64_t n = r->retry_count;
            g->num_retries = n < 1 ? 1 : n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
            const char *pt = r->retry_per_try_timeout;
            if (pt && *pt) {
                int64_t ns;
                if (!cx_go_parse_duration(pt, strlen(pt), &ns) || ns < 0)
                    duration_warning(rs, o, "retryPolicy.perTryTimeout", pt,
                                     ns < 0 ? CX_TIMEOUT_NEGATIVE : CX_TIMEOUT_INVALID,
                                     "no per-try timeout is set",
                                     r->per_try_pos.line ? r->per_try_pos : r->pos, i,
                                     "retryPolicy.perTryTimeout");
                else if (cx_ns_to_ms(ns) > 0)
                    g->per_try_timeout_ms = cx_ns_to_ms(ns);
            }
        }
        g->source_kind = CONTOUR_KIND_INGRESSROUTE;
        g->source_ns = st->ns;
        g->source_name = st->name;
        route_clusters(rs, o, i, g);
        st->tpl[i] = t;
    }
    return !rs->oom;
}

static void publish_object(cx_rs *rs, uint32_t ord, const cx_root *root)
{
    if (!build_templates(rs, ord))
        return;
    const contour_object *o = ir_obj(rs, ord);
    for (uint32_t i = 0; i < o->u.ir.route_count; i++) {
        const cx_rtpl *t = rs->ir[ord].tpl[i];
        if (!t)
            continue;
        bool permit = o->u.ir.routes[i].permit_insecure;
        cx_rs_publish(rs, root->vh, CX_L_INSECURE, t, root->enforce_tls && !permit);
        if (root->enforce_tls)
            cx_rs_publish(rs, root->vh, CX_L_SECURE, t, false);
    }
}

/* Second pass: DFS pre-order over the objects valid for this vhost, from the root. */
static void publish_walk(cx_rs *rs, const cx_root *root)
{
    cx_ir_state *rst = &rs->ir[root->ord];
    if (rst->bad)
        return;
    rs->stack.len = 0;
    rst->pub_gen = rs->gen;
    publish_object(rs, root->ord, root);
    if (!push_frame(rs, root->ord))
        return;
    while (rs->stack.len && !rs->oom) {
        frame *f = (frame *)cx_vec_at(&rs->stack, rs->stack.len - 1);
        uint32_t t;
        if (next_delegate(rs, f, &t) < 0) {
            rs->stack.len--;
            continue;
        }
        cx_ir_state *ts = &rs->ir[t];
        if (ts->gen != rs->gen || ts->bad || ts->pub_gen == rs->gen)
            continue;
        ts->pub_gen = rs->gen;
        publish_object(rs, t, root);
        push_frame(rs, t);
    }
}

/* ---- tcpproxy (rule 7) ---- */

static void tcp_walk(cx_rs *rs, const cx_root *root)
{
    cx_vbuild *vh = root->vh;
    const char *fqdn = vh->fqdn;
    rs->stack.len = 0;
    uint32_t ord = root->ord;
    reach(rs, ord, fqdn);
    if (rs->oom || !push_frame(rs, ord))
        return;
    rs->ir[ord].color = CX_GRAY;
    while (!rs->oom) {
        const contour_object *o = ir_obj(rs, ord);
        const cx_ingressroute *ir = &o->u.ir;
        if (!ir->has_tcpproxy) {
            /* Only a delegate can get here: warn on the object that delegated to it. */
            const frame *fs = (const frame *)rs->stack.data;
            const contour_object *parent = ir_obj(rs, fs[rs->stack.len - 2].ord);
            cx_rs_msg_reset(rs);
            cx_strbuf_printf(&rs->msg, "tcpproxy: delegate %s/%s has no spec.tcpproxy; ", o->ns,
                             o->name);
            cx_strbuf_puts(&rs->msg, "virtual host ");
            cx_rs_msg_quote(rs, fqdn);
            cx_strbuf_puts(&rs->msg, " proxies nothing");
            const cx_pos dp = parent->u.ir.tcp_delegate.pos;
            cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "tcpproxy-delegate-empty", parent,
                       dp.line ? dp : parent->u.ir.tcp_pos, "spec.tcpproxy.delegate");
            break;
        }
        cx_pos tcp_pos = ir->tcp_pos.line ? ir->tcp_pos : o->pos;
        if (ir->tcp_service_count > 0 && ir->tcp_has_delegate) {
            cx_rs_msg_reset(rs);
            cx_strbuf_puts(&rs->msg,
                           "tcpproxy: cannot specify services and delegate in the same tcpproxy");
            fail(rs, ord, tcp_pos);
            break;
        }
        if (ir->tcp_service_count > 0) {
            rs->clusters.len = 0;
            bool ok = true;
            for (uint32_t k = 0; k < ir->tcp_service_count && ok; k++) {
                const contour_ingressroute_service *s = &ir->tcp_services[k];
                const char *name = s->name ? s->name : "";
                const contour_object *svc = cx_snapshot_find(rs->s, CONTOUR_KIND_SERVICE, o->ns,
                                                             o->ns_len, name, strlen(name));
                int64_t pi = svc ? cx_rs_port_by_number(rs, svc, s->port) : -1;
                if (pi < 0) {
                    cx_rs_msg_reset(rs);
                    cx_strbuf_printf(&rs->msg, "tcpproxy: service %s/%s/%lld: not found", o->ns,
                                     name, (long long)s->port);
                    fail(rs, ord, s->pos.line ? s->pos : tcp_pos);
                    ok = false;
                    break;
                }
                contour_cluster *c = cx_vec_push(&rs->clusters, NULL);
                if (!c) {
                    rs->oom = true;
                    return;
                }
                cx_rs_fill_cluster(rs, c, svc, (uint32_t)pi, false);
                c->weight = s->weight;
                c->strategy = s->strategy && *s->strategy ? cx_rs_str(rs, s->strategy) : NULL;
                cx_rs_health_check(rs, c, s);
            }
            if (ok && !rs->oom) {
                size_t n = rs->clusters.len;
                vh->tcp = cx_arena_array(rs->ga, n, sizeof *vh->tcp);
                if (!vh->tcp) {
                    rs->oom = true;
                    return;
                }
                memcpy(vh->tcp, rs->clusters.data, n * sizeof *vh->tcp);
                vh->tcp_count = (uint32_t)n;
                vh->has_tcp = true;
            }
            break;
        }
        if (!ir->tcp_has_delegate)
            break;
        const char *ns = delegate_ns(o, &ir->tcp_delegate);
        const char *name = ir->tcp_delegate.name ? ir->tcp_delegate.name : "";
        uint32_t t = lookup_ir(rs, ns, name);
        cx_pos dpos = ir->tcp_delegate.pos.line ? ir->tcp_delegate.pos : tcp_pos;
        if (!CX_T_IS_OBJ(t)) {
            cx_ir_state *st = &rs->ir[ord];
            if (!st->tcp_warned) {
                st->tcp_warned = true;
                cx_rs_msg_reset(rs);
                cx_strbuf_printf(&rs->msg, "tcpproxy: delegate target %s/%s not found", ns, name);
                if (t == CX_T_IGNORED) {
                    cx_strbuf_puts(&rs->msg, " (it exists but is ignored because ");
                    cx_rs_msg_class_reason(
                        rs, cx_snapshot_find(rs->s, IR, ns, strlen(ns), name, strlen(name)));
                    cx_strbuf_putc(&rs->msg, ')');
                }
                cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "delegate-not-found", o, dpos,
                           "spec.tcpproxy.delegate");
            }
            break;
        }
        if (rs->ir[t].gen == rs->gen) {
            /* Every object of the chain is still on the stack: this closes a cycle. */
            cx_rs_msg_reset(rs);
            cx_strbuf_puts(&rs->msg, "tcpproxy creates a delegation cycle: ");
            msg_cycle_path(rs, t);
            fail(rs, ord, dpos);
            break;
        }
        reach(rs, t, fqdn);
        if (rs->oom || !push_frame(rs, t))
            return;
        rs->ir[t].color = CX_GRAY;
        ord = t;
    }
}

void cx_rs_ir_walks(cx_rs *rs)
{
    const cx_root *roots = (const cx_root *)rs->roots.data;
    for (size_t i = 0; i < rs->roots.len && !rs->oom; i++) {
        rs->gen++;
        if (roots[i].tcp) {
            tcp_walk(rs, &roots[i]);
        } else {
            route_walk(rs, &roots[i]);
            if (!rs->oom)
                publish_walk(rs, &roots[i]);
        }
    }
}

/* ---- statuses (rule 9) and edges ---- */

void cx_rs_ir_statuses(cx_rs *rs)
{
    size_t n = 0;
    for (size_t i = 0; i < rs->nir; i++)
        n += !rs->ir[i].ignored;
    rs->g->status_count = 0;
    if (!n)
        return;
    contour_status *out = cx_arena_array(rs->ga, n, sizeof *out);
    if (!out) {
        rs->oom = true;
        return;
    }
    memset(out, 0, n * sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < rs->nir && !rs->oom; i++) {
        cx_ir_state *s = &rs->ir[i];
        if (s->ignored)
            continue;
        const contour_object *o = ir_obj(rs, (uint32_t)i);
        contour_status *st = &out[k++];
        st->kind = CONTOUR_KIND_INGRESSROUTE;
        st->ns = s->ns;
        st->name = s->name;
        st->file = s->file;
        st->pos = o->pos;
        bool list_vhosts = false;
        if (s->rule1) {
            st->state = CONTOUR_STATE_INVALID;
            st->description = s->rule1;
            st->pos = s->rule1_pos;
        } else if (s->fail) {
            st->state = CONTOUR_STATE_INVALID;
            st->description = s->fail;
            st->pos = s->fail_pos;
            list_vhosts = true;
        } else if (s->reached) {
            st->state = CONTOUR_STATE_VALID;
            st->description = "valid IngressRoute";
            list_vhosts = true;
        } else {
            st->state = CONTOUR_STATE_ORPHANED;
            st->description =
                "this IngressRoute is not part of a delegation chain from a root IngressRoute";
        }
        if (list_vhosts && s->vcount) {
            st->vhosts = cx_arena_array(rs->ga, s->vcount, sizeof *st->vhosts);
            if (!st->vhosts) {
                rs->oom = true;
                return;
            }
            uint32_t v = 0;
            for (const cx_vnode *p = s->vhead; p; p = p->next)
                st->vhosts[v++] = p->fqdn;
            st->vhost_count = v;
        }
        if (o->u.ir.has_virtualhost)
            st->root_fqdn = cx_rs_copy(rs, fqdn_of(o));
        st->edges = s->edges;
        st->edge_count = s->edge_count;
    }
    rs->g->statuses = out;
    rs->g->status_count = (uint32_t)k;
}
