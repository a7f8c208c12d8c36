/* Hostile inputs through the public API only: each is loaded, resolved and rendered as
 * an admission webhook would, under a wall-clock bound and a memory bound, and must end
 * with the right diagnostic at the right place.
 *
 * Big cases run in a child process (fork) so that the peak RSS they cause is their own:
 * memory is measured twice — the library's own allocations exactly, with a counting
 * allocator (contour_config_set_allocator), and everything the process touched (libyaml's
 * buffers included) as the growth of getrusage's peak RSS after the input was built.
 * Bounds: under a second of CPU time (a million documents: 10 s), under 64 MiB beyond the
 * input. Time is the process's CPU time, not wall-clock time, and bounds are scaled by the
 * machine's measured speed (tu_bound_factor), so a busy or slow machine does not fail them
 * while a quadratic blow-up, hundreds of times the linear cost here, still does. Under
 * sanitizers and valgrind the time bounds are relaxed further (tu_time_factor), the
 * counting-allocator bounds are not, and RSS is not meaningful (tu_rss_meaningful).
 *
 * CONTOUR_HOSTILE_VERBOSE=1 prints every diagnostic of every case. */
#include "testutil.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MiB          (1024.0 * 1024.0)
#define MEMORY_BOUND (64u << 20) /* bytes beyond the input */

static bool verbose(void)
{
    const char *v = getenv("CONTOUR_HOSTILE_VERBOSE");
    return v && *v && strcmp(v, "0") != 0;
}

/* ------------------------------------------------------------------------------------------ */
/* A counting allocator: current and peak bytes the library holds                            */
/* ------------------------------------------------------------------------------------------ */

typedef struct counter {
    size_t cur, peak;
    long calls;
} counter;

/* Each block carries its size in front, in a header that keeps malloc's alignment. */
typedef union header {
    size_t size;
    max_align_t align;
} header;

static void *c_malloc(size_t n, void *ud)
{
    counter *c = ud;
    c->calls++;
    if (n > SIZE_MAX - sizeof(header))
        return NULL;
    header *h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    c->cur += n;
    if (c->cur > c->peak)
        c->peak = c->cur;
    return h + 1;
}

static void *c_realloc(void *p, size_t n, void *ud)
{
    counter *c = ud;
    if (!p)
        return c_malloc(n, ud);
    c->calls++;
    if (n > SIZE_MAX - sizeof(header))
        return NULL;
    header *h = (header *)p - 1;
    size_t old = h->size;
    header *q = realloc(h, sizeof *q + n);
    if (!q)
        return NULL;
    q->size = n;
    c->cur = c->cur - old + n;
    if (c->cur > c->peak)
        c->peak = c->cur;
    return q + 1;
}

static void c_free(void *p, void *ud)
{
    counter *c = ud;
    header *h = (header *)p - 1;
    c->cur -= h->size;
    free(h);
}

/* ------------------------------------------------------------------------------------------ */
/* Building inputs                                                                            */
/* ------------------------------------------------------------------------------------------ */

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void t_reserve(text *t, size_t extra)
{
    if (extra > (SIZE_MAX >> 2) - t->len) {
        fprintf(stderr, "input too large\n");
        abort();
    }
    if (t->len + extra + 1 <= t->cap)
        return;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + extra + 1)
        cap *= 2;
    char *p = realloc(t->p, cap);
    if (!p) {
        fprintf(stderr, "out of memory building an input\n");
        abort();
    }
    t->p = p;
    t->cap = cap;
}

