/*
 * Copy-out walkers for the Go binding.
 *
 * Crossing from Go to C costs tens of nanoseconds per call, so instead of calling one
 * accessor per field from Go, each walker visits everything the Go value needs with the
 * public accessors, in C, and writes it to a "tape": a flat array of int64 words plus a
 * pool of string bytes. A string is two words, its offset in the pool and its length;
 * NULL is offset -1. The Go side (tape.go) reads the tape back in the same order.
 *
 * A walker fills a cxgo_result with buffers from malloc and returns 0, or returns -1 when
 * an allocation failed (the result is then empty). The caller reads the buffers and
 * releases them with cxgo_result_free(). Only public API (contour.h) is used here;
 * nothing of the handles is retained after a call returns.
 */
#ifndef CONTOUR_GO_WALK_H
#define CONTOUR_GO_WALK_H

#include <contour/contour.h>

typedef struct cxgo_result {
    int64_t *words;
    size_t nwords;
    char *bytes;
    size_t nbytes;
} cxgo_result;

/* Releases the buffers of a result and empties it. */
void cxgo_result_free(cxgo_result *r);

/* Listeners, virtual hosts, routes and clusters of a graph. */
int cxgo_graph_listeners(const contour_graph *g, cxgo_result *out);
/* All statuses of a graph (one = NULL), or only `one`. */
int cxgo_graph_statuses(const contour_graph *g, const contour_status *one, cxgo_result *out);
/* All diagnostics of a graph (severity < 0) or only those of one severity. */
int cxgo_graph_diagnostics(const contour_graph *g, int severity, cxgo_result *out);
/* All load diagnostics of a snapshot. */
int cxgo_snapshot_diagnostics(const contour_snapshot *s, cxgo_result *out);
/* Every object of a kind (one = NULL), or only `one`, with its typed fields. */
int cxgo_snapshot_objects(const contour_snapshot *s, int kind, const contour_object *one,
                          cxgo_result *out);

#endif
