/*
 * One virtual host name (a unit): everything resolution does for an fqdn (spec §2-§3).
 *
 *  1. Rule 1 over the roots whose fqdn it is; the root that passes it is the vhost's.
 *  2. TLS: the root's secret (rule 2), then the Ingresses that list the name under
 *     spec.tls, in (namespace, name) order (tls-conflict for the losers).
 *  3. The root's walk: an iterative DFS over objects (rules 3-6; docs/resolution.md), or
 *     the tcpproxy chain (rule 7). An object is checked once, all its routes before any of
 *     its delegations (atomicity); reached again from a black object, only the prefix rule
 *     is checked, against the longest common prefix of its matches. A second pass
 *     publishes, in DFS pre-order, the routes of the objects valid for the vhost.
 *  4. The Ingress routes for the name, after the IngressRoute routes.
 *  5. Settling: the first route of each (listener, match, path) wins (rule 10); the others
 *     lost a conflict. Routes sorted: exact first, then path in descending byte order.
 *
 * What the unit learned about each IngressRoute (reached, checked, published, failed) is
 * kept as contributions for the statuses; route conflicts lost by IngressRoute routes as
 * losses (one warning per losing route, whatever the number of vhosts: its status says
 * it). Everything else it has to say is its own diagnostics.
 */
#include "resolve.h"
#include "sort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CYCLE_HEAD    32 /* cycle messages keep this many names at each end (rule 11) */
#define FQDN_LIST_MAX 64 /* a duplicate-fqdn message names at most this many roots */

enum { WHITE = 0, GRAY = 1, BLACK = 2 };

/* What the walk knows about one object in this unit. */
typedef struct state {
    const contour_object *obj;
    const cx_irres *res;
    uint8_t color;
    bool bad;       /* invalid for this vhost */
    bool published; /* its routes are in */
    uint8_t flags;  /* CX_C_* */
    const char *fail;
    cx_pos fail_pos;
} state;

typedef struct slot {
    const void *key;
    uint32_t gen;
    uint32_t idx;
} slot;

typedef struct frame {
    uint32_t st;   /* state index */
    uint32_t next; /* next route to look at */
} frame;

/* One route published on one listener. */
typedef struct entry {
    const cx_rtpl *t;
    uint64_t key; /* cx_str_key(path) */
    uint64_t hash;
    uint32_t seq; /* insertion order: the first of equal keys wins */
    uint8_t listener;
    bool redirect;
    bool ingress;
} entry;

/* The vhost being built. */
typedef struct vbuild {
    bool secure, passthrough, ingress_tls, has_tcp, enforce_tls, tcp_root;
    const char *secret_ns, *secret_name, *min_version;
    const contour_object *tls_owner;
    const contour_cluster *tcp;
    uint32_t tcp_count;
} vbuild;

struct cx_unit_ws {
    const cx_alloc *alloc;
    slot *slots;
    uint32_t cap, gen;
    cx_vec states;  /* state */
    cx_vec stack;   /* frame */
    cx_vec entries; /* entry */
    cx_vec objs;    /* const contour_object *: roots, Ingresses */
    cx_vec contrib; /* cx_contrib */
    cx_vec losses;  /* cx_loss */
    cx_vec lost;    /* const cx_rtpl *: templates that lost here (one loss each) */
    cx_vec diags;   /* const contour_diagnostic * */
    cx_vec pins;    /* const cx_shared * */
    cx_map route_keys;
    cx_strbuf msg;
};

/* A unit being made. */
typedef struct uctx {
    cx_rx *rx;
    cx_unit_ws *ws;
    cx_unit *u;
    const char *name;
    size_t name_len;
    vbuild vb;
    uint32_t seq;
    bool oom;
} uctx;

cx_unit_ws *cx_unit_ws_new(const cx_alloc *a)
{
    cx_unit_ws *ws = cx_calloc(a, 1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->alloc = a;
    cx_vec_init(&ws->states, a, sizeof(state));
    cx_vec_init(&ws->stack, a, sizeof(frame));
    cx_vec_init(&ws->entries, a, sizeof(entry));
    cx_vec_init(&ws->objs, a, sizeof(const contour_object *));
    cx_vec_init(&ws->contrib, a, sizeof(cx_contrib));
    cx_vec_init(&ws->losses, a, sizeof(cx_loss));
    cx_vec_init(&ws->lost, a, sizeof(const cx_rtpl *));
    cx_vec_init(&ws->diags, a, sizeof(const contour_diagnostic *));
    cx_vec_init(&ws->pins, a, sizeof(const cx_shared *));
    cx_map_init(&ws->route_keys, a);
    cx_strbuf_init(&ws->msg, a);
    return ws;
}

void cx_unit_ws_free(cx_unit_ws *ws)
{
    if (!ws)
        return;
    const cx_alloc *a = ws->alloc;
    cx_free(a, ws->slots);
    cx_vec_release(&ws->states);
    cx_vec_release(&ws->stack);
    cx_vec_release(&ws->entries);
    cx_vec_release(&ws->objs);
    cx_vec_release(&ws->contrib);
    cx_vec_release(&ws->losses);
    cx_vec_release(&ws->lost);
    cx_vec_release(&ws->diags);
    cx_vec_release(&ws->pins);
    cx_map_release(&ws->route_keys);
    cx_strbuf_release(&ws->msg);
    cx_free(a, ws);
}

/* ---- per-object states: a table keyed by address, emptied by a generation bump ---- */

static uint32_t addr_hash(const void *p)
{
    /* Addresses are not chosen by the input: a multiplicative mix spreads them enough. */
    uint64_t x = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32);
}

static bool table_grow(cx_unit_ws *ws)
{
    uint32_t cap = ws->cap ? ws->cap * 2 : 64;
    if (cap < ws->cap)
        return false;
    slot *s = cx_calloc(ws->alloc, cap, sizeof *s);
    if (!s)
        return false;
    for (uint32_t i = 0; i < ws->cap; i++) {
        if (ws->slots[i].gen != ws->gen || !ws->slots[i].key)
            continue;
        uint32_t h = addr_hash(ws->slots[i].key) & (cap - 1);
        while (s[h].key && s[h].gen == ws->gen)
            h = (h + 1) & (cap - 1);
        s[h] = ws->slots[i];
    }
    cx_free(ws->alloc, ws->slots);
    ws->slots = s;
    ws->cap = cap;
    return true;
}