static void t_putn(text *t, const char *s, size_t n)
{
    t_reserve(t, n);
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void t_puts(text *t, const char *s)
{
    t_putn(t, s, strlen(s));
}

static void t_printf(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void t_printf(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    t_reserve(t, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static void t_repeat(text *t, const char *s, size_t times)
{
    size_t n = strlen(s);
    t_reserve(t, n * times);
    for (size_t i = 0; i < times; i++) {
        memcpy(t->p + t->len, s, n);
        t->len += n;
    }
    t->p[t->len] = '\0';
}

static void t_fill(text *t, char c, size_t n)
{
    t_reserve(t, n);
    memset(t->p + t->len, c, n);
    t->len += n;
    t->p[t->len] = '\0';
}

/* 1-based line and column (in code points) of byte offset `off`. */
static void t_pos(const text *t, size_t off, uint32_t *line, uint32_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)t->p[i];
        if (c == '\n') {
            ++*line;
            *col = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++*col;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Running one case                                                                           */
/* ------------------------------------------------------------------------------------------ */

typedef struct expect {
    contour_result load; /* what contour_snapshot_load_buffer returns */
    const char *code;    /* a diagnostic that must be there */
    uint32_t line, col;  /* ... at this place (col 0: any column) */
    double seconds;      /* CPU-time bound for load + resolve + render (plain build) */
    size_t objects;      /* objects that must load (SIZE_MAX: do not check) */
} expect;

typedef struct result {
    int load, resolve, render;
    double seconds; /* CPU time */
    size_t lib_peak;
    long rss_kb;
    bool found;
    uint32_t first_line, first_col; /* the first diagnostic with the code, wherever it is */
    char message[200];
    size_t diags, objects;
} result;

typedef void (*make_fn)(text *t, const void *arg);
typedef void (*tweak_fn)(contour_config *c, const void *arg);

static void dump(const contour_graph *g, const contour_snapshot *s)
{
    size_t n = g ? contour_graph_diagnostic_count(g) : contour_snapshot_diagnostic_count(s);
    for (size_t i = 0; i < n && i < 50; i++) {
        const contour_diagnostic *d =
            g ? contour_graph_diagnostic_at(g, i) : contour_snapshot_diagnostic_at(s, i);
        fprintf(stderr, "    %u:%u %s [%s] %s (field %s)\n", contour_diagnostic_line(d),
                contour_diagnostic_column(d), contour_severity_name(contour_diagnostic_severity(d)),
                contour_diagnostic_code(d), contour_diagnostic_message(d),
                contour_diagnostic_field(d) ? contour_diagnostic_field(d) : "-");
    }
    if (n > 50)
        fprintf(stderr, "    ... %zu diagnostics\n", n);
}

/* The clock time bounds are on: the process's CPU time, which waiting for a busy CPU
 * does not advance. */
static double case_clock(void)
{
    return tu_cpu_now();
}

/* Loads, resolves and renders `in`, measuring time and library memory. */
static void measure(result *r, const char *data, size_t len, contour_format fmt, tweak_fn tweak,
                    const void *arg, const expect *e)
{
    counter cnt = {0, 0, 0};
    contour_config *cfg = NULL;
    memset(r, 0, sizeof *r);
    r->load = r->resolve = r->render = -100;
    if (contour_config_new(&cfg) != CONTOUR_OK ||
        contour_config_set_allocator(cfg, c_malloc, c_realloc, c_free, &cnt) != CONTOUR_OK)
        return;
    if (tweak)
        tweak(cfg, arg);
    contour_snapshot *s = NULL;
    contour_graph *g = NULL;
    contour_buffer *b = NULL;
    double t0 = case_clock();
    if (contour_snapshot_new(&s, cfg) == CONTOUR_OK) {
        r->load = contour_snapshot_load_buffer(s, "hostile", 7, data, len, fmt);
        r->resolve = contour_resolve(&g, s, cfg);
        if (r->resolve == CONTOUR_OK)
            r->render = contour_graph_render(&b, g, CONTOUR_OUTPUT_JSON);
    }
    r->seconds = case_clock() - t0;
    r->lib_peak = cnt.peak;
    if (s) {
        for (int k = 1; k <= (int)contour_kind_count(); k++)
            r->objects += contour_snapshot_object_count(s, (contour_kind)k);
        size_t n = g ? contour_graph_diagnostic_count(g) : contour_snapshot_diagnostic_count(s);
        r->diags = n;
        for (size_t i = 0; i < n && e->code; i++) {
            const contour_diagnostic *d =
                g ? contour_graph_diagnostic_at(g, i) : contour_snapshot_diagnostic_at(s, i);
            if (strcmp(contour_diagnostic_code(d), e->code) != 0)
                continue;
            if (!r->first_line) {
                r->first_line = contour_diagnostic_line(d);
                r->first_col = contour_diagnostic_column(d);
                snprintf(r->message, sizeof r->message, "%s", contour_diagnostic_message(d));
            }
            if (contour_diagnostic_line(d) == e->line &&
                (e->col == 0 || contour_diagnostic_column(d) == e->col)) {
                r->found = true;
                snprintf(r->message, sizeof r->message, "%s", contour_diagnostic_message(d));
                break;
            }
        }
        if (verbose())
            dump(g, s);
    }
    contour_buffer_free(b);
    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_config_free(cfg);
    if (cnt.cur != 0)
        r->load = -101; /* a leak through the public API */
}

/* Whether a case kept to its time bound. Over it, the machine's speed is measured again
 * before the case fails, so that a machine that slowed down after the first measurement
 * (throttling, a neighbour thrashing the cache) does not fail it. */
static bool within_time(const result *r, const expect *e)
{
    return r->seconds < e->seconds * tu_bound_factor(false) ||
           r->seconds < e->seconds * tu_bound_factor(true);
}

static void check(const char *name, const result *r, const expect *e, bool rss)
{
    print_message("%-44s %8.1f ms  lib peak %7.2f MiB  rss %s%6.1f MiB  %s@%u:%u\n", name,
                  r->seconds * 1e3, (double)r->lib_peak / MiB, rss ? "+" : "~",
                  (double)r->rss_kb / 1024.0, e->code ? e->code : "-", r->first_line, r->first_col);
    if (r->load == -101)
        fail_msg("%s: the library still held memory after every handle was freed", name);
    if (r->load != (int)e->load)
        fail_msg("%s: load returned %d, expected %d", name, r->load, (int)e->load);
    if (r->resolve != CONTOUR_OK || r->render != CONTOUR_OK)
        fail_msg("%s: resolve %d, render %d", name, r->resolve, r->render);
    if (e->code && !r->found)
        fail_msg("%s: no %s diagnostic at %u:%u (first one at %u:%u: \"%s\"; %zu diagnostics)",
                 name, e->code, e->line, e->col, r->first_line, r->first_col, r->message, r->diags);
    if (e->code && !r->message[0])
        fail_msg("%s: the %s diagnostic has no message", name, e->code);
    if (e->objects != SIZE_MAX && r->objects != e->objects)
        fail_msg("%s: %zu objects loaded, expected %zu", name, r->objects, e->objects);
    if (!within_time(r, e))
        fail_msg("%s: took %.3f s of CPU time, bound %.3f s", name, r->seconds,
                 e->seconds * tu_bound_factor(false));
    if (r->lib_peak >= MEMORY_BOUND)
        fail_msg("%s: the library held %.1f MiB at its peak", name, (double)r->lib_peak / MiB);
    if (rss && tu_rss_meaningful() && r->rss_kb >= (long)(MEMORY_BOUND / 1024))
        fail_msg("%s: peak RSS grew by %.1f MiB", name, (double)r->rss_kb / 1024.0);
}

/* check() without the report line, for the tables of small cases. */
static void check_quiet(const char *name, const result *r, const expect *e)
{
    if (r->load == -101 || r->load != (int)e->load || r->resolve != CONTOUR_OK ||
        r->render != CONTOUR_OK || (e->code && !r->found) ||
        (e->objects != SIZE_MAX && r->objects != e->objects) || !within_time(r, e) ||
        r->lib_peak >= MEMORY_BOUND)
        check(name, r, e, false);
}

/* Runs a case in a child process, so that the RSS it causes is measured on its own. */
static void run_isolated(const char *name, make_fn make, const void *arg, contour_format fmt,
                         tweak_fn tweak, expect e)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        text t = {0};
        make(&t, arg);
        long rss0 = tu_maxrss_kb();
        result r;
        measure(&r, t.p ? t.p : "", t.len, fmt, tweak, arg, &e);
        r.rss_kb = tu_maxrss_kb() - rss0;
        free(t.p);
        ssize_t w = write(fds[1], &r, sizeof r);
        close(fds[1]);
        /* exit, not _exit: LeakSanitizer and valgrind check the child too. */
        exit(w == (ssize_t)sizeof r ? 0 : 3);
    }
    close(fds[1]);
    result r;
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t n = read(fds[0], (char *)&r + got, sizeof r - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    if (WIFSIGNALED(status))
        fail_msg("%s: the child died of signal %d", name, WTERMSIG(status));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("%s: the child exited with status %d (a sanitizer or valgrind report?)", name,
                 WEXITSTATUS(status));
    assert_int_equal(got, sizeof r);
    check(name, &r, &e, true);
}

/* Runs a small case in this process (no RSS measurement). */
static void run_here(const char *name, const char *data, size_t len, contour_format fmt,
                     tweak_fn tweak, const void *arg, expect e, result *out)
{
    result r;
    measure(&r, data, len, fmt, tweak, arg, &e);
    r.rss_kb = 0;
    check(name, &r, &e, false);
    if (out)
        *out = r;
}

static const char service_head[] = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n";

/* ------------------------------------------------------------------------------------------ */
/* Billion laughs                                                                             */
/* ------------------------------------------------------------------------------------------ */

/* Nine levels of ten aliases each: 10^9 "lol"s if expanded. `indent` places the anchors
 * under spec (a modelled object, where the builder must keep them) or at the top of a
 * document without kind (the classic form). */
static void make_laughs(text *t, const void *arg)
{
    bool in_spec = arg != NULL;
    const char *ind = in_spec ? "  " : "";
    if (in_spec)
        t_printf(t, "%sspec:\n", service_head);
    t_printf(t, "%sa: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n", ind);
    for (char c = 'b'; c <= 'i'; c++)
        t_printf(t, "%s%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", ind, c, c,
                 c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
}

static void test_billion_laughs(void **state)
{
    (void)state;
    /* Node weights: a = 11, b = 111, c = 1111. The aliases in b and c add 110 + 1110 =
     * 1220 nodes; each *c in d adds 1111, so the 8th (1220 + 8 * 1111 = 10108) is the
     * first past the limit of 10,000: line 8 (d), column 10 + 7 * 4 = 38. */
    run_isolated("billion laughs (in spec)", make_laughs, "spec", CONTOUR_FORMAT_YAML, NULL,
                 (expect){CONTOUR_OK, "limit-alias", 8, 38, 1.0, 0});
    /* At the top of a document without a kind the keys are not modelled: the document is
     * refused for its missing kind, and nothing is expanded. */
    run_isolated("billion laughs (top level)", make_laughs, NULL, CONTOUR_FORMAT_YAML, NULL,
                 (expect){CONTOUR_OK, "missing-kind", 1, 1, 1.0, 0});
}

/* ------------------------------------------------------------------------------------------ */
/* 10,000-deep nesting                                                                        */
/* ------------------------------------------------------------------------------------------ */

enum { DEEP = 10000 };

typedef struct nest {
    const char *open, *close; /* one level */
    const char *head;         /* before the first level */
    const char *leaf;
} nest;

static void make_nest(text *t, const void *arg)
{
    const nest *n = arg;
    t_puts(t, n->head);
    t_repeat(t, n->open, DEEP);
    t_puts(t, n->leaf);
    t_repeat(t, n->close, DEEP);
    t_puts(t, "\n");
}

/* Block maps need one more space per level: 10,000 levels are 50 MB of indentation. */
static void make_block_maps(text *t, const void *arg)
{
    (void)arg;
    t_puts(t, service_head);
    t_puts(t, "spec:\n");
    for (size_t i = 1; i <= DEEP; i++) {
        t_fill(t, ' ', i);
        t_puts(t, "a:\n");
    }
    t_fill(t, ' ', DEEP + 1);
    t_puts(t, "x\n");
}

/* Where the first level past the depth limit opens: the root map is level 1 and spec's
 * value (the first `open`) level 2, so level 65 is the 64th `open`. */
static void nest_expect(const nest *n, uint32_t *line, uint32_t *col)
{
    const char *last = strrchr(n->head, '\n');
    *line = 1;
    for (const char *p = n->head; *p; p++)
        *line += *p == '\n';
    size_t before = strlen(last ? last + 1 : n->head);
    *col = (uint32_t)(before + 1 + 63 * strlen(n->open));
}

static void deep(const char *name, const nest *n, contour_format fmt)
{
    expect e = {CONTOUR_OK, "limit-depth", 0, 0, 1.0, 0};
    nest_expect(n, &e.line, &e.col);
    run_isolated(name, make_nest, n, fmt, NULL, e);
}

#define SERVICE_YAML "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
#define SERVICE_JSON                                                                               \
    "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"s\"}, "
#define SERVICE_YAML_T "apiVersion: v1\nkind: Service\nmetadata: {name: t}\n"
#define SERVICE_JSON_T                                                                             \
    "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"t\"}"

static void test_deep_nesting(void **state)
{
    (void)state;
    static const nest yaml_block_seq = {"- ", "", SERVICE_YAML "spec:\n", "x"};
    deep("10,000-deep YAML block sequences", &yaml_block_seq, CONTOUR_FORMAT_YAML);
    /* Line 4 + i holds the key of the map at level i + 1, indented by i: level 65 is the
     * map whose first key is on line 68, column 65. */
    run_isolated("10,000-deep YAML block mappings", make_block_maps, NULL, CONTOUR_FORMAT_YAML,
                 NULL, (expect){CONTOUR_OK, "limit-depth", 68, 65, 1.0, 0});
    static const nest yaml_flow_seq = {"[", "]", SERVICE_YAML "spec: ", "x"};
    deep("10,000-deep YAML flow sequences", &yaml_flow_seq, CONTOUR_FORMAT_YAML);
    static const nest yaml_flow_map = {"{a: ", "}", SERVICE_YAML "spec: ", "x"};
    deep("10,000-deep YAML flow mappings", &yaml_flow_map, CONTOUR_FORMAT_YAML);
    static const nest json_arrays = {"[", "]", SERVICE_JSON "\"spec\": ", "1}"};
    deep("10,000-deep JSON arrays", &json_arrays, CONTOUR_FORMAT_JSON);
    static const nest json_objects = {"{\"a\": ", "}", SERVICE_JSON "\"spec\": ", "1}"};
    deep("10,000-deep JSON objects", &json_objects, CONTOUR_FORMAT_JSON);
    /* The same at the top of a document: nothing is modelled there, and the depth still
     * stops it (the first open is level 1 here). */
    static const nest top_flow = {"[", "]", "", "x"};
    run_isolated("10,000-deep YAML flow sequences at the top", make_nest, &top_flow,
                 CONTOUR_FORMAT_YAML, NULL, (expect){CONTOUR_OK, "limit-depth", 1, 65, 1.0, 0});
    run_isolated("10,000-deep JSON arrays at the top", make_nest, &top_flow, CONTOUR_FORMAT_JSON,
                 NULL, (expect){CONTOUR_OK, "limit-depth", 1, 65, 1.0, 0});
}

/* ------------------------------------------------------------------------------------------ */
/* A 100 MB scalar                                                                            */
/* ------------------------------------------------------------------------------------------ */

enum { HUGE_SCALAR = 100 * 1000 * 1000 };

typedef struct huge {
    const char *head, *open, *close, *tail;
    char fill;
} huge;

static void make_huge(text *t, const void *arg)
{
    const huge *h = arg;
    t_puts(t, h->head);
    t_puts(t, h->open);
    t_fill(t, h->fill, HUGE_SCALAR);
    t_puts(t, h->close);
    t_puts(t, h->tail);
}

static void test_huge_scalar(void **state)
{
    (void)state;
    /* A Service after the huge one must still load: the limit skips one document. */
    static const char next_yaml[] = "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: t}\n";
    static const huge plain = {
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  x: ", "", "", next_yaml, 'x'};
    run_isolated("100 MB YAML plain scalar", make_huge, &plain, CONTOUR_FORMAT_YAML, NULL,
                 (expect){CONTOUR_OK, "limit-scalar", 5, 4, 1.0, 1});
    static const huge dquoted = {"apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  x: ",
                                 "\"", "\"", next_yaml, 'q'};
    run_isolated("100 MB YAML double-quoted scalar", make_huge, &dquoted, CONTOUR_FORMAT_YAML, NULL,
                 (expect){CONTOUR_OK, "limit-scalar", 5, 4, 1.0, 1});
    static const huge squoted = {"apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  x: ",
                                 "'", "'", next_yaml, 'q'};
    run_isolated("100 MB YAML single-quoted scalar", make_huge, &squoted, CONTOUR_FORMAT_YAML, NULL,
                 (expect){CONTOUR_OK, "limit-scalar", 5, 4, 1.0, 1});
    static const huge key = {"apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ", "",
                             ": 1", next_yaml, 'k'};
    /* libyaml holds a scalar whole before its event: the read window stops it, and the
     * place given is just after the last event (the end of `spec`, of `x` above). */
    run_isolated("100 MB YAML key", make_huge, &key, CONTOUR_FORMAT_YAML, NULL,
                 (expect){CONTOUR_OK, "limit-scalar", 4, 5, 1.0, 1});
    /* JSON strings are measured as they are read: the place is the opening quote. */
    static const huge json = {SERVICE_JSON "\"spec\": {\"x\": ", "\"", "\"",
                              "}}\n" SERVICE_JSON_T "}\n", 'j'};
    run_isolated("100 MB JSON string", make_huge, &json, CONTOUR_FORMAT_JSON, NULL,
                 (expect){CONTOUR_OK, "limit-scalar", 1, sizeof SERVICE_JSON + 14, 1.0, 1});
    static const huge json_escaped = {SERVICE_JSON "\"spec\": {\"x\": ", "\"\\n", "\"",
                                      "}}\n" SERVICE_JSON_T "}\n", 'e'};
    run_isolated("100 MB JSON string with an escape", make_huge, &json_escaped, CONTOUR_FORMAT_JSON,
                 NULL, (expect){CONTOUR_OK, "limit-scalar", 1, sizeof SERVICE_JSON + 14, 1.0, 1});

    /* Other tokens libyaml would hold whole, and runs of white space between tokens: the
     * read window stops them all, just after the last event. */
    static const huge anchor = {SERVICE_YAML "spec:\n  a: &", "", "",
                                " 1"
                                "\n---\n" SERVICE_YAML_T,
                                'a'};
    run_isolated("100 MB YAML anchor name", make_huge, &anchor, CONTOUR_FORMAT_YAML, NULL,
                 (expect){CONTOUR_OK, "limit-scalar", 5, 4, 1.0, 1});
    static const huge tag = {SERVICE_YAML "spec:\n  a: !", "", "",
                             " 1"
                             "\n---\n" SERVICE_YAML_T,
                             't'};
    run_isolated("100 MB YAML tag", make_huge, &tag, CONTOUR_FORMAT_YAML, NULL,
                 (expect){CONTOUR_OK, "limit-scalar", 5, 4, 1.0, 1});
    static const huge number = {SERVICE_YAML "spec:\n  a: 1", "", "", "\n---\n" SERVICE_YAML_T,
                                '0'};
    run_isolated("100 MB YAML number", make_huge, &number, CONTOUR_FORMAT_YAML, NULL,
                 (expect){CONTOUR_OK, "limit-scalar", 5, 4, 1.0, 1});
    static const huge spaces = {SERVICE_YAML "spec:\n  x: [1,", "", "", "2]\n---\n" SERVICE_YAML_T,
                                ' '};
    run_isolated("100 MB of spaces in a flow sequence", make_huge, &spaces, CONTOUR_FORMAT_YAML,
                 NULL, (expect){CONTOUR_OK, "limit-scalar", 5, 8, 1.0, 1});
    static const huge blank = {SERVICE_YAML "spec:", "", "", "  x: 1\n---\n" SERVICE_YAML_T, '\n'};
    /* 0.8 s of CPU on an idle reference machine, up to 1.1 s with both cores busy (a cold
     * cache after each switch); 2 s keeps a margin, and a quadratic scan of 100 MB would
     * take hours. */
    run_isolated("100 MB of blank lines", make_huge, &blank, CONTOUR_FORMAT_YAML, NULL,
                 (expect){CONTOUR_OK, "limit-scalar", 4, 5, 2.0, 1});
    static const huge json_number = {SERVICE_JSON "\"spec\": {\"a\": 1", "", "", "}}\n", '0'};
    run_isolated("100 MB JSON number", make_huge, &json_number, CONTOUR_FORMAT_JSON, NULL,
                 (expect){CONTOUR_OK, "limit-scalar", 1, sizeof SERVICE_JSON + 14, 1.0, 0});
    /* JSON white space is not a token: 100 MB of it is read, and the object loads. */
    static const huge json_spaces = {SERVICE_JSON "\"spec\": {\"a\": ", "", "", "1}}\n", ' '};
    run_isolated("100 MB of JSON white space", make_huge, &json_spaces, CONTOUR_FORMAT_JSON, NULL,
                 (expect){CONTOUR_OK, "unknown-field", 1, sizeof SERVICE_JSON + 9, 1.0, 1});
}

/* ------------------------------------------------------------------------------------------ */
/* A million tiny documents                                                                   */
/* ------------------------------------------------------------------------------------------ */

static void make_docs(text *t, const void *arg)
{
    const size_t *n = arg;
    t_repeat(t, "---\n{}\n", *n);
}

/* n documents: n - 1 empty ones, then a Service. */
static void make_empty_docs(text *t, const void *arg)
{
    const size_t *n = arg;
    t_repeat(t, "---\n", *n - 1);
    t_puts(t, "---\napiVersion: v1\nkind: Service\nmetadata: {name: last}\n");
}

static void make_services(text *t, const void *arg)
{
    const size_t *n = arg;
    for (size_t i = 0; i < *n; i++)
        t_printf(t, "---\n{apiVersion: v1, kind: Service, metadata: {name: s%zu}}\n", i);
}

/* The document limit one below the number of documents made. */
static void tweak_documents_below(contour_config *c, const void *arg)
{
    contour_config_set_limit(c, CONTOUR_LIMIT_DOCUMENTS, *(const size_t *)arg - 1);
}

static void test_million_documents(void **state)
{
    (void)state;
    /* Under valgrind, a tenth of the documents. */
    size_t million = tu_under_valgrind() ? 100000 : 1000000;
    /* Empty documents are skipped quietly; the Service after them loads. */
    run_isolated("a million empty YAML documents", make_empty_docs, &million, CONTOUR_FORMAT_YAML,
                 NULL, (expect){CONTOUR_OK, NULL, 0, 0, 10.0, 1});
    /* Tiny documents that are not objects: a warning each, until the input's budget of
     * 10,000 diagnostics is spent; the 10,001st document (its `{}` on line 20,002) gets
     * the notice, and nothing more is kept. */
    run_isolated("a million tiny YAML documents ({})", make_docs, &million, CONTOUR_FORMAT_YAML,
                 NULL, (expect){CONTOUR_OK, "limit-diagnostics", 20002, 1, 10.0, 0});
    /* One more than the document limit: the rest of the input is not read. */
    size_t over = million + 1;
    run_isolated("a million + 1 empty YAML documents", make_empty_docs, &over, CONTOUR_FORMAT_YAML,
                 tweak_documents_below,
                 (expect){CONTOUR_OK, "limit-documents", (uint32_t)million + 1, 1, 10.0, 0});
    /* A hundred thousand real objects (a big cluster), resolved and rendered. */
    size_t objects = tu_under_valgrind() ? 10000 : 100000;
    run_isolated("100,000 tiny Services", make_services, &objects, CONTOUR_FORMAT_YAML, NULL,
                 (expect){CONTOUR_OK, NULL, 0, 0, 10.0, objects});
}

/* ------------------------------------------------------------------------------------------ */
/* A key repeated 10,000 times                                                                */
/* ------------------------------------------------------------------------------------------ */

enum { REPEATS = 10000 };

static void make_repeated(text *t, const void *arg)
{
    const char *style = arg;
    if (strcmp(style, "yaml-block") == 0) {
        t_puts(t, SERVICE_YAML "spec:\n");
        t_repeat(t, "  a: 1\n", REPEATS);
    } else if (strcmp(style, "yaml-flow") == 0) {
        t_puts(t, SERVICE_YAML "spec: {a: 1");
        t_repeat(t, ", a: 1", REPEATS - 1);
        t_puts(t, "}\n");
    } else if (strcmp(style, "annotations") == 0) {
        t_puts(t, "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n");
        t_repeat(t, "    k: v\n", REPEATS);
    } else {
        t_puts(t, SERVICE_JSON "\"spec\": {\"a\": 1");
        t_repeat(t, ", \"a\": 1", REPEATS - 1);
        t_puts(t, "}}\n");
    }
    /* The next document must load. */
    t_puts(t, strcmp(style, "json") == 0 ? SERVICE_JSON_T "}\n" : "---\n" SERVICE_YAML_T);
}

static void test_repeated_key(void **state)
{
    (void)state;
    /* The error names the second occurrence, the first repeated one. */
    run_isolated("a key repeated 10,000 times (YAML block)", make_repeated, "yaml-block",
                 CONTOUR_FORMAT_YAML, NULL, (expect){CONTOUR_OK, "duplicate-key", 6, 3, 1.0, 1});
    run_isolated("a key repeated 10,000 times (YAML flow)", make_repeated, "yaml-flow",
                 CONTOUR_FORMAT_YAML, NULL, (expect){CONTOUR_OK, "duplicate-key", 4, 14, 1.0, 1});
    run_isolated("an annotation repeated 10,000 times", make_repeated, "annotations",
                 CONTOUR_FORMAT_YAML, NULL, (expect){CONTOUR_OK, "duplicate-key", 7, 5, 1.0, 1});
    run_isolated("a key repeated 10,000 times (JSON)", make_repeated, "json", CONTOUR_FORMAT_JSON,
                 NULL, (expect){CONTOUR_OK, "duplicate-key", 1, sizeof SERVICE_JSON + 17, 1.0, 1});
}

/* ------------------------------------------------------------------------------------------ */
/* The diagnostics budget of an input                                                         */
/* ------------------------------------------------------------------------------------------ */

/* n documents `{}` (a warning each: no kind), then `tail`. */
static char *bad_docs(size_t n, const char *tail, size_t *len)
{
    text t = {0};
    t_repeat(&t, "---\n{}\n", n);
    t_puts(&t, tail);
    *len = t.len;
    return t.p;
}

static size_t count_code(const contour_snapshot *s, const char *code,
                         const contour_diagnostic **first)
{
    size_t n = 0;
    *first = NULL;
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++) {
        const contour_diagnostic *d = contour_snapshot_diagnostic_at(s, i);
        if (strcmp(contour_diagnostic_code(d), code) == 0 && !n++)
            *first = d;
    }
    return n;
}

/* An input records at most 10,000 diagnostics; the next one becomes a notice at its place,
 * with the highest severity of those not recorded. Without the budget a 7 MB input of a
 * million `{}` documents held 500 MB of diagnostics, snapshot, graph and rendering. */
static void test_diagnostic_budget(void **state)
{
    (void)state;
    const contour_diagnostic *d;
    size_t len;
    /* Exactly 10,000: all of them, no notice. */
    char *in = bad_docs(10000, "", &len);
    contour_snapshot *s = NULL;
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(contour_snapshot_load_buffer(s, "a", 1, in, len, CONTOUR_FORMAT_YAML),
                     CONTOUR_OK);
    assert_int_equal(count_code(s, "missing-kind", &d), 10000);
    assert_int_equal(count_code(s, "limit-diagnostics", &d), 0);
    free(in);

    /* 10,001 warnings and then an error: the notice takes the place of the 10,001st, and is
     * an error because an error was not reported. The valid object after them loads. */
    in = bad_docs(10001, "---\n" SERVICE_YAML "---\n{apiVersion: v1, kind: Service, metadata: 5}\n",
                  &len);
    assert_int_equal(contour_snapshot_load_buffer(s, "b", 1, in, len, CONTOUR_FORMAT_YAML),
                     CONTOUR_OK);
    /* The first input keeps its 10,000: budgets are per input. */
    assert_int_equal(count_code(s, "missing-kind", &d), 20000);
    assert_int_equal(count_code(s, "limit-diagnostics", &d), 1);
    assert_string_equal(contour_diagnostic_file(d), "b");
    assert_int_equal(contour_diagnostic_line(d), 20002);
    assert_int_equal(contour_diagnostic_column(d), 1);
    assert_int_equal(contour_diagnostic_severity(d), CONTOUR_SEVERITY_ERROR);
    assert_string_equal(contour_diagnostic_message(d),
                        "more than 10000 diagnostics in this input; this one and the rest are "
                        "not reported");
    assert_int_equal(contour_snapshot_object_count(s, CONTOUR_KIND_SERVICE), 1);
    assert_int_equal(contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR), 1);
    /* The graph has them all too, and renders. */
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    assert_int_equal(contour_graph_diagnostic_count(g), 20001);
    contour_graph_free(g);
    contour_snapshot_free(s);
    free(in);

    /* Only warnings past the budget: the notice is a warning. JSON counts the same. */
    text t = {0};
    t_repeat(&t, "{}\n", 10005);
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    assert_int_equal(contour_snapshot_load_buffer(s, "c", 1, t.p, t.len, CONTOUR_FORMAT_JSON),
                     CONTOUR_OK);
    assert_int_equal(count_code(s, "missing-kind", &d), 10000);
    assert_int_equal(count_code(s, "limit-diagnostics", &d), 1);
    assert_int_equal(contour_diagnostic_line(d), 10001);
    assert_int_equal(contour_diagnostic_severity(d), CONTOUR_SEVERITY_WARNING);
    assert_int_equal(contour_snapshot_diagnostic_count_by_severity(s, CONTOUR_SEVERITY_ERROR), 0);
    contour_snapshot_free(s);
    free(t.p);
}

/* ------------------------------------------------------------------------------------------ */
/* Invalid UTF-8 in every string field of every modelled kind                                 */
/* ------------------------------------------------------------------------------------------ */

/* Field paths: `.` separates keys, `[]` after a key makes its value a one-item list, and a
 * last segment `*` puts the bad string in a key instead of a value. */
typedef struct field {
    const char *api, *kind, *path;
} field;

static const field string_fields[] = {
    {"v1", "Service", "metadata.name"},
    {"v1", "Service", "metadata.namespace"},
    {"v1", "Service", "metadata.annotations.a"},
    {"v1", "Service", "metadata.annotations.*"},
    {"v1", "Service", "metadata.labels.a"},
    {"v1", "Service", "metadata.labels.*"},
    {"v1", "Service", "metadata.*"},
    {"v1", "Service", "apiVersion"},
    {"v1", "Service", "kind"},
    {"v1", "Service", "*"},
    {"v1", "Service", "spec.ports[].name"},
    {"v1", "Service", "spec.ports[].protocol"},
    {"v1", "Service", "spec.ports[].*"},
    {"v1", "Service", "spec.type"},
    {"v1", "Service", "spec.selector.app"},
    {"v1", "Service", "spec.*"},
    {"v1", "Secret", "type"},
    {"v1", "Secret", "data.*"},
    {"v1", "Secret", "data.tls.crt"},
    {"v1", "Secret", "stringData.*"},
    {"v1", "Secret", "stringData.a"},
    {"contour.heptio.com/v1beta1", "TLSCertificateDelegation", "spec.delegations[].secretName"},
    {"contour.heptio.com/v1beta1", "TLSCertificateDelegation",
     "spec.delegations[].targetNamespaces[]"},
    {"contour.heptio.com/v1beta1", "TLSCertificateDelegation", "spec.delegations[].*"},
    {"networking.k8s.io/v1", "Ingress", "spec.ingressClassName"},
    {"networking.k8s.io/v1", "Ingress", "spec.defaultBackend.service.name"},
    {"networking.k8s.io/v1", "Ingress", "spec.defaultBackend.service.port.name"},
    {"networking.k8s.io/v1", "Ingress", "spec.defaultBackend.resource.name"},
    {"networking.k8s.io/v1", "Ingress", "spec.rules[].host"},
    {"networking.k8s.io/v1", "Ingress", "spec.rules[].http.paths[].path"},
    {"networking.k8s.io/v1", "Ingress", "spec.rules[].http.paths[].pathType"},
    {"networking.k8s.io/v1", "Ingress", "spec.rules[].http.paths[].backend.service.name"},
    {"networking.k8s.io/v1", "Ingress", "spec.rules[].http.paths[].backend.service.port.name"},
    {"networking.k8s.io/v1", "Ingress", "spec.rules[].http.paths[].*"},
    {"networking.k8s.io/v1", "Ingress", "spec.tls[].hosts[]"},
    {"networking.k8s.io/v1", "Ingress", "spec.tls[].secretName"},
    {"networking.k8s.io/v1beta1", "Ingress", "spec.backend.serviceName"},
    {"networking.k8s.io/v1beta1", "Ingress", "spec.backend.servicePort"},
    {"extensions/v1beta1", "Ingress", "spec.rules[].http.paths[].backend.serviceName"},
    {"extensions/v1beta1", "Ingress", "spec.rules[].http.paths[].backend.servicePort"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.virtualhost.fqdn"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.virtualhost.tls.secretName"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.virtualhost.tls.minimumProtocolVersion"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.virtualhost.*"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].match"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].prefixRewrite"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].services[].name"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].services[].strategy"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].services[].healthCheck.path"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].services[].healthCheck.host"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].delegate.name"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].delegate.namespace"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].timeoutPolicy.request"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].retryPolicy.perTryTimeout"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].*"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.tcpproxy.services[].name"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.tcpproxy.services[].strategy"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.tcpproxy.delegate.name"},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.tcpproxy.delegate.namespace"},
    {"v1", "List", "items[].metadata.name"},
};

