/*
 * What-if reviews (issue 10): the latency of contour_review() on a large cluster.
 *
 *   bench_review [--shape units|realistic] [--seed N] [--reviews N] [OBJECTS]
 *       a generated cluster (default 100000 objects)
 *   bench_review --cluster PATH... [--reviews N]
 *       files or directories instead
 *   --show N   after the timing, print the verdicts of the first N proposals of each kind
 *
 * The cluster is loaded and resolved once; then --reviews (default 2000) reviews of
 * realistic proposals, in a shuffled mix of five kinds, each a change a team would send:
 *   update       an existing IngressRoute re-sent with a small change (a weight or a port)
 *   new-root     a new root IngressRoute with a fresh fqdn
 *   dup-fqdn     a new root IngressRoute taking an existing root's fqdn (denied)
 *   delete-child the delete of an existing IngressRoute that is not a root
 *   delete-secret the delete of an existing Secret
 * Proposals are made from the cluster's own YAML documents before the clock starts. Each
 * review is timed from the call to contour_review() to the return of
 * contour_verdict_free(), one thread, default policy, in wall-clock time and in the
 * thread's CPU time (which a busy machine's other work does not stretch: the two differ by
 * the time the thread waited for a core). Reported per kind and overall: median, p90, p99
 * and max in microseconds, and the load average before and after.
 */
#include "benchutil.h"
#include "cluster.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- text ---- */

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void text_add(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        if (!t->p)
            abort();
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void text_puts(text *t, const char *s)
{
    text_add(t, s, strlen(s));
}

/* ---- the cluster's documents ---- */

typedef enum doc_kind { DOC_OTHER, DOC_ROOT, DOC_CHILD, DOC_SECRET } doc_kind;

typedef struct doc {
    const char *p; /* into the input, not NUL-terminated */
    size_t len;
    doc_kind kind;
} doc;

typedef struct docs {
    doc *v;
    size_t n, cap;
} docs;

/* The value of the first line starting with `key` (e.g. "kind: "), or NULL; *n its length. */
static const char *line_value(const char *p, size_t len, const char *key, size_t *n)
{
    size_t kl = strlen(key);
    for (const char *q = p, *end = p + len; q < end;) {
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        const char *eol = nl ? nl : end;
        if ((size_t)(eol - q) >= kl && memcmp(q, key, kl) == 0) {
            *n = (size_t)(eol - q) - kl;
            return q + kl;
        }
        q = nl ? nl + 1 : end;
    }
    return NULL;
}

static void add_doc(docs *d, const char *p, size_t len)
{
    size_t n;
    const char *kind = line_value(p, len, "kind: ", &n);
    if (!kind)
        return;
    doc x = {p, len, DOC_OTHER};
    if (n == 12 && memcmp(kind, "IngressRoute", 12) == 0)
        x.kind = line_value(p, len, "    fqdn: ", &n) ? DOC_ROOT : DOC_CHILD;
    else if (n == 6 && memcmp(kind, "Secret", 6) == 0)
        x.kind = DOC_SECRET;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 1024;
        d->v = realloc(d->v, d->cap * sizeof *d->v);
        if (!d->v)
            abort();
    }
    d->v[d->n++] = x;
}

/* Splits a YAML stream at its "---" lines (JSON inputs are not split: no proposals). */
static void split(docs *d, const bench_input *in)
{
    if (in->json)
        return;
    const char *start = in->data, *end = in->data + in->len;
    for (const char *q = in->data; q < end;) {
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        const char *next = nl ? nl + 1 : end;
        if (next - q >= 3 && memcmp(q, "---", 3) == 0 &&
            (next - q == 3 || q[3] == '\n' || q[3] == ' ' || q[3] == '\r')) {
            if (q > start)
                add_doc(d, start, (size_t)(q - start));
            start = next;
        }
        q = next;
    }
    if (end > start)
        add_doc(d, start, (size_t)(end - start));
}

/* ---- proposals ---- */

enum { P_UPDATE, P_NEW_ROOT, P_DUP_FQDN, P_DELETE_CHILD, P_DELETE_SECRET, NKINDS };
static const char *const kind_names[NKINDS] = {"update", "new-root", "dup-fqdn", "delete-child",
                                               "delete-secret"};

typedef struct proposal {
    int kind;
    contour_operation op;
    char *text;
    size_t len;
} proposal;

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(uint64_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? rng_state % n : 0;
}

