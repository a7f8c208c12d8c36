/* Timing, statistics, memory accounting and the counting allocator for the benchmarks. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <contour/contour.h>
#include <stddef.h>

double bench_now(void);                   /* seconds, monotonic */
double bench_median(double *v, size_t n); /* sorts v */
long bench_maxrss_kb(void);               /* this process image's peak RSS (VmHWM) */

/* An allocator that counts live and peak bytes. */
typedef struct bench_counter {
    size_t live;
    size_t peak;
} bench_counter;

void bench_counter_install(contour_config *cfg, bench_counter *c);

#endif
