/*
 * contour_review(): a verdict on one proposed change. The what-if graph (whatif.c) is
 * compared with the base graph (diff.c), and what the comparison shows is sorted into
 * findings — the changed object itself invalid or orphaned, other objects broken, routes
 * dropped or moved to another owner, TLS dropped, new warnings — which the policy turns
 * into a denial (one paragraph naming what is affected) or warnings.
 */
#include "admission_internal.h"
#include "diff_internal.h"
#include "graph_internal.h"
#include "resolve_build.h"
#include "strbuf.h"
#include "whatif.h"

#include <string.h>

struct contour_verdict {
    cx_alloc alloc;
    bool allowed;
    size_t counts[CX_FINDING_COUNT];
    char *message;   /* "" when allowed */
    char **warnings; /* each NUL-terminated, in one block with the message */
    size_t nwarnings;
    const contour_status *status; /* in `graph`, or NULL */
    contour_graph *graph;         /* the what-if graph (a reference), or NULL */
    contour_diff *diff;           /* base -> graph, or NULL */
    char *text;                   /* the block holding message and warnings */
};

/* One finding's entries, written as they are found; the first max_listed are kept. */
typedef struct finding {
    size_t count;
    cx_strbuf list;
} finding;

typedef struct rctx {
    const contour_policy *policy;
    const contour_object *obj; /* the changed object */
    contour_operation op;
    finding f[CX_FINDING_COUNT];
    cx_strbuf entry;
    cx_strbuf message;
    cx_strbuf warnings; /* NUL-separated */
    size_t nwarnings;
} rctx;

/* Adds the entry being built (c->entry) to finding k. */
static void note(rctx *c, contour_finding k)
{
    finding *f = &c->f[k];
    if (f->count < c->policy->max_listed) {
        if (f->count)
            cx_strbuf_puts(&f->list, ", ");
        cx_strbuf_append(&f->list, c->entry.data ? c->entry.data : "", c->entry.len);
    }
    f->count++;
    cx_strbuf_clear(&c->entry);
}

static void name_obj(cx_strbuf *b, contour_kind kind, const char *ns, const char *name)
{
    cx_strbuf_printf(b, "%s %s/%s", contour_kind_name(kind), ns ? ns : "", name ? name : "");
}

static bool is_self(const rctx *c, const contour_status *s)
{
    return s->obj->kind == c->obj->kind && cx_object_key_compare(s->obj, c->obj) == 0;
}

/* ---- what the diff shows ---- */

static void own_status(rctx *c, const contour_status *st)
{
    if (!st || st->state == CONTOUR_STATE_VALID)
        return;
    name_obj(&c->entry, st->kind, st->ns, st->name);
    cx_strbuf_printf(&c->entry, " would be %s: %s", contour_state_name(st->state), st->description);
    note(c,
         st->state == CONTOUR_STATE_INVALID ? CONTOUR_FINDING_INVALID : CONTOUR_FINDING_ORPHANED);
}

static void statuses(rctx *c, const contour_diff *d)
{
    for (size_t i = 0; i < d->nst; i++) {
        const contour_status_change *sc = &d->st[i];
        const contour_status *old = sc->old, *now = sc->now;
        if (!old || !now || is_self(c, now) || old->state != CONTOUR_STATE_VALID ||
            now->state == CONTOUR_STATE_VALID)
            continue;
        name_obj(&c->entry, now->kind, now->ns, now->name);
        cx_strbuf_printf(&c->entry, " (%s: %s)", contour_state_name(now->state), now->description);
        note(c, CONTOUR_FINDING_BREAKS_OTHERS);
    }
}

static void route_entry(rctx *c, const char *fqdn, const contour_route *r)
{
    cx_strbuf_printf(&c->entry, "%s%s%s", fqdn, r->path[0] == '/' ? "" : " ", r->path);
    if (r->match == CONTOUR_MATCH_EXACT)
        cx_strbuf_puts(&c->entry, " (exact)");
}

/* Whether the same (fqdn, match, path) was already counted on the other listener. */
static bool seen_route(const contour_diff *d, size_t vi, const contour_route *r, bool removed)
{
    const contour_vhost_change *v = &d->vh[vi];
    for (size_t i = 0; i < vi; i++) {
        const contour_vhost_change *w = &d->vh[i];
        if (strcmp(w->fqdn, v->fqdn) != 0)
            continue;
        const contour_vhost *old = w->old;
        if (w->kind == CONTOUR_CHANGE_REMOVED && old) {
            for (uint32_t k = 0; k < old->route_count; k++) {
                if (old->routes[k].match == r->match && strcmp(old->routes[k].path, r->path) == 0)
                    return removed;
            }
        }
        for (uint32_t k = 0; k < w->route_count; k++) {
            const contour_route *x = w->routes[k].old ? w->routes[k].old : w->routes[k].now;
            if (x->match == r->match && strcmp(x->path, r->path) == 0)
                return true;
        }
    }
    return false;
}