/* A random document among those listed in index[0..count). */
static const doc *pick(const docs *d, const size_t *index, size_t count)
{
    return &d->v[index[rnd(count)]];
}

/* The document with the first line starting with `key` replaced by key + value. */
static char *replace_line(const doc *x, const char *key, const char *value, size_t *len)
{
    size_t n;
    const char *v = line_value(x->p, x->len, key, &n);
    text t = {NULL, 0, 0};
    if (!v) {
        text_add(&t, x->p, x->len);
    } else {
        text_add(&t, x->p, (size_t)(v - x->p));
        text_puts(&t, value);
        text_add(&t, v + n, x->len - (size_t)(v + n - x->p));
    }
    *len = t.len;
    return t.p;
}

/* An existing IngressRoute with one weight changed, or else one service port swapped
 * (the realistic shape's Services have ports 80 and 9090). */
static char *tweak(const doc *x, size_t *len)
{
    size_t n;
    const char *w = line_value(x->p, x->len, "          weight: ", &n);
    if (w) {
        char buf[32];
        snprintf(buf, sizeof buf, "%d", (atoi(w) + 5) % 100 + 1);
        return replace_line(x, "          weight: ", buf, len);
    }
    const char *port = line_value(x->p, x->len, "          port: ", &n);
    if (port)
        return replace_line(
            x, "          port: ", n == 2 && memcmp(port, "80", 2) == 0 ? "9090" : "80", len);
    text t = {NULL, 0, 0};
    text_add(&t, x->p, x->len);
    *len = t.len;
    return t.p;
}

/* A root renamed (metadata.name), its fqdn kept or replaced. */
static char *another_root(const doc *x, size_t serial, bool fresh_fqdn, size_t *len)
{
    char name[64], fqdn[96];
    snprintf(name, sizeof name, "bench-%s-%zu", fresh_fqdn ? "new" : "dup", serial);
    snprintf(fqdn, sizeof fqdn, "bench-new-%zu.example.com", serial);
    size_t n;
    char *renamed = replace_line(x, "  name: ", name, &n);
    if (!fresh_fqdn) {
        *len = n;
        return renamed;
    }
    doc r = {renamed, n, x->kind};
    char *out = replace_line(&r, "    fqdn: ", fqdn, len);
    free(renamed);
    return out;
}

static char *copy_doc(const doc *x, size_t *len)
{
    text t = {NULL, 0, 0};
    text_add(&t, x->p, x->len);
    *len = t.len;
    return t.p;
}

/* ---- statistics ---- */

static double thread_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v. */
static double pct(const double *v, size_t n, double q)
{
    size_t r = (size_t)ceil(q * (double)n);
    return v[r ? r - 1 : 0];
}

static void report(const char *name, double *v, size_t n, size_t denied)
{
    if (!n) {
        printf("  %-14s %6s\n", name, "-");
        return;
    }
    qsort(v, n, sizeof *v, cmp_double);
    double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    printf("  %-14s %6zu %7zu %9.0f %9.0f %9.0f %9.0f\n", name, n, denied, median * 1e6,
           pct(v, n, 0.90) * 1e6, pct(v, n, 0.99) * 1e6, v[n - 1] * 1e6);
}

static void loadavg(char *buf, size_t size)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double a = 0, b = 0, c = 0;
    if (f && fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3)
        snprintf(buf, size, "%.2f %.2f %.2f", a, b, c);
    else
        snprintf(buf, size, "?");
    if (f)
        fclose(f);
}

