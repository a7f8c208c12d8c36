#include "arena.h"
#include "shared.h"

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

/* ---- shared slabs ---- */

#define SLAB_FIRST ((size_t)4096)
#define SLAB_MAX   ((size_t)256 * 1024)

typedef struct cx_slab {
    cx_shared rc;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} cx_slab;

/* An arena's reference to a slab, kept in that slab. */
typedef struct slabref {
    struct slabref *next;
    cx_slab *slab;
} slabref;

static void slab_destroy(cx_shared *self, const cx_alloc *alloc)
{
    cx_free(alloc, self);
}

void cx_slabs_init(cx_slabs *s, const cx_alloc *alloc)
{
    s->alloc = alloc;
    s->cur = NULL;
    s->next_size = SLAB_FIRST;
}

void cx_slabs_release(cx_slabs *s)
{
    if (s->cur)
        cx_shared_release(&s->cur->rc, s->alloc);
    s->cur = NULL;
}

void cx_arena_init_shared(cx_arena *a, cx_slabs *slabs)
{
    a->slabs = slabs;
    a->head = NULL;
    a->next_size = 0;
}

static size_t align_up(size_t n, size_t align)
{
    return (n + (align - 1)) & ~(align - 1);
}

/* Room for `need` bytes at `align` in the current slab, or a new one. */
static cx_slab *slab_with_room(cx_slabs *s, size_t need, size_t align)
{
    cx_slab *c = s->cur;
    if (c && align_up(c->used, align) <= c->size && c->size - align_up(c->used, align) >= need)
        return c;
    size_t size = s->next_size, total;
    if (size < need)
        size = need;
    if (!cx_size_add(sizeof(cx_slab), size, &total))
        return NULL;
    c = cx_malloc(s->alloc, total);
    if (!c)
        return NULL;
    cx_shared_init(&c->rc, slab_destroy);
    c->size = size;
    c->used = 0;
    if (s->cur)
        cx_shared_release(&s->cur->rc, s->alloc);
    s->cur = c;
    if (s->next_size < SLAB_MAX)
        s->next_size *= 2;
    return c;
}

static void *shared_alloc(cx_arena *a, size_t size, size_t align)
{
    cx_slabs *s = a->slabs;
    slabref *ref = (slabref *)a->head;
    /* Room for a reference node too: a new slab needs one even when the current did not. */
    size_t need;
    if (!cx_size_add(size, sizeof(slabref) + _Alignof(slabref) + align, &need))
        return NULL;
    cx_slab *c = slab_with_room(s, need, 1);
    if (!c)
        return NULL;
    if (!ref || ref->slab != c) {
        /* This arena's first bytes in this slab: it takes a reference, noted in the slab. */
        size_t at = align_up(c->used, _Alignof(slabref));
        slabref *r = (slabref *)(void *)(c->data + at);
        c->used = at + sizeof *r;
        r->next = ref;
        r->slab = c;
        cx_shared_retain(&c->rc);
        a->head = (cx_arena_chunk *)(void *)r;
    }
    size_t at = align_up(c->used, align);
    c->used = at + size;
    return c->data + at;
}

static void shared_release(cx_arena *a, const cx_alloc *alloc)
{
    slabref *r = (slabref *)a->head;
    while (r) {
        slabref *next = r->next; /* r lives in the slab it names */
        cx_shared_release(&r->slab->rc, alloc);
        r = next;
    }
    a->head = NULL;
}

/* ---- arenas ---- */

void cx_arena_release(cx_arena *a)
{
    if (!a->next_size) {
        shared_release(a, a->slabs->alloc);
        return;
    }
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
    if (!a.next_size) {
        shared_release(&a, alloc); /* the slabs source may be gone: not read */
        return;
    }
    a.alloc = alloc;
    cx_arena_release(&a);
}

void cx_arena_reset(cx_arena *a)
{
    if (!a->head || !a->next_size)
        return; /* shared slabs: nothing to reuse */
    cx_arena_chunk *c = a->head->prev;
    while (c) {
        cx_arena_chunk *prev = c->prev;
        cx_free(a->alloc, c);
        c = prev;
    }
    a->head->prev = NULL;
    a->head->used = 0;
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
    if (!a->next_size)
        return shared_alloc(a, size, align);
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
    if (!a->next_size) {
        /* Shared slabs: the slab being filled and how full it is. */
        cx_slab *c = a->slabs->cur;
        cx_arena_mark m = {(cx_arena_chunk *)(void *)c, c ? c->used : 0};
        return m;
    }
    cx_arena_mark m = {a->head, a->head ? a->head->used : 0};
    return m;
}

void cx_arena_rewind(cx_arena *a, cx_arena_mark mark)
{
    if (!a->next_size) {
        /* Only within one slab, and only before this arena took a reference in it: bytes
         * carved since stay allocated until the arena goes (a failure path only). */
        cx_slab *c = a->slabs->cur;
        const slabref *r = (const slabref *)a->head;
        if (c && (cx_arena_chunk *)(void *)c == mark.chunk && r && r->slab == c &&
            (const unsigned char *)r < c->data + mark.used)
            c->used = mark.used;
        return;
    }
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
    if (!a->next_size)
        return 0; /* shared slabs: not this arena's alone */
    size_t n = 0;
    for (const cx_arena_chunk *c = a->head; c; c = c->prev)
        n += c->used;
    return n;
}
