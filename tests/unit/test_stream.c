/* Streaming output: contour_graph_write() and the streaming string buffer under it.
 *
 * What is checked, and what would fail without it:
 *  - the bytes are those contour_graph_render_filtered() gives, for every golden case, every
 *    format, with and without filters, and for a generated cluster several chunks long;
 *  - every call of the callback gets 1 to 65,536 bytes, and the memory a write holds does
 *    not grow with the output (a byte-counting allocator);
 *  - a callback that stops at any call, first to last, gets no further call and the write
 *    returns CONTOUR_ERR_IO with nothing leaked;
 *  - a failed allocation at every point gives CONTOUR_ERR_NOMEM before any byte is sent,
 *    with nothing leaked;
 *  - NULL and out-of-range arguments give CONTOUR_ERR_INVALID without a call;
 *  - threads writing one graph at once each get the whole rendering;
 *  - the writers themselves, run into streaming buffers of tiny chunks (down to 1 byte),
 *    give the same bytes: no writer may keep a position in its buffer across an append
 *    (the DOT writer's shortened ids once did). */
#include "testutil.h"

#include "../case_load.h"
#include "filter.h"
#include "graph_model.h"
#include "strbuf.h"
#include "write.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MAX ((size_t)65536)

static const contour_output_format formats[] = {CONTOUR_OUTPUT_JSON, CONTOUR_OUTPUT_TEXT,
                                                CONTOUR_OUTPUT_DOT};

/* ---- a callback that keeps everything and checks each call ---- */

typedef struct sink {
    char *data;
    size_t len, cap;
    size_t calls;
    size_t min_chunk, max_chunk;
    size_t stop_at;     /* the call (1-based) that returns nonzero; 0: none */
    size_t calls_after; /* calls after the one that stopped: must stay 0 */
    bool stopped;
} sink;

static int sink_write(void *user_data, const char *bytes, size_t len)
{
    sink *s = user_data;
    if (s->stopped) {
        s->calls_after++;
        return 1;
    }
    s->calls++;
    if (s->calls == 1 || len < s->min_chunk)
        s->min_chunk = len;
    if (len > s->max_chunk)
        s->max_chunk = len;
    if (s->len + len + 1 > s->cap) {
        s->cap = (s->len + len + 1) * 2;
        s->data = realloc(s->data, s->cap);
        assert_non_null(s->data);
    }
    memcpy(s->data + s->len, bytes, len);
    s->len += len;
    s->data[s->len] = '\0';
    if (s->calls == s->stop_at) {
        s->stopped = true;
        return 1;
    }
    return 0;
}

static void sink_reset(sink *s, size_t stop_at)
{
    free(s->data);
    memset(s, 0, sizeof *s);
    s->stop_at = stop_at;
}

/* contour_graph_render_filtered()'s bytes (malloc'd copy). */
static char *render(const contour_graph *g, contour_output_format f,
                    const contour_graph_filter *filter, size_t *len)
{
    contour_buffer *b = NULL;
    assert_int_equal(contour_graph_render_filtered(&b, g, f, filter), CONTOUR_OK);
    *len = contour_buffer_size(b);
    char *copy = malloc(*len + 1);
    assert_non_null(copy);
    memcpy(copy, contour_buffer_data(b), *len + 1);
    contour_buffer_free(b);
    return copy;
}

/* Writes and compares with render; returns the number of calls. */
static size_t expect_same_as_render(const contour_graph *g, contour_output_format f,
                                    const contour_graph_filter *filter, const char *what)
{
    size_t want_len;
    char *want = render(g, f, filter, &want_len);
    sink s = {0};
    assert_int_equal(contour_graph_write(g, f, filter, sink_write, &s), CONTOUR_OK);
    if (s.len != want_len || (want_len && memcmp(s.data, want, want_len) != 0))
        fail_msg("%s, format %d: %zu bytes written, %zu rendered", what, (int)f, s.len, want_len);
    if (want_len) {
        assert_true(s.calls >= 1);
        assert_true(s.min_chunk >= 1);
        assert_true(s.max_chunk <= CHUNK_MAX);
        /* As many calls as it takes, not more than one per started chunk beyond that. */
        assert_true(s.calls >= (want_len + CHUNK_MAX - 1) / CHUNK_MAX);
    } else {
        assert_int_equal(s.calls, 0);
    }
    size_t calls = s.calls;
    sink_reset(&s, 0);
    free(want);
    return calls;
}