typedef enum style { STYLE_YAML_PLAIN, STYLE_YAML_QUOTED, STYLE_JSON, STYLE_COUNT } style;
static const char *const style_names[] = {"YAML plain", "YAML quoted", "JSON"};

/* Writes a string in the style, with `bad` (raw bytes) inside it when given. Returns the
 * offset of `bad` in t, or SIZE_MAX. */
static size_t put_str(text *t, style st, const char *s, const char *bad)
{
    bool quote = st != STYLE_YAML_PLAIN;
    if (quote)
        t_putn(t, "\"", 1);
    t_puts(t, s);
    size_t at = SIZE_MAX;
    if (bad) {
        at = t->len;
        t_puts(t, bad);
        t_puts(t, "z");
    }
    if (quote)
        t_putn(t, "\"", 1);
    return at;
}

/* Emits one document with `path` holding `bad` (flow style: YAML with plain or quoted
 * scalars, or JSON). The object is otherwise valid; returns the offset of `bad`. */
static size_t make_field_doc(text *t, const field *f, style st, const char *bad)
{
    size_t at = SIZE_MAX;
    const char *path = f->path;
    bool list_doc = strcmp(f->kind, "List") == 0;
    t_puts(t, "{");
    put_str(t, st, "apiVersion", NULL);
    t_puts(t, ": ");
    if (strcmp(path, "apiVersion") == 0)
        at = put_str(t, st, f->api, bad);
    else
        put_str(t, st, f->api, NULL);
    t_puts(t, ", ");
    put_str(t, st, "kind", NULL);
    t_puts(t, ": ");
    if (strcmp(path, "kind") == 0)
        at = put_str(t, st, f->kind, bad);
    else
        put_str(t, st, f->kind, NULL);
    if (list_doc) {
        /* items: [ {a Service whose metadata.name is bad} ] */
        t_puts(t, ", ");
        put_str(t, st, "items", NULL);
        t_puts(t, ": [{");
        put_str(t, st, "apiVersion", NULL);
        t_puts(t, ": ");
        put_str(t, st, "v1", NULL);
        t_puts(t, ", ");
        put_str(t, st, "kind", NULL);
        t_puts(t, ": ");
        put_str(t, st, "Service", NULL);
        t_puts(t, ", ");
        put_str(t, st, "metadata", NULL);
        t_puts(t, ": {");
        put_str(t, st, "name", NULL);
        t_puts(t, ": ");
        at = put_str(t, st, "nm", bad);
        t_puts(t, "}}]}");
        return at;
    }
    if (strncmp(path, "metadata.", 9) != 0) {
        t_puts(t, ", ");
        put_str(t, st, "metadata", NULL);
        t_puts(t, ": {");
        put_str(t, st, "name", NULL);
        t_puts(t, ": ");
        put_str(t, st, "nm", NULL);
        t_puts(t, "}");
    }
    if (strcmp(path, "apiVersion") == 0 || strcmp(path, "kind") == 0) {
        t_puts(t, "}");
        return at;
    }
    /* The path, level by level. */
    char closers[64];
    size_t depth = 0;
    const char *seg = path;
    bool first_in_map = false;
    for (;;) {
        const char *dot = strchr(seg, '.');
        size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
        /* Keys may hold a dot (tls.crt) only as the last segment here. */
        if (dot && strncmp(seg, "tls", 3) == 0 && strcmp(dot + 1, "crt") == 0)
            dot = NULL, n = strlen(seg);
        bool list = n >= 2 && seg[n - 2] == '[' && seg[n - 1] == ']';
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(list ? n - 2 : n), seg);
        if (!first_in_map)
            t_puts(t, ", ");
        first_in_map = false;
        if (strcmp(key, "*") == 0) {
            at = put_str(t, st, "k", bad);
            t_puts(t, ": ");
            put_str(t, st, "v", NULL);
            break;
        }
        put_str(t, st, key, NULL);
        t_puts(t, ": ");
        if (strcmp(path, "metadata.name") != 0 && strcmp(key, "metadata") == 0 && depth == 0) {
            /* metadata keeps its name */
            t_puts(t, "{");
            put_str(t, st, "name", NULL);
            t_puts(t, ": ");
            put_str(t, st, "nm", NULL);
            closers[depth++] = '}';
            seg = dot + 1;
            continue;
        }
        if (list) {
            t_puts(t, "[");
            closers[depth++] = ']';
        }
        if (!dot) {
            at = put_str(t, st, "s", bad);
            break;
        }
        t_puts(t, "{");
        closers[depth++] = '}';
        first_in_map = true;
        seg = dot + 1;
    }
    while (depth)
        t_putn(t, &closers[--depth], 1);
    t_puts(t, "}");
    return at;
}

