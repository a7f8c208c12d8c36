/* libFuzzer target: load (format auto-detected) -> resolve -> walk the whole graph ->
 * render JSON, text and DOT -> free. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const contour_graph *g)
{
    size_t sink = 0;
    for (size_t l = 0; l < contour_graph_listener_count(g); l++) {
        const contour_listener *lis = contour_graph_listener_at(g, l);
        for (size_t v = 0; v < contour_listener_vhost_count(lis); v++) {
            const contour_vhost *vh = contour_listener_vhost_at(lis, v);
            sink += (size_t)contour_vhost_fqdn(vh)[0];
            for (size_t r = 0; r < contour_vhost_route_count(vh); r++) {
                const contour_route *rt = contour_vhost_route_at(vh, r);
                sink += (size_t)contour_route_path(rt)[0];
                for (size_t c = 0; c < contour_route_cluster_count(rt); c++)
                    sink += contour_cluster_port(contour_route_cluster_at(rt, c));
            }
            for (size_t c = 0; c < contour_vhost_tcpproxy_cluster_count(vh); c++)
                sink += contour_cluster_port(contour_vhost_tcpproxy_cluster_at(vh, c));
        }
    }
    for (size_t i = 0; i < contour_graph_status_count(g); i++) {
        const contour_object_status *st = contour_graph_status_at(g, i);
        sink += (size_t)contour_object_status_description(st)[0];
        for (size_t j = 0; j < contour_object_status_vhost_count(st); j++)
            sink += (size_t)contour_object_status_vhost_at(st, j)[0];
    }
    return sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    contour_config *cfg = fuzz_config(data[0]);
    contour_snapshot *s = NULL;
    contour_graph *g = NULL;
    if (!cfg || contour_snapshot_new(&s, cfg) != CONTOUR_OK)
        goto out;
    contour_snapshot_load_buffer(s, "fuzz", 4, (const char *)data + 1, size - 1,
                                 CONTOUR_FORMAT_AUTO);
    if (contour_resolve(&g, s, cfg) != CONTOUR_OK)
        goto out;
    (void)walk(g);
    for (int f = CONTOUR_OUTPUT_JSON; f <= CONTOUR_OUTPUT_DOT; f++) {
        contour_buffer *b = NULL;
        if (contour_graph_render(&b, g, (contour_output_format)f) == CONTOUR_OK &&
            contour_buffer_size(b) && contour_buffer_data(b)[contour_buffer_size(b)] != '\0')
            __builtin_trap(); /* the buffer must be NUL-terminated */
        contour_buffer_free(b);
    }
out:
    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_config_free(cfg);
    return 0;
}