/* The state of an object (created white when absent); UINT32_MAX on OOM. */
static uint32_t state_of(uctx *c, const contour_object *o, bool create)
{
    cx_unit_ws *ws = c->ws;
    if ((ws->states.len + 1) * 2 > ws->cap && create && !table_grow(ws))
        return UINT32_MAX;
    if (!ws->cap)
        return UINT32_MAX;
    uint32_t h = addr_hash(o) & (ws->cap - 1);
    while (ws->slots[h].gen == ws->gen && ws->slots[h].key) {
        if (ws->slots[h].key == o)
            return ws->slots[h].idx;
        h = (h + 1) & (ws->cap - 1);
    }
    if (!create)
        return UINT32_MAX;
    state *st = cx_vec_push(&ws->states, NULL);
    if (!st)
        return UINT32_MAX;
    st->obj = o;
    ws->slots[h] = (slot){o, ws->gen, (uint32_t)(ws->states.len - 1)};
    return (uint32_t)(ws->states.len - 1);
}

static state *st_at(uctx *c, uint32_t i)
{
    return (state *)cx_vec_at(&c->ws->states, i);
}

static void ws_reset(cx_unit_ws *ws)
{
    if (++ws->gen == 0) {
        /* Wrapped: stale generations could look current. */
        if (ws->slots)
            memset(ws->slots, 0, ws->cap * sizeof *ws->slots);
        ws->gen = 1;
    }
    ws->states.len = ws->stack.len = ws->entries.len = ws->objs.len = 0;
    ws->contrib.len = ws->losses.len = ws->lost.len = ws->diags.len = ws->pins.len = 0;
}

/* ---- the record being made ---- */

static void pin(uctx *c, const cx_shared *p)
{
    for (size_t i = c->ws->pins.len; i > 0 && i + 8 > c->ws->pins.len; i--) {
        if (*(const cx_shared **)cx_vec_at(&c->ws->pins, i - 1) == p)
            return;
    }
    if (!cx_vec_push(&c->ws->pins, &p))
        c->oom = true;
    else
        cx_shared_retain(p);
}

static const char *ustr(uctx *c, const char *s, size_t n)
{
    const char *p = cx_arena_strndup(&c->u->arena, s, n);
    if (!p)
        c->oom = true;
    return p;
}

/* The unit's copy of the message being built. */
static const char *umsg(uctx *c)
{
    if (c->ws->msg.oom) {
        c->oom = true;
        return NULL;
    }
    return ustr(c, c->ws->msg.data ? c->ws->msg.data : "", c->ws->msg.len);
}

static void udiag(uctx *c, contour_severity sev, const char *code, const contour_object *o,
                  cx_pos pos, const char *field)
{
    if (c->oom)
        return;
    cx_dsink sink = {&c->u->arena, &c->ws->diags, &c->u->rc};
    if (!cx_rdiag(sink, sev, code, o, pos, &c->ws->msg, "%s", field))
        c->oom = true;
}

static cx_strbuf *msg(uctx *c)
{
    cx_strbuf_clear(&c->ws->msg);
    return &c->ws->msg;
}

/* ---- rule 1 ---- */

static int cmp_key(const void *a, const void *b)
{
    return cx_object_key_compare(*(const contour_object *const *)a,
                                 *(const contour_object *const *)b);
}

/* Byte order of "ns/name" strings, as Go's sort.Strings on them. */
static int cmp_joined(const void *a, const void *b)
{
    const contour_object *x = *(const contour_object *const *)a;
    const contour_object *y = *(const contour_object *const *)b;
    const unsigned char *p = (const unsigned char *)x->ns, *q = (const unsigned char *)y->ns;
    int sp = 0, sq = 0; /* 0: namespace, 1: the '/', 2: name */
    for (;;) {
        if (sp == 0 && !*p)
            sp = 1;
        if (sq == 0 && !*q)
            sq = 1;
        int cp = sp == 1 ? '/' : *p, cq = sq == 1 ? '/' : *q;
        if (sp == 2 && !*p)
            cp = -1;
        if (sq == 2 && !*q)
            cq = -1;
        if (cp != cq)
            return cp < cq ? -1 : 1;
        if (cp == -1)
            return 0;
        if (sp == 1) {
            sp = 2;
            p = (const unsigned char *)x->name;
        } else {
            p++;
        }
        if (sq == 1) {
            sq = 2;
            q = (const unsigned char *)y->name;
        } else {
            q++;
        }
    }
}

static bool root_ns_allowed(const cx_settings *set, const char *ns)
{
    if (set->root_namespace_count == 0)
        return true;
    for (size_t i = 0; i < set->root_namespace_count; i++) {
        if (strcmp(set->root_namespaces[i], ns) == 0)
            return true;
    }
    return false;
}

/* Records a root that rule 1 rejects (it is judged here, reached or not). */
static void rule1(uctx *c, const contour_object *o, const char *desc, cx_pos pos)
{
    uint32_t i = state_of(c, o, true);
    if (i == UINT32_MAX) {
        c->oom = true;
        return;
    }
    state *st = st_at(c, i);
    st->flags |= CX_C_RULE1;
    st->fail = desc;
    st->fail_pos = pos.line ? pos : o->pos;
    pin(c, &o->rc);
}

/* The objects of list `l` of the name (overlay applied), deduplicated, in key order;
 * only those of `kind` that are not ignored. */
