/*
 * What a cluster measures as, through the public API: objects per kind, namespaces and
 * objects per namespace, routes per IngressRoute, services per route, delegating routes,
 * roots and the depth of their delegation trees, and (resolved) the share of orphaned and
 * invalid IngressRoutes.
 *
 *   shape_report [--shape units|realistic] [--seed N] [N]     a generated cluster (100000)
 *   shape_report --cluster PATH...                            files or directories
 */
#include "cluster.h"
#include "shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    bench_source src;
    bench_source_init(&src);
    size_t n = 100000;
    for (int i = 1; i < argc; i++) {
        if (bench_source_option(&src, argc, argv, &i))
            continue;
        if (argv[i][0] == '-') {
            fprintf(stderr, "usage: shape_report [options] [N]\n%s", BENCH_SOURCE_USAGE);
            return 2;
        }
        n = (size_t)strtoull(argv[i], NULL, 10);
    }
    bench_input *in;
    size_t count = bench_get_inputs(&src, n, &in);
    bench_source_describe(stdout, &src, n, in, count);

    contour_config *cfg = bench_config_new();
    contour_snapshot *s;
    contour_graph *g;
    if (contour_snapshot_new(&s, cfg) != CONTOUR_OK ||
        bench_load_inputs(s, in, count) != CONTOUR_OK ||
        contour_resolve(&g, s, cfg) != CONTOUR_OK) {
        fprintf(stderr, "load or resolve failed\n");
        return 1;
    }
    bench_inputs_free(in, count);
    free(in);
    bench_shape sh;
    bench_shape_measure(&sh, s);
    bench_shape_add_statuses(&sh, g);
    bench_shape_print_report(stdout, &sh);
    printf("load diagnostics         %zu (%zu errors); graph diagnostics %zu (%zu warnings)\n",
           contour_snapshot_diagnostic_count(s),
           contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR),
           contour_graph_diagnostic_count(g),
           contour_graph_diagnostic_count_by_severity(g, CONTOUR_SEVERITY_WARNING));
    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_config_free(cfg);
    bench_source_free(&src);
    return 0;
}
