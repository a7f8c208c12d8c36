/*
 * Loading throughput and memory (issue: foundation).
 *
 *   bench_load [--shape units|realistic] [--seed N] [N] [RUNS]   a generated cluster of N
 *                                                  objects (100000), as YAML and as JSON
 *   bench_load --cluster PATH... [--runs RUNS]     files or directories instead
 *   --threads 1,2                                  the thread counts each load is timed with
 *   --contourc PATH                                also time `PATH check` on the YAML files
 *
 * YAML: libyaml's own event parse of the same bytes vs contour_snapshot_load_buffer, with
 * each thread count (contour_config_set_threads; default 1 and 2), and with --contourc the
 * wall time of `PATH check --quiet --threads T FILE...` as a child process. JSON (a List,
 * or any JSON file): json-c's json_tokener_parse of the same bytes vs our load. Medians of
 * RUNS runs (5), the best run and the CPU time beside them, and the load average: on a
 * shared machine the wall time is whatever share of the cores other work left. Peak
 * memory: a fresh process reads the input files and loads them; its peak RSS minus an
 * idle one's, against the input size. Every figure is followed by the shape of the
 * cluster it was measured on.
 */
#include "benchutil.h"
#include "cluster.h"
#include "shape.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml.h>

extern char **environ;

static unsigned thread_counts[8] = {1, 2};
static size_t nthreads = 2;
static const char *contourc;

/* The 1-minute load average, said with every figure: the machine is shared. */
static double load1(void)
{
    double l[1] = {-1};
    return getloadavg(l, 1) == 1 ? l[0] : -1;
}

/* User and system CPU seconds. */
static double cpu_seconds(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

/* CPU seconds of this process so far, all threads. */
static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return cpu_seconds(&ru);
}

static double time_libyaml(const bench_input *in)
{
    double t0 = bench_now();
    yaml_parser_t p;
    yaml_event_t ev;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)in->data, in->len);
    for (;;) {
        if (!yaml_parser_parse(&p, &ev)) {
            fprintf(stderr, "libyaml: %s: %s\n", in->name, p.problem);
            exit(1);
        }
        int done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (done)
            break;
    }
    yaml_parser_delete(&p);
    return bench_now() - t0;
}

static double time_jsonc(const bench_input *in)
{
    double t0 = bench_now();
    json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
    json_object *obj = json_tokener_parse_ex(tok, in->data, (int)in->len);
    if (!obj) {
        fprintf(stderr, "json-c: %s: %s\n", in->name,
                json_tokener_error_desc(json_tokener_get_error(tok)));
        exit(1);
    }
    json_object_put(obj);
    json_tokener_free(tok);
    return bench_now() - t0;
}

/* Loads the inputs into a fresh snapshot with `threads` threads: the wall time, the CPU
 * time in *cpu; the snapshot's shape when `shape` is not NULL. With `live_bytes`, through
 * the counting allocator, whose atomic counts cost time of their own: not a timed load. */
static double time_contour(const bench_input *in, size_t n, unsigned threads, size_t *live_bytes,
                           bench_shape *shape, double *cpu)
{
    contour_config *c = bench_config_new();
    contour_config_set_threads(c, threads);
    bench_counter counter = {0, 0};
    if (live_bytes)
        bench_counter_install(c, &counter);
    contour_snapshot *s;
    double c0 = cpu_now();
    double t0 = bench_now();
    contour_snapshot_new(&s, c);
    if (bench_load_inputs(s, in, n) != CONTOUR_OK) {
        fprintf(stderr, "load failed\n");
        exit(1);
    }
    double t = bench_now() - t0;
    *cpu = cpu_now() - c0;
    if (live_bytes)
        *live_bytes = counter.live;
    if (contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR))
        fprintf(stderr, "note: %zu load errors\n",
                contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR));
    if (shape)
        bench_shape_measure(shape, s);
    contour_snapshot_free(s);
    contour_config_free(c);
    return t;
}

/* Peak RSS (KiB) of a fresh process (this program re-executed) that reads `paths` and,
 * if `load`, loads them: its VmHWM, since ru_maxrss would keep the parent's peak. */
