#include "shape.h"

#include <stdlib.h>
#include <string.h>

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int compare_sizes(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Objects per namespace: the count of namespaces, and the smallest, median and largest. */
static void measure_namespaces(bench_shape *sh, const contour_snapshot *s)
{
    const char **ns = malloc((sh->objects ? sh->objects : 1) * sizeof *ns);
    size_t *sizes = malloc((sh->objects ? sh->objects : 1) * sizeof *sizes);
    if (!ns || !sizes)
        abort();
    size_t n = 0;
    for (int k = 1; k <= CONTOUR_KIND_SECRET; k++)
        for (size_t i = 0; i < sh->kinds[k]; i++)
            ns[n++] = contour_object_namespace(contour_snapshot_object_at(s, (contour_kind)k, i));
    qsort(ns, n, sizeof *ns, compare_strings);
    size_t groups = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(ns[j], ns[i]) == 0)
            j++;
        sizes[groups++] = j - i;
        i = j;
    }
    qsort(sizes, groups, sizeof *sizes, compare_sizes);
    sh->namespaces = groups;
    if (groups) {
        sh->ns_min = sizes[0];
        sh->ns_median = sizes[groups / 2];
        sh->ns_max = sizes[groups - 1];
    }
    free(ns);
    free(sizes);
}

/* The index of an IngressRoute in the snapshot's (namespace, name) order, or `count`. */
static size_t ir_index(const contour_snapshot *s, size_t count, const char *ns, const char *name)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const contour_object *o = contour_snapshot_object_at(s, CONTOUR_KIND_INGRESSROUTE, mid);
        int c = strcmp(contour_object_namespace(o), ns);
        if (c == 0)
            c = strcmp(contour_object_name(o), name);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return count;
}

/* The index of the IngressRoute that route `r` of `o` delegates to, or `count`. */
static size_t delegate_target(const contour_snapshot *s, size_t count, const contour_object *o,
                              const contour_ingressroute_route *r)
{
    const char *ns = contour_ingressroute_route_delegate_namespace(r);
    return ir_index(s, count, ns ? ns : contour_object_namespace(o),
                    contour_ingressroute_route_delegate_name(r));
}

typedef struct frame {
    size_t ir, route;
    long best;
} frame;

#define ON_PATH (-2)
#define UNKNOWN (-1)

/* The height of the delegation tree under `root`: the longest chain of delegate routes to
 * existing IngressRoutes, not counting a delegate back onto the current path (a cycle).
 * Memoized in height[]; an explicit stack, since input decides the depth. */
static long tree_height(const contour_snapshot *s, size_t count, long *height, frame **stack,
                        size_t *cap, size_t root)
{
    size_t top = 0;
    (*stack)[top++] = (frame){root, 0, 0};
    height[root] = ON_PATH;
    while (top) {
        frame *f = &(*stack)[top - 1];
        const contour_object *o = contour_snapshot_object_at(s, CONTOUR_KIND_INGRESSROUTE, f->ir);
        if (f->route < contour_ingressroute_route_count(o)) {
            const contour_ingressroute_route *r = contour_ingressroute_route_at(o, f->route++);
            if (!contour_ingressroute_route_has_delegate(r))
                continue;
            size_t c = delegate_target(s, count, o, r);
            if (c == count || height[c] == ON_PATH)
                continue;
            if (height[c] >= 0) {
                if (height[c] + 1 > f->best)
                    f->best = height[c] + 1;
                continue;
            }
            if (top == *cap) {
                *cap *= 2;
                *stack = realloc(*stack, *cap * sizeof **stack);
                if (!*stack)
                    abort();
            }
            (*stack)[top++] = (frame){c, 0, 0};
            height[c] = ON_PATH;
            continue;
        }
        height[f->ir] = f->best;
        top--;
        if (top && f->best + 1 > (*stack)[top - 1].best)
            (*stack)[top - 1].best = f->best + 1;
    }
    return height[root];
}

