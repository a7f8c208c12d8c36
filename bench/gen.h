/* A synthetic multi-team cluster for benchmarks and stress tests: all five kinds,
 * delegation chains of depth 4, ~15% Ingress, a few percent broken objects. */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stddef.h>

typedef enum gen_format {
    GEN_YAML = 0,      /* a multi-document YAML stream, block style */
    GEN_JSON_LIST = 1, /* one JSON List with every object as an item */
} gen_format;

/* Generates about n objects (a multiple of 20). Returns malloc'd text (NUL-terminated),
 * its length in *len. Deterministic. */
char *gen_cluster(size_t n, gen_format format, size_t *len);

#endif
