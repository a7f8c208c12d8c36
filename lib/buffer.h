/* contour_buffer for the library's own producers (buffer.c defines the struct). */
#ifndef CX_BUFFER_H
#define CX_BUFFER_H

#include "strbuf.h"
#include "contour/graph.h"

/* Bytes per call of a contour_write_fn, at most. */
#define CX_WRITE_CHUNK ((size_t)64 * 1024)

/* Moves the contents of sb (allocated with `alloc`) into a new buffer that keeps a copy of
 * `alloc`; sb is left empty. NULL on OOM (sb's memory is then released) or when sb.oom. */
contour_buffer *cx_buffer_take(const cx_alloc *alloc, cx_strbuf *sb);

#endif
