/* The snapshot's indexes for resolution (snapshot_index.h). */
#include "snapshot_index.h"

#include <string.h>

/* ---- which names an object contributes ---- */

void cx_vh_names(const contour_object *o, void (*fn)(void *ctx, int list, const char *name),
                 void *ctx)
{
    if (o->kind == CONTOUR_KIND_INGRESSROUTE) {
        if (o->u.ir.has_virtualhost)
            fn(ctx, CX_VH_ROOTS, o->u.ir.fqdn ? o->u.ir.fqdn : "");
        return;
    }
    if (o->kind != CONTOUR_KIND_INGRESS)
        return;
    const cx_ingress *ing = &o->u.ing;
    bool star = false;
    for (uint32_t r = 0; r < ing->rule_count; r++) {
        const contour_ingress_rule *x = &ing->rules[r];
        if (!x->has_http || !x->path_count)
            continue;
        const char *h = x->host && *x->host ? x->host : "*";
        if (strcmp(h, "*") == 0)
            star = true;
        else
            fn(ctx, CX_VH_RULES, h);
    }
    if (star || ing->has_default_backend)
        fn(ctx, CX_VH_RULES, "*");
    for (uint32_t t = 0; t < ing->tls_count; t++) {
        for (uint32_t h = 0; h < ing->tls[t].host_count; h++) {
            const char *x = ing->tls[t].hosts[h];
            if (x && strcmp(x, "*") != 0)
                fn(ctx, CX_VH_TLS, x);
        }
    }
}

/* ---- virtual host names ---- */

typedef struct span {
    const char *p;
    size_t n;
} span;

static bool entry_is(const void *value, const void *key)
{
    const cx_vh_entry *e = value;
    const span *k = key;
    return e->len == k->n && memcmp(e->name, k->p, k->n) == 0;
}

static int entry_order(const void *a, const void *b)
{
    const cx_vh_entry *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->name, y->name, n);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

static const cx_pt_ops entry_ops = {entry_order, NULL, NULL, NULL};

void cx_vhindex_init(cx_vhindex *x, const cx_alloc *alloc)
{
    x->alloc = alloc;
    cx_map_init(&x->map, alloc);
    cx_pt_init(&x->order, &entry_ops, alloc);
}

static void entry_free(const cx_alloc *a, cx_vh_entry *e)
{
    for (int l = 0; l < CX_VH_LISTS; l++)
        cx_vec_release(&e->list[l]);
    cx_free(a, e);
}

void cx_vhindex_release(cx_vhindex *x)
{
    for (size_t i = 0; i < x->map.cap; i++) {
        if (x->map.slots[i].value)
            entry_free(x->alloc, x->map.slots[i].value);
    }
    cx_map_release(&x->map);
    cx_pt_release(&x->order);
}

const cx_vh_entry *cx_vhindex_find(const cx_vhindex *x, const char *name, size_t len)
{
    span k = {name, len};
    return cx_map_find(&x->map, cx_hash_bytes(x->map.key, name, len), entry_is, &k);
}

/* The entry for a name, created when absent. NULL on OOM. */
static cx_vh_entry *entry_get(cx_vhindex *x, const char *name)
{
    size_t len = strlen(name);
    span k = {name, len};
    uint64_t h = cx_hash_bytes(x->map.key, name, len);
    cx_vh_entry *e = cx_map_find(&x->map, h, entry_is, &k);
    if (e)
        return e;
    size_t bytes;
    if (len > UINT32_MAX || !cx_size_add(sizeof *e, len + 1, &bytes))
        return NULL;
    if (!cx_map_reserve(&x->map, 1))
        return NULL;
    e = cx_malloc(x->alloc, bytes);
    if (!e)
        return NULL;
    memset(e, 0, sizeof *e);
    char *p = (char *)(e + 1);
    memcpy(p, name, len + 1);
    e->name = p;
    e->len = (uint32_t)len;
    e->hash = h;
    for (int l = 0; l < CX_VH_LISTS; l++)
        cx_vec_init(&e->list[l], x->alloc, sizeof(cx_key *));
    if (!cx_pt_insert(&x->order, e)) {
        cx_free(x->alloc, e);
        return NULL;
    }
    span stored = {e->name, len};
    cx_map_put(&x->map, h, entry_is, &stored, e);
    return e;
}

