/* libFuzzer target: loading YAML (FUZZ_FORMAT=YAML) or JSON (JSON) from arbitrary bytes,
 * then reading every object and diagnostic back through the public API. */
#include "fuzz_common.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT CONTOUR_FORMAT_YAML
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    contour_config *cfg = fuzz_config(data[0]);
    contour_snapshot *s = NULL;
    if (!cfg || contour_snapshot_new(&s, cfg) != CONTOUR_OK) {
        contour_config_free(cfg);
        return 0;
    }
    contour_snapshot_load_buffer(s, "fuzz", 4, (const char *)data + 1, size - 1, FUZZ_FORMAT);
    size_t sink = 0;
    for (int k = 1; k <= CONTOUR_KIND_COUNT; k++) {
        for (size_t i = 0; i < contour_snapshot_object_count(s, (contour_kind)k); i++) {
            const contour_object *o = contour_snapshot_object_at(s, (contour_kind)k, i);
            sink += contour_object_line(o) + (size_t)contour_object_name(o)[0];
            for (size_t r = 0; r < contour_ingressroute_route_count(o); r++) {
                const contour_ir_route *rt = contour_ingressroute_route_at(o, r);
                const char *m = contour_ir_route_match(rt);
                sink += m ? (size_t)m[0] : 0;
                for (size_t j = 0; j < contour_ir_route_service_count(rt); j++)
                    sink += (size_t)contour_ir_service_port(contour_ir_route_service_at(rt, j));
            }
        }
    }
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++) {
        const contour_diagnostic *d = contour_snapshot_diagnostic_at(s, i);
        sink += contour_diagnostic_line(d) + (size_t)contour_diagnostic_message(d)[0];
    }
    (void)sink;
    contour_snapshot_free(s);
    contour_config_free(cfg);
    return 0;
}
