/* Between load.c (reading inputs into staged objects) and snapshot.c (committing them). */
#ifndef CX_SNAPSHOT_LOAD_H
#define CX_SNAPSHOT_LOAD_H

#include "snapshot_internal.h"

/* Commits staged objects (in load order; the later of two with one key wins, with a
 * warning) and refreshes the diagnostic index. On CONTOUR_ERR_NOMEM nothing changed and
 * the caller still owns every staged object. On success the snapshot owns them all. */
contour_result cx_snapshot_commit(contour_snapshot *s, contour_object **staged, size_t n);

/* The namespace interner handed to the converter. */
const char *cx_snapshot_intern_ns(void *snapshot, const char *ns, size_t len);

#endif