static const struct bad_seq {
    const char *bytes, *what;
} bad_seqs[] = {
    {"\xff", "0xFF"},
    {"\xc0\xaf", "an overlong '/'"},
    {"\xed\xa0\x80", "a UTF-16 surrogate"},
    {"\xf4\x90\x80\x80", "past U+10FFFF"},
    {"\xe2\x82", "a truncated sequence"},
    {"\x80", "a lone continuation byte"},
};

/* Every field, every bad sequence, three styles: the document is refused with
 * invalid-utf8 at the bad byte; after it a YAML stream goes on (the next document loads),
 * a JSON stream ends. */
static void test_invalid_utf8_everywhere(void **state)
{
    (void)state;
    double worst = 0;
    size_t worst_peak = 0, cases = 0;
    for (size_t fi = 0; fi < sizeof string_fields / sizeof *string_fields; fi++) {
        const field *f = &string_fields[fi];
        for (style st = 0; st < STYLE_COUNT; st++) {
            /* The field holds valid text: the object loads (a control for the generator;
             * apiVersion and kind take no other values). */
            text ok = {0};
            bool fixed = strcmp(f->path, "apiVersion") == 0 || strcmp(f->path, "kind") == 0;
            make_field_doc(&ok, f, st, fixed ? NULL : "\xc3\xa9");
            t_puts(&ok, "\n");
            char name[160];
            snprintf(name, sizeof name, "%s %s in %s", f->kind, f->path, style_names[st]);
            result r;
            measure(&r, ok.p, ok.len, st == STYLE_JSON ? CONTOUR_FORMAT_JSON : CONTOUR_FORMAT_YAML,
                    NULL, NULL, &(expect){CONTOUR_OK, NULL, 0, 0, 1, SIZE_MAX});
            if (r.objects != 1 || r.load != CONTOUR_OK) {
                fprintf(stderr, "%s\n", ok.p);
                fail_msg("%s: the valid document did not load", name);
            }
            free(ok.p);
            for (size_t b = 0; b < sizeof bad_seqs / sizeof *bad_seqs; b++) {
                text t = {0};
                size_t at = make_field_doc(&t, f, st, bad_seqs[b].bytes);
                assert_true(at != SIZE_MAX);
                t_puts(&t, st == STYLE_JSON ? "\n" SERVICE_JSON_T "}\n" : "\n---\n" SERVICE_YAML_T);
                expect e = {CONTOUR_OK, "invalid-utf8", 0, 0, 1.0, st == STYLE_JSON ? 0 : 1};
                t_pos(&t, at, &e.line, &e.col);
                snprintf(name, sizeof name, "%s %s in %s, %s", f->kind, f->path, style_names[st],
                         bad_seqs[b].what);
                measure(&r, t.p, t.len,
                        st == STYLE_JSON ? CONTOUR_FORMAT_JSON : CONTOUR_FORMAT_YAML, NULL, NULL,
                        &e);
                if (verbose() || !r.found)
                    fprintf(stderr, "%s\n", t.p);
                check_quiet(name, &r, &e);
                if (r.seconds > worst)
                    worst = r.seconds;
                if (r.lib_peak > worst_peak)
                    worst_peak = r.lib_peak;
                cases++;
                free(t.p);
            }
        }
    }
    print_message("invalid UTF-8: %zu cases, slowest %.2f ms, largest library peak %.2f MiB\n",
                  cases, worst * 1e3, (double)worst_peak / MiB);
}

