/* Where a benchmark's cluster comes from: generated in a shape (gen.h), or read from
 * files and directories (--cluster PATH), and the options that choose between them. */
#ifndef BENCH_CLUSTER_H
#define BENCH_CLUSTER_H

#include "gen.h"

#include <contour/contour.h>
#include <stddef.h>
#include <stdio.h>

/* One input, in memory. */
typedef struct bench_input {
    char *name; /* the file's path, or "generated" */
    char *data;
    size_t len;
    int json; /* as CONTOUR_FORMAT_AUTO decides: the first non-blank byte is '{' or '[' */
} bench_input;

typedef struct bench_source {
    gen_shape shape;    /* the shape to generate (default units) */
    const char **paths; /* --cluster PATH, in order; none means generate */
    size_t npaths;
} bench_source;

#define BENCH_SOURCE_USAGE                                                                         \
    "  --shape units|realistic   the generated cluster's shape (default units)\n"                  \
    "  --seed N                  the realistic shape's PRNG seed\n"                                \
    "  --cluster PATH            measure this file or directory (*.yaml, *.yml, *.json)\n"         \
    "                            instead of a generated cluster; repeatable\n"

void bench_source_init(bench_source *src);
void bench_source_free(bench_source *src);

/* If argv[*i] is one of the options above, consumes it (and its argument), advancing *i,
 * and returns 1; returns 0 for anything else. Exits with a message on a bad value. */
int bench_source_option(bench_source *src, int argc, char **argv, int *i);

/* Reads every wanted file under the source's paths (directories recursively, in path
 * order, like contour_snapshot_load_path). Returns the count; exits when one fails. */
size_t bench_read_paths(const bench_source *src, bench_input **out);

/* Generates a cluster of n objects in the source's shape as one input. */
bench_input bench_generate(const bench_source *src, size_t n, gen_format format);

/* The source's inputs: its paths read, or (without paths) a cluster of n objects generated
 * as one YAML input. *out is malloc'd (free it after bench_inputs_free). Returns the count. */
size_t bench_get_inputs(const bench_source *src, size_t n, bench_input **out);

void bench_inputs_free(bench_input *in, size_t n);

/* One line naming the cluster: the shape and size it was generated with, or its files. */
void bench_source_describe(FILE *f, const bench_source *src, size_t n, const bench_input *in,
                           size_t count);

/* A config with limits large enough for a 1M-object cluster. */
contour_config *bench_config_new(void);

/* Loads the inputs into a snapshot; CONTOUR_OK or the first failure. */
contour_result bench_load_inputs(contour_snapshot *s, const bench_input *in, size_t n);

#endif
