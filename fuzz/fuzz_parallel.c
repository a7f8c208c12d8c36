/* libFuzzer target: a YAML input read on several threads gives what one thread gives
 * (contour_config_set_threads). The input is loaded with one thread and with 2 to 8
 * (split however small it is), and everything the snapshots show is compared: each
 * object's identity, position and diagnostics, every snapshot diagnostic, and the JSON
 * rendering of the resolved graph. */
#include "fuzz_common.h"

#include "config_internal.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put(FILE *f, const char *s)
{
    fputs(s ? s : "(null)", f);
    fputc('\x1f', f);
}

static void put_diag(FILE *f, const contour_diagnostic *d)
{
    fprintf(f, "%d %u %u %d ", (int)contour_diagnostic_severity(d), contour_diagnostic_line(d),
            contour_diagnostic_column(d), (int)contour_diagnostic_object_kind(d));
    put(f, contour_diagnostic_code(d));
    put(f, contour_diagnostic_message(d));
    put(f, contour_diagnostic_file(d));
    put(f, contour_diagnostic_field(d));
    put(f, contour_diagnostic_object_namespace(d));
    put(f, contour_diagnostic_object_name(d));
}

/* What a snapshot loaded from `data` with `threads` threads shows (malloc'd), or NULL
 * when a call failed (out of memory under the fuzzer's limits). */
static char *load_and_show(const uint8_t *data, size_t size, uint32_t threads, size_t *len)
{
    contour_config *cfg = fuzz_config(data[0]);
    contour_snapshot *s = NULL;
    char *out = NULL;
    if (!cfg || contour_config_set_threads(cfg, threads) != CONTOUR_OK)
        goto done;
    cfg->parallel_min_bytes = 0;
    if (contour_snapshot_new(&s, cfg) != CONTOUR_OK)
        goto done;
    contour_result st = contour_snapshot_load_buffer(s, "fuzz", 4, (const char *)data + 1, size - 1,
                                                     CONTOUR_FORMAT_YAML);
    FUZZ_CHECK(st == CONTOUR_OK || st == CONTOUR_ERR_NOMEM);
    if (st != CONTOUR_OK)
        goto done;
    FILE *f = open_memstream(&out, len);
    if (!f)
        goto done;
    for (int k = 1; k <= (int)contour_kind_count(); k++) {
        for (size_t i = 0; i < contour_snapshot_object_count(s, (contour_kind)k); i++) {
            const contour_object *o = contour_snapshot_object_at(s, (contour_kind)k, i);
            fprintf(f, "\nobject %d %u %u ", k, contour_object_line(o), contour_object_column(o));
            put(f, contour_object_api_version(o));
            put(f, contour_object_namespace(o));
            put(f, contour_object_name(o));
            for (size_t j = 0; j < contour_object_diagnostic_count(o); j++)
                put_diag(f, contour_object_diagnostic_at(o, j));
        }
    }
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++)
        put_diag(f, contour_snapshot_diagnostic_at(s, i));
    contour_graph *g = NULL;
    contour_buffer *json = NULL;
    if (contour_resolve(&g, s, NULL) == CONTOUR_OK &&
        contour_graph_render(&json, g, CONTOUR_OUTPUT_JSON) == CONTOUR_OK)
        fwrite(contour_buffer_data(json), 1, contour_buffer_size(json), f);
    contour_buffer_free(json);
    contour_graph_free(g);
    if (fclose(f) != 0) {
        free(out);
        out = NULL;
    }
done:
    contour_snapshot_free(s);
    contour_config_free(cfg);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t one_len = 0, many_len = 0;
    char *one = load_and_show(data, size, 1, &one_len);
    char *many = load_and_show(data, size, 2 + (uint32_t)(size % 7), &many_len);
    if (one && many)
        FUZZ_CHECK(one_len == many_len && memcmp(one, many, one_len) == 0);
    free(one);
    free(many);
    return 0;
}
