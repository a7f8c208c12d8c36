#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TU_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define TU_SANITIZED 1
#endif
#endif
#ifndef TU_SANITIZED
#define TU_SANITIZED 0
#endif

double tu_time_factor(void)
{
    const char *f = getenv("CONTOUR_TIME_FACTOR");
    if (f && *f) {
        double v = strtod(f, NULL);
        if (v >= 1)
            return v;
    }
    return TU_SANITIZED ? 10 : 1;
}

bool tu_under_valgrind(void)
{
    const char *v = getenv("CONTOUR_UNDER_VALGRIND");
    return v && *v && strcmp(v, "0") != 0;
}

bool tu_rss_meaningful(void)
{
    return !TU_SANITIZED && !tu_under_valgrind();
}

long tu_maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

double tu_cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU seconds of one calibration_run() on the machine the bounds were set on (an -O2
 * build, the fastest of many runs on an idle machine). */
#define CALIBRATION_REFERENCE 0.016

/* The library's own work on a fixed input that costs time in proportion to its size: a
 * Service with 2,000 ports, followed by 1 MiB of blank lines inside a plain scalar. The
 * library, not an arbitrary loop, because what slows it on a busy machine (a cold cache
 * after every context switch, a neighbour's memory traffic) is what slows the cases
 * under test. */
static double calibration_run(void)
{
    static char *input;
    static size_t len;
    if (!input) {
        const char head[] = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n";
        const char port[] = "  - {name: p, port: 80}\n";
        const char tail[] = "  x: a\n";
        size_t blank = (size_t)1 << 20;
        size_t cap = sizeof head + 2000 * sizeof port + sizeof tail + blank + 8;
        input = malloc(cap);
        if (!input)
            return 0;
        len = 0;
        memcpy(input, head, sizeof head - 1);
        len += sizeof head - 1;
        for (int i = 0; i < 2000; i++) {
            memcpy(input + len, port, sizeof port - 1);
            len += sizeof port - 1;
        }
        memcpy(input + len, tail, sizeof tail - 1);
        len += sizeof tail - 1;
        memset(input + len, '\n', blank);
        len += blank;
        memcpy(input + len, "  b\n", 4);
        len += 4;
    }
    contour_snapshot *s = NULL;
    double t0 = tu_cpu_now();
    if (contour_snapshot_new(&s, NULL) == CONTOUR_OK)
        contour_snapshot_load_buffer(s, "calibration", 11, input, len, CONTOUR_FORMAT_YAML);
    contour_snapshot_free(s);
    return tu_cpu_now() - t0;
}

double tu_bound_factor(bool remeasure)
{
    static double speed = 0;
    if (speed == 0 || remeasure) {
        /* The fastest of five runs: preemption and cache misses only ever add time. */
        double best = calibration_run();
        for (int i = 0; i < 4; i++) {
            double t = calibration_run();
            if (t < best)
                best = t;
        }
        speed = best / CALIBRATION_REFERENCE;
        if (speed < 1)
            speed = 1;
    }
    double f = tu_time_factor();
    return speed > f ? speed : f;
}

double tu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

const char *tu_source_root(void)
{
    const char *r = getenv("CONTOUR_SOURCE_ROOT");
    return r ? r : ".";
}

const char *tu_shared_root(void)
{
    const char *r = getenv("CONTOUR_SHARED_ROOT");
    return r ? r : "../shared";
}

const char *tu_path(const char *root, const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", root, rel);
    return buf;
}

void tu_require_shared(const char *rel)
{
    struct stat sb;
    const char *p = tu_path(tu_shared_root(), rel);
    if (stat(p, &sb) != 0) {
        print_message("skipped: %s does not exist (no ../shared)\n", p);
        skip();
    }
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read %s", path);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = (size_t)n;
    return buf;
}

contour_snapshot *tu_load_with(const contour_config *config, const char *name, const char *text)
{
    contour_snapshot *s = NULL;
    assert_int_equal(contour_snapshot_new(&s, config), CONTOUR_OK);
    assert_int_equal(contour_snapshot_load_buffer(s, name, strlen(name), text, strlen(text),
                                                  CONTOUR_FORMAT_AUTO),
                     CONTOUR_OK);
    return s;
}

contour_snapshot *tu_load(const char *name, const char *text)
{
    return tu_load_with(NULL, name, text);
}

size_t tu_diag_count(const contour_snapshot *s, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++) {
        const contour_diagnostic *d = contour_snapshot_diagnostic_at(s, i);
        if (!code || strcmp(contour_diagnostic_code(d), code) == 0)
            n++;
    }
    return n;
}

const contour_diagnostic *tu_diag(const contour_snapshot *s, const char *code)
{
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++) {
        const contour_diagnostic *d = contour_snapshot_diagnostic_at(s, i);
        if (strcmp(contour_diagnostic_code(d), code) == 0)
            return d;
    }
    return NULL;
}

void tu_dump_diags(const contour_snapshot *s)
{
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++) {
        const contour_diagnostic *d = contour_snapshot_diagnostic_at(s, i);
        fprintf(stderr, "%s:%u:%u: %s: [%s] %s\n", contour_diagnostic_file(d),
                contour_diagnostic_line(d), contour_diagnostic_column(d),
                contour_severity_name(contour_diagnostic_severity(d)), contour_diagnostic_code(d),
                contour_diagnostic_message(d));
    }
}

void tu_assert_diag_at(const contour_snapshot *s, const char *code, uint32_t line, uint32_t col)
{
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++) {
        const contour_diagnostic *d = contour_snapshot_diagnostic_at(s, i);
        if (strcmp(contour_diagnostic_code(d), code) == 0 && contour_diagnostic_line(d) == line &&
            (col == 0 || contour_diagnostic_column(d) == col))
            return;
    }
    tu_dump_diags(s);
    fail_msg("no diagnostic %s at %u:%u", code, line, col);
}

char *tu_graph_json(const contour_graph *g)
{
    contour_buffer *b = NULL;
    assert_int_equal(contour_graph_render(&b, g, CONTOUR_OUTPUT_JSON), CONTOUR_OK);
    char *copy = malloc(contour_buffer_size(b) + 1);
    assert_non_null(copy);
    memcpy(copy, contour_buffer_data(b), contour_buffer_size(b) + 1);
    contour_buffer_free(b);
    return copy;
}

/* The counters are updated atomically: a load with several threads allocates from all of
 * them (tests/unit/test_parallel_load.c). */
void *tu_failing_malloc(size_t size, void *ud)
{
    tu_failing *f = ud;
    if (__atomic_add_fetch(&f->calls, 1, __ATOMIC_RELAXED) == f->fail_at)
        return NULL;
    void *p = malloc(size);
    if (p) {
        __atomic_add_fetch(&f->live, 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&f->total, 1, __ATOMIC_RELAXED);
    }
    return p;
}

void *tu_failing_realloc(void *ptr, size_t size, void *ud)
{
    tu_failing *f = ud;
    if (__atomic_add_fetch(&f->calls, 1, __ATOMIC_RELAXED) == f->fail_at)
        return NULL;
    void *q = realloc(ptr, size);
    if (q && !ptr) {
        __atomic_add_fetch(&f->live, 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&f->total, 1, __ATOMIC_RELAXED);
    }
    return q;
}

void tu_failing_free(void *ptr, void *ud)
{
    tu_failing *f = ud;
    if (ptr)
        __atomic_sub_fetch(&f->live, 1, __ATOMIC_RELAXED);
    free(ptr);
}