static bool entry_empty(const cx_vh_entry *e)
{
    for (int l = 0; l < CX_VH_LISTS; l++) {
        if (e->list[l].len)
            return false;
    }
    return true;
}

static void entry_drop(cx_vhindex *x, cx_vh_entry *e)
{
    span k = {e->name, e->len};
    bool found;
    cx_pt_remove(&x->order, e, &found);
    cx_map_remove(&x->map, e->hash, entry_is, &k);
    entry_free(x->alloc, e);
}

typedef struct prep_ctx {
    cx_vhindex *x;
    bool ok;
} prep_ctx;

/* Room for one more object in a list, on top of what other objects of the same commit
 * reserved already (`pending`, consumed by cx_vhindex_add). */
static void prep_name(void *ctx, int list, const char *name)
{
    prep_ctx *c = ctx;
    if (!c->ok)
        return;
    cx_vh_entry *e = entry_get(c->x, name);
    c->ok = e && cx_vec_reserve(&e->list[list], (size_t)e->pending[list] + 1);
    if (c->ok)
        e->pending[list]++;
}

bool cx_vhindex_prepare(cx_vhindex *x, const contour_object *o)
{
    prep_ctx c = {x, true};
    cx_vh_names(o, prep_name, &c);
    return c.ok;
}

void cx_vhindex_abort(cx_vhindex *x)
{
    for (size_t i = 0; i < x->map.cap; i++) {
        cx_vh_entry *e = x->map.slots[i].value;
        if (e)
            memset(e->pending, 0, sizeof e->pending);
        if (e && entry_empty(e)) {
            entry_drop(x, e);
            i = (size_t)-1; /* the map moved entries: scan again (rare: only after OOM) */
        }
    }
}

static void add_name(void *ctx, int list, const char *name)
{
    const void **c = ctx;
    cx_vhindex *x = (cx_vhindex *)c[0];
    const contour_object *o = c[1];
    cx_vh_entry *e = (cx_vh_entry *)cx_vhindex_find(x, name, strlen(name));
    cx_key *k = o->key;
    cx_vec_push(&e->list[list], &k); /* reserved in cx_vhindex_prepare */
    if (e->pending[list])
        e->pending[list]--;
}

void cx_vhindex_add(cx_vhindex *x, const contour_object *o)
{
    const void *c[2] = {x, o};
    cx_vh_names(o, add_name, c);
}

static void remove_name(void *ctx, int list, const char *name)
{
    const void **c = ctx;
    cx_vhindex *x = (cx_vhindex *)c[0];
    const contour_object *o = c[1];
    cx_vh_entry *e = (cx_vh_entry *)cx_vhindex_find(x, name, strlen(name));
    if (!e)
        return;
    cx_vec *v = &e->list[list];
    for (size_t i = 0; i < v->len; i++) {
        if (*(cx_key **)cx_vec_at(v, i) == o->key) {
            *(cx_key **)cx_vec_at(v, i) = *(cx_key **)cx_vec_at(v, v->len - 1);
            v->len--;
            break;
        }
    }
    if (entry_empty(e))
        entry_drop(x, e);
}

void cx_vhindex_remove(cx_vhindex *x, const contour_object *o)
{
    const void *c[2] = {x, o};
    cx_vh_names(o, remove_name, c);
}

/* ---- TLS certificate delegations ---- */

typedef struct tcd_entry {
    const cx_key *secret;
    const char *target;
    size_t target_len;
    uint64_t hash;
    uint32_t count;
} tcd_entry;

typedef struct tcd_key {
    const cx_key *secret;
    const char *target;
    size_t target_len;
} tcd_key;

static bool tcd_is(const void *value, const void *key)
{
    const tcd_entry *e = value;
    const tcd_key *k = key;
    return e->secret == k->secret && e->target_len == k->target_len &&
           memcmp(e->target, k->target, k->target_len) == 0;
}

static uint64_t tcd_hash(const cx_tcdindex *x, const cx_key *secret, const char *t, size_t n)
{
    return cx_hash_bytes(x->map.key, t, n) ^ (secret->hash * 0x9E3779B97F4A7C15ull);
}

