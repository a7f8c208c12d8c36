/*
 * Keys: the (kind, namespace, name) every object has and every reference names, interned
 * once per snapshot so that resolution compares pointers and indexes arrays by a small
 * integer instead of hashing and comparing strings on its hot paths.
 *
 * A key is a reference-counted block (rc.h) holding its strings. Two counts:
 *  - `uses` (snapshot side, changed only under the snapshot's exclusive access): how many
 *    objects now in the snapshot are, or name, this key. The table holds a key while its
 *    uses are above 0; its `id` is then stable and dense (ids are reused after a key
 *    leaves the table).
 *  - the block's reference count (any thread): the table holds one reference, and every
 *    object that is or names the key holds one, so an object kept alive by a graph after
 *    it left the snapshot still has its keys' strings.
 * `obj` is the object now in the snapshot with this key, or NULL (a name something refers
 * to that does not exist).
 */
#ifndef CX_KEYS_H
#define CX_KEYS_H

#include "map.h"
#include "shared.h"
#include "vec.h"
#include "contour/common.h"

typedef struct contour_object contour_object;

typedef struct cx_key {
    cx_shared rc;
    contour_object *obj; /* snapshot side: the current definition, or NULL */
    uint32_t uses;       /* snapshot side */
    uint32_t id;         /* dense, while in the table */
    uint8_t kind;        /* contour_kind */
    uint32_t ns_len, name_len;
    uint64_t hash; /* the table's hash of (kind, ns, name) */
    const char *ns, *name;
} cx_key;

typedef struct cx_keytab {
    const cx_alloc *alloc;
    cx_map map;     /* (kind, ns, name) -> cx_key * */
    cx_key **by_id; /* id -> key, NULL for a free id */
    uint32_t top;   /* ids [0, top) have been handed out */
    uint32_t cap;
    cx_vec free_ids; /* uint32_t */
} cx_keytab;

void cx_keytab_init(cx_keytab *t, const cx_alloc *alloc);
/* Drops the table's references (keys still held by live objects survive). */
void cx_keytab_release(cx_keytab *t);

/* The key, or NULL when no object in the snapshot is or names it. */
cx_key *cx_keytab_find(const cx_keytab *t, contour_kind kind, const char *ns, size_t ns_len,
                       const char *name, size_t name_len);

/* The key, created (with no uses yet) when absent. The caller gets a new block reference
 * and must cx_keytab_use() it or cx_keytab_drop_unused() it. NULL on OOM. */
cx_key *cx_keytab_intern(cx_keytab *t, contour_kind kind, const char *ns, size_t ns_len,
                         const char *name, size_t name_len);

/* The hash a table with map key `key` gives (kind, ns, name): cx_key.hash. */
uint64_t cx_key_hash(cx_hash_key key, contour_kind kind, const char *ns, size_t ns_len,
                     const char *name, size_t name_len);

/* A key for (kind, ns, name) outside the table (a what-if's object that the snapshot has
 * never named), with the table's hash and an id no key in the table has. One reference
 * for the caller; NULL on OOM. Does not change the table. */
cx_key *cx_key_new_detached(const cx_keytab *t, contour_kind kind, const char *ns, size_t ns_len,
                            const char *name, size_t name_len);

/* One more object in the snapshot is or names k. */
static inline void cx_keytab_use(cx_key *k)
{
    k->uses++;
}

/* One object fewer; at 0 uses the key leaves the table (its id is free again). */
void cx_keytab_unuse(cx_keytab *t, cx_key *k);

/* Takes a key interned but never used out of the table again (a load rolled back). */
void cx_keytab_drop_unused(cx_keytab *t, cx_key *k);

/* Ids are below this: the size of a dense array indexed by key id. */
static inline uint32_t cx_keytab_id_limit(const cx_keytab *t)
{
    return t->top;
}

static inline void cx_key_retain(const cx_key *k)
{
    cx_shared_retain(&k->rc);
}

static inline void cx_key_release(const cx_key *k, const cx_alloc *alloc)
{
    cx_shared_release(k ? &k->rc : NULL, alloc);
}

/* Byte order of (namespace, name), the order of statuses and object lists. */
int cx_key_compare(const cx_key *a, const cx_key *b);

#endif