/* Escapes that would make bad strings, and NUL bytes. */
static void test_bad_escapes_and_nul(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text;
        contour_format fmt;
        const char *code;
        uint32_t line, col;
    } cases[] = {
        {"JSON lone high surrogate", SERVICE_JSON "\"spec\": {\"a\": \"x\\ud800\"}}",
         CONTOUR_FORMAT_JSON, "json-syntax", 1, sizeof SERVICE_JSON + 16},
        {"JSON lone low surrogate", SERVICE_JSON "\"spec\": {\"a\": \"x\\udc00y\"}}",
         CONTOUR_FORMAT_JSON, "json-syntax", 1, sizeof SERVICE_JSON + 16},
        {"JSON surrogate pair reversed", SERVICE_JSON "\"spec\": {\"a\": \"\\udc00\\ud800\"}}",
         CONTOUR_FORMAT_JSON, "json-syntax", 1, sizeof SERVICE_JSON + 15},
        {"JSON \\u0000", SERVICE_JSON "\"spec\": {\"a\": \"x\\u0000\"}}", CONTOUR_FORMAT_JSON,
         "nul-character", 1, sizeof SERVICE_JSON + 14},
        {"JSON \\u0000 in a key", SERVICE_JSON "\"spec\": {\"a\\u0000\": 1}}", CONTOUR_FORMAT_JSON,
         "nul-character", 1, sizeof SERVICE_JSON + 9},
        {"YAML \\0", SERVICE_YAML "spec: {a: \"x\\0\"}\n", CONTOUR_FORMAT_YAML, "nul-character", 4,
         11},
        {"YAML \\ud800", SERVICE_YAML "spec: {a: \"x\\ud800\"}\n", CONTOUR_FORMAT_YAML,
         "yaml-syntax", 4, 0},
        {"YAML \\U00110000", SERVICE_YAML "spec: {a: \"\\U00110000\"}\n", CONTOUR_FORMAT_YAML,
         "yaml-syntax", 4, 0},
        {"YAML C1 control (U+0080)", SERVICE_YAML "spec: {a: x\xc2\x80y}\n", CONTOUR_FORMAT_YAML,
         "control-character", 4, 12},
        {"YAML C0 control (U+0001)", SERVICE_YAML "spec: {a: x\x01y}\n", CONTOUR_FORMAT_YAML,
         "control-character", 4, 12},
        {"YAML noncharacter U+FFFE", SERVICE_YAML "spec: {a: x\xef\xbf\xbey}\n",
         CONTOUR_FORMAT_YAML, "control-character", 4, 12},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        expect e = {CONTOUR_OK, cases[i].code, cases[i].line, cases[i].col, 1.0, 0};
        run_here(cases[i].name, cases[i].text, strlen(cases[i].text), cases[i].fmt, NULL, NULL, e,
                 NULL);
    }
    /* A raw NUL byte, in each format. */
    static const char yaml_nul[] = SERVICE_YAML "spec: {a: x\0y}\n";
    run_here("YAML NUL byte", yaml_nul, sizeof yaml_nul - 1, CONTOUR_FORMAT_YAML, NULL, NULL,
             (expect){CONTOUR_OK, "nul-byte", 4, 12, 1.0, 0}, NULL);
    static const char json_nul[] = SERVICE_JSON "\"spec\": {\"a\": \"x\0y\"}}";
    run_here("JSON NUL byte", json_nul, sizeof json_nul - 1, CONTOUR_FORMAT_JSON, NULL, NULL,
             (expect){CONTOUR_OK, "nul-byte", 1, sizeof SERVICE_JSON + 16, 1.0, 0}, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Integers at and past every limit                                                           */
/* ------------------------------------------------------------------------------------------ */

typedef int64_t (*int_getter)(const contour_snapshot *s);

static const contour_object *first(const contour_snapshot *s, contour_kind k)
{
    return contour_snapshot_object_at(s, k, 0);
}

static int64_t get_service_port(const contour_snapshot *s)
{
    return contour_service_port_port(contour_service_port_at(first(s, CONTOUR_KIND_SERVICE), 0));
}

static int64_t get_default_backend_port(const contour_snapshot *s)
{
    return contour_ingress_backend_port(
        contour_ingress_default_backend(first(s, CONTOUR_KIND_INGRESS)));
}

static int64_t get_path_backend_port(const contour_snapshot *s)
{
    const contour_ingress_rule *r = contour_ingress_rule_at(first(s, CONTOUR_KIND_INGRESS), 0);
    return contour_ingress_backend_port(
        contour_ingress_path_backend(contour_ingress_rule_path_at(r, 0)));
}

static const contour_ingressroute_service *ir_service(const contour_snapshot *s)
{
    return contour_ingressroute_route_service_at(
        contour_ingressroute_route_at(first(s, CONTOUR_KIND_INGRESSROUTE), 0), 0);
}

static int64_t get_ir_port(const contour_snapshot *s)
{
    return contour_ingressroute_service_port(ir_service(s));
}

static int64_t get_ir_weight(const contour_snapshot *s)
{
    return contour_ingressroute_service_weight(ir_service(s));
}

static int64_t get_ir_interval(const contour_snapshot *s)
{
    return contour_health_check_interval_s(
        contour_ingressroute_service_health_check(ir_service(s)));
}

static int64_t get_ir_timeout(const contour_snapshot *s)
{
    return contour_health_check_timeout_s(contour_ingressroute_service_health_check(ir_service(s)));
}

static int64_t get_ir_unhealthy(const contour_snapshot *s)
{
    return contour_health_check_unhealthy_threshold(
        contour_ingressroute_service_health_check(ir_service(s)));
}

static int64_t get_ir_healthy(const contour_snapshot *s)
{
    return contour_health_check_healthy_threshold(
        contour_ingressroute_service_health_check(ir_service(s)));
}

static int64_t get_ir_retries(const contour_snapshot *s)
{
    return contour_ingressroute_route_retry_policy_count(
        contour_ingressroute_route_at(first(s, CONTOUR_KIND_INGRESSROUTE), 0));
}

static int64_t get_tcp_port(const contour_snapshot *s)
{
    return contour_ingressroute_service_port(
        contour_ingressroute_tcpproxy_service_at(first(s, CONTOUR_KIND_INGRESSROUTE), 0));
}

typedef struct int_field {
    const char *api, *kind, *path;
    bool int32; /* else int64 */
    int_getter get;
} int_field;

static const int_field int_fields[] = {
    {"v1", "Service", "spec.ports[].port", true, get_service_port},
    {"networking.k8s.io/v1", "Ingress", "spec.defaultBackend.service.port.number", true,
     get_default_backend_port},
    {"networking.k8s.io/v1", "Ingress", "spec.rules[].http.paths[].backend.service.port.number",
     true, get_path_backend_port},
    {"extensions/v1beta1", "Ingress", "spec.backend.servicePort", true, get_default_backend_port},
    {"extensions/v1beta1", "Ingress", "spec.rules[].http.paths[].backend.servicePort", true,
     get_path_backend_port},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].services[].port", false,
     get_ir_port},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].services[].weight", false,
     get_ir_weight},
    {"contour.heptio.com/v1beta1", "IngressRoute",
     "spec.routes[].services[].healthCheck.intervalSeconds", false, get_ir_interval},
    {"contour.heptio.com/v1beta1", "IngressRoute",
     "spec.routes[].services[].healthCheck.timeoutSeconds", false, get_ir_timeout},
    {"contour.heptio.com/v1beta1", "IngressRoute",
     "spec.routes[].services[].healthCheck.unhealthyThresholdCount", false, get_ir_unhealthy},
    {"contour.heptio.com/v1beta1", "IngressRoute",
     "spec.routes[].services[].healthCheck.healthyThresholdCount", false, get_ir_healthy},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.routes[].retryPolicy.count", false,
     get_ir_retries},
    {"contour.heptio.com/v1beta1", "IngressRoute", "spec.tcpproxy.services[].port", false,
     get_tcp_port},
};

