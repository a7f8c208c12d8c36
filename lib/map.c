#include "map.h"

#include <string.h>

void cx_map_init(cx_map *m, const cx_alloc *alloc)
{
    memset(m, 0, sizeof *m);
    m->alloc = alloc;
    m->key = cx_hash_key_random();
}

void cx_map_init_keyed(cx_map *m, const cx_alloc *alloc, cx_hash_key key)
{
    memset(m, 0, sizeof *m);
    m->alloc = alloc;
    m->key = key;
}

void cx_map_release(cx_map *m)
{
    cx_free(m->alloc, m->slots);
    m->slots = NULL;
    m->cap = 0;
    m->count = 0;
}

static void insert_fresh(cx_map_slot *slots, size_t cap, uint64_t hash, void *value)
{
    size_t mask = cap - 1;
    size_t i = (size_t)hash & mask;
    while (slots[i].value)
        i = (i + 1) & mask;
    slots[i].hash = hash;
    slots[i].value = value;
}

bool cx_map_reserve(cx_map *m, size_t extra)
{
    size_t need;
    if (!cx_size_add(m->count, extra, &need))
        return false;
    /* Keep the load factor at or below 3/4: short probe runs, modest memory. */
    size_t want;
    if (!cx_size_add(need, need / 3 + 1, &want))
        return false;
    if (want <= m->cap)
        return true;
    size_t cap = m->cap ? m->cap : 16;
    while (cap < want) {
        if (!cx_size_mul(cap, 2, &cap))
            return false;
    }
    cx_map_slot *slots = cx_calloc(m->alloc, cap, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].value)
            insert_fresh(slots, cap, m->slots[i].hash, m->slots[i].value);
    }
    cx_free(m->alloc, m->slots);
    m->slots = slots;
    m->cap = cap;
    return true;
}

static size_t find_slot(const cx_map *m, uint64_t hash, cx_map_eq eq, const void *key, bool *found)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)hash & mask;
    for (;;) {
        const cx_map_slot *s = &m->slots[i];
        if (!s->value) {
            *found = false;
            return i;
        }
        if (s->hash == hash && eq(s->value, key)) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

void *cx_map_find(const cx_map *m, uint64_t hash, cx_map_eq eq, const void *key)
{
    if (!m->cap)
        return NULL;
    bool found;
    size_t i = find_slot(m, hash, eq, key, &found);
    return found ? m->slots[i].value : NULL;
}

void *cx_map_put(cx_map *m, uint64_t hash, cx_map_eq eq, const void *key, void *value)
{
    bool found;
    size_t i = find_slot(m, hash, eq, key, &found);
    void *old = found ? m->slots[i].value : NULL;
    m->slots[i].hash = hash;
    m->slots[i].value = value;
    if (!found)
        m->count++;
    return old;
}

void *cx_map_remove(cx_map *m, uint64_t hash, cx_map_eq eq, const void *key)
{
    if (!m->cap)
        return NULL;
    bool found;
    size_t i = find_slot(m, hash, eq, key, &found);
    if (!found)
        return NULL;
    void *old = m->slots[i].value;
    size_t mask = m->cap - 1;
    /* Backward shift: pull later members of the probe run into the hole. */
    size_t hole = i;
    size_t j = (i + 1) & mask;
    while (m->slots[j].value) {
        size_t home = (size_t)m->slots[j].hash & mask;
        /* Move j into the hole unless its home lies cyclically in (hole, j]. */
        bool stays = (hole <= j) ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
        j = (j + 1) & mask;
    }
    m->slots[hole].value = NULL;
    m->slots[hole].hash = 0;
    m->count--;
    return old;
}