static void measure_ingressroutes(bench_shape *sh, const contour_snapshot *s)
{
    size_t count = sh->kinds[CONTOUR_KIND_INGRESSROUTE];
    for (size_t i = 0; i < count; i++) {
        const contour_object *o = contour_snapshot_object_at(s, CONTOUR_KIND_INGRESSROUTE, i);
        if (contour_ingressroute_has_virtualhost(o)) {
            sh->roots++;
            if (contour_ingressroute_has_tls(o)) {
                const char *secret = contour_ingressroute_tls_secret_name(o);
                sh->tls_roots++;
                sh->tls_borrowed += secret && strchr(secret, '/') != NULL;
            }
        }
        size_t routes = contour_ingressroute_route_count(o);
        sh->routes += routes;
        for (size_t k = 0; k < routes; k++) {
            const contour_ingressroute_route *r = contour_ingressroute_route_at(o, k);
            size_t services = contour_ingressroute_route_service_count(r);
            int delegating = contour_ingressroute_route_has_delegate(r);
            sh->route_services += delegating ? 0 : services;
            sh->service_routes += !delegating && services;
            sh->both_routes += delegating && services;
            if (!delegating)
                continue;
            sh->delegating_routes++;
            const char *ns = contour_ingressroute_route_delegate_namespace(r);
            sh->cross_ns_delegations += ns && strcmp(ns, contour_object_namespace(o)) != 0;
            sh->missing_delegations += delegate_target(s, count, o, r) == count;
        }
    }

    long *height = malloc((count ? count : 1) * sizeof *height);
    size_t cap = 64;
    frame *stack = malloc(cap * sizeof *stack);
    if (!height || !stack)
        abort();
    for (size_t i = 0; i < count; i++)
        height[i] = UNKNOWN;
    for (size_t i = 0; i < count; i++) {
        const contour_object *o = contour_snapshot_object_at(s, CONTOUR_KIND_INGRESSROUTE, i);
        if (!contour_ingressroute_has_virtualhost(o))
            continue;
        long h = height[i] >= 0 ? height[i] : tree_height(s, count, height, &stack, &cap, i);
        size_t d = (size_t)h;
        sh->depth[d < BENCH_DEPTHS - 1 ? d : BENCH_DEPTHS - 1]++;
        if (d > sh->max_depth)
            sh->max_depth = d;
    }
    free(height);
    free(stack);
}

static void measure_others(bench_shape *sh, const contour_snapshot *s)
{
    for (size_t i = 0; i < sh->kinds[CONTOUR_KIND_SERVICE]; i++)
        sh->service_ports +=
            contour_service_port_count(contour_snapshot_object_at(s, CONTOUR_KIND_SERVICE, i));
    for (size_t i = 0; i < sh->kinds[CONTOUR_KIND_INGRESS]; i++) {
        const contour_object *o = contour_snapshot_object_at(s, CONTOUR_KIND_INGRESS, i);
        size_t rules = contour_ingress_rule_count(o);
        sh->ingress_rules += rules;
        for (size_t r = 0; r < rules; r++)
            sh->ingress_paths += contour_ingress_rule_path_count(contour_ingress_rule_at(o, r));
        sh->ingress_tls += contour_ingress_tls_count(o) > 0;
    }
    for (size_t i = 0; i < sh->kinds[CONTOUR_KIND_TLSCERTIFICATEDELEGATION]; i++) {
        const contour_object *o =
            contour_snapshot_object_at(s, CONTOUR_KIND_TLSCERTIFICATEDELEGATION, i);
        for (size_t d = 0; d < contour_tlscertificatedelegation_delegation_count(o); d++)
            sh->tlscd_targets += contour_tlscertificatedelegation_delegation_target_namespace_count(
                contour_tlscertificatedelegation_delegation_at(o, d));
    }
}

void bench_shape_measure(bench_shape *sh, const contour_snapshot *s)
{
    memset(sh, 0, sizeof *sh);
    for (int k = 1; k <= CONTOUR_KIND_SECRET; k++) {
        sh->kinds[k] = contour_snapshot_object_count(s, (contour_kind)k);
        sh->objects += sh->kinds[k];
    }
    measure_namespaces(sh, s);
    measure_ingressroutes(sh, s);
    measure_others(sh, s);
}

void bench_shape_add_statuses(bench_shape *sh, const contour_graph *g)
{
    sh->resolved = 1;
    sh->statuses = contour_graph_status_count(g);
    sh->valid = sh->invalid = sh->orphaned = 0;
    for (size_t i = 0; i < sh->statuses; i++) {
        contour_state st = contour_status_state(contour_graph_status_at(g, i));
        sh->valid += st == CONTOUR_STATE_VALID;
        sh->invalid += st == CONTOUR_STATE_INVALID;
        sh->orphaned += st == CONTOUR_STATE_ORPHANED;
    }
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0;
}

static double pct(size_t a, size_t b)
{
    return 100 * ratio(a, b);
}

/* The kinds in the order of the mix: IngressRoute, Service, Ingress, Secret, TLSCD. */
static const contour_kind kind_order[] = {CONTOUR_KIND_INGRESSROUTE, CONTOUR_KIND_SERVICE,
                                          CONTOUR_KIND_INGRESS, CONTOUR_KIND_SECRET,
                                          CONTOUR_KIND_TLSCERTIFICATEDELEGATION};

static void print_depths(FILE *f, const bench_shape *sh, const char *sep)
{
    for (int d = 0; d < BENCH_DEPTHS; d++)
        fprintf(f, "%s%d%s %.1f%%", d ? sep : "", d, d == BENCH_DEPTHS - 1 ? "+" : ":",
                pct(sh->depth[d], sh->roots));
}