/* ---- filters ---- */

static contour_graph_filter *filter_of(const char *vhost, const char *ns)
{
    contour_graph_filter *f = NULL;
    assert_int_equal(contour_graph_filter_new(&f), CONTOUR_OK);
    if (vhost)
        assert_int_equal(contour_graph_filter_add_vhost(f, vhost, strlen(vhost)), CONTOUR_OK);
    if (ns)
        assert_int_equal(contour_graph_filter_add_namespace(f, ns, strlen(ns)), CONTOUR_OK);
    return f;
}

/* Filters that cut a graph down in each way: NULL, empty, by the first vhost, by the first
 * status's namespace, both, and one that matches nothing. Returns how many (at most 6). */
static size_t filters_for(const contour_graph *g, contour_graph_filter *out[6])
{
    const char *vhost = NULL, *ns = NULL;
    if (contour_graph_listener_count(g) &&
        contour_listener_vhost_count(contour_graph_listener_at(g, 0)))
        vhost = contour_vhost_fqdn(contour_listener_vhost_at(contour_graph_listener_at(g, 0), 0));
    if (contour_graph_status_count(g))
        ns = contour_status_namespace(contour_graph_status_at(g, 0));
    size_t n = 0;
    out[n++] = NULL;
    out[n++] = filter_of(NULL, NULL);
    if (vhost)
        out[n++] = filter_of(vhost, NULL);
    if (ns)
        out[n++] = filter_of(NULL, ns);
    if (vhost && ns)
        out[n++] = filter_of(vhost, ns);
    out[n++] = filter_of("nothing.invalid", NULL);
    return n;
}

static void filters_free(contour_graph_filter *f[6], size_t n)
{
    for (size_t i = 0; i < n; i++)
        contour_graph_filter_free(f[i]);
}

/* ---- the golden cases ---- */

typedef struct loaded {
    contour_config *cfg;
    contour_snapshot *snap;
    contour_graph *graph;
} loaded;

/* Loads and resolves tests/cases/<name> with its config (and `alloc` when set). */
static loaded load_case(const char *name, tu_failing *alloc)
{
    char rel[512];
    snprintf(rel, sizeof rel, "tests/cases/%s", name);
    char *dir = tc_join(tu_source_root(), rel);
    char err[1024] = "";
    loaded l = {0};
    l.cfg = tc_case_config(dir, err, sizeof err);
    if (!l.cfg)
        fail_msg("%s: %s", name, err);
    if (alloc)
        assert_int_equal(contour_config_set_allocator(l.cfg, tu_failing_malloc, tu_failing_realloc,
                                                      tu_failing_free, alloc),
                         CONTOUR_OK);
    assert_int_equal(contour_snapshot_new(&l.snap, l.cfg), CONTOUR_OK);
    if (!tc_case_load(l.snap, dir, tu_shared_root(), err, sizeof err))
        fail_msg("%s: %s", name, err);
    assert_int_equal(contour_resolve(&l.graph, l.snap, l.cfg), CONTOUR_OK);
    free(dir);
    return l;
}

static void loaded_free(loaded *l)
{
    contour_graph_free(l->graph);
    contour_snapshot_free(l->snap);
    contour_config_free(l->cfg);
}

static tc_strlist case_names(void)
{
    char *root = tc_join(tu_source_root(), "tests/cases");
    tc_strlist cases = tc_list_cases(root);
    free(root);
    assert_true(cases.n >= 20);
    return cases;
}

