/*
 * Resolution, separately from loading (issue: resolution).
 *
 *   bench_resolve [--shape units|realistic] [--seed N] [RUNS] [N...]
 *       generated clusters (7 runs; 10000 100000 200000 1000000 objects)
 *   bench_resolve --cluster PATH... [RUNS]
 *       files or directories instead
 *
 * For each cluster: its shape, the load time, resolve RUNS times (median; 3 at 1M
 * objects), the graph's own memory against the snapshot's (both counted by a counting
 * allocator), and JSON emission speed. The 100000 -> 200000 pair gives the doubling ratio.
 * Each resolve is timed twice, wall-clock and process CPU time (a shared machine stretches
 * the first, not the second), with one thread and then with --threads T (default 2;
 * contour_config_set_threads).
 */
#include "benchutil.h"
#include "cluster.h"
#include "shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned extra_threads = 2;

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Median wall and CPU time of `runs` resolutions with `threads` threads. */
static void time_threads(const contour_snapshot *s, const contour_config *base, unsigned threads,
                         int runs, double *wall, double *cpu)
{
    contour_config *c;
    if (contour_config_copy(&c, base) != CONTOUR_OK ||
        contour_config_set_threads(c, threads) != CONTOUR_OK) {
        fprintf(stderr, "config failed\n");
        exit(1);
    }
    double w[64], u[64];
    for (int r = 0; r < runs; r++) {
        contour_graph *g;
        double t0 = bench_now(), c0 = cpu_now();
        if (contour_resolve(&g, s, c) != CONTOUR_OK) {
            fprintf(stderr, "resolve failed\n");
            exit(1);
        }
        w[r] = bench_now() - t0;
        u[r] = cpu_now() - c0;
        contour_graph_free(g);
    }
    *wall = bench_median(w, (size_t)runs);
    *cpu = bench_median(u, (size_t)runs);
    contour_config_free(c);
}

typedef struct previous {
    size_t n;
    double time;
} previous;