static bool same_source(const contour_route *a, const contour_route *b)
{
    return a->source_kind == b->source_kind && strcmp(a->source_ns, b->source_ns) == 0 &&
           strcmp(a->source_name, b->source_name) == 0;
}

/* Whether the new graph still serves (fqdn, match, path) on the other listener: a route
 * that only leaves the secure listener (its vhost lost TLS) is a TLS finding, not a drop. */
static bool served_elsewhere(const contour_diff *d, const contour_vhost_change *v,
                             const contour_route *r)
{
    const contour_graph *g = d->b;
    for (uint32_t l = 0; l < g->listener_count; l++) {
        const contour_listener *li = &g->listeners[l];
        if (li->slot == v->slot)
            continue;
        const contour_vhost *other = cx_listener_find_vhost(li, v->fqdn);
        for (uint32_t k = 0; other && k < other->route_count; k++) {
            const contour_route *x = &other->routes[k];
            if (x->match == r->match && strcmp(x->path, r->path) == 0 && x->cluster_count)
                return true;
        }
    }
    return false;
}

static void dropped(rctx *c, const contour_diff *d, size_t vi, const contour_route *r,
                    const char *why)
{
    if (seen_route(d, vi, r, true) || (!why && served_elsewhere(d, &d->vh[vi], r)))
        return;
    route_entry(c, d->vh[vi].fqdn, r);
    if (why)
        cx_strbuf_puts(&c->entry, why);
    note(c, CONTOUR_FINDING_DROPS_ROUTES);
}

static void vhosts(rctx *c, const contour_diff *d)
{
    for (size_t vi = 0; vi < d->nvh; vi++) {
        const contour_vhost_change *v = &d->vh[vi];
        const contour_vhost *old = v->old, *now = v->now;
        bool tls_lost = old && (old->has_tls || old->passthrough) &&
                        (v->kind == CONTOUR_CHANGE_REMOVED || v->tls_changed);
        if (tls_lost) {
            cx_strbuf_puts(&c->entry, v->fqdn);
            note(c, CONTOUR_FINDING_DROPS_TLS);
        }
        if (v->kind == CONTOUR_CHANGE_REMOVED) {
            for (uint32_t k = 0; k < old->route_count; k++)
                dropped(c, d, vi, &old->routes[k], NULL);
            continue;
        }
        for (uint32_t k = 0; now && k < v->route_count; k++) {
            const contour_route_change *rc = &v->routes[k];
            if (rc->kind == CONTOUR_CHANGE_REMOVED) {
                dropped(c, d, vi, rc->old, NULL);
            } else if (rc->kind == CONTOUR_CHANGE_CHANGED) {
                if (rc->old->cluster_count && !rc->now->cluster_count)
                    dropped(c, d, vi, rc->old, " (no cluster left)");
                else if (!same_source(rc->old, rc->now) && !seen_route(d, vi, rc->old, false)) {
                    route_entry(c, v->fqdn, rc->old);
                    cx_strbuf_puts(&c->entry, " from ");
                    name_obj(&c->entry, rc->old->source_kind, rc->old->source_ns,
                             rc->old->source_name);
                    cx_strbuf_puts(&c->entry, " to ");
                    name_obj(&c->entry, rc->now->source_kind, rc->now->source_ns,
                             rc->now->source_name);
                    note(c, CONTOUR_FINDING_TAKES_ROUTES);
                }
            }
        }
    }
}

/* Whether a resolved diagnostic says the same about the same object (same code and
 * message): a proposal re-states its object under another file name and position, so a
 * warning it keeps is "resolved" at its old place and "added" at the new one. */
static bool restated(const contour_diff *d, const contour_diagnostic *x)
{
    for (size_t i = 0; i < d->nresolved; i++) {
        const contour_diagnostic *y = d->resolved[i];
        if (x->obj_kind == y->obj_kind && x->obj_kind != CONTOUR_KIND_NONE &&
            strcmp(x->code, y->code) == 0 && strcmp(x->message, y->message) == 0 &&
            strcmp(x->obj_ns ? x->obj_ns : "", y->obj_ns ? y->obj_ns : "") == 0 &&
            strcmp(x->obj_name ? x->obj_name : "", y->obj_name ? y->obj_name : "") == 0 &&
            (x->field ? y->field && strcmp(x->field, y->field) == 0 : !y->field))
            return true;
    }
    return false;
}

