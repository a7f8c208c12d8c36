/*
 * One owner for settings: everything made from a snapshot allocates through the
 * snapshot's allocator. This test is linked with -Wl,--wrap=malloc (and calloc, realloc,
 * free), so every direct call the library makes to the C library heap lands in
 * __wrap_malloc and is counted while `watching`. (libyaml is a shared library: its own
 * calls are not wrapped, and it is documented to use the C heap for its parser buffers.)
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);

static bool watching;
static long libc_calls;

void *__wrap_malloc(size_t size)
{
    libc_calls += watching;
    return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    libc_calls += watching;
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    libc_calls += watching;
    return __real_realloc(p, size);
}

void __wrap_free(void *p)
{
    libc_calls += watching && p;
    __real_free(p);
}

/* The embedder's allocator: counts, then uses the real heap. */
typedef struct counter {
    long calls;
} counter;

static void *c_malloc(size_t size, void *ud)
{
    ((counter *)ud)->calls++;
    return __real_malloc(size);
}

static void *c_realloc(void *p, size_t size, void *ud)
{
    ((counter *)ud)->calls++;
    return __real_realloc(p, size);
}

static void c_free(void *p, void *ud)
{
    ((counter *)ud)->calls++;
    __real_free(p);
}

static char *read_case(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/cases/%s/input.yaml", name);
    return tu_read_file(tu_path(tu_source_root(), rel), NULL);
}

/* Loads, resolves with a NULL config, renders every format, exports and frees, watching the C
 * library heap: the snapshot's allocator must be the only one used. */
static void test_null_config_uses_the_snapshot_allocator(void **state)
{
    (void)state;
    static const char *const cases[] = {"delegation-checks", "tls-ingressroute", "ingress-tls",
                                        "tcpproxy", "conflicts"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *src = read_case(cases[i]);
        counter cnt = {0};
        contour_config *cfg = NULL;
        assert_int_equal(contour_config_new(&cfg), CONTOUR_OK);
        assert_int_equal(contour_config_set_allocator(cfg, c_malloc, c_realloc, c_free, &cnt),
                         CONTOUR_OK);
        contour_snapshot *s = NULL;
        contour_graph *g = NULL;

        libc_calls = 0;
        watching = true;
        assert_int_equal(contour_snapshot_new(&s, cfg), CONTOUR_OK);
        assert_int_equal(contour_snapshot_load_buffer(s, "input.yaml", 10, src, strlen(src),
                                                      CONTOUR_FORMAT_AUTO),
                         CONTOUR_OK);
        long after_load = cnt.calls;
        assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
        assert_true(cnt.calls > after_load);
        for (int f = CONTOUR_OUTPUT_JSON; f <= CONTOUR_OUTPUT_DOT; f++) {
            contour_buffer *b = NULL;
            assert_int_equal(contour_graph_render(&b, g, (contour_output_format)f), CONTOUR_OK);
            contour_buffer_free(b);
        }
        contour_export *e = NULL;
        assert_int_equal(contour_graph_export(&e, g, CONTOUR_EXPORT_PART_LISTENERS), CONTOUR_OK);
        contour_export_free(e);
        assert_int_equal(
            contour_snapshot_export(&e, s, CONTOUR_KIND_NONE, CONTOUR_EXPORT_PART_OBJECTS),
            CONTOUR_OK);
        contour_export_free(e);
        contour_graph_free(g);
        contour_snapshot_free(s);
        watching = false;

        if (libc_calls != 0)
            fail_msg("%s: %ld calls reached the C library heap instead of the snapshot's "
                     "allocator",
                     cases[i], libc_calls);
        contour_config_free(cfg);
        free(src);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_config_uses_the_snapshot_allocator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
