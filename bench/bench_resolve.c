/*
 * Resolution, separately from loading (issue: resolution).
 *
 *   bench_resolve [RUNS] [N...]     (defaults 7 runs; 10000 100000 200000 1000000 objects)
 *
 * For each generated cluster: resolve RUNS times (median), the graph's own memory against
 * the snapshot's (both counted by a counting allocator), and JSON emission speed. The
 * 100000 -> 200000 pair gives the doubling ratio.
 */
#include "benchutil.h"
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 7;
    if (runs < 1 || runs > 64)
        runs = 7;
    size_t defaults[] = {10000, 100000, 200000, 1000000};
    size_t nsizes = argc > 2 ? (size_t)(argc - 2) : 4;
    double prev_time = 0;
    size_t prev_n = 0;
    for (size_t i = 0; i < nsizes; i++) {
        size_t n = argc > 2 ? (size_t)strtoull(argv[i + 2], NULL, 10) : defaults[i];
        size_t len;
        char *text = gen_cluster(n, GEN_YAML, &len);

        contour_config *cfg;
        contour_config_new(&cfg);
        contour_config_set_limit(cfg, CONTOUR_LIMIT_INPUT_BYTES, (uint64_t)8 << 30);
        contour_config_set_limit(cfg, CONTOUR_LIMIT_DOCUMENTS, (uint64_t)1 << 40);
        bench_counter counter = {0, 0};
        bench_counter_install(cfg, &counter);

        contour_snapshot *s;
        contour_snapshot_new(&s, cfg);
        double t0 = bench_now();
        if (contour_snapshot_load_buffer(s, "bench", 5, text, len, CONTOUR_FORMAT_YAML) !=
            CONTOUR_OK) {
            fprintf(stderr, "load failed\n");
            return 1;
        }
        double load_s = bench_now() - t0;
        free(text);
        size_t snapshot_bytes = counter.live;

        double times[64], emit[64];
        size_t graph_bytes = 0, json_bytes = 0, statuses = 0, invalid = 0;
        int r_runs = n >= 1000000 && runs > 3 ? 3 : runs;
        for (int r = 0; r < r_runs; r++) {
            size_t before = counter.live;
            contour_graph *g;
            t0 = bench_now();
            if (contour_resolve(&g, s, cfg) != CONTOUR_OK) {
                fprintf(stderr, "resolve failed\n");
                return 1;
            }
            times[r] = bench_now() - t0;
            graph_bytes = counter.live - before;
            statuses = contour_graph_status_count(g);
            invalid = 0;
            for (size_t k = 0; k < statuses; k++)
                invalid +=
                    contour_status_state(contour_graph_status_at(g, k)) != CONTOUR_STATE_VALID;
            contour_buffer *b;
            t0 = bench_now();
            contour_graph_render(&b, g, CONTOUR_OUTPUT_JSON);
            emit[r] = bench_now() - t0;
            json_bytes = contour_buffer_size(b);
            contour_buffer_free(b);
            contour_graph_free(g);
        }
        double t = bench_median(times, (size_t)r_runs);
        double e = bench_median(emit, (size_t)r_runs);
        printf("%zu objects (%.1f MB YAML, loaded in %.2f s)\n", n, (double)len / 1e6, load_s);
        printf("  resolve            %8.1f ms  (median of %d; min %.1f, max %.1f)\n", t * 1e3,
               r_runs, times[0] * 1e3, times[r_runs - 1] * 1e3);
        printf("  statuses           %8zu      (%zu not valid)\n", statuses, invalid);
        printf("  snapshot memory    %8.1f MB\n", (double)snapshot_bytes / 1e6);
        printf("  graph memory       %8.1f MB  (%.2fx the snapshot; target <= 2x)\n",
               (double)graph_bytes / 1e6, (double)graph_bytes / (double)snapshot_bytes);
        printf("  JSON emission      %8.1f ms  %.1f MB, %.0f MB/s (target >= 100)\n", e * 1e3,
               (double)json_bytes / 1e6, (double)json_bytes / 1e6 / e);
        if (prev_n && n == 2 * prev_n)
            printf("  doubling ratio     %8.2f     (time(%zu) / time(%zu); target <= 2.2)\n",
                   t / prev_time, n, prev_n);
        prev_time = t;
        prev_n = n;
        contour_snapshot_free(s);
        contour_config_free(cfg);
    }
    return 0;
}
