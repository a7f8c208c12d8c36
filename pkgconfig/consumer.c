/* A consumer of the installed library: uses only <contour/contour.h> and pkg-config. */
#include <contour/contour.h>
#include <stdio.h>
#include <string.h>

static const char manifest[] = "apiVersion: contour.heptio.com/v1beta1\n"
                               "kind: IngressRoute\n"
                               "metadata: {name: root, namespace: default}\n"
                               "spec:\n"
                               "  virtualhost: {fqdn: example.com}\n"
                               "  routes: [{match: /, services: [{name: web, port: 80}]}]\n";

int main(void)
{
    if ((contour_version() >> 16) != CONTOUR_VERSION_MAJOR) {
        fprintf(stderr, "ABI mismatch: headers %s, library %s\n", CONTOUR_VERSION_STRING,
                contour_version_string());
        return 1;
    }
    contour_snapshot *s = NULL;
    contour_graph *g = NULL;
    int rc = 1;
    if (contour_snapshot_new(&s, NULL) != CONTOUR_OK ||
        contour_snapshot_load_buffer(s, "consumer", 8, manifest, strlen(manifest),
                                     CONTOUR_FORMAT_AUTO) != CONTOUR_OK ||
        contour_resolve(&g, s, NULL) != CONTOUR_OK)
        goto out;
    const contour_status *st = contour_graph_find_status(g, "default", 7, "root", 4);
    if (!st)
        goto out;
    printf("libcontour %s: default/root is %s\n", contour_version_string(),
           contour_state_name(contour_status_state(st)));
    rc = contour_status_state(st) == CONTOUR_STATE_VALID ? 0 : 1;
out:
    contour_graph_free(g);
    contour_snapshot_free(s);
    return rc;
}