/* Loads the inputs (then frees their text), resolves and renders. */
static void measure(bench_input *in, size_t count, size_t n, int runs, previous *prev)
{
    contour_config *cfg = bench_config_new();
    bench_counter counter = {0, 0};
    bench_counter_install(cfg, &counter);
    size_t bytes = 0;
    for (size_t i = 0; i < count; i++)
        bytes += in[i].len;

    contour_snapshot *s;
    contour_snapshot_new(&s, cfg);
    double t0 = bench_now();
    if (bench_load_inputs(s, in, count) != CONTOUR_OK) {
        fprintf(stderr, "load failed\n");
        exit(1);
    }
    double load_s = bench_now() - t0;
    for (size_t i = 0; i < count; i++) {
        free(in[i].data);
        in[i].data = NULL;
    }
    size_t snapshot_bytes = counter.live;
    bench_shape shape;
    bench_shape_measure(&shape, s);

    double times[64], emit[64], cpus[64];
    size_t graph_bytes = 0, json_bytes = 0;
    int r_runs = shape.objects >= 1000000 && runs > 3 ? 3 : runs;
    for (int r = 0; r < r_runs; r++) {
        size_t before = counter.live;
        contour_graph *g;
        t0 = bench_now();
        double c0 = cpu_now();
        if (contour_resolve(&g, s, cfg) != CONTOUR_OK) {
            fprintf(stderr, "resolve failed\n");
            exit(1);
        }
        times[r] = bench_now() - t0;
        cpus[r] = cpu_now() - c0;
        graph_bytes = counter.live - before;
        if (r == 0)
            bench_shape_add_statuses(&shape, g);
        contour_buffer *b;
        t0 = bench_now();
        if (contour_graph_render(&b, g, CONTOUR_OUTPUT_JSON) != CONTOUR_OK) {
            fprintf(stderr, "render failed\n");
            exit(1);
        }
        emit[r] = bench_now() - t0;
        json_bytes = contour_buffer_size(b);
        contour_buffer_free(b);
        contour_graph_free(g);
    }
    double tmin = times[0], tmax = times[0];
    for (int r = 1; r < r_runs; r++) {
        tmin = times[r] < tmin ? times[r] : tmin;
        tmax = times[r] > tmax ? times[r] : tmax;
    }
    double t = bench_median(times, (size_t)r_runs);
    double cpu = bench_median(cpus, (size_t)r_runs);
    double e = bench_median(emit, (size_t)r_runs);
    double tw = 0, tc = 0;
    if (extra_threads > 1)
        time_threads(s, cfg, extra_threads, r_runs, &tw, &tc);
    printf("%zu objects (%.1f MB, loaded in %.2f s)\n", shape.objects, (double)bytes / 1e6, load_s);
    bench_shape_print_summary(stdout, &shape);
    printf("  resolve            %8.1f ms  (median of %d; min %.1f, max %.1f; CPU %.1f ms)\n",
           t * 1e3, r_runs, tmin * 1e3, tmax * 1e3, cpu * 1e3);
    if (extra_threads > 1)
        printf("  resolve, %2u threads %7.1f ms  (median; CPU of all threads %.1f ms)\n",
               extra_threads, tw * 1e3, tc * 1e3);
    printf("  statuses           %8zu      (%zu not valid)\n", shape.statuses,
           shape.statuses - shape.valid);
    printf("  snapshot memory    %8.1f MB\n", (double)snapshot_bytes / 1e6);
    printf("  graph memory       %8.1f MB  (%.2fx the snapshot; target <= 2x)\n",
           (double)graph_bytes / 1e6, (double)graph_bytes / (double)snapshot_bytes);
    printf("  JSON emission      %8.1f ms  %.1f MB, %.0f MB/s (median; target >= 100)\n", e * 1e3,
           (double)json_bytes / 1e6, (double)json_bytes / 1e6 / e);
    if (prev->n && n == 2 * prev->n)
        printf("  doubling ratio     %8.2f     (time(%zu) / time(%zu); target <= 2.2)\n",
               t / prev->time, n, prev->n);
    prev->n = n;
    prev->time = t;
    contour_snapshot_free(s);
    contour_config_free(cfg);
}

int main(int argc, char **argv)
{
    bench_source src;
    bench_source_init(&src);
    int runs = 7, positional = 0;
    size_t sizes[64], nsizes = 0;
    for (int i = 1; i < argc; i++) {
        if (bench_source_option(&src, argc, argv, &i))
            continue;
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            extra_threads = (unsigned)strtoul(argv[++i], NULL, 10);
            continue;
        }
        if (argv[i][0] == '-' || nsizes == 64) {
            fprintf(stderr,
                    "usage: bench_resolve [options] [--threads T] [RUNS] [N...]\n%s"
                    "  --threads T               also resolve with T threads (default 2; 1: no)\n",
                    BENCH_SOURCE_USAGE);
            return 2;
        }
        if (positional++ == 0)
            runs = atoi(argv[i]);
        else
            sizes[nsizes++] = (size_t)strtoull(argv[i], NULL, 10);
    }
    if (runs < 1 || runs > 64)
        runs = 7;
    previous prev = {0, 0};
    if (src.npaths) {
        bench_input *in;
        size_t count = bench_read_paths(&src, &in);
        bench_source_describe(stdout, &src, 0, in, count);
        measure(in, count, 0, runs, &prev);
        bench_inputs_free(in, count);
        free(in);
    } else {
        static const size_t defaults[] = {10000, 100000, 200000, 1000000};
        if (nsizes == 0)
            for (; nsizes < 4; nsizes++)
                sizes[nsizes] = defaults[nsizes];
        for (size_t i = 0; i < nsizes; i++) {
            bench_input in = bench_generate(&src, sizes[i], GEN_YAML);
            bench_source_describe(stdout, &src, sizes[i], &in, 1);
            measure(&in, 1, sizes[i], runs, &prev);
            bench_inputs_free(&in, 1);
        }
    }
    bench_source_free(&src);
    return 0;
}
