/* Synthetic clusters for benchmarks and stress tests, in one of two shapes:
 *
 *  - "units": units of 20 objects in team namespaces (all five kinds, delegation chains
 *    of depth 4, ~15% Ingress, a few percent broken objects); see gen.c.
 *  - "realistic": the mix an independent generator produced from real clusters (63%
 *    IngressRoute, 50 objects per namespace, delegation trees of depth 0-5, ~3% orphaned
 *    and ~1.5% invalid IngressRoutes); every proportion is a field of gen_shape. See
 *    gen_realistic.c and bench/README.md for what it measures as.
 */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

typedef enum gen_format {
    GEN_YAML = 0,      /* a multi-document YAML stream, block style */
    GEN_JSON_LIST = 1, /* one JSON List with every object as an item */
} gen_format;

typedef enum gen_shape_kind {
    GEN_SHAPE_UNITS = 0,     /* fixed units of 20 objects; no parameter applies */
    GEN_SHAPE_REALISTIC = 1, /* drawn from the proportions below */
} gen_shape_kind;

#define GEN_MAX_DEPTH 5

typedef struct gen_shape {
    const char *name;
    gen_shape_kind kind;
    uint64_t seed; /* the PRNG seed: the same (n, shape) always gives the same bytes */

    /* Shares of all objects; Ingress takes what the others leave. */
    double ingressroute_share, service_share, secret_share;
    double tlscd_per_100k; /* TLSCertificateDelegations per 100,000 objects (at least 1) */
    double objects_per_namespace;

    /* IngressRoutes. */
    double routes_per_ingressroute;        /* mean spec.routes per IngressRoute */
    double services_per_route;             /* mean services per route that has no delegate */
    double delegating_route_share;         /* of all routes */
    double depth_share[GEN_MAX_DEPTH + 1]; /* roots by the depth of their tree; sums to 1 */
    double orphan_share, invalid_share;    /* of IngressRoutes */
    double root_tls_share;                 /* roots with virtualhost.tls */
    double delegated_secret_share;         /* TLS roots in a namespace a TLSCertificateDelegation
                                              targets that use the delegated secret */
    double missing_service_share;          /* route services naming no Service (a warning) */

    /* Ingresses. */
    double ingress_rules;       /* mean spec.rules per Ingress */
    double ingress_tls_share;   /* Ingresses with spec.tls */
    double foreign_class_share; /* Ingresses of another ingress class (ignored) */
} gen_shape;

extern const gen_shape gen_shape_units;
extern const gen_shape gen_shape_realistic;

/* The preset called `name` ("units", "realistic"), or NULL. */
const gen_shape *gen_shape_find(const char *name);

/* Generates about n objects of the given shape (units: a multiple of 20; realistic:
 * exactly n). Returns malloc'd text (NUL-terminated), its length in *len. Deterministic
 * for (n, shape, format). Aborts on OOM. */
char *gen_cluster_shape(size_t n, const gen_shape *shape, gen_format format, size_t *len);

/* gen_cluster_shape(n, &gen_shape_units, format, len). */
char *gen_cluster(size_t n, gen_format format, size_t *len);

/* The realistic generator (gen_realistic.c). */
char *gen_realistic(size_t n, const gen_shape *shape, gen_format format, size_t *len);

#endif