static void gather(uctx *c, int l, contour_kind kind, const cx_unit_input *in)
{
    cx_vec *v = &c->ws->objs;
    v->len = 0;
    const cx_rx *rx = c->rx;
    const cx_vec *keys = in->entry ? &in->entry->list[l] : NULL;
    size_t n = keys ? keys->len : 0;
    if (!cx_vec_reserve(v, n + 1)) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const cx_key *k = *(cx_key **)cx_vec_at(keys, i);
        if (rx->ov && rx->ov->key == k)
            continue; /* the overlay decides for it, below */
        if (k->kind != kind)
            continue; /* the key says so: no need to read the object */
        const contour_object *o = k->obj;
        if (o)
            cx_vec_push(v, &o);
    }
    const contour_object *ov = rx->ov ? rx->ov->obj : NULL;
    if (ov && ov->kind == kind) {
        /* Does the new object name this unit in this list? */
        bool names = false;
        if (kind == CONTOUR_KIND_INGRESSROUTE && l == CX_VH_ROOTS) {
            const char *f = ov->u.ir.fqdn ? ov->u.ir.fqdn : "";
            names = ov->u.ir.has_virtualhost && strlen(f) == in->len &&
                    memcmp(f, in->name, in->len) == 0;
        } else if (kind == CONTOUR_KIND_INGRESS) {
            const cx_ingress *ing = &ov->u.ing;
            if (l == CX_VH_RULES) {
                names = ing->has_default_backend && in->len == 1 && in->name[0] == '*';
                for (uint32_t r = 0; r < ing->rule_count && !names; r++) {
                    const contour_ingress_rule *x = &ing->rules[r];
                    const char *h = x->host && *x->host ? x->host : "*";
                    names = x->has_http && x->path_count && strlen(h) == in->len &&
                            memcmp(h, in->name, in->len) == 0;
                }
            } else {
                for (uint32_t t = 0; t < ing->tls_count && !names; t++) {
                    for (uint32_t h = 0; h < ing->tls[t].host_count && !names; h++) {
                        const char *x = ing->tls[t].hosts[h];
                        names = x && strlen(x) == in->len && memcmp(x, in->name, in->len) == 0;
                    }
                }
            }
        }
        if (names)
            cx_vec_push(v, &ov);
    }
    const contour_object **os = (const contour_object **)v->data;
    size_t m = 0;
    for (size_t i = 0; i < v->len; i++) {
        if (!cx_rx_ignored(rx, os[i]))
            os[m++] = os[i];
    }
    v->len = m;
    if (m > 1)
        cx_sort(os, m, sizeof *os, cmp_key);
    /* A list names an object once per mention: keep one. */
    size_t u = 0;
    for (size_t i = 0; i < m; i++) {
        if (!u || os[u - 1] != os[i])
            os[u++] = os[i];
    }
    v->len = u;
}

/* Rule 1 for the roots of this fqdn: the one that passes it, or NULL. */
static const contour_object *rule1_roots(uctx *c, const cx_unit_input *in)
{
    gather(c, CX_VH_ROOTS, CONTOUR_KIND_INGRESSROUTE, in);
    size_t n = c->ws->objs.len;
    if (!n || c->oom)
        return NULL;
    const contour_object **os = (const contour_object **)c->ws->objs.data;
    if (n > 1) {
        /* Duplicate fqdn: one message, shared by the whole group, naming at most
         * FQDN_LIST_MAX of them (spec rule 11). */
        qsort(os, n, sizeof *os, cmp_joined);
        cx_strbuf *m = msg(c);
        cx_strbuf_puts(m, "fqdn ");
        cx_msg_quoten(m, in->name, in->len);
        cx_strbuf_puts(m, " is used in multiple IngressRoutes: ");
        size_t shown = n > FQDN_LIST_MAX ? FQDN_LIST_MAX : n;
        for (size_t k = 0; k < shown; k++) {
            if (k)
                cx_strbuf_puts(m, ", ");
            cx_strbuf_printf(m, "%s/%s", os[k]->ns, os[k]->name);
        }
        if (shown < n)
            cx_strbuf_printf(m, ", and %zu more", n - shown);
        const char *desc = umsg(c);
        for (size_t k = 0; k < n && !c->oom; k++)
            rule1(c, os[k], desc, os[k]->u.ir.fqdn_pos);
        return NULL;
    }
    const contour_object *o = os[0];
    if (!root_ns_allowed(c->rx->set, o->ns)) {
        rule1(c, o, "root IngressRoute cannot be defined in this namespace", o->u.ir.vhost_pos);
        return NULL;
    }
    if (cx_is_blank(o->u.ir.fqdn)) {
        rule1(c, o, "Spec.VirtualHost.Fqdn must be specified", o->u.ir.fqdn_pos);
        return NULL;
    }
    return o;
}

/* ---- TLS (rule 2, spec §3) ---- */

static void root_tls(uctx *c, const contour_object *o)
{
    const cx_ingressroute *ir = &o->u.ir;
    vbuild *vb = &c->vb;
    if (ir->has_tls) {
        cx_pos pos = ir->secret_pos.line ? ir->secret_pos : ir->vhost_pos;
        if (ir->tls_secret_name && *ir->tls_secret_name) {
            cx_secret_check sc;
            cx_rx_secret(c->rx, ir->tls_key, o->ns, &sc);
            if (sc.rc == CX_SECRET_OK) {
                vb->secure = true;
                vb->secret_ns = sc.ns;
                vb->secret_name = sc.name;
                vb->min_version = cx_min_tls_version(ir->tls_min_version);
                vb->tls_owner = o;
                vb->enforce_tls = true;
                pin(c, &o->rc);
            } else {
                cx_strbuf *m = msg(c);
                cx_msg_secret_problem(m, &sc, o->ns);
                cx_strbuf_puts(m, "; virtual host ");
                cx_msg_quoten(m, c->name, c->name_len);
                cx_strbuf_puts(m, " is served without TLS");
                udiag(c, CONTOUR_SEVERITY_WARNING, cx_secret_code(sc.rc), o, pos,
                      "spec.virtualhost.tls.secretName");
            }
        } else if (ir->tls_passthrough) {
            vb->secure = true;
            vb->passthrough = true;
            vb->min_version = cx_min_tls_version(ir->tls_min_version);
            vb->tls_owner = o;
        } else {
            cx_strbuf *m = msg(c);
            cx_strbuf_puts(m, "spec.virtualhost.tls has neither secretName nor passthrough; "
                              "virtual host ");
            cx_msg_quoten(m, c->name, c->name_len);
            cx_strbuf_puts(m, " is served without TLS");
            udiag(c, CONTOUR_SEVERITY_WARNING, "tls-secret-not-found", o, pos,
                  "spec.virtualhost.tls");
        }
    }
    if (ir->has_tcpproxy) {
        if (vb->enforce_tls || vb->passthrough) {
            vb->tcp_root = true;
        } else {
            cx_strbuf *m = msg(c);
            cx_strbuf_puts(m, "spec.tcpproxy is ignored: virtual host ");
            cx_msg_quoten(m, c->name, c->name_len);
            cx_strbuf_puts(m, " has neither a usable TLS secret nor TLS passthrough");
            udiag(c, CONTOUR_SEVERITY_WARNING, "tcpproxy-ignored", o,
                  ir->tcp_pos.line ? ir->tcp_pos : o->pos, "spec.tcpproxy");
        }
    }
}

