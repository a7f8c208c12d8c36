/*
 * A resolution's context: the result of each object, made once per resolution (or taken
 * from the previous graph when the object has not changed since), shared by every unit
 * that needs it. Full and incremental resolution both work through it.
 */
#include "resolve.h"
#include "resolve_build.h"

#include <string.h>

/* ---- object results of a resolution ---- */

static uint64_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return x ^ (x >> 29);
}

static bool ptr_is(const void *value, const void *key)
{
    return *(const void *const *)value == key;
}

/* Map entries: the object's address, then its result. */
typedef struct res_entry {
    const contour_object *obj;
    const cx_shared *res;
} res_entry;

void cx_rx_init(cx_rx *rx, const contour_snapshot *s, const cx_settings *set, const cx_alloc *alloc)
{
    memset(rx, 0, sizeof *rx);
    rx->s = s;
    rx->set = set;
    rx->alloc = alloc;
    /* Addresses are not chosen by the input: a fixed key spares a getrandom per map. */
    static const cx_hash_key address_key = {0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL};
    cx_map_init_keyed(&rx->irres, alloc, address_key);
    cx_map_init_keyed(&rx->objrecs, alloc, address_key);
    cx_objws_init(&rx->ows, alloc);
}

static void release_map(cx_map *m, const cx_alloc *a)
{
    for (size_t i = 0; i < m->cap; i++) {
        res_entry *e = m->slots[i].value;
        if (!e)
            continue;
        cx_shared_release(e->res, a);
        cx_free(a, e);
    }
    cx_map_release(m);
}

bool cx_rx_dense(cx_rx *rx, uint32_t ids)
{
    for (int i = 0; i < 2; i++) {
        rx->dense[i] = cx_calloc(rx->alloc, ids ? ids : 1, sizeof *rx->dense[i]);
        if (!rx->dense[i])
            return false;
    }
    rx->dense_n = ids;
    return true;
}

void cx_rx_release(cx_rx *rx)
{
    for (int i = 0; i < 2; i++) {
        for (uint32_t k = 0; rx->dense[i] && k < rx->dense_n; k++)
            cx_shared_release(rx->dense[i][k], rx->alloc);
        cx_free(rx->alloc, rx->dense[i]);
        rx->dense[i] = NULL;
    }
    release_map(&rx->irres, rx->alloc);
    release_map(&rx->objrecs, rx->alloc);
    cx_objws_release(&rx->ows);
}

static const cx_shared *map_get(const cx_rx *rx, int which, const contour_object *o)
{
    if (rx->dense[which])
        return o->key->id < rx->dense_n ? rx->dense[which][o->key->id] : NULL;
    const res_entry *e = cx_map_find(which ? &rx->objrecs : &rx->irres, ptr_hash(o), ptr_is, o);
    return e ? e->res : NULL;
}

/* Adds a result (rx takes the reference). False on OOM (the reference is dropped). */
static bool put(cx_rx *rx, int which, const contour_object *o, const cx_shared *res)
{
    if (rx->dense[which] && o->key->id < rx->dense_n) {
        rx->dense[which][o->key->id] = res;
        return true;
    }
    cx_map *m = which ? &rx->objrecs : &rx->irres;
    res_entry *e = cx_malloc(rx->alloc, sizeof *e);
    if (!e || !cx_map_reserve(m, 1)) {
        cx_free(rx->alloc, e);
        cx_shared_release(res, rx->alloc);
        rx->oom = true;
        return false;
    }
    e->obj = o;
    e->res = res;
    cx_map_put(m, ptr_hash(o), ptr_is, o, e);
    return true;
}

/* A result kept by the previous graph, when its object has not changed since. */
static const cx_shared *reuse(const cx_rx *rx, const contour_object *o, bool irres)
{
    if (!rx->prev || (rx->changed && cx_map_find(rx->changed, ptr_hash(o->key), ptr_is, o->key)))
        return NULL;
    if (irres) {
        const contour_status *st = cx_graph_status_of(rx->prev, o);
        return st && st->res && st->res->obj == o ? &st->res->rc : NULL;
    }
    const cx_objrec *r = cx_graph_record_of(rx->prev, o);
    return r && r->obj == o ? &r->rc : NULL;
}

const cx_irres *cx_rx_irres(cx_rx *rx, const contour_object *o)
{
    const cx_shared *r = map_get(rx, 0, o);
    if (r)
        return (const cx_irres *)r;
    r = reuse(rx, o, true);
    if (r)
        cx_shared_retain(r);
    else
        r = (const cx_shared *)cx_irres_make(rx, o);
    if (!r) {
        rx->oom = true;
        return NULL;
    }
    return put(rx, 0, o, r) ? (const cx_irres *)r : NULL;
}

const cx_objrec *cx_rx_objrec(cx_rx *rx, const contour_object *o)
{
    if (!cx_objrec_needed(o))
        return NULL;
    const cx_shared *r = map_get(rx, 1, o);
    if (r)
        return (const cx_objrec *)r;
    r = reuse(rx, o, false);
    if (r)
        cx_shared_retain(r);
    else
        r = (const cx_shared *)cx_objrec_make(rx, o);
    if (!r) {
        rx->oom = true;
        return NULL;
    }
    return put(rx, 1, o, r) ? (const cx_objrec *)r : NULL;
}
