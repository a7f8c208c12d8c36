/* What a cluster measures as — the shape of a snapshot, read through the public API —
 * so every benchmark figure can name the shape it was measured on. */
#ifndef BENCH_SHAPE_H
#define BENCH_SHAPE_H

#include <contour/contour.h>
#include <stdio.h>

#define BENCH_DEPTHS 7 /* delegation depth 0 .. 5, then "6 or more" */

typedef struct bench_shape {
    size_t kinds[CONTOUR_KIND_SECRET + 1]; /* by contour_kind; Secret is the last */
    size_t objects, namespaces, ns_min, ns_max, ns_median;

    /* IngressRoutes */
    size_t roots, tls_roots, tls_borrowed; /* borrowed: secretName "namespace/name" */
    size_t routes, delegating_routes, service_routes, route_services, both_routes;
    size_t cross_ns_delegations, missing_delegations;
    size_t depth[BENCH_DEPTHS], max_depth; /* of each root's delegation tree */

    /* The other kinds */
    size_t service_ports, ingress_rules, ingress_paths, ingress_tls, tlscd_targets;

    /* From a resolved graph (bench_shape_add_statuses) */
    int resolved;
    size_t statuses, valid, invalid, orphaned;
} bench_shape;

/* Measures a snapshot. */
void bench_shape_measure(bench_shape *sh, const contour_snapshot *s);
/* Adds the statuses of a graph resolved from it. */
void bench_shape_add_statuses(bench_shape *sh, const contour_graph *g);

/* Two lines: counts per kind and namespaces, then the IngressRoute figures. */
void bench_shape_print_summary(FILE *f, const bench_shape *sh);
/* Every figure, one per line. */
void bench_shape_print_report(FILE *f, const bench_shape *sh);

#endif
