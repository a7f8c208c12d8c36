/*
 * libcontour — diagnostics: what the library has to say about its input, with the place
 * it concerns. Loading records them in the snapshot; resolution copies those into the
 * graph and adds its own.
 *
 * A contour_diagnostic is borrowed from the snapshot or graph that returned it and lives
 * as long as that handle (for a snapshot: until its next load, remove or free). Reading
 * diagnostics is thread-safe whenever reading their owner is.
 *
 * Codes are stable strings (a program may switch on them); messages are English prose
 * and may change between releases. docs/diagnostics.md lists every code.
 */
#ifndef CONTOUR_DIAGNOSTIC_H
#define CONTOUR_DIAGNOSTIC_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One diagnostic. Opaque and borrowed. */
typedef struct contour_diagnostic contour_diagnostic;

/** Severity; CONTOUR_SEVERITY_INFO for a NULL diagnostic. */
CONTOUR_API contour_severity contour_diagnostic_severity(const contour_diagnostic *diag);

/** Stable code, e.g. "unknown-field", "yaml-syntax", "delegate-not-found". Never NULL ("" for NULL
 * diag). */
CONTOUR_API const char *contour_diagnostic_code(const contour_diagnostic *diag);

/** Human-readable message. Never NULL ("" for NULL diag). */
CONTOUR_API const char *contour_diagnostic_message(const contour_diagnostic *diag);

/** Source name: the file path, or the name given to contour_snapshot_load_buffer(). Never NULL. */
CONTOUR_API const char *contour_diagnostic_file(const contour_diagnostic *diag);

/** 1-based line of the position concerned; 0 when the diagnostic concerns a whole input. */
CONTOUR_API uint32_t contour_diagnostic_line(const contour_diagnostic *diag);

/** 1-based column (in code points) of the position concerned; 0 when unknown. */
CONTOUR_API uint32_t contour_diagnostic_column(const contour_diagnostic *diag);

/**
 * Path of the field concerned inside its object, e.g. "spec.routes[1].services[0].port",
 * or NULL when the diagnostic is not about one field.
 */
CONTOUR_API const char *contour_diagnostic_field(const contour_diagnostic *diag);

/** Kind of the object concerned, or CONTOUR_KIND_NONE when none is known. */
CONTOUR_API contour_kind contour_diagnostic_object_kind(const contour_diagnostic *diag);

/** Namespace of the object concerned, or NULL when none is known. */
CONTOUR_API const char *contour_diagnostic_object_namespace(const contour_diagnostic *diag);

/** Name of the object concerned, or NULL when none is known. */
CONTOUR_API const char *contour_diagnostic_object_name(const contour_diagnostic *diag);

#ifdef __cplusplus
}
#endif

#endif
