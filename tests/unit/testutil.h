/* Helpers shared by the unit tests. cmocka needs these includes in this order. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <contour/contour.h>

/* $CONTOUR_SOURCE_ROOT (the repository) and $CONTOUR_SHARED_ROOT (../shared). */
const char *tu_source_root(void);
const char *tu_shared_root(void);
/* A path under one of the roots, in a static buffer overwritten by the next call. */
const char *tu_path(const char *root, const char *rel);
/* Skips the calling test (cmocka skip()) when `rel` is not under the shared root: the
 * real-world corpus exists only in ../shared, which a fresh clone does not have. */
void tu_require_shared(const char *rel);

/* Reads a whole file (malloc'd, NUL-terminated; *len gets the size). Fails the test on error. */
char *tu_read_file(const char *path, size_t *len);

/* A snapshot holding one YAML or JSON buffer named `name`, with default config.
 * Fails the test unless the load returns CONTOUR_OK. */
contour_snapshot *tu_load(const char *name, const char *text);
/* The same with a config. */
contour_snapshot *tu_load_with(const contour_config *config, const char *name, const char *text);

/* Number of snapshot diagnostics with this code (NULL: all). */
size_t tu_diag_count(const contour_snapshot *s, const char *code);
/* The first snapshot diagnostic with this code, or NULL. */
const contour_diagnostic *tu_diag(const contour_snapshot *s, const char *code);
/* Asserts there is a diagnostic with this code at line:col (col 0 = any column). */
void tu_assert_diag_at(const contour_snapshot *s, const char *code, uint32_t line, uint32_t col);
/* Prints every snapshot diagnostic to stderr (debugging aid). */
void tu_dump_diags(const contour_snapshot *s);

/* Time bounds in tests are multiplied by this (through tu_bound_factor()): $CONTOUR_TIME_FACTOR
 * when set (the valgrind setup and the sanitizer stages of .ci/run set it), else 10 in a build with
 * AddressSanitizer or ThreadSanitizer, else 1. */
double tu_time_factor(void);
/* Whether the tests run under valgrind ($CONTOUR_UNDER_VALGRIND, set by
 * `meson test --setup=valgrind`). Tests may then shrink their inputs, never their
 * assertions. */
bool tu_under_valgrind(void);
/* Whether the process's peak RSS measures what the code under test allocates: not under
 * a sanitizer or valgrind, whose shadow memory, redzones and quarantines dominate it.
 * Bounds measured with a counting allocator hold everywhere. */
bool tu_rss_meaningful(void);
/* Peak resident set size of the process so far, in KiB (getrusage). */
long tu_maxrss_kb(void);
/* Monotonic seconds. */
double tu_now(void);
/* CPU seconds this process has used (CLOCK_PROCESS_CPUTIME_ID). Time bounds measure this,
 * not wall-clock time: a busy machine (other builds on its two cores) stretches wall time
 * by whatever share it takes, but not the CPU time of the work. */
double tu_cpu_now(void);
/* What CPU-time bounds are multiplied by: how much slower than the reference machine this
 * one is (a fixed calibration workload, timed here and compared with its time there; never
 * below 1), or tu_time_factor() when that is larger. Measured once, or again when
 * `remeasure` is set (a test that is over its bound measures again before it fails, in
 * case the machine slowed down meanwhile, e.g. a throttled CPU). A quadratic blow-up still
 * fails: bounds are within a few times of the linear cost, and such a blow-up costs
 * hundreds of times more on the inputs of the time-bounded tests. */
double tu_bound_factor(bool remeasure);

/* An allocator for failure injection: fails the allocation attempt numbered `fail_at`
 * (1-based, counting malloc and realloc calls; 0 = never) and counts blocks, so a test
 * can fail every allocation point in turn and check that nothing leaks. Install it with
 * contour_config_set_allocator(cfg, tu_failing_malloc, tu_failing_realloc,
 * tu_failing_free, &f), or as a cx_alloc in internal tests. */
typedef struct tu_failing {
    long fail_at; /* attempt to fail; 0 = never */
    long calls;   /* allocation attempts so far */
    long live;    /* blocks allocated and not freed */
    long total;   /* blocks ever allocated */
} tu_failing;
void *tu_failing_malloc(size_t size, void *f);
void *tu_failing_realloc(void *ptr, size_t size, void *f);
void tu_failing_free(void *ptr, void *f);

/* The graph's JSON rendering (malloc'd, NUL-terminated). */
char *tu_graph_json(const contour_graph *g);

#endif