static long child_peak_kb(const char *const *paths, size_t n, int load)
{
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len < 0)
        return -1;
    exe[len] = 0;
    const char **args = malloc((n + 4) * sizeof *args);
    if (!args)
        abort();
    args[0] = exe;
    args[1] = "--child";
    args[2] = load ? "1" : "0";
    for (size_t i = 0; i < n; i++)
        args[3 + i] = paths[i];
    args[3 + n] = NULL;
    int fd[2];
    long kb = -1;
    if (pipe(fd) != 0)
        abort();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addclose(&fa, fd[1]);
    pid_t pid;
    int err = posix_spawn(&pid, exe, &fa, NULL, (char *const *)args, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    FILE *f = fdopen(fd[0], "r");
    if (err || !f || fscanf(f, "%ld", &kb) != 1)
        kb = -1;
    if (f)
        fclose(f);
    if (!err)
        waitpid(pid, NULL, 0);
    free(args);
    return kb;
}

/* Wall time of `contourc check --quiet --threads T PATH...`, its output thrown away; its
 * CPU time in *cpu. */
static double time_contourc(const char *const *paths, size_t npaths, unsigned threads, double *cpu)
{
    char t[16];
    snprintf(t, sizeof t, "%u", threads);
    const char **args = malloc((npaths + 6) * sizeof *args);
    if (!args)
        abort();
    args[0] = contourc;
    args[1] = "check";
    args[2] = "--quiet";
    args[3] = "--threads";
    args[4] = t;
    for (size_t i = 0; i < npaths; i++)
        args[5 + i] = paths[i];
    args[5 + npaths] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    double t0 = bench_now();
    pid_t pid;
    int status = 0;
    struct rusage ru;
    if (posix_spawn(&pid, contourc, &fa, NULL, (char *const *)args, environ) != 0 ||
        wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
        fprintf(stderr, "%s failed\n", contourc);
        exit(1);
    }
    double wall = bench_now() - t0;
    posix_spawn_file_actions_destroy(&fa);
    free(args);
    *cpu = cpu_seconds(&ru);
    return wall;
}

static int child_main(int load, int argc, char **argv)
{
    bench_source src;
    bench_source_init(&src);
    src.paths = (const char **)argv;
    src.npaths = (size_t)argc;
    bench_input *in = NULL;
    size_t n = argc ? bench_read_paths(&src, &in) : 0;
    if (load) {
        contour_config *c = bench_config_new();
        contour_snapshot *s;
        contour_snapshot_new(&s, c);
        bench_load_inputs(s, in, n);
        contour_snapshot_free(s);
        contour_config_free(c);
    }
    bench_inputs_free(in, n);
    free(in);
    printf("%ld\n", bench_maxrss_kb());
    return 0;
}

/* Measures one group of inputs of one format, which are the files `paths`. */
static void run(const char *label, const bench_input *in, size_t n, const char *const *paths,
                size_t npaths, int runs)
{
    int json = in[0].json;
    double ref[64], ours[8][64], ours_cpu[8][64], check[8][64], check_cpu[8][64], loads[64], cpu;
    size_t live = 0, bytes = 0;
    bench_shape shape;
    for (size_t i = 0; i < n; i++)
        bytes += in[i].len;
    for (int r = 0; r < runs; r++) {
        loads[r] = load1();
        ref[r] = 0;
        for (size_t i = 0; i < n; i++)
            ref[r] += json ? time_jsonc(&in[i]) : time_libyaml(&in[i]);
        for (size_t t = 0; t < nthreads; t++) {
            ours[t][r] = time_contour(in, n, thread_counts[t], NULL,
                                      r == runs - 1 && t == 0 ? &shape : NULL, &ours_cpu[t][r]);
            if (contourc && !json)
                check[t][r] = time_contourc(paths, npaths, thread_counts[t], &check_cpu[t][r]);
        }
    }
    time_contour(in, n, 1, &live, NULL, &cpu);
    double mref = bench_median(ref, (size_t)runs), mb = (double)bytes / 1e6;
    long idle = child_peak_kb(NULL, 0, 0);
    long read_only = child_peak_kb(paths, npaths, 0);
    long loaded = child_peak_kb(paths, npaths, 1);
    double peak = (double)(loaded - idle) * 1024.0;
    printf("%s: %zu objects, %.1f MB input; load average %.2f (median over the runs)\n", label,
           shape.objects, mb, bench_median(loads, (size_t)runs));
    bench_shape_print_summary(stdout, &shape);
    /* Medians, then the best run (bench_median sorts): on a busy machine the best is the
     * nearest to what an idle one gives. */
    printf("  %-28s %8.3f s  %7.1f MB/s   (median of %d; best %.3f s)\n",
           json ? "json-c json_tokener_parse" : "libyaml event parse", mref, mb / mref, runs,
           ref[0]);
    for (size_t t = 0; t < nthreads; t++) {
        double m = bench_median(ours[t], (size_t)runs);
        char what[64];
        snprintf(what, sizeof what, "contour load, %u thread%s", thread_counts[t],
                 thread_counts[t] == 1 ? "" : "s");
        printf("  %-28s %8.3f s  %7.1f MB/s   ratio to reference %.2f (target %s); best %.3f s; "
               "CPU %.3f s\n",
               what, m, mb / m, mref / m, json ? ">= 1.00" : ">= 0.50", ours[t][0],
               bench_median(ours_cpu[t], (size_t)runs));
    }
    for (size_t t = 0; contourc && !json && t < nthreads; t++) {
        double m = bench_median(check[t], (size_t)runs);
        printf(
            "  contourc check, %u thread%s %7.3f s  %.2fx libyaml's parse (target <= 1.5x); best "
            "%.3f s (%.2fx the best parse); CPU %.3f s\n",
            thread_counts[t], thread_counts[t] == 1 ? " " : "s", m, m / mref, check[t][0],
            check[t][0] / ref[0], bench_median(check_cpu[t], (size_t)runs));
    }
    printf("  snapshot live bytes          %8.1f MB  (%.2fx input)\n", (double)live / 1e6,
           (double)live / (double)bytes);
    printf("  peak RSS, read + load        %8.1f MB  (%.2fx input; target <= 3x; "
           "reading alone %.2fx)\n",
           peak / 1e6, peak / (double)bytes, (double)(read_only - idle) * 1024.0 / (double)bytes);
}

