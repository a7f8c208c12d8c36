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

/* Each block carries its size in a 16-byte header. The counts are atomic: a load with
 * several threads allocates from all of them. */
#define HDR 16

static void count(bench_counter *c, size_t add, size_t sub)
{
    size_t live = __atomic_add_fetch(&c->live, add - sub, __ATOMIC_RELAXED);
    size_t peak = __atomic_load_n(&c->peak, __ATOMIC_RELAXED);
    while (live > peak && !__atomic_compare_exchange_n(&c->peak, &peak, live, true,
                                                       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
}

static void *c_malloc(size_t n, void *ud)
{
    unsigned char *p = malloc(n + HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    count(ud, n, 0);
    return p + HDR;
}

static void c_free(void *ptr, void *ud)
{
    unsigned char *p = (unsigned char *)ptr - HDR;
    size_t n;
    memcpy(&n, p, sizeof n);
    count(ud, 0, n);
    free(p);
}

static void *c_realloc(void *ptr, size_t n, void *ud)
{
    unsigned char *p = (unsigned char *)ptr - HDR;
    size_t old;
    memcpy(&old, p, sizeof old);
    unsigned char *q = realloc(p, n + HDR);
    if (!q)
        return NULL;
    memcpy(q, &n, sizeof n);
    count(ud, n, old);
    return q + HDR;
}

void bench_counter_install(contour_config *cfg, bench_counter *c)
{
    contour_config_set_allocator(cfg, c_malloc, c_realloc, c_free, c);
}