static void quote_ref(cx_strbuf *m, const char *ns, const char *name)
{
    cx_strbuf tmp;
    cx_strbuf_init(&tmp, m->alloc);
    cx_strbuf_printf(&tmp, "%s/%s", ns, name);
    if (tmp.oom)
        m->oom = true;
    else
        cx_strbuf_go_quote(m, tmp.data, tmp.len);
    cx_strbuf_release(&tmp);
}

/* The TLS of the Ingresses that list this host, in (namespace, name) order. */
static void ingress_tls(uctx *c, const cx_unit_input *in)
{
    if (in->len == 1 && in->name[0] == '*')
        return;
    gather(c, CX_VH_TLS, CONTOUR_KIND_INGRESS, in);
    size_t n = c->ws->objs.len;
    for (size_t i = 0; i < n && !c->oom; i++) {
        const contour_object *o = *(const contour_object **)cx_vec_at(&c->ws->objs, i);
        const cx_objrec *rec = cx_rx_objrec(c->rx, o);
        if (!rec) {
            c->oom = true;
            return;
        }
        const cx_ingress *ing = &o->u.ing;
        for (uint32_t t = 0; t < ing->tls_count && t < rec->tls_count && !c->oom; t++) {
            const cx_ingress_tls *tls = &ing->tls[t];
            if (!rec->tls[t].ok)
                continue; /* its warning is the Ingress's own */
            for (uint32_t h = 0; h < tls->host_count && !c->oom; h++) {
                const char *host = tls->hosts[h];
                if (!host || strlen(host) != in->len || memcmp(host, in->name, in->len) != 0)
                    continue;
                vbuild *vb = &c->vb;
                vb->ingress_tls = true;
                pin(c, &rec->rc);
                if (!vb->secure) {
                    vb->secure = true;
                    vb->secret_ns = rec->tls[t].secret_ns;
                    vb->secret_name = rec->tls[t].secret_name;
                    vb->min_version = rec->min_version;
                    vb->tls_owner = o;
                    continue;
                }
                if (vb->secret_ns && strcmp(vb->secret_ns, rec->tls[t].secret_ns) == 0 &&
                    strcmp(vb->secret_name, rec->tls[t].secret_name) == 0)
                    continue; /* the same secret */
                cx_strbuf *m = msg(c);
                cx_strbuf_puts(m, "virtual host ");
                cx_msg_quote(m, host);
                cx_strbuf_puts(m, " already takes its TLS settings from ");
                const contour_object *w = vb->tls_owner;
                cx_strbuf_printf(m, "%s %s/%s (", contour_kind_name(w->kind), w->ns, w->name);
                if (vb->secret_ns) {
                    cx_strbuf_puts(m, "secret ");
                    quote_ref(m, vb->secret_ns, vb->secret_name);
                } else {
                    cx_strbuf_puts(m, "TLS passthrough");
                }
                cx_strbuf_puts(m, "); secret ");
                quote_ref(m, rec->tls[t].secret_ns, rec->tls[t].secret_name);
                cx_strbuf_puts(m, " is not used for it");
                char field[48];
                snprintf(field, sizeof field, "spec.tls[%u].secretName", t);
                udiag(c, CONTOUR_SEVERITY_WARNING, "tls-conflict", o,
                      tls->secret_pos.line ? tls->secret_pos : tls->pos, field);
            }
        }
    }
}

/* ---- the walk (rules 3-6) ---- */

/* The state of a reachable object, its result attached; UINT32_MAX on OOM. */
static uint32_t reach(uctx *c, const contour_object *o)
{
    uint32_t i = state_of(c, o, true);
    if (i == UINT32_MAX) {
        c->oom = true;
        return i;
    }
    state *st = st_at(c, i);
    if (!(st->flags & CX_C_REACHED)) {
        st->flags |= CX_C_REACHED;
        st->color = WHITE;
        st->res = cx_rx_irres(c->rx, o);
        if (!st->res) {
            c->oom = true;
            return UINT32_MAX;
        }
        pin(c, &st->res->rc);
    }
    return i;
}

/* Records that an object is invalid for this vhost: the first failure wins. */
static void fail(uctx *c, uint32_t i, cx_pos pos)
{
    state *st = st_at(c, i);
    if (st->bad)
        return;
    st->bad = true;
    st->fail = umsg(c);
    st->fail_pos = pos.line ? pos : st->obj->pos;
}

static bool push_frame(uctx *c, uint32_t i)
{
    frame f = {i, 0};
    if (!cx_vec_push(&c->ws->stack, &f)) {
        c->oom = true;
        return false;
    }
    return true;
}

/* Appends the DFS path then `target`, shortened to CYCLE_HEAD names at each end and joined
 * by " -> ... -> " when longer than 2 * CYCLE_HEAD (spec rule 11). */
