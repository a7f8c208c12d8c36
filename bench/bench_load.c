/*
 * Loading throughput and memory on a generated cluster (issue: foundation).
 *
 *   bench_load [N] [RUNS]     (defaults 100000 objects, 5 runs)
 *
 * YAML: libyaml's own event parse of the same bytes vs contour_snapshot_load_buffer.
 * JSON (one List): json-c's json_tokener_parse of the same bytes vs our load.
 * Peak memory: a forked child reads the input from a file and loads it; its peak RSS
 * minus an idle child's, against the input size.
 */
#include "benchutil.h"
#include "gen.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

static double time_libyaml(const char *data, size_t len)
{
    double t0 = bench_now();
    yaml_parser_t p;
    yaml_event_t ev;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
    size_t events = 0;
    for (;;) {
        if (!yaml_parser_parse(&p, &ev)) {
            fprintf(stderr, "libyaml: %s\n", p.problem);
            exit(1);
        }
        int done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        events++;
        if (done)
            break;
    }
    yaml_parser_delete(&p);
    return bench_now() - t0;
}

static double time_jsonc(const char *data, size_t len)
{
    double t0 = bench_now();
    json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
    json_object *obj = json_tokener_parse_ex(tok, data, (int)len);
    if (!obj) {
        fprintf(stderr, "json-c: %s\n", json_tokener_error_desc(json_tokener_get_error(tok)));
        exit(1);
    }
    json_object_put(obj);
    json_tokener_free(tok);
    return bench_now() - t0;
}

static contour_config *big_config(void)
{
    contour_config *c;
    contour_config_new(&c);
    contour_config_set_limit(c, CONTOUR_LIMIT_INPUT_BYTES, (uint64_t)4 << 30);
    contour_config_set_limit(c, CONTOUR_LIMIT_DOCUMENTS, (uint64_t)1 << 40);
    return c;
}

static double time_contour(const char *data, size_t len, size_t *objects, size_t *live_bytes)
{
    contour_config *c = big_config();
    bench_counter counter = {0, 0};
    bench_counter_install(c, &counter);
    contour_snapshot *s;
    double t0 = bench_now();
    contour_snapshot_new(&s, c);
    if (contour_snapshot_load_buffer(s, "bench", 5, data, len, CONTOUR_FORMAT_AUTO) != CONTOUR_OK) {
        fprintf(stderr, "load failed\n");
        exit(1);
    }
    double t = bench_now() - t0;
    *objects = 0;
    for (int k = 1; k <= (int)contour_kind_count(); k++)
        *objects += contour_snapshot_object_count(s, (contour_kind)k);
    *live_bytes = counter.live;
    if (contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR)) {
        fprintf(stderr, "unexpected load errors: %zu\n",
                contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR));
        exit(1);
    }
    contour_snapshot_free(s);
    contour_config_free(c);
    return t;
}

/* Peak RSS (KiB) of a fresh process (this program re-executed) that reads `path` and, if
 * `load`, loads it. A forked child would inherit the parent's resident pages. */
static long child_peak_kb(const char *path, int load)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/proc/%d/exe --child %s %d", (int)getpid(), path ? path : "-", load);
    FILE *p = popen(cmd, "r");
    long kb = -1;
    if (!p || fscanf(p, "%ld", &kb) != 1)
        kb = -1;
    if (p)
        pclose(p);
    return kb;
}

static int child_main(const char *path, int load)
{
    if (strcmp(path, "-") != 0) {
        FILE *f = fopen(path, "rb");
        if (!f)
            return 1;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = malloc((size_t)n);
        if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
            return 1;
        fclose(f);
        if (load) {
            contour_config *c = big_config();
            contour_snapshot *s;
            contour_snapshot_new(&s, c);
            contour_snapshot_load_buffer(s, "bench", 5, buf, (size_t)n, CONTOUR_FORMAT_AUTO);
            contour_snapshot_free(s);
            contour_config_free(c);
        }
        free(buf);
    }
    printf("%ld\n", bench_maxrss_kb());
    return 0;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
}

static void run(const char *label, gen_format fmt, size_t n, int runs)
{
    size_t len;
    char *data = gen_cluster(n, fmt, &len);
    double ref[32], ours[32];
    size_t objects = 0, live = 0;
    for (int r = 0; r < runs; r++) {
        ref[r] = fmt == GEN_YAML ? time_libyaml(data, len) : time_jsonc(data, len);
        ours[r] = time_contour(data, len, &objects, &live);
    }
    double mref = bench_median(ref, (size_t)runs), mours = bench_median(ours, (size_t)runs);
    double mb = (double)len / 1e6;
    char path[] = "/tmp/contour-bench-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    write_file(path, data, len);
    long idle = child_peak_kb(NULL, 0);
    long read_only = child_peak_kb(path, 0);
    long loaded = child_peak_kb(path, 1);
    unlink(path);
    double peak = (double)(loaded - idle) * 1024.0;
    printf("%s: %zu objects, %.1f MB input\n", label, objects, mb);
    printf("  %-28s %8.3f s  %7.1f MB/s   (median of %d)\n",
           fmt == GEN_YAML ? "libyaml event parse" : "json-c json_tokener_parse", mref, mb / mref,
           runs);
    printf("  %-28s %8.3f s  %7.1f MB/s   ratio to reference %.2f (target %s)\n", "contour load",
           mours, mb / mours, mref / mours, fmt == GEN_YAML ? ">= 0.50" : ">= 1.00");
    printf("  snapshot live bytes          %8.1f MB  (%.2fx input)\n", (double)live / 1e6,
           (double)live / (double)len);
    printf("  peak RSS, read + load        %8.1f MB  (%.2fx input; target <= 3x; "
           "reading alone %.2fx)\n",
           peak / 1e6, peak / (double)len, (double)(read_only - idle) * 1024.0 / (double)len);
    free(data);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--child") == 0)
        return child_main(argv[2], atoi(argv[3]));
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 100000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > 32)
        runs = 5;
    run("YAML stream", GEN_YAML, n, runs);
    run("JSON List", GEN_JSON_LIST, n, runs);
    return 0;
}
