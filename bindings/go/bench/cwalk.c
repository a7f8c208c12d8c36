/*
 * The C counterpart of the Go binding's benchmark (bench_test.go): load one file, resolve
 * it, and walk every accessor of the graph — listeners, virtual hosts, routes, clusters,
 * statuses and diagnostics — touching every string (strlen) as the Go binding copies it.
 * Then, apart, the bulk copy-out the Go binding decodes (contour_graph_export() of the
 * listeners, statuses and diagnostics), not counted in the total.
 * Prints one line per run and the median, in nanoseconds.
 *
 * Build: cc -O2 cwalk.c $(pkg-config --cflags --libs contour) -o cwalk
 * Usage: cwalk FILE RUNS
 */
#include <contour/contour.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t sink;

static void s(const char *p)
{
    if (p)
        sink += strlen(p);
}

static void n(int64_t v)
{
    sink += (size_t)v;
}

static void walk_cluster(const contour_cluster *c)
{
    s(contour_cluster_namespace(c));
    s(contour_cluster_service(c));
    n(contour_cluster_port(c));
    s(contour_cluster_port_name(c));
    n(contour_cluster_weight(c));
    s(contour_cluster_strategy(c));
    s(contour_cluster_protocol(c));
    const contour_health_check *hc = contour_cluster_health_check(c);
    if (hc) {
        s(contour_health_check_path(hc));
        s(contour_health_check_host(hc));
        n(contour_health_check_interval_s(hc));
        n(contour_health_check_timeout_s(hc));
        n(contour_health_check_unhealthy_threshold(hc));
        n(contour_health_check_healthy_threshold(hc));
    }
    n(contour_cluster_max_connections(c));
    n(contour_cluster_max_pending_requests(c));
    n(contour_cluster_max_requests(c));
    n(contour_cluster_max_retries(c));
}

static void walk_diag(const contour_diagnostic *d)
{
    n(contour_diagnostic_severity(d));
    s(contour_diagnostic_code(d));
    s(contour_diagnostic_message(d));
    s(contour_diagnostic_file(d));
    n(contour_diagnostic_line(d));
    n(contour_diagnostic_column(d));
    s(contour_diagnostic_field(d));
    n(contour_diagnostic_object_kind(d));
    s(contour_diagnostic_object_namespace(d));
    s(contour_diagnostic_object_name(d));
}

static void walk(const contour_graph *g)
{
    for (size_t i = 0; i < contour_graph_listener_count(g); i++) {
        const contour_listener *l = contour_graph_listener_at(g, i);
        s(contour_listener_name(l));
        n(contour_listener_port(l));
        n(contour_listener_is_secure(l));
        for (size_t j = 0; j < contour_listener_vhost_count(l); j++) {
            const contour_vhost *v = contour_listener_vhost_at(l, j);
            s(contour_vhost_fqdn(v));
            if (contour_vhost_has_tls(v)) {
                s(contour_vhost_tls_secret_namespace(v));
                s(contour_vhost_tls_secret_name(v));
                s(contour_vhost_tls_min_protocol_version(v));
                n(contour_vhost_tls_passthrough(v));
            }
            for (size_t k = 0; k < contour_vhost_route_count(v); k++) {
                const contour_route *r = contour_vhost_route_at(v, k);
                n(contour_route_match_type(r));
                s(contour_route_path(r));
                n(contour_route_https_redirect(r));
                n(contour_route_websocket(r));
                s(contour_route_prefix_rewrite(r));
                if (contour_route_has_timeout(r))
                    n(contour_route_timeout_ms(r));
                if (contour_route_has_retry(r)) {
                    s(contour_route_retry_on(r));
                    n(contour_route_retry_num_retries(r));
                    n(contour_route_retry_per_try_timeout_ms(r));
                }
                n(contour_route_source_kind(r));
                s(contour_route_source_namespace(r));
                s(contour_route_source_name(r));
                for (size_t c = 0; c < contour_route_cluster_count(r); c++)
                    walk_cluster(contour_route_cluster_at(r, c));
            }
            if (contour_vhost_has_tcpproxy(v))
                for (size_t c = 0; c < contour_vhost_tcpproxy_cluster_count(v); c++)
                    walk_cluster(contour_vhost_tcpproxy_cluster_at(v, c));
        }
    }
    for (size_t i = 0; i < contour_graph_status_count(g); i++) {
        const contour_status *st = contour_graph_status_at(g, i);
        n(contour_status_kind(st));
        s(contour_status_namespace(st));
        s(contour_status_name(st));
        n(contour_status_state(st));
        s(contour_status_description(st));
        for (size_t k = 0; k < contour_status_vhost_count(st); k++)
            s(contour_status_vhost_at(st, k));
        s(contour_status_file(st));
        n(contour_status_line(st));
        n(contour_status_column(st));
    }
    for (size_t i = 0; i < contour_graph_diagnostic_count(g); i++)
        walk_diag(contour_graph_diagnostic_at(g, i));
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s FILE RUNS\n", argv[0]);
        return 2;
    }
    int runs = atoi(argv[2]);
    if (runs < 1 || runs > 1000) {
        fprintf(stderr, "RUNS must be 1-1000\n");
        return 2;
    }
    long long *total = calloc((size_t)runs, sizeof *total);
    if (!total)
        return 1;
    for (int i = 0; i < runs; i++) {
        long long t0 = now_ns();
        contour_snapshot *snap = NULL;
        contour_graph *g = NULL;
        if (contour_snapshot_new(&snap, NULL) != CONTOUR_OK ||
            contour_snapshot_load_path(snap, argv[1], CONTOUR_FORMAT_AUTO) != CONTOUR_OK) {
            fprintf(stderr, "load failed\n");
            return 1;
        }
        long long t1 = now_ns();
        if (contour_resolve(&g, snap, NULL) != CONTOUR_OK) {
            fprintf(stderr, "resolve failed\n");
            return 1;
        }
        long long t2 = now_ns();
        walk(g);
        long long t3 = now_ns();
        contour_export *e = NULL;
        if (contour_graph_export(&e, g,
                                 CONTOUR_EXPORT_PART_LISTENERS | CONTOUR_EXPORT_PART_STATUSES |
                                     CONTOUR_EXPORT_PART_DIAGNOSTICS) != CONTOUR_OK) {
            fprintf(stderr, "export failed\n");
            return 1;
        }
        long long t4 = now_ns();
        sink += contour_export_word_count(e) + contour_export_string_size(e);
        contour_export_free(e);
        contour_graph_free(g);
        contour_snapshot_free(snap);
        total[i] = t3 - t0;
        printf("run %d load_ns %lld resolve_ns %lld walk_ns %lld total_ns %lld export_ns %lld\n", i,
               t1 - t0, t2 - t1, t3 - t2, t3 - t0, t4 - t3);
    }
    qsort(total, (size_t)runs, sizeof *total, cmp_ll);
    printf("median_ns %lld\n", total[runs / 2]);
    fprintf(stderr, "checksum %zu\n", sink);
    free(total);
    return 0;
}