static void warnings(rctx *c, const contour_diff *d)
{
    for (size_t i = 0; i < d->nadded; i++) {
        const contour_diagnostic *x = d->added[i];
        if (x->severity < CONTOUR_SEVERITY_WARNING || restated(d, x))
            continue;
        if (x->obj_kind != CONTOUR_KIND_NONE)
            name_obj(&c->entry, x->obj_kind, x->obj_ns, x->obj_name);
        else
            cx_strbuf_puts(&c->entry, x->file ? x->file : "");
        cx_strbuf_printf(&c->entry, ": %s", x->message);
        note(c, CONTOUR_FINDING_WARNINGS);
    }
}

/* One finding as a sentence: what it is, the first entries, how many more. */
static void sentence(rctx *c, cx_strbuf *b, contour_finding k)
{
    const finding *f = &c->f[k];
    size_t n = f->count;
    const char *s = n == 1 ? "" : "s";
    switch (k) {
    case CONTOUR_FINDING_BREAKS_OTHERS:
        cx_strbuf_printf(b, "it would break %zu other object%s: ", n, s);
        break;
    case CONTOUR_FINDING_DROPS_ROUTES:
        cx_strbuf_printf(b, "it would drop %zu route%s that serve%s today: ", n, s,
                         n == 1 ? "s" : "");
        break;
    case CONTOUR_FINDING_TAKES_ROUTES:
        cx_strbuf_printf(b, "it would give %zu route%s to another owner: ", n, s);
        break;
    case CONTOUR_FINDING_DROPS_TLS:
        cx_strbuf_printf(b, "it would remove or change TLS on %zu virtual host%s: ", n, s);
        break;
    case CONTOUR_FINDING_WARNINGS:
        cx_strbuf_printf(b, "it would add %zu warning%s: ", n, s);
        break;
    default: /* the object itself: its entries are sentences */
        break;
    }
    cx_strbuf_append(b, f->list.data ? f->list.data : "", f->list.len);
    if (n > c->policy->max_listed)
        cx_strbuf_printf(b, " and %zu more", n - c->policy->max_listed);
}

static void decide(rctx *c, contour_verdict *v)
{
    v->allowed = true;
    for (int k = 0; k < CX_FINDING_COUNT; k++) {
        v->counts[k] = c->f[k].count;
        if (!c->f[k].count)
            continue;
        switch ((contour_policy_action)c->policy->action[k]) {
        case CONTOUR_POLICY_DENY:
            if (!v->allowed)
                cx_strbuf_puts(&c->message, "; ");
            v->allowed = false;
            sentence(c, &c->message, (contour_finding)k);
            break;
        case CONTOUR_POLICY_WARN:
            sentence(c, &c->warnings, (contour_finding)k);
            cx_strbuf_putc(&c->warnings, '\0');
            c->nwarnings++;
            break;
        default:
            break;
        }
    }
}

/* Message and warnings in one block. False on OOM. */
static bool keep_text(rctx *c, contour_verdict *v)
{
    if (c->message.oom || c->warnings.oom || c->entry.oom)
        return false;
    for (int k = 0; k < CX_FINDING_COUNT; k++) {
        if (c->f[k].list.oom)
            return false;
    }
    size_t ml = c->message.len, wl = c->warnings.len, bytes;
    if (!cx_size_add(ml + 1, wl, &bytes) ||
        !cx_size_add(bytes, (c->nwarnings + 1) * sizeof(char *), &bytes))
        return false;
    char *block = cx_malloc(&v->alloc, bytes);
    if (!block)
        return false;
    v->warnings = (char **)block;
    char *p = block + (c->nwarnings + 1) * sizeof(char *);
    v->message = p;
    memcpy(p, c->message.data ? c->message.data : "", ml);
    p[ml] = '\0';
    p += ml + 1;
    if (wl)
        memcpy(p, c->warnings.data, wl);
    for (size_t i = 0; i < c->nwarnings; i++) {
        v->warnings[i] = p;
        p += strlen(p) + 1;
    }
    v->nwarnings = c->nwarnings;
    v->text = block;
    return true;
}

/* ---- the review ---- */

static void rctx_init(rctx *c, const cx_alloc *a, const contour_policy *policy)
{
    memset(c, 0, sizeof *c);
    c->policy = policy;
    for (int k = 0; k < CX_FINDING_COUNT; k++)
        cx_strbuf_init(&c->f[k].list, a);
    cx_strbuf_init(&c->entry, a);
    cx_strbuf_init(&c->message, a);
    cx_strbuf_init(&c->warnings, a);
}

static void rctx_release(rctx *c)
{
    for (int k = 0; k < CX_FINDING_COUNT; k++)
        cx_strbuf_release(&c->f[k].list);
    cx_strbuf_release(&c->entry);
    cx_strbuf_release(&c->message);
    cx_strbuf_release(&c->warnings);
}