static void test_golden_cases_write_what_render_gives(void **state)
{
    (void)state;
    tc_strlist cases = case_names();
    size_t compared = 0;
    for (size_t c = 0; c < cases.n; c++) {
        loaded l = load_case(cases.v[c], NULL);
        contour_graph_filter *filters[6];
        size_t nf = filters_for(l.graph, filters);
        for (size_t i = 0; i < nf; i++)
            for (size_t f = 0; f < 3; f++, compared++)
                expect_same_as_render(l.graph, formats[f], filters[i], cases.v[c]);
        filters_free(filters, nf);
        loaded_free(&l);
    }
    print_message("%zu golden cases, %zu writes compared with render\n", cases.n, compared);
    tc_release(&cases);
}

/* ---- a generated cluster, several chunks long in every format ---- */

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* Roots with TLS and without, delegations within and across namespaces, Services present
 * and missing, names that need escaping, names whose DOT ids are shortened (over 512
 * encoded bytes: '%' and '/' take 3 each), an orphan, a cycle, an unknown field, and one
 * route match of 100 kB (a single append longer than a chunk). */
static char *big_cluster(int roots)
{
    text t = {0};
    char long_name[400];
    for (size_t i = 0; i < 190; i++)
        memcpy(long_name + 2 * i, "%/", 2);
    long_name[380] = '\0';
    for (int i = 0; i < roots; i++) {
        int ns = i % 7, child_ns = (i + 3) % 7;
        const char *odd = i % 10 == 3 ? "\\u202e" : "";
        add(&t,
            "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
            "metadata: {name: \"root-%d%s\", namespace: team-%d}\n"
            "spec:\n  virtualhost:\n    fqdn: host-%d.example.com\n",
            i, odd, ns, i);
        if (i % 3 == 0)
            add(&t, "    tls: {secretName: cert-%d}\n", i);
        add(&t,
            "  routes:\n"
            "    - match: /\n      services: [{name: svc-%d, port: 80, weight: 10}, "
            "{name: gone-%d, port: 8080}]\n"
            "    - match: /api\n      delegate: {name: \"child-%d%s\", namespace: team-%d}\n"
            "    - match: /long\n      delegate: {name: \"%s-%d\", namespace: team-%d}\n",
            i, i, i, odd, child_ns, long_name, i, child_ns);
        add(&t,
            "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
            "metadata: {name: \"child-%d%s\", namespace: team-%d}\n"
            "spec:\n  routes:\n"
            "    - match: /api\n      services: [{name: svc-%d, port: 80}]\n"
            "      timeoutPolicy: {request: 3s}\n"
            "      retryPolicy: {count: 2, perTryTimeout: 150ms}\n",
            i, odd, child_ns, i);
        add(&t,
            "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
            "metadata: {name: \"%s-%d\", namespace: team-%d}\n"
            "spec:\n  routes:\n    - match: /long\n      services: [{name: svc-%d, port: 80}]\n",
            long_name, i, child_ns, i);
        if (i % 2 == 0)
            add(&t,
                "---\napiVersion: v1\nkind: Service\nmetadata: {name: svc-%d, namespace: team-%d}\n"
                "spec:\n  ports: [{port: 80, name: http}]\n"
                "---\napiVersion: v1\nkind: Service\nmetadata: {name: svc-%d, namespace: team-%d}\n"
                "spec:\n  ports: [{port: 80}]\n",
                i, ns, i, child_ns);
    }
    add(&t, "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
            "metadata: {name: orphan, namespace: team-1}\n"
            "spec:\n  colour: blue\n  routes: [{match: /, services: [{name: x, port: 80}]}]\n"
            "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
            "metadata: {name: loop, namespace: team-2}\n"
            "spec:\n  virtualhost: {fqdn: loop.example.com}\n"
            "  routes: [{match: /, delegate: {name: loop, namespace: team-2}}]\n"
            "---\napiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
            "metadata: {name: huge, namespace: team-0}\n"
            "spec:\n  virtualhost: {fqdn: huge.example.com}\n"
            "  routes:\n    - match: /");
    for (int i = 0; i < 100000 / 50; i++)
        add(&t, "%s", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX");
    add(&t, "\n      services: [{name: svc-0, port: 80}]\n");
    return t.s;
}

/* The generated cluster, resolved with an allocator when malloc_fn is set. */
static loaded load_big_with(void *(*malloc_fn)(size_t, void *),
                            void *(*realloc_fn)(void *, size_t, void *),
                            void (*free_fn)(void *, void *), void *user_data)
{
    loaded l = {0};
    assert_int_equal(contour_config_new(&l.cfg), CONTOUR_OK);
    if (malloc_fn)
        assert_int_equal(
            contour_config_set_allocator(l.cfg, malloc_fn, realloc_fn, free_fn, user_data),
            CONTOUR_OK);
    char *yaml = big_cluster(120);
    assert_int_equal(contour_snapshot_new(&l.snap, l.cfg), CONTOUR_OK);
    assert_int_equal(contour_snapshot_load_buffer(l.snap, "big.yaml", 8, yaml, strlen(yaml),
                                                  CONTOUR_FORMAT_YAML),
                     CONTOUR_OK);
    free(yaml);
    assert_int_equal(contour_resolve(&l.graph, l.snap, NULL), CONTOUR_OK);
    return l;
}

/* ... with `alloc` when set (which then sees every block). */
static loaded load_big(tu_failing *alloc)
{
    if (!alloc)
        return load_big_with(NULL, NULL, NULL, NULL);
    return load_big_with(tu_failing_malloc, tu_failing_realloc, tu_failing_free, alloc);
}

static void test_big_graph_in_bounded_chunks(void **state)
{
    (void)state;
    loaded l = load_big(NULL);
    contour_graph_filter *filters[6];
    size_t nf = filters_for(l.graph, filters);
    contour_graph_filter *several = filter_of("host-7.example.com", "team-3");
    assert_int_equal(contour_graph_filter_add_vhost(several, "huge.example.com", 16), CONTOUR_OK);
    for (size_t f = 0; f < 3; f++) {
        size_t len;
        free(render(l.graph, formats[f], NULL, &len));
        size_t calls = expect_same_as_render(l.graph, formats[f], NULL, "big cluster");
        print_message("format %d: %zu bytes in %zu calls\n", (int)formats[f], len, calls);
        assert_true(len > 3 * CHUNK_MAX); /* the test means something: several chunks */
        assert_true(calls >= 4);
        for (size_t i = 0; i < nf; i++)
            expect_same_as_render(l.graph, formats[f], filters[i], "big cluster, filtered");
        expect_same_as_render(l.graph, formats[f], several, "big cluster, several vhosts");
    }
    contour_graph_filter_free(several);
    filters_free(filters, nf);
    loaded_free(&l);
}

/* ---- memory: one chunk, whatever the size of the output ---- */

typedef struct counting {
    size_t live, peak;
} counting;

static void *count_malloc(size_t size, void *ud)
{
    counting *c = ud;
    size_t *p = malloc(size + sizeof(size_t) * 2);
    if (!p)
        return NULL;
    p[0] = size;
    c->live += size;
    if (c->live > c->peak)
        c->peak = c->live;
    return p + 2;
}

static void count_free(void *ptr, void *ud)
{
    counting *c = ud;
    if (!ptr)
        return;
    size_t *p = (size_t *)ptr - 2;
    c->live -= p[0];
    free(p);
}

static void *count_realloc(void *ptr, size_t size, void *ud)
{
    counting *c = ud;
    if (!ptr)
        return count_malloc(size, ud);
    size_t *p = (size_t *)ptr - 2, old = p[0];
    size_t *q = realloc(p, size + sizeof(size_t) * 2);
    if (!q)
        return NULL;
    q[0] = size;
    c->live = c->live - old + size;
    if (c->live > c->peak)
        c->peak = c->live;
    return q + 2;
}

static void test_memory_does_not_grow_with_output(void **state)
{
    (void)state;
    counting c = {0, 0};
    loaded l = load_big_with(count_malloc, count_realloc, count_free, &c);
    const contour_graph *g = l.graph;
    for (size_t f = 0; f < 3; f++) {
        size_t base = c.live;
        c.peak = base;
        sink s = {0};
        assert_int_equal(contour_graph_write(g, formats[f], NULL, sink_write, &s), CONTOUR_OK);
        size_t write_peak = c.peak - base;
        assert_int_equal(c.live, base);
        c.peak = base;
        contour_buffer *b = NULL;
        assert_int_equal(contour_graph_render(&b, g, formats[f]), CONTOUR_OK);
        size_t render_peak = c.peak - base;
        contour_buffer_free(b);
        print_message("format %d: %zu bytes out; write held at most %zu bytes, render %zu\n",
                      (int)formats[f], s.len, write_peak, render_peak);
        assert_true(render_peak >= s.len);
        /* One chunk (and its NUL); DOT adds its sorted node lists: a pointer per vhost and
         * three per Service or missing target, nothing per byte of output. */
        if (formats[f] == CONTOUR_OUTPUT_DOT)
            assert_true(write_peak <= CHUNK_MAX + 1 + 64 * 1024);
        else
            assert_int_equal(write_peak, CHUNK_MAX + 1);
        assert_true(write_peak < s.len / 4);
        sink_reset(&s, 0);
    }
    loaded_free(&l);
    assert_int_equal(c.live, 0);
}

/* ---- a callback that stops ---- */

static void test_stop_at_every_call(void **state)
{
    (void)state;
    tu_failing a = {0, 0, 0, 0};
    loaded l = load_big(&a);
    contour_graph_filter *filter = filter_of("host-7.example.com", NULL);
    assert_int_equal(contour_graph_filter_add_namespace(filter, "team-0", 6), CONTOUR_OK);
    const contour_graph_filter *filters[2] = {NULL, filter};
    size_t runs = 0;
    for (size_t fi = 0; fi < 2; fi++) {
        for (size_t f = 0; f < 3; f++) {
            size_t want_len;
            char *want = render(l.graph, formats[f], filters[fi], &want_len);
            sink s = {0};
            assert_int_equal(contour_graph_write(l.graph, formats[f], filters[fi], sink_write, &s),
                             CONTOUR_OK);
            size_t total = s.calls;
            assert_true(total >= 1);
            long live = a.live;
            for (size_t k = 1; k <= total; k++, runs++) {
                sink_reset(&s, k);
                assert_int_equal(
                    contour_graph_write(l.graph, formats[f], filters[fi], sink_write, &s),
                    CONTOUR_ERR_IO);
                assert_int_equal(s.calls, k);
                assert_int_equal(s.calls_after, 0);
                assert_true(s.len <= want_len);
                assert_memory_equal(s.data, want, s.len);
                assert_true(k == total || s.len == k * CHUNK_MAX);
                assert_int_equal(a.live, live);
            }
            sink_reset(&s, 0);
            free(want);
        }
    }
    print_message("%zu writes stopped, each at its own call\n", runs);
    contour_graph_filter_free(filter);
    loaded_free(&l);
    assert_int_equal(a.live, 0);
}

/* ---- allocation failure ---- */

/* Fails each allocation of a write in turn: CONTOUR_ERR_NOMEM, no call, nothing leaked;
 * past the last, the whole rendering. Returns the number of failure points. */
static long fail_each_allocation(const loaded *l, tu_failing *a, contour_output_format f,
                                 const contour_graph_filter *filter)
{
    size_t want_len;
    char *want = render(l->graph, f, filter, &want_len);
    long live = a->live, n;
    for (n = 1;; n++) {
        sink s = {0};
        a->calls = 0;
        a->fail_at = n;
        contour_result st = contour_graph_write(l->graph, f, filter, sink_write, &s);
        bool hit = a->calls >= n;
        a->fail_at = 0;
        assert_int_equal(a->live, live);
        if (!hit) {
            assert_int_equal(st, CONTOUR_OK);
            assert_int_equal(s.len, want_len);
            assert_memory_equal(s.data, want, want_len);
            sink_reset(&s, 0);
            break;
        }
        assert_int_equal(st, CONTOUR_ERR_NOMEM);
        assert_int_equal(s.calls, 0); /* every allocation comes before the first byte */
        sink_reset(&s, 0);
    }
    free(want);
    return n - 1;
}

static void test_allocation_failure_at_each_point(void **state)
{
    (void)state;
    tu_failing a = {0, 0, 0, 0};
    loaded big = load_big(&a);
    contour_graph_filter *vhost = filter_of("host-7.example.com", NULL);
    contour_graph_filter *ns = filter_of(NULL, "team-3");
    const contour_graph_filter *filters[3] = {NULL, vhost, ns};
    for (size_t fi = 0; fi < 3; fi++) {
        for (size_t f = 0; f < 3; f++) {
            long points = fail_each_allocation(&big, &a, formats[f], filters[fi]);
            /* The chunk; a vhost filter's list of objects; DOT's vhost and target lists. */
            long expected = 1 + (fi == 1) + (formats[f] == CONTOUR_OUTPUT_DOT ? 2 : 0);
            assert_int_equal(points, expected);
        }
    }
    contour_graph_filter_free(vhost);
    contour_graph_filter_free(ns);
    loaded_free(&big);
    assert_int_equal(a.live, 0);

    /* Every golden case, every format, through the allocator the graph was made with. */
    tc_strlist cases = case_names();
    long total = 0;
    for (size_t c = 0; c < cases.n; c++) {
        tu_failing ca = {0, 0, 0, 0};
        loaded l = load_case(cases.v[c], &ca);
        for (size_t f = 0; f < 3; f++)
            total += fail_each_allocation(&l, &ca, formats[f], NULL);
        loaded_free(&l);
        assert_int_equal(ca.live, 0);
    }
    print_message("%ld allocation failure points over %zu golden cases\n", total, cases.n);
    tc_release(&cases);
}

/* ---- arguments ---- */

static void test_invalid_arguments(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("in.yaml", "apiVersion: contour.heptio.com/v1beta1\n"
                                             "kind: IngressRoute\nmetadata: {name: r}\n"
                                             "spec:\n  virtualhost: {fqdn: a.com}\n"
                                             "  routes: [{match: /, services: [{name: s, "
                                             "port: 80}]}]\n");
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    sink k = {0};
    assert_int_equal(contour_graph_write(NULL, CONTOUR_OUTPUT_JSON, NULL, sink_write, &k),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_write(g, CONTOUR_OUTPUT_JSON, NULL, NULL, &k),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_write(g, (contour_output_format)3, NULL, sink_write, &k),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_write(g, (contour_output_format)-1, NULL, sink_write, &k),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(k.calls, 0);
    assert_int_equal(contour_graph_write(g, CONTOUR_OUTPUT_TEXT, NULL, sink_write, &k), CONTOUR_OK);
    assert_int_equal(k.calls, 1);
    sink_reset(&k, 0);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

static int null_user_data(void *user_data, const char *bytes, size_t len)
{
    (void)bytes;
    return user_data == NULL && len > 0 ? 0 : 1;
}

static void test_null_user_data(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("in.yaml", "kind: Nothing\n");
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    assert_int_equal(contour_graph_write(g, CONTOUR_OUTPUT_DOT, NULL, null_user_data, NULL),
                     CONTOUR_OK);
    contour_graph_free(g);
    contour_snapshot_free(s);
}

/* ---- threads ---- */

typedef struct job {
    const contour_graph *g;
    const contour_graph_filter *filter;
    const char *want[3];
    size_t want_len[3];
    int mismatches;
} job;

static void *write_many(void *arg)
{
    job *j = arg;
    for (int i = 0; i < 6; i++) {
        sink s = {0};
        size_t f = (size_t)i % 3;
        if (contour_graph_write(j->g, formats[f], j->filter, sink_write, &s) != CONTOUR_OK ||
            s.len != j->want_len[f] || memcmp(s.data, j->want[f], s.len) != 0)
            j->mismatches++;
        free(s.data);
    }
    return NULL;
}

static void test_threads_write_one_graph(void **state)
{
    (void)state;
    loaded l = load_big(NULL);
    contour_graph_filter *filter = filter_of(NULL, "team-2");
    job jobs[4];
    char *want[3];
    size_t want_len[3];
    for (size_t f = 0; f < 3; f++)
        want[f] = render(l.graph, formats[f], filter, &want_len[f]);
    pthread_t th[4];
    for (int t = 0; t < 4; t++) {
        jobs[t] = (job){l.graph,
                        filter,
                        {want[0], want[1], want[2]},
                        {want_len[0], want_len[1], want_len[2]},
                        0};
        assert_int_equal(pthread_create(&th[t], NULL, write_many, &jobs[t]), 0);
    }
    for (int t = 0; t < 4; t++) {
        assert_int_equal(pthread_join(th[t], NULL), 0);
        assert_int_equal(jobs[t].mismatches, 0);
    }
    for (size_t f = 0; f < 3; f++)
        free(want[f]);
    contour_graph_filter_free(filter);
    loaded_free(&l);
}

/* ---- the streaming buffer and the writers, chunk by chunk ---- */

/* Runs a writer into a streaming buffer of `chunk` bytes and compares with render. */
static void expect_writer_in_chunks(const contour_graph *g, contour_output_format f,
                                    const contour_graph_filter *filter, size_t chunk,
                                    const char *what)
{
    static bool (*const writers[])(cx_strbuf *, const cx_view *) = {
        [CONTOUR_OUTPUT_JSON] = cx_write_json,
        [CONTOUR_OUTPUT_TEXT] = cx_write_text,
        [CONTOUR_OUTPUT_DOT] = cx_write_dot,
    };
    size_t want_len;
    char *want = render(g, f, filter, &want_len);
    sink s = {0};
    cx_strbuf_sink out = {sink_write, &s, chunk, false};
    cx_strbuf b;
    assert_true(cx_strbuf_init_sink(&b, &cx_default_alloc, &out));
    cx_view view;
    assert_true(cx_view_init(&view, g, filter, &cx_default_alloc));
    assert_true(writers[f](&b, &view));
    assert_true(cx_strbuf_flush(&b));
    cx_view_release(&view);
    cx_strbuf_release(&b);
    if (s.len != want_len || memcmp(s.data, want, want_len) != 0)
        fail_msg("%s, format %d, chunks of %zu: %zu bytes written, %zu rendered", what, (int)f,
                 chunk, s.len, want_len);
    assert_true(s.max_chunk <= chunk);
    assert_true(want_len == 0 || s.min_chunk >= 1);
    sink_reset(&s, 0);
    free(want);
}

static void test_writers_in_tiny_chunks(void **state)
{
    (void)state;
    static const size_t chunks[] = {1, 2, 3, 7, 64, 509, 4096};
    loaded l = load_big(NULL);
    contour_graph_filter *filter = filter_of("host-3.example.com", "team-6");
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++)
        for (size_t f = 0; f < 3; f++) {
            expect_writer_in_chunks(l.graph, formats[f], NULL, chunks[c], "big cluster");
            expect_writer_in_chunks(l.graph, formats[f], filter, chunks[c], "big, filtered");
        }
    contour_graph_filter_free(filter);
    loaded_free(&l);

    tc_strlist cases = case_names();
    for (size_t i = 0; i < cases.n; i++) {
        loaded lc = load_case(cases.v[i], NULL);
        for (size_t f = 0; f < 3; f++)
            for (size_t c = 0; c < 3; c++)
                expect_writer_in_chunks(lc.graph, formats[f], NULL, chunks[c], cases.v[i]);
        loaded_free(&lc);
    }
    tc_release(&cases);
}

/* Every kind of append, into chunks of every small size: the same bytes as a plain
 * buffer's, in calls of 1 to chunk bytes; a stop latches. */
static void fill(cx_strbuf *b, const char *big)
{
    cx_strbuf_puts(b, "start ");
    for (int i = 0; i < 40; i++) {
        cx_strbuf_putc(b, (char)('a' + i % 26));
        cx_strbuf_put_i64(b, -1234567890123LL * i);
        cx_strbuf_printf(b, "[%d:%s]", i, i % 2 ? "odd" : "even");
        cx_strbuf_json_string(b, "q\"\n\xe2\x80\xae", 7);
        cx_strbuf_go_quote(b, "g\x01", 2);
        cx_strbuf_reserve_hint(b, 100000);
    }
    cx_strbuf_append(b, big, strlen(big));
    cx_strbuf_printf(b, "%s|%s", big, big + 100); /* longer than any chunk here */
    cx_strbuf_putc(b, '\n');
}

static void test_strbuf_streaming(void **state)
{
    (void)state;
    char big[3000];
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = (char)('A' + i % 26);
    big[sizeof big - 1] = '\0';
    cx_strbuf plain;
    cx_strbuf_init(&plain, &cx_default_alloc);
    fill(&plain, big);
    assert_false(plain.oom);
    for (size_t chunk = 1; chunk <= 70; chunk++) {
        sink s = {0};
        cx_strbuf_sink out = {sink_write, &s, chunk, false};
        cx_strbuf b;
        assert_true(cx_strbuf_init_sink(&b, &cx_default_alloc, &out));
        fill(&b, big);
        assert_true(cx_strbuf_flush(&b));
        assert_true(cx_strbuf_flush(&b)); /* nothing left: no call */
        cx_strbuf_release(&b);
        assert_int_equal(s.len, plain.len);
        assert_memory_equal(s.data, plain.data, plain.len);
        assert_true(s.max_chunk <= chunk && s.min_chunk >= 1);
        /* Full chunks but the last, and one sent early where the long printf made room. */
        assert_true(s.calls <= (plain.len + chunk - 1) / chunk + 1);

        /* Stop at the third call: no fourth, appends are no-ops, flush says so. */
        sink_reset(&s, 3);
        out.stopped = false;
        assert_true(cx_strbuf_init_sink(&b, &cx_default_alloc, &out));
        fill(&b, big);
        assert_false(cx_strbuf_flush(&b));
        assert_true(out.stopped && b.oom);
        assert_int_equal(s.calls, 3);
        assert_int_equal(s.calls_after, 0);
        assert_memory_equal(s.data, plain.data, s.len);
        cx_strbuf_release(&b);
        sink_reset(&s, 0);
    }
    cx_strbuf_release(&plain);
}

/* A streaming buffer's one allocation, failed. */
static void test_strbuf_streaming_nomem(void **state)
{
    (void)state;
    tu_failing f = {1, 0, 0, 0};
    cx_alloc a = {tu_failing_malloc, tu_failing_realloc, tu_failing_free, &f};
    sink s = {0};
    cx_strbuf_sink out = {sink_write, &s, 16, false};
    cx_strbuf b;
    assert_false(cx_strbuf_init_sink(&b, &a, &out));
    assert_int_equal(f.live, 0);
    f.fail_at = 0;
    assert_true(cx_strbuf_init_sink(&b, &a, &out));
    cx_strbuf_puts(&b, "0123456789abcdefXYZ");
    assert_int_equal(s.calls, 1);
    assert_true(cx_strbuf_flush(&b));
    assert_int_equal(s.calls, 2);
    assert_int_equal(f.total, 1);
    cx_strbuf_release(&b);
    assert_int_equal(f.live, 0);
    sink_reset(&s, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_cases_write_what_render_gives),
        cmocka_unit_test(test_big_graph_in_bounded_chunks),
        cmocka_unit_test(test_memory_does_not_grow_with_output),
        cmocka_unit_test(test_stop_at_every_call),
        cmocka_unit_test(test_allocation_failure_at_each_point),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_null_user_data),
        cmocka_unit_test(test_threads_write_one_graph),
        cmocka_unit_test(test_writers_in_tiny_chunks),
        cmocka_unit_test(test_strbuf_streaming),
        cmocka_unit_test(test_strbuf_streaming_nomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
