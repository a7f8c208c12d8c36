/* Walk a resolved route graph from C without JSON: listeners -> virtual hosts -> routes ->
 * clusters, the way a proxy's control plane would consume it.
 * Build: cc walk_graph.c $(pkg-config --cflags --libs contour) */
#include <contour/contour.h>
#include <stdio.h>
#include <string.h>

static void print_cluster(const contour_cluster *c)
{
    printf("      -> %s/%s:%u weight=%lld", contour_cluster_namespace(c),
           contour_cluster_service(c), contour_cluster_port(c),
           (long long)contour_cluster_weight(c));
    if (contour_cluster_protocol(c))
        printf(" protocol=%s", contour_cluster_protocol(c));
    if ((contour_cluster_health_check(c) != NULL))
        printf(" health=%s", contour_health_check_path(contour_cluster_health_check(c)));
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH...\n", argv[0]);
        return 2;
    }
    contour_config *cfg = NULL;
    contour_snapshot *snap = NULL;
    contour_graph *graph = NULL;
    int rc = 1;
    if (contour_config_new(&cfg) != CONTOUR_OK || contour_snapshot_new(&snap, cfg) != CONTOUR_OK)
        goto out;
    for (int i = 1; i < argc; i++)
        contour_snapshot_load_path(snap, argv[i], CONTOUR_FORMAT_AUTO);
    if (contour_resolve(&graph, snap, cfg) != CONTOUR_OK)
        goto out;

    for (size_t l = 0; l < contour_graph_listener_count(graph); l++) {
        const contour_listener *lis = contour_graph_listener_at(graph, l);
        printf("%s :%u\n", contour_listener_name(lis), contour_listener_port(lis));
        for (size_t v = 0; v < contour_listener_vhost_count(lis); v++) {
            const contour_vhost *vh = contour_listener_vhost_at(lis, v);
            printf("  %s", contour_vhost_fqdn(vh));
            if (contour_vhost_tls_secret_name(vh))
                printf(" (tls %s/%s, min %s)", contour_vhost_tls_secret_namespace(vh),
                       contour_vhost_tls_secret_name(vh),
                       contour_vhost_tls_min_protocol_version(vh));
            printf("\n");
            for (size_t r = 0; r < contour_vhost_route_count(vh); r++) {
                const contour_route *rt = contour_vhost_route_at(vh, r);
                printf("    %s %s%s\n",
                       contour_route_match_type(rt) == CONTOUR_MATCH_EXACT ? "exact" : "prefix",
                       contour_route_path(rt),
                       contour_route_https_redirect(rt) ? " (redirect to https)" : "");
                for (size_t c = 0; c < contour_route_cluster_count(rt); c++)
                    print_cluster(contour_route_cluster_at(rt, c));
            }
            for (size_t c = 0; c < contour_vhost_tcpproxy_cluster_count(vh); c++)
                print_cluster(contour_vhost_tcpproxy_cluster_at(vh, c));
        }
    }
    rc = 0;
out:
    contour_graph_free(graph);
    contour_snapshot_free(snap);
    contour_config_free(cfg);
    return rc;
}
