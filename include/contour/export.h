/*
 * libcontour — bulk copy-out: a graph's or a snapshot's contents as flat records, in one
 * call.
 *
 * A binding that reads a 100,000-object graph through the accessors makes millions of
 * foreign calls; an export makes one. It is an array of int64_t words and a pool of string
 * bytes: a header, then one table of fixed-size records per record type (listeners,
 * virtual hosts, routes, clusters, health checks, statuses, diagnostics, objects and their
 * parts), where a record refers to its children by row index. docs/export.md describes
 * the layout word by word; contour_export_layout_version() says which layout an export
 * has, and the first word of every export repeats it.
 *
 * In brief: a string field is two words, the offset of its bytes in the pool and their
 * length (offset -1 for NULL); each string in the pool is followed by a NUL byte. A field
 * holds exactly what the accessor of the same name returns (contour_cluster_port() is
 * field `port` of a CLUSTER record).
 *
 * Ownership and lifetime: the caller owns an export and releases it with
 * contour_export_free(). It is a copy: it does not depend on the graph or snapshot it was
 * made from, which may change or be freed. It allocates with that graph's or snapshot's
 * allocator and keeps a copy of it.
 *
 * Thread-safety: making an export only reads its graph or snapshot, like the accessors; an
 * export is immutable and may be read from any number of threads.
 */
#ifndef CONTOUR_EXPORT_H
#define CONTOUR_EXPORT_H

#include "common.h"
#include "graph.h"
#include "snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Words and strings copied out of a graph or snapshot. Opaque; owned by the caller. */
typedef struct contour_export contour_export;

/** What an export holds: a bit set of these (word 1 of the header repeats it). */
typedef enum contour_export_part {
    /** A graph's listeners with their virtual hosts, routes, clusters and health checks. */
    CONTOUR_EXPORT_PART_LISTENERS = 1 << 0,
    /** A graph's statuses. */
    CONTOUR_EXPORT_PART_STATUSES = 1 << 1,
    /** A graph's diagnostics, or a snapshot's load diagnostics. */
    CONTOUR_EXPORT_PART_DIAGNOSTICS = 1 << 2,
    /** A snapshot's objects, with their annotations, diagnostics and typed specs. */
    CONTOUR_EXPORT_PART_OBJECTS = 1 << 3,
} contour_export_part;

/**
 * The tables of an export, in the order they appear (each is described in
 * docs/export.md). Later layout versions may add tables at the end.
 */
typedef enum contour_export_table {
    CONTOUR_EXPORT_TABLE_LISTENER = 0,
    CONTOUR_EXPORT_TABLE_VHOST = 1,
    CONTOUR_EXPORT_TABLE_ROUTE = 2,
    CONTOUR_EXPORT_TABLE_CLUSTER = 3,
    CONTOUR_EXPORT_TABLE_HEALTH_CHECK = 4,
    CONTOUR_EXPORT_TABLE_STATUS = 5,
    CONTOUR_EXPORT_TABLE_STRING = 6,
    CONTOUR_EXPORT_TABLE_DIAGNOSTIC = 7,
    CONTOUR_EXPORT_TABLE_OBJECT = 8,
    CONTOUR_EXPORT_TABLE_OBJECT_DIAGNOSTIC = 9,
    CONTOUR_EXPORT_TABLE_ANNOTATION = 10,
    CONTOUR_EXPORT_TABLE_INGRESSROUTE = 11,
    CONTOUR_EXPORT_TABLE_INGRESSROUTE_ROUTE = 12,
    CONTOUR_EXPORT_TABLE_INGRESSROUTE_SERVICE = 13,
    CONTOUR_EXPORT_TABLE_TLSCERTIFICATEDELEGATION = 14,
    CONTOUR_EXPORT_TABLE_TLSCERTIFICATEDELEGATION_DELEGATION = 15,
    CONTOUR_EXPORT_TABLE_INGRESS = 16,
    CONTOUR_EXPORT_TABLE_INGRESS_RULE = 17,
    CONTOUR_EXPORT_TABLE_INGRESS_PATH = 18,
    CONTOUR_EXPORT_TABLE_INGRESS_BACKEND = 19,
    CONTOUR_EXPORT_TABLE_INGRESS_TLS = 20,
    CONTOUR_EXPORT_TABLE_SERVICE = 21,
    CONTOUR_EXPORT_TABLE_SERVICE_PORT = 22,
    CONTOUR_EXPORT_TABLE_SECRET = 23,
    CONTOUR_EXPORT_TABLE_SECRET_KEY = 24,
} contour_export_table;

/**
 * The layout of the exports this library makes (1 for the layout in docs/export.md). It
 * changes whenever the layout does; a decoder checks it (or word 0 of an export) against
 * the version it was written for. Thread-safe.
 */
CONTOUR_API uint32_t contour_export_layout_version(void);

/**
 * The name of a table as docs/export.md spells it ("CLUSTER", ...), or "" for unknown
 * values. Static string; thread-safe.
 */
CONTOUR_API const char *contour_export_table_name(contour_export_table table);

/**
 * Exports parts of a graph.
 * @param parts a non-empty bit set of CONTOUR_EXPORT_PART_LISTENERS, _STATUSES and
 *        _DIAGNOSTICS; the tables of the parts not asked for are empty.
 * @param out receives the export, owned by the caller.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (a NULL argument, parts empty or with another
 *         bit) or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_graph_export(contour_export **out, const contour_graph *graph,
                                                uint32_t parts);

/**
 * Exports one status of a graph (as the STATUS table's only record), e.g. one found with
 * contour_graph_find_status(). The export's parts are CONTOUR_EXPORT_PART_STATUSES.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (a NULL argument, or a status of another graph)
 *         or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_graph_export_status(contour_export **out,
                                                       const contour_graph *graph,
                                                       const contour_status *status);

/**
 * Exports parts of a snapshot.
 * @param kind the kind of the objects to export, or CONTOUR_KIND_NONE for every kind (in
 *        kind order, each kind in (namespace, name) order, as contour_snapshot_object_at()).
 * @param parts a non-empty bit set of CONTOUR_EXPORT_PART_OBJECTS and _DIAGNOSTICS.
 * @param out receives the export, owned by the caller.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (a NULL argument, an unknown kind, parts empty or
 *         with another bit) or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_snapshot_export(contour_export **out,
                                                   const contour_snapshot *snapshot,
                                                   contour_kind kind, uint32_t parts);

/**
 * Exports one object of a snapshot (as the OBJECT table's only record), e.g. one found
 * with contour_snapshot_find(). The export's parts are CONTOUR_EXPORT_PART_OBJECTS.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (a NULL argument, or an object that is not in
 *         this snapshot) or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_snapshot_export_object(contour_export **out,
                                                          const contour_snapshot *snapshot,
                                                          const contour_object *object);

/** The words (borrowed; never NULL for an export). NULL for NULL. */
CONTOUR_API const int64_t *contour_export_words(const contour_export *e);
/** Number of words. */
CONTOUR_API size_t contour_export_word_count(const contour_export *e);
/** The string pool (borrowed; never NULL for an export). NULL for NULL. */
CONTOUR_API const char *contour_export_strings(const contour_export *e);
/** Size of the string pool in bytes (the NUL after each string included). */
CONTOUR_API size_t contour_export_string_size(const contour_export *e);
/** Releases an export. Accepts NULL. */
CONTOUR_API void contour_export_free(contour_export *e);

#ifdef __cplusplus
}
#endif

#endif
