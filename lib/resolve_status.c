/*
 * Statuses (spec §2 rule 9): one per IngressRoute that is not ignored, from what every
 * unit learned about it, in fqdn order:
 *   invalid   rule 1 judged it (its own fqdn's unit), or it failed on some vhost (the
 *             first by vhost name, then walk order — the first failure of that unit);
 *   valid     reached through some vhost;
 *   orphaned  reached through none.
 * It also says which of its object result's warnings apply (published somewhere, entered
 * somewhere, its tcpproxy delegate missing on some walk) and makes one route-conflict
 * warning per route of it that lost a conflict, however many vhosts it lost on (rule 10,
 * rule 11: a route shared by N vhosts must not make N warnings).
 */
#include "resolve.h"
#include "resolve_build.h"

#include <stdio.h>
#include <string.h>

static void status_destroy(cx_shared *self, const cx_alloc *a)
{
    contour_status *s = (contour_status *)self;
    if (s->res)
        cx_shared_release(&s->res->rc, a);
    cx_object_release(s->obj, a);
    cx_arena_release_with(s->arena, a);
}

bool cx_graph_holds_status(const contour_graph *g, const contour_status *s)
{
    return s->rc.destroy == status_destroy && cx_graph_status_of(g, s->obj) == s;
}

typedef struct sctx {
    cx_rx *rx;
    contour_status *s;
    cx_vec diags; /* const contour_diagnostic * */
    cx_strbuf msg;
    bool oom;
} sctx;

static const char *sstr(sctx *c, const char *s)
{
    if (!s)
        return NULL;
    const char *p = cx_arena_strdup(&c->s->arena, s);
    if (!p)
        c->oom = true;
    return p;
}

