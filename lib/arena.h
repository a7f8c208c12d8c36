/* Bump allocation for the many small strings and records that live and die together
 * (one object, one graph, one document being parsed). Chunks grow geometrically, so an
 * arena holding N bytes makes O(log N) allocations.
 *
 * An arena can instead take its memory from shared slabs (cx_slabs): the records of a
 * resolution are many small arenas that each outlive their maker and die one by one
 * (a graph version drops a record another still holds). Carving them all from a few
 * large reference-counted slabs wastes only the slabs' tails, where one chunk per record
 * wasted half of it; a slab is freed when the last arena in it goes. */
#ifndef CX_ARENA_H
#define CX_ARENA_H

#include "alloc.h"

typedef struct cx_arena_chunk cx_arena_chunk;

typedef struct cx_slabs cx_slabs;

typedef struct cx_arena {
    union {
        const cx_alloc *alloc; /* own chunks (next_size > 0) */
        cx_slabs *slabs;       /* shared slabs (next_size == 0) */
    };
    cx_arena_chunk *head; /* own chunks: the current one, older ones follow ->prev; shared
                           * slabs: the references this arena holds, newest first */
    size_t next_size;     /* size of the next chunk to allocate; 0: shared slabs */
} cx_arena;

/* Where shared-slab arenas take memory from: one per thread (not thread-safe), holding
 * one reference to the slab it is filling. Slabs grow from 4 KiB to 256 KiB. */
struct cx_slabs {
    const cx_alloc *alloc;
    struct cx_slab *cur;
    size_t next_size;
};

void cx_slabs_init(cx_slabs *s, const cx_alloc *alloc);
/* Drops the reference to the slab being filled (arenas keep theirs). */
void cx_slabs_release(cx_slabs *s);
/* An arena on shared slabs. Rewinding it only reaches back within one slab. */
void cx_arena_init_shared(cx_arena *a, cx_slabs *slabs);

/* A position to rewind to with cx_arena_rewind(). */
typedef struct cx_arena_mark {
    cx_arena_chunk *chunk;
    size_t used;
} cx_arena_mark;

/* first_chunk is a hint for the first chunk's payload size (0: a small default). */
void cx_arena_init(cx_arena *a, const cx_alloc *alloc, size_t first_chunk);
/* Empties the arena but keeps its newest (largest) chunk for reuse. */
void cx_arena_reset(cx_arena *a);
/* Releases every chunk. The arena may be reused after cx_arena_init(). */
void cx_arena_release(cx_arena *a);
/* Releases `a` with `alloc` instead of the allocator it was made with (same functions, a
 * different copy): for arenas inside shared blocks, whose maker may be gone. `a` is taken
 * by value because the block holding it may live inside the arena. */
void cx_arena_release_with(cx_arena a, const cx_alloc *alloc);
/* 16-byte aligned, uninitialised; NULL on OOM or size overflow. size 0 returns a valid pointer. */
void *cx_arena_alloc(cx_arena *a, size_t size);
void *cx_arena_zalloc(cx_arena *a, size_t size);
/* With a given alignment (a power of two, at most 16). */
void *cx_arena_alloc_aligned(cx_arena *a, size_t size, size_t align);
/* Copies len bytes and appends a NUL (byte-aligned). */
char *cx_arena_strndup(cx_arena *a, const char *s, size_t len);
char *cx_arena_strdup(cx_arena *a, const char *s);
/* Array allocation with an overflow-checked count * size. */
void *cx_arena_array(cx_arena *a, size_t count, size_t size);
cx_arena_mark cx_arena_save(const cx_arena *a);
/* Frees chunks allocated after the mark and resets the mark's chunk to its used size. */
void cx_arena_rewind(cx_arena *a, cx_arena_mark mark);
/* Bytes handed out (approximate footprint, for tests and benchmarks). */
size_t cx_arena_bytes(const cx_arena *a);

#endif
