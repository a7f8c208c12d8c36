/* An open-addressing hash table of non-NULL pointers, keyed by whatever the caller hashes
 * (see hash.h) and compares. Linear probing with backward-shift deletion: no tombstones,
 * so lookups stay short after many removals. */
#ifndef CX_MAP_H
#define CX_MAP_H

#include "alloc.h"
#include "hash.h"

typedef struct cx_map_slot {
    uint64_t hash;
    void *value; /* NULL: empty */
} cx_map_slot;

typedef struct cx_map {
    const cx_alloc *alloc;
    cx_hash_key key; /* the caller hashes with this key */
    cx_map_slot *slots;
    size_t cap; /* power of two, or 0 */
    size_t count;
} cx_map;

/* Does `value` (a stored entry) have the key `key`? */
typedef bool (*cx_map_eq)(const void *value, const void *key);

/* With a fresh random key (one getrandom call). */
void cx_map_init(cx_map *m, const cx_alloc *alloc);
/* With a given key: for tables whose keys input cannot choose (e.g. addresses). */
void cx_map_init_keyed(cx_map *m, const cx_alloc *alloc, cx_hash_key key);
void cx_map_release(cx_map *m);
/* Ensures count + extra entries fit without growing; false on OOM. */
bool cx_map_reserve(cx_map *m, size_t extra);
void *cx_map_find(const cx_map *m, uint64_t hash, cx_map_eq eq, const void *key);
/* Inserts value, or replaces the entry with the same key and returns the old value.
 * Capacity must have been reserved (never fails). */
void *cx_map_put(cx_map *m, uint64_t hash, cx_map_eq eq, const void *key, void *value);
/* Removes and returns the entry with this key, or NULL. */
void *cx_map_remove(cx_map *m, uint64_t hash, cx_map_eq eq, const void *key);

#endif