int main(int argc, char **argv)
{
    bench_source src;
    bench_source_init(&src);
    size_t objects = 100000, reviews = 2000, show = 0;
    for (int i = 1; i < argc; i++) {
        if (bench_source_option(&src, argc, argv, &i))
            continue;
        if (strcmp(argv[i], "--reviews") == 0 && i + 1 < argc) {
            reviews = (size_t)strtoull(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--show") == 0 && i + 1 < argc) {
            show = (size_t)strtoull(argv[++i], NULL, 10);
        } else if (argv[i][0] != '-') {
            objects = (size_t)strtoull(argv[i], NULL, 10);
        } else {
            fprintf(stderr,
                    "usage: bench_review [options] [--reviews N] [OBJECTS]\n%s"
                    "  --reviews N               reviews timed (default 2000)\n"
                    "  --show N                  print the first N verdicts of each kind\n",
                    BENCH_SOURCE_USAGE);
            return 2;
        }
    }
    if (reviews < 1)
        reviews = 1;

    bench_input *in;
    size_t count = bench_get_inputs(&src, objects, &in);
    bench_source_describe(stdout, &src, objects, in, count);

    contour_config *cfg = bench_config_new();
    contour_snapshot *s;
    if (contour_snapshot_new(&s, cfg) != CONTOUR_OK)
        abort();
    double t0 = bench_now();
    if (bench_load_inputs(s, in, count) != CONTOUR_OK) {
        fprintf(stderr, "load failed\n");
        return 1;
    }
    double load_s = bench_now() - t0;
    contour_graph *g;
    t0 = bench_now();
    if (contour_resolve(&g, s, NULL) != CONTOUR_OK) {
        fprintf(stderr, "resolve failed\n");
        return 1;
    }
    double resolve_s = bench_now() - t0;
    size_t nobj = 0;
    for (int k = CONTOUR_KIND_INGRESSROUTE; k <= CONTOUR_KIND_SECRET; k++)
        nobj += contour_snapshot_object_count(s, (contour_kind)k);
    printf("%zu objects, %zu statuses: loaded in %.2f s, resolved in %.2f s\n", nobj,
           contour_graph_status_count(g), load_s, resolve_s);

    /* The documents, by what they can be made into. */
    docs d = {NULL, 0, 0};
    for (size_t i = 0; i < count; i++)
        split(&d, &in[i]);
    size_t *by[4], nby[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4; k++) {
        by[k] = malloc((d.n ? d.n : 1) * sizeof *by[k]);
        if (!by[k])
            abort();
    }
    for (size_t i = 0; i < d.n; i++)
        by[d.v[i].kind][nby[d.v[i].kind]++] = i;
    printf("documents: %zu (%zu roots, %zu other IngressRoutes, %zu Secrets)\n", d.n, nby[DOC_ROOT],
           nby[DOC_CHILD], nby[DOC_SECRET]);
    if (!nby[DOC_ROOT] || !nby[DOC_CHILD] || !nby[DOC_SECRET]) {
        fprintf(stderr, "the cluster needs YAML roots, other IngressRoutes and Secrets\n");
        return 1;
    }

    /* The proposals: the five kinds in turn, shuffled. */
    proposal *p = calloc(reviews, sizeof *p);
    if (!p)
        abort();
    for (size_t i = 0; i < reviews; i++) {
        proposal *x = &p[i];
        x->kind = (int)(i % NKINDS);
        switch (x->kind) {
        case P_UPDATE: {
            size_t both = nby[DOC_ROOT] + nby[DOC_CHILD];
            size_t r = (size_t)rnd(both);
            const doc *o =
                r < nby[DOC_ROOT] ? &d.v[by[DOC_ROOT][r]] : &d.v[by[DOC_CHILD][r - nby[DOC_ROOT]]];
            x->op = CONTOUR_OPERATION_UPDATE;
            x->text = tweak(o, &x->len);
            break;
        }
        case P_NEW_ROOT:
            x->op = CONTOUR_OPERATION_CREATE;
            x->text = another_root(pick(&d, by[DOC_ROOT], nby[DOC_ROOT]), i, true, &x->len);
            break;
        case P_DUP_FQDN:
            x->op = CONTOUR_OPERATION_CREATE;
            x->text = another_root(pick(&d, by[DOC_ROOT], nby[DOC_ROOT]), i, false, &x->len);
            break;
        case P_DELETE_CHILD:
            x->op = CONTOUR_OPERATION_DELETE;
            x->text = copy_doc(pick(&d, by[DOC_CHILD], nby[DOC_CHILD]), &x->len);
            break;
        default:
            x->op = CONTOUR_OPERATION_DELETE;
            x->text = copy_doc(pick(&d, by[DOC_SECRET], nby[DOC_SECRET]), &x->len);
            break;
        }
    }
    for (size_t i = reviews; i > 1; i--) {
        size_t j = (size_t)rnd(i);
        proposal tmp = p[i - 1];
        p[i - 1] = p[j];
        p[j] = tmp;
    }

    /* The reviews. */
    char load_before[64], load_after[64];
    loadavg(load_before, sizeof load_before);
    double *times[2][NKINDS], *all[2];
    size_t n[NKINDS] = {0}, denied[NKINDS] = {0}, total_denied = 0;
    for (int c = 0; c < 2; c++) {
        all[c] = malloc(reviews * sizeof *all[c]);
        if (!all[c])
            abort();
        for (int k = 0; k < NKINDS; k++) {
            times[c][k] = malloc(reviews * sizeof *times[c][k]);
            if (!times[c][k])
                abort();
        }
    }
    double wall0 = bench_now(), cpu0 = thread_cpu_now();
    for (size_t i = 0; i < reviews; i++) {
        contour_verdict *v = NULL;
        double a = bench_now(), ac = thread_cpu_now();
        contour_result rc = contour_review(&v, s, g, NULL, p[i].op, "<admission>", 11, p[i].text,
                                           p[i].len, CONTOUR_FORMAT_YAML);
        bool ok = rc == CONTOUR_OK && contour_verdict_allowed(v);
        contour_verdict_free(v);
        double t = bench_now() - a, tc = thread_cpu_now() - ac;
        if (rc != CONTOUR_OK) {
            fprintf(stderr, "review %zu (%s) failed: %d\n", i, kind_names[p[i].kind], rc);
            return 1;
        }
        int k = p[i].kind;
        times[0][k][n[k]] = t;
        times[1][k][n[k]++] = tc;
        all[0][i] = t;
        all[1][i] = tc;
        denied[k] += !ok;
        total_denied += !ok;
    }
    double wall = bench_now() - wall0, cpu = thread_cpu_now() - cpu0;
    loadavg(load_after, sizeof load_after);

    printf("%zu reviews in %.2f s wall, %.2f s CPU (one thread, default policy); load average "
           "%s before, %s after\n",
           reviews, wall, cpu, load_before, load_after);
    double median[2], p99[2];
    for (int c = 0; c < 2; c++) {
        printf("%s\n  %-14s %6s %7s %9s %9s %9s %9s\n",
               c ? "thread CPU time:" : "wall-clock time:", "proposal", "count", "denied", "median",
               "p90", "p99", "max (µs)");
        for (int k = 0; k < NKINDS; k++)
            report(kind_names[k], times[c][k], n[k], denied[k]);
        report("all", all[c], reviews, total_denied);
        qsort(all[c], reviews, sizeof *all[c], cmp_double);
        median[c] =
            reviews % 2 ? all[c][reviews / 2] : (all[c][reviews / 2 - 1] + all[c][reviews / 2]) / 2;
        p99[c] = pct(all[c], reviews, 0.99);
    }
    for (int c = 0; c < 2; c++)
        printf("target (issue 10): median <= 1 ms, p99 <= 5 ms: %s in %s time (median %.3f ms, "
               "p99 %.3f ms)\n",
               median[c] <= 1e-3 && p99[c] <= 5e-3 ? "met" : "NOT met", c ? "CPU" : "wall-clock",
               median[c] * 1e3, p99[c] * 1e3);

    size_t shown[NKINDS] = {0};
    for (size_t i = 0; i < reviews && show; i++) {
        int k = p[i].kind;
        if (shown[k]++ >= show)
            continue;
        contour_verdict *v = NULL;
        if (contour_review(&v, s, g, NULL, p[i].op, "<admission>", 11, p[i].text, p[i].len,
                           CONTOUR_FORMAT_YAML) != CONTOUR_OK)
            continue;
        printf("\n%s: %s %s\n", kind_names[k], contour_operation_name(p[i].op),
               contour_verdict_allowed(v) ? "allowed" : "denied");
        if (*contour_verdict_message(v))
            printf("  message: %s\n", contour_verdict_message(v));
        for (size_t w = 0; w < contour_verdict_warning_count(v); w++)
            printf("  warning: %s\n", contour_verdict_warning_at(v, w));
        contour_verdict_free(v);
    }

    for (size_t i = 0; i < reviews; i++)
        free(p[i].text);
    free(p);
    for (int c = 0; c < 2; c++) {
        for (int k = 0; k < NKINDS; k++)
            free(times[c][k]);
        free(all[c]);
    }
    for (int k = 0; k < 4; k++)
        free(by[k]);
    free(d.v);
    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_config_free(cfg);
    bench_inputs_free(in, count);
    free(in);
    bench_source_free(&src);
    return 0;
}
