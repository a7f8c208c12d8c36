/*
 * contour_whatif(): the graph a snapshot would resolve to with one change applied, made
 * without changing the snapshot, so that any number of reviews can run at once while the
 * snapshot is only read.
 *
 * The proposed object is staged as a load would (cx_stage_buffer), its references bound
 * to the snapshot's keys by lookup only (a name the snapshot has never seen stays unbound:
 * nothing of that name exists), and it overlays whatever its key holds: the resolver sees
 * it in place of the snapshot's object (cx_overlay, cx_rx_obj). The graph is patched from
 * the base graph as an update would be, so it costs what the change touches and is the
 * graph a full resolution of the changed snapshot would give.
 */
#include "whatif.h"
#include "graph_internal.h"
#include "resolve_build.h"
#include "resolve_update.h"

#include <string.h>

void cx_proposal_release(cx_proposal *p, const cx_alloc *alloc)
{
    cx_load_txn_release(&p->txn, alloc);
    memset(p, 0, sizeof *p);
}

contour_result cx_proposal_parse(cx_proposal *p, const contour_snapshot *s, const char *name,
                                 size_t name_len, const char *data, size_t len,
                                 contour_format format)
{
    memset(p, 0, sizeof *p);
    cx_load_txn_init(&p->txn, &s->alloc);
    contour_result rc = cx_stage_buffer(s, &p->txn, name, name_len, data, len, format);
    if (rc != CONTOUR_OK && rc != CONTOUR_ERR_LIMIT)
        return rc;
    if (p->txn.sources.len)
        p->source = *(cx_source **)cx_vec_at(&p->txn.sources, 0);
    if (p->txn.objects.len == 1)
        p->obj = *(contour_object **)cx_vec_at(&p->txn.objects, 0);
    p->objects = p->txn.objects.len;
    return rc;
}

/* ---- binding references ---- */

typedef struct bind_ctx {
    const cx_keytab *keys;
    cx_key *self; /* the object's own key (a reference to itself is one to it) */
    bool oom;
} bind_ctx;

/* The snapshot's key for a name, or (a name nothing in the snapshot is or names) a key of
 * its own, so that the reference shows as one to a missing object, as it would once the
 * object is loaded. */
static void bind_ref(void *ctx, cx_key **slot, contour_kind kind, const char *ns, size_t ns_len,
                     const char *name, size_t name_len)
{
    bind_ctx *b = ctx;
    if (*slot || b->oom)
        return;
    cx_key *k = cx_keytab_find(b->keys, kind, ns, ns_len, name, name_len);
    const cx_key *me = b->self;
    if (!k && me->kind == kind && me->ns_len == ns_len && me->name_len == name_len &&
        memcmp(me->ns, ns, ns_len) == 0 && memcmp(me->name, name, name_len) == 0)
        k = b->self;
    if (k)
        cx_key_retain(k); /* the object releases its keys when it goes */
    else
        k = cx_key_new_detached(b->keys, kind, ns, ns_len, name, name_len);
    b->oom = k == NULL;
    *slot = k;
}

/* The object's own key: the snapshot's, or one made for it. False on OOM. */
static bool bind_object(const contour_snapshot *s, contour_object *o)
{
    if (!o->key) {
        cx_key *k = cx_keytab_find(&s->keys, o->kind, o->ns, o->ns_len, o->name, o->name_len);
        if (k)
            cx_key_retain(k);
        else
            k = cx_key_new_detached(&s->keys, o->kind, o->ns, o->ns_len, o->name, o->name_len);
        if (!k)
            return false;
        o->key = k;
    }
    bind_ctx b = {&s->keys, o->key, false};
    cx_object_refs(o, bind_ref, &b);
    return !b.oom;
}

/* ---- the graph ---- */

contour_result cx_whatif_graph(contour_graph **out, const contour_snapshot *s,
                               const contour_graph *base, contour_operation op, contour_object *obj)
{
    *out = NULL;
    if (base->uid != s->uid || base->version != s->version)
        return CONTOUR_ERR_INVALID;
    if (base->limit || base->cutoff < cx_pt_count(&base->units))
        return CONTOUR_ERR_LIMIT;
    if (!bind_object(s, obj))
        return CONTOUR_ERR_NOMEM;
    const contour_object *now = op == CONTOUR_OPERATION_DELETE ? NULL : obj;
    cx_overlay ov = {obj->key, now, obj->key->obj};
    cx_delta d = {obj->key, obj->key->obj, now};
    contour_graph *g = cx_graph_fork(base, s);
    if (!g)
        return CONTOUR_ERR_NOMEM;
    g->version = UINT64_MAX; /* no version of the snapshot: never the base of an update */
    cx_patch p = {s, &ov, &d, d.old == d.now ? 0 : 1, NULL, 0};
    if (!cx_graph_patch(g, base, &p)) {
        contour_graph_free(g);
        return CONTOUR_ERR_NOMEM;
    }
    g->cutoff = cx_cutoff(&g->units, g->settings->route_limit);
    if (g->cutoff < cx_pt_count(&g->units)) {
        contour_graph_free(g);
        return CONTOUR_ERR_LIMIT;
    }
    cx_graph_listeners(g);
    *out = g;
    return CONTOUR_OK;
}

static bool valid_operation(contour_operation op)
{
    return op == CONTOUR_OPERATION_CREATE || op == CONTOUR_OPERATION_UPDATE ||
           op == CONTOUR_OPERATION_DELETE;
}

contour_result contour_whatif(contour_graph **out, const contour_snapshot *snapshot,
                              const contour_graph *base, contour_operation operation,
                              const char *name, size_t name_len, const char *data, size_t len,
                              contour_format format)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!snapshot || !base || !valid_operation(operation))
        return CONTOUR_ERR_INVALID;
    cx_proposal p;
    contour_result rc = cx_proposal_parse(&p, snapshot, name, name_len, data, len, format);
    if (rc == CONTOUR_OK && !p.obj)
        rc = CONTOUR_ERR_INVALID; /* not exactly one object of a modelled kind */
    if (rc == CONTOUR_OK)
        rc = cx_whatif_graph(out, snapshot, base, operation, p.obj);
    cx_proposal_release(&p, &snapshot->alloc);
    return rc;
}
