/* The key table of keys.h: a keyed hash map for lookups, a dense id array for resolution. */
#include "keys.h"

#include <string.h>

typedef struct key_ref {
    uint8_t kind;
    const char *ns, *name;
    size_t ns_len, name_len;
} key_ref;

static bool key_is(const void *value, const void *key)
{
    const cx_key *k = value;
    const key_ref *r = key;
    return k->kind == r->kind && k->ns_len == r->ns_len && k->name_len == r->name_len &&
           memcmp(k->name, r->name, r->name_len) == 0 && memcmp(k->ns, r->ns, r->ns_len) == 0;
}

uint64_t cx_key_hash(cx_hash_key key, contour_kind kind, const char *ns, size_t ns_len,
                     const char *name, size_t name_len)
{
    /* The kind is mixed in after the keyed hash: it is not chosen by the input. */
    return cx_hash_pair(key, ns, ns_len, name, name_len) ^ ((uint64_t)kind * 0x9E3779B97F4A7C15ull);
}

static uint64_t key_hash(const cx_keytab *t, const key_ref *r)
{
    return cx_key_hash(t->map.key, (contour_kind)r->kind, r->ns, r->ns_len, r->name, r->name_len);
}

static void key_destroy(cx_shared *self, const cx_alloc *alloc)
{
    cx_free(alloc, self);
}

void cx_keytab_init(cx_keytab *t, const cx_alloc *alloc)
{
    memset(t, 0, sizeof *t);
    t->alloc = alloc;
    cx_map_init(&t->map, alloc);
    cx_vec_init(&t->free_ids, alloc, sizeof(uint32_t));
}

void cx_keytab_release(cx_keytab *t)
{
    for (uint32_t i = 0; i < t->top; i++) {
        if (t->by_id[i])
            cx_key_release(t->by_id[i], t->alloc);
    }
    cx_free(t->alloc, t->by_id);
    cx_map_release(&t->map);
    cx_vec_release(&t->free_ids);
    memset(t, 0, sizeof *t);
}

cx_key *cx_keytab_find(const cx_keytab *t, contour_kind kind, const char *ns, size_t ns_len,
                       const char *name, size_t name_len)
{
    key_ref r = {(uint8_t)kind, ns, name, ns_len, name_len};
    return cx_map_find(&t->map, key_hash(t, &r), key_is, &r);
}

/* An id for a new key: a free one, or the next (growing the id array). */
static bool take_id(cx_keytab *t, uint32_t *id)
{
    if (t->free_ids.len) {
        *id = *(uint32_t *)cx_vec_at(&t->free_ids, --t->free_ids.len);
        return true;
    }
    if (t->top == UINT32_MAX)
        return false;
    if (t->top == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 256;
        if (cap < t->cap)
            return false;
        size_t bytes;
        if (!cx_size_mul(cap, sizeof *t->by_id, &bytes))
            return false;
        cx_key **p = cx_realloc(t->alloc, t->by_id, bytes);
        if (!p)
            return false;
        t->by_id = p;
        t->cap = cap;
    }
    *id = t->top++;
    t->by_id[*id] = NULL; /* a failed intern gives the id back with no key behind it */
    return true;
}

/* A key block: the struct, then ns and name, NUL-terminated. One reference. */
static cx_key *key_block(const cx_alloc *a, const key_ref *r, size_t bytes, uint64_t h, uint32_t id)
{
    cx_key *k = cx_malloc(a, bytes);
    if (!k)
        return NULL;
    cx_shared_init(&k->rc, key_destroy);
    char *p = (char *)(k + 1);
    memcpy(p, r->ns, r->ns_len);
    p[r->ns_len] = '\0';
    memcpy(p + r->ns_len + 1, r->name, r->name_len);
    p[r->ns_len + 1 + r->name_len] = '\0';
    k->obj = NULL;
    k->uses = 0;
    k->id = id;
    k->kind = r->kind;
    k->ns_len = (uint32_t)r->ns_len;
    k->name_len = (uint32_t)r->name_len;
    k->hash = h;
    k->ns = p;
    k->name = p + r->ns_len + 1;
    return k;
}

static bool key_bytes(size_t ns_len, size_t name_len, size_t *bytes)
{
    return ns_len <= UINT32_MAX && name_len <= UINT32_MAX &&
           cx_size_add(sizeof(cx_key), ns_len, bytes) && cx_size_add(*bytes, name_len + 2, bytes);
}

cx_key *cx_key_new_detached(const cx_keytab *t, contour_kind kind, const char *ns, size_t ns_len,
                            const char *name, size_t name_len)
{
    key_ref r = {(uint8_t)kind, ns, name, ns_len, name_len};
    size_t bytes;
    if (!key_bytes(ns_len, name_len, &bytes))
        return NULL;
    return key_block(t->alloc, &r, bytes, key_hash(t, &r), t->top);
}

cx_key *cx_keytab_intern(cx_keytab *t, contour_kind kind, const char *ns, size_t ns_len,
                         const char *name, size_t name_len)
{
    key_ref r = {(uint8_t)kind, ns, name, ns_len, name_len};
    uint64_t h = key_hash(t, &r);
    cx_key *k = cx_map_find(&t->map, h, key_is, &r);
    if (k) {
        cx_key_retain(k);
        return k;
    }
    size_t bytes;
    if (!key_bytes(ns_len, name_len, &bytes))
        return NULL;
    /* The id and the map slot are taken first: nothing below can fail. */
    uint32_t id;
    if (!cx_map_reserve(&t->map, 1) ||
        !cx_vec_reserve(&t->free_ids, (size_t)t->top + 1 - t->free_ids.len) || !take_id(t, &id))
        return NULL;
    k = key_block(t->alloc, &r, bytes, h, id);
    if (!k) {
        *(uint32_t *)cx_vec_push(&t->free_ids, NULL) = id;
        return NULL;
    }
    cx_shared_retain(&k->rc); /* one for the table, one for the caller */
    t->by_id[id] = k;
    key_ref stored = {k->kind, k->ns, k->name, ns_len, name_len};
    cx_map_put(&t->map, h, key_is, &stored, k);
    return k;
}

static void leave_table(cx_keytab *t, cx_key *k)
{
    key_ref r = {k->kind, k->ns, k->name, k->ns_len, k->name_len};
    cx_map_remove(&t->map, k->hash, key_is, &r);
    t->by_id[k->id] = NULL;
    /* free_ids has room for every id ever handed out (reserved in cx_keytab_intern). */
    *(uint32_t *)cx_vec_push(&t->free_ids, NULL) = k->id;
    cx_key_release(k, t->alloc);
}

void cx_keytab_unuse(cx_keytab *t, cx_key *k)
{
    if (--k->uses == 0)
        leave_table(t, k);
}

void cx_keytab_drop_unused(cx_keytab *t, cx_key *k)
{
    if (k->uses == 0 && t->by_id[k->id] == k)
        leave_table(t, k);
}

int cx_key_compare(const cx_key *a, const cx_key *b)
{
    if (a == b)
        return 0;
    size_t n = a->ns_len < b->ns_len ? a->ns_len : b->ns_len;
    int c = memcmp(a->ns, b->ns, n);
    if (c == 0 && a->ns_len != b->ns_len)
        c = a->ns_len < b->ns_len ? -1 : 1;
    if (c)
        return c;
    n = a->name_len < b->name_len ? a->name_len : b->name_len;
    c = memcmp(a->name, b->name, n);
    if (c == 0 && a->name_len != b->name_len)
        c = a->name_len < b->name_len ? -1 : 1;
    return c;
}