/* Like make_field_doc, with the integer text `num` (unquoted) at the path. */
static size_t make_int_doc(text *t, const int_field *f, style st, const char *num)
{
    field sf = {f->api, f->kind, f->path};
    /* Emit with a marker string, then replace the quoted (or plain) marker by the number. */
    size_t at = make_field_doc(t, &sf, st, "\x01");
    assert_true(at != SIZE_MAX);
    /* The value written was [quote] "s" \x01 "z" [quote]. */
    size_t start = at - 1 - (st != STYLE_YAML_PLAIN);
    size_t end = at + 2 + (st != STYLE_YAML_PLAIN);
    text out = {0};
    t_putn(&out, t->p, start);
    size_t num_at = out.len;
    t_puts(&out, num);
    t_putn(&out, t->p + end, t->len - end);
    free(t->p);
    *t = out;
    return num_at;
}

static void test_integer_limits(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool int32_ok, int64_ok;
        int64_t value;
        bool yaml_only; /* YAML 1.1 integer syntax */
    } values[] = {
        {"2147483647", true, true, INT32_MAX, false},
        {"2147483648", false, true, (int64_t)INT32_MAX + 1, false},
        {"-2147483648", true, true, INT32_MIN, false},
        {"-2147483649", false, true, (int64_t)INT32_MIN - 1, false},
        {"9223372036854775807", false, true, INT64_MAX, false},
        {"9223372036854775808", false, false, 0, false},
        {"-9223372036854775808", false, true, INT64_MIN, false},
        {"-9223372036854775809", false, false, 0, false},
        {"99999999999999999999999999999999999999", false, false, 0, false},
        {"0x7fffffff", true, true, INT32_MAX, true},
        {"0x80000000", false, true, (int64_t)INT32_MAX + 1, true},
        {"017777777777", true, true, INT32_MAX, true},
        {"0x7fffffffffffffff", false, true, INT64_MAX, true},
        {"0x8000000000000000", false, false, 0, true},
        {"2_147_483_647", true, true, INT32_MAX, true},
    };
    size_t cases = 0;
    for (size_t fi = 0; fi < sizeof int_fields / sizeof *int_fields; fi++) {
        const int_field *f = &int_fields[fi];
        for (style st = STYLE_YAML_PLAIN; st < STYLE_COUNT; st += 2) { /* YAML plain, JSON */
            for (size_t vi = 0; vi < sizeof values / sizeof *values; vi++) {
                if (values[vi].yaml_only && st == STYLE_JSON)
                    continue;
                bool ok = f->int32 ? values[vi].int32_ok : values[vi].int64_ok;
                text t = {0};
                size_t at = make_int_doc(&t, f, st, values[vi].text);
                t_puts(&t, "\n");
                char name[200];
                snprintf(name, sizeof name, "%s %s %s = %s", f->kind, f->path, style_names[st],
                         values[vi].text);
                contour_format fmt = st == STYLE_JSON ? CONTOUR_FORMAT_JSON : CONTOUR_FORMAT_YAML;
                if (ok) {
                    contour_snapshot *s = NULL;
                    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
                    assert_int_equal(contour_snapshot_load_buffer(s, "i", 1, t.p, t.len, fmt),
                                     CONTOUR_OK);
                    if (contour_snapshot_object_count(s, strcmp(f->kind, "Service") == 0
                                                             ? CONTOUR_KIND_SERVICE
                                                         : strcmp(f->kind, "Ingress") == 0
                                                             ? CONTOUR_KIND_INGRESS
                                                             : CONTOUR_KIND_INGRESSROUTE) != 1) {
                        fprintf(stderr, "%s\n", t.p);
                        dump(NULL, s);
                        fail_msg("%s: did not load", name);
                    }
                    if (f->get(s) != values[vi].value)
                        fail_msg("%s: read back %" PRId64, name, f->get(s));
                    contour_snapshot_free(s);
                } else {
                    expect e = {CONTOUR_OK, "integer-range", 0, 0, 1.0, 0};
                    t_pos(&t, at, &e.line, &e.col);
                    result r;
                    measure(&r, t.p, t.len, fmt, NULL, NULL, &e);
                    if (!r.found)
                        fprintf(stderr, "%s\n", t.p);
                    check_quiet(name, &r, &e);
                }
                cases++;
                free(t.p);
            }
        }
    }
    print_message("integer fields: %zu cases\n", cases);
}

/* Ranges checked when resolving: ports 1-65535, uint32 annotations, Go durations. */
static void test_semantic_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *port;
        contour_state state;
    } ports[] = {
        {"0", CONTOUR_STATE_INVALID},
        {"1", CONTOUR_STATE_VALID},
        {"65535", CONTOUR_STATE_VALID},
        {"65536", CONTOUR_STATE_INVALID},
        {"-1", CONTOUR_STATE_INVALID},
        {"2147483648", CONTOUR_STATE_INVALID},
        {"-9223372036854775808", CONTOUR_STATE_INVALID},
    };
    for (size_t i = 0; i < sizeof ports / sizeof *ports; i++) {
        char doc[512];
        snprintf(doc, sizeof doc,
                 "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                 "metadata: {name: r, namespace: default}\n"
                 "spec:\n  virtualhost: {fqdn: a.example.com}\n"
                 "  routes: [{match: /, services: [{name: s, port: %s}]}]\n",
                 ports[i].port);
        contour_snapshot *s = tu_load("p", doc);
        contour_graph *g = NULL;
        assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
        const contour_status *st = NULL;
        st = contour_graph_find_status(g, "default", 7, "r", 1);
        assert_non_null(st);
        if (contour_status_state(st) != ports[i].state)
            fail_msg("port %s: %s (%s)", ports[i].port,
                     contour_state_name(contour_status_state(st)), contour_status_description(st));
        contour_graph_free(g);
        contour_snapshot_free(s);
    }
    /* uint32 annotations of a Service; durations of an Ingress. */
    static const struct {
        const char *key, *value;
        bool ok;
    } anns[] = {
        {"contour.heptio.com/max-connections", "4294967295", true},
        {"contour.heptio.com/max-connections", "4294967296", false},
        {"contour.heptio.com/max-pending-requests", "-1", false},
        {"contour.heptio.com/max-requests", "18446744073709551616", false},
        {"contour.heptio.com/max-retries", "0", true},
    };
    for (size_t i = 0; i < sizeof anns / sizeof *anns; i++) {
        char doc[1024];
        snprintf(doc, sizeof doc,
                 "apiVersion: v1\nkind: Service\n"
                 "metadata: {name: s, namespace: default, annotations: {%s: \"%s\"}}\n"
                 "spec: {ports: [{port: 80}]}\n---\n"
                 "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                 "metadata: {name: r, namespace: default}\n"
                 "spec:\n  virtualhost: {fqdn: a.example.com}\n"
                 "  routes: [{match: /, services: [{name: s, port: 80}]}]\n",
                 anns[i].key, anns[i].value);
        contour_snapshot *s = tu_load("a", doc);
        contour_graph *g = NULL;
        assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
        size_t warnings = 0;
        for (size_t k = 0; k < contour_graph_diagnostic_count(g); k++) {
            const contour_diagnostic *d = contour_graph_diagnostic_at(g, k);
            if (strcmp(contour_diagnostic_code(d), "invalid-annotation") == 0) {
                warnings++;
                assert_int_equal(contour_diagnostic_line(d), 3);
            }
        }
        if (warnings != (anns[i].ok ? 0u : 1u))
            fail_msg("%s: %s: %zu invalid-annotation warnings", anns[i].key, anns[i].value,
                     warnings);
        const contour_cluster *c = contour_route_cluster_at(
            contour_vhost_route_at(contour_listener_vhost_at(contour_graph_listener_at(g, 0), 0),
                                   0),
            0);
        if (anns[i].ok && strcmp(anns[i].value, "4294967295") == 0)
            assert_int_equal(contour_cluster_max_connections(c), UINT32_MAX);
        contour_graph_free(g);
        contour_snapshot_free(s);
    }
    static const struct {
        const char *timeout;
        int64_t ms; /* 0: invalid, never times out */
    } durations[] = {
        {"9223372036854775807ns", 9223372036854},
        {"9223372036854775808ns", -1},
        {"2562047h47m16.854775807s", 9223372036854},
        {"2562047h47m16.854775808s", -1},
        {"2562048h", -1},
    };
    for (size_t i = 0; i < sizeof durations / sizeof *durations; i++) {
        char doc[1024];
        snprintf(doc, sizeof doc,
                 "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                 "metadata: {name: i, namespace: default, annotations: "
                 "{contour.heptio.com/request-timeout: \"%s\"}}\n"
                 "spec: {defaultBackend: {service: {name: s, port: {number: 80}}}}\n---\n"
                 "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: default}\n"
                 "spec: {ports: [{port: 80}]}\n",
                 durations[i].timeout);
        contour_snapshot *s = tu_load("d", doc);
        contour_graph *g = NULL;
        assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
        const contour_route *rt = contour_vhost_route_at(
            contour_listener_vhost_at(contour_graph_listener_at(g, 0), 0), 0);
        assert_non_null(rt);
        if (contour_route_timeout_ms(rt) != durations[i].ms)
            fail_msg("request-timeout %s: %" PRId64 " ms", durations[i].timeout,
                     contour_route_timeout_ms(rt));
        contour_graph_free(g);
        contour_snapshot_free(s);
    }
    /* The config's integers. */
    contour_config *c = NULL;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_set_ports(c, 1, 65535), CONTOUR_OK);
    assert_int_equal(contour_config_set_ports(c, 0, 443), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_ports(c, 80, 65536), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_ports(c, UINT32_MAX, 443), CONTOUR_ERR_INVALID);
    for (int l = 0; l < (int)contour_limit_count(); l++) {
        assert_int_equal(contour_config_set_limit(c, (contour_limit)l, 0), CONTOUR_ERR_INVALID);
        assert_int_equal(contour_config_set_limit(c, (contour_limit)l, UINT64_MAX), CONTOUR_OK);
        assert_int_equal(contour_config_limit(c, (contour_limit)l), UINT64_MAX);
    }
    assert_int_equal(contour_config_set_limit(c, (contour_limit)contour_limit_count(), 1),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_config_set_limit(c, (contour_limit)-1, 1), CONTOUR_ERR_INVALID);
    contour_config_free(c);
}