void bench_shape_print_summary(FILE *f, const bench_shape *sh)
{
    fprintf(f, "  shape: %zu objects (", sh->objects);
    for (size_t k = 0; k < sizeof kind_order / sizeof kind_order[0]; k++)
        fprintf(f, "%s%s %zu", k ? ", " : "", contour_kind_name(kind_order[k]),
                sh->kinds[kind_order[k]]);
    fprintf(f, ") in %zu namespaces (%.1f objects each)\n", sh->namespaces,
            ratio(sh->objects, sh->namespaces));
    fprintf(f,
            "         %zu roots, %.2f routes/IngressRoute, %.2f services/route, %.1f%% "
            "delegating; depth ",
            sh->roots, ratio(sh->routes, sh->kinds[CONTOUR_KIND_INGRESSROUTE]),
            ratio(sh->route_services, sh->service_routes), pct(sh->delegating_routes, sh->routes));
    print_depths(f, sh, " ");
    if (sh->resolved)
        fprintf(f, "; %.1f%% orphaned, %.1f%% invalid", pct(sh->orphaned, sh->statuses),
                pct(sh->invalid, sh->statuses));
    fprintf(f, "\n");
}

void bench_shape_print_report(FILE *f, const bench_shape *sh)
{
    fprintf(f, "objects                  %zu\n", sh->objects);
    for (size_t k = 0; k < sizeof kind_order / sizeof kind_order[0]; k++)
        fprintf(f, "  %-24s %7zu  %5.1f%%\n", contour_kind_name(kind_order[k]),
                sh->kinds[kind_order[k]], pct(sh->kinds[kind_order[k]], sh->objects));
    fprintf(f, "namespaces               %zu\n", sh->namespaces);
    fprintf(f, "objects per namespace    %.1f mean, %zu min, %zu median, %zu max\n",
            ratio(sh->objects, sh->namespaces), sh->ns_min, sh->ns_median, sh->ns_max);
    size_t irs = sh->kinds[CONTOUR_KIND_INGRESSROUTE];
    fprintf(f, "IngressRoutes\n");
    fprintf(f, "  roots                  %zu  (%.1f%% of IngressRoutes)\n", sh->roots,
            pct(sh->roots, irs));
    fprintf(f, "  routes per IngressRoute %.2f  (%zu routes)\n", ratio(sh->routes, irs),
            sh->routes);
    fprintf(f,
            "  services per route     %.2f  (over the %zu routes with services and no "
            "delegate)\n",
            ratio(sh->route_services, sh->service_routes), sh->service_routes);
    fprintf(f, "  delegating routes      %.1f%%  (%zu; %zu also with services)\n",
            pct(sh->delegating_routes, sh->routes), sh->delegating_routes, sh->both_routes);
    fprintf(f, "  cross-namespace        %.1f%% of delegating routes\n",
            pct(sh->cross_ns_delegations, sh->delegating_routes));
    fprintf(f, "  to a missing object    %.1f%% of delegating routes\n",
            pct(sh->missing_delegations, sh->delegating_routes));
    fprintf(f,
            "  roots with TLS         %.1f%%  (%zu; %zu with a secret of another "
            "namespace)\n",
            pct(sh->tls_roots, sh->roots), sh->tls_roots, sh->tls_borrowed);
    fprintf(f, "  delegation depth       ");
    print_depths(f, sh, ", ");
    fprintf(f, "  (of the roots; deepest %zu)\n", sh->max_depth);
    if (sh->resolved) {
        fprintf(f,
                "  statuses               %zu: %.1f%% valid, %.1f%% orphaned, %.1f%% "
                "invalid  (%zu, %zu, %zu)\n",
                sh->statuses, pct(sh->valid, sh->statuses), pct(sh->orphaned, sh->statuses),
                pct(sh->invalid, sh->statuses), sh->valid, sh->orphaned, sh->invalid);
    }
    fprintf(f, "Services                 %.2f ports each\n",
            ratio(sh->service_ports, sh->kinds[CONTOUR_KIND_SERVICE]));
    fprintf(f,
            "Ingresses                %.2f rules each, %.2f paths per rule, %.1f%% with "
            "TLS\n",
            ratio(sh->ingress_rules, sh->kinds[CONTOUR_KIND_INGRESS]),
            ratio(sh->ingress_paths, sh->ingress_rules),
            pct(sh->ingress_tls, sh->kinds[CONTOUR_KIND_INGRESS]));
    fprintf(f, "TLSCertificateDelegations %zu, %zu target namespaces in all\n",
            sh->kinds[CONTOUR_KIND_TLSCERTIFICATEDELEGATION], sh->tlscd_targets);
}