void cx_tcdindex_init(cx_tcdindex *x, const cx_alloc *alloc)
{
    x->alloc = alloc;
    cx_map_init(&x->map, alloc);
}

void cx_tcdindex_release(cx_tcdindex *x)
{
    for (size_t i = 0; i < x->map.cap; i++)
        cx_free(x->alloc, x->map.slots[i].value);
    cx_map_release(&x->map);
}

static tcd_entry *tcd_find(const cx_tcdindex *x, const cx_key *secret, const char *t, size_t n)
{
    tcd_key k = {secret, t, n};
    return cx_map_find(&x->map, tcd_hash(x, secret, t, n), tcd_is, &k);
}

/* Calls fn for each (secret, target) pair of a delegation object. */
static bool tcd_pairs(const contour_object *o,
                      bool (*fn)(cx_tcdindex *x, const cx_key *secret, const char *target),
                      cx_tcdindex *x)
{
    if (o->kind != CONTOUR_KIND_TLSCERTIFICATEDELEGATION)
        return true;
    const cx_tlscertdelegation *td = &o->u.td;
    for (uint32_t d = 0; d < td->delegation_count; d++) {
        const cx_cert_delegation *cd = &td->delegations[d];
        if (!cd->key)
            continue;
        for (uint32_t t = 0; t < cd->target_count; t++) {
            if (cd->targets[t] && !fn(x, cd->key, cd->targets[t]))
                return false;
        }
    }
    return true;
}

static bool tcd_reserve(cx_tcdindex *x, const cx_key *secret, const char *target)
{
    size_t n = strlen(target);
    if (tcd_find(x, secret, target, n))
        return true;
    size_t bytes;
    if (!cx_size_add(sizeof(tcd_entry), n + 1, &bytes) || !cx_map_reserve(&x->map, 1))
        return false;
    tcd_entry *e = cx_malloc(x->alloc, bytes);
    if (!e)
        return false;
    char *p = (char *)(e + 1);
    memcpy(p, target, n + 1);
    *e = (tcd_entry){secret, p, n, tcd_hash(x, secret, target, n), 0};
    tcd_key k = {secret, p, n};
    cx_map_put(&x->map, e->hash, tcd_is, &k, e);
    return true;
}

bool cx_tcdindex_prepare(cx_tcdindex *x, const contour_object *o)
{
    return tcd_pairs(o, tcd_reserve, x);
}

void cx_tcdindex_abort(cx_tcdindex *x)
{
    for (size_t i = 0; i < x->map.cap; i++) {
        tcd_entry *e = x->map.slots[i].value;
        if (e && e->count == 0) {
            tcd_key k = {e->secret, e->target, e->target_len};
            cx_map_remove(&x->map, e->hash, tcd_is, &k);
            cx_free(x->alloc, e);
            i = (size_t)-1;
        }
    }
}

static bool tcd_inc(cx_tcdindex *x, const cx_key *secret, const char *target)
{
    tcd_find(x, secret, target, strlen(target))->count++;
    return true;
}

static bool tcd_dec(cx_tcdindex *x, const cx_key *secret, const char *target)
{
    tcd_entry *e = tcd_find(x, secret, target, strlen(target));
    if (e && --e->count == 0) {
        tcd_key k = {e->secret, e->target, e->target_len};
        cx_map_remove(&x->map, e->hash, tcd_is, &k);
        cx_free(x->alloc, e);
    }
    return true;
}

void cx_tcdindex_add(cx_tcdindex *x, const contour_object *o)
{
    tcd_pairs(o, tcd_inc, x);
}

void cx_tcdindex_remove(cx_tcdindex *x, const contour_object *o)
{
    tcd_pairs(o, tcd_dec, x);
}

uint32_t cx_tcdindex_count(const cx_tcdindex *x, const cx_key *secret, const char *target,
                           size_t target_len)
{
    const tcd_entry *e = x->map.count ? tcd_find(x, secret, target, target_len) : NULL;
    return e ? e->count : 0;
}

bool cx_tcdindex_allows(const cx_tcdindex *x, const cx_key *secret, const char *target,
                        size_t target_len)
{
    return x->map.count && (tcd_find(x, secret, target, target_len) || tcd_find(x, secret, "*", 1));
}