static void msg_cycle_path(uctx *c, const contour_object *target)
{
    cx_strbuf *m = &c->ws->msg;
    const frame *fs = (const frame *)c->ws->stack.data;
    size_t n = c->ws->stack.len + 1;
    for (size_t i = 0; i < n; i++) {
        if (n > 2 * CYCLE_HEAD && i == CYCLE_HEAD) {
            cx_strbuf_puts(m, " -> ...");
            i = n - CYCLE_HEAD;
        }
        if (i)
            cx_strbuf_puts(m, " -> ");
        const contour_object *o = i + 1 < n ? st_at(c, fs[i].st)->obj : target;
        cx_strbuf_printf(m, "%s/%s", o->ns, o->name);
    }
}

/* The live IngressRoute a delegate route names, or NULL (missing or ignored). */
static const contour_object *target_of(uctx *c, const contour_ingressroute_route *r)
{
    const contour_object *t = cx_rx_obj(c->rx, r->delegate.key);
    return t && !cx_rx_ignored(c->rx, t) ? t : NULL;
}

static void msg_prefix(uctx *c, const char *match, const char *parent)
{
    cx_strbuf *m = msg(c);
    cx_strbuf_puts(m, "the path prefix ");
    cx_msg_quote(m, match);
    cx_strbuf_puts(m, " does not match the parent's path prefix ");
    cx_msg_quote(m, parent);
}

/* Checks every route of a gray object (the top of the stack) against the parent prefix. */
static bool check_object(uctx *c, uint32_t si, const char *parent)
{
    state *st = st_at(c, si);
    st->flags |= CX_C_ENTERED;
    const contour_object *o = st->obj;
    const cx_ingressroute *ir = &o->u.ir;
    for (uint32_t i = 0; i < ir->route_count; i++) {
        const contour_ingressroute_route *r = &ir->routes[i];
        bool svc = r->service_count > 0, del = r->has_delegate;
        if (svc && del) {
            cx_strbuf *m = msg(c);
            cx_strbuf_puts(m, "route ");
            cx_msg_quote(m, r->match);
            cx_strbuf_puts(m, ": cannot specify services and delegate in the same route");
            fail(c, si, r->pos);
            return false;
        }
        if ((svc || del) && !cx_path_prefix_matches(r->match, parent)) {
            msg_prefix(c, r->match, parent);
            fail(c, si, r->match_pos.line ? r->match_pos : r->pos);
            return false;
        }
        for (uint32_t k = 0; k < r->service_count; k++) {
            const contour_ingressroute_service *s = &r->services[k];
            bool bad_port = s->port < 1 || s->port > 65535;
            if (bad_port || s->weight < 0) {
                cx_strbuf *m = msg(c);
                cx_strbuf_puts(m, "route ");
                cx_msg_quote(m, r->match);
                cx_strbuf_puts(m, ": service ");
                cx_msg_quote(m, s->name);
                cx_strbuf_puts(m, bad_port ? ": port must be in the range 1-65535"
                                           : ": weight must be greater than or equal to zero");
                cx_pos p = bad_port ? s->port_pos : s->weight_pos;
                fail(c, si, p.line ? p : s->pos);
                return false;
            }
        }
        const contour_object *t = del ? target_of(c, r) : NULL;
        if (t) {
            uint32_t ti = state_of(c, t, false);
            if (ti != UINT32_MAX && (st_at(c, ti)->flags & CX_C_REACHED) &&
                st_at(c, ti)->color == GRAY) {
                cx_strbuf *m = msg(c);
                cx_strbuf_puts(m, "route creates a delegation cycle: ");
                msg_cycle_path(c, t);
                fail(c, si, r->delegate.pos.line ? r->delegate.pos : r->pos);
                return false;
            }
        }
    }
    return true;
}

/* A finished object reached again with another parent prefix: only the prefix rule can
 * fail, and the LCP of its matches answers it without looking at every route. */
static void recheck_prefix(uctx *c, uint32_t si, const char *parent)
{
    state *st = st_at(c, si);
    if (st->bad || cx_lcp_all_match(&st->res->lcp, parent))
        return;
    const contour_object *o = st->obj;
    for (uint32_t i = 0; i < o->u.ir.route_count; i++) {
        const contour_ingressroute_route *r = &o->u.ir.routes[i];
        if ((r->service_count > 0 || r->has_delegate) &&
            !cx_path_prefix_matches(r->match, parent)) {
            msg_prefix(c, r->match, parent);
            fail(c, si, r->match_pos.line ? r->match_pos : r->pos);
            return;
        }
    }
}

/* Enters an object: reached, gray, on the stack, checked. */
static bool enter(uctx *c, const contour_object *o, const char *parent)
{
    uint32_t si = reach(c, o);
    if (si == UINT32_MAX || !push_frame(c, si))
        return false;
    st_at(c, si)->color = GRAY;
    if (check_object(c, si, parent))
        return true;
    st_at(c, si)->color = BLACK;
    c->ws->stack.len--;
    return false;
}

/* The next delegate route of the frame's object (from f->next on) whose target is a live
 * IngressRoute: its index, or -1. */
static int64_t next_delegate(uctx *c, frame *f, const contour_object **target)
{
    const contour_object *o = st_at(c, f->st)->obj;
    while (f->next < o->u.ir.route_count) {
        uint32_t i = f->next++;
        const contour_ingressroute_route *r = &o->u.ir.routes[i];
        if (!r->has_delegate)
            continue;
        const contour_object *t = target_of(c, r);
        if (t) {
            *target = t;
            return i;
        }
    }
    return -1;
}

static void route_walk(uctx *c, const contour_object *root)
{
    c->ws->stack.len = 0;
    if (!enter(c, root, ""))
        return;
    while (c->ws->stack.len && !c->oom) {
        frame *f = (frame *)cx_vec_at(&c->ws->stack, c->ws->stack.len - 1);
        const contour_object *t;
        int64_t i = next_delegate(c, f, &t);
        if (i < 0) {
            st_at(c, f->st)->color = BLACK;
            c->ws->stack.len--;
            continue;
        }
        const char *match = st_at(c, f->st)->obj->u.ir.routes[i].match;
        uint32_t ti = state_of(c, t, false);
        if (ti == UINT32_MAX || !(st_at(c, ti)->flags & CX_C_REACHED))
            enter(c, t, match ? match : ""); /* f may move: not used after this */
        else if (st_at(c, ti)->color == BLACK)
            recheck_prefix(c, ti, match ? match : "");
        /* A gray target cannot occur: the check of f's object found no cycle. */
    }
}

