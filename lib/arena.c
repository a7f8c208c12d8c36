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

void cx_arena_release_with(cx_arena a, const cx_alloc *alloc)
{
    a.alloc = alloc;
    cx_arena_release(&a);
}

void cx_arena_reset(cx_arena *a)
{
    if (!a->head)
        return;
    cx_arena_chunk *c = a->head->prev;
    while (c) {
        cx_arena_chunk *prev = c->prev;
        cx_free(a->alloc, c);
        c = prev;
    }
    a->head->prev = NULL;
    a->head->used = 0;
}

static size_t align_up(size_t n, size_t align)
{
    return (n + (align - 1)) & ~(align - 1);
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

void *cx_arena_alloc_aligned(cx_arena *a, size_t size, size_t align)
{
    if (size > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    cx_arena_chunk *c = a->head;
    size_t at = c ? align_up(c->used, align) : 0;
    if (!c || at > c->size || c->size - at < size) {
        c = new_chunk(a, size);
        if (!c)
            return NULL;
        at = 0;
    }
    void *p = c->data + at;
    c->used = at + size;
    return p;
}

void *cx_arena_alloc(cx_arena *a, size_t size)
{
    return cx_arena_alloc_aligned(a, size, ARENA_ALIGN);
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
    /* Every element type in the library needs at most pointer/int64 alignment. */
    return cx_arena_alloc_aligned(a, total, 8);
}

char *cx_arena_strndup(cx_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    /* Strings need no alignment: packing them saves ~8 bytes each. */
    char *p = cx_arena_alloc_aligned(a, len + 1, 1);
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
