/* Golden cases (tests/cases/<case>/): what reading one takes, shared by run_cases.c (the
 * expected JSON) and tests/unit/test_stream.c (every rendering of every case, streamed).
 * The layout of a case is described in run_cases.c. Failures to read the tree are fatal
 * (tc_die): the tests have nothing to run without it. */
#ifndef CASE_LOAD_H
#define CASE_LOAD_H

#include <contour/contour.h>

#include <stdbool.h>
#include <stddef.h>

typedef struct tc_strlist {
    char **v;
    size_t n, cap;
} tc_strlist;

/* Prints "golden cases: WHAT: strerror(errno)" and exits 2. */
__attribute__((noreturn)) void tc_die(const char *what);
char *tc_strdup(const char *s);
void tc_push(tc_strlist *l, char *s);
void tc_release(tc_strlist *l);
/* "a/b", malloc'd. */
char *tc_join(const char *a, const char *b);
/* A whole file, NUL-terminated (malloc'd), or NULL when it cannot be opened. */
char *tc_read_all(const char *path, size_t *len);
bool tc_is_dir(const char *path);
/* Names in a directory (no dot entries), sorted. */
tc_strlist tc_list_dir(const char *dir);
/* The case directories under root, sorted. */
tc_strlist tc_list_cases(const char *root);

/* The case's `config` as a new config, or NULL with err. */
contour_config *tc_case_config(const char *dir, char *err, size_t errlen);
/* Loads the case's inputs into s: its `include`s (from `shared`, named by their path
 * relative to it), then its own input files (named by their file name). False with err. */
bool tc_case_load(contour_snapshot *s, const char *dir, const char *shared, char *err,
                  size_t errlen);

#endif