/* ---- publishing ---- */

static void publish(uctx *c, const cx_rtpl *t, int listener, bool redirect, bool ingress)
{
    entry e = {t, cx_str_key(t->r.path), 0, c->seq++, (uint8_t)listener, redirect, ingress};
    if (!cx_vec_push(&c->ws->entries, &e))
        c->oom = true;
}

static void publish_object(uctx *c, uint32_t si)
{
    state *st = st_at(c, si);
    st->published = true;
    st->flags |= CX_C_PUBLISHED;
    const cx_irres *res = st->res;
    const contour_object *o = st->obj;
    bool enforce = c->vb.enforce_tls;
    for (uint32_t i = 0; i < res->route_count; i++) {
        const cx_rtpl *t = res->tpl[i];
        if (!t)
            continue;
        publish(c, t, CX_L_INSECURE, enforce && !o->u.ir.routes[i].permit_insecure, false);
        if (enforce)
            publish(c, t, CX_L_SECURE, false, false);
    }
}

/* Second pass: DFS pre-order over the objects valid for this vhost, from the root. */
static void publish_walk(uctx *c, const contour_object *root)
{
    uint32_t ri = state_of(c, root, false);
    if (ri == UINT32_MAX || st_at(c, ri)->bad)
        return;
    c->ws->stack.len = 0;
    publish_object(c, ri);
    if (!push_frame(c, ri))
        return;
    while (c->ws->stack.len && !c->oom) {
        frame *f = (frame *)cx_vec_at(&c->ws->stack, c->ws->stack.len - 1);
        const contour_object *t;
        if (next_delegate(c, f, &t) < 0) {
            c->ws->stack.len--;
            continue;
        }
        uint32_t ti = state_of(c, t, false);
        if (ti == UINT32_MAX)
            continue;
        state *ts = st_at(c, ti);
        if (!(ts->flags & CX_C_REACHED) || ts->bad || ts->published)
            continue;
        publish_object(c, ti);
        push_frame(c, ti);
    }
}

/* ---- tcpproxy (rule 7) ---- */

static void tcp_walk(uctx *c, const contour_object *root)
{
    vbuild *vb = &c->vb;
    c->ws->stack.len = 0;
    uint32_t si = reach(c, root);
    if (si == UINT32_MAX || !push_frame(c, si))
        return;
    while (!c->oom) {
        state *st = st_at(c, si);
        const contour_object *o = st->obj;
        const cx_ingressroute *ir = &o->u.ir;
        const cx_irres *res = st->res;
        if (!ir->has_tcpproxy) {
            /* Only a delegate can get here: warn on the object that delegated to it. */
            const frame *fs = (const frame *)c->ws->stack.data;
            const contour_object *parent = st_at(c, fs[c->ws->stack.len - 2].st)->obj;
            cx_strbuf *m = msg(c);
            cx_strbuf_printf(m, "tcpproxy: delegate %s/%s has no spec.tcpproxy; ", o->ns, o->name);
            cx_strbuf_puts(m, "virtual host ");
            cx_msg_quoten(m, c->name, c->name_len);
            cx_strbuf_puts(m, " proxies nothing");
            const cx_pos dp = parent->u.ir.tcp_delegate.pos;
            udiag(c, CONTOUR_SEVERITY_WARNING, "tcpproxy-delegate-empty", parent,
                  dp.line ? dp : parent->u.ir.tcp_pos, "spec.tcpproxy.delegate");
            return;
        }
        if (res->tcp_fail) {
            cx_strbuf *m = msg(c);
            cx_strbuf_puts(m, res->tcp_fail);
            fail(c, si, res->tcp_fail_pos);
            return;
        }
        if (res->tcp_services_ok) {
            vb->tcp = res->tcp;
            vb->tcp_count = res->tcp_count;
            vb->has_tcp = true;
            return;
        }
        if (!ir->tcp_has_delegate)
            return;
        const contour_object *t = cx_rx_obj(c->rx, ir->tcp_delegate.key);
        if (!t || cx_rx_ignored(c->rx, t)) {
            st->flags |= CX_C_TCPMISS;
            return;
        }
        uint32_t ti = state_of(c, t, false);
        if (ti != UINT32_MAX && (st_at(c, ti)->flags & CX_C_REACHED)) {
            /* Every object of the chain is still on the stack: this closes a cycle. */
            cx_pos tcp_pos = ir->tcp_pos.line ? ir->tcp_pos : o->pos;
            cx_strbuf *m = msg(c);
            cx_strbuf_puts(m, "tcpproxy creates a delegation cycle: ");
            msg_cycle_path(c, t);
            fail(c, si, ir->tcp_delegate.pos.line ? ir->tcp_delegate.pos : tcp_pos);
            return;
        }
        si = reach(c, t);
        if (si == UINT32_MAX || !push_frame(c, si))
            return;
    }
}

/* ---- Ingress routes (spec §3) ---- */

static void ingress_routes(uctx *c, const cx_unit_input *in)
{
    gather(c, CX_VH_RULES, CONTOUR_KIND_INGRESS, in);
    size_t n = c->ws->objs.len;
    bool star = in->len == 1 && in->name[0] == '*';
    for (size_t i = 0; i < n && !c->oom; i++) {
        const contour_object *o = *(const contour_object **)cx_vec_at(&c->ws->objs, i);
        const cx_objrec *rec = cx_rx_objrec(c->rx, o);
        if (!rec) {
            c->oom = true;
            return;
        }
        bool used = false;
        for (uint32_t p = 0; p < rec->path_count && !c->oom; p++) {
            const char *h = rec->path_host[p];
            if (strlen(h) != in->len || memcmp(h, in->name, in->len) != 0 || !rec->paths[p])
                continue;
            used = true;
            if (!c->u->first_ingress)
                c->u->first_ingress = rec->paths[p];
            if (rec->http_allowed)
                publish(c, rec->paths[p], CX_L_INSECURE, rec->force_ssl, true);
            if (c->vb.ingress_tls && !star)
                publish(c, rec->paths[p], CX_L_SECURE, false, true);
        }
        if (used)
            pin(c, &rec->rc);
    }
}

