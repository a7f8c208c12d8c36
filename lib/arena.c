#include "arena.h"

#include <string.h>

#define ARENA_ALIGN      16u
#define ARENA_MIN_CHUNK  256u
#define ARENA_MAX_GROWTH ((size_t)1 << 20)

struct cx_arena_chunk {
    cx_arena_chunk *prev;
    size_t size;
    size_t used;
    /* Keep the payload 16-byte aligned on every ABI we build for. */
    _Alignas(16) unsigned char data[];
};

void cx_arena_init(cx_arena *a, const cx_alloc *alloc, size_t first_chunk)
{
    a->alloc = alloc;
    a->head = NULL;
    a->next_size = first_chunk < ARENA_MIN_CHUNK ? ARENA_MIN_CHUNK : first_chunk;
}

void cx_arena_release(cx_arena *a)
{
    cx_arena_chunk *c = a->head;
    while (c) {
        cx_arena_chunk *prev = c->prev;
        cx_free(a->alloc, c);
        c = prev;
    }
    a->head = NULL;
}

static size_t align_up(size_t n)
{
    return (n + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
}

static cx_arena_chunk *new_chunk(cx_arena *a, size_t need)
{
    size_t size = a->next_size;
    if (size < need)
        size = need;
    size_t total;
    if (!cx_size_add(sizeof(cx_arena_chunk), size, &total))
        return NULL;
    cx_arena_chunk *c = cx_malloc(a->alloc, total);
    if (!c)
        return NULL;
    c->prev = a->head;
    c->size = size;
    c->used = 0;
    a->head = c;
    /* Double up to a cap: bounded waste, logarithmic chunk count for big arenas. */
    size_t growth = a->next_size < ARENA_MAX_GROWTH ? a->next_size : ARENA_MAX_GROWTH;
    if (!cx_size_add(a->next_size, growth, &a->next_size))
        a->next_size = size;
    return c;
}

void *cx_arena_alloc(cx_arena *a, size_t size)
{
    if (size > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    size_t need = align_up(size);
    cx_arena_chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        c = new_chunk(a, need);
        if (!c)
            return NULL;
    }
    void *p = c->data + c->used;
    c->used += need;
    return p;
}

void *cx_arena_zalloc(cx_arena *a, size_t size)
{
    void *p = cx_arena_alloc(a, size);
    if (p)
        memset(p, 0, size);
    return p;
}

void *cx_arena_array(cx_arena *a, size_t count, size_t size)
{
    size_t total;
    if (!cx_size_mul(count, size, &total))
        return NULL;
    return cx_arena_alloc(a, total);
}

char *cx_arena_strndup(cx_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = cx_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *cx_arena_strdup(cx_arena *a, const char *s)
{
    return cx_arena_strndup(a, s, strlen(s));
}

cx_arena_mark cx_arena_save(const cx_arena *a)
{
    cx_arena_mark m = {a->head, a->head ? a->head->used : 0};
    return m;
}

void cx_arena_rewind(cx_arena *a, cx_arena_mark mark)
{
    while (a->head && a->head != mark.chunk) {
        cx_arena_chunk *prev = a->head->prev;
        cx_free(a->alloc, a->head);
        a->head = prev;
    }
    if (a->head)
        a->head->used = mark.used;
}

size_t cx_arena_bytes(const cx_arena *a)
{
    size_t n = 0;
    for (const cx_arena_chunk *c = a->head; c; c = c->prev)
        n += c->used;
    return n;
}