/* ------------------------------------------------------------------------------------------ */
/* Every contour_limit at its value and one past it                                           */
/* ------------------------------------------------------------------------------------------ */

typedef struct limit_arg {
    contour_limit limit;
    uint64_t value;
} limit_arg;

static void tweak_limit(contour_config *c, const void *arg)
{
    const limit_arg *l = arg;
    assert_int_equal(contour_config_set_limit(c, l->limit, l->value), CONTOUR_OK);
}

/* A Service whose spec is a list of n scalars: 11 + n nodes. */
static void put_nodes_doc(text *t, size_t n)
{
    t_puts(t, SERVICE_YAML "spec: [");
    for (size_t i = 0; i < n; i++)
        t_puts(t, i ? ", 1" : "1");
    t_puts(t, "]\n");
}

/* A Service with spec: {a: [[...[1]...]]} nested `levels` deep: the root map is level 1,
 * spec's map level 2, each list one more (scalars do not count). */
static void put_depth_doc(text *t, size_t levels, bool json)
{
    t_puts(t, json ? SERVICE_JSON "\"spec\": {\"a\": " : SERVICE_YAML "spec: {a: ");
    t_repeat(t, "[", levels - 2);
    t_puts(t, "1");
    t_repeat(t, "]", levels - 2);
    t_puts(t, json ? "}}\n" : "}\n");
}

/* Loads t with one limit set (0: default) and checks the outcome. */
static void at_limit(const char *name, text *t, contour_format fmt, contour_limit limit,
                     uint64_t value, expect e)
{
    limit_arg arg = {limit, value};
    run_here(name, t->p, t->len, fmt, value ? tweak_limit : NULL, &arg, e, NULL);
    free(t->p);
    *t = (text){0};
}

