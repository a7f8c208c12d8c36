/* libFuzzer target: load (format auto-detected) -> resolve -> walk the whole graph ->
 * render JSON, text and DOT -> free, checking the output invariants in fuzz_common.h. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    contour_config *cfg = fuzz_config(data[0]);
    contour_snapshot *s = NULL;
    contour_graph *g = NULL;
    if (!cfg || contour_snapshot_new(&s, cfg) != CONTOUR_OK)
        goto out;
    FUZZ_CHECK(contour_snapshot_load_buffer(s, "fuzz", 4, (const char *)data + 1, size - 1,
                                            CONTOUR_FORMAT_AUTO) == CONTOUR_OK);
    FUZZ_CHECK(contour_resolve(&g, s, cfg) == CONTOUR_OK);
    /* Every load diagnostic is in the graph too. */
    FUZZ_CHECK(contour_graph_diagnostic_count(g) >= contour_snapshot_diagnostic_count(s));
    (void)fuzz_walk_graph(g);
    for (int f = CONTOUR_OUTPUT_JSON; f <= CONTOUR_OUTPUT_DOT; f++) {
        contour_buffer *b = NULL;
        FUZZ_CHECK(contour_graph_render(&b, g, (contour_output_format)f) == CONTOUR_OK);
        fuzz_check_rendering(b, (contour_output_format)f);
        contour_buffer_free(b);
    }
out:
    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_config_free(cfg);
    return 0;
}