/* ---- settling (rule 10) ---- */

typedef struct probe {
    const entry *base;
    const entry *e;
} probe;

static bool same_key(const entry *a, const entry *b)
{
    return a->listener == b->listener && a->t->r.match == b->t->r.match && a->key == b->key &&
           strcmp(a->t->r.path, b->t->r.path) == 0;
}

static bool probe_eq(const void *value, const void *key)
{
    const probe *k = key;
    return same_key(&k->base[(uintptr_t)value - 1], k->e);
}

/* Exact before prefix, then path in descending byte order, then insertion order. */
static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->listener != y->listener)
        return x->listener < y->listener ? -1 : 1;
    if (x->t->r.match != y->t->r.match)
        return x->t->r.match == CONTOUR_MATCH_EXACT ? -1 : 1;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    int c = strcmp(y->t->r.path, x->t->r.path);
    if (c)
        return c;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* A template that lost to `w`: once per unit. IngressRoute routes become losses (their
 * status warns once over every vhost); an Ingress route belongs to this host alone. */
static void lost(uctx *c, const entry *l, const entry *w)
{
    cx_vec *v = &c->ws->lost;
    for (size_t i = 0; i < v->len; i++) {
        if (*(const cx_rtpl **)cx_vec_at(v, i) == l->t)
            return;
    }
    if (!cx_vec_push(v, &l->t)) {
        c->oom = true;
        return;
    }
    const cx_rtpl *lt = l->t, *wt = w->t;
    if (lt->obj->kind == CONTOUR_KIND_INGRESSROUTE) {
        cx_loss loss = {lt->obj, lt->index, wt->obj, wt->rule, wt->index};
        if (!cx_vec_push(&c->ws->losses, &loss))
            c->oom = true;
        return;
    }
    char field[64];
    cx_strbuf *m = msg(c);
    cx_strbuf_puts(m, lt->r.match == CONTOUR_MATCH_EXACT ? "exact path " : "prefix ");
    cx_msg_quote(m, lt->r.path);
    cx_strbuf_puts(m, " on virtual host ");
    cx_msg_quoten(m, c->name, c->name_len);
    cx_strbuf_printf(m, " is already routed by %s %s/%s", contour_kind_name(wt->obj->kind),
                     wt->obj->ns, wt->obj->name);
    if (wt->obj == lt->obj) {
        /* The loser's own object: the name alone would not say which route won. */
        cx_rtpl_field(wt, field, sizeof field);
        cx_strbuf_printf(m, " (%s)", field);
    }
    cx_strbuf_puts(m, "; this route is ignored");
    cx_rtpl_field(lt, field, sizeof field);
    udiag(c, CONTOUR_SEVERITY_WARNING, "route-conflict", lt->obj, lt->pos, field);
}

/* One object's share of the routes of a truncated unit, for its limit-routes message. */
typedef struct share {
    const contour_object *o;
    uint64_t n;
} share;

static int cmp_share_obj(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const share *)a)->o, y = (uintptr_t)((const share *)b)->o;
    return (x > y) - (x < y);
}

/* Most routes first, then by kind, namespace, name: the same whatever the input's order. */
static int cmp_share_rank(const void *a, const void *b)
{
    const share *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    if (x->o->kind != y->o->kind)
        return x->o->kind < y->o->kind ? -1 : 1;
    return cx_object_key_compare(x->o, y->o);
}

/* The objects with the most routes among es[0..n) (routes not kept: counted). */
static void summarize(uctx *c, const entry *es, size_t n)
{
    share *sh = cx_malloc(c->ws->alloc, (n ? n : 1) * sizeof *sh);
    if (!sh) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        sh[i] = (share){es[i].t->obj, 1};
    qsort(sh, n, sizeof *sh, cmp_share_obj);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && sh[m - 1].o == sh[i].o)
            sh[m - 1].n++;
        else
            sh[m++] = sh[i];
    }
    qsort(sh, m, sizeof *sh, cmp_share_rank);
    cx_unit *u = c->u;
    for (size_t i = 0; i < m; i++) {
        if (i < 3) {
            u->limit_top[i] = sh[i].o;
            u->limit_top_n[i] = sh[i].n;
            pin(c, &sh[i].o->rc);
        } else {
            u->limit_more += sh[i].n;
            u->limit_more_objects++;
        }
    }
    cx_free(c->ws->alloc, sh);
}

/* Keeps the first route of each key, sorts them, builds the vhosts' route arrays. */
static void settle(uctx *c, bool keep_routes)
{
    cx_unit_ws *ws = c->ws;
    size_t n = ws->entries.len, kept = 0;
    entry *es = (entry *)ws->entries.data;
    cx_map *keys = &ws->route_keys;
    if (n && !cx_map_reserve(keys, n)) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < n && !c->oom; i++) {
        probe k = {es, &es[i]};
        uint64_t h = cx_hash_bytes(keys->key, es[i].t->r.path, strlen(es[i].t->r.path)) ^
                     ((uint64_t)(es[i].listener * 2 + (es[i].t->r.match == CONTOUR_MATCH_EXACT)) *
                      0x9E3779B97F4A7C15ull);
        es[i].hash = h;
        const void *found = cx_map_find(keys, h, probe_eq, &k);
        if (found) {
            /* Rule 10: every loser is told, also one that loses to an earlier route of its
             * own object (a template occurs once on a listener: an object is published
             * once per vhost). */
            const entry *w = &es[(uintptr_t)found - 1];
            if (w->t != es[i].t)
                lost(c, &es[i], w);
            continue;
        }
        es[kept] = es[i];
        probe kk = {es, &es[kept]};
        cx_map_put(keys, h, probe_eq, &kk, (void *)(uintptr_t)(kept + 1));
        kept++;
    }
    for (size_t i = 0; i < kept; i++) {
        probe k = {es, &es[i]};
        cx_map_remove(keys, es[i].hash, probe_eq, &k);
    }
    ws->entries.len = kept;
    if (c->oom)
        return;
    if (kept > 1)
        cx_sort(es, kept, sizeof *es, cmp_entry);
    cx_unit *u = c->u;
    uint32_t count[2] = {0, 0};
    for (size_t i = 0; i < kept; i++)
        count[es[i].listener]++;
    u->vh[0].route_count = count[0];
    u->vh[1].route_count = count[1];
    u->present[CX_L_INSECURE] = count[0] > 0;
    u->present[CX_L_SECURE] = c->vb.secure && (count[1] > 0 || c->vb.has_tcp);
    u->routes = kept;
    if (!keep_routes) {
        u->truncated = true;
        summarize(c, es, kept);
        return;
    }
    if (!kept)
        return;
    contour_route *rt = cx_arena_array(&u->arena, kept, sizeof *rt);
    if (!rt) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < kept; i++) {
        rt[i] = es[i].t->r;
        rt[i].https_redirect = es[i].redirect;
    }
    u->vh[0].routes = count[0] ? rt : NULL;
    u->vh[1].routes = count[1] ? rt + count[0] : NULL;
}

