/* The snapshot's representation, shared by snapshot.c, load.c and the resolver. */
#ifndef CX_SNAPSHOT_INTERNAL_H
#define CX_SNAPSHOT_INTERNAL_H

#include "arena.h"
#include "diag.h"
#include "limits.h"
#include "map.h"
#include "model.h"
#include "contour/snapshot.h"

#define CX_KIND_SLOTS (CONTOUR_KIND_COUNT + 1) /* indexed by contour_kind; slot 0 unused */

struct contour_snapshot {
    cx_alloc alloc;
    cx_limits limits;
    char *default_ns;
    bool follow_links; /* copied from the config */

    /* Per kind: (namespace, name) -> object, and the objects sorted by (namespace, name);
     * object->ordinal is its index in `sorted`. */
    cx_map by_key[CX_KIND_SLOTS];
    contour_object **sorted[CX_KIND_SLOTS];
    size_t count[CX_KIND_SLOTS];
    size_t cap[CX_KIND_SLOTS];

    /* Namespaces are interned: objects share one copy, compared by pointer. */
    cx_map namespaces;
    cx_arena ns_arena;

    /* Inputs loaded so far, and diagnostics about documents that were not loaded. */
    cx_source *sources;
    cx_arena source_arena;
    cx_diag_list source_diags;

    /* Every load diagnostic (source-level and per object), sorted; rebuilt after each
     * change so that reading needs no locking. */
    const contour_diagnostic **diag_index;
    size_t diag_count;
    size_t error_count;
};

/* Finds an object; ns and name need not be NUL-terminated. O(1). */
const contour_object *cx_snapshot_find(const contour_snapshot *s, contour_kind kind, const char *ns,
                                       size_t ns_len, const char *name, size_t name_len);

/* Byte order on (namespace, name): the order of `sorted`, statuses and many outputs. */
int cx_object_key_compare(const contour_object *a, const contour_object *b);

#endif