static void add_list(sctx *c, const contour_diagnostic *const *d, uint32_t n)
{
    if (!cx_vec_reserve(&c->diags, n)) {
        c->oom = true;
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        cx_vec_push(&c->diags, &d[i]);
}

/* The route-conflict warning of route `route`, which lost first on reach[first] and on
 * `more` other vhosts. */
static void conflict_diag(sctx *c, const contour_object *o, const cx_reach *at, const cx_loss *loss,
                          uint32_t more)
{
    const cx_irres *res = c->s->res;
    const cx_rtpl *l = loss->route < res->route_count ? res->tpl[loss->route] : NULL;
    if (!l)
        return;
    cx_strbuf *m = &c->msg;
    cx_strbuf_clear(m);
    cx_strbuf_puts(m, l->r.match == CONTOUR_MATCH_EXACT ? "exact path " : "prefix ");
    cx_msg_quote(m, l->r.path);
    cx_strbuf_puts(m, " on virtual host ");
    cx_msg_quote(m, at->fqdn);
    const contour_object *w = loss->winner;
    cx_strbuf_printf(m, " is already routed by %s %s/%s", contour_kind_name(w->kind), w->ns,
                     w->name);
    char field[64];
    if (w == o) {
        /* The loser's own object: the name alone would not say which route won. */
        cx_rtpl wt = {.obj = w, .rule = loss->winner_rule, .index = loss->winner_index};
        cx_rtpl_field(&wt, field, sizeof field);
        cx_strbuf_printf(m, " (%s)", field);
    }
    cx_strbuf_puts(m, "; this route is ignored");
    if (more)
        cx_strbuf_printf(m, " (and on %u more virtual host%s)", more, more == 1 ? "" : "s");
    cx_rtpl_field(l, field, sizeof field);
    cx_dsink sink = {&c->s->arena, &c->diags, &c->s->rc};
    if (!cx_rdiag(sink, CONTOUR_SEVERITY_WARNING, "route-conflict", o, l->pos, m, "%s", field))
        c->oom = true;
}

/* One warning per losing route: where it first lost (fqdn order), and on how many more. */
static void conflicts(sctx *c, const contour_object *o, const cx_reach *reach, uint32_t n)
{
    uint32_t routes = o->u.ir.route_count;
    for (uint32_t i = 0; i < n && !c->oom; i++) {
        for (uint32_t k = 0; k < reach[i].nlosses && !c->oom; k++) {
            const cx_loss *loss = &reach[i].losses[k];
            if (loss->route >= routes)
                continue;
            /* Is this its first loss? Count the vhosts after it it loses on too. Losses
             * per vhost are few (one per losing route), so the scans stay small. */
            bool earlier = false;
            for (uint32_t j = 0; j < i && !earlier; j++) {
                for (uint32_t x = 0; x < reach[j].nlosses && !earlier; x++)
                    earlier = reach[j].losses[x].route == loss->route;
            }
            if (earlier)
                continue;
            uint32_t more = 0;
            for (uint32_t j = i + 1; j < n; j++) {
                for (uint32_t x = 0; x < reach[j].nlosses; x++) {
                    if (reach[j].losses[x].route == loss->route) {
                        more++;
                        break;
                    }
                }
            }
            conflict_diag(c, o, &reach[i], loss, more);
        }
    }
}

contour_status *cx_status_make(cx_rx *rx, const contour_object *o, const cx_irres *res,
                               const cx_reach *reach, uint32_t nreach)
{
    cx_arena arena;
    cx_record_arena(&rx->ows, &arena, rx->alloc, 256 + (size_t)nreach * 64);
    contour_status *s = cx_arena_zalloc(&arena, sizeof *s);
    if (!s) {
        cx_arena_release(&arena);
        return NULL;
    }
    s->arena = arena;
    cx_shared_init(&s->rc, status_destroy);
    sctx c = {rx, s, {0}, {0}, false};
    cx_vec_init(&c.diags, rx->alloc, sizeof(const contour_diagnostic *));
    cx_strbuf_init(&c.msg, rx->alloc);

    s->kind = CONTOUR_KIND_INGRESSROUTE;
    s->ns = o->ns;
    s->name = o->name;
    s->file = o->source ? o->source->name : "";
    s->pos = o->pos;
    s->root_fqdn = o->u.ir.has_virtualhost ? (o->u.ir.fqdn ? o->u.ir.fqdn : "") : NULL;

    /* The units' lists, copied: a status outlives the units that made it. */
    cx_reach *own = nreach ? cx_arena_array(&s->arena, nreach, sizeof *own) : NULL;
    c.oom |= nreach && !own;
    const cx_reach *rule1 = NULL, *failed = NULL;
    uint32_t listed = 0;
    for (uint32_t i = 0; i < nreach && !c.oom; i++) {
        cx_reach r = reach[i];
        r.fqdn = sstr(&c, r.fqdn);
        r.fail = sstr(&c, r.fail);
        if (r.nlosses) {
            cx_loss *l = cx_arena_array(&s->arena, r.nlosses, sizeof *l);
            if (!l)
                c.oom = true;
            else
                memcpy(l, r.losses, r.nlosses * sizeof *l);
            r.losses = l;
        }
        own[i] = r;
        if ((r.flags & CX_C_RULE1) && !rule1)
            rule1 = &own[i];
        if (!(r.flags & CX_C_RULE1) && r.fail && !failed)
            failed = &own[i];
        listed += (r.flags & CX_C_REACHED) != 0;
        s->entered += (r.flags & CX_C_ENTERED) != 0;
        s->published += (r.flags & CX_C_PUBLISHED) != 0;
        s->tcpmiss += (r.flags & CX_C_TCPMISS) != 0;
    }
    s->reach = own;
    s->nreach = nreach;

    bool list_vhosts = false;
    if (rule1) {
        s->state = CONTOUR_STATE_INVALID;
        s->description = rule1->fail;
        s->pos = rule1->fail_pos;
    } else if (failed) {
        s->state = CONTOUR_STATE_INVALID;
        s->description = failed->fail;
        s->pos = failed->fail_pos;
        list_vhosts = true;
    } else if (listed) {
        s->state = CONTOUR_STATE_VALID;
        s->description = "valid IngressRoute";
        list_vhosts = true;
    } else {
        s->state = CONTOUR_STATE_ORPHANED;
        s->description =
            "this IngressRoute is not part of a delegation chain from a root IngressRoute";
    }
    if (list_vhosts && listed && !c.oom) {
        s->vhosts = cx_arena_array(&s->arena, listed, sizeof *s->vhosts);
        c.oom |= s->vhosts == NULL;
        for (uint32_t i = 0; i < nreach && !c.oom; i++) {
            if (own[i].flags & CX_C_REACHED)
                s->vhosts[s->vhost_count++] = own[i].fqdn;
        }
    }
    if (!c.oom) {
        cx_shared_retain(&res->rc);
        s->res = res;
        if (s->published)
            add_list(&c, res->published_diags, res->npublished);
        if (s->entered)
            add_list(&c, res->entered_diags, res->nentered);
        if (s->tcpmiss && res->tcp_diag)
            add_list(&c, &res->tcp_diag, 1);
    }
    if (!c.oom)
        conflicts(&c, o, own, nreach);
    if (!c.oom && c.diags.len) {
        s->diags = cx_arena_array(&s->arena, c.diags.len, sizeof *s->diags);
        if (!s->diags)
            c.oom = true;
        else
            memcpy((void *)s->diags, c.diags.data, c.diags.len * sizeof *s->diags);
        s->ndiags = (uint32_t)c.diags.len;
    }
    cx_vec_release(&c.diags);
    cx_strbuf_release(&c.msg);
    cx_object_retain(o);
    s->obj = o;
    if (c.oom) {
        cx_shared_release(&s->rc, rx->alloc);
        return NULL;
    }
    return s;
}
