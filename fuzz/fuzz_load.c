/* libFuzzer target: loading YAML (FUZZ_FORMAT=YAML) or JSON (JSON) from arbitrary bytes,
 * then reading every object and diagnostic back through the public API (checking the
 * output invariants in fuzz_common.h) and removing one object of each kind. */
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
    contour_result st =
        contour_snapshot_load_buffer(s, "fuzz", 4, (const char *)data + 1, size - 1, FUZZ_FORMAT);
    FUZZ_CHECK(st == CONTOUR_OK);
    size_t sink = fuzz_walk_snapshot(s);

    /* Removing an object drops it (and its diagnostics) and nothing else. */
    for (int k = 1; k <= (int)contour_kind_count(); k++) {
        size_t count = contour_snapshot_object_count(s, (contour_kind)k);
        if (!count)
            continue;
        const contour_object *o = contour_snapshot_object_at(s, (contour_kind)k, count / 2);
        /* Copies: the strings belong to the object being removed. */
        char ns[256], name[256];
        size_t ns_len = strlen(contour_object_namespace(o)),
               name_len = strlen(contour_object_name(o));
        if (ns_len >= sizeof ns || name_len >= sizeof name)
            continue;
        memcpy(ns, contour_object_namespace(o), ns_len + 1);
        memcpy(name, contour_object_name(o), name_len + 1);
        FUZZ_CHECK(contour_snapshot_remove(s, (contour_kind)k, ns, ns_len, name, name_len) ==
                   CONTOUR_OK);
        FUZZ_CHECK(contour_snapshot_object_count(s, (contour_kind)k) == count - 1);
        FUZZ_CHECK(contour_snapshot_find(s, (contour_kind)k, ns, ns_len, name, name_len) == NULL);
    }
    sink += fuzz_walk_snapshot(s);
    (void)sink;
    contour_snapshot_free(s);
    contour_config_free(cfg);
    return 0;
}
