#include "benchutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

long bench_maxrss_kb(void)
{
    /* VmHWM is the peak of this process image's own memory; getrusage's ru_maxrss would
     * also hold the peak of the image an exec replaced (a spawning parent's). */
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    if (kb < 0) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        kb = ru.ru_maxrss;
    }
    return kb;
}

/* Each block carries its size in a 16-byte header. */
#define HDR 16

static void *c_malloc(size_t n, void *ud)
{
    bench_counter *c = ud;
    unsigned char *p = malloc(n + HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    c->live += n;
    if (c->live > c->peak)
        c->peak = c->live;
    return p + HDR;
}

static void c_free(void *ptr, void *ud)
{
    bench_counter *c = ud;
    unsigned char *p = (unsigned char *)ptr - HDR;
    size_t n;
    memcpy(&n, p, sizeof n);
    c->live -= n;
    free(p);
}

static void *c_realloc(void *ptr, size_t n, void *ud)
{
    bench_counter *c = ud;
    unsigned char *p = (unsigned char *)ptr - HDR;
    size_t old;
    memcpy(&old, p, sizeof old);
    unsigned char *q = realloc(p, n + HDR);
    if (!q)
        return NULL;
    memcpy(q, &n, sizeof n);
    c->live = c->live - old + n;
    if (c->live > c->peak)
        c->peak = c->live;
    return q + HDR;
}

void bench_counter_install(contour_config *cfg, bench_counter *c)
{
    contour_config_set_allocator(cfg, c_malloc, c_realloc, c_free, c);
}
