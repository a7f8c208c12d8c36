/* libFuzzer target: load (format auto-detected) -> resolve -> walk the whole graph ->
 * render JSON, text and DOT, and write them through a callback that must get the same
 * bytes -> free, checking the output invariants in fuzz_common.h.
 *
 * Then the same input again with one allocation failing (which one is drawn from the
 * input, among those the first run made): every call must return CONTOUR_OK or
 * CONTOUR_ERR_NOMEM, the failure must surface as CONTOUR_ERR_NOMEM from some call, a
 * failed load must leave the snapshot empty, and nothing may leak. */
#include "fuzz_common.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fz_alloc {
    size_t calls, fail_at; /* fail_at 0: never */
    long live;
} fz_alloc;

static void *fz_malloc(size_t n, void *ud)
{
    fz_alloc *a = ud;
    if (++a->calls == a->fail_at)
        return NULL;
    void *p = malloc(n);
    a->live += p != NULL;
    return p;
}

static void *fz_realloc(void *p, size_t n, void *ud)
{
    fz_alloc *a = ud;
    if (++a->calls == a->fail_at)
        return NULL;
    void *q = realloc(p, n);
    a->live += !p && q;
    return q;
}

static void fz_free(void *p, void *ud)
{
    ((fz_alloc *)ud)->live--;
    free(p);
}

/* contour_graph_write()'s bytes, compared with the rendering as they arrive. */
typedef struct fz_expect {
    const char *data;
    size_t size, seen;
} fz_expect;

static int fz_compare(void *ud, const char *bytes, size_t len)
{
    fz_expect *e = ud;
    FUZZ_CHECK(len >= 1 && len <= 65536 && len <= e->size - e->seen);
    FUZZ_CHECK(memcmp(e->data + e->seen, bytes, len) == 0);
    e->seen += len;
    return 0;
}

/* Writes what b holds through a callback: the same bytes, or CONTOUR_ERR_NOMEM before any. */
static contour_result check_write(const contour_graph *g, contour_output_format f,
                                  const contour_buffer *b)
{
    fz_expect e = {contour_buffer_data(b), contour_buffer_size(b), 0};
    contour_result st = contour_graph_write(g, f, NULL, fz_compare, &e);
    FUZZ_CHECK(st == CONTOUR_OK ? e.seen == e.size : st == CONTOUR_ERR_NOMEM && e.seen == 0);
    return st;
}

/* One run; returns whether a call failed with CONTOUR_ERR_NOMEM. */
static int run(const uint8_t *data, size_t size, fz_alloc *a)
{
    contour_config *cfg = fuzz_config(data[0]);
    contour_snapshot *s = NULL;
    contour_graph *g = NULL;
    int nomem = 0;
    FUZZ_CHECK(cfg != NULL);
    FUZZ_CHECK(contour_config_set_allocator(cfg, fz_malloc, fz_realloc, fz_free, a) == CONTOUR_OK);
    contour_result st = contour_snapshot_new(&s, cfg);
    if (st == CONTOUR_OK)
        st = contour_snapshot_load_buffer(s, "fuzz", 4, (const char *)data + 1, size - 1,
                                          CONTOUR_FORMAT_AUTO);
    if (st == CONTOUR_ERR_NOMEM && s) {
        /* A failed load leaves the snapshot as it was: empty. */
        for (int k = 1; k <= (int)contour_kind_count(); k++)
            FUZZ_CHECK(contour_snapshot_object_count(s, (contour_kind)k) == 0);
        FUZZ_CHECK(contour_snapshot_diagnostic_count(s) == 0);
    }
    if (st == CONTOUR_OK) {
        st = contour_resolve(&g, s, cfg);
        FUZZ_CHECK(st == CONTOUR_OK || g == NULL);
    }
    if (st == CONTOUR_OK) {
        /* Every load diagnostic is in the graph too. */
        FUZZ_CHECK(contour_graph_diagnostic_count(g) >= contour_snapshot_diagnostic_count(s));
        (void)fuzz_walk_graph(g);
        for (int f = CONTOUR_OUTPUT_JSON; f <= CONTOUR_OUTPUT_DOT && st == CONTOUR_OK; f++) {
            contour_buffer *b = NULL;
            st = contour_graph_render(&b, g, (contour_output_format)f);
            if (st == CONTOUR_OK) {
                fuzz_check_rendering(b, (contour_output_format)f);
                st = check_write(g, (contour_output_format)f, b);
            } else {
                FUZZ_CHECK(b == NULL);
            }
            contour_buffer_free(b);
        }
    }
    FUZZ_CHECK(st == CONTOUR_OK || st == CONTOUR_ERR_NOMEM);
    nomem = st == CONTOUR_ERR_NOMEM;
    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_config_free(cfg);
    FUZZ_CHECK(a->live == 0); /* nothing leaked through the allocator */
    return nomem;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fz_alloc a = {0, 0, 0};
    FUZZ_CHECK(!run(data, size, &a)); /* no failure injected: no NOMEM */
    if (a.calls == 0)
        return 0;
    /* The allocation to fail, from the input's bytes (FNV-1a). */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 0x100000001b3ULL;
    fz_alloc b = {0, 1 + (size_t)(h % a.calls), 0};
    FUZZ_CHECK(run(data, size, &b)); /* the failure surfaced as CONTOUR_ERR_NOMEM */
    return 0;
}