/* ---- the unit ---- */

static void unit_destroy(cx_shared *self, const cx_alloc *a)
{
    cx_unit *u = (cx_unit *)self;
    for (uint32_t i = 0; i < u->npins; i++)
        cx_shared_release(u->pins[i], a);
    cx_arena_release_with(u->arena, a);
}

void cx_unit_release(const cx_unit *u, const cx_alloc *a)
{
    cx_shared_release(u ? &u->rc : NULL, a);
}

static void *keep(uctx *c, const cx_vec *v, uint32_t *count)
{
    *count = (uint32_t)v->len;
    if (!v->len || c->oom)
        return NULL;
    void *p = cx_arena_array(&c->u->arena, v->len, v->elsize);
    if (!p)
        c->oom = true;
    else
        memcpy(p, v->data, v->len * v->elsize);
    return p;
}

/* The vhosts' TLS side, the contributions and the lists, into the record. */
static void finish(uctx *c)
{
    cx_unit *u = c->u;
    const vbuild *vb = &c->vb;
    for (int l = 0; l < 2; l++)
        u->vh[l].fqdn = u->fqdn;
    if (vb->secure) {
        contour_vhost *v = &u->vh[CX_L_SECURE];
        v->has_tls = true;
        v->passthrough = vb->passthrough;
        v->secret_ns = vb->secret_ns;
        v->secret_name = vb->secret_name;
        v->min_version = vb->min_version;
        v->has_tcpproxy = vb->has_tcp;
        v->tcp_clusters = vb->tcp;
        v->tcp_cluster_count = vb->tcp_count;
    }
    cx_unit_ws *ws = c->ws;
    if (!cx_vec_reserve(&ws->contrib, ws->states.len)) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < ws->states.len; i++) {
        const state *st = cx_vec_at(&ws->states, i);
        if (!st->flags)
            continue;
        cx_contrib k = {st->obj, st->obj->key_id, st->flags, st->fail, st->fail_pos};
        if (st->flags & CX_C_RULE1)
            k.flags = CX_C_RULE1; /* judged by rule 1 here, whatever else */
        cx_vec_push(&ws->contrib, &k);
    }
    u->contrib = keep(c, &ws->contrib, &u->ncontrib);
    u->losses = keep(c, &ws->losses, &u->nlosses);
    u->diags = keep(c, &ws->diags, &u->ndiags);
    u->pins = keep(c, &ws->pins, &u->npins);
}

/* Whether anything still names the unit (roots, Ingress rules or TLS hosts). */
static bool named(const cx_rx *rx, const cx_unit_input *in)
{
    if (in->entry) {
        for (int l = 0; l < CX_VH_LISTS; l++) {
            const cx_vec *v = &in->entry->list[l];
            for (size_t i = 0; i < v->len; i++) {
                const cx_key *k = *(cx_key **)cx_vec_at(v, i);
                if (!rx->ov || rx->ov->key != k)
                    return true;
            }
        }
    }
    return rx->ov && rx->ov->obj; /* the caller checked that the overlay names it */
}

bool cx_unit_make(cx_rx *rx, cx_unit_ws *ws, const cx_unit_input *in, bool keep_routes,
                  cx_unit **out)
{
    *out = NULL;
    if (!named(rx, in))
        return true;
    cx_arena arena;
    cx_record_arena(&rx->ows, &arena, rx->alloc, 1024);
    cx_unit *u = cx_arena_zalloc(&arena, sizeof *u);
    if (!u) {
        cx_arena_release(&arena);
        return false;
    }
    u->arena = arena;
    cx_shared_init(&u->rc, unit_destroy);
    ws_reset(ws);
    uctx c;
    memset(&c, 0, sizeof c);
    c.rx = rx;
    c.ws = ws;
    c.u = u;
    u->fqdn = ustr(&c, in->name, in->len);
    u->fqdn_len = (uint32_t)in->len;
    c.name = u->fqdn;
    c.name_len = in->len;

    const contour_object *root = c.oom ? NULL : rule1_roots(&c, in);
    if (root && !c.oom) {
        u->root = root;
        pin(&c, &root->rc);
        root_tls(&c, root);
    }
    if (!c.oom)
        ingress_tls(&c, in);
    if (root && !c.oom) {
        if (c.vb.tcp_root) {
            tcp_walk(&c, root);
        } else {
            route_walk(&c, root);
            if (!c.oom)
                publish_walk(&c, root);
        }
    }
    if (!c.oom)
        ingress_routes(&c, in);
    if (!c.oom)
        settle(&c, keep_routes);
    if (!c.oom)
        finish(&c);
    if (c.oom) {
        for (size_t i = 0; i < ws->pins.len; i++)
            cx_shared_release(*(const cx_shared **)cx_vec_at(&ws->pins, i), rx->alloc);
        cx_arena a = u->arena;
        cx_arena_release(&a);
        return false;
    }
    *out = u;
    return true;
}
