/*
 * Copy-out walkers for the Go binding.
 *
 * Crossing from Go to C costs tens of nanoseconds per call, so instead of calling one
 * accessor per field from Go, each walker visits everything the Go value needs with the
 * public accessors, in C, and writes it to a "tape": a flat array of int64 words plus a
 * pool of string bytes. A string is two words, its offset in the pool and its length;
 * NULL is offset -1. The Go side (tape.go) reads the tape back in the same order.
 *
 * Every walker is called twice: first with NULL buffers to count the words and bytes,
 * then with buffers of exactly that size (allocated by Go; they hold no Go pointers).
 * The counts come back through `out`; a walker never writes past the capacities it is
 * given, and the Go side checks that the second pass produced the counted sizes.
 *
 * Only public API (contour.h) is used here; nothing is retained after a call returns.
 */
#ifndef CONTOUR_GO_WALK_H
#define CONTOUR_GO_WALK_H

#include <contour/contour.h>

typedef struct cxgo_counts {
    size_t words;
    size_t bytes;
} cxgo_counts;

/* Listeners, virtual hosts, routes and clusters of a graph. */
void cxgo_graph_listeners(const contour_graph *g, int64_t *words, size_t nwords, char *bytes,
                          size_t nbytes, cxgo_counts *out);
/* All statuses of a graph (one = NULL), or only `one`. */
void cxgo_graph_statuses(const contour_graph *g, const contour_object_status *one,
                         int64_t *words, size_t nwords, char *bytes, size_t nbytes,
                         cxgo_counts *out);
/* All diagnostics of a graph (severity < 0) or only those of one severity. */
void cxgo_graph_diagnostics(const contour_graph *g, int severity, int64_t *words,
                            size_t nwords, char *bytes, size_t nbytes, cxgo_counts *out);
/* All load diagnostics of a snapshot. */
void cxgo_snapshot_diagnostics(const contour_snapshot *s, int64_t *words, size_t nwords,
                               char *bytes, size_t nbytes, cxgo_counts *out);
/* Every object of a kind (one = NULL), or only `one`, with its typed fields. */
void cxgo_snapshot_objects(const contour_snapshot *s, int kind, const contour_object *one,
                           int64_t *words, size_t nwords, char *bytes, size_t nbytes,
                           cxgo_counts *out);

#endif