static void parse_threads(const char *s)
{
    nthreads = 0;
    while (*s && nthreads < 8) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || v < 1 || v > 64) {
            fprintf(stderr, "--threads: a list like 1,2,4\n");
            exit(2);
        }
        thread_counts[nthreads++] = (unsigned)v;
        s = *end == ',' ? end + 1 : end;
    }
}

static void write_file(const char *path, const bench_input *in)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(in->data, 1, in->len, f) != in->len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void run_generated(const bench_source *src, gen_format fmt, size_t n, int runs)
{
    bench_input in = bench_generate(src, n, fmt);
    char path[] = "/tmp/contour-bench-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    write_file(path, &in);
    bench_source_describe(stdout, src, n, &in, 1);
    const char *paths[] = {path};
    char label[128];
    snprintf(label, sizeof label, "%s, shape %s", fmt == GEN_YAML ? "YAML stream" : "JSON List",
             src->shape.name);
    run(label, &in, 1, paths, 1, runs);
    unlink(path);
    bench_inputs_free(&in, 1);
}

/* The files' YAML inputs, then their JSON inputs, each group measured on its own. */
static void run_files(const bench_source *src, int runs)
{
    bench_input *in;
    size_t n = bench_read_paths(src, &in);
    bench_source_describe(stdout, src, 0, in, n);
    bench_input *group = malloc((n ? n : 1) * sizeof *group);
    const char **paths = malloc((n ? n : 1) * sizeof *paths);
    if (!group || !paths)
        abort();
    for (int json = 0; json <= 1; json++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (in[i].json == json) {
                paths[k] = in[i].name;
                group[k++] = in[i];
            }
        if (k)
            run(json ? "JSON files" : "YAML files", group, k, paths, k, runs);
    }
    free(group);
    free(paths);
    bench_inputs_free(in, n);
    free(in);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--child") == 0)
        return child_main(atoi(argv[2]), argc - 3, argv + 3);
    bench_source src;
    bench_source_init(&src);
    size_t n = 100000;
    int runs = 5, positional = 0;
    for (int i = 1; i < argc; i++) {
        if (bench_source_option(&src, argc, argv, &i))
            continue;
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            parse_threads(argv[++i]);
        else if (strcmp(argv[i], "--contourc") == 0 && i + 1 < argc)
            contourc = argv[++i];
        else if (argv[i][0] != '-' && positional == 0 && ++positional)
            n = (size_t)strtoull(argv[i], NULL, 10);
        else if (argv[i][0] != '-' && positional == 1 && ++positional)
            runs = atoi(argv[i]);
        else {
            fprintf(stderr,
                    "usage: bench_load [options] [N] [RUNS]\n%s"
                    "  --runs RUNS               runs per figure (5; at most 64)\n"
                    "  --threads N,N...          thread counts to load with (1,2)\n"
                    "  --contourc PATH           also time PATH check on the YAML files\n",
                    BENCH_SOURCE_USAGE);
            return 2;
        }
    }
    if (runs < 1 || runs > 64)
        runs = 5;
    if (src.npaths) {
        run_files(&src, runs);
    } else {
        run_generated(&src, GEN_YAML, n, runs);
        run_generated(&src, GEN_JSON_LIST, n, runs);
    }
    bench_source_free(&src);
    return 0;
}