/* A proposal the loader refused: its errors are the reason to deny. */
static void refused(rctx *c, const cx_proposal *p)
{
    for (const contour_diagnostic *x = p->source ? p->source->diags.head : NULL; x; x = x->next) {
        if (x->severity != CONTOUR_SEVERITY_ERROR)
            continue;
        cx_strbuf_printf(&c->entry, "%s", x->message);
        note(c, CONTOUR_FINDING_INVALID);
    }
}

static contour_result review(contour_verdict *v, const contour_snapshot *s,
                             const contour_graph *base, const contour_policy *policy,
                             contour_operation op, cx_proposal *p)
{
    rctx c;
    rctx_init(&c, &v->alloc, policy);
    contour_result rc = CONTOUR_OK;
    if (!p->obj) {
        /* Nothing modelled: another kind (allowed), or a modelled one the loader refused
         * (denied with its errors; deleting it harms nothing the graph shows). */
        if (op != CONTOUR_OPERATION_DELETE)
            refused(&c, p);
    } else {
        c.obj = p->obj;
        c.op = op;
        rc = cx_whatif_graph(&v->graph, s, base, op, p->obj);
        if (rc == CONTOUR_OK)
            rc = contour_diff_graphs(&v->diff, base, v->graph);
        if (rc == CONTOUR_OK) {
            if (op != CONTOUR_OPERATION_DELETE && p->obj->kind == CONTOUR_KIND_INGRESSROUTE)
                v->status = cx_graph_status_of(v->graph, p->obj);
            own_status(&c, v->status);
            statuses(&c, v->diff);
            vhosts(&c, v->diff);
            warnings(&c, v->diff);
        }
    }
    if (rc == CONTOUR_OK) {
        decide(&c, v);
        if (!keep_text(&c, v))
            rc = CONTOUR_ERR_NOMEM;
    }
    rctx_release(&c);
    return rc;
}

static bool valid_operation(contour_operation op)
{
    return op == CONTOUR_OPERATION_CREATE || op == CONTOUR_OPERATION_UPDATE ||
           op == CONTOUR_OPERATION_DELETE;
}

contour_result contour_review(contour_verdict **out, const contour_snapshot *snapshot,
                              const contour_graph *base, const contour_policy *policy,
                              contour_operation operation, const char *name, size_t name_len,
                              const char *data, size_t len, contour_format format)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!snapshot || !base || !valid_operation(operation))
        return CONTOUR_ERR_INVALID;
    if (base->uid != snapshot->uid || base->version != snapshot->version)
        return CONTOUR_ERR_INVALID;
    contour_verdict *v = cx_calloc(&snapshot->alloc, 1, sizeof *v);
    if (!v)
        return CONTOUR_ERR_NOMEM;
    v->alloc = snapshot->alloc;
    cx_proposal p;
    contour_result rc = cx_proposal_parse(&p, snapshot, name, name_len, data, len, format);
    if (rc == CONTOUR_OK && p.objects > 1)
        rc = CONTOUR_ERR_INVALID; /* one change at a time */
    if (rc == CONTOUR_OK)
        rc = review(v, snapshot, base, policy ? policy : &cx_policy_defaults, operation, &p);
    cx_proposal_release(&p, &snapshot->alloc);
    if (rc != CONTOUR_OK) {
        contour_verdict_free(v);
        return rc;
    }
    *out = v;
    return CONTOUR_OK;
}

void contour_verdict_free(contour_verdict *v)
{
    if (!v)
        return;
    contour_diff_free(v->diff);
    contour_graph_free(v->graph);
    cx_alloc a = v->alloc;
    cx_free(&a, v->text);
    cx_free(&a, v);
}

bool contour_verdict_allowed(const contour_verdict *v)
{
    return v ? v->allowed : false;
}

const char *contour_verdict_message(const contour_verdict *v)
{
    return v && v->message ? v->message : "";
}

size_t contour_verdict_warning_count(const contour_verdict *v)
{
    return v ? v->nwarnings : 0;
}

const char *contour_verdict_warning_at(const contour_verdict *v, size_t i)
{
    return v && i < v->nwarnings ? v->warnings[i] : NULL;
}

size_t contour_verdict_finding_count(const contour_verdict *v, contour_finding which)
{
    return v && (unsigned)which < CX_FINDING_COUNT ? v->counts[which] : 0;
}

const contour_status *contour_verdict_status(const contour_verdict *v)
{
    return v ? v->status : NULL;
}

const contour_diff *contour_verdict_diff(const contour_verdict *v)
{
    return v ? v->diff : NULL;
}
