/*
 * Loading throughput and memory on a generated cluster (issue: foundation).
 *
 *   bench_load [--threads 1,2] [--contourc PATH] [N] [RUNS]
 *   bench_load [--threads 1,2] [--contourc PATH] --cluster PATH [RUNS]
 *                              (defaults: 1 and 2 threads, 100000 objects, 5 runs)
 *
 * YAML: libyaml's own event parse of the same bytes vs contour_snapshot_load_buffer, with
 * each thread count (contour_config_set_threads). JSON (one List): json-c's
 * json_tokener_parse of the same bytes vs our load. --cluster reads a file (YAML or JSON)
 * instead of generating one. --contourc times `PATH check --quiet --threads T FILE` too,
 * wall clock, against the same libyaml parse. Every line says the load average.
 * Peak memory: a forked child reads the input from a file and loads it; its peak RSS
 * minus an idle child's, against the input size.
 */
#include "benchutil.h"
#include "gen.h"

#include <json-c/json.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
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

/* One load: its wall time, and its CPU time in *cpu. With `live_bytes`, through the
 * counting allocator (not timed: its atomic counts cost time of their own). */
static double time_contour(const char *data, size_t len, unsigned threads, size_t *objects,
                           size_t *live_bytes, double *cpu)
{
    contour_config *c = big_config();
    contour_config_set_threads(c, threads);
    bench_counter counter = {0, 0};
    if (live_bytes)
        bench_counter_install(c, &counter);
    contour_snapshot *s;
    double c0 = cpu_now();
    double t0 = bench_now();
    contour_snapshot_new(&s, c);
    if (contour_snapshot_load_buffer(s, "bench", 5, data, len, CONTOUR_FORMAT_AUTO) != CONTOUR_OK) {
        fprintf(stderr, "load failed\n");
        exit(1);
    }
    double t = bench_now() - t0;
    *cpu = cpu_now() - c0;
    *objects = 0;
    for (int k = 1; k <= (int)contour_kind_count(); k++)
        *objects += contour_snapshot_object_count(s, (contour_kind)k);
    if (live_bytes)
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

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        exit(1);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/* Wall time of `contourc check --quiet --threads T path`, its output thrown away; its CPU
 * time in *cpu. */
static double time_contourc(const char *path, unsigned threads, double *cpu)
{
    char t[16];
    snprintf(t, sizeof t, "%u", threads);
    char *argv[] = {(char *)contourc, "check", "--quiet", "--threads", t, (char *)path, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    double t0 = bench_now();
    pid_t pid;
    int status = 0;
    struct rusage ru;
    if (posix_spawn(&pid, contourc, &fa, NULL, argv, environ) != 0 ||
        wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
        fprintf(stderr, "%s failed\n", contourc);
        exit(1);
    }
    double wall = bench_now() - t0;
    posix_spawn_file_actions_destroy(&fa);
    *cpu = cpu_seconds(&ru);
    return wall;
}

static void run(const char *label, char *data, size_t len, bool yaml, int runs)
{
    double ref[32], ours[8][32], check[8][32], ours_cpu[8][32], check_cpu[8][32], loads[32];
    size_t objects = 0, live = 0;
    char path[] = "/tmp/contour-bench-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    write_file(path, data, len);
    for (int r = 0; r < runs; r++) {
        loads[r] = load1();
        ref[r] = yaml ? time_libyaml(data, len) : time_jsonc(data, len);
        for (size_t t = 0; t < nthreads; t++) {
            ours[t][r] = time_contour(data, len, thread_counts[t], &objects, NULL, &ours_cpu[t][r]);
            if (contourc && yaml)
                check[t][r] = time_contourc(path, thread_counts[t], &check_cpu[t][r]);
        }
    }
    double mref = bench_median(ref, (size_t)runs), mb = (double)len / 1e6, cpu;
    time_contour(data, len, 1, &objects, &live, &cpu);
    long idle = child_peak_kb(NULL, 0);
    long read_only = child_peak_kb(path, 0);
    long loaded = child_peak_kb(path, 1);
    unlink(path);
    double peak = (double)(loaded - idle) * 1024.0;
    printf("%s: %zu objects, %.1f MB input; load average %.2f (median of the runs)\n", label,
           objects, mb, bench_median(loads, (size_t)runs));
    /* Medians, and after them the best run (bench_median sorts): on a busy machine the
     * best is the nearest to what an idle one gives. */
    printf("  %-28s %8.3f s  %7.1f MB/s   (median of %d; best %.3f s)\n",
           yaml ? "libyaml event parse" : "json-c json_tokener_parse", mref, mb / mref, runs,
           ref[0]);
    for (size_t t = 0; t < nthreads; t++) {
        double m = bench_median(ours[t], (size_t)runs);
        char what[64];
        snprintf(what, sizeof what, "contour load, %u thread%s", thread_counts[t],
                 thread_counts[t] == 1 ? "" : "s");
        printf("  %-28s %8.3f s  %7.1f MB/s   ratio to reference %.2f (target %s); best %.3f s; "
               "CPU %.3f s\n",
               what, m, mb / m, mref / m, yaml ? ">= 0.50" : ">= 1.00", ours[t][0],
               bench_median(ours_cpu[t], (size_t)runs));
    }
    for (size_t t = 0; contourc && yaml && t < nthreads; t++) {
        double m = bench_median(check[t], (size_t)runs);
        printf(
            "  contourc check, %u thread%s %7.3f s  %.2fx libyaml's parse (target <= 1.5x); best "
            "%.3f s (%.2fx the best parse); CPU %.3f s\n",
            thread_counts[t], thread_counts[t] == 1 ? " " : "s", m, m / mref, check[t][0],
            check[t][0] / ref[0], bench_median(check_cpu[t], (size_t)runs));
    }
    printf("  snapshot live bytes          %8.1f MB  (%.2fx input)\n", (double)live / 1e6,
           (double)live / (double)len);
    printf("  peak RSS, read + load        %8.1f MB  (%.2fx input; target <= 3x; "
           "reading alone %.2fx)\n",
           peak / 1e6, peak / (double)len, (double)(read_only - idle) * 1024.0 / (double)len);
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

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--child") == 0)
        return child_main(argv[2], atoi(argv[3]));
    const char *cluster = NULL;
    int i = 1;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--threads") == 0)
            parse_threads(argv[i + 1]);
        else if (strcmp(argv[i], "--cluster") == 0)
            cluster = argv[i + 1];
        else if (strcmp(argv[i], "--contourc") == 0)
            contourc = argv[i + 1];
        else
            break;
    }
    size_t n = 100000;
    int runs = 5;
    if (cluster && i < argc) { /* with --cluster, the only number is RUNS */
        runs = atoi(argv[i]);
    } else if (!cluster && i < argc) {
        n = (size_t)strtoull(argv[i], NULL, 10);
        if (i + 1 < argc)
            runs = atoi(argv[i + 1]);
    }
    if (runs < 1 || runs > 32)
        runs = 5;
    size_t len;
    if (cluster) {
        char *data = read_file(cluster, &len);
        size_t k = 0;
        while (k < len && strchr(" \t\r\n", data[k]))
            k++;
        bool yaml = k == len || (data[k] != '{' && data[k] != '[');
        run(cluster, data, len, yaml, runs);
        free(data);
        return 0;
    }
    char *data = gen_cluster(n, GEN_YAML, &len);
    run("YAML stream", data, len, true, runs);
    free(data);
    data = gen_cluster(n, GEN_JSON_LIST, &len);
    run("JSON List", data, len, false, runs);
    free(data);
    return 0;
}