static void test_every_limit(void **state)
{
    (void)state;
    text t = {0};
    const expect loads = {CONTOUR_OK, NULL, 0, 0, 1.0, 1};

    /* INPUT_BYTES */
    t_puts(&t, SERVICE_YAML);
    uint64_t n = t.len;
    at_limit("input bytes at the limit", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_INPUT_BYTES, n,
             loads);
    t_puts(&t, SERVICE_YAML);
    at_limit("input bytes past the limit", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_INPUT_BYTES,
             n - 1, (expect){CONTOUR_ERR_LIMIT, "limit-input", 0, 0, 1.0, 0});
    {
        /* The default, 256 MiB: one byte more is refused without being read (the pages are
         * never touched). */
        size_t big = ((size_t)256 << 20) + 1;
        void *p = mmap(NULL, big, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        assert_true(p != MAP_FAILED);
        run_here("input bytes past the default (256 MiB + 1)", p, big, CONTOUR_FORMAT_YAML, NULL,
                 NULL, (expect){CONTOUR_ERR_LIMIT, "limit-input", 0, 0, 1.0, 0}, NULL);
        munmap(p, big);
    }

    /* DEPTH: the default 64 and a configured 8, YAML and JSON. The first list (level 3)
     * opens at column 11 of `spec: {a: [`, or right after `"spec": {"a": ` in JSON. */
    for (int json = 0; json < 2; json++) {
        contour_format fmt = json ? CONTOUR_FORMAT_JSON : CONTOUR_FORMAT_YAML;
        uint32_t line = json ? 1 : 4, level3 = json ? sizeof SERVICE_JSON + 14 : 11;
        const expect warns = {CONTOUR_OK, "unknown-field", line, 0, 1.0, 1};
        put_depth_doc(&t, 64, json);
        at_limit("depth at the default", &t, fmt, CONTOUR_LIMIT_DEPTH, 0, warns);
        put_depth_doc(&t, 65, json);
        at_limit("depth past the default", &t, fmt, CONTOUR_LIMIT_DEPTH, 0,
                 (expect){CONTOUR_OK, "limit-depth", line, level3 + 62, 1.0, 0});
        put_depth_doc(&t, 8, json);
        at_limit("depth at 8", &t, fmt, CONTOUR_LIMIT_DEPTH, 8, warns);
        put_depth_doc(&t, 9, json);
        at_limit("depth past 8", &t, fmt, CONTOUR_LIMIT_DEPTH, 8,
                 (expect){CONTOUR_OK, "limit-depth", line, level3 + 6, 1.0, 0});
    }

    /* DOCUMENTS: 10 documents (a Service and 9 empty ones) at a limit of 10, then 11. */
    t_puts(&t, SERVICE_YAML);
    t_repeat(&t, "---\n", 9);
    at_limit("documents at 10", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_DOCUMENTS, 10, loads);
    t_puts(&t, SERVICE_YAML);
    t_repeat(&t, "---\n", 10);
    at_limit("documents past 10", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_DOCUMENTS, 10,
             (expect){CONTOUR_OK, "limit-documents", 13, 1, 1.0, 1});

    /* ALIAS_EXPANSION: an alias of a list of k scalars adds k + 1 nodes. */
    static const uint64_t alias_limits[] = {10000, 100};
    for (size_t i = 0; i < 2; i++) {
        uint64_t lim = alias_limits[i];
        for (int over = 0; over < 2; over++) {
            t_puts(&t, SERVICE_YAML "spec:\n  a: &a [");
            for (uint64_t k = 0; k < lim - 1 + (uint64_t)over; k++)
                t_puts(&t, k ? ", 1" : "1");
            t_puts(&t, "]\n  b: *a\n");
            char name[64];
            snprintf(name, sizeof name, "alias expansion %s %llu", over ? "past" : "at",
                     (unsigned long long)lim);
            at_limit(name, &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_ALIAS_EXPANSION, i ? lim : 0,
                     over ? (expect){CONTOUR_OK, "limit-alias", 6, 6, 1.0, 0}
                          : (expect){CONTOUR_OK, "unknown-field", 5, 3, 1.0, 1});
        }
    }

    /* SCALAR_BYTES: the default (1 MiB) and 100, in a plain and a quoted YAML scalar and a
     * JSON string. */
    static const uint64_t scalar_limits[] = {1u << 20, 100};
    for (size_t i = 0; i < 2; i++) {
        uint64_t lim = scalar_limits[i];
        for (int form = 0; form < 3; form++) {
            for (int over = 0; over < 2; over++) {
                if (form == 2)
                    t_puts(&t, SERVICE_JSON "\"spec\": {\"a\": \"");
                else
                    t_puts(&t, form ? SERVICE_YAML "spec: {a: \"" : SERVICE_YAML "spec: {a: ");
                t_fill(&t, 'x', (size_t)lim + (size_t)over);
                t_puts(&t, form == 2 ? "\"}}\n" : form ? "\"}\n" : "}\n");
                char name[64];
                snprintf(name, sizeof name, "scalar bytes %s %llu (%s)", over ? "past" : "at",
                         (unsigned long long)lim,
                         form == 2 ? "JSON"
                         : form    ? "YAML quoted"
                                   : "YAML plain");
                expect e =
                    over ? (expect){CONTOUR_OK,
                                    "limit-scalar",
                                    form == 2 ? 1 : 4,
                                    form == 2 ? sizeof SERVICE_JSON + 14 : 11,
                                    1.0,
                                    0}
                         : (expect){CONTOUR_OK, "unknown-field", form == 2 ? 1 : 4, 0, 1.0, 1};
                at_limit(name, &t, form == 2 ? CONTOUR_FORMAT_JSON : CONTOUR_FORMAT_YAML,
                         CONTOUR_LIMIT_SCALAR_BYTES, i ? lim : 0, e);
            }
        }
    }

    /* DOCUMENT_NODES: the default (1,000,000) and 100. */
    static const uint64_t node_limits[] = {1000000, 100};
    for (size_t i = 0; i < 2; i++) {
        uint64_t lim = node_limits[i];
        put_nodes_doc(&t, (size_t)lim - 11);
        /* spec must be a map: a wrong-type error, after the nodes were counted. */
        at_limit(i ? "document nodes at 100" : "document nodes at the default", &t,
                 CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_DOCUMENT_NODES, i ? lim : 0,
                 (expect){CONTOUR_OK, "wrong-type", 4, 7, 1.0, 0});
        /* The first node past the limit is item lim - 11 (0-based), at column 8 + 3 * index. */
        put_nodes_doc(&t, (size_t)lim - 10);
        at_limit(i ? "document nodes past 100" : "document nodes past the default", &t,
                 CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_DOCUMENT_NODES, i ? lim : 0,
                 (expect){CONTOUR_OK, "limit-nodes", 4, (uint32_t)(8 + 3 * (lim - 11)), 1.0, 0});
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Every contour_limit at its extremes: 0 (refused), 1 and UINT64_MAX                        */
/* ------------------------------------------------------------------------------------------ */

/* Loads `data` from a file (contour_snapshot_load_path: read_file has its own arithmetic
 * on the input limit) with one limit set, and checks what the buffer load checks. */
static void extreme_file(const char *name, contour_limit limit, uint64_t value, const char *data,
                         size_t len, contour_format fmt, expect e)
{
    char path[] = "/tmp/contour-limit-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    contour_config *c = NULL;
    contour_snapshot *s = NULL;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    assert_int_equal(contour_config_set_limit(c, limit, value), CONTOUR_OK);
    assert_int_equal(contour_snapshot_new(&s, c), CONTOUR_OK);
    contour_result st = contour_snapshot_load_path(s, path, fmt);
    unlink(path);
    size_t objects = 0;
    for (int k = 1; k <= (int)contour_kind_count(); k++)
        objects += contour_snapshot_object_count(s, (contour_kind)k);
    if ((int)st != (int)e.load || (e.code && !tu_diag(s, e.code)) || objects != e.objects) {
        tu_dump_diags(s);
        fail_msg("%s (from a file): load %d (expected %d), %zu objects (expected %zu)", name,
                 (int)st, (int)e.load, objects, e.objects);
    }
    contour_snapshot_free(s);
    contour_config_free(c);
}

/* Loads t (as a buffer and as a file) with one limit set to value, then frees t. */
static void extreme(const char *name, text *t, contour_format fmt, contour_limit limit,
                    uint64_t value, expect e)
{
    limit_arg arg = {limit, value};
    run_here(name, t->p ? t->p : "", t->len, fmt, tweak_limit, &arg, e, NULL);
    extreme_file(name, limit, value, t->p ? t->p : "", t->len, fmt, e);
    free(t->p);
    *t = (text){0};
}

/* Each limit at 1 with an input just at it and one just past it, and at UINT64_MAX (which
 * docs/api.md offers as "effectively unlimited") with an input past its default. A limit of
 * UINT64_MAX once wrapped `limit + 1` to 0 in read_file: every file failed with
 * CONTOUR_ERR_NOMEM and no diagnostic. */
static void test_limit_extremes(void **state)
{
    (void)state;
    text t = {0};
    const uint64_t max = UINT64_MAX;
    contour_config *c = NULL;
    assert_int_equal(contour_config_new(&c), CONTOUR_OK);
    for (int l = 0; l < (int)contour_limit_count(); l++)
        assert_int_equal(contour_config_set_limit(c, (contour_limit)l, 0), CONTOUR_ERR_INVALID);
    contour_config_free(c);

    /* INPUT_BYTES: one byte, two bytes; a Service (file and buffer) with no limit. */
    t_puts(&t, "\n");
    extreme("input bytes 1, at", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_INPUT_BYTES, 1,
            (expect){CONTOUR_OK, NULL, 0, 0, 1.0, 0});
    t_puts(&t, "\n\n");
    extreme("input bytes 1, past", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_INPUT_BYTES, 1,
            (expect){CONTOUR_ERR_LIMIT, "limit-input", 0, 0, 1.0, 0});
    t_puts(&t, SERVICE_YAML);
    t_fill(&t, '\n', 200000); /* more than read_file's first 64 KiB */
    extreme("input bytes max", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_INPUT_BYTES, max,
            (expect){CONTOUR_OK, NULL, 0, 0, 1.0, 1});
    t_puts(&t, SERVICE_JSON "\"spec\": {}}");
    extreme("input bytes max (JSON)", &t, CONTOUR_FORMAT_JSON, CONTOUR_LIMIT_INPUT_BYTES, max,
            (expect){CONTOUR_OK, NULL, 0, 0, 1.0, 1});

    /* DEPTH: a flat map is level 1. */
    for (int json = 0; json < 2; json++) {
        contour_format fmt = json ? CONTOUR_FORMAT_JSON : CONTOUR_FORMAT_YAML;
        t_puts(&t, json ? "{\"a\": 1}" : "a: 1\n");
        extreme("depth 1, at", &t, fmt, CONTOUR_LIMIT_DEPTH, 1,
                (expect){CONTOUR_OK, "missing-kind", 1, 0, 1.0, 0});
        t_puts(&t, json ? "{\"a\": {}}" : "a: {}\n");
        extreme("depth 1, past", &t, fmt, CONTOUR_LIMIT_DEPTH, 1,
                (expect){CONTOUR_OK, "limit-depth", 1, json ? 7 : 4, 1.0, 0});
        put_depth_doc(&t, 5000, json);
        extreme("depth max (5,000 levels)", &t, fmt, CONTOUR_LIMIT_DEPTH, max,
                (expect){CONTOUR_OK, "unknown-field", json ? 1 : 4, 0, 1.0, 1});
    }

    /* DOCUMENTS */
    t_puts(&t, SERVICE_YAML);
    extreme("documents 1, at", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_DOCUMENTS, 1,
            (expect){CONTOUR_OK, NULL, 0, 0, 1.0, 1});
    t_puts(&t, SERVICE_YAML "---\n" SERVICE_YAML_T);
    extreme("documents 1, past", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_DOCUMENTS, 1,
            (expect){CONTOUR_OK, "limit-documents", 4, 1, 1.0, 1});
    t_puts(&t, "apiVersion: v1\nkind: List\nitems:\n");
    t_repeat(&t, "- " SERVICE_JSON_T "}\n", 1); /* the object */
    t_repeat(&t, "- {}\n", 1100000);            /* past the default of 1,000,000 */
    extreme("documents max (1.1 million List items)", &t, CONTOUR_FORMAT_YAML,
            CONTOUR_LIMIT_DOCUMENTS, max, (expect){CONTOUR_OK, NULL, 0, 0, 10.0, 1});

    /* ALIAS_EXPANSION: an alias of a scalar adds one node, of a one-item list two. */
    t_puts(&t, SERVICE_YAML "spec:\n  a: &a x\n  b: *a\n");
    extreme("alias expansion 1, at", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_ALIAS_EXPANSION, 1,
            (expect){CONTOUR_OK, "unknown-field", 5, 3, 1.0, 1});
    t_puts(&t, SERVICE_YAML "spec:\n  a: &a [x]\n  b: *a\n");
    extreme("alias expansion 1, past", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_ALIAS_EXPANSION, 1,
            (expect){CONTOUR_OK, "limit-alias", 6, 6, 1.0, 0});
    make_laughs(&t, "in spec");
    extreme("alias expansion max (a billion laughs)", &t, CONTOUR_FORMAT_YAML,
            CONTOUR_LIMIT_ALIAS_EXPANSION, max,
            (expect){CONTOUR_OK, "unknown-field", 5, 3, 1.0, 1});

    /* SCALAR_BYTES */
    for (int json = 0; json < 2; json++) {
        contour_format fmt = json ? CONTOUR_FORMAT_JSON : CONTOUR_FORMAT_YAML;
        t_puts(&t, json ? "{\"a\": \"b\"}" : "a: b\n");
        extreme("scalar bytes 1, at", &t, fmt, CONTOUR_LIMIT_SCALAR_BYTES, 1,
                (expect){CONTOUR_OK, "missing-kind", 1, 0, 1.0, 0});
        t_puts(&t, json ? "{\"ab\": 1}" : "ab: 1\n");
        extreme("scalar bytes 1, past", &t, fmt, CONTOUR_LIMIT_SCALAR_BYTES, 1,
                (expect){CONTOUR_OK, "limit-scalar", 1, json ? 2 : 1, 1.0, 0});
        t_puts(&t, json ? SERVICE_JSON "\"spec\": {\"a\": \"" : SERVICE_YAML "spec: {a: ");
        t_fill(&t, 'x', (size_t)3 << 20); /* past the default of 1 MiB */
        t_puts(&t, json ? "\"}}" : "}\n");
        extreme("scalar bytes max (3 MiB)", &t, fmt, CONTOUR_LIMIT_SCALAR_BYTES, max,
                (expect){CONTOUR_OK, "unknown-field", json ? 1 : 4, 0, 1.0, 1});
    }

    /* DOCUMENT_NODES: a scalar document is one node, {a: b} three. */
    t_puts(&t, "a\n");
    extreme("document nodes 1, at", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_DOCUMENT_NODES, 1,
            (expect){CONTOUR_OK, "not-an-object", 1, 1, 1.0, 0});
    t_puts(&t, "{a: b}\n");
    extreme("document nodes 1, past", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_DOCUMENT_NODES, 1,
            (expect){CONTOUR_OK, "limit-nodes", 1, 2, 1.0, 0});
    t_puts(&t, SERVICE_YAML "spec:\n  a: [");
    for (size_t i = 0; i < 1000100; i++) /* past the default of 1,000,000 */
        t_puts(&t, i ? ", 1" : "1");
    t_puts(&t, "]\n");
    extreme("document nodes max (1,000,112)", &t, CONTOUR_FORMAT_YAML, CONTOUR_LIMIT_DOCUMENT_NODES,
            max, (expect){CONTOUR_OK, "unknown-field", 5, 3, 1.0, 1});
}

/* ------------------------------------------------------------------------------------------ */
/* Found on the way                                                                           */
/* ------------------------------------------------------------------------------------------ */

static void raise_all_limits(contour_config *c, const void *arg)
{
    (void)arg;
    for (int l = 0; l < (int)contour_limit_count(); l++)
        contour_config_set_limit(c, (contour_limit)l, UINT64_MAX);
}

/* A map with merge keys whose sources hold more than 2^32 keys in all: with the limits
 * raised (UINT64_MAX is documented as "effectively unlimited") this wrote the map's keys
 * through a NULL pointer (tree.c finish_map). Now the document is refused. 4,300 merges of
 * a list of 1,000 aliases of a 1,000-key map: 4.3 billion candidates from 30 kB. */
static void make_merge_bomb(text *t, const void *arg)
{
    (void)arg;
    t_puts(t, SERVICE_YAML "spec:\n  a: &a {");
    for (int i = 0; i < 1000; i++)
        t_printf(t, "%sk%d: 1", i ? ", " : "", i);
    t_puts(t, "}\n  l: &l [*a");
    t_repeat(t, ", *a", 999);
    t_puts(t, "]\n  m:\n    x: 1\n");
    t_repeat(t, "    <<: *l\n", 4300);
    t_puts(t, "---\n" SERVICE_YAML_T);
}

static void test_merge_key_bomb(void **state)
{
    (void)state;
    run_isolated("merge keys past 2^32 pairs (limits raised)", make_merge_bomb, NULL,
                 CONTOUR_FORMAT_YAML, raise_all_limits,
                 (expect){CONTOUR_OK, "limit-nodes", 8, 5, 1.0, 1});
}

/* Time spent off the CPU (here sleeping, on a busy machine waiting for a core) does not
 * count against a bound: with wall-clock bounds, "100 MB of blank lines" (0.8 s idle, bound
 * 1 s) took 1.06-1.18 s, and up to 2.7 s, while other builds ran. The speed factor is sane. */
static void test_bounds_ignore_waiting(void **state)
{
    (void)state;
    double t0 = case_clock();
    struct timespec ts = {0, 300 * 1000 * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    double waited = case_clock() - t0;
    if (waited >= 0.1)
        fail_msg("300 ms asleep counted as %.3f s", waited);
    double f = tu_bound_factor(false);
    print_message("time bounds are multiplied by %.2f on this machine\n", f);
    assert_true(f >= 1 && f < 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounds_ignore_waiting),
        cmocka_unit_test(test_billion_laughs),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_huge_scalar),
        cmocka_unit_test(test_million_documents),
        cmocka_unit_test(test_repeated_key),
        cmocka_unit_test(test_diagnostic_budget),
        cmocka_unit_test(test_invalid_utf8_everywhere),
        cmocka_unit_test(test_bad_escapes_and_nul),
        cmocka_unit_test(test_integer_limits),
        cmocka_unit_test(test_semantic_ranges),
        cmocka_unit_test(test_every_limit),
        cmocka_unit_test(test_merge_key_bomb),
        cmocka_unit_test(test_limit_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
