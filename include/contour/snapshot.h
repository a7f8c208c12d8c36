/*
 * libcontour — snapshots: a set of Kubernetes objects loaded from YAML or JSON files,
 * directories and memory buffers, with the diagnostics met while loading them.
 *
 * Ownership and lifetime: the caller owns a snapshot and releases it with
 * contour_snapshot_free(). Objects and diagnostics returned by the accessors are borrowed;
 * they stay valid until the next call that changes the snapshot (a load, a remove) or
 * frees it. Graphs resolved from a snapshot do not point into it (see graph.h).
 *
 * Thread-safety: any number of threads may read one snapshot at once (the accessors in
 * this header and object.h, and contour_resolve()), provided no thread is changing it.
 * Loading and removing need exclusive access. Different snapshots are independent.
 *
 * Loading never stops at a bad document: a document that cannot be used is reported as an
 * error diagnostic and skipped, and the others load. When two objects of one kind share a
 * namespace and name, the later one replaces the earlier, with a warning.
 */
#ifndef CONTOUR_SNAPSHOT_H
#define CONTOUR_SNAPSHOT_H

#include "common.h"
#include "config.h"
#include "diagnostic.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A set of loaded objects. Opaque; create with contour_snapshot_new(). */
typedef struct contour_snapshot contour_snapshot;

/** One loaded Kubernetes object. Opaque and borrowed; see object.h for its accessors. */
typedef struct contour_object contour_object;

/**
 * Creates an empty snapshot with its own copy of config (NULL: the defaults); config may be
 * changed or freed afterwards. The snapshot loads with the copy's default namespace and
 * limits, allocates with its allocator, and resolves with its settings unless a resolve is
 * given another config (see config.h).
 * @param out receives the snapshot, owned by the caller.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (out is NULL) or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_snapshot_new(contour_snapshot **out,
                                                const contour_config *config);

/**
 * The snapshot's own config (borrowed; it never changes and lives as long as the
 * snapshot). Copy it with contour_config_copy() to derive another. NULL for NULL.
 */
CONTOUR_API const contour_config *contour_snapshot_config(const contour_snapshot *snapshot);

/** Releases a snapshot, its objects and its diagnostics. Accepts NULL. */
CONTOUR_API void contour_snapshot_free(contour_snapshot *snapshot);

/**
 * Loads a file, or every `*.yaml`, `*.yml` and `*.json` file under a directory, recursively,
 * in byte order of their paths (entries whose name starts with '.' are skipped, and
 * symbolic links to directories are not followed). `-` is not special here.
 *
 * @param path NUL-terminated file system path; it becomes the source name of diagnostics.
 * @param format CONTOUR_FORMAT_AUTO to take each file's format from its name (.json: JSON;
 *        .yaml, .yml: YAML, even when a document starts with '{'; any other name: by
 *        content, as for a buffer), or a forced format.
 * @return CONTOUR_OK when every file was read (bad documents are diagnostics, not failures);
 *         CONTOUR_ERR_IO when a file or directory could not be read — an error diagnostic
 *         with code "io-error" says which, and the files that could be read are loaded;
 *         CONTOUR_ERR_LIMIT when a file exceeds CONTOUR_LIMIT_INPUT_BYTES (likewise
 *         reported, other files loaded); CONTOUR_ERR_INVALID; CONTOUR_ERR_NOMEM (the
 *         snapshot is unchanged).
 */
CONTOUR_API contour_result contour_snapshot_load_path(contour_snapshot *snapshot, const char *path,
                                                      contour_format format);

/**
 * Loads a memory buffer. The bytes are not retained after the call returns.
 *
 * @param name source name used in diagnostics (e.g. "<stdin>"), UTF-8, name_len bytes.
 * @param data the input, len bytes; need not be NUL-terminated; may be NULL when len is 0.
 * @return CONTOUR_OK; CONTOUR_ERR_LIMIT when len exceeds CONTOUR_LIMIT_INPUT_BYTES (an
 *         error diagnostic is recorded, nothing is loaded); CONTOUR_ERR_INVALID;
 *         CONTOUR_ERR_NOMEM (the snapshot is unchanged).
 */
CONTOUR_API contour_result contour_snapshot_load_buffer(contour_snapshot *snapshot,
                                                        const char *name, size_t name_len,
                                                        const char *data, size_t len,
                                                        contour_format format);

/**
 * Removes one object, and the load diagnostics about it. O(log n).
 * @return CONTOUR_OK, CONTOUR_ERR_NOT_FOUND, CONTOUR_ERR_INVALID or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_snapshot_remove(contour_snapshot *snapshot, contour_kind kind,
                                                   const char *ns, size_t ns_len, const char *name,
                                                   size_t name_len);

/**
 * Replaces a source: everything loaded before under the source name `name` (by this call,
 * contour_snapshot_load_buffer() or contour_snapshot_load_path() — its objects and the
 * diagnostics about its documents) goes, and `data` is loaded under that name in its place,
 * in one step. What the source defines again is replaced quietly (no duplicate warning);
 * an object another source also defines replaces that one, with a warning, as a load does.
 *
 * This is how a long-running process follows changing inputs: a file that changed, or one
 * watch event (name the source after the object, e.g. "IngressRoute/ns/name"). Memory stays
 * bounded by what the snapshot holds, however many times sources are replaced.
 *
 * @return as contour_snapshot_load_buffer(); on CONTOUR_ERR_NOMEM the snapshot is unchanged.
 */
CONTOUR_API contour_result contour_snapshot_set_source(contour_snapshot *snapshot, const char *name,
                                                       size_t name_len, const char *data,
                                                       size_t len, contour_format format);

/**
 * Removes a source: every object loaded under the source name `name` and the diagnostics
 * about its documents (a file that was deleted; a watch event's delete).
 * @return CONTOUR_OK, CONTOUR_ERR_NOT_FOUND (no such source), CONTOUR_ERR_INVALID.
 */
CONTOUR_API contour_result contour_snapshot_remove_source(contour_snapshot *snapshot,
                                                          const char *name, size_t name_len);

/** Number of objects of a kind; 0 for an unknown kind or a NULL snapshot. */
CONTOUR_API size_t contour_snapshot_object_count(const contour_snapshot *snapshot,
                                                 contour_kind kind);

/**
 * The index-th object of a kind, in (namespace, name) byte order, or NULL when index is out
 * of range. Borrowed.
 */
CONTOUR_API const contour_object *contour_snapshot_object_at(const contour_snapshot *snapshot,
                                                             contour_kind kind, size_t index);

/**
 * The object of a kind with this namespace and name (borrowed), or NULL when there is none
 * or an argument is invalid. O(1).
 */
CONTOUR_API const contour_object *contour_snapshot_find(const contour_snapshot *snapshot,
                                                        contour_kind kind, const char *ns,
                                                        size_t ns_len, const char *name,
                                                        size_t name_len);

/** Number of load diagnostics in the snapshot. */
CONTOUR_API size_t contour_snapshot_diagnostic_count(const contour_snapshot *snapshot);

/**
 * The index-th load diagnostic, ordered by (file, line, column), then severity, code and
 * message; NULL when out of range. Borrowed.
 */
CONTOUR_API const contour_diagnostic *
contour_snapshot_diagnostic_at(const contour_snapshot *snapshot, size_t index);

/** Number of load diagnostics with the given severity. */
CONTOUR_API size_t contour_snapshot_diagnostic_count_by_severity(const contour_snapshot *snapshot,
                                                                 contour_severity severity);

#ifdef __cplusplus
}
#endif

#endif
