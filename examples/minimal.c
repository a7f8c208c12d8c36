/* Load manifests, resolve them, and print every IngressRoute's status.
 * Build: cc minimal.c $(pkg-config --cflags --libs contour) */
#include <contour/contour.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    contour_snapshot *snap = NULL;
    contour_graph *graph = NULL;
    int rc = 1;

    if (contour_snapshot_new(&snap, NULL) != CONTOUR_OK)
        return 1;
    for (int i = 1; i < argc; i++) {
        contour_result st = contour_snapshot_load_path(snap, argv[i], CONTOUR_FORMAT_AUTO);
        if (st != CONTOUR_OK && st != CONTOUR_ERR_IO)
            goto out;
    }
    if (contour_resolve(&graph, snap, NULL) != CONTOUR_OK)
        goto out;

    for (size_t i = 0; i < contour_graph_status_count(graph); i++) {
        const contour_status *s = contour_graph_status_at(graph, i);
        printf("%s/%s: %s: %s\n", contour_status_namespace(s), contour_status_name(s),
               contour_state_name(contour_status_state(s)), contour_status_description(s));
    }
    for (size_t i = 0; i < contour_graph_diagnostic_count(graph); i++) {
        const contour_diagnostic *d = contour_graph_diagnostic_at(graph, i);
        printf("%s:%u:%u: %s: %s\n", contour_diagnostic_file(d), contour_diagnostic_line(d),
               contour_diagnostic_column(d), contour_severity_name(contour_diagnostic_severity(d)),
               contour_diagnostic_message(d));
    }
    rc = 0;
out:
    contour_graph_free(graph);
    contour_snapshot_free(snap);
    return rc;
}
